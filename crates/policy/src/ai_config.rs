//! AI coding assistants' configuration files: where they live, what they declare and
//! which changes to them widen what an agent may do.
//!
//! Pure and dependency-light: bytes in, facts and findings out. Understood files:
//!
//! | kind | paths (any folder depth, compared case-insensitively) | servers at |
//! |---|---|---|
//! | [`ConfigKind::McpJson`] | `.mcp.json`, `.cursor/mcp.json`, `.roo/mcp.json`, `.continue/mcpServers/*.json` | `mcpServers` |
//! | [`ConfigKind::VsCodeMcp`] | `.vscode/mcp.json` | `servers` |
//! | [`ConfigKind::VsCodeSettings`] | `.vscode/settings.json` | `mcp.servers` |
//! | [`ConfigKind::GeminiSettings`] | `.gemini/settings.json` | `mcpServers` |
//! | [`ConfigKind::ClaudeSettings`] | `.claude/settings.json`, `.claude/settings.local.json` | (none; permissions and hooks) |
//!
//! Every kind is read as JSON with comments (JSONC): `//` and `/* */` comments, trailing
//! commas and a UTF-8 byte-order mark are blanked out with spaces before parsing, so byte
//! offsets and line numbers stay those of the original text. Reading more than an
//! assistant accepts costs at most a finding on a file that assistant would reject; reading
//! less would let a file it accepts pass unjudged. A file that does not parse, or whose
//! fields read here have the wrong type, is a [`ParseError`] with line and column: a
//! security check must not pass silently on a broken file. An empty file (only
//! whitespace or comments) reads as `{}`, which is also how a deleted file can be judged.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

/// Which assistant configuration format a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigKind {
    /// `{"mcpServers": {...}}`: Claude Code `.mcp.json`, Cursor `.cursor/mcp.json`, Roo
    /// `.roo/mcp.json`, JSON files in Continue's `.continue/mcpServers/`.
    McpJson,
    /// VS Code / GitHub Copilot `.vscode/mcp.json`: `{"servers": {...}, "inputs": [...]}`.
    VsCodeMcp,
    /// VS Code `.vscode/settings.json`, whose `mcp.servers` may declare MCP servers.
    VsCodeSettings,
    /// Claude Code `.claude/settings.json` and `.claude/settings.local.json`.
    ClaudeSettings,
    /// Gemini CLI `.gemini/settings.json` (holds `mcpServers`).
    GeminiSettings,
}

impl ConfigKind {
    /// The object path at which this kind declares MCP servers, if it declares any.
    pub fn servers_path(self) -> Option<&'static [&'static str]> {
        match self {
            ConfigKind::McpJson | ConfigKind::GeminiSettings => Some(&["mcpServers"]),
            ConfigKind::VsCodeMcp => Some(&["servers"]),
            ConfigKind::VsCodeSettings => Some(&["mcp", "servers"]),
            ConfigKind::ClaudeSettings => None,
        }
    }
}

/// Which assistant configuration `path` (repository-relative, `/` or `\` separated) is,
/// if tollgate understands it. Matched at any depth (an assistant started in a
/// sub-folder reads that folder's files) and case-insensitively (as a case-insensitive
/// file system would open it).
pub fn config_kind(path: &str) -> Option<ConfigKind> {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let (&file, dirs) = parts.split_last()?;
    let parent = dirs.last().copied().unwrap_or("");
    let grandparent = if dirs.len() >= 2 { dirs[dirs.len() - 2] } else { "" };
    match (parent, file) {
        (_, ".mcp.json") => Some(ConfigKind::McpJson),
        (".cursor" | ".roo", "mcp.json") => Some(ConfigKind::McpJson),
        (".vscode", "mcp.json") => Some(ConfigKind::VsCodeMcp),
        (".vscode", "settings.json") => Some(ConfigKind::VsCodeSettings),
        (".claude", "settings.json" | "settings.local.json") => Some(ConfigKind::ClaudeSettings),
        (".gemini", "settings.json") => Some(ConfigKind::GeminiSettings),
        ("mcpservers", f) if grandparent == ".continue" && f.ends_with(".json") => Some(ConfigKind::McpJson),
        _ => None,
    }
}

/// The package registry a server's package comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// `npx`, `bunx`, `pnpm dlx`, `npm exec`, ...
    Npm,
    /// `uvx`, `uv tool run`, `pipx run`.
    PyPI,
    /// `docker run` / `podman run` image.
    Docker,
}

/// One declared MCP server.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServer {
    /// Its key in the servers object.
    pub name: String,
    /// `"stdio"`, `"http"` or `"sse"` (an unknown declared `type` is kept, lower-cased).
    pub transport: String,
    pub command: Option<String>,
    pub args: Vec<String>,
    /// The package spec as written (`@scope/pkg@1.2.3`, `pkg==1.0`, `image@sha256:…`)
    /// when the command runs one through a package runner.
    pub package: Option<String>,
    /// `package` without its version, tag or digest.
    pub package_name: Option<String>,
    pub ecosystem: Option<Ecosystem>,
    /// True when `package` names an exact version (npm `x.y.z`, PyPI `==`, a git commit,
    /// a Docker digest). False when there is no package: see [`McpServer::unpinned`].
    pub pinned: bool,
    /// Remote endpoint (`url`, Gemini `httpUrl`, `serverUrl`).
    pub url: Option<String>,
    /// Byte offset in the file of the server's key.
    pub offset: usize,
    /// The server's whole JSON definition (env, headers, ...).
    pub definition: Value,
}

impl McpServer {
    /// Runs a registry package that is not pinned to an exact version or digest.
    pub fn unpinned(&self) -> bool {
        self.package.is_some() && !self.pinned
    }

    /// A one-line description: the URL of a remote server, else its command line.
    pub fn describe(&self) -> String {
        if let Some(url) = &self.url {
            if self.command.is_none() || self.transport != "stdio" {
                return url.clone();
            }
        }
        let mut words: Vec<&str> = self.command.iter().map(String::as_str).collect();
        words.extend(self.args.iter().map(String::as_str));
        words.join(" ")
    }
}

/// One hook command configured in Claude Code settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookCommand {
    /// `PreToolUse`, `UserPromptSubmit`, ...
    pub event: String,
    /// The entry's `matcher`; `None` when absent, empty or `*` (all tools).
    pub matcher: Option<String>,
    pub command: String,
    /// Byte offset of the `command` key.
    pub offset: usize,
}

impl HookCommand {
    /// Whether this command runs tollgate's agent hook (`tollgate agent-hook`, the binary
    /// possibly given by path or quoted).
    pub fn is_tollgate_agent_hook(&self) -> bool {
        let words: Vec<&str> =
            self.command.split_whitespace().map(|w| w.trim_matches(|c| c == '"' || c == '\'')).collect();
        words.windows(2).any(|w| {
            let prog = program_name(w[0]);
            prog == "tollgate" && w[1] == "agent-hook"
        })
    }
}

/// What a Claude Code settings file says that widens what an agent may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaudeSettingsFacts {
    /// Offset of `permissions.defaultMode` when it is `"bypassPermissions"`.
    pub bypass_permissions: Option<usize>,
    /// `permissions.allow` entries that allow every command (`*`, `Bash`, `Bash(*)`,
    /// `Bash(:*)`, `Bash(sh:*)`, ...) with the offset of each entry.
    pub blanket_allows: Vec<(String, usize)>,
    /// Offset of `enableAllProjectMcpServers` when it is `true`.
    pub enable_all_project_mcp: Option<usize>,
    /// Offset of `disableAllHooks` when it is `true`.
    pub disable_all_hooks: Option<usize>,
    /// Every hook command configured under `hooks`.
    pub hooks: Vec<HookCommand>,
    /// Offset of the top-level `hooks` key, if present.
    pub hooks_offset: Option<usize>,
}

impl ClaudeSettingsFacts {
    /// Every hook command string configured.
    pub fn hook_commands(&self) -> Vec<&str> {
        self.hooks.iter().map(|h| h.command.as_str()).collect()
    }
}

/// A parsed configuration file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedConfig {
    pub kind: ConfigKind,
    /// Declared MCP servers in file order.
    pub servers: Vec<McpServer>,
    /// Present for [`ConfigKind::ClaudeSettings`].
    pub settings: Option<ClaudeSettingsFacts>,
}

/// A file that does not parse, or that holds a field of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// 1-based line and 1-based column (in characters) of a byte offset; an offset past the
/// end is taken as the end.
pub fn line_column(text: &[u8], offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = before[start..].iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1;
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
}

fn error_at(text: &[u8], offset: usize, message: impl Into<String>) -> ParseError {
    let (line, column) = line_column(text, offset);
    ParseError { line, column, message: message.into() }
}

/// Reads a file as assistants do (JSON with comments and trailing commas), for fields
/// this module does not interpret (a settings file's `model`, ...).
pub fn read_jsonc(text: &[u8]) -> Result<Value, ParseError> {
    read_clean(text, &strip_jsonc(text))
}

fn read_clean(text: &[u8], clean: &[u8]) -> Result<Value, ParseError> {
    if clean.iter().all(|&b| is_json_ws(b)) {
        Ok(Value::Object(Map::new()))
    } else {
        serde_json::from_slice::<Value>(clean).map_err(|e| json_error(text, &e))
    }
}

