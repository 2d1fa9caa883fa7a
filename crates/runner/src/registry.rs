//! The one list of checks. A check is one crate, one row here and a one-line `main`
//! (`src/bin/tollgate-<name>.rs`); the umbrella `tollgate`, `doctor`, the policy
//! loader's sections and `.pre-commit-hooks.yaml` all follow this list (a test fails
//! when they disagree).

use tollgate_config::{ConfigErrors, Policy, RuleInfo};
use tollgate_core::{Check, Workload};

/// Why a check could not be prepared (its policy section or rules are invalid).
pub type BuildError = Box<dyn std::error::Error + Send + Sync>;

/// Prepares a check for a policy and a workload.
pub type BuildCheck = fn(&Policy, Workload) -> Result<Box<dyn Check>, BuildError>;

/// Validates a check's own policy section (every error, located).
pub type CheckConfig = fn(&Policy) -> Result<(), ConfigErrors>;

/// Every rule of a check under a policy, for `tollgate policy show`.
pub type DescribeRules = fn(&Policy) -> Result<Vec<RuleInfo>, ConfigErrors>;

/// Runs every rule of a check on its own examples; returns what failed.
pub type SelfTest = fn(&Policy) -> Result<Vec<String>, ConfigErrors>;

/// One row of the registry.
#[derive(Clone, Copy)]
pub struct CheckEntry {
    /// The name reports use, and the policy section the check owns (`[secrets]`).
    pub name: &'static str,
    /// The hook binary that runs it alone.
    pub binary: &'static str,
    /// One line for `--help` and `doctor`.
    pub about: &'static str,
    /// Prepares the check for a policy and a workload.
    pub build: BuildCheck,
    /// Validates its policy section without preparing the check.
    pub check_config: CheckConfig,
    /// Lists its rules as the policy has them.
    pub describe: DescribeRules,
    /// Runs its rules' examples.
    pub self_test: SelfTest,
}

impl std::fmt::Debug for CheckEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckEntry").field("name", &self.name).field("binary", &self.binary).finish()
    }
}

/// Every check tollgate has.
pub const REGISTRY: &[CheckEntry] = &[CheckEntry {
    name: "secrets",
    binary: "tollgate-secrets",
    about: "Stops hardcoded credentials before they leave the machine",
    build: |policy, workload| Ok(Box::new(tollgate_secrets::SecretsCheck::for_workload(policy, workload)?)),
    check_config: |policy| tollgate_secrets::SecretsConfig::from_policy(policy).map(|_| ()),
    describe: tollgate_secrets::config::describe,
    self_test: tollgate_secrets::config::self_test,
}, CheckEntry {
    name: "policy",
    binary: "tollgate-policy",
    about: "Stops forbidden files, oversized files, hidden text, unreviewed changes and risky AI assistant configuration",
    build: |policy, workload| Ok(Box::new(tollgate_policy::PolicyCheck::for_workload(policy, workload)?)),
    check_config: |policy| tollgate_policy::PolicyConfig::from_policy(policy).map(|_| ()),
    describe: tollgate_policy::config::describe,
    self_test: tollgate_policy::config::self_test,
}, CheckEntry {
    name: "deps",
    binary: "tollgate-deps",
    about: "Stops vulnerable, malicious, typosquatted and unapproved dependencies, offline, per change",
    build: |policy, _| Ok(Box::new(tollgate_deps::DepsCheck::new(policy)?)),
    check_config: |policy| tollgate_deps::DepsConfig::from_policy(policy).map(|_| ()),
    describe: tollgate_deps::config::describe,
    self_test: tollgate_deps::config::self_test,
}];

/// The policy sections a registry's checks own.
pub fn sections(registry: &[CheckEntry]) -> Vec<&'static str> {
    registry.iter().map(|c| c.name).collect()
}

/// The entry named `name`.
pub fn find(registry: &[CheckEntry], name: &str) -> Option<CheckEntry> {
    registry.iter().find(|c| c.name == name).copied()
}

/// Which checks a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The umbrella `tollgate`: every check the policy enables.
    All,
    /// A `tollgate-<name>` binary: that check alone, when the policy enables it.
    Only(&'static str),
}
