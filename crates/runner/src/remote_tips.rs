//! What the remote of a push already holds, asked of the remote itself. Tracking refs
//! (`refs/remotes/origin/*`) are only this clone's belief: `git fetch . HEAD:refs/remotes/origin/x`,
//! `git update-ref`, or a branch deleted upstream and fetched without `--prune` make them
//! claim commits the remote never had, and hiding those would let the push through
//! unjudged. The push is going over the network anyway; one `git ls-remote` more costs
//! a round trip.

use std::process::{Command, Stdio};

use git2::{ObjectType, Oid, Repository};

/// The commits the remote advertises that exist here (anything else cannot be in
/// this push's history), or why the remote could not be asked.
pub fn advertised_commits(repo: &Repository, remote: &str) -> Result<Vec<Oid>, String> {
    let mut command = Command::new("git");
    command
        .arg("ls-remote")
        .arg("--")
        .arg(remote)
        .env("GIT_DIR", repo.path())
        // Never a prompt from inside a hook: a remote that needs one counts as unreachable.
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(workdir) = repo.workdir() {
        command.current_dir(workdir);
    }
    let output = command.output().map_err(|e| format!("cannot run git ls-remote: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("git ls-remote failed");
        return Err(reason.to_string());
    }
    let advertised = parse_ls_remote(&String::from_utf8_lossy(&output.stdout));
    Ok(advertised.into_iter().filter_map(|oid| local_commit(repo, oid)).collect())
}

/// The object ids of `git ls-remote` output (`<oid>\t<ref>` lines). Lines that are
/// not of that shape are skipped: they can only hide less.
pub fn parse_ls_remote(text: &str) -> Vec<Oid> {
    text.lines()
        .filter_map(|line| {
            let (id, name) = line.split_once('\t')?;
            (!name.is_empty() && (id.len() == 40 || id.len() == 64)).then(|| Oid::from_str(id).ok()).flatten()
        })
        .collect()
}

fn local_commit(repo: &Repository, oid: Oid) -> Option<Oid> {
    repo.find_object(oid, None).ok()?.peel(ObjectType::Commit).ok().map(|c| c.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_remote_lines_yield_their_ids() {
        let a = "1".repeat(40);
        let b = "2".repeat(40);
        let text = format!("{a}\tHEAD\n{b}\trefs/heads/main\n{a}\trefs/tags/v1^{{}}\nwarning: odd\n\nshort\tref\n");
        let ids = parse_ls_remote(&text);
        assert_eq!(ids.len(), 3);
        assert_eq!(ids[1].to_string(), b);
        assert!(parse_ls_remote(&format!("{a}\t\n")).is_empty(), "a line without a ref name is not a ref");
    }

    #[test]
    fn a_local_path_remote_is_asked_and_unknown_commits_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
        let tree = repo.find_tree(repo.index().unwrap().write_tree().unwrap()).unwrap();
        let commit = repo.commit(Some("HEAD"), &sig, &sig, "one", &tree, &[]).unwrap();
        let tips = advertised_commits(&repo, dir.path().to_str().unwrap()).unwrap();
        assert_eq!(tips, vec![commit, commit], "HEAD and its branch");
        let missing = dir.path().join("nowhere.git");
        assert!(advertised_commits(&repo, missing.to_str().unwrap()).is_err());
    }
}
