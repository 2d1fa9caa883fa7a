//! `.pre-commit-hooks.yaml` under the real pre-commit framework (pip install
//! pre-commit): a temporary repository whose `.pre-commit-config.yaml` points at a
//! snapshot of this checkout, built by the framework with `language: rust`, refuses a
//! commit and a push that add a key and lets clean ones through.
//!
//! One test function, so the framework builds tollgate once. The build's target
//! directory is shared between runs (target/pre-commit-framework), so only the first
//! run compiles the dependencies.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

const CHECKOUT: &str = env!("CARGO_MANIFEST_DIR");

fn both(out: &Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

/// This checkout as it is on disk (tracked and new files, .gitignore honoured),
/// committed to a repository of its own: the framework installs hooks from a commit,
/// and the working tree may hold changes HEAD does not.
fn snapshot_of_checkout(into: &Path) -> String {
    let list = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(CHECKOUT)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git ls-files");
    assert!(list.status.success(), "{}", both(&list));
    for rel in list.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let rel = PathBuf::from(String::from_utf8(rel.to_vec()).expect("UTF-8 paths"));
        let src = Path::new(CHECKOUT).join(&rel);
        if !src.is_file() {
            continue; // deleted in the working tree
        }
        let dst = into.join(&rel);
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        std::fs::copy(&src, &dst).unwrap();
    }
    let git = |args: &[&str]| {
        let out = git_cmd(into).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", both(&out));
        text(&out.stdout).trim().to_string()
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "snapshot of the tollgate checkout"]);
    git(&["rev-parse", "HEAD"])
}

#[test]
fn the_pre_commit_framework_runs_tollgate_at_commit_and_at_push() {
    let version = Command::new("pre-commit").arg("--version").output();
    let ok = matches!(&version, Ok(o) if o.status.success());
    assert!(
        ok,
        "the pre-commit framework is not installed: this test needs it (`pip install pre-commit`, as .ci/run does); \
         it does not skip, because it is the only check of .pre-commit-hooks.yaml ({version:?})"
    );

    let hook_repo = tempfile::tempdir().unwrap();
    let rev = snapshot_of_checkout(hook_repo.path());
    let pre_commit_home = tempfile::tempdir().unwrap();
    let target_dir = Path::new(CHECKOUT).join("target/pre-commit-framework");

    let repo = Repo::new();
    let remote = Repo::bare();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: tollgate-secrets\n      - id: tollgate\n      \
             - id: tollgate-secrets-push\n      - id: tollgate-push\n",
            hook_repo.path().display()
        ),
    );
    repo.write("README.md", "hello\n");
    repo.commit_all("init");

    // Every git command runs the framework, which builds with cargo.
    let git = |args: &[&str]| -> Output {
        git_cmd(repo.path())
            .args(args)
            .env("PRE_COMMIT_HOME", pre_commit_home.path())
            .env("CARGO_TARGET_DIR", &target_dir)
            .env_remove("PRE_COMMIT")
            .env_remove("SKIP")
            .output()
            .unwrap()
    };
    let install = Command::new("pre-commit")
        .args(["install", "--hook-type", "pre-commit", "--hook-type", "pre-push"])
        .current_dir(repo.path())
        .env("PRE_COMMIT_HOME", pre_commit_home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(install.status.success(), "{}", both(&install));

    // pre-commit stage: a clean commit passes (the first run builds tollgate) ...
    repo.write("app.py", "import os\nKEY = os.environ['AWS_ACCESS_KEY_ID']\n");
    repo.git(&["add", "app.py"]);
    let out = git(&["commit", "-m", "clean"]);
    assert!(out.status.success(), "a clean commit was refused:\n{}", both(&out));
    let log = both(&out);
    assert!(log.contains("tollgate secrets (staged changes)") && log.contains("Passed"), "{log}");

    // ... and a key is refused by both hooks.
    repo.write("settings.py", format!("AWS_ACCESS_KEY_ID = \"{}\"\n", aws_key()));
    repo.git(&["add", "settings.py"]);
    let out = git(&["commit", "-m", "add settings"]);
    assert!(!out.status.success(), "a commit with a key went through:\n{}", both(&out));
    let log = both(&out);
    assert!(log.contains("aws-access-key-id") && log.contains("settings.py"), "{log}");
    assert!(log.matches("Failed").count() >= 2, "both pre-commit hooks should fail:\n{log}");
    assert_no_secret(&out, &aws_key());
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");

    // pre-push stage: clean history pushes ...
    repo.git(&["reset", "-q", "HEAD", "settings.py"]);
    std::fs::remove_file(repo.path().join("settings.py")).unwrap();
    let out = git(&["push", "origin", "main"]);
    assert!(out.status.success(), "a clean push was refused:\n{}", both(&out));

    // ... a commit that slipped past the pre-commit stage does not, even when a later
    // commit removes the key.
    repo.write("settings.py", format!("AWS_ACCESS_KEY_ID = \"{}\"\n", aws_key()));
    repo.git(&["add", "settings.py"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "slipped through"]);
    repo.write("settings.py", "import os\nAWS_ACCESS_KEY_ID = os.environ['AWS_ACCESS_KEY_ID']\n");
    repo.git(&["add", "settings.py"]);
    let out = git(&["commit", "-m", "remove the key again"]);
    assert!(out.status.success(), "{}", both(&out));
    let out = git(&["push", "origin", "main"]);
    assert!(!out.status.success(), "a push adding a key went through:\n{}", both(&out));
    let log = both(&out);
    assert!(log.contains("tollgate secrets (commits being pushed)") && log.contains("aws-access-key-id"), "{log}");
    assert_no_secret(&out, &aws_key());
    assert_ne!(repo.head(), remote.git(&["rev-parse", "main"]).trim());

    // Rewritten without the key, the push passes.
    repo.git(&["reset", "-q", "--hard", "origin/main"]);
    repo.write("more.py", "print('more')\n");
    repo.git(&["add", "more.py"]);
    let out = git(&["commit", "-m", "more"]);
    assert!(out.status.success(), "{}", both(&out));
    let out = git(&["push", "origin", "main"]);
    assert!(out.status.success(), "a clean push was refused:\n{}", both(&out));
    assert_eq!(repo.head(), remote.git(&["rev-parse", "main"]).trim());
}