/// Parse a configuration file of the given kind.
pub fn parse(kind: ConfigKind, text: &[u8]) -> Result<ParsedConfig, ParseError> {
    let clean = strip_jsonc(text);
    let root = read_clean(text, &clean)?;
    let spans = Spans::scan(&clean);
    let Value::Object(root) = &root else {
        let at = clean.iter().position(|&b| !is_json_ws(b)).unwrap_or(0);
        return Err(error_at(text, at, "the top level must be a JSON object"));
    };
    let ctx = Ctx { text, spans: &spans };
    let servers = match kind.servers_path() {
        Some(path) => ctx.servers(kind, root, path)?,
        None => Vec::new(),
    };
    let settings = match kind {
        ConfigKind::ClaudeSettings => Some(ctx.claude_settings(root)?),
        _ => None,
    };
    Ok(ParsedConfig { kind, servers, settings })
}

fn json_error(text: &[u8], e: &serde_json::Error) -> ParseError {
    // serde_json counts lines by '\n' and columns in bytes (1-based, 0 at a line start);
    // blanking kept both, so map back to an offset and count characters.
    let mut line_start = 0;
    let mut line = 1;
    while line < e.line() {
        match text[line_start..].iter().position(|&b| b == b'\n') {
            Some(p) => line_start += p + 1,
            None => break,
        }
        line += 1;
    }
    let offset = (line_start + e.column().saturating_sub(1)).min(text.len());
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(p) => message[..p].to_string(),
        None => message,
    };
    error_at(text, offset, format!("invalid JSON: {message}"))
}

// ---------------------------------------------------------------------------------
// JSONC: blank comments, trailing commas and a BOM, keeping every offset.

fn is_json_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn strip_jsonc(text: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    if out.starts_with(&[0xEF, 0xBB, 0xBF]) {
        out[..3].fill(b' ');
    }
    let n = out.len();
    let blank = |out: &mut [u8], from: usize, to: usize| {
        for b in &mut out[from..to] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    let mut in_string = false;
    while i < n {
        let c = out[i];
        if in_string {
            match c {
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match (c, out.get(i + 1)) {
            (b'"', _) => {
                in_string = true;
                i += 1;
            }
            (b'/', Some(b'/')) => {
                let end = out[i..].iter().position(|&b| b == b'\n').map_or(n, |p| i + p);
                blank(&mut out, i, end);
                i = end;
            }
            (b'/', Some(b'*')) => match out[i + 2..].windows(2).position(|w| w == b"*/") {
                Some(p) => {
                    let end = i + 2 + p + 2;
                    blank(&mut out, i, end);
                    i = end;
                }
                // An unterminated comment stays, and JSON parsing reports it.
                None => i = n,
            },
            _ => i += 1,
        }
    }
    // Trailing commas, now that comments are whitespace.
    let mut i = 0;
    let mut in_string = false;
    while i < n {
        let c = out[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b',' {
            let next = out[i + 1..].iter().position(|&b| !is_json_ws(b));
            if let Some(p) = next {
                if matches!(out[i + 1 + p], b'}' | b']') {
                    out[i] = b' ';
                }
            }
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------
// Spans: the byte offset of every key and value, by path (serde_json gives none).

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    Key(String),
    Index(usize),
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

#[derive(Debug, Clone, Copy)]
struct Span {
    /// Offset of the key (object members only).
    key: Option<usize>,
    /// Offset of the first byte of the value.
    value: usize,
}

struct Spans(HashMap<Vec<Seg>, Span>);

impl Spans {
    /// Walks text that serde_json has accepted (so it is valid JSON, nested at most 128
    /// deep). A later duplicate key overwrites an earlier one, as in serde_json's `Value`.
    fn scan(text: &[u8]) -> Spans {
        let mut s = Scanner { b: text, i: 0, path: Vec::new(), map: HashMap::new() };
        s.ws();
        if s.i < text.len() {
            let _ = s.value(None);
        }
        Spans(s.map)
    }

    /// Offset of the key at `path` if it has one, else of its value, else 0.
    fn at(&self, path: &[Seg]) -> usize {
        self.0.get(path).map_or(0, |s| s.key.unwrap_or(s.value))
    }

    /// Offset of the value at `path`, else 0.
    fn value(&self, path: &[Seg]) -> usize {
        self.0.get(path).map_or(0, |s| s.value)
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    path: Vec<Seg>,
    map: HashMap<Vec<Seg>, Span>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && is_json_ws(self.b[self.i]) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// At an opening quote: moves past the closing one.
    fn skip_string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match self.peek()? {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                _ => self.i += 1,
            }
        }
    }

    fn value(&mut self, key: Option<usize>) -> Option<()> {
        self.ws();
        let start = self.i;
        self.map.insert(self.path.clone(), Span { key, value: start });
        match self.peek()? {
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    let key_start = self.i;
                    if self.peek()? != b'"' {
                        return None;
                    }
                    self.skip_string()?;
                    let raw = &self.b[key_start..self.i];
                    let name = if raw.contains(&b'\\') {
                        serde_json::from_slice::<String>(raw).ok()?
                    } else {
                        String::from_utf8(raw[1..raw.len() - 1].to_vec()).ok()?
                    };
                    self.ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.i += 1;
                    self.path.push(Seg::Key(name));
                    let r = self.value(Some(key_start));
                    self.path.pop();
                    r?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                let mut index = 0;
                loop {
                    self.path.push(Seg::Index(index));
                    let r = self.value(None);
                    self.path.pop();
                    r?;
                    index += 1;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.skip_string(),
            _ => {
                while let Some(c) = self.peek() {
                    if is_json_ws(c) || matches!(c, b',' | b'}' | b']') {
                        break;
                    }
                    self.i += 1;
                }
                Some(())
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Reading the parsed value, with type errors located in the text.

struct Ctx<'a> {
    text: &'a [u8],
    spans: &'a Spans,
}

fn dotted(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

impl Ctx<'_> {
    fn type_error(&self, path: &[Seg], expected: &str) -> ParseError {
        error_at(self.text, self.spans.value(path), format!("`{}` must be {expected}", dotted(path)))
    }

    /// A field that may be absent or null; otherwise it must be a string.
    fn opt_str<'v>(&self, v: Option<&'v Value>, path: &[Seg]) -> Result<Option<&'v str>, ParseError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.type_error(path, "a string")),
        }
    }

    fn opt_bool(&self, v: Option<&Value>, path: &[Seg]) -> Result<Option<bool>, ParseError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.type_error(path, "true or false")),
        }
    }

    fn opt_object<'v>(&self, v: Option<&'v Value>, path: &[Seg]) -> Result<Option<&'v Map<String, Value>>, ParseError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(self.type_error(path, "an object")),
        }
    }

    fn opt_array<'v>(&self, v: Option<&'v Value>, path: &[Seg]) -> Result<Option<&'v Vec<Value>>, ParseError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(self.type_error(path, "an array")),
        }
    }

    fn servers(&self, kind: ConfigKind, root: &Map<String, Value>, at: &[&str]) -> Result<Vec<McpServer>, ParseError> {
        let mut path = Vec::new();
        let mut obj = root;
        for k in at {
            path.push(key(k));
            match self.opt_object(obj.get(*k), &path)? {
                Some(m) => obj = m,
                None => return Ok(Vec::new()),
            }
        }
        let mut servers = Vec::with_capacity(obj.len());
        for (name, def) in obj {
            path.push(key(name));
            servers.push(self.server(kind, name, def, &path)?);
            path.pop();
        }
        Ok(servers)
    }

    fn server(&self, kind: ConfigKind, name: &str, def: &Value, path: &[Seg]) -> Result<McpServer, ParseError> {
        let Value::Object(obj) = def else {
            return Err(self.type_error(path, "an object (an MCP server definition)"));
        };
        let field = |f: &str| {
            let mut p = path.to_vec();
            p.push(key(f));
            p
        };
        let command = self.opt_str(obj.get("command"), &field("command"))?;
        let declared = self.opt_str(obj.get("type"), &field("type"))?;
        let mut args = Vec::new();
        let args_path = field("args");
        if let Some(list) = self.opt_array(obj.get("args"), &args_path)? {
            for (i, a) in list.iter().enumerate() {
                let mut p = args_path.clone();
                p.push(Seg::Index(i));
                match a {
                    Value::String(s) => args.push(s.clone()),
                    _ => return Err(self.type_error(&p, "a string")),
                }
            }
        }
        let mut url = None;
        for f in ["url", "httpUrl", "serverUrl"] {
            if let Some(u) = self.opt_str(obj.get(f), &field(f))? {
                url = Some((f, u.to_string()));
                break;
            }
        }
        let transport = match declared.map(str::to_ascii_lowercase) {
            Some(t) => match t.as_str() {
                "http" | "streamable-http" | "streamablehttp" | "streamable_http" => "http".to_string(),
                _ => t,
            },
            None if command.is_some() => "stdio".to_string(),
            None => match &url {
                Some(("url", _)) if kind == ConfigKind::GeminiSettings => "sse".to_string(),
                Some(_) => "http".to_string(),
                None => "stdio".to_string(),
            },
        };
        let package = command.and_then(|c| analyze_command(c, &args));
        Ok(McpServer {
            name: name.to_string(),
            transport,
            command: command.map(str::to_string),
            args,
            pinned: package.as_ref().is_some_and(|p| p.pinned),
            package: package.as_ref().map(|p| p.spec.clone()),
            package_name: package.as_ref().map(|p| p.name.clone()),
            ecosystem: package.as_ref().map(|p| p.ecosystem),
            url: url.map(|(_, u)| u),
            offset: self.spans.at(path),
            definition: def.clone(),
        })
    }

    fn claude_settings(&self, root: &Map<String, Value>) -> Result<ClaudeSettingsFacts, ParseError> {
        let mut facts = ClaudeSettingsFacts::default();
        let perm_path = [key("permissions")];
        if let Some(perms) = self.opt_object(root.get("permissions"), &perm_path)? {
            let mode_path = [key("permissions"), key("defaultMode")];
            if self.opt_str(perms.get("defaultMode"), &mode_path)? == Some("bypassPermissions") {
                facts.bypass_permissions = Some(self.spans.at(&mode_path));
            }
            let allow_path = [key("permissions"), key("allow")];
            if let Some(allow) = self.opt_array(perms.get("allow"), &allow_path)? {
                for (i, entry) in allow.iter().enumerate() {
                    let p = [key("permissions"), key("allow"), Seg::Index(i)];
                    let Value::String(s) = entry else {
                        return Err(self.type_error(&p, "a string"));
                    };
                    if is_blanket_allow(s) {
                        facts.blanket_allows.push((s.clone(), self.spans.value(&p)));
                    }
                }
            }
        }
        let p = [key("enableAllProjectMcpServers")];
        if self.opt_bool(root.get("enableAllProjectMcpServers"), &p)? == Some(true) {
            facts.enable_all_project_mcp = Some(self.spans.at(&p));
        }
        let p = [key("disableAllHooks")];
        if self.opt_bool(root.get("disableAllHooks"), &p)? == Some(true) {
            facts.disable_all_hooks = Some(self.spans.at(&p));
        }
        let hooks_path = [key("hooks")];
        if let Some(events) = self.opt_object(root.get("hooks"), &hooks_path)? {
            facts.hooks_offset = Some(self.spans.at(&hooks_path));
            for (event, groups) in events {
                let event_path = vec![key("hooks"), key(event)];
                let Some(groups) = self.opt_array(Some(groups), &event_path)? else {
                    continue;
                };
                for (gi, group) in groups.iter().enumerate() {
                    let mut gpath = event_path.clone();
                    gpath.push(Seg::Index(gi));
                    let Some(group) = self.opt_object(Some(group), &gpath)? else {
                        continue;
                    };
                    let mut mpath = gpath.clone();
                    mpath.push(key("matcher"));
                    let matcher = self
                        .opt_str(group.get("matcher"), &mpath)?
                        .map(str::trim)
                        .filter(|m| !m.is_empty() && *m != "*")
                        .map(str::to_string);
                    let mut hpath = gpath.clone();
                    hpath.push(key("hooks"));
                    let Some(list) = self.opt_array(group.get("hooks"), &hpath)? else {
                        continue;
                    };
                    for (hi, hook) in list.iter().enumerate() {
                        let mut p = hpath.clone();
                        p.push(Seg::Index(hi));
                        let Some(hook) = self.opt_object(Some(hook), &p)? else {
                            continue;
                        };
                        p.push(key("command"));
                        if let Some(command) = self.opt_str(hook.get("command"), &p)? {
                            facts.hooks.push(HookCommand {
                                event: event.clone(),
                                matcher: matcher.clone(),
                                command: command.to_string(),
                                offset: self.spans.at(&p),
                            });
                        }
                    }
                }
            }
        }
        Ok(facts)
    }
}

