//! Where changes come from. Every source lists the paths a change touches
//! ([`Touched`]), reads what the checks want of them into [`ChangedFile`]s, and hands
//! those and the change as a whole ([`ChangeContext`]) to the [`Scanner`]:
//!
//! - [`staged`]: the index against HEAD (pre-commit, commit-msg),
//! - [`message`]: the message being written (commit-msg),
//! - [`files`]: files and folders on disk, or stdin (scan),
//! - [`commits`]: commits in a push, a receive, or history.

pub mod commits;
pub mod files;
mod index_file;
pub mod message;
pub mod staged;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use git2::{Oid, Repository};

use crate::change::{
    is_binary, is_lfs_pointer, readable_text, ChangeContext, ChangedFile, CommitInfo, FileMode, PathChange, Region,
    Status,
};
use crate::engine::{Outcome, Scanner};

/// A path a change touches, as a source lists it before any content is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touched {
    pub path: String,
    /// The blob (or gitlink commit) and mode before the change; `None` when added.
    pub old: Option<(Oid, FileMode)>,
    /// After the change; `None` when deleted.
    pub new: Option<(Oid, FileMode)>,
    /// Set when rename pairing found the file this one came from.
    pub renamed_from: Option<String>,
}

impl Touched {
    pub fn status(&self) -> Status {
        match (&self.old, &self.new, &self.renamed_from) {
            (_, Some(_), Some(from)) => Status::Renamed { from: Arc::from(from.as_str()) },
            (None, _, _) => Status::Added,
            (Some(_), None, _) => Status::Deleted,
            (Some((_, o)), Some((_, n)), _) if kind(*o) != kind(*n) => Status::TypeChanged,
            _ => Status::Modified,
        }
    }

    pub fn path_change(&self) -> PathChange {
        PathChange {
            path: Arc::from(self.path.as_str()),
            status: self.status(),
            old_mode: self.old.map(|(_, m)| m),
            new_mode: self.new.map(|(_, m)| m),
        }
    }

    /// The new blob, when the new side is a regular file.
    fn new_file(&self) -> Option<Oid> {
        self.new.filter(|(_, m)| m.is_file()).map(|(o, _)| o)
    }

    /// The old blob, when the old side is a regular file.
    fn old_file(&self) -> Option<Oid> {
        self.old.filter(|(_, m)| m.is_file()).map(|(o, _)| o)
    }
}

fn kind(mode: FileMode) -> u32 {
    mode.0 & 0o170000
}

/// Every path a change touches: added, modified, deleted, renamed, type-changed, with
/// their modes (symlinks and submodules included).
#[derive(Debug, Default, Clone)]
pub struct ChangeSet {
    pub touched: Vec<Touched>,
}

impl ChangeSet {
    /// The paths a change lists, for its [`ChangeContext`].
    pub fn path_changes(&self) -> Vec<PathChange> {
        self.touched.iter().map(Touched::path_change).collect()
    }

