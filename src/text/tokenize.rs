//! Tokenizers: words by Unicode word boundaries (with an ASCII fast path and a character-bigram
//! fallback for scripts written without spaces) and characters.

use unicode_segmentation::UnicodeSegmentation;

use super::normalize::next_non_ascii;

/// How a normalized text is cut into tokens.
///
/// # Example
///
/// ```
/// use reprint::text::Tokenizer;
///
/// let mut words = Vec::new();
/// Tokenizer::Words.for_each_token("the u.s. didn't say; 3.5% rise", |t| words.push(t.to_string()));
/// assert_eq!(words, ["the", "u.s", "didn't", "say", "3.5", "rise"]);
///
/// let mut cjk = Vec::new();
/// Tokenizer::Words.for_each_token("停火协议", |t| cjk.push(t.to_string()));
/// assert_eq!(cjk, ["停火", "火协", "协议"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Tokenizer {
    /// Words by Unicode word boundaries (UAX #29), keeping only segments that hold a letter or
    /// digit. Runs of Chinese, Japanese, Thai, Lao, Khmer or Myanmar characters, which are
    /// written without spaces, become overlapping character bigrams instead.
    #[default]
    Words,
    /// Every character (spaces included) is a token.
    Chars,
}

impl Tokenizer {
    /// Calls `f` with each token of `text`, in order, without allocating.
    ///
    /// `text` should already be normalized (see [`Normalizer`](crate::text::Normalizer)).
    pub fn for_each_token<'t>(&self, text: &'t str, mut f: impl FnMut(&'t str)) {
        match self {
            Tokenizer::Words => for_each_word(text, &mut f),
            Tokenizer::Chars => {
                for (i, c) in text.char_indices() {
                    f(&text[i..i + c.len_utf8()]);
                }
            }
        }
    }

    /// Collects the tokens of `text` into a vector (a convenience over
    /// [`for_each_token`](Tokenizer::for_each_token)).
    pub fn tokens<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let mut out = Vec::new();
        self.for_each_token(text, |t| out.push(t));
        out
    }
}

/// Word tokens of `text`: ASCII stretches through the fast path, the rest through UAX #29.
///
/// The text is cut after spaces that are followed by an ASCII character other than a space.
/// UAX #29 always breaks on both sides of such a space and never looks across it (no rule joins
/// a space to what follows it unless that is another space or an extending character, which are
/// never ASCII), so the words of the whole text are the words of the pieces, in order. Pieces
/// made only of ASCII take the fast path; the others go through `unicode_word_indices`. A
/// property test checks the result equals UAX #29 over the whole text.
fn for_each_word<'t>(text: &'t str, f: &mut impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut start = 0;
    // Bounds and boundaries: `start <= cut <= p < end <= n`; `start`, `cut` and `end` are 0, `n`,
    // or positions just after or at an ASCII space, so all are character boundaries. The byte
    // reads are at `s + 1 < p` and `q + 1 < n`.
    while start < n {
        let p = next_non_ascii(bytes, start);
        if p == n {
            ascii_words(&text[start..], f);
            return;
        }
        // The last cut before `p`: just after a space at `s < p - 1` followed by a non-space.
        let mut cut = start;
        let mut s = p.saturating_sub(1);
        while s > start {
            s -= 1;
            if bytes[s] == b' ' && bytes[s + 1] != b' ' {
                cut = s + 1;
                break;
            }
        }
        ascii_words(&text[start..cut], f);
        // The first cut after `p`.
        let mut end = n;
        let mut q = p + 1;
        while q + 1 < n {
            if bytes[q] == b' ' && bytes[q + 1] < 0x80 && bytes[q + 1] != b' ' {
                end = q;
                break;
            }
            q += 1;
        }
        unicode_words(&text[cut..end], f);
        start = end + 1;
    }
}

/// Whether `c` belongs to a script written without spaces between words.
#[inline]
pub(crate) fn is_spaceless(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3005..=0x3007    // ideographic iteration and number marks
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x3FFFF  // CJK extensions B onwards
    )
}

