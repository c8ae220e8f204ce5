//! WhatsApp end to end over real HTTP on loopback: Twilio's WhatsApp webhook (signed as Twilio
//! signs it) into a real `haven serve`, replies in TwiML and through the REST API to the Twilio
//! stand-in with the `whatsapp:` sender. Text and location round trips, no SMS segment budget,
//! its own pseudonyms, STOP as on every channel but SMS, forged webhooks refused, and the 24-hour
//! window: a counselor's reply after it closed is refused and the counselor is told.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use haven::counselors::console::accounts::Accounts;
use haven::engine::Channel;
use support::server::{TestServer, all_bytes_under, captured_logs, contains};
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, Reply, parse_twiml, post_signed};

const PERSON: &str = "whatsapp:+14155550123";
const HAVEN_WA: &str = "whatsapp:+14155238886";

async fn start(data: &std::path::Path, fake: &FakeTwilio) -> TestServer {
    TestServer::start(
        data,
        &[
            ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID),
            ("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("HAVEN_TWILIO_FROM", "+15555550100"),
            ("HAVEN_TWILIO_WHATSAPP_FROM", HAVEN_WA),
            ("HAVEN_TWILIO_API_URL", fake.url.as_str()),
        ],
    )
    .await
}

fn sid(n: u32) -> String {
    format!("SM{n:032x}")
}

/// A WhatsApp message as Twilio posts it, with the fields haven must ignore.
async fn message(server: &TestServer, n: u32, body: &str, extra: &[(&str, &str)]) -> (u16, String) {
    let sid = sid(n);
    let mut pairs = vec![
        ("MessageSid", sid.as_str()),
        ("SmsMessageSid", sid.as_str()),
        ("AccountSid", ACCOUNT_SID),
        ("From", PERSON),
        ("To", HAVEN_WA),
        ("Body", body),
        ("NumMedia", "0"),
        ("ProfileName", "Rosa Example"),
        ("WaId", "14155550123"),
    ];
    pairs.extend_from_slice(extra);
    post_signed(
        &format!("{}/whatsapp/twilio", server.url),
        &pairs,
        AUTH_TOKEN,
    )
    .await
}

/// The `<Message>`s of a TwiML answer.
fn messages(twiml: &str) -> Vec<String> {
    let doc = parse_twiml(twiml).unwrap_or_else(|e| panic!("{e}: {twiml}"));
    doc.children
        .iter()
        .map(|m| {
            assert_eq!(m.name, "Message");
            m.text.clone()
        })
        .collect()
}

#[tokio::test]
async fn a_text_gets_the_first_reply_in_twiml_and_the_rest_from_the_whatsapp_sender() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake).await;
    let (status, twiml) = message(&server, 1, "my friend won't wake up", &[]).await;
    assert_eq!(status, 200);
    let first = messages(&twiml);
    assert_eq!(first.len(), 1);
    assert!(first[0].starts_with("Call 911 now."), "{first:?}");
    let sent = fake.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    for m in &sent {
        assert_eq!(m.to, PERSON);
        assert_eq!(m.from.as_deref(), Some(HAVEN_WA));
    }
    // No SMS budget: the numbered steps go whole, in one message.
    assert!(sent[0].body.contains("1. Shout") && sent[0].body.contains("4. Wait 2-3 minutes"));
    assert!(
        sent[2].body.contains("1 Still not breathing"),
        "choices as numbered lines"
    );
    // Its own pseudonym: the same number on SMS is someone else.
    let wa = server.state.hub.haven.pseudonym(Channel::WhatsApp, PERSON);
    let sms = server
        .state
        .hub
        .haven
        .pseudonym(Channel::Sms, "+14155550123");
    assert_ne!(wa, sms);
    assert!(
        server
            .state
            .hub
            .haven
            .store
            .load(&wa, haven::runtime::now())
            .unwrap()
            .is_some()
    );
    let metrics = server.state.hub.metrics.render();
    assert!(
        metrics.contains(r#"haven_messages_in_total{channel="whatsapp"} 1"#),
        "{metrics}"
    );
    // A repeat of the same message is answered once.
    let (_, again) = message(&server, 1, "my friend won't wake up", &[]).await;
    assert!(messages(&again).is_empty());
    // Privacy: no number, no profile name, no text in logs or on disk.
    server.stop().await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    let disk = all_bytes_under(dir.path());
    for needle in [
        "4155550123",
        "Rosa Example",
        "won't wake up",
        "wont wake up",
    ] {
        assert!(!text.contains(needle), "{needle:?} is in the logs");
        assert!(!contains(&disk, needle), "{needle:?} reached the disk");
    }
}

