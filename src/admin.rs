//! Wiring of the commands around the checks: `hook` (what the installed scripts call),
//! `install`, `uninstall`, `doctor` and `agent-hook`. Their behaviour lives in
//! `tollgate-install` and `tollgate-agent`; this module only connects them to the
//! command line, the policy and the scanner.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use git2::Repository;
use tollgate_agent::{Answer, BoxError, Decision};
use tollgate_config::LayerSource;
use tollgate_core::{Scanner, Workload};
use tollgate_install::{Environment, Request, Scope};
use tollgate_runner::registry::{Selection, REGISTRY};
use tollgate_runner::{Mode, Options, EXIT_BLOCKED, EXIT_CLEAN};

use crate::cli::{CommonArgs, HookName, InstallArgs, PolicyAction};

/// `tollgate hook NAME ARGS...`: the mode a git hook stands for, with every check.
pub fn hook(name: HookName, args: &[String], options: &Options) -> Result<u8> {
    let mode = match name {
        HookName::PreCommit => Mode::PreCommit { files: args.to_vec() },
        HookName::PrePush => {
            if args.len() > 2 {
                bail!("the pre-push hook takes a remote name and URL, not {} arguments", args.len());
            }
            Mode::PrePush { remote: args.first().cloned(), url: args.get(1).cloned() }
        }
        HookName::CommitMsg => match args {
            [file] => Mode::CommitMsg { file: PathBuf::from(file) },
            _ => bail!("the commit-msg hook takes the message file git passes, and nothing else"),
        },
    };
    Ok(tollgate_runner::run_mode(REGISTRY, "tollgate", Selection::All, &mode, options)?)
}

