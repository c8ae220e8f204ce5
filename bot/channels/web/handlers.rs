//! The web chat's request handlers: the page, a message, the event stream and "Exit quickly".
//!
//! Every answer to a visitor is readable: an empty, too long or stale message, a forged or
//! expired cookie and an internal failure all come back as the chat page (or, for `fetch`, as
//! JSON with a localized `error`) with a note saying what happened, never as a bare error.
//! Nothing here logs what a visitor wrote or their session id; `deliver` logs the pseudonym.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

use super::WebState;
use super::history::{Entry, History};
use super::page::{self, UI, UI_HTML, View};
use super::render::{Labels, body, linkified};
use super::session::{CookieState, WebSession};
use super::{MAX_MESSAGE_CHARS, WebChat};
use crate::Lang;
use crate::engine::{Channel, Content, Reply};
use crate::messaging::peer::Peer;
use crate::messaging::streams::{Refused, StreamKind, StreamPermit};
use crate::messaging::{AppError, BODY_LIMIT, LEAVE_WORD, deliver_from};
use crate::runtime::now;
use crate::store::Pseudonym;

/// The fields a chat form may post. Anything else is ignored.
#[derive(Debug, Default)]
struct Posted {
    csrf: String,
    text: Option<String>,
    choice: Option<String>,
    refresh: bool,
    /// "Back to the bot" (leave the counselor queue).
    leave: bool,
    /// Posted by the script's exit beacon, which wants no redirect.
    js: bool,
    history: Vec<String>,
    choices: Vec<String>,
}

/// A message post is read (and what is past [`BODY_LIMIT`] thrown away) up to this size, so a
/// browser that sent a very long message gets to read the answer. Past it the sender is not a
/// visitor's browser, and the connection is simply closed after the answer.
pub const DRAIN_LIMIT: usize = 1 << 20;

/// Reads a request body, keeping the first `keep` bytes and reading the rest (up to `drain`
/// in all) without keeping it. Returns what was kept and whether anything was left out.
async fn read_capped(body: Body, keep: usize, drain: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut total = 0usize;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            // The client went away or sent a broken body: answer with what arrived.
            return (kept, true);
        };
        total = total.saturating_add(chunk.len());
        if kept.len() < keep {
            let room = keep - kept.len();
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        if total > drain {
            break;
        }
    }
    (kept, total > keep)
}

/// Choice labels carried back by the form; more than any flow offers is not a real form.
const MAX_POSTED_CHOICES: usize = 20;
/// A choice label longer than this is not one of ours; it is shown cut.
const MAX_LABEL_CHARS: usize = 200;

impl Posted {
    fn parse(body: &[u8]) -> Posted {
        let mut p = Posted::default();
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "csrf" => p.csrf = v.into_owned(),
                "text" => p.text = Some(v.into_owned()),
                "choice" => p.choice = Some(v.into_owned()),
                "refresh" => p.refresh = true,
                "leave" => p.leave = true,
                "js" => p.js = true,
                "h" => p.history.push(v.into_owned()),
                "c" if p.choices.len() < MAX_POSTED_CHOICES => p.choices.push(v.into_owned()),
                _ => {}
            }
        }
        p
    }
}

/// What the visitor sent, once read.
enum Said {
    /// Text for the engine, and how the visitor's own bubble shows it.
    Message {
        text: String,
        shown: String,
    },
    /// "Back to the bot": the leave word, shown as the button's label.
    Leave,
    /// "Check for new messages" (no-JS): nothing to send.
    Refresh,
    Empty,
    TooLong,
}

