//! `tollgate inventory`: fixture repositories set up for each assistant, one set up for
//! all of them with AI commits across months and paths and a hand-written audit log,
//! and the CycloneDX document checked against the official 1.6 schema.

mod common;

use std::path::Path;
use std::process::Command;

use common::{git_cmd, json, run_in, text, Repo};
use serde_json::{json, Value};

/// `tollgate inventory ARGS` in `dir`, which must succeed.
fn inventory(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["inventory"];
    all.extend_from_slice(args);
    let out = run_in(dir, "tollgate", &all, "");
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", text(&out.stdout), text(&out.stderr));
    out
}

/// Commits everything with author and committer date `date` (ISO 8601).
fn commit_at(repo: &Repo, message: &str, date: &str) {
    repo.git(&["add", "-A"]);
    let out = git_cmd(repo.path())
        .args(["commit", "-q", "--no-verify", "-m", message])
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git commit");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// What an empty repository's commit section says.
fn no_commits() -> Value {
    json!({
        "range": "HEAD", "commits": 0, "ai_commits": 0,
        "by_assistant": {}, "by_path": {}, "by_month": {},
        "lines": {"commits_with_record": 0, "commits_without_record": 0, "added_lines": 0, "agent_lines": 0, "share": null}
    })
}

fn server(name: &str, assistant: &str, file: &str, transport: &str) -> Value {
    json!({"name": name, "assistant": assistant, "file": file, "transport": transport,
           "command": null, "package": null, "pinned": null, "url": null, "allowed": null})
}

fn with(mut v: Value, fields: Value) -> Value {
    for (k, x) in fields.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn model(name: &str, provider: Option<&str>, assistant: &str, file: &str, setting: &str) -> Value {
    json!({"name": name, "provider": provider, "assistant": assistant, "file": file, "setting": setting})
}

struct Fixture {
    files: &'static [(&'static str, &'static str)],
    assistants: Value,
    servers: Value,
    models: Value,
    hooks: Value,
    agent_hook: bool,
}

fn fixtures() -> Vec<(&'static str, Fixture)> {
    vec![
        (
            "claude-code",
            Fixture {
                files: &[
                    ("CLAUDE.md", "# How we work\n"),
                    ("services/api/CLAUDE.md", "# The API\n"),
                    (
                        ".claude/settings.json",
                        r#"{
  // shared settings
  "model": "claude-sonnet-4-5",
  "hooks": {
    "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "tollgate agent-hook"}]}],
    "PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "cargo fmt"}]}]
  },
}"#,
                    ),
                    (
                        ".mcp.json",
                        r#"{"mcpServers": {
  "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@1.2.3"]},
  "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "."]},
  "docs": {"type": "http", "url": "https://mcp.example.com/mcp"}
}}"#,
                    ),
                ],
                assistants: json!([{"id": "claude-code", "name": "Claude Code",
                    "files": [".claude/settings.json", ".mcp.json", "CLAUDE.md", "services/api/CLAUDE.md"]}]),
                servers: json!([
                    with(server("docs", "claude-code", ".mcp.json", "http"), json!({"url": "https://mcp.example.com/mcp"})),
                    with(server("fs", "claude-code", ".mcp.json", "stdio"),
                        json!({"command": "npx", "package": "@modelcontextprotocol/server-filesystem", "pinned": false})),
                    with(server("github", "claude-code", ".mcp.json", "stdio"),
                        json!({"command": "npx", "package": "@modelcontextprotocol/server-github@1.2.3", "pinned": true})),
                ]),
                models: json!([model("claude-sonnet-4-5", None, "claude-code", ".claude/settings.json", "model")]),
                hooks: json!([
                    {"assistant": "claude-code", "file": ".claude/settings.json", "event": "PostToolUse",
                     "matcher": "Edit", "command": "cargo fmt", "tollgate": false},
                    {"assistant": "claude-code", "file": ".claude/settings.json", "event": "PreToolUse",
                     "matcher": "Bash", "command": "tollgate agent-hook", "tollgate": true},
                ]),
                agent_hook: true,
            },
        ),
        (
            "claude-code without tollgate's hook",
            Fixture {
                files: &[(".claude/settings.json", r#"{"permissions": {"allow": ["Bash(npm test)"]}}"#)],
                assistants: json!([{"id": "claude-code", "name": "Claude Code", "files": [".claude/settings.json"]}]),
                servers: json!([]),
                models: json!([]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "agents-md",
            Fixture {
                files: &[("AGENTS.md", "# Agents\n"), ("README.md", "# Not configuration\n")],
                assistants: json!([{"id": "agents-md", "name": "AGENTS.md", "files": ["AGENTS.md"]}]),
                servers: json!([]),
                models: json!([]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "codex",
            Fixture {
                files: &[(
                    ".codex/config.toml",
                    "model = \"o4-mini\"\nmodel_provider = \"openai\"\n\n[mcp_servers.context]\ncommand = \"npx\"\nargs = [\"-y\", \"context-server@2.0.0\"]\n",
                )],
                assistants: json!([{"id": "codex", "name": "OpenAI Codex", "files": [".codex/config.toml"]}]),
                servers: json!([with(server("context", "codex", ".codex/config.toml", "stdio"),
                    json!({"command": "npx", "package": "context-server@2.0.0", "pinned": true}))]),
                models: json!([model("o4-mini", Some("openai"), "codex", ".codex/config.toml", "model")]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "cursor",
            Fixture {
                files: &[
                    (".cursorrules", "Be brief.\n"),
                    (".cursor/rules/style.mdc", "---\ndescription: style\n---\nUse tabs.\n"),
                    (".cursor/mcp.json", r#"{"mcpServers": {"search": {"url": "https://search.example.com/sse"}}}"#),
                    (".cursor/hooks.json", r#"{"version": 1, "hooks": {"afterFileEdit": [{"command": "./hooks/format.sh"}]}}"#),
                ],
                assistants: json!([{"id": "cursor", "name": "Cursor",
                    "files": [".cursor/hooks.json", ".cursor/mcp.json", ".cursor/rules/style.mdc", ".cursorrules"]}]),
                servers: json!([with(server("search", "cursor", ".cursor/mcp.json", "http"),
                    json!({"url": "https://search.example.com/sse"}))]),
                models: json!([]),
                hooks: json!([{"assistant": "cursor", "file": ".cursor/hooks.json", "event": "afterFileEdit",
                    "matcher": null, "command": "./hooks/format.sh", "tollgate": false}]),
                agent_hook: false,
            },
        ),
        (
            "copilot",
            Fixture {
                files: &[
                    (".github/copilot-instructions.md", "Prefer small functions.\n"),
                    (".github/instructions/rust.instructions.md", "---\napplyTo: \"**/*.rs\"\n---\n"),
                    (".github/workflows/ci.yml", "on: push\n"),
                    (".vscode/mcp.json", r#"{"servers": {"pg": {"type": "stdio", "command": "uvx", "args": ["postgres-mcp"]}}, "inputs": []}"#),
                    (".vscode/settings.json", r#"{"editor.tabSize": 4}"#),
                ],
                assistants: json!([{"id": "copilot", "name": "GitHub Copilot",
                    "files": [".github/copilot-instructions.md", ".github/instructions/rust.instructions.md", ".vscode/mcp.json"]}]),
                servers: json!([with(server("pg", "copilot", ".vscode/mcp.json", "stdio"),
                    json!({"command": "uvx", "package": "postgres-mcp", "pinned": false}))]),
                models: json!([]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "windsurf",
            Fixture {
                files: &[(".windsurfrules", "Write tests.\n"), (".windsurf/rules/api.md", "REST only.\n")],
                assistants: json!([{"id": "windsurf", "name": "Windsurf", "files": [".windsurf/rules/api.md", ".windsurfrules"]}]),
                servers: json!([]),
                models: json!([]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "gemini-cli",
            Fixture {
                files: &[
                    ("GEMINI.md", "# Context\n"),
                    (
                        ".gemini/settings.json",
                        r#"{"model": {"name": "gemini-2.5-pro"}, "mcpServers": {"notes": {"httpUrl": "https://notes.example.com/mcp"}}}"#,
                    ),
                ],
                assistants: json!([{"id": "gemini-cli", "name": "Gemini CLI", "files": [".gemini/settings.json", "GEMINI.md"]}]),
                servers: json!([with(server("notes", "gemini-cli", ".gemini/settings.json", "http"),
                    json!({"url": "https://notes.example.com/mcp"}))]),
                models: json!([model("gemini-2.5-pro", None, "gemini-cli", ".gemini/settings.json", "model")]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "aider",
            Fixture {
                files: &[
                    (".aider.conf.yml", "model: gpt-4o\nweak-model: gpt-4o-mini\nauto-commits: false\n"),
                    (".aiderignore", "dist/\n"),
                ],
                assistants: json!([{"id": "aider", "name": "Aider", "files": [".aider.conf.yml", ".aiderignore"]}]),
                servers: json!([]),
                models: json!([
                    model("gpt-4o", None, "aider", ".aider.conf.yml", "model"),
                    model("gpt-4o-mini", None, "aider", ".aider.conf.yml", "weak-model"),
                ]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "continue",
            Fixture {
                files: &[(
                    ".continue/config.yaml",
                    "name: team\nversion: 1.0.0\nmodels:\n  - name: Sonnet\n    provider: anthropic\n    model: claude-sonnet-4-5\nmcpServers:\n  - name: sqlite\n    command: uvx\n    args: [\"mcp-server-sqlite==0.6.2\"]\n",
                )],
                assistants: json!([{"id": "continue", "name": "Continue", "files": [".continue/config.yaml"]}]),
                servers: json!([with(server("sqlite", "continue", ".continue/config.yaml", "stdio"),
                    json!({"command": "uvx", "package": "mcp-server-sqlite==0.6.2", "pinned": true}))]),
                models: json!([model("claude-sonnet-4-5", Some("anthropic"), "continue", ".continue/config.yaml", "models[0]")]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "cline",
            Fixture {
                files: &[(".clinerules/testing.md", "Run the tests.\n")],
                assistants: json!([{"id": "cline", "name": "Cline", "files": [".clinerules/testing.md"]}]),
                servers: json!([]),
                models: json!([]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
        (
            "roo",
            Fixture {
                files: &[
                    (".roomodes", "customModes: []\n"),
                    (".roo/mcp.json", r#"{"mcpServers": {"browser": {"command": "npx", "args": ["-y", "@browser/mcp@latest"]}}}"#),
                ],
                assistants: json!([{"id": "roo", "name": "Roo Code", "files": [".roo/mcp.json", ".roomodes"]}]),
                servers: json!([with(server("browser", "roo", ".roo/mcp.json", "stdio"),
                    json!({"command": "npx", "package": "@browser/mcp@latest", "pinned": false}))]),
                models: json!([]),
                hooks: json!([]),
                agent_hook: false,
            },
        ),
    ]
}

#[test]
fn each_assistant_is_inventoried_exactly() {
    for (name, f) in fixtures() {
        let repo = Repo::new();
        for (path, content) in f.files {
            repo.write(path, content);
        }
        let got = json(&inventory(repo.path(), &["--format", "json"]));
        let want = json!({
            "assistants": f.assistants,
            "mcp_servers": f.servers,
            "mcp_allowlist": false,
            "models": f.models,
            "hooks": f.hooks,
            "tollgate_agent_hook": f.agent_hook,
            "commits": no_commits(),
            "problems": [],
        });
        assert_eq!(got, want, "fixture {name}:\n{}", serde_json::to_string_pretty(&got).unwrap());
    }
}

/// One fixture per assistant (the second Claude Code one would replace the first's settings).
fn all_fixtures() -> Vec<(&'static str, Fixture)> {
    fixtures().into_iter().filter(|(name, _)| *name != "claude-code without tollgate's hook").collect()
}

/// A repository set up for every assistant, with AI commits over three months.
fn everything() -> Repo {
    let repo = Repo::new();
    for (_, f) in all_fixtures() {
        for (path, content) in f.files {
            repo.write(path, content);
        }
    }
    commit_at(&repo, "Set up the assistants", "2025-01-10T09:00:00Z");
    repo.write("src/parser.rs", "pub fn parse() {}\n");
    commit_at(&repo, "Add the parser\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", "2025-01-20T09:00:00Z");
    repo.write("docs/guide.md", "# Guide\n");
    repo.write("src/lib.rs", "pub mod parser;\n");
    commit_at(&repo, "Write the guide\n\nGenerated-by: GitHub Copilot\n", "2025-02-03T09:00:00Z");
    repo.write("docs/guide.md", "# The guide\n");
    commit_at(&repo, "aider: fix the guide's title", "2025-02-10T09:00:00Z");
    repo.write("src/parser.rs", "pub fn parse() -> bool { true }\n");
    repo.write("README.md", "# Project\n");
    commit_at(
        &repo,
        "Refactor the parser\n\nCo-authored-by: Claude <noreply@anthropic.com>\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\n",
        "2025-03-01T09:00:00Z",
    );
    repo
}

/// The audit log as the hooks will write it: provenance for the trees of the second
/// and the last commit (the second's recorded twice: the latest counts).
fn write_audit_log(repo: &Repo) {
    let tree = |rev: &str| repo.git(&["rev-parse", &format!("{rev}^{{tree}}")]).trim().to_string();
    let record = |hook: &str, tree: &str, added: u64, agent: u64| {
        json!({"time": "2025-01-20T09:00:00Z", "hook": hook, "repository": "x", "tree": tree, "result": "clean",
               "counts": {}, "fingerprints": [], "provenance": {"added_lines": added, "agent_lines": agent},
               "version": "0.1.0"})
        .to_string()
    };
    let log = [
        record("pre-commit", &tree("HEAD~3"), 10, 0),
        record("pre-commit", &tree("HEAD~3"), 10, 4),
        record("pre-push", &tree("HEAD~1"), 100, 100),
        "a line that is not JSON".to_string(),
        record("commit-msg", &tree("HEAD"), 6, 6),
    ];
    let dir = repo.path().join(".git/tollgate");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("audit.jsonl"), log.join("\n") + "\n").unwrap();
}

fn all_servers(allowed: impl Fn(&str) -> bool) -> Vec<Value> {
    let mut servers: Vec<Value> =
        all_fixtures().into_iter().flat_map(|(_, f)| f.servers.as_array().unwrap().clone()).collect();
    servers.sort_by_key(|s| (s["file"].as_str().unwrap().to_string(), s["name"].as_str().unwrap().to_string()));
    for s in &mut servers {
        s["allowed"] = json!(allowed(s["name"].as_str().unwrap()));
    }
    servers
}

#[test]
fn a_repository_with_every_assistant_and_ai_commits() {
    let repo = everything();
    write_audit_log(&repo);
    let policy = repo.path().join("../inventory-policy.toml");
    std::fs::write(
        &policy,
        "[policy.mcp]\nnames = [\"github\"]\npackages = [\"mcp-server-sqlite\"]\nurls = [\"https://mcp.example.com/**\"]\n",
    )
    .unwrap();
    let got = json(&inventory(repo.path(), &["--format", "json", "--config", policy.to_str().unwrap()]));
    std::fs::remove_file(&policy).unwrap();

    let assistants: Vec<Value> =
        all_fixtures().into_iter().flat_map(|(_, f)| f.assistants.as_array().unwrap().clone()).collect();
    let mut models: Vec<Value> =
        all_fixtures().into_iter().flat_map(|(_, f)| f.models.as_array().unwrap().clone()).collect();
    models.sort_by_key(|m| (m["file"].as_str().unwrap().to_string(), m["setting"].as_str().unwrap().to_string()));
    // Sorted by file: .claude/settings.json, then .cursor/hooks.json.
    let hooks: Vec<Value> = all_fixtures().into_iter().flat_map(|(_, f)| f.hooks.as_array().unwrap().clone()).collect();
    let want = json!({
        "assistants": assistants,
        "mcp_servers": all_servers(|name| matches!(name, "github" | "sqlite" | "docs")),
        "mcp_allowlist": true,
        "models": models,
        "hooks": hooks,
        "tollgate_agent_hook": true,
        "commits": {
            "range": "HEAD",
            "commits": 5,
            "ai_commits": 4,
            "by_assistant": {"Aider": 1, "Claude": 2, "Cursor": 1, "GitHub Copilot": 1},
            "by_path": {"README.md": 1, "docs": 2, "src": 3},
            "by_month": {"2025-01": 1, "2025-02": 2, "2025-03": 1},
            "lines": {"commits_with_record": 2, "commits_without_record": 3, "added_lines": 16, "agent_lines": 10, "share": 0.625},
        },
        "problems": [],
    });
    assert_eq!(got, want, "{}", serde_json::to_string_pretty(&got).unwrap());
}

#[test]
fn a_range_counts_only_its_commits_and_the_report_reads_well() {
    let repo = everything();
    let got = json(&inventory(repo.path(), &["--format", "json", "--rev", "HEAD~2..HEAD"]));
    let c = &got["commits"];
    assert_eq!((c["commits"].as_u64(), c["ai_commits"].as_u64()), (Some(2), Some(2)));
    assert_eq!(c["by_month"], json!({"2025-02": 1, "2025-03": 1}));
    assert_eq!(c["by_assistant"], json!({"Aider": 1, "Claude": 1, "Cursor": 1}));

    let human = text(&inventory(repo.path(), &[]).stdout);
    for line in [
        "  Claude Code     .claude/settings.json, .mcp.json, CLAUDE.md, services/api/CLAUDE.md",
        "  fs (Claude Code, .mcp.json)  stdio: npx @modelcontextprotocol/server-filesystem, NOT pinned",
        "  (no MCP allowlist in the policy: [policy.mcp])",
        "  gpt-4o-mini (Aider, .aider.conf.yml weak-model)",
        "tollgate's agent hook: configured",
        "Commits (HEAD): 5, 4 with AI trailers",
        "  by path       README.md 1, docs 2, src 3",
        "  agent-written lines: no record of added lines (0 commit(s) recorded, 5 without a record)",
    ] {
        assert!(human.lines().any(|l| l == line), "missing line {line:?} in:\n{human}");
    }

    let bad = run_in(repo.path(), "tollgate", &["inventory", "--rev", "no-such-branch"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("bad revision range `no-such-branch`"), "{}", text(&bad.stderr));
}

#[test]
fn outside_git_only_configuration_and_broken_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("AGENTS.md"), "# Agents\n").unwrap();
    std::fs::create_dir_all(dir.path().join(".cursor")).unwrap();
    std::fs::write(dir.path().join(".cursor/mcp.json"), "{\n  \"mcpServers\": {\n    \"x\": [1,\n").unwrap();
    let out = inventory(dir.path(), &["--format", "json"]);
    let got = json(&out);
    assert_eq!(got["commits"], Value::Null);
    assert_eq!(got["assistants"].as_array().unwrap().len(), 2);
    assert_eq!(got["problems"][0]["file"], ".cursor/mcp.json");
    assert_eq!(got["problems"][0]["line"], 4);
    assert!(text(&out.stderr).contains("tollgate: warning: .cursor/mcp.json:4:"), "{}", text(&out.stderr));

    let wrong = run_in(dir.path(), "tollgate", &["inventory", "--format", "sarif"], "");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains("human, json or cyclonedx"));
}

/// Validates `document` with the official CycloneDX 1.6 schema bundled in the Python
/// package cyclonedx-python-lib; fails (never skips) when it is not installed.
fn validate_cyclonedx(document: &str) {
    let script = "import sys\n\
try:\n    from cyclonedx.validation.json import JsonStrictValidator\n    from cyclonedx.schema import SchemaVersion\n\
except ImportError as e:\n    print('MISSING: ' + str(e)); sys.exit(3)\n\
error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(sys.stdin.read())\n\
if error is not None:\n    print(str(error)[:3000]); sys.exit(1)\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed to validate CycloneDX documents");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(document.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_ne!(
        out.status.code(),
        Some(3),
        "the CycloneDX schema validator is not installed: python3 -m pip install 'cyclonedx-python-lib[validation]' ({})",
        text(&out.stdout)
    );
    assert!(out.status.success(), "the document does not validate:\n{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn the_ai_bill_of_materials_validates_against_cyclonedx_1_6() {
    let repo = everything();
    write_audit_log(&repo);
    let first = text(&inventory(repo.path(), &["--format", "cyclonedx"]).stdout);
    validate_cyclonedx(&first);
    let bom: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(
        (bom["bomFormat"].as_str(), bom["specVersion"].as_str(), bom["version"].as_u64()),
        (Some("CycloneDX"), Some("1.6"), Some(1))
    );
    let serial = bom["serialNumber"].as_str().unwrap();
    assert!(serial.starts_with("urn:uuid:") && serial.len() == 45, "{serial}");
    assert_eq!(bom["metadata"]["tools"]["components"][0]["name"], "tollgate");

    let names = |kind: &str| -> Vec<String> {
        bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["type"] == kind)
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("application").len(), 11, "one component per assistant");
    assert_eq!(
        names("machine-learning-model"),
        ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "o4-mini", "claude-sonnet-4-5", "gemini-2.5-pro"]
    );
    let services = bom["services"].as_array().unwrap();
    assert_eq!(services.len(), 9);
    let docs = services.iter().find(|s| s["name"] == "docs").unwrap();
    assert_eq!(docs["endpoints"], json!(["https://mcp.example.com/mcp"]));
    let github = services.iter().find(|s| s["name"] == "github").unwrap();
    assert!(github["properties"].as_array().unwrap().contains(&json!({"name": "tollgate:pinned", "value": "true"})));
    let meta = bom["metadata"]["properties"].as_array().unwrap();
    assert!(meta.contains(&json!({"name": "tollgate:lines:agent-share", "value": "0.6250"})));
    assert!(meta.contains(&json!({"name": "tollgate:commits:by-assistant:Claude", "value": "2"})));

    // Deterministic but for the serial number and the time.
    let second = text(&inventory(repo.path(), &["--format", "cyclonedx"]).stdout);
    let strip = |doc: &str| {
        let mut v: Value = serde_json::from_str(doc).unwrap();
        v["serialNumber"] = Value::Null;
        v["metadata"]["timestamp"] = Value::Null;
        v
    };
    assert_ne!(first, second, "a new serial number every time");
    assert_eq!(strip(&first), strip(&second));

    // An empty repository outside any configuration still makes a valid document.
    let empty = Repo::new();
    validate_cyclonedx(&text(&inventory(empty.path(), &["--format", "cyclonedx"]).stdout));
}
