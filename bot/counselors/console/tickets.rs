//! The console's ticket page and what a counselor does there: claim, reply (quick replies
//! inserted in the person's language), private notes, transfer, release, close — and, for a
//! supervisor, reassign.
//!
//! A counselor sees waiting tickets and their own; another counselor's conversation stays with
//! them (a supervisor sees all). Every action is a plain form post that works without
//! JavaScript and comes back to the ticket page with a notice.
#![allow(clippy::result_large_err)]

use axum::Form;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::notice::Notice;
use super::{AppState, CsrfForm, Page, SignedIn, fragment, frame, internal, pages, private};
use crate::counselors::quick;
use crate::handoff::{Claim, HandoffError, TicketView};
use crate::messaging::{OutboundError, outbound};
use crate::runtime::now;

/// The longest reply or note a counselor can send.
pub const MAX_TEXT: usize = 1500;

fn back_to(id: u64, notice: Notice) -> Response {
    super::with_notice(&format!("/console/ticket/{id}"), notice, None)
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
        HandoffError::WrongState { .. } => Ok(back_to(id, Notice::WrongState)),
        HandoffError::NoTicket(_) => Ok(super::with_notice("/console", Notice::TicketClosed, None)),
        HandoffError::SameCounselor(..) => Ok(back_to(id, Notice::SameCounselor)),
        HandoffError::Outcome { .. } => Ok(back_to(id, Notice::BadOutcome)),
        e => Err(internal(e)),
    }
}

/// The ticket if this counselor may see it; otherwise the page to show instead.
fn visible(state: &AppState, who: &SignedIn, id: u64) -> Result<TicketView, Response> {
    match state.hub.handoff.ticket(id).map_err(internal)? {
        None => Err(private(
            (
                StatusCode::NOT_FOUND,
                pages::closed_page(id, who.name(), &who.session.csrf),
            )
                .into_response(),
        )),
        Some(t) if who.can_see(&t) => Ok(t),
        Some(t) => Err(private(
            (
                StatusCode::FORBIDDEN,
                pages::not_yours(
                    id,
                    t.counselor.as_deref().unwrap_or(""),
                    who.name(),
                    &who.session.csrf,
                ),
            )
                .into_response(),
        )),
    }
}

/// Counselors a ticket can go to: every console account and everyone on shift (Telegram
/// counselors included), with whether they are on shift.
fn colleagues(state: &AppState) -> Vec<(String, bool)> {
    let now = now();
    let on: Vec<String> = state
        .hub
        .handoff
        .on_shift(now)
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.name)
        .collect();
    let mut all: Vec<(String, bool)> = state
        .accounts
        .names()
        .unwrap_or_default()
        .into_iter()
        .map(|n| {
            let is_on = on.contains(&n);
            (n, is_on)
        })
        .collect();
    for n in on {
        if !all.iter().any(|(a, _)| *a == n) {
            all.push((n, true));
        }
    }
    all
}

fn is_colleague(state: &AppState, name: &str) -> bool {
    colleagues(state).iter().any(|(n, _)| n == name)
}

#[derive(Deserialize, Default)]
pub struct TicketQuery {
    #[serde(default)]
    notice: Option<String>,
    /// A quick reply to put in the reply box (without JavaScript the buttons come here).
    #[serde(default)]
    quick: Option<String>,
    #[serde(default)]
    place: Option<String>,
}

pub async fn page(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    q: Query<TicketQuery>,
) -> Page {
    let t = match visible(&state, &who, id) {
        Ok(t) => t,
        Err(page) => return Ok(page),
    };
    let lines = match state.hub.handoff.transcript(id) {
        Ok(l) => l,
        Err(HandoffError::NoTicket(_)) => Vec::new(),
        Err(e) => return Err(internal(e)),
    };
    if t.counselor.as_deref() == Some(who.name()) {
        state.seen(who.name(), id, lines.len());
    }
    let now = now();
    let mut notice = q
        .notice
        .as_deref()
        .and_then(Notice::parse)
        .map(|n| n.text(Some(id), t.counselor.as_deref()));
    let mut draft = String::new();
    if let Some(which) = q.quick.as_deref() {
        match quick::make(&state.hub, which, &t, q.place.as_deref(), now) {
            Ok(text) => draft = text,
            // Never the words of the address bar: a fixed text.
            Err(_) => notice = Some(Notice::QuickNeedsPlace.text(Some(id), None)),
        }
    }
    let queue = state.hub.handoff.queue().map_err(internal)?;
    let f = frame(&state, &who, &queue, Some(id));
    Ok(private(
        pages::ticket_page(
            &f,
            &pages::TicketParts {
                ticket: &t,
                transcript: &lines,
                outcomes: &state.hub.handoff.config().outcomes,
                colleagues: &colleagues(&state),
                quick: &quick::list(&state.hub),
                draft: &draft,
                place: q.place.as_deref().unwrap_or(""),
            },
            now,
            notice.as_deref(),
        )
        .into_response(),
    ))
}

