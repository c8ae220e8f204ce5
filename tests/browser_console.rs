//! The counselor console and the visitor web chat together in real headless Chromium: a visitor
//! asks for a person, a counselor logs in and sees the ticket appear without reloading, claims
//! it, replies, the visitor sees the reply live, the counselor closes and the visitor is back
//! with the bot. Also: a wrong password is refused, console pages without login redirect to the
//! login, and two counselors claiming at once — one wins. Screenshots go to `tests/artifacts/`.

mod support;

use std::time::Duration;

use haven::counselors::console::accounts::Accounts;
use serde_json::json;
use support::browser::{self, Browser, Options, artifacts};
use support::server::TestServer;

const WAIT: Duration = Duration::from_secs(15);

async fn server(dir: &std::path::Path) -> TestServer {
    let accounts = Accounts::new(dir);
    accounts.set("maria", "correct horse battery", 0).unwrap();
    accounts.set("ben", "another long password", 0).unwrap();
    TestServer::start(dir, &[]).await
}

async fn login(b: &Browser, base: &str, name: &str, password: &str) {
    b.goto(&format!("{base}/console/login")).await;
    b.type_into(&b.find("#name").await, name).await;
    b.type_into(&b.find("#password").await, password).await;
    b.click(&b.find("form button[type=submit]").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_reaches_a_counselor_on_the_console_and_comes_back_to_the_bot() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let counselor = Browser::start(Options::desktop()).await;
    let visitor = Browser::start(Options::phone()).await;

    // The counselor is on the queue page before anyone asks.
    login(&counselor, &server.url, "maria", "correct horse battery").await;
    counselor.wait_for_text("h1", "Queue", WAIT).await;
    counselor
        .wait_for_text("#queue", "No one is waiting", WAIT)
        .await;
    counselor
        .exec("window.__still_this_page = 1; return null;", vec![])
        .await;

    visitor.goto(&server.url).await;
    // A first message asking for a person: the visitor joins the line when they write again.
    visitor.send_chat("can i talk to a real person").await;
    visitor
        .wait_for_text("#log .msg.bot .text", "Send one more message", WAIT)
        .await;
    visitor
        .send_chat("my friend and i used together and im worried")
        .await;
    visitor
        .wait_for_text("#log .msg.bot .text", "number 1 in line", WAIT)
        .await;

    // The ticket appears in the open queue page, without reloading it.
    counselor.wait_for_text("#queue", "asked", WAIT).await;
    assert_eq!(
        counselor
            .exec("return window.__still_this_page === 1;", vec![])
            .await,
        json!(true),
        "live update, no reload"
    );
    counselor
        .screenshot(&artifacts().join("console-queue.png"))
        .await;
    counselor
        .click(&counselor.find("#queue form button").await)
        .await; // Claim
    counselor
        .wait_for_text(".notice", "You have this ticket now", WAIT)
        .await;
    let transcript = counselor.text(&counselor.find("#transcript").await).await;
    assert!(
        transcript.contains("can i talk to a real person")
            && transcript.contains("my friend and i used together"),
        "the counselor reads both messages: {transcript}"
    );

    visitor
        .wait_for_text("#log .msg.bot .text", "A counselor is here now", WAIT)
        .await;
    counselor
        .type_into(
            &counselor.find("#reply").await,
            "Hi, I'm here. What's going on?",
        )
        .await;
    counselor.click(&counselor.find("#send").await).await;
    counselor.wait_for_text(".notice", "Sent", WAIT).await;
    visitor
        .wait_for_text(
            "#log .msg.bot .text",
            "Counselor: Hi, I'm here. What's going on?",
            WAIT,
        )
        .await;
    assert!(
        !visitor
            .text(&visitor.find("#log").await)
            .await
            .contains("maria"),
        "the visitor never sees the counselor's name"
    );

    // The visitor's answer reaches the open ticket page live.
    visitor.send_chat("my friend is using alone tonight").await;
    counselor
        .wait_for_text("#transcript", "my friend is using alone tonight", WAIT)
        .await;
    counselor
        .screenshot(&artifacts().join("console-ticket.png"))
        .await;
    visitor
        .screenshot(&artifacts().join("chat-handoff.png"))
        .await;

    // Close: the visitor is back with the bot.
    let close = counselor.find("form[action$='/close'] button").await;
    counselor.click(&close).await;
    counselor.wait_for_text(".notice", "closed", WAIT).await;
    visitor
        .wait_for_text("#log .msg.bot .text", "closed this chat", WAIT)
        .await;
    visitor.send_chat("hi").await;
    visitor
        .wait_for_text("#log .msg.bot .text", "What do you need?", WAIT)
        .await;
    assert!(server.state.hub.handoff.queue().unwrap().is_empty());
    counselor.quit().await;
    visitor.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdose_in_the_web_chat_during_a_handoff_gets_911_first() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let visitor = Browser::start(Options::phone()).await;
    visitor.goto(&server.url).await;
    visitor.send_chat("i want to talk to a counselor").await;
    visitor
        .wait_for_text("#log .msg.bot .text", "in line for a counselor", WAIT)
        .await;
    let before = visitor.find_all("#log .msg.bot .text").await.len();
    visitor.send_chat("oh no my friend is not breathing").await;
    let bots = visitor
        .wait_for_count("#log .msg.bot .text", before + 2, WAIT)
        .await;
    let first_new = visitor.text(&bots[before]).await;
    assert!(first_new.starts_with("Call 911 now."), "{first_new}");
    let ticket = server.state.hub.handoff.queue().unwrap()[0].clone();
    assert_eq!(ticket.priority, haven::handoff::Priority::Urgent);
    visitor.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_and_pages_without_login_redirect() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let b = Browser::start(Options::desktop()).await;
    b.goto(&format!("{}/console", server.url)).await;
    assert!(
        b.url().await.ends_with("/console/login"),
        "redirected to the login: {}",
        b.url().await
    );
    b.goto(&format!("{}/console/ticket/1", server.url)).await;
    assert!(b.url().await.ends_with("/console/login"));
    login(&b, &server.url, "maria", "not the password").await;
    b.wait_for_text("[role=alert]", "Wrong name or password", WAIT)
        .await;
    assert!(b.url().await.ends_with("/console/login"));
    b.screenshot(&artifacts().join("console-login-refused.png"))
        .await;
    b.goto(&format!("{}/console", server.url)).await;
    assert!(
        b.url().await.ends_with("/console/login"),
        "still not signed in"
    );
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_counselors_claiming_at_once_one_wins() {
    let _one = browser::serial().await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let visitor = Browser::start(Options::phone()).await;
    visitor.goto(&server.url).await;
    // After a first exchange, asking for a person puts the visitor in line at once.
    visitor.send_chat("hi").await;
    visitor.wait_for_count("#log .msg.bot .text", 1, WAIT).await;
    visitor.send_chat("can i talk to someone").await;
    visitor
        .wait_for_text("#log .msg.bot .text", "number 1 in line", WAIT)
        .await;
    let id = server.state.hub.handoff.queue().unwrap()[0].id;
    visitor.quit().await;

    let m = Browser::start(Options::desktop()).await;
    let b = Browser::start(Options::desktop()).await;
    login(&m, &server.url, "maria", "correct horse battery").await;
    login(&b, &server.url, "ben", "another long password").await;
    for br in [&m, &b] {
        br.goto(&format!("{}/console/ticket/{id}", server.url))
            .await;
        br.wait_for_text("#state", &format!("Claim #{id}"), WAIT)
            .await;
    }
    // Both submit their claim forms in the same instant.
    let submit = "document.querySelector('#state form').submit(); return null;";
    let (_, _) = tokio::join!(m.exec(submit, vec![]), b.exec(submit, vec![]));
    let mn = m.wait_for_text(".notice", "", WAIT).await;
    let bn = b.wait_for_text(".notice", "", WAIT).await;
    let notices = [mn, bn];
    let won = notices
        .iter()
        .filter(|n| n.contains("You have this ticket now"))
        .count();
    let lost = notices
        .iter()
        .filter(|n| n.contains("claimed it first"))
        .count();
    assert_eq!((won, lost), (1, 1), "{notices:?}");
    let holder = server
        .state
        .hub
        .handoff
        .ticket(id)
        .unwrap()
        .unwrap()
        .counselor
        .unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.contains(&format!("{holder} claimed it first"))),
        "the loser is told who: {notices:?}"
    );
    m.quit().await;
    b.quit().await;
    server.stop().await;
}