fn unicode_words<'t>(text: &'t str, f: &mut impl FnMut(&'t str)) {
    // A run of spaceless characters, as byte offsets into `text`: word starts and ends, so
    // character boundaries, and slicing `text` with them cannot panic.
    let mut run: Option<(usize, usize)> = None;
    for (start, word) in text.unicode_word_indices() {
        let end = start + word.len();
        let spaceless = word.chars().next().is_some_and(is_spaceless);
        if spaceless {
            run = match run {
                Some((s, e)) if e == start => Some((s, end)),
                other => {
                    if let Some((s, e)) = other {
                        emit_bigrams(&text[s..e], f);
                    }
                    Some((start, end))
                }
            };
        } else {
            if let Some((s, e)) = run.take() {
                emit_bigrams(&text[s..e], f);
            }
            f(word);
        }
    }
    if let Some((s, e)) = run {
        emit_bigrams(&text[s..e], f);
    }
}

/// Overlapping character bigrams of `run`; a single character is emitted alone.
fn emit_bigrams<'t>(run: &'t str, f: &mut impl FnMut(&'t str)) {
    let mut it = run.char_indices().peekable();
    let mut count = 0usize;
    while let Some((i, c)) = it.next() {
        match it.peek() {
            Some(&(j, d)) => {
                f(&run[i..j + d.len_utf8()]);
                count += 1;
            }
            None if count == 0 => f(&run[i..i + c.len_utf8()]),
            None => {}
        }
    }
}

/// Character classes of UAX #29 word-break rules, restricted to ASCII (for the scalar
/// reference of the tests).
#[cfg(test)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Letter,
    Digit,
    /// `_` (ExtendNumLet)
    Connector,
    /// `:` (MidLetter)
    MidLetter,
    /// `.` and `'` (MidNumLet, Single_Quote)
    MidNumLet,
    /// `,` and `;` (MidNum)
    MidNum,
    Other,
}

#[cfg(test)]
const CLASSES: [Class; 256] = {
    let mut t = [Class::Other; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
            b'0'..=b'9' => Class::Digit,
            b'_' => Class::Connector,
            b':' => Class::MidLetter,
            b'.' | b'\'' => Class::MidNumLet,
            b',' | b';' => Class::MidNum,
            _ => Class::Other,
        };
        b += 1;
    }
    t
};

#[cfg(test)]
fn class(b: u8) -> Class {
    CLASSES[usize::from(b)]
}

/// Bytes per block of [`ascii_words`]: one bit of a `u64` mask per byte.
const BLOCK: usize = 64;

/// Class bits of one ASCII byte, for [`word_mask`].
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const CONNECTOR: u8 = 4;
/// `:`, `.`, `'`: joins two letters.
const MID_LETTER: u8 = 8;
/// `,`, `;`, `.`, `'`: joins two digits.
const MID_NUM: u8 = 16;

