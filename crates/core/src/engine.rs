//! Where changes meet checks: every source hands each changed path and each change to
//! a [`Scanner`], which runs every check that wants it, applies suppressions and
//! gathers an [`Outcome`].

use serde::Serialize;
use std::sync::Arc;

use globset::GlobSet;

use crate::change::{ChangeContext, ChangedFile};
use crate::finding::{Finding, Severity};
use crate::suppress::{SuppressedBy, Suppressions};

/// A check: one library with its own configuration, detectors and findings. It says
/// what it wants to see ([`Wants`]) so that sources read nothing no check wants, judges
/// each changed path it wants, each change as a whole, and may do batched work at the
/// end of a run.
pub trait Check: Send + Sync {
    /// The check's name as reports spell it (`secrets`, `policy`, `deps`).
    fn name(&self) -> &'static str;

    /// What the check judges; sources and the scanner deliver only that.
    fn wants(&self) -> Wants;

    /// Judges one changed path (see [`Wants`] for which paths arrive).
    fn judge_file(&self, _file: &ChangedFile, _out: &mut CheckOutput) {}

    /// Judges one change as a whole: the staged change, the message being written, or
    /// one commit (its id, message, trailers, author and every path it touches).
    fn judge_change(&self, _change: &ChangeContext, _out: &mut CheckOutput) {}

    /// Called once when every change of the run was judged: batched work (an advisory
    /// lookup for every dependency of the run at once) and run-level findings.
    fn finish(&self, _out: &mut CheckOutput) {}
}

/// What a check wants delivered. The default wants nothing (of every path).
#[derive(Debug, Clone)]
pub struct Wants {
    /// Text files with added lines: their content and added regions.
    pub text: bool,
    /// Binary files too (content, no regions).
    pub binary: bool,
    /// Every changed path, even with nothing added or no content read: deletions,
    /// renames, mode changes, symlinks and submodules.
    pub every_path: bool,
    /// The previous content of modified and renamed files on these paths.
    pub old_content: PathSet,
    /// [`Check::judge_change`] for every change.
    pub changes: bool,
    /// The paths delivered at all; paths outside are not read for this check.
    pub paths: PathSet,
}

/// A set of paths a check names in its [`Wants`].
#[derive(Debug, Clone, Default)]
pub enum PathSet {
    #[default]
    Everything,
    Nothing,
    Globs(GlobSet),
}

impl PathSet {
    pub fn contains(&self, path: &str) -> bool {
        match self {
            PathSet::Everything => true,
            PathSet::Nothing => false,
            PathSet::Globs(g) => g.is_match(path),
        }
    }
}

impl Default for Wants {
    fn default() -> Wants {
        Wants {
            text: false,
            binary: false,
            every_path: false,
            old_content: PathSet::Nothing,
            changes: false,
            paths: PathSet::Everything,
        }
    }
}

impl Wants {
    fn admits(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// Whether `file` is delivered to a check with these wants.
    fn delivers(&self, file: &ChangedFile) -> bool {
        if !self.admits(&file.path) {
            return false;
        }
        if self.every_path {
            return true;
        }
        file.content_read && (if file.binary { self.binary } else { self.text && !file.added.is_empty() })
    }
}

/// What one check produced for one chunk.
#[derive(Debug, Default)]
pub struct CheckOutput {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    /// What the check could not judge (a malformed lock file, a corrupt advisory
    /// database): the run fails closed (exit 2) with these messages.
    pub errors: Vec<String>,
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
    pub line: Option<u32>,
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
    wants: Vec<Wants>,
    suppressions: Suppressions,
    max_file_bytes: u64,
    /// Whether content that is not judged blocks (hook modes) or only warns (scans).
    not_judged_blocks: bool,
}

/// The rule of the finding that content was not judged.
pub const NOT_JUDGED_RULE: &str = "not-judged";

impl Scanner {
    pub fn new(checks: Vec<Box<dyn Check>>, suppressions: Suppressions, max_file_bytes: u64) -> Scanner {
        let wants = checks.iter().map(|c| c.wants()).collect();
        Scanner { checks, wants, suppressions, max_file_bytes, not_judged_blocks: false }
    }

    /// Content that is not judged (a file over the size limit) becomes a blocking
    /// finding instead of a warning: a gate must not pass what it did not look at.
    pub fn blocking_what_is_not_judged(mut self, blocks: bool) -> Scanner {
        self.not_judged_blocks = blocks;
        self
    }

    pub fn check_names(&self) -> Vec<&'static str> {
        self.checks.iter().map(|c| c.name()).collect()
    }

