//! The index file: every indexed record's raw JSON, and a sorted key table over it.
//!
//! Layout (all integers little-endian), format [`VERSION`]:
//!
//! ```text
//! header   80 bytes: magic "TGOSVIX\0", version u32, crc32 u32, then u64 pairs
//!          (offset, length) of the records, meta and strings regions, and the key
//!          table's offset and entry count. The crc covers header bytes 16..80, meta,
//!          key table and strings: everything a lookup trusts without a check of its own.
//! records  per record: crc32 u32 of the rest, id_len u32, origin_len u32, json_len u32,
//!          id, origin, json — each record checked when read.
//! meta     JSON: the sources' fingerprint (path, size, mtime) and the counts for `info`.
//! keys     24 bytes per (ecosystem, normalised name, record): ecosystem u8, 3 zero bytes,
//!          key_len u32, key_off u64 (into strings), record_off u64 (into records),
//!          sorted by (ecosystem, name bytes).
//! strings  the key names, each once.
//! ```
//!
//! The file is written to a temp file beside its final name and renamed into place, so a
//! reader sees the old index or the new one, never half of one; a mapped file is never
//! rewritten in place (rename swaps the directory entry, the mapping keeps the old inode).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::source::{self, SourceFile, SourceKind};
use super::{DbError, DownloadInfo, RawRecord};
use crate::model::Ecosystem;

const MAGIC: &[u8; 8] = b"TGOSVIX\0";
/// Bumped whenever the layout or the meaning of a field changes; another version is rebuilt.
pub(crate) const VERSION: u32 = 1;
const HEADER_LEN: usize = 80;
const KEY_ENTRY_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

/// One source file as indexed: a change in any of these means the index is stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub path: String,
    pub size: u64,
    pub mtime_ns: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub sources: Vec<Stamp>,
    pub records: u64,
    pub records_per_ecosystem: BTreeMap<String, u64>,
    pub withdrawn: u64,
    pub other_ecosystems: u64,
    pub newest_modified: Option<String>,
    pub built_at_unix: u64,
}

fn ecosystem_code(ecosystem: Ecosystem) -> u8 {
    Ecosystem::ALL.iter().position(|e| *e == ecosystem).map_or(u8::MAX, |i| i as u8)
}

/// Reads every source and writes the index to `primary`, or to `fallback` when the
/// database directory is not writable. Returns where it went.
pub(crate) fn build(
    root: &Path,
    sources: &[SourceFile],
    stamps: Vec<Stamp>,
    manifest: &BTreeMap<String, DownloadInfo>,
    primary: &Path,
    fallback: Option<&Path>,
) -> Result<PathBuf, DbError> {
    verify_checksums(root, sources, manifest)?;

    let (mut temp, destination) = match create_temp(primary) {
        Ok(temp) => (temp, primary.to_path_buf()),
        Err(primary_error) => match fallback {
            Some(fallback) => {
                let parent = fallback.parent().unwrap_or(Path::new("."));
                fs::create_dir_all(parent).map_err(|e| DbError::io(parent, e))?;
                (create_temp(fallback).map_err(|e| DbError::io(fallback, e))?, fallback.to_path_buf())
            }
            None => return Err(DbError::io(primary, primary_error)),
        },
    };
    let temp_path = temp.path().to_path_buf();
    let io_error = |e| DbError::io(&temp_path, e);

    let mut builder = Builder::default();
    {
        let mut out = BufWriter::with_capacity(1 << 20, temp.as_file_mut());
        out.write_all(&[0; HEADER_LEN]).map_err(io_error)?;
        for source in sources {
            source::for_each_record(source, &mut |origin, json| builder.add(&mut out, origin, json, &temp_path))?;
        }
        let records_len = builder.written;

        let meta = Meta {
            sources: stamps,
            records: builder.records,
            records_per_ecosystem: builder.per_ecosystem.iter().map(|(e, n)| (e.osv_name().to_string(), *n)).collect(),
            withdrawn: builder.withdrawn,
            other_ecosystems: builder.other_ecosystems,
            newest_modified: builder.newest_modified.take(),
            built_at_unix: SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        };
        let meta_bytes = serde_json::to_vec(&meta).map_err(|e| io_error(std::io::Error::other(e)))?;

        builder.keys.sort_unstable();
        let mut key_table = Vec::with_capacity(builder.keys.len() * KEY_ENTRY_LEN);
        let mut strings: Vec<u8> = Vec::new();
        let mut previous: Option<(u8, &str, u64)> = None;
        for (code, key, record_off) in &builder.keys {
            let key_off = match previous {
                Some((p_code, p_key, p_off)) if p_code == *code && p_key == key => p_off,
                _ => {
                    let off = strings.len() as u64;
                    strings.extend_from_slice(key.as_bytes());
                    off
                }
            };
            previous = Some((*code, key, key_off));
            key_table.push(*code);
            key_table.extend_from_slice(&[0; 3]);
            key_table.extend_from_slice(&(key.len() as u32).to_le_bytes());
            key_table.extend_from_slice(&key_off.to_le_bytes());
            key_table.extend_from_slice(&record_off.to_le_bytes());
        }

        let records_off = HEADER_LEN as u64;
        let meta_off = records_off + records_len;
        let keys_off = meta_off + meta_bytes.len() as u64;
        let strings_off = keys_off + key_table.len() as u64;
        out.write_all(&meta_bytes).map_err(io_error)?;
        out.write_all(&key_table).map_err(io_error)?;
        out.write_all(&strings).map_err(io_error)?;

        let mut fields = Vec::with_capacity(HEADER_LEN - 16);
        for value in [
            records_off,
            records_len,
            meta_off,
            meta_bytes.len() as u64,
            strings_off,
            strings.len() as u64,
            keys_off,
            builder.keys.len() as u64,
        ] {
            fields.extend_from_slice(&value.to_le_bytes());
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(&fields);
        crc.update(&meta_bytes);
        crc.update(&key_table);
        crc.update(&strings);
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&crc.finalize().to_le_bytes());
        header.extend_from_slice(&fields);
        out.seek(SeekFrom::Start(0)).map_err(io_error)?;
        out.write_all(&header).map_err(io_error)?;
        out.flush().map_err(io_error)?;
    }
    temp.as_file().sync_all().map_err(io_error)?;
    temp.persist(&destination).map_err(|e| DbError::io(&destination, e.error))?;
    Ok(destination)
}

