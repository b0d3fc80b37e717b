//! Small glob matchers for paths, tool names and host names (no dependencies, so the
//! policy stays a small pure component).
//!
//! **Paths** ([`PathGlob`]) match component by component, `/`-separated:
//!
//! | syntax    | matches                                                     |
//! |-----------|-------------------------------------------------------------|
//! | `*`       | any characters within one component (dot files included)   |
//! | `?`       | one character within a component                            |
//! | `[a-z]`, `[!0-9]` | one character in (or, with `!` or `^`, not in) the set |
//! | `**`      | as a whole component: zero or more components               |
//! | `{a,b}`   | either alternative                                          |
//! | `\x`      | the character `x` itself                                    |
//!
//! A pattern without `/` matches a path's last component (`*.pem` matches `a/b/c.pem`),
//! as in `.gitignore`. A pattern starting with `/` matches absolute paths; any other
//! matches workspace-relative ones.
//!
//! **Host names** ([`HostPattern`]), case-insensitive: `*` (any host), `*.example.com`
//! (any subdomain of `example.com`, not `example.com` itself, as in the network rules of
//! grants), or an exact name or address.

/// One character position of a component pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    /// `*`
    Star,
    /// `?`
    One,
    /// `[...]`: inclusive ranges, negated or not.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// One `/`-separated part of a path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `**`
    AnyDepth,
    Component(Vec<Token>),
}

/// A compiled path glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathGlob {
    /// One sequence of segments per `{…}` alternative.
    alternatives: Vec<Vec<Segment>>,
    /// The pattern starts with `/`.
    absolute: bool,
    /// The pattern has no `/`: it matches last components.
    basename: bool,
}

impl PathGlob {
    /// Compiles `pattern`; errors describe what is wrong with it.
    pub fn new(pattern: &str) -> Result<Self, String> {
        if pattern.trim().is_empty() {
            return Err("empty path pattern".to_string());
        }
        let alternatives = expand_braces(pattern)?
            .iter()
            .map(|alt| {
                alt.split('/')
                    .filter(|c| !c.is_empty() && *c != ".")
                    .map(|c| match c {
                        "**" => Ok(Segment::AnyDepth),
                        _ => tokens(c).map(Segment::Component),
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("path pattern {pattern:?}: {e}"))?;
        Ok(PathGlob {
            alternatives,
            absolute: pattern.starts_with('/'),
            basename: !pattern.contains('/'),
        })
    }

    /// True when the pattern starts with `/` (it matches absolute paths).
    pub fn is_absolute(&self) -> bool {
        self.absolute
    }

    /// Matches `path` (separators `/`; empty and `.` components ignored).
    pub fn matches(&self, path: &str) -> bool {
        let components: Vec<&str> = path
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        let subject = match (self.basename, components.last()) {
            (true, Some(last)) => std::slice::from_ref(last),
            (true, None) => return false,
            (false, _) => &components[..],
        };
        self.alternatives
            .iter()
            .any(|segments| match_segments(segments, subject))
    }
}

/// A glob on a single name (tool names): `*`, `?`, `[…]`, `{a,b}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameGlob(Vec<Vec<Token>>);

impl NameGlob {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Result<Self, String> {
        if pattern.trim().is_empty() {
            return Err("empty tool name pattern".to_string());
        }
        expand_braces(pattern)?
            .iter()
            .map(|alt| tokens(alt))
            .collect::<Result<Vec<_>, _>>()
            .map(NameGlob)
            .map_err(|e| format!("tool pattern {pattern:?}: {e}"))
    }

    /// Matches `name` exactly (case-sensitive).
    pub fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        self.0.iter().any(|tokens| match_tokens(tokens, &chars))
    }
}

/// A host name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// `*`: every host.
    Any,
    /// `*.suffix`: subdomains of `suffix` (stored with its leading dot).
    Subdomains(String),
    /// One name or address.
    Exact(String),
}

impl HostPattern {
    /// Parses a pattern; a URL or a `host:port` is refused with a hint.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let p = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
        if p.is_empty() {
            return Err("empty host pattern".to_string());
        }
        if p.contains("://") || p.contains('/') || (p.contains(':') && !p.starts_with('[')) {
            return Err(format!(
                "host pattern {pattern:?} must be a host name such as \"*.example.com\", \
                 without scheme, port or path"
            ));
        }
        Ok(match p.strip_prefix('*') {
            Some("") => HostPattern::Any,
            Some(rest) if rest.starts_with('.') && !rest[1..].contains('*') => {
                HostPattern::Subdomains(rest.to_string())
            }
            Some(_) => {
                return Err(format!(
                    "host pattern {pattern:?}: `*` must stand alone or start `*.`"
                ));
            }
            None if p.contains('*') => {
                return Err(format!(
                    "host pattern {pattern:?}: `*` must stand alone or start `*.`"
                ));
            }
            None => HostPattern::Exact(p),
        })
    }

