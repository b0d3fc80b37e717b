//! # hearth.test.hostile
//!
//! Misbehaving and probing tools for the host's sandbox tests. Built, never embedded.
//!
//! | tool        | arguments | does |
//! |-------------|-----------|------|
//! | `spin`      | —         | loops forever (the host's timeout must stop it) |
//! | `hog`       | —         | allocates and touches 1 MiB after 1 MiB forever (the memory limit must stop it) |
//! | `boom`      | —         | traps |
//! | `fetch`     | `{url}`   | HTTP GET through `wasi:http/outgoing-handler`: `status: N` and the body, or the error |
//! | `read_path` | `{path}`  | reads any path with `std::fs`: the content, or the error |
//! | `echo`      | `{text}`  | returns the text, after sending it through `progress.emit` |
//! | `env`       | `{name}`  | the environment variable's value, or the error |
#![warn(missing_docs)]

mod fetch;

use hearth_plugin_sdk::prelude::*;

/// The JSON Schema of an object with one required string property.
fn one_string(name: &str, description: &str) -> Value {
    json!({
        "type": "object",
        "properties": { name: { "type": "string", "description": description } },
        "required": [name],
    })
}

/// An empty arguments object.
fn no_arguments() -> Value {
    json!({"type": "object", "properties": {}})
}

/// Reads a required string argument.
fn arg<'a>(args: &'a Value, name: &str) -> Result<&'a str, ToolError> {
    args[name]
        .as_str()
        .ok_or_else(|| ToolError::invalid(format!("`{name}` must be a string")))
}

/// `spin`: an endless loop the optimiser cannot remove.
pub struct Spin;

impl Tool for Spin {
    const NAME: &'static str = "spin";
    const DESCRIPTION: &'static str = "Loops forever.";

    fn parameters() -> Value {
        no_arguments()
    }

    fn call(_args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let mut n = 0u64;
        loop {
            n = core::hint::black_box(n.wrapping_add(1));
        }
    }
}

/// `hog`: grows memory by 1 MiB steps forever, writing to every page.
pub struct Hog;

impl Tool for Hog {
    const NAME: &'static str = "hog";
    const DESCRIPTION: &'static str = "Allocates memory until stopped.";

    fn parameters() -> Value {
        no_arguments()
    }

    fn call(_args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        const MIB: usize = 1 << 20;
        let mut held: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut block = vec![0u8; MIB];
            for page in block.iter_mut().step_by(4096) {
                *page = 0xA5;
            }
            held.push(core::hint::black_box(block));
        }
    }
}

/// `boom`: traps.
pub struct Boom;

impl Tool for Boom {
    const NAME: &'static str = "boom";
    const DESCRIPTION: &'static str = "Traps.";

    fn parameters() -> Value {
        no_arguments()
    }

    fn call(_args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        #[cfg(target_arch = "wasm32")]
        core::arch::wasm32::unreachable();
        #[cfg(not(target_arch = "wasm32"))]
        panic!("boom");
    }
}

/// `fetch`: one HTTP GET through the host's egress gate.
pub struct Fetch;

impl Tool for Fetch {
    const NAME: &'static str = "fetch";
    const DESCRIPTION: &'static str =
        "HTTP GET of a URL through wasi:http; returns the status and body.";
    const EFFECTS: Effects = Effects::NETWORK;

    fn parameters() -> Value {
        one_string("url", "The URL to GET")
    }

    fn call(args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let (status, body) = fetch::get(arg(&args, "url")?).map_err(ToolError::failed)?;
        Ok(ToolOutput::text(format!("status: {status}\n\n{body}")))
    }
}

/// `read_path`: reads any path, whatever the grants say.
pub struct ReadPath;

impl Tool for ReadPath {
    const NAME: &'static str = "read_path";
    const DESCRIPTION: &'static str = "Reads a file at any path with std::fs.";
    const EFFECTS: Effects = Effects::READS_FS;

    fn parameters() -> Value {
        one_string("path", "The path to read")
    }

    fn call(args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let path = arg(&args, "path")?;
        std::fs::read_to_string(path)
            .map(ToolOutput::text)
            .map_err(|e| ToolError::failed(format!("{path}: {e}")))
    }
}

/// `echo`: returns its text, streaming it through `progress` first.
pub struct Echo;

impl Tool for Echo {
    const NAME: &'static str = "echo";
    const DESCRIPTION: &'static str = "Returns the text, after emitting it as progress.";

    fn parameters() -> Value {
        one_string("text", "The text to echo")
    }

    fn call(args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let text = arg(&args, "text")?;
        hearth_plugin_sdk::progress::emit(text);
        Ok(ToolOutput::text(text))
    }
}

/// `env`: reads an environment variable.
pub struct Env;

impl Tool for Env {
    const NAME: &'static str = "env";
    const DESCRIPTION: &'static str = "Returns an environment variable's value.";

    fn parameters() -> Value {
        one_string("name", "The variable's name")
    }

    fn call(args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let name = arg(&args, "name")?;
        std::env::var(name)
            .map(ToolOutput::text)
            .map_err(|e| ToolError::failed(format!("{name}: {e}")))
    }
}

hearth_plugin_sdk::export_tools!(Spin, Hog, Boom, Fetch, ReadPath, Echo, Env);
