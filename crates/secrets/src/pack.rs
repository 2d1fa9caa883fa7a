//! The built-in rule packs (`policies/secrets/*.toml`), parsed and validated at build
//! time into [`BUILTIN`]; the TOML text is kept too ([`PACKS`]), for the examples test
//! and for listing rules.

use tollgate_config::{ConfigError, ConfigErrors, RuleDef, RulePack, Severity};

include!(concat!(env!("OUT_DIR"), "/packs.rs"));
include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// A built-in rule as build.rs wrote it: the fields of [`RuleDef`] a scan needs.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinRule {
    pub id: &'static str,
    pub description: &'static str,
    pub keywords: &'static [&'static str],
    pub regex: &'static str,
    pub secret_group: usize,
    pub entropy: Option<f64>,
    pub validator: Option<&'static str>,
    pub severity: Severity,
    pub generic: bool,
    pub window: Option<usize>,
    pub skip_placeholders: bool,
    pub paths: &'static [&'static str],
}

/// Parses every built-in pack from its TOML, examples included. Rule ids must be unique
/// across packs. Every error of every pack is reported.
pub fn builtin_rules() -> Result<Vec<RuleDef>, ConfigErrors> {
    let mut rules: Vec<RuleDef> = Vec::new();
    let mut errors = ConfigErrors::default();
    for (name, text) in PACKS {
        let file = format!("policies/secrets/{name}");
        let pack = match RulePack::parse(&file, text) {
            Ok(pack) => pack,
            Err(e) => {
                errors.extend(e);
                continue;
            }
        };
        for rule in pack.rule {
            if rules.iter().any(|r| r.id.get_ref() == rule.id.get_ref()) {
                let message = format!("duplicate rule id `{}`", rule.id.get_ref());
                errors.push(ConfigError::at(&file, text, rule.id.span().start, message));
            }
            rules.push(rule);
        }
    }
    errors.into_result(rules)
}

/// Runs each rule on its own examples (as a file its path globs accept): every example
/// must be found by that rule, no negative example may be. Returns what failed, one line
/// each, naming the rule.
pub fn example_failures(rules: &[RuleDef]) -> Vec<String> {
    use crate::SecretsCheck;
    use tollgate_core::ChangedFile;
    let check = match SecretsCheck::from_rules(rules.to_vec(), 1 << 20) {
        Ok(c) => c,
        Err(e) => return vec![e.to_string()],
    };
    let mut failures = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let id = rule.id.get_ref();
        if let Err(e) = check.compile_rule(i) {
            failures.push(format!("{id}: regex does not compile: {e}"));
            continue;
        }
        let path = example_path(rule);
        let found = |text: &str| {
            check.rules_matching(&ChangedFile::whole(path.as_str(), text.as_bytes())).contains(&id.as_str())
        };
        for ex in rule.examples.get_ref() {
            if !found(ex) {
                let hint = if reads_as_placeholder(ex) {
                    " (the placeholder filter takes it for filler: write a made-up value that looks random)"
                } else {
                    ""
                };
                failures.push(format!("{id}: example not found: {ex:?}{hint}"));
            }
        }
        for ex in rule.negative_examples.get_ref() {
            if found(ex) {
                failures.push(format!("{id}: negative example found: {ex:?}"));
            }
        }
    }
    failures
}

/// Whether a value in the example reads as filler, which is why a rule can miss an
/// example its regex matches: `acme_a1b2c3d4e5f6` is a run, not a key.
fn reads_as_placeholder(example: &str) -> bool {
    example
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-')
        .flat_map(|word| std::iter::once(word).chain(word.split(['_', '-'])))
        .filter(|word| word.len() >= 6)
        .any(|word| {
            crate::placeholder::is_placeholder(word.as_bytes(), false) || crate::placeholder::is_filler(word.as_bytes())
        })
}

/// A file name the rule's first path glob accepts (any name when it has none).
fn example_path(rule: &RuleDef) -> String {
    match rule.path_list().first() {
        None => "example.txt".to_string(),
        Some(glob) => glob.replace("**/", "").replace("**", "x").replace('*', "x").replace(['{', '}', '[', ']'], ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule finds each of its own examples and none of its negative examples.
    #[test]
    fn rule_examples() {
        let rules = builtin_rules().unwrap_or_else(|e| panic!("{e}"));
        let failures = example_failures(&rules);
        assert!(failures.is_empty(), "{} rule example failures:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn build_time_rules_match_the_packs() {
        let rules = builtin_rules().unwrap();
        assert_eq!(rules.len(), BUILTIN.len());
        for (def, built) in rules.iter().zip(BUILTIN) {
            assert_eq!(def.id.get_ref(), built.id);
            assert_eq!(def.regex.get_ref(), built.regex);
            assert_eq!(def.keyword_list(), built.keywords);
        }
    }

    #[test]
    fn the_pack_is_large_and_ids_are_unique() {
        let rules = builtin_rules().unwrap();
        let provider = rules.iter().filter(|r| !r.generic).count();
        assert!(provider >= 150, "only {provider} provider-specific rules");
    }

    #[test]
    fn a_filler_example_is_named_as_such() {
        assert!(reads_as_placeholder("acme_a1b2c3d4e5f6"));
        assert!(reads_as_placeholder("token = abcdefabcdef"));
        assert!(!reads_as_placeholder("acme_k3v9q2x7m4w8"));
    }
}
