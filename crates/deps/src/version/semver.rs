//! Semantic versions as npm, crates.io and Go order them, read leniently because OSV
//! records and old manifests write `1.0`, `v1.2.3` or `=1.2.3`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// One dot-separated pre-release identifier. Numeric identifiers sort before
/// alphanumeric ones and compare as numbers (SemVer 2.0, rule 11); the variant order
/// gives exactly that.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identifier {
    Number(u64),
    Text(String),
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Number(n) => write!(f, "{n}"),
            Identifier::Text(t) => f.write_str(t),
        }
    }
}

/// A semantic version. Build metadata (`+incompatible`, `+build.5`) is kept for display
/// but ignored by equality, hashing and ordering, as SemVer and Go both ignore it.
#[derive(Debug, Clone)]
pub struct SemVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<Identifier>,
    pub build: String,
}

impl SemVersion {
    pub fn new(major: u64, minor: u64, patch: u64) -> SemVersion {
        SemVersion { major, minor, patch, pre: Vec::new(), build: String::new() }
    }

    /// `major.minor.patch-0`: the smallest version with this core, below all of its
    /// pre-releases. Upper bounds like `<2.0.0-0` keep `2.0.0-alpha` out of `^1`.
    pub fn lowest_of(major: u64, minor: u64, patch: u64) -> SemVersion {
        SemVersion { pre: vec![Identifier::Number(0)], ..SemVersion::new(major, minor, patch) }
    }

    /// Parses leniently: an optional `v`/`V` or `=` prefix, surrounding whitespace and
    /// missing minor or patch numbers (`1.0` is `1.0.0`, `1` is `1.0.0`) are accepted,
    /// because OSV's `introduced: "1.0"` and Go's `v1.2` shorthand occur. A fourth
    /// number (`1.2.3.4`) is refused: neither npm, crates.io nor Go publish such
    /// versions, so guessing an order for it would only hide a data error.
    pub fn parse(text: &str) -> Result<SemVersion, String> {
        let trimmed = text.trim();
        let body = trimmed.strip_prefix('=').unwrap_or(trimmed).trim_start();
        let body = body.strip_prefix(['v', 'V']).unwrap_or(body);
        let (body, build) = match body.split_once('+') {
            Some((b, build)) => {
                if build.is_empty() || !build.split('.').all(is_identifier) {
                    return Err(format!("invalid build metadata {build:?}"));
                }
                (b, build.to_string())
            }
            None => (body, String::new()),
        };
        let (core, pre) = match body.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (body, None),
        };
        let numbers: Vec<&str> = core.split('.').collect();
        if numbers.len() > 3 {
            return Err("more than three version numbers".to_string());
        }
        let mut parsed = [0u64; 3];
        for (slot, number) in parsed.iter_mut().zip(&numbers) {
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("expected a number, found {number:?}"));
            }
            *slot = number.parse().map_err(|_| format!("number {number:?} is too large"))?;
        }
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => {
                let mut identifiers = Vec::new();
                for part in pre.split('.') {
                    if !is_identifier(part) {
                        return Err(format!("invalid pre-release identifier {part:?}"));
                    }
                    identifiers.push(match part.parse::<u64>() {
                        Ok(n) if part.bytes().all(|b| b.is_ascii_digit()) => Identifier::Number(n),
                        _ => Identifier::Text(part.to_string()),
                    });
                }
                identifiers
            }
        };
        Ok(SemVersion { major: parsed[0], minor: parsed[1], patch: parsed[2], pre, build })
    }

    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

fn is_identifier(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Ord for SemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch)).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                // A release sorts after every pre-release of itself.
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                // Identifier by identifier; a shorter list that is a prefix sorts first.
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

impl PartialOrd for SemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemVersion {}

impl Hash for SemVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.major, self.minor, self.patch, &self.pre).hash(state);
    }
}

impl fmt::Display for SemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            let pre: Vec<String> = self.pre.iter().map(Identifier::to_string).collect();
            write!(f, "-{}", pre.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> SemVersion {
        SemVersion::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn lenient_forms_fill_missing_numbers() {
        assert_eq!(v("1.0"), v("1.0.0"));
        assert_eq!(v("1"), v("1.0.0"));
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert_eq!(v(" =1.2.3 "), v("1.2.3"));
        assert_eq!(v("1.2").to_string(), "1.2.0");
    }

    #[test]
    fn refuses_malformed_versions() {
        for bad in ["", "1.2.3.4", "a.b.c", "1..2", "1.2.3-", "1.2.3-a..b", "1.2.3+", "1.2.3-a_b", "latest"] {
            assert!(SemVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prereleases_order_by_identifiers() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1-0",
            "1.0.1",
            "1.10.0",
            "2.0.0",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn build_metadata_is_ignored_but_displayed() {
        assert_eq!(v("1.2.3+build.5"), v("1.2.3"));
        assert_eq!(v("v2.0.0+incompatible"), v("2.0.0"));
        assert_eq!(v("2.0.0+incompatible").to_string(), "2.0.0+incompatible");
    }

    #[test]
    fn lowest_of_sits_below_every_prerelease() {
        let floor = SemVersion::lowest_of(2, 0, 0);
        assert!(floor < v("2.0.0-0.1"));
        assert!(floor < v("2.0.0-alpha"));
        assert!(v("1.99.99") < floor);
    }
}
