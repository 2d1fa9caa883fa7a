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
    Warning, Workload,
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
        let mut candidates: Vec<Candidate> = Vec::new();
        let skipped = self.matcher.find(chunk, self.limits, |rule, caps, base| {
            let meta = &self.meta[rule];
            let Some(m) = caps.get(meta.group) else { return };
            let span = base + m.start()..base + m.end();
            if span.is_empty() || !chunk.is_added(span.start) {
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
        for s in skipped {
            out.warnings.push(Warning {
                path: chunk.path.to_string(),
                line: Some(s.line),
                commit: chunk.commit.as_ref().map(|c| c.id.clone()),
                message: format!("line not scanned for secrets: {} bytes is over settings.max_line_bytes", s.bytes),
            });
        }
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

/// One finding per value: a provider rule wins over a generic rule on an overlapping
/// value, and a rule reports a span once.
fn resolve_overlaps(mut candidates: Vec<Candidate>, meta: &[RuleMeta]) -> Vec<Candidate> {
    candidates.sort_by_key(|c| (c.span.start, c.rule));
    candidates.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    let specific: Vec<std::ops::Range<usize>> =
        candidates.iter().filter(|c| !meta[c.rule].generic).map(|c| c.span.clone()).collect();
    candidates
        .retain(|c| !meta[c.rule].generic || !specific.iter().any(|s| s.start < c.span.end && c.span.start < s.end));
    // Two generic rules on one value: keep the first.
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for c in candidates {
        let overlaps_generic = kept.iter().any(|k| {
            meta[k.rule].generic && meta[c.rule].generic && k.span.start < c.span.end && c.span.start < k.span.end
        });
        if !overlaps_generic {
            kept.push(c);
        }
    }
    kept
}
