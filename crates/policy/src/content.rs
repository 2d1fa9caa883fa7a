//! Content rules: insecure patterns in added lines, as data (`policies/policy/code-*.toml`
//! and `[[policy.content_rule]]`). A rule is a regex gated by keywords (one automaton
//! for every rule, a regex compiled only when its keywords occur, as for secrets),
//! scoped by path globs; a match that starts inside a comment — or inside a string
//! literal, unless the rule looks into strings — is dropped, so documentation and
//! examples in comments do not fire. The lexer knows each language family's comments
//! and strings; it runs only on files where some rule matched.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use tollgate_config::{Severity, Spanned};
use tollgate_core::{ChangedFile, MatchLimits, Matcher, PatternSpec, Workload};

/// A content rule as written in a pack or a policy file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentRuleDef {
    pub id: Spanned<String>,
    pub description: String,
    /// Literal strings (case-insensitive), one of which occurs in every match's line.
    pub keywords: Vec<String>,
    /// The pattern, matched against one line (or `window` bytes from its start).
    pub regex: Spanned<String>,
    /// Globs of the files the rule applies to.
    pub paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: Severity,
    /// How to fix it.
    pub help: String,
    /// References: CWE ids (`CWE-78`), documentation.
    #[serde(default)]
    pub references: Vec<String>,
    /// Whether a match may start inside a string literal (patterns about string
    /// contents, such as SQL text or YAML values).
    #[serde(default)]
    pub in_strings: bool,
    /// Bytes from the start of the keyword's line the regex may see.
    pub window: Option<usize>,
    /// A match whose line matches this regex is dropped (the safe form of the pattern,
    /// such as a value passed through an environment variable).
    pub unless_line: Option<Spanned<String>>,
    /// The path examples are judged as (it must match `paths`).
    pub example_path: String,
    /// Text that must be found.
    pub examples: Spanned<Vec<String>>,
    /// Text that must not be found (comments, safe variants, near misses).
    pub negative_examples: Spanned<Vec<String>>,
}

/// A pack file: `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentPack {
    #[serde(default)]
    pub rule: Vec<ContentRuleDef>,
}

/// The built-in packs: (file name, text).
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("policies/policy/code-ci.toml", include_str!("../../../policies/policy/code-ci.toml")),
    ("policies/policy/code-languages.toml", include_str!("../../../policies/policy/code-languages.toml")),
];

/// A rule's facts at match time.
#[derive(Debug, Clone)]
pub struct ContentRule {
    pub id: String,
    /// Compiled on the first match of the rule (most runs match nothing).
    unless_line: Option<(String, std::sync::OnceLock<Option<regex::bytes::Regex>>)>,
    pub description: String,
    pub severity: Severity,
    pub help: String,
    pub references: Vec<String>,
    pub in_strings: bool,
}

/// A match of a content rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentHit {
    pub rule: usize,
    pub span: Range<usize>,
}

/// Every content rule, behind one keyword automaton and one glob set.
pub struct ContentRules {
    matcher: Matcher,
    pub rules: Vec<ContentRule>,
    /// Every rule's path globs, and the rule each glob belongs to.
    globs: globset::GlobSet,
    glob_rule: Vec<usize>,
}

impl std::fmt::Debug for ContentRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentRules").field("rules", &self.rules.len()).finish()
    }
}

/// What stops a rule from loading, with the span of the value at fault.
pub type RuleProblem = (Range<usize>, String);

