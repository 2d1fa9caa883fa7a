//! Commits in flight and in history.
//!
//! A push or a receive judges every commit the other side does not have, each commit's
//! own added lines against its first parent, so a secret added in one commit and
//! removed in the next still blocks and the report names the commit that introduced
//! it. History judges every distinct blob once, in parallel, and names the earliest
//! commit that brought each finding.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use git2::{ObjectType, Oid, Repository, Sort, Tree};

use super::{added_regions, load_file, on_threads, BlobReader, ChangeSet, Touched};
use crate::change::{ChangeContext, CommitInfo, FileMode, Message, Person, Region};
use crate::engine::{Outcome, Scanner};

/// One ref a push or receive updates. `new: None` deletes the ref; `old: None` creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub local_ref: String,
    pub new: Option<Oid>,
    pub remote_ref: String,
    pub old: Option<Oid>,
}

fn parse_oid(text: &str, line_no: usize, column: usize, source: &str) -> Result<Option<Oid>> {
    if !text.is_empty() && text.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    match Oid::from_str(text) {
        Ok(oid) if text.len() == 40 || text.len() == 64 => Ok(Some(oid)),
        _ => bail!("{source}:{line_no}:{column}: expected an object id, found `{text}`"),
    }
}

/// Parses git's pre-push input: `<local ref> <local sha> <remote ref> <remote sha>`.
pub fn parse_pre_push(input: &str) -> Result<Vec<RefUpdate>> {
    parse_ref_lines(input, 4, "<local ref> <local sha> <remote ref> <remote sha>", |f, oid| {
        Ok(RefUpdate { local_ref: f[0].to_string(), new: oid(1)?, remote_ref: f[2].to_string(), old: oid(3)? })
    })
}

/// Parses git's pre-receive input: `<old> <new> <ref>`.
pub fn parse_pre_receive(input: &str) -> Result<Vec<RefUpdate>> {
    parse_ref_lines(input, 3, "<old sha> <new sha> <ref>", |f, oid| {
        Ok(RefUpdate { local_ref: f[2].to_string(), new: oid(1)?, remote_ref: f[2].to_string(), old: oid(0)? })
    })
}

/// Splits each non-empty line into `expected` fields (as `shape` shows them) and builds
/// an update from them; `oid(n)` parses field `n`, naming its line and column when it is not an id.
fn parse_ref_lines<F>(input: &str, expected: usize, shape: &str, build: F) -> Result<Vec<RefUpdate>>
where
    F: Fn(&[&str], &dyn Fn(usize) -> Result<Option<Oid>>) -> Result<RefUpdate>,
{
    let mut updates = Vec::new();
    for (i, line) in input.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() != expected {
            bail!("<stdin>:{}:1: expected `{shape}`, found `{line}`", i + 1);
        }
        let oid = |n: usize| parse_oid(fields[n], i + 1, line.find(fields[n]).unwrap_or(0) + 1, "<stdin>");
        updates.push(build(&fields, &oid)?);
    }
    Ok(updates)
}

/// The pre-commit framework's pre-push stage passes the range in the environment
/// (`PRE_COMMIT_FROM_REF`, `PRE_COMMIT_TO_REF`) instead of git's stdin protocol; `var`
/// reads it (non-empty values only).
pub fn framework_push_range(repo: &Repository, var: impl Fn(&str) -> Option<String>) -> Result<Option<Vec<RefUpdate>>> {
    let to = match (var("PRE_COMMIT_TO_REF"), var("PRE_COMMIT_LOCAL_BRANCH")) {
        (Some(to), _) => to,
        // A first push (the branch reaches a root commit): the framework sets no range,
        // only the branch; everything on it that the remote lacks is judged.
        (None, Some(branch)) if var("PRE_COMMIT").is_some() => branch,
        _ => return Ok(None),
    };
    let resolve = |rev: &str| -> Result<Option<Oid>> {
        if rev.bytes().all(|b| b == b'0') {
            return Ok(None);
        }
        Ok(Some(repo.revparse_single(rev).with_context(|| format!("unknown revision `{rev}`"))?.id()))
    };
    let from = var("PRE_COMMIT_FROM_REF");
    Ok(Some(vec![RefUpdate {
        local_ref: var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| to.clone()),
        new: resolve(&to)?,
        remote_ref: var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
        old: match from {
            Some(f) => resolve(&f)?,
            None => None,
        },
    }]))
}

