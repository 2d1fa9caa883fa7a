//! The install record: what an installation changed, so that `uninstall` can put back
//! exactly what was there. It lives in the repository's common git dir
//! (`tollgate/install.json`), or beside a global installation.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::InstallError;

const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub format: u32,
    /// tollgate's hook files, and the hook each one chains (a file that was there).
    #[serde(default)]
    pub hooks: Vec<HookEntry>,
    /// Folders the installation created, in creation order (parents first).
    #[serde(default)]
    pub created_dirs: Vec<PathBuf>,
    /// Configuration keys set, with the whole file before and after, so an unchanged
    /// file is restored byte for byte.
    #[serde(default)]
    pub config: Vec<ConfigEntry>,
    /// Other files rewritten (Claude Code settings), before and after.
    #[serde(default)]
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookEntry {
    pub path: PathBuf,
    /// Where the hook that was there before now lives.
    pub chained: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigEntry {
    pub file: PathBuf,
    pub key: String,
    pub value: String,
    /// The file's content before; `None` when it did not exist.
    pub before: Option<String>,
    /// The file's content after tollgate wrote it.
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: PathBuf,
    pub before: Option<String>,
    pub after: String,
}

impl Default for Record {
    fn default() -> Record {
        Record { format: FORMAT, hooks: Vec::new(), created_dirs: Vec::new(), config: Vec::new(), files: Vec::new() }
    }
}

impl Record {
    /// The record at `path`, or `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Record>, InstallError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(InstallError::io(path, e)),
        };
        let record: Record = serde_json::from_str(&text).map_err(|e| InstallError::Record {
            path: path.to_path_buf(),
            message: format!("line {} column {}: {e}", e.line(), e.column()),
        })?;
        if record.format != FORMAT {
            return Err(InstallError::Record {
                path: path.to_path_buf(),
                message: format!("format {} is not the {FORMAT} this version writes", record.format),
            });
        }
        Ok(Some(record))
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a record serialises");
        s.push('\n');
        s
    }

    pub fn hook(&self, path: &Path) -> Option<&HookEntry> {
        self.hooks.iter().find(|h| h.path == path)
    }

    /// Adds what another planning step recorded, keeping the first entry for a path
    /// (it holds the state from before tollgate was ever installed).
    pub fn absorb(&mut self, other: Record) {
        for h in other.hooks {
            if self.hook(&h.path).is_none() {
                self.hooks.push(h);
            }
        }
        for d in other.created_dirs {
            if !self.created_dirs.contains(&d) {
                self.created_dirs.push(d);
            }
        }
        for c in other.config {
            if !self.config.iter().any(|x| x.file == c.file && x.key == c.key) {
                self.config.push(c);
            }
        }
        for f in other.files {
            match self.files.iter_mut().find(|x| x.path == f.path) {
                Some(existing) => existing.after = f.after,
                None => self.files.push(f),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_absorbs_without_losing_the_first_state() {
        let mut r = Record::default();
        r.hooks.push(HookEntry { path: "/r/.git/hooks/pre-commit".into(), chained: Some("/r/x".into()) });
        r.files.push(FileEntry { path: "/r/.claude/settings.json".into(), before: None, after: "{}".into() });
        let mut later = Record::default();
        later.hooks.push(HookEntry { path: "/r/.git/hooks/pre-commit".into(), chained: None });
        later.files.push(FileEntry {
            path: "/r/.claude/settings.json".into(),
            before: Some("{}".into()),
            after: "{\"a\":1}".into(),
        });
        r.absorb(later);
        assert_eq!(r.hooks.len(), 1);
        assert!(r.hooks[0].chained.is_some());
        assert_eq!(r.files[0].before, None);
        assert_eq!(r.files[0].after, "{\"a\":1}");

        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("install.json");
        assert_eq!(Record::load(&p).unwrap(), None);
        std::fs::write(&p, r.to_json()).unwrap();
        assert_eq!(Record::load(&p).unwrap(), Some(r));
    }

    #[test]
    fn a_damaged_record_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("install.json");
        std::fs::write(&p, "{\"format\": 1, \"surprise\": true}").unwrap();
        let err = Record::load(&p).unwrap_err().to_string();
        assert!(err.contains("install.json") && err.contains("surprise"), "{err}");
    }
}
