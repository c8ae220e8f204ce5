//! The voice line end to end over real HTTP on loopback: calls played as Twilio plays them
//! (signed webhooks, the TwiML read as XML and followed) against a real `haven serve`. A whole
//! emergency call by keys and by speech in both languages, star to repeat, zero at any step,
//! silence, a counselor transfer by `<Dial>` with haven's number (and the 988 offer when no one
//! answers), forged webhooks refused, and no caller number in logs or on disk.

mod support;

use support::server::{TestServer, all_bytes_under, captured_logs, contains};
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeCall, FakeTwilio, Verb, post_signed};

/// The caller's number, which must never be kept.
const CALLER: &str = "+14155550123";
const HAVEN_NUMBER: &str = "+15555550100";
const COUNSELOR_1: &str = "+15555550111";
const COUNSELOR_2: &str = "+15555550112";

fn call_sid(n: u32) -> String {
    format!("CA{n:032x}")
}

async fn start(data: &std::path::Path, fake: &FakeTwilio, voice_toml: Option<&str>) -> TestServer {
    let vars = [
        ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID),
        ("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN),
        ("HAVEN_TWILIO_FROM", HAVEN_NUMBER),
        ("HAVEN_TWILIO_API_URL", fake.url.as_str()),
    ];
    match voice_toml {
        None => TestServer::start(data, &vars).await,
        Some(toml) => {
            let path = data.join("haven.toml");
            std::fs::write(&path, toml).unwrap();
            TestServer::start_with_config(data, &path, &vars).await
        }
    }
}

/// The `<Say>`s of a document as (voice, language, text).
fn says(call: &FakeCall) -> Vec<(String, String, String)> {
    call.says()
        .iter()
        .map(|s| {
            (
                s.attr("voice").unwrap_or_default().to_owned(),
                s.attr("language").unwrap_or_default().to_owned(),
                s.all_text(),
            )
        })
        .collect()
}

/// Every verb of a document is one Twilio knows, and none records.
fn only_known_verbs(doc: &Verb) {
    for v in doc.walk() {
        assert!(
            matches!(
                v.name.as_str(),
                "Response"
                    | "Gather"
                    | "Say"
                    | "Pause"
                    | "Redirect"
                    | "Dial"
                    | "Number"
                    | "Hangup"
                    | "prosody"
            ),
            "unexpected <{}>",
            v.name
        );
    }
}

/// What a step's `<Gather>` posts to carries the step and language, nothing about the caller.
fn action_is_anonymous(call: &FakeCall) {
    let action = call.gather().attr("action").unwrap();
    let url = url::Url::parse(action).unwrap();
    for (k, _) in url.query_pairs() {
        assert!(matches!(k.as_ref(), "turn" | "lang"), "{action}");
    }
    assert!(
        !action.contains("4155550123") && !action.contains(&call.sid),
        "{action}"
    );
}

