//! Files as they are on disk (scan mode). Inside a repository, git decides what is
//! there: every tracked file (an old `.env` that `.gitignore` now matches is still in
//! every clone) and every untracked file git does not ignore; `.ignore` files of other
//! tools hide nothing. Outside one, folders are walked in parallel with `.gitignore`
//! honoured, hidden files included (that is where `.env` lives), `.git` skipped. (`-`,
//! stdin, is read by the mode wiring.)

use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
use git2::{Repository, Status as GitStatus, StatusOptions};
use ignore::{ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use crate::change::{ChangedFile, FileMode, PathChange, Status};
use crate::engine::{Outcome, Scanner};

/// What a repository scan left out because git ignores it and does not track it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Skipped {
    pub ignored_files: u64,
    /// Ignored folders are counted, not walked (a `target/` may hold gigabytes).
    pub ignored_folders: u64,
}

/// Judges every file under `roots` (repository-relative folders or files, `""` for
/// the whole working tree) as git sees it: tracked files, and untracked files git does
/// not ignore. Paths are reported relative to `cwd_prefix` (the current directory,
/// repository-relative), as [`scan_paths`] reports them.
pub fn scan_repository(
    repo: &Repository,
    roots: &[String],
    cwd_prefix: &str,
    scanner: &Scanner,
    threads: usize,
) -> Result<(Outcome, Skipped)> {
    let workdir = repo.workdir().context("a bare repository has no files to scan")?;
    let under_roots = |path: &str| roots.iter().any(|r| covers(r, path));
    let mut paths: Vec<String> = Vec::new();
    let index = repo.index().context("cannot read the index")?;
    for entry in index.iter() {
        // Conflicted entries appear once per stage; gitlinks are other repositories.
        let stage = (entry.flags >> 12) & 0x3;
        if stage > 1 || entry.mode == 0o160000 {
            continue;
        }
        let path = String::from_utf8_lossy(&entry.path).into_owned();
        if under_roots(&path) {
            paths.push(path);
        }
    }
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(true)
        .recurse_ignored_dirs(false)
        .exclude_submodules(true);
    let mut skipped = Skipped::default();
    for entry in repo.statuses(Some(&mut options)).context("cannot list the working tree")?.iter() {
        let path = String::from_utf8_lossy(entry.path_bytes());
        let path = path.as_ref();
        if !under_roots(path.trim_end_matches('/')) {
            continue;
        }
        let status = entry.status();
        if status.contains(GitStatus::IGNORED) {
            if path.ends_with('/') {
                skipped.ignored_folders += 1;
            } else {
                skipped.ignored_files += 1;
            }
        } else if status.contains(GitStatus::WT_NEW) && !path.ends_with('/') {
            paths.push(path.to_string());
        }
    }
    paths.sort_unstable();
    paths.dedup();
    let mut out = Outcome::default();
    for root in roots {
        if !root.is_empty() && std::fs::symlink_metadata(workdir.join(root)).is_err() {
            out.errors.push(format!("{}: no such file or directory", relative_to(root, cwd_prefix)));
        }
    }
    let (_, judged) = super::on_threads(repo.path(), threads, &paths, |_, path, out| {
        let on_disk = workdir.join(path);
        // A tracked file deleted from disk, or a symlink: nothing on disk to read.
        if std::fs::symlink_metadata(&on_disk).is_ok_and(|m| m.is_file()) {
            scan_file_as(&on_disk, relative_to(path, cwd_prefix), scanner, out);
        }
        Ok(())
    })?;
    out.merge(judged);
    Ok((out, skipped))
}

/// Whether repository path `root` (a file, a folder, or `""` for everything) holds `path`.
fn covers(root: &str, path: &str) -> bool {
    root.is_empty() || path == root || path.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))
}

/// Repository path `path` as seen from the repository folder `prefix` (`""` is the root).
fn relative_to(path: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return path.to_string();
    }
    let mut up = String::new();
    let mut base = prefix;
    loop {
        if let Some(rest) = path.strip_prefix(base).and_then(|r| r.strip_prefix('/')) {
            return format!("{up}{rest}");
        }
        if path == base {
            return format!("{up}.");
        }
        up.push_str("../");
        match base.rfind('/') {
            Some(i) => base = &base[..i],
            None => return format!("{up}{path}"),
        }
    }
}

