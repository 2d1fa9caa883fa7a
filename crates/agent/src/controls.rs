//! The files that control tollgate itself: an agent that may change them can switch the
//! checks off, so the agent hook refuses writes to them whichever way the path is
//! spelled (`dir/../.git/hooks/x`, an absolute path, a symlinked folder, a worktree's
//! `.git` file pointing elsewhere).

use std::path::{Component, Path, PathBuf};

use git2::Repository;

/// Files under a repository's root that control tollgate.
pub const WORKTREE_FILES: &[&str] = &[".tollgate.toml", ".tollgate-baseline.json"];
/// Files and folders under a git directory (the worktree's and the common one).
pub const GIT_DIR_FILES: &[&str] = &["config", "config.worktree"];
pub const GIT_DIR_FOLDERS: &[&str] = &["hooks", "tollgate"];
/// Files under the home directory: git's global configuration, Claude Code's user
/// settings (which hold the agent hook itself).
pub const HOME_FILES: &[&str] = &[".gitconfig", ".config/git/config"];

/// What a protected path controls: the hook scripts, or the rest of tollgate's
/// configuration. The two have their own rule ids and advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Hooks,
    Configuration,
}

impl Control {
    /// The command rule a change to it breaks.
    pub fn rule(self) -> &'static str {
        match self {
            Control::Hooks => "git-hooks-tampered",
            Control::Configuration => "tollgate-control-changed",
        }
    }
}

/// The protected locations for one working directory.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    /// (path, control, whether everything under it is protected too)
    places: Vec<(PathBuf, Control, bool)>,
    home: Option<PathBuf>,
}

impl Controls {
    /// The locations protected when working in `dir` (or nowhere in particular): its
    /// repository's, if any, and the user's.
    pub fn for_dir(dir: Option<&Path>) -> Controls {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
        let mut c = Controls { places: Vec::new(), home: home.clone() };
        if let Some(home) = &home {
            for f in HOME_FILES {
                c.add(home.join(f), Control::Configuration, false);
            }
        }
        if let Some(repo) = dir.and_then(|d| Repository::discover(d).ok()) {
            c.add_repository(&repo);
        }
        c
    }

    /// Adds a repository's protected locations.
    pub fn add_repository(&mut self, repo: &Repository) {
        for git_dir in [repo.path(), repo.commondir()] {
            for f in GIT_DIR_FILES {
                self.add(git_dir.join(f), Control::Configuration, false);
            }
            self.add(git_dir.join("hooks"), Control::Hooks, true);
            self.add(git_dir.join("tollgate"), Control::Configuration, true);
        }
        if let Some(root) = repo.workdir() {
            for f in WORKTREE_FILES {
                self.add(root.join(f), Control::Configuration, false);
            }
            // A configured hooks folder holds the hooks that run.
            if let Ok(Some(hooks)) = repo.config().map(|c| c.get_path("core.hooksPath").ok()) {
                let hooks = if hooks.is_relative() { root.join(hooks) } else { hooks };
                self.add(hooks, Control::Hooks, true);
            }
        }
    }

    fn add(&mut self, path: PathBuf, control: Control, below: bool) {
        self.places.push((resolve(&path), control, below));
    }

    /// What `path` (absolute, or relative to `cwd`) controls, if anything. A path that
    /// cannot be placed (relative, no known working directory) is judged by its shape.
    pub fn classify(&self, path: &Path, cwd: Option<&Path>) -> Option<Control> {
        let path = self.expand_home(path);
        let absolute = match cwd {
            _ if path.is_absolute() => Some(path.clone()),
            Some(cwd) => Some(cwd.join(&path)),
            None => None,
        };
        if let Some(abs) = &absolute {
            let real = resolve(abs);
            for (place, control, below) in &self.places {
                if real == *place || (*below && real.starts_with(place)) {
                    return Some(*control);
                }
            }
            if self.is_claude_settings(&real) {
                return Some(Control::Configuration);
            }
        }
        by_shape(&normalise(absolute.as_deref().unwrap_or(&path)))
    }

    /// Whether removing or moving `path` (a folder, say `.git`) takes a protected
    /// location with it.
    pub fn holds_a_control(&self, path: &Path, cwd: Option<&Path>) -> Option<Control> {
        if let Some(c) = self.classify(path, cwd) {
            return Some(c);
        }
        let path = self.expand_home(path);
        let absolute = if path.is_absolute() { Some(path.clone()) } else { cwd.map(|c| c.join(&path)) };
        if let Some(abs) = absolute {
            let real = resolve(&abs);
            let held: Vec<Control> =
                self.places.iter().filter(|(place, _, _)| place.starts_with(&real)).map(|(_, c, _)| *c).collect();
            if let Some(first) = held.first() {
                return Some(if held.contains(&Control::Hooks) { Control::Hooks } else { *first });
            }
        }
        let lexical = normalise(&path);
        match lexical.file_name().and_then(|n| n.to_str()) {
            Some(".git") => Some(Control::Hooks),
            Some(".claude") => Some(Control::Configuration),
            _ => None,
        }
    }

    fn expand_home(&self, path: &Path) -> PathBuf {
        match (path.strip_prefix("~"), &self.home) {
            (Ok(rest), Some(home)) => home.join(rest),
            _ => path.to_path_buf(),
        }
    }

