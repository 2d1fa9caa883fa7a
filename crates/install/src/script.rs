//! The hook scripts git runs (`hooks/` at the repository root, embedded at build time),
//! filled in with the binary that installs them.

use std::path::Path;

use crate::error::InstallError;

/// The hooks tollgate installs, in the order it installs them.
pub const HOOK_NAMES: [&str; 3] = ["pre-commit", "pre-push", "commit-msg"];

/// What a hook that was already there is renamed to; tollgate's hook runs it first.
pub const CHAINED_SUFFIX: &str = ".tollgate-chained";

/// The line that marks a hook script as tollgate's.
const MARKER: &str = "# tollgate-hook: ";
const BIN_LINE: &str = "installed_bin=''";
const CHAIN_LINE: &str = "chain_repo_hook=no";

fn template(name: &str) -> Option<&'static str> {
    match name {
        "pre-commit" => Some(include_str!("../../../hooks/pre-commit")),
        "pre-push" => Some(include_str!("../../../hooks/pre-push")),
        "commit-msg" => Some(include_str!("../../../hooks/commit-msg")),
        _ => None,
    }
}

/// The script for hook `name`, calling `binary` when it exists (else `tollgate` on
/// PATH). `chain_repo_hook` is for a global hooks folder: it also runs the
/// repository's own `.git/hooks/NAME`, which `core.hooksPath` would otherwise shadow.
pub fn render(name: &str, binary: &Path, chain_repo_hook: bool) -> Result<String, InstallError> {
    let text = template(name).unwrap_or_else(|| panic!("no hook script for {name}"));
    let binary = binary.to_str().ok_or_else(|| InstallError::NotUtf8(binary.to_path_buf()))?;
    let mut out = String::with_capacity(text.len() + binary.len());
    for line in text.split_inclusive('\n') {
        match line.trim_end() {
            BIN_LINE => {
                out.push_str("installed_bin=");
                out.push_str(&shell_quote(binary));
                out.push('\n');
            }
            CHAIN_LINE if chain_repo_hook => out.push_str("chain_repo_hook=yes\n"),
            _ => out.push_str(line),
        }
    }
    Ok(out)
}

/// Whether a hook file is one of tollgate's scripts.
pub fn is_tollgate_hook(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').take(5).any(|l| l.starts_with(MARKER.as_bytes()))
}

/// The binary a tollgate hook script was installed with, if it names one.
pub fn recorded_binary(script: &str) -> Option<String> {
    let value = script.lines().find_map(|l| l.strip_prefix("installed_bin="))?;
    let unquoted = shell_unquote(value)?;
    (!unquoted.is_empty()).then_some(unquoted)
}

/// Whether a tollgate hook script runs the repository's own hook too (global install).
pub fn chains_repo_hook(script: &str) -> bool {
    script.lines().any(|l| l == "chain_repo_hook=yes")
}

/// `s` as one single-quoted shell word.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The inverse of [`shell_quote`] (single-quoted words and `\'` between them only).
fn shell_unquote(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("\\'") {
            out.push('\'');
            rest = r;
        } else if let Some(r) = rest.strip_prefix('\'') {
            let end = r.find('\'')?;
            out.push_str(&r[..end]);
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn every_script_is_marked_and_has_the_lines_install_fills_in() {
        for name in HOOK_NAMES {
            let text = template(name).unwrap();
            assert!(text.starts_with("#!/bin/sh\n"), "{name}");
            assert!(is_tollgate_hook(text.as_bytes()), "{name} lacks the marker");
            assert_eq!(text.lines().filter(|l| *l == BIN_LINE).count(), 1, "{name}");
            assert_eq!(text.lines().filter(|l| *l == CHAIN_LINE).count(), 1, "{name}");
            assert!(text.contains(&format!("hook {name} ")), "{name} does not run `tollgate hook {name}`");
        }
    }

    #[test]
    fn render_fills_in_a_quoted_binary() {
        let bin = Path::new("/opt/it's here/bin/tollgate");
        let text = render("pre-commit", bin, false).unwrap();
        assert_eq!(recorded_binary(&text).as_deref(), bin.to_str());
        assert!(!chains_repo_hook(&text));
        assert!(chains_repo_hook(&render("pre-push", bin, true).unwrap()));
        // The shell reads back the same path.
        let line = text.lines().find(|l| l.starts_with("installed_bin=")).unwrap();
        let out = Command::new("sh").arg("-c").arg(format!("{line}; printf %s \"$installed_bin\"")).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), bin.to_str().unwrap());
    }

    #[test]
    fn rendered_scripts_parse() {
        for name in HOOK_NAMES {
            let text = render(name, Path::new("/usr/local/bin/tollgate"), true).unwrap();
            let out = Command::new("sh").arg("-n").arg("-c").arg(&text).output().unwrap();
            assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }

    #[test]
    fn foreign_hooks_are_not_ours() {
        assert!(!is_tollgate_hook(b"#!/bin/sh\nexec tollgate-secrets pre-commit\n"));
        assert!(!is_tollgate_hook(b""));
        assert_eq!(recorded_binary("#!/bin/sh\ninstalled_bin=''\n"), None);
    }
}
