//! tollgate's scanning substrate, shared by every check.
//!
//! Data flows one way: a **source** ([`source`]) lists the paths a change touches and
//! reads what the checks want of them into [`ChangedFile`]s (status, modes, size,
//! binary and LFS flags, old and new content, added regions), with the change as a
//! whole in a [`ChangeContext`] (commit, message, trailers, every path); a [`Scanner`]
//! hands each to every [`Check`] that wants it, then calls each check's `finish` at the
//! end of the run; findings pass through [`Suppressions`] (inline markers, policy
//! exceptions, a baseline) into an [`Outcome`], which a [`report`] renders as human
//! text, JSON or SARIF.
//!
//! ```
//! use tollgate_core::{Check, CheckOutput, ChangedFile, Finding, Outcome, Scanner, Severity, Suppressions, Wants};
//!
//! /// A toy check that flags files that add the word "forbidden".
//! struct Forbidden;
//! impl Check for Forbidden {
//!     fn name(&self) -> &'static str { "demo" }
//!     fn wants(&self) -> Wants { Wants { text: true, ..Wants::default() } }
//!     fn judge_file(&self, file: &ChangedFile, out: &mut CheckOutput) {
//!         if let Some(at) = file.text.windows(9).position(|w| w == b"forbidden") {
//!             out.findings.push(
//!                 Finding::new("demo", "forbidden-word", Severity::Block, "forbidden word")
//!                     .at_offset(file, at..at + 9)
//!                     .with_evidence("forbidden"),
//!             );
//!         }
//!     }
//! }
//!
//! let scanner = Scanner::new(vec![Box::new(Forbidden)], Suppressions::default(), 1 << 20);
//! let mut outcome = Outcome::default();
//! scanner.judge_text("notes.txt", &b"this is forbidden\n"[..], &mut outcome);
//! assert_eq!(outcome.findings[0].line, Some(1));
//! assert_eq!(outcome.findings[0].column, Some(9));
//! ```

pub mod audit;
pub mod baseline;
pub mod change;
pub mod codeowners;
pub mod engine;
pub mod entropy;
pub mod finding;
pub mod matcher;
pub mod provenance;
pub mod report;
pub mod source;
pub mod suppress;
pub mod trailers;

pub use change::{ChangeContext, ChangedFile, CommitInfo, FileMode, Message, PathChange, Person, Region, Status};
pub use engine::{Check, CheckOutput, Outcome, PathSet, Scanner, Wants, Warning};
pub use finding::{Evidence, Finding, Hit, Location, Package, Severity};
pub use matcher::{MatchLimits, Matcher, PatternSpec, Workload};
pub use suppress::Suppressions;
