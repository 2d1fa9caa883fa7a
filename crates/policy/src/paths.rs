//! Forbidden files: path rules as data (`policies/policy/paths.toml`, and
//! `[[policy.path_rule]]` in a team's policy), judged on added and renamed paths,
//! binary or not; and the size limit on added files.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use tollgate_config::{Severity, Spanned};

/// The built-in pack, embedded at build time.
pub const BUILTIN_PACK: &str = include_str!("../../../policies/policy/paths.toml");
/// The pack's name in errors.
pub const BUILTIN_PACK_NAME: &str = "policies/policy/paths.toml";

/// Content rules look at the start of a file only: enough for a PEM header or a dump
/// banner, and bounded for a 25 MiB file.
const CONTENT_WINDOW: usize = 64 * 1024;

/// A path rule as written in a pack or a policy file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathRuleDef {
    pub id: Spanned<String>,
    pub description: String,
    /// Globs over repository-relative paths.
    pub paths: Vec<Spanned<String>>,
    /// Globs of paths the rule does not apply to.
    #[serde(default)]
    pub except: Vec<Spanned<String>>,
    /// A regex the start of the file must match for the rule to apply.
    pub content: Option<Spanned<String>>,
    #[serde(default)]
    pub severity: Severity,
    /// What to do about it.
    pub help: Option<String>,
    /// Paths (or path and content) the rule must match.
    pub examples: Spanned<Vec<PathExample>>,
    /// Paths (or path and content) it must not match.
    pub negative_examples: Spanned<Vec<PathExample>>,
}

/// An example of a path rule: a path, or a path with the file's content.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PathExample {
    Path(String),
    WithContent { path: String, content: String },
}

impl PathExample {
    pub fn path(&self) -> &str {
        match self {
            PathExample::Path(p) | PathExample::WithContent { path: p, .. } => p,
        }
    }
    pub fn content(&self) -> &[u8] {
        match self {
            PathExample::Path(_) => b"",
            PathExample::WithContent { content, .. } => content.as_bytes(),
        }
    }
}

/// A pack file: `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathPack {
    #[serde(default)]
    pub rule: Vec<PathRuleDef>,
}

/// A glob as tollgate reads paths: `*` stays within one folder, `**/` spans any depth.
pub fn glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// A set of such globs.
pub fn glob_set<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(glob(p)?);
    }
    builder.build()
}

/// A path rule ready to judge.
#[derive(Debug, Clone)]
pub struct PathRule {
    pub id: String,
    pub description: String,
    pub severity: Severity,
    pub help: Option<String>,
    paths: GlobSet,
    except: GlobSet,
    /// The content pattern, compiled the first time a path matches (rarely): compiling
    /// every rule's regex at start-up was a third of the check's start-up cost.
    content: Option<(String, std::sync::OnceLock<Option<Regex>>)>,
}

/// What stops a rule from compiling, with the span of the value at fault.
pub type RuleProblem = (std::ops::Range<usize>, String);

impl PathRule {
    /// Compiles a rule; every problem is returned with the span of its value, and the
    /// rule must pass its own examples.
    pub fn compile(def: &PathRuleDef) -> Result<PathRule, Vec<RuleProblem>> {
        let rule = PathRule::compile_unverified(def)?;
        let id = def.id.get_ref();
        let mut problems = Vec::new();
        for ex in def.examples.get_ref() {
            if !rule.matches(ex.path(), Some(ex.content())) {
                problems.push((def.examples.span(), format!("rule `{id}` does not match its example `{}`", ex.path())));
            }
        }
        for ex in def.negative_examples.get_ref() {
            if rule.matches(ex.path(), Some(ex.content())) {
                problems.push((
                    def.negative_examples.span(),
                    format!("rule `{id}` matches its negative example `{}`", ex.path()),
                ));
            }
        }
        if problems.is_empty() {
            Ok(rule)
        } else {
            Err(problems)
        }
    }

    /// As [`PathRule::compile`] without running the examples: for the built-in pack,
    /// whose examples a test runs (a hook does not pay for them on every commit).
    pub fn compile_unverified(def: &PathRuleDef) -> Result<PathRule, Vec<RuleProblem>> {
        let mut problems = Vec::new();
        let id = def.id.get_ref();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            problems.push((def.id.span(), format!("rule id `{id}` must be ASCII letters, digits, `-` or `_`")));
        }
        if def.paths.is_empty() {
            problems.push((def.id.span(), format!("rule `{id}` needs at least one glob in `paths`")));
        }
        let mut set = |globs: &[Spanned<String>]| {
            let mut builder = GlobSetBuilder::new();
            for g in globs {
                match glob(g.get_ref()) {
                    Ok(g) => {
                        builder.add(g);
                    }
                    Err(e) => problems.push((g.span(), format!("invalid glob `{}`: {}", g.get_ref(), e.kind()))),
                }
            }
            builder.build().unwrap_or_else(|_| GlobSet::empty())
        };
        let paths = set(&def.paths);
        let except = set(&def.except);
        let content = match &def.content {
            None => None,
            Some(c) => match regex_syntax::Parser::new().parse(c.get_ref()) {
                Ok(_) => Some((c.get_ref().clone(), std::sync::OnceLock::new())),
                Err(e) => {
                    let first = e.to_string().lines().last().unwrap_or("invalid regex").trim().to_string();
                    problems.push((c.span(), format!("rule `{id}`: the content regex does not compile: {first}")));
                    None
                }
            },
        };
        if def.examples.get_ref().is_empty() {
            problems.push((def.examples.span(), format!("rule `{id}` needs at least one example")));
        }
        if def.negative_examples.get_ref().is_empty() {
            problems.push((def.negative_examples.span(), format!("rule `{id}` needs at least one negative example")));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(PathRule {
            id: id.clone(),
            description: def.description.clone(),
            severity: def.severity,
            help: def.help.clone(),
            paths,
            except,
            content,
        })
    }

