//! Sentence segmentation: UAX #29 sentence boundaries, with a fast path for ASCII text and
//! text whose other characters are Latin-1 or general punctuation.

use unicode_segmentation::{UnicodeSegmentation, UnicodeSentences};

use super::normalize::next_non_ascii;

/// The sentences of `text`: exactly the segments that `unicode-segmentation`'s
/// `unicode_sentences` yields (UAX #29 sentence boundaries, keeping the segments that hold a
/// letter or digit), in order.
///
/// ASCII text takes a fast path: the same state machine as `unicode-segmentation`, driven by a
/// 128-entry table of sentence-break classes instead of a binary search of the Unicode tables
/// for every character. So does text whose other characters are all Latin-1 or general
/// punctuation (curly quotes, dashes, accented letters: most of English news), with the classes
/// of those characters written out. Other text goes through `unicode-segmentation` itself.
/// Property tests check that both give the same sentences.
///
/// # Example
///
/// ```
/// use reprint::text::sentences;
///
/// let s: Vec<&str> = sentences("Talks ended. The U.S. said \"no.\" Why? Prices rose 3.5 pct.").collect();
/// assert_eq!(s, ["Talks ended. ", "The U.S. said \"no.\" ", "Why? ", "Prices rose 3.5 pct."]);
/// ```
pub fn sentences(text: &str) -> Sentences<'_> {
    if text.is_ascii() {
        Sentences(Inner::Fast { breaks: AsciiBreaks::new(text), start: None, ascii: true })
    } else if all_known(text) {
        Sentences(Inner::Fast { breaks: AsciiBreaks::new(text), start: None, ascii: false })
    } else {
        Sentences(Inner::Unicode(text.unicode_sentences()))
    }
}

/// Whether every non-ASCII character of `text` has a class in [`known_cat`].
fn all_known(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = next_non_ascii(bytes, 0);
    // `i` is the start of a non-ASCII character (or the end), so a character boundary.
    while let Some(c) = text.get(i..).and_then(|s| s.chars().next()) {
        if known_cat(c).is_none() {
            return false;
        }
        i = next_non_ascii(bytes, i + c.len_utf8());
    }
    true
}

/// The sentence boundaries of ASCII `text`, in order: the start of each sentence (as
/// [`sentences`] cuts it, before dropping the sentences without a letter or digit) and the end of
/// the last. Meaningless, but harmless, for text that is not ASCII.
pub(crate) fn ascii_breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    AsciiBreaks::new(text)
}

/// Iterator over the sentences of a text (see [`sentences`]).
#[derive(Clone, Debug)]
pub struct Sentences<'t>(Inner<'t>);

#[derive(Clone, Debug)]
enum Inner<'t> {
    /// [`AsciiBreaks`]; `ascii` if the text is ASCII.
    Fast {
        breaks: AsciiBreaks<'t>,
        start: Option<usize>,
        ascii: bool,
    },
    Unicode(UnicodeSentences<'t>),
}

impl<'t> Iterator for Sentences<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        match &mut self.0 {
            Inner::Unicode(it) => it.next(),
            Inner::Fast { breaks, start, ascii } => loop {
                let from = match *start {
                    Some(s) => s,
                    None => breaks.next()?,
                };
                let to = breaks.next()?;
                *start = Some(to);
                let sentence = breaks.text.get(from..to).unwrap_or_default();
                // `char::is_alphanumeric` is `unicode-segmentation`'s test (Alphabetic or a
                // number), and for the known characters the two tables agree.
                let kept = if *ascii {
                    sentence.bytes().any(|b| b.is_ascii_alphanumeric())
                } else {
                    sentence.chars().any(char::is_alphanumeric)
                };
                if kept {
                    return Some(sentence);
                }
            },
        }
    }
}

/// UAX #29 sentence-break classes of ASCII characters (`unicode-segmentation`'s table
/// restricted to ASCII; Sep, OLetter, Extend and Format have no ASCII member) and of the
/// characters of [`known_cat`], plus `Ignore` for the continuation bytes of UTF-8 sequences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cat {
    Ignore,
    Any,
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
}

