//! Tools and approvals end to end: the real binary, the scripted model, the first-party
//! shell / apply_patch / update_plan plugins, approvals answered over the wire, operator
//! rules, and the OS sandbox around real processes.

#[path = "support/mod.rs"]
mod support;

use serde_json::{Value, json};
use std::path::Path;
use support::client::{AppServer, scripted_home_with};

fn text(t: &str) -> Value {
    json!([{"type": "text", "text": t, "text_elements": []}])
}

fn shell(argv: &[&str]) -> Value {
    json!({"type": "tool_call", "name": "shell", "arguments": {"command": argv}})
}

struct Setup {
    _home: tempfile::TempDir,
    ws: tempfile::TempDir,
    server: AppServer,
    thread: String,
}

/// A server whose model replays `responses`, with extra config.
fn setup(responses: Value, top: &str, tables: &str) -> Setup {
    let home = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(ws.path().join(".git")).unwrap();
    scripted_home_with(home.path(), &json!({ "responses": responses }), top, tables);
    let mut server = AppServer::spawn(home.path(), &[]);
    server.initialize(json!({}));
    let cwd = ws.path().canonicalize().unwrap();
    let thread = server.request("thread/start", json!({"cwd": cwd}))["thread"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    server.wait_for("thread/started");
    Setup {
        _home: home,
        ws,
        server,
        thread,
    }
}

/// Starts a turn and answers approval requests with `decisions` in order; returns every
/// message up to `turn/completed` and the approval requests seen.
fn turn(s: &mut Setup, prompt: &str, decisions: &[&str]) -> (Vec<Value>, Vec<Value>) {
    s.server.request(
        "turn/start",
        json!({"threadId": s.thread, "input": text(prompt)}),
    );
    let mut decisions = decisions.iter();
    let mut events = Vec::new();
    let mut asked = Vec::new();
    loop {
        let m = s.server.next();
        if m.get("id").is_some() && m.get("method").is_some() {
            let decision = decisions
                .next()
                .unwrap_or_else(|| panic!("unexpected approval request: {m}"));
            asked.push(m.clone());
            s.server
                .send(&json!({"id": m["id"], "result": {"decision": decision}}));
            continue;
        }
        let done = m["method"] == "turn/completed";
        events.push(m);
        if done {
            return (events, asked);
        }
    }
}

fn completed_items<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["method"] == "item/completed" && e["params"]["item"]["type"] == kind)
        .map(|e| &e["params"]["item"])
        .collect()
}

fn turn_status(events: &[Value]) -> String {
    events.last().unwrap()["params"]["turn"]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

const UNTRUSTED: &str = "approval_policy = \"untrusted\"\nsandbox_mode = \"workspace-write\"";

#[test]
fn accept_runs_the_command_and_decline_does_not() {
    let mut s = setup(
        json!([[shell(&["touch", "made.txt"])], [{"type": "text", "text": "ok"}], [shell(&["touch", "never.txt"])], [{"type": "echo"}]]),
        UNTRUSTED,
        "",
    );
    let (events, asked) = turn(&mut s, "make a file", &["accept"]);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["method"], "item/commandExecution/requestApproval");
    assert!(
        asked[0]["params"]["command"]
            .as_str()
            .unwrap()
            .contains("touch made.txt")
    );
    assert!(
        events
            .iter()
            .any(|e| e["method"] == "serverRequest/resolved")
    );
    let statuses: Vec<&Value> = events
        .iter()
        .filter(|e| e["method"] == "thread/status/changed")
        .map(|e| &e["params"]["status"])
        .collect();
    assert!(
        statuses
            .iter()
            .any(|st| st["activeFlags"] == json!(["waitingOnApproval"])),
        "{statuses:?}"
    );
    let cmd = completed_items(&events, "commandExecution");
    assert_eq!(cmd[0]["status"], "completed");
    assert_eq!(cmd[0]["exitCode"], 0);
    assert!(s.ws.path().join("made.txt").exists());

    let (events, _) = turn(&mut s, "make another", &["decline"]);
    assert!(!s.ws.path().join("never.txt").exists());
    let cmd = completed_items(&events, "commandExecution");
    assert_eq!(cmd[0]["status"], "declined");
    assert_eq!(turn_status(&events), "completed");
}

