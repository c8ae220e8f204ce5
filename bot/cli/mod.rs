//! The `haven` subcommands that are more than a few lines: each in its own file. `main.rs`
//! parses arguments and calls these; they return `anyhow::Result` because they are the edge.

pub mod bench;
pub mod chat;
pub mod check;
pub mod test;

use std::path::PathBuf;

/// Where flows, texts and data live, from flags and environment.
#[derive(Clone, Debug)]
pub struct Paths {
    pub flows: PathBuf,
    pub locales: PathBuf,
    pub data: PathBuf,
}

impl Paths {
    pub fn from_env(flows: Option<PathBuf>, locales: Option<PathBuf>) -> Paths {
        Paths {
            flows: flows.unwrap_or_else(|| PathBuf::from("flows")),
            locales: locales.unwrap_or_else(|| PathBuf::from("locales")),
            data: std::env::var_os("HAVEN_DATA")
                .map_or_else(|| PathBuf::from("data"), PathBuf::from),
        }
    }
}

/// Loads the engine or prints every problem and fails.
pub fn load_engine(paths: &Paths) -> anyhow::Result<haven::engine::Engine> {
    match haven::engine::Engine::load(&paths.flows, &paths.locales) {
        Ok(e) => Ok(e),
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            anyhow::bail!(
                "{} problem{} in {} or {}: fix them (see `haven check`) and try again",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                paths.flows.display(),
                paths.locales.display()
            )
        }
    }
}
