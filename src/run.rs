//! Wiring: a mode picks its source, the policy picks the checks, the report goes to
//! stdout and the outcome decides the exit status.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use git2::Repository;
use tollgate_config::{LayerSource, Policy};
use tollgate_core::audit::{AuditLog, AuditRecord};
use tollgate_core::report::{Format, Report};
use tollgate_core::source::{commits, files, staged};
use tollgate_core::{Check, Chunk, Outcome, Scanner, Suppressions, Workload};
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
    if let Mode::History { .. } = mode {
        commits::bound_libgit2_for_bulk_reads();
    }
    let repo = open_repository(mode)?;
    let policy = load_policy(repo.as_ref(), common.config.as_deref())?;
    let workload = match mode {
        Mode::Scan { .. } | Mode::History { .. } => Workload::Bulk,
        _ => Workload::Small,
    };
    let scanner = build_scanner_for(checks, &policy, repo.as_ref(), common, workload)?;
    let mut judged = judge(mode, repo.as_ref(), &scanner)?;
    for expired in &policy.expired_allow {
        let until = expired.expires.map(|d| d.to_string()).unwrap_or_default();
        let message = format!("an [[allow]] entry expired on {until} and no longer applies ({})", expired.reason);
        judged.outcome.warn(&expired.source, None, message);
    }
    judged.outcome.sort();
    if let (Some(repo), true) = (repo.as_ref(), policy.audit_log && is_hook(mode)) {
        record_audit(repo, mode, &judged);
    }
    let report = Report {
        tool,
        version: env!("CARGO_PKG_VERSION"),
        mode: mode.name(),
        outcome: &judged.outcome,
        elapsed_ms: started.elapsed().as_millis(),
        notices: judged.notices,
    };
    let color = format == Format::Human && use_color(common);
    let rendered = report.render(format, color);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(rendered.as_bytes());
    let _ = stdout.flush();
    Ok(ExitCode::from(exit_status(&judged.outcome)))
}

