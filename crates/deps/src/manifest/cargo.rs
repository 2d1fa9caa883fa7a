//! `Cargo.toml` and `Cargo.lock`.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::text::{self, redact_userinfo, Lines, Ordered};
use super::{ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

/// A dependency table, in file order, each name with where it is written.
type Table = Ordered<toml::Value, Spanned<String>>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tables {
    dependencies: Table,
    #[serde(rename = "dev-dependencies")]
    dev: Table,
    /// The spelling Cargo still accepts from before 2018.
    #[serde(rename = "dev_dependencies")]
    dev_legacy: Table,
    #[serde(rename = "build-dependencies")]
    build: Table,
    #[serde(rename = "build_dependencies")]
    build_legacy: Table,
}

/// The root's own tables are read as [`Tables`] on their own: `#[serde(flatten)]` would
/// buffer them and lose the key positions.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Manifest {
    target: BTreeMap<String, Tables>,
    workspace: Workspace,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Workspace {
    dependencies: Table,
}

/// One entry's version, source and real name.
struct Spec {
    name: String,
    requirement: Requirement,
    source: Source,
    optional: bool,
}

pub(crate) fn manifest(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let manifest: Manifest = text::toml(lines)?;
    let root: Tables = text::toml(lines)?;
    // (dependency, inherits from the workspace)
    let mut found: Vec<(Dependency, bool)> = Vec::new();
    let mut shared = BTreeMap::new();
    for (key, value) in &manifest.workspace.dependencies.0 {
        let spec = spec(lines, key, value)?;
        shared.insert(key.get_ref().clone(), (spec.name.clone(), spec.requirement.clone(), spec.source.clone()));
        found.push((dependency(lines, key, spec, Kind::Normal), false));
    }
    let mut tables = vec![&root];
    tables.extend(manifest.target.values());
    for tables in tables {
        for (table, kind) in [
            (&tables.dependencies, Kind::Normal),
            (&tables.dev, Kind::Dev),
            (&tables.dev_legacy, Kind::Dev),
            (&tables.build, Kind::Build),
            (&tables.build_legacy, Kind::Build),
        ] {
            for (key, value) in &table.0 {
                let inherits = value.get("workspace").and_then(toml::Value::as_bool) == Some(true);
                let mut spec = spec(lines, key, value)?;
                if inherits {
                    if let Some((name, requirement, source)) = shared.get(key.get_ref()) {
                        spec.name.clone_from(name);
                        spec.requirement = requirement.clone();
                        spec.source = source.clone();
                    }
                }
                found.push((dependency(lines, key, spec, kind), inherits));
            }
        }
    }
    // The TOML reader sorts tables by key; the file's order is the line order.
    found.sort_by_key(|(dependency, _)| dependency.line);
    let mut parsed = Parsed::default();
    for (dependency, inherits) in found {
        if inherits {
            parsed.workspace_inherited.push(parsed.dependencies.len());
        }
        parsed.dependencies.push(dependency);
    }
    Ok(parsed)
}

fn dependency(lines: &Lines<'_>, key: &Spanned<String>, spec: Spec, kind: Kind) -> Dependency {
    let kind = if spec.optional && kind == Kind::Normal { Kind::Optional } else { kind };
    Dependency {
        ecosystem: Ecosystem::CratesIo,
        name: spec.name,
        requirement: spec.requirement,
        source: spec.source,
        kind,
        locked: false,
        direct: true,
        line: Some(lines.line(key.span().start)),
    }
}

/// Reads `"1.2"` or `{ version, git, path, registry, package, optional, … }`.
fn spec(lines: &Lines<'_>, key: &Spanned<String>, value: &toml::Value) -> Result<Spec, ParseError> {
    let name = key.get_ref().clone();
    if let Some(version) = value.as_str() {
        return Ok(Spec { name, requirement: requirement(version), source: Source::Registry, optional: false });
    }
    let Some(table) = value.as_table() else {
        let (line, column) = lines.line_col(key.span().start);
        return Err(ParseError::at(line, column, format!("dependency `{name}`: expected a version string or a table")));
    };
    let field = |field: &str| table.get(field).and_then(toml::Value::as_str);
    let source = if let Some(url) = field("git") {
        Source::Git(redact_userinfo(url))
    } else if let Some(path) = field("path") {
        Source::Path(path.to_string())
    } else if let Some(registry) = field("registry") {
        Source::OtherRegistry(registry.to_string())
    } else if let Some(index) = field("registry-index") {
        Source::OtherRegistry(redact_userinfo(index))
    } else {
        Source::Registry
    };
    Ok(Spec {
        name: field("package").map_or(name, str::to_string),
        requirement: field("version").map_or(Requirement::Any, requirement),
        source,
        optional: table.get("optional").and_then(toml::Value::as_bool).unwrap_or(false),
    })
}

/// A Cargo version requirement: `=1.2.3` pins, `*` allows any, the rest (a bare `1.2`
/// means `^1.2`) is a range as written.
fn requirement(text: &str) -> Requirement {
    let text = text.trim();
    if text.is_empty() || text == "*" {
        return Requirement::Any;
    }
    match text.strip_prefix('=').map(str::trim) {
        Some(exact) if !exact.contains([',', ' ', '*']) && exact.split('.').count() >= 3 => {
            Requirement::Resolved(exact.to_string())
        }
        _ => Requirement::Range(text.to_string()),
    }
}

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<LockedPackage>,
    /// Version 1 lock files wrote the root package here.
    root: Option<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: Spanned<String>,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// Every package resolved from a registry or git. Packages without `source` are the
/// workspace's own crates or path dependencies — local code — and are not returned; what
/// they depend on is marked `direct`.
pub(crate) fn lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let lock: Lock = text::toml(lines)?;
    let local = lock.package.iter().chain(&lock.root).filter(|p| p.source.is_none());
    // `name`, `name version` or `name version (source)`.
    let mut direct: HashSet<(&str, Option<&str>)> = HashSet::new();
    for dependency in local.flat_map(|p| &p.dependencies) {
        let mut words = dependency.split_whitespace();
        if let Some(name) = words.next() {
            direct.insert((name, words.next()));
        }
    }
    let mut dependencies = Vec::with_capacity(lock.package.len());
    for package in &lock.package {
        let Some(source) = &package.source else { continue };
        let name = package.name.get_ref().as_str();
        dependencies.push(Dependency {
            ecosystem: Ecosystem::CratesIo,
            name: name.to_string(),
            requirement: Requirement::Resolved(package.version.clone()),
            source: lock_source(source),
            kind: Kind::Normal,
            locked: true,
            direct: direct.contains(&(name, None)) || direct.contains(&(name, Some(package.version.as_str()))),
            line: Some(lines.line(package.name.span().start)),
        });
    }
    super::deps_only(dependencies)
}

