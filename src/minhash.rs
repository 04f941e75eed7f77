//! The MinHash layer: signatures whose agreement estimates Jaccard similarity.
//!
//! Two schemes are provided:
//! - [`Scheme::Classic`]: `k` independent hash functions, the minimum of each over the shingle
//!   set. The textbook estimator and this crate's reference, at `k` hashes per shingle.
//! - [`Scheme::OnePermutation`] (the default): one-permutation hashing with optimal
//!   densification (Shrivastava, ICML 2017). Each shingle is hashed once and falls into one of
//!   `k` bins; empty bins borrow the value of a non-empty bin chosen by a fixed hash sequence.
//!   The estimator is unbiased and its variance matches the classic one (checked against exact
//!   Jaccard by the property tests) at one hash per shingle.
//!
//! A [`MinHashSignature`] carries every parameter it was built with; comparing signatures
//! built with different parameters is an [`ErrorKind::Incompatible`](crate::ErrorKind) error.
//!
//! # Example
//!
//! ```
//! use reprint::minhash::{MinHashConfig, MinHasher};
//!
//! # fn main() -> reprint::Result<()> {
//! let hasher = MinHasher::new(MinHashConfig::default())?;
//! let a = hasher.sign("Armenian forces accused Azerbaijan of breaking a ceasefire brokered by Russia on Thursday");
//! let b = hasher.sign("Armenian forces accused Azerbaijan of breaking a ceasefire brokered by Russia on Friday");
//! let j = a.jaccard(&b)?;
//! assert!(j > 0.5 && j < 1.0);
//! # Ok(())
//! # }
//! ```

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{Error, Result};
use crate::shingle::{ShingleBuffer, ShingleConfig, Shingler, splitmix};

/// Version of the signature format: bumped whenever any hash value would change.
pub const FORMAT_VERSION: u32 = 1;

/// How a MinHash signature is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Scheme {
    /// `k` independent hash functions (seeded xxh3), the minimum of each: the reference.
    Classic,
    /// One-permutation hashing with optimal densification: one hash per shingle.
    #[default]
    OnePermutation,
}

/// Everything that determines a MinHash signature. A small `Copy` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MinHashConfig {
    /// Number of hash values in a signature (`k`).
    pub num_hashes: u32,
    /// Seed of every hash.
    pub seed: u64,
    /// The scheme.
    pub scheme: Scheme,
    /// What is shingled.
    pub shingle: ShingleConfig,
}

impl Default for MinHashConfig {
    /// 128 hashes, seed 0, one-permutation hashing, word 5-grams.
    fn default() -> MinHashConfig {
        MinHashConfig { num_hashes: 128, seed: 0, scheme: Scheme::OnePermutation, shingle: ShingleConfig::default() }
    }
}

/// The largest number of hashes accepted.
pub const MAX_HASHES: u32 = 1 << 16;

impl MinHashConfig {
    /// Checks that the configuration makes sense.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for zero hashes, more than
    /// [`MAX_HASHES`], or an invalid shingle configuration.
    pub fn validate(&self) -> Result<()> {
        if self.num_hashes == 0 {
            return Err(Error::config("num_hashes must be at least 1 (128 is the usual choice)"));
        }
        if self.num_hashes > MAX_HASHES {
            return Err(Error::config(format!("num_hashes {} is above the maximum of {MAX_HASHES}", self.num_hashes)));
        }
        self.shingle.validate()
    }
}

/// The parameters a signature was built with, including the format version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SignatureParams {
    /// The configuration.
    pub config: MinHashConfig,
    /// [`FORMAT_VERSION`] at the time of building.
    pub format_version: u32,
}

/// A MinHash signature: `k` 32-bit values and the parameters they were built with.
///
/// Values are the low 32 bits of 64-bit minima; two different minima agree on them with
/// probability 2^-32, far below the estimator's own error.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MinHashSignature {
    params: SignatureParams,
    values: Box<[u32]>,
    empty: bool,
}

impl MinHashSignature {
    /// The parameters.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// The hash values.
    pub fn values(&self) -> &[u32] {
        &self.values
    }

