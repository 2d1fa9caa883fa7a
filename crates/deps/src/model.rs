//! The shared vocabulary of the dependency guard: ecosystems, package names as each
//! registry compares them, and one dependency as a manifest or lock file declares it.

use std::fmt;

/// A package registry whose names and versions tollgate understands. The spelling of
/// [`Ecosystem::osv_name`] is the one OSV records use in `affected[].package.ecosystem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Ecosystem {
    #[serde(rename = "crates.io")]
    CratesIo,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "Go")]
    Go,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 4] = [Ecosystem::CratesIo, Ecosystem::Npm, Ecosystem::PyPI, Ecosystem::Go];

    /// The name OSV uses (`crates.io`, `npm`, `PyPI`, `Go`).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
        }
    }

    /// The ecosystem an OSV `ecosystem` string names. OSV may suffix a release
    /// (`Debian:12`); only the four registries tollgate reads are known.
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        let base = name.split(':').next().unwrap_or(name);
        Ecosystem::ALL.into_iter().find(|e| e.osv_name() == base)
    }

    /// The short name users type in policies and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Go => "go",
        }
    }

    /// Parses a user-typed ecosystem (`cargo`, `crates.io`, `npm`, `pypi`, `PyPI`, `go`).
    pub fn parse(text: &str) -> Option<Ecosystem> {
        match text.to_ascii_lowercase().as_str() {
            "cargo" | "crates.io" | "crates" | "rust" => Some(Ecosystem::CratesIo),
            "npm" | "node" | "javascript" => Some(Ecosystem::Npm),
            "pypi" | "pip" | "python" => Some(Ecosystem::PyPI),
            "go" | "golang" => Some(Ecosystem::Go),
            _ => None,
        }
    }

    /// A package name as the registry compares names, so that spellings the registry
    /// treats as one package are one key:
    /// - PyPI (PEP 503): lowercase, every run of `-`, `_` and `.` is one `-`;
    /// - crates.io: lowercase, `-` and `_` are the same;
    /// - npm: lowercase (the registry refuses new names with capitals; old ones exist);
    /// - Go: module paths are case-sensitive and kept as written.
    pub fn normalise(self, name: &str) -> String {
        let name = name.trim();
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut in_separator = false;
                for c in name.chars() {
                    if matches!(c, '-' | '_' | '.') {
                        if !in_separator {
                            out.push('-');
                        }
                        in_separator = true;
                    } else {
                        out.extend(c.to_lowercase());
                        in_separator = false;
                    }
                }
                out
            }
            Ecosystem::CratesIo => name.to_ascii_lowercase().replace('_', "-"),
            Ecosystem::Npm => name.to_lowercase(),
            Ecosystem::Go => name.to_string(),
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// What a declaration says about the version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// One exact version, as a lock file resolves it (or an exact pin, `==1.2.3`).
    Resolved(String),
    /// A range the resolver picks from (`^1.2`, `>=2,<3`, `~=1.4`), as written.
    Range(String),
    /// No version constraint at all (`requests`, `"*"`, `latest`).
    Any,
}

/// Where the package comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// The ecosystem's default public registry.
    Registry,
    /// Another registry (a private index, `--index-url`, `registry = "…"`).
    OtherRegistry(String),
    /// A git repository (`git = "…"`, `git+https://…`).
    Git(String),
    /// A local path (`path = "…"`, `file:…`, workspace links).
    Path(String),
    /// A direct URL to an archive.
    Url(String),
}

/// How the project uses the dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Normal,
    Dev,
    Build,
    Optional,
}

/// One dependency as a manifest or lock file declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// The name as written in the file.
    pub name: String,
    pub requirement: Requirement,
    pub source: Source,
    pub kind: Kind,
    /// Whether the file is a lock file (resolved, transitive entries included).
    pub locked: bool,
    /// Whether the manifest names it directly (lock files: whether a root depends on it,
    /// when the format says so; `true` for manifests).
    pub direct: bool,
    /// 1-based line of the declaration in its file, when known.
    pub line: Option<u32>,
}

impl Dependency {
    /// The registry's comparison key for the name ([`Ecosystem::normalise`]).
    pub fn key(&self) -> String {
        self.ecosystem.normalise(&self.name)
    }

    /// The resolved version, when there is exactly one.
    pub fn version(&self) -> Option<&str> {
        match &self.requirement {
            Requirement::Resolved(v) => Some(v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_as_each_registry_compares_them() {
        assert_eq!(Ecosystem::PyPI.normalise("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(Ecosystem::CratesIo.normalise("Serde_JSON"), "serde-json");
        assert_eq!(Ecosystem::Npm.normalise("JSONStream"), "jsonstream");
        assert_eq!(Ecosystem::Go.normalise("github.com/Sirupsen/logrus"), "github.com/Sirupsen/logrus");
    }

    #[test]
    fn osv_ecosystem_names_round_trip() {
        for e in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_osv(e.osv_name()), Some(e));
            assert_eq!(Ecosystem::parse(e.key()), Some(e));
        }
        assert_eq!(Ecosystem::from_osv("Debian:12"), None);
    }
}
