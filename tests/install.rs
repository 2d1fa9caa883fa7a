//! Installation end to end: install.sh and `tollgate install` into real repositories,
//! then real `git commit` and `git push` through the installed hooks.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

const CHECKOUT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `tollgate ARGS` in `dir` (isolated from the user's git configuration).
fn tollgate(dir: &Path, args: &[&str]) -> Output {
    run_in(dir, "tollgate", args, "")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn both(out: &Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

/// Every file and folder under `dir`, with its mode and content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, (u32, Vec<u8>)>) {
        use std::os::unix::fs::PermissionsExt;
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let p = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if meta.is_dir() {
                out.insert(rel, (meta.permissions().mode(), Vec::new()));
                walk(root, &p, out);
            } else {
                out.insert(rel, (meta.permissions().mode(), std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `.git/hooks` and `.git/config`, listed with contents: what an install touches.
fn hooks_and_config(repo: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    let mut out = snapshot(&repo.join(".git/hooks"));
    let config = repo.join(".git/config");
    out.insert("config".into(), (0, std::fs::read(config).unwrap()));
    out
}

fn write_hook(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A repository with one commit, ready for hooks.
fn repo_with_history() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    repo
}

fn commit_key(repo: &Repo, file: &str) -> Output {
    repo.write(file, format!("AWS_ACCESS_KEY_ID = \"{}\"\n", aws_key()));
    repo.git(&["add", file]);
    repo.git_output(&["commit", "-m", "add config"])
}

fn commit_clean(repo: &Repo, file: &str) -> Output {
    repo.write(file, "print('hello')\n");
    repo.git(&["add", file]);
    repo.git_output(&["commit", "-m", "clean change"])
}

fn assert_refused(repo: &Repo, out: &Output, commits_before: &str) {
    assert!(!out.status.success(), "the commit went through:\n{}", both(out));
    let all = both(out);
    assert!(all.contains("aws-access-key-id"), "{all}");
    assert!(all.contains("git commit --no-verify"), "the hook does not say how to bypass:\n{all}");
    assert_no_secret(out, &aws_key());
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), commits_before);
}

#[test]
fn install_sh_is_shellcheck_clean_and_so_are_the_hooks() {
    let out = Command::new("shellcheck")
        .args(["-s", "sh", "install.sh", "hooks/pre-commit", "hooks/pre-push", "hooks/commit-msg"])
        .current_dir(CHECKOUT)
        .output()
        .expect("shellcheck must be installed (apt-get install shellcheck)");
    assert!(out.status.success(), "{}", both(&out));
}

/// install.sh in a prefix that already holds this version: no build, then the hooks.
fn prefix_with_tollgate() -> tempfile::TempDir {
    let prefix = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(prefix.path().join("bin")).unwrap();
    std::fs::copy(bin("tollgate"), prefix.path().join("bin/tollgate")).unwrap();
    prefix
}

fn install_sh(dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(Path::new(CHECKOUT).join("install.sh"));
    c.current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("TOLLGATE_POLICY");
    c.output().unwrap()
}

#[test]
fn install_sh_dry_run_builds_and_writes_nothing() {
    let repo = repo_with_history();
    let before = snapshot(repo.path());
    let empty_prefix = tempfile::tempdir().unwrap();
    let out = install_sh(repo.path(), &["--dry-run", "--prefix", empty_prefix.path().to_str().unwrap()]);
    let stdout = ok(&out);
    assert!(stdout.contains("would run: cargo install --locked"), "{stdout}");
    assert!(stdout.contains("would then run:") && stdout.contains("/bin/tollgate install"), "{stdout}");
    assert!(std::fs::read_dir(empty_prefix.path()).unwrap().next().is_none(), "the dry run built something");

    // With the binary in place, the dry run prints tollgate's own plan.
    let prefix = prefix_with_tollgate();
    let out = install_sh(repo.path(), &["--dry-run", "--prefix", prefix.path().to_str().unwrap()]);
    let stdout = ok(&out);
    assert!(stdout.contains("not rebuilding"), "{stdout}");
    assert!(stdout.contains("dry run: nothing written"), "{stdout}");
    assert!(stdout.contains("pre-commit, pre-push and commit-msg hooks"), "{stdout}");
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn install_sh_guards_commits_in_a_fresh_repository() {
    let repo = repo_with_history();
    let prefix = prefix_with_tollgate();
    let out = install_sh(repo.path(), &["--prefix", prefix.path().to_str().unwrap()]);
    let stdout = ok(&out);
    assert!(stdout.contains("already tollgate") && stdout.contains("wrote tollgate's"), "{stdout}");
    assert!(stdout.lines().count() <= 8, "more than a few lines:\n{stdout}");
    // The hook calls the binary in the prefix.
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains(&prefix.path().join("bin/tollgate").display().to_string()), "{hook}");

    let out = commit_key(&repo, "config.py");
    assert_refused(&repo, &out, "1");
    repo.git(&["reset", "-q", "HEAD", "config.py"]);
    std::fs::remove_file(repo.path().join("config.py")).unwrap();
    let out = commit_clean(&repo, "main.py");
    assert!(out.status.success(), "{}", both(&out));
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");
}

#[test]
fn an_existing_hook_keeps_running_before_tollgate() {
    let repo = repo_with_history();
    let marker = repo.path().join("chained-ran");
    let script = format!("#!/bin/sh\necho ran >> '{}'\n", marker.display());
    write_hook(&repo.path().join(".git/hooks/pre-commit"), &script);
    let stdout = ok(&tollgate(repo.path(), &["install"]));
    assert!(stdout.contains("kept the existing pre-commit as pre-commit.tollgate-chained"), "{stdout}");

    let out = commit_clean(&repo, "a.py");
    assert!(out.status.success(), "{}", both(&out));
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ran\n");

    let out = commit_key(&repo, "b.py");
    assert_refused(&repo, &out, "2");
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ran\nran\n", "the chained hook did not run first");

    // A chained hook that refuses stops the commit before tollgate runs.
    write_hook(
        &repo.path().join(".git/hooks/pre-commit.tollgate-chained"),
        "#!/bin/sh\necho 'lint failed' >&2\nexit 3\n",
    );
    repo.git(&["reset", "-q", "HEAD", "b.py"]);
    std::fs::remove_file(repo.path().join("b.py")).unwrap();
    let out = commit_clean(&repo, "c.py");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("lint failed"));
    assert!(!both(&out).contains("tollgate: nothing blocks"), "tollgate ran after a failing chained hook");
}

#[test]
fn core_hooks_path_is_honoured() {
    let repo = repo_with_history();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let out = tollgate(repo.path(), &["install"]);
    let stdout = ok(&out);
    assert!(stdout.contains(".githooks"), "{stdout}");
    assert!(stdout.contains("inside the working tree"), "{stdout}");
    assert!(repo.path().join(".githooks/pre-commit").is_file());
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
    let out = commit_key(&repo, "config.py");
    assert_refused(&repo, &out, "1");
}

#[test]
fn uninstall_restores_the_repository_byte_for_byte() {
    let repo = repo_with_history();
    write_hook(&repo.path().join(".git/hooks/pre-commit"), "#!/bin/sh\nexit 0\n");
    write_hook(&repo.path().join(".git/hooks/commit-msg"), "#!/bin/sh\ngrep -q . \"$1\"\n");
    std::fs::write(repo.path().join(".git/hooks/pre-push"), "#!/bin/sh\n# not executable: git skips it\n").unwrap();
    let before = hooks_and_config(repo.path());
    ok(&tollgate(repo.path(), &["install", "--claude"]));
    assert_ne!(hooks_and_config(repo.path()), before);
    let out = commit_key(&repo, "config.py");
    assert_refused(&repo, &out, "1");

    let dry = ok(&tollgate(repo.path(), &["uninstall", "--dry-run"]));
    assert!(dry.contains("dry run") && dry.contains("put back"), "{dry}");
    assert!(repo.path().join(".git/hooks/pre-commit.tollgate-chained").exists(), "the dry run changed something");

    let stdout = ok(&tollgate(repo.path(), &["uninstall"]));
    assert!(stdout.contains("put back") && stdout.contains("removed"), "{stdout}");
    assert_eq!(hooks_and_config(repo.path()), before);
    assert!(!repo.path().join(".claude").exists(), "the Claude Code settings install created are left");
    assert!(!repo.path().join(".git/tollgate/install.json").exists());
    // Uninstalling again has nothing to do.
    assert!(ok(&tollgate(repo.path(), &["uninstall"])).contains("nothing to change"));
}

#[test]
fn a_second_install_changes_nothing() {
    let repo = repo_with_history();
    write_hook(&repo.path().join(".git/hooks/pre-push"), "#!/bin/sh\nexit 0\n");
    ok(&tollgate(repo.path(), &["install", "--claude"]));
    let after_first = snapshot(repo.path());
    let mtimes = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let hook = repo.path().join(".git/hooks/pre-commit");
    let first_mtime = mtimes(&hook);
    let stdout = ok(&tollgate(repo.path(), &["install", "--claude"]));
    let hooks = repo.path().canonicalize().unwrap().join(".git/hooks");
    assert!(stdout.starts_with(&format!("tollgate install: nothing to change in {}\n", hooks.display())), "{stdout}");
    assert_eq!(snapshot(repo.path()), after_first);
    assert_eq!(mtimes(&hook), first_mtime);
}

#[test]
fn a_linked_worktree_shares_the_hooks_of_its_repository() {
    let repo = repo_with_history();
    let wt_parent = tempfile::tempdir().unwrap();
    let wt = wt_parent.path().join("wt");
    repo.git(&["worktree", "add", "-q", "-b", "feature", wt.to_str().unwrap()]);
    let stdout = ok(&tollgate(&wt, &["install"]));
    let common_hooks = repo.path().canonicalize().unwrap().join(".git/hooks");
    assert!(stdout.contains(&common_hooks.display().to_string()), "{stdout}");
    assert!(common_hooks.join("pre-commit").is_file());

    std::fs::write(wt.join("config.py"), format!("AWS_ACCESS_KEY_ID = \"{}\"\n", aws_key())).unwrap();
    git_cmd(&wt).args(["add", "config.py"]).output().unwrap();
    let out = git_cmd(&wt).args(["commit", "-m", "key in the worktree"]).output().unwrap();
    assert!(!out.status.success(), "{}", both(&out));
    assert!(both(&out).contains("aws-access-key-id"), "{}", both(&out));
    // The main worktree is guarded by the same hooks.
    let out = commit_key(&repo, "other.py");
    assert_refused(&repo, &out, "1");
}

#[test]
fn pre_push_and_commit_msg_hooks_run_through_the_install() {
    let remote = Repo::bare();
    let repo = repo_with_history();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    let stdin_copy = repo.path().join("chained-stdin");
    write_hook(&repo.path().join(".git/hooks/pre-push"), &format!("#!/bin/sh\ncat > '{}'\n", stdin_copy.display()));
    ok(&tollgate(repo.path(), &["install"]));

    let out = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(out.status.success(), "{}", both(&out));
    let seen = std::fs::read_to_string(&stdin_copy).unwrap();
    assert!(seen.starts_with("refs/heads/main ") && seen.ends_with('\n'), "the chained hook got {seen:?}");

    // A key committed past the pre-commit hook is stopped at the push.
    repo.write("config.py", format!("AWS_ACCESS_KEY_ID = \"{}\"\n", aws_key()));
    repo.git(&["add", "config.py"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "sneak"]);
    let out = repo.git_output(&["push", "origin", "main"]);
    assert!(!out.status.success(), "the push went through:\n{}", both(&out));
    let all = both(&out);
    assert!(all.contains("aws-access-key-id") && all.contains("push refused"), "{all}");
    assert_no_secret(&out, &aws_key());
    assert_ne!(repo.git(&["rev-parse", "HEAD"]), remote.git(&["rev-parse", "main"]));

    // The commit-msg hook judges the message.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.write("ok.py", "x = 1\n");
    repo.git(&["add", "ok.py"]);
    let out = repo.git_output(&["commit", "-m", &format!("use key {}", aws_key())]);
    assert!(!out.status.success(), "{}", both(&out));
    assert!(both(&out).contains("the message holds a secret, or lacks a trailer"), "{}", both(&out));
    assert_no_secret(&out, &aws_key());
}

#[test]
fn a_missing_binary_refuses_with_one_line() {
    let repo = repo_with_history();
    let prefix = prefix_with_tollgate();
    let installed = prefix.path().join("bin/tollgate");
    let out = Command::new(&installed)
        .args(["install", "--repo", repo.path().to_str().unwrap()])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    ok(&out);
    std::fs::remove_file(&installed).unwrap();
    repo.write("a.py", "x = 1\n");
    repo.git(&["add", "a.py"]);
    let out =
        git_cmd(repo.path()).env("PATH", "/usr/local/bin:/usr/bin:/bin").args(["commit", "-m", "x"]).output().unwrap();
    assert!(!out.status.success(), "the commit went through without tollgate");
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("tollgate")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("binary is missing") && lines[0].contains("install.sh"), "{stderr}");
}

#[test]
fn the_doctor_reports_the_installation() {
    let repo = repo_with_history();
    repo.write(".tollgate.toml", "[settings]\ninline_allow = false\n");
    let out = tollgate(repo.path(), &["doctor"]);
    assert_eq!(out.status.code(), Some(1), "not installed yet:\n{}", both(&out));
    assert!(text(&out.stdout).contains("nothing runs: no pre-commit hook"), "{}", both(&out));
    ok(&tollgate(repo.path(), &["install", "--claude"]));
    let out = tollgate(repo.path(), &["doctor"]);
    let stdout = ok(&out);
    for expected in [
        "hooks folder",
        "pre-commit  tollgate, running",
        "then repository:",
        ".tollgate.toml",
        "inline tollgate:allow ignored",
        "tollgate agent-hook on PreToolUse, UserPromptSubmit",
        "`tollgate hook pre-commit` (checks: secrets, policy, deps)",
        "advisories    ",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?}:\n{stdout}");
    }
    // A broken policy is reported with its location, and the doctor exits 1.
    repo.write(".tollgate.toml", "[settings]\ninline_allow = nope\n");
    let out = tollgate(repo.path(), &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(".tollgate.toml:2:"), "{}", both(&out));
}

/// `--global` with a home of its own: every repository is guarded, each repository's
/// own hook still runs, and uninstalling restores the global configuration file.
#[test]
fn global_install_guards_every_repository() {
    let home = tempfile::tempdir().unwrap();
    let gitconfig = home.path().join(".gitconfig");
    std::fs::write(&gitconfig, "[user]\n\tname = Test\n").unwrap();
    let with_home = |mut c: Command| {
        c.env("HOME", home.path())
            .env("GIT_CONFIG_GLOBAL", &gitconfig)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("TOLLGATE_POLICY")
            .env("NO_COLOR", "1");
        c
    };
    let repo = repo_with_history();
    let marker = repo.path().join("own-hook-ran");
    write_hook(&repo.path().join(".git/hooks/pre-commit"), &format!("#!/bin/sh\necho ran >> '{}'\n", marker.display()));

    let mut c = with_home(Command::new(bin("tollgate")));
    let stdout = ok(&c.args(["install", "--global"]).current_dir(home.path()).output().unwrap());
    assert!(stdout.contains("core.hooksPath"), "{stdout}");
    let git = |args: &[&str]| {
        let mut c = with_home(git_cmd(repo.path()));
        c.args(args).output().unwrap()
    };
    std::fs::write(repo.path().join("k.py"), format!("k = \"{}\"\n", aws_key())).unwrap();
    ok(&git(&["add", "k.py"]));
    let out = git(&["commit", "-m", "key"]);
    assert!(!out.status.success(), "{}", both(&out));
    assert!(both(&out).contains("aws-access-key-id"));
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ran\n", "the repository's own hook did not run");

    let mut c = with_home(Command::new(bin("tollgate")));
    ok(&c.args(["uninstall", "--global"]).current_dir(home.path()).output().unwrap());
    assert_eq!(std::fs::read_to_string(&gitconfig).unwrap(), "[user]\n\tname = Test\n");
    assert!(!home.path().join(".config/tollgate").exists());
    let out = git(&["commit", "-q", "-m", "key"]);
    assert!(out.status.success(), "still guarded after uninstall:\n{}", both(&out));
}

#[test]
fn claude_settings_are_merged_without_disturbing_other_keys() {
    let repo = repo_with_history();
    let settings = repo.path().join(".claude/settings.json");
    repo.write(
        ".claude/settings.json",
        "{\"permissions\": {\"allow\": [\"Bash(cargo test)\"]}, \"env\": {\"A\": \"1\"}}\n",
    );
    ok(&tollgate(repo.path(), &["install", "--claude"]));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(v["permissions"]["allow"][0], "Bash(cargo test)");
    assert_eq!(v["env"]["A"], "1");
    assert_eq!(v["hooks"]["PreToolUse"][0]["matcher"], "Write|Edit|MultiEdit|NotebookEdit|Bash");
    let cmd = v["hooks"]["PreToolUse"][0]["hooks"][0]["command"].as_str().unwrap();
    assert!(cmd.starts_with("tollgate agent-hook"), "{cmd}");
    assert!(v["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .starts_with("tollgate agent-hook"));
}
