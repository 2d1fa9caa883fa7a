//! The agent hook's audit records: one per tool call it judges, in the repository the
//! call works in, with the decision, the rule ids behind it and, for an allowed file
//! write, keyed digests of the lines it adds. Pre-commit later digests the staged lines
//! the same way and so recognises the ones the agent wrote, with or without a trailer.
//! Never content: see `tollgate_core::provenance` for why the digests are keyed.

use std::path::Path;

use git2::Repository;
use serde::Deserialize;
use tollgate_core::audit::{AgentCall, AuditLog, AuditRecord};
use tollgate_core::provenance::ProvenanceKey;

use crate::event::{Event, ToolCall};
use crate::{absolute_path, locate, Decision, ScannerSource};

/// The reason recorded when a write to one of tollgate's own controls is refused
/// (`.tollgate.toml`, baselines, Claude settings, `.git/config`, `.git/hooks`, …).
pub const CONTROL_REASON: &str = "tollgate-control-changed";

/// The reason recorded for a command the hook could not judge with confidence.
pub const UNCERTAIN_REASON: &str = "command-uncertain";

/// Records one judged tool call in the audit log of its repository, when it is in
/// one and the policy keeps the log. A failure to record is reported on stderr and
/// changes nothing: the decision stands.
pub fn record(
    input: &[u8],
    event: &Event,
    decision: &Decision,
    reasons: &[String],
    scanners: &dyn ScannerSource,
    fallback_dir: Option<&Path>,
) {
    let Event::PreToolUse { cwd, tool } = event else { return };
    let base = cwd.as_deref().or(fallback_dir);
    let (repo, tool_name, path, file) = match tool {
        ToolCall::FileChange { tool, path, .. } => {
            let absolute = absolute_path(path, base);
            let (repo, shown) = locate(&absolute);
            (repo, tool.as_str(), Some(shown), Some(absolute))
        }
        ToolCall::Bash { .. } => (base.and_then(|d| Repository::discover(d).ok()), "Bash", None, None),
        ToolCall::Other { .. } => return,
    };
    let Some(repo) = repo else { return };
    if !scanners.audit_log(&repo) {
        return;
    }
    let allowed = matches!(decision, Decision::Allow);
    let lines = match (tool, file) {
        // A denied write never lands (and often holds a secret): no digest of it.
        (ToolCall::FileChange { texts, change, .. }, Some(file)) if allowed => {
            match ProvenanceKey::load_or_create(repo.commondir()) {
                Ok(key) => {
                    added_lines(&file, texts, change.as_ref()).iter().flat_map(|t| key.digests_of_lines(t)).collect()
                }
                Err(e) => {
                    eprintln!("tollgate: warning: {e}");
                    Vec::new()
                }
            }
        }
        _ => Vec::new(),
    };
    let call = AgentCall {
        session: session_id(input).unwrap_or_default(),
        tool: tool_name.to_string(),
        path,
        decision: match decision {
            Decision::Allow => "allow",
            Decision::Ask(_) => "ask",
            Decision::Deny(_) => "deny",
        }
        .to_string(),
        reasons: reasons.to_vec(),
        lines,
    };
    let root = repo.workdir().unwrap_or_else(|| repo.path());
    let record = AuditRecord::of_agent(root, call, env!("CARGO_PKG_VERSION"));
    let log = AuditLog::in_git_dir(repo.commondir());
    if let Err(e) = log.append(&record) {
        eprintln!("tollgate: warning: cannot write the audit log {}: {e}", log.path().display());
    }
}

