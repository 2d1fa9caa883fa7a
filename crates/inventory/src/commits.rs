//! Commits an AI assistant helped write, as their trailers say, and the share of
//! agent-written lines the audit log recorded for commits made here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Sort};
use serde::Serialize;
use serde_json::Value;
use tollgate_policy::reviewed;

use crate::InventoryError;

/// Commits over a revision range.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CommitStats {
    /// The range as given (`HEAD`, `main..topic`, ...).
    pub range: String,
    pub commits: usize,
    /// Commits with an AI co-author or generated-by trailer.
    pub ai_commits: usize,
    /// AI commits per assistant (a commit crediting two counts for both).
    pub by_assistant: BTreeMap<String, usize>,
    /// AI commits per top-level path they change (a file at the top is its own path).
    pub by_path: BTreeMap<String, usize>,
    /// AI commits per month of authorship (`YYYY-MM`, UTC).
    pub by_month: BTreeMap<String, usize>,
    pub lines: LineShare,
}

/// Agent-written lines, from the provenance the hooks recorded in the audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LineShare {
    /// Commits of the range whose tree has a record with provenance.
    pub commits_with_record: usize,
    /// Commits with no such record (made elsewhere, or before tollgate recorded it).
    pub commits_without_record: usize,
    pub added_lines: u64,
    pub agent_lines: u64,
    /// `agent_lines / added_lines`, `None` when no line was added.
    pub share: Option<f64>,
}

/// The commits of `range`: `A..B`, or one revision and its ancestors. An empty
/// repository (HEAD not born yet) has none.
pub fn commits_in(repo: &Repository, range: &str) -> Result<Vec<Oid>, InventoryError> {
    let bad = |source| InventoryError::Revision { range: range.to_string(), source };
    let unborn = matches!(repo.head(), Err(e) if e.code() == git2::ErrorCode::UnbornBranch);
    if range == "HEAD" && unborn {
        return Ok(Vec::new());
    }
    let mut walk = repo.revwalk().map_err(bad)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).map_err(bad)?;
    if range.contains("..") {
        walk.push_range(range).map_err(bad)?;
    } else {
        let commit = repo.revparse_single(range).and_then(|o| o.peel(ObjectType::Commit)).map_err(bad)?;
        walk.push(commit.id()).map_err(bad)?;
    }
    walk.collect::<Result<Vec<_>, _>>().map_err(bad)
}

/// The assistants a commit message credits: AI trailers as the policy check reads
/// them, and Aider's `aider: ` subject prefix.
pub fn credited_assistants(message: &str) -> BTreeSet<&'static str> {
    let mut out: BTreeSet<&'static str> = tollgate_core::trailers::parse(message)
        .iter()
        .filter(|t| reviewed::is_ai_trailer(&t.key))
        .filter_map(|t| reviewed::assistant_named(&t.value))
        .collect();
    if message.starts_with("aider: ") {
        out.insert("Aider");
    }
    out
}

/// Counts over `range`, with line shares from the audit log under `git_common_dir`.
pub fn commit_stats(repo: &Repository, range: &str) -> Result<CommitStats, InventoryError> {
    let ids = commits_in(repo, range)?;
    let provenance = provenance_by_tree(&repo.commondir().join("tollgate").join("audit.jsonl"));
    let mut stats = CommitStats { range: range.to_string(), commits: ids.len(), ..Default::default() };
    let git = |source| InventoryError::Git { what: "reading a commit".into(), source };
    for id in ids {
        let commit = repo.find_commit(id).map_err(git)?;
        match provenance.get(&commit.tree_id().to_string()) {
            Some(&(added, agent)) => {
                stats.lines.commits_with_record += 1;
                stats.lines.added_lines += added;
                stats.lines.agent_lines += agent;
            }
            None => stats.lines.commits_without_record += 1,
        }
        let message = String::from_utf8_lossy(commit.message_bytes());
        let assistants = credited_assistants(&message);
        if assistants.is_empty() {
            continue;
        }
        stats.ai_commits += 1;
        for a in assistants {
            *stats.by_assistant.entry(a.to_string()).or_default() += 1;
        }
        let when = commit.author().when().seconds();
        let day = tollgate_core::finding::rfc3339(when);
        *stats.by_month.entry(day[..7].to_string()).or_default() += 1;
        for path in top_level_paths(repo, &commit).map_err(git)? {
            *stats.by_path.entry(path).or_default() += 1;
        }
    }
    if stats.lines.added_lines > 0 {
        stats.lines.share = Some(stats.lines.agent_lines as f64 / stats.lines.added_lines as f64);
    }
    Ok(stats)
}

