//! The pre-commit source and the secrets check, end to end: real binaries, real git.

mod common;

use common::*;

fn hook_script() -> String {
    format!("#!/bin/sh\nexec '{}' pre-commit\n", bin("tollgate-secrets").display())
}

#[test]
fn a_staged_aws_key_blocks_a_real_commit() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("init");
    repo.install_hook("pre-commit", &hook_script());
    repo.write("config.py", format!("AWS_ACCESS_KEY_ID = \"{}\"\n", aws_key()));
    repo.git(&["add", "config.py"]);
    let out = repo.git_output(&["commit", "-m", "add config"]);
    assert!(!out.status.success(), "the commit went through");
    let stdout = text(&out.stdout) + &text(&out.stderr);
    assert!(stdout.contains("config.py:1:"), "{stdout}");
    assert!(stdout.contains("aws-access-key-id"), "{stdout}");
    assert_no_secret(&out, &aws_key());
    // Nothing was committed.
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[test]
fn a_clean_commit_passes_the_hook() {
    let repo = Repo::new();
    repo.install_hook("pre-commit", &hook_script());
    repo.write("main.py", "print('hello')\n");
    repo.git(&["add", "main.py"]);
    let out = repo.git_output(&["commit", "-q", "-m", "clean"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn an_unstaged_key_does_not_block() {
    let repo = Repo::new();
    repo.write("app.py", "x = 1\n");
    repo.commit_all("init");
    repo.write("app.py", "x = 1\ny = 2\n");
    repo.git(&["add", "app.py"]);
    // The working tree has a key the index does not.
    repo.write("app.py", format!("x = 1\ny = 2\nkey = \"{}\"\n", aws_key()));
    repo.write("notes.txt", aws_key());
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(rules(&json(&out)).is_empty());
}

#[test]
fn a_key_removed_by_the_change_does_not_block() {
    let repo = Repo::new();
    repo.write("app.py", format!("x = 1\nkey = \"{}\"\n", aws_key()));
    repo.commit_all("old mistake");
    repo.write("app.py", "x = 1\nkey = os.environ['AWS_ACCESS_KEY_ID']\n");
    repo.git(&["add", "app.py"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn only_added_lines_of_a_modified_file_are_judged() {
    let repo = Repo::new();
    repo.write("app.py", format!("a = 1\nold = \"{}\"\nb = 2\n", aws_key()));
    repo.commit_all("old");
    repo.write("app.py", format!("a = 1\nold = \"{}\"\nb = 2\nnew = \"{}\"\n", aws_key(), aws_key_2()));
    repo.git(&["add", "app.py"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["line"], 4);
    assert_eq!(findings[0]["column"], 8);
}

#[test]
fn the_first_commit_of_a_new_repository_is_judged() {
    let repo = Repo::new();
    repo.write("settings.yaml", format!("aws:\n  access_key_id: {}\n", aws_key()));
    repo.git(&["add", "settings.yaml"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let report = json(&out);
    assert_eq!(report["findings"][0]["path"], "settings.yaml");
    assert_eq!(report["findings"][0]["line"], 2);
}

#[test]
fn an_empty_repository_with_nothing_staged_passes() {
    let repo = Repo::new();
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn a_renamed_file_with_an_old_secret_is_not_a_new_finding() {
    let repo = Repo::new();
    let body: String = (0..20).map(|i| format!("line {i}\n")).collect();
    repo.write("old/config.py", format!("{body}key = \"{}\"\n", aws_key()));
    repo.commit_all("old");
    std::fs::create_dir_all(repo.path().join("new")).unwrap();
    repo.git(&["mv", "old/config.py", "new/settings.py"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "pure rename: {}", text(&out.stdout));
    // A rename with an edit judges only the edit.
    repo.write("new/settings.py", format!("{body}key = \"{}\"\nextra = 1\n", aws_key()));
    repo.git(&["add", "-A"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "rename with edit: {}", text(&out.stdout));
    // But a new key added in the renamed file is found, at its line in the new file.
    repo.write("new/settings.py", format!("{body}key = \"{}\"\nextra = \"{}\"\n", aws_key(), aws_key_2()));
    repo.git(&["add", "-A"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["findings"][0]["line"], 22);
}

#[test]
fn file_arguments_limit_the_judgement_to_those_paths() {
    let repo = Repo::new();
    repo.write("a.py", format!("k = \"{}\"\n", aws_key()));
    repo.write("b.py", "x = 1\n");
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "b.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = repo.run("tollgate-secrets", &["pre-commit", "a.py", "b.py"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn deleted_files_symlinks_and_submodules_are_not_content() {
    let repo = Repo::new();
    repo.write("gone.py", format!("k = \"{}\"\n", aws_key()));
    repo.commit_all("init");
    repo.git(&["rm", "-q", "gone.py"]);
    // A symlink whose target text contains a key-like string.
    std::os::unix::fs::symlink(aws_key(), repo.path().join("link")).unwrap();
    repo.git(&["add", "link"]);
    // A gitlink (submodule commit) entry.
    let sub = Repo::new();
    sub.write("f", "x\n");
    let sub_head = sub.commit_all("sub");
    repo.git(&["update-index", "--add", "--cacheinfo", &format!("160000,{sub_head},vendor/sub")]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(json(&out)["stats"]["files"], 0);
}

#[test]
fn binary_crlf_and_invalid_utf8_are_ordinary_inputs() {
    let repo = Repo::new();
    let mut binary = vec![0u8, 1, 2, 3];
    binary.extend_from_slice(aws_key().as_bytes());
    repo.write("blob.bin", binary);
    repo.write("win.ini", format!("[aws]\r\nkey = {}\r\n", aws_key()));
    let mut latin = b"caf\xe9 = 1\n".to_vec();
    latin.push(0xff);
    latin.extend_from_slice(format!("key = \"{}\"\n", aws_key_2()).as_bytes());
    repo.write("latin1.txt", latin);
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["stats"]["binary_skipped"], 1, "{report}");
    let mut places: Vec<(String, u64, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    places.sort();
    assert_eq!(places, vec![("latin1.txt".into(), 2, 9), ("win.ini".into(), 2, 7)]);
}

#[test]
fn oversized_files_block_and_long_lines_are_judged() {
    let repo = Repo::new();
    repo.write(".tollgate.toml", "[settings]\nmax_file_bytes = 1000\nmax_line_bytes = 200\n");
    repo.commit_policy();
    repo.write("big.txt", "a".repeat(2000));
    repo.write("long.txt", format!("{} {}\n", "x".repeat(300), aws_key()));
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(found, vec![("big.txt", "not-judged"), ("long.txt", "aws-access-key-id")], "{report}");
    assert_eq!(report["warnings"].as_array().unwrap().len(), 0, "{report}");
    let human = repo.run("tollgate-secrets", &["pre-commit"]);
    assert!(text(&human.stdout).contains("not judged: 2000 bytes"), "{}", text(&human.stdout));
}

#[test]
fn commit_dash_a_is_judged_through_git_index_file() {
    let repo = Repo::new();
    repo.write("app.py", "x = 1\n");
    repo.commit_all("init");
    repo.install_hook("pre-commit", &hook_script());
    // Not staged by hand: `git commit -a` stages it into a temporary index.
    repo.write("app.py", format!("x = 1\nkey = \"{}\"\n", aws_key()));
    let out = repo.git_output(&["commit", "-a", "-m", "sneaky"]);
    assert!(!out.status.success(), "commit -a went through: {}", text(&out.stdout));
}

#[test]
fn inline_markers_suppress_and_are_counted_unless_turned_off() {
    let repo = Repo::new();
    repo.write(
        "fixtures.py",
        format!(
            "a = \"{}\"  # tollgate:allow=aws-access-key-id\n# tollgate:allow\nb = \"{}\"\n",
            aws_key(),
            aws_key_2()
        ),
    );
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let report = json(&out);
    assert_eq!(report["stats"]["suppressed"]["inline"], 2, "{report}");
    // A marker naming another rule does not apply.
    repo.write("other.py", format!("c = \"{}\"  # tollgate:allow=generic-password\n", aws_key()));
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(rules(&json(&out)), vec!["aws-access-key-id"]);
    // In CI the markers can be switched off, by flag or policy.
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json", "--no-inline-allow"]);
    assert_eq!(rules(&json(&out)).len(), 3);
    repo.write(".tollgate.toml", "[settings]\ninline_allow = false\n");
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(rules(&json(&out)).len(), 3);
}

#[test]
fn the_policy_allows_by_path_rule_and_fingerprint() {
    let repo = Repo::new();
    repo.write("data/keys.json", format!("{{\"key\": \"{}\"}}\n", aws_key()));
    repo.write("src/app.py", format!("k = \"{}\"\n", aws_key_2()));
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    let report = json(&out);
    let fingerprint = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/app.py")
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .unwrap();
    repo.write(
        ".tollgate.toml",
        format!(
            "[[allow]]\npath = \"data/**\"\nrule = \"aws-access-key-id\"\nreason = \"test fixtures\"\n\n\
             [[allow]]\nfingerprint = \"{fingerprint}\"\nreason = \"revoked key kept for docs\"\n"
        ),
    );
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(json(&out)["stats"]["suppressed"]["policy"], 2);
    // An expired exception no longer applies.
    repo.write(".tollgate.toml", "[[allow]]\npath = \"data/**\"\nreason = \"temporary\"\nexpires = 2020-01-01\n");
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    let report = json(&out);
    assert_eq!(rules(&report).len(), 2);
    // ... and the report says so, naming the policy file.
    let warning = &report["warnings"][0];
    assert!(warning["message"].as_str().unwrap().contains("expired on 2020-01-01"), "{report}");
    assert!(warning["path"].as_str().unwrap().ends_with(".tollgate.toml"), "{report}");
}

#[test]
fn json_report_carries_the_designed_fields() {
    let repo = Repo::new();
    repo.write("src/settings.py", format!("\n\nAWS = \"{}\"\n", aws_key()));
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_no_secret(&out, &aws_key());
    let report = json(&out);
    assert_eq!(report["tool"], "tollgate-secrets");
    assert_eq!(report["version"], env!("CARGO_PKG_VERSION"));
    let f = &report["findings"][0];
    for key in ["check", "rule", "severity", "path", "line", "column", "commit", "message", "redacted", "fingerprint"] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["check"], "secrets");
    assert_eq!(f["severity"], "block");
    assert_eq!(f["path"], "src/settings.py");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(3), Some(8)));
    assert!(f["commit"].is_null());
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    for key in ["files", "bytes", "elapsed_ms"] {
        assert!(report["stats"][key].is_u64(), "stats lacks {key}");
    }
}

#[test]
fn fingerprints_survive_line_moves() {
    let repo = Repo::new();
    repo.write("a.py", format!("k = \"{}\"\n", aws_key()));
    repo.git(&["add", "."]);
    let first = json(&repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]));
    repo.write("a.py", format!("\n\n\nimport os\nk = \"{}\"\n", aws_key()));
    repo.git(&["add", "."]);
    let second = json(&repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]));
    assert_eq!(second["findings"][0]["line"], 5);
    assert_eq!(first["findings"][0]["fingerprint"], second["findings"][0]["fingerprint"]);
}

#[test]
fn sarif_report_is_2_1_0_with_locations_and_fingerprints() {
    let repo = Repo::new();
    repo.write("deploy/env.sh", format!("export AWS_ACCESS_KEY_ID={}\n", aws_key()));
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    assert_no_secret(&out, &aws_key());
    let sarif = json(&out);
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "tollgate-secrets");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "aws-access-key-id");
    assert_eq!(result["level"], "error");
    let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][rule_index]["id"], "aws-access-key-id");
    let loc = &result["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "deploy/env.sh");
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 26);
    assert_eq!(result["partialFingerprints"]["tollgate/v1"].as_str().unwrap().len(), 32);
}

#[test]
fn a_malformed_policy_exits_2_naming_line_and_column() {
    let repo = Repo::new();
    repo.write(".tollgate.toml", "[settings]\ninline_allow = true\nmax_file_bytes = \"big\"\n");
    repo.commit_policy();
    repo.write("a.py", "x = 1\n");
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(".tollgate.toml:3:18"), "{err}");

    repo.write(".tollgate.toml", "[setings]\n");
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(".tollgate.toml:1:2"), "{err}");
    assert!(err.contains("setings"), "{err}");

    // A custom rule with a bad regex is refused at load, not at first match.
    repo.write(
        ".tollgate.toml",
        "[[secrets.rule]]\nid = \"mine\"\ndescription = \"d\"\nkeywords = [\"zz\"]\nregex = '''(zz'''\n\
         examples = [\"zz\"]\nnegative_examples = [\"yy\"]\n",
    );
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("mine"), "{}", text(&out.stderr));
}