/// `tollgate baseline create`: judges history (or the working tree) with every
/// suppression but the baseline itself, and writes the fingerprints found.
pub fn create_baseline(common: &CommonArgs, output: &Path, working_tree: bool, revs: &[String]) -> Result<ExitCode> {
    let repo = Repository::open_from_env().context("not inside a git repository (or it cannot be opened)")?;
    let policy = load_policy(Some(&repo), common.config.as_deref())?;
    let mut without_baseline = policy.clone();
    without_baseline.baseline = None;
    let common = CommonArgs { baseline: None, ..common.clone() };
    let scanner = build_scanner_for(Checks::All, &without_baseline, Some(&repo), &common, Workload::Bulk)?;
    let output = std::path::absolute(output).with_context(|| format!("cannot resolve {}", output.display()))?;
    let (mode, source) = if working_tree {
        // Paths in a baseline are repository-relative, as every other mode reports them.
        let root = repo.workdir().context("a bare repository has no working tree")?;
        std::env::set_current_dir(root).with_context(|| format!("cannot enter {}", root.display()))?;
        (Mode::Scan { paths: vec![".".to_string()] }, "working-tree")
    } else {
        (Mode::History { revs: revs.to_vec() }, "history")
    };
    let judged = judge(&mode, Some(&repo), &scanner)?;
    if !judged.outcome.errors.is_empty() {
        anyhow::bail!("could not judge everything, no baseline written:\n  {}", judged.outcome.errors.join("\n  "));
    }
    let text = tollgate_core::baseline::render(&judged.outcome, source, env!("CARGO_PKG_VERSION"));
    std::fs::write(&output, text).with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!(
        "tollgate: wrote {} fingerprint(s) to {}; apply it with --baseline {} or `baseline = \"...\"` in .tollgate.toml [settings]",
        judged.outcome.findings.len(),
        output.display(),
        output.display()
    );
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// What a mode judged, with what the report and the audit log need besides findings.
#[derive(Default)]
pub struct Judged {
    pub outcome: Outcome,
    /// The tree a pre-commit run judged.
    pub tree: Option<git2::Oid>,
    pub notices: Vec<String>,
}

/// Runs the mode's source through the scanner.
pub fn judge(mode: &Mode, repo: Option<&Repository>, scanner: &Scanner) -> Result<Judged> {
    let need_repo = || repo.with_context(|| format!("{} must run inside a git repository", mode.name()));
    let mut judged = Judged::default();
    match mode {
        Mode::PreCommit { files } => {
            let repo = need_repo()?;
            let staged = staged::staged_changes(repo)?;
            let mut changes = staged.changes;
            changes.retain_paths(&repo_relative(repo, files));
            judged.tree = staged.tree;
            tollgate_core::source::judge_changes(repo, &changes, None, scanner, &mut judged.outcome)?;
        }
        Mode::PrePush { remote, .. } => {
            let repo = need_repo()?;
            let remote = std::env::var("PRE_COMMIT_REMOTE_NAME").ok().or_else(|| remote.clone());
            let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            let updates = match commits::framework_push_range(repo, env)? {
                Some(updates) => updates,
                None => commits::parse_pre_push(&read_stdin()?)?,
            };
            let known = commits::tracking_globs(repo, remote.as_deref());
            let list = commits::commits_to_judge(repo, &updates, &known)?;
            judged.notices = unchecked_notice(repo, &list);
            commits::judge_commits(repo, &list, scanner, &mut judged.outcome)?;
        }
        Mode::PreReceive => {
            let repo = need_repo()?;
            let updates = commits::parse_pre_receive(&read_stdin()?)?;
            // Before the refs move, every ref is what the server already has.
            let list = commits::commits_to_judge(repo, &updates, &["refs/*".to_string()])?;
            commits::judge_commits(repo, &list, scanner, &mut judged.outcome)?;
        }
        Mode::History { revs } => {
            let repo = need_repo()?;
            let list = commits::history_commits(repo, revs)?;
            let progress = commits::Progress::default();
            let done = std::sync::atomic::AtomicBool::new(false);
            judged.outcome = std::thread::scope(|s| {
                if std::io::stderr().is_terminal() {
                    s.spawn(|| show_progress(&progress, list.len(), &done));
                }
                let result = commits::judge_history(repo.path(), &list, scanner, threads(), &progress);
                done.store(true, std::sync::atomic::Ordering::Relaxed);
                result
            })?;
            judged.outcome.commit_ids = list.iter().map(|c| c.to_string()).collect();
        }
        Mode::Scan { paths } => judged.outcome = files::scan_paths(paths, scanner, threads()),
        Mode::CommitMsg { file } => judged.outcome = judge_message(file, scanner)?,
    }
    Ok(judged)
}

fn is_hook(mode: &Mode) -> bool {
    matches!(mode, Mode::PreCommit { .. } | Mode::PrePush { .. } | Mode::PreReceive | Mode::CommitMsg { .. })
}

fn read_stdin() -> Result<String> {
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).context("cannot read the ref updates on stdin")?;
    Ok(input)
}

/// Names the commits of a push that no pre-commit run checked (see
/// [`AuditLog::unchecked_commits`]); they are judged all the same.
fn unchecked_notice(repo: &Repository, list: &[git2::Oid]) -> Vec<String> {
    const SHOWN: usize = 10;
    let unchecked = AuditLog::in_git_dir(repo.commondir()).unchecked_commits(repo, list);
    if unchecked.is_empty() {
        return Vec::new();
    }
    let mut notices = vec![format!(
        "{} of {} commit(s) in this push were not checked by tollgate when they were made \
         (committed with --no-verify, or before tollgate was installed); they are judged now:",
        unchecked.len(),
        list.len()
    )];
    notices.extend(unchecked.iter().take(SHOWN).map(|c| format!("  {c}")));
    if unchecked.len() > SHOWN {
        notices.push(format!("  … and {} more", unchecked.len() - SHOWN));
    }
    notices
}

