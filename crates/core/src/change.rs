//! What a check sees of a change: every changed path with its status, modes, size and
//! content ([`ChangedFile`]), and the change as a whole — a commit's id, message,
//! trailers, author and parents, or the staged change with the message being written
//! ([`ChangeContext`]).

use std::sync::{Arc, OnceLock};

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
    /// Where `text`'s lines start, built on first use (see [`LineIndex`]).
    lines: OnceLock<LineIndex>,
}

/// Line breaks and character counts of a text, so that placing many findings in a large
/// file (or on one long line) costs a binary search each, not a scan from the start:
/// placing must stay linear in the input however many findings there are.
#[derive(Debug, Clone, Default)]
struct LineIndex {
    /// Offsets of every `\n`.
    newlines: Vec<usize>,
    /// UTF-8 continuation bytes before each [`CHECKPOINT`]-byte boundary.
    continuations: Vec<u32>,
}

/// Distance between character-count checkpoints: a column costs at most this many bytes
/// of counting.
const CHECKPOINT: usize = 4096;

impl LineIndex {
    fn of(text: &[u8]) -> LineIndex {
        let newlines = memchr::memchr_iter(b'\n', text).collect();
        let mut continuations = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let mut total = 0u32;
        for block in text.chunks(CHECKPOINT) {
            continuations.push(total);
            total += block.iter().filter(|&&b| b & 0xC0 == 0x80).count() as u32;
        }
        LineIndex { newlines, continuations }
    }

    /// Continuation bytes before `offset`.
    fn continuations_before(&self, text: &[u8], offset: usize) -> usize {
        let block = offset / CHECKPOINT;
        let base = self.continuations.get(block).copied().unwrap_or(0) as usize;
        base + text[block * CHECKPOINT..offset].iter().filter(|&&b| b & 0xC0 == 0x80).count()
    }
}

impl ChangedFile {
    /// A file whose whole text is new (scan mode, agent writes, new files).
    pub fn whole(path: impl Into<Arc<str>>, text: impl Into<Arc<[u8]>>) -> ChangedFile {
        let original = text.into();
        let size = original.len() as u64;
        let text = readable_text(original);
        let added =
            if text.is_empty() { Vec::new() } else { vec![Region { start: 0, end: text.len(), first_line: 1 }] };
        ChangedFile {
            path: path.into(),
            status: Status::Added,
            old_mode: None,
            new_mode: Some(FileMode::REGULAR),
            size,
            content_read: true,
            binary: is_binary(&text),
            lfs_pointer: is_lfs_pointer(&text),
            commit: None,
            text,
            added,
            previous: None,
            lines: OnceLock::new(),
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
            lines: OnceLock::new(),
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

    /// The 1-based line number and the byte range of the line holding `offset` (without
    /// its line terminator).
    pub fn line_at(&self, offset: usize) -> (u32, std::ops::Range<usize>) {
        let offset = offset.min(self.text.len());
        let newlines = &self.index().newlines;
        let before = newlines.partition_point(|&n| n < offset);
        let start = if before == 0 { 0 } else { newlines[before - 1] + 1 };
        let mut end = newlines.get(before).copied().unwrap_or(self.text.len());
        if end > start && self.text[end - 1] == b'\r' {
            end -= 1;
        }
        // Count from the nearest region start we know the line number of.
        let region = self.added.partition_point(|r| r.start <= offset);
        let (base_offset, base_line) = match region {
            0 => (0, 1),
            r => (self.added[r - 1].start, self.added[r - 1].first_line),
        };
        let base_offset = base_offset.min(start);
        let skipped = before - newlines.partition_point(|&n| n < base_offset);
        (base_line + skipped as u32, start..end)
    }

    /// The byte range of the line holding `offset` (see [`ChangedFile::line_at`]).
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        self.line_at(offset).1
    }

    /// The 1-based column of `offset` in characters (UTF-8 sequences count once).
    pub fn column_at(&self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        let (_, line) = self.line_at(offset);
        let index = self.index();
        let continuations =
            index.continuations_before(&self.text, offset) - index.continuations_before(&self.text, line.start);
        (offset - line.start - continuations) as u32 + 1
    }

    fn index(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::of(&self.text))
    }

    /// Whether `offset` lies in an added region.
    pub fn is_added(&self, offset: usize) -> bool {
        let r = self.added.partition_point(|r| r.end <= offset);
        self.added.get(r).is_some_and(|r| r.start <= offset)
    }