fn said(p: &Posted) -> Said {
    if p.leave {
        return Said::Leave;
    }
    if let Some(choice) = p.choice.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        // The engine takes a choice's number as the answer; the label is only for display.
        if let Ok(n) = choice.parse::<usize>()
            && (1..=MAX_POSTED_CHOICES).contains(&n)
        {
            let shown = p
                .choices
                .get(n - 1)
                .map(|l| l.chars().take(MAX_LABEL_CHARS).collect())
                .unwrap_or_else(|| n.to_string());
            return Said::Message {
                text: n.to_string(),
                shown,
            };
        }
    }
    let text = p.text.as_deref().unwrap_or("").trim();
    if text.is_empty() {
        return if p.refresh {
            Said::Refresh
        } else {
            Said::Empty
        };
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Said::TooLong;
    }
    Said::Message {
        text: text.to_owned(),
        shown: text.to_owned(),
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The visitor's preferred language among ours, from Accept-Language (read, never kept).
fn accept_lang(headers: &HeaderMap) -> Lang {
    let Some(v) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::default();
    };
    let mut best: Option<(f32, Lang)> = None;
    for part in v.split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim();
        let q = it
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if primary.len() == 2
            && let Some(lang) = Lang::parse(primary)
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l).unwrap_or_default()
}

fn who(state: &WebState, session: &WebSession) -> Pseudonym {
    state.hub.haven.pseudonym(Channel::Web, &session.id)
}

/// The stored session's language, else the browser's.
fn lang_for(state: &WebState, who: &Pseudonym, headers: &HeaderMap, now: i64) -> Lang {
    match state.hub.haven.store.load(who, now) {
        Ok(Some(l)) => l.session.lang,
        _ => accept_lang(headers),
    }
}

/// Whether the visitor waits for or talks with a counselor (then "Back to the bot" shows).
fn in_handoff(state: &WebState, session: &WebSession) -> bool {
    let who = who(state, session);
    matches!(state.hub.haven.store.load(&who, now()), Ok(Some(l)) if l.session.handoff.is_some())
}

/// A reply as the script receives it: the reply (text, choices, places) and its markup.
#[derive(Serialize)]
struct WebReply {
    #[serde(flatten)]
    reply: Reply,
    html: String,
}

fn web_replies(state: &WebState, lang: Lang, replies: Vec<Reply>) -> Vec<WebReply> {
    let labels = Labels::new(&state.hub.haven.engine.texts, lang);
    replies
        .into_iter()
        .map(|r| WebReply {
            html: body(&r.text, r.listing.as_ref(), &labels).into_string(),
            reply: r,
        })
        .collect()
}

fn text(state: &WebState, lang: Lang, id: &str) -> String {
    state.hub.haven.engine.texts.render(lang, id, &[])
}

/// A note's text; the too-long note names the limit.
fn note_text(state: &WebState, lang: Lang, id: &str) -> String {
    if id == "web-too-long" {
        let max = MAX_MESSAGE_CHARS.to_string();
        state
            .hub
            .haven
            .engine
            .texts
            .render(lang, id, &[("max", &max)])
    } else {
        text(state, lang, id)
    }
}

