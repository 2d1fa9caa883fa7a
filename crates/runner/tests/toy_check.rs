//! A check added through the registry alone sees every mode: deletions, renames, mode
//! changes, binary files, LFS pointers, old content, commit messages and trailers, and
//! the end of the run. Real git, real repositories, real pushes to a bare remote.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use git2::Repository;
use tollgate_config::Policy;
use tollgate_core::{ChangeContext, ChangedFile, Check, CheckOutput, Finding, PathSet, Severity, Wants, Workload};
use tollgate_runner::registry::{BuildError, CheckEntry, Selection};
use tollgate_runner::{build_scanner, judge, Mode, Options};

/// Reports what it was handed, as evidence text, so the test can read it back.
struct Toy {
    files: Arc<AtomicUsize>,
}

fn describe_mode(m: Option<tollgate_core::FileMode>) -> &'static str {
    m.map(|m| m.kind()).unwrap_or("-")
}

impl Check for Toy {
    fn name(&self) -> &'static str {
        "toy"
    }
    fn wants(&self) -> Wants {
        Wants {
            text: true,
            binary: true,
            every_path: true,
            old_content: PathSet::Everything,
            changes: true,
            paths: PathSet::Everything,
        }
    }
    fn judge_file(&self, f: &ChangedFile, out: &mut CheckOutput) {
        self.files.fetch_add(1, Ordering::Relaxed);
        let status = match &f.status {
            tollgate_core::Status::Renamed { from } => format!("renamed-from:{from}"),
            s => s.as_str().to_string(),
        };
        let added: Vec<u32> = f.added.iter().map(|r| r.first_line).collect();
        let evidence = format!(
            "{} {status} {}>{} size={} read={} binary={} lfs={} previous={} added={added:?}",
            f.path,
            describe_mode(f.old_mode),
            describe_mode(f.new_mode),
            f.size,
            f.content_read,
            f.binary,
            f.lfs_pointer,
            f.previous.as_ref().map(|p| String::from_utf8_lossy(p).replace('\n', "|")).unwrap_or("none".into()),
        );
        out.findings.push(Finding::new("toy", "file", Severity::Warn, "seen").in_file(f).with_evidence(evidence));
        if let Some(at) = f.text.windows(6).position(|w| w == b"MARKER") {
            out.findings.push(Finding::new("toy", "marker", Severity::Block, "a marker").at_offset(f, at..at + 6));
        }
    }
    fn judge_change(&self, c: &ChangeContext, out: &mut CheckOutput) {
        let trailers: Vec<String> =
            c.message.iter().flat_map(|m| m.trailers.iter().map(|t| format!("{}={}", t.key, t.value))).collect();
        let mut paths: Vec<String> = c.paths.iter().map(|p| format!("{}:{}", p.path, p.status.as_str())).collect();
        paths.sort();
        let parents = c.commit.as_ref().map(|ci| ci.parents.len()).unwrap_or(0);
        let author = c.commit.as_ref().map(|ci| ci.author.name.clone()).unwrap_or_default();
        let evidence = format!(
            "change commit={} author={author} parents={parents} trailers={trailers:?} paths={paths:?}",
            c.commit.is_some()
        );
        out.findings.push(Finding::new("toy", "change", Severity::Warn, "seen").on_change(c).with_evidence(evidence));
    }
    fn finish(&self, out: &mut CheckOutput) {
        let n = self.files.load(Ordering::Relaxed);
        out.findings.push(Finding::new("toy", "finish", Severity::Block, format!("finished after {n} files")));
    }
}

fn build_toy(_: &Policy, _: Workload) -> Result<Box<dyn Check>, BuildError> {
    Ok(Box::new(Toy { files: Arc::new(AtomicUsize::new(0)) }))
}

