//! pre-commit's FILE arguments as repository paths. A FILE may be spelled any way a
//! shell or a tool hands it over (`./a`, `a//b`, `../sub/a`, absolute, relative to a
//! subdirectory); the index knows only `sub/a`. Normalising is lexical, as git's own
//! pathspecs are: `..` is resolved against the path, not the file system.

use std::path::{Component, Path, PathBuf};

/// Why a FILE argument is not a path in the repository.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileArgError {
    #[error("FILE `{0}` is empty")]
    Empty(String),
    #[error("FILE `{arg}` is outside the repository ({root})")]
    Outside { arg: String, root: String },
}

/// `arg` as a repository-relative path with `/` separators (`""` for the root
/// itself). `cwd` is where the command runs; `roots` are the spellings of the
/// working tree's root (as configured, and canonical), tried in order.
pub fn repository_path(roots: &[&Path], cwd: &Path, arg: &str) -> Result<String, FileArgError> {
    if arg.is_empty() {
        return Err(FileArgError::Empty(arg.to_string()));
    }
    let joined = lexical(&cwd.join(arg));
    for root in roots {
        if let Ok(rest) = joined.strip_prefix(lexical(root)) {
            let parts: Vec<String> = rest.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            return Ok(parts.join("/"));
        }
    }
    Err(FileArgError::Outside {
        arg: arg.to_string(),
        root: roots.first().map(|r| r.display().to_string()).unwrap_or_default(),
    })
}

/// `path` without `.`, empty components or `..` (which removes the component before
/// it; above the root it stays at the root, as the file system does).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(cwd: &str, arg: &str) -> Result<String, FileArgError> {
        repository_path(&[Path::new("/repo")], Path::new(cwd), arg)
    }

    #[test]
    fn every_spelling_of_a_file_is_the_same_repository_path() {
        for (cwd, arg) in [
            ("/repo", "sub/a.py"),
            ("/repo", "./sub/a.py"),
            ("/repo", "sub//a.py"),
            ("/repo", "sub/./a.py"),
            ("/repo", "sub/../sub/a.py"),
            ("/repo", "/repo/sub/a.py"),
            ("/repo/sub", "a.py"),
            ("/repo/sub", "../sub/a.py"),
            ("/repo/other", "../sub/a.py"),
            ("/", "repo/sub/a.py"),
        ] {
            assert_eq!(path(cwd, arg).as_deref(), Ok("sub/a.py"), "{cwd} {arg}");
        }
        assert_eq!(path("/repo", "sub/").as_deref(), Ok("sub"));
        assert_eq!(path("/repo/sub", "..").as_deref(), Ok(""));
    }

    #[test]
    fn paths_outside_the_repository_are_refused() {
        assert!(matches!(path("/repo", "../elsewhere/a.py"), Err(FileArgError::Outside { .. })));
        assert!(matches!(path("/repo", "/repository/a.py"), Err(FileArgError::Outside { .. })));
        assert!(matches!(path("/repo", "/tmp/a.py"), Err(FileArgError::Outside { .. })));
        assert_eq!(path("/repo", ""), Err(FileArgError::Empty(String::new())));
    }

    /// Property: any FILE argument, from any folder, is a clean repository path or a
    /// refusal; never a panic, never `.`, `..` or an empty component in the result.
    #[test]
    fn fuzzed_file_arguments_are_clean_paths_or_refused() {
        let mut state: u64 = 0xf11e_a965;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let pieces = ["a", "sub", ".", "..", "", "/", "//", "repo", "é", " ", "-", "*", "a b", "\\", ".git"];
        let cwds = ["/repo", "/repo/sub", "/", "/elsewhere"];
        for _ in 0..4000 {
            let mut arg = String::new();
            for _ in 0..next() % 8 {
                arg.push_str(pieces[(next() % pieces.len() as u64) as usize]);
                if next() % 2 == 0 {
                    arg.push('/');
                }
            }
            let cwd = cwds[(next() % cwds.len() as u64) as usize];
            match path(cwd, &arg) {
                Ok(p) => {
                    assert!(!p.starts_with('/') && !p.ends_with('/'), "{cwd} {arg:?} -> {p:?}");
                    if !p.is_empty() {
                        assert!(p.split('/').all(|c| !c.is_empty() && c != "." && c != ".."), "{cwd} {arg:?} -> {p:?}");
                    }
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn a_second_spelling_of_the_root_is_tried() {
        let roots = [Path::new("/link/repo"), Path::new("/real/repo")];
        assert_eq!(repository_path(&roots, Path::new("/real/repo/sub"), "a.py").as_deref(), Ok("sub/a.py"));
    }
}
