//! What assistants' configuration files declare: MCP servers, models and hooks.
//!
//! JSON files go through the policy check's parser ([`tollgate_policy::ai_config`]), so
//! the inventory and the check agree on what a server runs and whether it is pinned.
//! YAML (Continue, Aider) and TOML (Codex) declarations are turned into the same JSON
//! shape first. A file that does not parse is a [`Problem`] with its line and column,
//! and the rest of the inventory goes on.

use serde::Serialize;
use serde_json::{Map, Value};
use tollgate_policy::ai_config::{self, ConfigKind, McpAllowlist, McpServer};

use crate::detect::AssistantKind;

/// One MCP server an assistant is configured to start or reach.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct McpServerEntry {
    pub name: String,
    pub assistant: AssistantKind,
    /// The file that declares it.
    pub file: String,
    /// `stdio`, `http`, `sse`, ...
    pub transport: String,
    pub command: Option<String>,
    /// The package the command runs (`pkg@1.2.3`, `pkg==1.0`, an image), as written.
    pub package: Option<String>,
    /// Whether `package` names an exact version; `None` when there is no package.
    pub pinned: Option<bool>,
    /// The remote endpoint, without user info, query or fragment (they may hold tokens).
    pub url: Option<String>,
    /// Whether the policy's MCP allowlist admits it; `None` when no allowlist is set.
    pub allowed: Option<bool>,
}

/// A model named in configuration.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ModelEntry {
    pub name: String,
    pub provider: Option<String>,
    pub assistant: AssistantKind,
    pub file: String,
    /// The setting that names it (`model`, `weak-model`, `models[0]`, ...).
    pub setting: String,
}

/// A hook command an assistant runs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HookEntry {
    pub assistant: AssistantKind,
    pub file: String,
    pub event: String,
    pub matcher: Option<String>,
    pub command: String,
    /// The command runs `tollgate agent-hook`.
    pub tollgate: bool,
}

/// A configuration file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// What one file declares.
#[derive(Debug, Default)]
pub struct Declared {
    pub servers: Vec<McpServerEntry>,
    pub models: Vec<ModelEntry>,
    pub hooks: Vec<HookEntry>,
}

