//! A check's section of one policy file (`[secrets]` in `.tollgate.toml`, say): the
//! loader finds it and keeps it; the check deserialises it into its own types.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::de::{self, Source};
use crate::{ConfigError, ConfigErrors, Severity};

/// Applies one layer's `disable`, `enable` and `[<check>.severity]` to the rule switches
/// a check keeps, in that order: a later layer switches a rule back on or changes its
/// severity. Every check's section has these three keys and layers them the same way.
pub fn apply_rule_switches(
    disabled: &mut BTreeSet<String>,
    severity: &mut BTreeMap<String, Severity>,
    disable: Vec<Spanned<String>>,
    enable: Vec<Spanned<String>>,
    severities: BTreeMap<Spanned<String>, Spanned<Severity>>,
) {
    for id in disable {
        disabled.insert(id.into_inner());
    }
    for id in enable {
        disabled.remove(id.get_ref());
    }
    for (id, level) in severities {
        severity.insert(id.into_inner(), level.into_inner());
    }
}

/// One layer's copy of a check's section.
///
/// It keeps the file's text rather than a parsed value, and parses it again when the
/// check asks (policy files are small): toml's values borrow from the text they were
/// parsed from. The text parsed when the policy loaded, so it parses again.
#[derive(Debug, Clone)]
pub struct SectionLayer {
    source: Source,
    name: String,
    organisation: bool,
}

impl SectionLayer {
    pub(crate) fn new(source: Source, name: &str) -> SectionLayer {
        SectionLayer { source, name: name.to_string(), organisation: false }
    }

    pub(crate) fn set_organisation(&mut self, organisation: bool) {
        self.organisation = organisation;
    }

    /// Whether the section comes from the organisation's policy (which may lock rules,
    /// and whose changes to locked rules stand).
    pub fn is_organisation(&self) -> bool {
        self.organisation
    }

    /// The policy file the section was read from, as errors name it.
    pub fn file(&self) -> &str {
        self.source.file()
    }

    /// The whole text of that file (spans index into it).
    pub fn text(&self) -> &str {
        self.source.text()
    }

    /// The section's name: the top-level key (`secrets`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Deserialises the section into a check's own type. Errors are located in this
    /// layer's file; every error is reported, not only the first.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ConfigErrors> {
        match self.parse_partial() {
            (Some(value), errors) if errors.is_empty() => Ok(value),
            (_, errors) if !errors.is_empty() => Err(errors),
            _ => Err(self.error_at(0..0, format!("[{}] cannot be read", self.name)).into()),
        }
    }

    /// As [`SectionLayer::parse`], but also returns the section as deserialised
    /// without the keys (or tables of an array of tables) that hold an error, so that
    /// a check can validate what is left and report those errors too in one pass.
    pub fn parse_partial<T: DeserializeOwned>(&self) -> (Option<T>, ConfigErrors) {
        self.with_value(|value| {
            let (parsed, errors) = self.source.deserialize::<T>(&value);
            (parsed, de::sorted(errors))
        })
    }

    /// Deserialises each table of the array of tables `key` (`[[secrets.rule]]`) on
    /// its own, collecting every error. No `key`: no tables.
    pub fn parse_each<T: DeserializeOwned>(&self, key: &str) -> Result<Vec<T>, ConfigErrors> {
        self.with_value(|value| {
            let DeValue::Table(table) = value.get_ref() else { return Ok(Vec::new()) };
            let Some(items) = table.get(key) else { return Ok(Vec::new()) };
            let (parsed, errors) = de::each::<T>(&self.source, items, &format!("{}.{key}", self.name));
            de::sorted(errors).into_result(parsed)
        })
    }

    /// An error at a span of this layer's file (from a `Spanned` value of the section).
    pub fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        self.source.error_at(span, message)
    }

    /// Calls `f` on the section's value, without the `enabled` key the loader reads.
    fn with_value<R>(&self, f: impl FnOnce(Spanned<DeValue<'_>>) -> R) -> R {
        let text = self.source.text();
        let mut value = match DeTable::parse(text) {
            Ok(doc) => {
                let span = doc.span();
                doc.into_inner().remove(self.name.as_str()).unwrap_or_else(|| Spanned::new(span, empty()))
            }
            Err(_) => Spanned::new(0..0, empty()),
        };
        if let DeValue::Table(table) = value.get_mut() {
            table.remove("enabled");
        }
        f(value)
    }
}

fn empty<'a>() -> DeValue<'a> {
    DeValue::Table(DeTable::new())
}

impl SectionLayer {
    /// Errors for what this layer does to rules the organisation locked (`locked`: id
    /// to the file that locked it): switching one off, lowering its severity or
    /// redefining it. The organisation's own layers may.
    pub fn weakens_locked(
        &self,
        locked: &std::collections::BTreeMap<String, String>,
        disabled: &[Spanned<String>],
        severities: &std::collections::BTreeMap<Spanned<String>, Spanned<crate::Severity>>,
        redefined: &[&Spanned<String>],
    ) -> Vec<ConfigError> {
        if self.organisation || locked.is_empty() {
            return Vec::new();
        }
        let mut errors = Vec::new();
        let mut refuse = |id: &Spanned<String>, what: &str| {
            if let Some(by) = locked.get(id.get_ref()) {
                let message = format!("rule `{}` is locked by {by}: a repository cannot {what} it", id.get_ref());
                errors.push(self.error_at(id.span(), message));
            }
        };
        for id in disabled {
            refuse(id, "switch off");
        }
        for (id, severity) in severities {
            if *severity.get_ref() == crate::Severity::Warn {
                refuse(id, "lower the severity of");
            }
        }
        for id in redefined {
            refuse(id, "redefine");
        }
        errors
    }
}
