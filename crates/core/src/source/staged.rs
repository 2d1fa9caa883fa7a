//! The staged changes: the index against HEAD, or against the empty tree before the
//! first commit. This is the pre-commit hook's source and must cost little more than
//! `git diff --cached`: only directories the cache tree does not vouch for are read.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use anyhow::{Context, Result};
use git2::{ErrorCode, Oid, Repository, Tree};

use super::index_file::{self, IndexFile};
use super::{is_regular_file, ChangeSet, FileChange};

/// The index file git would commit: `GIT_INDEX_FILE` when git set it for the hook
/// (`git commit -a`, `git commit FILE`), else the repository's own.
pub fn index_path(repo: &Repository) -> PathBuf {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(p) => {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
            }
        }
        None => repo.path().join("index"),
    }
}

/// HEAD's tree, or `None` before the first commit.
pub fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_tree().context("cannot read HEAD's tree")?)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e).context("cannot resolve HEAD"),
    }
}

/// The files the index adds, modifies and deletes relative to HEAD.
pub fn staged_changes(repo: &Repository) -> Result<ChangeSet> {
    let head = head_tree(repo)?;
    let path = index_path(repo);
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        // No index yet: nothing was ever staged.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ChangeSet::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read the index {}", path.display())),
    };
    let mut changes = match index_file::parse(&data) {
        Some(index) => {
            let mut walk = IndexWalk { repo, index: &index, out: ChangeSet::default() };
            let all = 0..index.entries.len();
            walk.compare_dir(b"", head.as_ref().map(|t| t.id()), all)?;
            walk.out
        }
        None => staged_changes_libgit2(repo, head.as_ref(), &path)?,
    };
    changes.pair_renames(repo);
    Ok(changes)
}

struct IndexWalk<'r> {
    repo: &'r Repository,
    index: &'r IndexFile,
    out: ChangeSet,
}

/// A child of a HEAD tree: its id and file mode.
type TreeChild = (Oid, i32);

impl IndexWalk<'_> {
    /// Compares the index entries in `range` (all under `dir`) with HEAD's tree `tree`.
    fn compare_dir(&mut self, dir: &[u8], tree: Option<Oid>, range: Range<usize>) -> Result<()> {
        if let Some(t) = tree {
            if self.index.cached_trees.get(dir).is_some_and(|c| c == t.as_bytes()) {
                return Ok(()); // the cache tree vouches that nothing below changed
            }
        }
        let mut children: HashMap<Vec<u8>, TreeChild> = HashMap::new();
        if let Some(t) = tree {
            let tree = self.repo.find_tree(t).with_context(|| format!("cannot read tree {t}"))?;
            for e in tree.iter() {
                children.insert(e.name_bytes().to_vec(), (e.id(), e.filemode()));
            }
        }
        let prefix_len = if dir.is_empty() { 0 } else { dir.len() + 1 };
        let mut i = range.start;
        while i < range.end {
            let entry = &self.index.entries[i];
            let rel = &self.index.path(entry)[prefix_len..];
            if let Some(slash) = memchr::memchr(b'/', rel) {
                let name = rel[..slash].to_vec();
                let sub_prefix_len = prefix_len + slash + 1;
                let full_prefix = self.index.path(entry)[..sub_prefix_len].to_vec();
                let mut j = i + 1;
                while j < range.end && self.index.path(&self.index.entries[j]).starts_with(&full_prefix) {
                    j += 1;
                }
                let subtree = match children.remove(&name) {
                    Some((oid, 0o040000)) => Some(oid),
                    Some(other) => {
                        self.deleted_child(&full_prefix[..sub_prefix_len - 1], other)?;
                        None
                    }
                    None => None,
                };
                self.compare_dir(&full_prefix[..sub_prefix_len - 1], subtree, i..j)?;
                i = j;
            } else {
                let path = self.index.path(entry);
                let old = match children.remove(rel) {
                    Some((oid, mode)) if is_regular_file(mode as u32) => Some(oid),
                    Some(other) => {
                        self.deleted_child(path, other)?;
                        None
                    }
                    None => None,
                };
                let new = Oid::from_bytes(&entry.oid)?;
                if is_regular_file(entry.mode) && old != Some(new) {
                    self.out.changed.push(FileChange { path: utf8_path(path), old, new });
                }
                i += 1;
            }
        }
        for (name, child) in children {
            let mut path = dir.to_vec();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(&name);
            self.deleted_child(&path, child)?;
        }
        Ok(())
    }

    /// Records a HEAD entry the index no longer has (every blob below, for a tree).
    fn deleted_child(&mut self, path: &[u8], (oid, mode): TreeChild) -> Result<()> {
        if mode == 0o040000 {
            let tree = self.repo.find_tree(oid)?;
            for e in tree.iter() {
                let mut p = path.to_vec();
                p.push(b'/');
                p.extend_from_slice(e.name_bytes());
                self.deleted_child(&p, (e.id(), e.filemode()))?;
            }
        } else if is_regular_file(mode as u32) {
            self.out.deleted.push((utf8_path(path), oid));
        }
        Ok(())
    }
}

fn utf8_path(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}

/// libgit2's tree-to-index diff, for index formats the fast reader does not handle.
fn staged_changes_libgit2(
    repo: &Repository,
    head: Option<&Tree<'_>>,
    index_path: &std::path::Path,
) -> Result<ChangeSet> {
    let index =
        git2::Index::open(index_path).with_context(|| format!("cannot read the index {}", index_path.display()))?;
    let mut opts = git2::DiffOptions::new();
    opts.include_typechange(true);
    let diff =
        repo.diff_tree_to_index(head, Some(&index), Some(&mut opts)).context("cannot diff the index against HEAD")?;
    let mut out = ChangeSet::default();
    for delta in diff.deltas() {
        let (old, new) = (delta.old_file(), delta.new_file());
        let path = new.path_bytes().or(old.path_bytes()).map(utf8_path).unwrap_or_default();
        let old_regular = old.exists() && is_regular_file(u32::from(old.mode()));
        let new_regular = new.exists() && is_regular_file(u32::from(new.mode()));
        if new_regular {
            out.changed.push(FileChange { path: path.clone(), old: old_regular.then(|| old.id()), new: new.id() });
        } else if old_regular {
            out.deleted.push((path, old.id()));
        }
    }
    Ok(out)
}
