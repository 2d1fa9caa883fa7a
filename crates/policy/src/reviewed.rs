//! Reviewed paths: a change under given globs (deletions and renames included) needs a
//! trailer naming a reviewer; for a commit an AI assistant co-wrote, the reviewer named
//! must not be the assistant. Judged where a message exists: commit-msg, push, receive.
//! A commit counts as AI-written by its trailers, or, at commit-msg, by the staged lines
//! the agent hook recorded in those paths: dropping the trailer does not skip the review.

use globset::GlobSet;
use serde::Deserialize;
use tollgate_config::{Severity, Spanned};
use tollgate_core::{ChangeContext, Message, Status};

/// `[[policy.reviewed]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewedDef {
    pub id: Spanned<String>,
    /// Globs of the paths whose changes need a review.
    pub paths: Vec<Spanned<String>>,
    /// The trailer that names the reviewer (default `Reviewed-by`).
    #[serde(default = "reviewed_by")]
    pub trailer: String,
    /// `always` (default), or `ai`: only for commits an AI assistant co-wrote.
    #[serde(default)]
    pub when: When,
    #[serde(default)]
    pub severity: Severity,
    /// Shown with the finding (who reviews these paths, say).
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum When {
    #[default]
    Always,
    Ai,
}

fn reviewed_by() -> String {
    "Reviewed-by".to_string()
}

/// A reviewed-path rule ready to judge.
#[derive(Debug, Clone)]
pub struct ReviewedRule {
    pub id: String,
    pub paths: GlobSet,
    pub trailer: String,
    pub when: When,
    pub severity: Severity,
    pub help: Option<String>,
}

/// Trailers with which commits say an assistant wrote or helped write them.
const AI_TRAILERS: &[&str] = &["Co-authored-by", "Generated-by", "Assisted-by", "AI-assisted-by", "Made-with"];

/// Names and addresses of AI coding assistants as they sign commits (lowercase), with
/// the assistant each stands for (what an inventory counts commits by).
const AI_NAMES: &[(&str, &str)] = &[
    ("claude", "Claude"),
    ("anthropic.com", "Claude"),
    ("copilot", "GitHub Copilot"),
    ("cursor", "Cursor"),
    ("aider", "Aider"),
    ("codex", "Codex"),
    ("openai.com", "OpenAI"),
    ("chatgpt", "ChatGPT"),
    ("gemini", "Gemini"),
    ("jules", "Jules"),
    ("devin", "Devin"),
    ("windsurf", "Windsurf"),
    ("codeium", "Windsurf"),
    ("amazon q", "Amazon Q"),
    ("codewhisperer", "Amazon Q"),
    ("cline", "Cline"),
    ("roo code", "Roo Code"),
    ("tabnine", "Tabnine"),
    ("sourcegraph cody", "Cody"),
    ("[bot]", "bot"),
];

/// Whether a trailer key is one with which commits credit an assistant.
pub fn is_ai_trailer(key: &str) -> bool {
    AI_TRAILERS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// The assistant a trailer value names, if any. The name written first wins, so
/// `aider (claude-sonnet) <noreply@aider.chat>` is Aider running a Claude model.
pub fn assistant_named(value: &str) -> Option<&'static str> {
    let v = value.to_ascii_lowercase();
    AI_NAMES
        .iter()
        .filter_map(|(needle, name)| v.find(needle).map(|at| (at, usize::MAX - needle.len(), *name)))
        .min()
        .map(|(_, _, name)| name)
}

/// Whether a trailer value names an AI assistant.
pub fn names_an_assistant(value: &str) -> bool {
    assistant_named(value).is_some()
}

/// The assistants a message credits, by their trailer values.
pub fn assistants(message: &Message) -> Vec<&str> {
    message
        .trailers
        .iter()
        .filter(|t| is_ai_trailer(&t.key))
        .map(|t| t.value.as_str())
        .filter(|v| names_an_assistant(v))
        .collect()
}

/// What a rule found wrong with a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreviewed {
    /// The paths that needed a review (at most a few, for the report).
    pub paths: Vec<String>,
    pub reason: String,
}

