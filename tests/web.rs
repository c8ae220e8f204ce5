//! The web chat over real HTTP on loopback, without a browser: the session cookie, CSRF,
//! forged and expired cookies, empty, too long and huge messages, a flood from one visitor,
//! pushes (waiting and live over SSE), "Exit quickly", the embed script, the zero-configuration
//! default, and that nothing a visitor wrote or their session id reaches the logs or the disk.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use haven::channels::web::{Delivery, WebSession};
use haven::engine::{Channel, Reply};
use serde_json::Value;
use support::server::{TestServer, all_bytes_under, captured_logs, contains};

/// One browser's worth of state: its cookie and the page's CSRF token.
struct Visitor {
    http: reqwest::Client,
    base: String,
    /// `name=value` of the session cookie.
    cookie: Option<String>,
    csrf: String,
    /// The address a reverse proxy on the same machine would say this visitor came from.
    forwarded_for: Option<String>,
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or("").to_owned()
}

fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

fn set_cookie_of(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
}

impl Visitor {
    fn new(server: &TestServer) -> Visitor {
        Visitor {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: server.url.clone(),
            cookie: None,
            csrf: String::new(),
            forwarded_for: None,
        }
    }

    /// Loads the page as a visitor from `ip` (behind the reverse proxy, which says so in
    /// `X-Forwarded-For`).
    async fn arrive_from(server: &TestServer, ip: &str) -> Visitor {
        let mut v = Visitor::new(server);
        v.forwarded_for = Some(ip.to_owned());
        let (status, html) = v.get("/").await;
        assert_eq!(status, 200);
        v.csrf = csrf_in(&html);
        v
    }

    /// Loads the page, as a first visit does.
    async fn arrive(server: &TestServer) -> Visitor {
        let mut v = Visitor::new(server);
        let (status, html) = v.get("/").await;
        assert_eq!(status, 200);
        v.csrf = csrf_in(&html);
        v
    }

    fn remember(&mut self, r: &reqwest::Response) {
        if let Some(c) = set_cookie_of(r) {
            self.cookie = if c.contains("Max-Age=0") {
                None
            } else {
                Some(cookie_pair(&c))
            };
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        if let Some(ip) = &self.forwarded_for {
            r = r.header("x-forwarded-for", ip);
        }
        r
    }

    async fn get(&mut self, path: &str) -> (u16, String) {
        let r = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        self.remember(&r);
        (r.status().as_u16(), r.text().await.unwrap())
    }

    fn body(fields: &[(&str, &str)]) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// A `fetch` from the page's script.
    async fn post_json(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
        let r = self
            .request(reqwest::Method::POST, path)
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Visitor::body(fields))
            .send()
            .await
            .unwrap();
        self.remember(&r);
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        if let Some(t) = v["csrf"].as_str() {
            self.csrf = t.to_owned();
        }
        (status, v)
    }

    /// A plain form post, as with JavaScript off.
    async fn post_form(&mut self, fields: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .request(reqwest::Method::POST, "/chat")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Visitor::body(fields))
            .send()
            .await
            .unwrap();
        self.remember(&r);
        let status = r.status().as_u16();
        let html = r.text().await.unwrap();
        if html.contains("name=\"csrf\"") {
            self.csrf = csrf_in(&html);
        }
        (status, html)
    }

    async fn say(&mut self, text: &str) -> (u16, Value) {
        let csrf = self.csrf.clone();
        self.post_json("/chat", &[("csrf", &csrf), ("text", text)])
            .await
    }

    /// The session id (the web address) in this visitor's cookie.
    fn address(&self, server: &TestServer) -> String {
        let value = self.cookie.as_deref().unwrap().split_once('=').unwrap().1;
        server
            .state
            .web
            .address_from_cookie(value)
            .expect("a current cookie")
    }
}

