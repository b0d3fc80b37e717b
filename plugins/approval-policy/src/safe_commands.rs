//! Which commands are known to only read: the `untrusted` policy runs these without
//! asking, like Codex's `is_known_safe_command`.
//!
//! A command is known safe when its program is one of a fixed list of read-only tools,
//! invoked without the flags that would make it write files or run other programs, or
//! when it is `bash -lc "<script>"` (also `-c`, and `sh`/`zsh`) whose script is a chain
//! of such commands (see [`crate::shell`]). Programs are matched by bare name only: a path
//! such as `./ls` may be anything.

use crate::shell;

/// Programs that only read whatever their arguments (checked as plain names).
const ALWAYS_SAFE: &[&str] = &[
    "basename", "cat", "cd", "cut", "df", "dirname", "du", "echo", "false", "grep", "head", "id",
    "ls", "nl", "paste", "pwd", "rev", "seq", "stat", "tail", "tr", "true", "uname", "wc", "which",
    "whoami",
];

/// `find` options that delete, write files or run programs.
const FIND_UNSAFE: &[&str] = &[
    "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf",
];

/// `rg` options that run programs or decompressors.
const RG_UNSAFE: &[&str] = &["--pre", "--hostname-bin", "--search-zip"];

/// `git branch` options that only list.
const GIT_BRANCH_LISTING: &[&str] = &[
    "--show-current",
    "-a",
    "--all",
    "-r",
    "--remotes",
    "-v",
    "-vv",
    "--verbose",
    "-l",
    "--list",
    "--no-color",
    "--color",
];

/// True when `argv` is known to only read, directly or as a `bash -lc` script of such
/// commands.
pub fn is_known_safe(argv: &[String]) -> bool {
    if is_safe_to_call(argv) {
        return true;
    }
    match shell_script(argv).and_then(shell::split_commands) {
        Some(commands) => commands.iter().all(|c| is_safe_to_call(c)),
        None => false,
    }
}

/// The script of `bash -lc <script>` (or `-c`, `sh`, `zsh`).
fn shell_script(argv: &[String]) -> Option<&str> {
    match argv {
        [shell, flag, script]
            if matches!(shell.as_str(), "bash" | "sh" | "zsh")
                && matches!(flag.as_str(), "-lc" | "-c") =>
        {
            Some(script)
        }
        _ => None,
    }
}

/// True when one plain command (no shell) only reads.
pub fn is_safe_to_call(argv: &[String]) -> bool {
    let Some((program, args)) = argv.split_first() else {
        return false;
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match program.as_str() {
        p if ALWAYS_SAFE.contains(&p) => true,
        "date" => !args.iter().any(|a| *a == "-s" || a.starts_with("--set")),
        "tree" => !args.iter().any(|a| *a == "-o" || a.starts_with("--output")),
        "file" => !args.iter().any(|a| *a == "-C" || *a == "--compile"),
        "find" => !args.iter().any(|a| FIND_UNSAFE.contains(a)),
        "rg" => !args.iter().any(|a| rg_unsafe(a)),
        "git" => git_reads_only(&args),
        "sed" => sed_prints_lines(&args),
        _ => false,
    }
}

/// `rg` flags that run programs: `--pre`, `--hostname-bin`, `--search-zip` (also in
/// `--flag=value` form) and `-z` (alone or in a cluster of short flags).
fn rg_unsafe(arg: &str) -> bool {
    let name = arg.split('=').next().unwrap_or(arg);
    RG_UNSAFE.contains(&name)
        || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('z'))
}

/// `git status|log|diff|show` without options that write or run external programs, and
/// `git branch` with listing options only. Global options before the subcommand (`-C`,
/// `-c`) are not accepted.
fn git_reads_only(args: &[&str]) -> bool {
    let Some((sub, rest)) = args.split_first() else {
        return false;
    };
    let writes_or_runs = |a: &&str| {
        a.starts_with("--output")
            || a.starts_with("--ext-diff")
            || a.starts_with("--textconv")
            || a.starts_with("--exec")
    };
    match *sub {
        "status" | "log" | "diff" | "show" => !rest.iter().any(writes_or_runs),
        "branch" => rest.iter().all(|a| GIT_BRANCH_LISTING.contains(a)),
        _ => false,
    }
}

