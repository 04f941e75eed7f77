//! The normalizer on any text: its documented output form, the reused-buffer path, and a
//! differential check of the segmented fast path against NFKC over the whole text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::text::Normalizer;
use unicode_normalization::UnicodeNormalization;

/// The folding of one non-ASCII character after NFKC, as `Normalizer`'s documentation states it.
fn fold(c: char) -> Option<Vec<char>> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}' | '\u{02BC}' | '\u{02B9}'
        | '\u{FF07}' => vec!['\''],
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}' | '\u{00AB}' | '\u{00BB}'
        | '\u{FF02}' => vec!['"'],
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' | '\u{2E3A}' | '\u{2E3B}' => {
            vec!['-']
        }
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => vec![],
        c if c.is_whitespace() || c.is_control() => return None,
        c => c.to_lowercase().collect(),
    })
}

/// NFKC over the whole text, then the character mapping with a pending space.
fn reference(text: &str) -> String {
    let mut out = String::new();
    let mut pending = false;
    for c in text.nfkc() {
        let mapped = if c.is_ascii() {
            if c <= ' ' || c == '\u{7f}' { None } else { Some(vec![c.to_ascii_lowercase()]) }
        } else {
            fold(c)
        };
        match mapped {
            None => pending = !out.is_empty(),
            Some(chars) => {
                for m in chars {
                    if pending {
                        out.push(' ');
                        pending = false;
                    }
                    out.push(m);
                }
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let n = Normalizer::new();
    let out = n.normalize(&text);
    assert!(!out.starts_with(' ') && !out.ends_with(' '), "{out:?}");
    assert!(!out.contains("  "), "{out:?}");
    assert!(!out.bytes().any(|b| b.is_ascii_uppercase() || (b < b' ' || b == 0x7f)), "{out:?}");
    assert!(!out.chars().any(|c| matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{2060}' | '\u{00AD}')));
    // A dirty reused buffer gives the same result.
    let mut buf = String::from("left over from an earlier call  ");
    n.normalize_into(&text, &mut buf);
    assert_eq!(buf, out);
    assert_eq!(out, reference(&text), "segmented path differs from NFKC over the whole text for {text:?}");
    if out.is_ascii() {
        assert_eq!(n.normalize(&out), out, "not idempotent on ASCII output");
    }
});
