//! The dependency guard's slice of the policy: `[deps]` in each layer, validated
//! (every error at its value) and layered — scalars from the last layer that sets
//! them, lists (deny, allow, ignore) from every layer.
//!
//! ```toml
//! [deps]
//! osv_db = "~/.cache/tollgate/osv"   # the advisory database (default: what `db update` wrote)
//! max_db_age_days = 7                # older than this: `osv-db-stale`
//! missing_db = "warn"                # no database at all: "warn", "block" or "ignore"
//! block = ["critical", "high", "medium", "unknown"]   # advisory severities that block
//! warn = ["low"]                     # ... and that warn (the rest are not reported)
//! dev = true                         # judge dev and build dependencies too
//! typosquat = true
//! require_pins = false               # exact versions where no lock file resolves them
//! allowlist_only = false             # only [[deps.allow]] packages may be added
//! allowed_registries = ["https://npm.example.com/**"]
//! disable = ["advisory-notice"]
//!
//! [deps.sources]                     # where a dependency may come from: allow, warn, block
//! git = "block"
//! url = "block"
//! path = "allow"
//! registry = "warn"                  # a registry other than the default (and not allowed above)
//!
//! [[deps.deny]]
//! ecosystem = "npm"
//! name = "event-stream"
//! versions = "3.3.6"                 # in the ecosystem's own syntax; all versions if absent
//! reason = "compromised release"
//!
//! [[deps.ignore]]                    # an exception to the advisory check
//! advisory = "GHSA-xxxx-xxxx-xxxx"   # or: ecosystem + package
//! reason = "not reachable: we never parse untrusted YAML"
//! expires = 2027-03-01
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use tollgate_config::{ConfigError, ConfigErrors, Date, Policy, RuleInfo, SectionLayer, Severity, Spanned};

use crate::model::{Ecosystem, Source};
use crate::version::{self, VersionSet};

/// The section name in policy files, and the check's name in reports.
pub const SECTION: &str = "deps";

/// One rule of the check: id, what it reports, and its severity unless the policy
/// says otherwise.
pub struct RuleSpec {
    pub id: &'static str,
    pub description: &'static str,
    pub severity: Severity,
}

/// Every rule the check reports.
pub const RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "vulnerable-dependency",
        description: "A dependency version with a known vulnerability (OSV advisory)",
        severity: Severity::Block,
    },
    RuleSpec {
        id: "malicious-package",
        description: "A package an advisory database records as malicious",
        severity: Severity::Block,
    },
    RuleSpec {
        id: "advisory-notice",
        description: "A dependency with an unmaintained or unsound notice",
        severity: Severity::Warn,
    },
    RuleSpec {
        id: "typosquat",
        description: "A dependency name one slip away from a popular package",
        severity: Severity::Block,
    },
    RuleSpec { id: "dependency-denied", description: "A dependency the policy denies", severity: Severity::Block },
    RuleSpec {
        id: "dependency-not-allowed",
        description: "A dependency outside the policy's allowlist",
        severity: Severity::Block,
    },
    RuleSpec {
        id: "dependency-source",
        description: "A dependency from a source the policy bans (git, path, URL, another registry)",
        severity: Severity::Block,
    },
    RuleSpec {
        id: "dependency-unpinned",
        description: "A dependency with no exact version where no lock file resolves it",
        severity: Severity::Block,
    },
    RuleSpec {
        id: "osv-db-stale",
        description: "The advisory database is older than the policy allows",
        severity: Severity::Warn,
    },
    RuleSpec {
        id: "osv-db-missing",
        description: "No advisory database: dependencies were not checked for known vulnerabilities",
        severity: Severity::Warn,
    },
];

/// Advisory severities, from the worst.
pub const LEVELS: &[&str] = &["critical", "high", "medium", "low", "unknown"];