    /// Pairs added files with deleted ones they were renamed or copied from, so that
    /// only their edits count as new: an identical blob adds nothing, a similar one (at
    /// least half of its lines already in the deleted file) is diffed against it.
    pub fn pair_renames(&mut self, repo: &Repository) {
        let deleted: Vec<usize> = (0..self.touched.len())
            .filter(|&i| self.touched[i].new.is_none() && self.touched[i].old_file().is_some())
            .collect();
        if deleted.is_empty() {
            return;
        }
        let added: Vec<usize> = (0..self.touched.len())
            .filter(|&i| self.touched[i].old.is_none() && self.touched[i].new_file().is_some())
            .collect();
        let mut paired: Vec<(usize, usize)> = Vec::new(); // (added, deleted)
        let by_blob: HashMap<Oid, usize> =
            deleted.iter().map(|&d| (self.touched[d].old_file().unwrap_or(Oid::ZERO_SHA1), d)).collect();
        let mut unpaired = Vec::new();
        for &a in &added {
            match self.touched[a].new_file().and_then(|b| by_blob.get(&b)) {
                Some(&d) if !paired.iter().any(|(_, pd)| *pd == d) => paired.push((a, d)),
                _ => unpaired.push(a),
            }
        }
        // Similarity costs a read of each candidate; keep it to changes of ordinary size.
        const MAX_CANDIDATES: usize = 64;
        if !unpaired.is_empty() && unpaired.len() <= MAX_CANDIDATES && deleted.len() <= MAX_CANDIDATES {
            let line_sets: Vec<(usize, std::collections::HashSet<u64>)> = deleted
                .iter()
                .filter(|d| !paired.iter().any(|(_, pd)| pd == *d))
                .filter_map(|&d| {
                    let blob = repo.find_blob(self.touched[d].old_file()?).ok()?;
                    Some((d, line_hashes(blob.content())))
                })
                .collect();
            for a in unpaired {
                let Some(Ok(blob)) = self.touched[a].new_file().map(|b| repo.find_blob(b)) else { continue };
                let lines = line_hashes(blob.content());
                if lines.is_empty() {
                    continue;
                }
                let best = line_sets
                    .iter()
                    .filter(|(d, _)| !paired.iter().any(|(_, pd)| pd == d))
                    .map(|(d, old)| (lines.iter().filter(|h| old.contains(h)).count(), *d))
                    .max_by_key(|(shared, _)| *shared);
                if let Some((shared, d)) = best {
                    if shared * 2 >= lines.len() {
                        paired.push((a, d));
                    }
                }
            }
        }
        if paired.is_empty() {
            return;
        }
        let mut gone = Vec::new();
        for (a, d) in paired {
            let from = self.touched[d].clone();
            self.touched[a].old = from.old;
            self.touched[a].renamed_from = Some(from.path);
            gone.push(d);
        }
        gone.sort_unstable();
        for d in gone.into_iter().rev() {
            self.touched.remove(d);
        }
    }