fn create_temp(destination: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = destination.parent().unwrap_or(Path::new("."));
    tempfile::Builder::new().prefix(".tollgate-osv-index.").suffix(".tmp").tempfile_in(dir)
}

/// A dump `db update` downloaded must still be the bytes it downloaded: a disk error or
/// a hand edit would otherwise be indexed silently.
fn verify_checksums(
    root: &Path,
    sources: &[SourceFile],
    manifest: &BTreeMap<String, DownloadInfo>,
) -> Result<(), DbError> {
    use sha2::Digest;
    for (ecosystem, download) in manifest {
        let rel = format!("{ecosystem}/all.zip");
        let Some(source) = sources.iter().find(|s| s.rel == rel && s.kind == SourceKind::Zip) else {
            continue;
        };
        let path = root.join(&rel);
        let mut file = fs::File::open(&source.path).map_err(|e| DbError::io(&path, e))?;
        let mut hasher = sha2::Sha256::new();
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            match std::io::Read::read(&mut file, &mut buffer) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(DbError::io(&path, e)),
            }
        }
        let actual = super::update::hex(&hasher.finalize());
        if actual != download.sha256 {
            return Err(DbError::Checksum { path, expected: download.sha256.clone(), actual });
        }
    }
    Ok(())
}

#[derive(Default)]
struct Builder {
    /// Bytes of the records region written so far.
    written: u64,
    records: u64,
    withdrawn: u64,
    other_ecosystems: u64,
    per_ecosystem: BTreeMap<Ecosystem, u64>,
    newest_modified: Option<String>,
    keys: Vec<(u8, String, u64)>,
}

