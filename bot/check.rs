//! `haven check`: flows and texts validated together, every problem as `file:line:col: message`,
//! and the SMS cost of every text in every language.
//!
//! The engine refuses to start on any problem this finds (`Engine::load` calls `check`), so a
//! broken flow never reaches a person.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::Lang;
use crate::content::{self, reviews::Reviews, sources};
use crate::engine::{self, Engine};
use crate::flows;
use crate::locales::Texts;
use crate::problem::Problem;
use crate::speech::{self, VOICE_SUFFIX};
use crate::text::{Encoding, fold, segments};
use crate::triage::keywords;

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
    /// Where the medical and legal texts stand with their reviewers (`locales/REVIEWS.toml`).
    pub review: ReviewSummary,
    /// Follow-on findings (unreachable steps, unused texts) not reported because other
    /// problems usually cause them: one typo in a `next:` makes steps look unreachable.
    pub hidden_follow_ons: usize,
    /// Texts a caller may hear that have no speakable form (see [`SpeechNote`]).
    pub unspeakable: Vec<SpeechNote>,
}

/// A text a phone call may say that cannot be spoken as written and has no `-voice` form: a
/// call says it with those parts left out (a web address, an emoji) or reads them badly. Not
/// an error: the written form is right for every other channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeechNote {
    pub key: String,
    pub lang: Lang,
    /// What cannot be spoken, as `speech::words::SpeechProblem` says it.
    pub reasons: Vec<String>,
}

/// Texts said only on SMS or only as Telegram buttons: a call never hears them.
const NEVER_SPOKEN: &[&str] = &[
    "optout-confirm",
    "optin-confirm",
    "help-info",
    "telegram-share-location",
];