/// The mask of bytes `base..base + 64` of `bytes` that belong to a word (bit `j` is byte
/// `base + j`; bytes past the end are not in a word).
///
/// Three loops over bytes that the compiler vectorizes (comparisons and byte logic only):
/// class bits of each byte and its two neighbours; whether each byte is in a word (a letter,
/// digit or `_`, or a "mid" character between two letters or two digits, UAX #29 WB6, WB7,
/// WB11, WB12); then the flags are gathered into bits eight bytes at a time with a
/// multiplication (bit 0 of byte `i` moves to bit `56 + i`; the other partial products fall
/// below bit 56 or past bit 63, without carries).
#[inline]
fn word_mask(bytes: &[u8], base: usize) -> u64 {
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    const GATHER: u64 = 0x0102_0408_1020_4080;
    // Bytes base - 1 ..= base + 64.
    // Callers pass `base < bytes.len()`: `base - 1` is read only when `base > 0`, `end - base` is
    // 1 to `BLOCK + 1` (within `window[1..]`), and the final shift is by less than 64.
    let mut window = [0u8; BLOCK + 2];
    if base > 0 {
        window[0] = bytes[base - 1];
    }
    let end = bytes.len().min(base + BLOCK + 1);
    window[1..1 + end - base].copy_from_slice(&bytes[base..end]);
    let mut classes = [0u8; BLOCK + 2];
    for (c, &b) in classes.iter_mut().zip(window.iter()) {
        let dot_or_quote = b == b'.' || b == b'\'';
        *c = if (b | 0x20).wrapping_sub(b'a') < 26 { LETTER } else { 0 }
            | if b.wrapping_sub(b'0') < 10 { DIGIT } else { 0 }
            | if b == b'_' { CONNECTOR } else { 0 }
            | if dot_or_quote || b == b':' { MID_LETTER } else { 0 }
            | if dot_or_quote || b == b',' || b == b';' { MID_NUM } else { 0 };
    }
    let mut in_word = [0u8; BLOCK];
    let neighbours = classes.iter().zip(&classes[1..]).zip(&classes[2..]);
    for (w, ((&before, &c), &after)) in in_word.iter_mut().zip(neighbours) {
        let both = before & after;
        let word = c & (LETTER | DIGIT | CONNECTOR) != 0;
        let joins_letters = (c & MID_LETTER != 0) & (both & LETTER != 0);
        let joins_digits = (c & MID_NUM != 0) & (both & DIGIT != 0);
        *w = u8::from(word | joins_letters | joins_digits);
    }
    let mut mask = 0u64;
    for (k, chunk) in in_word.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        mask |= (((u64::from_le_bytes(word) & LOW_BITS).wrapping_mul(GATHER)) >> 56) << (8 * k);
    }
    if bytes.len() - base < BLOCK {
        mask &= (1u64 << (bytes.len() - base)) - 1;
    }
    mask
}

/// UAX #29 word segmentation for ASCII text, keeping segments with a letter or digit: the same
/// tokens `unicode_word_indices` yields, at several times its speed (see [`ascii_word_spans`]).
fn ascii_words<'t>(text: &'t str, f: &mut impl FnMut(&'t str)) {
    // Spans of an ASCII text start and end at character boundaries, within the text.
    ascii_word_spans(text.as_bytes(), &mut |start, end| f(text.get(start..end).unwrap_or_default()));
}

/// The words of ASCII `bytes` as `(start, end)` byte ranges, in order: the words
/// `unicode_word_indices` yields, keeping segments with a letter or digit. Non-ASCII bytes are
/// taken as characters of no word class.
///
/// Works on blocks of 64 bytes: [`word_mask`] marks the bytes that belong to words, and words
/// are the runs of set bits, found with `trailing_zeros`. There is no branch per byte, so word
/// boundaries cost no branch mispredictions.
pub(crate) fn ascii_word_spans(bytes: &[u8], f: &mut impl FnMut(usize, usize)) {
    let n = bytes.len();
    // Start of the word still open at the end of the previous block.
    let mut open: Option<usize> = None;
    let mut base = 0;
    while base < n {
        let in_word = word_mask(bytes, base);
        let prev_in = u64::from(open.is_some());
        // `base < n`, so `n - base` is positive and the shift below 64.
        let valid = if n - base >= BLOCK { u64::MAX } else { (1u64 << (n - base)) - 1 };
        // Starts: in a word, previous byte not; ends: not in a word, previous byte in one.
        let mut events = (in_word ^ ((in_word << 1) | prev_in)) & valid;
        while events != 0 {
            let j = events.trailing_zeros() as usize;
            events &= events - 1;
            match open.take() {
                None => open = Some(base + j),
                Some(start) => emit(bytes, start, base + j, f),
            }
        }
        base += BLOCK;
    }
    if let Some(start) = open {
        emit(bytes, start, n, f);
    }
}

/// Calls `f` on `start..end` unless `bytes[start..end]` is made only of `_`.
#[inline]
fn emit(bytes: &[u8], start: usize, end: usize, f: &mut impl FnMut(usize, usize)) {
    if bytes.get(start..end).is_some_and(|w| w.iter().any(|&b| b != b'_')) {
        f(start, end);
    }
}

