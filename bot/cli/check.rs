//! `haven check`: every problem as `file:line:col: message`, then the SMS segment table.

use haven::check::check;

use haven::config::Config;

/// Returns whether the flows and texts are clean.
pub fn run(config: &Config, quiet: bool) -> anyhow::Result<bool> {
    let report = check(&config.flows, &config.locales);
    for p in &report.problems {
        println!("{p}");
    }
    if !quiet {
        println!();
        println!("SMS segments per text (GSM-7: 160, or 153 per part; UCS-2: 70, or 67 per part):");
        println!(
            "{:<36} {:<4} {:<6} {:>6} {:>9} {:>7}",
            "text", "lang", "enc", "units", "segments", "budget"
        );
        for s in &report.segments {
            let flag = if s.segments as u32 > s.budget {
                "  OVER"
            } else {
                ""
            };
            println!(
                "{:<36} {:<4} {:<6} {:>6} {:>9} {:>7}{flag}",
                s.key,
                s.lang.code(),
                s.encoding.to_string(),
                s.units,
                s.segments,
                s.budget
            );
        }
    }
    if !quiet && !report.unspeakable.is_empty() {
        println!(
            "\nVoice: {} text{} a caller may hear have no speakable form (a call leaves out what cannot be said; write a `KEY-voice` text to say it another way):",
            report.unspeakable.len(),
            if report.unspeakable.len() == 1 {
                ""
            } else {
                "s"
            }
        );
        for n in &report.unspeakable {
            println!(
                "  {:<36} {:<4} {}",
                n.key,
                n.lang.code(),
                n.reasons.join(", ")
            );
        }
    }
    if !quiet {
        let r = &report.review;
        println!(
            "\ncontent review: {} of {} medical or legal texts reviewed as they are now, {} changed since their review; {} fact{} still to verify ({}).",
            r.reviewed,
            r.medical,
            r.changed,
            r.unverified,
            if r.unverified == 1 { "" } else { "s" },
            config.locales.join(haven::content::reviews::FILE).display()
        );
        if r.reviewed < r.medical {
            println!(
                "Before going live, have them reviewed: `haven content sheet` (deploy/OPERATOR.md, \"Content review before going live\")."
            );
        }
    }
    let n = report.problems.len();
    if n == 0 {
        if !quiet {
            println!(
                "\nok: {} and {} are valid",
                config.flows.display(),
                config.locales.display()
            );
        }
    } else {
        println!("\n{n} problem{}", if n == 1 { "" } else { "s" });
        if report.hidden_follow_ons > 0 {
            println!(
                "({} follow-on finding{} — unreachable steps, unused texts — will be checked once these are fixed)",
                report.hidden_follow_ons,
                if report.hidden_follow_ons == 1 {
                    ""
                } else {
                    "s"
                }
            );
        }
    }
    Ok(n == 0)
}