/// How many medical or legal texts there are, and how many a reviewer has signed as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewSummary {
    pub medical: usize,
    pub reviewed: usize,
    /// Reviewed once, changed since.
    pub changed: usize,
    /// Items recorded under `[[unverified]]`.
    pub unverified: usize,
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
    s.extend(crate::locales::CHANNEL_TEXTS.iter().map(|k| k.to_string()));
    s.extend(speech::VOICE_TEXTS.iter().map(|k| k.to_string()));
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
            review: ReviewSummary::default(),
            hidden_follow_ons: 0,
            unspeakable: Vec::new(),
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
    let mut used: BTreeSet<String> = BTreeSet::new();
    for u in &loaded.uses {
        used.insert(u.key.clone());
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
    // A text's spoken form (`emergency-steps-voice`) is used wherever the text is, exists in
    // every locale, and has a text it is the form of.
    for (lang, key, site) in texts.all() {
        let Some(base) = key.strip_suffix(VOICE_SUFFIX) else {
            continue;
        };
        if !texts.has(lang, base) {
            problems.push(Problem::new(
                &site.file,
                site.line,
                site.col,
                format!("text `{key}` is the spoken form of `{base}`, which is not a text in locale `{lang}`"),
            ));
            continue;
        }
        if used.contains(base) || builtins.contains(base) {
            used.insert(key.to_owned());
        }
        for other in Lang::ALL {
            if !texts.has(other, key) {
                problems.push(Problem::new(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "text `{key}` (the spoken form of `{base}`) is missing in locale `{other}` ({})",
                        locales_dir.join(other.code()).display()
                    ),
                ));
            }
        }
    }
    // A text included in a used text (`{ safety-line }`) is used too; one that includes a text
    // that does not exist would show a person an error marker.
    let mut queue: Vec<String> = used.iter().cloned().collect();
    queue.extend(builtins.iter().cloned());
    while let Some(key) = queue.pop() {
        for lang in Lang::ALL {
            let Some(site) = texts.site(lang, &key) else {
                continue;
            };
            for r in &site.references {
                if !texts.has(lang, r) {
                    problems.push(Problem::new(
                        &site.file,
                        site.line,
                        site.col,
                        format!("text `{key}` ({lang}) includes `{{ {r} }}`, which is not a text in this locale"),
                    ));
                } else if used.insert(r.clone()) {
                    queue.push(r.clone());
                }
            }
        }
    }
    // Every defined text is used.
    for (_, key, site) in texts.all() {
        if !used.contains(key) && !builtins.contains(key) {
            problems.push(Problem::new(
                &site.file,
                site.line,
                site.col,
                format!("text `{key}` is never used"),
            ));
        }
    }
    let review = check_sources_and_reviews(&texts, locales_dir, &mut problems);
    // SMS budgets and segment counts, and choice labels that are SMS keywords.
    let mut lines: BTreeMap<(String, Lang), SegmentLine> = BTreeMap::new();
    for u in &loaded.uses {
        for lang in Lang::ALL {
            if !texts.has(lang, &u.key) {
                continue;
            }
            let text = content::render_sample(&texts, lang, &u.key);
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
        // The web chat's page texts, the channels' button labels and what only a call says are
        // never sent by SMS.
        if crate::locales::WEB_TEXTS.contains(&key.as_str())
            || crate::locales::CHANNEL_TEXTS.contains(&key.as_str())
            || speech::VOICE_TEXTS.contains(&key.as_str())
        {
            continue;
        }
        for lang in Lang::ALL {
            if !texts.has(lang, key) {
                continue;
            }
            let text = content::render_sample(&texts, lang, key);
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
    if let Some(flows) = &loaded.flows {
        problems.extend(check_variables(flows, &loaded.uses, &texts));
    }
    let unspeakable = check_speech(&loaded.uses, &texts, &mut problems);
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
        review,
        segments: lines.into_values().collect(),
        unspeakable,
    }
}

/// Which texts a call may say cannot be spoken (`speech::words::problems`): a `-voice` form
/// that cannot is a problem (it exists only to be spoken), and so is a text only a call says;
/// any other text without a spoken form is reported as a [`SpeechNote`].
fn check_speech(
    uses: &[flows::TextUse],
    texts: &Texts,
    problems: &mut Vec<Problem>,
) -> Vec<SpeechNote> {
    let mut heard: BTreeSet<&str> = uses.iter().map(|u| u.key.as_str()).collect();
    heard.extend(engine::TEXTS.iter().copied());
    heard.extend(engine::refer::TEXTS.iter().copied());
    heard.retain(|k| !NEVER_SPOKEN.contains(k));
    let mut notes = Vec::new();
    for lang in Lang::ALL {
        for key in speech::VOICE_TEXTS {
            let reasons = speech::words::problems(&spoken_sample(texts, lang, key));
            if let (Some(site), false) = (texts.site(lang, key), reasons.is_empty()) {
                problems.push(Problem::new(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "text `{key}` ({lang}) is only ever spoken but cannot be: {}",
                        join(&reasons)
                    ),
                ));
            }
        }
        for key in &heard {
            let spoken = format!("{key}{VOICE_SUFFIX}");
            if let Some(site) = texts.site(lang, &spoken) {
                let reasons = speech::words::problems(&spoken_sample(texts, lang, &spoken));
                if !reasons.is_empty() {
                    problems.push(Problem::new(
                        &site.file,
                        site.line,
                        site.col,
                        format!("text `{spoken}` ({lang}) is the spoken form of `{key}` but cannot be spoken: {}", join(&reasons)),
                    ));
                }
                continue;
            }
            if !texts.has(lang, key) {
                continue;
            }
            let reasons = speech::words::problems(&spoken_sample(texts, lang, key));
            if !reasons.is_empty() {
                notes.push(SpeechNote {
                    key: (*key).to_owned(),
                    lang,
                    reasons: reasons.iter().map(|r| r.to_string()).collect(),
                });
            }
        }
    }
    notes.sort_by(|a, b| (&a.key, a.lang).cmp(&(&b.key, b.lang)));
    notes
}

/// A text rendered with a short value for each variable (a long sample number would read as
/// a problem of its own).
fn spoken_sample(texts: &Texts, lang: Lang, key: &str) -> String {
    let variables = texts
        .site(lang, key)
        .map(|s| s.variables.clone())
        .unwrap_or_default();
    let args: Vec<(&str, &str)> = variables.iter().map(|v| (v.as_str(), "3")).collect();
    texts.render(lang, key, &args)
}