impl Builder {
    fn add(&mut self, out: &mut impl Write, origin: &str, json: &[u8], temp_path: &Path) -> Result<(), DbError> {
        let head = source::parse_head(origin, json)?;
        if head.withdrawn.is_some() {
            self.withdrawn += 1;
            return Ok(());
        }
        let mut packages = BTreeSet::new();
        for affected in head.affected.iter().flatten() {
            let Some(package) = &affected.package else { continue };
            let (Some(ecosystem), Some(name)) = (&package.ecosystem, &package.name) else { continue };
            if let Some(ecosystem) = Ecosystem::from_osv(ecosystem) {
                let key = ecosystem.normalise(name);
                if !key.is_empty() {
                    packages.insert((ecosystem, key));
                }
            }
        }
        if packages.is_empty() {
            self.other_ecosystems += 1;
            return Ok(());
        }

        let too_large = || DbError::Record {
            origin: origin.to_string(),
            line: 1,
            column: 1,
            message: "record larger than 4 GiB".into(),
        };
        let id = head.id.as_bytes();
        let lengths = [id.len(), origin.len(), json.len()].map(|n| u32::try_from(n).map_err(|_| too_large()));
        let mut crc = crc32fast::Hasher::new();
        crc.update(id);
        crc.update(origin.as_bytes());
        crc.update(json);
        let mut record_header = [0u8; RECORD_HEADER_LEN];
        record_header[0..4].copy_from_slice(&crc.finalize().to_le_bytes());
        for (i, length) in lengths.into_iter().enumerate() {
            record_header[4 + i * 4..8 + i * 4].copy_from_slice(&length?.to_le_bytes());
        }
        let io_error = |e| DbError::io(temp_path, e);
        out.write_all(&record_header).map_err(io_error)?;
        out.write_all(id).map_err(io_error)?;
        out.write_all(origin.as_bytes()).map_err(io_error)?;
        out.write_all(json).map_err(io_error)?;
        let record_off = self.written;
        self.written += (RECORD_HEADER_LEN + id.len() + origin.len() + json.len()) as u64;

        self.records += 1;
        let mut seen = BTreeSet::new();
        for (ecosystem, key) in packages {
            if seen.insert(ecosystem) {
                *self.per_ecosystem.entry(ecosystem).or_default() += 1;
            }
            self.keys.push((ecosystem_code(ecosystem), key, record_off));
        }
        if let Some(modified) = head.modified {
            if self.newest_modified.as_deref().is_none_or(|newest| newest < modified.as_ref()) {
                self.newest_modified = Some(modified.into_owned());
            }
        }
        Ok(())
    }
}

/// A loaded index: the file mapped, the header checked, the meta parsed.
#[derive(Debug)]
pub(crate) struct Index {
    pub path: PathBuf,
    pub meta: Meta,
    /// The header, meta, key table and strings are read through the map; records with
    /// positioned reads, because a page fault on the map pulls in up to 64 KiB around each
    /// scattered record (80 MB of RSS for 1,200 records, measured) where a read takes its
    /// few KB.
    map: memmap2::Mmap,
    #[cfg_attr(not(unix), allow(dead_code))]
    file: fs::File,
    records: (usize, usize),
    strings: (usize, usize),
    keys_off: usize,
    keys_count: usize,
}

impl Index {
    /// `Ok(None)` when there is no index at `path`; an error when there is one that cannot
    /// be trusted (truncated, another version, checksum mismatch).
    pub fn load(path: &Path) -> Result<Option<Index>, DbError> {
        let file = match fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(DbError::io(path, e)),
        };
        // SAFETY: tollgate replaces index files only by renaming a new file over the old
        // name and never writes to one in place, so the mapped bytes do not change.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| DbError::io(path, e))?;
        let corrupt = |reason: &str| DbError::CorruptIndex { path: path.to_path_buf(), reason: reason.to_string() };
        if map.len() < HEADER_LEN || &map[..8] != MAGIC {
            return Err(corrupt("not a tollgate OSV index"));
        }
        let version = u32::from_le_bytes(map[8..12].try_into().unwrap_or_default());
        if version != VERSION {
            return Err(corrupt(&format!("format version {version}, expected {VERSION}")));
        }
        let stored_crc = u32::from_le_bytes(map[12..16].try_into().unwrap_or_default());
        let field = |i: usize| -> usize {
            let at = 16 + i * 8;
            usize::try_from(u64::from_le_bytes(map[at..at + 8].try_into().unwrap_or_default())).unwrap_or(usize::MAX)
        };
        let region = |off: usize, len: usize| -> Result<(usize, usize), DbError> {
            match off.checked_add(len) {
                Some(end) if off >= HEADER_LEN && end <= map.len() => Ok((off, len)),
                _ => Err(corrupt("a region lies outside the file (truncated?)")),
            }
        };
        let records = region(field(0), field(1))?;
        let meta_region = region(field(2), field(3))?;
        let strings = region(field(4), field(5))?;
        let keys_count = field(7);
        let keys_len = keys_count.checked_mul(KEY_ENTRY_LEN).ok_or_else(|| corrupt("key count overflows"))?;
        let (keys_off, _) = region(field(6), keys_len)?;

