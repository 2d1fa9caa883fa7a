//! Files as they are on disk (scan mode): folders walked in parallel with `.gitignore`
//! honoured, hidden files included (that is where `.env` lives), `.git` skipped. (`-`,
//! stdin, is read by the mode wiring.)

use std::path::Path;
use std::sync::Mutex;

use ignore::{ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use crate::change::{ChangedFile, FileMode, PathChange, Status};
use crate::engine::{Outcome, Scanner};

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
    let shown = display_path(path);
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
}
