#!/usr/bin/env bash
# Generates the JSON Schema of the Codex App Server protocol from the pinned reference
# release (@openai/codex@0.169.0) and prints the schema directory.
#
# The npm package is installed into a local cache folder (never globally):
#   default  <repo>/.cache/codex-0.169.0
#   override HEARTH_CODEX_CACHE=/some/dir
# The schema lands in <cache>/schema. Both steps are skipped when already done, so a
# second run is quick. Nothing under .cache/ is ever committed.
#
# Usage: scripts/codex-schema.sh [--force]   (--force regenerates the schema)
set -euo pipefail

CODEX_VERSION="0.169.0"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${HEARTH_CODEX_CACHE:-$repo_root/.cache/codex-$CODEX_VERSION}"
schema_dir="$cache/schema"
codex_bin="$cache/node_modules/.bin/codex"
stamp="$schema_dir/.complete"

force=0
if [[ "${1:-}" == "--force" ]]; then force=1; fi

if [[ $force -eq 0 && -f "$stamp" ]]; then
  echo "$schema_dir"
  exit 0
fi

die() { echo "codex-schema.sh: $*" >&2; exit 1; }

mkdir -p "$cache"
# Serialise concurrent runs (parallel test binaries may call this script at the same time).
exec 9>"$cache/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ $force -eq 0 && -f "$stamp" ]]; then
  echo "$schema_dir"
  exit 0
fi

installed_version=""
if [[ -f "$cache/node_modules/@openai/codex/package.json" ]]; then
  installed_version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$cache/node_modules/@openai/codex/package.json" | head -n1)"
fi
if [[ ! -x "$codex_bin" || "$installed_version" != "$CODEX_VERSION" ]]; then
  command -v npm >/dev/null 2>&1 \
    || die "npm not found on PATH; install Node.js (>= 18) to fetch @openai/codex@$CODEX_VERSION"
  echo "codex-schema.sh: installing @openai/codex@$CODEX_VERSION into $cache" >&2
  [[ -f "$cache/package.json" ]] || echo '{"name":"hearth-codex-cache","private":true}' >"$cache/package.json"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error \
    "@openai/codex@$CODEX_VERSION" >&2 \
    || die "npm install @openai/codex@$CODEX_VERSION failed"
  [[ -x "$codex_bin" ]] || die "codex binary missing after install: $codex_bin"
fi

tmp="$(mktemp -d "$cache/schema.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$codex_bin" app-server generate-json-schema --out "$tmp" >&2 \
  || die "codex app-server generate-json-schema failed"
[[ -f "$tmp/codex_app_server_protocol.v2.schemas.json" ]] \
  || die "generated schema lacks codex_app_server_protocol.v2.schemas.json"
touch "$tmp/.complete"
rm -rf "$schema_dir"
mv "$tmp" "$schema_dir"
trap - EXIT
echo "$schema_dir"
