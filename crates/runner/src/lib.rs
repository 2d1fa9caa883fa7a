//! tollgate's runs: the registry of checks ([`registry`]), and the wiring from a mode
//! (pre-commit, commit-msg, pre-push, pre-receive, scan, history) to its source, the
//! checks the policy enables, the report and the exit status. Every binary — the
//! umbrella `tollgate` and each `tollgate-<check>` — is a thin command line over
//! [`run_mode`].
//!
//! ```no_run
//! use tollgate_runner::{registry::{Selection, REGISTRY}, run_mode, Mode, Options};
//!
//! let status = run_mode(REGISTRY, "tollgate-secrets", Selection::Only("secrets"),
//!     &Mode::Scan { paths: vec![".".into()] }, &Options::default()).unwrap();
//! std::process::exit(status.into());
//! ```

mod error;
pub mod file_args;
pub mod layers;
pub mod policy_commands;
pub mod registry;
pub mod remote_tips;
pub mod weakening;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use git2::Repository;
use tollgate_config::Policy;
use tollgate_core::audit::{AuditLog, AuditRecord};
use tollgate_core::provenance::{self, Provenance, ProvenanceKey};
use tollgate_core::report::{Format, Report};
use tollgate_core::source::{commits, files, message, staged};
use tollgate_core::{ChangeContext, Check, Outcome, Scanner, Suppressions, Workload};

pub use error::RunError;
pub use layers::{load_policy, policy_layers, PolicyOrigin};
use registry::{CheckEntry, Selection};

/// Exit statuses of the public interface.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_BLOCKED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// What a run judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The staged changes; with FILEs, only those.
    PreCommit { files: Vec<String> },
    /// Every commit the remote lacks (git's pre-push protocol on stdin).
    PrePush { remote: Option<String>, url: Option<String> },
    /// Server side: `<old> <new> <ref>` lines on stdin.
    PreReceive,
    /// The message being written, with the staged change it describes.
    CommitMsg { file: PathBuf },
    /// Files and folders on disk; `-` reads stdin.
    Scan { paths: Vec<String> },
    /// Every commit reachable from the revisions (default: all refs).
    History { revs: Vec<String> },
}

impl Mode {
    pub fn name(&self) -> &'static str {
        match self {
            Mode::PreCommit { .. } => "pre-commit",
            Mode::PrePush { .. } => "pre-push",
            Mode::PreReceive => "pre-receive",
            Mode::CommitMsg { .. } => "commit-msg",
            Mode::Scan { .. } => "scan",
            Mode::History { .. } => "history",
        }
    }

    /// Modes run by git hooks (recorded in the audit log).
    pub fn is_hook(&self) -> bool {
        matches!(self, Mode::PreCommit { .. } | Mode::PrePush { .. } | Mode::PreReceive | Mode::CommitMsg { .. })
    }

    /// Modes that see everything there is (an unused exception means something there).
    pub fn is_full_scan(&self) -> bool {
        matches!(self, Mode::Scan { .. } | Mode::History { .. })
    }

    fn workload(&self) -> Workload {
        if self.is_full_scan() {
            Workload::Bulk
        } else {
            Workload::Small
        }
    }
}

/// Options every mode takes.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// A policy file applied on top of the others.
    pub config: Option<PathBuf>,
    /// Fingerprints of accepted findings.
    pub baseline: Option<PathBuf>,
    /// Colour in the human report.
    pub color: bool,
    /// Ignore `tollgate:allow` markers in code.
    pub no_inline_allow: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { format: Format::Human, config: None, baseline: None, color: false, no_inline_allow: false }
    }
}

