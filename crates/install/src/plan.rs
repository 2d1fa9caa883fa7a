//! Plans: what installing or uninstalling changes, worked out in full before anything is
//! written, so that `--dry-run` prints exactly what a real run does.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::claude::{self, AgentCommands};
use crate::error::InstallError;
use crate::git::{Environment, RepoLocation};
use crate::record::{ConfigEntry, FileEntry, HookEntry, Record};
use crate::script::{self, CHAINED_SUFFIX, HOOK_NAMES};

/// Where hooks go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The repository around this folder: the folder git runs its hooks from.
    Repository(PathBuf),
    /// Every repository of the user, through the global `core.hooksPath`.
    Global,
    /// Every repository the user creates or clones from now on, through the global
    /// `init.templateDir`.
    GlobalTemplate,
}

/// What to install or uninstall.
#[derive(Debug, Clone)]
pub struct Request {
    pub scope: Scope,
    /// Also Claude Code's settings: the project's `.claude/settings.json`, or the
    /// user's `~/.claude/settings.json` for a global scope.
    pub claude: bool,
    /// The tollgate binary the hooks call (the one running the installation).
    pub binary: PathBuf,
}

/// One change to the file system or configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    CreateDir(PathBuf),
    /// A hook that was there is renamed; tollgate's hook runs it first.
    ChainHook {
        hook: PathBuf,
        chained: PathBuf,
    },
    WriteHook {
        path: PathBuf,
        content: String,
        update: bool,
    },
    SetConfig {
        file: PathBuf,
        key: String,
        value: String,
    },
    WriteFile {
        path: PathBuf,
        content: String,
    },
    RemoveHook(PathBuf),
    RestoreChained {
        chained: PathBuf,
        hook: PathBuf,
    },
    UnsetConfig {
        file: PathBuf,
        key: String,
    },
    /// Puts a file back as it was (`None`: it did not exist).
    RestoreFile {
        path: PathBuf,
        content: Option<String>,
    },
    RemoveRecord(PathBuf),
    /// Removes a folder tollgate created, if nothing else has been put in it since.
    RemoveDir(PathBuf),
}