/// `[deps]` as one layer writes it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepsSection {
    pub osv_db: Option<Spanned<String>>,
    pub max_db_age_days: Option<u32>,
    pub missing_db: Option<Spanned<String>>,
    pub block: Option<Vec<Spanned<String>>>,
    pub warn: Option<Vec<Spanned<String>>>,
    pub dev: Option<bool>,
    pub typosquat: Option<bool>,
    pub require_pins: Option<bool>,
    pub allowlist_only: Option<bool>,
    #[serde(default)]
    pub allowed_registries: Vec<Spanned<String>>,
    pub sources: Option<SourcesSection>,
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    #[serde(default)]
    pub enable: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<Severity>>,
    #[serde(default)]
    pub deny: Vec<PackageRuleDef>,
    #[serde(default)]
    pub allow: Vec<PackageRuleDef>,
    #[serde(default)]
    pub ignore: Vec<IgnoreDef>,
}

/// `[deps.sources]`: what happens to a dependency from each kind of source.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesSection {
    pub git: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub registry: Option<Spanned<String>>,
}

/// `[[deps.deny]]` and `[[deps.allow]]`: packages by ecosystem, name glob and versions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageRuleDef {
    pub ecosystem: Option<Spanned<String>>,
    pub name: Spanned<String>,
    pub versions: Option<Spanned<String>>,
    pub reason: Option<String>,
}

/// `[[deps.ignore]]`: an advisory (or every advisory of a package) not reported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreDef {
    pub advisory: Option<Spanned<String>>,
    pub ecosystem: Option<Spanned<String>>,
    pub package: Option<Spanned<String>>,
    pub reason: Spanned<String>,
    pub expires: Option<Date>,
}

/// What happens to a dependency from a kind of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Report(Severity),
}

/// A compiled deny or allow entry.
#[derive(Debug, Clone)]
pub struct PackageRule {
    pub ecosystem: Option<Ecosystem>,
    pub name: GlobMatcher,
    pub versions: Option<(String, VersionSet)>,
    pub reason: Option<String>,
    /// `file:line` of the entry, for findings that cite it.
    pub location: String,
}

impl PackageRule {
    /// Whether the entry names this package (any version when `version` is `None`:
    /// a range that is not resolved is judged by name alone).
    pub fn matches(&self, ecosystem: Ecosystem, key: &str, version: Option<&str>) -> bool {
        if self.ecosystem.is_some_and(|e| e != ecosystem) || !self.name.is_match(key) {
            return false;
        }
        match (&self.versions, version) {
            (Some((_, set)), Some(v)) => version::Version::parse(ecosystem, v).is_ok_and(|v| set.contains(&v)),
            _ => true,
        }
    }
}

/// A compiled `[[deps.ignore]]` entry.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub advisory: Option<String>,
    pub ecosystem: Option<Ecosystem>,
    pub package: Option<String>,
    pub reason: String,
    pub expires: Option<Date>,
    pub location: String,
}

impl Ignore {
    /// Whether the entry covers this advisory (by id or alias) of this package.
    pub fn covers(&self, ecosystem: Ecosystem, key: &str, ids: &[&str]) -> bool {
        if self.ecosystem.is_some_and(|e| e != ecosystem) {
            return false;
        }
        if self.package.as_deref().is_some_and(|p| p != key) {
            return false;
        }
        match &self.advisory {
            Some(a) => ids.iter().any(|id| id.eq_ignore_ascii_case(a)),
            None => true,
        }
    }

    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|e| e < today)
    }
}

/// Every layer's `[deps]`, ready to judge.
#[derive(Debug, Clone)]
pub struct DepsConfig {
    /// The advisory database named by the policy (resolved against the policy file's
    /// folder); `TOLLGATE_OSV_DB` and `--osv-db` win over it.
    pub osv_db: Option<PathBuf>,
    pub max_db_age_days: u32,
    /// What a missing database does; `None` says nothing.
    pub missing_db: Option<Severity>,
    pub block: BTreeSet<String>,
    pub warn: BTreeSet<String>,
    pub dev: bool,
    pub typosquat: bool,
    pub require_pins: bool,
    pub allowlist_only: bool,
    pub allowed_registries: Vec<GlobMatcher>,
    pub git: Verdict,
    pub path: Verdict,
    pub url: Verdict,
    pub other_registry: Verdict,
    pub deny: Vec<PackageRule>,
    pub allow: Vec<PackageRule>,
    pub ignore: Vec<Ignore>,
    pub disabled: BTreeSet<String>,
    pub severity: BTreeMap<String, Severity>,
}

