use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use super::Report;
use crate::finding::{Evidence, Finding};

/// The terminal report: each finding located as `path:line:column`, its rule, the line
/// with the value masked, then a summary and how to proceed.
pub fn render_human(report: &Report<'_>, color: bool) -> String {
    let paint = |text: &str, style: Style| -> String {
        if color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    };
    let red = Style::new().red().bold();
    let yellow = Style::new().yellow().bold();
    let dim = Style::new().dimmed();
    let bold = Style::new().bold();
    let o = report.outcome;
    let mut s = String::new();
    for f in &o.findings {
        let (mark, style) = if f.blocks() { ("✖", red) } else { ("⚠", yellow) };
        let _ =
            writeln!(s, "{} {} {}", paint(mark, style), paint(&f.message, bold), paint(&format!("[{}]", f.rule), dim));
        let mut place = f.place();
        if let Some(c) = &f.commit {
            let _ = write!(place, "  in commit {}", &c[..c.len().min(12)]);
            if let Some(d) = &f.author_date {
                let _ = write!(place, " ({d})");
            }
        }
        let _ = writeln!(s, "  {place}");
        let mut facts = match &f.evidence {
            Evidence::Secret { redacted, masked_line } => {
                let _ = writeln!(s, "  {} {}", paint("│", dim), masked_line);
                format!("value {redacted}  fingerprint {}", f.fingerprint)
            }
            Evidence::Text(text) => {
                let _ = writeln!(s, "  {} {}", paint("│", dim), text);
                format!("fingerprint {}", f.fingerprint)
            }
            Evidence::None => format!("fingerprint {}", f.fingerprint),
        };
        if let Some(note) = &f.note {
            let _ = write!(facts, "  ({note})");
        }
        let _ = writeln!(s, "  {}", paint(&facts, dim));
        if !f.owners.is_empty() {
            let _ = writeln!(s, "  {}", paint(&format!("owners {}", f.owners.join(" ")), dim));
        }
        if let Some(p) = &f.package {
            let _ = writeln!(s, "  package {} {} {}  {}", p.ecosystem, p.name, p.version, f.advisories.join(", "));
        }
        s.push('\n');
    }
    for w in &o.warnings {
        let line = w.line.map(|l| format!(":{l}")).unwrap_or_default();
        let _ = writeln!(s, "{} {}{}: {}", paint("⚠", yellow), w.path, line, w.message);
    }
    for e in &o.errors {
        let _ = writeln!(s, "{} {}", paint("error:", red), e);
    }
    for n in &report.notices {
        let _ = writeln!(s, "{} {}", paint("note:", yellow), n);
    }
    s.push_str(&summary(report));
    s.push('\n');
    if report.mode == "scan" {
        s.push_str(&suppression_legend(report));
    }
    if o.findings.iter().any(Finding::blocks) {
        s.push_str(&hints(report));
    }
    s
}

fn summary(report: &Report<'_>) -> String {
    let o = report.outcome;
    let blocking = o.findings.iter().filter(|f| f.blocks()).count();
    let warnings = o.findings.len() - blocking;
    let mut s = format!("{}: ", report.tool);
    if blocking > 0 {
        let _ = write!(s, "{blocking} finding{} block{}", plural(blocking), if blocking == 1 { "s" } else { "" });
        let _ = write!(s, " this {}", subject(report.mode));
    } else if o.errors.is_empty() {
        s.push_str("nothing blocks");
    } else {
        s.push_str("could not judge everything (fails closed)");
    }
    if warnings > 0 {
        let _ = write!(s, ", {warnings} warning{}", plural(warnings));
    }
    let _ = write!(s, " ({} file{}, {} judged", o.files, plural(o.files as usize), bytes(o.bytes));
    if o.commits > 0 {
        let _ = write!(s, " in {} commit{}", o.commits, plural(o.commits as usize));
    }
    let _ = write!(s, ", {} ms", report.elapsed_ms);
    if o.binary_skipped > 0 {
        let _ = write!(s, "; {} binary skipped", o.binary_skipped);
    }
    let counts: Vec<String> = report
        .suppressed_counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(by, n)| format!("{n} {}", by.as_str()))
        .collect();
    if !counts.is_empty() {
        let _ = write!(s, "; suppressed: {}", counts.join(", "));
    }
    s.push(')');
    s
}

/// What each suppression count of the summary means, so a first scan of a repository
/// with a policy, markers or a baseline does not leave "suppressed: 3 policy" a riddle.
fn suppression_legend(report: &Report<'_>) -> String {
    use crate::suppress::SuppressedBy;
    let mut s = String::new();
    for (by, n) in report.suppressed_counts().iter().filter(|(_, n)| *n > 0) {
        let why = match by {
            SuppressedBy::Inline => "a `tollgate:allow` marker in a comment on the line or the line before",
            SuppressedBy::Policy => "an [[allow]] entry of the policy (`tollgate policy show` lists them)",
            SuppressedBy::Baseline => "a fingerprint in the baseline (findings accepted when it was made)",
        };
        let _ = writeln!(s, "  {n} {} suppressed by {why}", if *n == 1 { "finding" } else { "findings" });
    }
    s
}

