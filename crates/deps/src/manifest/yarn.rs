//! `yarn.lock`: classic (v1, yarn's own indented format, read by a small parser here)
//! and berry (v2+, YAML with a `__metadata` entry).

use serde::Deserialize;

use super::npm::{self, split_name};
use super::text::{self, Lines, Ordered, Scalar};
use super::{ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

pub(crate) fn lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    if lines.section("__metadata:").is_some() {
        berry(lines)
    } else {
        classic(lines)
    }
}

/// One block of a classic lock: the specs of its header and its `version`/`resolved`.
struct Block<'a> {
    line: u32,
    first_spec: String,
    version: Option<&'a str>,
    resolved: Option<&'a str>,
}

fn classic(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for (index, raw) in lines.text().lines().enumerate() {
        let line = index as u32 + 1;
        let content = raw.trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = content.len() - trimmed.len();
        if indent == 0 {
            let Some(header) = content.strip_suffix(':') else {
                return Err(ParseError::at(
                    line,
                    content.chars().count() as u32 + 1,
                    "expected `:` after the entry's specs",
                ));
            };
            let specs = header_specs(header).map_err(|column| ParseError::at(line, column, "unterminated quote"))?;
            let Some(first_spec) = specs.into_iter().next() else {
                return Err(ParseError::at(line, 1, "entry without a spec"));
            };
            blocks.push(Block { line, first_spec, version: None, resolved: None });
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            return Err(ParseError::at(line, 1, "indented line outside an entry"));
        };
        // Only the entry's own fields (two spaces in) matter; deeper lines list its
        // dependencies.
        if indent != 2 {
            continue;
        }
        let (field, value) = trimmed.split_once([' ', ':']).unwrap_or((trimmed, ""));
        let value =
            unquote(value.trim()).map_err(|()| ParseError::at(line, indent as u32 + 1, "unterminated quote"))?;
        match field.trim_matches('"') {
            "version" => block.version = Some(value),
            "resolved" => block.resolved = Some(value),
            _ => {}
        }
    }
    let mut dependencies = Vec::with_capacity(blocks.len());
    for block in blocks {
        let Some(version) = block.version else {
            return Err(ParseError::at(block.line, 1, format!("entry `{}` has no version", block.first_spec)));
        };
        let (written_name, range) = split_name(&block.first_spec);
        let (name, _, spec_source) = npm::spec(written_name, range);
        let source = match (spec_source, block.resolved) {
            (Source::Registry, Some(resolved)) => npm::resolved_source(resolved),
            (source, _) => source,
        };
        dependencies.push(Dependency {
            ecosystem: Ecosystem::Npm,
            name,
            requirement: Requirement::Resolved(version.to_string()),
            source,
            kind: Kind::Normal,
            locked: true,
            // yarn.lock does not say what the project itself asks for.
            direct: false,
            line: Some(block.line),
        });
    }
    super::deps_only(dependencies)
}

/// `"a@^1.0.0", a@^1.1.0` → its specs; `Err(column)` of an unterminated quote.
fn header_specs(header: &str) -> Result<Vec<String>, u32> {
    let mut specs = Vec::new();
    let mut rest = header;
    let mut column = 1;
    loop {
        let trimmed = rest.trim_start();
        column += (rest.len() - trimmed.len()) as u32;
        if trimmed.is_empty() {
            return Ok(specs);
        }
        let (spec, after) = if let Some(quoted) = trimmed.strip_prefix('"') {
            let end = quoted.find('"').ok_or(column)?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = trimmed.find(',').unwrap_or(trimmed.len());
            (trimmed[..end].trim_end(), &trimmed[end..])
        };
        specs.push(spec.to_string());
        column += (trimmed.len() - after.len()) as u32;
        rest = after.trim_start().strip_prefix(',').unwrap_or(after);
        column += (after.len() - rest.len()) as u32;
    }
}

fn unquote(value: &str) -> Result<&str, ()> {
    match value.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"').ok_or(()),
        None => Ok(value),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BerryEntry {
    version: Option<Scalar>,
    resolution: Option<String>,
}

fn berry(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let entries: Ordered<BerryEntry> = text::yaml(lines.text())?;
    let mut dependencies = Vec::with_capacity(entries.0.len());
    let mut cursor = 0;
    for (key, entry) in &entries.0 {
        if key == "__metadata" {
            continue;
        }
        let line = lines.key_line(key, &mut cursor, None);
        let resolution = entry.resolution.as_deref().unwrap_or(key.split(", ").next().unwrap_or(key));
        let (name, reference) = split_name(resolution);
        let Some(source) = berry_source(reference) else { continue };
        let version = entry.version.as_ref().map(|v| v.0.as_str());
        let version = version.or_else(|| reference.strip_prefix("npm:")).filter(|v| !v.is_empty());
        dependencies.push(Dependency {
            ecosystem: Ecosystem::Npm,
            name: name.to_string(),
            requirement: version.map_or(Requirement::Any, |v| Requirement::Resolved(v.to_string())),
            source,
            kind: Kind::Normal,
            locked: true,
            direct: false,
            line,
        });
    }
    super::deps_only(dependencies)
}

/// Where a berry resolution (`npm:1.2.3`, `patch:…`, `https://github.com/…#commit=…`)
/// takes the package from; `None` for the project's own workspaces.
fn berry_source(reference: &str) -> Option<Source> {
    // `file:../a::locator=app%40workspace%3A.` says which workspace asked: not the path.
    let reference = reference.split("::").next().unwrap_or(reference);
    if reference.starts_with("workspace:") {
        return None;
    }
    if let Some(patched) = reference.strip_prefix("patch:") {
        // `patch:name@npm%3A1.2.3#…` patches the package its inner, escaped locator names.
        let inner = patched.split('#').next().unwrap_or(patched).replace("%3A", ":").replace("%40", "@");
        return berry_source(split_name(&inner).1);
    }
    if reference.starts_with("npm:") {
        return Some(Source::Registry);
    }
    Some(match npm::spec("", reference) {
        (_, _, Source::Registry) => Source::Registry,
        (_, _, source) => source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_split_into_specs() {
        assert_eq!(header_specs(r#""@b/c@^7.0.0", "@b/c@^7.1.0""#).unwrap(), ["@b/c@^7.0.0", "@b/c@^7.1.0"]);
        assert_eq!(header_specs("a@^1, a@~1.2").unwrap(), ["a@^1", "a@~1.2"]);
        assert_eq!(header_specs(r#"a@^1, "b@2"#), Err(7));
    }

    #[test]
    fn berry_sources() {
        assert_eq!(berry_source("npm:1.0.0"), Some(Source::Registry));
        assert_eq!(berry_source("workspace:."), None);
        assert_eq!(berry_source("patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::v=1"), Some(Source::Registry));
        assert_eq!(
            berry_source("https://github.com/o/a.git#commit=abc"),
            Some(Source::Git("https://github.com/o/a.git#commit=abc".into()))
        );
        assert_eq!(berry_source("file:../a::locator=app%40workspace%3A."), Some(Source::Path("../a".into())));
    }
}