    /// Whether `span` shares a byte with an added region: a multi-line value of which
    /// only some lines are new (a key body under an unchanged `BEGIN` line) is new.
    pub fn overlaps_added(&self, span: &std::ops::Range<usize>) -> bool {
        let r = self.added.partition_point(|r| r.end <= span.start);
        self.added.get(r).is_some_and(|r| r.start < span.end && span.start < r.end)
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

/// Content as checks read it: UTF-16 text (Windows tools write `.ps1`, `.reg` and
/// `.config` files so) transcoded to UTF-8, anything else as it is. Without this a
/// UTF-16 file has NUL bytes and would be skipped as binary. Transcoding keeps every
/// line break, so line numbers found in the UTF-8 text are the original file's.
pub fn readable_text(bytes: Arc<[u8]>) -> Arc<[u8]> {
    match utf16_to_utf8(&bytes) {
        Some(text) => Arc::from(text),
        None => bytes,
    }
}

/// The UTF-8 form of UTF-16 text: marked by a byte order mark, or without one when
/// the sample is plainly text with every other byte NUL (ASCII in UTF-16). `None` for
/// anything else, and for content that does not decode or decodes to control
/// characters: binary data with many NULs must stay binary.
pub fn utf16_to_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    let (big_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (false, rest),
        [0xFE, 0xFF, rest @ ..] => (true, rest),
        _ => (utf16_without_bom(bytes)?, bytes),
    };
    if body.len() % 2 != 0 {
        return None;
    }
    let units = body.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(body.len() / 2);
    for c in char::decode_utf16(units) {
        let c = c.ok()?;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b') {
            return None;
        }
        out.push(c);
    }
    Some(out.into_bytes())
}

/// For BOM-less content: `Some(big_endian)` when, in the first 4 KiB, nearly every
/// high byte is NUL and no low byte is (ASCII text in UTF-16).
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let nul_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (nul_at(0), nul_at(1));
    let mostly = |n: usize| n * 10 >= pairs * 9;
    match (even, odd) {
        (0, odd) if mostly(odd) => Some(false),
        (even, 0) if mostly(even) => Some(true),
        _ => None,
    }
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
        assert!(chunk.overlaps_added(&(2..9)));
        assert!(!chunk.overlaps_added(&(0..8)));
        assert!(!chunk.overlaps_added(&(14..18)));
    }

    #[test]
    fn indexed_lines_and_columns_agree_with_a_scan() {
        // Mixed line ends, multi-byte characters, regions in the middle of the text.
        let text = "a=1\r\nnaïve = \"k€y\"\n\n  x\ty = 2\nlast line without end".as_bytes();
        let mut chunk = ChangedFile::whole("f", text);
        chunk.added = vec![Region { start: 5, end: 24, first_line: 2 }, Region { start: 25, end: 36, first_line: 4 }];
        for offset in 0..=text.len() {
            let (line, range) = chunk.line_at(offset);
            assert_eq!(range, line_bounds(text, offset), "bounds at {offset}");
            let expected_line = 1 + text[..range.start].iter().filter(|&&b| b == b'\n').count() as u32;
            assert_eq!(line, expected_line, "line at {offset}");
            if std::str::from_utf8(&text[range.start..offset]).is_ok() {
                assert_eq!(chunk.column_at(offset), column_of(text, range.start, offset), "column at {offset}");
            }
            let naive_added = chunk.added.iter().any(|r| r.start <= offset && offset < r.end);
            assert_eq!(chunk.is_added(offset), naive_added, "added at {offset}");
            for end in offset + 1..(offset + 6).min(text.len()) {
                let span = offset..end;
                let naive = chunk.added.iter().any(|r| r.start < span.end && span.start < r.end);
                assert_eq!(chunk.overlaps_added(&span), naive, "overlap {span:?}");
            }
        }
    }

    #[test]
    fn columns_past_a_checkpoint_count_characters() {
        let mut text = "é".repeat(5000).into_bytes();
        text.extend_from_slice(b"key");
        let chunk = ChangedFile::whole("f", text.clone());
        assert_eq!(chunk.column_at(text.len() - 3), 5001);
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

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        out
    }

    #[test]
    fn utf16_text_is_read_as_utf8_with_its_lines() {
        let text = "$user = 'svc'\r\n$pass = 'Zq8R'\r\nWrite-Host \"é\"\r\n";
        for bom in [true, false] {
            let file = ChangedFile::whole("deploy.ps1", utf16le(text, bom));
            assert!(!file.binary, "bom: {bom}");
            assert_eq!(&*file.text, text.as_bytes());
            assert_eq!(file.size, utf16le(text, bom).len() as u64);
            assert_eq!(file.line_at(text.find("$pass").unwrap()).0, 2);
        }
        let mut be = vec![0xFE, 0xFF];
        be.extend("a = 1\n".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(utf16_to_utf8(&be).as_deref(), Some(&b"a = 1\n"[..]));
    }

    #[test]
    fn binary_with_nuls_is_not_taken_for_utf16() {
        // Small integers as u16: every other byte NUL, but control characters.
        let table: Vec<u8> = (1u16..200).flat_map(|n| (n % 7 + 1).to_le_bytes()).collect();
        assert!(utf16_to_utf8(&table).is_none());
        assert!(ChangedFile::whole("t.bin", table).binary);
        assert!(utf16_to_utf8(b"PK\x03\x04\0\0\x14\0").is_none());
        // An unpaired surrogate does not decode.
        assert!(utf16_to_utf8(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).is_none());
        assert!(utf16_to_utf8(b"plain text").is_none());
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
