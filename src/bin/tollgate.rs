//! `tollgate`: every enabled check in one process, plus installation and administration.

use std::process::ExitCode;

use tollgate::admin;
use tollgate::cli::{BaselineAction, Command, TollgateCli};
use tollgate_runner::registry::{Selection, REGISTRY};

fn main() -> ExitCode {
    let cli: TollgateCli = match tollgate::parse_args() {
        Ok(c) => c,
        Err(code) => return code,
    };
    cli.common.export_osv_db();
    tollgate::guarded("tollgate", || {
        // `report` has formats of its own (human, json, html); every other command
        // refuses bad shared options before it does anything, as it always has.
        let options = cli.common.options();
        if let (Err(e), false) = (&options, matches!(cli.command, Command::Report(_))) {
            anyhow::bail!("{e}");
        }
        let options = || options.clone().map_err(anyhow::Error::msg);
        match cli.command {
            Command::Mode(mode) => {
                Ok(tollgate_runner::run_mode(REGISTRY, "tollgate", Selection::All, &mode.into(), &options()?)?)
            }
            Command::Baseline { action: BaselineAction::Create { output, working_tree, revs } } => {
                admin::create_baseline(&options()?, &output, working_tree, &revs)
            }
            Command::Hook { name, args } => admin::hook(name, &args, &options()?),
            Command::Policy { action } => admin::policy(action, &cli.common),
            Command::Install(args) => admin::install(&args),
            Command::Uninstall(args) => admin::uninstall(&args),
            Command::Doctor => admin::doctor(&cli.common),
            // Always 0: the decision is on stdout, and the agent crate turns its own
            // failures (panics included) into a deny.
            Command::AgentHook => Ok(admin::agent_hook(&cli.common)),
            Command::Db { action } => tollgate::deps_db::run("tollgate", &cli.common, action),
            Command::Report(args) => tollgate::report::run(&args, &cli.common),
        }
    })
}