/// Runs one mode, prints its report on stdout and returns the exit status.
pub fn run_mode(
    registry: &[CheckEntry],
    tool: &str,
    selection: Selection,
    mode: &Mode,
    options: &Options,
) -> Result<u8, RunError> {
    let started = Instant::now();
    prepare_libgit2(mode);
    let repo = open_repository(mode)?;
    // A push's ref updates decide where its policy comes from, so they are read first.
    let input = match mode {
        Mode::PrePush { .. } | Mode::PreReceive => read_input(&mut std::io::stdin().lock())?,
        _ => String::new(),
    };
    let origin = match (mode, repo.as_ref()) {
        (Mode::PreCommit { .. } | Mode::CommitMsg { .. }, Some(r)) if !r.is_bare() => PolicyOrigin::Index,
        (Mode::PrePush { .. }, Some(r)) => match push_updates(r, &input)?.iter().find_map(|u| u.new) {
            Some(tip) => PolicyOrigin::Commit(peel_commit(r, tip)?),
            None => PolicyOrigin::Index,
        },
        _ => PolicyOrigin::WorkingTree,
    };
    let policy = layers::load_policy_from(registry, repo.as_ref(), options.config.as_deref(), origin)?;
    let scanner = build_scanner(registry, selection, &policy, repo.as_ref(), options, mode.workload())?;
    let extras = Extras::for_run(mode, repo.as_ref(), &policy, selection);
    let mut judged = match mode {
        Mode::PrePush { .. } | Mode::PreReceive => {
            judge_with(mode, repo.as_ref(), &scanner, &extras, &mut input.as_bytes())?
        }
        _ => judge_with(mode, repo.as_ref(), &scanner, &extras, &mut std::io::stdin().lock())?,
    };
    if let (Some(repo), PolicyOrigin::Index | PolicyOrigin::Commit(_)) = (repo.as_ref(), origin) {
        if matches!(mode, Mode::PreCommit { .. } | Mode::PrePush { .. }) {
            report_weakening(registry, repo, origin, &policy, &mut judged)?;
        }
    }
    if let Selection::Only(name) = selection {
        if !policy.check_enabled(name) {
            judged.notices.push(format!("the {name} check is switched off by the policy (`[{name}] enabled = false`)"));
        }
    }
    if let Some(path) = baseline_path(&policy, repo.as_ref(), options) {
        if tollgate_core::baseline::predates_slow_fingerprints(&path) {
            judged.notices.push(format!(
                "{} was made before guessable secrets got slow fingerprints: its entries for short or \
                 regular values no longer match; make it again with `tollgate baseline create`",
                path.display()
            ));
        }
    }
    for expired in &policy.expired_allow {
        let until = expired.expires.map(|d| d.to_string()).unwrap_or_default();
        let message = format!("an [[allow]] entry expired on {until} and no longer applies ({})", expired.reason);
        judged.outcome.warn(&expired.source, None, message);
    }
    if let Some(owners) = repo.as_ref().and_then(code_owners) {
        for f in judged.outcome.findings.iter_mut().filter(|f| !f.path.is_empty()) {
            f.owners = owners.owners(&f.path).to_vec();
        }
    }
    if mode.is_full_scan() && judged.outcome.errors.is_empty() {
        judged.outcome.warnings.extend(scanner.unused_allow_warnings());
    }
    judged.outcome.sort();
    if let (Some(repo), true) = (repo.as_ref(), policy.audit_log && mode.is_hook()) {
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
    let color = options.format == Format::Human && options.color && std::io::stdout().is_terminal();
    let rendered = report.render(options.format, color);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(rendered.as_bytes());
    let _ = stdout.flush();
    Ok(exit_status(&judged.outcome))
}

/// The repository's CODEOWNERS (the first of GitHub's locations that exists): from the
/// working tree, or from HEAD in a bare repository (a server).
fn code_owners(repo: &Repository) -> Option<tollgate_core::codeowners::CodeOwners> {
    use tollgate_core::codeowners::{CodeOwners, LOCATIONS};
    let text = match repo.workdir() {
        Some(root) => LOCATIONS.iter().find_map(|l| std::fs::read_to_string(root.join(l)).ok())?,
        None => {
            let tree = repo.head().ok()?.peel_to_tree().ok()?;
            LOCATIONS.iter().find_map(|l| {
                let entry = tree.get_path(Path::new(l)).ok()?;
                let blob = repo.find_blob(entry.id()).ok()?;
                Some(String::from_utf8_lossy(blob.content()).into_owned())
            })?
        }
    };
    Some(CodeOwners::parse(&text).0)
}

/// Process-wide libgit2 settings, made once before any repository is opened.
fn prepare_libgit2(mode: &Mode) {
    commits::skip_hash_verification_on_read();
    if mode.is_full_scan() {
        // SAFETY: called at the start of the run, before this process opens a
        // repository or starts a thread that uses libgit2.
        unsafe { commits::bound_libgit2_for_bulk_reads() };
    }
}

/// `tollgate baseline create`: judges history (or the working tree) with every
/// suppression but the baseline itself, and writes the fingerprints found. Returns the
/// number written.
pub fn create_baseline(
    registry: &[CheckEntry],
    options: &Options,
    output: &Path,
    working_tree: bool,
    revs: &[String],
) -> Result<usize, RunError> {
    let mode =
        if working_tree { Mode::Scan { paths: vec![".".to_string()] } } else { Mode::History { revs: revs.to_vec() } };
    prepare_libgit2(&mode);
    let repo = Repository::open_from_env().map_err(|source| RunError::NoRepository { mode: "baseline", source })?;
    let mut policy = load_policy(registry, Some(&repo), options.config.as_deref())?;
    policy.baseline = None;
    let options = Options { baseline: None, ..options.clone() };
    let scanner = build_scanner(registry, Selection::All, &policy, Some(&repo), &options, Workload::Bulk)?;
    let output =
        std::path::absolute(output).map_err(|source| RunError::Read { what: output.display().to_string(), source })?;
    let source = if working_tree {
        // Paths in a baseline are repository-relative, as every other mode reports them.
        let root = repo.workdir().ok_or_else(|| RunError::Usage("a bare repository has no working tree".into()))?;
        std::env::set_current_dir(root)
            .map_err(|source| RunError::Read { what: root.display().to_string(), source })?;
        "working-tree"
    } else {
        "history"
    };
    let judged = judge(&mode, Some(&repo), &scanner, &mut std::io::empty())?;
    if !judged.outcome.errors.is_empty() {
        return Err(RunError::Baseline(format!(
            "could not judge everything, no baseline written:\n  {}",
            judged.outcome.errors.join("\n  ")
        )));
    }
    let text = tollgate_core::baseline::render(&judged.outcome, source, env!("CARGO_PKG_VERSION"));
    std::fs::write(&output, text).map_err(|e| RunError::Baseline(format!("cannot write {}: {e}", output.display())))?;
    Ok(judged.outcome.findings.len())
}

/// What a mode judged, with what the report and the audit log need besides findings.
#[derive(Default)]
pub struct Judged {
    pub outcome: Outcome,
    /// The tree a pre-commit run judged.
    pub tree: Option<git2::Oid>,
    pub notices: Vec<String>,
    /// Pre-commit and commit-msg: how many staged added lines an agent wrote.
    pub provenance: Option<Arc<Provenance>>,
    /// Pre-push: commits made without a local check (full ids).
    pub unchecked_commits: Vec<String>,
    /// Pre-commit: `[[allow]]` and baseline entries the change adds, by kind.
    pub suppressions_added: BTreeMap<String, usize>,
}

/// What a run works out besides the checks' findings.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Compute the provenance of the staged added lines (pre-commit, commit-msg).
    pub provenance: bool,
    /// `[policy.ai]` when the policy check runs and could owe a trailer (commit-msg).
    pub ai: Option<tollgate_policy::config::AiPolicy>,
    /// The baseline file, repository-relative, to count the entries a change adds.
    pub baseline: Option<String>,
}

