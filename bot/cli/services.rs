//! `haven services import FILE.csv` and `haven services find TEXT`: the operator's side of
//! referrals.

use std::path::Path;

use haven::Lang;
use haven::config::Config;
use haven::engine::Channel;
use haven::referrals::{FindCmd, Kind, Style, find_cmd, import_cmd, wall_clock};

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
            println!(
                "{}",
                haven::referrals::render_locate_error(
                    e,
                    &haven::referrals::RenderOptions {
                        lang,
                        style: cmd.style,
                        units: cmd.units,
                        more_hint: true
                    },
                    &texts
                )
            );
            Ok(false)
        }
    }
}
