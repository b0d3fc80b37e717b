//! Benchmarks of the plugin runtime with the real components built from `plugins/`:
//!
//! - `tool_call/*`: what one tool call costs the host: the approval policy's decision on
//!   the call (a fresh instance of `hearth.approval`), a fresh instance of the tool
//!   plugin, the call itself, and two audit records (the audit log is on, in a temp home).
//!   `policy_only` and `*_only` measure the parts.
//! - `load/*`: turning component bytes into a loadable `Component`: compiling with
//!   Cranelift (no cache) versus deserializing the precompiled cache entry.
//!
//! Run: `cargo bench --bench runtime` (add `-- tool_call` or `-- load` for one group).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hearth::config::Config;
use hearth::plugins::action_json::action_from_json;
use hearth::plugins::bindings::types::{Action, ToolCall};
use hearth::plugins::cache::{ComponentCache, LoadSource, digest};
use hearth::plugins::engine::shared_engine;
use hearth::plugins::loader::{LoadOptions, load_registry};
use hearth::plugins::state::DetachedServices;
use hearth::plugins::{
    CallContext, LoadedPlugin, PluginRegistry, SandboxMode, evaluate_policy, invoke_tool,
};
use serde_json::json;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

fn built(sub: &str) -> PathBuf {
    Path::new(env!("HEARTH_BUILT_PLUGINS")).join(sub)
}

/// Everything a tool-call benchmark needs, set up once.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    registry: PluginRegistry,
    policy: Arc<LoadedPlugin>,
    _home: tempfile::TempDir,
    workspace: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let workspace = tempfile::tempdir().unwrap();
        let text: String = (1..=20)
            .map(|i| format!("line {i}: some text in a small file\n"))
            .collect();
        std::fs::write(workspace.path().join("small.txt"), text).unwrap();
        let options = LoadOptions {
            home: Some(home.path().to_path_buf()),
            plugin_dirs: vec![built("testing")],
            no_embedded: false,
        };
        let (registry, failures) = runtime
            .block_on(load_registry(&Config::default(), &options))
            .unwrap();
        assert!(failures.is_empty(), "{failures:?}");
        assert!(registry.audit.path().is_some(), "the audit log must be on");
        let policy = registry.require("hearth.approval").unwrap();
        Fixture {
            runtime,
            registry,
            policy,
            _home: home,
            workspace,
        }
    }

    fn ctx(&self) -> CallContext {
        CallContext {
            workspace: Some(self.workspace.path().canonicalize().unwrap()),
            sandbox: SandboxMode::ReadOnly,
            command_network: false,
            command_writable_roots: Default::default(),
            thread_id: Some("bench-thread".into()),
            turn_id: Some("bench-turn".into()),
        }
    }
}

/// A prepared tool call: the plugin, the call, and the policy's view of it.
struct Prepared {
    plugin: Arc<LoadedPlugin>,
    call: ToolCall,
    action: Action,
    context: String,
}

fn prepare(f: &Fixture, tool: &str, arguments: serde_json::Value, effects: &[&str]) -> Prepared {
    let (plugin, _) = f.registry.tool(tool).unwrap();
    let arguments = arguments.to_string();
    let action = action_from_json(
        &json!({"tool-call": {"plugin": plugin.manifest.id, "tool": tool, "effects": effects, "arguments": arguments}})
            .to_string(),
    )
    .unwrap();
    let cwd = f.workspace.path().canonicalize().unwrap();
    let call = ToolCall {
        call_id: "call-1".into(),
        name: tool.into(),
        arguments,
        context: json!({"cwd": cwd, "thread-id": "bench-thread", "turn-id": "bench-turn", "sandbox-mode": "read-only"})
            .to_string(),
    };
    let context = json!({"approval-policy": "on-request", "sandbox-mode": "read-only", "cwd": cwd, "thread-id": "bench-thread"})
        .to_string();
    Prepared {
        plugin,
        call,
        action,
        context,
    }
}

/// The policy decides, then the tool runs; both audited.
async fn full_call(f: &Fixture, p: &Prepared, ctx: &CallContext) {
    let decision = evaluate_policy(&f.registry, &f.policy, &p.action, &p.context, Some(ctx))
        .await
        .unwrap();
    assert_eq!(
        hearth::plugins::calls::verdict_name(&decision.verdict),
        "allow",
        "{:?}",
        decision
    );
    let out = invoke_tool(
        &f.registry,
        &p.plugin,
        &p.call,
        ctx,
        Arc::new(DetachedServices),
    )
    .await
    .unwrap()
    .unwrap();
    black_box(out);
}

fn tool_call(c: &mut Criterion) {
    let f = Fixture::new();
    let ctx = f.ctx();
    let echo = prepare(&f, "echo", json!({"text": "hello"}), &[]);
    let read = prepare(
        &f,
        "read_file",
        json!({"file_path": "small.txt"}),
        &["reads-fs"],
    );
    // Sanity: the calls do what they should before they are timed.
    f.runtime.block_on(full_call(&f, &echo, &ctx));
    f.runtime.block_on(full_call(&f, &read, &ctx));

    let mut group = c.benchmark_group("tool_call");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("policy+echo", |b| {
        b.iter(|| f.runtime.block_on(full_call(&f, &echo, &ctx)))
    });
    group.bench_function("policy+read_file", |b| {
        b.iter(|| f.runtime.block_on(full_call(&f, &read, &ctx)))
    });
    group.bench_function("policy_only", |b| {
        b.iter(|| {
            f.runtime.block_on(async {
                black_box(
                    evaluate_policy(
                        &f.registry,
                        &f.policy,
                        &read.action,
                        &read.context,
                        Some(&ctx),
                    )
                    .await
                    .unwrap(),
                )
            })
        })
    });
    for p in [&echo, &read] {
        group.bench_function(format!("{}_only", p.call.name), |b| {
            b.iter(|| {
                f.runtime.block_on(async {
                    black_box(
                        invoke_tool(
                            &f.registry,
                            &p.plugin,
                            &p.call,
                            &ctx,
                            Arc::new(DetachedServices),
                        )
                        .await
                        .unwrap()
                        .unwrap(),
                    )
                })
            })
        });
    }
    group.finish();
    f.registry.audit.flush();
}

fn load(c: &mut Criterion) {
    let engine = shared_engine().unwrap();
    let cache_dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for id in ["hearth.files", "hearth.scripted"] {
        let bytes = std::fs::read(built("embedded").join(format!("{id}.wasm"))).unwrap();
        let digest = digest(&bytes);
        let label = format!("{id} ({} KiB)", bytes.len() >> 10);
        group.bench_function(BenchmarkId::new("compile", &label), |b| {
            let no_cache = ComponentCache::new(&engine, None);
            b.iter(|| {
                let (component, source) = no_cache.load(&engine, &bytes, &digest).unwrap();
                assert_eq!(source, LoadSource::Compiled);
                black_box(component)
            })
        });
        let cache = ComponentCache::new(&engine, Some(cache_dir.path().to_path_buf()));
        assert_eq!(
            cache.load(&engine, &bytes, &digest).unwrap().1,
            LoadSource::Compiled
        );
        group.bench_function(BenchmarkId::new("cached", &label), |b| {
            b.iter(|| {
                let (component, source) = cache.load(&engine, &bytes, &digest).unwrap();
                assert_eq!(source, LoadSource::Cached);
                black_box(component)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, tool_call, load);
criterion_main!(benches);
