//! SimHash on any text and any feature weights (NaN, infinities, negatives, subnormals), and the
//! SimHash index on the resulting fingerprints.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::lsh::SimHashIndex;
use reprint::shingle::{ShingleConfig, Shingler};
use reprint::simhash::{SimHashConfig, SimHasher, Weighting};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<3>() else { return };
    let [shingle, flags, radius] = *head;
    let size = u32::from(shingle % 8);
    let shingle = if shingle & 0x80 == 0 { ShingleConfig::words(size) } else { ShingleConfig::chars(size) };
    let weighting = if flags & 1 == 0 { Weighting::TermCount } else { Weighting::Uniform };
    let config = SimHashConfig { seed: u64::from(flags >> 1), shingle, weighting };
    let Ok(hasher) = SimHasher::new(config) else {
        assert_eq!(size, 0);
        return;
    };
    let shingler = Shingler::new(shingle, config.seed).unwrap();
    let texts = reprint_fuzz::texts(rest, 16);
    let sigs: Vec<_> = texts.iter().map(|t| hasher.sign(t)).collect();
    for (t, s) in texts.iter().zip(&sigs) {
        assert_eq!(s.is_empty(), shingler.set(t).is_empty());
        let d = s.hamming(s).unwrap();
        assert_eq!(d, if s.is_empty() { 64 } else { 0 });
    }
    // Weighted features straight from the bytes: (hash, weight) per 16 bytes.
    let features = rest.chunks_exact(16).map(|c| {
        let h = u64::from_le_bytes(c[..8].try_into().unwrap_or([0; 8]));
        let w = f64::from_le_bytes(c[8..].try_into().unwrap_or([0; 8]));
        (h, w)
    });
    let weighted = hasher.sign_weighted(features);
    if let Some(first) = sigs.first() {
        let d = weighted.hamming(first).unwrap();
        assert!(d <= 64);
        assert!((0.0..=1.0).contains(&weighted.similarity(first).unwrap()));
    }
    let radius = u32::from(radius % 40);
    let Ok(mut index) = SimHashIndex::new(radius) else {
        assert!(radius > 31);
        return;
    };
    for (k, s) in sigs.iter().enumerate() {
        index.insert(k as u32 % 5, s).unwrap();
    }
    for s in &sigs {
        let hits = index.query(s).unwrap();
        assert!(hits.iter().all(|&(_, d)| d <= radius));
        assert!(hits.windows(2).all(|w| (w[0].1, w[0].0) < (w[1].1, w[1].0)), "{hits:?}");
    }
    for k in 0..5 {
        index.remove(k);
    }
    assert!(index.is_empty());
});