    /// Whether the text had no shingle at all (an empty or whitespace-only text). Empty
    /// signatures are similar to nothing, themselves included.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// Rebuilds a signature from its parts (for example after deserializing).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Format`](crate::ErrorKind::Format) if the number of values is not the
    /// configured number of hashes, or the format version is not [`FORMAT_VERSION`].
    pub fn from_parts(params: SignatureParams, values: Vec<u32>, empty: bool) -> Result<MinHashSignature> {
        if params.format_version != FORMAT_VERSION {
            return Err(Error::format(format!(
                "signature format version {} is not the supported version {FORMAT_VERSION}",
                params.format_version
            )));
        }
        params.config.validate()?;
        if values.len() != params.config.num_hashes as usize {
            return Err(Error::format(format!(
                "signature has {} values but its parameters say {}",
                values.len(),
                params.config.num_hashes
            )));
        }
        Ok(MinHashSignature { params, values: values.into_boxed_slice(), empty })
    }

    /// Checks that `other` was built with the same parameters.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) naming the first difference.
    pub fn check_compatible(&self, other: &MinHashSignature) -> Result<()> {
        let (a, b) = (&self.params, &other.params);
        if a == b {
            return Ok(());
        }
        let what = if a.format_version != b.format_version {
            format!("format versions {} and {}", a.format_version, b.format_version)
        } else if a.config.num_hashes != b.config.num_hashes {
            format!("{} and {} hashes", a.config.num_hashes, b.config.num_hashes)
        } else if a.config.seed != b.config.seed {
            format!("seeds {} and {}", a.config.seed, b.config.seed)
        } else if a.config.scheme != b.config.scheme {
            format!("schemes {:?} and {:?}", a.config.scheme, b.config.scheme)
        } else {
            format!("shingles {:?} and {:?}", a.config.shingle, b.config.shingle)
        };
        Err(Error::incompatible(format!("cannot compare MinHash signatures built with {what}")))
    }

    /// Estimated Jaccard similarity of the two shingle sets: the fraction of agreeing values.
    /// An empty signature has similarity 0 with everything.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if the signatures were built
    /// with different parameters.
    pub fn jaccard(&self, other: &MinHashSignature) -> Result<f64> {
        self.check_compatible(other)?;
        Ok(self.jaccard_unchecked(other))
    }

    /// [`jaccard`](Self::jaccard) for signatures already known to be compatible.
    #[inline]
    pub(crate) fn jaccard_unchecked(&self, other: &MinHashSignature) -> f64 {
        if self.empty || other.empty {
            return 0.0;
        }
        let equal: usize = self.values.iter().zip(other.values.iter()).map(|(a, b)| usize::from(a == b)).sum();
        equal as f64 / self.values.len() as f64
    }
}

/// Computes [`MinHashSignature`]s under one [`MinHashConfig`].
#[derive(Clone, Debug)]
pub struct MinHasher {
    config: MinHashConfig,
    shingler: Shingler,
    /// Seeds of the classic scheme's hash functions.
    seeds: Box<[u64]>,
    /// Densification of one-permutation signatures.
    densifier: Densifier,
}

impl MinHasher {
    /// A hasher for `config`.
    ///
    /// # Errors
    ///
    /// As [`MinHashConfig::validate`].
    pub fn new(config: MinHashConfig) -> Result<MinHasher> {
        config.validate()?;
        let shingler = Shingler::new(config.shingle, config.seed)?;
        let seeds = match config.scheme {
            Scheme::Classic => (0..config.num_hashes as u64)
                .map(|i| xxh3_64_with_seed(&i.to_le_bytes(), config.seed ^ 0x434C_4153_5349_4321))
                .collect(),
            Scheme::OnePermutation => Box::default(),
        };
        let densifier = match config.scheme {
            Scheme::OnePermutation => Densifier::new(config.seed, config.num_hashes as usize),
            Scheme::Classic => Densifier { key: 0, steps: Box::default() },
        };
        Ok(MinHasher { config, shingler, seeds, densifier })
    }

    /// The configuration.
    pub fn config(&self) -> &MinHashConfig {
        &self.config
    }

    /// The shingler this hasher uses.
    pub fn shingler(&self) -> &Shingler {
        &self.shingler
    }

