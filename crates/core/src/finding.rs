//! What a check reports: located, redacted, fingerprinted.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub use tollgate_config::Severity;

use crate::change::{ChangeContext, ChangedFile, CommitInfo};

/// Extra facts about a dependency finding (see DESIGN.md's JSON report).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    pub version: String,
}

/// What a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A value at a line and column (a secret, a code pattern).
    Span,
    /// A whole line.
    Line,
    /// A whole file (a forbidden path, a file too large).
    File,
    /// A commit or the change as a whole (a missing trailer).
    Commit,
}

/// What a finding shows of what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// A secret: only a redacted form, and the line with every secret on it masked.
    Secret {
        redacted: String,
        masked_line: String,
    },
    /// Plain text that is safe to show (a package name, a forbidden path).
    Text(String),
    None,
}

/// One problem found in one place. Holds no secret: only a redacted form and a hash.
#[derive(Debug, Clone)]
pub struct Finding {
    pub check: &'static str,
    pub rule: Arc<str>,
    pub severity: SeverityName,
    pub location: Location,
    /// Repository-relative path; empty for a finding about a commit as a whole.
    pub path: Arc<str>,
    /// 1-based; `None` for whole-file and commit findings.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Full hex id of the commit that introduced the finding, in commit-judging modes.
    pub commit: Option<String>,
    /// The commit's author date (RFC 3339, UTC), when there is a commit.
    pub author_date: Option<String>,
    pub message: String,
    pub evidence: Evidence,
    /// Stable across runs and line moves; each check decides what it covers (a secret:
    /// rule, path and value; a dependency: ecosystem, name, version and advisory).
    pub fingerprint: String,
    /// What else the check established ("checksum verified offline", say).
    pub note: Option<String>,
    /// How to fix or accept it: the rule's help text, shown by the human report and SARIF.
    pub help: Option<Arc<str>>,
    /// Whether a `tollgate:allow` comment may silence it (hidden-text rules may not).
    pub inline_suppressible: bool,
    /// Byte range in its file (for inline markers and masking); not reported.
    pub span: Option<std::ops::Range<usize>>,
    pub package: Option<Package>,
    pub advisories: Vec<String>,
    /// Code owners of the path (from CODEOWNERS), when known.
    pub owners: Vec<String>,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("check", self.check)?;
        m.serialize_entry("rule", &*self.rule)?;
        m.serialize_entry("severity", &self.severity)?;
        m.serialize_entry("location", &self.location)?;
        m.serialize_entry("path", &(!self.path.is_empty()).then_some(&*self.path))?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("column", &self.column)?;
        m.serialize_entry("commit", &self.commit)?;
        if let Some(d) = &self.author_date {
            m.serialize_entry("author_date", d)?;
        }
        m.serialize_entry("message", &self.message)?;
        match &self.evidence {
            Evidence::Secret { redacted, .. } => m.serialize_entry("redacted", redacted)?,
            Evidence::Text(t) => m.serialize_entry("evidence", t)?,
            Evidence::None => {}
        }
        m.serialize_entry("fingerprint", &self.fingerprint)?;
        if let Some(n) = &self.note {
            m.serialize_entry("note", n)?;
        }
        if let Some(h) = &self.help {
            m.serialize_entry("help", &**h)?;
        }
        if let Some(p) = &self.package {
            m.serialize_entry("package", p)?;
        }
        if !self.advisories.is_empty() {
            m.serialize_entry("advisories", &self.advisories)?;
        }
        if !self.owners.is_empty() {
            m.serialize_entry("owners", &self.owners)?;
        }
        m.end()
    }
}

/// A severity serialised the way reports spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityName(pub Severity);

impl Serialize for SeverityName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

/// What a check knows when it has found a secret: where the value is in the file, and
/// what to call it. [`Finding::locate`] turns it into a finding.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub check: &'static str,
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: String,
    /// Byte range of the offending value in the file's text.
    pub span: std::ops::Range<usize>,
    pub note: Option<String>,
    pub chunk: &'a ChangedFile,
}

