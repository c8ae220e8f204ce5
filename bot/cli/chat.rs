//! `haven chat`: talk to haven in the terminal as one anonymous person, no network, no
//! credentials. `--json` reads one message per line and writes one JSON object per line, the
//! contract other tools and tests use (PRODUCT.md, Command line).

use std::io::{BufRead, Write};
use std::sync::Arc;

use haven::config::Config;
use haven::engine::reply::Place;
use haven::engine::{Channel, Content, Ctx, Reply};
use haven::runtime::{Haven, now};
use haven::store::{Keys, MemoryStore, SledStore, Store};
use serde::Serialize;

use super::{load_engine, load_referrals};

pub struct ChatArgs {
    pub json: bool,
    pub ephemeral: bool,
    pub user: String,
    pub channel: Channel,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    #[serde(rename = "in")]
    input: &'a str,
    intent: &'a str,
    lang: &'a str,
    flow: Option<&'a str>,
    step: Option<&'a str>,
    replies: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    buttons: Vec<Vec<String>>,
    /// The places each reply lists, as data (parallel to `replies`; only when one lists any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    places: Vec<&'a [Place]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'a str>,
}

pub fn run(config: &Config, args: ChatArgs) -> anyhow::Result<()> {
    let engine = Arc::new(load_engine(config)?);
    let (store, keys): (Arc<dyn Store>, Keys) = if args.ephemeral {
        (Arc::new(MemoryStore::new()), Keys::random()?)
    } else {
        let keys = Keys::from_env_or_file(config.secret.as_deref(), &config.data)?;
        (Arc::new(SledStore::open(&config.data)?), keys)
    };
    let haven = Haven::new(engine, store.clone(), keys, config.session_ttl_secs);
    let referrals = load_referrals(config)?;
    let ctx = Ctx {
        referrals: Some(&referrals),
        ..Ctx::default()
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !args.json {
        writeln!(
            out,
            "haven chat: you are an anonymous person texting haven ({}). Ctrl-D to quit.",
            args.channel.as_str()
        )?;
        if !args.ephemeral {
            writeln!(
                out,
                "Your session is kept in {} until it expires; --ephemeral keeps nothing.",
                config.data.display()
            )?;
        }
        writeln!(
            out,
            "Try: \"my friend won't wake up\", \"how do I use narcan\", \"donde consigo jeringas\", \"STOP\".\n"
        )?;
    }
    let mut buf = Vec::new();
    loop {
        if !args.json {
            write!(out, "you> ")?;
            out.flush()?;
        }
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        // Invalid UTF-8 is read with replacement characters and answered, never refused: the
        // person may be in a hurry on a broken keyboard.
        let (text, warning) = match std::str::from_utf8(&buf) {
            Ok(s) => (s.to_owned(), None),
            Err(_) => (
                String::from_utf8_lossy(&buf).into_owned(),
                Some("input was not valid UTF-8; invalid bytes were replaced"),
            ),
        };
        let handled = haven.handle(args.channel, &args.user, Content::Text(&text), now(), &ctx)?;
        let o = &handled.outcome;
        if args.json {
            let line = JsonLine {
                input: &text,
                intent: &o.intent,
                lang: o.session.lang.code(),
                flow: o.session.flow.as_deref(),
                step: o.session.step.as_deref(),
                replies: o
                    .replies
                    .iter()
                    .map(|r| r.for_channel(args.channel))
                    .collect(),
                buttons: if args.channel.has_buttons() {
                    o.replies.iter().map(|r| r.choices.clone()).collect()
                } else {
                    Vec::new()
                },
                places: if o.replies.iter().any(|r| r.listing.is_some()) {
                    o.replies
                        .iter()
                        .map(|r| r.listing.as_ref().map_or(&[][..], |l| &l.places[..]))
                        .collect()
                } else {
                    Vec::new()
                },
                warning,
            };
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
            out.flush()?;
        } else {
            if let Some(w) = warning {
                writeln!(out, "({w})")?;
            }
            if o.replies.is_empty() {
                if o.session.opted_out {
                    writeln!(
                        out,
                        "haven> (no reply: this person opted out with STOP, as an SMS number would; send START to resume)"
                    )?;
                } else {
                    writeln!(out, "haven> (no reply)")?;
                }
            }
            for r in &o.replies {
                writeln!(
                    out,
                    "haven> {}",
                    render_terminal(r, args.channel).replace('\n', "\n       ")
                )?;
            }
            writeln!(out)?;
        }
    }
    store.flush()?;
    Ok(())
}

/// How a reply looks in the terminal: SMS shows numbered lines, button channels show buttons.
fn render_terminal(r: &Reply, channel: Channel) -> String {
    if channel.has_buttons() && !r.choices.is_empty() {
        let buttons: Vec<String> = r
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| format!("[{} {c}]", i + 1))
            .collect();
        format!("{}\n{}", r.text, buttons.join(" "))
    } else {
        r.plain()
    }
}