#[test]
fn cancel_ends_the_turn_and_accept_for_session_is_remembered() {
    let mut s = setup(
        json!([
            [shell(&["touch", "a.txt"])],
            [{"type": "text", "text": "first done"}],
            [shell(&["touch", "a.txt"])],
            [{"type": "text", "text": "second done"}],
            [shell(&["touch", "b.txt"])]
        ]),
        UNTRUSTED,
        "",
    );
    let (_, asked) = turn(&mut s, "touch a", &["acceptForSession"]);
    assert_eq!(asked.len(), 1);
    let (events, asked) = turn(&mut s, "touch a again", &[]);
    assert!(asked.is_empty(), "asked again for the same command");
    assert_eq!(
        completed_items(&events, "commandExecution")[0]["status"],
        "completed"
    );
    let (events, asked) = turn(&mut s, "touch b", &["cancel"]);
    assert_eq!(asked.len(), 1);
    assert_eq!(turn_status(&events), "interrupted");
    assert!(!s.ws.path().join("b.txt").exists());
}

#[test]
fn waiting_for_the_user_or_a_process_does_not_count_toward_the_time_limit() {
    // The shell plugin gets 400 ms of its own time; the user takes longer than that to
    // answer, and the command runs longer than that too.
    let mut s = setup(
        json!([[shell(&["sh", "-c", "sleep 1 && echo finished"])], [{"type": "text", "text": "ok"}]]),
        UNTRUSTED,
        "[plugins.\"hearth.shell\".limits]\ntimeout_ms = 400\n",
    );
    s.server.request(
        "turn/start",
        json!({"threadId": s.thread, "input": text("slow")}),
    );
    let asked = loop {
        let m = s.server.next();
        if m.get("id").is_some() && m.get("method").is_some() {
            break m;
        }
    };
    std::thread::sleep(std::time::Duration::from_millis(1200));
    s.server
        .send(&json!({"id": asked["id"], "result": {"decision": "accept"}}));
    let events = s.server.collect_until("turn/completed");
    assert_eq!(turn_status(&events), "completed");
    let commands = completed_items(&events, "commandExecution");
    assert_eq!(commands.len(), 1, "{events:#?}");
    assert_eq!(commands[0]["status"], "completed", "{:#}", commands[0]);
    assert_eq!(commands[0]["exitCode"], 0, "{:#}", commands[0]);
    assert!(
        commands[0]["aggregatedOutput"]
            .as_str()
            .unwrap()
            .contains("finished")
    );
}

#[test]
fn an_operator_deny_beats_accept_for_session() {
    let rules = r#"
[[plugins."hearth.rules".settings.rules]]
id = "no-push"
decision = "deny"
justification = "Pushing is done by CI"
argv_prefix = ["git", "push"]
"#;
    let top = format!("{UNTRUSTED}\noperator_policies = [\"hearth.rules\"]");
    let mut s = setup(
        json!([[shell(&["git", "push"])], [{"type": "echo"}], [shell(&["git", "push"])]]),
        &top,
        rules,
    );
    let (events, asked) = turn(&mut s, "push it", &[]);
    assert!(
        asked.is_empty(),
        "an operator deny is final; nobody is asked"
    );
    let cmd = completed_items(&events, "commandExecution");
    assert_eq!(cmd[0]["status"], "declined");
    assert!(
        cmd[0]["aggregatedOutput"]
            .as_str()
            .unwrap()
            .contains("Pushing is done by CI"),
        "{}",
        cmd[0]
    );
}

