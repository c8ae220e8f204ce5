//! The voice webhooks: each checks Twilio's signature first (403 on forgery), reads the form
//! (400 naming a bad field), answers a step once (a repeat gets the same TwiML), and answers in
//! TwiML. See the module documentation of `channels::voice` for the call's course.

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::twiml::{CONTENT_TYPE, Dial, Gather, Twiml};
use super::{CallForm, VoiceChannel, VoiceState, lang_of};
use crate::Lang;
use crate::channels::sms::signature;
use crate::engine::{Channel, Content, Reply};
use crate::flows::actions::handoff::Priority;
use crate::messaging::{AppError, Delivered, deliver};
use crate::runtime::now;
use crate::speech::{self, Line};
use crate::text::fold;

/// Silences in a row before haven says goodbye and hangs up: at the default eight seconds of
/// listening plus the prompt, about seven minutes. A caller doing rescue breaths or CPR may
/// not answer for a long while; a call nobody is on should still end.
pub const MAX_SILENCES: u32 = 20;

/// How long a counselor has to press 1 after picking up.
const WHISPER_SECONDS: u32 = 10;

/// What a step's URL says: which turn of the call it answers, in which language, the how-many-
/// th silence, whether one key answers it, which counselor was tried, whether it is the
/// counselor's answer to the whisper. Twilio signed it, and haven wrote it: nothing personal.
#[derive(Clone, Copy, Debug, Default)]
struct Step {
    turn: Option<u32>,
    lang: Lang,
    quiet: u32,
    one_key: bool,
    attempt: usize,
    answer: bool,
    /// Which offer of the 988 Lifeline this is, when it was made again.
    offer: u32,
}

fn step_of(uri: &Uri) -> Step {
    let mut step = Step::default();
    let mut lang = None;
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "turn" => step.turn = v.parse().ok(),
            "lang" => lang = Some(v.into_owned()),
            "quiet" => step.quiet = v.parse().unwrap_or(0),
            "one" => step.one_key = v == "1",
            "try" => step.attempt = v.parse().unwrap_or(0),
            "answer" => step.answer = v == "1",
            "offer" => step.offer = v.parse().unwrap_or(0),
            _ => {}
        }
    }
    step.lang = lang_of(lang.as_deref());
    step
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "forbidden\n").into_response()
}

