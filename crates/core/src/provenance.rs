//! Provenance of added lines: which lines of a change an AI agent wrote.
//!
//! The agent hook sees every Write and Edit before it happens and records, in the audit
//! log, a digest of each line the call adds (never the line). At pre-commit and
//! commit-msg the staged added lines are digested the same way and looked up. A
//! trailer is self-reported and easily dropped; these digests are not.
//!
//! Digests are **keyed**: SHA-256 over a random per-repository key
//! (`<git common dir>/tollgate/provenance.key`, 0600) and the normalised line, cut to 16
//! hex digits. Without the key, the log is no dictionary: a short line (`return None;`,
//! a port number, a password of eight letters) cannot be confirmed by hashing guesses
//! against it. Whoever can read the key can read the working tree anyway.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use git2::Repository;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::change::is_binary;
use crate::source::{added_regions, BlobReader, ChangeSet};

/// The name under which lines the Claude Code agent hook recorded are counted.
pub const CLAUDE_CODE: &str = "claude-code";

/// Lines with fewer non-space characters than this say nothing about who wrote them.
const MIN_CHARS: usize = 4;

/// The line as it is digested: trimmed; `None` for a line that says nothing about
/// authorship (blank, shorter than four non-space characters, or no letter or digit at
/// all, such as `});` or `---`), so that a hand-written brace is not counted as the
/// agent's because the agent once wrote one too.
pub fn normalise(line: &str) -> Option<&str> {
    let line = line.trim();
    let chars = line.chars().filter(|c| !c.is_whitespace()).count();
    if chars < MIN_CHARS || !line.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some(line)
}

/// A repository's provenance key.
#[derive(Clone, PartialEq, Eq)]
pub struct ProvenanceKey([u8; 32]);

impl std::fmt::Debug for ProvenanceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProvenanceKey(..)")
    }
}

/// Why the key could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or create the provenance key {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the provenance key {path} is damaged (expected 64 hex digits); delete it to start a new one")]
    Damaged { path: PathBuf },
}

impl ProvenanceKey {
    /// Where a repository whose common git directory is `git_dir` keeps its key.
    pub fn path_in(git_dir: &Path) -> PathBuf {
        git_dir.join("tollgate").join("provenance.key")
    }

    /// The repository's key, `None` when none was made yet (so no agent line was ever
    /// recorded, and nothing needs digesting).
    pub fn load(git_dir: &Path) -> Result<Option<ProvenanceKey>, KeyError> {
        let path = Self::path_in(git_dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(text.trim()).map(Some).ok_or(KeyError::Damaged { path }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(KeyError::Io { path, source }),
        }
    }

    /// The repository's key, made on first use (readable by its owner only). Two hooks
    /// making it at once agree on one: the file appears whole, by a hard link, or not.
    pub fn load_or_create(git_dir: &Path) -> Result<ProvenanceKey, KeyError> {
        if let Some(key) = Self::load(git_dir)? {
            return Ok(key);
        }
        let path = Self::path_in(git_dir);
        let io = |source| KeyError::Io { path: path.clone(), source };
        let dir = path.parent().expect("the key path has a folder");
        std::fs::create_dir_all(dir).map_err(io)?;
        let key = ProvenanceKey(random_bytes());
        let temporary = dir.join(format!("provenance.key.{}", std::process::id()));
        let written = (|| {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temporary)?;
            file.write_all(key.hex().as_bytes())?;
            file.sync_all()?;
            match std::fs::hard_link(&temporary, &path) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
                _ => Ok(()),
            }
        })();
        let _ = std::fs::remove_file(&temporary);
        written.map_err(io)?;
        // Another hook may have won the race: its key is the one.
        Self::load(git_dir)?.ok_or_else(|| io(std::io::ErrorKind::NotFound.into()))
    }

    fn parse(hex: &str) -> Option<ProvenanceKey> {
        if hex.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(ProvenanceKey(key))
    }

    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The digest of a line as the audit log stores it: 16 hex digits. The line is
    /// normalised first; `None` when it says nothing about authorship.
    pub fn digest(&self, line: &str) -> Option<String> {
        self.digest_value(line).map(|d| format!("{d:016x}"))
    }

    /// The same digest as a number, for lookups.
    fn digest_value(&self, line: &str) -> Option<u64> {
        let line = normalise(line)?;
        let mut hasher = Sha256::new();
        hasher.update(self.0);
        hasher.update(line.as_bytes());
        let out = hasher.finalize();
        Some(u64::from_be_bytes(out[..8].try_into().expect("SHA-256 has 32 bytes")))
    }

    /// The digests of every line of `text` that says something, in order, each once.
    pub fn digests_of_lines(&self, text: &str) -> Vec<String> {
        let mut seen = BTreeSet::new();
        text.lines()
            .filter_map(|l| self.digest_value(l))
            .filter(|d| seen.insert(*d))
            .map(|d| format!("{d:016x}"))
            .collect()
    }
}

