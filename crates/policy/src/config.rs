//! The policy check's slice of the policy: `[policy]` in each layer, validated (every
//! error at its value) and layered.
//!
//! ```toml
//! [policy]
//! max_file_bytes = 10485760             # added files over this block (default 5 MiB)
//! disable = ["env-variant-file"]        # rule ids switched off
//! enable = []                           # switched back on after an earlier layer
//!
//! [policy.severity]
//! invisible-character = "block"
//!
//! [[policy.size]]                       # a limit for some paths (the last match wins)
//! paths = ["assets/video/**"]
//! max_bytes = 52428800
//!
//! [[policy.path_rule]]                  # a forbidden path, same schema as the built-in pack
//! id = "customer-exports"
//! description = "Customer data exports"
//! paths = ["**/exports/*.csv"]
//! examples = ["exports/jan.csv"]
//! negative_examples = ["docs/exports.md"]
//!
//! [[policy.reviewed]]                   # changes here need a Reviewed-by: trailer
//! id = "workflows-reviewed"
//! paths = [".github/workflows/**", ".tollgate.toml", "CODEOWNERS"]
//!
//! [policy.ai]                           # commits an agent mostly wrote must say so
//! require_trailer_above = 0.5           # share of added lines (0 to 1) the agent hook recorded
//! add_trailer = true                    # commit-msg adds the trailer instead of blocking
//!
//! [policy.mcp]                          # the MCP servers assistants may be configured with
//! names = ["github"]
//! packages = ["@modelcontextprotocol/server-filesystem"]
//! urls = ["https://mcp.example.com/**"]
//! ```

use std::collections::{BTreeMap, BTreeSet};

use globset::GlobSet;
use serde::Deserialize;
use tollgate_config::{ConfigError, ConfigErrors, Policy, SectionLayer, Severity, Spanned};

use crate::ai_config::McpAllowlist;
use crate::content::{self, ContentRuleDef};
use crate::paths::{self, PathRule, PathRuleDef, SizeLimits, SizeOverride};
use crate::reviewed::{ReviewedDef, ReviewedRule};

/// The section name in policy files.
pub const SECTION: &str = "policy";

/// `[policy]` as one layer writes it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    #[serde(default)]
    pub enable: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<Severity>>,
    pub max_file_bytes: Option<u64>,
    #[serde(default)]
    pub size: Vec<SizeOverride>,
    #[serde(default)]
    pub path_rule: Vec<PathRuleDef>,
    #[serde(default)]
    pub reviewed: Vec<ReviewedDef>,
    #[serde(default)]
    pub content_rule: Vec<ContentRuleDef>,
    pub mcp: Option<McpSection>,
    pub ai: Option<AiSection>,
}

/// `[policy.ai]`: what a commit must say when an agent wrote much of it. A later layer
/// overrides each key it sets.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiSection {
    /// The share of staged added lines (0 to 1) agent-written above which the commit
    /// message must credit the agent in a trailer.
    pub require_trailer_above: Option<Spanned<f64>>,
    /// commit-msg writes the trailer itself instead of blocking.
    pub add_trailer: Option<bool>,
}

/// `[policy.ai]` in force.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AiPolicy {
    /// `None`: no trailer is required, whatever the share.
    pub require_trailer_above: Option<f64>,
    pub add_trailer: bool,
}

impl AiPolicy {
    /// The share above which a trailer is due: the policy's, or any agent-written line
    /// at all when only `add_trailer` is set.
    pub fn threshold(&self) -> Option<f64> {
        self.require_trailer_above.or(self.add_trailer.then_some(0.0))
    }
}

/// `[policy.mcp]`: the MCP server allowlist (globs). Layers add to it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpSection {
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub commands: Vec<String>,
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub urls: Vec<String>,
}