impl Finding {
    /// A finding with no location yet; place it with [`Finding::in_file`],
    /// [`Finding::at_line`], [`Finding::at_offset`] or [`Finding::on_change`]. Its
    /// fingerprint covers check, rule, path, line and evidence unless the check sets one.
    pub fn new(
        check: &'static str,
        rule: impl Into<Arc<str>>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            check,
            rule: rule.into(),
            severity: SeverityName(severity),
            location: Location::Commit,
            path: Arc::from(""),
            line: None,
            column: None,
            commit: None,
            author_date: None,
            message: message.into(),
            evidence: Evidence::None,
            fingerprint: String::new(),
            note: None,
            help: None,
            inline_suppressible: true,
            span: None,
            package: None,
            advisories: Vec::new(),
            owners: Vec::new(),
        }
    }

    fn with_commit(mut self, commit: Option<&Arc<CommitInfo>>) -> Finding {
        self.commit = commit.map(|c| c.id.clone());
        self.author_date = commit.map(|c| rfc3339(c.author_time()));
        self
    }

    /// About a file as a whole, known by its path (and commit) only.
    pub fn about_path(mut self, path: &str, commit: Option<&str>) -> Finding {
        self.location = Location::File;
        self.path = Arc::from(path);
        self.commit = commit.map(str::to_string);
        self
    }

    /// About a file as a whole.
    pub fn in_file(mut self, file: &ChangedFile) -> Finding {
        self.location = Location::File;
        self.path = file.path.clone();
        self.with_commit(file.commit.as_ref())
    }

    /// About one line of a file.
    pub fn at_line(mut self, file: &ChangedFile, line: u32) -> Finding {
        self = self.in_file(file);
        self.location = Location::Line;
        self.line = Some(line);
        self
    }

    /// About the text at `span` of a file (not a secret: its evidence is up to the check).
    pub fn at_offset(mut self, file: &ChangedFile, span: std::ops::Range<usize>) -> Finding {
        let (line, _) = file.line_at(span.start);
        self = self.in_file(file);
        self.location = Location::Span;
        self.line = Some(line);
        self.column = Some(file.column_at(span.start));
        self.span = Some(span);
        self
    }

    /// About the change or commit as a whole.
    pub fn on_change(mut self, change: &ChangeContext) -> Finding {
        self.location = Location::Commit;
        self.with_commit(change.commit.as_ref())
    }

    pub fn with_evidence(mut self, text: impl Into<String>) -> Finding {
        self.evidence = Evidence::Text(text.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Finding {
        self.note = Some(note.into());
        self
    }

    pub fn with_package(mut self, package: Package, advisories: Vec<String>) -> Finding {
        self.package = Some(package);
        self.advisories = advisories;
        self
    }

    /// A fingerprint over the parts the check says identify the finding.
    pub fn with_fingerprint(mut self, parts: &[&[u8]]) -> Finding {
        self.fingerprint = fingerprint_parts(parts);
        self
    }

    /// Rules that must not be silenced by a comment on the same line (hidden text).
    pub fn not_inline_suppressible(mut self) -> Finding {
        self.inline_suppressible = false;
        self
    }

    /// Fills in the default fingerprint when the check set none.
    pub fn finish(mut self) -> Finding {
        if self.fingerprint.is_empty() {
            let line = self.line.map(|l| l.to_string()).unwrap_or_default();
            let evidence = match &self.evidence {
                Evidence::Text(t) => t.as_str(),
                _ => "",
            };
            self.fingerprint = fingerprint_parts(&[
                self.check.as_bytes(),
                self.rule.as_bytes(),
                self.path.as_bytes(),
                line.as_bytes(),
                evidence.as_bytes(),
            ]);
        }
        self
    }

    /// Locates a secret in its file, redacts the value and computes the fingerprint.
    pub fn locate(hit: Hit<'_>) -> Finding {
        let chunk = hit.chunk;
        let value = &chunk.text[hit.span.clone()];
        let masked_line = mask_line(&chunk.text, chunk.line_range(hit.span.start), &hit.span, &[]);
        let mut f = Finding::new(hit.check, hit.rule, hit.severity, hit.message).at_offset(chunk, hit.span.clone());
        f.fingerprint = fingerprint(&f.rule, &chunk.path, value);
        f.evidence = Evidence::Secret { redacted: redact(value), masked_line };
        f.note = hit.note;
        f
    }

    /// The redacted value of a secret finding.
    pub fn redacted(&self) -> Option<&str> {
        match &self.evidence {
            Evidence::Secret { redacted, .. } => Some(redacted),
            _ => None,
        }
    }

    /// `path:line:column`, as far as the finding has them.
    pub fn place(&self) -> String {
        let mut s = if self.path.is_empty() { "(commit)".to_string() } else { self.path.to_string() };
        if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(":{c}"));
            }
        }
        s
    }

    /// Masks, in this finding's line, the values of other secrets of the same file too:
    /// two secrets on one line must not show each other in the clear. `others` is sorted
    /// by start; only those near this finding are looked at (the masked line shows a
    /// little context around the value), so a file with many secrets stays linear.
    pub fn mask_others(&mut self, file: &ChangedFile, others: &[std::ops::Range<usize>]) {
        let (Some(span), Evidence::Secret { masked_line, .. }) = (self.span.clone(), &mut self.evidence) else {
            return;
        };
        let line = file.line_range(span.start);
        // The masked line shows CONTEXT bytes around the value; a multi-line value (a
        // key) may start up to REACH before it and reach into it.
        const REACH: usize = 64 * 1024;
        let from = others.partition_point(|o| o.start < span.start.saturating_sub(REACH));
        let to = others.partition_point(|o| o.start < line.end.min(span.end + CONTEXT));
        let on_line: Vec<std::ops::Range<usize>> = others[from..to]
            .iter()
            .filter(|o| **o != span && o.start < line.end && line.start < o.end)
            .cloned()
            .collect();
        if !on_line.is_empty() {
            *masked_line = mask_line(&file.text, line, &span, &on_line);
        }
    }

    pub fn blocks(&self) -> bool {
        self.severity.0 == Severity::Block
    }
}

