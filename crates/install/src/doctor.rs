//! The doctor's view of an installation: which hooks are in place where, what git will
//! run on a commit, and which Claude Code settings call tollgate.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::claude;
use crate::error::InstallError;
use crate::git::{is_executable, Environment, RepoLocation};
use crate::plan::read_text;
use crate::script::{self, CHAINED_SUFFIX, HOOK_NAMES};

/// What is installed, for one repository (when there is one) and for the user.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub repo: Option<RepoInspection>,
    /// The global `core.hooksPath` and `init.templateDir`, as set.
    pub global_hooks_path: Option<String>,
    pub global_template_dir: Option<String>,
    /// tollgate's global install record, when there is one.
    pub global_record: Option<PathBuf>,
    pub claude: Vec<ClaudeSettings>,
}

#[derive(Debug, Clone)]
pub struct RepoInspection {
    pub location: RepoLocation,
    pub hooks: Vec<HookReport>,
    pub record: Option<PathBuf>,
    /// `.pre-commit-config.yaml` at the root, and whether it mentions tollgate.
    pub pre_commit_config: Option<(PathBuf, bool)>,
}

#[derive(Debug, Clone)]
pub struct HookReport {
    pub name: &'static str,
    pub path: PathBuf,
    pub kind: HookKind,
    /// The hook tollgate's hook runs first, when there is one and it can run.
    pub chained: Option<PathBuf>,
    /// In a global hooks folder: the repository's own hook, which runs first.
    pub repo_hook: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookKind {
    Missing,
    /// There, but without its run bit: git skips it.
    NotExecutable,
    /// tollgate's script, and the binary it will run (`None`: none found, so it
    /// refuses every commit).
    Tollgate {
        binary: Option<PathBuf>,
    },
    /// Another tool's hook.
    Other {
        manager: Option<&'static str>,
    },
}

#[derive(Debug, Clone)]
pub struct ClaudeSettings {
    pub path: PathBuf,
    /// Events calling `tollgate agent-hook`, or why the file could not be read.
    pub events: Result<Vec<String>, String>,
}

/// Looks at the repository around `dir` (if any) and at the user's configuration.
pub fn inspect(dir: Option<&Path>, env: &Environment) -> Result<Inspection, InstallError> {
    let repo = match dir {
        None => None,
        Some(d) => match RepoLocation::find(d, env) {
            Ok(loc) => Some(inspect_repo(loc, env)?),
            Err(InstallError::NotARepository(_)) => None,
            Err(e) => return Err(e),
        },
    };
    let neutral = env.neutral_dir();
    let global = |key: &str| env.config_get(&neutral, &["--global", "--type=path", "--get", key]);
    let global_hooks_path = global("core.hooksPath")?;
    let global_template_dir = global("init.templateDir")?;
    let record = env.tollgate_config_dir().ok().map(|d| d.join("install.json")).filter(|p| p.exists());
    let mut settings = Vec::new();
    if let Some(top) = repo.as_ref().and_then(|r| r.location.toplevel.as_ref()) {
        settings.push(top.join(".claude/settings.json"));
        settings.push(top.join(".claude/settings.local.json"));
    }
    if let Some(home) = &env.home {
        settings.push(home.join(".claude/settings.json"));
    }
    let claude = settings
        .into_iter()
        .filter_map(|path| {
            let events = match read_text(&path) {
                Ok(None) => return None,
                Ok(Some(text)) => claude::installed_events(&path, &text).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            Some(ClaudeSettings { path, events })
        })
        .collect();
    Ok(Inspection { repo, global_hooks_path, global_template_dir, global_record: record, claude })
}

fn inspect_repo(location: RepoLocation, env: &Environment) -> Result<RepoInspection, InstallError> {
    let mut hooks = Vec::new();
    for name in HOOK_NAMES {
        let path = location.hooks_dir.join(name);
        let chained = location.hooks_dir.join(format!("{name}{CHAINED_SUFFIX}"));
        let chained = is_executable(&chained).then_some(chained);
        let mut repo_hook = None;
        let kind = match std::fs::read(&path) {
            Err(_) if std::fs::symlink_metadata(&path).is_err() => HookKind::Missing,
            _ if !is_executable(&path) => HookKind::NotExecutable,
            Ok(bytes) if script::is_tollgate_hook(&bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                if script::chains_repo_hook(&text) {
                    let own = location.common_dir.join("hooks").join(name);
                    let own_is_other = std::fs::read(&own).is_ok_and(|b| !script::is_tollgate_hook(&b));
                    repo_hook = (own != path && is_executable(&own) && own_is_other).then_some(own);
                }
                let binary = script::recorded_binary(&text)
                    .map(PathBuf::from)
                    .filter(|b| is_executable(b))
                    .or_else(|| env.find_on_path("tollgate"));
                HookKind::Tollgate { binary }
            }
            Ok(bytes) => HookKind::Other { manager: manager(&bytes) },
            Err(e) => return Err(InstallError::io(&path, e)),
        };
        hooks.push(HookReport { name, path, kind, chained, repo_hook });
    }
    let record = Some(location.common_dir.join("tollgate/install.json")).filter(|p| p.exists());
    let pre_commit_config = location.toplevel.as_ref().map(|t| t.join(".pre-commit-config.yaml")).and_then(|p| {
        let text = std::fs::read_to_string(&p).ok()?;
        Some((p, text.contains("tollgate")))
    });
    Ok(RepoInspection { location, hooks, record, pre_commit_config })
}

/// Which hook manager wrote a hook, from the marks each leaves in its scripts.
fn manager(bytes: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(bytes);
    if text.contains("pre-commit.com") || text.contains("generated by pre-commit") {
        Some("the pre-commit framework")
    } else if text.contains("husky") {
        Some("husky")
    } else if text.contains("lefthook") {
        Some("lefthook")
    } else if text.contains("tollgate") {
        Some("a hand-written tollgate hook")
    } else {
        None
    }
}

impl Inspection {
    /// Whether a commit in the repository is judged by tollgate.
    pub fn protects_commits(&self) -> bool {
        let Some(repo) = &self.repo else { return false };
        match &repo.hooks[0].kind {
            HookKind::Tollgate { binary } => binary.is_some(),
            HookKind::Other { manager: Some("the pre-commit framework") } => {
                repo.pre_commit_config.as_ref().is_some_and(|(_, listed)| *listed)
            }
            HookKind::Other { manager: Some("a hand-written tollgate hook") } => true,
            _ => false,
        }
    }

    /// The doctor's report; `checks` are the checks `tollgate hook` runs.
    pub fn render(&self, checks: &[&str]) -> String {
        let mut out = String::new();
        match &self.repo {
            None => out.push_str("repository    none here (the global set-up follows)\n"),
            Some(r) => r.render(&mut out),
        }
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "not set".to_string());
        let _ = writeln!(
            out,
            "global        core.hooksPath {}; init.templateDir {}{}",
            show(&self.global_hooks_path),
            show(&self.global_template_dir),
            match &self.global_record {
                Some(p) => format!(" (tollgate's global install, recorded in {})", p.display()),
                None => String::new(),
            }
        );
        if self.claude.is_empty() {
            out.push_str("claude code   no settings file calls tollgate (tollgate install --claude adds it)\n");
        }
        for (i, c) in self.claude.iter().enumerate() {
            let label = if i == 0 { "claude code" } else { "" };
            let state = match &c.events {
                Ok(e) if e.is_empty() => "does not call tollgate".to_string(),
                Ok(e) => format!("tollgate agent-hook on {}", e.join(", ")),
                Err(e) => format!("unreadable: {e}"),
            };
            let _ = writeln!(out, "{label:<13} {}: {state}", c.path.display());
        }
        if let Some(r) = &self.repo {
            let _ = writeln!(out, "on commit     {}", r.on_commit(checks));
        }
        out
    }
}

impl RepoInspection {
    fn render(&self, out: &mut String) {
        let loc = &self.location;
        let top = loc.toplevel.as_ref().map(|t| t.display().to_string()).unwrap_or_else(|| "(bare)".into());
        let _ = writeln!(out, "repository    {top} (git dir {})", loc.git_dir.display());
        let why = match &loc.hooks_path {
            None => "git's default".to_string(),
            Some((scope, value)) => format!("core.hooksPath `{value}` from the {scope} configuration"),
        };
        let _ = writeln!(out, "hooks folder  {} ({why})", loc.hooks_dir.display());
        for h in &self.hooks {
            let state = match &h.kind {
                HookKind::Missing => "not installed".to_string(),
                HookKind::NotExecutable => "present but not executable: git skips it".to_string(),
                HookKind::Tollgate { binary: Some(b) } => format!("tollgate, running {}", b.display()),
                HookKind::Tollgate { binary: None } => {
                    "tollgate, but its binary is missing: it refuses every run (reinstall tollgate)".to_string()
                }
                HookKind::Other { manager } => format!("{} (not tollgate's)", manager.unwrap_or("another hook")),
            };
            let mut first = Vec::new();
            if let Some(r) = &h.repo_hook {
                first.push(r.display().to_string());
            }
            if let Some(c) = &h.chained {
                first.push(c.file_name().unwrap_or_default().to_string_lossy().into_owned());
            }
            let first = if first.is_empty() { String::new() } else { format!("; runs {} first", first.join(" and ")) };
            let _ = writeln!(out, "  {:<11} {state}{first}", h.name);
        }
        if let Some(p) = &self.record {
            let _ = writeln!(out, "install record {}", p.display());
        }
        if let Some((p, listed)) = &self.pre_commit_config {
            let _ = writeln!(
                out,
                "pre-commit    {} {}",
                p.display(),
                if *listed { "lists tollgate" } else { "does not list tollgate" }
            );
        }
    }

