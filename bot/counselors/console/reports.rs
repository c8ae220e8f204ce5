//! The supervisor's pages: the reports (charts and tables for a range of days, and the same
//! aggregates as CSV) and the audit log.
//!
//! Both read only what was kept for them: the reports the daily counters (`crate::reports`),
//! the audit log ticket numbers and counselor names. Neither can show who said what.
#![allow(clippy::result_large_err)]

use axum::extract::{Query, State as AxumState};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde::Deserialize;

use super::{AppState, Page, SignedIn, charts, frame, internal, pages, private};
use crate::reports::report::{self, Body, Report};
use crate::runtime::now;

#[derive(Deserialize, Default)]
pub struct RangeQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// The report for the asked range, or the reason the range is refused.
fn build(state: &AppState, q: &RangeQuery) -> Result<Report, report::RangeError> {
    let today = state.hub.tally.day(now());
    let (from, to) = report::range(q.from.as_deref(), q.to.as_deref(), today)?;
    let counts = state.hub.tally.read(from, to).unwrap_or_else(|e| {
        tracing::error!(error = %e, "report counters unreadable");
        Vec::new()
    });
    Ok(report::build(&counts, from, to))
}

fn range_form(from: &str, to: &str) -> Markup {
    html! {
        form #range method="get" action="/console/reports" {
            label.inline for="from" { "From " }
            input #from type="date" name="from" value=(from);
            " "
            label.inline for="to" { "to " }
            input #to type="date" name="to" value=(to);
            " "
            button type="submit" { "Show" }
        }
    }
}

fn section(s: &report::Section) -> Markup {
    html! {
        section id=(s.id) data-section=(s.id) {
            h2 { (s.title) }
            p.small { (s.about) }
            div.chart {
                @match &s.body {
                    Body::Daily { days, series } => (charts::daily(s.id, s.title, days, series)),
                    Body::Totals(rows) => (charts::totals(s.id, s.title, rows)),
                }
            }
            div.scroll {
                table.sr-table {
                    caption.small { "The numbers of this chart" }
                    @match &s.body {
                        Body::Daily { days, series } => {
                            thead { tr { th { "" } @for d in days { th { (d.format("%m-%d")) } } th { "Total" } } }
                            tbody {
                                @for se in series {
                                    tr {
                                        th scope="row" { (se.label) }
                                        @for (d, c) in days.iter().zip(&se.cells) {
                                            td data-cell="" data-label=(se.label) data-day=(d.format("%Y-%m-%d")) data-value=(c.value()) { (c.display()) }
                                        }
                                        td data-cell="" data-label=(se.label) data-day="total" data-value=(se.total.value()) { b { (se.total.display()) } }
                                    }
                                }
                            }
                        }
                        Body::Totals(rows) => {
                            tbody {
                                @if rows.is_empty() { tr { td { "Nothing counted in this range." } } }
                                @for (label, c) in rows {
                                    tr {
                                        th scope="row" { (label) }
                                        td data-cell="" data-label=(label) data-day="total" data-value=(c.value()) { (c.display()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn page(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    q: Query<RangeQuery>,
) -> Page {
    who.must_supervise()?;
    let queue = state.hub.handoff.queue().map_err(internal)?;
    let f = frame(&state, &who, &queue, None);
    let (status, body) = match build(&state, &q) {
        Ok(r) => {
            let from = r.from.format("%Y-%m-%d").to_string();
            let to = r.to.format("%Y-%m-%d").to_string();
            let csv_q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("from", &from)
                .append_pair("to", &to)
                .finish();
            (
                StatusCode::OK,
                html! {
                    h1 { "Reports" }
                    p {
                        "What haven did from " b { (from) } " to " b { (to) } ", counted day by day as it happened. "
                        "No person, message, place or time of day is in these numbers; any number below 5 shows as \"<5\"."
                    }
                    (range_form(&from, &to))
                    p { a #csv href={ "/console/reports.csv?" (csv_q) } download { "Download these numbers as CSV" } }
                    @for s in &r.sections { (section(s)) }
                },
            )
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            html! {
                h1 { "Reports" }
                p.notice.error role="alert" { "That range doesn't work: " (e.to_string()) "." }
                (range_form(q.from.as_deref().unwrap_or(""), q.to.as_deref().unwrap_or("")))
            },
        ),
    };
    Ok(private(
        (status, pages::supervisor_page(&f, "Reports", body)).into_response(),
    ))
}

pub async fn csv(
    AxumState(state): AxumState<AppState>,
    who: SignedIn,
    q: Query<RangeQuery>,
) -> Page {
    who.must_supervise()?;
    match build(&state, &q) {
        Ok(r) => {
            let name = format!(
                "haven-report-{}-to-{}.csv",
                r.from.format("%Y-%m-%d"),
                r.to.format("%Y-%m-%d")
            );
            Ok(private(
                (
                    [
                        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                        (
                            header::CONTENT_DISPOSITION,
                            format!("attachment; filename=\"{name}\""),
                        ),
                    ],
                    r.csv(),
                )
                    .into_response(),
            ))
        }
        Err(e) => Ok(private(
            (
                StatusCode::BAD_REQUEST,
                format!("That range doesn't work: {e}.\n"),
            )
                .into_response(),
        )),
    }
}

/// The newest entries of the audit log, in the program's time zone.
pub async fn audit(AxumState(state): AxumState<AppState>, who: SignedIn) -> Page {
    who.must_supervise()?;
    let entries = state.hub.handoff.audit().recent(500).map_err(internal)?;
    let tz = state.hub.handoff.config().time_zone;
    let queue = state.hub.handoff.queue().map_err(internal)?;
    let f = frame(&state, &who, &queue, None);
    let body = html! {
        h1 { "Audit log" }
        p { "Who claimed, released, transferred, reassigned, noted and closed which ticket, and who went on shift or away. Ticket numbers and counselor names only; kept " (state.hub.handoff.config().audit_days) " days." }
        @if entries.is_empty() {
            p { "Nothing yet." }
        } @else {
            div.scroll {
                table #audit {
                    thead { tr { th { "When (" (tz.name()) ")" } th { "Counselor" } th { "What" } th { "Ticket" } th { "Detail" } } }
                    tbody {
                        @for e in &entries {
                            @let when = chrono::DateTime::<chrono::Utc>::from_timestamp(e.at, 0).unwrap_or_default().with_timezone(&tz);
                            tr {
                                td { (when.format("%Y-%m-%d %H:%M")) }
                                td { (e.by) }
                                td { (e.action.as_str()) }
                                td { @if let Some(t) = e.ticket { "#" (t) } }
                                td { @if let Some(o) = &e.other { (o) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(private(
        pages::supervisor_page(&f, "Audit log", body).into_response(),
    ))
}
