//! tollgate's secrets check: provider-specific rules and generic keyword-plus-entropy
//! detection, all written as data in `policies/secrets/*.toml` and embedded at build
//! time, with offline validation of formats that carry a checksum.
//!
//! ```
//! use tollgate_core::{Check, CheckOutput, ChangedFile};
//! use tollgate_secrets::SecretsCheck;
//!
//! let check = SecretsCheck::new(&tollgate_config::Policy::default()).unwrap();
//! let mut out = CheckOutput::default();
//! check.judge_file(&ChangedFile::whole("config.py", &b"password = \"Zq8Rt2vW7pLx9s\"\n"[..]), &mut out);
//! assert_eq!(&*out.findings[0].rule, "generic-password");
//! ```

pub mod config;
pub mod decode;
pub mod pack;
pub mod placeholder;
pub mod slot;
pub mod validate;

use std::sync::Arc;

use tollgate_config::{ConfigErrors, Policy, RuleDef};
use tollgate_core::entropy::shannon;
use tollgate_core::matcher::PatternError;
use tollgate_core::{
    ChangeContext, ChangedFile, Check, CheckOutput, Finding, Hit, MatchLimits, Matcher, PatternSpec, Severity, Wants,
    Workload,
};

pub use config::{SecretsConfig, SecretsSection};
pub use pack::builtin_rules;
use validate::{validate, Verdict};

/// What a rule needs at match time besides its pattern.
#[derive(Debug, Clone)]
struct RuleMeta {
    description: String,
    group: usize,
    entropy: Option<f64>,
    validator: Option<String>,
    severity: Severity,
    generic: bool,
    skip_placeholders: bool,
}

/// The secrets check, prepared for a policy.
pub struct SecretsCheck {
    matcher: Matcher,
    meta: Vec<RuleMeta>,
    limits: MatchLimits,
}

/// A secrets check that cannot be prepared.
#[derive(Debug)]
pub enum SecretsError {
    /// The policy's `[secrets]` sections are invalid (every error of every layer).
    Config(ConfigErrors),
    /// A rule's regex or path glob does not compile.
    Pattern(PatternError),
}