    fn on_commit(&self, checks: &[&str]) -> String {
        let h = &self.hooks[0];
        let path = h.path.display();
        match &h.kind {
            HookKind::Missing => "nothing runs: no pre-commit hook (tollgate install adds one)".to_string(),
            HookKind::NotExecutable => format!("nothing runs: {path} is not executable"),
            HookKind::Tollgate { binary: None } => format!("{path} refuses the commit: no tollgate binary to run"),
            HookKind::Tollgate { binary: Some(_) } => {
                let mut steps: Vec<String> = Vec::new();
                if let Some(r) = &h.repo_hook {
                    steps.push(r.display().to_string());
                }
                if let Some(c) = &h.chained {
                    steps.push(c.display().to_string());
                }
                steps.push(format!("`tollgate hook pre-commit` (checks: {})", checks.join(", ")));
                format!("git runs {path}: {}", steps.join(", then "))
            }
            HookKind::Other { manager: Some("the pre-commit framework") } => match &self.pre_commit_config {
                Some((cfg, true)) => {
                    format!("the pre-commit framework runs the hooks in {}, tollgate among them", cfg.display())
                }
                _ => "the pre-commit framework runs, but its configuration does not list tollgate".to_string(),
            },
            HookKind::Other { manager } => {
                format!(
                    "git runs {path} ({}); tollgate runs only if that calls it",
                    manager.unwrap_or("not tollgate's")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::tests::{init, isolated};
    use crate::plan::{plan_install, Request, Scope};

    #[test]
    fn the_doctor_sees_an_installation_and_its_chained_hook() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let repo = tmp.path().join("r");
        init(&env, &repo);
        let hooks = repo.join(".git/hooks");
        std::fs::create_dir_all(&hooks).unwrap();
        crate::plan::tests::write_script(&hooks.join("pre-commit"), "#!/bin/sh\necho mine\n");
        let fake_bin = tmp.path().join("bin/tollgate");
        crate::plan::tests::write_script(&fake_bin, "#!/bin/sh\n");

        let before = inspect(Some(&repo), &env).unwrap();
        assert!(!before.protects_commits());
        assert!(before.render(&["secrets"]).contains("another hook (not tollgate's)"));

        let req = Request { scope: Scope::Repository(repo.clone()), claude: false, binary: fake_bin.clone() };
        plan_install(&req, &env).unwrap().apply().unwrap();
        let after = inspect(Some(&repo), &env).unwrap();
        assert!(after.protects_commits());
        let text = after.render(&["secrets"]);
        assert!(text.contains(&format!("tollgate, running {}", fake_bin.display())), "{text}");
        assert!(text.contains("runs pre-commit.tollgate-chained first"), "{text}");
        assert!(text.contains("`tollgate hook pre-commit` (checks: secrets)"), "{text}");
        assert!(text.contains("install record"), "{text}");

        // The binary gone: the doctor says the hook will refuse commits.
        std::fs::remove_file(&fake_bin).unwrap();
        let env_no_path = Environment { path: None, ..env.clone() };
        let broken = inspect(Some(&repo), &env_no_path).unwrap();
        assert!(!broken.protects_commits());
        assert!(broken.render(&["secrets"]).contains("binary is missing"));
    }

    #[test]
    fn outside_a_repository_the_doctor_reports_the_user_set_up() {
        let tmp = tempfile::tempdir().unwrap();
        let env = isolated(tmp.path());
        let plain = tmp.path().join("plain");
        std::fs::create_dir_all(&plain).unwrap();
        let i = inspect(None, &env).unwrap();
        assert!(i.repo.is_none());
        let text = i.render(&["secrets"]);
        assert!(text.contains("core.hooksPath not set"), "{text}");
    }

    #[test]
    fn other_managers_are_named() {
        assert_eq!(
            manager(b"#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n"),
            Some("the pre-commit framework")
        );
        assert_eq!(manager(b"#!/bin/sh\n. \"$(dirname \"$0\")/husky.sh\"\n"), Some("husky"));
        assert_eq!(manager(b"#!/bin/sh\necho hi\n"), None);
    }
}
