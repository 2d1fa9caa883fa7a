//! Dangerous command lines, written as data (`policies/policy/agent-commands.toml`, one
//! of the policy check's packs: `tollgate policy show` lists them, `policy test` runs
//! their examples, `[policy] disable` switches one off), embedded
//! at build time): piping a download into a shell, skipping or switching off the hooks.

use regex::Regex;
use serde::Deserialize;
use tollgate_config::ConfigError;

use crate::shell;

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
    pub regex: String,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// The compiled patterns.
#[derive(Debug)]
pub struct CommandPatterns {
    patterns: Vec<(PatternDef, Regex)>,
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
            if patterns.iter().any(|(p, _): &(PatternDef, Regex)| p.id == def.id) {
                return Err(at(format!("duplicate pattern id `{}`", def.id)));
            }
            let regex = Regex::new(&def.regex).map_err(|e| at(format!("pattern `{}`: {e}", def.id)))?;
            patterns.push((def, regex));
        }
        Ok(CommandPatterns { patterns })
    }

    /// The patterns a command line matches, in file order.
    pub fn matches(&self, command: &str) -> Vec<&PatternDef> {
        let views = shell::views(command);
        self.patterns.iter().filter(|(_, re)| views.iter().any(|v| re.is_match(v))).map(|(def, _)| def).collect()
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