/// Judges every file under `paths` (default: the current directory).
pub fn scan_paths(paths: &[String], scanner: &Scanner, threads: usize) -> Outcome {
    let mut out = Outcome::default();
    let roots: Vec<&str> = if paths.is_empty() { vec!["."] } else { paths.iter().map(|s| s.as_str()).collect() };
    for root in &roots {
        if std::fs::symlink_metadata(root).is_err() {
            out.errors.push(format!("{root}: no such file or directory"));
        }
    }
    let mut builder = WalkBuilder::new(roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder.hidden(false).threads(threads).filter_entry(|e| e.file_name() != ".git");
    let shared = Mutex::new(Outcome::default());
    let mut visitors = VisitorBuilder { scanner, shared: &shared };
    builder.build_parallel().visit(&mut visitors);
    out.merge(shared.into_inner().unwrap_or_else(|e| e.into_inner()));
    out
}

/// Judges one file on disk.
pub fn scan_file(path: &Path, scanner: &Scanner, out: &mut Outcome) {
    scan_file_as(path, display_path(path), scanner, out)
}

/// Judges one file on disk, reported as `shown`.
fn scan_file_as(path: &Path, shown: String, scanner: &Scanner, out: &mut Outcome) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.errors.push(format!("{shown}: cannot read: {e}"));
            return;
        }
    };
    if !scanner.wants_content(&shown) && !scanner.wants_every_path() {
        return;
    }
    if !scanner.admit_size(&shown, None, meta.len(), out) {
        // Too large to read, but its path and size are still judged (a size limit).
        if scanner.wants_every_path() {
            let change = PathChange {
                path: shown.as_str().into(),
                status: Status::Added,
                old_mode: None,
                new_mode: Some(FileMode::REGULAR),
            };
            scanner.judge_file(&ChangedFile::without_content(&change, meta.len(), None), out);
        }
        return;
    }
    match std::fs::read(path) {
        Ok(bytes) => scanner.judge_file(&ChangedFile::whole(shown.as_str(), bytes), out),
        Err(e) => out.errors.push(format!("{shown}: cannot read: {e}")),
    }
}

/// A path as reports show it: `/` separators, no leading `./`.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    match s.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

struct VisitorBuilder<'a> {
    scanner: &'a Scanner,
    shared: &'a Mutex<Outcome>,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor { scanner: self.scanner, shared: self.shared, local: Outcome::default() })
    }
}

/// One walker thread's state; merges into the shared outcome when the thread ends.
struct Visitor<'a> {
    scanner: &'a Scanner,
    shared: &'a Mutex<Outcome>,
    local: Outcome,
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => scan_file(e.path(), self.scanner, &mut self.local),
            Ok(_) => {}
            Err(e) => self.local.errors.push(e.to_string()),
        }
        WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.merge(local);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_clean() {
        assert_eq!(display_path(Path::new("./src/a.rs")), "src/a.rs");
        assert_eq!(display_path(Path::new("src/a.rs")), "src/a.rs");
    }

    #[test]
    fn repository_paths_are_shown_from_the_current_folder() {
        assert_eq!(relative_to("src/a.rs", ""), "src/a.rs");
        assert_eq!(relative_to("src/a.rs", "src"), "a.rs");
        assert_eq!(relative_to("src/a.rs", "docs"), "../src/a.rs");
        assert_eq!(relative_to("a.rs", "x/y"), "../../a.rs");
        assert_eq!(relative_to("x/y/z.rs", "x/q"), "../y/z.rs");
        assert_eq!(relative_to("src", "src"), ".");
        assert_eq!(relative_to("srcx/a", "src"), "../srcx/a");
    }

    #[test]
    fn roots_cover_their_files_only() {
        assert!(covers("", "a"));
        assert!(covers("src", "src/a"));
        assert!(covers("src/a", "src/a"));
        assert!(!covers("src", "srcx/a"));
    }
}
