//! The console's HTML, server-rendered with maud (which escapes every value), its style sheet
//! and its one small script.

use maud::{DOCTYPE, Markup, html};

use crate::counselors::quick::Quick;
use crate::counselors::wait_label;
use crate::handoff::presence::OnShift;
use crate::handoff::{Line, Priority, Speaker, TicketView};

/// Colours are chosen for contrast of at least 4.5:1 (WCAG AA) for every text on its
/// background, the header's buttons included.
pub const CSS: &str = r#"
:root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#f6f6f4}
*{box-sizing:border-box}
body{margin:0}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:center;background:#21433d;color:#fff;padding:.6rem 1rem}
header a{color:#fff}
header nav a{margin-right:.8rem}
header button{background:#fff;color:#21433d;border:1px solid #fff;border-radius:.3rem;font-weight:600}
header .shift-on{background:#d7f2e3;color:#0d3b24;border-color:#d7f2e3}
header form{display:inline}
main{max-width:64rem;margin:1rem auto;padding:0 1rem}
#tabs{max-width:64rem;margin:.6rem auto 0;padding:0 1rem;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
#tabs a{display:inline-block;padding:.3rem .7rem;border:1px solid #21433d;border-radius:1rem;color:#21433d;background:#fff;text-decoration:none}
#tabs a.current{background:#21433d;color:#fff}
#tabs .unread{display:inline-block;margin-left:.35rem;padding:0 .4rem;border-radius:.6rem;background:#b3261e;color:#fff;font-weight:700}
#alert{background:#b3261e;color:#fff;padding:.6rem 1rem;font-weight:700}
#alert a{color:#fff}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #ddd;vertical-align:top}
.urgent{background:#fde2e1}
.badge{display:inline-block;padding:.1rem .45rem;border-radius:.3rem;font-weight:600;font-size:.85rem}
.b-urgent{background:#b3261e;color:#fff}.b-crisis{background:#e8a33d;color:#1b1b1b}.b-asked{background:#dfe7e5;color:#1b1b1b}
.mine{font-weight:600}
.lines{background:#fff;padding:.5rem 1rem;border:1px solid #ddd;max-height:28rem;overflow:auto}
.line{margin:.4rem 0;white-space:pre-wrap}.person{color:#1b1b1b}.counselor{color:#21433d}.bot{color:#595959;font-style:italic}
.note{background:#fff4ce;border-left:4px solid #8a6d00;padding:.3rem .5rem}
form.inline{display:inline}
button{font:inherit;padding:.35rem .8rem;cursor:pointer;min-height:2.4rem}
textarea{width:100%;min-height:4rem;font:inherit}
.notice{padding:.6rem 1rem;background:#fff4ce;border:1px solid #e8c36a;margin-bottom:1rem}.error{background:#fde2e1;border-color:#b3261e}
label{display:block;margin:.5rem 0 .2rem}
label.inline{display:inline;margin:0}
input[type=text],input[type=password],input[type=date]{font:inherit;padding:.4rem;width:18rem;max-width:100%}
.quick{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
.quick input[type=text]{width:8rem}
.actions form{margin:.4rem 0}
section{margin:1.2rem 0}
.chart{background:#fff;border:1px solid #ddd;padding:.5rem;overflow-x:auto}
.chart svg{display:block;max-width:100%;height:auto}
.small{color:#595959;font-size:.9rem}
.sr-table{font-size:.9rem}
.scroll{overflow-x:auto}
@media (max-width:40rem){
  #queue table,#queue thead,#queue tbody,#queue tr,#queue td{display:block;width:100%}
  #queue thead{position:absolute;left:-9999px}
  #queue tr{border:1px solid #ddd;margin-bottom:.6rem;background:#fff}
  #queue tr.urgent{background:#fde2e1}
  #queue td{border:none;padding:.25rem .6rem}
  #queue td[data-label]::before{content:attr(data-label) ": ";font-weight:600}
  #queue td.act button{width:100%}
  main{padding:0 .6rem}
}
"#;

pub const JS: &str = r#"
// Live updates, urgent alerts and quick replies. The server sends an event on every ticket
// change; the page re-fetches the parts marked data-live. Nothing else needs JavaScript.
(function () {
  var body = document.body;
  var base = body.getAttribute('data-title') || document.title;
  var synced = 0;

  function setUrgent(ids) {
    document.title = ids && ids.length ? '\u{1F6A8} URGENT #' + ids.join(', #') + ' waiting \u00B7 ' + base : base;
  }

  function refresh(kind, ticket) {
    var jobs = [];
    document.querySelectorAll('[data-live]').forEach(function (el) {
      var only = el.getAttribute('data-ticket');
      if (only && ticket && kind !== 'all' && only !== String(ticket)) return;
      jobs.push(fetch(el.getAttribute('data-live'), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (h) {
          if (h === null) return;
          // Replaced only when it changed (compared as the browser would write both), so a
          // choice being made in it, or a button about to be pressed, is not swapped away.
          var t = document.createElement('template');
          t.innerHTML = h;
          if (t.innerHTML !== el.innerHTML) el.innerHTML = h;
        })
        .catch(function () {}));
    });
    return Promise.all(jobs).then(function () {
      synced += 1;
      body.setAttribute('data-synced', String(synced));
    });
  }

  function beep() {
    var C = window.AudioContext || window.webkitAudioContext;
    if (!C) return;
    try {
      var ctx = new C();
      if (ctx.state === 'suspended' && ctx.resume) ctx.resume();
      [0, 0.3].forEach(function (t) {
        var o = ctx.createOscillator();
        var g = ctx.createGain();
        o.frequency.value = 880;
        g.gain.value = 0.25;
        o.connect(g);
        g.connect(ctx.destination);
        o.start(ctx.currentTime + t);
        o.stop(ctx.currentTime + t + 0.2);
      });
    } catch (e) {}
  }

  function alertFor(d) {
    var box = document.getElementById('alert');
    if (box) {
      box.hidden = false;
      box.textContent = '';
      var a = document.createElement('a');
      a.href = '/console/ticket/' + d.ticket;
      a.textContent = '\u{1F6A8} ' + d.title + ' \u2014 ' + d.body;
      box.appendChild(a);
    }
    beep();
    if (window.Notification && Notification.permission === 'granted') {
      try {
        var n = new Notification(d.title, { body: d.body, tag: 'haven-' + d.ticket });
        n.onclick = function () { window.focus(); location.href = '/console/ticket/' + d.ticket; };
      } catch (e) {}
    }
    var alerts = Number(body.getAttribute('data-alerts') || '0') + 1;
    body.setAttribute('data-alerts', String(alerts));
  }

  var ask = document.getElementById('notify');
  if (ask && window.Notification && Notification.permission === 'default') {
    ask.hidden = false;
    ask.addEventListener('click', function () {
      Notification.requestPermission().then(function () { ask.hidden = true; });
    });
  }

  // Quick replies: the text comes from the server in the person's language and goes into the
  // reply box, where the counselor can change it before sending.
  document.querySelectorAll('button[data-quick]').forEach(function (b) {
    b.addEventListener('click', function (ev) {
      ev.preventDefault();
      var form = b.form;
      var reply = document.getElementById('reply');
      var err = document.getElementById('quick-error');
      var place = form.querySelector('input[name=place]');
      var q = 'quick=' + encodeURIComponent(b.value) +
        (place ? '&place=' + encodeURIComponent(place.value) : '');
      fetch(form.getAttribute('data-fetch') + '?' + q, { credentials: 'same-origin' })
        .then(function (r) { return r.text().then(function (t) { return [r.ok, t]; }); })
        .then(function (res) {
          if (res[0] && reply) {
            reply.value = reply.value ? reply.value.replace(/\s+$/, '') + '\n\n' + res[1] : res[1];
            reply.focus();
            if (err) err.textContent = '';
          } else if (err) {
            err.textContent = res[1];
          }
        });
    });
  });

  setUrgent(JSON.parse(body.getAttribute('data-urgent') || '[]'));
  if (!window.EventSource) return;
  var es = new EventSource('/console/events');
  es.addEventListener('change', function (m) {
    var d = JSON.parse(m.data);
    setUrgent(d.urgent);
    refresh(d.kind, d.ticket);
  });
  es.addEventListener('alert', function (m) { alertFor(JSON.parse(m.data)); });
  es.onopen = function () { body.setAttribute('data-live-ready', '1'); };
})();
"#;

/// What every signed-in page shows around its content.
pub struct Frame<'a> {
    pub me: &'a str,
    pub csrf: &'a str,
    pub supervisor: bool,
    pub on_shift: bool,
    /// Unclaimed urgent and crisis tickets (empty unless on shift): they go in the title.
    pub urgent: Vec<u64>,
    /// The counselor's open conversations.
    pub tabs: Markup,
    /// The ticket this page shows, if any.
    pub current: Option<u64>,
}

/// One open conversation of the counselor, as a tab.
pub struct Tab {
    pub id: u64,
    pub priority: Priority,
    pub unread: usize,
    pub current: bool,
}

fn title_with_alert(title: &str, urgent: &[u64]) -> String {
    let base = format!("{title} · haven console");
    if urgent.is_empty() {
        base
    } else {
        let ids: Vec<String> = urgent.iter().map(|i| i.to_string()).collect();
        format!("🚨 URGENT #{} waiting · {base}", ids.join(", #"))
    }
}

fn layout(title: &str, frame: Option<&Frame>, body: Markup) -> Markup {
    let base = format!("{title} · haven console");
    let full = match frame {
        Some(f) => title_with_alert(title, &f.urgent),
        None => base.clone(),
    };
    let urgent = frame.map_or_else(
        || "[]".to_owned(),
        |f| serde_json::to_string(&f.urgent).unwrap_or_else(|_| "[]".into()),
    );
    let back = match frame.and_then(|f| f.current) {
        Some(id) => format!("/console/ticket/{id}"),
        None => "/console".to_owned(),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full) }
                link rel="stylesheet" href="/console/console.css";
            }
            body data-title=(base) data-urgent=(urgent) {
                header {
                    strong { "haven · counselor console" }
                    @if let Some(f) = frame {
                        nav {
                            a href="/console" { "Queue" }
                            @if f.supervisor {
                                a href="/console/reports" { "Reports" }
                                a href="/console/audit" { "Audit log" }
                            }
                        }
                        span #presence {
                            form method="post" action="/console/shift" {
                                input type="hidden" name="csrf" value=(f.csrf);
                                input type="hidden" name="back" value=(back);
                                @if f.on_shift {
                                    input type="hidden" name="on" value="0";
                                    "You're " b { "on shift" } " "
                                    button.shift-on type="submit" { "Go away" }
                                } @else {
                                    input type="hidden" name="on" value="1";
                                    "You're " b { "away" } " "
                                    button type="submit" { "Go on shift" }
                                }
                            }
                        }
                        span {
                            "Signed in as " b { (f.me) } @if f.supervisor { " (supervisor)" } " "
                            form.inline method="post" action="/console/logout" {
                                input type="hidden" name="csrf" value=(f.csrf);
                                button #signout type="submit" { "Sign out" }
                            }
                            " "
                            button #notify type="button" hidden { "Turn on desktop alerts" }
                        }
                    }
                }
                @if let Some(f) = frame {
                    div #alert role="alert" hidden {}
                    nav #tabs aria-label="Your conversations"
                        data-live={ "/console/tabs" @if let Some(c) = f.current { "?current=" (c) } } {
                        (f.tabs)
                    }
                }
                main { (body) }
                @if frame.is_some() { script src="/console/console.js" {} }
            }
        }
    }
}

pub fn login(csrf: &str, message: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(m) = message { p.notice.error role="alert" { (m) } }
            form method="post" action="/console/login" {
                input type="hidden" name="csrf" value=(csrf);
                label for="name" { "Name" }
                input #name type="text" name="name" autocomplete="username" required;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                p { button type="submit" { "Sign in" } }
            }
        },
    )
}

fn badge(p: Priority) -> Markup {
    let (class, label) = match p {
        Priority::Urgent => ("badge b-urgent", "URGENT · overdose"),
        Priority::Crisis => ("badge b-crisis", "crisis"),
        Priority::Asked => ("badge b-asked", "asked"),
    };
    html! { span class=(class) { (label) } }
}

/// The counselor's open conversations, for the tab bar.
pub fn tabs(tabs: &[Tab]) -> Markup {
    html! {
        @if !tabs.is_empty() {
            span.small { "Your conversations:" }
            @for t in tabs {
                a href={ "/console/ticket/" (t.id) } class=[t.current.then_some("current")]
                    data-tab=(t.id) data-unread=(t.unread)
                    aria-current=[t.current.then_some("page")] {
                    "#" (t.id)
                    @if t.priority == Priority::Urgent { " 🚨" }
                    @if t.unread > 0 {
                        span.unread aria-label={ (t.unread) " new" } { (t.unread) }
                    }
                }
            }
        }
    }
}

/// The queue: waiting tickets, the counselor's own, and (for a supervisor) everyone's. Other
/// counselors' conversations are counted, not shown.
pub fn queue_rows(
    queue: &[TicketView],
    me: &str,
    supervisor: bool,
    csrf: &str,
    now: i64,
) -> Markup {
    let shown: Vec<&TicketView> = queue
        .iter()
        .filter(|t| supervisor || t.counselor.as_deref().is_none_or(|c| c == me))
        .collect();
    let others = queue.len() - shown.len();
    html! {
        @if shown.is_empty() {
            p { "No one is waiting." }
        } @else {
            table {
                thead { tr { th { "Ticket" } th { "Priority" } th { "Why" } th { "Lang" } th { "Via" } th { "Wait" } th { "Who has it" } th { span.small { "Action" } } } }
                tbody {
                    @for t in &shown {
                        tr class=[(t.priority == Priority::Urgent).then_some("urgent")] data-ticket=(t.id) {
                            td data-label="Ticket" { a href={ "/console/ticket/" (t.id) } { "#" (t.id) } }
                            td data-label="Priority" { (badge(t.priority)) @if t.after_hours { " (left a message)" } }
                            td data-label="Why" { (t.reason) }
                            td data-label="Lang" { (t.lang.code()) }
                            td data-label="Via" { (t.channel.as_str()) }
                            td data-label="Wait" { (wait_label(t, now)) }
                            td data-label="Who has it" {
                                @match &t.counselor {
                                    Some(c) if c == me => span.mine { "you" },
                                    Some(c) => span { (c) },
                                    None => span { "waiting" },
                                }
                            }
                            td.act {
                                @if t.counselor.is_none() {
                                    form.inline method="post" action={ "/console/ticket/" (t.id) "/claim" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" { "Claim #" (t.id) }
                                    }
                                } @else {
                                    a href={ "/console/ticket/" (t.id) } { "Open #" (t.id) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if others > 0 {
            p.small { (others) " more " @if others == 1 { "is" } @else { "are" } " with other counselors." }
        }
    }
}

/// Who is on shift, for the queue page.
pub fn on_shift(on: &[OnShift]) -> Markup {
    html! {
        @if on.is_empty() {
            "No one is on shift. Until someone is, the configured counselor hours decide whether people who ask are queued or get the hotlines at once."
        } @else {
            "On shift: "
            @for (i, o) in on.iter().enumerate() {
                @if i > 0 { ", " }
                b { (o.name) }
            }
            "."
        }
    }
}

pub fn queue_page(
    f: &Frame,
    queue: &[TicketView],
    on: &[OnShift],
    now: i64,
    notice: Option<&str>,
) -> Markup {
    layout(
        "Queue",
        Some(f),
        html! {
            h1 { "Queue" }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            p #onshift data-live="/console/presence" { (on_shift(on)) }
            p.small { "Urgent (overdose) first, then crisis, then people who asked; then who waited longest. Updates live." }
            div #queue data-live="/console/queue" { (queue_rows(queue, f.me, f.supervisor, f.csrf, now)) }
        },
    )
}

pub fn lines(lines: &[Line]) -> Markup {
    html! {
        @for l in lines {
            @match l.from {
                Speaker::Note => {
                    p.line.note {
                        b { "Private note" @if let Some(by) = &l.by { " (" (by) ")" } ": " }
                        (l.text)
                    }
                }
                _ => {
                    @let (class, who) = match l.from { Speaker::Person => ("person", "Person"), Speaker::Counselor => ("counselor", "Counselor"), _ => ("bot", "haven") };
                    p class={ "line " (class) } { b { (who) ": " } (l.text) }
                }
            }
        }
        @if lines.is_empty() { p { "No messages yet." } }
    }
}

/// The state of a ticket: who has it, how long the person waited; and Claim while it waits.
pub fn ticket_state(t: &TicketView, me: &str, csrf: &str, now: i64) -> Markup {
    html! {
        p #info {
            "Why: " (t.reason) " · language: " b { (t.lang.code()) } " · via " (t.channel.as_str())
            " · " span #wait { (wait_label(t, now)) }
            @if t.after_hours { " · left outside counselor hours" }
            " · "
            @match &t.counselor {
                Some(c) if c == me => { b { "with you" } }
                Some(c) => { "with " b { (c) } }
                None => { "waiting for a counselor" }
            }
        }
        @if t.counselor.is_none() {
            form method="post" action={ "/console/ticket/" (t.id) "/claim" } {
                input type="hidden" name="csrf" value=(csrf);
                button #claim type="submit" { "Claim #" (t.id) }
            }
        }
    }
}

/// What this counselor can do with a ticket besides writing: transfer, release or close their
/// own; a supervisor may reassign any.
pub fn ticket_actions(
    t: &TicketView,
    me: &str,
    supervisor: bool,
    csrf: &str,
    outcomes: &[String],
    colleagues: &[(String, bool)],
) -> Markup {
    html! {
        @if t.counselor.as_deref() == Some(me) {
            form method="post" action={ "/console/ticket/" (t.id) "/transfer" } {
                input type="hidden" name="csrf" value=(csrf);
                label.inline for="transfer-to" { "Transfer to " }
                select #transfer-to name="to" {
                    @for (n, on) in colleagues.iter().filter(|(n, _)| n != me) {
                        option value=(n) { (n) @if *on { " (on shift)" } }
                    }
                }
                " "
                button #transfer type="submit" { "Transfer" }
            }
            form method="post" action={ "/console/ticket/" (t.id) "/close" } {
                input type="hidden" name="csrf" value=(csrf);
                label.inline for="outcome" { "Outcome " }
                select #outcome name="outcome" { @for o in outcomes { option value=(o) { (o) } } }
                " "
                button #close type="submit" { "Close" }
            }
            form method="post" action={ "/console/ticket/" (t.id) "/release" } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "Release to the queue" }
            }
        }
        @if supervisor {
            form method="post" action={ "/console/ticket/" (t.id) "/reassign" } {
                input type="hidden" name="csrf" value=(csrf);
                label.inline for="reassign-to" { "Supervisor: reassign to " }
                select #reassign-to name="to" {
                    option value="" { "(back to the queue)" }
                    @for (n, on) in colleagues {
                        option value=(n) selected[t.counselor.as_deref() == Some(n.as_str())] { (n) @if *on { " (on shift)" } }
                    }
                }
                " "
                button #reassign type="submit" { "Reassign" }
            }
        }
    }
}

/// What a ticket page needs besides the frame.
pub struct TicketParts<'a> {
    pub ticket: &'a TicketView,
    pub transcript: &'a [Line],
    pub outcomes: &'a [String],
    pub colleagues: &'a [(String, bool)],
    pub quick: &'a [Quick],
    /// Text to put in the reply box (a quick reply chosen without JavaScript).
    pub draft: &'a str,
    pub place: &'a str,
}

pub fn ticket_page(f: &Frame, p: &TicketParts, now: i64, notice: Option<&str>) -> Markup {
    let t = p.ticket;
    let mine = t.counselor.as_deref() == Some(f.me);
    layout(
        &format!("Ticket #{}", t.id),
        Some(f),
        html! {
            p { a href="/console" { "← Queue" } }
            h1 { "Ticket #" (t.id) " " (badge(t.priority)) }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            div #state data-live={ "/console/ticket/" (t.id) "/state" } data-ticket=(t.id) {
                (ticket_state(t, f.me, f.csrf, now))
            }
            div.lines #transcript data-live={ "/console/ticket/" (t.id) "/lines" } data-ticket=(t.id) aria-live="polite" {
                (lines(p.transcript))
            }
            @if mine {
                section #compose {
                    form #reply-form method="post" action={ "/console/ticket/" (t.id) "/reply" } {
                        input type="hidden" name="csrf" value=(f.csrf);
                        label for="reply" { "Reply in " (t.lang.code()) " (the person sees it as from \"Counselor\", never your name)" }
                        textarea #reply name="text" required maxlength="1500" { (p.draft) }
                        p { button #send type="submit" { "Send" } }
                    }
                    @if !p.quick.is_empty() {
                        form #quick method="get" action={ "/console/ticket/" (t.id) } data-fetch={ "/console/ticket/" (t.id) "/quick" } {
                            p.small { "Quick replies, in the person's language (" (t.lang.code()) "); they go into the reply box first:" }
                            div.quick {
                                @for q in p.quick.iter().filter(|q| !q.needs_place) {
                                    button type="submit" name="quick" value=(q.id) data-quick=(q.id) { (q.label) }
                                }
                            }
                            @if p.quick.iter().any(|q| q.needs_place) {
                                // One place field for every quick reply that lists services.
                                div.quick {
                                    label.inline for="place" { "ZIP or place " }
                                    input #place type="text" name="place" value=(p.place) autocomplete="off" size="8";
                                    @for q in p.quick.iter().filter(|q| q.needs_place) {
                                        button type="submit" name="quick" value=(q.id) data-quick=(q.id) { (q.label) }
                                    }
                                }
                            }
                            p #quick-error.small role="status" {}
                        }
                    }
                }
            }
            div.actions #actions data-live={ "/console/ticket/" (t.id) "/actions" } data-ticket=(t.id) {
                (ticket_actions(t, f.me, f.supervisor, f.csrf, p.outcomes, p.colleagues))
            }
            section #notes {
                form method="post" action={ "/console/ticket/" (t.id) "/note" } {
                    input type="hidden" name="csrf" value=(f.csrf);
                    label for="note" { "Private note (counselors only; never sent; deleted with the ticket)" }
                    textarea #note name="text" required maxlength="1500" {}
                    p { button #add-note type="submit" { "Add note" } }
                }
            }
        },
    )
}

pub fn with_someone_else(counselor: &str) -> Markup {
    html! { p.notice { "This ticket is with " b { (counselor) } " now." } }
}

pub fn not_yours(id: u64, counselor: &str, me: &str, csrf: &str) -> Markup {
    bare(
        "With someone else",
        me,
        csrf,
        html! {
            p { a href="/console" { "← Queue" } }
            p.notice { "Ticket #" (id) " is with " b { (counselor) } ". Their conversation stays with them; a supervisor can reassign it." }
        },
    )
}

pub fn closed_page(id: u64, me: &str, csrf: &str) -> Markup {
    bare(
        "Closed",
        me,
        csrf,
        html! {
            p { a href="/console" { "← Queue" } }
            p.notice { "Ticket #" (id) " is closed (or never existed). Its transcript and notes have been deleted." }
        },
    )
}

/// A page with the header only (no tabs, no live parts).
fn bare(title: &str, me: &str, csrf: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · haven console" }
                link rel="stylesheet" href="/console/console.css";
            }
            body {
                header {
                    strong { "haven · counselor console" }
                    span {
                        "Signed in as " b { (me) } " "
                        form.inline method="post" action="/console/logout" {
                            input type="hidden" name="csrf" value=(csrf);
                            button #signout type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A supervisor-only page in the console's frame.
pub fn supervisor_page(f: &Frame, title: &str, body: Markup) -> Markup {
    layout(title, Some(f), body)
}