/// Headers every chat page and answer carries: nothing cached, nothing framed, nothing loaded
/// from elsewhere, no referrer sent on.
fn protect(web: &WebChat, mut resp: Response) -> Response {
    let exit_origin = url::Url::parse(&web.exit_url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    let csp = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
         img-src 'self'; form-action 'self' {exit_origin}; base-uri 'none'; frame-ancestors 'none'"
    );
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

fn with_cookie(mut resp: Response, cookie: Option<String>) -> Response {
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// A session for this request: the valid one, or a new one (with its `Set-Cookie`).
struct Visit {
    session: WebSession,
    /// `Set-Cookie` to send, when the session is new or re-issued.
    cookie: Option<String>,
    /// The cookie was forged or expired: say so on the page.
    ended: bool,
}

fn visit(state: &WebState, cookie: CookieState, now: i64) -> Result<Visit, AppError> {
    let web = &state.web;
    match cookie {
        CookieState::Valid(session) => Ok(Visit {
            session,
            cookie: None,
            ended: false,
        }),
        other => {
            if other == CookieState::Forged {
                state
                    .hub
                    .metrics
                    .inc("haven_forged_total", &[("channel", "web")]);
            }
            let session = web.sessions.new_session(now).map_err(AppError::internal)?;
            Ok(Visit {
                cookie: Some(web.sessions.set_cookie(&session)),
                session,
                ended: other != CookieState::Missing,
            })
        }
    }
}

/// Renders the chat page.
struct PageParts<'a> {
    lang: Lang,
    session: &'a WebSession,
    notes: Vec<String>,
    history: &'a History,
    new_entries: usize,
    choices: &'a [String],
    draft: &'a str,
}

fn render_page(
    state: &WebState,
    status: StatusCode,
    p: PageParts,
    cookie: Option<String>,
) -> Response {
    let csrf = state.web.sessions.csrf(&p.session.id);
    let markup = page::render(&View {
        lang: p.lang,
        texts: &state.hub.haven.engine.texts,
        csrf: &csrf,
        notes: &p.notes,
        history: p.history,
        new_entries: p.new_entries,
        choices: p.choices,
        draft: p.draft,
        exit_url: &state.web.exit_url,
        in_handoff: in_handoff(state, p.session),
    });
    protect(
        &state.web,
        with_cookie((status, markup).into_response(), cookie),
    )
}

/// The JSON a `fetch` gets.
#[derive(Serialize)]
struct ChatJson {
    lang: &'static str,
    csrf: String,
    ui: BTreeMap<&'static str, String>,
    /// Chrome texts with links, rendered (see `page::UI_HTML`).
    ui_html: BTreeMap<&'static str, String>,
    replies: Vec<WebReply>,
    /// Whether to offer "Back to the bot".
    handoff: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn ui(state: &WebState, lang: Lang) -> BTreeMap<&'static str, String> {
    UI.iter()
        .map(|(k, id)| (*k, text(state, lang, id)))
        .collect()
}

fn ui_html(state: &WebState, lang: Lang) -> BTreeMap<&'static str, String> {
    UI.iter()
        .filter(|(k, _)| UI_HTML.contains(k))
        .map(|(k, id)| (*k, linkified(&text(state, lang, id)).into_string()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn render_json(
    state: &WebState,
    status: StatusCode,
    lang: Lang,
    session: &WebSession,
    replies: Vec<Reply>,
    note: Option<String>,
    error: Option<String>,
    cookie: Option<String>,
) -> Response {
    let body = ChatJson {
        lang: lang.code(),
        csrf: state.web.sessions.csrf(&session.id),
        ui: ui(state, lang),
        ui_html: ui_html(state, lang),
        replies: web_replies(state, lang, replies),
        handoff: in_handoff(state, session),
        note,
        error,
    };
    protect(
        &state.web,
        with_cookie((status, axum::Json(body)).into_response(), cookie),
    )
}

/// Whether the request comes from another site's page. Browsers say so in `Sec-Fetch-Site`;
/// one that does not is judged by `Origin` (our public URL's, or the `Host` it was sent to).
/// `Origin: null` (sent with our own no-referrer pages by some browsers) proves nothing.
fn cross_site(state: &WebState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes() == b"cross-site";
    }
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
    else {
        return false;
    };
    let Ok(origin) = url::Url::parse(origin) else {
        return true;
    };
    let ours = state
        .hub
        .config
        .public_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .is_some_and(|u| u.origin() == origin.origin());
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let authority = match origin.port() {
        Some(p) => format!("{}:{p}", origin.host_str().unwrap_or("")),
        None => origin.host_str().unwrap_or("").to_owned(),
    };
    !(ours || authority.eq_ignore_ascii_case(host))
}

/// The answer to another site's request that arrived without our session cookie: the browser
/// did not send it (it is SameSite=Strict), so a new session set now would replace the
/// visitor's running one (and a cleared cookie would end it). Nothing is set or cleared;
/// the page reloads from our own origin, where the browser sends the cookie.
fn not_from_here(state: &WebState, status: StatusCode) -> Response {
    protect(&state.web, (status, page::bounce()).into_response())
}

/// `GET /`: the chat page. What was pushed while the visitor was away is shown (and dropped).
pub async fn page(AxumState(state): AxumState<WebState>, headers: HeaderMap) -> Response {
    let now = now();
    let cookie = state.web.sessions.read(&headers, now);
    if cookie == CookieState::Missing && cross_site(&state, &headers) {
        return protect(&state.web, page::bounce().into_response());
    }
    let visit = match visit(&state, cookie, now) {
        Ok(v) => v,
        Err(e) => return failure_page(&state, &headers, e),
    };
    let who = who(&state, &visit.session);
    let lang = lang_for(&state, &who, &headers, now);
    let mut history = History::default();
    let waiting = state.web.mailboxes.take(&who);
    let choices = last_choices(&waiting);
    let new_entries = waiting.len();
    for r in waiting {
        history.push(Entry::reply(Some(lang), r));
    }
    let notes = if visit.ended {
        vec![text(&state, lang, "web-new-session")]
    } else {
        Vec::new()
    };
    render_page(
        &state,
        StatusCode::OK,
        PageParts {
            lang,
            session: &visit.session,
            notes,
            history: &history,
            new_entries,
            choices: &choices,
            draft: "",
        },
        visit.cookie,
    )
}

/// `GET /chat` (a reload after a post, or a typed address): the page is at `/`.
pub async fn to_page() -> Redirect {
    Redirect::to("/")
}

fn last_choices(replies: &[Reply]) -> Vec<String> {
    replies
        .last()
        .map(|r| r.choices.clone())
        .unwrap_or_default()
}

/// `POST /chat`: one message from the visitor.
pub async fn message(
    AxumState(state): AxumState<WebState>,
    peer: Peer,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let now = now();
    let json = wants_json(&headers);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // Fields come in page order (csrf, history, choices, then the text), so a cut body still
    // has the token and the history; its text is refused as too long.
    let (body, cut) = if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        (Vec::new(), true)
    } else {
        read_capped(body, BODY_LIMIT, DRAIN_LIMIT).await
    };
    let posted = Posted::parse(&body);
    let web = &state.web;
    let cookie = web.sessions.read(&headers, now);
    if !matches!(cookie, CookieState::Valid(_)) && cross_site(&state, &headers) {
        return not_from_here(&state, StatusCode::FORBIDDEN);
    }

    // Which session this is, and whether the post may be sent: the CSRF token must belong to
    // the session the cookie names. An expired cookie's token still vouches for the visitor's
    // own stale page, so their message goes through in a fresh session (an overdose report
    // must not be lost to a timeout); a forged or missing cookie's post is not sent.
    let (session, mut cookie_out, mut notes, sendable, keep_history, stale) = match cookie {
        CookieState::Valid(s) => {
            let ok = web.sessions.csrf_ok(&s.id, &posted.csrf);
            (s, None, Vec::new(), ok, true, !ok)
        }
        other => {
            let vouched = matches!(&other, CookieState::Expired(old) if web.sessions.csrf_ok(&old.id, &posted.csrf));
            let v = match visit(&state, other, now) {
                Ok(v) => v,
                Err(e) => return failure_page(&state, &headers, e),
            };
            (
                v.session,
                v.cookie,
                vec!["web-new-session"],
                vouched,
                false,
                false,
            )
        }
    };
    let who = who(&state, &session);
    let mut history = if keep_history {
        History::from_fields(posted.history.iter().map(String::as_str))
    } else {
        History::default()
    };
    let said = if cut { Said::TooLong } else { said(&posted) };

    // Refusals: nothing goes to the engine, the visitor is told why.
    let refusal = match (&said, sendable) {
        (Said::Message { .. } | Said::Leave, false) if stale => {
            Some(("web-stale", StatusCode::FORBIDDEN))
        }
        (Said::Message { .. } | Said::Leave, false) => {
            Some(("web-new-session", StatusCode::CONFLICT))
        }
        (Said::Empty, _) => Some(("web-empty", StatusCode::BAD_REQUEST)),
        (Said::TooLong, _) => Some(("web-too-long", StatusCode::BAD_REQUEST)),
        _ => None,
    };
    if let Some((note, status)) = refusal {
        let lang = lang_for(&state, &who, &headers, now);
        let draft = match &said {
            Said::Message { text, .. } if posted.choice.is_none() => text.as_str(),
            _ => "",
        };
        if json {
            let other: Vec<String> = notes
                .iter()
                .filter(|n| **n != note)
                .map(|n| note_text(&state, lang, n))
                .collect();
            return render_json(
                &state,
                status,
                lang,
                &session,
                Vec::new(),
                (!other.is_empty()).then(|| other.join(" ")),
                Some(note_text(&state, lang, note)),
                cookie_out,
            );
        }
        if !notes.contains(&note) {
            notes.push(note);
        }
        let shown: Vec<String> = notes.iter().map(|n| note_text(&state, lang, n)).collect();
        let new_entries = take_waiting(&state, &who, lang, &mut history);
        let choices = posted_choices(&posted, keep_history);
        return render_page(
            &state,
            status,
            PageParts {
                lang,
                session: &session,
                notes: shown,
                history: &history,
                new_entries,
                choices: &choices,
                draft,
            },
            cookie_out,
        );
    }

    let (text_in, shown) = match said {
        Said::Message { text, shown } => (text, shown),
        // The button's label is what the visitor's bubble shows.
        Said::Leave => (
            LEAVE_WORD.to_owned(),
            text(&state, lang_for(&state, &who, &headers, now), "web-leave"),
        ),
        // "Check for new messages": show what waited, keep the choices on offer.
        _ => {
            let lang = lang_for(&state, &who, &headers, now);
            let new_entries = take_waiting(&state, &who, lang, &mut history);
            let choices = posted_choices(&posted, keep_history);
            let notes: Vec<String> = notes.iter().map(|n| note_text(&state, lang, n)).collect();
            return render_page(
                &state,
                StatusCode::OK,
                PageParts {
                    lang,
                    session: &session,
                    notes,
                    history: &history,
                    new_entries,
                    choices: &choices,
                    draft: "",
                },
                cookie_out,
            );
        }
    };

    let delivered = match deliver_from(
        &state.hub,
        Channel::Web,
        &session.id,
        Content::Text(&text_in),
        peer.network(&state.hub),
    )
    .await
    {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(who = %who, error = %e, "web message failed");
            let lang = lang_for(&state, &who, &headers, now);
            let failed = text(&state, lang, "web-send-failed");
            if json {
                return render_json(
                    &state,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    &session,
                    Vec::new(),
                    None,
                    Some(failed),
                    cookie_out,
                );
            }
            let choices = posted_choices(&posted, keep_history);
            return render_page(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                PageParts {
                    lang,
                    session: &session,
                    notes: vec![failed],
                    history: &history,
                    new_entries: 0,
                    choices: &choices,
                    draft: if posted.choice.is_none() {
                        &text_in
                    } else {
                        ""
                    },
                },
                cookie_out,
            );
        }
    };
    // The cookie's clock restarts with every message, like the stored session's.
    let reissued = WebSession {
        id: session.id.clone(),
        issued: now,
    };
    cookie_out = Some(web.sessions.set_cookie(&reissued));
    if !delivered.replies.is_empty() {
        state
            .hub
            .metrics
            .inc("haven_messages_out_total", &[("channel", "web")]);
    }
    let lang = lang_for(&state, &who, &headers, now);
    let notes: Vec<String> = notes.iter().map(|n| note_text(&state, lang, n)).collect();
    let mut waiting = state.web.mailboxes.take(&who);
    if json {
        waiting.extend(delivered.replies);
        return render_json(
            &state,
            StatusCode::OK,
            lang,
            &reissued,
            waiting,
            (!notes.is_empty()).then(|| notes.join(" ")),
            None,
            cookie_out,
        );
    }
    let new_entries = waiting.len() + 1 + delivered.replies.len();
    for r in waiting {
        history.push(Entry::reply(Some(lang), r));
    }
    history.push(Entry::visitor(shown));
    let choices = last_choices(&delivered.replies);
    for r in delivered.replies {
        history.push(Entry::reply(Some(lang), r));
    }
    render_page(
        &state,
        StatusCode::OK,
        PageParts {
            lang,
            session: &reissued,
            notes,
            history: &history,
            new_entries,
            choices: &choices,
            draft: "",
        },
        cookie_out,
    )
}

