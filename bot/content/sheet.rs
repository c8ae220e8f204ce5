//! The content review sheet (`haven content sheet`): every medical or legal text, English and
//! Spanish side by side, where the flows say it, the public source it cites, its SMS cost, its
//! review status and fingerprint. One self-contained HTML page (no scripts, no fonts, nothing
//! loaded from elsewhere; it prints) for a clinician or trainer to read and sign, and the same
//! rows as CSV.
//!
//! Texts are picked up by what they are, not by a list: any text in a medical family or citing a
//! `# Source:` in any language is on the sheet, so a new flow's texts appear as soon as they
//! cite their sources.

use std::collections::BTreeMap;
use std::path::Path;

use maud::{DOCTYPE, Markup, html};

use super::reviews::{Reviews, Status};
use super::{fingerprint, is_label, is_medical, render_sample, sources};
use crate::Lang;
use crate::check::{ReviewSummary, SegmentLine, builtin_texts, check};
use crate::flows;
use crate::locales::Texts;
use crate::problem::Problem;
use crate::text::Encoding;

/// Flows a reviewer reads first, in this order; the others follow alphabetically.
const FLOW_ORDER: &[&str] = &["emergency", "crisis", "naloxone", "safer-use"];

/// One text on the sheet.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    /// `flow/step` for every place a flow says it; `haven` for texts said by haven itself.
    pub places: Vec<String>,
    pub langs: Vec<LangCell>,
    /// The tightest SMS budget of the places it is said.
    pub budget: Option<u32>,
    pub fingerprint: String,
    pub status: Status,
    /// What is still unverified about it (`[[unverified]]` in REVIEWS.toml).
    pub unverified: Vec<String>,
}

/// A text in one language.
#[derive(Clone, Debug)]
pub struct LangCell {
    pub lang: Lang,
    pub text: String,
    /// The text after `Source:` in its comment.
    pub source: String,
    /// The rest of the comment (notes for the editor and reviewer).
    pub note: String,
    pub sms: Option<Sms>,
}

/// The SMS cost of a text.
#[derive(Clone, Copy, Debug)]
pub struct Sms {
    pub encoding: Encoding,
    pub units: usize,
    pub segments: usize,
}

/// A record under `[[unverified]]`.
#[derive(Clone, Debug)]
pub struct Flag {
    pub what: String,
    pub why: String,
    pub how: String,
    pub texts: Vec<String>,
}

/// Everything on the sheet.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub rows: Vec<Row>,
    /// Texts in a medical family marked as making no medical or legal statement (questions),
    /// with their English text, so the reviewer can disagree.
    pub not_medical: Vec<(String, String)>,
    pub flags: Vec<Flag>,
    pub summary: ReviewSummary,
    /// The day the sheet was made (given by the caller: the sheet itself reads no clock).
    pub date: String,
}

