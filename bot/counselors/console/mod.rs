//! The counselor console at `/console`: sign in, go on shift, see the queue live, work several
//! conversations at once (tabs with unread counts), claim, reply (with quick replies in the
//! person's language), add private notes, transfer, release and close tickets — the same
//! tickets as the Telegram counselor group, side by side. Supervisors also see every ticket,
//! reassign them, and read the reports and the audit log.
//!
//! Server-rendered HTML (maud) that works without JavaScript; a small self-served script keeps
//! the parts marked `data-live` current when the server says something changed (SSE), plays
//! the urgent alert (sound, page title, a browser notification where permitted) and inserts
//! quick replies without a reload.
//! Accounts: `haven counselor add NAME` (argon2 hash in `<data>/counselors.json`). Sessions:
//! random token in a Secure (over https), HTTP-only, SameSite=Strict cookie; every form carries
//! a per-session CSRF token; failed logins are limited per name and per client network, never
//! for everyone together (see [`auth`]). After an action a page shows a notice chosen by a fixed
//! code ([`notice`]), never text from the address bar.
//!
//! Handlers return a ready `Response` as their error (a redirect to the login page, a 403),
//! which is why they return `Result<Response, Response>`.
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod auth;
pub mod charts;
pub mod live;
pub mod notice;
pub mod pages;
pub mod reports;
pub mod tickets;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Form;
use axum::Router;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::handoff::{Priority, Speaker, TicketView};
use crate::messaging::Hub;
use crate::messaging::peer::Peer;
use crate::runtime::now;
use accounts::Role;
use auth::{ConsoleSession, same};
use notice::{Notice, NoticeQuery};

pub fn routes(state: Arc<Console>) -> Router {
    Router::new()
        .route("/console", get(queue_page))
        .route("/console/", get(|| async { Redirect::to("/console") }))
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", post(logout))
        .route("/console/shift", post(shift))
        .route("/console/queue", get(queue_fragment))
        .route("/console/presence", get(presence_fragment))
        .route("/console/tabs", get(tabs_fragment))
        .route("/console/events", get(live::events))
        .route("/console/ticket/{id}", get(tickets::page))
        .route("/console/ticket/{id}/lines", get(tickets::lines_fragment))
        .route("/console/ticket/{id}/state", get(tickets::state_fragment))
        .route(
            "/console/ticket/{id}/actions",
            get(tickets::actions_fragment),
        )
        .route("/console/ticket/{id}/quick", get(tickets::quick))
        .route("/console/ticket/{id}/claim", post(tickets::claim))
        .route("/console/ticket/{id}/reply", post(tickets::reply))
        .route("/console/ticket/{id}/note", post(tickets::note))
        .route("/console/ticket/{id}/transfer", post(tickets::transfer))
        .route("/console/ticket/{id}/reassign", post(tickets::reassign))
        .route("/console/ticket/{id}/release", post(tickets::release))
        .route("/console/ticket/{id}/close", post(tickets::close))
        .route("/console/reports", get(reports::page))
        .route("/console/reports.csv", get(reports::csv))
        .route("/console/audit", get(reports::audit))
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
        .layer(axum::middleware::map_response(nosniff))
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
    role: Role,
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

    fn supervisor(&self) -> bool {
        self.role == Role::Supervisor
    }

    /// Whether this counselor may see a ticket: a waiting one, their own, or any for a
    /// supervisor. Others' conversations stay with them.
    fn can_see(&self, t: &TicketView) -> bool {
        self.supervisor() || t.counselor.as_deref().is_none_or(|c| c == self.name())
    }

    /// Refuses what only supervisors may do.
    fn must_supervise(&self) -> Result<(), Response> {
        if self.supervisor() {
            Ok(())
        } else {
            Err(private(
                (
                    StatusCode::FORBIDDEN,
                    "Only a supervisor can do this. Ask the program's operator to run `haven counselor role NAME supervisor`.\n",
                )
                    .into_response(),
            ))
        }
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
        // so that `haven counselor remove` ends that person's sessions at once, and a change of
        // role applies at the next click, with no restart.
        match state.accounts.roles() {
            Ok(roles) if roles.contains_key(&session.name) => Ok(SignedIn {
                role: roles[&session.name],
                token,
                session,
            }),
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
pub struct CsrfForm {
    pub csrf: String,
}

/// Signing out also takes the counselor off shift: no one should wait for someone who left.
async fn logout(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Form(f): Form<CsrfForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    if let Err(e) = state.hub.handoff.set_shift(who.name(), false, now()) {
        tracing::error!(error = %e, "presence not updated at sign-out");
    }
    state.sessions.end(&who.token);
    let mut r = Redirect::to("/console/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::clear_cookie(secure(&state))).expect("cookie is ASCII"),
    );
    Ok(private(r))
}

#[derive(Deserialize)]
struct ShiftForm {
    csrf: String,
    /// `1`: on shift; anything else: away.
    on: String,
    /// The console page to return to.
    #[serde(default)]
    back: String,
}

async fn shift(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Form(f): Form<ShiftForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    let on = f.on == "1";
    state
        .hub
        .handoff
        .set_shift(who.name(), on, now())
        .map_err(internal)?;
    // Only back to a console page: never an open redirect.
    let back = if f.back.starts_with("/console") && !f.back.contains("//") {
        f.back.as_str()
    } else {
        "/console"
    };
    Ok(with_notice(
        back,
        if on { Notice::OnShift } else { Notice::Away },
        None,
    ))
}

/// A redirect to a console page with a notice, and the ticket it is about.
pub(crate) fn with_notice(path: &str, notice: Notice, ticket: Option<u64>) -> Response {
    Redirect::to(&notice::href(path, notice, ticket)).into_response()
}

/// What every signed-in page shows around its content: who, their shift, their open
/// conversations, whether an urgent ticket waits.
fn frame<'a>(
    state: &Console,
    who: &'a SignedIn,
    queue: &[TicketView],
    current: Option<u64>,
) -> pages::Frame<'a> {
    let now = now();
    let on_shift = state
        .hub
        .handoff
        .is_on_shift(who.name(), now)
        .unwrap_or(false);
    pages::Frame {
        me: who.name(),
        csrf: &who.session.csrf,
        supervisor: who.supervisor(),
        on_shift,
        urgent: if on_shift {
            urgent_waiting(queue)
        } else {
            Vec::new()
        },
        tabs: state.tabs(who.name(), queue, current),
        current,
    }
}

/// Unclaimed urgent and crisis tickets, the ones that alert counselors on shift.
pub fn urgent_waiting(queue: &[TicketView]) -> Vec<u64> {
    queue
        .iter()
        .filter(|t| t.counselor.is_none() && t.priority >= Priority::Crisis)
        .map(|t| t.id)
        .collect()
}

async fn queue_page(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    q: axum::extract::Query<NoticeQuery>,
) -> Page {
    let queue = state.hub.handoff.queue().map_err(internal)?;
    let now = now();
    let on = state.hub.handoff.on_shift(now).map_err(internal)?;
    let f = frame(&state, &who, &queue, None);
    let h = holder(&state, q.ticket());
    let notice = q.notice().map(|n| n.text(q.ticket(), h.as_deref()));
    Ok(private(
        pages::queue_page(&f, &queue, &on, now, notice.as_deref()).into_response(),
    ))
}

/// The counselor who holds a ticket now, from haven's own data (for a notice's words).
fn holder(state: &Console, ticket: Option<u64>) -> Option<String> {
    state
        .hub
        .handoff
        .ticket(ticket?)
        .ok()
        .flatten()
        .and_then(|t| t.counselor)
}

async fn queue_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
) -> Page {
    let who = fragment(who)?;
    let queue = state.hub.handoff.queue().map_err(internal)?;
    Ok(private(
        pages::queue_rows(
            &queue,
            who.name(),
            who.supervisor(),
            &who.session.csrf,
            now(),
        )
        .into_response(),
    ))
}