/// Checks the signature, reads the form, checks the account. `Err` is the answer to give: 403
/// (counted as forged) or 400.
#[allow(clippy::result_large_err)]
fn verified<'a>(
    state: &'a VoiceState,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(&'a VoiceChannel, CallForm), Response> {
    let forged = || {
        state
            .hub
            .metrics
            .inc("haven_forged_total", &[("channel", "voice")]);
        forbidden()
    };
    let Some(voice) = state.voice.as_deref() else {
        return Err(forged());
    };
    let url = voice.public.signed_url(uri.path(), uri.query());
    let sig = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    if signature::validate(&voice.auth_token, &url, body, sig).is_err() {
        return Err(forged());
    }
    let form = CallForm::parse(body).map_err(|e| {
        state
            .hub
            .metrics
            .inc("haven_malformed_total", &[("channel", "voice")]);
        (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response()
    })?;
    if form.account_sid != voice.account_sid {
        return Err(forged());
    }
    Ok((voice, form))
}

/// Answers a step once: a repeat of the same webhook (Twilio retrying) gets the answer already
/// given, or, when that is not known (the first is still being answered, or the server
/// restarted), a "still here" prompt that keeps the call going.
async fn once<F>(
    state: &VoiceState,
    voice: &VoiceChannel,
    form: &CallForm,
    key: String,
    (lang, turn): (Lang, u32),
    answer: F,
) -> Result<Response, AppError>
where
    F: std::future::Future<Output = Result<String, AppError>>,
{
    let delivery = format!("voice:{}:{key}", form.call_sid);
    if !state.hub.dedup.claim(&delivery, now())? {
        state
            .hub
            .metrics
            .inc("haven_duplicates_total", &[("channel", "voice")]);
        let again = voice
            .calls
            .answer(&form.call_sid, &key)
            .unwrap_or_else(|| safe(state, voice, lang, turn));
        return Ok(xml(again));
    }
    match answer.await {
        Ok(twiml) => {
            voice.calls.answered(&form.call_sid, &key, &twiml);
            Ok(xml(twiml))
        }
        Err(e) => {
            // Let a retry be answered, and never leave a caller with Twilio's "application
            // error": the 911 line, and the question again.
            state.hub.dedup.release(&delivery).ok();
            tracing::error!(error = %e, "voice step failed; the caller hears the safety line");
            Ok(xml(safe(state, voice, lang, turn)))
        }
    }
}

/// `POST /voice/twilio`: the call coming in, and every answer to a step.
pub async fn call(
    AxumState(state): AxumState<VoiceState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (voice, form) = match verified(&state, &uri, &headers, &body) {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    let step = step_of(&uri);
    let input = form.digits.clone().or_else(|| form.speech.clone());
    let key = match step.turn {
        None => "start".to_owned(),
        Some(t) => format!("{t}.{}", if input.is_some() { 0 } else { step.quiet }),
    };
    let answer = async {
        match (step.turn, input) {
            (None, _) => opening(&state, voice, &form).await,
            (Some(turn), Some(text)) => {
                let delivered = deliver(
                    &state.hub,
                    Channel::Voice,
                    &form.call_sid,
                    Content::Text(&text),
                )
                .await?;
                Ok(respond(
                    &state,
                    voice,
                    &form,
                    delivered,
                    turn + 1,
                    Vec::new(),
                ))
            }
            (Some(turn), None) => Ok(silence(&state, voice, turn, step)),
        }
    };
    let turn = step.turn.unwrap_or(0);
    once(&state, voice, &form, key, (step.lang, turn), answer).await
}

/// The first answer of a call: the opening (911 first, in every language), then the menu.
async fn opening(
    state: &VoiceState,
    voice: &VoiceChannel,
    form: &CallForm,
) -> Result<String, AppError> {
    // The voice channel starts the conversation as a START would: the greeting and the menu.
    let delivered = deliver(
        &state.hub,
        Channel::Voice,
        &form.call_sid,
        Content::Text("START"),
    )
    .await?;
    let choices = last_choices(&delivered.replies);
    let lines = speech::opening(delivered.lang, texts(state), |l| {
        speech::language_digit(&choices, l)
    });
    Ok(respond(state, voice, form, delivered, 1, lines))
}

fn texts(state: &VoiceState) -> &crate::locales::Texts {
    &state.hub.haven.engine.texts
}

fn last_choices(replies: &[Reply]) -> Vec<String> {
    replies
        .iter()
        .rev()
        .find(|r| !r.choices.is_empty())
        .map(|r| r.choices.clone())
        .unwrap_or_default()
}

fn line(state: &VoiceState, lang: Lang, key: &str, slow: bool) -> Line {
    Line {
        lang,
        text: speech::words::speakable(&texts(state).render(lang, key, &[]), lang),
        slow,
        pause: 1,
    }
}

/// The TwiML for the engine's answer: the next step's `<Gather>`, or putting the caller
/// through when the flows asked for a counselor.
fn respond(
    state: &VoiceState,
    voice: &VoiceChannel,
    form: &CallForm,
    delivered: Delivered,
    turn: u32,
    mut lines: Vec<Line>,
) -> String {
    let lang = delivered.lang;
    let spoken = speech::speak(&delivered.replies, lang, texts(state));
    if let Some(priority) = delivered.connect {
        // What the flow said before asking ("I'll try to connect you..."), without "press star".
        let mut said = spoken.lines;
        said.pop();
        lines.extend(said);
        return connect(state, voice, form, priority, turn, lang, lines);
    }
    lines.extend(spoken.lines);
    gather(
        voice,
        &lines,
        turn,
        lang,
        !spoken.choices.is_empty(),
        &spoken.choices,
    )
}

/// A step: its lines inside a `<Gather>` posting to the next turn, and on silence a redirect
/// to the "still here" prompt.
fn gather(
    voice: &VoiceChannel,
    lines: &[Line],
    turn: u32,
    lang: Lang,
    one_key: bool,
    hints: &[String],
) -> String {
    let turn_s = turn.to_string();
    let action = voice.url("/voice/twilio", &[("turn", &turn_s), ("lang", lang.code())]);
    let one = if one_key { "1" } else { "0" };
    let quiet = voice.url(
        "/voice/twilio",
        &[
            ("turn", &turn_s),
            ("lang", lang.code()),
            ("quiet", "1"),
            ("one", one),
        ],
    );
    let mut t = Twiml::new();
    t.gather(
        &Gather {
            action: &action,
            lang,
            timeout: voice.config.listen_seconds,
            one_key,
            hints,
        },
        |t| t.say_all(lines, &voice.voices),
    );
    t.redirect(&quiet);
    t.finish()
}

/// After a silence: "I'm still here", listening again for the same turn; after
/// [`MAX_SILENCES`] in a row, goodbye.
fn silence(state: &VoiceState, voice: &VoiceChannel, turn: u32, step: Step) -> String {
    let lang = step.lang;
    if step.quiet >= MAX_SILENCES {
        let mut t = Twiml::new();
        t.say(&line(state, lang, "voice-goodbye", false), &voice.voices);
        t.hangup();
        return t.finish();
    }
    let turn_s = turn.to_string();
    let action = voice.url("/voice/twilio", &[("turn", &turn_s), ("lang", lang.code())]);
    let next = (step.quiet + 1).to_string();
    let one = if step.one_key { "1" } else { "0" };
    let quiet = voice.url(
        "/voice/twilio",
        &[
            ("turn", &turn_s),
            ("lang", lang.code()),
            ("quiet", &next),
            ("one", one),
        ],
    );
    let mut t = Twiml::new();
    t.gather(
        &Gather {
            action: &action,
            lang,
            timeout: voice.config.listen_seconds,
            one_key: step.one_key,
            hints: &[],
        },
        |t| t.say(&line(state, lang, "voice-silence", false), &voice.voices),
    );
    t.redirect(&quiet);
    t.finish()
}

/// When something failed inside: the 911 line (the opening) and a prompt to go on, listening
/// for the same turn, so an emergency caller is never cut off by an error.
fn safe(state: &VoiceState, voice: &VoiceChannel, lang: Lang, turn: u32) -> String {
    let turn_s = turn.max(1).to_string();
    let action = voice.url("/voice/twilio", &[("turn", &turn_s), ("lang", lang.code())]);
    let quiet = voice.url(
        "/voice/twilio",
        &[
            ("turn", &turn_s),
            ("lang", lang.code()),
            ("quiet", "1"),
            ("one", "0"),
        ],
    );
    let mut t = Twiml::new();
    t.gather(
        &Gather {
            action: &action,
            lang,
            timeout: voice.config.listen_seconds,
            one_key: false,
            hints: &[],
        },
        |t| {
            t.say(&line(state, lang, "voice-opening", true), &voice.voices);
            t.say(&line(state, lang, "voice-silence", false), &voice.voices);
        },
    );
    t.redirect(&quiet);
    t.finish()
}

/// The number counselors and the Lifeline see: the configured caller id, else the number the
/// person called (haven's own). Never the caller's.
fn caller_id<'a>(voice: &'a VoiceChannel, form: &'a CallForm) -> Option<&'a str> {
    voice
        .config
        .caller_id
        .as_deref()
        .or(form.to.as_ref().map(|t| t.as_str()))
}

/// The flows asked for a counselor: the first counselor phone during counselor hours, else
/// the 988 offer.
fn connect(
    state: &VoiceState,
    voice: &VoiceChannel,
    form: &CallForm,
    priority: Priority,
    turn: u32,
    lang: Lang,
    mut lines: Vec<Line>,
) -> String {
    let on_shift = state.hub.handoff.config().on_shift(now());
    let phones = &voice.config.counselor_phones;
    match (phones.first(), caller_id(voice, form)) {
        (Some(first), Some(from)) if on_shift => {
            state.hub.metrics.inc(
                "haven_voice_transfers_total",
                &[("to", "counselor"), ("priority", priority.as_str())],
            );
            tracing::info!(who = %state.hub.haven.pseudonym(Channel::Voice, &form.call_sid), priority = priority.as_str(), "voice: putting the caller through to a counselor");
            lines.push(line(state, lang, "voice-connecting", false));
            dial_counselor(voice, &lines, first, from, turn, 0, lang)
        }
        _ => lifeline_offer(state, voice, &lines, turn, lang, (0, 0)),
    }
}

fn dial_counselor(
    voice: &VoiceChannel,
    lines: &[Line],
    number: &str,
    from: &str,
    turn: u32,
    attempt: usize,
    lang: Lang,
) -> String {
    let (turn_s, attempt_s) = (turn.to_string(), attempt.to_string());
    let action = voice.url(
        "/voice/twilio/dial",
        &[
            ("turn", &turn_s),
            ("try", &attempt_s),
            ("lang", lang.code()),
        ],
    );
    let whisper = voice.url("/voice/twilio/whisper", &[("lang", lang.code())]);
    let mut t = Twiml::new();
    t.say_all(lines, &voice.voices);
    t.dial(&Dial {
        number,
        caller_id: from,
        timeout: voice.config.ring_seconds,
        action: Some(&action),
        whisper: Some(&whisper),
    });
    t.finish()
}

/// No counselor can answer: offer the 988 Lifeline (press 1 to be put through, 2 for the
/// menu), and say its number.
fn lifeline_offer(
    state: &VoiceState,
    voice: &VoiceChannel,
    lines: &[Line],
    turn: u32,
    lang: Lang,
    (offer, quiet): (u32, u32),
) -> String {
    state.hub.metrics.inc(
        "haven_voice_transfers_total",
        &[("to", "lifeline-offered"), ("priority", "-")],
    );
    // Each offer has its own number, so the answer to an offer made again is not taken for a
    // repeat of the answer to the first.
    let (turn_s, offer_s) = (turn.to_string(), offer.to_string());
    let action = voice.url(
        "/voice/twilio/lifeline",
        &[
            ("turn", &turn_s),
            ("lang", lang.code()),
            ("offer", &offer_s),
        ],
    );
    let next = (quiet + 1).to_string();
    let again = voice.url(
        "/voice/twilio/lifeline",
        &[
            ("turn", &turn_s),
            ("lang", lang.code()),
            ("offer", &offer_s),
            ("quiet", &next),
        ],
    );
    let mut t = Twiml::new();
    t.gather(
        &Gather {
            action: &action,
            lang,
            timeout: voice.config.listen_seconds,
            one_key: true,
            hints: &[],
        },
        |t| {
            t.say_all(lines, &voice.voices);
            t.say(
                &line(state, lang, "voice-no-counselor", false),
                &voice.voices,
            );
            t.say(&line(state, lang, "voice-keys", false), &voice.voices);
        },
    );
    t.redirect(&again);
    t.finish()
}

/// `POST /voice/twilio/dial`: a dial to a counselor ended. Taken and over: thanks and goodbye.
/// Not taken: the next counselor, then the 988 offer.
pub async fn dial(
    AxumState(state): AxumState<VoiceState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (voice, form) = match verified(&state, &uri, &headers, &body) {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    let step = step_of(&uri);
    let turn = step.turn.unwrap_or(1);
    let key = format!("dial.{turn}.{}", step.attempt);
    let answer = async {
        let lang = step.lang;
        let taken = voice.calls.take_accepted(&form.call_sid)
            && matches!(form.dial_status.as_deref(), Some("completed" | "answered"));
        if taken {
            state.hub.metrics.inc(
                "haven_voice_transfers_total",
                &[("to", "counselor-answered"), ("priority", "-")],
            );
            let mut t = Twiml::new();
            t.say(
                &line(&state, lang, "voice-after-call", false),
                &voice.voices,
            );
            t.hangup();
            return Ok(t.finish());
        }
        let next = step.attempt + 1;
        let on_shift = state.hub.handoff.config().on_shift(now());
        match (
            voice.config.counselor_phones.get(next),
            caller_id(voice, &form),
        ) {
            (Some(number), Some(from)) if on_shift => {
                let lines = [line(&state, lang, "voice-trying-next", false)];
                Ok(dial_counselor(
                    voice, &lines, number, from, turn, next, lang,
                ))
            }
            _ => Ok(lifeline_offer(&state, voice, &[], turn, lang, (0, 0))),
        }
    };
    once(&state, voice, &form, key, (step.lang, turn), answer).await
}

/// Whether a spoken answer to "press 1 and I'll connect you" is a yes.
fn says_yes(speech: &str) -> bool {
    let folded = fold(speech);
    matches!(
        folded.as_str(),
        "yes" | "yeah" | "yes please" | "ok" | "okay" | "one" | "si" | "si por favor" | "uno" | "1"
    )
}

/// `POST /voice/twilio/lifeline`: the answer to the 988 offer. 1 (or "yes"): put through to
/// the Lifeline; 2: the menu; star: the offer again; silence: the offer again, a while; anything
/// else goes to the engine like any answer (so 0 and "he's not breathing" still work).
pub async fn lifeline(
    AxumState(state): AxumState<VoiceState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (voice, form) = match verified(&state, &uri, &headers, &body) {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    let step = step_of(&uri);
    let turn = step.turn.unwrap_or(1);
    let input = form.digits.clone().or_else(|| form.speech.clone());
    let key = format!(
        "life.{turn}.{}.{}",
        step.offer,
        if input.is_some() { 0 } else { step.quiet }
    );
    let answer = async {
        let lang = step.lang;
        let yes = match (&form.digits, &form.speech) {
            (Some(d), _) => d == "1",
            (None, Some(s)) => says_yes(s),
            (None, None) => false,
        };
        if yes && let Some(from) = caller_id(voice, &form) {
            state.hub.metrics.inc(
                "haven_voice_transfers_total",
                &[("to", "lifeline"), ("priority", "-")],
            );
            let mut t = Twiml::new();
            t.say(&line(&state, lang, "voice-lifeline", false), &voice.voices);
            t.dial(&Dial {
                number: &voice.config.lifeline,
                caller_id: from,
                timeout: 60,
                action: None,
                whisper: None,
            });
            t.say(
                &line(&state, lang, "voice-after-call", false),
                &voice.voices,
            );
            t.hangup();
            return Ok(t.finish());
        }
        let text = match input.as_deref() {
            None if step.quiet >= MAX_SILENCES => {
                let mut t = Twiml::new();
                t.say(&line(&state, lang, "voice-goodbye", false), &voice.voices);
                t.hangup();
                return Ok(t.finish());
            }
            None => {
                let again = (step.offer + 1, step.quiet);
                return Ok(lifeline_offer(&state, voice, &[], turn, lang, again));
            }
            Some(crate::engine::KEY_REPEAT) => {
                let again = (step.offer + 1, 0);
                return Ok(lifeline_offer(&state, voice, &[], turn, lang, again));
            }
            Some("2") => "MENU",
            Some(other) => other,
        };
        let delivered = deliver(
            &state.hub,
            Channel::Voice,
            &form.call_sid,
            Content::Text(text),
        )
        .await?;
        Ok(respond(
            &state,
            voice,
            &form,
            delivered,
            turn + 1,
            Vec::new(),
        ))
    };
    once(&state, voice, &form, key, (step.lang, turn), answer).await
}

/// `POST /voice/twilio/whisper`: the counselor's side of a dial, when they pick up. They hear
/// who is calling (in the caller's language) and press 1 to take the call; anything else, or
/// nothing (a voicemail), hangs up their side, and the caller goes on to the next counselor.
pub async fn whisper(
    AxumState(state): AxumState<VoiceState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (voice, form) = match verified(&state, &uri, &headers, &body) {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    let step = step_of(&uri);
    let mut t = Twiml::new();
    if step.answer {
        match (form.digits.as_deref(), &form.parent_call_sid) {
            // An empty response puts the two calls together.
            (Some("1"), Some(parent)) => voice.calls.accept(parent),
            _ => t.hangup(),
        }
        return Ok(xml(t.finish()));
    }
    let action = voice.url(
        "/voice/twilio/whisper",
        &[("lang", step.lang.code()), ("answer", "1")],
    );
    t.gather(
        &Gather {
            action: &action,
            lang: step.lang,
            timeout: WHISPER_SECONDS,
            one_key: true,
            hints: &[],
        },
        |t| {
            t.say(
                &line(&state, step.lang, "voice-whisper", false),
                &voice.voices,
            )
        },
    );
    t.hangup();
    Ok(xml(t.finish()))
}

/// `POST /voice/twilio/status`: the call's status callback. When the call has ended, its
/// session is deleted and the channel forgets it.
pub async fn status(
    AxumState(state): AxumState<VoiceState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (voice, form) = match verified(&state, &uri, &headers, &body) {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    if form.has_ended() {
        let who = state.hub.haven.pseudonym(Channel::Voice, &form.call_sid);
        state.hub.haven.store.delete(&who)?;
        voice.calls.forget(&form.call_sid);
        let status = form.call_status.as_deref().unwrap_or("unknown");
        state
            .hub
            .metrics
            .inc("haven_calls_total", &[("status", status)]);
        tracing::info!(who = %who, status, "call ended; its session is deleted");
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_their_url() {
        let uri: Uri = "/voice/twilio?turn=4&lang=es&quiet=2&one=1"
            .parse()
            .unwrap();
        let s = step_of(&uri);
        assert_eq!(s.turn, Some(4));
        assert_eq!(s.lang, Lang::Es);
        assert_eq!(s.quiet, 2);
        assert!(s.one_key);
        let s = step_of(&"/voice/twilio".parse().unwrap());
        assert_eq!((s.turn, s.lang, s.quiet), (None, Lang::En, 0));
    }

    #[test]
    fn yes_to_the_lifeline() {
        for yes in ["Yes.", "yeah", "Sí", "uno", "OK"] {
            assert!(says_yes(yes), "{yes}");
        }
        for no in ["no", "he's not breathing", "menu"] {
            assert!(!says_yes(no), "{no}");
        }
    }
}
