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
    assert_eq!(choices.len(), 8, "{choices:?}");
    assert_eq!(
        choices[0],
        ("Still not breathing".to_owned(), "1".to_owned())
    );
    assert_eq!(choices[7].1, "8");
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
    assert_eq!(menu.len(), 7, "{menu:?}");
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

/// The `phone_number` entities of a sent message, as the text they cover.
fn phone_entities(message: &Value) -> Vec<String> {
    let units: Vec<u16> = text(message).encode_utf16().collect();
    message["entities"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|e| e["type"] == "phone_number")
                .map(|e| {
                    let (o, l) = (
                        e["offset"].as_u64().unwrap() as usize,
                        e["length"].as_u64().unwrap() as usize,
                    );
                    String::from_utf16(&units[o..o + l]).unwrap()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn places_come_as_a_list_then_a_venue_each_with_phone_numbers_marked() {
    let dir = tempfile::tempdir().unwrap();
    haven::referrals::import(
        &support::server::root().join("deploy/directory.example.csv"),
        dir.path(),
    )
    .unwrap();
    let fake = FakeTelegram::start().await;
    let server = polling(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_007_890,
        first_name: "Dolores",
    };
    fake.push(person.text("naloxone near 10001"));
    let venues = fake.wait_for_calls("sendvenue", 3, WAIT).await;
    assert!(venues.iter().all(|c| c.ok), "{venues:#?}");
    // The list in words, then a venue per place, then the question with its buttons.
    let sent = fake.wait_for_sent(2, WAIT).await;
    let list = &sent[0];
    assert!(
        text(list).starts_with("Near 10001:\n\n1. EXAMPLE – "),
        "{}",
        text(list)
    );
    assert!(
        !text(list).contains("openstreetmap"),
        "maps are the venues', not links in the text"
    );
    let phones = phone_entities(list);
    assert_eq!(phones.len(), 3, "{list:#}");
    assert!(
        phones.iter().all(|p| p.starts_with("212-555-01")),
        "{phones:?}"
    );
    let venues = fake.venues();
    assert_eq!(venues.len(), 3);
    for (i, v) in venues.iter().enumerate() {
        assert_eq!(v["chat_id"], json!(person.id));
        let title = v["title"].as_str().unwrap();
        assert!(title.starts_with(&format!("{}. EXAMPLE – ", i + 1)), "{v}");
        assert!(
            text(list).contains(title),
            "the venue matches the list: {title}"
        );
        assert!(!v["address"].as_str().unwrap().is_empty());
        let (lat, lon) = (
            v["latitude"].as_f64().unwrap(),
            v["longitude"].as_f64().unwrap(),
        );
        assert!(
            (40.6..40.9).contains(&lat) && (-74.1..-73.8).contains(&lon),
            "{v}"
        );
    }
    assert_eq!(
        venues[0]["title"], "1. EXAMPLE – Chelsea Harm Reduction Drop-in",
        "nearest first"
    );
    assert_eq!(venues[0]["address"], "130 W 25th St, New York, NY 10001");
    // The order on the wire: the list, the venues, then "Want more?" with its buttons.
    let order: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|c| c.ok && (c.method == "sendmessage" || c.method == "sendvenue"))
        .map(|c| c.method)
        .collect();
    assert_eq!(
        order,
        [
            "sendmessage",
            "sendvenue",
            "sendvenue",
            "sendvenue",
            "sendmessage"
        ]
    );
    assert_eq!(buttons(&sent[1]).len(), 3, "{:#}", sent[1]);
    server.stop().await;
    assert_private(dir.path(), &["5550007890", "Dolores"]);
}

#[tokio::test]
async fn the_911_reply_marks_911_and_is_resent_unmarked_if_telegram_refuses_the_marks() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start().await;
    let server = polling(dir.path(), &fake).await;
    let person = Person {
        id: 5_550_008_901,
        first_name: "Imani",
    };
    fake.push(person.text("he is overdosing"));
    let sent = fake.wait_for_sent(4, WAIT).await;
    assert_eq!(phone_entities(&sent[0]), ["911"]);
    assert_eq!(
        sent[0]["entities"],
        json!([{"type": "phone_number", "offset": 5, "length": 3}])
    );

    // Should the Bot API ever refuse the marks, the text still arrives.
    fake.refuse_entities();
    let other = Person {
        id: 5_550_008_902,
        first_name: "Tomás",
    };
    fake.push(other.text("she is overdosing"));
    let sent = fake.wait_for_sent(8, WAIT).await;
    let theirs: Vec<&Value> = sent
        .iter()
        .filter(|m| m["chat_id"] == json!(other.id))
        .collect();
    assert_eq!(theirs.len(), 4, "{theirs:#?}");
    assert!(text(theirs[0]).starts_with("Call 911 now."));
    assert!(theirs[0].get("entities").is_none());
    assert!(
        fake.calls_of("sendmessage").iter().any(|c| !c.ok),
        "the marked text was refused first"
    );
    server.stop().await;
}

#[tokio::test]
async fn in_the_counselor_queue_a_button_leads_back_to_the_bot() {
    let dir = tempfile::tempdir().unwrap();
    haven::counselors::console::accounts::Accounts::new(dir.path())
        .set("maria", "correct horse battery", 0)
        .unwrap();
    let config = dir.path().join("haven.toml");
    std::fs::write(&config, "[counselors]\n").unwrap();
    let fake = FakeTelegram::start().await;
    captured_logs();
    let server = TestServer::start_with_config(
        dir.path(),
        &config,
        &[
            ("HAVEN_TELEGRAM_TOKEN", TOKEN),
            ("HAVEN_TELEGRAM_API_URL", &fake.url),
        ],
    )
    .await;
    let person = Person {
        id: 5_550_009_012,
        first_name: "Keanu",
    };
    fake.push(person.text("can I talk to a counselor"));
    let sent = fake
        .wait_for("the queue message with its button", WAIT, |sent| {
            sent.iter().any(|m| !buttons(m).is_empty())
        })
        .await;
    let with_button: Vec<&Value> = sent.iter().filter(|m| !buttons(m).is_empty()).collect();
    assert_eq!(with_button.len(), 1, "{sent:#?}");
    assert_eq!(
        buttons(with_button[0]),
        [("↩️ Back to the bot".to_owned(), "MENU".to_owned())]
    );
    assert!(
        std::ptr::eq(*with_button.last().unwrap(), sent.last().unwrap()),
        "on the last message"
    );
    assert_eq!(server.state.hub.handoff.queue().unwrap().len(), 1);
    let before = sent.len();

    fake.push(person.press("cbq-leave", "MENU"));
    let sent = fake.wait_for_sent(before + 1, WAIT).await;
    assert!(
        sent[before..]
            .iter()
            .any(|m| text(m).contains("you've left the counselor line")),
        "{:#?}",
        &sent[before..]
    );
    assert!(server.state.hub.handoff.queue().unwrap().is_empty());
    server.stop().await;
}