impl ContentRules {
    /// Prepares rules (already validated with [`check_rule`]).
    pub fn new(defs: &[ContentRuleDef], workload: Workload) -> Result<ContentRules, String> {
        let specs: Vec<PatternSpec> = defs
            .iter()
            .map(|d| PatternSpec {
                id: Arc::from(d.id.get_ref().as_str()),
                keywords: d.keywords.clone(),
                regex: d.regex.get_ref().clone(),
                window: d.window,
                paths: Vec::new(),
            })
            .collect();
        let matcher = Matcher::for_workload(specs, workload).map_err(|e| e.to_string())?;
        let mut builder = globset::GlobSetBuilder::new();
        let mut glob_rule = Vec::new();
        for (i, d) in defs.iter().enumerate() {
            for p in &d.paths {
                builder.add(crate::paths::glob(p.get_ref()).map_err(|e| e.to_string())?);
                glob_rule.push(i);
            }
        }
        let globs = builder.build().map_err(|e| e.to_string())?;
        let rules = defs
            .iter()
            .map(|d| ContentRule {
                id: d.id.get_ref().clone(),
                unless_line: d.unless_line.as_ref().map(|u| (u.get_ref().clone(), std::sync::OnceLock::new())),
                description: d.description.clone(),
                severity: d.severity,
                help: d.help.clone(),
                references: d.references.clone(),
                in_strings: d.in_strings,
            })
            .collect();
        Ok(ContentRules { matcher, rules, globs, glob_rule })
    }

    /// The matches in the added lines of `file` for the rules whose paths admit it,
    /// comments and (for most rules) strings excluded.
    pub fn find(&self, file: &ChangedFile, limits: MatchLimits) -> Vec<ContentHit> {
        let mut hits = Vec::new();
        let matched = self.globs.matches(&*file.path);
        if matched.is_empty() {
            return hits;
        }
        let mut admitted = vec![false; self.rules.len()];
        for g in matched {
            admitted[self.glob_rule[g]] = true;
        }
        self.matcher.find(file, limits, |rule, caps, base| {
            if !admitted[rule] {
                return;
            }
            let Some(m) = caps.get(0) else { return };
            let span = base + m.start()..base + m.end();
            if span.is_empty() || !file.is_added(span.start) {
                return;
            }
            if let Some((pattern, compiled)) = &self.rules[rule].unless_line {
                // The line, or on a long line the part near the match: a whole long
                // line per match would grow with the square of its length.
                let line = file.line_range(span.start);
                let reach = tollgate_core::matcher::LONG_LINE_REACH;
                let line = line.start.max(span.start.saturating_sub(reach))..line.end.min(span.end + reach);
                let unless = compiled.get_or_init(|| compile_regex(pattern).ok());
                if unless.as_ref().is_some_and(|u| u.is_match(&file.text[line])) {
                    return;
                }
            }
            hits.push(ContentHit { rule, span });
        });
        if hits.is_empty() {
            return hits;
        }
        let lexed = Lexed::of(language_of(&file.path), &file.text);
        hits.retain(|h| {
            !lexed.in_comment(h.span.start) && (self.rules[h.rule].in_strings || !lexed.in_string(h.span.start))
        });
        hits.sort_by_key(|h| (h.span.start, h.rule));
        hits.dedup_by(|a, b| a.rule == b.rule && a.span.start == b.span.start);
        hits
    }
}

