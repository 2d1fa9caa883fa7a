//! Commits in flight: pre-push through real `git push` to a local bare remote,
//! pre-receive installed in that remote, history, baselines and the audit log.

mod common;

use common::*;

/// A working repository with a bare remote `origin` and tollgate's pre-push hook.
fn repo_with_remote() -> (Repo, Repo) {
    let remote = Repo::bare();
    let repo = Repo::new();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.install_hook(
        "pre-push",
        &format!("#!/bin/sh\nexec '{}' pre-push \"$@\"\n", bin("tollgate-secrets").display()),
    );
    (repo, remote)
}

fn push(repo: &Repo, args: &[&str]) -> std::process::Output {
    let mut all = vec!["push", "-q"];
    all.extend_from_slice(args);
    repo.git_output(&all)
}

fn output(out: &std::process::Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

fn remote_has(remote: &Repo, rev: &str) -> bool {
    remote.git_output(&["rev-parse", "--verify", "-q", rev]).status.success()
}

#[test]
fn push_all_of_two_new_branches_is_refused_when_the_second_has_a_key() {
    let (repo, remote) = repo_with_remote();
    repo.write("README.md", "hi\n");
    repo.commit_all("init");
    repo.git(&["checkout", "-q", "-b", "a-clean"]);
    repo.write("a.txt", "fine\n");
    repo.commit_all("clean work");
    repo.git(&["checkout", "-q", "-b", "b-leaky", "main"]);
    repo.write("b.py", format!("KEY = \"{}\"\n", aws_key()));
    let leaky = repo.commit_all("leaky work");
    let out = push(&repo, &["--all", "origin"]);
    assert!(!out.status.success(), "push went through: {}", output(&out));
    let all = output(&out);
    assert!(all.contains(&leaky[..12]), "the report names the commit: {all}");
    assert_no_secret(&out, &aws_key());
    assert!(!remote_has(&remote, "refs/heads/b-leaky"));
    assert!(!remote_has(&remote, "refs/heads/a-clean"), "a refused push moves no ref");
}

#[test]
fn a_key_added_then_removed_in_one_push_still_blocks_and_names_the_commit() {
    let (repo, _remote) = repo_with_remote();
    repo.write("app.py", "x = 1\n");
    repo.commit_all("one");
    repo.write("app.py", format!("x = 1\nkey = \"{}\"\n", aws_key()));
    let second = repo.commit_all("two: adds a key");
    repo.write("app.py", "x = 1\nkey = os.environ['KEY']\n");
    repo.commit_all("three: removes it");
    let out = push(&repo, &["origin", "main"]);
    assert!(!out.status.success());
    let all = output(&out);
    assert!(all.contains(&second[..12]), "names the second commit: {all}");
    assert!(all.contains("app.py:2:"), "{all}");
}

#[test]
fn a_clean_push_passes_and_a_new_branch_judges_only_its_own_commits() {
    let (repo, remote) = repo_with_remote();
    // An old leak already on the remote (pushed before tollgate was installed).
    repo.write("legacy.py", format!("k = \"{}\"\n", aws_key()));
    repo.commit_all("legacy");
    let out = repo.git_output(&["push", "-q", "--no-verify", "origin", "main"]);
    assert!(out.status.success(), "{}", output(&out));
    repo.write("b.txt", "clean\n");
    repo.commit_all("clean");
    let out = push(&repo, &["origin", "main"]);
    assert!(out.status.success(), "clean push refused: {}", output(&out));
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("c.txt", "more\n");
    repo.commit_all("feature work");
    let out = push(&repo, &["origin", "feature"]);
    assert!(out.status.success(), "new branch judged old commits: {}", output(&out));
    assert!(remote_has(&remote, "refs/heads/feature"));
}

#[test]
fn branch_deletion_passes_and_tags_are_judged() {
    let (repo, remote) = repo_with_remote();
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    repo.git(&["branch", "doomed"]);
    assert!(push(&repo, &["origin", "main", "doomed"]).status.success());
    let out = push(&repo, &["origin", "--delete", "doomed"]);
    assert!(out.status.success(), "deletion refused: {}", output(&out));
    assert!(!remote_has(&remote, "refs/heads/doomed"));
    // A tag on a commit that carries a key the remote never saw.
    repo.git(&["checkout", "-q", "--detach"]);
    repo.write("t.py", format!("k = \"{}\"\n", aws_key()));
    repo.commit_all("tagged leak");
    repo.git(&["tag", "-a", "v1", "-m", "release"]);
    let out = push(&repo, &["origin", "v1"]);
    assert!(!out.status.success(), "tag push went through: {}", output(&out));
}

#[test]
fn a_force_push_judges_only_the_new_commits() {
    let (repo, _remote) = repo_with_remote();
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    repo.write("old.py", format!("k = \"{}\"\n", aws_key()));
    repo.commit_all("leak pushed long ago");
    assert!(repo.git_output(&["push", "-q", "--no-verify", "origin", "main"]).status.success());
    // Rewrite the last commit: the leak stays in the tree, the remote already has it.
    repo.write("b.txt", "b\n");
    repo.git(&["add", "b.txt"]);
    repo.git(&["commit", "-q", "--amend", "--no-verify", "-m", "amended"]);
    let out = push(&repo, &["--force", "origin", "main"]);
    // The amended commit re-adds old.py relative to its parent, so it is judged.
    assert!(!out.status.success(), "the rewritten commit carries the key again");
    // A force push that only drops commits judges nothing.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let out = push(&repo, &["--force", "origin", "main"]);
    assert!(out.status.success(), "{}", output(&out));
}

#[test]
fn merge_commits_judge_only_what_the_merge_introduced() {
    let (repo, _remote) = repo_with_remote();
    repo.write("a.txt", "base\n");
    repo.commit_all("base");
    // The key arrives on a side branch that the remote already has.
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.py", format!("k = \"{}\"\n", aws_key()));
    repo.commit_all("side leak");
    assert!(repo.git_output(&["push", "-q", "--no-verify", "origin", "side"]).status.success());
    repo.git(&["checkout", "-q", "main"]);
    repo.write("main.txt", "main work\n");
    repo.commit_all("main work");
    repo.git(&["merge", "-q", "--no-edit", "--no-ff", "side"]);
    let out = push(&repo, &["origin", "main"]);
    assert!(out.status.success(), "the merge brought nothing new: {}", output(&out));
    // An evil merge that adds a key of its own is caught.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.git(&["merge", "-q", "--no-commit", "--no-ff", "side"]);
    repo.write("main.txt", format!("main work\nk2 = \"{}\"\n", aws_key_2()));
    repo.git(&["add", "main.txt"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "evil merge"]);
    let out = push(&repo, &["--force", "origin", "main"]);
    assert!(!out.status.success());
    assert!(output(&out).contains("main.txt:2:"), "{}", output(&out));
}

