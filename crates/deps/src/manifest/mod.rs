//! Readers for the manifest and lock files of crates.io, npm, PyPI and Go: each returns
//! every dependency its file declares, in the shared [`Dependency`] model, with the line
//! it is declared on. Files are judged one at a time and never followed: a requirements
//! file's `-r other.txt` is returned as an [`Include`], not read.

mod bun;
mod cargo;
mod go;
mod npm;
mod pnpm;
mod python;
mod requirements;
mod text;
mod yarn;

use crate::model::{Dependency, Ecosystem};

/// The formats tollgate reads, told apart by file name ([`FileKind::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    CargoToml,
    CargoLock,
    PackageJson,
    /// `package-lock.json` and `npm-shrinkwrap.json` (the same format).
    PackageLock,
    /// Yarn classic (v1) and berry (v2+, YAML) alike.
    YarnLock,
    PnpmLock,
    BunLock,
    /// `requirements*.txt`, `*.in` and `constraints*.txt`.
    Requirements,
    Pyproject,
    PoetryLock,
    UvLock,
    PipfileLock,
    /// PEP 751 `pylock.toml` and `pylock.<name>.toml`.
    Pylock,
    GoMod,
    GoSum,
}

/// Every path some reader takes, as globs for a check's `Wants`. They admit at least
/// every path [`FileKind::of`] recognises.
pub const GLOBS: &[&str] = &[
    "**/Cargo.toml",
    "**/Cargo.lock",
    "**/package.json",
    "**/package-lock.json",
    "**/npm-shrinkwrap.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/bun.lock",
    "**/*requirements*.txt",
    "**/*requirements*.in",
    "**/constraints*.txt",
    "**/constraints*.in",
    "**/requirements/*.txt",
    "**/requirements/*.in",
    "**/pyproject.toml",
    "**/poetry.lock",
    "**/uv.lock",
    "**/Pipfile.lock",
    "**/pylock.toml",
    "**/pylock.*.toml",
    "**/go.mod",
    "**/go.sum",
];

impl FileKind {
    /// The format of a repository path (`/`-separated), by its file name. `*.in` files
    /// count only when named like requirements (`requirements-dev.in`, or inside a
    /// `requirements/` directory): `MANIFEST.in` and `Makefile.in` are not requirements.
    pub fn of(path: &str) -> Option<FileKind> {
        let (parent, name) = match path.rsplit_once('/') {
            Some((parent, name)) => (parent.rsplit('/').next().unwrap_or(parent), name),
            None => ("", path),
        };
        let kind = match name {
            "Cargo.toml" => FileKind::CargoToml,
            "Cargo.lock" => FileKind::CargoLock,
            "package.json" => FileKind::PackageJson,
            "package-lock.json" | "npm-shrinkwrap.json" => FileKind::PackageLock,
            "yarn.lock" => FileKind::YarnLock,
            "pnpm-lock.yaml" => FileKind::PnpmLock,
            "bun.lock" => FileKind::BunLock,
            "pyproject.toml" => FileKind::Pyproject,
            "poetry.lock" => FileKind::PoetryLock,
            "uv.lock" => FileKind::UvLock,
            "Pipfile.lock" => FileKind::PipfileLock,
            "pylock.toml" => FileKind::Pylock,
            "go.mod" => FileKind::GoMod,
            "go.sum" => FileKind::GoSum,
            _ if name.starts_with("pylock.") && name.ends_with(".toml") => FileKind::Pylock,
            _ if is_requirements_name(parent, name) => FileKind::Requirements,
            _ => return None,
        };
        Some(kind)
    }

    /// Whether the file resolves versions (transitive entries included) rather than
    /// declaring what the project asks for.
    pub fn is_lock(self) -> bool {
        matches!(
            self,
            FileKind::CargoLock
                | FileKind::PackageLock
                | FileKind::YarnLock
                | FileKind::PnpmLock
                | FileKind::BunLock
                | FileKind::PoetryLock
                | FileKind::UvLock
                | FileKind::PipfileLock
                | FileKind::Pylock
                | FileKind::GoSum
        )
    }

    pub fn ecosystem(self) -> Ecosystem {
        match self {
            FileKind::CargoToml | FileKind::CargoLock => Ecosystem::CratesIo,
            FileKind::PackageJson
            | FileKind::PackageLock
            | FileKind::YarnLock
            | FileKind::PnpmLock
            | FileKind::BunLock => Ecosystem::Npm,
            FileKind::Requirements
            | FileKind::Pyproject
            | FileKind::PoetryLock
            | FileKind::UvLock
            | FileKind::PipfileLock
            | FileKind::Pylock => Ecosystem::PyPI,
            FileKind::GoMod | FileKind::GoSum => Ecosystem::Go,
        }
    }
}

fn is_requirements_name(parent: &str, name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".txt").or_else(|| name.strip_suffix(".in")) else {
        return false;
    };
    parent == "requirements" || stem.contains("requirements") || stem.starts_with("constraints")
}

