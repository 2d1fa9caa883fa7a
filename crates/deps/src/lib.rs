//! tollgate's dependency guard: judges every dependency a change adds or changes —
//! known vulnerabilities from a local OSV database, malicious packages, typosquats of
//! popular names, and the policy's allow, deny and source rules — offline, per change.

pub mod model;
pub mod typosquat;

pub use model::{Dependency, Ecosystem, Kind, Requirement, Source};