/// The registry of this test: the toy check, one row.
const TOY_REGISTRY: &[CheckEntry] = &[CheckEntry {
    name: "toy",
    binary: "tollgate-toy",
    about: "a toy check",
    build: build_toy,
    check_config: |_| Ok(()),
    describe: |_| Ok(Vec::new()),
    self_test: |_| Ok(Vec::new()),
}];

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ana")
        .env("GIT_AUTHOR_EMAIL", "ana@example.invalid")
        .env("GIT_COMMITTER_NAME", "Ana")
        .env("GIT_COMMITTER_EMAIL", "ana@example.invalid")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(dir: &Path, rel: &str, content: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// Every evidence line the toy check produced in `mode`.
fn seen(mode: &Mode, dir: &Path, stdin: &str) -> Vec<String> {
    let repo = Repository::open(dir).ok();
    let policy = Policy::default();
    let scanner =
        build_scanner(TOY_REGISTRY, Selection::All, &policy, repo.as_ref(), &Options::default(), Workload::Small)
            .unwrap();
    let judged = judge(mode, repo.as_ref(), &scanner, &mut stdin.as_bytes()).unwrap();
    assert!(judged.outcome.errors.is_empty(), "{:?}", judged.outcome.errors);
    let mut lines: Vec<String> = judged
        .outcome
        .findings
        .iter()
        .map(|f| match &f.evidence {
            tollgate_core::Evidence::Text(t) => t.clone(),
            _ => format!("{}: {}", f.rule, f.message),
        })
        .collect();
    lines.sort();
    lines
}

fn has(lines: &[String], needle: &str) {
    assert!(lines.iter().any(|l| l.contains(needle)), "no line has `{needle}`:\n{}", lines.join("\n"));
}

const LFS: &[u8] = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";

/// A repository with a first commit, and a second change staged that does everything.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "a.txt", b"one\ntwo\n");
    write(d, "old.txt", b"kept\nas\nit\nwas\n");
    write(d, "gone.txt", b"bye\n");
    write(d, "run.sh", b"echo hi\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "first"]);
    write(d, "a.txt", b"one\nnew line\ntwo\n");
    git(d, &["mv", "old.txt", "new.txt"]);
    git(d, &["rm", "-q", "gone.txt"]);
    write(d, "image.bin", b"\x89PNG\r\n\x1a\n\0\0\0binary");
    write(d, "big.psd", LFS);
    std::os::unix::fs::symlink("a.txt", d.join("link")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    git(d, &["add", "-A"]);
    dir
}

fn staged_expectations(lines: &[String]) {
    has(lines, "a.txt modified file>file size=17 read=true binary=false lfs=false previous=one|two| added=[2]");
    has(lines, "new.txt renamed-from:old.txt file>file");
    has(lines, "gone.txt deleted file>- size=0 read=false");
    has(lines, "image.bin added ->file size=17 read=true binary=true");
    has(lines, "big.psd added ->file");
    has(lines, "lfs=true");
    has(lines, "link added ->symlink size=0 read=false");
    has(lines, "run.sh modified file>executable");
}

#[test]
fn pre_commit_delivers_every_kind_of_path() {
    let dir = repository();
    let lines = seen(&Mode::PreCommit { files: vec![] }, dir.path(), "");
    staged_expectations(&lines);
    has(&lines, "change commit=false author= parents=0 trailers=[] paths=[");
    has(&lines, "finish: finished after 7 files");
}

#[test]
fn commit_msg_delivers_the_message_trailers_and_the_staged_paths() {
    let dir = repository();
    let msg = dir.path().join(".git/COMMIT_EDITMSG");
    std::fs::write(&msg, "Tidy up\n\nReviewed-by: Bo <bo@example.invalid>\n").unwrap();
    let lines = seen(&Mode::CommitMsg { file: msg }, dir.path(), "");
    has(&lines, "trailers=[\"Reviewed-by=Bo <bo@example.invalid>\"]");
    has(&lines, "\"gone.txt:deleted\"");
    has(&lines, "\"new.txt:renamed\"");
    has(&lines, "finish: finished after 0 files");
}

/// Commits the staged change with a trailer; returns (first, second) commit ids.
fn commit_second(dir: &Path) -> (String, String) {
    git(dir, &["commit", "-q", "-m", "Second\n\nCo-authored-by: Claude <noreply@anthropic.com>"]);
    (git(dir, &["rev-parse", "HEAD~1"]), git(dir, &["rev-parse", "HEAD"]))
}

#[test]
fn pre_push_delivers_each_commit_with_its_parent_content_and_message() {
    let dir = repository();
    let (first, second) = commit_second(dir.path());
    let stdin = format!("refs/heads/main {second} refs/heads/main {first}\n");
    let lines = seen(&Mode::PrePush { remote: None, url: None }, dir.path(), &stdin);
    staged_expectations(&lines);
    has(&lines, "change commit=true author=Ana parents=1 trailers=[\"Co-authored-by=Claude <noreply@anthropic.com>\"]");
}

#[test]
fn pre_receive_delivers_what_the_server_is_sent() {
    let dir = repository();
    let (first, second) = commit_second(dir.path());
    let server = tempfile::tempdir().unwrap();
    git(server.path(), &["init", "-q", "--bare", "-b", "main"]);
    let url = server.path().to_str().unwrap();
    git(dir.path(), &["push", "-q", url, &format!("{first}:refs/heads/main")]);
    // The second commit's objects arrive, as they do before pre-receive runs, without a
    // ref that would hide them.
    git(dir.path(), &["push", "-q", url, &format!("{second}:refs/heads/incoming")]);
    git(server.path(), &["update-ref", "-d", "refs/heads/incoming"]);
    let stdin = format!("{first} {second} refs/heads/main\n");
    let lines = seen(&Mode::PreReceive, server.path(), &stdin);
    staged_expectations(&lines);
    has(&lines, "parents=1 trailers=[\"Co-authored-by=Claude <noreply@anthropic.com>\"]");
}

#[test]
fn history_delivers_old_content_deletions_and_merges() {
    let dir = repository();
    commit_second(dir.path());
    let d = dir.path();
    git(d, &["checkout", "-q", "-b", "side", "HEAD~1"]);
    write(d, "side.txt", b"from the side\n");
    git(d, &["add", "side.txt"]);
    git(d, &["commit", "-q", "-m", "side"]);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["merge", "-q", "--no-edit", "side"]);
    let lines = seen(&Mode::History { revs: vec![] }, d, "");
    has(&lines, "a.txt modified file>file size=17 read=true binary=false lfs=false previous=one|two| added=[2]");
    has(&lines, "gone.txt deleted file>-");
    has(&lines, "image.bin added ->file size=17 read=true binary=true");
    has(&lines, "run.sh modified file>executable");
    has(&lines, "side.txt added ->file");
    has(&lines, "author=Ana parents=2");
    has(&lines, "Co-authored-by=Claude");
}

#[test]
fn scan_delivers_files_on_disk_and_stdin() {
    let dir = repository();
    let root = dir.path().to_str().unwrap().to_string();
    let lines = seen(&Mode::Scan { paths: vec![root.clone(), "-".into()] }, dir.path(), "from stdin\n");
    has(&lines, "/a.txt added ->file size=17 read=true");
    has(&lines, "/image.bin added ->file size=17 read=true binary=true");
    has(&lines, "<stdin> added ->file size=11");
    has(&lines, "finish: finished after");
}

#[test]
fn the_agent_hook_delivers_each_write() {
    let dir = repository();
    let target = dir.path().join("notes.md");
    let payload = serde_json::json!({
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_input": { "file_path": target, "content": "written by an agent\n" },
        "cwd": dir.path(),
    });
    let scanners = |repo: Option<&Repository>| -> Result<tollgate_core::Scanner, tollgate_agent::BoxError> {
        let policy = Policy::default();
        Ok(build_scanner(TOY_REGISTRY, Selection::All, &policy, repo, &Options::default(), Workload::Small)?)
    };
    let answer = tollgate_agent::answer(payload.to_string().as_bytes(), &scanners, None);
    // The toy check's file findings warn; its end-of-run finding blocks, and the agent
    // hook runs every check's end of run too.
    match &answer.decision {
        tollgate_agent::Decision::Deny(reason) => {
            assert!(reason.contains("[finish]") && !reason.contains("[marker]"), "{reason}")
        }
        other => panic!("expected the end-of-run finding: {other:?}"),
    }
    let mut payload = payload;
    payload["tool_input"]["content"] = "an agent writes a MARKER here\n".into();
    let answer = tollgate_agent::answer(payload.to_string().as_bytes(), &scanners, None);
    match answer.decision {
        tollgate_agent::Decision::Deny(reason) => assert!(reason.contains("[marker]"), "{reason}"),
        other => panic!("the toy check did not see the write: {other:?}"),
    }
}
