//! Property tests (issue 12): generated input, from random bytes to near-valid shapes, for
//! every parser a stranger or an operator's typo can reach.
//!
//! - The flow loader: any YAML is turned into `file:line:col: message` problems, never a panic;
//!   the shipped flows, mutated (lines deleted, duplicated, swapped, cut, tokens replaced), give
//!   problems or a set that loads and answers.
//! - Twilio: the inbound and status forms parse or are refused by field name (never quoting a
//!   number or the text); a signature holds for any form in any order and fails for any change
//!   of token, URL or parameter; through HTTP, any signed form gets 200 or 400, never a 5xx.
//! - Telegram: any body is an update or a "malformed update" (never quoting it); generated
//!   updates classify as what they are; through the webhook, any body is answered below 500.
//! - The web chat: any form posted to `/chat` and `/chat/exit`, with a real session or none,
//!   is answered below 500, never shows a visitor's markup unescaped, and a real message always
//!   gets a reply.
//!
//! Case counts are modest so CI stays fast (each test's count is in its `config` call); raise
//! them locally with `PROPTEST_CASES=N`. Cases that once failed are kept in
//! `tests/properties.proptest-regressions` and run first, every time.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use haven::channels::sms::{InboundSms, StatusCallback, signature};
use haven::channels::telegram::update::{Event, Input, classify};
use haven::channels::telegram::webhook::parse_update;
use haven::engine::{Channel, Content, Ctx, Engine};
use haven::runtime::Haven;
use haven::store::{Keys, MemoryStore};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestError, TestRunner};
use support::server::{TestServer, root};
use support::telegram_fake::{FakeTelegram, TOKEN};
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeTwilio};

/// A runner with `cases` cases (unless `PROPTEST_CASES` says otherwise), keeping failures.
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    TestRunner::new(Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        source_file: Some(file!()),
        ..Config::default()
    })
}

/// Runs `test` on `strategy`, failing with the minimal failing input.
fn check<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    match runner(cases).run(&strategy, test) {
        Ok(()) => {}
        Err(TestError::Fail(why, value)) => panic!("{why}\nminimal failing input: {value:#?}"),
        Err(e) => panic!("{e}"),
    }
}

/// Text people (and attackers) send: any Unicode, markup, escapes, control characters.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,60}",
        "[a-zA-Z0-9 <>&\"'%+=;#/\\\\\n\r\t\u{0}\u{202e}\u{feff}éñ¿💊]{0,80}",
        Just(String::new()),
        "(<zq>|</zq>|&amp;|&#x3c;|%3C|\\{|\\}|\\$\\{x\\}| ){1,8}",
    ]
}

// ---------------------------------------------------------------------------------------------
// The flow loader.

/// Every problem reads `file:line:col: message`, naming a file under `dirs`.
fn well_formed(problems: &[haven::problem::Problem], dirs: &[&Path]) -> Result<(), TestCaseError> {
    for p in problems {
        let shown = p.to_string();
        prop_assert!(
            dirs.iter().any(|d| p.file.starts_with(d)),
            "problem about a file elsewhere: {shown}"
        );
        let rest = shown
            .strip_prefix(&p.file.display().to_string())
            .unwrap_or("");
        let mut parts = rest.splitn(4, ':');
        prop_assert_eq!(parts.next(), Some(""), "{}", shown);
        let line = parts.next().and_then(|l| l.parse::<u32>().ok());
        let col = parts.next().and_then(|c| c.parse::<u32>().ok());
        prop_assert!(
            line.is_some_and(|l| l >= 1) && col.is_some_and(|c| c >= 1),
            "no line:col in {}",
            shown
        );
        prop_assert!(
            parts.next().is_some_and(|m| m.trim().len() > 1),
            "no message in {}",
            shown
        );
    }
    Ok(())
}

