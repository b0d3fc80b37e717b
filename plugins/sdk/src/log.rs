//! Structured logs through the host (`hearth:plugin/log`): lines go to the host's log,
//! tagged with the plugin id.
//!
//! Usable by tool plugins and model adapters. Outside WebAssembly (unit tests) lines are
//! written to standard error instead. Policies must not log: their world imports nothing.

use crate::types::LogLevel;

/// Writes one log line at `level`.
pub fn log(level: LogLevel, message: &str) {
    #[cfg(target_family = "wasm")]
    crate::tool::hearth::plugin::log::log(level, message);
    #[cfg(not(target_family = "wasm"))]
    eprintln!("[{level:?}] {message}");
}

/// Writes a trace line.
pub fn trace(message: &str) {
    log(LogLevel::Trace, message);
}

/// Writes a debug line.
pub fn debug(message: &str) {
    log(LogLevel::Debug, message);
}

/// Writes an info line.
pub fn info(message: &str) {
    log(LogLevel::Info, message);
}

/// Writes a warning line.
pub fn warn(message: &str) {
    log(LogLevel::Warn, message);
}

/// Writes an error line.
pub fn error(message: &str) {
    log(LogLevel::Error, message);
}