/// `tollgate policy show | check | test`.
pub fn policy(action: PolicyAction, common: &CommonArgs) -> Result<u8> {
    use tollgate_runner::policy_commands;
    let repo = Repository::open_from_env().ok();
    let (text, status) = match action {
        PolicyAction::Show => {
            let json = common.format == "json";
            (policy_commands::show(REGISTRY, repo.as_ref(), common.config.as_deref(), json)?, EXIT_CLEAN)
        }
        PolicyAction::Check { files } => {
            let (text, ok) = policy_commands::check(REGISTRY, &files);
            (text, if ok { EXIT_CLEAN } else { tollgate_runner::EXIT_ERROR })
        }
        PolicyAction::Test { files } => {
            let (text, ok) = policy_commands::test(REGISTRY, repo.as_ref(), &files)?;
            (text, if ok { EXIT_CLEAN } else { EXIT_BLOCKED })
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    Ok(status)
}

/// `tollgate baseline create`.
pub fn create_baseline(options: &Options, output: &Path, working_tree: bool, revs: &[String]) -> Result<u8> {
    let written = tollgate_runner::create_baseline(REGISTRY, options, output, working_tree, revs)?;
    eprintln!(
        "tollgate: wrote {written} fingerprint(s) to {}; apply it with --baseline {} or `baseline = \"...\"` in .tollgate.toml [settings]",
        output.display(),
        output.display()
    );
    Ok(EXIT_CLEAN)
}

fn request(args: &InstallArgs) -> Result<Request> {
    let scope = match (args.global, args.template) {
        (true, false) => Scope::Global,
        (true, true) => Scope::GlobalTemplate,
        (false, _) => Scope::Repository(args.repo.clone().unwrap_or_else(|| PathBuf::from("."))),
    };
    let binary = std::env::current_exe().context("cannot tell where this tollgate binary is")?;
    Ok(Request { scope, claude: args.claude, binary })
}

/// `tollgate install`.
pub fn install(args: &InstallArgs) -> Result<u8> {
    let plan = tollgate_install::plan_install(&request(args)?, &Environment::from_process())?;
    carry_out(plan, args.dry_run)
}

/// `tollgate uninstall`.
pub fn uninstall(args: &InstallArgs) -> Result<u8> {
    let plan = tollgate_install::plan_uninstall(&request(args)?, &Environment::from_process())?;
    carry_out(plan, args.dry_run)
}

fn carry_out(plan: tollgate_install::Plan, dry_run: bool) -> Result<u8> {
    if dry_run {
        print!("{}", plan.describe(false));
        return Ok(EXIT_CLEAN);
    }
    let done = plan.describe(true);
    let notes = plan.apply()?;
    print!("{done}");
    for n in notes {
        println!("note: {n}");
    }
    Ok(EXIT_CLEAN)
}

/// `tollgate doctor`: what is installed where, which policy files are in force, and
/// what runs on commit. Exits 1 when commits here are not judged or the policy does
/// not load.
pub fn doctor(common: &CommonArgs) -> Result<u8> {
    let env = Environment::from_process();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let repo = Repository::discover(&cwd).ok();
    let inspection = tollgate_install::inspect(Some(&cwd), &env)?;

    let mut out = String::new();
    let exe = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "?".into());
    let on_path = match env.find_on_path("tollgate") {
        Some(p) => format!("; `tollgate` on PATH is {}", p.display()),
        None => "; no `tollgate` on PATH".to_string(),
    };
    out.push_str(&format!("tollgate      {} at {exe}{on_path}\n", env!("CARGO_PKG_VERSION")));

    let layers = tollgate_runner::policy_layers(repo.as_ref(), common.config.as_deref());
    out.push_str("policy        built-in rules\n");
    for layer in &layers {
        let (kind, path) = match layer {
            LayerSource::Organisation(p) => ("organisation (tollgate.policy or TOLLGATE_POLICY)", p),
            LayerSource::Repository(p) => ("repository", p),
            LayerSource::Personal(p) => ("personal", p),
            LayerSource::CommandLine(p) => ("--config", p),
        };
        out.push_str(&format!("              then {kind}: {}\n", path.display()));
    }
    let mut healthy = inspection.protects_commits();
    let options = common.options().map_err(anyhow::Error::msg)?;
    let checks = match tollgate_runner::load_policy(REGISTRY, repo.as_ref(), common.config.as_deref()) {
        Ok(policy) => {
            out.push_str(&format!(
                "              {} allow entries in force{}, inline tollgate:allow {}\n",
                policy.allow.len(),
                match policy.expired_allow.len() {
                    0 => String::new(),
                    n => format!(" ({n} expired)"),
                },
                if policy.inline_allow { "honoured" } else { "ignored" }
            ));
            for entry in REGISTRY {
                let state = if policy.check_enabled(entry.name) { "enabled" } else { "disabled by the policy" };
                out.push_str(&format!("check         {:<10} {state}; alone: {}\n", entry.name, entry.binary));
            }
            match tollgate_runner::build_scanner(
                REGISTRY,
                Selection::All,
                &policy,
                repo.as_ref(),
                &options,
                Workload::Small,
            ) {
                Ok(scanner) => scanner.check_names().iter().map(|c| c.to_string()).collect(),
                Err(e) => {
                    healthy = false;
                    out.push_str(&format!("              the checks do not load: {e:#}\n"));
                    vec!["none: every run fails".to_string()]
                }
            }
        }
        Err(e) => {
            healthy = false;
            out.push_str(&format!("              does not load: {e:#}\n"));
            vec!["none: every run fails until the policy loads".to_string()]
        }
    };
    out.push_str(&advisory_database(common, repo.as_ref()));
    let checks: Vec<&str> = checks.iter().map(String::as_str).collect();
    out.push_str(&inspection.render(&checks));
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    Ok(if healthy { EXIT_CLEAN } else { EXIT_BLOCKED })
}

/// The dependency guard's database, as `doctor` shows it: where, how many advisories,
/// how old (from `--osv-db`, `TOLLGATE_OSV_DB`, the policy's `[deps] osv_db`, or the cache).
fn advisory_database(common: &CommonArgs, repo: Option<&Repository>) -> String {
    let from_policy = tollgate_runner::load_policy(REGISTRY, repo, common.config.as_deref())
        .ok()
        .and_then(|p| tollgate_deps::DepsConfig::from_policy(&p).ok());
    let dir = match (&common.osv_db, from_policy) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(config)) => tollgate_deps::check::database_path(&config),
        (None, None) => crate::deps_db::database_dir(common),
    }
    .or_else(tollgate_deps::db::default_db_dir);
    let text = match dir {
        Some(dir) => crate::deps_db::status(&dir).unwrap_or_else(|e| format!("{e:#}\n")),
        None => "no advisory database (HOME is not set)\n".to_string(),
    };
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        out.push_str(if i == 0 { "advisories    " } else { "              " });
        out.push_str(line.trim_start());
        out.push('\n');
    }
    out
}

