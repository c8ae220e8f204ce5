//! The console's HTML, server-rendered with maud (which escapes every value).

use maud::{DOCTYPE, Markup, html};

use crate::counselors::waited;
use crate::handoff::{Line, Priority, Speaker, TicketView};

pub const CSS: &str = r#"
:root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#f6f6f4}
body{margin:0}header{display:flex;justify-content:space-between;align-items:center;background:#21433d;color:#fff;padding:.6rem 1rem}
header a,header button{color:#fff}main{max-width:64rem;margin:1rem auto;padding:0 1rem}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #ddd;vertical-align:top}
.urgent{background:#fde2e1}.badge{display:inline-block;padding:.1rem .45rem;border-radius:.3rem;font-weight:600;font-size:.85rem}
.b-urgent{background:#b3261e;color:#fff}.b-crisis{background:#e8a33d;color:#1b1b1b}.b-asked{background:#dfe7e5}
.mine{font-weight:600}.lines{background:#fff;padding:.5rem 1rem;border:1px solid #ddd;max-height:28rem;overflow:auto}
.line{margin:.4rem 0}.person{color:#1b1b1b}.counselor{color:#21433d}.bot{color:#666;font-style:italic}
form.inline{display:inline}button{font:inherit;padding:.35rem .8rem;cursor:pointer}textarea{width:100%;min-height:4rem;font:inherit}
.notice{padding:.6rem 1rem;background:#fff4ce;border:1px solid #e8c36a;margin-bottom:1rem}.error{background:#fde2e1;border-color:#b3261e}
label{display:block;margin:.5rem 0 .2rem}input[type=text],input[type=password]{font:inherit;padding:.4rem;width:18rem;max-width:100%}
"#;

pub const JS: &str = r#"
// Live updates: the server sends a ping on every ticket change; the page re-fetches the parts
// marked data-live. Nothing else needs JavaScript.
(function () {
  if (!window.EventSource) return;
  var es = new EventSource('/console/events');
  es.onmessage = function () {
    document.querySelectorAll('[data-live]').forEach(function (el) {
      fetch(el.getAttribute('data-live'), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (h) { if (h !== null) { el.innerHTML = h; } });
    });
  };
})();
"#;

fn layout(title: &str, user: Option<(&str, &str)>, body: Markup) -> Markup {
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
                    @if let Some((name, csrf)) = user {
                        span {
                            "Signed in as " b { (name) } " "
                            form.inline method="post" action="/console/logout" {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
                @if user.is_some() { script src="/console/console.js" {} }
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

pub fn queue_rows(queue: &[TicketView], me: &str, csrf: &str, now: i64) -> Markup {
    html! {
        @if queue.is_empty() {
            p { "No one is waiting." }
        } @else {
            table {
                thead { tr { th { "Ticket" } th { "Priority" } th { "Why" } th { "Lang" } th { "Via" } th { "Waiting" } th { "Who has it" } th {} } }
                tbody {
                    @for t in queue {
                        tr class=@if t.priority == Priority::Urgent { "urgent" } data-ticket=(t.id) {
                            td { a href={ "/console/ticket/" (t.id) } { "#" (t.id) } }
                            td { (badge(t.priority)) @if t.after_hours { " (left a message)" } }
                            td { (t.reason) }
                            td { (t.lang.code()) }
                            td { (t.channel.as_str()) }
                            td { (waited(now, t.created_at)) }
                            td {
                                @match &t.counselor {
                                    Some(c) if c == me => span.mine { "you" },
                                    Some(c) => span { (c) },
                                    None => span { "waiting" },
                                }
                            }
                            td {
                                @if t.counselor.is_none() {
                                    form.inline method="post" action={ "/console/ticket/" (t.id) "/claim" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" { "Claim #" (t.id) }
                                    }
                                } @else {
                                    a href={ "/console/ticket/" (t.id) } { "Open" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn queue_page(
    queue: &[TicketView],
    me: &str,
    csrf: &str,
    now: i64,
    notice: Option<&str>,
) -> Markup {
    layout(
        "Queue",
        Some((me, csrf)),
        html! {
            h1 { "Queue" }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            p { "Urgent (overdose) first, then crisis, then people who asked; then who waited longest. Updates live." }
            div #queue data-live="/console/queue" { (queue_rows(queue, me, csrf, now)) }
        },
    )
}

pub fn lines(lines: &[Line]) -> Markup {
    html! {
        @for l in lines {
            @let (class, who) = match l.from { Speaker::Person => ("person", "Person"), Speaker::Counselor => ("counselor", "Counselor"), Speaker::Bot => ("bot", "haven") };
            p class={ "line " (class) } { b { (who) ": " } (l.text) }
        }
        @if lines.is_empty() { p { "No messages yet." } }
    }
}

pub fn ticket_actions(t: &TicketView, me: &str, csrf: &str, outcomes: &[String]) -> Markup {
    html! {
        @match &t.counselor {
            None => {
                form method="post" action={ "/console/ticket/" (t.id) "/claim" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Claim #" (t.id) }
                }
            }
            Some(c) if c == me => {
                form method="post" action={ "/console/ticket/" (t.id) "/reply" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="reply" { "Reply (the person sees it as from \"Counselor\", never your name)" }
                    textarea #reply name="text" required maxlength="1500" {}
                    p { button type="submit" { "Send" } }
                }
                form.inline method="post" action={ "/console/ticket/" (t.id) "/release" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Release to the queue" }
                }
                " "
                form.inline method="post" action={ "/console/ticket/" (t.id) "/close" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label.inline for="outcome" { "Outcome " }
                    select #outcome name="outcome" { @for o in outcomes { option value=(o) { (o) } } }
                    " "
                    button type="submit" { "Close" }
                }
            }
            Some(c) => { p { "With " b { (c) } "." } }
        }
    }
}

pub fn ticket_page(
    t: &TicketView,
    transcript: &[Line],
    me: &str,
    csrf: &str,
    outcomes: &[String],
    now: i64,
    notice: Option<&str>,
) -> Markup {
    layout(
        &format!("Ticket #{}", t.id),
        Some((me, csrf)),
        html! {
            p { a href="/console" { "← Queue" } }
            h1 { "Ticket #" (t.id) " " (badge(t.priority)) }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            p { "Why: " (t.reason) " · language: " (t.lang.code()) " · via " (t.channel.as_str()) " · waiting " (waited(now, t.created_at)) }
            div.lines #transcript data-live={ "/console/ticket/" (t.id) "/lines" } aria-live="polite" { (lines(transcript)) }
            div #actions data-live={ "/console/ticket/" (t.id) "/actions" } { (ticket_actions(t, me, csrf, outcomes)) }
        },
    )
}

pub fn closed_page(id: u64, me: &str, csrf: &str) -> Markup {
    layout(
        "Closed",
        Some((me, csrf)),
        html! {
            p { a href="/console" { "← Queue" } }
            p.notice { "Ticket #" (id) " is closed (or never existed). Its transcript has been deleted." }
        },
    )
}
