//! The counselor console at `/console`: log in, see the queue live, claim, reply, release and
//! close tickets — the same tickets as the Telegram counselor group, side by side.
//!
//! Server-rendered HTML (maud) that works without JavaScript; a few lines of self-served
//! JavaScript refresh the queue and transcript when the server says something changed (SSE).
//! Accounts: `haven counselor add NAME` (argon2 hash in `<data>/counselors.json`). Sessions:
//! random token in a Secure (over https), HTTP-only, SameSite=Strict cookie; every form carries
//! a per-session CSRF token; failed logins are limited per name and per client network, never
//! for everyone together (see [`auth`]). After an action a page shows a notice chosen by a fixed
//! code, never text from the address bar.
//!
//! Handlers return a ready `Response` as their error (a redirect to the login page, a 403),
//! which is why they return `Result<Response, Response>`.
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod auth;
pub mod pages;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Form;
use axum::Router;
use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::Stream;
use serde::Deserialize;

use crate::handoff::{Claim, HandoffError};
use crate::messaging::peer::Peer;
use crate::messaging::streams::{Refused, StreamKind, StreamPermit};
use crate::messaging::{Hub, outbound};
use crate::runtime::now;
use auth::{ConsoleSession, same};

pub fn routes(state: Arc<Console>) -> Router {
    Router::new()
        .route("/console", get(queue_page))
        .route("/console/", get(|| async { Redirect::to("/console") }))
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", post(logout))
        .route("/console/queue", get(queue_fragment))
        .route("/console/events", get(events))
        .route("/console/ticket/{id}", get(ticket_page))
        .route("/console/ticket/{id}/lines", get(lines_fragment))
        .route("/console/ticket/{id}/actions", get(actions_fragment))
        .route("/console/ticket/{id}/claim", post(claim))
        .route("/console/ticket/{id}/reply", post(reply))
        .route("/console/ticket/{id}/release", post(release))
        .route("/console/ticket/{id}/close", post(close))
        .route(
            "/console/console.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    pages::CSS,
                )
            }),
        )
        .route(
            "/console/console.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    pages::JS,
                )
            }),
        )
        .layer(axum::middleware::map_response(nosniff))
        .with_state(state)
}

/// What the console's handlers share, `Arc<Console>`.
type AppState = Arc<Console>;

const LOGIN_COOKIE: &str = "haven_console_login";

fn secure(state: &AppState) -> bool {
    state
        .hub
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

/// Every console answer (pages, fragments, the stylesheet and script, redirects, refusals)
/// says `nosniff`: a browser reads it as exactly the type it declares, never guesses.
async fn nosniff(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// Console pages are private: not cached, not framed, scripts only from here.
fn private(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}

/// A request from a signed-in counselor. Extracting it sends everyone else to the login page;
/// a removed account ends its sessions at its next request.
pub struct SignedIn {
    token: String,
    session: ConsoleSession,
}

impl SignedIn {
    /// Checks a form's CSRF token against this session's.
    fn csrf(&self, given: &str) -> Result<(), Response> {
        if same(&self.session.csrf, given) {
            Ok(())
        } else {
            Err(private(
                (
                    StatusCode::FORBIDDEN,
                    "This form has expired. Go back, reload the page and try again.\n",
                )
                    .into_response(),
            ))
        }
    }

    fn name(&self) -> &str {
        &self.session.name
    }
}

impl axum::extract::FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let to_login = || Redirect::to("/console/login").into_response();
        let (token, session) = state
            .sessions
            .from_headers(&parts.headers, now())
            .ok_or_else(to_login)?;
        // The accounts file is read on every console request (a few counselors, a small file)
        // so that `haven counselor remove` ends that person's sessions at once, with no restart.
        match state.accounts.names() {
            Ok(names) if names.contains(&session.name) => Ok(SignedIn { token, session }),
            _ => {
                state.sessions.end(&token);
                Err(to_login())
            }
        }
    }
}

/// Page fragments fetched by the page's script: 401 rather than a redirect to the login page,
/// which would be inserted into the page.
fn fragment(who: Result<SignedIn, Response>) -> Result<SignedIn, Response> {
    who.map_err(|_| StatusCode::UNAUTHORIZED.into_response())
}

type Page = Result<Response, Response>;

async fn login_page(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
) -> Response {
    if who.is_ok() {
        return Redirect::to("/console").into_response();
    }
    login_form(&state, None, StatusCode::OK)
}

