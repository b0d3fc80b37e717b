//! What a provider may reach and see: each provider's key goes to its own origin only,
//! an adapter instance cannot reach any origin but its provider's, `model/list` asks the
//! provider and falls back to the config, `hearth exec` works with only a config block,
//! and `OPENAI_API_KEY` alone selects OpenAI's Responses API.

use super::support::client::AppServer;
use super::support::mock_model::{MockModel, Reply};
use super::support::wire::{chat, responses};
use super::*;
use hearth::config::Config;
use hearth::plugins::CallContext;
use hearth::plugins::bindings::model::hearth::plugin::model_types::ModelRequest;
use hearth::plugins::loader::{LoadOptions, load_registry};

fn everything_sent(mock: &MockModel) -> String {
    mock.requests()
        .iter()
        .map(|r| format!("{:?} {}", r.headers, r.body))
        .collect()
}

#[test]
fn each_provider_gets_only_its_own_key() {
    let a = MockModel::start();
    let b = MockModel::start();
    a.push(Reply::Stream(responses::response(
        vec![responses::message(0, "msg_a", &["from a"])],
        responses::completed(1, 0, 1, 0),
    )));
    b.push(Reply::Stream(chat::response(vec![
        chat::text(&["from b"]),
        chat::finish("stop", 1, 1, 0),
    ])));
    let home = warm_home();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "model_provider = \"a\"\nmodel = \"gpt-5\"\n{}{}",
            provider_block("a", &a, "responses", "HEARTH_TEST_KEY_A", ""),
            provider_block("b", &b, "chat", "HEARTH_TEST_KEY_B", ""),
        ),
    )
    .unwrap();
    let ws = workspace();
    let env = [
        ("HEARTH_TEST_KEY_A", "key-a"),
        ("HEARTH_TEST_KEY_B", "key-b"),
    ];
    let mut s = AppServer::spawn_with_env(home.path(), &[], &env);
    s.initialize(json!({}));

    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    assert_eq!(completed(&events, "agentMessage")[0]["text"], "from a");
    assert_eq!(a.posts()[0].header("authorization"), Some("Bearer key-a"));
    assert!(b.requests().is_empty());

    let thread = start_thread(&mut s, ws.path(), json!({"modelProvider": "b"}));
    let events = run_turn(&mut s, &thread, "hi");
    assert_eq!(completed(&events, "agentMessage")[0]["text"], "from b");
    assert_eq!(b.posts()[0].header("authorization"), Some("Bearer key-b"));
    assert_eq!(a.requests().len(), 1);
    assert!(!everything_sent(&a).contains("key-b"));
    assert!(!everything_sent(&b).contains("key-a"));
    s.shutdown();
}

