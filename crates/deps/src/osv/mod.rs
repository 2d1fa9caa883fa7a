//! OSV advisories (schema 1.6): the record as serde types, and the questions the
//! dependency guard asks of it — does it affect this version, which versions does it
//! affect, how bad is it, is the package malicious, which release fixes it.
//!
//! Matching follows the schema's evaluation algorithm (`IsVulnerable`): an affected entry
//! counts when its ecosystem is the dependency's and its name normalises to the same
//! key; the version is affected when it is listed in `versions` or falls inside a range.
//! A range's events are sorted by version (`introduced: "0"` first) and walked:
//! `introduced` opens, `fixed` closes before itself, `last_affected` closes after itself,
//! and `limit` events cap the whole range. `GIT` ranges (commit hashes) and range types
//! this schema version does not define are skipped without stopping the other ranges.
//! `SEMVER` and `ECOSYSTEM` ranges are both read with the ecosystem's own order: for
//! npm, crates.io and Go that is SemVer; PyPI records only use `ECOSYSTEM`, and PEP 440
//! reads plain SemVer strings the same way should one appear.
//!
//! What makes an advisory "malicious" ([`Advisory::is_malicious`]):
//! - an id or alias with OSV's `MAL-` prefix (the OpenSSF malicious-packages feed);
//! - a `database_specific.malicious-packages-origins` entry, which that feed writes;
//! - CWE-506 "Embedded Malicious Code" in `database_specific.cwe_ids`, which GitHub's
//!   malware advisories carry;
//! - an `informational` value of `"malicious"` (no database is known to write it today;
//!   it is read for symmetry with the RustSec kinds below).
//!
//! RustSec writes its advisory kind per affected entry as
//! `affected[].database_specific.informational` (`unmaintained`, `unsound`, `notice`,
//! or absent/null for a vulnerability); [`Advisory::informational`] returns it (a
//! top-level `database_specific.informational` is read too). RustSec's
//! `affected[].ecosystem_specific.affects.functions` lists the affected paths.

mod severity;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub use severity::{cvss2_base_score, cvss3_base_score, level_from_v2_score, roundup_v31, Level, Severity};

use crate::model::Ecosystem;
use crate::version::{Bound, Version, VersionError, VersionSet};

/// Why an advisory could not be read or judged.
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    /// The bytes are not JSON, or not an OSV record; line and column are 1-based.
    #[error("not a valid OSV record (line {line}, column {column}): {message}")]
    Parse { line: usize, column: usize, message: String },
    /// The version being judged could not be read in its ecosystem's grammar.
    #[error("cannot judge {version:?} against {id}: {source}")]
    Version {
        id: String,
        version: String,
        #[source]
        source: VersionError,
    },
    /// A version inside the advisory could not be read, so its ranges cannot be judged.
    #[error("advisory {id} has a version that cannot be read: {source}")]
    Record {
        id: String,
        #[source]
        source: VersionError,
    },
}

/// How much of a requirement's admitted versions an advisory covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Exposure {
    /// Every version the requirement admits is affected (block).
    Every,
    /// Some admitted versions are affected, some are not (warn).
    Some,
    /// No admitted version is affected.
    None,
}

impl Exposure {
    /// Compares the versions a requirement admits with the versions an advisory affects.
    pub fn of(admitted: &VersionSet, affected: &VersionSet) -> Exposure {
        if admitted.is_empty() || !admitted.intersects(affected) {
            Exposure::None
        } else if admitted.is_subset_of(affected) {
            Exposure::Every
        } else {
            Exposure::Some
        }
    }
}

