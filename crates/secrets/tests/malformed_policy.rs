//! Every file under `tests/malformed/` is a policy with mistakes in it. Its first lines
//! say what must be reported: `# expect: LINE:COLUMN: part of the message`, one line
//! per error. The file is loaded as a repository's policy, its `[secrets]` section is
//! read by the secrets check, and exactly those errors must come out, each at the
//! position given (1-based, where the cursor goes to fix it).

use std::path::{Path, PathBuf};

use tollgate_config::{ConfigError, LayerSource, Policy};
use tollgate_secrets::SecretsConfig;

/// The check sections the registry knows.
const SECTIONS: &[&str] = &["secrets", "policy", "deps"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    line: usize,
    column: usize,
    message: String,
}

fn expectations(text: &str) -> Vec<Expected> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|e| {
            let mut parts = e.splitn(3, ':');
            let mut number = || parts.next().and_then(|n| n.trim().parse().ok()).expect("LINE:COLUMN: message");
            let (line, column) = (number(), number());
            let message = parts.next().expect("a message after LINE:COLUMN:").trim().to_string();
            Expected { line, column, message }
        })
        .collect()
}

/// Every error the policy loader and the secrets check report for one file.
fn errors(path: &Path) -> Vec<ConfigError> {
    let (policy, mut errors) = Policy::load_partial(vec![LayerSource::Repository(path.to_path_buf())], SECTIONS);
    assert_eq!(
        Policy::load(vec![LayerSource::Repository(path.to_path_buf())], SECTIONS).is_err(),
        !errors.is_empty(),
        "load and load_partial disagree on {}",
        path.display()
    );
    if let Err(more) = SecretsConfig::from_policy(&policy) {
        errors.extend(more);
    }
    errors.into_iter().collect()
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_malformed_policy_reports_exactly_its_errors() {
    let files = files();
    assert!(files.len() >= 30, "only {} malformed policies", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let expected = expectations(&text);
        assert!(!expected.is_empty(), "{name}: no `# expect:` line");
        let found = errors(path);
        let file = path.display().to_string();
        let mut problems = Vec::new();
        if found.iter().any(|e| e.file != file) {
            problems.push("an error names another file".to_string());
        }
        let mut at: Vec<(usize, usize)> = found.iter().map(|e| (e.line, e.column)).collect();
        let mut want: Vec<(usize, usize)> = expected.iter().map(|e| (e.line, e.column)).collect();
        at.sort();
        want.sort();
        if at != want {
            problems.push(format!("positions {at:?}, expected {want:?}"));
        }
        for e in &expected {
            if !found.iter().any(|f| (f.line, f.column) == (e.line, e.column) && f.message.contains(&e.message)) {
                problems.push(format!("no error at {}:{} containing {:?}", e.line, e.column, e.message));
            }
        }
        if !problems.is_empty() {
            let found: Vec<String> =
                found.iter().map(|e| format!("    {}:{}: {}", e.line, e.column, e.message)).collect();
            failures.push(format!("{name}: {}\n  found:\n{}", problems.join("; "), found.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{} of {} files:\n{}", failures.len(), files.len(), failures.join("\n"));
}
