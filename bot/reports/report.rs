//! The aggregates a supervisor sees for a range of days, built from the daily counters, with
//! every cell below [`MIN_CELL`] suppressed, and the same aggregates as CSV.
//!
//! The console draws each section as a chart and a table; the CSV export writes the very same
//! cells, so what a program sends its funders is what it saw on the page.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::tally::{Count, Metric, WAIT_BUCKETS};

/// Cells below this are shown as "<5", in the page and in the CSV.
pub const MIN_CELL: u64 = 5;

/// The longest range a report covers.
pub const MAX_DAYS: i64 = 366;

/// One number of a report, as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Count(u64),
    /// Fewer than [`MIN_CELL`] (zero included): shown as "<5".
    Small,
    /// A wait percentile: at most this many seconds (the upper bound of its bucket).
    AtMost(i64),
    /// A wait percentile in the open-ended last bucket: more than this many seconds.
    Over(i64),
}

impl Cell {
    pub fn of(n: u64) -> Cell {
        if n < MIN_CELL {
            Cell::Small
        } else {
            Cell::Count(n)
        }
    }

    /// The value as written in the CSV (and in the page table's `data-value`).
    pub fn value(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Small => format!("<{MIN_CELL}"),
            Cell::AtMost(s) => format!("<={s}"),
            Cell::Over(s) => format!(">{s}"),
        }
    }

    /// The value as a person reads it.
    pub fn display(&self) -> String {
        match self {
            Cell::Count(_) | Cell::Small => self.value(),
            Cell::AtMost(s) => format!("≤ {}", duration(*s)),
            Cell::Over(s) => format!("over {}", duration(*s)),
        }
    }

    /// The number a chart draws (suppressed cells draw nothing).
    pub fn count(&self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }
}

fn duration(secs: i64) -> String {
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{} min", secs / 60)
    }
}

/// A named row of cells: one per day, and a total over the range.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub cells: Vec<Cell>,
    pub total: Cell,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// One series per label, one cell per day.
    Daily {
        days: Vec<NaiveDate>,
        series: Vec<Series>,
    },
    /// A total per label over the range.
    Totals(Vec<(String, Cell)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// A stable id, the first CSV column.
    pub id: &'static str,
    pub title: &'static str,
    /// What the numbers mean, in a sentence.
    pub about: &'static str,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub sections: Vec<Section>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RangeError {
    #[error("`{0}` is not a date like 2026-12-01")]
    NotADate(String),
    #[error("the range starts after it ends")]
    Backwards,
    #[error("a report covers at most {MAX_DAYS} days")]
    TooLong,
}

/// The range asked for: `from` and `to` as `YYYY-MM-DD`, both optional (the last 30 days up to
/// `today` by default).
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), RangeError> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| RangeError::NotADate(s.into()))
    };
    let to = match to.filter(|s| !s.trim().is_empty()) {
        Some(s) => date(s)?,
        None => today,
    };
    let from = match from.filter(|s| !s.trim().is_empty()) {
        Some(s) => date(s)?,
        None => to - chrono::Duration::days(29),
    };
    if from > to {
        return Err(RangeError::Backwards);
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(RangeError::TooLong);
    }
    Ok((from, to))
}

/// Sums of the counters read, by metric and labels, per day.
struct Sums(BTreeMap<(Metric, Vec<String>), BTreeMap<NaiveDate, u64>>);

impl Sums {
    fn new(counts: &[Count]) -> Sums {
        let mut m: BTreeMap<(Metric, Vec<String>), BTreeMap<NaiveDate, u64>> = BTreeMap::new();
        for c in counts {
            *m.entry((c.metric, c.labels.clone()))
                .or_default()
                .entry(c.day)
                .or_default() += c.n;
        }
        Sums(m)
    }

    /// Per-day sums of `metric` where label `at` is `value` (other labels summed over).
    fn daily(&self, metric: Metric, at: usize, value: &str) -> BTreeMap<NaiveDate, u64> {
        let mut out: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for ((m, labels), days) in &self.0 {
            if *m == metric && labels.get(at).is_some_and(|l| l == value) {
                for (d, n) in days {
                    *out.entry(*d).or_default() += n;
                }
            }
        }
        out
    }