/// Programs whose `Bash(PROG:*)` allow lets the agent run any command line.
const SHELL_LIKE: &[&str] =
    &["sh", "bash", "zsh", "dash", "ksh", "fish", "pwsh", "powershell", "cmd", "eval", "exec", "env", "sudo", "xargs"];

/// `*`, `Bash`, `Bash()`, `Bash(*)`, `Bash(:*)`, and `Bash(sh:*)`-like entries.
fn is_blanket_allow(entry: &str) -> bool {
    let e = entry.trim();
    if e == "*" {
        return true;
    }
    let (tool, spec) = match e.split_once('(') {
        Some((tool, rest)) => match rest.trim_end().strip_suffix(')') {
            Some(spec) => (tool.trim(), Some(spec.trim())),
            None => return false,
        },
        None => (e, None),
    };
    if tool != "Bash" {
        return false;
    }
    let Some(spec) = spec else {
        return true;
    };
    let prefix = spec.trim_end_matches(['*', ':', ' ']).trim();
    prefix.is_empty() || (prefix != spec && SHELL_LIKE.contains(&prefix))
}

// ---------------------------------------------------------------------------------
// What package a server's command runs.

#[derive(Debug, Clone, PartialEq, Eq)]
struct PackageRef {
    spec: String,
    name: String,
    ecosystem: Ecosystem,
    pinned: bool,
}

/// Lower-cased file name of a program, without a Windows extension.
fn program_name(word: &str) -> String {
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let lower = base.to_ascii_lowercase();
    for ext in [".cmd", ".exe", ".bat", ".ps1"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    lower
}

fn analyze_command(command: &str, args: &[String]) -> Option<PackageRef> {
    let mut words: Vec<&str> = Vec::new();
    if args.is_empty() {
        // `"command": "npx -y pkg"` with no args.
        words.extend(command.split_whitespace());
    } else {
        words.push(command.trim());
        words.extend(args.iter().map(String::as_str));
    }
    analyze_words(&words, 0)
}

fn analyze_words(words: &[&str], depth: usize) -> Option<PackageRef> {
    if depth > 4 {
        return None;
    }
    let (first, rest) = words.split_first()?;
    let sub = rest.first().copied();
    match program_name(first).as_str() {
        "npx" | "bunx" | "pnpx" => npm_runner(rest),
        "npm" if matches!(sub, Some("exec" | "x")) => npm_runner(&rest[1..]),
        "pnpm" | "yarn" if sub == Some("dlx") => npm_runner(&rest[1..]),
        "bun" if sub == Some("x") => npm_runner(&rest[1..]),
        "uvx" => python_runner(rest, UVX_VALUE_OPTS, &["--from"]),
        "uv" if sub == Some("tool") && rest.get(1) == Some(&"run") => {
            python_runner(&rest[2..], UVX_VALUE_OPTS, &["--from"])
        }
        "pipx" if sub == Some("run") => python_runner(&rest[1..], PIPX_VALUE_OPTS, &["--spec"]),
        "docker" | "podman" => docker_runner(rest),
        "cmd" if sub.is_some_and(|s| s.eq_ignore_ascii_case("/c")) => analyze_words(&rest[1..], depth + 1),
        "sh" | "bash" | "zsh" | "dash" => {
            let i = rest.iter().position(|w| *w == "-c")?;
            let script: Vec<&str> = rest.get(i + 1)?.split_whitespace().collect();
            analyze_words(&script, depth + 1)
        }
        "env" => {
            let i = rest.iter().position(|w| !w.starts_with('-') && !w.contains('='))?;
            analyze_words(&rest[i..], depth + 1)
        }
        _ => None,
    }
}

const NPM_VALUE_OPTS: &[&str] = &[
    "--registry",
    "--cache",
    "--userconfig",
    "--loglevel",
    "--node-options",
    "--prefix",
    "--workspace",
    "-w",
    "--shell",
];

/// `npx [opts] PKG`, `npx -p PKG [-p PKG] BIN`; options not known to take a value are
/// taken as flags.
fn npm_runner(rest: &[&str]) -> Option<PackageRef> {
    let mut packages: Vec<&str> = Vec::new();
    let mut positional = None;
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i];
        if a == "--" {
            positional = rest.get(i + 1).copied();
            break;
        } else if let Some(v) = a.strip_prefix("--package=") {
            packages.push(v);
        } else if a == "-p" || a == "--package" {
            packages.extend(rest.get(i + 1));
            i += 1;
        } else if a == "-c" || a == "--call" {
            break;
        } else if a.starts_with('-') {
            if NPM_VALUE_OPTS.contains(&a) {
                i += 1;
            }
        } else {
            positional = Some(a);
            break;
        }
        i += 1;
    }
    if packages.is_empty() {
        return npm_spec(positional?);
    }
    let refs: Vec<PackageRef> = packages.iter().filter_map(|p| npm_spec(p)).collect();
    let mut first = refs.first()?.clone();
    first.pinned = refs.iter().all(|r| r.pinned);
    Some(first)
}

