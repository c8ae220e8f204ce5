//! `haven services import FILE.csv` and `haven services find TEXT`: the operator's side of
//! referrals.

use std::path::Path;

use haven::Lang;
use haven::config::Config;
use haven::engine::Channel;
use haven::referrals::{
    FindCmd, Kind, LocateError, Locator, Style, find_cmd, import_cmd, wall_clock,
};

use super::{load_engine, load_referrals};

/// Validates and imports a directory; prints every problem and fails on any.
pub fn import(config: &Config, file: &Path) -> anyhow::Result<bool> {
    match import_cmd(file, &config.data) {
        Ok(report) => {
            println!("{report}");
            println!(
                "A `haven serve` using the data directory {} picks the new directory up within a few seconds.",
                config.data.display()
            );
            Ok(true)
        }
        Err(e) => {
            println!("{e}");
            Ok(false)
        }
    }
}

/// What a person sending `text` would be told.
pub fn find(
    config: &Config,
    text: &str,
    kind: Option<Kind>,
    json: bool,
    lang: Lang,
    channel: Channel,
) -> anyhow::Result<bool> {
    let engine = load_engine(config)?;
    let referrals = load_referrals(config)?;
    let dir = referrals.handle().current();
    if dir.is_empty() {
        eprintln!(
            "No directory imported yet: run `haven services import FILE.csv` (try deploy/directory.example.csv)."
        );
    }
    let tz = referrals.config().tz()?;
    let mut cmd = FindCmd::new(text, wall_clock(chrono::Utc::now(), &tz));
    cmd.kind = kind;
    cmd.json = json;
    cmd.lang = lang;
    cmd.style = if channel.has_buttons() {
        Style::Rich
    } else {
        Style::Sms
    };
    cmd.units = referrals.config().units;
    cmd.radius_km = referrals.config().radius_km;
    cmd.limit = referrals.config().per_page;
    let texts = |key: &str, args: &[(&str, String)]| {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        engine.texts.render(lang, key, &args)
    };
    match find_cmd(&dir, referrals.locator(), &cmd, &texts) {
        Ok(out) => {
            println!("{out}");
            Ok(true)
        }
        Err(e) => {
            // An operator asked: say what is missing, then what a person would be told.
            eprintln!("haven: {}", locate_problem(e, text, referrals.locator()));
            let reply = haven::referrals::render_locate_error(
                e,
                &haven::referrals::RenderOptions {
                    lang,
                    style: cmd.style,
                    units: cmd.units,
                    more_hint: true,
                },
                &texts,
            );
            eprintln!("A person sending this would be asked: {reply}");
            Ok(false)
        }
    }
}

/// Why `text` gave no point, in an operator's terms.
fn locate_problem(e: LocateError, text: &str, locator: &Locator) -> String {
    match e {
        LocateError::UnknownZip => {
            format!("{text:?} has a ZIP code that is not in the built-in ZIP table")
        }
        LocateError::BadCoordinates => {
            format!("{text:?} has coordinates out of range (lat -90..90, lon -180..180)")
        }
        LocateError::NotFound if locator.places().is_empty() => format!(
            "{text:?} is not a ZIP code or \"lat,lon\", and no place names are configured.\n  \
             Place names come from [[referrals.places]] in the file given with --config, e.g.\n  \
             haven --config deploy/places.example.toml services find {text:?}"
        ),
        LocateError::NotFound => {
            let names: Vec<&str> = locator
                .places()
                .places()
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            format!(
                "{text:?} is not a ZIP code, \"lat,lon\" or a configured place name \
                 (configured: {}; add more, or aliases, under [[referrals.places]])",
                names.join(", ")
            )
        }
    }
}
