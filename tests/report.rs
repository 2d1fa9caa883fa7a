//! `tollgate report` over audit logs that real hook runs wrote (installed hooks, real
//! commits, a real push to a bare remote), over hand-written format-2 logs, and its
//! HTML page rendered by headless Chromium.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

fn tollgate(dir: &Path, args: &[&str]) -> Output {
    run_in(dir, "tollgate", args, "")
}

fn both(out: &Output) -> String {
    format!("exit {:?}\nstdout:\n{}\nstderr:\n{}", out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// A repository with tollgate's hooks installed and a bare remote, after: a clean
/// commit, a commit blocked by a key, the fix, a `--no-verify` commit with another key,
/// and a push that the pre-push hook blocks.
fn repository_with_history() -> (Repo, Repo) {
    let remote = Repo::bare();
    let repo = Repo::new();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    let out = tollgate(repo.path(), &["install"]);
    assert!(out.status.success(), "{}", both(&out));

    repo.write("README.md", "hello\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "first"]);

    repo.write("config.py", format!("KEY = \"{}\"\n", aws_key()));
    repo.git(&["add", "."]);
    assert!(!repo.git_output(&["commit", "-q", "-m", "leak"]).status.success(), "the key was committed");

    // The fix: the key goes, the rest of the work is committed through the hook.
    repo.git(&["rm", "-q", "--cached", "config.py"]);
    std::fs::remove_file(repo.path().join("config.py")).unwrap();
    repo.write("app.py", "KEY = os.environ['KEY']\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "read the key from the environment"]);

    repo.write("deploy.py", format!("TOKEN = \"{}\"\n", aws_key_2()));
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "skip the hook"]);
    let out = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "the push went through: {}", both(&out));
    (repo, remote)
}

fn audit_log(repo: &Repo) -> PathBuf {
    repo.path().join(".git/tollgate/audit.jsonl")
}

fn report_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    let out = tollgate(dir, &all);
    assert!(out.status.success(), "{}", both(&out));
    json(&out)
}

#[test]
fn the_report_counts_what_real_hook_runs_did() {
    let (repo, _remote) = repository_with_history();
    let report = report_json(repo.path(), &[]);
    let t = &report["totals"];
    assert_eq!(report["records"], 6, "{report:#}");
    assert_eq!(report["malformed_lines"], 0);
    assert_eq!(t["runs"]["pre-commit"], serde_json::json!({"clean": 2, "blocked": 1}), "{t:#}");
    assert_eq!(t["runs"]["commit-msg"], serde_json::json!({"clean": 2}));
    assert_eq!(t["runs"]["pre-push"], serde_json::json!({"blocked": 1}));
    assert_eq!(t["blocks"]["runs"], 2);
    assert_eq!(t["blocks"]["by_rule"]["aws-access-key-id"], 2);
    assert_eq!(t["findings_by_rule"]["aws-access-key-id"], 2);
    // The --no-verify commit's key was first seen at push.
    assert_eq!(t["caught_at_push"], serde_json::json!({"runs": 1, "findings": 1}));
    // The first key blocked and went; the second is still there.
    assert_eq!(t["fixes"]["fixed"], 1);
    assert_eq!(t["fixes"]["open"], 1);
    assert!(t["fixes"]["median_seconds"].as_i64().unwrap() >= 0);
    // Writers of format 2 record the commit made without the hook; format 1 does not.
    let log = std::fs::read_to_string(audit_log(&repo)).unwrap();
    let push: Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    if push.get("unchecked_commits").is_some() {
        assert_eq!(t["bypasses"]["commits"], 1, "{t:#}");
        assert_eq!(t["bypasses"]["blocked_pushes"], 1);
    } else {
        assert!(t["bypasses"].is_null(), "format 1 cannot say: {t:#}");
    }
    assert_eq!(report["repositories"], serde_json::json!([]), "one repository: totals only");
    let buckets = t["timeline"]["buckets"].as_array().unwrap();
    assert_eq!(buckets.iter().map(|b| b["findings"].as_u64().unwrap()).sum::<u64>(), 2);

    let out = tollgate(repo.path(), &["report"]);
    assert!(out.status.success(), "{}", both(&out));
    let human = text(&out.stdout);
    assert!(human.contains("Caught at push: 1 blocked push(es) with 1 finding(s)"), "{human}");
    assert!(human.contains("Fixed after a block: 1"), "{human}");
    assert!(human.contains("by rule:  aws-access-key-id 2"), "{human}");
    for secret in [aws_key(), aws_key_2()] {
        assert_no_secret(&out, &secret);
        assert!(!log.contains(&secret));
    }
}

