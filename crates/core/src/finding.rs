//! What a check reports: located, redacted, fingerprinted.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub use tollgate_config::Severity;

use crate::chunk::{column_of, Chunk};

/// Extra facts about a dependency finding (see DESIGN.md's JSON report).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    pub version: String,
}

/// One problem found in one place. Holds no secret: only a redacted form and a hash.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub rule: Arc<str>,
    pub severity: SeverityName,
    pub path: Arc<str>,
    pub line: u32,
    pub column: u32,
    /// Full hex id of the commit that introduced the finding, in commit-judging modes.
    pub commit: Option<String>,
    /// The commit's author date (RFC 3339, UTC), when there is a commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_date: Option<String>,
    pub message: String,
    pub redacted: String,
    /// Stable across runs and line moves: rule + path + hash of the matched value.
    pub fingerprint: String,
    /// What else the check established ("checksum verified offline", say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The line with the secret masked, for the human report.
    #[serde(skip)]
    pub masked_line: String,
    /// Byte range of the value in its chunk (for inline markers and masking); not
    /// reported.
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub advisories: Vec<String>,
}

/// A severity serialised the way reports spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityName(pub Severity);

impl Serialize for SeverityName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

/// What a check knows when it has found something: where the value is in the chunk,
/// and what to call it. [`Finding::locate`] turns it into a finding.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub check: &'static str,
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: String,
    /// Byte range of the offending value in the chunk text.
    pub span: std::ops::Range<usize>,
    pub note: Option<String>,
    pub chunk: &'a Chunk,
}

impl Finding {
    /// Locates a hit in its chunk, redacts the value and computes the fingerprint.
    pub fn locate(hit: Hit<'_>) -> Finding {
        let chunk = hit.chunk;
        let value = &chunk.text[hit.span.clone()];
        let (line, line_range) = chunk.line_at(hit.span.start);
        let column = column_of(&chunk.text, line_range.start, hit.span.start);
        let masked_line = mask_line(&chunk.text, line_range, &hit.span, &[]);
        let commit = chunk.commit.as_ref();
        Finding {
            check: hit.check,
            fingerprint: fingerprint(&hit.rule, &chunk.path, value),
            rule: hit.rule,
            severity: SeverityName(hit.severity),
            path: chunk.path.clone(),
            line,
            column,
            commit: commit.map(|c| c.id.clone()),
            author_date: commit.map(|c| rfc3339(c.author_time)),
            message: hit.message,
            redacted: redact(value),
            note: hit.note,
            masked_line,
            span: hit.span.clone(),
            package: None,
            advisories: Vec::new(),
        }
    }

    /// Masks, in this finding's line, the values of other findings of the same chunk
    /// too: two secrets on one line must not show each other in the clear.
    pub fn mask_others(&mut self, text: &[u8], others: &[std::ops::Range<usize>]) {
        let line = crate::chunk::line_bounds(text, self.span.start);
        let on_line: Vec<std::ops::Range<usize>> =
            others.iter().filter(|o| **o != self.span && o.start < line.end && line.start < o.end).cloned().collect();
        if !on_line.is_empty() {
            self.masked_line = mask_line(text, line, &self.span, &on_line);
        }
    }

    pub fn blocks(&self) -> bool {
        self.severity.0 == Severity::Block
    }
}

