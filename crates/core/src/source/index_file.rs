//! A reader for git's index file that keeps what a staged-change diff needs: each
//! entry's path, mode and blob id, and the cache-tree extension, which records the tree
//! id of every directory the index has not changed since it was last written as a tree.
//!
//! With the cache tree, comparing the index to HEAD touches only the directories the
//! user staged something in, as `git diff --cached` does; libgit2's diff reads every
//! tree of HEAD, which on a 50,000-file repository costs more than the whole hook may.
//! Indexes this reader does not understand (split or sparse indexes, unknown versions,
//! SHA-256) return `None`, and the caller asks `git diff-index` instead.

/// One stage-0 entry, kept small (16 bytes: a large index has hundreds of thousands);
/// its path and blob id are read from the index bytes on demand.
#[derive(Debug, Clone, Copy)]
pub struct IndexEntry {
    /// Offset of the entry in the index data (where its id and mode live).
    offset: u32,
    path_start: u32,
    path_len: u32,
    pub mode: u32,
}

/// The parsed index: entries in path order, and valid cache-tree directories.
#[derive(Debug, Default)]
pub struct IndexFile<'a> {
    data: &'a [u8],
    /// The bytes entry paths point into: the index data itself, or (version 4, whose
    /// paths are prefix-compressed) the rebuilt paths.
    paths: std::borrow::Cow<'a, [u8]>,
    pub entries: Vec<IndexEntry>,
    /// Every directory the cache tree still vouches for, with its tree id.
    pub cached_trees: CachedTrees,
}

impl IndexFile<'_> {
    pub fn path(&self, entry: &IndexEntry) -> &[u8] {
        let start = entry.path_start as usize;
        &self.paths[start..start + entry.path_len as usize]
    }

    /// The entry's blob id.
    pub fn oid(&self, entry: &IndexEntry) -> [u8; 20] {
        let at = entry.offset as usize + 40;
        self.data[at..at + 20].try_into().unwrap_or([0; 20])
    }
}

const HASH_LEN: usize = 20;

/// Parses `data` (a whole index file). `None` when the format is one this reader does
/// not handle, or the data is damaged; the caller then asks git.
pub fn parse(data: &[u8]) -> Option<IndexFile<'_>> {
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
    let mut entries = Vec::with_capacity(count);
    let mut arena: Vec<u8> = Vec::new();
    // Version 4 compresses each path against the previous one.
    let mut previous: std::ops::Range<usize> = 0..0;
    for _ in 0..count {
        // ctime, mtime, dev, ino: 24 bytes; then mode, uid, gid, size: 16; oid; flags.
        let mode = be32(data, pos + 24)?;
        let flags = be16(data, pos + 60)?;
        let offset = u32::try_from(pos).ok()?;
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
        let path;
        if version == 4 {
            let (strip, used) = varint(data.get(at..)?)?;
            at += used;
            let nul = memchr::memchr(0, data.get(at..end)?)?;
            let keep = previous.len().checked_sub(strip)?;
            let start = arena.len();
            arena.extend_from_within(previous.start..previous.start + keep);
            arena.extend_from_slice(&data[at..at + nul]);
            path = start..arena.len();
            pos = at + nul + 1;
        } else {
            // The flags hold the name length, unless it is 0xFFF or more.
            let nul = match usize::from(flags & 0x0fff) {
                0x0fff => memchr::memchr(0, data.get(at..end)?)?,
                n if data.get(at + n) == Some(&0) => n,
                _ => return None,
            };
            path = at..at + nul;
            // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
            let len = at + nul - pos;
            pos += (len + 8) & !7;
        }
        if pos > end {
            return None;
        }
        previous = path.clone();
        if mode & 0o170000 == 0o040000 {
            return None; // a sparse-directory entry
        }
        if stage == 0 {
            // `git add -N`: the path is known but no content is staged; not in a tree.
            if !intent_to_add {
                let (path_start, path_len) = (u32::try_from(path.start).ok()?, u32::try_from(path.len()).ok()?);
                entries.push(IndexEntry { offset, path_start, path_len, mode });
            }
        }
    }
    let paths = if version == 4 { std::borrow::Cow::Owned(arena) } else { std::borrow::Cow::Borrowed(data) };
    let mut index = IndexFile { data, paths, entries, cached_trees: CachedTrees::default() };
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

/// The directories the cache tree vouches for, with their tree ids: paths in one
/// arena, sorted for binary search (a large repository has thousands of them).
#[derive(Debug, Default)]
pub struct CachedTrees {
    arena: Vec<u8>,
    dirs: Vec<(u32, u32, [u8; 20])>,
}