#[tokio::test]
async fn a_shared_location_finds_places_like_a_telegram_pin() {
    let dir = tempfile::tempdir().unwrap();
    haven::referrals::import(
        &support::server::root().join("tests/fixtures/referrals/good.csv"),
        dir.path(),
    )
    .unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake).await;
    let (_, twiml) = message(&server, 2, "donde consigo jeringas", &[]).await;
    assert!(messages(&twiml)[0].contains("ZIP"), "{twiml}");
    let (status, twiml) = message(
        &server,
        3,
        "",
        &[
            ("Latitude", "40.7506"),
            ("Longitude", "-73.9972"),
            ("MessageType", "location"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let list = messages(&twiml);
    // Places as text, in the rich form (no SMS budget): name, phone, a map link.
    assert!(list[0].starts_with("Cerca de usted:"), "{list:?}");
    assert!(list[0].contains("Fixture West 30th"), "{list:?}");
    assert!(
        list[0].contains("Teléfono") && list[0].contains("openstreetmap.org"),
        "{list:?}"
    );
}

#[tokio::test]
async fn stop_deletes_and_haven_keeps_answering_on_whatsapp() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake).await;
    message(&server, 4, "hi", &[]).await;
    let (_, twiml) = message(&server, 5, "STOP", &[]).await;
    assert!(
        messages(&twiml)[0].starts_with("Done: I deleted what I kept"),
        "{twiml}"
    );
    assert_eq!(server.state.hub.haven.store.session_count().unwrap(), 0);
    let who = server.state.hub.haven.pseudonym(Channel::WhatsApp, PERSON);
    assert!(!server.state.hub.haven.store.is_opted_out(&who).unwrap());
    // Not silenced: an overdose reported later is answered.
    let (_, twiml) = message(&server, 6, "he's not breathing", &[]).await;
    assert!(messages(&twiml)[0].starts_with("Call 911 now."), "{twiml}");
}

#[tokio::test]
async fn forged_whatsapp_webhooks_get_403() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake).await;
    let sid = sid(7);
    let pairs = [
        ("MessageSid", sid.as_str()),
        ("AccountSid", ACCOUNT_SID),
        ("From", PERSON),
        ("To", HAVEN_WA),
        ("Body", "he's not breathing"),
    ];
    for path in ["/whatsapp/twilio", "/whatsapp/twilio/status"] {
        let url = format!("{}{path}", server.url);
        assert_eq!(
            post_signed(&url, &pairs, "wrong-token").await.0,
            403,
            "{path}"
        );
        let r = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("Body=x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{path}: no signature");
    }
    assert_eq!(server.state.hub.haven.store.session_count().unwrap(), 0);
    // Signed but malformed: the field is named, the number is not echoed.
    let bad = [
        ("MessageSid", sid.as_str()),
        ("AccountSid", ACCOUNT_SID),
        ("From", "+14155550123"),
        ("To", HAVEN_WA),
        ("Body", "hi"),
    ];
    let (status, body) =
        post_signed(&format!("{}/whatsapp/twilio", server.url), &bad, AUTH_TOKEN).await;
    assert_eq!((status, body.as_str()), (400, "invalid From address\n"));
    // A status callback reporting 63016 is counted.
    let cb = [
        ("MessageSid", sid.as_str()),
        ("AccountSid", ACCOUNT_SID),
        ("MessageStatus", "failed"),
        ("ErrorCode", "63016"),
        ("To", PERSON),
    ];
    let url = format!("{}/whatsapp/twilio/status", server.url);
    assert_eq!(post_signed(&url, &cb, AUTH_TOKEN).await.0, 204);
    let metrics = server.state.hub.metrics.render();
    assert!(
        metrics.contains(
            r#"haven_sends_failed_total{channel="whatsapp",reason="status-failed-63016"} 1"#
        ),
        "{metrics}"
    );
}

