//! The HTTP side of SMS: `POST /sms/twilio` (inbound messages) and `POST /sms/twilio/status`
//! (delivery status), both signed by Twilio and checked before anything else happens; and
//! SMS as an [`Outlet`] for messages to a person later (through the outbox).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::{InboundSms, PublicBaseUrl, StatusCallback, TwilioClient, signature, twiml};
use crate::engine::{Channel, Content};
use crate::messaging::{AppError, Hub, Outlet, SendFailure, Sending, Sent, deliver_keyed};
use crate::runtime::now;
use crate::store::Pseudonym;
use crate::text::fold;
use crate::text::split_for_sms;
use crate::triage::keywords::{self, Keyword};

use super::outbox::{Outbox, now_ms};
use super::restarts::{Restarts, Verdict, sent_at};

/// Longest SMS haven sends as one message: Twilio refuses more than 1,600 characters, and ten
/// segments stay under that in either encoding.
pub const MAX_SEGMENTS_PER_MESSAGE: usize = 10;

/// Everything SMS needs at run time.
pub struct SmsChannel {
    pub client: TwilioClient,
    pub auth_token: String,
    pub public: PublicBaseUrl,
    pub outbox: Outbox,
    /// When each person last sent START, to place carrier opt-out callbacks in time.
    pub restarts: Restarts,
}

impl Outlet for SmsChannel {
    /// Queues the texts in the outbox, cut to SMS size, to go out at once.
    fn send<'a>(
        &'a self,
        who: &'a Pseudonym,
        address: &'a str,
        texts: &'a [String],
    ) -> Sending<'a> {
        Box::pin(async move {
            let parts: Vec<String> = texts
                .iter()
                .flat_map(|t| split_for_sms(t, MAX_SEGMENTS_PER_MESSAGE))
                .collect();
            self.outbox
                .enqueue(who, address, &parts, Duration::ZERO)
                .await
                .map_err(|e| SendFailure::Internal(e.to_string()))?;
            Ok(Sent::Queued)
        })
    }

    fn forget(&self, who: &Pseudonym) -> Result<(), String> {
        self.outbox.forget(who).map(drop).map_err(|e| e.to_string())
    }
}

/// What the SMS routes share: the message path, and SMS itself when it is configured. The
/// routes exist either way, so a webhook to a server without SMS is refused as forged.
#[derive(Clone)]
pub struct SmsState {
    pub hub: Arc<Hub>,
    pub sms: Option<Arc<SmsChannel>>,
}

/// `POST /sms/twilio` and `POST /sms/twilio/status`, merged by the server under its body limit.
pub fn routes(state: SmsState) -> Router {
    Router::new()
        .route("/sms/twilio", post(inbound))
        .route("/sms/twilio/status", post(status))
        .with_state(state)
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "forbidden\n").into_response()
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, twiml::CONTENT_TYPE)], body).into_response()
}

/// Checks Twilio's signature on a request. `Err` is the 403 to answer, counted as forged;
/// nothing else happens for such a request. The `Response` is returned by value because it
/// goes straight back to axum; boxing it would only add an allocation on the forged path.
#[allow(clippy::result_large_err)]
fn verified<'a>(
    state: &'a SmsState,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<&'a SmsChannel, Response> {
    signed(state, uri, headers, body).ok_or_else(|| {
        state
            .hub
            .metrics
            .inc("haven_forged_total", &[("channel", "sms")]);
        forbidden()
    })
}

fn signed<'a>(
    state: &'a SmsState,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<&'a SmsChannel> {
    let sms = state.sms.as_deref()?;
    let url = sms.public.signed_url(uri.path(), uri.query());
    let header = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    signature::validate(&sms.auth_token, &url, body, header).ok()?;
    Some(sms)
}

