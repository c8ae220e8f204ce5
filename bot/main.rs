//! The `haven` command: chat in the terminal, check flows, run conversation scripts, manage the
//! service directory, benchmark, serve.

mod cli;

/// mimalloc instead of the system allocator, for the binary only (the library and its tests
/// keep the system's): a request allocates many small, short-lived buffers across threads, and
/// glibc's malloc spent about a fifth of `haven serve`'s CPU on them (ARCHITECTURE.md,
/// Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use haven::Lang;
use haven::config::Config;
use haven::engine::Channel;
use haven::referrals::Kind;

#[derive(Parser)]
#[command(
    name = "haven",
    version,
    about = "An anonymous harm-reduction support bot."
)]
struct Args {
    /// A TOML file with the same keys as the environment (HAVEN_*), plus [referrals].
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Directory of flow files (default: flows, or HAVEN_FLOWS).
    #[arg(long, global = true)]
    flows: Option<PathBuf>,
    /// Directory of locale texts (default: locales, or HAVEN_LOCALES).
    #[arg(long, global = true)]
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
        /// Render replies as this channel would: sms, telegram, web, whatsapp, voice (what a
        /// caller hears and which keys do what) or terminal.
        #[arg(long, default_value = "terminal", value_parser = parse_channel)]
        channel: Channel,
    },
    /// Validate flows and texts; print SMS segment counts; exit 1 on any problem.
    Check {
        /// Print only the problems.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Why a message gets the intent it does: words, concepts found, triggers matched and
    /// cancelled, and the winner. Reads one message per line from stdin when none is given.
    Explain {
        /// The message, as a person would send it.
        message: Option<String>,
        /// One JSON object per message.
        #[arg(long)]
        json: bool,
    },
    /// The medical and legal content as a clinician reviews it.
    Content {
        #[command(subcommand)]
        what: ContentWhat,
    },
    /// Run conversation scripts (default: tests/conversations/*.yaml).
    Test {
        /// Script files or directories of scripts.
        scripts: Vec<PathBuf>,
    },
    /// The server: SMS (Twilio), Telegram, web chat, counselor console, /healthz, /metrics.
    /// With nothing configured it starts on 127.0.0.1:8080 with the web chat and console.
    /// Settings are HAVEN_* environment variables (or --config FILE): HAVEN_LISTEN (address),
    /// HAVEN_DATA (data directory), HAVEN_PUBLIC_URL, HAVEN_TWILIO_*, HAVEN_TELEGRAM_*,
    /// HAVEN_COUNSELOR_CHAT_ID; see deploy/OPERATOR.md and deploy/haven.env.example.
    Serve,
    /// Write a consistent snapshot of the data directory (every database tree, counselor
    /// accounts, the service directory) to PATH, also while `haven serve` runs (through its
    /// admin socket in the data directory). Sealed data stays sealed; the server secret is left
    /// out unless --include-key. See deploy/OPERATOR.md, "Backups".
    Backup {
        /// The backup file to write (replaced whole, or left alone on failure).
        path: PathBuf,
        /// Put the server secret in the backup too (anyone with the file can then read the
        /// sealed data in it).
        #[arg(long)]
        include_key: bool,
    },
    /// Restore a backup into an empty data directory (HAVEN_DATA). Refuses a damaged file, a
    /// backup format newer than this haven's, an existing database, and a server secret that
    /// cannot open the backup's sealed data.
    Restore {
        /// The backup file.
        path: PathBuf,
    },
    /// The service directory: import an operator's CSV, or look up what a person would get.
    Services {
        #[command(subcommand)]
        what: ServicesWhat,
    },
    /// Counselor accounts for the web console at /console.
    Counselor {
        #[command(subcommand)]
        what: CounselorWhat,
    },
    /// Measure throughput and latency (build with --release).
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

#[derive(Subcommand)]
enum ContentWhat {
    /// Write the review sheet: every medical or legal text, English and Spanish side by side,
    /// where it is said, its public source, SMS segments and review status, as one
    /// self-contained HTML page (content-sheet.html) and CSV (content-sheet.csv).
    Sheet {
        /// The directory to write both files into.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ServicesWhat {
    /// Validate a directory CSV and, if every row is valid, replace the directory in use.
    Import {
        /// The operator's CSV (columns in bot/referrals/mod.rs; example: deploy/directory.example.csv).
        file: PathBuf,
    },
    /// What a person sending TEXT (a ZIP, a place, "lat,lon") would be told.
    Find {
        /// What the person sends: a ZIP code, a place name from [referrals], or "lat,lon".
        text: String,
        /// naloxone, syringe, methadone, buprenorphine, treatment, testing, fentanyl-strips,
        /// overdose-prevention-center, drop-in.
        #[arg(long)]
        kind: Option<Kind>,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
        /// sms (compact) or telegram/web (with map links).
        #[arg(long, default_value = "sms", value_parser = parse_channel)]
        channel: Channel,
    },
}

#[derive(Subcommand)]
enum CounselorWhat {
    /// Add a counselor: asks for the password, or reads one line from standard input when it is
    /// not a terminal. For an existing name it asks before setting a new password (or needs
    /// --reset when standard input is not a terminal).
    Add {
        /// 1-32 letters, digits, '.', '_' or '-'; shown to other counselors, never to people.
        name: String,
        /// The account may see every ticket, reassign them, and read the reports and audit log.
        #[arg(long)]
        supervisor: bool,
        /// Set a new password for an existing account without asking.
        #[arg(long)]
        reset: bool,
    },
    /// Make an account a counselor or a supervisor (the password stays).
    Role {
        /// The account's name.
        name: String,
        /// counselor or supervisor.
        #[arg(value_parser = ["counselor", "supervisor"])]
        role: String,
    },
    /// Remove a counselor; their console sessions end.
    Remove {
        /// The counselor's name, as given to `add`.
        name: String,
    },
    /// List counselor names.
    List,
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
    /// Lookups among 50,000 services; startup time and memory with the ZIP table.
    Referrals,
    /// Signed Twilio webhooks per second at N connections: `haven serve` (with a 50k-service
    /// directory) beside a bare axum route, each in its own process; with --sweep, also at
    /// 1k, 100k and 1M stored sessions.
    Http {
        /// Seconds of load per target, after one second of warm-up.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, alias = "concurrency", default_value_t = 64)]
        connections: usize,
        /// Distinct people sending.
        #[arg(long, default_value_t = 10_000)]
        senders: usize,
        /// Send only "hi" (one TwiML reply, no REST sends) instead of the mix of intents.
        #[arg(long)]
        single_reply: bool,
        /// Also measure with 1k, 100k and 1M stored sessions (a few minutes more).
        #[arg(long)]
        sweep: bool,
        /// Also load another server already listening at this URL the same way (for example
        /// deploy/bench/flask_peer.py under gunicorn).
        #[arg(long)]
        peer: Option<String>,
    },
    /// The bare route `bench http` compares with, served until killed.
    #[command(hide = true)]
    BareRoute {
        #[arg(long)]
        listen: std::net::SocketAddr,
    },
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| {
        format!("unknown channel `{s}` (sms, telegram, web, whatsapp, voice, terminal)")
    })
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language `{s}` (en, es)"))
}

fn main() -> ExitCode {
    private_files();
    let args = Args::parse();
    init_logging();
    let result = Config::load(args.config.as_deref())
        .map_err(anyhow::Error::from)
        .and_then(|mut config| {
            if let Some(f) = args.flows {
                config.flows = f;
            }
            if let Some(l) = args.locales {
                config.locales = l;
            }
            run(args.command, &config)
        });
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

fn run(command: Command, config: &Config) -> anyhow::Result<bool> {
    match command {
        Command::Chat {
            json,
            ephemeral,
            user,
            channel,
        } => cli::chat::run(
            config,
            cli::chat::ChatArgs {
                json,
                ephemeral,
                user,
                channel,
            },
        )
        .map(|()| true),
        Command::Check { quiet } => cli::check::run(config, quiet),
        Command::Test { scripts } => cli::test::run(config, scripts),
        Command::Explain { message, json } => cli::explain::run(config, message, json),
        Command::Content { what } => match what {
            ContentWhat::Sheet { out } => cli::content::sheet(config, &out),
        },
        Command::Serve => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                // Listen for SIGTERM before anything else, so an early one stops cleanly.
                let stop = haven::server::shutdown_signal();
                haven::server::run(config.clone(), stop).await
            })?;
            Ok(true)
        }
        Command::Backup { path, include_key } => cli::backup::backup(config, &path, include_key),
        Command::Restore { path } => cli::backup::restore(config, &path),
        Command::Services { what } => match what {
            ServicesWhat::Import { file } => cli::services::import(config, &file),
            ServicesWhat::Find {
                text,
                kind,
                json,
                lang,
                channel,
            } => cli::services::find(config, &text, kind, json, lang, channel),
        },
        Command::Counselor { what } => match what {
            CounselorWhat::Add {
                name,
                supervisor,
                reset,
            } => cli::counselor::add(config, &name, supervisor, reset),
            CounselorWhat::Role { name, role } => cli::counselor::role(config, &name, &role),
            CounselorWhat::Remove { name } => cli::counselor::remove(config, &name),
            CounselorWhat::List => cli::counselor::list(config),
        },
        Command::Bench { what } => match what {
            BenchWhat::Engine {
                people,
                messages,
                memory,
                seconds_per_message,
            } => cli::bench::engine(config, people, messages, memory, seconds_per_message)
                .map(|()| true),
            BenchWhat::Referrals => cli::bench::referrals().map(|()| true),
            BenchWhat::Http {
                seconds,
                connections,
                senders,
                single_reply,
                sweep,
                peer,
            } => cli::bench::http(
                config,
                cli::bench::HttpOptions {
                    seconds,
                    connections,
                    senders,
                    single_reply,
                    sweep,
                    peer,
                },
            )
            .map(|()| true),
            BenchWhat::BareRoute { listen } => cli::bench::bare_route(listen).map(|()| true),
        },
    }
}

/// Everything haven writes (the database, the key file, counselor accounts, the directory) is
/// for its own user alone: new files are created 0600 and directories 0700, whatever umask the
/// shell or service manager gave (the systemd unit sets `UMask=0077` too).
fn private_files() {
    #[cfg(unix)]
    // SAFETY: umask(2) only sets the process's file-creation mask and cannot fail; no other
    // thread exists yet to race with it.
    unsafe {
        libc::umask(0o077);
    }
}

/// Logs go to stderr, filtered by `HAVEN_LOG` (default: warnings only, so `chat` stays clean).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HAVEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // No colour codes in journald or a log file.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    // A misspelt variable would otherwise be silently ignored.
    for (key, _) in std::env::vars() {
        if key.starts_with("HAVEN_")
            && !haven::config::KEYS.contains(&key.as_str())
            && ![
                "HAVEN_LOG",
                "HAVEN_CHROMIUM",
                "HAVEN_CHROMEDRIVER",
                "HAVEN_CHROMEDRIVER_LOG",
            ]
            .contains(&key.as_str())
        {
            eprintln!(
                "haven: warning: {key} is not a variable haven reads (known: {})",
                haven::config::KEYS.join(", ")
            );
        }
    }
}
