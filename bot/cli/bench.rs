//! `haven bench`: throughput and latency measured in-process, reported as figures.
//!
//! `engine`: messages through triage, a flow step and the sled commit, on the calling thread,
//! for a mix of intents from many distinct people. Each message's latency is measured with
//! `Instant`; the report gives messages per second and percentiles.

use anyhow::Context;
use std::sync::Arc;
use std::time::{Duration, Instant};

use haven::engine::{Channel, Content, Ctx};
use haven::runtime::{DEFAULT_SESSION_TTL_SECS, Haven};
use haven::store::{Keys, MemoryStore, SledStore, Store};

use haven::config::Config;

use super::load_engine;

/// A mix of what people send: emergencies, questions, answers to questions, noise.
const MIX: &[&str] = &[
    "my friend won't wake up",
    "hi",
    "how do i use narcan",
    "where can i get needles",
    "10001",
    "2",
    "1",
    "mi hermano no respira",
    "hola",
    "i want to talk to someone",
    "thanks",
    "donde consigo naloxona",
    "is it safe to use alone",
    "ok",
    "he is not breathing and his lips are blue",
    "what is fentanyl",
];

pub fn engine(
    config: &Config,
    people: usize,
    messages: usize,
    memory: bool,
    seconds_per_message: f64,
) -> anyhow::Result<()> {
    let engine = Arc::new(load_engine(config)?);
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = if memory {
        Arc::new(MemoryStore::new())
    } else {
        Arc::new(SledStore::open(dir.path())?)
    };
    let haven = Haven::new(
        engine,
        store.clone(),
        Keys::random()?,
        DEFAULT_SESSION_TTL_SECS,
    );
    let ctx = Ctx::default();
    let users: Vec<String> = (0..people).map(|i| format!("+1555{i:07}")).collect();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        // xorshift: deterministic, no dependency, good enough to spread load.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let now0 = haven::runtime::now();
    // Warm up: every person says something once, so the store holds `people` sessions.
    for (i, u) in users.iter().enumerate() {
        haven.handle(
            Channel::Sms,
            u,
            Content::Text(MIX[i % MIX.len()]),
            now0,
            &ctx,
        )?;
    }
    let mut lat = Vec::with_capacity(messages);
    let start = Instant::now();
    for i in 0..messages {
        let u = &users[(next() % people as u64) as usize];
        let m = MIX[(next() % MIX.len() as u64) as usize];
        let t = Instant::now();
        let now = now0 + 1 + (i as f64 * seconds_per_message) as i64;
        let h = haven.handle(Channel::Sms, u, Content::Text(m), now, &ctx)?;
        lat.push(t.elapsed());
        std::hint::black_box(h);
    }
    let total = start.elapsed();
    store.flush()?;
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "engine benchmark: triage + flow step + {} commit, one thread",
        if memory {
            "in-memory (not sled)"
        } else {
            "sled"
        }
    );
    println!("  people:        {people}");
    println!(
        "  simulated time: {seconds_per_message} s per message ({:.0} s in all)",
        messages as f64 * seconds_per_message
    );
    println!("  messages:      {messages}");
    println!("  sessions:      {}", store.session_count()?);
    println!(
        "  throughput:    {:.0} messages/s",
        messages as f64 / total.as_secs_f64()
    );
    println!("  latency p50:   {:.1} µs", us(pct(0.50)));
    println!("  latency p99:   {:.1} µs", us(pct(0.99)));
    println!("  latency p99.9: {:.1} µs", us(pct(0.999)));
    println!(
        "  latency max:   {:.1} µs",
        us(*lat.last().unwrap_or(&Duration::ZERO))
    );
    Ok(())
}

/// `haven bench referrals`: lookups among 50,000 generated services.
pub fn referrals() -> anyhow::Result<()> {
    println!("{}", haven::referrals::run_bench());
    Ok(())
}

/// What `haven bench http` is asked to do.
pub struct HttpOptions {
    /// Seconds of load per target (after a second of warm-up that is not counted).
    pub seconds: u64,
    /// Connections the load generator keeps busy at once.
    pub connections: usize,
    /// Distinct people the requests come from.
    pub senders: usize,
    /// Send only "hi" (one TwiML reply, no REST sends) instead of the mix of intents.
    pub single_reply: bool,
    /// Also run the session-count sweep (1k, 100k and 1M stored sessions).
    pub sweep: bool,
    /// Another server already running (e.g. `deploy/bench/flask_peer.py`) to load the same way
    /// and list beside haven; it must check signatures made with the benchmark's auth token.
    pub peer: Option<String>,
}

