//! tollgate's policy loader: the layering of organisation, repository, personal and
//! command-line files, the sections every check shares (`[settings]`, `[[allow]]`),
//! and validation that names the file, line and column of whatever is wrong.
//!
//! Each check owns its section (`[secrets]`): the loader keeps every layer's copy of
//! it and the check deserialises them into its own types ([`SectionLayer::parse`]).
//! Unknown keys are errors, not ignored: a typo in a security policy must never turn
//! a check off silently. A file yields all its errors at once, each at the value or
//! key at fault.
//!
//! ```
//! use tollgate_config::{LayerSource, Policy};
//!
//! let repo = LayerSource::Repository(".tollgate.toml".into());
//! let text = "[settings]\ninline_allow = false\n\n[secrets]\nenabled = false\n".to_string();
//! let policy = Policy::from_texts(vec![(repo.clone(), text)], &["secrets"]).unwrap();
//! assert!(!policy.inline_allow);
//! assert!(!policy.check_enabled("secrets"));
//!
//! let text = "[settings]\ninline_alow = true\nmax_file_bytes = \"big\"\n".to_string();
//! let errors = Policy::from_texts(vec![(repo, text)], &["secrets"]).unwrap_err();
//! assert_eq!(errors.to_string(), ".tollgate.toml:2:1: unknown field `inline_alow`, expected one of \
//!     `inline_allow`, `max_file_bytes`, `max_line_bytes`, `baseline`, `audit_log`, `locked`, \
//!     `forbid_allow_all`, `policy_weakened`, `not_judged`\n.tollgate.toml:3:18: invalid type: string \"big\", expected u64");
//! ```

mod date;
mod de;
mod error;
mod schema;
mod section;

pub use date::{today, Date};
pub use error::{line_column, ConfigError, ConfigErrors};
pub use schema::{AgentSettings, AllowEntry, NotJudged, RuleDef, RulePack, Settings, Severity, Spanned, Uncertain};
pub use section::{apply_rule_switches, SectionLayer};

/// One rule of a check as the policy in force has it, for `tollgate policy show`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub description: String,
    pub severity: &'static str,
    pub enabled: bool,
    /// Where the rule is defined: `built-in`, or the policy file that (re)defines it.
    pub source: String,
}

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::de::DeValue;

use de::Source;

/// Defaults applied when no layer sets a value.
/// Matching is linear, so large files are judged: 256 MiB takes well under a second.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Lines longer than this are skipped with a warning (minified bundles, data blobs).
pub const DEFAULT_MAX_LINE_BYTES: usize = 256 * 1024;

/// Where a policy layer came from. Layers apply in this order: organisation,
/// repository, personal, command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerSource {
    /// `git config tollgate.policy` or `TOLLGATE_POLICY`: an organisation's shared file.
    Organisation(PathBuf),
    /// `.tollgate.toml` at the repository root.
    Repository(PathBuf),
    /// `<git common dir>/tollgate/policy.toml`: one person's settings for one
    /// repository, never committed.
    Personal(PathBuf),
    /// `--config FILE` on the command line.
    CommandLine(PathBuf),
}

impl LayerSource {
    pub fn path(&self) -> &Path {
        match self {
            LayerSource::Organisation(p)
            | LayerSource::Repository(p)
            | LayerSource::Personal(p)
            | LayerSource::CommandLine(p) => p,
        }
    }
}

