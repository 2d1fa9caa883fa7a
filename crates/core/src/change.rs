//! What a check sees of a change: every changed path with its status, modes, size and
//! content ([`ChangedFile`]), and the change as a whole — a commit's id, message,
//! trailers, author and parents, or the staged change with the message being written
//! ([`ChangeContext`]).

use std::sync::Arc;

use serde::Serialize;

/// A git file mode, as trees and the index record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileMode(pub u32);

impl FileMode {
    pub const REGULAR: FileMode = FileMode(0o100644);
    pub const EXECUTABLE: FileMode = FileMode(0o100755);
    pub const SYMLINK: FileMode = FileMode(0o120000);
    pub const SUBMODULE: FileMode = FileMode(0o160000);
    pub const TREE: FileMode = FileMode(0o040000);

    /// A regular file (executable or not): the only kind whose content is judged.
    pub fn is_file(self) -> bool {
        self.0 & 0o170000 == 0o100000
    }
    pub fn is_executable(self) -> bool {
        self.is_file() && self.0 & 0o111 != 0
    }
    pub fn is_symlink(self) -> bool {
        self.0 & 0o170000 == 0o120000
    }
    /// A gitlink: the commit of a submodule.
    pub fn is_submodule(self) -> bool {
        self.0 & 0o170000 == 0o160000
    }
    pub fn kind(self) -> &'static str {
        if self.is_symlink() {
            "symlink"
        } else if self.is_submodule() {
            "submodule"
        } else if self.is_executable() {
            "executable"
        } else if self.is_file() {
            "file"
        } else {
            "other"
        }
    }
}

/// What a change did to a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Status {
    Added,
    Modified,
    Deleted,
    /// Added with content at least half made of a deleted file's (or identical to it).
    Renamed {
        from: Arc<str>,
    },
    /// The same path changed kind: a file became a symlink, a submodule, or back.
    TypeChanged,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Modified => "modified",
            Status::Deleted => "deleted",
            Status::Renamed { .. } => "renamed",
            Status::TypeChanged => "type-changed",
        }
    }
}

/// The commit a change is (push, receive and history modes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    pub author: Person,
    pub committer: Person,
    /// Parents' full hex ids, first parent first.
    pub parents: Vec<String>,
}

impl CommitInfo {
    /// Author time, seconds since the epoch.
    pub fn author_time(&self) -> i64 {
        self.author.time
    }
}

/// An author or committer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// Seconds since the epoch.
    pub time: i64,
}

/// A commit message, or the message being written (commit-msg), with its trailers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub trailers: Vec<crate::trailers::Trailer>,
}

impl Message {
    pub fn new(text: impl Into<String>) -> Message {
        let text = text.into();
        let trailers = crate::trailers::parse(&text);
        Message { text, trailers }
    }

    /// The values of every trailer whose key is `key` (case-insensitive, as git compares).
    pub fn trailer_values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.trailers.iter().filter(move |t| t.key.eq_ignore_ascii_case(key)).map(|t| t.value.as_str())
    }
}

/// A path a change touches, without its content: what a per-change judgement sees of
/// every file (deletions, renames and mode changes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathChange {
    pub path: Arc<str>,
    pub status: Status,
    pub old_mode: Option<FileMode>,
    pub new_mode: Option<FileMode>,
}

/// One change as a whole: the staged change (pre-commit, commit-msg) or one commit of a
/// push, receive or history run.
#[derive(Debug, Clone, Default)]
pub struct ChangeContext {
    /// `None` for the staged change and for files on disk.
    pub commit: Option<Arc<CommitInfo>>,
    /// The commit's message, or the message being written in commit-msg.
    pub message: Option<Arc<Message>>,
    /// Every path the change touches.
    pub paths: Vec<PathChange>,
    /// How many of the staged change's added lines an agent wrote (pre-commit and
    /// commit-msg, when the audit log holds agent records).
    pub provenance: Option<Arc<crate::provenance::Provenance>>,
}

/// A byte range of a file's text made of whole added lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    /// 1-based line number of the region's first line in the new file.
    pub first_line: u32,
}

/// One changed path with what a check may judge of it: its status and modes, its size,
/// whether it is binary or a Git LFS pointer, its content as it will be after the change
/// and the regions the change adds, and its previous content when a check asked for it.
/// Checks judge the added regions, but may read the rest for context (the line before a
/// finding, say, for an inline `tollgate:allow`).
#[derive(Debug, Clone)]
pub struct ChangedFile {
    /// Repository-relative path with `/` separators (or the path as given in scan mode).
    pub path: Arc<str>,
    pub status: Status,
    pub old_mode: Option<FileMode>,
    pub new_mode: Option<FileMode>,
    /// Size of the new content in bytes (0 when deleted).
    pub size: u64,
    /// Whether the new content was read: false for deletions, symlinks, submodules, and
    /// paths no check wanted the content of.
    pub content_read: bool,
    /// A NUL byte in the first 8 KiB, as git decides.
    pub binary: bool,
    /// A Git LFS pointer file (the content lives elsewhere).
    pub lfs_pointer: bool,
    pub commit: Option<Arc<CommitInfo>>,
    /// The file's new bytes (empty when not read). Not required to be UTF-8.
    pub text: Arc<[u8]>,
    /// Added regions, in order, not overlapping.
    pub added: Vec<Region>,
    /// The previous content of a modified or renamed file, when a check wants it.
    pub previous: Option<Arc<[u8]>>,
}

