//! tollgate checks its own repository: no credential-shaped test data slips in unmarked.

mod common;

#[test]
fn this_repository_passes_its_own_scan() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::run_in(root, "tollgate", &["scan", ".", "--format", "json"], "");
    let report = common::json(&out);
    assert_eq!(out.status.code(), Some(0), "findings in this repository: {:#}", report["findings"]);
    // Not even a warning, and every exception in .tollgate.toml is still needed.
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0), "{:#}", report["findings"]);
    assert_eq!(report["warnings"].as_array().map(Vec::len), Some(0), "{:#}", report["warnings"]);
    // The rule packs' examples are allowed by .tollgate.toml, and counted.
    assert!(report["stats"]["suppressed"]["policy"].as_u64().unwrap() > 500, "{:#}", report["stats"]);
}
