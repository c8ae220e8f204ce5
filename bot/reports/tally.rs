//! The daily counters behind the reports: one sled counter per day, metric and labels, bumped
//! as each event happens.
//!
//! A key is plain ASCII, `2026-12-05|intents|emergency`: the day in the program's time zone,
//! what is counted, and labels from closed sets (a channel, a language, an intent id from the
//! flows, a directory kind, a priority, an outcome tag from the configuration, a wait bucket, a
//! feedback score). The value is the count. Nothing else is written: no pseudonym, no text, no
//! ZIP, no time finer than the day. Labels are reduced to `[a-z0-9_-]` (at most 40 characters)
//! so that even a mistake upstream cannot put a sentence into a key.
//!
//! Counting never fails a message: a counter that cannot be written is logged and skipped.

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::Lang;
use crate::engine::Channel;

/// What is counted. Each metric takes a fixed number of labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// A conversation began (a person with no live session wrote): channel, language.
    Conversations,
    /// A message, by the intent triage gave it: intent.
    Intents,
    /// A list of nearby services was given: kind (`any` when none was asked).
    Referrals,
    /// Services were asked for and none were found nearby: kind.
    ReferralsUnmet,
    /// A handoff ticket opened: priority.
    HandoffsOpened,
    /// What became of a handoff: `answered`, `timed-out`, `out-of-hours`.
    Handoffs,
    /// How long a person waited before a counselor claimed their ticket: a bucket of `WAIT_BUCKETS`.
    Wait,
    /// How a ticket was closed: an outcome tag, or `left`, `opted-out`, `expired`.
    Outcomes,
    /// The one feedback question after a close: `1`, `2` or `3`.
    Feedback,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Metric::Conversations,
        Metric::Intents,
        Metric::Referrals,
        Metric::ReferralsUnmet,
        Metric::HandoffsOpened,
        Metric::Handoffs,
        Metric::Wait,
        Metric::Outcomes,
        Metric::Feedback,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::Conversations => "conversations",
            Metric::Intents => "intents",
            Metric::Referrals => "referrals",
            Metric::ReferralsUnmet => "referrals-unmet",
            Metric::HandoffsOpened => "handoffs-opened",
            Metric::Handoffs => "handoffs",
            Metric::Wait => "wait",
            Metric::Outcomes => "outcomes",
            Metric::Feedback => "feedback",
        }
    }

    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == s)
    }

    /// How many labels a key of this metric has.
    pub fn arity(self) -> usize {
        match self {
            Metric::Conversations => 2,
            _ => 1,
        }
    }
}

/// What became of a handoff, for [`Metric::Handoffs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// A counselor claimed it (counted once, at the first claim).
    Answered,
    /// The person got the queue-timeout fallback before anyone claimed it.
    TimedOut,
    /// It was opened outside counselor hours (a message left for the next shift).
    OutOfHours,
}

impl Fate {
    pub fn label(self) -> &'static str {
        match self {
            Fate::Answered => "answered",
            Fate::TimedOut => "timed-out",
            Fate::OutOfHours => "out-of-hours",
        }
    }
}

/// Wait buckets: the label and the longest wait (seconds) it holds. The last is open-ended.
pub const WAIT_BUCKETS: &[(&str, i64)] = &[
    ("under-30s", 30),
    ("30s-1m", 60),
    ("1-2m", 120),
    ("2-5m", 300),
    ("5-10m", 600),
    ("10-30m", 1800),
    ("30-60m", 3600),
    ("over-60m", i64::MAX),
];

/// The bucket a wait of `secs` falls in.
pub fn wait_bucket(secs: i64) -> &'static str {
    WAIT_BUCKETS
        .iter()
        .find(|(_, max)| secs <= *max)
        .map_or("over-60m", |(l, _)| l)
}

/// One stored counter, read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    pub day: NaiveDate,
    pub metric: Metric,
    pub labels: Vec<String>,
    pub n: u64,
}

/// The daily counters, in the sled tree `daily_counts`.
///
/// Counts are added up in memory and written to sled by [`Tally::persist`], which the server
/// calls every half second and at shutdown (and `read` and `Drop` call first). Every message
/// bumps two or three counters that every other message bumps too, and writing each bump
/// through sled's compare-and-swap cost about a twentieth of `haven serve`'s CPU under load
/// (ARCHITECTURE.md, Performance). A crash may lose the last half second of counts; counters
/// are statistics, not promises to a person, so that is accepted.
pub struct Tally {
    tree: sled::Tree,
    tz: Tz,
    pending: std::sync::Mutex<std::collections::HashMap<String, u64>>,
}

/// A label as stored: lowercase ASCII letters, digits, `-` and `_`, at most 40 characters.
pub fn label(s: &str) -> String {
    let l: String = s
        .chars()
        .take(40)
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if l.is_empty() { "-".to_owned() } else { l }
}

impl Tally {
    pub fn open(db: &sled::Db, tz: Tz) -> Result<Tally, sled::Error> {
        Ok(Tally {
            tree: db.open_tree("daily_counts")?,
            tz,
            pending: Default::default(),
        })
    }