/// A console client that keeps cookies and does not follow redirects.
struct Console {
    base: String,
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

impl Console {
    async fn login(base: &str, name: &str, password: &str) -> Console {
        let mut c = Console {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        };
        let (_, _, page) = c.get("/console/login").await;
        let csrf = field(&page, "csrf");
        let (status, _, _) = c
            .post(
                "/console/login",
                &[("name", name), ("password", password), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(status, 303);
        c
    }

    fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, r: reqwest::Response) -> (u16, Option<String>, String) {
        for v in r.headers().get_all("set-cookie") {
            let (kv, _) = v
                .to_str()
                .unwrap()
                .split_once(';')
                .unwrap_or((v.to_str().unwrap(), ""));
            let (k, val) = kv.split_once('=').unwrap();
            self.cookies.insert(k.to_owned(), val.to_owned());
        }
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        (r.status().as_u16(), location, r.text().await.unwrap())
    }

    async fn get(&mut self, path: &str) -> (u16, Option<String>, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }
}

fn field(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + key.len();
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_counselor_reply_after_the_24_hour_window_is_refused_and_the_counselor_is_told() {
    let dir = tempfile::tempdir().unwrap();
    Accounts::new(dir.path())
        .set("maria", "correct horse battery", 0)
        .unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake).await;
    let (_, twiml) = message(&server, 8, "can i talk to a counselor", &[]).await;
    assert!(messages(&twiml)[0].contains("counselor"), "{twiml}");
    let id = server.state.hub.handoff.queue().unwrap()[0].id;
    let mut c = Console::login(&server.url, "maria", "correct horse battery").await;
    let (_, _, page) = c.get("/console").await;
    let csrf = field(&page, "csrf");
    c.post(&format!("/console/ticket/{id}/claim"), &[("csrf", &csrf)])
        .await;
    // The queue texts after the first (through the outbox) and "a counselor is here".
    let before = fake.wait_for(3, Duration::from_secs(10)).await.len();
    assert_eq!(before, 3);

    // Inside the window: delivered, from the WhatsApp sender.
    let (_, location, _) = c
        .post(
            &format!("/console/ticket/{id}/reply"),
            &[("csrf", &csrf), ("text", "Hi, I'm here.")],
        )
        .await;
    let location = location.unwrap();
    assert!(location.contains("notice=sent"), "{location}");
    let sent = fake.received();
    assert_eq!(sent.len(), before + 1, "sent at once, not queued");
    let last = sent.last().unwrap();
    assert_eq!(
        (last.to.as_str(), last.body.as_str()),
        (PERSON, "Counselor: Hi, I'm here.")
    );

    // Twilio says the window has closed (63016): the counselor is told, nothing is lost silently.
    fake.script([Reply::outside_window()]);
    let requests = fake.requests();
    let (status, location, _) = c
        .post(
            &format!("/console/ticket/{id}/reply"),
            &[("csrf", &csrf), ("text", "Are you still there?")],
        )
        .await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(location.contains("notice=window-closed"), "{location}");
    assert_eq!(fake.requests(), requests + 1, "Twilio was asked once");
    let (_, _, page) = c.get(&location).await;
    assert!(
        page.contains("Not delivered: WhatsApp lets haven write only within 24 hours"),
        "{page}"
    );

    // The person last wrote more than 24 hours ago: haven refuses before asking Twilio.
    let who = server.state.hub.haven.pseudonym(Channel::WhatsApp, PERSON);
    let store = &server.state.hub.haven.store;
    let now = haven::runtime::now();
    let mut loaded = store.load(&who, now).unwrap().unwrap();
    loaded.session.last_seen = now - 25 * 3600;
    store
        .save(
            &who,
            &loaded.session,
            loaded.expires_at,
            Some(loaded.expires_at),
        )
        .unwrap();
    let requests = fake.requests();
    let (_, location, _) = c
        .post(
            &format!("/console/ticket/{id}/reply"),
            &[("csrf", &csrf), ("text", "Hello?")],
        )
        .await;
    let location = location.unwrap();
    assert!(location.contains("notice=window-closed"), "{location}");
    assert_eq!(fake.requests(), requests, "nothing was sent to Twilio");
    let metrics = server.state.hub.metrics.render();
    assert!(
        metrics.contains(
            r#"haven_sends_failed_total{channel="whatsapp",reason="whatsapp-window-closed"} 2"#
        ),
        "{metrics}"
    );
}
