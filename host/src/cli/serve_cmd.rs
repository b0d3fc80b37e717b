//! `hearth app-server` and `hearth exec`: the main job, and one non-interactive turn
//! driven through the same server code over an in-process pipe.

use super::Context;
use crate::server::app::App;
use crate::server::listen::{Listen, serve_websocket};
use crate::server::serve;
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Options of `hearth app-server`.
#[derive(Debug, clap::Args)]
pub struct AppServerArgs {
    /// Transport: `stdio://` (JSONL on stdin/stdout), `ws://IP:PORT` (one message per
    /// websocket text frame; port 0 picks a free port) or `off`.
    #[arg(long, default_value = "stdio://")]
    pub listen: Listen,
    /// Websocket only: a file holding the capability token clients must present as
    /// `Authorization: Bearer <token>` (required to listen on a non-loopback address).
    #[arg(long)]
    pub ws_token_file: Option<PathBuf>,
}

/// Runs the app server: on stdio until the client closes stdin, or on a websocket (or
/// nothing) until SIGINT or SIGTERM.
pub async fn app_server(ctx: &Context, args: AppServerArgs) -> Result<i32> {
    let token = match &args.ws_token_file {
        Some(path) => {
            let token = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --ws-token-file {}", path.display()))?;
            let token = token.trim().to_string();
            if token.is_empty() {
                bail!("--ws-token-file {} is empty", path.display());
            }
            Some(token)
        }
        None => None,
    };
    let app = App::start(
        ctx.home.clone(),
        ctx.config.clone(),
        ctx.plugin_dirs.clone(),
    )?;
    match args.listen {
        Listen::Stdio => crate::server::serve_stdio(app).await,
        Listen::WebSocket(addr) => {
            tokio::select! {
                served = serve_websocket(app, addr, token) => served?,
                _ = shutdown_signal() => {}
            }
        }
        Listen::Off => shutdown_signal().await,
    }
    Ok(0)
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async {
            match term.as_mut() {
                Some(term) => { term.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
    tracing::info!("shutting down on signal");
}

/// Options of `hearth exec`.
#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    /// What to ask the agent.
    pub prompt: String,
    /// Print the raw JSON-RPC notifications instead of a readable stream.
    #[arg(long)]
    pub json: bool,
    /// Refuse every approval request instead of asking on the terminal.
    #[arg(long)]
    pub no_approve: bool,
    /// Working directory of the thread (default: the current directory).
    #[arg(long, short = 'C')]
    pub cd: Option<PathBuf>,
    /// Do not persist the thread.
    #[arg(long)]
    pub ephemeral: bool,
}

struct Client {
    writer: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    lines: tokio::io::Lines<BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
    next_id: i64,
}

impl Client {
    async fn send(&mut self, message: Value) -> Result<()> {
        let mut line = serde_json::to_vec(&message)?;
        line.push(b'\n');
        self.writer
            .write_all(&line)
            .await
            .context("the server went away")
    }

    async fn request(&mut self, method: &str, params: Value, out: &mut Renderer) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"id": id, "method": method, "params": params}))
            .await?;
        loop {
            let message = self.next().await?;
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                if let Some(error) = message.get("error") {
                    bail!(
                        "{method} failed: {}",
                        error["message"].as_str().unwrap_or("unknown error")
                    );
                }
                return Ok(message["result"].clone());
            }
            out.show(&message);
        }
    }

    async fn next(&mut self) -> Result<Value> {
        let line = self
            .lines
            .next_line()
            .await?
            .context("the server closed the connection")?;
        serde_json::from_str(&line).context("the server sent invalid JSON")
    }
}