/// `registry+URL`, `sparse+URL`, `git+URL?rev#commit`.
fn lock_source(source: &str) -> Source {
    const CRATES_IO: [&str; 2] =
        ["registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/"];
    if CRATES_IO.contains(&source) {
        Source::Registry
    } else if let Some(index) = source.strip_prefix("registry+").or_else(|| source.strip_prefix("sparse+")) {
        Source::OtherRegistry(redact_userinfo(index))
    } else if let Some(url) = source.strip_prefix("git+") {
        Source::Git(redact_userinfo(url))
    } else if let Some(path) = source.strip_prefix("path+") {
        Source::Path(path.to_string())
    } else {
        Source::Url(redact_userinfo(source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_read_as_cargo_means_them() {
        assert_eq!(requirement("1.2"), Requirement::Range("1.2".into()));
        assert_eq!(requirement("=1.2.3"), Requirement::Resolved("1.2.3".into()));
        assert_eq!(requirement("= 1.2.3-rc.1"), Requirement::Resolved("1.2.3-rc.1".into()));
        assert_eq!(requirement("=1.2"), Requirement::Range("=1.2".into()));
        assert_eq!(requirement(">=1, <2"), Requirement::Range(">=1, <2".into()));
        assert_eq!(requirement("*"), Requirement::Any);
    }

    #[test]
    fn lock_sources() {
        assert_eq!(lock_source("sparse+https://index.crates.io/"), Source::Registry);
        assert_eq!(
            lock_source("sparse+https://u:t@crates.corp.example/"),
            Source::OtherRegistry("https://crates.corp.example/".into())
        );
        assert_eq!(
            lock_source("git+https://github.com/a/b?branch=main#0123abc"),
            Source::Git("https://github.com/a/b?branch=main#0123abc".into())
        );
    }
}
