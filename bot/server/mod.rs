//! `haven serve`: composes the channels' and the counselor console's routes into one axum
//! server with `/healthz` and `/metrics`, and runs the background work (SMS outbox, Telegram
//! polling or webhook setup, the counselor group, expiry sweeper, directory reload).
//!
//! The server is the top of the dependency graph: it builds the message path ([`Hub`]) and
//! every channel, and nothing imports it but `main` and the tools. [`app`] builds the whole
//! `Router` from a [`State`] so tests can drive it without sockets
//! (`tower::ServiceExt::oneshot`); [`serve`] serves it on a listener with the connection limits
//! of [`connections`] (header-read and idle timeouts, a cap), as `haven serve` and the tests do.
//! [`run`] binds, starts the background tasks and shuts down gracefully: stop accepting, end
//! every live stream, finish requests in flight, let the outbox finish its current send, flush
//! sled, saying at each step what it waits for.

pub mod connections;

pub mod admin;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::channels::sms::outbox::{Outbox, Outcome, now_ms};
use crate::channels::sms::restarts::Restarts;
use crate::channels::sms::{PublicBaseUrl, Sender, SmsChannel, SmsState, TwilioClient};
use crate::channels::telegram::{TelegramChannel, TelegramState};
use crate::channels::voice::{VoiceChannel, VoiceState};
use crate::channels::web::{WebChat, WebState};
use crate::channels::whatsapp::{WhatsAppChannel, WhatsAppState};
use crate::config::Config;
use crate::counselors::console::Console;
use crate::counselors::console::accounts::Accounts;
use crate::counselors::telegram_group::TelegramGroup;
use crate::engine::{Channel, Engine};
use crate::handoff::{Handoff, HandoffConfig};
use crate::messaging::streams::StreamKind;
use crate::messaging::{
    Admission, BODY_LIMIT, Dedup, Hub, Leads, LiveStreams, Outlets, RateLimiter, StreamCaps,
    outbound,
};
use crate::metrics::Metrics;
use crate::referrals::{DirectoryHandle, Referrals};
use crate::reports::Tally;
use crate::runtime::{Haven, now};
use crate::store::{GroupFlush, Keys, Sealer, SledStore};
pub use connections::Limits;

/// Longest a request may take before the client gets 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the sweeper runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How often handoff timers are checked.
pub const HANDOFF_TICK: Duration = Duration::from_secs(2);

