//! What every reader shares: positions in the text (serde forgets them), maps kept in
//! file order, and parser errors turned into [`ParseError`]s with a line and column.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use super::ParseError;

/// Line starts of a text, to turn byte offsets into 1-based lines and columns.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        let index = self.starts.partition_point(|&start| start <= offset);
        index.max(1) as u32
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub(crate) fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line(offset);
        let start = self.starts[line as usize - 1];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line, column as u32)
    }

    /// The offset just after the line at column 0 that reads `header` (a top-level YAML
    /// key such as `packages:`), so that keys of one section are looked up inside it.
    pub(crate) fn section(&self, header: &str) -> Option<usize> {
        self.starts.iter().copied().find(|&start| {
            self.text[start..].starts_with(header)
                && self.text[start + header.len()..].starts_with(['\n', '\r', ' ', '#'])
        })
    }

    /// The first offset at or after `from` where `key` stands as a mapping key: alone at
    /// the start of a line (after indentation, a `{` or a `,`), quoted or not, followed
    /// by `:`. Occurrences inside values (`react@18` in `b@1(react@18)`) are not keys.
    /// With `opens`, the value must start with that byte (`{` for a JSON object), so
    /// that `"b": "^1"` in a `requires` map is not taken for the entry `"b": {…}`.
    pub(crate) fn find_key(&self, key: &str, from: usize, opens: Option<u8>) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut at = from.min(bytes.len());
        while let Some(found) = self.text[at..].find(key) {
            let start = at + found;
            if is_key_at(bytes, start, start + key.len(), opens) {
                return Some(start);
            }
            at = start + 1;
            while !self.text.is_char_boundary(at) {
                at += 1;
            }
        }
        None
    }

    /// The least indented occurrence of a JSON object's key (the first of equals): the
    /// top-level `"dependencies"`, not one nested in `"overrides"` above it.
    pub(crate) fn find_top_key(&self, key: &str, opens: Option<u8>) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        let mut from = 0;
        while let Some(at) = self.find_key(key, from, opens) {
            let line_start = self.starts[self.line(at) as usize - 1];
            let indent = at - line_start;
            if best.is_none_or(|(_, least)| indent < least) {
                best = Some((at, indent));
            }
            from = at + key.len();
        }
        best.map(|(at, _)| at)
    }

    /// [`Lines::find_key`] as a 1-based line, moving `cursor` past it so that the next
    /// key of a file-ordered walk is looked up after this one.
    pub(crate) fn key_line(&self, key: &str, cursor: &mut usize, opens: Option<u8>) -> Option<u32> {
        let found = self.find_key(key, *cursor, opens)?;
        *cursor = found + key.len();
        Some(self.line(found))
    }
}

fn is_key_at(bytes: &[u8], start: usize, end: usize, opens: Option<u8>) -> bool {
    let quote = match start.checked_sub(1).map(|i| bytes[i]) {
        Some(q @ (b'"' | b'\'')) => Some(q),
        _ => None,
    };
    let mut before = start - usize::from(quote.is_some());
    while before > 0 && matches!(bytes[before - 1], b' ' | b'\t') {
        before -= 1;
    }
    if before > 0 && !matches!(bytes[before - 1], b'\n' | b'{' | b',') {
        return false;
    }
    let mut after = end;
    match quote {
        Some(q) if bytes.get(after) == Some(&q) => after += 1,
        Some(_) => return false,
        None if matches!(bytes.get(after), Some(b'"' | b'\'')) => return false,
        None => {}
    }
    while matches!(bytes.get(after), Some(b' ' | b'\t')) {
        after += 1;
    }
    if bytes.get(after) != Some(&b':') {
        return false;
    }
    let Some(opens) = opens else { return true };
    after += 1;
    while matches!(bytes.get(after), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        after += 1;
    }
    bytes.get(after) == Some(&opens)
}

/// A map kept in file order, so that a forward walk over the text finds each key's line.
#[derive(Debug)]
pub(crate) struct Ordered<V, K = String>(pub Vec<(K, V)>);

impl<V, K> Default for Ordered<V, K> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>, K: Deserialize<'de>> Deserialize<'de> for Ordered<V, K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V, K>(PhantomData<(V, K)>);
        impl<'de, V: Deserialize<'de>, K: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V, K> {
            type Value = Ordered<V, K>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry::<K, V>()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ordered(Vec::new()))
            }
        }
        deserializer.deserialize_any(OrderedVisitor(PhantomData))
    }
}

