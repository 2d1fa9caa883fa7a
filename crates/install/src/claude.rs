//! Claude Code's settings (`.claude/settings.json`): tollgate's `agent-hook` entries
//! merged in beside whatever else the file holds, and taken out again.

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::error::InstallError;

/// The tools whose calls `tollgate agent-hook` judges before they run.
pub const TOOL_MATCHER: &str = "Write|Edit|MultiEdit|NotebookEdit|Bash";

/// Seconds Claude Code waits for the hook.
const TIMEOUT: u64 = 30;

/// The hook commands, one per event. Each answers with a denial when tollgate itself
/// cannot run (not installed, not on PATH): in Claude Code's protocol a command that
/// fails lets the tool call through, and a guard must fail closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentCommands {
    pub pre_tool_use: String,
    pub user_prompt_submit: String,
}

impl AgentCommands {
    /// Commands calling `program` (`tollgate` for a project's shared settings, an
    /// absolute path for the user's own).
    pub fn new(program: &str) -> AgentCommands {
        let why = "tollgate agent-hook could not run, so tollgate denies by default: install tollgate \
                   (./install.sh in a tollgate checkout) so that it is on PATH, or remove its entries from \
                   the Claude Code settings";
        let deny = json!({"hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": why,
        }});
        let block = json!({"decision": "block", "reason": why});
        let fallback = |v: &Value| format!("{program} agent-hook || printf '%s\\n' '{v}'");
        AgentCommands { pre_tool_use: fallback(&deny), user_prompt_submit: fallback(&block) }
    }
}

/// Whether a hook entry is tollgate's.
fn is_ours(hook: &Value) -> bool {
    hook.get("command").and_then(Value::as_str).is_some_and(|c| c.contains("tollgate") && c.contains("agent-hook"))
}

/// The settings with tollgate's entries in; `None` when they are there already as
/// they should be (the file is then left alone, formatting and all).
pub fn merge(path: &Path, current: Option<&str>, commands: &AgentCommands) -> Result<Option<String>, InstallError> {
    let before = parse(path, current)?;
    let mut root = before.clone();
    let hooks = object_at(path, root.as_object_mut().expect("parse returns an object"), "hooks")?;
    ensure(path, hooks, "PreToolUse", Some(TOOL_MATCHER), &commands.pre_tool_use)?;
    ensure(path, hooks, "UserPromptSubmit", None, &commands.user_prompt_submit)?;
    Ok((root != before).then(|| render(&root)))
}

/// The settings with tollgate's entries taken out (and whatever became empty with
/// them); `None` when there were none.
pub fn unmerge(path: &Path, current: &str) -> Result<Option<String>, InstallError> {
    let before = parse(path, Some(current))?;
    let mut root = before.clone();
    let obj = root.as_object_mut().expect("parse returns an object");
    if let Some(Value::Object(hooks)) = obj.get_mut("hooks") {
        for list in hooks.values_mut() {
            let Value::Array(entries) = list else { continue };
            for entry in entries.iter_mut() {
                if let Some(Value::Array(inner)) = entry.get_mut("hooks") {
                    inner.retain(|h| !is_ours(h));
                }
            }
            entries.retain(|e| !matches!(e.get("hooks"), Some(Value::Array(inner)) if inner.is_empty()));
        }
        hooks.retain(|_, list| !matches!(list, Value::Array(entries) if entries.is_empty()));
        if hooks.is_empty() {
            obj.remove("hooks");
        }
    }
    Ok((root != before).then(|| render(&root)))
}

/// The events under which tollgate's agent hook is configured.
pub fn installed_events(path: &Path, current: &str) -> Result<Vec<String>, InstallError> {
    let root = parse(path, Some(current))?;
    let Some(Value::Object(hooks)) = root.get("hooks") else { return Ok(Vec::new()) };
    Ok(hooks
        .iter()
        .filter(|(_, list)| {
            list.as_array().is_some_and(|entries| {
                entries.iter().any(|e| e.get("hooks").and_then(Value::as_array).is_some_and(|i| i.iter().any(is_ours)))
            })
        })
        .map(|(event, _)| event.clone())
        .collect())
}

fn parse(path: &Path, text: Option<&str>) -> Result<Value, InstallError> {
    let text = text.unwrap_or("");
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| InstallError::Settings {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if !value.is_object() {
        return Err(settings_error(path, "the settings are not a JSON object"));
    }
    Ok(value)
}

fn render(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("JSON values serialise");
    s.push('\n');
    s
}

fn settings_error(path: &Path, message: &str) -> InstallError {
    InstallError::Settings { path: path.to_path_buf(), line: 1, column: 1, message: message.to_string() }
}

fn object_at<'a>(
    path: &Path,
    parent: &'a mut Map<String, Value>,
    key: &str,
) -> Result<&'a mut Map<String, Value>, InstallError> {
    parent
        .entry(key)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| settings_error(path, &format!("`{key}` is not an object")))
}