/// The composed server: the message path, the channels and the counselor console. Shared as
/// `Arc<State>`; each handler gets only its own part (a channel's state, the console).
pub struct State {
    /// The message path every channel and the console share.
    pub hub: Arc<Hub>,
    pub console: Arc<Console>,
    pub sms: Option<Arc<SmsChannel>>,
    pub telegram: Option<Arc<TelegramChannel>>,
    /// The voice line, on whenever Twilio is configured.
    pub voice: Option<Arc<VoiceChannel>>,
    /// WhatsApp, when `HAVEN_TWILIO_WHATSAPP_FROM` is set.
    pub whatsapp: Option<Arc<WhatsAppChannel>>,
    /// The web chat: session cookies and the visitors' mailboxes (`state.web.push`).
    pub web: Arc<WebChat>,
    /// The Telegram counselor group, when Telegram and `HAVEN_COUNSELOR_CHAT_ID` are set.
    pub group: Option<Arc<TelegramGroup>>,
    pub db: sled::Db,
    /// How often the sweeper runs (purges, counts sessions for `/metrics`): [`SWEEP_EVERY`].
    pub sweep_every: Duration,
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
    Settings(#[from] crate::config::ConfigError),
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
        config.create_data_dir()?;
        let store = SledStore::open(&config.data)?;
        let db = store.db().clone();
        let keys = Keys::from_env_or_file(config.secret.as_deref(), &config.data)?;
        let sealer = Sealer::new(&keys);
        let web = Arc::new(WebChat::new(&keys, &config));
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
        // Reports count days in the program's time zone, the counselors' one.
        let tally = Arc::new(Tally::open(&db, handoff_config.time_zone)?);
        let handoff = Handoff::new(
            &db,
            durable.clone(),
            sealer.clone(),
            handoff_config,
            haven.clone(),
            metrics.clone(),
            tally.clone(),
        )?;
        let referrals = Referrals::new(
            DirectoryHandle::open(&config.data)?,
            config.referrals.clone(),
        )?;
        let public = match &config.twilio {
            None => None,
            Some(_) => {
                let public_url = config.public_url.as_deref().unwrap_or_default();
                Some(
                    PublicBaseUrl::parse(public_url).map_err(|e| ServerError::Config {
                        key: "HAVEN_PUBLIC_URL",
                        message: e.to_string(),
                    })?,
                )
            }
        };
        let client_error = |e: crate::channels::sms::ClientConfigError| ServerError::Config {
            key: "HAVEN_TWILIO_API_URL",
            message: e.to_string(),
        };
        let mut sms = None;
        let mut whatsapp = None;
        let mut voice = None;
        if let (Some(t), Some(public)) = (&config.twilio, &public) {
            let sender = match (&t.messaging_service_sid, &t.from) {
                (Some(sid), _) => Some(Sender::MessagingService(sid.clone())),
                (None, Some(from)) => Some(Sender::From(from.clone())),
                (None, None) => None,
            };
            if let Some(sender) = sender {
                let client = TwilioClient::new(&t.api_url, &t.account_sid, &t.auth_token, sender)
                    .map_err(client_error)?
                    .with_status_callback(public.signed_url("/sms/twilio/status", None));
                sms = Some(Arc::new(SmsChannel {
                    client,
                    auth_token: t.auth_token.clone(),
                    public: public.clone(),
                    outbox: Outbox::open(&db, sealer.clone(), durable.clone())?,
                    restarts: Restarts::open(&db)?,
                }));
            }
            if let Some(from) = &t.whatsapp_from {
                let client = TwilioClient::new(
                    &t.api_url,
                    &t.account_sid,
                    &t.auth_token,
                    Sender::From(from.clone()),
                )
                .map_err(client_error)?
                .with_status_callback(public.signed_url("/whatsapp/twilio/status", None));
                whatsapp = Some(Arc::new(WhatsAppChannel {
                    client,
                    auth_token: t.auth_token.clone(),
                    public: public.clone(),
                    outbox: Outbox::open_tree(
                        &db,
                        "whatsapp-outbox",
                        sealer.clone(),
                        durable.clone(),
                    )?,
                    store: haven.store.clone(),
                }));
            }
            voice = Some(Arc::new(VoiceChannel::new(
                &t.account_sid,
                &t.auth_token,
                public.clone(),
                config.voice.clone(),
            )));
        }
        let telegram = config
            .telegram
            .as_ref()
            .map(TelegramChannel::new)
            .transpose()
            .map(|t| t.map(Arc::new))
            .map_err(|e| ServerError::Config {
                key: e.variable(),
                message: e.to_string(),
            })?;
        if telegram.is_some() {
            crate::channels::telegram::describe_metrics(&metrics);
        }
        if voice.is_some() {
            crate::channels::voice::describe_metrics(&metrics);
        }
        let mut outlets = Outlets::default();
        if let Some(sms) = &sms {
            outlets.add(Channel::Sms, sms.clone());
        }
        if let Some(tg) = &telegram {
            outlets.add(Channel::Telegram, tg.clone());
        }
        if let Some(wa) = &whatsapp {
            outlets.add(Channel::WhatsApp, wa.clone());
        }
        outlets.add(Channel::Web, web.clone());
        let (web_streams, console_streams) = stream_caps(config.max_connections);
        let admission = Admission::new(handoff.config().web_tickets);
        admission.count_open(
            handoff
                .open_tickets()?
                .into_iter()
                .filter(|(_, channel)| *channel == Channel::Web)
                .map(|(id, _)| id),
        );
        let hub = Arc::new(Hub {
            admission,
            streams: LiveStreams::new(web_streams, console_streams),
            limiter: RateLimiter::new(config.rate_limit_per_minute),
            dedup: Dedup::new(&db, durable.clone())?,
            metrics,
            handoff,
            config,
            haven,
            referrals,
            outlets,
            tally,
            leads: Leads::default(),
        });
        let console = Arc::new(Console::new(hub.clone(), Accounts::new(&hub.config.data)));
        hub.handoff
            .set_present(counselors_present(&hub.config, &console));
        let group = match (&telegram, hub.config.counselor_chat_id) {
            (Some(tg), Some(chat)) => {
                Some(Arc::new(TelegramGroup::new(hub.clone(), tg.clone(), chat)))
            }
            _ => None,
        };
        Ok(State {
            hub,
            console,
            group,
            db,
            sms,
            telegram,
            voice,
            whatsapp,
            web,
            sweep_every: SWEEP_EVERY,
        })
    }

