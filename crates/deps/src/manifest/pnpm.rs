//! `pnpm-lock.yaml`, lockfile versions 5 (`/name/1.2.3_peer@1`), 6 (`/name@1.2.3(peer@1)`)
//! and 9 (`name@1.2.3`, with `snapshots` beside `packages`).

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::npm::{self, split_name};
use super::text::{self, redact_userinfo, Lines, Ordered};
use super::{ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PnpmLock {
    importers: Ordered<Importer>,
    /// Before workspaces had importers (v5, v6), a single project's own sections.
    #[serde(flatten)]
    root: Importer,
    packages: Ordered<Package>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Importer {
    dependencies: Ordered<serde_yaml_ng::Value>,
    dev_dependencies: Ordered<serde_yaml_ng::Value>,
    optional_dependencies: Ordered<serde_yaml_ng::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Package {
    /// Written for packages not from the registry, whose key holds a URL or path.
    name: Option<String>,
    version: Option<String>,
    resolution: Resolution,
    dev: Option<bool>,
    optional: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Resolution {
    tarball: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
    directory: Option<String>,
}

pub(crate) fn lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let lock: PnpmLock = text::yaml(lines.text())?;
    // What the projects ask for, by (name, version) and, for packages not from the
    // registry, by the `packages` key the importer's version names.
    let mut direct: HashMap<(String, String), HashSet<Kind>> = HashMap::new();
    let mut direct_keys: HashMap<String, HashSet<Kind>> = HashMap::new();
    for importer in lock.importers.0.iter().map(|(_, importer)| importer).chain([&lock.root]) {
        for (section, kind) in [
            (&importer.dependencies, Kind::Normal),
            (&importer.dev_dependencies, Kind::Dev),
            (&importer.optional_dependencies, Kind::Optional),
        ] {
            for (name, value) in &section.0 {
                // v5: `name: 1.2.3_peer@1`; v6 on: `name: {specifier, version}`.
                let version = match value {
                    serde_yaml_ng::Value::Mapping(map) => map.get("version").and_then(scalar),
                    other => scalar(other),
                };
                let Some(version) = version else { continue };
                let resolved = if version.starts_with(|c: char| c.is_ascii_digit()) {
                    let version = strip_peers(&version);
                    (name.clone(), version.split('_').next().unwrap_or(version).to_string())
                } else if version.starts_with('/') {
                    // An alias: `/real@1.0.0`.
                    package_key(&version)
                } else {
                    // `github.com/o/r/sha` (v6) or a URL (v9): part of the package's key.
                    direct_keys.entry(version.clone()).or_default().insert(kind);
                    direct_keys.entry(format!("{name}@{version}")).or_default().insert(kind);
                    continue;
                };
                direct.entry(resolved).or_default().insert(kind);
            }
        }
    }
    let mut dependencies = Vec::with_capacity(lock.packages.0.len());
    let mut cursor = lines.section("packages:").unwrap_or(usize::MAX);
    for (key, package) in &lock.packages.0 {
        let line = lines.key_line(key, &mut cursor, None);
        let (key_name, key_version) = package_key(key);
        let name = package.name.clone().unwrap_or(key_name);
        let version = package.version.clone().unwrap_or(key_version);
        let source = source(&package.resolution, &version);
        if matches!(&source, Source::Path(path) if path.starts_with("link:")) {
            continue;
        }
        let requirement =
            if npm::is_exact_version(&version) { Requirement::Resolved(version.clone()) } else { Requirement::Any };
        let asked = direct.get(&(name.clone(), version)).or_else(|| direct_keys.get(key.trim_start_matches('/')));
        let kind = match (package.dev, asked) {
            (Some(true), _) => Kind::Dev,
            _ if package.optional => Kind::Optional,
            (Some(false), _) => Kind::Normal,
            // v9 has no `dev` flag: a package only dev sections ask for is dev.
            (None, Some(kinds)) if kinds.iter().all(|&k| k == Kind::Dev) => Kind::Dev,
            (None, _) => Kind::Normal,
        };
        dependencies.push(Dependency {
            ecosystem: Ecosystem::Npm,
            name,
            requirement,
            source,
            kind,
            locked: true,
            direct: asked.is_some(),
            line,
        });
    }
    super::deps_only(dependencies)
}

fn scalar(value: &serde_yaml_ng::Value) -> Option<String> {
    match value {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The name and version a `packages` key names, peers dropped:
/// `/a/1.2.3_b@1` (v5), `/@s/a@1.2.3(b@1)` (v6), `a@1.2.3(b@1)` (v9),
/// `a@https://codeload…` and `a@file:x` (v9 non-registry keys).
fn package_key(key: &str) -> (String, String) {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = strip_peers(key);
    let (scope, rest) = match key.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, rest)) => (&key[..scope.len() + 2], rest),
            None => ("", key),
        },
        None => ("", key),
    };
    // `name@version` (v6 on), unless the `@` only comes after a `/`: v5's
    // `name/version_peer@1`.
    let at_style = match (rest.find('@'), rest.find('/')) {
        (Some(at), Some(slash)) => at < slash,
        (at, _) => at.is_some(),
    };
    if at_style {
        let (name, version) = split_name(key);
        return (name.to_string(), version.to_string());
    }
    // v5: `name/version`, the version with `_peer` suffixes.
    match rest.rsplit_once('/') {
        Some((name, version)) => {
            let version = version.split('_').next().unwrap_or(version);
            (format!("{scope}{name}"), version.to_string())
        }
        None => (key.to_string(), String::new()),
    }
}

/// `1.2.3(react@18.2.0)` → `1.2.3`.
fn strip_peers(text: &str) -> &str {
    text.find('(').map_or(text, |at| &text[..at])
}

fn source(resolution: &Resolution, version: &str) -> Source {
    if let Some(repo) = &resolution.repo {
        let repo = redact_userinfo(repo);
        return Source::Git(match &resolution.commit {
            Some(commit) => format!("{repo}#{commit}"),
            None => repo,
        });
    }
    if let Some(directory) = &resolution.directory {
        return Source::Path(directory.clone());
    }
    if let Some(tarball) = &resolution.tarball {
        return match tarball.strip_prefix("file:") {
            Some(path) => Source::Path(path.to_string()),
            None => npm::resolved_source(tarball),
        };
    }
    if version.starts_with("link:") {
        return Source::Path(version.to_string());
    }
    npm::spec("", version).2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_version() {
        let key = package_key;
        assert_eq!(key("/a/1.2.3"), ("a".into(), "1.2.3".into()));
        assert_eq!(key("/@s/a/1.2.3_react@18.2.0"), ("@s/a".into(), "1.2.3".into()));
        assert_eq!(key("/@s/a@1.2.3(react@18.2.0)"), ("@s/a".into(), "1.2.3".into()));
        assert_eq!(key("a@1.2.3(b@1.0.0)(c@2.0.0)"), ("a".into(), "1.2.3".into()));
        assert_eq!(key("a@file:packages/a"), ("a".into(), "file:packages/a".into()));
    }
}