/// 32 bytes from the operating system's random source.
fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    let from_os =
        std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes)).is_ok();
    if !from_os {
        // std's hash maps seed their keys from the OS on every platform.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes
}

/// The lines agents wrote, as digests, with the agent that wrote each.
#[derive(Debug, Default, Clone)]
pub struct AgentLines {
    by_digest: HashMap<u64, &'static str, BuildHasherDefault<DigestHasher>>,
}

/// Digests are already uniform (cut from SHA-256): the table uses them as their own
/// hash. A full log holds some 40,000 of them, read on every pre-commit.
#[derive(Debug, Default, Clone, Copy)]
pub struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl AgentLines {
    /// Adds a digest (16 hex digits, as the log holds it); others are ignored.
    pub fn insert(&mut self, digest: &str, agent: &'static str) {
        if let Ok(d) = u64::from_str_radix(digest, 16) {
            self.by_digest.insert(d, agent);
        }
    }

    /// Adds a digest already read as a number.
    pub fn insert_value(&mut self, digest: u64, agent: &'static str) {
        self.by_digest.insert(digest, agent);
    }

    /// Room for `more` digests.
    pub fn reserve(&mut self, more: usize) {
        self.by_digest.reserve(more);
    }

    pub fn is_empty(&self) -> bool {
        self.by_digest.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_digest.len()
    }

    fn agent_of(&self, digest: u64) -> Option<&'static str> {
        self.by_digest.get(&digest).copied()
    }
}

/// How much of a change agents wrote: its added lines (those [`normalise`] keeps) and
/// how many of them an agent's digest matches. The paths holding agent-written lines
/// are kept for the rules that need them, not written to the log.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub added_lines: usize,
    pub agent_lines: usize,
    /// Agent-written lines by agent (`claude-code`).
    #[serde(default)]
    pub agents: BTreeMap<String, usize>,
    #[serde(skip)]
    pub agent_paths: BTreeSet<String>,
}

impl Provenance {
    /// The share of added lines an agent wrote (0 when nothing was added).
    pub fn agent_share(&self) -> f64 {
        if self.added_lines == 0 {
            0.0
        } else {
            self.agent_lines as f64 / self.added_lines as f64
        }
    }

    /// The agent that wrote the most lines.
    pub fn main_agent(&self) -> Option<&str> {
        self.agents.iter().max_by_key(|(_, n)| **n).map(|(a, _)| a.as_str())
    }

    /// Counts the added lines of `added` (text of `path`), matching each against
    /// `known` when there is a key (no key: no agent line was ever recorded).
    pub fn count(&mut self, path: &str, added: &str, key: Option<&ProvenanceKey>, known: &AgentLines) {
        for line in added.lines() {
            let Some(line) = normalise(line) else { continue };
            self.added_lines += 1;
            let Some(key) = key.filter(|_| !known.is_empty()) else { continue };
            let agent = key.digest_value(line).and_then(|d| known.agent_of(d));
            if let Some(agent) = agent {
                self.agent_lines += 1;
                *self.agents.entry(agent.to_string()).or_insert(0) += 1;
                if !self.agent_paths.contains(path) {
                    self.agent_paths.insert(path.to_string());
                }
            }
        }
    }
}

