//! CODEOWNERS reader: parses GitHub's `CODEOWNERS` syntax and answers "who owns this path?".
//!
//! Self-contained (std only). Semantics, following GitHub's documentation and the gitignore rules it
//! refers to:
//!
//! * Each line is `PATTERN [OWNER ...]`; owners are `@user`, `@org/team` or an e-mail address.
//!   Blank lines are ignored; `#` at the start of a line, or at the start of a whitespace-separated
//!   word, starts a comment (`foo#bar` is a literal name; `\#` is a literal `#`).
//! * The LAST matching rule wins. A rule without owners matches too, and leaves the path unowned.
//! * A leading `/` or a `/` in the middle anchors a pattern to the repository root (`/docs`,
//!   `docs/api`, `docs/*`); a pattern with no slash, or only a trailing one, matches at any depth
//!   (`*.js`, `docs`, `apps/`).
//! * A pattern that matches a directory matches everything under it; a trailing `/` makes a pattern
//!   match directories only (so `apps/` owns `x/apps/y.rs` but not a file named `apps`).
//!   Exception, as GitHub documents: a pattern whose last segment is a bare `*` (`docs/*`) matches
//!   only the entries directly inside, not nested files.
//! * `*` matches any run of characters except `/`; `?` one character except `/`; a whole segment
//!   `**` matches zero or more directories (`**/logs`, `a/**/b`), and a trailing `/**` everything
//!   inside (`abc/**`). `**` that is not a whole segment (`foo**`) is a plain `*`, as in gitignore.
//! * `\` escapes the next character: `\ ` is a space inside a pattern, `\#`, `\*`, `\!`, `\[` are
//!   literal.
//! * Matching is case-sensitive, like GitHub.
//! * Not supported by GitHub, so reported and skipped (warning with the 1-based line number):
//!   negation (`!pattern`) and character ranges (`[a-z]`). Also skipped with a warning: a line with
//!   a malformed owner (GitHub skips lines with invalid syntax), a lone trailing `\`, an empty path
//!   segment (`a//b`), and the pattern `/` alone.
//! * GitLab section headers (`[Section] @owner`, also `^[Section]` and `[Section][2]`) are
//!   ACCEPTED: the header's owners become the default owners of the rules that follow it up to the
//!   next header, for rules that list no owners themselves. A header with no owners resets the
//!   defaults to none (so owner-less rules in it clear ownership again). Sections do not change
//!   the single global last-match-wins order (GitLab's per-section combination is not modelled).
//!   A line starting with `[` that is not such a header is a range pattern and is rejected.
//!
//! Lookup is indexed: each rule is filed under its most selective literal requirement (a path
//! component it needs, such as `src` in `/src/**/*.rs`, or a file extension, such as `js` for
//! `*.js`), so `owners()` only tries rules that can apply to the path's components.

use std::collections::HashMap;

/// The CODEOWNERS locations, in the order GitHub looks.
pub const LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// Returns the first of [`LOCATIONS`] for which `exists` says yes: the file GitHub would use.
pub fn first_location(mut exists: impl FnMut(&str) -> bool) -> Option<&'static str> {
    LOCATIONS.into_iter().find(|p| exists(p))
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Default)]
pub struct CodeOwners {
    rules: Vec<Rule>,
    /// Rules that need a path component equal to the key.
    by_component: HashMap<String, Vec<usize>>,
    /// Rules that need a path component whose extension (text after the last `.`) is the key.
    by_extension: HashMap<String, Vec<usize>>,
    /// Rules with no literal requirement: tried for every path.
    unindexed: Vec<usize>,
}

