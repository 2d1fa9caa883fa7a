//! The HTML report: one self-contained file — inline CSS, inline SVG charts drawn
//! here, no script, no font, no fetch — that opens from a mail attachment or a CI
//! artifact as well as from disk. Every string that comes from a log passes through
//! [`escape`]: a rule id or path is data, and could hold markup.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::{top, total, Aggregate, Named, Report, Timeline, TOP};
use crate::time::format_duration;

/// Chart colours. Fixed, so that a screenshot test can find each chart by colour.
pub mod colour {
    pub const FINDINGS: &str = "#d1495b";
    pub const BYPASSES: &str = "#edae49";
    pub const RULES: &str = "#00798c";
    pub const PATHS: &str = "#30638e";
    pub const CLEAN: &str = "#8cb369";
    pub const BLOCKED: &str = "#6a4c93";
    pub const ERROR: &str = "#7f7f7f";
    pub const AGENT: &str = "#3d405b";
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 28px; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif;
       color: #1f2430; background: #f6f7f9; }
main { max-width: 1140px; margin: 0 auto; }
h1 { font-size: 24px; margin: 0 0 2px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
.sub { color: #5b6170; margin: 0 0 16px; }
.tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 10px; margin-bottom: 16px; }
.tile { background: #fff; border-radius: 8px; padding: 10px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.tile b { display: block; font-size: 22px; }
.tile span { color: #5b6170; font-size: 12px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
figure { margin: 0; background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #394050; }
.legend i { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; border-radius: 2px; }
.none { color: #8a90a0; font-style: italic; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e6e8ec; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
";

/// The whole page.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let t = &report.totals;
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    out.push_str("<title>tollgate report</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body><main>\n<h1>What the gates did</h1>\n");
    let span = match (&report.first, &report.last) {
        (Some(first), Some(last)) => format!(" · {} to {}", &first[..10], &last[..10]),
        _ => String::new(),
    };
    let repos = report.repositories.len().max(usize::from(report.records > 0));
    let _ = writeln!(
        out,
        "<p class=\"sub\">{} hook run(s) in {} repositor{}{}{} · {} log file(s){}</p>",
        report.records,
        repos,
        if repos == 1 { "y" } else { "ies" },
        escape(&span),
        report.since.as_deref().map(|s| format!(" · since {}", escape(s))).unwrap_or_default(),
        report.files.len(),
        if report.malformed_lines > 0 {
            format!(" · <b>{} malformed line(s) left out</b>", report.malformed_lines)
        } else {
            String::new()
        },
    );
    tiles(&mut out, t);
    out.push_str("<section class=\"grid\">\n");
    figure(&mut out, "timeline", true, &timeline_caption(t), &timeline_chart(&t.timeline, t.bypasses.is_some()));
    figure(&mut out, "top-rules", false, "Top rules (blocked runs)", &bars(&t.top_blocking_rules(TOP), colour::RULES));
    figure(&mut out, "top-paths", false, "Top paths (findings)", &bars(&t.top_paths, colour::PATHS));
    figure(&mut out, "runs-by-hook", false, "Runs by hook", &runs_chart(&t.runs));
    let agent = match &t.agent {
        Some(a) => bars(&top(&a.denied_by_reason, TOP), colour::AGENT),
        None => "<p class=\"none\">No agent-hook record.</p>".to_string(),
    };
    figure(&mut out, "agent-denials", false, "Agent denials by reason", &agent);
    out.push_str("</section>\n");
    details(&mut out, t);
    if !report.repositories.is_empty() {
        repositories(&mut out, report);
    }
    out.push_str("</main></body></html>\n");
    out
}

fn tiles(out: &mut String, a: &Aggregate) {
    let bypass = match &a.bypasses {
        Some(b) => (b.commits.to_string(), "commits bypassed the commit hook".to_string()),
        None => (a.caught_at_push.runs.to_string(), "pushes caught what commit missed".to_string()),
    };
    let fixed = match a.fixes.median_seconds {
        Some(m) => format!("fixed, median {}", format_duration(m)),
        None => "fixed after a block".to_string(),
    };
    let denials = a.agent.as_ref().map_or(0, |g| g.decisions.get("deny").copied().unwrap_or(0));
    let share = a.ai_share.as_ref().map_or("–".to_string(), |s| format!("{:.0}%", s.share * 100.0));
    let added = a.suppressions.added.as_ref().map_or(0, total);
    let runs: u64 = a.runs.values().flat_map(|r| r.values()).sum();
    let items = [
        (runs.to_string(), "hook runs".to_string()),
        (a.blocks.runs.to_string(), "runs blocked".to_string()),
        bypass,
        (a.fixes.fixed.to_string(), fixed),
        (denials.to_string(), "agent denials".to_string()),
        (share, format!("AI-written lines · {added} suppressions added")),
    ];
    out.push_str("<section class=\"tiles\">");
    for (value, label) in items {
        let _ = write!(out, "<div class=\"tile\"><b>{}</b><span>{}</span></div>", escape(&value), escape(&label));
    }
    out.push_str("</section>\n");
}

fn figure(out: &mut String, id: &str, wide: bool, caption: &str, body: &str) {
    let _ = writeln!(
        out,
        "<figure id=\"{id}\"{}><figcaption>{caption}</figcaption>{body}</figure>",
        if wide { " class=\"wide\"" } else { "" }
    );
}

fn timeline_caption(a: &Aggregate) -> String {
    let unit = if a.timeline.unit == "week" { "week" } else { "day" };
    let second = if a.bypasses.is_some() { "bypassed commits" } else { "pushes that caught what commit missed" };
    format!(
        "Findings and bypasses per {unit}<span class=\"legend\"><i style=\"background:{}\"></i>findings\
         <i style=\"background:{}\"></i>{second}</span>",
        colour::FINDINGS,
        colour::BYPASSES
    )
}

/// Two bars per bucket on one scale: findings, and bypassed commits (or, for
/// format-1 logs, pushes that caught findings no commit hook had reported).
fn timeline_chart(t: &Timeline, bypasses_recorded: bool) -> String {
    if t.buckets.is_empty() {
        return "<p class=\"none\">No run in this period.</p>".into();
    }
    let (w, h, left, bottom, top_margin) = (1100.0, 200.0, 40.0, 22.0, 10.0);
    let plot_h = h - bottom - top_margin;
    let second = |b: &crate::model::Bucket| if bypasses_recorded { b.bypasses } else { b.caught_at_push };
    let max = t.buckets.iter().map(|b| b.findings.max(second(b))).max().unwrap_or(0).max(1) as f64;
    let slot = (w - left - 10.0) / t.buckets.len() as f64;
    let bar = (slot * 0.4).clamp(1.0, 28.0);
    let mut svg = format!("<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"findings and bypasses over time\">");
    let base = h - bottom;
    let _ = write!(svg, "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#c9ccd3\"/>", w - 10.0);
    let _ =
        write!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 6.0, top_margin + 8.0, max as u64);
    let _ = write!(svg, "<text x=\"{}\" y=\"{base}\" text-anchor=\"end\">0</text>", left - 6.0);
    let label_every = (t.buckets.len() / 10).max(1);
    for (i, b) in t.buckets.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - 2.0 * bar) / 2.0;
        for (j, (value, fill, what)) in
            [(b.findings, colour::FINDINGS, "findings"), (second(b), colour::BYPASSES, "bypasses")]
                .into_iter()
                .enumerate()
        {
            let bh = plot_h * value as f64 / max;
            if value > 0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\" fill=\"{fill}\"><title>{} {what}: {value}</title></rect>",
                    x + bar * j as f64,
                    base - bh,
                    escape(&b.start)
                );
            }
        }
        if i % label_every == 0 || i + 1 == t.buckets.len() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + bar,
                h - 6.0,
                escape(&b.start[5..])
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one row per entry, labelled and counted.
fn bars(items: &[Named], fill: &str) -> String {
    if items.is_empty() {
        return "<p class=\"none\">Nothing recorded.</p>".into();
    }
    let (w, row, label_w) = (540.0, 26.0, 200.0);
    let h = row * items.len() as f64 + 8.0;
    let max = items.iter().map(|n| n.count).max().unwrap_or(1).max(1) as f64;
    let mut svg = format!("<svg viewBox=\"0 0 {w} {h}\" role=\"img\">");
    for (i, n) in items.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let bw = ((w - label_w - 50.0) * n.count as f64 / max).max(2.0);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}</title>{}</text>\
             <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" rx=\"2\" fill=\"{fill}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_w - 8.0,
            y + 16.0,
            escape(&n.name),
            escape(&shorten(&n.name, 32)),
            y + 3.0,
            row - 6.0,
            label_w + bw + 6.0,
            y + 16.0,
            n.count
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One stacked bar per hook: clean, blocked, error.
fn runs_chart(runs: &BTreeMap<String, BTreeMap<String, u64>>) -> String {
    if runs.is_empty() {
        return "<p class=\"none\">No run recorded.</p>".into();
    }
    let (w, row, label_w) = (540.0, 30.0, 110.0);
    let h = row * runs.len() as f64 + 30.0;
    let max = runs.values().map(|r| r.values().sum::<u64>()).max().unwrap_or(1).max(1) as f64;
    let mut svg = format!("<svg viewBox=\"0 0 {w} {h}\" role=\"img\">");
    let parts = [("clean", colour::CLEAN), ("blocked", colour::BLOCKED), ("error", colour::ERROR)];
    for (i, (hook, results)) in runs.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 18.0,
            escape(&shorten(hook, 16))
        );
        let mut x = label_w;
        for (result, fill) in parts {
            let n = results.get(result).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let bw = (w - label_w - 60.0) * n as f64 / max;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{fill}\"><title>{} {result}: {n}</title></rect>",
                y + 3.0,
                row - 8.0,
                escape(hook)
            );
            x += bw;
        }
        let total: u64 = results.values().sum();
        let _ = write!(svg, "<text x=\"{:.1}\" y=\"{:.1}\">{total}</text>", x + 6.0, y + 18.0);
    }
    let legend_y = h - 8.0;
    let mut x = label_w;
    for (result, fill) in parts {
        let _ = write!(svg, "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{fill}\"/><text x=\"{}\" y=\"{legend_y}\">{result}</text>", legend_y - 9.0, x + 14.0);
        x += 80.0;
    }
    svg.push_str("</svg>");
    svg
}