/// `POST /sms/twilio`.
pub async fn inbound(
    AxumState(state): AxumState<SmsState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let sms = match verified(&state, &uri, &headers, &body) {
        Ok(sms) => sms,
        Err(forbidden) => return Ok(forbidden),
    };
    let msg = InboundSms::parse(&body)
        .map_err(|e| AppError::BadRequest(StatusCode::BAD_REQUEST, e.to_string()))?;
    if msg.account_sid != sms.client.account_sid() {
        return Ok(forbidden());
    }
    let delivery = format!("sms:{}", msg.message_sid);
    if !state.hub.dedup.claim(&delivery, now())? {
        state
            .hub
            .metrics
            .inc("haven_duplicates_total", &[("channel", "sms")]);
        return Ok(xml(twiml::empty()));
    }
    let mut result = answer(&state, sms, &msg, &delivery).await;
    if result.is_ok() {
        // The claim reaches the disk after the message's effects and before the answer leaves,
        // so a retry after a crash is answered once (see messaging::dedup).
        state.hub.dedup.done(&delivery);
        if let Err(e) = state.hub.dedup.make_durable().await {
            result = Err(AppError::internal(e));
        }
    }
    if result.is_err() {
        // Let Twilio's retry be handled rather than dropped as a duplicate.
        state.hub.dedup.release(&delivery).ok();
    }
    result
}

async fn answer(
    state: &SmsState,
    sms: &SmsChannel,
    msg: &InboundSms,
    delivery: &str,
) -> Result<Response, AppError> {
    // START is noted before it takes effect, so no status callback can slip in between the
    // opt-in and the note (see `restarts`).
    if keywords::classify(&fold(&msg.body)) == Some(Keyword::Start) {
        let who = state.hub.haven.pseudonym(Channel::Sms, msg.from.as_str());
        sms.restarts
            .record(&who, now_ms())
            .map_err(AppError::internal)?;
    }
    let delivered = deliver_keyed(
        &state.hub,
        Channel::Sms,
        msg.from.as_str(),
        Content::Text(&msg.body),
        delivery,
    )
    .await?;
    let mut parts: Vec<String> = Vec::new();
    for r in &delivered.replies {
        parts.extend(split_for_sms(&r.plain(), MAX_SEGMENTS_PER_MESSAGE));
    }
    let mut parts = parts.into_iter();
    let first = parts.next();
    let rest: Vec<String> = parts.collect();
    if !rest.is_empty() {
        // A second after the TwiML answer, so the texts arrive in order.
        sms.outbox
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
            .set("haven_outbox_depth", &[], sms.outbox.depth() as f64);
    }
    if first.is_some() {
        state
            .hub
            .metrics
            .inc("haven_messages_out_total", &[("channel", "sms")]);
    }
    Ok(xml(twiml::response(first)))
}

/// `POST /sms/twilio/status`: delivery failures are counted; 21610 means the person opted out
/// at the carrier, which haven treats as STOP — if the text it is about was sent after the
/// person's last START (its callback URL says when it was sent; see `restarts`).
pub async fn status(
    AxumState(state): AxumState<SmsState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let sms = match verified(&state, &uri, &headers, &body) {
        Ok(sms) => sms,
        Err(forbidden) => return Ok(forbidden),
    };
    let cb = StatusCallback::parse(&body)
        .map_err(|e| AppError::BadRequest(StatusCode::BAD_REQUEST, e.to_string()))?;
    if cb.is_carrier_opt_out() {
        let who = state.hub.haven.pseudonym(Channel::Sms, cb.to.as_str());
        let verdict = sms
            .restarts
            .judge(&who, sent_at(uri.query()), now_ms())
            .map_err(AppError::internal)?;
        if verdict == Verdict::OptOut {
            state.hub.haven.store.delete(&who)?;
            state.hub.haven.store.set_opted_out(&who, true, now())?;
            sms.outbox.forget(&who).map_err(AppError::internal)?;
            tracing::info!(who = %who, "carrier opt-out (21610): treated as STOP");
        } else {
            state.hub.metrics.inc(
                "haven_carrier_optouts_ignored_total",
                &[("reason", verdict.as_str())],
            );
            tracing::warn!(
                who = %who,
                reason = verdict.as_str(),
                "carrier opt-out (21610) about a text not placed after the last START: ignored"
            );
        }
    }
    if cb.status.is_failure() {
        let code = cb
            .error_code
            .map(|c| c.to_string())
            .unwrap_or_else(|| "none".into());
        state.hub.metrics.inc(
            "haven_sends_failed_total",
            &[
                ("channel", "sms"),
                ("reason", &format!("status-{}-{code}", cb.status.as_str())),
            ],
        );
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
