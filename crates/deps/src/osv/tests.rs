//! Matching, sets, severity and kinds per ecosystem, on the fixtures under
//! `tests/fixtures/osv/` and on small records written inline.

use super::*;
use crate::version::{parse_range, requirement_set};
use crate::Requirement;

macro_rules! fixture {
    ($name:literal) => {
        Advisory::parse(include_bytes!(concat!("../../tests/fixtures/osv/", $name))).expect($name)
    };
}

fn record(affected: &str) -> Advisory {
    let json = format!(r#"{{"id": "TEST-INLINE", "modified": "2026-01-01T00:00:00Z", "affected": [{affected}]}}"#);
    Advisory::parse(json.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn affected(advisory: &Advisory, ecosystem: Ecosystem, name: &str, version: &str) -> bool {
    advisory.matches(ecosystem, name, version).unwrap_or_else(|e| panic!("{e}"))
}

/// Checks `matches` and `affected_set` agree on every version given.
fn assert_versions(advisory: &Advisory, ecosystem: Ecosystem, name: &str, yes: &[&str], no: &[&str]) {
    let set = advisory.affected_set(ecosystem, name).unwrap();
    for v in yes {
        assert!(affected(advisory, ecosystem, name, v), "{} should affect {v}", advisory.id);
        assert!(set.contains(&Version::parse(ecosystem, v).unwrap()), "set {set} should hold {v}");
    }
    for v in no {
        assert!(!affected(advisory, ecosystem, name, v), "{} should not affect {v}", advisory.id);
        assert!(!set.contains(&Version::parse(ecosystem, v).unwrap()), "set {set} should not hold {v}");
    }
}

#[test]
fn npm_unsorted_events_and_a_git_range_among_them() {
    let advisory = fixture!("TEST-2026-0001.json");
    assert_eq!(advisory.aliases, ["CVE-2026-90001", "GHSA-t3st-0001-wxyz"]);
    assert_versions(
        &advisory,
        Ecosystem::Npm,
        "acme-left-pad",
        &["0.0.1", "1.0.0", "2.4.0", "2.4.1-rc.1", "3.0.0", "3.0.1"],
        &["2.4.1", "2.9.9", "3.0.2", "4.0.0", "3.0.0-beta.1"],
    );
    // Names compare as npm compares them.
    assert!(affected(&advisory, Ecosystem::Npm, "Acme-Left-Pad", "1.0.0"));
    assert!(!affected(&advisory, Ecosystem::Npm, "acme-left-pads", "1.0.0"));
    assert!(!affected(&advisory, Ecosystem::CratesIo, "acme-left-pad", "1.0.0"), "another ecosystem");
    assert_eq!(advisory.nearest_fixed(Ecosystem::Npm, "acme-left-pad", "1.0.0").as_deref(), Some("2.4.1"));
    assert_eq!(advisory.nearest_fixed(Ecosystem::Npm, "acme-left-pad", "3.0.0").as_deref(), Some("3.0.2"));
    assert_eq!(advisory.nearest_fixed(Ecosystem::Npm, "acme-left-pad", "2.5.0"), None);
    assert_eq!(advisory.headline(), Some("Prototype pollution in acme-left-pad's merge helper"));
    assert_eq!(advisory.details_first_line(), Some("The `merge` helper of acme-left-pad copies `__proto__` keys."));
    let severity = advisory.severity();
    assert_eq!((severity.level, severity.score), (Level::Critical, Some(9.8)));
    assert!(!advisory.is_malicious());
    assert_eq!(advisory.informational(), None);
}

#[test]
fn unparsable_versions_are_errors_not_a_clean_bill() {
    let advisory = fixture!("TEST-2026-0001.json");
    let err = advisory.matches(Ecosystem::Npm, "acme-left-pad", "not-a-version").unwrap_err();
    assert!(matches!(err, OsvError::Version { .. }), "{err}");
    assert!(err.to_string().contains("TEST-2026-0001"), "{err}");
    let broken = record(
        r#"{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "zero"}]}]}"#,
    );
    assert!(matches!(broken.matches(Ecosystem::Npm, "a", "1.0.0"), Err(OsvError::Record { .. })));
    assert!(broken.affected_set(Ecosystem::Npm, "a").is_err());
    // A broken range of another package does not concern this one.
    assert!(!broken.matches(Ecosystem::Npm, "b", "1.0.0").unwrap());
}

#[test]
fn listed_versions_match_unsorted_and_as_versions() {
    let advisory = record(
        r#"{"package": {"ecosystem": "crates.io", "name": "acme-serde"}, "versions": ["0.3.1", "0.1", "0.2.0"]}"#,
    );
    assert_versions(&advisory, Ecosystem::CratesIo, "acme_serde", &["0.1.0", "0.2.0", "0.3.1"], &["0.1.1", "0.3.0"]);
}

#[test]
fn a_listed_version_outside_the_grammar_matches_by_text() {
    let advisory = record(r#"{"package": {"ecosystem": "npm", "name": "a"}, "versions": ["1.0.0.1"]}"#);
    assert!(advisory.matches(Ecosystem::Npm, "a", "1.2.3").is_ok_and(|m| !m));
}

#[test]
fn fixed_last_affected_and_limit_bound_differently() {
    let eco = Ecosystem::CratesIo;
    let fixed = record(
        r#"{"package": {"ecosystem": "crates.io", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.5.0"}]}]}"#,
    );
    assert_versions(&fixed, eco, "a", &["1.0.0", "1.4.9", "1.5.0-rc.1"], &["0.9.9", "1.5.0", "1.0.0-alpha"]);
    let last = record(
        r#"{"package": {"ecosystem": "crates.io", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"last_affected": "1.5.0"}]}]}"#,
    );
    assert_versions(&last, eco, "a", &["1.5.0"], &["1.5.1", "1.5.1-alpha"]);
    assert_eq!(last.nearest_fixed(eco, "a", "1.2.0"), None, "last_affected names no fix");
    let limited = record(
        r#"{"package": {"ecosystem": "crates.io", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "2.0.0"}, {"introduced": "3.0.0"}]}]}"#,
    );
    assert_versions(&limited, eco, "a", &["0.0.0", "1.9.9"], &["2.0.0", "3.0.0", "3.5.0"]);
    let two_limits = record(
        r#"{"package": {"ecosystem": "crates.io", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "1.0.0"}, {"limit": "2.0.0"}]}]}"#,
    );
    assert_versions(&two_limits, eco, "a", &["1.5.0"], &["2.0.0"]);
    let starred = record(
        r#"{"package": {"ecosystem": "crates.io", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "*"}]}]}"#,
    );
    assert_versions(&starred, eco, "a", &["9.0.0"], &["0.9.0"]);
}

#[test]
fn contradictory_events_give_the_same_answer_pointwise_and_as_a_set() {
    // Sorted stably: introduced 0, last_affected 1.0.0, fixed 1.0.0 — the walk ends on
    // `fixed` at 1.0.0 itself, so 1.0.0 is not affected although last_affected names it.
    let advisory = record(
        r#"{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [
            {"introduced": "0"}, {"last_affected": "1.0.0"}, {"fixed": "1.0.0"}, {"introduced": "2.0.0"}, {"introduced": "2.0.0"}]}]}"#,
    );
    assert_versions(&advisory, Ecosystem::Npm, "a", &["0.9.0", "2.0.0", "2.1.0"], &["1.0.0", "1.5.0"]);
}