/// Builds the sheet from the flows and texts in use. Refuses content that `haven check`
/// refuses: a sheet of texts that cannot ship would be signed for nothing.
pub fn build(flows_dir: &Path, locales_dir: &Path, date: &str) -> Result<Sheet, Vec<Problem>> {
    let report = check(flows_dir, locales_dir);
    if !report.problems.is_empty() {
        return Err(report.problems);
    }
    let loaded = flows::load_dir(flows_dir);
    let (texts, _) = Texts::load(locales_dir);
    let (reviews, _, _) = Reviews::load(locales_dir);
    let segments: BTreeMap<(String, Lang), &SegmentLine> = report
        .segments
        .iter()
        .map(|s| ((s.key.clone(), s.lang), s))
        .collect();

    // Where each text is said, in flow order, and the rank of its first place.
    let mut places: BTreeMap<String, (usize, Vec<String>, Option<u32>)> = BTreeMap::new();
    for (i, u) in loaded.uses.iter().enumerate() {
        let rank = FLOW_ORDER
            .iter()
            .position(|f| *f == u.flow)
            .unwrap_or(FLOW_ORDER.len());
        let e = places
            .entry(u.key.clone())
            .or_insert((rank * 100_000 + i, Vec::new(), None));
        let place = format!("{}/{}", u.flow, u.step);
        if !e.1.contains(&place) {
            e.1.push(place);
        }
        let budget = if u.first_emergency { 1 } else { u.sms_segments };
        e.2 = Some(e.2.map_or(budget, |b: u32| b.min(budget)));
    }
    let mut builtins = builtin_texts();
    builtins.extend(loaded.builtin_texts.iter().cloned());

    let mut keys: Vec<String> = texts
        .all()
        .filter(|(l, _, _)| *l == Lang::En)
        .map(|(_, k, _)| k.to_owned())
        .collect();
    keys.sort_by_key(|k| (places.get(k).map_or(usize::MAX, |p| p.0), k.clone()));

    let mut rows = Vec::new();
    let mut not_medical = Vec::new();
    for key in keys {
        if !is_medical(&texts, &key) {
            if super::in_medical_family(&key) && !is_label(&key) {
                not_medical.push((key.clone(), render_sample(&texts, Lang::En, &key)));
            }
            continue;
        }
        let langs = Lang::ALL
            .iter()
            .map(|&lang| {
                let comment = texts
                    .site(lang, &key)
                    .map(|s| s.comment.clone())
                    .unwrap_or_default();
                let (note, source) = match comment.find("Source:") {
                    Some(i) => (
                        comment[..i].trim().to_owned(),
                        sources::source_of(&comment).unwrap_or_default().to_owned(),
                    ),
                    None => (comment.trim().to_owned(), String::new()),
                };
                LangCell {
                    lang,
                    text: render_sample(&texts, lang, &key),
                    source: one_line(&source),
                    note: one_line(&note),
                    sms: segments.get(&(key.clone(), lang)).map(|s| Sms {
                        encoding: s.encoding,
                        units: s.units,
                        segments: s.segments,
                    }),
                }
            })
            .collect();
        let (where_, budget) = match places.get(&key) {
            Some((_, p, b)) => (p.clone(), *b),
            None if builtins.contains(&key) => {
                (vec!["haven (said by the program itself)".to_owned()], None)
            }
            None => (Vec::new(), None),
        };
        let fp = fingerprint(&texts, &key);
        rows.push(Row {
            status: reviews.status(&key, &fp),
            unverified: reviews
                .unverified_for(&key)
                .map(|u| u.what.get_ref().clone())
                .collect(),
            id: key,
            places: where_,
            langs,
            budget,
            fingerprint: fp,
        });
    }
    let flags = reviews
        .unverified
        .iter()
        .map(|u| Flag {
            what: u.what.get_ref().clone(),
            why: u.why.get_ref().clone(),
            how: u.how.clone().unwrap_or_default(),
            texts: u.texts.iter().map(|t| t.get_ref().clone()).collect(),
        })
        .collect();
    Ok(Sheet {
        rows,
        not_medical,
        flags,
        summary: report.review,
        date: date.to_owned(),
    })
}

/// A comment's lines joined into one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Sms {
    fn describe(&self) -> String {
        format!(
            "{} segment{} ({}, {} units)",
            self.segments,
            if self.segments == 1 { "" } else { "s" },
            self.encoding,
            self.units
        )
    }
}