/// YAML trees made of the flow format's own words, so generated files get past the parser
/// and into validation. (JSON is YAML, and serde_json writes it.)
fn flow_like() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let words = prop_oneof![
        Just("flow"),
        Just("steps"),
        Just("id"),
        Just("say"),
        Just("next"),
        Just("triggers"),
        Just("intent"),
        Just("priority"),
        Just("words"),
        Just("patterns"),
        Just("unless"),
        Just("en"),
        Just("es"),
        Just("choices"),
        Just("label"),
        Just("capture"),
        Just("var"),
        Just("kind"),
        Just("invalid"),
        Just("branch"),
        Just("when"),
        Just("is"),
        Just("otherwise"),
        Just("actions"),
        Just("handoff"),
        Just("refer"),
        Just("set"),
        Just("lang"),
        Just("end"),
        Just("start"),
        Just("rules"),
        Just("concepts"),
        Just("sms_segments"),
        Just("urgent"),
        Just("fallback"),
    ]
    .prop_map(str::to_owned);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        words.clone().prop_map(Value::String),
        any_text().prop_map(Value::String),
        "[a-z]{1,8}(-[a-z]{1,8})?".prop_map(Value::String),
        "\\(?[a-z|\\\\w+ {},.*?\\[\\]]{0,20}\\)?".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop_oneof![words.clone(), "[a-z_]{1,6}"], inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

#[test]
fn any_yaml_is_problems_never_a_panic() {
    let text = prop_oneof![
        any_text(),
        prop::collection::vec(any::<u8>(), 0..300)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "(flow: [a-z]{0,5}\n|steps:\n|  - id: [a-z]{0,4}\n|    say: [a-z-]{0,8}\n|    next: [a-z]{0,4}\n|triggers:\n|  - intent: [a-z]{0,5}\n|&a [a-z]{0,3}\n|\\*a\n|<<: \\*a\n|!!binary [a-z]{0,4}\n|--- \n|\\? \\[\n|\t\n| {0,6}- \\{\\}\n){0,14}",
        flow_like().prop_map(|v| serde_json::to_string_pretty(&v).unwrap()),
    ];
    check(192, text, |yaml| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("flow.yaml"), &yaml).unwrap();
        let loaded = haven::flows::load_dir(dir.path());
        well_formed(&loaded.problems, &[dir.path()])?;
        prop_assert!(
            loaded.flows.is_some() || !loaded.problems.is_empty(),
            "no flows and no problem"
        );
        Ok(())
    });
}

/// A copy of the shipped flows with one file changed.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLines { at: usize, n: usize },
    DuplicateLine { at: usize },
    SwapLines { a: usize, b: usize },
    CutAt { at: usize },
    ReplaceToken { at: usize, with: String },
    Insert { at: usize, text: String },
}

