//! The shared parts of the policy schema: `[settings]`, `[[allow]]`, severities and the
//! keyword-plus-regex rule that pattern checks share. Each check's own section is
//! described by the check (see [`crate::SectionLayer`]).

use std::ops::Range;

use serde::Deserialize;

use crate::de::{self, Source};
use crate::{ConfigError, ConfigErrors, Date};

pub use toml::Spanned;

/// `[settings]`: knobs shared by every check.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Honour `tollgate:allow` markers in code. CI may turn them off so that only the
    /// reviewed policy file decides.
    pub inline_allow: Option<bool>,
    /// Files larger than this are not judged: that blocks in hook modes (see
    /// `not_judged`) and is a warning in scans.
    pub max_file_bytes: Option<u64>,
    /// Lines longer than this are searched near their keywords rather than whole.
    pub max_line_bytes: Option<usize>,
    /// A baseline file (fingerprints of accepted findings), relative to the repository.
    pub baseline: Option<String>,
    /// Append one JSON line per hook run to the audit log (default true).
    pub audit_log: Option<bool>,
    /// Rule ids no later layer may weaken (switch off, lower, redefine or allow); only
    /// the organisation's policy may lock rules.
    pub locked: Option<Vec<Spanned<String>>>,
    /// Refuse a repository's `[[allow]]` entry that matches every path (`path = "**"`
    /// with no rule or fingerprint): it switches a check off for the whole repository.
    /// Organisation only.
    pub forbid_allow_all: Option<Spanned<bool>>,
    /// What a change that weakens the repository's policy is reported as
    /// (`policy-weakened`): "warn" (default) or "block". Organisation only.
    pub policy_weakened: Option<Spanned<Severity>>,
    /// What content that could not be judged (a file over `max_file_bytes`) does in
    /// hook modes: `block` (the default: a security gate fails closed) or `warn`.
    pub not_judged: Option<NotJudged>,
}

/// `settings.not_judged`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotJudged {
    #[default]
    Block,
    Warn,
}

/// `[agent]`: how the agent hook (`tollgate agent-hook`) decides.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSettings {
    /// What to answer for a command line tollgate cannot understand with confidence
    /// (a command name from a variable set elsewhere, a decoded payload run by a shell).
    pub uncertain: Option<Spanned<Uncertain>>,
}

/// The agent hook's answer when it cannot judge a command with confidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Uncertain {
    /// Refuse it, saying why (the default: an agent told to get a commit through
    /// must not find a way around by obscuring the command).
    #[default]
    Deny,
    /// Ask the user, who sees the command and the reason.
    Ask,
}

/// `[[allow]]`: an exception. Every field given must match; a reason is required.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowEntry {
    /// A glob over repository-relative paths (`tests/fixtures/**`).
    pub path: Option<String>,
    /// A rule id.
    pub rule: Option<String>,
    /// A finding's fingerprint, as reports print it.
    pub fingerprint: Option<String>,
    /// The check the exception is limited to (`secrets`); any check when absent.
    pub check: Option<String>,
    /// Why the exception exists; shown by `tollgate doctor`.
    pub reason: String,
    /// After this date the entry stops applying.
    pub expires: Option<Date>,
    /// The policy file the entry came from.
    pub source: String,
    /// `file:line` of the entry's `[[allow]]` header, for reports that cite it.
    pub location: String,
    /// Whether the entry comes from the organisation's policy (only those may allow a
    /// locked rule).
    #[doc(hidden)]
    pub organisation: bool,
}

/// `[[allow]]` as written, with spans for validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowTable {
    path: Option<Spanned<String>>,
    rule: Option<String>,
    fingerprint: Option<String>,
    check: Option<Spanned<String>>,
    reason: String,
    expires: Option<Date>,
}

impl AllowEntry {
    /// Whether the entry silences everything (of its check, if it names one): a path
    /// glob that matches any path, and no rule or fingerprint to narrow it.
    pub fn is_allow_all(&self) -> bool {
        if self.rule.is_some() || self.fingerprint.is_some() {
            return false;
        }
        let Some(glob) = &self.path else { return false };
        let Ok(glob) = globset::Glob::new(glob) else { return false };
        let matcher = glob.compile_matcher();
        ["a", ".env", "src/main.rs", "a/b/c/d.py", "deep/er/.hidden"].iter().all(|p| matcher.is_match(p))
    }