impl Extras {
    /// Provenance is worked out when the audit log records it, or when the agent hook
    /// has recorded lines (its key exists) that a policy may ask about.
    pub fn for_run(mode: &Mode, repo: Option<&Repository>, policy: &Policy, selection: Selection) -> Extras {
        let Some(repo) = repo.filter(|r| !r.is_bare()) else { return Extras::default() };
        let staged = matches!(mode, Mode::PreCommit { .. } | Mode::CommitMsg { .. });
        let key_exists = || ProvenanceKey::path_in(repo.commondir()).exists();
        let provenance = staged && (policy.audit_log || key_exists());
        let policy_check = match selection {
            Selection::All => policy.check_enabled(tollgate_policy::NAME),
            Selection::Only(name) => name == tollgate_policy::NAME && policy.check_enabled(name),
        };
        let ai = if provenance && policy_check && matches!(mode, Mode::CommitMsg { .. }) {
            // A policy that does not load failed the run already, when the scanner was built.
            tollgate_policy::PolicyConfig::from_policy(policy).ok().map(|c| c.ai)
        } else {
            None
        };
        let baseline = policy.baseline.as_ref().map(|b| b.to_string_lossy().replace('\\', "/"));
        Extras { provenance, ai, baseline }
    }
}

/// Runs the mode's source through the scanner, then each check's end-of-run work.
/// `input` is what git writes on the hook's stdin (the ref updates of pre-push and
/// pre-receive).
pub fn judge(
    mode: &Mode,
    repo: Option<&Repository>,
    scanner: &Scanner,
    input: &mut dyn std::io::Read,
) -> Result<Judged, RunError> {
    judge_with(mode, repo, scanner, &Extras::default(), input)
}