/// The commits `updates` bring that the other side does not have, oldest first.
/// `known_globs` name refs whose commits the other side already holds (every ref, for
/// a receive); `known_tips` are commits it holds (what a push's remote advertises).
/// The old tips of `updates` are hidden too. Tracking refs are never trusted here:
/// they are this clone's belief, and anyone can write one.
pub fn commits_to_judge(
    repo: &Repository,
    updates: &[RefUpdate],
    known_globs: &[String],
    known_tips: &[Oid],
) -> Result<Vec<Oid>> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut any = false;
    for u in updates {
        let Some(new) = u.new else { continue };
        let commit = repo
            .find_object(new, None)
            .and_then(|o| o.peel(ObjectType::Commit))
            .with_context(|| format!("cannot find commit {new} for {}", u.local_ref))?;
        walk.push(commit.id())?;
        any = true;
        if let Some(old) = u.old {
            // A force push's old tip may be unknown here; then what the remote advertises decides.
            if let Ok(old_commit) = repo.find_object(old, None).and_then(|o| o.peel(ObjectType::Commit)) {
                walk.hide(old_commit.id())?;
            }
        }
    }
    if !any {
        return Ok(Vec::new());
    }
    for glob in known_globs {
        walk.hide_glob(glob)?;
    }
    for tip in known_tips {
        walk.hide(*tip)?;
    }
    Ok(walk.collect::<Result<Vec<_>, _>>()?)
}

fn person(signature: &git2::Signature<'_>) -> Person {
    Person {
        name: String::from_utf8_lossy(signature.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(signature.email_bytes()).into_owned(),
        time: signature.when().seconds(),
    }
}

/// A commit's id, author, committer and parents.
pub fn commit_info(commit: &git2::Commit<'_>) -> Arc<CommitInfo> {
    Arc::new(CommitInfo {
        id: commit.id().to_string(),
        author: person(&commit.author()),
        committer: person(&commit.committer()),
        parents: commit.parent_ids().map(|p| p.to_string()).collect(),
    })
}

/// What a check sees of a commit as a whole: its details, message and trailers, and
/// every path it touches.
pub fn commit_context(commit: &git2::Commit<'_>, info: &Arc<CommitInfo>, changes: &ChangeSet) -> ChangeContext {
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    ChangeContext {
        commit: Some(info.clone()),
        message: Some(Arc::new(Message::new(message))),
        paths: changes.path_changes(),
        provenance: None,
    }
}

/// The changes a commit makes against its first parent (the empty tree for a root).
/// `deletions`: also list deleted files (rename pairing needs them; history does not).
fn commit_changes<'r>(
    repo: &'r Repository,
    commit: &git2::Commit<'r>,
    deletions: bool,
) -> Result<(ChangeSet, Vec<Tree<'r>>)> {
    let tree = commit.tree()?;
    let parents: Vec<Tree<'r>> = commit.parents().map(|p| p.tree()).collect::<Result<_, _>>()?;
    let mut out = ChangeSet::default();
    let mut diff = TreeDiff { repo, deletions, out: &mut out };
    diff.compare(parents.first(), Some(&tree), &mut Vec::new())?;
    Ok((out, parents))
}

/// A tree-to-tree comparison that descends only into subtrees whose ids differ, and
/// builds paths only for what changed. libgit2's diff builds every path it passes,
/// which dominated history runs.
struct TreeDiff<'a, 'r> {
    repo: &'r Repository,
    deletions: bool,
    out: &'a mut ChangeSet,
}

