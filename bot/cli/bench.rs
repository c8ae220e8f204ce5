//! `haven bench`: throughput and latency measured in-process, reported as figures.
//!
//! `engine`: messages through triage, a flow step and the sled commit, on the calling thread,
//! for a mix of intents from many distinct people. Each message's latency is measured with
//! `Instant`; the report gives messages per second and percentiles.

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

/// `haven bench http`: signed Twilio webhooks per second and latency at `concurrency`
/// connections, measured in the same run as a bare axum route with the same layers, on the
/// same machine (client and server share its cores).
pub fn http(
    config: &Config,
    seconds: u64,
    concurrency: usize,
    single_reply: bool,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(http_async(config, seconds, concurrency, single_reply))
}

const ACCOUNT: &str = "AC00000000000000000000000000000000"; // a fake SID: the benchmark plays Twilio
const TOKEN: &str = "bench-auth-token-0123456789abcdef";

async fn http_async(
    config: &Config,
    seconds: u64,
    concurrency: usize,
    single_reply: bool,
) -> anyhow::Result<()> {
    use axum::routing::post;
    use haven::channels::sms::signature;
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
    let fake_url = format!("http://{}", fake_listener.local_addr()?);
    tokio::spawn(async move { axum::serve(fake_listener, fake).await });

    // haven, configured as in production but on loopback with a throwaway data dir.
    let dir = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let vars: std::collections::BTreeMap<&str, String> = [
        ("HAVEN_DATA", dir.path().display().to_string()),
        (
            "HAVEN_SECRET",
            "benchmark-secret-0123456789abcdef".to_string(),
        ),
        ("HAVEN_PUBLIC_URL", base.clone()),
        ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT.to_string()),
        ("HAVEN_TWILIO_AUTH_TOKEN", TOKEN.to_string()),
        ("HAVEN_TWILIO_FROM", "+15555550100".to_string()),
        ("HAVEN_TWILIO_API_URL", fake_url),
        ("HAVEN_FLOWS", config.flows.display().to_string()),
        ("HAVEN_LOCALES", config.locales.display().to_string()),
    ]
    .into_iter()
    .collect();
    let cfg = Config::load_with(None, &|k| vars.get(k).cloned())?;
    let state = Arc::new(haven::server::State::build(cfg)?);
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let _tasks = haven::server::spawn_background(&state, stop_rx);
    // The same accept loop (and connection limits) as `haven serve`.
    let served = state.clone();
    tokio::spawn(async move {
        haven::server::serve(
            listener,
            served,
            haven::server::Limits::default(),
            std::future::pending(),
        )
        .await
    });

    // The bare route: the same layers, a constant TwiML answer.
    let bare_app = axum::Router::new()
        .route(
            "/sms/twilio",
            post(|| async { ([(axum::http::header::CONTENT_TYPE, "text/xml")], "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>hi</Message></Response>") }),
        )
        .layer(tower_http::limit::RequestBodyLimitLayer::new(haven::messaging::BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, haven::server::REQUEST_TIMEOUT));
    let bare_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let bare = format!("http://{}", bare_listener.local_addr()?);
    tokio::spawn(async move { axum::serve(bare_listener, bare_app).await });

    // Requests are signed before the clock starts, so the client spends little per request.
    // Most messages get one reply (TwiML only); the emergency ones also queue texts for REST.
    let url = format!("{base}/sms/twilio");
    let per_task = 20_000usize;
    let mut work: Vec<Vec<(String, String)>> = Vec::new();
    for t in 0..concurrency {
        let mut v = Vec::with_capacity(per_task);
        for i in 0..per_task {
            let n = t * per_task + i;
            let body = form_urlencoded::Serializer::new(String::new())
                .append_pair("MessageSid", &format!("SM{n:032x}"))
                .append_pair("AccountSid", ACCOUNT)
                .append_pair("From", &format!("+1555{:07}", n % 100_000))
                .append_pair("To", "+15555550100")
                .append_pair(
                    "Body",
                    if single_reply {
                        "hi"
                    } else {
                        MIX[n % MIX.len()]
                    },
                )
                .finish();
            let sig = signature::sign(TOKEN, &url, body.as_bytes())?;
            v.push((body, sig));
        }
        work.push(v);
    }
    let work = Arc::new(work);

    println!(
        "http benchmark: {concurrency} connections, {seconds} s per target, client and server on this machine; messages: {}",
        if single_reply {
            "\"hi\" (one reply, TwiML only)"
        } else {
            "the engine benchmark's mix (emergencies also queue texts for REST)"
        }
    );
    let bare_report = load(
        &format!("{bare}/sms/twilio"),
        work.clone(),
        concurrency,
        seconds,
        true,
    )
    .await?;
    let haven_report = load(&url, work.clone(), concurrency, seconds, false).await?;
    let us = |d: Duration| d.as_secs_f64() * 1000.0;
    for (name, r) in [
        ("bare axum route", &bare_report),
        ("haven signed webhook", &haven_report),
    ] {
        println!(
            "  {name:<22} {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests, {} non-200)",
            r.rate,
            us(r.p50),
            us(r.p99),
            r.count,
            r.errors
        );
    }
    println!(
        "  ratio (haven / bare): {:.2}",
        haven_report.rate / bare_report.rate
    );

    println!(
        "  texts accepted by the Twilio stand-in during the run: {}",
        accepted.load(Ordering::Relaxed)
    );
    Ok(())
}

struct LoadReport {
    rate: f64,
    p50: Duration,
    p99: Duration,
    count: usize,
    errors: usize,
}

async fn load(
    url: &str,
    work: Arc<Vec<Vec<(String, String)>>>,
    concurrency: usize,
    seconds: u64,
    repeat: bool,
) -> anyhow::Result<LoadReport> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let client = client.clone();
        let work = work.clone();
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            let mut i = 0;
            while Instant::now() < deadline {
                // The bare route may run through its work; it does not care about repeats.
                let (body, sig) = &work[t][i % work[t].len()];
                if i >= work[t].len() && !repeat {
                    break;
                }
                i += 1;
                let t0 = Instant::now();
                let r = client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-twilio-signature", sig)
                    .body(body.clone())
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => errors += 1,
                }
                lat.push(t0.elapsed());
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        lat.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(LoadReport {
        rate: lat.len() as f64 / elapsed.as_secs_f64(),
        p50: pct(0.50),
        p99: pct(0.99),
        count: lat.len(),
        errors,
    })
}