/// Makes `event` hold exactly one tollgate entry with `command`, updating an older one
/// in place, adding one otherwise.
fn ensure(
    path: &Path,
    hooks: &mut Map<String, Value>,
    event: &str,
    matcher: Option<&str>,
    command: &str,
) -> Result<(), InstallError> {
    let list = hooks
        .entry(event)
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| settings_error(path, &format!("`hooks.{event}` is not an array")))?;
    let ours = json!({"type": "command", "command": command, "timeout": TIMEOUT});
    let mut entry = json!({"hooks": [ours.clone()]});
    if let Some(m) = matcher {
        entry = json!({"matcher": m, "hooks": [ours.clone()]});
    }
    let existing =
        list.iter().position(|e| e.get("hooks").and_then(Value::as_array).is_some_and(|i| i.iter().any(is_ours)));
    match existing {
        None => list.push(entry),
        Some(i) => {
            let e = &mut list[i];
            if let Some(m) = matcher {
                e["matcher"] = Value::String(m.to_string());
            }
            let inner = e["hooks"].as_array_mut().expect("checked above");
            let first = inner.iter().position(is_ours).expect("checked above");
            inner[first] = ours;
            // Only one: duplicates would judge every call twice.
            let mut seen = false;
            inner.retain(|h| {
                let keep = !is_ours(h) || !seen;
                seen |= is_ours(h);
                keep
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new(".claude/settings.json")
    }

    #[test]
    fn merging_into_nothing_adds_both_events() {
        let cmds = AgentCommands::new("tollgate");
        let text = merge(p(), None, &cmds).unwrap().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["hooks"]["PreToolUse"][0]["matcher"], TOOL_MATCHER);
        assert_eq!(v["hooks"]["PreToolUse"][0]["hooks"][0]["command"], cmds.pre_tool_use);
        assert_eq!(v["hooks"]["UserPromptSubmit"][0]["hooks"][0]["type"], "command");
        assert!(v["hooks"]["UserPromptSubmit"][0].get("matcher").is_none());
        assert_eq!(installed_events(p(), &text).unwrap(), ["PreToolUse", "UserPromptSubmit"]);
        // A second merge changes nothing.
        assert_eq!(merge(p(), Some(&text), &cmds).unwrap(), None);
    }

    #[test]
    fn merging_keeps_every_other_key_and_hook_in_order() {
        let before = r#"{
  "permissions": {"allow": ["Bash(npm test)"]},
  "hooks": {
    "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit.sh"}]}],
    "Stop": [{"hooks": [{"type": "command", "command": "notify"}]}]
  },
  "env": {"A": "1"}
}"#;
        let text = merge(p(), Some(before), &AgentCommands::new("tollgate")).unwrap().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["permissions", "hooks", "env"]);
        assert_eq!(v["hooks"]["PreToolUse"][0]["hooks"][0]["command"], "audit.sh");
        assert!(v["hooks"]["PreToolUse"][1]["hooks"][0]["command"]
            .as_str()
            .unwrap()
            .starts_with("tollgate agent-hook"));
        assert_eq!(v["hooks"]["Stop"][0]["hooks"][0]["command"], "notify");
        // Taking ours out gives back the same settings.
        let back = unmerge(p(), &text).unwrap().unwrap();
        assert_eq!(serde_json::from_str::<Value>(&back).unwrap(), serde_json::from_str::<Value>(before).unwrap());
        assert_eq!(unmerge(p(), &back).unwrap(), None);
    }

    #[test]
    fn an_older_entry_is_updated_in_place_not_duplicated() {
        let before = r#"{"hooks": {"PreToolUse": [{"matcher": "Write", "hooks": [
            {"type": "command", "command": "/old/tollgate agent-hook"},
            {"type": "command", "command": "tollgate agent-hook"}]}]}}"#;
        let text = merge(p(), Some(before), &AgentCommands::new("tollgate")).unwrap().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let list = v["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["matcher"], TOOL_MATCHER);
        assert_eq!(list[0]["hooks"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn broken_settings_are_located() {
        let err = merge(p(), Some("{\n  \"hooks\": [,]\n}"), &AgentCommands::new("tollgate")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with(".claude/settings.json:2:"), "{msg}");
        let err = merge(p(), Some("{\"hooks\": []}"), &AgentCommands::new("tollgate")).unwrap_err();
        assert!(err.to_string().contains("`hooks` is not an object"), "{err}");
        assert!(merge(p(), Some("[]"), &AgentCommands::new("tollgate")).is_err());
    }

    #[test]
    fn the_fallback_denies_when_tollgate_cannot_run() {
        let cmds = AgentCommands::new("/nonexistent/tollgate");
        for (cmd, key) in [(&cmds.pre_tool_use, "hookSpecificOutput"), (&cmds.user_prompt_submit, "decision")] {
            let out = std::process::Command::new("sh").arg("-c").arg(cmd).output().unwrap();
            assert!(out.status.success());
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(v.get(key).is_some(), "{v}");
        }
    }
}
