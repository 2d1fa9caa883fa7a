//! The hook event Claude Code writes on stdin, reduced to what tollgate judges.

use std::path::PathBuf;

use serde_json::Value;

use crate::AgentError;

/// An event, with the fields tollgate needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    PreToolUse {
        cwd: Option<PathBuf>,
        tool: ToolCall,
    },
    UserPromptSubmit {
        cwd: Option<PathBuf>,
        prompt: String,
    },
    /// An event tollgate does not judge (it allows it).
    Other {
        name: String,
    },
}

/// What a file-writing call does to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The whole new content.
    Content(String),
    /// Replacements applied in order to the current content.
    Edits(Vec<Edit>),
}

/// One `old_string` → `new_string` replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub old: String,
    pub new: String,
    pub replace_all: bool,
}

impl Change {
    /// The file's content after the change, from its current content (`None`: the file
    /// does not exist). `None` when an edit's text is not in the file: the tool would
    /// refuse the call too, and the texts alone are judged.
    pub fn apply(&self, current: Option<&str>) -> Option<String> {
        match self {
            Change::Content(c) => Some(c.clone()),
            Change::Edits(edits) => {
                let mut text = current.unwrap_or("").to_string();
                for e in edits {
                    if e.old.is_empty() {
                        if !text.is_empty() {
                            return None;
                        }
                        text = e.new.clone();
                    } else if !text.contains(&e.old) {
                        return None;
                    } else if e.replace_all {
                        text = text.replace(&e.old, &e.new);
                    } else {
                        text = text.replacen(&e.old, &e.new, 1);
                    }
                }
                Some(text)
            }
        }
    }
}

