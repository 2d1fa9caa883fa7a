//! Wiring: a mode picks its source, the policy picks the checks, the report goes to
//! stdout and the outcome decides the exit status.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use git2::Repository;
use tollgate_core::report::{Format, Report};
use tollgate_core::source::{files, staged};
use tollgate_core::{Check, Chunk, Outcome, Scanner, Suppressions};
use tollgate_policy::{LayerSource, Policy};
use tollgate_secrets::SecretsCheck;

use crate::cli::{CommonArgs, Mode};

/// Which checks a binary runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// `tollgate-secrets`.
    Secrets,
    /// `tollgate`: every check that exists.
    All,
}

/// Exit statuses of the public interface.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_BLOCKED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Runs one mode and prints its report; returns the exit status.
pub fn run_mode(tool: &str, checks: Checks, mode: &Mode, common: &CommonArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let format: Format = common.format.parse().map_err(anyhow::Error::msg)?;
    let repo = open_repository(mode)?;
    let policy = load_policy(repo.as_ref(), common.config.as_deref())?;
    let scanner = build_scanner(checks, &policy, repo.as_ref(), common)?;
    let mut outcome = match mode {
        Mode::PreCommit { files } => {
            let repo = repo.as_ref().context("pre-commit must run inside a git repository")?;
            let mut changes = staged::staged_changes(repo)?;
            changes.retain_paths(&repo_relative(repo, files));
            let mut out = Outcome::default();
            tollgate_core::source::judge_changes(repo, &changes, None, &scanner, &mut out)?;
            out
        }
        Mode::Scan { paths } => files::scan_paths(paths, &scanner, threads()),
        Mode::CommitMsg { file } => judge_message(file, &scanner)?,
        Mode::PrePush { .. } | Mode::PreReceive | Mode::History { .. } => {
            anyhow::bail!("`{}` is not built yet in this version; see the README's status section", mode.name())
        }
    };
    outcome.sort();
    let report = Report {
        tool,
        version: env!("CARGO_PKG_VERSION"),
        mode: mode.name(),
        outcome: &outcome,
        elapsed_ms: started.elapsed().as_millis(),
        notices: Vec::new(),
    };
    let color = format == Format::Human && use_color(common);
    let rendered = report.render(format, color);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(rendered.as_bytes());
    let _ = stdout.flush();
    Ok(ExitCode::from(exit_status(&outcome)))
}

/// 2 when something could not be judged (fail closed), 1 when a finding blocks, else 0.
pub fn exit_status(outcome: &Outcome) -> u8 {
    if !outcome.errors.is_empty() {
        EXIT_ERROR
    } else if outcome.blocks() {
        EXIT_BLOCKED
    } else {
        EXIT_CLEAN
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

fn use_color(common: &CommonArgs) -> bool {
    !common.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// The repository the mode works on: required for git modes, optional for scan (its
/// `.tollgate.toml` applies when there is one).
fn open_repository(mode: &Mode) -> Result<Option<Repository>> {
    match Repository::open_from_env() {
        Ok(r) => Ok(Some(r)),
        Err(e) => match mode {
            Mode::Scan { .. } | Mode::CommitMsg { .. } => Ok(None),
            _ => Err(e).context("not inside a git repository (or it cannot be opened)"),
        },
    }
}

/// The policy layers in force, in order: organisation, repository, command line.
pub fn policy_layers(repo: Option<&Repository>, explicit: Option<&Path>) -> Result<Vec<LayerSource>> {
    let mut layers = Vec::new();
    let org = match std::env::var_os("TOLLGATE_POLICY").filter(|v| !v.is_empty()) {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            let config = match repo {
                Some(r) => r.config(),
                None => git2::Config::open_default(),
            };
            config.ok().and_then(|c| c.get_path("tollgate.policy").ok())
        }
    };
    if let Some(p) = org {
        layers.push(LayerSource::Organisation(p));
    }
    if let Some(root) = repo.and_then(|r| r.workdir()) {
        let file = root.join(".tollgate.toml");
        if file.is_file() {
            layers.push(LayerSource::Repository(file));
        }
    }
    if let Some(p) = explicit {
        layers.push(LayerSource::CommandLine(p.to_path_buf()));
    }
    Ok(layers)
}

pub fn load_policy(repo: Option<&Repository>, explicit: Option<&Path>) -> Result<Policy> {
    let layers = policy_layers(repo, explicit)?;
    Ok(Policy::load(layers)?)
}

/// The checks a binary runs, with the policy's suppressions and limits.
pub fn build_scanner(
    checks: Checks,
    policy: &Policy,
    repo: Option<&Repository>,
    common: &CommonArgs,
) -> Result<Scanner> {
    let list: Vec<Box<dyn Check>> = match checks {
        Checks::Secrets | Checks::All => vec![Box::new(SecretsCheck::new(policy)?)],
    };
    let baseline_path = common.baseline.clone().or_else(|| {
        let rel = policy.baseline.as_ref()?;
        Some(repo.and_then(|r| r.workdir()).map(|w| w.join(rel)).unwrap_or_else(|| rel.clone()))
    });
    let baseline = match baseline_path {
        Some(p) => load_baseline(&p)?,
        None => HashSet::new(),
    };
    let inline = policy.inline_allow && !common.no_inline_allow;
    let suppressions = Suppressions::new(inline, &policy.allow, baseline).context("invalid [[allow]] path glob")?;
    Ok(Scanner::new(list, suppressions, policy.max_file_bytes))
}

/// Reads the fingerprints of a baseline file.
fn load_baseline(path: &Path) -> Result<HashSet<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read baseline {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}:{}: {}", path.display(), e.line(), e.column(), e))?;
    let entries = value
        .get("findings")
        .and_then(|f| f.as_array())
        .with_context(|| format!("{}: a baseline holds a `findings` array", path.display()))?;
    Ok(entries.iter().filter_map(|e| e.get("fingerprint")?.as_str().map(str::to_string)).collect())
}

/// FILE arguments are relative to the current directory; the index is relative to the
/// repository root.
fn repo_relative(repo: &Repository, files: &[String]) -> Vec<String> {
    let cwd = std::env::current_dir().ok();
    let prefix = match (repo.workdir(), cwd.as_deref()) {
        (Some(w), Some(c)) => {
            c.strip_prefix(w.canonicalize().unwrap_or_else(|_| w.to_path_buf())).ok().map(Path::to_path_buf)
        }
        _ => None,
    };
    files
        .iter()
        .map(|f| {
            let f = f.strip_prefix("./").unwrap_or(f);
            match &prefix {
                Some(p) if !p.as_os_str().is_empty() => p.join(f).to_string_lossy().replace('\\', "/"),
                _ => f.to_string(),
            }
        })
        .collect()
}

/// The commit message, without git's comment lines, judged as one chunk.
fn judge_message(file: &Path, scanner: &Scanner) -> Result<Outcome> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read commit message {}", file.display()))?;
    let text: Vec<u8> = bytes
        .split_inclusive(|&b| b == b'\n')
        .flat_map(|l| if l.starts_with(b"#") { &b"\n"[..] } else { l })
        .copied()
        .collect();
    let mut out = Outcome::default();
    if scanner.admit_content(&text, &mut out) {
        scanner.judge(&Chunk::whole("COMMIT_EDITMSG", text), &mut out);
    }
    Ok(out)
}