fn login_form(state: &AppState, message: Option<&str>, status: StatusCode) -> Response {
    // Double-submit token: the same random value in a cookie and in the form.
    let token = auth::random_token();
    let cookie = format!(
        "{LOGIN_COOKIE}={token}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if secure(state) { "; Secure" } else { "" }
    );
    private(
        (
            status,
            [(header::SET_COOKIE, cookie)],
            pages::login(&token, message),
        )
            .into_response(),
    )
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    csrf: String,
}

async fn login(
    AxumState(state): AxumState<AppState>,
    peer: Peer,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let now = now();
    let network = peer.network(&state.hub);
    let expected = auth::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same(&expected, &f.csrf) {
        return login_form(
            &state,
            Some("This form expired. Please try again."),
            StatusCode::FORBIDDEN,
        );
    }
    let name = f.name.trim().to_owned();
    // Failures are counted per name; names no account can have share one count, so made-up
    // names of any length cost the map nothing.
    let counted = if accounts::valid_name(&name) {
        name.as_str()
    } else {
        ""
    };
    if !state.sessions.login_allowed(counted, network, now) {
        return login_form(
            &state,
            Some("Too many failed attempts. Wait 15 minutes and try again."),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let accounts = state.accounts.clone();
    let (n, p) = (name.clone(), f.password);
    // argon2 takes tens of milliseconds on purpose: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || accounts.verify(&n, &p))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(false);
    if !ok {
        state.sessions.login_failed(counted, network, now);
        tracing::warn!("console login failed");
        return login_form(
            &state,
            Some("Wrong name or password."),
            StatusCode::UNAUTHORIZED,
        );
    }
    state.sessions.login_succeeded(&name);
    let (token, _) = state.sessions.create(&name, now);
    tracing::info!("console login");
    let mut r = Redirect::to("/console").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::set_cookie(&token, secure(&state))).expect("cookie is ASCII"),
    );
    private(r)
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Form(f): Form<CsrfForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    state.sessions.end(&who.token);
    let mut r = Redirect::to("/console/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::clear_cookie(secure(&state))).expect("cookie is ASCII"),
    );
    Ok(private(r))
}

/// A notice after an action, named by a fixed code in the query (`?notice=sent`). The console
/// shows only its own fixed texts: a link with any other text in it shows nothing, so nobody can
/// make the console say words of their choosing (issue 12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Notice {
    Claimed,
    AlreadyYours,
    Taken,
    TicketClosed,
    Empty,
    TooLong,
    Sent,
    Released,
    Closed,
    ClaimFirst,
    NotYours,
    BadOutcome,
}

impl Notice {
    const ALL: [Notice; 12] = [
        Notice::Claimed,
        Notice::AlreadyYours,
        Notice::Taken,
        Notice::TicketClosed,
        Notice::Empty,
        Notice::TooLong,
        Notice::Sent,
        Notice::Released,
        Notice::Closed,
        Notice::ClaimFirst,
        Notice::NotYours,
        Notice::BadOutcome,
    ];

    fn code(self) -> &'static str {
        match self {
            Notice::Claimed => "claimed",
            Notice::AlreadyYours => "already-yours",
            Notice::Taken => "taken",
            Notice::TicketClosed => "ticket-closed",
            Notice::Empty => "empty",
            Notice::TooLong => "too-long",
            Notice::Sent => "sent",
            Notice::Released => "released",
            Notice::Closed => "closed",
            Notice::ClaimFirst => "claim-first",
            Notice::NotYours => "not-yours",
            Notice::BadOutcome => "bad-outcome",
        }
    }

    fn parse(code: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The text, filled in only from haven's own data: the ticket number a page is about, and
    /// the name of the counselor who holds it.
    fn text(self, ticket: Option<u64>, holder: Option<&str>) -> String {
        let number = ticket.map(|t| format!(" #{t}")).unwrap_or_default();
        match self {
            Notice::Claimed => "You have this ticket now.".into(),
            Notice::AlreadyYours => "You already have this ticket.".into(),
            Notice::Taken => match holder {
                Some(h) => format!("{h} claimed it first."),
                None => "Another counselor claimed it first.".into(),
            },
            Notice::TicketClosed => "That ticket is closed.".into(),
            Notice::Empty => "Write something to send.".into(),
            Notice::TooLong => "That reply is too long (1,500 characters at most).".into(),
            Notice::Sent => "Sent.".into(),
            Notice::Released => "Released to the queue.".into(),
            Notice::Closed => format!("Ticket{number} closed."),
            Notice::ClaimFirst => "Claim this ticket first.".into(),
            Notice::NotYours => match holder {
                Some(h) => format!("This ticket is with {h}; only they can do that."),
                None => "Another counselor has this ticket; only they can do that.".into(),
            },
            Notice::BadOutcome => "Pick one of the outcomes in the list.".into(),
        }
    }
}

