//! The aggregates: what the gates did over a set of records, per repository and in
//! total. Everything here is computed from the records alone (no git access), so a
//! folder of logs collected from a fleet gives the same answers as the machines would.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::read::{LogSet, Record};
use crate::time::{format_date, format_timestamp, week_start};

/// The version of the report's JSON shape.
pub const REPORT_FORMAT: u32 = 1;

/// How many entries the "top" lists keep.
pub const TOP: usize = 10;

/// The most buckets a timeline holds.
const MAX_BUCKETS: usize = 520;

/// Hooks that judge commits on their way to a remote.
const PUSH_HOOKS: [&str; 2] = ["pre-push", "pre-receive"];

/// The whole report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub report_format: u32,
    /// The log files read.
    pub files: Vec<String>,
    /// `--since`, as given back in RFC 3339.
    pub since: Option<String>,
    /// The first and last record's time.
    pub first: Option<String>,
    pub last: Option<String>,
    pub records: u64,
    /// Lines that were not records (reported on stderr, file:line each).
    pub malformed_lines: u64,
    pub totals: Aggregate,
    /// One entry per repository when the logs hold more than one.
    pub repositories: Vec<RepositoryAggregate>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RepositoryAggregate {
    pub repository: String,
    #[serde(flatten)]
    pub aggregate: Aggregate,
}

