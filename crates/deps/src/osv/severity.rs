//! Severity of an advisory: CVSS base scores computed from the vectors (v3.x with the
//! specification's formulas and round-up, v2 as well), and the labels databases write.
//!
//! CVSS v4 scores come from a large lookup table (the MacroVector scores), not a formula;
//! tollgate does not carry that table, so a v4 vector alone yields [`Level::Unknown`]
//! with the vector kept for display, unless the record states a label
//! (`database_specific.severity`, as GitHub's advisories write `"HIGH"`).

use std::collections::HashMap;
use std::fmt;

/// How bad an advisory is, in the words the CVSS specification uses for score bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Level {
    Critical,
    High,
    Medium,
    Low,
    Unknown,
}

impl Level {
    /// The CVSS v3/v4 qualitative band of a score (0.0 "None" counts as low).
    pub fn from_score(score: f64) -> Level {
        match score {
            s if s >= 9.0 => Level::Critical,
            s if s >= 7.0 => Level::High,
            s if s >= 4.0 => Level::Medium,
            _ => Level::Low,
        }
    }

    /// A database's own label: `CRITICAL`, `HIGH`, `MODERATE`/`MEDIUM`, `LOW`, any case.
    pub fn from_label(label: &str) -> Level {
        match label.trim().to_ascii_lowercase().as_str() {
            "critical" => Level::Critical,
            "high" | "important" => Level::High,
            "moderate" | "medium" => Level::Medium,
            "low" | "negligible" => Level::Low,
            _ => Level::Unknown,
        }
    }

    /// Higher is worse; `Unknown` ranks lowest so it never hides a known level.
    pub fn rank(self) -> u8 {
        match self {
            Level::Critical => 4,
            Level::High => 3,
            Level::Medium => 2,
            Level::Low => 1,
            Level::Unknown => 0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Critical => "critical",
            Level::High => "high",
            Level::Medium => "medium",
            Level::Low => "low",
            Level::Unknown => "unknown",
        }
    }
}

/// Orders by how bad: `Unknown < Low < Medium < High < Critical`, so `max()` picks the worst.
impl Ord for Level {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An advisory's severity: the level, the base score when one could be computed, and
/// the vector it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Severity {
    pub level: Level,
    pub score: Option<f64>,
    pub vector: Option<String>,
}

impl Severity {
    pub fn unknown() -> Severity {
        Severity { level: Level::Unknown, score: None, vector: None }
    }
}

impl fmt::Display for Severity {
    /// `critical (9.8)`, or the level alone when there is no score.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.score {
            Some(score) => write!(f, "{} ({score:.1})", self.level),
            None => write!(f, "{}", self.level),
        }
    }
}

/// Reads `KEY:VALUE/KEY:VALUE` metrics; a repeated key makes the vector invalid.
fn metrics(vector: &str) -> Option<HashMap<&str, &str>> {
    let mut map = HashMap::new();
    for part in vector.split('/') {
        let (key, value) = part.split_once(':')?;
        if map.insert(key, value).is_some() {
            return None;
        }
    }
    Some(map)
}

/// CVSS v3.1's Roundup: the smallest number with one decimal that is at least the
/// input, computed on integers so that `4.000000000000001` gives `4.0`, not `4.1`.
pub fn roundup_v31(value: f64) -> f64 {
    let scaled = (value * 100_000.0).round() as i64;
    if scaled % 10_000 == 0 {
        scaled as f64 / 100_000.0
    } else {
        ((scaled / 10_000) + 1) as f64 / 10.0
    }
}

/// CVSS v3.0's round-up: the plain ceiling to one decimal.
fn roundup_v30(value: f64) -> f64 {
    (value * 10.0).ceil() / 10.0
}