/// The choices the page offered, carried back, when its history is still shown.
fn posted_choices(p: &Posted, keep_history: bool) -> Vec<String> {
    if keep_history {
        p.choices
            .iter()
            .map(|l| l.chars().take(MAX_LABEL_CHARS).collect())
            .collect()
    } else {
        Vec::new()
    }
}

/// Adds what was pushed to `who` while away to the page; returns how many texts that was.
fn take_waiting(state: &WebState, who: &Pseudonym, lang: Lang, history: &mut History) -> usize {
    let waiting = state.web.mailboxes.take(who);
    let n = waiting.len();
    for r in waiting {
        history.push(Entry::reply(Some(lang), r));
    }
    n
}

/// An internal failure before a session could be set up (the OS gave no random numbers).
fn failure_page(state: &WebState, headers: &HeaderMap, e: AppError) -> Response {
    tracing::error!(error = %e, "web chat failed");
    let lang = accept_lang(headers);
    let body = format!(
        "{}\n",
        state
            .hub
            .haven
            .engine
            .texts
            .render(lang, "web-send-failed", &[])
    );
    protect(
        &state.web,
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            body,
        )
            .into_response(),
    )
}

/// `POST /chat/exit`: "Exit quickly". Ends the session (stored state and waiting texts) when
/// the post is the visitor's own, clears the cookie (unless another site sent the post), and
/// sends the browser away to a neutral site. The script calls it as a beacon (`js=1`) while it leaves by itself.
pub async fn exit(
    AxumState(state): AxumState<WebState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = now();
    let posted = Posted::parse(&body);
    let web = &state.web;
    // Exit quickly is always pressed on our own page; from another site it changes nothing.
    if cross_site(&state, &headers) {
        return not_from_here(&state, StatusCode::FORBIDDEN);
    }
    let cookie = web.sessions.read(&headers, now);
    if let CookieState::Valid(s) | CookieState::Expired(s) = cookie
        && web.sessions.csrf_ok(&s.id, &posted.csrf)
    {
        let who = who(&state, &s);
        if let Err(e) = state.hub.haven.store.delete(&who) {
            tracing::error!(who = %who, error = %e, "ending a web session failed");
        }
        web.mailboxes.remove(&who);
        state.hub.metrics.inc("haven_web_exits_total", &[]);
        tracing::info!(who = %who, "web visitor exited");
    }
    let resp = if posted.js {
        StatusCode::NO_CONTENT.into_response()
    } else {
        Redirect::to(&web.exit_url).into_response()
    };
    protect(web, with_cookie(resp, Some(web.sessions.clear_cookie())))
}