/// The numbers behind the tiles, as a table.
fn details(out: &mut String, a: &Aggregate) {
    out.push_str("<h2>Details</h2><table><tbody>\n");
    let mut row = |what: &str, value: String| {
        let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", escape(what), escape(&value));
    };
    row("Blocks by check", a.blocks.by_check.as_ref().map_or_else(not_recorded, pairs));
    row("Suppressions applied", pairs(&a.suppressions.applied));
    row("Suppressions added by changes", a.suppressions.added.as_ref().map_or_else(not_recorded, pairs));
    row(
        "Bypasses",
        a.bypasses.as_ref().map_or_else(not_recorded, |b| {
            format!("{} commit(s) in {} push(es), {} blocked", b.commits, b.pushes, b.blocked_pushes)
        }),
    );
    row("Caught at push", format!("{} push(es), {} finding(s)", a.caught_at_push.runs, a.caught_at_push.findings));
    let f = &a.fixes;
    row(
        "Fixed after a block",
        match (f.median_seconds, f.max_seconds) {
            (Some(m), Some(x)) => {
                format!("{} (median {}, max {}); {} open", f.fixed, format_duration(m), format_duration(x), f.open)
            }
            _ => format!("{}; {} open", f.fixed, f.open),
        },
    );
    row(
        "Agent decisions",
        a.agent
            .as_ref()
            .map_or("no agent-hook record".into(), |g| format!("{} in {} session(s)", pairs(&g.decisions), g.sessions)),
    );
    row(
        "AI-written share",
        a.ai_share.as_ref().map_or_else(not_recorded, |s| {
            format!("{:.1}% ({} of {} added lines)", s.share * 100.0, s.agent_lines, s.added_lines)
        }),
    );
    out.push_str("</tbody></table>\n");
}