impl<'r> TreeDiff<'_, 'r> {
    fn compare(&mut self, old: Option<&Tree<'r>>, new: Option<&Tree<'r>>, path: &mut Vec<u8>) -> Result<()> {
        let olds: Vec<git2::TreeEntry<'_>> = old.map(|t| t.iter().collect()).unwrap_or_default();
        let news: Vec<git2::TreeEntry<'_>> = new.map(|t| t.iter().collect()).unwrap_or_default();
        let (mut i, mut j) = (0, 0);
        while i < olds.len() || j < news.len() {
            let order = match (olds.get(i), news.get(j)) {
                (Some(o), Some(n)) => tree_order(o, n),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (o, n) = match order {
                std::cmp::Ordering::Less => (olds.get(i), None),
                std::cmp::Ordering::Greater => (None, news.get(j)),
                std::cmp::Ordering::Equal => (olds.get(i), news.get(j)),
            };
            if o.is_some() {
                i += 1;
            }
            if n.is_some() {
                j += 1;
            }
            if let (Some(o), Some(n)) = (o, n) {
                if o.id() == n.id() && o.filemode() == n.filemode() {
                    continue;
                }
            }
            let name = o.or(n).map(|e| e.name_bytes()).unwrap_or_default();
            let len = path.len();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(name);
            self.entry(o, n, path)?;
            path.truncate(len);
        }
        Ok(())
    }

    /// One name present in either tree, with differing content.
    fn entry(
        &mut self,
        old: Option<&git2::TreeEntry<'_>>,
        new: Option<&git2::TreeEntry<'_>>,
        path: &mut Vec<u8>,
    ) -> Result<()> {
        let is_tree = |e: &&git2::TreeEntry<'_>| e.filemode() == 0o040000;
        let not_tree = |e: &&git2::TreeEntry<'_>| e.filemode() != 0o040000;
        let old_tree = old.filter(is_tree).map(|e| self.repo.find_tree(e.id())).transpose()?;
        let new_tree = new.filter(is_tree).map(|e| self.repo.find_tree(e.id())).transpose()?;
        if old_tree.is_some() || new_tree.is_some() {
            let (o, n) = (old_tree.as_ref(), new_tree.as_ref());
            // Only the tree side descends; a file on the other side is handled below.
            if self.deletions || n.is_some() {
                self.compare(o, n, path)?;
            }
        }
        let side = |e: &git2::TreeEntry<'_>| (e.id(), FileMode(e.filemode() as u32));
        let old_side = old.filter(not_tree).map(side);
        let new_side = new.filter(not_tree).map(side);
        if new_side.is_some() || (old_side.is_some() && self.deletions) {
            let path = String::from_utf8_lossy(path).into_owned();
            self.out.touched.push(Touched { path, old: old_side, new: new_side, renamed_from: None });
        }
        Ok(())
    }
}

/// Git's tree order: by name, a directory compared as if its name ended in `/`.
fn tree_order(a: &git2::TreeEntry<'_>, b: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    let (an, bn) = (a.name_bytes(), b.name_bytes());
    let common = an.len().min(bn.len());
    match an[..common].cmp(&bn[..common]) {
        std::cmp::Ordering::Equal => {}
        other => return other,
    }
    let next = |name: &[u8], e: &git2::TreeEntry<'_>| match name.get(common) {
        Some(&c) => Some(c),
        None if e.filemode() == 0o040000 => Some(b'/'),
        None => None,
    };
    next(an, a).cmp(&next(bn, b))
}

/// The blob a tree holds at `path`, if it is a regular file.
fn blob_at(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    FileMode(entry.filemode() as u32).is_file().then(|| entry.id())
}

