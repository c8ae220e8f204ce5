//! Conversation scripts: tests as data, in `tests/conversations/*.yaml`, run by `haven test`
//! and by `cargo test`.
//!
//! A script is a list of turns. A turn says something (or shares a location, or waits, or runs
//! the expiry sweeper) and states what must follow: the intent, language, flow and step after
//! it, and words the replies must or must not contain. Scripts run through the real runtime
//! with a sled store in a throwaway directory and a simulated clock, so expiry can be tested.
//!
//! ```yaml
//! name: STOP then START
//! channel: sms
//! turns:
//!   - say: hi
//!     intent: greeting
//!     contains: [haven]
//!   - say: STOP
//!     intent: stop
//!     first: Reply START
//!   - say: where can i get narcan
//!     silent: true           # nothing is sent after an opt-out
//!   - wait: 25h              # the clock moves on
//!   - purge: true            # the expiry sweeper runs
//!     sessions: 0            # and the store holds no session
//! ```
//!
//! `channel:` is `sms`, `telegram`, `web`, `whatsapp`, `voice` or (by default) `terminal`. On
//! `voice` the replies are what a caller hears (`speech::speak_each`: `-voice` forms, numbers
//! digit by digit, "Press 1 for ..."), `say: "*"` and `say: "0"` are the keypad's star and zero,
//! and a call begins as the voice channel begins it, with `say: START`.
//!
//! A script may be `pending: "why"`: it states behaviour that waits on work elsewhere (a trigger
//! variable another change will set). It still runs; its failures are reported as pending, not
//! as failures, and once it passes it fails, so that whoever finishes that work removes the
//! marker and the script guards the behaviour from then on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::Lang;
use crate::engine::{Availability, Channel, Content, Ctx, Engine};
use crate::runtime::Haven;
use crate::store::{Keys, SledStore, Store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub name: String,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    /// `available` to simulate counselors on shift (the handoff action then queues).
    #[serde(default)]
    pub counselors: Option<String>,
    /// A directory CSV to import first (path relative to the working directory).
    #[serde(default)]
    pub directory: Option<String>,
    /// A configuration file for its `[referrals]` section (places, time zone, radius).
    #[serde(default)]
    pub config: Option<String>,
    /// Why the script is expected to fail for now (see the module documentation).
    #[serde(default)]
    pub pending: Option<String>,
    pub turns: Vec<Spanned<Turn>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Turn {
    #[serde(default)]
    pub say: Option<String>,
    /// A shared location pin: `[lat, lon]`.
    #[serde(default)]
    pub location: Option<[f64; 2]>,
    /// Advance the clock, e.g. `90s`, `30m`, `25h`.
    #[serde(default)]
    pub wait: Option<String>,
    /// Run the expiry sweeper.
    #[serde(default)]
    pub purge: bool,
    /// Someone else speaks from here on.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub intent: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    /// The flow after the turn; `none` when the session is idle.
    #[serde(default)]
    pub flow: Option<String>,
    #[serde(default)]
    pub step: Option<String>,
    /// The first reply contains this.
    #[serde(default)]
    pub first: Option<String>,
    /// The replies, together, contain each of these.
    #[serde(default)]
    pub contains: Vec<String>,
    #[serde(default)]
    pub not_contains: Vec<String>,
    /// Exactly this many replies.
    #[serde(default)]
    pub replies: Option<usize>,
    /// No reply at all.
    #[serde(default)]
    pub silent: bool,
    /// The store holds this many sessions after the turn.
    #[serde(default)]
    pub sessions: Option<usize>,
    /// The runtime must be asked to carry out these effects (`handoff`, `relay`, `optout`...).
    #[serde(default)]
    pub effects: Vec<String>,
}

/// The outcome of one script.
#[derive(Debug)]
pub struct ScriptResult {
    pub file: PathBuf,
    pub name: String,
    pub turns: usize,
    /// What failed; for a pending script that passes, one failure saying so.
    pub failures: Vec<String>,
    /// Set when the script is pending and still fails as expected: its failures, kept apart.
    pub pending: Option<Pending>,
}

/// A pending script that still fails: why it is pending and what failed.
#[derive(Debug)]
pub struct Pending {
    pub reason: String,
    pub failures: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("{0}: cannot read: {1}")]
    Read(String, std::io::Error),
    #[error("{file}:{line}:{col}: {message}")]
    Parse {
        file: String,
        line: u64,
        col: u64,
        message: String,
    },
    #[error("cannot set up a store: {0}")]
    Store(String),
}