fn is_local_path(spec: &str) -> bool {
    spec.starts_with(['.', '/', '~', '\\']) || spec.starts_with("file:") || spec.as_bytes().get(1) == Some(&b':')
    // C:\...
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `x.y.z` with optional `v`/`=` prefix, pre-release and build metadata.
fn is_exact_semver(v: &str) -> bool {
    let v = v.strip_prefix(['v', '=']).unwrap_or(v);
    let v = v.split_once('+').map_or(v, |(core, _)| core);
    let (core, pre) = match v.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (v, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && pre.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
}

fn npm_spec(spec: &str) -> Option<PackageRef> {
    if spec.is_empty() || is_local_path(spec) {
        return None;
    }
    let git_like = ["git+", "git:", "github:", "gitlab:", "bitbucket:", "gist:"].iter().any(|p| spec.starts_with(p))
        || spec.starts_with("http://")
        || spec.starts_with("https://")
        || (!spec.starts_with('@') && spec.contains('/'));
    let (name, pinned) = if git_like {
        match spec.split_once('#') {
            Some((name, reference)) => (name, is_commit(reference)),
            None => (spec, false),
        }
    } else {
        let at =
            if let Some(scoped) = spec.strip_prefix('@') { scoped.find('@').map(|p| p + 1) } else { spec.find('@') };
        match at {
            Some(p) => (&spec[..p], is_exact_semver(&spec[p + 1..])),
            None => (spec, false),
        }
    };
    Some(PackageRef { spec: spec.to_string(), name: name.to_string(), ecosystem: Ecosystem::Npm, pinned })
}

const UVX_VALUE_OPTS: &[&str] = &[
    "--with",
    "-w",
    "--with-editable",
    "--with-requirements",
    "--python",
    "-p",
    "--index",
    "--index-url",
    "-i",
    "--extra-index-url",
    "--default-index",
    "--find-links",
    "-f",
    "--directory",
    "--project",
    "--cache-dir",
    "--config-file",
    "--python-preference",
    "--index-strategy",
    "--keyring-provider",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "--refresh-package",
    "--reinstall-package",
    "--upgrade-package",
    "-P",
    "--color",
    "--env-file",
    "--constraints",
    "--overrides",
];

const PIPX_VALUE_OPTS: &[&str] = &["--python", "--pip-args", "--index-url", "-i", "--backend"];

/// `uvx [opts] SPEC`, `uvx --from SPEC BIN`, `pipx run --spec SPEC BIN`.
fn python_runner(rest: &[&str], value_opts: &[&str], from_opts: &[&str]) -> Option<PackageRef> {
    let mut from = None;
    let mut positional = None;
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i];
        if a == "--" {
            positional = rest.get(i + 1).copied();
            break;
        }
        if let Some(opt) = from_opts.iter().find(|o| a.starts_with(*o)) {
            if a.len() == opt.len() {
                from = rest.get(i + 1).copied();
                i += 1;
            } else if let Some(v) = a[opt.len()..].strip_prefix('=') {
                from = Some(v);
            }
        } else if a.starts_with('-') {
            if value_opts.contains(&a) {
                i += 1;
            }
        } else {
            positional = Some(a);
            break;
        }
        i += 1;
    }
    pypi_spec(from.or(positional)?)
}

/// PEP 503 normalised project name.
fn pypi_normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn pypi_spec(spec: &str) -> Option<PackageRef> {
    if spec.is_empty() || is_local_path(spec) {
        return None;
    }
    let make = |name: &str, pinned: bool| {
        Some(PackageRef { spec: spec.to_string(), name: name.trim().to_string(), ecosystem: Ecosystem::PyPI, pinned })
    };
    let url_pinned = |url: &str| {
        let without_fragment = url.split_once('#').map_or(url, |(u, _)| u);
        let rev = without_fragment.rsplit_once('@').map(|(_, r)| r);
        rev.is_some_and(is_commit) || url.contains("#sha256=")
    };
    let is_url = |s: &str| ["git+", "http://", "https://"].iter().any(|p| s.trim_start().starts_with(p));
    if is_url(spec) {
        let name = spec.split_once('#').map_or(spec, |(u, _)| u);
        return make(name, url_pinned(spec));
    }
    let end = spec.find(|c: char| "[=<>!~@;( ".contains(c)).unwrap_or(spec.len());
    let name = &spec[..end];
    if name.trim().is_empty() {
        return None;
    }
    let mut rest = &spec[end..];
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |p| &rest[p + 1..]);
    }
    let rest = rest.split_once(';').map_or(rest, |(r, _)| r).trim();
    let pinned = if let Some(v) = rest.strip_prefix("===").or_else(|| rest.strip_prefix("==")) {
        let v = v.trim();
        !v.is_empty() && !v.contains(['*', ',', '<', '>', '!', '~'])
    } else if let Some(v) = rest.strip_prefix('@') {
        let v = v.trim();
        if is_url(v) {
            url_pinned(v)
        } else {
            !v.is_empty() && v != "latest" && !v.contains(['*', ',', '<', '>', '!', '~'])
        }
    } else {
        false
    };
    make(name, pinned)
}

const DOCKER_GLOBAL_VALUE_OPTS: &[&str] = &["--context", "-c", "--host", "-H", "--config", "--log-level", "-l"];

const DOCKER_LONG_VALUE_OPTS: &[&str] = &[
    "--env",
    "--env-file",
    "--volume",
    "--publish",
    "--name",
    "--network",
    "--net",
    "--workdir",
    "--user",
    "--entrypoint",
    "--mount",
    "--platform",
    "--label",
    "--label-file",
    "--pull",
    "--memory",
    "--memory-swap",
    "--cpus",
    "--cpu-shares",
    "--cpuset-cpus",
    "--add-host",
    "--cap-add",
    "--cap-drop",
    "--device",
    "--hostname",
    "--restart",
    "--security-opt",
    "--tmpfs",
    "--ulimit",
    "--dns",
    "--expose",
    "--gpus",
    "--ipc",
    "--pid",
    "--log-driver",
    "--log-opt",
    "--runtime",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--userns",
    "--uts",
    "--cgroupns",
    "--group-add",
    "--health-cmd",
    "--isolation",
    "--link",
    "--volumes-from",
    "--mac-address",
    "--ip",
    "--ip6",
    "--network-alias",
    "--attach",
    "--cidfile",
    "--detach-keys",
    "--domainname",
    "--oom-score-adj",
    "--storage-opt",
    "--sysctl",
];

/// Short `docker run` options that take a value (`-e X`, `-eX`, `-it` has none).
const DOCKER_SHORT_VALUE_OPTS: &[u8] = b"evpwulmhac";

fn docker_runner(rest: &[&str]) -> Option<PackageRef> {
    let mut i = 0;
    while i < rest.len() && rest[i].starts_with('-') {
        i += if DOCKER_GLOBAL_VALUE_OPTS.contains(&rest[i]) { 2 } else { 1 };
    }
    if rest.get(i) == Some(&"container") {
        i += 1;
    }
    if rest.get(i) != Some(&"run") {
        return None;
    }
    i += 1;
    while i < rest.len() {
        let a = rest[i];
        if a == "--" {
            return docker_image(rest.get(i + 1)?);
        } else if a.starts_with("--") {
            if !a.contains('=') && DOCKER_LONG_VALUE_OPTS.contains(&a) {
                i += 1;
            }
        } else if let Some(cluster) = a.strip_prefix('-') {
            // pflag short options: a value option takes the rest of the cluster or the
            // next word.
            if let Some(p) = cluster.bytes().position(|b| DOCKER_SHORT_VALUE_OPTS.contains(&b)) {
                if p + 1 == cluster.len() {
                    i += 1;
                }
            }
        } else {
            return docker_image(a);
        }
        i += 1;
    }
    None
}

fn docker_image(image: &str) -> Option<PackageRef> {
    if image.is_empty() {
        return None;
    }
    let (reference, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let pinned = digest.is_some_and(|d| {
        d.strip_prefix("sha256:").is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    let slash = reference.rfind('/').map_or(0, |p| p + 1);
    let name = match reference[slash..].rfind(':') {
        Some(p) => &reference[..slash + p],
        None => reference,
    };
    Some(PackageRef { spec: image.to_string(), name: name.to_string(), ecosystem: Ecosystem::Docker, pinned })
}

// ---------------------------------------------------------------------------------
// Allowlist and judgement.

/// An allowlist of MCP servers. Every entry is a glob (an entry without glob characters
/// matches exactly; an entry that is not a valid glob matches only itself). In names,
/// commands and packages `*` also crosses `/` (`@scope/*`); in URLs it does not: write
/// `https://mcp.example.com/**` for everything under a host (see `url_glob_match`). A server is allowed when its name, its command (as written), its
/// package (with version, or by name only) or its URL matches an entry of the list for
/// that attribute. All lists empty: no allowlist is configured and nothing is judged by it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct McpAllowlist {
    pub names: Vec<String>,
    pub commands: Vec<String>,
    pub packages: Vec<String>,
    pub urls: Vec<String>,
}

fn glob_match(pattern: &str, candidate: &str, literal_separator: bool) -> bool {
    if pattern == candidate {
        return true;
    }
    match globset::GlobBuilder::new(pattern).literal_separator(literal_separator).backslash_escape(true).build() {
        Ok(glob) => glob.compile_matcher().is_match(candidate),
        Err(_) => false,
    }
}

/// URL globs: `*` stays within one `/`-separated part (so `https://*.example.com/**`
/// cannot match `https://evil.net/?.example.com/`), `**` spans parts, and a URL whose
/// authority holds `@`, `?`, `#` or `\` (user info or a host that is not what it looks
/// like) is never allowed by a glob, only by an identical entry.
fn url_glob_match(pattern: &str, url: &str) -> bool {
    if pattern == url {
        return true;
    }
    let authority = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = authority.split('/').next().unwrap_or(authority);
    if authority.contains(['@', '?', '#', '\\']) {
        return false;
    }
    glob_match(pattern, url, true)
}

impl McpAllowlist {
    /// No allowlist configured.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.commands.is_empty() && self.packages.is_empty() && self.urls.is_empty()
    }

    /// Whether `server` matches an entry (an empty allowlist allows nothing: check
    /// [`McpAllowlist::is_empty`] first).
    pub fn allows(&self, server: &McpServer) -> bool {
        let any = |list: &[String], candidate: Option<&str>| {
            candidate.is_some_and(|c| list.iter().any(|p| glob_match(p, c, false)))
        };
        let url_allowed = server.url.as_deref().is_some_and(|u| self.urls.iter().any(|p| url_glob_match(p, u)));
        if url_allowed
            || any(&self.names, Some(&server.name))
            || any(&self.commands, server.command.as_deref())
            || any(&self.packages, server.package.as_deref())
            || any(&self.packages, server.package_name.as_deref())
        {
            return true;
        }
        match (&server.ecosystem, &server.package_name) {
            (Some(Ecosystem::PyPI), Some(name)) => {
                let name = pypi_normalize(name);
                self.packages.iter().any(|p| pypi_normalize(p) == name)
            }
            _ => false,
        }
    }
}

/// One thing a change to an assistant configuration adds that deserves a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFinding {
    /// `mcp-server-not-allowed`, `mcp-server-unpinned`, `claude-bypass-permissions`,
    /// `claude-blanket-allow`, `claude-enable-all-mcp`, `claude-disable-all-hooks`,
    /// `tollgate-hook-removed`.
    pub rule: &'static str,
    pub message: String,
    /// Byte offset in the new text (see [`line_column`]).
    pub offset: usize,
    pub evidence: String,
}

