//! A first guess at the language of a message, from common words and Spanish-only letters.
//!
//! dependencies.md measured whatlang at 25/30 on short messages and lingua at 30/30 for a 12 MB
//! binary; both are overkill for telling English from Spanish in texts of a few words. haven
//! guesses from marker words, says nothing when unsure, and lets the person choose ("español",
//! "english") — the choice is what sticks.

use crate::Lang;
use crate::text::Folded;
use crate::text::fxhash::FxSet;

/// Common Spanish words that are rare in English texting (after folding: no accents).
const ES: &[&str] = &[
    "el",
    "la",
    "los",
    "las",
    "del",
    "que",
    "es",
    "esta",
    "estoy",
    "estas",
    "mi",
    "mis",
    "tu",
    "por",
    "para",
    "con",
    "una",
    "uno",
    "donde",
    "como",
    "quiero",
    "necesito",
    "hola",
    "gracias",
    "ayuda",
    "ayudame",
    "amigo",
    "amiga",
    "novio",
    "novia",
    "hermano",
    "hermana",
    "hijo",
    "hija",
    "despierta",
    "respira",
    "puedo",
    "hay",
    "si",
    "muy",
    "pero",
    "ya",
    "eso",
    "esto",
    "se",
    "le",
    "lo",
    "nos",
    "buenas",
    "buenos",
    "dias",
    "tardes",
    "noches",
    "hablar",
    "alguien",
    "persona",
    "consigo",
    "conseguir",
    "cerca",
    "aqui",
    "usar",
    "uso",
    "sobredosis",
    "naloxona",
    "jeringas",
    "tratamiento",
    "morir",
    "vivir",
    "tengo",
    "tiene",
    "puede",
    "favor",
    "porfa",
    "que",
    "quien",
    "cuando",
    "pasa",
    "ahora",
    "tambien",
    "nada",
    "algo",
    "son",
    "ella",
    "ellos",
    "usted",
    "soy",
    "eres",
    "fue",
    "hace",
    "espanol",
    "hablas",
    "bueno",
    "vale",
    "claro",
    "dime",
    "sabes",
    "gente",
    "droga",
    "drogas",
    "alto",
    "parar",
    "iniciar",
    "pastillas",
    "reacciona",
    "desmayo",
    "labios",
    "morados",
    "azul",
    "ayudenme",
    "auxilio",
];

/// Common English words that are rare in Spanish texting.
const EN: &[&str] = &[
    "the",
    "i",
    "im",
    "my",
    "is",
    "are",
    "you",
    "u",
    "he",
    "she",
    "it",
    "not",
    "can",
    "where",
    "how",
    "what",
    "do",
    "does",
    "to",
    "of",
    "and",
    "on",
    "with",
    "get",
    "need",
    "want",
    "help",
    "please",
    "pls",
    "plz",
    "friend",
    "wake",
    "breathing",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "talk",
    "someone",
    "person",
    "near",
    "use",
    "using",
    "overdose",
    "wont",
    "cant",
    "dont",
    "isnt",
    "him",
    "her",
    "they",
    "we",
    "this",
    "that",
    "there",
    "have",
    "has",
    "up",
    "just",
    "get",
    "know",
    "why",
    "who",
    "when",
    "now",
    "should",
    "would",
    "could",
    "english",
    "yes",
    "ok",
    "okay",
    "bro",
    "man",
    "lips",
    "blue",
    "passed",
    "out",
    "took",
    "die",
    "kill",
    "myself",
    "needles",
    "clinic",
    "am",
];

/// The marker lists as sets, built once.
fn markers() -> &'static (FxSet<&'static str>, FxSet<&'static str>) {
    static SETS: std::sync::OnceLock<(FxSet<&'static str>, FxSet<&'static str>)> =
        std::sync::OnceLock::new();
    SETS.get_or_init(|| (ES.iter().copied().collect(), EN.iter().copied().collect()))
}

/// The language `text` is most likely in, when the evidence is clear.
pub fn detect(raw: &str, folded: &Folded) -> Option<Lang> {
    detect_with_margin(raw, folded).map(|(l, _)| l)
}

/// The language and by how many marker words it won.
pub fn detect_with_margin(raw: &str, folded: &Folded) -> Option<(Lang, u32)> {
    detect_with_votes(raw, folded, (0, 0))
}

/// The same, adding votes from elsewhere (English, Spanish): the words of the message that only
/// one language's concept terms know ("me voy a matar": `voy a`, `matar`).
pub fn detect_with_votes(raw: &str, folded: &Folded, votes: (u32, u32)) -> Option<(Lang, u32)> {
    let mut es = votes.1 as i32;
    let mut en = votes.0 as i32;
    // ñ, ¿ and ¡ are near-certain Spanish; accented vowels likely.
    if raw.contains(['ñ', 'Ñ', '¿', '¡']) {
        es += 2;
    }
    if raw.contains(['á', 'é', 'í', 'ó', 'ú', 'Á', 'É', 'Í', 'Ó', 'Ú']) {
        es += 1;
    }
    let (es_words, en_words) = markers();
    for w in folded.words() {
        if es_words.contains(w) {
            es += 1;
        }
        if en_words.contains(w) {
            en += 1;
        }
    }
    match es.cmp(&en) {
        std::cmp::Ordering::Greater => Some((Lang::Es, (es - en) as u32)),
        std::cmp::Ordering::Less => Some((Lang::En, (en - es) as u32)),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn d(s: &str) -> Option<Lang> {
        detect(s, &fold(s))
    }

    #[test]
    fn guesses_short_messages() {
        assert_eq!(d("hola"), Some(Lang::Es));
        assert_eq!(d("mi amigo no respira"), Some(Lang::Es));
        assert_eq!(d("¿dónde consigo naloxona?"), Some(Lang::Es));
        assert_eq!(d("my friend wont wake up"), Some(Lang::En));
        assert_eq!(d("hi"), Some(Lang::En));
        assert_eq!(d("narcan"), None);
        assert_eq!(d("10001"), None);
        assert_eq!(d("es gratis"), Some(Lang::Es));
    }
}