#[test]
fn introduced_zero_covers_prereleases_of_the_first_version() {
    let advisory = record(
        r#"{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.0.1"}]}]}"#,
    );
    assert_versions(&advisory, Ecosystem::Npm, "a", &["0.0.0-alpha", "0.0.0", "0.0.1-rc.1"], &["0.0.1"]);
}

#[test]
fn non_semver_introduced_one_point_oh_works() {
    let advisory = record(
        r#"{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.2"}]}]}"#,
    );
    assert_versions(&advisory, Ecosystem::Npm, "a", &["1.0.0", "1.1.9"], &["0.9.0", "1.2.0"]);
    assert_eq!(advisory.nearest_fixed(Ecosystem::Npm, "a", "1.0.5").as_deref(), Some("1.2"));
}

#[test]
fn unknown_and_git_ranges_are_skipped() {
    let advisory = record(
        r#"{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [
            {"type": "GIT", "repo": "https://example.invalid/a", "events": [{"introduced": "0"}]},
            {"type": "SOMETHING_NEW", "events": [{"introduced": "0"}]},
            {"type": "SEMVER", "events": [{"introduced": "2.0.0"}]}]}"#,
    );
    assert_versions(&advisory, Ecosystem::Npm, "a", &["2.0.0"], &["1.0.0"]);
}

#[test]
fn pypi_prereleases_posts_epochs_and_limits() {
    let advisory = fixture!("TEST-2026-0002.json");
    assert_versions(
        &advisory,
        Ecosystem::PyPI,
        "acme-yaml",
        &["1.0", "1.0.0", "1.4.1", "1.4.2rc1", "2.0a1", "2.0", "2.1", "2.1.post1", "1!0.1", "1!0.4.9"],
        &["0.9", "1.0.dev0", "1.4.2", "1.9", "2.0.dev1", "2.1.post2", "1!0.5", "1!2.0", "3.0"],
    );
    // PEP 503 names: every spelling of the same project.
    for name in ["Acme.YAML", "acme_yaml", "ACME--yaml"] {
        assert!(affected(&advisory, Ecosystem::PyPI, name, "1.2"), "{name}");
    }
    assert_eq!(advisory.nearest_fixed(Ecosystem::PyPI, "acme-yaml", "1.2").as_deref(), Some("1.4.2"));
    assert_eq!(advisory.packages(), [(Ecosystem::PyPI, "acme-yaml".to_string())]);
    let severity = advisory.severity();
    assert_eq!(severity.level, Level::High, "CVSS v4 takes the database's label");
    assert_eq!(severity.score, None);
    assert!(severity.vector.as_deref().is_some_and(|v| v.starts_with("CVSS:4.0/")));
}

