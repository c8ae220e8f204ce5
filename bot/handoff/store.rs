//! Tickets in sled: `tickets` (id → ticket), `ticket_of` (pseudonym → id of the open ticket),
//! `desk_messages` (a counselor-chat message id → the ticket it belongs to, so a counselor's
//! reply in Telegram finds its ticket) and `ticket_counter` (the last ticket number given).
//! Numbers count up from 1 and survive restarts, so counselors read #12, not sled's id batches
//! (which jump by a million at each restart). A new ticket is flushed to disk before anyone is told
//! it exists, so a crash or restart never loses one. State changes use compare-and-swap, so two
//! counselors claiming at once cannot both win.

use super::ticket::Ticket;
use crate::store::{GroupFlush, Pseudonym};

#[derive(Clone)]
pub struct TicketStore {
    durable: GroupFlush,
    tickets: sled::Tree,
    ticket_of: sled::Tree,
    desk_messages: sled::Tree,
    counter: sled::Tree,
}

/// The key of the last ticket number given, in `ticket_counter`.
const LAST_NUMBER: &[u8] = b"last";

#[derive(Debug, thiserror::Error)]
pub enum TicketStoreError {
    #[error("ticket database: {0}")]
    Sled(#[from] sled::Error),
    #[error("ticket {0} is unreadable")]
    Corrupt(u64),
    #[error("ticket database flush: {0}")]
    Flush(String),
}

/// The result of an atomic update.
pub enum Updated<T> {
    Done(Ticket, T),
    /// The closure declined (the ticket was not in a state it could change).
    Declined(Ticket, T),
    Missing,
}

impl TicketStore {
    pub fn open(db: &sled::Db, durable: GroupFlush) -> Result<TicketStore, TicketStoreError> {
        Ok(TicketStore {
            durable,
            tickets: db.open_tree("tickets")?,
            ticket_of: db.open_tree("ticket_of")?,
            desk_messages: db.open_tree("desk_messages")?,
            counter: db.open_tree("ticket_counter")?,
        })
    }

    /// The next ticket number: one more than the last given (or than the highest open ticket,
    /// for a database from before the counter existed). Made durable with the ticket itself:
    /// `create` flushes.
    pub fn next_id(&self) -> Result<u64, TicketStoreError> {
        let highest_open = match self.tickets.last()? {
            Some((k, _)) => k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0),
            None => 0,
        };
        let new = self.counter.update_and_fetch(LAST_NUMBER, |old| {
            let last = old
                .and_then(|b| b.try_into().ok())
                .map_or(0, u64::from_be_bytes);
            Some((last.max(highest_open) + 1).to_be_bytes().to_vec())
        })?;
        Ok(new
            .and_then(|b| b.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(1))
    }

    /// Stores a new ticket and makes it durable before returning.
    pub async fn create(&self, t: &Ticket) -> Result<(), TicketStoreError> {
        self.tickets.insert(
            t.id.to_be_bytes(),
            serde_json::to_vec(t).expect("ticket serializes"),
        )?;
        self.ticket_of.insert(t.who, &t.id.to_be_bytes())?;
        self.durable
            .flush()
            .await
            .map_err(|e| TicketStoreError::Flush(e.to_string()))?;
        Ok(())
    }

    pub fn get(&self, id: u64) -> Result<Option<Ticket>, TicketStoreError> {
        match self.tickets.get(id.to_be_bytes())? {
            None => Ok(None),
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|_| TicketStoreError::Corrupt(id)),
        }
    }

    pub fn open_ticket_of(&self, who: &Pseudonym) -> Result<Option<Ticket>, TicketStoreError> {
        match self.ticket_of.get(who.0)? {
            None => Ok(None),
            Some(id) => {
                let id = u64::from_be_bytes(
                    id.as_ref()
                        .try_into()
                        .map_err(|_| TicketStoreError::Corrupt(0))?,
                );
                self.get(id)
            }
        }
    }

    /// Applies `f` to the ticket atomically: `f` returns whether to store the change and a value.
    pub fn update<T>(
        &self,
        id: u64,
        mut f: impl FnMut(&mut Ticket) -> (bool, T),
    ) -> Result<Updated<T>, TicketStoreError> {
        loop {
            let Some(old) = self.tickets.get(id.to_be_bytes())? else {
                return Ok(Updated::Missing);
            };
            let mut t: Ticket =
                serde_json::from_slice(&old).map_err(|_| TicketStoreError::Corrupt(id))?;
            let (changed, value) = f(&mut t);
            if !changed {
                return Ok(Updated::Declined(t, value));
            }
            let new = serde_json::to_vec(&t).expect("ticket serializes");
            if self
                .tickets
                .compare_and_swap(id.to_be_bytes(), Some(old), Some(new))?
                .is_ok()
            {
                return Ok(Updated::Done(t, value));
            }
            // Someone else changed the ticket in between: look again.
        }
    }

