//! `haven counselor add|remove|list NAME`: console accounts (argon2 hashes in the data dir).

use std::io::{BufRead, IsTerminal, Write};

use haven::config::Config;
use haven::counselors::console::accounts::Accounts;

/// Reads a password: twice, without echo, from a terminal; once from a pipe.
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }
    let ask = |prompt: &str| -> anyhow::Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        // No dependency for hidden input: stty is on every Unix system haven runs on.
        let hidden = std::process::Command::new("stty")
            .arg("-echo")
            .status()
            .is_ok_and(|s| s.success());
        let mut line = String::new();
        let r = stdin.lock().read_line(&mut line);
        if hidden {
            let _ = std::process::Command::new("stty").arg("echo").status();
            eprintln!();
        }
        r?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    };
    let first = ask("Password (at least 10 characters): ")?;
    let again = ask("Same password again: ")?;
    anyhow::ensure!(first == again, "the two passwords differ; nothing changed");
    Ok(first)
}

pub fn add(config: &Config, name: &str) -> anyhow::Result<bool> {
    let accounts = Accounts::new(&config.data);
    let password = read_password()?;
    accounts.set(name, &password, haven::runtime::now())?;
    println!(
        "Counselor {name} can now sign in at /console of a haven serve using the data directory {} (a running one picks this up at once).",
        config.data.display()
    );
    Ok(true)
}

pub fn remove(config: &Config, name: &str) -> anyhow::Result<bool> {
    Accounts::new(&config.data).remove(name)?;
    println!("Counselor {name} removed; their console sessions end at their next click.");
    Ok(true)
}

pub fn list(config: &Config) -> anyhow::Result<bool> {
    let names = Accounts::new(&config.data).names()?;
    if names.is_empty() {
        println!("No counselor accounts. Add one with `haven counselor add NAME`.");
    }
    for n in names {
        println!("{n}");
    }
    Ok(true)
}