/// Every layer's `[policy]`, with the built-in pack, ready to judge.
#[derive(Debug, Clone)]
pub struct PolicyConfig {
    pub path_rules: Vec<PathRule>,
    /// Content rules: the built-in packs', then the policy's (replacing by id).
    pub content_rules: Vec<ContentRuleDef>,
    pub sizes: SizeLimits,
    pub reviewed: Vec<ReviewedRule>,
    pub mcp: McpAllowlist,
    pub ai: AiPolicy,
    pub disabled: BTreeSet<String>,
    pub severity: BTreeMap<String, Severity>,
}

/// Ids of the rules built into the check's code (not the pack).
pub const CODE_RULES: &[&str] = &[
    "file-too-large",
    "bidi-control",
    "invisible-character",
    "unicode-tag-characters",
    "variation-selector-payload",
    "merge-conflict-marker",
    "mcp-server-not-allowed",
    "mcp-server-unpinned",
    "claude-bypass-permissions",
    "claude-blanket-allow",
    "claude-enable-all-mcp",
    "claude-disable-all-hooks",
    "tollgate-hook-removed",
    "ai-config-unreadable",
    "ai-trailer-missing",
];

/// The agent hook's command rules (`policies/policy/agent-commands.toml`): id and what
/// the command does. They are the policy check's rules: `[policy] disable` switches
/// one off for the agent hook.
pub fn agent_command_rules() -> Vec<(String, String)> {
    tollgate_agent::CommandPatterns::builtin()
        .map(|p| p.describe().map(|(id, d)| (id.to_string(), d.to_string())).collect())
        .unwrap_or_default()
}

/// The severity of a rule built into the check's code, before the policy's overrides:
/// heuristic ones warn.
pub fn code_rule_severity(id: &str) -> Severity {
    match id {
        "invisible-character" | "mcp-server-unpinned" | "claude-enable-all-mcp" => Severity::Warn,
        _ => Severity::Block,
    }
}

impl PolicyConfig {
    /// The built-in pack alone (no policy files).
    pub fn builtin() -> PolicyConfig {
        let defs = paths::parse_pack(paths::BUILTIN_PACK).expect("the built-in path pack parses (tested)");
        let path_rules = defs
            .iter()
            .map(|d| PathRule::compile_unverified(d).expect("the built-in path rules compile (tested)"))
            .collect();
        let content_rules = content::BUILTIN_PACKS
            .iter()
            .flat_map(|(name, text)| {
                toml::from_str::<content::ContentPack>(text)
                    .unwrap_or_else(|e| panic!("{name} parses (tested): {e}"))
                    .rule
            })
            .collect();
        PolicyConfig {
            path_rules,
            content_rules,
            sizes: SizeLimits::new(paths::DEFAULT_MAX_FILE_BYTES),
            reviewed: Vec::new(),
            mcp: McpAllowlist::default(),
            ai: AiPolicy::default(),
            disabled: BTreeSet::new(),
            severity: BTreeMap::new(),
        }
    }

    /// Parses and validates every layer's `[policy]` (every error of every layer),
    /// then applies them in order over the built-in pack.
    pub fn from_policy(policy: &Policy) -> Result<PolicyConfig, ConfigErrors> {
        let mut config = PolicyConfig::builtin();
        let mut errors = ConfigErrors::default();
        let mut known: BTreeSet<String> = config.path_rules.iter().map(|r| r.id.clone()).collect();
        known.extend(config.content_rules.iter().map(|r| r.id.get_ref().clone()));
        known.extend(CODE_RULES.iter().map(|s| s.to_string()));
        // The command rules' ids are needed only to validate a [policy] section (and
        // reading them compiles their patterns): not on a hook run without one.
        if !policy.section(SECTION).is_empty() {
            known.extend(agent_command_rules().into_iter().map(|(id, _)| id));
        }
        for layer in policy.section(SECTION) {
            let (section, layer_errors) = layer.parse_partial::<PolicySection>();
            let mut layer_errors: Vec<ConfigError> = layer_errors.into_iter().collect();
            let section = section.unwrap_or_default();
            for def in &section.path_rule {
                known.insert(def.id.get_ref().clone());
            }
            for def in &section.reviewed {
                known.insert(def.id.get_ref().clone());
            }
            for def in &section.content_rule {
                known.insert(def.id.get_ref().clone());
            }
            let redefined: Vec<&Spanned<String>> = section
                .path_rule
                .iter()
                .map(|r| &r.id)
                .chain(section.content_rule.iter().map(|r| &r.id))
                .chain(section.reviewed.iter().map(|r| &r.id))
                .collect();
            layer_errors.extend(layer.weakens_locked(&policy.locked, &section.disable, &section.severity, &redefined));
            match compile_layer(layer, &section, &known) {
                Ok(compiled) if layer_errors.is_empty() => config.apply(section, compiled),
                Ok(_) => {}
                Err(more) => layer_errors.extend(more),
            }
            layer_errors.sort_by_key(|e| (e.line, e.column));
            errors.extend(layer_errors);
        }
        errors.into_result(config)
    }