impl CodeOwners {
    /// Parses the text; `warnings` lists lines that were skipped, with their 1-based line number and why.
    pub fn parse(text: &str) -> (CodeOwners, Vec<(usize, String)>) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rules = Vec::new();
        let mut warnings = Vec::new();
        let mut section_defaults: Vec<String> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = section_header(line) {
                match parse_owners(rest) {
                    Ok(owners) => section_defaults = owners,
                    Err(why) => {
                        section_defaults = Vec::new();
                        warnings.push((number, format!("section header: {why}; the section gets no default owners")));
                    }
                }
                continue;
            }
            match parse_rule(line, &section_defaults) {
                Ok(Some(rule)) => rules.push(rule),
                Ok(None) => {}
                Err(why) => warnings.push((number, why)),
            }
        }
        (CodeOwners::build(rules), warnings)
    }

    /// The owners of a repository-relative path (`/` separators), per the last matching rule; empty when none.
    ///
    /// A leading `/` and `.` components are ignored; a trailing `/` marks the path as a directory
    /// (only then can a directory-only pattern such as `apps/` match the path itself).
    pub fn owners(&self, path: &str) -> &[String] {
        match self.matching_index(path) {
            Some(i) => &self.rules[i].owners,
            None => &[],
        }
    }

    fn build(rules: Vec<Rule>) -> CodeOwners {
        let keys: Vec<Vec<Key>> = rules.iter().map(Rule::keys).collect();
        let mut counts: HashMap<&Key, usize> = HashMap::new();
        for rule_keys in &keys {
            for key in rule_keys {
                *counts.entry(key).or_default() += 1;
            }
        }
        let mut owners = CodeOwners {
            rules: Vec::new(),
            by_component: HashMap::new(),
            by_extension: HashMap::new(),
            unindexed: Vec::new(),
        };
        for (i, rule_keys) in keys.iter().enumerate() {
            // The rarest key gives the shortest candidate list; any key alone is a sound filter.
            match rule_keys.iter().min_by_key(|k| counts[k]) {
                Some(Key::Component(c)) => owners.by_component.entry(c.clone()).or_default().push(i),
                Some(Key::Extension(e)) => owners.by_extension.entry(e.clone()).or_default().push(i),
                None => owners.unindexed.push(i),
            }
        }
        owners.rules = rules;
        owners
    }

    fn matching_index(&self, path: &str) -> Option<usize> {
        let path = path.trim_start_matches('/');
        let is_dir = path.ends_with('/');
        let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        if comps.is_empty() {
            return None;
        }
        let found = Found { path, comps: &comps, is_dir };
        let mut best = None;
        for (j, comp) in comps.iter().enumerate() {
            if comps[..j].contains(comp) {
                continue;
            }
            if let Some(list) = self.by_component.get(*comp) {
                self.scan(list, &found, &mut best);
            }
        }
        let mut seen_ext: Vec<&str> = Vec::new();
        for comp in &comps {
            if let Some(dot) = comp.rfind('.') {
                let ext = &comp[dot + 1..];
                if seen_ext.contains(&ext) {
                    continue;
                }
                seen_ext.push(ext);
                if let Some(list) = self.by_extension.get(ext) {
                    self.scan(list, &found, &mut best);
                }
            }
        }
        self.scan(&self.unindexed, &found, &mut best);
        best
    }

    /// Tries `list` (ascending rule indices) from the end; stops at the first match or once
    /// nothing later than `best` is left.
    fn scan(&self, list: &[usize], q: &Found, best: &mut Option<usize>) {
        for &i in list.iter().rev() {
            if best.is_some_and(|b| b >= i) {
                break;
            }
            if self.rules[i].matches(q.path, q.comps, q.is_dir) {
                *best = Some(i);
                break;
            }
        }
    }
}

/// A queried path, split once.
struct Found<'a> {
    path: &'a str,
    comps: &'a [&'a str],
    is_dir: bool,
}

#[derive(Debug, Clone)]
struct Rule {
    /// The pattern as written (a trailing `**` still means "one or more components").
    segs: Vec<Seg>,
    /// What a file path must match as a whole: `segs` with "or anything under it" made explicit
    /// as a trailing zero-or-more `**`, so that matching is one linear pass.
    file_segs: Vec<Seg>,
    /// The same for a directory path (differs only for directory-only patterns).
    dir_segs: Vec<Seg>,
    /// The longest literal the pattern contains: a path lacking it cannot match.
    needle: String,
    owners: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Glob(Vec<Tok>),
    /// `**`: zero or more components (in `Rule::segs`, one or more when it is the last segment).
    AnyDirs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(String),
    One,
    Star,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Component(String),
    Extension(String),
}

