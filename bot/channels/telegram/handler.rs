//! The one path every Telegram update takes, from long polling and from the webhook alike:
//! answered once per `update_id`, in order within each chat, through the engine, and back out
//! with `sendMessage`.
//!
//! [`dispatch`] claims the update (so a repeated delivery is dropped), decides what it means,
//! and hands it to a task, so one person's slow sends never hold up anyone else. Tasks for the
//! same chat run one after another in arrival order (a [`Lanes`] turn), so replies to two quick
//! messages never interleave. The caller gets a [`Pending`] that resolves once the engine has
//! handled the message: the webhook waits for it, so a failure there becomes a 500 and
//! Telegram's retry is handled; sends carry on in the task either way.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use teloxide::types::Update;
use tokio::sync::{Notify, oneshot};

use super::render::{Keyboards, Markup, render};
use super::update::{Event, Input, classify};
use super::{TelegramChannel, TelegramError, TelegramState};
use crate::engine::{Channel, Content};
use crate::messaging::{AppError, Delivered, deliver, deliver_keyed};
use crate::runtime::now;
use crate::store::Pseudonym;

/// The text key of the "share location" button's label.
pub const SHARE_LOCATION_TEXT: &str = "telegram-share-location";

/// The text key of the "Back to the bot" button's label (shown while in the counselor queue).
pub const LEAVE_TEXT: &str = "telegram-leave";

/// What became of an update.
pub enum Dispatched {
    /// Its `update_id` was handled before.
    Duplicate,
    /// Nothing to do (a group message, an unblock...).
    Ignored,
    /// Being handled.
    Accepted(Pending),
}

/// Resolves when the engine has handled an accepted update (or failed to).
pub struct Pending(oneshot::Receiver<Result<(), AppError>>);

impl Pending {
    pub async fn handled(self) -> Result<(), AppError> {
        self.0
            .await
            .unwrap_or_else(|_| Err(AppError::internal("a Telegram update task ended early")))
    }
}

/// Takes one update from Telegram. Fails only if the delivery id cannot be recorded.
pub fn dispatch(state: &TelegramState, update: Update) -> Result<Dispatched, AppError> {
    let tg = &state.tg;
    let delivery = format!("tg:{}", update.id.0);
    if !state.hub.dedup.claim(&delivery, now())? {
        state
            .hub
            .metrics
            .inc("haven_duplicates_total", &[("channel", "telegram")]);
        return Ok(Dispatched::Duplicate);
    }
    let claim = Claim {
        state: state.clone(),
        delivery: Some(delivery),
    };
    // The counselor chat is not a conversation: its messages are commands and replies to tickets.
    if let teloxide::types::UpdateKind::Message(m) = &update.kind
        && let Some(group) = state.group.as_ref().filter(|g| g.chat_id() == m.chat.id.0)
    {
        claim.keep();
        let (done, pending) = oneshot::channel();
        let (group, m) = (group.clone(), super::group::read(m));
        let working = tg.in_flight.start();
        tokio::spawn(async move {
            let _working = working;
            if let Some(m) = m {
                group.handle(m).await;
            }
            let _ = done.send(Ok(()));
        });
        return Ok(Dispatched::Accepted(Pending(pending)));
    }
    let event = classify(&update);
    drop(update);
    if let Event::Ignored(reason) = event {
        claim.keep();
        state.hub.metrics.inc(
            "haven_telegram_ignored_total",
            &[("channel", "telegram"), ("reason", reason)],
        );
        tracing::debug!(reason, "telegram update ignored");
        return Ok(Dispatched::Ignored);
    }
    let turn = event
        .chat_id()
        .map(|chat| tg.lanes.enter(pseudonym(state, chat)));
    let working = tg.in_flight.start();
    let (done, pending) = oneshot::channel();
    let state = state.clone();
    tokio::spawn(async move {
        let _working = working;
        handle(&state, event, turn, claim, done).await;
    });
    Ok(Dispatched::Accepted(Pending(pending)))
}

fn pseudonym(state: &TelegramState, chat_id: i64) -> Pseudonym {
    state
        .hub
        .haven
        .pseudonym(Channel::Telegram, &chat_id.to_string())
}

async fn handle(
    state: &TelegramState,
    event: Event,
    turn: Option<Turn>,
    claim: Claim,
    done: oneshot::Sender<Result<(), AppError>>,
) {
    let tg = &state.tg;
    // The button stops spinning at once, whatever happens next.
    if let Event::Button { query_id, .. } | Event::StaleButton { query_id } = &event
        && let Err(e) = tg.client.answer_callback(query_id).await
    {
        tracing::warn!(reason = e.reason(), error = %e, "answerCallbackQuery failed");
    }
    if let Some(mut turn) = turn {
        turn.wait().await;
        // Held until the replies are out, so the next message in this chat waits for them.
        run(state, tg, event, claim, done).await;
        drop(turn);
    } else {
        run(state, tg, event, claim, done).await;
    }
}

