//! What git says about a repository and the user's configuration. tollgate asks git
//! itself rather than re-implementing its rules, so `core.hooksPath` (relative,
//! absolute, `~`), linked worktrees and submodules' git dirs resolve exactly as they
//! will when git runs the hooks.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::error::InstallError;

/// The parts of the environment installation depends on. [`Environment::from_process`]
/// reads them; tests build one that isolates git from the user's configuration.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// `XDG_CONFIG_HOME`, when set.
    pub xdg_config_home: Option<PathBuf>,
    /// `GIT_CONFIG_GLOBAL`, when set: git's global configuration file.
    pub git_config_global: Option<PathBuf>,
    /// `GIT_CONFIG_NOSYSTEM`: ignore the system configuration.
    pub git_config_nosystem: bool,
    /// `PATH`, to tell whether `tollgate` is found by name.
    pub path: Option<OsString>,
}

impl Environment {
    pub fn from_process() -> Environment {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        Environment {
            home: var("HOME").map(PathBuf::from),
            xdg_config_home: var("XDG_CONFIG_HOME").map(PathBuf::from),
            git_config_global: var("GIT_CONFIG_GLOBAL").map(PathBuf::from),
            git_config_nosystem: var("GIT_CONFIG_NOSYSTEM").is_some_and(|v| v != "0" && v != "false"),
            path: var("PATH"),
        }
    }

    pub(crate) fn home(&self) -> Result<&Path, InstallError> {
        self.home.as_deref().ok_or(InstallError::NoHome)
    }

    /// `$XDG_CONFIG_HOME/tollgate`, or `~/.config/tollgate`: where a global installation
    /// keeps its hooks, template and record.
    pub fn tollgate_config_dir(&self) -> Result<PathBuf, InstallError> {
        Ok(match &self.xdg_config_home {
            Some(x) => x.join("tollgate"),
            None => self.home()?.join(".config/tollgate"),
        })
    }

    /// The file `git config --global` writes: `GIT_CONFIG_GLOBAL`, else `~/.gitconfig`
    /// unless only the XDG file exists.
    pub fn global_git_config(&self) -> Result<PathBuf, InstallError> {
        if let Some(p) = &self.git_config_global {
            return Ok(p.clone());
        }
        let home = self.home()?;
        let dot = home.join(".gitconfig");
        let xdg = match &self.xdg_config_home {
            Some(x) => x.join("git/config"),
            None => home.join(".config/git/config"),
        };
        Ok(if !dot.exists() && xdg.exists() { xdg } else { dot })
    }

    /// A git command run in `dir` with this environment.
    pub(crate) fn git(&self, dir: &Path) -> Command {
        let mut c = Command::new("git");
        c.current_dir(dir);
        if let Some(h) = &self.home {
            c.env("HOME", h);
        }
        if let Some(x) = &self.xdg_config_home {
            c.env("XDG_CONFIG_HOME", x);
        }
        if let Some(g) = &self.git_config_global {
            c.env("GIT_CONFIG_GLOBAL", g);
        }
        if self.git_config_nosystem {
            c.env("GIT_CONFIG_NOSYSTEM", "1");
        }
        c
    }

    /// Runs git; its stdout without the final newline, or an error naming the command.
    pub(crate) fn run(&self, dir: &Path, args: &[&str]) -> Result<String, InstallError> {
        match self.run_status(dir, args)? {
            (true, out, _) => Ok(out),
            (false, _, stderr) => Err(InstallError::Git { dir: dir.to_path_buf(), args: args.join(" "), stderr }),
        }
    }

    /// Reads a configuration value; `None` when it is not set (git's exit 1).
    pub(crate) fn config_get(&self, dir: &Path, args: &[&str]) -> Result<Option<String>, InstallError> {
        let mut full = vec!["config"];
        full.extend_from_slice(args);
        match self.run_status(dir, &full)? {
            (true, out, _) => Ok(Some(out)),
            (false, out, stderr) if out.is_empty() && stderr.is_empty() => Ok(None),
            (false, _, stderr) => Err(InstallError::Git { dir: dir.to_path_buf(), args: full.join(" "), stderr }),
        }
    }

    fn run_status(&self, dir: &Path, args: &[&str]) -> Result<(bool, String, String), InstallError> {
        let out = self.git(dir).args(args).output().map_err(InstallError::GitMissing)?;
        let mut stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if stdout.ends_with('\n') {
            stdout.pop();
        }
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Ok((out.status.success(), stdout, stderr))
    }

