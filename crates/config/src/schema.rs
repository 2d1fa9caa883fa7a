use serde::{Deserialize, Deserializer};

use crate::{Date, PolicyError};

pub use toml::Spanned;

/// One policy file (`.tollgate.toml`, an organisation file, or `--config FILE`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub allow: Vec<AllowEntry>,
    #[serde(default)]
    pub secrets: SecretsSection,
}

/// `[settings]`: knobs shared by every check.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Honour `tollgate:allow` markers in code. CI may turn them off so that only the
    /// reviewed policy file decides.
    pub inline_allow: Option<bool>,
    /// Files larger than this are skipped with a warning in the report.
    pub max_file_bytes: Option<u64>,
    /// Lines longer than this are skipped with a warning in the report.
    pub max_line_bytes: Option<usize>,
    /// A baseline file (fingerprints of accepted findings), relative to the repository.
    pub baseline: Option<String>,
    /// Append one JSON line per hook run to the audit log (default true).
    pub audit_log: Option<bool>,
}

/// `[[allow]]`: an exception. Every field given must match; a reason is required.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    /// A glob over repository-relative paths (`tests/fixtures/**`).
    pub path: Option<String>,
    /// A check (`secrets`, `policy`, `deps`).
    pub check: Option<String>,
    /// A rule id.
    pub rule: Option<String>,
    /// A finding's fingerprint, as reports print it.
    pub fingerprint: Option<String>,
    /// Why the exception exists; shown by `tollgate doctor`.
    pub reason: String,
    /// After this date the entry stops applying.
    #[serde(default, deserialize_with = "date_opt")]
    pub expires: Option<Date>,
    /// The policy file the entry came from (set when it is loaded).
    #[serde(skip)]
    pub source: String,
}

/// `[secrets]`: rules added or switched off for the secrets check.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSection {
    /// Rule ids switched off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rules added, or replacing a built-in rule of the same id.
    #[serde(default)]
    pub rule: Vec<RuleDef>,
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

/// A detection rule, as written in a rule pack or a policy file. Rules are data: the
/// matcher compiles `regex` only when one of `keywords` occurs in the text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    pub description: String,
    /// Literal strings, matched case-insensitively, of which at least one occurs near
    /// every true match. They gate the regex.
    pub keywords: Vec<String>,
    /// The pattern; capture group `secret_group` is the secret itself.
    pub regex: Spanned<String>,
    #[serde(default = "one")]
    pub secret_group: usize,
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
    pub paths: Vec<String>,
    /// Text that must be found (each example one match or more).
    pub examples: Spanned<Vec<String>>,
    /// Text that must not be found.
    pub negative_examples: Spanned<Vec<String>>,
}

/// A rule pack file: `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePack {
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

fn one() -> usize {
    1
}

fn yes() -> bool {
    true
}

fn date_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Text(s) => s,
        Raw::Toml(dt) => dt.to_string(),
    };
    Date::parse(&text)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("expected a date YYYY-MM-DD, found `{text}`")))
}

impl PolicyFile {
    /// Parses and validates a policy file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<PolicyFile, PolicyError> {
        let parsed: PolicyFile = toml::from_str(text).map_err(|e| PolicyError::from_toml(file, text, &e))?;
        for rule in &parsed.secrets.rule {
            validate_rule(file, text, rule)?;
        }
        for entry in &parsed.allow {
            if let Some(glob) = &entry.path {
                if let Err(e) = globset::Glob::new(glob) {
                    let at = text.find(glob.as_str()).unwrap_or(0);
                    return Err(PolicyError::at(file, text, at, format!("invalid path glob `{glob}`: {}", e.kind())));
                }
            }
            if entry.path.is_none() && entry.rule.is_none() && entry.fingerprint.is_none() {
                // Without a span on the table, point at the reason, which is required.
                let at = text.find(&entry.reason).unwrap_or(0);
                return Err(PolicyError::at(
                    file,
                    text,
                    at,
                    "an [[allow]] entry needs at least one of `path`, `rule` or `fingerprint`",
                ));
            }
        }
        Ok(parsed)
    }
}

impl RulePack {
    /// Parses and validates a rule pack; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<RulePack, PolicyError> {
        let pack: RulePack = toml::from_str(text).map_err(|e| PolicyError::from_toml(file, text, &e))?;
        for rule in &pack.rule {
            validate_rule(file, text, rule)?;
        }
        Ok(pack)
    }
}

/// The checks every rule must pass to load: a rule without examples does not load.
fn validate_rule(file: &str, text: &str, rule: &RuleDef) -> Result<(), PolicyError> {
    let at = |span: std::ops::Range<usize>, msg: String| PolicyError::at(file, text, span.start, msg);
    let id = rule.id.get_ref();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(at(rule.id.span(), format!("rule id `{id}` must be non-empty ASCII letters, digits, `-` or `_`")));
    }
    if rule.keywords.is_empty() || rule.keywords.iter().any(|k| k.len() < 2) {
        return Err(at(rule.id.span(), format!("rule `{id}` needs keywords, each at least 2 characters")));
    }
    if rule.examples.get_ref().is_empty() {
        return Err(at(rule.examples.span(), format!("rule `{id}` needs at least one example")));
    }
    if rule.negative_examples.get_ref().is_empty() {
        return Err(at(rule.negative_examples.span(), format!("rule `{id}` needs at least one negative example")));
    }
    if rule.secret_group == 0 {
        return Err(at(rule.id.span(), format!("rule `{id}`: secret_group counts from 1")));
    }
    Ok(())
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

    #[test]
    fn parses_a_rule_pack() {
        let pack = RulePack::parse("pack.toml", RULE).unwrap();
        assert_eq!(pack.rule.len(), 1);
        assert_eq!(pack.rule[0].secret_group, 1);
        assert!(pack.rule[0].skip_placeholders);
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let err = PolicyFile::parse(".tollgate.toml", "[settings]\ninline_alow = true\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
        assert!(err.message.contains("inline_alow"), "{err}");
    }

    #[test]
    fn syntax_error_is_located() {
        let err = PolicyFile::parse("p.toml", "[settings]\ninline_allow = \n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
    }

    #[test]
    fn rule_without_negative_examples_does_not_load() {
        let text = RULE.replace("negative_examples = [\"demo_short\"]", "negative_examples = []");
        let err = RulePack::parse("pack.toml", &text).unwrap_err();
        assert!(err.message.contains("negative example"), "{err}");
        assert_eq!(err.line, 8, "{err}");
    }

    #[test]
    fn allow_entries_need_a_target_and_parse_dates() {
        let ok =
            PolicyFile::parse("p", "[[allow]]\npath = \"fixtures/**\"\nreason = \"test data\"\nexpires = 2027-01-01\n")
                .unwrap();
        assert_eq!(ok.allow[0].expires, Date::parse("2027-01-01"));
        let err = PolicyFile::parse("p", "[[allow]]\nreason = \"nothing\"\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        let err = PolicyFile::parse("p", "[[allow]]\nreason = \"r\"\npath = \"src/[a\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 9), "{err}");
    }
}