/// Removes ANSI colour codes unless stdout is a terminal.
fn styled(text: String) -> String {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Turns notifications into terminal output.
struct Renderer {
    json: bool,
    in_text: bool,
}

impl Renderer {
    fn line_break(&mut self) {
        if self.in_text {
            println!();
            self.in_text = false;
        }
    }

    fn show(&mut self, message: &Value) {
        if self.json {
            println!("{message}");
            return;
        }
        let params = &message["params"];
        match message["method"].as_str().unwrap_or_default() {
            "item/agentMessage/delta" => {
                print!("{}", params["delta"].as_str().unwrap_or_default());
                self.in_text = true;
            }
            "item/reasoning/summaryTextDelta" => {
                if !self.in_text {
                    print!("{}", styled("\x1b[2mthinking: ".to_string()));
                }
                print!("{}", params["delta"].as_str().unwrap_or_default());
                self.in_text = true;
            }
            "item/started" if params["item"]["type"] == "commandExecution" => {
                self.line_break();
                println!(
                    "{}",
                    styled(format!(
                        "\x1b[36m$ {}\x1b[0m",
                        params["item"]["command"].as_str().unwrap_or("?")
                    ))
                );
            }
            "item/commandExecution/outputDelta" => {
                print!(
                    "{}",
                    styled(format!(
                        "\x1b[2m{}\x1b[0m",
                        params["delta"].as_str().unwrap_or_default()
                    ))
                );
            }
            "turn/plan/updated" => {
                self.line_break();
                for step in params["plan"].as_array().into_iter().flatten() {
                    let mark = match step["status"].as_str() {
                        Some("completed") => "[x]",
                        Some("inProgress") => "[>]",
                        _ => "[ ]",
                    };
                    println!("{mark} {}", step["step"].as_str().unwrap_or_default());
                }
            }
            "item/started" if params["item"]["type"] == "mcpToolCall" => {
                self.line_break();
                let item = &params["item"];
                println!(
                    "{}",
                    styled(format!(
                        "\x1b[0m\x1b[36m▶ {} {}\x1b[0m",
                        item["tool"].as_str().unwrap_or("?"),
                        item["arguments"]
                    ))
                );
            }
            "item/completed" => {
                let item = &params["item"];
                match item["type"].as_str() {
                    Some("mcpToolCall") => {
                        let ok = item["status"] == "completed";
                        let text = if ok {
                            item["result"]["content"][0]["text"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string()
                        } else {
                            item["error"]["message"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string()
                        };
                        let preview: Vec<&str> = text.lines().take(6).collect();
                        let mark = if ok { "\x1b[32m✓" } else { "\x1b[31m✗" };
                        println!(
                            "{}",
                            styled(format!(
                                "{mark} {} ({} ms)\x1b[0m",
                                item["tool"].as_str().unwrap_or("?"),
                                item["durationMs"]
                            ))
                        );
                        for l in &preview {
                            println!("{}", styled(format!("  \x1b[2m{l}\x1b[0m")));
                        }
                        if text.lines().count() > preview.len() {
                            println!("{}", styled("  \x1b[2m…\x1b[0m".to_string()));
                        }
                    }
                    Some("commandExecution") | Some("fileChange") => {
                        let status = item["status"].as_str().unwrap_or("?");
                        let detail = match item["exitCode"].as_i64() {
                            Some(code) => format!("exit {code}"),
                            None => status.to_string(),
                        };
                        println!(
                            "{}",
                            styled(format!(
                                "\x1b[2m({} {detail})\x1b[0m",
                                item["type"].as_str().unwrap_or_default()
                            ))
                        );
                        for change in item["changes"].as_array().into_iter().flatten() {
                            println!("  {}", change["path"].as_str().unwrap_or_default());
                        }
                    }
                    Some("reasoning") | Some("agentMessage") => {
                        print!("{}", styled("\x1b[0m".to_string()));
                        self.line_break();
                    }
                    Some("contextCompaction") => {
                        println!(
                            "{}",
                            styled("\x1b[2m(history compacted into a summary)\x1b[0m".into())
                        );
                    }
                    _ => {}
                }
            }
            "error" => {
                self.line_break();
                let retry = if params["willRetry"] == true {
                    " (retrying)"
                } else {
                    ""
                };
                eprintln!(
                    "{}",
                    styled(format!(
                        "\x1b[33m! {}{retry}\x1b[0m",
                        params["error"]["message"].as_str().unwrap_or_default()
                    ))
                );
            }
            _ => {}
        }
        let _ = std::io::stdout().flush();
    }
}

/// Answers an approval request: on a terminal, asks the user; otherwise (or with
/// `--no-approve`) declines.
async fn ask_on_tty(request: &Value, no_approve: bool) -> &'static str {
    use std::io::IsTerminal;
    let params = &request["params"];
    let what = match request["method"].as_str() {
        Some("item/commandExecution/requestApproval") => {
            format!(
                "run `{}` in {}",
                params["command"].as_str().unwrap_or("?"),
                params["cwd"].as_str().unwrap_or("?")
            )
        }
        Some("mcpServer/elicitation/request") => format!(
            "call a tool of {}",
            params["serverName"].as_str().unwrap_or("a plugin")
        ),
        _ => "change files".to_string(),
    };
    let reason = params["reason"]
        .as_str()
        .or(params["message"].as_str())
        .unwrap_or_default();
    if no_approve || !std::io::stdin().is_terminal() {
        eprintln!(
            "approval needed to {what} ({reason}): declined (not interactive or --no-approve)"
        );
        return "decline";
    }
    eprint!(
        "Allow the agent to {what}? ({reason})\n  [y]es / [a]lways in this thread / [n]o / [c]ancel turn: "
    );
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await;
    match line.ok().and_then(Result::ok).unwrap_or_default().trim() {
        "y" | "yes" => "accept",
        "a" | "always" => "acceptForSession",
        "c" | "cancel" => "cancel",
        _ => "decline",
    }
}

/// Runs one turn and prints it; exit code 0 when the turn completed.
pub async fn exec(ctx: &Context, args: ExecArgs) -> Result<i32> {
    let app = App::start(
        ctx.home.clone(),
        ctx.config.clone(),
        ctx.plugin_dirs.clone(),
    )?;
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_io);
    tokio::spawn(serve(app, server_read, server_write));
    let (client_read, writer) = tokio::io::split(client_io);
    let mut client = Client {
        writer,
        lines: BufReader::new(client_read).lines(),
        next_id: 0,
    };
    let mut out = Renderer {
        json: args.json,
        in_text: false,
    };

    client
        .request(
            "initialize",
            json!({"clientInfo": {"name": "hearth-exec", "version": env!("CARGO_PKG_VERSION")}}),
            &mut out,
        )
        .await?;
    client.send(json!({"method": "initialized"})).await?;
    let cwd = match &args.cd {
        Some(d) => d
            .canonicalize()
            .with_context(|| format!("no such directory {}", d.display()))?,
        None => std::env::current_dir()?,
    };
    let started = client
        .request(
            "thread/start",
            json!({"cwd": cwd, "ephemeral": args.ephemeral}),
            &mut out,
        )
        .await?;
    let thread_id = started["thread"]["id"]
        .as_str()
        .context("thread/start returned no id")?
        .to_string();
    if !args.json && started["modelProvider"] == crate::agent::model_select::DEMO_PROVIDER {
        eprintln!(
            "{}",
            styled("\x1b[33m[demo] no model provider is configured: running hearth's built-in scripted demo\x1b[0m".to_string())
        );
    }
    client
        .request(
            "turn/start",
            json!({"threadId": thread_id, "input": [{"type": "text", "text": args.prompt, "text_elements": []}]}),
            &mut out,
        )
        .await?;
    loop {
        let message = client.next().await?;
        if message.get("id").is_some() && message.get("method").is_some() {
            out.line_break();
            let decision = ask_on_tty(&message, args.no_approve).await;
            let result = if message["method"] == "mcpServer/elicitation/request" {
                // Tool-call approvals are answered as elicitations.
                match decision {
                    "accept" => json!({"action": "accept"}),
                    "acceptForSession" => {
                        json!({"action": "accept", "_meta": {"persist": "session"}})
                    }
                    "cancel" => json!({"action": "cancel"}),
                    _ => json!({"action": "decline"}),
                }
            } else {
                json!({"decision": decision})
            };
            client
                .send(json!({"id": message["id"], "result": result}))
                .await?;
            continue;
        }
        out.show(&message);
        if message["method"] == "turn/completed" {
            out.line_break();
            let turn = &message["params"]["turn"];
            let status = turn["status"].as_str().unwrap_or("unknown");
            if !args.json {
                if let Some(err) = turn["error"]["message"].as_str() {
                    eprintln!("{}", styled(format!("\x1b[31mturn {status}: {err}\x1b[0m")));
                } else {
                    eprintln!(
                        "{}",
                        styled(format!(
                            "\x1b[2mturn {status} in {} ms (thread {thread_id})\x1b[0m",
                            turn["durationMs"]
                        ))
                    );
                }
            }
            return Ok(if status == "completed" { 0 } else { 1 });
        }
    }
}
