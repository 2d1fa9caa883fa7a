//! `tollgate-deps`: the dependency guard alone, in every mode, and its advisory database.

fn main() -> std::process::ExitCode {
    tollgate::check_main("deps")
}