impl CachedTrees {
    /// The tree id recorded for `dir` (no trailing slash; "" for the root).
    pub fn get(&self, dir: &[u8]) -> Option<&[u8; 20]> {
        let path = |&(s, l, _): &(u32, u32, [u8; 20])| &self.arena[s as usize..(s + l) as usize];
        self.dirs.binary_search_by(|d| path(d).cmp(dir)).ok().map(|i| &self.dirs[i].2)
    }
}

/// The TREE extension: pre-order records of `path NUL entry_count SP subtrees LF [oid]`.
fn parse_cache_tree(mut body: &[u8], out: &mut CachedTrees) -> Option<()> {
    // A stack of (path range in the arena, remaining subtrees) to rebuild full paths.
    let mut stack: Vec<(u32, u32, usize)> = Vec::new();
    while !body.is_empty() {
        let nul = memchr::memchr(0, body)?;
        let name = &body[..nul];
        body = &body[nul + 1..];
        let nl = memchr::memchr(b'\n', body)?;
        let (count, subtrees) = parse_counts(&body[..nl])?;
        body = &body[nl + 1..];
        while let Some((_, _, 0)) = stack.last() {
            stack.pop();
        }
        let start = out.arena.len();
        if let Some((parent_start, parent_len, remaining)) = stack.last_mut() {
            *remaining -= 1;
            let (ps, pl) = (*parent_start as usize, *parent_len as usize);
            out.arena.extend_from_within(ps..ps + pl);
            if pl > 0 {
                out.arena.push(b'/');
            }
            out.arena.extend_from_slice(name);
        }
        let (s, l) = (u32::try_from(start).ok()?, u32::try_from(out.arena.len() - start).ok()?);
        if count >= 0 {
            let oid: [u8; 20] = body.get(..HASH_LEN)?.try_into().ok()?;
            body = &body[HASH_LEN..];
            out.dirs.push((s, l, oid));
        }
        stack.push((s, l, subtrees));
    }
    let arena = &out.arena;
    out.dirs.sort_unstable_by(|a, b| {
        arena[a.0 as usize..(a.0 + a.1) as usize].cmp(&arena[b.0 as usize..(b.0 + b.1) as usize])
    });
    Some(())
}

/// `entry_count SP subtrees`, where entry_count is -1 for an invalidated directory.
fn parse_counts(header: &[u8]) -> Option<(i64, usize)> {
    let sp = memchr::memchr(b' ', header)?;
    let count = std::str::from_utf8(&header[..sp]).ok()?.parse().ok()?;
    let subtrees = std::str::from_utf8(&header[sp + 1..]).ok()?.parse().ok()?;
    Some((count, subtrees))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// A real index written by git, in the given format version.
    fn real_index(version: &str) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .current_dir(dir.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        git(&["init", "-q"]);
        for i in 0..20 {
            let p = dir.path().join(format!("d{}/sub{}/f{i}.txt", i % 3, i % 2));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, format!("{i}\n")).unwrap();
        }
        git(&["add", "."]);
        git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "x"]);
        git(&["update-index", "--index-version", version]);
        std::fs::write(dir.path().join("d0/new.txt"), "n\n").unwrap();
        git(&["add", "d0/new.txt"]);
        std::fs::read(dir.path().join(".git/index")).unwrap()
    }

    #[test]
    fn reads_entries_and_cache_tree_of_every_version() {
        for version in ["2", "3", "4"] {
            let data = real_index(version);
            let index = parse(&data).unwrap_or_else(|| panic!("version {version} not read"));
            assert_eq!(index.entries.len(), 21, "version {version}");
            let paths: Vec<&[u8]> = index.entries.iter().map(|e| index.path(e)).collect();
            assert!(paths.contains(&&b"d0/new.txt"[..]), "version {version}");
            assert!(paths.windows(2).all(|w| w[0] < w[1]), "sorted, version {version}");
            // d1 was untouched since the commit, so the cache tree still vouches for it;
            // d0 and the root were invalidated by the new file.
            assert!(index.cached_trees.get(b"d1").is_some(), "version {version}");
            assert!(index.cached_trees.get(b"d0").is_none(), "version {version}");
            assert!(index.cached_trees.get(b"").is_none(), "version {version}");
        }
    }

    #[test]
    fn damaged_indexes_are_refused_not_panicked_on() {
        for version in ["2", "4"] {
            let data = real_index(version);
            for len in 0..data.len() {
                let _ = parse(&data[..len]);
            }
            for at in (0..data.len()).step_by(3) {
                let mut bad = data.clone();
                bad[at] ^= 0xa5;
                let _ = parse(&bad);
            }
        }
    }
}
