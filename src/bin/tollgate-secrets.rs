//! `tollgate-secrets`: the secrets check alone, in every mode.

fn main() -> std::process::ExitCode {
    tollgate::check_main("secrets")
}