fn replies(v: &Value) -> Vec<String> {
    v["replies"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["text"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn web_messages_in(server: &TestServer) -> u64 {
    server
        .state
        .hub
        .metrics
        .get("haven_messages_in_total", &[("channel", "web")])
}

#[tokio::test]
async fn the_session_cookie_is_anonymous_signed_http_only_and_strict() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let r = reqwest::get(format!("{}/", server.url)).await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    let set = h["set-cookie"].to_str().unwrap();
    assert!(
        set.ends_with("; Path=/; HttpOnly; SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains("Secure") && !set.contains("Expires") && !set.contains("Max-Age"));
    let value = cookie_pair(set);
    let parts: Vec<&str> = value["haven_web=".len()..].split('.').collect();
    assert_eq!(parts.len(), 4, "{value}");
    assert_eq!(parts[0], "1");
    assert_eq!(parts[1].len(), 22, "128 random bits");
    assert!(parts[2].parse::<i64>().is_ok(), "its creation time");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    let html = r.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(
        !html.contains("http://") && !html.contains("//cdn"),
        "no foreign assets"
    );

    // A returning visitor keeps the cookie; no new one is set.
    let mut v = Visitor::new(&server);
    v.cookie = Some(value.clone());
    let r = v.request(reqwest::Method::GET, "/").send().await.unwrap();
    assert!(set_cookie_of(&r).is_none());
    server.stop().await;

    // Behind https the cookie is Secure and __Host- prefixed.
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(
        dir.path(),
        &[("HAVEN_PUBLIC_URL", "https://haven.example.org")],
    )
    .await;
    let r = reqwest::get(format!("{}/", server.url)).await.unwrap();
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.starts_with("__Host-haven_web=1."), "{set}");
    assert!(set.ends_with("; Secure"), "{set}");
    server.stop().await;
}

#[tokio::test]
async fn posts_need_the_sessions_csrf_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let mut a = Visitor::arrive(&server).await;
    let b = Visitor::arrive(&server).await;

    // Another session's token, or none: refused, nothing sent, the text kept for the visitor.
    for token in [b.csrf.as_str(), "", "forged"] {
        let (status, v) = a
            .post_json("/chat", &[("csrf", token), ("text", "hello")])
            .await;
        assert_eq!(status, 403, "{v}");
        assert!(v["error"].as_str().unwrap().contains("out of date"), "{v}");
        assert!(replies(&v).is_empty());
    }
    let (status, html) = a
        .post_form(&[("csrf", "forged"), ("text", "hello"), ("h", "m:earlier")])
        .await;
    assert_eq!(status, 403);
    assert!(html.contains("This page was out of date"));
    assert!(html.contains(">hello</textarea>"), "the message is kept");
    assert!(html.contains(">earlier<"), "the history is kept");
    assert_eq!(web_messages_in(&server), 0, "nothing reached the engine");
    assert_eq!(server.state.hub.haven.store.session_count().unwrap(), 0);

    // With its own token the post goes through.
    let (status, v) = a.say("hello").await;
    assert_eq!(status, 200, "{v}");
    assert!(!replies(&v).is_empty());
    assert_eq!(web_messages_in(&server), 1);

    // A post without any cookie (cookies off, or a cross-site form) is not sent either.
    let mut c = Visitor::new(&server);
    let (status, v) = c
        .post_json("/chat", &[("csrf", &a.csrf), ("text", "hello")])
        .await;
    assert_eq!(status, 409);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("Your earlier chat has ended")
    );
    assert!(c.cookie.is_some(), "it gets a session for next time");
    assert_eq!(web_messages_in(&server), 1);
    server.stop().await;
}

#[tokio::test]
async fn forged_and_expired_cookies_start_a_new_session_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[("HAVEN_SESSION_TTL", "3600")]).await;

    // Forged: a fresh session and the note, never an error page.
    let mut v = Visitor::new(&server);
    v.cookie = Some("haven_web=1.AAAAAAAAAAAAAAAAAAAAAA.1700000000.bm90LW91cnM".into());
    let (status, html) = v.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Your earlier chat has ended; this is a new one."));
    assert!(
        v.cookie.as_deref().unwrap() != "haven_web=1.AAAAAAAAAAAAAAAAAAAAAA.1700000000.bm90LW91cnM"
    );
    assert!(v.address(&server).len() == 22);
    let text = server.state.hub.metrics.render();
    assert!(
        text.contains("haven_forged_total{channel=\"web\"} 1"),
        "counted on /metrics: {text}"
    );

    // Expired: a post from the visitor's own stale page (its token matches the old session)
    // still goes through, in a new session, with the note; the old history is not shown.
    let old = WebSession {
        id: "c9LuLeBn3_OZ_s4oNrHtkQ".into(),
        issued: haven::runtime::now() - 3700,
    };
    let sessions = &server.state.web.sessions;
    let mut v = Visitor::new(&server);
    v.cookie = Some(format!("haven_web={}", sessions.encode(&old)));
    let token = sessions.csrf(&old.id);
    let (status, body) = v
        .post_json(
            "/chat",
            &[
                ("csrf", &token),
                ("h", "m:old words"),
                ("text", "my friend overdosed"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["note"]
            .as_str()
            .unwrap()
            .contains("Your earlier chat has ended")
    );
    assert!(replies(&body)[0].starts_with("Call 911 now."));
    assert_ne!(v.address(&server), old.id, "a new session id");
    // Expired with a token that is not the old session's: not sent.
    let mut v = Visitor::new(&server);
    v.cookie = Some(format!("haven_web={}", sessions.encode(&old)));
    let (status, _) = v
        .post_json("/chat", &[("csrf", "nope"), ("text", "hi")])
        .await;
    assert_eq!(status, 409);
    server.stop().await;
}

#[tokio::test]
async fn empty_too_long_and_huge_messages_get_readable_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let mut v = Visitor::arrive(&server).await;

    let (status, body) = v.say("   ").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "Please type a message first.");
    let (status, body) = v.say(&"x".repeat(2001)).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "That message is too long. Please keep it under 2000 characters."
    );
    let huge = "a".repeat(100 * 1024);
    let (status, body) = v.say(&huge).await;
    assert_eq!(
        status, 400,
        "over the 64 kB body limit, still a readable answer"
    );
    assert!(body["error"].as_str().unwrap().contains("too long"));

    // The form gets the page, with the note and the history that came before the text.
    let csrf = v.csrf.clone();
    let (status, html) = v
        .post_form(&[
            ("csrf", &csrf),
            ("h", "m:what I said before"),
            ("text", &huge),
        ])
        .await;
    assert_eq!(status, 400);
    assert!(html.contains("That message is too long."), "{html}");
    assert!(html.contains("what I said before"));
    assert!(!html.contains(&huge[..100]));
    let (status, html) = v.post_form(&[("csrf", &csrf), ("text", "")]).await;
    assert_eq!(status, 400);
    assert!(html.contains("Please type a message first."));

    assert_eq!(web_messages_in(&server), 0, "nothing reached the engine");
    // And the visitor can go on.
    let (status, _) = v.say("hi").await;
    assert_eq!(status, 200);
    server.stop().await;
}