impl Rule {
    fn new(segs: Vec<Seg>, dir_only: bool, owners: Vec<String>) -> Rule {
        let star = || Seg::Glob(vec![Tok::Star]);
        // In `segs` a trailing `**` needs at least one component: spell it `*/**`.
        let mut base = segs.clone();
        if base.last() == Some(&Seg::AnyDirs) {
            base.pop();
            base.extend([star(), Seg::AnyDirs]);
        }
        // A bare `*` last (`docs/*`) matches direct entries only, not what is under them.
        let direct_only = !dir_only && base.last() == Some(&star());
        let (file_segs, dir_segs) = if dir_only {
            // Directories only: a file matches through an ancestor, i.e. `P/*/**`; a directory
            // path may also be the directory itself, `P/**`.
            let mut file = base.clone();
            file.extend([star(), Seg::AnyDirs]);
            let mut dir = base;
            dir.push(Seg::AnyDirs);
            (file, dir)
        } else if direct_only {
            (base.clone(), base)
        } else {
            // The path itself or anything under it.
            base.push(Seg::AnyDirs);
            (base.clone(), base)
        };
        let mut needle = "";
        for seg in &segs {
            let literals: Vec<&str> = match seg {
                Seg::Lit(s) => vec![s],
                Seg::Glob(toks) => toks
                    .iter()
                    .filter_map(|t| match t {
                        Tok::Lit(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect(),
                Seg::AnyDirs => Vec::new(),
            };
            for lit in literals {
                if lit.len() > needle.len() {
                    needle = lit;
                }
            }
        }
        let needle = needle.to_string();
        Rule { segs, file_segs: collapse_any_dirs(file_segs), dir_segs: collapse_any_dirs(dir_segs), needle, owners }
    }

    /// `path` is the text `comps` came from, used for a cheap substring pre-check.
    fn matches(&self, path: &str, comps: &[&str], is_dir: bool) -> bool {
        if !path.contains(self.needle.as_str()) {
            return false;
        }
        match_segs(if is_dir { &self.dir_segs } else { &self.file_segs }, comps)
    }

    fn keys(&self) -> Vec<Key> {
        let mut keys = Vec::new();
        for seg in &self.segs {
            let key = match seg {
                Seg::Lit(s) => Key::Component(s.clone()),
                Seg::Glob(toks) => match toks.last() {
                    // The component ends with `tail`, so its extension is `tail`'s extension.
                    Some(Tok::Lit(tail)) if tail.contains('.') => {
                        Key::Extension(tail[tail.rfind('.').unwrap_or(0) + 1..].to_string())
                    }
                    _ => continue,
                },
                Seg::AnyDirs => continue,
            };
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }
}

/// `a/**/**/b` is `a/**/b`.
fn collapse_any_dirs(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.dedup_by(|a, b| *a == Seg::AnyDirs && *b == Seg::AnyDirs);
    segs
}

/// Does `pat` (where `**` is zero or more components, every other segment exactly one) match
/// all of `comps`? Greedy with a single backtrack point, as for `*` in a glob: at most
/// O(segments x components) segment tests, however many `**` a hostile pattern has.
fn match_segs(pat: &[Seg], comps: &[&str]) -> bool {
    let (mut p, mut c) = (0, 0);
    let mut back: Option<(usize, usize)> = None;
    loop {
        if p < pat.len() {
            match &pat[p] {
                Seg::AnyDirs => {
                    back = Some((p, c));
                    p += 1;
                    continue;
                }
                seg if c < comps.len() && seg_matches(seg, comps[c]) => {
                    p += 1;
                    c += 1;
                    continue;
                }
                _ => {}
            }
        } else if c == comps.len() {
            return true;
        }
        match back {
            Some((bp, bc)) if bc < comps.len() => {
                back = Some((bp, bc + 1));
                p = bp + 1;
                c = bc + 1;
            }
            _ => return false,
        }
    }
}

fn seg_matches(seg: &Seg, comp: &str) -> bool {
    match seg {
        Seg::Lit(s) => s == comp,
        Seg::Glob(toks) => glob_matches(toks, comp.as_bytes()),
        Seg::AnyDirs => true,
    }
}

/// Length of the UTF-8 sequence starting with byte `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Single-segment glob (`*`, `?`, literals) with the usual star backtracking; linear-ish.
fn glob_matches(toks: &[Tok], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < toks.len() {
            match &toks[pi] {
                Tok::Star => {
                    star = Some((pi, si));
                    pi += 1;
                    continue;
                }
                Tok::One if si < s.len() => {
                    si += utf8_len(s[si]);
                    pi += 1;
                    continue;
                }
                Tok::Lit(l) if s[si..].starts_with(l.as_bytes()) => {
                    si += l.len();
                    pi += 1;
                    continue;
                }
                _ => {}
            }
        } else if si == s.len() {
            return true;
        }
        match star {
            Some((sp, ss)) if ss < s.len() => {
                let next = ss + utf8_len(s[ss]);
                star = Some((sp, next));
                pi = sp + 1;
                si = next;
            }
            _ => return false,
        }
    }
}

/// If `line` is a GitLab section header (`[Name]`, `^[Name]`, `[Name][2]`, then whitespace or
/// nothing), returns the text after it (the default owners).
fn section_header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('^').unwrap_or(line).strip_prefix('[')?;
    let close = inner.find(']')?;
    if inner[..close].trim().is_empty() {
        return None;
    }
    let mut rest = &inner[close + 1..];
    if let Some(count) = rest.strip_prefix('[') {
        let close = count.find(']')?;
        if close == 0 || !count[..close].bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest = &count[close + 1..];
    }
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

/// A word of the line: characters with a flag telling whether they were backslash-escaped.
type Word = Vec<(char, bool)>;

/// Splits on unescaped whitespace, resolving `\x` escapes; an unescaped `#` that starts a word
/// ends the line.
fn tokenize(line: &str) -> Result<Vec<Word>, String> {
    let mut words = Vec::new();
    let mut cur: Word = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) => cur.push((next, true)),
                None => return Err("line ends with a lone backslash".to_string()),
            },
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            '#' if cur.is_empty() => break,
            c => cur.push((c, false)),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    Ok(words)
}

fn word_text(word: &[(char, bool)]) -> String {
    word.iter().map(|&(c, _)| c).collect()
}

fn parse_owners(text: &str) -> Result<Vec<String>, String> {
    let words = tokenize(text)?;
    owners_from_words(&words)
}

fn owners_from_words(words: &[Word]) -> Result<Vec<String>, String> {
    let mut owners: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for word in words {
        let owner = word_text(word);
        if !valid_owner(&owner) {
            bad.push(format!("`{owner}`"));
        } else if !owners.contains(&owner) {
            owners.push(owner);
        }
    }
    if bad.is_empty() {
        Ok(owners)
    } else {
        Err(format!("invalid owner {} (expected @user, @org/team or an e-mail address)", bad.join(", ")))
    }
}

fn valid_owner(owner: &str) -> bool {
    let handle_ok =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if let Some(handle) = owner.strip_prefix('@') {
        match handle.split_once('/') {
            Some((org, team)) => handle_ok(org) && handle_ok(team),
            None => handle_ok(handle),
        }
    } else if let Some((local, domain)) = owner.split_once('@') {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !owner.contains(char::is_whitespace)
    } else {
        false
    }
}

fn parse_rule(line: &str, defaults: &[String]) -> Result<Option<Rule>, String> {
    let words = tokenize(line)?;
    let Some((pattern, owner_words)) = words.split_first() else {
        return Ok(None);
    };
    let shown = word_text(pattern);
    if pattern.first() == Some(&('!', false)) {
        return Err(format!("negation pattern `{shown}` is not supported by CODEOWNERS"));
    }
    if pattern.contains(&('[', false)) {
        return Err(format!(
            "character range in `{shown}` is not supported by CODEOWNERS (escape it as `\\[` for a literal `[`)"
        ));
    }
    let (segs, dir_only) = compile_pattern(pattern).map_err(|why| format!("pattern `{shown}`: {why}"))?;
    let mut owners = owners_from_words(owner_words)?;
    if owners.is_empty() {
        owners = defaults.to_vec();
    }
    Ok(Some(Rule::new(segs, dir_only, owners)))
}

fn compile_pattern(pattern: &[(char, bool)]) -> Result<(Vec<Seg>, bool), String> {
    let mut body = pattern;
    let dir_only = matches!(body.last(), Some(('/', _)));
    if dir_only {
        body = &body[..body.len() - 1];
    }
    let mut anchored = false;
    if let Some((('/', _), rest)) = body.split_first() {
        anchored = true;
        body = rest;
    }
    if body.is_empty() {
        return Err("matches no path".to_string());
    }
    let parts: Vec<&[(char, bool)]> = body.split(|&(c, _)| c == '/').collect();
    anchored |= parts.len() > 1;
    let mut segs = Vec::with_capacity(parts.len() + 1);
    for part in parts {
        if part.is_empty() {
            return Err("empty path segment (`//`)".to_string());
        }
        segs.push(compile_segment(part));
    }
    if !anchored && segs.first() != Some(&Seg::AnyDirs) {
        segs.insert(0, Seg::AnyDirs);
    }
    Ok((segs, dir_only))
}

fn compile_segment(part: &[(char, bool)]) -> Seg {
    if part == [('*', false), ('*', false)] {
        return Seg::AnyDirs;
    }
    let mut toks: Vec<Tok> = Vec::new();
    for &(c, escaped) in part {
        match (c, escaped) {
            ('*', false) => {
                if toks.last() != Some(&Tok::Star) {
                    toks.push(Tok::Star);
                }
            }
            ('?', false) => toks.push(Tok::One),
            _ => match toks.last_mut() {
                Some(Tok::Lit(s)) => s.push(c),
                _ => toks.push(Tok::Lit(c.to_string())),
            },
        }
    }
    match toks.as_slice() {
        [Tok::Lit(s)] => Seg::Lit(s.clone()),
        _ => Seg::Glob(toks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> CodeOwners {
        let (co, warnings) = CodeOwners::parse(text);
        assert!(warnings.is_empty(), "unexpected warnings: {warnings:?}");
        co
    }

    /// Owners of `path` joined by spaces ("" when none).
    fn who(co: &CodeOwners, path: &str) -> String {
        co.owners(path).join(" ")
    }

    #[test]
    fn locations_in_github_order() {
        assert_eq!(LOCATIONS, [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]);
        assert_eq!(first_location(|p| p == "CODEOWNERS" || p == "docs/CODEOWNERS"), Some("CODEOWNERS"));
        assert_eq!(first_location(|_| true), Some(".github/CODEOWNERS"));
        assert_eq!(first_location(|_| false), None);
    }

    #[test]
    fn empty_file_owns_nothing() {
        let co = parse_ok("");
        assert!(co.owners("src/main.rs").is_empty());
        let co = parse_ok("* @a");
        assert!(co.owners("").is_empty());
        assert!(co.owners("/").is_empty());
    }

    #[test]
    fn star_alone_owns_everything() {
        let co = parse_ok("* @global");
        for p in ["README.md", "a/b/c/d.txt", ".hidden", "dir/"] {
            assert_eq!(who(&co, p), "@global", "{p}");
        }
    }

    #[test]
    fn anchored_patterns() {
        let co = parse_ok("/build/logs/ @logs\n/docs @docs\n/Makefile @make\n");
        assert_eq!(who(&co, "build/logs/a.log"), "@logs");
        assert_eq!(who(&co, "build/logs/deep/x/a.log"), "@logs");
        assert_eq!(who(&co, "x/build/logs/a.log"), "");
        assert_eq!(who(&co, "build/logsX/a.log"), "");
        assert_eq!(who(&co, "build/a.log"), "");
        assert_eq!(who(&co, "docs/a.md"), "@docs");
        assert_eq!(who(&co, "docs"), "@docs");
        assert_eq!(who(&co, "src/docs/a.md"), "");
        assert_eq!(who(&co, "Makefile"), "@make");
        assert_eq!(who(&co, "sub/Makefile"), "");
        // a leading slash on the queried path is tolerated
        assert_eq!(who(&co, "/docs/a.md"), "@docs");
    }

    #[test]
    fn middle_slash_anchors_too() {
        let co = parse_ok("docs/api @api\n");
        assert_eq!(who(&co, "docs/api/v1.md"), "@api");
        assert_eq!(who(&co, "docs/api"), "@api");
        assert_eq!(who(&co, "x/docs/api/v1.md"), "");
    }

    #[test]
    fn unanchored_patterns_match_at_any_depth() {
        let co = parse_ok("*.js @js\ndocs @docs\n");
        assert_eq!(who(&co, "app.js"), "@js");
        assert_eq!(who(&co, "a/b/c/app.js"), "@js");
        assert_eq!(who(&co, "a/b/app.jsx"), "");
        assert_eq!(who(&co, "app.js.map"), "");
        // `docs` matches a file or a directory named docs anywhere, and what is inside
        assert_eq!(who(&co, "docs"), "@docs");
        assert_eq!(who(&co, "a/docs"), "@docs");
        assert_eq!(who(&co, "a/docs/b/c.txt"), "@docs");
        assert_eq!(who(&co, "a/mydocs/c.txt"), "");
        // `*.js` also matches a directory whose name ends in .js (gitignore semantics)
        assert_eq!(who(&co, "node.js/README"), "@js");
    }

    #[test]
    fn trailing_slash_matches_directories_at_any_depth() {
        let co = parse_ok("apps/ @apps\n");
        assert_eq!(who(&co, "apps/a.rs"), "@apps");
        assert_eq!(who(&co, "x/y/apps/z/a.rs"), "@apps");
        // a file named `apps` is not a directory
        assert_eq!(who(&co, "apps"), "");
        assert_eq!(who(&co, "x/apps"), "");
        // ... but the directory itself is, when the path says so
        assert_eq!(who(&co, "x/apps/"), "@apps");
    }

    #[test]
    fn single_star_does_not_cross_slash() {
        let co = parse_ok("/src/*.rs @rs\n");
        assert_eq!(who(&co, "src/lib.rs"), "@rs");
        assert_eq!(who(&co, "src/a/lib.rs"), "");
        let co = parse_ok("/a/*/c @mid\n");
        assert_eq!(who(&co, "a/b/c"), "@mid");
        assert_eq!(who(&co, "a/b/c/d.txt"), "@mid");
        assert_eq!(who(&co, "a/b/x/c"), "");
        assert_eq!(who(&co, "a/c"), "");
    }

    #[test]
    fn double_star_crosses_slashes() {
        let co = parse_ok("/src/**/*.rs @rs\n");
        assert_eq!(who(&co, "src/lib.rs"), "@rs");
        assert_eq!(who(&co, "src/a/b/c/lib.rs"), "@rs");
        assert_eq!(who(&co, "other/src/lib.rs"), "");

        let co = parse_ok("**/logs @logs\n");
        assert_eq!(who(&co, "logs"), "@logs");
        assert_eq!(who(&co, "logs/a.log"), "@logs");
        assert_eq!(who(&co, "a/b/logs/c/d.log"), "@logs");

        let co = parse_ok("abc/** @abc\n");
        assert_eq!(who(&co, "abc/x"), "@abc");
        assert_eq!(who(&co, "abc/x/y/z"), "@abc");
        assert_eq!(who(&co, "abc"), "");
        assert_eq!(who(&co, "z/abc/x"), "");

        let co = parse_ok("a/**/b @ab\n");
        assert_eq!(who(&co, "a/b"), "@ab");
        assert_eq!(who(&co, "a/x/b"), "@ab");
        assert_eq!(who(&co, "a/x/y/b/file"), "@ab");
        assert_eq!(who(&co, "a/x/y/c"), "");

        let co = parse_ok("** @all\n");
        assert_eq!(who(&co, "any/thing.txt"), "@all");

        // `**` inside a segment is an ordinary `*` (gitignore), so it does not cross `/`
        let co = parse_ok("/foo**bar @fb\n");
        assert_eq!(who(&co, "fooXbar"), "@fb");
        assert_eq!(who(&co, "foo/bar"), "");
    }

    #[test]
    fn docs_star_matches_direct_children_only() {
        let co = parse_ok("docs/* @docs\n");
        assert_eq!(who(&co, "docs/getting-started.md"), "@docs");
        assert_eq!(who(&co, "docs/build-app/troubleshooting.md"), "");
        assert_eq!(who(&co, "docs"), "");
        assert_eq!(who(&co, "x/docs/a.md"), "");
    }

    #[test]
    fn question_mark_is_one_character() {
        let co = parse_ok("/v?.txt @v\n");
        assert_eq!(who(&co, "v1.txt"), "@v");
        assert_eq!(who(&co, "vé.txt"), "@v");
        assert_eq!(who(&co, "v12.txt"), "");
        assert_eq!(who(&co, "v.txt"), "");
    }

    #[test]
    fn last_match_wins() {
        let co = parse_ok("* @default\n*.js @js\n/src/ @src\n");
        assert_eq!(who(&co, "README.md"), "@default");
        assert_eq!(who(&co, "lib/a.js"), "@js");
        // `/src/` comes after `*.js`, so it wins for src/a.js
        assert_eq!(who(&co, "src/a.js"), "@src");

        // reversed order: the general rule last overrides everything
        let co = parse_ok("/src/ @src\n*.js @js\n* @default\n");
        assert_eq!(who(&co, "src/a.js"), "@default");
        assert_eq!(who(&co, "lib/a.js"), "@default");
    }

    #[test]
    fn pattern_without_owners_clears_ownership() {
        let co = parse_ok("/apps/ @octocat\n/apps/github\n");
        assert_eq!(who(&co, "apps/web/x.rs"), "@octocat");
        assert!(co.owners("apps/github/x.rs").is_empty());
        assert!(co.owners("apps/github").is_empty());
        // ... and a later rule can own it again
        let co = parse_ok("* @all\n/vendor/\n/vendor/ours/ @us\n");
        assert_eq!(who(&co, "vendor/theirs/a.c"), "");
        assert_eq!(who(&co, "vendor/ours/a.c"), "@us");
        assert_eq!(who(&co, "src/a.c"), "@all");
    }

    #[test]
    fn emails_teams_and_multiple_owners() {
        let co = parse_ok("*.go docs@example.com\n/infra/ @acme/platform-team @alice first.last+x@mail.example.org\n");
        assert_eq!(co.owners("x.go"), ["docs@example.com".to_string()]);
        assert_eq!(
            co.owners("infra/main.tf"),
            ["@acme/platform-team".to_string(), "@alice".to_string(), "first.last+x@mail.example.org".to_string()]
        );
        // duplicates are listed once
        let co = parse_ok("* @a @a @b\n");
        assert_eq!(who(&co, "x"), "@a @b");
    }

    #[test]
    fn comments_blank_lines_and_escaped_hash() {
        let text = "# leading comment\n\n   \n  # indented comment\n\
                    *.md @docs # trailing comment @not-an-owner\n\
                    \\#notes @hash\n\
                    /a#b @literal\n\
                    \t/tabbed\t@tab\t\n";
        let co = parse_ok(text);
        assert_eq!(who(&co, "README.md"), "@docs");
        assert_eq!(who(&co, "x/#notes"), "@hash");
        assert_eq!(who(&co, "a#b"), "@literal");
        assert_eq!(who(&co, "tabbed/x"), "@tab");
        // `# leading comment` is not a pattern
        assert_eq!(who(&co, "leading"), "");
    }

    #[test]
    fn escaped_spaces_and_other_escapes() {
        let co = parse_ok(
            "/My\\ Documents/ @docs\n/file\\ with\\ spaces.txt @sp\n/lit\\*star @star\n\\!bang @bang\n\\[x\\] @br\n",
        );
        assert_eq!(who(&co, "My Documents/a.txt"), "@docs");
        assert_eq!(who(&co, "My/a.txt"), "");
        assert_eq!(who(&co, "file with spaces.txt"), "@sp");
        assert_eq!(who(&co, "lit*star"), "@star");
        assert_eq!(who(&co, "litXstar"), "");
        assert_eq!(who(&co, "dir/!bang"), "@bang");
        assert_eq!(who(&co, "[x]"), "@br");
    }

    #[test]
    fn invalid_lines_are_skipped_with_line_numbers() {
        let text = "* @all\n\
                    !secret.txt @nobody\n\
                    *.[ch] @c\n\
                    # fine comment\n\
                    /ok @ok\n\
                    /bad owner\n\
                    /trailing\\\n\
                    a//b @x\n\
                    / @root\n\
                    /mixed @good bad@ @also-good\n";
        let (co, warnings) = CodeOwners::parse(text);
        let lines: Vec<usize> = warnings.iter().map(|w| w.0).collect();
        assert_eq!(lines, [2, 3, 6, 7, 8, 9, 10], "{warnings:?}");
        assert!(warnings[0].1.contains("negation"), "{warnings:?}");
        assert!(warnings[1].1.contains("range"), "{warnings:?}");
        assert!(warnings[2].1.contains("`owner`"), "{warnings:?}");
        assert!(warnings[3].1.contains("backslash"), "{warnings:?}");
        assert!(warnings[4].1.contains("empty path segment"), "{warnings:?}");
        assert!(warnings[6].1.contains("`bad@`"), "{warnings:?}");
        // skipped lines do not take part in matching
        assert_eq!(who(&co, "secret.txt"), "@all");
        assert_eq!(who(&co, "a.c"), "@all");
        assert_eq!(who(&co, "bad"), "@all");
        assert_eq!(who(&co, "mixed"), "@all");
        assert_eq!(who(&co, "ok"), "@ok");
    }

    #[test]
    fn sections_provide_default_owners() {
        let text = "[Docs] @docs-team\n\
                    *.md\n\
                    /guide/ @writer\n\
                    ^[Backend][2] @acme/backend\n\
                    /api/\n\
                    [Unowned]\n\
                    /api/generated/\n\
                    [Section with spaces] @s\n\
                    /spaced\n";
        let co = parse_ok(text);
        assert_eq!(who(&co, "README.md"), "@docs-team");
        assert_eq!(who(&co, "guide/x.txt"), "@writer");
        assert_eq!(who(&co, "api/x.rs"), "@acme/backend");
        assert_eq!(who(&co, "api/generated/x.rs"), "");
        assert_eq!(who(&co, "spaced"), "@s");

        // `[abc].md` is a range pattern, not a section header
        let (_, warnings) = CodeOwners::parse("[abc].md @x\n[Ok] bad\n");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].0, 1);
        assert!(warnings[0].1.contains("range"));
        assert_eq!(warnings[1].0, 2);
        assert!(warnings[1].1.contains("section header"));
    }

    #[test]
    fn case_sensitive_crlf_and_bom() {
        let co = parse_ok("\u{feff}/Docs/ @upper\r\n*.TXT @txt\r\n");
        assert_eq!(who(&co, "Docs/a"), "@upper");
        assert_eq!(who(&co, "docs/a"), "");
        assert_eq!(who(&co, "a.TXT"), "@txt");
        assert_eq!(who(&co, "a.txt"), "");
    }

    /// Reference: try every rule from last to first, no index.
    fn brute_force<'a>(co: &'a CodeOwners, path: &str) -> &'a [String] {
        let path = path.trim_start_matches('/');
        let is_dir = path.ends_with('/');
        let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        if comps.is_empty() {
            return &[];
        }
        co.rules.iter().rev().find(|r| r.matches(path, &comps, is_dir)).map_or(&[], |r| &r.owners)
    }

    /// Reference for the linear matcher: the direct recursive reading of the rules (a trailing
    /// `**` needs one component; a match of an ancestor directory counts unless `direct_only`;
    /// a directory-only pattern matches a file path only through an ancestor).
    fn reference_matches(rule: &Rule, comps: &[&str], is_dir: bool) -> bool {
        fn rec(pat: &[Seg], comps: &[&str], full: bool, ancestor: bool) -> bool {
            match pat.split_first() {
                None => {
                    if comps.is_empty() {
                        full
                    } else {
                        ancestor
                    }
                }
                Some((Seg::AnyDirs, rest)) => {
                    let min = usize::from(rest.is_empty());
                    (min..=comps.len()).any(|k| rec(rest, &comps[k..], full, ancestor))
                }
                Some((seg, rest)) => match comps.split_first() {
                    Some((first, others)) => seg_matches(seg, first) && rec(rest, others, full, ancestor),
                    None => false,
                },
            }
        }
        let dir_only = rule.file_segs != rule.dir_segs;
        let direct_only = rule.file_segs.last() != Some(&Seg::AnyDirs);
        rec(&rule.segs, comps, !dir_only || is_dir, !direct_only)
    }

    #[test]
    fn linear_matcher_agrees_with_recursive_reference() {
        let patterns = [
            "*",
            "**",
            "/**",
            "a/**",
            "**/a",
            "a/**/b",
            "/a/**/b/**",
            "**/a/**/b/",
            "a/*/b",
            "a/*",
            "/*",
            "*/",
            "a/",
            "/a/b/",
            "a/**/*/b",
            "*/**/*",
            "**/**/a",
            "x?",
            "*a*",
        ];
        let names = ["a", "b", "x", "xa", "ab"];
        for pat in patterns {
            let co = parse_ok(&format!("{pat} @o"));
            let rule = &co.rules[0];
            let mut paths = vec![Vec::new()];
            for _ in 0..4 {
                let longer: Vec<Vec<&str>> = paths
                    .iter()
                    .filter(|p: &&Vec<&str>| p.len() == paths.last().map_or(0, Vec::len))
                    .flat_map(|p| {
                        names.iter().map(move |n| {
                            let mut q = p.clone();
                            q.push(*n);
                            q
                        })
                    })
                    .collect();
                paths.extend(longer);
            }
            for comps in paths.iter().filter(|p| !p.is_empty()) {
                for is_dir in [false, true] {
                    assert_eq!(
                        rule.matches(&comps.join("/"), comps, is_dir),
                        reference_matches(rule, comps, is_dir),
                        "pattern {pat} path {comps:?} dir {is_dir}"
                    );
                }
            }
        }
    }

    #[test]
    fn hostile_double_stars_stay_linear() {
        // Exponential for a naive backtracking matcher; quadratic here.
        let pattern = format!("/{}/end", ["x"; 40].join("/**/"));
        let co = parse_ok(&format!("{pattern} @o\n"));
        let path = ["x"; 200].join("/");
        let start = std::time::Instant::now();
        assert!(co.owners(&path).is_empty());
        assert_eq!(who(&co, &format!("{path}/end")), "@o");
        assert!(start.elapsed().as_secs() < 2, "{:?}", start.elapsed());
    }

    #[test]
    fn index_agrees_with_brute_force() {
        let patterns = [
            "*",
            "*.rs",
            "*.min.js",
            "*.js",
            "src",
            "/src/",
            "src/*",
            "/src/**/*.rs",
            "**/test",
            "tests/",
            "/docs/*",
            "docs",
            "a/**/b",
            "*_test.go",
            "/vendor/",
            "Makefile",
            "*.",
            "/x/y/z",
            "lib/*.js",
            "**/*.md",
            "/*",
            "?ake*",
            "build/",
            "/build/logs/",
        ];
        let names = [
            "src",
            "lib",
            "a",
            "b",
            "test",
            "tests",
            "docs",
            "vendor",
            "x",
            "y",
            "z",
            "build",
            "logs",
            "main.rs",
            "app.min.js",
            "app.js",
            "x_test.go",
            "Makefile",
            "README.md",
            "weird.",
            "noext",
        ];
        let mut text = String::new();
        for (i, p) in patterns.iter().enumerate() {
            // every third rule has no owners, to exercise clearing
            if i % 3 == 2 {
                text.push_str(&format!("{p}\n"));
            } else {
                text.push_str(&format!("{p} @o{i}\n"));
            }
        }
        for rotation in (0..patterns.len()).step_by(3) {
            let lines: Vec<&str> = text.lines().collect();
            let rotated = [&lines[rotation..], &lines[..rotation]].concat().join("\n");
            let co = parse_ok(&rotated);
            // all paths of depth 1..=3 over `names`
            let mut checked = 0;
            for a in names {
                for b in names {
                    for c in names {
                        for path in [a.to_string(), format!("{a}/{b}"), format!("{a}/{b}/{c}")] {
                            assert_eq!(co.owners(&path), brute_force(&co, &path), "{path}");
                            checked += 1;
                        }
                    }
                }
            }
            assert!(checked > 9000);
        }
    }

    /// Builds a realistic 500-line file and 10,000 paths.
    fn perf_fixture() -> (String, Vec<String>) {
        let mut text = String::from("* @acme/everyone\n");
        let exts = ["rs", "js", "ts", "go", "py", "md", "yml", "toml", "json", "sh"];
        let mut i = 0;
        while text.lines().count() < 500 {
            let line = match i % 10 {
                0 => format!("/services/svc{i}/ @acme/team{i}\n"),
                1 => format!("*.{} @lang{i}\n", exts[i / 10 % exts.len()]),
                2 => format!("/services/svc{}/**/*.{} @deep{i}\n", i - 2, exts[i % exts.len()]),
                3 => format!("module{i}/ @mod{i}\n"),
                4 => format!("/libs/lib{i}/src/* @direct{i}\n"),
                5 => format!("**/generated{i}\n"),
                6 => format!("docs/section{i}/ user{i}@example.com\n"),
                7 => format!("/services/*/config{i}.yml @cfg{i}\n"),
                8 => format!("*_{i}_test.go @t{i}\n"),
                _ => format!("/tools/tool{i}/bin/ @tools{i}\n"),
            };
            text.push_str(&line);
            i += 1;
        }
        let mut paths = Vec::with_capacity(10_000);
        for j in 0..10_000usize {
            let k = j * 7919 % 500;
            let ext = exts[j % exts.len()];
            let path = match j % 6 {
                0 => format!("services/svc{k}/src/handler/file{j}.{ext}"),
                1 => format!("libs/lib{k}/src/mod{j}.{ext}"),
                2 => format!("a/b/module{k}/c/d/e/f{j}.{ext}"),
                3 => format!("docs/section{k}/page{j}.md"),
                4 => format!("tools/tool{k}/bin/run{j}"),
                _ => format!("x/generated{k}/y/z_{k}_test.go"),
            };
            paths.push(path);
        }
        (text, paths)
    }

    /// Run with `cargo test --release -- --ignored --nocapture perf`.
    #[test]
    #[ignore = "timing; run in release"]
    fn perf_10k_paths_500_rules() {
        let (text, paths) = perf_fixture();
        let (co, warnings) = CodeOwners::parse(&text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(co.rules.len(), 500);
        println!(
            "index: {} component keys, {} extension keys, {} unindexed rules",
            co.by_component.len(),
            co.by_extension.len(),
            co.unindexed.len()
        );
        for p in paths.iter().take(2000) {
            assert_eq!(co.owners(p), brute_force(&co, p), "{p}");
        }
        let mut best = std::time::Duration::MAX;
        let mut owned = 0;
        for _ in 0..5 {
            let start = std::time::Instant::now();
            owned = paths.iter().filter(|p| !co.owners(p).is_empty()).count();
            best = best.min(start.elapsed());
        }
        let start = std::time::Instant::now();
        let brute = paths.iter().filter(|p| !brute_force(&co, p).is_empty()).count();
        let brute_time = start.elapsed();
        assert_eq!(owned, brute);
        println!("indexed owners() x10000: {best:?} (brute force: {brute_time:?}); {owned} owned");
        assert!(best.as_millis() < 50, "too slow: {best:?}");

        // Worst case for the index: 500 rules with no literal to key on, none matching.
        let worst: String = (0..500).map(|i| format!("*q{i}*z\n")).collect();
        let (co, _) = CodeOwners::parse(&worst);
        assert_eq!(co.unindexed.len(), 500);
        let start = std::time::Instant::now();
        let owned = paths.iter().filter(|p| !co.owners(p).is_empty()).count();
        println!("worst case, 500 unindexed rules x10000: {:?}", start.elapsed());
        assert_eq!(owned, 0);
    }
}
