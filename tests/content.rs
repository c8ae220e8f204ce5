//! The medical and legal content as a whole (issue 11): no text in any language tells a bystander
//! to check a pulse; Spanish texts name "la persona", never "su nombre"; person-first words; every
//! medical text is GSM-7; `haven check` refuses a medical text whose source is private, missing
//! or not a public document, and a `[verify]` fact that is not on record; `haven content sheet`
//! writes the review sheet, and the sheet renders in real headless Chromium.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use haven::Lang;
use haven::content::{self, sheet};
use haven::locales::Texts;
use regex::Regex;
use serde_json::json;
use support::browser::{self, Browser, Options, artifacts};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn haven() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
    c.current_dir(root());
    c.env_remove("HAVEN_SECRET").env("HAVEN_LOG", "warn");
    c
}

/// Every text in every language, rendered as a person would get it.
fn all_texts() -> Vec<(Lang, String, String)> {
    let (texts, problems) = Texts::load(&root().join("locales"));
    assert!(problems.is_empty(), "{problems:?}");
    texts
        .all()
        .map(|(lang, key, _)| {
            (
                lang,
                key.to_owned(),
                content::render_sample(&texts, lang, key),
            )
        })
        .collect()
}

#[test]
fn no_text_in_any_language_tells_anyone_to_check_a_pulse() {
    // AHA: lay rescuers do not check for a pulse; "no pulse" as a cue invites them to.
    let pulse =
        Regex::new(r"(?i)\b(pulse|pulses|pulso|pulsos|heartbeat|latido del coraz)").unwrap();
    let texts = all_texts();
    assert!(texts.len() > 100, "read the shipped locales");
    for lang in Lang::ALL {
        assert!(texts.iter().any(|(l, _, _)| *l == lang), "texts in {lang}");
    }
    let offending: Vec<String> = texts
        .iter()
        .filter(|(_, _, t)| pulse.is_match(t))
        .map(|(l, k, t)| format!("{k} ({l}): {t}"))
        .collect();
    assert!(offending.is_empty(), "pulse-check wording: {offending:#?}");
}

#[test]
fn spanish_medical_texts_name_the_person_not_the_reader() {
    // With usted, "su nombre" reads as the reader's own name; -lo forms assume a man.
    let wrong = Regex::new(
        r"(?i)\bsu (nombre|pecho|nariz|barbilla|cabeza)\b|\b(acuéstelo|déjelo|póngalo|manténgalo|métalo|hágalo|lo haga vomitar|lo meta)\b",
    )
    .unwrap();
    let (texts, _) = Texts::load(&root().join("locales"));
    let mut checked = 0;
    for (lang, key, _) in texts.all() {
        // The overdose-response texts, where "su" would be the person in trouble; elsewhere
        // (the web page's "su nombre") it is the reader, rightly.
        let about_the_person = key.starts_with("emergency-") || key.starts_with("naloxone-");
        if lang != Lang::Es || !about_the_person || !content::is_medical(&texts, key) {
            continue;
        }
        checked += 1;
        let t = content::render_sample(&texts, lang, key);
        assert!(!wrong.is_match(&t), "{key}: {t}");
    }
    assert!(checked >= 20, "checked {checked} Spanish overdose texts");
}

#[test]
fn texts_use_person_first_words() {
    let words = Regex::new(
        r"(?i)\b(addicts?|addicted|abuse|abuser|junkie|dirty|drogadict[oa]s?|adict[oa]s?|abuso)\b",
    )
    .unwrap();
    for (l, k, t) in all_texts() {
        assert!(!words.is_match(&t), "{k} ({l}): {t}");
    }
}

#[test]
fn every_medical_text_is_gsm7_in_every_language() {
    // One UCS-2 character (an accented vowel in Spanish, a curly quote) cuts every segment to
    // 70 characters: reword it rather than spend three times the messages.
    let report = haven::check::check(&root().join("flows"), &root().join("locales"));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let (texts, _) = Texts::load(&root().join("locales"));
    let mut checked = 0;
    for line in &report.segments {
        if !content::is_medical(&texts, &line.key) {
            continue;
        }
        checked += 1;
        assert_eq!(
            line.encoding,
            haven::text::Encoding::Gsm7,
            "{} ({}) is UCS-2",
            line.key,
            line.lang
        );
    }
    assert!(checked > 60, "checked {checked}");
}