/// [`judge`], working out the [`Extras`] asked for too.
pub fn judge_with(
    mode: &Mode,
    repo: Option<&Repository>,
    scanner: &Scanner,
    extras: &Extras,
    input: &mut dyn std::io::Read,
) -> Result<Judged, RunError> {
    let need_repo = || {
        repo.ok_or_else(|| RunError::NoRepository {
            mode: mode.name(),
            source: git2::Error::from_str("no repository here"),
        })
    };
    let mut judged = Judged::default();
    match mode {
        Mode::PreCommit { files } => {
            let repo = need_repo()?;
            let staged = staged::staged_changes(repo)?;
            let mut changes = staged.changes;
            let wanted = repository_paths(repo, files)?;
            let unmatched = changes.retain_paths(&wanted);
            if !unmatched.is_empty() {
                let named: Vec<String> = wanted
                    .iter()
                    .zip(files)
                    .filter(|(path, _)| unmatched.contains(path))
                    .map(|(_, arg)| format!("`{arg}`"))
                    .collect();
                return Err(RunError::Usage(format!(
                    "FILE {} matches nothing staged: stage it (`git add`) or leave it out",
                    named.join(", ")
                )));
            }
            judged.tree = staged.tree;
            if extras.provenance {
                judged.provenance = Some(Arc::new(staged_provenance(repo, &changes)?));
            }
            judged.suppressions_added = allow_entries_added(repo, &changes, extras.baseline.as_deref());
            let context = ChangeContext {
                commit: None,
                message: None,
                paths: changes.path_changes(),
                provenance: judged.provenance.clone(),
            };
            tollgate_core::source::judge_changes(repo, &changes, &context, scanner, threads(), &mut judged.outcome)?;
        }
        Mode::CommitMsg { file } => {
            let cleanup = match repo {
                Some(r) => r.config().map(|c| message::Cleanup::from_config(&c)).unwrap_or_default(),
                None => git2::Config::open_default().map(|c| message::Cleanup::from_config(&c)).unwrap_or_default(),
            };
            let read = || {
                message::read_message(file, &cleanup)
                    .map_err(|source| RunError::Read { what: format!("commit message {}", file.display()), source })
            };
            let mut message = read()?;
            // The staged change the message describes: its paths, for rules on the change
            // as a whole, and who wrote its lines. Its content was judged by pre-commit.
            let changes = match repo {
                Some(r) if !r.is_bare() => staged::staged_changes(r)?.changes,
                _ => Default::default(),
            };
            if let (Some(repo), true) = (repo, extras.provenance) {
                judged.provenance = Some(Arc::new(staged_provenance(repo, &changes)?));
            }
            let mut context = ChangeContext {
                commit: None,
                message: None,
                paths: changes.path_changes(),
                provenance: judged.provenance.clone(),
            };
            let owed = extras
                .ai
                .as_ref()
                .filter(|ai| ai.add_trailer)
                .and_then(|ai| tollgate_policy::ai_trailer::owed_trailer(ai, &context, &message));
            if let Some(owed) = owed {
                match add_trailer(file, &owed.trailer) {
                    Ok(()) => {
                        judged.notices.push(format!(
                            "{}: tollgate added `{}` to the message",
                            owed.describe(),
                            owed.trailer
                        ));
                        message = read()?;
                    }
                    Err(e) => judged.notices.push(format!("could not add `{}` to the message: {e}", owed.trailer)),
                }
            }
            context.message = Some(Arc::new(message));
            scanner.judge_change(&context, &mut judged.outcome);
        }
        Mode::PrePush { remote, url } => {
            let repo = need_repo()?;
            let remote = std::env::var("PRE_COMMIT_REMOTE_NAME").ok().or_else(|| remote.clone());
            let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            let updates = push_updates(repo, &read_input(input)?)?;
            let url = env("PRE_COMMIT_REMOTE_URL").or_else(|| url.clone()).or_else(|| remote.clone());
            let (known, fallback) = match url.as_deref().map(|u| (u, remote_tips::advertised_commits(repo, u))) {
                Some((_, Ok(tips))) => (tips, None),
                Some((u, Err(why))) => (Vec::new(), Some(format!("cannot list the refs of {u} ({why})"))),
                None => (Vec::new(), Some("the push names no remote to list the refs of".to_string())),
            };
            let list = commits::commits_to_judge(repo, &updates, &[], &known)?;
            if let Some(why) = fallback {
                judged.notices.push(format!(
                    "{why}: judging every commit not under the old tips git gave (tracking refs are not trusted)"
                ));
            }
            judged.unchecked_commits = AuditLog::in_git_dir(repo.commondir()).unchecked_commit_ids(repo, &list);
            judged.notices.extend(unchecked_notice(repo, &judged.unchecked_commits, list.len()));
            commits::judge_commits(repo, &list, scanner, &mut judged.outcome)?;
        }
        Mode::PreReceive => {
            let repo = need_repo()?;
            let updates = commits::parse_pre_receive(&read_input(input)?)?;
            // Before the refs move, every ref is what the server already has.
            let list = commits::commits_to_judge(repo, &updates, &["refs/*".to_string()], &[])?;
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
        Mode::Scan { paths } => {
            if paths.iter().any(|p| p == "-") {
                let mut bytes = Vec::new();
                input.read_to_end(&mut bytes).map_err(|source| RunError::Read { what: "stdin".into(), source })?;
                scanner.judge_text("<stdin>", bytes, &mut judged.outcome);
            }
            let on_disk: Vec<String> = paths.iter().filter(|p| *p != "-").cloned().collect();
            // No path at all means the current directory; only `-` means only stdin.
            if !on_disk.is_empty() || paths.is_empty() {
                match repo.and_then(|r| in_working_tree(r, &on_disk)) {
                    Some((repo, roots, cwd_prefix)) => {
                        let (outcome, skipped) = files::scan_repository(repo, &roots, &cwd_prefix, scanner, threads())?;
                        judged.outcome.merge(outcome);
                        judged.notices.extend(skipped_notice(skipped));
                    }
                    None => judged.outcome.merge(files::scan_paths(&on_disk, scanner, threads())),
                }
            }
        }
    }
    scanner.finish(&mut judged.outcome);
    Ok(judged)
}

/// When every path of a scan (none: the current folder) lies in `repo`'s working
/// tree: the repository, the paths as repository paths, and the current folder as one.
fn in_working_tree<'r>(repo: &'r Repository, paths: &[String]) -> Option<(&'r Repository, Vec<String>, String)> {
    let workdir = repo.workdir()?;
    let cwd = std::env::current_dir().ok()?;
    let canonical = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let roots = [workdir, canonical.as_path()];
    let cwd_prefix = file_args::repository_path(&roots, &cwd, ".").ok()?;
    let wanted: Vec<&str> = if paths.is_empty() { vec!["."] } else { paths.iter().map(String::as_str).collect() };
    let repo_paths = wanted.iter().map(|p| file_args::repository_path(&roots, &cwd, p).ok()).collect::<Option<_>>()?;
    Some((repo, repo_paths, cwd_prefix))
}

