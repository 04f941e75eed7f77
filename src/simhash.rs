//! The SimHash layer: 64-bit fingerprints whose Hamming distance falls as texts overlap more
//! (Charikar 2002; Manku, Jain and Das Sarma 2007).
//!
//! Each feature (a shingle hash) votes on each of the 64 bits with its weight: `+w` where its
//! hash has the bit set, `-w` where not. The fingerprint keeps the bits with a positive total.
//! By default the weight of a feature is its count in the text.
//!
//! # Example
//!
//! ```
//! use reprint::simhash::{SimHashConfig, SimHasher};
//!
//! # fn main() -> reprint::Result<()> {
//! let hasher = SimHasher::new(SimHashConfig::default())?;
//! let a = hasher.sign("Fresh gunfire reported in Karabakh despite truce, officials in the region said on Thursday");
//! let b = hasher.sign("Fresh gunfire reported in Karabakh despite the truce, officials in the region said Thursday");
//! let c = hasher.sign("Shares in the bank rose sharply after the quarterly results beat forecasts");
//! assert!(a.hamming(&b)? < a.hamming(&c)?);
//! # Ok(())
//! # }
//! ```

use crate::error::{Error, Result};
use crate::shingle::{ShingleBuffer, ShingleConfig, Shingler};

/// How much each feature's vote counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Weighting {
    /// The feature's number of occurrences in the text.
    #[default]
    TermCount,
    /// Every distinct feature counts once.
    Uniform,
}

/// Everything that determines a SimHash. A small `Copy` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimHashConfig {
    /// Seed of the feature hashes.
    pub seed: u64,
    /// The features.
    pub shingle: ShingleConfig,
    /// Feature weights.
    pub weighting: Weighting,
}

impl Default for SimHashConfig {
    /// Word 3-grams weighted by count, seed 0.
    fn default() -> SimHashConfig {
        SimHashConfig { seed: 0, shingle: ShingleConfig::words(3), weighting: Weighting::TermCount }
    }
}

/// A 64-bit SimHash and the parameters it was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimHash {
    config: SimHashConfig,
    bits: u64,
    empty: bool,
}

impl SimHash {
    /// The fingerprint bits.
    pub fn bits(&self) -> u64 {
        self.bits
    }

    /// The configuration.
    pub fn config(&self) -> &SimHashConfig {
        &self.config
    }

    /// Whether the text had no feature.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// Number of differing bits, 0 to 64. An empty fingerprint is at distance 64 from
    /// everything.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if the fingerprints were
    /// built with different configurations.
    pub fn hamming(&self, other: &SimHash) -> Result<u32> {
        if self.config != other.config {
            return Err(Error::incompatible(format!(
                "cannot compare SimHashes built with {:?} and {:?}",
                self.config, other.config
            )));
        }
        Ok(self.hamming_unchecked(other))
    }

    #[inline]
    pub(crate) fn hamming_unchecked(&self, other: &SimHash) -> u32 {
        if self.empty || other.empty { 64 } else { (self.bits ^ other.bits).count_ones() }
    }

    /// `1 - hamming / 64`.
    ///
    /// # Errors
    ///
    /// As [`hamming`](Self::hamming).
    pub fn similarity(&self, other: &SimHash) -> Result<f64> {
        Ok(1.0 - f64::from(self.hamming(other)?) / 64.0)
    }
}

/// Computes [`SimHash`]es under one configuration.
#[derive(Clone, Debug)]
pub struct SimHasher {
    config: SimHashConfig,
    shingler: Shingler,
}

impl SimHasher {
    /// A hasher for `config`.
    ///
    /// # Errors
    ///
    /// As [`ShingleConfig::validate`].
    pub fn new(config: SimHashConfig) -> Result<SimHasher> {
        let shingler = Shingler::new(config.shingle, config.seed)?;
        Ok(SimHasher { config, shingler })
    }

    /// The configuration.
    pub fn config(&self) -> &SimHashConfig {
        &self.config
    }

    /// The fingerprint of `text`.
    pub fn sign(&self, text: &str) -> SimHash {
        self.sign_with(text, &mut ShingleBuffer::new())
    }

    /// The fingerprint of `text`, reusing `buf` so that repeated calls do not allocate.
    pub fn sign_with(&self, text: &str, buf: &mut ShingleBuffer) -> SimHash {
        let mut counter = BitCounter::default();
        match self.config.weighting {
            Weighting::TermCount => self.shingler.for_each_hash(text, buf, |h| counter.add(h)),
            Weighting::Uniform => {
                let mut set = Vec::new();
                self.shingler.for_each_hash(text, buf, |h| set.push(h));
                set.sort_unstable();
                set.dedup();
                set.iter().for_each(|&h| counter.add(h));
            }
        }
        counter.finish(self.config)
    }

    /// The fingerprint of features with explicit weights (for example shingle hashes weighted by
    /// inverse document frequency). Features with a weight that is not finite and positive are
    /// ignored.
    pub fn sign_weighted(&self, features: impl IntoIterator<Item = (u64, f64)>) -> SimHash {
        let mut acc = Accumulator::default();
        for (h, w) in features {
            if w.is_finite() && w > 0.0 {
                acc.add(h, w);
            }
        }
        acc.finish(self.config)
    }

    /// Fingerprints of many texts, in parallel with the `parallel` feature.
    pub fn sign_batch<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Vec<SimHash> {
        crate::par::map_with(texts, ShingleBuffer::new, |buf, t| self.sign_with(t.as_ref(), buf))
    }
}

/// Weighted votes per bit, for [`SimHasher::sign_weighted`].
struct Accumulator {
    votes: [f64; 64],
    any: bool,
}