/// Reads `null` like an absent field: OSV exporters write both.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// One OSV record.
#[derive(Debug, Clone, Deserialize)]
pub struct Advisory {
    #[serde(default)]
    pub schema_version: Option<String>,
    pub id: String,
    #[serde(default)]
    pub modified: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    /// Present when the record was retracted; a withdrawn advisory never matches.
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub related: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    pub affected: Vec<Affected>,
    #[serde(default, deserialize_with = "nullable")]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

/// A `severity[]` entry: `type` is `CVSS_V2`, `CVSS_V3`, `CVSS_V4` or `Ubuntu`.
#[derive(Debug, Clone, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

/// One package an advisory affects, with its versions.
#[derive(Debug, Clone, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<Package>,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "nullable")]
    pub versions: Vec<String>,
    #[serde(default)]
    pub ecosystem_specific: Option<Value>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    #[serde(default)]
    pub purl: Option<String>,
}

/// How a range's versions compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    Semver,
    Ecosystem,
    Git,
    /// A type this schema version does not define; skipped like `GIT`.
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeKind,
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub events: Vec<Event>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// One range event; the schema gives each event exactly one of the four keys.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawEvent")]
pub struct Event {
    pub kind: EventKind,
    pub version: String,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

impl TryFrom<RawEvent> for Event {
    type Error = String;

    fn try_from(raw: RawEvent) -> Result<Event, String> {
        let present: Vec<(EventKind, String)> = [
            (EventKind::Introduced, raw.introduced),
            (EventKind::Fixed, raw.fixed),
            (EventKind::LastAffected, raw.last_affected),
            (EventKind::Limit, raw.limit),
        ]
        .into_iter()
        .filter_map(|(kind, version)| version.map(|v| (kind, v)))
        .collect();
        match <[(EventKind, String); 1]>::try_from(present) {
            Ok([(kind, version)]) => Ok(Event { kind, version }),
            Err(_) => Err("a range event needs exactly one of introduced, fixed, last_affected, limit".to_string()),
        }
    }
}

/// An event with its version read: `None` stands for `introduced: "0"` (from the
/// start) and `limit: "*"` (no limit).
struct ParsedEvent<'a> {
    kind: EventKind,
    version: Option<Version>,
    text: &'a str,
}

impl Affected {
    /// Whether this entry is about the named package of the ecosystem.
    fn is_for(&self, ecosystem: Ecosystem, key: &str) -> bool {
        self.package.as_ref().is_some_and(|p| {
            Ecosystem::from_osv(&p.ecosystem) == Some(ecosystem) && ecosystem.normalise(&p.name) == key
        })
    }

    /// Whether `versions` lists the version: compared as versions (`1.0` is `1.0.0`),
    /// or as text when a listed string is not a version of the ecosystem.
    fn lists(&self, ecosystem: Ecosystem, version: &Version, text: &str) -> bool {
        self.versions.iter().any(|listed| match Version::parse(ecosystem, listed) {
            Ok(parsed) => &parsed == version,
            Err(_) => listed.trim() == text.trim(),
        })
    }

    fn info_string(&self, key: &str) -> Option<&str> {
        self.database_specific.as_ref()?.get(key)?.as_str()
    }
}

impl Range {
    fn is_comparable(&self) -> bool {
        matches!(self.kind, RangeKind::Semver | RangeKind::Ecosystem)
    }