/// `GET /chat/events`: texts pushed to this visitor, as server-sent events, starting with what
/// waited. Without a current session there is nothing to listen to: 204 tells `EventSource`
/// not to reconnect. A visitor may keep a few pages open live, and the server a bounded number
/// overall ([`crate::messaging::LiveStreams`]); past that the page gets 429 and still works, as
/// without JavaScript ("Check for new messages"). Every stream ends when the server shuts down.
pub async fn events(AxumState(state): AxumState<WebState>, headers: HeaderMap) -> Response {
    let CookieState::Valid(session) = state.web.sessions.read(&headers, now()) else {
        return StatusCode::NO_CONTENT.into_response();
    };
    let who = who(&state, &session);
    let permit = match state.hub.streams.admit(StreamKind::Web, &who.to_string()) {
        Ok(p) => p,
        Err(refused) => {
            state
                .hub
                .metrics
                .inc("haven_streams_refused_total", &[("kind", "web")]);
            tracing::warn!(who = %who, reason = %refused, "live stream refused");
            let status = match refused {
                Refused::Closing => StatusCode::SERVICE_UNAVAILABLE,
                Refused::Holder | Refused::Total => StatusCode::TOO_MANY_REQUESTS,
            };
            return protect(&state.web, status.into_response());
        }
    };
    let sub = state.web.mailboxes.subscribe(&who);
    let feed = Feed {
        waiting: Some(sub.waiting),
        live: sub.live,
        permit,
        state: state.clone(),
        who,
        browser_lang: accept_lang(&headers),
    };
    let stream = futures_util::stream::unfold(feed, |mut f| async move {
        if let Some(w) = f.waiting.take()
            && !w.is_empty()
        {
            return Some((Ok::<Event, Infallible>(f.event(w)), f));
        }
        loop {
            if *f.permit.closing.borrow() {
                return None;
            }
            tokio::select! {
                r = f.live.recv() => match r {
                    Ok(replies) => return Some((Ok(f.event(replies)), f)),
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                },
                changed = f.permit.closing.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                }
            }
        }
    });
    let mut resp = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    // Proxies such as nginx would otherwise hold the events back in a buffer.
    resp.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

