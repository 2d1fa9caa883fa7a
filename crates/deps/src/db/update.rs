//! `db update`: downloading osv.dev's per-ecosystem dumps into the database directory.
//!
//! Each dump goes to a temp file beside its destination, is checked (the zip opens, every
//! entry is a valid record) and only then renamed over `<dir>/<Ecosystem>/all.zip`. A
//! download cut short, an HTTP error or a corrupt zip leaves the previous dump untouched.
//! Ecosystems are fetched one after another; the first failure stops the update and the
//! ecosystems already replaced stay replaced (each is consistent on its own).

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use sha2::Digest;

use super::{source, Database, DbError, DbInfo, DownloadInfo, MANIFEST_NAME};
use crate::model::Ecosystem;

/// Where osv.dev publishes its dumps: `<base>/<Ecosystem>/all.zip`.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// What an update is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `done` bytes of `total` (when the server sent a Content-Length).
    Downloading,
    /// Checking that every entry of the downloaded zip is a valid record; `done` entries.
    Verifying,
    /// Rebuilding the index over the new dumps.
    Indexing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// `None` while indexing, which covers every ecosystem at once.
    pub ecosystem: Option<Ecosystem>,
    pub stage: Stage,
    pub done: u64,
    pub total: Option<u64>,
}

/// One ecosystem's dump as downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedEcosystem {
    pub ecosystem: Ecosystem,
    pub download: DownloadInfo,
}

#[derive(Debug, Clone)]
pub struct UpdateReport {
    pub updated: Vec<UpdatedEcosystem>,
    /// The database as indexed after the update.
    pub info: DbInfo,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Manifest {
    format: u32,
    /// Keyed by OSV ecosystem name.
    ecosystems: BTreeMap<String, DownloadInfo>,
}

/// Downloads `<base_url>/<Ecosystem>/all.zip` for each ecosystem into `dir`, records what
/// was written in `dir/tollgate-update.json`, and rebuilds the index.
pub fn update(
    dir: &Path,
    base_url: &str,
    ecosystems: &[Ecosystem],
    progress: &mut dyn FnMut(Progress),
) -> Result<UpdateReport, DbError> {
    check_scheme(base_url)?;
    fs::create_dir_all(dir).map_err(|e| DbError::io(dir, e))?;
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(120)))
        .user_agent(concat!("tollgate/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);

    let mut updated = Vec::new();
    for &ecosystem in ecosystems {
        let download = download_one(&agent, dir, base_url, ecosystem, progress)?;
        let mut manifest = read_manifest_file(dir)?;
        manifest.format = 1;
        manifest.ecosystems.insert(ecosystem.osv_name().to_string(), download.clone());
        write_manifest(dir, &manifest)?;
        updated.push(UpdatedEcosystem { ecosystem, download });
    }

    progress(Progress { ecosystem: None, stage: Stage::Indexing, done: 0, total: None });
    let database = Database::open(dir)?;
    Ok(UpdateReport { updated, info: database.info() })
}

fn download_one(
    agent: &ureq::Agent,
    dir: &Path,
    base_url: &str,
    ecosystem: Ecosystem,
    progress: &mut dyn FnMut(Progress),
) -> Result<DownloadInfo, DbError> {
    let url = format!("{}/{}/all.zip", base_url.trim_end_matches('/'), ecosystem.osv_name());
    let failed = |message: String| DbError::Download { url: url.clone(), message };
    let response = agent.get(&url).call().map_err(|e| match e {
        ureq::Error::StatusCode(status) => DbError::Http { url: url.clone(), status },
        other => failed(other.to_string()),
    })?;
    let total = response.body().content_length();
    let mut body = response.into_body().into_reader();

    let destination_dir = dir.join(ecosystem.osv_name());
    fs::create_dir_all(&destination_dir).map_err(|e| DbError::io(&destination_dir, e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".all.zip.")
        .suffix(".part")
        .tempfile_in(&destination_dir)
        .map_err(|e| DbError::io(&destination_dir, e))?;
    let temp_path = temp.path().to_path_buf();

    let mut hasher = sha2::Sha256::new();
    let mut received = 0u64;
    let mut buffer = vec![0u8; 1 << 16];
    progress(Progress { ecosystem: Some(ecosystem), stage: Stage::Downloading, done: 0, total });
    loop {
        let n = match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(match total {
                    Some(expected) if received < expected => DbError::Truncated { url, received, expected },
                    _ => failed(format!("after {received} bytes: {e}")),
                })
            }
        };
        temp.write_all(&buffer[..n]).map_err(|e| DbError::io(&temp_path, e))?;
        hasher.update(&buffer[..n]);
        received += n as u64;
        progress(Progress { ecosystem: Some(ecosystem), stage: Stage::Downloading, done: received, total });
    }
    if let Some(expected) = total {
        if received != expected {
            return Err(DbError::Truncated { url, received, expected });
        }
    }
    temp.as_file().sync_all().map_err(|e| DbError::io(&temp_path, e))?;

    // Verify before replacing: the zip opens and every entry is a record with an id.
    let mut records = 0u64;
    let file = temp.as_file_mut();
    file.seek(SeekFrom::Start(0)).map_err(|e| DbError::io(&temp_path, e))?;
    source::for_each_zip_record(&mut *file, &url, &mut |origin, json| {
        source::parse_head(origin, json)?;
        records += 1;
        if records % 1024 == 0 {
            progress(Progress { ecosystem: Some(ecosystem), stage: Stage::Verifying, done: records, total: None });
        }
        Ok(())
    })?;
    progress(Progress { ecosystem: Some(ecosystem), stage: Stage::Verifying, done: records, total: Some(records) });

    let destination = destination_dir.join("all.zip");
    temp.persist(&destination).map_err(|e| DbError::io(&destination, e.error))?;
    Ok(DownloadInfo {
        url,
        sha256: hex(&hasher.finalize()),
        size: received,
        downloaded_at: rfc3339(SystemTime::now()),
        records,
    })
}

