//! `package.json` and `package-lock.json`, and what every npm reader shares: a
//! dependency spec (`^1.2`, `npm:real@1`, `github:a/b`, `file:../x`) and a tarball URL
//! as a [`Source`].

use std::collections::{HashMap, HashSet};

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::text::{self, redact_userinfo, Lines, Ordered};
use super::{ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PackageJson {
    dependencies: Ordered<serde_json::Value>,
    dev_dependencies: Ordered<serde_json::Value>,
    optional_dependencies: Ordered<serde_json::Value>,
    peer_dependencies: Ordered<serde_json::Value>,
    peer_dependencies_meta: HashMap<String, PeerMeta>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PeerMeta {
    optional: bool,
}

pub(crate) fn package_json(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let package: PackageJson = text::json(lines.text())?;
    let mut dependencies = Vec::new();
    for (section, entries, kind) in [
        ("dependencies", &package.dependencies, Kind::Normal),
        ("devDependencies", &package.dev_dependencies, Kind::Dev),
        ("optionalDependencies", &package.optional_dependencies, Kind::Optional),
        ("peerDependencies", &package.peer_dependencies, Kind::Normal),
    ] {
        if entries.0.is_empty() {
            continue;
        }
        let mut cursor = lines.find_top_key(section, Some(b'{')).unwrap_or(usize::MAX);
        for (name, value) in &entries.0 {
            let at = lines.find_key(name, cursor, None);
            if let Some(at) = at {
                cursor = at + name.len();
            }
            let line = at.map(|at| lines.line(at));
            let Some(written) = value.as_str() else {
                let (line, column) = at.map_or((0, 0), |at| lines.line_col(at.saturating_sub(1)));
                return Err(ParseError::at(line, column, format!("{section}.{name}: expected a version string")));
            };
            let optional_peer =
                section == "peerDependencies" && package.peer_dependencies_meta.get(name).is_some_and(|m| m.optional);
            let (name, requirement, source) = spec(name, written);
            dependencies.push(Dependency {
                ecosystem: Ecosystem::Npm,
                name,
                requirement,
                source,
                kind: if optional_peer { Kind::Optional } else { kind },
                locked: false,
                direct: true,
                line,
            });
        }
    }
    super::deps_only(dependencies)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageLock {
    packages: Option<Ordered<LockedPackage>>,
    dependencies: Option<Ordered<LegacyPackage>>,
}

/// An entry of v2/v3 `packages`, keyed by its install path.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct LockedPackage {
    /// The real name of an `npm:` alias.
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    dev: bool,
    optional: bool,
    dev_optional: bool,
    link: bool,
    // The root's and workspaces' own declarations, for `direct`.
    dependencies: Option<Ordered<IgnoredAny>>,
    dev_dependencies: Option<Ordered<IgnoredAny>>,
    optional_dependencies: Option<Ordered<IgnoredAny>>,
    peer_dependencies: Option<Ordered<IgnoredAny>>,
}

/// An entry of the v1 `dependencies` tree.
#[derive(Deserialize, Default)]
#[serde(default)]
struct LegacyPackage {
    version: String,
    resolved: Option<String>,
    dev: bool,
    optional: bool,
    dependencies: Option<Ordered<LegacyPackage>>,
}

pub(crate) fn package_lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let lock: PackageLock = text::json(lines.text())?;
    let mut dependencies = Vec::new();
    if let Some(packages) = &lock.packages {
        locked_packages(lines, packages, &mut dependencies);
    } else if let Some(tree) = &lock.dependencies {
        let mut cursor = lines.find_top_key("dependencies", Some(b'{')).unwrap_or(usize::MAX);
        legacy_packages(lines, tree, &mut cursor, &mut dependencies);
    }
    super::deps_only(dependencies)
}

fn locked_packages(lines: &Lines<'_>, packages: &Ordered<LockedPackage>, out: &mut Vec<Dependency>) {
    // Paths without `node_modules/` are the root (`""`) and workspace packages: what each
    // declares is direct when installed right under it.
    let declared: HashMap<&str, HashSet<&str>> = packages
        .0
        .iter()
        .filter(|(path, _)| !path.contains("node_modules/"))
        .map(|(path, package)| {
            let names = [
                &package.dependencies,
                &package.dev_dependencies,
                &package.optional_dependencies,
                &package.peer_dependencies,
            ]
            .into_iter()
            .flatten()
            .flat_map(|section| section.0.iter().map(|(name, _)| name.as_str()))
            .collect();
            (path.as_str(), names)
        })
        .collect();
    let mut cursor = lines.find_top_key("packages", Some(b'{')).unwrap_or(usize::MAX);
    for (path, package) in &packages.0 {
        let Some(at) = path.rfind("node_modules/") else { continue };
        let line = lines.key_line(path, &mut cursor, Some(b'{'));
        if package.link {
            continue;
        }
        let installed_as = &path[at + "node_modules/".len()..];
        let parent = path[..at].trim_end_matches('/');
        let direct = declared.get(parent).is_some_and(|names| names.contains(installed_as));
        let name = package.name.clone().unwrap_or_else(|| installed_as.to_string());
        let kind = if package.dev || package.dev_optional {
            Kind::Dev
        } else if package.optional {
            Kind::Optional
        } else {
            Kind::Normal
        };
        out.push(Dependency {
            ecosystem: Ecosystem::Npm,
            name,
            requirement: package.version.as_deref().map_or(Requirement::Any, |v| Requirement::Resolved(v.to_string())),
            source: package.resolved.as_deref().map_or(Source::Registry, resolved_source),
            kind,
            locked: true,
            direct,
            line,
        });
    }
}

/// Walks the v1 tree depth first, the order it is written in, so the cursor meets
/// every entry's key in turn.
fn legacy_packages(lines: &Lines<'_>, tree: &Ordered<LegacyPackage>, cursor: &mut usize, out: &mut Vec<Dependency>) {
    for (installed_as, package) in &tree.0 {
        let line = lines.key_line(installed_as, cursor, Some(b'{'));
        // v1 writes an alias's or a git dependency's spec where the version goes.
        let (name, requirement, spec_source) = if is_exact_version(&package.version) {
            (installed_as.clone(), Requirement::Resolved(package.version.clone()), Source::Registry)
        } else {
            spec(installed_as, &package.version)
        };
        let source = match (&spec_source, package.resolved.as_deref()) {
            (Source::Registry, Some(resolved)) => resolved_source(resolved),
            _ => spec_source,
        };
        let kind = if package.dev {
            Kind::Dev
        } else if package.optional {
            Kind::Optional
        } else {
            Kind::Normal
        };
        out.push(Dependency {
            ecosystem: Ecosystem::Npm,
            name,
            requirement,
            source,
            kind,
            locked: true,
            // v1 hoists transitive packages to the top too: it cannot say which are direct.
            direct: false,
            line,
        });
        if let Some(nested) = &package.dependencies {
            legacy_packages(lines, nested, cursor, out);
        }
    }
}

/// Splits `name@rest` where the name may be scoped (`@scope/name@rest`).
pub(crate) fn split_name(text: &str) -> (&str, &str) {
    match text.get(1..).and_then(|tail| tail.find('@')) {
        Some(at) => (&text[..at + 1], &text[at + 2..]),
        None => (text, ""),
    }
}

/// A dependency spec as npm reads it: the real name (an `npm:` alias names another
/// package), what version it allows and where it comes from.
pub(crate) fn spec(name: &str, spec: &str) -> (String, Requirement, Source) {
    let spec = spec.trim();
    if let Some(aliased) = spec.strip_prefix("npm:") {
        let (real, range) = split_name(aliased);
        return (real.to_string(), requirement(range), Source::Registry);
    }
    let source = if let Some(range) = spec.strip_prefix("workspace:") {
        let requirement = if matches!(range, "*" | "^" | "~") { Requirement::Any } else { requirement(range) };
        return (name.to_string(), requirement, Source::Path(spec.to_string()));
    } else if let Some(path) = ["file:", "link:", "portal:"].iter().find_map(|scheme| spec.strip_prefix(scheme)) {
        Source::Path(path.to_string())
    } else if spec.starts_with(['.', '/']) || spec.starts_with("~/") {
        Source::Path(spec.to_string())
    } else if ["git+", "git:", "github:", "gitlab:", "bitbucket:", "gist:"].iter().any(|p| spec.starts_with(p)) {
        Source::Git(redact_userinfo(spec))
    } else if spec.starts_with("http://") || spec.starts_with("https://") {
        let repository = spec.split('#').next().unwrap_or(spec);
        if repository.ends_with(".git") {
            Source::Git(redact_userinfo(spec))
        } else {
            Source::Url(redact_userinfo(spec))
        }
    } else if !spec.starts_with('@') && spec.contains('/') && !spec.contains([' ', ':']) {
        // `user/repo` is GitHub shorthand.
        Source::Git(format!("github:{spec}"))
    } else {
        return (name.to_string(), requirement(spec), Source::Registry);
    };
    (name.to_string(), Requirement::Any, source)
}

/// A registry range: an exact version pins, `*`, `latest` and other dist-tags allow
/// whatever the registry serves, the rest is a range as written.
pub(crate) fn requirement(range: &str) -> Requirement {
    let range = range.trim();
    if matches!(range, "" | "*" | "x" | "X" | "latest") {
        return Requirement::Any;
    }
    let exact = range.strip_prefix('=').unwrap_or(range).trim_start();
    let exact = exact.strip_prefix('v').unwrap_or(exact);
    if is_exact_version(exact) {
        return Requirement::Resolved(exact.to_string());
    }
    let is_tag = range.starts_with(|c: char| c.is_ascii_alphabetic())
        && range.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !range.starts_with(['x', 'X', 'v']);
    if is_tag {
        Requirement::Any
    } else {
        Requirement::Range(range.to_string())
    }
}

/// `1.2.3`, `1.2.3-rc.1`, `1.2.3+build`: semver's exact form.
pub(crate) fn is_exact_version(text: &str) -> bool {
    let core_end = text.find(['-', '+']).unwrap_or(text.len());
    let (core, rest) = text.split_at(core_end);
    let mut parts = 0;
    for part in core.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        parts += 1;
    }
    parts == 3
        && (rest.is_empty()
            || (rest.len() > 1 && rest[1..].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))))
}