/// `sed -n <N>p [FILE]` or `sed -n <M>,<N>p [FILE]`: printing a range of lines.
fn sed_prints_lines(args: &[&str]) -> bool {
    let (flag, script) = match args {
        [flag, script] | [flag, script, _] => (*flag, *script),
        _ => return false,
    };
    let Some(range) = script.strip_suffix('p') else {
        return false;
    };
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    flag == "-n"
        && match range.split_once(',') {
            Some((from, to)) => number(from) && number(to),
            None => number(range),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    fn safe(words: &[&str]) -> bool {
        is_known_safe(&argv(words))
    }

    #[test]
    fn plain_read_only_commands() {
        assert!(safe(&["ls", "-la"]));
        assert!(safe(&["cat", "Cargo.toml"]));
        assert!(safe(&["grep", "-rn", "fn main", "src"]));
        assert!(safe(&["date"]));
        assert!(safe(&["tree", "-L", "2"]));
        assert!(!safe(&["date", "-s", "2020-01-01"]));
        assert!(!safe(&["tree", "-o", "out.txt"]));
        assert!(!safe(&["file", "-C", "-m", "magic"]));
        assert!(!safe(&["rm", "-rf", "/"]));
        assert!(!safe(&["./ls"]));
        assert!(!safe(&[]));
    }

    #[test]
    fn find_rg_git_sed() {
        assert!(safe(&["find", ".", "-name", "*.rs"]));
        for bad in [
            "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0",
            "-fprintf",
        ] {
            assert!(!safe(&["find", ".", bad, "x"]), "{bad}");
        }
        assert!(safe(&["rg", "-n", "TODO"]));
        assert!(!safe(&["rg", "--pre", "cat", "x"]));
        assert!(!safe(&["rg", "--pre=cat", "x"]));
        assert!(!safe(&["rg", "--hostname-bin", "x"]));
        assert!(!safe(&["rg", "--search-zip", "x"]));
        assert!(!safe(&["rg", "-z", "x"]));
        assert!(!safe(&["rg", "-iz", "x"]));
        assert!(safe(&["git", "status"]));
        assert!(safe(&["git", "log", "--oneline", "-5"]));
        assert!(safe(&["git", "diff", "HEAD~1"]));
        assert!(safe(&["git", "show", "HEAD"]));
        assert!(safe(&["git", "branch"]));
        assert!(safe(&["git", "branch", "--show-current"]));
        assert!(!safe(&["git", "branch", "new-feature"]));
        assert!(!safe(&["git", "branch", "-D", "old"]));
        assert!(!safe(&["git", "diff", "--output=patch.txt"]));
        assert!(!safe(&["git", "diff", "--ext-diff"]));
        assert!(!safe(&["git", "commit", "-m", "x"]));
        assert!(!safe(&["git", "-C", "..", "status"]));
        assert!(!safe(&["git"]));
        assert!(safe(&["sed", "-n", "10p", "f.txt"]));
        assert!(safe(&["sed", "-n", "1,20p", "f.txt"]));
        assert!(!safe(&["sed", "-i", "s/a/b/", "f.txt"]));
        assert!(!safe(&["sed", "-n", "1,20w out", "f.txt"]));
        assert!(!safe(&["sed", "-n", "p", "f.txt"]));
    }

    #[test]
    fn shell_scripts_of_safe_commands() {
        assert!(safe(&["bash", "-lc", "ls && pwd"]));
        assert!(safe(&["bash", "-lc", "git status; git log -1 | head -n 5"]));
        assert!(safe(&["sh", "-c", "cat a.txt || echo missing"]));
        assert!(safe(&["bash", "-lc", "sed -n 1,5p src/lib.rs"]));
        assert!(!safe(&["bash", "-lc", "ls && rm -rf target"]));
        assert!(!safe(&["bash", "-lc", "echo hi > f"]));
        assert!(!safe(&["bash", "-lc", "cat $(which ls)"]));
        assert!(!safe(&["bash", "-lc", "(ls)"]));
        assert!(!safe(&["bash", "-lc", "echo `id`"]));
        assert!(!safe(&["bash", "-lc", "find . -delete"]));
        assert!(!safe(&["bash", "-x", "ls"]));
        assert!(!safe(&["python", "-c", "print(1)"]));
    }
}
