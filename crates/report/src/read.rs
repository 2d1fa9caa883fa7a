//! Reading audit logs: one file, a rotated set (`audit.jsonl`, `audit.jsonl.1`, …) or a
//! folder gathered from a fleet. Records are read into tolerant structs — every field
//! but `time` may be missing and unknown fields are ignored — so format-1 and format-2
//! lines, and lines from a newer writer, all read. A line that is not a record is kept
//! as a [`Malformed`] entry with its file, line and column: never dropped silently.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::time::parse_timestamp;

/// Why a log could not be read at all (as opposed to a malformed line in it).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: no such file or folder", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// One hook run, as any writer so far has recorded it (see the audit log format in
/// the README). Counts are `u64`: a fleet adds many logs up.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Record {
    /// RFC 3339 as written; [`Record::at`] is the same instant in seconds.
    pub time: String,
    #[serde(skip)]
    pub at: i64,
    #[serde(default)]
    pub format: Option<u32>,
    #[serde(default)]
    pub hook: String,
    #[serde(default)]
    pub repository: String,
    #[serde(default)]
    pub tree: Option<String>,
    #[serde(default)]
    pub commits: Vec<String>,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
    #[serde(default)]
    pub fingerprints: Vec<String>,
    #[serde(default)]
    pub suppressed: BTreeMap<String, u64>,
    #[serde(default)]
    pub version: String,
    /// Format 2: findings by check, then by rule.
    #[serde(default)]
    pub checks: BTreeMap<String, BTreeMap<String, u64>>,
    /// Format 2: the rules whose findings blocked this run (`None`: not recorded).
    #[serde(default)]
    pub blocked_rules: Option<Vec<String>>,
    /// Format 2, pre-push and pre-receive: commits made without a local check.
    #[serde(default)]
    pub unchecked_commits: Option<Vec<String>>,
    /// Format 2: suppressions that this change adds, by kind.
    #[serde(default)]
    pub suppressions_added: Option<BTreeMap<String, u64>>,
    /// Format 2: findings by path (the most frequent paths only).
    #[serde(default)]
    pub paths: BTreeMap<String, u64>,
    #[serde(default)]
    pub agent: Option<AgentEvent>,
    #[serde(default)]
    pub provenance: Option<Provenance>,
}

/// What the Claude Code agent hook decided about one tool call.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct AgentEvent {
    #[serde(default)]
    pub session: String,
    #[serde(default)]
    pub tool: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Keyed digests of the added lines: what provenance matches, never content.
    #[serde(default)]
    pub lines: Vec<String>,
}

/// How many of a commit's added lines an agent wrote.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Provenance {
    #[serde(default)]
    pub added_lines: u64,
    #[serde(default)]
    pub agent_lines: u64,
    #[serde(default)]
    pub agents: BTreeMap<String, u64>,
}

/// A line that is not a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed {
    pub path: PathBuf,
    pub line: usize,
    /// 1-based, where the JSON parser knows it.
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{}:{c}: {}", self.path.display(), self.line, self.message),
            None => write!(f, "{}:{}: {}", self.path.display(), self.line, self.message),
        }
    }
}

/// Everything read from a set of logs.
#[derive(Debug, Default)]
pub struct LogSet {
    /// The files read, in the order read.
    pub files: Vec<PathBuf>,
    /// Every record, oldest first (stable: records of the same second keep log order).
    pub records: Vec<Record>,
    pub malformed: Vec<Malformed>,
}

impl LogSet {
    /// Keeps only the records at or after `since` (seconds since the epoch).
    pub fn since(mut self, since: i64) -> LogSet {
        self.records.retain(|r| r.at >= since);
        self
    }
}

