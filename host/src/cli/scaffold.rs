//! `hearth plugin new --lang rust|python|js NAME`: writes a working tool plugin project
//! from the templates in `host/templates/<lang>/` (embedded in the binary), with the WIT
//! contract copied in for Python and JavaScript, and a `build.sh` that puts the component
//! and its manifest into `dist/` for `hearth --plugins dist`.

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The pinned guest toolchains the templates name (the same as `examples/toolchain/`).
const COMPONENTIZE_PY: &str = "0.25.1";
const COMPONENTIZE_JS: &str = "0.23.0";
const JCO: &str = "1.35.0";
const PREVIEW2_SHIM: &str = "0.17.4";
const WIZER: &str = "10.0.0";

/// Languages `hearth plugin new` can scaffold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Rust with hearth's SDK, built with `cargo build --target wasm32-wasip2`.
    Rust,
    /// Python, built with componentize-py.
    Python,
    /// JavaScript, built with componentize-js.
    Js,
}

/// Arguments of `hearth plugin new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Project name: lower-case letters, digits and `-` (also names the tool, with `_`).
    pub name: String,
    /// Language of the plugin.
    #[arg(long, value_enum)]
    pub lang: Lang,
    /// Directory to create (default: ./NAME). It must not exist or be empty.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Plugin id in the manifest (default: local.NAME).
    #[arg(long)]
    pub id: Option<String>,
    /// Rust only: path of hearth's SDK crate (`plugins/sdk` of a hearth checkout).
    /// Default: the checkout this hearth binary was built from.
    #[arg(long)]
    pub sdk_path: Option<PathBuf>,
}

/// One file of a template: path in the project, content, executable.
type TemplateFile = (&'static str, &'static str, bool);

const WIT: [TemplateFile; 2] = [
    (
        "wit/types.wit",
        include_str!("../../../wit/types.wit"),
        false,
    ),
    (
        "wit/worlds.wit",
        include_str!("../../../wit/worlds.wit"),
        false,
    ),
];

const PYTHON: [TemplateFile; 5] = [
    (
        "app.py",
        include_str!("../../templates/python/app.py"),
        false,
    ),
    (
        "build.sh",
        include_str!("../../templates/python/build.sh"),
        true,
    ),
    (
        "hearth-plugin.toml",
        include_str!("../../templates/python/hearth-plugin.toml"),
        false,
    ),
    (
        "README.md",
        include_str!("../../templates/python/README.md"),
        false,
    ),
    (
        ".gitignore",
        include_str!("../../templates/python/gitignore"),
        false,
    ),
];

const JS: [TemplateFile; 6] = [
    ("app.js", include_str!("../../templates/js/app.js"), false),
    (
        "build.sh",
        include_str!("../../templates/js/build.sh"),
        true,
    ),
    (
        "package.json",
        include_str!("../../templates/js/package.json"),
        false,
    ),
    (
        "hearth-plugin.toml",
        include_str!("../../templates/js/hearth-plugin.toml"),
        false,
    ),
    (
        "README.md",
        include_str!("../../templates/js/README.md"),
        false,
    ),
    (
        ".gitignore",
        include_str!("../../templates/js/gitignore"),
        false,
    ),
];

const RUST: [TemplateFile; 6] = [
    (
        "Cargo.toml",
        include_str!("../../templates/rust/Cargo.toml.tmpl"),
        false,
    ),
    (
        "src/lib.rs",
        include_str!("../../templates/rust/lib.rs"),
        false,
    ),
    (
        "build.sh",
        include_str!("../../templates/rust/build.sh"),
        true,
    ),
    (
        "hearth-plugin.toml",
        include_str!("../../templates/rust/hearth-plugin.toml"),
        false,
    ),
    (
        "README.md",
        include_str!("../../templates/rust/README.md"),
        false,
    ),
    (
        ".gitignore",
        include_str!("../../templates/rust/gitignore"),
        false,
    ),
];

/// The SDK of the checkout this binary was built from, if it is still there.
fn default_sdk_path() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plugins/sdk")
        .canonicalize()
        .ok()
}

/// The SDK crate a Rust project depends on: `--sdk-path`, else the default.
fn rust_sdk_path(given: Option<&Path>) -> Result<PathBuf> {
    let path = match given {
        Some(p) if p.join("Cargo.toml").exists() => p
            .canonicalize()
            .with_context(|| format!("--sdk-path {}", p.display()))?,
        Some(p) => bail!(
            "--sdk-path {}: no Cargo.toml there; give the `plugins/sdk` directory of a hearth checkout",
            p.display()
        ),
        None => default_sdk_path().context(
            "hearth's Rust SDK is not where this binary was built; pass --sdk-path <hearth checkout>/plugins/sdk",
        )?,
    };
    // It is written into Cargo.toml as a TOML string.
    if path.to_str().is_none_or(|p| p.contains(['"', '\\'])) {
        bail!(
            "the SDK path {} cannot be written into Cargo.toml; move the checkout",
            path.display()
        );
    }
    Ok(path)
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 48
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
}

