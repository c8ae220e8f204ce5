//! A real `haven serve` on 127.0.0.1, for integration tests: the same `State`, router, accept
//! loop (`server::serve`, with its connection limits) and background tasks as production, on a
//! free port, with its sled database in a temp dir.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use haven::config::Config;
use haven::server::{AppState, Limits, State, serve, spawn_background};

pub struct TestServer {
    /// `http://127.0.0.1:PORT`, also the configured `HAVEN_PUBLIC_URL` unless a test set one.
    pub url: String,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// The repository root (flows/, locales/ are read from there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl TestServer {
    /// Starts a server with these configuration variables (as the environment would give them).
    pub async fn start(data: &Path, vars: &[(&str, &str)]) -> TestServer {
        TestServer::start_inner(data, None, vars, Limits::default(), None).await
    }

    /// Starts a server whose sweeper runs once at start and then not again for an hour, so a
    /// test can tell what the sweeper counted from what a request counted.
    pub async fn start_with_one_sweep(data: &Path, vars: &[(&str, &str)]) -> TestServer {
        TestServer::start_inner(
            data,
            None,
            vars,
            Limits::default(),
            Some(Duration::from_secs(3600)),
        )
        .await
    }

    /// Starts a server with other connection limits (short timeouts, to see them work).
    pub async fn start_with_limits(
        data: &Path,
        vars: &[(&str, &str)],
        limits: Limits,
    ) -> TestServer {
        TestServer::start_inner(data, None, vars, limits, None).await
    }

    /// Starts a server with a TOML configuration file as well (for its sections).
    pub async fn start_with_config(
        data: &Path,
        config: &Path,
        vars: &[(&str, &str)],
    ) -> TestServer {
        TestServer::start_inner(data, Some(config), vars, Limits::default(), None).await
    }

    async fn start_inner(
        data: &Path,
        file: Option<&Path>,
        vars: &[(&str, &str)],
        limits: Limits,
        sweep_every: Option<Duration>,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let mut map: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.entry("HAVEN_PUBLIC_URL".into())
            .or_insert_with(|| url.clone());
        map.insert("HAVEN_DATA".into(), data.display().to_string());
        map.entry("HAVEN_SECRET".into())
            .or_insert_with(|| "test-secret-0123456789abcdef-0123456789".into());
        map.insert(
            "HAVEN_FLOWS".into(),
            root().join("flows").display().to_string(),
        );
        map.insert(
            "HAVEN_LOCALES".into(),
            root().join("locales").display().to_string(),
        );
        let config =
            Config::load_with(file, &|k| map.get(k).cloned()).expect("test configuration is valid");
        let limits = Limits {
            max_connections: config.max_connections,
            ..limits
        };
        let mut state = State::build(config).expect("server state");
        if let Some(every) = sweep_every {
            state.sweep_every = every;
        }
        let state: AppState = Arc::new(state);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (bg_tx, bg_rx) = tokio::sync::watch::channel(false);
        let tasks = spawn_background(&state, bg_rx);
        let st = state.clone();
        let served = state.clone();
        let task = tokio::spawn(async move {
            serve(listener, served, limits, async move {
                let _ = stop_rx.await;
            })
            .await
            .expect("serve");
            bg_tx.send(true).ok();
            for t in tasks {
                let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
            }
            st.hub.haven.store.flush().expect("flush");
            st.db.flush_async().await.expect("flush");
        });
        TestServer {
            url,
            state,
            stop: Some(stop_tx),
            task: Some(task),
        }
    }

    /// Stops gracefully and waits until everything is flushed.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.expect("server task");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Every log line written by haven in this test binary, captured for privacy checks.
pub fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer_buf = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || LogWriter(writer_buf.clone()))
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buf
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every byte of every file under `dir`, for checking that something never reached the disk.
pub fn all_bytes_under(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                out.extend(b);
            }
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
