//! The counselor group on Telegram, over real HTTP: a person on SMS asks for a human, the ticket
//! is posted to the counselor chat (Telegram stand-in), a counselor claims it and replies, the
//! person's SMS reaches the group under the ticket, close returns the person to the bot.
//! Also: two claims at once, emergency during a handoff, commands outside the group ignored,
//! and no identity in anything posted to the group.

mod support;

use std::time::Duration;

use haven::channels::sms::signature;
use serde_json::{Value, json};
use support::server::{TestServer, captured_logs};
use support::telegram_fake::{FakeTelegram, TOKEN};
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeTwilio};

const DESK: i64 = -1_009_876_543_210;
const PERSON: &str = "+14155550188";

struct Rig {
    tg: FakeTelegram,
    sms: FakeTwilio,
    server: TestServer,
    n: u32,
    next_desk_msg: i64,
}

async fn rig(dir: &std::path::Path) -> Rig {
    let tg = FakeTelegram::start().await;
    let sms = FakeTwilio::start().await;
    let desk = DESK.to_string();
    let server = TestServer::start(
        dir,
        &[
            ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID),
            ("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("HAVEN_TWILIO_FROM", "+15555550100"),
            ("HAVEN_TWILIO_API_URL", &sms.url),
            ("HAVEN_TELEGRAM_TOKEN", TOKEN),
            ("HAVEN_TELEGRAM_API_URL", &tg.url),
            ("HAVEN_COUNSELOR_CHAT_ID", &desk),
        ],
    )
    .await;
    Rig {
        tg,
        sms,
        server,
        n: 0,
        next_desk_msg: 5000,
    }
}

impl Rig {
    async fn sms(&mut self, text: &str) -> String {
        self.n += 1;
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("MessageSid", &format!("SM{:032x}", self.n))
            .append_pair("AccountSid", ACCOUNT_SID)
            .append_pair("From", PERSON)
            .append_pair("To", "+15555550100")
            .append_pair("Body", text)
            .finish();
        let url = format!("{}/sms/twilio", self.server.url);
        let sig = signature::sign(AUTH_TOKEN, &url, body.as_bytes()).unwrap();
        let r = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(body)
            .send()
            .await
            .unwrap();
        r.text().await.unwrap()
    }

    /// A counselor writes in the counselor group, optionally replying to one of haven's posts.
    fn counselor(&mut self, user_id: i64, username: &str, text: &str, reply_to: Option<i64>) {
        self.next_desk_msg += 1;
        let mut message = json!({
            "message_id": self.next_desk_msg,
            "date": 1_764_000_000,
            "from": {"id": user_id, "is_bot": false, "first_name": username, "username": username},
            "chat": {"id": DESK, "type": "supergroup", "title": "Counselors"},
            "text": text,
        });
        if text.starts_with('/') {
            let len = text.split_whitespace().next().unwrap().len();
            message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
        }
        if let Some(id) = reply_to {
            message["reply_to_message"] = json!({
                "message_id": id,
                "date": 1_764_000_000,
                "from": {"id": 123_456_789, "is_bot": true, "first_name": "haven", "username": "haven_test_bot"},
                "chat": {"id": DESK, "type": "supergroup", "title": "Counselors"},
                "text": "(ticket post)",
            });
        }
        self.tg.push(json!({"message": message}));
    }

    /// Messages haven posted to the counselor group: (text, the message it replied to).
    fn desk_posts(&self) -> Vec<(String, Option<i64>)> {
        self.tg
            .calls_of("sendmessage")
            .into_iter()
            .filter(|c| c.ok && c.params["chat_id"].as_i64() == Some(DESK))
            .map(|c| {
                let reply = c.params["reply_parameters"]["message_id"].as_i64();
                (c.params["text"].as_str().unwrap_or("").to_owned(), reply)
            })
            .collect()
    }

