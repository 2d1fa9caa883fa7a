//! The registry of checks is the one list: binaries, the pre-commit framework's hooks,
//! `doctor` and `--help` follow it. A check added to the registry without its binary
//! or its hooks fails here.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use tollgate_runner::registry::REGISTRY;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built binary of a check, beside the umbrella one.
fn check_binary(name: &str) -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_tollgate")).with_file_name(name)
}

#[test]
fn every_check_has_a_one_line_main_and_a_binary() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    for entry in REGISTRY {
        let main = std::fs::read_to_string(root().join(format!("src/bin/{}.rs", entry.binary)))
            .unwrap_or_else(|e| panic!("src/bin/{}.rs: {e}", entry.binary));
        assert!(main.contains(&format!("tollgate::check_main(\"{}\")", entry.name)), "{}", entry.binary);
        assert!(manifest.contains(&format!("name = \"{}\"", entry.binary)), "no [[bin]] for {}", entry.binary);
        assert!(check_binary(entry.binary).exists(), "{} was not built", entry.binary);
    }
}

/// `(id, entry)` of every hook in `.pre-commit-hooks.yaml`.
fn framework_hooks() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let mut hooks = Vec::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("- id: ") {
            id = Some(v.trim().to_string());
        } else if let Some(v) = line.trim().strip_prefix("entry: ") {
            hooks.push((id.take().expect("entry before id"), v.trim().to_string()));
        }
    }
    hooks
}

#[test]
fn the_pre_commit_frameworks_hooks_follow_the_registry() {
    let mut expected = vec![
        ("tollgate".to_string(), "tollgate pre-commit".to_string()),
        ("tollgate-push".to_string(), "tollgate pre-push".to_string()),
    ];
    for entry in REGISTRY {
        expected.push((entry.binary.to_string(), format!("{} pre-commit", entry.binary)));
        expected.push((format!("{}-push", entry.binary), format!("{} pre-push", entry.binary)));
    }
    let mut found = framework_hooks();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn doctor_and_help_name_every_check() {
    let repo = Repo::new();
    let out = repo.run("tollgate", &["doctor"]);
    let doctor = text(&out.stdout);
    for entry in REGISTRY {
        assert!(doctor.contains(&format!("check         {}", entry.name)), "{doctor}");
        assert!(doctor.contains(entry.binary), "{doctor}");
        let help = std::process::Command::new(check_binary(entry.binary)).arg("--help").output().unwrap();
        let help = text(&help.stdout);
        assert!(help.contains(entry.about), "{help}");
        assert!(help.contains("pre-commit") && help.contains("history"), "{help}");
        assert!(help.starts_with(&format!("{}\n", entry.about)) || help.contains(entry.binary), "{help}");
    }
}
