//! `haven serve`: one axum server for every channel, `/healthz` and `/metrics`, plus the
//! background work (SMS outbox, Telegram polling or webhook setup, expiry sweeper, directory
//! reload).
//!
//! [`app`] builds the whole `Router` from a [`State`] so tests can drive it without sockets
//! (`tower::ServiceExt::oneshot`) or bind it on 127.0.0.1:0 for real HTTP. [`run`] binds,
//! starts the background tasks and shuts down gracefully: stop accepting, finish requests in
//! flight, let the outbox finish its current send, flush sled.

pub mod dedup;
pub mod error;
pub mod inbound;
pub mod metrics;
pub mod outbound;
pub mod ratelimit;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State as AxumState;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::channels::sms::outbox::{Outbox, Outcome};
use crate::channels::sms::{PublicBaseUrl, Sender, SmsChannel, TwilioClient};
use crate::channels::telegram::TelegramChannel;
use crate::channels::web::WebChat;
use crate::config::Config;
use crate::console::Console;
use crate::console::accounts::Accounts;
use crate::engine::Engine;
use crate::handoff::{Handoff, HandoffConfig};
use crate::referrals::{DirectoryHandle, Referrals};
use crate::runtime::{Haven, now};
use crate::store::{GroupFlush, Keys, Sealer, SledStore};
use dedup::Dedup;
use metrics::Metrics;
use ratelimit::RateLimiter;

/// Largest request body any route accepts. Twilio's webhooks are a few kB; Telegram updates
/// rarely exceed 10 kB.
pub const BODY_LIMIT: usize = 64 << 10;
/// Longest a request may take before the client gets 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How often handoff timers are checked.
pub const HANDOFF_TICK: Duration = Duration::from_secs(2);

/// Everything a request handler may need. Shared as `Arc<State>`.
pub struct State {
    pub config: Config,
    pub haven: Arc<Haven>,
    pub referrals: Referrals,
    pub metrics: Arc<Metrics>,
    pub handoff: Handoff,
    pub console: Console,
    pub limiter: RateLimiter,
    pub dedup: Dedup,
    pub db: sled::Db,
    pub sealer: Sealer,
    pub sms: Option<SmsChannel>,
    pub telegram: Option<TelegramChannel>,
    /// The web chat: session cookies and the visitors' mailboxes (`state.web.push`).
    pub web: WebChat,
}

