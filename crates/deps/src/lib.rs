//! tollgate's dependency guard: judges every dependency a change adds or changes —
//! known vulnerabilities from a local OSV database, malicious packages, typosquats of
//! popular names, and the policy's allow, deny and source rules — offline, per change.
//!
//! Data flow: a changed manifest or lock file ([`manifest`]) is parsed as it is and as
//! it was; the declarations that are new ([`check`]) are judged against the policy
//! ([`config`]), the popularity lists ([`typosquat`]) and the advisories of exactly
//! those packages, read from an index of the local database ([`db`]) and matched with
//! each ecosystem's version ordering ([`version`], [`osv`]).

pub mod check;
pub mod config;
pub mod db;
pub mod manifest;
pub mod model;
pub mod osv;
pub mod typosquat;
pub mod version;

pub use check::DepsCheck;
pub use config::DepsConfig;
pub use model::{Dependency, Ecosystem, Kind, Requirement, Source};