impl std::fmt::Display for SecretsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretsError::Config(e) => e.fmt(f),
            SecretsError::Pattern(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SecretsError {}

impl SecretsCheck {
    /// Built-in rules, then the policy's rules (replacing built-ins of the same id),
    /// minus the disabled ones, at the severities the policy sets. Rules from policy
    /// files are compiled now so a bad regex is reported at once; built-in rules are
    /// compiled on first use.
    pub fn new(policy: &Policy) -> Result<SecretsCheck, SecretsError> {
        SecretsCheck::for_workload(policy, Workload::Small)
    }

    /// As [`SecretsCheck::new`], with the keyword automaton suited to `workload`.
    pub fn for_workload(policy: &Policy, workload: Workload) -> Result<SecretsCheck, SecretsError> {
        let config = SecretsConfig::from_policy(policy).map_err(SecretsError::Config)?;
        let enabled = |id: &str| !config.disabled.contains(id);
        let overridden = |id: &str| config.rules.iter().any(|r| r.id.get_ref() == id);
        let mut parts: Vec<(PatternSpec, RuleMeta)> =
            pack::BUILTIN.iter().filter(|r| enabled(r.id) && !overridden(r.id)).map(parts_from_builtin).collect();
        let first_custom = parts.len();
        for rule in config.rules.iter().filter(|r| enabled(r.id.get_ref())) {
            parts.push(parts_from_def(rule.clone())?);
        }
        for (spec, meta) in &mut parts {
            meta.severity = config.severity_of(&spec.id, meta.severity);
        }
        let check = SecretsCheck::from_parts(parts, policy.max_line_bytes, workload)?;
        for i in first_custom..check.meta.len() {
            check.matcher.compile(i).map_err(SecretsError::Pattern)?;
        }
        Ok(check)
    }

    /// A check over exactly these rules.
    pub fn from_rules(rules: Vec<RuleDef>, max_line_bytes: usize) -> Result<SecretsCheck, SecretsError> {
        let parts = rules.into_iter().map(parts_from_def).collect::<Result<Vec<_>, _>>()?;
        SecretsCheck::from_parts(parts, max_line_bytes, Workload::Small)
    }

    fn from_parts(
        parts: Vec<(PatternSpec, RuleMeta)>,
        max_line_bytes: usize,
        workload: Workload,
    ) -> Result<SecretsCheck, SecretsError> {
        let (specs, meta): (Vec<PatternSpec>, Vec<RuleMeta>) = parts.into_iter().unzip();
        let matcher = Matcher::for_workload(specs, workload).map_err(SecretsError::Pattern)?;
        Ok(SecretsCheck { matcher, meta, limits: MatchLimits { max_line_bytes } })
    }

    /// Compiles a rule's regex (tests use it to validate the whole pack).
    pub fn compile_rule(&self, rule: usize) -> Result<(), PatternError> {
        self.matcher.compile(rule).map(|_| ())
    }
}

fn parts_from_builtin(r: &pack::BuiltinRule) -> (PatternSpec, RuleMeta) {
    let spec = PatternSpec {
        id: Arc::from(r.id),
        keywords: r.keywords.iter().map(|k| k.to_string()).collect(),
        regex: r.regex.to_string(),
        window: r.window,
        paths: r.paths.iter().map(|p| p.to_string()).collect(),
    };
    let meta = RuleMeta {
        description: r.description.to_string(),
        group: r.secret_group,
        entropy: r.entropy,
        validator: r.validator.map(str::to_string),
        severity: r.severity,
        generic: r.generic,
        skip_placeholders: r.skip_placeholders,
    };
    (spec, meta)
}

fn parts_from_def(r: RuleDef) -> Result<(PatternSpec, RuleMeta), SecretsError> {
    if let Some(v) = &r.validator {
        let name = v.get_ref().as_str();
        if !validate::VALIDATORS.contains(&name) && !slot::SLOT_CHECKS.contains(&name) {
            let known = [validate::VALIDATORS, slot::SLOT_CHECKS].concat().join(", ");
            return Err(SecretsError::Pattern(PatternError {
                rule: r.id.get_ref().clone(),
                message: format!("unknown validator `{}` (known: {known})", v.get_ref()),
            }));
        }
    }
    let spec = PatternSpec {
        id: Arc::from(r.id.get_ref().as_str()),
        keywords: r.keyword_list(),
        paths: r.path_list(),
        regex: r.regex.into_inner(),
        window: r.window,
    };
    let meta = RuleMeta {
        description: r.description,
        group: r.secret_group.into_inner(),
        entropy: r.entropy,
        validator: r.validator.map(|v| v.into_inner()),
        severity: r.severity,
        generic: r.generic,
        skip_placeholders: r.skip_placeholders,
    };
    Ok((spec, meta))
}

/// A value a rule matched and accepted, before overlaps are resolved.
struct Candidate {
    rule: usize,
    span: std::ops::Range<usize>,
    note: Option<&'static str>,
}

/// The help every secrets finding carries: what to do about a credential.
pub const HELP: &str = "move the value out of the code (read it from the environment or a secret store), \
and rotate the credential if it is real: assume anything that reached a commit is exposed";

/// The name reports give a message judged in commit-msg (git's own file name) and in
/// commits.
const MESSAGE_BEING_WRITTEN: &str = "COMMIT_EDITMSG";
const COMMIT_MESSAGE: &str = "(commit message)";

impl Check for SecretsCheck {
    fn name(&self) -> &'static str {
        "secrets"
    }

    /// Text with added lines, and every message (commit messages leak keys too).
    fn wants(&self) -> Wants {
        Wants { text: true, changes: true, ..Wants::default() }
    }

    fn judge_file(&self, chunk: &ChangedFile, out: &mut CheckOutput) {
        let mut candidates = self.candidates(chunk);
        self.add_decoded(chunk, &mut candidates);
        for c in resolve_overlaps(candidates, &self.meta) {
            let meta = &self.meta[c.rule];
            let finding = Finding::locate(Hit {
                check: "secrets",
                rule: self.matcher.specs()[c.rule].id.clone(),
                severity: meta.severity,
                message: meta.description.clone(),
                span: c.span,
                note: c.note.map(str::to_string),
                chunk,
            });
            out.findings.push(finding.with_help(HELP));
        }
    }

    /// The message of a commit, or the one being written, judged as a new text.
    fn judge_change(&self, change: &ChangeContext, out: &mut CheckOutput) {
        let Some(message) = &change.message else { return };
        let name = if change.commit.is_some() { COMMIT_MESSAGE } else { MESSAGE_BEING_WRITTEN };
        let mut file = ChangedFile::whole(name, message.text.as_bytes());
        file.commit = change.commit.clone();
        self.judge_file(&file, out);
    }
}

