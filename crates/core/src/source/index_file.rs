//! A reader for git's index file that keeps what a staged-change diff needs: each
//! entry's path, mode and blob id, and the cache-tree extension, which records the tree
//! id of every directory the index has not changed since it was last written as a tree.
//!
//! With the cache tree, comparing the index to HEAD touches only the directories the
//! user staged something in, as `git diff --cached` does; libgit2's diff reads every
//! tree of HEAD, which on a 50,000-file repository costs more than the whole hook may.
//! Indexes this reader does not understand (split or sparse indexes, unknown versions,
//! SHA-256) return `None`, and the caller falls back to libgit2.

use std::collections::HashMap;

/// One stage-0 entry; its path lives in the [`IndexFile`]'s arena.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    path: std::ops::Range<usize>,
    pub mode: u32,
    pub oid: [u8; 20],
    /// `git add -N`: the path is known but no content is staged; not part of a tree.
    pub intent_to_add: bool,
}

/// The parsed index: entries in path order, and valid cache-tree directories.
#[derive(Debug, Default)]
pub struct IndexFile {
    paths: Vec<u8>,
    pub entries: Vec<IndexEntry>,
    /// Directory path (no trailing slash; "" for the root) to its tree id, for every
    /// directory the cache tree still vouches for.
    pub cached_trees: HashMap<Vec<u8>, [u8; 20]>,
}

impl IndexFile {
    pub fn path(&self, entry: &IndexEntry) -> &[u8] {
        &self.paths[entry.path.clone()]
    }
}

const HASH_LEN: usize = 20;

/// Parses `data` (a whole index file). `None` when the format is one this reader does
/// not handle, or the data is damaged; the caller then uses libgit2.
pub fn parse(data: &[u8]) -> Option<IndexFile> {
    if data.len() < 12 + HASH_LEN || &data[..4] != b"DIRC" {
        return None;
    }
    let version = be32(data, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(data, 8)? as usize;
    let end = data.len() - HASH_LEN;
    let mut pos = 12;
    let mut index =
        IndexFile { paths: Vec::with_capacity(count * 32), entries: Vec::with_capacity(count), ..Default::default() };
    // Version 4 compresses each path against the previous one.
    let mut previous: std::ops::Range<usize> = 0..0;
    for _ in 0..count {
        // ctime, mtime, dev, ino: 24 bytes; then mode, uid, gid, size: 16; oid; flags.
        let mode = be32(data, pos + 24)?;
        let oid: [u8; 20] = data.get(pos + 40..pos + 60)?.try_into().ok()?;
        let flags = be16(data, pos + 60)?;
        let mut at = pos + 62;
        let mut intent_to_add = false;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return None;
            }
            intent_to_add = be16(data, at)? & 0x2000 != 0;
            at += 2; // extended flags: skip-worktree, intent-to-add
        }
        let stage = (flags >> 12) & 0x3;
        let start = index.paths.len();
        if version == 4 {
            let (strip, used) = varint(data.get(at..)?)?;
            at += used;
            let nul = memchr::memchr(0, data.get(at..end)?)?;
            let keep = previous.len().checked_sub(strip)?;
            index.paths.extend_from_within(previous.start..previous.start + keep);
            index.paths.extend_from_slice(&data[at..at + nul]);
            pos = at + nul + 1;
        } else {
            let nul = memchr::memchr(0, data.get(at..end)?)?;
            index.paths.extend_from_slice(&data[at..at + nul]);
            // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
            let len = at + nul - pos;
            pos += (len + 8) & !7;
        }
        if pos > end {
            return None;
        }
        previous = start..index.paths.len();
        if mode & 0o170000 == 0o040000 {
            return None; // a sparse-directory entry
        }
        if stage == 0 {
            index.entries.push(IndexEntry { path: previous.clone(), mode, oid, intent_to_add });
        }
    }
    while pos + 8 <= end {
        let sig = &data[pos..pos + 4];
        let size = be32(data, pos + 4)? as usize;
        let body = data.get(pos + 8..pos + 8 + size)?;
        match sig {
            b"TREE" => parse_cache_tree(body, &mut index.cached_trees)?,
            // Split index, sparse index: entries live elsewhere or are collapsed.
            b"link" | b"sdir" => return None,
            _ if sig[0].is_ascii_uppercase() => {} // optional extension
            _ => return None,                      // a required extension we don't know
        }
        pos += 8 + size;
    }
    Some(index)
}

/// The TREE extension: pre-order records of `path NUL entry_count SP subtrees LF [oid]`.
fn parse_cache_tree(mut body: &[u8], out: &mut HashMap<Vec<u8>, [u8; 20]>) -> Option<()> {
    // A stack of (path, remaining subtrees) to rebuild full directory paths.
    let mut stack: Vec<(Vec<u8>, usize)> = Vec::new();
    while !body.is_empty() {
        let nul = memchr::memchr(0, body)?;
        let name = &body[..nul];
        body = &body[nul + 1..];
        let nl = memchr::memchr(b'\n', body)?;
        let header = std::str::from_utf8(&body[..nl]).ok()?;
        body = &body[nl + 1..];
        let (count, subtrees) = header.split_once(' ')?;
        let count: i64 = count.parse().ok()?;
        let subtrees: usize = subtrees.parse().ok()?;
        while let Some((_, 0)) = stack.last() {
            stack.pop();
        }
        let path = match stack.last_mut() {
            None => Vec::new(),
            Some((parent, remaining)) => {
                *remaining -= 1;
                let mut p = parent.clone();
                if !p.is_empty() {
                    p.push(b'/');
                }
                p.extend_from_slice(name);
                p
            }
        };
        if count >= 0 {
            let oid: [u8; 20] = body.get(..HASH_LEN)?.try_into().ok()?;
            body = &body[HASH_LEN..];
            out.insert(path.clone(), oid);
        }
        stack.push((path, subtrees));
    }
    Some(())
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

/// Git's offset varint (used by index v4): each continuation adds one before shifting.
fn varint(data: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    let mut c = *data.first()?;
    let mut value = (c & 0x7f) as usize;
    while c & 0x80 != 0 {
        i += 1;
        c = *data.get(i)?;
        value = ((value + 1) << 7) | (c & 0x7f) as usize;
    }
    Some((value, i + 1))
}