/// The policy in force: every layer merged, later layers overriding earlier ones.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The files that were read, in the order they applied.
    pub layers: Vec<LayerSource>,
    pub inline_allow: bool,
    pub max_file_bytes: u64,
    pub max_line_bytes: usize,
    /// What content that could not be judged does in hook modes.
    pub not_judged: NotJudged,
    /// A baseline file named by the policy, relative to the repository root.
    pub baseline: Option<PathBuf>,
    /// Whether hook runs append to the audit log under the git directory.
    pub audit_log: bool,
    /// Allowlist entries that are still in force (expired ones are dropped).
    pub allow: Vec<AllowEntry>,
    /// Allowlist entries whose expiry date has passed, kept so reports can say so.
    pub expired_allow: Vec<AllowEntry>,
    /// Each check's section, layer by layer in order of application.
    sections: BTreeMap<String, Vec<SectionLayer>>,
    /// `[<check>] enabled`, as the last layer that set it says.
    enabled: BTreeMap<String, bool>,
    /// Rules the organisation locked, with the file that locked each.
    pub locked: BTreeMap<String, String>,
    /// `[agent] uncertain`: the agent hook's answer to a command it cannot judge.
    pub agent_uncertain: Uncertain,
    /// The organisation's policy file, when it set `[agent] uncertain` (no repository
    /// layer may then change it).
    agent_uncertain_locked_by: Option<String>,
    /// The organisation forbids repository-wide allow-alls (`[settings] forbid_allow_all`).
    pub forbid_allow_all: bool,
    /// How a change that weakens the repository's policy is reported.
    pub policy_weakened: Severity,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            layers: Vec::new(),
            inline_allow: true,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            not_judged: NotJudged::Block,
            baseline: None,
            audit_log: true,
            allow: Vec::new(),
            expired_allow: Vec::new(),
            locked: BTreeMap::new(),
            agent_uncertain: Uncertain::default(),
            agent_uncertain_locked_by: None,
            forbid_allow_all: false,
            policy_weakened: Severity::Warn,
            sections: BTreeMap::new(),
            enabled: BTreeMap::new(),
        }
    }
}

/// What one file contributes.
#[derive(Default)]
struct LayerContents {
    settings: Settings,
    agent: AgentSettings,
    allow: Vec<AllowEntry>,
    sections: Vec<SectionLayer>,
    enabled: Vec<(String, bool)>,
}

impl Policy {
    /// Reads and merges the given layers in order. `sections` are the check sections
    /// the registry knows (`secrets`, `policy`, `deps`); any other top-level key is an
    /// error. A missing file is an error: callers pass only files that exist or were
    /// named explicitly. Every error of every file is returned.
    pub fn load(layers: Vec<LayerSource>, sections: &[&str]) -> Result<Policy, ConfigErrors> {
        let (policy, errors) = Policy::load_partial(layers, sections);
        errors.into_result(policy)
    }

    /// As [`Policy::load`], from text in memory (tests, and policy read from the git
    /// index). Files are named by their layer's path.
    pub fn from_texts(layers: Vec<(LayerSource, String)>, sections: &[&str]) -> Result<Policy, ConfigErrors> {
        let (policy, errors) = Policy::from_texts_partial(layers, sections);
        errors.into_result(policy)
    }

    /// As [`Policy::load`], but also returns the policy as far as it could be read
    /// (a file that does not parse contributes nothing; a wrong value is left out),
    /// so that the checks can validate their sections too and every error of the
    /// policy is reported in one run. Never run checks with a policy that has errors.
    pub fn load_partial(layers: Vec<LayerSource>, sections: &[&str]) -> (Policy, ConfigErrors) {
        let mut errors = ConfigErrors::default();
        let mut texts = Vec::with_capacity(layers.len());
        for layer in layers {
            match std::fs::read_to_string(layer.path()) {
                Ok(text) => texts.push((layer, text)),
                Err(e) => errors.push(ConfigError::io(layer.path(), &e)),
            }
        }
        let (policy, more) = Policy::from_texts_partial(texts, sections);
        errors.extend(more);
        (policy, errors)
    }

