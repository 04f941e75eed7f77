use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{Error, Result};
use crate::minhash::{MinHashSignature, SignatureParams};

/// Bands × rows of a MinHash banding index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BandingParams {
    bands: u32,
    rows: u32,
}

impl BandingParams {
    /// Explicit bands and rows for signatures of `num_hashes` values.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) if either is zero, `bands × rows`
    /// is not `num_hashes`, or `num_hashes` is above [`MAX_HASHES`](crate::minhash::MAX_HASHES)
    /// (no signature has that many values).
    pub fn new(bands: u32, rows: u32, num_hashes: u32) -> Result<BandingParams> {
        if bands == 0 || rows == 0 {
            return Err(Error::config("bands and rows must both be at least 1"));
        }
        if num_hashes > crate::minhash::MAX_HASHES {
            return Err(Error::config(format!(
                "num_hashes {num_hashes} is above the maximum of {}",
                crate::minhash::MAX_HASHES
            )));
        }
        if u64::from(bands) * u64::from(rows) != u64::from(num_hashes) {
            return Err(Error::config(format!(
                "bands × rows = {bands} × {rows} = {} but signatures have {num_hashes} hashes; choose bands and rows whose product is {num_hashes}",
                u64::from(bands) * u64::from(rows)
            )));
        }
        Ok(BandingParams { bands, rows })
    }

    /// The bands and rows (with `bands × rows = num_hashes`) that minimize the false-positive
    /// area below `threshold` plus the false-negative area above it, with equal weights.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) if `threshold` is not in (0, 1] or
    /// `num_hashes` is zero or above [`MAX_HASHES`](crate::minhash::MAX_HASHES).
    pub fn from_threshold(threshold: f64, num_hashes: u32) -> Result<BandingParams> {
        BandingParams::from_threshold_weighted(threshold, num_hashes, 0.5, 0.5)
    }

    /// As [`from_threshold`](Self::from_threshold) with explicit weights on false positives and
    /// false negatives.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for a threshold outside (0, 1], zero
    /// hashes or more than [`MAX_HASHES`](crate::minhash::MAX_HASHES) (every number of rows
    /// that divides it is tried), or weights that are negative, not finite, or both zero.
    pub fn from_threshold_weighted(
        threshold: f64,
        num_hashes: u32,
        fp_weight: f64,
        fn_weight: f64,
    ) -> Result<BandingParams> {
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(Error::config(format!("threshold {threshold} is outside (0, 1]")));
        }
        if num_hashes == 0 {
            return Err(Error::config("num_hashes must be at least 1"));
        }
        if num_hashes > crate::minhash::MAX_HASHES {
            return Err(Error::config(format!(
                "num_hashes {num_hashes} is above the maximum of {}",
                crate::minhash::MAX_HASHES
            )));
        }
        let ok = |w: f64| w.is_finite() && w >= 0.0;
        if !ok(fp_weight) || !ok(fn_weight) || fp_weight + fn_weight == 0.0 {
            return Err(Error::config(
                "false-positive and false-negative weights must be finite, non-negative and not both zero",
            ));
        }
        let mut best: Option<(f64, BandingParams)> = None;
        for rows in 1..=num_hashes {
            if num_hashes % rows != 0 {
                continue;
            }
            let p = BandingParams { bands: num_hashes / rows, rows };
            let fp = integrate(|s| p.candidate_probability(s), 0.0, threshold);
            let fneg = integrate(|s| 1.0 - p.candidate_probability(s), threshold, 1.0);
            let cost = fp_weight * fp + fn_weight * fneg;
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, p));
            }
        }
        // `num_hashes >= 1`, so rows = 1 was tried.
        best.map(|(_, p)| p).ok_or_else(|| Error::config("no banding found"))
    }

    /// Number of bands.
    pub fn bands(&self) -> u32 {
        self.bands
    }

    /// Rows per band.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// Probability that two signatures of Jaccard similarity `j` share at least one band:
    /// `1 - (1 - j^r)^b`.
    pub fn candidate_probability(&self, j: f64) -> f64 {
        // Exponents above `i32::MAX` (only from deserialized parameters) saturate rather than wrap.
        let exp = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        1.0 - (1.0 - j.powi(exp(self.rows))).powi(exp(self.bands))
    }

    /// The similarity at which the candidate probability is steepest, about `(1/b)^(1/r)`.
    pub fn effective_threshold(&self) -> f64 {
        (1.0 / f64::from(self.bands)).powf(1.0 / f64::from(self.rows))
    }

    /// Band keys of `sig`, one per band, written into `out`.
    pub(crate) fn band_keys(&self, sig: &MinHashSignature, out: &mut Vec<u64>) {
        out.clear();
        out.extend((0..self.bands as usize).map(|b| self.band_key(sig, b)));
    }

    /// The key of band `band` of `sig`: seeded xxh3 (seed = the band's position) of the band's
    /// values as little-endian bytes, assembled on the stack (no allocation for bands of up to
    /// 64 rows).
    #[inline]
    pub(crate) fn band_key(&self, sig: &MinHashSignature, band: usize) -> u64 {
        let r = self.rows as usize;
        // Checked: the parameters (possibly deserialized) need not fit the signature here.
        let values =
            band.checked_mul(r).and_then(|start| sig.values().get(start..start.checked_add(r)?)).unwrap_or_default();
        // `values.len() == r` for a signature that fits; sized from the slice, so a misfit cannot
        // ask for a large buffer, and `len * 4` fits because it is the slice's size in bytes.
        let len = values.len() * 4;
        let mut stack = [0u8; 256];
        let mut heap = Vec::new();
        let bytes: &mut [u8] = if len <= stack.len() {
            &mut stack[..len]
        } else {
            heap.resize(len, 0);
            &mut heap
        };
        for (dst, v) in bytes.chunks_exact_mut(4).zip(values) {
            dst.copy_from_slice(&v.to_le_bytes());
        }
        xxh3_64_with_seed(bytes, band as u64)
    }

    fn check(&self, sig: &MinHashSignature) -> Result<()> {
        let k = sig.params().config.num_hashes;
        if u64::from(self.bands) * u64::from(self.rows) != u64::from(k) {
            return Err(Error::incompatible(format!(
                "banding {} × {} does not fit signatures of {k} hashes",
                self.bands, self.rows
            )));
        }
        Ok(())
    }
}