fn join(reasons: &[speech::words::SpeechProblem]) -> String {
    reasons
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Medical and legal texts cite a public document, in every language; facts marked `[verify]`
/// are recorded as unverified; the review records are well formed. Returns where the texts
/// stand with their reviewers.
fn check_sources_and_reviews(
    texts: &Texts,
    locales_dir: &Path,
    problems: &mut Vec<Problem>,
) -> ReviewSummary {
    let mut medical: BTreeSet<String> = BTreeSet::new();
    for (lang, key, site) in texts.all() {
        // Choice labels are a few words of navigation, not statements.
        if content::is_label(key) {
            continue;
        }
        let at = |m: String| Problem::new(&site.file, site.line, site.col, m);
        match sources::check(&site.comment) {
            Ok(Some(_)) => {}
            Ok(None) => {
                if content::in_medical_family(key) && !sources::marked_not_medical(&site.comment)
                {
                    problems.push(at(format!(
                        "text `{key}` ({lang}) makes medical or legal statements: cite the public document it follows in a `# Source: ...` comment (or mark a question `# {}: ...`)",
                        sources::NOT_MEDICAL
                    )));
                }
            }
            Err(sources::SourceProblem::Untranslated(word)) => problems.push(at(format!(
                "text `{key}` ({lang}): `{word}` is not read; write `# Source:` in every language"
            ))),
            Err(sources::SourceProblem::Internal(doc)) => problems.push(at(format!(
                "text `{key}` ({lang}) cites {doc}, which is not a public document: cite the public source it follows"
            ))),
            Err(sources::SourceProblem::NoPublicDocument) => problems.push(at(format!(
                "the `# Source:` of `{key}` ({lang}) names no public document: give a URL or a document of a listed publisher (flows/README.md, \"Texts and sources\")"
            ))),
        }
        if content::is_medical(texts, key) {
            medical.insert(key.to_owned());
        }
    }
    // A text that cites a source in one language cites one in every language.
    for key in &medical {
        let citing: Vec<Lang> = Lang::ALL
            .iter()
            .copied()
            .filter(|&l| {
                texts
                    .site(l, key)
                    .is_some_and(|s| sources::source_of(&s.comment).is_some())
            })
            .collect();
        if citing.is_empty() {
            continue;
        }
        for lang in Lang::ALL {
            if let Some(site) = texts.site(lang, key)
                && !citing.contains(&lang)
                && sources::source_of(&site.comment).is_none()
                && !site.comment.contains("Fuente:")
                && !content::in_medical_family(key)
            {
                problems.push(Problem::new(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "text `{key}` cites a source in {} but not in {lang}: write `# Source: ...` above it too",
                        citing[0]
                    ),
                ));
            }
        }
    }
    let (reviews, source, mut review_problems) = Reviews::load(locales_dir);
    let path = locales_dir.join(content::reviews::FILE);
    if let Some(source) = &source {
        review_problems.extend(reviews.validate(&path, source, &medical));
    }
    problems.append(&mut review_problems);
    // A fact marked to verify is on the record, so the review sheet shows it.
    for (lang, key, site) in texts.all() {
        if sources::marked_unverified(&site.comment) && reviews.unverified_for(key).next().is_none()
        {
            problems.push(Problem::new(
                &site.file,
                site.line,
                site.col,
                format!(
                    "text `{key}` ({lang}) marks a fact to verify: list it under `[[unverified]]` in {}",
                    path.display()
                ),
            ));
        }
    }
    let mut summary = ReviewSummary {
        medical: medical.len(),
        unverified: reviews.unverified.len(),
        ..ReviewSummary::default()
    };
    for key in &medical {
        match reviews.status(key, &content::fingerprint(texts, key)) {
            content::reviews::Status::Reviewed { .. } => summary.reviewed += 1,
            content::reviews::Status::Changed { .. } => summary.changed += 1,
            content::reviews::Status::NotReviewed => {}
        }
    }
    summary
}

/// Texts rendered by code outside the engine and the referral and handoff modules, with the
/// variables it gives them: the rate-limit notice (`messaging::inbound`), the Telegram button
/// labels (`channels::telegram::handler`), the web chat's too-long note (`channels::web`).
/// Every other web chat and channel text is rendered with none.
const CODE_ARGS: &[(&str, &[&str])] = &[
    ("rate-limited", &[]),
    ("telegram-share-location", &[]),
    ("web-too-long", &["max"]),
];

