//! SMS end to end over real HTTP on loopback: Twilio's webhook (signed like Twilio signs it)
//! into a real `haven serve`, replies out through TwiML and through the REST API to a Twilio
//! stand-in. Covers issue 4's list: emergency, forged and missing signatures, duplicates,
//! STOP, retries, restart with a queued outbox, and no phone number in logs or on disk.

mod support;

use std::time::Duration;

use haven::channels::sms::signature;
use support::server::{TestServer, all_bytes_under, captured_logs, contains};
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, Reply};

const PERSON: &str = "+14155550123";
const HAVEN_NUMBER: &str = "+15555550100";

fn vars(fake: &FakeTwilio) -> Vec<(&'static str, String)> {
    vec![
        ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID.to_string()),
        ("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN.to_string()),
        ("HAVEN_TWILIO_FROM", HAVEN_NUMBER.to_string()),
        ("HAVEN_TWILIO_API_URL", fake.url.clone()),
    ]
}

async fn start(
    data: &std::path::Path,
    fake: &FakeTwilio,
    extra: &[(&'static str, &str)],
) -> TestServer {
    let mut v: Vec<(&str, String)> = vars(fake);
    v.extend(extra.iter().map(|(k, val)| (*k, val.to_string())));
    let refs: Vec<(&str, &str)> = v.iter().map(|(k, val)| (*k, val.as_str())).collect();
    TestServer::start(data, &refs).await
}

/// A Twilio-shaped message SID ("SM" + 32 hex digits) for a short test number.
fn sid(n: &str) -> String {
    format!("SM{:0>32}", n.trim_start_matches("SM"))
}

fn form(sid_short: &str, from: &str, body: &str) -> String {
    let sid = sid(sid_short);
    let sid = sid.as_str();
    form_urlencoded::Serializer::new(String::new())
        .append_pair("MessageSid", sid)
        .append_pair("SmsMessageSid", sid)
        .append_pair("AccountSid", ACCOUNT_SID)
        .append_pair("From", from)
        .append_pair("To", HAVEN_NUMBER)
        .append_pair("Body", body)
        .append_pair("NumMedia", "0")
        .finish()
}

/// Posts a webhook signed as Twilio would sign it (or with the given header).
async fn post(
    server: &TestServer,
    path: &str,
    body: &str,
    signature_header: Option<String>,
) -> (u16, String) {
    let url = format!("{}{path}", server.url);
    let sig = signature_header
        .unwrap_or_else(|| signature::sign(AUTH_TOKEN, &url, body.as_bytes()).unwrap());
    let r = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn sms(server: &TestServer, sid: &str, from: &str, text: &str) -> (u16, String) {
    post(server, "/sms/twilio", &form(sid, from, text), None).await
}

#[tokio::test]
async fn an_emergency_by_sms_gets_911_first_then_the_steps() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[]).await;
    let (status, twiml) = sms(&server, "SM0001", PERSON, "my friend won't wake up").await;
    assert_eq!(status, 200);
    assert!(twiml.starts_with("<?xml"), "{twiml}");
    assert!(
        twiml.contains("<Message>Call 911 now. Give naloxone (Narcan) if you have it"),
        "{twiml}"
    );
    assert_eq!(
        twiml.matches("<Message>").count(),
        1,
        "only the first reply is TwiML"
    );
    let sent = fake.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(
        sent.len(),
        3,
        "the steps, the breathing text and the question follow by REST: {sent:?}"
    );
    assert!(
        sent.iter()
            .all(|m| m.to == PERSON && m.from.as_deref() == Some(HAVEN_NUMBER))
    );
    assert!(sent[0].body.contains("breastbone"));
    assert!(sent[2].body.contains("1 Still not breathing"));
    // Privacy: neither the number nor the message is in the logs or anywhere on disk.
    server.stop().await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    for needle in ["4155550123", "won't wake up", "wont wake up"] {
        assert!(!text.contains(needle), "log contains {needle:?}");
    }
    assert!(
        text.contains("intent=emergency"),
        "logs carry intents: {text}"
    );
    let disk = all_bytes_under(dir.path());
    assert!(!disk.is_empty());
    for needle in ["4155550123", "won't wake up", "wont wake up"] {
        assert!(!contains(&disk, needle), "{needle:?} reached the disk");
    }
}

#[tokio::test]
async fn forged_or_missing_signatures_get_403_and_nothing_happens() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[]).await;
    let body = form("SM0100", PERSON, "my friend is not breathing");
    let forged = signature::sign(
        "not-the-token",
        &format!("{}/sms/twilio", server.url),
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(
        post(&server, "/sms/twilio", &body, Some(forged)).await.0,
        403
    );
    assert_eq!(
        post(&server, "/sms/twilio", &body, Some(String::new()))
            .await
            .0,
        403
    );
    // Signed for a different URL (another path) is forged too.
    let other = signature::sign(
        AUTH_TOKEN,
        &format!("{}/elsewhere", server.url),
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(
        post(&server, "/sms/twilio", &body, Some(other)).await.0,
        403
    );
    // A tampered body no longer matches its signature.
    let good = signature::sign(
        AUTH_TOKEN,
        &format!("{}/sms/twilio", server.url),
        body.as_bytes(),
    )
    .unwrap();
    let tampered = body.replace("breathing", "breathin");
    assert_eq!(
        post(&server, "/sms/twilio", &tampered, Some(good)).await.0,
        403
    );
    let missing = reqwest::Client::new()
        .post(format!("{}/sms/twilio", server.url))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 403);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(fake.requests(), 0, "nothing was sent");
    assert_eq!(
        server.state.hub.haven.store.session_count().unwrap(),
        0,
        "no session was created"
    );
    assert_eq!(
        server
            .state
            .hub
            .metrics
            .get("haven_messages_in_total", &[("channel", "sms")]),
        0
    );
}

