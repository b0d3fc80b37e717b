//! Loading the Python and JavaScript example plugins (`examples/`, built by
//! `examples/build.sh`): compiling a 12–18 MB component with Cranelift versus loading its
//! precompiled cache entry, which is what every start after the first does.
//!
//! - `compile`: `ComponentCache::load` with no cache (timed by hand, a few runs: each
//!   takes seconds, too long for criterion's ten samples; `POLYGLOT_COMPILE_RUNS=N`, 0
//!   skips it).
//! - `polyglot_load/cached/*`: `ComponentCache::load` from a warm cache (deserialize).
//! - `polyglot_load/start/*`: everything a second start of hearth does for the plugin:
//!   cache, world check, linking, and for tools a fresh instance running `describe`.
//! - `polyglot_call/*`: one call in a fresh instance (`data_inspect` on a small CSV, the
//!   guard policy judging a tool call, `web_fetch` refusing a malformed URL).
//!
//! Run: `cargo bench --bench polyglot_load` (builds the examples first if needed).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hearth::plugins::action_json::action_from_json;
use hearth::plugins::audit::AuditLog;
use hearth::plugins::bindings::types::ToolCall;
use hearth::plugins::cache::{ComponentCache, LoadSource, digest};
use hearth::plugins::engine::shared_engine;
use hearth::plugins::state::DetachedServices;
use hearth::plugins::{
    CallContext, PluginRegistry, PluginSource, SandboxMode, evaluate_policy, invoke_tool,
};
use serde_json::json;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The examples' manifests, built by `examples/build.sh` (run here when needed).
fn manifests() -> Vec<(&'static str, PathBuf)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = std::process::Command::new("bash")
        .arg(repo.join("examples/build.sh"))
        .output()
        .expect("run examples/build.sh");
    assert!(
        out.status.success(),
        "examples/build.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    vec![
        ("python-tool", root.join("python-tool/data-inspector.toml")),
        ("js-tool", root.join("js-tool/web-fetch.toml")),
        (
            "python-policy",
            root.join("python-policy/workspace-guard.toml"),
        ),
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Compiles each component a few times without a cache and prints the times.
fn report_compile(sources: &[(&str, PluginSource)]) {
    let engine = shared_engine().unwrap();
    let runs: usize = std::env::var("POLYGLOT_COMPILE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    if runs == 0 {
        return;
    }
    let no_cache = ComponentCache::new(&engine, None);
    eprintln!("compile (Cranelift, no cache), {runs} runs each:");
    for (name, source) in sources {
        let digest = digest(&source.bytes);
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                let (component, how) = no_cache.load(&engine, &source.bytes, &digest).unwrap();
                assert_eq!(how, LoadSource::Compiled);
                black_box(component);
                started.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        eprintln!(
            "  {name:<14} {:>6} KiB  min {:.2} s  median {:.2} s",
            source.bytes.len() >> 10,
            times[0],
            times[times.len() / 2]
        );
    }
}

/// Both groups, sharing one cache directory (filling it costs a compile per component).
fn all(c: &mut Criterion) {
    let sources: Vec<(&str, PluginSource)> = manifests()
        .into_iter()
        .map(|(name, path)| (name, PluginSource::from_manifest_path(&path).unwrap()))
        .collect();
    report_compile(&sources);
    let engine = shared_engine().unwrap();
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = ComponentCache::new(&engine, Some(cache_dir.path().to_path_buf()));
    load(c, &sources, &cache);
    call(c, &sources, &cache);
}

fn load(c: &mut Criterion, sources: &[(&str, PluginSource)], cache: &ComponentCache) {
    let engine = shared_engine().unwrap();
    let rt = runtime();
    let mut group = c.benchmark_group("polyglot_load");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(5));
    for (name, source) in sources {
        let digest = digest(&source.bytes);
        // Fill the cache (this is the compile a first start pays).
        cache.load(&engine, &source.bytes, &digest).unwrap();
        let label = format!("{name} ({} KiB)", source.bytes.len() >> 10);
        group.bench_function(BenchmarkId::new("cached", &label), |b| {
            b.iter(|| {
                let (component, how) = cache.load(&engine, &source.bytes, &digest).unwrap();
                assert_eq!(how, LoadSource::Cached);
                black_box(component)
            })
        });
        // The registry (its linkers) is made once per process; each load replaces the
        // plugin loaded before it under the same id.
        let mut registry = PluginRegistry::new(
            engine.clone(),
            cache.clone(),
            AuditLog::disabled(),
            Default::default(),
        )
        .unwrap();
        group.bench_function(BenchmarkId::new("start", &label), |b| {
            b.iter(|| {
                let plugin = rt.block_on(registry.load(source.clone())).unwrap().unwrap();
                assert_eq!(plugin.load_source, LoadSource::Cached);
                black_box(plugin)
            })
        });
    }
    group.finish();
}

fn call(c: &mut Criterion, sources: &[(&str, PluginSource)], cache: &ComponentCache) {
    let engine = shared_engine().unwrap();
    let rt = runtime();
    let mut registry = PluginRegistry::new(
        engine,
        cache.clone(),
        AuditLog::disabled(),
        Default::default(),
    )
    .unwrap();
    for (_, source) in sources {
        rt.block_on(registry.load(source.clone())).unwrap();
    }
    let ws = tempfile::tempdir().unwrap();
    let csv: String = std::iter::once("name,age,city\n".to_string())
        .chain((0..50).map(|i| format!("person{i},{},town{}\n", 20 + i, i % 7)))
        .collect();
    std::fs::write(ws.path().join("people.csv"), csv).unwrap();
    let cwd = ws.path().canonicalize().unwrap();
    let ctx = CallContext {
        workspace: Some(cwd.clone()),
        sandbox: SandboxMode::ReadOnly,
        ..Default::default()
    };
    let tool = registry.require("example.data").unwrap();
    let inspect = ToolCall {
        call_id: "bench".into(),
        name: "data_inspect".into(),
        arguments: json!({"path": "people.csv"}).to_string(),
        context: json!({"cwd": cwd}).to_string(),
    };
    let guard = registry.require("example.guard").unwrap();
    let action = action_from_json(
        &json!({"tool-call": {"plugin": "hearth.files", "tool": "read_file", "effects": ["reads-fs"],
                "arguments": json!({"file_path": ".env"}).to_string()}})
        .to_string(),
    )
    .unwrap();
    let context = json!({"cwd": cwd}).to_string();
    // No network here: a call the tool rejects still costs a fresh instance and the call.
    let web = registry.require("example.web").unwrap();
    let no_url = ToolCall {
        call_id: "bench".into(),
        name: "web_fetch".into(),
        arguments: json!({"url": "not a url"}).to_string(),
        context: json!({"cwd": cwd}).to_string(),
    };
    let mut group = c.benchmark_group("polyglot_call");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("python data_inspect (fresh instance)", |b| {
        b.iter(|| {
            let out = rt
                .block_on(invoke_tool(
                    &registry,
                    &tool,
                    &inspect,
                    &ctx,
                    Arc::new(DetachedServices),
                ))
                .unwrap()
                .unwrap();
            assert!(out.content.contains("50 rows"));
            black_box(out)
        })
    });
    group.bench_function("python guard evaluate (fresh instance)", |b| {
        b.iter(|| {
            let decision = rt
                .block_on(evaluate_policy(&registry, &guard, &action, &context, None))
                .unwrap();
            assert_eq!(decision.rule_id, "guard.paths.secret");
            black_box(decision)
        })
    });
    group.bench_function(
        "js web_fetch rejecting its arguments (fresh instance)",
        |b| {
            b.iter(|| {
                let out = rt
                    .block_on(invoke_tool(
                        &registry,
                        &web,
                        &no_url,
                        &ctx,
                        Arc::new(DetachedServices),
                    ))
                    .unwrap();
                assert!(out.is_err());
                black_box(out)
            })
        },
    );
    group.finish();
}

criterion_group!(benches, all);
criterion_main!(benches);
