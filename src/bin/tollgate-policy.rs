//! `tollgate-policy`: the policy check alone, in every mode.

fn main() -> std::process::ExitCode {
    tollgate::check_main("policy")
}