#[tokio::test]
async fn malformed_and_oversized_bodies_get_4xx_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[]).await;
    let (status, reason) = post(&server, "/sms/twilio", "Body=hi&AccountSid=x", None).await;
    assert_eq!(status, 400);
    assert!(reason.contains("MessageSid"), "{reason}");
    let huge = format!("Body={}", "a".repeat(100 << 10));
    let (status, _) = post(&server, "/sms/twilio", &huge, None).await;
    assert_eq!(status, 413);
    assert_eq!(fake.requests(), 0);
}

#[tokio::test]
async fn the_same_message_sid_twice_is_answered_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[]).await;
    let first = sms(&server, "SM0200", PERSON, "my friend won't wake up").await;
    let again = sms(&server, "SM0200", PERSON, "my friend won't wake up").await;
    assert!(first.1.contains("Call 911"));
    assert_eq!(again.0, 200);
    assert!(
        !again.1.contains("<Message>"),
        "a repeated delivery gets an empty answer: {}",
        again.1
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        fake.received().len(),
        3,
        "the follow-up texts went out once"
    );
    assert_eq!(
        server
            .state
            .hub
            .metrics
            .get("haven_duplicates_total", &[("channel", "sms")]),
        1
    );
}

#[tokio::test]
async fn after_stop_nothing_is_sent_until_start() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[]).await;
    sms(&server, "SM0300", PERSON, "hi").await;
    let (_, confirm) = sms(&server, "SM0301", PERSON, "STOP").await;
    assert!(
        confirm.contains("Reply START to resume. Emergency: call 911. Crisis: call or text 988."),
        "{confirm}"
    );
    for (i, text) in [
        "hello?",
        "my friend is not breathing",
        "HELP",
        "where can i get narcan",
    ]
    .iter()
    .enumerate()
    {
        let (status, twiml) = sms(&server, &format!("SM031{i}"), PERSON, text).await;
        assert_eq!(status, 200);
        assert!(
            !twiml.contains("<Message>"),
            "{text:?} after STOP got {twiml}"
        );
    }
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(fake.requests(), 0, "nothing went out by REST either");
    let (_, welcome) = sms(&server, "SM0320", PERSON, "START").await;
    assert!(welcome.contains("Welcome back"), "{welcome}");
}

#[tokio::test]
async fn a_500_then_201_is_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    fake.script([Reply::server_error(), Reply::too_many_requests()]);
    let server = start(dir.path(), &fake, &[]).await;
    sms(&server, "SM0400", PERSON, "how do i use narcan").await;
    let sent = fake.wait_for(3, Duration::from_secs(15)).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(
        sent[0].body.starts_with("How to use the nasal spray"),
        "order kept after retries: {sent:?}"
    );
    let mut bodies: Vec<&str> = sent.iter().map(|m| m.body.as_str()).collect();
    bodies.dedup();
    assert_eq!(bodies.len(), 3, "no text sent twice");
    assert_eq!(fake.requests(), 5, "two failures, then three sends");
    assert_eq!(
        server
            .state
            .hub
            .metrics
            .get("haven_send_retries_total", &[("channel", "sms")]),
        2
    );
}

