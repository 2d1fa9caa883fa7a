//! Finding the database's source files and reading the records in them.

use std::borrow::Cow;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::index::Stamp;
use super::{DbError, MANIFEST_NAME};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceKind {
    Json,
    Zip,
}

/// One file under the database directory that holds records.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// Relative to the database directory, `/`-separated, for the index's fingerprint.
    pub rel: String,
    pub path: PathBuf,
    pub kind: SourceKind,
    pub size: u64,
    pub mtime_ns: u64,
}

impl SourceFile {
    pub fn stamp(&self) -> Stamp {
        Stamp { path: self.rel.clone(), size: self.size, mtime_ns: self.mtime_ns }
    }
}

/// Every record-holding file under `root`, sorted by relative path. Symlinked files are
/// followed; symlinked directories are not (a link back up would loop).
pub(crate) fn scan(root: &Path) -> Result<Vec<SourceFile>, DbError> {
    let mut found = Vec::new();
    let mut pending = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel_dir)) = pending.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| DbError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| DbError::io(&dir, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') || (rel_dir.is_empty() && name == MANIFEST_NAME) {
                continue;
            }
            let path = entry.path();
            let rel = if rel_dir.is_empty() { name.to_string() } else { format!("{rel_dir}/{name}") };
            let file_type = entry.file_type().map_err(|e| DbError::io(&path, e))?;
            if file_type.is_dir() {
                pending.push((path, rel));
                continue;
            }
            let kind = match Path::new(name).extension().and_then(|e| e.to_str()) {
                Some(ext) if ext.eq_ignore_ascii_case("json") => SourceKind::Json,
                Some(ext) if ext.eq_ignore_ascii_case("zip") => SourceKind::Zip,
                _ => continue,
            };
            let meta = fs::metadata(&path).map_err(|e| DbError::io(&path, e))?;
            if !meta.is_file() {
                continue;
            }
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            found.push(SourceFile { rel, path, kind, size: meta.len(), mtime_ns });
        }
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(found)
}

/// What receives each record: its origin (file, or `archive!entry`) and raw JSON.
pub(crate) type RecordSink<'a> = dyn FnMut(&str, &[u8]) -> Result<(), DbError> + 'a;

/// Calls `each(origin, json)` for every record in `source`, in order.
pub(crate) fn for_each_record(source: &SourceFile, each: &mut RecordSink<'_>) -> Result<(), DbError> {
    let display = source.path.display().to_string();
    match source.kind {
        SourceKind::Json => {
            let bytes = fs::read(&source.path).map_err(|e| DbError::io(&source.path, e))?;
            each(&display, &bytes)
        }
        SourceKind::Zip => {
            let file = fs::File::open(&source.path).map_err(|e| DbError::io(&source.path, e))?;
            for_each_zip_record(file, &display, each)
        }
    }
}

/// Calls `each` for every `*.json` entry of a zip archive; `origin` names the archive in
/// errors and in each record's origin (`origin!entry`).
pub(crate) fn for_each_zip_record<R: Read + std::io::Seek>(
    reader: R,
    origin: &str,
    each: &mut RecordSink<'_>,
) -> Result<(), DbError> {
    let zip_error = |origin: String, e: zip::result::ZipError| DbError::Zip { origin, message: e.to_string() };
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| zip_error(origin.to_string(), e))?;
    let mut buffer = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| {
            let name = archive_entry_name(origin, i);
            zip_error(name, e)
        })?;
        let entry_origin = format!("{origin}!{}", entry.name());
        if entry.is_dir() || !entry.name().to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        buffer.clear();
        entry.read_to_end(&mut buffer).map_err(|e| DbError::Zip {
            origin: entry_origin.clone(),
            message: format!("truncated or corrupt entry: {e}"),
        })?;
        drop(entry);
        each(&entry_origin, &buffer)?;
    }
    Ok(())
}

fn archive_entry_name(origin: &str, index: usize) -> String {
    format!("{origin}!#{index}")
}

/// The few fields indexing needs; everything else is skipped unparsed (but still checked
/// to be valid JSON).
#[derive(Deserialize)]
pub(crate) struct RecordHead<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow, default)]
    pub modified: Option<Cow<'a, str>>,
    #[serde(default)]
    pub withdrawn: Option<IgnoredAny>,
    #[serde(borrow, default)]
    pub affected: Option<Vec<AffectedHead<'a>>>,
}

#[derive(Deserialize)]
pub(crate) struct AffectedHead<'a> {
    #[serde(borrow, default)]
    pub package: Option<PackageHead<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct PackageHead<'a> {
    #[serde(borrow, default)]
    pub ecosystem: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
}

/// Parses a record's head, with the position of the first problem on failure.
pub(crate) fn parse_head<'a>(origin: &str, json: &'a [u8]) -> Result<RecordHead<'a>, DbError> {
    let head: RecordHead<'a> = serde_json::from_slice(json).map_err(|e| DbError::Record {
        origin: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message: without_position(&e.to_string()).to_string(),
    })?;
    if head.id.trim().is_empty() {
        return Err(DbError::Record { origin: origin.to_string(), line: 1, column: 1, message: "empty `id`".into() });
    }
    Ok(head)
}

/// serde_json appends " at line L column C"; the error names the position itself.
fn without_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}
