//! How figures are written for people, the same in every front end: points and hours
//! (`2`, `1.5`, `0.667`), rates (`95.9%`, or `—` when there is none), and the rules for a
//! rate whose denominator is empty.

/// Returns a number of points or hours as people write it: `2`, `1.5`, `0.667`.
pub fn points(value: f64) -> String {
    let rounded = xuefa_core::exam::round3(value);
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded}") }
}

/// Returns `a ÷ b`, or `None` for an empty denominator.
pub fn rate(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Returns a rate as people read it: `95.9%`, or `—` when there is none.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// Returns a time as a person at the office reads it: `2026-12-04 09:30:00`.
pub fn shown_time(time: jiff::Timestamp, offset: jiff::tz::Offset) -> String {
    offset.to_datetime(time).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// Returns a time for programs: RFC 3339 in the office's offset, `2026-12-04T09:30:00+08:00`.
pub fn rfc3339(time: jiff::Timestamp, offset: jiff::tz::Offset) -> String {
    time.display_with_offset(offset).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(points(2.0), "2");
        assert_eq!(points(1.5), "1.5");
        assert_eq!(points(2.0 / 3.0), "0.667");
        assert_eq!(rate(1, 0), None, "no denominator, no rate");
        assert_eq!(percent(rate(47, 49)), "95.9%");
        assert_eq!(percent(None), "—");
    }
}
