//! LSH on signatures of fuzzed texts: banding validation, the banding index (insert, remove,
//! query) against batch candidate pairs, and bucket thinning.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::lsh::{BandingParams, MinHashIndex, candidate_pairs};
use reprint::minhash::{MinHashConfig, MinHasher};
use reprint::shingle::ShingleConfig;

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<4>() else { return };
    let [bands, rows, threshold, bucket] = *head;
    let (bands, rows) = (u32::from(bands % 20), u32::from(rows % 9));
    let k = bands * rows;
    let explicit = BandingParams::new(bands, rows, k.max(1));
    assert_eq!(explicit.is_ok(), bands >= 1 && rows >= 1);
    let Ok(params) = explicit else { return };
    // A threshold from the byte, including 0 and values above 1, which must be refused.
    let t = f64::from(threshold) / 200.0;
    match BandingParams::from_threshold(t, k) {
        Ok(p) => assert_eq!(p.bands() * p.rows(), k),
        Err(_) => assert!(!(t > 0.0 && t <= 1.0)),
    }
    let config = MinHashConfig { num_hashes: k, seed: 7, shingle: ShingleConfig::words(2), ..MinHashConfig::default() };
    let hasher = MinHasher::new(config).unwrap();
    let texts = reprint_fuzz::texts(rest, 40);
    let sigs: Vec<_> = texts.iter().map(|t| hasher.sign(t)).collect();
    let max_bucket = usize::from(bucket % 8);
    let pairs = candidate_pairs(&sigs, params, max_bucket).unwrap();
    assert!(pairs.windows(2).all(|w| w[0] < w[1]), "pairs not sorted and distinct");
    assert!(pairs.iter().all(|&(a, b)| a < b && (b as usize) < sigs.len()));
    let mut index = MinHashIndex::new(params);
    for (i, s) in sigs.iter().enumerate() {
        index.insert(i as u32, s).unwrap();
    }
    assert_eq!(index.len(), sigs.len());
    for (i, s) in sigs.iter().enumerate() {
        let hits = index.query(s).unwrap();
        assert!(hits.windows(2).all(|w| w[0] < w[1]));
        if !s.is_empty() {
            assert!(hits.binary_search(&(i as u32)).is_ok(), "a signature does not find itself");
        }
        // Without thinning, the batch pairs of `i` are exactly its index hits.
        if max_bucket >= sigs.len() {
            for &h in &hits {
                let (a, b) = ((i as u32).min(h), (i as u32).max(h));
                assert!(a == b || pairs.binary_search(&(a, b)).is_ok(), "index and batch disagree");
            }
        }
    }
    for (i, s) in sigs.iter().enumerate() {
        assert!(index.remove(i as u32, s).unwrap());
    }
    assert!(index.is_empty());
    // A signature of another configuration is refused, not mixed in.
    let other = MinHasher::new(MinHashConfig { seed: 8, ..config }).unwrap().sign("a b c");
    assert!(index.query(&other).is_err() || index.is_empty());
});
