//! The JSON report: [`Report`] as it is, for a machine (a dashboard, a CI gate).

use crate::model::Report;

/// One pretty-printed JSON object and a newline.
pub fn render(report: &Report) -> String {
    // Serialising plain maps, strings and numbers cannot fail; keep a message if it does.
    let mut text =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{LogSet, Record};
    use crate::time::parse_timestamp;

    #[test]
    fn the_json_names_what_was_not_recorded_as_null() {
        let record = Record {
            time: "2026-03-01T10:00:00Z".into(),
            at: parse_timestamp("2026-03-01T10:00:00Z").unwrap(),
            hook: "pre-push".into(),
            result: "clean".into(),
            ..Record::default()
        };
        let set = LogSet { records: vec![record], ..LogSet::default() };
        let value: serde_json::Value = serde_json::from_str(&render(&Report::of(&set, None))).unwrap();
        assert_eq!(value["report_format"], 1);
        assert_eq!(value["records"], 1);
        assert_eq!(value["totals"]["runs"]["pre-push"]["clean"], 1);
        assert!(value["totals"]["bypasses"].is_null(), "format 1 does not record bypasses");
        assert!(value["totals"]["blocks"]["by_check"].is_null());
        assert!(value["totals"]["ai_share"].is_null());
        assert_eq!(value["repositories"], serde_json::json!([]));
    }
}