    /// The severity a rule reports at: the policy's override, else its own.
    pub fn severity_of(&self, id: &str, own: Severity) -> Severity {
        self.severity.get(id).copied().unwrap_or(own)
    }

    pub fn enabled(&self, id: &str) -> bool {
        !self.disabled.contains(id)
    }

    fn apply(&mut self, section: PolicySection, compiled: CompiledLayer) {
        for rule in compiled.path_rules {
            match self.path_rules.iter_mut().find(|r| r.id == rule.id) {
                Some(old) => *old = rule,
                None => self.path_rules.push(rule),
            }
        }
        for rule in section.content_rule {
            match self.content_rules.iter_mut().find(|r| r.id.get_ref() == rule.id.get_ref()) {
                Some(old) => *old = rule,
                None => self.content_rules.push(rule),
            }
        }
        for rule in compiled.reviewed {
            match self.reviewed.iter_mut().find(|r| r.id == rule.id) {
                Some(old) => *old = rule,
                None => self.reviewed.push(rule),
            }
        }
        if let Some(max) = section.max_file_bytes {
            self.sizes.default = max;
        }
        for (globs, max) in compiled.sizes {
            self.sizes.add(globs, max);
        }
        if let Some(ai) = section.ai {
            if let Some(share) = ai.require_trailer_above {
                self.ai.require_trailer_above = Some(share.into_inner());
            }
            if let Some(add) = ai.add_trailer {
                self.ai.add_trailer = add;
            }
        }
        if let Some(mcp) = section.mcp {
            self.mcp.names.extend(mcp.names);
            self.mcp.commands.extend(mcp.commands);
            self.mcp.packages.extend(mcp.packages);
            self.mcp.urls.extend(mcp.urls);
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

/// A layer's rules, compiled.
struct CompiledLayer {
    path_rules: Vec<PathRule>,
    reviewed: Vec<ReviewedRule>,
    sizes: Vec<(GlobSet, u64)>,
}

fn compile_layer(
    layer: &SectionLayer,
    section: &PolicySection,
    known: &BTreeSet<String>,
) -> Result<CompiledLayer, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut out = CompiledLayer { path_rules: Vec::new(), reviewed: Vec::new(), sizes: Vec::new() };
    let mut ids: Vec<String> = Vec::new();
    let mut duplicate = |id: &Spanned<String>, errors: &mut Vec<ConfigError>| {
        if ids.contains(id.get_ref()) {
            errors.push(layer.error_at(id.span(), format!("duplicate rule id `{}` in this file", id.get_ref())));
        }
        ids.push(id.get_ref().clone());
    };
    for def in &section.path_rule {
        duplicate(&def.id, &mut errors);
        match PathRule::compile(def) {
            Ok(rule) => out.path_rules.push(rule),
            Err(problems) => errors.extend(problems.into_iter().map(|(span, m)| layer.error_at(span, m))),
        }
    }
    for def in &section.content_rule {
        duplicate(&def.id, &mut errors);
        // A team's rule must pass its own examples to load, as the built-in ones do.
        errors.extend(content::check_rule(def).into_iter().map(|(span, m)| layer.error_at(span, m)));
    }
    for def in &section.reviewed {
        duplicate(&def.id, &mut errors);
        if def.paths.is_empty() {
            errors.push(
                layer.error_at(def.id.span(), format!("`{}` needs at least one glob in `paths`", def.id.get_ref())),
            );
        }
        if let Some(globs) = globs(layer, &def.paths, &mut errors) {
            out.reviewed.push(ReviewedRule {
                id: def.id.get_ref().clone(),
                paths: globs,
                trailer: def.trailer.clone(),
                when: def.when,
                severity: def.severity,
                help: def.help.clone(),
            });
        }
    }
    if let Some(share) = section.ai.as_ref().and_then(|ai| ai.require_trailer_above.as_ref()) {
        if !(0.0..=1.0).contains(share.get_ref()) {
            errors.push(layer.error_at(
                share.span(),
                format!(
                    "`require_trailer_above` is a share of the added lines, from 0 to 1 (0.5: more than half), not {}",
                    share.get_ref()
                ),
            ));
        }
    }
    for size in &section.size {
        if let Some(globs) = globs(layer, &size.paths, &mut errors) {
            out.sizes.push((globs, size.max_bytes));
        }
    }
    let named = section.disable.iter().chain(&section.enable).chain(section.severity.keys());
    for id in named {
        if !known.contains(id.get_ref()) {
            errors.push(layer.error_at(
                id.span(),
                format!(
                    "no policy rule is named `{}` (built in, or defined in this file or an earlier one)",
                    id.get_ref()
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Compiles globs, reporting each bad one at its value.
fn globs(layer: &SectionLayer, patterns: &[Spanned<String>], errors: &mut Vec<ConfigError>) -> Option<GlobSet> {
    let mut builder = globset::GlobSetBuilder::new();
    let mut ok = true;
    for p in patterns {
        match paths::glob(p.get_ref()) {
            Ok(g) => {
                builder.add(g);
            }
            Err(e) => {
                ok = false;
                errors.push(layer.error_at(p.span(), format!("invalid glob `{}`: {}", p.get_ref(), e.kind())));
            }
        }
    }
    if ok {
        builder.build().ok()
    } else {
        None
    }
}

/// Every rule of the policy check under `policy`, with where it is defined, its
/// severity and whether it is switched on.
pub fn describe(policy: &Policy) -> Result<Vec<tollgate_config::RuleInfo>, ConfigErrors> {
    let config = PolicyConfig::from_policy(policy)?;
    let mut source: BTreeMap<String, String> = BTreeMap::new();
    for layer in policy.section(SECTION) {
        let (section, _) = layer.parse_partial::<PolicySection>();
        let Some(section) = section else { continue };
        let ids = section.path_rule.iter().map(|r| &r.id).chain(section.content_rule.iter().map(|r| &r.id));
        for id in ids.chain(section.reviewed.iter().map(|r| &r.id)) {
            source.insert(id.get_ref().clone(), layer.file().to_string());
        }
    }
    let info = |id: &str, description: &str, own: Severity| tollgate_config::RuleInfo {
        id: id.to_string(),
        description: description.to_string(),
        severity: config.severity_of(id, own).as_str(),
        enabled: config.enabled(id),
        source: source.get(id).cloned().unwrap_or_else(|| "built-in".to_string()),
    };
    let mut rules: Vec<tollgate_config::RuleInfo> = Vec::new();
    rules.extend(config.path_rules.iter().map(|r| info(&r.id, &r.description, r.severity)));
    rules.extend(config.content_rules.iter().map(|r| info(r.id.get_ref(), &r.description, r.severity)));
    rules.extend(config.reviewed.iter().map(|r| info(&r.id, "changes here need a reviewer's trailer", r.severity)));
    for id in CODE_RULES {
        rules.push(info(id, "built into the check", code_rule_severity(id)));
    }
    for (id, description) in agent_command_rules() {
        let mut r = info(&id, &format!("agent hook: a command that {description}"), Severity::Block);
        r.source = tollgate_agent::commands::BUILTIN_FILE.to_string();
        rules.push(r);
    }
    Ok(rules)
}

/// Runs every path and content rule in force on its own examples; returns what failed.
pub fn self_test(policy: &Policy) -> Result<Vec<String>, ConfigErrors> {
    let config = PolicyConfig::from_policy(policy)?;
    let mut failures = Vec::new();
    for def in &config.content_rules {
        failures.extend(content::check_rule(def).into_iter().map(|(_, m)| m));
    }
    match tollgate_agent::CommandPatterns::builtin() {
        Ok(patterns) => failures.extend(patterns.example_failures()),
        Err(e) => failures.push(e.to_string()),
    }
    // Path rules pass their examples or do not load; loading them again is the test.
    for (name, text) in [(paths::BUILTIN_PACK_NAME, paths::BUILTIN_PACK)] {
        match paths::parse_pack(text) {
            Ok(defs) => {
                for def in &defs {
                    if let Err(problems) = PathRule::compile(def) {
                        failures.extend(problems.into_iter().map(|(_, m)| format!("{name}: {m}")));
                    }
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use tollgate_config::LayerSource;

    use super::*;

    fn load(text: &str) -> Result<PolicyConfig, ConfigErrors> {
        let layers = vec![(LayerSource::Repository(".tollgate.toml".into()), text.to_string())];
        let policy = Policy::from_texts(layers, &["secrets", "policy"])?;
        PolicyConfig::from_policy(&policy)
    }

    #[test]
    fn a_section_adds_rules_limits_reviews_and_an_allowlist() {
        let c = load(
            r#"
[policy]
max_file_bytes = 100
disable = ["env-variant-file"]

[policy.severity]
invisible-character = "block"

[[policy.size]]
paths = ["assets/**"]
max_bytes = 1000

[[policy.path_rule]]
id = "exports"
description = "exports"
paths = ["**/exports/*.csv"]
examples = ["exports/a.csv"]
negative_examples = ["exports/a.md"]

[[policy.reviewed]]
id = "ci"
paths = [".github/workflows/**"]

[policy.mcp]
names = ["github"]
"#,
        )
        .unwrap();
        assert_eq!(c.sizes.limit("src/a"), 100);
        assert_eq!(c.sizes.limit("assets/a"), 1000);
        assert!(!c.enabled("env-variant-file"));
        assert_eq!(c.severity_of("invisible-character", Severity::Warn), Severity::Block);
        assert!(c.path_rules.iter().any(|r| r.id == "exports"));
        assert_eq!(c.reviewed[0].trailer, "Reviewed-by");
        assert_eq!(c.mcp.names, vec!["github".to_string()]);
    }

    #[test]
    fn the_ai_section_is_read_validated_and_located() {
        let c = load("[policy.ai]\nrequire_trailer_above = 0.5\nadd_trailer = true\n").unwrap();
        assert_eq!(c.ai, AiPolicy { require_trailer_above: Some(0.5), add_trailer: true });
        assert_eq!(load("[policy.ai]\nadd_trailer = true\n").unwrap().ai.threshold(), Some(0.0));
        assert_eq!(PolicyConfig::builtin().ai.threshold(), None);
        let errors = load("[policy.ai]\nrequire_trailer_above = 50\n").unwrap_err();
        let e = errors.iter().next().unwrap();
        assert_eq!((e.line, e.column), (2, 25), "{errors}");
        assert!(e.to_string().contains("from 0 to 1"), "{errors}");
        let errors = load("[policy.ai]\nrequire_trailer = 0.5\n").unwrap_err();
        assert_eq!(errors.iter().next().unwrap().line, 2, "{errors}");
    }

    #[test]
    fn every_mistake_is_located() {
        let text = "[policy]\ndisable = [\"no-such-rule\"]\n\n[[policy.reviewed]]\nid = \"r\"\npaths = [\"a/[b\"]\n\n[policy.mcp]\nnamez = []\n";
        let errors = load(text).unwrap_err();
        let at: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert!(at.contains(&(2, 12)), "{errors}");
        assert!(at.contains(&(6, 10)), "{errors}");
        assert!(at.contains(&(9, 1)), "{errors}");
    }
}
