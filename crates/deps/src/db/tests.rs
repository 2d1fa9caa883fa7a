use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use super::*;

fn record(id: &str, packages: &[(&str, &str)]) -> String {
    let affected: Vec<serde_json::Value> = packages
        .iter()
        .map(|(ecosystem, name)| {
            serde_json::json!({
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]
            })
        })
        .collect();
    serde_json::json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2025-03-01T10:00:00Z",
        "summary": "made-up advisory for tests",
        "affected": affected,
    })
    .to_string()
}

fn write(path: &Path, content: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn zip_bytes(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn ids(records: &[RawRecord]) -> Vec<&str> {
    let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids
}

fn nested_json_db() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("advisories/pypi/2024/GHSA-aaaa.json"), record("GHSA-aaaa", &[("PyPI", "Foo_Bar")]).as_bytes());
    write(
        &root.join("advisories/rust/RUSTSEC-2024-0001.json"),
        record("RUSTSEC-2024-0001", &[("crates.io", "serde_json"), ("crates.io", "other-crate")]).as_bytes(),
    );
    write(&root.join("debian/DSA-1.json"), record("DSA-1", &[("Debian:12", "openssl")]).as_bytes());
    let mut withdrawn: serde_json::Value = serde_json::from_str(&record("GHSA-gone", &[("PyPI", "foo-bar")])).unwrap();
    withdrawn["withdrawn"] = "2025-01-01T00:00:00Z".into();
    write(&root.join("advisories/pypi/GHSA-gone.json"), withdrawn.to_string().as_bytes());
    write(&root.join("README.md"), b"not a record");
    write(&root.join(".git/config.json"), b"hidden directories are not sources");
    dir
}

#[test]
fn a_nested_directory_of_json_records_is_indexed_by_normalised_name() {
    let dir = nested_json_db();
    let db = Database::open(dir.path()).unwrap();

    let found = db.records(Ecosystem::PyPI, "foo.bar").unwrap();
    assert_eq!(ids(&found), ["GHSA-aaaa"]);
    assert!(found[0].origin.ends_with("GHSA-aaaa.json"), "{}", found[0].origin);
    let parsed: serde_json::Value = serde_json::from_slice(&found[0].json).unwrap();
    assert_eq!(parsed["summary"], "made-up advisory for tests");

    // One record naming two packages is found under each of them.
    assert_eq!(ids(&db.records(Ecosystem::CratesIo, "Serde-JSON").unwrap()), ["RUSTSEC-2024-0001"]);
    assert_eq!(ids(&db.records(Ecosystem::CratesIo, "other_crate").unwrap()), ["RUSTSEC-2024-0001"]);
    // Same name, other ecosystem: nothing.
    assert!(db.records(Ecosystem::Npm, "foo_bar").unwrap().is_empty());
    assert!(db.records(Ecosystem::PyPI, "unknown").unwrap().is_empty());

    let info = db.info();
    assert!(info.index_rebuilt);
    assert_eq!(info.records, 2);
    assert_eq!(info.withdrawn, 1);
    assert_eq!(info.other_ecosystems, 1);
    assert_eq!(info.records_per_ecosystem.get(&Ecosystem::PyPI), Some(&1));
    assert_eq!(info.records_per_ecosystem.get(&Ecosystem::CratesIo), Some(&1));
    assert_eq!(info.sources.len(), 4, "{:?}", info.sources);
    assert_eq!(info.newest_modified.as_deref(), Some("2025-03-01T10:00:00Z"));
    assert_eq!(info.index_path, dir.path().join(INDEX_NAME));
}

#[test]
fn zip_dumps_are_read_entry_by_entry() {
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_bytes(&[
        ("PYSEC-1.json", &record("PYSEC-1", &[("PyPI", "requests")])),
        ("MAL-2.json", &record("MAL-2", &[("PyPI", "Requests")])),
        ("notes.txt", "entries that are not JSON are skipped"),
    ]);
    write(&dir.path().join("PyPI/all.zip"), &zip);
    write(&dir.path().join("npm.zip"), &zip_bytes(&[("GHSA-n.json", &record("GHSA-n", &[("npm", "Left-Pad")]))]));

    let db = Database::open(dir.path()).unwrap();
    let found = db.records(Ecosystem::PyPI, "REQUESTS").unwrap();
    assert_eq!(ids(&found), ["MAL-2", "PYSEC-1"]);
    assert!(found.iter().all(|r| r.origin.contains("all.zip!")), "{found:?}");
    assert_eq!(ids(&db.records(Ecosystem::Npm, "left-pad").unwrap()), ["GHSA-n"]);
    assert_eq!(db.info().records, 3);
}

