//! `haven content sheet`: write the review sheet of every medical or legal text (HTML and CSV).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use haven::config::Config;
use haven::content::sheet;

/// The file names written in the output directory.
pub const HTML: &str = "content-sheet.html";
pub const CSV: &str = "content-sheet.csv";

/// Writes the sheet into `out`; fails, listing the problems, when `haven check` would.
pub fn sheet(config: &Config, out: &Path) -> anyhow::Result<bool> {
    let date = chrono::Local::now().format("%Y-%m-%d").to_string();
    let sheet = match sheet::build(&config.flows, &config.locales, &date) {
        Ok(s) => s,
        Err(problems) => {
            for p in &problems {
                println!("{p}");
            }
            println!(
                "\n{} problem{}: fix them (see `haven check`) before making a sheet to sign",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            return Ok(false);
        }
    };
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let html = out.join(HTML);
    let csv = out.join(CSV);
    std::fs::write(&html, sheet.html()).with_context(|| format!("writing {}", html.display()))?;
    std::fs::write(&csv, sheet.csv()).with_context(|| format!("writing {}", csv.display()))?;
    // A closed pipe (`haven content sheet | head`) ends quietly: main treats BrokenPipe as done.
    let mut stdout = std::io::stdout().lock();
    let s = &sheet.summary;
    writeln!(
        stdout,
        "{} medical or legal texts ({} reviewed as they are now, {} changed since review, {} facts to verify)",
        sheet.rows.len(),
        s.reviewed,
        s.changed,
        sheet.flags.len()
    )?;
    writeln!(stdout, "wrote {}", html.display())?;
    writeln!(stdout, "wrote {}", csv.display())?;
    Ok(true)
}
