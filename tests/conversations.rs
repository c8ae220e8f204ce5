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