#[test]
fn every_error_of_the_policy_is_reported_in_one_run() {
    let repo = Repo::new();
    repo.write(".tollgate.toml", "[settings]\naudit_log = \"yes\"\n\n[secrets]\ndisable = [\"no-such-rule\"]\n");
    repo.commit_policy();
    repo.write("a.py", "x = 1\n");
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    let shared = err.find(".tollgate.toml:2:13").unwrap_or_else(|| panic!("{err}"));
    let secrets = err.find(".tollgate.toml:5:12").unwrap_or_else(|| panic!("{err}"));
    assert!(shared < secrets, "{err}");
}

#[test]
fn a_personal_policy_applies_after_the_repository_and_can_switch_a_check_off() {
    let repo = Repo::new();
    repo.write(".tollgate.toml", "[secrets]\nenabled = true\n");
    repo.commit_policy();
    repo.write(".git/tollgate/policy.toml", "[secrets]\nenabled = false\n");
    repo.write("a.py", format!("k = \"{}\"\n", aws_key()));
    repo.git(&["add", "a.py"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(rules(&json(&out)).is_empty());
    repo.write(".git/tollgate/policy.toml", "[secrets.severity]\naws-access-key-id = \"warn\"\n");
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(rules(&json(&out)), vec!["aws-access-key-id"]);
}

#[test]
fn an_allow_entry_may_name_the_check_it_is_for() {
    let repo = Repo::new();
    repo.write("a.py", format!("k = \"{}\"\n", aws_key()));
    repo.git(&["add", "a.py"]);
    repo.write(".tollgate.toml", "[[allow]]\npath = \"a.py\"\ncheck = \"secrets\"\nreason = \"fixture\"\n");
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A check that does not exist cannot be named.
    repo.write(".tollgate.toml", "[[allow]]\npath = \"a.py\"\ncheck = \"dep\"\nreason = \"vendored\"\n");
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(".tollgate.toml:3:9: unknown check `dep`"), "{}", text(&out.stderr));
}

#[test]
fn custom_rules_and_disabled_rules_apply() {
    let repo = Repo::new();
    repo.write(
        ".tollgate.toml",
        "[secrets]\ndisable = [\"aws-access-key-id\"]\n\n[[secrets.rule]]\nid = \"acme-internal-token\"\n\
         description = \"ACME internal token\"\nkeywords = [\"acme_\"]\nregex = '''\\b(acme_[a-z0-9]{12})\\b'''\n\
         examples = [\"acme_k3v9q2x7m4w8\"]\nnegative_examples = [\"acme_short\"]\n",
    );
    repo.commit_policy();
    repo.write("a.py", format!("k = \"{}\"\nt = \"acme_q8z2k4m6p0r1\"\n", aws_key()));
    repo.git(&["add", "a.py"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(rules(&json(&out)), vec!["acme-internal-token"]);
}

#[test]
fn scan_walks_folders_honouring_gitignore_and_reads_stdin() {
    let repo = Repo::new();
    repo.write(".gitignore", "ignored/\n");
    repo.write("ignored/k.txt", aws_key());
    repo.write("src/k.txt", aws_key());
    repo.write(".env", format!("AWS_ACCESS_KEY_ID={}\n", aws_key_2()));
    let out = repo.run("tollgate-secrets", &["scan", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let mut paths: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, vec![".env", "src/k.txt"]);

    let out =
        repo.run_with_stdin("tollgate-secrets", &["scan", "-", "--format", "json"], &format!("x {}\n", aws_key()));
    assert_eq!(json(&out)["findings"][0]["path"], "<stdin>");

    let out = repo.run("tollgate-secrets", &["scan", "does-not-exist"]);
    assert_eq!(out.status.code(), Some(2), "a missing path must not pass");
}

#[test]
fn usage_errors_exit_2() {
    let repo = Repo::new();
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("xml"));
    let out = repo.run("tollgate-secrets", &["no-such-mode"]);
    assert_eq!(out.status.code(), Some(2));
    let outside = tempfile::tempdir().unwrap();
    let out = run_in(outside.path(), "tollgate-secrets", &["pre-commit"], "");
    assert_eq!(out.status.code(), Some(2), "outside a repository");
}

#[test]
fn commit_messages_are_judged_for_secrets() {
    let repo = Repo::new();
    repo.write("msg", format!("Fix deploy\n\nused key {} to test\n# {}\n", aws_key(), aws_key_2()));
    let out = repo.run("tollgate-secrets", &["commit-msg", "msg", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    // `git commit -m` keeps `#` lines (its cleanup is `whitespace`), and the hook cannot
    // tell -m from the editor: comment lines are judged too.
    assert_eq!(report["findings"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["findings"][0]["path"], "COMMIT_EDITMSG");
    // With `commit.cleanup = strip`, git drops them, and so does the judgement.
    repo.git(&["config", "commit.cleanup", "strip"]);
    let report = json(&repo.run("tollgate-secrets", &["commit-msg", "msg", "--format", "json"]));
    assert_eq!(report["findings"].as_array().unwrap().len(), 1, "{report}");
}

fn commit_msg_hook() -> String {
    format!("#!/bin/sh\nexec '{}' commit-msg \"$1\"\n", bin("tollgate-secrets").display())
}

#[test]
fn commit_dash_v_removing_a_key_is_not_refused_for_the_diff_below_the_scissors() {
    let repo = Repo::new();
    repo.write("settings.py", format!("KEY = \"{}\"\nDEBUG = True\n", aws_key()));
    repo.commit_all("init");
    repo.install_hook("commit-msg", &commit_msg_hook());
    repo.write("settings.py", "DEBUG = True\n");
    repo.git(&["add", "settings.py"]);
    // The editor (`true`) keeps git's template: comments, scissors, then the diff that
    // shows the removed key.
    let out = git_cmd(repo.path())
        .env("GIT_EDITOR", "true")
        .args(["commit", "-q", "-v", "-e", "-m", "Remove the hardcoded key"])
        .output()
        .unwrap();
    assert!(out.status.success(), "refused: {}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(repo.git(&["log", "-1", "--format=%s"]).trim(), "Remove the hardcoded key");
}

#[test]
fn core_comment_char_decides_where_the_scissors_are() {
    let repo = Repo::new();
    repo.git(&["config", "core.commentChar", ";"]);
    let scissors = "------------------------ >8 ------------------------";
    // With `;` as the comment character, a `#` scissors line is ordinary text: what
    // follows it is part of the message and is judged.
    repo.write("msg", format!("Subject\n\n# {scissors}\nKEY={}\n", aws_key()));
    assert_eq!(repo.run("tollgate-secrets", &["commit-msg", "msg"]).status.code(), Some(1));
    repo.write("msg", format!("Subject\n\n; {scissors}\nKEY={}\n", aws_key()));
    let out = repo.run("tollgate-secrets", &["commit-msg", "msg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// The tree a pre-commit run records (hashed from the index without writing objects)
/// must be the tree the commit gets, whatever the index format.
fn recorded_tree(repo: &Repo) -> String {
    let log = std::fs::read_to_string(repo.path().join(".git/tollgate/audit.jsonl")).unwrap();
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    last["tree"].as_str().unwrap_or("").to_string()
}

#[test]
fn every_index_format_is_read_and_its_tree_is_known() {
    for (name, setup) in [
        ("v2", vec!["update-index", "--index-version", "2"]),
        ("v3 with intent-to-add", vec!["add", "-N", "later.txt"]),
        ("v4", vec!["update-index", "--index-version", "4"]),
        ("split index", vec!["update-index", "--split-index"]),
    ] {
        let repo = Repo::new();
        for i in 0..30 {
            repo.write(&format!("dir{}/sub/file{i}.txt", i % 4), format!("line {i}\n"));
        }
        repo.commit_all("base");
        repo.write("later.txt", "not staged yet\n");
        repo.git(&setup);
        repo.write("dir1/sub/new.py", format!("k = \"{}\"\n", aws_key()));
        repo.write("dir2/sub/file2.txt", "changed\n");
        repo.git(&["add", "dir1", "dir2"]);
        let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}{}", text(&out.stdout), text(&out.stderr));
        let report = json(&out);
        assert_eq!(report["findings"][0]["path"], "dir1/sub/new.py", "{name}");
        assert_eq!(report["stats"]["files"], 2, "{name}: {report}");
        // Without the key, the run is clean and the commit's tree is the one recorded.
        repo.write("dir1/sub/new.py", "k = None\n");
        repo.git(&["add", "dir1"]);
        let out = repo.run("tollgate-secrets", &["pre-commit"]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let tree = recorded_tree(&repo);
        repo.git(&["commit", "-q", "--no-verify", "-m", "next"]);
        if name != "split index" {
            assert_eq!(tree, repo.git(&["rev-parse", "HEAD^{tree}"]).trim(), "{name}");
        }
    }
}

#[test]
fn a_linked_worktree_and_a_detached_head_are_ordinary() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    repo.git(&["worktree", "add", "-q", "--detach", wt_path.to_str().unwrap()]);
    std::fs::write(wt_path.join("k.py"), format!("k = \"{}\"\n", aws_key())).unwrap();
    let out = git_cmd(&wt_path).args(["add", "k.py"]).output().unwrap();
    assert!(out.status.success());
    let out = run_in(&wt_path, "tollgate-secrets", &["pre-commit", "--format", "json"], "");
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(json(&out)["findings"][0]["path"], "k.py");
    // The worktree's hook runs are audited in the common git dir.
    assert!(repo.path().join(".git/tollgate/audit.jsonl").exists());
}

#[test]
fn two_secrets_on_one_line_never_show_each_other() {
    let repo = Repo::new();
    let secret = ["wJ8rXz2Qk5Lm9N", "p3Rt7Vb1Cd4Fg6", "Hj0KsTuYwZa0"].concat();
    // A value no rule knows, beside them: the report must not show it either.
    let unknown = "zQ7mK2pL9xW4rT8vN3bY6cH1";
    repo.write(
        "creds.ini",
        format!("aws_access_key_id={} aws_secret_access_key={secret} internal={unknown}\n", aws_key()),
    );
    repo.git(&["add", "."]);
    let out = repo.run("tollgate-secrets", &["pre-commit"]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    assert!(shown.matches("creds.ini:1:").count() >= 2, "{shown}");
    assert_no_secret(&out, &aws_key());
    assert_no_secret(&out, &secret);
    assert_no_secret(&out, unknown);
}

#[test]
fn an_organisation_policy_applies_under_the_repositorys_own() {
    let repo = Repo::new();
    let org = tempfile::tempdir().unwrap();
    let org_file = org.path().join("org.toml");
    std::fs::write(&org_file, "[[allow]]\npath = \"vendor/**\"\nreason = \"third-party fixtures\"\n").unwrap();
    repo.write("vendor/k.py", format!("k = \"{}\"\n", aws_key()));
    repo.write("src/k.py", format!("k = \"{}\"\n", aws_key_2()));
    repo.git(&["add", "."]);
    // By git config ...
    repo.git(&["config", "tollgate.policy", org_file.to_str().unwrap()]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    let report = json(&out);
    assert_eq!(report["stats"]["suppressed"]["policy"], 1, "{report}");
    // ... and the repository's file layers on top (here: switching the rule off).
    repo.write(".tollgate.toml", "[secrets]\ndisable = [\"aws-access-key-id\"]\n");
    repo.commit_policy();
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // By environment, which wins over git config; a broken one fails closed.
    std::fs::remove_file(repo.path().join(".tollgate.toml")).unwrap();
    let broken = org.path().join("broken.toml");
    std::fs::write(&broken, "[[allow]]\nreason = 1\n").unwrap();
    let out = std::process::Command::new(bin("tollgate-secrets"))
        .current_dir(repo.path())
        .args(["pre-commit"])
        .env("TOLLGATE_POLICY", &broken)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("broken.toml:2:10"), "{}", text(&out.stderr));
}