#[test]
fn pypi_local_versions_compare_after_their_public_version() {
    let advisory = record(
        r#"{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}]}"#,
    );
    assert_versions(&advisory, Ecosystem::PyPI, "a", &["0.9+ubuntu.1", "1.0rc1+local"], &["1.0+ubuntu.1", "1.0"]);
}

#[test]
fn pypi_legacy_versions_match_listed_versions_but_are_not_placed_in_ranges() {
    let advisory = record(
        r#"{"package": {"ecosystem": "PyPI", "name": "a"}, "versions": ["2004d"],
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}]}]}"#,
    );
    assert!(affected(&advisory, Ecosystem::PyPI, "a", "2004D"));
    let err = advisory.matches(Ecosystem::PyPI, "a", "snapshot-2005").unwrap_err();
    assert!(err.to_string().contains("not a PEP 440 version"), "{err}");
    assert!(affected(&advisory, Ecosystem::PyPI, "a", "1.5"));
}

#[test]
fn rustsec_informational_kinds_and_functions() {
    let advisory = fixture!("TEST-2026-0003.json");
    assert_eq!(advisory.informational(), Some("unmaintained"));
    assert!(!advisory.is_malicious());
    assert!(affected(&advisory, Ecosystem::CratesIo, "acme-serde", "0.1.0"));
    assert_eq!(advisory.affected_functions(Ecosystem::CratesIo, "acme_serde"), ["acme_serde::from_slice"]);
    assert_eq!(advisory.severity(), Severity::unknown());
    assert_eq!(advisory.details_first_line(), Some("The maintainers archived acme-serde."));
}

#[test]
fn go_pseudo_versions_and_versions_without_v() {
    let advisory = fixture!("TEST-2026-0004.json");
    let name = "example.com/acme/router";
    assert_versions(
        &advisory,
        Ecosystem::Go,
        name,
        &[
            "v0.0.0-20231201000000-aaaaaaaaaaaa",
            "v1.2.0",
            "v1.2.3",
            "v1.2.4-0.20240215000000-bbbbbbbbbbbb",
            "v2.1.0+incompatible",
        ],
        &[
            "v0.0.0-20240102150405-abcdef123456",
            "v1.1.0",
            "v1.2.4-0.20240301000000-0123456789ab",
            "v1.2.4",
            "v2.5.0",
            "v3.0.0",
        ],
    );
    assert!(!affected(&advisory, Ecosystem::Go, "example.com/Acme/router", "v1.2.3"), "Go paths are case-sensitive");
    assert_eq!(
        advisory.nearest_fixed(Ecosystem::Go, name, "v1.2.3").as_deref(),
        Some("1.2.4-0.20240301000000-0123456789ab")
    );
    let severity = advisory.severity();
    assert_eq!((severity.level, severity.score), (Level::Medium, Some(6.1)));
}

