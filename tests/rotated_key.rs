//! A private key that replaces the body of an existing PEM file (a key rotated in place,
//! a template's placeholder filled in) is judged at commit and at push, although the
//! `BEGIN … PRIVATE KEY` line it sits under is unchanged; and a baseline that holds the
//! old key does not let the new one through (a baseline matches secrets, not files).

mod common;

use common::*;

fn random_base64(seed: u64, n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ALPHABET[(x >> 58) as usize] as char
        })
        .collect()
}

/// A PEM file with `body` between its (assembled) armour lines.
fn pem(body: &str) -> String {
    let (dashes, label) = ("-----", ["RSA PRIVATE", " KEY"].concat());
    format!("{dashes}BEGIN {label}{dashes}\n{body}\n{dashes}END {label}{dashes}\n")
}

fn key_body(seed: u64) -> String {
    (0..8).map(|i| random_base64(seed * 100 + i, 64)).collect::<Vec<_>>().join("\n")
}

fn hook_script(hook: &str) -> String {
    format!("#!/bin/sh\nexec '{}' {hook} \"$@\"\n", bin("tollgate-secrets").display())
}

#[test]
fn a_template_filled_in_blocks_at_commit_and_at_push() {
    let server = Repo::bare();
    let repo = Repo::new();
    repo.write("certs/service.pem", pem("PASTE YOUR KEY HERE"));
    repo.commit_all("key template");
    repo.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    repo.git(&["push", "-q", "origin", "main"]);

    repo.write("certs/service.pem", pem(&key_body(1)));
    repo.git(&["add", "certs/service.pem"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "pre-commit let the key through: {}", text(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule"], "pem-rsa-private-key");
    assert_eq!(report["findings"][0]["line"], 2);

    // Committed without the hook: pre-push judges it.
    repo.git(&["commit", "-q", "--no-verify", "-m", "fill in the key"]);
    repo.install_hook("pre-push", &hook_script("pre-push"));
    let out = repo.git_output(&["push", "origin", "main"]);
    assert!(!out.status.success(), "the push went through");
    assert!((text(&out.stdout) + &text(&out.stderr)).contains("pem-rsa-private-key"));

    // And a server that judges what it receives refuses it too.
    std::fs::write(server.path().join("hooks/pre-receive"), hook_script("pre-receive")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let hook = server.path().join("hooks/pre-receive");
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = repo.git_output(&["push", "--no-verify", "origin", "main"]);
    assert!(!out.status.success(), "the server took the key");
    assert!(text(&out.stderr).contains("pem-rsa-private-key"), "{}", text(&out.stderr));
}

#[test]
fn a_key_rotated_in_place_is_not_covered_by_the_old_keys_baseline() {
    let repo = Repo::new();
    repo.write("certs/service.pem", pem(&key_body(2)));
    repo.commit_all("old key (accepted)");
    let baseline = repo.path().join(".tollgate-baseline.json");
    let out = repo.run("tollgate", &["baseline", "create", "--output", baseline.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // The old key is accepted by the baseline.
    let with_baseline = ["--format", "json", "--baseline", baseline.to_str().unwrap()];
    let out = repo.run("tollgate-secrets", &[&["scan", "certs"][..], &with_baseline].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // A new body under the same armour is a new secret.
    repo.write("certs/service.pem", pem(&key_body(3)));
    repo.git(&["add", "certs/service.pem"]);
    let out = repo.run("tollgate-secrets", &[&["pre-commit"][..], &with_baseline].concat());
    assert_eq!(out.status.code(), Some(1), "the rotated key passed: {}", text(&out.stdout));
}