#[test]
fn a_second_open_reuses_the_index_without_reading_the_sources() {
    let dir = nested_json_db();
    let index_path = dir.path().join(INDEX_NAME);
    Database::open(dir.path()).unwrap();
    let built = std::fs::metadata(&index_path).unwrap().modified().unwrap();

    let again = Database::open(dir.path()).unwrap();
    assert!(!again.info().index_rebuilt);
    assert_eq!(std::fs::metadata(&index_path).unwrap().modified().unwrap(), built);
    assert_eq!(ids(&again.records(Ecosystem::PyPI, "foo-bar").unwrap()), ["GHSA-aaaa"]);
}

#[test]
fn the_index_is_rebuilt_when_a_source_changes_appears_or_disappears() {
    let dir = nested_json_db();
    Database::open(dir.path()).unwrap();

    let changed = dir.path().join("advisories/pypi/2024/GHSA-aaaa.json");
    write(&changed, record("GHSA-aaaa", &[("PyPI", "foo-bar"), ("PyPI", "second-package")]).as_bytes());
    let db = Database::open(dir.path()).unwrap();
    assert!(db.info().index_rebuilt);
    assert_eq!(ids(&db.records(Ecosystem::PyPI, "second_package").unwrap()), ["GHSA-aaaa"]);

    write(&dir.path().join("new/GO-1.json"), record("GO-1", &[("Go", "github.com/Example/mod")]).as_bytes());
    let db = Database::open(dir.path()).unwrap();
    assert!(db.info().index_rebuilt);
    assert_eq!(ids(&db.records(Ecosystem::Go, "github.com/Example/mod").unwrap()), ["GO-1"]);
    assert!(db.records(Ecosystem::Go, "github.com/example/mod").unwrap().is_empty(), "Go paths are case-sensitive");

    std::fs::remove_file(&changed).unwrap();
    let db = Database::open(dir.path()).unwrap();
    assert!(db.info().index_rebuilt);
    assert!(db.records(Ecosystem::PyPI, "foo-bar").unwrap().is_empty());
}

