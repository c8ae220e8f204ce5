//! A small WebDriver client for browser tests: Debian's Chromium, headless, driven by
//! ChromeDriver over the W3C WebDriver HTTP API with reqwest and serde_json only.
//!
//! ```ignore
//! let _one_at_a_time = browser::serial().await;
//! let b = Browser::start(Options::phone()).await;
//! b.goto(&server.url).await;
//! let input = b.find("#text").await;
//! b.type_into(&input, "hello").await;
//! b.click(&b.find("button.primary").await).await;
//! let reply = b.wait_for_text("#log .msg.bot", "Hi", Duration::from_secs(10)).await;
//! b.screenshot(&artifacts().join("page.png")).await;
//! b.quit().await;
//! ```
//!
//! Every test that uses a browser should hold [`serial`] first: the machines have two cores,
//! and Chromiums started side by side make each other slow enough to time out.
//!
//! If Chromium or ChromeDriver is missing, [`Browser::start`] fails the test with the command
//! that installs them; browser tests never pass silently without a browser.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// Where Debian installs them (`apt-get install -y chromium chromium-driver`); the
/// `HAVEN_CHROMIUM` and `HAVEN_CHROMEDRIVER` variables point elsewhere.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// WebDriver's code points for special keys, for [`Browser::press`].
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The flags that work on these machines (the machine notes): without the background-networking
/// ones Chromium keeps dialling Google through a closed network.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-default-browser-check",
    "--password-store=basic",
];

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Holds the one-browser-test-at-a-time lock until dropped.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    SERIAL.lock().await
}

/// `tests/artifacts/` (gitignored), created on first use: screenshots go there.
pub fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("artifacts");
    std::fs::create_dir_all(&dir).expect("create tests/artifacts");
    dir
}

/// How to start the browser.
#[derive(Clone, Debug)]
pub struct Options {
    pub javascript: bool,
    /// The viewport in CSS pixels.
    pub width: u32,
    pub height: u32,
    /// Emulate a phone (touch, device pixel ratio 2, mobile viewport rules) at that size.
    pub mobile: bool,
    /// The browser's Accept-Language.
    pub languages: String,
    /// Further Chromium command-line switches.
    pub flags: Vec<String>,
}

impl Options {
    /// A phone-sized window (390×844, an ordinary modern phone) with JavaScript on.
    pub fn phone() -> Options {
        Options {
            javascript: true,
            width: 390,
            height: 844,
            mobile: true,
            languages: "en-US,en".into(),
            flags: Vec::new(),
        }
    }

    /// A desktop window (1280×900) with JavaScript on.
    pub fn desktop() -> Options {
        Options {
            width: 1280,
            height: 900,
            mobile: false,
            ..Options::phone()
        }
    }

    /// The same with JavaScript turned off, as Tor Browser's safest setting does.
    pub fn without_javascript(mut self) -> Options {
        self.javascript = false;
        self
    }

    /// Lets pages play sound without a click first (Chromium's autoplay policy), as a counselor's
    /// browser does once they have used the console: the urgent alert's sound can then be seen
    /// starting in a test.
    pub fn sound_allowed(mut self) -> Options {
        self.flags
            .push("--autoplay-policy=no-user-gesture-required".into());
        self
    }
}

/// A WebDriver error, as the driver reported it.
#[derive(Debug)]
pub struct WdError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

/// An element reference in the current page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element(pub String);