/// Says what a repository scan left out, so that a skipped file is never a surprise.
fn skipped_notice(skipped: files::Skipped) -> Option<String> {
    let files::Skipped { ignored_files, ignored_folders } = skipped;
    if ignored_files + ignored_folders == 0 {
        return None;
    }
    let plural = |n: u64, what: &str| format!("{n} ignored {what}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if ignored_files > 0 {
        parts.push(plural(ignored_files, "file"));
    }
    if ignored_folders > 0 {
        parts.push(plural(ignored_folders, "folder"));
    }
    Some(format!(
        "skipped {} that git ignores and does not track (tracked files are judged whatever .gitignore says)",
        parts.join(" and ")
    ))
}

/// A push's ref updates: the pre-commit framework's range when it set one, else
/// git's lines on stdin.
fn push_updates(repo: &Repository, input: &str) -> Result<Vec<commits::RefUpdate>, RunError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Ok(match commits::framework_push_range(repo, env)? {
        Some(updates) => updates,
        None => commits::parse_pre_push(input)?,
    })
}

fn peel_commit(repo: &Repository, id: git2::Oid) -> Result<git2::Oid, RunError> {
    repo.find_object(id, None)
        .and_then(|o| o.peel(git2::ObjectType::Commit))
        .map(|c| c.id())
        .map_err(|e| RunError::Source(anyhow::anyhow!("cannot find commit {id}: {e}")))
}

