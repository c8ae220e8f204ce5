//! `haven chat`: talk to haven in the terminal as one anonymous person, no network, no
//! credentials. `--json` reads one message per line and writes one JSON object per line, the
//! contract other tools and tests use (PRODUCT.md, Command line). `--channel voice` plays a phone
//! call: what the caller hears (the opening first), and which keys do what; type a digit, `*`
//! or `0` as a keypad press, or words as speech.

use std::io::{BufRead, Write};
use std::sync::Arc;

use haven::config::Config;
use haven::engine::reply::Place;
use haven::engine::{Channel, Content, Ctx, Reply};
use haven::runtime::{Haven, now};
use haven::speech::{self, Line};
use haven::store::{Keys, MemoryStore, SledStore, Store};
use haven::{Lang, engine};
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
    /// On a call, what each key does at this step: `{"1": "Still not breathing", "*": ...}`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keys: Vec<(String, String)>,
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
        if args.channel.is_spoken() {
            writeln!(
                out,
                "A phone call: type a digit, * or 0 as a key press, or words as speech. The call begins:\n"
            )?;
            // What the voice channel does when a call comes in: the opening, then START.
            let handled = haven.handle(
                args.channel,
                &args.user,
                Content::Text("START"),
                now(),
                &ctx,
            )?;
            let o = &handled.outcome;
            let choices: Vec<String> = o
                .replies
                .iter()
                .rev()
                .find(|r| !r.choices.is_empty())
                .map(|r| r.choices.clone())
                .unwrap_or_default();
            let texts = &haven.engine.texts;
            let mut lines = speech::opening(o.session.lang, texts, |l| {
                speech::language_digit(&choices, l)
            });
            lines.extend(speech::speak(&o.replies, o.session.lang, texts).lines);
            write_heard(&mut out, &lines, o.session.lang, &keys_of(&choices))?;
        } else {
            writeln!(
                out,
                "Try: \"my friend won't wake up\", \"how do I use narcan\", \"donde consigo jeringas\", \"STOP\".\n"
            )?;
        }
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
                replies: if args.channel.is_spoken() {
                    speech::speak_each(&o.replies, o.session.lang, &haven.engine.texts)
                } else {
                    o.replies
                        .iter()
                        .map(|r| r.for_channel(args.channel))
                        .collect()
                },
                keys: if args.channel.is_spoken() {
                    keys_of(&last_choices(&o.replies))
                } else {
                    Vec::new()
                },
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
            if args.channel.is_spoken() {
                let spoken = speech::speak(&o.replies, o.session.lang, &haven.engine.texts);
                write_heard(
                    &mut out,
                    &spoken.lines,
                    o.session.lang,
                    &keys_of(&spoken.choices),
                )?;
                continue;
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

/// The choices of the last reply that has any.
fn last_choices(replies: &[Reply]) -> Vec<String> {
    replies
        .iter()
        .rev()
        .find(|r| !r.choices.is_empty())
        .map(|r| r.choices.clone())
        .unwrap_or_default()
}

/// What each key does on a call at a step with these choices: the digits, then the keys that
/// mean the same everywhere.
fn keys_of(choices: &[String]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = choices
        .iter()
        .enumerate()
        .map(|(i, c)| ((i + 1).to_string(), c.clone()))
        .collect();
    keys.push((engine::KEY_REPEAT.to_owned(), "hear it again".to_owned()));
    keys.push((
        engine::KEY_EMERGENCY.to_owned(),
        "the overdose steps".to_owned(),
    ));
    keys
}

/// A turn of a call as a caller hears it: each line with its voice when it is another
/// language's, slow lines marked, then the keys.
fn write_heard(
    out: &mut impl Write,
    lines: &[Line],
    lang: Lang,
    keys: &[(String, String)],
) -> std::io::Result<()> {
    for (i, l) in lines.iter().enumerate() {
        let who = if i == 0 { "haven says>" } else { "           " };
        let voice = if l.lang == lang {
            String::new()
        } else {
            format!("[{} voice] ", l.lang)
        };
        let slow = if l.slow { "(slowly) " } else { "" };
        writeln!(out, "{who} {voice}{slow}{}", l.text)?;
        if l.pause > 0 && i + 1 < lines.len() {
            writeln!(out, "            ...")?;
        }
    }
    let keys: Vec<String> = keys.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    writeln!(out, "keys>       {} (or say anything)\n", keys.join(" · "))
}
