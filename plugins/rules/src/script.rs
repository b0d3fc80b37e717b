//! Finding the commands inside `bash -lc "<script>"`.
//!
//! Rules must see `git push` in `bash -lc "cd x && git push"`, so [`split`] cuts a script
//! into plain commands at `&&`, `||`, `;`, `|`, `&` and new lines, and also at the
//! edges of subshells and command substitutions (`(`, `)`, `$(`, backticks), so the
//! commands inside those are found too. Quotes (`'…'`, `"…"`) and backslash escapes are
//! honoured; redirections (`> file`, `2>&1`) are dropped from the words; leading
//! variable assignments (`FOO=1 cmd`) and keywords (`if`, `then`, `do`, `!`, `time`, …)
//! are skipped; `#` starts a comment.
//!
//! It is a reader for matching, not a shell: anything it does not follow (expansions,
//! redirections, control flow, unterminated quotes) makes the script not
//! [`plain`](Script::plain), and the policy then never allows it by rule.

/// The commands of a script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// Each command's words, in order.
    pub commands: Vec<Vec<String>>,
    /// True when the script is only plain commands joined by `&&`, `||`, `;`, `|` or new
    /// lines, with quoted or unquoted words and nothing else.
    pub plain: bool,
}

/// Words that start a command without being it.
const KEYWORDS: [&str; 16] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time",
    "exec", "command", "nohup",
];

/// Splits `script` into its commands.
pub fn split(script: &str) -> Script {
    let mut reader = Reader::default();
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => reader.end_word(),
            '\n' | ';' => reader.end_command(true),
            '&' | '|' => {
                let doubled = chars.next_if_eq(&c).is_some();
                let pipe_both = c == '|' && chars.next_if_eq(&'&').is_some();
                reader.end_command(doubled || c == '|' && !pipe_both);
            }
            '(' | ')' | '`' => reader.end_command(false),
            '$' if chars.peek() == Some(&'(') => {
                chars.next();
                reader.end_command(false);
            }
            '>' | '<' => {
                // `2>`: the number before belongs to the redirection, and the next word
                // (`file`, or `1` in `2>&1`) is its target.
                if reader
                    .word
                    .as_deref()
                    .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
                {
                    reader.word = None;
                }
                while chars
                    .next_if(|n| matches!(n, '>' | '<' | '&' | '|'))
                    .is_some()
                {}
                reader.end_word();
                reader.skip_next_word = true;
                reader.plain = false;
            }
            '#' if reader.word.is_none() => while chars.next_if(|&n| n != '\n').is_some() {},
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(escaped) => reader.push(escaped),
            },
            '\'' => {
                reader.word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => reader.push(ch),
                        None => {
                            reader.plain = false;
                            break;
                        }
                    }
                }
            }
            '"' => {
                reader.word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            if let Some(escaped) = chars.next() {
                                reader.push(escaped);
                            }
                        }
                        Some(ch) => {
                            if matches!(ch, '$' | '`') {
                                reader.plain = false;
                            }
                            reader.push(ch);
                        }
                        None => {
                            reader.plain = false;
                            break;
                        }
                    }
                }
            }
            '$' | '*' | '?' | '[' | '~' | '{' | '}' | '!' => {
                reader.plain = false;
                reader.push(c);
            }
            other => reader.push(other),
        }
    }
    reader.end_command(true);
    Script {
        plain: reader.plain && !reader.commands.is_empty(),
        commands: reader.commands,
    }
}

struct Reader {
    commands: Vec<Vec<String>>,
    current: Vec<String>,
    word: Option<String>,
    /// The next word is a redirection's target, not an argument.
    skip_next_word: bool,
    plain: bool,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            commands: Vec::new(),
            current: Vec::new(),
            word: None,
            skip_next_word: false,
            plain: true,
        }
    }
}

impl Reader {
    fn push(&mut self, c: char) {
        self.word.get_or_insert_with(String::new).push(c);
    }

    fn end_word(&mut self) {
        let Some(word) = self.word.take() else {
            return;
        };
        if std::mem::take(&mut self.skip_next_word) {
            return;
        }
        let starts_command = self.current.is_empty();
        if starts_command && is_assignment(&word) {
            self.plain = false;
            return;
        }
        if starts_command && KEYWORDS.contains(&word.as_str()) {
            self.plain = false;
            return;
        }
        self.current.push(word);
    }

    /// Ends the current command; `plain_operator` is false for operators that make the
    /// script more than plain commands (`&`, `|&`, subshells, substitutions).
    fn end_command(&mut self, plain_operator: bool) {
        self.end_word();
        self.skip_next_word = false;
        if !plain_operator {
            self.plain = false;
        }
        if !self.current.is_empty() {
            self.commands.push(std::mem::take(&mut self.current));
        }
    }
}

/// `NAME=value` with a valid variable name.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The script of a shell wrapper (`bash -lc <script>`, `sh -c`, `zsh -c`, …), if `argv`
/// is one.
pub fn wrapped_script(argv: &[String]) -> Option<&str> {
    let program = argv.first()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    if !matches!(name, "bash" | "sh" | "zsh" | "dash" | "ksh") {
        return None;
    }
    let mut saw_c = false;
    for arg in &argv[1..] {
        match arg.strip_prefix('-') {
            // Long options (`--login`, `--noprofile`) take no part in finding the script.
            Some(long) if long.starts_with('-') && long.len() > 1 => {}
            Some(flags) if flags.chars().all(|c| c.is_ascii_alphabetic()) && !flags.is_empty() => {
                saw_c |= flags.contains('c');
            }
            _ => return saw_c.then_some(arg.as_str()),
        }
    }
    None
}

#[cfg(test)]
#[path = "script_tests.rs"]
mod tests;