/// A YAML or JSON scalar read as its text, whichever type the parser gave it
/// (`lockfileVersion: 5.4`, `'6.0'`, `3`; `version: 6` in yarn's `__metadata`).
#[derive(Debug, Default, Clone)]
pub(crate) struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// The text as UTF-8, or where it stops being UTF-8.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let (line, column) = Lines::new(valid).line_col(valid.len());
        ParseError { line, column, message: "invalid UTF-8".to_string() }
    })
}

/// Drops every " at line L column C" from serde's messages: [`ParseError`] says where.
fn bare_message(mut message: String) -> String {
    const AT_LINE: &str = " at line ";
    while let Some(at) = message.find(AT_LINE) {
        let rest = &message[at + AT_LINE.len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line_digits = digits(rest);
        let Some(after_column) = rest[line_digits..].strip_prefix(" column ") else { break };
        let end = at + AT_LINE.len() + line_digits + " column ".len() + digits(after_column);
        message.replace_range(at..end, "");
    }
    message
}

pub(crate) fn json<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, ParseError> {
    serde_json::from_str(text).map_err(|error| ParseError {
        line: error.line() as u32,
        column: error.column() as u32,
        message: bare_message(error.to_string()),
    })
}

pub(crate) fn toml<T: serde::de::DeserializeOwned>(lines: &Lines<'_>) -> Result<T, ParseError> {
    toml::from_str(lines.text()).map_err(|error| {
        let (line, column) = error.span().map_or((0, 0), |span| lines.line_col(span.start));
        ParseError { line, column, message: error.message().trim_end().to_string() }
    })
}

pub(crate) fn yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    serde_yaml_ng::from_str(text).map_err(|error| {
        let (line, column) = error.location().map_or((0, 0), |at| (at.line() as u32, at.column() as u32));
        ParseError { line, column, message: bare_message(error.to_string()) }
    })
}

/// A URL without the `user:password@` some index and git URLs carry, so that a
/// dependency's source never repeats a credential into a report.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..].find(['/', '?', '#']).map_or(url.len(), |i| authority_start + i);
    match url[authority_start..authority_end].rfind('@') {
        // `git@host` names the SSH user every forge uses, not a credential.
        Some(at) if &url[authority_start..authority_start + at] == "git" => url.to_string(),
        Some(at) => format!("{}{}", &url[..authority_start], &url[authority_start + at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let lines = Lines::new("ab\ncdé\n\nx");
        assert_eq!(lines.line_col(0), (1, 1));
        assert_eq!(lines.line_col(3), (2, 1));
        assert_eq!(lines.line_col(7), (2, 4));
        assert_eq!(lines.line_col(8), (3, 1));
        assert_eq!(lines.line_col(9), (4, 1));
    }

    #[test]
    fn keys_are_found_only_where_they_are_keys() {
        let text = "packages:\n  b@1(react@18):\n    x: 1\n  'react@18':\n    x: 2\n";
        let lines = Lines::new(text);
        let mut cursor = lines.section("packages:").unwrap();
        assert_eq!(lines.key_line("react@18", &mut cursor, None), Some(4));
        let json = "{\"a\": {\"b\": \"a\"}, \"c\": 1}";
        let lines = Lines::new(json);
        assert_eq!(lines.find_key("a", 0, Some(b'{')), Some(2));
        assert_eq!(lines.find_key("b", 0, Some(b'{')), None);
        assert_eq!(lines.find_key("c", 3, None), Some(json.find("\"c\"").unwrap() + 1));
        let json = "{\n  \"overrides\": {\"x\": {\n    \"dependencies\": {}}},\n  \"dependencies\": {}\n}";
        let lines = Lines::new(json);
        assert_eq!(lines.find_top_key("dependencies", Some(b'{')).map(|at| lines.line(at)), Some(4));
    }

    #[test]
    fn credentials_leave_urls() {
        assert_eq!(redact_userinfo("https://u:p@pkgs.example/simple"), "https://pkgs.example/simple");
        assert_eq!(redact_userinfo("git+ssh://git@github.com/a/b.git"), "git+ssh://git@github.com/a/b.git");
        assert_eq!(redact_userinfo("git+https://ghp_x@github.com/a/b"), "git+https://github.com/a/b");
        assert_eq!(redact_userinfo("https://x.example/a@b"), "https://x.example/a@b");
        assert_eq!(redact_userinfo("github:a/b"), "github:a/b");
    }

    #[test]
    fn positions_leave_messages() {
        let message = "did not find expected key at line 5 column 4, while parsing a block mapping at line 4 column 5";
        assert_eq!(bare_message(message.into()), "did not find expected key, while parsing a block mapping");
        assert_eq!(bare_message("trailing comma at line 4 column 3".into()), "trailing comma");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let error = utf8(b"ok\nab\xff").unwrap_err();
        assert_eq!((error.line, error.column), (2, 3));
    }
}
