//! tollgate-report: what the gates did, from their audit logs.
//!
//! Reads one repository's log (with its rotations) or a folder of logs gathered from a
//! fleet ([`read`]), aggregates runs, blocks, suppressions, bypasses, fixes, agent
//! decisions and the share of AI-written lines ([`model`]), and renders the result as
//! text, JSON, or one self-contained HTML page with inline SVG charts.
//!
//! ```no_run
//! use tollgate_report::{read, model::Report, Format};
//! let files = read::discover(std::path::Path::new(".git/tollgate/audit.jsonl")).unwrap();
//! let set = read::read_logs(&files).unwrap();
//! let report = Report::of(&set, None);
//! print!("{}", Format::Human.render(&report));
//! ```

pub mod html;
pub mod human;
pub mod json;
pub mod model;
pub mod read;
pub mod time;

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Html,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            other => Err(format!("unknown report format `{other}` (expected human, json or html)")),
        }
    }
}

impl Format {
    pub fn render(self, report: &model::Report) -> String {
        match self {
            Format::Human => human::render(report),
            Format::Json => json::render(report),
            Format::Html => html::render(report),
        }
    }
}
