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
        let mut buf = std::mem::take(out).into_bytes();
        buf.clear();
        buf.reserve(text.len());
        normalize_bytes(text, &mut buf);
        // Only whole UTF-8 characters are written, so the conversion cannot fail; it checks
        // that anyway, at a small fraction of the cost of normalizing (ASCII is validated a word
        // at a time).
        *out = match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
    }
}

/// Normalizes `text`, appending to `out` (which the caller has cleared).
///
/// Texts are cut into segments that each start at an ASCII character: NFKC never reorders or
/// composes across an ASCII character (every ASCII character is a starter with canonical
/// combining class 0, is NFKC-stable, and is never the second character of a composition), so
/// NFKC of the text is the concatenation of NFKC of the segments. Pure-ASCII stretches then skip
/// NFKC, which never changes them, and go through a branch-free byte loop; only the stretches
/// around non-ASCII characters (with the ASCII character just before them, which a combining
/// mark may attach to) go through the Unicode path. The output is byte-identical to running the
/// Unicode path over the whole text, which a property test checks.
fn normalize_bytes(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    // Bounds: `i <= seg_start <= p < q <= n` (`p >= i`, and `p < n` past the first `if`), and
    // `bytes[q]` is read only for `q < n`.
    while i < n {
        let p = next_non_ascii(bytes, i);
        if p == n {
            push_ascii_run(&bytes[i..], out);
            break;
        }
        // `bytes[p - 1]` is ASCII when `p > i`; it starts the Unicode segment.
        let seg_start = if p > i { p - 1 } else { p };
        push_ascii_run(&bytes[i..seg_start], out);
        let mut q = p + 1;
        while q < n && bytes[q] >= 0x80 {
            q += 1;
        }
        // `seg_start` and `q` are character boundaries: ASCII bytes, a non-ASCII lead byte
        // right after an ASCII byte, or the end of the text.
        let segment = text.get(seg_start..q).unwrap_or_default();
        for c in segment.nfkc() {
            push_char(c, out);
        }
        i = q;
    }
    if out.last() == Some(&b' ') {
        out.pop();
    }
}

/// Position of the first byte at or after `from` that is not ASCII, or `bytes.len()`.
#[inline]
pub(crate) fn next_non_ascii(bytes: &[u8], from: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let high = u64::from_le_bytes(word) & HIGH;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    // `i <= bytes.len()` (the last chunk ended there at most), and `i + 8` cannot overflow.
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

/// What each ASCII byte becomes: whitespace and control characters a space, letters lowercase,
/// everything else itself.
const ASCII_MAP: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = if b <= 0x20 || b == 0x7f { b' ' } else { (b as u8).to_ascii_lowercase() };
        b += 1;
    }
    t
};

/// Appends ASCII `src`, mapped through [`ASCII_MAP`], collapsing runs of spaces and dropping a
/// space at the very start of the output. A trailing space is left for the caller to drop.
///
/// Blocks of 64 bytes with no control character and no two spaces in a row (most of running
/// text) are lowercased and copied whole, in a loop the compiler vectorizes; other blocks go
/// through [`push_ascii_scalar`].
#[inline]
fn push_ascii_run(src: &[u8], out: &mut Vec<u8>) {
    const BLOCK: usize = 64;
    if src.is_empty() {
        return;
    }
    let mut prev_space = out.last().is_none_or(|&b| b == b' ');
    out.reserve(src.len());
    let mut blocks = src.chunks_exact(BLOCK);
    // Every block has `BLOCK` bytes, so `block[0]`, `block[1..]` and `block[BLOCK - 1]` exist.
    for block in &mut blocks {
        // Reductions with `|` rather than `any`, so that both loops vectorize.
        let control = block.iter().fold(0u8, |acc, &b| acc | u8::from(b < b' ' || b == 0x7f));
        let double_space =
            block[1..].iter().zip(block).fold(0u8, |acc, (&b, &before)| acc | u8::from((b == b' ') & (before == b' ')));
        if control == 0 && double_space == 0 && !(prev_space && block[0] == b' ') {
            out.extend(block.iter().map(|&b| b | (u8::from(b.wrapping_sub(b'A') < 26) << 5)));
            prev_space = block[BLOCK - 1] == b' ';
        } else {
            prev_space = push_ascii_scalar(block, out, prev_space);
        }
    }
    push_ascii_scalar(blocks.remainder(), out, prev_space);
}

