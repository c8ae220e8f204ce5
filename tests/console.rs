//! The counselor console over real HTTP (no browser): login, refusals, CSRF, the queue, claim
//! races, replies relayed to a person on SMS, closing. `tests/browser.rs` covers the same in
//! Chromium with live updates.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use haven::counselors::console::accounts::Accounts;
use support::server::TestServer;
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeTwilio};

/// A browser-like client: keeps cookies, does not follow redirects.
struct Client {
    base: String,
    http: reqwest::Client,
    cookies: HashMap<String, String>,
    /// The address the reverse proxy says this client came from (`X-Forwarded-For`).
    forwarded_for: Option<String>,
}

struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Client {
    fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            forwarded_for: None,
        }
    }

    /// A client behind the reverse proxy, from `ip`.
    fn from(base: &str, ip: &str) -> Client {
        let mut c = Client::new(base);
        c.forwarded_for = Some(ip.to_owned());
        c
    }

    fn with_forwarded(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.forwarded_for {
            Some(ip) => r.header("x-forwarded-for", ip),
            None => r,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, r: reqwest::Response) -> Page {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (kv, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if val.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        Page {
            status: r.status().as_u16(),
            location: r
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned()),
            body: r.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let r = self
            .with_forwarded(self.http.get(format!("{}{path}", self.base)))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .with_forwarded(self.http.post(format!("{}{path}", self.base)))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    async fn login(&mut self, name: &str, password: &str) -> Page {
        let page = self.get("/console/login").await;
        let csrf = field(&page.body, "csrf");
        self.post(
            "/console/login",
            &[("name", name), ("password", password), ("csrf", &csrf)],
        )
        .await
    }
}

/// The value of a hidden form field in a page.
fn field(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&key)
        .unwrap_or_else(|| panic!("no field {name} in {html}"))
        + key.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn rig() -> (tempfile::TempDir, FakeTwilio, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::new(dir.path());
    accounts.set("maria", "correct horse battery", 0).unwrap();
    accounts.set("ben", "another long password", 0).unwrap();
    let fake = FakeTwilio::start().await;
    let server = TestServer::start(
        dir.path(),
        &[
            ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID),
            ("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("HAVEN_TWILIO_FROM", "+15555550100"),
            ("HAVEN_TWILIO_API_URL", &fake.url),
        ],
    )
    .await;
    (dir, fake, server)
}

async fn person_asks_for_a_human(server: &TestServer) -> u64 {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("MessageSid", "SM11111111111111111111111111111111")
        .append_pair("AccountSid", ACCOUNT_SID)
        .append_pair("From", "+14155550166")
        .append_pair("To", "+15555550100")
        .append_pair("Body", "can i talk to a counselor")
        .finish();
    let url = format!("{}/sms/twilio", server.url);
    let sig = haven::channels::sms::signature::sign(AUTH_TOKEN, &url, body.as_bytes()).unwrap();
    let r = reqwest::Client::new()
        .post(&url)
        .header("x-twilio-signature", sig)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("counselor"));
    server.state.hub.handoff.queue().unwrap()[0].id
}

#[tokio::test]
async fn without_login_every_console_page_redirects_to_the_login() {
    let (_d, _f, server) = rig().await;
    let mut c = Client::new(&server.url);
    for path in ["/console", "/console/ticket/1", "/console/queue"] {
        let p = c.get(path).await;
        assert!(p.status == 303 || p.status == 401, "{path}: {}", p.status);
        if p.status == 303 {
            assert_eq!(p.location.as_deref(), Some("/console/login"));
        }
    }
    let p = c.post("/console/ticket/1/claim", &[("csrf", "x")]).await;
    assert_eq!(p.location.as_deref(), Some("/console/login"));
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_logins_are_rate_limited() {
    let (_d, _f, server) = rig().await;
    let mut c = Client::new(&server.url);
    let p = c.login("maria", "not the password").await;
    assert_eq!(p.status, 401);
    assert!(p.body.contains("Wrong name or password"));
    assert!(c.get("/console").await.status == 303);
    let p = c.login("nobody", "correct horse battery").await;
    assert_eq!(p.status, 401, "unknown names look the same");
    for _ in 0..4 {
        c.login("maria", "still wrong").await;
    }
    let p = c.login("maria", "correct horse battery").await;
    assert_eq!(
        p.status, 429,
        "locked after repeated failures, even with the right password"
    );
    // Another counselor is not locked out.
    let mut b = Client::new(&server.url);
    assert_eq!(b.login("ben", "another long password").await.status, 303);
    // A login form without its token is refused.
    let p = Client::new(&server.url)
        .post(
            "/console/login",
            &[
                ("name", "ben"),
                ("password", "another long password"),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
}

#[tokio::test]
async fn login_claim_reply_close_relays_to_the_person_and_cookies_are_safe() {
    let (_d, fake, server) = rig().await;
    let id = person_asks_for_a_human(&server).await;
    let mut c = Client::new(&server.url);
    let p = c.login("maria", "correct horse battery").await;
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/console")));
    let queue = c.get("/console").await;
    assert_eq!(queue.status, 200);
    assert!(
        queue.body.contains(&format!("#{id}")) && queue.body.contains("asked"),
        "{}",
        queue.body
    );
    let csrf = field(&queue.body, "csrf");
    // CSRF: an action without the session's token is refused.
    assert_eq!(
        c.post(&format!("/console/ticket/{id}/claim"), &[("csrf", "wrong")])
            .await
            .status,
        403
    );
    let p = c
        .post(&format!("/console/ticket/{id}/claim"), &[("csrf", &csrf)])
        .await;
    assert_eq!(p.status, 303);
    let page = c.get(&format!("/console/ticket/{id}")).await;
    assert!(
        page.body.contains("can i talk to a counselor"),
        "the transcript so far is shown"
    );
    assert!(
        page.body.contains("textarea"),
        "the reply box is there for the holder"
    );
    c.post(
        &format!("/console/ticket/{id}/reply"),
        &[
            ("csrf", &csrf),
            ("text", "Hi, I'm Maria's colleague <b>here</b>"),
        ],
    )
    .await;
    let sent = fake.wait_for(4, Duration::from_secs(10)).await;
    let bodies: Vec<&str> = sent.iter().map(|m| m.body.as_str()).collect();
    assert!(
        bodies.iter().any(|b| b.contains("A counselor is here now")),
        "{bodies:?}"
    );
    assert!(
        bodies.contains(&"Counselor: Hi, I'm Maria's colleague <b>here</b>"),
        "{bodies:?}"
    );
    // The transcript shows the reply escaped, never as markup.
    let page = c.get(&format!("/console/ticket/{id}/lines")).await;
    assert!(
        page.body.contains("&lt;b&gt;here&lt;/b&gt;"),
        "{}",
        page.body
    );
    let p = c
        .post(
            &format!("/console/ticket/{id}/close"),
            &[("csrf", &csrf), ("outcome", "not-an-outcome")],
        )
        .await;
    let to = p.location.unwrap();
    assert!(to.ends_with("?notice=bad-outcome"), "{to}");
    assert!(
        c.get(&to)
            .await
            .body
            .contains("Pick one of the outcomes in the list.")
    );
    let p = c
        .post(
            &format!("/console/ticket/{id}/close"),
            &[("csrf", &csrf), ("outcome", "resolved")],
        )
        .await;
    assert_eq!(p.status, 303);
    assert!(server.state.hub.handoff.queue().unwrap().is_empty());
    assert_eq!(c.get(&format!("/console/ticket/{id}")).await.status, 404);
    // Logging out ends the session.
    let page = c.get("/console").await;
    let csrf = field(&page.body, "csrf");
    c.post("/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!(c.get("/console").await.status, 303);
}

#[tokio::test]
async fn two_counselors_claiming_at_once_one_wins_and_the_other_is_told() {
    let (_d, _f, server) = rig().await;
    let id = person_asks_for_a_human(&server).await;
    let mut m = Client::new(&server.url);
    let mut b = Client::new(&server.url);
    m.login("maria", "correct horse battery").await;
    b.login("ben", "another long password").await;
    let mc = field(&m.get("/console").await.body, "csrf");
    let bc = field(&b.get("/console").await.body, "csrf");
    let path = format!("/console/ticket/{id}/claim");
    let (fm, fb) = ([("csrf", mc.as_str())], [("csrf", bc.as_str())]);
    let (pm, pb) = tokio::join!(m.post(&path, &fm), b.post(&path, &fb));
    let locations = [pm.location.unwrap(), pb.location.unwrap()];
    let won = locations
        .iter()
        .filter(|l| l.ends_with("?notice=claimed"))
        .count();
    let lost = locations
        .iter()
        .filter(|l| l.contains("?notice=taken"))
        .count();
    assert_eq!((won, lost), (1, 1), "{locations:?}");
    let holder = server
        .state
        .hub
        .handoff
        .ticket(id)
        .unwrap()
        .unwrap()
        .counselor
        .unwrap();
    let (winner, loser) = if holder == "maria" {
        (&mut m, &mut b)
    } else {
        (&mut b, &mut m)
    };
    assert!(
        loser
            .get("/console")
            .await
            .body
            .contains("1 more is with other counselors"),
        "the queue counts others' conversations without showing them"
    );
    assert!(
        loser
            .get(&format!("/console/ticket/{id}"))
            .await
            .body
            .contains(&format!("is with <b>{holder}</b>")),
        "and says who has it"
    );
    // The loser is sent back to the queue with a fixed notice; its words name the holder from
    // haven's own data, never from the address.
    let told = loser
        .get(&format!("/console?notice=taken&ticket={id}"))
        .await
        .body;
    assert!(
        told.contains(&format!("{holder} claimed it first (ticket #{id}).")),
        "the loser is told who: {told}"
    );
    assert!(winner.get("/console").await.body.contains(">you<"));
}

#[tokio::test]
async fn the_event_stream_pings_when_the_queue_changes() {
    let (_d, _f, server) = rig().await;
    let mut c = Client::new(&server.url);
    c.login("maria", "correct horse battery").await;
    let r = c
        .http
        .get(format!("{}/console/events", server.url))
        .header("cookie", c.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut stream = r;
    person_asks_for_a_human(&server).await;
    let got = read_until(&mut stream, "\"kind\":\"opened\"").await;
    assert!(got.contains("event: change"), "{got}");
    assert!(!got.contains("can i talk"), "no words in the stream: {got}");
}

/// Reads a live stream until `needle` has arrived (or fails after 10 s); returns all read.
async fn read_until(stream: &mut reqwest::Response, needle: &str) -> String {
    let mut got = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !got.contains(needle) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {needle:?} in the stream; got {got:?}"))
            .unwrap()
            .expect("the stream goes on");
        got.push_str(&String::from_utf8_lossy(&chunk));
    }
    got
}

/// A person texts `text` from `from` (each call a new message).
async fn person_says(server: &TestServer, from: &str, text: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("MessageSid", &format!("SM{:032x}", 0xabc000 + n as u128))
        .append_pair("AccountSid", ACCOUNT_SID)
        .append_pair("From", from)
        .append_pair("To", "+15555550100")
        .append_pair("Body", text)
        .finish();
    let url = format!("{}/sms/twilio", server.url);
    let sig = haven::channels::sms::signature::sign(AUTH_TOKEN, &url, body.as_bytes()).unwrap();
    reqwest::Client::new()
        .post(&url)
        .header("x-twilio-signature", sig)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn events(c: &Client) -> reqwest::Response {
    let r = c
        .http
        .get(format!("{}/console/events", c.base))
        .header("cookie", c.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r
}

/// Issue 15: a crisis or overdose ticket alerts every counselor on shift, and no one away.
#[tokio::test]
async fn urgent_tickets_alert_counselors_on_shift_only() {
    let (_d, _f, server) = rig().await;
    let mut maria = Client::new(&server.url);
    let mut ben = Client::new(&server.url);
    maria.login("maria", "correct horse battery").await;
    ben.login("ben", "another long password").await;
    let page = maria.get("/console").await;
    assert!(
        page.body.contains("You're <b>away</b>"),
        "away until they say so"
    );
    let csrf = field(&page.body, "csrf");
    let p = maria
        .post(
            "/console/shift",
            &[("csrf", &csrf), ("on", "1"), ("back", "/console")],
        )
        .await;
    assert!(p.location.unwrap().ends_with("?notice=on-shift"));
    let page = maria.get("/console").await;
    assert!(
        page.body.contains("On shift: <b>maria</b>"),
        "{}",
        page.body
    );
    let mut on = events(&maria).await;
    let mut away = events(&ben).await;
    person_says(&server, "+14155550170", "i want to kill myself").await;
    let id = server.state.hub.handoff.queue().unwrap()[0].id;
    let got = read_until(&mut on, "event: alert").await;
    assert!(got.contains(&format!("\"urgent\":[{id}]")), "{got}");
    assert!(got.contains(&format!("Crisis #{id}")), "{got}");
    let before = read_until(&mut away, "\"kind\":\"opened\"").await;
    // One more change after it: had an alert been sent to the counselor away, it would have
    // come before this one.
    server
        .state
        .hub
        .handoff
        .note(id, "maria", "checking in", haven::runtime::now())
        .unwrap();
    let after = read_until(&mut away, "\"kind\":\"line\"").await;
    assert!(
        !before.contains("event: alert") && !after.contains("event: alert"),
        "{before}{after}"
    );
    assert!(
        after.contains("\"urgent\":[]"),
        "away: no urgent list: {after}"
    );
}

/// Issue 15: counselors see waiting tickets and their own; another's conversation stays with
/// them. A supervisor sees every ticket, reassigns, and alone reads the reports, the CSV and
/// the audit log.
#[tokio::test]
async fn counselors_see_their_own_and_supervisors_see_all() {
    let (dir, _f, server) = rig().await;
    let accounts = Accounts::new(dir.path());
    accounts.set("sam", "supervisor password", 0).unwrap();
    accounts
        .set_role(
            "sam",
            haven::counselors::console::accounts::Role::Supervisor,
        )
        .unwrap();
    let id = person_asks_for_a_human(&server).await;
    let mut maria = Client::new(&server.url);
    let mut ben = Client::new(&server.url);
    let mut sam = Client::new(&server.url);
    maria.login("maria", "correct horse battery").await;
    ben.login("ben", "another long password").await;
    sam.login("sam", "supervisor password").await;
    let queue = maria.get("/console").await;
    assert!(
        queue.body.contains("data-label=\"Wait\">waiting "),
        "{}",
        queue.body
    );
    let csrf = field(&queue.body, "csrf");
    maria
        .post(&format!("/console/ticket/{id}/claim"), &[("csrf", &csrf)])
        .await;
    let page = maria.get(&format!("/console/ticket/{id}")).await;
    assert!(
        page.body.contains("waited "),
        "the wait stops at the claim: {}",
        page.body
    );
    // Ben sees that someone has it, not the conversation.
    let q = ben.get("/console").await;
    assert!(
        q.body.contains("1 more is with other counselors"),
        "{}",
        q.body
    );
    assert!(
        !q.body.contains(&format!("/console/ticket/{id}\"")),
        "{}",
        q.body
    );
    let p = ben.get(&format!("/console/ticket/{id}")).await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("is with <b>maria</b>") && !p.body.contains("can i talk"));
    assert_eq!(
        ben.get(&format!("/console/ticket/{id}/lines")).await.status,
        403
    );
    // Sam sees it and reassigns it to Ben.
    let p = sam.get(&format!("/console/ticket/{id}")).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("can i talk to a counselor") && p.body.contains("reassign"));
    let csrf_sam = field(&p.body, "csrf");
    let csrf_ben = field(&q.body, "csrf");
    let r = ben
        .post(
            &format!("/console/ticket/{id}/reassign"),
            &[("csrf", &csrf_ben), ("to", "ben")],
        )
        .await;
    assert_eq!(r.status, 403, "only a supervisor reassigns");
    let r = sam
        .post(
            &format!("/console/ticket/{id}/reassign"),
            &[("csrf", &csrf_sam), ("to", "ben")],
        )
        .await;
    // A fixed notice code; the page names the new holder from haven's own data.
    let to = r.location.unwrap();
    assert!(to.ends_with("?notice=reassigned"), "{to}");
    assert!(sam.get(&to).await.body.contains("Reassigned to ben."));
    assert_eq!(ben.get(&format!("/console/ticket/{id}")).await.status, 200);
    assert_eq!(
        maria.get(&format!("/console/ticket/{id}")).await.status,
        403
    );
    // Reports, CSV and audit: supervisors only.
    for path in ["/console/reports", "/console/reports.csv", "/console/audit"] {
        assert_eq!(maria.get(path).await.status, 403, "{path}");
    }
    let r = sam.get("/console/reports").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.matches("<svg").count() >= 10,
        "charts drawn on the server"
    );
    assert!(
        !r.body.contains("<script src=\"http"),
        "no third-party scripts"
    );
    let bad = sam.get("/console/reports?from=last-week").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("is not a date like 2026-12-01"),
        "{}",
        bad.body
    );
    let bad = sam
        .get("/console/reports.csv?from=2026-12-09&to=2026-12-01")
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("starts after it ends"), "{}", bad.body);
    let csv = sam.get("/console/reports.csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with("section,label,day,value\n"),
        "{}",
        csv.body
    );
    let audit = sam.get("/console/audit").await;
    for want in [
        format!("<td>maria</td><td>claimed</td><td>#{id}</td>"),
        format!("<td>sam</td><td>reassigned</td><td>#{id}</td><td>ben</td>"),
    ] {
        assert!(audit.body.contains(&want), "{want} in {}", audit.body);
    }
}

/// Issue 15: quick replies come in the person's language, with the nearest services for a ZIP;
/// without JavaScript the button puts the text in the reply box.
#[tokio::test]
async fn quick_replies_come_in_the_persons_language() {
    let (_d, _f, server) = rig().await;
    person_says(&server, "+14155550171", "hola, quiero hablar con alguien").await;
    let id = server.state.hub.handoff.queue().unwrap()[0].id;
    let mut maria = Client::new(&server.url);
    maria.login("maria", "correct horse battery").await;
    let q = maria.get("/console").await;
    let csrf = field(&q.body, "csrf");
    maria
        .post(&format!("/console/ticket/{id}/claim"), &[("csrf", &csrf)])
        .await;
    let r = maria
        .get(&format!("/console/ticket/{id}/quick?quick=988"))
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.starts_with("Puede llamar o escribir al 988"),
        "{}",
        r.body
    );
    let r = maria
        .get(&format!("/console/ticket/{id}/quick?quick=services"))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("needs a ZIP"), "{}", r.body);
    let r = maria
        .get(&format!(
            "/console/ticket/{id}/quick?quick=services&place=10027"
        ))
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.starts_with("Estos son servicios cerca de 10027"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("FindTreatment.gov"),
        "no directory: the national options: {}",
        r.body
    );
    let r = maria
        .get(&format!("/console/ticket/{id}/quick?quick=nope"))
        .await;
    assert_eq!(r.status, 404);
    let page = maria
        .get(&format!("/console/ticket/{id}?quick=naloxone"))
        .await;
    assert!(
        page.body
            .contains("Naloxona (Narcan) en spray nasal, paso a paso"),
        "{}",
        page.body
    );
    for label in [
        "Naloxone steps",
        "988 crisis line",
        "Nearest services (ZIP)",
    ] {
        assert!(page.body.contains(label), "{label}");
    }
}