/// Adds a `policy-weakened` finding for each way the policy the change carries lets
/// more through than the one it replaces: HEAD's for a commit, the pushed range's
/// parent for a push (the commit below the oldest one judged).
fn report_weakening(
    registry: &[CheckEntry],
    repo: &Repository,
    origin: PolicyOrigin,
    policy: &Policy,
    judged: &mut Judged,
) -> Result<(), RunError> {
    let base = match origin {
        PolicyOrigin::Index => repo.head().ok().and_then(|h| h.peel_to_commit().ok()).map(|c| c.id()),
        PolicyOrigin::Commit(_) => {
            let oldest = judged.outcome.commit_ids.first().and_then(|c| git2::Oid::from_str(c).ok());
            let Some(oldest) = oldest else { return Ok(()) };
            repo.find_commit(oldest).ok().and_then(|c| c.parent_id(0).ok())
        }
        PolicyOrigin::WorkingTree => return Ok(()),
    };
    let old = match base {
        Some(base) => layers::repository_policy_text(repo, PolicyOrigin::Commit(base))?,
        None => None,
    };
    let new = layers::repository_policy_text(repo, origin)?;
    let found = weakening::weakenings(old.as_deref(), new.as_deref(), &registry::sections(registry));
    judged.outcome.findings.extend(weakening::findings(&found, layers::REPOSITORY_POLICY, policy.policy_weakened));
    Ok(())
}

fn read_input(input: &mut dyn std::io::Read) -> Result<String, RunError> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|source| RunError::Read { what: "the ref updates on stdin".into(), source })?;
    Ok(text)
}

/// Names the commits of a push that no pre-commit run checked (see
/// [`AuditLog::unchecked_commit_ids`]); they are judged all the same.
fn unchecked_notice(repo: &Repository, unchecked: &[String], pushed: usize) -> Vec<String> {
    const SHOWN: usize = 10;
    if unchecked.is_empty() {
        return Vec::new();
    }
    let mut notices = vec![format!(
        "{} of {} commit(s) in this push were not checked by tollgate when they were made \
         (committed with --no-verify, or before tollgate was installed); they are judged now:",
        unchecked.len(),
        pushed
    )];
    let line = |id: &String| {
        let summary = git2::Oid::from_str(id)
            .and_then(|oid| repo.find_commit(oid))
            .map(|c| String::from_utf8_lossy(c.summary_bytes().unwrap_or(b"")).into_owned())
            .unwrap_or_default();
        format!("  {} {summary}", &id[..12.min(id.len())])
    };
    notices.extend(unchecked.iter().take(SHOWN).map(line));
    if unchecked.len() > SHOWN {
        notices.push(format!("  … and {} more", unchecked.len() - SHOWN));
    }
    notices
}

