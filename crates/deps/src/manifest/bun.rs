//! `bun.lock`: JSON with comments and trailing commas, whose `packages` entries are
//! arrays starting with `name@version`.

use std::collections::HashMap;

use serde::Deserialize;

use super::npm::{self, split_name};
use super::text::{self, redact_userinfo, Lines, Ordered};
use super::{ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

#[derive(Deserialize, Default)]
#[serde(default)]
struct BunLock {
    workspaces: Ordered<Workspace>,
    packages: Ordered<Vec<serde_json::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Workspace {
    dependencies: Ordered<serde::de::IgnoredAny>,
    dev_dependencies: Ordered<serde::de::IgnoredAny>,
    optional_dependencies: Ordered<serde::de::IgnoredAny>,
    peer_dependencies: Ordered<serde::de::IgnoredAny>,
}

pub(crate) fn lock(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let json = strict_json(lines.text());
    let lock: BunLock = text::json(&json)?;
    let mut asked: HashMap<&str, Vec<Kind>> = HashMap::new();
    for (_, workspace) in &lock.workspaces.0 {
        for (section, kind) in [
            (&workspace.dependencies, Kind::Normal),
            (&workspace.dev_dependencies, Kind::Dev),
            (&workspace.optional_dependencies, Kind::Optional),
            (&workspace.peer_dependencies, Kind::Normal),
        ] {
            for (name, _) in &section.0 {
                asked.entry(name.as_str()).or_default().push(kind);
            }
        }
    }
    // Positions are the same in the cleaned text: comments and commas became spaces.
    let mut cursor = lines.find_top_key("packages", Some(b'{')).unwrap_or(usize::MAX);
    let mut dependencies = Vec::with_capacity(lock.packages.0.len());
    for (key, entry) in &lock.packages.0 {
        let at = lines.find_key(key, cursor, Some(b'['));
        if let Some(at) = at {
            cursor = at + key.len();
        }
        let line = at.map(|at| lines.line(at));
        let Some(locator) = entry.first().and_then(serde_json::Value::as_str) else {
            // The opening quote of the key.
            let (line, column) = at.map_or((0, 0), |at| lines.line_col(at.saturating_sub(1)));
            return Err(ParseError::at(line, column, format!("packages.{key}: expected [\"name@version\", …]")));
        };
        let (name, version) = split_name(locator);
        if version.starts_with("workspace:") || version.starts_with("root:") {
            continue;
        }
        let (requirement, source) = if npm::is_exact_version(version) {
            let registry = entry.get(1).and_then(serde_json::Value::as_str).unwrap_or_default();
            let source = if registry.is_empty() || registry.starts_with("https://registry.npmjs.org") {
                Source::Registry
            } else {
                Source::OtherRegistry(redact_userinfo(registry))
            };
            (Requirement::Resolved(version.to_string()), source)
        } else {
            (Requirement::Any, npm::spec(name, version).2)
        };
        // Nested installs are keyed `parent/name`; a top-level key is the name as the
        // project asked for it (an alias's key differs from the real name).
        let top_level = match key.strip_prefix('@') {
            Some(scoped) => scoped.matches('/').count() == 1,
            None => !key.contains('/'),
        };
        let kinds = if top_level { asked.get(key.as_str()) } else { None };
        let kind = match kinds {
            Some(kinds) if kinds.iter().all(|&k| k == Kind::Dev) => Kind::Dev,
            Some(kinds) if kinds.iter().all(|&k| k == Kind::Optional) => Kind::Optional,
            _ => Kind::Normal,
        };
        dependencies.push(Dependency {
            ecosystem: Ecosystem::Npm,
            name: name.to_string(),
            requirement,
            source,
            kind,
            locked: true,
            direct: kinds.is_some(),
            line,
        });
    }
    super::deps_only(dependencies)
}

/// JSON with comments and trailing commas made plain JSON: each comment and trailing
/// comma becomes spaces (newlines kept), so every byte keeps its line and column.
fn strict_json(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    // Where the last `,` outside strings stands, while only blanks follow it.
    let mut pending_comma: Option<usize> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                pending_comma = None;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(bytes.len(), |at| i + 2 + at + 2);
                for byte in &mut out[i..end] {
                    if *byte != b'\n' {
                        *byte = b' ';
                    }
                }
                i = end;
            }
            b',' => {
                pending_comma = Some(i);
                i += 1;
            }
            b'}' | b']' => {
                if let Some(comma) = pending_comma.take() {
                    out[comma] = b' ';
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            _ => {
                pending_comma = None;
                i += 1;
            }
        }
    }
    // Only ASCII bytes outside strings were replaced by ASCII spaces.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas_become_blanks() {
        let text = "{\n  // note\n  \"a\": [1, 2,],\n  \"b\": \"x,//y\", /* c */\n}";
        let clean = strict_json(text);
        assert_eq!(clean.len(), text.len());
        assert_eq!(clean.lines().count(), text.lines().count());
        let value: serde_json::Value = serde_json::from_str(&clean).unwrap();
        assert_eq!(value["b"], "x,//y");
        assert_eq!(value["a"], serde_json::json!([1, 2]));
    }
}