/// The word-at-a-time reference for [`ascii_words`]: the same rules, one byte at a time.
#[cfg(test)]
fn ascii_words_scalar<'t>(text: &'t str, f: &mut impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let is_word = |b: u8| matches!(class(b), Class::Letter | Class::Digit | Class::Connector);
    let mut i = 0;
    loop {
        while i < n && !is_word(bytes[i]) {
            i += 1;
        }
        if i >= n {
            return;
        }
        let start = i;
        i += 1;
        loop {
            while i < n && is_word(bytes[i]) {
                i += 1;
            }
            if i + 1 < n {
                let joins = matches!(
                    (class(bytes[i - 1]), class(bytes[i]), class(bytes[i + 1])),
                    (Class::Letter, Class::MidLetter | Class::MidNumLet, Class::Letter)
                        | (Class::Digit, Class::MidNum | Class::MidNumLet, Class::Digit)
                );
                if joins {
                    i += 2;
                    continue;
                }
            }
            break;
        }
        if bytes[start..i].iter().any(|&b| b != b'_') {
            f(&text[start..i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        unicode_words(text, &mut |w| out.push(w));
        out
    }

    fn fast(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        ascii_words(text, &mut |w| out.push(w));
        out
    }

    #[test]
    fn ascii_examples() {
        let s = "don't stop: a:b 1,000.5 u.s. e-mail __x_ x__ _ a_1 3.b a.3 'q' 1;2;";
        assert_eq!(fast(s), reference(s));
    }

    #[test]
    fn spaceless_scripts_become_bigrams() {
        assert_eq!(reference("日本語のテキスト abc"), ["日本", "本語", "語の", "のテ", "テキ", "キス", "スト", "abc"]);
        assert_eq!(reference("x 中 y"), ["x", "中", "y"]);
        // Punctuation ends a run.
        assert_eq!(reference("中国。日本"), ["中国", "日本"]);
    }

    #[test]
    fn chars_tokenizer() {
        assert_eq!(Tokenizer::Chars.tokens("aé b"), ["a", "é", " ", "b"]);
    }

    fn hybrid(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for_each_word(text, &mut |w| out.push(w));
        out
    }

    #[test]
    fn mixed_scripts_examples() {
        for s in [
            "école d'été à l'île, 3.5 km — “quoted” text",
            "Zoë  \u{903}x a \u{301}b  c\u{200D}d 東京タワー abc 日本 e\u{301}f",
            "  \u{903}  x\u{301}",
            "a \u{5D0}'\u{5D1} b\u{1F1E6}\u{1F1E8} c",
        ] {
            assert_eq!(hybrid(s), reference(s), "{s:?}");
        }
    }

    proptest! {
        /// Cutting at spaces and taking the ASCII path for ASCII pieces gives UAX #29 words of
        /// the whole text.
        #[test]
        fn hybrid_equals_uax29(
            s in "[a-cA-C0-2_:.',; \t\n\u{e9}\u{301}\u{903}\u{200D}\u{200B}\u{2060}\u{5D0}\u{5D1}\u{30A2}\u{30FC}\u{4E2D}\u{56FD}\u{0E01}\u{1F1E6}\u{1F600}\u{FF0C}\u{3000}\u{00A0}\u{2019}]{0,48}"
        ) {
            prop_assert_eq!(hybrid(&s), reference(&s));
        }

        #[test]
        fn hybrid_equals_uax29_any_text(s in "\\PC{0,48}") {
            prop_assert_eq!(hybrid(&s), reference(&s));
        }

        #[test]
        fn ascii_fast_path_equals_uax29(s in "[a-cA-C0-2_:.',; \\-\"!]{0,40}") {
            prop_assert_eq!(fast(&s), reference(&s));
        }

        /// Long texts, so that words and "mid" characters straddle the 64-byte blocks.
        #[test]
        fn block_path_equals_scalar_path(s in "[a-bA0-1_:.',; \\n]{0,300}") {
            let mut scalar = Vec::new();
            ascii_words_scalar(&s, &mut |w| scalar.push(w));
            prop_assert_eq!(fast(&s), scalar.clone());
            prop_assert_eq!(fast(&s), reference(&s));
        }

        #[test]
        fn ascii_fast_path_equals_uax29_any_ascii(s in "[ -~\\t\\n]{0,60}") {
            prop_assert_eq!(fast(&s), reference(&s));
        }
    }
}