/// Runs a turn answering each tool-call elicitation with the next of `answers`; returns
/// the events and the elicitations.
fn turn_with_elicitations(s: &mut Setup, answers: &[Value]) -> (Vec<Value>, Vec<Value>) {
    s.server.request(
        "turn/start",
        json!({"threadId": s.thread, "input": text("list it")}),
    );
    let mut answers = answers.iter();
    let (mut events, mut asked) = (Vec::new(), Vec::new());
    loop {
        let m = s.server.next();
        if m.get("id").is_some() && m.get("method").is_some() {
            assert_eq!(m["method"], "mcpServer/elicitation/request", "{m}");
            let answer = answers.next().unwrap_or_else(|| panic!("unexpected: {m}"));
            s.server.send(&json!({"id": m["id"], "result": answer}));
            asked.push(m);
            continue;
        }
        let done = m["method"] == "turn/completed";
        events.push(m);
        if done {
            return (events, asked);
        }
    }
}

#[test]
fn a_policy_can_ask_about_a_whole_tool_call() {
    let rules = r#"
[[plugins."hearth.rules".settings.rules]]
id = "look-first"
decision = "ask"
justification = "listing directories needs a look"
tools = ["list_dir"]
"#;
    let top = format!("{UNTRUSTED}\noperator_policies = [\"hearth.rules\"]");
    let list = json!({"type": "tool_call", "name": "list_dir", "arguments": {"dir_path": "."}});
    let mut s = setup(
        json!([[list.clone()], [{"type": "text", "text": "ok"}], [list.clone()], [{"type": "text", "text": "ok"}], [list], [{"type": "text", "text": "ok"}]]),
        &top,
        rules,
    );
    std::fs::write(s.ws.path().join("visible.txt"), "x").unwrap();
    let accept = json!({"action": "accept", "content": null, "_meta": {"persist": "session"}});
    let (events, asked) = turn_with_elicitations(&mut s, &[accept]);
    assert_eq!(asked.len(), 1);
    let params = &asked[0]["params"];
    assert_eq!(params["serverName"], "hearth.files");
    assert_eq!(params["mode"], "form");
    assert_eq!(params["_meta"]["codex_approval_kind"], "mcp_tool_call");
    let message = params["message"].as_str().unwrap();
    assert!(
        message.contains("list_dir") && message.contains("listing directories needs a look"),
        "{message}"
    );
    let item = completed_items(&events, "mcpToolCall")[0].clone();
    assert_eq!(item["status"], "completed", "{item}");
    assert!(item.to_string().contains("visible.txt"));
    // An operator's ask is asked every time, even after "for the session".
    let (events, asked) = turn_with_elicitations(&mut s, &[json!({"action": "decline"})]);
    assert_eq!(asked.len(), 1);
    let item = completed_items(&events, "mcpToolCall")[0].clone();
    assert_ne!(item["status"], "completed", "{item}");
    assert!(item.to_string().contains("declined"), "{item}");
    assert!(!item.to_string().contains("visible.txt"));
    // Cancel ends the turn.
    let (events, _) = turn_with_elicitations(&mut s, &[json!({"action": "cancel"})]);
    assert_eq!(turn_status(&events), "interrupted");
}

/// A directory outside the workspace and outside the temp dirs that workspace-write may
/// write (`/tmp`, `$TMPDIR`), wherever the checkout lives.
fn outside_dir() -> tempfile::TempDir {
    let tmpdir = std::env::var_os("TMPDIR").map(std::path::PathBuf::from);
    let writable =
        |p: &Path| p.starts_with("/tmp") || tmpdir.as_deref().is_some_and(|t| p.starts_with(t));
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    let candidates = [
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        Path::new("/var/tmp"),
        home.as_path(),
    ];
    let dir = candidates
        .into_iter()
        .find(|p| p.is_absolute() && p.is_dir() && !writable(p))
        .expect("a directory outside /tmp and $TMPDIR for the sandbox test");
    tempfile::tempdir_in(dir).unwrap()
}

fn sandbox_probe(mode: &str, ws_file: &str, outside: &Path) -> (Setup, Vec<Value>) {
    let script = format!(
        "echo in > {ws_file}; echo out > {}; echo hook > .git/hook; true",
        outside.display()
    );
    let top = format!("approval_policy = \"never\"\nsandbox_mode = \"{mode}\"");
    let mut s = setup(
        json!([[shell(&["bash", "-c", &script])], [{"type": "text", "text": "done"}]]),
        &top,
        "",
    );
    let (events, _) = turn(&mut s, "probe", &[]);
    (s, events)
}

