//! tollgate's scanning substrate, shared by every check.
//!
//! Data flows one way: a **source** ([`source`]) turns staged changes, commits or files
//! into [`Chunk`]s of added lines; a [`Scanner`] runs every [`Check`] on each chunk;
//! findings pass through [`Suppressions`] (inline markers, policy exceptions, a
//! baseline) into an [`Outcome`], which a [`report`] renders as human text, JSON or
//! SARIF.
//!
//! ```
//! use tollgate_core::{Check, CheckOutput, Chunk, Finding, Hit, Outcome, Scanner, Severity, Suppressions};
//!
//! /// A toy check that flags the word "forbidden".
//! struct Forbidden;
//! impl Check for Forbidden {
//!     fn name(&self) -> &'static str { "demo" }
//!     fn judge(&self, chunk: &Chunk, out: &mut CheckOutput) {
//!         if let Some(at) = chunk.text.windows(9).position(|w| w == b"forbidden") {
//!             out.findings.push(Finding::locate(Hit {
//!                 check: "demo", rule: "forbidden-word".into(), severity: Severity::Block,
//!                 message: "forbidden word".into(), span: at..at + 9, note: None, chunk,
//!             }));
//!         }
//!     }
//! }
//!
//! let scanner = Scanner::new(vec![Box::new(Forbidden)], Suppressions::default(), 1 << 20);
//! let mut outcome = Outcome::default();
//! scanner.judge(&Chunk::whole("notes.txt", &b"this is forbidden\n"[..]), &mut outcome);
//! assert_eq!(outcome.findings[0].line, 1);
//! assert_eq!(outcome.findings[0].column, 9);
//! ```

pub mod audit;
pub mod baseline;
pub mod chunk;
pub mod engine;
pub mod entropy;
pub mod finding;
pub mod matcher;
pub mod report;
pub mod source;
pub mod suppress;

pub use chunk::{Chunk, CommitInfo, Region};
pub use engine::{Check, CheckOutput, Outcome, Scanner, Warning};
pub use finding::{Finding, Hit, Severity};
pub use matcher::{MatchLimits, Matcher, PatternSpec, Workload};
pub use suppress::Suppressions;
