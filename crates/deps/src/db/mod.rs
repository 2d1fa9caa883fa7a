//! The local OSV database: advisories read from disk, indexed once, looked up per package.
//!
//! `--osv-db PATH` names a directory. Under it, at any depth:
//! - every `*.json` file is one OSV record (a clone of an advisory repository, an unpacked
//!   dump);
//! - every `*.zip` file is a dump whose `*.json` entries are records — osv.dev's
//!   per-ecosystem `<Ecosystem>/all.zip`, or the same file renamed `PyPI.zip`;
//! - names starting with `.` (`.git`, the index, temp files) and the update manifest
//!   [`MANIFEST_NAME`] are not sources; other files (`README.md`) are ignored.
//!
//! [`update`] writes exactly that layout (`<dir>/<Ecosystem>/all.zip`), so the directory
//! it fills is also a valid `--osv-db`.
//!
//! Parsing hundreds of thousands of records on every commit would cost seconds, so
//! [`Database::open`] builds an index file once: the raw JSON of every record that names
//! a package of an ecosystem tollgate reads, plus a sorted `(ecosystem, normalised name)`
//! key table. Later opens map it and binary-search; a lookup reads only the records of the
//! package asked for. The index remembers the size and mtime of every source file and is
//! rebuilt when any of them changes, appears or disappears. It lives at
//! `PATH/.tollgate-osv-index`, or in the user cache when `PATH` is read-only; it is written
//! to a temp file and renamed into place, versioned and checksummed, and an index that
//! fails its checks is rebuilt, never trusted. Withdrawn records are not indexed (OSV says
//! to ignore them); neither are records naming only other ecosystems (Debian, Maven, …).
//! When rebuilding, a dump [`update`] downloaded is checked against the SHA-256 it
//! recorded.
//!
//! Corruption is never "no advisories": an unreadable zip, a truncated entry, or a record
//! that is not JSON or lacks an `id` fails the whole open with the file, the zip entry and
//! the line and column. One bad record failing everything is deliberate — a security check
//! that quietly skips what it cannot read would pass the very package it could not read.

mod index;
mod source;
mod update;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::model::Ecosystem;

pub use update::{update, Progress, Stage, UpdateReport, UpdatedEcosystem, DEFAULT_BASE_URL};

/// The file [`update`] keeps beside the dumps: per ecosystem the source URL, SHA-256,
/// size and time of the download.
pub const MANIFEST_NAME: &str = "tollgate-update.json";

/// The index's file name inside the database directory.
const INDEX_NAME: &str = ".tollgate-osv-index";

/// What can go wrong reading, indexing or downloading the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: not a directory (--osv-db takes a directory of OSV records or all.zip dumps)", path.display())]
    NotADirectory { path: PathBuf },
    #[error("{}: no OSV records (*.json) or dumps (*.zip) found", path.display())]
    Empty { path: PathBuf },
    /// A record that is not valid JSON, or not an OSV record. `origin` is the file, or
    /// `archive.zip!entry.json`.
    #[error("{origin}:{line}:{column}: not a valid OSV record: {message}")]
    Record { origin: String, line: usize, column: usize, message: String },
    /// A zip archive (or one of its entries) that cannot be read.
    #[error("{origin}: corrupt zip archive: {message}")]
    Zip { origin: String, message: String },
    /// A dump whose content is not what `db update` downloaded.
    #[error("{}: SHA-256 {actual} differs from {expected} recorded by the last update; run the update again", path.display())]
    Checksum { path: PathBuf, expected: String, actual: String },
    /// An index that passed its checks when opened but is inconsistent at lookup.
    #[error("{}: corrupt index: {reason}", path.display())]
    CorruptIndex { path: PathBuf, reason: String },
    #[error("{url}: HTTP status {status}")]
    Http { url: String, status: u16 },
    #[error("{url}: download failed: {message}")]
    Download { url: String, message: String },
    #[error("{url}: download cut short: {received} of {expected} bytes")]
    Truncated { url: String, received: u64, expected: u64 },
}

impl DbError {
    fn io(path: impl Into<PathBuf>, source: std::io::Error) -> DbError {
        DbError::Io { path: path.into(), source }
    }
}

/// One advisory as stored: its raw JSON, for the OSV module to parse in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    pub id: String,
    /// Where it came from: a file path, or `path/to/all.zip!GHSA-….json`.
    pub origin: String,
    pub json: Vec<u8>,
}

/// One source file of the database as last indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub path: PathBuf,
    pub size: u64,
    pub modified: SystemTime,
}

/// One ecosystem's last download, from the update manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DownloadInfo {
    pub url: String,
    pub sha256: String,
    pub size: u64,
    /// RFC 3339, UTC.
    pub downloaded_at: String,
    pub records: u64,
}

