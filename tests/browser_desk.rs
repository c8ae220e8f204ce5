//! The counselors' desk of issue 15 in real headless Chromium: two counselors on shift, a
//! person in the web chat (in Spanish) whose first message spoke of an overdose; the urgent
//! ticket alerts both (sound, page title, browser notification); one claims, inserts a quick
//! reply that goes out in Spanish, adds a private note, transfers to the other, whose tab
//! counts the unread messages live; the other closes with an outcome and the person's feedback
//! answer is counted. Then the supervisor's reports page (charts drawn as SVG on the server,
//! small cells shown as "<5", the CSV the same numbers), and the queue on a phone (issue 18:
//! no sideways scrolling, Claim on screen, a readable "Sign out").
//!
//! What is asserted about the alert, honestly: a page hook (installed before the page's own
//! script through DevTools) records each `new Notification(...)` the page makes and each tone
//! it starts through Web Audio; the notification permission is granted through WebDriver as a
//! person clicking "Allow" would, and the sound is allowed by Chromium's autoplay switch.
//! Whether the desktop shows the notification or the speakers play is the browser's business
//! and is not observed. Every wait is for a condition, never for a time.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use haven::counselors::console::accounts::{Accounts, Role};
use haven::engine::{Channel, Content};
use serde_json::{Value, json};
use support::browser::{self, Browser, Options, artifacts};
use support::server::TestServer;

const WAIT: Duration = Duration::from_secs(20);

/// Records what the page asks of the browser for alerts, before the page's script runs.
const HOOK: &str = r#"
window.__seen = { notes: [], tones: 0 };
(function () {
  var N = window.Notification;
  if (N) {
    var W = function (title, opts) {
      window.__seen.notes.push({ title: String(title), body: String((opts && opts.body) || '') });
      try { return new N(title, opts); } catch (e) { return {}; }
    };
    Object.defineProperty(W, 'permission', { get: function () { return N.permission; } });
    W.requestPermission = function () { return N.requestPermission.apply(N, arguments); };
    window.Notification = W;
  }
  var C = window.AudioContext;
  if (C) {
    var make = C.prototype.createOscillator;
    C.prototype.createOscillator = function () {
      var o = make.call(this);
      var start = o.start;
      o.start = function () { window.__seen.tones += 1; return start.apply(o, arguments); };
      return o;
    };
  }
})();
"#;

async fn server(dir: &std::path::Path) -> TestServer {
    let accounts = Accounts::new(dir);
    accounts.set("maria", "correct horse battery", 0).unwrap();
    accounts.set("ben", "another long password", 0).unwrap();
    accounts.set("sam", "supervisor password", 0).unwrap();
    accounts.set_role("sam", Role::Supervisor).unwrap();
    TestServer::start(dir, &[]).await
}

async fn login(b: &Browser, base: &str, name: &str, password: &str) {
    b.goto(&format!("{base}/console/login")).await;
    b.type_into(&b.find("#name").await, name).await;
    b.type_into(&b.find("#password").await, password).await;
    b.click(&b.find("form button[type=submit]").await).await;
    b.wait_for_text("header", &format!("Signed in as {name}"), WAIT)
        .await;
}

/// Waits until the page's live stream is connected (the server is then subscribed for it).
async fn live(b: &Browser) {
    b.wait_for("the live stream", WAIT, async || {
        (b.exec(
            "return document.body.getAttribute('data-live-ready');",
            vec![],
        )
        .await
            == json!("1"))
        .then_some(())
    })
    .await;
}

async fn go_on_shift(b: &Browser) {
    b.click(&b.find("#presence button").await).await;
    b.wait_for_text("#presence", "on shift", WAIT).await;
    live(b).await;
}

/// Waits until the page has loaded everything it links to (its style sheet above all), so that
/// what is measured is the page as styled: a form post's new page can be in the DOM before its
/// style sheet has arrived.
async fn loaded(b: &Browser) {
    b.wait_for("the page to finish loading", WAIT, async || {
        (b.exec("return document.readyState;", vec![]).await == json!("complete")).then_some(())
    })
    .await;
}