/// Creates the project; returns the process exit code.
pub fn run(args: NewArgs) -> Result<i32> {
    if !valid_name(&args.name) {
        bail!(
            "plugin name {:?} is invalid: use lower-case letters, digits and `-`, starting with a letter (e.g. `word-count`)",
            args.name
        );
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    if dir.exists()
        && std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} already exists and is not empty; choose another NAME or --dir",
            dir.display()
        );
    }
    let id = args
        .id
        .clone()
        .unwrap_or_else(|| format!("local.{}", args.name));
    // Validates the id the same way the manifest will be validated.
    crate::plugins::Manifest::parse(&format!(
        "id = {id:?}\nversion = \"0.1.0\"\nkind = \"tool\""
    ))
    .context("invalid --id")?;
    let snake = args.name.replace('-', "_");
    let sdk_path = match args.lang {
        Lang::Rust => rust_sdk_path(args.sdk_path.as_deref())?,
        Lang::Python | Lang::Js => PathBuf::new(),
    };
    let vars: [(&str, String); 10] = [
        ("{{name}}", args.name.clone()),
        ("{{id}}", id.clone()),
        ("{{tool}}", snake.clone()),
        ("{{crate}}", snake.clone()),
        ("{{sdk_path}}", sdk_path.display().to_string()),
        ("{{componentize_py}}", COMPONENTIZE_PY.into()),
        ("{{componentize_js}}", COMPONENTIZE_JS.into()),
        ("{{jco}}", JCO.into()),
        ("{{preview2_shim}}", PREVIEW2_SHIM.into()),
        ("{{wizer}}", WIZER.into()),
    ];
    let files: Vec<TemplateFile> = match args.lang {
        Lang::Rust => RUST.to_vec(),
        Lang::Python => PYTHON.iter().chain(&WIT).copied().collect(),
        Lang::Js => JS.iter().chain(&WIT).copied().collect(),
    };
    for (path, template, executable) in files {
        let mut text = template.to_string();
        for (key, value) in &vars {
            text = text.replace(key, value);
        }
        let dest = dir.join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&dest, text).with_context(|| format!("cannot write {}", dest.display()))?;
        if executable {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    let lang = match args.lang {
        Lang::Rust => "Rust",
        Lang::Python => "Python",
        Lang::Js => "JavaScript",
    };
    let example_args = match args.lang {
        Lang::Js => r#"'{"text": "to be or not to be"}'"#,
        _ => r#"'{"path": "README.md"}'"#,
    };
    let shown = dir.display();
    // A closed stdout is no reason to fail: the project is written.
    let _ = writeln!(
        std::io::stdout(),
        "created a {lang} tool plugin `{id}` (tool `{snake}`) in {shown}\nnext:\n  \
         cd {shown} && ./build.sh\n  \
         hearth plugin check dist/{name}.toml\n  \
         hearth --plugins dist plugin call {snake} {example_args}",
        name = args.name
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(valid_name("word-count"));
        assert!(valid_name("a1"));
        for bad in ["", "Word", "1a", "a_b", "a-", "a b", "ä"] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn every_placeholder_is_known() {
        let known = [
            "{{name}}",
            "{{id}}",
            "{{tool}}",
            "{{crate}}",
            "{{sdk_path}}",
            "{{componentize_py}}",
            "{{componentize_js}}",
            "{{jco}}",
            "{{preview2_shim}}",
            "{{wizer}}",
        ];
        for (path, text, _) in RUST.iter().chain(&PYTHON).chain(&JS) {
            let mut rest = *text;
            while let Some(start) = rest.find("{{") {
                let end = rest[start..].find("}}").map(|e| start + e + 2).unwrap();
                let key = &rest[start..end];
                assert!(known.contains(&key), "{path}: unknown placeholder {key}");
                rest = &rest[end..];
            }
        }
    }

    #[test]
    fn the_js_pins_match_the_examples_toolchain() {
        let pins = include_str!("../../../examples/toolchain/package.json");
        for (name, version) in [
            ("componentize-js", COMPONENTIZE_JS),
            ("jco", JCO),
            ("preview2-shim", PREVIEW2_SHIM),
            ("wizer", WIZER),
        ] {
            let line = format!("\"@bytecodealliance/{name}\": \"{version}\"");
            assert!(
                pins.contains(&line),
                "examples/toolchain/package.json lacks {line}"
            );
        }
        let py = include_str!("../../../examples/toolchain/requirements.txt");
        assert!(py.contains(&format!("componentize-py=={COMPONENTIZE_PY}")));
    }
}
