//! Opening hours: a parser for the common subset of OpenStreetMap `opening_hours`, and "is it
//! open now, and if not, when does it open" at a local wall-clock time.
//!
//! # Supported subset
//!
//! - `24/7` — always open.
//! - Rules separated by `;`. A later rule **replaces** what earlier rules said about the days it
//!   selects, as in the OSM specification: `Mo-Su 08:00-18:00; Su off` closes Sunday, and
//!   `Mo-Fr 09:00-12:00; Fr 13:00-15:00` leaves Friday open 13:00–15:00 only. Within one rule,
//!   times are added with `,`: `Mo-Fr 09:00-12:00,13:00-17:00`.
//! - Weekday selectors: `Mo Tu We Th Fr Sa Su`, ranges `Mo-Fr`, lists `Mo,We,Fr`, mixed
//!   `Mo-We,Fr`, and ranges that wrap around the week, `Sa-Mo` (Saturday, Sunday, Monday).
//! - Time spans `09:00-17:00`; `24:00` as an end; a span that ends at or before its start runs
//!   past midnight into the next morning (`Fr 20:00-02:00` is open Friday night until Saturday
//!   02:00). Such a spill-over belongs to the day it started: `Fr 20:00-02:00; Sa off` is still
//!   open at Saturday 01:00.
//! - `off` or `closed` after a weekday selector.
//! - A rule with only times applies to every day; a rule with only weekdays means open all day.
//!
//! Everything else — public or school holidays (`PH`, `SH`), months and dates, week numbers,
//! years, `sunrise`/`sunset`, open ends (`18:00+`), nth weekdays (`Su[1]`), fallback rules
//! (`||`), `,` between rules, and comments in quotes — is rejected with a message saying so, so
//! that an import never silently misreads an operator's hours.
//!
//! Evaluation uses the wall clock in the directory's time zone. It ignores daylight saving
//! changes on purpose: a place that opens at 09:00 opens at 09:00 local time on the day the clocks
//! move, which is what its door sign says.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use thiserror::Error;

const DAY: u16 = 24 * 60;
const WEEK: u16 = 7 * DAY;
const WEEKDAYS: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];

/// A short description of the supported subset, for error messages shown to operators.
pub const SUPPORTED: &str = "supported: 24/7; weekdays Mo-Fr, Mo,We,Fr, Sa-Mo; times \
09:00-17:00, several with commas, past midnight 20:00-02:00; off; rules separated by ;";

/// Parsed opening hours: the open intervals of a typical week. Cloning is cheap (shared), so
/// the many services with the same hours can share one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hours {
    raw: Arc<str>,
    /// Merged, sorted, non-overlapping `[start, end)` intervals in minutes since Monday 00:00,
    /// all within `0..=WEEK`. Intervals that cross Sunday midnight are split in two.
    week: Arc<[(u16, u16)]>,
}

/// Whether a place is open at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Open now. `closes_at` is the local time it closes next, or `None` when it never closes.
    OpenNow { closes_at: Option<NaiveTime> },
    /// Closed now; opens at `at`, `day_offset` days from today (0 = later today, 1 = tomorrow,
    /// up to 7 = the same weekday next week).
    OpensAt { at: NaiveTime, day_offset: u8 },
    /// The hours say it is never open (every day `off`).
    ClosedForAWeek,
    /// No hours were given.
    Unknown,
}

impl Status {
    /// Whether the service is open at the time asked.
    pub fn is_open(&self) -> bool {
        matches!(self, Status::OpenNow { .. })
    }
}