fn subject(mode: &str) -> &'static str {
    match mode {
        "pre-commit" | "commit-msg" => "commit",
        "pre-push" => "push",
        "pre-receive" => "push (refused by the server)",
        _ => "scan",
    }
}

/// How to proceed: what the mode allows (restage, rewrite the commit), then each
/// blocking rule's own help text once, then how to record an exception.
fn hints(report: &Report<'_>) -> String {
    let mut s = String::from("How to proceed:\n");
    match report.mode {
        "pre-commit" => s.push_str(
            "  • fix the file, then stage it again (`git add FILE`); or unstage it: `git restore --staged FILE`\n",
        ),
        "commit-msg" => s.push_str("  • edit the message: the commit was not made, and `git commit` starts again\n"),
        "pre-push" | "pre-receive" => s.push_str(
            "  • the commit named above carries it: rewrite the commit (`git rebase -i`, then edit or drop it) before pushing\n",
        ),
        _ => {}
    }
    let blocking: Vec<&Finding> = report.outcome.findings.iter().filter(|f| f.blocks()).collect();
    let mut helps: Vec<&str> = Vec::new();
    for f in &blocking {
        if let Some(h) = f.help.as_deref() {
            if !helps.contains(&h) {
                helps.push(h);
            }
        }
    }
    for h in helps {
        let _ = writeln!(s, "  • {h}");
    }
    if let Some(f) = blocking.iter().find(|f| f.inline_suppressible && f.span.is_some()) {
        // A marker must name every rule that blocks on the line, or it silences only one.
        let mut rules: Vec<&str> = Vec::new();
        for other in blocking.iter().filter(|o| o.path == f.path && o.line == f.line && o.commit == f.commit) {
            if !rules.contains(&&*other.rule) {
                rules.push(&other.rule);
            }
        }
        let _ = writeln!(
            s,
            "  • if it is a false alarm: put `tollgate:allow={}` in a comment on {}:{} or the line before,",
            rules.join(","),
            f.path,
            f.line.unwrap_or(0)
        );
        s.push_str(
            "    or add an [[allow]] entry (path, check, rule or fingerprint, with a reason) to .tollgate.toml\n",
        );
    } else {
        s.push_str(
            "  • if it is a false alarm: add an [[allow]] entry (path, check, rule or fingerprint, with a reason) to .tollgate.toml\n",
        );
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn bytes(n: u64) -> String {
    match n {
        n if n >= 10 * 1024 * 1024 => format!("{} MiB", n / (1024 * 1024)),
        n if n >= 10 * 1024 => format!("{} KiB", n / 1024),
        n => format!("{n} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Outcome, Suppressed};
    use crate::finding::Severity;
    use crate::suppress::SuppressedBy;

    fn on_line(rule: &str, line: u32) -> Finding {
        let mut f = Finding::new("secrets", rule, Severity::Block, "a secret");
        f.path = "app.py".into();
        f.line = Some(line);
        f.span = Some(0..1);
        f.finish()
    }

    fn render(mode: &str, outcome: &Outcome) -> String {
        let report = Report { tool: "tollgate", version: "0", mode, outcome, elapsed_ms: 0, notices: Vec::new() };
        render_human(&report, false)
    }

    #[test]
    fn the_marker_hint_names_every_rule_that_blocks_on_the_line() {
        let outcome = Outcome {
            findings: vec![on_line("rule-a", 3), on_line("rule-b", 3), on_line("rule-a", 3), on_line("rule-c", 9)],
            ..Default::default()
        };
        let text = render("pre-commit", &outcome);
        assert!(text.contains("`tollgate:allow=rule-a,rule-b` in a comment on app.py:3"), "{text}");
    }

    #[test]
    fn a_scan_explains_its_suppression_counts() {
        let suppressed = |by| Suppressed {
            rule: "r".into(),
            path: "a".into(),
            line: None,
            commit: None,
            fingerprint: String::new(),
            by,
        };
        let outcome = Outcome {
            suppressed: vec![
                suppressed(SuppressedBy::Policy),
                suppressed(SuppressedBy::Policy),
                suppressed(SuppressedBy::Baseline),
            ],
            ..Default::default()
        };
        let text = render("scan", &outcome);
        assert!(text.contains("2 findings suppressed by an [[allow]] entry"), "{text}");
        assert!(text.contains("1 finding suppressed by a fingerprint in the baseline"), "{text}");
        assert!(!text.contains("marker"), "{text}");
        assert!(!render("pre-commit", &outcome).contains("suppressed by"), "hooks keep to the summary");
    }
}