impl Default for DepsConfig {
    fn default() -> DepsConfig {
        DepsConfig {
            osv_db: None,
            max_db_age_days: 7,
            missing_db: Some(Severity::Warn),
            block: ["critical", "high", "medium", "unknown"].map(String::from).into(),
            warn: ["low"].map(String::from).into(),
            dev: true,
            typosquat: true,
            require_pins: false,
            allowlist_only: false,
            allowed_registries: Vec::new(),
            git: Verdict::Allow,
            path: Verdict::Allow,
            url: Verdict::Allow,
            other_registry: Verdict::Allow,
            deny: Vec::new(),
            allow: Vec::new(),
            ignore: Vec::new(),
            disabled: BTreeSet::new(),
            severity: BTreeMap::new(),
        }
    }
}

impl DepsConfig {
    /// Parses and validates every layer's `[deps]` (every error of every layer), then
    /// applies them in order over the defaults.
    pub fn from_policy(policy: &Policy) -> Result<DepsConfig, ConfigErrors> {
        let mut config = DepsConfig::default();
        let mut errors = ConfigErrors::default();
        for layer in policy.section(SECTION) {
            let (section, layer_errors) = layer.parse_partial::<DepsSection>();
            let mut layer_errors: Vec<ConfigError> = layer_errors.into_iter().collect();
            let section = section.unwrap_or_default();
            layer_errors.extend(layer.weakens_locked(&policy.locked, &section.disable, &section.severity, &[]));
            let mut staged = config.clone();
            staged.apply(layer, section, &mut layer_errors);
            if layer_errors.is_empty() {
                config = staged;
            }
            layer_errors.sort_by_key(|e| (e.line, e.column));
            errors.extend(layer_errors);
        }
        errors.into_result(config)
    }

    /// The severity a rule reports at: the policy's override, else its own.
    pub fn severity_of(&self, id: &str) -> Severity {
        let own = RULES.iter().find(|r| r.id == id).map_or(Severity::Block, |r| r.severity);
        self.severity.get(id).copied().unwrap_or(own)
    }

    pub fn enabled(&self, id: &str) -> bool {
        !self.disabled.contains(id)
    }

    /// The verdict for a dependency's source.
    pub fn source_verdict(&self, source: &Source) -> Verdict {
        match source {
            Source::Registry => Verdict::Allow,
            Source::Git(_) => self.git,
            Source::Path(_) => self.path,
            Source::Url(_) => self.url,
            Source::OtherRegistry(url) if self.allowed_registries.iter().any(|g| g.is_match(url)) => Verdict::Allow,
            Source::OtherRegistry(_) => self.other_registry,
        }
    }

