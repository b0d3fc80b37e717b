//! The `shell` tool's arguments, read from the call's JSON object with messages the model
//! can act on.
//!
//! `command` must be an argv array (Codex's shape). `timeout_ms` accepts integers,
//! integral floats (`2000.0`) and numeric strings (`"2000"`), since models send all
//! three. Unknown keys are ignored.

use hearth_plugin_sdk::prelude::*;

/// Longest timeout a call may ask for: a little under the plugin's own time limit in its
/// manifest (one hour), so the command is stopped before the call is.
pub const MAX_TIMEOUT_MS: u32 = 3_500_000;

/// Whether the model asks to run inside the sandbox or outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SandboxPermissions {
    /// Run in the thread's sandbox (`use_default`, the default).
    #[default]
    UseDefault,
    /// Run outside the sandbox (`require_escalated`): the host reads this from the call's
    /// arguments, asks the policies (and the user) and, when approved, runs the command
    /// unconfined.
    RequireEscalated,
}

/// The parsed arguments of one `shell` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellArgs {
    /// Program and arguments.
    pub command: Vec<String>,
    /// Working directory as the model gave it (absolute or relative to the workspace).
    pub workdir: Option<String>,
    /// Timeout in milliseconds, at most [`MAX_TIMEOUT_MS`].
    pub timeout_ms: Option<u32>,
    /// Why the model wants to run the command.
    pub justification: Option<String>,
    /// Inside or outside the sandbox.
    pub sandbox_permissions: SandboxPermissions,
}

impl ShellArgs {
    /// Reads the arguments object.
    pub fn parse(args: &Value) -> Result<Self, ToolError> {
        if !args.is_object() {
            return Err(ToolError::invalid("the arguments must be a JSON object"));
        }
        Ok(ShellArgs {
            command: command(args)?,
            workdir: optional_str(args, "workdir")?,
            timeout_ms: timeout(args)?,
            justification: optional_str(args, "justification")?,
            sandbox_permissions: sandbox_permissions(args)?,
        })
    }
}

/// `command`: a non-empty array of strings whose first element names a program.
fn command(args: &Value) -> Result<Vec<String>, ToolError> {
    const SHAPE: &str = "`command` must be an array of strings (the argv), e.g. \
        [\"bash\", \"-lc\", \"ls -la\"]";
    let items = match args.get("command") {
        None | Some(Value::Null) => return Err(ToolError::invalid("`command` is required")),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ToolError::invalid(SHAPE)),
    };
    let argv = items
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ToolError::invalid(SHAPE))?;
    match argv.first() {
        None => Err(ToolError::invalid("`command` must not be empty")),
        Some(program) if program.trim().is_empty() => Err(ToolError::invalid(
            "`command[0]` must name the program to run",
        )),
        Some(_) => Ok(argv),
    }
}

/// An optional string; empty or blank strings count as absent.
fn optional_str(args: &Value, key: &str) -> Result<Option<String>, ToolError> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ToolError::invalid(format!("`{key}` must be a string"))),
    }
}

/// `timeout_ms`: a positive number of milliseconds, capped at [`MAX_TIMEOUT_MS`].
fn timeout(args: &Value) -> Result<Option<u32>, ToolError> {
    let value = match args.get("timeout_ms") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    match value {
        Some(0) | None => Err(ToolError::invalid(
            "`timeout_ms` must be a positive integer (milliseconds)",
        )),
        Some(ms) => Ok(Some(
            u32::try_from(ms).unwrap_or(u32::MAX).min(MAX_TIMEOUT_MS),
        )),
    }
}

/// `sandbox_permissions`: `use_default` (the default) or `require_escalated`.
fn sandbox_permissions(args: &Value) -> Result<SandboxPermissions, ToolError> {
    match optional_str(args, "sandbox_permissions")?.as_deref() {
        None | Some("use_default") => Ok(SandboxPermissions::UseDefault),
        Some("require_escalated") => Ok(SandboxPermissions::RequireEscalated),
        Some(other) => Err(ToolError::invalid(format!(
            "`sandbox_permissions` must be \"use_default\" or \"require_escalated\", not {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(args: Value) -> String {
        ShellArgs::parse(&args).unwrap_err().message().to_string()
    }

    #[test]
    fn full_arguments() {
        let args = ShellArgs::parse(&json!({
            "command": ["bash", "-lc", "ls"],
            "workdir": "src",
            "timeout_ms": "2500",
            "justification": "look around",
            "sandbox_permissions": "require_escalated",
            "extra": true,
        }))
        .unwrap();
        assert_eq!(args.command, ["bash", "-lc", "ls"]);
        assert_eq!(args.workdir.as_deref(), Some("src"));
        assert_eq!(args.timeout_ms, Some(2500));
        assert_eq!(args.justification.as_deref(), Some("look around"));
        assert_eq!(
            args.sandbox_permissions,
            SandboxPermissions::RequireEscalated
        );
    }

    #[test]
    fn defaults() {
        let args = ShellArgs::parse(&json!({"command": ["ls"], "workdir": " "})).unwrap();
        assert_eq!(args.workdir, None);
        assert_eq!(args.timeout_ms, None);
        assert_eq!(args.justification, None);
        assert_eq!(args.sandbox_permissions, SandboxPermissions::UseDefault);
    }

    #[test]
    fn command_must_be_an_argv() {
        assert!(err(json!({})).contains("`command` is required"));
        assert!(err(json!({"command": "ls -la"})).contains("array of strings"));
        assert!(err(json!({"command": ["ls", 1]})).contains("array of strings"));
        assert!(err(json!({"command": []})).contains("must not be empty"));
        assert!(err(json!({"command": [""]})).contains("name the program"));
        assert!(err(json!([1])).contains("JSON object"));
    }

    #[test]
    fn timeouts() {
        let parse = |t: Value| ShellArgs::parse(&json!({"command": ["ls"], "timeout_ms": t}));
        assert_eq!(parse(json!(1000.0)).unwrap().timeout_ms, Some(1000));
        assert_eq!(
            parse(json!(u64::MAX)).unwrap().timeout_ms,
            Some(MAX_TIMEOUT_MS)
        );
        for bad in [json!(0), json!(-5), json!(1.5), json!("soon"), json!(true)] {
            assert!(parse(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_sandbox_permissions() {
        let msg = err(json!({"command": ["ls"], "sandbox_permissions": "root"}));
        assert!(msg.contains("use_default"), "{msg}");
        assert!(
            err(json!({"command": ["ls"], "workdir": 3})).contains("`workdir` must be a string")
        );
    }
}
