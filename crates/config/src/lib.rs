//! tollgate's policy loader: the TOML schema of rule packs and `.tollgate.toml`, the
//! layering of built-in, organisation, repository and command-line files, and
//! validation that names the file, line and column of whatever is wrong.
//!
//! Unknown keys are errors, not ignored: a typo in a security policy must never turn
//! a check off silently.
//!
//! ```
//! let policy = tollgate_config::PolicyFile::parse(
//!     ".tollgate.toml",
//!     "[settings]\ninline_allow = false\n",
//! ).unwrap();
//! assert_eq!(policy.settings.inline_allow, Some(false));
//! ```

mod date;
mod error;
mod schema;

pub use date::{today, Date};
pub use error::PolicyError;
pub use schema::{AllowEntry, PolicyFile, RuleDef, RulePack, SecretsSection, Settings, Severity, Spanned};

use std::path::{Path, PathBuf};

/// Defaults applied when no layer sets a value.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;
/// Lines longer than this are skipped with a warning (minified bundles, data blobs).
pub const DEFAULT_MAX_LINE_BYTES: usize = 256 * 1024;

/// Where a policy layer came from, in the order layers apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerSource {
    /// `git config tollgate.policy` or `TOLLGATE_POLICY`: an organisation's shared file.
    Organisation(PathBuf),
    /// `.tollgate.toml` at the repository root.
    Repository(PathBuf),
    /// `--config FILE` on the command line.
    CommandLine(PathBuf),
}

impl LayerSource {
    pub fn path(&self) -> &Path {
        match self {
            LayerSource::Organisation(p) | LayerSource::Repository(p) | LayerSource::CommandLine(p) => p,
        }
    }
}

/// The policy in force: every layer merged, later layers overriding earlier ones.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The files that were read, in the order they applied.
    pub layers: Vec<LayerSource>,
    pub inline_allow: bool,
    pub max_file_bytes: u64,
    pub max_line_bytes: usize,
    /// A baseline file named by the policy, relative to the repository root.
    pub baseline: Option<PathBuf>,
    /// Whether hook runs append to the audit log under the git directory.
    pub audit_log: bool,
    /// Allowlist entries that are still in force (expired ones are dropped).
    pub allow: Vec<AllowEntry>,
    /// Allowlist entries whose expiry date has passed, kept so reports can say so.
    pub expired_allow: Vec<AllowEntry>,
    /// Secret rule ids switched off.
    pub disabled_secret_rules: Vec<String>,
    /// Secret rules added or overriding built-in ones (by id).
    pub secret_rules: Vec<RuleDef>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            layers: Vec::new(),
            inline_allow: true,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            baseline: None,
            audit_log: true,
            allow: Vec::new(),
            expired_allow: Vec::new(),
            disabled_secret_rules: Vec::new(),
            secret_rules: Vec::new(),
        }
    }
}

impl Policy {
    /// Reads and merges the given layers in order. A missing file is an error: callers
    /// pass only files that exist or were named explicitly.
    pub fn load(layers: Vec<LayerSource>) -> Result<Policy, PolicyError> {
        let mut policy = Policy::default();
        let today = today();
        for layer in &layers {
            let path = layer.path();
            let text = std::fs::read_to_string(path).map_err(|e| PolicyError::io(path, &e))?;
            let mut file = PolicyFile::parse(&path.display().to_string(), &text)?;
            for entry in &mut file.allow {
                entry.source = path.display().to_string();
            }
            policy.apply(file, today);
        }
        policy.layers = layers;
        Ok(policy)
    }

    /// Whether a check runs under the umbrella `tollgate`.
    pub fn check_enabled(&self, _name: &str) -> bool {
        true
    }

    /// Merges one parsed file on top of this policy.
    pub fn apply(&mut self, file: PolicyFile, today: Date) {
        let s = file.settings;
        if let Some(v) = s.inline_allow {
            self.inline_allow = v;
        }
        if let Some(v) = s.max_file_bytes {
            self.max_file_bytes = v;
        }
        if let Some(v) = s.max_line_bytes {
            self.max_line_bytes = v;
        }
        if let Some(v) = s.baseline {
            self.baseline = Some(PathBuf::from(v));
        }
        if let Some(v) = s.audit_log {
            self.audit_log = v;
        }
        for entry in file.allow {
            match entry.expires {
                Some(d) if d < today => self.expired_allow.push(entry),
                _ => self.allow.push(entry),
            }
        }
        self.disabled_secret_rules.extend(file.secrets.disable);
        for rule in file.secrets.rule {
            self.secret_rules.retain(|r| r.id.get_ref() != rule.id.get_ref());
            self.secret_rules.push(rule);
        }
    }
}