/// Bytes of context a masked line shows on each side of the value.
const CONTEXT: usize = 60;

/// SHA-256 over length-prefixed parts, shortened to 32 hex digits.
pub fn fingerprint_parts(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex(&h.finalize()[..16])
}

/// `rule + path + sha256(value)`, hashed again and shortened to 32 hex digits. Stable
/// when the line moves; changes when the value or file changes.
pub fn fingerprint(rule: &str, path: &str, value: &[u8]) -> String {
    if guessable(value) {
        return slow_fingerprint(rule, path, value);
    }
    let value_hash = Sha256::digest(value);
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(value_hash);
    hex(&h.finalize()[..16])
}

/// Below this many estimated bits a secret could be found again from its fingerprint
/// by guessing (a dictionary, a pattern and the redacted hint); its fingerprint then
/// costs a slow KDF. Passwords and short values (a value of 16 characters or fewer
/// always estimates below it) are under it; provider tokens (an AWS key id's 20
/// characters estimate about 80 bits, 2^80 hashes being out of anyone's reach) keep
/// the fast hash, so a hook or history scan with many findings stays fast.
const GUESSABLE_BITS: f64 = 72.0;

/// Whether a value is short or regular enough that guessing it from a committed
/// baseline is practical: its length times its Shannon entropy per byte.
fn guessable(value: &[u8]) -> bool {
    if value.len() as f64 * crate::entropy::shannon(value) >= GUESSABLE_BITS {
        return false;
    }
    // Shannon entropy undercounts a short random string that happens to repeat a
    // character (an AWS key id with two of one letter estimates 68 bits). A value of 20
    // characters or more drawn from a wide alphabet is a machine's token, not a person's
    // password: 20 characters of upper case and digits are 103 bits of search.
    let classes = [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
        value.iter().any(|b| !b.is_ascii_alphanumeric()),
    ];
    let alphabet: f64 = [26.0, 26.0, 10.0, 32.0].iter().zip(classes).filter(|(_, has)| *has).map(|(n, _)| n).sum();
    !(value.len() >= 20 && value.len() as f64 * alphabet.log2() >= 100.0)
}

