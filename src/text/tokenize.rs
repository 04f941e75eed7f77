//! Tokenizers: words by Unicode word boundaries (with an ASCII fast path and a character-bigram
//! fallback for scripts written without spaces) and characters.

use unicode_segmentation::UnicodeSegmentation;

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

/// Word tokens of `text`, the ASCII fast path or the Unicode one.
fn for_each_word<'t>(text: &'t str, f: &mut impl FnMut(&'t str)) {
    if text.is_ascii() {
        ascii_words(text, f);
    } else {
        unicode_words(text, f);
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
    // A run of spaceless characters, as byte offsets into `text`.
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

/// Character classes of UAX #29 word-break rules, restricted to ASCII.
#[derive(Clone, Copy, PartialEq, Eq)]
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

#[inline]
fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Connector,
        b':' => Class::MidLetter,
        b'.' | b'\'' => Class::MidNumLet,
        b',' | b';' => Class::MidNum,
        _ => Class::Other,
    }
}

/// UAX #29 word segmentation for ASCII text, keeping segments with a letter or digit: the same
/// tokens `unicode_word_indices` yields, at several times its speed.
fn ascii_words<'t>(text: &'t str, f: &mut impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let c = class(bytes[i]);
        if !matches!(c, Class::Letter | Class::Digit | Class::Connector) {
            i += 1;
            continue;
        }
        let start = i;
        let mut has_alnum = c != Class::Connector;
        let mut prev = c;
        i += 1;
        while i < n {
            let c = class(bytes[i]);
            match c {
                Class::Letter | Class::Digit | Class::Connector => {
                    has_alnum |= c != Class::Connector;
                    prev = c;
                    i += 1;
                }
                Class::MidLetter | Class::MidNumLet | Class::MidNum if i + 1 < n => {
                    let next = class(bytes[i + 1]);
                    let joins = match (prev, c, next) {
                        (Class::Letter, Class::MidLetter | Class::MidNumLet, Class::Letter) => true,
                        (Class::Digit, Class::MidNum | Class::MidNumLet, Class::Digit) => true,
                        _ => false,
                    };
                    if joins {
                        prev = next;
                        i += 2;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        if has_alnum {
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

    proptest! {
        #[test]
        fn ascii_fast_path_equals_uax29(s in "[a-cA-C0-2_:.',; \\-\"!]{0,40}") {
            prop_assert_eq!(fast(&s), reference(&s));
        }

        #[test]
        fn ascii_fast_path_equals_uax29_any_ascii(s in "[ -~\\t\\n]{0,60}") {
            prop_assert_eq!(fast(&s), reference(&s));
        }
    }
}