    fn sms_state(&self) -> SmsState {
        SmsState {
            hub: self.hub.clone(),
            sms: self.sms.clone(),
        }
    }

    fn voice_state(&self) -> VoiceState {
        VoiceState {
            hub: self.hub.clone(),
            voice: self.voice.clone(),
        }
    }

    fn whatsapp_state(&self) -> WhatsAppState {
        WhatsAppState {
            hub: self.hub.clone(),
            whatsapp: self.whatsapp.clone(),
        }
    }

    fn telegram_state(&self) -> Option<TelegramState> {
        self.telegram.as_ref().map(|tg| TelegramState {
            hub: self.hub.clone(),
            tg: tg.clone(),
            group: self
                .group
                .clone()
                .map(|g| g as Arc<dyn crate::channels::telegram::group::CounselorGroup>),
        })
    }

    fn web_state(&self) -> WebState {
        WebState {
            hub: self.hub.clone(),
            web: self.web.clone(),
        }
    }
}

/// The caps on live streams, from the cap on connections: web pages may hold half of the
/// connections, three per visitor; consoles an eighth (at most 64), eight tabs per counselor.
pub fn stream_caps(max_connections: usize) -> (StreamCaps, StreamCaps) {
    (
        StreamCaps {
            per_holder: 3,
            total: (max_connections / 2).max(1),
        },
        StreamCaps {
            per_holder: 8,
            total: (max_connections / 8).clamp(1, 64),
        },
    )
}

/// Whether any counselor can take a handoff: a Telegram counselor chat, or console accounts.
fn counselors_present(config: &Config, console: &Console) -> bool {
    config.counselor_chat_id.is_some() || console.accounts.names().is_ok_and(|n| !n.is_empty())
}

/// The whole HTTP surface: each part brings its own routes and state; the server adds
/// `/healthz` and `/metrics` and the limits.
pub fn app(state: AppState) -> Router {
    let own = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .with_state(state.clone());
    let mut router = Router::new()
        .merge(crate::counselors::console::routes(state.console.clone()))
        .merge(own)
        .merge(crate::channels::sms::routes(state.sms_state()))
        .merge(crate::channels::voice::routes(state.voice_state()))
        .merge(crate::channels::whatsapp::routes(state.whatsapp_state()));
    // Telegram's webhook route exists only in webhook mode.
    if let Some(tg) = state.telegram_state() {
        router = router.merge(crate::channels::telegram::routes(tg));
    }
    router
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Merged after the body limit: the web chat applies the same limit itself, reading past
        // it so that a browser gets its readable "too long" page (see channels::web).
        .merge(crate::channels::web::routes(state.web_state()))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
}

async fn healthz(AxumState(state): AxumState<AppState>) -> impl IntoResponse {
    let body = json!({
        "status": "ok",
        "channels": {
            "sms": state.sms.is_some(),
            "telegram": state.telegram.is_some(),
            "voice": state.voice.is_some(),
            "whatsapp": state.whatsapp.is_some(),
            "web": true,
        },
        "directory_services": state.hub.referrals.handle().current().len(),
    });
    axum::Json(body)
}