    /// `.claude/settings.json`, `.claude/settings.local.json` (any `settings*.json`):
    /// they hold the agent hook's own entry.
    fn is_claude_settings(&self, path: &Path) -> bool {
        let parent = path.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str());
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        parent == Some(".claude") && name.starts_with("settings") && name.ends_with(".json")
    }
}

/// A protected path recognised by its components alone: `.git/hooks/…`, `.git/config`,
/// `.git/tollgate/…`, a `.tollgate.toml`, Claude Code settings.
fn by_shape(path: &Path) -> Option<Control> {
    let parts: Vec<&str> = path.components().filter_map(|c| c.as_os_str().to_str()).collect();
    for (i, part) in parts.iter().enumerate() {
        if *part == ".git" {
            // `.git/worktrees/NAME/…` is a worktree's own git directory.
            let rest = if parts.get(i + 1) == Some(&"worktrees") && parts.len() > i + 3 {
                &parts[i + 3..]
            } else {
                &parts[i + 1..]
            };
            match rest.first().copied() {
                Some("hooks") => return Some(Control::Hooks),
                Some("tollgate") => return Some(Control::Configuration),
                Some(f) if rest.len() == 1 && GIT_DIR_FILES.contains(&f) => return Some(Control::Configuration),
                _ => {}
            }
        }
    }
    let name = parts.last().copied().unwrap_or("");
    let parent = parts.len().checked_sub(2).map(|i| parts[i]);
    if WORKTREE_FILES.contains(&name)
        || (parent == Some(".claude") && name.starts_with("settings") && name.ends_with(".json"))
        || name == ".gitconfig"
    {
        return Some(Control::Configuration);
    }
    None
}

/// `a/./b//c/../d` → `a/b/d`, without touching the file system (`..` at the top of
/// a relative path stays).
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The path with `.`/`..` folded and its longest existing ancestor's symlinks resolved:
/// where a write would really land.
pub fn resolve(path: &Path) -> PathBuf {
    let lexical = normalise(path);
    for ancestor in lexical.ancestors() {
        if let Ok(real) = ancestor.canonicalize() {
            let rest = lexical.strip_prefix(ancestor).unwrap_or(Path::new(""));
            return if rest.as_os_str().is_empty() { real } else { real.join(rest) };
        }
    }
    lexical
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_lexically() {
        assert_eq!(normalise(Path::new("a/./b//c/../d")), Path::new("a/b/d"));
        assert_eq!(normalise(Path::new("../x/..")), Path::new(".."));
        assert_eq!(normalise(Path::new("/../etc")), Path::new("/etc"));
    }

    #[test]
    fn protected_paths_are_found_however_they_are_spelled() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init(tmp.path()).unwrap();
        std::fs::create_dir_all(tmp.path().join("src")).unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let c = Controls::for_dir(Some(&root));
        let cwd = Some(root.as_path());
        for (p, expected) in [
            (".git/hooks/pre-commit", Some(Control::Hooks)),
            ("src/../.git/hooks/x", Some(Control::Hooks)),
            ("src//..//.git/./config", Some(Control::Configuration)),
            (".git/tollgate/log", Some(Control::Configuration)),
            (".tollgate.toml", Some(Control::Configuration)),
            (".claude/settings.local.json", Some(Control::Configuration)),
            ("src/main.rs", None),
            (".git/HEAD", None),
        ] {
            assert_eq!(c.classify(Path::new(p), cwd), expected, "{p}");
        }
        let absolute = repo.path().join("config");
        assert_eq!(c.classify(&absolute, None), Some(Control::Configuration));
        // A symlinked folder pointing into the git directory.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(repo.path(), root.join("g")).unwrap();
            assert_eq!(c.classify(Path::new("g/hooks/pre-push"), cwd), Some(Control::Hooks));
        }
        assert_eq!(c.holds_a_control(Path::new(".git"), cwd), Some(Control::Hooks));
        // A configured hooks folder is protected like .git/hooks.
        repo.config().unwrap().set_str("core.hooksPath", ".githooks").unwrap();
        let c = Controls::for_dir(Some(&root));
        assert_eq!(c.classify(Path::new(".githooks/pre-commit"), cwd), Some(Control::Hooks));
        assert_eq!(c.holds_a_control(Path::new("src"), cwd), None);
    }

    #[test]
    fn a_worktree_protects_its_own_and_the_common_git_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let main = tmp.path().join("main");
        let repo = Repository::init(&main).unwrap();
        let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
        let tree = repo.find_tree(repo.index().unwrap().write_tree().unwrap()).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "init", &tree, &[]).unwrap();
        let wt_dir = tmp.path().join("wt");
        repo.worktree("wt", &wt_dir, None).unwrap();
        let c = Controls::for_dir(Some(&wt_dir));
        let main_git = main.join(".git").canonicalize().unwrap();
        assert_eq!(c.classify(&main_git.join("hooks/pre-commit"), None), Some(Control::Hooks));
        assert_eq!(c.classify(&main_git.join("config"), None), Some(Control::Configuration));
        assert_eq!(c.classify(&main_git.join("worktrees/wt/config.worktree"), None), Some(Control::Configuration));
    }

    #[test]
    fn without_a_directory_the_shape_decides() {
        let c = Controls::default();
        assert_eq!(c.classify(Path::new("x/.git/hooks/pre-commit"), None), Some(Control::Hooks));
        assert_eq!(c.classify(Path::new("../repo/.git/config"), None), Some(Control::Configuration));
        assert_eq!(c.classify(Path::new("notes/config"), None), None);
    }
}
