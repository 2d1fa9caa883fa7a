use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::Report;

/// SARIF 2.1.0, as code-scanning services read it. The message carries the redacted
/// value only; `partialFingerprints` lets a service follow a finding across runs.
pub fn render_sarif(report: &Report<'_>) -> String {
    let o = report.outcome;
    // Rules that have results, in a stable order, with their index.
    let mut rules: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for f in &o.findings {
        rules.entry(&f.rule).or_insert((&f.message, f.check));
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules_json: Vec<Value> = rules
        .iter()
        .map(|(id, (message, check))| {
            json!({
                "id": id,
                "shortDescription": { "text": message },
                "fullDescription": { "text": format!("{message} ({check} check)") },
                "help": { "text": "Remove the value from the change, rotate it if it is a real credential, or record a reviewed exception in .tollgate.toml." },
                "properties": { "check": check, "tags": ["security", check] },
            })
        })
        .collect();
    let results: Vec<Value> = o
        .findings
        .iter()
        .map(|f| {
            let mut properties = json!({ "check": f.check, "redacted": f.redacted });
            if let Some(c) = &f.commit {
                properties["commit"] = json!(c);
            }
            json!({
                "ruleId": &*f.rule,
                "ruleIndex": index[&*f.rule],
                "level": if f.blocks() { "error" } else { "warning" },
                "message": { "text": format!("{} ({})", f.message, f.redacted) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.path.replace('\\', "/") },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    }
                }],
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
        }],
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}
