//! Matching actions against the rules, on plain Rust types (unit-tested on the build
//! machine).
//!
//! An action is turned into one or more [`Candidate`]s, the things rules look at: a
//! command's argv with the paths and hosts among its words, a file change's paths, a
//! tool call's name with the paths and hosts among its arguments. Each candidate gets
//! the first rule (in order) all of whose matchers match it. The verdicts of an
//! action's candidates combine as: any deny wins, then any ask, then allow (see
//! [`decide`]); with no match, the policy abstains.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::glob::PathGlob;
use crate::script;
use crate::settings::{Decision, Rule};

/// Nesting of shell wrappers followed (`bash -lc "sh -c '…'"`).
const MAX_WRAPPER_DEPTH: usize = 3;

/// Argument keys of tool calls that hold paths.
pub const PATH_KEYS: [&str; 3] = ["file_path", "dir_path", "path"];

/// The action being judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject<'a> {
    /// Run `argv` in `cwd` (relative to the workspace root).
    Exec {
        /// Program and arguments.
        argv: &'a [String],
        /// Working directory relative to the workspace root ("" = the root).
        cwd: &'a str,
    },
    /// Change files (workspace-relative paths, rename targets included).
    FileChange {
        /// The paths.
        paths: Vec<&'a str>,
    },
    /// Call a tool.
    ToolCall {
        /// Tool name.
        tool: &'a str,
        /// Arguments, a JSON object as text.
        arguments: &'a str,
    },
}

/// The outcome, without the bindings' types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allow,
    /// Ask the user, with this reason.
    Ask(String),
    /// Refuse, with this reason.
    Deny(String),
    /// No rule matched.
    Abstain,
}

/// A verdict and the id of the rule that produced it (`rules.<id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What to do.
    pub verdict: Verdict,
    /// Rule id for the audit log.
    pub rule: String,
}

/// A path as rules see it: workspace-relative and/or absolute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathFact {
    /// Relative to the workspace root, when the path is inside it.
    pub relative: Option<String>,
    /// Absolute, when known.
    pub absolute: Option<String>,
}

/// What rules look at in one part of an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidate {
    /// A command's words (exec only).
    pub argv: Option<Vec<String>>,
    /// A tool's name (tool calls only).
    pub tool: Option<String>,
    /// Paths named.
    pub paths: Vec<PathFact>,
    /// Host names in URLs.
    pub hosts: Vec<String>,
}

/// Judges `subject` against `rules`; `workspace` is the context's `cwd`.
pub fn decide(rules: &[Rule], subject: &Subject, workspace: &str) -> Outcome {
    if rules.is_empty() {
        return outcome(Verdict::Abstain, "rules.none".into());
    }
    let (candidates, plain) = candidates(subject, workspace);
    // The first matching rule of each candidate, by index.
    let matched: Vec<Option<usize>> = candidates
        .iter()
        .map(|c| rules.iter().position(|r| rule_matches(r, c)))
        .collect();
    let first = |decision: Decision| {
        matched
            .iter()
            .flatten()
            .copied()
            .filter(|&i| rules[i].decision == decision)
            .min()
    };
    if let Some(i) = first(Decision::Deny) {
        return outcome(Verdict::Deny(reason(&rules[i])), rule_id(&rules[i]));
    }
    if let Some(i) = first(Decision::Ask) {
        return outcome(Verdict::Ask(reason(&rules[i])), rule_id(&rules[i]));
    }
    // Allow: the whole action matched an allow rule, or every part of a plain script did.
    let allowed = match matched.as_slice() {
        [Some(i), ..] => Some(*i),
        [None, inner @ ..] if plain && !inner.is_empty() => inner
            .iter()
            .copied()
            .collect::<Option<Vec<_>>>()
            .and_then(|v| v.into_iter().min()),
        _ => None,
    };
    match allowed {
        Some(i) => outcome(Verdict::Allow, rule_id(&rules[i])),
        None => outcome(Verdict::Abstain, "rules.no-match".into()),
    }
}

fn outcome(verdict: Verdict, rule: String) -> Outcome {
    Outcome { verdict, rule }
}

fn rule_id(rule: &Rule) -> String {
    format!("rules.{}", rule.id)
}

/// The text shown with a deny or ask.
fn reason(rule: &Rule) -> String {
    match &rule.justification {
        Some(j) => format!("{j} (rule {})", rule.id),
        None => format!("matched the operator's rule {}", rule.id),
    }
}

/// True when every matcher `rule` has matches `candidate`.
pub fn rule_matches(rule: &Rule, c: &Candidate) -> bool {
    let argv_ok = rule.argv_prefix.as_ref().is_none_or(|prefix| {
        c.argv
            .as_ref()
            .is_some_and(|argv| starts_with(argv, prefix))
    });
    let tool_ok = rule.tools.as_ref().is_none_or(|globs| {
        c.tool
            .as_ref()
            .is_some_and(|t| globs.iter().any(|g| g.matches(t)))
    });
    let paths_ok = rule.paths.as_ref().is_none_or(|globs| {
        globs
            .iter()
            .any(|g| c.paths.iter().any(|p| path_matches(g, p)))
    });
    let hosts_ok = rule.hosts.as_ref().is_none_or(|patterns| {
        patterns
            .iter()
            .any(|p| c.hosts.iter().any(|h| p.matches(h)))
    });
    argv_ok && tool_ok && paths_ok && hosts_ok
}

