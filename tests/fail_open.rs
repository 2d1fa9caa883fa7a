//! Paths by which a commit or a push used to pass unjudged: FILE arguments that matched
//! nothing, a policy file nobody committed, tracking refs that claim the remote holds
//! what it does not, and files a scan skipped because `.gitignore` matched them.

mod common;

use common::*;

fn output(out: &std::process::Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

fn status(out: &std::process::Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// A repository whose first commit is clean, with `sub/app.py` staged holding a key.
fn repo_with_staged_key_in_subdir() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "hi\n");
    repo.commit_all("init");
    repo.write("sub/app.py", format!("KEY = \"{}\"\n", aws_key()));
    repo.git(&["add", "sub/app.py"]);
    repo
}

#[test]
fn pre_commit_files_are_normalised_from_any_spelling() {
    let repo = repo_with_staged_key_in_subdir();
    let absolute = repo.path().join("sub/app.py");
    let spellings = [
        "sub/app.py",
        "./sub/app.py",
        "sub//app.py",
        "sub/../sub/app.py",
        "./sub/./app.py",
        absolute.to_str().unwrap(),
    ];
    for spelling in spellings {
        let out = repo.run("tollgate-secrets", &["pre-commit", spelling]);
        assert_eq!(status(&out), 1, "`{spelling}` judged nothing: {}", output(&out));
        assert!(text(&out.stdout).contains("sub/app.py:1:"), "{spelling}: {}", output(&out));
        assert_no_secret(&out, &aws_key());
    }
    // From the subdirectory, relative to it, as a shell completes it.
    for spelling in ["app.py", "./app.py", "../sub/app.py"] {
        let out = run_in(&repo.path().join("sub"), "tollgate-secrets", &["pre-commit", spelling], "");
        assert_eq!(status(&out), 1, "`{spelling}` from sub/ judged nothing: {}", output(&out));
    }
    // A folder names every staged file under it.
    let out = repo.run("tollgate-secrets", &["pre-commit", "sub/"]);
    assert_eq!(status(&out), 1, "{}", output(&out));
}

#[test]
fn a_pre_commit_file_that_matches_nothing_staged_is_an_error() {
    let repo = repo_with_staged_key_in_subdir();
    repo.write("notes.txt", "not staged\n");
    let out = repo.run("tollgate-secrets", &["pre-commit", "sub/app.py", "notes.txt"]);
    assert_eq!(status(&out), 2, "{}", output(&out));
    assert!(output(&out).contains("notes.txt"), "the unmatched FILE is named: {}", output(&out));
    let out = repo.run("tollgate-secrets", &["pre-commit", "/somewhere/else.py"]);
    assert_eq!(status(&out), 2, "{}", output(&out));
    assert!(output(&out).contains("outside the repository"), "{}", output(&out));
}

/// A working repository with a bare remote `origin` whose main holds a clean commit,
/// and tollgate's pre-push hook.
fn pushed_repo_with_remote() -> (Repo, Repo) {
    let remote = Repo::bare();
    let repo = Repo::new();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.write("README.md", "hi\n");
    repo.commit_all("init");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.install_hook(
        "pre-push",
        &format!("#!/bin/sh\nexec '{}' pre-push \"$@\"\n", bin("tollgate-secrets").display()),
    );
    (repo, remote)
}

fn commit_key(repo: &Repo, file: &str) -> String {
    repo.write(file, format!("KEY = \"{}\"\n", aws_key()));
    repo.commit_all("adds a key")
}

#[test]
fn a_forged_tracking_ref_does_not_hide_commits_from_pre_push() {
    let (repo, remote) = pushed_repo_with_remote();
    commit_key(&repo, "a.py");
    repo.git(&["fetch", "-q", ".", "HEAD:refs/remotes/origin/forged"]);
    let out = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "the push went through: {}", output(&out));
    assert!(output(&out).contains("a.py:1:"), "{}", output(&out));
    assert_ne!(remote.git(&["rev-parse", "main"]), repo.git(&["rev-parse", "main"]));

    repo.git(&["update-ref", "-d", "refs/remotes/origin/forged"]);
    repo.git(&["update-ref", "refs/remotes/origin/other", "HEAD"]);
    let out = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "update-ref hid the commit: {}", output(&out));
}