/// What one file declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub dependencies: Vec<Dependency>,
    /// Other files a requirements file pulls in (`-r`, `-c`), not followed.
    pub includes: Vec<Include>,
    /// Indices into `dependencies` of Cargo entries with `workspace = true`: their
    /// version and source come from the workspace root's `[workspace.dependencies]`.
    /// When this same file declares the name there, the entry already carries that
    /// requirement and source; otherwise it says [`crate::Requirement::Any`].
    pub workspace_inherited: Vec<usize>,
}

/// A `-r`/`--requirement` or `-c`/`--constraint` line of a requirements file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The path as written, relative to the including file's directory.
    pub path: String,
    /// `-c`: the file constrains versions but adds no requirement.
    pub constraints: bool,
    pub line: u32,
}

/// A file that is not what its name says, with the 1-based position of the problem
/// (`0:0` when the parser could not tell one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl ParseError {
    pub(crate) fn at(line: u32, column: u32, message: impl Into<String>) -> ParseError {
        ParseError { line, column, message: message.into() }
    }
}

/// Reads the manifest or lock file at `path` (its name picks the format).
pub fn parse(path: &str, text: &[u8]) -> Result<Parsed, ParseError> {
    let kind = FileKind::of(path)
        .ok_or_else(|| ParseError::at(0, 0, format!("{path}: not a manifest or lock file tollgate reads")))?;
    parse_kind(kind, text)
}

/// Reads `text` as a file of `kind`.
pub fn parse_kind(kind: FileKind, text: &[u8]) -> Result<Parsed, ParseError> {
    let text = text::utf8(text)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(Parsed::default());
    }
    let lines = text::Lines::new(text);
    match kind {
        FileKind::CargoToml => cargo::manifest(&lines),
        FileKind::CargoLock => cargo::lock(&lines),
        FileKind::PackageJson => npm::package_json(&lines),
        FileKind::PackageLock => npm::package_lock(&lines),
        FileKind::YarnLock => yarn::lock(&lines),
        FileKind::PnpmLock => pnpm::lock(&lines),
        FileKind::BunLock => bun::lock(&lines),
        FileKind::Requirements => requirements::parse(&lines),
        FileKind::Pyproject => python::pyproject(&lines),
        FileKind::PoetryLock => python::poetry_lock(&lines),
        FileKind::UvLock => python::uv_lock(&lines),
        FileKind::PipfileLock => python::pipfile_lock(&lines),
        FileKind::Pylock => python::pylock(&lines),
        FileKind::GoMod => go::go_mod(&lines),
        FileKind::GoSum => go::go_sum(&lines),
    }
}

/// Only dependencies: for callers that have no use for includes.
pub(crate) fn deps_only(dependencies: Vec<Dependency>) -> Result<Parsed, ParseError> {
    Ok(Parsed { dependencies, ..Parsed::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_pick_the_format() {
        assert_eq!(FileKind::of("Cargo.toml"), Some(FileKind::CargoToml));
        assert_eq!(FileKind::of("web/npm-shrinkwrap.json"), Some(FileKind::PackageLock));
        assert_eq!(FileKind::of("requirements-dev.txt"), Some(FileKind::Requirements));
        assert_eq!(FileKind::of("py/dev-requirements.in"), Some(FileKind::Requirements));
        assert_eq!(FileKind::of("requirements/base.in"), Some(FileKind::Requirements));
        assert_eq!(FileKind::of("constraints.txt"), Some(FileKind::Requirements));
        assert_eq!(FileKind::of("pylock.dev.toml"), Some(FileKind::Pylock));
        assert_eq!(FileKind::of("MANIFEST.in"), None);
        assert_eq!(FileKind::of("docs/notes.txt"), None);
        assert_eq!(FileKind::of("src/cargo.toml"), None);
        assert!(FileKind::GoSum.is_lock() && !FileKind::GoMod.is_lock());
        assert_eq!(FileKind::UvLock.ecosystem(), Ecosystem::PyPI);
    }

    #[test]
    fn globs_admit_every_recognised_path() {
        let mut builder = globset::GlobSetBuilder::new();
        for glob in GLOBS {
            builder.add(globset::Glob::new(glob).unwrap());
        }
        let globs = builder.build().unwrap();
        for path in [
            "Cargo.toml",
            "a/b/Cargo.lock",
            "package.json",
            "x/package-lock.json",
            "npm-shrinkwrap.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "bun.lock",
            "requirements.txt",
            "svc/requirements-dev.in",
            "test-requirements.txt",
            "requirements/base.txt",
            "py/requirements/dev.in",
            "constraints.txt",
            "pyproject.toml",
            "poetry.lock",
            "uv.lock",
            "Pipfile.lock",
            "pylock.toml",
            "pylock.dev.toml",
            "go.mod",
            "m/go.sum",
        ] {
            assert!(FileKind::of(path).is_some(), "{path}");
            assert!(globs.is_match(path), "{path}");
        }
    }

    #[test]
    fn errors_read_line_colon_column() {
        let error = ParseError::at(3, 7, "expected a value");
        assert_eq!(error.to_string(), "3:7: expected a value");
        let error = parse("package.json", b"{\"a\": \xff}").unwrap_err();
        assert_eq!(error.to_string(), "1:7: invalid UTF-8");
        assert!(parse("README.md", b"").is_err());
        assert_eq!(parse("package-lock.json", b"  \n").unwrap(), Parsed::default());
    }
}