#[tokio::test]
async fn an_emergency_call_by_keys_in_english() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, None).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(1), CALLER, HAVEN_NUMBER).await;
    only_known_verbs(&call.doc);
    // The opening: 911 first, in English, then in Spanish with its own voice, then the menu.
    let heard = says(&call);
    assert_eq!(heard[0].0, "Polly.Joanna");
    assert_eq!(heard[0].1, "en-US");
    assert!(
        heard[0]
            .2
            .starts_with("If someone is overdosing right now, call 9 1 1"),
        "{heard:?}"
    );
    assert_eq!(
        (heard[1].0.as_str(), heard[1].1.as_str()),
        ("Polly.Lupe", "es-US")
    );
    assert!(heard[1].2.contains("llame primero al 9 1 1"), "{heard:?}");
    assert_eq!(heard[2].2, "Oprima 7: Español.");
    let menu = call.heard();
    assert!(
        menu.contains("Press 1 for Someone is overdosing."),
        "{menu}"
    );
    assert!(menu.ends_with("To hear this again, press star."), "{menu}");
    let gather = call.gather();
    assert_eq!(gather.attr("input"), Some("dtmf speech"));
    assert_eq!(gather.attr("numDigits"), Some("1"));
    assert_eq!(gather.attr("language"), Some("en-US"));
    action_is_anonymous(&call);

    // 1: someone is overdosing. The steps, slowly, one per <Say>, with pauses.
    call.press("1").await;
    only_known_verbs(&call.doc);
    let heard = call.heard();
    assert!(heard.starts_with("Call 9 1 1 now."), "{heard}");
    assert!(heard.contains("\nStep 1. Shout their name"), "{heard}");
    assert!(
        heard.contains("Press 1 for Still not breathing."),
        "{heard}"
    );
    let slow = call
        .says()
        .iter()
        .filter(|s| s.children.iter().any(|c| c.name == "prosody"))
        .count();
    assert!(
        slow >= 10,
        "the steps are spoken slowly ({slow} slow lines)"
    );
    let pauses = call
        .gather()
        .children
        .iter()
        .filter(|v| v.name == "Pause")
        .count();
    assert!(pauses >= 10, "a pause after each step ({pauses})");
    let steps = heard.clone();

    // Star says it all again.
    call.press("*").await;
    assert_eq!(call.heard(), steps);

    // 1: still not breathing, then 5: awake.
    call.press("1").await;
    assert!(
        call.heard().contains("another dose with a new device"),
        "{}",
        call.heard()
    );
    call.press("*").await;
    assert!(
        call.heard().starts_with("Give another dose"),
        "{}",
        call.heard()
    );
    call.press("5").await;
    assert!(
        call.heard().starts_with("Good.\nStay with them"),
        "{}",
        call.heard()
    );

    // The call ends: its session goes.
    assert_eq!(call.hang_up().await, 204);
    assert_eq!(server.state.hub.haven.store.session_count().unwrap(), 0);
    assert!(server.state.voice.as_ref().unwrap().calls.is_empty());

    // Privacy: the caller's number is nowhere.
    server.stop().await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        !text.contains("4155550123"),
        "the caller's number is in the logs"
    );
    assert!(
        text.contains("channel=\"voice\"") || text.contains("channel=voice"),
        "logs name the channel"
    );
    let disk = all_bytes_under(dir.path());
    assert!(
        !contains(&disk, "4155550123"),
        "the caller's number reached the disk"
    );
}

#[tokio::test]
async fn an_emergency_call_by_speech_in_english_and_zero_at_any_step() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, None).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(2), CALLER, HAVEN_NUMBER).await;
    // Said aloud at the menu, "he's not breathing" goes through triage like a text.
    call.say("he's not breathing").await;
    assert!(
        call.heard().starts_with("Call 9 1 1 now."),
        "{}",
        call.heard()
    );
    assert!(
        call.gather()
            .attr("hints")
            .unwrap()
            .contains("Still not breathing")
    );
    call.say("she's breathing now").await;
    assert!(
        call.heard().starts_with("Good.\nStay with them"),
        "{}",
        call.heard()
    );
    call.press("8").await; // something else: the menu
    call.press("2").await; // how to use naloxone
    assert!(call.heard().contains("nasal spray"), "{}", call.heard());
    // 0 at any step: the overdose steps at once.
    call.press("0").await;
    assert!(
        call.heard().starts_with("Call 9 1 1 now."),
        "{}",
        call.heard()
    );
    // And said aloud in the middle of the naloxone how-to, too.
    call.press("8").await;
    call.press("2").await;
    call.say("wait he stopped breathing he's turning blue")
        .await;
    assert!(
        call.heard().starts_with("Call 9 1 1 now."),
        "{}",
        call.heard()
    );
}

