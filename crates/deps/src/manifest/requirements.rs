//! pip's requirements files (`requirements*.txt`, `*.in`, `constraints*.txt`) and the
//! PEP 508 requirement strings they share with `pyproject.toml`.

use super::text::{redact_userinfo, Lines};
use super::{Include, ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

/// One PEP 508 requirement (`name[extras] >=1,<2 ; marker`, `name @ URL`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Pep508 {
    pub name: String,
    pub requirement: Requirement,
    pub source: Source,
}

/// A PEP 508 string, or the byte offset and reason it is not one. Markers are not
/// judged: a dependency for one platform is a dependency all the same.
pub(crate) fn pep508(text: &str) -> Result<Pep508, (usize, String)> {
    let leading = text.len() - text.trim_start().len();
    let body = &text[leading..];
    let name_len =
        body.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))).unwrap_or(body.len());
    let name = &body[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) || !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err((leading, "expected a package name".to_string()));
    }
    let mut at = leading + name_len;
    let mut rest = &text[at..];
    let skip_blanks = |rest: &mut &str, at: &mut usize| {
        let trimmed = rest.trim_start();
        *at += rest.len() - trimmed.len();
        *rest = trimmed;
    };
    skip_blanks(&mut rest, &mut at);
    if rest.starts_with('[') {
        let close = rest.find(']').ok_or((at, "`[` of the extras is never closed".to_string()))?;
        at += close + 1;
        rest = &rest[close + 1..];
        skip_blanks(&mut rest, &mut at);
    }
    if let Some(url) = rest.strip_prefix('@') {
        let url = url.trim_start();
        // A URL ends at whitespace; a marker follows after ` ;`.
        let url = &url[..url.find(char::is_whitespace).unwrap_or(url.len())];
        if url.is_empty() {
            return Err((at + 1, "expected a URL after `@`".to_string()));
        }
        return Ok(Pep508 { name: name.to_string(), requirement: Requirement::Any, source: url_source(url) });
    }
    let specifiers = rest.split(';').next().unwrap_or_default().trim();
    let specifiers = specifiers.strip_prefix('(').and_then(|s| s.strip_suffix(')')).unwrap_or(specifiers).trim();
    if !specifiers.is_empty() && !specifiers.starts_with(['<', '>', '=', '!', '~']) {
        return Err((at, "expected a version specifier, `@ URL` or `;`".to_string()));
    }
    Ok(Pep508 { name: name.to_string(), requirement: specifier_requirement(specifiers), source: Source::Registry })
}

/// `==1.2.3` and `===1.2.3` pin one version (`==1.2.*` does not); the rest is a range.
pub(crate) fn specifier_requirement(specifiers: &str) -> Requirement {
    let specifiers = specifiers.trim();
    if specifiers.is_empty() || specifiers == "*" {
        return Requirement::Any;
    }
    if !specifiers.contains(',') {
        if let Some(exact) = specifiers.strip_prefix("===").or_else(|| specifiers.strip_prefix("==")) {
            let exact = exact.trim();
            if !exact.is_empty() && !exact.contains('*') {
                return Requirement::Resolved(exact.to_string());
            }
        }
    }
    Requirement::Range(specifiers.to_string())
}

/// `git+https://…`, `file:///…`, `https://…/a-1.0.tar.gz`, `./dist/a.whl`.
pub(crate) fn url_source(url: &str) -> Source {
    if ["git+", "hg+", "svn+", "bzr+"].iter().any(|vcs| url.starts_with(vcs)) {
        Source::Git(redact_userinfo(url))
    } else if let Some(path) = url.strip_prefix("file://") {
        Source::Path(path.to_string())
    } else if url.contains("://") {
        Source::Url(redact_userinfo(url))
    } else {
        Source::Path(url.to_string())
    }
}