/// `haven bench http`: signed Twilio webhooks per second and latency, for `haven serve` and for
/// a bare axum route built in this binary, each in a process of its own, loaded by this
/// process over loopback (client and servers share the machine's cores).
pub fn http(config: &Config, o: HttpOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(http_async(config, o))
}

/// `haven bench bare-route` (hidden): the bare route `haven bench http` compares haven with,
/// served on `listen` until killed. The same layers as haven's webhook (body limit, request
/// timeout) and a constant TwiML answer: what axum and the kernel cost, and nothing else.
pub fn bare_route(listen: std::net::SocketAddr) -> anyhow::Result<()> {
    use axum::routing::post;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let app = axum::Router::new()
            .route(
                "/sms/twilio",
                post(|| async {
                    (
                        [(axum::http::header::CONTENT_TYPE, "text/xml")],
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>hi</Message></Response>",
                    )
                }),
            )
            .layer(tower_http::limit::RequestBodyLimitLayer::new(
                haven::messaging::BODY_LIMIT,
            ))
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                haven::server::REQUEST_TIMEOUT,
            ));
        let listener = tokio::net::TcpListener::bind(listen).await?;
        axum::serve(listener, app).await?;
        anyhow::Ok(())
    })
}

const ACCOUNT: &str = "AC00000000000000000000000000000000"; // a fake SID: the benchmark plays Twilio
const TOKEN: &str = "bench-auth-token-0123456789abcdef";
const SECRET: &str = "benchmark-secret-0123456789abcdef";
const METRICS_TOKEN: &str = "bench-metrics-token-0123456789abcdef";
/// Services in the directory `haven serve` runs with, as the issue's figures assume.
const DIRECTORY_SERVICES: usize = 50_000;

/// A server process started by the benchmark, killed when dropped.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    fn rss_mib(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kib| kib / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A free port on loopback (the child binds it a moment later).
fn free_addr() -> anyhow::Result<std::net::SocketAddr> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?)
}

