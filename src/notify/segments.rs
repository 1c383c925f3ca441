//! How many SMS parts a text costs: GSM 03.38 7-bit when every character fits, UCS-2 otherwise.
//!
//! A single SMS carries 140 octets: 160 GSM septets or 70 UTF-16 code units. Once
//! a text is split, each part gives up 6 octets to the concatenation header (UDH),
//! leaving 153 septets or 67 code units per part. Phones never split a GSM escape
//! sequence (`€` is ESC + 0x65) or a UTF-16 surrogate pair across two parts, so the
//! parts are packed greedily here instead of dividing by 153 / 67: a text near a
//! boundary can need one part more than the plain division says.
//!
//! Alibaba Cloud bills mainland SMS the same way (70 characters for one message,
//! 67 per part when longer) and counts the `【签名】` it prepends, whose brackets
//! are not GSM, so an Aliyun message is always UCS-2: count `format!("【{sign}】{text}")`
//! to estimate what Aliyun will charge.

/// Which alphabet the text travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 03.38 default alphabet, 7 bits per character (extension characters take two).
    Gsm7,
    /// UTF-16, 16 bits per code unit (characters outside the BMP, e.g. emoji, take two).
    Ucs2,
}

/// The cost of one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    pub encoding: Encoding,
    /// Septets for [`Encoding::Gsm7`], UTF-16 code units for [`Encoding::Ucs2`].
    pub units: usize,
    /// SMS parts the text is sent as; an empty text still costs one.
    pub parts: usize,
}

pub const GSM7_SINGLE: usize = 160;
pub const GSM7_PART: usize = 153;
pub const UCS2_SINGLE: usize = 70;
pub const UCS2_PART: usize = 67;

/// The GSM 03.38 default alphabet in code order, without 0x1B (ESC, which introduces the extension table).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: each costs ESC + one septet.
const GSM7_EXTENSION: &str = "\u{0C}^{}\\[~]|€";

/// Septets a character costs in GSM 7-bit, or `None` if it has no GSM encoding.
fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts the encoding, units and parts of `text`.
pub fn segments(text: &str) -> Segments {
    let gsm: Option<Vec<usize>> = text.chars().map(gsm7_septets).collect();
    match gsm {
        Some(weights) => count(Encoding::Gsm7, &weights, GSM7_SINGLE, GSM7_PART),
        None => {
            let weights: Vec<usize> = text.chars().map(char::len_utf16).collect();
            count(Encoding::Ucs2, &weights, UCS2_SINGLE, UCS2_PART)
        }
    }
}

fn count(encoding: Encoding, weights: &[usize], single: usize, per_part: usize) -> Segments {
    let units: usize = weights.iter().sum();
    let parts = if units <= single {
        1
    } else {
        // A character never straddles two parts, so a part may end one unit short.
        let mut parts = 1;
        let mut used = 0;
        for &w in weights {
            if used + w > per_part {
                parts += 1;
                used = 0;
            }
            used += w;
        }
        parts
    };
    Segments {
        encoding,
        units,
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, encoding: Encoding, units: usize, parts: usize) {
        assert_eq!(
            segments(text),
            Segments {
                encoding,
                units,
                parts
            },
            "text of {} chars",
            text.chars().count()
        );
    }

    #[test]
    fn the_basic_alphabet_has_127_characters_and_the_extension_10() {
        // 128 code points minus ESC; a typo in the tables would change these counts.
        assert_eq!(GSM7_BASIC.chars().count(), 127);
        assert_eq!(GSM7_EXTENSION.chars().count(), 10);
        assert!(GSM7_BASIC.chars().all(|c| !GSM7_EXTENSION.contains(c)));
    }

    #[test]
    fn ascii_fits_160_in_one_part_and_153_per_part_after() {
        check("", Encoding::Gsm7, 0, 1);
        check(&"a".repeat(160), Encoding::Gsm7, 160, 1);
        check(&"a".repeat(161), Encoding::Gsm7, 161, 2);
        check(&"a".repeat(306), Encoding::Gsm7, 306, 2);
        check(&"a".repeat(307), Encoding::Gsm7, 307, 3);
    }

    #[test]
    fn extension_characters_count_two_septets() {
        check("€", Encoding::Gsm7, 2, 1);
        check("{}[]~|^\\", Encoding::Gsm7, 16, 1);
        check(&"€".repeat(80), Encoding::Gsm7, 160, 1);
        check(&format!("{}{{", "a".repeat(159)), Encoding::Gsm7, 161, 2);
    }

    #[test]
    fn an_escape_sequence_is_not_split_across_parts() {
        // 306 septets would fit two parts of 153, but the € at septet 153 cannot be cut in half.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        check(&text, Encoding::Gsm7, 306, 3);
    }

    #[test]
    fn gsm_accents_and_greek_stay_7_bit_but_other_accents_do_not() {
        check("Zürich £5 é à ΔΩ ¿¡", Encoding::Gsm7, 19, 1);
        // ç (small c cedilla) is not in the default alphabet, only Ç is.
        check("garçon", Encoding::Ucs2, 6, 1);
    }

    #[test]
    fn chinese_fits_70_in_one_part_and_67_per_part_after() {
        let zh = |n: usize| "救".repeat(n);
        check(&zh(70), Encoding::Ucs2, 70, 1);
        check(&zh(71), Encoding::Ucs2, 71, 2);
        check(&zh(134), Encoding::Ucs2, 134, 2);
        check(&zh(135), Encoding::Ucs2, 135, 3);
    }

    #[test]
    fn one_non_gsm_character_turns_the_whole_text_into_ucs2() {
        check(&format!("{}车", "a".repeat(69)), Encoding::Ucs2, 70, 1);
        check(&format!("{}车", "a".repeat(70)), Encoding::Ucs2, 71, 2);
    }

    #[test]
    fn emoji_count_two_code_units_and_are_not_split() {
        check("🚗", Encoding::Ucs2, 2, 1);
        check(&"🚗".repeat(35), Encoding::Ucs2, 70, 1);
        // 72 units: 33 emoji (66 units) fill a part, since a 34th would need 68.
        check(&"🚗".repeat(36), Encoding::Ucs2, 72, 2);
        check(&"🚗".repeat(67), Encoding::Ucs2, 134, 3);
    }
}
