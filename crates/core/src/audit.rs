//! The audit log: one JSON line per hook run under the repository's git directory
//! (`tollgate/audit.jsonl`), size-bounded with rotation. It holds no secret, only
//! rule ids, counts, fingerprints and keyed line digests; it lets pre-push tell which
//! commits were made without a local check, and pre-commit which staged lines an agent
//! wrote. The format is versioned ([`FORMAT`]) and documented in `docs/audit-log.md`;
//! a line without `format` is format 1, and every field added since is optional.

use std::collections::{BTreeMap, HashSet};
use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Outcome;
use crate::provenance::{AgentLines, Provenance, CLAUDE_CODE};
use crate::suppress::SuppressedBy;

/// The format this version writes. 1: the first fields (no `format` key); 2: adds
/// `format`, `checks`, `blocked_rules`, `unchecked_commits`, `suppressions_added`,
/// `paths`, `agent` and `provenance`.
pub const FORMAT: u32 = 2;

/// At most this many paths are listed in a record's `paths` (the most frequent).
pub const MAX_PATHS: usize = 50;

/// The hook name of records the agent hook writes.
pub const AGENT_HOOK: &str = "agent";

/// One hook run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditRecord {
    /// [`FORMAT`] when written by this version; absent in format-1 lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<u32>,
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
    /// Findings (blocks and warnings) by check, then by rule.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, BTreeMap<String, usize>>,
    /// Rules whose findings blocked this run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_rules: Vec<String>,
    /// Pre-push and pre-receive: commits made without a local check that this run
    /// judged (full hex ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked_commits: Vec<String>,
    /// Pre-commit and pre-push: suppressions this change adds, by kind.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suppressions_added: BTreeMap<String, usize>,
    /// Findings by path, the [`MAX_PATHS`] most frequent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub paths: BTreeMap<String, usize>,
    /// Records of the agent hook: the tool call judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentCall>,
    /// Pre-commit and commit-msg: how many staged added lines an agent wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// One tool call the agent hook judged: never its content, only keyed digests of the
/// lines it adds (see [`crate::provenance`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AgentCall {
    pub session: String,
    pub tool: String,
    /// Repository-relative path of the file written (`null` for commands).
    pub path: Option<String>,
    /// `allow`, `deny` or `ask`.
    pub decision: String,
    /// Rule ids (or command rule ids) behind the decision.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Digests of the lines the call adds (16 hex digits each).
    #[serde(default)]
    pub lines: Vec<String>,
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
        let mut checks: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut by_path: BTreeMap<String, usize> = BTreeMap::new();
        let mut blocked_rules: Vec<String> = Vec::new();
        for f in &outcome.findings {
            *checks.entry(f.check.to_string()).or_default().entry(f.rule.to_string()).or_insert(0) += 1;
            if !f.path.is_empty() {
                *by_path.entry(f.path.to_string()).or_insert(0) += 1;
            }
            if f.blocks() && !blocked_rules.iter().any(|r| **r == *f.rule) {
                blocked_rules.push(f.rule.to_string());
            }
        }
        blocked_rules.sort();
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
            format: Some(FORMAT),
            checks,
            blocked_rules,
            unchecked_commits: Vec::new(),
            suppressions_added: BTreeMap::new(),
            paths: most_frequent(by_path, MAX_PATHS),
            agent: None,
            provenance: None,
        }
    }

    /// A record of one agent tool call (no counts: the decision says it all).
    pub fn of_agent(repository: &Path, call: AgentCall, version: &str) -> AuditRecord {
        let mut record = AuditRecord::of(AGENT_HOOK, repository, &Outcome::default(), version);
        record.result = if call.decision == "deny" { "blocked" } else { "clean" }.to_string();
        record.agent = Some(call);
        record
    }

    /// Counts inline suppressions as added by this change: in a hook, findings come
    /// from added lines only, so a marker that silenced one stands on an added line.
    pub fn count_inline_suppressions_added(&mut self, outcome: &Outcome) {
        let inline = outcome.suppressed.iter().filter(|s| s.by == SuppressedBy::Inline).count();
        if inline > 0 {
            *self.suppressions_added.entry(SuppressedBy::Inline.as_str().to_string()).or_insert(0) += inline;
        }
    }
}