/// Simpson's rule on 64 intervals; the integrands are smooth polynomials.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let n = 64;
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        let x = a + i as f64 * h;
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    s * h / 3.0
}

/// A MinHash banding index over `u32` keys that supports insert, remove and query.
///
/// Flat tables: each band is one hash map from band key to a single `u64` slot, which holds the
/// key itself when the bucket has one member (most buckets) or, with the top bit set, the
/// position of the bucket's member list in a shared arena. Band keys are already uniform
/// hashes, so the maps use the cheap Fx hasher. A signature costs about 20 bytes per band.
#[derive(Clone, Debug)]
pub struct MinHashIndex {
    params: BandingParams,
    signature_params: Option<SignatureParams>,
    /// Per band: band key -> a key (`< 2^32`) or `MANY | position in overflow`.
    tables: Vec<FxHashMap<u64, u64>>,
    /// Member lists of buckets with more than one member. Never shrinks.
    overflow: Vec<Vec<u32>>,
    /// Unused positions of `overflow` (so each below `overflow.len()`).
    free: Vec<usize>,
    len: usize,
}

/// Slot flag: the slot is a position in [`MinHashIndex::overflow`].
const MANY: u64 = 1 << 63;

impl MinHashIndex {
    /// An empty index.
    pub fn new(params: BandingParams) -> MinHashIndex {
        MinHashIndex {
            params,
            signature_params: None,
            tables: vec![FxHashMap::default(); params.bands as usize],
            overflow: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }

    /// The banding.
    pub fn params(&self) -> BandingParams {
        self.params
    }

    /// Number of signatures inserted and not removed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn check(&mut self, sig: &MinHashSignature) -> Result<()> {
        self.params.check(sig)?;
        match &self.signature_params {
            Some(p) if p != sig.params() => Err(Error::incompatible(format!(
                "signature built with {:?} does not match the index's {:?}",
                sig.params(),
                p
            ))),
            Some(_) => Ok(()),
            None => {
                self.signature_params = Some(*sig.params());
                Ok(())
            }
        }
    }

