//! Requirements as manifests write them, read into the set of versions they admit.
//!
//! Approximations, all on the side of admitting more versions than the resolver would
//! (so that "every admitted version is affected" is never claimed wrongly):
//! - npm and Cargo refuse a pre-release unless a comparator names a pre-release of the
//!   same `major.minor.patch`. Upper bounds that come from `^`, `~`, `x` ranges, partial
//!   versions and hyphen ranges end below the next version's pre-releases (`^1.2` is
//!   `>=1.2.0, <2.0.0-0`), as node-semver desugars them; other pre-releases inside the
//!   interval (`1.5.0-beta` in `^1.2`) stay in the set.
//! - PEP 440: pre-releases are admitted (pip admits them only when asked or when nothing
//!   else fits). `<V` keeps out the pre-releases of V's release as the specification
//!   asks, but not dev-releases of post-releases (`<1.0.post2` admits `1.0.post1.dev0`,
//!   pip does not). `>V` keeps out the post-releases and local versions of V's release
//!   and of V's own pre-release, up to `.post<u64::MAX>`, but not local versions of
//!   other releases in the same family (`>1.0.post1` admits `1.0.post2+x`, pip does
//!   not). `===` is read as `==` without local versions.
//! - Poetry's `^`, `~` and bare versions are read for PyPI too, with Poetry's meanings.

use super::{Bound, Identifier, Pep440Version, SemVersion, Version, VersionError, VersionSet};
use crate::model::{Ecosystem, Requirement};

/// The versions a declaration admits: one for a resolved version, all for none.
pub fn requirement_set(ecosystem: Ecosystem, requirement: &Requirement) -> Result<VersionSet, VersionError> {
    match requirement {
        Requirement::Any => Ok(VersionSet::all()),
        Requirement::Resolved(text) => {
            let bare = text.trim().trim_start_matches('=').trim_start();
            Version::parse(ecosystem, bare).map(VersionSet::point)
        }
        Requirement::Range(text) => parse_range(ecosystem, text),
    }
}

/// Reads a requirement in the ecosystem's own grammar (node-semver ranges, Cargo
/// requirements, PEP 440 specifier sets, or Go's exact versions).
pub fn parse_range(ecosystem: Ecosystem, text: &str) -> Result<VersionSet, VersionError> {
    let result = match ecosystem {
        Ecosystem::Npm => npm_range(text),
        Ecosystem::CratesIo => cargo_requirement(text),
        Ecosystem::PyPI => pep440_specifiers(text),
        Ecosystem::Go => {
            return Version::parse(ecosystem, text).map(VersionSet::point).map_err(|e| match e {
                VersionError::Version { reason, .. } => VersionError::Requirement {
                    ecosystem,
                    text: text.to_string(),
                    reason: format!("Go requires one exact version ({reason})"),
                },
                other => other,
            })
        }
    };
    result.map_err(|reason| VersionError::Requirement { ecosystem, text: text.to_string(), reason })
}

// ---------------------------------------------------------------------------------
// npm and Cargo: comparators over possibly partial semantic versions.

/// A version with `x`, `*` or missing parts (`1`, `1.2.x`, `*`).
#[derive(Debug)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Vec<Identifier>,
}

