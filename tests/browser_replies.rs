//! The web chat's replies at phone size (390×844) in real headless Chromium: places as cards
//! with a Call (`tel:`) link, directions and open-now; 911 and every other phone number
//! tappable; after an overdose reply, 911 and all the choices on screen without scrolling; a
//! "Back to the bot" button while in the counselor queue; tap targets of 44 px at least and
//! text contrast of 4.5:1 at least (computed in the page from `getComputedStyle`), in light
//! and dark mode. Screenshots go to `tests/artifacts/`.
//!
//! Like `tests/browser.rs`, these fail (never skip) without Chromium and ChromeDriver, and run
//! one browser at a time.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use support::browser::{self, Browser, Options, artifacts};
use support::server::{TestServer, root};

const WAIT: Duration = Duration::from_secs(15);

/// Everything a person taps in the chat.
const TAPPABLE: &str = "#log a, .compose button, button.exit";

/// A server with the example directory imported and the example places (Harlem, the Bronx...)
/// configured, plus `extra` TOML.
async fn server_with_directory(dir: &Path, extra: &str) -> TestServer {
    haven::referrals::import(&root().join("deploy/directory.example.csv"), dir)
        .expect("the example directory imports");
    let places = std::fs::read_to_string(root().join("deploy/places.example.toml")).unwrap();
    let config = dir.join("haven.toml");
    std::fs::write(&config, format!("{extra}\n{places}")).unwrap();
    TestServer::start_with_config(dir, &config, &[]).await
}

/// Fails the test, listing them, if any text is below 4.5:1 or any tap target below 44 px.
async fn assert_readable_and_tappable(b: &Browser, what: &str) {
    let low = b.low_contrast(4.5).await;
    assert!(
        low.is_empty(),
        "{what}: text below 4.5:1 contrast: {low:#?}"
    );
    let (shown, small) = b.small_targets(TAPPABLE, 44.0).await;
    assert!(shown > 0, "{what}: nothing to tap?");
    assert!(
        small.is_empty(),
        "{what}: tap targets under 44 px: {small:#?}"
    );
}

