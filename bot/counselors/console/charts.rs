//! Charts for the reports page, drawn on the server as SVG: no script, nothing fetched from
//! elsewhere, and a chart is only ever a picture of the table beside it.
//!
//! Suppressed cells ("<5") draw no bar: a short grey tick at the baseline marks them, and the
//! tick's tooltip says "<5". Colours are SVG presentation attributes (the console's
//! Content-Security-Policy allows no inline style).

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::reports::{Cell, Series};

/// Series colours, each with at least 4.5:1 contrast on white.
const COLOURS: &[&str] = &[
    "#21433d", "#b3261e", "#1f5fa8", "#7a5c00", "#6b3fa0", "#4a4a4a",
];
const SUPPRESSED: &str = "#9a9a9a";

fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

/// A round upper bound for an axis.
fn nice_max(max: u64) -> u64 {
    let max = max.max(5);
    let mag = 10u64.pow((max as f64).log10().floor() as u32);
    for step in [1, 2, 5, 10] {
        if step * mag >= max {
            return step * mag;
        }
    }
    10 * mag
}

/// Grouped bars: one group per day, one bar per series.
pub fn daily(id: &str, title: &str, days: &[NaiveDate], series: &[Series]) -> Markup {
    let n = series.len().max(1);
    let bar = if days.len() * n > 120 { 3.0 } else { 8.0 };
    let group = bar * n as f64 + 6.0;
    let left = 40.0;
    let plot_h = 160.0;
    let top = 10.0;
    let width = (left + group * days.len() as f64 + 10.0).max(320.0);
    let height = top + plot_h + 40.0;
    let max = nice_max(
        series
            .iter()
            .flat_map(|s| s.cells.iter().filter_map(Cell::count))
            .max()
            .unwrap_or(0),
    );
    let y = |v: u64| top + plot_h - plot_h * v as f64 / max as f64;
    let base = top + plot_h;
    let label_every = (days.len() / 6).max(1);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) }
            width=(width) height=(height) role="img" aria-labelledby={ (id) "-t" } {
            title id={ (id) "-t" } { (title) }
            line x1=(left) y1=(base) x2=(width - 5.0) y2=(base) stroke="#595959" {}
            line x1=(left) y1=(top) x2=(left) y2=(base) stroke="#595959" {}
            text x=(left - 4.0) y=(top + 4.0) text-anchor="end" font-size="11" fill="#1b1b1b" { (max) }
            text x=(left - 4.0) y=(base) text-anchor="end" font-size="11" fill="#1b1b1b" { "0" }
            @for (di, d) in days.iter().enumerate() {
                @let gx = left + 3.0 + group * di as f64;
                @for (si, s) in series.iter().enumerate() {
                    @let x = gx + bar * si as f64;
                    @match s.cells.get(di) {
                        Some(Cell::Count(v)) => {
                            rect x=(x) y=(y(*v)) width=(bar - 1.0) height=(base - y(*v)) fill=(colour(si)) {
                                title { (s.label) " " (d.format("%Y-%m-%d")) ": " (v) }
                            }
                        }
                        _ => {
                            rect x=(x) y=(base - 2.0) width=(bar - 1.0) height="2" fill=(SUPPRESSED) {
                                title { (s.label) " " (d.format("%Y-%m-%d")) ": <5" }
                            }
                        }
                    }
                }
                @if di % label_every == 0 || di + 1 == days.len() {
                    text x=(gx) y=(base + 14.0) font-size="10" fill="#1b1b1b" { (d.format("%m-%d")) }
                }
            }
            @for (si, s) in series.iter().enumerate() {
                @let lx = left + 110.0 * si as f64;
                rect x=(lx) y=(base + 24.0) width="10" height="10" fill=(colour(si)) {}
                text x=(lx + 14.0) y=(base + 33.0) font-size="11" fill="#1b1b1b" { (s.label) }
            }
        }
    }
}

/// Horizontal bars, one per label, with the value at the end ("<5" and no bar when small).
pub fn totals(id: &str, title: &str, rows: &[(String, Cell)]) -> Markup {
    let row_h = 22.0;
    let left = 150.0;
    let plot_w = 360.0;
    let width = left + plot_w + 80.0;
    let height = row_h * rows.len().max(1) as f64 + 8.0;
    let max = nice_max(
        rows.iter()
            .filter_map(|(_, c)| c.count())
            .max()
            .unwrap_or(0),
    );
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) }
            width=(width) height=(height) role="img" aria-labelledby={ (id) "-t" } {
            title id={ (id) "-t" } { (title) }
            @for (i, (label, cell)) in rows.iter().enumerate() {
                @let y = 4.0 + row_h * i as f64;
                text x=(left - 6.0) y=(y + 14.0) text-anchor="end" font-size="12" fill="#1b1b1b" { (label) }
                @match cell {
                    Cell::Count(v) => {
                        @let w = (plot_w * *v as f64 / max as f64).max(1.0);
                        rect x=(left) y=(y + 3.0) width=(w) height=(row_h - 8.0) fill=(colour(0)) {
                            title { (label) ": " (v) }
                        }
                        text x=(left + w + 5.0) y=(y + 14.0) font-size="12" fill="#1b1b1b" { (cell.display()) }
                    }
                    _ => {
                        rect x=(left) y=(y + 3.0) width="2" height=(row_h - 8.0) fill=(SUPPRESSED) {
                            title { (label) ": " (cell.display()) }
                        }
                        text x=(left + 7.0) y=(y + 14.0) font-size="12" fill="#1b1b1b" { (cell.display()) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_round_and_small_cells_draw_no_bar() {
        assert_eq!(nice_max(0), 5);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(130), 200);
        let svg = totals(
            "x",
            "T",
            &[("a".into(), Cell::Count(12)), ("b".into(), Cell::Small)],
        )
        .into_string();
        assert!(svg.contains("a: 12") && svg.contains("b: &lt;5"), "{svg}");
        assert!(!svg.contains("<script"));
    }
}
