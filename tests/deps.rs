//! The dependency guard end to end: real commits through installed hooks, a real push
//! to a bare remote, an advisory database on disk, and `db update` from a server the
//! test starts on loopback.

mod common;

use std::path::Path;

use common::*;
use serde_json::json;

/// Writes OSV records (made-up advisories about real package names) as a folder of
/// JSON files, nested the way the osv.dev dumps are not: any nesting is read.
fn write_db(dir: &Path, records: &[serde_json::Value]) {
    for (i, r) in records.iter().enumerate() {
        let sub = dir.join(format!("set-{}", i % 2)).join("nested");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("{}.json", r["id"].as_str().unwrap())), r.to_string()).unwrap();
    }
}

fn advisory(id: &str, ecosystem: &str, name: &str, events: serde_json::Value) -> serde_json::Value {
    json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2026-10-01T00:00:00Z",
        "aliases": [format!("CVE-2026-{}", &id[id.len() - 4..])],
        "summary": format!("Remote code execution in {name}"),
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{
            "package": {"ecosystem": ecosystem, "name": name},
            "ranges": [{"type": "ECOSYSTEM", "events": events}]
        }]
    })
}

fn standard_db(dir: &Path) {
    write_db(
        dir,
        &[
            advisory("TEST-2026-0001", "PyPI", "requests", json!([{"introduced": "0"}, {"fixed": "2.20.0"}])),
            advisory("TEST-2026-0002", "npm", "lodash", json!([{"introduced": "4.0.0"}, {"fixed": "4.17.21"}])),
            advisory("TEST-2026-0003", "npm", "minimist", json!([{"introduced": "0"}, {"fixed": "1.2.6"}])),
            advisory("TEST-2026-0004", "crates.io", "smallvec", json!([{"introduced": "1.0.0"}, {"fixed": "1.6.1"}])),
            advisory("TEST-2026-0005", "PyPI", "urllib3", json!([{"introduced": "1.0"}, {"fixed": "1.26.5"}])),
            json!({
                "id": "MAL-2026-0100",
                "modified": "2026-10-01T00:00:00Z",
                "summary": "Malicious code in crossenv (npm)",
                "affected": [{"package": {"ecosystem": "npm", "name": "crossenv"},
                              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]
            }),
        ],
    );
}

/// A repository whose pre-commit hook runs `tollgate-deps` against a database.
struct DepsRepo {
    repo: Repo,
    _db: tempfile::TempDir,
}

impl DepsRepo {
    fn new() -> DepsRepo {
        let db = tempfile::tempdir().unwrap();
        standard_db(db.path());
        let repo = Repo::new();
        repo.write("README.md", "hello\n");
        repo.commit_all("init");
        let hook = format!(
            "#!/bin/sh\nexec '{}' --osv-db '{}' pre-commit \"$@\"\n",
            bin("tollgate-deps").display(),
            db.path().display()
        );
        repo.install_hook("pre-commit", &hook);
        DepsRepo { repo, _db: db }
    }

    fn commit(&self, message: &str) -> std::process::Output {
        self.repo.git(&["add", "-A"]);
        self.repo.git_output(&["commit", "-q", "-m", message])
    }
}

fn all(out: &std::process::Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

fn passed(out: &std::process::Output) {
    assert!(out.status.success(), "refused:\n{}", all(out));
}

fn refused(out: &std::process::Output, what: &[&str]) {
    let all = all(out);
    assert_eq!(out.status.code(), Some(1), "not refused (exit {:?}):\n{all}", out.status.code());
    for w in what {
        assert!(all.contains(w), "no `{w}` in:\n{all}");
    }
}

#[test]
fn a_vulnerable_requirement_is_refused_and_its_fix_passes() {
    let r = DepsRepo::new();
    r.repo.write("requirements.txt", "flask==3.0.0\nrequests==2.19.1  # http\n");
    let out = r.commit("add requests");
    refused(
        &out,
        &["vulnerable-dependency", "TEST-2026-0001", "CVE-2026-0001", "fixed in 2.20.0", "requirements.txt:2"],
    );
    r.repo.write("requirements.txt", "flask==3.0.0\nrequests==2.20.0  # http\n");
    passed(&r.commit("add requests, fixed"));
}

#[test]
fn a_vulnerable_dependency_nobody_touched_does_not_block_an_unrelated_edit() {
    let r = DepsRepo::new();
    r.repo.write("requirements.txt", "requests==2.19.1\n");
    r.repo.git(&["add", "-A"]);
    r.repo.git(&["commit", "-q", "--no-verify", "-m", "old debt"]);
    r.repo.write("requirements.txt", "requests==2.19.1\nflask==3.0.0\n");
    passed(&r.commit("add flask"));
}

#[test]
fn lock_files_resolve_the_versions_judged() {
    let r = DepsRepo::new();
    // package-lock v3 with a nested copy: only the nested one is vulnerable.
    let lock = json!({
        "name": "app", "version": "1.0.0", "lockfileVersion": 3,
        "packages": {
            "": {"name": "app", "version": "1.0.0", "dependencies": {"lodash": "^4.17.21", "mkdirp": "^0.5.0"}},
            "node_modules/lodash": {"version": "4.17.21"},
            "node_modules/mkdirp": {"version": "0.5.1"},
            "node_modules/mkdirp/node_modules/minimist": {"version": "0.0.8"}
        }
    });
    r.repo.write("web/package-lock.json", serde_json::to_string_pretty(&lock).unwrap());
    r.repo.write("web/package.json", r#"{"name":"app","dependencies":{"lodash":"^4.17.21","mkdirp":"^0.5.0"}}"#);
    let out = r.commit("web deps");
    refused(&out, &["minimist 0.0.8", "TEST-2026-0003"]);
    assert!(!all(&out).contains("TEST-2026-0002"), "lodash 4.17.21 is fixed: {}", all(&out));

    let r = DepsRepo::new();
    r.repo.write(
        "yarn.lock",
        "# yarn lockfile v1\n\n\nlodash@^4.17.0:\n  version \"4.17.15\"\n  resolved \"https://registry.yarnpkg.com/lodash/-/lodash-4.17.15.tgz\"\n",
    );
    refused(&r.commit("yarn"), &["lodash 4.17.15", "TEST-2026-0002", "yarn.lock:4"]);

    let r = DepsRepo::new();
    r.repo.write(
        "pnpm-lock.yaml",
        "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      lodash:\n        specifier: ^4.17.0\n        version: 4.17.20\n\npackages:\n  lodash@4.17.20:\n    resolution: {integrity: sha512-abc}\n\nsnapshots:\n  lodash@4.17.20: {}\n",
    );
    refused(&r.commit("pnpm"), &["lodash 4.17.20", "TEST-2026-0002"]);

    let r = DepsRepo::new();
    r.repo.write(
        "uv.lock",
        "version = 1\nrequires-python = \">=3.11\"\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n\n[[package]]\nname = \"urllib3\"\nversion = \"1.26.4\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    );
    refused(&r.commit("uv"), &["urllib3 1.26.4", "TEST-2026-0005", "fixed in 1.26.5"]);

    let r = DepsRepo::new();
    r.repo.write(
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    );
    refused(&r.commit("cargo"), &["smallvec 1.6.0", "TEST-2026-0004", "Cargo.lock:8"]);
}

#[test]
fn a_manifest_range_yields_to_the_lock_file_of_the_same_change() {
    let r = DepsRepo::new();
    // The range admits vulnerable versions, but the lock resolves a fixed one.
    r.repo.write("package.json", r#"{"name":"app","dependencies":{"lodash":"^4.17.0"}}"#);
    r.repo.write(
        "package-lock.json",
        r#"{"name":"app","lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/lodash":{"version":"4.17.21"}}}"#,
    );
    let out = r.commit("lodash, locked");
    passed(&out);
    assert!(!all(&out).contains("TEST-2026-0002"), "{}", all(&out));
    // Without a lock file the range only warns: it admits affected versions but not only those.
    let r = DepsRepo::new();
    r.repo.write("package.json", r#"{"name":"app","dependencies":{"lodash":"^4.17.0"}}"#);
    let out = r.commit("lodash, unlocked");
    passed(&out);
    assert!(all(&out).contains("admits versions affected by TEST-2026-0002"), "{}", all(&out));
    // A range that admits only affected versions blocks.
    r.repo.write("package.json", r#"{"name":"app","dependencies":{"lodash":"4.17.4 - 4.17.20"}}"#);
    refused(&r.commit("lodash, old"), &["TEST-2026-0002"]);
}

#[test]
fn malicious_packages_and_typosquats_are_refused_and_their_originals_are_not() {
    let r = DepsRepo::new();
    r.repo.write("package.json", r#"{"name":"app","dependencies":{"crossenv":"^1.0.0"}}"#);
    refused(&r.commit("crossenv"), &["malicious-package", "MAL-2026-0100"]);

    let r = DepsRepo::new();
    r.repo.write("requirements.txt", "reqeusts==2.31.0\n");
    refused(&r.commit("typo"), &["typosquat", "did you mean `requests`"]);
    r.repo.write("requirements.txt", "requests==2.31.0\n");
    passed(&r.commit("right name"));
}

#[test]
fn a_pushed_series_is_judged_commit_by_commit() {
    let db = tempfile::tempdir().unwrap();
    standard_db(db.path());
    let remote = Repo::bare();
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.git(&["push", "-q", "origin", "HEAD:refs/heads/main"]);
    let hook = format!(
        "#!/bin/sh\nexec '{}' --osv-db '{}' pre-push \"$@\"\n",
        bin("tollgate-deps").display(),
        db.path().display()
    );
    repo.install_hook("pre-push", &hook);
    repo.write("requirements.txt", "requests==2.19.1\n");
    let bad = repo.commit_all("vulnerable");
    repo.write("requirements.txt", "requests==2.31.0\n");
    repo.commit_all("fixed");
    let out = repo.git_output(&["push", "origin", "HEAD:refs/heads/main"]);
    let all = all(&out);
    assert!(!out.status.success(), "push went through:\n{all}");
    assert!(all.contains("TEST-2026-0001") && all.contains(&bad[..7]), "{all}");
}

#[test]
fn malformed_manifests_and_a_corrupt_database_fail_closed_with_a_location() {
    let r = DepsRepo::new();
    r.repo.write("package.json", "{\n  \"dependencies\": {\n    \"lodash\": \"^4\",\n  \n}\n");
    r.repo.git(&["add", "-A"]);
    let out = r.repo.run("tollgate-deps", &["--osv-db", r._db.path().to_str().unwrap(), "pre-commit"]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(all(&out).contains("package.json:5:1"), "{}", all(&out));

    let db = tempfile::tempdir().unwrap();
    std::fs::write(db.path().join("BAD-1.json"), "{\"id\": \"BAD-1\", \"affected\": [\n").unwrap();
    let repo = Repo::new();
    repo.write("requirements.txt", "requests==2.19.1\n");
    repo.git(&["add", "-A"]);
    let out = repo.run("tollgate-deps", &["--osv-db", db.path().to_str().unwrap(), "pre-commit"]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(all(&out).contains("BAD-1.json"), "{}", all(&out));
}

#[test]
fn no_manifest_in_the_change_means_no_database_is_read() {
    // A database that cannot be read is never opened by a change that touches no manifest.
    let repo = Repo::new();
    repo.write("src/main.rs", "fn main() {}\n");
    repo.git(&["add", "-A"]);
    let out = repo.run("tollgate-deps", &["--osv-db", "/nonexistent/osv", "pre-commit"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
}

/// A zip of OSV records, as osv.dev publishes one per ecosystem.
fn zip_of(records: &[serde_json::Value]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for r in records {
        zip.start_file(format!("{}.json", r["id"].as_str().unwrap()), options).unwrap();
        zip.write_all(r.to_string().as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Serves `body` at `/PyPI/all.zip` on loopback, claiming `length` bytes, for `requests`
/// connections; returns the base URL.
fn serve(body: Vec<u8>, length: usize, requests: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for _ in 0..requests {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut request = [0u8; 4096];
            let n = stream.read(&mut request).unwrap_or(0);
            let head = String::from_utf8_lossy(&request[..n]).to_string();
            if head.starts_with("GET /PyPI/all.zip ") {
                let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");
                let _ = stream.write_all(&body);
            } else {
                let _ = write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
        }
    });
    base
}

#[test]
fn db_update_downloads_replaces_atomically_and_keeps_the_old_database_when_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv");
    let db_arg = db.to_str().unwrap();
    let good =
        zip_of(&[advisory("TEST-2026-0001", "PyPI", "requests", json!([{"introduced": "0"}, {"fixed": "2.20.0"}]))]);
    let base = serve(good.clone(), good.len(), 1);
    let repo = Repo::new();
    let out = repo.run("tollgate-deps", &["db", "update", "pypi", "--dir", db_arg, "--mirror", &base]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(all(&out).contains("PyPI") && all(&out).contains("1 advisories"), "{}", all(&out));
    let status = repo.run("tollgate-deps", &["--osv-db", db_arg, "db", "status"]);
    assert!(text(&status.stdout).contains("1 advisories (PyPI 1)"), "{}", all(&status));

    // The database is used: a vulnerable pin is refused.
    repo.write("requirements.txt", "requests==2.19.1\n");
    repo.git(&["add", "-A"]);
    let judged = repo.run("tollgate-deps", &["--osv-db", db_arg, "pre-commit"]);
    assert_eq!(judged.status.code(), Some(1), "{}", all(&judged));

    // A download cut short: an error, and the database is the old one, byte for byte.
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = files_under(&db);
    let longer = zip_of(&[
        advisory("TEST-2026-0001", "PyPI", "requests", json!([{"introduced": "0"}, {"fixed": "2.20.0"}])),
        advisory("TEST-2026-0009", "PyPI", "flask", json!([{"introduced": "0"}, {"fixed": "9.0.0"}])),
    ]);
    let cut = longer[..longer.len() / 2].to_vec();
    let base = serve(cut, longer.len(), 1);
    let out = repo.run("tollgate-deps", &["db", "update", "pypi", "--dir", db_arg, "--mirror", &base]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(all(&out).contains("was not changed"), "{}", all(&out));
    assert_eq!(files_under(&db), before, "a failed update changed the database");

    // A mirror without the file is an error too.
    let base = serve(Vec::new(), 0, 1);
    let out = repo.run("tollgate-deps", &["db", "update", "go", "--dir", db_arg, "--mirror", &base]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
}

/// Every file under `dir` (but the index, which a read may rebuild) with its bytes.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.to_string_lossy().contains("index") {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}
