//! Versions as each registry orders them, sets of versions, and requirements read into
//! sets, so that an advisory's affected ranges and a manifest's requirement can be
//! compared without asking a registry.
//!
//! - PyPI: PEP 440 ([`Pep440Version`]). Strings that are not PEP 440 (old releases such
//!   as `2004d` or `1.0-foo`) are kept as [`Version::Legacy`] and sort before every valid
//!   version, as pip's old `LegacyVersion` did; among themselves they compare as
//!   lowercased text. [`Version::is_legacy`] lets a caller warn about them.
//! - npm and crates.io: SemVer 2.0 ([`SemVersion`]), read leniently (`1.0`, `v1.2.3`).
//! - Go: module versions are SemVer with a `v` prefix; OSV writes them without it, and
//!   both are accepted. `+incompatible` is build metadata and does not count.
//!   Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
//!   `v1.2.4-0.20191109021931-daa7c04131f5`, `v1.2.3-pre.0.20191109021931-…`) are
//!   pre-releases, and SemVer's identifier order is exactly the order Go gives them.

mod pep440;
mod requirement;
mod semver;
mod set;

use std::fmt;

pub use pep440::{LocalSegment, Pep440Version, PreKind};
pub use requirement::{parse_range, requirement_set};
pub use semver::{Identifier, SemVersion};
pub use set::{Bound, Interval, VersionSet};

use crate::model::Ecosystem;

/// A version or requirement that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("{ecosystem} version {text:?} is not valid: {reason}")]
    Version { ecosystem: Ecosystem, text: String, reason: String },
    #[error("{ecosystem} requirement {text:?} is not valid: {reason}")]
    Requirement { ecosystem: Ecosystem, text: String, reason: String },
}

/// A version of some ecosystem. Versions of different kinds never meet in practice
/// (one package has one ecosystem); should they, the variant order decides, which puts
/// legacy PyPI versions before every PEP 440 version as intended.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// A PyPI version that is not PEP 440, as written (lowercased).
    Legacy(String),
    Pep440(Pep440Version),
    Semver(SemVersion),
}

impl Version {
    /// Reads a version with the ecosystem's grammar.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Version, VersionError> {
        let error = |reason: String| VersionError::Version { ecosystem, text: text.to_string(), reason };
        match ecosystem {
            Ecosystem::PyPI => match Pep440Version::parse(text) {
                Ok(v) => Ok(Version::Pep440(v)),
                Err(reason) => {
                    let trimmed = text.trim();
                    // A legacy version is still one word of visible characters; an empty
                    // string or a sentence is a data error, not an old release.
                    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
                        Err(error(reason))
                    } else {
                        Ok(Version::Legacy(trimmed.to_ascii_lowercase()))
                    }
                }
            },
            Ecosystem::Npm | Ecosystem::CratesIo => SemVersion::parse(text).map(Version::Semver).map_err(error),
            Ecosystem::Go => {
                let trimmed = text.trim();
                if trimmed.starts_with('=') {
                    return Err(error("Go versions have no operator".to_string()));
                }
                SemVersion::parse(trimmed).map(Version::Semver).map_err(error)
            }
        }
    }

    /// Whether this is a PyPI version outside PEP 440, whose order is a guess.
    pub fn is_legacy(&self) -> bool {
        matches!(self, Version::Legacy(_))
    }

    pub fn is_prerelease(&self) -> bool {
        match self {
            Version::Legacy(_) => false,
            Version::Pep440(v) => v.is_prerelease(),
            Version::Semver(v) => v.is_prerelease(),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Legacy(text) => f.write_str(text),
            Version::Pep440(v) => v.fmt(f),
            Version::Semver(v) => v.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(ecosystem: Ecosystem, text: &str) -> Version {
        Version::parse(ecosystem, text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn pypi_legacy_versions_sort_before_valid_ones() {
        let legacy = v(Ecosystem::PyPI, "2004d");
        assert!(legacy.is_legacy());
        assert!(legacy < v(Ecosystem::PyPI, "0.0.dev0"));
        assert!(v(Ecosystem::PyPI, "1.0-foo") < v(Ecosystem::PyPI, "2004d"));
        assert!(Version::parse(Ecosystem::PyPI, "").is_err());
        assert!(Version::parse(Ecosystem::PyPI, "1.0 final edition").is_err());
    }

    #[test]
    fn go_versions_with_or_without_the_v_prefix_are_one() {
        assert_eq!(v(Ecosystem::Go, "v1.2.3"), v(Ecosystem::Go, "1.2.3"));
        assert_eq!(v(Ecosystem::Go, "v2.0.0+incompatible"), v(Ecosystem::Go, "2.0.0"));
        assert!(Version::parse(Ecosystem::Go, "=1.2.3").is_err());
    }

    #[test]
    fn go_pseudo_versions_order_as_go_orders_them() {
        let go = |t| v(Ecosystem::Go, t);
        // No tag at all: below v0.0.1 and ordered by timestamp.
        assert!(go("v0.0.0-20191109021931-daa7c04131f5") < go("v0.0.0-20200101000000-000000000000"));
        assert!(go("0.0.0-20200101000000-000000000000") < go("v0.0.1"));
        // After the release v1.2.3: above it, below v1.2.4 and its pre-releases' releases.
        let after_release = go("v1.2.4-0.20191109021931-daa7c04131f5");
        assert!(go("v1.2.3") < after_release);
        assert!(after_release < go("v1.2.4"));
        assert!(after_release < go("v1.2.4-rc.1"), "a numeric identifier sorts before text");
        // After the pre-release v1.2.3-pre: above it, below the next pre-release.
        let after_pre = go("v1.2.3-pre.0.20191109021931-daa7c04131f5");
        assert!(go("v1.2.3-pre") < after_pre);
        assert!(after_pre < go("v1.2.3-pre.1"));
        assert!(after_pre < go("v1.2.3"));
    }

    #[test]
    fn cargo_and_npm_use_semver() {
        assert!(v(Ecosystem::CratesIo, "0.9.0") < v(Ecosystem::CratesIo, "0.10.0"));
        assert!(v(Ecosystem::Npm, "1.0.0-rc.1") < v(Ecosystem::Npm, "1.0.0"));
        assert!(Version::parse(Ecosystem::Npm, "1.2.3.4").is_err());
    }
}
