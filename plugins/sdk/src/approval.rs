//! Asks before acting (`hearth:plugin/approval`). Tool plugins only.
//!
//! The host runs its policy chain (operator policies, then the thread's approval policy)
//! and, when a policy says ask, asks the user. [`request`] blocks until there is an answer;
//! a tool must not act when it is denied.

use crate::types::{Action, Approval, CommandAction, FileChange};

/// Asks whether `action` may go ahead; blocks until it is approved or denied.
///
/// Outside WebAssembly (unit tests) there is nobody to ask: the answer is a denial.
pub fn request(action: &Action) -> Approval {
    #[cfg(target_family = "wasm")]
    return crate::tool::hearth::plugin::approval::request(action);
    #[cfg(not(target_family = "wasm"))]
    {
        let _ = action;
        Approval::Denied("no host to ask outside WebAssembly".to_string())
    }
}

/// Asks to run a command (`argv`, in `cwd` relative to the workspace root, "" for the
/// root). `Err` carries the reason of a denial, ready to return to the model.
pub fn request_exec(argv: &[String], cwd: &str, justification: Option<&str>) -> Result<(), String> {
    request(&Action::Exec(CommandAction {
        argv: argv.to_vec(),
        cwd: cwd.to_string(),
        justification: justification.map(str::to_string),
    }))
    .into_result()
}

/// Asks to change files. `Err` carries the reason of a denial.
pub fn request_file_changes(changes: Vec<FileChange>) -> Result<(), String> {
    request(&Action::FileChange(changes)).into_result()
}

impl Approval {
    /// True when the action was approved.
    pub fn is_approved(&self) -> bool {
        matches!(self, Approval::Approved)
    }

    /// `Ok(())` when approved, otherwise `Err` with the denial's reason.
    pub fn into_result(self) -> Result<(), String> {
        match self {
            Approval::Approved => Ok(()),
            Approval::Denied(reason) => Err(reason),
        }
    }
}
