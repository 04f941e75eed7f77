//! MinHash signatures under any configuration: validation, length, the hash-set and
//! normalized-text paths, self-similarity, and `from_parts` on arbitrary values.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::minhash::{FORMAT_VERSION, MinHashConfig, MinHashSignature, MinHasher, Scheme, SignBuffer, SignatureParams};
use reprint::shingle::ShingleConfig;
use reprint::text::Normalizer;

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<4>() else { return };
    let [k_lo, k_hi, shingle, flags] = *head;
    // Up to 511 hashes keeps one execution fast; 0 must be refused.
    let num_hashes = u32::from(u16::from_le_bytes([k_lo, k_hi]) % 512);
    let scheme = if flags & 1 == 0 { Scheme::OnePermutation } else { Scheme::Classic };
    let num_hashes = if scheme == Scheme::Classic { num_hashes % 130 } else { num_hashes };
    let size = u32::from(shingle % 8);
    let shingle = if shingle & 0x80 == 0 { ShingleConfig::words(size) } else { ShingleConfig::chars(size) };
    let config = MinHashConfig { num_hashes, seed: u64::from(flags >> 1), scheme, shingle };
    let hasher = match MinHasher::new(config) {
        Ok(h) => h,
        Err(e) => {
            assert!(num_hashes == 0 || size == 0, "refused {config:?}: {e}");
            return;
        }
    };
    let (texts, values) = match rest.iter().position(|&b| b == 0xFF) {
        Some(p) => (&rest[..p], &rest[p + 1..]),
        None => (rest, &[][..]),
    };
    let text = String::from_utf8_lossy(texts);
    let sig = hasher.sign(&text);
    assert_eq!(sig.values().len(), num_hashes as usize);
    let set = hasher.shingler().set(&text);
    assert_eq!(sig.is_empty(), set.is_empty());
    assert_eq!(hasher.sign_hashes(&set), sig, "sign and sign_hashes disagree");
    let normalized = Normalizer::new().normalize(&text);
    assert_eq!(hasher.sign_normalized_with(&normalized, &mut SignBuffer::new()), sig);
    let j = sig.jaccard(&sig).unwrap();
    assert_eq!(j, if sig.is_empty() { 0.0 } else { 1.0 });
    // Rebuilding from arbitrary parts never panics, and accepts exactly the right length.
    let vals: Vec<u32> =
        values.chunks(4).map(|c| u32::from_le_bytes([c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0), *c.get(3).unwrap_or(&0)])).collect();
    let params = SignatureParams { config, format_version: FORMAT_VERSION };
    match MinHashSignature::from_parts(params, vals.clone(), false) {
        Ok(s) => {
            assert_eq!(vals.len(), num_hashes as usize);
            let j = s.jaccard(&sig).unwrap();
            assert!((0.0..=1.0).contains(&j));
        }
        Err(_) => assert_ne!(vals.len(), num_hashes as usize),
    }
});