/// Reads the file at `path` (relative, `/`-separated) of `assistant`. `Ok` with nothing
/// declared for files that only instruct (`CLAUDE.md`, rules, ...).
pub fn read(path: &str, assistant: AssistantKind, text: &[u8], allow: &McpAllowlist) -> Result<Declared, Problem> {
    let lower = path.to_ascii_lowercase();
    let file_name = lower.rsplit('/').next().unwrap_or(&lower);
    let mut out = Declared::default();
    let problem = |line: u32, column: u32, message: String| Problem { file: path.to_string(), line, column, message };
    let from_parse = |e: ai_config::ParseError| problem(e.line, e.column, e.message);

    if let Some(kind) = ai_config::config_kind(path) {
        let parsed = ai_config::parse(kind, text).map_err(from_parse)?;
        out.servers = parsed.servers.iter().map(|s| entry(s, assistant, path, allow)).collect();
        if let Some(settings) = &parsed.settings {
            out.hooks = settings
                .hooks
                .iter()
                .map(|h| HookEntry {
                    assistant,
                    file: path.to_string(),
                    event: h.event.clone(),
                    matcher: h.matcher.clone(),
                    command: h.command.clone(),
                    tollgate: h.is_tollgate_agent_hook(),
                })
                .collect();
        }
        if matches!(kind, ConfigKind::ClaudeSettings | ConfigKind::GeminiSettings) {
            let value = ai_config::read_jsonc(text).map_err(from_parse)?;
            // Claude Code: `"model": "opus"`; Gemini CLI: `"model": {"name": "…"}` (older
            // versions: a string).
            let model = value.get("model");
            let name =
                model.and_then(Value::as_str).or_else(|| model.and_then(|m| m.get("name")).and_then(Value::as_str));
            if let Some(name) = name {
                out.models.push(model_entry(name, None, assistant, path, "model"));
            }
        }
        return Ok(out);
    }

    let is_yaml = file_name.ends_with(".yaml") || file_name.ends_with(".yml");
    match assistant {
        AssistantKind::Continue if is_yaml => {
            let value = yaml(text).map_err(|(l, c, m)| problem(l, c, m))?;
            out.servers = servers_from_list(value.get("mcpServers"), assistant, path, allow)?;
            if let Some(Value::Array(models)) = value.get("models") {
                for (i, m) in models.iter().enumerate() {
                    // A hub block (`uses: vendor/model`) names the model by its slug.
                    let name = m.get("model").or_else(|| m.get("uses")).and_then(Value::as_str);
                    if let Some(name) = name {
                        let provider = m.get("provider").and_then(Value::as_str);
                        out.models.push(model_entry(name, provider, assistant, path, &format!("models[{i}]")));
                    }
                }
            }
        }
        AssistantKind::Continue if file_name == "config.json" => {
            let value = ai_config::read_jsonc(text).map_err(from_parse)?;
            if let Some(Value::Array(models)) = value.get("models") {
                for (i, m) in models.iter().enumerate() {
                    if let Some(name) = m.get("model").and_then(Value::as_str) {
                        let provider = m.get("provider").and_then(Value::as_str);
                        out.models.push(model_entry(name, provider, assistant, path, &format!("models[{i}]")));
                    }
                }
            }
        }
        AssistantKind::Cursor if lower.ends_with(".cursor/hooks.json") => {
            // `{"version": 1, "hooks": {"afterFileEdit": [{"command": "…"}]}}`
            let value = ai_config::read_jsonc(text).map_err(from_parse)?;
            if let Some(Value::Object(events)) = value.get("hooks") {
                for (event, entries) in events {
                    for command in entries.as_array().into_iter().flatten().filter_map(|e| e.get("command")) {
                        let Some(command) = command.as_str() else { continue };
                        // The policy's recognition of tollgate's hook, on Cursor's entry.
                        let hook = ai_config::HookCommand {
                            event: event.clone(),
                            matcher: None,
                            command: command.to_string(),
                            offset: 0,
                        };
                        out.hooks.push(HookEntry {
                            assistant,
                            file: path.to_string(),
                            tollgate: hook.is_tollgate_agent_hook(),
                            event: hook.event,
                            matcher: None,
                            command: hook.command,
                        });
                    }
                }
            }
        }
        AssistantKind::Aider if is_yaml => {
            let value = yaml(text).map_err(|(l, c, m)| problem(l, c, m))?;
            for key in ["model", "weak-model", "editor-model"] {
                if let Some(name) = value.get(key).and_then(Value::as_str) {
                    out.models.push(model_entry(name, None, assistant, path, key));
                }
            }
        }
        AssistantKind::Codex if file_name == "config.toml" => {
            let text = String::from_utf8_lossy(text);
            let value: Value = toml::from_str::<toml::Table>(&text)
                .map_err(|e| {
                    let at = e.span().map_or(0, |s| s.start);
                    let (line, column) = ai_config::line_column(text.as_bytes(), at);
                    problem(line, column, format!("invalid TOML: {}", e.message()))
                })
                .and_then(|t| serde_json::to_value(t).map_err(|e| problem(1, 1, e.to_string())))?;
            if let Some(name) = value.get("model").and_then(Value::as_str) {
                let provider = value.get("model_provider").and_then(Value::as_str);
                out.models.push(model_entry(name, provider, assistant, path, "model"));
            }
            if let Some(servers) = value.get("mcp_servers") {
                out.servers = servers_from_map(servers.clone(), assistant, path, allow)?;
            }
        }
        _ => {}
    }
    Ok(out)
}

fn model_entry(name: &str, provider: Option<&str>, assistant: AssistantKind, file: &str, setting: &str) -> ModelEntry {
    ModelEntry {
        name: name.to_string(),
        provider: provider.map(str::to_string),
        assistant,
        file: file.to_string(),
        setting: setting.to_string(),
    }
}

/// YAML as JSON values; an error as (line, column, message).
fn yaml(text: &[u8]) -> Result<Value, (u32, u32, String)> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    let value: Value = serde_yaml_ng::from_slice(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
            format!("invalid YAML: {message}"),
        )
    })?;
    Ok(if value.is_null() { Value::Object(Map::new()) } else { value })
}