fn mutation() -> impl Strategy<Value = (usize, Mutation)> {
    let m = prop_oneof![
        (any::<usize>(), 1usize..4).prop_map(|(at, n)| Mutation::DeleteLines { at, n }),
        any::<usize>().prop_map(|at| Mutation::DuplicateLine { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::CutAt { at }),
        (
            any::<usize>(),
            prop_oneof![
                Just("next".to_owned()),
                Just("say".to_owned()),
                Just("- ".to_owned()),
                Just(":".to_owned()),
                Just("[".to_owned()),
                Just("\"".to_owned()),
                Just("emergency".to_owned()),
                Just("(".to_owned()),
                Just("\\".to_owned()),
                Just("99999999999999999999".to_owned()),
                "[a-z-]{1,10}",
            ]
        )
            .prop_map(|(at, with)| Mutation::ReplaceToken { at, with }),
        (any::<usize>(), any_text()).prop_map(|(at, text)| Mutation::Insert { at, text }),
    ];
    (any::<usize>(), m)
}

fn apply(source: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = source.lines().collect();
    let n = lines.len().max(1);
    let owned: String;
    match m {
        Mutation::DeleteLines { at, n: k } => {
            let at = at % n;
            let end = (at + k).min(lines.len());
            lines.drain(at.min(lines.len())..end);
        }
        Mutation::DuplicateLine { at } => {
            if !lines.is_empty() {
                let at = at % lines.len();
                lines.insert(at, lines[at]);
            }
        }
        Mutation::SwapLines { a, b } => {
            if !lines.is_empty() {
                let (a, b) = (a % lines.len(), b % lines.len());
                lines.swap(a, b);
            }
        }
        Mutation::CutAt { at } => {
            let mut at = at % (source.len() + 1);
            while !source.is_char_boundary(at) {
                at -= 1;
            }
            return source[..at].to_owned();
        }
        Mutation::ReplaceToken { at, with } => {
            let tokens: Vec<(usize, &str)> = source
                .match_indices(|c: char| c.is_alphanumeric() || c == '-' || c == '_')
                .collect();
            if tokens.is_empty() {
                return source.to_owned();
            }
            // The word around a random letter.
            let (i, _) = tokens[at % tokens.len()];
            let start = source[..i]
                .rfind(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .map_or(0, |s| s + 1);
            let end = source[i..]
                .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .map_or(source.len(), |e| i + e);
            owned = format!("{}{with}{}", &source[..start], &source[end..]);
            return owned;
        }
        Mutation::Insert { at, text } => {
            let mut at = at % (source.len() + 1);
            while !source.is_char_boundary(at) {
                at -= 1;
            }
            return format!("{}{text}{}", &source[..at], &source[at..]);
        }
    }
    lines.join("\n")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The shipped flow files (conversations and concepts).
fn shipped_flow_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [root().join("flows"), root().join("flows/concepts")] {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn mutated_shipped_flows_are_problems_or_a_working_set_never_a_panic() {
    let files = shipped_flow_files();
    let locales = root().join("locales");
    check(48, mutation(), |(which, m)| {
        let dir = tempfile::tempdir().unwrap();
        let flows = dir.path().join("flows");
        copy_dir(&root().join("flows"), &flows);
        let original = &files[which % files.len()];
        let target = flows.join(original.strip_prefix(root().join("flows")).unwrap());
        let source = std::fs::read_to_string(original).unwrap();
        std::fs::write(&target, apply(&source, &m)).unwrap();
        let report = haven::check::check(&flows, &locales);
        well_formed(&report.problems, &[&flows, &locales])?;
        if report.problems.is_empty() {
            // No problem found means it runs: the engine loads and answers.
            let engine = Engine::load(&flows, &locales);
            prop_assert!(engine.is_ok(), "check passed but the engine refused");
            let haven = Haven::new(
                Arc::new(engine.unwrap()),
                Arc::new(MemoryStore::new()),
                Keys::from_secret(b"property-test-secret").unwrap(),
                3600,
            );
            for (i, said) in ["hi", "my friend won't wake up", "1", "narcan", "stop"]
                .iter()
                .enumerate()
            {
                haven
                    .handle(
                        Channel::Sms,
                        "+15550000001",
                        Content::Text(said),
                        1_700_000_000 + i as i64,
                        &Ctx::default(),
                    )
                    .unwrap();
            }
        }
        Ok(())
    });
}

/// Found by the test above: the shipped emergency flow cut after its triggers (no `steps:`)
/// made `haven check` and `Engine::load` panic while marking the first emergency text.
#[test]
fn r12_an_emergency_flow_cut_after_its_triggers_is_a_problem_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows");
    copy_dir(&root().join("flows"), &flows);
    let source = std::fs::read_to_string(root().join("flows/emergency.yaml")).unwrap();
    let cut = &source[..source.find("\nsteps:").expect("the flow has steps")];
    std::fs::write(flows.join("emergency.yaml"), cut).unwrap();
    let report = haven::check::check(&flows, &root().join("locales"));
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.file.ends_with("emergency.yaml") && p.message == "flow has no steps"),
        "{:?}",
        report.problems
    );
}

// ---------------------------------------------------------------------------------------------
// Twilio.

/// A form of Twilio's field names (and others) with generated values, in random order.
fn twilio_form() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("MessageSid"),
        Just("SmsMessageSid"),
        Just("AccountSid"),
        Just("MessagingServiceSid"),
        Just("From"),
        Just("To"),
        Just("Body"),
        Just("NumMedia"),
        Just("MessageStatus"),
        Just("ErrorCode"),
        Just("SmsStatus"),
    ]
    .prop_map(str::to_owned);
    let value = prop_oneof![
        any_text(),
        "SM[0-9a-f]{32}",
        "AC[0-9a-f]{32}",
        "MG[0-9a-f]{0,33}",
        "\\+?[0-9]{0,16}",
        "[0-9]{1,7}",
        Just(ACCOUNT_SID.to_owned()),
        Just("delivered".to_owned()),
        Just("undelivered".to_owned()),
        Just("21610".to_owned()),
    ];
    prop::collection::vec((prop_oneof![4 => name, 1 => any_text()], value), 0..12)
}

