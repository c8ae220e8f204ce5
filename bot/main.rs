//! The `haven` command: chat in the terminal, check flows, run conversation scripts, serve.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use haven::engine::Channel;

#[derive(Parser)]
#[command(
    name = "haven",
    version,
    about = "An anonymous harm-reduction support bot."
)]
struct Args {
    /// Directory of flow files.
    #[arg(long, global = true, env = "HAVEN_FLOWS")]
    flows: Option<PathBuf>,
    /// Directory of locale texts.
    #[arg(long, global = true, env = "HAVEN_LOCALES")]
    locales: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Talk to haven in the terminal as one anonymous person (no credentials, no network).
    Chat {
        /// Read one message per line; write one JSON object per message.
        #[arg(long)]
        json: bool,
        /// Keep the session in memory only.
        #[arg(long)]
        ephemeral: bool,
        /// Who is talking (any string; it is turned into a pseudonym).
        #[arg(long, default_value = "terminal-user")]
        user: String,
        /// Render replies as this channel would: sms, telegram, web (or terminal).
        #[arg(long, default_value = "terminal", value_parser = parse_channel)]
        channel: Channel,
    },
    /// Validate flows and texts; print SMS segment counts; exit 1 on any problem.
    Check {
        /// Print only the problems.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run conversation scripts (default: tests/conversations/*.yaml).
    Test { scripts: Vec<PathBuf> },
    /// Measure throughput and latency (build with --release).
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Messages through triage, a flow step and the sled commit, on one thread.
    Engine {
        #[arg(long, default_value_t = 100_000)]
        people: usize,
        #[arg(long, default_value_t = 500_000)]
        messages: usize,
        /// Keep sessions in memory instead of sled, to see the store's share.
        #[arg(long)]
        memory: bool,
        /// Simulated seconds between messages (all people together). A person's messages within
        /// the same 10-minute expiry slot skip the index write; raise this to see the cost of
        /// writing it every time.
        #[arg(long, default_value_t = 0.001)]
        seconds_per_message: f64,
    },
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| format!("unknown channel `{s}` (sms, telegram, web, terminal)"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    init_logging();
    let paths = cli::Paths::from_env(args.flows, args.locales);
    let result = match args.command {
        Command::Chat {
            json,
            ephemeral,
            user,
            channel,
        } => cli::chat::run(
            &paths,
            cli::chat::ChatArgs {
                json,
                ephemeral,
                user,
                channel,
            },
        )
        .map(|()| true),
        Command::Check { quiet } => cli::check::run(&paths, quiet),
        Command::Test { scripts } => cli::test::run(&paths, scripts),
        Command::Bench { what } => match what {
            BenchWhat::Engine {
                people,
                messages,
                memory,
                seconds_per_message,
            } => cli::bench::engine(&paths, people, messages, memory, seconds_per_message)
                .map(|()| true),
        },
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            // A closed pipe (`haven chat --json | head`) is not an error worth a message.
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("haven: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, filtered by `HAVEN_LOG` (default: warnings only, so `chat` stays clean).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HAVEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
