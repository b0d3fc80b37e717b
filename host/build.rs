//! Builds hearth's first-party plugins (the `plugins/` workspace) for WebAssembly and
//! generates the table that embeds them in the binary.
//!
//! Tool and model plugins are built for `wasm32-wasip2` (rustc emits components). Policy
//! plugins are built for `wasm32-unknown-unknown` and wrapped into components here, so
//! they import nothing at all. Plugins under `plugins/testing/` are built for the test
//! suite but not embedded. The inner cargo gets its own target directory, or it would
//! wait forever on the outer build's lock.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct PluginCrate {
    package: String,
    id: String,
    kind: String,
    manifest: PathBuf,
    embedded: bool,
}

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir
        .parent()
        .expect("host/ has a parent")
        .to_path_buf();
    let plugins_dir = root.join("plugins");
    println!("cargo:rerun-if-changed={}", root.join("wit").display());
    println!("cargo:rerun-if-changed={}", plugins_dir.display());
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");

    require_targets();
    let crates = find_plugin_crates(&plugins_dir);
    let target_root = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target_dir = target_root.join("wasm-plugins");
    let out = target_dir.join("out");
    for sub in ["embedded", "testing"] {
        fs::create_dir_all(out.join(sub)).unwrap();
    }

    let wasip2: Vec<&PluginCrate> = crates.iter().filter(|c| c.kind != "policy").collect();
    let pure: Vec<&PluginCrate> = crates.iter().filter(|c| c.kind == "policy").collect();
    cargo_build(&plugins_dir, &target_dir, "wasm32-wasip2", &wasip2);
    cargo_build(&plugins_dir, &target_dir, "wasm32-unknown-unknown", &pure);

    let mut table = String::from(
        "/// Plugins built into this binary.\npub static EMBEDDED: &[EmbeddedPlugin] = &[\n",
    );
    for c in &crates {
        let lib = c.package.replace('-', "_");
        let target = if c.kind == "policy" {
            "wasm32-unknown-unknown"
        } else {
            "wasm32-wasip2"
        };
        let built = target_dir
            .join(target)
            .join("release")
            .join(format!("{lib}.wasm"));
        let bytes = fs::read(&built).unwrap_or_else(|e| panic!("missing {}: {e}", built.display()));
        let component = if c.kind == "policy" {
            componentize(&bytes, &c.package)
        } else {
            bytes
        };
        let dest = out.join(if c.embedded { "embedded" } else { "testing" });
        let wasm_path = dest.join(format!("{}.wasm", c.id));
        let toml_path = dest.join(format!("{}.toml", c.id));
        write_if_changed(&wasm_path, &component);
        write_if_changed(&toml_path, &fs::read(&c.manifest).unwrap());
        if c.embedded {
            writeln!(
                table,
                "    EmbeddedPlugin {{ manifest: include_str!({:?}), component: include_bytes!({:?}) }},",
                toml_path.display().to_string(),
                wasm_path.display().to_string()
            )
            .unwrap();
        }
    }
    table.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    write_if_changed(&out_dir.join("embedded_plugins.rs"), table.as_bytes());
    println!("cargo:rustc-env=HEARTH_BUILT_PLUGINS={}", out.display());
}

fn require_targets() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("run rustc --print sysroot");
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    for target in ["wasm32-wasip2", "wasm32-unknown-unknown"] {
        if !sysroot.join("lib/rustlib").join(target).exists() {
            panic!(
                "\n\nhearth builds its plugins for {target}, which this toolchain lacks.\n\
                 Run `rustup toolchain install` in the repository (it reads rust-toolchain.toml),\n\
                 or `rustup target add wasm32-wasip2 wasm32-unknown-unknown`.\n\n"
            );
        }
    }
}

fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn find_plugin_crates(plugins_dir: &Path) -> Vec<PluginCrate> {
    let mut dirs = Vec::new();
    for base in [plugins_dir.to_path_buf(), plugins_dir.join("testing")] {
        if let Ok(entries) = fs::read_dir(&base) {
            dirs.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
    }
    dirs.sort();
    dirs.into_iter()
        .filter(|d| d.join("hearth-plugin.toml").exists())
        .map(|d| {
            let manifest = d.join("hearth-plugin.toml");
            let text = fs::read_to_string(&manifest).unwrap();
            let cargo = fs::read_to_string(d.join("Cargo.toml")).unwrap();
            PluginCrate {
                package: toml_string(&cargo, "name").expect("plugin Cargo.toml has a name"),
                id: toml_string(&text, "id").expect("manifest has an id"),
                kind: toml_string(&text, "kind").expect("manifest has a kind"),
                embedded: !d.starts_with(plugins_dir.join("testing")),
                manifest,
            }
        })
        .collect()
}

fn cargo_build(plugins_dir: &Path, target_dir: &Path, target: &str, crates: &[&PluginCrate]) {
    if crates.is_empty() {
        return;
    }
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(plugins_dir)
        .args(["build", "--release", "--target", target, "--target-dir"])
        .arg(target_dir);
    for c in crates {
        cmd.args(["-p", &c.package]);
    }
    for var in [
        "CARGO_TARGET_DIR",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status().expect("run cargo for the plugins");
    if !status.success() {
        panic!("building the plugins for {target} failed (see the output above)");
    }
}

fn componentize(core: &[u8], package: &str) -> Vec<u8> {
    wit_component::ComponentEncoder::default()
        .module(core)
        .and_then(|e| e.validate(true).encode())
        .unwrap_or_else(|e| panic!("cannot make a component of {package}: {e:#}"))
}

fn write_if_changed(path: &Path, bytes: &[u8]) {
    if fs::read(path).ok().as_deref() != Some(bytes) {
        fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}
