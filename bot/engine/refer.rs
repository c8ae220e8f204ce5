//! The engine's side of referrals: where the person is, and what to say about nearby services.
//!
//! The directory itself lives in `crate::referrals` and is handed to the engine through
//! [`Referrals`] in the context, so the engine stays free of I/O: a lookup is a pure function
//! of the loaded directory, the place and the time in the input.

use crate::Lang;
use crate::engine::{Channel, Ctx, Exec, Reply, Said};
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

/// Session variables the `refer` action sets (texts may show them).
pub const VARS: &[&str] = &["refer_more", "refer_offset"];

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
    /// Only places open at `now`.
    pub open_now: bool,
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
    /// Whether the texts list at least one place (rather than saying none is nearby).
    pub found: bool,
    /// The replies: the list as text and, when places were found, as data too
    /// ([`Reply::listing`]).
    pub replies: Vec<Reply>,
    /// Whether a further page exists.
    pub more: bool,
}

/// The `refer` action.
pub fn run(ex: &mut Exec, kind: Option<&str>, near: &str, next_page: bool, open_now: bool) {
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
    run_page(ex, kind, near, offset, open_now, !next_page);
}

/// One page of results, `offset` places in (also how a repeat says a list again); `count` says
/// whether this is a new referral for the reports (not a further page or a repeat).
pub fn run_page(
    ex: &mut Exec,
    kind: Option<&str>,
    near: &str,
    offset: usize,
    open_now: bool,
    count: bool,
) {
    let place = ex.session.vars.get(near).cloned();
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
                open_now,
            },
            &text_fn,
        ),
        _ => None,
    };
    let counted = kind.unwrap_or("any").to_owned();
    match answer {
        Some(a) if a.replies.iter().any(|r| !r.text.trim().is_empty()) => {
            // A further page ("MORE") or a repeat continues the same referral: counted once.
            if count {
                ex.effects.push(crate::engine::Effect::Referred {
                    kind: counted.clone(),
                    found: a.found,
                });
            }
            ex.replies
                .extend(a.replies.into_iter().filter(|r| !r.text.trim().is_empty()));
            ex.record(Said::Refer {
                kind: kind.map(str::to_owned),
                near: near.to_owned(),
                offset,
                open_now,
            });
            ex.session
                .vars
                .insert("refer_offset".into(), offset.to_string());
            // A flow can offer something else when nothing of the kind is nearby (the
            // treatment flow offers syringe services when no overdose prevention center is).
            let found = if a.found { "yes" } else { "no" };
            ex.session.vars.insert("refer_found".into(), found.into());
            if a.more {
                ex.session.vars.insert("refer_more".into(), "yes".into());
            } else {
                ex.session.vars.remove("refer_more");
            }
        }
        _ => {
            if count {
                ex.effects.push(crate::engine::Effect::Referred {
                    kind: counted,
                    found: false,
                });
            }
            ex.say("refer-none");
            // No directory to ask: neither "found" nor "none nearby" is known.
            ex.session.vars.remove("refer_found");
            ex.session.vars.remove("refer_more");
            ex.session.vars.remove("refer_offset");
        }
    }
}