    /// Deserialises and validates one `[[allow]]` table; `checks` are the sections a
    /// `check = "..."` may name.
    pub(crate) fn parse(
        source: &Source,
        table: &Spanned<toml::de::DeValue<'_>>,
        checks: &[&str],
    ) -> (Option<AllowEntry>, Vec<ConfigError>) {
        let (raw, mut errors) = source.deserialize::<AllowTable>(table);
        let Some(raw) = raw else { return (None, errors) };
        // A key with a wrong value was left out: the entry may lack a target only
        // because of it.
        let complete = errors.is_empty();
        let before = errors.len();
        let header = table.span();
        if let Some(glob) = &raw.path {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                errors.push(
                    source.error_at(glob.span(), format!("invalid path glob `{}`: {}", glob.get_ref(), e.kind())),
                );
            }
        }
        if let Some(check) = &raw.check {
            if !checks.contains(&check.get_ref().as_str()) {
                errors.push(source.error_at(
                    check.span(),
                    format!("unknown check `{}` (known: {})", check.get_ref(), checks.join(", ")),
                ));
            }
        }
        if complete && raw.path.is_none() && raw.rule.is_none() && raw.fingerprint.is_none() {
            let message = match &raw.check {
                Some(check) => format!(
                    "an [[allow]] entry with only `check` would silence the whole `{}` check; name a `path`, `rule` \
                     or `fingerprint`, or switch the check off with `[{}] enabled = false`",
                    check.get_ref(),
                    check.get_ref()
                ),
                None => "an [[allow]] entry needs at least one of `path`, `rule` or `fingerprint`".to_string(),
            };
            errors.push(source.error_at(header.clone(), message));
        }
        if errors.len() > before {
            return (None, errors);
        }
        let (line, _) = crate::error::line_column(source.text(), header.start);
        let entry = AllowEntry {
            path: raw.path.map(Spanned::into_inner),
            rule: raw.rule,
            fingerprint: raw.fingerprint,
            check: raw.check.map(Spanned::into_inner),
            reason: raw.reason,
            expires: raw.expires,
            source: source.file().to_string(),
            location: format!("{}:{line}", source.file()),
            organisation: false,
        };
        (Some(entry), errors)
    }
}

/// How a finding affects the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, exit status unaffected.
    Warn,
    /// Reported and blocks (exit 1).
    #[default]
    Block,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Block => "block",
        }
    }
}

/// A detection rule, as written in a rule pack or a check's section of a policy file.
/// Rules are data: the matcher compiles `regex` only when one of `keywords` occurs in
/// the text. The secrets check and the policy check share this schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    pub description: String,
    /// Literal strings, matched case-insensitively, of which at least one occurs near
    /// every true match. They gate the regex.
    pub keywords: Spanned<Vec<Spanned<String>>>,
    /// The pattern; capture group `secret_group` is the secret itself.
    pub regex: Spanned<String>,
    #[serde(default = "first_group")]
    pub secret_group: Spanned<usize>,
    /// Minimum Shannon entropy (bits per character) of the secret.
    pub entropy: Option<f64>,
    /// A named offline check of the secret's structure (a checksum, say).
    pub validator: Option<Spanned<String>>,
    #[serde(default)]
    pub severity: Severity,
    /// Generic rules (keyword + entropy) give way to a provider rule on the same secret.
    #[serde(default)]
    pub generic: bool,
    /// Bytes after the start of the keyword's line the regex may see (multi-line
    /// secrets such as key blocks); default: the line itself.
    pub window: Option<usize>,
    /// Drop values that look like placeholders (`changeme`, `${VAR}`, `xxxx`...).
    #[serde(default = "yes")]
    pub skip_placeholders: bool,
    /// Only files whose path matches one of these globs.
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
    /// Text that must be found (each example one match or more).
    pub examples: Spanned<Vec<String>>,
    /// Text that must not be found.
    pub negative_examples: Spanned<Vec<String>>,
}

impl RuleDef {
    /// The keywords, without their spans.
    pub fn keyword_list(&self) -> Vec<String> {
        self.keywords.get_ref().iter().map(|k| k.get_ref().clone()).collect()
    }

    /// The path globs, without their spans.
    pub fn path_list(&self) -> Vec<String> {
        self.paths.iter().map(|p| p.get_ref().clone()).collect()
    }

    /// What keeps the rule from loading, each at the value at fault: an id that is
    /// not a plain name, missing keywords or examples, a path glob that does not
    /// compile. The regex and the validator are checked by the check that runs them.
    pub fn problems(&self) -> Vec<(Range<usize>, String)> {
        let mut problems = Vec::new();
        let id = self.id.get_ref();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            problems
                .push((self.id.span(), format!("rule id `{id}` must be non-empty ASCII letters, digits, `-` or `_`")));
        }
        if self.keywords.get_ref().is_empty() {
            problems.push((self.keywords.span(), format!("rule `{id}` needs at least one keyword")));
        }
        for k in self.keywords.get_ref().iter().filter(|k| k.get_ref().len() < 2) {
            problems.push((k.span(), format!("rule `{id}`: keyword `{}` is shorter than 2 characters", k.get_ref())));
        }
        if *self.secret_group.get_ref() == 0 {
            problems.push((self.secret_group.span(), format!("rule `{id}`: secret_group counts from 1")));
        }
        for glob in &self.paths {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                problems.push((glob.span(), format!("invalid path glob `{}`: {}", glob.get_ref(), e.kind())));
            }
        }
        if self.examples.get_ref().is_empty() {
            problems.push((self.examples.span(), format!("rule `{id}` needs at least one example")));
        }
        if self.negative_examples.get_ref().is_empty() {
            problems.push((self.negative_examples.span(), format!("rule `{id}` needs at least one negative example")));
        }
        problems
    }
}