/// A copy of the shipped flows and locales to break on purpose.
fn copy_of_content() -> (tempfile::TempDir, PathBuf, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let p = e.unwrap().path();
            let t = to.join(p.file_name().unwrap());
            if p.is_dir() {
                copy(&p, &t)
            } else {
                std::fs::copy(&p, &t).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows");
    let locales = dir.path().join("locales");
    copy(&root().join("flows"), &flows);
    copy(&root().join("locales"), &locales);
    (dir, flows, locales)
}

fn replace(file: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(file).unwrap();
    assert!(s.contains(from), "{} has {from:?}", file.display());
    std::fs::write(file, s.replacen(from, to, 1)).unwrap();
}

fn check(flows: &Path, locales: &Path) -> (bool, String) {
    let out = haven()
        .arg("--flows")
        .arg(flows)
        .arg("--locales")
        .arg(locales)
        .args(["check", "--quiet"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn check_refuses_a_medical_text_without_a_public_source() {
    let (_dir, flows, locales) = copy_of_content();
    let en = locales.join("en/emergency.ftl");
    let es = locales.join("es/emergency.ftl");
    // A private document, no document at all, a bare publisher, and Spanish "Fuente:".
    replace(
        &en,
        "# Source: CDC \"What to Do if You Think Someone is Overdosing\" (cdc.gov/stop-overdose/response):\n# \"administer naloxone ... and call 911\", stay with the person; FDA Narcan 4 mg Drug Facts\n# (DailyMed setid a0ebc83d-2892-40de-bc0a-775ce90b30db): one device is one dose, in a nostril.\n",
        "# Source: PRODUCT.md (the first reply)\n",
    );
    let shipped = std::fs::read_to_string(&en).unwrap();
    let steps_at = shipped.find("emergency-steps =").unwrap();
    let source_at = shipped[..steps_at].rfind("# Source:").unwrap();
    let mut broken = shipped.clone();
    broken.replace_range(source_at..steps_at, "# Source: none needed\n");
    std::fs::write(&en, broken).unwrap();
    replace(
        &en,
        "# Source: poisonhelp.hrsa.gov (Poison Help 1-800-222-1222: free, confidential, 24/7,\n# interpreters; \"If someone is unconscious or has trouble breathing, call 911\"); CDC \"What to Do\n# if You Think Someone is Overdosing\" (call 911; someone should stay with the person).\n",
        "# Source: CDC\n",
    );
    replace(
        &es,
        "# Source: 988lifeline.org/get-help/what-to-expect (llamada",
        "# Fuente: 988lifeline.org/get-help/what-to-expect (llamada",
    );
    let (ok, out) = check(&flows, &locales);
    assert!(!ok, "{out}");
    let en_file = en.display().to_string();
    let es_file = es.display().to_string();
    let line_of = |file: &Path, id: &str| {
        std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .position(|l| l.starts_with(&format!("{id} =")))
            .unwrap()
            + 1
    };
    for want in [
        format!(
            "{en_file}:{}:1: text `emergency-first` (en) cites PRODUCT.md, which is not a public document",
            line_of(&en, "emergency-first")
        ),
        format!(
            "{en_file}:{}:1: the `# Source:` of `emergency-steps` (en) names no public document",
            line_of(&en, "emergency-steps")
        ),
        format!(
            "{en_file}:{}:1: the `# Source:` of `emergency-self` (en) names no public document",
            line_of(&en, "emergency-self")
        ),
        format!(
            "{es_file}:{}:1: text `emergency-988` (es): `Fuente:` is not read; write `# Source:`",
            line_of(&es, "emergency-988")
        ),
    ] {
        assert!(out.contains(&want), "missing:\n  {want}\nin:\n{out}");
    }
}

#[test]
fn check_refuses_an_unrecorded_fact_to_verify_and_a_bad_review_record() {
    let (_dir, flows, locales) = copy_of_content();
    let reviews = locales.join("REVIEWS.toml");
    // The Never Use Alone number leaves the record; a review names a text that is not medical.
    let s = std::fs::read_to_string(&reviews).unwrap();
    let start = s.find("[[unverified]]\nwhat = \"Never Use Alone").unwrap();
    let end = start + s[start + 1..].find("[[unverified]]").unwrap() + 1;
    let mut s = format!("{}{}", &s[..start], &s[end..]);
    s = s.replacen(
        "review = []\n",
        "[[review]]\nreviewer = \"A. Name\"\nrole = \"clinician\"\ndate = \"2027-01-15\"\ntexts = { menu-welcome = \"0123456789ab\" }\n",
        1,
    );
    std::fs::write(&reviews, s).unwrap();
    let (ok, out) = check(&flows, &locales);
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "text `saferuse-alone` (en) marks a fact to verify: list it under `[[unverified]]`"
        ),
        "{out}"
    );
    let line = std::fs::read_to_string(&reviews)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("texts = { menu-welcome"))
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!(
            "{}:{line}:11: `menu-welcome` is not a medical or legal text",
            reviews.display()
        )),
        "{out}"
    );
}

