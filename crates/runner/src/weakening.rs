//! `policy-weakened`: a change to the repository's `.tollgate.toml` that lets more
//! through than before. A policy edit rides in the same commit as the code it lets
//! pass, so it is itself a finding: reported, recorded in the audit log, and blocking
//! where the organisation says so (`[settings] policy_weakened = "block"`).
//!
//! The comparison is of what the files say, not of the merged policy: a new `[[allow]]`
//! entry, a check switched off, a rule added to a `disable` list, a rule's severity
//! lowered to `warn`, inline markers switched on, the audit log switched off, a new or
//! moved baseline, larger size limits.

use tollgate_core::finding::Finding;
use tollgate_core::Severity;
use toml::{Table, Value};

/// The rule id of a weakening finding.
pub const RULE: &str = "policy-weakened";

/// Each way `new` lets more through than `old` (`None`: no file), in file order, as
/// the policy text that does it. A file that does not parse is left to the policy
/// loader's errors.
pub fn weakenings(old: Option<&str>, new: Option<&str>, sections: &[&str]) -> Vec<String> {
    let parse = |text: Option<&str>| text.map_or(Some(Table::new()), |t| t.parse::<Table>().ok());
    let (Some(old), Some(new)) = (parse(old), parse(new)) else { return Vec::new() };
    let mut found = Vec::new();

    let old_allow = array_of_tables(&old, "allow");
    for entry in array_of_tables(&new, "allow") {
        if !old_allow.iter().any(|o| same_target(o, entry)) {
            let target: Vec<String> = ["path", "rule", "fingerprint", "check"]
                .iter()
                .filter_map(|k| entry.get(*k).map(|v| format!("{k} = {v}")))
                .collect();
            found.push(format!("a new [[allow]] entry: {}", target.join(", ")));
        }
    }

    let old_settings = table(&old, "settings");
    let new_settings = table(&new, "settings");
    let setting = |t: Option<&Table>, k: &str| t.and_then(|t| t.get(k)).cloned();
    if setting(new_settings, "inline_allow") == Some(Value::Boolean(true))
        && setting(old_settings, "inline_allow") == Some(Value::Boolean(false))
    {
        found.push("`[settings] inline_allow = true`: markers in code silence findings again".into());
    }
    if setting(new_settings, "audit_log") == Some(Value::Boolean(false))
        && setting(old_settings, "audit_log") != Some(Value::Boolean(false))
    {
        found.push("`[settings] audit_log = false`: hook runs are no longer recorded".into());
    }
    if let Some(baseline) = setting(new_settings, "baseline") {
        if setting(old_settings, "baseline").as_ref() != Some(&baseline) {
            found.push(format!("`[settings] baseline = {baseline}`: a new baseline accepts its findings"));
        }
    }
    // A lower size limit leaves more files unjudged (a long line is always judged, near
    // its keywords, so `max_line_bytes` weakens nothing).
    if let (Some(Value::Integer(n)), o) =
        (setting(new_settings, "max_file_bytes"), setting(old_settings, "max_file_bytes"))
    {
        let was = match o {
            Some(Value::Integer(was)) => was,
            _ => tollgate_config::DEFAULT_MAX_FILE_BYTES as i64,
        };
        if n < was {
            found.push(format!("`[settings] max_file_bytes = {n}`: larger files are not judged"));
        }
    }
    if setting(new_settings, "not_judged") == Some(Value::String("warn".into()))
        && setting(old_settings, "not_judged") != Some(Value::String("warn".into()))
    {
        found.push("`[settings] not_judged = \"warn\"`: content too large to judge no longer blocks".into());
    }

    for name in sections {
        let (old_section, new_section) = (table(&old, name), table(&new, name));
        let Some(section) = new_section else { continue };
        if section.get("enabled") == Some(&Value::Boolean(false))
            && old_section.and_then(|t| t.get("enabled")) != Some(&Value::Boolean(false))
        {
            found.push(format!("`[{name}] enabled = false`: the {name} check is switched off"));
        }
        let old_disabled = strings(old_section, "disable");
        for id in strings(new_section, "disable") {
            if !old_disabled.contains(&id) {
                found.push(format!("`[{name}] disable` adds `{id}`"));
            }
        }
        let old_severity = old_section.and_then(|t| t.get("severity")).and_then(Value::as_table);
        if let Some(severity) = section.get("severity").and_then(Value::as_table) {
            for (id, level) in severity {
                let was = old_severity.and_then(|t| t.get(id));
                if level.as_str() == Some("warn") && was.and_then(Value::as_str) != Some("warn") {
                    found.push(format!("`[{name}.severity] {id} = \"warn\"`: the rule no longer blocks"));
                }
            }
        }
    }
    found
}