/// The project name a bare URL or path installs: its `#egg=` fragment, else the name
/// part of a wheel or sdist file name (`a_b-1.0-py3-none-any.whl`, `a-b-1.0.tar.gz`).
fn name_of_location(location: &str) -> Option<String> {
    if let Some(egg) = location.split_once("#egg=").map(|(_, egg)| egg) {
        let egg = egg.split('&').next().unwrap_or(egg);
        return Some(egg.to_string()).filter(|e| !e.is_empty());
    }
    let file = location.split(['#', '?']).next()?.trim_end_matches('/').rsplit('/').next()?;
    let stem = [".whl", ".tar.gz", ".tar.bz2", ".tgz", ".zip"].iter().find_map(|ext| file.strip_suffix(ext))?;
    let version_start =
        stem.match_indices('-').find(|(at, _)| stem[at + 1..].starts_with(|c: char| c.is_ascii_digit()));
    version_start.map(|(at, _)| stem[..at].to_string())
}

pub(crate) const PYPI: [&str; 2] = ["https://pypi.org/simple", "https://pypi.python.org/simple"];

/// Reads a requirements file. Includes (`-r`, `-c`) are returned, not followed. An
/// `--index-url` other than PyPI is every registry requirement's source; with only
/// `--extra-index-url`s, the first of them is, since pip may take any package from it.
pub(crate) fn parse(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let mut parsed = Parsed::default();
    let mut index: Option<String> = None;
    let mut extra_index: Option<String> = None;
    for (line, logical) in logical_lines(lines.text()) {
        let content = strip_comment(&logical);
        let trimmed = content.trim();
        if trimmed.is_empty() {
            continue;
        }
        let column_of = |offset_in_trimmed: usize| {
            let leading = content.len() - content.trim_start().len();
            content[..leading + offset_in_trimmed].chars().count() as u32 + 1
        };
        if trimmed.starts_with('-') {
            let (option, value) = split_option(trimmed);
            let needs_value = |what: &str| {
                if value.is_empty() {
                    Err(ParseError::at(line, column_of(0), format!("`{option}` needs {what}")))
                } else {
                    Ok(())
                }
            };
            match option {
                "-r" | "--requirement" | "-c" | "--constraint" => {
                    needs_value("a file")?;
                    let constraints = option.starts_with("-c") || option == "--constraint";
                    parsed.includes.push(Include { path: value.to_string(), constraints, line });
                }
                "-e" | "--editable" => {
                    needs_value("a path or URL")?;
                    // A local directory without `#egg=` has no name but its path.
                    let location = value.split_whitespace().next().unwrap_or(value);
                    let name = name_of_location(location).unwrap_or_else(|| location.to_string());
                    parsed.dependencies.push(python_dependency(name, Requirement::Any, url_source(location), line));
                }
                "-i" | "--index-url" => {
                    needs_value("a URL")?;
                    index = Some(value.to_string());
                }
                "--extra-index-url" => {
                    needs_value("a URL")?;
                    extra_index.get_or_insert_with(|| value.to_string());
                }
                // Everything else (`--find-links`, `--pre`, `--no-binary`, `--trusted-host`,
                // `--require-hashes`, …) tells pip how to install, not what.
                _ => {}
            }
            continue;
        }
        // Per-requirement options (`--hash=…`, `--config-settings …`) follow the requirement.
        let requirement = match trimmed.find(" --").or_else(|| trimmed.find("\t--")) {
            Some(at) => trimmed[..at].trim_end(),
            None => trimmed,
        };
        let first_word = requirement.split_whitespace().next().unwrap_or(requirement);
        let is_location = first_word.contains("://")
            || first_word.starts_with(['.', '/'])
            || ["git+", "hg+", "svn+", "bzr+", "file:"].iter().any(|p| first_word.starts_with(p));
        if is_location {
            let location = first_word.split(';').next().unwrap_or(first_word);
            let name = name_of_location(location).unwrap_or_else(|| location.to_string());
            parsed.dependencies.push(python_dependency(name, Requirement::Any, url_source(location), line));
            continue;
        }
        let requirement = pep508(requirement).map_err(|(at, message)| ParseError::at(line, column_of(at), message))?;
        parsed.dependencies.push(python_dependency(
            requirement.name,
            requirement.requirement,
            requirement.source,
            line,
        ));
    }
    let index = match (index, extra_index) {
        (Some(index), _) if !PYPI.contains(&index.trim_end_matches('/')) => Some(index),
        (_, extra) => extra,
    };
    if let Some(index) = index {
        for dependency in &mut parsed.dependencies {
            if dependency.source == Source::Registry {
                dependency.source = Source::OtherRegistry(redact_userinfo(&index));
            }
        }
    }
    Ok(parsed)
}