/// Judges each commit's own changes: its added lines against its first parent, every
/// path it touches, and its message. Merge commits judge only what the merge itself
/// introduced: lines new against every parent.
pub fn judge_commits(repo: &Repository, commits: &[Oid], scanner: &Scanner, out: &mut Outcome) -> Result<()> {
    let mut blobs = BlobReader::new(repo, 64 * 1024 * 1024)?;
    let mut seen: HashSet<(String, Option<Oid>, Option<Oid>)> = HashSet::new();
    let deletions = true; // rename pairing needs them
    for &oid in commits {
        let commit = repo.find_commit(oid).with_context(|| format!("cannot read commit {oid}"))?;
        let info = commit_info(&commit);
        out.commits += 1;
        out.commit_ids.push(info.id.clone());
        let (mut changes, parents) = commit_changes(repo, &commit, deletions)?;
        changes.pair_renames(repo);
        for t in &changes.touched {
            let content = t.new_file().is_some() && scanner.wants_content(&t.path);
            if !content && !scanner.wants_every_path() {
                continue;
            }
            if !seen.insert((t.path.clone(), t.old.map(|o| o.0), t.new.map(|n| n.0))) {
                continue; // the same edit in another commit of this push was judged
            }
            let others: Vec<Option<Oid>> = parents.iter().skip(1).map(|tree| blob_at(tree, &t.path)).collect();
            if t.new_file().is_some() && others.contains(&t.new_file()) {
                continue; // a merge taking one side's file as it was
            }
            let mut file = load_file(&mut blobs, t, Some(&info), scanner, out)?;
            if file.content_read && !file.binary {
                for other in others.into_iter().flatten() {
                    let other_text = crate::change::readable_text(blobs.read(other)?);
                    file.added = intersect(&file.added, &added_regions(&other_text, &file.text));
                }
            }
            scanner.judge_file(&file, out);
        }
        if scanner.wants_changes() {
            scanner.judge_change(&commit_context(&commit, &info, &changes), out);
        }
    }
    Ok(())
}

/// Regions present in both lists (both are whole lines of the same text).
fn intersect(a: &[Region], b: &[Region]) -> Vec<Region> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let (start, end) = (x.start.max(y.start), x.end.min(y.end));
            if start < end {
                let first_line = if start == x.start { x.first_line } else { y.first_line };
                out.push(Region { start, end, first_line });
            }
        }
    }
    out
}

/// Commits reachable from `revs` (default: every ref), oldest first.
pub fn history_commits(repo: &Repository, revs: &[String]) -> Result<Vec<Oid>> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    if revs.is_empty() {
        walk.push_glob("refs/*")?;
        if repo.head().is_ok() {
            walk.push_head()?;
        }
    } else {
        for rev in revs {
            if rev.contains("..") {
                walk.push_range(rev).with_context(|| format!("bad revision range `{rev}`"))?;
            } else if let Some(hidden) = rev.strip_prefix('^') {
                let obj = repo.revparse_single(hidden).with_context(|| format!("unknown revision `{rev}`"))?;
                walk.hide(obj.peel(ObjectType::Commit)?.id())?;
            } else {
                let obj = repo.revparse_single(rev).with_context(|| format!("unknown revision `{rev}`"))?;
                walk.push(obj.peel(ObjectType::Commit)?.id())?;
            }
        }
    }
    Ok(walk.collect::<Result<Vec<_>, _>>()?)
}

/// Progress of a long run, for an indicator on a terminal.
#[derive(Default)]
pub struct Progress {
    pub commits_done: AtomicUsize,
    pub blobs_total: AtomicUsize,
    pub blobs_done: AtomicUsize,
}