/// Why an `opening_hours` text was rejected. `position` is the 1-based character where the
/// problem was found.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{kind} (at character {position})")]
pub struct HoursError {
    pub position: usize,
    pub kind: HoursErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum HoursErrorKind {
    #[error("no rules")]
    Empty,
    #[error("{0} are not supported")]
    Unsupported(&'static str),
    #[error("expected {expected}, found {found:?}")]
    Expected {
        expected: &'static str,
        found: String,
    },
    #[error("{0:?} is not a time (use HH:MM, 00:00 to 24:00)")]
    BadTime(String),
    #[error("the span {0:?} is empty")]
    EmptySpan(String),
    #[error("\"off\" cannot be combined with times in one rule")]
    OffWithTimes,
}

impl Hours {
    /// Parses `text`; see the module documentation for the supported subset.
    pub fn parse(text: &str) -> Result<Hours, HoursError> {
        // For each day, the spans of the last rule that selected it.
        let mut rules: Vec<Vec<(u16, u16)>> = Vec::new();
        let mut day_rule: [Option<usize>; 7] = [None; 7];
        let mut offset = 0usize;
        for rule in text.split(';') {
            let start = offset;
            offset += rule.len() + 1;
            if rule.trim().is_empty() {
                continue;
            }
            let parsed = RuleParser {
                text,
                i: start,
                end: start + rule.len(),
            }
            .parse()?;
            for (d, selected) in parsed.days.iter().enumerate() {
                if *selected {
                    day_rule[d] = Some(rules.len());
                }
            }
            rules.push(parsed.spans);
        }
        if rules.is_empty() {
            return Err(HoursError {
                position: 1,
                kind: HoursErrorKind::Empty,
            });
        }
        let days: [&[(u16, u16)]; 7] = day_rule.map(|r| r.map_or(&[][..], |r| &rules[r][..]));
        let mut week = Vec::new();
        for (d, spans) in days.into_iter().enumerate() {
            let base = d as u16 * DAY;
            for &(s, e) in spans {
                let (s, e) = (base + s, base + e);
                if e > WEEK {
                    // Sunday night spilling into Monday morning.
                    week.push((s, WEEK));
                    week.push((0, e - WEEK));
                } else {
                    week.push((s, e));
                }
            }
        }
        week.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(week.len());
        for (s, e) in week {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Ok(Hours {
            raw: text.trim().into(),
            week: merged.into(),
        })
    }

    /// The text as the operator wrote it (trimmed).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// True when the place never closes.
    pub fn is_always_open(&self) -> bool {
        *self.week == [(0, WEEK)]
    }

    /// The status at a local wall-clock time (seconds are ignored).
    pub fn status_at(&self, now: NaiveDateTime) -> Status {
        if self.week.is_empty() {
            return Status::ClosedForAWeek;
        }
        if self.is_always_open() {
            return Status::OpenNow { closes_at: None };
        }
        let minute_of_day = now.hour() as u16 * 60 + now.minute() as u16;
        let m = now.weekday().num_days_from_monday() as u16 * DAY + minute_of_day;
        if let Some(&(_, end)) = self.week.iter().find(|&&(s, e)| s <= m && m < e) {
            // An interval ending at Sunday midnight continues in Monday's first interval.
            let end = match self.week.first() {
                Some(&(0, first_end)) if end == WEEK => first_end,
                _ => end,
            };
            return Status::OpenNow {
                closes_at: Some(time_of(end % DAY)),
            };
        }
        let next = self
            .week
            .iter()
            .map(|&(s, _)| s)
            .find(|&s| s > m)
            .unwrap_or(self.week[0].0 + WEEK);
        let day_offset = (minute_of_day + (next - m)) / DAY;
        Status::OpensAt {
            at: time_of(next % DAY),
            day_offset: day_offset as u8,
        }
    }
}

/// The wall-clock time in `tz` at the instant `at`: what hours are evaluated against.
pub fn wall_clock<Tz: TimeZone>(at: DateTime<chrono::Utc>, tz: &Tz) -> NaiveDateTime {
    at.with_timezone(tz).naive_local()
}

fn time_of(minute_of_day: u16) -> NaiveTime {
    // minute_of_day < 1440, so both parts are in range; midnight is the fallback.
    NaiveTime::from_hms_opt(
        u32::from(minute_of_day / 60),
        u32::from(minute_of_day % 60),
        0,
    )
    .unwrap_or(NaiveTime::MIN)
}

/// One parsed rule: the days it selects and their spans (empty spans mean closed).
struct Rule {
    days: [bool; 7],
    spans: Vec<(u16, u16)>,
}

/// A cursor over one rule, `text[i..end]`. It works on bytes: every token of the supported
/// subset is ASCII, and anything else is an error whose position is counted in characters.
struct RuleParser<'a> {
    text: &'a str,
    i: usize,
    end: usize,
}

impl RuleParser<'_> {
    fn bytes(&self) -> &[u8] {
        &self.text.as_bytes()[..self.end]
    }

    fn err(&self, kind: HoursErrorKind) -> HoursError {
        // Operators count characters, not bytes. `i` is always at a character boundary or at
        // the end, because the cursor only steps over ASCII.
        let position = self
            .text
            .get(..self.i)
            .map_or(self.i, |t| t.chars().count())
            + 1;
        HoursError { position, kind }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.i).copied()
    }

