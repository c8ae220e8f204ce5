//! Telegram end to end over real HTTP on loopback: a real `haven serve` talking to a stand-in
//! for the Bot API, by long polling and by webhook. Covers issue 4's Telegram list: the
//! emergency reply, `/start` and buttons, the share-location button, the webhook secret, a
//! malformed update, duplicates, blocking, and no Telegram id, name or text in logs or on disk.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::server::{TestServer, all_bytes_under, captured_logs, contains};
use support::telegram_fake::{FakeTelegram, Person, SendAnswer, TOKEN};

const WAIT: Duration = Duration::from_secs(10);
const WEBHOOK_URL: &str = "https://haven.example.org/telegram/webhook";
const SECRET: &str = "test_Secret-0123456789-abcdefghijklmnop";

/// Starts haven in long-polling mode. Log capture starts first, so every line is checked.
async fn polling(data: &Path, fake: &FakeTelegram) -> TestServer {
    captured_logs();
    TestServer::start(
        data,
        &[
            ("HAVEN_TELEGRAM_TOKEN", TOKEN),
            ("HAVEN_TELEGRAM_API_URL", &fake.url),
        ],
    )
    .await
}

/// Starts haven in webhook mode, after starting log capture.
async fn webhook(data: &Path, fake: &FakeTelegram) -> TestServer {
    captured_logs();
    TestServer::start(
        data,
        &[
            ("HAVEN_TELEGRAM_TOKEN", TOKEN),
            ("HAVEN_TELEGRAM_API_URL", &fake.url),
            ("HAVEN_TELEGRAM_WEBHOOK_URL", WEBHOOK_URL),
            ("HAVEN_TELEGRAM_SECRET", SECRET),
        ],
    )
    .await
}