impl Partial {
    fn parse(text: &str) -> Result<Partial, String> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let without_build = text.split_once('+').map_or(text, |(core, _)| core);
        let (core, pre) = match without_build.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (without_build, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 3 {
            return Err(format!("{text:?} has more than three version numbers"));
        }
        let mut numbers = [None; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            if matches!(*part, "x" | "X" | "*") {
                break;
            }
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{text:?} is not a version"));
            }
            *slot = Some(part.parse().map_err(|_| format!("{part:?} is too large"))?);
        }
        // `1.x.3` means `1.x`: nothing after a wildcard counts.
        if numbers[0].is_none() {
            numbers = [None; 3];
        } else if numbers[1].is_none() {
            numbers[2] = None;
        }
        let pre = match pre {
            Some(pre) if numbers[2].is_some() => {
                let full = SemVersion::parse(&format!("0.0.0-{pre}"))?;
                full.pre
            }
            Some(_) => return Err(format!("{text:?} has a pre-release on a partial version")),
            None => Vec::new(),
        };
        Ok(Partial { major: numbers[0], minor: numbers[1], patch: numbers[2], pre })
    }

    /// The partial version with missing parts as 0 (`1.2` → `1.2.0`).
    fn floor(&self) -> Version {
        let mut v = SemVersion::new(self.major.unwrap_or(0), self.minor.unwrap_or(0), self.patch.unwrap_or(0));
        v.pre = self.pre.clone();
        Version::Semver(v)
    }

    /// The first version past every version this partial names, below its pre-releases:
    /// `1` → `2.0.0-0`, `1.2` → `1.3.0-0`.
    fn ceiling(&self, major: u64) -> Version {
        match self.minor {
            None => lowest(major.saturating_add(1), 0, 0),
            Some(minor) => lowest(major, minor.saturating_add(1), 0),
        }
    }
}

fn lowest(major: u64, minor: u64, patch: u64) -> Version {
    Version::Semver(SemVersion::lowest_of(major, minor, patch))
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Exact,
    Greater,
    GreaterEq,
    Less,
    LessEq,
    Tilde,
    Caret,
}

fn comparator_set(op: Op, partial: &Partial) -> VersionSet {
    let Some(major) = partial.major else {
        // `<*` and `>*` admit nothing; every other operator on `*` admits everything.
        return match op {
            Op::Greater | Op::Less => VersionSet::empty(),
            _ => VersionSet::all(),
        };
    };
    let full = partial.patch.is_some();
    let floor = Bound::Included(partial.floor());
    match op {
        Op::Exact if full => VersionSet::point(partial.floor()),
        Op::Exact | Op::Tilde => VersionSet::between(floor, Bound::Excluded(partial.ceiling(major))),
        Op::GreaterEq => VersionSet::between(floor, Bound::Unbounded),
        Op::Greater if full => VersionSet::between(Bound::Excluded(partial.floor()), Bound::Unbounded),
        Op::Greater => {
            let next = match partial.minor {
                None => SemVersion::new(major.saturating_add(1), 0, 0),
                Some(minor) => SemVersion::new(major, minor.saturating_add(1), 0),
            };
            VersionSet::at_least(Version::Semver(next))
        }
        Op::Less if full => VersionSet::below(partial.floor()),
        Op::Less => VersionSet::below(lowest(major, partial.minor.unwrap_or(0), 0)),
        Op::LessEq if full => VersionSet::between(Bound::Unbounded, Bound::Included(partial.floor())),
        Op::LessEq => VersionSet::below(partial.ceiling(major)),
        Op::Caret => {
            let upper = match (partial.minor, partial.patch) {
                (None, _) => lowest(major.saturating_add(1), 0, 0),
                _ if major != 0 => lowest(major.saturating_add(1), 0, 0),
                (Some(minor), None) => lowest(0, minor.saturating_add(1), 0),
                (Some(minor), Some(_)) if minor != 0 => lowest(0, minor.saturating_add(1), 0),
                (Some(_), Some(patch)) => lowest(0, 0, patch.saturating_add(1)),
            };
            VersionSet::between(floor, Bound::Excluded(upper))
        }
    }
}

/// Splits an operator off a comparator (`>=1.2` → `GreaterEq`, `1.2`).
fn split_operator(text: &str, default: Op) -> (Op, &str) {
    const OPERATORS: [(&str, Op); 8] = [
        (">=", Op::GreaterEq),
        ("<=", Op::LessEq),
        ("~>", Op::Tilde),
        (">", Op::Greater),
        ("<", Op::Less),
        ("=", Op::Exact),
        ("~", Op::Tilde),
        ("^", Op::Caret),
    ];
    for (symbol, op) in OPERATORS {
        if let Some(rest) = text.strip_prefix(symbol) {
            return (op, rest.trim_start());
        }
    }
    (default, text)
}

