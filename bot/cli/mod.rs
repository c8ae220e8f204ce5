//! The `haven` subcommands that are more than a few lines: each in its own file. `main.rs`
//! parses arguments and calls these; they return `anyhow::Result` because they are the edge.

pub mod backup;
pub mod bench;
pub mod chat;
pub mod check;
pub mod content;
pub mod counselor;
pub mod explain;
pub mod services;
pub mod test;

use haven::config::Config;
use haven::engine::Engine;
use haven::referrals::{DirectoryHandle, Referrals};

/// Loads the engine or prints every problem and fails.
pub fn load_engine(config: &Config) -> anyhow::Result<Engine> {
    match Engine::load(&config.flows, &config.locales) {
        Ok(e) => Ok(e),
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            anyhow::bail!(
                "{} problem{} in {} or {}: fix them (see `haven check`) and try again",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                config.flows.display(),
                config.locales.display()
            )
        }
    }
}

/// The operator's directory (empty until `haven services import`) with the configured places.
pub fn load_referrals(config: &Config) -> anyhow::Result<Referrals> {
    let handle = DirectoryHandle::open(&config.data)?;
    Ok(Referrals::new(handle, config.referrals.clone())?)
}