#[test]
fn a_stale_tracking_ref_of_a_deleted_branch_does_not_hide_commits() {
    let (repo, remote) = pushed_repo_with_remote();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    commit_key(&repo, "b.py");
    // The branch reached the remote once (unchecked), then was deleted there.
    repo.git(&["push", "-q", "--no-verify", "origin", "feature"]);
    remote.git(&["branch", "-D", "feature"]);
    remote.git(&["gc", "-q", "--prune=now"]);
    repo.git(&["fetch", "-q", "origin"]);
    assert!(repo.git_output(&["rev-parse", "--verify", "-q", "refs/remotes/origin/feature"]).status.success());
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--ff-only", "feature"]);
    let out = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "the stale ref hid the commit: {}", output(&out));
    assert!(output(&out).contains("b.py:1:"), "{}", output(&out));
}

#[test]
fn commits_the_remote_advertises_are_not_judged_again() {
    let (repo, _remote) = pushed_repo_with_remote();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    commit_key(&repo, "c.py");
    repo.git(&["push", "-q", "--no-verify", "origin", "feature"]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("d.py", "x = 1\n");
    repo.commit_all("clean work on top");
    // The remote holds the key commit (on `feature`): a new branch on top of it brings
    // only the clean commit.
    let out = repo.git_output(&["push", "-q", "origin", "topic"]);
    assert!(out.status.success(), "{}", output(&out));
}

#[test]
fn an_unreachable_remote_falls_back_to_the_old_tips_and_says_so() {
    let (repo, _remote) = pushed_repo_with_remote();
    let base = repo.head();
    commit_key(&repo, "e.py");
    let missing = repo.path().join("no-such-remote.git");
    repo.git(&["remote", "add", "gone", missing.to_str().unwrap()]);
    repo.git(&["update-ref", "refs/remotes/gone/main", "HEAD"]);
    let head = repo.head();
    let stdin = format!("refs/heads/main {head} refs/heads/main {base}\n");
    let out = repo.run_with_stdin("tollgate-secrets", &["pre-push", "gone", missing.to_str().unwrap()], &stdin);
    assert_eq!(status(&out), 1, "{}", output(&out));
    assert!(output(&out).contains("cannot list the refs of"), "{}", output(&out));
}

#[test]
fn scan_judges_tracked_files_that_gitignore_matches_and_counts_the_skipped() {
    let repo = Repo::new();
    repo.write(".gitignore", ".env\nbuild/\n");
    repo.write(".env", format!("AWS_ACCESS_KEY_ID={}\n", aws_key()));
    repo.git(&["add", "-f", ".env", ".gitignore"]);
    repo.write(".ignore", "vendored.py\n");
    repo.write("vendored.py", format!("KEY = \"{}\"\n", aws_key_2()));
    repo.write("build/out.py", format!("KEY = \"{}\"\n", aws_key_2()));
    repo.commit_all("init");
    let out = repo.run("tollgate-secrets", &["scan", "--format", "json", "."]);
    assert_eq!(status(&out), 1, "{}", output(&out));
    let report = json(&out);
    let paths: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&".env"), "a tracked .env is judged: {paths:?}");
    assert!(paths.contains(&"vendored.py"), "a .ignore file hides nothing git tracks: {paths:?}");
    assert!(!paths.contains(&"build/out.py"), "an untracked ignored file is skipped: {paths:?}");
    let human = repo.run("tollgate-secrets", &["scan", "."]);
    assert!(output(&human).contains("skipped 1 ignored folder"), "{}", output(&human));

    let baseline = repo.path().join("baseline.json");
    let out = repo.run("tollgate", &["baseline", "create", "--working-tree", "-o", baseline.to_str().unwrap()]);
    assert!(out.status.success(), "{}", output(&out));
    let written = std::fs::read_to_string(&baseline).unwrap();
    assert!(written.contains("\".env\""), "the baseline holds the tracked .env: {written}");
}

const ALLOW_ALL: &str = "[[allow]]\npath = \"**\"\nreason = \"everything\"\n";

fn audit_records(repo: &Repo) -> Vec<serde_json::Value> {
    let log = std::fs::read_to_string(repo.path().join(".git/tollgate/audit.jsonl")).unwrap_or_default();
    log.lines().map(|l| serde_json::from_str(l).expect("audit line is JSON")).collect()
}

#[test]
fn an_untracked_policy_file_does_not_switch_off_pre_commit() {
    let repo = Repo::new();
    repo.write("README.md", "hi\n");
    repo.commit_all("init");
    repo.install_hook("pre-commit", &format!("#!/bin/sh\nexec '{}' pre-commit\n", bin("tollgate").display()));
    repo.write(".tollgate.toml", ALLOW_ALL);
    repo.write("app.py", format!("KEY = \"{}\"\n", aws_key()));
    repo.git(&["add", "app.py"]);
    let out = repo.git_output(&["commit", "-q", "-m", "key"]);
    assert!(!out.status.success(), "an untracked .tollgate.toml let the key through: {}", output(&out));
    let last = audit_records(&repo).pop().expect("an audit record");
    assert_ne!(last["result"], "clean", "{last}");
}

