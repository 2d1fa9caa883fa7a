//! The audit log: one JSON line per hook run under the repository's git directory
//! (`tollgate/audit.jsonl`), size-bounded with rotation. It holds no secret, only
//! rule ids, counts and fingerprints, and lets pre-push tell which commits were made
//! without a local check.

use std::collections::{BTreeMap, HashSet};
use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Outcome;

/// One hook run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditRecord {
    /// RFC 3339, UTC.
    pub time: String,
    pub hook: String,
    pub repository: String,
    /// The tree a pre-commit run judged (what the commit will hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// The commits a push, receive or history run judged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<String>,
    /// `clean`, `blocked` or `error`.
    pub result: String,
    /// Findings reported, by rule.
    pub counts: BTreeMap<String, usize>,
    pub fingerprints: Vec<String>,
    /// Suppressions, by kind (inline, policy, baseline).
    #[serde(default)]
    pub suppressed: BTreeMap<String, usize>,
    pub version: String,
}

impl AuditRecord {
    /// A record of a run's outcome.
    pub fn of(hook: &str, repository: &Path, outcome: &Outcome, version: &str) -> AuditRecord {
        let mut counts = BTreeMap::new();
        for f in &outcome.findings {
            *counts.entry(f.rule.to_string()).or_insert(0) += 1;
        }
        let mut suppressed = BTreeMap::new();
        for s in &outcome.suppressed {
            *suppressed.entry(s.by.as_str().to_string()).or_insert(0) += 1;
        }
        let result = if !outcome.errors.is_empty() {
            "error"
        } else if outcome.blocks() {
            "blocked"
        } else {
            "clean"
        };
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        AuditRecord {
            time: crate::finding::rfc3339(now as i64),
            hook: hook.to_string(),
            repository: repository.display().to_string(),
            tree: None,
            commits: outcome.commit_ids.clone(),
            result: result.to_string(),
            counts,
            fingerprints: outcome.findings.iter().map(|f| f.fingerprint.clone()).collect(),
            suppressed,
            version: version.to_string(),
        }
    }
}

/// The log file and its rotation policy.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
    max_bytes: u64,
    keep: usize,
}

impl AuditLog {
    /// The log of a repository whose common git directory is `git_dir`: 1 MiB per
    /// file, three rotated files kept.
    pub fn in_git_dir(git_dir: &Path) -> AuditLog {
        AuditLog { path: git_dir.join("tollgate").join("audit.jsonl"), max_bytes: 1024 * 1024, keep: 3 }
    }

    pub fn with_limits(mut self, max_bytes: u64, keep: usize) -> AuditLog {
        self.max_bytes = max_bytes;
        self.keep = keep.max(1);
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn rotated(&self, n: usize) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    /// Appends one record, rotating first when the file is full.
    pub fn append(&self, record: &AuditRecord) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0) >= self.max_bytes {
            for n in (1..self.keep).rev() {
                let from = self.rotated(n);
                if from.exists() {
                    std::fs::rename(&from, self.rotated(n + 1))?;
                }
            }
            std::fs::rename(&self.path, self.rotated(1))?;
        }
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        // One write of a whole line with O_APPEND: concurrent hooks do not interleave.
        OpenOptions::new().create(true).append(true).open(&self.path)?.write_all(&line)
    }

    /// Every record, oldest file first. Lines that do not parse are skipped.
    pub fn records(&self) -> Vec<AuditRecord> {
        let mut files: Vec<PathBuf> = (1..=self.keep).rev().map(|n| self.rotated(n)).collect();
        files.push(self.path.clone());
        let mut out = Vec::new();
        for f in files {
            let Ok(file) = std::fs::File::open(&f) else { continue };
            for line in std::io::BufReader::new(file).lines().map_while(Result::ok) {
                if let Ok(r) = serde_json::from_str::<AuditRecord>(&line) {
                    out.push(r);
                }
            }
        }
        out
    }

    /// The commits of `list` whose tree no pre-commit run recorded as clean (made with
    /// `--no-verify`, or before tollgate was installed), as `short-id summary` lines.
    pub fn unchecked_commits(&self, repo: &git2::Repository, list: &[git2::Oid]) -> Vec<String> {
        let clean = self.clean_trees();
        list.iter()
            .filter_map(|&c| repo.find_commit(c).ok())
            .filter(|c| !clean.contains(&c.tree_id().to_string()))
            .map(|c| {
                let summary = String::from_utf8_lossy(c.summary_bytes().unwrap_or(b"")).into_owned();
                format!("{} {summary}", &c.id().to_string()[..12])
            })
            .collect()
    }

    /// Trees that a pre-commit run judged clean.
    pub fn clean_trees(&self) -> HashSet<String> {
        self.records()
            .into_iter()
            .filter(|r| r.hook == "pre-commit" && r.result == "clean")
            .filter_map(|r| r.tree)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(tree: &str) -> AuditRecord {
        let mut r = AuditRecord::of("pre-commit", Path::new("/repo"), &Outcome::default(), "0.1.0");
        r.tree = Some(tree.to_string());
        r
    }

    #[test]
    fn appends_reads_and_rotates_within_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_git_dir(dir.path()).with_limits(300, 2);
        for i in 0..20 {
            log.append(&record(&format!("tree{i}"))).unwrap();
        }
        let total: u64 = [log.path().to_path_buf(), log.rotated(1), log.rotated(2)]
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        assert!(total < 3 * 600, "the log grew to {total} bytes");
        assert!(!log.rotated(3).exists());
        let trees = log.clean_trees();
        assert!(trees.contains("tree19"));
        assert!(!trees.contains("tree0"), "the oldest records rotate away");
    }

    #[test]
    fn records_hold_counts_not_secrets() {
        let r = record("t");
        assert_eq!(r.result, "clean");
        let line = serde_json::to_string(&r).unwrap();
        assert!(line.contains("\"hook\":\"pre-commit\""));
    }
}
