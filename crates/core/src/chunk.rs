//! The unit every check judges: one file's new content and which parts of it are new.

use std::sync::Arc;

/// The commit a chunk was introduced by (push, receive and history modes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Author time, seconds since the epoch.
    pub author_time: i64,
}

/// A byte range of a chunk's text made of whole added lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    /// 1-based line number of the region's first line in the new file.
    pub first_line: u32,
}

/// One file's content as it will be after the change, with the regions that the change
/// adds. Checks judge only the added regions, but may read the rest for context (the
/// line before a finding, say, for an inline `tollgate:allow`).
#[derive(Debug, Clone)]
pub struct Chunk {
    /// Repository-relative path with `/` separators (or the path as given in scan mode).
    pub path: Arc<str>,
    pub commit: Option<Arc<CommitInfo>>,
    /// The file's new bytes. Not required to be UTF-8.
    pub text: Arc<[u8]>,
    /// Added regions, in order, not overlapping.
    pub added: Vec<Region>,
    /// The file's previous content when it was modified (dependency checks compare
    /// manifests old and new); `None` for new files and on-disk scans.
    pub previous: Option<Arc<[u8]>>,
}

impl Chunk {
    /// A chunk whose whole text is new (scan mode, new files).
    pub fn whole(path: impl Into<Arc<str>>, text: impl Into<Arc<[u8]>>) -> Chunk {
        let text = text.into();
        let added = vec![Region { start: 0, end: text.len(), first_line: 1 }];
        Chunk { path: path.into(), commit: None, text, added, previous: None }
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
        let chunk = Chunk {
            path: "f".into(),
            commit: None,
            text: text.clone(),
            added: vec![Region { start: 8, end: 14, first_line: 3 }],
            previous: None,
        };
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
    fn binary_means_nul_in_first_8k() {
        assert!(is_binary(b"PK\x03\x04\0\0"));
        assert!(!is_binary(b"plain text"));
        let mut late = vec![b'a'; 9000];
        late.push(0);
        assert!(!is_binary(&late));
    }
}