/// The staged change's added lines, and which the agent hook recorded (see
/// [`tollgate_core::provenance`]). No key yet means no agent line was ever recorded:
/// the lines are counted without digesting them. A damaged key is reported and
/// treated as none: provenance informs, it is not worth failing the commit over.
fn staged_provenance(repo: &Repository, changes: &tollgate_core::source::ChangeSet) -> Result<Provenance, RunError> {
    let key = ProvenanceKey::load(repo.commondir()).unwrap_or_else(|e| {
        eprintln!("tollgate: warning: {e}");
        None
    });
    let known = match key {
        Some(_) => AuditLog::in_git_dir(repo.commondir()).agent_lines(),
        None => Default::default(),
    };
    Ok(provenance::of_changes(repo, changes, key.as_ref(), &known)?)
}

/// Exceptions the staged change adds: `[[allow]]` entries of `.tollgate.toml` and
/// entries of the baseline file, each counted as the staged file's minus HEAD's.
fn allow_entries_added(
    repo: &Repository,
    changes: &tollgate_core::source::ChangeSet,
    baseline: Option<&str>,
) -> BTreeMap<String, usize> {
    let mut added = BTreeMap::new();
    let count = |oid: Option<(git2::Oid, tollgate_core::FileMode)>, what: &dyn Fn(&str) -> usize| {
        oid.and_then(|(id, _)| repo.find_blob(id).ok())
            .map(|b| what(&String::from_utf8_lossy(b.content())))
            .unwrap_or(0)
    };
    let allow_entries = |text: &str| text.lines().filter(|l| l.trim_start().starts_with("[[allow]]")).count();
    let baseline_entries = |text: &str| text.matches("\"fingerprint\"").count();
    for t in &changes.touched {
        let (kind, what): (&str, &dyn Fn(&str) -> usize) = if t.path == ".tollgate.toml" {
            ("policy", &allow_entries)
        } else if Some(t.path.as_str()) == baseline {
            ("baseline", &baseline_entries)
        } else {
            continue;
        };
        let more = count(t.new, what).saturating_sub(count(t.old, what));
        if more > 0 {
            *added.entry(kind.to_string()).or_insert(0) += more;
        }
    }
    added
}

