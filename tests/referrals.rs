//! Referrals end to end: fixture directories under `tests/fixtures/referrals/`, imported into a
//! temporary data directory, searched from what a person would send, and rendered with the real
//! Fluent texts in `locales/`.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
use haven::Lang;
use haven::referrals::{
    Directory, DirectoryHandle, Kind, LocateError, Locator, Page, Place, Places, Query,
    RenderOptions, Status, Style, Texts, Units, import, render, render_locate_error,
};
use haven::text::{Encoding, segments};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/referrals")
        .join(name)
}

/// 2026-11-23 is a Monday; `day` 0 = Monday … 6 = Sunday.
fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23 + day)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn good() -> Directory {
    Directory::load(&fixture("good.csv")).unwrap()
}

fn locator() -> Locator {
    Locator::new(
        Places::new(vec![
            Place {
                name: "Harlem".into(),
                name_es: None,
                aliases: vec!["central harlem".into()],
                lat: 40.8116,
                lon: -73.9465,
            },
            Place {
                name: "The Bronx".into(),
                name_es: Some("El Bronx".into()),
                aliases: vec!["bronx".into()],
                lat: 40.8448,
                lon: -73.8648,
            },
        ])
        .unwrap(),
    )
}

fn search(dir: &Directory, text: &str, kind: Option<Kind>, radius_km: f64) -> Page {
    let located = locator().locate(text).unwrap();
    let mut q = Query::new((located.lat, located.lon), at(0, 12, 0));
    q.kind = kind;
    q.radius_km = radius_km;
    q.limit = 10;
    dir.find(&q)
}

fn ids(page: &Page) -> Vec<&str> {
    page.hits.iter().map(|h| h.service.id.as_str()).collect()
}

/// The texts of `locales/<lang>/referrals.ftl` through fluent-bundle, as the locale loader
/// will provide them; any Fluent error fails the test.
fn texts(lang: Lang) -> impl Fn(&str, &[(&str, String)]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang.code())
        .join("referrals.ftl");
    let resource = FluentResource::try_new(std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", path.display()));
    let mut bundle = FluentBundle::new(vec![lang.code().parse().unwrap()]);
    // Unicode isolation marks would force every SMS into UCS-2.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).unwrap();
    move |id, args| {
        let message = bundle.get_message(id).unwrap_or_else(|| panic!("no {id}"));
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        let out = bundle.format_pattern(message.value().unwrap(), Some(&fargs), &mut errors);
        assert!(errors.is_empty(), "{id}: {errors:?}");
        out.into_owned()
    }
}

#[test]
fn ordering_by_distance_across_a_zip_boundary() {
    // From the 10001 centroid, a service just over the line in 10011 is nearer than one inside
    // 10001: ranking is by distance, not by ZIP.
    let page = search(&good(), "10001", None, 5.0);
    assert_eq!(ids(&page), ["centroid-10001", "across-10011", "near-10001"]);
    let d: Vec<f64> = page.hits.iter().map(|h| h.distance_km).collect();
    assert!(d[0] < 0.01, "{d:?}");
    assert!(
        (0.35..0.5).contains(&d[1]) && (0.5..0.7).contains(&d[2]),
        "{d:?}"
    );
    assert_eq!(page.hits[1].service.zip, "10011");
    // The centroid-placed service is flagged approximate; the others are not.
    assert_eq!(
        page.hits.iter().map(|h| h.approximate).collect::<Vec<_>>(),
        [true, false, false]
    );
}

#[test]
fn kinds_filter() {
    let dir = good();
    let syringe = search(&dir, "10001", Some(Kind::Syringe), 20.0);
    assert_eq!(ids(&syringe), ["near-10001", "harlem-10027"]);
    let methadone = search(&dir, "10001", Some(Kind::Methadone), 20.0);
    assert_eq!(ids(&methadone), ["bronx-10451"]);
    let naloxone = search(&dir, "10001", Some(Kind::Naloxone), 20.0);
    assert_eq!(
        ids(&naloxone),
        ["centroid-10001", "across-10011", "near-10001"]
    );
    assert!(
        search(&dir, "10001", Some(Kind::OverdosePreventionCenter), 20.0)
            .hits
            .is_empty()
    );
    // Boston is in the directory but far outside the radius; a radius over 300 km reaches it.
    assert_eq!(
        search(&dir, "10001", Some(Kind::Naloxone), 400.0)
            .hits
            .len(),
        4
    );
}