/// Whether a match starting at `at` starts a word, so that a rule's leading keyword or
/// prefix is not read inside a longer identifier (`dd` in `address`, `AKIA` in a base64
/// blob). `_`, `-`, camelCase humps (`myDatadogKey`), escapes such as `\n` and
/// one-letter options (`-Dkey=`) start words; a match that does not begin with a letter
/// or digit always does.
fn starts_a_word(text: &[u8], at: usize) -> bool {
    let Some(&first) = text.get(at) else { return true };
    if at == 0 || !first.is_ascii_alphanumeric() {
        return true;
    }
    let before = text[at - 1];
    if !before.is_ascii_alphanumeric() {
        return true;
    }
    let hump = first.is_ascii_uppercase() && (before.is_ascii_lowercase() || before.is_ascii_digit());
    // `\nghp_…` in a JSON string, `-Dsonar.login=…` on a Java command line: an escape
    // or a one-letter option glued to the word.
    let glued = at >= 2
        && before.is_ascii_alphabetic()
        && (text[at - 2] == b'\\' || (text[at - 2] == b'-' && (at < 3 || !text[at - 3].is_ascii_alphanumeric())));
    hump || glued
}

impl SecretsCheck {
    /// The rules that accept a value in `chunk`, each judged alone (before overlapping
    /// findings are resolved to one): a rule's examples test the rule, not which of two
    /// rules on the same value gets to report it.
    pub(crate) fn rules_matching(&self, chunk: &ChangedFile) -> Vec<&str> {
        let mut candidates = self.candidates(chunk);
        self.add_decoded(chunk, &mut candidates);
        candidates.iter().map(|c| &*self.matcher.specs()[c.rule].id).collect()
    }

    /// The values the rules match and accept in the added text of `chunk` (a match
    /// counts when it overlaps an added region).
    fn candidates(&self, chunk: &ChangedFile) -> Vec<Candidate> {
        let mut candidates: Vec<Candidate> = Vec::new();
        self.matcher.find(chunk, self.limits, |rule, caps, base| {
            let meta = &self.meta[rule];
            let Some(m) = caps.get(meta.group) else { return };
            let span = base + m.start()..base + m.end();
            if span.is_empty() || !chunk.overlaps_added(&span) {
                return;
            }
            if let Some(whole) = caps.get(0) {
                if !starts_a_word(&chunk.text, base + whole.start()) {
                    return;
                }
            }
            if caps.name("key").is_some_and(|k| placeholder::is_identifier_key(k.as_bytes())) {
                return;
            }
            let value = m.as_bytes();
            if meta.entropy.is_some_and(|min| shannon(value) < min) {
                return;
            }
            if meta.skip_placeholders && placeholder::is_placeholder(value, meta.generic) {
                return;
            }
            let note = match meta.validator.as_deref() {
                Some(v) => match slot::accepts(v, value) {
                    Some(true) => None,
                    Some(false) => return,
                    None => match validate(v, value) {
                        Verdict::Rejected => return,
                        Verdict::Verified(note) => Some(note),
                    },
                },
                None => None,
            };
            candidates.push(Candidate { rule, span, note });
        });
        candidates
    }