    /// The signature of `text`.
    pub fn sign(&self, text: &str) -> MinHashSignature {
        self.sign_with(text, &mut SignBuffer::new())
    }

    /// The signature of `text`, reusing `buf` so that repeated calls allocate only the result.
    pub fn sign_with(&self, text: &str, buf: &mut SignBuffer) -> MinHashSignature {
        let SignBuffer { shingles, mins, empty, .. } = buf;
        let mut sketch = Sketch::new(self, mins, empty);
        self.shingler.for_each_hash(text, shingles, |h| sketch.add(h));
        sketch.finish()
    }

    /// The signature of a text already normalized with [`Normalizer`](crate::text::Normalizer):
    /// the same value as [`sign_with`](Self::sign_with) on the raw text, for callers that need
    /// the normalized text anyway and normalize once.
    ///
    /// # Example
    ///
    /// ```
    /// use reprint::minhash::{MinHashConfig, MinHasher, SignBuffer};
    /// use reprint::text::Normalizer;
    ///
    /// # fn main() -> reprint::Result<()> {
    /// let hasher = MinHasher::new(MinHashConfig::default())?;
    /// let raw = "Talks on the region's future were held in the town of Yevlakh on Thursday.";
    /// let mut buf = SignBuffer::new();
    /// let normalized = Normalizer::new().normalize(raw);
    /// assert_eq!(hasher.sign_normalized_with(&normalized, &mut buf), hasher.sign(raw));
    /// # Ok(())
    /// # }
    /// ```
    pub fn sign_normalized_with(&self, normalized: &str, buf: &mut SignBuffer) -> MinHashSignature {
        let SignBuffer { shingles, mins, empty, .. } = buf;
        let mut sketch = Sketch::new(self, mins, empty);
        self.shingler.for_each_hash_of_normalized(normalized, shingles, |h| sketch.add(h));
        sketch.finish()
    }

    /// Starts a signature of word shingles fed token by token ([`push_token`](Self::push_token)),
    /// for a caller that cuts the normalized text into words itself. Only for hashers of word
    /// shingles ([`ShingleUnit::Words`](crate::shingle::ShingleUnit::Words)).
    pub(crate) fn start_tokens(&self, buf: &mut SignBuffer) {
        Sketch::new(self, &mut buf.mins, &mut buf.empty);
        buf.any = false;
        self.shingler.start_tokens(&mut buf.shingles);
    }

    /// Adds the next word of the normalized text (see [`Shingler::push_token`]).
    #[inline(always)]
    pub(crate) fn push_token(&self, buf: &mut SignBuffer, token: &str, padded: &[u8]) {
        let SignBuffer { shingles, mins, empty, any } = buf;
        let mut sketch = Sketch { hasher: self, mins, empty, any: *any };
        self.shingler.push_token(shingles, token, padded, |h| sketch.add(h));
        *any = sketch.any;
    }

    /// The signature of the words fed since [`start_tokens`](Self::start_tokens): the
    /// signature of the text whose normalized form has exactly those words.
    pub(crate) fn finish_tokens(&self, buf: &mut SignBuffer) -> MinHashSignature {
        let SignBuffer { shingles, mins, empty, any } = buf;
        let mut sketch = Sketch { hasher: self, mins, empty, any: *any };
        self.shingler.finish_tokens(shingles, |h| sketch.add(h));
        sketch.finish()
    }

    /// The signature of a set of pre-computed shingle hashes (for example from
    /// [`Shingler::set`]); repeats do not change the result.
    pub fn sign_hashes(&self, hashes: &[u64]) -> MinHashSignature {
        self.sign_hashes_with(hashes, &mut SignBuffer::new())
    }

    /// [`sign_hashes`](Self::sign_hashes), reusing `buf` so that repeated calls allocate only
    /// the result.
    pub fn sign_hashes_with(&self, hashes: &[u64], buf: &mut SignBuffer) -> MinHashSignature {
        let mut sketch = Sketch::new(self, &mut buf.mins, &mut buf.empty);
        for &h in hashes {
            sketch.add(h);
        }
        sketch.finish()
    }

