//! Text normalization: NFKC, lowercase, typographic folding, whitespace collapsing.

use unicode_normalization::UnicodeNormalization;

/// Turns raw text into the canonical form every later stage hashes.
///
/// In order, a [`Normalizer`] applies:
/// 1. Unicode NFKC (compatibility composition), so that full-width letters, ligatures and
///    other compatibility forms compare equal to their plain forms;
/// 2. lowercasing (Unicode `to_lowercase`);
/// 3. typographic folding: curly single quotes and apostrophes become `'`, curly and angle
///    double quotes become `"`, and every Unicode dash or minus becomes `-`, so that
///    “completely false” and "completely false" shingle alike;
/// 4. removal of invisible format characters (zero-width space and joiners, soft hyphen,
///    byte-order mark);
/// 5. whitespace and control characters collapsed to single spaces, with no leading or
///    trailing space.
///
/// Pure-ASCII input takes a fast path that skips NFKC (which never changes ASCII) and maps
/// bytes directly; it produces exactly the bytes the general path would.
///
/// # Example
///
/// ```
/// use reprint::text::Normalizer;
///
/// let n = Normalizer::new();
/// assert_eq!(n.normalize("  Azerbaijan dismissed it as “completely false”.\n"),
///            n.normalize("Azerbaijan dismissed it as \"completely false\"."));
/// assert_eq!(n.normalize("ＡＢＣ — ﬁne"), "abc - fine");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Normalizer {
    _private: (),
}

impl Normalizer {
    /// The normalizer described above.
    pub fn new() -> Normalizer {
        Normalizer { _private: () }
    }

    /// Returns the normalized form of `text`.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        self.normalize_into(text, &mut out);
        out
    }

    /// Writes the normalized form of `text` into `out`, replacing its contents.
    ///
    /// Reusing `out` across calls keeps the hot path free of allocations.
    pub fn normalize_into(&self, text: &str, out: &mut String) {
        out.clear();
        out.reserve(text.len());
        let mut sink = Sink { out, pending_space: false };
        if text.is_ascii() {
            for &b in text.as_bytes() {
                sink.push_ascii(b);
            }
        } else {
            for c in text.nfkc() {
                sink.push(c);
            }
        }
    }
}

struct Sink<'a> {
    out: &'a mut String,
    pending_space: bool,
}

impl Sink<'_> {
    #[inline]
    fn space(&mut self) {
        if !self.out.is_empty() {
            self.pending_space = true;
        }
    }

    #[inline]
    fn emit(&mut self, c: char) {
        if self.pending_space {
            self.out.push(' ');
            self.pending_space = false;
        }
        self.out.push(c);
    }

    /// The ASCII half of [`Sink::push`]: the same mapping, on a byte.
    #[inline]
    fn push_ascii(&mut self, b: u8) {
        if b <= b' ' || b == 0x7f {
            // Every ASCII control character and space is whitespace or control.
            self.space();
        } else {
            if self.pending_space {
                self.out.push(' ');
                self.pending_space = false;
            }
            self.out.push(b.to_ascii_lowercase() as char);
        }
    }

    #[inline]
    fn push(&mut self, c: char) {
        if c.is_ascii() {
            self.push_ascii(c as u8);
            return;
        }
        match fold(c) {
            Fold::Space => self.space(),
            Fold::Drop => {}
            Fold::Char(f) => self.emit(f),
            Fold::Keep => {
                for l in c.to_lowercase() {
                    self.emit(l);
                }
            }
        }
    }
}

enum Fold {
    Space,
    Drop,
    Char(char),
    Keep,
}

/// Folding of one non-ASCII character (after NFKC).
#[inline]
fn fold(c: char) -> Fold {
    match c {
        // Single quotes, apostrophes, primes.
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}' | '\u{02BC}' | '\u{02B9}'
        | '\u{FF07}' => Fold::Char('\''),
        // Double quotes, guillemets.
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}' | '\u{00AB}' | '\u{00BB}'
        | '\u{FF02}' => Fold::Char('"'),
        // Hyphens, dashes, minus signs.
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' | '\u{2E3A}' | '\u{2E3B}' => {
            Fold::Char('-')
        }
        // Invisible format characters.
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Fold::Drop,
        c if c.is_whitespace() || c.is_control() => Fold::Space,
        _ => Fold::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The general path applied to any input, ASCII or not.
    fn general(text: &str) -> String {
        let mut out = String::new();
        let mut sink = Sink { out: &mut out, pending_space: false };
        for c in text.nfkc() {
            sink.push(c);
        }
        out
    }

    #[test]
    fn collapses_whitespace_and_controls() {
        let n = Normalizer::new();
        assert_eq!(n.normalize(" a\t\tb\r\n\u{0}c  "), "a b c");
        assert_eq!(n.normalize(""), "");
        assert_eq!(n.normalize(" \n\t "), "");
        assert_eq!(n.normalize("a\u{00A0}\u{3000}b"), "a b");
    }

    #[test]
    fn folds_typography() {
        let n = Normalizer::new();
        assert_eq!(n.normalize("Azerbaijan’s “truce” – ended"), "azerbaijan's \"truce\" - ended");
        assert_eq!(n.normalize("zero\u{200B}width"), "zerowidth");
        assert_eq!(n.normalize("ＮＡＴＯ"), "nato");
    }

    #[test]
    fn lowercases_non_ascii() {
        assert_eq!(Normalizer::new().normalize("ÉCOLE Straße ΑΘΗΝΑ"), "école straße αθηνα");
    }

    proptest! {
        #[test]
        fn ascii_fast_path_matches_general_path(s in "[ -~\\t\\n\\r\\x00-\\x1f\\x7f]{0,64}") {
            prop_assert_eq!(Normalizer::new().normalize(&s), general(&s));
        }

        #[test]
        fn idempotent(s in "\\PC{0,40}") {
            let n = Normalizer::new();
            let once = n.normalize(&s);
            // Lowercasing can produce text whose NFKC differs, so idempotence is checked on
            // the ASCII and Latin-1 subset where it must hold.
            if once.chars().all(|c| (c as u32) < 0x250) {
                prop_assert_eq!(n.normalize(&once), once);
            }
        }
    }
}