    /// Whether the rule applies to `path`; `content` is the file's bytes when read
    /// (`None`: not read, too large — a content rule then applies, failing closed).
    pub fn matches(&self, path: &str, content: Option<&[u8]>) -> bool {
        if !self.paths.is_match(path) || self.except.is_match(path) {
            return false;
        }
        match (&self.content, content) {
            (None, _) => true,
            (Some(_), None) => true,
            (Some((pattern, compiled)), Some(bytes)) => {
                let re = compiled.get_or_init(|| RegexBuilder::new(pattern).size_limit(1 << 22).build().ok());
                // A pattern that parsed but does not build (too large) fails closed.
                re.as_ref().is_none_or(|re| re.is_match(&bytes[..bytes.len().min(CONTENT_WINDOW)]))
            }
        }
    }

    /// Whether the rule needs the file's content to decide.
    pub fn needs_content(&self) -> bool {
        self.content.is_some()
    }
}

/// Parses a pack; errors carry the span of their value.
pub fn parse_pack(text: &str) -> Result<Vec<PathRuleDef>, String> {
    toml::from_str::<PathPack>(text).map(|p| p.rule).map_err(|e| e.to_string())
}

/// A per-glob size limit (`[[policy.size]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeOverride {
    pub paths: Vec<Spanned<String>>,
    pub max_bytes: u64,
}

/// The size limits: a default, and the last matching override for a path.
#[derive(Debug, Clone)]
pub struct SizeLimits {
    pub default: u64,
    overrides: Vec<(GlobSet, u64)>,
}

impl SizeLimits {
    pub fn new(default: u64) -> SizeLimits {
        SizeLimits { default, overrides: Vec::new() }
    }

    pub fn add(&mut self, paths: GlobSet, max_bytes: u64) {
        self.overrides.push((paths, max_bytes));
    }

    /// The limit for `path`: the last override that matches, else the default.
    pub fn limit(&self, path: &str) -> u64 {
        self.overrides.iter().rev().find(|(g, _)| g.is_match(path)).map(|(_, m)| *m).unwrap_or(self.default)
    }
}

/// The default limit on an added file: 5 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in path rule compiles and passes its own examples (compile checks them).
    #[test]
    fn builtin_path_rules_pass_their_examples() {
        let defs = parse_pack(BUILTIN_PACK).unwrap();
        assert!(defs.len() >= 15, "{}", defs.len());
        for def in &defs {
            if let Err(problems) = PathRule::compile(def) {
                panic!("{}: {problems:?}", def.id.get_ref());
            }
        }
    }

    #[test]
    fn a_rule_that_fails_its_examples_does_not_load() {
        let text = r#"
[[rule]]
id = "x"
description = "x"
paths = ["**/*.secret"]
examples = ["a.secret", "b.txt"]
negative_examples = ["c.txt"]
"#;
        let defs = parse_pack(text).unwrap();
        let problems = PathRule::compile(&defs[0]).unwrap_err();
        assert!(problems[0].1.contains("does not match its example `b.txt`"), "{problems:?}");
    }

    #[test]
    fn globs_do_not_cross_folders_with_one_star() {
        let g = glob_set(["src/*.pem"]).unwrap();
        assert!(g.is_match("src/a.pem"));
        assert!(!g.is_match("src/deep/a.pem"));
        let g = glob_set(["**/.env"]).unwrap();
        assert!(g.is_match(".env") && g.is_match("a/b/.env"));
    }

    #[test]
    fn size_limits_take_the_last_matching_override() {
        let mut limits = SizeLimits::new(10);
        limits.add(glob_set(["assets/**"]).unwrap(), 100);
        limits.add(glob_set(["assets/video/**"]).unwrap(), 1000);
        assert_eq!(limits.limit("src/a.rs"), 10);
        assert_eq!(limits.limit("assets/a.png"), 100);
        assert_eq!(limits.limit("assets/video/a.mp4"), 1000);
    }
}