    /// Signatures of many texts, in parallel with the `parallel` feature; the same output, in
    /// input order, either way.
    pub fn sign_batch<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Vec<MinHashSignature> {
        crate::par::map_with(texts, SignBuffer::new, |buf, t| self.sign_with(t.as_ref(), buf))
    }
}

/// One signature being built: the running minima and whether any shingle arrived.
struct Sketch<'a> {
    hasher: &'a MinHasher,
    mins: &'a mut Vec<u64>,
    /// Scratch space for the positions of empty bins.
    empty: &'a mut Vec<u32>,
    any: bool,
}

impl<'a> Sketch<'a> {
    #[inline]
    fn new(hasher: &'a MinHasher, mins: &'a mut Vec<u64>, empty: &'a mut Vec<u32>) -> Sketch<'a> {
        mins.clear();
        mins.resize(hasher.config.num_hashes as usize, u64::MAX);
        Sketch { hasher, mins, empty, any: false }
    }

    /// Adds one shingle hash.
    #[inline(always)]
    fn add(&mut self, h: u64) {
        self.any = true;
        match self.hasher.config.scheme {
            Scheme::OnePermutation => {
                // The high bits of `h` pick the bin (`bin < k` because `h < 2^64`); the same `h`
                // competes for the bin's minimum, branch-free.
                let bin = ((u128::from(h) * self.mins.len() as u128) >> 64) as usize;
                if let Some(slot) = self.mins.get_mut(bin) {
                    *slot = (*slot).min(h);
                }
            }
            Scheme::Classic => {
                let bytes = h.to_le_bytes();
                for (m, &s) in self.mins.iter_mut().zip(self.hasher.seeds.iter()) {
                    *m = (*m).min(xxh3_64_with_seed(&bytes, s));
                }
            }
        }
    }

    fn finish(self) -> MinHashSignature {
        let hasher = self.hasher;
        let params = SignatureParams { config: hasher.config, format_version: FORMAT_VERSION };
        let mins = &self.mins[..];
        if !self.any {
            return MinHashSignature { params, values: vec![u32::MAX; mins.len()].into_boxed_slice(), empty: true };
        }
        let mut values = Vec::with_capacity(mins.len());
        if hasher.config.scheme == Scheme::OnePermutation {
            hasher.densifier.densify_into(mins, self.empty, &mut values);
        } else {
            // Truncation by design: values are the low 32 bits of the minima.
            values.extend(mins.iter().map(|&m| m as u32));
        }
        MinHashSignature { params, values: values.into_boxed_slice(), empty: false }
    }
}

/// Number of densification steps precomputed per bin (see [`Densifier`]).
const DENSIFY_STEPS: usize = 8;

/// Optimal densification (Shrivastava 2017): each empty bin `i` takes the value of the first
/// non-empty bin in the sequence `h(i, 1), h(i, 2), ...`, a sequence that depends only on `i`
/// and the seed, so two sets borrow from the same bins wherever both are empty. `h(i, t)` is
/// SplitMix64 of `key + i · 2^32 + t` (a bijection, so every sequence is a fresh pseudo-random
/// walk over the bins), mapped to a bin by its high bits.
///
/// The first [`DENSIFY_STEPS`] bins of every sequence are computed once per hasher (for up to
/// 8192 bins), so densifying a signature mostly costs table lookups; later steps, needed only
/// when most bins are empty, are computed as they come.
#[derive(Clone, Debug)]
struct Densifier {
    key: u64,
    /// `steps[i * DENSIFY_STEPS + t - 1]` is `h(i, t)`'s bin; empty when `k > 8192`.
    steps: Box<[u16]>,
}

impl Densifier {
    fn new(seed: u64, k: usize) -> Densifier {
        let key = splitmix(seed ^ 0x4445_4E53_4946_5921);
        let steps = if k <= 8192 {
            // `bin < k <= 8192`, so it fits a `u16`.
            (0..k).flat_map(|i| (1..=DENSIFY_STEPS as u64).map(move |t| Densifier::bin(key, i, t, k) as u16)).collect()
        } else {
            Box::default()
        };
        Densifier { key, steps }
    }

