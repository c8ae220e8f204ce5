//! Content reviews as data: `locales/REVIEWS.toml` records who reviewed which medical and legal
//! texts, and which facts are still unverified. `haven check` validates it; `haven content
//! sheet` shows each text's status beside it.
//!
//! ```toml
//! review = []                      # nobody has reviewed yet: say so, never invent a review
//!
//! # [[review]]                     # one table per review, as it happened (it replaces
//!                                  # `review = []`: TOML allows only one of the two)
//! # reviewer = "A. Name, RN"
//! # role = "clinician"             # clinician, harm-reduction trainer, lawyer...
//! # organisation = "Example Harm Reduction Program"
//! # date = "2027-01-15"
//! # texts = { emergency-first = "3f2a9c0d1b7e" }   # id = fingerprint shown on the sheet
//! # notes = "Signed paper copy kept at the program office."
//!
//! [[unverified]]
//! what = "Never Use Alone hotline number"
//! texts = ["saferuse-alone"]
//! why = "Only secondary sources give the number."
//! how = "Call it, or read neverusealone.com, and record who checked and when."
//! ```
//!
//! A review covers a text only while the text is the one reviewed: its fingerprint (the first
//! 12 hex digits of SHA-256 over the text in every language) must still match. An edited text
//! shows as "changed since review" until someone reviews it again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::problem::Problem;

/// The file name, in the locales directory.
pub const FILE: &str = "REVIEWS.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviews {
    #[serde(default)]
    pub review: Vec<Review>,
    #[serde(default)]
    pub unverified: Vec<Unverified>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub reviewer: Spanned<String>,
    pub role: Spanned<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    pub date: Spanned<String>,
    /// Text id → the fingerprint of the text the reviewer read.
    pub texts: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unverified {
    pub what: Spanned<String>,
    pub texts: Vec<Spanned<String>>,
    pub why: Spanned<String>,
    /// How to verify it.
    #[serde(default)]
    pub how: Option<String>,
}

/// Where a text stands with its reviewers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    NotReviewed,
    /// The latest review of exactly this text.
    Reviewed {
        reviewer: String,
        role: String,
        date: String,
    },
    /// Reviewed once, but the text has changed since.
    Changed {
        reviewer: String,
        date: String,
    },
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::NotReviewed => write!(f, "not reviewed"),
            Status::Reviewed {
                reviewer,
                role,
                date,
            } => write!(f, "reviewed by {reviewer} ({role}) on {date}"),
            Status::Changed { reviewer, date } => {
                write!(f, "changed since {reviewer} reviewed it on {date}")
            }
        }
    }
}

