//! Regression tests: inputs found by fuzzing (fuzz/) and by the adversarial corpus, kept as
//! ordinary tests, and the reference implementations the optimised code must match exactly.

mod support;

use reprint::group::cluster;
use support::Rng;

/// The first implementation of `group::cluster` (quadratic on long chains), which the current
/// one must match label for label; the fuzz target `cluster` checks against the same file.
#[path = "../fuzz/src/reference_cluster.rs"]
mod reference;

/// `cluster` gives exactly the reference's labels on random graphs: tied scores, duplicate and
/// self links, links out of range, NaN, infinite and signed-zero scores, missing priorities.
#[test]
fn cluster_matches_the_reference_implementation() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let scores = [0.5, 0.7, 0.35, 0.9, 1.0, 0.0, -0.0, f64::INFINITY, 0.1 + 0.2, 0.3];
    for case in 0..5_000u64 {
        let n = 1 + rng.below(40);
        let m = rng.below(4 * n + 1);
        let links: Vec<(usize, usize, f64)> = (0..m)
            .map(|_| {
                let s = if case % 50 == 0 && rng.below(5) == 0 {
                    f64::NAN
                } else if case % 3 == 0 {
                    scores[rng.below(scores.len())]
                } else {
                    rng.below(1000) as f64 / 997.0
                };
                (rng.below(n + 2), rng.below(n + 2), s)
            })
            .collect();
        let priority: Vec<u64> = (0..rng.below(n + 1)).map(|_| rng.below(3) as u64).collect();
        assert_eq!(
            cluster(n, &links, &priority),
            reference::cluster(n, &links, &priority),
            "case {case}: n = {n}, links = {links:?}, priority = {priority:?}"
        );
    }
}

/// Byte offset and length, inside the payload, of section `tag` of an index file.
fn section(payload: &[u8], tag: u32) -> (usize, usize) {
    let u32_at = |at: usize| u32::from_le_bytes(payload[at..at + 4].try_into().expect("4 bytes"));
    let u64_at = |at: usize| u64::from_le_bytes(payload[at..at + 8].try_into().expect("8 bytes")) as usize;
    let count = u32_at(0) as usize;
    (0..count)
        .map(|k| 8 + 24 * k)
        .find(|&at| u32_at(at) == tag)
        .map(|at| (u64_at(at + 8), u64_at(at + 16)))
        .expect("section present")
}

/// `bytes` (an index file) with `edit` applied to its payload and the checksums made valid again,
/// as a writer that meant harm (or a bug in one) would produce.
fn tamper(bytes: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    use xxhash_rust::xxh3::xxh3_64;
    let mut payload = bytes[64..].to_vec();
    edit(&mut payload);
    let mut out = bytes[..16].to_vec();
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
    let header_sum = xxh3_64(&out);
    out.extend_from_slice(&header_sum.to_le_bytes());
    out.resize(64, 0);
    out.extend_from_slice(&payload);
    out
}

/// Verification features in an index file are refused unless `DocFeatures::extract` could have
/// produced them, even behind valid checksums: a sentence key that is not its sentence's hash,
/// and a word count without words.
#[test]
fn tampered_features_in_a_sealed_index_are_refused() {
    use reprint::Deduplicator;
    use reprint::index::{Article, Index};
    let mut index = Index::new(Deduplicator::new());
    index.add(Article::new("a", "Fresh gunfire was reported in the town. The truce held until noon.")).expect("add");
    index.add(Article::new("b", "")).expect("add");
    let bytes = index.to_bytes();
    assert!(Index::from_bytes(&tamper(&bytes, |_| {})).is_ok(), "resealing alone changes nothing");
    let payload = &bytes[64..];
    let (features, _) = section(payload, 11);
    let (offsets, _) = section(payload, 10);
    let word = |p: &[u8], at: usize| u32::from_le_bytes(p[at..at + 4].try_into().expect("4 bytes"));
    // Article "a": [total, bag, sentences, numbers, numbers.., bag.., ends.., keys.., words..].
    let a = features + 4 * u64::from_le_bytes(payload[offsets..offsets + 8].try_into().expect("8")) as usize;
    let (bag, numbers) = (word(payload, a + 4) as usize, word(payload, a + 12) as usize);
    let sentences = word(payload, a + 8) as usize;
    assert_eq!(sentences, 2);
    let key = a + 4 * (4 + numbers + bag + sentences);
    let bad_key = tamper(&bytes, |p| p[key] ^= 1);
    let e = Index::from_bytes(&bad_key).expect_err("a wrong sentence key is refused");
    assert_eq!(e.kind(), reprint::ErrorKind::Format, "{e}");
    // Article "b" (no words): a word count of 3.
    let b = features + 4 * u64::from_le_bytes(payload[offsets + 8..offsets + 16].try_into().expect("8")) as usize;
    assert_eq!(word(payload, b + 4), 0, "b has no words");
    let ghost = tamper(&bytes, |p| p[b] = 3);
    assert!(Index::from_bytes(&ghost).is_err(), "a word count without words is refused");
}
