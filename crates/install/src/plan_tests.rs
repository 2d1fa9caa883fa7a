use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::git::tests::{git, init, isolated};

pub(crate) fn write_script(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Every file and folder under `dir`: mode and content (or link target).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, (u32, Vec<u8>)>) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let rel = p.strip_prefix(root).unwrap().to_path_buf();
        let mode = meta.permissions().mode();
        if meta.file_type().is_symlink() {
            out.insert(rel, (mode, std::fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes()));
        } else if meta.is_dir() {
            out.insert(rel, (mode, Vec::new()));
            walk(root, &p, out);
        } else {
            out.insert(rel, (mode, std::fs::read(&p).unwrap()));
        }
    }
}

struct Fixture {
    tmp: tempfile::TempDir,
    env: Environment,
    repo: PathBuf,
    bin: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let env = isolated(tmp.path());
    let repo = tmp.path().join("repo");
    init(&env, &repo);
    let bin = tmp.path().join("prefix/bin/tollgate");
    write_script(&bin, "#!/bin/sh\n");
    let repo = repo.canonicalize().unwrap();
    Fixture { tmp, env, repo, bin }
}

impl Fixture {
    fn request(&self, scope: Scope, claude: bool) -> Request {
        Request { scope, claude, binary: self.bin.clone() }
    }
    fn repo_request(&self) -> Request {
        self.request(Scope::Repository(self.repo.clone()), false)
    }
    fn install(&self, req: &Request) -> Plan {
        let plan = plan_install(req, &self.env).unwrap_or_else(|e| panic!("{e}"));
        plan.clone().apply().unwrap_or_else(|e| panic!("{e}"));
        plan
    }
    fn uninstall(&self, req: &Request) -> Vec<String> {
        plan_uninstall(req, &self.env).unwrap_or_else(|e| panic!("{e}")).apply().unwrap_or_else(|e| panic!("{e}"))
    }
}

#[test]
fn install_then_uninstall_leaves_the_git_dir_as_it_was() {
    let f = fixture();
    let before = snapshot(&f.repo.join(".git"));
    let plan = f.install(&f.repo_request());
    let text = plan.describe(true);
    assert!(text.contains("wrote tollgate's pre-commit, pre-push and commit-msg hooks"), "{text}");
    for name in HOOK_NAMES {
        let hook = f.repo.join(".git/hooks").join(name);
        assert!(crate::git::is_executable(&hook), "{name}");
        let script = std::fs::read_to_string(&hook).unwrap();
        assert_eq!(script::recorded_binary(&script).as_deref(), f.bin.to_str());
    }
    assert!(f.repo.join(".git/tollgate/install.json").exists());

    // A second install plans nothing and writes nothing.
    let after_first = snapshot(&f.repo.join(".git"));
    let again = plan_install(&f.repo_request(), &f.env).unwrap();
    assert!(again.is_empty(), "{}", again.describe(false));
    assert!(again.describe(false).contains("nothing to change"));
    again.apply().unwrap();
    assert_eq!(snapshot(&f.repo.join(".git")), after_first);

    let notes = f.uninstall(&f.repo_request());
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(snapshot(&f.repo.join(".git")), before);
    // Nothing left to uninstall.
    assert!(plan_uninstall(&f.repo_request(), &f.env).unwrap().is_empty());
}