#[tokio::test]
async fn an_emergency_call_in_spanish_by_keys_and_by_speech() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, None).await;

    // By keys: 7 for Spanish, then 1.
    let mut call = FakeCall::dial_in(&server.url, &call_sid(3), CALLER, HAVEN_NUMBER).await;
    call.press("7").await;
    assert_eq!(call.gather().attr("language"), Some("es-US"));
    assert!(
        call.heard()
            .contains("Oprima 1: Alguien tiene una sobredosis."),
        "{}",
        call.heard()
    );
    assert!(
        says(&call)
            .iter()
            .any(|(v, l, t)| v == "Polly.Joanna" && l == "en-US" && t == "Press 7 for English.")
    );
    call.press("1").await;
    let heard = call.heard();
    assert!(heard.starts_with("Llame al 9 1 1 ya."), "{heard}");
    assert!(heard.contains("\nPaso 1. Grite el nombre"), "{heard}");
    assert!(
        says(&call)
            .iter()
            .all(|(v, l, _)| v == "Polly.Lupe" && l == "es-US")
    );
    call.press("*").await;
    assert_eq!(call.heard(), heard);
    call.say("sigue sin respirar").await;
    assert!(
        call.heard().starts_with("Dele otra dosis"),
        "{}",
        call.heard()
    );
    assert_eq!(call.gather().attr("language"), Some("es-US"));

    // By speech from the start: the person speaks Spanish at the menu.
    let mut call = FakeCall::dial_in(&server.url, &call_sid(4), CALLER, HAVEN_NUMBER).await;
    call.say("mi amigo no respira, está morado").await;
    assert!(
        call.heard().starts_with("Llame al 9 1 1 ya."),
        "{}",
        call.heard()
    );
    assert_eq!(call.gather().attr("language"), Some("es-US"));
    call.say("ya despertó").await;
    assert!(call.heard().contains("Bien"), "{}", call.heard());
    call.press("0").await;
    assert!(
        call.heard().starts_with("Llame al 9 1 1 ya."),
        "{}",
        call.heard()
    );
}

#[tokio::test]
async fn star_repeats_at_every_step_and_silence_keeps_the_line_open() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, None).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(5), CALLER, HAVEN_NUMBER).await;
    // The naloxone how-to, the overdose steps (0 from there), the services question, and the
    // question that takes a ZIP (no one-key limit): star says each again.
    for keys in [&["2"][..], &["0"], &["8", "3"], &["1"]] {
        for k in keys {
            call.press(k).await;
        }
        let before = call.heard();
        call.press("*").await;
        assert_eq!(call.heard(), before, "after {keys:?}");
    }
    // Silence: "I'm still here", listening for the same step; after many, goodbye.
    let action = call.gather().attr("action").unwrap().to_owned();
    call.silence().await;
    assert!(
        call.heard().starts_with("I'm still here."),
        "{}",
        call.heard()
    );
    assert_eq!(call.gather().attr("action"), Some(action.as_str()));
    for _ in 1..haven::channels::voice::handler::MAX_SILENCES {
        call.silence().await;
    }
    assert!(call.doc.children.iter().any(|v| v.name == "Hangup"));
    assert!(
        call.heard().contains("call back any time"),
        "{}",
        call.heard()
    );
}

#[tokio::test]
async fn a_capture_step_takes_typed_digits_ended_by_pound() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, None).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(6), CALLER, HAVEN_NUMBER).await;
    call.say("where can I get narcan").await;
    let gather = call.gather();
    assert_eq!(gather.attr("numDigits"), None, "a ZIP is more than one key");
    assert_eq!(gather.attr("finishOnKey"), Some("#"));
    assert!(call.heard().contains("press pound"), "{}", call.heard());
    // No directory here: the national fallback, read digit by digit.
    call.press("10001").await;
    assert!(
        call.heard().contains("1, 8 0 0, 6 6 2, 4 3 5 7"),
        "{}",
        call.heard()
    );
}

