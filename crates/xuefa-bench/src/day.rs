//! Calendar days as a count from 1970-01-01, enough for rosters and session dates without a
//! date library.

/// A day: days since 1970-01-01.
pub type Day = i32;

/// Returns the day of a civil date.
pub fn day(year: i32, month: u32, dom: u32) -> Day {
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + dom as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Returns (year, month, day of month) of a day.
pub fn civil(day: Day) -> (i32, u32, u32) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

/// Returns the day as `YYYY-MM-DD`.
pub fn format(day: Day) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Returns the weekday, 0 for Monday to 6 for Sunday.
pub fn weekday(day: Day) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

/// Returns the day moved back to the Friday before when it falls on a weekend.
pub fn workday(day: Day) -> Day {
    match weekday(day) {
        5 => day - 1,
        6 => day - 2,
        _ => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(day(1970, 1, 1), 0);
        assert_eq!(format(day(2026, 11, 26)), "2026-11-26");
        assert_eq!(format(day(2024, 2, 29)), "2024-02-29");
        assert_eq!(format(day(2026, 3, 1) - 1), "2026-02-28");
        for d in day(1980, 1, 1)..day(2030, 1, 1) {
            let (y, m, dom) = civil(d);
            assert_eq!(day(y, m, dom), d);
        }
        // 2026-11-26 is a Thursday.
        assert_eq!(weekday(day(2026, 11, 26)), 3);
        assert_eq!(format(workday(day(2026, 11, 29))), "2026-11-27");
    }
}