const CATS: [Cat; 128] = {
    let mut t = [Cat::Any; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'\t' | 0x0b | 0x0c | b' ' => Cat::Sp,
            b'\n' => Cat::Lf,
            b'\r' => Cat::Cr,
            b'!' | b'?' => Cat::STerm,
            b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Cat::Close,
            b',' | b'-' | b':' | b';' => Cat::SContinue,
            b'.' => Cat::ATerm,
            b'0'..=b'9' => Cat::Numeric,
            b'A'..=b'Z' => Cat::Upper,
            b'a'..=b'z' => Cat::Lower,
            _ => Cat::Any,
        };
        b += 1;
    }
    t
};

#[inline]
fn cat(b: u8) -> Cat {
    CATS[usize::from(b & 0x7f)]
}

/// The sentence-break classes of the non-ASCII characters that the fast path knows: Latin-1
/// and general punctuation as `unicode-segmentation`'s table has them, leaving out the
/// separators (U+0085, U+2028, U+2029) and the format and extending characters (soft hyphen,
/// zero-width and bidirectional controls), which take the general path. A test compares every
/// one of them with `unicode-segmentation` in many contexts.
fn known_cat(c: char) -> Option<Cat> {
    Some(match u32::from(c) {
        0x85 | 0xAD | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F => return None,
        0xA0 | 0x2000..=0x200A | 0x202F | 0x205F => Cat::Sp,
        0xAA | 0xB5 | 0xBA | 0xDF..=0xF6 | 0xF8..=0xFF => Cat::Lower,
        0xC0..=0xD6 | 0xD8..=0xDE => Cat::Upper,
        0xAB | 0xBB | 0x2018..=0x201F | 0x2039 | 0x203A | 0x2045 | 0x2046 => Cat::Close,
        0x2013 | 0x2014 => Cat::SContinue,
        0x2024 => Cat::ATerm,
        0x203C | 0x203D | 0x2047..=0x2049 => Cat::STerm,
        0x80..=0xFF | 0x2010..=0x205E => Cat::Any,
        _ => return None,
    })
}

/// The class of the character at byte `i` of `text`: `Ignore` for a continuation byte, `Any`
/// for an unknown character or past the end.
#[inline]
fn cat_at(text: &str, i: usize) -> Cat {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => cat(b),
        Some(&b) if b < 0xC0 => Cat::Ignore,
        // A lead byte starts a character, so `i` is a character boundary.
        Some(_) => text.get(i..).and_then(|s| s.chars().next()).and_then(known_cat).unwrap_or(Cat::Any),
        None => Cat::Any,
    }
}

/// The class of the character that ends just before byte `end` of `text` (`end > 0`).
#[inline]
fn cat_before(text: &str, end: usize) -> Cat {
    let bytes = text.as_bytes();
    let mut i = end.saturating_sub(1);
    // Back over at most three continuation bytes to the lead byte.
    while i > 0 && end - i < 4 && bytes.get(i).is_some_and(|&b| (0x80..0xC0).contains(&b)) {
        i -= 1;
    }
    cat_at(text, i)
}

/// Whether `b` is a terminator, CR, LF or the first byte of a non-ASCII character (which may
/// be a terminator): the only bytes after which a rule can break.
#[inline]
fn is_special(b: u8) -> bool {
    matches!(b, b'.' | b'!' | b'?' | b'\r' | b'\n' | 0xC0..=0xFF)
}

/// Position of the first [special](is_special) byte at or after `from`, or `bytes.len()`.
#[inline]
fn next_special(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        let mut chunk = [0u8; CHUNK];
        // `i < bytes.len()`; a short last chunk is padded with zeros, which are not special.
        let end = bytes.len().min(i + CHUNK);
        chunk[..end - i].copy_from_slice(&bytes[i..end]);
        let mask = special_mask(&chunk);
        if mask != 0 {
            return (i + mask.trailing_zeros() as usize).min(bytes.len());
        }
        i += CHUNK;
    }
    bytes.len()
}

