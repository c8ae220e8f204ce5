//! The visitor web chat in real headless Chromium (Debian's `chromium` through `chromedriver`):
//! an emergency answered with 911 first, choices as buttons, the no-JavaScript path, Spanish,
//! "Exit quickly", a forged cookie, empty and huge messages, a live push over server-sent events,
//! and phone-sized screenshots in `tests/artifacts/`.
//!
//! These tests fail (never skip) when Chromium or ChromeDriver is missing; `.ci/run` installs
//! them. They run one browser at a time (`browser::serial`).

mod support;

use std::time::Duration;

use haven::engine::Reply;
use serde_json::json;
use support::browser::{self, Browser, Options, artifacts};
use support::server::{TestServer, all_bytes_under, captured_logs, contains};

const WAIT: Duration = Duration::from_secs(15);

async fn server(dir: &std::path::Path) -> TestServer {
    TestServer::start(dir, &[]).await
}

/// A marker only a page that has not reloaded still has.
async fn mark(b: &Browser) {
    b.exec("window.__still_this_page = 42; return null;", vec![])
        .await;
}

async fn still_marked(b: &Browser) -> bool {
    b.exec("return window.__still_this_page === 42;", vec![])
        .await
        == json!(true)
}

async fn html_lang(b: &Browser) -> String {
    b.attr(&b.find("html").await, "lang")
        .await
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdose_gets_911_first_and_choices_are_buttons_that_advance() {
    let logs = captured_logs();
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::phone()).await;
    b.goto(&server.url).await;
    assert_eq!(html_lang(&b).await, "en");
    assert_eq!(b.title().await, "haven: anonymous support chat");
    mark(&b).await;

    b.send_chat("my friend is overdosing and won't wake up")
        .await;
    let bots = b.wait_for_count("#log .msg.bot .text", 4, WAIT).await;
    let first = b.text(&bots[0]).await;
    assert!(
        first.starts_with("Call 911 now."),
        "the first reply shown is the 911 text: {first:?}"
    );
    assert!(
        b.text(&bots[1]).await.contains("breastbone"),
        "then the steps"
    );
    let mine = b.texts("#log .msg.me .text").await;
    assert_eq!(mine, ["my friend is overdosing and won't wake up"]);
    assert_eq!(
        b.property(&b.find("#text").await, "value").await,
        json!(""),
        "the box is cleared after sending"
    );

    // The question's choices are buttons; the second one advances the flow.
    let buttons = b.wait_for_count("#choices button", 8, WAIT).await;
    assert!(b.displayed(&buttons[1]).await);
    assert_eq!(b.text(&buttons[1]).await, "Breathing, won't wake");
    b.screenshot(&artifacts().join("chat-en.png")).await;
    b.click(&buttons[1]).await;
    b.wait_for_text("#log .msg.bot .text", "Roll them onto their side", WAIT)
        .await;
    assert_eq!(
        b.texts("#log .msg.me .text")
            .await
            .last()
            .map(String::as_str),
        Some("Breathing, won't wake"),
        "the visitor's bubble shows the label they tapped"
    );
    assert!(
        still_marked(&b).await,
        "with JavaScript the page is never reloaded"
    );
    let cookie_id = b
        .cookie("haven_web")
        .await
        .and_then(|c| server.state.web.address_from_cookie(&c))
        .expect("a current session cookie");
    b.quit().await;
    server.stop().await;

    // Privacy: neither what the visitor wrote nor their session id is in the logs or on disk.
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    let disk = all_bytes_under(dir.path());
    for needle in ["won't wake up", "wont wake up", cookie_id.as_str()] {
        assert!(!text.contains(needle), "log contains {needle:?}");
        assert!(!contains(&disk, needle), "disk contains {needle:?}");
    }
    assert!(text.contains("channel=\"web\"") || text.contains("channel=web"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_form_posts_and_the_page_carries_the_exchange() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::phone().without_javascript()).await;
    b.goto(&server.url).await;
    // The driver's own scripts still run; the page's must not.
    let check = b.find("noscript button, button[name=refresh]").await;
    assert!(
        b.displayed(&check).await,
        "JavaScript is really off: the <noscript> button shows"
    );

    b.send_chat("how do I use narcan").await;
    b.wait_for_text("#log .msg.bot .text", "Naloxone (Narcan) reverses", WAIT)
        .await;
    assert!(b.url().await.contains("/chat#latest"), "a real form post");
    assert_eq!(b.texts("#log .msg.me .text").await, ["how do I use narcan"]);

    // A choice is a submit button; the earlier exchange is still on the re-rendered page.
    let choices = b.wait_for_count("#choices button", 2, WAIT).await;
    assert_eq!(b.text(&choices[0]).await, "Signs of an overdose");
    b.click(&choices[0]).await;
    b.wait_for_count("#log .msg.me .text", 2, WAIT).await;
    assert_eq!(
        b.texts("#log .msg.me .text").await,
        ["how do I use narcan", "Signs of an overdose"]
    );
    assert!(
        b.texts("#log .msg.bot .text")
            .await
            .iter()
            .any(|t| t.contains("Naloxone (Narcan) reverses")),
        "the first answer is still shown"
    );

    // An empty message gets a prompt and nothing is sent.
    b.click(&b.find("button.primary").await).await;
    b.wait_for_text("#status", "Please type a message first.", WAIT)
        .await;
    assert_eq!(b.find_all("#log .msg.me .text").await.len(), 2);

    // A push while the visitor is away shows on "Check for new messages".
    let address = b
        .cookie("haven_web")
        .await
        .and_then(|c| server.state.web.address_from_cookie(&c))
        .expect("session");
    server.state.web.push(
        &address,
        &[Reply::text("A counselor is here. How can I help?")],
    );
    b.click(&b.find("button[name=refresh]").await).await;
    b.wait_for_text("#log .msg.bot .text", "A counselor is here.", WAIT)
        .await;
    b.screenshot(&artifacts().join("chat-nojs.png")).await;
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hola_switches_the_chat_and_the_page_to_spanish() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::phone()).await;
    b.goto(&server.url).await;
    b.send_chat("hola").await;
    b.wait_for_text("#log .msg.bot .text", "Hola, soy haven", WAIT)
        .await;
    b.wait_for("lang=\"es\" on the page", WAIT, async || {
        (html_lang(&b).await == "es").then_some(())
    })
    .await;
    let input = b.find("#text").await;
    assert_eq!(
        b.attr(&input, "placeholder").await.as_deref(),
        Some("Escriba un mensaje")
    );
    assert_eq!(b.text(&b.find("button.exit").await).await, "Salir rápido");
    assert_eq!(b.text(&b.find("button.primary").await).await, "Enviar");
    assert_eq!(b.title().await, "haven: chat de apoyo anónimo");
    b.wait_for_count("#choices button", 6, WAIT).await;
    b.screenshot(&artifacts().join("chat-es.png")).await;

    // The server knows the session's language too: a reload is in Spanish.
    b.refresh().await;
    assert_eq!(html_lang(&b).await, "es");
    assert_eq!(b.text(&b.find("button.primary").await).await, "Enviar");
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_quickly_leaves_replaces_the_history_entry_and_ends_the_chat() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::phone()).await;
    b.goto(&format!("{}/healthz", server.url)).await;
    b.goto(&server.url).await;
    b.send_chat("where can I get test strips").await;
    b.wait_for_count("#log .msg.bot .text", 1, WAIT).await;
    let before = b.cookie("haven_web").await.expect("a session cookie");

    b.click(&b.find("button.exit").await).await;
    b.wait_for("the neutral site", WAIT, async || {
        b.url()
            .await
            .starts_with("https://www.google.com/search")
            .then_some(())
    })
    .await;
    // The closed network makes the neutral site fail to load; either way, no chat is shown.
    assert!(!b.source().await.contains("where can I get test strips"));

    // Back skips the chat: its history entry was replaced.
    b.back().await;
    let back_at = b.url().await;
    assert!(
        back_at.ends_with("/healthz"),
        "Back goes to the page before the chat, not to it: {back_at}"
    );
    // And the chat is over: a new visit is a new, empty session.
    b.goto(&server.url).await;
    assert!(b.find_all("#log .msg").await.is_empty());
    let after = b.cookie("haven_web").await.expect("a new cookie");
    assert_ne!(before, after, "the old session was ended");
    b.quit().await;

    // Without JavaScript the same button is a form that ends the session and redirects.
    let b = Browser::start(Options::phone().without_javascript()).await;
    b.goto(&server.url).await;
    b.send_chat("hello").await;
    b.wait_for_count("#log .msg.bot .text", 1, WAIT).await;
    b.click(&b.find("button.exit").await).await;
    b.wait_for("the neutral site (no JavaScript)", WAIT, async || {
        b.url()
            .await
            .starts_with("https://www.google.com/search")
            .then_some(())
    })
    .await;
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_cookie_gets_a_fresh_session_and_a_note_not_an_error() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::phone()).await;
    b.goto(&server.url).await;
    b.delete_cookies().await;
    b.add_cookie(
        "haven_web",
        "1.AAAAAAAAAAAAAAAAAAAAAA.1700000000.Zm9yZ2VkLXNpZ25hdHVyZS1ub3QtYnktaGF2ZW4",
    )
    .await;
    b.refresh().await;
    b.wait_for_text(
        "#status",
        "Your earlier chat has ended; this is a new one.",
        WAIT,
    )
    .await;
    assert!(
        b.try_find("#text").await.is_some(),
        "the chat page, not an error page"
    );
    let fresh = b.cookie("haven_web").await.expect("a new cookie");
    assert!(server.state.web.address_from_cookie(&fresh).is_some());
    // The new session works.
    b.send_chat("hi").await;
    b.wait_for_text("#log .msg.bot .text", "haven", WAIT).await;
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_and_100_kb_messages_get_clear_answers() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let huge = "a".repeat(100 * 1024);

    let b = Browser::start(Options::phone()).await;
    b.goto(&server.url).await;
    b.click(&b.find("button.primary").await).await;
    b.wait_for_text("#status", "Please type a message first.", WAIT)
        .await;
    let input = b.find("#text").await;
    b.paste_into(&input, &huge).await;
    b.click(&b.find("button.primary").await).await;
    b.wait_for_text("#status", "That message is too long.", WAIT)
        .await;
    assert!(
        b.find_all("#log .msg").await.is_empty(),
        "nothing was sent or shown"
    );
    // The chat still works afterwards.
    b.send_chat("hi").await;
    b.wait_for_count("#log .msg.bot .text", 1, WAIT).await;
    b.quit().await;

    // Without JavaScript the 100 kB form post (over the server's 64 kB body limit) gets the
    // chat page with the note, not a bare 413.
    let b = Browser::start(Options::phone().without_javascript()).await;
    b.goto(&server.url).await;
    let input = b.find("#text").await;
    b.paste_into(&input, &huge).await;
    b.click(&b.find("button.primary").await).await;
    b.wait_for_text("#status", "That message is too long.", WAIT)
        .await;
    assert!(b.try_find("#text").await.is_some());
    assert!(!b.source().await.contains(&huge[..1000]));
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_to_the_mailbox_appears_live_without_a_reload() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::phone()).await;
    b.goto(&server.url).await;
    b.send_chat("I want to talk to a person").await;
    b.wait_for_count("#log .msg.bot .text", 1, WAIT).await;
    mark(&b).await;
    let address = b
        .cookie("haven_web")
        .await
        .and_then(|c| server.state.web.address_from_cookie(&c))
        .expect("session");
    // Wait until the page listens, so this really is a live delivery.
    let who = server
        .state
        .hub
        .haven
        .pseudonym(haven::engine::Channel::Web, &address);
    b.wait_for("the page's event stream", WAIT, async || {
        server.state.web.mailboxes.is_listening(&who).then_some(())
    })
    .await;
    let before = b.find_all("#log .msg.bot .text").await.len();
    let delivery = server.state.web.push(
        &address,
        &[Reply {
            text: "Hi, I'm Sam, a counselor. I'm here with you.".into(),
            choices: vec!["Back to the bot".into()],
            ..Reply::default()
        }],
    );
    assert_eq!(delivery, haven::channels::web::Delivery::Live);
    b.wait_for_text("#log .msg.bot .text", "I'm Sam, a counselor", WAIT)
        .await;
    assert!(b.find_all("#log .msg.bot .text").await.len() > before);
    assert!(
        still_marked(&b).await,
        "the push arrived without reloading the page"
    );
    let choices = b.texts("#choices button").await;
    assert_eq!(choices, ["Back to the bot"]);
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_reachable_by_keyboard_and_labelled_for_screen_readers() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::desktop()).await;
    b.goto(&server.url).await;
    // Landmarks, a polite live log and a labelled input.
    assert!(b.try_find("header").await.is_some());
    assert!(b.try_find("main").await.is_some());
    let log = b.find("#log").await;
    assert_eq!(b.attr(&log, "role").await.as_deref(), Some("log"));
    assert_eq!(b.attr(&log, "aria-live").await.as_deref(), Some("polite"));
    let label = b.find("label[for=text]").await;
    assert_eq!(b.text(&label).await, "Your message");
    // The exit and send buttons are large enough to tap (48 CSS pixels).
    let sizes = b
        .exec(
            "return [...document.querySelectorAll('button.exit, button.primary')]\
               .map(e => e.getBoundingClientRect().height);",
            vec![],
        )
        .await;
    for h in sizes.as_array().unwrap() {
        assert!(h.as_f64().unwrap() >= 48.0, "tap target {h}");
    }
    // From the keyboard, the first stop is the skip link, then the exit button; focus shows.
    b.press(browser::TAB).await;
    let first = b.focused().await;
    assert_eq!(
        first,
        json!(["skip", "solid"]),
        "skip link focused, outlined"
    );
    b.press(browser::TAB).await;
    let exit = b.focused().await;
    assert_eq!(
        exit,
        json!(["exit", "solid"]),
        "the exit button is near the top"
    );
    // No asset comes from another site.
    let foreign = b
        .exec(
            "return performance.getEntriesByType('resource')\
               .map(e => e.name).filter(n => !n.startsWith(location.origin));",
            vec![],
        )
        .await;
    assert_eq!(foreign, json!([]));
    b.screenshot(&artifacts().join("chat-desktop.png")).await;
    b.quit().await;
    server.stop().await;
}
