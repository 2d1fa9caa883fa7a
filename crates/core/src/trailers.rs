//! Commit-message trailers (`Reviewed-by: …`, `Co-authored-by: …`), found the way
//! `git interpret-trailers` finds them: in the last paragraph of the message, which
//! must not be the subject, and which is either all trailers or at least a quarter
//! trailers with one that git itself writes (`Signed-off-by:`, `(cherry picked from`).

use serde::Serialize;

/// One `Key: value` trailer. Continuation lines are joined with a space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trailer {
    pub key: String,
    pub value: String,
}

/// Trailers git itself adds; their presence lets a block that is mostly prose count.
const GIT_GENERATED: &[&str] = &["Signed-off-by: ", "(cherry picked from commit "];

/// The trailers of `message` (already cleaned of comment lines).
pub fn parse(message: &str) -> Vec<Trailer> {
    let lines: Vec<&str> = message.lines().map(|l| l.trim_end_matches('\r')).collect();
    // The message ends at a `---` divider (a patch follows) or at its last non-blank line.
    let mut end = lines.iter().position(|l| *l == "---" || l.starts_with("--- ")).unwrap_or(lines.len());
    while end > 0 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    let start = match lines[..end].iter().rposition(|l| l.trim().is_empty()) {
        Some(blank) => blank + 1,
        None => return Vec::new(), // one paragraph: the subject, never trailers
    };
    let block = &lines[start..end];
    let mut trailers: Vec<Trailer> = Vec::new();
    let (mut trailer_lines, mut other_lines, mut git_generated) = (0usize, 0usize, false);
    for line in block {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = trailers.last_mut() {
                last.value.push(' ');
                last.value.push_str(line.trim());
                continue;
            }
        }
        git_generated |= GIT_GENERATED.iter().any(|g| line.starts_with(g));
        match split_trailer(line) {
            Some(t) => {
                trailer_lines += 1;
                trailers.push(t);
            }
            None => other_lines += 1,
        }
    }
    let all = trailer_lines > 0 && other_lines == 0;
    let enough = git_generated && trailer_lines * 3 >= other_lines;
    if all || enough {
        trailers
    } else {
        Vec::new()
    }
}

/// `Token: value`, where the token is letters, digits and `-` (spaces may stand before
/// the colon, as git allows).
fn split_trailer(line: &str) -> Option<Trailer> {
    let colon = line.find(':')?;
    let key = line[..colon].trim_end();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    Some(Trailer { key: key.to_string(), value: line[colon + 1..].trim().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(message: &str) -> Vec<(String, String)> {
        parse(message).into_iter().map(|t| (t.key, t.value)).collect()
    }

    #[test]
    fn the_last_paragraph_of_trailers_is_read() {
        let m = "Fix the thing\n\nLonger text: with a colon.\n\nReviewed-by: Ana <ana@example.com>\nCo-authored-by: Claude <noreply@anthropic.com>\n";
        assert_eq!(
            keys(m),
            vec![
                ("Reviewed-by".into(), "Ana <ana@example.com>".into()),
                ("Co-authored-by".into(), "Claude <noreply@anthropic.com>".into())
            ]
        );
    }

    #[test]
    fn a_subject_alone_is_not_a_trailer() {
        assert!(parse("Fix: the thing\n").is_empty());
        assert!(parse("Fix: the thing\nReviewed-by: x\n").is_empty());
    }

    #[test]
    fn a_paragraph_with_prose_is_not_trailers_unless_git_wrote_one() {
        assert!(parse("Subject\n\nThis is prose.\nReviewed-by: x\n").is_empty());
        let m = "Subject\n\nSome prose here\nSigned-off-by: A <a@b>\n";
        assert_eq!(keys(m), vec![("Signed-off-by".into(), "A <a@b>".into())]);
    }

    #[test]
    fn continuation_lines_trailing_blanks_and_dividers() {
        let m = "S\n\nNote: first part\n  second part\nAcked-by : B\n\n\n---\ndiff\n";
        assert_eq!(keys(m), vec![("Note".into(), "first part second part".into()), ("Acked-by".into(), "B".into())]);
    }

    #[test]
    fn keys_with_spaces_are_not_tokens() {
        assert!(parse("S\n\nSee also: x\n").is_empty());
    }
}