/// [`push_ascii_run`] one byte at a time, branch-free: every byte is written, and the write
/// position advances unless the byte is a space following a space. Returns whether the output
/// now ends in a space (or is empty).
#[inline]
fn push_ascii_scalar(src: &[u8], out: &mut Vec<u8>, mut prev_space: bool) -> bool {
    let base = out.len();
    out.resize(base + src.len(), 0);
    let dst = &mut out[base..];
    let mut len = 0usize;
    // `len` counts the bytes seen before `b` at most, so `len < src.len() = dst.len()`.
    for &b in src {
        let m = ASCII_MAP[usize::from(b & 0x7f)];
        let space = m == b' ';
        dst[len] = m;
        len += usize::from(!(space & prev_space));
        prev_space = space;
    }
    out.truncate(base + len);
    prev_space
}

/// Appends one character of NFKC output, folded as described on [`Normalizer`].
#[inline]
fn push_char(c: char, out: &mut Vec<u8>) {
    if c.is_ascii() {
        push_ascii_run(&[c as u8], out);
        return;
    }
    match fold(c) {
        Fold::Space => {
            if out.last().is_some_and(|&b| b != b' ') {
                out.push(b' ');
            }
        }
        Fold::Drop => {}
        Fold::Char(f) => push_utf8(f, out),
        Fold::Keep => {
            for l in c.to_lowercase() {
                push_utf8(l, out);
            }
        }
    }
}

#[inline]
fn push_utf8(c: char, out: &mut Vec<u8>) {
    let mut tmp = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
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

    /// The reference: NFKC over the whole text, then the character mapping with a pending
    /// space (the implementation before segmenting), for any input, ASCII or not.
    fn general(text: &str) -> String {
        let mut out = String::new();
        let mut pending = false;
        for c in text.nfkc() {
            let mapped: Vec<char> = if c.is_ascii() {
                if c <= ' ' || c == '\u{7f}' { vec![' '] } else { vec![c.to_ascii_lowercase()] }
            } else {
                match fold(c) {
                    Fold::Space => vec![' '],
                    Fold::Drop => vec![],
                    Fold::Char(f) => vec![f],
                    Fold::Keep => c.to_lowercase().collect(),
                }
            };
            for m in mapped {
                if m == ' ' {
                    pending = !out.is_empty();
                } else {
                    if pending {
                        out.push(' ');
                        pending = false;
                    }
                    out.push(m);
                }
            }
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

        /// Segmenting at ASCII characters gives exactly NFKC of the whole text, also around
        /// combining marks, Hangul jamo, compatibility characters and format characters.
        #[test]
        fn segmented_path_matches_whole_text_nfkc(
            s in "[a-cA-C .,'\t\n\u{0}\u{300}\u{301}\u{327}\u{345}\u{3099}\u{309A}\u{0E33}\u{1100}\u{1161}\u{11A8}\u{AC00}\u{00A0}\u{2019}\u{201C}\u{2014}\u{00C9}\u{00E9}\u{FB01}\u{FF21}\u{2460}\u{00BD}\u{200B}\u{00AD}\u{0130}\u{03A3}\u{1E9E}\u{0F73}\u{0F71}\u{0F72}]{0,48}"
        ) {
            prop_assert_eq!(Normalizer::new().normalize(&s), general(&s));
        }

        #[test]
        fn any_text_matches_whole_text_nfkc(s in "\\PC{0,40}") {
            prop_assert_eq!(Normalizer::new().normalize(&s), general(&s));
        }

        /// Long ASCII texts, so that spaces and controls straddle the 64-byte blocks.
        #[test]
        fn long_ascii_matches_general_path(s in "([a-zA-Z0-9.,]{1,12}( |  |\t|\n ){1,2}){0,40}") {
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
