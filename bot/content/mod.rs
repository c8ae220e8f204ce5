//! The medical and legal content as something a clinician reviews: which texts make such
//! statements, what public document each follows (`sources`), who reviewed what (`reviews`,
//! from `locales/REVIEWS.toml`), and the review sheet that puts it all on one page (`sheet`).

pub mod reviews;
pub mod sheet;
pub mod sources;

use crate::Lang;
use crate::locales::Texts;

/// Text ids starting with these carry medical or legal statements and must cite a public source
/// in a `# Source: ...` comment, unless marked `# Not a medical or legal statement: ...` (a
/// question). Any other text that cites a source is treated as medical or legal too, so a new
/// family (a treatment flow's texts, say) is picked up by citing its sources.
pub const SOURCED_PREFIXES: &[&str] = &[
    "emergency-",
    "naloxone-",
    "saferuse-",
    "crisis-",
    "treatment-",
    "refer-none",
    // Counselors' quick replies (naloxone steps, 988...): every one cites where it comes from.
    crate::check::QUICK_PREFIX,
];

/// Whether `key` is a choice label: a few words of navigation, never a statement.
pub fn is_label(key: &str) -> bool {
    key.contains("-choice-")
}

/// Whether `key` is in a family of medical or legal texts.
pub fn in_medical_family(key: &str) -> bool {
    SOURCED_PREFIXES.iter().any(|p| key.starts_with(p)) && !is_label(key)
}

/// Whether `key` makes medical or legal statements: in a medical family and not marked as a
/// question, or citing a source in any language.
pub fn is_medical(texts: &Texts, key: &str) -> bool {
    if is_label(key) {
        return false;
    }
    let comments: Vec<&str> = Lang::ALL
        .iter()
        .filter_map(|&l| texts.site(l, key).map(|s| s.comment.as_str()))
        .collect();
    if comments.iter().any(|c| sources::source_of(c).is_some()) {
        return true;
    }
    in_medical_family(key) && !comments.iter().any(|c| sources::marked_not_medical(c))
}

/// Renders a text with a sample value for each variable, long enough to be a fair estimate of
/// its SMS length (and stable, so its fingerprint is too).
pub fn render_sample(texts: &Texts, lang: Lang, key: &str) -> String {
    const SAMPLE: &str = "1234567890";
    let variables = texts
        .site(lang, key)
        .map(|s| s.variables.clone())
        .unwrap_or_default();
    let args: Vec<(&str, &str)> = variables.iter().map(|v| (v.as_str(), SAMPLE)).collect();
    texts.render(lang, key, &args)
}

/// The fingerprint of a text in every language, as review records name it.
pub fn fingerprint(texts: &Texts, key: &str) -> String {
    let rendered: Vec<(Lang, String)> = Lang::ALL
        .iter()
        .map(|&l| (l, render_sample(texts, l, key)))
        .collect();
    reviews::fingerprint(rendered.iter().map(|(l, t)| (l.code(), t.as_str())))
}