    /// The events with versions read, sorted as the evaluation algorithm asks.
    fn sorted_events(&self, ecosystem: Ecosystem, id: &str) -> Result<Vec<ParsedEvent<'_>>, OsvError> {
        let mut parsed = Vec::with_capacity(self.events.len());
        for event in &self.events {
            let text = event.version.trim();
            let version = match (event.kind, text) {
                (EventKind::Introduced, "0") | (EventKind::Limit, "*") => None,
                _ => Some(
                    Version::parse(ecosystem, text)
                        .map_err(|source| OsvError::Record { id: id.to_string(), source })?,
                ),
            };
            parsed.push(ParsedEvent { kind: event.kind, version, text: &event.version });
        }
        // `None` (introduced "0") sorts first; the sort is stable for equal versions.
        parsed.sort_by(|a, b| a.version.cmp(&b.version));
        Ok(parsed)
    }

    /// The schema's `IsVulnerable` walk and `BeforeLimits` check for one version.
    fn includes(&self, ecosystem: Ecosystem, id: &str, version: &Version) -> Result<bool, OsvError> {
        let events = self.sorted_events(ecosystem, id)?;
        Ok(walk(&events, |event| version >= event, |event| version > event))
    }

    /// The versions the range affects. Between two consecutive event versions (and at
    /// each of them) the walk's answer cannot change, so evaluating the walk once per
    /// stretch and once per event version gives exactly the versions [`Range::includes`]
    /// accepts, even for records whose events contradict each other.
    fn affected_set(&self, ecosystem: Ecosystem, id: &str) -> Result<VersionSet, OsvError> {
        let events = self.sorted_events(ecosystem, id)?;
        let mut points: Vec<&Version> = events.iter().filter_map(|e| e.version.as_ref()).collect();
        points.dedup();
        let index = |v: &Version| points.binary_search(&v).unwrap_or_else(|i| i);
        let mut set = VersionSet::empty();
        for i in 0..=points.len() {
            // The stretch strictly below points[i] and above points[i - 1].
            if walk(&events, |e| index(e) < i, |e| index(e) < i) {
                let lower = i.checked_sub(1).map_or(Bound::Unbounded, |p| Bound::Excluded(points[p].clone()));
                let upper = points.get(i).map_or(Bound::Unbounded, |p| Bound::Excluded((*p).clone()));
                set = set.union(&VersionSet::between(lower, upper));
            }
            // The event version points[i] itself.
            if i < points.len() && walk(&events, |e| index(e) <= i, |e| index(e) < i) {
                set = set.union(&VersionSet::point(points[i].clone()));
            }
        }
        Ok(set)
    }
}