    /// Adds `sig` under `key`. Empty signatures are accepted and never returned by queries.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if `sig` does not fit the
    /// banding or differs in parameters from earlier signatures.
    pub fn insert(&mut self, key: u32, sig: &MinHashSignature) -> Result<()> {
        self.check(sig)?;
        // Saturating: empty signatures take no memory, so only the number of calls bounds it.
        self.len = self.len.saturating_add(1);
        if sig.is_empty() {
            return Ok(());
        }
        let mut keys = Vec::with_capacity(self.params.bands as usize);
        self.params.band_keys(sig, &mut keys);
        self.insert_keys(key, &keys);
        Ok(())
    }

    fn insert_keys(&mut self, key: u32, band_keys: &[u64]) {
        let MinHashIndex { tables, overflow, free, .. } = self;
        for (table, &bk) in tables.iter_mut().zip(band_keys) {
            match table.entry(bk) {
                Entry::Vacant(e) => {
                    e.insert(u64::from(key));
                }
                Entry::Occupied(mut e) => {
                    let slot = *e.get();
                    if slot & MANY != 0 {
                        if let Some(list) = overflow.get_mut((slot & !MANY) as usize) {
                            list.push(key);
                        }
                    } else {
                        // Without `MANY` the slot is a key, `< 2^32`.
                        let list = vec![slot as u32, key];
                        // `at < overflow.len()`: free positions are below it and it never shrinks;
                        // a position of a `Vec` is below 2^63, clear of the `MANY` bit.
                        let at = match free.pop() {
                            Some(at) => {
                                overflow[at] = list;
                                at
                            }
                            None => {
                                overflow.push(list);
                                overflow.len() - 1
                            }
                        };
                        *e.get_mut() = MANY | at as u64;
                    }
                }
            }
        }
    }

    /// The members of a bucket slot.
    #[inline]
    fn members(&self, slot: u64) -> &[u32] {
        if slot & MANY != 0 { self.overflow.get((slot & !MANY) as usize).map_or(&[], |l| l.as_slice()) } else { &[] }
    }

    /// Adds many signatures: band keys are computed in parallel (with the `parallel` feature),
    /// then inserted in input order.
    ///
    /// # Errors
    ///
    /// As [`insert`](Self::insert); nothing is inserted if any signature is incompatible.
    pub fn insert_batch(&mut self, items: &[(u32, &MinHashSignature)]) -> Result<()> {
        for (_, sig) in items {
            self.check(sig)?;
        }
        let params = self.params;
        let b = params.bands as usize;
        // All band keys in one flat vector, `b` per item (left unused for empty signatures).
        let keys: Vec<u64> = crate::par::fill_rows(items, b, |(_, sig), out: &mut [u64]| {
            if !sig.is_empty() {
                for (band, k) in out.iter_mut().enumerate() {
                    *k = params.band_key(sig, band);
                }
            }
        });
        for ((key, sig), bk) in items.iter().zip(keys.chunks_exact(b.max(1))) {
            self.len = self.len.saturating_add(1);
            if !sig.is_empty() {
                self.insert_keys(*key, bk);
            }
        }
        Ok(())
    }

    /// Removes `key`, which was inserted with `sig`. Returns whether it was found.
    ///
    /// # Errors
    ///
    /// As [`insert`](Self::insert).
    pub fn remove(&mut self, key: u32, sig: &MinHashSignature) -> Result<bool> {
        self.params.check(sig)?;
        let mut keys = Vec::new();
        if !sig.is_empty() {
            self.params.band_keys(sig, &mut keys);
        }
        let mut found = sig.is_empty();
        let MinHashIndex { tables, overflow, free, .. } = self;
        for (table, bk) in tables.iter_mut().zip(&keys) {
            let Some(&slot) = table.get(bk) else { continue };
            if slot & MANY == 0 {
                if slot == u64::from(key) {
                    table.remove(bk);
                    found = true;
                }
                continue;
            }
            let at = (slot & !MANY) as usize;
            let Some(list) = overflow.get_mut(at) else { continue };
            if let Some(pos) = list.iter().position(|&k| k == key) {
                list.swap_remove(pos);
                found = true;
            }
            // Back to a single-member slot.
            if list.len() <= 1 {
                match list.first() {
                    Some(&last) => {
                        table.insert(*bk, u64::from(last));
                    }
                    None => {
                        table.remove(bk);
                    }
                }
                *list = Vec::new();
                free.push(at);
            }
        }
        if found {
            self.len = self.len.saturating_sub(1);
        }
        Ok(found)
    }

