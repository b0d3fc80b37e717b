#!/usr/bin/env bash
# Builds the plugin into dist/: the component ({{name}}.wasm) and its manifest ({{name}}.toml),
# ready for `hearth --plugins dist`. Uses componentize-py from $COMPONENTIZE_PY, else from
# PATH, else installs the pinned version into .venv/ (never globally).
set -euo pipefail
cd "$(dirname "$0")"
componentize="${COMPONENTIZE_PY:-}"
if [[ -z "$componentize" ]]; then
  if command -v componentize-py >/dev/null 2>&1; then
    componentize=componentize-py
  else
    if [[ ! -x .venv/bin/componentize-py ]]; then
      echo "installing componentize-py {{componentize_py}} into .venv/" >&2
      python3 -m venv .venv
      .venv/bin/pip install --quiet "componentize-py=={{componentize_py}}"
    fi
    componentize=.venv/bin/componentize-py
  fi
fi
mkdir -p dist
"$componentize" -q -d wit -w tool componentize -p . app -o dist/{{name}}.wasm
cp hearth-plugin.toml dist/{{name}}.toml
echo "built dist/{{name}}.wasm; try: hearth plugin check dist/{{name}}.toml" >&2