/// Starts `haven <args>` with only the given HAVEN_* variables and waits until `ready` answers.
async fn start(
    args: &[&str],
    vars: &[(&str, String)],
    base: String,
    ready: &str,
    log: &std::path::Path,
) -> anyhow::Result<Server> {
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("HAVEN_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .env("HAVEN_LOG", "error")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(log)?);
    let mut server = Server {
        child: cmd.spawn()?,
        base,
    };
    let client = reqwest::Client::new();
    let url = format!("{}{ready}", server.base);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = client.get(&url).send().await
            && r.status().as_u16() != 404
        {
            return Ok(server);
        }
        let exited = server.child.try_wait()?.is_some();
        if exited || Instant::now() > deadline {
            anyhow::bail!(
                "`haven {}` {}: {}",
                args.join(" "),
                if exited {
                    "stopped"
                } else {
                    "did not answer within 120 s"
                },
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A data directory with the 50k-service directory and `sessions` stored sessions of people
/// `+1555xxxxxxx` (one in 144 of them expired in the last ten-minute slot, as when sessions of
/// a day expire evenly). Returns how long purging the expired ones took, as the sweeper would.
fn prepare_data(
    dir: &std::path::Path,
    directory_csv: &str,
    sessions: usize,
) -> anyhow::Result<Duration> {
    let csv = dir.join("bench-directory.csv");
    std::fs::write(&csv, directory_csv)?;
    let data = dir.join("data");
    haven::referrals::import_cmd(&csv, &data).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::remove_file(&csv)?;
    let keys = Keys::from_secret(SECRET.as_bytes())?;
    let store = SledStore::open(&data)?;
    let now = haven::runtime::now();
    let session = haven::engine::Session {
        flow: Some("services".into()),
        step: Some("ask-where".into()),
        last_seen: now,
        turns: 2,
        ..Default::default()
    };
    for i in 0..sessions {
        let who = keys.pseudonym(Channel::Sms, &format!("+1555{i:07}"));
        let expires = if i % 144 == 0 {
            now - 700
        } else {
            now + 600 + (i as i64 * 7) % (DEFAULT_SESSION_TTL_SECS - 600)
        };
        store.save(&who, &session, expires, None)?;
    }
    store.flush()?;
    let t = Instant::now();
    let purged = store.purge_expired(now)?;
    let purge = t.elapsed();
    anyhow::ensure!(purged == sessions.div_ceil(144), "purged {purged} sessions");
    store.flush()?;
    Ok(purge)
}

/// A path as the child will find it whatever its working directory.
fn absolute(p: &std::path::Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_owned())
        .display()
        .to_string()
}

async fn start_haven(
    config: &Config,
    dir: &std::path::Path,
    twilio: &str,
) -> anyhow::Result<(Server, Duration)> {
    let addr = free_addr()?;
    let base = format!("http://{addr}");
    let vars = [
        ("HAVEN_DATA", dir.join("data").display().to_string()),
        ("HAVEN_SECRET", SECRET.to_string()),
        ("HAVEN_LISTEN", addr.to_string()),
        ("HAVEN_PUBLIC_URL", base.clone()),
        ("HAVEN_METRICS_TOKEN", METRICS_TOKEN.to_string()),
        ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT.to_string()),
        ("HAVEN_TWILIO_AUTH_TOKEN", TOKEN.to_string()),
        ("HAVEN_TWILIO_FROM", "+15555550100".to_string()),
        ("HAVEN_TWILIO_API_URL", twilio.to_string()),
        ("HAVEN_FLOWS", absolute(&config.flows)),
        ("HAVEN_LOCALES", absolute(&config.locales)),
    ];
    let t = Instant::now();
    let server = start(&["serve"], &vars, base, "/healthz", &dir.join("serve.log")).await?;
    Ok((server, t.elapsed()))
}

async fn http_async(config: &Config, o: HttpOptions) -> anyhow::Result<()> {
    use axum::routing::post;
    use std::sync::atomic::{AtomicU64, Ordering};

    // A Twilio stand-in that accepts every send, for the texts that go out by REST.
    let accepted = Arc::new(AtomicU64::new(0));
    let acc = accepted.clone();
    let fake = axum::Router::new().route(
        "/2010-04-01/Accounts/{sid}/Messages.json",
        post(move || {
            let acc = acc.clone();
            async move {
                acc.fetch_add(1, Ordering::Relaxed);
                (
                    axum::http::StatusCode::CREATED,
                    r#"{"sid":"SM00000000000000000000000000000000","status":"queued"}"#,
                )
            }
        }),
    );
    let fake_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let twilio = format!("http://{}", fake_listener.local_addr()?);
    tokio::spawn(async move { axum::serve(fake_listener, fake).await });

    let directory_csv =
        haven::referrals::bench::synthetic_directory(DIRECTORY_SERVICES, 0x5eed_4a7e);
    let messages = if o.single_reply {
        "\"hi\" (one reply, TwiML only)"
    } else {
        "the engine benchmark's mix (emergencies also queue texts for REST)"
    };
    println!(
        "http benchmark: {} connections from this process, {} s per target after 1 s of warm-up, \
         {} senders, every request a distinct MessageSid signed as Twilio signs it; \
         messages: {messages}; haven with a {DIRECTORY_SERVICES}-service directory",
        o.connections, o.seconds, o.senders
    );

    let mut sid = 0u64;
    let people = Senders::new(o.senders, o.senders);
    let peer = o.peer.as_deref().map(|url| url.trim_end_matches('/'));
    if let Some(url) = peer {
        probe(url, &people, &mut sid).await?;
    }
    // The bare route, haven and the peer, one after the other, the same load.
    let dir = tempfile::tempdir()?;
    prepare_data(dir.path(), &directory_csv, 0)?;
    let bare_addr = free_addr()?;
    let bare = start(
        &["bench", "bare-route", "--listen", &bare_addr.to_string()],
        &[],
        format!("http://{bare_addr}"),
        "/sms/twilio",
        &dir.path().join("bare.log"),
    )
    .await?;
    let bare_report = load(&bare.base, &o, &people, &mut sid).await?;
    let bare_rss = bare.rss_mib();
    drop(bare);
    let (haven, _) = start_haven(config, dir.path(), &twilio).await?;
    let idle_rss = haven.rss_mib();
    let haven_report = load(&haven.base, &o, &people, &mut sid).await?;
    let haven_rss = haven.rss_mib();
    drop(haven);
    let peer_report = match peer {
        Some(url) => Some(load(url, &o, &people, &mut sid).await?),
        None => None,
    };

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {:<22} {:>8} {:>9} {:>9} {:>8} {:>10}",
        "server", "req/s", "p50 ms", "p99 ms", "vs bare", "RSS MiB"
    );
    let mut rows = vec![
        ("bare axum route", &bare_report, Some(bare_rss)),
        ("haven serve", &haven_report, Some(haven_rss)),
    ];
    // The peer is not our process: its RSS is not ours to read.
    if let Some(r) = &peer_report {
        rows.push(("peer (--peer)", r, None));
    }
    for (name, r, rss) in rows {
        println!(
            "  {name:<22} {:>8.0} {:>9.2} {:>9.2} {:>8.2} {:>10}",
            r.rate,
            ms(r.p50),
            ms(r.p99),
            r.rate / bare_report.rate,
            rss.map_or("-".to_owned(), |rss| format!("{rss:.0}")),
        );
    }
    println!(
        "  haven: p99 {:.1}x the bare route's; RSS {idle_rss:.0} MiB idle, {haven_rss:.0} MiB after the load",
        haven_report.p99.as_secs_f64() / bare_report.p99.as_secs_f64().max(1e-9)
    );
    println!(
        "  requests: bare {} ({} not 200), haven {} ({} not 200); texts the Twilio stand-in accepted: {}",
        bare_report.count,
        bare_report.errors,
        haven_report.count,
        haven_report.errors,
        accepted.load(Ordering::Relaxed)
    );
    if let Some(r) = &peer_report {
        println!(
            "  peer: {} requests ({} not 200); haven / peer: {:.1}x",
            r.count,
            r.errors,
            haven_report.rate / r.rate.max(1e-9)
        );
    }

    if !o.sweep {
        return Ok(());
    }
    println!();
    println!(
        "  sweep: haven serve with N stored sessions (the {} senders are among them)",
        o.senders
    );
    println!(
        "  {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>10} {:>11} {:>11}",
        "sessions",
        "req/s",
        "p50 ms",
        "p99 ms",
        "RSS idle",
        "RSS after",
        "startup s",
        "purge ms",
        "/metrics ms"
    );
    for n in [1_000usize, 100_000, 1_000_000] {
        let dir = tempfile::tempdir()?;
        let purge = prepare_data(dir.path(), &directory_csv, n)?;
        let (haven, startup) = start_haven(config, dir.path(), &twilio).await?;
        let idle = haven.rss_mib();
        let people = Senders::new(o.senders, n);
        let r = load(&haven.base, &o, &people, &mut sid).await?;
        let after = haven.rss_mib();
        let (scrape, sessions) = scrape_metrics(&haven.base).await?;
        drop(haven);
        println!(
            "  {n:>9} {:>8.0} {:>9.2} {:>9.2} {idle:>9.0} {after:>9.0} {:>10.1} {:>11.1} {:>11.2}   ({} requests, {} not 200; {sessions} sessions after)",
            r.rate,
            ms(r.p50),
            ms(r.p99),
            startup.as_secs_f64(),
            ms(purge),
            ms(scrape),
            r.count,
            r.errors,
        );
    }
    println!(
        "  (RSS in MiB; purge: the sweeper's pass over a slot of n/144 expired sessions; /metrics: median of 20 scrapes)"
    );
    Ok(())
}

/// The median time of 20 scrapes of `/metrics`, and the session count it gave.
async fn scrape_metrics(base: &str) -> anyhow::Result<(Duration, String)> {
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    let mut sessions = String::new();
    for _ in 0..20 {
        let t = Instant::now();
        let body = client
            .get(format!("{base}/metrics"))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        times.push(t.elapsed());
        sessions = body
            .lines()
            .find_map(|l| l.strip_prefix("haven_sessions "))
            .unwrap_or("?")
            .to_owned();
    }
    times.sort_unstable();
    Ok((times[times.len() / 2], sessions))
}

/// Which phone number the k-th request comes from: `senders` people, spread evenly over the
/// `stored` whose sessions are on disk (or beyond them, when fewer are stored).
struct Senders {
    senders: usize,
    stride: usize,
}

impl Senders {
    fn new(senders: usize, stored: usize) -> Senders {
        Senders {
            senders: senders.max(1),
            stride: (stored / senders.max(1)).max(1),
        }
    }

    fn phone(&self, k: u64) -> String {
        let i = (k as usize % self.senders) * self.stride;
        format!("+1555{i:07}")
    }
}

struct LoadReport {
    rate: f64,
    p50: Duration,
    p99: Duration,
    count: usize,
    errors: usize,
}

/// A Twilio SMS webhook for `url`, signed as Twilio signs it, with MessageSid number `sid`.
fn signed_webhook(
    client: &reqwest::Client,
    url: &str,
    sid: u64,
    from: &str,
    text: &str,
) -> anyhow::Result<reqwest::RequestBuilder> {
    use haven::channels::sms::signature;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("MessageSid", &format!("SM{sid:032x}"))
        .append_pair("AccountSid", ACCOUNT)
        .append_pair("From", from)
        .append_pair("To", "+15555550100")
        .append_pair("Body", text)
        .finish();
    let sig = signature::sign(TOKEN, url, body.as_bytes())?;
    Ok(client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(body))
}

/// One signed webhook to a server the benchmark did not start, so that a peer that is not
/// listening, or that refuses our signatures, stops the run instead of being timed failing.
async fn probe(base: &str, people: &Senders, sid: &mut u64) -> anyhow::Result<()> {
    let url = format!("{base}/sms/twilio");
    let n = *sid;
    *sid += 1;
    let r = signed_webhook(&reqwest::Client::new(), &url, n, &people.phone(0), "hi")?
        .send()
        .await
        .with_context(|| format!("the peer at {url} does not answer"))?;
    let status = r.status();
    if !status.is_success() {
        anyhow::bail!(
            "the peer at {url} answered a signed webhook with {status}; it must check signatures \
             with the benchmark's auth token {TOKEN:?} (see deploy/bench/flask_peer.py)"
        );
    }
    Ok(())
}

/// `o.connections` tasks each send one request at a time for a warm-up second and then
/// `o.seconds`, reading every answer to the end. Every request is built and signed as it is
/// sent: a MessageSid never used before (`sid` goes on from run to run), the next sender.
async fn load(
    base: &str,
    o: &HttpOptions,
    people: &Senders,
    sid: &mut u64,
) -> anyhow::Result<LoadReport> {
    use std::sync::atomic::{AtomicU64, Ordering};

    let url = format!("{base}/sms/twilio");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(o.connections)
        .build()?;
    let next = Arc::new(AtomicU64::new(*sid));
    let warm = Instant::now() + Duration::from_secs(1);
    let deadline = warm + Duration::from_secs(o.seconds);
    let phones: Arc<Vec<String>> = Arc::new(
        (0..people.senders as u64)
            .map(|k| people.phone(k))
            .collect(),
    );
    let mut tasks = Vec::new();
    for _ in 0..o.connections {
        let client = client.clone();
        let url = url.clone();
        let next = next.clone();
        let phones = phones.clone();
        let single = o.single_reply;
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            loop {
                let started = Instant::now();
                if started >= deadline {
                    break;
                }
                let n = next.fetch_add(1, Ordering::Relaxed);
                let text = if single {
                    "hi"
                } else {
                    MIX[n as usize % MIX.len()]
                };
                let r = signed_webhook(&client, &url, n, &phones[n as usize % phones.len()], text)?
                    .send()
                    .await;
                let ok = match r {
                    Ok(r) => {
                        let status = r.status();
                        // Read to the end: an answer not read is not an answer served.
                        r.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                if started >= warm {
                    lat.push(started.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
            }
            anyhow::Ok((lat, errors))
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await??;
        lat.extend(l);
        errors += e;
    }
    *sid = next.load(Ordering::Relaxed);
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(LoadReport {
        rate: lat.len() as f64 / o.seconds as f64,
        p50: pct(0.50),
        p99: pct(0.99),
        count: lat.len(),
        errors,
    })
}