/// The first path component of every file a commit changes against its first parent.
fn top_level_paths(repo: &Repository, commit: &git2::Commit) -> Result<BTreeSet<String>, git2::Error> {
    let tree = commit.tree()?;
    let parent = match commit.parent(0) {
        Ok(p) => Some(p.tree()?),
        Err(_) => None,
    };
    let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), None)?;
    let mut out = BTreeSet::new();
    for delta in diff.deltas() {
        for file in [delta.new_file(), delta.old_file()] {
            if let Some(first) = file.path().and_then(|p| p.components().next()) {
                out.insert(first.as_os_str().to_string_lossy().into_owned());
            }
        }
    }
    Ok(out)
}

/// For each tree, the `(added_lines, agent_lines)` of the latest pre-commit or
/// commit-msg record that carries provenance for it. The log's rotated files are read
/// oldest first; lines that are not JSON, or lack the fields, are skipped: the log is
/// written by other tollgate versions too.
pub fn provenance_by_tree(log: &Path) -> HashMap<String, (u64, u64)> {
    let mut rotated: Vec<(usize, std::path::PathBuf)> = Vec::new();
    if let (Some(dir), Some(name)) = (log.parent(), log.file_name().and_then(|n| n.to_str())) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let file = e.file_name();
                let Some(n) = file.to_str().and_then(|f| f.strip_prefix(name)).and_then(|r| r.strip_prefix('.')) else {
                    continue;
                };
                if let Ok(n) = n.parse::<usize>() {
                    rotated.push((n, e.path()));
                }
            }
        }
    }
    // `.3` is older than `.1`, which is older than the live file.
    rotated.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut files: Vec<std::path::PathBuf> = rotated.into_iter().map(|(_, p)| p).collect();
    files.push(log.to_path_buf());
    let mut out = HashMap::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for line in text.lines() {
            let Ok(record) = serde_json::from_str::<Value>(line) else { continue };
            if !matches!(record.get("hook").and_then(Value::as_str), Some("pre-commit" | "commit-msg")) {
                continue;
            }
            let Some(tree) = record.get("tree").and_then(Value::as_str) else { continue };
            let Some(p) = record.get("provenance") else { continue };
            let (Some(added), Some(agent)) =
                (p.get("added_lines").and_then(Value::as_u64), p.get("agent_lines").and_then(Value::as_u64))
            else {
                continue;
            };
            out.insert(tree.to_string(), (added, agent.min(added)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assistants_are_credited_by_trailers_and_aider_subjects() {
        let m = "Add parser\n\nCo-authored-by: Claude <noreply@anthropic.com>\nGenerated-by: GitHub Copilot\n";
        assert_eq!(credited_assistants(m).into_iter().collect::<Vec<_>>(), vec!["Claude", "GitHub Copilot"]);
        assert_eq!(credited_assistants("aider: fix typo\n").into_iter().collect::<Vec<_>>(), vec!["Aider"]);
        assert!(credited_assistants("Fix\n\nCo-authored-by: Ana <ana@example.com>\n").is_empty());
        assert!(credited_assistants("Fix\n\nReviewed-by: Claude <noreply@anthropic.com>\n").is_empty());
    }

    #[test]
    fn the_latest_record_with_provenance_wins_across_rotated_files() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("audit.jsonl");
        let rec = |hook: &str, tree: &str, added: u64, agent: u64| {
            format!(
                "{}\n",
                serde_json::json!({"hook": hook, "tree": tree, "provenance": {"added_lines": added, "agent_lines": agent}})
            )
        };
        std::fs::write(dir.path().join("audit.jsonl.2"), rec("pre-commit", "t1", 10, 1)).unwrap();
        std::fs::write(dir.path().join("audit.jsonl.1"), rec("pre-commit", "t1", 10, 5) + "not json\n").unwrap();
        let live = rec("commit-msg", "t2", 4, 4)
            + &rec("pre-push", "t3", 9, 9)
            + "{\"hook\": \"pre-commit\", \"tree\": \"t4\"}\n"
            + &rec("pre-commit", "t2", 8, 2);
        std::fs::write(&log, live).unwrap();
        let got = provenance_by_tree(&log);
        assert_eq!(got.get("t1"), Some(&(10, 5)));
        assert_eq!(got.get("t2"), Some(&(8, 2)));
        assert_eq!(got.get("t3"), None, "only pre-commit and commit-msg records count");
        assert_eq!(got.get("t4"), None, "a record without provenance says nothing");
        assert!(provenance_by_tree(&dir.path().join("missing.jsonl")).is_empty());
    }

    /// Commits `files` on top of HEAD at `when` (seconds since the epoch).
    fn commit(repo: &Repository, files: &[(&str, &str)], message: &str, when: i64) -> Oid {
        let root = repo.workdir().unwrap().to_path_buf();
        let mut index = repo.index().unwrap();
        for (path, content) in files {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, content).unwrap();
            index.add_path(Path::new(path)).unwrap();
        }
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("T", "t@example.invalid", &git2::Time::new(when, 0)).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap()
    }

    #[test]
    fn stats_over_a_real_repository() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        assert_eq!(commit_stats(&repo, "HEAD").unwrap().commits, 0, "an empty repository has no commits");

        const JAN_2025: i64 = 1_736_000_000; // 2025-01-04
        const MAR_2025: i64 = 1_741_000_000; // 2025-03-03
        commit(&repo, &[("README.md", "x\n")], "Start", JAN_2025);
        commit(
            &repo,
            &[("notes.txt", "a\n"), ("src/a.rs", "a\n")],
            "A\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
            JAN_2025,
        );
        let last = commit(&repo, &[("src/b/c.rs", "c\n")], "B\n\nGenerated-by: Codex\n", MAR_2025);

        let tree = repo.find_commit(last).unwrap().tree_id().to_string();
        let log = repo.commondir().join("tollgate").join("audit.jsonl");
        std::fs::create_dir_all(log.parent().unwrap()).unwrap();
        let record =
            serde_json::json!({"hook": "pre-commit", "tree": tree, "provenance": {"added_lines": 4, "agent_lines": 1}});
        std::fs::write(&log, format!("{record}\n")).unwrap();

        let all = commit_stats(&repo, "HEAD").unwrap();
        assert_eq!((all.commits, all.ai_commits), (3, 2));
        assert_eq!(all.by_path.into_iter().collect::<Vec<_>>(), vec![("notes.txt".into(), 1), ("src".into(), 2)]);
        assert_eq!(all.by_month.into_iter().collect::<Vec<_>>(), vec![("2025-01".into(), 1), ("2025-03".into(), 1)]);
        assert_eq!(all.by_assistant.into_iter().collect::<Vec<_>>(), vec![("Claude".into(), 1), ("Codex".into(), 1)]);
        assert_eq!(
            all.lines,
            LineShare {
                commits_with_record: 1,
                commits_without_record: 2,
                added_lines: 4,
                agent_lines: 1,
                share: Some(0.25)
            }
        );

        let last_only = commit_stats(&repo, "HEAD~1..HEAD").unwrap();
        assert_eq!((last_only.commits, last_only.ai_commits), (1, 1));
        assert!(matches!(commit_stats(&repo, "nope..HEAD"), Err(InventoryError::Revision { .. })));
    }
}
