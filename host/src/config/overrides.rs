//! `-c key.path=value` overrides: the value is parsed as TOML, and taken as a plain
//! string when it is not valid TOML (so `-c model=o3` works without quotes).

use anyhow::{Result, bail};

/// Sets `dotted.key = value` in a TOML table, creating tables on the way.
pub fn apply_override(table: &mut toml::Table, spec: &str) -> Result<()> {
    let Some((key, raw)) = spec.split_once('=') else {
        bail!("override {spec:?} must look like key=value");
    };
    let Some(parts) = split_key(key.trim()) else {
        bail!("override {spec:?} has an empty key or an unclosed quote");
    };
    let value = parse_value(raw.trim());
    let (last, path) = parts.split_last().expect("non-empty key");
    let mut current = table;
    for part in path {
        let entry = current
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match entry {
            toml::Value::Table(t) => t,
            _ => bail!("override {spec:?}: `{part}` is not a table"),
        };
    }
    current.insert(last.to_string(), value);
    Ok(())
}

/// Splits a dotted key into its parts; a part in double or single quotes may contain
/// dots (`plugins."acme.tool".limits`), as in TOML. `None` when a part is empty or a quote
/// is not closed.
fn split_key(key: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut quote: Option<char> = None;
    for c in key.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                quoted = true;
            }
            (None, '.') => {
                let part = current.trim().to_string();
                if part.is_empty() && !quoted {
                    return None;
                }
                parts.push(part);
                current.clear();
                quoted = false;
            }
            (None, c) => current.push(c),
        }
    }
    let part = current.trim().to_string();
    if quote.is_some() || (part.is_empty() && !quoted) {
        return None;
    }
    parts.push(part);
    Some(parts)
}

fn parse_value(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_nested_keys_with_typed_values() {
        let mut t = toml::Table::new();
        apply_override(&mut t, "a.b.c=3").unwrap();
        apply_override(&mut t, "a.b.d=[\"x\"]").unwrap();
        apply_override(&mut t, "name=plain words").unwrap();
        assert_eq!(t["a"]["b"]["c"].as_integer(), Some(3));
        assert_eq!(t["a"]["b"]["d"].as_array().unwrap().len(), 1);
        assert_eq!(t["name"].as_str(), Some("plain words"));
        assert!(apply_override(&mut t, "name.x=1").is_err());
        apply_override(&mut t, "plugins.\"acme.tool\".limits.timeout_ms=300").unwrap();
        assert_eq!(
            t["plugins"]["acme.tool"]["limits"]["timeout_ms"].as_integer(),
            Some(300)
        );
        apply_override(&mut t, "plugins.'x.y'.enabled=false").unwrap();
        assert_eq!(t["plugins"]["x.y"]["enabled"].as_bool(), Some(false));
        assert!(apply_override(&mut t, "a..b=1").is_err());
        assert!(apply_override(&mut t, "a.\"b=1").is_err());
    }
}
