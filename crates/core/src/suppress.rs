//! Why a finding may go unreported: an inline `tollgate:allow` marker, an `[[allow]]`
//! entry of the policy, or a baseline of accepted fingerprints. Every suppression is
//! counted in the report.

use std::collections::HashSet;

use globset::{Glob, GlobMatcher};
use serde::Serialize;
use tollgate_config::AllowEntry;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::change::ChangedFile;
use crate::engine::Warning;
use crate::finding::Finding;

/// The inline marker. `tollgate:allow=rule-a,rule-b` or `tollgate:allow(rule-a)` allows
/// the rules named, of any check; a bare `tollgate:allow` allows only the secrets
/// check's findings (a value someone looked at and judged not a secret). Rules that
/// declare themselves not inline-suppressible (hidden text) ignore every marker.
pub const INLINE_MARKER: &str = "tollgate:allow";

/// What suppressed a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressedBy {
    Inline,
    Policy,
    Baseline,
}

impl SuppressedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressedBy::Inline => "inline",
            SuppressedBy::Policy => "policy",
            SuppressedBy::Baseline => "baseline",
        }
    }
}

struct CompiledAllow {
    check: Option<String>,
    path: Option<GlobMatcher>,
    rule: Option<String>,
    fingerprint: Option<String>,
    /// Where the entry was written, for the unused-entry warning.
    source: String,
    /// Findings it suppressed in this run (judging runs on several threads).
    used: AtomicUsize,
    /// From the organisation's policy: the only entries that apply to locked rules.
    organisation: bool,
}

/// The suppressions in force for a run.
#[derive(Default)]
pub struct Suppressions {
    inline: bool,
    allow: Vec<CompiledAllow>,
    baseline: HashSet<String>,
    /// Rules the organisation locked: no inline marker and no repository exception
    /// silences them.
    locked: HashSet<String>,
}

impl Suppressions {
    /// `inline`: whether markers in code count. Globs were validated when the policy
    /// loaded; an invalid one here is an error for the caller.
    pub fn new(inline: bool, allow: &[AllowEntry], baseline: HashSet<String>) -> Result<Suppressions, globset::Error> {
        let allow = allow
            .iter()
            .map(|a| {
                Ok(CompiledAllow {
                    check: a.check.clone(),
                    path: a.path.as_deref().map(|p| Glob::new(p).map(|g| g.compile_matcher())).transpose()?,
                    rule: a.rule.clone(),
                    fingerprint: a.fingerprint.clone(),
                    source: if a.location.is_empty() { a.source.clone() } else { a.location.clone() },
                    used: AtomicUsize::new(0),
                    organisation: a.organisation,
                })
            })
            .collect::<Result<_, globset::Error>>()?;
        Ok(Suppressions { inline, allow, baseline, locked: HashSet::new() })
    }

    /// The reason a finding is not reported, if any.
    /// Rules no inline marker or repository exception may silence.
    pub fn with_locked(mut self, locked: impl IntoIterator<Item = String>) -> Suppressions {
        self.locked = locked.into_iter().collect();
        self
    }

    /// `file`: the file the finding is in, whose lines may carry inline markers.
    pub fn suppressed_by(&self, finding: &Finding, file: Option<&ChangedFile>) -> Option<SuppressedBy> {
        let locked = self.locked.contains(&*finding.rule);
        if let Some(file) = file.filter(|_| self.inline && finding.inline_suppressible && !locked) {
            if inline_allowed(file, finding) {
                return Some(SuppressedBy::Inline);
            }
        }
        if let Some(entry) = self.allow.iter().find(|a| (a.organisation || !locked) && a.matches(finding)) {
            entry.used.fetch_add(1, Ordering::Relaxed);
            return Some(SuppressedBy::Policy);
        }
        if self.baseline.contains(&finding.fingerprint) {
            return Some(SuppressedBy::Baseline);
        }
        None
    }
}

impl Suppressions {
    /// Warnings for `[[allow]]` entries that suppressed nothing so far.
    pub fn unused(&self) -> Vec<Warning> {
        self.allow
            .iter()
            .filter(|a| a.used.load(Ordering::Relaxed) == 0)
            .map(|a| Warning {
                path: a.source.clone(),
                line: None,
                commit: None,
                message: "an [[allow]] entry matched nothing in this run: it is unused and can go".to_string(),
            })
            .collect()
    }
}

impl CompiledAllow {
    fn matches(&self, f: &Finding) -> bool {
        self.check.as_deref().is_none_or(|c| c == f.check)
            && self.path.as_ref().is_none_or(|g| g.is_match(&*f.path))
            && self.rule.as_deref().is_none_or(|r| r == &*f.rule)
            && self.fingerprint.as_deref().is_none_or(|fp| fp == f.fingerprint)
    }
}