    /// The program's day at unix time `now`.
    pub fn day(&self, now: i64) -> NaiveDate {
        let utc = chrono::DateTime::<chrono::Utc>::from_timestamp(now, 0).unwrap_or_default();
        utc.with_timezone(&self.tz).date_naive()
    }

    fn key(day: NaiveDate, metric: Metric, labels: &[&str]) -> String {
        let mut k = format!("{}|{}", day.format("%Y-%m-%d"), metric.name());
        for l in labels {
            k.push('|');
            k.push_str(&label(l));
        }
        k
    }

    /// Adds one to a counter of today (in memory until the next [`Tally::persist`]).
    pub fn count(&self, metric: Metric, labels: &[&str], now: i64) {
        debug_assert_eq!(labels.len(), metric.arity(), "{metric:?}");
        let key = Tally::key(self.day(now), metric, labels);
        *self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default() += 1;
    }

    /// Adds the counts made since the last call to the counters in sled.
    pub fn persist(&self) {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        for (key, add) in pending {
            let r = self.tree.update_and_fetch(key.as_bytes(), |old| {
                let n = old
                    .and_then(|b| b.try_into().ok())
                    .map_or(0, u64::from_be_bytes);
                Some((n + add).to_be_bytes().to_vec())
            });
            if let Err(e) = r {
                tracing::error!(error = %e, key = %key, "report counter not written");
            }
        }
    }

    pub fn conversation(&self, channel: Channel, lang: Lang, now: i64) {
        self.count(Metric::Conversations, &[channel.as_str(), lang.code()], now);
    }

    pub fn intent(&self, intent: &str, now: i64) {
        self.count(Metric::Intents, &[intent], now);
    }

    pub fn referral(&self, kind: &str, found: bool, now: i64) {
        let m = if found {
            Metric::Referrals
        } else {
            Metric::ReferralsUnmet
        };
        self.count(m, &[kind], now);
    }

    pub fn handoff_opened(&self, priority: crate::flows::actions::handoff::Priority, now: i64) {
        self.count(Metric::HandoffsOpened, &[priority.as_str()], now);
    }

    pub fn handoff(&self, fate: Fate, now: i64) {
        self.count(Metric::Handoffs, &[fate.label()], now);
    }

    pub fn waited(&self, secs: i64, now: i64) {
        self.count(Metric::Wait, &[wait_bucket(secs)], now);
    }

    pub fn outcome(&self, outcome: &str, now: i64) {
        self.count(Metric::Outcomes, &[outcome], now);
    }

    pub fn feedback(&self, score: u8, now: i64) {
        self.count(Metric::Feedback, &[&score.to_string()], now);
    }

    /// Every counter of the days `from..=to`, in key order.
    pub fn read(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Count>, sled::Error> {
        self.persist();
        let start = from.format("%Y-%m-%d").to_string();
        // '}' sorts after '|', so this bound takes in every key of the last day.
        let end = format!("{}}}", to.format("%Y-%m-%d"));
        let mut out = Vec::new();
        for item in self.tree.range(start.as_bytes()..end.as_bytes()) {
            let (k, v) = item?;
            if let Some(c) = parse(&k, &v) {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Every stored key and value, raw (the privacy test reads them all).
    pub fn raw(&self) -> Result<Vec<crate::store::RawEntry>, sled::Error> {
        self.persist();
        self.tree
            .iter()
            .map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())))
            .collect()
    }
}

impl Drop for Tally {
    /// What was counted since the last persist is written before the database closes.
    fn drop(&mut self) {
        self.persist();
    }
}

/// Reads a stored counter back; `None` for anything that is not one.
pub fn parse(key: &[u8], value: &[u8]) -> Option<Count> {
    let key = std::str::from_utf8(key).ok()?;
    let mut parts = key.split('|');
    let day = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
    let metric = Metric::parse(parts.next()?)?;
    let labels: Vec<String> = parts.map(str::to_owned).collect();
    if labels.len() != metric.arity() {
        return None;
    }
    let n = u64::from_be_bytes(value.try_into().ok()?);
    Some(Count {
        day,
        metric,
        labels,
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_day_in_the_programs_time_zone() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let t = Tally::open(&db, chrono_tz::America::New_York).unwrap();
        // 2026-01-06 03:00 UTC is still the 5th in New York.
        let late = 1_767_668_400;
        t.intent("emergency", late);
        t.intent("emergency", late);
        t.intent("Crisis Now!", late + 86_400);
        let d5 = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let d6 = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
        let got = t.read(d5, d6).unwrap();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!((got[0].day, got[0].n), (d5, 2));
        assert_eq!(got[1].labels, vec!["crisis-now-".to_owned()]);
        assert!(t.read(d6, d6).unwrap().len() == 1, "the range is by day");
        assert_eq!(wait_bucket(0), "under-30s");
        assert_eq!(wait_bucket(61), "1-2m");
        assert_eq!(wait_bucket(99_999), "over-60m");
    }
}