    /// As [`Policy::load_partial`], from text in memory.
    pub fn from_texts_partial(layers: Vec<(LayerSource, String)>, sections: &[&str]) -> (Policy, ConfigErrors) {
        let mut policy = Policy::default();
        let mut errors = ConfigErrors::default();
        let today = today();
        for (layer, text) in layers {
            let source = Source::new(&layer.path().display().to_string(), &text);
            let (mut contents, layer_errors) = parse_layer(&source, sections);
            errors.extend(layer_errors);
            let organisation = matches!(layer, LayerSource::Organisation(_));
            if let Some(locked) = contents.settings.locked.take() {
                for id in locked {
                    if organisation {
                        policy.locked.insert(id.into_inner(), source.file().to_string());
                    } else {
                        let message =
                            "only the organisation's policy (tollgate.policy / TOLLGATE_POLICY) can lock rules";
                        errors.push(source.error_at(id.span(), message));
                    }
                }
            }
            if let Some(uncertain) = contents.agent.uncertain.take() {
                match &policy.agent_uncertain_locked_by {
                    Some(by) if !organisation && *uncertain.get_ref() != policy.agent_uncertain => {
                        errors.push(source.error_at(
                            uncertain.span(),
                            format!("`[agent] uncertain` is set by the organisation's policy {by}: a repository cannot change it"),
                        ));
                    }
                    _ => {
                        policy.agent_uncertain = *uncertain.get_ref();
                        if organisation {
                            policy.agent_uncertain_locked_by = Some(source.file().to_string());
                        }
                    }
                }
            }
            let org_only = "only the organisation's policy (tollgate.policy / TOLLGATE_POLICY) can set";
            if let Some(forbid) = contents.settings.forbid_allow_all.take() {
                if organisation {
                    policy.forbid_allow_all = *forbid.get_ref();
                } else {
                    errors.push(source.error_at(forbid.span(), format!("{org_only} `forbid_allow_all`")));
                }
            }
            if let Some(severity) = contents.settings.policy_weakened.take() {
                if organisation {
                    policy.policy_weakened = *severity.get_ref();
                } else {
                    errors.push(source.error_at(severity.span(), format!("{org_only} `policy_weakened`")));
                }
            }
            for section in &mut contents.sections {
                section.set_organisation(organisation);
            }
            for entry in &mut contents.allow {
                entry.organisation = organisation;
                if !organisation && policy.forbid_allow_all && entry.is_allow_all() {
                    errors.push(ConfigError {
                        file: source.file().to_string(),
                        line: entry.location.rsplit(':').next().and_then(|l| l.parse().ok()).unwrap_or(0),
                        column: 1,
                        message: "this [[allow]] entry matches every path and the organisation's policy forbids \
                                  allow-alls (`forbid_allow_all`): name the files, a rule or a fingerprint"
                            .to_string(),
                    });
                }
                if let (false, Some(rule)) = (organisation, &entry.rule) {
                    if let Some(by) = policy.locked.get(rule) {
                        errors.push(ConfigError {
                            file: source.file().to_string(),
                            line: entry.location.rsplit(':').next().and_then(|l| l.parse().ok()).unwrap_or(0),
                            column: 1,
                            message: format!("rule `{rule}` is locked by {by}: a repository cannot allow it"),
                        });
                    }
                }
            }
            policy.apply(contents, today);
            policy.layers.push(layer);
        }
        (policy, errors)
    }

