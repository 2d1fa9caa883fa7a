//! Dangerous command lines, written as data (`policies/policy/agent-commands.toml`, one
//! of the policy check's packs: `tollgate policy show` lists them, `policy test` runs
//! their examples, `[policy] disable` switches one off), embedded
//! at build time): piping a download into a shell, skipping or switching off the hooks.
//!
//! A rule is either a regex over the command lines as parsed (see
//! [`crate::analyze::render`]), or one of the rules [`crate::analyze`] judges in code
//! (it has no regex then): options, aliases and paths need a parse, not a pattern.

use regex::Regex;
use serde::Deserialize;
use tollgate_config::ConfigError;

use crate::analyze::{self, Context, Findings};

pub const BUILTIN_FILE: &str = "policies/policy/agent-commands.toml";
pub const BUILTIN: &str = include_str!("../../../policies/policy/agent-commands.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternFile {
    pattern: Vec<PatternDef>,
}

/// One kind of command the agent must not run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternDef {
    pub id: String,
    /// Completes "this command ...".
    pub description: String,
    /// What to do instead, addressed to the agent.
    pub advice: String,
    /// None: a rule judged in code ([`analyze::CODE_RULES`]).
    #[serde(default)]
    pub regex: Option<String>,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// The compiled patterns.
#[derive(Debug)]
pub struct CommandPatterns {
    patterns: Vec<(PatternDef, Option<Regex>)>,
}

/// What the patterns make of one command line.
#[derive(Debug)]
pub struct Judgement<'a> {
    /// The rules it breaks, in file order, each with what broke it.
    pub matched: Vec<(&'a PatternDef, String)>,
    /// Why part of it could not be judged (the policy's `[agent] uncertain` decides).
    pub uncertain: Vec<String>,
}

impl CommandPatterns {
    /// The built-in patterns.
    pub fn builtin() -> Result<CommandPatterns, ConfigError> {
        CommandPatterns::parse(BUILTIN_FILE, BUILTIN)
    }

    /// Patterns from TOML text. Every pattern needs examples and negative examples, and
    /// a regex that compiles; errors name the file, line and column.
    pub fn parse(file: &str, text: &str) -> Result<CommandPatterns, ConfigError> {
        let parsed: PatternFile = toml::from_str(text).map_err(|e| ConfigError::from_toml(file, text, &e))?;
        let mut patterns = Vec::new();
        for def in parsed.pattern {
            let at = |message: String| {
                let offset = text.find(&format!("id = \"{}\"", def.id)).unwrap_or(0);
                ConfigError::at(file, text, offset, message)
            };
            if def.examples.is_empty() || def.negative_examples.is_empty() {
                return Err(at(format!("pattern `{}` needs examples and negative_examples", def.id)));
            }
            if patterns.iter().any(|(p, _): &(PatternDef, Option<Regex>)| p.id == def.id) {
                return Err(at(format!("duplicate pattern id `{}`", def.id)));
            }
            let regex = match &def.regex {
                Some(r) => Some(Regex::new(r).map_err(|e| at(format!("pattern `{}`: {e}", def.id)))?),
                None if analyze::CODE_RULES.contains(&def.id.as_str()) => None,
                None => {
                    return Err(at(format!(
                        "pattern `{}` needs a regex (the rules judged in code are {})",
                        def.id,
                        analyze::CODE_RULES.join(", ")
                    )))
                }
            };
            patterns.push((def, regex));
        }
        Ok(CommandPatterns { patterns })
    }

    /// The patterns a command line matches, in file order, judged with no working
    /// directory or aliases (as the rules' examples are).
    pub fn matches(&self, command: &str) -> Vec<&PatternDef> {
        self.judge(command, &mut Context::with_aliases(&[])).matched.into_iter().map(|(p, _)| p).collect()
    }

    /// Judges a command line run in `ctx`.
    pub fn judge(&self, command: &str, ctx: &mut Context) -> Judgement<'_> {
        let Findings { hits, uncertain, views } = analyze::analyze(command, ctx);
        let mut matched = Vec::new();
        for (def, regex) in &self.patterns {
            let by_code = hits.iter().find(|(id, _)| *id == def.id).map(|(_, d)| d.clone());
            let by_regex = || {
                let re = regex.as_ref()?;
                views.iter().find(|v| re.is_match(v)).map(|v| v.trim().chars().take(120).collect())
            };
            let detail = by_code.or_else(by_regex);
            if let Some(detail) = detail {
                matched.push((def, detail));
            }
        }
        Judgement { matched, uncertain }
    }

    /// The patterns but those whose ids are listed (switched off by the policy).
    pub fn without(mut self, disabled: &[String]) -> CommandPatterns {
        self.patterns.retain(|(def, _)| !disabled.contains(&def.id));
        self
    }

    /// Every pattern's id and description.
    pub fn describe(&self) -> impl Iterator<Item = (&str, &str)> {
        self.patterns.iter().map(|(def, _)| (def.id.as_str(), def.description.as_str()))
    }

    /// Runs each pattern on its own examples, read the way the agent hook reads
    /// command lines; returns what failed.
    pub fn example_failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (def, _) in &self.patterns {
            let hit = |cmd: &str| self.matches(cmd).iter().any(|p| p.id == def.id);
            for ex in &def.examples {
                if !hit(ex) {
                    failures.push(format!("{}: example not matched: {ex}", def.id));
                }
            }
            for ex in &def.negative_examples {
                if hit(ex) {
                    failures.push(format!("{}: negative example matched: {ex}", def.id));
                }
            }
        }
        failures
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern matches each of its examples and none of its negative examples,
    /// read the way the agent hook reads command lines.
    #[test]
    fn command_examples() {
        let patterns = CommandPatterns::builtin().unwrap_or_else(|e| panic!("{e}"));
        let failures = patterns.example_failures();
        assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
        assert!(patterns.len() >= 6);
    }

    #[test]
    fn a_pattern_without_negative_examples_does_not_load() {
        let text = "[[pattern]]\nid = \"x\"\ndescription = \"d\"\nadvice = \"a\"\nregex = \"x\"\nexamples = [\"x\"]\nnegative_examples = []\n";
        let err = CommandPatterns::parse("c.toml", text).unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
        assert!(err.message.contains("negative_examples"));
    }

    #[test]
    fn unknown_keys_and_bad_regexes_are_located() {
        let err = CommandPatterns::parse("c.toml", "[[pattern]]\nid = \"x\"\nsurprise = 1\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        let text = "[[pattern]]\nid = \"x\"\ndescription = \"d\"\nadvice = \"a\"\nregex = \"(\"\nexamples = [\"x\"]\nnegative_examples = [\"y\"]\n";
        let err = CommandPatterns::parse("c.toml", text).unwrap_err();
        assert!(err.to_string().starts_with("c.toml:2:1: pattern `x`"), "{err}");
    }
}