/// The log files under `path`: a file with its rotated siblings (`NAME.N`, oldest
/// first, then `NAME`), or every `*.jsonl` file (and its rotations) in a folder and
/// its subfolders, in path order.
pub fn discover(path: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadError::NotFound { path: path.to_path_buf() })
        }
        Err(source) => return Err(ReadError::Io { path: path.to_path_buf(), source }),
    };
    if !meta.is_dir() {
        return rotated_set(path);
    }
    let mut logs = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| ReadError::Io { path: dir.clone(), source })?;
        for entry in entries {
            let entry = entry.map_err(|source| ReadError::Io { path: dir.clone(), source })?;
            let p = entry.path();
            let kind = entry.file_type().map_err(|source| ReadError::Io { path: p.clone(), source })?;
            // A link to a log is followed; a link to a folder is not (no loops).
            let is_file = kind.is_file() || (kind.is_symlink() && p.is_file());
            if kind.is_dir() {
                pending.push(p);
            } else if is_file && p.extension().is_some_and(|e| e == "jsonl") {
                logs.push(p);
            }
        }
    }
    logs.sort();
    let mut files = Vec::new();
    for log in logs {
        files.extend(rotated_set(&log)?);
    }
    Ok(files)
}

/// `path`'s rotations, oldest (highest number) first, then `path` itself.
fn rotated_set(path: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let mut rotations = Vec::new();
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(vec![path.to_path_buf()]);
    };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let prefix = format!("{}.", name.to_string_lossy());
    let entries = std::fs::read_dir(dir).map_err(|source| ReadError::Io { path: dir.to_path_buf(), source })?;
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(n) = file_name.strip_prefix(&prefix).and_then(|n| n.parse::<u32>().ok()) else { continue };
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            rotations.push((n, path.with_file_name(&file_name)));
        }
    }
    rotations.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut files: Vec<PathBuf> = rotations.into_iter().map(|(_, p)| p).collect();
    files.push(path.to_path_buf());
    Ok(files)
}

/// Reads every record of `files`. A file that cannot be read is an error; a line that
/// is not a record is collected in [`LogSet::malformed`].
pub fn read_logs(files: &[PathBuf]) -> Result<LogSet, ReadError> {
    let mut set = LogSet { files: files.to_vec(), ..LogSet::default() };
    for path in files {
        let file = std::fs::File::open(path).map_err(|source| ReadError::Io { path: path.clone(), source })?;
        let mut reader = std::io::BufReader::new(file);
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            let n =
                reader.read_until(b'\n', &mut line).map_err(|source| ReadError::Io { path: path.clone(), source })?;
            if n == 0 {
                break;
            }
            number += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match parse_line(&line) {
                Ok(record) => set.records.push(record),
                Err((column, message)) => {
                    set.malformed.push(Malformed { path: path.clone(), line: number, column, message })
                }
            }
        }
    }
    set.records.sort_by_key(|r| r.at);
    Ok(set)
}

/// One line into a record, or the column and reason it is not one.
fn parse_line(line: &[u8]) -> Result<Record, (Option<usize>, String)> {
    let mut record: Record = serde_json::from_slice(line).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; the line is always 1 here.
        let message = format!("not an audit record: {}", message.split(" at line ").next().unwrap_or(&message));
        ((e.column() > 0).then_some(e.column()), message)
    })?;
    record.at = parse_timestamp(&record.time)
        .ok_or_else(|| (None, format!("`time` is not an RFC 3339 timestamp: {:?}", truncate(&record.time))))?;
    Ok(record)
}

