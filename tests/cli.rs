//! The `haven` command as users and tools run it: `chat --json` (one JSON object per input
//! line, whatever the input), `check` on broken flows (every problem as file:line:col), and
//! `chat` refusing broken flows.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn haven() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("HAVEN_SECRET").env("HAVEN_LOG", "warn");
    c
}

fn chat_json(input: &[u8]) -> (Vec<serde_json::Value>, String) {
    let mut child = haven()
        .args(["chat", "--json", "--ephemeral", "--channel", "sms"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("haven runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("JSON output is UTF-8");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    (lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn chat_json_writes_one_object_per_line_with_the_contract_fields() {
    let (lines, _) = chat_json(b"hi\nmy friend won't wake up\nhola\n");
    assert_eq!(lines.len(), 3);
    for l in &lines {
        for key in ["in", "intent", "lang", "flow", "step", "replies"] {
            assert!(l.get(key).is_some(), "missing {key} in {l}");
        }
    }
    assert_eq!(lines[1]["intent"], "emergency");
    assert_eq!(lines[1]["flow"], "emergency");
    let first = lines[1]["replies"][0].as_str().unwrap();
    assert!(first.starts_with("Call 911 now"), "{first}");
    assert_eq!(
        haven::text::segments(first).count,
        1,
        "the first emergency reply is one SMS segment"
    );
}

#[test]
fn chat_json_answers_bad_input_without_panicking() {
    let mut input = Vec::new();
    input.extend_from_slice(b"\n"); // empty
    input.extend_from_slice(&vec![b'a'; 10_240]); // 10 kB
    input.push(b'\n');
    input.extend_from_slice(b"not \x00 breathing \x07\x1b[31m\n"); // control characters
    input.extend_from_slice(b"he is \xff\xfe not breathing\n"); // invalid UTF-8
    input.extend_from_slice("ＯＶＥＲＤＯＳＥ 🚨\r\n".as_bytes()); // full width, emoji, CRLF
    input.extend_from_slice(b"no newline at the end");
    let (lines, stderr) = chat_json(&input);
    assert_eq!(
        lines.len(),
        6,
        "one object per input line; stderr: {stderr}"
    );
    for l in &lines {
        let replies = l["replies"].as_array().unwrap();
        assert!(!replies.is_empty(), "every message gets an answer: {l}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert_eq!(lines[0]["intent"], "other");
    assert_eq!(
        lines[2]["intent"], "emergency",
        "control characters do not hide an overdose"
    );
    assert_eq!(
        lines[3]["intent"], "emergency",
        "invalid UTF-8 does not hide an overdose"
    );
    assert!(lines[3]["warning"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(lines[4]["intent"], "emergency");
}

#[test]
fn check_reports_every_problem_with_its_position_and_fails() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let out = haven()
        .arg("--flows")
        .arg(fixtures.join("flows"))
        .arg("--locales")
        .arg(fixtures.join("locales"))
        .args(["check", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let f = fixtures.join("flows").display().to_string();
    for want in [
        format!("{f}/broken.yaml:8:12: invalid pattern `(unclosed`"),
        format!("{f}/broken.yaml:8:25: pattern `Upper Case` has upper-case"),
        format!("{f}/broken.yaml:9:13: intent `stop` is built in"),
        format!("{f}/broken.yaml:15:11: unknown step `nowhere`"),
        format!("{f}/broken.yaml:20:17: `STOP` is a reserved SMS keyword"),
        format!("{f}/broken.yaml:22:9: duplicate step id `ask`"),
        format!("{f}/broken.yaml:23:10: text `missing-everywhere` is missing in locale `en`"),
        format!("{f}/broken.yaml:26:11: unknown flow `nosuchflow`"),
        format!("{f}/broken.yaml:17:10: text `ask-text` is missing in locale `es`"),
        format!(
            "{f}/broken.yaml:14:17: text `first-text` (en) is 2 SMS segments (GSM-7, 166 units): the first emergency reply must fit one SMS segment"
        ),
        format!("{f}/broken.yaml:19:16: choice label `choice-label` reads `Stop` in en"),
        format!("{f}/shape.yaml:4:5: unknown field `sayy`, expected one of id, say,"),
        // Counselors' quick replies (locales/*/quick-replies.ftl).
        "quick-replies.ftl:2:1: quick reply `quick-nolabel` (en) needs a `.label` attribute".to_owned(),
        "quick-replies.ftl:5:1: quick reply `quick-badvar` (en) uses `{ $name }`".to_owned(),
        "quick reply `quick-english-only` is missing in locale `es`".to_owned(),
        "quick-replies.ftl:12:1: text `quick-unsourced` (en) makes medical or legal statements: cite the public document it follows".to_owned(),
        "no flow has a `fallback: true` trigger".to_owned(),
        "no flow has a trigger for the `crisis` intent".to_owned(),
    ] {
        assert!(
            stdout.contains(&want),
            "missing problem:\n  {want}\nin output:\n{stdout}"
        );
    }
    // Unreachable steps and unused texts are usually caused by the other problems: they are
    // counted, not listed, until those are fixed.
    assert!(
        !stdout.contains("is unreachable") && !stdout.contains("is never used"),
        "{stdout}"
    );
    assert!(stdout.contains("follow-on findings"), "{stdout}");
}

#[test]
fn one_typo_gives_one_problem_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let flows = dir.path().join("flows");
    std::fs::create_dir(&flows).unwrap();
    // The flows and the concepts they name (flows/concepts/), with one typo.
    for sub in ["", "concepts"] {
        std::fs::create_dir_all(flows.join(sub)).unwrap();
        for e in std::fs::read_dir(root.join("flows").join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                let text = std::fs::read_to_string(&p)
                    .unwrap()
                    .replace("next: injection", "next: injectoin");
                std::fs::write(flows.join(sub).join(p.file_name().unwrap()), text).unwrap();
            }
        }
    }
    let out = haven()
        .arg("--flows")
        .arg(&flows)
        .args(["check", "--quiet"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    let problems: Vec<&str> = stdout.lines().filter(|l| l.contains(".yaml:")).collect();
    assert_eq!(problems.len(), 1, "{stdout}");
    assert!(
        problems[0].contains("naloxone.yaml:")
            && problems[0].ends_with("unknown step `injectoin` (did you mean `injection`?)"),
        "{stdout}"
    );
    // A missing flows directory is one clear problem.
    let out = haven()
        .args(["--flows", "/nonexistent/flows", "check", "--quiet"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains("/nonexistent/flows"))
            .count(),
        1,
        "{stdout}"
    );
}

#[test]
fn chat_refuses_broken_flows_and_lists_the_problems() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let out = haven()
        .arg("--flows")
        .arg(fixtures.join("flows"))
        .arg("--locales")
        .arg(fixtures.join("locales"))
        .args(["chat", "--json", "--ephemeral"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.yaml:15:11: unknown step `nowhere`"),
        "{stderr}"
    );
    assert!(stderr.contains("fix them (see `haven check`)"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// Issue 18: `haven counselor add maria` for an existing name must not quietly reset her
/// password; off a terminal it needs `--reset`.
#[test]
fn counselor_add_for_an_existing_name_needs_reset() {
    let dir = tempfile::tempdir().unwrap();
    let add = |args: &[&str], password: &str| {
        let mut child = haven()
            .env("HAVEN_DATA", dir.path())
            .args(["counselor", "add"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let accounts = haven::counselors::console::accounts::Accounts::new(dir.path());
    let out = add(&["maria"], "first password 123");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = add(&["maria"], "second password 456");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already exists") && err.contains("--reset"),
        "{err}"
    );
    assert!(
        accounts.verify("maria", "first password 123").unwrap(),
        "the password did not change"
    );
    let out = add(&["maria", "--reset", "--supervisor"], "second password 456");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(accounts.verify("maria", "second password 456").unwrap());
    let list = haven()
        .env("HAVEN_DATA", dir.path())
        .args(["counselor", "list"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list.stdout),
        "maria (supervisor)\n"
    );
}

#[test]
fn shipped_flows_pass_check() {
    let out = haven().args(["check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("emergency-first                      en   GSM-7"),
        "{stdout}"
    );
    assert!(
        stdout.contains("emergency-first                      es   GSM-7"),
        "{stdout}"
    );
}

#[test]
fn the_shipped_example_configuration_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let c =
        haven::config::Config::load_with(Some(&root.join("deploy/haven.toml.example")), &|_| None)
            .expect("example TOML loads");
    let h =
        haven::handoff::HandoffConfig::from_table(&c.counselors).expect("[counselors] is valid");
    assert_eq!(h.queue_timeout_secs, 600);
    assert!(h.hours.is_some());
    assert_eq!(c.referrals.places.len(), 1);
    // The env example names only variables haven knows.
    let env = std::fs::read_to_string(root.join("deploy/haven.env.example")).unwrap();
    for line in env.lines().map(|l| l.trim_start_matches("# ").trim()) {
        if let Some((key, _)) = line.split_once('=')
            && key.starts_with("HAVEN_")
        {
            // HAVEN_LOG is read before the configuration, to set up logging.
            assert!(
                key == "HAVEN_LOG" || haven::config::KEYS.contains(&key),
                "{key} in haven.env.example is not a known variable"
            );
        }
    }
    haven::config::Config::load_with(Some(&root.join("deploy/places.example.toml")), &|_| None)
        .expect("places example loads");
}

/// `haven explain` shows the concepts found, the trigger that won and the one an `except`
/// cancelled, as text and as JSON.
#[test]
fn explain_says_why() {
    let out = haven()
        .args([
            "explain",
            "my brother died of an overdose last year. my friend isnt breathing",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("not-breathing"), "{stdout}");
    assert!(
        stdout.contains("cancelled by except `overdose-not-now`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("intent:    emergency (won by emergency"),
        "{stdout}"
    );

    let out = haven()
        .args(["explain", "--json", "me voy a matar"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["intent"], "crisis");
    assert!(
        v["concepts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["concept"] == "kill-self" && c["at"][0] == "me voy a matar"),
        "{v}"
    );
    assert!(
        v["triggers"][0]["because"][0]
            .as_str()
            .unwrap()
            .starts_with("rule `kill-self`"),
        "{v}"
    );
}

#[test]
fn services_find_says_what_is_missing_and_the_readme_harlem_example_works() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = haven()
            .env("HAVEN_DATA", data.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // As in the README: import the example directory.
    let (ok, out, _) = run(&["services", "import", "deploy/directory.example.csv"]);
    assert!(ok, "{out}");
    // Without the places file, "harlem" is not a place haven knows: the operator is told why
    // and how to fix it, not shown the chat's prompt as if it were an answer.
    let (ok, out, err) = run(&["services", "find", "harlem"]);
    assert!(!ok);
    assert_eq!(
        out, "",
        "nothing on stdout for scripts to mistake for an answer"
    );
    assert!(
        err.contains(
            "\"harlem\" is not a ZIP code or \"lat,lon\", and no place names are configured"
        ) && err.contains("haven --config deploy/places.example.toml services find"),
        "{err}"
    );
    // With it, as the README says, Harlem is found (and in Spanish, with its Spanish name).
    let (ok, out, err) = run(&[
        "--config",
        "deploy/places.example.toml",
        "services",
        "find",
        "harlem",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("Near Harlem:\n1) EXAMPLE - Harlem Health"),
        "{out}"
    );
    let (ok, out, _) = run(&[
        "--config",
        "deploy/places.example.toml",
        "services",
        "find",
        "el bronx",
        "--lang",
        "es",
    ]);
    assert!(ok && out.starts_with("Cerca de El Bronx:"), "{out}");
    // A place that is not configured names the ones that are.
    let (ok, _, err) = run(&[
        "--config",
        "deploy/places.example.toml",
        "services",
        "find",
        "narnia",
    ]);
    assert!(
        !ok && err.contains("(configured: Chelsea, Lower East Side, Harlem"),
        "{err}"
    );
}

/// Copies a directory tree (flows with their concepts, locales).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn check_finds_variables_that_nothing_gives_at_their_place_in_the_ftl_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("flows"), &dir.path().join("flows"));
    copy_tree(&root.join("locales"), &dir.path().join("locales"));
    let edit = |rel: &str, from: &str, to: &str| {
        let p = dir.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    // A typo of a variable the flows set (the services flow captures `location`).
    edit(
        "locales/en/services.ftl",
        "services-ask-where = What's your ZIP code",
        "services-ask-where = Still near { $locaton }? What's your ZIP code",
    );
    // A variable no flow sets and no code gives.
    edit(
        "locales/es/menu.ftl",
        "menu-welcome = Hola",
        "menu-welcome = Hola { $nme }",
    );
    // A referral text is given only what the referral code passes, on a continuation line.
    edit(
        "locales/en/referrals.ftl",
        "*[no] Near { $place }:",
        "*[no] Near { $plce }:",
    );
    let out = haven()
        .arg("--flows")
        .arg(dir.path().join("flows"))
        .arg("--locales")
        .arg(dir.path().join("locales"))
        .args(["check", "--quiet"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let services = dir.path().join("locales/en/services.ftl");
    let menu = dir.path().join("locales/es/menu.ftl");
    let referrals = dir.path().join("locales/en/referrals.ftl");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("variable")).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines.contains(
            &format!(
                "{}:10:35: unknown variable $locaton (did you mean $location?)",
                services.display()
            )
            .as_str()
        ),
        "{stdout}"
    );
    let nme = lines
        .iter()
        .find(|l| l.starts_with(&format!("{}:3:", menu.display())))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(nme.contains(":3:23: unknown variable $nme ("), "{nme}");
    assert!(
        lines.contains(
            &format!(
                "{}:18:21: unknown variable $plce (did you mean $place?)",
                referrals.display()
            )
            .as_str()
        ),
        "{stdout}"
    );
}

#[test]
fn chat_json_keeps_plain_text_replies_and_adds_the_places_as_data() {
    let data = tempfile::tempdir().unwrap();
    let import = haven()
        .env("HAVEN_DATA", data.path())
        .args(["services", "import", "deploy/directory.example.csv"])
        .output()
        .unwrap();
    assert!(import.status.success());
    let mut child = haven()
        .env("HAVEN_DATA", data.path())
        .args(["chat", "--json", "--ephemeral", "--channel", "web"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"naloxone near 10001\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    // The replies stay strings of plain text, as tools expect.
    let replies = line["replies"].as_array().unwrap();
    assert!(replies.iter().all(serde_json::Value::is_string), "{line}");
    assert!(
        replies[0]
            .as_str()
            .unwrap()
            .starts_with("Near 10001:\n\n1. EXAMPLE")
    );
    // The places come beside them, one list per reply.
    let places = line["places"].as_array().unwrap();
    assert_eq!(places.len(), replies.len());
    let first = &places[0][0];
    assert_eq!(first["number"], 1);
    assert_eq!(first["name"], "EXAMPLE – Chelsea Harm Reduction Drop-in");
    assert_eq!(first["phone"]["tel"], "+12125550101");
    assert!(
        first["directions_url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.openstreetmap.org/directions?route=%3B40.74510%2C-73.99410")
    );
    assert_eq!(
        places[1],
        serde_json::json!([]),
        "the question lists no places"
    );
}

// Issue 12 (deploy): the shipped unit and image keep haven's data to its own user and leave
// room for its connections; the image runs as no one in particular, with the data in a volume.
#[test]
fn the_shipped_unit_and_image_keep_data_private_and_room_for_connections() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let unit = std::fs::read_to_string(root.join("deploy/haven.service")).unwrap();
    let setting = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("haven.service sets {key}"))
            .trim()
            .to_owned()
    };
    assert_eq!(setting("UMask"), "0077");
    assert_eq!(setting("StateDirectoryMode"), "0700");
    let files: usize = setting("LimitNOFILE").parse().unwrap();
    assert!(
        files >= 2 * haven::config::DEFAULT_MAX_CONNECTIONS,
        "LimitNOFILE {files} leaves room for the default connections and the database"
    );
    let stop: u64 = setting("TimeoutStopSec").parse().unwrap();
    assert!(
        stop > haven::server::Limits::default().drain.as_secs(),
        "systemd waits longer than haven's drain, so the final flush runs"
    );
    let env = std::fs::read_to_string(root.join("deploy/haven.env.example")).unwrap();
    assert!(
        env.contains("HAVEN_DATA=/var/lib/haven/"),
        "haven creates its data dir inside StateDirectory"
    );

    let docker = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    let user = docker
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("the image sets a user");
    assert!(
        !user.starts_with("root") && !user.starts_with('0'),
        "{user}"
    );
    assert!(docker.contains("VOLUME [\"/data\"]"));
    assert!(docker.contains("HAVEN_DATA=/data"));
    assert!(
        docker.contains("-m 0700 /data"),
        "the volume starts private"
    );
}
