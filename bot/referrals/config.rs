//! The `[referrals]` section of the server configuration: search radius, time zone for opening
//! hours, distance unit, page size and the operator's place names.
//!
//! ```toml
//! [referrals]
//! radius_km = 40
//! time_zone = "America/New_York"
//! units = "mi"
//! per_page = 3
//!
//! [[referrals.places]]
//! name = "Harlem"
//! aliases = ["east harlem", "el barrio"]
//! lat = 40.8116
//! lon = -73.9465
//! ```

use chrono_tz::Tz;
use serde::Deserialize;
use thiserror::Error;

use super::find::{DEFAULT_LIMIT, DEFAULT_RADIUS_KM};
use super::locate::{Locator, Place, PlaceError, Places};
use super::render::Units;

/// Referral settings, deserialised from the server's TOML (every field has a default).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReferralsConfig {
    /// How far to look, in kilometres.
    pub radius_km: f64,
    /// The IANA time zone the directory's opening hours are written in.
    pub time_zone: String,
    /// Distance unit in replies. Miles by default: the ZIP table, and so the service, is US.
    pub units: Units,
    /// Results per page ("MORE" shows the next page).
    pub per_page: usize,
    pub places: Vec<Place>,
}

impl Default for ReferralsConfig {
    fn default() -> Self {
        ReferralsConfig {
            radius_km: DEFAULT_RADIUS_KM,
            time_zone: "America/New_York".into(),
            units: Units::Miles,
            per_page: DEFAULT_LIMIT,
            places: Vec::new(),
        }
    }
}

/// A `[referrals]` section that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("referrals.time_zone: {0:?} is not an IANA time zone such as America/New_York")]
    TimeZone(String),
    #[error("referrals.radius_km must be a number above 0 and at most 500")]
    Radius,
    #[error("referrals.per_page must be 1 to 10")]
    PerPage,
    #[error("referrals.places: {0}")]
    Place(#[from] PlaceError),
}

impl ReferralsConfig {
    /// Checks every setting, so a bad configuration fails at startup rather than mid-chat.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.tz()?;
        if !(self.radius_km > 0.0 && self.radius_km <= 500.0) {
            return Err(ConfigError::Radius);
        }
        if !(1..=10).contains(&self.per_page) {
            return Err(ConfigError::PerPage);
        }
        Places::new(self.places.clone())?;
        Ok(())
    }

    pub fn tz(&self) -> Result<Tz, ConfigError> {
        self.time_zone
            .parse::<Tz>()
            .map_err(|_| ConfigError::TimeZone(self.time_zone.clone()))
    }

    /// A locator over the embedded ZIP table and these places.
    pub fn locator(&self) -> Result<Locator, ConfigError> {
        Ok(Locator::new(Places::new(self.places.clone())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct ServerConfig {
        #[serde(default)]
        referrals: ReferralsConfig,
    }

    #[test]
    fn reads_the_example_places_file() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/deploy/places.example.toml"
        ))
        .unwrap();
        let c: ServerConfig = toml::from_str(&text).unwrap();
        c.referrals.validate().unwrap();
        assert!(c.referrals.places.len() >= 5);
        let l = c.referrals.locator().unwrap();
        let bronx = l.locate("el bronx").unwrap();
        assert_eq!(bronx.label.as_deref(), Some("The Bronx"));
        assert_eq!(bronx.label_for(crate::Lang::Es), Some("El Bronx"));
    }

    #[test]
    fn defaults_and_errors() {
        let c: ServerConfig = toml::from_str("").unwrap();
        assert_eq!(c.referrals, ReferralsConfig::default());
        assert_eq!(c.referrals.tz(), Ok(chrono_tz::America::New_York));
        let c: ServerConfig =
            toml::from_str("[referrals]\ntime_zone = \"Mars/Olympus\"\nunits = \"km\"").unwrap();
        assert_eq!(c.referrals.units, Units::Kilometres);
        assert!(matches!(
            c.referrals.validate(),
            Err(ConfigError::TimeZone(_))
        ));
        let c: ServerConfig = toml::from_str("[referrals]\nradius_km = 0").unwrap();
        assert_eq!(c.referrals.validate(), Err(ConfigError::Radius));
        assert!(toml::from_str::<ServerConfig>("[referrals]\nradius = 3").is_err());
    }
}