impl ReviewedRule {
    /// Judges a change that has a message; `None` when the rule is satisfied.
    pub fn judge(&self, change: &ChangeContext) -> Option<Unreviewed> {
        let message = change.message.as_ref()?;
        let ai = assistants(message);
        let touched: Vec<String> = change
            .paths
            .iter()
            .filter(|p| {
                self.paths.is_match(&*p.path)
                    || matches!(&p.status, Status::Renamed { from } if self.paths.is_match(&**from))
            })
            .map(|p| p.path.to_string())
            .collect();
        if touched.is_empty() {
            return None;
        }
        let agent_wrote_here =
            change.provenance.as_ref().is_some_and(|p| touched.iter().any(|t| p.agent_paths.contains(t.as_str())));
        if self.when == When::Ai && ai.is_empty() && !agent_wrote_here {
            return None;
        }
        let who = if ai.is_empty() { "an AI agent wrote lines of these paths".to_string() } else { ai.join(", ") };
        let reviewers: Vec<&str> = message.trailer_values(&self.trailer).filter(|v| !v.trim().is_empty()).collect();
        let reason = if reviewers.is_empty() {
            let by_agent = if ai.is_empty() && agent_wrote_here { " (an AI agent wrote lines of them)" } else { "" };
            format!("needs a `{}:` trailer naming who reviewed it{by_agent}", self.trailer)
        } else if (!ai.is_empty() || agent_wrote_here) && reviewers.iter().all(|r| names_an_assistant(r)) {
            format!(
                "an AI assistant co-wrote this commit ({who}); the `{}:` trailer must name a person, not the assistant",
                self.trailer
            )
        } else {
            return None;
        };
        let mut paths = touched;
        paths.truncate(5);
        Some(Unreviewed { paths, reason })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tollgate_core::{FileMode, PathChange};

    use super::*;
    use crate::paths::glob_set;

    fn rule(when: When) -> ReviewedRule {
        ReviewedRule {
            id: "workflows".into(),
            paths: glob_set([".github/workflows/**"]).unwrap(),
            trailer: "Reviewed-by".into(),
            when,
            severity: Severity::Block,
            help: None,
        }
    }

    fn change(paths: &[(&str, Status)], message: &str) -> ChangeContext {
        ChangeContext {
            commit: None,
            message: Some(Arc::new(Message::new(message))),
            paths: paths
                .iter()
                .map(|(p, s)| PathChange {
                    path: (*p).into(),
                    status: s.clone(),
                    old_mode: None,
                    new_mode: Some(FileMode::REGULAR),
                })
                .collect(),
            provenance: None,
        }
    }

    #[test]
    fn a_change_under_the_globs_needs_the_trailer() {
        let c = change(&[(".github/workflows/ci.yml", Status::Modified)], "Tweak CI\n");
        assert!(rule(When::Always).judge(&c).unwrap().reason.contains("Reviewed-by"));
        let ok = change(&[(".github/workflows/ci.yml", Status::Modified)], "Tweak CI\n\nReviewed-by: Ana <a@x>\n");
        assert_eq!(rule(When::Always).judge(&ok), None);
        let elsewhere = change(&[("src/main.rs", Status::Modified)], "Code\n");
        assert_eq!(rule(When::Always).judge(&elsewhere), None);
    }

    #[test]
    fn deletions_and_renames_out_of_the_globs_count() {
        let deleted = change(&[(".github/workflows/ci.yml", Status::Deleted)], "Drop CI\n");
        assert!(rule(When::Always).judge(&deleted).is_some());
        let moved =
            change(&[("ci-old.yml", Status::Renamed { from: Arc::from(".github/workflows/ci.yml") })], "Move\n");
        assert!(rule(When::Always).judge(&moved).is_some());
    }

    #[test]
    fn an_assistant_cannot_review_its_own_commit() {
        let paths = [(".github/workflows/ci.yml", Status::Modified)];
        let m = "CI\n\nCo-authored-by: Claude <noreply@anthropic.com>\nReviewed-by: Claude <noreply@anthropic.com>\n";
        assert!(rule(When::Always).judge(&change(&paths, m)).unwrap().reason.contains("must name a person"));
        let m = "CI\n\nCo-authored-by: Claude <noreply@anthropic.com>\nReviewed-by: Ana <ana@example.com>\n";
        assert_eq!(rule(When::Always).judge(&change(&paths, m)), None);
    }

    #[test]
    fn ai_only_rules_ignore_commits_no_assistant_wrote() {
        let paths = [(".github/workflows/ci.yml", Status::Modified)];
        assert_eq!(rule(When::Ai).judge(&change(&paths, "CI\n")), None);
        let m = "CI\n\nCo-authored-by: GitHub Copilot <copilot@github.com>\n";
        assert!(rule(When::Ai).judge(&change(&paths, m)).is_some());
    }

    #[test]
    fn agent_written_lines_in_the_paths_count_without_a_trailer() {
        let paths = [(".github/workflows/ci.yml", Status::Modified), ("src/main.rs", Status::Modified)];
        let with_agent_lines_in = |path: &str| {
            let mut c = change(&paths, "CI\n");
            let mut p = tollgate_core::provenance::Provenance::default();
            p.agent_paths.insert(path.to_string());
            c.provenance = Some(Arc::new(p));
            c
        };
        let found = rule(When::Ai).judge(&with_agent_lines_in(".github/workflows/ci.yml")).unwrap();
        assert!(found.reason.contains("an AI agent wrote"), "{}", found.reason);
        assert_eq!(rule(When::Ai).judge(&with_agent_lines_in("src/main.rs")), None, "not in the reviewed paths");
        let mut reviewed_by_bot = with_agent_lines_in(".github/workflows/ci.yml");
        reviewed_by_bot.message = Some(Arc::new(Message::new("CI\n\nReviewed-by: Claude <noreply@anthropic.com>\n")));
        assert!(rule(When::Ai).judge(&reviewed_by_bot).unwrap().reason.contains("must name a person"));
    }

    #[test]
    fn no_message_no_judgement() {
        let mut c = change(&[(".github/workflows/ci.yml", Status::Modified)], "");
        c.message = None;
        assert_eq!(rule(When::Always).judge(&c), None);
    }

    #[test]
    fn the_assistant_named_first_in_a_trailer_is_the_one() {
        assert_eq!(assistant_named("Claude <noreply@anthropic.com>"), Some("Claude"));
        assert_eq!(assistant_named("aider (anthropic/claude-sonnet) <noreply@aider.chat>"), Some("Aider"));
        assert_eq!(assistant_named("copilot-swe-agent[bot] <x@users.noreply.github.com>"), Some("GitHub Copilot"));
        assert_eq!(assistant_named("Ana <ana@example.com>"), None);
        assert!(is_ai_trailer("generated-BY"));
        assert!(!is_ai_trailer("Reviewed-by"));
    }
}