    /// The labels seen at position `at` of `metric`.
    fn labels(&self, metric: Metric, at: usize) -> Vec<String> {
        let mut v: Vec<String> = self
            .0
            .keys()
            .filter(|(m, _)| *m == metric)
            .filter_map(|(_, l)| l.get(at).cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn total(&self, metric: Metric, at: usize, value: &str) -> u64 {
        self.daily(metric, at, value).values().sum()
    }
}

fn days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

/// Known labels first (always shown, so a quiet channel is visible as quiet), then any other
/// label the counters hold.
fn with_known(known: &[&str], seen: Vec<String>) -> Vec<String> {
    let mut v: Vec<String> = known.iter().map(|s| s.to_string()).collect();
    for s in seen {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

fn daily_section(
    sums: &Sums,
    days: &[NaiveDate],
    metric: Metric,
    at: usize,
    labels: Vec<String>,
) -> Body {
    let series = labels
        .into_iter()
        .map(|label| {
            let per_day = sums.daily(metric, at, &label);
            Series {
                cells: days
                    .iter()
                    .map(|d| Cell::of(per_day.get(d).copied().unwrap_or(0)))
                    .collect(),
                total: Cell::of(per_day.values().sum()),
                label,
            }
        })
        .collect();
    Body::Daily {
        days: days.to_vec(),
        series,
    }
}

fn totals(sums: &Sums, metric: Metric, labels: Vec<String>) -> Body {
    Body::Totals(
        labels
            .into_iter()
            .map(|l| {
                let n = sums.total(metric, 0, &l);
                (l, Cell::of(n))
            })
            .collect(),
    )
}

/// The p-th percentile of the waits, from the bucket counts; `Small` under [`MIN_CELL`] waits.
fn percentile(buckets: &[(i64, u64)], p: f64) -> Cell {
    let n: u64 = buckets.iter().map(|(_, c)| c).sum();
    if n < MIN_CELL {
        return Cell::Small;
    }
    let rank = ((p * n as f64).ceil() as u64).max(1);
    let mut seen = 0;
    for (max, c) in buckets {
        seen += c;
        if seen >= rank {
            return if *max == i64::MAX {
                Cell::Over(3600)
            } else {
                Cell::AtMost(*max)
            };
        }
    }
    Cell::Over(3600)
}

/// Builds the report for `from..=to` from the counters of that range.
pub fn build(counts: &[Count], from: NaiveDate, to: NaiveDate) -> Report {
    let sums = Sums::new(counts);
    let days = days(from, to);
    let channels = with_known(
        &["sms", "telegram", "web"],
        sums.labels(Metric::Conversations, 0),
    );
    let langs = with_known(
        &crate::Lang::ALL.map(|l| l.code()),
        sums.labels(Metric::Conversations, 1),
    );
    let wait_buckets: Vec<(i64, u64)> = WAIT_BUCKETS
        .iter()
        .map(|(l, max)| (*max, sums.total(Metric::Wait, 0, l)))
        .collect();
    let sections = vec![
        Section {
            id: "conversations-by-channel",
            title: "Conversations per day, by channel",
            about: "A conversation is counted when someone with no open session writes.",
            body: daily_section(&sums, &days, Metric::Conversations, 0, channels),
        },
        Section {
            id: "conversations-by-language",
            title: "Conversations per day, by language",
            about: "The language of the conversation's first answer.",
            body: daily_section(&sums, &days, Metric::Conversations, 1, langs),
        },
        Section {
            id: "emergencies-and-crises",
            title: "Emergencies and crises answered, per day",
            about: "Messages answered with the overdose response (emergency) or with 988 and a counselor (crisis).",
            body: daily_section(
                &sums,
                &days,
                Metric::Intents,
                0,
                vec!["emergency".into(), "crisis".into()],
            ),
        },
        Section {
            id: "intents",
            title: "Messages by intent",
            about: "What each message was understood as.",
            body: totals(&sums, Metric::Intents, sums.labels(Metric::Intents, 0)),
        },
        Section {
            id: "referrals",
            title: "Referrals given, by kind of service",
            about: "Lists of nearby services sent; \"any\" when no kind was asked for.",
            body: totals(&sums, Metric::Referrals, sums.labels(Metric::Referrals, 0)),
        },
        Section {
            id: "referrals-unmet",
            title: "Services asked for with none nearby",
            about: "The person got the national locator and helpline instead.",
            body: totals(
                &sums,
                Metric::ReferralsUnmet,
                sums.labels(Metric::ReferralsUnmet, 0),
            ),
        },
        Section {
            id: "handoffs-opened",
            title: "Handoffs to a counselor, by priority",
            about: "Urgent: an overdose; crisis: thoughts of suicide; asked: the person asked for someone.",
            body: totals(
                &sums,
                Metric::HandoffsOpened,
                with_known(
                    &["urgent", "crisis", "asked"],
                    sums.labels(Metric::HandoffsOpened, 0),
                ),
            ),
        },
        Section {
            id: "handoffs",
            title: "Handoffs answered, timed out, out of hours",
            about: "Answered: a counselor took it. Timed out: the person got the hotlines while still waiting. Out of hours: a message left for the next shift.",
            body: totals(
                &sums,
                Metric::Handoffs,
                with_known(
                    &["answered", "timed-out", "out-of-hours"],
                    sums.labels(Metric::Handoffs, 0),
                ),
            ),
        },
        Section {
            id: "wait",
            title: "Wait before a counselor answered",
            about: "How long people waited before a counselor claimed their ticket.",
            body: totals(
                &sums,
                Metric::Wait,
                WAIT_BUCKETS.iter().map(|(l, _)| l.to_string()).collect(),
            ),
        },
        Section {
            id: "wait-percentiles",
            title: "Wait percentiles",
            about: "Half of the people waited at most the p50, nine in ten at most the p90 (upper bounds of the wait buckets).",
            body: Body::Totals(vec![
                ("p50".into(), percentile(&wait_buckets, 0.5)),
                ("p90".into(), percentile(&wait_buckets, 0.9)),
            ]),
        },
        Section {
            id: "outcomes",
            title: "How handoffs ended",
            about: "The outcome a counselor chose at close, or: left (the person went back to the bot), opted-out, expired.",
            body: totals(&sums, Metric::Outcomes, sums.labels(Metric::Outcomes, 0)),
        },
        Section {
            id: "feedback",
            title: "Did the chat help?",
            about: "Answers to the one optional question after a counselor closes: 1 yes, 2 somewhat, 3 no.",
            body: totals(
                &sums,
                Metric::Feedback,
                with_known(&["1", "2", "3"], sums.labels(Metric::Feedback, 0)),
            ),
        },
    ];
    Report { from, to, sections }
}

/// Quotes a CSV field when it needs it (labels are `[a-z0-9_-]`, but a field is a field).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl Report {
    /// Every cell as `(section, label, day or "total", value)`, in the order of the page.
    pub fn rows(&self) -> Vec<[String; 4]> {
        let mut out = Vec::new();
        for s in &self.sections {
            match &s.body {
                Body::Daily { days, series } => {
                    for se in series {
                        for (d, c) in days.iter().zip(&se.cells) {
                            out.push([
                                s.id.to_owned(),
                                se.label.clone(),
                                d.format("%Y-%m-%d").to_string(),
                                c.value(),
                            ]);
                        }
                        out.push([
                            s.id.to_owned(),
                            se.label.clone(),
                            "total".into(),
                            se.total.value(),
                        ]);
                    }
                }
                Body::Totals(rows) => {
                    for (l, c) in rows {
                        out.push([s.id.to_owned(), l.clone(), "total".into(), c.value()]);
                    }
                }
            }
        }
        out
    }

    /// The CSV export: a header, then [`Report::rows`].
    pub fn csv(&self) -> String {
        let mut out = String::from("section,label,day,value\n");
        for r in self.rows() {
            let fields: Vec<String> = r.iter().map(|f| csv_field(f)).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn c(day: &str, metric: Metric, labels: &[&str], n: u64) -> Count {
        Count {
            day: d(day),
            metric,
            labels: labels.iter().map(|s| s.to_string()).collect(),
            n,
        }
    }

    #[test]
    fn small_cells_are_suppressed_everywhere() {
        let counts = vec![
            c("2026-12-01", Metric::Conversations, &["sms", "en"], 7),
            c("2026-12-01", Metric::Conversations, &["sms", "es"], 2),
            c("2026-12-02", Metric::Conversations, &["web", "en"], 3),
            c("2026-12-02", Metric::Intents, &["emergency"], 9),
            c("2026-12-01", Metric::Wait, &["under-30s"], 3),
            c("2026-12-02", Metric::Wait, &["1-2m"], 3),
        ];
        let r = build(&counts, d("2026-12-01"), d("2026-12-02"));
        let rows = r.rows();
        let get = |s: &str, l: &str, day: &str| {
            rows.iter()
                .find(|r| r[0] == s && r[1] == l && r[2] == day)
                .map(|r| r[3].clone())
                .unwrap_or_else(|| panic!("{s} {l} {day}"))
        };
        assert_eq!(get("conversations-by-channel", "sms", "2026-12-01"), "9");
        assert_eq!(get("conversations-by-channel", "web", "2026-12-02"), "<5");
        assert_eq!(get("conversations-by-channel", "telegram", "total"), "<5");
        assert_eq!(get("conversations-by-language", "es", "total"), "<5");
        assert_eq!(
            get("emergencies-and-crises", "emergency", "2026-12-02"),
            "9"
        );
        assert_eq!(get("wait", "under-30s", "total"), "<5");
        assert_eq!(get("wait-percentiles", "p50", "total"), "<=30");
        assert_eq!(get("wait-percentiles", "p90", "total"), "<=120");
        for r in &rows {
            if let Ok(n) = r[3].parse::<u64>() {
                assert!(n >= MIN_CELL, "{r:?}");
            }
        }
        let csv = r.csv();
        assert!(csv.starts_with("section,label,day,value\n"));
        assert_eq!(csv.lines().count(), rows.len() + 1);
    }

    #[test]
    fn percentiles_need_five_waits() {
        assert_eq!(percentile(&[(30, 4)], 0.5), Cell::Small);
        assert_eq!(percentile(&[(30, 4), (i64::MAX, 6)], 0.9), Cell::Over(3600));
    }

    #[test]
    fn ranges_are_checked() {
        let today = d("2026-12-10");
        assert_eq!(range(None, None, today).unwrap(), (d("2026-11-11"), today));
        assert_eq!(
            range(Some("2026-12-05"), Some(""), today).unwrap(),
            (d("2026-12-05"), today)
        );
        assert_eq!(
            range(Some("yesterday"), None, today),
            Err(RangeError::NotADate("yesterday".into()))
        );
        assert_eq!(
            range(Some("2026-12-09"), Some("2026-12-01"), today),
            Err(RangeError::Backwards)
        );
        assert_eq!(
            range(Some("2020-01-01"), None, today),
            Err(RangeError::TooLong)
        );
    }
}