/// What `tollgate deps db info` shows.
#[derive(Debug, Clone)]
pub struct DbInfo {
    pub root: PathBuf,
    pub index_path: PathBuf,
    /// Whether this open built the index (first open, or sources changed).
    pub index_rebuilt: bool,
    pub built_at: SystemTime,
    pub sources: Vec<SourceInfo>,
    /// Indexed records (withdrawn and other ecosystems' records excluded).
    pub records: u64,
    /// Records per ecosystem; a record naming packages of two ecosystems counts in both.
    pub records_per_ecosystem: BTreeMap<Ecosystem, u64>,
    /// Records with `withdrawn` set: OSV says to ignore them, so they are not indexed.
    pub withdrawn: u64,
    /// Records naming no package of an ecosystem tollgate reads (Debian, Maven, …).
    pub other_ecosystems: u64,
    /// The newest `modified` timestamp among indexed records, as written.
    pub newest_modified: Option<String>,
    /// Per ecosystem (OSV name), the last `db update` download, when there was one.
    pub downloads: BTreeMap<String, DownloadInfo>,
}

/// An opened, indexed OSV database.
#[derive(Debug)]
pub struct Database {
    root: PathBuf,
    index: index::Index,
    rebuilt: bool,
}

impl Database {
    /// Opens the database under `path`, building or refreshing its index when the sources
    /// changed since it was built. The index goes to `path/.tollgate-osv-index`, or, when
    /// that directory is read-only, to the user cache dir ([`default_cache_dir`]).
    pub fn open(path: &Path) -> Result<Database, DbError> {
        let meta = std::fs::metadata(path).map_err(|e| DbError::io(path, e))?;
        if !meta.is_dir() {
            return Err(DbError::NotADirectory { path: path.to_path_buf() });
        }
        let sources = source::scan(path)?;
        if sources.is_empty() {
            return Err(DbError::Empty { path: path.to_path_buf() });
        }
        let stamps: Vec<index::Stamp> = sources.iter().map(source::SourceFile::stamp).collect();

        let primary = path.join(INDEX_NAME);
        let fallback = fallback_index_path(path);
        for location in std::iter::once(&primary).chain(fallback.as_ref()) {
            // A missing, corrupt, foreign-version or stale index is simply rebuilt.
            if let Ok(Some(index)) = index::Index::load(location) {
                if index.meta.sources == stamps {
                    return Ok(Database { root: path.to_path_buf(), index, rebuilt: false });
                }
            }
        }

        let manifest = update::read_manifest(path)?;
        let built = index::build(path, &sources, stamps, &manifest, &primary, fallback.as_deref())?;
        let index = index::Index::load(&built)?.ok_or_else(|| DbError::CorruptIndex {
            path: built.clone(),
            reason: "the index just written is unreadable".into(),
        })?;
        Ok(Database { root: path.to_path_buf(), index, rebuilt: true })
    }

    /// Every indexed advisory naming `name` in `ecosystem`, the name normalised as the
    /// registry compares names ([`Ecosystem::normalise`]). Withdrawn records are excluded.
    pub fn records(&self, ecosystem: Ecosystem, name: &str) -> Result<Vec<RawRecord>, DbError> {
        self.index.lookup(ecosystem, &ecosystem.normalise(name))
    }

    /// Sources, counts and dates, for `db info` and for telling how old the data is.
    pub fn info(&self) -> DbInfo {
        let meta = &self.index.meta;
        let mut per_ecosystem = BTreeMap::new();
        for (name, count) in &meta.records_per_ecosystem {
            if let Some(ecosystem) = Ecosystem::from_osv(name) {
                per_ecosystem.insert(ecosystem, *count);
            }
        }
        DbInfo {
            root: self.root.clone(),
            index_path: self.index.path.clone(),
            index_rebuilt: self.rebuilt,
            built_at: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(meta.built_at_unix),
            sources: meta
                .sources
                .iter()
                .map(|s| SourceInfo {
                    path: self.root.join(&s.path),
                    size: s.size,
                    modified: SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(s.mtime_ns),
                })
                .collect(),
            records: meta.records,
            records_per_ecosystem: per_ecosystem,
            withdrawn: meta.withdrawn,
            other_ecosystems: meta.other_ecosystems,
            newest_modified: meta.newest_modified.clone(),
            downloads: update::read_manifest(&self.root).unwrap_or_default(),
        }
    }
}

/// tollgate's cache directory: `$XDG_CACHE_HOME/tollgate`, else `~/.cache/tollgate`.
/// `db update` downloads to `<this>/osv` unless told otherwise.
pub fn default_cache_dir() -> Option<PathBuf> {
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(xdg) = from_env("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        return Some(xdg.join("tollgate"));
    }
    from_env("HOME").map(|home| home.join(".cache").join("tollgate"))
}

/// Where the database lives when `--osv-db` is not given: `<cache>/osv`.
pub fn default_db_dir() -> Option<PathBuf> {
    default_cache_dir().map(|dir| dir.join("osv"))
}

/// The index of a read-only database directory, in the user cache, named after a hash of
/// the directory's canonical path so two databases never share one.
fn fallback_index_path(root: &Path) -> Option<PathBuf> {
    use sha2::Digest;
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let digest = sha2::Sha256::digest(canonical.to_string_lossy().as_bytes());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    default_cache_dir().map(|dir| dir.join("osv-index").join(format!("{name}.idx")))
}

#[cfg(test)]
mod tests;
