//! Where bytes come from. Every source turns its input into [`Chunk`]s of added lines
//! and hands them to the [`Scanner`]:
//!
//! - [`staged`]: the index against HEAD (pre-commit),
//! - [`files`]: files and folders on disk, or stdin (scan),
//! - [`commits`]: commits in a push, a receive, or history.

pub mod commits;
pub mod files;
mod index_file;
pub mod staged;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use git2::{Oid, Repository};

use crate::chunk::{Chunk, CommitInfo, Region};
use crate::engine::{Outcome, Scanner};

/// A file a change adds or modifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    /// The blob it had before (modified files, renames once paired).
    pub old: Option<Oid>,
    pub new: Oid,
}

/// What a change does to files: content added or modified, and files deleted (kept to
/// recognise renames, whose content is not new).
#[derive(Debug, Default, Clone)]
pub struct ChangeSet {
    pub changed: Vec<FileChange>,
    pub deleted: Vec<(String, Oid)>,
}

/// File modes whose content is judged: regular and executable files. Symlinks (whose
/// content is a path) and gitlinks (submodule commits) are not.
pub fn is_regular_file(mode: u32) -> bool {
    mode & 0o170000 == 0o100000
}

impl ChangeSet {
    /// Keeps only the changes to the given paths (the FILE arguments of pre-commit).
    pub fn retain_paths(&mut self, paths: &[String]) {
        if paths.is_empty() {
            return;
        }
        self.changed.retain(|c| paths.iter().any(|p| p == &c.path));
    }

    /// Pairs added files with deleted ones they were renamed or copied from, so that
    /// only their edits count as new: an identical blob is dropped outright, a similar
    /// one (at least half of its lines already in the deleted file) is diffed against it.
    pub fn pair_renames(&mut self, repo: &Repository) {
        if self.deleted.is_empty() {
            return;
        }
        let deleted_ids: HashMap<Oid, &str> = self.deleted.iter().map(|(p, o)| (*o, p.as_str())).collect();
        self.changed.retain(|c| c.old.is_some() || !deleted_ids.contains_key(&c.new));
        // Similarity costs a read of each candidate; keep it to changes of ordinary size.
        const MAX_CANDIDATES: usize = 64;
        let added: Vec<usize> = (0..self.changed.len()).filter(|&i| self.changed[i].old.is_none()).collect();
        if added.is_empty() || added.len() > MAX_CANDIDATES || self.deleted.len() > MAX_CANDIDATES {
            return;
        }
        let line_sets: Vec<(Oid, std::collections::HashSet<u64>)> = self
            .deleted
            .iter()
            .filter_map(|(_, oid)| repo.find_blob(*oid).ok().map(|b| (*oid, line_hashes(b.content()))))
            .collect();
        for i in added {
            let Ok(blob) = repo.find_blob(self.changed[i].new) else { continue };
            let lines = line_hashes(blob.content());
            if lines.is_empty() {
                continue;
            }
            let best = line_sets
                .iter()
                .map(|(oid, old)| (lines.iter().filter(|h| old.contains(h)).count(), *oid))
                .max_by_key(|(shared, _)| *shared);
            if let Some((shared, oid)) = best {
                if shared * 2 >= lines.len() {
                    self.changed[i].old = Some(oid);
                }
            }
        }
    }
}