impl Step {
    fn describe(&self, done: bool) -> String {
        let v = |now: &str, past: &str| if done { past.to_string() } else { now.to_string() };
        match self {
            Step::CreateDir(d) => format!("{} {}", v("create", "created"), d.display()),
            Step::ChainHook { hook, chained } => format!(
                "{} the existing {} as {} (it runs first, as before)",
                v("keep", "kept"),
                file_name(hook),
                file_name(chained)
            ),
            Step::WriteHook { .. } => unreachable!("grouped in Plan::describe"),
            Step::SetConfig { file, key, value } => {
                format!("{} {key} = {value} in {}", v("set", "set"), file.display())
            }
            Step::WriteFile { path, .. } => {
                format!("{} tollgate's agent hook into {}", v("merge", "merged"), path.display())
            }
            Step::RemoveHook(p) => format!("{} tollgate's {}", v("remove", "removed"), p.display()),
            Step::RestoreChained { chained, hook } => {
                format!("{} {} (kept as {})", v("put back", "put back"), hook.display(), file_name(chained))
            }
            Step::UnsetConfig { file, key } => format!("{} {key} in {}", v("unset", "unset"), file.display()),
            Step::RestoreFile { path, content: Some(_) } => {
                format!("{} {} as it was before", v("restore", "restored"), path.display())
            }
            Step::RestoreFile { path, content: None } => {
                format!("{} {} (it did not exist before)", v("remove", "removed"), path.display())
            }
            Step::RemoveRecord(p) => format!("{} the install record {}", v("remove", "removed"), p.display()),
            Step::RemoveDir(d) => format!("{} {} (tollgate created it)", v("remove", "removed"), d.display()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RecordChange {
    Unchanged,
    Write(Record),
}

/// The changes an installation or uninstallation makes, in order.
#[derive(Debug, Clone)]
pub struct Plan {
    env: Environment,
    action: &'static str,
    /// Where the hooks are (or were) installed.
    pub hooks_dir: PathBuf,
    pub steps: Vec<Step>,
    record_path: PathBuf,
    record: RecordChange,
    /// What the user should know beyond the changes (a hooks folder inside the working
    /// tree, repositories a global install does not reach, ...).
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether the plan changes nothing (already installed, or nothing to uninstall).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.record == RecordChange::Unchanged
    }

    /// A few lines saying what the plan does (`done`: after [`Plan::apply`], in the
    /// past tense; otherwise what it would do).
    pub fn describe(&self, done: bool) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str(&format!("tollgate {}: nothing to change in {}\n", self.action, self.hooks_dir.display()));
        } else {
            let head = if done { "" } else { " (dry run: nothing written)" };
            out.push_str(&format!("tollgate {}: {}{head}\n", self.action, self.hooks_dir.display()));
            let mut i = 0;
            while i < self.steps.len() {
                if let Step::WriteHook { path, update, .. } = &self.steps[i] {
                    // Consecutive hooks written to one folder make one line.
                    let mut names = vec![file_name(path)];
                    let mut j = i + 1;
                    while let Some(Step::WriteHook { path: p, update: u, .. }) = self.steps.get(j) {
                        if u != update || p.parent() != path.parent() {
                            break;
                        }
                        names.push(file_name(p));
                        j += 1;
                    }
                    let verb = match (update, done) {
                        (false, false) => "write",
                        (false, true) => "wrote",
                        (true, false) => "update",
                        (true, true) => "updated",
                    };
                    let dir = path.parent().unwrap_or(Path::new("")).display();
                    out.push_str(&format!("  {verb} tollgate's {} in {dir}\n", join_names(&names)));
                    i = j;
                    continue;
                }
                out.push_str(&format!("  {}\n", self.steps[i].describe(done)));
                i += 1;
            }
            if let RecordChange::Write(_) = self.record {
                let verb = if done { "recorded" } else { "record" };
                out.push_str(&format!(
                    "  {verb} what was there in {} (`tollgate uninstall` puts it back)\n",
                    self.record_path.display()
                ));
            }
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        out
    }

    /// Carries the plan out. Returns notes about what could not be undone entirely
    /// (a folder tollgate created that now holds other files).
    pub fn apply(self) -> Result<Vec<String>, InstallError> {
        let mut notes = Vec::new();
        let mut record = match self.record {
            RecordChange::Write(r) => Some(r),
            RecordChange::Unchanged => None,
        };
        for step in &self.steps {
            match step {
                Step::CreateDir(d) => match std::fs::create_dir(d) {
                    Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(InstallError::io(d, e)),
                    _ => {}
                },
                Step::ChainHook { hook, chained } => rename(hook, chained)?,
                Step::WriteHook { path, content, .. } => write_executable(path, content)?,
                Step::SetConfig { file, key, value } => {
                    let file_arg = file.to_str().ok_or_else(|| InstallError::NotUtf8(file.clone()))?;
                    self.env.run(&self.env.neutral_dir(), &["config", "--file", file_arg, key, value])?;
                    let after = read_text(file)?;
                    if let Some(entry) =
                        record.as_mut().and_then(|r| r.config.iter_mut().find(|c| &c.file == file && &c.key == key))
                    {
                        entry.after = after;
                    }
                }
                Step::WriteFile { path, content } => {
                    std::fs::write(path, content).map_err(|e| InstallError::io(path, e))?;
                }
                Step::RemoveHook(p) | Step::RemoveRecord(p) => remove_file(p)?,
                Step::RestoreChained { chained, hook } => rename(chained, hook)?,
                Step::UnsetConfig { file, key } => {
                    let file_arg = file.to_str().ok_or_else(|| InstallError::NotUtf8(file.clone()))?;
                    self.env.run(&self.env.neutral_dir(), &["config", "--file", file_arg, "--unset", key])?;
                }
                Step::RestoreFile { path, content: Some(c) } => {
                    std::fs::write(path, c).map_err(|e| InstallError::io(path, e))?;
                }
                Step::RestoreFile { path, content: None } => remove_file(path)?,
                Step::RemoveDir(d) => match std::fs::remove_dir(d) {
                    Ok(()) => {}
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => {
                        if std::fs::read_dir(d).is_ok_and(|mut entries| entries.next().is_some()) {
                            notes.push(format!("left {}: it holds files tollgate did not put there", d.display()));
                        } else {
                            return Err(InstallError::io(d, e));
                        }
                    }
                },
            }
        }
        if let Some(r) = record {
            std::fs::write(&self.record_path, r.to_json()).map_err(|e| InstallError::io(&self.record_path, e))?;
        }
        Ok(notes)
    }
}

/// Where one request puts things.
struct Context {
    hooks_dir: PathBuf,
    /// The hooks are in a global hooks folder tollgate set up: they also run each
    /// repository's own hook, which the folder shadows.
    chain_repo_hook: bool,
    record_path: PathBuf,
    /// A global configuration key to set.
    config: Option<(PathBuf, &'static str, String)>,
    claude_settings: Option<PathBuf>,
    claude_program: String,
    /// `core.hooksPath` comes from the global or system configuration: the folder is
    /// shared with other repositories.
    shared_from: Option<String>,
    notes: Vec<String>,
}

fn context(req: &Request, env: &Environment) -> Result<Context, InstallError> {
    let binary = req.binary.to_str().ok_or_else(|| InstallError::NotUtf8(req.binary.clone()))?;
    match &req.scope {
        Scope::Repository(dir) => {
            let loc = RepoLocation::find(dir, env)?;
            let mut notes = Vec::new();
            if loc.hooks_in_worktree() {
                let rel = loc.toplevel.as_ref().and_then(|t| loc.hooks_dir.strip_prefix(t).ok());
                notes.push(format!(
                    "core.hooksPath puts the hooks inside the working tree ({}): they are files of the project; \
                     commit them or ignore them{}",
                    rel.unwrap_or(&loc.hooks_dir).display(),
                    if loc.hooks_dir.ends_with(".husky/_") {
                        ". husky rewrites .husky/_ when it installs: calling tollgate from .husky/pre-commit \
                         (see the README) lasts longer"
                    } else {
                        ""
                    }
                ));
            }
            if req.claude && env.find_on_path("tollgate").is_none() {
                notes.push(
                    "`tollgate` is not on PATH: Claude Code runs it by name from .claude/settings.json, and denies \
                     every tool call it judges until it is"
                        .to_string(),
                );
            }
            let shared_from = loc
                .hooks_path
                .as_ref()
                .filter(|(scope, _)| scope == "global" || scope == "system")
                .map(|(scope, value)| format!("the {scope} core.hooksPath `{value}`"));
            Ok(Context {
                record_path: loc.common_dir.join("tollgate/install.json"),
                claude_settings: loc.toplevel.as_ref().map(|t| t.join(".claude/settings.json")),
                hooks_dir: loc.hooks_dir,
                chain_repo_hook: false,
                config: None,
                claude_program: "tollgate".to_string(),
                shared_from,
                notes,
            })
        }
        Scope::Global | Scope::GlobalTemplate => {
            let base = env.tollgate_config_dir()?;
            let key = if req.scope == Scope::Global { "core.hooksPath" } else { "init.templateDir" };
            let ours = base.join(if req.scope == Scope::Global { "hooks" } else { "template" });
            let current = env.config_get(&env.neutral_dir(), &["--global", "--type=path", "--get", key])?;
            let mut notes = Vec::new();
            let (dir, config, ours_in_use) = match current {
                None => (ours.clone(), Some((env.global_git_config()?, key, path_str(&ours)?)), true),
                Some(v) if Path::new(&v) == ours => (ours.clone(), None, true),
                Some(v) if Path::new(&v).is_relative() => {
                    return Err(InstallError::RelativeGlobalPath { key: key.to_string(), value: v })
                }
                Some(v) => {
                    notes.push(format!("{key} is already set globally to {v}: tollgate's hooks go there"));
                    (PathBuf::from(v), None, false)
                }
            };
            let hooks_dir = if req.scope == Scope::Global { dir } else { dir.join("hooks") };
            if req.scope == Scope::Global {
                notes.push(
                    "every repository runs these hooks (its own .git/hooks first), except repositories that set \
                     their own core.hooksPath (husky, ...): run `tollgate install` in those"
                        .to_string(),
                );
            } else {
                notes.push(
                    "repositories created or cloned from now on get these hooks; run `tollgate install` in \
                     existing ones"
                        .to_string(),
                );
            }
            Ok(Context {
                record_path: base.join("install.json"),
                hooks_dir,
                // A folder of the user's own already shadowed each repository's hooks
                // before tollgate came: running those now would change what runs.
                chain_repo_hook: req.scope == Scope::Global && ours_in_use,
                config,
                claude_settings: Some(env.home()?.join(".claude/settings.json")),
                claude_program: script::shell_quote(binary),
                shared_from: None,
                notes,
            })
        }
    }
}

/// What installing would change.
pub fn plan_install(req: &Request, env: &Environment) -> Result<Plan, InstallError> {
    let ctx = context(req, env)?;
    let old = Record::load(&ctx.record_path)?;
    let mut new = Record::default();
    let mut steps = Vec::new();
    for d in missing_dirs(&ctx.hooks_dir) {
        steps.push(Step::CreateDir(d.clone()));
        new.created_dirs.push(d);
    }
    for name in HOOK_NAMES {
        let path = ctx.hooks_dir.join(name);
        let chained = ctx.hooks_dir.join(format!("{name}{CHAINED_SUFFIX}"));
        let chained_exists = exists(&chained)?;
        match read_hook(&path)? {
            HookFile::Missing => {
                let content = script::render(name, &req.binary, ctx.chain_repo_hook)?;
                steps.push(Step::WriteHook { path: path.clone(), content, update: false });
                new.hooks.push(HookEntry { path, chained: chained_exists.then_some(chained) });
            }
            HookFile::Ours(text) => {
                // Never turn a global hook's chaining off by installing over it.
                let chain = ctx.chain_repo_hook || script::chains_repo_hook(&text);
                let content = script::render(name, &req.binary, chain)?;
                if content != text {
                    steps.push(Step::WriteHook { path: path.clone(), content, update: true });
                }
                new.hooks.push(HookEntry { path, chained: chained_exists.then_some(chained) });
            }
            HookFile::Foreign => {
                if chained_exists {
                    return Err(InstallError::ChainSlotTaken { hook: path, chained });
                }
                let content = script::render(name, &req.binary, ctx.chain_repo_hook)?;
                steps.push(Step::ChainHook { hook: path.clone(), chained: chained.clone() });
                steps.push(Step::WriteHook { path: path.clone(), content, update: false });
                new.hooks.push(HookEntry { path, chained: Some(chained) });
            }
        }
    }
    let mut notes = ctx.notes.clone();
    if let Some(from) = &ctx.shared_from {
        if !steps.is_empty() {
            return Err(InstallError::SharedHooksFolder { dir: ctx.hooks_dir.clone(), from: from.clone() });
        }
        // Already there, from a global installation: this repository's record must
        // not claim them, or uninstalling here would take them from every repository.
        new.hooks.clear();
        notes.push(format!("tollgate's hooks in {} (from {from}) already run here", ctx.hooks_dir.display()));
    }
    if let Some((file, key, value)) = &ctx.config {
        let before = read_text(file)?;
        steps.push(Step::SetConfig { file: file.clone(), key: key.to_string(), value: value.clone() });
        new.config.push(ConfigEntry {
            file: file.clone(),
            key: key.to_string(),
            value: value.clone(),
            before,
            after: None,
        });
    }
    if req.claude {
        let path = ctx.claude_settings.clone().ok_or(InstallError::BareRepositoryClaude)?;
        let current = read_text(&path)?;
        let commands = AgentCommands::new(&ctx.claude_program);
        if let Some(content) = claude::merge(&path, current.as_deref(), &commands)? {
            for d in missing_dirs(path.parent().unwrap_or(Path::new("/"))) {
                steps.push(Step::CreateDir(d.clone()));
                new.created_dirs.push(d);
            }
            steps.push(Step::WriteFile { path: path.clone(), content: content.clone() });
            new.files.push(FileEntry { path, before: current, after: content });
        }
    }
    let mut record = old.clone().unwrap_or_default();
    record.absorb(new);
    let record = if Some(&record) == old.as_ref() || record == Record::default() {
        RecordChange::Unchanged
    } else {
        for d in missing_dirs(ctx.record_path.parent().unwrap_or(Path::new("/"))) {
            if !record.created_dirs.contains(&d) {
                steps.push(Step::CreateDir(d.clone()));
                record.created_dirs.push(d);
            }
        }
        RecordChange::Write(record)
    };
    Ok(Plan {
        env: env.clone(),
        action: "install",
        hooks_dir: ctx.hooks_dir,
        steps,
        record_path: ctx.record_path,
        record,
        notes,
    })
}

/// What uninstalling would change: everything the record says, and any tollgate hook
/// in the hooks folder the record does not know (put there by a template, say).
pub fn plan_uninstall(req: &Request, env: &Environment) -> Result<Plan, InstallError> {
    let ctx = context(req, env)?;
    let record = Record::load(&ctx.record_path)?;
    let rec = record.clone().unwrap_or_default();
    let mut steps = Vec::new();
    let mut notes = Vec::new();

    let mut entries: Vec<(HookEntry, bool)> = rec.hooks.iter().map(|h| (h.clone(), true)).collect();
    if let Some(from) = &ctx.shared_from {
        notes.push(format!(
            "the hooks in {} come from {from} and serve other repositories: `tollgate uninstall --global` removes them",
            ctx.hooks_dir.display()
        ));
    }
    for name in HOOK_NAMES.iter().filter(|_| ctx.shared_from.is_none()) {
        let path = ctx.hooks_dir.join(name);
        if !entries.iter().any(|(e, _)| e.path == path) {
            let chained = ctx.hooks_dir.join(format!("{name}{CHAINED_SUFFIX}"));
            let chained = exists(&chained)?.then_some(chained);
            entries.push((HookEntry { path, chained }, false));
        }
    }
    for (entry, recorded) in entries {
        let chained = match &entry.chained {
            Some(c) if exists(c)? => Some(c.clone()),
            _ => None,
        };
        match read_hook(&entry.path)? {
            HookFile::Ours(_) => {
                steps.push(Step::RemoveHook(entry.path.clone()));
                if let Some(c) = chained {
                    steps.push(Step::RestoreChained { chained: c, hook: entry.path });
                }
            }
            HookFile::Missing => {
                if let Some(c) = chained {
                    steps.push(Step::RestoreChained { chained: c, hook: entry.path });
                }
            }
            HookFile::Foreign if recorded => {
                notes.push(format!("{} is no longer tollgate's hook: left as it is", entry.path.display()));
                if let Some(c) = chained {
                    notes.push(format!("{} (the hook tollgate chained) is left beside it", c.display()));
                }
            }
            HookFile::Foreign => {}
        }
    }

    for c in &rec.config {
        let current = read_text(&c.file)?;
        if current == c.after {
            steps.push(Step::RestoreFile { path: c.file.clone(), content: c.before.clone() });
            continue;
        }
        let file_arg = path_str(&c.file)?;
        let value = env.config_get(&env.neutral_dir(), &["--file", &file_arg, "--get", &c.key])?;
        if value.as_deref() == Some(c.value.as_str()) {
            steps.push(Step::UnsetConfig { file: c.file.clone(), key: c.key.clone() });
            notes.push(format!("{} changed since tollgate was installed: only {} is unset", c.file.display(), c.key));
        } else {
            notes.push(format!("{} in {} changed since tollgate set it: left as it is", c.key, c.file.display()));
        }
    }

    let mut settings: Vec<(PathBuf, Option<&FileEntry>)> =
        rec.files.iter().map(|f| (f.path.clone(), Some(f))).collect();
    if let Some(p) = ctx.claude_settings.as_ref().filter(|_| req.claude) {
        if !settings.iter().any(|(s, _)| s == p) {
            settings.push((p.clone(), None));
        }
    }
    for (path, entry) in settings {
        let current = read_text(&path)?;
        match (entry, current) {
            (Some(f), Some(cur)) if cur == f.after => steps.push(Step::RestoreFile { path, content: f.before.clone() }),
            (_, Some(cur)) => {
                if let Some(content) = claude::unmerge(&path, &cur)? {
                    steps.push(Step::WriteFile { path, content });
                }
            }
            (_, None) => {}
        }
    }

    if record.is_some() {
        steps.push(Step::RemoveRecord(ctx.record_path.clone()));
    }
    for d in rec.created_dirs.iter().rev() {
        if d.exists() {
            steps.push(Step::RemoveDir(d.clone()));
        }
    }
    Ok(Plan {
        env: env.clone(),
        action: "uninstall",
        hooks_dir: ctx.hooks_dir,
        steps,
        record_path: ctx.record_path,
        record: RecordChange::Unchanged,
        notes,
    })
}

enum HookFile {
    Missing,
    Ours(String),
    /// Anything else: another tool's hook, a symbolic link (even a dangling one).
    Foreign,
}

fn read_hook(path: &Path) -> Result<HookFile, InstallError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(HookFile::Missing),
        Err(e) => return Err(InstallError::io(path, e)),
    };
    if meta.is_dir() {
        return Err(InstallError::HookIsDirectory(path.to_path_buf()));
    }
    if meta.file_type().is_symlink() {
        return Ok(HookFile::Foreign);
    }
    let bytes = std::fs::read(path).map_err(|e| InstallError::io(path, e))?;
    if script::is_tollgate_hook(&bytes) {
        return Ok(HookFile::Ours(String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(HookFile::Foreign)
}

fn exists(path: &Path) -> Result<bool, InstallError> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(InstallError::io(path, e)),
    }
}

/// A text file's content; `None` when it does not exist.
pub(crate) fn read_text(path: &Path) -> Result<Option<String>, InstallError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| InstallError::NotUtf8(path.to_path_buf())),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(InstallError::io(path, e)),
    }
}

/// The folders from the first missing ancestor of `dir` down to `dir`.
fn missing_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = dir.ancestors().take_while(|d| !d.exists()).map(Path::to_path_buf).collect();
    out.reverse();
    out
}

fn rename(from: &Path, to: &Path) -> Result<(), InstallError> {
    std::fs::rename(from, to).map_err(|e| InstallError::io(from, e))
}

fn remove_file(path: &Path) -> Result<(), InstallError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(InstallError::io(path, e)),
        _ => Ok(()),
    }
}

/// Writes a hook through a temporary file, so git never runs half a script.
fn write_executable(path: &Path, content: &str) -> Result<(), InstallError> {
    let tmp = path.with_file_name(format!("{}.tollgate-new", file_name(path)));
    std::fs::write(&tmp, content).map_err(|e| InstallError::io(&tmp, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| InstallError::io(&tmp, e))?;
    }
    rename(&tmp, path)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn path_str(path: &Path) -> Result<String, InstallError> {
    path.to_str().map(str::to_string).ok_or_else(|| InstallError::NotUtf8(path.to_path_buf()))
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("{one} hook"),
        [init @ .., last] => format!("{} and {last} hooks", init.join(", ")),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
pub(crate) mod tests;
