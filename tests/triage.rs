//! The triage corpus test: every message in `tests/triage/corpus.yaml` through the shipped
//! flows' triggers. Fails if any emergency is missed, if any message that is not an opt-out is
//! taken as `stop` (or an opt-out is missed), or if overall accuracy drops below the floor;
//! prints accuracy per intent and language either way (`cargo test --test triage -- --nocapture`).

use std::collections::BTreeMap;
use std::path::Path;

use haven::engine::Engine;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    intent: String,
    lang: String,
    text: String,
    #[serde(default)]
    note: Option<String>,
}

/// Below this share of correctly classified messages, the test fails: a drop means a trigger
/// change made things worse somewhere.
const ACCURACY_FLOOR: f64 = 0.90;

fn engine() -> Engine {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Engine::load(&root.join("flows"), &root.join("locales")).unwrap_or_else(|p| {
        panic!(
            "shipped flows must load: {}",
            p.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// The training corpus: the first corpus, the first held-out set (seen since its first run) and
/// the training messages written for issue 10. Triage is developed against these.
fn corpus() -> Vec<Case> {
    let mut cases = load("corpus.yaml");
    cases.extend(load("holdout.yaml"));
    cases.extend(load("training-2026-12.yaml"));
    cases
}

/// Everything haven says to a first message, on SMS, as plain text.
fn first_replies(engine: &Engine, text: &str) -> String {
    use haven::engine::{Channel, Content, Ctx, Input, Session};
    let out = engine.handle(
        Session::default(),
        &Input {
            content: Content::Text(text),
            now: 1_800_000_000,
            channel: Channel::Sms,
        },
        &Ctx::default(),
    );
    out.replies
        .iter()
        .map(|r| r.plain())
        .collect::<Vec<_>>()
        .join("\n")
}

fn load(name: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/triage")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("corpus exists");
    serde_saphyr::from_str(&text).expect("corpus parses")
}

#[test]
fn corpus_is_big_and_broad_enough() {
    let cases = corpus();
    assert!(
        cases.len() >= 200,
        "at least 200 messages, have {}",
        cases.len()
    );
    for intent in [
        "stop",
        "start",
        "help",
        "emergency",
        "crisis",
        "human",
        "naloxone",
        "services",
        "greeting",
        "other",
    ] {
        for lang in ["en", "es"] {
            let n = cases
                .iter()
                .filter(|c| c.intent == intent && c.lang == lang)
                .count();
            // start/help have few Spanish keywords by nature.
            let min = if ["start", "help"].contains(&intent) && lang == "es" {
                1
            } else {
                3
            };
            assert!(n >= min, "{intent}/{lang}: only {n} messages");
        }
    }
}

#[test]
fn triage_corpus() {
    let engine = engine();
    let cases = corpus();
    let mut per_intent: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut missed_emergencies = Vec::new();
    let mut unanswered = Vec::new();
    let mut false_stops = Vec::new();
    let mut missed_stops = Vec::new();
    let mut wrong = Vec::new();
    let mut lang_right = 0;
    let mut lang_guessed = 0;
    for c in &cases {
        let (cls, prepared) = engine.classify(&c.text);
        let got = engine.intent_of(&cls);
        let e = per_intent
            .entry((c.intent.clone(), c.lang.clone()))
            .or_default();
        e.1 += 1;
        if got == c.intent {
            e.0 += 1;
        } else {
            wrong.push(format!("  {:>9} <- {:<9} {:?}", got, c.intent, c.text));
        }
        if c.intent == "emergency" && got != "emergency" {
            missed_emergencies.push(format!("{:?} (got {got})", c.text));
        }
        // What the person is told, from a fresh session: every overdose gets 911, every
        // suicidal message 988, whatever the intent.
        if c.intent == "emergency" || c.intent == "crisis" {
            let said = first_replies(&engine, &c.text);
            let need = if c.intent == "emergency" {
                "911"
            } else {
                "988"
            };
            if !said.contains(need) {
                unanswered.push(format!("{:?} ({} without {need})", c.text, c.intent));
            }
        }
        if c.intent != "stop" && got == "stop" {
            false_stops.push(c.text.clone());
        }
        if c.intent == "stop" && got != "stop" {
            missed_stops.push(c.text.clone());
        }
        // The language haven would answer a first message in.
        let guess = engine
            .guess_language(&c.text, &prepared)
            .map(|(l, _)| l)
            .or(cls.lang_hint);
        if let Some(g) = guess {
            lang_guessed += 1;
            if g.code() == c.lang {
                lang_right += 1;
            }
        }
    }
    let total: usize = per_intent.values().map(|v| v.1).sum();
    let right: usize = per_intent.values().map(|v| v.0).sum();
    println!("\ntriage accuracy per intent and language:");
    for ((intent, lang), (ok, n)) in &per_intent {
        println!(
            "  {intent:<10} {lang}  {ok:>3}/{n:<3}  {:5.1}%",
            100.0 * *ok as f64 / *n as f64
        );
    }
    let accuracy = right as f64 / total as f64;
    println!("  overall        {right}/{total}  {:.1}%", 100.0 * accuracy);
    println!(
        "language of first message: {lang_right}/{lang_guessed} right where guessed, {} not guessed (English by default)",
        total - lang_guessed
    );
    println!("misclassified (got <- expected):\n{}", wrong.join("\n"));
    assert!(
        missed_emergencies.is_empty(),
        "missed emergencies:\n{}",
        missed_emergencies.join("\n")
    );
    assert!(
        unanswered.is_empty(),
        "not answered with 911 (overdose) or 988 (crisis):\n{}",
        unanswered.join("\n")
    );
    assert!(
        false_stops.is_empty(),
        "taken as STOP but are not opt-outs:\n{}",
        false_stops.join("\n")
    );
    assert!(
        missed_stops.is_empty(),
        "opt-outs not recognised:\n{}",
        missed_stops.join("\n")
    );
    assert!(
        accuracy >= ACCURACY_FLOOR,
        "overall accuracy {accuracy:.3} is below {ACCURACY_FLOOR}"
    );
}

/// Issue 17's corpus (`treatment.yaml`): treatment questions that must be answered before any
/// location question, and "where" requests that must stay referrals. Fails if a question the
/// issue lists is not `treatment`, if anything is taken as STOP, or if accuracy drops below the
/// floor; prints what it got wrong either way.
#[test]
fn triage_treatment() {
    let engine = engine();
    let cases = load("treatment.yaml");
    assert!(
        cases.len() >= 40,
        "treatment.yaml has {} messages",
        cases.len()
    );
    let mut right = 0;
    let mut wrong = Vec::new();
    let mut listed_missed = Vec::new();
    let mut false_stops = Vec::new();
    for c in &cases {
        let (cls, _) = engine.classify(&c.text);
        let got = engine.intent_of(&cls);
        if got == c.intent {
            right += 1;
        } else {
            wrong.push(format!("  {:>9} <- {:<9} {:?}", got, c.intent, c.text));
            if c.note
                .as_deref()
                .is_some_and(|n| n.starts_with("issue 17:"))
            {
                listed_missed.push(format!("{:?} (got {got})", c.text));
            }
        }
        if got == "stop" {
            false_stops.push(c.text.clone());
        }
    }
    let accuracy = right as f64 / cases.len() as f64;
    println!(
        "\ntreatment corpus: {right}/{} right ({:.1}%)",
        cases.len(),
        100.0 * accuracy
    );
    println!("misclassified (got <- expected):\n{}", wrong.join("\n"));
    assert!(
        listed_missed.is_empty(),
        "questions issue 17 lists, not answered by the treatment flow:\n{}",
        listed_missed.join("\n")
    );
    assert!(
        false_stops.is_empty(),
        "taken as STOP:\n{}",
        false_stops.join("\n")
    );
    assert!(
        accuracy >= ACCURACY_FLOOR,
        "treatment corpus accuracy {accuracy:.3} is below {ACCURACY_FLOOR}"
    );
}

/// The second held-out set (2026-12-01), written blind by someone who read neither `flows/`,
/// `locales/` nor the other corpora. It stayed unseen until the end of issue 10's development
/// and was measured once then (MEASUREMENTS.md); since, it guards those figures: every
/// emergency answered with 911, crises with 988, few false alarms. `HAVEN_SHOW_HOLDOUT=1`
/// lists the misses.
#[test]
fn triage_holdout_2026_12() {
    let m = measure("holdout-2026-12.yaml", "held-out 2026-12");
    assert!(m.n >= 300, "the held-out set has {} messages", m.n);
    assert_eq!(
        m.e911, m.emerg,
        "every emergency's first answer must say 911"
    );
    assert!(
        m.c988 * 100 >= m.crisis * 90,
        "crises answered with 988 fell to {}/{} (was 70/74)",
        m.c988,
        m.crisis
    );
    assert!(
        m.false_emerg <= 10,
        "{} non-emergencies taken as emergency (was 7)",
        m.false_emerg
    );
    assert!(
        m.right as f64 >= 0.85 * m.n as f64,
        "overall {}/{} fell below 85% (was 333/375)",
        m.right,
        m.n
    );
}

/// The third held-out set (2026-12-01, set B), written blind after the second was spent, to
/// measure the fixes made by kind of failure after that measurement. Figures only while those
/// fixes are developed: its messages stay unseen (`HAVEN_SHOW_HOLDOUT=1` lists the misses).
#[test]
fn triage_holdout_2026_12b() {
    let m = measure("holdout-2026-12b.yaml", "held-out 2026-12b");
    assert!(m.n >= 200, "the held-out set has {} messages", m.n);
}

/// What a held-out measurement counts.
struct Measured {
    n: usize,
    right: usize,
    emerg: usize,
    crisis: usize,
    e911: usize,
    c988: usize,
    false_emerg: usize,
}

/// Classifies every message of `file`, prints the aggregates (and the misses only with
/// `HAVEN_SHOW_HOLDOUT`), and returns the counts.
fn measure(file: &str, title: &str) -> Measured {
    let engine = engine();
    let cases = load(file);
    let show = std::env::var_os("HAVEN_SHOW_HOLDOUT").is_some();
    let mut per_intent: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut right, mut lang_right) = (0, 0);
    let (mut e911, mut c988, mut false_emerg) = (0, 0, 0);
    let mut wrong = Vec::new();
    for c in &cases {
        let (cls, _) = engine.classify(&c.text);
        let got = engine.intent_of(&cls);
        let e = per_intent.entry(c.intent.clone()).or_default();
        e.1 += 1;
        if got == c.intent {
            e.0 += 1;
            right += 1;
        } else {
            wrong.push(format!("  {:>9} <- {:<9} {:?}", got, c.intent, c.text));
        }
        if got == "emergency" && c.intent != "emergency" {
            false_emerg += 1;
        }
        let said = first_replies(&engine, &c.text);
        if c.intent == "emergency" && said.contains("911") {
            e911 += 1;
        }
        if c.intent == "crisis" && said.contains("988") {
            c988 += 1;
        }
        let (_, prepared) = engine.classify(&c.text);
        let lang = engine
            .guess_language(&c.text, &prepared)
            .map(|(l, _)| l)
            .or(cls.lang_hint)
            .unwrap_or_default();
        if lang.code() == c.lang {
            lang_right += 1;
        }
    }
    let n = cases.len();
    println!(
        "\n{title}: {right}/{n} right ({:.1}%)",
        100.0 * right as f64 / n as f64
    );
    for (intent, (ok, k)) in &per_intent {
        println!(
            "  {intent:<10} {ok:>3}/{k:<3} {:5.1}%",
            100.0 * *ok as f64 / *k as f64
        );
    }
    let emerg = per_intent.get("emergency").map_or(0, |v| v.1);
    let crisis = per_intent.get("crisis").map_or(0, |v| v.1);
    println!(
        "  emergencies answered with 911: {e911}/{emerg}; crises answered with 988: {c988}/{crisis}"
    );
    println!(
        "  non-emergencies taken as emergency: {false_emerg}; language right: {lang_right}/{n}"
    );
    if show {
        println!("misclassified (got <- expected):\n{}", wrong.join("\n"));
    }
    Measured {
        n,
        right,
        emerg,
        crisis,
        e911,
        c988,
        false_emerg,
    }
}