/// Every variable a text uses must be given to it: a text a flow says (or the engine says on
/// a flow's behalf) gets the session's variables, which are those the flows set (`set`, a
/// choice's or a trigger's `set`, `capture`, `locate`) and those the engine sets (`refer`'s
/// `refer_more` and `refer_offset`, `also_<intent>` for urgent intents); a text that code
/// renders gets only the arguments that code passes. A variable nobody gives would reach the
/// person as the literal `{$name}`. Each problem points at the variable in the `.ftl` file.
fn check_variables(flows: &flows::FlowSet, uses: &[flows::TextUse], texts: &Texts) -> Vec<Problem> {
    let session = session_variables(flows);
    // Each way a text is rendered gives it some variables; it may use only those every way
    // gives.
    let mut given: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |key: &str, vars: BTreeSet<String>| {
        given
            .entry(key.to_owned())
            .and_modify(|g| g.retain(|v| vars.contains(v)))
            .or_insert(vars);
    };
    let said = engine::TEXTS
        .iter()
        .chain(flows::actions::handoff::TEXTS.iter())
        .chain(engine::refer::TEXTS.iter());
    for key in said {
        add(key, session.clone());
    }
    let code = crate::referrals::render::ARGS
        .iter()
        .chain(crate::handoff::TEXT_ARGS.iter())
        .chain(speech::VOICE_TEXT_ARGS.iter())
        .chain(CODE_ARGS.iter());
    for (key, args) in code {
        add(key, args.iter().map(|a| a.to_string()).collect());
    }
    for key in crate::referrals::render::MESSAGE_IDS
        .iter()
        .chain(crate::locales::WEB_TEXTS.iter())
        .chain(crate::locales::CHANNEL_TEXTS.iter())
        .chain(speech::VOICE_TEXTS.iter())
    {
        // Rendered by code; without an entry in a table above, with no variables.
        if !crate::referrals::render::ARGS.iter().any(|(k, _)| k == key)
            && !CODE_ARGS.iter().any(|(k, _)| k == key)
            && !speech::VOICE_TEXT_ARGS.iter().any(|(k, _)| k == key)
        {
            add(key, BTreeSet::new());
        }
    }
    let used_by_flows: BTreeSet<&str> = uses.iter().map(|u| u.key.as_str()).collect();
    let mut problems = Vec::new();
    let mut sources: BTreeMap<std::path::PathBuf, Option<String>> = BTreeMap::new();
    for (_, key, site) in texts.all() {
        // A spoken form is given what the text it stands for is given.
        let key = key.strip_suffix(VOICE_SUFFIX).unwrap_or(key);
        let mut allowed = given.get(key).cloned();
        if used_by_flows.contains(key) {
            allowed = Some(match allowed {
                Some(mut a) => {
                    a.retain(|v| session.contains(v));
                    a
                }
                None => session.clone(),
            });
        }
        // A text nobody says is reported as unused instead.
        let Some(allowed) = allowed else { continue };
        for var in &site.variables {
            if allowed.contains(var) {
                continue;
            }
            let hint = suggestion(var, &allowed).unwrap_or_else(|| {
                if allowed.is_empty() {
                    format!(" (`{key}` is given no variables)")
                } else {
                    let list: Vec<String> = allowed.iter().map(|v| format!("${v}")).collect();
                    format!(" (`{key}` is given {})", list.join(", "))
                }
            });
            let message = format!("unknown variable ${var}{hint}");
            let source = sources
                .entry(site.file.clone())
                .or_insert_with(|| std::fs::read_to_string(&site.file).ok());
            let at = source
                .as_deref()
                .and_then(|src| variable_offset(src, site.line, var).map(|o| (src, o)));
            problems.push(match at {
                Some((src, offset)) => Problem::at_offset(&site.file, src, offset, message),
                None => Problem::new(&site.file, site.line, site.col, message),
            });
        }
    }
    problems
}

/// The variables a session may hold: those the flows set, and those the engine sets.
fn session_variables(flows: &flows::FlowSet) -> BTreeSet<String> {
    use flows::{Action, Router};
    let mut vars: BTreeSet<String> = engine::refer::VARS.iter().map(|v| v.to_string()).collect();
    for t in &flows.triggers {
        vars.extend(t.set.iter().map(|(k, _)| k.clone()));
        // The engine's name for another urgent intent in the same message (see
        // `Exec::start_trigger`).
        if t.urgent {
            vars.insert(format!("also_{}", t.intent.replace('-', "_")));
        }
    }
    for flow in &flows.flows {
        for step in &flow.steps {
            for action in &step.actions {
                match action {
                    Action::Set(s) => vars.extend(s.vars.iter().map(|(k, _)| k.clone())),
                    Action::Locate(l) => {
                        vars.insert(l.var.clone());
                    }
                    _ => {}
                }
            }
            match &step.router {
                Router::Choices(c) => {
                    for choice in &c.choices {
                        vars.extend(choice.set.iter().map(|(k, _)| k.clone()));
                    }
                }
                Router::Capture(c) => {
                    vars.insert(c.var.clone());
                }
                _ => {}
            }
        }
    }
    vars
}

/// " (did you mean $x?)" for the closest given variable one or two edits away.
fn suggestion(var: &str, allowed: &BTreeSet<String>) -> Option<String> {
    allowed
        .iter()
        .map(|k| (strsim::levenshtein(var, k), k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min()
        .map(|(_, k)| format!(" (did you mean ${k}?)"))
}

/// The byte offset of `$var` in the message that starts on (1-based) `line` of `source`: on
/// that line or its continuation lines (indented, or blank), as a whole name.
fn variable_offset(source: &str, line: u32, var: &str) -> Option<usize> {
    let needle = format!("${var}");
    let mut offset = 0;
    for (i, text) in source.split_inclusive('\n').enumerate() {
        let n = i as u32 + 1;
        if n > line {
            let continues = text.starts_with([' ', '\t']) || text.trim().is_empty();
            if !continues {
                return None;
            }
        }
        if n >= line {
            let mut from = 0;
            while let Some(p) = text[from..].find(&needle) {
                let end = from + p + needle.len();
                let whole = !text[end..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if whole {
                    return Some(offset + from + p);
                }
                from = end;
            }
        }
        offset += text.len();
    }
    None
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