fn encode(form: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish()
}

#[test]
fn twilio_forms_parse_or_are_refused_by_field_never_quoting_them() {
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        twilio_form().prop_map(|f| encode(&f).into_bytes()),
    ];
    check(512, body, |body| {
        let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        let secrets: Vec<&String> = form
            .iter()
            .filter(|(k, v)| matches!(k.as_str(), "From" | "To" | "Body") && v.chars().count() >= 6)
            .map(|(_, v)| v)
            .collect();
        if let Err(e) = InboundSms::parse(&body) {
            let why = e.to_string();
            for s in &secrets {
                prop_assert!(
                    !why.contains(s.as_str()),
                    "the error quotes a value: {}",
                    why
                );
            }
        }
        if let Err(e) = StatusCallback::parse(&body) {
            let why = e.to_string();
            for s in &secrets {
                prop_assert!(
                    !why.contains(s.as_str()),
                    "the error quotes a value: {}",
                    why
                );
            }
        }
        Ok(())
    });
}

#[test]
fn a_valid_inbound_form_reads_back_as_sent_in_any_order() {
    let form = (
        "[0-9a-f]{32}",
        "\\+1[0-9]{10}",
        any_text(),
        prop::collection::vec(("[A-Z][a-z]{2,8}", any_text()), 0..4),
        any::<u64>(),
    );
    check(256, form, |(sid, from, body, extra, shuffle)| {
        let mut fields = vec![
            ("MessageSid".to_owned(), format!("SM{sid}")),
            ("AccountSid".to_owned(), ACCOUNT_SID.to_owned()),
            ("From".to_owned(), from.clone()),
            ("To".to_owned(), "+15555550100".to_owned()),
            ("Body".to_owned(), body.clone()),
        ];
        fields.extend(
            extra
                .into_iter()
                .filter(|(k, _)| !["From", "Body", "To"].contains(&k.as_str())),
        );
        let n = fields.len();
        fields.rotate_left((shuffle as usize) % n);
        let parsed = InboundSms::parse(encode(&fields).as_bytes());
        prop_assert!(parsed.is_ok(), "refused: {:?}", parsed.err());
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.message_sid, format!("SM{sid}"));
        prop_assert_eq!(parsed.from.as_str(), from.as_str());
        prop_assert_eq!(parsed.body, body);
        Ok(())
    });
}