pub const RULE_MCP_NOT_ALLOWED: &str = "mcp-server-not-allowed";
pub const RULE_MCP_UNPINNED: &str = "mcp-server-unpinned";
pub const RULE_BYPASS_PERMISSIONS: &str = "claude-bypass-permissions";
pub const RULE_BLANKET_ALLOW: &str = "claude-blanket-allow";
pub const RULE_ENABLE_ALL_MCP: &str = "claude-enable-all-mcp";
pub const RULE_DISABLE_ALL_HOOKS: &str = "claude-disable-all-hooks";
pub const RULE_HOOK_REMOVED: &str = "tollgate-hook-removed";

/// Judges the new version of the file at `path` against the allowlist. With `old` (the
/// previous version) only what the change added is reported: a server whose definition
/// is unchanged is not judged again, and a setting already there is not reported again;
/// removing tollgate's agent hook (for an event and matcher it had) is reported. A path
/// tollgate does not understand gives no findings. The new text must parse; an old text
/// that does not is treated as absent. Pass an empty `new` to judge a deleted file.
pub fn judge(
    path: &str,
    new: &[u8],
    old: Option<&[u8]>,
    allow: &McpAllowlist,
) -> Result<Vec<ConfigFinding>, ParseError> {
    let Some(kind) = config_kind(path) else {
        return Ok(Vec::new());
    };
    let new_cfg = parse(kind, new)?;
    let old_cfg = old.and_then(|o| parse(kind, o).ok());
    let mut findings = Vec::new();

    for server in &new_cfg.servers {
        let unchanged = old_cfg
            .as_ref()
            .is_some_and(|o| o.servers.iter().any(|s| s.name == server.name && s.definition == server.definition));
        if unchanged {
            continue;
        }
        if !allow.is_empty() && !allow.allows(server) {
            findings.push(ConfigFinding {
                rule: RULE_MCP_NOT_ALLOWED,
                message: format!(
                    "MCP server `{}` ({}) is not in the MCP server allowlist",
                    server.name,
                    server.describe()
                ),
                offset: server.offset,
                evidence: format!("{}: {}", server.name, server.describe()),
            });
        }
        if server.unpinned() {
            let package = server.package.clone().unwrap_or_default();
            let how = if server.ecosystem == Some(Ecosystem::Docker) {
                "pin the image by digest (image@sha256:…)"
            } else {
                "pin an exact version"
            };
            findings.push(ConfigFinding {
                rule: RULE_MCP_UNPINNED,
                message: format!(
                    "MCP server `{}` runs `{package}` without a pinned version: whatever is \
                     published next runs with the agent's access; {how}",
                    server.name
                ),
                offset: server.offset,
                evidence: package,
            });
        }
    }

    if let Some(new_s) = &new_cfg.settings {
        let old_s = old_cfg.as_ref().and_then(|o| o.settings.clone());
        let old_s = old_s.unwrap_or_default();
        if let (Some(at), None) = (new_s.bypass_permissions, old_s.bypass_permissions) {
            findings.push(ConfigFinding {
                rule: RULE_BYPASS_PERMISSIONS,
                message: "permissions.defaultMode is bypassPermissions: the agent runs every \
                          tool without asking"
                    .to_string(),
                offset: at,
                evidence: "\"defaultMode\": \"bypassPermissions\"".to_string(),
            });
        }
        let old_allows: HashSet<&str> = old_s.blanket_allows.iter().map(|(e, _)| e.as_str()).collect();
        for (entry, at) in &new_s.blanket_allows {
            if old_allows.contains(entry.as_str()) {
                continue;
            }
            findings.push(ConfigFinding {
                rule: RULE_BLANKET_ALLOW,
                message: format!(
                    "permissions.allow entry `{entry}` lets the agent run any command without \
                     asking; allow specific commands instead"
                ),
                offset: *at,
                evidence: entry.clone(),
            });
        }
        if let (Some(at), None) = (new_s.enable_all_project_mcp, old_s.enable_all_project_mcp) {
            findings.push(ConfigFinding {
                rule: RULE_ENABLE_ALL_MCP,
                message: "enableAllProjectMcpServers approves every MCP server in .mcp.json \
                          without asking, including ones added later"
                    .to_string(),
                offset: at,
                evidence: "\"enableAllProjectMcpServers\": true".to_string(),
            });
        }
        if let (Some(at), None) = (new_s.disable_all_hooks, old_s.disable_all_hooks) {
            findings.push(ConfigFinding {
                rule: RULE_DISABLE_ALL_HOOKS,
                message: "disableAllHooks turns off every hook, tollgate's agent hook included".to_string(),
                offset: at,
                evidence: "\"disableAllHooks\": true".to_string(),
            });
        }
        let kept: HashSet<(&str, Option<&str>)> = new_s
            .hooks
            .iter()
            .filter(|h| h.is_tollgate_agent_hook())
            .map(|h| (h.event.as_str(), h.matcher.as_deref()))
            .collect();
        let mut reported = HashSet::new();
        for hook in old_s.hooks.iter().filter(|h| h.is_tollgate_agent_hook()) {
            let slot = (hook.event.as_str(), hook.matcher.as_deref());
            if kept.contains(&slot) || !reported.insert(slot) {
                continue;
            }
            let matcher = hook.matcher.as_deref().map(|m| format!(" (matcher `{m}`)")).unwrap_or_default();
            findings.push(ConfigFinding {
                rule: RULE_HOOK_REMOVED,
                message: format!(
                    "tollgate's agent hook for {}{matcher} was removed or changed: the agent's \
                     writes and commands are no longer checked as it works",
                    hook.event
                ),
                offset: new_s.hooks_offset.unwrap_or(0),
                evidence: format!("{}{}: {}", hook.event, matcher, hook.command),
            });
        }
    }
    findings.sort_by_key(|f| f.offset);
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(f: &[ConfigFinding]) -> Vec<&'static str> {
        f.iter().map(|f| f.rule).collect()
    }

    fn servers(kind: ConfigKind, text: &str) -> Vec<McpServer> {
        parse(kind, text.as_bytes()).expect("parses").servers
    }

    fn stdio(command: &str, args: &[&str]) -> McpServer {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let def = serde_json::json!({ "command": command, "args": args });
        let text = serde_json::json!({ "mcpServers": { "s": def } }).to_string();
        servers(ConfigKind::McpJson, &text).remove(0)
    }

    fn allow_packages(list: &[&str]) -> McpAllowlist {
        McpAllowlist { packages: list.iter().map(|s| s.to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn jsonc_reads_as_a_value_and_errors_have_a_place() {
        let v = read_jsonc(b"{\n  // the model\n  \"model\": \"opus\",\n}").unwrap();
        assert_eq!(v["model"], "opus");
        assert_eq!(read_jsonc(b"  ").unwrap(), serde_json::json!({}));
        let e = read_jsonc(b"{\n  \"model\": ]\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 12));
    }

    // --- config_kind ---------------------------------------------------------------

    #[test]
    fn kinds_by_path() {
        use ConfigKind::*;
        let cases = [
            (".mcp.json", Some(McpJson)),
            ("./.mcp.json", Some(McpJson)),
            ("services/api/.mcp.json", Some(McpJson)),
            (".cursor/mcp.json", Some(McpJson)),
            (".roo/mcp.json", Some(McpJson)),
            (".continue/mcpServers/github.json", Some(McpJson)),
            (".continue/mcpServers/github.yaml", None),
            (".vscode/mcp.json", Some(VsCodeMcp)),
            (".vscode\\mcp.json", Some(VsCodeMcp)),
            (".vscode/settings.json", Some(VsCodeSettings)),
            (".claude/settings.json", Some(ClaudeSettings)),
            (".claude/settings.local.json", Some(ClaudeSettings)),
            (".Claude/Settings.json", Some(ClaudeSettings)),
            (".gemini/settings.json", Some(GeminiSettings)),
            ("mcp.json", None),
            ("settings.json", None),
            ("docs/.claude/commands/x.md", None),
            ("CLAUDE.md", None),
            ("", None),
        ];
        for (path, want) in cases {
            assert_eq!(config_kind(path), want, "{path}");
        }
    }

    // --- parsing, offsets, errors ---------------------------------------------------

    #[test]
    fn server_offset_is_its_key_not_an_earlier_mention() {
        let text = r#"{
  "description": "github",
  "github": {"command": "x"},
  "mcpServers": {
    "other": {"command": "npx", "args": ["github"]},
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@1.2.3"]}
  }
}"#;
        let s = servers(ConfigKind::McpJson, text);
        assert_eq!(s.len(), 2);
        let gh = &s[1];
        assert_eq!(gh.name, "github");
        assert_eq!(&text[gh.offset..gh.offset + 8], "\"github\"");
        assert_eq!(line_column(text.as_bytes(), gh.offset), (6, 5));
        assert_eq!(gh.transport, "stdio");
        assert_eq!(gh.package.as_deref(), Some("@modelcontextprotocol/server-github@1.2.3"));
        assert_eq!(gh.package_name.as_deref(), Some("@modelcontextprotocol/server-github"));
        assert!(gh.pinned);
    }

    #[test]
    fn escaped_and_duplicate_keys() {
        let text = r#"{"mcpServers": {"a\u002db": {"command": "old"}, "x": {}, "a-b": {"command": "new"}}}"#;
        let s = servers(ConfigKind::McpJson, text);
        // serde_json keeps the last value of a duplicate key; the offset must agree.
        let ab = s.iter().find(|s| s.name == "a-b").unwrap();
        assert_eq!(ab.command.as_deref(), Some("new"));
        assert_eq!(&text[ab.offset..ab.offset + 5], "\"a-b\"");
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let text = "{\n  \"mcpServers\": {\n    \"a\": {\"command\" \"npx\"}\n  }\n}\n";
        let e = parse(ConfigKind::McpJson, text.as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (3, 21), "{e}");
        assert!(e.message.contains("expected `:`"), "{e}");
        // Columns count characters, not bytes.
        let e = parse(ConfigKind::McpJson, "{\"é\": x}".as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 7), "{e}");
        // Truncated file.
        let e = parse(ConfigKind::McpJson, b"{\"mcpServers\": {\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        // judge reports the error too.
        assert!(judge(".mcp.json", b"{,", None, &McpAllowlist::default()).is_err());
    }

    #[test]
    fn wrong_types_are_errors_where_they_are() {
        let text = "{\"mcpServers\": {\n  \"a\": {\"command\": \"npx\", \"args\": [\"-y\", 3]}}}";
        let e = parse(ConfigKind::McpJson, text.as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 42), "{e}");
        assert!(e.message.contains("mcpServers.a.args[1]"), "{e}");
        let e = parse(ConfigKind::McpJson, b"{\"mcpServers\": []}").unwrap_err();
        assert_eq!((e.line, e.column), (1, 16), "{e}");
        let e = parse(ConfigKind::McpJson, b"[]").unwrap_err();
        assert!(e.message.contains("top level"), "{e}");
        let e = parse(ConfigKind::McpJson, b"{\"mcpServers\": {\"a\": \"npx\"}}").unwrap_err();
        assert!(e.message.contains("mcpServers.a"), "{e}");
        let e = parse(ConfigKind::ClaudeSettings, b"{\"permissions\": {\"allow\": \"Bash\"}}").unwrap_err();
        assert!(e.message.contains("permissions.allow"), "{e}");
        let e = parse(ConfigKind::ClaudeSettings, b"{\"enableAllProjectMcpServers\": \"yes\"}").unwrap_err();
        assert!(e.message.contains("true or false"), "{e}");
    }

    #[test]
    fn empty_file_is_an_empty_object() {
        for text in ["", "  \n", "// nothing yet\n"] {
            let p = parse(ConfigKind::ClaudeSettings, text.as_bytes()).unwrap();
            assert!(p.servers.is_empty());
            assert_eq!(p.settings, Some(ClaudeSettingsFacts::default()));
        }
    }

    #[test]
    fn jsonc_comments_trailing_commas_and_bom() {
        let text = "\u{feff}// VS Code MCP servers\n{\n  /* inputs: \"mcpServers\" {\n  */ \"inputs\": [],\n  \"servers\": {\n    // \"fake\": {\"command\": \"x\"},\n    \"fs\": {\"type\": \"stdio\", \"command\": \"npx\", \"args\": [\"@scope/fs\", \"// not a comment\",],}, // trailing\n  },\n}\n";
        let s = servers(ConfigKind::VsCodeMcp, text);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "fs");
        assert_eq!(s[0].args, vec!["@scope/fs", "// not a comment"]);
        assert_eq!(line_column(text.as_bytes(), s[0].offset), (7, 5));
        assert!(s[0].unpinned());
        // An unterminated block comment is an error at the comment.
        let e = parse(ConfigKind::VsCodeMcp, b"{\n /* open\n}").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        // A VS Code file keys servers under "servers", not "mcpServers".
        let s = servers(ConfigKind::VsCodeMcp, r#"{"mcpServers": {"a": {"command": "x"}}}"#);
        assert!(s.is_empty());
    }

    #[test]
    fn vscode_settings_mcp_servers() {
        let text = r#"{"editor.tabSize": 2, "mcp": {"servers": {"s": {"command": "uvx", "args": ["tool"]}}}}"#;
        let s = servers(ConfigKind::VsCodeSettings, text);
        assert_eq!(s[0].name, "s");
        assert_eq!(s[0].ecosystem, Some(Ecosystem::PyPI));
        assert!(servers(ConfigKind::VsCodeSettings, r#"{"editor.tabSize": 2}"#).is_empty());
    }

    #[test]
    fn transports_and_urls() {
        let text = r#"{"mcpServers": {
            "h": {"type": "http", "url": "https://mcp.example.com/mcp", "headers": {}},
            "s": {"type": "sse", "url": "https://mcp.example.com/sse"},
            "implied": {"url": "https://x.example/mcp"},
            "local": {"command": "node", "args": ["server.js"]}
        }}"#;
        let s = servers(ConfigKind::McpJson, text);
        let t: Vec<&str> = s.iter().map(|s| s.transport.as_str()).collect();
        assert_eq!(t, ["http", "sse", "http", "stdio"]);
        assert_eq!(s[0].url.as_deref(), Some("https://mcp.example.com/mcp"));
        assert!(s[3].package.is_none() && !s[3].unpinned());
        let g = servers(
            ConfigKind::GeminiSettings,
            r#"{"mcpServers": {"a": {"url": "https://a/sse"}, "b": {"httpUrl": "https://b/mcp"}}}"#,
        );
        assert_eq!((g[0].transport.as_str(), g[1].transport.as_str()), ("sse", "http"));
        assert_eq!(g[1].url.as_deref(), Some("https://b/mcp"));
    }

    // --- packages and pins ----------------------------------------------------------

    #[test]
    fn npx_pinned_and_unpinned() {
        let s = stdio("npx", &["-y", "@scope/pkg@1.2.3"]);
        assert_eq!(s.package.as_deref(), Some("@scope/pkg@1.2.3"));
        assert_eq!(s.package_name.as_deref(), Some("@scope/pkg"));
        assert_eq!(s.ecosystem, Some(Ecosystem::Npm));
        assert!(s.pinned);
        let s = stdio("npx", &["@scope/pkg"]);
        assert_eq!(s.package.as_deref(), Some("@scope/pkg"));
        assert!(s.unpinned());
        for spec in ["pkg@latest", "pkg@^1.2.3", "pkg@~1.2", "pkg@1.x", "pkg@1", "user/repo"] {
            assert!(stdio("npx", &["-y", spec]).unpinned(), "{spec}");
        }
        for spec in ["pkg@1.2.3-beta.1", "pkg@v1.0.0", "pkg@1.0.0+build.5"] {
            assert!(stdio("npx", &["--yes", spec]).pinned, "{spec}");
        }
        let commit = "github:o/r#0123456789abcdef0123456789abcdef01234567";
        assert!(stdio("npx", &[commit]).pinned);
        assert!(stdio("npx", &["github:o/r#main"]).unpinned());
    }

    #[test]
    fn other_npm_runners() {
        let s = stdio("npx", &["-p", "@a/b@1.0.0", "--package=c@2.0.0", "bin", "arg"]);
        assert_eq!(s.package.as_deref(), Some("@a/b@1.0.0"));
        assert!(s.pinned);
        assert!(stdio("npx", &["-p", "@a/b@1.0.0", "-p", "c", "bin"]).unpinned());
        assert!(stdio("/usr/local/bin/npx", &["pkg"]).unpinned());
        assert!(stdio("npx.cmd", &["pkg"]).unpinned());
        assert!(stdio("cmd", &["/c", "npx", "-y", "pkg"]).unpinned());
        assert!(stdio("bunx", &["pkg"]).unpinned());
        assert!(stdio("pnpm", &["dlx", "pkg@1.0.0"]).pinned);
        assert!(stdio("npm", &["exec", "--", "pkg"]).unpinned());
        assert!(stdio("npx", &["--registry", "https://r.example", "pkg@1.0.0"]).pinned);
        assert!(stdio("sh", &["-c", "npx -y pkg"]).unpinned());
        assert!(stdio("env", &["A=1", "npx", "pkg"]).unpinned());
        // The whole command line in `command`.
        assert!(stdio("npx -y pkg", &[]).unpinned());
        // Local scripts are not registry packages.
        assert!(stdio("npx", &["./tools/server.js"]).package.is_none());
        assert!(stdio("node", &["server.js"]).package.is_none());
        assert!(stdio("npx", &["-y"]).package.is_none());
    }

    #[test]
    fn python_runners() {
        let s = stdio("uvx", &["mcp-server-git==1.0"]);
        assert_eq!(s.package.as_deref(), Some("mcp-server-git==1.0"));
        assert_eq!(s.package_name.as_deref(), Some("mcp-server-git"));
        assert_eq!(s.ecosystem, Some(Ecosystem::PyPI));
        assert!(s.pinned);
        assert!(stdio("uvx", &["mcp-server-git"]).unpinned());
        assert!(stdio("uvx", &["pkg>=1.0"]).unpinned());
        assert!(stdio("uvx", &["pkg==1.*"]).unpinned());
        assert!(stdio("uvx", &["pkg[extra]==2.0.1"]).pinned);
        assert!(stdio("uvx", &["pkg@1.4"]).pinned);
        assert!(stdio("uvx", &["pkg@latest"]).unpinned());
        assert!(stdio("uvx", &["--python", "3.12", "pkg==1.0"]).pinned);
        let s = stdio("uvx", &["--from", "pkg==1.0", "pkg-cli"]);
        assert_eq!(s.package.as_deref(), Some("pkg==1.0"));
        assert!(s.pinned);
        assert!(stdio("uvx", &["--from=pkg", "pkg-cli"]).unpinned());
        let git = "git+https://github.com/o/r@0123456789abcdef0123456789abcdef01234567";
        assert!(stdio("uvx", &["--from", git, "r"]).pinned);
        assert!(stdio("uvx", &["--from", "git+https://github.com/o/r", "r"]).unpinned());
        assert!(stdio("uv", &["tool", "run", "pkg==3"]).pinned);
        assert!(stdio("pipx", &["run", "pkg"]).unpinned());
        assert!(stdio("pipx", &["run", "--spec", "pkg==1.0", "pkg"]).pinned);
        assert!(stdio("uvx", &["--with", "x", "."]).package.is_none());
    }

    #[test]
    fn docker_images() {
        let digest = format!("ghcr.io/github/github-mcp-server@sha256:{}", "a".repeat(64));
        let s = stdio("docker", &["run", "-i", "--rm", "-e", "TOKEN", &digest]);
        assert_eq!(s.package.as_deref(), Some(digest.as_str()));
        assert_eq!(s.package_name.as_deref(), Some("ghcr.io/github/github-mcp-server"));
        assert_eq!(s.ecosystem, Some(Ecosystem::Docker));
        assert!(s.pinned);
        let s = stdio("docker", &["run", "-it", "--rm", "mcp/fetch:latest"]);
        assert_eq!(s.package.as_deref(), Some("mcp/fetch:latest"));
        assert_eq!(s.package_name.as_deref(), Some("mcp/fetch"));
        assert!(s.unpinned());
        // A tag is mutable: only a digest pins.
        assert!(stdio("docker", &["run", "img:1.2.3"]).unpinned());
        assert!(stdio("docker", &["run", "img@sha256:abc"]).unpinned());
        let s = stdio("docker", &["run", "-eA=1", "-v", "/a:/b", "--env=B", "--name", "n", "localhost:5000/img"]);
        assert_eq!(s.package_name.as_deref(), Some("localhost:5000/img"));
        let s = stdio("podman", &["container", "run", "--network", "host", "img"]);
        assert_eq!(s.package.as_deref(), Some("img"));
        assert!(stdio("docker", &["exec", "-i", "c", "srv"]).package.is_none());
    }

    // --- allowlist ------------------------------------------------------------------

    #[test]
    fn allowlist_matching() {
        let pinned = stdio("npx", &["-y", "@scope/pkg@1.2.3"]);
        assert!(allow_packages(&["@scope/pkg"]).allows(&pinned));
        assert!(allow_packages(&["@scope/pkg@1.2.3"]).allows(&pinned));
        assert!(allow_packages(&["@scope/*"]).allows(&pinned));
        assert!(!allow_packages(&["@scope/pkg@1.2.4"]).allows(&pinned));
        assert!(!allow_packages(&["@scope/pk"]).allows(&pinned));
        assert!(allow_packages(&["Mcp_Server.Git"]).allows(&stdio("uvx", &["mcp-server-git"])));
        let by_name = McpAllowlist { names: vec!["s".into()], ..Default::default() };
        assert!(by_name.allows(&pinned));
        let by_command = McpAllowlist { commands: vec!["node".into()], ..Default::default() };
        assert!(by_command.allows(&stdio("node", &["x.js"])));
        assert!(!by_command.allows(&stdio("/tmp/node", &["x.js"])));
        assert!(McpAllowlist::default().is_empty());
        assert!(!McpAllowlist::default().allows(&pinned));
    }

    #[test]
    fn allowlist_deserializes_with_missing_lists() {
        let a: McpAllowlist = serde_json::from_str(r#"{"urls": ["https://*.example.com/*"]}"#).expect("deserializes");
        assert_eq!(a.urls.len(), 1);
        assert!(a.names.is_empty() && !a.is_empty());
    }

    #[test]
    fn remote_servers_against_url_globs() {
        let text = br#"{"mcpServers": {
            "ok": {"type": "http", "url": "https://mcp.example.com/v1/mcp"},
            "ok-sse": {"type": "sse", "url": "https://sse.example.com/sse"},
            "bad": {"type": "http", "url": "https://evil.example.net/mcp"},
            "lookalike": {"type": "sse", "url": "https://mcp.example.com.evil.net/sse"},
            "ok-deep": {"type": "http", "url": "https://a.example.org/x/y/z"},
            "query": {"type": "http", "url": "https://evil.net?.example.org/x"},
            "path": {"type": "http", "url": "https://evil.net/.example.org/x"},
            "userinfo": {"type": "http", "url": "https://mcp.example.com@evil.net/x"}
        }}"#;
        let allow = McpAllowlist {
            urls: vec![
                "https://mcp.example.com/**".into(),
                "https://*.example.com/sse".into(),
                "https://*.example.org/**".into(),
            ],
            ..Default::default()
        };
        let f = judge(".mcp.json", text, None, &allow).unwrap();
        let flagged: Vec<&str> = f.iter().map(|f| f.evidence.as_str()).collect();
        assert_eq!(
            flagged,
            [
                "bad: https://evil.example.net/mcp",
                "lookalike: https://mcp.example.com.evil.net/sse",
                "query: https://evil.net?.example.org/x",
                "path: https://evil.net/.example.org/x",
                "userinfo: https://mcp.example.com@evil.net/x"
            ]
        );
        assert!(f.iter().all(|f| f.rule == RULE_MCP_NOT_ALLOWED));
    }

    // --- judge: MCP rules -----------------------------------------------------------

    const PINNED: &str = r#"{"mcpServers": {"gh": {"command": "npx", "args": ["-y", "@scope/pkg@1.2.3"]}}}"#;
    const UNPINNED: &str = r#"{"mcpServers": {"gh": {"command": "npx", "args": ["@scope/pkg"]}}}"#;

    #[test]
    fn not_allowed_positive_and_negative() {
        let allow = allow_packages(&["@other/pkg"]);
        let f = judge(".mcp.json", PINNED.as_bytes(), None, &allow).unwrap();
        assert_eq!(rules(&f), [RULE_MCP_NOT_ALLOWED]);
        assert_eq!(&PINNED[f[0].offset..f[0].offset + 4], "\"gh\"");
        assert!(f[0].message.contains("npx -y @scope/pkg@1.2.3"));
        let allow = allow_packages(&["@scope/pkg"]);
        assert!(judge(".mcp.json", PINNED.as_bytes(), None, &allow).unwrap().is_empty());
        // No allowlist configured: nothing judged by it.
        let f = judge(".mcp.json", PINNED.as_bytes(), None, &McpAllowlist::default()).unwrap();
        assert!(f.is_empty());
    }

    #[test]
    fn unpinned_positive_and_negative() {
        let none = McpAllowlist::default();
        let f = judge(".cursor/mcp.json", UNPINNED.as_bytes(), None, &none).unwrap();
        assert_eq!(rules(&f), [RULE_MCP_UNPINNED]);
        assert_eq!(f[0].evidence, "@scope/pkg");
        assert!(judge(".cursor/mcp.json", PINNED.as_bytes(), None, &none).unwrap().is_empty());
        // Allowed but unpinned: still unpinned.
        let allow = allow_packages(&["@scope/pkg"]);
        let f = judge(".mcp.json", UNPINNED.as_bytes(), None, &allow).unwrap();
        assert_eq!(rules(&f), [RULE_MCP_UNPINNED]);
    }

    #[test]
    fn servers_already_there_are_not_judged_again() {
        let allow = allow_packages(&["@nothing/allowed"]);
        let old = UNPINNED;
        let new = r#"{"mcpServers": {
            "gh": {"command": "npx", "args": ["@scope/pkg"]},
            "new": {"command": "uvx", "args": ["tool"]}
        }}"#;
        let f = judge(".mcp.json", new.as_bytes(), Some(old.as_bytes()), &allow).unwrap();
        assert_eq!(rules(&f), [RULE_MCP_NOT_ALLOWED, RULE_MCP_UNPINNED]);
        assert!(f.iter().all(|f| f.evidence.starts_with("new") || f.evidence == "tool"));
        // A changed definition under the same name is judged again.
        let f = judge(".mcp.json", UNPINNED.as_bytes(), Some(PINNED.as_bytes()), &McpAllowlist::default()).unwrap();
        assert_eq!(rules(&f), [RULE_MCP_UNPINNED]);
        // An old version that does not parse counts as absent.
        let f = judge(".mcp.json", UNPINNED.as_bytes(), Some(b"{"), &McpAllowlist::default());
        assert_eq!(rules(&f.unwrap()), [RULE_MCP_UNPINNED]);
    }

    #[test]
    fn gemini_and_vscode_are_judged() {
        let none = McpAllowlist::default();
        let f = judge(".gemini/settings.json", UNPINNED.as_bytes(), None, &none).unwrap();
        assert_eq!(rules(&f), [RULE_MCP_UNPINNED]);
        let vs = r#"{"servers": {"a": {"type": "stdio", "command": "npx", "args": ["x"]}}, "inputs": []}"#;
        let f = judge(".vscode/mcp.json", vs.as_bytes(), None, &none).unwrap();
        assert_eq!(rules(&f), [RULE_MCP_UNPINNED]);
        assert!(judge("README.md", b"not json", None, &none).unwrap().is_empty());
    }

    // --- judge: Claude settings -----------------------------------------------------

    fn judge_settings(new: &str, old: Option<&str>) -> Vec<ConfigFinding> {
        judge(".claude/settings.json", new.as_bytes(), old.map(str::as_bytes), &McpAllowlist::default()).unwrap()
    }

    #[test]
    fn bypass_permissions() {
        let text = "{\n  \"permissions\": {\n    \"defaultMode\": \"bypassPermissions\"\n  }\n}";
        let f = judge_settings(text, None);
        assert_eq!(rules(&f), [RULE_BYPASS_PERMISSIONS]);
        assert_eq!(line_column(text.as_bytes(), f[0].offset), (3, 5));
        assert!(judge_settings(r#"{"permissions": {"defaultMode": "acceptEdits"}}"#, None).is_empty());
        // Top-level defaultMode is not the setting.
        assert!(judge_settings(r#"{"defaultMode": "bypassPermissions"}"#, None).is_empty());
        // Already there before: not reported again.
        assert!(judge_settings(text, Some(text)).is_empty());
    }

    #[test]
    fn blanket_allows() {
        let text = r#"{"permissions": {"allow": ["Bash(npm run test:*)", "Bash(*)", "Read(./src/**)", "Bash", "Bash(:*)", "*", "Bash(sh:*)", "Bash(shellcheck:*)", "Edit"]}}"#;
        let f = judge_settings(text, None);
        let got: Vec<&str> = f.iter().map(|f| f.evidence.as_str()).collect();
        assert_eq!(got, ["Bash(*)", "Bash", "Bash(:*)", "*", "Bash(sh:*)"]);
        assert!(f.iter().all(|f| f.rule == RULE_BLANKET_ALLOW));
        assert_eq!(&text[f[0].offset..f[0].offset + 9], "\"Bash(*)\"");
        assert!(judge_settings(r#"{"permissions": {"allow": ["Bash(git status)", "Bash(ls:*)"]}}"#, None).is_empty());
        // Only the newly added blanket entry is reported.
        let old = r#"{"permissions": {"allow": ["Bash"]}}"#;
        let new = r#"{"permissions": {"allow": ["Bash", "Bash(*)"]}}"#;
        let f = judge_settings(new, Some(old));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence, "Bash(*)");
    }

    #[test]
    fn enable_all_project_mcp_and_disable_all_hooks() {
        let f = judge_settings(r#"{"enableAllProjectMcpServers": true, "disableAllHooks": true}"#, None);
        assert_eq!(rules(&f), [RULE_ENABLE_ALL_MCP, RULE_DISABLE_ALL_HOOKS]);
        let off = r#"{"enableAllProjectMcpServers": false, "disableAllHooks": false}"#;
        assert!(judge_settings(off, None).is_empty());
        let f = judge_settings(r#"{"disableAllHooks": true}"#, Some(r#"{"disableAllHooks": false}"#));
        assert_eq!(rules(&f), [RULE_DISABLE_ALL_HOOKS]);
        let f =
            judge_settings(r#"{"enableAllProjectMcpServers": true}"#, Some(r#"{"enableAllProjectMcpServers": true}"#));
        assert!(f.is_empty());
    }

    const WITH_HOOK: &str = r#"{
  "permissions": {"allow": ["Bash(npm test)"]},
  "hooks": {
    "PreToolUse": [
      {"matcher": "Write|Edit|MultiEdit|NotebookEdit|Bash",
       "hooks": [{"type": "command", "command": "tollgate agent-hook", "timeout": 30}]}
    ],
    "UserPromptSubmit": [
      {"hooks": [{"type": "command", "command": "\"$CLAUDE_PROJECT_DIR\"/bin/tollgate agent-hook"}]}
    ],
    "Stop": [{"hooks": [{"type": "command", "command": "echo done"}]}]
  }
}"#;

    #[test]
    fn hook_commands_are_collected() {
        let p = parse(ConfigKind::ClaudeSettings, WITH_HOOK.as_bytes()).unwrap();
        let s = p.settings.unwrap();
        assert_eq!(
            s.hook_commands(),
            ["tollgate agent-hook", "\"$CLAUDE_PROJECT_DIR\"/bin/tollgate agent-hook", "echo done"]
        );
        assert_eq!(s.hooks[0].matcher.as_deref(), Some("Write|Edit|MultiEdit|NotebookEdit|Bash"));
        assert!(s.hooks[0].is_tollgate_agent_hook());
        assert!(s.hooks[1].is_tollgate_agent_hook());
        assert!(!s.hooks[2].is_tollgate_agent_hook());
        assert_eq!(line_column(WITH_HOOK.as_bytes(), s.hooks[0].offset), (6, 38));
    }

    #[test]
    fn tollgate_hook_removed() {
        // Unchanged: nothing.
        assert!(judge_settings(WITH_HOOK, Some(WITH_HOOK)).is_empty());
        // Added: nothing.
        assert!(judge_settings(WITH_HOOK, Some("{}")).is_empty());
        // The PreToolUse entry removed, other hooks kept.
        let new = r#"{
  "hooks": {
    "UserPromptSubmit": [
      {"hooks": [{"type": "command", "command": "\"$CLAUDE_PROJECT_DIR\"/bin/tollgate agent-hook"}]}
    ],
    "Stop": [{"hooks": [{"type": "command", "command": "echo done"}]}]
  }
}"#;
        let f = judge_settings(new, Some(WITH_HOOK));
        assert_eq!(rules(&f), [RULE_HOOK_REMOVED]);
        assert!(f[0].message.contains("PreToolUse"));
        assert_eq!(&new[f[0].offset..f[0].offset + 7], "\"hooks\"");
        // Matcher narrowed: counts as removed for the old matcher.
        let narrowed = WITH_HOOK.replace("Write|Edit|MultiEdit|NotebookEdit|Bash", "Write");
        let f = judge_settings(&narrowed, Some(WITH_HOOK));
        assert_eq!(rules(&f), [RULE_HOOK_REMOVED]);
        // Command replaced.
        let replaced = WITH_HOOK.replace("\"tollgate agent-hook\"", "\"true\"");
        assert_eq!(rules(&judge_settings(&replaced, Some(WITH_HOOK))), [RULE_HOOK_REMOVED]);
        // Every hook gone, and the file deleted (judged as empty).
        let f = judge_settings(r#"{"permissions": {}}"#, Some(WITH_HOOK));
        assert_eq!(rules(&f), [RULE_HOOK_REMOVED, RULE_HOOK_REMOVED]);
        assert_eq!(rules(&judge_settings("", Some(WITH_HOOK))).len(), 2);
        // A removed hook that was not tollgate's: nothing.
        let no_stop =
            WITH_HOOK.replace(r#""Stop": [{"hooks": [{"type": "command", "command": "echo done"}]}]"#, r#""Stop": []"#);
        assert!(judge_settings(&no_stop, Some(WITH_HOOK)).is_empty());
    }

    #[test]
    fn settings_local_is_judged_and_findings_are_in_file_order() {
        let text = r#"{"disableAllHooks": true, "permissions": {"defaultMode": "bypassPermissions", "allow": ["*"]}}"#;
        let f = judge(".claude/settings.local.json", text.as_bytes(), None, &McpAllowlist::default()).unwrap();
        assert_eq!(rules(&f), [RULE_DISABLE_ALL_HOOKS, RULE_BYPASS_PERMISSIONS, RULE_BLANKET_ALLOW]);
    }

    #[test]
    fn line_column_counts() {
        let t = "ab\ncé\nx".as_bytes();
        assert_eq!(line_column(t, 0), (1, 1));
        assert_eq!(line_column(t, 3), (2, 1));
        assert_eq!(line_column(t, 6), (2, 3)); // after 'é' (2 bytes)
        assert_eq!(line_column(t, 7), (3, 1));
        assert_eq!(line_column(t, 100), (3, 2));
    }
}
