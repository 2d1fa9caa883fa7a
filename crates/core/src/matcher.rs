//! The keyword-prefiltered matcher every pattern-based check runs on.
//!
//! All keywords of all rules go into one Aho-Corasick automaton. Text is searched once
//! for keywords; a rule's regex is compiled on first use and run only on the lines where
//! one of its keywords occurs. A change that touches no keyword pays for no regex.

use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::{Captures, Regex, RegexBuilder};

use crate::change::{line_bounds, ChangedFile};

/// A pattern rule as the matcher needs it.
#[derive(Debug, Clone)]
pub struct PatternSpec {
    pub id: Arc<str>,
    pub keywords: Vec<String>,
    pub regex: String,
    /// Bytes from the start of the keyword's line the regex may see; `None`: the line.
    pub window: Option<usize>,
    /// Path globs the rule is limited to; empty: every path.
    pub paths: Vec<String>,
}

/// A rule that cannot be prepared: its regex or a glob is invalid.
#[derive(Debug, thiserror::Error)]
#[error("rule `{rule}`: {message}")]
pub struct PatternError {
    pub rule: String,
    pub message: String,
}

/// How lines are searched (see [`MatchLimits`]).
#[derive(Debug, Clone, Copy)]
pub struct MatchLimits {
    /// A line longer than this (a minified bundle, a data URI) is searched in slices of
    /// [`LONG_LINE_REACH`] bytes on each side of each keyword instead of whole, so that
    /// it is judged in time proportional to its length, never skipped.
    pub max_line_bytes: usize,
}

/// How far before and after a keyword a long line is searched: further than any rule's
/// match extends from its keyword.
pub const LONG_LINE_REACH: usize = 4096;

/// How much text a run will search, which decides how the keyword automaton is built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Workload {
    /// A hook's few files: build the automaton fast (a compact NFA).
    #[default]
    Small,
    /// Scans and history: search fast (a DFA, a few milliseconds more to build).
    Bulk,
}

/// Keyword index plus lazily compiled regexes for a set of rules.
pub struct Matcher {
    specs: Vec<PatternSpec>,
    regexes: Vec<OnceLock<Result<Regex, String>>>,
    path_filters: Vec<Option<GlobSet>>,
    keywords: AhoCorasick,
    /// For each keyword (automaton pattern id), the rules it gates.
    keyword_rules: Vec<Vec<u32>>,
    /// The largest `window` of any rule: how far before an added region a multi-line
    /// rule's keyword may sit and still reach into it.
    max_window: usize,
}

impl Matcher {
    /// Builds the keyword automaton for a small workload. Regexes are not compiled here.
    pub fn new(specs: Vec<PatternSpec>) -> Result<Matcher, PatternError> {
        Matcher::for_workload(specs, Workload::Small)
    }