fn line_hashes(text: &[u8]) -> std::collections::HashSet<u64> {
    use std::hash::{Hash, Hasher};
    text.split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .map(|l| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            l.trim_ascii_end().hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Reads the blobs of a change set and judges what each file adds.
pub fn judge_changes(
    repo: &Repository,
    changes: &ChangeSet,
    commit: Option<&Arc<CommitInfo>>,
    scanner: &Scanner,
    out: &mut Outcome,
) -> anyhow::Result<()> {
    let mut blobs = BlobReader::new(repo, 0)?;
    for change in &changes.changed {
        if let Some(chunk) = load_chunk(&mut blobs, change, commit, scanner, out)? {
            scanner.judge(&chunk, out);
        }
    }
    Ok(())
}

/// Builds the chunk for one file change, or `None` when there is nothing to judge
/// (binary, over the size limit, or no added lines). Unreadable objects are errors: a
/// security check never passes because it could not read something.
pub fn load_chunk(
    blobs: &mut BlobReader<'_>,
    change: &FileChange,
    commit: Option<&Arc<CommitInfo>>,
    scanner: &Scanner,
    out: &mut Outcome,
) -> anyhow::Result<Option<Chunk>> {
    let context = || format!("reading {}", change.path);
    if !scanner.admit_size(
        &change.path,
        commit.map(|c| c.id.as_str()),
        blobs.size(change.new).with_context(context)?,
        out,
    ) {
        return Ok(None);
    }
    let text = blobs.read(change.new).with_context(context)?;
    if !scanner.admit_content(&text, out) {
        return Ok(None);
    }
    let (added, previous) = match change.old {
        None => (vec![Region { start: 0, end: text.len(), first_line: 1 }], None),
        Some(old_id) => {
            let old = blobs.read(old_id).with_context(context)?;
            (added_regions(&old, &text)?, Some(old))
        }
    };
    if added.is_empty() {
        return Ok(None);
    }
    Ok(Some(Chunk { path: Arc::from(change.path.as_str()), commit: commit.cloned(), text, added, previous }))
}

/// Reads blobs through the object database, keeping recent ones so that a blob shared
/// by several commits of a push is read once.
pub struct BlobReader<'r> {
    odb: git2::Odb<'r>,
    cache: HashMap<Oid, Arc<[u8]>>,
    cached_bytes: usize,
    budget: usize,
}

impl<'r> BlobReader<'r> {
    /// `budget`: bytes of blob content kept in memory (0: none).
    pub fn new(repo: &'r Repository, budget: usize) -> anyhow::Result<BlobReader<'r>> {
        Ok(BlobReader { odb: repo.odb()?, cache: HashMap::new(), cached_bytes: 0, budget })
    }

    pub fn size(&self, oid: Oid) -> anyhow::Result<u64> {
        if let Some(b) = self.cache.get(&oid) {
            return Ok(b.len() as u64);
        }
        let (size, _) = self.odb.read_header(oid).with_context(|| format!("cannot read blob {oid}"))?;
        Ok(size as u64)
    }

    pub fn read(&mut self, oid: Oid) -> anyhow::Result<Arc<[u8]>> {
        if let Some(b) = self.cache.get(&oid) {
            return Ok(b.clone());
        }
        let obj = self.odb.read(oid).with_context(|| format!("cannot read blob {oid}"))?;
        let bytes: Arc<[u8]> = Arc::from(obj.data());
        if self.cached_bytes + bytes.len() <= self.budget {
            self.cached_bytes += bytes.len();
            self.cache.insert(oid, bytes.clone());
        }
        Ok(bytes)
    }
}

/// The regions of `new` that are added relative to `old`, as whole lines.
pub fn added_regions(old: &[u8], new: &[u8]) -> Result<Vec<Region>, git2::Error> {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0).force_text(true).interhunk_lines(0);
    let patch = git2::Patch::from_buffers(old, None, new, None, Some(&mut opts))?;
    let line_starts = line_starts(new);
    let offset_of = |line: usize| line_starts.get(line).copied().unwrap_or(new.len());
    let mut regions = Vec::new();
    for h in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(h)?;
        let (start, count) = (hunk.new_start() as usize, hunk.new_lines() as usize);
        if count == 0 {
            continue;
        }
        regions.push(Region {
            start: offset_of(start - 1),
            end: offset_of(start - 1 + count),
            first_line: start as u32,
        });
    }
    Ok(regions)
}

fn line_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(text.len() / 32 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1).filter(|&i| i < text.len()));
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_regions_cover_only_new_lines() {
        let old = b"a\nb\nc\n";
        let new = b"a\nX\nb\nc\nY\nZ\n";
        let r = added_regions(old, new).unwrap();
        assert_eq!(r, vec![Region { start: 2, end: 4, first_line: 2 }, Region { start: 8, end: 12, first_line: 5 }]);
        assert_eq!(&new[r[1].start..r[1].end], b"Y\nZ\n");
    }

    #[test]
    fn deletions_add_nothing() {
        assert!(added_regions(b"a\nb\n", b"a\n").unwrap().is_empty());
    }

    #[test]
    fn missing_final_newline_is_handled() {
        let r = added_regions(b"a\n", b"a\nb").unwrap();
        assert_eq!(r, vec![Region { start: 2, end: 3, first_line: 2 }]);
    }
}