/// The keys of an agent record in the compact form `serde_json` writes.
struct CompactForm {
    hook: memchr::memmem::Finder<'static>,
    denied: memchr::memmem::Finder<'static>,
    decision: memchr::memmem::Finder<'static>,
    lines: memchr::memmem::Finder<'static>,
}

impl CompactForm {
    fn new() -> CompactForm {
        use memchr::memmem::Finder;
        CompactForm {
            hook: Finder::new(b"\"hook\":\"agent\""),
            denied: Finder::new(b"\"decision\":\"deny\""),
            decision: Finder::new(b"\"decision\":\""),
            lines: Finder::new(b"\"lines\":["),
        }
    }

    /// The digests an allowed agent record lists; `None` when the line is not in the
    /// compact form.
    fn digests(&self, line: &[u8]) -> Option<Vec<u64>> {
        self.hook.find(line)?;
        if self.denied.find(line).is_some() {
            return Some(Vec::new());
        }
        self.decision.find(line)?;
        let start = self.lines.find(line)? + self.lines.needle().len();
        let mut rest = &line[start..];
        let mut digests = Vec::new();
        loop {
            match rest.first()? {
                b']' => return Some(digests),
                b',' if !digests.is_empty() => rest = &rest[1..],
                _ => {}
            }
            let quoted = rest.get(..18)?;
            if quoted[0] != b'"' || quoted[17] != b'"' {
                return None;
            }
            digests.push(hex_u64(&quoted[1..17])?);
            rest = &rest[18..];
        }
    }
}

/// Sixteen hex digits as a number.
fn hex_u64(hex: &[u8]) -> Option<u64> {
    hex.iter().try_fold(0u64, |n, &b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        Some(n << 4 | u64::from(digit))
    })
}

/// The same, through the JSON parser: a record written some other way.
fn parsed_agent_digests(line: &[u8]) -> Option<Vec<u64>> {
    #[derive(Deserialize)]
    struct Lines {
        #[serde(default)]
        decision: String,
        #[serde(default)]
        lines: Vec<String>,
    }
    #[derive(Deserialize)]
    struct AgentOnly {
        hook: String,
        agent: Option<Lines>,
    }
    let record = serde_json::from_slice::<AgentOnly>(line).ok()?;
    let agent = record.agent.filter(|a| record.hook == AGENT_HOOK && a.decision != "deny")?;
    Some(agent.lines.iter().filter_map(|d| u64::from_str_radix(d, 16).ok()).collect())
}