/// The evaluation walk over sorted events, given how the version in question compares
/// with an event version: `at_least(e)` is `v >= e`, `above(e)` is `v > e`. `None`
/// stands for `introduced: "0"` and `limit: "*"`, which every version reaches or is below.
fn walk(events: &[ParsedEvent<'_>], at_least: impl Fn(&Version) -> bool, above: impl Fn(&Version) -> bool) -> bool {
    let mut vulnerable = false;
    let mut limits = Vec::new();
    for event in events {
        match (event.kind, &event.version) {
            (EventKind::Introduced, None) => vulnerable = true,
            (EventKind::Introduced, Some(v)) if at_least(v) => vulnerable = true,
            (EventKind::Fixed, Some(v)) if at_least(v) => vulnerable = false,
            (EventKind::LastAffected, Some(v)) if above(v) => vulnerable = false,
            (EventKind::Limit, limit) => limits.push(limit.as_ref()),
            _ => {}
        }
    }
    // BeforeLimits: below any one limit (`v < limit` is `!(v >= limit)`).
    vulnerable && (limits.is_empty() || limits.iter().any(|limit| limit.is_none_or(|l| !at_least(l))))
}

impl Advisory {
    /// Reads one OSV record from JSON.
    pub fn parse(bytes: &[u8]) -> Result<Advisory, OsvError> {
        serde_json::from_slice(bytes).map_err(|e| {
            // serde_json ends its message with the position, which the variant carries.
            let message = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&suffix).unwrap_or(&message).to_string();
            OsvError::Parse { line: e.line(), column: e.column(), message }
        })
    }

    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }

    /// Every package the advisory names, as `(ecosystem, normalised name)` keys, for an
    /// index; entries of ecosystems tollgate does not read are left out.
    pub fn packages(&self) -> Vec<(Ecosystem, String)> {
        let mut keys: Vec<(Ecosystem, String)> = self
            .affected
            .iter()
            .filter_map(|a| a.package.as_ref())
            .filter_map(|p| Ecosystem::from_osv(&p.ecosystem).map(|e| (e, e.normalise(&p.name))))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The affected entries about this package.
    pub fn entries_for<'a>(&'a self, ecosystem: Ecosystem, name: &str) -> impl Iterator<Item = &'a Affected> + 'a {
        let key = ecosystem.normalise(name);
        self.affected.iter().filter(move |a| a.is_for(ecosystem, &key))
    }

    /// Whether this advisory affects the version of the package. A withdrawn advisory
    /// affects nothing. A version that cannot be read is an error, never "not affected".
    pub fn matches(&self, ecosystem: Ecosystem, name: &str, version: &str) -> Result<bool, OsvError> {
        if self.is_withdrawn() {
            return Ok(false);
        }
        let parsed = self.parse_queried(ecosystem, version)?;
        if self.entries_for(ecosystem, name).any(|entry| entry.lists(ecosystem, &parsed, version)) {
            return Ok(true);
        }
        for entry in self.entries_for(ecosystem, name) {
            for range in entry.ranges.iter().filter(|r| r.is_comparable()) {
                if parsed.is_legacy() {
                    // Where a non-PEP 440 version falls in a range is a guess; saying
                    // "not affected" on a guess is what this function must not do.
                    return Err(OsvError::Version {
                        id: self.id.clone(),
                        version: version.to_string(),
                        source: VersionError::Version {
                            ecosystem,
                            text: version.to_string(),
                            reason: "not a PEP 440 version, so it has no place in the advisory's ranges".to_string(),
                        },
                    });
                }
                if range.includes(ecosystem, &self.id, &parsed)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    fn parse_queried(&self, ecosystem: Ecosystem, version: &str) -> Result<Version, OsvError> {
        Version::parse(ecosystem, version).map_err(|source| OsvError::Version {
            id: self.id.clone(),
            version: version.to_string(),
            source,
        })
    }

    /// Every version of the package this advisory affects (empty when withdrawn), for
    /// judging a requirement that is not resolved to one version. Listed versions that
    /// cannot be read as versions cannot be placed in a set and are left out.
    pub fn affected_set(&self, ecosystem: Ecosystem, name: &str) -> Result<VersionSet, OsvError> {
        let mut set = VersionSet::empty();
        if self.is_withdrawn() {
            return Ok(set);
        }
        for entry in self.entries_for(ecosystem, name) {
            for listed in &entry.versions {
                if let Ok(v) = Version::parse(ecosystem, listed) {
                    set = set.union(&VersionSet::point(v));
                }
            }
            for range in entry.ranges.iter().filter(|r| r.is_comparable()) {
                set = set.union(&range.affected_set(ecosystem, &self.id)?);
            }
        }
        Ok(set)
    }

    /// How much of what a requirement admits this advisory affects.
    pub fn exposure(&self, ecosystem: Ecosystem, name: &str, admitted: &VersionSet) -> Result<Exposure, OsvError> {
        Ok(Exposure::of(admitted, &self.affected_set(ecosystem, name)?))
    }

    /// The smallest `fixed` version above `version` in a range that affects it: the
    /// nearest upgrade that leaves this advisory behind. `None` when no range that
    /// contains the version names a fix, or the version cannot be read ([`matches`]
    /// reports that).
    ///
    /// [`matches`]: Advisory::matches
    pub fn nearest_fixed(&self, ecosystem: Ecosystem, name: &str, version: &str) -> Option<String> {
        if self.is_withdrawn() {
            return None;
        }
        let parsed = Version::parse(ecosystem, version).ok()?;
        let mut best: Option<(Version, String)> = None;
        for entry in self.entries_for(ecosystem, name) {
            for range in entry.ranges.iter().filter(|r| r.is_comparable()) {
                if !range.includes(ecosystem, &self.id, &parsed).unwrap_or(false) {
                    continue;
                }
                let Ok(events) = range.sorted_events(ecosystem, &self.id) else { continue };
                for event in events {
                    if let (EventKind::Fixed, Some(fixed)) = (event.kind, event.version) {
                        if fixed > parsed && best.as_ref().is_none_or(|(b, _)| fixed < *b) {
                            best = Some((fixed, event.text.trim().to_string()));
                        }
                    }
                }
            }
        }
        best.map(|(_, text)| text)
    }

    /// The first non-empty line of `details`, for one-line display.
    pub fn details_first_line(&self) -> Option<&str> {
        self.details.as_deref()?.lines().map(str::trim).find(|line| !line.is_empty())
    }

    /// What to show as the advisory's title: the summary, else the first line of details.
    pub fn headline(&self) -> Option<&str> {
        self.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()).or_else(|| self.details_first_line())
    }

    /// The label a database states (`database_specific.severity`, top level first, then
    /// per affected entry), as GitHub's advisories write it.
    fn severity_label(&self) -> Option<Level> {
        let top = self.database_specific.as_ref().and_then(|d| d.get("severity")).and_then(Value::as_str);
        let per_entry = self.affected.iter().filter_map(|a| a.info_string("severity"));
        top.into_iter().chain(per_entry).map(Level::from_label).find(|l| *l != Level::Unknown)
    }

    /// How bad the advisory is. In order of preference: a CVSS v3 base score computed
    /// from the vector; a CVSS v4 vector with the database's label; a CVSS v2 base score;
    /// the database's label alone; an uncomputable vector kept with `Unknown`.
    pub fn severity(&self) -> Severity {
        let entries: Vec<&SeverityEntry> =
            self.severity.iter().chain(self.affected.iter().flat_map(|a| a.severity.iter())).collect();
        let of_kind = |kind: &'static str| entries.iter().filter(move |e| e.kind.eq_ignore_ascii_case(kind));
        let label = self.severity_label();
        for entry in of_kind("CVSS_V3") {
            if let Some(score) = cvss3_base_score(&entry.score) {
                return Severity {
                    level: Level::from_score(score),
                    score: Some(score),
                    vector: Some(entry.score.clone()),
                };
            }
        }
        if let (Some(entry), Some(level)) = (of_kind("CVSS_V4").next(), label) {
            return Severity { level, score: None, vector: Some(entry.score.clone()) };
        }
        for entry in of_kind("CVSS_V2") {
            if let Some(score) = cvss2_base_score(&entry.score) {
                return Severity {
                    level: level_from_v2_score(score),
                    score: Some(score),
                    vector: Some(entry.score.clone()),
                };
            }
        }
        if let Some(level) = label {
            return Severity { level, score: None, vector: None };
        }
        Severity { level: Level::Unknown, score: None, vector: entries.first().map(|e| e.score.clone()) }
    }

    /// Whether the advisory reports a malicious package rather than a flaw (see the
    /// module documentation for the signals read).
    pub fn is_malicious(&self) -> bool {
        let mal_id = |id: &String| id.starts_with("MAL-");
        if mal_id(&self.id) || self.aliases.iter().any(mal_id) {
            return true;
        }
        if let Some(db) = &self.database_specific {
            if db.get("malicious-packages-origins").is_some() {
                return true;
            }
            let cwes = db.get("cwe_ids").and_then(Value::as_array);
            if cwes.is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some("CWE-506"))) {
                return true;
            }
        }
        self.informational().is_some_and(|kind| kind.eq_ignore_ascii_case("malicious"))
    }

    /// RustSec's advisory kind for non-vulnerabilities: `unmaintained`, `unsound`,
    /// `notice`. `None` for an ordinary vulnerability.
    pub fn informational(&self) -> Option<&str> {
        let top = self.database_specific.as_ref().and_then(|d| d.get("informational")).and_then(Value::as_str);
        top.or_else(|| self.affected.iter().find_map(|a| a.info_string("informational")))
    }

    /// The functions RustSec names as affected for this package
    /// (`ecosystem_specific.affects.functions`), for display.
    pub fn affected_functions(&self, ecosystem: Ecosystem, name: &str) -> Vec<String> {
        self.entries_for(ecosystem, name)
            .filter_map(|a| a.ecosystem_specific.as_ref()?.get("affects")?.get("functions")?.as_array())
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect()
    }
}

#[cfg(test)]
mod tests;