    /// Keeps only the given repository paths (the FILE arguments of pre-commit): a
    /// file, or a folder for every file under it (`""` is the root). Returns the
    /// paths that matched nothing, so the caller can refuse them: a FILE that judges
    /// nothing must never pass in silence.
    pub fn retain_paths(&mut self, paths: &[String]) -> Vec<String> {
        if paths.is_empty() {
            return Vec::new();
        }
        let covers = |p: &str, path: &str| {
            p.is_empty() || path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'))
        };
        let unmatched = paths.iter().filter(|p| !self.touched.iter().any(|t| covers(p, &t.path))).cloned().collect();
        self.touched.retain(|t| paths.iter().any(|p| covers(p, &t.path)));
        unmatched
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

/// Staged changes this large are read and judged on every core.
const PARALLEL_FROM: usize = 24;

/// Reads what the checks want of a change set and judges it: each path, then the
/// change as a whole. Large sets are judged on `threads` threads.
pub fn judge_changes(
    repo: &Repository,
    changes: &ChangeSet,
    context: &ChangeContext,
    scanner: &Scanner,
    threads: usize,
    out: &mut Outcome,
) -> Result<()> {
    let wanted: Vec<&Touched> = changes.touched.iter().filter(|t| delivered(scanner, t)).collect();
    let commit = context.commit.as_ref();
    if wanted.len() >= PARALLEL_FROM && threads > 1 {
        let (_, judged) = on_threads(repo.path(), threads, &wanted, |repo, t, out| {
            let mut blobs = BlobReader::new(repo, 0)?;
            let file = load_file(&mut blobs, t, commit, scanner, out)?;
            scanner.judge_file(&file, out);
            Ok(())
        })?;
        out.merge(judged);
    } else {
        let mut blobs = BlobReader::new(repo, 0)?;
        for t in wanted {
            let file = load_file(&mut blobs, t, commit, scanner, out)?;
            scanner.judge_file(&file, out);
        }
    }
    if scanner.wants_changes() {
        scanner.judge_change(context, out);
    }
    Ok(())
}

/// Whether any check could be handed this path.
fn delivered(scanner: &Scanner, t: &Touched) -> bool {
    scanner.wants_every_path() || (t.new_file().is_some() && scanner.wants_content(&t.path))
}

/// Builds what the checks see of one touched path: its content and added regions when
/// a check wants them and it is a regular file within the size limit. Unreadable
/// objects are errors: a security check never passes because it could not read
/// something.
pub fn load_file(
    blobs: &mut BlobReader<'_>,
    touched: &Touched,
    commit: Option<&Arc<CommitInfo>>,
    scanner: &Scanner,
    out: &mut Outcome,
) -> Result<ChangedFile> {
    let context = || format!("reading {}", touched.path);
    let change = touched.path_change();
    let Some(new_id) = touched.new_file() else {
        return Ok(ChangedFile::without_content(&change, 0, commit.cloned()));
    };
    let size = blobs.size(new_id).with_context(context)?;
    if !scanner.wants_content(&touched.path)
        || !scanner.admit_size(&touched.path, commit.map(|c| c.id.as_str()), size, out)
    {
        return Ok(ChangedFile::without_content(&change, size, commit.cloned()));
    }
    let text = readable_text(blobs.read(new_id).with_context(context)?);
    let binary = is_binary(&text);
    let mut file = ChangedFile::without_content(&change, size, commit.cloned());
    file.content_read = true;
    file.binary = binary;
    file.lfs_pointer = !binary && is_lfs_pointer(&text);
    if !binary {
        match touched.old_file() {
            None => {
                if !text.is_empty() {
                    file.added = vec![Region { start: 0, end: text.len(), first_line: 1 }];
                }
            }
            Some(old_id) if old_id == new_id => {
                if scanner.wants_old_content(&touched.path) {
                    file.previous = Some(text.clone());
                }
            }
            Some(old_id) => {
                let old = readable_text(blobs.read(old_id).with_context(context)?);
                file.added = added_regions(&old, &text);
                if scanner.wants_old_content(&touched.path) {
                    file.previous = Some(old);
                }
            }
        }
    }
    file.text = text;
    Ok(file)
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

/// The regions of `new` that are added relative to `old`, as whole lines: a line diff
/// (Myers, as git's default) over interned lines, with no object hashing.
pub fn added_regions(old: &[u8], new: &[u8]) -> Vec<Region> {
    use imara_diff::{Algorithm, Diff, InternedInput};
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Myers, &input);
    diff.postprocess_lines(&input);
    let line_starts = line_starts(new);
    let offset_of = |line: usize| line_starts.get(line).copied().unwrap_or(new.len());
    diff.hunks()
        .filter(|h| !h.after.is_empty())
        .map(|h| Region {
            start: offset_of(h.after.start as usize),
            end: offset_of(h.after.end as usize),
            first_line: h.after.start + 1,
        })
        .collect()
}

/// What one worker thread returns: its results by item index, and its outcome.
type WorkerResult<R> = (Vec<(usize, R)>, Outcome);

/// Runs `each` over `items` on `threads` threads, each with its own repository handle
/// (libgit2 handles are not shared between threads) and its own outcome. Results come
/// back in item order; the first error stops the run.
pub(crate) fn on_threads<T, R, F>(git_dir: &Path, threads: usize, items: &[T], each: F) -> Result<(Vec<R>, Outcome)>
where
    T: Sync,
    R: Send,
    F: Fn(&Repository, &T, &mut Outcome) -> Result<R> + Sync,
{
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let worker = || -> Result<WorkerResult<R>> {
        let repo = Repository::open(git_dir).with_context(|| format!("cannot open {}", git_dir.display()))?;
        let (mut results, mut out) = (Vec::new(), Outcome::default());
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            match each(&repo, item, &mut out) {
                Ok(r) => results.push((i, r)),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok((results, out))
    };
    let parts: Vec<Result<WorkerResult<R>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1)).map(|_| s.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a worker thread panicked"))))
            .collect()
    });
    let mut all = Vec::with_capacity(items.len());
    let mut outcome = Outcome::default();
    for part in parts {
        let (results, out) = part?;
        all.extend(results);
        outcome.merge(out);
    }
    all.sort_unstable_by_key(|(i, _)| *i);
    Ok((all.into_iter().map(|(_, r)| r).collect(), outcome))
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
        let r = added_regions(old, new);
        assert_eq!(r, vec![Region { start: 2, end: 4, first_line: 2 }, Region { start: 8, end: 12, first_line: 5 }]);
        assert_eq!(&new[r[1].start..r[1].end], b"Y\nZ\n");
    }

    #[test]
    fn deletions_add_nothing() {
        assert!(added_regions(b"a\nb\n", b"a\n").is_empty());
    }

    #[test]
    fn missing_final_newline_is_handled() {
        let r = added_regions(b"a\n", b"a\nb");
        assert_eq!(r, vec![Region { start: 2, end: 3, first_line: 2 }]);
    }
}
