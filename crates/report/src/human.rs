//! The terminal report: a page a person reads top to bottom, totals first, then one
//! section per repository when the logs hold several.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::{top, Aggregate, Report, TOP};
use crate::time::format_duration;

/// The report as text. Strings from the log are printed with control characters
/// escaped: a rule id or path must not be able to drive the terminal.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let repos = report.repositories.len().max(usize::from(report.records > 0));
    let span = match (&report.first, &report.last) {
        (Some(first), Some(last)) => format!(", {} to {}", &first[..10], &last[..10]),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "tollgate report: {} run(s) in {} repositor{}{span} ({} log file(s), {} malformed line(s))",
        report.records,
        repos,
        if repos == 1 { "y" } else { "ies" },
        report.files.len(),
        report.malformed_lines,
    );
    if let Some(since) = &report.since {
        let _ = writeln!(out, "since {since}");
    }
    if report.records == 0 {
        out.push_str("\nNo hook run recorded.\n");
        return out;
    }
    out.push('\n');
    aggregate(&mut out, &report.totals);
    for repo in &report.repositories {
        let _ = writeln!(out, "\n== {} ==\n", clean(&repo.repository));
        aggregate(&mut out, &repo.aggregate);
    }
    out
}

fn aggregate(out: &mut String, a: &Aggregate) {
    let _ = writeln!(out, "Runs by hook          clean  blocked    error");
    for (hook, results) in &a.runs {
        let n = |k: &str| results.get(k).copied().unwrap_or(0);
        let other: u64 =
            results.iter().filter(|(k, _)| !["clean", "blocked", "error"].contains(&k.as_str())).map(|(_, n)| n).sum();
        let other = if other > 0 { format!("  ({other} other)") } else { String::new() };
        let _ = writeln!(out, "  {:<18} {:>6} {:>8} {:>8}{other}", clean(hook), n("clean"), n("blocked"), n("error"));
    }

    let _ = writeln!(out, "\nBlocked runs: {}", a.blocks.runs);
    let _ = writeln!(
        out,
        "  by rule:  {}",
        list(&a.top_blocking_rules(TOP).iter().map(|n| (n.name.as_str(), n.count)).collect::<Vec<_>>())
    );
    let _ = writeln!(out, "  by check: {}", optional_map(a.blocks.by_check.as_ref()));

    let _ = writeln!(out, "\nSuppressions applied: {}", map(&a.suppressions.applied));
    let _ = writeln!(out, "Suppressions added by changes: {}", optional_map(a.suppressions.added.as_ref()));

    match &a.bypasses {
        Some(b) => {
            let _ = writeln!(
                out,
                "\nBypasses: {} commit(s) made without the commit hook, judged in {} push(es), {} of them blocked",
                b.commits, b.pushes, b.blocked_pushes
            );
        }
        None => out.push_str("\nBypasses: not recorded (the logs predate format 2)\n"),
    }
    let _ = writeln!(
        out,
        "Caught at push: {} blocked push(es) with {} finding(s) no commit hook had reported",
        a.caught_at_push.runs, a.caught_at_push.findings
    );

    let f = &a.fixes;
    let times = match (f.median_seconds, f.max_seconds) {
        (Some(median), Some(max)) => {
            format!(" (time to fix: median {}, max {})", format_duration(median), format_duration(max))
        }
        _ => String::new(),
    };
    let _ = writeln!(out, "Fixed after a block: {}{times}; still open: {}", f.fixed, f.open);

    match &a.agent {
        Some(agent) => {
            let _ = writeln!(
                out,
                "\nAgent: {} tool call(s) in {} session(s): {}",
                agent.calls,
                agent.sessions,
                map(&agent.decisions)
            );
            let _ = writeln!(out, "  denied by reason: {}", ranked(&agent.denied_by_reason));
            if !agent.asked_by_reason.is_empty() {
                let _ = writeln!(out, "  asked by reason:  {}", ranked(&agent.asked_by_reason));
            }
        }
        None => out.push_str("\nAgent: no agent-hook record\n"),
    }
    match &a.ai_share {
        Some(s) => {
            let _ = writeln!(
                out,
                "AI-written share: {:.1}% ({} of {} added line(s)){}",
                s.share * 100.0,
                s.agent_lines,
                s.added_lines,
                if s.by_agent.is_empty() { String::new() } else { format!(": {}", map(&s.by_agent)) }
            );
        }
        None => out.push_str("AI-written share: not recorded\n"),
    }

    if !a.top_paths.is_empty() {
        out.push_str("\nTop paths:\n");
        for p in &a.top_paths {
            let _ = writeln!(out, "  {:>5}  {}", p.count, clean(&p.name));
        }
    }
}

fn ranked(m: &BTreeMap<String, u64>) -> String {
    list(&top(m, TOP).iter().map(|n| (n.name.as_str(), n.count)).collect::<Vec<_>>())
}

fn map(m: &BTreeMap<String, u64>) -> String {
    list(&m.iter().map(|(k, &n)| (k.as_str(), n)).collect::<Vec<_>>())
}

fn optional_map(m: Option<&BTreeMap<String, u64>>) -> String {
    m.map_or_else(|| "not recorded (the logs predate format 2)".to_string(), map)
}

fn list(items: &[(&str, u64)]) -> String {
    if items.is_empty() {
        return "none".to_string();
    }
    items.iter().map(|(k, n)| format!("{} {n}", clean(k))).collect::<Vec<_>>().join(", ")
}

/// Escapes control characters (an ESC sequence in a path would reach the terminal).
fn clean(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{LogSet, Record};
    use crate::time::parse_timestamp;

    fn record(time: &str, hook: &str, result: &str) -> Record {
        Record {
            time: time.into(),
            at: parse_timestamp(time).unwrap(),
            hook: hook.into(),
            result: result.into(),
            repository: "/r".into(),
            ..Record::default()
        }
    }

    #[test]
    fn the_text_shows_counts_and_says_what_was_not_recorded() {
        let mut blocked = record("2026-03-01T10:00:00Z", "pre-commit", "blocked");
        blocked.counts.insert("aws-access-key-id".into(), 1);
        blocked.fingerprints.push("f".into());
        let fixed = record("2026-03-01T10:05:00Z", "pre-commit", "clean");
        let set = LogSet { records: vec![blocked, fixed], ..LogSet::default() };
        let text = render(&Report::of(&set, None));
        assert!(text.starts_with("tollgate report: 2 run(s) in 1 repository, 2026-03-01 to 2026-03-01"), "{text}");
        assert!(text.contains("  pre-commit              1        1        0"), "{text}");
        assert!(text.contains("by rule:  aws-access-key-id 1"), "{text}");
        assert!(text.contains("Bypasses: not recorded"), "{text}");
        assert!(text.contains("Fixed after a block: 1 (time to fix: median 5m, max 5m); still open: 0"), "{text}");
    }

    #[test]
    fn control_characters_from_the_log_are_escaped() {
        let mut r = record("2026-03-01T10:00:00Z", "pre-commit", "blocked");
        r.counts.insert("rule\u{1b}[31m".into(), 1);
        let set = LogSet { records: vec![r], ..LogSet::default() };
        let text = render(&Report::of(&set, None));
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("rule\\u{1b}[31m"), "{text}");
    }

    #[test]
    fn an_empty_log_says_so() {
        let text = render(&Report::of(&LogSet::default(), None));
        assert!(text.contains("No hook run recorded."), "{text}");
    }
}