/// A node-semver range: `||` alternatives of space-separated comparators or a hyphen
/// range. `""`, `*` and `latest` admit every version. Other dist-tags, git and file
/// specs, `npm:` aliases and `workspace:` links are not ranges and are refused.
fn npm_range(text: &str) -> Result<VersionSet, String> {
    let text = text.trim();
    if matches!(text, "" | "*" | "latest" | "x" | "X") {
        return Ok(VersionSet::all());
    }
    if text.contains(':') || text.contains('/') {
        return Err("not a registry version range (a git, file, alias or workspace spec)".to_string());
    }
    let mut union = VersionSet::empty();
    for alternative in text.split("||") {
        let alternative = alternative.trim();
        let set = if let Some((from, to)) = alternative.split_once(" - ") {
            hyphen_range(from, to)?
        } else {
            let mut set = VersionSet::all();
            for comparator in comparators(alternative)? {
                let (op, version) = split_operator(&comparator, Op::Exact);
                set = set.intersection(&comparator_set(op, &Partial::parse(version)?));
            }
            set
        };
        union = union.union(&set);
    }
    Ok(union)
}

/// Splits space-separated comparators, keeping an operator written apart from its
/// version with it (`>= 1.2.3 < 2` is `>=1.2.3` and `<2`).
fn comparators(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut pending_operator = String::new();
    for token in text.split_whitespace() {
        if token.bytes().all(|b| matches!(b, b'<' | b'>' | b'=' | b'!' | b'~' | b'^')) {
            pending_operator.push_str(token);
            continue;
        }
        out.push(format!("{pending_operator}{token}"));
        pending_operator.clear();
    }
    if !pending_operator.is_empty() {
        return Err(format!("operator {pending_operator:?} has no version"));
    }
    Ok(out)
}

/// `A - B`: from A (missing parts 0) to B inclusive (a partial B includes all it names).
fn hyphen_range(from: &str, to: &str) -> Result<VersionSet, String> {
    let from = Partial::parse(from)?;
    let to = Partial::parse(to)?;
    let lower = match from.major {
        None => Bound::Unbounded,
        Some(_) => Bound::Included(from.floor()),
    };
    let upper = match to.major {
        None => Bound::Unbounded,
        Some(_) if to.patch.is_some() => Bound::Included(to.floor()),
        Some(major) => Bound::Excluded(to.ceiling(major)),
    };
    Ok(VersionSet::between(lower, upper))
}

/// A Cargo requirement: comma-separated comparators, caret by default.
fn cargo_requirement(text: &str) -> Result<VersionSet, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty requirement".to_string());
    }
    let mut set = VersionSet::all();
    for comparator in text.split(',') {
        let comparator = comparator.trim();
        if comparator.is_empty() {
            return Err("empty comparator between commas".to_string());
        }
        let (op, version) = split_operator(comparator, Op::Caret);
        set = set.intersection(&comparator_set(op, &Partial::parse(version)?));
    }
    Ok(set)
}

// ---------------------------------------------------------------------------------
// PEP 440 specifier sets (and Poetry's shorthands).

fn pep(version: Pep440Version) -> Version {
    Version::Pep440(version)
}

fn parse_pep440(text: &str) -> Result<Pep440Version, String> {
    Pep440Version::parse(text).map_err(|e| format!("{:?} is not a PEP 440 version: {e}", text.trim()))
}

/// `==V`: V and, when V has no local label, every local variant of it.
fn pep_equal(version: &Pep440Version) -> VersionSet {
    if version.local.is_empty() {
        VersionSet::between(Bound::Included(pep(version.clone())), Bound::Excluded(pep(version.after_locals())))
    } else {
        VersionSet::point(pep(version.clone()))
    }
}

