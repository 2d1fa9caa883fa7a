use std::path::PathBuf;

/// Why an installation, an uninstallation or an inspection could not go ahead. Each
/// names the file concerned and, where the user can fix it, how.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("cannot run git (is it installed and on PATH?): {0}")]
    GitMissing(#[source] std::io::Error),
    #[error("`git {args}` failed in {dir}: {stderr}")]
    Git { dir: PathBuf, args: String, stderr: String },
    #[error("{0} is not inside a git repository (run in one, pass --repo DIR, or use --global)")]
    NotARepository(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is a directory where git expects a hook file")]
    HookIsDirectory(PathBuf),
    #[error(
        "{hook} is not tollgate's hook, and {chained} (where tollgate keeps the hook it chains) already exists: \
         move one of them out of the way, then install again"
    )]
    ChainSlotTaken { hook: PathBuf, chained: PathBuf },
    #[error(
        "the global {key} `{value}` is relative (a folder inside each repository), so there is no one \
         folder to install into: run `tollgate install` in each repository instead"
    )]
    RelativeGlobalPath { key: String, value: String },
    #[error(
        "git runs this repository's hooks from {dir}, set by {from} and shared with other repositories: \
         install there with `tollgate install --global`, or give this repository its own hooks folder \
         (git config core.hooksPath .githooks) first"
    )]
    SharedHooksFolder { dir: PathBuf, from: String },
    #[error("a bare repository has no working tree for .claude/settings.json: use --global --claude for ~/.claude")]
    BareRepositoryClaude,
    #[error("{path}:{line}:{column}: {message}")]
    Settings { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{path}: unreadable install record ({message}); move it away to start afresh")]
    Record { path: PathBuf, message: String },
    #[error("{0}: not UTF-8 text, which tollgate does not rewrite")]
    NotUtf8(PathBuf),
    #[error("no home directory: HOME is not set")]
    NoHome,
}

impl InstallError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> InstallError {
        InstallError::Io { path: path.into(), source }
    }
}