    async fn wait_desk(&self, pred: impl Fn(&str) -> bool) -> String {
        for _ in 0..200 {
            if let Some((t, _)) = self.desk_posts().into_iter().rev().find(|(t, _)| pred(t)) {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no such post in the counselor chat; posts: {:#?}",
            self.desk_posts()
        );
    }

    /// The message id the stand-in gave haven's post whose text matches.
    fn post_id(&self, pred: impl Fn(&str) -> bool) -> i64 {
        let sent: Vec<Value> = self.tg.sent();
        sent.iter()
            .find(|m| m["chat_id"].as_i64() == Some(DESK) && m["text"].as_str().is_some_and(&pred))
            .and_then(|m| m["_message_id"].as_i64())
            .expect("post id")
    }
}

#[tokio::test]
async fn a_person_on_sms_and_a_counselor_on_telegram() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let mut r = rig(dir.path()).await;
    r.sms("can i talk to a real person please").await;
    let post = r.wait_desk(|t| t.starts_with("🆕")).await;
    assert!(
        post.contains("#1 · asked for a person · en · via sms"),
        "{post}"
    );
    assert!(
        post.contains("person: can i talk to a real person please"),
        "the messages so far are shown: {post}"
    );
    assert!(post.contains("/claim 1"));
    let ticket_post = r.post_id(|t| t.starts_with("🆕"));

    r.counselor(801, "maria_c", "/claim 1", None);
    let ok = r.wait_desk(|t| t.contains("#1 is yours")).await;
    assert!(ok.contains("@maria_c"));
    let texts = r.sms.wait_for(3, Duration::from_secs(10)).await;
    assert!(
        texts
            .iter()
            .any(|m| m.body.contains("A counselor is here now")),
        "{texts:?}"
    );

    r.counselor(
        801,
        "maria_c",
        "Hi, I'm here with you. What's going on?",
        Some(ticket_post),
    );
    let texts = r.sms.wait_for(4, Duration::from_secs(10)).await;
    assert!(
        texts
            .iter()
            .any(|m| m.body == "Counselor: Hi, I'm here with you. What's going on?"),
        "{texts:?}"
    );
    assert!(
        texts.iter().all(|m| !m.body.contains("maria")),
        "the person never learns who the counselor is"
    );

    let quiet = r.sms("my friend uses alone a lot, im scared").await;
    assert!(
        !quiet.contains("<Message>"),
        "the bot is quiet during a handoff: {quiet}"
    );
    let relayed = r
        .wait_desk(|t| t.contains("#1 person: my friend uses alone a lot"))
        .await;
    assert!(!relayed.is_empty());
    let under = r
        .desk_posts()
        .into_iter()
        .find(|(t, _)| t.contains("#1 person: my friend"))
        .unwrap();
    assert_eq!(
        under.1,
        Some(ticket_post),
        "the person's words are posted as a reply under the ticket"
    );

    r.counselor(801, "maria_c", "/close 1 resolved", None);
    r.wait_desk(|t| t.contains("#1 closed (resolved)")).await;
    let texts = r.sms.wait_for(5, Duration::from_secs(10)).await;
    assert!(
        texts.iter().any(|m| m.body.contains("closed this chat")),
        "{texts:?}"
    );
    let back = r.sms("hi").await;
    assert!(
        back.contains("What do you need?"),
        "back with the bot: {back}"
    );

    // Nothing posted to the group, logged, or kept says who the person is.
    for (t, _) in r.desk_posts() {
        assert!(
            !t.contains("4155550188") && !t.contains("+1415"),
            "identity in a group post: {t}"
        );
    }
    let who = r
        .server
        .state
        .hub
        .haven
        .pseudonym(haven::engine::Channel::Sms, PERSON)
        .to_string();
    assert!(
        r.desk_posts().iter().all(|(t, _)| !t.contains(&who)),
        "no pseudonym in group posts"
    );
    let log = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        !log.contains("4155550188")
            && !log.contains("im scared")
            && !log.contains("What's going on")
    );
}

#[tokio::test]
async fn two_claims_in_the_group_at_once_one_wins_and_commands_elsewhere_do_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = rig(dir.path()).await;
    r.sms("i want to talk to a counselor").await;
    r.wait_desk(|t| t.starts_with("🆕")).await;
    // A stranger in a private chat cannot claim.
    r.tg.push(json!({"message": {
        "message_id": 9, "date": 1_764_000_000,
        "from": {"id": 42, "is_bot": false, "first_name": "Eve"},
        "chat": {"id": 42, "type": "private", "first_name": "Eve"},
        "text": "/claim 1",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }}));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        r.server
            .state
            .hub
            .handoff
            .ticket(1)
            .unwrap()
            .unwrap()
            .counselor,
        None,
        "only the counselor chat can act"
    );
    r.counselor(801, "maria_c", "/claim 1", None);
    r.counselor(802, "ben_c", "/claim 1", None);
    let won = r.wait_desk(|t| t.contains("#1 is yours")).await;
    let lost = r.wait_desk(|t| t.contains("claimed it first")).await;
    let holder = r
        .server
        .state
        .hub
        .handoff
        .ticket(1)
        .unwrap()
        .unwrap()
        .counselor
        .unwrap();
    assert!(won.contains(&holder), "{won} / {holder}");
    assert!(
        lost.contains(&holder),
        "the loser is told who has it: {lost}"
    );
    // /queue lists it with its holder.
    r.counselor(803, "cruz_c", "/queue", None);
    let q = r.wait_desk(|t| t.starts_with("Open tickets")).await;
    assert!(
        q.contains(&format!("#1 · asked for a person · en · with {holder}")),
        "{q}"
    );
}

#[tokio::test]
async fn an_overdose_during_the_handoff_alerts_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = rig(dir.path()).await;
    r.sms("talk to a person").await;
    r.wait_desk(|t| t.starts_with("🆕")).await;
    let twiml = r.sms("oh no he is not breathing").await;
    assert!(twiml.contains("Call 911 now"), "{twiml}");
    let alert = r.wait_desk(|t| t.contains("URGENT now")).await;
    assert!(alert.contains("#1"), "{alert}");
    r.wait_desk(|t| t.contains("#1 person: oh no he is not breathing"))
        .await;
}

