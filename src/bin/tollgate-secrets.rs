//! `tollgate-secrets`: the secrets check as a hook binary.

use std::process::ExitCode;

use tollgate::cli::SecretsCli;
use tollgate::run::{run_mode, Checks};

fn main() -> ExitCode {
    let cli: SecretsCli = match tollgate::parse_args() {
        Ok(c) => c,
        Err(code) => return code,
    };
    run_mode("tollgate-secrets", Checks::Secrets, &cli.mode, &cli.common)
        .unwrap_or_else(|e| tollgate::fail("tollgate-secrets", &e))
}
