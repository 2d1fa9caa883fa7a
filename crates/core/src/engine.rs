//! Where chunks meet checks: every source hands its chunks to a [`Scanner`], which runs
//! every check, applies suppressions and gathers an [`Outcome`].

use serde::Serialize;
use std::sync::Arc;

use crate::chunk::{is_binary, Chunk};
use crate::finding::Finding;
use crate::suppress::{SuppressedBy, Suppressions};

/// A check: judges the added regions of a chunk and reports findings.
pub trait Check: Send + Sync {
    /// The check's name as reports spell it (`secrets`, `policy`, `deps`).
    fn name(&self) -> &'static str;
    fn judge(&self, chunk: &Chunk, out: &mut CheckOutput);
}

/// What one check produced for one chunk.
#[derive(Debug, Default)]
pub struct CheckOutput {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
}

/// Something the user must know although it is not a finding: content that was not
/// judged (too large, a line too long), an expired exception.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Warning {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub message: String,
}

/// A finding that was not reported because something allowed it; counted, never silent.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    pub rule: Arc<str>,
    pub path: Arc<str>,
    pub line: u32,
    pub commit: Option<String>,
    pub fingerprint: String,
    pub by: SuppressedBy,
}

/// Everything a run found, before it is rendered.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub warnings: Vec<Warning>,
    /// Files (or blobs) judged.
    pub files: u64,
    /// Bytes of added content judged.
    pub bytes: u64,
    /// Binary files skipped.
    pub binary_skipped: u64,
    /// Commits judged (commit-judging modes).
    pub commits: u64,
    /// Commit ids judged, for the audit log.
    pub commit_ids: Vec<String>,
    /// What could not be read. Any error makes the run fail closed (exit 2).
    pub errors: Vec<String>,
}

impl Outcome {
    pub fn merge(&mut self, other: Outcome) {
        self.findings.extend(other.findings);
        self.suppressed.extend(other.suppressed);
        self.warnings.extend(other.warnings);
        self.files += other.files;
        self.bytes += other.bytes;
        self.binary_skipped += other.binary_skipped;
        self.commits += other.commits;
        self.commit_ids.extend(other.commit_ids);
        self.errors.extend(other.errors);
    }

    /// Whether any finding blocks.
    pub fn blocks(&self) -> bool {
        self.findings.iter().any(Finding::blocks)
    }

    /// Orders findings by commit, path, line and column, so output is stable whatever
    /// order threads finished in.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.commit, &a.path, a.line, a.column, &a.rule).cmp(&(&b.commit, &b.path, b.line, b.column, &b.rule))
        });
        self.suppressed.sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
        self.warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    }

    pub fn warn(&mut self, path: &str, commit: Option<&str>, message: String) {
        self.warnings.push(Warning { path: path.to_string(), line: None, commit: commit.map(str::to_string), message });
    }
}

/// The checks of a run, with the suppressions and size limits they share.
pub struct Scanner {
    checks: Vec<Box<dyn Check>>,
    suppressions: Suppressions,
    max_file_bytes: u64,
}

impl Scanner {
    pub fn new(checks: Vec<Box<dyn Check>>, suppressions: Suppressions, max_file_bytes: u64) -> Scanner {
        Scanner { checks, suppressions, max_file_bytes }
    }

    pub fn check_names(&self) -> Vec<&'static str> {
        self.checks.iter().map(|c| c.name()).collect()
    }

    /// Whether a file of `size` bytes is within the limit; if not, the skip is recorded.
    pub fn admit_size(&self, path: &str, commit: Option<&str>, size: u64, out: &mut Outcome) -> bool {
        if size <= self.max_file_bytes {
            return true;
        }
        out.warn(
            path,
            commit,
            format!(
                "not scanned: {size} bytes is over the {} byte limit (settings.max_file_bytes)",
                self.max_file_bytes
            ),
        );
        false
    }

    /// Whether content is text; binary content is counted and skipped.
    pub fn admit_content(&self, bytes: &[u8], out: &mut Outcome) -> bool {
        if is_binary(bytes) {
            out.binary_skipped += 1;
            return false;
        }
        true
    }

    /// Runs every check on a chunk and files its findings as reported or suppressed.
    pub fn judge(&self, chunk: &Chunk, out: &mut Outcome) {
        out.files += 1;
        out.bytes += chunk.added_bytes() as u64;
        let mut produced = CheckOutput::default();
        for check in &self.checks {
            check.judge(chunk, &mut produced);
        }
        out.warnings.append(&mut produced.warnings);
        if produced.findings.len() > 1 {
            let spans: Vec<std::ops::Range<usize>> = produced.findings.iter().map(|f| f.span.clone()).collect();
            for f in &mut produced.findings {
                f.mask_others(&chunk.text, &spans);
            }
        }
        for finding in produced.findings {
            match self.suppressions.suppressed_by(&finding, chunk) {
                Some(by) => out.suppressed.push(Suppressed {
                    rule: finding.rule.clone(),
                    path: finding.path.clone(),
                    line: finding.line,
                    commit: finding.commit.clone(),
                    fingerprint: finding.fingerprint.clone(),
                    by,
                }),
                None => out.findings.push(finding),
            }
        }
    }
}
