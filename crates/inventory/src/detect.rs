//! Which AI coding assistants a repository is set up for, told by the files each
//! assistant reads. A file is matched by its path alone (at any depth, ignoring case, as
//! a case-insensitive file system would open it): an assistant started in a sub-folder
//! reads that folder's files too.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// An assistant that keeps configuration in a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssistantKind {
    ClaudeCode,
    /// `AGENTS.md`: instructions shared by Codex, Cursor, Copilot and others, so it
    /// stands for no single assistant.
    AgentsMd,
    Codex,
    Cursor,
    Copilot,
    Windsurf,
    GeminiCli,
    Aider,
    Continue,
    Cline,
    Roo,
}

impl AssistantKind {
    /// Stable identifier (JSON, `bom-ref`s).
    pub fn id(self) -> &'static str {
        match self {
            AssistantKind::ClaudeCode => "claude-code",
            AssistantKind::AgentsMd => "agents-md",
            AssistantKind::Codex => "codex",
            AssistantKind::Cursor => "cursor",
            AssistantKind::Copilot => "copilot",
            AssistantKind::Windsurf => "windsurf",
            AssistantKind::GeminiCli => "gemini-cli",
            AssistantKind::Aider => "aider",
            AssistantKind::Continue => "continue",
            AssistantKind::Cline => "cline",
            AssistantKind::Roo => "roo",
        }
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            AssistantKind::ClaudeCode => "Claude Code",
            AssistantKind::AgentsMd => "AGENTS.md",
            AssistantKind::Codex => "OpenAI Codex",
            AssistantKind::Cursor => "Cursor",
            AssistantKind::Copilot => "GitHub Copilot",
            AssistantKind::Windsurf => "Windsurf",
            AssistantKind::GeminiCli => "Gemini CLI",
            AssistantKind::Aider => "Aider",
            AssistantKind::Continue => "Continue",
            AssistantKind::Cline => "Cline",
            AssistantKind::Roo => "Roo Code",
        }
    }
}

/// The assistant whose configuration `path` (relative, `/` or `\` separated) is, if
/// any. `.vscode/settings.json` is not here: it is VS Code's own file, and counts for
/// Copilot only when it declares MCP servers (the caller decides that).
pub fn assistant_of(path: &str) -> Option<AssistantKind> {
    use AssistantKind::*;
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let (&file, dirs) = parts.split_last()?;
    let parent = dirs.last().copied().unwrap_or("");
    let in_dir = |name: &str| dirs.contains(&name);
    // A folder named like a rules file (`.clinerules/`) holds that assistant's rules.
    let named = |name: &str| file == name || in_dir(name);
    let under_github = |sub: &str| dirs.windows(2).any(|w| w[0] == ".github" && w[1] == sub);

    let kind = if matches!(file, "claude.md" | "claude.local.md" | ".mcp.json") || in_dir(".claude") {
        ClaudeCode
    } else if file == "agents.md" {
        AgentsMd
    } else if in_dir(".codex") {
        Codex
    } else if matches!(file, ".cursorrules" | ".cursorignore") || in_dir(".cursor") {
        Cursor
    } else if (parent == ".github" && file == "copilot-instructions.md")
        || under_github("instructions")
        || under_github("prompts")
        || under_github("chatmodes")
        || (parent == ".vscode" && file == "mcp.json")
    {
        Copilot
    } else if named(".windsurfrules") || in_dir(".windsurf") {
        Windsurf
    } else if file == "gemini.md" || in_dir(".gemini") {
        GeminiCli
    } else if matches!(file, ".aider.conf.yml" | ".aider.conf.yaml" | ".aiderignore") {
        Aider
    } else if file == ".continuerc.json" || in_dir(".continue") {
        Continue
    } else if named(".clinerules") {
        Cline
    } else if file == ".roomodes" || in_dir(".roo") {
        Roo
    } else {
        return None;
    };
    Some(kind)
}

/// Every file under `root` worth reading for an inventory: what [`assistant_of`]
/// recognises, and `.vscode/settings.json`. Honours `.gitignore` (a personal, ignored
/// file is no part of the repository's set-up) and never enters `.git`. Sorted, as
/// `(path relative to root with '/', absolute path)`.
pub fn candidate_files(root: &Path) -> Result<Vec<(String, PathBuf)>, ignore::Error> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = entry?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else { continue };
        let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let rel = rel.join("/");
        if assistant_of(&rel).is_some() || is_vscode_settings(&rel) {
            out.push((rel, entry.path().to_path_buf()));
        }
    }
    out.sort();
    Ok(out)
}

/// VS Code's workspace settings, which may declare MCP servers for Copilot.
pub fn is_vscode_settings(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower == ".vscode/settings.json" || lower.ends_with("/.vscode/settings.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssistantKind::*;

    #[test]
    fn each_assistant_is_told_by_its_files() {
        let cases = [
            ("CLAUDE.md", Some(ClaudeCode)),
            ("docs/api/CLAUDE.md", Some(ClaudeCode)),
            (".claude/commands/review.md", Some(ClaudeCode)),
            (".mcp.json", Some(ClaudeCode)),
            ("AGENTS.md", Some(AgentsMd)),
            (".codex/config.toml", Some(Codex)),
            (".cursor/rules/style.mdc", Some(Cursor)),
            (".cursorrules", Some(Cursor)),
            (".github/copilot-instructions.md", Some(Copilot)),
            (".github/instructions/rust.instructions.md", Some(Copilot)),
            (".vscode/mcp.json", Some(Copilot)),
            (".windsurfrules", Some(Windsurf)),
            (".windsurf/rules/a.md", Some(Windsurf)),
            ("GEMINI.md", Some(GeminiCli)),
            (".gemini/settings.json", Some(GeminiCli)),
            (".aider.conf.yml", Some(Aider)),
            (".continue/config.yaml", Some(Continue)),
            (".clinerules", Some(Cline)),
            (".clinerules/testing.md", Some(Cline)),
            (".roo/mcp.json", Some(Roo)),
            (".roomodes", Some(Roo)),
        ];
        for (path, want) in cases {
            assert_eq!(assistant_of(path), want, "{path}");
        }
    }

    #[test]
    fn other_files_are_not_configuration() {
        for path in ["README.md", ".github/workflows/ci.yml", ".vscode/settings.json", "src/claude.rs", "agents.md.bak"]
        {
            assert_eq!(assistant_of(path), None, "{path}");
        }
    }

    #[test]
    fn the_walk_honours_gitignore_and_skips_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["CLAUDE.md", ".claude/settings.local.json", ".git/CLAUDE.md", "src/main.rs", ".vscode/settings.json"]
        {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "{}").unwrap();
        }
        std::fs::write(root.join(".gitignore"), ".claude/settings.local.json\n").unwrap();
        let found: Vec<String> = candidate_files(root).unwrap().into_iter().map(|(r, _)| r).collect();
        assert_eq!(found, vec![".vscode/settings.json", "CLAUDE.md"]);
    }
}
