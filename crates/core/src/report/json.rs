use serde_json::{json, Map, Value};

use super::Report;

/// The JSON report of DESIGN.md: one object with `tool`, `version`, `findings` and
/// `stats`, plus what was suppressed, skipped or unreadable.
pub fn render_json(report: &Report<'_>) -> String {
    let o = report.outcome;
    let mut suppressed = Map::new();
    for (by, n) in report.suppressed_counts() {
        suppressed.insert(by.as_str().to_string(), json!(n));
    }
    let value = json!({
        "tool": report.tool,
        "version": report.version,
        "mode": report.mode,
        "findings": o.findings,
        "suppressed": o.suppressed,
        "warnings": o.warnings,
        "errors": o.errors,
        "notices": report.notices,
        "stats": {
            "files": o.files,
            "bytes": o.bytes,
            "elapsed_ms": report.elapsed_ms as u64,
            "commits": o.commits,
            "binary_skipped": o.binary_skipped,
            "suppressed": Value::Object(suppressed),
        },
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