#[tokio::test]
async fn session_cookies_are_http_only_same_site_and_secure_over_https() {
    let (_d, _f, server) = rig().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = http
        .get(format!("{}/console/login", server.url))
        .send()
        .await
        .unwrap();
    let pre = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    let csrf = field(&login.text().await.unwrap(), "csrf");
    let pre_kv = pre.split(';').next().unwrap().to_owned();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("name", "maria"),
            ("password", "correct horse battery"),
            ("csrf", &csrf),
        ])
        .finish();
    let r = http
        .post(format!("{}/console/login", server.url))
        .header("cookie", pre_kv)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("haven_console="));
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http on loopback: no Secure flag"
    );
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(haven::counselors::console::auth::set_cookie("t", true).contains("; Secure"));
}

// Issue 12: 50 failed logins with made-up names locked every counselor out for 15 minutes,
// repeatable forever, and the failure map grew with every name. Failures now count per name
// and per client network, never for everyone.
#[tokio::test]
async fn failed_logins_with_made_up_names_lock_out_only_their_own_network() {
    let (_d, _f, server) = rig().await;
    let mut attacker = Client::from(&server.url, "203.0.113.66");
    for i in 0..50 {
        let p = attacker.login(&format!("made-up-{i}"), "password123").await;
        assert!(p.status == 401 || p.status == 429, "{}", p.status);
    }
    let p = attacker.login("maria", "correct horse battery").await;
    assert_eq!(p.status, 429, "the attacker's network waits");
    // Maria, at home, signs in as usual.
    let mut maria = Client::from(&server.url, "198.51.100.23");
    let p = maria.login("maria", "correct horse battery").await;
    assert_eq!(
        (p.status, p.location.as_deref()),
        (303, Some("/console")),
        "{}",
        p.body
    );
}

