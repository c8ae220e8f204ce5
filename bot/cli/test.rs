//! `haven test`: run conversation scripts and report failures with their line numbers.

use std::path::PathBuf;
use std::sync::Arc;

use haven::conversations::{run_file, scripts_in};

use haven::config::Config;

use super::load_engine;

/// Returns whether every script passed.
pub fn run(config: &Config, scripts: Vec<PathBuf>) -> anyhow::Result<bool> {
    let engine = Arc::new(load_engine(config)?);
    let files = if scripts.is_empty() {
        scripts_in(&PathBuf::from("tests/conversations"))?
    } else {
        let mut v = Vec::new();
        for p in scripts {
            if p.is_dir() {
                v.extend(scripts_in(&p)?)
            } else {
                v.push(p)
            }
        }
        v
    };
    if files.is_empty() {
        anyhow::bail!("no conversation scripts found (tests/conversations/*.yaml)");
    }
    let (mut passed, mut failed, mut pending) = (0, 0, 0);
    for f in &files {
        match run_file(f, engine.clone()) {
            Ok(r) if r.pending.is_some() => {
                pending += 1;
                let p = r.pending.as_ref().expect("checked");
                println!(
                    "wait  {} {} (pending: {})",
                    r.file.display(),
                    r.name,
                    p.reason
                );
                for m in &p.failures {
                    println!("      {m}");
                }
            }
            Ok(r) if r.failures.is_empty() => {
                passed += 1;
                println!("ok    {} ({} turns) {}", r.file.display(), r.turns, r.name);
            }
            Ok(r) => {
                failed += 1;
                println!("FAIL  {} {}", r.file.display(), r.name);
                for m in &r.failures {
                    println!("      {m}");
                }
            }
            Err(e) => {
                failed += 1;
                println!("FAIL  {e}");
            }
        }
    }
    if pending > 0 {
        println!("\n{passed} passed, {failed} failed, {pending} pending");
    } else {
        println!("\n{passed} passed, {failed} failed");
    }
    Ok(failed == 0)
}
