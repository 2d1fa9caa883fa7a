//! The two time forms the report meets: RFC 3339 timestamps in the log, and
//! `YYYY-MM-DD` or RFC 3339 for `--since`. Written here rather than pulled from a
//! date crate: the log only ever holds UTC timestamps, and the report only needs
//! seconds since the epoch and a calendar day back.

/// Seconds since 1970-01-01T00:00:00Z of `YYYY-MM-DD` (midnight UTC) or an RFC 3339
/// timestamp (`2026-03-01T12:00:00Z`, fractions and `+02:00` offsets allowed).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: i64 = digits(&b[0..4])?;
    let month: i64 = digits(&b[5..7])?;
    let day: i64 = digits(&b[8..10])?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let midnight = days_from_civil(year, month, day) * 86_400;
    if b.len() == 10 {
        return Some(midnight);
    }
    // `T` or a space between date and time (RFC 3339 allows both, `t` too).
    if b.len() < 19 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second): (i64, i64, i64) = (digits(&b[11..13])?, digits(&b[14..16])?, digits(&b[17..19])?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(after_dot) = rest.strip_prefix(b".") {
        let n = after_dot.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &after_dot[n..];
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m): (i64, i64) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    Some(midnight + hour * 3600 + minute * 60 + second - offset)
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, c| n * 10 + i64::from(c - b'0')))
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `YYYY-MM-DD` of a timestamp, in UTC.
pub fn format_date(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a timestamp.
pub fn format_timestamp(secs: i64) -> String {
    let s = secs.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", format_date(secs), s / 3600, s / 60 % 60, s % 60)
}

/// The Monday that starts the ISO week holding `secs`, as a timestamp at midnight.
pub fn week_start(secs: i64) -> i64 {
    let days = secs.div_euclid(86_400);
    // 1970-01-01 was a Thursday: days since a Monday is (days + 3) mod 7.
    (days - (days + 3).rem_euclid(7)) * 86_400
}

/// A duration as a person reads it: `45s`, `12m`, `3h 20m`, `2d 4h`.
pub fn format_duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h {}m", s / 3600, s / 60 % 60),
        s => format!("{}d {}h", s / 86_400, s / 3600 % 24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_parse_to_the_same_epoch_seconds() {
        assert_eq!(parse_timestamp("1970-01-01"), Some(0));
        assert_eq!(parse_timestamp("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(parse_timestamp("2026-03-01T12:30:00Z"), Some(1_772_368_200));
        assert_eq!(parse_timestamp("2026-03-01T14:30:00+02:00"), parse_timestamp("2026-03-01T12:30:00Z"));
        assert_eq!(parse_timestamp("2026-03-01T12:30:00.123456Z"), parse_timestamp("2026-03-01T12:30:00Z"));
        assert_eq!(parse_timestamp("2024-02-29"), Some(days_from_civil(2024, 2, 29) * 86_400));
    }

    #[test]
    fn impossible_or_malformed_times_are_refused() {
        for bad in [
            "",
            "2026-02-30",
            "2026-13-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-01T25:00:00Z",
            "2026-01-01T10:00:00",
            "2026-01-01T10:00:00+0200",
            "2026-01-01T10:00:00.Z",
            "yesterday",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad} parsed");
        }
    }

    #[test]
    fn formatting_round_trips_and_weeks_start_on_monday() {
        let t = parse_timestamp("2026-12-01T02:15:09Z").unwrap();
        assert_eq!(format_timestamp(t), "2026-12-01T02:15:09Z");
        assert_eq!(format_date(parse_timestamp("2000-02-29").unwrap()), "2000-02-29");
        // 2026-12-03 is a Thursday; its week starts on Monday 2026-11-30.
        assert_eq!(format_date(week_start(parse_timestamp("2026-12-03T23:00:00Z").unwrap())), "2026-11-30");
        assert_eq!(format_date(week_start(parse_timestamp("2026-11-30").unwrap())), "2026-11-30");
    }

    #[test]
    fn durations_read_as_a_person_would_say_them() {
        assert_eq!(format_duration(42), "42s");
        assert_eq!(format_duration(600), "10m");
        assert_eq!(format_duration(3 * 3600 + 20 * 60), "3h 20m");
        assert_eq!(format_duration(2 * 86_400 + 4 * 3600), "2d 4h");
    }
}
