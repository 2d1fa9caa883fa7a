//! `tollgate`: every enabled check in one process, plus installation and administration.

use std::process::ExitCode;

use tollgate::admin;
use tollgate::cli::{BaselineAction, Command, TollgateCli};
use tollgate::run::{create_baseline, run_mode, Checks};

fn main() -> ExitCode {
    let cli: TollgateCli = match tollgate::parse_args() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = match &cli.command {
        Command::Mode(mode) => run_mode("tollgate", Checks::All, mode, &cli.common),
        Command::Baseline { action: BaselineAction::Create { output, working_tree, revs } } => {
            create_baseline(&cli.common, output, *working_tree, revs)
        }
        Command::Hook { name, args } => admin::hook(*name, args, &cli.common),
        Command::Install(args) => admin::install(args),
        Command::Uninstall(args) => admin::uninstall(args),
        Command::Doctor => admin::doctor(&cli.common),
        Command::AgentHook => return admin::agent_hook(&cli.common),
    };
    result.unwrap_or_else(|e| tollgate::fail("tollgate", &e))
}