#[tokio::test]
async fn a_flood_from_one_visitor_gets_one_notice_and_others_are_unaffected() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[("HAVEN_RATE_LIMIT", "3")]).await;
    let mut flood = Visitor::arrive(&server).await;
    let mut other = Visitor::arrive(&server).await;
    let mut answers = Vec::new();
    for _ in 0..6 {
        let (status, body) = flood.say("hi").await;
        assert_eq!(status, 200);
        answers.push(replies(&body));
    }
    assert!(answers[..3].iter().all(|r| !r.is_empty()));
    assert_eq!(answers[3].len(), 1);
    assert!(answers[3][0].contains("You are sending messages very fast"));
    assert!(answers[4..].iter().all(|r| r.is_empty()), "told once");
    let (status, body) = other.say("hi").await;
    assert_eq!(status, 200);
    assert!(replies(&body)[0].contains("haven"), "{body}");
    server.stop().await;
}

#[tokio::test]
async fn pushes_wait_for_a_visitor_away_and_stream_live_to_an_open_page() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let mut v = Visitor::arrive(&server).await;
    v.say("I want to talk to someone").await;
    let address = v.address(&server);
    let web = &server.state.web;

    // Nobody listening: it waits, is shown on the next page load, and only once.
    let waiting = Reply::text("Hi, this is Ana, a counselor.");
    assert_eq!(
        web.push(&address, std::slice::from_ref(&waiting)),
        Delivery::Queued
    );
    let (_, html) = v.get("/").await;
    assert!(html.contains("Hi, this is Ana, a counselor."));
    let (_, html) = v.get("/").await;
    assert!(!html.contains("Hi, this is Ana, a counselor."));

    // Without a session there is nothing to listen to.
    let r = reqwest::get(format!("{}/chat/events", server.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 204);

    // An open page gets what waited, then live pushes.
    web.push(&address, &[Reply::text("first")]);
    let r = v
        .request(reqwest::Method::GET, "/chat/events")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let mut stream = r.bytes_stream();
    let mut seen = String::new();
    let mut read_until = async |needle: &str, seen: &mut String| {
        while !seen.contains(needle) {
            let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
                .await
                .expect("an event in time")
                .expect("the stream stays open")
                .unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    read_until("first", &mut seen).await;
    let who = server.state.hub.haven.pseudonym(Channel::Web, &address);
    assert!(web.mailboxes.is_listening(&who));
    let live = Reply {
        text: "Are you somewhere safe?".into(),
        choices: vec!["Yes".into(), "No".into()],
        ..Reply::default()
    };
    assert_eq!(web.push(&address, &[live]), Delivery::Live);
    read_until("Are you somewhere safe?", &mut seen).await;
    let data = seen
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap();
    let event: Value = serde_json::from_str(data).unwrap();
    assert_eq!(event["replies"][0]["choices"][1], "No");
    drop(stream);
    // The server's shutdown is not held up by open streams.
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("graceful shutdown");
}

#[tokio::test]
async fn exit_quickly_ends_the_session_and_leaves_for_a_neutral_site() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let mut v = Visitor::arrive(&server).await;
    v.say("hello").await;
    let who = server
        .state
        .hub
        .haven
        .pseudonym(Channel::Web, &v.address(&server));
    let now = haven::runtime::now();
    assert!(
        server
            .state
            .hub
            .haven
            .store
            .load(&who, now)
            .unwrap()
            .is_some()
    );
    server
        .state
        .web
        .push(&v.address(&server), &[Reply::text("pending")]);

    // A forged token still leaves (and forgets the cookie) but ends nothing.
    let mut forger = Visitor::new(&server);
    forger.cookie = v.cookie.clone();
    let r = forger
        .request(reqwest::Method::POST, "/chat/exit")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        server
            .state
            .hub
            .haven
            .store
            .load(&who, now)
            .unwrap()
            .is_some()
    );

    let r = v
        .request(reqwest::Method::POST, "/chat/exit")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}", v.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "https://www.google.com/search?q=weather"
    );
    let cleared = set_cookie_of(&r).unwrap();
    assert!(cleared.starts_with("haven_web=;") && cleared.contains("Max-Age=0"));
    assert!(
        server
            .state
            .hub
            .haven
            .store
            .load(&who, now)
            .unwrap()
            .is_none()
    );
    assert!(
        server.state.web.mailboxes.is_empty(),
        "waiting texts dropped"
    );

    // The script's beacon gets no redirect.
    let mut w = Visitor::arrive(&server).await;
    w.say("hello").await;
    let r = w
        .request(reqwest::Method::POST, "/chat/exit")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}&js=1", w.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    server.stop().await;
}