/// The fingerprint of a text: its rendering in every language, in order.
pub fn fingerprint<'a>(renderings: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut h = Sha256::new();
    for (lang, text) in renderings {
        h.update(lang.as_bytes());
        h.update(b"\n");
        h.update(text.as_bytes());
        h.update(b"\n");
    }
    h.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Reviews {
    /// Reads `dir/REVIEWS.toml`. A missing file means no reviews and nothing flagged; a file
    /// that cannot be read or parsed is a problem (and no reviews).
    pub fn load(dir: &Path) -> (Reviews, Option<String>, Vec<Problem>) {
        let path = dir.join(FILE);
        let source = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Reviews::default(), None, Vec::new());
            }
            Err(e) => {
                let p = Problem::new(&path, 0, 0, format!("cannot read: {e}"));
                return (Reviews::default(), None, vec![p]);
            }
        };
        match toml::from_str::<Reviews>(&source) {
            Ok(r) => (r, Some(source), Vec::new()),
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                let mut message = e.message().trim().replace('\n', ": ");
                // `review = []` says nobody has reviewed yet; the first `[[review]]` replaces it.
                if message.contains("duplicate key `review`") {
                    message.push_str(" (delete `review = []` when you add the first [[review]])");
                }
                let p = Problem::at_offset(&path, &source, at, message);
                (Reviews::default(), Some(source), vec![p])
            }
        }
    }

    /// Problems with the records themselves: empty fields, a malformed date or fingerprint, a
    /// text id that names no medical or legal text.
    pub fn validate(&self, path: &Path, source: &str, medical: &BTreeSet<String>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut at = |span: std::ops::Range<usize>, m: String| {
            problems.push(Problem::at_offset(path, source, span.start, m));
        };
        for r in &self.review {
            for (field, value) in [("reviewer", &r.reviewer), ("role", &r.role)] {
                if value.get_ref().trim().is_empty() {
                    at(
                        value.span(),
                        format!("`{field}` is empty: say who reviewed"),
                    );
                }
            }
            if !is_date(r.date.get_ref()) {
                at(
                    r.date.span(),
                    format!("`{}` is not a date (YYYY-MM-DD)", r.date.get_ref()),
                );
            }
            if r.texts.is_empty() {
                at(r.reviewer.span(), "a review with no `texts`".to_owned());
            }
            for (id, fp) in &r.texts {
                if !medical.contains(id.get_ref()) {
                    at(
                        id.span(),
                        format!(
                            "`{}` is not a medical or legal text (see `haven content sheet`)",
                            id.get_ref()
                        ),
                    );
                }
                let f = fp.get_ref();
                if f.len() != 12 || !f.chars().all(|c| c.is_ascii_hexdigit()) {
                    at(
                        fp.span(),
                        format!("`{f}` is not a fingerprint (12 hex digits, from the sheet)"),
                    );
                }
            }
        }
        for u in &self.unverified {
            for (field, value) in [("what", &u.what), ("why", &u.why)] {
                if value.get_ref().trim().is_empty() {
                    at(value.span(), format!("`{field}` is empty"));
                }
            }
            for id in &u.texts {
                if !medical.contains(id.get_ref()) {
                    at(
                        id.span(),
                        format!("`{}` is not a medical or legal text", id.get_ref()),
                    );
                }
            }
        }
        problems
    }

    /// The status of `id`, whose fingerprint is now `current`.
    pub fn status(&self, id: &str, current: &str) -> Status {
        let mut best: Option<(&Review, bool)> = None;
        for r in &self.review {
            let Some((_, fp)) = r.texts.iter().find(|(k, _)| k.get_ref() == id) else {
                continue;
            };
            let same = fp.get_ref() == current;
            // The latest review counts; among equal dates, one of this very text.
            let better = match best {
                None => true,
                Some((b, b_same)) => (r.date.get_ref(), same) > (b.date.get_ref(), b_same),
            };
            if better {
                best = Some((r, same));
            }
        }
        match best {
            None => Status::NotReviewed,
            Some((r, true)) => Status::Reviewed {
                reviewer: r.reviewer.get_ref().clone(),
                role: r.role.get_ref().clone(),
                date: r.date.get_ref().clone(),
            },
            Some((r, false)) => Status::Changed {
                reviewer: r.reviewer.get_ref().clone(),
                date: r.date.get_ref().clone(),
            },
        }
    }

    /// The unverified items that name `id`.
    pub fn unverified_for<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Unverified> {
        self.unverified
            .iter()
            .filter(move |u| u.texts.iter().any(|t| t.get_ref() == id))
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE_TEXT: &str = r#"
[[review]]
reviewer = "A. Name, RN"
role = "clinician"
date = "2027-01-15"
texts = { emergency-first = "0123456789ab", emergency-steps = "aaaaaaaaaaaa" }

[[review]]
reviewer = "B. Name"
role = "harm-reduction trainer"
date = "2027-02-01"
texts = { emergency-steps = "bbbbbbbbbbbb" }

[[unverified]]
what = "a number"
texts = ["saferuse-alone"]
why = "secondary sources only"
"#;

    fn medical() -> BTreeSet<String> {
        ["emergency-first", "emergency-steps", "saferuse-alone"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn status_follows_the_latest_review_and_the_fingerprint() {
        let r: Reviews = toml::from_str(FILE_TEXT).unwrap();
        assert!(r.validate(Path::new("R"), FILE_TEXT, &medical()).is_empty());
        assert_eq!(
            r.status("emergency-first", "0123456789ab"),
            Status::Reviewed {
                reviewer: "A. Name, RN".into(),
                role: "clinician".into(),
                date: "2027-01-15".into()
            }
        );
        assert_eq!(
            r.status("emergency-first", "ffffffffffff"),
            Status::Changed {
                reviewer: "A. Name, RN".into(),
                date: "2027-01-15".into()
            }
        );
        // The later review read another version; the earlier one read this one.
        assert!(matches!(
            r.status("emergency-steps", "aaaaaaaaaaaa"),
            Status::Changed { .. }
        ));
        assert!(matches!(
            r.status("emergency-steps", "bbbbbbbbbbbb"),
            Status::Reviewed { .. }
        ));
        assert_eq!(r.status("saferuse-alone", "x"), Status::NotReviewed);
        assert_eq!(r.unverified_for("saferuse-alone").count(), 1);
    }

    #[test]
    fn bad_records_are_problems_with_positions() {
        let text = "[[review]]\nreviewer = \"\"\nrole = \"clinician\"\ndate = \"2027-13-01\"\ntexts = { nosuch = \"xyz\" }\n";
        let r: Reviews = toml::from_str(text).unwrap();
        let p: Vec<String> = r
            .validate(Path::new("R.toml"), text, &medical())
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(
            p[0].starts_with("R.toml:2:12: `reviewer` is empty"),
            "{p:?}"
        );
        assert!(
            p[1].starts_with("R.toml:4:8: `2027-13-01` is not a date"),
            "{p:?}"
        );
        assert!(
            p[2].contains("R.toml:5:11: `nosuch` is not a medical"),
            "{p:?}"
        );
        assert!(p[3].contains("`xyz` is not a fingerprint"), "{p:?}");
    }

    #[test]
    fn an_empty_list_and_a_first_review_together_get_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "review = []\n\n[[review]]\nreviewer = \"A\"\n",
        )
        .unwrap();
        let (_, _, problems) = Reviews::load(dir.path());
        assert_eq!(problems.len(), 1);
        let p = problems[0].to_string();
        assert!(p.contains("REVIEWS.toml:3:"), "{p}");
        assert!(p.contains("delete `review = []`"), "{p}");
    }

    #[test]
    fn fingerprints_change_with_any_language() {
        let a = fingerprint([("en", "Call 911"), ("es", "Llame al 911")]);
        let b = fingerprint([("en", "Call 911"), ("es", "Llame al 911 ya")]);
        assert_eq!(a.len(), 12);
        assert_ne!(a, b);
    }
}