    /// Matches a host name (case-insensitive; a trailing dot is ignored).
    pub fn matches(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        match self {
            HostPattern::Any => !host.is_empty(),
            HostPattern::Subdomains(suffix) => {
                host.len() > suffix.len() && host.ends_with(suffix.as_str())
            }
            HostPattern::Exact(name) => host == *name,
        }
    }
}

/// Every alternative of `{a,b}` groups (nested groups allowed), in order.
fn expand_braces(pattern: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let Some(open) = find_unescaped(&chars, 0, '{') else {
        return Ok(vec![pattern.to_string()]);
    };
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut start = open + 1;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    parts.push(chars[start..i].iter().collect::<String>());
                    let prefix: String = chars[..open].iter().collect();
                    let suffix: String = chars[i + 1..].iter().collect();
                    let mut out = Vec::new();
                    for part in parts {
                        out.extend(expand_braces(&format!("{prefix}{part}{suffix}"))?);
                    }
                    return Ok(out);
                }
            }
            ',' if depth == 1 => {
                parts.push(chars[start..i].iter().collect());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    Err("unclosed `{`".to_string())
}

fn find_unescaped(chars: &[char], from: usize, wanted: char) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            c if c == wanted => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The tokens of one component (no `/`).
fn tokens(component: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = component.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' => {
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
                Token::Star
            }
            '?' => Token::One,
            '\\' => Token::Literal(chars.next().ok_or("trailing `\\`")?),
            '[' => {
                let negated = matches!(chars.peek(), Some('!' | '^'));
                if negated {
                    chars.next();
                }
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let c = chars.next().ok_or("unclosed `[`")?;
                    if c == ']' && !first {
                        break;
                    }
                    first = false;
                    if chars.peek() == Some(&'-') {
                        chars.next();
                        match chars.next().ok_or("unclosed `[`")? {
                            ']' => {
                                ranges.extend([(c, c), ('-', '-')]);
                                break;
                            }
                            end => ranges.push((c, end)),
                        }
                    } else {
                        ranges.push((c, c));
                    }
                }
                Token::Class { negated, ranges }
            }
            other => Token::Literal(other),
        });
    }
    Ok(out)
}

fn match_segments(segments: &[Segment], components: &[&str]) -> bool {
    match segments.split_first() {
        None => components.is_empty(),
        Some((Segment::AnyDepth, rest)) => {
            (0..=components.len()).any(|skip| match_segments(rest, &components[skip..]))
        }
        Some((Segment::Component(tokens), rest)) => match components.split_first() {
            Some((first, others)) => {
                let chars: Vec<char> = first.chars().collect();
                match_tokens(tokens, &chars) && match_segments(rest, others)
            }
            None => false,
        },
    }
}

fn match_tokens(tokens: &[Token], chars: &[char]) -> bool {
    match tokens.split_first() {
        None => chars.is_empty(),
        Some((Token::Star, rest)) => {
            (0..=chars.len()).any(|skip| match_tokens(rest, &chars[skip..]))
        }
        Some((token, rest)) => match chars.split_first() {
            Some((c, others)) => one(token, *c) && match_tokens(rest, others),
            None => false,
        },
    }
}

fn one(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::One | Token::Star => true,
        Token::Class { negated, ranges } => {
            ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
        }
    }
}

#[cfg(test)]
#[path = "glob_tests.rs"]
mod tests;