#[tokio::test]
async fn the_language_follows_the_conversation_and_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let mut v = Visitor::arrive(&server).await;
    let (_, body) = v.say("hola").await;
    assert_eq!(body["lang"], "es");
    assert_eq!(body["ui"]["send"], "Enviar");
    assert_eq!(body["ui"]["exit"], "Salir rápido");
    let (_, html) = v.get("/").await;
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains("placeholder=\"Escriba un mensaje\""));
    // The privacy line is true while a counselor chat is open (issue 11): it names both things
    // haven does keep.
    assert!(
        html.contains("un chat con un consejero mientras está abierto"),
        "{html}"
    );

    // A first visit follows the browser's language, without keeping it.
    let r = reqwest::Client::new()
        .get(format!("{}/", server.url))
        .header("accept-language", "es-MX,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("<html lang=\"es\">"));
    let en = reqwest::get(format!("{}/", server.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains(
            "a chat with a counselor while it is open (kept encrypted, deleted when it closes)"
        ),
        "{en}"
    );
    assert!(!en.contains("haven doesn't keep what you write."), "{en}");
    server.stop().await;
}

#[tokio::test]
async fn a_cross_site_first_visit_reloads_from_our_own_origin() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let r = reqwest::Client::new()
        .get(format!("{}/", server.url))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        set_cookie_of(&r).is_none(),
        "no new session over a running one"
    );
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("http-equiv=\"refresh\" content=\"0; url=/\"")
    );
    server.stop().await;
}