/// The query a page's notice comes in.
#[derive(Deserialize, Default)]
struct NoticeQuery {
    #[serde(default)]
    notice: Option<String>,
    /// The ticket a queue-page notice is about (a number; anything else is ignored).
    #[serde(default)]
    ticket: Option<String>,
}

impl NoticeQuery {
    fn notice(&self) -> Option<Notice> {
        self.notice.as_deref().and_then(Notice::parse)
    }

    fn ticket(&self) -> Option<u64> {
        self.ticket.as_deref().and_then(|t| t.parse().ok())
    }
}

async fn queue_page(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    q: axum::extract::Query<NoticeQuery>,
) -> Page {
    let queue = state.hub.handoff.queue().map_err(internal)?;
    let notice = q.notice().map(|n| n.text(q.ticket(), None));
    Ok(private(
        pages::queue_page(
            &queue,
            who.name(),
            &who.session.csrf,
            now(),
            notice.as_deref(),
        )
        .into_response(),
    ))
}

async fn queue_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
) -> Page {
    let who = fragment(who)?;
    let queue = state.hub.handoff.queue().map_err(internal)?;
    Ok(private(
        pages::queue_rows(&queue, who.name(), &who.session.csrf, now()).into_response(),
    ))
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "console");
    private(
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong; reload the page.\n",
        )
            .into_response(),
    )
}

async fn ticket_page(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    q: axum::extract::Query<NoticeQuery>,
) -> Page {
    match (
        state.hub.handoff.ticket(id),
        state.hub.handoff.transcript(id),
    ) {
        (Ok(Some(t)), Ok(lines)) => {
            let notice = q.notice().map(|n| n.text(Some(id), t.counselor.as_deref()));
            Ok(private(
                pages::ticket_page(
                    &t,
                    &lines,
                    who.name(),
                    &who.session.csrf,
                    &state.hub.handoff.config().outcomes,
                    now(),
                    notice.as_deref(),
                )
                .into_response(),
            ))
        }
        (Ok(None), _) | (_, Err(HandoffError::NoTicket(_))) => Ok(private(
            (
                StatusCode::NOT_FOUND,
                pages::closed_page(id, who.name(), &who.session.csrf),
            )
                .into_response(),
        )),
        (Err(e), _) | (_, Err(e)) => Err(internal(e)),
    }
}

async fn lines_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
    Path(id): Path<u64>,
) -> Page {
    fragment(who)?;
    match state.hub.handoff.transcript(id) {
        Ok(lines) => Ok(private(pages::lines(&lines).into_response())),
        Err(HandoffError::NoTicket(_)) => Ok(private(
            axum::response::Html("<p>This ticket is closed.</p>").into_response(),
        )),
        Err(e) => Err(internal(e)),
    }
}

async fn actions_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
    Path(id): Path<u64>,
) -> Page {
    let who = fragment(who)?;
    match state.hub.handoff.ticket(id).map_err(internal)? {
        Some(t) => Ok(private(
            pages::ticket_actions(
                &t,
                who.name(),
                &who.session.csrf,
                &state.hub.handoff.config().outcomes,
            )
            .into_response(),
        )),
        None => Ok(private(axum::response::Html("").into_response())),
    }
}

/// Back to a ticket's page with a notice.
fn back_to(id: u64, notice: Notice) -> Response {
    Redirect::to(&format!("/console/ticket/{id}?notice={}", notice.code())).into_response()
}

/// Back to the queue with a notice (about ticket `id`).
fn to_queue(id: u64, notice: Notice) -> Response {
    Redirect::to(&format!("/console?notice={}&ticket={id}", notice.code())).into_response()
}

/// Sends what a counselor action has for the person; a failure is logged, the action stands.
async fn tell_person(state: &AppState, out: crate::handoff::Outgoing, what: &str) {
    if let Err(e) = outbound::send(&state.hub, out).await {
        tracing::error!(error = %e, what, "notice to the person not sent");
    }
}

