//! Crash safety, proven (issue 12): a real `haven serve` process under real HTTP load is
//! SIGKILLed at random points several times and restarted on the same data dir.
//!
//! The load: signed Twilio webhooks from many people (overdoses and naloxone questions, whose
//! later reply parts go through the SMS outbox; requests for a counselor, which open tickets;
//! greetings), some of them delivered twice at once or again right after their answer; web chat
//! visitors in long conversations; and a counselor in the console claiming tickets and replying.
//! After every kill the test opens the data dir itself and checks, and at the end it reads what
//! the Twilio stand-in received:
//!
//! 1. **Tickets.** Every ticket whose request was answered exists after every crash. (And every
//!    SMS person who was answered has a session: an SMS answer waits for a flush.)
//! 2. **Texts.** Every outbox text that was acknowledged (later parts of an answered webhook,
//!    counselor replies) reaches the stand-in exactly once. "Exactly once" at the stand-in means
//!    once per idempotency key, which the outbox puts on every attempt at a text (see
//!    `channels::sms::outbox`); the stand-in answers a repeated key without sending again and
//!    counts it, and the test reports that count: the texts a crash made haven try twice. A
//!    person whose requests were all answered gets each expected text once, never twice; a
//!    request cut off by a crash may add one more copy of its own texts (a duplicate beats a
//!    lost reply), and nothing is ever missing.
//! 3. **Deliveries.** No delivery (same `MessageSid`) is answered twice: not when two copies
//!    arrive at once, not when it is repeated after its answer, and not when Twilio retries it
//!    after a restart, including the deliveries answered in the last moments before the kill
//!    (the window messaging::dedup used to leave open).
//! 4. **Sessions.** A web session loses nothing acknowledged before the last durable write the
//!    test saw answered (an SMS answer flushes everything written before it). How stale a
//!    session was at each crash (the age of the oldest acknowledged update it lost) is measured
//!    and reported against the documented 500 ms, not asserted: a wall-clock bound on a shared
//!    2-core machine would be a flaky test.
//!
//! Knobs: `HAVEN_CRASH_SEED` (kill times, mixes; printed on every run) and `HAVEN_CRASH_KILLS`
//! (default 4). Run with `--nocapture` to see the figures.

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use haven::channels::sms::signature;
use haven::channels::sms::webhook::MAX_SEGMENTS_PER_MESSAGE;
use haven::channels::web::WebChat;
use haven::config::Config;
use haven::counselors::console::accounts::Accounts;
use haven::engine::{Availability, Channel, Content, Ctx, Engine};
use haven::runtime::Haven;
use haven::store::{Keys, MemoryStore, Pseudonym};
use haven::text::split_for_sms;
use support::process::{Process, SECRET, Setup, open_db};
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, SentSms};

const COUNSELOR: &str = "maria";
const PASSWORD: &str = "correct horse battery";

/// What people send over SMS, one message each from a new number.
struct Kind {
    text: &'static str,
    /// Opens a counselor ticket.
    ticket: bool,
}

const KINDS: &[Kind] = &[
    Kind {
        text: "my friend won't wake up",
        ticket: false,
    },
    Kind {
        text: "how do i use narcan",
        ticket: false,
    },
    Kind {
        text: "can i talk to a counselor",
        ticket: true,
    },
    Kind {
        text: "hi",
        ticket: false,
    },
];