/// What the agent hook judges with: every check the policy enables, and the policy
/// check's command rules.
struct AgentScanners<'a> {
    common: &'a CommonArgs,
}

impl tollgate_agent::ScannerSource for AgentScanners<'_> {
    fn scanner(&self, repo: Option<&Repository>) -> Result<Scanner, BoxError> {
        let options = self.common.options()?;
        let policy = tollgate_runner::load_policy(REGISTRY, repo, self.common.config.as_deref())?;
        Ok(tollgate_runner::build_scanner(REGISTRY, Selection::All, &policy, repo, &options, Workload::Small)?)
    }

    fn disabled_commands(&self, repo: Option<&Repository>) -> Result<Vec<String>, BoxError> {
        let policy = tollgate_runner::load_policy(REGISTRY, repo, self.common.config.as_deref())?;
        if !policy.check_enabled(tollgate_policy::NAME) {
            return Ok(Vec::new());
        }
        Ok(tollgate_policy::PolicyConfig::from_policy(&policy)?.disabled.into_iter().collect())
    }

    fn uncertain(&self, repo: Option<&Repository>) -> Result<tollgate_agent::Uncertain, BoxError> {
        Ok(tollgate_runner::load_policy(REGISTRY, repo, self.common.config.as_deref())?.agent_uncertain)
    }

    fn audit_log(&self, repo: &Repository) -> bool {
        // A policy that does not load was already reported by the judgement itself.
        tollgate_runner::load_policy(REGISTRY, Some(repo), self.common.config.as_deref()).is_ok_and(|p| p.audit_log)
    }
}

/// `tollgate agent-hook`: answers one Claude Code hook event. Always exits 0 with the
/// decision on stdout; its own failures deny (a crash would let the call through).
pub fn agent_hook(common: &CommonArgs) -> u8 {
    let mut input = Vec::new();
    let fallback_dir = std::env::var_os("CLAUDE_PROJECT_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok());
    let scanners = AgentScanners { common };
    // Claude Code lets the call through if the hook outlives its timeout: past its own
    // deadline, the hook denies and exits, whatever is still being judged.
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    let deadline = tollgate_agent::deadline::deadline(fallback_dir.as_deref(), home.as_deref());
    let read = std::io::stdin().read_to_end(&mut input);
    let event = tollgate_agent::event::event_name(&input);
    let watchdog = tollgate_agent::deadline::Watchdog::start(deadline, move |d| {
        let late = Answer { decision: Decision::Deny(tollgate_agent::deadline::expired_reason(d)), event };
        print_answer(&late);
        std::process::exit(i32::from(EXIT_CLEAN));
    });
    let answer = match read {
        Ok(_) => tollgate_agent::answer(&input, &scanners, fallback_dir.as_deref().map(Path::new)),
        Err(e) => Answer {
            decision: Decision::Deny(format!("tollgate could not read the hook payload, so it denies: {e}")),
            event: None,
        },
    };
    watchdog.deliver(|| print_answer(&answer));
    EXIT_CLEAN
}

fn print_answer(answer: &Answer) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(answer.stdout().as_bytes());
    let _ = stdout.flush();
}
