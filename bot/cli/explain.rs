//! `haven explain "message"`: which intent, which concepts matched at which words, which trigger
//! won and which lost. With no message, one per line from standard input.

use std::io::{BufRead, Write};

use haven::config::Config;

pub fn run(config: &Config, message: Option<String>, json: bool) -> anyhow::Result<bool> {
    let engine = super::load_engine(config)?;
    let mut out = std::io::stdout().lock();
    let one = |text: &str, out: &mut dyn Write| -> anyhow::Result<()> {
        let e = engine.explain(text);
        if json {
            writeln!(out, "{}", serde_json::to_string(&e)?)?;
        } else {
            writeln!(out, "{e}")?;
        }
        Ok(())
    };
    match message {
        Some(m) => one(&m, &mut out)?,
        None => {
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                if !line.trim().is_empty() {
                    one(&line, &mut out)?;
                }
            }
        }
    }
    Ok(true)
}