/// What web visitors say, in turn.
const WEB_SAYS: &[&str] = &[
    "hi",
    "how do i use narcan",
    "2",
    "what is fentanyl",
    "1",
    "thanks",
];

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Digits masked, so a queue position ("You're number 3 in line") compares equal to any other.
fn masked(s: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// What haven answers a new person for each kind: the first part (TwiML) and the later parts
/// (outbox), from the same engine and texts, with digits masked.
struct Oracle {
    first: Vec<String>,
    rest: Vec<Vec<String>>,
}

impl Oracle {
    fn new() -> Oracle {
        let root = support::server::root();
        let engine = Arc::new(
            Engine::load(&root.join("flows"), &root.join("locales")).expect("shipped flows load"),
        );
        let haven = Haven::new(
            engine.clone(),
            Arc::new(MemoryStore::new()),
            Keys::from_secret(SECRET.as_bytes()).unwrap(),
            3600,
        );
        let ctx = Ctx {
            counselors: Availability::Available,
            referrals: None,
        };
        let (mut first, mut rest) = (Vec::new(), Vec::new());
        for (i, kind) in KINDS.iter().enumerate() {
            let h = haven
                .handle(
                    Channel::Sms,
                    &format!("+1555000{i:04}"),
                    Content::Text(kind.text),
                    haven::runtime::now(),
                    &ctx,
                )
                .unwrap();
            let mut texts: Vec<String> = h.outcome.replies.iter().map(|r| r.plain()).collect();
            if kind.ticket {
                // messaging::deliver adds the person's place in the queue to a new ticket's
                // answer; its digits are masked below.
                texts.push(engine.texts.render(
                    h.outcome.session.lang,
                    "handoff-position",
                    &[("position", "1"), ("minutes", "10")],
                ));
            }
            let parts: Vec<String> = texts
                .iter()
                .flat_map(|t| split_for_sms(t, MAX_SEGMENTS_PER_MESSAGE))
                .map(|p| masked(&p))
                .collect();
            first.push(parts[0].clone());
            rest.push(parts[1..].to_vec());
        }
        Oracle { first, rest }
    }
}

/// One signed webhook, kept to be sent again (Twilio's retries use the same signed request).
#[derive(Clone)]
struct Delivery {
    phone: String,
    kind: usize,
    body: String,
    sig: String,
}

impl Delivery {
    fn new(url: &str, n: u64, kind: usize) -> Delivery {
        let phone = format!("+1444{:07}", n);
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("MessageSid", &format!("SM{n:032x}"))
            .append_pair("AccountSid", ACCOUNT_SID)
            .append_pair("From", &phone)
            .append_pair("To", support::process::HAVEN_NUMBER)
            .append_pair("Body", KINDS[kind].text)
            .finish();
        let sig = signature::sign(AUTH_TOKEN, &format!("{url}/sms/twilio"), body.as_bytes())
            .expect("signs");
        Delivery {
            phone,
            kind,
            body,
            sig,
        }
    }
}

/// What a webhook got back.
#[derive(Debug, PartialEq)]
enum Answer {
    /// TwiML with a message (the delivery was handled).
    Reply(String),
    /// Empty TwiML (a duplicate).
    Empty,
}

async fn post(http: &reqwest::Client, url: &str, d: &Delivery) -> Result<Answer, String> {
    let r = http
        .post(format!("{url}/sms/twilio"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", &d.sig)
        .body(d.body.clone())
        .send()
        .await
        .map_err(|e| format!("connection: {e}"))?;
    let status = r.status().as_u16();
    let xml = r.text().await.map_err(|e| format!("body: {e}"))?;
    if status != 200 {
        return Err(format!("HTTP {status}: {xml}"));
    }
    Ok(match xml.split_once("<Message>") {
        None => Answer::Empty,
        Some((_, m)) => Answer::Reply(unescape(m.split("</Message>").next().unwrap_or(""))),
    })
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// An answered delivery.
#[derive(Clone)]
struct Answered {
    d: Delivery,
    sent_at: Instant,
    acked_at: Instant,
    phase: usize,
}

/// Everything the load saw, shared by the workers.
#[derive(Default)]
struct Record {
    answered: Vec<Answered>,
    /// Deliveries cut off by a kill (no answer): Twilio would retry them. The flag says
    /// whether the test found the delivery's claim on disk after the kill.
    cut_off: Vec<(Delivery, bool)>,
    /// People with a request whose effects may have happened without an answer.
    uncertain: HashMap<String, Vec<usize>>,
    /// People whose retry after a crash was answered as a duplicate (its claim was on disk):
    /// the first attempt's effects were durable, its answer was lost.
    retried_as_duplicate: Vec<Delivery>,
    /// Retries handled again (no claim on disk) that got no reply: the first attempt had left
    /// part of its effects (a ticket: the retry is relayed to the counselor).
    retried_silent: u64,
    /// Repeats of answered deliveries, and how many of them got a second answer.
    repeats: u64,
    answered_twice: Vec<String>,
    /// Twin deliveries (two copies at once) where both were answered.
    twins: u64,
    /// Wrong first parts (the oracle and the server disagree).
    wrong_first: Vec<String>,
    /// Answers that were not 200 while the server was up.
    http_errors: Vec<String>,
    sms_requests: u64,
    web_requests: u64,
    console_requests: u64,
    /// Acknowledged counselor replies: note number → ticket.
    notes: BTreeMap<u64, u64>,
    /// Counselor replies cut off by a kill.
    notes_cut_off: HashSet<u64>,
}

/// A web chat visitor, kept across restarts (the cookie outlives the process).
struct Visitor {
    http: reqwest::Client,
    cookie: Option<String>,
    csrf: String,
    /// The session's turn count as last read from disk (or 0).
    base: u32,
    /// Turn count after each acknowledged message since `base`, with when it was acknowledged.
    acks: Vec<(u32, Instant)>,
    said: usize,
}

impl Visitor {
    fn new() -> Visitor {
        Visitor {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
            csrf: String::new(),
            base: 0,
            acks: Vec::new(),
            said: 0,
        }
    }

    fn turns(&self) -> u32 {
        self.acks.last().map_or(self.base, |a| a.0)
    }

    fn remember(&mut self, r: &reqwest::Response) {
        if let Some(c) = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()) {
            self.cookie = Some(c.split(';').next().unwrap_or("").to_owned());
        }
    }

    async fn arrive(&mut self, url: &str) -> Result<(), String> {
        let r = self
            .http
            .get(format!("{url}/"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        self.remember(&r);
        let html = r.text().await.map_err(|e| e.to_string())?;
        let at = html.find("name=\"csrf\" value=\"").ok_or("no csrf field")? + 19;
        self.csrf = html[at..].split('"').next().unwrap_or("").to_owned();
        Ok(())
    }

    /// One message, as the page's script posts it. `Ok(true)`: handled by the engine.
    async fn say(&mut self, url: &str, text: &str) -> Result<bool, String> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf", &self.csrf)
            .append_pair("text", text)
            .finish();
        let mut req = self
            .http
            .post(format!("{url}/chat"))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", url)
            .header("sec-fetch-site", "same-origin")
            .body(body);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await.map_err(|e| e.to_string())?;
        self.remember(&r);
        let status = r.status().as_u16();
        let v: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
        if let Some(t) = v["csrf"].as_str() {
            self.csrf = t.to_owned();
        }
        let replied = v["replies"].as_array().is_some_and(|a| !a.is_empty());
        Ok(status == 200 && replied && v["error"].is_null())
    }

    /// The visitor's pseudonym, from the cookie (the same keys haven derives).
    fn who(&self, web: &WebChat, keys: &Keys) -> Option<Pseudonym> {
        let value = self.cookie.as_deref()?.split_once('=')?.1;
        let address = web.address_from_cookie(value)?;
        Some(keys.pseudonym(Channel::Web, &address))
    }
}

/// A counselor's browser on the console.
struct Counselor {
    http: reqwest::Client,
    cookies: HashMap<String, String>,
    replied: HashSet<u64>,
}

fn field(html: &str, name: &str) -> Option<String> {
    let key = format!("name=\"{name}\" value=\"");
    let start = html.find(&key)? + key.len();
    Some(html[start..].split('"').next()?.to_owned())
}

impl Counselor {
    fn new() -> Counselor {
        Counselor {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            replied: HashSet::new(),
        }
    }

    async fn request(
        &mut self,
        url: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Result<(u16, String, String), String> {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = match form {
            None => self.http.get(format!("{url}{path}")),
            Some(f) => self
                .http
                .post(format!("{url}{path}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", url)
                .body(
                    form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(f)
                        .finish(),
                ),
        };
        req = req.header("cookie", cookie);
        let r = req.send().await.map_err(|e| e.to_string())?;
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap_or("");
            let kv = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = kv.split_once('=') {
                if val.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), val.to_owned());
                }
            }
        }
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_owned();
        Ok((status, location, r.text().await.map_err(|e| e.to_string())?))
    }

    async fn login(&mut self, url: &str) -> Result<(), String> {
        self.cookies.clear();
        let (_, _, page) = self.request(url, "/console/login", None).await?;
        let csrf = field(&page, "csrf").ok_or("no csrf on the login page")?;
        let (status, _, _) = self
            .request(
                url,
                "/console/login",
                Some(&[("name", COUNSELOR), ("password", PASSWORD), ("csrf", &csrf)]),
            )
            .await?;
        if status != 303 {
            return Err(format!("login answered {status}"));
        }
        Ok(())
    }
}

struct Rig {
    url: String,
    record: Mutex<Record>,
    oracle: Oracle,
    next_person: AtomicU64,
    next_note: AtomicU64,
    stop: AtomicBool,
    phase: AtomicU64,
}

/// A small deterministic generator (xorshift): kill times and mixes come from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Sends new deliveries until told to stop; some twice at once, some again after their answer.
async fn sms_worker(rig: Arc<Rig>, seed: u64) {
    let http = reqwest::Client::new();
    let mut rng = Rng(seed | 1);
    while !rig.stop.load(Ordering::SeqCst) {
        let n = rig.next_person.fetch_add(1, Ordering::SeqCst);
        let kind = (rng.next() % KINDS.len() as u64) as usize;
        let d = Delivery::new(&rig.url, n, kind);
        let phase = rig.phase.load(Ordering::SeqCst) as usize;
        let sent_at = Instant::now();
        let twins = rng.next().is_multiple_of(6);
        let answers = if twins {
            let (a, b) = tokio::join!(post(&http, &rig.url, &d), post(&http, &rig.url, &d));
            vec![a, b]
        } else {
            vec![post(&http, &rig.url, &d).await]
        };
        let acked_at = Instant::now();
        let repeat = record_answers(&rig, &d, kind, phase, sent_at, acked_at, twins, &answers)
            && rng.next().is_multiple_of(4);
        if repeat {
            // Twilio repeating a delivery it had an answer for: answered with nothing.
            let again = post(&http, &rig.url, &d).await;
            let mut r = lock(&rig.record);
            r.sms_requests += 1;
            match again {
                Ok(Answer::Empty) => r.repeats += 1,
                Ok(Answer::Reply(_)) => {
                    r.repeats += 1;
                    r.answered_twice.push(format!("{} (repeat)", d.phone));
                }
                Err(e) if e.starts_with("connection") => {}
                Err(e) => r.http_errors.push(e),
            }
        }
    }
}

/// Records what a delivery's copies got; `true` if it was answered cleanly (worth repeating).
#[allow(clippy::too_many_arguments)]
fn record_answers(
    rig: &Rig,
    d: &Delivery,
    kind: usize,
    phase: usize,
    sent_at: Instant,
    acked_at: Instant,
    twins: bool,
    answers: &[Result<Answer, String>],
) -> bool {
    let mut r = lock(&rig.record);
    r.sms_requests += answers.len() as u64;
    let replies: Vec<&String> = answers
        .iter()
        .filter_map(|a| match a {
            Ok(Answer::Reply(t)) => Some(t),
            _ => None,
        })
        .collect();
    let cut_off = answers.iter().any(|a| a.is_err());
    for a in answers {
        if let Err(e) = a
            && !e.starts_with("connection")
        {
            r.http_errors.push(e.clone());
        }
    }
    if twins && answers.iter().all(|a| a.is_ok()) {
        r.twins += 1;
        r.repeats += 1;
    }
    if replies.len() > 1 {
        r.answered_twice.push(format!("{} (twins)", d.phone));
    }
    if let Some(first) = replies.first() {
        if masked(first) != rig.oracle.first[kind] {
            r.wrong_first.push(format!("{}: {first}", KINDS[kind].text));
        }
        r.answered.push(Answered {
            d: d.clone(),
            sent_at,
            acked_at,
            phase,
        });
    }
    if cut_off {
        r.uncertain.entry(d.phone.clone()).or_default().push(kind);
        if replies.is_empty() {
            r.cut_off.push((d.clone(), false));
        }
    }
    !replies.is_empty() && !cut_off
}

/// A visitor talks until told to stop (or the server dies under it).
async fn web_worker(rig: Arc<Rig>, mut v: Visitor) -> Visitor {
    if v.cookie.is_none() && v.arrive(&rig.url).await.is_err() {
        return v;
    }
    while !rig.stop.load(Ordering::SeqCst) {
        let text = WEB_SAYS[v.said % WEB_SAYS.len()];
        v.said += 1;
        let r = v.say(&rig.url, text).await;
        lock(&rig.record).web_requests += 1;
        match r {
            Ok(true) => {
                let t = v.turns() + 1;
                v.acks.push((t, Instant::now()));
            }
            Ok(false) => {
                lock(&rig.record)
                    .http_errors
                    .push(format!("web message not handled: {text}"));
            }
            // The server died: whether this message counted is for the disk to say.
            Err(_) => break,
        }
    }
    v
}

/// The counselor takes each new ticket and writes to the person once.
async fn counselor_worker(rig: Arc<Rig>, mut c: Counselor) -> Counselor {
    if c.login(&rig.url).await.is_err() {
        return c;
    }
    while !rig.stop.load(Ordering::SeqCst) {
        let Ok((status, _, page)) = c.request(&rig.url, "/console", None).await else {
            break;
        };
        lock(&rig.record).console_requests += 1;
        if status != 200 {
            if c.login(&rig.url).await.is_err() {
                break;
            }
            continue;
        }
        let csrf = field(&page, "csrf").unwrap_or_default();
        let ticket = page
            .split("/console/ticket/")
            .skip(1)
            .filter_map(|s| {
                s.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .find(|id| !c.replied.contains(id));
        let Some(id) = ticket else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let claim = c
            .request(
                &rig.url,
                &format!("/console/ticket/{id}/claim"),
                Some(&[("csrf", &csrf)]),
            )
            .await;
        lock(&rig.record).console_requests += 1;
        if claim.is_err() {
            break;
        }
        let note = rig.next_note.fetch_add(1, Ordering::SeqCst);
        let text = format!("note #{note}.");
        let reply = c
            .request(
                &rig.url,
                &format!("/console/ticket/{id}/reply"),
                Some(&[("csrf", &csrf), ("text", &text)]),
            )
            .await;
        c.replied.insert(id);
        let mut r = lock(&rig.record);
        r.console_requests += 1;
        match reply {
            Ok((303, location, _))
                if location.starts_with(&format!("/console/ticket/{id}"))
                    && location.to_lowercase().contains("sent") =>
            {
                r.notes.insert(note, id);
            }
            Ok((status, location, _)) => {
                r.http_errors
                    .push(format!("counselor reply: {status} {location}"));
            }
            Err(_) => {
                r.notes_cut_off.insert(note);
                break;
            }
        }
    }
    c
}

/// What the test found on disk after the kills, for the report.
#[derive(Default)]
struct DiskFigures {
    tickets_checked: u64,
    sms_sessions_checked: u64,
    web_sessions_checked: u64,
    web_updates_lost: u64,
    max_staleness: Duration,
}

/// After a kill: the data dir, read by the test with the server gone.
#[allow(clippy::too_many_arguments)]
fn check_disk(
    rig: &Rig,
    data: &Path,
    killed_at: Instant,
    visitors: &mut [Visitor],
    web: &WebChat,
    keys: &Keys,
    figures: &mut DiskFigures,
    phase: usize,
) {
    let db = open_db(data);
    let sessions = db.open_tree("sessions").unwrap();
    let ticket_of = db.open_tree("ticket_of").unwrap();
    let tickets = db.open_tree("tickets").unwrap();
    let seen = db.open_tree("seen").unwrap();
    let mut r = lock(&rig.record);
    for (d, claimed) in r.cut_off.iter_mut() {
        *claimed = seen.get(claim_key(d)).unwrap().is_some();
    }
    for a in &r.answered {
        let who = keys.pseudonym(Channel::Sms, &a.d.phone);
        assert!(
            sessions.get(who.0).unwrap().is_some(),
            "an answered SMS person's session is on disk ({})",
            a.d.phone
        );
        figures.sms_sessions_checked += 1;
        if KINDS[a.d.kind].ticket {
            let id = ticket_of
                .get(who.0)
                .unwrap()
                .unwrap_or_else(|| panic!("the ticket of answered {} is on disk", a.d.phone));
            assert!(
                tickets.get(&id).unwrap().is_some(),
                "ticket {:?} exists",
                id
            );
            figures.tickets_checked += 1;
        }
    }
    // The last durable point the test saw: every answered SMS webhook flushed everything
    // written before its request arrived.
    let durable_point = r
        .answered
        .iter()
        .filter(|a| a.phase == phase)
        .map(|a| a.sent_at)
        .max();
    drop(r);
    for v in visitors.iter_mut() {
        let Some(who) = v.who(web, keys) else {
            continue;
        };
        let on_disk = sessions
            .get(who.0)
            .unwrap()
            .map(|raw| {
                let s: serde_json::Value = serde_json::from_slice(&raw).unwrap();
                s["session"]["turns"].as_u64().unwrap_or(0) as u32
            })
            .unwrap_or(0);
        figures.web_sessions_checked += 1;
        assert!(
            on_disk >= v.base,
            "a web session went back past what was on disk before ({on_disk} < {})",
            v.base
        );
        if let Some(point) = durable_point {
            let required = v
                .acks
                .iter()
                .filter(|(_, at)| *at < point)
                .map(|(t, _)| *t)
                .max()
                .unwrap_or(v.base);
            assert!(
                on_disk >= required,
                "a web session lost a message acknowledged before a later SMS answer's flush \
                 ({on_disk} turns on disk, {required} acknowledged before it)"
            );
        }
        assert!(
            on_disk <= v.turns() + 1,
            "a web session has more turns than were sent"
        );
        let lost: Vec<Instant> = v
            .acks
            .iter()
            .filter(|(t, _)| *t > on_disk)
            .map(|(_, at)| *at)
            .collect();
        figures.web_updates_lost += lost.len() as u64;
        if let Some(oldest) = lost.iter().min() {
            figures.max_staleness = figures
                .max_staleness
                .max(killed_at.saturating_duration_since(*oldest));
        }
        v.base = on_disk;
        v.acks.clear();
    }
    drop(db);
}

/// The key messaging::dedup stores a delivery's claim under: a hash of "sms:" + MessageSid.
fn claim_key(d: &Delivery) -> [u8; 16] {
    use sha2::Digest;
    let sid = form_urlencoded::parse(d.body.as_bytes())
        .find(|(k, _)| k == "MessageSid")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let h = sha2::Sha256::digest(format!("sms:{sid}").as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&h[..16]);
    k
}

/// Every expected text, per phone, masked: the later parts of each answered delivery.
fn expected_texts(rig: &Rig) -> HashMap<String, Vec<String>> {
    let r = lock(&rig.record);
    let mut expected: HashMap<String, Vec<String>> = HashMap::new();
    for a in &r.answered {
        expected
            .entry(a.d.phone.clone())
            .or_default()
            .extend(rig.oracle.rest[a.d.kind].iter().cloned());
    }
    // A retry answered as a duplicate means the first attempt's effects were on disk: its
    // queued parts must arrive even though its answer was lost.
    for d in &r.retried_as_duplicate {
        expected
            .entry(d.phone.clone())
            .or_default()
            .extend(rig.oracle.rest[d.kind].iter().cloned());
    }
    expected
}

fn count_by_body(sent: &[SentSms]) -> HashMap<(String, String), usize> {
    let mut m = HashMap::new();
    for s in sent {
        *m.entry((s.to.clone(), masked(&s.body))).or_default() += 1;
    }
    m
}

/// What is still missing at the stand-in (to, masked body, how many more).
fn missing(rig: &Rig, fake: &FakeTwilio) -> Vec<String> {
    let got = count_by_body(&fake.received());
    let mut out = Vec::new();
    for (phone, texts) in expected_texts(rig) {
        let mut want: HashMap<&String, usize> = HashMap::new();
        for t in &texts {
            *want.entry(t).or_default() += 1;
        }
        for (t, n) in want {
            let have = got.get(&(phone.clone(), t.clone())).copied().unwrap_or(0);
            if have < n {
                out.push(format!("{phone}: {t:?} ({have} of {n})"));
            }
        }
    }
    let bodies: Vec<String> = fake.received().into_iter().map(|s| s.body).collect();
    for note in lock(&rig.record).notes.keys() {
        let marker = format!("note #{note}.");
        if !bodies.iter().any(|b| b.contains(&marker)) {
            out.push(format!("counselor reply {marker}"));
        }
    }
    out
}

/// What the test knows about the people named in `lines`, for a failure message.
fn describe(rig: &Rig, fake: &FakeTwilio, lines: &[String]) -> String {
    let r = lock(&rig.record);
    let mut out = String::new();
    let phones: HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.split(':').next())
        .filter(|p| p.starts_with('+'))
        .collect();
    for phone in phones {
        for a in r.answered.iter().filter(|a| a.d.phone == phone) {
            out += &format!(
                "{phone}: answered in run {} ({}), sent {:?} before the end, acked {:?} after sending\n",
                a.phase,
                KINDS[a.d.kind].text,
                a.sent_at.elapsed(),
                a.acked_at - a.sent_at
            );
        }
        if let Some(k) = r.uncertain.get(phone) {
            out += &format!("{phone}: cut off by a kill ({k:?})\n");
        }
        if r.retried_as_duplicate.iter().any(|d| d.phone == phone) {
            out += &format!("{phone}: retry answered as a duplicate\n");
        }
        for s in fake.received().iter().filter(|s| s.to == phone) {
            out += &format!("{phone}: stand-in got {:?}\n", s.body);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_under_load_loses_no_ticket_or_acknowledged_text_and_answers_each_delivery_once() {
    let seed: u64 = std::env::var("HAVEN_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let kills: usize = std::env::var("HAVEN_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    println!("crash proof: seed {seed} (HAVEN_CRASH_SEED={seed} repeats the mix), {kills} kills");
    let mut rng = Rng(seed | 1);

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let logs = tempfile::tempdir().unwrap();
    Accounts::new(&data).set(COUNSELOR, PASSWORD, 0).unwrap();
    let fake = FakeTwilio::start().await;
    let setup = Setup {
        data: data.clone(),
        port: Setup::free_port(),
        twilio_url: fake.url.clone(),
        log: logs.path().join("haven.log"),
        extra: vec![("HAVEN_RATE_LIMIT".into(), "100000".into())],
    };
    let keys = Keys::from_secret(SECRET.as_bytes()).unwrap();
    let vars: HashMap<String, String> = setup.vars().into_iter().collect();
    let config = Config::load_with(None, &|k| vars.get(k).cloned()).unwrap();
    let web = WebChat::new(&keys, &config);
    let rig = Arc::new(Rig {
        url: setup.url(),
        record: Mutex::new(Record::default()),
        oracle: Oracle::new(),
        next_person: AtomicU64::new(1),
        next_note: AtomicU64::new(1),
        stop: AtomicBool::new(false),
        phase: AtomicU64::new(0),
    });
    let mut visitors: Vec<Visitor> = (0..3).map(|_| Visitor::new()).collect();
    let mut counselor = Counselor::new();
    let mut figures = DiskFigures::default();
    let (mut runs, mut retried, mut replayed_after_restart) = (0u64, 0u64, 0u64);
    let started = Instant::now();

    for phase in 0..=kills {
        rig.phase.store(phase as u64, Ordering::SeqCst);
        let mut process = Some(Process::start(&setup).await);
        runs += 1;
        let http = reqwest::Client::new();
        if phase > 0 {
            // Twilio retries what got no answer...
            let cut_off = std::mem::take(&mut lock(&rig.record).cut_off);
            for (d, claimed) in cut_off {
                retried += 1;
                let a = post(&http, &rig.url, &d)
                    .await
                    .expect("a retry is answered");
                let mut r = lock(&rig.record);
                r.sms_requests += 1;
                match a {
                    // A claim on disk makes every retry a duplicate.
                    Answer::Reply(_) if claimed => r
                        .answered_twice
                        .push(format!("{} (retry of a durable claim)", d.phone)),
                    Answer::Reply(_) => {
                        let now = Instant::now();
                        r.answered.push(Answered {
                            d,
                            sent_at: now,
                            acked_at: now,
                            phase,
                        });
                    }
                    Answer::Empty if claimed => r.retried_as_duplicate.push(d),
                    Answer::Empty => r.retried_silent += 1,
                }
            }
            // ...and repeats what it had answers for, the latest first: those answered just
            // before the kill are the ones an in-memory claim would have forgotten.
            let mut last: Vec<Answered> = lock(&rig.record)
                .answered
                .iter()
                .filter(|a| a.phase == phase - 1)
                .cloned()
                .collect();
            last.sort_by_key(|a| std::cmp::Reverse(a.acked_at));
            for a in last.iter().take(12) {
                let again = post(&http, &rig.url, &a.d).await.expect("answered");
                replayed_after_restart += 1;
                let mut r = lock(&rig.record);
                r.sms_requests += 1;
                r.repeats += 1;
                if again != Answer::Empty {
                    r.answered_twice
                        .push(format!("{} (after restart)", a.d.phone));
                }
            }
        }
        rig.stop.store(false, Ordering::SeqCst);
        let sms: Vec<_> = (0..4)
            .map(|i| tokio::spawn(sms_worker(rig.clone(), rng.next() ^ i)))
            .collect();
        let webs: Vec<_> = std::mem::take(&mut visitors)
            .into_iter()
            .map(|v| tokio::spawn(web_worker(rig.clone(), v)))
            .collect();
        let desk = tokio::spawn(counselor_worker(rig.clone(), counselor));
        let load_for = Duration::from_millis(400 + rng.next() % 1600);
        tokio::time::sleep(load_for).await;
        // New requests stop; the ones in flight are cut off by the kill.
        rig.stop.store(true, Ordering::SeqCst);
        let killed_at = Instant::now();
        if phase < kills {
            process.take().expect("running").kill();
        }
        for t in sms {
            t.await.unwrap();
        }
        for t in webs {
            visitors.push(t.await.unwrap());
        }
        counselor = desk.await.unwrap();
        if phase < kills {
            check_disk(
                &rig,
                &data,
                killed_at,
                &mut visitors,
                &web,
                &keys,
                &mut figures,
                phase,
            );
        } else {
            // The last run: let the outbox deliver everything, then stop cleanly.
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                let m = missing(&rig, &fake);
                if m.is_empty() {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "acknowledged texts never reached the stand-in: {m:?}\n{}\n{}",
                    describe(&rig, &fake, &m),
                    std::fs::read_to_string(&setup.log).unwrap_or_default()
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(
                process.take().expect("running").terminate(),
                "the last run stops cleanly"
            );
        }
    }

    // Exactly once: nothing expected is missing (checked above) and nobody whose requests
    // were all answered got an expected text twice.
    let expected = expected_texts(&rig);
    let sent = fake.received();
    let got = count_by_body(&sent);
    let r = lock(&rig.record);
    let mut texts_checked = 0u64;
    let mut extra_copies = 0u64;
    for (phone, texts) in &expected {
        let mut want: HashMap<&String, usize> = HashMap::new();
        for t in texts {
            *want.entry(t).or_default() += 1;
        }
        let cut = r.uncertain.get(phone);
        for (t, n) in want {
            let have = got.get(&(phone.clone(), t.clone())).copied().unwrap_or(0);
            texts_checked += n as u64;
            // A request cut off by a crash may have queued its texts once more.
            let allowed = n + cut.map_or(0, |kinds| {
                kinds
                    .iter()
                    .map(|k| rig.oracle.rest[*k].iter().filter(|x| *x == t).count())
                    .sum()
            });
            assert!(
                have >= n && have <= allowed,
                "{phone} got {t:?} {have} times; {n} expected (at most {allowed})"
            );
            extra_copies += (have - n) as u64;
        }
    }
    let bodies: Vec<&str> = sent.iter().map(|s| s.body.as_str()).collect();
    for note in r.notes.keys().chain(r.notes_cut_off.iter()) {
        let marker = format!("note #{note}.");
        let n = bodies.iter().filter(|b| b.contains(&marker)).count();
        let acknowledged = r.notes.contains_key(note);
        assert!(
            if acknowledged { n == 1 } else { n <= 1 },
            "counselor reply {marker} sent {n} times"
        );
        texts_checked += u64::from(acknowledged);
    }
    let keys_sent: HashSet<&str> = sent
        .iter()
        .filter_map(|s| s.idempotency_key.as_deref())
        .collect();
    assert_eq!(
        keys_sent.len(),
        sent.len(),
        "every text went out under its own idempotency key"
    );
    assert!(
        r.answered_twice.is_empty(),
        "answered twice: {:?}",
        r.answered_twice
    );
    assert!(
        r.wrong_first.is_empty(),
        "unexpected answers: {:?}",
        r.wrong_first
    );
    assert!(r.http_errors.is_empty(), "errors: {:?}", r.http_errors);

    // After the clean stop: every answered ticket is still there.
    let db = open_db(&data);
    let (ticket_of, tickets) = (
        db.open_tree("ticket_of").unwrap(),
        db.open_tree("tickets").unwrap(),
    );
    let mut tickets_at_end = 0;
    for a in r.answered.iter().filter(|a| KINDS[a.d.kind].ticket) {
        let who = keys.pseudonym(Channel::Sms, &a.d.phone);
        let id = ticket_of.get(who.0).unwrap().expect("ticket index");
        assert!(tickets.get(id).unwrap().is_some());
        tickets_at_end += 1;
    }
    let outbox_left = db.open_tree("outbox").unwrap().len();
    drop(db);

    // The proof is only as good as what it exercised.
    assert!(
        kills == 0 || figures.tickets_checked > 0,
        "tickets were checked"
    );
    assert!(
        texts_checked > 0 && !r.notes.is_empty(),
        "texts were checked"
    );
    assert!(
        kills == 0 || replayed_after_restart > 0,
        "repeats after restarts"
    );
    assert!(figures.web_sessions_checked > 0 || kills == 0);

    let answered = r.answered.len();
    println!("crash proof figures (seed {seed}):");
    println!("  runs of haven serve:            {runs} ({kills} SIGKILLs, then a clean stop)");
    println!(
        "  requests:                       {} SMS webhooks, {} web chat posts, {} console requests",
        r.sms_requests, r.web_requests, r.console_requests
    );
    println!(
        "  deliveries answered:            {answered}; repeats of answered deliveries {} ({} of them twin copies at once, {replayed_after_restart} after a restart), answered twice: 0",
        r.repeats, r.twins
    );
    println!(
        "  cut off by a kill, retried:     {retried} ({} answered as duplicates: claim and effects on disk, first part lost; {} handled again without a reply: partial effects on disk)",
        r.retried_as_duplicate.len(),
        r.retried_silent
    );
    println!(
        "  tickets checked on disk:        {} after kills, {tickets_at_end} at the end",
        figures.tickets_checked
    );
    println!(
        "  SMS sessions checked on disk:   {} (every answered person, after every kill)",
        figures.sms_sessions_checked
    );
    println!(
        "  texts checked at the stand-in:  {texts_checked} acknowledged, each once; {} extra copies from cut-off requests; {} repeated sends absorbed by idempotency keys; {} texts sent in all; {outbox_left} left queued",
        extra_copies,
        fake.replays(),
        sent.len()
    );
    println!(
        "  web sessions checked:           {} after kills; {} acknowledged updates lost; max staleness {} ms (documented: 500 ms)",
        figures.web_sessions_checked,
        figures.web_updates_lost,
        figures.max_staleness.as_millis()
    );
    println!(
        "  wall time:                      {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