/// The provenance of a staged change: each regular text file's added lines (against
/// its previous content) looked up in `known`.
pub fn of_changes(
    repo: &Repository,
    changes: &ChangeSet,
    key: Option<&ProvenanceKey>,
    known: &AgentLines,
) -> anyhow::Result<Provenance> {
    let mut blobs = BlobReader::new(repo, 0)?;
    let mut provenance = Provenance::default();
    for t in &changes.touched {
        let Some((new_id, mode)) = t.new else { continue };
        if !mode.is_file() {
            continue;
        }
        let context = || format!("reading {} for its provenance", t.path);
        let new = blobs.read(new_id).with_context(context)?;
        if is_binary(&new) {
            continue;
        }
        let old = match t.old {
            Some((old_id, _)) if old_id == new_id => continue,
            Some((old_id, m)) if m.is_file() => Some(blobs.read(old_id).with_context(context)?),
            _ => None,
        };
        match old {
            None => provenance.count(&t.path, &String::from_utf8_lossy(&new), key, known),
            Some(old) => {
                for r in added_regions(&old, &new) {
                    provenance.count(&t.path, &String::from_utf8_lossy(&new[r.start..r.end]), key, known);
                }
            }
        }
    }
    Ok(provenance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_that_say_nothing_are_not_digested() {
        for nothing in ["", "   ", "}", "  });  ", "----", "a b", "{ }", "*/"] {
            assert_eq!(normalise(nothing), None, "{nothing:?}");
        }
        assert_eq!(normalise("   let x = 1;\t"), Some("let x = 1;"));
        assert_eq!(normalise("else"), Some("else"));
    }

    #[test]
    fn digests_are_keyed_and_ignore_indentation() {
        let a = ProvenanceKey([1; 32]);
        let b = ProvenanceKey([2; 32]);
        let d = a.digest("    return value;").unwrap();
        assert_eq!(d.len(), 16);
        assert!(d.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a.digest("return value;\n").as_deref(), Some(d.as_str()));
        assert_ne!(b.digest("return value;").as_deref(), Some(d.as_str()), "another repository, another digest");
        assert_ne!(a.digest("return values;").as_deref(), Some(d.as_str()));
        assert_eq!(a.digest("}"), None);
    }

    #[test]
    fn repeated_lines_are_listed_once() {
        let key = ProvenanceKey([7; 32]);
        let digests = key.digests_of_lines("let a = 1;\n}\nlet a = 1;\nlet b = 2;\n");
        assert_eq!(digests.len(), 2);
    }

    #[test]
    fn the_key_is_made_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert!(ProvenanceKey::load(dir.path()).unwrap().is_none());
        let made = ProvenanceKey::load_or_create(dir.path()).unwrap();
        let again = ProvenanceKey::load_or_create(dir.path()).unwrap();
        assert_eq!(made, again);
        assert_ne!(made, ProvenanceKey::load_or_create(tempfile::tempdir().unwrap().path()).unwrap());
        let path = ProvenanceKey::path_in(dir.path());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary file is left");
        std::fs::write(&path, "not hex").unwrap();
        assert!(matches!(ProvenanceKey::load(dir.path()), Err(KeyError::Damaged { .. })));
        assert!(!format!("{made:?}").contains(&made.hex()), "Debug does not show the key");
    }

    #[test]
    fn counting_matches_known_digests_only() {
        let key = ProvenanceKey([3; 32]);
        let mut known = AgentLines::default();
        for d in key.digests_of_lines("fn agent() {}\nlet from_agent = 2;\n") {
            known.insert(&d, CLAUDE_CODE);
        }
        let mut p = Provenance::default();
        p.count("src/a.rs", "fn agent() {}\n}\nlet by_hand = 3;\n  let from_agent = 2;\n", Some(&key), &known);
        assert_eq!((p.added_lines, p.agent_lines), (3, 2));
        assert_eq!(p.agents[CLAUDE_CODE], 2);
        assert!(p.agent_paths.contains("src/a.rs"));
        assert!((p.agent_share() - 2.0 / 3.0).abs() < 1e-9);
        let mut without_key = Provenance::default();
        without_key.count("src/a.rs", "fn agent() {}\n", None, &known);
        assert_eq!((without_key.added_lines, without_key.agent_lines), (1, 0));
        assert_eq!(Provenance::default().agent_share(), 0.0);
    }
}