async fn presence_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
) -> Page {
    fragment(who)?;
    let on = state.hub.handoff.on_shift(now()).map_err(internal)?;
    Ok(private(pages::on_shift(&on).into_response()))
}

#[derive(Deserialize, Default)]
struct TabsQuery {
    #[serde(default)]
    current: Option<u64>,
}

async fn tabs_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
    q: axum::extract::Query<TabsQuery>,
) -> Page {
    let who = fragment(who)?;
    let queue = state.hub.handoff.queue().map_err(internal)?;
    Ok(private(
        state.tabs(who.name(), &queue, q.current).into_response(),
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

/// The console's own state, next to the message path it works through.
pub struct Console {
    pub hub: Arc<Hub>,
    pub accounts: accounts::Accounts,
    pub sessions: auth::Sessions,
    /// How many transcript lines each counselor has seen of each of their tickets, for the
    /// unread counts. In memory: after a restart every line counts as read.
    reads: Mutex<HashMap<(String, u64), usize>>,
}

impl Console {
    pub fn new(hub: Arc<Hub>, accounts: accounts::Accounts) -> Console {
        Console {
            hub,
            accounts,
            sessions: Default::default(),
            reads: Default::default(),
        }
    }

    /// Records that `name` has seen the first `lines` lines of ticket `id`.
    fn seen(&self, name: &str, id: u64, lines: usize) {
        self.reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((name.to_owned(), id), lines);
    }

    /// The person's lines `name` has not seen yet on ticket `id`.
    fn unread(&self, name: &str, id: u64) -> usize {
        let seen = self
            .reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(name.to_owned(), id))
            .copied()
            .unwrap_or(0);
        match self.hub.handoff.transcript(id) {
            Ok(lines) => lines
                .iter()
                .skip(seen)
                .filter(|l| l.from == Speaker::Person)
                .count(),
            Err(_) => 0,
        }
    }

    /// The counselor's open conversations as tabs, with unread counts (none for `current`,
    /// which is on screen).
    fn tabs(&self, name: &str, queue: &[TicketView], current: Option<u64>) -> maud::Markup {
        {
            // Forget what was read of tickets that are closed or no longer this counselor's.
            let mine: Vec<u64> = queue
                .iter()
                .filter(|t| t.counselor.as_deref() == Some(name))
                .map(|t| t.id)
                .collect();
            self.reads
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(n, id), _| n != name || mine.contains(id));
        }
        let mut tabs: Vec<pages::Tab> = queue
            .iter()
            .filter(|t| t.counselor.as_deref() == Some(name))
            .map(|t| pages::Tab {
                id: t.id,
                priority: t.priority,
                unread: if Some(t.id) == current {
                    0
                } else {
                    self.unread(name, t.id)
                },
                current: Some(t.id) == current,
            })
            .collect();
        // In the order they were opened, so tabs do not jump around as priorities change.
        tabs.sort_by_key(|t| t.id);
        pages::tabs(&tabs)
    }
}