pub async fn lines_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
    Path(id): Path<u64>,
) -> Page {
    let who = fragment(who)?;
    let Some(t) = state.hub.handoff.ticket(id).map_err(internal)? else {
        return Ok(private(
            axum::response::Html("<p>This ticket is closed. Its messages are deleted.</p>")
                .into_response(),
        ));
    };
    if !who.can_see(&t) {
        return Err(StatusCode::FORBIDDEN.into_response());
    }
    match state.hub.handoff.transcript(id) {
        Ok(lines) => {
            if t.counselor.as_deref() == Some(who.name()) {
                state.seen(who.name(), id, lines.len());
            }
            Ok(private(pages::lines(&lines).into_response()))
        }
        Err(HandoffError::NoTicket(_)) => Ok(private(
            axum::response::Html("<p>This ticket is closed. Its messages are deleted.</p>")
                .into_response(),
        )),
        Err(e) => Err(internal(e)),
    }
}

pub async fn state_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
    Path(id): Path<u64>,
) -> Page {
    let who = fragment(who)?;
    match state.hub.handoff.ticket(id).map_err(internal)? {
        Some(t) if who.can_see(&t) => Ok(private(
            pages::ticket_state(&t, who.name(), &who.session.csrf, now()).into_response(),
        )),
        Some(t) => Ok(private(
            pages::with_someone_else(t.counselor.as_deref().unwrap_or("")).into_response(),
        )),
        None => Ok(private(
            axum::response::Html("<p class=\"notice\">This ticket is closed.</p>").into_response(),
        )),
    }
}

pub async fn actions_fragment(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
    Path(id): Path<u64>,
) -> Page {
    let who = fragment(who)?;
    match state.hub.handoff.ticket(id).map_err(internal)? {
        Some(t) if who.can_see(&t) => Ok(private(
            pages::ticket_actions(
                &t,
                who.name(),
                who.supervisor(),
                &who.session.csrf,
                &state.hub.handoff.config().outcomes,
                &colleagues(&state),
            )
            .into_response(),
        )),
        _ => Ok(private(axum::response::Html("").into_response())),
    }
}

/// A quick reply's text for this ticket's person, for the page's script to put in the reply
/// box. Plain text; a 4xx with the reason when it cannot be made.
pub async fn quick(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
    Path(id): Path<u64>,
    q: Query<TicketQuery>,
) -> Page {
    let who = fragment(who)?;
    let plain = |status: StatusCode, text: String| {
        private(
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                text,
            )
                .into_response(),
        )
    };
    let Some(t) = state.hub.handoff.ticket(id).map_err(internal)? else {
        return Ok(plain(
            StatusCode::NOT_FOUND,
            "This ticket is closed.".into(),
        ));
    };
    if !who.can_see(&t) {
        return Ok(plain(
            StatusCode::FORBIDDEN,
            "This ticket is with someone else.".into(),
        ));
    }
    let which = q.quick.as_deref().unwrap_or_default();
    match quick::make(&state.hub, which, &t, q.place.as_deref(), now()) {
        Ok(text) => Ok(plain(StatusCode::OK, text)),
        Err(e @ quick::QuickError::Unknown(_)) => Ok(plain(StatusCode::NOT_FOUND, e.to_string())),
        Err(e) => Ok(plain(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())),
    }
}

