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
