//! UK calendar rules for engineer appointments: working days (no weekends, no England & Wales
//! bank holidays) and the local offset (GMT `Z`, BST `+01:00`), as BT renders slot times.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, Offset, SecondsFormat, TimeZone, Utc, Weekday,
};

/// England & Wales bank holidays (gov.uk), 2026–2027, plus the first of 2028 so that a search in
/// late December 2027 still skips it.
const BANK_HOLIDAYS: &[(i32, u32, u32)] = &[
    (2026, 1, 1),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 31),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 3, 26),
    (2027, 3, 29),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 30),
    (2027, 12, 27),
    (2027, 12, 28),
    (2028, 1, 3),
];

pub fn is_bank_holiday(d: NaiveDate) -> bool {
    BANK_HOLIDAYS
        .iter()
        .any(|&(y, m, day)| d.year() == y && d.month() == m && d.day() == day)
}

pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_bank_holiday(d)
}

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1)?.pred_opt()?;
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt()?;
    }
    Some(d)
}

/// Whether `t` falls in British Summer Time: from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October.
pub fn is_bst(t: DateTime<Utc>) -> bool {
    let year = t.year();
    let start = last_sunday(year, 3)
        .and_then(|d| d.and_hms_opt(1, 0, 0))
        .map(|n| n.and_utc());
    let end = last_sunday(year, 10)
        .and_then(|d| d.and_hms_opt(1, 0, 0))
        .map(|n| n.and_utc());
    matches!((start, end), (Some(s), Some(e)) if t >= s && t < e)
}

/// The UK offset in force at `t`.
pub fn uk_offset(t: DateTime<Utc>) -> FixedOffset {
    if is_bst(t) {
        FixedOffset::east_opt(3600).unwrap_or(Utc.fix())
    } else {
        Utc.fix()
    }
}

/// `t` as BT writes it: UK local time with `Z` in winter and `+01:00` in summer.
pub fn render_uk(t: DateTime<Utc>) -> String {
    t.with_timezone(&uk_offset(t))
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The UK local calendar date of `t`.
pub fn uk_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&uk_offset(t)).date_naive()
}

/// The instant of UK local wall time `hour:00` on `date` (slots never start near the 01:00 UTC
/// change-over, so the day's offset is unambiguous).
pub fn uk_wall_time(date: NaiveDate, hour: u32) -> Option<DateTime<Utc>> {
    let noon_utc = date.and_hms_opt(12, 0, 0)?.and_utc();
    let offset = uk_offset(noon_utc);
    offset
        .from_local_datetime(&date.and_hms_opt(hour, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn bst_boundaries_2026() {
        // 2026: BST from 29 March 01:00Z to 25 October 01:00Z.
        let at = |s: &str| s.parse::<DateTime<Utc>>().expect("time");
        assert!(!is_bst(at("2026-03-29T00:59:59Z")));
        assert!(is_bst(at("2026-03-29T01:00:00Z")));
        assert!(is_bst(at("2026-10-25T00:59:59Z")));
        assert!(!is_bst(at("2026-10-25T01:00:00Z")));
        assert_eq!(
            render_uk(at("2026-06-02T07:00:00Z")),
            "2026-06-02T08:00:00+01:00"
        );
        assert_eq!(
            render_uk(at("2026-12-02T08:00:00Z")),
            "2026-12-02T08:00:00Z"
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        assert!(!is_working_day(d(2026, 12, 28)));
        assert!(!is_working_day(d(2026, 5, 30)));
        assert!(is_working_day(d(2026, 5, 26)));
        assert!(!is_working_day(d(2027, 3, 26)));
    }
}