    /// Whether any check wants the content of `path` (text or binary).
    pub fn wants_content(&self, path: &str) -> bool {
        self.wants.iter().any(|w| (w.text || w.binary) && w.admits(path))
    }

    /// Whether any check wants the previous content of `path`.
    pub fn wants_old_content(&self, path: &str) -> bool {
        self.wants.iter().any(|w| w.admits(path) && w.old_content.contains(path))
    }

    /// Whether any check wants paths that have no content to judge (deletions, modes).
    pub fn wants_every_path(&self) -> bool {
        self.wants.iter().any(|w| w.every_path)
    }

    /// Whether any check judges changes as a whole (messages, trailers, path lists).
    pub fn wants_changes(&self) -> bool {
        self.wants.iter().any(|w| w.changes)
    }

    /// Whether any check wants binary content.
    pub fn wants_binary(&self) -> bool {
        self.wants.iter().any(|w| w.binary)
    }

    /// Whether a file of `size` bytes is within the limit; if not, that it was not
    /// judged is recorded: a blocking finding in hook modes, a warning in scans.
    pub fn admit_size(&self, path: &str, commit: Option<&str>, size: u64, out: &mut Outcome) -> bool {
        if size <= self.max_file_bytes {
            return true;
        }
        let message = format!(
            "not judged: {size} bytes is over the {} byte limit (settings.max_file_bytes)",
            self.max_file_bytes
        );
        if self.not_judged_blocks {
            let finding =
                Finding::new("tollgate", NOT_JUDGED_RULE, Severity::Block, message).about_path(path, commit).with_help(
                    "Raise settings.max_file_bytes, or allow this path for rule not-judged in the policy \
                     ([[allow]] with a reason), or set settings.not_judged = \"warn\".",
                );
            self.file_output(CheckOutput { findings: vec![finding], ..CheckOutput::default() }, None, out);
        } else {
            out.warn(path, commit, message);
        }
        false
    }

    /// Judges a whole text as a new file (scan mode, stdin, agent writes).
    pub fn judge_text(&self, path: &str, bytes: impl Into<Arc<[u8]>>, out: &mut Outcome) {
        let bytes = bytes.into();
        if self.admit_size(path, None, bytes.len() as u64, out) {
            self.judge_file(&ChangedFile::whole(path, bytes), out);
        }
    }

    /// Runs every check that wants `file` and files its findings as reported or suppressed.
    pub fn judge_file(&self, file: &ChangedFile, out: &mut Outcome) {
        let mut produced = CheckOutput::default();
        let mut delivered = false;
        for (check, wants) in self.checks.iter().zip(&self.wants) {
            if wants.delivers(file) {
                delivered = true;
                check.judge_file(file, &mut produced);
            }
        }
        if file.content_read {
            if file.binary && !self.wants_binary() {
                out.binary_skipped += 1;
            } else if delivered {
                out.files += 1;
                out.bytes += file.added_bytes() as u64;
            }
        }
        let mut secrets: Vec<std::ops::Range<usize>> = produced
            .findings
            .iter()
            .filter(|f| matches!(f.evidence, crate::finding::Evidence::Secret { .. }))
            .filter_map(|f| f.span.clone())
            .collect();
        if secrets.len() > 1 {
            secrets.sort_by_key(|s| s.start);
            for f in &mut produced.findings {
                f.mask_others(file, &secrets);
            }
        }
        self.file_output(produced, Some(file), out);
    }

    /// Runs every check that judges changes as a whole on `change`.
    pub fn judge_change(&self, change: &ChangeContext, out: &mut Outcome) {
        let mut produced = CheckOutput::default();
        for (check, wants) in self.checks.iter().zip(&self.wants) {
            if wants.changes {
                check.judge_change(change, &mut produced);
            }
        }
        self.file_output(produced, None, out);
    }

    /// The end of a run: each check's batched work and run-level findings.
    pub fn finish(&self, out: &mut Outcome) {
        let mut produced = CheckOutput::default();
        for check in &self.checks {
            check.finish(&mut produced);
        }
        self.file_output(produced, None, out);
    }

    /// Warnings for `[[allow]]` entries that matched nothing (meaningful after a run that
    /// saw everything: a scan or a history run).
    pub fn unused_allow_warnings(&self) -> Vec<Warning> {
        self.suppressions.unused()
    }

    fn file_output(&self, mut produced: CheckOutput, file: Option<&ChangedFile>, out: &mut Outcome) {
        out.warnings.append(&mut produced.warnings);
        out.errors.append(&mut produced.errors);
        for finding in produced.findings {
            let finding = finding.finish();
            match self.suppressions.suppressed_by(&finding, file) {
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