fn record_audit(repo: &Repository, mode: &Mode, judged: &Judged) {
    let root = repo.workdir().unwrap_or_else(|| repo.path());
    let mut record = AuditRecord::of(mode.name(), root, &judged.outcome, env!("CARGO_PKG_VERSION"));
    record.tree = judged.tree.map(|t| t.to_string());
    let log = AuditLog::in_git_dir(repo.commondir());
    if let Err(e) = log.append(&record) {
        eprintln!("tollgate: warning: cannot write the audit log {}: {e}", log.path().display());
    }
}

fn show_progress(progress: &commits::Progress, commits: usize, done: &std::sync::atomic::AtomicBool) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut stderr = std::io::stderr();
    while !done.load(Relaxed) {
        let (c, b, t) = (
            progress.commits_done.load(Relaxed),
            progress.blobs_done.load(Relaxed),
            progress.blobs_total.load(Relaxed),
        );
        let _ = write!(stderr, "\rhistory: commits {c}/{commits}, blobs judged {b}/{t}    ");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = write!(stderr, "\r\x1b[2K");
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
    if let Some(repo) = repo {
        let file = repo.commondir().join("tollgate").join("policy.toml");
        if file.is_file() {
            layers.push(LayerSource::Personal(file));
        }
    }
    if let Some(p) = explicit {
        layers.push(LayerSource::CommandLine(p.to_path_buf()));
    }
    Ok(layers)
}

/// The policy sections of the checks this binary knows.
pub const CHECK_SECTIONS: &[&str] = &["secrets"];

pub fn load_policy(repo: Option<&Repository>, explicit: Option<&Path>) -> Result<Policy> {
    let layers = policy_layers(repo, explicit)?;
    let (policy, mut errors) = Policy::load_partial(layers, CHECK_SECTIONS);
    if !errors.is_empty() {
        // The checks' sections too: every mistake of the policy in one run.
        if let Err(more) = tollgate_secrets::SecretsConfig::from_policy(&policy) {
            errors.extend(more);
            errors.sort();
        }
        return Err(errors.into());
    }
    Ok(policy)
}

/// The checks a binary runs, with the policy's suppressions and limits, prepared for
/// a hook's small workload.
pub fn build_scanner(
    checks: Checks,
    policy: &Policy,
    repo: Option<&Repository>,
    common: &CommonArgs,
) -> Result<Scanner> {
    build_scanner_for(checks, policy, repo, common, Workload::Small)
}

/// As [`build_scanner`], prepared for `workload` (scans and history search faster with
/// an automaton that takes longer to build).
pub fn build_scanner_for(
    checks: Checks,
    policy: &Policy,
    repo: Option<&Repository>,
    common: &CommonArgs,
    workload: Workload,
) -> Result<Scanner> {
    let list: Vec<Box<dyn Check>> = match checks {
        // `[secrets] enabled = false` switches the check off.
        Checks::Secrets | Checks::All if !policy.check_enabled("secrets") => Vec::new(),
        Checks::Secrets | Checks::All => vec![Box::new(SecretsCheck::for_workload(policy, workload)?)],
    };
    let baseline_path = common.baseline.clone().or_else(|| {
        let rel = policy.baseline.as_ref()?;
        Some(repo.and_then(|r| r.workdir()).map(|w| w.join(rel)).unwrap_or_else(|| rel.clone()))
    });
    let baseline = match baseline_path {
        Some(p) => tollgate_core::baseline::load(&p)?,
        None => HashSet::new(),
    };
    let inline = policy.inline_allow && !common.no_inline_allow;
    let suppressions = Suppressions::new(inline, &policy.allow, baseline).context("invalid [[allow]] path glob")?;
    Ok(Scanner::new(list, suppressions, policy.max_file_bytes))
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