/// Appends a trailer to the message file as git does (`git interpret-trailers`: into
/// the trailer block, above any scissors line and comments).
fn add_trailer(file: &Path, trailer: &str) -> Result<(), String> {
    let out = std::process::Command::new("git")
        .args(["interpret-trailers", "--in-place", "--if-exists", "addIfDifferent", "--trailer", trailer])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn record_audit(repo: &Repository, mode: &Mode, judged: &Judged) {
    let root = repo.workdir().unwrap_or_else(|| repo.path());
    let mut record = AuditRecord::of(mode.name(), root, &judged.outcome, env!("CARGO_PKG_VERSION"));
    record.tree = judged.tree.map(|t| t.to_string());
    record.provenance = judged.provenance.as_deref().cloned();
    record.unchecked_commits = judged.unchecked_commits.clone();
    record.suppressions_added = judged.suppressions_added.clone();
    if matches!(mode, Mode::PreCommit { .. } | Mode::PrePush { .. }) {
        record.count_inline_suppressions_added(&judged.outcome);
    }
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

/// The repository the mode works on: required for git modes, optional for scan and
/// commit-msg (its `.tollgate.toml` applies when there is one).
fn open_repository(mode: &Mode) -> Result<Option<Repository>, RunError> {
    match Repository::open_from_env() {
        Ok(r) => Ok(Some(r)),
        Err(e) => match mode {
            Mode::Scan { .. } | Mode::CommitMsg { .. } => Ok(None),
            _ => Err(RunError::NoRepository { mode: mode.name(), source: e }),
        },
    }
}

/// The checks `selection` names that the policy enables, prepared for `workload`, with
/// the policy's suppressions and limits.
pub fn build_scanner(
    registry: &[CheckEntry],
    selection: Selection,
    policy: &Policy,
    repo: Option<&Repository>,
    options: &Options,
    workload: Workload,
) -> Result<Scanner, RunError> {
    let mut checks: Vec<Box<dyn Check>> = Vec::new();
    for entry in registry {
        let selected = match selection {
            Selection::All => policy.check_enabled(entry.name),
            Selection::Only(name) => entry.name == name && policy.check_enabled(name),
        };
        if selected {
            match (entry.build)(policy, workload) {
                Ok(check) => checks.push(check),
                Err(source) => return Err(all_config_errors(registry, selection, policy, entry.name, source)),
            }
        }
    }
    let baseline_path = baseline_path(policy, repo, options);
    let baseline = match baseline_path {
        Some(p) => tollgate_core::baseline::load(&p).map_err(|e| RunError::Baseline(format!("{e:#}")))?,
        None => Default::default(),
    };
    let inline = policy.inline_allow && !options.no_inline_allow;
    let suppressions = Suppressions::new(inline, &policy.allow, baseline)
        .map_err(|e| RunError::Usage(format!("invalid [[allow]] path glob: {e}")))?
        .with_locked(policy.locked.keys().cloned());
    // Small workloads are the hook modes and the agent hook; scans and history are bulk.
    let hook = matches!(workload, Workload::Small);
    Ok(Scanner::new(checks, suppressions, policy.max_file_bytes)
        .blocking_what_is_not_judged(hook && policy.not_judged == tollgate_config::NotJudged::Block))
}

/// The baseline in force: `--baseline`, else the policy's (relative to the repository).
fn baseline_path(policy: &Policy, repo: Option<&Repository>, options: &Options) -> Option<PathBuf> {
    options.baseline.clone().or_else(|| {
        let rel = policy.baseline.as_ref()?;
        Some(repo.and_then(|r| r.workdir()).map(|w| w.join(rel)).unwrap_or_else(|| rel.clone()))
    })
}

/// When one check cannot be prepared, every selected check's policy errors, so that a
/// run names each mistake of the policy (a typo in `[secrets] disable` and another in
/// `[deps] disable`) at its file:line:column, not only the first check's.
fn all_config_errors(
    registry: &[CheckEntry],
    selection: Selection,
    policy: &Policy,
    failed: &'static str,
    source: registry::BuildError,
) -> RunError {
    let mut errors = tollgate_config::ConfigErrors::default();
    for entry in registry {
        let selected = match selection {
            Selection::All => policy.check_enabled(entry.name),
            Selection::Only(name) => entry.name == name,
        };
        if let (true, Err(more)) = (selected, (entry.check_config)(policy)) {
            errors.extend(more);
        }
    }
    if errors.is_empty() {
        // Not a policy mistake (a rule pack that does not build): as it was.
        return RunError::Check { check: failed, source };
    }
    errors.sort();
    RunError::Policy(errors)
}

/// FILE arguments are relative to the current directory, spelled any way; the index
/// is relative to the repository root.
fn repository_paths(repo: &Repository, files: &[String]) -> Result<Vec<String>, RunError> {
    let Some(workdir) = repo.workdir() else {
        return Err(RunError::Usage("pre-commit FILE needs a working tree; this repository is bare".into()));
    };
    let cwd =
        std::env::current_dir().map_err(|source| RunError::Read { what: "the current directory".into(), source })?;
    let canonical = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let roots = [workdir, canonical.as_path()];
    files
        .iter()
        .map(|f| file_args::repository_path(&roots, &cwd, f).map_err(|e| RunError::Usage(e.to_string())))
        .collect()
}