/// What the counselor is told when an action does not apply (wrong state, closed ticket).
fn refused(id: u64, e: HandoffError) -> Page {
    match e {
        HandoffError::WrongState { ref state, .. } if state == "not claimed" => {
            Ok(back_to(id, Notice::ClaimFirst))
        }
        HandoffError::WrongState { .. } => Ok(back_to(id, Notice::NotYours)),
        HandoffError::NoTicket(_) => Ok(to_queue(id, Notice::TicketClosed)),
        HandoffError::Outcome { .. } => Ok(back_to(id, Notice::BadOutcome)),
        e => Err(internal(e)),
    }
}

async fn claim(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<CsrfForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    match state.hub.handoff.claim(id, who.name(), now()) {
        Ok(Claim::Claimed(_, out)) => {
            tell_person(&state, out, "claim").await;
            Ok(back_to(id, Notice::Claimed))
        }
        Ok(Claim::Taken { by }) if by == who.name() => Ok(back_to(id, Notice::AlreadyYours)),
        Ok(Claim::Taken { .. }) => Ok(back_to(id, Notice::Taken)),
        Err(HandoffError::NoTicket(_)) => Ok(to_queue(id, Notice::TicketClosed)),
        Err(e) => refused(id, e),
    }
}

#[derive(Deserialize)]
struct ReplyForm {
    csrf: String,
    text: String,
}

async fn reply(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<ReplyForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    let text = crate::engine::clean_for_relay(&f.text);
    if text.is_empty() {
        return Ok(back_to(id, Notice::Empty));
    }
    if text.chars().count() > 1500 {
        return Ok(back_to(id, Notice::TooLong));
    }
    match state.hub.handoff.reply(id, who.name(), &text, now()) {
        Ok(out) => {
            outbound::send(&state.hub, out).await.map_err(internal)?;
            Ok(back_to(id, Notice::Sent))
        }
        Err(e) => refused(id, e),
    }
}

async fn release(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<CsrfForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    match state.hub.handoff.release(id, who.name(), now()) {
        Ok((_, out)) => {
            tell_person(&state, out, "release").await;
            Ok(to_queue(id, Notice::Released))
        }
        Err(e) => refused(id, e),
    }
}

#[derive(Deserialize)]
struct CloseForm {
    csrf: String,
    outcome: String,
}

async fn close(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<CloseForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    match state.hub.handoff.close(id, who.name(), &f.outcome, now()) {
        Ok((_, out)) => {
            tell_person(&state, out, "close").await;
            Ok(to_queue(id, Notice::Closed))
        }
        Err(e) => refused(id, e),
    }
}

/// Server-sent events: a ping whenever any ticket changes (no content; the page re-fetches).
/// A counselor may keep a few console tabs live, the server a bounded number overall; the
/// stream ends when the server shuts down, so an open console never holds up a restart.
async fn events(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
) -> Response {
    let who = match fragment(who) {
        Ok(w) => w,
        Err(_) => return StatusCode::UNAUTHORIZED.into_response(),
    };
    let permit = match state.hub.streams.admit(StreamKind::Console, who.name()) {
        Ok(p) => p,
        Err(refused) => {
            state
                .hub
                .metrics
                .inc("haven_streams_refused_total", &[("kind", "console")]);
            tracing::warn!(reason = %refused, "console live stream refused");
            let status = match refused {
                Refused::Closing => StatusCode::SERVICE_UNAVAILABLE,
                Refused::Holder | Refused::Total => StatusCode::TOO_MANY_REQUESTS,
            };
            return private(status.into_response());
        }
    };
    let rx = state.hub.handoff.subscribe();
    let stream = ping_stream(rx, permit);
    private(
        Sse::new(stream)
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
            .into_response(),
    )
}

fn ping_stream(
    rx: tokio::sync::broadcast::Receiver<crate::handoff::DeskEvent>,
    permit: StreamPermit,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold((rx, permit), |(mut rx, mut permit)| async move {
        if *permit.closing.borrow() {
            return None;
        }
        tokio::select! {
            r = rx.recv() => match r {
                // A lagging receiver missed events; one ping still makes the page catch up.
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    Some((Ok(Event::default().data("changed")), (rx, permit)))
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => None,
            },
            // The server is shutting down (or the sender is gone): the stream ends.
            _ = permit.closing.changed() => None,
        }
    })
}

/// The console's own state, next to the message path it works through.
pub struct Console {
    pub hub: Arc<Hub>,
    pub accounts: accounts::Accounts,
    pub sessions: auth::Sessions,
}
