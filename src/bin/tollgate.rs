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
        // Read where needed: `inventory` and `report` have formats of
        // their own (cyclonedx; html).
        let options = || cli.common.options().map_err(anyhow::Error::msg);
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
            Command::Inventory { path, rev } => tollgate::inventory::run(path.as_deref(), &rev, &cli.common),
            Command::Report(args) => tollgate::report::run(&args, &cli.common),
        }
    })
}
