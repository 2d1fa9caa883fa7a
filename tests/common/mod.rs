//! Helpers for end-to-end tests: real binaries, real git, real temporary repositories.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// A synthetic AWS access key id (not a real key), assembled so this file does not
/// itself carry one.
pub fn aws_key() -> String {
    ["AKIA", "QX7Z", "M2LR", "K9WV", "T3YP"].concat()
}

/// A second, different synthetic key.
pub fn aws_key_2() -> String {
    ["AKIA", "ZP4N", "7RTQ", "WLX2", "M6KD"].concat()
}

/// The binary `name`: this build's, or the one in `TOLLGATE_TEST_BIN_DIR` when that is
/// set (to run today's tests against an older release and see what it missed).
pub fn bin(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("TOLLGATE_TEST_BIN_DIR") {
        return PathBuf::from(dir).join(name);
    }
    match name {
        "tollgate" => PathBuf::from(env!("CARGO_BIN_EXE_tollgate")),
        "tollgate-secrets" => PathBuf::from(env!("CARGO_BIN_EXE_tollgate-secrets")),
        "tollgate-policy" => PathBuf::from(env!("CARGO_BIN_EXE_tollgate-policy")),
        "tollgate-deps" => PathBuf::from(env!("CARGO_BIN_EXE_tollgate-deps")),
        other => panic!("unknown binary {other}"),
    }
}

/// A git command isolated from the user's and system's configuration.
pub fn git_cmd(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env_remove("TOLLGATE_POLICY");
    c
}

/// A temporary repository on branch `main`.
pub struct Repo {
    pub dir: TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    /// A bare repository (a remote to push to).
    pub fn bare() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repo { dir };
        repo.git(&["init", "-q", "--bare", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    /// Runs git and asserts it succeeded; returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(out.status.success(), "git {args:?} failed:\n{}{}", text(&out.stdout), text(&out.stderr));
        text(&out.stdout)
    }

    pub fn git_output(&self, args: &[&str]) -> Output {
        git_cmd(self.path()).args(args).output().expect("run git")
    }

    /// Stages everything and commits; returns the new commit id.
    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
        self.head()
    }

    /// Commits `.tollgate.toml` as it is on disk, alone (what else is staged stays
    /// staged): hooks read the repository's policy from what is committed or staged,
    /// never from an untracked file.
    pub fn commit_policy(&self) {
        self.git(&["add", ".tollgate.toml"]);
        if !self.git_output(&["diff", "--cached", "--quiet", "--", ".tollgate.toml"]).status.success() {
            self.git(&["commit", "-q", "--no-verify", "-m", "policy", "--", ".tollgate.toml"]);
        }
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Installs a hook script by hand.
    pub fn install_hook(&self, name: &str, script: &str) {
        let hooks = self.path().join(".git/hooks");
        std::fs::create_dir_all(&hooks).expect("hooks dir");
        let p = hooks.join(name);
        std::fs::write(&p, script).expect("write hook");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }

    /// Runs a tollgate binary in this repository.
    pub fn run(&self, binary: &str, args: &[&str]) -> Output {
        self.run_with_stdin(binary, args, "")
    }

    pub fn run_with_stdin(&self, binary: &str, args: &[&str], stdin: &str) -> Output {
        run_in(self.path(), binary, args, stdin)
    }
}

pub fn run_in(dir: &Path, binary: &str, args: &[&str], stdin: &str) -> Output {
    let mut c = Command::new(bin(binary));
    c.current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("TOLLGATE_POLICY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn tollgate");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Parses a JSON report from stdout.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", text(&out.stdout), text(&out.stderr)))
}

/// The rule ids of a JSON report's findings.
pub fn rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"].as_array().expect("findings").iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

/// Asserts no output stream holds the whole secret.
pub fn assert_no_secret(out: &Output, secret: &str) {
    assert!(!text(&out.stdout).contains(secret), "stdout holds the secret:\n{}", text(&out.stdout));
    assert!(!text(&out.stderr).contains(secret), "stderr holds the secret:\n{}", text(&out.stderr));
}