/// Checks a rule: its regex compiles, it has examples, and it finds every example and
/// no negative example (as a file at `example_path`).
pub fn check_rule(def: &ContentRuleDef) -> Vec<RuleProblem> {
    let mut problems = Vec::new();
    let id = def.id.get_ref();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        problems.push((def.id.span(), format!("rule id `{id}` must be ASCII letters, digits, `-` or `_`")));
    }
    if def.keywords.is_empty() || def.keywords.iter().any(|k| k.len() < 2) {
        problems.push((def.id.span(), format!("rule `{id}` needs keywords, each at least 2 characters")));
    }
    for (field, re) in
        std::iter::once(("regex", &def.regex)).chain(def.unless_line.as_ref().map(|u| ("unless_line", u)))
    {
        if let Err(e) = compile_regex(re.get_ref()) {
            let first = e.to_string().lines().last().unwrap_or("invalid regex").trim().to_string();
            problems.push((re.span(), format!("rule `{id}`: `{field}` does not compile: {first}")));
        }
    }
    let globs = match crate::paths::glob_set(def.paths.iter().map(|p| p.get_ref().as_str())) {
        Ok(g) => Some(g),
        Err(e) => {
            let at = def.paths.first().map(|p| p.span()).unwrap_or(def.id.span());
            problems.push((at, format!("rule `{id}`: invalid glob: {}", e.kind())));
            None
        }
    };
    if def.paths.is_empty() {
        problems.push((def.id.span(), format!("rule `{id}` needs `paths` (the files it applies to)")));
    }
    if def.examples.get_ref().is_empty() {
        problems.push((def.examples.span(), format!("rule `{id}` needs at least one example")));
    }
    if def.negative_examples.get_ref().is_empty() {
        problems.push((def.negative_examples.span(), format!("rule `{id}` needs at least one negative example")));
    }
    if !problems.is_empty() {
        return problems;
    }
    if globs.is_some_and(|g| !g.is_match(&def.example_path)) {
        problems
            .push((def.id.span(), format!("rule `{id}`: example_path `{}` is outside its paths", def.example_path)));
        return problems;
    }
    let Ok(rules) = ContentRules::new(std::slice::from_ref(def), Workload::Small) else {
        problems.push((def.regex.span(), format!("rule `{id}` cannot be prepared")));
        return problems;
    };
    let limits = MatchLimits { max_line_bytes: 1 << 20 };
    for ex in def.examples.get_ref() {
        let file = ChangedFile::whole(def.example_path.as_str(), ex.as_bytes());
        if rules.find(&file, limits).is_empty() {
            problems.push((def.examples.span(), format!("rule `{id}` does not find its example `{}`", short(ex))));
        }
    }
    for ex in def.negative_examples.get_ref() {
        let file = ChangedFile::whole(def.example_path.as_str(), ex.as_bytes());
        if !rules.find(&file, limits).is_empty() {
            problems.push((
                def.negative_examples.span(),
                format!("rule `{id}` finds its negative example `{}`", short(ex)),
            ));
        }
    }
    problems
}

fn compile_regex(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern).unicode(false).size_limit(1 << 25).build()
}

fn short(s: &str) -> String {
    let one_line = s.replace('\n', "⏎");
    if one_line.chars().count() > 60 {
        one_line.chars().take(60).collect::<String>() + "…"
    } else {
        one_line
    }
}

/// How a language writes comments and strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `#` comments; quotes are strings (Python, Ruby, shell, Perl, R, Dockerfile's shell).
    Hash,
    /// `//` and `/* */` comments; `"`, `'` and `` ` `` strings (JS/TS, Go, Java, C#, Rust...).
    CLike,
    /// PHP and HCL/Terraform: `#`, `//` and `/* */` comments.
    HashAndCLike,
    /// YAML and TOML: `#` comments; values are data, so quoted text is not a literal to skip.
    Data,
    /// Anything else: no comments or strings are recognised.
    Plain,
}

/// The language family of a path, by extension or name.
pub fn language_of(path: &str) -> Language {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if name == "Dockerfile" || name.starts_with("Dockerfile.") || ext == "dockerfile" || name == "Containerfile" {
        return Language::Hash;
    }
    match ext.as_str() {
        "py" | "pyw" | "rb" | "sh" | "bash" | "zsh" | "ksh" | "pl" | "pm" | "r" | "ps1" => Language::Hash,
        "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" | "go" | "java" | "kt" | "kts" | "scala" | "cs"
        | "c" | "h" | "cc" | "cpp" | "hpp" | "rs" | "swift" | "groovy" | "gradle" | "dart" => Language::CLike,
        "php" | "tf" | "hcl" | "tfvars" => Language::HashAndCLike,
        "yml" | "yaml" | "toml" => Language::Data,
        _ => Language::Plain,
    }
}

/// A file's comment and string ranges, sorted.
pub struct Lexed {
    comments: Vec<Range<usize>>,
    strings: Vec<Range<usize>>,
}