/// Continue's `mcpServers:` list of `{name, command, args, type, url}` blocks.
fn servers_from_list(
    list: Option<&Value>,
    assistant: AssistantKind,
    path: &str,
    allow: &McpAllowlist,
) -> Result<Vec<McpServerEntry>, Problem> {
    let Some(list) = list else { return Ok(Vec::new()) };
    let bad = |message: String| Problem { file: path.to_string(), line: 1, column: 1, message };
    let Value::Array(items) = list else {
        return Err(bad("`mcpServers` must be a list of servers".into()));
    };
    let mut map = Map::new();
    for (i, item) in items.iter().enumerate() {
        let mut def = item.as_object().cloned().ok_or_else(|| bad(format!("`mcpServers[{i}]` must be a mapping")))?;
        let name = match def.remove("name") {
            Some(Value::String(n)) => n,
            _ => return Err(bad(format!("`mcpServers[{i}]` has no `name`"))),
        };
        map.insert(name, Value::Object(def));
    }
    servers_from_map(Value::Object(map), assistant, path, allow)
}

/// A `{NAME: definition}` map, read by the policy's `mcpServers` parser.
fn servers_from_map(
    servers: Value,
    assistant: AssistantKind,
    path: &str,
    allow: &McpAllowlist,
) -> Result<Vec<McpServerEntry>, Problem> {
    let doc = serde_json::json!({ "mcpServers": servers }).to_string();
    let parsed = ai_config::parse(ConfigKind::McpJson, doc.as_bytes()).map_err(|e| Problem {
        file: path.to_string(),
        line: 1,
        column: 1,
        // The position is in the converted document, not the file: only the message helps.
        message: e.message,
    })?;
    Ok(parsed.servers.iter().map(|s| entry(s, assistant, path, allow)).collect())
}

fn entry(server: &McpServer, assistant: AssistantKind, file: &str, allow: &McpAllowlist) -> McpServerEntry {
    McpServerEntry {
        name: server.name.clone(),
        assistant,
        file: file.to_string(),
        transport: server.transport.clone(),
        command: server.command.clone(),
        package: server.package.clone(),
        pinned: server.package.as_ref().map(|_| server.pinned),
        url: server.url.as_deref().map(public_url),
        allowed: (!allow.is_empty()).then(|| allow.allows(server)),
    }
}

