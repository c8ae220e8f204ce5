//! A real `haven serve` *process* on 127.0.0.1, for tests that must kill it (SIGKILL) or talk to
//! it from another process (`haven backup`): the built binary, configured through the
//! environment as an operator would, on a fixed port so that restarts keep the public URL that
//! Twilio signs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::server::root;
use super::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN};

/// The secret every process test configures, so the test can compute pseudonyms itself.
pub const SECRET: &str = "crash-test-secret-0123456789abcdef";
/// The number haven sends SMS from.
pub const HAVEN_NUMBER: &str = "+15555550100";

/// How to start haven: data dir, port, Twilio stand-in and extra variables.
#[derive(Clone)]
pub struct Setup {
    pub data: PathBuf,
    pub port: u16,
    pub twilio_url: String,
    /// Where the process's stderr goes (outside the data dir: the privacy scans read that).
    pub log: PathBuf,
    pub extra: Vec<(String, String)>,
}

impl Setup {
    /// A free loopback port (bound and released; haven binds it again with SO_REUSEADDR).
    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment `haven serve` gets: the one a deployment gives it, pointed at loopback.
    pub fn vars(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = [
            ("HAVEN_LISTEN", format!("127.0.0.1:{}", self.port)),
            ("HAVEN_PUBLIC_URL", self.url()),
            ("HAVEN_DATA", self.data.display().to_string()),
            ("HAVEN_SECRET", SECRET.to_owned()),
            ("HAVEN_FLOWS", root().join("flows").display().to_string()),
            (
                "HAVEN_LOCALES",
                root().join("locales").display().to_string(),
            ),
            ("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID.to_owned()),
            ("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN.to_owned()),
            ("HAVEN_TWILIO_FROM", HAVEN_NUMBER.to_owned()),
            ("HAVEN_TWILIO_API_URL", self.twilio_url.clone()),
            ("HAVEN_LOG", "warn".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (k, val) in &self.extra {
            v.retain(|(key, _)| key != k);
            v.push((k.clone(), val.clone()));
        }
        v
    }

    /// The `haven` command with this setup's environment (and no HAVEN_* from the test's own).
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
        c.current_dir(root());
        for (k, _) in std::env::vars() {
            if k.starts_with("HAVEN_") {
                c.env_remove(k);
            }
        }
        c.envs(self.vars());
        c
    }
}

/// A running `haven serve`.
pub struct Process {
    child: Child,
    pub url: String,
}

impl Process {
    /// Starts `haven serve` and returns once `/healthz` answers. Panics (with the log) if the
    /// process exits first.
    pub async fn start(setup: &Setup) -> Process {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&setup.log)
            .expect("log file");
        let child = setup
            .command()
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("haven serve starts");
        let mut p = Process {
            child,
            url: setup.url(),
        };
        let http = reqwest::Client::new();
        // Waiting for an event (the server answering), not timing anything: the deadline only
        // turns a server that never comes up into a failure with its log.
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!(
                    "haven serve exited with {status} before answering:\n{}",
                    std::fs::read_to_string(&setup.log).unwrap_or_default()
                );
            }
            if let Ok(r) = http.get(format!("{}/healthz", p.url)).send().await
                && r.status().is_success()
            {
                return p;
            }
            assert!(
                Instant::now() < deadline,
                "haven serve did not answer /healthz:\n{}",
                std::fs::read_to_string(&setup.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush; the process is gone when this returns.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// SIGTERM, then waits for the graceful shutdown; returns whether it exited cleanly.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(sent.success());
        self.child.wait().expect("reaped").success()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // A test that panics must not leave a server behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The sled database under a data dir, opened by the test while no server holds it.
pub fn open_db(data: &Path) -> sled::Db {
    sled::Config::new()
        .path(data.join("db"))
        .cache_capacity(64 << 20)
        .open()
        .expect("the data dir's database opens")
}