#[tokio::test]
async fn a_repeated_webhook_gets_the_same_answer_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, None).await;
    let call = FakeCall::dial_in(&server.url, &call_sid(7), CALLER, HAVEN_NUMBER).await;
    let action = call.gather().attr("action").unwrap().to_owned();
    let pairs = [
        ("CallSid", call.sid.as_str()),
        ("AccountSid", ACCOUNT_SID),
        ("To", HAVEN_NUMBER),
        ("From", CALLER),
        ("Digits", "1"),
    ];
    let first = post_signed(&action, &pairs, AUTH_TOKEN).await;
    let again = post_signed(&action, &pairs, AUTH_TOKEN).await;
    assert_eq!(first.0, 200);
    assert_eq!(
        first, again,
        "the same TwiML, not an empty answer that would hang up"
    );
    let metrics = server.state.hub.metrics.render();
    assert!(
        metrics.contains(r#"haven_duplicates_total{channel="voice"} 1"#),
        "{metrics}"
    );
    // The engine saw the 1 once: the opening and one answer.
    assert!(
        metrics.contains(r#"haven_messages_in_total{channel="voice"} 2"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn forged_voice_webhooks_get_403_and_bad_forms_400() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, None).await;
    let sid = call_sid(8);
    let pairs = [
        ("CallSid", sid.as_str()),
        ("AccountSid", ACCOUNT_SID),
        ("From", CALLER),
        ("To", HAVEN_NUMBER),
        ("CallStatus", "ringing"),
    ];
    for path in [
        "/voice/twilio",
        "/voice/twilio?turn=1&lang=en",
        "/voice/twilio/status",
        "/voice/twilio/dial?turn=2&try=0&lang=en",
        "/voice/twilio/lifeline?turn=2&lang=en",
        "/voice/twilio/whisper?lang=en",
    ] {
        let url = format!("{}{path}", server.url);
        assert_eq!(
            post_signed(&url, &pairs, "not-the-token").await.0,
            403,
            "{path}"
        );
        // Signed for another URL.
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let elsewhere = haven::channels::sms::signature::sign(
            AUTH_TOKEN,
            &format!("{}/voice/twilio/other", server.url),
            body.as_bytes(),
        )
        .unwrap();
        for header in [Some(elsewhere), None] {
            let mut r = reqwest::Client::new()
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone());
            if let Some(h) = header {
                r = r.header("x-twilio-signature", h);
            }
            assert_eq!(r.send().await.unwrap().status().as_u16(), 403, "{path}");
        }
    }
    // Another account's call is refused too, and nothing was answered.
    let other = [
        ("CallSid", sid.as_str()),
        ("AccountSid", "AC11111111111111111111111111111111"),
        ("To", HAVEN_NUMBER),
    ];
    let url = format!("{}/voice/twilio", server.url);
    assert_eq!(post_signed(&url, &other, AUTH_TOKEN).await.0, 403);
    assert_eq!(server.state.hub.haven.store.session_count().unwrap(), 0);
    // Signed but malformed: 400 naming the field, never its value.
    let bad = [("CallSid", "CA123"), ("AccountSid", ACCOUNT_SID)];
    let (status, body) = post_signed(&url, &bad, AUTH_TOKEN).await;
    assert_eq!((status, body.as_str()), (400, "invalid CallSid\n"));
    // A server without Twilio refuses every voice webhook as forged.
    let dir2 = tempfile::tempdir().unwrap();
    let bare = TestServer::start(dir2.path(), &[]).await;
    let url = format!("{}/voice/twilio", bare.url);
    assert_eq!(post_signed(&url, &pairs, AUTH_TOKEN).await.0, 403);
}

const PHONES: &str =
    "[voice]\ncounselor_phones = [\"+15555550111\", \"+15555550112\"]\nring_seconds = 15\n";

#[tokio::test]
async fn asking_for_a_person_dials_the_counselors_in_order_with_havens_number() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, Some(PHONES)).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(9), CALLER, HAVEN_NUMBER).await;
    call.say("I want to talk to a real person").await;
    only_known_verbs(&call.doc);
    assert!(
        call.heard().contains("This call is not recorded"),
        "{}",
        call.heard()
    );
    let dial = call.dial();
    assert_eq!(
        dial.attr("callerId"),
        Some(HAVEN_NUMBER),
        "the counselor sees haven's number"
    );
    assert_eq!(dial.attr("record"), Some("do-not-record"));
    assert_eq!(dial.attr("timeout"), Some("15"));
    let number = dial.children.iter().find(|v| v.name == "Number").unwrap();
    assert_eq!(number.text, COUNSELOR_1);
    assert!(!call.raw.last().unwrap().contains("4155550123"));

    // The first counselor's phone goes to voicemail: the whisper asks for 1, nobody presses,
    // the leg hangs up, the dial ends unanswered; the second counselor is tried.
    let whisper = call
        .counselor_picks_up("CA000000000000000000000000000000a1")
        .await;
    assert!(
        whisper.all_text().contains("Press 1 to take the call"),
        "{whisper:?}"
    );
    assert!(whisper.children.iter().any(|v| v.name == "Hangup"));
    call.dial_ended("completed").await;
    assert!(
        call.heard().contains("trying another one"),
        "{}",
        call.heard()
    );
    let number = call
        .dial()
        .children
        .iter()
        .find(|v| v.name == "Number")
        .unwrap();
    assert_eq!(number.text, COUNSELOR_2);
    assert_eq!(call.dial().attr("callerId"), Some(HAVEN_NUMBER));

    // The second takes it: pressing 1 puts the calls together (an empty answer).
    let whisper = call
        .counselor_picks_up("CA000000000000000000000000000000a2")
        .await;
    let taken = call
        .counselor_presses(&whisper, "CA000000000000000000000000000000a2", "1")
        .await;
    assert!(taken.children.is_empty(), "{taken:?}");
    // They talk; the counselor hangs up: thanks, and goodbye.
    call.dial_ended("completed").await;
    assert!(
        call.heard().starts_with("Thank you for calling haven"),
        "{}",
        call.heard()
    );
    assert!(call.doc.children.iter().any(|v| v.name == "Hangup"));

    // Counselors' numbers and the caller's are not logged.
    server.stop().await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    for n in ["4155550123", "5555550111", "5555550112"] {
        assert!(!text.contains(n), "{n} is in the logs");
    }
}

