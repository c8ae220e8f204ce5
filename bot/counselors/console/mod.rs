//! The counselor console at `/console`: log in, see the queue live, claim, reply, release and
//! close tickets — the same tickets as the Telegram counselor group, side by side.
//!
//! Server-rendered HTML (maud) that works without JavaScript; a few lines of self-served
//! JavaScript refresh the queue and transcript when the server says something changed (SSE).
//! Accounts: `haven counselor add NAME` (argon2 hash in `<data>/counselors.json`). Sessions:
//! random token in a Secure (over https), HTTP-only, SameSite=Strict cookie; every form carries
//! a per-session CSRF token; logins are rate limited per name and overall.
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
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let now = now();
    let expected = auth::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same(&expected, &f.csrf) {
        return login_form(
            &state,
            Some("This form expired. Please try again."),
            StatusCode::FORBIDDEN,
        );
    }
    let name = f.name.trim().to_owned();
    if !state.sessions.login_allowed(&name, now) {
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
        state.sessions.login_failed(&name, now);
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

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    msg: Option<String>,
}

async fn queue_page(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    q: axum::extract::Query<Notice>,
) -> Page {
    let queue = state.hub.handoff.queue().map_err(internal)?;
    Ok(private(
        pages::queue_page(
            &queue,
            who.name(),
            &who.session.csrf,
            now(),
            q.msg.as_deref(),
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
    q: axum::extract::Query<Notice>,
) -> Page {
    match (
        state.hub.handoff.ticket(id),
        state.hub.handoff.transcript(id),
    ) {
        (Ok(Some(t)), Ok(lines)) => Ok(private(
            pages::ticket_page(
                &t,
                &lines,
                who.name(),
                &who.session.csrf,
                &state.hub.handoff.config().outcomes,
                now(),
                q.msg.as_deref(),
            )
            .into_response(),
        )),
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

fn back_to(id: u64, msg: &str) -> Response {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("msg", msg)
        .finish();
    Redirect::to(&format!("/console/ticket/{id}?{q}")).into_response()
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
        HandoffError::WrongState { .. }
        | HandoffError::NoTicket(_)
        | HandoffError::Outcome { .. } => Ok(back_to(id, &e.to_string())),
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
            Ok(back_to(id, "You have this ticket now."))
        }
        Ok(Claim::Taken { by }) if by == who.name() => {
            Ok(back_to(id, "You already have this ticket."))
        }
        Ok(Claim::Taken { by }) => Ok(back_to(id, &format!("{by} claimed it first."))),
        Err(HandoffError::NoTicket(_)) => {
            Ok(Redirect::to("/console?msg=That+ticket+is+closed.").into_response())
        }
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
        return Ok(back_to(id, "Write something to send."));
    }
    if text.chars().count() > 1500 {
        return Ok(back_to(
            id,
            "That reply is too long (1,500 characters at most).",
        ));
    }
    match state.hub.handoff.reply(id, who.name(), &text, now()) {
        Ok(out) => {
            outbound::send(&state.hub, out).await.map_err(internal)?;
            Ok(back_to(id, "Sent."))
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
            Ok(Redirect::to("/console?msg=Released+to+the+queue.").into_response())
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
            Ok(Redirect::to(&format!("/console?msg=Ticket+%23{id}+closed.")).into_response())
        }
        Err(e) => refused(id, e),
    }
}

/// Server-sent events: a ping whenever any ticket changes (no content; the page re-fetches).
async fn events(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
) -> Response {
    if fragment(who).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let rx = state.hub.handoff.subscribe();
    let stream = ping_stream(rx);
    private(
        Sse::new(stream)
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
            .into_response(),
    )
}

fn ping_stream(
    rx: tokio::sync::broadcast::Receiver<crate::handoff::DeskEvent>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            // A lagging receiver missed events; one ping still makes the page catch up.
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                Some((Ok(Event::default().data("changed")), rx))
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => None,
        }
    })
}

/// The console's own state, next to the message path it works through.
pub struct Console {
    pub hub: Arc<Hub>,
    pub accounts: accounts::Accounts,
    pub sessions: auth::Sessions,
}
