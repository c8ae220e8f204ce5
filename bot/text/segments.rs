//! SMS segment counting (GSM-7 or UCS-2) and splitting on segment boundaries.
//!
//! Rules (3GPP TS 23.038, as summarised in dependencies.md §8): a text made only of the GSM 03.38
//! basic set costs one unit per character, and `^{}\[~]|€` plus form feed cost two (escape + char).
//! Up to 160 units is one segment; longer texts are sent in parts of 153. Any other character
//! forces UCS-2, counted in UTF-16 code units: 70 in one segment, parts of 67.

/// The encoding an SMS text will be sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    #[serde(rename = "GSM-7")]
    Gsm7,
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        })
    }
}

/// The cost of one text as SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segments {
    pub encoding: Encoding,
    /// GSM-7 septets or UTF-16 units.
    pub units: usize,
    pub count: usize,
}

const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// GSM-7 units of `c`, or `None` when `c` is outside GSM 03.38. ASCII, the common case, is a
/// table lookup; every reply on every channel is measured, so this is on the hot path.
fn gsm_units(c: char) -> Option<usize> {
    static ASCII: std::sync::OnceLock<[u8; 128]> = std::sync::OnceLock::new();
    if c.is_ascii() {
        let table = ASCII.get_or_init(|| {
            let mut t = [0u8; 128];
            for (i, slot) in t.iter_mut().enumerate() {
                let ch = i as u8 as char;
                *slot = if GSM_BASIC.contains(ch) {
                    1
                } else if GSM_EXTENDED.contains(ch) {
                    2
                } else {
                    0
                };
            }
            t
        });
        return match table[c as usize] {
            0 => None,
            n => Some(n as usize),
        };
    }
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts the segments `text` needs.
pub fn segments(text: &str) -> Segments {
    let gsm: Option<usize> = text.chars().map(gsm_units).sum();
    match gsm {
        Some(units) => Segments {
            encoding: Encoding::Gsm7,
            units,
            count: if units <= 160 { 1 } else { units.div_ceil(153) },
        },
        None => {
            let units = text.encode_utf16().count();
            Segments {
                encoding: Encoding::Ucs2,
                units,
                count: if units <= 70 { 1 } else { units.div_ceil(67) },
            }
        }
    }
}

/// Splits `text` into messages that each fit in `max_segments` segments, breaking at paragraph,
/// line or word boundaries where possible and never inside a character (so neither a GSM escape
/// pair nor a UTF-16 surrogate pair is cut). Twilio concatenates the segments of one message
/// itself; this split is for texts longer than one message should be.
pub fn split_for_sms(text: &str, max_segments: usize) -> Vec<String> {
    let max_segments = max_segments.max(1);
    let fits = |s: &str| segments(s).count <= max_segments;
    if fits(text) {
        return vec![text.to_owned()];
    }
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if fits(rest) {
            parts.push(rest.to_owned());
            break;
        }
        // Longest prefix that fits, found by walking char boundaries.
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let next = i + c.len_utf8();
            if fits(&rest[..next]) {
                end = next;
            } else {
                break;
            }
        }
        let prefix = &rest[..end];
        // Prefer a paragraph break, then a line break, then a space, in the last half.
        let cut = ["\n\n", "\n", " "]
            .iter()
            .filter_map(|sep| prefix.rfind(sep).filter(|&p| p > end / 2))
            .next()
            .unwrap_or(end);
        let cut = if cut == 0 {
            end.max(rest.chars().next().map_or(1, char::len_utf8))
        } else {
            cut
        };
        parts.push(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_limits() {
        assert_eq!(segments(&"a".repeat(160)).count, 1);
        assert_eq!(segments(&"a".repeat(161)).count, 2);
        assert_eq!(segments(&"a".repeat(306)).count, 2);
        assert_eq!(segments(&"a".repeat(307)).count, 3);
        assert_eq!(segments(&"€".repeat(80)).count, 1);
        assert_eq!(segments(&"€".repeat(81)).count, 2);
        assert_eq!(segments("¿Dónde?").encoding, Encoding::Ucs2);
        assert_eq!(segments("¿Qué pasó? ñ é").encoding, Encoding::Ucs2);
        assert_eq!(segments("¿Donde? ñ é ¡ya!").encoding, Encoding::Gsm7);
    }

    #[test]
    fn ucs2_limits() {
        assert_eq!(segments(&"😀".repeat(35)).count, 1);
        assert_eq!(segments(&"😀".repeat(36)).count, 2);
        assert_eq!(segments(&"á".repeat(70)).count, 1);
        assert_eq!(segments(&"á".repeat(71)).count, 2);
    }

    #[test]
    fn split_keeps_every_part_within_budget_and_loses_nothing() {
        let text = "Call 911 now. ".repeat(40);
        let parts = split_for_sms(&text, 1);
        assert!(parts.len() > 1);
        for p in &parts {
            assert_eq!(segments(p).count, 1, "{p:?}");
        }
        let joined: String = parts.join(" ");
        assert_eq!(
            joined.split_whitespace().count(),
            text.split_whitespace().count()
        );
        let emoji = "😀".repeat(100);
        for p in split_for_sms(&emoji, 1) {
            assert!(p.chars().all(|c| c == '😀'));
            assert_eq!(segments(&p).count, 1);
        }
    }
}