#[test]
fn a_signature_holds_for_any_form_in_any_order_and_fails_for_any_change() {
    let case = (
        "[ -~]{1,40}",
        prop_oneof![
            "https://[a-z]{1,10}\\.example\\.org(:[0-9]{1,5})?/[a-z/]{0,20}",
            "https://h\\.example\\.org/sms\\?[a-z]{1,5}=[a-z0-9%]{0,8}(&[a-z]=[0-9]{0,3}){0,3}",
        ],
        prop::collection::vec((any_text(), any_text()), 0..8),
        any::<u64>(),
        any_text(),
    );
    check(384, case, |(token, url, form, shuffle, junk)| {
        let body = encode(&form);
        let sig = signature::sign(&token, &url, body.as_bytes()).unwrap();
        prop_assert!(signature::validate(&token, &url, body.as_bytes(), Some(&sig)).is_ok());
        // Twilio sorts the parameters: their order in the body does not matter.
        let mut reordered = form.clone();
        if !reordered.is_empty() {
            let n = reordered.len();
            reordered.rotate_left(shuffle as usize % n);
            reordered.reverse();
        }
        prop_assert!(
            signature::validate(&token, &url, encode(&reordered).as_bytes(), Some(&sig)).is_ok()
        );
        // Any change is caught.
        let other_token = format!("{token}x");
        prop_assert!(signature::validate(&other_token, &url, body.as_bytes(), Some(&sig)).is_err());
        let other_url = format!("{url}x");
        prop_assert!(signature::validate(&token, &other_url, body.as_bytes(), Some(&sig)).is_err());
        let mut added = form.clone();
        added.push(("Body".into(), format!("{junk}!")));
        prop_assert!(
            signature::validate(&token, &url, encode(&added).as_bytes(), Some(&sig)).is_err()
        );
        if let Some((k, v)) = form.first() {
            let mut changed = form.clone();
            changed[0] = (k.clone(), format!("{v}\u{0}"));
            if changed.iter().filter(|p| *p == &changed[0]).count() == 1 {
                prop_assert!(
                    signature::validate(&token, &url, encode(&changed).as_bytes(), Some(&sig))
                        .is_err()
                );
            }
        }
        // Whatever the header says, a refusal and never a panic.
        prop_assert!(signature::validate(&token, &url, body.as_bytes(), Some(&junk)).is_err());
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Telegram.

/// Update JSON: well-formed messages and buttons with generated fields, and the same with
/// fields removed, retyped or added.
fn telegram_update() -> impl Strategy<Value = (serde_json::Value, Option<(i64, String)>)> {
    use serde_json::json;
    let private = (any::<i32>(), any::<i64>(), any_text(), any::<u32>()).prop_map(
        |(update_id, chat, text, message_id)| {
            let chat = chat.checked_abs().unwrap_or(1).max(1);
            (
                json!({"update_id": update_id.unsigned_abs(), "message": {
                    "message_id": message_id, "date": 1_700_000_000,
                    "from": {"id": chat, "is_bot": false, "first_name": "A"},
                    "chat": {"id": chat, "type": "private", "first_name": "A"},
                    "text": text}}),
                Some((chat, text)),
            )
        },
    );
    let odd = (
        any::<i64>(),
        prop_oneof![
            Just("group"),
            Just("supergroup"),
            Just("channel"),
            Just("private"),
            Just("secret")
        ],
        any_text(),
        prop_oneof![
            Just("message"),
            Just("edited_message"),
            Just("callback_query"),
            Just("my_chat_member"),
            Just("channel_post"),
            Just("poll")
        ],
        any::<bool>(),
    )
        .prop_map(|(id, kind, text, field, bot)| {
            (
                json!({"update_id": 5, field: {
                    "message_id": 1, "date": 0, "id": text.clone(), "data": text,
                    "from": {"id": id, "is_bot": bot, "first_name": ""},
                    "chat": {"id": id, "type": kind},
                    "message": {"message_id": 2, "date": 0, "chat": {"id": id, "type": kind}},
                    "location": {"latitude": id as f64, "longitude": -1e308},
                    "new_chat_member": {"status": "kicked", "user": {"id": id, "is_bot": false, "first_name": ""}}
                }}),
                None,
            )
        });
    prop_oneof![private, odd]
}

#[test]
fn any_telegram_body_is_an_update_or_malformed_never_a_panic() {
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        any_text().prop_map(String::into_bytes),
        telegram_update().prop_map(|(v, _)| v.to_string().into_bytes()),
        (telegram_update(), any::<usize>(), any::<u8>()).prop_map(|((v, _), at, b)| {
            // A byte changed anywhere in an otherwise good update.
            let mut s = v.to_string().into_bytes();
            let at = at % s.len();
            s[at] = b;
            s
        }),
    ];
    check(512, body, |body| {
        match parse_update(&body) {
            Ok(update) => {
                let _ = classify(&update);
            }
            Err(why) => {
                prop_assert!(why.starts_with("malformed update: "), "{}", why);
                prop_assert!(
                    why.len() < 120,
                    "the reason never carries the body: {}",
                    why
                );
            }
        }
        Ok(())
    });
}

#[test]
fn a_private_text_message_is_that_persons_message_whatever_it_says() {
    check(256, telegram_update(), |(v, expected)| {
        let update = parse_update(v.to_string().as_bytes());
        let Some((chat, text)) = expected else {
            if let Ok(u) = update {
                let _ = classify(&u);
            }
            return Ok(());
        };
        prop_assert!(update.is_ok(), "{:?}", update.err());
        prop_assert_eq!(
            classify(&update.unwrap()),
            Event::Message {
                chat_id: chat,
                input: Input::Text(text)
            }
        );
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Through HTTP: the SMS and Telegram webhooks and the web chat of a real server.

const TG_SECRET: &str = "prop_Secret-0123456789-abcdefghijklmn";

struct Live {
    rt: tokio::runtime::Runtime,
    server: TestServer,
    _twilio: FakeTwilio,
    _telegram: FakeTelegram,
    _dir: tempfile::TempDir,
}

fn live() -> Live {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (server, twilio, telegram) = rt.block_on(async {
        let twilio = FakeTwilio::start().await;
        let telegram = FakeTelegram::start().await;
        let server = TestServer::start(
            dir.path(),
            &[
                ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID),
                ("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN),
                ("HAVEN_TWILIO_FROM", "+15555550100"),
                ("HAVEN_TWILIO_API_URL", &twilio.url),
                ("HAVEN_TELEGRAM_TOKEN", TOKEN),
                ("HAVEN_TELEGRAM_API_URL", &telegram.url),
                (
                    "HAVEN_TELEGRAM_WEBHOOK_URL",
                    "https://haven.example.org/telegram/webhook",
                ),
                ("HAVEN_TELEGRAM_SECRET", TG_SECRET),
                ("HAVEN_RATE_LIMIT", "1000000"),
            ],
        )
        .await;
        (server, twilio, telegram)
    });
    Live {
        rt,
        server,
        _twilio: twilio,
        _telegram: telegram,
        _dir: dir,
    }
}

#[test]
fn any_signed_sms_webhook_is_answered_200_or_400_and_any_unsigned_one_403() {
    let live = live();
    let http = reqwest::Client::new();
    let url = format!("{}/sms/twilio", live.server.url);
    let case = (twilio_form(), any::<bool>(), any_text());
    check(96, case, |(form, signed, junk)| {
        let body = encode(&form);
        let sig = if signed {
            signature::sign(AUTH_TOKEN, &url, body.as_bytes()).unwrap()
        } else {
            // Anything a header can carry.
            junk.chars()
                .filter(|c| c.is_ascii_graphic() || *c == ' ')
                .collect()
        };
        let (status, text) = live.rt.block_on(async {
            let r = http
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-twilio-signature", sig)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        });
        if signed {
            prop_assert!(
                [200, 400, 403].contains(&status),
                "{} for a signed form: {}",
                status,
                text
            );
            if status == 400 {
                for (k, v) in &form {
                    if matches!(k.as_str(), "From" | "Body") && v.chars().count() >= 6 {
                        prop_assert!(!text.contains(v.as_str()), "400 quotes a value: {}", text);
                    }
                }
            }
        } else {
            prop_assert_eq!(status, 403, "{}", text);
        }
        Ok(())
    });
}

#[test]
fn any_telegram_webhook_body_is_answered_below_500() {
    let live = live();
    let http = reqwest::Client::new();
    let url = format!("{}/telegram/webhook", live.server.url);
    let body = prop_oneof![
        any_text().prop_map(String::into_bytes),
        telegram_update().prop_map(|(v, _)| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
    ];
    check(96, body, |body| {
        let status = live.rt.block_on(async {
            http.post(&url)
                .header("content-type", "application/json")
                .header("X-Telegram-Bot-Api-Secret-Token", TG_SECRET)
                .body(body.clone())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
        prop_assert!(
            status < 500,
            "{} for {:?}",
            status,
            String::from_utf8_lossy(&body)
        );
        Ok(())
    });
}

/// A web chat visitor's post: which fields, with what, and how it is sent.
#[derive(Debug, Clone)]
struct WebPost {
    csrf: Option<bool>,
    text: Option<String>,
    choice: Option<String>,
    history: Vec<String>,
    choices: Vec<String>,
    refresh: bool,
    json: bool,
    cookie: u8,
    other: Vec<(String, String)>,
}

fn web_post() -> impl Strategy<Value = WebPost> {
    (
        prop::option::of(any::<bool>()),
        prop::option::of(any_text()),
        prop::option::of(any_text()),
        prop::collection::vec(any_text(), 0..4),
        prop::collection::vec(any_text(), 0..4),
        any::<bool>(),
        any::<bool>(),
        0u8..4,
        prop::collection::vec(("[a-z]{1,6}", any_text()), 0..3),
    )
        .prop_map(
            |(csrf, text, choice, history, choices, refresh, json, cookie, other)| WebPost {
                csrf,
                text,
                choice,
                history,
                choices,
                refresh,
                json,
                cookie,
                other,
            },
        )
}

#[test]
fn any_web_chat_form_is_answered_below_500_without_echoing_markup() {
    let live = live();
    let url = live.server.url.clone();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A real visitor: their cookie and token.
    let (cookie, token) = live.rt.block_on(async {
        let r = http.get(format!("{url}/")).send().await.unwrap();
        let cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let html = r.text().await.unwrap();
        let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        (cookie, html[at..].split('"').next().unwrap().to_owned())
    });
    let case = (
        web_post(),
        prop_oneof![3 => Just("/chat"), 1 => Just("/chat/exit")],
    );
    check(128, case, |(post, path)| {
        let mut fields: Vec<(String, String)> = Vec::new();
        match post.csrf {
            Some(true) => fields.push(("csrf".into(), token.clone())),
            Some(false) => fields.push(("csrf".into(), "forged".into())),
            None => {}
        }
        for h in &post.history {
            fields.push(("h".into(), h.clone()));
        }
        for c in &post.choices {
            fields.push(("c".into(), c.clone()));
        }
        if let Some(c) = &post.choice {
            fields.push(("choice".into(), c.clone()));
        }
        if post.refresh {
            fields.push(("refresh".into(), "1".into()));
        }
        fields.extend(post.other.iter().cloned());
        if let Some(t) = &post.text {
            fields.push(("text".into(), t.clone()));
        }
        // The visitor's own cookie (never sent to /chat/exit, which would end it), another
        // one made up, a damaged one, or none.
        let cookie_header = match (post.cookie, path) {
            (0, "/chat") => Some(cookie.clone()),
            (1, _) => Some("haven_chat=made-up".to_owned()),
            (2, _) => Some(format!("{cookie}x")),
            _ => None,
        };
        let (status, kind, body) = live.rt.block_on(async {
            let mut r = http
                .post(format!("{url}{path}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", &url)
                .header("sec-fetch-site", "same-origin")
                .body(encode(&fields));
            if post.json {
                r = r.header("accept", "application/json");
            }
            if let Some(c) = &cookie_header {
                r = r.header("cookie", c);
            }
            let r = r.send().await.unwrap();
            let kind = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            (r.status().as_u16(), kind, r.text().await.unwrap())
        });
        prop_assert!(status < 500, "{} {}", status, body);
        if kind.starts_with("text/html") {
            prop_assert!(
                !body.contains("<zq>") && !body.contains("</zq>"),
                "a visitor's markup shown unescaped"
            );
        }
        if kind.starts_with("application/json") {
            let v: Result<serde_json::Value, _> = serde_json::from_str(&body);
            prop_assert!(v.is_ok(), "not JSON: {}", body);
        }
        // A real message from a real session always gets an answer.
        let real = path == "/chat"
            && post.cookie == 0
            && post.csrf == Some(true)
            && post.choice.is_none()
            && !post.refresh
            && post.json
            && post
                .text
                .as_ref()
                .is_some_and(|t| !t.trim().is_empty() && t.chars().count() <= 2000);
        if real {
            prop_assert_eq!(status, 200, "{}", body);
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            prop_assert!(
                v["replies"].as_array().is_some_and(|r| !r.is_empty()),
                "no reply to a real message: {}",
                body
            );
        }
        Ok(())
    });
}