#[test]
fn a_reader_keeps_its_index_while_another_open_replaces_it() {
    let dir = nested_json_db();
    let reader = Database::open(dir.path()).unwrap();
    let changed = dir.path().join("advisories/pypi/2024/GHSA-aaaa.json");
    write(&changed, record("GHSA-bbbb", &[("PyPI", "foo-bar")]).as_bytes());
    let writer = Database::open(dir.path()).unwrap();
    assert!(writer.info().index_rebuilt);
    // The rename swapped the directory entry; the first reader still sees its whole index.
    assert_eq!(ids(&reader.records(Ecosystem::PyPI, "foo-bar").unwrap()), ["GHSA-aaaa"]);
    assert_eq!(ids(&writer.records(Ecosystem::PyPI, "foo-bar").unwrap()), ["GHSA-bbbb"]);
    let temps: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

#[test]
fn a_corrupt_or_foreign_index_is_rebuilt_not_trusted() {
    let dir = nested_json_db();
    let index_path = dir.path().join(INDEX_NAME);
    Database::open(dir.path()).unwrap();
    let good = std::fs::read(&index_path).unwrap();

    // A flipped byte in the key table, a truncated file, and garbage.
    let mut flipped = good.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0x20;
    for bad in [flipped, good[..good.len() / 2].to_vec(), b"garbage".to_vec()] {
        std::fs::write(&index_path, &bad).unwrap();
        let db = Database::open(dir.path()).unwrap();
        assert!(db.info().index_rebuilt);
        assert_eq!(ids(&db.records(Ecosystem::PyPI, "foo-bar").unwrap()), ["GHSA-aaaa"]);
    }
    assert!(index::Index::load(&index_path).unwrap().is_some());
    let mut version = std::fs::read(&index_path).unwrap();
    version[8] = 99;
    std::fs::write(&index_path, &version).unwrap();
    let error = index::Index::load(&index_path).unwrap_err().to_string();
    assert!(error.contains("format version 99"), "{error}");
}

#[test]
fn a_corrupt_record_in_the_store_is_an_error_at_lookup() {
    let dir = nested_json_db();
    let index_path = dir.path().join(INDEX_NAME);
    Database::open(dir.path()).unwrap();
    // Damage the first record's JSON (the records region starts after the 80-byte
    // header); its per-record checksum, not the header's, must catch it.
    let mut bytes = std::fs::read(&index_path).unwrap();
    let at = bytes.len().min(80 + 200);
    bytes[at] ^= 0x01;
    std::fs::write(&index_path, &bytes).unwrap();
    let index = index::Index::load(&index_path).unwrap().unwrap();
    let results: Vec<_> = [(Ecosystem::PyPI, "foo-bar"), (Ecosystem::CratesIo, "serde-json")]
        .into_iter()
        .map(|(e, n)| index.lookup(e, n))
        .collect();
    assert!(
        results.iter().any(|r| matches!(r, Err(DbError::CorruptIndex { reason, .. }) if reason.contains("checksum"))),
        "{results:?}"
    );
}

#[test]
fn an_unwritable_database_directory_puts_the_index_in_the_fallback_location() {
    let dir = nested_json_db();
    let cache = tempfile::tempdir().unwrap();
    let sources = source::scan(dir.path()).unwrap();
    let stamps = sources.iter().map(source::SourceFile::stamp).collect();
    // A primary location whose directory does not exist cannot take a temp file, as a
    // read-only one cannot (tests run as root here, which writes through chmod).
    let primary = dir.path().join("no-such-dir").join(INDEX_NAME);
    let fallback = cache.path().join("osv-index").join("0123.idx");
    let written = index::build(dir.path(), &sources, stamps, &BTreeMap::new(), &primary, Some(&fallback)).unwrap();
    assert_eq!(written, fallback);
    assert!(!primary.exists());
    let index = index::Index::load(&fallback).unwrap().unwrap();
    assert_eq!(index.lookup(Ecosystem::PyPI, "foo-bar").unwrap().len(), 1);
}

#[test]
fn invalid_json_is_reported_with_file_line_and_column() {
    let dir = nested_json_db();
    let bad = dir.path().join("advisories/pypi/GHSA-bad.json");
    write(&bad, b"{\"id\": \"GHSA-bad\",\n  \"affected\": [}\n");
    let error = Database::open(dir.path()).unwrap_err();
    match &error {
        DbError::Record { origin, line, column, .. } => {
            assert_eq!(origin, &bad.display().to_string());
            assert_eq!((*line, *column), (2, 16));
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert!(error.to_string().starts_with(&format!("{}:2:16: ", bad.display())), "{error}");
    assert!(!dir.path().join(INDEX_NAME).exists(), "no index over a corrupt database");
}

#[test]
fn a_record_without_id_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("PyPI.zip"),
        &zip_bytes(&[("ok.json", &record("PYSEC-1", &[("PyPI", "a")])), ("noid.json", "{\"affected\": []}")]),
    );
    let error = Database::open(dir.path()).unwrap_err().to_string();
    assert!(error.contains("PyPI.zip!noid.json:1:"), "{error}");
    assert!(error.contains("missing field `id`"), "{error}");
}

#[test]
fn a_corrupt_zip_or_a_damaged_entry_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("npm/all.zip"), b"PK\x03\x04 this is not a zip archive");
    let error = Database::open(dir.path()).unwrap_err();
    assert!(matches!(&error, DbError::Zip { origin, .. } if origin.ends_with("all.zip")), "{error:?}");

    // A valid archive whose compressed data is damaged: the entry fails its CRC.
    let long_summary = "x".repeat(2000);
    let text = format!(
        "{{\"id\":\"GHSA-z\",\"summary\":\"{long_summary}\",\"affected\":[{{\"package\":{{\"ecosystem\":\"npm\",\"name\":\"z\"}}}}]}}"
    );
    let mut zip = zip_bytes(&[("GHSA-z.json", &text)]);
    let data_start = 30 + "GHSA-z.json".len();
    zip[data_start + 4] ^= 0xff;
    zip[data_start + 5] ^= 0xff;
    write(&dir.path().join("npm/all.zip"), &zip);
    let error = Database::open(dir.path()).unwrap_err();
    assert!(
        matches!(&error, DbError::Zip { origin, .. } | DbError::Record { origin, .. } if origin.ends_with("all.zip!GHSA-z.json")),
        "{error:?}"
    );
}

#[test]
fn a_missing_or_empty_database_is_an_error_not_an_empty_result() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(Database::open(dir.path()), Err(DbError::Empty { .. })));
    assert!(matches!(Database::open(&dir.path().join("missing")), Err(DbError::Io { .. })));
    write(&dir.path().join("file.json"), b"{}");
    assert!(matches!(Database::open(&dir.path().join("file.json")), Err(DbError::NotADirectory { .. })));
}