#[test]
fn malicious_records_and_withdrawn_ones() {
    let malicious = fixture!("MAL-2026-0001.json");
    assert!(malicious.is_malicious());
    assert!(affected(&malicious, Ecosystem::Npm, "acme-colours", "0.0.1"));
    let by_alias = Advisory::parse(br#"{"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["MAL-2026-7"]}"#).unwrap();
    assert!(by_alias.is_malicious());
    let by_cwe =
        Advisory::parse(br#"{"id": "GHSA-aaaa-bbbb-dddd", "database_specific": {"cwe_ids": ["CWE-506"]}}"#).unwrap();
    assert!(by_cwe.is_malicious());

    let withdrawn = fixture!("TEST-2026-0005.json");
    assert!(withdrawn.is_withdrawn());
    assert!(!affected(&withdrawn, Ecosystem::Npm, "acme-left-pad", "1.0.0"));
    assert!(withdrawn.affected_set(Ecosystem::Npm, "acme-left-pad").unwrap().is_empty());
    assert_eq!(withdrawn.nearest_fixed(Ecosystem::Npm, "acme-left-pad", "1.0.0"), None);
}

#[test]
fn exposure_of_requirements() {
    let advisory = fixture!("TEST-2026-0001.json");
    let exposure = |range: &str| {
        let admitted = parse_range(Ecosystem::Npm, range).unwrap();
        advisory.exposure(Ecosystem::Npm, "acme-left-pad", &admitted).unwrap()
    };
    assert_eq!(exposure("~2.3.0"), Exposure::Every);
    assert_eq!(exposure(">=3.0.0 <3.0.2"), Exposure::Every);
    assert_eq!(exposure("^2.0.0"), Exposure::Some);
    assert_eq!(exposure("^3.0.2"), Exposure::None);
    assert_eq!(exposure("2.4.1 - 2.9.9"), Exposure::None);
    let any = requirement_set(Ecosystem::Npm, &Requirement::Any).unwrap();
    assert_eq!(advisory.exposure(Ecosystem::Npm, "acme-left-pad", &any).unwrap(), Exposure::Some);
    let malicious = fixture!("MAL-2026-0001.json");
    assert_eq!(malicious.exposure(Ecosystem::Npm, "acme-colours", &any).unwrap(), Exposure::Every);
    assert_eq!(Exposure::of(&VersionSet::empty(), &VersionSet::all()), Exposure::None);

    let cargo = record(
        r#"{"package": {"ecosystem": "crates.io", "name": "acme-serde"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.4.0"}, {"fixed": "0.4.3"}]}]}"#,
    );
    let cargo_exposure = |requirement: &str| {
        let admitted = parse_range(Ecosystem::CratesIo, requirement).unwrap();
        cargo.exposure(Ecosystem::CratesIo, "acme_serde", &admitted).unwrap()
    };
    assert_eq!(cargo_exposure("0.4.1"), Exposure::Some, "^0.4.1 reaches the fixed 0.4.3");
    assert_eq!(cargo_exposure("=0.4.1"), Exposure::Every);
    assert_eq!(cargo_exposure(">=0.4.0, <0.4.3"), Exposure::Every);
    assert_eq!(cargo_exposure("0.3"), Exposure::None, "^0.3 stays below 0.4.0");

    let go = fixture!("TEST-2026-0004.json");
    let pinned = requirement_set(Ecosystem::Go, &Requirement::Resolved("v1.2.3".into())).unwrap();
    assert_eq!(go.exposure(Ecosystem::Go, "example.com/acme/router", &pinned).unwrap(), Exposure::Every);

    let pypi = fixture!("TEST-2026-0002.json");
    let admitted = parse_range(Ecosystem::PyPI, "~=1.3").unwrap();
    assert_eq!(pypi.exposure(Ecosystem::PyPI, "acme-yaml", &admitted).unwrap(), Exposure::Some);
    let admitted = parse_range(Ecosystem::PyPI, ">=1.1,<1.4").unwrap();
    assert_eq!(pypi.exposure(Ecosystem::PyPI, "acme-yaml", &admitted).unwrap(), Exposure::Every);
}

#[test]
fn severity_falls_back_through_v2_and_labels() {
    let v2 =
        Advisory::parse(br#"{"id": "T", "severity": [{"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}]}"#)
            .unwrap()
            .severity();
    assert_eq!((v2.level, v2.score), (Level::High, Some(7.5)));
    let label = Advisory::parse(br#"{"id": "T", "database_specific": {"severity": "MODERATE"}}"#).unwrap().severity();
    assert_eq!((label.level, label.score), (Level::Medium, None));
    let per_entry = Advisory::parse(
        br#"{"id": "T", "affected": [{"package": {"ecosystem": "npm", "name": "a"},
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"}]}]}"#,
    )
    .unwrap()
    .severity();
    assert_eq!((per_entry.level, per_entry.score), (Level::Medium, Some(5.5)));
    let bare_v4 = Advisory::parse(
        br#"{"id": "T", "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]}"#,
    )
    .unwrap()
    .severity();
    assert_eq!(bare_v4.level, Level::Unknown);
    assert!(bare_v4.vector.is_some());
}

#[test]
fn parse_errors_carry_line_and_column() {
    let err = Advisory::parse(b"{\n  \"id\": \"T\",\n  \"affected\": [ }\n}").unwrap_err();
    match err {
        OsvError::Parse { line, column, ref message } => {
            assert!(!message.contains("line 3"), "the position is not repeated: {message}");
            assert_eq!((line, column), (3, 17), "the closing brace after `[ `");
        }
        other => panic!("{other}"),
    }
    let two_keys = br#"{"id": "T", "affected": [{"ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}]}]}"#;
    assert!(matches!(Advisory::parse(two_keys), Err(OsvError::Parse { .. })));
    assert!(matches!(Advisory::parse(br#"{"summary": "no id"}"#), Err(OsvError::Parse { .. })));
    let nulls = Advisory::parse(br#"{"id": "T", "aliases": null, "affected": null, "severity": null}"#).unwrap();
    assert!(nulls.aliases.is_empty() && nulls.affected.is_empty());
}
