//! The directory as the engine sees it: `engine::refer::Referrals` over the reloadable
//! directory, the locator and the `[referrals]` settings.
//!
//! A `location` capture keeps what the person sent in the session in a form this module can
//! read back: the ZIP or the listed place name, or `lat,lon` for a shared pin. Each lookup
//! resolves it again, which is cheap, so no coordinates sit in the session for a ZIP answer.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{
    ConfigError, DirectoryHandle, Kind, Locator, Query, ReferralsConfig, RenderOptions, Style,
    reply, wall_clock,
};
use crate::engine::refer::{self, ReferAnswer, ReferQuery};

pub struct Referrals {
    handle: DirectoryHandle,
    locator: Locator,
    config: ReferralsConfig,
    tz: Tz,
}

impl Referrals {
    pub fn new(handle: DirectoryHandle, config: ReferralsConfig) -> Result<Referrals, ConfigError> {
        config.validate()?;
        Ok(Referrals {
            handle,
            locator: config.locator()?,
            tz: config.tz()?,
            config,
        })
    }

    pub fn handle(&self) -> &DirectoryHandle {
        &self.handle
    }

    pub fn locator(&self) -> &Locator {
        &self.locator
    }

    pub fn config(&self) -> &ReferralsConfig {
        &self.config
    }
}

impl refer::Referrals for Referrals {
    fn locate(&self, text: &str) -> Option<String> {
        let located = self.locator.locate(text).ok()?;
        Some(match located.label {
            Some(label) => label,
            None => format!("{:.5},{:.5}", located.lat, located.lon),
        })
    }

    fn answer(&self, q: &ReferQuery<'_>, texts: &refer::TextFn<'_>) -> Option<ReferAnswer> {
        let dir = self.handle.current();
        // No directory imported: the engine gives the national options instead.
        if dir.is_empty() {
            return None;
        }
        let located = self.locator.locate(q.place).ok()?;
        let now = DateTime::<Utc>::from_timestamp(q.now, 0).unwrap_or_default();
        let query = Query {
            kind: q.kind.and_then(Kind::parse),
            at: (located.lat, located.lon),
            radius_km: self.config.radius_km,
            offset: q.offset,
            limit: refer::PAGE,
            now: wall_clock(now, &self.tz),
            open_now: q.open_now,
        };
        let page = dir.find(&query);
        let opts = RenderOptions {
            lang: q.lang,
            style: if q.channel.is_rich() {
                Style::Rich
            } else {
                Style::Sms
            },
            units: self.config.units,
            // The flow offers "more" itself, as a choice.
            more_hint: false,
        };
        Some(ReferAnswer {
            found: !page.hits.is_empty(),
            replies: vec![reply(&page, &located, &opts, texts)],
            more: page.has_more(),
        })
    }
}