struct Feed {
    waiting: Option<Vec<Reply>>,
    live: tokio::sync::broadcast::Receiver<Vec<Reply>>,
    /// The stream's place among the live streams; it says when the server shuts down.
    permit: StreamPermit,
    /// To render pushed replies in the visitor's language at the time they arrive.
    state: WebState,
    who: Pseudonym,
    browser_lang: Lang,
}

impl Feed {
    /// An event with `replies` as the script shows them (text, choices, places and markup).
    fn event(&self, replies: Vec<Reply>) -> Event {
        let lang = match self.state.hub.haven.store.load(&self.who, now()) {
            Ok(Some(l)) => l.session.lang,
            _ => self.browser_lang,
        };
        let body = serde_json::json!({ "replies": web_replies(&self.state, lang, replies) });
        Event::default().data(body.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn accept_language_picks_the_best_of_ours() {
        assert_eq!(accept_lang(&HeaderMap::new()), Lang::En);
        assert_eq!(
            accept_lang(&headers(&[("accept-language", "es-MX,es;q=0.9,en;q=0.8")])),
            Lang::Es
        );
        assert_eq!(
            accept_lang(&headers(&[("accept-language", "fr, en;q=0.5, es;q=0.7")])),
            Lang::Es
        );
        assert_eq!(
            accept_lang(&headers(&[("accept-language", "de")])),
            Lang::En
        );
    }

    #[test]
    fn a_post_is_read_as_a_message_a_choice_or_nothing() {
        let p = Posted::parse(b"csrf=t&text=++hello++&h=m%3Ahi&c=Yes&c=No");
        assert_eq!(p.csrf, "t");
        assert!(matches!(said(&p), Said::Message { text, .. } if text == "hello"));
        let p = Posted::parse(b"text=&choice=2&c=Yes&c=No");
        assert!(matches!(said(&p), Said::Message { text, shown } if text == "2" && shown == "No"));
        let p = Posted::parse(b"text=&choice=99");
        assert!(matches!(said(&p), Said::Empty));
        assert!(matches!(said(&Posted::parse(b"text=+++")), Said::Empty));
        assert!(matches!(
            said(&Posted::parse(b"text=&refresh=1")),
            Said::Refresh
        ));
        let long = format!("text={}", "a".repeat(MAX_MESSAGE_CHARS + 1));
        assert!(matches!(
            said(&Posted::parse(long.as_bytes())),
            Said::TooLong
        ));
        let ok = format!("text={}", "é".repeat(MAX_MESSAGE_CHARS));
        assert!(matches!(
            said(&Posted::parse(ok.as_bytes())),
            Said::Message { .. }
        ));
    }
}