        let mut crc = crc32fast::Hasher::new();
        crc.update(&map[16..HEADER_LEN]);
        crc.update(&map[meta_region.0..meta_region.0 + meta_region.1]);
        crc.update(&map[keys_off..keys_off + keys_len]);
        crc.update(&map[strings.0..strings.0 + strings.1]);
        if crc.finalize() != stored_crc {
            return Err(corrupt("checksum mismatch"));
        }
        let meta: Meta = serde_json::from_slice(&map[meta_region.0..meta_region.0 + meta_region.1])
            .map_err(|e| corrupt(&format!("meta: {e}")))?;
        Ok(Some(Index { path: path.to_path_buf(), meta, map, file, records, strings, keys_off, keys_count }))
    }

    fn corrupt(&self, reason: &str) -> DbError {
        DbError::CorruptIndex { path: self.path.clone(), reason: reason.to_string() }
    }

    /// The key table's entry `i`: (ecosystem code, name, record offset).
    fn entry(&self, i: usize) -> Result<(u8, &[u8], usize), DbError> {
        let at = self.keys_off + i * KEY_ENTRY_LEN;
        let raw = &self.map[at..at + KEY_ENTRY_LEN];
        let key_len = u32::from_le_bytes([raw[4], raw[5], raw[6], raw[7]]) as usize;
        let key_off = usize::try_from(u64::from_le_bytes(raw[8..16].try_into().unwrap_or_default()))
            .map_err(|_| self.corrupt("key offset"))?;
        let record_off = usize::try_from(u64::from_le_bytes(raw[16..24].try_into().unwrap_or_default()))
            .map_err(|_| self.corrupt("record offset"))?;
        let strings = &self.map[self.strings.0..self.strings.0 + self.strings.1];
        let key = key_off
            .checked_add(key_len)
            .and_then(|end| strings.get(key_off..end))
            .ok_or_else(|| self.corrupt("key outside the strings region"))?;
        Ok((raw[0], key, record_off))
    }

    fn record(&self, offset: usize) -> Result<RawRecord, DbError> {
        let bad = || self.corrupt(&format!("record at offset {offset}"));
        let mut header = [0u8; RECORD_HEADER_LEN];
        self.read_records(offset, &mut header)?;
        let word = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let (crc, id_len, origin_len, json_len) = (word(0), word(4) as usize, word(8) as usize, word(12) as usize);
        let body_len = id_len + origin_len + json_len;
        // Check the lengths before allocating: a damaged header must not ask for gigabytes.
        if (offset + RECORD_HEADER_LEN).checked_add(body_len).is_none_or(|end| end > self.records.1) {
            return Err(bad());
        }
        let mut body = vec![0u8; body_len];
        self.read_records(offset + RECORD_HEADER_LEN, &mut body)?;
        if crc32fast::hash(&body) != crc {
            return Err(self.corrupt(&format!("record at offset {offset}: checksum mismatch")));
        }
        let json = body.split_off(id_len + origin_len);
        let origin = body.split_off(id_len);
        Ok(RawRecord {
            id: String::from_utf8(body).map_err(|_| bad())?,
            origin: String::from_utf8(origin).map_err(|_| bad())?,
            json,
        })
    }

    /// Fills `buffer` from the records region at `offset`, which must lie inside it.
    fn read_records(&self, offset: usize, buffer: &mut [u8]) -> Result<(), DbError> {
        let (start, len) = self.records;
        if offset.checked_add(buffer.len()).is_none_or(|end| end > len) {
            return Err(self.corrupt(&format!("record at offset {offset} lies outside the records region")));
        }
        let at = start + offset;
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            self.file.read_exact_at(buffer, at as u64).map_err(|e| DbError::io(&self.path, e))
        }
        #[cfg(not(unix))]
        {
            buffer.copy_from_slice(&self.map[at..at + buffer.len()]);
            Ok(())
        }
    }

    /// Every record indexed under `(ecosystem, key)`; `key` already normalised.
    pub fn lookup(&self, ecosystem: Ecosystem, key: &str) -> Result<Vec<RawRecord>, DbError> {
        let target = (ecosystem_code(ecosystem), key.as_bytes());
        let (mut low, mut high) = (0, self.keys_count);
        while low < high {
            let mid = low + (high - low) / 2;
            let (code, name, _) = self.entry(mid)?;
            if (code, name) < target {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        let mut found = Vec::new();
        for i in low..self.keys_count {
            let (code, name, record_off) = self.entry(i)?;
            if (code, name) != target {
                break;
            }
            found.push(self.record(record_off)?);
        }
        Ok(found)
    }
}