#[tokio::test]
async fn no_counselor_answers_so_the_988_lifeline_is_offered_and_connected() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, Some(PHONES)).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(10), CALLER, HAVEN_NUMBER).await;
    call.press("6").await; // talk to a person
    call.dial_ended("no-answer").await;
    call.dial_ended("busy").await;
    let offer = call.heard();
    assert!(
        offer.contains("No counselor can answer right now"),
        "{offer}"
    );
    assert!(offer.contains("call 9 8 8 yourself"), "{offer}");
    assert_eq!(call.gather().attr("numDigits"), Some("1"));
    // Star says the offer again; 1 connects.
    call.press("*").await;
    assert_eq!(call.heard(), offer);
    call.press("1").await;
    let dial = call.dial();
    assert_eq!(dial.children[0].text, "+18002738255");
    assert_eq!(dial.attr("callerId"), Some(HAVEN_NUMBER));
    assert_eq!(dial.attr("record"), Some("do-not-record"));
    assert!(
        call.heard().contains("If the call drops, dial 9 8 8"),
        "{}",
        call.heard()
    );
}

#[tokio::test]
async fn out_of_hours_or_without_counselor_phones_the_lifeline_is_offered_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    // Counselor hours that are never now: a window of one minute, a day away from now.
    let far = chrono::Utc::now() + chrono::Duration::hours(12);
    let day = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        [chrono::Datelike::weekday(&far).num_days_from_monday() as usize];
    let hours = format!("{day} {}-{}", far.format("%H:00"), far.format("%H:01"));
    let toml = format!("{PHONES}\n[counselors]\ntime_zone = \"UTC\"\nhours = \"{hours}\"\n");
    let server = start(dir.path(), &fake, Some(&toml)).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(11), CALLER, HAVEN_NUMBER).await;
    call.say("can I talk to a counselor").await;
    assert!(
        call.doc.walk().iter().all(|v| v.name != "Dial"),
        "no dial out of hours"
    );
    assert!(
        call.heard().contains("No counselor can answer right now"),
        "{}",
        call.heard()
    );
    // 2: back to the menu.
    call.press("2").await;
    assert!(
        call.heard().contains("Press 1 for Someone is overdosing."),
        "{}",
        call.heard()
    );

    // Without any counselor phone, the same offer; "he's not breathing" still works there.
    let dir2 = tempfile::tempdir().unwrap();
    let server2 = start(dir2.path(), &fake, None).await;
    let mut call = FakeCall::dial_in(&server2.url, &call_sid(12), CALLER, HAVEN_NUMBER).await;
    call.say("I need to talk to someone").await;
    assert!(
        call.heard().contains("press 1 and I'll connect you"),
        "{}",
        call.heard()
    );
    call.say("he's not breathing").await;
    assert!(
        call.heard().starts_with("Call 9 1 1 now."),
        "{}",
        call.heard()
    );
}