#[tokio::test]
async fn a_person_on_telegram_hears_the_counselor_in_their_own_chat() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = rig(dir.path()).await;
    let person = support::telegram_fake::Person {
        id: 55_501,
        first_name: "Sam",
    };
    r.tg.push(person.text("i want to talk to a counselor"));
    r.wait_desk(|t| t.starts_with("🆕") && t.contains("via telegram"))
        .await;
    let post = r.post_id(|t| t.starts_with("🆕"));
    r.counselor(801, "maria_c", "/claim 1", None);
    r.wait_desk(|t| t.contains("#1 is yours")).await;
    r.counselor(
        801,
        "maria_c",
        "I'm here. Are you safe right now?",
        Some(post),
    );
    let mut got = false;
    for _ in 0..100 {
        got = r.tg.sent().iter().any(|m| {
            m["chat_id"].as_i64() == Some(55_501)
                && m["text"].as_str() == Some("Counselor: I'm here. Are you safe right now?")
        });
        if got {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        got,
        "the counselor's words reach the person's Telegram chat"
    );
    // The person's answer goes to the group, not to the bot.
    r.tg.push(person.text("yes im ok, just scared"));
    r.wait_desk(|t| t.contains("#1 person: yes im ok, just scared"))
        .await;
    assert!(
        r.desk_posts()
            .iter()
            .all(|(t, _)| !t.contains("55501") && !t.contains("Sam")),
        "no Telegram id or name in the group"
    );
}

/// Issue 15 in the Telegram group: presence, private notes, quick replies in the person's
/// language, and transfer.
#[tokio::test]
async fn presence_notes_quick_replies_and_transfer_in_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = rig(dir.path()).await;
    r.sms("hola, quiero hablar con alguien").await;
    r.wait_desk(|t| t.starts_with("🆕")).await;
    r.counselor(801, "maria_c", "/onshift", None);
    r.wait_desk(|t| t.contains("@maria_c is on shift")).await;
    assert!(
        r.server
            .state
            .hub
            .handoff
            .is_on_shift("@maria_c", haven::runtime::now())
            .unwrap()
    );
    r.counselor(801, "maria_c", "/who", None);
    r.wait_desk(|t| t == "On shift: @maria_c").await;
    r.counselor(801, "maria_c", "/claim 1", None);
    r.wait_desk(|t| t.contains("#1 is yours")).await;
    r.counselor(801, "maria_c", "/note 1 NOTA ofrecer un kit", None);
    r.wait_desk(|t| t.contains("Note added to #1")).await;
    let h = &r.server.state.hub.handoff;
    let last = h.transcript(1).unwrap().pop().unwrap();
    assert_eq!(last.from, haven::handoff::Speaker::Note);
    assert_eq!(
        (last.text.as_str(), last.by.as_deref()),
        ("NOTA ofrecer un kit", Some("@maria_c"))
    );
    r.counselor(801, "maria_c", "/quick", None);
    let list = r.wait_desk(|t| t.starts_with("Quick replies")).await;
    assert!(list.contains("naloxone · Naloxone steps"), "{list}");
    r.counselor(801, "maria_c", "/quick 1 services", None);
    r.wait_desk(|t| t.contains("needs a ZIP")).await;
    r.counselor(801, "maria_c", "/quick 1 988", None);
    r.wait_desk(|t| t.contains("#1: sent `988` in es")).await;
    r.counselor(801, "maria_c", "/transfer 1 @ben_c", None);
    r.wait_desk(|t| t.contains("@ben_c is neither on shift nor a console account"))
        .await;
    r.counselor(802, "ben_c", "/onshift", None);
    r.wait_desk(|t| t.contains("@ben_c is on shift")).await;
    r.counselor(801, "maria_c", "/transfer 1 @ben_c", None);
    r.wait_desk(|t| t.contains("#1 is with @ben_c")).await;
    let texts = wait_sms(&r, "Ahora le atiende otro consejero").await;
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Consejero: Puede llamar o escribir al 988")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .all(|t| !t.contains("NOTA") && !t.contains("maria")),
        "{texts:?}"
    );
    r.counselor(801, "maria_c", "/away", None);
    r.wait_desk(|t| t.contains("@maria_c is away")).await;
    assert!(
        !r.server
            .state
            .hub
            .handoff
            .is_on_shift("@maria_c", haven::runtime::now())
            .unwrap()
    );
}

/// Every text the person got by SMS once one contains `needle` (fails after 10 s).
async fn wait_sms(r: &Rig, needle: &str) -> Vec<String> {
    for _ in 0..200 {
        let got: Vec<String> = r.sms.received().into_iter().map(|m| m.body).collect();
        if got.iter().any(|t| t.contains(needle)) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no SMS with {needle:?}; got {:?}",
        r.sms
            .received()
            .into_iter()
            .map(|m| m.body)
            .collect::<Vec<_>>()
    );
}