/// The labels of an inline keyboard, row by row (one button per row), with their callback data.
fn buttons(message: &Value) -> Vec<(String, String)> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .flat_map(|row| row.as_array().cloned().unwrap_or_default())
                .map(|b| {
                    (
                        b["text"].as_str().unwrap_or("").to_owned(),
                        b["callback_data"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap_or("")
}

/// Waits until `check` holds, or fails the test after `WAIT`.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// After the server stopped: none of `needles` in the logs or anywhere under the data dir.
fn assert_private(data: &Path, needles: &[&str]) {
    let logs = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
    let disk = all_bytes_under(data);
    for needle in needles {
        assert!(!logs.contains(needle), "the logs contain {needle:?}");
        assert!(!contains(&disk, needle), "the data dir contains {needle:?}");
    }
}

#[tokio::test]
async fn an_emergency_by_telegram_gets_911_first_then_the_steps_with_buttons() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let server = polling(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_001_234,
        first_name: "Marisol",
    };
    fake.push(person.text("my friend won't wake up, lips are blue"));
    let sent = fake.wait_for_sent(4, WAIT).await;
    assert_eq!(
        sent.len(),
        4,
        "911, the steps, breathing, the question: {sent:#?}"
    );
    assert!(
        sent.iter().all(|m| m["chat_id"] == json!(person.id)),
        "every reply goes to the person's chat"
    );
    assert!(
        text(&sent[0]).starts_with("Call 911 now. Give naloxone (Narcan) if you have it"),
        "{}",
        text(&sent[0])
    );
    assert!(
        sent[0].get("reply_markup").is_none(),
        "the first reply is just the instruction"
    );
    assert!(text(&sent[1]).contains("breastbone"));
    assert_eq!(text(&sent[3]), "Tell me how it's going:");
    let choices = buttons(&sent[3]);
    assert_eq!(choices.len(), 5, "{choices:?}");
    assert_eq!(
        choices[0],
        ("Still not breathing".to_owned(), "1".to_owned())
    );
    assert_eq!(choices[4].1, "5");
    assert!(
        sent[..3].iter().all(|m| buttons(m).is_empty()),
        "only the question has buttons"
    );
    // Counted when Telegram's answer to a send is back, which is after the fake recorded it.
    eventually("the four replies to be counted as sent", || {
        server
            .state
            .hub
            .metrics
            .get("haven_messages_out_total", &[("channel", "telegram")])
            == 4
    })
    .await;
    server.stop().await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(text.contains("intent=emergency"), "logs carry intents");
    assert_private(
        dir.path(),
        &["5550001234", "Marisol", "won't wake up", "lips are blue"],
    );
}

#[tokio::test]
async fn start_greets_with_the_menu_as_buttons_and_a_press_advances_the_flow() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let server = polling(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_002_345,
        first_name: "Ezequiel",
    };
    fake.push(person.text("/start"));
    let sent = fake.wait_for_sent(1, WAIT).await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(
        text(&sent[0]).starts_with("Hi, I'm haven."),
        "{}",
        text(&sent[0])
    );
    let menu = buttons(&sent[0]);
    assert_eq!(menu.len(), 6, "{menu:?}");
    assert_eq!(menu[2], ("Find services nearby".to_owned(), "3".to_owned()));

    // Pressing "Find services nearby".
    fake.push(person.press("4412345678901234567", "3"));
    let answered = fake.wait_for_calls("answercallbackquery", 1, WAIT).await;
    assert_eq!(answered.len(), 1, "the button press is answered");
    assert_eq!(
        answered[0].params["callback_query_id"],
        "4412345678901234567"
    );
    let sent = fake.wait_for_sent(2, WAIT).await;
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert_eq!(text(&sent[1]), "What are you looking for?");
    let kinds = buttons(&sent[1]);
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    assert_eq!(kinds[0], ("Naloxone (Narcan)".to_owned(), "1".to_owned()));

    // A sticker is not ignored: the short menu, as buttons.
    fake.push(person.sticker());
    let sent = fake.wait_for_sent(3, WAIT).await;
    assert_eq!(sent.len(), 3, "{sent:#?}");
    assert!(!buttons(&sent[2]).is_empty(), "{:#?}", sent[2]);

    // A group message gets no answer.
    fake.push(person.in_group("hello everyone"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fake.sent().len(), 3);
    eventually("the group update to be counted", || {
        server.state.hub.metrics.get(
            "haven_telegram_ignored_total",
            &[("channel", "telegram"), ("reason", "not-private")],
        ) == 1
    })
    .await;
    server.stop().await;
    assert_private(dir.path(), &["5550002345", "Ezequiel", "hello everyone"]);
}

#[tokio::test]
async fn the_services_flow_offers_a_share_location_button_and_a_pin_gets_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let server = polling(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_003_456,
        first_name: "Oluwaseun",
    };
    fake.push(person.text("where can i get narcan"));
    let sent = fake.wait_for_sent(1, WAIT).await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(text(&sent[0]).starts_with("What's your ZIP code or neighborhood?"));
    let keyboard = &sent[0]["reply_markup"];
    assert_eq!(
        keyboard["keyboard"],
        json!([[{"text": "📍 Share my location", "request_location": true}]]),
        "{keyboard}"
    );
    assert_eq!(keyboard["one_time_keyboard"], true);

    // No directory is imported in this test, so the answer is the national fallback.
    fake.push(person.location(40.712_776, -74.005_974));
    let sent = fake.wait_for_sent(2, WAIT).await;
    assert!(sent.len() >= 2, "{sent:#?}");
    let answer: Vec<&Value> = sent[1..].iter().collect();
    assert!(
        answer.iter().any(|m| text(m).contains("FindTreatment.gov")),
        "{answer:#?}"
    );
    assert_eq!(
        answer[0]["reply_markup"],
        json!({"remove_keyboard": true}),
        "the location keyboard goes away once answered"
    );
    server.stop().await;
    assert_private(
        dir.path(),
        &["5550003456", "Oluwaseun", "where can i get narcan"],
    );
}

#[tokio::test]
async fn the_same_update_polled_twice_is_answered_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let person = Person {
        id: 5_550_004_567,
        first_name: "Jolene",
    };
    // Both copies wait at the stand-in before haven polls, so they arrive in one batch.
    let mut update = person.text("hello");
    update["update_id"] = json!(777);
    fake.push_raw(update.clone());
    fake.push_raw(update);
    let server = polling(dir.path(), &fake).await;
    fake.wait_for_sent(1, WAIT).await;
    eventually("the repeat to be dropped", || {
        server
            .state
            .hub
            .metrics
            .get("haven_duplicates_total", &[("channel", "telegram")])
            == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(fake.sent().len(), 1, "{:#?}", fake.sent());
    server.stop().await;
}

async fn post_update(server: &TestServer, body: &str, secret: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/telegram/webhook", server.url))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(secret) = secret {
        request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn webhook_checks_the_secret_refuses_malformed_updates_and_answers_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let server = webhook(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_005_678,
        first_name: "Thandiwe",
    };
    eventually("setWebhook", || fake.webhook().is_some()).await;
    assert_eq!(
        fake.webhook(),
        Some((WEBHOOK_URL.to_owned(), Some(SECRET.to_owned())))
    );

    let mut update = person.text("my friend is overdosing");
    update["update_id"] = json!(9001);
    let body = update.to_string();

    // Wrong or missing secret: 403, and nothing is sent.
    assert_eq!(post_update(&server, &body, Some("wrong")).await.0, 403);
    assert_eq!(post_update(&server, &body, None).await.0, 403);
    assert_eq!(
        post_update(&server, &body, Some(&format!("{SECRET}x")))
            .await
            .0,
        403
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(fake.sent().is_empty(), "{:#?}", fake.sent());

    // Malformed: 400 with a reason that does not quote the body.
    let (status, reason) =
        post_update(&server, "{\"update_id\": 9002, \"message\": ", Some(SECRET)).await;
    assert_eq!(status, 400);
    assert!(reason.starts_with("malformed update"), "{reason}");
    let (status, reason) =
        post_update(&server, r#"{"update_id":"my secret words"}"#, Some(SECRET)).await;
    assert_eq!(status, 400);
    assert!(!reason.contains("secret words"), "{reason}");

    // Larger than the server's body limit: refused before it is read.
    let huge = format!(
        r#"{{"update_id":9003,"padding":"{}"}}"#,
        "x".repeat(70 * 1024)
    );
    assert_eq!(post_update(&server, &huge, Some(SECRET)).await.0, 413);

    // The right secret: handled, and the emergency reply goes out.
    let (status, _) = post_update(&server, &body, Some(SECRET)).await;
    assert_eq!(status, 200);
    let sent = fake.wait_for_sent(4, WAIT).await;
    assert!(text(&sent[0]).starts_with("Call 911 now."), "{sent:#?}");

    // Telegram delivers the same update again: 200, answered once.
    let (status, _) = post_update(&server, &body, Some(SECRET)).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fake.sent().len(), 4, "{:#?}", fake.sent());
    assert_eq!(
        server
            .state
            .hub
            .metrics
            .get("haven_duplicates_total", &[("channel", "telegram")]),
        1
    );
    assert_eq!(
        server
            .state
            .hub
            .metrics
            .get("haven_forged_total", &[("channel", "telegram")]),
        3
    );
    assert!(
        fake.calls_of("getupdates").is_empty(),
        "no polling in webhook mode"
    );
    server.stop().await;
    assert_private(
        dir.path(),
        &["5550005678", "Thandiwe", "my friend is overdosing"],
    );
}

#[tokio::test]
async fn blocking_the_bot_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let server = polling(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_006_789,
        first_name: "Bartholomew",
    };
    fake.push(person.text("hi"));
    fake.wait_for_sent(1, WAIT).await;
    let store = server.state.hub.haven.store.clone();
    eventually("a session", || store.session_count().unwrap() == 1).await;

    fake.push(person.blocks_the_bot());
    eventually("the session to end", || store.session_count().unwrap() == 0).await;
    assert_eq!(
        fake.sent().len(),
        1,
        "nothing is sent to someone who blocked the bot"
    );
    server.stop().await;
    assert_private(dir.path(), &["5550006789", "Bartholomew"]);
}

#[tokio::test]
async fn a_send_refused_because_the_bot_is_blocked_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let server = polling(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_007_890,
        first_name: "Guadalupe",
    };
    fake.push(person.text("hello"));
    fake.wait_for_sent(1, WAIT).await;
    let store = server.state.hub.haven.store.clone();
    eventually("a session", || store.session_count().unwrap() == 1).await;

    fake.script_sends([SendAnswer::Blocked]);
    fake.push(person.text("how do i use naloxone"));
    fake.wait_for_calls("sendmessage", 2, WAIT).await;
    eventually("the session to end", || store.session_count().unwrap() == 0).await;
    assert_eq!(
        fake.calls_of("sendmessage").len(),
        2,
        "haven stops sending after a 403"
    );
    assert_eq!(
        server.state.hub.metrics.get(
            "haven_sends_failed_total",
            &[("channel", "telegram"), ("reason", "blocked")]
        ),
        1
    );
    server.stop().await;
    assert_private(
        dir.path(),
        &["5550007890", "Guadalupe", "how do i use naloxone"],
    );
}
