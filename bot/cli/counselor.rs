//! `haven counselor add|role|remove|list NAME`: console accounts (argon2 hashes and roles in the
//! data dir).

use std::io::{BufRead, IsTerminal, Write};

use haven::config::Config;
use haven::counselors::console::accounts::{Accounts, Role};

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

/// Asks a yes/no question on the terminal; anything but y/yes is no.
fn confirm(question: &str) -> anyhow::Result<bool> {
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

pub fn add(config: &Config, name: &str, supervisor: bool, reset: bool) -> anyhow::Result<bool> {
    let accounts = Accounts::new(&config.data);
    let exists = accounts.exists(name)?;
    // A second `add` of the same name must not quietly take over someone's account.
    if exists && !reset {
        if !std::io::stdin().is_terminal() {
            eprintln!(
                "haven: counselor {name} already exists (data directory {}); nothing changed. To set a new password, run `haven counselor add {name} --reset`.",
                config.data.display()
            );
            return Ok(false);
        }
        if !confirm(&format!(
            "Counselor {name} already exists. Set a new password for {name}?"
        ))? {
            println!("Nothing changed.");
            return Ok(false);
        }
    }
    let password = read_password()?;
    let role = supervisor.then_some(Role::Supervisor);
    accounts.set_with_role(name, &password, role, haven::runtime::now())?;
    let role = accounts
        .roles()?
        .get(name)
        .copied()
        .unwrap_or_default()
        .as_str();
    if exists {
        println!(
            "New password set for {name} ({role}) in the data directory {}; their open console sessions go on until they sign out.",
            config.data.display()
        );
    } else {
        println!(
            "{name} ({role}) can now sign in at /console of a haven serve using the data directory {} (a running one picks this up at once).",
            config.data.display()
        );
    }
    Ok(true)
}

pub fn role(config: &Config, name: &str, role: &str) -> anyhow::Result<bool> {
    let role = match role {
        "supervisor" => Role::Supervisor,
        _ => Role::Counselor,
    };
    Accounts::new(&config.data).set_role(name, role)?;
    println!(
        "{name} is now a {} (data directory {}); it applies at their next click.",
        role.as_str(),
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
    let roles = Accounts::new(&config.data).roles()?;
    if roles.is_empty() {
        println!("No counselor accounts. Add one with `haven counselor add NAME`.");
    }
    for (n, r) in roles {
        match r {
            Role::Counselor => println!("{n}"),
            Role::Supervisor => println!("{n} (supervisor)"),
        }
    }
    Ok(true)
}