/// scrypt with fixed parameters (N = 2^13, r = 8, p = 1: 8 MiB and about twenty
/// milliseconds a guess, measured in the README) over rule, path and value. The
/// parameters are fixed, not per repository, so a baseline committed by one person
/// matches on every clone; the salt only separates this use from any other. A prefix
/// tells these fingerprints from the fast ones.
fn slow_fingerprint(rule: &str, path: &str, value: &[u8]) -> String {
    const LOG_N: u8 = 13;
    let mut input = Vec::with_capacity(rule.len() + path.len() + value.len() + 2);
    input.extend_from_slice(rule.as_bytes());
    input.push(0);
    input.extend_from_slice(path.as_bytes());
    input.push(0);
    input.extend_from_slice(value);
    let mut out = [0u8; 16];
    // Fixed, valid parameters and output length: neither call can fail.
    let derived = scrypt::Params::new(LOG_N, 8, 1)
        .ok()
        .and_then(|params| scrypt::scrypt(&input, b"tollgate fingerprint v2", &params, &mut out).ok());
    if derived.is_none() {
        // Unreachable with the constants above; never fall back to the fast hash.
        return format!("k2{}", hex(&Sha256::digest(&input)[..15]));
    }
    format!("k2{}", &hex(&out)[2..])
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

/// Text safe to show as a finding's evidence: at most `max` characters of `bytes`, with
/// every token-like run (a credential no rule knows, perhaps) redacted.
pub fn safe_excerpt(bytes: &[u8], max: usize) -> String {
    let text = mask_tokens(bytes);
    let text: String = text.chars().filter(|c| *c == '\t' || !c.is_control()).collect();
    let text = text.trim();
    if text.chars().count() > max {
        text.chars().take(max).collect::<String>() + "…"
    } else {
        text.to_string()
    }
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
        let slow = fingerprint("generic-password", "app.py", b"Summer2024!x");
        assert!(slow.starts_with("k2") && slow.len() == 32, "{slow}");
        assert_eq!(slow, fingerprint("generic-password", "app.py", b"Summer2024!x"));
        assert_ne!(slow, fingerprint("generic-password", "app.py", b"Summer2024!y"));
        assert_ne!(slow, fingerprint("generic-password", "b.py", b"Summer2024!x"));
        let token: Vec<u8> =
            (0..40u8).map(|i| b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"[(i as usize * 7) % 46]).collect();
        assert!(!fingerprint("t", "p", &token).starts_with("k2"), "a random-looking token keeps the fast hash");
        // An AWS key id's 16 random characters are out of guessing's reach; a 16-character
        // password is not.
        let key_id = ["AKIA", "QX7Z", "M2LR", "K9WV", "T3YP"].concat();
        assert!(!guessable(key_id.as_bytes()));
        assert!(guessable(b"Tr0ub4dor&3xyzw!"));
        let repeating = ["AKIA", "TK2P", "AATK", "2PQQ", "7XAB"].concat();
        assert!(!guessable(repeating.as_bytes()), "repeats do not make a 20-character key id guessable");
        assert!(guessable(b"correcthorsebattery"), "a passphrase of words is");
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

    /// Measures the slow fingerprint's cost (README, Performance):
    /// `cargo test -p tollgate-core --release fingerprint_cost -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn fingerprint_cost() {
        let rounds = 20u32;
        let started = std::time::Instant::now();
        for i in 0..rounds {
            let _ = fingerprint("generic-password", "app.py", format!("Summer2024!{i}").as_bytes());
        }
        let slow = started.elapsed() / rounds;
        let started = std::time::Instant::now();
        for i in 0..rounds {
            let _ = fingerprint("t", "p", format!("ghx_{i}aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z").as_bytes());
        }
        eprintln!("slow fingerprint: {slow:?} per finding; fast: {:?}", started.elapsed() / rounds);
    }
}