/// The text a file write adds: the lines of the file as it will be that it is not
/// now (a line diff), or the call's texts when the file cannot be computed (a
/// notebook cell, an edit whose old text is not in the file).
fn added_lines(file: &Path, texts: &[String], change: Option<&crate::event::Change>) -> Vec<String> {
    let as_it_will_be = change.and_then(|c| {
        let current = match std::fs::read(file) {
            Ok(bytes) => Some(String::from_utf8(bytes).ok()?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => return None,
        };
        c.apply(current.as_deref()).map(|new| (current, new))
    });
    match as_it_will_be {
        Some((None, new)) => vec![new],
        Some((Some(old), new)) => tollgate_core::source::added_regions(old.as_bytes(), new.as_bytes())
            .into_iter()
            .map(|r| new[r.start..r.end].to_string())
            .collect(),
        None => texts.to_vec(),
    }
}

/// The payload's `session_id` (Claude Code sends one with every event).
fn session_id(input: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Session {
        session_id: Option<String>,
    }
    serde_json::from_slice::<Session>(input).ok()?.session_id
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tollgate_core::{Scanner, Suppressions};

    use super::*;
    use crate::{answer, BoxError};

    /// A policy with the audit log on and no checks.
    struct Logging;
    impl ScannerSource for Logging {
        fn scanner(&self, _: Option<&Repository>) -> Result<Scanner, BoxError> {
            Ok(Scanner::new(Vec::new(), Suppressions::default(), 1 << 20))
        }
        fn audit_log(&self, _: &Repository) -> bool {
            true
        }
    }

    fn call(dir: &Path, tool: &str, input: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&json!({"session_id": "sess-1", "hook_event_name": "PreToolUse", "cwd": dir,
            "tool_name": tool, "tool_input": input}))
        .unwrap()
    }

    fn agent_records(repo: &Repository) -> Vec<AgentCall> {
        AuditLog::in_git_dir(repo.commondir()).records().into_iter().filter_map(|r| r.agent).collect()
    }

    #[test]
    fn a_write_records_digests_of_its_lines_never_the_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init(tmp.path()).unwrap();
        let content = "def handler(event):\n    return process(event)\n}\n";
        let a =
            answer(&call(tmp.path(), "Write", json!({"file_path": "src/app.py", "content": content})), &Logging, None);
        assert_eq!(a.decision, Decision::Allow);
        let calls = agent_records(&repo);
        assert_eq!(calls.len(), 1);
        let c = &calls[0];
        assert_eq!((c.session.as_str(), c.tool.as_str(), c.decision.as_str()), ("sess-1", "Write", "allow"));
        assert_eq!(c.path.as_deref(), Some("src/app.py"));
        let key = ProvenanceKey::load(repo.commondir()).unwrap().unwrap();
        assert_eq!(c.lines, key.digests_of_lines(content));
        assert_eq!(c.lines.len(), 2, "the brace says nothing");
        let log = std::fs::read_to_string(AuditLog::in_git_dir(repo.commondir()).path()).unwrap();
        assert!(!log.contains("handler") && !log.contains("process"), "{log}");
    }

    #[test]
    fn an_edit_records_only_the_lines_it_adds() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init(tmp.path()).unwrap();
        std::fs::write(tmp.path().join("lib.rs"), "fn kept() {}\nfn old_one() {}\n").unwrap();
        let edit = json!({"file_path": "lib.rs", "old_string": "fn old_one() {}", "new_string": "fn new_one() {}"});
        answer(&call(tmp.path(), "Edit", edit), &Logging, None);
        let key = ProvenanceKey::load(repo.commondir()).unwrap().unwrap();
        assert_eq!(agent_records(&repo)[0].lines, key.digests_of_lines("fn new_one() {}"));
    }

    #[test]
    fn denials_record_their_reasons_and_no_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init(tmp.path()).unwrap();
        answer(&call(tmp.path(), "Bash", json!({"command": "git push --no-verify"})), &Logging, None);
        let hook = repo.path().join("hooks/pre-commit");
        answer(&call(tmp.path(), "Write", json!({"file_path": hook, "content": "exit 0\n"})), &Logging, None);
        let calls = agent_records(&repo);
        assert_eq!(calls.len(), 2);
        assert_eq!(
            (calls[0].tool.as_str(), calls[0].decision.as_str(), calls[0].path.as_deref()),
            ("Bash", "deny", None)
        );
        assert!(!calls[0].reasons.is_empty());
        assert_eq!(calls[1].reasons, [CONTROL_REASON]);
        assert!(calls[1].lines.is_empty());
    }

    #[test]
    fn nothing_is_recorded_when_the_log_is_off_or_outside_a_repository() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init(tmp.path().join("r")).unwrap();
        let off = |_: Option<&Repository>| -> Result<Scanner, BoxError> {
            Ok(Scanner::new(Vec::new(), Suppressions::default(), 1 << 20))
        };
        answer(
            &call(&tmp.path().join("r"), "Write", json!({"file_path": "a.txt", "content": "some text"})),
            &off,
            None,
        );
        assert!(agent_records(&repo).is_empty());
        assert!(ProvenanceKey::load(repo.commondir()).unwrap().is_none());
        let outside = tmp.path().join("not-a-repo");
        std::fs::create_dir(&outside).unwrap();
        let a = answer(&call(&outside, "Write", json!({"file_path": "a.txt", "content": "some text"})), &Logging, None);
        assert_eq!(a.decision, Decision::Allow);
    }
}
