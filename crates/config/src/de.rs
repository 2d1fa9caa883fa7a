//! Deserialisation that keeps going: a policy file is parsed into spanned TOML values
//! once, then each piece is deserialised on its own, and a piece with a wrong value is
//! deserialised again without it, so that one file yields every error it holds.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::de::{DeArray, DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use crate::{ConfigError, ConfigErrors};

/// A policy file's name and text: every error in it is located against them.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    file: Arc<str>,
    text: Arc<str>,
}

impl Source {
    pub(crate) fn new(file: &str, text: &str) -> Source {
        Source { file: Arc::from(file), text: Arc::from(text) }
    }

    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError::at(&self.file, &self.text, span.start, message)
    }

    pub(crate) fn toml_error(&self, err: &toml::de::Error) -> ConfigError {
        ConfigError::from_toml(&self.file, &self.text, err)
    }

    /// The document's top-level table, or every syntax error in it.
    pub(crate) fn parse_document(&self) -> Result<Spanned<DeTable<'_>>, ConfigErrors> {
        let (table, errors) = DeTable::parse_recoverable(&self.text);
        if errors.is_empty() {
            Ok(table)
        } else {
            Err(sorted(errors.iter().map(|e| self.toml_error(e)).collect()))
        }
    }

    /// Deserialises `value`, collecting every error: see [`deserialize_partial`].
    pub(crate) fn deserialize<'a, T: Deserialize<'a>>(
        &self,
        value: &Spanned<DeValue<'a>>,
    ) -> (Option<T>, Vec<ConfigError>) {
        let (parsed, errors) = deserialize_partial(value);
        (parsed, errors.iter().map(|e| self.toml_error(e)).collect())
    }
}

/// Deserialises each element of the array of tables `value` (the value of `key`) on
/// its own, collecting every error.
pub(crate) fn each<'a, T: Deserialize<'a>>(
    source: &Source,
    value: &Spanned<DeValue<'a>>,
    key: &str,
) -> (Vec<T>, Vec<ConfigError>) {
    let DeValue::Array(items) = value.get_ref() else {
        let error = source.error_at(value.span(), format!("`{key}` must be an array of tables: [[{key}]]"));
        return (Vec::new(), vec![error]);
    };
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for item in items.iter() {
        let (value, errs) = source.deserialize::<T>(item);
        parsed.extend(value);
        errors.extend(errs);
    }
    (parsed, errors)
}

/// Errors in position order (they all come from one file).
pub(crate) fn sorted(mut errors: Vec<ConfigError>) -> ConfigErrors {
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    ConfigErrors(errors)
}

/// Deserialises `value` into `T`. When an error points inside the value, the key (or
/// the table of an array of tables) it points at is taken out and `T` is tried again,
/// until `T` deserialises or the error cannot be pinned to a key. Returns `T` as
/// deserialised without the offending keys, if it could be, and every error met.
///
/// Taking out a required key makes serde report it missing next: that report is not
/// the user's mistake and is dropped, and the table that lacks it is taken out in turn.
pub(crate) fn deserialize_partial<'a, T: Deserialize<'a>>(
    value: &Spanned<DeValue<'a>>,
) -> (Option<T>, Vec<toml::de::Error>) {
    let mut work = value.clone();
    let mut errors = Vec::new();
    // (start of the table, key) for every key taken out.
    let mut removed: Vec<(usize, String)> = Vec::new();
    loop {
        let err = match T::deserialize(ValueDeserializer::from(work.clone())) {
            Ok(parsed) => return (Some(parsed), errors),
            Err(err) => err,
        };
        let Some(at) = err.span().map(|s| s.start) else {
            errors.push(err);
            return (None, errors);
        };
        let consequence = removed.iter().any(|(table, key)| *table == at && err.message() == missing(key));
        if !consequence {
            errors.push(err);
        }
        match take_out(&mut work, at) {
            Some(taken) => removed.push(taken),
            None => return (None, errors),
        }
    }
}

fn missing(key: &str) -> String {
    format!("missing field `{key}`")
}

/// Takes out of `value` the innermost key, or table of an array of tables, at byte
/// `pos`. Returns the start of the table it was in and the key (empty for a table
/// taken out of an array).
fn take_out(value: &mut Spanned<DeValue<'_>>, pos: usize) -> Option<(usize, String)> {
    let start = value.span().start;
    match value.get_mut() {
        DeValue::Table(table) => {
            let key = table.iter().find(|(k, v)| k.span().contains(&pos) || covers(v, pos)).map(|(k, _)| k.clone())?;
            let inner = table.get_mut(key.get_ref().as_ref())?;
            if matches!(inner.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
                if let Some(taken) = take_out(inner, pos) {
                    return Some(taken);
                }
            }
            table.remove(key.get_ref().as_ref());
            Some((start, key.get_ref().to_string()))
        }
        DeValue::Array(items) => {
            // Only tables are taken out of arrays: without one of its strings, an array
            // of strings would be judged again as something the user did not write.
            let i = items.iter().position(|item| covers(item, pos))?;
            if !items[i].get_ref().is_table() {
                return None;
            }
            if let Some(taken) = take_out(&mut items.as_mut()[i], pos) {
                return Some(taken);
            }
            let kept: DeArray<'_> = items.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, v)| v.clone()).collect();
            *items = kept;
            Some((usize::MAX, String::new()))
        }
        _ => None,
    }
}

/// Whether `pos` falls in `value` or in any key or value nested in it (a table's span
/// is its header only).
fn covers(value: &Spanned<DeValue<'_>>, pos: usize) -> bool {
    value.span().contains(&pos)
        || match value.get_ref() {
            DeValue::Table(t) => t.iter().any(|(k, v)| k.span().contains(&pos) || covers(v, pos)),
            DeValue::Array(a) => a.iter().any(|v| covers(v, pos)),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        size: Option<u32>,
        tags: Option<Vec<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        #[serde(default)]
        item: Vec<Item>,
        title: Option<String>,
    }

    fn run(text: &str) -> (Option<Doc>, Vec<(usize, usize, String)>) {
        let source = Source::new("t.toml", text);
        let doc = source.parse_document().unwrap();
        let value = Spanned::new(doc.span(), DeValue::Table(doc.into_inner()));
        let (parsed, errors) = source.deserialize::<Doc>(&value);
        (parsed, sorted(errors).into_iter().map(|e| (e.line, e.column, e.message)).collect())
    }

    #[test]
    fn every_wrong_value_is_reported_once() {
        let text = "title = 3\n[[item]]\nname = 1\n[[item]]\nname = \"ok\"\nsize = -1\nextra = true\n[[item]]\nname = \"fine\"\ntags = [\"a\", 2]\n";
        let (parsed, errors) = run(text);
        let at: Vec<(usize, usize)> = errors.iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(at, vec![(1, 9), (3, 8), (6, 8), (7, 1), (10, 14)], "{errors:?}");
        // What remains deserialises: the second item without its bad keys.
        let doc = parsed.unwrap();
        assert_eq!(doc.item.len(), 2);
        assert_eq!(doc.item[0].name, "ok");
        assert!(!errors.iter().any(|(_, _, m)| m.contains("missing field")), "{errors:?}");
    }

    #[test]
    fn a_missing_field_the_user_left_out_is_reported_at_the_table() {
        let (_, errors) = run("[[item]]\nsize = 1\n");
        assert_eq!(errors, vec![(1, 1, "missing field `name`".to_string())]);
    }
}