fn inline_allowed(file: &ChangedFile, finding: &Finding) -> bool {
    let Some(span) = &finding.span else { return false };
    let bare_allows = finding.check == BARE_MARKER_CHECK;
    let line = file.line_range(span.start);
    // On a very long line (a minified bundle) a marker counts near the finding: looking
    // along the whole line for each of many findings would grow with its square.
    let near = line.start.max(span.start.saturating_sub(MARKER_REACH))..line.end.min(span.end + MARKER_REACH);
    if marker_allows(&file.text[near], &finding.rule, bare_allows) {
        return true;
    }
    (line.start > 0).then(|| file.line_range(line.start - 1)).is_some_and(|prev| {
        let near = prev.start.max(prev.end.saturating_sub(MARKER_REACH))..prev.end;
        marker_allows(&file.text[near], &finding.rule, bare_allows)
    })
}

/// How far from a finding, on its own line, an inline marker is looked for.
const MARKER_REACH: usize = crate::matcher::LONG_LINE_REACH;

/// The check whose findings a bare `tollgate:allow` (no rule named) allows.
const BARE_MARKER_CHECK: &str = "secrets";

/// Whether a line carries a marker that allows `rule`; `bare_allows`: whether a marker
/// naming no rule counts.
pub fn marker_allows(line: &[u8], rule: &str, bare_allows: bool) -> bool {
    let marker = INLINE_MARKER.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    let mut rest = line;
    while let Some(i) = memchr::memmem::find(rest, marker) {
        // A word that merely contains the marker (`tollgate:allowance`,
        // `mytollgate:allow`) is not one.
        let glued_before = i > 0 && word(&rest[i - 1]);
        rest = &rest[i + marker.len()..];
        if glued_before || rest.first().is_some_and(word) {
            continue;
        }
        match rest.first() {
            Some(b'=') | Some(b'(') | Some(b':') => {
                let list = &rest[1..];
                let end = list
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b','))
                    .unwrap_or(list.len());
                if list[..end].split(|&b| b == b',').any(|id| id == rule.as_bytes()) {
                    return true;
                }
            }
            _ if bare_allows => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_allow_any_or_named_rules() {
        assert!(marker_allows(b"key = 'x' # tollgate:allow", "aws", true));
        assert!(marker_allows(b"// tollgate:allow=aws,gcp", "gcp", true));
        assert!(marker_allows(b"// tollgate:allow(aws)", "aws", true));
        assert!(!marker_allows(b"// tollgate:allow(aws)", "gcp", true));
        assert!(!marker_allows(b"// tollgate:allow=aws-access-key-id", "aws", true));
        assert!(!marker_allows(b"// tollgate", "aws", true));
        assert!(marker_allows(b"tollgate:allow=gcp tollgate:allow=aws", "aws", true));
        assert!(!marker_allows(b"// tollgate:allowance for this", "aws", true));
        assert!(!marker_allows(b"// tollgate:allowed", "aws", true));
        assert!(!marker_allows(b"// mytollgate:allow", "aws", true));
        assert!(!marker_allows(b"// tollgate:allowance=aws", "aws", true));
        assert!(marker_allows(b"// tollgate:allow.", "aws", true));
        assert!(marker_allows(b"/* tollgate:allow */", "aws", true));
    }

    #[test]
    fn a_bare_marker_allows_only_what_it_is_scoped_to() {
        assert!(!marker_allows(b"x # tollgate:allow", "bidi-control", false));
        assert!(marker_allows(b"x # tollgate:allow=bidi-control", "bidi-control", false));
    }

    fn toy_finding(check: &'static str, inline: bool) -> (ChangedFile, Finding) {
        let file = ChangedFile::whole("a.txt", &b"value # tollgate:allow\n"[..]);
        let mut f = Finding::new(check, "r", crate::Severity::Block, "m").at_offset(&file, 0..5).finish();
        f.inline_suppressible = inline;
        (file, f)
    }

    #[test]
    fn findings_that_refuse_inline_markers_are_not_silenced_by_them() {
        let s = Suppressions::new(true, &[], HashSet::new()).unwrap();
        let (file, secret) = toy_finding("secrets", true);
        assert_eq!(s.suppressed_by(&secret, Some(&file)), Some(SuppressedBy::Inline));
        let (file, other_check) = toy_finding("policy", true);
        assert_eq!(s.suppressed_by(&other_check, Some(&file)), None);
        let (file, hidden) = toy_finding("secrets", false);
        assert_eq!(s.suppressed_by(&hidden, Some(&file)), None);
    }

    #[test]
    fn allow_entries_can_name_a_check_and_unused_ones_are_reported() {
        let entry = |check: &str| AllowEntry {
            path: Some("a.txt".into()),
            check: Some(check.into()),
            rule: None,
            fingerprint: None,
            reason: "test".into(),
            expires: None,
            source: format!("{check}.toml"),
            location: format!("{check}.toml:1"),
            organisation: false,
        };
        let s = Suppressions::new(false, &[entry("policy"), entry("secrets")], HashSet::new()).unwrap();
        let (file, f) = toy_finding("secrets", true);
        assert_eq!(s.suppressed_by(&f, Some(&file)), Some(SuppressedBy::Policy));
        let unused: Vec<String> = s.unused().into_iter().map(|w| w.path).collect();
        assert_eq!(unused, vec!["policy.toml:1".to_string()]);
    }
}