#[tokio::test]
async fn an_adapter_instance_reaches_its_provider_and_nothing_else() {
    let a = MockModel::start();
    let b = MockModel::start();
    a.push(Reply::Stream(responses::response(
        vec![responses::message(0, "msg_a", &["ok"])],
        responses::completed(1, 0, 1, 0),
    )));
    let home = warm_home();
    let block = |id: &str, mock: &MockModel, secret: &str| {
        format!(
            "[model_providers.{id}]\nbase_url = \"{}\"\nwire_api = \"responses\"\nhttp_headers = {{ x-secret = \"{secret}\" }}\n",
            mock.base_url()
        )
    };
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "{}{}",
            block("a", &a, "secret-a"),
            block("b", &b, "secret-b")
        ),
    )
    .unwrap();
    let config = Config::load(home.path(), &[]).unwrap();
    let options = LoadOptions {
        home: Some(home.path().to_path_buf()),
        plugin_dirs: Vec::new(),
        no_embedded: false,
    };
    let (registry, _) = load_registry(&config, &options).await.unwrap();
    let selection = hearth::agent::select_model(&config, "a", "gpt-5").unwrap();
    let adapter = registry.get(&selection.adapter).unwrap();
    let start = |base_url: String| {
        let mut provider = selection.provider_settings.clone();
        provider["base_url"] = json!(base_url);
        let request = ModelRequest {
            model: "gpt-5".into(),
            instructions: String::new(),
            input: json!([{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}]).to_string(),
            tools: "[]".into(),
            options: json!({"provider": provider}).to_string(),
        };
        let (registry, adapter, selection) = (&registry, adapter.clone(), &selection);
        async move {
            hearth::plugins::start_model(
                registry,
                adapter,
                &request,
                &CallContext::default(),
                selection.injected.clone(),
                selection.origins.clone(),
            )
            .await
            .unwrap()
        }
    };

    // Provider a's adapter, pointed at b or at any other host, is refused by the host.
    for elsewhere in [
        b.base_url(),
        "http://127.0.0.1:9/v1".into(),
        "https://example.com/v1".into(),
    ] {
        let Err(refused) = start(elsewhere.clone()).await else {
            panic!("{elsewhere} was reachable");
        };
        assert!(!refused.retryable, "{refused:?}");
        assert!(refused.message.contains("refused"), "{}", refused.message);
    }
    assert!(b.requests().is_empty());
    let models = hearth::plugins::model_calls::list_models(
        &registry,
        &adapter,
        &json!({"base_url": b.base_url()}).to_string(),
        selection.injected.clone(),
        selection.origins.clone(),
    )
    .await
    .unwrap();
    assert!(models.is_err());
    assert!(b.requests().is_empty());

    // Its own origin works, with its own header attached by the host.
    let mut stream = start(a.base_url()).await.expect("a is reachable");
    while stream.next().await.unwrap().unwrap().is_some() {}
    assert_eq!(a.posts()[0].header("x-secret"), Some("secret-a"));
    assert!(!everything_sent(&a).contains("secret-b"));
}

#[test]
fn model_list_asks_the_provider_and_falls_back_to_the_config() {
    let mock = MockModel::start();
    mock.set_models(json!({"object": "list", "data": [
        {"id": "mock-large", "owned_by": "mock"},
        {"id": "mock-small", "owned_by": "mock"}
    ]}));
    let home = mock_home(&mock, "chat", "mock-large", "");
    let mut s = spawn(home.path());
    let list = s.request("model/list", json!({}));
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["mock-large", "mock-small"]);
    assert_eq!(list["data"][0]["isDefault"], true);
    let get = &mock.requests()[0];
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(
        get.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    s.shutdown();

    // A provider that cannot answer: the configured model only.
    let home = warm_home();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "model_provider = \"down\"\nmodel = \"gpt-5\"\n[model_providers.down]\nbase_url = \"http://127.0.0.1:9/v1\"\nenv_key = \"{KEY_VAR}\"\n"
        ),
    )
    .unwrap();
    let mut s = spawn(home.path());
    let list = s.request("model/list", json!({}));
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["id"], "gpt-5");
    s.shutdown();
}

#[test]
fn exec_runs_against_a_local_server_with_only_a_config_block() {
    let mock = MockModel::start();
    mock.push(Reply::Stream(chat::response(vec![
        chat::text(&["Hello ", "from the local server."]),
        chat::finish("stop", 10, 5, 0),
    ])));
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "model_provider = \"local\"\nmodel = \"local-model\"\n{}",
            provider_block("local", &mock, "chat", KEY_VAR, "")
        ),
    )
    .unwrap();
    let ws = workspace();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("--home")
        .arg(home.path())
        .args(["exec", "--cd"])
        .arg(ws.path())
        .arg("say hello")
        .env_remove("HEARTH_HOME")
        .env_remove("OPENAI_API_KEY")
        .env(KEY_VAR, KEY)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("Hello from the local server."), "{stdout}");
    let post = &mock.posts()[0];
    assert_eq!(post.json()["model"], "local-model");
    assert_eq!(
        post.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn openai_api_key_alone_selects_the_responses_api() {
    let home = warm_home();
    let mut s = AppServer::spawn_with_env(home.path(), &[], &[("OPENAI_API_KEY", "sk-none")]);
    s.initialize(json!({}));
    let ws = workspace();
    let result = s.request("thread/start", json!({"cwd": ws.path()}));
    assert_eq!(result["modelProvider"], "openai");
    let config = s.request("config/read", json!({}));
    assert_eq!(config["config"]["model_provider"], "openai");
    s.shutdown();
}