/// Advisories decide what a commit may add, so they come over HTTPS: a plain-HTTP mirror
/// lets anyone on the path delete the advisory for the package they want through. Plain
/// HTTP is accepted only on loopback (a local mirror, the tests' server).
pub(crate) fn check_scheme(base_url: &str) -> Result<(), DbError> {
    let lower = base_url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(());
    }
    if let Some(rest) = lower.strip_prefix("http://") {
        let authority = rest.split('/').next().unwrap_or("");
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        if host == "localhost" || host == "::1" || host.starts_with("127.") {
            return Ok(());
        }
    }
    Err(DbError::Download {
        url: base_url.to_string(),
        message: "only https:// URLs are accepted (plain http:// only on loopback)".into(),
    })
}

/// The downloads the manifest records, by OSV ecosystem name; empty when there is none.
pub(crate) fn read_manifest(dir: &Path) -> Result<BTreeMap<String, DownloadInfo>, DbError> {
    Ok(read_manifest_file(dir)?.ecosystems)
}

fn read_manifest_file(dir: &Path) -> Result<Manifest, DbError> {
    let path = dir.join(MANIFEST_NAME);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
        Err(e) => return Err(DbError::io(&path, e)),
    };
    serde_json::from_slice(&bytes).map_err(|e| DbError::Record {
        origin: path.display().to_string(),
        line: e.line(),
        column: e.column(),
        message: format!("not a tollgate update manifest: {e}"),
    })
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), DbError> {
    let path = dir.join(MANIFEST_NAME);
    let mut bytes = serde_json::to_vec_pretty(manifest).map_err(|e| DbError::io(&path, std::io::Error::other(e)))?;
    bytes.push(b'\n');
    let mut temp =
        tempfile::Builder::new().prefix(".tollgate-update.").tempfile_in(dir).map_err(|e| DbError::io(dir, e))?;
    temp.write_all(&bytes).map_err(|e| DbError::io(&path, e))?;
    temp.as_file().sync_all().map_err(|e| DbError::io(&path, e))?;
    temp.persist(&path).map_err(|e| DbError::io(&path, e.error))?;
    Ok(())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `2026-11-30T23:15:00Z`, without a date crate: days since the epoch to a civil date
/// (the proleptic Gregorian algorithm).
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}