#[tokio::test]
async fn the_embed_script_and_the_pages_own_assets_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let r = reqwest::get(format!("{}/embed.js", server.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(r.headers()["cross-origin-resource-policy"], "cross-origin");
    let js = r.text().await.unwrap();
    assert!(js.contains("\"en\":\"Chat with haven\""), "{js}");
    assert!(js.contains("\"es\":\"Chatear con haven\""));
    assert!(!js.contains("__LABELS__"));
    for (path, kind) in [
        ("/chat/static/chat.js", "text/javascript"),
        ("/chat/static/chat.css", "text/css"),
    ] {
        let r = reqwest::get(format!("{}{path}", server.url)).await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn with_nothing_configured_the_chat_is_served_on_localhost_8080() {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let root = support::server::root();
    let flows = root.join("flows").display().to_string();
    let locales = root.join("locales").display().to_string();
    // Only where to keep data and find the shipped files; no secret, no URL, no channel.
    let config = haven::config::Config::load_with(None, &|k| match k {
        "HAVEN_DATA" => Some(data.clone()),
        "HAVEN_FLOWS" => Some(flows.clone()),
        "HAVEN_LOCALES" => Some(locales.clone()),
        _ => None,
    })
    .unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    let state = std::sync::Arc::new(haven::server::State::build(config).unwrap());
    let resp = haven::server::app(state)
        .oneshot(
            axum::http::Request::get("/")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("<form id=\"send\""));
}

#[tokio::test]
async fn nothing_a_visitor_wrote_or_their_session_id_is_logged_or_stored() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let mut v = Visitor::arrive(&server).await;
    let secret_words = "my friend Jordan overdosed at 12 Elm Street";
    let (status, body) = v.say(secret_words).await;
    assert_eq!(status, 200);
    assert!(replies(&body)[0].starts_with("Call 911 now."));
    v.say("Zebra-42 is my name").await;
    v.say(&"q".repeat(3000)).await;
    let address = v.address(&server);
    server.stop().await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    let disk = all_bytes_under(dir.path());
    for needle in ["Jordan", "Elm Street", "Zebra-42", address.as_str()] {
        assert!(!text.contains(needle), "log contains {needle:?}");
        assert!(!contains(&disk, needle), "disk contains {needle:?}");
    }
    assert!(text.contains("intent=emergency"), "logs carry intents");
}

#[tokio::test]
async fn every_phone_number_in_a_reply_is_a_tel_link_in_both_paths() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    // With no directory imported, a services question ends with the national helpline.
    let mut v = Visitor::arrive(&server).await;
    let (status, json) = v.say("where can i get narcan").await;
    assert_eq!(status, 200);
    assert_eq!(json["handoff"], false);
    let (_, json) = v.say("10001").await;
    let html: String = json["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["html"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        replies(&json).iter().any(|t| t.contains("1-800-662-4357")),
        "{json}"
    );
    assert!(
        html.contains("<a class=\"tel\" href=\"tel:+18006624357\">1-800-662-4357</a>"),
        "{html}"
    );
    // The page's intro, as the script receives it when the language changes.
    assert!(
        json["ui_html"]["intro"]
            .as_str()
            .unwrap()
            .contains("<a class=\"tel\" href=\"tel:911\">911</a>"),
        "{json}"
    );

    // Without JavaScript the re-rendered page links the same numbers; what the visitor wrote
    // is never turned into a link.
    let mut v = Visitor::arrive(&server).await;
    let csrf = v.csrf.clone();
    let (status, page) = v
        .post_form(&[
            ("csrf", &csrf),
            ("text", "call 988 for me? my friend won't wake up"),
        ])
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"tel:911\""), "the 911 reply is linked");
    assert!(
        page.contains("call 988 for me?"),
        "the visitor's words are shown as written"
    );
    assert!(
        !page.contains("<a class=\"tel\" href=\"tel:988\">988</a> for me"),
        "and not linked"
    );
    server.stop().await;
}

/// A server with a counselor account (so people are queued, not told no one is there) and the
/// web chat's ticket caps set low.
async fn with_counselors(dir: &std::path::Path, total: usize, per_network: usize) -> TestServer {
    haven::counselors::console::accounts::Accounts::new(dir)
        .set("maria", "correct horse battery", 0)
        .unwrap();
    let config = dir.join("haven.toml");
    std::fs::write(
        &config,
        format!(
            "[counselors]\nweb_open_tickets = {total}\nweb_open_tickets_per_network = {per_network}\n"
        ),
    )
    .unwrap();
    TestServer::start_with_config(dir, &config, &[]).await
}