#[test]
fn read_only_sandbox_blocks_writes() {
    let outside = outside_dir();
    let (s, events) = sandbox_probe("read-only", "inside.txt", &outside.path().join("o.txt"));
    assert!(!s.ws.path().join("inside.txt").exists());
    assert!(!outside.path().join("o.txt").exists());
    let out = completed_items(&events, "commandExecution")[0]["aggregatedOutput"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        out.contains("Permission denied") || out.contains("Read-only"),
        "{out}"
    );
}

#[test]
fn workspace_write_sandbox_allows_only_the_workspace_and_protects_git() {
    let outside = outside_dir();
    let (s, events) = sandbox_probe(
        "workspace-write",
        "inside.txt",
        &outside.path().join("o.txt"),
    );
    assert!(s.ws.path().join("inside.txt").exists());
    assert!(!outside.path().join("o.txt").exists());
    assert!(!s.ws.path().join(".git/hook").exists());
    assert_eq!(
        completed_items(&events, "commandExecution")[0]["status"],
        "completed"
    );
}

/// Runs one command that sends a UDP datagram and opens a TCP connection to listeners
/// of this test, in sandbox `mode`; returns its output and whether each listener heard
/// anything.
fn network_probe(mode: &str) -> (String, bool, bool) {
    network_probe_with(mode, "", None)
}

/// [`network_probe`] with config `tables` and a `sandboxPolicy` for the turn.
fn network_probe_with(mode: &str, tables: &str, policy: Option<Value>) -> (String, bool, bool) {
    use std::time::Duration;
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    tcp.set_nonblocking(true).unwrap();
    let script = format!(
        "echo datagram > /dev/udp/127.0.0.1/{}; echo udp=$?; echo stream > /dev/tcp/127.0.0.1/{}; echo tcp=$?",
        udp.local_addr().unwrap().port(),
        tcp.local_addr().unwrap().port()
    );
    let top = format!("approval_policy = \"never\"\nsandbox_mode = \"{mode}\"");
    let mut s = setup(
        json!([[shell(&["bash", "-c", &script])], [{"type": "text", "text": "done"}]]),
        &top,
        tables,
    );
    let events = match policy {
        None => turn(&mut s, "probe the network", &[]).0,
        Some(policy) => {
            s.server.request(
                "turn/start",
                json!({"threadId": s.thread, "input": text("probe"), "sandboxPolicy": policy}),
            );
            s.server.collect_until("turn/completed")
        }
    };
    let out = completed_items(&events, "commandExecution")[0]["aggregatedOutput"]
        .as_str()
        .unwrap()
        .to_string();
    let heard_udp = udp.recv(&mut [0u8; 64]).is_ok();
    let heard_tcp = tcp.accept().is_ok();
    (out, heard_udp, heard_tcp)
}

#[test]
fn sandboxed_commands_have_no_network_not_even_udp() {
    for mode in ["workspace-write", "read-only"] {
        let (out, heard_udp, heard_tcp) = network_probe(mode);
        assert!(!heard_udp, "{mode}: a datagram got out: {out}");
        assert!(!heard_tcp, "{mode}: a connection got out: {out}");
        assert!(
            out.contains("udp=1") && out.contains("tcp=1"),
            "{mode}: {out}"
        );
        assert!(out.contains("Operation not permitted"), "{mode}: {out}");
    }
    // Unconfined, the same command reaches both (so the probe can tell).
    let (out, heard_udp, heard_tcp) = network_probe("danger-full-access");
    assert!(heard_udp && heard_tcp, "{out}");
    assert!(out.contains("udp=0") && out.contains("tcp=0"), "{out}");
}