    /// Adds what the rules find in the encoded values of `chunk` once decoded (see
    /// [`decode`]), placed at the encoded value: one candidate per value, a provider
    /// rule's if any. A rule that matched the encoded form itself speaks for it, unless
    /// the decoded value shows a provider's credential where the encoded form's rule was
    /// only generic, or the value's [`Weight`](decode::Weight) gives the decoded verdict
    /// the last word over generic rules.
    fn add_decoded(&self, chunk: &ChangedFile, candidates: &mut Vec<Candidate>) {
        use decode::Weight;
        let overlaps = |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| a.start < b.end && b.start < a.end;
        for value in decode::decoded_values(chunk) {
            let inner = self.candidates(&ChangedFile::whole(value.path, value.text));
            let best = inner.iter().find(|c| !self.meta[c.rule].generic).or(inner.first());
            if value.weight == Weight::Decides || (value.weight == Weight::Clears && best.is_none()) {
                candidates.retain(|c| !self.meta[c.rule].generic || !overlaps(&c.span, &value.origin));
            }
            let Some(best) = best else { continue };
            let generic = self.meta[best.rule].generic;
            let spoken_for =
                candidates.iter().any(|r| overlaps(&r.span, &value.origin) && (!self.meta[r.rule].generic || generic));
            if !spoken_for {
                candidates.push(Candidate { rule: best.rule, span: value.origin, note: Some(value.note) });
            }
        }
    }
}

/// One finding per value: a provider rule wins over a generic rule on an overlapping
/// value, and a rule reports a span once.
fn resolve_overlaps(mut candidates: Vec<Candidate>, meta: &[RuleMeta]) -> Vec<Candidate> {
    candidates.sort_by_key(|c| (c.span.start, c.rule));
    candidates.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    // Provider spans by start, with the furthest end reached so far: whether one overlaps
    // a value is a binary search, so many findings in one file stay cheap.
    let specific: Vec<std::ops::Range<usize>> =
        candidates.iter().filter(|c| !meta[c.rule].generic).map(|c| c.span.clone()).collect();
    let reach: Vec<usize> = specific
        .iter()
        .scan(0, |furthest, s| {
            *furthest = s.end.max(*furthest);
            Some(*furthest)
        })
        .collect();
    let overlaps_specific = |span: &std::ops::Range<usize>| {
        let starting_before_end = specific.partition_point(|s| s.start < span.end);
        starting_before_end > 0 && reach[starting_before_end - 1] > span.start
    };
    // Two generic rules on one value: keep the first (candidates come by start, so a
    // kept generic value overlaps this one when it reaches past this one's start).
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    let mut generic_reach = 0;
    for c in candidates {
        if !meta[c.rule].generic {
            kept.push(c);
            continue;
        }
        if overlaps_specific(&c.span) || generic_reach > c.span.start {
            continue;
        }
        generic_reach = generic_reach.max(c.span.end);
        kept.push(c);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_found(text: &str) -> Vec<String> {
        let check = SecretsCheck::new(&Policy::default()).unwrap();
        let mut out = CheckOutput::default();
        check.judge_file(&ChangedFile::whole("app/settings.py", text.as_bytes()), &mut out);
        out.findings.iter().map(|f| f.rule.to_string()).collect()
    }

    /// The key a generic rule names decides: the same value is a secret under `api_key`
    /// and an identifier under `NextToken`, `api_key_id` or `tokenizer`. Values are
    /// assembled so that this file holds no literal the repository's own scan would flag.
    #[test]
    fn identifier_keys_are_not_reported_through_the_check() {
        let value = format!("{}{}{}", "Pz4kW8qRn2", "vX7mLs9t", "B3");
        assert_eq!(rules_found(&format!("api_key = \"{value}\"\n")), ["generic-secret-assignment"]);
        assert_eq!(rules_found(&format!("{}: \"{value}\"\n", "\"auth_token\"")), ["generic-secret-assignment"]);
        for key in ["NextToken", "api_key_id", "tokenizer", "secret_name", "public_key", "csrf_token", "token_url"] {
            assert!(rules_found(&format!("{key} = \"{value}\"\n")).is_empty(), "{key}");
        }
    }

    #[test]
    fn matches_start_at_word_starts() {
        let at = |text: &str, word: &str| starts_a_word(text.as_bytes(), text.find(word).unwrap());
        assert!(at("key = datadog_key", "datadog"));
        assert!(at("MY_DATADOG_KEY", "DATADOG"));
        assert!(at("myDatadogKey", "Datadog"));
        assert!(at("x-dd-api-key", "dd"));
        assert!(at(r#""a\nghp_x""#, "ghp_"));
        assert!(at("mvn -Dsonar.login=x", "sonar"));
        assert!(!at("address", "dd"));
        assert!(!at("sha256=Qm9vfw_hash", "fw_"));
        assert!(!at("NOTDATADOG", "DATADOG"));
        assert!(!at("x-Xsonar", "sonar"));
    }
}