#[tokio::test]
async fn a_queued_outbox_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    // The first server's Twilio is down for long enough that nothing leaves before the restart.
    let down = FakeTwilio::start().await;
    down.script((0..5).map(|_| Reply::server_error()));
    let server = start(dir.path(), &down, &[]).await;
    let (_, twiml) = sms(&server, "SM0500", PERSON, "my friend won't wake up").await;
    assert!(twiml.contains("Call 911"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.stop().await;
    assert!(down.received().is_empty());
    let up = FakeTwilio::start().await;
    let server = start(dir.path(), &up, &[]).await;
    let sent = up.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(
        sent.len(),
        3,
        "the queued texts were delivered after the restart"
    );
    assert!(sent[0].body.contains("breastbone"));
    server.stop().await;
}

#[tokio::test]
async fn a_carrier_opt_out_is_treated_as_stop() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    fake.script([Reply::opted_out()]);
    let server = start(dir.path(), &fake, &[]).await;
    sms(&server, "SM0600", PERSON, "how do i use narcan").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(fake.received().is_empty(), "nothing sent after 21610");
    let (_, twiml) = sms(&server, "SM0601", PERSON, "hi").await;
    assert!(
        !twiml.contains("<Message>"),
        "the person is opted out: {twiml}"
    );
    // The status callback says the same for another person, about a text sent by REST.
    let other = "+14155550199";
    sms(&server, "SM0602", other, "how do i use narcan").await;
    let sent = fake.wait_for(1, Duration::from_secs(10)).await;
    let (path, cb) = carrier_opt_out(&server, &sent[0], "0603");
    assert_eq!(post(&server, &path, &cb, None).await.0, 204);
    let (_, twiml) = sms(&server, "SM0604", other, "hi").await;
    assert!(!twiml.contains("<Message>"), "{twiml}");
    let forged = post(&server, &path, &cb, Some("bad".into())).await;
    assert_eq!(forged.0, 403);
}

/// The path (with the query haven put in it) and the signed body of Twilio's status callback
/// saying that the text `sent` hit a carrier opt-out (21610).
fn carrier_opt_out(
    server: &TestServer,
    sent: &support::twilio_fake::SentSms,
    sid_short: &str,
) -> (String, String) {
    let url = sent
        .status_callback
        .as_deref()
        .expect("haven asks for status callbacks");
    let path = url
        .strip_prefix(&server.url)
        .expect("the callback is on haven's public URL")
        .to_owned();
    assert!(path.starts_with("/sms/twilio/status?sent="), "{path}");
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("MessageSid", &sid(sid_short))
        .append_pair("AccountSid", ACCOUNT_SID)
        .append_pair("MessageStatus", "undelivered")
        .append_pair("ErrorCode", "21610")
        .append_pair("To", &sent.to)
        .finish();
    (path, body)
}

// Issue 12: a replayed signed 21610 callback opted a person out again after START. The
// callback is Twilio's own (signed, about a text haven sent before the START); replayed after
// START it must change nothing, while one about a text sent after START still counts.
#[tokio::test]
async fn a_replayed_carrier_opt_out_cannot_silence_a_person_after_start() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[]).await;
    let person = "+14155550166";
    sms(&server, "SM0901", person, "how do i use narcan").await;
    let before = fake.wait_for(1, Duration::from_secs(10)).await;
    let (old_path, old_cb) = carrier_opt_out(&server, &before[0], "0902");
    // Twilio reports the carrier opt-out: STOP.
    assert_eq!(post(&server, &old_path, &old_cb, None).await.0, 204);
    let (_, twiml) = sms(&server, "SM0903", person, "hi").await;
    assert!(!twiml.contains("<Message>"), "opted out: {twiml}");
    // The person opts back in.
    let (_, twiml) = sms(&server, "SM0904", person, "START").await;
    assert!(twiml.contains("<Message>"), "START answers: {twiml}");
    // The same signed callback, replayed: still answered 204 (it is genuine), ignored.
    assert_eq!(post(&server, &old_path, &old_cb, None).await.0, 204);
    let (_, twiml) = sms(&server, "SM0905", person, "hi").await;
    assert!(
        twiml.contains("<Message>"),
        "a replay must not opt the person out again: {twiml}"
    );
    assert_eq!(
        server.state.hub.metrics.get(
            "haven_carrier_optouts_ignored_total",
            &[("reason", "before-start")]
        ),
        1
    );
    // A callback without haven's send time cannot be placed after the START either.
    let unplaced = old_path.split('?').next().unwrap().to_owned();
    assert_eq!(post(&server, &unplaced, &old_cb, None).await.0, 204);
    let (_, twiml) = sms(&server, "SM0906", person, "hi").await;
    assert!(twiml.contains("<Message>"), "{twiml}");
    // A new carrier opt-out, about a text sent after the START, still counts.
    let n = fake.received().len();
    sms(&server, "SM0907", person, "how do i use narcan").await;
    let after = fake.wait_for(n + 1, Duration::from_secs(10)).await;
    // The newest text haven sent: its callback URL carries the latest send time.
    let sent_ms = |m: &&support::twilio_fake::SentSms| {
        let url = m.status_callback.as_deref().unwrap_or("");
        url.split("sent=")
            .nth(1)
            .and_then(|t| t.parse::<i64>().ok())
    };
    let newest = after.iter().max_by_key(sent_ms).unwrap();
    let (new_path, new_cb) = carrier_opt_out(&server, newest, "0908");
    assert_eq!(post(&server, &new_path, &new_cb, None).await.0, 204);
    let (_, twiml) = sms(&server, "SM0909", person, "hi").await;
    assert!(!twiml.contains("<Message>"), "opted out again: {twiml}");
    server.stop().await;
}