#[test]
fn network_access_lets_sandboxed_commands_reach_the_network() {
    // From Codex's config key...
    let (out, heard_udp, heard_tcp) = network_probe_with(
        "workspace-write",
        "[sandbox_workspace_write]\nnetwork_access = true\n",
        None,
    );
    assert!(heard_udp && heard_tcp, "{out}");
    // ... or from the turn's sandbox policy, writes still confined to the workspace.
    let policy = json!({"type": "workspaceWrite", "networkAccess": true});
    let (out, heard_udp, heard_tcp) = network_probe_with("read-only", "", Some(policy));
    assert!(heard_udp && heard_tcp, "{out}");
}

#[test]
fn writable_roots_open_more_directories_to_commands() {
    let outside = outside_dir();
    let other = outside_dir();
    let tables = format!(
        "[sandbox_workspace_write]\nwritable_roots = [{:?}]\n",
        outside.path().display().to_string()
    );
    let script = format!(
        "echo yes > {}/granted.txt; echo no > {}/denied.txt; true",
        outside.path().display(),
        other.path().display()
    );
    let top = "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"";
    let mut s = setup(
        json!([[shell(&["bash", "-c", &script])], [{"type": "text", "text": "done"}]]),
        top,
        &tables,
    );
    turn(&mut s, "write around", &[]);
    assert!(outside.path().join("granted.txt").exists());
    assert!(!other.path().join("denied.txt").exists());
}

/// A turn whose model runs `touch <file>` (asking to leave the sandbox when `escalate`)
/// under `policy`, answering approvals with `decisions`; returns the approvals asked and
/// the command's output.
fn leave_sandbox_probe(
    policy: &str,
    file: &Path,
    escalate: bool,
    decisions: &[&str],
) -> (Vec<Value>, String) {
    let mut call =
        json!({"type": "tool_call", "name": "shell", "arguments": {"command": ["touch", file]}});
    if escalate {
        call["arguments"]["sandbox_permissions"] = json!("require_escalated");
        call["arguments"]["justification"] = json!("it must write the cache outside");
    }
    let top = format!("approval_policy = \"{policy}\"\nsandbox_mode = \"workspace-write\"");
    let mut s = setup(
        json!([[call], [{"type": "text", "text": "done"}]]),
        &top,
        "",
    );
    let (events, asked) = turn(&mut s, "touch it", decisions);
    let out = completed_items(&events, "commandExecution")[0]["aggregatedOutput"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (asked, out)
}

#[test]
fn the_model_can_ask_to_leave_the_sandbox_and_the_user_decides() {
    let outside = outside_dir();
    let file = outside.path().join("escalated.txt");
    let (asked, _) = leave_sandbox_probe("on-request", &file, true, &["decline"]);
    assert_eq!(asked.len(), 1);
    assert!(!file.exists(), "declined, yet it ran");
    let (asked, _) = leave_sandbox_probe("on-request", &file, true, &["accept"]);
    assert_eq!(asked.len(), 1, "asked once, not again by the exec check");
    let reason = asked[0]["params"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("outside the sandbox")
            && reason.contains("it must write the cache outside"),
        "{reason}"
    );
    assert!(
        file.exists(),
        "approved to run outside the sandbox, yet it did not write"
    );
    // Under `never` nobody is asked and nothing leaves the sandbox.
    let never = outside.path().join("never.txt");
    let (asked, _) = leave_sandbox_probe("never", &never, true, &[]);
    assert!(asked.is_empty());
    assert!(!never.exists());
}

#[test]
fn a_command_the_sandbox_refused_runs_outside_only_when_approved() {
    let outside = outside_dir();
    // `on-request`: the model is told how to ask; nothing runs outside.
    let file = outside.path().join("refused.txt");
    let (asked, out) = leave_sandbox_probe("on-request", &file, false, &[]);
    assert!(asked.is_empty());
    assert!(!file.exists());
    assert!(out.contains("request escalated permissions"), "{out}");
    // `on-failure`: the user is asked to run it again outside the sandbox.
    let (asked, _) = leave_sandbox_probe("on-failure", &file, false, &["accept"]);
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0]["params"]["reason"]
            .as_str()
            .unwrap()
            .contains("run it again outside the sandbox")
    );
    assert!(file.exists());
}

