//! The agent hook's own deadline. Claude Code lets a tool call through when its hook
//! runs past the hook's `timeout`, so a write that takes tollgate too long to judge
//! must be denied before then, not judged late.
//!
//! The deadline is half the timeout configured for tollgate's own hook entry in the
//! Claude Code settings (project, local, user), at most [`MAX_DEADLINE`];
//! `TOLLGATE_AGENT_DEADLINE_MS` overrides it (tests use a tiny one).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// Claude Code's timeout for a hook command that does not set one.
pub const DEFAULT_HOOK_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest the hook takes even when the timeout allows more: an agent waits on it.
pub const MAX_DEADLINE: Duration = Duration::from_secs(10);
/// Overrides the deadline, in milliseconds.
pub const DEADLINE_ENV: &str = "TOLLGATE_AGENT_DEADLINE_MS";

/// The deadline for a hook run from `project_dir` (where `.claude/settings*.json`
/// are), the user's settings read from `home`.
pub fn deadline(project_dir: Option<&Path>, home: Option<&Path>) -> Duration {
    if let Some(ms) = std::env::var(DEADLINE_ENV).ok().and_then(|v| v.trim().parse::<u64>().ok()) {
        return Duration::from_millis(ms.max(1));
    }
    deadline_for(configured_timeout(project_dir, home))
}

/// Half the hook's timeout (default 60 s), at most [`MAX_DEADLINE`].
pub fn deadline_for(timeout: Option<Duration>) -> Duration {
    (timeout.unwrap_or(DEFAULT_HOOK_TIMEOUT) / 2).min(MAX_DEADLINE)
}

/// The shortest `timeout` of a PreToolUse hook entry that runs `tollgate agent-hook`,
/// in the settings files Claude Code reads.
pub fn configured_timeout(project_dir: Option<&Path>, home: Option<&Path>) -> Option<Duration> {
    let mut files = Vec::new();
    if let Some(dir) = project_dir {
        files.push(dir.join(".claude/settings.json"));
        files.push(dir.join(".claude/settings.local.json"));
    }
    if let Some(home) = home {
        files.push(home.join(".claude/settings.json"));
    }
    files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter_map(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .flat_map(|settings| timeouts(&settings))
        .min()
}

fn timeouts(settings: &Value) -> Vec<Duration> {
    let entries = settings.pointer("/hooks/PreToolUse").and_then(Value::as_array);
    entries
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("hooks").and_then(Value::as_array))
        .flatten()
        .filter(|h| h.get("command").and_then(Value::as_str).is_some_and(|c| c.contains("agent-hook")))
        .filter_map(|h| h.get("timeout").and_then(Value::as_f64))
        .filter(|t| t.is_finite() && *t > 0.0)
        .map(|t| Duration::from_secs_f64(t.min(86_400.0)))
        .collect()
}

/// The reason given when the deadline passes.
pub fn expired_reason(deadline: Duration) -> String {
    format!(
        "tollgate could not finish judging this in {:.1} s, so it denies it (a hook that runs out of time would \
         let the call through). Make the change in smaller parts, or tell the user.",
        deadline.as_secs_f64()
    )
}

/// Whoever answers first: the hook with its judgement, or the watchdog when the
/// deadline passes. The other stays silent.
#[derive(Clone)]
pub struct Watchdog {
    answered: Arc<Mutex<bool>>,
}

impl Watchdog {
    /// Starts the clock: `on_expiry` runs on a thread of its own if nothing was
    /// delivered within `deadline` (the binary prints a denial and exits there).
    pub fn start(deadline: Duration, on_expiry: impl FnOnce(Duration) + Send + 'static) -> Watchdog {
        let dog = Watchdog { answered: Arc::new(Mutex::new(false)) };
        let answered = Arc::clone(&dog.answered);
        std::thread::spawn(move || {
            std::thread::sleep(deadline);
            let mut done = answered.lock().unwrap_or_else(|e| e.into_inner());
            if !*done {
                *done = true;
                on_expiry(deadline);
            }
        });
        dog
    }

    /// Runs `answer` unless the watchdog already answered; whether it ran.
    pub fn deliver(&self, answer: impl FnOnce()) -> bool {
        let mut done = self.answered.lock().unwrap_or_else(|e| e.into_inner());
        if *done {
            return false;
        }
        *done = true;
        answer();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_is_well_under_the_configured_timeout() {
        assert_eq!(deadline_for(None), Duration::from_secs(10));
        assert_eq!(deadline_for(Some(Duration::from_secs(8))), Duration::from_secs(4));
        assert_eq!(deadline_for(Some(Duration::from_secs(600))), MAX_DEADLINE);
    }

    #[test]
    fn the_timeout_is_read_from_tollgates_own_hook_entry() {
        let project = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(project.path().join(".claude")).unwrap();
        std::fs::write(
            project.path().join(".claude/settings.json"),
            r#"{"hooks": {"PreToolUse": [
                 {"matcher": "Bash", "hooks": [{"type": "command", "command": "other-hook", "timeout": 1}]},
                 {"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "tollgate agent-hook", "timeout": 6}]}
               ]}}"#,
        )
        .unwrap();
        std::fs::write(project.path().join(".claude/settings.local.json"), "{ not json").unwrap();
        assert_eq!(configured_timeout(Some(project.path()), None), Some(Duration::from_secs(6)));
        assert_eq!(configured_timeout(None, None), None);
    }

    #[test]
    fn the_first_answer_wins() {
        let (tx, rx) = std::sync::mpsc::channel();
        let dog = Watchdog::start(Duration::from_millis(1), move |d| tx.send(d).unwrap());
        assert_eq!(rx.recv().unwrap(), Duration::from_millis(1));
        assert!(!dog.deliver(|| panic!("the watchdog answered already")));

        let dog = Watchdog::start(Duration::from_secs(3600), |_| panic!("delivered first"));
        assert!(dog.deliver(|| {}));
        assert!(expired_reason(Duration::from_millis(1500)).contains("1.5 s"));
    }
}