pub type AppState = Arc<State>;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Flows(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Keys(#[from] crate::store::pseudonym::KeyError),
    #[error("database: {0}")]
    Sled(#[from] sled::Error),
    #[error(transparent)]
    Directory(#[from] crate::referrals::ImportError),
    #[error(transparent)]
    Referrals(#[from] crate::referrals::ConfigError),
    #[error("{key}: {message}")]
    Config { key: &'static str, message: String },
    #[error(transparent)]
    Outbox(#[from] crate::channels::sms::outbox::OutboxError),
    #[error(transparent)]
    Handoff(#[from] crate::handoff::HandoffError),
    #[error(
        "cannot listen on {addr}: {error}{}",
        if error.kind() == std::io::ErrorKind::AddrInUse {
            " (another haven serve running? Set HAVEN_LISTEN to another address, e.g. HAVEN_LISTEN=127.0.0.1:8081)"
        } else {
            ""
        }
    )]
    Bind { addr: String, error: std::io::Error },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

impl State {
    /// Loads flows, opens the database and sets up the configured channels.
    pub fn build(config: Config) -> Result<State, ServerError> {
        let engine = Engine::load(&config.flows, &config.locales).map_err(|problems| {
            ServerError::Flows(format!(
                "{}\n{} problem(s) in the flows or texts: run `haven check`",
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
                problems.len()
            ))
        })?;
        let store = SledStore::open(&config.data)?;
        let db = store.db().clone();
        let keys = Keys::from_env_or_file(config.secret.as_deref(), &config.data)?;
        let sealer = Sealer::new(&keys);
        let web = WebChat::new(&keys, &config);
        let haven = Arc::new(Haven::new(
            Arc::new(engine),
            Arc::new(store),
            keys,
            config.session_ttl_secs,
        ));
        let metrics = Arc::new(Metrics::new());
        let handoff_config =
            HandoffConfig::from_table(&config.counselors).map_err(|e| ServerError::Config {
                key: "[counselors]",
                message: e.to_string(),
            })?;
        let durable = GroupFlush::new(&db);
        let handoff = Handoff::new(
            &db,
            durable.clone(),
            sealer.clone(),
            handoff_config,
            haven.clone(),
            metrics.clone(),
        )?;
        let console = Console {
            accounts: Accounts::new(&config.data),
            sessions: Default::default(),
        };
        handoff.set_present(counselors_present(&config, &console));
        let referrals = Referrals::new(
            DirectoryHandle::open(&config.data)?,
            config.referrals.clone(),
        )?;
        let sms = match &config.twilio {
            None => None,
            Some(t) => {
                let public_url = config.public_url.as_deref().unwrap_or_default();
                let public = PublicBaseUrl::parse(public_url).map_err(|e| ServerError::Config {
                    key: "HAVEN_PUBLIC_URL",
                    message: e.to_string(),
                })?;
                let sender = match (&t.messaging_service_sid, &t.from) {
                    (Some(sid), _) => Sender::MessagingService(sid.clone()),
                    (None, Some(from)) => Sender::From(from.clone()),
                    (None, None) => unreachable!("config requires a sender"),
                };
                let client = TwilioClient::new(&t.api_url, &t.account_sid, &t.auth_token, sender)
                    .map_err(|e| ServerError::Config {
                        key: "HAVEN_TWILIO_API_URL",
                        message: e.to_string(),
                    })?
                    .with_status_callback(public.signed_url("/sms/twilio/status", None));
                Some(SmsChannel {
                    client,
                    auth_token: t.auth_token.clone(),
                    public,
                    outbox: Outbox::open(&db, sealer.clone(), durable.clone())?,
                })
            }
        };
        let telegram = config
            .telegram
            .as_ref()
            .map(TelegramChannel::new)
            .transpose()
            .map_err(|e| ServerError::Config {
                key: e.variable(),
                message: e.to_string(),
            })?;
        if telegram.is_some() {
            crate::channels::telegram::describe_metrics(&metrics);
        }
        Ok(State {
            limiter: RateLimiter::new(config.rate_limit_per_minute),
            dedup: Dedup::new(&db)?,
            metrics,
            handoff,
            console,
            config,
            haven,
            referrals,
            db,
            sealer,
            sms,
            telegram,
            web,
        })
    }
}

/// Whether any counselor can take a handoff: a Telegram counselor chat, or console accounts.
fn counselors_present(config: &Config, console: &Console) -> bool {
    config.counselor_chat_id.is_some() || console.accounts.names().is_ok_and(|n| !n.is_empty())
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .merge(crate::console::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/sms/twilio", post(crate::channels::sms::webhook::inbound))
        .route(
            "/sms/twilio/status",
            post(crate::channels::sms::webhook::status),
        );
    // Telegram's webhook route exists only in webhook mode; its path is checked to lie under
    // /telegram, so it cannot overlap another route.
    if let Some(hook) = state.telegram.as_ref().and_then(|t| t.webhook()) {
        router = router.route(
            &hook.path,
            post(crate::channels::telegram::webhook::inbound),
        );
    }
    router
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Merged after the body limit: the web chat applies the same limit itself, reading past
        // it so that a browser gets its readable "too long" page (see channels::web).
        .merge(crate::channels::web::routes())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

async fn healthz(AxumState(state): AxumState<AppState>) -> impl IntoResponse {
    let body = json!({
        "status": "ok",
        "channels": {
            "sms": state.sms.is_some(),
            "telegram": state.telegram.is_some(),
            "web": true,
        },
        "directory_services": state.referrals.handle().current().len(),
    });
    axum::Json(body)
}

async fn metrics_text(AxumState(state): AxumState<AppState>) -> impl IntoResponse {
    if let Some(sms) = &state.sms {
        state
            .metrics
            .set("haven_outbox_depth", &[], sms.outbox.depth() as f64);
    }
    if let Ok(n) = state.haven.store.session_count() {
        state.metrics.set("haven_sessions", &[], n as f64);
    }
    if let Err(e) = state.handoff.update_gauges() {
        tracing::error!(error = %e, "ticket gauges");
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// Starts the background tasks; they stop when `stop` turns true.
pub fn spawn_background(
    state: &AppState,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    // The sweeper: purge expired sessions and old delivery ids, forget old rate windows.
    {
        let state = state.clone();
        let mut stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let now = now();
                match state.haven.store.purge_expired(now) {
                    Ok(n) if n > 0 => tracing::info!(purged = n, "expired sessions purged"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "purging sessions failed"),
                }
                state.dedup.sweep(now).ok();
                state.limiter.sweep(now);
                // `haven counselor add` may have run since: counselors may now exist.
                state
                    .handoff
                    .set_present(counselors_present(&state.config, &state.console));
                state.web.mailboxes.sweep(now, |who| {
                    matches!(state.haven.store.load(who, now), Ok(Some(_)))
                });
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                    _ = stop.changed() => break,
                }
            }
        }));
    }
    // Delivery ids claimed in memory are written to sled in batches.
    {
        let state = state.clone();
        let mut stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let stopping = tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => false,
                    _ = stop.changed() => true,
                };
                if let Err(e) = state.dedup.persist() {
                    tracing::error!(error = %e, "delivery ids not persisted");
                }
                if stopping {
                    break;
                }
            }
        }));
    }
    // Handoff timers: "still waiting" notes, the queue-timeout fallback, expired tickets.
    {
        let state = state.clone();
        let mut stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                match state.handoff.tick(now()) {
                    Ok(outgoing) => {
                        for o in outgoing {
                            if let Err(e) = outbound::send(&state, o).await {
                                tracing::error!(error = %e, "handoff notice not sent");
                            }
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "handoff timers failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(HANDOFF_TICK) => {}
                    _ = stop.changed() => break,
                }
            }
        }));
    }
    // A re-imported directory is picked up without a restart.
    {
        let state = state.clone();
        let mut stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                match state.referrals.handle().reload_if_changed() {
                    Ok(true) => tracing::info!(services = state.referrals.handle().current().len(), "directory reloaded"),
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "new directory file is broken; the old one stays in use"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                    _ = stop.changed() => break,
                }
            }
        }));
    }
    // Telegram: long polling, or registering the webhook. Either waits for updates in flight
    // after the stop signal.
    if state.telegram.is_some() && state.config.counselor_chat_id.is_some() {
        tasks.push(tokio::spawn(crate::channels::telegram::desk::run(
            state.clone(),
            stop.clone(),
        )));
    }
    if let Some(tg) = &state.telegram {
        let task = if tg.webhook().is_some() {
            tokio::spawn(crate::channels::telegram::webhook::register(
                state.clone(),
                stop.clone(),
            ))
        } else {
            tokio::spawn(crate::channels::telegram::polling::run(
                state.clone(),
                stop.clone(),
            ))
        };
        tasks.push(task);
    }
    // The SMS outbox.
    if state.sms.is_some() {
        let state = state.clone();
        let mut stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let sms = state.sms.as_ref().expect("checked");
            let wake = sms.outbox.wake();
            loop {
                let wait = match sms
                    .outbox
                    .run_once(&sms.client, state.haven.store.as_ref())
                    .await
                {
                    Ok((outcomes, wait)) => {
                        record_outbox(&state, &outcomes);
                        wait
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "outbox failed");
                        Duration::from_secs(5)
                    }
                };
                if *stop.borrow() {
                    break;
                }
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = wake.notified() => {}
                    _ = stop.changed() => break,
                }
            }
        }));
    }
    tasks
}

