//! UTF-16 files (Windows PowerShell scripts, `.reg` exports, some `.config` files) are
//! judged as text, end to end: a credential in one blocks a real commit, reported at its
//! line in the original file.

mod common;

use common::*;

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    out
}

fn hook_script() -> String {
    format!("#!/bin/sh\nexec '{}' pre-commit\n", bin("tollgate-secrets").display())
}

#[test]
fn a_key_in_a_utf16_script_blocks_a_real_commit() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    repo.install_hook("pre-commit", &hook_script());
    let script =
        format!("# deploy\r\n$region = 'eu-west-1'\r\n$accessKey = \"{}\"\r\nWrite-Host \"déployé\"\r\n", aws_key());
    repo.write("deploy.ps1", utf16le_with_bom(&script));
    repo.git(&["add", "deploy.ps1"]);
    let out = repo.git_output(&["commit", "-m", "add deploy script"]);
    assert!(!out.status.success(), "the commit went through");
    let shown = text(&out.stdout) + &text(&out.stderr);
    assert!(shown.contains("deploy.ps1:3:"), "{shown}");
    assert!(shown.contains("aws-access-key-id"), "{shown}");
    assert_no_secret(&out, &aws_key());
}

#[test]
fn only_the_added_lines_of_a_utf16_file_are_judged() {
    let repo = Repo::new();
    // An old key the change does not touch, then a new line with another.
    let old = format!("$a = \"{}\"\r\n$b = 1\r\n", aws_key());
    repo.write("setup.ps1", utf16le_with_bom(&old));
    repo.commit_all("old");
    repo.write("setup.ps1", utf16le_with_bom(&format!("{old}$c = \"{}\"\r\n", aws_key_2())));
    repo.git(&["add", "setup.ps1"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    let report = json(&out);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["line"], 3, "{report}");
}
