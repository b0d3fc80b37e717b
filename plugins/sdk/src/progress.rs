//! Streams a running call's output to the client while the call runs
//! (`hearth:plugin/progress`). Tool plugins only.

/// Appends `chunk` to the current call's output item (for command-execution tools, an
/// `item/commandExecution/outputDelta`). Returns false when the client is gone or the call
/// was cancelled: the tool should then stop soon.
///
/// Outside WebAssembly (unit tests) this does nothing and returns true.
pub fn emit(chunk: &str) -> bool {
    #[cfg(target_family = "wasm")]
    return crate::tool::hearth::plugin::progress::emit(chunk);
    #[cfg(not(target_family = "wasm"))]
    {
        let _ = chunk;
        true
    }
}