fn repositories(out: &mut String, report: &Report) {
    out.push_str(
        "<h2>By repository</h2><table><thead><tr><th>Repository</th><th class=\"n\">Runs</th>\
                  <th class=\"n\">Blocked</th><th class=\"n\">Bypasses</th><th class=\"n\">Fixed</th>\
                  <th class=\"n\">Open</th><th class=\"n\">AI share</th></tr></thead><tbody>\n",
    );
    for r in &report.repositories {
        let a = &r.aggregate;
        let runs: u64 = a.runs.values().flat_map(|x| x.values()).sum();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{runs}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&r.repository),
            a.blocks.runs,
            a.bypasses.as_ref().map_or("–".into(), |b| b.commits.to_string()),
            a.fixes.fixed,
            a.fixes.open,
            a.ai_share.as_ref().map_or("–".into(), |s| format!("{:.0}%", s.share * 100.0)),
        );
    }
    out.push_str("</tbody></table>\n");
}

fn not_recorded() -> String {
    "not recorded (the logs predate format 2)".into()
}

fn pairs(m: &BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
}

/// At most `n` characters, with an ellipsis.
fn shorten(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{AgentEvent, LogSet, Record};
    use crate::time::parse_timestamp;

    const HOSTILE: &str = "<script>alert('x')</script>";

    fn report() -> Report {
        let at = parse_timestamp("2026-03-01T10:00:00Z").unwrap();
        let mut blocked = Record {
            time: "2026-03-01T10:00:00Z".into(),
            at,
            hook: "pre-commit".into(),
            repository: format!("/srv/{HOSTILE}"),
            result: "blocked".into(),
            ..Record::default()
        };
        blocked.counts.insert(HOSTILE.into(), 2);
        blocked.paths.insert(format!("src/\"{HOSTILE}\".rs"), 2);
        blocked.fingerprints.push("f".into());
        blocked.unchecked_commits = Some(vec![]);
        let mut agent = blocked.clone();
        agent.hook = "agent".into();
        agent.agent =
            Some(AgentEvent { decision: "deny".into(), reasons: vec![HOSTILE.into()], ..AgentEvent::default() });
        let mut push = blocked.clone();
        push.hook = "pre-push".into();
        push.unchecked_commits = Some(vec!["c1".into()]);
        let mut other = blocked.clone();
        other.repository = "/srv/other".into();
        Report::of(&LogSet { records: vec![blocked, agent, push, other], ..LogSet::default() }, None)
    }

    #[test]
    fn every_string_from_the_log_is_escaped() {
        let html = render(&report());
        assert!(!html.contains("<script"), "markup from the log reached the page");
        assert!(!html.contains("alert('x')"), "quotes are escaped too");
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("src/&quot;&lt;script&gt;"), "paths are escaped");
        assert_eq!(escape("a\u{1b}[2Jb & c"), "a\u{fffd}[2Jb &amp; c");
    }

    #[test]
    fn the_page_is_self_contained_with_one_svg_per_chart() {
        let html = render(&report());
        for outside in ["http:", "https:", "src=", "href=", "@import", "url(", "@font-face", "<script", "<link"] {
            assert!(!html.contains(outside), "the page reaches outside: {outside}");
        }
        for id in ["timeline", "top-rules", "top-paths", "runs-by-hook", "agent-denials"] {
            assert!(html.contains(&format!("<figure id=\"{id}\"")), "{id} missing");
        }
        assert_eq!(html.matches("<svg").count(), 5);
        for c in [colour::FINDINGS, colour::BYPASSES, colour::RULES, colour::PATHS, colour::BLOCKED, colour::AGENT] {
            assert!(html.contains(&format!("fill=\"{c}\"")), "no chart draws {c}");
        }
        assert!(html.contains("<h2>By repository</h2>"), "two repositories get a table");
    }

    #[test]
    fn an_empty_report_renders_without_charts_or_errors() {
        let html = render(&Report::of(&LogSet::default(), None));
        assert!(html.contains("No run in this period."));
        assert!(!html.contains("<svg"));
        assert!(html.ends_with("</html>\n"));
    }
}
