//! Baselines: the fingerprints of findings a team has accepted (old leaks, already
//! rotated), so that adopting tollgate on an old repository blocks only new ones. A
//! baseline holds no secret: fingerprints, rule ids, paths and redacted hints. It is
//! meant to be committed.

use std::collections::HashSet;
use std::path::Path;

use serde_json::json;

use crate::engine::Outcome;

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read baseline: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid { path: String, line: usize, column: usize, message: String },
}

/// Reads the fingerprints of a baseline file.
pub fn load(path: &Path) -> Result<HashSet<String>, BaselineError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io { path: shown.clone(), source })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
        path: shown.clone(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let invalid =
        |message: &str| BaselineError::Invalid { path: shown.clone(), line: 1, column: 1, message: message.into() };
    let entries =
        value.get("findings").and_then(|f| f.as_array()).ok_or_else(|| invalid("expected a `findings` array"))?;
    entries
        .iter()
        .map(|e| {
            e.get("fingerprint")
                .and_then(|f| f.as_str())
                .map(str::to_string)
                .ok_or_else(|| invalid("every baseline entry needs a `fingerprint` string"))
        })
        .collect()
}

/// The fingerprint scheme a baseline is written with. 2: guessable secrets (short or
/// regular values) are fingerprinted with a slow KDF (see [`crate::finding::fingerprint`]).
pub const FINGERPRINT_SCHEME: u64 = 2;

/// Whether the baseline at `path` was written before the slow fingerprints: its
/// entries for guessable secrets no longer match and it should be made again. A file
/// that cannot be read says nothing here ([`load`] reports it).
pub fn predates_slow_fingerprints(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return false };
    value.get("findings").is_some()
        && value.get("fingerprints").and_then(|v| v.as_u64()).unwrap_or(1) < FINGERPRINT_SCHEME
}

/// A baseline of every finding (reported or suppressed) in an outcome, as JSON.
pub fn render(outcome: &Outcome, source: &str, version: &str) -> String {
    let mut entries: Vec<serde_json::Value> = outcome
        .findings
        .iter()
        .map(|f| {
            json!({
                "fingerprint": f.fingerprint,
                "rule": &*f.rule,
                "path": &*f.path,
                "check": f.check,
                "redacted": f.redacted(),
                "commit": f.commit,
            })
        })
        .collect();
    entries.sort_by(|a, b| a["fingerprint"].as_str().cmp(&b["fingerprint"].as_str()));
    entries.dedup_by(|a, b| a["fingerprint"] == b["fingerprint"]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let value = json!({
        "tool": "tollgate",
        "version": version,
        "created": crate::finding::rfc3339(now as i64),
        "source": source,
        "fingerprints": FINGERPRINT_SCHEME,
        "findings": entries,
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_baselines_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(&p, "{\n  \"findings\": [\n    {\"fingerprint\": 3}\n  ]\n}\n").unwrap();
        assert!(matches!(load(&p), Err(BaselineError::Invalid { .. })));
        std::fs::write(&p, "{\n  \"findings\": [,]\n}").unwrap();
        match load(&p) {
            Err(BaselineError::Invalid { line, column, .. }) => assert_eq!((line, column), (2, 16)),
            other => panic!("{other:?}"),
        }
        std::fs::write(&p, "{\"findings\": [{\"fingerprint\": \"abc\"}]}").unwrap();
        assert!(load(&p).unwrap().contains("abc"), "an old baseline stays readable");
        assert!(predates_slow_fingerprints(&p));
        std::fs::write(&p, render(&Outcome::default(), "history", "0")).unwrap();
        assert!(!predates_slow_fingerprints(&p));
    }
}