impl Element {
    fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

/// One headless Chromium with its own ChromeDriver and a fresh, throwaway profile.
pub struct Browser {
    http: reqwest::Client,
    driver_port: u16,
    session: String,
    driver: Child,
    profile: tempfile::TempDir,
    closed: bool,
    javascript: bool,
}

fn binary(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    if !path.exists() {
        panic!(
            "browser tests need Debian's Chromium and ChromeDriver, and {} is missing: \
             install them with `apt-get install -y chromium chromium-driver` (.ci/run does), \
             or set {var} to the binary",
            path.display()
        );
    }
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port for chromedriver")
}

impl Browser {
    /// Starts ChromeDriver and a new Chromium session; fails the test with a clear message if
    /// either binary is missing or the browser does not come up.
    pub async fn start(opts: Options) -> Browser {
        let chromium = binary("HAVEN_CHROMIUM", CHROMIUM);
        let chromedriver = binary("HAVEN_CHROMEDRIVER", CHROMEDRIVER);
        let profile = tempfile::tempdir().expect("a profile directory");
        // HAVEN_CHROMEDRIVER_LOG keeps the driver's verbose log somewhere that outlives the test.
        let log = std::env::var_os("HAVEN_CHROMEDRIVER_LOG")
            .map(PathBuf::from)
            .unwrap_or_else(|| profile.path().join("chromedriver.log"));
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .args(std::env::var_os("HAVEN_CHROMEDRIVER_LOG").map(|_| "--verbose"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let mut browser = Browser {
            http,
            driver_port: port,
            session: String::new(),
            driver,
            profile,
            closed: false,
            javascript: opts.javascript,
        };
        browser.wait_for_driver().await;

        let user_data = browser.profile.path().join("user-data");
        let mut args: Vec<String> = FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", user_data.display()));
        args.push(format!("--window-size={},{}", opts.width, opts.height));
        args.push(format!(
            "--lang={}",
            opts.languages.split(',').next().unwrap_or("en-US")
        ));
        if !opts.javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        args.extend(opts.flags.iter().cloned());
        let mut chrome = json!({
            "binary": chromium.display().to_string(),
            "args": args,
            "prefs": {
                "intl.accept_languages": opts.languages,
                "profile.managed_default_content_settings.javascript":
                    if opts.javascript { 1 } else { 2 },
            },
        });
        if opts.mobile {
            chrome["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": opts.width,
                    "height": opts.height,
                    "pixelRatio": 2.0,
                    "touch": true,
                }
            });
        }
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "implicit": 0, "pageLoad": 30000, "script": 30000 },
                    "goog:chromeOptions": chrome,
                }
            }
        });
        let created = browser
            .command(reqwest::Method::POST, "/session", Some(caps))
            .await;
        match created {
            Ok(v) => {
                browser.session = v["sessionId"]
                    .as_str()
                    .expect("a session id from chromedriver")
                    .to_owned();
            }
            Err(e) => {
                let tail = std::fs::read_to_string(&log).unwrap_or_default();
                let tail: String = tail
                    .lines()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                panic!("chromium did not start ({e}); chromedriver's log ends:\n{tail}");
            }
        }
        browser
    }

    async fn wait_for_driver(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.driver.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            if let Ok(r) = self
                .http
                .get(format!("http://127.0.0.1:{}/status", self.driver_port))
                .send()
                .await
                && let Ok(v) = r.json::<Value>().await
                && v["value"]["ready"] == json!(true)
            {
                return;
            }
            if Instant::now() > deadline {
                panic!("chromedriver did not become ready within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// One WebDriver command; `path` is relative to the driver ("/session") or, when it does not
    /// start with "/session", to this session.
    pub async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WdError> {
        let url = if path.starts_with("/session") && self.session.is_empty() || path == "/status" {
            format!("http://127.0.0.1:{}{path}", self.driver_port)
        } else {
            format!(
                "http://127.0.0.1:{}/session/{}{path}",
                self.driver_port, self.session
            )
        };
        let mut req = self.http.request(method, &url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| WdError {
            error: "transport".into(),
            message: e.to_string(),
        })?;
        let ok = resp.status().is_success();
        let v: Value = resp.json().await.map_err(|e| WdError {
            error: "transport".into(),
            message: e.to_string(),
        })?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if ok {
            Ok(value)
        } else {
            Err(WdError {
                error: value["error"].as_str().unwrap_or("unknown").to_owned(),
                message: value["message"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned(),
            })
        }
    }

    async fn must(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        match self.command(method, path, body).await {
            Ok(v) => v,
            Err(e) => panic!("WebDriver {path}: {e}"),
        }
    }

    /// Navigates and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.must(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// The current page's address.
    pub async fn url(&self) -> String {
        self.must(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn title(&self) -> String {
        self.must(reqwest::Method::GET, "/title", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's current HTML.
    pub async fn source(&self) -> String {
        self.must(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn back(&self) {
        self.must(reqwest::Method::POST, "/back", Some(json!({})))
            .await;
    }

    pub async fn refresh(&self) {
        self.must(reqwest::Method::POST, "/refresh", Some(json!({})))
            .await;
    }

    /// The first element matching `css`, or `None`.
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        let body = json!({ "using": "css selector", "value": css });
        match self
            .command(reqwest::Method::POST, "/element", Some(body))
            .await
        {
            Ok(v) => v[ELEMENT_KEY].as_str().map(|s| Element(s.to_owned())),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("finding {css:?}: {e}"),
        }
    }

    /// The first element matching `css`; fails the test if there is none.
    pub async fn find(&self, css: &str) -> Element {
        match self.try_find(css).await {
            Some(e) => e,
            None => panic!("no element matches {css:?} on {}", self.url().await),
        }
    }

    /// Every element matching `css`, in document order.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let body = json!({ "using": "css selector", "value": css });
        self.must(reqwest::Method::POST, "/elements", Some(body))
            .await
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v[ELEMENT_KEY].as_str().map(|s| Element(s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The visible text of every element matching `css`. A page that is being replaced (a form
    /// post, a reload) is read again once the new one is there.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        'again: for _ in 0..50 {
            let mut out = Vec::new();
            for e in self.find_all(css).await {
                let path = format!("/element/{}/text", e.0);
                match self.command(reqwest::Method::GET, &path, None).await {
                    Ok(v) => out.push(v.as_str().unwrap_or_default().to_owned()),
                    // The page was replaced between finding and reading: ChromeDriver says so
                    // as a stale element, or (when the old document is already gone) as
                    // DevTools' "does not belong to the document".
                    Err(err)
                        if err.error == "stale element reference"
                            || err.message.contains("does not belong to the document") =>
                    {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue 'again;
                    }
                    Err(err) => panic!("text of {css:?}: {err}"),
                }
            }
            return out;
        }
        panic!("{css:?} kept going stale: the page never settled")
    }

    /// Clicks an element. With page JavaScript off the click is a real mouse press sent through
    /// DevTools, because ChromeDriver's own click then waits on page timers that never run (and
    /// hangs on anything that does not navigate); wait for the result with [`Browser::wait_for`].
    /// Either way the element is first scrolled to the middle of the window, as a person would
    /// scroll to it, so that sticky headers and footers do not cover it.
    pub async fn click(&self, el: &Element) {
        self.exec(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'}); return null;",
            vec![el.json()],
        )
        .await;
        if self.javascript {
            self.must(
                reqwest::Method::POST,
                &format!("/element/{}/click", el.0),
                Some(json!({})),
            )
            .await;
            return;
        }
        let at = self
            .exec(
                "const r = arguments[0].getBoundingClientRect(); \
                 return [r.left + r.width / 2, r.top + r.height / 2];",
                vec![el.json()],
            )
            .await;
        let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
        for kind in ["mousePressed", "mouseReleased"] {
            self.cdp(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            )
            .await;
        }
    }

    /// A Chrome DevTools Protocol command, through ChromeDriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.must(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
        .await
    }

    /// Grants the current page's origin a permission (`notifications`...), as a person clicking
    /// "Allow" would: the W3C WebDriver permissions extension, which ChromeDriver implements.
    pub async fn grant(&self, permission: &str) {
        self.must(
            reqwest::Method::POST,
            "/permissions",
            Some(json!({ "descriptor": { "name": permission }, "state": "granted" })),
        )
        .await;
    }

    /// Runs `script` at the start of every page loaded from now on, before the page's own
    /// scripts (DevTools `Page.addScriptToEvaluateOnNewDocument`): a hook to observe what the
    /// page calls.
    pub async fn before_every_page(&self, script: &str) {
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": script }),
        )
        .await;
    }

    /// Types `text` into an element as key presses.
    pub async fn type_into(&self, el: &Element, text: &str) {
        self.must(
            reqwest::Method::POST,
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Puts `text` into an element at once, as a paste would (Chromium's DevTools
    /// `Input.insertText`): fast for very long texts, and it works with page JavaScript off,
    /// where setting `value` from a script leaves ChromeDriver waiting forever on the next click.
    pub async fn paste_into(&self, el: &Element, text: &str) {
        self.exec("arguments[0].focus(); return null;", vec![el.json()])
            .await;
        self.cdp("Input.insertText", json!({ "text": text })).await;
    }

    pub async fn clear(&self, el: &Element) {
        self.must(
            reqwest::Method::POST,
            &format!("/element/{}/clear", el.0),
            Some(json!({})),
        )
        .await;
    }

    /// Presses keys on whatever has focus, as a keyboard user would (WebDriver actions).
    /// Special keys are WebDriver code points: [`TAB`], [`ENTER`].
    pub async fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({ "type": "keyDown", "value": k.to_string() }));
            actions.push(json!({ "type": "keyUp", "value": k.to_string() }));
        }
        self.must(
            reqwest::Method::POST,
            "/actions",
            Some(json!({ "actions": [
                { "type": "key", "id": "keyboard", "actions": actions }
            ]})),
        )
        .await;
    }

    /// Sends a chat message the way a visitor does: types it into the web chat's box and
    /// presses Send.
    pub async fn send_chat(&self, text: &str) {
        let input = self.find("#text").await;
        self.clear(&input).await;
        self.type_into(&input, text).await;
        self.click(&self.find("button.primary").await).await;
    }

    /// The focused element's class and outline style: what a keyboard user sees of focus.
    pub async fn focused(&self) -> Value {
        self.exec(
            "const e = document.activeElement; \
             return [e.className, getComputedStyle(e).outlineStyle];",
            vec![],
        )
        .await
    }

    /// The element's rendered text (empty when it is hidden).
    pub async fn text(&self, el: &Element) -> String {
        self.must(
            reqwest::Method::GET,
            &format!("/element/{}/text", el.0),
            None,
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    pub async fn attr(&self, el: &Element, name: &str) -> Option<String> {
        self.must(
            reqwest::Method::GET,
            &format!("/element/{}/attribute/{name}", el.0),
            None,
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// A DOM property (`value`, `checked`...).
    pub async fn property(&self, el: &Element, name: &str) -> Value {
        self.must(
            reqwest::Method::GET,
            &format!("/element/{}/property/{name}", el.0),
            None,
        )
        .await
    }

    pub async fn displayed(&self, el: &Element) -> bool {
        self.must(
            reqwest::Method::GET,
            &format!("/element/{}/displayed", el.0),
            None,
        )
        .await
            == json!(true)
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`, elements as [`Element::json`])
    /// and returns its result. Works with page JavaScript off: the driver's scripts still run.
    pub async fn exec(&self, script: &str, args: Vec<Value>) -> Value {
        self.must(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// An element as a script argument.
    pub fn arg(el: &Element) -> Value {
        el.json()
    }

    /// Polls `check` every 100 ms until it gives `Some`, or fails the test naming `what`.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl AsyncFnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = check().await {
                return v;
            }
            if Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until an element matching `css` has text containing `needle`; returns that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> String {
        self.wait_for(&format!("{needle:?} in {css:?}"), timeout, async || {
            self.texts(css)
                .await
                .into_iter()
                .find(|t| t.contains(needle))
        })
        .await
    }

    /// Waits until `css` matches at least `n` elements; returns them.
    pub async fn wait_for_count(&self, css: &str, n: usize, timeout: Duration) -> Vec<Element> {
        self.wait_for(
            &format!("{n} elements matching {css:?}"),
            timeout,
            async || {
                let all = self.find_all(css).await;
                (all.len() >= n).then_some(all)
            },
        )
        .await
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) {
        let b64 = self.must(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("screenshot is base64");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Every cookie the current page can see, including HTTP-only ones.
    pub async fn cookies(&self) -> Vec<Value> {
        self.must(reqwest::Method::GET, "/cookie", None)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The value of the cookie `name`, if the current page has it.
    pub async fn cookie(&self, name: &str) -> Option<String> {
        self.cookies()
            .await
            .into_iter()
            .find(|c| c["name"] == json!(name))
            .and_then(|c| c["value"].as_str().map(str::to_owned))
    }

    /// Sets a cookie for the current page's host (navigate there first).
    pub async fn add_cookie(&self, name: &str, value: &str) {
        self.must(
            reqwest::Method::POST,
            "/cookie",
            Some(json!({ "cookie": {
                "name": name, "value": value, "path": "/", "httpOnly": true, "sameSite": "Strict"
            }})),
        )
        .await;
    }

    pub async fn delete_cookies(&self) {
        self.must(reqwest::Method::DELETE, "/cookie", None).await;
    }

    /// Every piece of visible text whose contrast with what is behind it is below `min` (WCAG's
    /// ratio, 4.5 for ordinary text): `[element, text, colour, background, ratio]` each. The
    /// background is composed from the element's and its ancestors' computed background
    /// colours; text hidden for screen readers only (1 px boxes) is left out.
    pub async fn low_contrast(&self, min: f64) -> Vec<Value> {
        let found = self
            .exec(
                r#"
                const min = arguments[0];
                const parse = s => {
                  const m = s.match(/rgba?\(([^)]+)\)/);
                  if (!m) return null;
                  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
                  return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 };
                };
                const lum = c => {
                  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
                };
                const behind = el => {
                  const layers = [];
                  for (let e = el; e; e = e.parentElement) {
                    const c = parse(getComputedStyle(e).backgroundColor);
                    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
                  }
                  let out = [255, 255, 255];
                  for (let i = layers.length - 1; i >= 0; i--) {
                    const c = layers[i];
                    out = out.map((v, k) => c.rgb[k] * c.a + v * (1 - c.a));
                  }
                  return out;
                };
                const bad = [];
                for (const el of document.querySelectorAll('body *')) {
                  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                  if (!own) continue;
                  const cs = getComputedStyle(el);
                  if (cs.visibility === 'hidden' || cs.display === 'none') continue;
                  const r = el.getBoundingClientRect();
                  if (r.width <= 1 || r.height <= 1 || el.closest('[hidden], noscript')) continue;
                  const b = behind(el);
                  const fg = parse(cs.color);
                  const f = fg.rgb.map((v, k) => v * fg.a + b[k] * (1 - fg.a));
                  const l1 = lum(f), l2 = lum(b);
                  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
                  if (ratio < min) bad.push([el.tagName.toLowerCase() + '.' + el.className,
                    el.textContent.trim().slice(0, 40), cs.color, 'rgb(' + b.map(Math.round) + ')',
                    Math.round(ratio * 100) / 100]);
                }
                return bad;
                "#,
                vec![json!(min)],
            )
            .await;
        found.as_array().cloned().unwrap_or_default()
    }

    /// How many elements match `css` and are shown, and which of those are smaller than
    /// `min` CSS pixels either way: `[element, text, width, height]` each.
    pub async fn small_targets(&self, css: &str, min: f64) -> (usize, Vec<Value>) {
        let found = self
            .exec(
                r#"
                const shown = [...document.querySelectorAll(arguments[0])].filter(e => {
                  const r = e.getBoundingClientRect();
                  return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
                });
                const small = shown.map(e => [e, e.getBoundingClientRect()])
                  .filter(([e, r]) => r.width < arguments[1] || r.height < arguments[1])
                  .map(([e, r]) => [e.tagName.toLowerCase() + '.' + e.className,
                    e.textContent.trim().slice(0, 40), Math.round(r.width), Math.round(r.height)]);
                return [shown.length, small];
                "#,
                vec![json!(css), json!(min)],
            )
            .await;
        (
            found[0].as_u64().unwrap_or(0) as usize,
            found[1].as_array().cloned().unwrap_or_default(),
        )
    }

    /// Whether a person sees `el` now, without scrolling: it lies inside the window and is the
    /// topmost thing at its centre (not under a sticky header or footer).
    pub async fn on_screen(&self, el: &Element) -> bool {
        self.exec(
            r#"
            const e = arguments[0];
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return top !== null && (top === e || e.contains(top));
            "#,
            vec![el.json()],
        )
        .await
            == json!(true)
    }

    /// Emulates the system's dark (or light) colour scheme for `prefers-color-scheme`.
    pub async fn color_scheme(&self, scheme: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
    }

    /// Ends the session (Chromium exits) and stops ChromeDriver.
    pub async fn quit(mut self) {
        let _ = self.command(reqwest::Method::DELETE, "", None).await;
        self.closed = true;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        kill_leftovers(self.profile.path());
    }
}

/// Stops whatever Chromium processes of this browser outlived ChromeDriver (a test that hung
/// or failed can leave them): exactly those started with this browser's own, unique profile
/// directory, found in `/proc` and ended one by one by their ids.
fn kill_leftovers(profile: &Path) {
    let marker = format!("--user-data-dir={}", profile.join("user-data").display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline
            .split(|b| *b == 0)
            .any(|arg| arg == marker.as_bytes())
        {
            let _ = Command::new("kill")
                .args(["-KILL", pid])
                .stderr(Stdio::null())
                .status();
        }
    }
}

impl Drop for Browser {
    /// A test that failed half-way still closes its browser: ChromeDriver quits Chromium when its
    /// session is deleted, and is then stopped (this process started it; nothing else is touched).
    fn drop(&mut self) {
        if !self.closed && !self.session.is_empty() {
            delete_session_blocking(self.driver_port, &self.session);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        kill_leftovers(self.profile.path());
    }
}

/// `DELETE /session/ID` over a plain socket: `Drop` cannot await.
fn delete_session_blocking(port: u16, session: &str) {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let req = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).is_ok() {
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    }
}