impl Sheet {
    /// The sheet as one self-contained HTML page.
    pub fn html(&self) -> String {
        let s = &self.summary;
        let page: Markup = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { "haven content review sheet, " (self.date) }
                    style { (maud::PreEscaped(CSS)) }
                }
                body {
                    header {
                        h1 { "haven: medical and legal content for review" }
                        p.meta {
                            "Made " (self.date) " by " code { "haven content sheet" } ". "
                            (self.rows.len()) " texts; "
                            span #reviewed { (s.reviewed) " reviewed as they are now" } ", "
                            (s.changed) " changed since their review, "
                            span #not-reviewed { (self.rows.len() - s.reviewed - s.changed) " not reviewed" } "."
                        }
                        p {
                            "Each row is one text as haven sends it, in English and Spanish, with the public document it "
                            "follows, where the conversation says it, and what it costs by SMS (a segment is one text "
                            "message; the first overdose reply must fit in one). Please read every row against its "
                            "source and mark it OK or write the change you need. The fingerprint identifies the exact "
                            "wording you read: a review is recorded against it in "
                            code { "locales/REVIEWS.toml" } ", and an edited text shows here as changed until it is reviewed again."
                        }
                    }
                    @if !self.flags.is_empty() {
                        section #unverified {
                            h2 { "Not yet verified" }
                            p { "These facts have not been checked against their primary source. Please check them, or tell us who can." }
                            ul {
                                @for f in &self.flags {
                                    li {
                                        strong { (f.what) } ": " (f.why)
                                        @if !f.how.is_empty() { " How to check: " (f.how) }
                                        " (texts: "
                                        @for (i, t) in f.texts.iter().enumerate() {
                                            @if i > 0 { ", " }
                                            a href={ "#" (t) } { code { (t) } }
                                        }
                                        ")"
                                    }
                                }
                            }
                        }
                    }
                    table #texts {
                        thead {
                            tr {
                                th.n { "#" }
                                th.where_ { "Text, where it is said" }
                                th.text lang="en" { "English" }
                                th.text lang="es" { "Español" }
                                th.source { "Source" }
                                th.sms { "SMS" }
                                th.review { "Review" }
                            }
                        }
                        tbody {
                            @for (i, r) in self.rows.iter().enumerate() {
                                tr id=(r.id) class=(status_class(&r.status)) {
                                    td.n { (i + 1) }
                                    td.where_ {
                                        code.id { (r.id) }
                                        @for p in &r.places { br; span.place { (p) } }
                                        br; span.fp { "fingerprint " code { (r.fingerprint) } }
                                    }
                                    @for c in &r.langs {
                                        td.text lang=(c.lang.code()) { (c.text) }
                                    }
                                    td.source {
                                        @for c in &r.langs {
                                            @if c.lang == Lang::En || c.source != r.langs[0].source {
                                                p { span.lang { (c.lang.code()) } " " (c.source) }
                                            }
                                            @if !c.note.is_empty() && (c.lang == Lang::En) {
                                                p.note { (c.note) }
                                            }
                                        }
                                    }
                                    td.sms {
                                        @for c in &r.langs {
                                            @if let Some(sms) = c.sms {
                                                span.lang { (c.lang.code()) } " " (sms.describe()) br;
                                            }
                                        }
                                        @if let Some(b) = r.budget { "budget " (b) }
                                    }
                                    td.review {
                                        span.status { (r.status) }
                                        @for u in &r.unverified { br; span.flag { "unverified: " (u) } }
                                        div.sign { "OK \u{2610}   change: " }
                                    }
                                }
                            }
                        }
                    }
                    @if !self.not_medical.is_empty() {
                        section #not-medical {
                            h2 { "Marked as making no medical or legal statement" }
                            p { "These texts sit with the ones above but are questions, so they cite no source. Tell us if one of them does say something medical or legal." }
                            ul {
                                @for (id, text) in &self.not_medical {
                                    li { code { (id) } ": " (text) }
                                }
                            }
                        }
                    }
                    section #sign {
                        h2 { "Sign-off" }
                        p { "I have read the texts above, in the languages I read, against their sources." }
                        dl {
                            dt { "Name" } dd {}
                            dt { "Role and credentials" } dd {}
                            dt { "Organisation" } dd {}
                            dt { "Date" } dd {}
                            dt { "Signature" } dd {}
                        }
                    }
                    section #record {
                        h2 { "For the operator: recording this review" }
                        p {
                            "Add this to " code { "locales/REVIEWS.toml" } ", fill in who reviewed and when, and keep only the "
                            "texts the reviewer marked OK. " code { "haven check" } " then counts them as reviewed."
                        }
                        pre { (self.record_stub()) }
                    }
                }
            }
        };
        page.into_string()
    }

    /// A `[[review]]` table naming every text with its current fingerprint.
    pub fn record_stub(&self) -> String {
        let mut s = String::from(
            "[[review]]\nreviewer = \"\"\nrole = \"\"\norganisation = \"\"\ndate = \"YYYY-MM-DD\"\nnotes = \"\"\n[review.texts]\n",
        );
        for r in &self.rows {
            s.push_str(&format!("{} = \"{}\"\n", r.id, r.fingerprint));
        }
        s
    }

    /// The same rows as CSV (RFC 4180: quoted fields, CRLF line ends).
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let mut header = vec!["id".to_owned(), "where".to_owned()];
        for lang in Lang::ALL {
            header.push(format!("text_{}", lang.code()));
        }
        for lang in Lang::ALL {
            header.push(format!("source_{}", lang.code()));
        }
        for lang in Lang::ALL {
            header.push(format!("sms_segments_{}", lang.code()));
            header.push(format!("sms_encoding_{}", lang.code()));
        }
        header.extend(
            ["sms_budget", "fingerprint", "review", "unverified"]
                .iter()
                .map(|s| s.to_string()),
        );
        push_record(&mut out, &header);
        for r in &self.rows {
            let mut rec = vec![r.id.clone(), r.places.join(" ")];
            rec.extend(r.langs.iter().map(|c| c.text.clone()));
            rec.extend(r.langs.iter().map(|c| c.source.clone()));
            for c in &r.langs {
                match c.sms {
                    Some(s) => {
                        rec.push(s.segments.to_string());
                        rec.push(s.encoding.to_string());
                    }
                    None => rec.extend([String::new(), String::new()]),
                }
            }
            rec.push(r.budget.map(|b| b.to_string()).unwrap_or_default());
            rec.push(r.fingerprint.clone());
            rec.push(r.status.to_string());
            rec.push(r.unverified.join("; "));
            push_record(&mut out, &rec);
        }
        out
    }
}

