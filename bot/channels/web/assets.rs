//! The web chat's own static files, compiled into the binary: the page never loads anything
//! from another site, and a deployment is still one file.

use axum::extract::State as AxumState;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::WebState;
use crate::Lang;

pub const CHAT_JS: &str = include_str!("static/chat.js");
pub const CHAT_CSS: &str = include_str!("static/chat.css");
const EMBED_JS: &str = include_str!("static/embed.js");

fn asset(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Small files: revalidating each time keeps an upgrade from mixing old and new.
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// `GET /chat/static/chat.js`.
pub async fn chat_js() -> Response {
    asset("text/javascript; charset=utf-8", CHAT_JS.to_owned())
}

/// `GET /chat/static/chat.css`.
pub async fn chat_css() -> Response {
    asset("text/css; charset=utf-8", CHAT_CSS.to_owned())
}

/// The embed script with the button's label in every language.
pub fn embed_script(texts: &crate::locales::Texts) -> String {
    let labels: serde_json::Map<String, serde_json::Value> = Lang::ALL
        .iter()
        .map(|&l| {
            (
                l.code().to_owned(),
                texts.render(l, "web-embed-button", &[]).into(),
            )
        })
        .collect();
    // JSON is valid JavaScript; escaping `<` keeps it harmless even if pasted inline.
    let labels = serde_json::Value::Object(labels)
        .to_string()
        .replace('<', "\\u003c");
    EMBED_JS.replace("__LABELS__", &labels)
}

/// `GET /embed.js`: loaded by operators' sites, so it may be fetched from any origin.
pub async fn embed_js(AxumState(state): AxumState<WebState>) -> Response {
    let mut resp = asset(
        "text/javascript; charset=utf-8",
        embed_script(&state.hub.haven.engine.texts),
    );
    resp.headers_mut().insert(
        "cross-origin-resource-policy",
        axum::http::HeaderValue::from_static("cross-origin"),
    );
    resp
}