/// Every `*.yaml` in `dir`, sorted.
pub fn scripts_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    v.sort();
    Ok(v)
}

/// A simulated start time: Monday 2026-01-05 12:00 UTC.
pub const SCRIPT_EPOCH: i64 = 1_767_614_400;

pub fn run_file(path: &Path, engine: Arc<Engine>) -> Result<ScriptResult, ScriptError> {
    let file = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|e| ScriptError::Read(file.clone(), e))?;
    let script: Script = serde_saphyr::from_str(&source).map_err(|e| {
        let loc = e.location();
        ScriptError::Parse {
            file: file.clone(),
            line: loc.map_or(0, |l| l.line()),
            col: loc.map_or(0, |l| l.column()),
            message: e
                .without_snippet()
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        }
    })?;
    let dir = tempfile::tempdir().map_err(|e| ScriptError::Store(e.to_string()))?;
    let store = SledStore::open(dir.path()).map_err(|e| ScriptError::Store(e.to_string()))?;
    let store: Arc<dyn Store> = Arc::new(store);
    let haven = Haven::new(
        engine,
        store.clone(),
        Keys::random().map_err(|e| ScriptError::Store(e.to_string()))?,
        crate::runtime::DEFAULT_SESSION_TTL_SECS,
    );
    let channel = match script.channel.as_deref() {
        None => Channel::Terminal,
        Some(c) => Channel::parse(c).ok_or_else(|| ScriptError::Parse {
            file: file.clone(),
            line: 0,
            col: 0,
            message: format!("unknown channel `{c}`"),
        })?,
    };
    let counselors = match script.counselors.as_deref() {
        Some("available") => Availability::Available,
        Some("out-of-hours") => Availability::OutOfHours,
        _ => Availability::NoService,
    };
    let referrals = match &script.directory {
        None => None,
        Some(csv) => {
            let store_err = |e: String| ScriptError::Store(format!("{file}: {e}"));
            crate::referrals::import(Path::new(csv), dir.path())
                .map_err(|e| store_err(e.to_string()))?;
            let config =
                crate::config::Config::load_with(script.config.as_deref().map(Path::new), &|_| {
                    None
                })
                .map_err(|e| store_err(e.to_string()))?;
            let handle = crate::referrals::DirectoryHandle::open(dir.path())
                .map_err(|e| store_err(e.to_string()))?;
            Some(
                crate::referrals::Referrals::new(handle, config.referrals)
                    .map_err(|e| store_err(e.to_string()))?,
            )
        }
    };
    let ctx = Ctx {
        counselors,
        referrals: referrals
            .as_ref()
            .map(|r| r as &dyn crate::engine::refer::Referrals),
    };
    let mut user = script.user.clone().unwrap_or_else(|| "script-user".into());
    let mut now = SCRIPT_EPOCH;
    let mut failures = Vec::new();
    for (i, turn) in script.turns.iter().enumerate() {
        let line = turn.referenced.line();
        let t = &turn.value;
        let at = format!("{file}:{line}: turn {}", i + 1);
        let mut fail = |m: String| failures.push(format!("{at}: {m}"));
        if let Some(u) = &t.user {
            user = u.clone();
        }
        if let Some(w) = &t.wait {
            match parse_duration(w) {
                Some(d) => now += d,
                None => fail(format!("cannot read duration `{w}` (use 90s, 30m, 25h)")),
            }
        }
        if t.purge
            && let Err(e) = store.purge_expired(now)
        {
            fail(format!("purge failed: {e}"));
        }
        let content = match (&t.say, t.location) {
            (Some(s), _) => Some(Content::Text(s)),
            (None, Some([lat, lon])) => Some(Content::Location { lat, lon }),
            (None, None) => None,
        };
        if let Some(content) = content {
            now += 1;
            let handled = match haven.handle(channel, &user, content, now, &ctx) {
                Ok(h) => h,
                Err(e) => {
                    fail(format!("runtime error: {e}"));
                    continue;
                }
            };
            let o = &handled.outcome;
            // On a call the replies are what the caller hears (`speech`).
            let replies: Vec<String> = if channel.is_spoken() {
                crate::speech::speak_each(&o.replies, o.session.lang, &haven.engine.texts)
            } else {
                o.replies.iter().map(|r| r.for_channel(channel)).collect()
            };
            let all = replies.join("\n");
            let show = || format!("replies were: {replies:?}");
            if let Some(want) = &t.intent
                && &o.intent != want
            {
                fail(format!("intent `{}`, expected `{want}`", o.intent));
            }
            if let Some(want) = &t.lang
                && Lang::parse(want) != Some(o.session.lang)
            {
                fail(format!("language `{}`, expected `{want}`", o.session.lang));
            }
            if let Some(want) = &t.flow {
                let got = o.session.flow.as_deref().unwrap_or("none");
                if got != want {
                    fail(format!("flow `{got}`, expected `{want}`"));
                }
            }
            if let Some(want) = &t.step {
                let got = o.session.step.as_deref().unwrap_or("none");
                if got != want {
                    fail(format!("step `{got}`, expected `{want}`"));
                }
            }
            if let Some(want) = &t.first
                && !replies.first().is_some_and(|r| r.contains(want.as_str()))
            {
                fail(format!("first reply does not contain {want:?}; {}", show()));
            }
            for want in &t.contains {
                if !all.contains(want.as_str()) {
                    fail(format!("replies do not contain {want:?}; {}", show()));
                }
            }
            for unwanted in &t.not_contains {
                if all.contains(unwanted.as_str()) {
                    fail(format!("replies contain {unwanted:?}; {}", show()));
                }
            }
            if let Some(n) = t.replies
                && replies.len() != n
            {
                fail(format!(
                    "{} replies, expected {n}; {}",
                    replies.len(),
                    show()
                ));
            }
            if t.silent && !replies.is_empty() {
                fail(format!("expected silence; {}", show()));
            }
            for want in &t.effects {
                let names: Vec<&str> = o.effects.iter().map(effect_name).collect();
                if !names.contains(&want.as_str()) {
                    fail(format!("no `{want}` effect; effects were {names:?}"));
                }
            }
        } else if t.intent.is_some()
            || t.first.is_some()
            || !t.contains.is_empty()
            || t.replies.is_some()
        {
            fail("expectations about replies need `say:` or `location:`".into());
        }
        if let Some(n) = t.sessions {
            match store.session_count() {
                Ok(c) if c == n => {}
                Ok(c) => fail(format!("{c} sessions stored, expected {n}")),
                Err(e) => fail(format!("cannot count sessions: {e}")),
            }
        }
    }
    let (failures, pending) = match script.pending {
        None => (failures, None),
        Some(reason) if failures.is_empty() => (
            vec![format!(
                "{file}: pending ({reason}) but passes now: remove `pending:` so it guards the behaviour"
            )],
            None,
        ),
        Some(reason) => (Vec::new(), Some(Pending { reason, failures })),
    };
    Ok(ScriptResult {
        file: path.to_owned(),
        name: script.name,
        turns: script.turns.len(),
        failures,
        pending,
    })
}

/// The name scripts use for an effect.
pub fn effect_name(e: &crate::engine::Effect) -> &'static str {
    use crate::engine::Effect;
    match e {
        Effect::OptOut => "optout",
        Effect::OptIn => "optin",
        Effect::Handoff { .. } => "handoff",
        Effect::Relay { .. } => "relay",
        Effect::HandoffEmergency { .. } => "handoff-emergency",
        Effect::LeaveHandoff => "leave-handoff",
        Effect::HandoffFull => "handoff-full",
        Effect::Connect { .. } => "connect",
        Effect::Forget => "forget",
        Effect::Feedback { .. } => "feedback",
        Effect::Referred { .. } => "referred",
    }
}

/// `90s`, `30m`, `25h`, `2d` as seconds.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    Some(match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return None,
    })
}
