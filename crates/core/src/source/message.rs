//! The message being written (commit-msg): read from the file git passes, cut where git
//! cuts it, so the judgement sees what the commit will hold — no more (the diff that
//! `git commit -v` shows below the scissors line is not part of the message), and no
//! less (comment lines are kept unless git is known to strip them).

use std::path::Path;

use crate::change::Message;

/// The scissors line after its comment character.
const SCISSORS: &str = " ------------------------ >8 ------------------------";

/// What git will do with the message file, from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleanup {
    /// `core.commentChar` (or `core.commentString`); `auto` is resolved per message.
    pub comment: CommentChar,
    /// `commit.cleanup`: `strip`, `whitespace`, `verbatim`, `scissors` or `default`.
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentChar {
    Fixed(String),
    /// Git picks the first of `#;@!$%^&|:` that starts no line of the message.
    Auto,
}

impl Default for Cleanup {
    fn default() -> Cleanup {
        Cleanup { comment: CommentChar::Fixed("#".into()), mode: "default".into() }
    }
}

impl Cleanup {
    /// Reads `core.commentChar` / `core.commentString` and `commit.cleanup`.
    pub fn from_config(config: &git2::Config) -> Cleanup {
        let comment = config
            .get_string("core.commentString")
            .or_else(|_| config.get_string("core.commentChar"))
            .ok()
            .filter(|c| !c.is_empty());
        let comment = match comment.as_deref() {
            None => CommentChar::Fixed("#".into()),
            Some("auto") => CommentChar::Auto,
            Some(c) => CommentChar::Fixed(c.to_string()),
        };
        let mode = config.get_string("commit.cleanup").unwrap_or_else(|_| "default".into());
        Cleanup { comment, mode }
    }

    fn comment_for(&self, text: &str) -> String {
        match &self.comment {
            CommentChar::Fixed(c) => c.clone(),
            CommentChar::Auto => {
                const CANDIDATES: &str = "#;@!$%^&|:";
                // The scissors line, when there is one, carries the character git chose.
                let from_scissors = text.lines().find_map(|l| {
                    let c = l.strip_suffix(SCISSORS)?;
                    (c.chars().count() == 1 && CANDIDATES.contains(c)).then(|| c.to_string())
                });
                from_scissors.unwrap_or_else(|| {
                    CANDIDATES.chars().find(|c| !text.lines().any(|l| l.starts_with(*c))).unwrap_or('#').to_string()
                })
            }
        }
    }
}

/// The message in `raw` as the commit will hold it. Git's hook cannot tell whether the
/// editor ran (`-m` and `-F` keep comment lines under the default cleanup), so comment
/// lines are kept — a security check judges too much rather than too little — except
/// with `commit.cleanup = strip`. Everything from the scissors line down is dropped
/// unless the cleanup is `verbatim`.
pub fn clean_message(raw: &str, cleanup: &Cleanup) -> String {
    let comment = cleanup.comment_for(raw);
    let scissors = format!("{comment}{SCISSORS}");
    let mut out = String::with_capacity(raw.len());
    for line in raw.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if cleanup.mode != "verbatim" && bare == scissors {
            break;
        }
        if cleanup.mode == "strip" && bare.starts_with(&comment) {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Reads the message file git passes to commit-msg.
pub fn read_message(file: &Path, cleanup: &Cleanup) -> std::io::Result<Message> {
    let bytes = std::fs::read(file)?;
    let raw = String::from_utf8_lossy(&bytes);
    Ok(Message::new(clean_message(&raw, cleanup)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERBOSE: &str = "Remove the key\n\n# Please enter the commit message.\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/k b/k\n-aws_secret = \"x\"\n";

    #[test]
    fn the_diff_below_the_scissors_is_not_the_message() {
        let m = clean_message(VERBOSE, &Cleanup::default());
        assert_eq!(m, "Remove the key\n\n# Please enter the commit message.\n");
        let verbatim = Cleanup { mode: "verbatim".into(), ..Cleanup::default() };
        assert_eq!(clean_message(VERBOSE, &verbatim), VERBOSE);
    }

    #[test]
    fn the_comment_character_is_gits() {
        let semi = Cleanup { comment: CommentChar::Fixed(";".into()), mode: "strip".into() };
        let raw =
            "Subject\n; a comment\n# not a comment\n; ------------------------ >8 ------------------------\ndiff\n";
        assert_eq!(clean_message(raw, &semi), "Subject\n# not a comment\n");
        // With `#` as the comment character, a `;` scissors line is just text.
        let hash = Cleanup::default();
        assert!(clean_message(raw, &hash).contains("diff"));
    }

    #[test]
    fn auto_picks_a_character_no_line_starts_with() {
        let auto = Cleanup { comment: CommentChar::Auto, mode: "default".into() };
        let raw = "#123 fixed\n\n; ------------------------ >8 ------------------------\ndiff\n";
        assert_eq!(clean_message(raw, &auto), "#123 fixed\n\n");
    }
}
