//! The runtime: one message from an address, through the store and the engine, and back.
//!
//! This is the edge where the address becomes a pseudonym (and is forgotten), the session is
//! loaded and saved, and the store-related effects (opt-out, opt-in) are carried out. Channels
//! call [`Haven::handle`]; they deal with whatever effects remain (handoff, relay).

use std::sync::{Arc, Mutex};

use crate::engine::{Channel, Content, Ctx, Effect, Engine, Input, Outcome};
use crate::store::{Keys, Pseudonym, Store, StoreError};

/// Sessions expire this long after the person's last message unless configured otherwise.
pub const DEFAULT_SESSION_TTL_SECS: i64 = 24 * 3600;

pub struct Haven {
    pub engine: Arc<Engine>,
    pub store: Arc<dyn Store>,
    pub keys: Keys,
    pub ttl_secs: i64,
    /// Messages from one person are handled one at a time; 256 shards keep others unblocked.
    locks: Vec<Mutex<()>>,
}

/// What happened for one message.
#[derive(Debug)]
pub struct Handled {
    pub who: Pseudonym,
    pub outcome: Outcome,
    /// Whether this message began a conversation (the person had no live session).
    pub fresh: bool,
}

impl Haven {
    pub fn new(engine: Arc<Engine>, store: Arc<dyn Store>, keys: Keys, ttl_secs: i64) -> Haven {
        Haven {
            engine,
            store,
            keys,
            ttl_secs,
            locks: (0..256).map(|_| Mutex::new(())).collect(),
        }
    }

    pub fn pseudonym(&self, channel: Channel, address: &str) -> Pseudonym {
        self.keys.pseudonym(channel, address)
    }

    /// Handles a message from `address` on `channel`.
    pub fn handle(
        &self,
        channel: Channel,
        address: &str,
        content: Content,
        now: i64,
        ctx: &Ctx,
    ) -> Result<Handled, StoreError> {
        let who = self.pseudonym(channel, address);
        self.handle_as(who, channel, content, now, ctx)
    }

    /// Handles a message from a person already known by pseudonym.
    pub fn handle_as(
        &self,
        who: Pseudonym,
        channel: Channel,
        content: Content,
        now: i64,
        ctx: &Ctx,
    ) -> Result<Handled, StoreError> {
        let _guard = self.locks[who.0[0] as usize]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let loaded = self.store.load(&who, now)?;
        let previous_expiry = loaded.as_ref().map(|l| l.expires_at);
        let fresh = loaded.is_none();
        let mut session = loaded.map(|l| l.session).unwrap_or_default();
        session.opted_out = self.store.is_opted_out(&who)?;
        let input = Input {
            content,
            now,
            channel,
        };
        let outcome = self.engine.handle(session, &input, ctx);
        for effect in &outcome.effects {
            match effect {
                Effect::OptOut => {
                    self.store.delete(&who)?;
                    self.store.set_opted_out(&who, true, now)?;
                }
                Effect::OptIn => self.store.set_opted_out(&who, false, now)?,
                Effect::Forget => self.store.delete(&who)?,
                _ => {}
            }
        }
        let forgotten = outcome.effects.contains(&Effect::Forget);
        if !outcome.session.opted_out && !forgotten {
            self.store
                .save(&who, &outcome.session, now + self.ttl_secs, previous_expiry)?;
        }
        tracing::info!(
            who = %who,
            channel = channel.as_str(),
            intent = %outcome.intent,
            flow = outcome.session.flow.as_deref().unwrap_or("-"),
            step = outcome.session.step.as_deref().unwrap_or("-"),
            "message"
        );
        Ok(Handled {
            who,
            outcome,
            fresh,
        })
    }

    /// Updates a stored session in place (used by the handoff module), under the person's lock.
    pub fn update_session(
        &self,
        who: &Pseudonym,
        now: i64,
        f: impl FnOnce(&mut crate::engine::Session),
    ) -> Result<bool, StoreError> {
        let _guard = self.locks[who.0[0] as usize]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match self.store.load(who, now)? {
            Some(mut l) => {
                f(&mut l.session);
                // The person's own clock is not reset by what others do to the session.
                self.store
                    .save(who, &l.session, l.expires_at, Some(l.expires_at))?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// Unix seconds now. Only edges call this; the engine takes the time as input.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
