//! Notices after a console action, named by a fixed code in the address (`?notice=sent`).
//!
//! The console shows only its own fixed texts: a link with any other words in it shows nothing,
//! so nobody can send a counselor a console address that makes the console say words of their
//! choosing (issue 12). What a notice names — a ticket number, the counselor who holds a
//! ticket — comes from haven's own data when the page is drawn, never from the address.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Claimed,
    AlreadyYours,
    Taken,
    TicketClosed,
    Empty,
    TooLong,
    Sent,
    NoteAdded,
    NoSuchCounselor,
    Transferred,
    Reassigned,
    BackInQueue,
    Released,
    Closed,
    WrongState,
    SameCounselor,
    BadOutcome,
    OnShift,
    Away,
    QuickNeedsPlace,
    NotDelivered,
    WindowClosed,
}

impl Notice {
    const ALL: [Notice; 22] = [
        Notice::Claimed,
        Notice::AlreadyYours,
        Notice::Taken,
        Notice::TicketClosed,
        Notice::Empty,
        Notice::TooLong,
        Notice::Sent,
        Notice::NoteAdded,
        Notice::NoSuchCounselor,
        Notice::Transferred,
        Notice::Reassigned,
        Notice::BackInQueue,
        Notice::Released,
        Notice::Closed,
        Notice::WrongState,
        Notice::SameCounselor,
        Notice::BadOutcome,
        Notice::OnShift,
        Notice::Away,
        Notice::QuickNeedsPlace,
        Notice::NotDelivered,
        Notice::WindowClosed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Notice::Claimed => "claimed",
            Notice::AlreadyYours => "already-yours",
            Notice::Taken => "taken",
            Notice::TicketClosed => "ticket-closed",
            Notice::Empty => "empty",
            Notice::TooLong => "too-long",
            Notice::Sent => "sent",
            Notice::NoteAdded => "note-added",
            Notice::NoSuchCounselor => "no-such-counselor",
            Notice::Transferred => "transferred",
            Notice::Reassigned => "reassigned",
            Notice::BackInQueue => "back-in-queue",
            Notice::Released => "released",
            Notice::Closed => "closed",
            Notice::WrongState => "wrong-state",
            Notice::SameCounselor => "same-counselor",
            Notice::BadOutcome => "bad-outcome",
            Notice::OnShift => "on-shift",
            Notice::Away => "away",
            Notice::QuickNeedsPlace => "quick-needs-place",
            Notice::NotDelivered => "not-delivered",
            Notice::WindowClosed => "window-closed",
        }
    }

    pub fn parse(code: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The text, filled in only from haven's own data: the ticket a page is about, and the
    /// counselor who holds it now.
    pub fn text(self, ticket: Option<u64>, holder: Option<&str>) -> String {
        let number = ticket.map(|t| format!(" #{t}")).unwrap_or_default();
        match self {
            Notice::Claimed => "You have this ticket now.".into(),
            Notice::AlreadyYours => "You already have this ticket.".into(),
            Notice::Taken => match holder {
                Some(h) => format!("{h} claimed it first (ticket{number})."),
                None => format!("Another counselor claimed it first (ticket{number})."),
            },
            Notice::TicketClosed => "That ticket is closed.".into(),
            Notice::Empty => "Write something first.".into(),
            Notice::TooLong => "That is too long (1,500 characters at most).".into(),
            Notice::Sent => "Sent.".into(),
            Notice::NoteAdded => {
                "Note added. Only counselors see it; it is deleted with the ticket.".into()
            }
            Notice::NoSuchCounselor => "There is no counselor by that name.".into(),
            Notice::Transferred => match holder {
                Some(h) => format!("Ticket{number} is with {h} now."),
                None => format!("Ticket{number} was transferred."),
            },
            Notice::Reassigned => match holder {
                Some(h) => format!("Reassigned to {h}."),
                None => "Reassigned.".into(),
            },
            Notice::BackInQueue => "Back in the queue.".into(),
            Notice::Released => "Released to the queue.".into(),
            Notice::Closed => {
                format!("Ticket{number} closed. Its messages and notes are deleted.")
            }
            Notice::WrongState => "That ticket has moved on; this action no longer applies.".into(),
            Notice::SameCounselor => "It is already with that counselor.".into(),
            Notice::BadOutcome => "Pick one of the outcomes in the list.".into(),
            Notice::OnShift => "You're on shift. Urgent tickets will alert you here.".into(),
            Notice::Away => "You're away. You won't get urgent alerts.".into(),
            Notice::QuickNeedsPlace => {
                "That quick reply needs a ZIP code or a place the directory knows.".into()
            }
            Notice::NotDelivered => "Not delivered: the person's channel refused the message \
                (the server log says why). It stays in the transcript."
                .into(),
            Notice::WindowClosed => "Not delivered: WhatsApp lets haven write only within 24 \
                hours of the person's last message, and that window has closed. They will get \
                replies again once they write; until then, reach them only with an approved \
                WhatsApp template (deploy/OPERATOR.md, section 9)."
                .into(),
        }
    }
}

/// The query a page's notice comes in. `ticket` is a number or ignored.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub notice: Option<String>,
    #[serde(default)]
    pub ticket: Option<String>,
}

impl NoticeQuery {
    pub fn notice(&self) -> Option<Notice> {
        self.notice.as_deref().and_then(Notice::parse)
    }

    pub fn ticket(&self) -> Option<u64> {
        self.ticket.as_deref().and_then(|t| t.parse().ok())
    }
}

/// The address of a console page with a notice, and the ticket it is about.
pub fn href(path: &str, notice: Notice, ticket: Option<u64>) -> String {
    let path = path.split('?').next().unwrap_or("/console");
    match ticket {
        Some(t) => format!("{path}?notice={}&ticket={t}", notice.code()),
        None => format!("{path}?notice={}", notice.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_nothing_else_does() {
        for n in Notice::ALL {
            assert_eq!(Notice::parse(n.code()), Some(n));
        }
        assert_eq!(
            Notice::parse("Call this number to verify your account"),
            None
        );
        assert_eq!(
            href("/console?x=1", Notice::Sent, Some(3)),
            "/console?notice=sent&ticket=3"
        );
    }
}