fn record_outbox(state: &State, outcomes: &[Outcome]) {
    for o in outcomes {
        match o {
            Outcome::Sent => state
                .metrics
                .inc("haven_messages_out_total", &[("channel", "sms")]),
            Outcome::Retry => state
                .metrics
                .inc("haven_send_retries_total", &[("channel", "sms")]),
            Outcome::Failed(reason) => state.metrics.inc(
                "haven_sends_failed_total",
                &[("channel", "sms"), ("reason", reason)],
            ),
            Outcome::OptedOut => state.metrics.inc(
                "haven_sends_failed_total",
                &[("channel", "sms"), ("reason", "carrier-opt-out")],
            ),
        }
    }
    if let Some(sms) = &state.sms {
        state
            .metrics
            .set("haven_outbox_depth", &[], sms.outbox.depth() as f64);
    }
}

/// Runs the server until `shutdown` resolves, then drains and flushes.
pub async fn run(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let addr = config.listen;
    let state: AppState = Arc::new(State::build(config)?);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: addr.to_string(),
            error: source,
        })?;
    let local = listener.local_addr()?;
    println!(
        "haven serve: web chat at http://{local}/ , counselor console at http://{local}/console ; sms {}, telegram {}; /healthz, /metrics; data in {}",
        if state.sms.is_some() { "on" } else { "off" },
        match state.telegram.as_ref().map(|t| t.webhook().is_some()) {
            None => "off",
            Some(false) => "on, long polling",
            Some(true) => "on, webhook",
        },
        state.config.data.display(),
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let tasks = spawn_background(&state, stop_rx);
    let web_state = state.clone();
    axum::serve(listener, app(state.clone()))
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Open event streams would otherwise hold the graceful shutdown forever.
            web_state.web.shutdown();
        })
        .await?;
    // In-flight requests are done; stop the background work and wait for it.
    stop_tx.send(true).ok();
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(15), t).await;
    }
    state.haven.store.flush()?;
    crate::store::flush_blocking(&state.db).await?;
    println!("haven serve: stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