impl ChangedFile {
    /// A file whose whole text is new (scan mode, agent writes, new files).
    pub fn whole(path: impl Into<Arc<str>>, text: impl Into<Arc<[u8]>>) -> ChangedFile {
        let text = text.into();
        let added =
            if text.is_empty() { Vec::new() } else { vec![Region { start: 0, end: text.len(), first_line: 1 }] };
        ChangedFile {
            path: path.into(),
            status: Status::Added,
            old_mode: None,
            new_mode: Some(FileMode::REGULAR),
            size: text.len() as u64,
            content_read: true,
            binary: is_binary(&text),
            lfs_pointer: is_lfs_pointer(&text),
            commit: None,
            text,
            added,
            previous: None,
        }
    }

    /// A path whose content was not read (deleted, not a regular file, or unwanted).
    pub fn without_content(change: &PathChange, size: u64, commit: Option<Arc<CommitInfo>>) -> ChangedFile {
        ChangedFile {
            path: change.path.clone(),
            status: change.status.clone(),
            old_mode: change.old_mode,
            new_mode: change.new_mode,
            size,
            content_read: false,
            binary: false,
            lfs_pointer: false,
            commit,
            text: Arc::from(&b""[..]),
            added: Vec::new(),
            previous: None,
        }
    }

    /// The metadata of this file, as the change context lists it.
    pub fn path_change(&self) -> PathChange {
        PathChange {
            path: self.path.clone(),
            status: self.status.clone(),
            old_mode: self.old_mode,
            new_mode: self.new_mode,
        }
    }

    /// The 1-based line number and the byte range of the line holding `offset`.
    pub fn line_at(&self, offset: usize) -> (u32, std::ops::Range<usize>) {
        let range = line_bounds(&self.text, offset);
        // Count from the nearest region start we know the line number of.
        let (base_offset, base_line) =
            self.added.iter().rev().find(|r| r.start <= offset).map(|r| (r.start, r.first_line)).unwrap_or((0, 1));
        let line = base_line + memchr::memchr_iter(b'\n', &self.text[base_offset..range.start]).count() as u32;
        (line, range)
    }

    /// Whether `offset` lies in an added region.
    pub fn is_added(&self, offset: usize) -> bool {
        self.added.iter().any(|r| r.start <= offset && offset < r.end)
    }

    /// Total bytes of added text.
    pub fn added_bytes(&self) -> usize {
        self.added.iter().map(|r| r.end - r.start).sum()
    }
}

/// Whether content is a Git LFS pointer: a small text file starting with the spec line.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    bytes.len() < 1024 && bytes.starts_with(b"version https://git-lfs.github.com/spec/")
}

/// The byte range of the line around `offset`, without its line terminator (`\n` or
/// `\r\n`).
pub fn line_bounds(text: &[u8], offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    let start = memchr::memrchr(b'\n', &text[..offset]).map(|i| i + 1).unwrap_or(0);
    let mut end = memchr::memchr(b'\n', &text[offset..]).map(|i| offset + i).unwrap_or(text.len());
    if end > start && text[end - 1] == b'\r' {
        end -= 1;
    }
    start..end
}

/// The byte range of the line before the one starting at `line_start`, if any.
pub fn previous_line(text: &[u8], line_start: usize) -> Option<std::ops::Range<usize>> {
    (line_start > 0).then(|| line_bounds(text, line_start - 1))
}

/// 1-based column, in characters, of `offset` within its line (lossy UTF-8).
pub fn column_of(text: &[u8], line_start: usize, offset: usize) -> u32 {
    String::from_utf8_lossy(&text[line_start..offset]).chars().count() as u32 + 1
}

/// Whether content looks binary: a NUL byte in its first 8 KiB, as git decides.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_follow_regions() {
        let text: Arc<[u8]> = Arc::from(&b"one\ntwo\nthree\nfour\n"[..]);
        let mut chunk = ChangedFile::whole("f", text.clone());
        chunk.added = vec![Region { start: 8, end: 14, first_line: 3 }];
        assert_eq!(chunk.line_at(10), (3, 8..13));
        assert_eq!(chunk.line_at(15), (4, 14..18));
        assert!(chunk.is_added(9));
        assert!(!chunk.is_added(2));
    }

    #[test]
    fn crlf_lines_lose_their_carriage_return() {
        let text = b"a\r\nkey\r\n";
        assert_eq!(line_bounds(text, 4), 3..6);
        assert_eq!(previous_line(text, 3), Some(0..1));
        assert_eq!(previous_line(text, 0), None);
    }

    #[test]
    fn columns_count_characters_even_in_invalid_utf8() {
        let text = "é = x".as_bytes();
        assert_eq!(column_of(text, 0, 3), 3);
        assert_eq!(column_of(b"\xff\xfe=", 0, 2), 3);
    }

    #[test]
    fn modes_say_what_a_path_is() {
        assert!(FileMode(0o100755).is_executable());
        assert!(!FileMode(0o100644).is_executable());
        assert!(FileMode(0o120000).is_symlink() && !FileMode(0o120000).is_file());
        assert!(FileMode(0o160000).is_submodule());
        assert_eq!(FileMode(0o160000).kind(), "submodule");
    }

    #[test]
    fn lfs_pointers_are_recognised() {
        let pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n";
        assert!(is_lfs_pointer(pointer));
        assert!(ChangedFile::whole("big.bin", &pointer[..]).lfs_pointer);
        assert!(!is_lfs_pointer(b"version 1\n"));
    }

    #[test]
    fn binary_means_nul_in_first_8k() {
        assert!(is_binary(b"PK\x03\x04\0\0"));
        assert!(!is_binary(b"plain text"));
        let mut late = vec![b'a'; 9000];
        late.push(0);
        assert!(!is_binary(&late));
    }
}
