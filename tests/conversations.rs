//! Runs every conversation script in `tests/conversations/` through the real runtime (sled on
//! disk in a temp dir), the same way `haven test` does.

use std::path::Path;
use std::sync::Arc;

use haven::conversations::{run_file, scripts_in};
use haven::engine::Engine;

#[test]
fn conversation_scripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = Arc::new(
        Engine::load(&root.join("flows"), &root.join("locales")).expect("shipped flows load"),
    );
    let scripts = scripts_in(&root.join("tests/conversations")).expect("scripts directory");
    assert!(
        scripts.len() >= 10,
        "expected the shipped scripts, found {}",
        scripts.len()
    );
    let mut failures = Vec::new();
    for s in &scripts {
        let r = run_file(s, engine.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.turns > 0, "{} has no turns", s.display());
        failures.extend(r.failures);
    }
    assert!(
        failures.is_empty(),
        "conversation scripts failed:\n{}",
        failures.join("\n")
    );
}

/// Issue 16's multi-turn corpus (`tests/conversations/multiturn/`): short conversations in both
/// languages, on every channel, where people answer in their own words. Written before the
/// behaviour was built; the share that holds is printed, and every one must hold.
#[test]
fn multi_turn_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = Arc::new(
        Engine::load(&root.join("flows"), &root.join("locales")).expect("shipped flows load"),
    );
    let scripts = scripts_in(&root.join("tests/conversations/multiturn")).expect("corpus");
    assert!(scripts.len() >= 60, "{} conversations", scripts.len());
    let mut failures = Vec::new();
    let mut held = 0;
    for s in &scripts {
        let r = run_file(s, engine.clone()).unwrap_or_else(|e| panic!("{e}"));
        if r.failures.is_empty() {
            held += 1;
        }
        failures.extend(r.failures);
    }
    println!(
        "multi-turn corpus: {held}/{} conversations hold ({:.0}%)",
        scripts.len(),
        100.0 * held as f64 / scripts.len() as f64
    );
    assert!(
        failures.is_empty(),
        "multi-turn conversations failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_failing_script_reports_file_line_and_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = Arc::new(
        Engine::load(&root.join("flows"), &root.join("locales")).expect("shipped flows load"),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrong.yaml");
    std::fs::write(&path, "name: wrong on purpose\nturns:\n  - say: hi\n    intent: emergency\n    contains: [no such words]\n").unwrap();
    let r = run_file(&path, engine).unwrap();
    assert_eq!(r.failures.len(), 2, "{:?}", r.failures);
    assert!(
        r.failures[0].contains("wrong.yaml:3: turn 1: intent `greeting`, expected `emergency`"),
        "{}",
        r.failures[0]
    );
    assert!(
        r.failures[1].contains("do not contain \"no such words\""),
        "{}",
        r.failures[1]
    );
}

#[test]
fn a_pending_script_is_kept_apart_while_it_fails_and_fails_once_it_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = Arc::new(
        Engine::load(&root.join("flows"), &root.join("locales")).expect("shipped flows load"),
    );
    let dir = tempfile::tempdir().unwrap();
    let still_failing = dir.path().join("waiting.yaml");
    std::fs::write(
        &still_failing,
        "name: waits\npending: a trigger variable\nturns:\n  - say: hi\n    intent: emergency\n",
    )
    .unwrap();
    let r = run_file(&still_failing, engine.clone()).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let p = r.pending.expect("reported as pending");
    assert_eq!(p.reason, "a trigger variable");
    assert_eq!(p.failures.len(), 1, "{:?}", p.failures);

    let now_passing = dir.path().join("done.yaml");
    std::fs::write(
        &now_passing,
        "name: done\npending: a trigger variable\nturns:\n  - say: hi\n    intent: greeting\n",
    )
    .unwrap();
    let r = run_file(&now_passing, engine).unwrap();
    assert!(r.pending.is_none());
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    assert!(
        r.failures[0].contains("remove `pending:`"),
        "{}",
        r.failures[0]
    );
}
