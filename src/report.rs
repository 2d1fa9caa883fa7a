//! `tollgate report`: finds the log, reads it, hands it to `tollgate-report`, writes
//! what comes back.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tollgate_report::{model::Report, read, time::parse_timestamp, Format};
use tollgate_runner::EXIT_CLEAN;

use crate::cli::{CommonArgs, ReportArgs};

/// Runs the command; exit 0 with a report, or an error (exit 2).
pub fn run(args: &ReportArgs, common: &CommonArgs) -> anyhow::Result<u8> {
    let format: Format = common.format.parse().map_err(anyhow::Error::msg)?;
    let since = match &args.since {
        Some(text) => Some(parse_timestamp(text).with_context(|| {
            format!("--since {text:?} is not a date (YYYY-MM-DD) or an RFC 3339 timestamp (2026-03-01T12:00:00Z)")
        })?),
        None => None,
    };
    let path = match &args.path {
        Some(p) => p.clone(),
        None => repository_log(args.repo.as_deref())?,
    };
    let files = read::discover(&path)?;
    let set = read::read_logs(&files)?;
    // Each line that is not a record is named, compiler-style, whatever follows.
    for bad in &set.malformed {
        eprintln!("{bad}");
    }
    if !set.malformed.is_empty() && !args.lenient {
        bail!(
            "{} line(s) of the audit log are not records (listed above); nothing is reported from a log that \
             does not read. `--lenient` reports the rest and counts them",
            set.malformed.len()
        );
    }
    let set = match since {
        Some(s) => set.since(s),
        None => set,
    };
    let text = format.render(&Report::of(&set, since));
    match &args.output {
        Some(file) => std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is the reader's choice, not a failure.
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).context("cannot write the report");
                }
            }
        }
    }
    Ok(EXIT_CLEAN)
}

/// `<git common dir>/tollgate/audit.jsonl` of the repository at `dir` (default: here).
fn repository_log(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let dir = dir.unwrap_or(Path::new("."));
    let repo = git2::Repository::discover(dir)
        .with_context(|| format!("{} is not in a git repository (give a log file or folder instead)", dir.display()))?;
    let log = repo.commondir().join("tollgate").join("audit.jsonl");
    if !log.exists() {
        bail!(
            "{}: no audit log yet (no tollgate hook has run in this repository, or the policy sets audit_log = false)",
            log.display()
        );
    }
    Ok(log)
}
