//! Shingling under any configuration: validation, the number of shingles, the normalized-text
//! path, sets and counts, and 1-gram hashes equal to token hashes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::shingle::{ShingleBuffer, ShingleConfig, ShingleUnit, Shingler};
use reprint::text::{Filter, Normalizer, Tokenizer};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<3>() else { return };
    let [unit, size, flags] = *head;
    let size = u32::from(size % 70);
    let filter = if flags & 1 == 0 { Filter::None } else { Filter::EnglishStopwords };
    let seed = u64::from(flags >> 1);
    let config = if unit & 1 == 0 { ShingleConfig::words(size) } else { ShingleConfig::chars(size) }.with_filter(filter);
    let valid = size >= 1 && size <= 64 && !(config.unit() == ShingleUnit::Chars && filter != Filter::None);
    let shingler = match Shingler::new(config, seed) {
        Ok(s) => s,
        Err(e) => {
            assert!(!valid, "a valid configuration was refused: {e}");
            assert_eq!(e.kind(), reprint::ErrorKind::Config);
            return;
        }
    };
    assert!(valid, "an invalid configuration was accepted: {config:?}");
    let text = String::from_utf8_lossy(rest);
    let hashes = shingler.hashes(&text);
    let normalized = Normalizer::new().normalize(&text);
    let n = size as usize;
    let units = match config.unit() {
        ShingleUnit::Words => Tokenizer::Words.tokens(&normalized).into_iter().filter(|t| filter.keep(t)).count(),
        _ => normalized.chars().count(),
    };
    let expected = match units {
        0 => 0,
        u if u < n => 1,
        u => u - n + 1,
    };
    assert_eq!(hashes.len(), expected, "{units} units of size {n}");
    let mut again = Vec::new();
    shingler.for_each_hash_of_normalized(&normalized, &mut ShingleBuffer::new(), |h| again.push(h));
    assert_eq!(again, hashes, "the normalized-text path differs");
    let set = shingler.set(&text);
    assert!(set.windows(2).all(|w| w[0] < w[1]));
    let counts = shingler.counts(&text);
    assert_eq!(counts.iter().map(|c| c.0).collect::<Vec<_>>(), set);
    assert_eq!(counts.iter().map(|c| c.1 as usize).sum::<usize>(), hashes.len());
    if config.unit() == ShingleUnit::Words && n == 1 {
        let direct: Vec<u64> = Tokenizer::Words
            .tokens(&normalized)
            .into_iter()
            .filter(|t| filter.keep(t))
            .map(|t| shingler.token_hash(t))
            .collect();
        assert_eq!(direct, hashes, "1-gram hashes differ from token hashes");
    }
});
