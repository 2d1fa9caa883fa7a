//! `pyproject.toml` (PEP 621, PEP 735, PEP 518 and Poetry), `poetry.lock`, `uv.lock`,
//! `Pipfile.lock` and `pylock.toml` (PEP 751).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::requirements::{pep508, specifier_requirement, url_source, PYPI};
use super::text::{self, redact_userinfo, Lines, Ordered};
use super::{ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

fn dependency(
    name: String,
    requirement: Requirement,
    source: Source,
    kind: Kind,
    locked: bool,
    line: Option<u32>,
) -> Dependency {
    Dependency { ecosystem: Ecosystem::PyPI, name, requirement, source, kind, locked, direct: !locked, line }
}

/// An index URL as a source: PyPI itself or another index.
fn index_source(url: &str) -> Source {
    if PYPI.contains(&url.trim_end_matches('/')) {
        Source::Registry
    } else {
        Source::OtherRegistry(redact_userinfo(url))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Pyproject {
    project: Project,
    #[serde(rename = "dependency-groups")]
    dependency_groups: BTreeMap<String, Vec<Spanned<toml::Value>>>,
    #[serde(rename = "build-system")]
    build_system: BuildSystem,
    tool: Tool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Project {
    dependencies: Vec<Spanned<String>>,
    #[serde(rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BuildSystem {
    requires: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tool {
    poetry: Poetry,
    uv: Uv,
}

type PoetryTable = Ordered<toml::Value, Spanned<String>>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Poetry {
    dependencies: PoetryTable,
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: PoetryTable,
    group: BTreeMap<String, PoetryGroup>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PoetryGroup {
    dependencies: PoetryTable,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Uv {
    /// Where uv takes a PEP 621 dependency from instead of the index.
    sources: HashMap<String, toml::Value>,
}

pub(crate) fn pyproject(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let pyproject: Pyproject = text::toml(lines)?;
    let mut out = Vec::new();
    let requirement_list = |items: &[Spanned<String>], kind: Kind, out: &mut Vec<Dependency>| {
        for item in items {
            out.push(pep508_dependency(lines, item.get_ref(), item.span().start, kind)?);
        }
        Ok::<_, ParseError>(())
    };
    requirement_list(&pyproject.project.dependencies, Kind::Normal, &mut out)?;
    for items in pyproject.project.optional_dependencies.values() {
        requirement_list(items, Kind::Optional, &mut out)?;
    }
    for items in pyproject.dependency_groups.values() {
        for item in items {
            // `{include-group = "…"}` names another group, read on its own.
            if let Some(requirement) = item.get_ref().as_str() {
                out.push(pep508_dependency(lines, requirement, item.span().start, Kind::Dev)?);
            }
        }
    }
    requirement_list(&pyproject.build_system.requires, Kind::Build, &mut out)?;
    let uv_sources: HashMap<String, Source> = pyproject
        .tool
        .uv
        .sources
        .iter()
        .filter_map(|(name, value)| Some((Ecosystem::PyPI.normalise(name), uv_source(value)?)))
        .collect();
    for dependency in &mut out {
        if let Some(source) = uv_sources.get(&dependency.key()) {
            dependency.source = source.clone();
        }
    }
    let poetry = &pyproject.tool.poetry;
    let mut poetry_tables = vec![(&poetry.dependencies, Kind::Normal), (&poetry.dev_dependencies, Kind::Dev)];
    for (name, group) in &poetry.group {
        poetry_tables.push((&group.dependencies, if name == "main" { Kind::Normal } else { Kind::Dev }));
    }
    for (table, kind) in poetry_tables {
        for (key, value) in &table.0 {
            if key.get_ref().eq_ignore_ascii_case("python") {
                continue;
            }
            let line = lines.line(key.span().start);
            // A list of tables gives one constraint per platform or Python version.
            let constraints = match value {
                toml::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for constraint in constraints {
                let Some((requirement, source, optional)) = poetry_constraint(constraint) else {
                    let (line, column) = lines.line_col(key.span().start);
                    return Err(ParseError::at(
                        line,
                        column,
                        format!("`{}`: expected a version or a table", key.get_ref()),
                    ));
                };
                let kind = if optional && kind == Kind::Normal { Kind::Optional } else { kind };
                out.push(dependency(key.get_ref().clone(), requirement, source, kind, false, Some(line)));
            }
        }
    }
    // The TOML reader sorts tables by key; the file's order is the line order.
    out.sort_by_key(|dependency| dependency.line);
    super::deps_only(out)
}

fn pep508_dependency(lines: &Lines<'_>, text: &str, string_start: usize, kind: Kind) -> Result<Dependency, ParseError> {
    // `string_start` is the opening quote.
    let parsed = pep508(text).map_err(|(at, message)| {
        let (line, column) = lines.line_col(string_start + 1 + at);
        ParseError::at(line, column, message)
    })?;
    Ok(dependency(parsed.name, parsed.requirement, parsed.source, kind, false, Some(lines.line(string_start))))
}

fn uv_source(value: &toml::Value) -> Option<Source> {
    let field = |name: &str| value.get(name).and_then(toml::Value::as_str);
    if let Some(git) = field("git") {
        Some(Source::Git(redact_userinfo(git)))
    } else if let Some(path) = field("path") {
        Some(Source::Path(path.to_string()))
    } else if let Some(url) = field("url") {
        Some(Source::Url(redact_userinfo(url)))
    } else if let Some(index) = field("index") {
        Some(Source::OtherRegistry(index.to_string()))
    } else if value.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
        Some(Source::Path("workspace".to_string()))
    } else {
        None
    }
}

/// Poetry's `"^1.2"` or `{ version, git, path, url, source, optional }`. A bare
/// `1.2.3` is exact in Poetry, like `==1.2.3`.
fn poetry_constraint(value: &toml::Value) -> Option<(Requirement, Source, bool)> {
    if let Some(version) = value.as_str() {
        return Some((poetry_requirement(version), Source::Registry, false));
    }
    let table = value.as_table()?;
    let field = |name: &str| table.get(name).and_then(toml::Value::as_str);
    let source = if let Some(git) = field("git") {
        Source::Git(redact_userinfo(git))
    } else if let Some(path) = field("path") {
        Source::Path(path.to_string())
    } else if let Some(url) = field("url") {
        Source::Url(redact_userinfo(url))
    } else if let Some(named) = field("source") {
        Source::OtherRegistry(named.to_string())
    } else {
        Source::Registry
    };
    let requirement = field("version").map_or(Requirement::Any, poetry_requirement);
    Some((requirement, source, table.get("optional").and_then(toml::Value::as_bool) == Some(true)))
}

fn poetry_requirement(text: &str) -> Requirement {
    let text = text.trim();
    let bare_exact = text.starts_with(|c: char| c.is_ascii_digit()) && !text.contains([',', '*', ' ', '|']);
    if bare_exact {
        Requirement::Resolved(text.to_string())
    } else {
        specifier_requirement(text)
    }
}

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: Spanned<String>,
    version: String,
    #[serde(default)]
    optional: bool,
    /// Poetry before 1.2: `main` or `dev`.
    category: Option<String>,
    /// Poetry 1.2 on (lock format 2.1): the groups that pull the package in.
    groups: Option<Vec<String>>,
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: String,
    url: String,
    resolved_reference: Option<String>,
}

pub(crate) fn poetry_lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let lock: PoetryLock = text::toml(lines)?;
    let dependencies = lock
        .package
        .into_iter()
        .map(|package| {
            let source = match &package.source {
                None => Source::Registry,
                Some(source) => match source.kind.as_str() {
                    "git" => Source::Git(match &source.resolved_reference {
                        Some(commit) => format!("{}#{commit}", redact_userinfo(&source.url)),
                        None => redact_userinfo(&source.url),
                    }),
                    "directory" | "file" => Source::Path(source.url.clone()),
                    "url" => Source::Url(redact_userinfo(&source.url)),
                    _ => index_source(&source.url),
                },
            };
            let dev = package.category.as_deref() == Some("dev")
                || package.groups.as_ref().is_some_and(|groups| !groups.iter().any(|g| g == "main"));
            let kind = if dev {
                Kind::Dev
            } else if package.optional {
                Kind::Optional
            } else {
                Kind::Normal
            };
            let line = Some(lines.line(package.name.span().start));
            dependency(package.name.into_inner(), Requirement::Resolved(package.version), source, kind, true, line)
        })
        .collect();
    super::deps_only(dependencies)
}

#[derive(Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Deserialize)]
struct UvPackage {
    name: Spanned<String>,
    version: Option<String>,
    source: Option<toml::Table>,
    #[serde(default)]
    dependencies: Vec<UvEdge>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<UvEdge>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<UvEdge>>,
}

#[derive(Deserialize)]
struct UvEdge {
    name: String,
}

pub(crate) fn uv_lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let lock: UvLock = text::toml(lines)?;
    let is_project = |package: &UvPackage| {
        package.source.as_ref().is_some_and(|source| source.contains_key("virtual") || source.contains_key("editable"))
    };
    // What the projects themselves ask for, and how.
    let mut asked: HashMap<&str, Vec<Kind>> = HashMap::new();
    for project in lock.package.iter().filter(|p| is_project(p)) {
        let edges = project.dependencies.iter().map(|e| (e, Kind::Normal));
        let optional = project.optional_dependencies.values().flatten().map(|e| (e, Kind::Optional));
        let dev = project.dev_dependencies.values().flatten().map(|e| (e, Kind::Dev));
        for (edge, kind) in edges.chain(optional).chain(dev) {
            asked.entry(edge.name.as_str()).or_default().push(kind);
        }
    }
    let mut dependencies = Vec::with_capacity(lock.package.len());
    for package in &lock.package {
        if is_project(package) {
            continue;
        }
        let field = |name: &str| package.source.as_ref()?.get(name)?.as_str();
        let source = if let Some(registry) = field("registry") {
            if registry.contains("://") {
                index_source(registry)
            } else {
                // A local directory of distributions serving as an index.
                Source::Path(registry.to_string())
            }
        } else if let Some(git) = field("git") {
            Source::Git(redact_userinfo(git))
        } else if let Some(path) = field("path").or_else(|| field("directory")) {
            Source::Path(path.to_string())
        } else if let Some(url) = field("url") {
            Source::Url(redact_userinfo(url))
        } else {
            Source::Registry
        };
        let kinds = asked.get(package.name.get_ref().as_str());
        let kind = match kinds {
            Some(kinds) if kinds.contains(&Kind::Normal) => Kind::Normal,
            Some(kinds) if kinds.contains(&Kind::Optional) => Kind::Optional,
            Some(_) => Kind::Dev,
            None => Kind::Normal,
        };
        let requirement = package.version.clone().map_or(Requirement::Any, Requirement::Resolved);
        let mut dependency = dependency(
            package.name.get_ref().clone(),
            requirement,
            source,
            kind,
            true,
            Some(lines.line(package.name.span().start)),
        );
        dependency.direct = kinds.is_some();
        dependencies.push(dependency);
    }
    super::deps_only(dependencies)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PipfileLock {
    #[serde(rename = "_meta")]
    meta: PipfileMeta,
    default: Ordered<PipfileEntry>,
    develop: Ordered<PipfileEntry>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PipfileMeta {
    sources: Vec<PipfileIndex>,
}

#[derive(Deserialize, Default)]
struct PipfileIndex {
    name: String,
    url: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PipfileEntry {
    version: Option<String>,
    index: Option<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    path: Option<String>,
    file: Option<String>,
}

pub(crate) fn pipfile_lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let lock: PipfileLock = text::json(lines.text())?;
    let indexes: HashMap<&str, &str> = lock.meta.sources.iter().map(|s| (s.name.as_str(), s.url.as_str())).collect();
    let mut dependencies = Vec::new();
    for (section, entries, kind) in [("default", &lock.default, Kind::Normal), ("develop", &lock.develop, Kind::Dev)] {
        let mut cursor = lines.find_top_key(section, Some(b'{')).unwrap_or(usize::MAX);
        for (name, entry) in &entries.0 {
            let line = lines.key_line(name, &mut cursor, Some(b'{'));
            let source = if let Some(git) = &entry.git {
                let git = redact_userinfo(git);
                Source::Git(entry.reference.as_ref().map_or(git.clone(), |r| format!("{git}#{r}")))
            } else if let Some(path) = &entry.path {
                Source::Path(path.clone())
            } else if let Some(file) = &entry.file {
                url_source(file)
            } else {
                match entry.index.as_deref().and_then(|name| indexes.get(name)) {
                    Some(url) => index_source(url),
                    None => Source::Registry,
                }
            };
            let requirement = entry.version.as_deref().map_or(Requirement::Any, specifier_requirement);
            dependencies.push(dependency(name.clone(), requirement, source, kind, true, line));
        }
    }
    super::deps_only(dependencies)
}

#[derive(Deserialize)]
struct Pylock {
    #[serde(default)]
    packages: Vec<PylockPackage>,
}

#[derive(Deserialize)]
struct PylockPackage {
    name: Spanned<String>,
    version: Option<String>,
    index: Option<String>,
    vcs: Option<PylockLocation>,
    directory: Option<PylockLocation>,
    archive: Option<PylockLocation>,
}

#[derive(Deserialize)]
struct PylockLocation {
    url: Option<String>,
    path: Option<String>,
    #[serde(rename = "commit-id")]
    commit_id: Option<String>,
}

pub(crate) fn pylock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let lock: Pylock = text::toml(lines)?;
    let dependencies = lock
        .packages
        .into_iter()
        .map(|package| {
            let source = if let Some(vcs) = &package.vcs {
                match (&vcs.url, &vcs.path) {
                    (Some(url), _) => Source::Git(match &vcs.commit_id {
                        Some(commit) => format!("{}#{commit}", redact_userinfo(url)),
                        None => redact_userinfo(url),
                    }),
                    (None, path) => Source::Path(path.clone().unwrap_or_default()),
                }
            } else if let Some(directory) = &package.directory {
                Source::Path(directory.path.clone().unwrap_or_default())
            } else if let Some(archive) = &package.archive {
                match (&archive.url, &archive.path) {
                    (Some(url), _) => Source::Url(redact_userinfo(url)),
                    (None, path) => Source::Path(path.clone().unwrap_or_default()),
                }
            } else {
                package.index.as_deref().map_or(Source::Registry, index_source)
            };
            let line = Some(lines.line(package.name.span().start));
            let requirement = package.version.map_or(Requirement::Any, Requirement::Resolved);
            dependency(package.name.into_inner(), requirement, source, Kind::Normal, true, line)
        })
        .collect();
    super::deps_only(dependencies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_versions() {
        assert_eq!(poetry_requirement("^1.2"), Requirement::Range("^1.2".into()));
        assert_eq!(poetry_requirement("1.2.3"), Requirement::Resolved("1.2.3".into()));
        assert_eq!(poetry_requirement("==1.2.3"), Requirement::Resolved("1.2.3".into()));
        assert_eq!(poetry_requirement(">=1,<2"), Requirement::Range(">=1,<2".into()));
        assert_eq!(poetry_requirement("*"), Requirement::Any);
    }
}
