//! Tests of the script splitter.

use super::*;

fn commands(script: &str) -> Vec<String> {
    split(script).commands.iter().map(|c| c.join(" ")).collect()
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

#[test]
fn plain_commands() {
    let s = split("cd x && git push origin main || echo 'it failed'; ls | wc -l\npwd");
    assert!(s.plain);
    assert_eq!(
        commands("cd x && git push origin main || echo 'it failed'; ls | wc -l\npwd"),
        [
            "cd x",
            "git push origin main",
            "echo it failed",
            "ls",
            "wc -l",
            "pwd"
        ]
    );
    assert_eq!(commands("echo \"a b\"c\\ d"), ["echo a bc d"]);
}

#[test]
fn substitutions_and_subshells_are_searched_too() {
    for (script, wanted) in [
        ("echo $(git push)", "git push"),
        ("echo `git push`", "git push"),
        ("(cd x; git push)", "git push"),
        ("sleep 1 & git push", "git push"),
        ("ls |& git push", "git push"),
    ] {
        let s = split(script);
        assert!(!s.plain, "{script}");
        assert!(
            commands(script).contains(&wanted.to_string()),
            "{script}: {:?}",
            commands(script)
        );
    }
}

#[test]
fn redirections_assignments_keywords_and_comments() {
    assert_eq!(commands("git log > out.txt 2>&1"), ["git log"]);
    assert_eq!(commands("git log 2>/dev/null >>all"), ["git log"]);
    assert_eq!(commands("FOO=1 BAR=2 git push"), ["git push"]);
    assert_eq!(
        commands("if git push; then echo ok; fi"),
        ["git push", "echo ok"]
    );
    assert_eq!(commands("! git push"), ["git push"]);
    assert_eq!(commands("ls # git push"), ["ls"]);
    assert_eq!(commands("echo a#b"), ["echo a#b"]);
    assert!(!split("git log > out").plain);
    assert!(!split("FOO=1 ls").plain);
    assert!(!split("echo $HOME").plain);
    assert!(!split("echo \"$HOME\"").plain);
    assert!(!split("rm *.o").plain);
    assert!(!split("echo 'open").plain);
    assert!(!split("").plain);
}

#[test]
fn wrappers() {
    assert_eq!(wrapped_script(&argv(&["bash", "-lc", "ls"])), Some("ls"));
    assert_eq!(wrapped_script(&argv(&["/bin/sh", "-c", "ls"])), Some("ls"));
    assert_eq!(
        wrapped_script(&argv(&["zsh", "-l", "-c", "ls"])),
        Some("ls")
    );
    assert_eq!(wrapped_script(&argv(&["bash", "script.sh"])), None);
    assert_eq!(wrapped_script(&argv(&["bash", "-lc"])), None);
    assert_eq!(wrapped_script(&argv(&["python", "-c", "x"])), None);
    assert_eq!(
        wrapped_script(&argv(&["bash", "--login", "-c", "ls"])),
        Some("ls")
    );
    assert_eq!(wrapped_script(&argv(&["bash", "--", "-c"])), None);
}