async fn attrs(b: &Browser, css: &str, attr: &str) -> Vec<Value> {
    let v = b
        .exec(
            "return [...document.querySelectorAll(arguments[0])]\
               .map(e => [e.getAttribute(arguments[1]), e.textContent.trim()]);",
            vec![json!(css), json!(attr)],
        )
        .await;
    v.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn places_are_cards_with_call_directions_and_whether_they_are_open() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_directory(dir.path(), "").await;
    let b = Browser::start(Options::phone()).await;
    b.goto(&server.url).await;
    b.send_chat("naloxone near harlem").await;
    b.wait_for_count("#log .msg.bot .place", 3, WAIT).await;
    b.wait_for_text("#log .msg.bot .text", "Near Harlem:", WAIT)
        .await;
    assert_eq!(
        b.texts("#log .place-name").await,
        [
            "1. EXAMPLE – Harlem Health and Recovery",
            "2. EXAMPLE – 125th Street Drop-in Center",
            "3. EXAMPLE – El Barrio Syringe Services"
        ]
    );
    // Call links dial the place; the number is on the link.
    assert_eq!(
        attrs(&b, "#log .place a.call", "href").await,
        [
            json!(["tel:+12125550108", "Call 212-555-0108"]),
            json!(["tel:+12125550109", "Call 212-555-0109"]),
            json!(["tel:+12125550110", "Call 212-555-0110"])
        ]
    );
    for d in attrs(&b, "#log .place a.directions", "href").await {
        let href = d[0].as_str().unwrap();
        assert!(
            href.starts_with("https://www.openstreetmap.org/directions?route=%3B40.")
                && d[1] == "Directions",
            "{d}"
        );
    }
    // The drop-in center is open around the clock, and says so as an open status.
    assert_eq!(
        b.texts("#log .place .status.open").await,
        ["open 24/7"],
        "only the 24/7 place is open at every hour the test may run"
    );
    // No raw map address is shown as text any more; it is behind the links.
    let shown = b
        .exec(
            "return document.querySelector('#log .msg.has-places').innerText;",
            vec![],
        )
        .await;
    assert!(
        !shown.as_str().unwrap().contains("openstreetmap"),
        "{shown}"
    );
    // The choices after the list ("Want more?") are buttons in view.
    let more = b.wait_for_count("#choices button", 3, WAIT).await;
    assert!(b.on_screen(&more[0]).await);

    b.exec(
        "document.querySelector('#log .msg.has-places').scrollIntoView({block: 'start'}); \
         return null;",
        vec![],
    )
    .await;
    b.screenshot(&artifacts().join("phone-places-en.png")).await;
    assert_readable_and_tappable(&b, "places, light").await;
    b.color_scheme("dark").await;
    b.screenshot(&artifacts().join("phone-places-dark.png"))
        .await;
    assert_readable_and_tappable(&b, "places, dark").await;
    b.quit().await;

    // Without JavaScript the page itself shows the same cards.
    let b = Browser::start(Options::phone().without_javascript()).await;
    b.goto(&server.url).await;
    b.send_chat("naloxone near harlem").await;
    b.wait_for_count("#log .msg.bot .place", 3, WAIT).await;
    assert_eq!(
        attrs(&b, "#log .place a.call", "href").await[0],
        json!(["tel:+12125550108", "Call 212-555-0108"])
    );
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_overdose_911_and_every_choice_are_on_a_phone_screen() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    for javascript in [true, false] {
        let opts = if javascript {
            Options::phone()
        } else {
            Options::phone().without_javascript()
        };
        let b = Browser::start(opts).await;
        b.goto(&server.url).await;
        // The page's own "call 911" is a link before anything is sent.
        assert_eq!(
            attrs(&b, ".intro a.tel", "href").await,
            [json!(["tel:911", "911"])]
        );
        b.send_chat("my friend is overdosing and won't wake up")
            .await;
        let buttons = b.wait_for_count("#choices button", 5, WAIT).await;
        b.wait_for_count("#log .msg.bot .text", 4, WAIT).await;
        let call = b.find("#log .msg.bot a.tel[href='tel:911']").await;
        assert!(
            b.text(&call).await == "911",
            "the first reply's 911 is a tel: link"
        );
        assert!(
            b.on_screen(&call).await,
            "911 is on screen (js: {javascript})"
        );
        for button in &buttons {
            assert!(
                b.on_screen(button).await,
                "choice {:?} is on screen, not below the fold (js: {javascript})",
                b.text(button).await
            );
        }
        // Every 911 in the replies is tappable, not only the first.
        let said = b
            .exec(
                "return [...document.querySelectorAll('#log .msg.bot')]\
                   .map(e => e.innerText).join('\\n');",
                vec![],
            )
            .await;
        let tels = attrs(&b, "#log .msg.bot a.tel", "href").await;
        assert_eq!(
            tels.len(),
            said.as_str().unwrap().matches("911").count(),
            "{tels:?}"
        );
        assert!(
            tels.len() >= 2 && tels.iter().all(|t| t[0] == "tel:911"),
            "{tels:?}"
        );
        let name = if javascript {
            "phone-overdose-en.png"
        } else {
            "phone-overdose-nojs.png"
        };
        b.screenshot(&artifacts().join(name)).await;
        assert_readable_and_tappable(&b, "overdose").await;
        b.quit().await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_the_counselor_queue_is_a_button() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    // Counselors are on duty: an account exists and the default hours are around the clock.
    haven::counselors::console::accounts::Accounts::new(dir.path())
        .set("maria", "correct horse battery", 0)
        .unwrap();
    let config = dir.path().join("haven.toml");
    std::fs::write(&config, "[counselors]\n").unwrap();
    let server = TestServer::start_with_config(dir.path(), &config, &[]).await;
    for javascript in [true, false] {
        let opts = if javascript {
            Options::phone()
        } else {
            Options::phone().without_javascript()
        };
        let b = Browser::start(opts).await;
        b.goto(&server.url).await;
        let leave = b.find("#leave").await;
        assert!(
            !b.displayed(&leave).await,
            "no leave button outside a queue"
        );
        // A visitor joins the queue after a real exchange (issue 12): a word first.
        b.send_chat("hi").await;
        b.wait_for_text("#log .msg.bot .text", "haven", WAIT).await;
        b.send_chat("I want to talk to a person").await;
        b.wait_for_text("#log .msg.bot .text", "You're in line", WAIT)
            .await;
        let leave = b
            .wait_for("the leave button", WAIT, async || {
                let l = b.find("#leave").await;
                b.displayed(&l).await.then_some(l)
            })
            .await;
        assert_eq!(b.text(&leave).await, "Back to the bot");
        assert!(b.on_screen(&leave).await);
        assert_eq!(server.state.hub.handoff.queue().unwrap().len(), 1);
        if javascript {
            b.screenshot(&artifacts().join("phone-queue-en.png")).await;
            assert_readable_and_tappable(&b, "queue").await;
        }
        b.click(&leave).await;
        b.wait_for_text(
            "#log .msg.bot .text",
            "you've left the counselor line",
            WAIT,
        )
        .await;
        assert_eq!(
            b.texts("#log .msg.me .text")
                .await
                .last()
                .map(String::as_str),
            Some("Back to the bot"),
            "the visitor's bubble shows the button they tapped"
        );
        assert!(server.state.hub.handoff.queue().unwrap().is_empty());
        let leave = b.find("#leave").await;
        assert!(!b.displayed(&leave).await, "gone once out of the queue");
        b.quit().await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_spanish_the_place_the_cards_and_the_notes_are_in_spanish() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_directory(dir.path(), "").await;
    let mut opts = Options::phone();
    opts.languages = "es-MX,es".into();
    let b = Browser::start(opts).await;
    b.goto(&server.url).await;
    b.send_chat("donde consigo naloxona en el bronx").await;
    b.wait_for_count("#log .msg.bot .place", 3, WAIT).await;
    b.wait_for_text("#log .msg.bot .text", "Cerca de El Bronx:", WAIT)
        .await;
    assert!(
        !b.texts("#log .msg.bot .text")
            .await
            .iter()
            .any(|t| t.contains("The Bronx")),
        "the Spanish name of the place"
    );
    let calls = attrs(&b, "#log .place a.call", "href").await;
    assert!(
        calls
            .iter()
            .all(|c| c[1].as_str().unwrap().starts_with("Llamar 718-555-01")),
        "{calls:?}"
    );
    assert!(
        attrs(&b, "#log .place a.directions", "href")
            .await
            .iter()
            .all(|d| d[1] == "Cómo llegar")
    );
    let notes = b.texts("#log .place .place-notes").await;
    assert!(
        notes.contains(&"Abierto toda la noche, todas las noches.".to_owned()),
        "{notes:?}"
    );
    b.exec(
        "document.querySelector('#log .msg.has-places').scrollIntoView({block: 'start'}); \
         return null;",
        vec![],
    )
    .await;
    b.screenshot(&artifacts().join("phone-places-es.png")).await;
    assert_readable_and_tappable(&b, "places in Spanish").await;
    b.quit().await;
    server.stop().await;
}