#[tokio::test]
async fn a_flood_gets_one_notice_and_others_are_not_slowed() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[("HAVEN_RATE_LIMIT", "5")]).await;
    let mut answered = 0;
    let mut notices = 0;
    for i in 0..12 {
        let (_, twiml) = sms(&server, &format!("SM07{i:02}"), PERSON, "hello").await;
        if twiml.contains("very fast") {
            notices += 1;
        } else if twiml.contains("<Message>") {
            answered += 1;
        }
    }
    assert_eq!((answered, notices), (5, 1));
    let (_, other) = sms(&server, "SM0799", "+14155550177", "hello").await;
    assert!(
        other.contains("haven"),
        "another person is answered normally: {other}"
    );
}

#[tokio::test]
async fn healthz_and_metrics_say_what_is_on_without_identities() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, &[("HAVEN_METRICS_TOKEN", METRICS_TOKEN)]).await;
    sms(&server, "SM0800", PERSON, "where can i get narcan").await;
    let health: serde_json::Value = reqwest::get(format!("{}/healthz", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["channels"]["sms"], true);
    assert_eq!(health["channels"]["telegram"], false);
    let metrics = scrape(&server, Some(METRICS_TOKEN)).await.1;
    assert!(
        metrics.contains("haven_messages_in_total{channel=\"sms\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("haven_intents_total{intent=\"services\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("haven_outbox_depth"), "{metrics}");
    assert!(!metrics.contains("4155550123"));
}

/// The bearer token tests configure for `/metrics`.
const METRICS_TOKEN: &str = "metrics-token-for-tests-0123456789abcdef";

/// `GET /metrics`, with `Authorization: Bearer <token>` when given.
async fn scrape(server: &TestServer, token: Option<&str>) -> (u16, String) {
    let mut r = reqwest::Client::new().get(format!("{}/metrics", server.url));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The value of an unlabelled sample in Prometheus text.
fn sample(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
}

// Issue 12: /metrics was public (live urgent-ticket counts) and every scrape walked all
// sessions. Now it needs the configured bearer token, is off without one, and (issue 14) the
// session gauge reads a count the store keeps as sessions come and go, so a scrape walks nothing
// and is still current. `haven bench http --sweep` measures a scrape at 1M sessions.
#[tokio::test]
async fn metrics_need_the_bearer_token_and_show_the_kept_session_count() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    // Without a token configured, /metrics is off.
    let off = start(dir.path(), &fake, &[]).await;
    let (status, body) = scrape(&off, None).await;
    assert_eq!(status, 404);
    assert!(body.contains("HAVEN_METRICS_TOKEN"), "{body}");
    off.stop().await;

    let mut vars: Vec<(&str, String)> = vars(&fake);
    vars.push(("HAVEN_METRICS_TOKEN", METRICS_TOKEN.into()));
    let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = TestServer::start_with_one_sweep(dir.path(), &refs).await;
    assert_eq!(scrape(&server, None).await.0, 401, "no token");
    assert_eq!(
        scrape(&server, Some("metrics-token-for-tests-0123456789abcdeX"))
            .await
            .0,
        401,
        "a wrong token"
    );
    let (status, text) = scrape(&server, Some(METRICS_TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(sample(&text, "haven_sessions"), Some(0.0), "{text}");
    for i in 0..5 {
        sms(
            &server,
            &format!("SM08{i:02}"),
            &format!("+1415555020{i}"),
            "hi",
        )
        .await;
    }
    assert_eq!(server.state.hub.haven.store.session_count().unwrap(), 5);
    // The next scrape already shows the five new sessions, without waiting for a sweep.
    let (_, text) = scrape(&server, Some(METRICS_TOKEN)).await;
    assert_eq!(sample(&text, "haven_sessions"), Some(5.0), "{text}");
    server.stop().await;
}