/// Judges every distinct blob that `commits` (oldest first) add, once, on `threads`
/// threads, each finding attributed to the earliest commit that brought it.
pub fn judge_history(
    git_dir: &Path,
    commits: &[Oid],
    scanner: &Scanner,
    threads: usize,
    progress: &Progress,
) -> Result<Outcome> {
    /// Commits per batch: memory holds one batch's file lists, not the whole history's.
    const BATCH: usize = 2048;
    let mut outcome = Outcome::default();
    // (blob, path) pairs already judged, as 16-byte digests: each is judged once, for
    // the earliest commit that added it (batches go oldest first).
    let mut seen: HashSet<[u8; 16]> = HashSet::new();
    // Paths some check judges as a diff against the parent (manifests for the
    // dependency guard) go through `load_file` per commit; every other blob is judged
    // once, whole.
    let every_path = scanner.wants_every_path();
    for batch in commits.chunks(BATCH) {
        // 1. What each commit touches, with the commit's details; changes as a whole
        // are judged here.
        let (per_commit, judged_changes) = on_threads(git_dir, threads, batch, |repo, &oid, out| {
            let commit = repo.find_commit(oid).with_context(|| format!("cannot read commit {oid}"))?;
            let info = commit_info(&commit);
            let (changes, parents) = commit_changes(repo, &commit, every_path)?;
            progress.commits_done.fetch_add(1, Ordering::Relaxed);
            let mut whole: Vec<(Oid, String)> = Vec::new();
            let mut diffed: Vec<Touched> = Vec::new();
            for t in &changes.touched {
                let merged_as_is =
                    t.new_file().is_some() && parents.iter().skip(1).any(|p| blob_at(p, &t.path) == t.new_file());
                if merged_as_is {
                    continue;
                }
                if scanner.wants_old_content(&t.path) || (every_path && t.new_file().is_none()) {
                    diffed.push(t.clone());
                } else if let Some(blob) = t.new_file().filter(|_| scanner.wants_content(&t.path)) {
                    whole.push((blob, t.path.clone()));
                }
            }
            if scanner.wants_changes() {
                scanner.judge_change(&commit_context(&commit, &info, &changes), out);
            }
            Ok((info, whole, diffed))
        })?;
        outcome.merge(judged_changes);
        // 2. Each (blob, path) once; each diffed path per commit.
        let mut work: Vec<HistoryWork> = Vec::new();
        for (i, (_, whole, diffed)) in per_commit.iter().enumerate() {
            for (blob, path) in whole {
                if seen.insert(blob_path_digest(*blob, path)) {
                    work.push(HistoryWork::Whole(*blob, path.clone(), i));
                }
            }
            work.extend(diffed.iter().map(|t| HistoryWork::Diffed(t.clone(), i)));
        }
        progress.blobs_total.fetch_add(work.len(), Ordering::Relaxed);
        // 3. Judge on every core.
        let (_, judged) = on_threads(git_dir, threads, &work, |repo, item, out| {
            let mut blobs = BlobReader::new(repo, 0)?;
            let (touched, i) = match item {
                HistoryWork::Whole(blob, path, i) => {
                    let t = Touched {
                        path: path.clone(),
                        old: None,
                        new: Some((*blob, FileMode::REGULAR)),
                        renamed_from: None,
                    };
                    (t, *i)
                }
                HistoryWork::Diffed(t, i) => (t.clone(), *i),
            };
            let info = &per_commit[i].0;
            let file = load_file(&mut blobs, &touched, Some(info), scanner, out)
                .with_context(|| format!("{} in commit {}", touched.path, info.id))?;
            scanner.judge_file(&file, out);
            progress.blobs_done.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })?;
        outcome.merge(judged);
    }
    outcome.commits = commits.len() as u64;
    keep_earliest(&mut outcome, commits);
    Ok(outcome)
}

fn blob_path_digest(blob: Oid, path: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(blob.as_bytes());
    h.update(path.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize()[..16]);
    out
}

/// Keeps a long read of history within a small memory budget: libgit2 by default
/// caches up to 256 MiB of objects and maps packs without limit.
///
/// # Safety
///
/// These are process-wide libgit2 settings that libgit2 does not synchronise: call this
/// before any thread uses libgit2 (at the start of a run), never while another thread
/// may be reading objects. Later calls do nothing.
pub unsafe fn bound_libgit2_for_bulk_reads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: the caller guarantees no other thread uses libgit2 now, and `ONCE`
        // makes this the only time the options change.
        unsafe {
            let _ = git2::opts::set_cache_max_size(16 * 1024 * 1024);
            let _ = git2::opts::set_mwindow_mapped_limit(24 * 1024 * 1024);
            let _ = git2::opts::set_mwindow_size(4 * 1024 * 1024);
        }
    });
}