/// Where a lock file's `resolved` URL fetched the package from.
pub(crate) fn resolved_source(resolved: &str) -> Source {
    const PUBLIC: [&str; 2] = ["registry.npmjs.org/", "registry.yarnpkg.com/"];
    // Old lock files fetched over plain http.
    let without_scheme = resolved.strip_prefix("https://").or_else(|| resolved.strip_prefix("http://"));
    if without_scheme.is_some_and(|rest| PUBLIC.iter().any(|registry| rest.starts_with(registry))) {
        return Source::Registry;
    }
    if ["git+", "git:", "github:", "gitlab:", "bitbucket:"].iter().any(|p| resolved.starts_with(p)) {
        return Source::Git(redact_userinfo(resolved));
    }
    if let Some(path) = resolved.strip_prefix("file:") {
        return Source::Path(path.to_string());
    }
    if !resolved.contains("://") {
        // Workspace links resolve to the linked directory.
        return Source::Path(resolved.to_string());
    }
    match resolved.find("/-/") {
        // `<registry>/<name>/-/<file>.tgz` is every registry's tarball layout.
        Some(tarballs) => {
            let package_start = resolved[..tarballs].rfind('/').map_or(0, |slash| {
                // A scoped name spans two segments: `<registry>/@scope/name/-/…`.
                match resolved[..slash].rfind('/') {
                    Some(scope) if resolved[scope + 1..].starts_with('@') => scope,
                    _ => slash,
                }
            });
            Source::OtherRegistry(redact_userinfo(&resolved[..package_start + 1]))
        }
        None => Source::Url(redact_userinfo(resolved)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_read_as_npm_reads_them() {
        let cases: [(&str, &str, Requirement, Source); 12] = [
            ("a", "^1.2.3", Requirement::Range("^1.2.3".into()), Source::Registry),
            ("a", "1.2.3", Requirement::Resolved("1.2.3".into()), Source::Registry),
            ("a", "=v1.2.3", Requirement::Resolved("1.2.3".into()), Source::Registry),
            ("a", ">=1 <2", Requirement::Range(">=1 <2".into()), Source::Registry),
            ("a", "1.x", Requirement::Range("1.x".into()), Source::Registry),
            ("a", "next", Requirement::Any, Source::Registry),
            ("real", "npm:real@^2", Requirement::Range("^2".into()), Source::Registry),
            ("a", "github:o/a#v1", Requirement::Any, Source::Git("github:o/a#v1".into())),
            ("a", "o/a", Requirement::Any, Source::Git("github:o/a".into())),
            ("a", "file:../a", Requirement::Any, Source::Path("../a".into())),
            ("a", "https://x.example/a.tgz", Requirement::Any, Source::Url("https://x.example/a.tgz".into())),
            ("a", "workspace:^1.0.0", Requirement::Range("^1.0.0".into()), Source::Path("workspace:^1.0.0".into())),
        ];
        for (name, written, requirement, source) in cases {
            let alias_or_name = if written.starts_with("npm:") { "alias" } else { name };
            assert_eq!(spec(alias_or_name, written), (name.to_string(), requirement, source), "{written}");
        }
        assert_eq!(spec("s", "npm:@scope/pkg@1.0.0").0, "@scope/pkg");
    }

    #[test]
    fn tarball_urls_name_their_registry() {
        assert_eq!(resolved_source("https://registry.npmjs.org/a/-/a-1.0.0.tgz"), Source::Registry);
        assert_eq!(resolved_source("http://registry.yarnpkg.com/a/-/a-1.0.0.tgz"), Source::Registry);
        assert_eq!(
            resolved_source("https://npm.corp.example/repo/@s/a/-/a-1.0.0.tgz"),
            Source::OtherRegistry("https://npm.corp.example/repo/".into())
        );
        assert_eq!(
            resolved_source("git+ssh://git@github.com/o/a.git#abc"),
            Source::Git("git+ssh://git@github.com/o/a.git#abc".into())
        );
        assert_eq!(resolved_source("packages/app"), Source::Path("packages/app".into()));
    }

    #[test]
    fn names_split_from_versions() {
        assert_eq!(split_name("@s/a@^1"), ("@s/a", "^1"));
        assert_eq!(split_name("a@npm:b@1"), ("a", "npm:b@1"));
        assert_eq!(split_name("a"), ("a", ""));
        assert!(is_exact_version("1.2.3-rc.1+b5") && !is_exact_version("1.2") && !is_exact_version("^1.2.3"));
    }
}
