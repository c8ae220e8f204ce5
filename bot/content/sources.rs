//! What counts as a public source: the rule `haven check` applies to every `# Source:` comment
//! above a text in `locales/`.
//!
//! A medical or legal text must say which public document it follows, so that a clinician
//! reviewing it can open that document. A source counts when one of its citations (the parts
//! between `;`) is
//! - a web address (`https://...`, or a domain such as `cdc.gov/stop-overdose` or
//!   `988lifeline.org`), or
//! - a named document of a publisher in [`PUBLISHERS`]: the publisher and at least two more
//!   words naming the document (`FDA Narcan 4 mg Drug Facts`, `CDC "What to Do if You Think
//!   Someone is Overdosing"`); a bare `CDC` names no document.
//!
//! Documents that are not public (the product specification, the team's notes) never count,
//! and naming one in a `Source:` is a problem of its own: a reviewer cannot open them.

use std::sync::LazyLock;

use regex::Regex;

/// Publishers whose named documents count as public sources. Federal agencies and the bodies
/// whose guidance haven's texts follow; a source elsewhere can always be cited by its URL.
pub const PUBLISHERS: &[&str] = &[
    "FDA",
    "CDC",
    "MMWR",
    "SAMHSA",
    "HHS",
    "HRSA",
    "Poison Help",
    "NIDA",
    "NIH",
    "NLM",
    "DailyMed",
    "DEA",
    "VA",
    "AHA",
    "American Heart Association",
    "ASAM",
    "988 Lifeline",
    "Suicide & Crisis Lifeline",
    "Crisis Text Line",
    "National Academies",
    "WHO",
    "CTIA",
    "FCC",
    "Twilio",
    "National Harm Reduction Coalition",
    "NEXT Distro",
    "Remedy Alliance",
    "Emergent",
    "Network for Public Health Law",
    "Washington State DOH",
    "JAMA",
];

/// Documents that are not public; citing them is refused.
pub const INTERNAL: &[&str] = &[
    "PRODUCT.md",
    "content-sources.md",
    "ARCHITECTURE.md",
    "OPERATOR.md",
    "style.md",
];

/// The words that mark a text in a medical family (`emergency-ask`, a question) as making no
/// medical or legal statement, so it needs no source: `# Not a medical or legal statement: ...`.
pub const NOT_MEDICAL: &str = "Not a medical or legal statement";

/// The marker of a fact nobody has checked against its primary source yet. A text whose comment
/// carries it must be listed under `[[unverified]]` in `locales/REVIEWS.toml`, so the review
/// sheet shows it to the reviewer.
pub const VERIFY_MARKERS: &[&str] = &["[verify]", "[unverified]"];

static DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://\S+|(?:[a-z0-9-]+\.)+(?:gov|org|com|edu|net|us|int|info)\b)")
        .expect("domain pattern compiles")
});

static PUBLISHER: LazyLock<Regex> = LazyLock::new(|| {
    let names: Vec<String> = PUBLISHERS.iter().map(|p| regex::escape(p)).collect();
    Regex::new(&format!(r"\b(?:{})\b", names.join("|"))).expect("publisher pattern compiles")
});

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{L}{3,}").expect("word pattern compiles"));

/// What is wrong with a text's source comment, if anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceProblem {
    /// A Spanish `Fuente:` (or another word) where `check` reads `Source:`.
    Untranslated(&'static str),
    /// `Source:` names a document that is not public.
    Internal(&'static str),
    /// `Source:` names no public document.
    NoPublicDocument,
}

/// The source of a comment: the text after `Source:`, over however many lines it runs.
pub fn source_of(comment: &str) -> Option<&str> {
    comment
        .find("Source:")
        .map(|i| comment[i + "Source:".len()..].trim())
}

/// Whether the comment says the text makes no medical or legal statement.
pub fn marked_not_medical(comment: &str) -> bool {
    comment.contains(NOT_MEDICAL)
}

/// Whether the comment marks a fact as still to be verified.
pub fn marked_unverified(comment: &str) -> bool {
    VERIFY_MARKERS.iter().any(|m| comment.contains(m))
}

/// Checks a comment that should cite a source. `Ok(None)` when it has no `Source:` at all (the
/// caller decides whether one is required), `Ok(Some(source))` when it cites a public document.
pub fn check(comment: &str) -> Result<Option<&str>, SourceProblem> {
    let Some(source) = source_of(comment) else {
        if comment.contains("Fuente:") {
            return Err(SourceProblem::Untranslated("Fuente:"));
        }
        return Ok(None);
    };
    if let Some(doc) = INTERNAL.iter().find(|d| source.contains(*d)) {
        return Err(SourceProblem::Internal(doc));
    }
    if source.split(';').any(names_public_document) {
        Ok(Some(source))
    } else {
        Err(SourceProblem::NoPublicDocument)
    }
}

/// Whether one citation names a public document: a web address, or a listed publisher and at
/// least two more words.
fn names_public_document(citation: &str) -> bool {
    if DOMAIN.is_match(citation) {
        return true;
    }
    let Some(publisher) = PUBLISHER.find(citation) else {
        return false;
    };
    let rest = format!(
        "{} {}",
        &citation[..publisher.start()],
        &citation[publisher.end()..]
    );
    WORD.find_iter(&rest).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_named_documents_of_listed_publishers_count() {
        for ok in [
            "Source: cdc.gov/stop-overdose/response",
            "Source: https://poisonhelp.hrsa.gov/",
            "Source: 988lifeline.org (call or text 988)",
            "Source: FDA Narcan 4 mg Drug Facts (one device, one dose)",
            "Source: manual de SAMHSA SMA18-4742SPANISH (Paso 2)",
            "Source: American Heart Association, Opioid-Associated Emergency algorithm",
            "Source: CDC (side); SAMHSA Opioid Overdose Prevention Toolkit",
            "Note first.\nSource: NARCAN Quick Start Guide, Emergent (lay on the back;\nnew spray)",
        ] {
            assert!(matches!(check(ok), Ok(Some(_))), "{ok}");
        }
    }

    #[test]
    fn a_bare_publisher_none_or_a_private_document_is_refused() {
        assert_eq!(check("Source: CDC"), Err(SourceProblem::NoPublicDocument));
        assert_eq!(
            check("Source: none needed (a question)"),
            Err(SourceProblem::NoPublicDocument)
        );
        assert_eq!(
            check("Source: my friend who is a nurse says so"),
            Err(SourceProblem::NoPublicDocument)
        );
        assert_eq!(
            check("Source: 988lifeline.org; PRODUCT.md (deliberate overdoses)"),
            Err(SourceProblem::Internal("PRODUCT.md"))
        );
        assert_eq!(
            check("Fuente: CDC en español"),
            Err(SourceProblem::Untranslated("Fuente:"))
        );
        // `CDCs` is not the publisher `CDC`, and a `.md` file is not a web address.
        assert_eq!(
            check("Source: the CDCs notes in notes.md"),
            Err(SourceProblem::NoPublicDocument)
        );
        assert_eq!(check("A question, no source."), Ok(None));
    }

    #[test]
    fn markers() {
        assert!(marked_not_medical(
            "Not a medical or legal statement: a question."
        ));
        assert!(marked_unverified("Source: x.org (the number) [verify]"));
        assert!(!marked_unverified("Source: x.org"));
    }
}
