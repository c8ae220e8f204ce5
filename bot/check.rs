//! `haven check`: flows and texts validated together, every problem as `file:line:col: message`,
//! and the SMS cost of every text in every language.
//!
//! The engine refuses to start on any problem this finds (`Engine::load` calls `check`), so a
//! broken flow never reaches a person.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::Lang;
use crate::engine::{self, Engine};
use crate::flows;
use crate::locales::Texts;
use crate::problem::Problem;
use crate::text::{Encoding, fold, segments};
use crate::triage::keywords;

/// Text ids starting with these carry medical or legal statements and must cite a source in
/// a comment (`# Source: ...`) beside the text, per content-sources.md.
pub const SOURCED_PREFIXES: &[&str] = &[
    "emergency-",
    "naloxone-",
    "saferuse-",
    "crisis-",
    "refer-none",
    // Counselors' quick replies (naloxone steps, 988...): every one cites where it comes from.
    QUICK_PREFIX,
];

/// Text ids of counselors' quick replies (`locales/*/quick-replies.ftl`), said by counselors
/// from the console or the Telegram group.
pub const QUICK_PREFIX: &str = "quick-";

/// The variable a quick reply may use: the ZIP or place the counselor types.
pub const QUICK_PLACE: &str = "place";

/// The SMS cost of one text in one language.
#[derive(Clone, Debug)]
pub struct SegmentLine {
    pub key: String,
    pub lang: Lang,
    pub encoding: Encoding,
    pub units: usize,
    pub segments: usize,
    /// The budget of the strictest place the text is said.
    pub budget: u32,
}

pub struct Report {
    pub engine: Option<Engine>,
    pub problems: Vec<Problem>,
    pub segments: Vec<SegmentLine>,
    /// Follow-on findings (unreachable steps, unused texts) not reported because other
    /// problems usually cause them: one typo in a `next:` makes steps look unreachable.
    pub hidden_follow_ons: usize,
}

/// Whether a problem is usually a consequence of another one.
fn is_follow_on(p: &Problem) -> bool {
    p.message.ends_with("is unreachable") || p.message.ends_with("is never used")
}

/// Texts said by Rust code whatever the flows are.
pub fn builtin_texts() -> BTreeSet<String> {
    let mut s: BTreeSet<String> = engine::TEXTS.iter().map(|k| k.to_string()).collect();
    s.extend(flows::actions::handoff::TEXTS.iter().map(|k| k.to_string()));
    s.extend(engine::refer::TEXTS.iter().map(|k| k.to_string()));
    s.extend(crate::locales::WEB_TEXTS.iter().map(|k| k.to_string()));
    s.extend(
        crate::referrals::render::MESSAGE_IDS
            .iter()
            .map(|k| k.to_string()),
    );
    s.extend(crate::handoff::TEXTS.iter().map(|k| k.to_string()));
    s
}

