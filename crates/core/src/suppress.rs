//! Why a finding may go unreported: an inline `tollgate:allow` marker, an `[[allow]]`
//! entry of the policy, or a baseline of accepted fingerprints. Every suppression is
//! counted in the report.

use std::collections::HashSet;

use globset::{Glob, GlobMatcher};
use serde::Serialize;
use tollgate_config::AllowEntry;

use crate::chunk::{line_bounds, previous_line, Chunk};
use crate::finding::Finding;

/// The inline marker. `tollgate:allow` allows any rule; `tollgate:allow=rule-a,rule-b`
/// or `tollgate:allow(rule-a)` only the rules named.
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
}

/// The suppressions in force for a run.
#[derive(Default)]
pub struct Suppressions {
    inline: bool,
    allow: Vec<CompiledAllow>,
    baseline: HashSet<String>,
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
                })
            })
            .collect::<Result<_, globset::Error>>()?;
        Ok(Suppressions { inline, allow, baseline })
    }

    /// The reason a finding is not reported, if any.
    pub fn suppressed_by(&self, finding: &Finding, chunk: &Chunk) -> Option<SuppressedBy> {
        if self.inline && inline_allowed(chunk, finding) {
            return Some(SuppressedBy::Inline);
        }
        if self.allow.iter().any(|a| a.matches(finding)) {
            return Some(SuppressedBy::Policy);
        }
        if self.baseline.contains(&finding.fingerprint) {
            return Some(SuppressedBy::Baseline);
        }
        None
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

fn inline_allowed(chunk: &Chunk, finding: &Finding) -> bool {
    let line = line_bounds(&chunk.text, finding.span.start);
    if marker_allows(&chunk.text[line.clone()], &finding.rule) {
        return true;
    }
    previous_line(&chunk.text, line.start).is_some_and(|prev| marker_allows(&chunk.text[prev], &finding.rule))
}

/// Whether a line carries a marker that allows `rule`.
pub fn marker_allows(line: &[u8], rule: &str) -> bool {
    let marker = INLINE_MARKER.as_bytes();
    let mut rest = line;
    while let Some(i) = memchr::memmem::find(rest, marker) {
        rest = &rest[i + marker.len()..];
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
            _ => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_allow_any_or_named_rules() {
        assert!(marker_allows(b"key = 'x' # tollgate:allow", "aws"));
        assert!(marker_allows(b"// tollgate:allow=aws,gcp", "gcp"));
        assert!(marker_allows(b"// tollgate:allow(aws)", "aws"));
        assert!(!marker_allows(b"// tollgate:allow(aws)", "gcp"));
        assert!(!marker_allows(b"// tollgate:allow=aws-access-key-id", "aws"));
        assert!(!marker_allows(b"// tollgate", "aws"));
        assert!(marker_allows(b"tollgate:allow=gcp tollgate:allow=aws", "aws"));
    }
}