    /// The bin of `h(i, t)` among `k`.
    #[inline]
    fn bin(key: u64, i: usize, t: u64, k: usize) -> usize {
        let h = splitmix(key.wrapping_add((i as u64) << 32).wrapping_add(t));
        ((u128::from(h) * k as u128) >> 64) as usize
    }

    /// Writes the signature values of `mins` (at least one bin filled) to `out`, using `empty`
    /// as scratch space.
    ///
    /// The values of all bins are copied (a loop that vectorizes), the positions of the empty
    /// bins are compacted into `empty` without branches, and each empty bin walks its
    /// precomputed steps until one lands on a filled bin. The walk stops at the first hit:
    /// reading all eight steps with conditional moves instead cost twice as much on the news
    /// corpus, whose many short texts leave many bins empty. Only when all eight are empty
    /// (most bins empty) are further steps computed.
    fn densify_into(&self, mins: &[u64], empty: &mut Vec<u32>, out: &mut Vec<u32>) {
        let start = out.len();
        out.extend(mins.iter().map(|&m| m as u32));
        let k = mins.len();
        empty.clear();
        empty.resize(k, 0);
        let mut count = 0usize;
        // `count <= i < k = empty.len()`, and `k <= MAX_HASHES` (validated), so `i` fits a `u32`.
        for (i, &m) in mins.iter().enumerate() {
            empty[count] = i as u32;
            count += usize::from(m == u64::MAX);
        }
        if count == 0 || count == k {
            return;
        }
        // `count < k` here, so `count + 1 <= k`; `out[start..]` and `empty[..count]` below are in
        // bounds because `start` was `out.len()` and `count <= k`.
        if count + 1 == k {
            // One filled bin (a text with a single shingle, as every text shorter than the shingle
            // size has): every walk ends there, so skip k - 1 walks of about k steps each.
            if let Some(&m) = mins.iter().find(|&&m| m != u64::MAX) {
                out[start..].fill(m as u32);
            }
            return;
        }
        let values = &mut out[start..];
        for &i in &empty[..count] {
            let i = i as usize;
            let mut v = u64::MAX;
            if let Some(steps) = self.steps.get(i * DENSIFY_STEPS..(i + 1) * DENSIFY_STEPS) {
                for &j in steps {
                    let c = mins.get(usize::from(j)).copied().unwrap_or(u64::MAX);
                    if c != u64::MAX {
                        v = c;
                        break;
                    }
                }
            }
            let mut t = if self.steps.is_empty() { 1 } else { DENSIFY_STEPS as u64 + 1 };
            // A bin is filled, so the walk ends after about `k / filled` steps: `t` stays far
            // from overflowing.
            while v == u64::MAX {
                v = mins.get(Densifier::bin(self.key, i, t, k)).copied().unwrap_or(u64::MAX);
                t += 1;
            }
            if let Some(slot) = values.get_mut(i) {
                *slot = v as u32;
            }
        }
    }
}

/// Reusable scratch space for [`MinHasher::sign_with`].
#[derive(Debug, Default, Clone)]
pub struct SignBuffer {
    shingles: ShingleBuffer,
    mins: Vec<u64>,
    empty: Vec<u32>,
    /// Whether a shingle arrived since [`MinHasher::start_tokens`].
    any: bool,
}

impl SignBuffer {
    /// An empty buffer.
    pub fn new() -> SignBuffer {
        SignBuffer::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::jaccard;
    use proptest::prelude::*;

    fn hasher(scheme: Scheme, k: u32, seed: u64) -> MinHasher {
        MinHasher::new(MinHashConfig { num_hashes: k, seed, scheme, shingle: ShingleConfig::words(1) }).unwrap()
    }

    #[test]
    fn incompatible_signatures_are_an_error() {
        let a = hasher(Scheme::OnePermutation, 64, 1).sign("a b c");
        let b = hasher(Scheme::OnePermutation, 64, 2).sign("a b c");
        let c = hasher(Scheme::Classic, 64, 1).sign("a b c");
        assert_eq!(a.jaccard(&b).unwrap_err().kind(), crate::ErrorKind::Incompatible);
        assert!(a.jaccard(&c).unwrap_err().to_string().contains("schemes"));
        assert_eq!(a.jaccard(&a).unwrap(), 1.0);
    }

    #[test]
    fn empty_texts_are_similar_to_nothing() {
        let h = hasher(Scheme::OnePermutation, 32, 0);
        let e = h.sign("  ");
        assert!(e.is_empty());
        assert_eq!(e.jaccard(&e).unwrap(), 0.0);
        assert_eq!(e.jaccard(&h.sign("x")).unwrap(), 0.0);
    }

    #[test]
    fn sign_and_sign_hashes_agree() {
        for scheme in [Scheme::Classic, Scheme::OnePermutation] {
            let h = hasher(scheme, 64, 9);
            let text = "one two three four two one five";
            assert_eq!(h.sign(text), h.sign_hashes(&h.shingler().set(text)));
        }
    }

    #[test]
    fn zero_hashes_refused() {
        let c = MinHashConfig { num_hashes: 0, ..MinHashConfig::default() };
        assert!(MinHasher::new(c).is_err());
    }

    /// Two random sets with a controlled overlap, as u64 hashes.
    fn set_pair() -> impl Strategy<Value = (Vec<u64>, Vec<u64>)> {
        (1usize..400, 0usize..400, 0usize..400, any::<u64>()).prop_map(|(common, only_a, only_b, seed)| {
            let hash = |i: u64| xxh3_64_with_seed(&i.to_le_bytes(), seed);
            let mut next = 0u64;
            let mut take = |n: usize| {
                (0..n)
                    .map(|_| {
                        next += 1;
                        hash(next)
                    })
                    .collect::<Vec<u64>>()
            };
            let c = take(common);
            let mut a = c.clone();
            a.extend(take(only_a));
            let mut b = c;
            b.extend(take(only_b));
            a.sort_unstable();
            b.sort_unstable();
            (a, b)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn estimates_within_four_standard_errors((a, b) in set_pair(), seed: u64) {
            let exact = jaccard(&a, &b);
            for scheme in [Scheme::Classic, Scheme::OnePermutation] {
                let h = hasher(scheme, 128, seed);
                let est = h.sign_hashes(&a).jaccard(&h.sign_hashes(&b)).unwrap();
                let se = (exact * (1.0 - exact) / 128.0).sqrt();
                // Near 0 or 1 the number of agreeing values is a skewed binomial (about Poisson
                // with mean 128 · J), whose tail reaches well past 4 normal standard errors:
                // allow 4 more agreements or disagreements there.
                prop_assert!((est - exact).abs() <= 4.0 * se + 4.0 / 128.0,
                    "{scheme:?}: estimate {est} exact {exact} se {se}");
            }
        }
    }

    /// Mean error over many random pairs is near zero for both schemes (no bias), also for
    /// small sets where most one-permutation bins are empty and densification does the work.
    #[test]
    fn estimators_are_unbiased() {
        for scheme in [Scheme::Classic, Scheme::OnePermutation] {
            for &(common, only) in &[(30usize, 30usize), (5, 20), (200, 50), (2, 2)] {
                let mut total = 0.0;
                let trials = 300;
                let mut exact = 0.0;
                for t in 0..trials {
                    let g = |i: usize| xxh3_64_with_seed(&(i as u64).to_le_bytes(), t as u64 * 7919);
                    let a: Vec<u64> = (0..common + only).map(g).collect();
                    let b: Vec<u64> = (0..common).chain(common + only..common + 2 * only).map(g).collect();
                    let (mut sa, mut sb) = (a.clone(), b.clone());
                    sa.sort_unstable();
                    sb.sort_unstable();
                    exact = jaccard(&sa, &sb);
                    let h = hasher(scheme, 64, t as u64);
                    total += h.sign_hashes(&a).jaccard(&h.sign_hashes(&b)).unwrap() - exact;
                }
                let mean_err = total / trials as f64;
                let se_of_mean = (exact * (1.0 - exact) / 64.0).sqrt() / (trials as f64).sqrt();
                assert!(
                    mean_err.abs() < 4.0 * se_of_mean + 0.005,
                    "{scheme:?} common {common} only {only}: mean error {mean_err}"
                );
            }
        }
    }
}