#[test]
fn hours_at_the_edges_of_a_day_and_across_midnight() {
    let dir = good();
    let status = |id: &str, now: NaiveDateTime| {
        let mut q = Query::new((40.7484, -73.9967), now);
        q.radius_km = 5.0;
        q.limit = 10;
        let page = dir.find(&q);
        page.hits
            .iter()
            .find(|h| h.service.id == id)
            .map(|h| h.status)
            .unwrap()
    };
    let open = |h, m| Status::OpenNow {
        closes_at: Some(time(h, m)),
    };
    let opens = |h, m, day_offset| Status::OpensAt {
        at: time(h, m),
        day_offset,
    };
    // near-10001: Mo-Fr 09:00-17:00.
    assert_eq!(status("near-10001", at(0, 8, 59)), opens(9, 0, 0));
    assert_eq!(status("near-10001", at(0, 9, 0)), open(17, 0));
    assert_eq!(status("near-10001", at(0, 17, 0)), opens(9, 0, 1));
    assert_eq!(status("near-10001", at(4, 17, 0)), opens(9, 0, 3));
    // across-10011: Fr 20:00-02:00.
    assert_eq!(status("across-10011", at(4, 23, 30)), open(2, 0));
    assert_eq!(status("across-10011", at(5, 1, 59)), open(2, 0));
    assert_eq!(status("across-10011", at(5, 2, 0)), opens(20, 0, 6));
    // centroid-10001 has no hours.
    assert_eq!(status("centroid-10001", at(5, 2, 0)), Status::Unknown);
}

#[test]
fn zip_plus_four_and_unknown_zips() {
    let dir = good();
    let plain = search(&dir, "10001", None, 5.0);
    for text in ["10001-1234", "10001 1234", "my zip is 10001-0001"] {
        assert_eq!(search(&dir, text, None, 5.0), plain, "{text}");
    }
    let l = locator();
    assert_eq!(l.locate("00000"), Err(LocateError::UnknownZip));
    assert_eq!(l.locate("im at 99999"), Err(LocateError::UnknownZip));
    assert_eq!(l.locate("near me"), Err(LocateError::NotFound));
    let o = RenderOptions {
        lang: Lang::En,
        style: Style::Sms,
        units: Units::Miles,
        more_hint: true,
    };
    assert_eq!(
        render_locate_error(LocateError::UnknownZip, &o, &texts(Lang::En)),
        "I don't know that ZIP code. Could you check it, or tell me your neighborhood or town?"
    );
}

#[test]
fn a_place_name_with_a_typo() {
    let dir = good();
    let located = locator().locate("im near harlm").unwrap();
    assert_eq!(located.label.as_deref(), Some("Harlem"));
    assert!(located.approximate);
    assert_eq!(ids(&search(&dir, "harlm", None, 2.0)), ["harlem-10027"]);
    assert_eq!(
        locator()
            .locate("estoy en el Bronx")
            .unwrap()
            .label
            .as_deref(),
        Some("The Bronx")
    );
}

#[test]
fn empty_result_gives_the_national_options() {
    let dir = good();
    let located = locator().locate("80202").unwrap();
    let mut q = Query::new((located.lat, located.lon), at(0, 12, 0));
    q.kind = Some(Kind::Naloxone);
    let page = dir.find(&q);
    assert!(page.hits.is_empty());
    assert_eq!(page.total_within_radius, 0);
    let o = |lang| RenderOptions {
        lang,
        style: Style::Sms,
        units: Units::Miles,
        more_hint: true,
    };
    let en = render(&page, &located, &o(Lang::En), &texts(Lang::En));
    assert_eq!(
        en,
        [
            "I didn't find naloxone within 25 mi of 80202 in our list.\nSearch FindTreatment.gov \
          for treatment, or call the SAMHSA National Helpline at 1-800-662-4357 (free, \
          confidential, 24/7, English and Spanish)."
        ]
    );
    let es = render(&page, &located, &o(Lang::Es), &texts(Lang::Es));
    assert!(
        es[0].starts_with("No encontré naloxona a menos de 25 mi de 80202"),
        "{es:?}"
    );
    assert!(es[0].contains("1-800-662-4357") && es[0].contains("FindTreatment.gov"));
    for text in [&en[0], &es[0]] {
        let s = segments(text);
        assert_eq!((s.encoding, s.count <= 2), (Encoding::Gsm7, true), "{text}");
    }
}