    /// The layers of one check's section, in order of application (empty if no layer
    /// has it).
    pub fn section(&self, name: &str) -> &[SectionLayer] {
        self.sections.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a check runs: `[<check>] enabled = false` in any layer switches it off
    /// (a later layer may switch it back on). Default true.
    pub fn check_enabled(&self, name: &str) -> bool {
        self.enabled.get(name).copied().unwrap_or(true)
    }

    fn apply(&mut self, contents: LayerContents, today: Date) {
        let s = contents.settings;
        if let Some(v) = s.inline_allow {
            self.inline_allow = v;
        }
        if let Some(v) = s.max_file_bytes {
            self.max_file_bytes = v;
        }
        if let Some(v) = s.max_line_bytes {
            self.max_line_bytes = v;
        }
        if let Some(v) = s.not_judged {
            self.not_judged = v;
        }
        if let Some(v) = s.baseline {
            self.baseline = Some(PathBuf::from(v));
        }
        if let Some(v) = s.audit_log {
            self.audit_log = v;
        }
        for entry in contents.allow {
            match entry.expires {
                Some(d) if d < today => self.expired_allow.push(entry),
                _ => self.allow.push(entry),
            }
        }
        for section in contents.sections {
            self.sections.entry(section.name().to_string()).or_default().push(section);
        }
        self.enabled.extend(contents.enabled);
    }
}

/// Parses one file: the shared sections are deserialised here, check sections are
/// kept for their checks. Every error of the file is collected; what could be read
/// is returned all the same.
fn parse_layer(source: &Source, sections: &[&str]) -> (LayerContents, ConfigErrors) {
    let doc = match source.parse_document() {
        Ok(doc) => doc,
        Err(errors) => return (LayerContents::default(), errors),
    };
    let mut errors = Vec::new();
    let mut contents = LayerContents::default();
    for (key, value) in doc.get_ref().iter() {
        match key.get_ref().as_ref() {
            "settings" => {
                let (settings, errs) = source.deserialize::<Settings>(value);
                contents.settings = settings.unwrap_or_default();
                errors.extend(errs);
            }
            "agent" => {
                let (agent, errs) = source.deserialize::<AgentSettings>(value);
                contents.agent = agent.unwrap_or_default();
                errors.extend(errs);
            }
            "allow" => match value.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        let (entry, errs) = AllowEntry::parse(source, item, sections);
                        contents.allow.extend(entry);
                        errors.extend(errs);
                    }
                }
                _ => errors.push(source.error_at(value.span(), "`allow` must be an array of tables: [[allow]]")),
            },
            name if sections.contains(&name) => match value.get_ref() {
                DeValue::Table(table) => {
                    if let Some(enabled) = table.get("enabled") {
                        match enabled.get_ref() {
                            DeValue::Boolean(on) => contents.enabled.push((name.to_string(), *on)),
                            other => errors.push(source.error_at(
                                enabled.span(),
                                format!("`{name}.enabled` must be true or false, not {}", other.type_str()),
                            )),
                        }
                    }
                    contents.sections.push(SectionLayer::new(source.clone(), name));
                }
                _ => errors.push(source.error_at(value.span(), format!("`{name}` must be a table: [{name}]"))),
            },
            other => {
                let mut known = vec!["settings", "agent", "allow"];
                known.extend(sections);
                let known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                errors.push(
                    source.error_at(
                        key.span(),
                        format!("unknown section `{other}`, expected one of {}", known.join(", ")),
                    ),
                );
            }
        }
    }
    (contents, de::sorted(errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(text: &str) -> (LayerSource, String) {
        (LayerSource::Repository(".tollgate.toml".into()), text.to_string())
    }

    fn errors(text: &str) -> Vec<(usize, usize, String)> {
        let err = Policy::from_texts(vec![repo(text)], &["secrets"]).unwrap_err();
        err.into_iter().map(|e| (e.line, e.column, e.message)).collect()
    }

    #[test]
    fn the_agent_section_sets_the_uncertain_verdict_and_errors_are_located() {
        assert_eq!(Policy::from_texts(vec![], &["secrets"]).unwrap().agent_uncertain, Uncertain::Deny);
        let p = Policy::from_texts(vec![repo("[agent]\nuncertain = \"ask\"\n")], &["secrets"]).unwrap();
        assert_eq!(p.agent_uncertain, Uncertain::Ask);
        let e = errors("[agent]\nuncertain = \"maybe\"\n");
        assert_eq!(at(&e), [(2, 13)], "{e:?}");
        let e = errors("\n[agent]\nuncertan = \"ask\"\n");
        assert_eq!(at(&e), [(3, 1)], "{e:?}");
        // The organisation's choice stands.
        let org = (LayerSource::Organisation("org.toml".into()), "[agent]\nuncertain = \"deny\"\n".to_string());
        let err = Policy::from_texts(vec![org, repo("[agent]\nuncertain = \"ask\"\n")], &["secrets"]).unwrap_err();
        assert!(err.to_string().contains(".tollgate.toml:2:13") && err.to_string().contains("org.toml"), "{err}");
    }

    fn at(errors: &[(usize, usize, String)]) -> Vec<(usize, usize)> {
        errors.iter().map(|(l, c, _)| (*l, *c)).collect()
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let e = errors("[settings]\ninline_alow = true\n");
        assert_eq!(at(&e), vec![(2, 1)], "{e:?}");
        assert!(e[0].2.contains("inline_alow"), "{e:?}");
    }

    #[test]
    fn unknown_top_level_key_is_located_at_the_key() {
        let e = errors("[settings]\naudit_log = true\n\n[sekrets]\ndisable = []\n");
        assert_eq!(at(&e), vec![(4, 2)], "{e:?}");
        assert!(e[0].2.contains("unknown section `sekrets`"), "{e:?}");
        assert!(e[0].2.contains("`secrets`"), "{e:?}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = errors("[settings]\ninline_allow = \n");
        assert_eq!(e[0].0, 2, "{e:?}");
    }

    #[test]
    fn every_error_of_a_file_is_reported() {
        let text = "[settings]\nmax_line_bytes = \"long\"\n\n[[allow]]\nreason = \"nothing\"\n\n[[allow]]\npath = \"src/[a\"\nreason = \"r\"\nexpires = \"2026-02-31\"\n";
        let e = errors(text);
        assert_eq!(at(&e), vec![(2, 18), (4, 1), (8, 8), (10, 11)], "{e:?}");
        assert!(e[1].2.contains("at least one of `path`, `rule` or `fingerprint`"), "{e:?}");
        assert!(e[2].2.contains("invalid path glob"), "{e:?}");
        assert!(e[3].2.contains("not a date that exists"), "{e:?}");
    }

    #[test]
    fn allow_entries_parse_dates_checks_and_locations() {
        let text = "\n[[allow]]\npath = \"fixtures/**\"\ncheck = \"secrets\"\nreason = \"test data\"\nexpires = 2999-01-01\n\n[[allow]]\nrule = \"x\"\nreason = \"old\"\nexpires = \"2000-02-29\"\n";
        let policy = Policy::from_texts(vec![repo(text)], &["secrets"]).unwrap();
        assert_eq!(policy.allow.len(), 1);
        let entry = &policy.allow[0];
        assert_eq!(entry.expires, Date::parse("2999-01-01"));
        assert_eq!(entry.check.as_deref(), Some("secrets"));
        assert_eq!(entry.location, ".tollgate.toml:2");
        assert_eq!(entry.source, ".tollgate.toml");
        assert_eq!(policy.expired_allow.len(), 1);
        assert_eq!(policy.expired_allow[0].location, ".tollgate.toml:8");
    }

    #[test]
    fn allow_with_only_a_check_or_an_unknown_check_is_refused() {
        let e = errors("[[allow]]\ncheck = \"secrets\"\nreason = \"r\"\n\n[[allow]]\nrule = \"x\"\ncheck = \"lint\"\nreason = \"r\"\n");
        assert_eq!(at(&e), vec![(1, 1), (7, 9)], "{e:?}");
        assert!(e[0].2.contains("would silence the whole `secrets` check"), "{e:?}");
        assert!(e[1].2.contains("unknown check `lint`"), "{e:?}");
    }

    #[test]
    fn impossible_toml_dates_are_errors_at_the_value() {
        let e = errors("[[allow]]\nrule = \"x\"\nreason = \"r\"\nexpires = 2026-13-01\n");
        assert_eq!(at(&e), vec![(4, 11)], "{e:?}");
        let e = errors("[[allow]]\nrule = \"x\"\nreason = \"r\"\nexpires = \"next year\"\n");
        assert_eq!(at(&e), vec![(4, 11)], "{e:?}");
        assert!(e[0].2.contains("expected a date YYYY-MM-DD"), "{e:?}");
    }

    #[test]
    fn check_sections_are_kept_per_layer_and_can_be_switched_off_and_on() {
        let org = (LayerSource::Organisation("org.toml".into()), "[secrets]\nenabled = false\n".to_string());
        let personal = (LayerSource::Personal("me.toml".into()), "[secrets]\nenabled = true\n".to_string());
        let policy = Policy::from_texts(vec![org.clone(), repo("[secrets]\ndisable = []\n")], &["secrets"]).unwrap();
        assert!(!policy.check_enabled("secrets"));
        assert_eq!(policy.section("secrets").len(), 2);
        assert_eq!(policy.section("secrets")[1].file(), ".tollgate.toml");
        assert!(policy.section("deps").is_empty());
        assert!(policy.check_enabled("deps"));
        let policy = Policy::from_texts(vec![org, personal], &["secrets"]).unwrap();
        assert!(policy.check_enabled("secrets"));
        let e = errors("[secrets]\nenabled = \"no\"\n");
        assert_eq!(at(&e), vec![(2, 11)], "{e:?}");
    }

    #[test]
    fn sections_deserialise_into_the_checks_types() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Section {
            level: Option<u8>,
            #[serde(default)]
            item: Vec<Item>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Item {
            name: String,
        }
        let text = "[secrets]\nenabled = true\nlevel = 3\n\n[[secrets.item]]\nname = \"a\"\n\n[[secrets.item]]\nname = 2\n\n[[secrets.item]]\nnom = \"c\"\n";
        let policy = Policy::from_texts(vec![repo(text)], &["secrets"]).unwrap();
        let layer = &policy.section("secrets")[0];
        let err = layer.parse::<Section>().unwrap_err();
        assert_eq!(err.iter().map(|e| (e.line, e.column)).collect::<Vec<_>>(), vec![(9, 8), (11, 1), (12, 1)], "{err}");
        let (partial, _) = layer.parse_partial::<Section>();
        let partial = partial.unwrap();
        assert_eq!((partial.level, partial.item.len(), partial.item[0].name.as_str()), (Some(3), 1, "a"));
        let err = layer.parse_each::<Item>("item").unwrap_err();
        assert_eq!(err.len(), 3, "{err}");
        assert_eq!(layer.error_at(10..11, "here").line, 2);
    }

    #[test]
    fn a_partial_policy_keeps_what_could_be_read() {
        let text = "[settings]\nmax_line_bytes = \"x\"\naudit_log = false\n\n[secrets]\ndisable = []\n";
        let (policy, errors) = Policy::from_texts_partial(vec![repo(text)], &["secrets"]);
        assert_eq!(errors.len(), 1, "{errors}");
        assert!(!policy.audit_log);
        assert_eq!(policy.section("secrets").len(), 1);
        let (policy, errors) = Policy::from_texts_partial(vec![repo("[secrets\n")], &["secrets"]);
        assert_eq!((errors.len(), policy.layers.len(), policy.section("secrets").len()), (1, 1, 0));
    }

    #[test]
    fn only_the_organisation_forbids_allow_alls_and_sets_how_weakening_reports() {
        let org = |text: &str| (LayerSource::Organisation("org.toml".into()), text.to_string());
        let all =
            "[[allow]]\npath = \"**\"\nreason = \"r\"\n\n[[allow]]\npath = \"**\"\nrule = \"x\"\nreason = \"r\"\n";
        let strict = org("[settings]\nforbid_allow_all = true\npolicy_weakened = \"block\"\n");
        let err = Policy::from_texts(vec![strict.clone(), repo(all)], &["secrets"]).unwrap_err();
        assert_eq!(err.iter().map(|e| (e.line, e.column)).collect::<Vec<_>>(), vec![(1, 1)], "{err}");
        assert!(err.to_string().contains("forbid_allow_all"), "{err}");
        let policy = Policy::from_texts(vec![strict], &["secrets"]).unwrap();
        assert_eq!((policy.forbid_allow_all, policy.policy_weakened), (true, Severity::Block));
        assert!(Policy::from_texts(vec![repo(all)], &["secrets"]).is_ok(), "allowed unless forbidden");
        let e = errors("[settings]\nforbid_allow_all = false\npolicy_weakened = \"warn\"\n");
        assert_eq!(at(&e), vec![(2, 20), (3, 19)], "{e:?}");
    }

    #[test]
    fn allow_alls_are_told_from_narrow_entries() {
        let entry = |path: &str, rule: Option<&str>| AllowEntry {
            path: Some(path.into()),
            rule: rule.map(Into::into),
            fingerprint: None,
            check: None,
            reason: String::new(),
            expires: None,
            source: String::new(),
            location: String::new(),
            organisation: false,
        };
        for glob in ["**", "**/*", "*", "{**,x}"] {
            assert!(entry(glob, None).is_allow_all(), "{glob}");
        }
        for glob in ["tests/**", "**/*.py", "a"] {
            assert!(!entry(glob, None).is_allow_all(), "{glob}");
        }
        assert!(!entry("**", Some("rule")).is_allow_all());
    }

    /// Property: any text in a policy file, at any layer, loads or yields errors that
    /// name a line; the loader never panics.
    #[test]
    fn fuzzed_policy_files_never_panic() {
        let mut state: u64 = 0x0090_11c7;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let pieces = [
            "[settings]\n",
            "[secrets]\n",
            "[[allow]]\n",
            "[[secrets.rule]]\n",
            "[secrets.severity]\n",
            "[unknown]\n",
            "locked = [\"x\"]\n",
            "forbid_allow_all = true\n",
            "policy_weakened = \"block\"\n",
            "path = \"**\"\n",
            "path = \"[\"\n",
            "rule = \"r\"\n",
            "reason = \"why\"\n",
            "expires = 2026-02-30\n",
            "expires = \"2999-01-01\"\n",
            "enabled = false\n",
            "enabled = \"no\"\n",
            "max_file_bytes = -1\n",
            "max_line_bytes = 99999999999999999999\n",
            "check = \"secrets\"\n",
            "disable = [\"x\", 1]\n",
            "allow = 3\n",
            "= =\n",
            "\"\n",
            "é = 'ü'\n",
            "[settings\n",
            "\u{0}",
            "a.b.c = 1\n",
        ];
        for case in 0..3000 {
            let mut texts = Vec::new();
            for layer in 0..1 + next() % 3 {
                let mut text = String::new();
                for _ in 0..next() % 10 {
                    text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
                }
                let source = match layer {
                    0 if case % 2 == 0 => LayerSource::Organisation("org.toml".into()),
                    0 | 1 => LayerSource::Repository(".tollgate.toml".into()),
                    _ => LayerSource::CommandLine("cli.toml".into()),
                };
                texts.push((source, text));
            }
            let (_, errors) = Policy::from_texts_partial(texts.clone(), &["secrets", "policy"]);
            for error in errors.iter() {
                assert!(error.line >= 1, "{texts:?}: {error}");
            }
        }
    }

    #[test]
    fn unreadable_files_are_errors_without_a_position() {
        let missing = LayerSource::Repository("/nonexistent/tollgate/.tollgate.toml".into());
        let err = Policy::load(vec![missing], &["secrets"]).unwrap_err();
        assert_eq!((err.first().unwrap().line, err.len()), (0, 1));
    }

    #[test]
    fn load_reads_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        let b = dir.path().join("b.toml");
        std::fs::write(&a, "[settings]\nmax_line_bytes = 10\naudit_log = false\n").unwrap();
        std::fs::write(&b, "[settings]\nmax_line_bytes = 20\n").unwrap();
        let policy =
            Policy::load(vec![LayerSource::Organisation(a), LayerSource::CommandLine(b)], &["secrets"]).unwrap();
        assert_eq!(policy.max_line_bytes, 20);
        assert!(!policy.audit_log);
        assert_eq!(policy.layers.len(), 2);
    }
}