#[tokio::test]
async fn a_spanish_caller_is_put_through_with_a_spanish_whisper() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let server = start(dir.path(), &fake, Some(PHONES)).await;
    let mut call = FakeCall::dial_in(&server.url, &call_sid(13), CALLER, HAVEN_NUMBER).await;
    call.say("quiero hablar con una persona").await;
    assert!(call.heard().contains("no cuelgue"), "{}", call.heard());
    let whisper = call
        .counselor_picks_up("CA000000000000000000000000000000b1")
        .await;
    assert!(whisper.all_text().contains("Habla español"), "{whisper:?}");
    let gather = whisper
        .children
        .iter()
        .find(|v| v.name == "Gather")
        .unwrap();
    assert_eq!(gather.attr("language"), Some("es-US"));
}

/// Copies a directory tree (flows with their concepts, locales).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn check_reports_texts_with_no_speakable_form_and_refuses_bad_voice_forms() {
    let dir = tempfile::tempdir().unwrap();
    let root = support::server::root();
    copy_tree(&root.join("flows"), &dir.path().join("flows"));
    copy_tree(&root.join("locales"), &dir.path().join("locales"));
    let clean = haven::check::check(&dir.path().join("flows"), &dir.path().join("locales"));
    assert!(clean.problems.is_empty(), "{:?}", clean.problems);
    assert!(clean.unspeakable.is_empty(), "{:?}", clean.unspeakable);

    let edit = |rel: &str, from: &str, to: &str| {
        let p = dir.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    // A web address and an emoji in a text a call says: reported, not refused.
    edit(
        "locales/en/menu.ftl",
        "menu-clarify = Is someone overdosing right now? If so, call 911 now. Thoughts of suicide: call or text 988, any time.",
        "menu-clarify = 🚨 Overdose now? Call 911. https://example.org/od",
    );
    let report = haven::check::check(&dir.path().join("flows"), &dir.path().join("locales"));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let note = report
        .unspeakable
        .iter()
        .find(|n| n.key == "menu-clarify")
        .expect("menu-clarify is reported");
    assert_eq!(note.lang, haven::Lang::En);
    assert_eq!(
        note.reasons,
        ["an emoji (🚨)", "a web address (https://example.org/od)"]
    );
    // A spoken form that cannot be spoken, one of no text, and one missing in a language.
    edit(
        "locales/en/voice.ftl",
        "menu-welcome-voice = Hi, this is haven.",
        "menu-welcome-voice = Hi, this is haven. Reply MENU.",
    );
    let extra = "\nnothing-here-voice = Hello.\nnaloxone-what-voice = Naloxone reverses an opioid overdose.\n";
    let p = dir.path().join("locales/en/voice.ftl");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(extra);
    std::fs::write(&p, text).unwrap();
    let report = haven::check::check(&dir.path().join("flows"), &dir.path().join("locales"));
    let messages: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(
        has(
            "text `menu-welcome-voice` (en) is the spoken form of `menu-welcome` but cannot be spoken: asks to type a word (\"Reply MENU\")"
        ),
        "{messages:#?}"
    );
    assert!(
        has("text `nothing-here-voice` is the spoken form of `nothing-here`, which is not a text"),
        "{messages:#?}"
    );
    assert!(
        has(
            "text `naloxone-what-voice` (the spoken form of `naloxone-what`) is missing in locale `es`"
        ),
        "{messages:#?}"
    );
    assert!(
        messages.iter().all(|m| m.contains("voice.ftl:")),
        "{messages:#?}"
    );
}

#[test]
fn chat_shows_what_a_caller_hears_and_which_keys_do_what() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("HAVEN_SECRET")
        .env("HAVEN_LOG", "warn")
        .args(["chat", "--channel", "voice", "--ephemeral"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"1\n*\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    // The opening, 911 first and slow, the Spanish voice, the menu, and the keys.
    let first = out.lines().find(|l| l.starts_with("haven says>")).unwrap();
    assert!(
        first.contains("(slowly) If someone is overdosing right now, call 9 1 1"),
        "{out}"
    );
    assert!(out.contains("[es voice] Oprima 7: Español."), "{out}");
    assert!(
        out.contains("keys>       1: Someone is overdosing"),
        "{out}"
    );
    assert!(
        out.contains("*: hear it again · 0: the overdose steps"),
        "{out}"
    );
    // 1, then star: the steps twice.
    assert_eq!(
        out.matches("(slowly) Step 1. Shout their name").count(),
        2,
        "{out}"
    );
    assert!(out.contains("1: Still not breathing"), "{out}");
}
