//! When each person last sent START over SMS, so that a delivery-status callback about a text
//! sent *before* it cannot opt them out again.
//!
//! Twilio reports a carrier opt-out (error 21610) in a signed status callback, and haven treats
//! it as STOP. The signature proves the callback is Twilio's, not when it was made: replayed
//! after the person sent START, the same callback would silence them again (issue 12). So every
//! text haven sends names its send time in its callback URL (`?sent=<unix ms>`, covered by the
//! signature, so it cannot be changed), and a 21610 opts the person out only if that text was
//! sent after their last START, and within [`CALLBACK_WINDOW_MS`]. The START times are kept that
//! long too (tree `sms_restarts`: pseudonym → unix ms), then swept: any callback older than the
//! window is refused by its age alone.

use crate::store::Pseudonym;

/// How long after a text its status callback may still opt someone out. Twilio reports within
/// minutes; three days leaves room for its retries and for haven having been down.
pub const CALLBACK_WINDOW_MS: i64 = 3 * 24 * 3600 * 1000;

#[derive(Clone)]
pub struct Restarts {
    tree: sled::Tree,
}

/// What a carrier opt-out callback is judged to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// About a text sent after the person's last START, recently: treat as STOP.
    OptOut,
    /// About a text sent before the person's last START: they opted in since.
    BeforeStart,
    /// Older than [`CALLBACK_WINDOW_MS`], or without haven's send time: it cannot be placed.
    Unplaced,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::OptOut => "opt-out",
            Verdict::BeforeStart => "before-start",
            Verdict::Unplaced => "unplaced",
        }
    }
}

impl Restarts {
    pub fn open(db: &sled::Db) -> Result<Restarts, sled::Error> {
        Ok(Restarts {
            tree: db.open_tree("sms_restarts")?,
        })
    }

    /// Notes that `who` sent START at `at_ms`.
    pub fn record(&self, who: &Pseudonym, at_ms: i64) -> Result<(), sled::Error> {
        self.tree.insert(who.0, &at_ms.to_be_bytes())?;
        Ok(())
    }

    /// When `who` last sent START (within the window).
    pub fn last(&self, who: &Pseudonym) -> Result<Option<i64>, sled::Error> {
        Ok(self
            .tree
            .get(who.0)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map(i64::from_be_bytes))
    }

    /// Judges a carrier opt-out about a text to `who` sent at `sent_ms` (from its callback URL).
    pub fn judge(
        &self,
        who: &Pseudonym,
        sent_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<Verdict, sled::Error> {
        let Some(sent) = sent_ms else {
            return Ok(Verdict::Unplaced);
        };
        if now_ms - sent > CALLBACK_WINDOW_MS {
            return Ok(Verdict::Unplaced);
        }
        Ok(match self.last(who)? {
            Some(start) if sent < start => Verdict::BeforeStart,
            _ => Verdict::OptOut,
        })
    }

    /// Forgets START times older than the window (the sweeper calls this).
    pub fn sweep(&self, now_ms: i64) -> Result<usize, sled::Error> {
        let mut n = 0;
        for item in self.tree.iter() {
            let (k, v) = item?;
            let at = <[u8; 8]>::try_from(v.as_ref()).map_or(0, i64::from_be_bytes);
            if now_ms - at > CALLBACK_WINDOW_MS {
                self.tree.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// The send time in a status callback's query (`sent=<unix ms>`), if any.
pub fn sent_at(query: Option<&str>) -> Option<i64> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "sent")
        .and_then(|(_, v)| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_counts_only_for_a_text_sent_after_the_last_start() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let r = Restarts::open(&db).unwrap();
        let who = Pseudonym([3; 16]);
        let now = 10_000_000_000;
        assert_eq!(r.judge(&who, Some(now - 5), now).unwrap(), Verdict::OptOut);
        r.record(&who, now - 100).unwrap();
        assert_eq!(
            r.judge(&who, Some(now - 200), now).unwrap(),
            Verdict::BeforeStart
        );
        assert_eq!(r.judge(&who, Some(now - 50), now).unwrap(), Verdict::OptOut);
        assert_eq!(r.judge(&who, None, now).unwrap(), Verdict::Unplaced);
        assert_eq!(
            r.judge(&who, Some(now - CALLBACK_WINDOW_MS - 1), now)
                .unwrap(),
            Verdict::Unplaced
        );
        assert_eq!(r.sweep(now).unwrap(), 0);
        assert_eq!(r.sweep(now + CALLBACK_WINDOW_MS).unwrap(), 1);
        assert_eq!(r.last(&who).unwrap(), None);
        assert_eq!(sent_at(Some("sent=123")), Some(123));
        assert_eq!(sent_at(Some("x=1&sent=nope")), None);
        assert_eq!(sent_at(None), None);
    }
}