fn edit(v: &Value, what: &str) -> Result<Edit, AgentError> {
    Ok(Edit {
        old: str_field(v, "old_string", what)?,
        new: str_field(v, "new_string", what)?,
        replace_all: v.get("replace_all").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// A tool call about to happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolCall {
    /// A file about to be written or edited: its path and each text the change adds
    /// (the whole content for Write, each `new_string` for Edit and MultiEdit, the new
    /// cell source for NotebookEdit).
    FileChange {
        tool: String,
        path: PathBuf,
        texts: Vec<String>,
        /// What the call does to the file, so the file can be judged as it will be:
        /// its whole new content (Write) or replacements of its current content (Edit,
        /// MultiEdit); `None` for a change tollgate judges only by its texts.
        change: Option<Change>,
    },
    Bash {
        command: String,
    },
    /// A tool tollgate does not judge.
    Other {
        tool: String,
    },
}

impl Event {
    pub fn name(&self) -> &str {
        match self {
            Event::PreToolUse { .. } => "PreToolUse",
            Event::UserPromptSubmit { .. } => "UserPromptSubmit",
            Event::Other { name } => name,
        }
    }
}

/// The event name alone, when the rest of the payload cannot be read: the answer's
/// shape depends on it.
pub fn event_name(input: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(input).ok()?;
    v.get("hook_event_name")?.as_str().map(str::to_string)
}

/// Reads a payload. Anything missing that tollgate needs to judge the call is an
/// error (and the call is denied): a write tollgate cannot see is not allowed through.
pub fn parse(input: &[u8]) -> Result<Event, AgentError> {
    let v: Value = serde_json::from_slice(input).map_err(|e| AgentError::Payload {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if !v.is_object() {
        return Err(AgentError::Field("the payload is not a JSON object".into()));
    }
    let name = str_field(&v, "hook_event_name", "the payload")?;
    let cwd = v.get("cwd").and_then(Value::as_str).filter(|s| !s.is_empty()).map(PathBuf::from);
    match name.as_str() {
        "PreToolUse" => {
            let tool = str_field(&v, "tool_name", "PreToolUse")?;
            let input = v.get("tool_input").filter(|i| i.is_object());
            let tool_input = || input.ok_or_else(|| AgentError::Field(format!("{tool}: no `tool_input` object")));
            let call = match tool.as_str() {
                "Write" => {
                    let i = tool_input()?;
                    let content = str_field(i, "content", &tool)?;
                    ToolCall::FileChange {
                        path: str_field(i, "file_path", &tool)?.into(),
                        change: Some(Change::Content(content.clone())),
                        texts: vec![content],
                        tool,
                    }
                }
                "Edit" => {
                    let i = tool_input()?;
                    // An old_string is optional to judge the texts, needed to judge the file.
                    let change = edit(i, &tool).ok().map(|e| Change::Edits(vec![e]));
                    ToolCall::FileChange {
                        path: str_field(i, "file_path", &tool)?.into(),
                        texts: vec![str_field(i, "new_string", &tool)?],
                        change,
                        tool,
                    }
                }
                "MultiEdit" => {
                    let i = tool_input()?;
                    let edits = i
                        .get("edits")
                        .and_then(Value::as_array)
                        .ok_or_else(|| AgentError::Field("MultiEdit: no `edits` array".into()))?;
                    let texts = edits
                        .iter()
                        .enumerate()
                        .map(|(n, e)| str_field(e, "new_string", &format!("MultiEdit edit {}", n + 1)))
                        .collect::<Result<Vec<_>, _>>()?;
                    let change = edits
                        .iter()
                        .enumerate()
                        .map(|(n, e)| edit(e, &format!("MultiEdit edit {}", n + 1)))
                        .collect::<Result<Vec<_>, _>>()
                        .ok()
                        .map(Change::Edits);
                    ToolCall::FileChange { path: str_field(i, "file_path", &tool)?.into(), texts, change, tool }
                }
                "NotebookEdit" => {
                    let i = tool_input()?;
                    let deleting = i.get("edit_mode").and_then(Value::as_str) == Some("delete");
                    let texts = match i.get("new_source") {
                        Some(Value::String(s)) => vec![s.clone()],
                        None | Some(Value::Null) if deleting => Vec::new(),
                        _ => return Err(AgentError::Field("NotebookEdit: no `new_source` string".into())),
                    };
                    ToolCall::FileChange {
                        path: str_field(i, "notebook_path", &tool)?.into(),
                        texts,
                        change: None,
                        tool,
                    }
                }
                "Bash" => ToolCall::Bash { command: str_field(tool_input()?, "command", "Bash")? },
                _ => ToolCall::Other { tool },
            };
            Ok(Event::PreToolUse { cwd, tool: call })
        }
        "UserPromptSubmit" => Ok(Event::UserPromptSubmit { cwd, prompt: str_field(&v, "prompt", "UserPromptSubmit")? }),
        _ => Ok(Event::Other { name }),
    }
}

fn str_field(v: &Value, key: &str, what: &str) -> Result<String, AgentError> {
    match v.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(AgentError::Field(format!("{what}: `{key}` is not a string"))),
        None => Err(AgentError::Field(format!("{what}: no `{key}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pre(tool: &str, input: Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "session_id": "s", "transcript_path": "/t", "cwd": "/w", "permission_mode": "default",
            "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input, "tool_use_id": "t1"
        }))
        .unwrap()
    }

    #[test]
    fn file_writing_tools_give_their_new_text() {
        let w = parse(&pre("Write", serde_json::json!({"file_path": "/w/a.py", "content": "x"}))).unwrap();
        assert_eq!(
            w,
            Event::PreToolUse {
                cwd: Some("/w".into()),
                tool: ToolCall::FileChange {
                    tool: "Write".into(),
                    path: "/w/a.py".into(),
                    texts: vec!["x".into()],
                    change: Some(Change::Content("x".into()))
                }
            }
        );
        let m = parse(&pre(
            "MultiEdit",
            serde_json::json!({"file_path": "a", "edits": [{"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": "d"}]}),
        ))
        .unwrap();
        let Event::PreToolUse { tool: ToolCall::FileChange { texts, .. }, .. } = m else { panic!() };
        assert_eq!(texts, ["b", "d"]);
        let n = parse(&pre(
            "NotebookEdit",
            serde_json::json!({"notebook_path": "n.ipynb", "cell_id": "c", "edit_mode": "delete"}),
        ))
        .unwrap();
        let Event::PreToolUse { tool: ToolCall::FileChange { texts, .. }, .. } = n else { panic!() };
        assert!(texts.is_empty());
    }

    #[test]
    fn edits_apply_to_the_current_content_in_order() {
        let e = |old: &str, new: &str, all: bool| Edit { old: old.into(), new: new.into(), replace_all: all };
        let c = Change::Edits(vec![e("a", "b", false), e("x", "y", true)]);
        assert_eq!(c.apply(Some("a a x x")).as_deref(), Some("b a y y"));
        assert_eq!(c.apply(Some("none here")), None, "an old_string not in the file");
        assert_eq!(Change::Edits(vec![e("", "new", false)]).apply(None).as_deref(), Some("new"));
    }

    #[test]
    fn missing_fields_are_errors_not_allowances() {
        for (tool, input) in [
            ("Write", serde_json::json!({"file_path": "a"})),
            ("Edit", serde_json::json!({"file_path": "a", "new_string": 3})),
            ("MultiEdit", serde_json::json!({"file_path": "a", "edits": [{"old_string": "x"}]})),
            ("NotebookEdit", serde_json::json!({"notebook_path": "n.ipynb"})),
            ("Bash", serde_json::json!({})),
        ] {
            assert!(parse(&pre(tool, input)).is_err(), "{tool}");
        }
        assert!(matches!(parse(b"{\"hook_event_name\": "), Err(AgentError::Payload { .. })));
        assert!(parse(b"[]").is_err());
        assert!(parse(b"{}").is_err());
    }

    #[test]
    fn other_tools_and_events_pass() {
        let r = parse(&pre("Read", serde_json::json!({"file_path": "a"}))).unwrap();
        assert_eq!(r, Event::PreToolUse { cwd: Some("/w".into()), tool: ToolCall::Other { tool: "Read".into() } });
        assert_eq!(parse(b"{\"hook_event_name\": \"Stop\"}").unwrap(), Event::Other { name: "Stop".into() });
        assert_eq!(
            event_name(b"{\"hook_event_name\": \"UserPromptSubmit\", \"prompt\": 1}").as_deref(),
            Some("UserPromptSubmit")
        );
    }
}
