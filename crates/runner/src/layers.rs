//! Which policy files are in force for a run, in the order they apply: the built-in
//! packs (embedded in the checks), the organisation's file, the repository's
//! `.tollgate.toml`, and `--config FILE`.

use std::path::{Path, PathBuf};

use git2::Repository;
use tollgate_config::{LayerSource, Policy};

use crate::registry::{self, CheckEntry};
use crate::RunError;

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
    let (policy, mut errors) = Policy::load_partial(policy_layers(repo, explicit), &sections);
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