async fn run(
    state: &TelegramState,
    tg: &TelegramChannel,
    event: Event,
    claim: Claim,
    done: oneshot::Sender<Result<(), AppError>>,
) {
    let kind = event.kind();
    let (chat_id, input) = match event {
        Event::Message { chat_id, input } => (chat_id, input),
        Event::Button { chat_id, data, .. } => (chat_id, Input::Text(data)),
        Event::Blocked { chat_id } => {
            let who = pseudonym(state, chat_id);
            let result = forget(state, tg, &who);
            match &result {
                Ok(()) => {
                    claim.keep();
                    tracing::info!(who = %who, "blocked the bot on Telegram: session ended");
                }
                Err(e) => tracing::error!(who = %who, error = %e, "could not end a session"),
            }
            let _ = done.send(result);
            return;
        }
        Event::StaleButton { .. } | Event::Ignored(_) => {
            claim.keep();
            let _ = done.send(Ok(()));
            return;
        }
    };
    let address = chat_id.to_string();
    let content = match &input {
        Input::Text(text) => Content::Text(text),
        Input::Location { lat, lon } => Content::Location {
            lat: *lat,
            lon: *lon,
        },
        // A sticker or a voice note: the engine answers an empty text with its short menu.
        Input::Other => Content::Text(""),
    };
    let delivered = match claim.delivery.as_deref() {
        Some(id) => deliver_keyed(&state.hub, Channel::Telegram, &address, content, id).await,
        None => deliver(&state.hub, Channel::Telegram, &address, content).await,
    };
    let delivered = match delivered {
        Ok(d) => d,
        Err(e) => {
            // The claim is released when it drops, so a retry of this update is handled.
            tracing::error!(kind, error = %e, "a Telegram message could not be handled");
            let _ = done.send(Err(e));
            return;
        }
    };
    // The update's claim reaches the disk before any reply goes out, so a redelivery after a
    // crash is not answered twice (see messaging::dedup).
    let delivery = claim.keep();
    if let Err(e) = state.hub.dedup.make_durable().await {
        tracing::error!(kind, error = %e, "a Telegram update's id could not be recorded");
        if let Some(d) = delivery {
            state.hub.dedup.release(&d).ok();
        }
        let _ = done.send(Err(AppError::internal(e)));
        return;
    }
    let _ = done.send(Ok(()));
    reply(state, tg, chat_id, delivered).await;
}

/// Sends the engine's replies, with the keyboards Telegram adds.
async fn reply(state: &TelegramState, tg: &TelegramChannel, chat_id: i64, d: Delivered) {
    let who = d.who;
    let had_keyboard = tg.keyboards.take(&who);
    let share_location = d.awaits_location.then(|| {
        state
            .hub
            .haven
            .engine
            .texts
            .render(d.lang, SHARE_LOCATION_TEXT, &[])
    });
    let leave = d
        .in_handoff
        .then(|| state.hub.haven.engine.texts.render(d.lang, LEAVE_TEXT, &[]));
    let keyboards = Keyboards {
        remove: had_keyboard && share_location.is_none(),
        share_location,
        leave,
    };
    let messages = render(&d.replies, &keyboards);
    let shown = messages
        .iter()
        .any(|m| matches!(m.markup, Markup::ShareLocation(_)));
    let removed = messages.iter().any(|m| m.markup == Markup::RemoveKeyboard);
    let report = tg.send_outgoing(chat_id, &messages).await;
    for _ in 0..report.sent {
        state
            .hub
            .metrics
            .inc("haven_messages_out_total", &[("channel", "telegram")]);
    }
    if let Some(e) = report.error {
        state.hub.metrics.inc(
            "haven_sends_failed_total",
            &[("channel", "telegram"), ("reason", e.reason())],
        );
        tracing::warn!(who = %who, reason = e.reason(), error = %e, "Telegram send failed");
        if e == TelegramError::Blocked {
            match forget(state, tg, &who) {
                Ok(()) => tracing::info!(who = %who, "blocked the bot on Telegram: session ended"),
                Err(e) => tracing::error!(who = %who, error = %e, "could not end a session"),
            }
        }
        return;
    }
    if shown || (had_keyboard && !removed) {
        tg.keyboards.insert(who);
    }
}

/// Ends the session of someone who blocked the bot: nothing can reach them any more, and
/// PRODUCT.md wants as little kept as possible.
fn forget(state: &TelegramState, tg: &TelegramChannel, who: &Pseudonym) -> Result<(), AppError> {
    tg.keyboards.take(who);
    state.hub.haven.store.delete(who)?;
    Ok(())
}

/// A claimed delivery id, released when dropped unless kept: if handling fails (or the task
/// is cancelled), a retry of the same update is handled rather than dropped as a duplicate.
struct Claim {
    state: TelegramState,
    delivery: Option<String>,
}