/// What the gates did over some records.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Aggregate {
    /// Runs by hook, then by result (clean, blocked, error).
    pub runs: BTreeMap<String, BTreeMap<String, u64>>,
    pub blocks: Blocks,
    /// Findings reported (blocking or not), by rule.
    pub findings_by_rule: BTreeMap<String, u64>,
    pub suppressions: Suppressions,
    /// Commits made without a local check and judged at push; `None`: the logs do not
    /// record it (format-1 writers).
    pub bypasses: Option<Bypasses>,
    pub caught_at_push: CaughtAtPush,
    pub fixes: Fixes,
    /// `None`: no agent-hook record.
    pub agent: Option<AgentSummary>,
    /// `None`: no record carries provenance.
    pub ai_share: Option<AiShare>,
    /// Paths with the most findings (the `paths` field, and agent denials' paths).
    pub top_paths: Vec<Named>,
    pub timeline: Timeline,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Blocks {
    /// Runs that blocked.
    pub runs: u64,
    /// Blocked runs each rule took part in. Format-1 records do not say which rules
    /// blocked, so every rule a format-1 blocked run reported counts.
    pub by_rule: BTreeMap<String, u64>,
    /// Blocked runs each check took part in; `None`: not recorded (format 1).
    pub by_check: Option<BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Suppressions {
    /// Findings suppressed in runs, by kind (inline, policy, baseline).
    pub applied: BTreeMap<String, u64>,
    /// Suppressions that changes added, by kind; `None`: not recorded (format 1).
    pub added: Option<BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Bypasses {
    /// Distinct commits made without a local check.
    pub commits: u64,
    /// Push runs that judged at least one such commit.
    pub pushes: u64,
    /// Of those, the runs that blocked.
    pub blocked_pushes: u64,
}

/// Blocked push runs whose findings no earlier pre-commit run of the repository
/// reported: a commit got past the commit hook (bypassed, or made before install).
/// Works on format-1 logs, where bypasses are not recorded.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CaughtAtPush {
    pub runs: u64,
    pub findings: u64,
}

/// Findings that blocked and were then not seen again while a later run of the same
/// hook passed: fixed. Time to fix runs from the first block to that clean run.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Fixes {
    pub fixed: u64,
    /// Blocked findings not (yet) fixed.
    pub open: u64,
    pub median_seconds: Option<i64>,
    pub max_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct AgentSummary {
    pub calls: u64,
    pub sessions: u64,
    /// By decision: allow, deny, ask.
    pub decisions: BTreeMap<String, u64>,
    pub denied_by_reason: BTreeMap<String, u64>,
    pub asked_by_reason: BTreeMap<String, u64>,
    pub by_tool: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct AiShare {
    pub added_lines: u64,
    pub agent_lines: u64,
    /// agent_lines / added_lines, 0 to 1.
    pub share: f64,
    pub by_agent: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Timeline {
    /// `day` or `week` (when the records span more than 92 days).
    pub unit: String,
    pub buckets: Vec<Bucket>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Bucket {
    /// The bucket's first day, `YYYY-MM-DD`.
    pub start: String,
    pub findings: u64,
    pub blocked_runs: u64,
    /// Commits made without a local check (format 2).
    pub bypasses: u64,
    pub caught_at_push: u64,
}

impl Report {
    /// The report over `set`'s records (already cut to `--since`, if given).
    pub fn of(set: &LogSet, since: Option<i64>) -> Report {
        let all: Vec<&Record> = set.records.iter().collect();
        let mut by_repository: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
        for r in &all {
            by_repository.entry(r.repository.as_str()).or_default().push(r);
        }
        let repositories = if by_repository.len() > 1 {
            by_repository
                .iter()
                .map(|(name, records)| RepositoryAggregate {
                    repository: if name.is_empty() { "(unnamed)".to_string() } else { name.to_string() },
                    aggregate: Aggregate::of(records),
                })
                .collect()
        } else {
            Vec::new()
        };
        Report {
            report_format: REPORT_FORMAT,
            files: set.files.iter().map(|p| p.display().to_string()).collect(),
            since: since.map(format_timestamp),
            first: all.first().map(|r| format_timestamp(r.at)),
            last: all.last().map(|r| format_timestamp(r.at)),
            records: all.len() as u64,
            malformed_lines: set.malformed.len() as u64,
            totals: Aggregate::of(&all),
            repositories,
        }
    }
}

impl Aggregate {
    /// The aggregate of `records`, oldest first. Records of several repositories may be
    /// mixed: whatever follows a finding through time is keyed by repository.
    pub fn of(records: &[&Record]) -> Aggregate {
        let mut a = Aggregate::default();
        let mut by_check_seen = false;
        let mut added_seen = false;
        let mut bypass_seen = false;
        let mut bypasses = Bypasses::default();
        let mut unchecked = BTreeSet::new();
        let mut paths: BTreeMap<String, u64> = BTreeMap::new();
        for r in records {
            let result = if r.result.is_empty() { "unknown" } else { r.result.as_str() };
            *a.runs.entry(r.hook.clone()).or_default().entry(result.to_string()).or_default() += 1;
            add_all(&mut a.findings_by_rule, &r.counts);
            add_all(&mut a.suppressions.applied, &r.suppressed);
            if let Some(added) = &r.suppressions_added {
                added_seen = true;
                add_all(a.suppressions.added.get_or_insert_with(BTreeMap::new), added);
            }
            add_all(&mut paths, &r.paths);
            if r.result == "blocked" {
                a.blocks.runs += 1;
                let blocking = blocking_rules(r);
                for rule in &blocking {
                    *a.blocks.by_rule.entry(rule.to_string()).or_default() += 1;
                }
                if !r.checks.is_empty() {
                    by_check_seen = true;
                    let by_check = a.blocks.by_check.get_or_insert_with(BTreeMap::new);
                    for (check, rules) in &r.checks {
                        if rules.keys().any(|rule| blocking.contains(rule.as_str())) {
                            *by_check.entry(check.clone()).or_default() += 1;
                        }
                    }
                }
            }
            if PUSH_HOOKS.contains(&r.hook.as_str()) {
                if let Some(list) = &r.unchecked_commits {
                    bypass_seen = true;
                    if !list.is_empty() {
                        bypasses.pushes += 1;
                        bypasses.blocked_pushes += u64::from(r.result == "blocked");
                        unchecked.extend(list.iter().map(String::as_str));
                    }
                }
            }
            if let Some(event) = r.agent.as_ref().filter(|_| r.hook == "agent") {
                let agent = a.agent.get_or_insert_with(AgentSummary::default);
                agent.calls += 1;
                *agent.decisions.entry(event.decision.clone()).or_default() += 1;
                *agent.by_tool.entry(event.tool.clone()).or_default() += 1;
                let reasons = match event.decision.as_str() {
                    "deny" => Some(&mut agent.denied_by_reason),
                    "ask" => Some(&mut agent.asked_by_reason),
                    _ => None,
                };
                if let Some(reasons) = reasons {
                    for reason in &event.reasons {
                        *reasons.entry(reason.clone()).or_default() += 1;
                    }
                    if let Some(path) = &event.path {
                        *paths.entry(path.clone()).or_default() += 1;
                    }
                }
            }
        }
        if let Some(agent) = a.agent.as_mut() {
            let sessions: BTreeSet<&str> = records
                .iter()
                .filter_map(|r| r.agent.as_ref().filter(|_| r.hook == "agent"))
                .map(|e| e.session.as_str())
                .collect();
            agent.sessions = sessions.len() as u64;
        }
        if !by_check_seen {
            a.blocks.by_check = None;
        }
        if !added_seen {
            a.suppressions.added = None;
        }
        if bypass_seen {
            bypasses.commits = unchecked.len() as u64;
            a.bypasses = Some(bypasses);
        }
        let caught = caught_at_push(records);
        a.caught_at_push = CaughtAtPush {
            runs: caught.iter().filter(|c| c.findings > 0).count() as u64,
            findings: caught.iter().map(|c| c.findings).sum(),
        };
        a.fixes = fixes(records);
        a.ai_share = ai_share(records);
        a.top_paths = top(&paths, TOP);
        a.timeline = timeline(records, &caught);
        a
    }

    /// The rules with most blocked runs, most first.
    pub fn top_blocking_rules(&self, n: usize) -> Vec<Named> {
        top(&self.blocks.by_rule, n)
    }
}

/// The rules that blocked a blocked run: `blocked_rules` when recorded, else every
/// rule it reported.
fn blocking_rules(r: &Record) -> BTreeSet<&str> {
    match &r.blocked_rules {
        Some(rules) => rules.iter().map(String::as_str).collect(),
        None => r.counts.keys().map(String::as_str).collect(),
    }
}

/// Adds counts by key. Saturating: a log is input, and a count near `u64::MAX` must
/// not overflow the report.
fn add_all(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (k, n) in from {
        let sum = into.entry(k.clone()).or_default();
        *sum = sum.saturating_add(*n);
    }
}

/// The sum of a map's counts, saturating.
pub fn total(map: &BTreeMap<String, u64>) -> u64 {
    map.values().fold(0, |sum, n| sum.saturating_add(*n))
}

/// The `n` largest entries, largest first, ties by name.
pub fn top(map: &BTreeMap<String, u64>, n: usize) -> Vec<Named> {
    let mut list: Vec<Named> =
        map.iter().filter(|(_, &c)| c > 0).map(|(k, &c)| Named { name: k.clone(), count: c }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list.truncate(n);
    list
}

/// A blocked push run and how many of its findings the commit hook never reported.
struct Caught {
    index: usize,
    findings: u64,
}

fn caught_at_push(records: &[&Record]) -> Vec<Caught> {
    let mut seen_at_commit: HashMap<(&str, &str), ()> = HashMap::new();
    let mut caught = Vec::new();
    for (index, r) in records.iter().enumerate() {
        if r.hook == "pre-commit" {
            for f in &r.fingerprints {
                seen_at_commit.insert((r.repository.as_str(), f.as_str()), ());
            }
        } else if PUSH_HOOKS.contains(&r.hook.as_str()) && r.result == "blocked" {
            let fresh: BTreeSet<&str> = r
                .fingerprints
                .iter()
                .map(String::as_str)
                .filter(|f| !seen_at_commit.contains_key(&(r.repository.as_str(), *f)))
                .collect();
            caught.push(Caught { index, findings: fresh.len() as u64 });
        }
    }
    caught
}

/// Follows each fingerprint that blocked: fixed when no later record of its
/// repository reports it and a later run of the hook that blocked it passed.
fn fixes(records: &[&Record]) -> Fixes {
    struct Trail<'a> {
        first_blocked: i64,
        blocked_by: &'a str,
        last_seen: usize,
    }
    let mut trails: BTreeMap<(&str, &str), Trail> = BTreeMap::new();
    // Indices (in time order) of clean runs, by repository and hook.
    let mut clean: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let repo = r.repository.as_str();
        if r.result == "clean" {
            clean.entry((repo, r.hook.as_str())).or_default().push(i);
        }
        for f in &r.fingerprints {
            let key = (repo, f.as_str());
            if r.result == "blocked" {
                let trail =
                    trails.entry(key).or_insert(Trail { first_blocked: r.at, blocked_by: &r.hook, last_seen: i });
                trail.blocked_by = &r.hook;
                trail.last_seen = i;
            } else if let Some(trail) = trails.get_mut(&key) {
                trail.last_seen = i;
            }
        }
    }
    let mut times = Vec::new();
    let mut open = 0;
    for ((repo, _), trail) in &trails {
        let passed = clean.get(&(*repo, trail.blocked_by)).and_then(|runs| {
            let after = runs.partition_point(|&i| i <= trail.last_seen);
            runs.get(after)
        });
        match passed {
            Some(&i) => times.push(records[i].at - trail.first_blocked),
            None => open += 1,
        }
    }
    times.sort_unstable();
    Fixes { fixed: times.len() as u64, open, median_seconds: median(&times), max_seconds: times.last().copied() }
}

/// The median of sorted values (the mean of the middle two for an even count).
fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

/// The share of added lines that an agent wrote. Each commit is counted once: from its
/// pre-commit record where the repository's pre-commit records carry provenance,
/// else from commit-msg; blocked and failed runs made no commit and are left out.
fn ai_share(records: &[&Record]) -> Option<AiShare> {
    let mut source_hook: HashMap<&str, &str> = HashMap::new();
    for r in records.iter().filter(|r| r.provenance.is_some()) {
        let hook = source_hook.entry(r.repository.as_str()).or_insert(r.hook.as_str());
        if r.hook == "pre-commit" {
            *hook = "pre-commit";
        }
    }
    let mut share = AiShare::default();
    let mut any = false;
    for r in records {
        let Some(p) = &r.provenance else { continue };
        if source_hook.get(r.repository.as_str()) != Some(&r.hook.as_str())
            || matches!(r.result.as_str(), "blocked" | "error")
        {
            continue;
        }
        any = true;
        share.added_lines = share.added_lines.saturating_add(p.added_lines);
        share.agent_lines = share.agent_lines.saturating_add(p.agent_lines);
        add_all(&mut share.by_agent, &p.agents);
    }
    if !any {
        return None;
    }
    share.share = if share.added_lines == 0 { 0.0 } else { share.agent_lines as f64 / share.added_lines as f64 };
    Some(share)
}

/// Findings, blocks and bypasses per day, or per week over more than 92 days; every
/// bucket between the first and the last is present, so gaps show as gaps.
fn timeline(records: &[&Record], caught: &[Caught]) -> Timeline {
    let (Some(first), Some(last)) = (records.first(), records.last()) else {
        return Timeline { unit: "day".into(), buckets: Vec::new() };
    };
    let weekly = last.at - first.at > 92 * 86_400;
    let (step, start_of): (i64, fn(i64) -> i64) =
        if weekly { (7 * 86_400, week_start) } else { (86_400, |t: i64| t.div_euclid(86_400) * 86_400) };
    // A log with a wildly wrong clock must not make a million buckets: the chart
    // keeps the latest MAX_BUCKETS, and older records stay out of the timeline only.
    let origin = start_of(first.at).max(start_of(last.at) - (MAX_BUCKETS as i64 - 1) * step);
    let count = ((start_of(last.at) - origin) / step + 1) as usize;
    let mut buckets: Vec<Bucket> =
        (0..count).map(|i| Bucket { start: format_date(origin + i as i64 * step), ..Bucket::default() }).collect();
    let slot = |t: i64| (t >= origin).then(|| ((start_of(t) - origin) / step) as usize);
    for r in records {
        let Some(i) = slot(r.at) else { continue };
        let b = &mut buckets[i];
        b.findings = b.findings.saturating_add(total(&r.counts));
        b.blocked_runs += u64::from(r.result == "blocked");
        if PUSH_HOOKS.contains(&r.hook.as_str()) {
            b.bypasses += r.unchecked_commits.as_ref().map_or(0, |c| c.len() as u64);
        }
    }
    for c in caught.iter().filter(|c| c.findings > 0) {
        if let Some(i) = slot(records[c.index].at) {
            buckets[i].caught_at_push += 1;
        }
    }
    Timeline { unit: if weekly { "week" } else { "day" }.into(), buckets }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{AgentEvent, Provenance};
    use crate::time::parse_timestamp;

    /// A record at `minutes` past 2026-03-01T00:00Z.
    fn rec(minutes: i64, repo: &str, hook: &str, result: &str) -> Record {
        let at = parse_timestamp("2026-03-01").unwrap() + minutes * 60;
        Record {
            time: format_timestamp(at),
            at,
            hook: hook.into(),
            repository: repo.into(),
            result: result.into(),
            ..Record::default()
        }
    }

    fn with_finding(mut r: Record, rule: &str, fingerprint: &str) -> Record {
        *r.counts.entry(rule.into()).or_default() += 1;
        r.fingerprints.push(fingerprint.into());
        r
    }

    fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    fn aggregate(records: &[Record]) -> Aggregate {
        Aggregate::of(&records.iter().collect::<Vec<_>>())
    }

    #[test]
    fn huge_counts_saturate_instead_of_overflowing() {
        let mut r = with_finding(rec(0, "/r", "pre-commit", "blocked"), "key", "a");
        r.counts.insert("key".into(), u64::MAX);
        r.counts.insert("other".into(), u64::MAX);
        r.suppressed = map(&[("inline", u64::MAX)]);
        let a = aggregate(&[r.clone(), r]);
        assert_eq!(a.findings_by_rule["key"], u64::MAX);
        assert_eq!(a.suppressions.applied["inline"], u64::MAX);
        assert_eq!(a.timeline.buckets[0].findings, u64::MAX);
    }

    #[test]
    fn runs_are_counted_by_hook_and_result() {
        let a = aggregate(&[
            rec(0, "/r", "pre-commit", "clean"),
            rec(1, "/r", "pre-commit", "blocked"),
            rec(2, "/r", "pre-commit", "clean"),
            rec(3, "/r", "pre-push", "error"),
            rec(4, "/r", "commit-msg", ""),
        ]);
        assert_eq!(a.runs["pre-commit"], map(&[("clean", 2), ("blocked", 1)]));
        assert_eq!(a.runs["pre-push"], map(&[("error", 1)]));
        assert_eq!(a.runs["commit-msg"], map(&[("unknown", 1)]));
        assert_eq!(a.blocks.runs, 1);
    }

    #[test]
    fn blocks_by_rule_use_blocked_rules_when_recorded_and_every_rule_before() {
        let old = with_finding(with_finding(rec(0, "/r", "pre-commit", "blocked"), "key", "f1"), "warned", "f2");
        let mut new = with_finding(with_finding(rec(1, "/r", "pre-commit", "blocked"), "key", "f3"), "warned", "f4");
        new.format = Some(2);
        new.blocked_rules = Some(vec!["key".into()]);
        new.checks = [("secrets".to_string(), map(&[("key", 1)])), ("policy".to_string(), map(&[("warned", 1)]))]
            .into_iter()
            .collect();
        let a = aggregate(&[old.clone(), new.clone(), rec(2, "/r", "pre-commit", "clean")]);
        assert_eq!(a.blocks.by_rule, map(&[("key", 2), ("warned", 1)]));
        assert_eq!(a.blocks.by_check, Some(map(&[("secrets", 1)])), "the policy check only warned");
        assert_eq!(a.findings_by_rule, map(&[("key", 2), ("warned", 2)]));
        assert_eq!(aggregate(&[old]).blocks.by_check, None, "format 1 does not record checks");
        assert_eq!(a.top_blocking_rules(1), vec![Named { name: "key".into(), count: 2 }]);
    }

    #[test]
    fn suppressions_applied_and_added_are_summed_by_kind() {
        let mut a1 = rec(0, "/r", "pre-commit", "clean");
        a1.suppressed = map(&[("inline", 2), ("baseline", 1)]);
        let mut a2 = rec(1, "/r", "pre-push", "clean");
        a2.suppressed = map(&[("inline", 1)]);
        a2.suppressions_added = Some(map(&[("policy", 1), ("inline", 3)]));
        let a = aggregate(&[a1.clone(), a2]);
        assert_eq!(a.suppressions.applied, map(&[("inline", 3), ("baseline", 1)]));
        assert_eq!(a.suppressions.added, Some(map(&[("policy", 1), ("inline", 3)])));
        assert_eq!(aggregate(&[a1]).suppressions.added, None, "not recorded is not zero");
    }

    #[test]
    fn bypasses_count_distinct_unchecked_commits_of_push_records_only() {
        let mut p1 = rec(0, "/r", "pre-push", "blocked");
        p1.unchecked_commits = Some(vec!["c1".into(), "c2".into()]);
        let mut p2 = rec(1, "/r", "pre-push", "clean");
        p2.unchecked_commits = Some(vec!["c2".into()]);
        let mut p3 = rec(2, "/r", "pre-receive", "clean");
        p3.unchecked_commits = Some(vec![]);
        let mut not_a_push = rec(3, "/r", "history", "clean");
        not_a_push.unchecked_commits = Some(vec!["c9".into()]);
        let a = aggregate(&[p1, p2, p3, not_a_push]);
        assert_eq!(a.bypasses, Some(Bypasses { commits: 2, pushes: 2, blocked_pushes: 1 }));
        assert_eq!(a.timeline.buckets[0].bypasses, 3);
        assert_eq!(aggregate(&[rec(0, "/r", "pre-push", "clean")]).bypasses, None, "format 1: not recorded");
    }

    #[test]
    fn caught_at_push_counts_findings_no_earlier_commit_hook_reported() {
        let records = [
            with_finding(rec(0, "/r", "pre-commit", "blocked"), "key", "seen"),
            with_finding(with_finding(rec(5, "/r", "pre-push", "blocked"), "key", "seen"), "key", "new"),
            with_finding(rec(6, "/r", "pre-push", "blocked"), "key", "seen"),
            // Another repository's commit hook does not vouch for this one.
            with_finding(rec(7, "/other", "pre-push", "blocked"), "key", "seen"),
            with_finding(rec(8, "/r", "pre-push", "clean"), "warn", "w"),
        ];
        let a = aggregate(&records);
        assert_eq!(a.caught_at_push, CaughtAtPush { runs: 2, findings: 2 });
        assert_eq!(a.timeline.buckets[0].caught_at_push, 2);
    }

    #[test]
    fn a_fix_needs_the_finding_gone_and_a_later_clean_run_of_the_same_hook() {
        let records = [
            with_finding(rec(0, "/r", "pre-commit", "blocked"), "key", "a"),
            with_finding(rec(10, "/r", "pre-commit", "blocked"), "key", "a"),
            rec(30, "/r", "pre-commit", "clean"), // a fixed 30 minutes after it first blocked
            with_finding(rec(40, "/r", "pre-commit", "blocked"), "key", "b"),
            rec(50, "/r", "pre-push", "clean"), // another hook: b is not fixed by this run
            with_finding(rec(60, "/r", "pre-push", "blocked"), "key", "c"),
            with_finding(rec(70, "/r", "pre-push", "clean"), "key", "c"), // still reported (warned)
            with_finding(rec(80, "/r", "pre-commit", "blocked"), "key", "d"),
            rec(90, "/r", "pre-commit", "clean"), // d fixed in 10 minutes, b in 50
            rec(95, "/s", "pre-commit", "clean"),
        ];
        let f = aggregate(&records).fixes;
        assert_eq!((f.fixed, f.open), (3, 1), "c is still reported: {f:?}");
        assert_eq!(f.median_seconds, Some(30 * 60));
        assert_eq!(f.max_seconds, Some(50 * 60), "b waited for a clean pre-commit, not the clean push");
    }

    #[test]
    fn a_fix_in_the_same_second_follows_log_order() {
        let records =
            [with_finding(rec(0, "/r", "pre-commit", "blocked"), "key", "a"), rec(0, "/r", "pre-commit", "clean")];
        let f = aggregate(&records).fixes;
        assert_eq!((f.fixed, f.open, f.max_seconds), (1, 0, Some(0)));
        let reversed =
            [rec(0, "/r", "pre-commit", "clean"), with_finding(rec(0, "/r", "pre-commit", "blocked"), "key", "a")];
        assert_eq!(aggregate(&reversed).fixes.open, 1);
    }

    fn agent(minutes: i64, session: &str, decision: &str, reasons: &[&str], path: Option<&str>) -> Record {
        let mut r = rec(minutes, "/r", "agent", "clean");
        r.agent = Some(AgentEvent {
            session: session.into(),
            tool: "Write".into(),
            path: path.map(str::to_string),
            decision: decision.into(),
            reasons: reasons.iter().map(|s| s.to_string()).collect(),
            lines: vec!["0123456789abcdef".into()],
        });
        r
    }

    #[test]
    fn agent_decisions_are_counted_by_reason_and_session() {
        let mut paths = rec(0, "/r", "pre-commit", "blocked");
        paths.paths = map(&[("src/a.rs", 3), ("src/b.rs", 1)]);
        let records = [
            paths,
            agent(1, "s1", "allow", &[], Some("src/c.rs")),
            agent(2, "s1", "deny", &["aws-access-key-id", "forbidden-path"], Some("src/b.rs")),
            agent(3, "s2", "deny", &["aws-access-key-id"], None),
            agent(4, "s2", "ask", &["curl-pipe-shell"], None),
        ];
        let a = aggregate(&records);
        let g = a.agent.unwrap();
        assert_eq!((g.calls, g.sessions), (4, 2));
        assert_eq!(g.decisions, map(&[("allow", 1), ("deny", 2), ("ask", 1)]));
        assert_eq!(g.denied_by_reason, map(&[("aws-access-key-id", 2), ("forbidden-path", 1)]));
        assert_eq!(g.asked_by_reason, map(&[("curl-pipe-shell", 1)]));
        assert_eq!(g.by_tool, map(&[("Write", 4)]));
        // An allowed write's path is not a finding; a denied one's is.
        assert_eq!(
            a.top_paths,
            vec![Named { name: "src/a.rs".into(), count: 3 }, Named { name: "src/b.rs".into(), count: 2 }]
        );
        assert_eq!(aggregate(&[rec(0, "/r", "pre-commit", "clean")]).agent, None);
    }

    fn provenance(minutes: i64, hook: &str, result: &str, added: u64, by_agent: u64) -> Record {
        let mut r = rec(minutes, "/r", hook, result);
        r.provenance = Some(Provenance {
            added_lines: added,
            agent_lines: by_agent,
            agents: if by_agent > 0 { map(&[("claude-code", by_agent)]) } else { BTreeMap::new() },
        });
        r
    }

    #[test]
    fn ai_share_counts_each_commit_once_from_runs_that_let_it_through() {
        let records = [
            provenance(0, "pre-commit", "blocked", 100, 100), // no commit was made
            provenance(1, "pre-commit", "clean", 100, 25),
            provenance(1, "commit-msg", "clean", 100, 25), // the same commit again
            provenance(2, "pre-commit", "clean", 300, 75),
        ];
        let s = aggregate(&records).ai_share.unwrap();
        assert_eq!((s.added_lines, s.agent_lines), (400, 100));
        assert!((s.share - 0.25).abs() < 1e-9);
        assert_eq!(s.by_agent, map(&[("claude-code", 100)]));
        // Without pre-commit provenance, commit-msg records count.
        let only_msg = aggregate(&[provenance(0, "commit-msg", "clean", 10, 5)]).ai_share.unwrap();
        assert_eq!((only_msg.added_lines, only_msg.agent_lines), (10, 5));
        let none = aggregate(&[provenance(0, "pre-commit", "clean", 0, 0)]).ai_share.unwrap();
        assert_eq!(none.share, 0.0, "no added line is no division by zero");
        assert_eq!(aggregate(&[rec(0, "/r", "pre-commit", "clean")]).ai_share, None);
    }

    #[test]
    fn the_timeline_fills_gaps_per_day_and_switches_to_weeks_over_a_quarter() {
        let day = 24 * 60;
        let records = [
            with_finding(rec(0, "/r", "pre-commit", "blocked"), "key", "a"),
            with_finding(rec(10, "/r", "pre-commit", "clean"), "warn", "w"),
            rec(3 * day, "/r", "pre-commit", "clean"),
        ];
        let t = aggregate(&records).timeline;
        assert_eq!(t.unit, "day");
        let starts: Vec<&str> = t.buckets.iter().map(|b| b.start.as_str()).collect();
        assert_eq!(starts, ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]);
        assert_eq!((t.buckets[0].findings, t.buckets[0].blocked_runs), (2, 1));
        assert_eq!(t.buckets[1], Bucket { start: "2026-03-02".into(), ..Bucket::default() });

        let long = aggregate(&[rec(0, "/r", "pre-commit", "blocked"), rec(100 * day, "/r", "pre-commit", "blocked")]);
        assert_eq!(long.timeline.unit, "week");
        assert_eq!(long.timeline.buckets[0].start, "2026-02-23", "weeks start on Monday");
        assert_eq!(long.timeline.buckets.iter().map(|b| b.blocked_runs).sum::<u64>(), 2);
    }

    #[test]
    fn a_wrong_clock_does_not_explode_the_timeline() {
        let mut ancient = rec(0, "/r", "pre-commit", "blocked");
        ancient.at = 0;
        let t = aggregate(&[ancient, rec(0, "/r", "pre-commit", "blocked")]).timeline;
        assert_eq!(t.buckets.len(), MAX_BUCKETS);
        assert_eq!(t.buckets.last().unwrap().blocked_runs, 1);
    }

    #[test]
    fn several_repositories_get_their_own_aggregates_and_totals() {
        let records = vec![
            with_finding(rec(0, "/a", "pre-commit", "blocked"), "key", "x"),
            rec(1, "/b", "pre-commit", "clean"),
            rec(2, "/a", "pre-commit", "clean"),
        ];
        let set = LogSet { records, ..LogSet::default() };
        let report = Report::of(&set, Some(0));
        assert_eq!(report.records, 3);
        assert_eq!(report.since.as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(report.totals.fixes.fixed, 1);
        let names: Vec<&str> = report.repositories.iter().map(|r| r.repository.as_str()).collect();
        assert_eq!(names, ["/a", "/b"]);
        assert_eq!(report.repositories[0].aggregate.blocks.runs, 1);
        assert_eq!(report.repositories[1].aggregate.runs["pre-commit"], map(&[("clean", 1)]));
        let one = LogSet { records: vec![rec(0, "/a", "pre-commit", "clean")], ..LogSet::default() };
        assert!(Report::of(&one, None).repositories.is_empty(), "one repository: totals only");
    }
}