/// At most 40 characters of a value shown in a message: a log could hold anything.
fn truncate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMAT_1: &str = r#"{"time":"2026-03-01T10:00:00Z","hook":"pre-commit","repository":"/r","tree":"abc","result":"blocked","counts":{"aws-access-key-id":1},"fingerprints":["f1"],"suppressed":{"inline":2},"version":"0.1.0"}"#;
    const FORMAT_2: &str = r#"{"format":2,"time":"2026-03-01T11:00:00Z","hook":"pre-push","repository":"/r","commits":["c1","c2"],"result":"blocked","counts":{"r1":2},"checks":{"secrets":{"r1":2}},"blocked_rules":["r1"],"unchecked_commits":["c2"],"suppressions_added":{"baseline":1},"paths":{"a.py":2},"fingerprints":[],"suppressed":{},"version":"0.2.0","a_field_from_the_future":{"x":1}}"#;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn format_1_and_2_lines_read_and_unknown_fields_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "audit.jsonl", &format!("{FORMAT_2}\n{FORMAT_1}\n"));
        let set = read_logs(&[p]).unwrap();
        assert!(set.malformed.is_empty(), "{:?}", set.malformed);
        assert_eq!(set.records.len(), 2);
        let (old, new) = (&set.records[0], &set.records[1]);
        assert_eq!(old.format, None, "sorted by time: format 1 first");
        assert_eq!(old.suppressed["inline"], 2);
        assert_eq!(old.unchecked_commits, None);
        assert_eq!(new.format, Some(2));
        assert_eq!(new.unchecked_commits.as_deref(), Some(&["c2".to_string()][..]));
        assert_eq!(new.checks["secrets"]["r1"], 2);
        assert_eq!(new.at - old.at, 3600);
    }

    #[test]
    fn malformed_lines_are_kept_with_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("{FORMAT_1}\n\n{{\"time\": 5}}\nnot json\n{{\"time\":\"yesterday\"}}\n{FORMAT_2}");
        let p = write(dir.path(), "audit.jsonl", &text);
        let set = read_logs(std::slice::from_ref(&p)).unwrap();
        assert_eq!(set.records.len(), 2, "the good lines around the bad ones are read");
        let shown: Vec<String> = set.malformed.iter().map(|m| m.to_string()).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].starts_with(&format!("{}:3:", p.display())), "{shown:?}");
        assert!(shown[1].starts_with(&format!("{}:4:2: not an audit record", p.display())), "{shown:?}");
        assert!(shown[2].contains(":5: `time` is not an RFC 3339 timestamp"), "{shown:?}");
    }

    #[test]
    fn a_truncated_last_line_and_invalid_utf8_are_malformed_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = format!("{FORMAT_1}\n").into_bytes();
        bytes.extend_from_slice(b"{\"time\":\"2026-03-01T10:00:00Z\",\"hook\":\"\xff\"}\n");
        bytes.extend_from_slice(&FORMAT_2.as_bytes()[..40]);
        let p = dir.path().join("audit.jsonl");
        std::fs::write(&p, bytes).unwrap();
        let set = read_logs(&[p]).unwrap();
        assert_eq!(set.records.len(), 1);
        assert_eq!(set.malformed.len(), 2);
        assert_eq!((set.malformed[0].line, set.malformed[1].line), (2, 3));
    }

    #[test]
    fn a_file_brings_its_rotations_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let main = write(dir.path(), "audit.jsonl", "");
        write(dir.path(), "audit.jsonl.1", "");
        write(dir.path(), "audit.jsonl.2", "");
        write(dir.path(), "audit.jsonl.bak", "");
        write(dir.path(), "other.jsonl", "");
        let names: Vec<String> =
            discover(&main).unwrap().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["audit.jsonl.2", "audit.jsonl.1", "audit.jsonl"]);
    }

    #[test]
    fn a_folder_is_searched_recursively_for_jsonl_logs() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "host-a/audit.jsonl", FORMAT_1);
        write(dir.path(), "host-a/audit.jsonl.1", FORMAT_1);
        write(dir.path(), "host-b/deep/repo.jsonl", FORMAT_2);
        write(dir.path(), "notes.txt", "not a log");
        let files = discover(dir.path()).unwrap();
        let rel: Vec<String> =
            files.iter().map(|p| p.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(rel, ["host-a/audit.jsonl.1", "host-a/audit.jsonl", "host-b/deep/repo.jsonl"]);
        assert_eq!(read_logs(&files).unwrap().records.len(), 3);
    }

    #[cfg(unix)]
    #[test]
    fn links_to_logs_are_followed_and_links_to_folders_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let log = write(elsewhere.path(), "audit.jsonl", FORMAT_1);
        std::os::unix::fs::symlink(&log, dir.path().join("linked.jsonl")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let files = discover(dir.path()).unwrap();
        assert_eq!(files, [dir.path().join("linked.jsonl")]);
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = discover(&dir.path().join("nope")).unwrap_err();
        assert!(err.to_string().ends_with("nope: no such file or folder"), "{err}");
    }

    #[test]
    fn since_keeps_later_records_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "a.jsonl", &format!("{FORMAT_1}\n{FORMAT_2}\n"));
        let set = read_logs(&[p]).unwrap().since(parse_timestamp("2026-03-01T10:30:00Z").unwrap());
        assert_eq!(set.records.len(), 1);
        assert_eq!(set.records[0].hook, "pre-push");
    }
}