    fn apply(&mut self, layer: &SectionLayer, section: DepsSection, errors: &mut Vec<ConfigError>) {
        let at = |s: &Spanned<String>, m: String| layer.error_at(s.span(), m);
        let line_of = |span: std::ops::Range<usize>| {
            let line = layer.text()[..span.start.min(layer.text().len())].matches('\n').count() + 1;
            format!("{}:{line}", layer.file())
        };
        if let Some(p) = &section.osv_db {
            self.osv_db = Some(resolve_path(Path::new(layer.file()), p.get_ref()));
        }
        if let Some(days) = section.max_db_age_days {
            self.max_db_age_days = days;
        }
        if let Some(m) = &section.missing_db {
            match m.get_ref().as_str() {
                "ignore" => self.missing_db = None,
                other => match verdict(other) {
                    Some(Verdict::Report(s)) => self.missing_db = Some(s),
                    _ => errors.push(at(m, format!("`{other}` is not one of `warn`, `block`, `ignore`"))),
                },
            }
        }
        for (list, target) in [(&section.block, &mut self.block), (&section.warn, &mut self.warn)] {
            if let Some(levels) = list {
                target.clear();
                for level in levels {
                    if LEVELS.contains(&level.get_ref().as_str()) {
                        target.insert(level.get_ref().clone());
                    } else {
                        errors.push(at(
                            level,
                            format!("`{}` is not an advisory severity (one of {})", level.get_ref(), LEVELS.join(", ")),
                        ));
                    }
                }
            }
        }
        // A severity in both lists blocks.
        let blocked = self.block.clone();
        self.warn.retain(|l| !blocked.contains(l));
        for (flag, target) in [
            (section.dev, &mut self.dev),
            (section.typosquat, &mut self.typosquat),
            (section.require_pins, &mut self.require_pins),
            (section.allowlist_only, &mut self.allowlist_only),
        ] {
            if let Some(v) = flag {
                *target = v;
            }
        }
        for g in &section.allowed_registries {
            match glob(g.get_ref()) {
                Ok(m) => self.allowed_registries.push(m),
                Err(e) => errors.push(at(g, e)),
            }
        }
        if let Some(sources) = &section.sources {
            for (value, target) in [
                (&sources.git, &mut self.git),
                (&sources.path, &mut self.path),
                (&sources.url, &mut self.url),
                (&sources.registry, &mut self.other_registry),
            ] {
                if let Some(v) = value {
                    match verdict(v.get_ref()) {
                        Some(parsed) => *target = parsed,
                        None => errors.push(at(v, format!("`{}` is not one of `allow`, `warn`, `block`", v.get_ref()))),
                    }
                }
            }
        }
        for (defs, target) in [(&section.deny, &mut self.deny), (&section.allow, &mut self.allow)] {
            for def in defs {
                if let Some(rule) = package_rule(layer, def, line_of(def.name.span()), errors) {
                    target.push(rule);
                }
            }
        }
        for def in &section.ignore {
            let ecosystem = def.ecosystem.as_ref().and_then(|e| ecosystem(layer, e, errors));
            if def.advisory.is_none() && def.package.is_none() {
                errors.push(at(&def.reason, "an ignore entry needs an `advisory` or a `package`".into()));
                continue;
            }
            if def.reason.get_ref().trim().is_empty() {
                errors.push(at(&def.reason, "say why the advisory does not apply".into()));
            }
            let package = def.package.as_ref().map(|p| match ecosystem {
                Some(e) => e.normalise(p.get_ref()),
                None => p.get_ref().to_lowercase(),
            });
            self.ignore.push(Ignore {
                advisory: def.advisory.as_ref().map(|a| a.get_ref().clone()),
                ecosystem,
                package,
                reason: def.reason.get_ref().clone(),
                expires: def.expires,
                location: line_of(def.advisory.as_ref().or(def.package.as_ref()).unwrap_or(&def.reason).span()),
            });
        }
        let known = |id: &str| RULES.iter().any(|r| r.id == id);
        for id in section.disable.iter().chain(&section.enable).chain(section.severity.keys()) {
            if !known(id.get_ref()) {
                errors.push(at(
                    id,
                    format!(
                        "no deps rule is named `{}` (one of {})",
                        id.get_ref(),
                        RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        tollgate_config::apply_rule_switches(
            &mut self.disabled,
            &mut self.severity,
            section.disable,
            section.enable,
            section.severity,
        );
    }
}

fn verdict(text: &str) -> Option<Verdict> {
    match text {
        "allow" => Some(Verdict::Allow),
        "warn" => Some(Verdict::Report(Severity::Warn)),
        "block" => Some(Verdict::Report(Severity::Block)),
        _ => None,
    }
}

fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))
}

fn ecosystem(layer: &SectionLayer, e: &Spanned<String>, errors: &mut Vec<ConfigError>) -> Option<Ecosystem> {
    let parsed = Ecosystem::parse(e.get_ref());
    if parsed.is_none() {
        errors.push(
            layer.error_at(e.span(), format!("`{}` is not an ecosystem (one of cargo, npm, pypi, go)", e.get_ref())),
        );
    }
    parsed
}

fn package_rule(
    layer: &SectionLayer,
    def: &PackageRuleDef,
    location: String,
    errors: &mut Vec<ConfigError>,
) -> Option<PackageRule> {
    let eco = match &def.ecosystem {
        Some(e) => Some(ecosystem(layer, e, errors)?),
        None => None,
    };
    // Names compare as the registry compares them; a glob is normalised the same way.
    let pattern = match eco {
        Some(e) => e.normalise(def.name.get_ref()),
        None => def.name.get_ref().to_lowercase(),
    };
    let name = match glob(&pattern) {
        Ok(m) => m,
        Err(e) => {
            errors.push(layer.error_at(def.name.span(), e));
            return None;
        }
    };
    let versions = match (&def.versions, eco) {
        (None, _) => None,
        (Some(v), None) => {
            errors.push(layer.error_at(v.span(), "`versions` needs an `ecosystem`: each writes ranges its own way"));
            return None;
        }
        (Some(v), Some(e)) => match version::parse_range(e, v.get_ref()) {
            Ok(set) => Some((v.get_ref().clone(), set)),
            Err(err) => {
                errors.push(layer.error_at(v.span(), format!("not a {e} version range: {err}")));
                return None;
            }
        },
    };
    Some(PackageRule { ecosystem: eco, name, versions, reason: def.reason.clone(), location })
}

/// A path from a policy file: `~/` is the home folder, a relative path is relative to
/// the policy file's folder.
fn resolve_path(policy_file: &Path, value: &str) -> PathBuf {
    if let Some(rest) = value.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    let path = PathBuf::from(value);
    if path.is_absolute() {
        return path;
    }
    policy_file.parent().map(|d| d.join(&path)).unwrap_or(path)
}

/// The typosquat rule's own examples: `(ecosystem, name, original)` it must flag, and
/// names it must not (popular packages and their well-known siblings).
pub const TYPOSQUAT_EXAMPLES: &[(&str, &str, &str)] = &[
    ("pypi", "reqeusts", "requests"),
    ("pypi", "python-dateutils", "python-dateutil"),
    ("npm", "lodahs", "lodash"),
    ("npm", "expres", "express"),
    ("cargo", "serde-jsn", "serde_json"),
    ("go", "github.com/Sirupsen/logrus", "github.com/sirupsen/logrus"),
];
pub const TYPOSQUAT_NEGATIVE_EXAMPLES: &[(&str, &str)] = &[
    ("pypi", "requests"),
    ("pypi", "requests-oauthlib"),
    ("npm", "vuex"),
    ("npm", "react-dom"),
    ("cargo", "tokio-util"),
    ("go", "github.com/sirupsen/logrus"),
];

/// Runs the check's example-carrying rules on their examples; returns what failed.
pub fn self_test(_policy: &Policy) -> Result<Vec<String>, ConfigErrors> {
    let mut failures = Vec::new();
    for (eco, name, original) in TYPOSQUAT_EXAMPLES {
        let eco = Ecosystem::parse(eco).expect("examples name known ecosystems");
        match crate::typosquat::suspect(eco, name) {
            Some(s) if eco.normalise(&s.original) == eco.normalise(original) => {}
            other => failures.push(format!(
                "typosquat: `{name}` ({eco}) should be flagged as a slip of `{original}`, got {:?}",
                other.map(|s| s.original)
            )),
        }
    }
    for (eco, name) in TYPOSQUAT_NEGATIVE_EXAMPLES {
        let eco = Ecosystem::parse(eco).expect("examples name known ecosystems");
        if let Some(s) = crate::typosquat::suspect(eco, name) {
            failures.push(format!("typosquat: `{name}` ({eco}) must not be flagged, was taken for `{}`", s.original));
        }
    }
    Ok(failures)
}

/// Every rule of the check as the policy has it, for `tollgate policy show`.
pub fn describe(policy: &Policy) -> Result<Vec<RuleInfo>, ConfigErrors> {
    let config = DepsConfig::from_policy(policy)?;
    Ok(RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.id.to_string(),
            description: r.description.to_string(),
            severity: config.severity_of(r.id).as_str(),
            enabled: config.enabled(r.id),
            source: "built-in".to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tollgate_config::LayerSource;

    fn load(text: &str) -> Result<DepsConfig, String> {
        let source = LayerSource::Repository(".tollgate.toml".into());
        let policy = Policy::from_texts(vec![(source, text.to_string())], &[SECTION]).map_err(|e| e.to_string())?;
        DepsConfig::from_policy(&policy).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_block_serious_and_unknown_advisories() {
        let c = load("").unwrap();
        assert!(c.block.contains("unknown") && c.block.contains("high"));
        assert!(c.warn.contains("low"));
        assert_eq!(c.severity_of("advisory-notice"), Severity::Warn);
        assert_eq!(c.severity_of("malicious-package"), Severity::Block);
    }

    #[test]
    fn a_policy_sets_lists_sources_and_rules() {
        let c = load(
            "[deps]\nblock = [\"critical\"]\nwarn = [\"high\", \"critical\"]\ndev = false\n\
             [deps.sources]\ngit = \"block\"\n\
             [[deps.deny]]\necosystem = \"npm\"\nname = \"event-*\"\nreason = \"no\"\n\
             [[deps.ignore]]\nadvisory = \"GHSA-aaaa-bbbb-cccc\"\nreason = \"not reachable\"\nexpires = 2027-01-01\n",
        )
        .unwrap();
        assert_eq!(c.block, ["critical".to_string()].into());
        assert_eq!(c.warn, ["high".to_string()].into(), "a severity in both lists blocks");
        assert!(!c.dev);
        assert_eq!(c.source_verdict(&Source::Git("https://x".into())), Verdict::Report(Severity::Block));
        assert!(c.deny[0].matches(Ecosystem::Npm, "event-stream", Some("3.3.6")));
        assert!(!c.deny[0].matches(Ecosystem::PyPI, "event-stream", None));
        assert!(c.ignore[0].covers(Ecosystem::Npm, "x", &["GHSA-AAAA-BBBB-CCCC"]));
        assert_eq!(c.ignore[0].location, ".tollgate.toml:12");
    }

    #[test]
    fn mistakes_are_located() {
        let err = load("[deps]\nblock = [\"severe\"]\ndisable = [\"typo-squat\"]\n[deps.sources]\ngit = \"deny\"\n")
            .unwrap_err();
        assert!(err.contains(".tollgate.toml:2:10: `severe` is not an advisory severity"), "{err}");
        assert!(err.contains(".tollgate.toml:3:12: no deps rule is named `typo-squat`"), "{err}");
        assert!(err.contains(".tollgate.toml:5:7: `deny` is not one of `allow`, `warn`, `block`"), "{err}");
        let err = load("[[deps.ignore]]\nreason = \"x\"\n").unwrap_err();
        assert!(err.contains("needs an `advisory` or a `package`"), "{err}");
        let err = load("[[deps.deny]]\nname = \"x\"\nversions = \"<2\"\n").unwrap_err();
        assert!(err.contains(".tollgate.toml:3:12: `versions` needs an `ecosystem`"), "{err}");
    }

    #[test]
    fn the_typosquat_rule_passes_its_examples() {
        let policy = Policy::default();
        assert_eq!(self_test(&policy).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_relative_database_path_is_relative_to_its_policy_file() {
        assert_eq!(resolve_path(Path::new("/org/policy.toml"), "osv"), PathBuf::from("/org/osv"));
        assert_eq!(resolve_path(Path::new("/org/policy.toml"), "/var/osv"), PathBuf::from("/var/osv"));
    }
}