/// `argv` starts with `prefix`; the program also matches by its file name
/// (`/usr/bin/git` matches `git`).
fn starts_with(argv: &[String], prefix: &[String]) -> bool {
    argv.len() >= prefix.len()
        && argv
            .iter()
            .zip(prefix)
            .enumerate()
            .all(|(i, (word, want))| {
                word == want
                    || (i == 0 && !want.contains('/') && word.rsplit('/').next() == Some(want))
            })
}

fn path_matches(glob: &PathGlob, path: &PathFact) -> bool {
    let form = if glob.is_absolute() {
        &path.absolute
    } else {
        &path.relative
    };
    form.as_deref().is_some_and(|p| glob.matches(p))
}

/// The candidates of an action, and whether a wrapped script is plain.
fn candidates(subject: &Subject, workspace: &str) -> (Vec<Candidate>, bool) {
    match subject {
        Subject::Exec { argv, cwd } => {
            let mut out = vec![command_candidate(argv, cwd, workspace)];
            let plain = add_wrapped(argv, cwd, workspace, 0, &mut out);
            (out, plain)
        }
        Subject::FileChange { paths } => {
            let paths = paths.iter().map(|p| path_fact(workspace, "", p)).collect();
            (
                vec![Candidate {
                    paths,
                    ..Candidate::default()
                }],
                true,
            )
        }
        Subject::ToolCall { tool, arguments } => {
            let args: Value = serde_json::from_str(arguments).unwrap_or(Value::Null);
            let paths = PATH_KEYS
                .iter()
                .filter_map(|k| args.get(*k).and_then(Value::as_str))
                .map(|p| path_fact(workspace, "", p))
                .collect();
            let mut hosts = Vec::new();
            collect_hosts(&args, &mut hosts);
            let candidate = Candidate {
                tool: Some(tool.to_string()),
                paths,
                hosts,
                ..Candidate::default()
            };
            (vec![candidate], true)
        }
    }
}

/// Adds the commands of a wrapped script (recursively); returns whether every script
/// followed was plain.
fn add_wrapped(
    argv: &[String],
    cwd: &str,
    workspace: &str,
    depth: usize,
    out: &mut Vec<Candidate>,
) -> bool {
    let Some(text) = script::wrapped_script(argv) else {
        return true;
    };
    if depth >= MAX_WRAPPER_DEPTH {
        return false;
    }
    let parsed = script::split(text);
    let mut plain = parsed.plain;
    for command in &parsed.commands {
        out.push(command_candidate(command, cwd, workspace));
        plain &= add_wrapped(command, cwd, workspace, depth + 1, out);
    }
    plain
}

/// A command's candidate: its words, and among its arguments (non-flag words and the
/// values of `--flag=value`) the hosts of the URLs and the paths of the rest.
fn command_candidate(argv: &[String], cwd: &str, workspace: &str) -> Candidate {
    let mut paths = Vec::new();
    let mut hosts = Vec::new();
    for word in argv.iter().skip(1) {
        let value = match word.strip_prefix('-') {
            Some(flag) => match flag.split_once('=') {
                Some((_, value)) => value,
                None => continue,
            },
            None => word.as_str(),
        };
        match crate::url::host(value) {
            Some(host) => hosts.push(host),
            None if !value.is_empty() => paths.push(path_fact(workspace, cwd, value)),
            None => {}
        }
    }
    Candidate {
        argv: Some(argv.to_vec()),
        paths,
        hosts,
        ..Candidate::default()
    }
}

/// The hosts of the string values of `value` that are URLs, recursively.
fn collect_hosts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.extend(crate::url::host(s)),
        Value::Array(items) => items.iter().for_each(|v| collect_hosts(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_hosts(v, out)),
        _ => {}
    }
}

/// `raw` (relative to `cwd`, itself relative to the workspace) in both forms.
pub fn path_fact(workspace: &str, cwd: &str, raw: &str) -> PathFact {
    let workspace = normalize(Path::new(workspace));
    let raw_path = Path::new(raw);
    if raw_path.is_absolute() {
        let absolute = normalize(raw_path);
        let relative = (!workspace.as_os_str().is_empty())
            .then(|| absolute.strip_prefix(&workspace).ok().map(text))
            .flatten();
        return PathFact {
            relative,
            absolute: Some(text(&absolute)),
        };
    }
    let relative = normalize(&Path::new(cwd).join(raw_path));
    let climbs = relative.components().next() == Some(Component::ParentDir);
    let absolute =
        (!workspace.as_os_str().is_empty()).then(|| text(&normalize(&workspace.join(&relative))));
    PathFact {
        relative: (!climbs).then(|| text(&relative)),
        absolute,
    }
}

fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Removes `.` and applies `..` lexically (a relative path keeps leading `..`).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_top = matches!(
                    out.components().next_back(),
                    None | Some(Component::ParentDir)
                );
                if !at_top || out.has_root() {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