    /// The rest of the rule, for error messages.
    fn rest(&self) -> String {
        self.text
            .get(self.i..self.end)
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    /// The ASCII word (letters only) at the cursor, without consuming it.
    fn word(&self) -> &str {
        let b = self.bytes();
        let n = b[self.i.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        self.text.get(self.i..self.i + n).unwrap_or_default()
    }

    fn word_is(&self, w: &str) -> bool {
        self.word().eq_ignore_ascii_case(w)
    }

    fn parse(mut self) -> Result<Rule, HoursError> {
        self.skip_ws();
        if self.text.get(self.i..self.end).map(str::trim) == Some("24/7") {
            return Ok(Rule {
                days: [true; 7],
                spans: vec![(0, DAY)],
            });
        }
        self.reject_unsupported()?;
        let mut days = [true; 7];
        let mut has_days = false;
        if self.weekday_at().is_some() {
            days = self.weekdays()?;
            has_days = true;
            self.skip_ws();
            if self.peek() == Some(b':') {
                // "Mo-Fr: 09:00-17:00" is a common slip; OSM has no colon there.
                return Err(self.err(HoursErrorKind::Expected {
                    expected: "a space between weekdays and times",
                    found: ":".into(),
                }));
            }
        }
        self.skip_ws();
        if self.peek().is_none() {
            return if has_days {
                Ok(Rule {
                    days,
                    spans: vec![(0, DAY)],
                })
            } else {
                Err(self.err(HoursErrorKind::Empty))
            };
        }
        if self.word_is("off") || self.word_is("closed") {
            self.i += self.word().len();
            self.skip_ws();
            if self.peek().is_some() {
                return Err(self.err(HoursErrorKind::OffWithTimes));
            }
            return Ok(Rule {
                days,
                spans: Vec::new(),
            });
        }
        self.reject_unsupported()?;
        let mut spans = vec![self.span()?];
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.weekday_at().is_some() {
                        return Err(self.err(HoursErrorKind::Unsupported(
                            "weekdays after \",\" (separate rules with \";\")",
                        )));
                    }
                    spans.push(self.span()?);
                }
                Some(_) => {
                    self.reject_unsupported()?;
                    if self.word_is("off") || self.word_is("closed") {
                        return Err(self.err(HoursErrorKind::OffWithTimes));
                    }
                    return Err(self.err(HoursErrorKind::Expected {
                        expected: "\",\" or \";\" after a time span",
                        found: self.rest(),
                    }));
                }
            }
        }
        Ok(Rule { days, spans })
    }

    /// Names the unsupported construct at the cursor, if it is one we recognise.
    fn reject_unsupported(&self) -> Result<(), HoursError> {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let w = self.word();
        let what = match self.peek() {
            Some(b'"') => Some("comments"),
            Some(b'[') => Some("nth weekdays like Su[1]"),
            Some(b'|') => Some("fallback rules (||)"),
            Some(b'+') => Some("open ends (+)"),
            Some(b'(') => Some("variable times"),
            _ if w.eq_ignore_ascii_case("ph") => Some("public holidays (PH)"),
            _ if w.eq_ignore_ascii_case("sh") => Some("school holidays (SH)"),
            _ if w.eq_ignore_ascii_case("week") => Some("week numbers"),
            _ if w.eq_ignore_ascii_case("easter") => Some("Easter dates"),
            _ if ["sunrise", "sunset", "dawn", "dusk"]
                .iter()
                .any(|s| w.eq_ignore_ascii_case(s)) =>
            {
                Some("sunrise and sunset times")
            }
            _ if w
                .get(..3)
                .is_some_and(|m| MONTHS.iter().any(|x| x.eq_ignore_ascii_case(m))) =>
            {
                Some("months and dates")
            }
            _ => {
                // A plausible year (four digits not followed by ':'); "0900" is left to the time
                // parser, which explains the HH:MM format instead.
                let b = self.bytes();
                let digits = b[self.i.min(b.len())..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let after = b.get(self.i + digits);
                let year = digits == 4
                    && after != Some(&b':')
                    && self.text[self.i..self.i + 4]
                        .parse::<u16>()
                        .is_ok_and(|y| (1900..2200).contains(&y));
                year.then_some("years")
            }
        };
        match what {
            Some(what) => Err(self.err(HoursErrorKind::Unsupported(what))),
            None => Ok(()),
        }
    }

    /// The weekday whose two-letter name is at the cursor (and is a whole word).
    fn weekday_at(&self) -> Option<usize> {
        let w = self.word();
        WEEKDAYS.iter().position(|d| d.eq_ignore_ascii_case(w))
    }

    fn weekday(&mut self) -> Result<usize, HoursError> {
        match self.weekday_at() {
            Some(d) => {
                self.i += 2;
                Ok(d)
            }
            None => {
                self.reject_unsupported()?;
                let found = self.word();
                let found = if found.is_empty() {
                    self.rest()
                } else {
                    found.to_owned()
                };
                Err(self.err(HoursErrorKind::Expected {
                    expected: "a weekday (Mo Tu We Th Fr Sa Su)",
                    found,
                }))
            }
        }
    }

    fn weekdays(&mut self) -> Result<[bool; 7], HoursError> {
        let mut days = [false; 7];
        loop {
            let from = self.weekday()?;
            self.skip_ws();
            let to = if self.peek() == Some(b'-') {
                self.i += 1;
                self.skip_ws();
                self.weekday()?
            } else {
                from
            };
            // Ranges wrap around the week: Sa-Mo is Saturday, Sunday, Monday.
            let mut d = from;
            loop {
                days[d] = true;
                if d == to {
                    break;
                }
                d = (d + 1) % 7;
            }
            // A "," continues the list only when another weekday follows it.
            let save = self.i;
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.i += 1;
                self.skip_ws();
                if self.weekday_at().is_some() {
                    continue;
                }
            }
            self.i = save;
            return Ok(days);
        }
    }

    /// `HH:MM-HH:MM`, returned as minutes from the day's start; the end may exceed a day.
    fn span(&mut self) -> Result<(u16, u16), HoursError> {
        let span_start = self.i;
        let start = self.time()?;
        self.skip_ws();
        if self.peek() != Some(b'-') {
            self.reject_unsupported()?;
            return Err(self.err(HoursErrorKind::Expected {
                expected: "\"-\" and an end time",
                found: self.rest(),
            }));
        }
        self.i += 1;
        self.skip_ws();
        let end = self.time()?;
        if start == DAY {
            self.i = span_start;
            return Err(self.err(HoursErrorKind::BadTime("24:00".into())));
        }
        if start == end {
            let text = self.text[span_start..self.i].to_owned();
            self.i = span_start;
            return Err(self.err(HoursErrorKind::EmptySpan(text)));
        }
        // An end at or before the start is on the next day.
        let end = if end <= start { end + DAY } else { end };
        if self.peek() == Some(b'+') {
            self.reject_unsupported()?;
        }
        Ok((start, end))
    }

    /// `H:MM` or `HH:MM`, 00:00 to 24:00, as minutes.
    fn time(&mut self) -> Result<u16, HoursError> {
        let start = self.i;
        let b = self.bytes();
        let len = b[start.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b':')
            .count();
        if len == 0 {
            self.reject_unsupported()?;
            return Err(self.err(HoursErrorKind::Expected {
                expected: "a time like 09:00",
                found: self.rest(),
            }));
        }
        let token = &self.text[start..start + len];
        let bad = || HoursError {
            position: self.text[..start].chars().count() + 1,
            kind: HoursErrorKind::BadTime(token.to_owned()),
        };
        let (h, m) = token.split_once(':').ok_or_else(bad)?;
        if !(1..=2).contains(&h.len()) || m.len() != 2 {
            return Err(bad());
        }
        let (h, m): (u16, u16) = match (h.parse(), m.parse()) {
            (Ok(h), Ok(m)) => (h, m),
            _ => return Err(bad()),
        };
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(bad());
        }
        self.i += len;
        Ok(h * 60 + m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// 2026-11-23 is a Monday; `day` 0 = Monday.
    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23 + day)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn open(h: u32, m: u32) -> Status {
        Status::OpenNow {
            closes_at: Some(t(h, m)),
        }
    }
    fn opens(h: u32, m: u32, day_offset: u8) -> Status {
        Status::OpensAt {
            at: t(h, m),
            day_offset,
        }
    }
    fn hours(s: &str) -> Hours {
        Hours::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }
    fn err(s: &str) -> HoursError {
        Hours::parse(s).expect_err(s)
    }

    #[test]
    fn always_open() {
        for s in [
            "24/7",
            " 24/7 ",
            "Mo-Su 00:00-24:00",
            "00:00-24:00",
            "Mo-Su",
        ] {
            let h = hours(s);
            assert!(h.is_always_open(), "{s}");
            assert_eq!(
                h.status_at(at(3, 4, 0)),
                Status::OpenNow { closes_at: None }
            );
        }
    }

    #[test]
    fn edges_of_a_day() {
        let h = hours("Mo-Fr 09:00-17:00");
        assert_eq!(h.status_at(at(0, 8, 59)), opens(9, 0, 0));
        assert_eq!(h.status_at(at(0, 9, 0)), open(17, 0));
        assert_eq!(h.status_at(at(0, 16, 59)), open(17, 0));
        assert_eq!(h.status_at(at(0, 17, 0)), opens(9, 0, 1));
        // Friday evening → Monday.
        assert_eq!(h.status_at(at(4, 17, 0)), opens(9, 0, 3));
        assert_eq!(h.status_at(at(6, 23, 59)), opens(9, 0, 1));
        // Seconds do not matter: 16:59:59 is still open.
        assert_eq!(
            h.status_at(at(0, 16, 59) + chrono::Duration::seconds(59)),
            open(17, 0)
        );
    }

    #[test]
    fn across_midnight() {
        let h = hours("Fr 20:00-02:00");
        assert_eq!(h.status_at(at(4, 19, 59)), opens(20, 0, 0));
        assert_eq!(h.status_at(at(4, 20, 0)), open(2, 0));
        assert_eq!(h.status_at(at(4, 23, 30)), open(2, 0));
        assert_eq!(h.status_at(at(5, 0, 0)), open(2, 0));
        assert_eq!(h.status_at(at(5, 1, 59)), open(2, 0));
        assert_eq!(h.status_at(at(5, 2, 0)), opens(20, 0, 6));
        // The spill-over belongs to Friday's rule and survives "Sa off".
        let h = hours("Fr 20:00-02:00; Sa off");
        assert_eq!(h.status_at(at(5, 1, 0)), open(2, 0));
        // 24:00 as an end, and 00:00 as an end meaning midnight.
        assert_eq!(hours("Mo 18:00-24:00").status_at(at(0, 23, 59)), open(0, 0));
        assert_eq!(hours("Mo 18:00-00:00").status_at(at(0, 23, 59)), open(0, 0));
        assert_eq!(
            hours("Mo 18:00-24:00").status_at(at(1, 0, 0)),
            opens(18, 0, 6)
        );
    }

    #[test]
    fn sunday_to_monday_wrap() {
        let h = hours("Su 22:00-03:00");
        assert_eq!(h.status_at(at(6, 23, 0)), open(3, 0));
        assert_eq!(h.status_at(at(0, 2, 59)), open(3, 0));
        assert_eq!(h.status_at(at(0, 3, 0)), opens(22, 0, 6));
        // Open until Sunday midnight and from Monday midnight: one stretch across the week end.
        let h = hours("Sa-Su 00:00-24:00; Mo 00:00-06:00");
        assert_eq!(h.status_at(at(6, 12, 0)), open(6, 0));
        // A wrapping weekday range.
        let h = hours("Sa-Mo 10:00-12:00");
        for d in [5, 6, 0] {
            assert_eq!(h.status_at(at(d, 11, 0)), open(12, 0), "day {d}");
        }
        assert_eq!(h.status_at(at(1, 11, 0)), opens(10, 0, 4));
        // Only one opening a week, earlier on the same weekday: a full week ahead.
        assert_eq!(
            hours("Mo 08:00-09:00").status_at(at(0, 10, 0)),
            opens(8, 0, 7)
        );
    }

    #[test]
    fn later_rules_override_earlier_ones_for_their_days() {
        let h = hours("Mo-Su 08:00-18:00; Su off");
        assert_eq!(h.status_at(at(6, 12, 0)), opens(8, 0, 1));
        assert_eq!(h.status_at(at(5, 12, 0)), open(18, 0));
        let h = hours("Mo-Fr 09:00-12:00; Fr 13:00-15:00");
        assert_eq!(h.status_at(at(4, 10, 0)), opens(13, 0, 0));
        assert_eq!(h.status_at(at(3, 10, 0)), open(12, 0));
        // A times-only rule applies to every day and replaces all that came before.
        let h = hours("Mo 09:00-10:00; 12:00-13:00");
        assert_eq!(h.status_at(at(0, 9, 30)), opens(12, 0, 0));
        let h = hours("Mo,We,Fr 09:00-12:00,13:00-17:00; We closed");
        assert_eq!(h.status_at(at(0, 12, 30)), opens(13, 0, 0));
        assert_eq!(h.status_at(at(2, 10, 0)), opens(9, 0, 2));
        assert_eq!(
            hours("Mo-We,Fr 10:00-11:00").status_at(at(3, 10, 30)),
            opens(10, 0, 1)
        );
        // Every day off.
        assert_eq!(
            hours("Mo-Su off").status_at(at(0, 0, 0)),
            Status::ClosedForAWeek
        );
        assert_eq!(
            hours("mo-fr 9:00 - 17:00 ;").status_at(at(0, 9, 0)),
            open(17, 0)
        );
    }

    #[test]
    fn dst_changes_keep_wall_clock_hours() {
        let tz = chrono_tz::America::New_York;
        let h = hours("Mo-Su 09:00-17:00");
        let utc = |s: &str| s.parse::<DateTime<chrono::Utc>>().unwrap();
        // 13:00 UTC is 08:00 EST on Saturday 2026-03-07 but 09:00 EDT on Sunday 2026-03-08.
        assert_eq!(
            h.status_at(wall_clock(utc("2026-03-07T13:00:00Z"), &tz)),
            opens(9, 0, 0)
        );
        assert_eq!(
            h.status_at(wall_clock(utc("2026-03-08T13:00:00Z"), &tz)),
            open(17, 0)
        );
        // On the night clocks go back, 01:30 happens twice and both are inside 01:00-02:00.
        let h = hours("Su 01:00-02:00");
        assert_eq!(
            h.status_at(wall_clock(utc("2026-11-01T05:30:00Z"), &tz)),
            open(2, 0)
        );
        assert_eq!(
            h.status_at(wall_clock(utc("2026-11-01T06:30:00Z"), &tz)),
            open(2, 0)
        );
    }

    #[test]
    fn unsupported_syntax_is_named() {
        let cases = [
            ("Mo-Fr 09:00-17:00; PH off", "public holidays (PH)"),
            ("SH off", "school holidays (SH)"),
            ("Jan-Mar Mo 09:00-10:00", "months and dates"),
            ("Dec 25 off", "months and dates"),
            ("week 01-10 Mo 09:00-12:00", "week numbers"),
            ("2024 Mo 09:00-10:00", "years"),
            ("Mo 09:00-17:00 \"by appointment\"", "comments"),
            ("Su[1] 10:00-12:00", "nth weekdays like Su[1]"),
            ("Mo 18:00+", "open ends (+)"),
            ("Mo sunrise-sunset", "sunrise and sunset times"),
            ("Mo 09:00-12:00 || \"call\"", "fallback rules (||)"),
            (
                "Mo 09:00-12:00, Tu 10:00-11:00",
                "weekdays after \",\" (separate rules with \";\")",
            ),
        ];
        for (s, what) in cases {
            assert_eq!(err(s).kind, HoursErrorKind::Unsupported(what), "{s}");
        }
    }

    #[test]
    fn malformed_hours_are_errors_with_positions() {
        assert_eq!(err("").kind, HoursErrorKind::Empty);
        assert_eq!(err(" ; ").kind, HoursErrorKind::Empty);
        let e = err("Mo-Fr 09:00-17:00; Sa 25:00-26:00");
        assert_eq!(
            (e.position, e.kind),
            (23, HoursErrorKind::BadTime("25:00".into()))
        );
        assert_eq!(err("Mo 9-17").kind, HoursErrorKind::BadTime("9".into()));
        assert_eq!(
            err("0900-1700").kind,
            HoursErrorKind::BadTime("0900".into())
        );
        assert!(matches!(
            err("Ñandú 09:00-10:00").kind,
            HoursErrorKind::Expected { .. }
        ));
        // A pasted en dash is not a hyphen; the position counts characters, not bytes.
        let e = err("Mo 09:00–17:00; Tu 09:00-17:00");
        assert_eq!(e.position, 9);
        assert_eq!(
            e.kind,
            HoursErrorKind::Expected {
                expected: "\"-\" and an end time",
                found: "–17:00".into()
            }
        );
        assert_eq!(err("Mo 09:00-17:00; Ñ").position, 17);
        assert_eq!(
            err("Mo 09:60-10:00").kind,
            HoursErrorKind::BadTime("09:60".into())
        );
        assert_eq!(
            err("Mo 24:00-02:00").kind,
            HoursErrorKind::BadTime("24:00".into())
        );
        assert_eq!(
            err("Mo 09:00-09:00").kind,
            HoursErrorKind::EmptySpan("09:00-09:00".into())
        );
        assert_eq!(err("Mo off 09:00-10:00").kind, HoursErrorKind::OffWithTimes);
        assert_eq!(err("Mo 09:00-10:00 off").kind, HoursErrorKind::OffWithTimes);
        assert!(matches!(
            err("Mo-Fr: 09:00-17:00").kind,
            HoursErrorKind::Expected { .. }
        ));
        assert!(matches!(
            err("Mon-Fri 9:00-17:00").kind,
            HoursErrorKind::Expected { .. }
        ));
        assert!(matches!(
            err("Mo-Xx 09:00-10:00").kind,
            HoursErrorKind::Expected { .. }
        ));
        assert!(matches!(err("open").kind, HoursErrorKind::Expected { .. }));
        assert!(matches!(
            err("Mo 09:00").kind,
            HoursErrorKind::Expected { .. }
        ));
        assert!(
            err("Mo 09:00-17:00 x")
                .to_string()
                .contains("at character 16")
        );
    }

    #[test]
    fn raw_text_is_kept() {
        assert_eq!(hours(" Mo 09:00-10:00 ").as_str(), "Mo 09:00-10:00");
    }
}
