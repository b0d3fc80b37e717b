//! The operator's rules, read from the context key `settings` (the table
//! `[plugins."hearth.rules".settings]` of the host's `config.toml`).
//!
//! ```toml
//! [[plugins."hearth.rules".settings.rules]]
//! id = "no-push"                      # reported as rule `rules.no-push`
//! decision = "deny"                   # allow | ask | deny
//! justification = "Pushing is done by CI"
//! argv_prefix = ["git", "push"]
//! ```
//!
//! Every rule needs an `id` (unique; letters, digits, `.`, `_`, `-`), a `decision` and
//! at least one matcher: `argv_prefix`, `paths`, `tools`, `hosts` (see the crate
//! documentation for what each matches). Unknown keys, empty lists and malformed
//! patterns are errors, so that a typo cannot silently turn a rule off.

use serde::Deserialize;
use serde_json::Value;

use crate::glob::{HostPattern, NameGlob, PathGlob};

/// What a rule decides when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Go ahead without asking.
    Allow,
    /// Ask the user.
    Ask,
    /// Refuse.
    Deny,
}

/// One rule, compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The operator's id.
    pub id: String,
    /// What it decides.
    pub decision: Decision,
    /// Why, shown to the user and the model.
    pub justification: Option<String>,
    /// Commands whose argv starts with these words.
    pub argv_prefix: Option<Vec<String>>,
    /// Paths matching any of these globs.
    pub paths: Option<Vec<PathGlob>>,
    /// Tools whose name matches any of these globs.
    pub tools: Option<Vec<NameGlob>>,
    /// Hosts matching any of these patterns.
    pub hosts: Option<Vec<HostPattern>>,
}

/// The `settings` object.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default)]
    rules: Vec<RawRule>,
}

/// One rule as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    decision: Decision,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default, alias = "argv-prefix")]
    argv_prefix: Option<Vec<String>>,
    #[serde(default)]
    paths: Option<Vec<String>>,
    #[serde(default)]
    tools: Option<Vec<String>>,
    #[serde(default)]
    hosts: Option<Vec<String>>,
}

/// The rules in `settings` (`None` or `null`: no rules), or what is wrong with them.
pub fn parse(settings: Option<&Value>) -> Result<Vec<Rule>, String> {
    let Some(settings) = settings.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let raw: RawSettings = serde_json::from_value(settings.clone()).map_err(|e| e.to_string())?;
    let mut rules: Vec<Rule> = Vec::with_capacity(raw.rules.len());
    for (i, rule) in raw.rules.into_iter().enumerate() {
        let rule = compile(rule).map_err(|e| format!("rule {}: {e}", i + 1))?;
        if rules.iter().any(|r| r.id == rule.id) {
            return Err(format!("rule id {:?} is used twice", rule.id));
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn compile(raw: RawRule) -> Result<Rule, String> {
    let id_ok = !raw.id.is_empty()
        && raw
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !id_ok {
        return Err(format!(
            "id {:?} must be 1 or more of the characters [A-Za-z0-9._-]",
            raw.id
        ));
    }
    let in_rule = |e: String| format!("{:?}: {e}", raw.id);
    let argv_prefix = non_empty(raw.argv_prefix, "argv_prefix").map_err(in_rule)?;
    if argv_prefix.as_ref().is_some_and(|p| p[0].is_empty()) {
        return Err(in_rule("argv_prefix must start with a program name".into()));
    }
    let paths = compile_list(raw.paths, "paths", PathGlob::new).map_err(in_rule)?;
    let tools = compile_list(raw.tools, "tools", NameGlob::new).map_err(in_rule)?;
    let hosts = compile_list(raw.hosts, "hosts", HostPattern::new).map_err(in_rule)?;
    if argv_prefix.is_none() && paths.is_none() && tools.is_none() && hosts.is_none() {
        return Err(in_rule(
            "give at least one of argv_prefix, paths, tools or hosts".into(),
        ));
    }
    Ok(Rule {
        justification: raw.justification.filter(|j| !j.trim().is_empty()),
        id: raw.id,
        decision: raw.decision,
        argv_prefix,
        paths,
        tools,
        hosts,
    })
}

fn non_empty(list: Option<Vec<String>>, key: &str) -> Result<Option<Vec<String>>, String> {
    match list {
        Some(l) if l.is_empty() => Err(format!("{key} must not be empty")),
        other => Ok(other),
    }
}

fn compile_list<T>(
    list: Option<Vec<String>>,
    key: &str,
    compile: fn(&str) -> Result<T, String>,
) -> Result<Option<Vec<T>>, String> {
    non_empty(list, key)?
        .map(|l| l.iter().map(|p| compile(p)).collect())
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(settings: Value) -> String {
        parse(Some(&settings)).unwrap_err()
    }

    #[test]
    fn reads_the_documented_format() {
        let rules = parse(Some(&json!({"rules": [
            {"id": "no-push", "decision": "deny", "justification": "CI pushes", "argv_prefix": ["git", "push"]},
            {"id": "secrets", "decision": "deny", "paths": ["**/.env", "**/*.pem"]},
            {"id": "net", "decision": "ask", "tools": ["fetch"], "justification": " "},
            {"id": "hosts", "decision": "allow", "hosts": ["*.internal.example.com"]},
        ]})))
        .unwrap();
        assert_eq!(rules.len(), 4);
        assert_eq!(rules[0].decision, Decision::Deny);
        assert_eq!(rules[0].justification.as_deref(), Some("CI pushes"));
        assert_eq!(rules[1].paths.as_ref().unwrap().len(), 2);
        assert_eq!(rules[2].justification, None);
        assert_eq!(rules[3].decision, Decision::Allow);
    }

    #[test]
    fn absent_settings_mean_no_rules() {
        assert!(parse(None).unwrap().is_empty());
        assert!(parse(Some(&Value::Null)).unwrap().is_empty());
        assert!(parse(Some(&json!({}))).unwrap().is_empty());
    }

    #[test]
    fn mistakes_are_errors() {
        let rule = |extra: Value| {
            let mut r = json!({"id": "r", "decision": "deny"});
            r.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            json!({"rules": [r]})
        };
        for (settings, needle) in [
            (json!({"rulez": []}), "unknown field"),
            (rule(json!({"argv_prefx": ["git"]})), "unknown field"),
            (rule(json!({})), "at least one of"),
            (rule(json!({"paths": []})), "paths must not be empty"),
            (rule(json!({"argv_prefix": [""]})), "program name"),
            (rule(json!({"paths": ["[abc"]})), "unclosed `[`"),
            (rule(json!({"hosts": ["https://x.com"]})), "without scheme"),
            (rule(json!({"tools": ["{a,b"]})), "unclosed `{`"),
            (
                rule(json!({"decision": "maybe", "tools": ["x"]})),
                "unknown variant",
            ),
            (
                rule(json!({"id": "has space", "tools": ["x"]})),
                "[A-Za-z0-9._-]",
            ),
            (
                json!({"rules": [{"id": "a", "decision": "deny", "tools": ["x"]}, {"id": "a", "decision": "ask", "tools": ["y"]}]}),
                "used twice",
            ),
        ] {
            let msg = err(settings);
            assert!(msg.contains(needle), "{needle}: {msg}");
        }
    }
}
