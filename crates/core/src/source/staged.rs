//! The staged changes: the index against HEAD, or against the empty tree before the
//! first commit. This is the pre-commit hook's source and must cost little more than
//! `git diff --cached`: only directories the cache tree does not vouch for are read.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use anyhow::{Context, Result};
use git2::{ErrorCode, Oid, Repository, Tree};

use super::index_file::{self, IndexFile};
use super::{ChangeSet, Touched};
use crate::change::FileMode;

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

/// The blob the index git will commit holds at `path` (stage 0), read with the same
/// mapped reader as [`staged_changes`]; `Err` when this reader cannot tell (a split
/// index, a damaged file), so the caller can ask git instead.
pub fn staged_blob(repo: &Repository, path: &str) -> Result<Option<Oid>> {
    let file = index_path(repo);
    let data = match map_file(&file) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read the index {}", file.display())),
    };
    let index =
        index_file::parse(&data).with_context(|| format!("{}: a form this reader does not handle", file.display()))?;
    let found = index.entries.binary_search_by(|e| index.path(e).cmp(path.as_bytes()));
    Ok(found.ok().and_then(|i| Oid::from_bytes(&index.oid(&index.entries[i])).ok()))
}

/// HEAD's tree, or `None` before the first commit.
pub fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_tree().context("cannot read HEAD's tree")?)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e).context("cannot resolve HEAD"),
    }
}

/// What the index would commit, compared with HEAD.
#[derive(Debug, Default)]
pub struct StagedChanges {
    pub changes: ChangeSet,
    /// The tree id the index would commit, computed without writing objects; recorded
    /// in the audit log so pre-push can tell which commits were checked before they were
    /// made. `None` when it cannot be known cheaply.
    pub tree: Option<Oid>,
}

/// The files the index adds, modifies and deletes relative to HEAD.
pub fn staged_changes(repo: &Repository) -> Result<StagedChanges> {
    let head = head_tree(repo)?;
    let path = index_path(repo);
    let data = match map_file(&path) {
        Ok(d) => d,
        // No index yet: nothing was ever staged.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(StagedChanges::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read the index {}", path.display())),
    };
    let mut staged = match index_file::parse(&data) {
        Some(index) => {
            let mut walk = IndexWalk { repo, index: &index, out: ChangeSet::default() };
            let all = 0..index.entries.len();
            let tree = walk.compare_dir(b"", head.as_ref().map(|t| t.id()), all)?;
            StagedChanges { changes: walk.out, tree: tree.or_else(|| empty_tree_if(index.entries.is_empty())) }
        }
        None => StagedChanges { changes: staged_changes_by_git(repo, head.as_ref())?, tree: None },
    };
    staged.changes.pair_renames(repo);
    Ok(staged)
}

/// The index, mapped rather than read: it is several megabytes on a large repository
/// and only its entry headers and paths are looked at. Git replaces the index by
/// renaming a new file over it, never by writing into it, so the mapping stays valid.
fn map_file(path: &std::path::Path) -> std::io::Result<memmap2::Mmap> {
    let file = std::fs::File::open(path)?;
    // SAFETY: the mapping is read-only and git never modifies an index file in place
    // (it writes index.lock and renames it), so the bytes cannot change under us.
    unsafe { memmap2::MmapOptions::new().populate().map(&file) }
}

fn empty_tree_if(empty: bool) -> Option<Oid> {
    if empty {
        Oid::hash_object(git2::ObjectType::Tree, b"").ok()
    } else {
        None
    }
}

struct IndexWalk<'r> {
    repo: &'r Repository,
    index: &'r IndexFile<'r>,
    out: ChangeSet,
}

/// A child of a HEAD tree: its id and file mode.
type TreeChild = (Oid, i32);