#[test]
fn pre_receive_in_the_bare_remote_enforces_the_same_judgement() {
    let remote = Repo::bare();
    let hooks = remote.path().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let hook = hooks.join("pre-receive");
    std::fs::write(&hook, format!("#!/bin/sh\nexec '{}' pre-receive\n", bin("tollgate-secrets").display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let repo = Repo::new();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    let out = repo.git_output(&["push", "-q", "--no-verify", "origin", "main"]);
    assert!(out.status.success(), "clean push refused by the server: {}", output(&out));
    repo.write("b.py", format!("k = \"{}\"\n", aws_key()));
    let leak = repo.commit_all("leak");
    repo.write("b.py", "k = None\n");
    repo.commit_all("hide it");
    // --no-verify skips the client's hooks; the server still refuses.
    let out = repo.git_output(&["push", "--no-verify", "origin", "main"]);
    assert!(!out.status.success(), "server accepted a key");
    let all = output(&out);
    assert!(all.contains(&leak[..12]), "{all}");
    assert!(all.contains("pre-receive hook declined"), "{all}");
    assert!(!remote.git(&["rev-parse", "main"]).contains(&leak));
    // New branches and deletions.
    repo.git(&["reset", "-q", "--hard", "HEAD~2"]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("c.txt", "c\n");
    repo.commit_all("c");
    assert!(repo.git_output(&["push", "-q", "--no-verify", "origin", "topic"]).status.success());
    assert!(repo.git_output(&["push", "-q", "--no-verify", "origin", "--delete", "topic"]).status.success());
}

#[test]
fn the_pre_commit_frameworks_push_range_is_judged() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    let base = repo.commit_all("a");
    repo.write("k.py", format!("k = \"{}\"\n", aws_key()));
    let leak = repo.commit_all("leak");
    let mut cmd = std::process::Command::new(bin("tollgate-secrets"));
    let out = cmd
        .current_dir(repo.path())
        .args(["pre-push", "origin", "--format", "json"])
        .env("PRE_COMMIT_FROM_REF", &base)
        .env("PRE_COMMIT_TO_REF", &leak)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", output(&out));
    let report = json(&out);
    assert_eq!(report["findings"][0]["commit"], leak.as_str());
    assert_eq!(report["stats"]["commits"], 1);
}

#[test]
fn the_frameworks_first_push_of_a_branch_is_judged() {
    // Pushing a branch that reaches a root commit, the framework sets no range, only
    // the branch: every commit on it that the remote lacks is judged.
    let repo = Repo::new();
    repo.write("k.py", format!("k = \"{}\"\n", aws_key()));
    let root = repo.commit_all("root with a key");
    let out = std::process::Command::new(bin("tollgate-secrets"))
        .current_dir(repo.path())
        .args(["pre-push", "origin", "--format", "json"])
        .env("PRE_COMMIT", "1")
        .env("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main")
        .env("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", output(&out));
    assert_eq!(json(&out)["findings"][0]["commit"], root.as_str());
}

#[test]
fn history_finds_old_keys_with_their_commits_and_a_baseline_silences_exactly_those() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    repo.write("conf/old.py", format!("k = \"{}\"\n", aws_key()));
    let first_leak = repo.commit_all("old leak");
    repo.write("conf/old.py", format!("k = \"{}\"\nother = 1\n", aws_key()));
    repo.commit_all("edit around the leak");
    repo.git(&["checkout", "-q", "-b", "branch"]);
    repo.write("side.env", format!("AWS_ACCESS_KEY_ID={}\n", aws_key_2()));
    let side_leak = repo.commit_all("side leak");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("conf/old.py", "k = None\n");
    repo.commit_all("removed");

    let out = repo.run("tollgate", &["history", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", output(&out));
    assert_no_secret(&out, &aws_key());
    let report = json(&out);
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["commit"].as_str().unwrap().to_string()))
        .collect();
    found.sort();
    assert_eq!(found, vec![("conf/old.py".into(), first_leak.clone()), ("side.env".into(), side_leak.clone())]);
    assert!(report["findings"][0]["author_date"].as_str().unwrap().ends_with('Z'));
    assert_eq!(report["stats"]["commits"], 5);

    // Only one branch.
    let out = repo.run("tollgate", &["history", "main", "--format", "json"]);
    assert_eq!(json(&out)["findings"].as_array().unwrap().len(), 1);

    // The baseline holds fingerprints, never the secret, and silences exactly those.
    let out = repo.run("tollgate", &["baseline", "create", "--output", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    let baseline = std::fs::read_to_string(repo.path().join("baseline.json")).unwrap();
    assert!(!baseline.contains(&aws_key()) && !baseline.contains(&aws_key_2()));
    let out = repo.run("tollgate", &["history", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    assert_eq!(json(&out)["stats"]["suppressed"]["baseline"], 2);
    // A new leak still blocks, and the policy key applies the baseline too.
    repo.write(".tollgate.toml", "[settings]\nbaseline = \"baseline.json\"\n");
    repo.write("new.py", format!("n = \"{}\"\n", ["AKIA", "R5TW", "9XQ2", "LMZP", "4VKN"].concat()));
    repo.commit_all("new leak");
    let out = repo.run("tollgate", &["history", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let paths: Vec<String> =
        json(&out)["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(paths, vec!["new.py"]);
    // A damaged baseline fails closed with its position.
    std::fs::write(repo.path().join("baseline.json"), "{\n  \"findings\": [,]\n}").unwrap();
    let out = repo.run("tollgate", &["history"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("baseline.json:2:16"), "{}", text(&out.stderr));
}

#[test]
fn a_working_tree_baseline_holds_repository_paths_and_silences_those_files() {
    let repo = Repo::new();
    repo.write("conf/old.env", format!("AWS_ACCESS_KEY_ID={}\n", aws_key()));
    repo.write("src/main.py", "print(1)\n");
    repo.commit_all("old leak");
    // Created from a subdirectory, the baseline still names repository paths.
    let sub = repo.path().join("src");
    let out = run_in(&sub, "tollgate", &["baseline", "create", "--working-tree", "--output", "b.json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sub.join("b.json")).unwrap()).unwrap();
    assert_eq!(baseline["source"], "working-tree");
    assert_eq!(baseline["findings"][0]["path"], "conf/old.env");
    // The same key in a new file is new; in the baselined file it is accepted.
    repo.write("conf/old.env", format!("AWS_ACCESS_KEY_ID={}\nREGION=eu-west-1\n", aws_key()));
    repo.write("conf/new.env", format!("AWS_ACCESS_KEY_ID={}\n", aws_key()));
    let out = repo.run("tollgate", &["scan", ".", "--baseline", "src/b.json", "--format", "json"]);
    let report = json(&out);
    assert_eq!(report["stats"]["suppressed"]["baseline"], 1, "{report}");
    assert_eq!(report["findings"][0]["path"], "conf/new.env", "{report}");
}

#[test]
fn history_of_an_empty_repository_and_a_shallow_clone() {
    let repo = Repo::new();
    let out = repo.run("tollgate", &["history"]);
    assert_eq!(out.status.code(), Some(0), "{}", output(&out));
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    repo.write("k.py", format!("k = \"{}\"\n", aws_key()));
    repo.commit_all("leak");
    repo.write("b.txt", "b\n");
    repo.commit_all("b");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let dest = clone.path().join("c");
    let out =
        git_cmd(clone.path()).args(["clone", "-q", "--depth", "1", &url, dest.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", output(&out));
    let out = run_in(&dest, "tollgate", &["history", "--format", "json"], "");
    assert_eq!(out.status.code(), Some(1), "{}", output(&out));
    assert_eq!(json(&out)["stats"]["commits"], 1);
}

#[test]
fn every_hook_run_is_audited_and_unchecked_commits_are_named_at_push() {
    let (repo, _remote) = repo_with_remote();
    repo.install_hook("pre-commit", &format!("#!/bin/sh\nexec '{}' pre-commit\n", bin("tollgate-secrets").display()));
    repo.write("a.txt", "a\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "checked"]);
    repo.write("b.txt", "b\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "skipped the hook"]);
    let skipped = repo.head();
    let out = push(&repo, &["origin", "main"]);
    assert!(out.status.success(), "{}", output(&out));
    let all = output(&out);
    assert!(all.contains(&skipped[..12]), "names the --no-verify commit: {all}");
    assert!(all.contains("1 of 2 commit(s)"), "the checked commit is not named: {all}");

    let log = std::fs::read_to_string(repo.path().join(".git/tollgate/audit.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 2, "{log}");
    assert_eq!(records[0]["hook"], "pre-commit");
    assert_eq!(records[0]["result"], "clean");
    let first_tree = repo.git(&["rev-parse", "HEAD~1^{tree}"]);
    assert_eq!(records[0]["tree"], first_tree.trim(), "the recorded tree is the commit's tree");
    assert_eq!(records[1]["hook"], "pre-push");
    assert_eq!(records[1]["commits"].as_array().unwrap().len(), 2);
    for key in ["time", "repository", "counts", "fingerprints", "version"] {
        assert!(records[1].get(key).is_some(), "audit record lacks {key}");
    }
    // A blocked commit is recorded with its rule counts and fingerprints, no secret.
    repo.write("k.py", format!("k = \"{}\"\n", aws_key()));
    repo.git(&["add", "."]);
    assert!(!repo.git_output(&["commit", "-q", "-m", "leak"]).status.success());
    let log = std::fs::read_to_string(repo.path().join(".git/tollgate/audit.jsonl")).unwrap();
    assert!(!log.contains(&aws_key()));
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["result"], "blocked");
    assert_eq!(last["counts"]["aws-access-key-id"], 1);
}

#[test]
fn malformed_push_input_exits_2_with_its_position() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    let out =
        repo.run_with_stdin("tollgate-secrets", &["pre-push", "origin"], "refs/heads/main zzz refs/heads/main 0\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("<stdin>:1:17"), "{}", text(&out.stderr));
}

#[test]
fn a_key_in_a_commit_message_blocks_the_push_and_history() {
    let (repo, remote) = repo_with_remote();
    repo.write("README.md", "hi\n");
    repo.commit_all("init");
    repo.write("notes.txt", "nothing here\n");
    let leaky = repo.commit_all(&format!("Try the deploy\n\nused {} for the test run\n", aws_key()));
    let out = push(&repo, &["origin", "main"]);
    assert!(!out.status.success(), "push went through: {}", output(&out));
    let all = output(&out);
    assert!(all.contains("(commit message)"), "{all}");
    assert!(all.contains(&leaky[..12]), "{all}");
    assert_no_secret(&out, &aws_key());
    assert!(!remote_has(&remote, "refs/heads/main"));
    let report = json(&repo.run("tollgate-secrets", &["history", "--format", "json"]));
    let finding = &report["findings"][0];
    assert_eq!(finding["path"], "(commit message)");
    assert_eq!(finding["commit"], leaky.as_str());
}