/// The `limit` entries with the highest counts (ties by path).
fn most_frequent(counts: BTreeMap<String, usize>, limit: usize) -> BTreeMap<String, usize> {
    if counts.len() <= limit {
        return counts;
    }
    let mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sorted.truncate(limit);
    sorted.into_iter().collect()
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

    /// The log's files, oldest first.
    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = (1..=self.keep).rev().map(|n| self.rotated(n)).collect();
        files.push(self.path.clone());
        files
    }

    /// The digests of lines agents were allowed to write, from every file of the log.
    /// This runs on every pre-commit, over up to four full files: lines are picked by
    /// a substring test, and the compact form this writer produces is read directly
    /// (any other spelling of a record goes through the JSON parser).
    pub fn agent_lines(&self) -> AgentLines {
        let marker = memchr::memmem::Finder::new(b"\"agent\":{");
        let compact = CompactForm::new();
        let mut known = AgentLines::default();
        for f in self.files() {
            let Ok(bytes) = std::fs::read(&f) else { continue };
            // About one digest per 20 bytes of a log of agent records.
            known.reserve(bytes.len() / 20);
            for line in bytes.split(|&b| b == b'\n') {
                if marker.find(line).is_none() {
                    continue;
                }
                let digests = compact.digests(line).or_else(|| parsed_agent_digests(line)).unwrap_or_default();
                for digest in digests {
                    known.insert_value(digest, CLAUDE_CODE);
                }
            }
        }
        known
    }

    /// Every record, oldest file first. Lines that do not parse are skipped.
    pub fn records(&self) -> Vec<AuditRecord> {
        let mut out = Vec::new();
        for f in self.files() {
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

    /// The full ids of the commits of `list` that no clean pre-commit run checked.
    pub fn unchecked_commit_ids(&self, repo: &git2::Repository, list: &[git2::Oid]) -> Vec<String> {
        let clean = self.clean_trees();
        list.iter()
            .filter_map(|&c| repo.find_commit(c).ok())
            .filter(|c| !clean.contains(&c.tree_id().to_string()))
            .map(|c| c.id().to_string())
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

    #[test]
    fn format_1_lines_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_git_dir(dir.path());
        std::fs::create_dir_all(log.path().parent().unwrap()).unwrap();
        let old = r#"{"time":"2026-11-01T00:00:00Z","hook":"pre-commit","repository":"/r","tree":"abc","result":"clean","counts":{},"fingerprints":[],"suppressed":{},"version":"0.1.0"}"#;
        std::fs::write(log.path(), format!("{old}\n")).unwrap();
        log.append(&record("def")).unwrap();
        let records = log.records();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].format, None);
        assert_eq!(records[1].format, Some(FORMAT));
        assert!(log.clean_trees().contains("abc"));
    }

    #[test]
    fn new_fields_are_left_out_when_empty() {
        let line = serde_json::to_string(&record("t")).unwrap();
        assert!(line.contains("\"format\":2"), "{line}");
        for absent in
            ["checks", "blocked_rules", "unchecked_commits", "suppressions_added", "paths", "agent", "provenance"]
        {
            assert!(!line.contains(&format!("\"{absent}\"")), "{absent} in {line}");
        }
    }

    #[test]
    fn paths_keep_the_most_frequent() {
        let counts: BTreeMap<String, usize> = (0..60).map(|i| (format!("p{i:02}"), i)).collect();
        let kept = most_frequent(counts, MAX_PATHS);
        assert_eq!(kept.len(), MAX_PATHS);
        assert!(kept.contains_key("p59") && !kept.contains_key("p09"));
    }

    #[test]
    fn agent_lines_come_from_allowed_agent_records_of_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_git_dir(dir.path()).with_limits(400, 3);
        let call = |decision: &str, digest: &str| AgentCall {
            session: "s1".into(),
            tool: "Write".into(),
            path: Some("a.py".into()),
            decision: decision.into(),
            reasons: Vec::new(),
            lines: vec![digest.into()],
        };
        log.append(&AuditRecord::of_agent(Path::new("/r"), call("allow", "00000000000000aa"), "0")).unwrap();
        for i in 0..3 {
            log.append(&record(&format!("t{i}"))).unwrap();
        }
        assert!(log.rotated(1).exists(), "the agent record rotated");
        log.append(&AuditRecord::of_agent(Path::new("/r"), call("deny", "00000000000000bb"), "0")).unwrap();
        let line = std::fs::read_to_string(log.path()).unwrap();
        assert!(line.contains("\"hook\":\"agent\"") && line.contains("\"result\":\"blocked\""), "{line}");
        let known = log.agent_lines();
        assert_eq!(known.len(), 1, "denied writes never happened");
        let mut p = Provenance::default();
        assert!(!known.is_empty());
        p.count("a", "", None, &known);
        assert_eq!(p.agent_lines, 0);
    }

    #[test]
    fn agent_digests_read_alike_in_compact_and_other_forms() {
        let call = AgentCall {
            session: "s".into(),
            tool: "Edit".into(),
            path: None,
            decision: "allow".into(),
            reasons: vec!["x".into()],
            lines: vec!["00000000000000ff".into(), "0123456789abcdef".into()],
        };
        let record = AuditRecord::of_agent(Path::new("/r"), call, "0");
        let compact = serde_json::to_vec(&record).unwrap();
        let pretty = serde_json::to_vec_pretty(&record)
            .unwrap()
            .iter()
            .map(|&b| if b == b'\n' { b' ' } else { b })
            .collect::<Vec<u8>>();
        let expected = vec![0xff, 0x0123_4567_89ab_cdef];
        assert_eq!(CompactForm::new().digests(&compact), Some(expected.clone()));
        assert_eq!(CompactForm::new().digests(&pretty), None);
        assert_eq!(parsed_agent_digests(&pretty), Some(expected));
        let mut denied = record.clone();
        denied.agent.as_mut().unwrap().decision = "deny".into();
        assert_eq!(CompactForm::new().digests(&serde_json::to_vec(&denied).unwrap()), Some(Vec::new()));
        assert_eq!(parsed_agent_digests(&serde_json::to_vec_pretty(&denied).unwrap()), None);
        let mut empty = record;
        empty.agent.as_mut().unwrap().lines.clear();
        assert_eq!(CompactForm::new().digests(&serde_json::to_vec(&empty).unwrap()), Some(Vec::new()));
    }
}
