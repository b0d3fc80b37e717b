#!/usr/bin/env bash
# Builds the plugin into dist/: the component ({{name}}.wasm) and its manifest ({{name}}.toml),
# ready for `hearth --plugins dist`. Needs the wasm32-wasip2 target:
#   rustup target add wasm32-wasip2
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --target wasm32-wasip2
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p dist
cp "$target_dir/wasm32-wasip2/release/{{crate}}.wasm" dist/{{name}}.wasm
cp hearth-plugin.toml dist/{{name}}.toml
echo "built dist/{{name}}.wasm; try: hearth plugin check dist/{{name}}.toml" >&2
