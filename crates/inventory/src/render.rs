//! The inventory for people (`human`) and for machines (`json`).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::Inventory;

/// The inventory as pretty JSON (the struct's own shape; see README).
pub fn json(inventory: &Inventory) -> String {
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string_pretty(inventory).unwrap_or_default() + "\n"
}

/// A report for a terminal.
pub fn human(inv: &Inventory) -> String {
    let mut s = String::new();
    if inv.assistants.is_empty() {
        s.push_str("AI assistants: none configured\n");
    } else {
        s.push_str("AI assistants\n");
        let width = inv.assistants.iter().map(|a| a.name.len()).max().unwrap_or(0);
        for a in &inv.assistants {
            let _ = writeln!(s, "  {:width$}  {}", a.name, a.files.join(", "));
        }
    }
    if !inv.mcp_servers.is_empty() {
        s.push_str("\nMCP servers\n");
        for m in &inv.mcp_servers {
            let what = match (&m.url, &m.command) {
                (Some(url), _) => url.clone(),
                (None, Some(cmd)) => match &m.package {
                    Some(p) => format!("{cmd} {p}"),
                    None => cmd.clone(),
                },
                (None, None) => "(no command or URL)".into(),
            };
            let pinned = match m.pinned {
                Some(true) => ", pinned",
                Some(false) => ", NOT pinned",
                None => "",
            };
            let allowed = match m.allowed {
                Some(true) => ", allowed",
                Some(false) => ", NOT in the allowlist",
                None => "",
            };
            let _ = writeln!(
                s,
                "  {} ({}, {})  {}: {what}{pinned}{allowed}",
                m.name,
                m.assistant.display_name(),
                m.file,
                m.transport
            );
        }
        if !inv.mcp_allowlist {
            s.push_str("  (no MCP allowlist in the policy: [policy.mcp])\n");
        }
    }
    if !inv.models.is_empty() {
        s.push_str("\nModels\n");
        for m in &inv.models {
            let provider = m.provider.as_deref().map(|p| format!(" from {p}")).unwrap_or_default();
            let _ = writeln!(s, "  {}{provider} ({}, {} {})", m.name, m.assistant.display_name(), m.file, m.setting);
        }
    }
    if !inv.hooks.is_empty() {
        s.push_str("\nHooks\n");
        for h in &inv.hooks {
            let matcher = h.matcher.as_deref().map(|m| format!(" [{m}]")).unwrap_or_default();
            let _ = writeln!(s, "  {} {}{matcher}: {} ({})", h.assistant.display_name(), h.event, h.command, h.file);
        }
    }
    let claude = inv.assistants.iter().any(|a| a.id == crate::AssistantKind::ClaudeCode);
    if claude || inv.tollgate_agent_hook {
        let _ = writeln!(
            s,
            "\ntollgate's agent hook: {}",
            if inv.tollgate_agent_hook { "configured" } else { "NOT configured (tollgate install --claude)" }
        );
    }
    if let Some(c) = &inv.commits {
        let _ = writeln!(s, "\nCommits ({}): {}, {} with AI trailers", c.range, c.commits, c.ai_commits);
        if c.ai_commits > 0 {
            let _ = writeln!(s, "  by assistant  {}", counts(&c.by_assistant));
            let _ = writeln!(s, "  by path       {}", counts(&c.by_path));
            let _ = writeln!(s, "  by month      {}", counts(&c.by_month));
        }
        let l = &c.lines;
        match l.share {
            Some(share) => {
                let _ = writeln!(
                    s,
                    "  agent-written lines: {} of {} added ({:.1}%) in {} commit(s) the hooks recorded; {} without a record",
                    l.agent_lines,
                    l.added_lines,
                    share * 100.0,
                    l.commits_with_record,
                    l.commits_without_record
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  agent-written lines: no record of added lines ({} commit(s) recorded, {} without a record)",
                    l.commits_with_record, l.commits_without_record
                );
            }
        }
    }
    if !inv.problems.is_empty() {
        s.push_str("\nFiles that could not be read\n");
        for p in &inv.problems {
            let _ = writeln!(s, "  {p}");
        }
    }
    s
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    map.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Assistant, AssistantKind, CommitStats, McpServerEntry};

    #[test]
    fn the_report_names_what_is_missing() {
        let inv = Inventory {
            assistants: vec![Assistant {
                id: AssistantKind::ClaudeCode,
                name: "Claude Code",
                files: vec![".mcp.json".into()],
            }],
            mcp_servers: vec![McpServerEntry {
                name: "fs".into(),
                assistant: AssistantKind::ClaudeCode,
                file: ".mcp.json".into(),
                transport: "stdio".into(),
                command: Some("npx".into()),
                package: Some("server-fs".into()),
                pinned: Some(false),
                url: None,
                allowed: None,
            }],
            mcp_allowlist: false,
            models: vec![],
            hooks: vec![],
            tollgate_agent_hook: false,
            commits: Some(CommitStats { range: "HEAD".into(), commits: 2, ..Default::default() }),
            problems: vec![],
        };
        let text = human(&inv);
        assert!(text.contains("fs (Claude Code, .mcp.json)  stdio: npx server-fs, NOT pinned"), "{text}");
        assert!(text.contains("no MCP allowlist"), "{text}");
        assert!(text.contains("tollgate's agent hook: NOT configured"), "{text}");
        assert!(text.contains("Commits (HEAD): 2, 0 with AI trailers"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&json(&inv)).unwrap();
        assert_eq!(v["mcp_servers"][0]["pinned"], false);
        assert_eq!(v["assistants"][0]["id"], "claude-code");
    }
}
