//! The secrets check's slice of the policy: `[secrets]` in each layer, validated and
//! layered.
//!
//! ```toml
//! [secrets]
//! disable = ["generic-password"]        # rule ids switched off
//! enable = ["slack-webhook"]            # switched back on (an earlier layer disabled it)
//!
//! [secrets.severity]
//! generic-secret-assignment = "warn"              # reported, does not block
//!
//! [[secrets.rule]]                      # a rule added, or replacing one of the same id
//! id = "acme-token"
//! # ... the fields of a rule pack's [[rule]]
//! ```

use std::collections::{BTreeMap, BTreeSet};

use regex::bytes::RegexBuilder;
use serde::Deserialize;
use tollgate_config::{ConfigError, ConfigErrors, Policy, RuleDef, SectionLayer, Severity, Spanned};

use crate::{pack, validate};

/// The section name in policy files.
pub const SECTION: &str = "secrets";

/// `[secrets]` as one layer writes it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSection {
    /// Rule ids switched off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Rule ids switched back on after an earlier layer disabled them.
    #[serde(default)]
    pub enable: Vec<Spanned<String>>,
    /// `[secrets.severity]`: rule id = "warn" | "block". Keys keep their spans so an
    /// unknown id is reported at the id.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<Severity>>,
    /// `[[secrets.rule]]`: rules added, or replacing a rule of the same id.
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

/// Every layer's `[secrets]`, applied in order.
#[derive(Debug, Clone, Default)]
pub struct SecretsConfig {
    /// Rules from policy files, in order of first definition; a later layer's rule of
    /// the same id replaces an earlier one (and a built-in one).
    pub rules: Vec<RuleDef>,
    /// Rule ids switched off (built-in or custom).
    pub disabled: BTreeSet<String>,
    /// Severity by rule id, overriding the rule's own (built-in or custom).
    pub severity: BTreeMap<String, Severity>,
}

impl SecretsConfig {
    /// Parses and validates every layer's `[secrets]`, reporting every error of every
    /// layer, then applies them in order.
    pub fn from_policy(policy: &Policy) -> Result<SecretsConfig, ConfigErrors> {
        let mut config = SecretsConfig::default();
        let mut errors = ConfigErrors::default();
        // Rule ids defined so far: built-in, then each layer's (even those of rules
        // with errors, so that a rule's mistake is not reported again at each mention).
        let mut known: BTreeSet<String> = pack::BUILTIN.iter().map(|r| r.id.to_string()).collect();
        for layer in policy.section(SECTION) {
            known.extend(rule_ids(layer));
            let (section, layer_errors) = layer.parse_partial::<SecretsSection>();
            let mut layer_errors: Vec<ConfigError> = layer_errors.into_iter().collect();
            let section = section.unwrap_or_default();
            layer_errors.extend(validate_layer(layer, &section, &known));
            let redefined: Vec<&Spanned<String>> = section.rule.iter().map(|r| &r.id).collect();
            layer_errors.extend(layer.weakens_locked(&policy.locked, &section.disable, &section.severity, &redefined));
            if layer_errors.is_empty() {
                config.apply(section);
            } else {
                layer_errors.sort_by_key(|e| (e.line, e.column));
                errors.extend(layer_errors);
            }
        }
        errors.into_result(config)
    }

    /// The severity a rule reports at: the policy's override, else its own.
    pub fn severity_of(&self, id: &str, own: Severity) -> Severity {
        self.severity.get(id).copied().unwrap_or(own)
    }