pub fn check(flows_dir: &Path, locales_dir: &Path) -> Report {
    // Without a flows directory nothing else can be checked meaningfully.
    if !flows_dir.is_dir() {
        return Report {
            engine: None,
            problems: vec![Problem::new(
                flows_dir,
                0,
                0,
                "no such flows directory (give another with --flows or HAVEN_FLOWS)",
            )],
            segments: Vec::new(),
            hidden_follow_ons: 0,
        };
    }
    let loaded = flows::load_dir(flows_dir);
    let (texts, text_problems) = Texts::load(locales_dir);
    let mut problems = loaded.problems;
    problems.extend(text_problems);
    let mut builtins = builtin_texts();
    builtins.extend(loaded.builtin_texts.iter().cloned());
    check_quick_replies(&texts, locales_dir, &mut builtins, &mut problems);

    // Every used text exists in every language.
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for u in &loaded.uses {
        used.insert(&u.key);
        for lang in Lang::ALL {
            if !texts.has(lang, &u.key) {
                problems.push(Problem::new(
                    &u.file,
                    u.line,
                    u.col,
                    format!(
                        "text `{}` is missing in locale `{}` ({})",
                        u.key,
                        lang,
                        locales_dir.join(lang.code()).display()
                    ),
                ));
            }
        }
    }
    for key in &builtins {
        for lang in Lang::ALL {
            if !texts.has(lang, key) {
                problems.push(Problem::new(
                    &locales_dir.join(lang.code()),
                    0,
                    0,
                    format!(
                        "text `{key}` is required by haven itself and missing in locale `{lang}`"
                    ),
                ));
            }
        }
    }
    // Every defined text is used, and medical texts cite a source.
    for (lang, key, site) in texts.all() {
        let is_builtin = builtins.contains(key);
        if !used.contains(key) && !is_builtin {
            problems.push(Problem::new(
                &site.file,
                site.line,
                site.col,
                format!("text `{key}` is never used"),
            ));
        }
        // Choice labels are a few words of navigation, not statements.
        if SOURCED_PREFIXES.iter().any(|p| key.starts_with(p))
            && !key.contains("-choice-")
            && !site.comment.contains("Source:")
            && !site.comment.contains("Fuente:")
        {
            problems.push(Problem::new(
                &site.file,
                site.line,
                site.col,
                format!("text `{key}` ({lang}) makes medical or legal statements: cite its source in a `# Source: ...` comment"),
            ));
        }
    }
    // SMS budgets and segment counts, and choice labels that are SMS keywords.
    let mut lines: BTreeMap<(String, Lang), SegmentLine> = BTreeMap::new();
    for u in &loaded.uses {
        for lang in Lang::ALL {
            let Some(site) = texts.site(lang, &u.key) else {
                continue;
            };
            let text = render_sample(&texts, lang, &u.key, &site.variables);
            let labels: Vec<String> = u
                .choices
                .iter()
                .map(|l| texts.render(lang, l, &[]))
                .collect();
            let sms = engine::reply::plain_with_choices(&text, &labels);
            let seg = segments(&sms);
            let budget = if u.first_emergency { 1 } else { u.sms_segments };
            if seg.count as u32 > budget {
                let why = if u.first_emergency {
                    "the first emergency reply must fit one SMS segment".to_owned()
                } else {
                    format!("over its budget of {budget}")
                };
                problems.push(Problem::new(
                    &u.file,
                    u.line,
                    u.col,
                    format!(
                        "text `{}` ({lang}) is {} SMS segments ({}, {} units{}): {why}",
                        u.key,
                        seg.count,
                        seg.encoding,
                        seg.units,
                        if labels.is_empty() {
                            ""
                        } else {
                            ", with its choices"
                        }
                    ),
                ));
            }
            let folded = fold(&text);
            if u.is_label && keywords::is_reserved(&folded.as_str().replace(' ', "")) {
                problems.push(Problem::new(
                    &u.file,
                    u.line,
                    u.col,
                    format!("choice label `{}` reads `{}` in {lang}, an SMS keyword (STOP, HELP, START...)", u.key, text),
                ));
            }
            let entry = lines.entry((u.key.clone(), lang)).or_insert(SegmentLine {
                key: u.key.clone(),
                lang,
                encoding: seg.encoding,
                units: seg.units,
                segments: seg.count,
                budget,
            });
            if budget < entry.budget || seg.count > entry.segments {
                entry.budget = entry.budget.min(budget);
                entry.segments = entry.segments.max(seg.count);
                entry.units = entry.units.max(seg.units);
                entry.encoding = seg.encoding;
            }
        }
    }
    for key in &builtins {
        // The web chat's page texts are shown in a browser, never sent by SMS.
        if crate::locales::WEB_TEXTS.contains(&key.as_str()) {
            continue;
        }
        for lang in Lang::ALL {
            let Some(site) = texts.site(lang, key) else {
                continue;
            };
            let text = render_sample(&texts, lang, key, &site.variables);
            let seg = segments(&text);
            lines.entry((key.clone(), lang)).or_insert(SegmentLine {
                key: key.clone(),
                lang,
                encoding: seg.encoding,
                units: seg.units,
                segments: seg.count,
                budget: flows::load::DEFAULT_SMS_SEGMENTS,
            });
        }
    }
    let engine = match (problems.is_empty(), loaded.flows) {
        (true, Some(f)) => match Engine::from_parts(f, texts) {
            Ok(e) => Some(e),
            Err(e) => {
                problems.push(Problem::new(flows_dir, 0, 0, e));
                None
            }
        },
        _ => None,
    };
    problems.sort();
    problems.dedup();
    let mut hidden_follow_ons = 0;
    if problems.iter().any(|p| !is_follow_on(p)) {
        let before = problems.len();
        problems.retain(|p| !is_follow_on(p));
        hidden_follow_ons = before - problems.len();
    }
    Report {
        hidden_follow_ons,
        engine,
        problems,
        segments: lines.into_values().collect(),
    }
}

/// Quick replies: each exists in every language, has a `.label` (the counselor's button) and
/// uses no variable but `$place`. They count as used: counselors say them.
fn check_quick_replies(
    texts: &Texts,
    locales_dir: &Path,
    builtins: &mut BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    let quick: BTreeSet<String> = texts
        .all()
        .filter(|(_, k, _)| k.starts_with(QUICK_PREFIX))
        .map(|(_, k, _)| k.to_owned())
        .collect();
    for key in &quick {
        for lang in Lang::ALL {
            let Some(site) = texts.site(lang, key) else {
                problems.push(Problem::new(
                    &locales_dir.join(lang.code()),
                    0,
                    0,
                    format!("quick reply `{key}` is missing in locale `{lang}`"),
                ));
                continue;
            };
            if !site.attributes.iter().any(|a| a == "label") {
                problems.push(Problem::new(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "quick reply `{key}` ({lang}) needs a `.label` attribute: the words on the counselor's button"
                    ),
                ));
            }
            for v in &site.variables {
                if v != QUICK_PLACE {
                    problems.push(Problem::new(
                        &site.file,
                        site.line,
                        site.col,
                        format!(
                            "quick reply `{key}` ({lang}) uses `{{ ${v} }}`; a quick reply may only use `{{ ${QUICK_PLACE} }}` (the ZIP or place the counselor types)"
                        ),
                    ));
                }
            }
        }
    }
    builtins.extend(quick);
}

/// Renders a text with a sample value for each variable, long enough to be a fair estimate.
fn render_sample(texts: &Texts, lang: Lang, key: &str, variables: &[String]) -> String {
    const SAMPLE: &str = "1234567890";
    let args: Vec<(&str, &str)> = variables.iter().map(|v| (v.as_str(), SAMPLE)).collect();
    texts.render(lang, key, &args)
}
