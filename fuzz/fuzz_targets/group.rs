//! The whole pipeline (`Deduplicator::group`, `score`, `group_texts`) on batches of fuzzed texts
//! under fuzzed settings: every item accounted for exactly once, the same grouping whatever the
//! input order, settings refused only when they make no sense, empty texts alone.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::group::KeywordConfig;
use reprint::minhash::Scheme;
use reprint::shingle::ShingleConfig;
use reprint::text::{Filter, Normalizer};
use reprint::{Channel, Config, Deduplicator};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<6>() else { return };
    let [hashes, shingle, threshold, limit, bucket, flags] = *head;
    let mut config = Config::default();
    config.num_hashes = u32::from(hashes % 65);
    config.scheme = if flags & 1 == 0 { Scheme::OnePermutation } else { Scheme::Classic };
    let size = u32::from(shingle % 7);
    let unit = if shingle & 0x80 == 0 { ShingleConfig::words(size) } else { ShingleConfig::chars(size) };
    let filter = if flags & 2 == 0 { Filter::None } else { Filter::EnglishStopwords };
    let lsh = f64::from(shingle >> 3 & 0x0F) / 12.0;
    config.channels = match flags >> 2 & 3 {
        0 => vec![Channel { shingle: unit.with_filter(filter), threshold: lsh }],
        1 => vec![Channel { shingle: unit, threshold: lsh }, Channel::rewrites()],
        2 => vec![],
        _ => vec![Channel::copies(), Channel::rewrites()],
    };
    config.threshold = f64::from(threshold) / 200.0;
    // Small limits cut texts inside multi-byte characters.
    config.max_text_bytes = if limit == 255 { 16 << 20 } else { usize::from(limit) };
    config.max_bucket = usize::from(bucket % 70);
    config.keywords = match flags >> 4 & 3 {
        0 => None,
        1 => Some(KeywordConfig::default()),
        _ => Some(KeywordConfig { per_doc: u32::from(bucket % 5), min_shared: u32::from(bucket >> 5 & 3), max_df: u32::from(limit % 8) }),
    };
    config.idf_prior = if flags & 0x40 == 0 { 0.0 } else { f64::from(limit) };
    let dedup = match Deduplicator::builder().config(config.clone()).build() {
        Ok(d) => d,
        Err(e) => {
            assert_eq!(e.kind(), reprint::ErrorKind::Config);
            assert!(!e.message().is_empty());
            return;
        }
    };
    let texts = reprint_fuzz::texts(rest, 24);
    let n = texts.len();
    let items: Vec<(usize, &str)> = texts.iter().enumerate().map(|(i, t)| (i, t.as_str())).collect();
    let g = dedup.group(&items).unwrap();
    reprint_fuzz::check_grouping(&g, n);
    // Texts that normalize to nothing are never linked.
    for (i, t) in texts.iter().enumerate() {
        if Normalizer::new().normalize(&t[..dedup_clip(t, config.max_text_bytes)]).is_empty() {
            assert_eq!(g.group_of(i).map(|x| x.len()), Some(1), "empty text {i} was grouped");
        }
    }
    // The same groups and representatives in reverse order (ids keep the canonical order).
    let reversed: Vec<(usize, &str)> = items.iter().rev().copied().collect();
    let r = dedup.group(&reversed).unwrap();
    reprint_fuzz::check_grouping(&r, n);
    for i in 0..n {
        let rep = g.representative_of(i).unwrap();
        let rep_r = r.representative_of(n - 1 - i).unwrap();
        assert_eq!(n - 1 - rep_r, rep, "representative of {i} depends on the input order");
    }
    // `score` then `group` at the threshold is `group`.
    let scored = dedup.score(&items).unwrap();
    assert_eq!(scored.group(config.threshold), g);
    for link in scored.links() {
        assert!(link.a < link.b && link.b < n);
        let e = link.evidence;
        for x in [e.score, e.overlap, e.shared, e.containment, e.alignment, e.numbers] {
            assert!((0.0..=1.0).contains(&x), "evidence outside [0, 1]: {e:?}");
        }
    }
    // Positions as ids: `group_texts` is `group` with ids in order.
    assert_eq!(dedup.group_texts(&texts).unwrap(), g);
});

/// The byte length `Deduplicator` keeps of `text` under `limit` (cut at a character boundary).
fn dedup_clip(text: &str, limit: usize) -> usize {
    if text.len() <= limit {
        return text.len();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}