    fn apply(&mut self, section: SecretsSection) {
        for rule in section.rule {
            match self.rules.iter_mut().find(|r| r.id.get_ref() == rule.id.get_ref()) {
                Some(old) => *old = rule,
                None => self.rules.push(rule),
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

/// The ids of the `[[secrets.rule]]` tables of a layer, as written, whether or not the
/// rest of the rule is valid.
fn rule_ids(layer: &SectionLayer) -> Vec<String> {
    #[derive(Deserialize, Default)]
    struct Ids {
        #[serde(default)]
        rule: Vec<Id>,
    }
    #[derive(Deserialize)]
    struct Id {
        id: Option<String>,
    }
    // A table whose id is not a string is left out, as parsing does.
    let (ids, _) = layer.parse_partial::<Ids>();
    ids.unwrap_or_default().rule.into_iter().filter_map(|r| r.id).collect()
}

/// What keeps a layer's section from loading, besides what deserialisation found.
fn validate_layer(layer: &SectionLayer, section: &SecretsSection, known: &BTreeSet<String>) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    for rule in &section.rule {
        let before = errors.len();
        let id = rule.id.get_ref();
        errors.extend(rule.problems().into_iter().map(|(span, m)| layer.error_at(span, m)));
        if ids.contains(&id.as_str()) {
            errors.push(layer.error_at(rule.id.span(), format!("duplicate rule id `{id}` in this file")));
        }
        ids.push(id);
        if let Err(e) = compile(rule.regex.get_ref()) {
            errors.push(layer.error_at(rule.regex.span(), format!("rule `{id}`: the regex does not compile: {e}")));
        }
        if let Some(v) = &rule.validator {
            let name = v.get_ref().as_str();
            if !validate::VALIDATORS.contains(&name) && !crate::slot::SLOT_CHECKS.contains(&name) {
                let known = [validate::VALIDATORS, crate::slot::SLOT_CHECKS].concat().join(", ");
                errors.push(
                    layer.error_at(v.span(), format!("rule `{id}`: unknown validator `{name}` (known: {known})")),
                );
            }
        }
        if errors.len() == before {
            // A team's rule must find its own examples, as the built-in ones must.
            for failure in pack::example_failures(std::slice::from_ref(rule)) {
                errors.push(layer.error_at(rule.examples.span(), format!("rule {failure}")));
            }
        }
    }
    let unknown = |id: &Spanned<String>, what: &str| {
        (!known.contains(id.get_ref())).then(|| {
            layer.error_at(
                id.span(),
                format!(
                    "{what} names `{}`, which is neither a built-in rule nor a rule defined in this or an earlier \
                     policy file",
                    id.get_ref()
                ),
            )
        })
    };
    errors.extend(section.disable.iter().filter_map(|id| unknown(id, "`disable`")));
    errors.extend(section.enable.iter().filter_map(|id| unknown(id, "`enable`")));
    errors.extend(section.severity.keys().filter_map(|id| unknown(id, "[secrets.severity]")));
    errors
}

/// Compiles a rule's regex as the matcher will (`tollgate_core::matcher`). The error
/// is one line: regex's own message draws the pattern with a caret under the fault,
/// which the error's location already gives.
fn compile(regex: &str) -> Result<(), String> {
    match RegexBuilder::new(regex).unicode(false).size_limit(32 * 1024 * 1024).build() {
        Ok(_) => Ok(()),
        Err(e) => {
            let text = e.to_string();
            let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&text);
            Err(last.trim().trim_start_matches("error: ").to_string())
        }
    }
}

/// Every rule of the secrets check under `policy`: built-in and the policy's, with the
/// file that last defined each, its severity and whether it is switched on.
pub fn describe(policy: &Policy) -> Result<Vec<tollgate_config::RuleInfo>, ConfigErrors> {
    let config = SecretsConfig::from_policy(policy)?;
    let mut source: BTreeMap<String, String> = BTreeMap::new();
    for layer in policy.section(SECTION) {
        for id in rule_ids(layer) {
            source.insert(id, layer.file().to_string());
        }
    }
    let info = |id: &str, description: &str, own: Severity| tollgate_config::RuleInfo {
        id: id.to_string(),
        description: description.to_string(),
        severity: config.severity_of(id, own).as_str(),
        enabled: !config.disabled.contains(id),
        source: source.get(id).cloned().unwrap_or_else(|| "built-in".to_string()),
    };
    let mut rules: Vec<tollgate_config::RuleInfo> = pack::BUILTIN
        .iter()
        .filter(|b| !config.rules.iter().any(|r| r.id.get_ref() == b.id))
        .map(|b| info(b.id, b.description, b.severity))
        .collect();
    rules.extend(config.rules.iter().map(|r| info(r.id.get_ref(), &r.description, r.severity)));
    Ok(rules)
}

/// Runs every rule in force (built-in and the policy's) on its own examples; returns
/// what failed.
pub fn self_test(policy: &Policy) -> Result<Vec<String>, ConfigErrors> {
    let config = SecretsConfig::from_policy(policy)?;
    let mut rules = pack::builtin_rules()?;
    rules.retain(|b| !config.rules.iter().any(|r| r.id.get_ref() == b.id.get_ref()));
    rules.extend(config.rules.iter().cloned());
    Ok(pack::example_failures(&rules))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tollgate_config::LayerSource;

    const RULE: &str = r#"
[[secrets.rule]]
id = "acme-token"
description = "Acme token"
keywords = ["acme_"]
regex = '''acme_([a-z0-9]{8})'''
examples = ["acme_q8zk2vw7"]
negative_examples = ["acme_short"]
"#;

    fn policy(layers: &[(&str, &str)]) -> Policy {
        let layers =
            layers.iter().map(|(name, text)| (LayerSource::Repository(name.into()), text.to_string())).collect();
        Policy::from_texts(layers, &[SECTION]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn errors(layers: &[(&str, &str)]) -> Vec<(String, usize, usize, String)> {
        let err = SecretsConfig::from_policy(&policy(layers)).unwrap_err();
        err.into_iter().map(|e| (e.file, e.line, e.column, e.message)).collect()
    }

    #[test]
    fn no_section_no_change() {
        let config = SecretsConfig::from_policy(&Policy::default()).unwrap();
        assert!(config.rules.is_empty() && config.disabled.is_empty() && config.severity.is_empty());
    }

    #[test]
    fn a_later_layer_re_enables_and_re_severities() {
        let org = "[secrets]\ndisable = [\"generic-password\", \"aws-access-key-id\"]\n\n[secrets.severity]\ngeneric-secret-assignment = \"warn\"\n";
        let repo = "[secrets]\nenable = [\"generic-password\"]\n\n[secrets.severity]\ngeneric-secret-assignment = \"block\"\naws-access-key-id = \"warn\"\n";
        let config = SecretsConfig::from_policy(&policy(&[("org.toml", org), ("repo.toml", repo)])).unwrap();
        assert_eq!(config.disabled.iter().collect::<Vec<_>>(), vec!["aws-access-key-id"]);
        assert_eq!(config.severity_of("generic-secret-assignment", Severity::Warn), Severity::Block);
        assert_eq!(config.severity_of("aws-access-key-id", Severity::Block), Severity::Warn);
        assert_eq!(config.severity_of("github-pat", Severity::Block), Severity::Block);
    }

    #[test]
    fn a_later_rule_of_the_same_id_replaces_the_earlier() {
        let second = RULE.replace("Acme token", "Acme token, v2");
        let config = SecretsConfig::from_policy(&policy(&[("a.toml", RULE), ("b.toml", &second)])).unwrap();
        assert_eq!(config.rules.len(), 1);
        assert_eq!(config.rules[0].description, "Acme token, v2");
    }

    #[test]
    fn rules_defined_in_an_earlier_layer_may_be_named_later_but_not_before() {
        let disable = "[secrets]\ndisable = [\"acme-token\"]\n";
        let config = SecretsConfig::from_policy(&policy(&[("a.toml", RULE), ("b.toml", disable)])).unwrap();
        assert!(config.disabled.contains("acme-token"));
        let e = errors(&[("b.toml", disable), ("a.toml", RULE)]);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].0.as_str(), e[0].1, e[0].2), ("b.toml", 2, 12), "{e:?}");
        assert!(e[0].3.contains("`disable` names `acme-token`"), "{e:?}");
    }

    #[test]
    fn every_error_of_every_layer_is_collected() {
        let bad = format!(
            "[secrets]\nenable = [\"nope\"]\n\n[secrets.severity]\nmissing-rule = \"warn\"\n{}{}",
            RULE.replace("([a-z0-9]{8})", "([a-z0-9]{8}"),
            RULE.replace("Acme token", "Twice")
        );
        let e = errors(&[("one.toml", "[secrets]\nrule = 3\n"), ("two.toml", &bad)]);
        let at: Vec<(&str, usize, usize)> = e.iter().map(|(f, l, c, _)| (f.as_str(), *l, *c)).collect();
        assert_eq!(
            at,
            vec![("one.toml", 2, 8), ("two.toml", 2, 11), ("two.toml", 5, 1), ("two.toml", 11, 9), ("two.toml", 16, 6)],
            "{e:?}"
        );
        assert!(e[3].3.ends_with("the regex does not compile: unclosed group"), "{e:?}");
        assert!(e[4].3.contains("duplicate rule id `acme-token`"), "{e:?}");
    }

    #[test]
    fn bad_severity_words_and_validators_are_located() {
        let text = format!(
            "[secrets.severity]\ngeneric-secret-assignment = \"loud\"\n{}validator = \"luhn9\"\n",
            RULE.trim_end().to_string() + "\n"
        );
        let e = errors(&[("p.toml", &text)]);
        let at: Vec<(usize, usize)> = e.iter().map(|(_, l, c, _)| (*l, *c)).collect();
        assert_eq!(at, vec![(2, 29), (11, 13)], "{e:?}");
        assert!(e[0].3.contains("unknown variant `loud`"), "{e:?}");
        assert!(e[1].3.contains("unknown validator `luhn9`"), "{e:?}");
    }

    #[test]
    fn the_check_applies_disable_severity_and_custom_rules() {
        use crate::SecretsCheck;
        use tollgate_core::{ChangedFile, Check, CheckOutput};
        let judge = |layers: &[(&str, &str)], text: &str| {
            let check = SecretsCheck::new(&policy(layers)).unwrap_or_else(|e| panic!("{e}"));
            let mut out = CheckOutput::default();
            check.judge_file(&ChangedFile::whole("config.py", text.as_bytes().to_vec()), &mut out);
            out.findings.iter().map(|f| (f.rule.to_string(), f.severity.0)).collect::<Vec<_>>()
        };
        let password = "password = \"Zq8Rt2vW7pLx9s\"\n";
        assert_eq!(judge(&[], password), vec![("generic-password".to_string(), Severity::Block)]);
        let warn = "[secrets.severity]\ngeneric-password = \"warn\"\n";
        assert_eq!(judge(&[("p.toml", warn)], password), vec![("generic-password".to_string(), Severity::Warn)]);
        let off = "[secrets]\ndisable = [\"generic-password\"]\n";
        assert!(judge(&[("p.toml", off)], password).is_empty());
        let custom = format!("{RULE}\n[secrets.severity]\nacme-token = \"warn\"\n");
        assert_eq!(
            judge(&[("p.toml", &custom)], "token = acme_q8zk2vw7\n"),
            vec![("acme-token".to_string(), Severity::Warn)]
        );
    }

    #[test]
    fn an_invalid_section_stops_the_check_from_loading() {
        let err = crate::SecretsCheck::new(&policy(&[("p.toml", "[secrets]\ndisable = [\"nope\"]\n")])).err().unwrap();
        assert!(matches!(&err, crate::SecretsError::Config(e) if e.len() == 1), "{err}");
        assert!(err.to_string().starts_with("p.toml:2:12: `disable` names `nope`"), "{err}");
    }
}
