//! The chat page, rendered on the server with maud (which escapes every text it is given).
//!
//! One page serves both paths: without JavaScript it is a plain form whose hidden fields carry
//! the recent exchange; with JavaScript `chat.js` takes the same form over, posts with `fetch`
//! and listens for pushes. Page chrome (title, labels, buttons) comes from the `web-*` texts in
//! the visitor's language; elements carry `data-ui` keys so the script can switch language in
//! place when the conversation does.

use maud::{DOCTYPE, Markup, html};

use super::history::{Entry, History, Speaker};
use super::render::{Labels, body, linkified};
use crate::Lang;
use crate::locales::Texts;

/// Page chrome: the key the page and `chat.js` use, and the text id it comes from.
pub const UI: &[(&str, &str)] = &[
    ("title", "web-title"),
    ("intro", "web-intro"),
    ("privacy", "web-privacy"),
    ("log", "web-log-label"),
    ("you", "web-you"),
    ("haven", "web-haven"),
    ("label", "web-message-label"),
    ("placeholder", "web-placeholder"),
    ("send", "web-send"),
    ("choices", "web-choices-label"),
    ("check", "web-check"),
    ("exit", "web-exit"),
    ("skip", "web-skip"),
    ("failed", "web-send-failed"),
    ("leave", "web-leave"),
];

/// Page chrome that carries links (the intro's 911): sent rendered, as `ui_html`, to the script.
pub const UI_HTML: &[&str] = &["intro"];

/// Everything one rendering of the page needs.
pub struct View<'a> {
    pub lang: Lang,
    pub texts: &'a Texts,
    pub csrf: &'a str,
    /// Notes above the conversation (a new session, an empty or too long message...).
    pub notes: &'a [String],
    pub history: &'a History,
    /// How many entries at the end of `history` are new on this page (the first is scrolled to).
    pub new_entries: usize,
    /// The choices of the last reply, as buttons.
    pub choices: &'a [String],
    /// Text to put back in the message box (a message that was not sent).
    pub draft: &'a str,
    pub exit_url: &'a str,
    /// The visitor waits for or talks with a counselor: offer "Back to the bot".
    pub in_handoff: bool,
}

impl View<'_> {
    fn t(&self, key: &str) -> String {
        let id = UI
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key, |(_, id)| *id);
        self.texts.render(self.lang, id, &[])
    }

    /// A chrome text with links (see [`UI_HTML`]).
    pub fn t_html(&self, key: &str) -> Markup {
        linkified(&self.t(key))
    }
}

/// The whole chat page.
pub fn render(v: &View) -> Markup {
    let lang = v.lang.code();
    let labels = Labels::new(v.texts, v.lang);
    let first_new = v.history.len().saturating_sub(v.new_entries);
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="robots" content="noindex, nofollow";
                title data-ui="title" { (v.t("title")) }
                link rel="stylesheet" href="/chat/static/chat.css";
                script src="/chat/static/chat.js" defer {}
            }
            body {
                a class="skip" href="#text" data-ui="skip" { (v.t("skip")) }
                header class="bar" {
                    h1 class="brand" { "haven" }
                    form id="exit" method="post" action="/chat/exit" data-href=(v.exit_url) {
                        input type="hidden" name="csrf" value=(v.csrf);
                        button type="submit" class="exit" data-ui="exit" { (v.t("exit")) }
                    }
                }
                main id="main" {
                    p class="intro" data-ui="intro" data-ui-html="intro" { (v.t_html("intro")) }
                    p class="privacy" data-ui="privacy" { (v.t("privacy")) }
                    // The fragment brings a no-JS visitor straight to what is new on the page.
                    form id="send" class="chat" method="post" action="/chat#latest" autocomplete="off"
                        data-failed=(v.t("failed")) {
                        input type="hidden" name="csrf" value=(v.csrf);
                        @for e in v.history.entries() {
                            input type="hidden" name="h" value=(e.encode());
                        }
                        @for c in v.choices {
                            input type="hidden" name="c" value=(c);
                        }
                        h2 id="log-title" class="visually-hidden" data-ui="log" { (v.t("log")) }
                        ol id="log" class="log" role="log" aria-live="polite"
                            aria-labelledby="log-title" data-you=(v.t("you")) data-haven=(v.t("haven")) {
                            @for (i, e) in v.history.entries().enumerate() {
                                (message(v, &labels, e, v.new_entries > 0 && i == first_new))
                            }
                        }
                        @if v.new_entries == 0 { div id="latest" {} }
                        // The answers sit with the message box, which stays in view at the
                        // bottom: after an overdose reply, "Call 911" is scrolled to the top
                        // and the choices are on screen below it, not below the fold.
                        div class="compose" {
                            div id="choices" class="choices" role="group"
                                aria-label=(v.t("choices")) data-ui-label="choices" hidden[v.choices.is_empty()] {
                                @for (i, c) in v.choices.iter().enumerate() {
                                    button type="submit" name="choice" value=(i + 1) { (c) }
                                }
                            }
                            button id="leave" type="submit" name="leave" value="1" class="leave"
                                data-ui="leave" hidden[!v.in_handoff] { (v.t("leave")) }
                            div id="status" class="note" role="status" {
                                @for n in v.notes { p { (linkified(n)) } }
                            }
                            label for="text" data-ui="label" { (v.t("label")) }
                            div class="row" {
                                textarea id="text" name="text" rows="1" autocomplete="off"
                                    placeholder=(v.t("placeholder")) data-ui-placeholder="placeholder" {
                                    (v.draft)
                                }
                                button type="submit" class="primary" data-ui="send" { (v.t("send")) }
                            }
                            noscript {
                                button type="submit" name="refresh" value="1" class="check" {
                                    (v.t("check"))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn message(v: &View, labels: &Labels, e: &Entry, latest: bool) -> Markup {
    let (class, who) = match e.speaker {
        Speaker::Visitor => ("msg me", v.t("you")),
        Speaker::Haven if e.listing.is_some() => ("msg bot has-places", v.t("haven")),
        Speaker::Haven => ("msg bot", v.t("haven")),
    };
    html! {
        li class=(class) lang=[e.lang.map(Lang::code)] id=[latest.then_some("latest")] {
            span class="visually-hidden" { (who) ": " }
            @match e.speaker {
                // What a visitor wrote is shown as they wrote it, never turned into links.
                Speaker::Visitor => span class="text" { (e.text) },
                Speaker::Haven => (body(&e.text, e.listing.as_ref(), labels)),
            }
        }
    }
}

/// A first visit that arrived from another site: the session cookie (SameSite=Strict) was not
/// sent, so rather than start a new session over a running one, reload from our own origin,
/// where the browser sends it. Works without JavaScript.
pub fn bounce() -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta http-equiv="refresh" content="0; url=/";
                title { "haven" }
            }
            body { p { a href="/" { "haven" } } }
        }
    }
}
