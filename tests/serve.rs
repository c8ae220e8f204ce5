//! `haven serve` as a process, the way systemd runs it: SIGTERM with a counselor's console and a
//! visitor's web chat open ends both live streams and the process exits (issue 18, item 10);
//! the data directory and every file in it are private to haven's user; a short secret stops
//! startup with a message that names it (issue 12).

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use futures_util::StreamExt;

/// A generous upper bound for things that take a second or two; passing it means "never".
const NEVER: Duration = Duration::from_secs(60);

fn haven() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("HAVEN_SECRET")
        .env_remove("HAVEN_LISTEN")
        .env_remove("HAVEN_METRICS_TOKEN")
        .env("HAVEN_LOG", "warn");
    c
}

/// A running `haven serve` and what it printed so far.
struct Serve {
    child: Child,
    url: String,
    lines: mpsc::Receiver<String>,
    printed: Vec<String>,
}

impl Serve {
    /// Starts `haven serve` on a free port with its data in `data`, and waits until it listens.
    fn start(data: &Path) -> Serve {
        let mut child = haven()
            .arg("serve")
            .env("HAVEN_DATA", data)
            .env("HAVEN_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("haven serve starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut serve = Serve {
            child,
            url: String::new(),
            lines,
            printed: Vec::new(),
        };
        let first = serve.wait_for_line("web chat at http://");
        let at = first.find("http://").unwrap();
        serve.url = first[at..]
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_owned();
        serve
    }

    /// The next printed line containing `needle` (panics if the process ends first).
    fn wait_for_line(&mut self, needle: &str) -> String {
        loop {
            match self.lines.recv_timeout(NEVER) {
                Ok(line) => {
                    self.printed.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "haven serve never printed {needle:?}; it printed: {:#?}",
                    self.printed
                ),
            }
        }
    }

    fn terminate(&self) {
        // SAFETY: kill(2) with a pid we spawned and SIGTERM, as systemd would send it.
        let r = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(r, 0, "SIGTERM sent");
    }

    /// Waits for the process to exit and returns whether it succeeded, with all it printed.
    fn wait(mut self) -> (bool, Vec<String>) {
        let deadline = std::time::Instant::now() + NEVER;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "haven serve did not exit after SIGTERM; it printed: {:#?}",
                    self.printed
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        // The rest of what it printed: the reader ends when the process's stdout closes.
        while let Ok(line) = self.lines.recv_timeout(NEVER) {
            self.printed.push(line);
        }
        (status.success(), self.printed)
    }
}

/// A client that keeps cookies by hand and does not follow redirects.
struct Client {
    base: String,
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Client {
    fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
        }
    }

    fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (k, val) = v.split(';').next().unwrap().split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !val.is_empty() {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }
}

/// The value of a hidden form field in a page.
fn field(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html.find(&key).expect("the field is there") + key.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Reads a live stream until the server ends it; true when it ended cleanly.
async fn ends(r: reqwest::Response) -> bool {
    let mut body = r.bytes_stream();
    loop {
        match tokio::time::timeout(NEVER, body.next()).await {
            Ok(None) => return true,
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_))) => return false,
            Err(_) => return false,
        }
    }
}

