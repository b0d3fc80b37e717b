//! A deliberately small reader of `bash -lc "<script>"` scripts.
//!
//! It accepts only scripts made of plain commands joined by `&&`, `||`, `;`, `|` or
//! newlines, whose words are unquoted text, single-quoted text, or double-quoted text
//! without expansions. Anything else — redirections, subshells, command substitution
//! (`$(`, backticks), variables, background jobs, escapes, comments, history expansion —
//! makes [`split_commands`] return `None`, and the caller treats the script as unknown.

/// The commands of `script`, each as its words, or `None` when the script uses anything
/// beyond plain words and the `&&`, `||`, `;`, `|` operators.
pub fn split_commands(script: &str) -> Option<Vec<Vec<String>>> {
    let mut commands = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => finish_word(&mut word, &mut current),
            '\n' | ';' => end_command(&mut word, &mut current, &mut commands)?,
            '|' | '&' => {
                let doubled = chars.peek() == Some(&c);
                if doubled {
                    chars.next();
                } else if c == '&' {
                    return None; // background job
                }
                end_command(&mut word, &mut current, &mut commands)?;
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        ch => w.push(ch),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' | '\\' | '!' => return None,
                        ch => w.push(ch),
                    }
                }
            }
            '>' | '<' | '(' | ')' | '`' | '$' | '\\' | '#' | '!' => return None,
            ch => word.get_or_insert_with(String::new).push(ch),
        }
    }
    finish_word(&mut word, &mut current);
    if !current.is_empty() {
        commands.push(current);
    } else if commands.is_empty() || script.trim_end().ends_with(['|', '&']) {
        return None;
    }
    Some(commands)
}

fn finish_word(word: &mut Option<String>, current: &mut Vec<String>) {
    if let Some(w) = word.take() {
        current.push(w);
    }
}

/// Ends the current command at an operator; an operator with no command before it is
/// a syntax error (`None`).
fn end_command(
    word: &mut Option<String>,
    current: &mut Vec<String>,
    commands: &mut Vec<Vec<String>>,
) -> Option<()> {
    finish_word(word, current);
    if current.is_empty() {
        return None;
    }
    commands.push(std::mem::take(current));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Option<Vec<Vec<&'static str>>> {
        let commands = split_commands(script)?;
        Some(
            commands
                .into_iter()
                .map(|c| {
                    c.into_iter()
                        .map(|w| &*Box::leak(w.into_boxed_str()))
                        .collect()
                })
                .collect(),
        )
    }

    #[test]
    fn splits_plain_commands() {
        assert_eq!(
            words("ls -la && cat 'a b'|wc -l; echo \"x y\"z || true\npwd"),
            Some(vec![
                vec!["ls", "-la"],
                vec!["cat", "a b"],
                vec!["wc", "-l"],
                vec!["echo", "x yz"],
                vec!["true"],
                vec!["pwd"],
            ])
        );
        assert_eq!(words("ls;"), Some(vec![vec!["ls"]]));
        assert_eq!(
            words("grep -n '$HOME' f"),
            Some(vec![vec!["grep", "-n", "$HOME", "f"]])
        );
    }

    #[test]
    fn rejects_everything_else() {
        for script in [
            "echo hi > f",
            "cat < f",
            "(ls)",
            "echo `id`",
            "echo $(id)",
            "echo $HOME",
            "echo \"$HOME\"",
            "sleep 1 &",
            "ls &&",
            "&& ls",
            "ls | ",
            "ls ;; pwd",
            "echo 'unterminated",
            "echo a\\ b",
            "ls # comment",
            "",
            "   ",
        ] {
            assert_eq!(split_commands(script), None, "{script:?}");
        }
    }
}