#[test]
fn a_turn_can_open_more_directories_to_its_commands() {
    let outside = outside_dir();
    let script = format!("echo yes > {}/by-turn.txt", outside.path().display());
    let top = "approval_policy = \"never\"\nsandbox_mode = \"read-only\"";
    let mut s = setup(
        json!([[shell(&["bash", "-c", &script])], [{"type": "text", "text": "done"}]]),
        top,
        "",
    );
    let policy = json!({"type": "workspaceWrite", "writableRoots": [outside.path()], "networkAccess": false});
    s.server.request(
        "turn/start",
        json!({"threadId": s.thread, "input": text("write there"), "sandboxPolicy": policy}),
    );
    let events = s.server.collect_until("turn/completed");
    assert_eq!(turn_status(&events), "completed");
    assert!(outside.path().join("by-turn.txt").exists());
}

#[test]
fn interrupt_kills_a_running_command_within_a_second() {
    let mut s = setup(
        json!([[shell(&["sleep", "30"])]]),
        "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"",
        "",
    );
    let turn_id = s.server.request(
        "turn/start",
        json!({"threadId": s.thread, "input": text("wait")}),
    )["turn"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    loop {
        let m = s.server.next();
        if m["method"] == "item/started" && m["params"]["item"]["type"] == "commandExecution" {
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let started = std::time::Instant::now();
    s.server.request(
        "turn/interrupt",
        json!({"threadId": s.thread, "turnId": turn_id}),
    );
    let done = s.server.wait_for("turn/completed");
    assert_eq!(done["params"]["turn"]["status"], "interrupted");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

fn patch(body: &str) -> Value {
    json!({"type": "tool_call", "name": "apply_patch", "arguments": {"input": format!("*** Begin Patch\n{body}*** End Patch\n")}})
}

#[test]
fn apply_patch_adds_updates_moves_and_deletes_files() {
    let responses = json!([
        [patch("*** Add File: a.txt\n+one\n+two\n*** Add File: gone.txt\n+bye\n")],
        [patch("*** Update File: a.txt\n*** Move to: b.txt\n@@\n one\n-two\n+2\n*** Delete File: gone.txt\n")],
        [patch("*** Update File: b.txt\n@@\n-nope\n+x\n")],
        [patch("*** Add File: ../escape.txt\n+x\n")],
        [plan_call()],
        [{"type": "text", "text": "done"}]
    ]);
    let mut s = setup(
        responses,
        "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"",
        "",
    );
    let (events, _) = turn(&mut s, "edit", &[]);
    let changes = completed_items(&events, "fileChange");
    assert_eq!(changes.len(), 4, "{changes:?}");
    assert_eq!(changes[0]["status"], "completed");
    assert_eq!(changes[1]["status"], "completed");
    assert_eq!(
        std::fs::read_to_string(s.ws.path().join("b.txt")).unwrap(),
        "one\n2\n"
    );
    assert!(!s.ws.path().join("a.txt").exists() && !s.ws.path().join("gone.txt").exists());
    assert!(
        changes[1]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["diff"].as_str().unwrap().contains("+2"))
    );
    assert_ne!(
        changes[2]["status"], "completed",
        "a hunk that does not match must fail"
    );
    assert_ne!(
        changes[3]["status"], "completed",
        "a path leaving the workspace must fail"
    );
    assert!(!s.ws.path().parent().unwrap().join("escape.txt").exists());
    let outputs: Vec<String> = events
        .iter()
        .filter(|e| e["method"] == "item/completed")
        .map(|e| e["params"]["item"].to_string())
        .collect();
    assert!(events.iter().any(|e| e["method"] == "turn/diff/updated"));
    let plan = events
        .iter()
        .find(|e| e["method"] == "turn/plan/updated")
        .expect("plan update");
    assert_eq!(plan["params"]["plan"][1]["status"], "inProgress");
    let _ = outputs;
}

fn plan_call() -> Value {
    json!({"type": "tool_call", "name": "update_plan", "arguments": {"plan": [
        {"step": "read", "status": "completed"},
        {"step": "edit", "status": "in_progress"}
    ]}})
}