/// The base score of a CVSS v3.0 or v3.1 vector (`CVSS:3.1/AV:N/AC:L/…`), or `None`
/// when a base metric is missing or has a value the specification does not define.
/// Temporal and environmental metrics may be present and are ignored.
pub fn cvss3_base_score(vector: &str) -> Option<f64> {
    let vector = vector.trim();
    let (version, rest) = vector.split_once('/')?;
    let roundup: fn(f64) -> f64 = match version {
        "CVSS:3.1" => roundup_v31,
        "CVSS:3.0" => roundup_v30,
        _ => return None,
    };
    let m = metrics(rest)?;
    let scope_changed = match *m.get("S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let attack_vector = match *m.get("AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let attack_complexity = match *m.get("AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let privileges = match (*m.get("PR")?, scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let interaction = match *m.get("UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |key: &str| -> Option<f64> {
        match *m.get(key)? {
            "H" => Some(0.56),
            "L" => Some(0.22),
            "N" => Some(0.0),
            _ => None,
        }
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if scope_changed { 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15) } else { 6.42 * iss };
    let exploitability = 8.22 * attack_vector * attack_complexity * privileges * interaction;
    if impact <= 0.0 {
        return Some(0.0);
    }
    let raw = if scope_changed { 1.08 * (impact + exploitability) } else { impact + exploitability };
    Some(roundup(raw.min(10.0)))
}

/// The base score of a CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally with a
/// `CVSS:2.0/` prefix or in parentheses).
pub fn cvss2_base_score(vector: &str) -> Option<f64> {
    let vector = vector.trim().trim_start_matches('(').trim_end_matches(')');
    let vector = vector.strip_prefix("CVSS:2.0/").unwrap_or(vector);
    let m = metrics(vector)?;
    let access_vector = match *m.get("AV")? {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        _ => return None,
    };
    let access_complexity = match *m.get("AC")? {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        _ => return None,
    };
    let authentication = match *m.get("Au")? {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        _ => return None,
    };
    let cia = |key: &str| -> Option<f64> {
        match *m.get(key)? {
            "N" => Some(0.0),
            "P" => Some(0.275),
            "C" => Some(0.660),
            _ => None,
        }
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * access_vector * access_complexity * authentication;
    let f_impact = if impact == 0.0 { 0.0 } else { 1.176 };
    let raw = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f_impact;
    Some((raw * 10.0).round() / 10.0)
}

/// The CVSS v2 bands (v2 has no "critical").
pub fn level_from_v2_score(score: f64) -> Level {
    match score {
        s if s >= 7.0 => Level::High,
        s if s >= 4.0 => Level::Medium,
        _ => Level::Low,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss31_examples_computed_by_hand() {
        // Network, no privileges, no interaction, full impact: 3.887 + 5.873 = 9.760 → 9.8.
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), Some(9.8));
        // Reflected XSS: scope changed, 1.08 × (2.7268 + 2.8353) = 6.0070 → 6.1.
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), Some(6.1));
        // Local read with low privileges: 3.5952 + 1.8346 = 5.4298 → 5.5.
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), Some(5.5));
        // No impact at all scores 0.
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), Some(0.0));
        // Scope changed, everything high, capped at 10.
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), Some(10.0));
    }

    #[test]
    fn cvss30_uses_its_own_rounding_and_ignores_temporal_metrics() {
        // 1.4124 + 0.5146 = 1.9270 → 2.0.
        assert_eq!(cvss3_base_score("CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), Some(2.0));
        assert_eq!(cvss3_base_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O"), Some(9.8));
    }

    #[test]
    fn invalid_v3_vectors_have_no_score() {
        for bad in [
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "",
        ] {
            assert_eq!(cvss3_base_score(bad), None, "{bad}");
        }
    }

    #[test]
    fn roundup_avoids_floating_point_surprises() {
        assert_eq!(roundup_v31(4.000000000000001), 4.0);
        assert_eq!(roundup_v31(4.02), 4.1);
        assert_eq!(roundup_v31(4.0), 4.0);
    }

    #[test]
    fn cvss2_examples_computed_by_hand() {
        // (0.6 × 6.4430 + 0.4 × 9.9968 − 1.5) × 1.176 = 7.4847 → 7.5.
        assert_eq!(cvss2_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Some(7.5));
        assert_eq!(cvss2_base_score("(AV:N/AC:L/Au:N/C:C/I:C/A:C)"), Some(10.0));
        assert_eq!(cvss2_base_score("AV:N/AC:L/Au:N/C:N/I:N/A:N"), Some(0.0));
        assert_eq!(cvss2_base_score("AV:N/AC:L/C:P/I:P/A:P"), None);
        assert_eq!(level_from_v2_score(7.5), Level::High);
    }

    #[test]
    fn levels_from_scores_and_labels() {
        assert_eq!(Level::from_score(9.8), Level::Critical);
        assert_eq!(Level::from_score(7.0), Level::High);
        assert_eq!(Level::from_score(6.9), Level::Medium);
        assert_eq!(Level::from_score(0.0), Level::Low);
        assert_eq!(Level::from_label("MODERATE"), Level::Medium);
        assert_eq!(Level::from_label("High"), Level::High);
        assert_eq!(Level::from_label("whatever"), Level::Unknown);
        assert!(Level::Critical > Level::High && Level::Low > Level::Unknown);
        assert_eq!([Level::Low, Level::Critical, Level::Medium].into_iter().max(), Some(Level::Critical));
        let severity = Severity { level: Level::Critical, score: Some(9.8), vector: None };
        assert_eq!(severity.to_string(), "critical (9.8)");
        assert_eq!(Severity::unknown().to_string(), "unknown");
    }
}
