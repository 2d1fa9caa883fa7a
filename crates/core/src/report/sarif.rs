use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::Report;
use crate::finding::Evidence;

/// SARIF 2.1.0, as code-scanning services read it. The message carries the redacted
/// value only; `partialFingerprints` lets a service follow a finding across runs.
pub fn render_sarif(report: &Report<'_>) -> String {
    let o = report.outcome;
    // Rules that have results, in a stable order, with their index.
    let mut rules: BTreeMap<&str, (&str, &str, Option<&str>)> = BTreeMap::new();
    for f in &o.findings {
        rules.entry(&f.rule).or_insert((&f.message, f.check, f.help.as_deref()));
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules_json: Vec<Value> = rules
        .iter()
        .map(|(id, (message, check, help))| {
            let help =
                help.map(|h| format!("{h} If it is a false alarm, record a reviewed exception in .tollgate.toml."));
            let help =
                help.unwrap_or_else(|| "Fix the change, or record a reviewed exception in .tollgate.toml.".into());
            json!({
                "id": id,
                "shortDescription": { "text": message },
                "fullDescription": { "text": format!("{message} ({check} check)") },
                "help": { "text": help },
                "properties": { "check": check, "tags": ["security", check] },
            })
        })
        .collect();
    let results: Vec<Value> = o
        .findings
        .iter()
        .map(|f| {
            let mut properties = json!({ "check": f.check });
            let text = match &f.evidence {
                Evidence::Secret { redacted, .. } => {
                    properties["redacted"] = json!(redacted);
                    format!("{} ({redacted})", f.message)
                }
                Evidence::Text(t) => {
                    properties["evidence"] = json!(t);
                    format!("{}: {t}", f.message)
                }
                Evidence::None => f.message.clone(),
            };
            if let Some(c) = &f.commit {
                properties["commit"] = json!(c);
            }
            if let Some(p) = &f.package {
                properties["package"] = json!(p);
            }
            if !f.advisories.is_empty() {
                properties["advisories"] = json!(f.advisories);
            }
            if !f.owners.is_empty() {
                properties["owners"] = json!(f.owners);
            }
            // A finding about a commit as a whole has no file; SARIF needs a location
            // all the same, so it points at the repository root.
            let uri = if f.path.is_empty() { ".".to_string() } else { uri_reference(&f.path.replace('\\', "/")) };
            let mut physical = json!({ "artifactLocation": { "uri": uri } });
            if let Some(line) = f.line {
                physical["region"] = json!({ "startLine": line });
                if let Some(c) = f.column {
                    physical["region"]["startColumn"] = json!(c);
                }
            }
            json!({
                "ruleId": &*f.rule,
                "ruleIndex": index[&*f.rule],
                "level": if f.blocks() { "error" } else { "warning" },
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical }],
                "partialFingerprints": { "tollgate/v1": f.fingerprint },
                "properties": properties,
            })
        })
        .collect();
    let value = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool,
                "version": report.version,
                "rules": rules_json,
            }},
            "results": results,
            // Columns count characters (code points), as the human and JSON reports
            // do, not SARIF's default UTF-16 code units.
            "columnKind": "unicodeCodePoints",
        }],
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

/// A repository path as a relative URI reference (RFC 3986): every byte but the
/// unreserved characters and `/` percent-encoded, so that `a b#1.py` or `café.py`
/// is read back as the same path, and `#` or `?` do not end it.
fn uri_reference(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_utf8() {
        assert_eq!(uri_reference("src/main.rs"), "src/main.rs");
        assert_eq!(uri_reference("café/ü b#1?.py"), "caf%C3%A9/%C3%BC%20b%231%3F.py");
        assert_eq!(uri_reference("100%.txt"), "100%25.txt");
    }
}
