//! The voice line (Twilio Programmable Voice): the same flows as every other channel, spoken.
//!
//! # A call, step by step
//! 1. Twilio posts `POST /voice/twilio` when the call comes in. Like every webhook here it is
//!    checked exactly as SMS is (`sms::signature` against `HAVEN_PUBLIC_URL`, 403 on forgery),
//!    then answered once per call and step (a repeated webhook gets the same TwiML again: an
//!    empty answer would hang up on the caller).
//! 2. The first answer is the opening — what to do if someone is overdosing right now (911),
//!    in English and in Spanish, and how to reach Spanish — then the menu, as `speech` renders
//!    the engine's replies to START. Every step is a `<Gather input="dtmf speech">` whose
//!    `action` carries only the step's number and language (no personal data).
//! 3. What the caller presses or says goes to the engine like a text: a digit answers the
//!    step's choice of that number, speech goes through triage ("he's not breathing" starts the
//!    overdose steps), and two keys mean the same everywhere: `*` says the last thing again
//!    (the `repeat` aside), `0` starts the overdose steps (`engine::KEY_REPEAT`,
//!    `engine::KEY_EMERGENCY`).
//! 4. Silence gets "I'm still here" and the same question, for a long while
//!    ([`handler::MAX_SILENCES`]): someone doing rescue breaths may not answer for minutes.
//! 5. When the flows ask for a counselor (`Effect::Connect`), the caller is put through by
//!    `<Dial>` to the counselors' phones in `[voice] counselor_phones`, one after another during
//!    counselor hours, showing haven's number (never the caller's); each counselor first hears
//!    who is calling and presses 1 to take it, so a voicemail never takes a caller. Out of hours
//!    or when nobody answers, the caller is offered the 988 Lifeline: press 1 to be put through,
//!    and the number said.
//! 6. The status callback (`POST /voice/twilio/status`) ends the call's session.
//!
//! # Privacy
//! The call's address is its `CallSid`: the caller's number is never read, so a call keeps
//! nothing that could identify the person, even as a pseudonym across calls, and people with
//! caller id blocked are served the same. Nothing is recorded: no `<Record>` is ever written,
//! every `<Dial>` says `record="do-not-record"`, and speech is handled like a text message
//! (never logged or stored). There is no [`Outlet`](crate::messaging::Outlet): a call cannot
//! be written to later.

pub mod calls;
pub mod form;
pub mod handler;
pub mod twiml;

use std::sync::Arc;

use axum::Router;
use axum::routing::post;

use crate::Lang;
use crate::channels::sms::PublicBaseUrl;
use crate::config::VoiceConfig;
use crate::messaging::Hub;
use crate::metrics::Metrics;
pub use calls::Calls;
pub use form::CallForm;
pub use twiml::Voices;

/// Everything the voice line needs at run time.
pub struct VoiceChannel {
    pub auth_token: String,
    pub account_sid: String,
    pub public: PublicBaseUrl,
    pub config: VoiceConfig,
    pub voices: Voices,
    pub calls: Calls,
}

impl VoiceChannel {
    pub fn new(
        account_sid: &str,
        auth_token: &str,
        public: PublicBaseUrl,
        config: VoiceConfig,
    ) -> VoiceChannel {
        VoiceChannel {
            auth_token: auth_token.to_owned(),
            account_sid: account_sid.to_owned(),
            public,
            voices: Voices {
                en: config.voice_en.clone(),
                es: config.voice_es.clone(),
            },
            config,
            calls: Calls::default(),
        }
    }

    /// One of haven's webhook URLs with its query: what a `<Gather>` or `<Dial>` posts to, and
    /// what Twilio then signs.
    pub fn url(&self, path: &str, params: &[(&str, &str)]) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        self.public.signed_url(path, Some(&query))
    }
}

/// What the voice routes share: the message path, and the line itself when Twilio is
/// configured. The routes exist either way, so a webhook to a server without Twilio is refused
/// as forged.
#[derive(Clone)]
pub struct VoiceState {
    pub hub: Arc<Hub>,
    pub voice: Option<Arc<VoiceChannel>>,
}

/// `POST /voice/twilio` (the call and every step), `/voice/twilio/status`,
/// `/voice/twilio/dial` (a dial ended), `/voice/twilio/lifeline` (the 988 offer) and
/// `/voice/twilio/whisper` (the counselor's side, before the caller is put through).
pub fn routes(state: VoiceState) -> Router {
    Router::new()
        .route("/voice/twilio", post(handler::call))
        .route("/voice/twilio/status", post(handler::status))
        .route("/voice/twilio/dial", post(handler::dial))
        .route("/voice/twilio/lifeline", post(handler::lifeline))
        .route("/voice/twilio/whisper", post(handler::whisper))
        .with_state(state)
}

/// Describes the counters only the voice line uses, so `/metrics` lists them.
pub fn describe_metrics(metrics: &Metrics) {
    metrics.describe(
        "haven_calls_total",
        "counter",
        "Calls to the voice line that ended, by final status.",
    );
    metrics.describe(
        "haven_voice_transfers_total",
        "counter",
        "Callers put through or offered a line, by where (counselor, counselor-answered, lifeline-offered, lifeline).",
    );
}

/// The language a step's URL names (`lang=es`), English when it names none.
pub fn lang_of(code: Option<&str>) -> Lang {
    code.and_then(Lang::parse).unwrap_or_default()
}
