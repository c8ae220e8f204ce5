//! The engine's side of referrals: where the person is, and what to say about nearby services.
//!
//! The directory itself lives in `crate::referrals` and is handed to the engine through
//! [`Referrals`] in the context, so the engine stays free of I/O: a lookup is a pure function
//! of the loaded directory, the place and the time in the input.

use crate::Lang;
use crate::engine::{Channel, Ctx, Exec};
use crate::flows::routers::capture::find_zip;

/// Service kinds a flow may ask for (issue 5's directory kinds).
pub const KINDS: &[&str] = &[
    "naloxone",
    "syringe",
    "methadone",
    "buprenorphine",
    "treatment",
    "testing",
    "fentanyl-strips",
    "overdose-prevention-center",
    "drop-in",
];

/// Texts the referral code says on a flow's behalf; every locale must have them.
pub const TEXTS: &[&str] = &["refer-none"];

pub fn is_kind(k: &str) -> bool {
    KINDS.contains(&k)
}

/// A directory the engine can ask. Implemented by `crate::referrals`.
pub trait Referrals: Send + Sync {
    /// Resolves a place the person wrote (ZIP, place name) to the value a `location` capture
    /// keeps, or `None` when it is not a place haven knows.
    fn locate(&self, text: &str) -> Option<String>;

    /// The replies listing services of `kind` near `place` (a value `locate` returned, or
    /// `lat,lon` from a location pin), `offset` results in, with words from `texts`; `None`
    /// when there is no directory to ask.
    fn answer(&self, q: &ReferQuery<'_>, texts: &TextFn<'_>) -> Option<ReferAnswer>;
}

/// Renders a text by id with plain-string arguments, in the person's language.
pub type TextFn<'a> = dyn Fn(&str, &[(&str, String)]) -> String + 'a;

/// A referral question.
pub struct ReferQuery<'a> {
    pub kind: Option<&'a str>,
    pub place: &'a str,
    pub offset: usize,
    pub lang: Lang,
    pub channel: Channel,
    pub now: i64,
}

/// Resolves a `location` capture: through the directory's locator when there is one, else any
/// ZIP code in the answer.
pub fn locate(text: &str, ctx: &Ctx) -> Option<String> {
    match ctx.referrals {
        Some(r) => r.locate(text),
        None => find_zip(text),
    }
}

/// Results per page.
pub const PAGE: usize = 3;

/// An answer from the directory.
pub struct ReferAnswer {
    pub texts: Vec<String>,
    /// Whether a further page exists.
    pub more: bool,
    /// Whether nothing was found near the place (the texts then say so).
    pub empty: bool,
}

/// The `refer` action.
pub fn run(ex: &mut Exec, kind: Option<&str>, near: &str, next_page: bool) {
    let place = ex.session.vars.get(near).cloned();
    let offset = if next_page {
        ex.session
            .vars
            .get("refer_offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0)
            + PAGE
    } else {
        0
    };
    let lang = ex.session.lang;
    let engine = ex.engine;
    let text_fn = move |key: &str, args: &[(&str, String)]| {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        engine.texts.render(lang, key, &args)
    };
    let answer = match (ex.ctx.referrals, place) {
        (Some(r), Some(place)) => r.answer(
            &ReferQuery {
                kind,
                place: &place,
                offset,
                lang,
                channel: ex.input.channel,
                now: ex.input.now,
            },
            &text_fn,
        ),
        _ => None,
    };
    let counted = kind.unwrap_or("any").to_owned();
    match answer {
        Some(a) if !a.texts.is_empty() => {
            // A further page ("MORE") continues the same referral: counted once.
            if !next_page {
                ex.effects.push(crate::engine::Effect::Referred {
                    kind: counted,
                    found: !a.empty,
                });
            }
            for t in a.texts {
                ex.say_text(t);
            }
            ex.session
                .vars
                .insert("refer_offset".into(), offset.to_string());
            if a.more {
                ex.session.vars.insert("refer_more".into(), "yes".into());
            } else {
                ex.session.vars.remove("refer_more");
            }
        }
        _ => {
            if !next_page {
                ex.effects.push(crate::engine::Effect::Referred {
                    kind: counted,
                    found: false,
                });
            }
            ex.say("refer-none");
            ex.session.vars.remove("refer_more");
            ex.session.vars.remove("refer_offset");
        }
    }
}