fn python_dependency(name: String, requirement: Requirement, source: Source, line: u32) -> Dependency {
    Dependency {
        ecosystem: Ecosystem::PyPI,
        name,
        requirement,
        source,
        kind: Kind::Normal,
        locked: false,
        direct: true,
        line: Some(line),
    }
}

/// Physical lines joined where one ends in `\`, each with the 1-based line it starts on.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (start, mut joined) = pending.take().unwrap_or((index as u32 + 1, String::new()));
        match raw.strip_suffix('\\') {
            // A comment line does not continue (pip's rule too).
            Some(head) if !raw.trim_start().starts_with('#') => {
                joined.push_str(head);
                joined.push(' ');
                pending = Some((start, joined));
            }
            _ => {
                joined.push_str(raw);
                out.push((start, joined));
            }
        }
    }
    out.extend(pending);
    out
}

/// A `#` at the start or after whitespace starts a comment (`#egg=` in a URL does not).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let comment =
        bytes.iter().enumerate().position(|(i, &b)| b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()));
    match comment {
        Some(at) => &line[..at],
        None => line,
    }
}

/// `-r file`, `-rfile`, `--requirement=file`, `--requirement file`.
fn split_option(text: &str) -> (&str, &str) {
    if let Some(long) = text.strip_prefix("--") {
        let end = long.find(['=', ' ', '\t']).map_or(text.len(), |at| at + 2);
        let value = text[end..].trim_start_matches(['=', ' ', '\t']).trim();
        return (&text[..end], value);
    }
    let end = text.char_indices().nth(2).map_or(text.len(), |(at, _)| at);
    (&text[..end], text[end..].trim_start_matches(['=', ' ', '\t']).trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep508_forms() {
        let read = |text: &str| pep508(text).unwrap();
        assert_eq!(read("requests").requirement, Requirement::Any);
        assert_eq!(
            read("requests [socks] ==2.31.0 ; python_version<'3.12'").requirement,
            Requirement::Resolved("2.31.0".into())
        );
        assert_eq!(read("a (>=1,<2)").requirement, Requirement::Range(">=1,<2".into()));
        assert_eq!(read("a==1.*").requirement, Requirement::Range("==1.*".into()));
        assert_eq!(read("a===1.0-custom").requirement, Requirement::Resolved("1.0-custom".into()));
        let url = read("pkg @ https://u:p@files.example/pkg-1.0.tar.gz ; os_name == 'nt'");
        assert_eq!(
            (url.name.as_str(), url.source),
            ("pkg", Source::Url("https://files.example/pkg-1.0.tar.gz".into()))
        );
        assert_eq!(pep508("==1.0"), Err((0, "expected a package name".into())));
        assert_eq!(pep508("a[x"), Err((1, "`[` of the extras is never closed".into())));
        assert_eq!(pep508("a 1.0").unwrap_err().0, 2);
    }

    #[test]
    fn locations_name_their_project() {
        assert_eq!(name_of_location("git+https://github.com/o/r.git@v1#egg=my-pkg").as_deref(), Some("my-pkg"));
        assert_eq!(name_of_location("https://x.example/a_b-1.0-py3-none-any.whl").as_deref(), Some("a_b"));
        assert_eq!(name_of_location("./dist/my-pkg-2.0.tar.gz").as_deref(), Some("my-pkg"));
        assert_eq!(name_of_location("."), None);
    }

    #[test]
    fn options_split_every_way() {
        assert_eq!(split_option("-r base.txt"), ("-r", "base.txt"));
        assert_eq!(split_option("-rbase.txt"), ("-r", "base.txt"));
        assert_eq!(split_option("--requirement=base.txt"), ("--requirement", "base.txt"));
        assert_eq!(split_option("--pre"), ("--pre", ""));
    }
}
