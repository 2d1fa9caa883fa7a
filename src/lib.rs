//! The `tollgate` package: the binaries' command lines and mains. Behaviour lives in
//! the crates under `crates/`; `tollgate-runner` wires modes to sources, checks and
//! reports.

pub mod admin;
pub mod cli;
pub mod deps_db;
pub mod inventory;
pub mod report;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use tollgate_runner::registry::{self, Selection, REGISTRY};
use tollgate_runner::{EXIT_CLEAN, EXIT_ERROR};

/// The whole `main` of a `tollgate-<check>` binary: the registry's check `name`, run in
/// the mode the command line names.
pub fn check_main(name: &str) -> ExitCode {
    let Some(entry) = registry::find(REGISTRY, name) else {
        eprintln!("tollgate: error: no check named `{name}` in the registry");
        return ExitCode::from(EXIT_ERROR);
    };
    let mut command = cli::CheckCli::command().name(entry.binary).about(entry.about);
    if entry.name != "deps" {
        // Only the dependency guard has a database.
        command = command.mut_subcommand("db", |c| c.hide(true));
    }
    let matches = match command.try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let cli = match cli::CheckCli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    cli.common.export_osv_db();
    guarded(entry.binary, || match cli.command {
        cli::CheckCommand::Db { action } if entry.name == "deps" => deps_db::run(entry.binary, &cli.common, action),
        cli::CheckCommand::Db { .. } => {
            anyhow::bail!("`db` is the dependency guard's command: run `tollgate-deps db` or `tollgate db`")
        }
        cli::CheckCommand::Mode(mode) => {
            let options = cli.common.options().map_err(anyhow::Error::msg)?;
            Ok(tollgate_runner::run_mode(REGISTRY, entry.binary, Selection::Only(entry.name), &mode.into(), &options)?)
        }
    })
}

/// Runs `body`, turning an error into its message and exit 2, and a panic (a bug) into
/// exit 2 too: a hook that fails must never look like a pass, nor exit 101.
pub fn guarded(tool: &str, body: impl FnOnce() -> anyhow::Result<u8>) -> ExitCode {
    ExitCode::from(guarded_status(tool, body))
}

fn guarded_status(tool: &str, body: impl FnOnce() -> anyhow::Result<u8>) -> u8 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => {
            report_error(tool, &e);
            EXIT_ERROR
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            eprintln!("{tool}: error: internal error ({what}); nothing was judged as clean. Please report this bug.");
            EXIT_ERROR
        }
    }
}

/// Prints an error the way every binary does (one line per cause).
pub fn report_error(tool: &str, err: &anyhow::Error) {
    let mut msg = format!("{tool}: error: {err}");
    for cause in err.chain().skip(1) {
        msg.push_str(&format!("\n  caused by: {cause}"));
    }
    eprintln!("{msg}");
}

/// Parses arguments, turning clap's usage errors into exit 2 (clap's default) and
/// `--help`/`--version` into exit 0.
pub fn parse_args<P: clap::Parser>() -> Result<P, ExitCode> {
    P::try_parse().map_err(usage_error)
}

fn usage_error(e: clap::Error) -> ExitCode {
    let _ = e.print();
    ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_CLEAN })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_exit_2_not_101() {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let status = guarded_status("test", || panic!("boom"));
        std::panic::set_hook(previous);
        assert_eq!(status, EXIT_ERROR);
    }

    #[test]
    fn errors_are_exit_2_and_results_pass_through() {
        assert_eq!(guarded_status("test", || Err(anyhow::anyhow!("bad"))), EXIT_ERROR);
        assert_eq!(guarded_status("test", || Ok(1)), 1);
    }
}
