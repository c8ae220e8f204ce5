//! Quick replies: texts a counselor inserts with one click (console) or sends with `/quick`
//! (Telegram group), always in the person's language.
//!
//! They are ordinary Fluent texts, written by the operator in `locales/<lang>/quick-replies.ftl`:
//! every message whose id starts with `quick-` is one, its `.label` attribute is what the
//! counselor sees on the button, and `haven check` makes sure each exists in every language
//! with its label and a cited source. A quick reply that uses `{ $place }` asks the counselor
//! for a ZIP code or place name and is followed by the nearest services from the directory
//! (the same list and wording the person would get from the bot).

use crate::engine::refer::{ReferQuery, Referrals as _};
use crate::handoff::TicketView;
use crate::messaging::Hub;

/// The prefix of quick-reply text ids.
pub const PREFIX: &str = "quick-";

/// One quick reply, as a counselor picks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quick {
    /// The id without the prefix (`naloxone` for `quick-naloxone`).
    pub id: String,
    /// The button's label (English: the console's language).
    pub label: String,
    /// Whether it needs a ZIP or place and lists nearby services.
    pub needs_place: bool,
}

/// Why a quick reply could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QuickError {
    #[error("no quick reply `{0}`")]
    Unknown(String),
    #[error("`{0}` needs a ZIP code or place")]
    NeedsPlace(String),
    #[error("`{0}` is not a ZIP code or place haven knows")]
    UnknownPlace(String),
}

/// Every quick reply, in the order of the English file.
pub fn list(hub: &Hub) -> Vec<Quick> {
    let texts = &hub.haven.engine.texts;
    texts
        .ids_in_file_order(crate::Lang::En)
        .into_iter()
        .filter_map(|key| {
            let id = key.strip_prefix(PREFIX)?;
            let site = texts.site(crate::Lang::En, key)?;
            Some(Quick {
                id: id.to_owned(),
                label: texts
                    .try_render_attribute(crate::Lang::En, key, "label")
                    .unwrap_or_else(|| id.to_owned()),
                needs_place: site.variables.iter().any(|v| v == "place"),
            })
        })
        .collect()
}

/// The text of quick reply `id` for the person of ticket `t`, in their language (and, for one
/// that needs a place, with the services nearest `place`).
pub fn make(
    hub: &Hub,
    id: &str,
    t: &TicketView,
    place: Option<&str>,
    now: i64,
) -> Result<String, QuickError> {
    let Some(q) = list(hub).into_iter().find(|q| q.id == id) else {
        return Err(QuickError::Unknown(id.to_owned()));
    };
    let texts = &hub.haven.engine.texts;
    let key = format!("{PREFIX}{id}");
    if !q.needs_place {
        return Ok(texts.render(t.lang, &key, &[]));
    }
    let place = place
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| QuickError::NeedsPlace(id.to_owned()))?;
    let located = hub
        .referrals
        .locate(place)
        .ok_or_else(|| QuickError::UnknownPlace(place.to_owned()))?;
    let lang = t.lang;
    let text_fn = |k: &str, args: &[(&str, String)]| {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        texts.render(lang, k, &args)
    };
    let list = hub
        .referrals
        .answer(
            &ReferQuery {
                kind: None,
                place: &located,
                offset: 0,
                lang,
                channel: t.channel,
                now,
                open_now: false,
            },
            &text_fn,
        )
        .map(|a| {
            a.replies
                .iter()
                .map(|r| r.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| texts.render(lang, "refer-none", &[]));
    let intro = texts.render(lang, &key, &[("place", place)]);
    Ok(format!("{intro}\n\n{list}"))
}