#[test]
fn an_untracked_policy_file_does_not_switch_off_pre_push() {
    let (repo, remote) = pushed_repo_with_remote();
    commit_key(&repo, "f.py");
    repo.write(".tollgate.toml", ALLOW_ALL);
    let out = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(!out.status.success(), "an untracked .tollgate.toml let the key through: {}", output(&out));
    assert_ne!(remote.git(&["rev-parse", "main"]), repo.git(&["rev-parse", "main"]));
}

#[test]
fn a_committed_policy_that_weakens_the_last_one_is_reported_and_audited() {
    let repo = Repo::new();
    repo.write("README.md", "hi\n");
    repo.write(".tollgate.toml", "[secrets]\nenabled = true\n");
    repo.commit_all("init");
    repo.install_hook("pre-commit", &format!("#!/bin/sh\nexec '{}' pre-commit\n", bin("tollgate").display()));
    repo.write(".tollgate.toml", format!("[secrets]\nenabled = false\n\n{ALLOW_ALL}"));
    repo.git(&["add", ".tollgate.toml"]);
    let out = repo.git_output(&["commit", "-q", "-m", "weaken"]);
    // A warning by default: the commit goes through, and says so.
    assert!(out.status.success(), "{}", output(&out));
    let all = output(&out);
    assert!(all.contains("policy-weakened"), "{all}");
    assert!(all.contains("enabled = false") && all.contains("path = \"**\""), "each weakening is named: {all}");
    let last = audit_records(&repo).pop().expect("an audit record");
    assert!(last.to_string().contains("policy-weakened"), "{last}");

    // The organisation can make it block, and forbid allow-alls outright.
    let org = repo.path().join(".git/org.toml");
    std::fs::write(&org, "[settings]\nforbid_allow_all = true\n").unwrap();
    repo.git(&["config", "tollgate.policy", org.to_str().unwrap()]);
    repo.write(".tollgate.toml", format!("[secrets]\nenabled = true\n\n{ALLOW_ALL}"));
    repo.git(&["add", ".tollgate.toml"]);
    let out = repo.git_output(&["commit", "-q", "-m", "allow all"]);
    assert!(!out.status.success(), "{}", output(&out));
    assert!(output(&out).contains(":4:1"), "the allow-all is located: {}", output(&out));
}

#[test]
fn a_word_that_contains_the_marker_is_not_one() {
    let repo = Repo::new();
    repo.write("README.md", "hi\n");
    repo.commit_all("init");
    repo.write("app.py", format!("KEY = \"{}\"  # tollgate:allowance for tests\n", aws_key()));
    repo.git(&["add", "app.py"]);
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(status(&out), 1, "{}", output(&out));
}

#[test]
fn sarif_uris_are_percent_encoded_and_columns_count_code_points() {
    let repo = Repo::new();
    repo.write("café/a b#1.py", format!("naïve = \"{}\"\n", aws_key()));
    let out = repo.run("tollgate-secrets", &["scan", "--format", "sarif", "."]);
    assert_eq!(status(&out), 1, "{}", output(&out));
    let sarif = json(&out);
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let location = &run["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "caf%C3%A9/a%20b%231.py");
    // `naïve = "` is 9 code points (10 UTF-8 bytes): the key starts at column 10.
    assert_eq!(location["region"]["startColumn"], 10, "{location}");
}

#[test]
fn a_mistyped_rule_in_disable_is_an_error_for_every_check() {
    let repo = Repo::new();
    repo.write(
        ".tollgate.toml",
        "[secrets]\ndisable = [\"aws-acess-key-id\"]\n\n[policy]\ndisable = [\"env-fle\"]\n\n[deps]\ndisable = [\"typo-squat\"]\n",
    );
    repo.git(&["add", ".tollgate.toml"]);
    let out = repo.run("tollgate", &["pre-commit"]);
    assert_eq!(status(&out), 2, "{}", output(&out));
    let err = text(&out.stderr);
    for at in [".tollgate.toml:2:12", ".tollgate.toml:5:12", ".tollgate.toml:8:12"] {
        assert!(err.contains(at), "{at}: {err}");
    }
}