#[test]
fn dates_format_as_rfc3339() {
    use std::time::Duration;
    assert_eq!(update::rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
    let leap_day = SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_210_096);
    assert_eq!(update::rfc3339(leap_day), "2024-02-29T12:34:56Z");
}

/// A one-thread HTTP server on loopback answering each request for a path with a canned
/// raw response; unknown paths get a 404. Serves `connections` requests, then stops.
fn serve(responses: Vec<(&'static str, Vec<u8>)>, connections: usize) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for _ in 0..connections {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                request.push(byte[0]);
            }
            let line = String::from_utf8_lossy(&request);
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let response = responses.iter().find(|(p, _)| *p == path).map(|(_, r)| r.clone()).unwrap_or_else(|| {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            });
            let _ = stream.write_all(&response);
            let _ = stream.flush();
        }
    });
    (base, handle)
}

fn ok_response(body: &[u8], claimed_length: usize) -> Vec<u8> {
    let mut response =
        format!("HTTP/1.1 200 OK\r\nContent-Length: {claimed_length}\r\nConnection: close\r\n\r\n").into_bytes();
    response.extend_from_slice(body);
    response
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    update::hex(&sha2::Sha256::digest(bytes))
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            found.extend(leftovers(&entry.path()));
        } else if entry.file_name().to_string_lossy().ends_with(".part") {
            found.push(entry.path());
        }
    }
    found
}

#[test]
fn update_downloads_verifies_and_replaces_the_dump_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let old = zip_bytes(&[("PYSEC-old.json", &record("PYSEC-old", &[("PyPI", "old-package")]))]);
    write(&dir.path().join("PyPI/all.zip"), &old);
    Database::open(dir.path()).unwrap();

    let new = zip_bytes(&[
        ("PYSEC-1.json", &record("PYSEC-1", &[("PyPI", "requests")])),
        ("MAL-1.json", &record("MAL-1", &[("PyPI", "reqeusts")])),
    ]);
    let (base, server) = serve(vec![("/PyPI/all.zip", ok_response(&new, new.len()))], 1);
    let mut events = Vec::new();
    let report = update(dir.path(), &base, &[Ecosystem::PyPI], &mut |p| events.push(p)).unwrap();
    server.join().unwrap();

    assert_eq!(std::fs::read(dir.path().join("PyPI/all.zip")).unwrap(), new);
    assert_eq!(report.updated.len(), 1);
    let download = &report.updated[0].download;
    assert_eq!(download.sha256, sha256_hex(&new));
    assert_eq!((download.size, download.records), (new.len() as u64, 2));
    assert_eq!(download.url, format!("{base}/PyPI/all.zip"));
    assert_eq!(report.info.records_per_ecosystem.get(&Ecosystem::PyPI), Some(&2));
    assert_eq!(report.info.downloads["PyPI"], *download);
    assert!(leftovers(dir.path()).is_empty());

    let last_download = events.iter().rfind(|p| p.stage == Stage::Downloading).copied().unwrap();
    assert_eq!((last_download.done, last_download.total), (new.len() as u64, Some(new.len() as u64)));
    assert_eq!(events.last().unwrap().stage, Stage::Indexing);

    let db = Database::open(dir.path()).unwrap();
    assert!(!db.info().index_rebuilt, "update left a fresh index");
    assert_eq!(ids(&db.records(Ecosystem::PyPI, "reqeusts").unwrap()), ["MAL-1"]);
    assert!(db.records(Ecosystem::PyPI, "old-package").unwrap().is_empty());

    // The recorded checksum guards the dump from then on.
    write(&dir.path().join("PyPI/all.zip"), &old);
    assert!(matches!(Database::open(dir.path()), Err(DbError::Checksum { .. })));
}

