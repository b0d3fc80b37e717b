//! Tests of the glob matchers.

use super::*;

fn path(pattern: &str, p: &str) -> bool {
    PathGlob::new(pattern).unwrap().matches(p)
}

#[test]
fn double_star_spans_directories() {
    assert!(path("**/.env", ".env"));
    assert!(path("**/.env", "a/b/.env"));
    assert!(!path("**/.env", "a/.envrc"));
    assert!(path("src/**/*.rs", "src/main.rs"));
    assert!(path("src/**/*.rs", "src/a/b/c.rs"));
    assert!(!path("src/**/*.rs", "lib/a.rs"));
    assert!(path("target/**", "target/debug/x"));
    assert!(path("a/**/b/**/c", "a/x/b/y/z/c"));
}

#[test]
fn patterns_without_slash_match_file_names() {
    assert!(path("*.pem", "certs/server.pem"));
    assert!(path("*.pem", ".hidden.pem"));
    assert!(path(".env", "deep/down/.env"));
    assert!(!path("*.pem", "server.pem.bak"));
    assert!(!path("*.pem", ""));
}

#[test]
fn star_stays_within_a_component() {
    assert!(path("src/*.rs", "src/a.rs"));
    assert!(!path("src/*.rs", "src/a/b.rs"));
    assert!(path("./src/*.rs", "./src/a.rs"));
    assert!(path("/etc/*", "/etc/passwd"));
    assert!(PathGlob::new("/etc/*").unwrap().is_absolute());
}

#[test]
fn classes_alternatives_and_escapes() {
    assert!(path("file[0-9].txt", "file7.txt"));
    assert!(!path("file[!0-9].txt", "file7.txt"));
    assert!(path("file[!0-9].txt", "fileX.txt"));
    assert!(path("x[-a]", "x-"));
    assert!(path("x[a-]", "x-"));
    assert!(path("*.{key,pem}", "id.key"));
    assert!(path("*.{key,pem}", "id.pem"));
    assert!(!path("*.{key,pem}", "id.pub"));
    assert!(path("{a,b/{c,d}}/x", "b/d/x"));
    assert!(path("a\\*b", "a*b"));
    assert!(!path("a\\*b", "axb"));
    assert!(path("?.txt", "a.txt") && !path("?.txt", "ab.txt"));
}

#[test]
fn malformed_patterns() {
    for bad in ["", "[abc", "{a,b", "x\\"] {
        assert!(PathGlob::new(bad).is_err(), "{bad:?}");
    }
    assert!(NameGlob::new("").is_err());
}

#[test]
fn tool_names() {
    let g = NameGlob::new("web_*").unwrap();
    assert!(g.matches("web_fetch") && g.matches("web_") && !g.matches("fetch"));
    assert!(NameGlob::new("{fetch,search}").unwrap().matches("search"));
    assert!(NameGlob::new("*").unwrap().matches("anything"));
}

#[test]
fn hosts() {
    let sub = HostPattern::new("*.Internal.Example.com").unwrap();
    assert!(sub.matches("a.internal.example.com"));
    assert!(sub.matches("x.y.INTERNAL.example.com."));
    assert!(!sub.matches("internal.example.com"));
    assert!(!sub.matches("evilinternal.example.com"));
    let exact = HostPattern::new("example.com").unwrap();
    assert!(exact.matches("EXAMPLE.com") && !exact.matches("www.example.com"));
    assert!(HostPattern::new("*").unwrap().matches("x"));
    assert!(HostPattern::new("[::1]").is_ok());
    for bad in [
        "",
        "https://x.com",
        "x.com:443",
        "x.com/path",
        "a*.com",
        "*.*.com",
    ] {
        assert!(HostPattern::new(bad).is_err(), "{bad}");
    }
}
