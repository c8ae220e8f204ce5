//! The console's live stream (`/console/events`, server-sent events), one per open page.
//!
//! Every ticket change becomes a `change` event — what kind of change and which ticket, never
//! what anyone wrote — and the page re-fetches the parts that show it. A ticket that opens
//! urgent (an overdose) or as a crisis, or turns urgent during a handoff, also becomes an
//! `alert` event, sent only to streams of counselors on shift at that moment: the page then
//! plays a sound, puts the ticket in its title and, where the browser allows it, shows a
//! notification. Each `change` carries the unclaimed urgent tickets (for a counselor on shift)
//! so the title stays right as tickets are claimed.
//!
//! The stream ends when the server shuts down (its `StreamPermit` from the hub's `LiveStreams`
//! says so), and counts under the caps on live streams per counselor and overall.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::{AppState, SignedIn, fragment, private, urgent_waiting};
use crate::handoff::{DeskEvent, Priority, TicketView};
use crate::messaging::streams::{Refused, StreamKind, StreamPermit};
use crate::runtime::now;

pub async fn events(
    AxumState(state): AxumState<AppState>,
    who: Result<SignedIn, Response>,
) -> Response {
    let Ok(who) = fragment(who) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    // Streams are capped per counselor and overall, and end when the server shuts down.
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
    let stream = stream(state.clone(), who.name().to_owned(), rx, permit);
    private(
        Sse::new(stream)
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
            .into_response(),
    )
}

/// What kind of change an event is, and the ticket it concerns (0 for none).
fn kind(e: &DeskEvent) -> (&'static str, u64) {
    match e {
        DeskEvent::Opened(t) => ("opened", t.id),
        DeskEvent::Said { ticket, .. } => ("line", *ticket),
        DeskEvent::Changed(t) | DeskEvent::Escalated(t) => ("state", t.id),
        DeskEvent::Closed { ticket, .. } => ("closed", *ticket),
        DeskEvent::Presence { .. } => ("presence", 0),
    }
}

/// The ticket an event should alert counselors on shift about.
fn alerting(e: &DeskEvent) -> Option<&TicketView> {
    match e {
        DeskEvent::Opened(t) if t.priority >= Priority::Crisis => Some(t),
        DeskEvent::Escalated(t) => Some(t),
        _ => None,
    }
}

fn alert_event(t: &TicketView) -> Event {
    let what = match t.priority {
        Priority::Urgent => "overdose",
        Priority::Crisis => "crisis",
        Priority::Asked => "asked for a person",
    };
    let title = match t.priority {
        Priority::Urgent => format!("URGENT #{} · {what}", t.id),
        _ => format!("Crisis #{} · {what}", t.id),
    };
    let body = match &t.counselor {
        Some(c) => format!("With {c}; the person reports an overdose."),
        None => "Waiting for a counselor. Open the queue to claim it.".to_owned(),
    };
    Event::default().event("alert").data(
        json!({
            "ticket": t.id,
            "priority": t.priority.as_str(),
            "title": title,
            "body": body,
        })
        .to_string(),
    )
}

fn stream(
    state: AppState,
    name: String,
    rx: tokio::sync::broadcast::Receiver<DeskEvent>,
    permit: StreamPermit,
) -> impl Stream<Item = Result<Event, Infallible>> {
    // Events waiting to be sent (an alert is followed by its change).
    let pending: Vec<Event> = Vec::new();
    // The permit lives as long as the stream: dropping it frees the place under the caps.
    futures_util::stream::unfold(
        (state, name, rx, permit, pending),
        |(state, name, mut rx, mut permit, mut pending)| async move {
            loop {
                if let Some(e) = pending.pop() {
                    return Some((Ok(e), (state, name, rx, permit, pending)));
                }
                if *permit.closing.borrow() {
                    return None;
                }
                let got = tokio::select! {
                    r = rx.recv() => r,
                    _ = permit.closing.changed() => return None,
                };
                let (kind, ticket, alert) = match &got {
                    Ok(e) => {
                        let (k, t) = kind(e);
                        (k, t, alerting(e).cloned())
                    }
                    // A lagging stream missed events: the page refreshes everything.
                    Err(RecvError::Lagged(_)) => ("all", 0, None),
                    Err(RecvError::Closed) => return None,
                };
                let now = now();
                let on_shift = state.hub.handoff.is_on_shift(&name, now).unwrap_or(false);
                let urgent = if on_shift {
                    state
                        .hub
                        .handoff
                        .queue()
                        .map(|q| urgent_waiting(&q))
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                let change = Event::default()
                    .event("change")
                    .data(json!({ "kind": kind, "ticket": ticket, "urgent": urgent }).to_string());
                // Sent in reverse order of `pop`: the change first, then the alert, so the
                // page has the new queue when it alerts.
                match alert {
                    Some(t) if on_shift => {
                        pending.push(alert_event(&t));
                        pending.push(change);
                    }
                    _ => pending.push(change),
                }
            }
        },
    )
}
