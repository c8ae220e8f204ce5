//! The HTTP side of WhatsApp: `POST /whatsapp/twilio` (messages) and
//! `POST /whatsapp/twilio/status` (delivery status), both signed by Twilio and checked exactly
//! as the SMS webhooks are, before anything else happens.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::{
    ERROR_OUTSIDE_WINDOW, InboundWhatsApp, MAX_MESSAGE_UNITS, WhatsAppChannel, WhatsAppState,
    WhatsAppStatus, split_message,
};
use crate::channels::sms::{signature, twiml};
use crate::engine::{Channel, Content};
use crate::messaging::{AppError, deliver_keyed};
use crate::runtime::now;

/// `POST /whatsapp/twilio` and `POST /whatsapp/twilio/status`.
pub fn routes(state: WhatsAppState) -> Router {
    Router::new()
        .route("/whatsapp/twilio", post(inbound))
        .route("/whatsapp/twilio/status", post(status))
        .with_state(state)
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "forbidden\n").into_response()
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, twiml::CONTENT_TYPE)], body).into_response()
}

/// Checks Twilio's signature; `Err` is the 403 to answer, counted as forged.
#[allow(clippy::result_large_err)]
fn verified<'a>(
    state: &'a WhatsAppState,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<&'a WhatsAppChannel, Response> {
    let signed = state.whatsapp.as_deref().filter(|wa| {
        let url = wa.public.signed_url(uri.path(), uri.query());
        let header = headers
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok());
        signature::validate(&wa.auth_token, &url, body, header).is_ok()
    });
    signed.ok_or_else(|| {
        state
            .hub
            .metrics
            .inc("haven_forged_total", &[("channel", "whatsapp")]);
        forbidden()
    })
}

/// `POST /whatsapp/twilio`: a message or a location; the first reply in TwiML, the rest
/// through the WhatsApp outbox a second later, in order.
pub async fn inbound(
    AxumState(state): AxumState<WhatsAppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let wa = match verified(&state, &uri, &headers, &body) {
        Ok(wa) => wa,
        Err(forbidden) => return Ok(forbidden),
    };
    let msg = InboundWhatsApp::parse(&body).map_err(|e| {
        state
            .hub
            .metrics
            .inc("haven_malformed_total", &[("channel", "whatsapp")]);
        AppError::BadRequest(StatusCode::BAD_REQUEST, e.to_string())
    })?;
    if msg.account_sid != wa.client.account_sid() {
        return Ok(forbidden());
    }
    let delivery = format!("whatsapp:{}", msg.message_sid);
    if !state.hub.dedup.claim(&delivery, now())? {
        state
            .hub
            .metrics
            .inc("haven_duplicates_total", &[("channel", "whatsapp")]);
        return Ok(xml(twiml::empty()));
    }
    let result = answer(&state, wa, &msg, &delivery).await;
    if result.is_err() {
        state.hub.dedup.release(&delivery).ok();
    }
    result
}

async fn answer(
    state: &WhatsAppState,
    wa: &WhatsAppChannel,
    msg: &InboundWhatsApp,
    delivery: &str,
) -> Result<Response, AppError> {
    let content = match msg.location {
        Some((lat, lon)) => Content::Location { lat, lon },
        None => Content::Text(&msg.body),
    };
    let delivered = deliver_keyed(
        &state.hub,
        Channel::WhatsApp,
        msg.from.as_str(),
        content,
        delivery,
    )
    .await?;
    let mut parts = delivered
        .replies
        .iter()
        .flat_map(|r| split_message(&r.plain(), MAX_MESSAGE_UNITS));
    let first = parts.next();
    let rest: Vec<String> = parts.collect();
    if !rest.is_empty() {
        wa.outbox
            .enqueue(
                &delivered.who,
                msg.from.as_str(),
                &rest,
                Duration::from_secs(1),
            )
            .await
            .map_err(AppError::internal)?;
        state
            .hub
            .metrics
            .set("haven_whatsapp_outbox_depth", &[], wa.outbox.depth() as f64);
    }
    if first.is_some() {
        state
            .hub
            .metrics
            .inc("haven_messages_out_total", &[("channel", "whatsapp")]);
    }
    Ok(xml(twiml::response(first)))
}

/// `POST /whatsapp/twilio/status`: failures are counted by Twilio's code. A 63016 here means a
/// message left haven inside the window by its own clock but reached WhatsApp after it closed.
pub async fn status(
    AxumState(state): AxumState<WhatsAppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    if let Err(forbidden) = verified(&state, &uri, &headers, &body) {
        return Ok(forbidden);
    }
    let cb = WhatsAppStatus::parse(&body)
        .map_err(|e| AppError::BadRequest(StatusCode::BAD_REQUEST, e.to_string()))?;
    if cb.is_failure() {
        let code = cb
            .error_code
            .map(|c| c.to_string())
            .unwrap_or_else(|| "none".into());
        state.hub.metrics.inc(
            "haven_sends_failed_total",
            &[
                ("channel", "whatsapp"),
                ("reason", &format!("status-{}-{code}", cb.status)),
            ],
        );
        if cb.error_code == Some(ERROR_OUTSIDE_WINDOW) {
            tracing::warn!(
                message = %cb.message_sid,
                "a WhatsApp message reached WhatsApp after the person's 24-hour window closed (63016)"
            );
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