/// What the hook saw: notifications (title, body) and tones started.
async fn seen(b: &Browser) -> (Vec<(String, String)>, u64) {
    let v = b.exec("return window.__seen;", vec![]).await;
    let notes = v["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|n| {
                    (
                        n["title"].as_str().unwrap_or("").to_owned(),
                        n["body"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (notes, v["tones"].as_u64().unwrap_or(0))
}

async fn attr_of(b: &Browser, css: &str, name: &str) -> Option<String> {
    let v = b
        .exec(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(css), json!(name)],
        )
        .await;
    v.as_str().map(str::to_owned)
}

/// Waits until the tab of ticket `id` shows `n` unread messages.
async fn unread_is(b: &Browser, id: u64, n: usize) {
    let css = format!("#tabs a[data-tab='{id}']");
    b.wait_for(&format!("{n} unread on #{id}"), WAIT, async || {
        (attr_of(b, &css, "data-unread").await == Some(n.to_string())).then_some(())
    })
    .await;
}

fn spanish_phone() -> Options {
    Options {
        languages: "es-US,es".into(),
        ..Options::phone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_counselors_on_shift_an_urgent_ticket_alerts_both_and_one_sees_it_through() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let maria = Browser::start(Options::desktop().sound_allowed()).await;
    let ben = Browser::start(Options::desktop().sound_allowed()).await;
    for (b, name, pw) in [
        (&maria, "maria", "correct horse battery"),
        (&ben, "ben", "another long password"),
    ] {
        b.before_every_page(HOOK).await;
        login(b, &server.url, name, pw).await;
        b.grant("notifications").await;
        go_on_shift(b).await;
        assert_eq!(
            b.exec("return Notification.permission;", vec![]).await,
            json!("granted")
        );
        b.wait_for_text("#onshift", name, WAIT).await;
    }

    // A frightened friend, in Spanish, on a phone: first what happened, then asks for someone.
    let visitor = Browser::start(spanish_phone()).await;
    visitor.goto(&server.url).await;
    visitor
        .send_chat("mi amigo tuvo una sobredosis anoche")
        .await;
    visitor
        .wait_for_text("#log .msg.bot .text", "911", WAIT)
        .await;
    visitor.send_chat("quiero hablar con alguien").await;
    visitor
        .wait_for_text("#log .msg.bot .text", "consejero", WAIT)
        .await;
    let ticket = server.state.hub.handoff.queue().unwrap()[0].clone();
    let id = ticket.id;
    assert_eq!(
        ticket.priority,
        haven::handoff::Priority::Urgent,
        "the overdose that led here makes it urgent"
    );

    // Both counselors on shift are alerted: title, sound, notification.
    for b in [&maria, &ben] {
        b.wait_for("the alert", WAIT, async || {
            (attr_of(b, "body", "data-alerts").await.as_deref() == Some("1")).then_some(())
        })
        .await;
        let title = b.title().await;
        assert!(
            title.starts_with(&format!("🚨 URGENT #{id} waiting")),
            "{title}"
        );
        let (notes, tones) = seen(b).await;
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].0.contains(&format!("URGENT #{id}")), "{notes:?}");
        assert!(
            !notes[0].1.contains("sobredosis"),
            "no words in a notification"
        );
        assert!(tones >= 1, "the alert sound started");
        b.wait_for_text("#alert", &format!("URGENT #{id}"), WAIT)
            .await;
    }
    ben.screenshot(&artifacts().join("console-urgent-alert.png"))
        .await;

    // Maria claims it; Ben's page stops alerting and no longer shows the conversation.
    maria
        .click(
            &maria
                .find(&format!("#queue tr[data-ticket='{id}'] button"))
                .await,
        )
        .await;
    maria
        .wait_for_text(".notice", "You have this ticket now", WAIT)
        .await;
    maria
        .wait_for_text("#transcript", "mi amigo tuvo una sobredosis anoche", WAIT)
        .await;
    maria.wait_for_text("#wait", "waited", WAIT).await;
    ben.wait_for("the title to calm down", WAIT, async || {
        (!ben.title().await.contains("URGENT")).then_some(())
    })
    .await;
    ben.wait_for_text("#queue", "1 more is with other counselors", WAIT)
        .await;
    visitor
        .wait_for_text("#log .msg.bot .text", "Ya hay un consejero", WAIT)
        .await;

    // A quick reply, in Spanish: inserted with a click, sent as written.
    live(&maria).await;
    maria
        .click(&maria.find("button[data-quick='naloxone']").await)
        .await;
    let reply = maria.find("#reply").await;
    maria
        .wait_for("the quick reply in the box", WAIT, async || {
            maria
                .property(&reply, "value")
                .await
                .as_str()
                .filter(|v| v.starts_with("Naloxona (Narcan) en spray nasal, paso a paso"))
                .map(str::to_owned)
        })
        .await;
    maria.click(&maria.find("#send").await).await;
    maria.wait_for_text(".notice", "Sent", WAIT).await;
    visitor
        .wait_for_text(
            "#log .msg.bot .text",
            "Consejero: Naloxona (Narcan) en spray nasal",
            WAIT,
        )
        .await;

    // A private note: on the ticket for counselors, never sent.
    maria
        .type_into(&maria.find("#note").await, "NOTA-PRIVADA ofrecer un kit")
        .await;
    maria.click(&maria.find("#add-note").await).await;
    maria.wait_for_text(".notice", "Note added", WAIT).await;
    maria
        .wait_for_text(
            "#transcript .note",
            "Private note (maria): NOTA-PRIVADA",
            WAIT,
        )
        .await;
    maria
        .screenshot(&artifacts().join("console-ticket-es.png"))
        .await;

    // Transfer to Ben: his tab counts the person's messages he has not read, live.
    maria
        .exec(
            "document.querySelector('#transfer-to').value = 'ben'; return null;",
            vec![],
        )
        .await;
    maria.click(&maria.find("#transfer").await).await;
    maria
        .wait_for_text(".notice", &format!("#{id} is with ben now"), WAIT)
        .await;
    visitor
        .wait_for_text(
            "#log .msg.bot .text",
            "Ahora le atiende otro consejero",
            WAIT,
        )
        .await;
    unread_is(&ben, id, 2).await;
    visitor.send_chat("sigo aquí, gracias").await;
    unread_is(&ben, id, 3).await;
    ben.click(&ben.find(&format!("#tabs a[data-tab='{id}']")).await)
        .await;
    ben.wait_for_text("#transcript", "sigo aquí, gracias", WAIT)
        .await;
    ben.wait_for_text("#transcript", "NOTA-PRIVADA", WAIT).await;
    unread_is(&ben, id, 0).await;

    // A new message refreshes the transcript live, and leaves the buttons that did not change
    // in place: an element found before is still the one on the page (the earlier console
    // replaced every live part on every change, so a click could land on a removed button).
    live(&ben).await;
    let before = ben
        .exec(
            "document.querySelector('#close').__kept = 1; \
             return Number(document.body.getAttribute('data-synced') || '0');",
            vec![],
        )
        .await
        .as_u64()
        .unwrap();
    visitor.send_chat("¿sigue ahí?").await;
    ben.wait_for_text("#transcript", "¿sigue ahí?", WAIT).await;
    ben.wait_for("the refresh to finish", WAIT, async || {
        let now = ben
            .exec(
                "return Number(document.body.getAttribute('data-synced') || '0');",
                vec![],
            )
            .await
            .as_u64()
            .unwrap();
        (now > before).then_some(())
    })
    .await;
    assert_eq!(
        ben.exec(
            "return document.querySelector('#close').__kept === 1;",
            vec![]
        )
        .await,
        json!(true),
        "unchanged parts are not replaced"
    );

    // Ben closes with an outcome; the person may answer one question, which is only counted.
    ben.exec(
        "document.querySelector('#outcome').value = 'referred'; return null;",
        vec![],
    )
    .await;
    ben.click(&ben.find("#close").await).await;
    ben.wait_for_text(
        ".notice",
        "closed. Its messages and notes are deleted",
        WAIT,
    )
    .await;
    visitor
        .wait_for_text("#log .msg.bot .text", "¿le ayudó este chat?", WAIT)
        .await;
    visitor.send_chat("1").await;
    visitor
        .wait_for_text("#log .msg.bot .text", "Gracias. Eso nos ayuda", WAIT)
        .await;
    let tally = &server.state.hub.tally;
    let today = tally.day(haven::runtime::now());
    let counted: Vec<(String, String, u64)> = tally
        .read(today, today)
        .unwrap()
        .into_iter()
        .map(|c| (c.metric.name().to_owned(), c.labels.join("|"), c.n))
        .collect();
    for want in [
        ("feedback", "1", 1),
        ("outcomes", "referred", 1),
        ("handoffs-opened", "urgent", 1),
        ("handoffs", "answered", 1),
    ] {
        assert!(
            counted.contains(&(want.0.to_owned(), want.1.to_owned(), want.2)),
            "{want:?} in {counted:?}"
        );
    }
    let seen_by_person = visitor.text(&visitor.find("#log").await).await;
    for secret in ["maria", "ben", "NOTA-PRIVADA"] {
        assert!(
            !seen_by_person.contains(secret),
            "the person never sees {secret:?}"
        );
    }
    assert!(server.state.hub.handoff.queue().unwrap().is_empty());
    maria.quit().await;
    ben.quit().await;
    visitor.quit().await;
    server.stop().await;
}

/// One message through the real message path, as a channel delivers it.
async fn says(server: &TestServer, address: &str, text: &str) {
    haven::messaging::deliver(
        &server.state.hub,
        Channel::Web,
        address,
        Content::Text(text),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reports_page_draws_charts_suppresses_small_cells_and_the_csv_matches() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    // Seven people report an overdose in English, two in Spanish: counted as it happens.
    for i in 0..7 {
        says(
            &server,
            &format!("visitor-en-{i}"),
            "my friend is not breathing",
        )
        .await;
    }
    for i in 0..2 {
        says(&server, &format!("visitor-es-{i}"), "mi amigo no respira").await;
    }
    let sam = Browser::start(Options::desktop()).await;
    login(&sam, &server.url, "sam", "supervisor password").await;
    sam.click(&sam.find("header nav a[href='/console/reports']").await)
        .await;
    sam.wait_for_text("h1", "Reports", WAIT).await;
    let sections = sam.find_all("section[data-section]").await.len();
    assert!(sections >= 10, "{sections} sections");
    assert_eq!(
        sam.find_all("section[data-section] .chart svg").await.len(),
        sections,
        "one server-drawn chart per section"
    );
    let scripts = sam
        .exec(
            "return Array.from(document.scripts).map(s => s.getAttribute('src'));",
            vec![],
        )
        .await;
    assert_eq!(
        scripts,
        json!(["/console/console.js"]),
        "no third-party scripts"
    );
    let cells = sam
        .exec(
            "return Array.from(document.querySelectorAll('td[data-cell]')).map(td => [\
               td.closest('section').getAttribute('data-section'), td.getAttribute('data-label'),\
               td.getAttribute('data-day'), td.getAttribute('data-value'), td.textContent.trim()]);",
            vec![],
        )
        .await;
    let cells: Vec<Vec<String>> = serde_json::from_value(cells).unwrap();
    let today = server
        .state
        .hub
        .tally
        .day(haven::runtime::now())
        .format("%Y-%m-%d")
        .to_string();
    let value = |section: &str, label: &str, day: &str| {
        cells
            .iter()
            .find(|c| c[0] == section && c[1] == label && c[2] == day)
            .map(|c| (c[3].clone(), c[4].clone()))
            .unwrap_or_else(|| panic!("no cell {section} {label} {day}"))
    };
    assert_eq!(
        value("conversations-by-channel", "web", &today),
        ("9".into(), "9".into())
    );
    assert_eq!(
        value("conversations-by-language", "en", &today),
        ("7".into(), "7".into())
    );
    assert_eq!(
        value("conversations-by-language", "es", &today),
        ("<5".into(), "<5".into()),
        "two is shown as <5"
    );
    assert_eq!(
        value("emergencies-and-crises", "emergency", "total"),
        ("9".into(), "9".into())
    );
    for c in &cells {
        if let Ok(n) = c[3].parse::<u64>() {
            assert!(n >= 5, "a cell below 5 is shown: {c:?}");
        }
        assert_eq!(
            c[3] == "<5",
            c[4] == "<5",
            "page text and value agree: {c:?}"
        );
    }
    sam.screenshot(&artifacts().join("console-reports.png"))
        .await;

    // The CSV link gives the same cells.
    let href = attr_of(&sam, "#csv", "href").await.unwrap();
    let cookie = sam.cookie("haven_console").await.expect("signed in");
    let r = reqwest::Client::new()
        .get(format!("{}{href}", server.url))
        .header("cookie", format!("haven_console={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("section,label,day,value"));
    let from_csv: BTreeSet<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let from_page: BTreeSet<Vec<String>> = cells.iter().map(|c| c[..4].to_vec()).collect();
    assert_eq!(from_csv, from_page, "the CSV is the page's numbers");
    sam.quit().await;
    server.stop().await;
}

/// The relative luminance of an `rgb(...)`/`rgba(...)` colour (WCAG 2).
fn luminance(css: &str) -> f64 {
    let nums: Vec<f64> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .map(|n| n.trim().parse::<f64>().unwrap() / 255.0)
        .collect();
    let lin = |c: f64| {
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(nums[0]) + 0.7152 * lin(nums[1]) + 0.0722 * lin(nums[2])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_queue_fits_claim_is_reachable_and_sign_out_is_readable() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    // A web visitor joins the queue after a real exchange (issue 12): a word first.
    says(&server, "visitor-1", "hi").await;
    says(
        &server,
        "visitor-1",
        "can i talk to someone, it's about my brother",
    )
    .await;
    let id = server.state.hub.handoff.queue().unwrap()[0].id;
    let phone = Browser::start(Options::phone()).await;
    login(&phone, &server.url, "maria", "correct horse battery").await;
    phone
        .wait_for_text("#queue", &format!("Claim #{id}"), WAIT)
        .await;
    loaded(&phone).await;
    let fit: Value = phone
        .exec(
            "const b = document.querySelector('#queue button'); const r = b.getBoundingClientRect(); \
             return [document.documentElement.scrollWidth, window.innerWidth, r.left, r.right];",
            vec![],
        )
        .await;
    let (scroll, width) = (fit[0].as_f64().unwrap(), fit[1].as_f64().unwrap());
    assert!(scroll <= width, "no sideways scrolling: {fit}");
    assert!(
        fit[2].as_f64().unwrap() >= 0.0 && fit[3].as_f64().unwrap() <= width,
        "Claim is on screen: {fit}"
    );
    let colours = phone
        .exec(
            "const s = getComputedStyle(document.querySelector('#signout')); return [s.color, s.backgroundColor];",
            vec![],
        )
        .await;
    let (fg, bg) = (
        luminance(colours[0].as_str().unwrap()),
        luminance(colours[1].as_str().unwrap()),
    );
    let ratio = (fg.max(bg) + 0.05) / (fg.min(bg) + 0.05);
    assert!(ratio >= 4.5, "Sign out contrast {ratio:.2}:1 ({colours})");
    phone
        .screenshot(&artifacts().join("console-queue-phone.png"))
        .await;
    phone.click(&phone.find("#queue button").await).await;
    phone
        .wait_for_text(".notice", "You have this ticket now", WAIT)
        .await;
    loaded(&phone).await;
    let fit = phone
        .exec(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await;
    assert!(
        fit[0].as_f64().unwrap() <= fit[1].as_f64().unwrap(),
        "the ticket page fits too: {fit}"
    );
    phone
        .screenshot(&artifacts().join("console-ticket-phone.png"))
        .await;
    phone.quit().await;
    server.stop().await;
}