#[test]
fn since_cuts_the_period_and_a_bad_date_is_exit_2_naming_it() {
    let (repo, _remote) = repository_with_history();
    assert_eq!(report_json(repo.path(), &["--since", "2000-01-01"])["records"], 6);
    let later = report_json(repo.path(), &["--since", "2999-01-01T00:00:00Z"]);
    assert_eq!(later["records"], 0);
    assert_eq!(later["totals"]["blocks"]["runs"], 0);
    let out = tollgate(repo.path(), &["report", "--since", "2026-02-31"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(text(&out.stderr).contains("--since \"2026-02-31\" is not a date"), "{}", both(&out));
    let out = tollgate(repo.path(), &["report", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected human, json or html"), "{}", both(&out));
}

#[test]
fn a_malformed_line_is_named_and_fails_unless_lenient() {
    let (repo, _remote) = repository_with_history();
    let log = audit_log(&repo);
    let mut text_of_log = std::fs::read_to_string(&log).unwrap();
    text_of_log.push_str("{\"time\": \"2026-03-01T10:00:00Z\", \"hook\": \n");
    std::fs::write(&log, text_of_log).unwrap();
    let out = tollgate(repo.path(), &["report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(out.stdout.is_empty(), "no report from a log that does not read");
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("{}:7:", log.display())), "{stderr}");
    assert!(stderr.contains("--lenient"), "{stderr}");
    let report = report_json(repo.path(), &["--lenient"]);
    assert_eq!((report["records"].as_u64(), report["malformed_lines"].as_u64()), (Some(6), Some(1)));
}

#[test]
fn a_fleet_folder_and_a_rotated_log_are_read_whole() {
    let (repo, _remote) = repository_with_history();
    let fleet = tempfile::tempdir().unwrap();
    let host_a = fleet.path().join("host-a");
    std::fs::create_dir_all(&host_a).unwrap();
    // The repository's log, split as rotation leaves it: older lines in `.1`.
    let log = std::fs::read_to_string(audit_log(&repo)).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    std::fs::write(host_a.join("audit.jsonl.1"), lines[..3].join("\n") + "\n").unwrap();
    std::fs::write(host_a.join("audit.jsonl"), lines[3..].join("\n") + "\n").unwrap();
    let other = "{\"format\":2,\"time\":\"2026-03-01T10:00:00Z\",\"hook\":\"pre-commit\",\"repository\":\"/srv/other\",\
                 \"result\":\"clean\",\"counts\":{},\"fingerprints\":[],\"provenance\":{\"added_lines\":10,\"agent_lines\":4}}\n";
    std::fs::create_dir_all(fleet.path().join("host-b/nested")).unwrap();
    std::fs::write(fleet.path().join("host-b/nested/repo.jsonl"), other).unwrap();

    let report = report_json(repo.path(), &[fleet.path().to_str().unwrap()]);
    assert_eq!(report["records"], 7);
    assert_eq!(report["files"].as_array().unwrap().len(), 3);
    let repos = report["repositories"].as_array().unwrap();
    assert_eq!(repos.len(), 2, "{report:#}");
    let other = repos.iter().find(|r| r["repository"] == "/srv/other").unwrap();
    assert_eq!(other["ai_share"]["agent_lines"], 4);
    assert!(other["fixes"]["fixed"] == 0);
    assert_eq!(report["totals"]["fixes"]["fixed"], 1, "the rotated file's block meets its fix");

    // The rotated pair alone, by naming the current file.
    let pair = report_json(repo.path(), &[host_a.join("audit.jsonl").to_str().unwrap()]);
    assert_eq!(pair["records"], 6);
    let out = tollgate(repo.path(), &["report", "/nonexistent/audit.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/audit.jsonl: no such file or folder"), "{}", both(&out));
}

#[test]
fn a_repository_without_a_log_is_exit_2_naming_where_it_looked() {
    let repo = Repo::new();
    let out = tollgate(repo.path(), &["report"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(text(&out.stderr).contains("tollgate/audit.jsonl: no audit log yet"), "{}", both(&out));
}

// ---------------------------------------------------------------------------------
// The HTML page in a real browser.

/// The chart colours (see crates/report/src/html.rs `colour`).
const FINDINGS: [u8; 3] = [0xd1, 0x49, 0x5b];
const BYPASSES: [u8; 3] = [0xed, 0xae, 0x49];
const RULES: [u8; 3] = [0x00, 0x79, 0x8c];
const PATHS: [u8; 3] = [0x30, 0x63, 0x8e];
const CLEAN: [u8; 3] = [0x8c, 0xb3, 0x69];
const AGENT: [u8; 3] = [0x3d, 0x40, 0x5b];

/// A format-2 fleet log written by hand: every chart has something to draw, and a
/// rule id and a path try to inject markup.
fn format_2_log(dir: &Path) -> PathBuf {
    let mut lines = Vec::new();
    for day in 1..=10 {
        let rule = if day % 3 == 0 { "<script>document.title='owned'</script>" } else { "aws-access-key-id" };
        let blocked = serde_json::json!({
            "format": 2, "time": format!("2026-03-{day:02}T10:00:00Z"), "hook": "pre-commit",
            "repository": "/srv/app", "result": "blocked", "counts": {rule: 2},
            "checks": {"secrets": {rule: 2}}, "blocked_rules": [rule],
            "fingerprints": [format!("fp{day}")], "suppressed": {"inline": 1},
            "suppressions_added": {"inline": 1},
            "paths": {"src/<img src=x onerror=alert(1)>.py": 2, "deploy/prod.env": day % 2},
            "version": "0.2.0"
        });
        let fixed = serde_json::json!({
            "format": 2, "time": format!("2026-03-{day:02}T11:00:00Z"), "hook": "pre-commit",
            "repository": "/srv/app", "result": "clean", "counts": {}, "fingerprints": [],
            "provenance": {"added_lines": 40, "agent_lines": 10, "agents": {"claude-code": 10}}
        });
        let push = serde_json::json!({
            "format": 2, "time": format!("2026-03-{day:02}T12:00:00Z"), "hook": "pre-push",
            "repository": "/srv/app", "result": "clean", "counts": {}, "fingerprints": [],
            "unchecked_commits": [format!("{day:040x}")]
        });
        let agent = serde_json::json!({
            "format": 2, "time": format!("2026-03-{day:02}T09:00:00Z"), "hook": "agent",
            "repository": "/srv/app", "result": "blocked", "counts": {}, "fingerprints": [],
            "agent": {"session": format!("s{day}"), "tool": "Write", "path": "src/settings.py",
                      "decision": "deny", "reasons": ["aws-access-key-id"], "lines": ["0123456789abcdef"]}
        });
        lines.extend([agent, blocked, fixed, push].map(|v| v.to_string()));
    }
    let path = dir.join("fleet.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Debian's `chromium`; the test fails (does not skip) without it.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        if let Ok(out) = Command::new(name).arg("--version").output() {
            if out.status.success() {
                return PathBuf::from(name);
            }
        }
    }
    panic!(
        "headless Chromium is needed for this test: install the Debian package `chromium` (apt-get install chromium)"
    );
}

/// Chromium with no way out: a dead proxy and a resolver that finds nothing, a
/// throw-away profile, and a page from disk.
fn headless(profile: &Path, args: &[&str]) -> Output {
    let out = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"])
        .args(["--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .env("HOME", profile)
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {}", both(&out));
    out
}

/// The bounding box (x0, y0, x1, y1) and pixel count of a colour in an RGB(A) image.
struct Found {
    pixels: usize,
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

fn find(image: &[u8], width: usize, channels: usize, colour: [u8; 3]) -> Found {
    let mut f = Found { pixels: 0, x0: usize::MAX, y0: usize::MAX, x1: 0, y1: 0 };
    for (i, px) in image.chunks_exact(channels).enumerate() {
        if px[..3].iter().zip(colour).all(|(&a, b)| a.abs_diff(b) <= 3) {
            let (x, y) = (i % width, i / width);
            f.pixels += 1;
            (f.x0, f.y0, f.x1, f.y1) = (f.x0.min(x), f.y0.min(y), f.x1.max(x), f.y1.max(y));
        }
    }
    f
}

#[test]
fn the_html_report_renders_its_charts_in_headless_chromium_offline() {
    let dir = tempfile::tempdir().unwrap();
    let log = format_2_log(dir.path());
    let page = dir.path().join("report.html");
    let out = tollgate(
        dir.path(),
        &["report", log.to_str().unwrap(), "--format", "html", "--output", page.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", both(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<script") && !html.contains("<img"), "markup from the log reached the page");

    let url = format!("file://{}", page.display());
    let profile = dir.path().join("profile");
    let dom = text(&headless(&profile, &["--dump-dom", &url]).stdout);
    assert_eq!(dom.matches("<svg").count(), 5, "{dom}");
    for id in ["timeline", "top-rules", "top-paths", "runs-by-hook", "agent-denials"] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "figure {id} missing from the DOM");
    }
    assert!(dom.contains("<title>tollgate report</title>"), "a script ran and changed the title");
    assert!(!dom.contains("<script") && !dom.contains("<img"), "the DOM holds injected elements");
    assert!(dom.contains("&lt;script&gt;document.title"), "the hostile rule id is shown as text");

    let shot = dir.path().join("shot.png");
    headless(&profile, &[&format!("--screenshot={}", shot.display()), "--window-size=1200,1600", &url]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut image = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut image).expect("a frame");
    assert_eq!((info.width, info.height), (1200, 1600));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let image = &image[..info.buffer_size()];
    let at = |c| find(image, info.width as usize, channels, c);
    let (findings, bypasses, rules, paths, clean, agent) =
        (at(FINDINGS), at(BYPASSES), at(RULES), at(PATHS), at(CLEAN), at(AGENT));
    for (name, f) in [
        ("findings", &findings),
        ("bypasses", &bypasses),
        ("rules", &rules),
        ("paths", &paths),
        ("runs", &clean),
        ("agent", &agent),
    ] {
        assert!(f.pixels > 300, "the {name} chart is not on the screenshot ({} pixels of its colour)", f.pixels);
    }
    // The timeline spans the page's width above the rest.
    assert!(findings.x1 - findings.x0 > 600, "the timeline is narrow: {}..{}", findings.x0, findings.x1);
    assert!(findings.y1 < rules.y0 && bypasses.y1 < rules.y0, "the timeline is not above the top rules");
    // Top rules on the left, top paths on the right, in one row.
    assert!(rules.x1 < 600 && paths.x0 > 600, "rules {}..{}, paths {}..{}", rules.x0, rules.x1, paths.x0, paths.x1);
    assert!(rules.y0.abs_diff(paths.y0) < 60, "rules and paths are not side by side");
    // Runs by hook below the rules on the left, agent denials below the paths on the right.
    assert!(clean.y0 > rules.y1 && clean.x1 < 600, "runs by hook misplaced");
    assert!(agent.y0 > paths.y1 && agent.x0 > 600, "agent denials misplaced");
}