    /// Keys sharing at least one band with `sig`, sorted, without repeats.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if `sig` does not fit.
    pub fn query(&self, sig: &MinHashSignature) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        self.query_into(sig, &mut Vec::new(), &mut out)?;
        Ok(out)
    }

    /// [`query`](Self::query) into `out` (cleared first), with `keys` as scratch space for the
    /// band keys, so repeated queries need not allocate.
    fn query_into(&self, sig: &MinHashSignature, keys: &mut Vec<u64>, out: &mut Vec<u32>) -> Result<()> {
        self.params.check(sig)?;
        if let Some(p) = &self.signature_params {
            if p != sig.params() {
                return Err(Error::incompatible("query signature parameters differ from the index's"));
            }
        }
        out.clear();
        if sig.is_empty() {
            return Ok(());
        }
        self.params.band_keys(sig, keys);
        for (table, bk) in self.tables.iter().zip(keys.iter()) {
            if let Some(&slot) = table.get(bk) {
                if slot & MANY == 0 {
                    // Without `MANY` the slot is a key, `< 2^32`.
                    out.push(slot as u32);
                } else {
                    out.extend_from_slice(self.members(slot));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(())
    }

    /// [`query`](Self::query) for many signatures, in parallel with the `parallel` feature.
    ///
    /// # Errors
    ///
    /// As [`query`](Self::query).
    pub fn query_batch(&self, sigs: &[&MinHashSignature]) -> Result<Vec<Vec<u32>>> {
        crate::par::map_with(sigs, Vec::new, |keys: &mut Vec<u64>, s| {
            let mut out = Vec::new();
            self.query_into(s, keys, &mut out).map(|()| out)
        })
        .into_iter()
        .collect()
    }
}

/// All pairs `(i, j)`, `i < j`, of signatures in `sigs` that share a band, sorted.
///
/// Built from flat tables, one band at a time (a few bands in parallel with the `parallel`
/// feature): the `(band key, position)` pairs of the band are sorted and every run of equal
/// keys is a bucket. A bucket larger than `max_bucket` (such as thousands of pages sharing one
/// template) contributes only links from each member to the bucket's first `max_bucket`
/// members, which keeps the output linear in the input while every member is still linked to
/// the bucket. Each band's pairs are sorted and merged into the result as soon as the band is
/// done, so memory holds the distinct pairs and a few bands' worth, not every band's
/// duplicates.
///
/// # Errors
///
/// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if signatures differ in
/// parameters or do not fit the banding.
pub fn candidate_pairs<S: std::borrow::Borrow<MinHashSignature> + Sync>(
    sigs: &[S],
    params: BandingParams,
    max_bucket: usize,
) -> Result<Vec<(u32, u32)>> {
    let Some(first) = sigs.first().map(|s| s.borrow()) else { return Ok(Vec::new()) };
    params.check(first)?;
    for s in sigs {
        first.check_compatible(s.borrow())?;
    }
    if sigs.len() > u32::MAX as usize {
        return Err(Error::input("more than 2^32 signatures in one batch"));
    }
    // `i < sigs.len() <= u32::MAX`, so `sigs[i]` and `i as u32` are exact; so is `sigs[i as usize]` below.
    let present: Vec<u32> = (0..sigs.len()).filter(|&i| !sigs[i].borrow().is_empty()).map(|i| i as u32).collect();
    Ok(candidate_pairs_by_key(&present, params.bands as usize, max_bucket, |i, band| {
        params.band_key(sigs[i as usize].borrow(), band)
    }))
}

/// [`candidate_pairs`] over the items of `present` (ascending), where `key(i, band)` is the key
/// of band `band` (below `bands`) of item `i`: the same pairs as `candidate_pairs` over
/// signatures with those band keys, for callers that keep band keys instead of signatures.
pub(crate) fn candidate_pairs_by_key(
    present: &[u32],
    bands: usize,
    max_bucket: usize,
    key: impl Fn(u32, usize) -> u64 + Sync,
) -> Vec<(u32, u32)> {
    let max_bucket = max_bucket.max(2);
    let bands: Vec<usize> = (0..bands).collect();
    let mut all: Vec<(u32, u32)> = Vec::new();
    // Bands a few at a time: their keys are read in one pass over the positions (neighbouring
    // keys of a position share a cache line), then each band is sorted and cut into buckets on
    // its own worker.
    let per_pass = crate::par::threads().max(1).next_multiple_of(KEYS_PER_PASS);
    for group in bands.chunks(per_pass) {
        // Per band: (key, position) of every position, then the band's pairs.
        let mut tables: Vec<BandPass> = group.iter().map(|_| (Vec::with_capacity(present.len()), Vec::new())).collect();
        for &i in present {
            for ((table, _), &band) in tables.iter_mut().zip(group) {
                table.push((key(i, band), i));
            }
        }
        crate::par::for_each_heavy_mut(&mut tables, |_, (table, pairs)| {
            table.sort_unstable();
            for bucket in table.chunk_by(|x, y| x.0 == y.0) {
                for (x, &(_, i)) in bucket.iter().enumerate().skip(1) {
                    // `x < bucket.len()`.
                    for &(_, j) in &bucket[..x.min(max_bucket)] {
                        pairs.push((j, i));
                    }
                }
            }
            *table = Vec::new();
            // A position is in one bucket per band, so the band's pairs are distinct.
            pairs.sort_unstable();
        });
        for (_, pairs) in tables {
            all = merge_sorted(all, pairs);
        }
    }
    all
}

/// One band's `(key, position)` table and pairs in [`candidate_pairs_by_key`].
type BandPass = (Vec<(u64, u32)>, Vec<(u32, u32)>);

/// Band keys read together per position in [`candidate_pairs_by_key`] (at least).
const KEYS_PER_PASS: usize = 8;

/// The sorted union, without repeats, of two sorted lists without repeats.
fn merge_sorted<T: Ord + Copy>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    // Indexes are checked by the loop condition; afterwards `i <= a.len()` and `j <= b.len()`.
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::{MinHashConfig, MinHasher, Scheme};
    use crate::shingle::ShingleConfig;

    #[test]
    fn threshold_choices() {
        let p = BandingParams::from_threshold(0.5, 128).unwrap();
        assert_eq!(p.bands() * p.rows(), 128);
        assert!((p.effective_threshold() - 0.5).abs() < 0.2, "{p:?}");
        let hi = BandingParams::from_threshold(0.9, 128).unwrap();
        assert!(hi.rows() > p.rows());
        assert!(BandingParams::from_threshold(0.0, 128).is_err());
        assert!(BandingParams::from_threshold(1.5, 128).is_err());
        assert!(BandingParams::from_threshold(f64::NAN, 128).is_err());
        assert!(BandingParams::new(10, 10, 128).is_err());
        assert!(BandingParams::new(0, 128, 128).is_err());
    }

    /// Candidate rates for pairs of known Jaccard follow the S-curve.
    #[test]
    fn candidate_rate_follows_s_curve() {
        let config =
            MinHashConfig { num_hashes: 64, seed: 3, scheme: Scheme::OnePermutation, shingle: ShingleConfig::words(1) };
        let h = MinHasher::new(config).unwrap();
        let params = BandingParams::new(16, 4, 64).unwrap();
        for &(common, only) in &[(100usize, 100usize), (150, 25), (60, 120), (190, 5)] {
            let j = common as f64 / (common + 2 * only) as f64;
            let trials = 400;
            let mut hits = 0;
            for t in 0..trials {
                let g = |i: usize| xxh3_64_with_seed(&(i as u64).to_le_bytes(), 1000 + t as u64);
                let a: Vec<u64> = (0..common + only).map(g).collect();
                let b: Vec<u64> = (0..common).chain(common + only..common + 2 * only).map(g).collect();
                let sigs = vec![h.sign_hashes(&a), h.sign_hashes(&b)];
                if !candidate_pairs(&sigs, params, 100).unwrap().is_empty() {
                    hits += 1;
                }
            }
            let rate = hits as f64 / trials as f64;
            let expected = params.candidate_probability(j);
            let sd = (expected * (1.0 - expected) / trials as f64).sqrt();
            // The estimator's own variance widens the curve a little: allow 4 sd plus 0.06.
            assert!((rate - expected).abs() < 4.0 * sd + 0.06, "J={j}: rate {rate} expected {expected}");
        }
    }

    #[test]
    fn index_insert_query_remove() {
        let h = MinHasher::new(MinHashConfig { shingle: ShingleConfig::words(1), ..MinHashConfig::default() }).unwrap();
        let mut idx = MinHashIndex::new(BandingParams::new(32, 4, 128).unwrap());
        let a = h.sign("alpha beta gamma delta epsilon zeta eta theta");
        let b = h.sign("alpha beta gamma delta epsilon zeta eta iota");
        idx.insert_batch(&[(1, &a), (2, &b)]).unwrap();
        assert_eq!(idx.query(&a).unwrap(), vec![1, 2]);
        assert!(idx.remove(2, &b).unwrap());
        assert_eq!(idx.query(&a).unwrap(), vec![1]);
        assert_eq!(idx.len(), 1);
        let other =
            MinHasher::new(MinHashConfig { seed: 9, shingle: ShingleConfig::words(1), ..MinHashConfig::default() })
                .unwrap();
        assert!(idx.query(&other.sign("alpha")).is_err());
    }

    /// The flat index and the batch pairs agree with comparing every pair of bands, also after
    /// removals that shrink multi-member buckets back to single slots.
    #[test]
    fn index_and_pairs_match_brute_force() {
        let config = MinHashConfig { num_hashes: 32, shingle: ShingleConfig::words(1), ..MinHashConfig::default() };
        let h = MinHasher::new(config).unwrap();
        let params = BandingParams::new(16, 2, 32).unwrap();
        // Texts over a tiny vocabulary, so that many bands collide.
        let n = 60usize;
        let texts: Vec<String> = (0..n)
            .map(|i| (0..4).map(|k| format!("w{}", (i * 7 + k * k * 3) % 9)).collect::<Vec<_>>().join(" "))
            .collect();
        let sigs: Vec<MinHashSignature> = texts.iter().map(|t| h.sign(t)).collect();
        let shares = |a: &MinHashSignature, b: &MinHashSignature| {
            a.values().chunks(2).zip(b.values().chunks(2)).any(|(x, y)| x == y)
        };
        let expected_pairs: Vec<(u32, u32)> = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .filter(|&(i, j)| shares(&sigs[i], &sigs[j]))
            .map(|(i, j)| (i as u32, j as u32))
            .collect();
        assert!(expected_pairs.len() > n, "the test needs collisions");
        assert_eq!(candidate_pairs(&sigs, params, 1000).unwrap(), expected_pairs);

        let mut idx = MinHashIndex::new(params);
        let items: Vec<(u32, &MinHashSignature)> = sigs.iter().enumerate().map(|(i, s)| (i as u32, s)).collect();
        idx.insert_batch(&items[..n / 2]).unwrap();
        for (k, s) in &items[n / 2..] {
            idx.insert(*k, s).unwrap();
        }
        for i in (0..n).step_by(3) {
            assert!(idx.remove(i as u32, &sigs[i]).unwrap());
        }
        assert_eq!(idx.len(), n - n.div_ceil(3));
        let refs: Vec<&MinHashSignature> = sigs.iter().collect();
        let batch = idx.query_batch(&refs).unwrap();
        for (q, s) in sigs.iter().enumerate() {
            let expected: Vec<u32> = (0..n).filter(|&i| i % 3 != 0 && shares(s, &sigs[i])).map(|i| i as u32).collect();
            assert_eq!(idx.query(s).unwrap(), expected, "query {q}");
            assert_eq!(batch[q], expected);
        }
    }

    #[test]
    fn large_buckets_stay_linear() {
        let h = MinHasher::new(MinHashConfig::default()).unwrap();
        let sigs: Vec<_> = (0..500).map(|_| h.sign("the same template text on every page of the site")).collect();
        let pairs = candidate_pairs(&sigs, BandingParams::new(32, 4, 128).unwrap(), 10).unwrap();
        assert!(pairs.len() < 500 * 10);
        // Every member is linked to the first.
        assert!((1..500).all(|i| pairs.binary_search(&(0, i)).is_ok()));
    }
}
