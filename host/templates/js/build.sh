#!/usr/bin/env bash
# Builds the plugin into dist/: the component ({{name}}.wasm) and its manifest ({{name}}.toml),
# ready for `hearth --plugins dist`. Uses componentize-js from $COMPONENTIZE_JS, else the
# pinned one in node_modules/ (installed by `npm install` on first use; never globally).
set -euo pipefail
cd "$(dirname "$0")"
componentize="${COMPONENTIZE_JS:-}"
if [[ -z "$componentize" ]]; then
  if [[ ! -x node_modules/.bin/componentize-js ]]; then
    echo "installing the pinned componentize-js into node_modules/" >&2
    npm install --no-audit --no-fund --loglevel=error
  fi
  componentize=node_modules/.bin/componentize-js
fi
mkdir -p dist
"$componentize" app.js -w wit -n tool -o dist/{{name}}.wasm
cp hearth-plugin.toml dist/{{name}}.toml
echo "built dist/{{name}}.wasm; try: hearth plugin check dist/{{name}}.toml" >&2