/// `rule + path + sha256(value)`, hashed again and shortened to 32 hex digits. Stable
/// when the line moves; changes when the value or file changes.
pub fn fingerprint(rule: &str, path: &str, value: &[u8]) -> String {
    let value_hash = Sha256::digest(value);
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(value_hash);
    hex(&h.finalize()[..16])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A redacted form of a secret: enough to recognise it, never enough to use it.
/// Short values show nothing but their length; longer ones a few characters at each end
/// (at most a quarter of the value in all).
pub fn redact(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let chars: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
    let n = chars.len();
    if n < 16 {
        return format!("…({n} chars)");
    }
    let (head, tail) = if n >= 32 { (4, 4) } else { (2, 2) };
    let head: String = chars[..head].iter().collect();
    let tail: String = chars[n - tail..].iter().collect();
    format!("{head}…{tail}")
}

/// The line holding the value, with the value (and any `others` on the line) replaced
/// by its redacted form. Lines are cut to a readable width around the value.
fn mask_line(
    text: &[u8],
    line: std::ops::Range<usize>,
    span: &std::ops::Range<usize>,
    others: &[std::ops::Range<usize>],
) -> String {
    const CONTEXT: usize = 60;
    let window = span.start.saturating_sub(CONTEXT).max(line.start)..(span.end.min(line.end) + CONTEXT).min(line.end);
    let mut secrets: Vec<&std::ops::Range<usize>> = std::iter::once(span).chain(others).collect();
    secrets.sort_by_key(|r| r.start);
    let mut out = String::new();
    if window.start > line.start {
        out.push('…');
    }
    let mut at = window.start;
    for secret in secrets {
        if secret.end <= at || secret.start >= window.end {
            continue;
        }
        out.push_str(&mask_tokens(&text[at..secret.start.max(at)]));
        // A value cut by the window's start shows nothing of itself.
        if secret.start >= at {
            out.push_str(&redact(&text[secret.clone()]));
        } else {
            out.push('…');
        }
        at = secret.end.min(line.end).max(at);
    }
    if at < window.end {
        out.push_str(&mask_tokens(&text[at..window.end]));
    }
    if window.end < line.end {
        out.push('…');
    }
    let out: String = out.chars().filter(|c| *c == '\t' || !c.is_control()).collect();
    out.trim_start().to_string()
}

/// Context around a finding, with anything that looks like a token (a run of 16 or
/// more key characters mixing letters and digits) redacted too: a line may hold a
/// credential no rule knows, and the report must not show it.
fn mask_tokens(bytes: &[u8]) -> String {
    let is_key_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-');
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && is_key_char(bytes[i]) {
            i += 1;
        }
        let run = &bytes[start..i];
        let tokenish = run.len() >= 16
            && run.iter().any(u8::is_ascii_digit)
            && run.iter().any(u8::is_ascii_alphabetic)
            && crate::entropy::shannon(run) >= 3.0;
        if tokenish {
            out.push_str(&redact(run));
        } else {
            out.push_str(&String::from_utf8_lossy(run));
        }
        let rest = i;
        while i < bytes.len() && !is_key_char(bytes[i]) {
            i += 1;
        }
        out.push_str(&String::from_utf8_lossy(&bytes[rest..i]));
    }
    out
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: i64) -> String {
    let d = tollgate_config::Date::from_unix_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{d}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_most_of_the_value() {
        let secret = b"ghp_0123456789abcdefghijklmnopqrstuvwxyz"; // tollgate:allow
        let r = redact(secret);
        assert_eq!(r, "ghp_…wxyz");
        assert_eq!(redact(b"hunter2"), "…(7 chars)");
        assert_eq!(redact(b"abcdefghijklmn"), "…(14 chars)");
        assert_eq!(redact(b"abcdefghijklmnop"), "ab…op");
    }

    #[test]
    fn fingerprint_depends_on_rule_path_and_value_only() {
        let a = fingerprint("r", "p", b"v");
        assert_eq!(a, fingerprint("r", "p", b"v"));
        assert_ne!(a, fingerprint("r", "q", b"v"));
        assert_ne!(a, fingerprint("s", "p", b"v"));
        assert_ne!(a, fingerprint("r", "p", b"w"));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn masked_line_hides_the_value() {
        // tollgate:allow=aws-access-key-id (a made-up key)
        let text = b"    key = \"AKIAABCDEFGHIJKLMNOP\"  # prod";
        let start = 11;
        let masked = mask_line(text, 0..text.len(), &(start..start + 20), &[]);
        assert_eq!(masked, "key = \"AK…OP\"  # prod");
        assert!(!masked.contains("ABCDEFGHIJKLMNOP"));
    }

    #[test]
    fn other_values_on_the_line_are_masked_too() {
        let text = b"id=AKIAQX7ZM2LRK9WVT3YP secret=Zq8Rt2vW7pLx9sQ1 end"; // tollgate:allow (made up)
        let (id, key) = (3..23, 31..47);
        let masked = mask_line(text, 0..text.len(), &id, std::slice::from_ref(&key));
        assert_eq!(masked, "id=AK…YP secret=Zq…Q1 end");
        let masked = mask_line(text, 0..text.len(), &key, std::slice::from_ref(&id));
        assert_eq!(masked, "id=AK…YP secret=Zq…Q1 end");
    }

    #[test]
    fn token_like_context_is_masked_but_words_are_not() {
        assert_eq!(mask_tokens(b"url = https://example.com/a/b"), "url = https://example.com/a/b");
        assert_eq!(mask_tokens(b" other_secret_name=q8ZkR2vW7pLx9sT4mN3bVd;"), " other_secret_name=q8…Vd;");
    }

    #[test]
    fn dates_render_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_764_000_000), "2025-11-24T16:00:00Z");
    }
}