    /// Where a program is found on PATH.
    pub fn find_on_path(&self, program: &str) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        std::env::split_paths(path).map(|d| d.join(program)).find(|p| is_executable(p))
    }

    /// A directory to run global git commands in (any will do).
    pub(crate) fn neutral_dir(&self) -> PathBuf {
        self.home.clone().filter(|h| h.is_dir()).unwrap_or_else(std::env::temp_dir)
    }
}

/// Where git keeps a repository's pieces, all absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoLocation {
    /// The working tree's root; `None` for a bare repository.
    pub toplevel: Option<PathBuf>,
    /// This worktree's git dir (`.git`, `.git/worktrees/NAME`, `.git/modules/NAME`).
    pub git_dir: PathBuf,
    /// The git dir shared by all worktrees: hooks and configuration live there.
    pub common_dir: PathBuf,
    /// The folder git runs hooks from, `core.hooksPath` applied.
    pub hooks_dir: PathBuf,
    /// `core.hooksPath` when set: its scope (`local`, `global`, `system`, `worktree`,
    /// `command`) and its value as written.
    pub hooks_path: Option<(String, String)>,
}

impl RepoLocation {
    /// Asks git where the repository around `dir` keeps its pieces.
    pub fn find(dir: &Path, env: &Environment) -> Result<RepoLocation, InstallError> {
        let dir = dir.canonicalize().map_err(|e| InstallError::io(dir, e))?;
        let out = match env.run(&dir, &["rev-parse", "--is-bare-repository", "--git-dir", "--git-common-dir"]) {
            Ok(out) => out,
            Err(InstallError::Git { stderr, .. }) if stderr.contains("not a git repository") => {
                return Err(InstallError::NotARepository(dir))
            }
            Err(e) => return Err(e),
        };
        let lines: Vec<&str> = out.lines().collect();
        let [bare, git_dir, common_dir] = lines[..] else {
            return Err(InstallError::Git {
                dir: dir.clone(),
                args: "rev-parse".into(),
                stderr: format!("unexpected output {out:?}"),
            });
        };
        // `--git-path` is relative to the current directory; with a relative
        // `core.hooksPath` it is relative to where hooks run (the worktree root).
        let hooks = env.run(&dir, &["rev-parse", "--git-path", "hooks"])?;
        // Run from inside the git dir, a non-bare repository has no working tree either.
        let toplevel = match bare {
            "true" => None,
            _ => env
                .run(&dir, &["rev-parse", "--show-toplevel"])
                .ok()
                .filter(|t| !t.is_empty())
                .map(|t| absolute(&dir, &t)),
        };
        let hooks_path = env
            .config_get(&dir, &["--show-scope", "--get", "core.hooksPath"])?
            .and_then(|l| l.split_once('\t').map(|(s, v)| (s.to_string(), v.to_string())));
        Ok(RepoLocation {
            toplevel,
            git_dir: absolute(&dir, git_dir),
            common_dir: absolute(&dir, common_dir),
            hooks_dir: absolute(&dir, &hooks),
            hooks_path,
        })
    }

    /// Whether the hooks folder lies inside the working tree (a versioned `.githooks`,
    /// husky's `.husky/_`), so files written there are part of the project.
    pub fn hooks_in_worktree(&self) -> bool {
        let inside = |dir: &Path| self.hooks_dir.starts_with(dir);
        self.toplevel.as_deref().is_some_and(inside) && !inside(&self.git_dir) && !inside(&self.common_dir)
    }
}

