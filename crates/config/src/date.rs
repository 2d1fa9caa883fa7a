use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar date, for allowlist expiry. Ordered as dates are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Today's date in UTC. `TOLLGATE_TODAY=YYYY-MM-DD` overrides it, so expiry can be
/// tested without waiting for the calendar.
pub fn today() -> Date {
    if let Some(d) = std::env::var("TOLLGATE_TODAY").ok().and_then(|s| Date::parse(s.trim())) {
        return d;
    }
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Date::from_unix_days((secs / 86_400) as i64)
}

impl Date {
    /// Parses `YYYY-MM-DD` (four-digit year, two-digit month and day), a date that
    /// exists: `2026-02-31` and `2026-13-01` do not.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shaped {
            return None;
        }
        let year: i32 = s[..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..].parse().ok()?;
        Date::new(year, month, day)
    }

    /// A date, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// The civil date of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date from a TOML date (`2027-01-01`) or a string of the same form. An impossible
/// date, a time or an offset is an error at the value.
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

struct DateVisitor;

impl<'de> serde::de::Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a date YYYY-MM-DD")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
        Date::parse(s).ok_or_else(|| E::custom(date_problem(s)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
        use serde::de::Error;
        let dt = toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(i32::from(d.year), d.month, d.day)
                .ok_or_else(|| A::Error::custom(format!("`{dt}` is not a date that exists"))),
            _ => Err(A::Error::custom(format!("expected a date YYYY-MM-DD without a time, found `{dt}`"))),
        }
    }
}

use serde::Deserialize as _;

fn date_problem(s: &str) -> String {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() });
    if shaped {
        format!("`{s}` is not a date that exists")
    } else {
        format!("expected a date YYYY-MM-DD, found `{s}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_from_days() {
        assert_eq!(Date::from_unix_days(0), Date { year: 1970, month: 1, day: 1 });
        assert_eq!(Date::from_unix_days(20_416), Date { year: 2025, month: 11, day: 24 });
        assert_eq!(Date::from_unix_days(11_016), Date { year: 2000, month: 2, day: 29 });
    }

    #[test]
    fn parse_and_order() {
        let a = Date::parse("2026-01-31").unwrap();
        let b = Date::parse("2026-02-01").unwrap();
        assert!(a < b);
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("soon").is_none());
    }

    #[test]
    fn impossible_dates_do_not_parse() {
        assert!(Date::parse("2026-02-31").is_none());
        assert!(Date::parse("2026-04-31").is_none());
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("2100-02-29").is_none());
        assert!(Date::parse("2026-00-10").is_none());
        assert!(Date::parse("2026-01-00").is_none());
        assert!(Date::parse("2026-1-5").is_none());
        assert!(Date::parse(" 2026-01-05").is_none());
        assert_eq!(Date::parse("2026-12-31"), Some(Date { year: 2026, month: 12, day: 31 }));
    }
}
