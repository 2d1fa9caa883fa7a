//! Rendering an [`Outcome`] for people (human), scripts (JSON) and code-scanning
//! services (SARIF 2.1.0). All three are fed by the same findings and none of them ever
//! holds a whole secret.

mod human;
mod json;
mod sarif;

use crate::engine::Outcome;
use crate::suppress::SuppressedBy;

pub use human::render_human;
pub use json::render_json;
pub use sarif::render_sarif;

/// Output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            _ => Err(format!("unknown format `{s}` (expected human, json or sarif)")),
        }
    }
}

/// A finished run: what was found and the facts needed to render it.
pub struct Report<'a> {
    /// The binary's name (`tollgate-secrets`, `tollgate`).
    pub tool: &'a str,
    pub version: &'a str,
    /// The mode that ran (`pre-commit`, `scan`, ...), for hints on how to proceed.
    pub mode: &'a str,
    pub outcome: &'a Outcome,
    pub elapsed_ms: u128,
    /// Extra lines for the human report (commits pushed without a local check, say).
    pub notices: Vec<String>,
}

impl Report<'_> {
    /// Suppressions counted by kind: inline, policy, baseline.
    pub fn suppressed_counts(&self) -> [(SuppressedBy, usize); 3] {
        let count = |by| self.outcome.suppressed.iter().filter(|s| s.by == by).count();
        [
            (SuppressedBy::Inline, count(SuppressedBy::Inline)),
            (SuppressedBy::Policy, count(SuppressedBy::Policy)),
            (SuppressedBy::Baseline, count(SuppressedBy::Baseline)),
        ]
    }

    pub fn render(&self, format: Format, color: bool) -> String {
        match format {
            Format::Human => render_human(self, color),
            Format::Json => render_json(self),
            Format::Sarif => render_sarif(self),
        }
    }
}