    /// Deletes a ticket and everything pointing to it (transcript and sealed address go with it).
    pub fn delete(&self, t: &Ticket) -> Result<(), TicketStoreError> {
        self.tickets.remove(t.id.to_be_bytes())?;
        if let Some(id) = self.ticket_of.get(t.who)?
            && id.as_ref() == t.id.to_be_bytes()
        {
            self.ticket_of.remove(t.who)?;
        }
        for item in self.desk_messages.iter() {
            let (k, v) = item?;
            if v.as_ref() == t.id.to_be_bytes() {
                self.desk_messages.remove(k)?;
            }
        }
        self.tickets.flush()?;
        Ok(())
    }

    /// Rebuilds the index of open tickets by person from the tickets, and drops counselor-chat
    /// links to tickets that are gone (after a restore: a backup copies the trees one after
    /// another). Returns how many tickets it indexes.
    pub fn reindex(&self) -> Result<usize, TicketStoreError> {
        self.ticket_of.clear()?;
        let tickets = self.all()?;
        for t in &tickets {
            self.ticket_of.insert(t.who, &t.id.to_be_bytes())?;
        }
        for item in self.desk_messages.iter() {
            let (k, v) = item?;
            let id = u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8]));
            if !tickets.iter().any(|t| t.id == id) {
                self.desk_messages.remove(k)?;
            }
        }
        Ok(tickets.len())
    }

    pub fn all(&self) -> Result<Vec<Ticket>, TicketStoreError> {
        let mut out = Vec::new();
        for item in self.tickets.iter() {
            let (k, v) = item?;
            let id = u64::from_be_bytes(k.as_ref().try_into().unwrap_or([0; 8]));
            out.push(serde_json::from_slice(&v).map_err(|_| TicketStoreError::Corrupt(id))?);
        }
        Ok(out)
    }

    pub fn remember_desk_message(
        &self,
        message_id: i64,
        ticket: u64,
    ) -> Result<(), TicketStoreError> {
        self.desk_messages
            .insert(message_id.to_be_bytes(), &ticket.to_be_bytes())?;
        Ok(())
    }

    /// The oldest counselor-chat message of a ticket (its post), to reply under.
    pub fn first_desk_message(&self, ticket: u64) -> Result<Option<i64>, TicketStoreError> {
        for item in self.desk_messages.iter() {
            let (k, v) = item?;
            if v.as_ref() == ticket.to_be_bytes() {
                return Ok(k.as_ref().try_into().ok().map(i64::from_be_bytes));
            }
        }
        Ok(None)
    }

    pub fn ticket_of_desk_message(&self, message_id: i64) -> Result<Option<u64>, TicketStoreError> {
        Ok(self
            .desk_messages
            .get(message_id.to_be_bytes())?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::engine::Channel;
    use crate::handoff::ticket::{Priority, TicketState};

    fn ticket(id: u64, who: u8) -> Ticket {
        Ticket {
            id,
            who: [who; 16],
            channel: Channel::Sms,
            address: Vec::new(),
            lang: Lang::En,
            priority: Priority::Asked,
            reason: "asked".into(),
            state: TicketState::Queued,
            created_at: 0,
            last_notice_at: 0,
            timed_out: false,
            after_hours: false,
            emergency: false,
            answered: false,
            held: false,
            transcript: Vec::new(),
        }
    }

    #[tokio::test]
    async fn reindexing_points_every_person_at_their_ticket_and_drops_dangling_links() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let store = TicketStore::open(&db, GroupFlush::new(&db)).unwrap();
        store.create(&ticket(1, 1)).await.unwrap();
        store.create(&ticket(2, 2)).await.unwrap();
        store.remember_desk_message(10, 1).unwrap();
        store.remember_desk_message(11, 3).unwrap();
        // As a backup copied at another moment may hold them: a lost entry and a stale one.
        store.ticket_of.remove([1u8; 16]).unwrap();
        store
            .ticket_of
            .insert([9u8; 16], &7u64.to_be_bytes())
            .unwrap();
        assert_eq!(store.reindex().unwrap(), 2);
        let of = |w: u8| {
            store
                .open_ticket_of(&Pseudonym([w; 16]))
                .unwrap()
                .map(|t| t.id)
        };
        assert_eq!((of(1), of(2), of(9)), (Some(1), Some(2), None));
        assert_eq!(store.ticket_of_desk_message(10).unwrap(), Some(1));
        assert_eq!(store.ticket_of_desk_message(11).unwrap(), None);
    }
}