#[test]
fn a_download_cut_short_leaves_the_old_database_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let old = zip_bytes(&[("GHSA-old.json", &record("GHSA-old", &[("npm", "left-pad")]))]);
    write(&dir.path().join("npm/all.zip"), &old);

    let new = zip_bytes(&[("GHSA-new.json", &record("GHSA-new", &[("npm", "left-pad")]))]);
    let cut = &new[..new.len() / 2];
    let (base, server) = serve(vec![("/npm/all.zip", ok_response(cut, new.len()))], 1);
    let error = update(dir.path(), &base, &[Ecosystem::Npm], &mut |_| {}).unwrap_err();
    server.join().unwrap();
    assert!(
        matches!(&error, DbError::Truncated { received, expected, .. } if *received == cut.len() as u64 && *expected == new.len() as u64)
            || matches!(&error, DbError::Download { .. }),
        "{error:?}"
    );
    assert_eq!(std::fs::read(dir.path().join("npm/all.zip")).unwrap(), old);
    assert!(!dir.path().join(MANIFEST_NAME).exists());
    assert!(leftovers(dir.path()).is_empty());
    assert_eq!(ids(&Database::open(dir.path()).unwrap().records(Ecosystem::Npm, "left-pad").unwrap()), ["GHSA-old"]);
}

#[test]
fn a_corrupt_download_leaves_the_old_database_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let old = zip_bytes(&[("GO-old.json", &record("GO-old", &[("Go", "example.com/m")]))]);
    write(&dir.path().join("Go/all.zip"), &old);
    let broken = zip_bytes(&[("GO-bad.json", "{\"id\": \"GO-bad\", \"affected\": [")]);
    let (base, server) = serve(vec![("/Go/all.zip", ok_response(&broken, broken.len()))], 1);
    let error = update(dir.path(), &base, &[Ecosystem::Go], &mut |_| {}).unwrap_err();
    server.join().unwrap();
    assert!(
        matches!(&error, DbError::Record { origin, .. } if origin.ends_with("/Go/all.zip!GO-bad.json")),
        "{error:?}"
    );
    assert_eq!(std::fs::read(dir.path().join("Go/all.zip")).unwrap(), old);
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn update_refuses_plain_http_except_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    for url in ["http://mirror.example.org/osv", "ftp://example.org", "example.org"] {
        let error = update(dir.path(), url, &[Ecosystem::PyPI], &mut |_| {}).unwrap_err();
        assert!(error.to_string().contains("only https://"), "{url}: {error}");
    }
    assert!(update::check_scheme("https://osv.example.org").is_ok());
    assert!(update::check_scheme("http://127.0.0.1:8080").is_ok());
    assert!(update::check_scheme("http://[::1]:8080/osv").is_ok());
    assert!(update::check_scheme("http://localhost/").is_ok());
}

#[test]
fn a_404_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (base, server) = serve(Vec::new(), 1);
    let error = update(dir.path(), &base, &[Ecosystem::CratesIo], &mut |_| {}).unwrap_err();
    server.join().unwrap();
    assert!(
        matches!(error, DbError::Http { status: 404, ref url } if url.ends_with("/crates.io/all.zip")),
        "{error:?}"
    );
    assert!(!dir.path().join("crates.io/all.zip").exists());
}

/// Not a test: the timing half of `benches/osv-db.sh`. Opens the database named by
/// `TOLLGATE_OSV_BENCH_DB` and looks up the `ecosystem name` lines of
/// `TOLLGATE_OSV_BENCH_LOOKUPS`, printing how long each step took.
#[test]
#[ignore = "benchmark; run by benches/osv-db.sh"]
fn bench_open_and_lookup() {
    let db_dir = std::env::var_os("TOLLGATE_OSV_BENCH_DB").expect("TOLLGATE_OSV_BENCH_DB");
    let lookups = std::env::var_os("TOLLGATE_OSV_BENCH_LOOKUPS").expect("TOLLGATE_OSV_BENCH_LOOKUPS");
    let lookups = std::fs::read_to_string(lookups).unwrap();

    let start = std::time::Instant::now();
    let db = Database::open(Path::new(&db_dir)).unwrap();
    let opened = start.elapsed();
    let mut found = 0;
    let mut bytes = 0;
    let mut packages = 0;
    for line in lookups.lines().filter(|l| !l.trim().is_empty()) {
        let (ecosystem, name) = line.split_once(' ').unwrap();
        let records = db.records(Ecosystem::parse(ecosystem).unwrap(), name).unwrap();
        found += records.len();
        bytes += records.iter().map(|r| r.json.len()).sum::<usize>();
        packages += 1;
    }
    let total = start.elapsed();
    let info = db.info();
    println!(
        "bench: rebuilt={} open_ms={:.1} lookups={} records_found={} bytes_found={} lookup_ms={:.2} total_ms={:.1} records={} index_bytes={}",
        info.index_rebuilt,
        opened.as_secs_f64() * 1e3,
        packages,
        found,
        bytes,
        (total - opened).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        info.records,
        std::fs::metadata(&info.index_path).map_or(0, |m| m.len()),
    );
}