impl Claim {
    /// The update was handled: its claim stays, and goes to disk with the next batch. Returns
    /// the delivery id.
    fn keep(mut self) -> Option<String> {
        let delivery = self.delivery.take();
        if let Some(d) = &delivery {
            self.state.hub.dedup.done(d);
        }
        delivery
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(delivery) = self.delivery.take() {
            self.state.hub.dedup.release(&delivery).ok();
        }
    }
}

/// Per-chat ordering: each update of a chat waits until the one before it is done.
///
/// Keyed by pseudonym (never the chat id). A chat's entry is removed by the last turn in it,
/// so the map only holds chats with work in progress.
#[derive(Default)]
pub struct Lanes {
    tails: Mutex<HashMap<Pseudonym, (u64, oneshot::Receiver<()>)>>,
    next: AtomicU64,
}

/// One update's place in its chat's lane.
pub struct Turn {
    lanes: Arc<Lanes>,
    who: Pseudonym,
    id: u64,
    before: Option<oneshot::Receiver<()>>,
    /// Dropped with the turn, which lets the next one go.
    _done: oneshot::Sender<()>,
}

impl Lanes {
    /// Queues behind the chat's previous update. Call in arrival order.
    pub fn enter(self: &Arc<Self>, who: Pseudonym) -> Turn {
        let (done, next_waits_on) = oneshot::channel();
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let before = lock(&self.tails)
            .insert(who, (id, next_waits_on))
            .map(|(_, rx)| rx);
        Turn {
            lanes: Arc::clone(self),
            who,
            id,
            before,
            _done: done,
        }
    }

    /// Chats with work queued or running.
    pub fn busy(&self) -> usize {
        lock(&self.tails).len()
    }
}

impl Turn {
    /// Waits until the chat's previous update is done.
    pub async fn wait(&mut self) {
        if let Some(before) = self.before.take() {
            // An error only means the previous turn is gone, which is what we wait for.
            let _ = before.await;
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut tails = lock(&self.lanes.tails);
        if tails.get(&self.who).is_some_and(|(id, _)| *id == self.id) {
            tails.remove(&self.who);
        }
    }
}

/// Counts updates being handled, so shutdown can wait for their replies to go out.
#[derive(Default)]
pub struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

/// Marks one update as in flight until dropped.
pub struct Working(Arc<InFlight>);

impl InFlight {
    pub fn start(self: &Arc<Self>) -> Working {
        self.count.fetch_add(1, Ordering::SeqCst);
        Working(Arc::clone(self))
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Resolves when nothing is in flight.
    pub async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.count() == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// The people who currently see the "share location" keyboard, so the next reply can take it
/// away. In memory only (pseudonyms, no addresses): after a restart a leftover keyboard stays
/// until used, which is harmless.
#[derive(Default)]
pub struct ShownKeyboards(Mutex<HashSet<Pseudonym>>);

/// Beyond this many entries the set is emptied rather than grown: forgetting only leaves a
/// keyboard on someone's screen.
const MAX_SHOWN_KEYBOARDS: usize = 100_000;

impl ShownKeyboards {
    pub fn insert(&self, who: Pseudonym) {
        let mut set = lock(&self.0);
        if set.len() >= MAX_SHOWN_KEYBOARDS {
            set.clear();
        }
        set.insert(who);
    }

    /// Removes `who`; whether they had the keyboard.
    pub fn take(&self, who: &Pseudonym) -> bool {
        lock(&self.0).remove(who)
    }
}

/// A poisoned lock only means another task panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_chats_turns_run_in_arrival_order() {
        let lanes = Arc::new(Lanes::default());
        let who = Pseudonym([7; 16]);
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..5u64 {
            let mut turn = lanes.enter(who);
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                turn.wait().await;
                // Later turns sleep less, so without the lane they would finish first.
                tokio::time::sleep(Duration::from_millis(50 - i * 10)).await;
                lock(&order).push(i);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*lock(&order), vec![0, 1, 2, 3, 4]);
        assert_eq!(lanes.busy(), 0, "finished chats leave no entry");
    }

    #[tokio::test]
    async fn other_chats_do_not_wait() {
        let lanes = Arc::new(Lanes::default());
        let _busy = lanes.enter(Pseudonym([1; 16]));
        let mut other = lanes.enter(Pseudonym([2; 16]));
        tokio::time::timeout(Duration::from_secs(1), other.wait())
            .await
            .expect("another chat's turn is not blocked");
    }

    #[tokio::test]
    async fn in_flight_becomes_idle() {
        let f = Arc::new(InFlight::default());
        f.idle().await;
        let w = f.start();
        let f2 = f.clone();
        let waiter = tokio::spawn(async move { f2.idle().await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        drop(w);
        tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .unwrap()
            .unwrap();
    }
}