impl Default for Accumulator {
    fn default() -> Accumulator {
        Accumulator { votes: [0.0; 64], any: false }
    }
}

impl Accumulator {
    #[inline]
    fn add(&mut self, h: u64, w: f64) {
        self.any = true;
        for (b, v) in self.votes.iter_mut().enumerate() {
            // Branch-free: +w if the bit is set, -w if not.
            let sign = (((h >> b) & 1) as f64) * 2.0 - 1.0;
            *v += sign * w;
        }
    }

    fn finish(self, config: SimHashConfig) -> SimHash {
        let mut bits = 0u64;
        for (b, &v) in self.votes.iter().enumerate() {
            if v > 0.0 {
                bits |= 1 << b;
            }
        }
        SimHash { config, bits, empty: !self.any }
    }
}

/// `SPREAD[x]` has byte `i` equal to bit `i` of `x`.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut x = 0;
    while x < 256 {
        let mut i = 0;
        while i < 8 {
            t[x] |= (((x >> i) & 1) as u64) << (8 * i);
            i += 1;
        }
        x += 1;
    }
    t
};

/// Counts, for each of the 64 bits, how many added hashes have it set: the unit-weight votes
/// of SimHash (a bit is kept when set in more than half of the features, which is the sign of
/// `+1`/`-1` votes).
///
/// Bit-sliced: eight `u64` lanes hold one 8-bit counter per bit (lane `b`, byte `i` counts bit
/// `8b + i`); adding a hash is eight table lookups and additions instead of 64 updates, and the
/// byte counters are flushed into 64-bit totals every 255 hashes, before they can overflow.
///
/// No addition overflows: a byte counter holds at most 255 (so no carry leaves its byte), and
/// every total is at most `count`, the number of hashes added, which stays far below 2^64.
struct BitCounter {
    lanes: [u64; 8],
    pending: u32,
    totals: [u64; 64],
    count: u64,
}

impl Default for BitCounter {
    fn default() -> BitCounter {
        BitCounter { lanes: [0; 8], pending: 0, totals: [0; 64], count: 0 }
    }
}

impl BitCounter {
    #[inline]
    fn add(&mut self, h: u64) {
        for (b, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[((h >> (8 * b)) & 0xff) as usize];
        }
        self.count += 1;
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (b, lane) in self.lanes.iter_mut().enumerate() {
            // `8 * b + i < 64`.
            for i in 0..8 {
                self.totals[8 * b + i] += (*lane >> (8 * i)) & 0xff;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    fn finish(mut self, config: SimHashConfig) -> SimHash {
        self.flush();
        let mut bits = 0u64;
        for (b, &t) in self.totals.iter().enumerate() {
            // Votes `t - (count - t) > 0`, with `t <= count`.
            if t > self.count - t {
                bits |= 1 << b;
            }
        }
        SimHash { config, bits, empty: self.count == 0 }
    }
}

#[cfg(test)]
impl SimHash {
    pub(crate) fn from_bits_for_test(like: SimHash, bits: u64) -> SimHash {
        SimHash { bits, ..like }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::splitmix;

    /// The bit-sliced counter gives the same bits as unit-weight floating-point votes.
    #[test]
    fn bit_counter_matches_votes() {
        for n in [0usize, 1, 2, 3, 254, 255, 256, 600] {
            let config = SimHashConfig::default();
            let mut counter = BitCounter::default();
            let mut acc = Accumulator::default();
            for i in 0..n {
                // Biased bits, so that some totals sit near the majority line.
                let h = splitmix(i as u64) & splitmix(!(i as u64)) | (i as u64 & 3);
                counter.add(h);
                acc.add(h, 1.0);
            }
            assert_eq!(counter.finish(config), acc.finish(config), "{n}");
        }
    }

    #[test]
    fn identical_texts_are_at_distance_zero() {
        let h = SimHasher::new(SimHashConfig::default()).unwrap();
        let t = "a fairly long sentence about nothing in particular at all";
        assert_eq!(h.sign(t).hamming(&h.sign(t)).unwrap(), 0);
        assert_eq!(h.sign("").hamming(&h.sign("")).unwrap(), 64);
    }

    #[test]
    fn different_configs_are_incompatible() {
        let a = SimHasher::new(SimHashConfig::default()).unwrap().sign("x y z");
        let c = SimHashConfig { seed: 5, ..SimHashConfig::default() };
        let b = SimHasher::new(c).unwrap().sign("x y z");
        assert!(a.hamming(&b).is_err());
    }

    /// Distance falls as overlap rises: averaged over many random texts, texts sharing more
    /// words are closer.
    #[test]
    fn distance_falls_as_overlap_rises() {
        let c = SimHashConfig { shingle: ShingleConfig::words(1), ..SimHashConfig::default() };
        let h = SimHasher::new(c).unwrap();
        let word = |i: usize| format!("w{i}");
        let mut means = Vec::new();
        for shared in [0usize, 50, 100, 150, 190] {
            let mut total = 0u32;
            for t in 0..40 {
                let base = t * 1000;
                let a: Vec<String> = (0..200).map(|i| word(base + i)).collect();
                let b: Vec<String> =
                    (0..200).map(|i| if i < shared { word(base + i) } else { word(base + 500 + i) }).collect();
                total += h.sign(&a.join(" ")).hamming(&h.sign(&b.join(" "))).unwrap();
            }
            means.push(f64::from(total) / 40.0);
        }
        assert!(means.windows(2).all(|w| w[1] < w[0]), "{means:?}");
        assert!(means[0] > 25.0 && means[4] < 8.0, "{means:?}");
    }
}
