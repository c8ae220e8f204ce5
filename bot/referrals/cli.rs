//! The operator commands behind `haven services import` and `haven services find`, as plain
//! functions; argument parsing lives in `main.rs`.
//!
//! `find_cmd` answers exactly what a person would get for the same message (same location
//! parsing, search and rendering), or, with `json`, the same answer as data for scripts.

use std::path::Path;

use chrono::{NaiveDateTime, Timelike};
use serde_json::{Value, json};

use super::directory::{Directory, Kind};
use super::find::{DEFAULT_LIMIT, DEFAULT_RADIUS_KM, Hit, Query};
use super::hours::Status;
use super::import::{ImportError, ImportReport, import};
use super::locate::{LocateError, Locator};
use super::render::{RenderOptions, Style, Texts, Units, render};
use crate::Lang;

/// `haven services import FILE.csv`: validates the file and makes it the directory in use.
/// Print the report on success, or the error (every problem, one per line) on failure.
pub fn import_cmd(file: &Path, data_dir: &Path) -> Result<ImportReport, ImportError> {
    import(file, data_dir)
}

/// The options of `haven services find`.
#[derive(Clone, Copy, Debug)]
pub struct FindCmd<'a> {
    /// What the person would send: a ZIP, `lat,lon` or a place name.
    pub text: &'a str,
    pub kind: Option<Kind>,
    /// Output JSON (the hits as data plus the replies) instead of the reply text.
    pub json: bool,
    pub lang: Lang,
    pub style: Style,
    pub units: Units,
    pub radius_km: f64,
    pub offset: usize,
    pub limit: usize,
    /// Local wall-clock time in the configured time zone (`hours::wall_clock`).
    pub now: NaiveDateTime,
}

impl<'a> FindCmd<'a> {
    /// English SMS replies, first page, default radius.
    pub fn new(text: &'a str, now: NaiveDateTime) -> FindCmd<'a> {
        FindCmd {
            text,
            kind: None,
            json: false,
            lang: Lang::En,
            style: Style::Sms,
            units: Units::Miles,
            radius_km: DEFAULT_RADIUS_KM,
            offset: 0,
            limit: DEFAULT_LIMIT,
            now,
        }
    }
}

/// `haven services find TEXT [--kind K] [--json]`: the reply a person sending `TEXT` would get.
/// A text with no usable location is an error, which the caller prints (exit status 1).
pub fn find_cmd(
    dir: &Directory,
    locator: &Locator,
    cmd: &FindCmd<'_>,
    texts: &Texts<'_>,
) -> Result<String, LocateError> {
    let located = locator.locate(cmd.text)?;
    let query = Query {
        kind: cmd.kind,
        at: (located.lat, located.lon),
        radius_km: cmd.radius_km,
        offset: cmd.offset,
        limit: cmd.limit,
        now: cmd.now,
        open_now: false,
    };
    let page = dir.find(&query);
    let options = RenderOptions {
        lang: cmd.lang,
        style: cmd.style,
        units: cmd.units,
        more_hint: true,
    };
    let replies = render(&page, &located, &options, texts);
    if !cmd.json {
        return Ok(replies.join("\n\n"));
    }
    let value = json!({
        "located": { "label": located.label, "approximate": located.approximate },
        "kind": cmd.kind.map(Kind::code),
        "radius_km": cmd.radius_km,
        "offset": cmd.offset,
        "total_within_radius": page.total_within_radius,
        "hits": page.hits.iter().map(hit_json).collect::<Vec<_>>(),
        "replies": replies,
    });
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

fn hit_json(hit: &Hit) -> Value {
    let s = &hit.service;
    let hm = |t: chrono::NaiveTime| format!("{:02}:{:02}", t.hour(), t.minute());
    let status = match hit.status {
        Status::OpenNow { closes_at } => {
            json!({ "state": "open", "closes_at": closes_at.map(hm) })
        }
        Status::OpensAt { at, day_offset } => {
            json!({ "state": "opens", "at": hm(at), "day_offset": day_offset })
        }
        Status::ClosedForAWeek => json!({ "state": "closed" }),
        Status::Unknown => json!({ "state": "unknown" }),
    };
    json!({
        "id": s.id,
        "name": s.name,
        "kinds": s.kinds.iter().map(Kind::code).collect::<Vec<_>>(),
        "distance_km": (hit.distance_km * 100.0).round() / 100.0,
        "approximate": hit.approximate,
        "status": status,
        "phone": s.phone,
        "address": s.address,
        "city": s.city,
        "state": s.state,
        "zip": s.zip,
        "lat": s.lat,
        "lon": s.lon,
        "hours": s.hours.as_ref().map(|h| h.as_str()),
        "languages": &*s.languages,
        "notes": s.notes,
        "notes_es": s.notes_es,
        "source": s.source,
        "last_verified": s.last_verified.map(|d| d.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referrals::locate::Places;
    use crate::referrals::render::tests::fluent;
    use chrono::NaiveDate;

    fn example() -> Directory {
        Directory::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/deploy/directory.example.csv"
        )))
        .unwrap()
    }

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn find_text_and_json_agree() {
        let dir = example();
        let locator = Locator::new(Places::default());
        let texts = fluent(Lang::En);
        let mut cmd = FindCmd::new("10001", now());
        cmd.kind = Some(Kind::Naloxone);
        let text = find_cmd(&dir, &locator, &cmd, &texts).unwrap();
        assert!(text.starts_with("Near 10001:\n1) "), "{text}");
        cmd.json = true;
        let v: Value =
            serde_json::from_str(&find_cmd(&dir, &locator, &cmd, &texts).unwrap()).unwrap();
        assert_eq!(v["replies"][0], text);
        assert_eq!(v["kind"], "naloxone");
        let hits = v["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 3);
        for h in hits {
            assert!(h["kinds"].as_array().unwrap().contains(&json!("naloxone")));
        }
        let d: Vec<f64> = hits
            .iter()
            .map(|h| h["distance_km"].as_f64().unwrap())
            .collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
        assert!(text.contains(hits[0]["name"].as_str().unwrap().split(' ').nth(2).unwrap()));
        // The person's own location is not part of the output.
        assert!(v["located"].get("lat").is_none());
    }

    #[test]
    fn find_reports_location_errors() {
        let dir = example();
        let locator = Locator::new(Places::default());
        let texts = fluent(Lang::En);
        let cmd = FindCmd::new("00000", now());
        assert_eq!(
            find_cmd(&dir, &locator, &cmd, &texts),
            Err(LocateError::UnknownZip)
        );
        let cmd = FindCmd::new("somewhere", now());
        assert_eq!(
            find_cmd(&dir, &locator, &cmd, &texts),
            Err(LocateError::NotFound)
        );
    }
}
