/// Why a run could not judge: each is exit 2, never a silent pass.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The policy files do not load (every error, each with file:line:column).
    #[error("{0}")]
    Policy(#[from] tollgate_config::ConfigErrors),
    /// A check cannot be prepared from the policy.
    #[error("the {check} check cannot be prepared: {source}")]
    Check { check: &'static str, source: crate::registry::BuildError },
    /// The mode needs a repository and there is none (or it cannot be opened).
    #[error("{mode} must run inside a git repository: {source}")]
    NoRepository { mode: &'static str, source: git2::Error },
    /// A file or input that had to be read could not be.
    #[error("cannot read {what}: {source}")]
    Read { what: String, source: std::io::Error },
    /// Something the user passed is not usable (a FILE that is not staged, say).
    #[error("{0}")]
    Usage(String),
    /// A source could not read what it had to judge (an object, a ref, a tree).
    #[error("{0:#}")]
    Source(#[from] anyhow::Error),
    /// A baseline file that cannot be read or written.
    #[error("{0}")]
    Baseline(String),
}