#[test]
fn an_existing_hook_is_chained_and_put_back() {
    let f = fixture();
    let hook = f.repo.join(".git/hooks/pre-commit");
    write_script(&hook, "#!/bin/sh\necho mine\n");
    let before = snapshot(&f.repo.join(".git"));
    let plan = f.install(&f.repo_request());
    assert!(plan.describe(true).contains("kept the existing pre-commit as pre-commit.tollgate-chained"));
    assert_eq!(
        std::fs::read_to_string(f.repo.join(".git/hooks/pre-commit.tollgate-chained")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert!(script::is_tollgate_hook(&std::fs::read(&hook).unwrap()));
    // Installing again neither chains tollgate's own hook nor changes anything.
    assert!(plan_install(&f.repo_request(), &f.env).unwrap().is_empty());
    f.uninstall(&f.repo_request());
    assert_eq!(snapshot(&f.repo.join(".git")), before);
}

#[test]
fn a_taken_chain_slot_is_refused_before_anything_is_written() {
    let f = fixture();
    write_script(&f.repo.join(".git/hooks/pre-push"), "#!/bin/sh\necho mine\n");
    write_script(&f.repo.join(".git/hooks/pre-push.tollgate-chained"), "#!/bin/sh\necho older\n");
    let before = snapshot(&f.repo.join(".git"));
    match plan_install(&f.repo_request(), &f.env) {
        Err(InstallError::ChainSlotTaken { hook, .. }) => assert!(hook.ends_with("pre-push")),
        other => panic!("{other:?}"),
    }
    assert_eq!(snapshot(&f.repo.join(".git")), before);
}

#[test]
fn a_missing_hooks_folder_is_created_and_removed_again() {
    let f = fixture();
    std::fs::remove_dir_all(f.repo.join(".git/hooks")).unwrap();
    let before = snapshot(&f.repo.join(".git"));
    let plan = f.install(&f.repo_request());
    assert!(plan.steps.contains(&Step::CreateDir(f.repo.join(".git/hooks"))));
    f.uninstall(&f.repo_request());
    assert_eq!(snapshot(&f.repo.join(".git")), before);
}

#[test]
fn a_relative_hooks_path_is_honoured_with_a_note() {
    let f = fixture();
    git(&f.env, &f.repo, &["config", "core.hooksPath", ".githooks"]);
    write_script(&f.repo.join(".githooks/commit-msg"), "#!/bin/sh\nexit 0\n");
    let before = snapshot(&f.repo);
    let plan = f.install(&f.repo_request());
    assert_eq!(plan.hooks_dir, f.repo.join(".githooks"));
    assert!(plan.notes.iter().any(|n| n.contains("inside the working tree (.githooks)")), "{:?}", plan.notes);
    assert!(f.repo.join(".githooks/commit-msg.tollgate-chained").exists());
    assert!(!f.repo.join(".git/hooks/pre-commit").exists());
    f.uninstall(&f.repo_request());
    assert_eq!(snapshot(&f.repo), before);
}

#[test]
fn a_shared_global_hooks_folder_is_not_changed_from_one_repository() {
    let f = fixture();
    let shared = f.tmp.path().join("team-hooks");
    write_script(&shared.join("pre-commit"), "#!/bin/sh\nexit 0\n");
    git(&f.env, &f.repo, &["config", "--global", "core.hooksPath", shared.to_str().unwrap()]);
    match plan_install(&f.repo_request(), &f.env) {
        Err(e @ InstallError::SharedHooksFolder { .. }) => assert!(e.to_string().contains("--global"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn global_install_sets_hooks_path_and_uninstall_restores_the_file() {
    let f = fixture();
    let gitconfig = f.tmp.path().join(".gitconfig");
    std::fs::write(&gitconfig, "[user]\n\tname = Someone\n# a comment git keeps\n").unwrap();
    let config_before = std::fs::read(&gitconfig).unwrap();
    let tollgate_dir = f.tmp.path().join(".config/tollgate");
    let req = f.request(Scope::Global, false);
    let plan = f.install(&req);
    let hooks = tollgate_dir.join("hooks");
    assert_eq!(plan.hooks_dir, hooks);
    assert_eq!(git(&f.env, &f.repo, &["config", "--global", "core.hooksPath"]), hooks.to_str().unwrap());
    let script = std::fs::read_to_string(hooks.join("pre-commit")).unwrap();
    assert!(script::chains_repo_hook(&script), "a global hook must run each repository's own");
    // Every repository now resolves to the global folder.
    assert_eq!(RepoLocation::find(&f.repo, &f.env).unwrap().hooks_dir, hooks);
    // A second global install, and a per-repository one, change nothing.
    assert!(plan_install(&req, &f.env).unwrap().is_empty());
    assert!(plan_install(&f.repo_request(), &f.env).unwrap().is_empty());

    f.uninstall(&req);
    assert_eq!(std::fs::read(&gitconfig).unwrap(), config_before);
    assert!(!f.tmp.path().join(".config/tollgate").exists());
}

#[test]
fn global_uninstall_after_other_config_changes_only_unsets_the_key() {
    let f = fixture();
    let gitconfig = f.tmp.path().join(".gitconfig");
    let req = f.request(Scope::Global, false);
    f.install(&req);
    git(&f.env, &f.repo, &["config", "--global", "user.name", "Later"]);
    let notes = plan_uninstall(&req, &f.env).unwrap();
    assert!(notes.notes.iter().any(|n| n.contains("only core.hooksPath is unset")), "{:?}", notes.notes);
    notes.apply().unwrap();
    let text = std::fs::read_to_string(&gitconfig).unwrap();
    assert!(text.contains("Later") && !text.contains("hooksPath"), "{text}");
}

#[test]
fn global_install_into_the_users_own_hooks_path_chains_without_touching_config() {
    let f = fixture();
    let own = f.tmp.path().join("my-hooks");
    write_script(&own.join("pre-push"), "#!/bin/sh\nexit 0\n");
    git(&f.env, &f.repo, &["config", "--global", "core.hooksPath", own.to_str().unwrap()]);
    let config_before = std::fs::read(f.tmp.path().join(".gitconfig")).unwrap();
    let before = snapshot(&own);
    let req = f.request(Scope::Global, false);
    let plan = f.install(&req);
    assert_eq!(plan.hooks_dir, own);
    assert!(!plan.steps.iter().any(|s| matches!(s, Step::SetConfig { .. })));
    assert!(own.join("pre-push.tollgate-chained").exists());
    assert!(!script::chains_repo_hook(&std::fs::read_to_string(own.join("pre-commit")).unwrap()));
    f.uninstall(&req);
    assert_eq!(snapshot(&own), before);
    assert_eq!(std::fs::read(f.tmp.path().join(".gitconfig")).unwrap(), config_before);
}

#[test]
fn a_relative_global_hooks_path_is_refused() {
    let f = fixture();
    git(&f.env, &f.repo, &["config", "--global", "core.hooksPath", ".githooks"]);
    assert!(matches!(
        plan_install(&f.request(Scope::Global, false), &f.env),
        Err(InstallError::RelativeGlobalPath { .. })
    ));
}

#[test]
fn template_install_reaches_new_repositories() {
    let f = fixture();
    let req = f.request(Scope::GlobalTemplate, false);
    let plan = f.install(&req);
    let template = f.tmp.path().join(".config/tollgate/template");
    assert_eq!(plan.hooks_dir, template.join("hooks"));
    assert_eq!(git(&f.env, &f.repo, &["config", "--global", "init.templateDir"]), template.to_str().unwrap());
    let fresh = f.tmp.path().join("fresh");
    init(&f.env, &fresh);
    assert!(script::is_tollgate_hook(&std::fs::read(fresh.join(".git/hooks/pre-commit")).unwrap()));
    // In such a repository, uninstall finds tollgate's hooks without a record.
    let before_uninstall = plan_uninstall(&f.request(Scope::Repository(fresh.clone()), false), &f.env).unwrap();
    assert_eq!(before_uninstall.steps.iter().filter(|s| matches!(s, Step::RemoveHook(_))).count(), 3);
    f.uninstall(&req);
    assert!(!f.tmp.path().join(".gitconfig").exists(), "the global config did not exist before");
}

#[test]
fn claude_settings_are_merged_and_restored_byte_for_byte() {
    let f = fixture();
    let settings = f.repo.join(".claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    let original = "{\"permissions\":{\"allow\":[\"Bash(make)\"]}}";
    std::fs::write(&settings, original).unwrap();
    let req = f.request(Scope::Repository(f.repo.clone()), true);
    f.install(&req);
    let merged = std::fs::read_to_string(&settings).unwrap();
    assert!(merged.contains("tollgate agent-hook") && merged.contains("Bash(make)"), "{merged}");
    assert!(plan_install(&req, &f.env).unwrap().is_empty());
    f.uninstall(&f.repo_request());
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), original);
}

#[test]
fn claude_settings_created_by_install_go_away_with_their_folder() {
    let f = fixture();
    let req = f.request(Scope::Repository(f.repo.clone()), true);
    let plan = plan_install(&req, &f.env).unwrap();
    let text = plan.describe(false);
    assert!(text.contains("dry run") && text.contains(".claude/settings.json"), "{text}");
    // A dry run's plan writes nothing until applied.
    assert!(!f.repo.join(".claude").exists());
    plan.apply().unwrap();
    assert!(f.repo.join(".claude/settings.json").exists());
    f.uninstall(&req);
    assert!(!f.repo.join(".claude").exists());
}

#[test]
fn claude_settings_edited_since_lose_only_tollgates_entries() {
    let f = fixture();
    let req = f.request(Scope::Repository(f.repo.clone()), true);
    f.install(&req);
    let settings = f.repo.join(".claude/settings.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    v["env"] = serde_json::json!({"X": "1"});
    std::fs::write(&settings, serde_json::to_string(&v).unwrap()).unwrap();
    f.uninstall(&req);
    let left: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(left, serde_json::json!({"env": {"X": "1"}}));
}

#[test]
fn a_hook_replaced_after_install_is_left_alone() {
    let f = fixture();
    f.install(&f.repo_request());
    write_script(&f.repo.join(".git/hooks/pre-commit"), "#!/bin/sh\necho someone else\n");
    let plan = plan_uninstall(&f.repo_request(), &f.env).unwrap();
    assert!(plan.notes.iter().any(|n| n.contains("no longer tollgate's")), "{:?}", plan.notes);
    plan.apply().unwrap();
    assert_eq!(
        std::fs::read_to_string(f.repo.join(".git/hooks/pre-commit")).unwrap(),
        "#!/bin/sh\necho someone else\n"
    );
    assert!(!f.repo.join(".git/hooks/pre-push").exists());
}

#[test]
fn a_submodule_gets_hooks_in_its_own_git_dir() {
    let f = fixture();
    let sub_src = f.tmp.path().join("sub-src");
    init(&f.env, &sub_src);
    let ident = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"];
    git(&f.env, &sub_src, &[&ident[..], &["commit", "-q", "--allow-empty", "-m", "i"]].concat());
    git(
        &f.env,
        &f.repo,
        &["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub_src.to_str().unwrap(), "sub"],
    );
    let req = f.request(Scope::Repository(f.repo.join("sub")), false);
    let plan = f.install(&req);
    assert_eq!(plan.hooks_dir, f.repo.join(".git/modules/sub/hooks"));
    assert!(f.repo.join(".git/modules/sub/hooks/pre-commit").exists());
    assert!(!f.repo.join(".git/hooks/pre-commit").exists());
}
