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
//! which is why several small functions return `Result<_, Response>`.
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod auth;
pub mod pages;

use std::convert::Infallible;
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
use crate::runtime::now;
use crate::server::AppState;
use crate::server::outbound;
use auth::{ConsoleSession, same};

pub fn routes() -> Router<AppState> {
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
}

const LOGIN_COOKIE: &str = "haven_console_login";

fn secure(state: &AppState) -> bool {
    state
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

fn to_login() -> Response {
    Redirect::to("/console/login").into_response()
}

/// The signed-in counselor, or a redirect to the login page.
fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<(String, ConsoleSession), Response> {
    let (token, s) = state
        .console
        .sessions
        .from_headers(headers, now())
        .ok_or_else(to_login)?;
    // A removed account ends its sessions at the next request.
    match state.console.accounts.names() {
        Ok(names) if names.contains(&s.name) => Ok((token, s)),
        _ => {
            state.console.sessions.end(&token);
            Err(to_login())
        }
    }
}

fn check_csrf(s: &ConsoleSession, given: &str) -> Result<(), Response> {
    if same(&s.csrf, given) {
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

async fn login_page(AxumState(state): AxumState<AppState>, headers: HeaderMap) -> Response {
    if signed_in(&state, &headers).is_ok() {
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
    if !state.console.sessions.login_allowed(&name, now) {
        return login_form(
            &state,
            Some("Too many failed attempts. Wait 15 minutes and try again."),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let accounts = state.console.accounts.clone();
    let (n, p) = (name.clone(), f.password);
    // argon2 takes tens of milliseconds on purpose: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || accounts.verify(&n, &p))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(false);
    if !ok {
        state.console.sessions.login_failed(&name, now);
        tracing::warn!("console login failed");
        return login_form(
            &state,
            Some("Wrong name or password."),
            StatusCode::UNAUTHORIZED,
        );
    }
    state.console.sessions.login_succeeded(&name);
    let (token, _) = state.console.sessions.create(&name, now);
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
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (token, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    state.console.sessions.end(&token);
    let mut r = Redirect::to("/console/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::clear_cookie(secure(&state))).expect("cookie is ASCII"),
    );
    private(r)
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    msg: Option<String>,
}

async fn queue_page(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    q: axum::extract::Query<Notice>,
) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match state.handoff.queue() {
        Ok(queue) => private(
            pages::queue_page(&queue, &s.name, &s.csrf, now(), q.msg.as_deref()).into_response(),
        ),
        Err(e) => internal(e),
    }
}

async fn queue_fragment(AxumState(state): AxumState<AppState>, headers: HeaderMap) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(_) => return StatusCode::UNAUTHORIZED.into_response(),
    };
    match state.handoff.queue() {
        Ok(queue) => private(pages::queue_rows(&queue, &s.name, &s.csrf, now()).into_response()),
        Err(e) => internal(e),
    }
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
    headers: HeaderMap,
    Path(id): Path<u64>,
    q: axum::extract::Query<Notice>,
) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match (state.handoff.ticket(id), state.handoff.transcript(id)) {
        (Ok(Some(t)), Ok(lines)) => private(
            pages::ticket_page(
                &t,
                &lines,
                &s.name,
                &s.csrf,
                &state.handoff.config().outcomes,
                now(),
                q.msg.as_deref(),
            )
            .into_response(),
        ),
        (Ok(None), _) | (_, Err(HandoffError::NoTicket(_))) => private(
            (
                StatusCode::NOT_FOUND,
                pages::closed_page(id, &s.name, &s.csrf),
            )
                .into_response(),
        ),
        (Err(e), _) | (_, Err(e)) => internal(e),
    }
}

async fn lines_fragment(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Response {
    if signed_in(&state, &headers).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match state.handoff.transcript(id) {
        Ok(lines) => private(pages::lines(&lines).into_response()),
        Err(HandoffError::NoTicket(_)) => {
            private(axum::response::Html("<p>This ticket is closed.</p>").into_response())
        }
        Err(e) => internal(e),
    }
}

async fn actions_fragment(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(_) => return StatusCode::UNAUTHORIZED.into_response(),
    };
    match state.handoff.ticket(id) {
        Ok(Some(t)) => private(
            pages::ticket_actions(&t, &s.name, &s.csrf, &state.handoff.config().outcomes)
                .into_response(),
        ),
        Ok(None) => private(axum::response::Html("").into_response()),
        Err(e) => internal(e),
    }
}

fn back_to(id: u64, msg: &str) -> Response {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("msg", msg)
        .finish();
    Redirect::to(&format!("/console/ticket/{id}?{q}")).into_response()
}

async fn claim(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    match state.handoff.claim(id, &s.name, now()) {
        Ok(Claim::Claimed(_, out)) => {
            if let Err(e) = outbound::send(&state, out).await {
                tracing::error!(error = %e, "claim notice not sent");
            }
            back_to(id, "You have this ticket now.")
        }
        Ok(Claim::Taken { by }) if by == s.name => back_to(id, "You already have this ticket."),
        Ok(Claim::Taken { by }) => back_to(id, &format!("{by} claimed it first.")),
        Err(HandoffError::NoTicket(_)) => {
            Redirect::to("/console?msg=That+ticket+is+closed.").into_response()
        }
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct ReplyForm {
    csrf: String,
    text: String,
}

async fn reply(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Form(f): Form<ReplyForm>,
) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    let text = crate::engine::clean_for_relay(&f.text);
    if text.is_empty() {
        return back_to(id, "Write something to send.");
    }
    if text.chars().count() > 1500 {
        return back_to(id, "That reply is too long (1,500 characters at most).");
    }
    match state.handoff.reply(id, &s.name, &text, now()) {
        Ok(out) => match outbound::send(&state, out).await {
            Ok(()) => back_to(id, "Sent."),
            Err(e) => internal(e),
        },
        Err(e @ (HandoffError::WrongState { .. } | HandoffError::NoTicket(_))) => {
            back_to(id, &e.to_string())
        }
        Err(e) => internal(e),
    }
}

async fn release(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    match state.handoff.release(id, &s.name, now()) {
        Ok((_, out)) => {
            if let Err(e) = outbound::send(&state, out).await {
                tracing::error!(error = %e, "release notice not sent");
            }
            Redirect::to("/console?msg=Released+to+the+queue.").into_response()
        }
        Err(e @ (HandoffError::WrongState { .. } | HandoffError::NoTicket(_))) => {
            back_to(id, &e.to_string())
        }
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct CloseForm {
    csrf: String,
    outcome: String,
}

async fn close(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Form(f): Form<CloseForm>,
) -> Response {
    let (_, s) = match signed_in(&state, &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = check_csrf(&s, &f.csrf) {
        return r;
    }
    match state.handoff.close(id, &s.name, &f.outcome, now()) {
        Ok((_, out)) => {
            if let Err(e) = outbound::send(&state, out).await {
                tracing::error!(error = %e, "close notice not sent");
            }
            Redirect::to(&format!("/console?msg=Ticket+%23{id}+closed.")).into_response()
        }
        Err(
            e @ (HandoffError::WrongState { .. }
            | HandoffError::NoTicket(_)
            | HandoffError::Outcome { .. }),
        ) => back_to(id, &e.to_string()),
        Err(e) => internal(e),
    }
}

/// Server-sent events: a ping whenever any ticket changes (no content; the page re-fetches).
async fn events(AxumState(state): AxumState<AppState>, headers: HeaderMap) -> Response {
    if signed_in(&state, &headers).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let rx = state.handoff.subscribe();
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

/// Console state held by the server.
pub struct Console {
    pub accounts: accounts::Accounts,
    pub sessions: auth::Sessions,
}