impl Lexed {
    /// Lexes `text` as `language`: a single linear pass, lenient with unterminated
    /// strings (they end at the line's end, except triple-quoted and template strings).
    pub fn of(language: Language, text: &[u8]) -> Lexed {
        let mut comments = Vec::new();
        let mut strings = Vec::new();
        let (hash, slashes, quotes) = match language {
            Language::Hash => (true, false, true),
            Language::CLike => (false, true, true),
            Language::HashAndCLike => (true, true, true),
            Language::Data => (true, false, false),
            Language::Plain => (false, false, false),
        };
        let n = text.len();
        let mut i = 0;
        while i < n {
            let b = text[i];
            let hash_comment =
                hash && b == b'#' && !(language == Language::Data && i > 0 && !text[i - 1].is_ascii_whitespace());
            let line_comment = slashes && b == b'/' && text.get(i + 1) == Some(&b'/');
            if hash_comment || line_comment {
                let end = memchr_newline(text, i);
                comments.push(i..end);
                i = end;
            } else if slashes && b == b'/' && text.get(i + 1) == Some(&b'*') {
                let end = find(text, i + 2, b"*/").map(|e| e + 2).unwrap_or(n);
                comments.push(i..end);
                i = end;
            } else if quotes && (b == b'"' || b == b'\'' || (b == b'`' && language == Language::CLike)) {
                let triple = text.get(i..i + 3).is_some_and(|t| t[0] == t[1] && t[1] == t[2]);
                let end = if triple {
                    let delim = [b; 3];
                    find(text, i + 3, &delim).map(|e| e + 3).unwrap_or(n)
                } else {
                    string_end(text, i + 1, b, b == b'`')
                };
                strings.push(i..end);
                i = end;
            } else {
                i += 1;
            }
        }
        Lexed { comments, strings }
    }

    pub fn in_comment(&self, offset: usize) -> bool {
        contains(&self.comments, offset)
    }

    pub fn in_string(&self, offset: usize) -> bool {
        contains(&self.strings, offset)
    }
}

fn contains(ranges: &[Range<usize>], offset: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= offset);
    ranges.get(i).is_some_and(|r| r.start <= offset)
}

fn memchr_newline(text: &[u8], from: usize) -> usize {
    text[from..].iter().position(|&b| b == b'\n').map(|p| from + p).unwrap_or(text.len())
}

fn find(text: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= text.len() {
        return None;
    }
    text[from..].windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

/// The end (exclusive) of a string opened before `from` by `quote`: after the closing
/// quote, or at the line's end (multi-line only for template strings).
fn string_end(text: &[u8], from: usize, quote: u8, multiline: bool) -> usize {
    let mut i = from;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'\n' if !multiline => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in content rule compiles and passes its own examples.
    #[test]
    fn builtin_content_rules_pass_their_examples() {
        let mut count = 0;
        let mut failures = Vec::new();
        for (name, text) in BUILTIN_PACKS {
            let pack: ContentPack = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for def in &pack.rule {
                count += 1;
                for (_, problem) in check_rule(def) {
                    failures.push(format!("{name}: {problem}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(count > 0);
    }

    #[test]
    fn comments_and_strings_are_found_per_language() {
        let py = b"x = eval(y)  # eval(z)\ns = 'eval(q)'\n";
        let l = Lexed::of(Language::Hash, py);
        assert!(!l.in_comment(4) && l.in_comment(15) && l.in_string(28));
        let js = b"a(); // b()\n/* c()\n d() */ e(`f ${g}\nh`)\n";
        let l = Lexed::of(Language::CLike, js);
        assert!(!l.in_comment(0) && l.in_comment(6) && l.in_comment(14) && l.in_comment(20));
        assert!(l.in_string(31) && l.in_string(37));
        let yaml = b"run: echo ${{ x }} # note\nurl: http://a#b\n";
        let l = Lexed::of(Language::Data, yaml);
        assert!(!l.in_string(10) && l.in_comment(20) && !l.in_comment(39));
    }

    #[test]
    fn languages_come_from_names_and_extensions() {
        assert_eq!(language_of("app/main.py"), Language::Hash);
        assert_eq!(language_of("Dockerfile"), Language::Hash);
        assert_eq!(language_of("web/src/a.tsx"), Language::CLike);
        assert_eq!(language_of("infra/main.tf"), Language::HashAndCLike);
        assert_eq!(language_of(".github/workflows/ci.yml"), Language::Data);
        assert_eq!(language_of("README"), Language::Plain);
    }
}