#[test]
fn paging_covers_every_result_once() {
    let dir = good();
    let located = locator().locate("10001").unwrap();
    let mut q = Query::new((located.lat, located.lon), at(0, 12, 0));
    q.radius_km = 30.0;
    q.limit = 100;
    let all = dir.find(&q);
    assert_eq!(all.total_within_radius, 5);
    q.limit = 2;
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        q.offset = offset;
        let page = dir.find(&q);
        assert_eq!(page.total_within_radius, 5);
        assert_eq!(page.has_more(), offset < 4, "offset {offset}");
        paged.extend(page.hits);
    }
    assert_eq!(paged, all.hits);
    q.offset = 6;
    assert!(dir.find(&q).hits.is_empty());
}

#[test]
fn sms_and_rich_replies_from_a_fixture() {
    let dir = good();
    let located = locator().locate("10001").unwrap();
    let mut q = Query::new((located.lat, located.lon), at(4, 23, 30));
    q.kind = Some(Kind::Naloxone);
    let page = dir.find(&q);
    let en = texts(Lang::En);
    let sms = |lang, t: &Texts<'_>| {
        let o = RenderOptions {
            lang,
            style: Style::Sms,
            units: Units::Miles,
            more_hint: true,
        };
        render(&page, &located, &o, t).remove(0)
    };
    assert_eq!(
        sms(Lang::En, &en),
        "Near 10001:\n\
         1) Fixture At Centroid, ~0.1 mi, 212-555-0152, New York\n\
         2) Fixture Across the Line, 0.3 mi, open until 2am, 212-555-0151, W 22nd St\n\
         3) Fixture West 30th, 0.4 mi, opens Monday 9am, 212-555-0150, 450 W 30th St"
    );
    assert_eq!(
        sms(Lang::Es, &texts(Lang::Es)),
        "Cerca de 10001:\n\
         1) Fixture At Centroid, ~0.1 mi, 212-555-0152, New York\n\
         2) Fixture Across the Line, 0.3 mi, abierto hasta 2:00, 212-555-0151, W 22nd St\n\
         3) Fixture West 30th, 0.4 mi, abre el lunes 9:00, 212-555-0150, 450 W 30th St"
    );
    let rich = render(
        &page,
        &located,
        &RenderOptions {
            lang: Lang::En,
            style: Style::Rich,
            units: Units::Kilometres,
            more_hint: true,
        },
        &en,
    )
    .remove(0);
    assert!(
        rich.starts_with(
            "Near 10001:\n\n1. Fixture At Centroid\n~0.1 km\nNaloxone, HIV/HCV testing\n\
             Phone: 212-555-0152\nNew York, NY 10001\nMap: https://www.openstreetmap.org/\
             ?mlat=40.74840&mlon=-73.99670#map=15/40.74840/-73.99670\n\
             Location is approximate (the center of its ZIP code).\nplaced by ZIP\n(approximate)\n\n\
             2. Fixture Across the Line\n0.4 km · open until 2am\n"
        ),
        "{rich}"
    );
    // Only three naloxone places are within the radius, so there is no "MORE" line; with any
    // kind there are five, and the reply offers the next page.
    assert!(!rich.contains("MORE"), "{rich}");
    q.kind = None;
    let page = dir.find(&q);
    let o = RenderOptions {
        lang: Lang::En,
        style: Style::Sms,
        units: Units::Miles,
        more_hint: true,
    };
    let sms = render(&page, &located, &o, &en).remove(0);
    assert!(sms.ends_with("\nReply MORE for more places."), "{sms}");
}