pub async fn claim(
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
        // Someone else's conversation is not shown to this counselor: back to the queue.
        Ok(Claim::Taken { .. }) => Ok(super::with_notice("/console", Notice::Taken, Some(id))),
        Err(HandoffError::NoTicket(_)) => {
            Ok(super::with_notice("/console", Notice::TicketClosed, None))
        }
        Err(e) => refused(id, e),
    }
}

#[derive(Deserialize)]
pub struct TextForm {
    csrf: String,
    text: String,
}

/// The text of a reply or note, cleaned, or the notice saying what is wrong with it.
fn text_of(id: u64, raw: &str) -> Result<String, Response> {
    let text = crate::engine::clean_for_relay(raw);
    if text.is_empty() {
        return Err(back_to(id, Notice::Empty));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(back_to(id, Notice::TooLong));
    }
    Ok(text)
}

pub async fn reply(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<TextForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    let text = match text_of(id, &f.text) {
        Ok(t) => t,
        Err(r) => return Ok(r),
    };
    match state.hub.handoff.reply(id, who.name(), &text, now()) {
        Ok(out) => {
            match outbound::send(&state.hub, out).await {
                Ok(()) => Ok(back_to(id, Notice::Sent)),
                // The counselor must know a reply did not reach the person, not see an error
                // page or nothing; the notice is one of the console's own fixed texts.
                Err(OutboundError::Refused { reason, .. }) => Ok(back_to(
                    id,
                    if reason == crate::channels::whatsapp::WINDOW_CLOSED {
                        Notice::WindowClosed
                    } else {
                        Notice::NotDelivered
                    },
                )),
                Err(e) => Err(internal(e)),
            }
        }
        Err(e) => refused(id, e),
    }
}

pub async fn note(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<TextForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    if let Err(page) = visible(&state, &who, id) {
        return Ok(page);
    }
    let text = match text_of(id, &f.text) {
        Ok(t) => t,
        Err(r) => return Ok(r),
    };
    match state.hub.handoff.note(id, who.name(), &text, now()) {
        Ok(_) => Ok(back_to(id, Notice::NoteAdded)),
        Err(e) => refused(id, e),
    }
}

#[derive(Deserialize)]
pub struct ToForm {
    csrf: String,
    /// A counselor's name; empty (reassign only) means back to the queue.
    #[serde(default)]
    to: String,
}

pub async fn transfer(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<ToForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    let to = f.to.trim();
    if !is_colleague(&state, to) {
        return Ok(back_to(id, Notice::NoSuchCounselor));
    }
    match state.hub.handoff.transfer(id, who.name(), to, now()) {
        Ok((_, out)) => {
            tell_person(&state, out, "transfer").await;
            Ok(super::with_notice(
                "/console",
                Notice::Transferred,
                Some(id),
            ))
        }
        Err(e) => refused(id, e),
    }
}

pub async fn reassign(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<ToForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    who.must_supervise()?;
    let to = Some(f.to.trim()).filter(|t| !t.is_empty());
    if let Some(name) = to
        && !is_colleague(&state, name)
    {
        return Ok(back_to(id, Notice::NoSuchCounselor));
    }
    match state.hub.handoff.reassign(id, who.name(), to, now()) {
        Ok((_, out)) => {
            if let Some(out) = out {
                tell_person(&state, out, "reassign").await;
            }
            Ok(back_to(
                id,
                if to.is_some() {
                    Notice::Reassigned
                } else {
                    Notice::BackInQueue
                },
            ))
        }
        Err(e) => refused(id, e),
    }
}

pub async fn release(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<CsrfForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    match state.hub.handoff.release(id, who.name(), now()) {
        Ok((_, out)) => {
            tell_person(&state, out, "release").await;
            Ok(super::with_notice("/console", Notice::Released, None))
        }
        Err(e) => refused(id, e),
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    csrf: String,
    outcome: String,
}

pub async fn close(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    Path(id): Path<u64>,
    Form(f): Form<CloseForm>,
) -> Page {
    who.csrf(&f.csrf)?;
    match state.hub.handoff.close(id, who.name(), &f.outcome, now()) {
        Ok((_, out)) => {
            tell_person(&state, out, "close").await;
            Ok(super::with_notice("/console", Notice::Closed, Some(id)))
        }
        Err(e) => refused(id, e),
    }
}