    /// Builds the keyword automaton suited to `workload`.
    pub fn for_workload(specs: Vec<PatternSpec>, workload: Workload) -> Result<Matcher, PatternError> {
        let mut words: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut path_filters = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            for kw in &spec.keywords {
                let kw = kw.to_ascii_lowercase();
                match index.get(&kw) {
                    Some(&k) => keyword_rules[k].push(i as u32),
                    None => {
                        index.insert(kw.clone(), words.len());
                        words.push(kw);
                        keyword_rules.push(vec![i as u32]);
                    }
                }
            }
            path_filters.push(build_globs(spec)?);
        }
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(match workload {
                Workload::Small => AhoCorasickKind::ContiguousNFA,
                Workload::Bulk => AhoCorasickKind::DFA,
            }))
            .build(&words)
            .map_err(|e| PatternError { rule: "<keywords>".into(), message: e.to_string() })?;
        let regexes = specs.iter().map(|_| OnceLock::new()).collect();
        let max_window = specs.iter().filter_map(|s| s.window).max().unwrap_or(0);
        Ok(Matcher { specs, regexes, path_filters, keywords, keyword_rules, max_window })
    }

    pub fn specs(&self) -> &[PatternSpec] {
        &self.specs
    }

    /// Compiles one rule's regex now (user-supplied rules are checked at load time).
    pub fn compile(&self, rule: usize) -> Result<&Regex, PatternError> {
        self.regexes[rule]
            .get_or_init(|| {
                // Secrets are ASCII: ASCII classes compile several times faster than
                // Unicode ones and cost nothing in what is found.
                RegexBuilder::new(&self.specs[rule].regex)
                    .unicode(false)
                    .size_limit(32 * 1024 * 1024)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|message| PatternError { rule: self.specs[rule].id.to_string(), message: message.clone() })
    }

    /// Calls `on_match(rule, captures, window_start)` for every regex match of every
    /// rule whose keyword occurs in an added region of `chunk`, and of every multi-line
    /// (`window`) rule whose keyword sits in unchanged text close enough before an added
    /// region for its window to reach into it: a private key whose body replaces another
    /// under the unchanged `BEGIN` line is added text too. Callers keep the matches that
    /// overlap an added region. Capture offsets are relative to `window_start`.
    ///
    /// Time is linear in the text: each line is searched for keywords once, and the
    /// ranges a rule's regex runs on are merged where they overlap (a thousand `BEGIN`
    /// lines are one window, not a thousand), so repeated keywords cannot make it grow
    /// with the square of the input.
    pub fn find<F>(&self, chunk: &ChangedFile, limits: MatchLimits, mut on_match: F)
    where
        F: FnMut(usize, &Captures<'_>, usize),
    {
        let text = &chunk.text[..];
        // (rule, start, end): the ranges each rule's regex runs on.
        let mut candidates: Vec<(u32, usize, usize)> = Vec::new();
        for region in &chunk.added {
            // A fast non-overlapping search finds the next line with any keyword; only
            // that line is searched again for every keyword it holds, then the search
            // resumes on the next line.
            let mut at = region.start;
            while at < region.end {
                let Some(first) = self.keywords.find(Input::new(text).range(at..region.end)) else { break };
                let line = line_bounds(text, first.start());
                let searched = line.start.max(region.start)..line.end.min(region.end).max(first.end());
                let long = line.len() > limits.max_line_bytes;
                for m in self.keywords.find_overlapping_iter(Input::new(text).range(searched)) {
                    for &rule in &self.keyword_rules[m.pattern().as_usize()] {
                        let range = match self.specs[rule as usize].window {
                            Some(w) => line.start..(line.start + w).min(text.len()),
                            None if long => {
                                m.start().saturating_sub(LONG_LINE_REACH).max(line.start)
                                    ..(m.end() + LONG_LINE_REACH).min(line.end)
                            }
                            None => line.clone(),
                        };
                        candidates.push((rule, range.start, range.end));
                    }
                }
                at = line.end + 1;
            }
        }
        if self.max_window > 0 {
            self.reaching_windows(chunk, &mut candidates);
        }
        candidates.sort_unstable();
        coalesce(&mut candidates);
        // Whether the file's path admits the rule, decided once per rule: candidates
        // come sorted by rule, and a glob match costs an allocation.
        let mut admitted: Option<(u32, bool)> = None;
        for (rule, start, end) in candidates {
            let admits = match admitted {
                Some((r, yes)) if r == rule => yes,
                _ => {
                    let yes = self.path_filters[rule as usize].as_ref().is_none_or(|g| g.is_match(&*chunk.path));
                    admitted = Some((rule, yes));
                    yes
                }
            };
            if !admits {
                continue;
            }
            let rule = rule as usize;
            let Ok(regex) = self.compile(rule) else { continue };
            for caps in regex.captures_iter(&text[start..end]) {
                on_match(rule, &caps, start);
            }
        }
    }
}

/// Merges each rule's overlapping ranges (`ranges` sorted), so that no byte is searched
/// twice by one rule's regex.
fn coalesce(ranges: &mut Vec<(u32, usize, usize)>) {
    let mut merged: Vec<(u32, usize, usize)> = Vec::with_capacity(ranges.len());
    for &(rule, start, end) in ranges.iter() {
        match merged.last_mut() {
            Some((r, _, last_end)) if *r == rule && start < *last_end => *last_end = (*last_end).max(end),
            _ => merged.push((rule, start, end)),
        }
    }
    *ranges = merged;
}

impl Matcher {
    /// Adds the windows of multi-line rules whose keyword lies in the text before an
    /// added region (at most the largest window before it) and whose window reaches the
    /// region. Each byte of text is searched once however many regions there are.
    fn reaching_windows(&self, chunk: &ChangedFile, candidates: &mut Vec<(u32, usize, usize)>) {
        let text = &chunk.text[..];
        let mut searched_to = 0;
        for region in &chunk.added {
            let from = region.start.saturating_sub(self.max_window).max(searched_to);
            searched_to = region.end;
            if from >= region.start {
                continue;
            }
            // The line of the last keyword, so that many keywords on one long line do
            // not each look back for its start.
            let mut line = 0..0;
            for m in self.keywords.find_overlapping_iter(Input::new(text).range(from..region.start)) {
                if !(line.start <= m.start() && m.start() <= line.end) {
                    line = line_bounds(text, m.start());
                }
                for &rule in &self.keyword_rules[m.pattern().as_usize()] {
                    let Some(w) = self.specs[rule as usize].window else { continue };
                    let line_start = line.start;
                    if line_start + w > region.start {
                        candidates.push((rule, line_start, (line_start + w).min(text.len())));
                    }
                }
            }
        }
    }
}

fn build_globs(spec: &PatternSpec) -> Result<Option<GlobSet>, PatternError> {
    if spec.paths.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in &spec.paths {
        let glob = Glob::new(p).map_err(|e| PatternError { rule: spec.id.to_string(), message: e.to_string() })?;
        b.add(glob);
    }
    b.build().map(Some).map_err(|e| PatternError { rule: spec.id.to_string(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str, kw: &str, re: &str) -> PatternSpec {
        PatternSpec { id: id.into(), keywords: vec![kw.into()], regex: re.into(), window: None, paths: vec![] }
    }

    fn run(m: &Matcher, chunk: &ChangedFile) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        m.find(chunk, MatchLimits { max_line_bytes: 1000 }, |rule, caps, base| {
            let g = caps.get(1).unwrap();
            out.push((rule, format!("{}@{}", String::from_utf8_lossy(g.as_bytes()), base + g.start())));
        });
        out
    }

    #[test]
    fn regex_runs_only_where_keywords_occur() {
        let m = Matcher::new(vec![spec("a", "tok_", r"tok_([0-9]{4})"), spec("b", "zzz", r"(never)")]).unwrap();
        let chunk = ChangedFile::whole("f", &b"x = TOK_1234\ny = tok_5678\n"[..]);
        assert_eq!(run(&m, &chunk), vec![(0, "5678@21".to_string())]);
        // Rule b's keyword never occurred, so its regex was never compiled.
        assert!(m.regexes[1].get().is_none());
        assert!(m.regexes[0].get().is_some());
    }

    #[test]
    fn only_added_regions_are_searched() {
        let m = Matcher::new(vec![spec("a", "tok_", r"tok_([0-9]{4})")]).unwrap();
        let mut chunk = ChangedFile::whole("f", &b"tok_1111\ntok_2222\n"[..]);
        chunk.added = vec![crate::change::Region { start: 9, end: 18, first_line: 2 }];
        assert_eq!(run(&m, &chunk), vec![(0, "2222@13".to_string())]);
    }

    #[test]
    fn a_window_reaching_into_an_added_region_is_searched() {
        let mut s = spec("block", "BEGIN", r"BEGIN\n([a-z]+)\nEND");
        s.window = Some(64);
        let m = Matcher::new(vec![s, spec("line", "BEGIN", r"(BEGIN)")]).unwrap();
        // Only the body line is added; the unchanged BEGIN line holds the keyword.
        let mut chunk = ChangedFile::whole("f", &b"BEGIN\nbody\nEND\n"[..]);
        chunk.added = vec![crate::change::Region { start: 6, end: 11, first_line: 2 }];
        // The window rule runs from the BEGIN line; the line rule does not.
        assert_eq!(run(&m, &chunk), vec![(0, "body@6".to_string())]);
        // A window that ends before the added region is not searched.
        let mut far = ChangedFile::whole("f", [b"BEGIN\nbody\nEND\n".as_slice(), &[b'x'; 80], b"\nnew\n"].concat());
        far.added = vec![crate::change::Region { start: 96, end: 100, first_line: 5 }];
        assert!(run(&m, &far).is_empty());
    }

    #[test]
    fn long_lines_are_searched_near_their_keywords() {
        let m = Matcher::new(vec![spec("a", "tok_", r"tok_([0-9]{4})")]).unwrap();
        let mut text = vec![b'a'; 20_000];
        text.extend_from_slice(b" tok_1234 ");
        text.extend(std::iter::repeat_n(b'b', 20_000));
        text.extend_from_slice(b" tok_5678\nok\n");
        let chunk = ChangedFile::whole("f", text);
        let found = {
            let mut out = Vec::new();
            m.find(&chunk, MatchLimits { max_line_bytes: 1000 }, |rule, caps, base| {
                let g = caps.get(1).unwrap();
                out.push((rule, String::from_utf8_lossy(g.as_bytes()).to_string(), base + g.start()));
            });
            out
        };
        assert_eq!(found, vec![(0, "1234".to_string(), 20_005), (0, "5678".to_string(), 40_015)]);
    }

    #[test]
    fn overlapping_windows_of_one_rule_are_searched_once() {
        let mut s = spec("block", "BEGIN", r"BEGIN\n([a-z]+)\nEND");
        s.window = Some(4096);
        let m = Matcher::new(vec![s]).unwrap();
        // A thousand keyword lines, each opening a window over all that follows: one
        // merged range, so the one match is seen once.
        let mut text = b"BEGIN x\n".repeat(1000);
        text.extend_from_slice(b"BEGIN\nbody\nEND\n");
        let chunk = ChangedFile::whole("f", text);
        assert_eq!(run(&m, &chunk), vec![(0, "body@8006".to_string())]);
    }

    #[test]
    fn coalesce_merges_only_one_rules_overlapping_ranges() {
        let mut ranges = vec![(0, 0, 10), (0, 5, 20), (0, 21, 30), (1, 0, 10), (1, 10, 12)];
        coalesce(&mut ranges);
        assert_eq!(ranges, vec![(0, 0, 20), (0, 21, 30), (1, 0, 10), (1, 10, 12)]);
    }

    #[test]
    fn path_filters_limit_rules() {
        let mut s = spec("a", "tok_", r"tok_([0-9]{4})");
        s.paths = vec!["**/.npmrc".into()];
        let m = Matcher::new(vec![s]).unwrap();
        assert!(run(&m, &ChangedFile::whole("src/main.rs", &b"tok_1234"[..])).is_empty());
        assert_eq!(run(&m, &ChangedFile::whole("app/.npmrc", &b"tok_1234"[..])).len(), 1);
    }

    #[test]
    fn bad_regex_is_an_error_on_compile() {
        let m = Matcher::new(vec![spec("bad", "tok_", r"tok_(")]).unwrap();
        let err = m.compile(0).unwrap_err();
        assert_eq!(err.rule, "bad");
    }
}