#[test]
fn a_recorded_review_counts_until_the_text_changes() {
    let (_dir, flows, locales) = copy_of_content();
    let (texts, _) = Texts::load(&locales);
    let fp = content::fingerprint(&texts, "emergency-first");
    let reviews = locales.join("REVIEWS.toml");
    let s = std::fs::read_to_string(&reviews).unwrap().replacen(
        "review = []\n",
        &format!(
            "[[review]]\nreviewer = \"Test Reviewer\"\nrole = \"clinician\"\ndate = \"2027-01-15\"\ntexts = {{ emergency-first = \"{fp}\" }}\n"
        ),
        1,
    );
    std::fs::write(&reviews, s).unwrap();
    let report = haven::check::check(&flows, &locales);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.review.reviewed, report.review.changed), (1, 0));
    let sheet = sheet::build(&flows, &locales, "2027-01-16").unwrap();
    let row = sheet
        .rows
        .iter()
        .find(|r| r.id == "emergency-first")
        .unwrap();
    assert!(
        row.status
            .to_string()
            .starts_with("reviewed by Test Reviewer (clinician) on 2027-01-15"),
        "{}",
        row.status
    );
    // One word changed in Spanish: the review no longer covers the text.
    replace(
        &locales.join("es/emergency.ftl"),
        "Le mando los pasos.",
        "Ya le mando los pasos.",
    );
    let report = haven::check::check(&flows, &locales);
    assert_eq!((report.review.reviewed, report.review.changed), (0, 1));
}

#[test]
fn content_sheet_writes_html_and_csv_with_every_medical_text() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = haven()
        .args(["content", "sheet", "--out"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("content-sheet.html"), "{stdout}");
    let html = std::fs::read_to_string(out_dir.path().join("content-sheet.html")).unwrap();
    let csv = std::fs::read_to_string(out_dir.path().join("content-sheet.csv")).unwrap();
    // Self-contained: no script, stylesheet, image or font from anywhere.
    for needle in ["<script", "<link", "<img", "@import", "url("] {
        assert!(
            !html.contains(needle),
            "the sheet loads something: {needle}"
        );
    }
    let (texts, _) = Texts::load(&root().join("locales"));
    let medical: Vec<&str> = texts
        .all()
        .filter(|(l, k, _)| *l == Lang::En && content::is_medical(&texts, k))
        .map(|(_, k, _)| k)
        .collect();
    assert!(medical.len() > 30);
    for key in &medical {
        assert!(
            html.contains(&format!("id=\"{key}\"")),
            "{key} on the HTML sheet"
        );
        assert!(
            csv.lines().any(|l| l.starts_with(&format!("{key},"))),
            "{key} in the CSV"
        );
    }
    assert!(csv.starts_with("id,where,text_en,text_es,source_en,source_es,"));
    assert!(
        html.contains("Never Use Alone hotline number"),
        "unverified facts are listed"
    );
    assert!(html.contains("not reviewed"));
    assert!(
        !html.contains("reviewed by"),
        "nobody has reviewed the shipped texts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_sheet_renders_in_chromium() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let sheet = sheet::build(&root().join("flows"), &root().join("locales"), "2027-01-16").unwrap();
    let path = dir.path().join("content-sheet.html");
    std::fs::write(&path, sheet.html()).unwrap();
    let b = Browser::start(Options::desktop()).await;
    b.goto(&format!("file://{}", path.display())).await;
    assert_eq!(b.title().await, "haven content review sheet, 2027-01-16");
    let rows = b.find_all("#texts tbody tr").await;
    assert_eq!(rows.len(), sheet.rows.len());
    // English and Spanish side by side in the first row: the first overdose reply.
    let first = b.texts("#texts tbody tr:first-child td.text").await;
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(first[0].starts_with("Call 911 now."), "{first:?}");
    assert!(first[1].starts_with("Llame al 911 ya."), "{first:?}");
    let langs = b
        .exec(
            "return [...document.querySelectorAll('#texts tbody tr:first-child td.text')].map(e => e.lang);",
            vec![],
        )
        .await;
    assert_eq!(langs, json!(["en", "es"]));
    // Every row has text in both languages, a source and a review cell.
    let empty = b
        .exec(
            "return [...document.querySelectorAll('#texts tbody tr')].filter(r => \
               [...r.querySelectorAll('td.text, td.source, td.review')].some(c => c.innerText.trim() === '')\
             ).map(r => r.id);",
            vec![],
        )
        .await;
    assert_eq!(empty, json!([]), "rows with an empty cell");
    let row = b.find("#saferuse-alone").await;
    assert!(
        b.text(&row)
            .await
            .contains("unverified: Never Use Alone hotline number")
    );
    // Nothing was fetched: the page is one file.
    let fetched = b
        .exec(
            "return performance.getEntriesByType('resource').length;",
            vec![],
        )
        .await;
    assert_eq!(fetched, json!(0));
    // Wide enough to read on a desktop without scrolling sideways.
    let overflow = b
        .exec(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
            vec![],
        )
        .await;
    assert_eq!(overflow, json!(true), "the sheet scrolls sideways");
    b.screenshot(&artifacts().join("content-sheet.png")).await;
    b.quit().await;
}
