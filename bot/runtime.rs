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

    /// What a delivery id (an SMS `MessageSid`, a Telegram `update_id`) is kept as in a
    /// session ([`crate::engine::Redo`]): keyed with the server secret like a pseudonym, so
    /// that the store and a provider's message logs together still do not name the person.
    pub fn delivery_key(&self, channel: Channel, id: &str) -> [u8; 16] {
        self.keys.pseudonym(channel, &format!("delivery:{id}")).0
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

    /// Like [`Haven::handle_as`] for a message without a delivery id of its own to retry by.
    pub fn handle_as(
        &self,
        who: Pseudonym,
        channel: Channel,
        content: Content,
        now: i64,
        ctx: &Ctx,
    ) -> Result<Handled, StoreError> {
        self.handle_delivery(who, channel, content, None, now, ctx)
    }

    /// Handles a message from a person already known by pseudonym. `delivery` identifies the
    /// delivery when the channel has an id its retries repeat ([`Haven::delivery_key`]); a
    /// retry of the delivery that last wrote the session is handled again from where that
    /// delivery began ([`crate::engine::Redo`]).
    pub fn handle_delivery(
        &self,
        who: Pseudonym,
        channel: Channel,
        content: Content,
        delivery: Option<[u8; 16]>,
        now: i64,
        ctx: &Ctx,
    ) -> Result<Handled, StoreError> {
        let _guard = self.locks[who.0[0] as usize]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let loaded = self.store.load(&who, now)?;
        let previous_expiry = loaded.as_ref().map(|l| l.expires_at);
        let mut fresh = loaded.is_none();
        let mut session = loaded.map(|l| l.session).unwrap_or_default();
        if let Some(redo) = session.redo.take()
            && delivery == Some(redo.delivery)
        {
            // The same delivery again: its handling wrote this session, and a crash cut it off
            // before its answer was acknowledged. Answer it again from where it began.
            fresh = redo.before.is_none();
            session = redo.before.map(|b| *b).unwrap_or_default();
        }
        let before = (delivery.is_some() && !fresh).then(|| Box::new(session.clone()));
        session.opted_out = self.store.is_opted_out(&who)?;
        let input = Input {
            content,
            now,
            channel,
        };
        let mut outcome = self.engine.handle(session, &input, ctx);
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
        outcome.session.redo = delivery.map(|delivery| crate::engine::Redo { delivery, before });
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
                // Changed since its last delivery: a retry of that delivery no longer starts
                // again from before it (that would undo this change).
                l.session.redo = None;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Availability;
    use crate::store::MemoryStore;

    fn haven() -> Haven {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let engine = Engine::load(&root.join("flows"), &root.join("locales")).expect("flows");
        let keys = Keys::from_secret(&[7u8; 32]).unwrap();
        Haven::new(
            Arc::new(engine),
            Arc::new(MemoryStore::new()),
            keys,
            DEFAULT_SESSION_TTL_SECS,
        )
    }

    /// An SMS overdose message with delivery id `key`, handled at `now`.
    fn sms(h: &Haven, who: Pseudonym, key: [u8; 16], now: i64) -> Handled {
        let text = Content::Text("my friend won't wake up");
        h.handle_delivery(who, Channel::Sms, text, Some(key), now, &CTX)
            .unwrap()
    }

    fn said(h: &Handled) -> Vec<String> {
        h.outcome.replies.iter().map(|r| r.plain()).collect()
    }

    const CTX: Ctx = Ctx {
        counselors: Availability::Available,
        referrals: None,
    };

    // tests/crash.rs: a crash after an overdose message's new session reached the disk but
    // before its queued steps did; the retry of that delivery, handled from the new session,
    // answered as a follow-up and the steps were never sent.
    #[test]
    fn a_retried_delivery_is_answered_in_full_again_and_a_new_one_goes_on() {
        let h = haven();
        let who = h.pseudonym(Channel::Sms, "+15555550123");
        let sm1 = h.delivery_key(Channel::Sms, "SM1");
        let first = sms(&h, who, sm1, 1000);
        assert!(first.fresh);
        assert!(said(&first).len() > 1, "{:?}", said(&first));
        let again = sms(&h, who, sm1, 1010);
        assert_eq!(
            said(&again),
            said(&first),
            "the same delivery, answered in full again"
        );
        assert!(again.fresh, "from where it began: no session then");
        // A new delivery with the same words continues from the stored session instead.
        let sm2 = h.delivery_key(Channel::Sms, "SM2");
        let next = sms(&h, who, sm2, 1020);
        assert!(!next.fresh);
        assert_ne!(
            said(&next),
            said(&first),
            "a second message is not the first again"
        );
        // Its retry starts again from the session the first delivery left.
        let next_again = sms(&h, who, sm2, 1030);
        assert_eq!(said(&next_again), said(&next));
        assert!(!next_again.fresh);
    }

    #[test]
    fn a_change_to_the_session_since_ends_the_redo() {
        let h = haven();
        let who = h.pseudonym(Channel::Sms, "+15555550124");
        let sm1 = h.delivery_key(Channel::Sms, "SM1");
        let first = sms(&h, who, sm1, 1000);
        assert!(h.update_session(&who, 1005, |s| s.misses = 0).unwrap());
        let stored = h.store.load(&who, 1006).unwrap().unwrap();
        assert_eq!(stored.session.redo, None);
        let again = sms(&h, who, sm1, 1010);
        assert!(!again.fresh);
        assert_ne!(said(&again), said(&first));
        // Messages without a delivery id keep no redo.
        h.handle_as(who, Channel::Web, Content::Text("hi"), 1020, &CTX)
            .unwrap();
        assert_eq!(
            h.store.load(&who, 1021).unwrap().unwrap().session.redo,
            None
        );
    }
}
