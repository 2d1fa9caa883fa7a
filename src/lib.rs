//! The `tollgate` package: the binaries' command lines and the wiring from a mode to
//! its source, checks and report. Behaviour lives in the crates under `crates/`.

pub mod admin;
pub mod cli;
pub mod run;

use std::process::ExitCode;

/// Prints an error the way every binary does (one line per cause) and returns exit 2.
pub fn fail(tool: &str, err: &anyhow::Error) -> ExitCode {
    let mut msg = format!("{tool}: error: {err}");
    for cause in err.chain().skip(1) {
        msg.push_str(&format!("\n  caused by: {cause}"));
    }
    eprintln!("{msg}");
    ExitCode::from(run::EXIT_ERROR)
}

/// Parses arguments, turning clap's usage errors into exit 2 (clap's default) and
/// `--help`/`--version` into exit 0.
pub fn parse_args<P: clap::Parser>() -> Result<P, ExitCode> {
    P::try_parse().map_err(|e| {
        let _ = e.print();
        ExitCode::from(if e.use_stderr() { run::EXIT_ERROR } else { run::EXIT_CLEAN })
    })
}
