//! tollgate's inventory of AI coding assistants in a repository: which assistants it is
//! set up for and the files that say so, the MCP servers and models their configuration
//! names, the hooks they run, and the commits they helped write — as a report, JSON, or
//! a CycloneDX 1.6 AI bill of materials ([`cyclonedx`]).
//!
//! Security teams cannot govern what they cannot see; this only looks, it judges
//! nothing but whether the policy's MCP allowlist admits each server.
//!
//! ```no_run
//! let allow = tollgate_policy::ai_config::McpAllowlist::default();
//! let inventory = tollgate_inventory::gather(std::path::Path::new("."), None, "HEAD", &allow).unwrap();
//! print!("{}", tollgate_inventory::render::human(&inventory));
//! ```

pub mod commits;
pub mod configs;
pub mod cyclonedx;
pub mod detect;
pub mod render;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::Repository;
use serde::Serialize;
use tollgate_policy::ai_config::McpAllowlist;

pub use commits::{CommitStats, LineShare};
pub use configs::{HookEntry, McpServerEntry, ModelEntry, Problem};
pub use detect::AssistantKind;

/// Files larger than this are not configuration; they are named as a problem, unread.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Why an inventory could not be made.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot walk {}: {source}", path.display())]
    Walk { path: PathBuf, source: ignore::Error },
    #[error("bad revision range `{range}`: {}", source.message())]
    Revision { range: String, source: git2::Error },
    #[error("git error {what}: {}", source.message())]
    Git { what: String, source: git2::Error },
}

/// An assistant the repository is set up for, and the files that say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assistant {
    pub id: AssistantKind,
    pub name: &'static str,
    pub files: Vec<String>,
}

/// Everything found, in a stable order (assistants by kind, the rest by file then name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inventory {
    pub assistants: Vec<Assistant>,
    pub mcp_servers: Vec<McpServerEntry>,
    /// Whether the policy has an MCP allowlist (else every `allowed` is null).
    pub mcp_allowlist: bool,
    pub models: Vec<ModelEntry>,
    pub hooks: Vec<HookEntry>,
    /// Some hook runs `tollgate agent-hook`.
    pub tollgate_agent_hook: bool,
    /// `None` outside a git repository.
    pub commits: Option<CommitStats>,
    /// Configuration files that could not be read.
    pub problems: Vec<Problem>,
}

/// The inventory of the files under `root`, and of `range`'s commits when `repo` is
/// given (commits and the audit log come from there; files from `root`).
pub fn gather(
    root: &Path,
    repo: Option<&Repository>,
    range: &str,
    allow: &McpAllowlist,
) -> Result<Inventory, InventoryError> {
    let files =
        detect::candidate_files(root).map_err(|source| InventoryError::Walk { path: root.to_path_buf(), source })?;
    let mut by_kind: BTreeMap<AssistantKind, Vec<String>> = BTreeMap::new();
    let mut inventory = Inventory {
        assistants: Vec::new(),
        mcp_servers: Vec::new(),
        mcp_allowlist: !allow.is_empty(),
        models: Vec::new(),
        hooks: Vec::new(),
        tollgate_agent_hook: false,
        commits: None,
        problems: Vec::new(),
    };
    for (rel, abs) in files {
        let vscode_settings = detect::is_vscode_settings(&rel);
        let Some(kind) = detect::assistant_of(&rel).or(vscode_settings.then_some(AssistantKind::Copilot)) else {
            continue;
        };
        let size = std::fs::metadata(&abs).map_err(|source| InventoryError::Io { path: abs.clone(), source })?.len();
        let declared = if size > MAX_CONFIG_BYTES {
            Err(Problem {
                file: rel.clone(),
                line: 1,
                column: 1,
                message: format!("{size} bytes: too large to be configuration, not read"),
            })
        } else {
            let text = std::fs::read(&abs).map_err(|source| InventoryError::Io { path: abs.clone(), source })?;
            configs::read(&rel, kind, &text, allow)
        };
        match declared {
            Ok(d) => {
                // VS Code's settings say nothing about Copilot unless they declare servers.
                if vscode_settings && d.servers.is_empty() {
                    continue;
                }
                inventory.mcp_servers.extend(d.servers);
                inventory.models.extend(d.models);
                inventory.hooks.extend(d.hooks);
            }
            Err(p) => {
                inventory.problems.push(p);
                // A broken VS Code settings file is no sign of Copilot.
                if vscode_settings {
                    continue;
                }
            }
        }
        by_kind.entry(kind).or_default().push(rel);
    }
    inventory.assistants =
        by_kind.into_iter().map(|(id, files)| Assistant { id, name: id.display_name(), files }).collect();
    inventory.mcp_servers.sort_by(|a, b| (&a.file, &a.name).cmp(&(&b.file, &b.name)));
    inventory.models.sort_by(|a, b| (&a.file, &a.setting, &a.name).cmp(&(&b.file, &b.setting, &b.name)));
    inventory.models.dedup();
    // Stable: a file's hooks keep their order within an event.
    inventory.hooks.sort_by(|a, b| (&a.file, &a.event).cmp(&(&b.file, &b.event)));
    inventory.problems.sort();
    inventory.tollgate_agent_hook = inventory.hooks.iter().any(|h| h.tollgate);
    if let Some(repo) = repo {
        inventory.commits = Some(commits::commit_stats(repo, range)?);
    }
    Ok(inventory)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    #[test]
    fn files_are_grouped_by_assistant_and_declarations_collected() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("CLAUDE.md", "# notes\n"),
                (".cursor/mcp.json", r#"{"mcpServers": {"z": {"url": "https://z.example.com/mcp"}}}"#),
                (".cursorrules", "be brief\n"),
                (".vscode/settings.json", r#"{"editor.tabSize": 4}"#),
                (".gemini/settings.json", r#"{"model": {"name": "gemini-2.5-pro"}, "mcpServers": ["#),
            ],
        );
        let inv = gather(dir.path(), None, "HEAD", &McpAllowlist::default()).unwrap();
        let kinds: Vec<_> = inv.assistants.iter().map(|a| (a.id.id(), a.files.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                ("claude-code", vec!["CLAUDE.md".to_string()]),
                ("cursor", vec![".cursor/mcp.json".to_string(), ".cursorrules".to_string()]),
                ("gemini-cli", vec![".gemini/settings.json".to_string()]),
            ]
        );
        assert_eq!(inv.mcp_servers.len(), 1);
        assert_eq!(inv.mcp_servers[0].transport, "http");
        assert_eq!(inv.problems.len(), 1, "the broken Gemini file is named, the rest goes on");
        assert_eq!(inv.problems[0].file, ".gemini/settings.json");
        assert!(inv.commits.is_none());
        assert!(!inv.tollgate_agent_hook);
    }

    #[test]
    fn vscode_settings_count_for_copilot_only_with_servers() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[(
                ".vscode/settings.json",
                r#"{"mcp": {"servers": {"pg": {"command": "uvx", "args": ["pg-mcp==1.0"]}}}}"#,
            )],
        );
        let inv = gather(dir.path(), None, "HEAD", &McpAllowlist::default()).unwrap();
        assert_eq!(inv.assistants.len(), 1);
        assert_eq!((inv.assistants[0].id, inv.mcp_servers[0].pinned), (AssistantKind::Copilot, Some(true)));

        write(dir.path(), &[(".vscode/settings.json", "{ broken")]);
        let inv = gather(dir.path(), None, "HEAD", &McpAllowlist::default()).unwrap();
        assert!(inv.assistants.is_empty());
        assert_eq!(inv.problems.len(), 1);
    }
}