impl IndexWalk<'_> {
    /// Compares the index entries in `range` (all under `dir`) with HEAD's tree `tree`,
    /// and returns the tree id the index holds for `dir` (`None` if unknown).
    fn compare_dir(&mut self, dir: &[u8], tree: Option<Oid>, range: Range<usize>) -> Result<Option<Oid>> {
        let cached = self.index.cached_trees.get(dir).and_then(|c| Oid::from_bytes(c).ok());
        if let (Some(t), Some(c)) = (tree, cached) {
            if t == c {
                return Ok(Some(t)); // the cache tree vouches that nothing below changed
            }
        }
        let mut children: HashMap<Vec<u8>, TreeChild> = HashMap::new();
        if let Some(t) = tree {
            let tree = self.repo.find_tree(t).with_context(|| format!("cannot read tree {t}"))?;
            for e in tree.iter() {
                children.insert(e.name_bytes().to_vec(), (e.id(), e.filemode()));
            }
        }
        // The entries of this directory's tree as the index has it, to hash it.
        let mut entries: Vec<(Vec<u8>, u32, Oid)> = Vec::new();
        let mut tree_known = true;
        let prefix_len = if dir.is_empty() { 0 } else { dir.len() + 1 };
        let mut i = range.start;
        while i < range.end {
            let entry = &self.index.entries[i];
            let rel = &self.index.path(entry)[prefix_len..];
            if let Some(slash) = memchr::memchr(b'/', rel) {
                let name = rel[..slash].to_vec();
                let sub_prefix_len = prefix_len + slash + 1;
                let full_prefix = self.index.path(entry)[..sub_prefix_len].to_vec();
                // Paths sharing a prefix are contiguous in the sorted index.
                let j = i + self.index.entries[i..range.end]
                    .partition_point(|e| self.index.path(e).starts_with(&full_prefix));
                let subtree = match children.remove(&name) {
                    Some((oid, 0o040000)) => Some(oid),
                    Some(other) => {
                        self.deleted_child(&full_prefix[..sub_prefix_len - 1], other)?;
                        None
                    }
                    None => None,
                };
                match self.compare_dir(&full_prefix[..sub_prefix_len - 1], subtree, i..j)? {
                    Some(id) => entries.push((name, 0o040000, id)),
                    None => tree_known = false,
                }
                i = j;
            } else {
                let path = self.index.path(entry);
                let old = match children.remove(rel) {
                    Some(dir @ (_, 0o040000)) => {
                        // A directory became a file: everything below it is deleted.
                        self.deleted_child(path, dir)?;
                        None
                    }
                    Some((oid, mode)) => Some((oid, FileMode(mode as u32))),
                    None => None,
                };
                let new = Oid::from_bytes(&self.index.oid(entry))?;
                entries.push((rel.to_vec(), entry.mode, new));
                let new_side = Some((new, FileMode(normalise_mode(entry.mode))));
                if old != new_side {
                    self.out.touched.push(Touched { path: utf8_path(path), old, new: new_side, renamed_from: None });
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
        if cached.is_some() {
            return Ok(cached);
        }
        if !tree_known || entries.is_empty() {
            return Ok(None);
        }
        Ok(Some(hash_tree(entries)?))
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
        } else {
            let old = Some((oid, FileMode(mode as u32)));
            self.out.touched.push(Touched { path: utf8_path(path), old, new: None, renamed_from: None });
        }
        Ok(())
    }
}

/// The mode a tree records for an index entry's mode.
fn normalise_mode(mode: u32) -> u32 {
    match mode & 0o170000 {
        0o120000 => 0o120000,
        0o160000 => 0o160000,
        _ if mode & 0o111 != 0 => 0o100755,
        _ => 0o100644,
    }
}

/// The id of the tree object with these entries, as `git write-tree` would make it.
fn hash_tree(mut entries: Vec<(Vec<u8>, u32, Oid)>) -> Result<Oid> {
    // Git orders tree entries by name, comparing a directory as if it ended in `/`.
    let key = |(name, mode, _): &(Vec<u8>, u32, Oid)| {
        let mut k = name.clone();
        if *mode == 0o040000 {
            k.push(b'/');
        }
        k
    };
    entries.sort_by_cached_key(key);
    let mut body = Vec::with_capacity(entries.len() * 40);
    for (name, mode, oid) in &entries {
        let mode = match mode & 0o170000 {
            0o040000 => 0o40000,
            0o120000 => 0o120000,
            0o160000 => 0o160000,
            _ if mode & 0o111 != 0 => 0o100755,
            _ => 0o100644,
        };
        body.extend_from_slice(format!("{mode:o} ").as_bytes());
        body.extend_from_slice(name);
        body.push(0);
        body.extend_from_slice(oid.as_bytes());
    }
    Ok(Oid::hash_object(git2::ObjectType::Tree, &body)?)
}

fn utf8_path(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}

/// For index formats the fast reader does not handle (split and sparse indexes, which
/// libgit2 cannot read either), git itself lists the staged changes.
fn staged_changes_by_git(repo: &Repository, head: Option<&Tree<'_>>) -> Result<ChangeSet> {
    const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    let base = head.map(|t| t.id().to_string()).unwrap_or_else(|| EMPTY_TREE.to_string());
    let dir = repo.workdir().unwrap_or_else(|| repo.path());
    let output = std::process::Command::new("git")
        .current_dir(dir)
        .args(["diff-index", "--cached", "--raw", "-z", "--no-renames", "--ignore-submodules=none", &base])
        .output()
        .context("cannot run `git diff-index` to read the index")?;
    if !output.status.success() {
        anyhow::bail!("`git diff-index --cached` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    parse_raw_diff(&output.stdout)
}

/// `:<old mode> <new mode> <old id> <new id> <status>` NUL `<path>` NUL, repeated.
fn parse_raw_diff(raw: &[u8]) -> Result<ChangeSet> {
    let mut out = ChangeSet::default();
    let mut fields = raw.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let Some(header) = fields.next() {
        let header = std::str::from_utf8(header).context("unexpected `git diff-index` output")?;
        let path = fields.next().map(utf8_path).context("`git diff-index` output ends without a path")?;
        let parts: Vec<&str> = header.trim_start_matches(':').split(' ').collect();
        let [old_mode, new_mode, old_id, new_id, _status] = parts[..] else {
            anyhow::bail!("unexpected `git diff-index` line `{header}`");
        };
        let side = |mode: &str, id: &str| -> Result<Option<(Oid, FileMode)>> {
            let mode = u32::from_str_radix(mode, 8).unwrap_or(0);
            Ok(if mode == 0 { None } else { Some((Oid::from_str(id)?, FileMode(mode))) })
        };
        out.touched.push(Touched {
            path,
            old: side(old_mode, old_id)?,
            new: side(new_mode, new_id)?,
            renamed_from: None,
        });
    }
    Ok(out)
}