/// Objects are not re-hashed on read: git does not do so on reads either (`git fsck`
/// is for that), and hashing every blob read was a third of a large pre-commit's time.
pub fn skip_hash_verification_on_read() {
    git2::opts::strict_hash_verification(false);
}

/// One unit of history work: a blob judged whole once, or a path judged against its
/// parent in one commit (the index into the batch's commits).
enum HistoryWork {
    Whole(Oid, String, usize),
    Diffed(Touched, usize),
}

/// A finding whose value stayed in a file through several commits is reported once,
/// for the earliest commit.
fn keep_earliest(outcome: &mut Outcome, commits: &[Oid]) {
    let order: HashMap<String, usize> = commits.iter().enumerate().map(|(i, c)| (c.to_string(), i)).collect();
    let rank = |c: &Option<String>| c.as_ref().and_then(|c| order.get(c)).copied().unwrap_or(usize::MAX);
    outcome.findings.sort_by(|a, b| (&a.fingerprint, rank(&a.commit)).cmp(&(&b.fingerprint, rank(&b.commit))));
    outcome.findings.dedup_by(|later, earlier| later.fingerprint == earlier.fingerprint);
    outcome.suppressed.sort_by(|a, b| (&a.fingerprint, rank(&a.commit)).cmp(&(&b.fingerprint, rank(&b.commit))));
    outcome.suppressed.dedup_by(|later, earlier| later.fingerprint == earlier.fingerprint);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_push_lines_parse_with_zeros_as_none() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let input = format!("refs/heads/main {a} refs/heads/main {z}\n(delete) {z} refs/heads/old {a}\n");
        let u = parse_pre_push(&input).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].old, None);
        assert!(u[0].new.is_some());
        assert_eq!(u[1].new, None);
        assert!(parse_pre_push("").unwrap().is_empty());
    }

    #[test]
    fn malformed_input_names_line_and_column() {
        let err = parse_pre_push("refs/heads/main nothex refs/heads/main 0000\n").unwrap_err().to_string();
        assert!(err.contains("<stdin>:1:17"), "{err}");
        let err = parse_pre_receive("a b\n").unwrap_err().to_string();
        assert!(err.contains("<stdin>:1:1"), "{err}");
    }

    /// SplitMix64: a fixed seed gives the same cases on every run and every machine.
    struct Cases(u64);

    impl Cases {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    /// Property: any stdin a pre-push or pre-receive hook can be handed parses or is
    /// refused with a position; it never panics, and a parsed line keeps its ids.
    #[test]
    fn fuzzed_ref_update_lines_never_panic() {
        let (a, z, b64, g) = ("a".repeat(40), "0".repeat(40), "b".repeat(64), "g".repeat(40));
        let pieces = [
            a.as_str(),
            z.as_str(),
            b64.as_str(),
            "refs/heads/main",
            "(delete)",
            "HEAD",
            "0",
            "",
            " ",
            "\t",
            "\r",
            "\n",
            "é",
            "\u{0}",
            g.as_str(),
            "aaaa",
            "refs/tags/v1^{}",
        ];
        let mut cases = Cases(0x7011_6a7e);
        for _ in 0..4000 {
            let mut input = String::new();
            for _ in 0..cases.next() % 12 {
                input.push_str(cases.pick(&pieces));
                input.push_str(cases.pick(&[" ", " ", "  ", "\t", "\n", ""]));
            }
            for parsed in [parse_pre_push(&input), parse_pre_receive(&input)] {
                match parsed {
                    Ok(updates) => assert!(updates.len() <= input.lines().count(), "{input:?}"),
                    Err(e) => assert!(e.to_string().starts_with("<stdin>:"), "{input:?}: {e}"),
                }
            }
        }
    }

    #[test]
    fn intersection_keeps_lines_new_to_both() {
        let a = [Region { start: 0, end: 10, first_line: 1 }];
        let b = [Region { start: 5, end: 20, first_line: 2 }];
        assert_eq!(intersect(&a, &b), vec![Region { start: 5, end: 10, first_line: 2 }]);
    }
}