/// Bytes [`next_special`] looks at together.
const CHUNK: usize = 32;

/// Bit `j` set for each special byte `chunk[j]`: flags computed in a loop the compiler
/// vectorizes, then gathered into bits eight at a time with a multiplication (as in the
/// tokenizer's word mask).
#[inline]
fn special_mask(chunk: &[u8; CHUNK]) -> u32 {
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let mut flags = [0u8; CHUNK];
    for (f, &b) in flags.iter_mut().zip(chunk) {
        *f = u8::from(b == b'.')
            | u8::from(b == b'!')
            | u8::from(b == b'?')
            | u8::from(b == b'\r')
            | u8::from(b == b'\n')
            | u8::from(b >= 0xC0);
    }
    let mut mask = 0u32;
    for (k, eight) in flags.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        mask |= ((((u64::from_le_bytes(word) & LOW_BITS).wrapping_mul(GATHER)) >> 56) as u32) << (8 * k);
    }
    mask
}

/// What the last characters were, as in `unicode-segmentation`'s state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Sot,
    Eot,
    Other,
    Cr,
    Lf,
    ATerm,
    UpperLower,
    ClosePlus,
    SpPlus,
    STerm,
}

/// Sentence break positions of an ASCII text: a port of `unicode-segmentation`'s
/// `SentenceBreaks` (UAX #29 rules SB1 to SB11) to bytes.
#[derive(Clone, Debug)]
struct AsciiBreaks<'t> {
    text: &'t str,
    pos: usize,
    state: [Part; 4],
}

