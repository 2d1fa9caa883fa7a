//! Provenance of agent-written lines end to end: the real agent hook records a Write,
//! the real hooks installed by `tollgate install` judge the commit of it, and the audit
//! log says how many of the staged lines the agent wrote.

mod common;

use std::process::Output;

use common::*;
use serde_json::{json, Value};

const CLAUDE_TRAILER: &str = "Co-authored-by: Claude <noreply@anthropic.com>";

/// A repository with one commit and tollgate's hooks installed; `policy` is committed
/// as its `.tollgate.toml` when given.
fn repo_with_hooks(policy: Option<&str>) -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    if let Some(policy) = policy {
        repo.write(".tollgate.toml", policy);
    }
    repo.commit_all("Start");
    let out = repo.run("tollgate", &["install"]);
    assert!(out.status.success(), "{}", both(&out));
    repo
}

fn both(out: &Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

/// The agent hook judging a Write of `content` to `rel`, as Claude Code sends it; the
/// file is then written, as the tool does once the hook allows it.
fn agent_writes(repo: &Repo, rel: &str, content: &str) {
    let payload = json!({
        "session_id": "5d1e7c3a-9b2f-4e6d-8a0c-1f3b5d7e9a2c",
        "transcript_path": "/home/dev/.claude/projects/demo/5d1e7c3a.jsonl",
        "cwd": repo.path(),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": repo.path().join(rel), "content": content},
        "tool_use_id": "toolu_01PROVENANCE"
    });
    let out = repo.run_with_stdin("tollgate", &["agent-hook"], &payload.to_string());
    assert!(out.status.success() && out.stdout.is_empty(), "the write was not allowed:\n{}", both(&out));
    repo.write(rel, content);
}

fn audit_records(repo: &Repo) -> Vec<Value> {
    let log = std::fs::read_to_string(repo.path().join(".git/tollgate/audit.jsonl")).expect("an audit log");
    log.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

/// The provenance of the last record of `hook`.
fn last_provenance(repo: &Repo, hook: &str) -> Value {
    let records = audit_records(repo);
    let last = records.iter().rev().find(|r| r["hook"] == hook).unwrap_or_else(|| panic!("no {hook} record"));
    assert_eq!(last["format"], 2, "{last}");
    last["provenance"].clone()
}

fn commit(repo: &Repo, message: &str) -> Output {
    repo.git(&["add", "-A"]);
    repo.git_output(&["commit", "-q", "-m", message])
}

/// Six lines that each say something (the closing brace does not count).
const PARSER: &str = "def parse(text):\n    fields = text.split(',')\n    if not fields:\n        return None\n    \
                      name = fields[0].strip()\n    return {'name': name}\n}\n";

#[test]
fn a_commit_of_an_agent_write_is_recognised_and_a_hand_edit_is_not() {
    let repo = repo_with_hooks(None);
    agent_writes(&repo, "src/parser.py", PARSER);
    let out = commit(&repo, "Add the parser");
    assert!(out.status.success(), "{}", both(&out));
    for hook in ["pre-commit", "commit-msg"] {
        let p = last_provenance(&repo, hook);
        assert_eq!(p, json!({"added_lines": 6, "agent_lines": 6, "agents": {"claude-code": 6}}), "{hook}");
    }

    // The agent records the whole record shape, never the content.
    let records = audit_records(&repo);
    let agent = records.iter().find(|r| r["hook"] == "agent").expect("an agent record");
    assert_eq!(agent["agent"]["tool"], "Write");
    assert_eq!(agent["agent"]["path"], "src/parser.py");
    assert_eq!(agent["agent"]["decision"], "allow");
    assert_eq!(agent["agent"]["session"], "5d1e7c3a-9b2f-4e6d-8a0c-1f3b5d7e9a2c");
    assert_eq!(agent["agent"]["lines"].as_array().unwrap().len(), 6);
    let log = std::fs::read_to_string(repo.path().join(".git/tollgate/audit.jsonl")).unwrap();
    assert!(!log.contains("fields") && !log.contains("def parse"), "the log holds content");

    // The agent writes a second file; a person rewrites two of its four lines.
    agent_writes(&repo, "src/report.py", "import json\nrows = load()\ntotal = sum(rows)\nprint(json.dumps(total))\n");
    repo.write(
        "src/report.py",
        "import json\nrows = load_rows(path)\ntotal = sum(rows) / 2\nprint(json.dumps(total))\n",
    );
    let out = commit(&repo, "Add the report");
    assert!(out.status.success(), "{}", both(&out));
    assert_eq!(
        last_provenance(&repo, "pre-commit"),
        json!({"added_lines": 4, "agent_lines": 2, "agents": {"claude-code": 2}})
    );

    // Lines a person writes alone are theirs.
    repo.write("src/by_hand.py", "value = compute()\nprint(value)\n");
    let out = commit(&repo, "By hand");
    assert!(out.status.success(), "{}", both(&out));
    assert_eq!(last_provenance(&repo, "pre-commit"), json!({"added_lines": 2, "agent_lines": 0, "agents": {}}));
}

#[test]
fn a_policy_requiring_the_trailer_blocks_then_passes_with_it() {
    let repo = repo_with_hooks(Some("[policy.ai]\nrequire_trailer_above = 0.5\n"));
    agent_writes(&repo, "src/parser.py", PARSER);
    let out = commit(&repo, "Add the parser");
    assert!(!out.status.success(), "the commit went through without the trailer:\n{}", both(&out));
    let said = both(&out);
    assert!(said.contains("ai-trailer-missing") && said.contains("6 of the 6 added lines"), "{said}");
    assert!(said.contains(CLAUDE_TRAILER), "the fix is not named: {said}");

    let out = repo.git_output(&["commit", "-q", "-m", &format!("Add the parser\n\n{CLAUDE_TRAILER}")]);
    assert!(out.status.success(), "{}", both(&out));

    // Half or less is not above the share: a person's commit needs no trailer.
    repo.write("src/notes.py", "first = 1\nsecond = 2\n");
    let out = commit(&repo, "Notes by hand");
    assert!(out.status.success(), "{}", both(&out));
}

#[test]
fn add_trailer_writes_the_trailer_into_the_message() {
    let repo = repo_with_hooks(Some("[policy.ai]\nrequire_trailer_above = 0.5\nadd_trailer = true\n"));
    agent_writes(&repo, "src/parser.py", PARSER);
    let out = commit(&repo, "Add the parser");
    assert!(out.status.success(), "{}", both(&out));
    let message = repo.git(&["log", "-1", "--format=%B"]);
    assert_eq!(message.trim_end(), format!("Add the parser\n\n{CLAUDE_TRAILER}"), "{message}");
    assert_eq!(repo.git(&["log", "-1", "--format=%(trailers:key=Co-authored-by)"]).matches("Claude").count(), 1);
}

#[test]
fn an_ai_review_rule_applies_to_agent_lines_without_a_trailer() {
    let policy = "[[policy.reviewed]]\nid = \"ci-reviewed\"\npaths = [\".github/workflows/**\"]\nwhen = \"ai\"\n";
    let repo = repo_with_hooks(Some(policy));
    agent_writes(&repo, ".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n");
    let out = commit(&repo, "CI");
    assert!(!out.status.success(), "the AI change skipped its review:\n{}", both(&out));
    assert!(both(&out).contains("ci-reviewed"), "{}", both(&out));
    let out = repo.git_output(&["commit", "-q", "-m", "CI\n\nReviewed-by: Ana Lima <ana@example.com>"]);
    assert!(out.status.success(), "{}", both(&out));
}

#[test]
fn with_the_audit_log_off_nothing_is_recorded() {
    let repo = repo_with_hooks(Some("[settings]\naudit_log = false\n"));
    agent_writes(&repo, "src/parser.py", PARSER);
    let out = commit(&repo, "Add the parser");
    assert!(out.status.success(), "{}", both(&out));
    assert!(!repo.path().join(".git/tollgate/audit.jsonl").exists());
    assert!(!repo.path().join(".git/tollgate/provenance.key").exists());
}

#[test]
fn hook_records_carry_the_format_2_fields() {
    let repo = repo_with_hooks(None);
    let remote = Repo::bare();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    let pushed = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(pushed.status.success(), "{}", both(&pushed));

    // A change that adds an inline marker and an [[allow]] entry.
    repo.write("app.py", format!("key = \"{}\"  # tollgate:allow=aws-access-key-id\n", aws_key()));
    repo.write(".tollgate.toml", "[[allow]]\npath = \"fixtures/**\"\nreason = \"test data\"\n");
    let out = commit(&repo, "Allow the fixture");
    assert!(out.status.success(), "{}", both(&out));
    let records = audit_records(&repo);
    let pre_commit = records.iter().rev().find(|r| r["hook"] == "pre-commit").unwrap();
    assert_eq!(pre_commit["suppressions_added"], json!({"inline": 1, "policy": 1}), "{pre_commit}");

    // A blocked commit names its rules, by check and by path.
    repo.write("leak.py", format!("key = \"{}\"\n", aws_key_2()));
    let out = commit(&repo, "Leak");
    assert!(!out.status.success());
    let records = audit_records(&repo);
    let blocked = records.iter().rev().find(|r| r["hook"] == "pre-commit").unwrap();
    assert_eq!(blocked["result"], "blocked");
    assert_eq!(blocked["blocked_rules"], json!(["aws-access-key-id"]), "{blocked}");
    assert_eq!(blocked["checks"]["secrets"]["aws-access-key-id"], 1, "{blocked}");
    assert_eq!(blocked["paths"], json!({"leak.py": 1}), "{blocked}");
    assert!(!std::fs::read_to_string(repo.path().join(".git/tollgate/audit.jsonl")).unwrap().contains(&aws_key_2()));

    // A commit made past the hooks is named, in full, by the push that carries it.
    repo.git(&["reset", "-q", "HEAD", "leak.py"]);
    std::fs::remove_file(repo.path().join("leak.py")).unwrap();
    repo.write("notes.txt", "written past the hooks\n");
    repo.git(&["add", "notes.txt"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "Skip the hooks"]);
    let skipped = repo.head();
    let pushed = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(pushed.status.success(), "{}", both(&pushed));
    let records = audit_records(&repo);
    let pre_push = records.iter().rev().find(|r| r["hook"] == "pre-push").unwrap();
    assert_eq!(pre_push["unchecked_commits"], json!([skipped]), "{pre_push}");
}