// Issue 12: 30 throwaway web sessions saying "talk to someone" then "overdose" made 30 urgent
// tickets in a tenth of a second, each posted to the counselors, ahead of real overdoses. Now
// the open web tickets are capped per network and overall, and every overdose message still
// gets the emergency reply at once, in its own answer.
#[tokio::test]
async fn throwaway_web_sessions_cannot_flood_the_queue_and_every_overdose_is_answered_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = with_counselors(dir.path(), 5, 2).await;
    let mut desk = server.state.hub.handoff.subscribe();
    // Thirty sessions from one network (one machine, through the proxy).
    for _ in 0..30 {
        let mut v = Visitor::arrive_from(&server, "203.0.113.7").await;
        let (status, body) = v.say("can i talk to someone").await;
        assert_eq!(status, 200);
        assert!(!replies(&body).is_empty(), "{body}");
        let (status, body) = v.say("my friend is overdosing").await;
        assert_eq!(status, 200);
        assert!(
            replies(&body)[0].starts_with("Call 911 now."),
            "the emergency reply comes first, always: {body}"
        );
    }
    let queue = server.state.hub.handoff.queue().unwrap();
    assert_eq!(queue.len(), 2, "two open web tickets from one network");
    // Sessions from ten other networks: the overall cap holds.
    for i in 0..10 {
        let mut v = Visitor::arrive_from(&server, &format!("198.51.{i}.7")).await;
        v.say("can i talk to someone").await;
        let (_, body) = v.say("my friend is overdosing").await;
        assert!(replies(&body)[0].starts_with("Call 911 now."), "{body}");
    }
    let queue = server.state.hub.handoff.queue().unwrap();
    assert_eq!(queue.len(), 5, "five open web tickets in all");
    let mut announced = 0;
    while let Ok(e) = desk.try_recv() {
        if matches!(e, haven::handoff::DeskEvent::Opened(_)) {
            announced += 1;
        }
    }
    assert_eq!(
        announced, 5,
        "counselors were told of five tickets, not forty"
    );
    let refused = |reason| {
        server
            .state
            .hub
            .metrics
            .get("haven_web_handoffs_refused_total", &[("reason", reason)])
    };
    assert_eq!(refused("network"), 28);
    assert_eq!(refused("total"), 7);
    let text = server.state.hub.metrics.render();
    assert!(
        text.contains("haven_web_handoffs_refused_total{reason=\"network\"} 28"),
        "operators see the cap is hit: {text}"
    );
    // Someone refused is told where to turn instead.
    let mut v = Visitor::arrive_from(&server, "192.0.2.1").await;
    let (_, body) = v.say("can i talk to someone").await;
    let said = replies(&body).join(" ");
    assert!(
        said.contains("can't take more chats") && said.contains("988"),
        "{said}"
    );
    server.stop().await;
}

// Issue 12: a web visitor joins the queue only after a real exchange. A first message asking
// for a person opens a held ticket that counselors do not see; the visitor's next message puts
// it in the queue, with both messages, and they hear their place.
#[tokio::test]
async fn a_web_visitor_joins_the_queue_only_after_writing_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = with_counselors(dir.path(), 30, 3).await;
    let handoff = &server.state.hub.handoff;
    let mut desk = handoff.subscribe();
    let mut v = Visitor::arrive(&server).await;
    let (_, body) = v.say("can i talk to someone").await;
    let said = replies(&body).join(" ");
    assert!(said.contains("Send one more message"), "{said}");
    assert!(handoff.queue().unwrap().is_empty(), "not in the queue yet");
    assert!(desk.try_recv().is_err(), "counselors are not told yet");
    let (_, body) = v.say("my roommate relapsed and i am scared").await;
    let said = replies(&body).join(" ");
    assert!(said.contains("You're number 1 in line"), "{said}");
    let queue = handoff.queue().unwrap();
    assert_eq!(queue.len(), 1);
    let lines: Vec<String> = handoff
        .transcript(queue[0].id)
        .unwrap()
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert_eq!(
        lines,
        [
            "can i talk to someone",
            "my roommate relapsed and i am scared"
        ]
    );
    assert!(matches!(
        desk.try_recv(),
        Ok(haven::handoff::DeskEvent::Opened(_))
    ));
    // After a first exchange, asking opens the ticket at once.
    let mut w = Visitor::arrive(&server).await;
    w.say("hi").await;
    let (_, body) = w.say("can i talk to someone").await;
    assert!(
        replies(&body).join(" ").contains("number 2 in line"),
        "{body}"
    );
    // A held ticket whose visitor never writes again is closed unseen; they are back with
    // the bot.
    let mut x = Visitor::arrive(&server).await;
    x.say("i need to talk to someone").await;
    let x_who = server
        .state
        .hub
        .haven
        .pseudonym(Channel::Web, &x.address(&server));
    let later = haven::runtime::now() + haven::handoff::HOLD_SECS + 1;
    handoff.tick(later).unwrap();
    let session = server.state.hub.haven.store.load(&x_who, later).unwrap();
    assert!(session.unwrap().session.handoff.is_none());
    assert_eq!(handoff.queue().unwrap().len(), 2, "the others stay in line");
    assert_eq!(
        server
            .state
            .hub
            .metrics
            .get("haven_handoff_closed_total", &[("outcome", "unconfirmed")]),
        1
    );
    // One visitor cannot open ticket after ticket: three in an hour.
    let mut y = Visitor::arrive(&server).await;
    y.say("hi").await;
    for _ in 0..haven::messaging::admission::TICKETS_PER_VISITOR_PER_HOUR {
        let (_, body) = y.say("can i talk to someone").await;
        assert!(replies(&body).join(" ").contains("in line"), "{body}");
        y.say("menu").await;
    }
    let (_, body) = y.say("can i talk to someone").await;
    assert!(
        replies(&body).join(" ").contains("can't take more chats"),
        "{body}"
    );
    server.stop().await;
}