/// `==1.2.*`: every version whose release starts with `1.2`, pre- and post-releases too.
fn pep_prefix(epoch: u64, release: &[u64]) -> VersionSet {
    let mut next = release.to_vec();
    if let Some(last) = next.last_mut() {
        *last = last.saturating_add(1);
    }
    let from = Pep440Version::final_release(epoch, release.to_vec()).first_of_release();
    let to = Pep440Version::final_release(epoch, next).first_of_release();
    VersionSet::between(Bound::Included(pep(from)), Bound::Excluded(pep(to)))
}

/// Reads `V.*`, which allows only an epoch and a release before the star.
fn parse_prefix(text: &str) -> Result<Pep440Version, String> {
    let version = parse_pep440(text)?;
    if version.pre.is_some() || version.post.is_some() || version.dev.is_some() || !version.local.is_empty() {
        return Err(format!("a wildcard follows only a release number, not {text:?}"));
    }
    Ok(version)
}

/// The upper bound `<` the release with `release[index]` raised by one (`^1.2` → `<2`).
fn below_bumped(version: &Pep440Version, index: usize) -> VersionSet {
    let mut release = version.release[..=index].to_vec();
    release[index] = release[index].saturating_add(1);
    VersionSet::below(pep(Pep440Version::final_release(version.epoch, release).first_of_release()))
}

fn pep440_clause(clause: &str) -> Result<VersionSet, String> {
    const OPERATORS: [&str; 11] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">", "^", "~", "="];
    let clause = clause.trim();
    if clause == "*" {
        return Ok(VersionSet::all());
    }
    let (op, rest) =
        OPERATORS.iter().find_map(|op| clause.strip_prefix(op).map(|rest| (*op, rest.trim()))).unwrap_or(("", clause));
    if rest.is_empty() {
        return Err(format!("{clause:?} has no version"));
    }
    if let Some(prefix) = rest.strip_suffix(".*") {
        let v = parse_prefix(prefix)?;
        return match op {
            "==" | "=" | "" => Ok(pep_prefix(v.epoch, &v.release)),
            "!=" => Ok(pep_prefix(v.epoch, &v.release).complement()),
            _ => Err(format!("a wildcard is allowed only with == and !=, not {op}")),
        };
    }
    if op == "===" {
        // Arbitrary equality compares strings; a version that parses is that version.
        let version = Version::parse(Ecosystem::PyPI, rest).map_err(|e| e.to_string())?;
        return Ok(VersionSet::point(version));
    }
    let v = parse_pep440(rest)?;
    if !v.local.is_empty() && !matches!(op, "==" | "!=" | "=" | "") {
        return Err(format!("a local version is allowed only with == and !=, not {op}"));
    }
    Ok(match op {
        "==" | "=" | "" => pep_equal(&v),
        "!=" => pep_equal(&v).complement(),
        ">=" => VersionSet::at_least(pep(v)),
        "<=" => VersionSet::below(pep(v.after_locals())),
        "<" if v.is_prerelease() => VersionSet::below(pep(v)),
        "<" => {
            // `<V` admits no pre-release of V's own release.
            let own_prereleases =
                VersionSet::between(Bound::Included(pep(v.first_of_release())), Bound::Excluded(pep(v.base())));
            VersionSet::below(pep(v.clone())).difference(&own_prereleases)
        }
        ">" if v.is_postrelease() => VersionSet::at_least(pep(v.after_locals())),
        ">" => {
            // `>V` admits no post-release and no local version of V's release (nor of
            // V's own pre-release); each such family is the run from just above its
            // head to its last post-release, `.post<u64::MAX>`.
            let family = |head: Pep440Version| {
                let last_post = Pep440Version { post: Some(u64::MAX), dev: None, ..head.clone() };
                VersionSet::between(Bound::Excluded(pep(head)), Bound::Included(pep(last_post)))
            };
            let mut excluded = family(v.base());
            if v.pre.is_some() {
                excluded = excluded.union(&family(Pep440Version { pre: v.pre, ..v.base() }));
            }
            VersionSet::at_least(pep(v.after_locals())).difference(&excluded)
        }
        "~=" => {
            if v.release.len() < 2 {
                return Err("~= needs at least two release numbers".to_string());
            }
            let prefix = &v.release[..v.release.len() - 1];
            VersionSet::at_least(pep(v.clone())).intersection(&pep_prefix(v.epoch, prefix))
        }
        "^" => {
            // Poetry: the first non-zero release number may not change.
            let index = v.release.iter().position(|&n| n != 0).unwrap_or(v.release.len() - 1);
            VersionSet::at_least(pep(v.clone())).intersection(&below_bumped(&v, index))
        }
        "~" => {
            let index = if v.release.len() == 1 { 0 } else { 1 };
            VersionSet::at_least(pep(v.clone())).intersection(&below_bumped(&v, index))
        }
        other => return Err(format!("operator {other:?} is not understood")),
    })
}