fn status_class(s: &Status) -> &'static str {
    match s {
        Status::NotReviewed => "not-reviewed",
        Status::Reviewed { .. } => "reviewed",
        Status::Changed { .. } => "changed",
    }
}

fn push_record(out: &mut String, fields: &[String]) {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

/// Print-friendly and readable on a screen; system fonts only.
const CSS: &str = r#"
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #111; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
p.meta { color: #333; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .4rem .5rem; vertical-align: top; text-align: left; }
th { background: #eee; position: sticky; top: 0; }
td.text { white-space: pre-wrap; width: 24%; }
td.source { font-size: .85rem; width: 20%; }
td.sms, td.where_, td.review { font-size: .8rem; }
td.n { color: #555; }
code.id { font-weight: bold; }
.place, .fp { color: #444; }
.lang { font-weight: bold; text-transform: uppercase; font-size: .75rem; }
.note { color: #555; font-style: italic; }
.flag { color: #8a1c00; font-weight: bold; }
tr.not-reviewed .status { color: #8a1c00; }
tr.changed .status { color: #8a5a00; font-weight: bold; }
tr.reviewed .status { color: #185c18; }
.sign { margin-top: .6rem; min-height: 3rem; border-top: 1px dashed #999; padding-top: .3rem; white-space: pre; }
#unverified { border: 2px solid #8a1c00; padding: .2rem 1rem; }
dl { display: grid; grid-template-columns: 12rem 1fr; gap: .8rem; }
dd { border-bottom: 1px solid #333; margin: 0; min-height: 1.6rem; }
pre { background: #f4f4f4; padding: .8rem; overflow-x: auto; font-size: .8rem; }
@media print {
  body { margin: 0; font-size: 10pt; }
  th { position: static; }
  tr { break-inside: avoid; }
  #record { break-before: page; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut out = String::new();
        push_record(
            &mut out,
            &["a".into(), "b, c".into(), "say \"hi\"\nthen".into()],
        );
        assert_eq!(out, "a,\"b, c\",\"say \"\"hi\"\"\nthen\"\r\n");
    }
}
