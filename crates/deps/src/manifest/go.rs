//! `go.mod` and `go.sum`.

use std::collections::HashSet;

use super::text::Lines;
use super::{ParseError, Parsed};
use crate::model::{Dependency, Ecosystem, Kind, Requirement, Source};

/// A `replace` directive: `old [version] => new [version]`.
struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

/// Every `require`, with `// indirect` ones not direct. A `replace` changes where the
/// code comes from: a directory becomes a [`Source::Path`]; another module becomes the
/// dependency itself (that module at that version is what gets built).
pub(crate) fn go_mod(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let mut requires = Vec::new();
    let mut replaces = Vec::new();
    let mut block: Option<(String, u32)> = None;
    for (index, raw) in lines.text().lines().enumerate() {
        let line = index as u32 + 1;
        let (code, comment) = split_comment(raw);
        let indirect = comment.is_some_and(|c| {
            let c = c.trim();
            c == "indirect" || c.starts_with("indirect;")
        });
        let words = words(code).map_err(|column| ParseError::at(line, column, "unterminated quoted string"))?;
        let Some(&(first, first_column)) = words.first() else { continue };
        let (directive, args) = match &block {
            Some(_) if first == ")" => {
                block = None;
                continue;
            }
            Some((directive, _)) => (directive.clone(), &words[..]),
            None if words.get(1).map(|w| w.0) == Some("(") && words.len() == 2 => {
                block = Some((first.to_string(), line));
                continue;
            }
            None if first == ")" => return Err(ParseError::at(line, first_column, "`)` closes no block")),
            None => (first.to_string(), &words[1..]),
        };
        let args: Vec<&str> = args.iter().map(|w| w.0).collect();
        match directive.as_str() {
            "require" => {
                let [path, version] = args[..] else {
                    return Err(ParseError::at(line, first_column, "expected `require path version`"));
                };
                requires.push((path.to_string(), version.to_string(), !indirect, line));
            }
            "replace" => {
                let arrow = args.iter().position(|&w| w == "=>");
                let replace = match (arrow, &args[..]) {
                    (Some(1), [old, _, new]) => {
                        Replace { old: old.to_string(), old_version: None, new: new.to_string(), new_version: None }
                    }
                    (Some(1), [old, _, new, new_version]) => Replace {
                        old: old.to_string(),
                        old_version: None,
                        new: new.to_string(),
                        new_version: Some(new_version.to_string()),
                    },
                    (Some(2), [old, old_version, _, new]) => Replace {
                        old: old.to_string(),
                        old_version: Some(old_version.to_string()),
                        new: new.to_string(),
                        new_version: None,
                    },
                    (Some(2), [old, old_version, _, new, new_version]) => Replace {
                        old: old.to_string(),
                        old_version: Some(old_version.to_string()),
                        new: new.to_string(),
                        new_version: Some(new_version.to_string()),
                    },
                    _ => {
                        return Err(ParseError::at(
                            line,
                            first_column,
                            "expected `replace old [version] => new [version]`",
                        ))
                    }
                };
                replaces.push(replace);
            }
            // module, go, toolchain, exclude, retract, godebug, tool, ignore: not dependencies.
            _ => {}
        }
    }
    if let Some((directive, line)) = block {
        return Err(ParseError::at(line, 1, format!("`{directive} (` block is never closed")));
    }
    let dependencies = requires
        .into_iter()
        .map(|(path, version, direct, line)| {
            // A replace naming the version wins over one for every version.
            let replace = replaces
                .iter()
                .filter(|r| r.old == path && r.old_version.as_ref().is_none_or(|v| *v == version))
                .max_by_key(|r| r.old_version.is_some());
            let (name, requirement, source) = match replace {
                Some(Replace { new, new_version: None, .. }) => {
                    (path, Requirement::Resolved(version), Source::Path(new.clone()))
                }
                Some(Replace { new, new_version: Some(new_version), .. }) => {
                    (new.clone(), Requirement::Resolved(new_version.clone()), Source::Registry)
                }
                None => (path, Requirement::Resolved(version), Source::Registry),
            };
            Dependency {
                ecosystem: Ecosystem::Go,
                name,
                requirement,
                source,
                kind: Kind::Normal,
                locked: false,
                direct,
                line: Some(line),
            }
        })
        .collect();
    super::deps_only(dependencies)
}

/// Code and the text of a `//` comment (outside quotes).
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote = None;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'`') => quote = Some(b),
            (Some(q), _) if b == q && (q == b'`' || i == 0 || bytes[i - 1] != b'\\') => quote = None,
            (None, b'/') if bytes.get(i + 1) == Some(&b'/') => return (&line[..i], Some(&line[i + 2..])),
            _ => {}
        }
    }
    (line, None)
}

/// Words with their 1-based columns; quoted words lose their quotes. `Err(column)` of
/// a quote never closed.
fn words(code: &str) -> Result<Vec<(&str, u32)>, u32> {
    let mut out = Vec::new();
    let mut rest = code;
    loop {
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            return Ok(out);
        }
        let at = code.len() - trimmed.len();
        let column = code[..at].chars().count() as u32 + 1;
        let (word, after) = match trimmed.as_bytes()[0] {
            quote @ (b'"' | b'`') => {
                let close = trimmed[1..].find(quote as char).ok_or(column)?;
                (&trimmed[1..close + 1], &trimmed[close + 2..])
            }
            _ => {
                let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
                (&trimmed[..end], &trimmed[end..])
            }
        };
        out.push((word, column));
        rest = after;
    }
}

/// One entry per module version; the `/go.mod` line of the same version is the same
/// module version.
pub(crate) fn go_sum(lines: &Lines<'_>) -> Result<Parsed, ParseError> {
    let mut seen = HashSet::new();
    let mut dependencies = Vec::new();
    for (index, raw) in lines.text().lines().enumerate() {
        let line = index as u32 + 1;
        let fields: Vec<&str> = raw.split_whitespace().collect();
        match fields[..] {
            [] => continue,
            [path, version, _hash] => {
                let version = version.strip_suffix("/go.mod").unwrap_or(version);
                if seen.insert((path, version)) {
                    dependencies.push(Dependency {
                        ecosystem: Ecosystem::Go,
                        name: path.to_string(),
                        requirement: Requirement::Resolved(version.to_string()),
                        source: Source::Registry,
                        kind: Kind::Normal,
                        locked: true,
                        direct: false,
                        line: Some(line),
                    });
                }
            }
            _ => {
                let column = raw.len() - raw.trim_start().len() + 1;
                return Err(ParseError::at(line, column as u32, "expected `module version hash`"));
            }
        }
    }
    super::deps_only(dependencies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_quotes() {
        assert_eq!(split_comment("a v1 // indirect"), ("a v1 ", Some(" indirect")));
        assert_eq!(split_comment(r#""a//b" v1"#), (r#""a//b" v1"#, None));
        assert_eq!(words(r#"  "a b" v1"#).unwrap(), [("a b", 3), ("v1", 9)]);
        assert_eq!(words("x `oops"), Err(3));
    }
}