/// `GET /metrics`, for Prometheus: only with `Authorization: Bearer <HAVEN_METRICS_TOKEN>`, and
/// not at all (404) while no token is configured. Queue sizes and live ticket counts are not for
/// the public. A scrape reads the gauges as the background work last set them (tickets every
/// 2 s, sessions once a minute): it never walks the sessions or the tickets itself, so scraping
/// often costs nothing.
async fn metrics_text(AxumState(state): AxumState<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.hub.config.metrics_token.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            "metrics are off: set HAVEN_METRICS_TOKEN and scrape with that bearer token\n",
        )
            .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    use subtle::ConstantTimeEq;
    let ok = given.len() == token.len() && bool::from(given.as_bytes().ct_eq(token.as_bytes()));
    if !ok {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a bearer token is required\n",
        )
            .into_response();
    }
    if let Ok(n) = state.hub.haven.store.session_count() {
        state.hub.metrics.set("haven_sessions", &[], n as f64);
    }
    if let Some(sms) = &state.sms {
        state
            .hub
            .metrics
            .set("haven_outbox_depth", &[], sms.outbox.depth() as f64);
    }
    if let Some(wa) = &state.whatsapp {
        state
            .hub
            .metrics
            .set("haven_whatsapp_outbox_depth", &[], wa.outbox.depth() as f64);
    }
    for kind in [StreamKind::Web, StreamKind::Console] {
        state.hub.metrics.set(
            "haven_live_streams",
            &[("kind", kind.label())],
            state.hub.streams.open(kind) as f64,
        );
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.hub.metrics.render(),
    )
        .into_response()
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
                // Every step below reads or writes sled, and a purge at a million sessions takes
                // a while: it runs on a blocking thread so that it never holds up a worker
                // thread that answers people (there are two on a 2-core machine).
                let sweeping = state.clone();
                let swept = tokio::task::spawn_blocking(move || {
                    let state = sweeping;
                    let now = now();
                    match state.hub.haven.store.purge_expired(now) {
                        Ok(n) if n > 0 => tracing::info!(purged = n, "expired sessions purged"),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "purging sessions failed"),
                    }
                    if let Some(sms) = &state.sms
                        && let Err(e) = sms.restarts.sweep(now_ms())
                    {
                        tracing::error!(error = %e, "sweeping START times failed");
                    }
                    // Also set on every scrape of /metrics; here too, for logs-only deployments.
                    if let Ok(n) = state.hub.haven.store.session_count() {
                        state.hub.metrics.set("haven_sessions", &[], n as f64);
                    }
                    state.hub.dedup.sweep(now).ok();
                    state.hub.limiter.sweep(now);
                    state.hub.leads.sweep(now);
                    if let Err(e) = state.hub.handoff.audit().sweep(now) {
                        tracing::error!(error = %e, "pruning the audit log failed");
                    }
                    state.hub.admission.sweep(now);
                    // `haven counselor add` may have run since: counselors may now exist.
                    state
                        .hub
                        .handoff
                        .set_present(counselors_present(&state.hub.config, &state.console));
                    state.web.mailboxes.sweep(now, |who| {
                        matches!(state.hub.haven.store.load(who, now), Ok(Some(_)))
                    });
                })
                .await;
                if let Err(e) = swept {
                    tracing::error!(error = %e, "the sweep failed");
                }
                tokio::select! {
                    _ = tokio::time::sleep(state.sweep_every) => {}
                    _ = stop.changed() => break,
                }
            }
        }));
    }
    // Delivery ids claimed in memory, and report counts, are written to sled in batches.
    {
        let state = state.clone();
        let mut stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let stopping = tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => false,
                    _ = stop.changed() => true,
                };
                if let Err(e) = state.hub.dedup.persist() {
                    tracing::error!(error = %e, "delivery ids not persisted");
                }
                // The report counters, added up in memory since the last round.
                state.hub.tally.persist();
                if stopping {
                    break;
                }
            }
        }));
    }
    // The admin socket, for `haven backup` while serving.
    if let Some(task) = admin::spawn(state, stop.clone()) {
        tasks.push(task);
    }
    // Handoff timers: "still waiting" notes, the queue-timeout fallback, expired tickets.
    {
        let state = state.clone();
        let mut stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                match state.hub.handoff.tick(now()) {
                    Ok(outgoing) => {
                        for o in outgoing {
                            if let Err(e) = outbound::send(&state.hub, o).await {
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
                match state.hub.referrals.handle().reload_if_changed() {
                    Ok(true) => tracing::info!(services = state.hub.referrals.handle().current().len(), "directory reloaded"),
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
    // The Telegram counselor group: handoff events posted there.
    if let Some(group) = &state.group {
        tasks.push(tokio::spawn(crate::counselors::telegram_group::run(
            group.clone(),
            stop.clone(),
        )));
    }
    // Telegram: long polling, or registering the webhook. Either waits for updates in flight
    // after the stop signal.
    if let Some(tg) = state.telegram_state() {
        let task = if tg.tg.webhook().is_some() {
            tokio::spawn(crate::channels::telegram::webhook::register(
                tg,
                stop.clone(),
            ))
        } else {
            tokio::spawn(crate::channels::telegram::polling::run(tg, stop.clone()))
        };
        tasks.push(task);
    }
    // The SMS and WhatsApp outboxes, each sent with its own sender.
    if let Some(sms) = &state.sms {
        tasks.push(tokio::spawn(run_outbox(
            state.clone(),
            sms.outbox.clone(),
            sms.client.clone(),
            Channel::Sms,
            stop.clone(),
        )));
    }
    if let Some(wa) = &state.whatsapp {
        tasks.push(tokio::spawn(run_outbox(
            state.clone(),
            wa.outbox.clone(),
            wa.client.clone(),
            Channel::WhatsApp,
            stop.clone(),
        )));
    }
    tasks
}

/// An outbox's worker: sends what is due, sleeps until the next is due or a text is queued,
/// and lets the send in flight finish when the server stops.
async fn run_outbox(
    state: AppState,
    outbox: Outbox,
    client: TwilioClient,
    channel: Channel,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let wake = outbox.wake();
    loop {
        let wait = match outbox
            .run_once(&client, state.hub.haven.store.as_ref())
            .await
        {
            Ok((outcomes, wait)) => {
                record_outbox(&state, &outbox, channel, &outcomes);
                wait
            }
            Err(e) => {
                tracing::error!(error = %e, channel = channel.as_str(), "outbox failed");
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
}

fn record_outbox(state: &State, outbox: &Outbox, channel: Channel, outcomes: &[Outcome]) {
    let label = channel.as_str();
    for o in outcomes {
        match o {
            Outcome::Sent => state
                .hub
                .metrics
                .inc("haven_messages_out_total", &[("channel", label)]),
            Outcome::Retry => state
                .hub
                .metrics
                .inc("haven_send_retries_total", &[("channel", label)]),
            Outcome::Failed(reason) => state.hub.metrics.inc(
                "haven_sends_failed_total",
                &[("channel", label), ("reason", reason)],
            ),
            Outcome::OptedOut => state.hub.metrics.inc(
                "haven_sends_failed_total",
                &[("channel", label), ("reason", "carrier-opt-out")],
            ),
        }
    }
    let gauge = match channel {
        Channel::WhatsApp => "haven_whatsapp_outbox_depth",
        _ => "haven_outbox_depth",
    };
    state.hub.metrics.set(gauge, &[], outbox.depth() as f64);
}

/// Serves the whole app on `listener` with `limits` until `shutdown` resolves, then ends every
/// live stream and waits for the connections (see [`connections`]). The background work and
/// the final flush are the caller's ([`run`]; the tests' harness does the same).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let streams = state.hub.streams.clone();
    connections::serve(listener, app(state), limits, streams, shutdown).await
}

/// Runs the server until `shutdown` resolves, then drains and flushes, printing what it waits
/// for at each step.
pub async fn run(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let addr = config.listen;
    let limits = Limits {
        max_connections: config.max_connections,
        ..Limits::default()
    };
    let state: AppState = Arc::new(State::build(config)?);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: addr.to_string(),
            error: source,
        })?;
    let local = listener.local_addr()?;
    println!(
        "haven serve: web chat at http://{local}/ , counselor console at http://{local}/console ; sms {}, whatsapp {}, voice {}, telegram {}; /healthz, /metrics {}; data in {}",
        if state.sms.is_some() { "on" } else { "off" },
        if state.whatsapp.is_some() {
            "on"
        } else {
            "off"
        },
        if state.voice.is_some() { "on" } else { "off" },
        match state.telegram.as_ref().map(|t| t.webhook().is_some()) {
            None => "off",
            Some(false) => "on, long polling",
            Some(true) => "on, webhook",
        },
        if state.hub.config.metrics_token.is_some() {
            "(bearer token)"
        } else {
            "off (no HAVEN_METRICS_TOKEN)"
        },
        state.hub.config.data.display(),
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let tasks = spawn_background(&state, stop_rx);
    serve(listener, state.clone(), limits, shutdown).await?;
    // Requests are done; stop the background work and wait for it (the outbox finishes the
    // send in progress, Telegram the updates in flight).
    println!(
        "haven serve: waiting for {} background task(s) to stop (sweeper, timers{}{})",
        tasks.len(),
        if state.sms.is_some() {
            ", SMS outbox"
        } else {
            ""
        },
        if state.telegram.is_some() {
            ", Telegram"
        } else {
            ""
        },
    );
    stop_tx.send(true).ok();
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(15), t).await;
    }
    println!("haven serve: flushing the database");
    state.hub.haven.store.flush()?;
    crate::store::flush_blocking(&state.db).await?;
    println!("haven serve: stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called (inside the
/// runtime), not when the future is first polled: a SIGTERM that comes while the server is
/// still starting must start a clean shutdown, not kill the process before its flush.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
