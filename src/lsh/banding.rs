use std::collections::HashMap;

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
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) if either is zero or `bands × rows`
    /// is not `num_hashes`.
    pub fn new(bands: u32, rows: u32, num_hashes: u32) -> Result<BandingParams> {
        if bands == 0 || rows == 0 {
            return Err(Error::config("bands and rows must both be at least 1"));
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
    /// `num_hashes` is zero.
    pub fn from_threshold(threshold: f64, num_hashes: u32) -> Result<BandingParams> {
        BandingParams::from_threshold_weighted(threshold, num_hashes, 0.5, 0.5)
    }

    /// As [`from_threshold`](Self::from_threshold) with explicit weights on false positives and
    /// false negatives.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for a threshold outside (0, 1], zero
    /// hashes, or weights that are negative, not finite, or both zero.
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
        1.0 - (1.0 - j.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The similarity at which the candidate probability is steepest, about `(1/b)^(1/r)`.
    pub fn effective_threshold(&self) -> f64 {
        (1.0 / f64::from(self.bands)).powf(1.0 / f64::from(self.rows))
    }

    /// Band keys of `sig`, one per band, written into `out`.
    pub(crate) fn band_keys(&self, sig: &MinHashSignature, out: &mut Vec<u64>) {
        out.clear();
        let r = self.rows as usize;
        let mut bytes = Vec::with_capacity(r * 4);
        for (b, chunk) in sig.values().chunks_exact(r).enumerate() {
            bytes.clear();
            for v in chunk {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            out.push(xxh3_64_with_seed(&bytes, b as u64));
        }
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
/// Each band is a hash table from band key to the keys that have it.
#[derive(Clone, Debug)]
pub struct MinHashIndex {
    params: BandingParams,
    signature_params: Option<SignatureParams>,
    tables: Vec<HashMap<u64, Vec<u32>>>,
    len: usize,
}

impl MinHashIndex {
    /// An empty index.
    pub fn new(params: BandingParams) -> MinHashIndex {
        MinHashIndex { params, signature_params: None, tables: vec![HashMap::new(); params.bands as usize], len: 0 }
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
        self.len += 1;
        if sig.is_empty() {
            return Ok(());
        }
        let mut keys = Vec::new();
        self.params.band_keys(sig, &mut keys);
        self.insert_keys(key, &keys);
        Ok(())
    }

    fn insert_keys(&mut self, key: u32, band_keys: &[u64]) {
        for (table, &bk) in self.tables.iter_mut().zip(band_keys) {
            table.entry(bk).or_default().push(key);
        }
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
        let keys = crate::par::map_with(items, Vec::new, |buf: &mut Vec<u64>, (_, sig)| {
            if sig.is_empty() {
                Vec::new()
            } else {
                params.band_keys(sig, buf);
                buf.clone()
            }
        });
        for ((key, _), bk) in items.iter().zip(keys) {
            self.len += 1;
            self.insert_keys(*key, &bk);
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
        for (table, bk) in self.tables.iter_mut().zip(&keys) {
            if let Some(list) = table.get_mut(bk) {
                if let Some(pos) = list.iter().position(|&k| k == key) {
                    list.swap_remove(pos);
                    found = true;
                }
                if list.is_empty() {
                    table.remove(bk);
                }
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
        self.params.check(sig)?;
        if let Some(p) = &self.signature_params {
            if p != sig.params() {
                return Err(Error::incompatible("query signature parameters differ from the index's"));
            }
        }
        if sig.is_empty() {
            return Ok(Vec::new());
        }
        let mut keys = Vec::new();
        self.params.band_keys(sig, &mut keys);
        let mut out = Vec::new();
        for (table, bk) in self.tables.iter().zip(&keys) {
            if let Some(list) = table.get(bk) {
                out.extend_from_slice(list);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// [`query`](Self::query) for many signatures, in parallel with the `parallel` feature.
    ///
    /// # Errors
    ///
    /// As [`query`](Self::query).
    pub fn query_batch(&self, sigs: &[&MinHashSignature]) -> Result<Vec<Vec<u32>>> {
        crate::par::map(sigs, |s| self.query(s)).into_iter().collect()
    }
}

/// All pairs `(i, j)`, `i < j`, of signatures in `sigs` that share a band, sorted.
///
/// Built from flat tables: for each band, the `(band key, position)` pairs are sorted and every
/// run of equal keys is a bucket. A bucket larger than `max_bucket` (such as thousands of pages
/// sharing one template) contributes only links from each member to the bucket's first
/// `max_bucket` members, which keeps the output linear in the input while every member is still
/// linked to the bucket.
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
    let keys: Vec<Vec<u64>> = crate::par::map_with(sigs, Vec::new, |buf: &mut Vec<u64>, s| {
        let s = s.borrow();
        if s.is_empty() {
            Vec::new()
        } else {
            params.band_keys(s, buf);
            buf.clone()
        }
    });
    let bands: Vec<usize> = (0..params.bands as usize).collect();
    let max_bucket = max_bucket.max(2);
    let per_band: Vec<Vec<(u32, u32)>> = crate::par::map(&bands, |&b| {
        let mut table: Vec<(u64, u32)> =
            keys.iter().enumerate().filter(|(_, k)| !k.is_empty()).map(|(i, k)| (k[b], i as u32)).collect();
        table.sort_unstable();
        let mut pairs = Vec::new();
        let mut start = 0;
        while start < table.len() {
            let mut end = start + 1;
            while end < table.len() && table[end].0 == table[start].0 {
                end += 1;
            }
            let bucket = &table[start..end];
            for (x, &(_, i)) in bucket.iter().enumerate() {
                for &(_, j) in &bucket[..x.min(max_bucket)] {
                    pairs.push((j, i));
                }
            }
            start = end;
        }
        pairs
    });
    let mut all: Vec<(u32, u32)> = per_band.into_iter().flatten().collect();
    crate::par::sort_unstable(&mut all);
    all.dedup();
    Ok(all)
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