impl<'t> AsciiBreaks<'t> {
    fn new(text: &'t str) -> AsciiBreaks<'t> {
        AsciiBreaks { text, pos: 0, state: [Part::Sot; 4] }
    }
}

/// The part a character of class `c` starts.
#[inline]
fn part(c: Cat) -> Part {
    match c {
        Cat::Cr => Part::Cr,
        Cat::Lf => Part::Lf,
        Cat::ATerm => Part::ATerm,
        Cat::Upper | Cat::Lower => Part::UpperLower,
        Cat::Close => Part::ClosePlus,
        Cat::Sp => Part::SpPlus,
        Cat::STerm => Part::STerm,
        _ => Part::Other,
    }
}

fn next_state(parts: [Part; 4], c: Cat) -> [Part; 4] {
    match (parts[3], c) {
        (Part::ClosePlus, Cat::Close) | (Part::SpPlus, Cat::Sp) => parts,
        _ => [parts[1], parts[2], parts[3], part(c)],
    }
}

// In the `match_sb*` helpers `idx` starts at 2 or 3 and drops by at most 2, so it stays a valid
// index of the four parts.

/// SB8: `ATerm Close* Sp* × ( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower`, with
/// `ahead` the text from the current character on.
fn match_sb8(parts: &[Part; 4], ahead: &str) -> bool {
    let mut idx = if parts[3] == Part::SpPlus { 2 } else { 3 };
    if parts[idx] == Part::ClosePlus {
        idx -= 1;
    }
    if parts[idx] == Part::ATerm {
        for i in 0..ahead.len() {
            match cat_at(ahead, i) {
                Cat::Lower => return true,
                Cat::Upper | Cat::Cr | Cat::Lf | Cat::STerm | Cat::ATerm => return false,
                _ => continue,
            }
        }
    }
    false
}

/// `SATerm Close* Sp*` just before.
fn match_sb8a(parts: &[Part; 4]) -> bool {
    let mut idx = if parts[3] == Part::SpPlus { 2 } else { 3 };
    if parts[idx] == Part::ClosePlus {
        idx -= 1;
    }
    parts[idx] == Part::STerm || parts[idx] == Part::ATerm
}

/// `SATerm Close*` just before.
fn match_sb9(parts: &[Part; 4]) -> bool {
    let idx = if parts[3] == Part::ClosePlus { 2 } else { 3 };
    parts[idx] == Part::STerm || parts[idx] == Part::ATerm
}

/// `SATerm Close* Sp* ParaSep?` just before.
fn match_sb11(parts: &[Part; 4]) -> bool {
    let mut idx = match parts[3] {
        Part::Cr | Part::Lf => 2,
        _ => 3,
    };
    if parts[idx] == Part::SpPlus {
        idx -= 1;
    }
    if parts[idx] == Part::ClosePlus {
        idx -= 1;
    }
    parts[idx] == Part::STerm || parts[idx] == Part::ATerm
}

impl Iterator for AsciiBreaks<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            // Fast path: after a letter or an "other" part, no break can come before the next
            // terminator, CR or LF: every rule that breaks needs a terminator or CR/LF as the
            // last part, behind at most one Close+ and one Sp+ part, and the letter or other part
            // stops that look-back. So the state machine can jump to that byte. The rules only
            // ever look back from the newest part over Close+ and Sp+ parts to a terminator (and
            // SB7 at the part just before an ATerm), never past a letter or other part, so the
            // state at the jump target is rebuilt from the class of the byte before it alone.
            if matches!(self.state[3], Part::UpperLower | Part::Other) && !is_special(b) {
                let to = next_special(bytes, self.pos + 1);
                // `self.pos < to <= bytes.len()`: the character before `to` was just passed.
                let last = part(cat_before(self.text, to));
                (self.state, self.pos) = ([Part::Other, Part::Other, Part::Other, last], to);
                continue;
            }
            // `before < bytes.len()`: the byte at it was just read.
            let before = self.pos;
            let state = self.state;
            let c = cat_at(self.text, before);
            self.pos += 1;
            // The rest of a character whose first byte was just taken.
            if c == Cat::Ignore {
                continue;
            }
            self.state = next_state(state, c);
            let last = state[3];
            // After a letter or an "other" character no rule can break (they all need a
            // terminator, CR or LF as the last part, possibly behind Close+ and Sp+), so most
            // bytes take this branch.
            if last == Part::UpperLower || last == Part::Other {
                continue;
            }
            match c {
                // SB1
                _ if last == Part::Sot => return Some(before),
                // SB3
                Cat::Lf if last == Part::Cr => continue,
                // SB4
                _ if last == Part::Cr || last == Part::Lf => return Some(before),
                // SB6
                Cat::Numeric if last == Part::ATerm => continue,
                // SB7
                Cat::Upper if state[2] == Part::UpperLower && last == Part::ATerm => continue,
                // SB8
                _ if match_sb8(&state, self.text.get(before..).unwrap_or_default()) => continue,
                // SB8a
                Cat::SContinue | Cat::STerm | Cat::ATerm if match_sb8a(&state) => continue,
                // SB9
                Cat::Close | Cat::Sp | Cat::Cr | Cat::Lf if match_sb9(&state) => continue,
                // SB10
                Cat::Sp | Cat::Cr | Cat::Lf if match_sb8a(&state) => continue,
                // SB11
                _ if match_sb11(&state) => return Some(before),
                // SB998
                _ => continue,
            }
        }
        if self.state[3] == Part::Sot || self.state[3] == Part::Eot {
            None
        } else {
            self.state = [self.state[1], self.state[2], self.state[3], Part::Eot];
            Some(self.pos)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(text: &str) -> Vec<&str> {
        text.unicode_sentences().collect()
    }

    #[test]
    fn examples() {
        for s in [
            "",
            " ",
            "One. Two! Three? four.",
            "He said \"Stop.\" Then (quietly) left.\r\nNext line.\n\nPara.",
            "U.S. forces. e.g. this. 3.5 pct. A.B. Cd. etc.) x",
            "end.\"  'quoted.' [x.] {y!} z",
            "...?!.. a",
            "Mr. Smith went. mr. jones stayed.",
        ] {
            assert_eq!(sentences(s).collect::<Vec<_>>(), reference(s), "{s:?}");
        }
    }

    /// Every non-ASCII character with a known class, in every string of up to four characters
    /// over it and ASCII characters of other classes.
    #[test]
    fn known_characters_equal_uax29() {
        let known: Vec<char> =
            (0x80u32..0x2100).filter_map(char::from_u32).filter(|&c| known_cat(c).is_some()).collect();
        assert!(known.len() > 200);
        let mut text = String::new();
        for &c in &known {
            let alphabet = [c, '.', ' ', 'a', 'A', '"', '1'];
            for len in 1..=4u32 {
                for mut n in 0..7usize.pow(len) {
                    text.clear();
                    for _ in 0..len {
                        text.push(alphabet[n % 7]);
                        n /= 7;
                    }
                    assert!(all_known(&text));
                    assert_eq!(sentences(&text).collect::<Vec<_>>(), reference(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn unknown_characters_take_the_general_path() {
        for text in ["a\u{85}b", "a\u{ad}b", "x\u{200d}y", "e\u{301}", "\u{2029}", "日本. 語", "a\u{300}. b"] {
            assert!(!all_known(text));
            assert_eq!(sentences(text).collect::<Vec<_>>(), reference(text), "{text:?}");
        }
    }

    proptest! {
        /// Text mixing ASCII with known non-ASCII characters of every class.
        #[test]
        fn known_mixed_text_equals_uax29(
            s in "[a-zA-Z0-9 .!?\"'(),;:\\-\r\n\u{a0}\u{aa}\u{ab}\u{bb}\u{c9}\u{e9}\u{df}\u{d7}\u{f7}\u{a9}\u{b2}\u{bd}\u{2002}\u{2013}\u{2014}\u{2018}\u{2019}\u{201c}\u{201d}\u{2024}\u{2026}\u{202f}\u{203c}\u{2047}]{0,80}"
        ) {
            prop_assert_eq!(sentences(&s).collect::<Vec<_>>(), reference(&s));
        }

        /// Long runs with known characters, so that jumps cross whole chunks and land after
        /// multi-byte characters.
        #[test]
        fn known_long_runs_equal_uax29(
            s in "([a-zA-Z\u{e9}\u{c9}\u{2019}\u{a3}\u{a0} ]{0,70}[.!?\"')( \u{201d}\u{2014}\u{203d}\r\n]{0,3}){0,8}"
        ) {
            prop_assert_eq!(sentences(&s).collect::<Vec<_>>(), reference(&s));
        }

        #[test]
        fn ascii_fast_path_equals_uax29(s in "[aZ1.!?\"'()\\[\\]{},:;\\- \\t\\r\\n\\x0b#x]{0,80}") {
            prop_assert_eq!(sentences(&s).collect::<Vec<_>>(), reference(&s));
        }

        #[test]
        fn word_like_ascii_equals_uax29(s in "([A-Za-z0-9]{1,6}[.!?,;:\"')( \\n]{0,3} ?){0,30}") {
            prop_assert_eq!(sentences(&s).collect::<Vec<_>>(), reference(&s));
        }

        /// Long plain runs, so that the jump to the next terminator crosses whole chunks.
        #[test]
        fn long_runs_equal_uax29(s in "([a-zA-Z0-9,;:\\- ]{0,70}[.!?\"')( \\r\\n]{0,3}){0,8}") {
            prop_assert_eq!(sentences(&s).collect::<Vec<_>>(), reference(&s));
        }

        #[test]
        fn any_ascii_equals_uax29(s in "[\\x00-\\x7f]{0,80}") {
            prop_assert_eq!(sentences(&s).collect::<Vec<_>>(), reference(&s));
        }

        #[test]
        fn any_text_equals_uax29(s in "\\PC{0,60}") {
            prop_assert_eq!(sentences(&s).collect::<Vec<_>>(), reference(&s));
        }
    }
}