// Issue 12: /console?msg=... showed any text in the address bar on the console (escaped, but
// phishing text in haven's own page). Notices are fixed texts named by a code; console answers
// all say nosniff.
#[tokio::test]
async fn the_console_shows_only_its_own_notices_and_is_never_sniffed() {
    let (_d, _f, server) = rig().await;
    let id = person_asks_for_a_human(&server).await;
    let mut c = Client::new(&server.url);
    c.login("maria", "correct horse battery").await;
    let phishing = "Your session expired, call 555-0100 with your password";
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("msg", phishing)
        .append_pair("notice", phishing)
        .finish();
    for path in [format!("/console?{q}"), format!("/console/ticket/{id}?{q}")] {
        let p = c.get(&path).await;
        assert_eq!(p.status, 200);
        assert!(!p.body.contains("555-0100"), "{path}: {}", p.body);
        assert!(
            !p.body.contains("class=\"notice\""),
            "{path}: no notice at all"
        );
    }
    let p = c.get("/console?notice=released&ticket=12").await;
    assert!(p.body.contains("Released to the queue."), "{}", p.body);
    let p = c.get("/console?notice=closed&ticket=%3Cb%3E12").await;
    assert!(
        p.body.contains("Ticket closed."),
        "a ticket that is not a number is left out"
    );
    // An action redirects with a code, and the page says the fixed text.
    let page = c.get(&format!("/console/ticket/{id}")).await;
    let csrf = field(&page.body, "csrf");
    let p = c
        .post(&format!("/console/ticket/{id}/claim"), &[("csrf", &csrf)])
        .await;
    let to = p.location.unwrap();
    assert_eq!(to, format!("/console/ticket/{id}?notice=claimed"));
    assert!(c.get(&to).await.body.contains("You have this ticket now."));
    // nosniff on every kind of console answer.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/console",
        "/console/login",
        "/console/console.css",
        "/console/console.js",
        "/console/queue",
        "/console/events",
    ] {
        let r = http
            .get(format!("{}{path}", server.url))
            .header("cookie", c.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{path}"
        );
    }
    let r = http
        .get(format!("{}/console", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}