/// `path` made absolute against `base`, with `.` and `..` resolved lexically, and
/// canonical when it exists (so paths compare equal however they were reached).
pub(crate) fn absolute(base: &Path, path: &str) -> PathBuf {
    let joined = base.join(path);
    if let Ok(c) = joined.canonicalize() {
        return c;
    }
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(unix)]
pub(crate) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
pub(crate) fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An environment whose git sees no user or system configuration but a global file
    /// of its own, with HOME in a temporary directory.
    pub(crate) fn isolated(home: &Path) -> Environment {
        Environment {
            home: Some(home.to_path_buf()),
            xdg_config_home: Some(home.join(".config")),
            git_config_global: Some(home.join(".gitconfig")),
            git_config_nosystem: true,
            path: std::env::var_os("PATH"),
        }
    }

    pub(crate) fn git(env: &Environment, dir: &Path, args: &[&str]) -> String {
        env.run(dir, args).unwrap_or_else(|e| panic!("{e}"))
    }

    pub(crate) fn init(env: &Environment, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        git(env, dir, &["init", "-q", "-b", "main"]);
    }

    #[test]
    fn the_default_hooks_folder_is_in_the_git_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let repo = tmp.path().join("r");
        init(&env, &repo);
        std::fs::create_dir_all(repo.join("src/deep")).unwrap();
        let loc = RepoLocation::find(&repo.join("src/deep"), &env).unwrap();
        let repo = repo.canonicalize().unwrap();
        assert_eq!(loc.toplevel.as_deref(), Some(repo.as_path()));
        assert_eq!(loc.hooks_dir, repo.join(".git/hooks"));
        assert_eq!(loc.common_dir, repo.join(".git"));
        assert_eq!(loc.hooks_path, None);
        assert!(!loc.hooks_in_worktree());
    }

    #[test]
    fn a_relative_hooks_path_is_relative_to_the_worktree_root() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let repo = tmp.path().join("r");
        init(&env, &repo);
        git(&env, &repo, &["config", "core.hooksPath", ".githooks"]);
        std::fs::create_dir_all(repo.join("sub")).unwrap();
        let loc = RepoLocation::find(&repo.join("sub"), &env).unwrap();
        assert_eq!(loc.hooks_dir, repo.canonicalize().unwrap().join(".githooks"));
        assert_eq!(loc.hooks_path, Some(("local".to_string(), ".githooks".to_string())));
        assert!(loc.hooks_in_worktree());
    }

    #[test]
    fn a_global_absolute_hooks_path_applies() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let repo = tmp.path().join("r");
        init(&env, &repo);
        let shared = tmp.path().join("shared-hooks");
        git(&env, &repo, &["config", "--global", "core.hooksPath", shared.to_str().unwrap()]);
        let loc = RepoLocation::find(&repo, &env).unwrap();
        assert_eq!(loc.hooks_dir, shared);
        assert_eq!(loc.hooks_path.as_ref().map(|(s, _)| s.as_str()), Some("global"));
    }

    #[test]
    fn a_linked_worktree_shares_the_common_hooks() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let repo = tmp.path().join("r");
        init(&env, &repo);
        let wt = tmp.path().join("wt");
        git(
            &env,
            &repo,
            &["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "--allow-empty", "-m", "i"],
        );
        git(&env, &repo, &["worktree", "add", "-q", wt.to_str().unwrap()]);
        let loc = RepoLocation::find(&wt, &env).unwrap();
        let repo = repo.canonicalize().unwrap();
        assert_eq!(loc.hooks_dir, repo.join(".git/hooks"));
        assert_eq!(loc.common_dir, repo.join(".git"));
        assert_eq!(loc.git_dir, repo.join(".git/worktrees/wt"));
        assert_eq!(loc.toplevel, Some(wt.canonicalize().unwrap()));
    }

    #[test]
    fn from_inside_the_git_dir_the_hooks_are_found_too() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let repo = tmp.path().join("r");
        init(&env, &repo);
        let loc = RepoLocation::find(&repo.join(".git/hooks"), &env).unwrap();
        assert_eq!(loc.hooks_dir, repo.canonicalize().unwrap().join(".git/hooks"));
        assert_eq!(loc.toplevel, None);
    }

    #[test]
    fn outside_a_repository_is_a_typed_error() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let plain = tmp.path().join("plain");
        std::fs::create_dir_all(&plain).unwrap();
        match RepoLocation::find(&plain, &env) {
            Err(InstallError::NotARepository(p)) => assert_eq!(p, plain.canonicalize().unwrap()),
            // A temporary directory inside some repository: that one is found, not ours.
            Ok(loc) => assert!(!loc.common_dir.starts_with(tmp.path()), "found {loc:?}"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_global_config_file_follows_git() {
        let tmp = tempfile::tempdir().unwrap();
        let mut env = isolated(tmp.path());
        assert_eq!(env.global_git_config().unwrap(), tmp.path().join(".gitconfig"));
        env.git_config_global = None;
        assert_eq!(env.global_git_config().unwrap(), tmp.path().join(".gitconfig"));
        std::fs::create_dir_all(tmp.path().join(".config/git")).unwrap();
        std::fs::write(tmp.path().join(".config/git/config"), "").unwrap();
        assert_eq!(env.global_git_config().unwrap(), tmp.path().join(".config/git/config"));
        std::fs::write(tmp.path().join(".gitconfig"), "").unwrap();
        assert_eq!(env.global_git_config().unwrap(), tmp.path().join(".gitconfig"));
    }
}
