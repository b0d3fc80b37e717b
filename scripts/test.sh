#!/usr/bin/env bash
# Runs every hearth test: the host (unit + end-to-end, which build the plugins for
# WebAssembly and fetch the pinned Codex protocol schema on first use) and the plugins'
# own logic tests. Installs the pinned toolchain and its wasm targets first.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup toolchain install >/dev/null
cargo test --workspace "$@"
cargo test --manifest-path plugins/Cargo.toml --target x86_64-unknown-linux-gnu \
  --target-dir target/plugin-tests "$@"