// Issue 18, item 10: with a console tab open, `haven serve` ignored SIGTERM for 40 s or more
// (the console's live stream never ended), and systemd would have killed it before its flush.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_the_open_console_and_web_chat_streams_and_serve_exits() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    haven::counselors::console::accounts::Accounts::new(&data)
        .set("maria", "correct horse battery", 0)
        .unwrap();
    let serve = Serve::start(&data);

    // A counselor signs in and the console page listens.
    let mut counselor = Client::new(&serve.url);
    let page = counselor.get("/console/login").await.text().await.unwrap();
    let r = counselor
        .post(
            "/console/login",
            &[
                ("name", "maria"),
                ("password", "correct horse battery"),
                ("csrf", &field(&page, "csrf")),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "signed in");
    let console = counselor.get("/console/events").await;
    assert_eq!(console.status(), 200);
    assert!(
        console.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );

    // A visitor has the chat open, listening for a counselor's reply.
    let mut visitor = Client::new(&serve.url);
    let page = visitor.get("/").await.text().await.unwrap();
    let r = visitor
        .post("/chat", &[("csrf", &field(&page, "csrf")), ("text", "hi")])
        .await;
    assert_eq!(r.status(), 200);
    let chat = visitor.get("/chat/events").await;
    assert_eq!(chat.status(), 200);

    serve.terminate();
    let (console_ended, chat_ended) = tokio::join!(ends(console), ends(chat));
    assert!(console_ended, "the console's stream ended on shutdown");
    assert!(chat_ended, "the web chat's stream ended on shutdown");
    let (ok, printed) = tokio::task::spawn_blocking(move || serve.wait())
        .await
        .unwrap();
    assert!(ok, "serve exits cleanly after SIGTERM: {printed:#?}");
    let said = printed.join("\n");
    assert!(
        said.contains("1 web chat and 1 console live stream(s) told to end"),
        "shutdown says what it waits for: {said}"
    );
    assert!(said.contains("stopped cleanly"), "{said}");
    // The data directory is free for the next `haven serve` at once.
    let again = Serve::start(&data);
    again.terminate();
    let (ok, printed) = tokio::task::spawn_blocking(move || again.wait())
        .await
        .unwrap();
    assert!(ok, "{printed:#?}");
}

/// Every directory and file under `dir`, with its mode.
fn modes(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = vec![(
        dir.to_owned(),
        std::fs::metadata(dir).unwrap().permissions().mode(),
    )];
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let mode = e.metadata().unwrap().permissions().mode();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push((p, mode));
        }
    }
    out
}

// Issue 12: the data directory was 0755 and sled's files 0644, so any local user could read
// the database (and copy it out).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_keeps_its_data_private_to_its_own_user() {
    let dir = tempfile::tempdir().unwrap();
    // A data directory haven creates itself, two levels deep...
    let fresh = dir.path().join("var/haven");
    // ...and one an operator made with the usual 0755.
    let existing = dir.path().join("existing");
    std::fs::create_dir(&existing).unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o755)).unwrap();
    for data in [&fresh, &existing] {
        let serve = Serve::start(data);
        let mut visitor = Client::new(&serve.url);
        let page = visitor.get("/").await.text().await.unwrap();
        visitor
            .post("/chat", &[("csrf", &field(&page, "csrf")), ("text", "hi")])
            .await;
        serve.terminate();
        let (ok, printed) = tokio::task::spawn_blocking(move || serve.wait())
            .await
            .unwrap();
        assert!(ok, "{printed:#?}");
        let all = modes(data);
        assert!(all.len() > 3, "sled wrote its files: {all:?}");
        for (path, mode) in all {
            assert_eq!(
                mode & 0o077,
                0,
                "{} is open to others (mode {:o})",
                path.display(),
                mode & 0o777
            );
        }
    }
}

// Issue 12: a one-character Telegram webhook secret was accepted.
#[test]
fn serve_refuses_a_short_secret_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = haven()
        .arg("serve")
        .env("HAVEN_DATA", dir.path())
        .env("HAVEN_LISTEN", "127.0.0.1:0")
        .env("HAVEN_TELEGRAM_TOKEN", "123:abc")
        .env(
            "HAVEN_TELEGRAM_WEBHOOK_URL",
            "https://bot.example.org/telegram",
        )
        .env("HAVEN_TELEGRAM_SECRET", "x")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // It must stop at once; a server that started instead would run until killed.
    let deadline = std::time::Instant::now() + NEVER;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("haven serve started with a one-character webhook secret");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("HAVEN_TELEGRAM_SECRET: is 1 characters long; it must be at least 32"),
        "{err}"
    );
}
