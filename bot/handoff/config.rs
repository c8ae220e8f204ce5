//! The `[counselors]` section of the configuration: when counselors are on shift, how often a
//! waiting person hears from haven, when the fallback goes out, how a ticket may end, and what
//! is kept about it afterwards.
//!
//! ```toml
//! [counselors]
//! time_zone = "America/New_York"                # also the day the reports count in
//! hours = "Mo-Fr 09:00-21:00; Sa 10:00-16:00"   # OpenStreetMap opening_hours; omitted = 24/7
//! shift_max = "12h"                             # "on shift" ends by itself after this
//! wait_message_every = "5m"                     # "still waiting" notes while queued
//! queue_timeout = "10m"                         # then the fallback (hotlines), ticket stays open
//! outcomes = ["resolved", "referred", "no-response", "other"]
//! feedback = true                               # "Did this help? 1-3" after a counselor closes
//! audit_days = 90                               # how long the audit log keeps entries
//! web_open_tickets = 30                         # web chat tickets open at once, at most
//! web_open_tickets_per_network = 3              # ... from one client network (IPv4 /24, IPv6 /64)
//! ```
//!
//! Availability: when any counselor is on shift, a counselor is available; when none is, the
//! `hours` decide, as a fallback for programs that do not use presence (`hours = "off"` makes
//! presence the only signal).

use chrono_tz::Tz;
use serde::Deserialize;

use crate::referrals::Hours;

/// Outcomes haven records itself when no counselor closed the ticket.
pub const RESERVED_OUTCOMES: &[&str] = &["left", "opted-out", "expired", "blocked"];

#[derive(Clone, Debug)]
pub struct HandoffConfig {
    pub time_zone: Tz,
    /// `None` means counselors are on shift at all hours.
    pub hours: Option<Hours>,
    pub wait_message_every_secs: i64,
    pub queue_timeout_secs: i64,
    pub outcomes: Vec<String>,
    /// The longest a counselor stays on shift without saying so again.
    pub shift_max_secs: i64,
    /// Whether the person is asked "Did this help?" after a counselor closes.
    pub feedback: bool,
    pub audit_days: i64,
    /// Caps on open web chat tickets (a web session costs nothing to make; issue 12).
    pub web_tickets: WebTicketCaps,
}

/// How many web chat tickets may be open at once, overall and from one client network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebTicketCaps {
    pub total: usize,
    pub per_network: usize,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    time_zone: Option<String>,
    hours: Option<String>,
    wait_message_every: Option<String>,
    queue_timeout: Option<String>,
    outcomes: Option<Vec<String>>,
    shift_max: Option<String>,
    feedback: Option<bool>,
    audit_days: Option<i64>,
    web_open_tickets: Option<usize>,
    web_open_tickets_per_network: Option<usize>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("counselors.{key}: {message}")]
pub struct HandoffConfigError {
    pub key: &'static str,
    pub message: String,
}

fn err(key: &'static str, message: impl Into<String>) -> HandoffConfigError {
    HandoffConfigError {
        key,
        message: message.into(),
    }
}

impl Default for HandoffConfig {
    fn default() -> Self {
        HandoffConfig {
            time_zone: chrono_tz::America::New_York,
            hours: None,
            wait_message_every_secs: 5 * 60,
            queue_timeout_secs: 10 * 60,
            outcomes: ["resolved", "referred", "no-response", "other"]
                .map(String::from)
                .to_vec(),
            shift_max_secs: 12 * 3600,
            feedback: true,
            audit_days: 90,
            web_tickets: WebTicketCaps {
                total: 30,
                per_network: 3,
            },
        }
    }
}