#[test]
fn a_bad_csv_is_rejected_with_line_numbers_and_the_old_directory_keeps_answering() {
    let data = tempfile::tempdir().unwrap();
    let report = import(&fixture("good.csv"), data.path()).unwrap();
    assert_eq!(report.services, 6);
    assert_eq!(
        report.per_kind.iter().find(|(k, _)| *k == Kind::Naloxone),
        Some(&(Kind::Naloxone, 4))
    );
    assert_eq!(report.approximate, 1);
    let handle = DirectoryHandle::open(data.path()).unwrap();
    assert_eq!(handle.current().len(), 6);
    let installed = std::fs::read(data.path().join("directory.csv")).unwrap();

    let bad = fixture("bad.csv");
    let err = import(&bad, data.path()).unwrap_err();
    let got: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    let f = bad.display();
    assert_eq!(
        got,
        [
            // The first row's notes span lines 2-4, so the next row is on line 5.
            format!(
                "{f}:5: lat: \"4O.75\" is not a latitude (a decimal number from -90 to 90, such \
                 as 40.7484)"
            ),
            format!(
                "{f}:6: kinds: unknown kind \"narcan\" (kinds: naloxone, syringe, methadone, \
                 buprenorphine, treatment, testing, fentanyl-strips, overdose-prevention-center, \
                 drop-in)"
            ),
            format!("{f}:7: id: duplicate id \"ok-1\" (first used on line 2)"),
            format!(
                "{f}:8: hours: public holidays (PH) are not supported (at character 20); \
                 supported: 24/7; weekdays Mo-Fr, Mo,We,Fr, Sa-Mo; times 09:00-17:00, several \
                 with commas, past midnight 20:00-02:00; off; rules separated by ;"
            ),
        ]
    );
    assert!(
        err.to_string()
            .ends_with("4 problems; the file was not used and the directory in use is unchanged")
    );
    // Nothing was written, and the running directory still answers.
    assert_eq!(
        std::fs::read(data.path().join("directory.csv")).unwrap(),
        installed
    );
    assert!(!handle.reload_if_changed().unwrap());
    assert_eq!(
        ids(&search(&handle.current(), "10001", None, 5.0)),
        ["centroid-10001", "across-10011", "near-10001"]
    );

    let missing = fixture("missing_column.csv");
    let err = import(&missing, data.path()).unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert!(
        err.problems()[0]
            .to_string()
            .starts_with(&format!("{}:1: lon: missing column", missing.display())),
        "{err}"
    );

    // A good re-import is picked up without a restart.
    let report = import(&fixture("good_v2.csv"), data.path()).unwrap();
    assert_eq!(report.services, 1);
    assert!(handle.reload_if_changed().unwrap());
    assert_eq!(
        ids(&search(&handle.current(), "10001", None, 5.0)),
        ["v2-only"]
    );
    assert!(!handle.reload_if_changed().unwrap());

    // A broken file put in place by hand (not through import) is refused at reload, once, and
    // the directory in use keeps answering.
    let held = handle.current();
    std::fs::copy(&bad, data.path().join("directory.csv")).unwrap();
    assert_eq!(handle.reload_if_changed().unwrap_err().problems().len(), 4);
    assert!(!handle.reload_if_changed().unwrap());
    assert_eq!(
        ids(&search(&handle.current(), "10001", None, 5.0)),
        ["v2-only"]
    );
    // Requests that took the directory before any swap keep a complete one.
    assert_eq!(held.len(), 1);
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["directory.csv"]);
}

#[test]
fn a_missing_directory_file_starts_empty_and_is_picked_up_later() {
    let data = tempfile::tempdir().unwrap();
    let handle = DirectoryHandle::open(data.path()).unwrap();
    assert!(handle.current().is_empty());
    let clone = handle.clone();
    import(&fixture("good.csv"), data.path()).unwrap();
    assert!(clone.reload_if_changed().unwrap());
    // Clones share the directory in use.
    assert_eq!(handle.current().len(), 6);
}

/// The benchmark, in release mode:
/// `cargo test --release --test referrals -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_referrals() {
    let report = haven::referrals::run_bench();
    println!("{report}");
    if !cfg!(debug_assertions) {
        assert!(report.p99.as_secs_f64() < 0.001, "p99 {:?}", report.p99);
        assert!(
            report.startup().as_secs_f64() < 0.3,
            "startup {:?}",
            report.startup()
        );
        if let Some(kib) = report.rss_after_kib {
            assert!(kib < 80 * 1000, "rss {kib} KiB");
        }
    }
}
