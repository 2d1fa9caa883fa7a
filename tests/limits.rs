//! Content is judged however it is shaped: a key inside a minified line hundreds of KiB
//! long blocks a commit, and a file too large to judge blocks a hook (unless the policy
//! says it only warns) instead of passing unseen.

mod common;

use common::*;

fn minified_with(secret: &str) -> String {
    let mut line = String::with_capacity(600_000);
    for i in 0..20_000 {
        line.push_str(&format!("var v{i}=\"x{i}\";"));
    }
    line.push_str(&format!("var awsKey=\"{secret}\";"));
    for i in 0..10_000 {
        line.push_str(&format!("f{i}();"));
    }
    line.push('\n');
    line
}

#[test]
fn a_key_in_a_long_minified_line_blocks_and_is_placed() {
    let repo = Repo::new();
    repo.write("README.md", "x\n");
    repo.commit_all("init");
    let bundle = minified_with(&aws_key());
    assert!(bundle.len() > 256 * 1024);
    repo.write("dist/app.min.js", &bundle);
    repo.git(&["add", "dist/app.min.js"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "aws-access-key-id");
    assert_eq!(f["line"], 1);
    let column = bundle.find(&aws_key()).unwrap() as u64 + 1;
    assert_eq!(f["column"], column);
    assert_eq!(report["warnings"].as_array().map(Vec::len), Some(0), "nothing is skipped: {report}");
    assert_no_secret(&out, &aws_key());
}

#[test]
fn a_file_over_the_size_limit_blocks_a_hook_and_warns_in_a_scan() {
    let repo = Repo::new();
    repo.write(".tollgate.toml", "[settings]\nmax_file_bytes = 1000\n");
    repo.commit_all("init");
    repo.write("data/big.txt", "a harmless line\n".repeat(200));
    repo.git(&["add", "data/big.txt"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule"], "not-judged");
    assert_eq!(report["findings"][0]["path"], "data/big.txt");

    // A scan reports it as a warning and does not fail for it.
    let out = repo.run("tollgate-secrets", &["scan", "data", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["warnings"][0]["message"].as_str().unwrap().contains("not judged"), "{report}");

    // The policy may say that it only warns.
    repo.write(".tollgate.toml", "[settings]\nmax_file_bytes = 1000\nnot_judged = \"warn\"\n");
    repo.git(&["add", ".tollgate.toml"]);
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));

    // A value it does not know is an error at its place.
    repo.write(".tollgate.toml", "[settings]\nnot_judged = \"ignore\"\n");
    repo.git(&["add", ".tollgate.toml"]);
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(".tollgate.toml:2:14"), "{}", text(&out.stderr));
}
