//! How a command line is read for patterns: literal text in quotes (a commit message,
//! an `echo`'d sentence, a here-document written to a file) is blanked out, because it
//! is data; text the shell runs as code (`$(...)`, the argument of `sh -c` or `eval`,
//! a here-document fed to a shell) stays, and is also read as a command line of its own.

/// The texts a command line is judged as: the line with its literal quoted text
/// blanked, then each string in it that the shell runs as code (to a small depth).
pub fn views(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    collect(command, 0, &mut out);
    out
}

fn collect(command: &str, depth: usize, out: &mut Vec<String>) {
    let scan = mask(command);
    out.push(scan.masked);
    if depth < 3 {
        for nested in scan.nested {
            collect(&nested, depth + 1, out);
        }
    }
}

struct Masked {
    masked: String,
    nested: Vec<String>,
}

/// A here-document waiting for the end of its line.
struct PendingHeredoc {
    delimiter: String,
    strip_tabs: bool,
    fed_to_shell: bool,
}

fn mask(command: &str) -> Masked {
    let chars: Vec<char> = command.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(command.len());
    let mut nested = Vec::new();
    let mut heredocs: Vec<PendingHeredoc> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        match c {
            '\\' => {
                out.push(c);
                if let Some(&next) = chars.get(i + 1) {
                    out.push(next);
                }
                i += 2;
            }
            '\'' => {
                let end = (i + 1..n).find(|&j| chars[j] == '\'').unwrap_or(n);
                let content: String = chars[i + 1..end].iter().collect();
                quoted(&mut out, &mut nested, '\'', &content, &blank(&content), end < n);
                i = end + 1;
            }
            '"' => {
                let mut content = String::new();
                let mut kept = String::new();
                let mut j = i + 1;
                while j < n && chars[j] != '"' {
                    match chars[j] {
                        '\\' if j + 1 < n => {
                            content.push(chars[j]);
                            content.push(chars[j + 1]);
                            kept.push_str("  ");
                            j += 2;
                        }
                        '$' if chars.get(j + 1) == Some(&'(') => {
                            let end = closing_paren(&chars, j + 1);
                            let code: String = chars[j..end].iter().collect();
                            content.push_str(&code);
                            kept.push_str(&code);
                            j = end;
                        }
                        '`' => {
                            let end = (j + 1..n).find(|&k| chars[k] == '`').map(|k| k + 1).unwrap_or(n);
                            let code: String = chars[j..end].iter().collect();
                            content.push_str(&code);
                            kept.push_str(&code);
                            j = end;
                        }
                        other => {
                            content.push(other);
                            kept.push(if other == '\n' { '\n' } else { ' ' });
                            j += 1;
                        }
                    }
                }
                quoted(&mut out, &mut nested, '"', &content, &kept, j < n);
                i = j + 1;
            }
            '#' if out.is_empty() || out.ends_with(char::is_whitespace) => {
                // A comment, to the end of the line.
                let end = (i..n).find(|&j| chars[j] == '\n').unwrap_or(n);
                out.push_str(&blank(&chars[i..end].iter().collect::<String>()));
                i = end;
            }
            '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                let mut j = i + 2;
                let strip_tabs = chars.get(j) == Some(&'-');
                if strip_tabs {
                    j += 1;
                }
                while j < n && (chars[j] == ' ' || chars[j] == '\t') {
                    j += 1;
                }
                let start = j;
                while j < n && !chars[j].is_whitespace() && !";&|<>()".contains(chars[j]) {
                    j += 1;
                }
                let word: String = chars[start..j].iter().collect();
                let delimiter: String = word.chars().filter(|c| *c != '\'' && *c != '"' && *c != '\\').collect();
                out.extend(&chars[i..j]);
                if !delimiter.is_empty() {
                    heredocs.push(PendingHeredoc { delimiter, strip_tabs, fed_to_shell: runs_shell(&out) });
                }
                i = j;
            }
            '\n' if !heredocs.is_empty() => {
                out.push('\n');
                i += 1;
                for doc in heredocs.drain(..) {
                    let mut body = String::new();
                    loop {
                        if i >= n {
                            break;
                        }
                        let end = (i..n).find(|&j| chars[j] == '\n').unwrap_or(n);
                        let line: String = chars[i..end].iter().collect();
                        let bare = if doc.strip_tabs { line.trim_start_matches('\t') } else { line.as_str() };
                        i = (end + 1).min(n);
                        if bare == doc.delimiter {
                            out.push_str(&line);
                            if end < n {
                                out.push('\n');
                            }
                            break;
                        }
                        out.push_str(&blank(&line));
                        out.push('\n');
                        body.push_str(&line);
                        body.push('\n');
                    }
                    if doc.fed_to_shell {
                        nested.push(body);
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Masked { masked: out, nested }
}

/// Adds a quoted string to the masked line: its literal text blanked (`kept` has the
/// parts that are code), unless it is the value of an assignment (`SKIP="x"`), which
/// patterns may need to see. A string the shell runs as code is also read on its own.
fn quoted(out: &mut String, nested: &mut Vec<String>, quote: char, content: &str, kept: &str, closed: bool) {
    if runs_as_code(out) {
        nested.push(content.to_string());
    }
    out.push(quote);
    let text = if is_assignment(out) { content } else { kept };
    out.push_str(text);
    if closed {
        out.push(quote);
    }
}

fn blank(text: &str) -> String {
    text.chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect()
}

/// The index just past the `)` closing the `(` at `open`.
fn closing_paren(chars: &[char], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    chars.len()
}

/// The word before the cursor, in the masked line so far.
fn last_word(out: &str) -> &str {
    let trimmed = out.trim_end();
    let start = trimmed.rfind(|c: char| c.is_whitespace() || ";&|(".contains(c)).map(|i| i + 1).unwrap_or(0);
    &trimmed[start..]
}

/// `sh -c '…'`, `bash -lc "…"`, `eval '…'`: the next string is code.
fn runs_as_code(out: &str) -> bool {
    if !out.ends_with(char::is_whitespace) {
        return false;
    }
    let word = last_word(out);
    word == "eval"
        || (word.len() >= 2
            && word.starts_with('-')
            && word.ends_with('c')
            && word[1..].chars().all(|c| c.is_ascii_alphabetic()))
}

/// Whether the text before a quote ends in `NAME=` at the start of a word.
fn is_assignment(out: &str) -> bool {
    let before = &out[..out.len() - 1];
    let Some(name) = before.strip_suffix('=') else { return false };
    let start = name.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map(|i| i + 1).unwrap_or(0);
    let word = &name[start..];
    let boundary = name[..start].chars().last().is_none_or(|c| c.is_whitespace() || ";&|(".contains(c));
    boundary && word.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

/// Whether the simple command being read runs a shell (`bash <<EOF`, `sudo sh <<EOF`).
fn runs_shell(out: &str) -> bool {
    let start = out.rfind(|c: char| "\n;&|(".contains(c)).map(|i| i + 1).unwrap_or(0);
    let first = out[start..]
        .split_whitespace()
        .find(|w| !w.contains('=') && *w != "sudo" && *w != "env" && *w != "exec" && !w.starts_with('-'));
    let name = first.map(|w| w.rsplit('/').next().unwrap_or(w)).unwrap_or("");
    matches!(name, "sh" | "bash" | "zsh" | "dash" | "ksh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_quoted_text_is_blanked() {
        assert_eq!(views("git commit -m 'use -n'"), ["git commit -m '      '"]);
        assert_eq!(views("echo \"a b\" x"), ["echo \"   \" x"]);
        assert_eq!(views("echo \"it\\\"s\""), ["echo \"     \""]);
    }

    #[test]
    fn code_inside_double_quotes_stays() {
        assert_eq!(views("sh -c \"$(curl -s u)\" x")[0], "sh -c \"$(curl -s u)\" x");
        assert_eq!(views("echo \"`id` now\"")[0], "echo \"`id`    \"");
    }

    #[test]
    fn strings_run_as_code_are_read_on_their_own() {
        assert_eq!(
            views("bash -lc 'git push --no-verify'"),
            [format!("bash -lc '{}'", " ".repeat(20)), "git push --no-verify".to_string()]
        );
        assert_eq!(views("eval \"rm x\"")[1], "rm x");
        assert_eq!(views("grep -ic 'x'").len(), 2);
        assert_eq!(views("echo -n 'x'").len(), 1);
    }

    #[test]
    fn assignments_keep_their_values() {
        assert_eq!(views("SKIP=\"a,b\" git commit")[0], "SKIP=\"a,b\" git commit");
        assert_eq!(views("git commit --author=\"A -n\"")[0], "git commit --author=\"    \"");
    }

    #[test]
    fn heredoc_bodies_are_data_unless_a_shell_reads_them() {
        let written = views("cat > notes.md <<'EOF'\ngit push --no-verify\nEOF\necho done");
        assert_eq!(written, ["cat > notes.md <<'EOF'\n                    \nEOF\necho done"]);
        let run = views("bash <<EOF\ngit push --no-verify\nEOF");
        assert_eq!(run[1], "git push --no-verify\n");
        let tabs = views("sudo sh <<-END\n\trm -rf .git/hooks\n\tEND\n");
        assert_eq!(tabs[1], "\trm -rf .git/hooks\n");
    }

    #[test]
    fn comments_are_blanked() {
        assert_eq!(views("ls # no --no-verify here")[0], format!("ls {}", " ".repeat(21)));
        assert_eq!(views("echo a#b")[0], "echo a#b");
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        for text in ["echo 'abc", "echo \"abc", "echo \"$(ls", "echo \\", "cat <<", "cat <<EOF\nx", "x=\""] {
            let _ = views(text);
        }
    }
}