impl HandoffConfig {
    pub fn from_table(table: &toml::Table) -> Result<HandoffConfig, HandoffConfigError> {
        let raw: Raw = toml::Value::Table(table.clone())
            .try_into()
            .map_err(|e: toml::de::Error| err("section", e.message().to_owned()))?;
        let mut c = HandoffConfig::default();
        if let Some(tz) = raw.time_zone {
            c.time_zone = tz
                .parse()
                .map_err(|_| err("time_zone", format!("{tz:?} is not an IANA time zone")))?;
        }
        if let Some(h) = raw.hours {
            c.hours = Some(Hours::parse(&h).map_err(|e| err("hours", e.to_string()))?);
        }
        let dur = |key: &'static str,
                   v: Option<String>,
                   default: i64|
         -> Result<i64, HandoffConfigError> {
            match v {
                None => Ok(default),
                Some(s) => crate::conversations::parse_duration(&s)
                    .filter(|d| *d >= 1)
                    .ok_or_else(|| err(key, format!("{s:?} is not a duration like 90s, 5m or 1h"))),
            }
        };
        c.wait_message_every_secs = dur(
            "wait_message_every",
            raw.wait_message_every,
            c.wait_message_every_secs,
        )?;
        c.queue_timeout_secs = dur("queue_timeout", raw.queue_timeout, c.queue_timeout_secs)?;
        c.shift_max_secs = dur("shift_max", raw.shift_max, c.shift_max_secs)?;
        if let Some(o) = raw.outcomes {
            // Outcomes are labels in the reports' counters: plain words, nothing a person wrote.
            let word = |x: &String| {
                (1..=40).contains(&x.len())
                    && x.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    })
            };
            if o.is_empty() || !o.iter().all(word) {
                return Err(err(
                    "outcomes",
                    "a non-empty list of single lowercase words (a-z, 0-9, '-', '_')",
                ));
            }
            if o.iter().any(|x| RESERVED_OUTCOMES.contains(&x.as_str())) {
                return Err(err(
                    "outcomes",
                    format!(
                        "{} are haven's own outcomes; choose other words",
                        RESERVED_OUTCOMES.join(", ")
                    ),
                ));
            }
            c.outcomes = o;
        }
        if let Some(f) = raw.feedback {
            c.feedback = f;
        }
        if let Some(d) = raw.audit_days {
            if !(1..=3650).contains(&d) {
                return Err(err("audit_days", "a number of days from 1 to 3650"));
            }
            c.audit_days = d;
        }
        if let Some(n) = raw.web_open_tickets {
            if n == 0 {
                return Err(err("web_open_tickets", "must be 1 or more"));
            }
            c.web_tickets.total = n;
        }
        if let Some(n) = raw.web_open_tickets_per_network {
            if n == 0 {
                return Err(err("web_open_tickets_per_network", "must be 1 or more"));
            }
            c.web_tickets.per_network = n;
        }
        Ok(c)
    }

    /// Whether counselors are on shift at unix time `now`.
    pub fn on_shift(&self, now: i64) -> bool {
        let Some(hours) = &self.hours else {
            return true;
        };
        let utc = chrono::DateTime::<chrono::Utc>::from_timestamp(now, 0).unwrap_or_default();
        let local = crate::referrals::wall_clock(utc, &self.time_zone);
        matches!(
            hours.status_at(local),
            crate::referrals::Status::OpenNow { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks_hours() {
        let t: toml::Table = toml::from_str(
            "time_zone = \"UTC\"\nhours = \"Mo-Fr 09:00-17:00\"\nqueue_timeout = \"2m\"\n",
        )
        .unwrap();
        let c = HandoffConfig::from_table(&t).unwrap();
        assert_eq!(c.queue_timeout_secs, 120);
        // 2026-01-05 is a Monday.
        assert!(c.on_shift(1_767_614_400)); // 12:00 UTC
        assert!(!c.on_shift(1_767_614_400 + 6 * 3600)); // 18:00 UTC
        assert!(!c.on_shift(1_767_614_400 + 5 * 86400)); // Saturday
        let bad: toml::Table = toml::from_str("hours = \"whenever\"").unwrap();
        assert_eq!(HandoffConfig::from_table(&bad).unwrap_err().key, "hours");
        assert!(
            HandoffConfig::from_table(&toml::Table::new())
                .unwrap()
                .on_shift(0),
            "no hours: always on"
        );
        let off: toml::Table = toml::from_str("hours = \"off\"").unwrap();
        assert!(
            !HandoffConfig::from_table(&off)
                .unwrap()
                .on_shift(1_767_614_400),
            "\"off\": presence is the only signal"
        );
        let bad: toml::Table = toml::from_str("outcomes = [\"Resolved!\"]").unwrap();
        assert_eq!(HandoffConfig::from_table(&bad).unwrap_err().key, "outcomes");
        let bad: toml::Table = toml::from_str("outcomes = [\"left\"]").unwrap();
        assert_eq!(HandoffConfig::from_table(&bad).unwrap_err().key, "outcomes");
    }
}