/// A URL without what may carry a credential: user info, query and fragment.
pub fn public_url(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..cut];
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_ok(path: &str, assistant: AssistantKind, text: &str) -> Declared {
        read(path, assistant, text.as_bytes(), &McpAllowlist::default()).unwrap()
    }

    #[test]
    fn claude_settings_give_model_and_hooks() {
        let text = r#"{
  // comments are allowed
  "model": "claude-sonnet-4-5",
  "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "tollgate agent-hook"}]}]},
}"#;
        let d = read_ok(".claude/settings.json", AssistantKind::ClaudeCode, text);
        assert_eq!(d.models.len(), 1);
        assert_eq!(d.models[0].name, "claude-sonnet-4-5");
        assert_eq!(d.hooks.len(), 1);
        assert!(d.hooks[0].tollgate);
        assert_eq!(d.hooks[0].matcher.as_deref(), Some("Bash"));
    }

    #[test]
    fn mcp_json_servers_are_judged_by_the_allowlist() {
        let text = r#"{"mcpServers": {
  "gh": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@1.2.3"]},
  "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem"]},
  "docs": {"type": "http", "url": "https://user:pw@mcp.example.com/v1?key=abc"}
}}"#;
        let allow = McpAllowlist { names: vec!["gh".into()], ..Default::default() };
        let d = read(".mcp.json", AssistantKind::ClaudeCode, text.as_bytes(), &allow).unwrap();
        let summary: Vec<_> =
            d.servers.iter().map(|s| (s.name.as_str(), s.pinned, s.allowed, s.url.as_deref())).collect();
        assert_eq!(
            summary,
            vec![
                ("gh", Some(true), Some(true), None),
                ("fs", Some(false), Some(false), None),
                ("docs", None, Some(false), Some("https://mcp.example.com/v1")),
            ]
        );
        let none = read_ok(".mcp.json", AssistantKind::ClaudeCode, text);
        assert!(none.servers.iter().all(|s| s.allowed.is_none()));
    }

    #[test]
    fn continue_yaml_lists_models_and_servers() {
        let text = "name: team\nmodels:\n  - name: Sonnet\n    provider: anthropic\n    model: claude-sonnet-4-5\n  - uses: mistral/codestral\nmcpServers:\n  - name: sqlite\n    command: uvx\n    args: [\"mcp-server-sqlite==0.6.2\"]\n  - name: remote\n    type: streamable-http\n    url: https://mcp.example.com/mcp\n";
        let d = read_ok(".continue/config.yaml", AssistantKind::Continue, text);
        let models: Vec<_> = d.models.iter().map(|m| (m.name.as_str(), m.provider.as_deref())).collect();
        assert_eq!(models, vec![("claude-sonnet-4-5", Some("anthropic")), ("mistral/codestral", None)]);
        let servers: Vec<_> = d.servers.iter().map(|s| (s.name.as_str(), s.transport.as_str(), s.pinned)).collect();
        assert_eq!(servers, vec![("sqlite", "stdio", Some(true)), ("remote", "http", None)]);
    }

    #[test]
    fn aider_and_codex_models() {
        let d = read_ok(
            ".aider.conf.yml",
            AssistantKind::Aider,
            "model: gpt-4o\nweak-model: gpt-4o-mini\nauto-commits: false\n",
        );
        let names: Vec<_> = d.models.iter().map(|m| (m.name.as_str(), m.setting.as_str())).collect();
        assert_eq!(names, vec![("gpt-4o", "model"), ("gpt-4o-mini", "weak-model")]);
        let toml = "model = \"o4-mini\"\nmodel_provider = \"openai\"\n\n[mcp_servers.ctx]\ncommand = \"npx\"\nargs = [\"-y\", \"ctx-server@2.0.0\"]\n";
        let d = read_ok(".codex/config.toml", AssistantKind::Codex, toml);
        assert_eq!(d.models[0].provider.as_deref(), Some("openai"));
        assert_eq!(d.servers[0].package.as_deref(), Some("ctx-server@2.0.0"));
    }

    #[test]
    fn broken_files_are_problems_with_a_place() {
        let p = read(".mcp.json", AssistantKind::ClaudeCode, b"{\n  \"mcpServers\": [\n", &McpAllowlist::default())
            .unwrap_err();
        assert_eq!((p.file.as_str(), p.line), (".mcp.json", 3));
        let p =
            read(".aider.conf.yml", AssistantKind::Aider, b"model: [a\nx: y\n", &McpAllowlist::default()).unwrap_err();
        assert!(p.message.starts_with("invalid YAML"), "{p}");
        assert!(p.line >= 1);
        let p = read(".codex/config.toml", AssistantKind::Codex, b"model = \n", &McpAllowlist::default()).unwrap_err();
        assert_eq!((p.line, p.message.starts_with("invalid TOML")), (1, true), "{p}");
    }

    #[test]
    fn cursor_hooks_are_listed() {
        let text = r#"{"version": 1, "hooks": {"afterFileEdit": [{"command": "./hooks/fmt.sh"}], "beforeShellExecution": [{"command": "tollgate agent-hook"}]}}"#;
        let d = read_ok(".cursor/hooks.json", AssistantKind::Cursor, text);
        let hooks: Vec<_> = d.hooks.iter().map(|h| (h.event.as_str(), h.command.as_str(), h.tollgate)).collect();
        assert_eq!(
            hooks,
            vec![("afterFileEdit", "./hooks/fmt.sh", false), ("beforeShellExecution", "tollgate agent-hook", true)]
        );
    }

    #[test]
    fn instructions_declare_nothing() {
        let d = read_ok("CLAUDE.md", AssistantKind::ClaudeCode, "# Notes\nmodel: not a setting\n");
        assert!(d.servers.is_empty() && d.models.is_empty() && d.hooks.is_empty());
    }

    #[test]
    fn urls_lose_what_may_hold_a_token() {
        assert_eq!(public_url("https://a:b@h.example/p?x=1#f"), "https://h.example/p");
        assert_eq!(public_url("http://h.example"), "http://h.example");
    }
}
