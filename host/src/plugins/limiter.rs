//! Per-call resource limiter: caps linear memory and table growth, and remembers the
//! peak and whether a cap was hit, so a failed call can say why.

use wasmtime::ResourceLimiter;

/// Limits one store's memories and tables.
#[derive(Debug, Clone)]
pub struct CallLimiter {
    memory_cap: usize,
    /// Largest memory size granted, in bytes.
    pub peak_memory: usize,
    /// True once a growth request was refused.
    pub memory_denied: bool,
}

/// Most table elements one table may hold.
const MAX_TABLE_ELEMENTS: usize = 1 << 20;

impl CallLimiter {
    /// A limiter capping each memory at `memory_cap` bytes.
    pub fn new(memory_cap: u64) -> Self {
        CallLimiter {
            memory_cap: memory_cap as usize,
            peak_memory: 0,
            memory_denied: false,
        }
    }
}

impl ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_cap {
            self.memory_denied = true;
            return Ok(false);
        }
        self.peak_memory = self.peak_memory.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}
