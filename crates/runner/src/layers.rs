//! Which policy files are in force for a run, in the order they apply: the built-in
//! packs (embedded in the checks), the organisation's file, the repository's
//! `.tollgate.toml`, and `--config FILE`.
//!
//! A hook takes the repository's policy from what it judges: the index for a commit,
//! the pushed commit for a push. An untracked or unstaged `.tollgate.toml` that
//! allows everything must not switch the hooks off; what will be shared is what
//! decides.

use std::path::{Path, PathBuf};

use git2::Repository;
use tollgate_config::{LayerSource, Policy};

use crate::registry::{self, CheckEntry};
use crate::RunError;

/// The repository's policy file, at the repository root.
pub const REPOSITORY_POLICY: &str = ".tollgate.toml";

/// Where a run reads the repository's `.tollgate.toml` from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyOrigin {
    /// The working tree (scan, history, `policy` commands).
    WorkingTree,
    /// The index: what the commit being made will hold (pre-commit, commit-msg).
    Index,
    /// A commit's tree (pre-push: the pushed tip).
    Commit(git2::Oid),
}

/// The text of the repository's policy file as `origin` has it (`None`: there is none).
pub fn repository_policy_text(repo: &Repository, origin: PolicyOrigin) -> Result<Option<String>, RunError> {
    let blob = match origin {
        PolicyOrigin::WorkingTree => {
            let Some(root) = repo.workdir() else { return Ok(None) };
            let file = root.join(REPOSITORY_POLICY);
            if !file.is_file() {
                return Ok(None);
            }
            let text = std::fs::read_to_string(&file)
                .map_err(|source| RunError::Read { what: file.display().to_string(), source })?;
            return Ok(Some(text));
        }
        PolicyOrigin::Index => {
            // The index git will commit (`git commit -a` has its own).
            // One lookup in the mapped index; forms that reader does not handle (a
            // split index): git's own answer.
            let staged = match tollgate_core::source::staged::staged_blob(repo, REPOSITORY_POLICY) {
                Ok(found) => found,
                Err(_) => staged_blob_by_git(repo)?,
            };
            match staged {
                Some(id) => id,
                None => return Ok(None),
            }
        }
        PolicyOrigin::Commit(id) => {
            let tree = repo
                .find_commit(id)
                .and_then(|c| c.tree())
                .map_err(|e| RunError::Source(anyhow::anyhow!("cannot read commit {id}: {e}")))?;
            match tree.get_path(Path::new(REPOSITORY_POLICY)) {
                Ok(entry) => entry.id(),
                Err(_) => return Ok(None),
            }
        }
    };
    let blob = repo
        .find_blob(blob)
        .map_err(|e| RunError::Source(anyhow::anyhow!("cannot read {REPOSITORY_POLICY} ({blob}): {e}")))?;
    Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
}

/// The staged policy file's blob, as `git rev-parse :.tollgate.toml` finds it.
fn staged_blob_by_git(repo: &Repository) -> Result<Option<git2::Oid>, RunError> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "-q"])
        .arg(format!(":{REPOSITORY_POLICY}"))
        .env("GIT_DIR", repo.path())
        .current_dir(repo.workdir().unwrap_or_else(|| repo.path()))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|source| RunError::Read { what: "the index (git rev-parse)".into(), source })?;
    if !output.status.success() {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    git2::Oid::from_str(text.trim())
        .map(Some)
        .map_err(|e| RunError::Source(anyhow::anyhow!("git rev-parse gave `{}`: {e}", text.trim())))
}

/// How a policy file is named in messages when it is not read from the working tree.
pub fn origin_name(origin: PolicyOrigin) -> String {
    match origin {
        // The staged file is normally the one on disk: named plainly, as editors open it.
        PolicyOrigin::WorkingTree | PolicyOrigin::Index => REPOSITORY_POLICY.to_string(),
        PolicyOrigin::Commit(id) => format!("{REPOSITORY_POLICY} (in {:.12})", id.to_string()),
    }
}

/// As [`load_policy`], with the repository's layer read from `origin`.
pub fn load_policy_from(
    registry: &[CheckEntry],
    repo: Option<&Repository>,
    explicit: Option<&Path>,
    origin: PolicyOrigin,
) -> Result<Policy, RunError> {
    if origin == PolicyOrigin::WorkingTree {
        return load_policy(registry, repo, explicit);
    }
    let mut texts = Vec::new();
    let mut errors = tollgate_config::ConfigErrors::default();
    for layer in policy_layers(repo, explicit) {
        let text = match &layer {
            LayerSource::Repository(_) => continue,
            other => match std::fs::read_to_string(other.path()) {
                Ok(text) => text,
                Err(e) => {
                    errors.push(tollgate_config::ConfigError::io(other.path(), &e));
                    continue;
                }
            },
        };
        texts.push((layer, text));
    }
    if let Some(repo) = repo {
        if let Some(text) = repository_policy_text(repo, origin)? {
            // The repository layer applies after the organisation's, before the others.
            let at = texts.iter().take_while(|(l, _)| matches!(l, LayerSource::Organisation(_))).count();
            texts.insert(at, (LayerSource::Repository(PathBuf::from(origin_name(origin))), text));
        }
    }
    let sections = registry::sections(registry);
    let (policy, more) = Policy::from_texts_partial(texts, &sections);
    errors.extend(more);
    finish(registry, policy, errors)
}

/// The policy layers in force, in order: organisation, repository, personal, command line.
pub fn policy_layers(repo: Option<&Repository>, explicit: Option<&Path>) -> Vec<LayerSource> {
    let mut layers = Vec::new();
    let org = match std::env::var_os("TOLLGATE_POLICY").filter(|v| !v.is_empty()) {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            let config = match repo {
                Some(r) => r.config(),
                None => git2::Config::open_default(),
            };
            config.ok().and_then(|c| c.get_path("tollgate.policy").ok())
        }
    };
    if let Some(p) = org {
        layers.push(LayerSource::Organisation(p));
    }
    if let Some(root) = repo.and_then(|r| r.workdir()) {
        let file = root.join(".tollgate.toml");
        if file.is_file() {
            layers.push(LayerSource::Repository(file));
        }
    }
    // A personal layer under the git directory: never committed, applies to this clone.
    if let Some(repo) = repo {
        let file = repo.commondir().join("tollgate").join("policy.toml");
        if file.is_file() {
            layers.push(LayerSource::Personal(file));
        }
    }
    if let Some(p) = explicit {
        layers.push(LayerSource::CommandLine(p.to_path_buf()));
    }
    layers
}

/// Loads and layers the policy, with a section for each check of `registry`. When a
/// file has errors, each check's section is validated too, so one run names every
/// mistake of the policy, in file order.
pub fn load_policy(
    registry: &[CheckEntry],
    repo: Option<&Repository>,
    explicit: Option<&Path>,
) -> Result<Policy, RunError> {
    let sections = registry::sections(registry);
    let (policy, errors) = Policy::load_partial(policy_layers(repo, explicit), &sections);
    finish(registry, policy, errors)
}

/// The policy when it has no errors; else every error, with each check's own.
fn finish(
    registry: &[CheckEntry],
    policy: Policy,
    mut errors: tollgate_config::ConfigErrors,
) -> Result<Policy, RunError> {
    if errors.is_empty() {
        return Ok(policy);
    }
    for entry in registry {
        if let Err(more) = (entry.check_config)(&policy) {
            errors.extend(more);
        }
    }
    errors.sort();
    Err(RunError::Policy(errors))
}