/// The findings for `weakenings` of the policy file `path`.
pub fn findings(weakenings: &[String], path: &str, severity: Severity) -> Vec<Finding> {
    weakenings
        .iter()
        .map(|what| {
            let mut finding = Finding::new("policy", RULE, severity, format!("the change weakens the policy: {what}"))
                .with_help(
                    "a policy change that lets more through is reviewed like the code it lets pass; \
                     the organisation's policy can make this block (`[settings] policy_weakened = \"block\"`)",
                )
                .not_inline_suppressible()
                .with_fingerprint(&[RULE.as_bytes(), path.as_bytes(), what.as_bytes()]);
            finding.path = path.into();
            finding.location = tollgate_core::finding::Location::File;
            finding
        })
        .collect()
}

fn table<'t>(doc: &'t Table, key: &str) -> Option<&'t Table> {
    doc.get(key).and_then(Value::as_table)
}

fn array_of_tables<'t>(doc: &'t Table, key: &str) -> Vec<&'t Table> {
    doc.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_table).collect()).unwrap_or_default()
}

fn strings(section: Option<&Table>, key: &str) -> Vec<String> {
    section
        .and_then(|t| t.get(key))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Whether two `[[allow]]` entries silence the same things (their reasons and expiry
/// may differ; a later expiry is a renewal, not a new exception).
fn same_target(a: &Table, b: &Table) -> bool {
    ["path", "rule", "fingerprint", "check"].iter().all(|k| a.get(*k) == b.get(*k))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTIONS: &[&str] = &["secrets", "policy", "deps"];

    fn weaken(old: Option<&str>, new: &str) -> Vec<String> {
        weakenings(old, Some(new), SECTIONS)
    }

    #[test]
    fn each_kind_of_weakening_is_named() {
        let old = "[settings]\ninline_allow = false\nmax_file_bytes = 1000\n\n[[allow]]\npath = \"a/**\"\nreason = \"r\"\n\n[secrets]\ndisable = [\"x\"]\n";
        let new = "[settings]\ninline_allow = true\naudit_log = false\nbaseline = \"b.json\"\nmax_file_bytes = 100\nnot_judged = \"warn\"\n\n[[allow]]\npath = \"a/**\"\nreason = \"renewed\"\n\n[[allow]]\npath = \"**\"\nreason = \"all\"\n\n[secrets]\ndisable = [\"x\", \"y\"]\n\n[secrets.severity]\nz = \"warn\"\n\n[deps]\nenabled = false\n";
        let found = weaken(Some(old), new);
        assert_eq!(found.len(), 9, "{found:#?}");
        assert!(found[0].contains("path = \"**\""), "{found:#?}");
        for expected in [
            "inline_allow = true",
            "audit_log = false",
            "baseline = \"b.json\"",
            "max_file_bytes = 100",
            "not_judged = \"warn\"",
            "`[secrets] disable` adds `y`",
            "z = \"warn\"",
            "[deps] enabled = false",
        ] {
            assert!(found.iter().any(|f| f.contains(expected)), "{expected}: {found:#?}");
        }
    }

    #[test]
    fn strengthening_or_rewording_is_not_a_weakening() {
        let old = "[[allow]]\npath = \"a/**\"\nreason = \"r\"\n\n[secrets]\nenabled = false\ndisable = [\"x\"]\n";
        let new = "[[allow]]\npath = \"a/**\"\nreason = \"better reason\"\nexpires = 2999-01-01\n\n[secrets]\nenabled = false\n\n[secrets.severity]\nx = \"block\"\n";
        assert_eq!(weaken(Some(old), new), Vec::<String>::new());
        assert_eq!(weaken(Some(old), old), Vec::<String>::new());
        // A higher size limit judges more; a line length limit leaves nothing unjudged.
        let (small, large) =
            ("[settings]\nmax_file_bytes = 100\n", "[settings]\nmax_file_bytes = 1000\nmax_line_bytes = 10\n");
        assert_eq!(weaken(Some(small), large), Vec::<String>::new());
        assert_eq!(weakenings(Some(old), None, SECTIONS), Vec::<String>::new());
    }

    #[test]
    fn a_first_policy_file_is_compared_with_none_and_broken_files_are_left_to_the_loader() {
        assert_eq!(weaken(None, "[[allow]]\nrule = \"r\"\nreason = \"x\"\n").len(), 1);
        assert!(weaken(None, "[[allow]\n").is_empty());
    }

    #[test]
    fn findings_carry_the_rule_and_the_organisations_severity() {
        let found = findings(&["x".into()], ".tollgate.toml", Severity::Block);
        assert_eq!((&*found[0].rule, found[0].blocks(), &*found[0].path), (RULE, true, ".tollgate.toml"));
        let warn = findings(&["x".into()], ".tollgate.toml", Severity::Warn);
        assert!(!warn[0].blocks());
        assert_ne!(warn[0].fingerprint, findings(&["y".into()], ".tollgate.toml", Default::default())[0].fingerprint);
    }
}
