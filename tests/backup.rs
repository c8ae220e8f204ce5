//! `haven backup` and `haven restore` (issue 12): a backup taken from a running `haven serve`
//! under load (through its admin socket) restores every ticket answered before it began, and
//! the restored data directory serves them; sealed data stays sealed and the key stays out
//! unless asked for; restore refuses a newer format, a damaged file, a wrong or missing secret
//! and an existing database, and leaves nothing behind when it refuses.

mod support;

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use haven::channels::sms::signature;
use haven::counselors::console::accounts::Accounts;
use haven::engine::Channel;
use haven::store::Keys;
use haven::store::backup::FORMAT;
use support::process::{HAVEN_NUMBER, Process, SECRET, Setup, open_db};
use support::server::contains;
use support::twilio_fake::{ACCOUNT_SID, AUTH_TOKEN, FakeTwilio};

const ASK: &str = "can i talk to a counselor";

fn setup(dir: &Path, fake: &FakeTwilio) -> Setup {
    Setup {
        data: dir.join("data"),
        port: Setup::free_port(),
        twilio_url: fake.url.clone(),
        log: dir.join("haven.log"),
        extra: vec![("HAVEN_RATE_LIMIT".into(), "100000".into())],
    }
}

/// Runs `haven ARGS` with the setup's environment (and `env_remove`d variables).
fn haven(setup: &Setup, args: &[&str], without: &[&str]) -> Output {
    let mut c = setup.command();
    for v in without {
        c.env_remove(v);
    }
    c.args(args).output().expect("haven runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// One signed webhook from `phone`; `true` when it was answered with a message.
async fn sms(http: &reqwest::Client, url: &str, n: u64, phone: &str, body: &str) -> bool {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("MessageSid", &format!("SM{n:032x}"))
        .append_pair("AccountSid", ACCOUNT_SID)
        .append_pair("From", phone)
        .append_pair("To", HAVEN_NUMBER)
        .append_pair("Body", body)
        .finish();
    let sig = signature::sign(AUTH_TOKEN, &format!("{url}/sms/twilio"), form.as_bytes()).unwrap();
    match http
        .post(format!("{url}/sms/twilio"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(form)
        .send()
        .await
    {
        Ok(r) if r.status() == 200 => r.text().await.unwrap().contains("<Message>"),
        _ => false,
    }
}

fn phone(n: u64) -> String {
    format!("+1333{n:07}")
}

/// The ids of the tickets of these people, read from a data dir no server holds; panics on
/// anyone without one.
fn tickets_of(data: &Path, people: &[String]) -> Vec<u64> {
    let keys = Keys::from_secret(SECRET.as_bytes()).unwrap();
    let db = open_db(data);
    let (ticket_of, tickets, sessions) = (
        db.open_tree("ticket_of").unwrap(),
        db.open_tree("tickets").unwrap(),
        db.open_tree("sessions").unwrap(),
    );
    people
        .iter()
        .map(|p| {
            let who = keys.pseudonym(Channel::Sms, p);
            let id = ticket_of
                .get(who.0)
                .unwrap()
                .unwrap_or_else(|| panic!("{p} has a ticket"));
            assert!(tickets.get(&id).unwrap().is_some(), "{p}'s ticket exists");
            assert!(
                sessions.get(who.0).unwrap().is_some(),
                "{p}'s session exists"
            );
            u64::from_be_bytes(id.as_ref().try_into().unwrap())
        })
        .collect()
}

/// Logs in to the console and returns the queue page.
async fn console_queue(url: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http
        .get(format!("{url}/console/login"))
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let page = r.text().await.unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = page[at..].split('"').next().unwrap().to_owned();
    let r = http
        .post(format!("{url}/console/login"))
        .header("cookie", cookies.join("; "))
        .header("origin", url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            form_urlencoded::Serializer::new(String::new())
                .append_pair("name", "maria")
                .append_pair("password", "correct horse battery")
                .append_pair("csrf", &csrf)
                .finish(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the restored counselor account logs in");
    let mut jar: Vec<String> = cookies;
    for v in r.headers().get_all("set-cookie") {
        jar.push(v.to_str().unwrap().split(';').next().unwrap().to_owned());
    }
    http.get(format!("{url}/console"))
        .header("cookie", jar.join("; "))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_every_ticket_and_serves_them() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let setup = setup(dir.path(), &fake);
    Accounts::new(&setup.data)
        .set("maria", "correct horse battery", 0)
        .unwrap();
    let server = Process::start(&setup).await;

    // People ask for a counselor (tickets) and report overdoses (queued texts), without pause.
    let answered: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU64::new(1));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (answered, stop, next, url) =
                (answered.clone(), stop.clone(), next.clone(), setup.url());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                while !stop.load(Ordering::SeqCst) {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    let says = if n % 3 == 0 {
                        "my friend won't wake up"
                    } else {
                        ASK
                    };
                    if sms(&http, &url, n, &phone(n), says).await && says == ASK {
                        answered.lock().unwrap().push((phone(n), Instant::now()));
                    }
                }
            })
        })
        .collect();
    while answered.lock().unwrap().len() < 30 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let began = Instant::now();
    let path = dir.path().join("nightly.havenbak");
    let backup = {
        let (setup, path) = (setup.clone(), path.clone());
        tokio::task::spawn_blocking(move || haven(&setup, &["backup", path.to_str().unwrap()], &[]))
            .await
            .unwrap()
    };
    // The load went on during the backup and goes on a little after it.
    let during = answered.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.await.unwrap();
    }
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(
        text(&backup).contains("from the running server"),
        "{}",
        text(&backup)
    );
    assert!(
        text(&backup).contains("the server secret is not in the backup"),
        "the operator is told to keep the key apart"
    );
    assert!(
        server.terminate(),
        "the server stops cleanly after a backup"
    );
    let answered = answered.lock().unwrap().clone();
    let before: Vec<String> = answered
        .iter()
        .filter(|(_, at)| *at < began)
        .map(|(p, _)| p.clone())
        .collect();
    assert!(
        answered.len() > before.len() && during > before.len(),
        "load ran during the backup"
    );

    // Sealed data stays sealed; the key stays out.
    let bytes = std::fs::read(&path).unwrap();
    for p in &answered {
        assert!(!contains(&bytes, &p.0), "no phone number in the backup");
    }
    assert!(!contains(&bytes, ASK), "no message text in the backup");
    assert!(!contains(&bytes, SECRET));
    assert!(!contains(
        &bytes,
        &Keys::from_secret(SECRET.as_bytes()).unwrap().to_key_file()
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner reads a backup");
    }

    // Restored elsewhere, every ticket answered before the backup began is there...
    let restored_dir = tempfile::tempdir().unwrap();
    let mut restored = setup.clone();
    restored.data = restored_dir.path().join("data");
    restored.port = Setup::free_port();
    let out = haven(&restored, &["restore", path.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let ids = tickets_of(&restored.data, &before);
    assert_eq!(ids.len(), before.len());

    // ...and a server on the restored data shows each of them to the restored counselor, and
    // numbers a new ticket past every restored one.
    let server = Process::start(&restored).await;
    let queue = console_queue(&server.url).await;
    for id in &ids {
        assert!(
            queue.contains(&format!("/console/ticket/{id}\"")),
            "ticket #{id} is in the restored queue"
        );
    }
    let http = reqwest::Client::new();
    let newcomer = phone(999_999);
    assert!(sms(&http, &server.url, 999_999, &newcomer, ASK).await);
    assert!(server.terminate());
    let new_id = tickets_of(&restored.data, &[newcomer])[0];
    assert!(
        ids.iter().all(|id| *id < new_id),
        "a new ticket never takes a restored ticket's number ({new_id})"
    );
    println!(
        "backup under load: {} tickets answered before the backup began, all restored and shown; {} answered in all; backup {} bytes",
        before.len(),
        answered.len(),
        bytes.len()
    );
}

/// A stopped server's data dir with one ticket, for the refusal tests.
async fn small_data_dir(dir: &Path, fake: &FakeTwilio) -> (Setup, String) {
    let setup = setup(dir, fake);
    Accounts::new(&setup.data)
        .set("maria", "correct horse battery", 0)
        .unwrap();
    let server = Process::start(&setup).await;
    let person = phone(1);
    assert!(sms(&reqwest::Client::new(), &server.url, 1, &person, ASK).await);
    assert!(server.terminate());
    (setup, person)
}

#[tokio::test]
async fn restore_refuses_newer_formats_damage_wrong_or_missing_keys_and_existing_data() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTwilio::start().await;
    let (setup, person) = small_data_dir(dir.path(), &fake).await;
    let path = dir.path().join("b.havenbak");
    let out = haven(&setup, &["backup", path.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("no server running"),
        "with the server stopped the command reads the data dir itself"
    );
    let good = std::fs::read(&path).unwrap();
    let target = |name: &str| {
        let mut s = setup.clone();
        s.data = dir.path().join(name);
        s
    };
    let refused = |s: &Setup, file: &Path, without: &[&str], says: &str| {
        let out = haven(s, &["restore", file.to_str().unwrap()], without);
        assert!(!out.status.success(), "refused: {}", text(&out));
        assert!(text(&out).contains(says), "{says:?} in {}", text(&out));
        assert!(
            !s.data.join("db").exists() && !s.data.join(".restore").exists(),
            "nothing left behind"
        );
    };

    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&(FORMAT + 1).to_be_bytes());
    let newer_path = dir.path().join("newer.havenbak");
    std::fs::write(&newer_path, &newer).unwrap();
    refused(&target("a"), &newer_path, &[], "newer haven");

    let mut damaged = good.clone();
    let mid = damaged.len() * 2 / 3;
    damaged[mid] ^= 0x01;
    let damaged_path = dir.path().join("damaged.havenbak");
    std::fs::write(&damaged_path, &damaged).unwrap();
    refused(&target("b"), &damaged_path, &[], "damaged");

    let mut wrong_key = target("c");
    wrong_key.extra.push((
        "HAVEN_SECRET".into(),
        "another-secret-of-some-length-for-the-test".into(),
    ));
    refused(&wrong_key, &path, &[], "not the one");
    refused(
        &target("d"),
        &path,
        &["HAVEN_SECRET"],
        "without the server secret",
    );

    let ok = target("e");
    let out = haven(&ok, &["restore", path.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(tickets_of(&ok.data, std::slice::from_ref(&person)).len(), 1);
    let again = haven(&ok, &["restore", path.to_str().unwrap()], &[]);
    assert!(!again.status.success());
    assert!(text(&again).contains("already holds a database"));

    // Asked for, the key goes in (with a warning), and a restore needs nothing else.
    let keyed = dir.path().join("keyed.havenbak");
    let out = haven(
        &setup,
        &["backup", keyed.to_str().unwrap(), "--include-key"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("warning: this backup contains the server secret"),
        "{}",
        text(&out)
    );
    let hex = Keys::from_secret(SECRET.as_bytes()).unwrap().to_key_file();
    assert!(contains(&std::fs::read(&keyed).unwrap(), &hex));
    let bare = target("f");
    let out = haven(
        &bare,
        &["restore", keyed.to_str().unwrap()],
        &["HAVEN_SECRET"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(bare.data.join("secret.key")).unwrap(),
        hex,
        "the restored key file holds the original secret"
    );
    assert_eq!(tickets_of(&bare.data, &[person]).len(), 1);
}