/// A rule pack file: `[[rule]]` tables.
#[derive(Debug)]
pub struct RulePack {
    pub rule: Vec<RuleDef>,
}

impl RulePack {
    /// Parses and validates a rule pack; `file` names it in errors. Every error of the
    /// file is reported: syntax, unknown keys, wrong types, rules that do not load and
    /// rule ids used twice.
    pub fn parse(file: &str, text: &str) -> Result<RulePack, ConfigErrors> {
        let source = Source::new(file, text);
        let doc = source.parse_document()?;
        let mut errors = Vec::new();
        let mut rules: Vec<RuleDef> = Vec::new();
        for (key, value) in doc.get_ref().iter() {
            if key.get_ref() != "rule" {
                errors.push(source.error_at(key.span(), format!("unknown key `{}`, expected `rule`", key.get_ref())));
                continue;
            }
            let (parsed, errs) = de::each::<RuleDef>(&source, value, "rule");
            errors.extend(errs);
            for rule in parsed {
                errors.extend(rule.problems().into_iter().map(|(span, m)| source.error_at(span, m)));
                if rules.iter().any(|r| r.id.get_ref() == rule.id.get_ref()) {
                    errors.push(source.error_at(rule.id.span(), format!("duplicate rule id `{}`", rule.id.get_ref())));
                }
                rules.push(rule);
            }
        }
        de::sorted(errors).into_result(RulePack { rule: rules })
    }
}

fn first_group() -> Spanned<usize> {
    Spanned::new(0..0, 1)
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"
[[rule]]
id = "demo"
description = "Demo token"
keywords = ["demo_"]
regex = '''demo_([a-z0-9]{8})'''
examples = ["demo_abcd1234"]
negative_examples = ["demo_short"]
"#;

    fn positions(errors: &ConfigErrors) -> Vec<(usize, usize)> {
        errors.iter().map(|e| (e.line, e.column)).collect()
    }

    #[test]
    fn parses_a_rule_pack() {
        let pack = RulePack::parse("pack.toml", RULE).unwrap();
        assert_eq!(pack.rule.len(), 1);
        assert_eq!(*pack.rule[0].secret_group.get_ref(), 1);
        assert!(pack.rule[0].skip_placeholders);
        assert_eq!(pack.rule[0].keyword_list(), vec!["demo_".to_string()]);
    }

    #[test]
    fn rule_without_negative_examples_does_not_load() {
        let text = RULE.replace("negative_examples = [\"demo_short\"]", "negative_examples = []");
        let err = RulePack::parse("pack.toml", &text).unwrap_err();
        assert!(err.to_string().contains("negative example"), "{err}");
        assert_eq!(positions(&err), vec![(8, 21)], "{err}");
    }

    #[test]
    fn a_pack_reports_every_error() {
        let text = format!(
            "{RULE}{}\n[[rule]]\nid = \"bad id\"\ndescription = 3\n",
            RULE.replace("keywords = [\"demo_\"]", "keywords = [\"d\"]")
        );
        let err = RulePack::parse("pack.toml", &text).unwrap_err();
        // The second rule: a keyword too short and a duplicate id; the third: a wrong
        // type (the bad id is not reached: the table stops at its first wrong value).
        let messages: Vec<&str> = err.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(err.len(), 3, "{err}");
        assert!(messages[0].contains("duplicate rule id `demo`"), "{err}");
        assert!(messages[1].contains("keyword `d` is shorter than 2"), "{err}");
        assert!(messages[2].contains("invalid type"), "{err}");
        assert_eq!(positions(&err), vec![(11, 6), (13, 13), (20, 15)], "{err}");
    }

    #[test]
    fn unknown_keys_in_a_pack_are_located() {
        let err = RulePack::parse("pack.toml", "title = 1\n[[rule]]\nid = \"x\"\nkeyword = []\n").unwrap_err();
        let messages: Vec<&str> = err.iter().map(|e| e.message.as_str()).collect();
        // The rule also lacks every required field: the first missing one is reported
        // at its header.
        assert_eq!(positions(&err), vec![(1, 1), (2, 1), (4, 1)], "{err}");
        assert!(messages[1].contains("missing field `description`"), "{err}");
        assert!(messages[2].contains("unknown field `keyword`"), "{err}");
    }
}