/// A PEP 440 specifier set (`>=1.0, !=1.3.*, <2`), also in the old parenthesised form
/// (`(>=1.0)`); Poetry's `||` alternatives and space-separated constraints too.
fn pep440_specifiers(text: &str) -> Result<VersionSet, String> {
    let text = text.trim();
    let text = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')).unwrap_or(text).trim();
    if text.is_empty() {
        return Ok(VersionSet::all());
    }
    let mut union = VersionSet::empty();
    for alternative in text.split("||") {
        let mut set = VersionSet::all();
        for clause in alternative.split(',') {
            let parts = comparators(clause)?;
            if parts.is_empty() {
                return Err("empty specifier between commas or bars".to_string());
            }
            for part in parts {
                set = set.intersection(&pep440_clause(&part)?);
            }
        }
        union = union.union(&set);
    }
    Ok(union)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ecosystem: Ecosystem, text: &str) -> VersionSet {
        parse_range(ecosystem, text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn admits(ecosystem: Ecosystem, range: &str, yes: &[&str], no: &[&str]) {
        let s = set(ecosystem, range);
        for v in yes {
            assert!(s.contains(&Version::parse(ecosystem, v).unwrap()), "{range} should admit {v} ({s})");
        }
        for v in no {
            assert!(!s.contains(&Version::parse(ecosystem, v).unwrap()), "{range} should refuse {v} ({s})");
        }
    }

    #[test]
    fn npm_caret_follows_the_zero_rules() {
        use Ecosystem::Npm;
        admits(Npm, "^1.2.3", &["1.2.3", "1.9.0"], &["1.2.2", "2.0.0", "2.0.0-alpha"]);
        admits(Npm, "^0.2.3", &["0.2.3", "0.2.9"], &["0.3.0", "0.2.2"]);
        admits(Npm, "^0.0.3", &["0.0.3"], &["0.0.4", "0.0.2"]);
        admits(Npm, "^0.0", &["0.0.0", "0.0.9"], &["0.1.0"]);
        admits(Npm, "^0.x", &["0.0.1", "0.9.9"], &["1.0.0"]);
        admits(Npm, "^1.2.x", &["1.2.0", "1.5.0"], &["2.0.0"]);
        admits(Npm, "^1.2.3-beta.2", &["1.2.3-beta.2", "1.2.3", "1.3.0"], &["1.2.3-beta.1"]);
    }

    #[test]
    fn npm_tilde_x_ranges_and_partials() {
        use Ecosystem::Npm;
        admits(Npm, "~1.2.3", &["1.2.3", "1.2.9"], &["1.3.0"]);
        admits(Npm, "~1", &["1.0.0", "1.9.0"], &["2.0.0"]);
        admits(Npm, "~0.2", &["0.2.0", "0.2.5"], &["0.3.0"]);
        admits(Npm, "1.x", &["1.0.0", "1.99.0"], &["2.0.0", "0.9.0"]);
        admits(Npm, "1.2.*", &["1.2.0", "1.2.7"], &["1.3.0"]);
        admits(Npm, "1.2", &["1.2.0", "1.2.7"], &["1.3.0"]);
        admits(Npm, "=1.2.3", &["1.2.3"], &["1.2.4"]);
        admits(Npm, "v1.2.3", &["1.2.3"], &["1.2.4"]);
        admits(Npm, ">1.2", &["1.3.0"], &["1.2.9"]);
        admits(Npm, "<=1.2", &["1.2.9"], &["1.3.0"]);
        admits(Npm, "<1.2", &["1.1.9"], &["1.2.0", "1.2.0-rc.1"]);
        assert!(set(Npm, "<*").is_empty());
    }

    #[test]
    fn npm_comparator_sets_hyphens_and_alternatives() {
        use Ecosystem::Npm;
        admits(Npm, ">=1.2.7 <1.3.0", &["1.2.7", "1.2.99"], &["1.3.0", "1.2.6"]);
        admits(Npm, ">= 1.2.7 < 1.3.0", &["1.2.8"], &["1.3.0"]);
        admits(Npm, "1.2.7 || >=1.2.9 <2.0.0", &["1.2.7", "1.2.9", "1.5.0"], &["1.2.8", "2.0.0"]);
        admits(Npm, "1.2.3 - 2.3.4", &["1.2.3", "2.3.4"], &["2.3.5", "1.2.2"]);
        admits(Npm, "1.2 - 2.3", &["1.2.0", "2.3.9"], &["2.4.0", "1.1.9"]);
        for any in ["", "*", "latest", " "] {
            assert!(set(Npm, any).is_all(), "{any:?}");
        }
        for bad in ["next", "git+https://example.invalid/a.git", "file:../a", "npm:other@1", ">=", "1.2.3.4"] {
            assert!(parse_range(Npm, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cargo_requirements_default_to_caret() {
        use Ecosystem::CratesIo;
        admits(CratesIo, "1.2.3", &["1.2.3", "1.9.9"], &["2.0.0", "1.2.2", "2.0.0-rc.1"]);
        admits(CratesIo, "0.2.3", &["0.2.3", "0.2.9"], &["0.3.0"]);
        admits(CratesIo, "0.0.3", &["0.0.3"], &["0.0.4"]);
        admits(CratesIo, "0.0", &["0.0.7"], &["0.1.0"]);
        admits(CratesIo, "0", &["0.9.0"], &["1.0.0"]);
        admits(CratesIo, "~1.2", &["1.2.0", "1.2.9"], &["1.3.0"]);
        admits(CratesIo, "=1.2.3", &["1.2.3"], &["1.2.4"]);
        admits(CratesIo, "=1.2", &["1.2.5"], &["1.3.0"]);
        admits(CratesIo, "*", &["0.0.1", "9.0.0"], &[]);
        admits(CratesIo, "1.*", &["1.4.0"], &["2.0.0"]);
        admits(CratesIo, ">=1.2, <1.5", &["1.2.0", "1.4.9"], &["1.5.0", "1.1.0"]);
        admits(CratesIo, "> 1.2.3, <= 1.2.5", &["1.2.4", "1.2.5"], &["1.2.3", "1.2.6"]);
        for bad in ["", "1.2,", "abc", "1.2.3.4", "!=1.2"] {
            assert!(parse_range(CratesIo, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pep440_specifier_sets() {
        use Ecosystem::PyPI;
        admits(PyPI, "==1.0", &["1.0", "1.0.0", "1.0+local.1"], &["1.0.post1", "1.0a1", "1.1"]);
        admits(PyPI, "==1.0+local.1", &["1.0+local.1"], &["1.0", "1.0+local.2"]);
        admits(PyPI, "==1.*", &["1.0", "1.9.9", "1.0a1", "1.dev0", "1.5.post2"], &["2.0", "0.9", "2.0.dev0"]);
        admits(PyPI, "!=1.5", &["1.4", "1.5.1", "1.5.post1"], &["1.5", "1.5.0+x"]);
        admits(PyPI, "!=1.5.*", &["1.4.9", "1.6"], &["1.5", "1.5.3", "1.5b1"]);
        admits(PyPI, "~=1.4.5", &["1.4.5", "1.4.99"], &["1.5", "1.4.4"]);
        admits(PyPI, "~=2.2", &["2.2", "2.9"], &["3.0", "2.1"]);
        admits(PyPI, ">=1.0,<2.0", &["1.0", "1.9.9"], &["2.0", "2.0a1", "2.0.dev1", "0.9"]);
        admits(PyPI, "<2.0a2", &["2.0a1"], &["2.0a2"]);
        admits(PyPI, "<=1.0", &["1.0", "1.0+local", "0.5"], &["1.0.post1"]);
        admits(PyPI, ">1.0", &["1.0.1", "1.1a1"], &["1.0", "1.0.post1", "1.0+local"]);
        admits(PyPI, ">1.0.post1", &["1.0.post2", "1.1"], &["1.0.post1", "1.0.post1+x"]);
        admits(PyPI, ">1.0.dev1", &["1.0.dev2", "1.0a1", "1.0", "1.0.1"], &["1.0.dev1", "1.0+x", "1.0.post1"]);
        admits(PyPI, ">1.0a1", &["1.0a2", "1.0", "1.1"], &["1.0a1", "1.0a1.post1", "1.0a1+x", "1.0.post1"]);
        admits(PyPI, ">=1!1.0", &["1!1.0"], &["2.0"]);
        admits(PyPI, "===1.0", &["1.0"], &["1.0+local"]);
        assert!(set(PyPI, "").is_all());
        for bad in ["~=1", ">=1.0+local", "==1.0a1.*", ">1.*", "==", ">=abc", ">=1.0,", "<"] {
            assert!(parse_range(PyPI, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn poetry_shorthands_for_pypi() {
        use Ecosystem::PyPI;
        admits(PyPI, "^1.2.3", &["1.2.3", "1.9"], &["2.0", "2.0rc1"]);
        admits(PyPI, "^0.2.3", &["0.2.9"], &["0.3"]);
        admits(PyPI, "^0.0.3", &["0.0.3"], &["0.0.4"]);
        admits(PyPI, "~1.2.3", &["1.2.9"], &["1.3"]);
        admits(PyPI, "~1", &["1.9"], &["2.0"]);
        admits(PyPI, "1.2.3", &["1.2.3"], &["1.2.4"]);
        admits(PyPI, "^1.0 || ^3.0", &["1.5", "3.1"], &["2.0"]);
        admits(PyPI, ">= 1.2 < 1.5", &["1.2", "1.4.9"], &["1.5", "1.1"]);
        admits(PyPI, "(>=1.0, != 1.3)", &["1.0", "1.4"], &["1.3", "0.9"]);
    }

    #[test]
    fn go_takes_exact_versions_only() {
        admits(Ecosystem::Go, "v1.2.3", &["1.2.3", "v1.2.3+incompatible"], &["v1.2.4"]);
        assert!(parse_range(Ecosystem::Go, ">=v1.2.3").is_err());
    }

    #[test]
    fn requirements_become_sets() {
        let any = requirement_set(Ecosystem::Npm, &Requirement::Any).unwrap();
        assert!(any.is_all());
        let pinned = requirement_set(Ecosystem::PyPI, &Requirement::Resolved("==2.31.0".into())).unwrap();
        assert_eq!(pinned, VersionSet::point(Version::parse(Ecosystem::PyPI, "2.31.0").unwrap()));
        let range = requirement_set(Ecosystem::CratesIo, &Requirement::Range("^0.4".into())).unwrap();
        assert!(range.contains(&Version::parse(Ecosystem::CratesIo, "0.4.20").unwrap()));
        assert!(requirement_set(Ecosystem::Npm, &Requirement::Resolved("not a version".into())).is_err());
    }
}
