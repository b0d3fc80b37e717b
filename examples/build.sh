#!/usr/bin/env bash
# Builds hearth's Python and JavaScript example plugins into target/examples/<name>/
# (the component and its manifest side by side, ready for `hearth --plugins DIR`).
#
# The pinned toolchains (examples/toolchain/) are installed locally, never globally:
#   Python  python3 -m venv .cache/pyenv, then pip install componentize-py
#   JS      npm install into .cache/node-tools (componentize-js, jco)
# An example is rebuilt only when its sources, the WIT contract, this script or the
# toolchain pins changed (a hash of them is kept beside each output).
#
# Usage: examples/build.sh [NAME...]        (default: every example)
# Environment:
#   HEARTH_EXAMPLES_OUT   output root (default <repo>/target/examples)
#   HEARTH_TOOLS_CACHE    toolchain cache (default <repo>/.cache)
#   PYTHON                the python3 to make the venv with (default python3)
# Prints the output root on stdout; progress goes to stderr.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
examples="$repo/examples"
out_root="${HEARTH_EXAMPLES_OUT:-$repo/target/examples}"
cache="${HEARTH_TOOLS_CACHE:-$repo/.cache}"
python="${PYTHON:-python3}"
pyenv="$cache/pyenv"
node_tools="$cache/node-tools"

say() { echo "examples/build.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

mkdir -p "$cache" "$out_root"
# Serialise concurrent runs (test binaries may start this at the same time).
exec 9>"$cache/examples-build.lock"
command -v flock >/dev/null 2>&1 && flock 9

# --- toolchains --------------------------------------------------------------------------

py_pin="$(sed -n 's/^componentize-py==\(.*\)$/\1/p' "$examples/toolchain/requirements.txt")"

ensure_python() {
  local bin="$pyenv/bin/componentize-py"
  if [[ -x "$bin" ]] && [[ "$("$bin" --version 2>/dev/null)" == *" $py_pin" ]]; then
    return
  fi
  command -v "$python" >/dev/null 2>&1 \
    || die "$python not found: install Python >= 3.10 (with venv) to build the Python examples"
  say "installing componentize-py $py_pin into $pyenv"
  "$python" -m venv "$pyenv" \
    || die "'$python -m venv' failed: install the venv module (Debian: apt-get install python3-venv)"
  "$pyenv/bin/pip" install --quiet --disable-pip-version-check -r "$examples/toolchain/requirements.txt" \
    || die "pip install componentize-py==$py_pin failed (is PyPI reachable?)"
  [[ -x "$bin" ]] || die "componentize-py missing after install: $bin"
}

ensure_node() {
  local bin="$node_tools/node_modules/.bin/componentize-js"
  if [[ -x "$bin" ]] && cmp -s "$examples/toolchain/package.json" "$node_tools/package.json"; then
    return
  fi
  command -v npm >/dev/null 2>&1 \
    || die "npm not found: install Node.js >= 18 to build the JavaScript examples"
  say "installing the pinned componentize-js and jco into $node_tools"
  mkdir -p "$node_tools"
  cp "$examples/toolchain/package.json" "$node_tools/package.json"
  npm install --prefix "$node_tools" --no-audit --no-fund --loglevel=error >&2 \
    || die "npm install of the JavaScript toolchain failed (is the npm registry reachable?)"
  [[ -x "$bin" ]] || die "componentize-js missing after install: $bin"
}

# --- building ----------------------------------------------------------------------------

# Hash of everything an example's output depends on.
inputs_hash() {
  local dir="$1"
  {
    find "$dir" -type f ! -name '*.md' ! -path '*/node_modules/*' ! -path '*/__pycache__/*' -print0 \
      | sort -z | xargs -0 sha256sum
    sha256sum "$repo"/wit/*.wit "${BASH_SOURCE[0]}" "$examples"/toolchain/*
  } | sha256sum | cut -d' ' -f1
}

# build NAME KIND LANG MODULE MANIFEST: one example into $out_root/NAME/.
build() {
  local name="$1" kind="$2" lang="$3" module="$4" manifest="$5"
  local src="$examples/$name" out="$out_root/$name"
  local stem="${manifest%.toml}"
  local hash; hash="$(inputs_hash "$src")"
  if [[ -f "$out/$stem.wasm" && "$(cat "$out/.inputs" 2>/dev/null)" == "$hash" ]]; then
    say "$name is up to date"
    return
  fi
  mkdir -p "$out"
  rm -f "$out/.inputs"
  local world pure=()
  case "$kind" in
    tool) world=tool ;;
    policy) world=policy-plugin ;;
    *) die "unknown kind $kind" ;;
  esac
  local started=$SECONDS
  case "$lang" in
    python)
      # A policy is a pure component: --stub-wasi replaces every WASI import with a trap.
      [[ "$kind" == policy ]] && pure=(--stub-wasi)
      "$pyenv/bin/componentize-py" -q -d "$repo/wit" -w "$world" componentize "${pure[@]}" \
        -p "$src" "$module" -o "$out/$stem.wasm.tmp" >&2 \
        || die "componentize-py failed for $name"
      ;;
    js)
      [[ "$kind" == policy ]] && pure=(-d stdio random clocks http fetch-event)
      "$node_tools/node_modules/.bin/componentize-js" "$src/$module" -w "$repo/wit" -n "$world" \
        "${pure[@]}" -o "$out/$stem.wasm.tmp" >&2 \
        || die "componentize-js failed for $name"
      ;;
  esac
  mv "$out/$stem.wasm.tmp" "$out/$stem.wasm"
  cp "$src/$manifest" "$out/$manifest"
  echo "$hash" >"$out/.inputs"
  say "built $name: $out/$stem.wasm ($(($(stat -c %s "$out/$stem.wasm") / 1024)) KiB, $((SECONDS - started)) s)"
}

# name kind lang module manifest
EXAMPLES=(
  "python-tool tool python app data-inspector.toml"
  "js-tool tool js web-fetch.js web-fetch.toml"
  "python-policy policy python guard workspace-guard.toml"
)

wanted=("$@")
selected=()
for entry in "${EXAMPLES[@]}"; do
  read -r name _ <<<"$entry"
  if [[ ${#wanted[@]} -eq 0 || " ${wanted[*]} " == *" $name "* ]]; then
    selected+=("$entry")
  fi
done
[[ ${#selected[@]} -gt 0 ]] || die "no example named ${wanted[*]} (known: python-tool js-tool python-policy)"

[[ " ${selected[*]} " == *" python "* ]] && ensure_python
[[ " ${selected[*]} " == *" js "* ]] && ensure_node

# Build in parallel (each toolchain is mostly single-threaded), failing if any fails.
pids=()
for entry in "${selected[@]}"; do
  # shellcheck disable=SC2086
  build $entry &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
[[ $status -eq 0 ]] || die "some examples failed to build (see above)"
echo "$out_root"