// Issue 12: 800 live-update streams on one cookie were accepted. A visitor may keep three pages
// live, and the server a share of its connections (here 12 connections: 6 web streams).
#[tokio::test]
async fn live_streams_are_capped_per_visitor_and_overall() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[("HAVEN_MAX_CONNECTIONS", "12")]).await;
    let open = async |v: &Visitor| {
        v.request(reqwest::Method::GET, "/chat/events")
            .send()
            .await
            .unwrap()
    };
    let a = Visitor::arrive(&server).await;
    let mut kept = Vec::new();
    for _ in 0..3 {
        let r = open(&a).await;
        assert_eq!(r.status(), 200);
        kept.push(r);
    }
    assert_eq!(open(&a).await.status(), 429, "a fourth tab of one visitor");
    let b = Visitor::arrive(&server).await;
    for _ in 0..3 {
        let r = open(&b).await;
        assert_eq!(r.status(), 200);
        kept.push(r);
    }
    let c = Visitor::arrive(&server).await;
    assert_eq!(open(&c).await.status(), 429, "past the overall cap");
    assert_eq!(
        server
            .state
            .hub
            .metrics
            .get("haven_streams_refused_total", &[("kind", "web")]),
        2
    );
    // Without live updates the page still works: a message is answered.
    let mut c = c;
    let (status, _) = c.say("hi").await;
    assert_eq!(status, 200);
    drop(kept);
    server.stop().await;
}

// Issue 12: a cross-site POST to /chat or /chat/exit replaced or cleared the visitor's session
// cookie (the browser sends no SameSite=Strict cookie with it, so haven started a new session
// over the running one, or told the browser to forget it).
#[tokio::test]
async fn a_cross_site_post_cannot_replace_or_clear_the_visitors_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path(), &[]).await;
    let mut v = Visitor::arrive(&server).await;
    let (status, _) = v.say("hi").await;
    assert_eq!(status, 200);
    let session = v.address(&server);
    let attacker = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let from_elsewhere = [
        ("sec-fetch-site", "cross-site"),
        // A browser without Fetch Metadata, judged by the Origin it names.
        ("origin", "https://elsewhere.example"),
    ];
    for (header, value) in from_elsewhere {
        for path in ["/chat", "/chat/exit"] {
            let r = attacker
                .post(format!("{}{path}", server.url))
                .header(header, value)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("text=hi&csrf=x")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{path} from another site ({header})");
            assert!(
                set_cookie_of(&r).is_none(),
                "{path} from another site ({header}) must not set or clear the cookie"
            );
        }
    }
    // The visitor's own page goes on with the same session.
    let (status, body) = v.say("how do i use narcan").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(v.address(&server), session);
    // And Exit quickly from the visitor's own page still works.
    let csrf = v.csrf.clone();
    let r = v
        .request(reqwest::Method::POST, "/chat/exit")
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(set_cookie_of(&r).unwrap().contains("Max-Age=0"));
    server.stop().await;
}
