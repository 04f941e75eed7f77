//! The word and character tokenizers on normalized and raw text: tokens are non-empty slices
//! of the input in order, characters cover the text exactly, and the analyzer agrees with
//! normalizing then tokenizing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::text::{Analyzer, Filter, Normalizer, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// Scripts written without spaces, as `Tokenizer::Words` documents them.
fn is_spaceless(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x3005..=0x3007 | 0x3040..=0x30FF
        | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F
        | 0x20000..=0x3FFFF)
}

/// UAX #29 words over the whole text, runs of spaceless-script words as overlapping bigrams.
fn reference(text: &str) -> Vec<&str> {
    fn bigrams<'t>(run: &'t str, out: &mut Vec<&'t str>) {
        let starts: Vec<usize> = run.char_indices().map(|(i, _)| i).chain([run.len()]).collect();
        if starts.len() == 2 {
            out.push(run);
        }
        for w in starts.windows(3) {
            out.push(&run[w[0]..w[2]]);
        }
    }
    let mut out = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for (start, word) in text.unicode_word_indices() {
        let end = start + word.len();
        if word.chars().next().is_some_and(is_spaceless) {
            run = match run {
                Some((s, e)) if e == start => Some((s, end)),
                other => {
                    if let Some((s, e)) = other {
                        bigrams(&text[s..e], &mut out);
                    }
                    Some((start, end))
                }
            };
        } else {
            if let Some((s, e)) = run.take() {
                bigrams(&text[s..e], &mut out);
            }
            out.push(word);
        }
    }
    if let Some((s, e)) = run {
        bigrams(&text[s..e], &mut out);
    }
    out
}

/// Byte offset of `token` inside `text`, checking that it is a slice of it.
fn offset(text: &str, token: &str) -> usize {
    let start = (token.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    assert!(start <= text.len() && token.len() <= text.len() - start, "token {token:?} is not a slice of the text");
    assert!(text.is_char_boundary(start) && text.is_char_boundary(start + token.len()));
    start
}

fn check(text: &str, normalized: bool) {
    let words = Tokenizer::Words.tokens(text);
    if normalized {
        assert_eq!(words, reference(text), "words differ from UAX #29 over the whole text for {text:?}");
    }
    let mut last = 0;
    for w in &words {
        assert!(!w.is_empty());
        let at = offset(text, w);
        // Words move forward; CJK bigrams overlap by one character.
        assert!(at + w.len() > last || w.is_empty(), "word {w:?} goes backwards");
        last = last.max(at);
    }
    let chars = Tokenizer::Chars.tokens(text);
    assert_eq!(chars.concat(), text);
    assert_eq!(chars.len(), text.chars().count());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let raw = String::from_utf8_lossy(rest);
    let normalized = Normalizer::new().normalize(&raw);
    check(&normalized, true);
    // Tokenizers must not panic on text that was never normalized either.
    check(&raw, false);
    let filter = if mode & 1 == 0 { Filter::None } else { Filter::EnglishStopwords };
    let analyzer = Analyzer::new(Tokenizer::Words).with_filter(filter);
    let mut buf = String::new();
    let mut via_analyzer = Vec::new();
    analyzer.for_each_token(&raw, &mut buf, |t| via_analyzer.push(t.to_string()));
    let direct: Vec<String> =
        Tokenizer::Words.tokens(&normalized).into_iter().filter(|t| filter.keep(t)).map(str::to_string).collect();
    assert_eq!(via_analyzer, direct);
});
