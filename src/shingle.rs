//! The shingle layer: word and character n-grams hashed to `u64` with seeded xxh3.
//!
//! A [`Shingler`] turns a text into a stream of 64-bit shingle hashes. Word shingles hash each
//! token once and combine the token hashes of each n-gram with a rolling polynomial, finished by
//! one 128-bit multiply-fold, so no `String` is built per shingle. Character shingles hash each
//! window of `n` characters of the normalized text with seeded xxh3.
//!
//! Token hashes: a token of at most 16 bytes is read as two zero-padded little-endian words
//! `a`, `b` and hashed as `mum(mum(a ^ k0, b ^ k1) ^ len, k2)`, where `mum(x, y)` folds the
//! 128-bit product `x * y` into 64 bits (high half xor low half, as in wyhash) and `k0..k2`
//! are derived from the seed. On the hot path the words are loaded from the normalized text,
//! which is followed by 16 bytes of padding, so the hash has no branch on the token length.
//! Longer tokens (rare in prose) use seeded xxh3.
//!
//! Texts with fewer tokens than the shingle size give exactly one shingle (all their tokens),
//! so short texts are still comparable with texts equal to them and with nothing else; empty
//! texts give none.
//!
//! # Example
//!
//! ```
//! use reprint::shingle::{ShingleConfig, Shingler};
//!
//! # fn main() -> reprint::Result<()> {
//! let shingler = Shingler::new(ShingleConfig::words(2), 42)?;
//! let a = shingler.set("Fresh gunfire reported in Karabakh");
//! let b = shingler.set("Fresh gunfire reported in Karabakh despite truce");
//! assert_eq!(a.len(), 4);
//! assert!(a.iter().all(|h| b.contains(h)));
//! # Ok(())
//! # }
//! ```

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{Error, Result};
use crate::text::{Analyzer, Filter, Normalizer, Tokenizer};

/// The largest shingle size accepted.
pub const MAX_SHINGLE_SIZE: u32 = 64;

/// What a shingle is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ShingleUnit {
    /// n consecutive words (see [`Tokenizer::Words`]).
    Words,
    /// n consecutive characters of the normalized text, spaces included.
    Chars,
}

/// What to shingle: the unit, the n-gram size and a token filter. A small `Copy` value that
/// signatures record so that incompatible ones are never compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShingleConfig {
    unit: ShingleUnit,
    size: u32,
    filter: Filter,
}

impl ShingleConfig {
    /// Word n-grams of `n` words.
    pub fn words(n: u32) -> ShingleConfig {
        ShingleConfig { unit: ShingleUnit::Words, size: n, filter: Filter::None }
    }

    /// Character n-grams of `n` characters.
    pub fn chars(n: u32) -> ShingleConfig {
        ShingleConfig { unit: ShingleUnit::Chars, size: n, filter: Filter::None }
    }

    /// The same configuration with a token filter (word shingles only).
    pub fn with_filter(mut self, filter: Filter) -> ShingleConfig {
        self.filter = filter;
        self
    }

    /// The unit.
    pub fn unit(&self) -> ShingleUnit {
        self.unit
    }

    /// The n-gram size.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// The token filter.
    pub fn filter(&self) -> Filter {
        self.filter
    }

    /// The analyzer this configuration tokenizes with.
    pub fn analyzer(&self) -> Analyzer {
        let tokenizer = match self.unit {
            ShingleUnit::Words => Tokenizer::Words,
            ShingleUnit::Chars => Tokenizer::Chars,
        };
        Analyzer::new(tokenizer).with_filter(self.filter)
    }

    /// Checks that the configuration makes sense.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) if the size is 0 or above
    /// [`MAX_SHINGLE_SIZE`], or a filter is set on character shingles.
    pub fn validate(&self) -> Result<()> {
        if self.size == 0 {
            return Err(Error::config("shingle size must be at least 1 (try 1 to 5 words or 3 to 7 characters)"));
        }
        if self.size > MAX_SHINGLE_SIZE {
            return Err(Error::config(format!(
                "shingle size {} is above the maximum of {MAX_SHINGLE_SIZE}",
                self.size
            )));
        }
        if self.unit == ShingleUnit::Chars && self.filter != Filter::None {
            return Err(Error::config(
                "token filters apply to word shingles only; use Filter::None with character shingles",
            ));
        }
        Ok(())
    }
}

impl Default for ShingleConfig {
    /// Word 5-grams, no filter: the usual setting for finding copies.
    fn default() -> ShingleConfig {
        ShingleConfig::words(5)
    }
}

/// Reusable scratch space for [`Shingler::for_each_hash`]: one per worker thread keeps the
/// hot path free of allocations.
#[derive(Debug, Default, Clone)]
pub struct ShingleBuffer {
    /// The normalized text followed by [`PADDING`] bytes.
    normalized: String,
    ring: Vec<u64>,
    /// The rolling state of word shingles fed token by token ([`Shingler::push_token`]).
    roll: Roll,
}

/// Where a window of word shingles stands: the next slot of the ring of token hashes, the
/// tokens seen, and the rolling hash of the last `n`.
#[derive(Debug, Default, Clone, Copy)]
struct Roll {
    slot: usize,
    count: usize,
    rolling: u64,
}

impl ShingleBuffer {
    /// An empty buffer.
    pub fn new() -> ShingleBuffer {
        ShingleBuffer::default()
    }
}

/// Clears the ring of token hashes to `n` zeros: removing the "oldest" token before the first
/// `n` have arrived then subtracts nothing and needs no branch.
fn start_ring(ring: &mut Vec<u64>, n: usize) {
    ring.clear();
    ring.resize(n, 0);
}

/// Bytes appended after the normalized text so that 16 bytes can be loaded at any token start.
const PADDING: &str = "                ";

/// Multiplier of the rolling polynomial over token hashes (odd, so multiplication is a
/// bijection modulo 2^64).
const ROLL: u64 = 0x9E37_79B9_7F4A_7C15;

/// Multiplier of the shingle finish (an odd wyhash prime).
const FINISH: u64 = 0x8EBC_6AF0_9C88_C6E3;

/// The 128-bit product of `a` and `b`, folded to 64 bits: high half xor low half.
#[inline(always)]
pub(crate) fn mum(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

/// SplitMix64's output function: a bijective 64-bit mixer, used to derive keys from seeds.
#[inline]
pub(crate) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Keeps the low `bytes` bytes of `word` (`bytes` at most 8), without a branch.
#[inline(always)]
fn low_bytes(word: u64, bytes: usize) -> u64 {
    // Two shifts of at most 32 bits each, so 8 bytes gives (2^32 << 32) - 1 = all ones.
    let half = 4 * bytes as u32;
    word & ((1u64 << half) << half).wrapping_sub(1)
}

/// Hashes texts into shingle hashes under one configuration and seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shingler {
    config: ShingleConfig,
    seed: u64,
    /// ROLL^(n-1), to remove the oldest token from the rolling hash.
    roll_top: u64,
    /// Keys of the token hash and the finish, derived from the seed.
    keys: [u64; 4],
}

impl Shingler {
    /// A shingler for `config`, hashing with `seed`.
    ///
    /// # Errors
    ///
    /// As [`ShingleConfig::validate`].
    pub fn new(config: ShingleConfig, seed: u64) -> Result<Shingler> {
        config.validate()?;
        let roll_top = (1..config.size).fold(1u64, |acc, _| acc.wrapping_mul(ROLL));
        let keys = [0u64, 1, 2, 3].map(|i| splitmix(seed ^ splitmix(0x5348_494E_474C_4500 + i)));
        Ok(Shingler { config, seed, roll_top, keys })
    }

    /// The configuration.
    pub fn config(&self) -> ShingleConfig {
        self.config
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The hash of one token under this shingler's seed (the hash word shingles are built from).
    #[inline]
    pub fn token_hash(&self, token: &str) -> u64 {
        let bytes = token.as_bytes();
        if bytes.len() > 16 {
            return xxh3_64_with_seed(bytes, self.seed);
        }
        let mut padded = [0u8; 16];
        // `bytes.len() <= 16` after the early return.
        padded[..bytes.len()].copy_from_slice(bytes);
        self.hash16(u128::from_le_bytes(padded), bytes.len())
    }

    /// The token hash of a token of `len <= 16` bytes whose first 16 bytes (whatever follows
    /// the token) are the little-endian `words`.
    #[inline(always)]
    fn hash16(&self, words: u128, len: usize) -> u64 {
        // Both callers pass `len <= 16`, so `la` and `len - la` are at most 8, as `low_bytes`
        // requires.
        let la = len.min(8);
        let a = low_bytes(words as u64, la);
        let b = low_bytes((words >> 64) as u64, len - la);
        mum(mum(a ^ self.keys[0], b ^ self.keys[1]) ^ len as u64, self.keys[2])
    }

    /// The token hash of `token`, a slice of `padded` (text followed by [`PADDING`]), loading
    /// the token's bytes straight from `padded`.
    #[inline(always)]
    fn token_hash_in(&self, token: &str, padded: &[u8]) -> u64 {
        let len = token.len();
        let offset = (token.as_ptr() as usize).wrapping_sub(padded.as_ptr() as usize);
        match padded.get(offset..).and_then(<[u8]>::first_chunk::<16>) {
            Some(window) if len <= 16 => self.hash16(u128::from_le_bytes(*window), len),
            _ => self.token_hash(token),
        }
    }

    #[inline(always)]
    fn finish(&self, combined: u64) -> u64 {
        mum(combined ^ self.keys[3], FINISH)
    }

    /// Adds token hash `h` to the window of the last `n = ring.len()` tokens (`n >= 2`), and
    /// gives `f` the shingle it completes once `n` tokens have arrived.
    #[inline(always)]
    fn roll(&self, roll: &mut Roll, ring: &mut [u64], h: u64, f: &mut impl FnMut(u64)) {
        let n = ring.len();
        // `slot < n`: it wraps to 0 on reaching `n`.
        if let Some(oldest) = ring.get_mut(roll.slot) {
            roll.rolling =
                roll.rolling.wrapping_sub(oldest.wrapping_mul(self.roll_top)).wrapping_mul(ROLL).wrapping_add(h);
            *oldest = h;
        }
        roll.slot += 1;
        if roll.slot == n {
            roll.slot = 0;
        }
        roll.count += 1;
        if roll.count >= n {
            f(self.finish(roll.rolling));
        }
    }

    /// Ends a window of `n >= 2` tokens: a text with fewer than `n` tokens (but at least one)
    /// gives one shingle of all of them.
    #[inline]
    fn finish_roll(&self, roll: Roll, n: usize, f: &mut impl FnMut(u64)) {
        if roll.count > 0 && roll.count < n {
            f(self.finish(roll.rolling));
        }
    }

    /// Starts word shingles fed token by token with [`push_token`](Self::push_token), for a
    /// caller that cuts the normalized text into words itself. Word shingles only: the unit of
    /// this shingler's configuration is not looked at.
    pub(crate) fn start_tokens(&self, buf: &mut ShingleBuffer) {
        buf.roll = Roll::default();
        start_ring(&mut buf.ring, self.config.size as usize);
    }

    /// Adds the next word of the normalized text, `token`, a slice of `padded` followed by at
    /// least 16 bytes (or hashed from its own bytes), and gives `f` the shingle hash it
    /// completes: the same hashes, in the same order, as
    /// [`for_each_hash_of_normalized`](Self::for_each_hash_of_normalized) gives when the
    /// tokens are those of [`Tokenizer::Words`].
    #[inline(always)]
    pub(crate) fn push_token(&self, buf: &mut ShingleBuffer, token: &str, padded: &[u8], mut f: impl FnMut(u64)) {
        if !self.config.filter.keep(token) {
            return;
        }
        let h = self.token_hash_in(token, padded);
        if self.config.size == 1 {
            f(h);
        } else {
            self.roll(&mut buf.roll, &mut buf.ring, h, &mut f);
        }
    }

    /// Ends the words fed since [`start_tokens`](Self::start_tokens), giving `f` the last
    /// shingle if the text had fewer tokens than the shingle size.
    pub(crate) fn finish_tokens(&self, buf: &mut ShingleBuffer, mut f: impl FnMut(u64)) {
        let n = self.config.size as usize;
        if n > 1 {
            self.finish_roll(buf.roll, n, &mut f);
        }
    }

    /// Calls `f` with the hash of every shingle of `text`, in order, repeats included.
    pub fn for_each_hash(&self, text: &str, buf: &mut ShingleBuffer, f: impl FnMut(u64)) {
        Normalizer::new().normalize_into(text, &mut buf.normalized);
        self.shingle_buffer(buf, f);
    }

    /// [`for_each_hash`](Self::for_each_hash) for a text already normalized with
    /// [`Normalizer`], so a caller that needs the normalized text anyway normalizes once.
    ///
    /// # Example
    ///
    /// ```
    /// use reprint::shingle::{ShingleBuffer, ShingleConfig, Shingler};
    /// use reprint::text::Normalizer;
    ///
    /// # fn main() -> reprint::Result<()> {
    /// let s = Shingler::new(ShingleConfig::words(3), 7)?;
    /// let raw = "Fresh GUNFIRE reported in Karabakh";
    /// let normalized = Normalizer::new().normalize(raw);
    /// let (mut a, mut b) = (Vec::new(), Vec::new());
    /// let mut buf = ShingleBuffer::new();
    /// s.for_each_hash(raw, &mut buf, |h| a.push(h));
    /// s.for_each_hash_of_normalized(&normalized, &mut buf, |h| b.push(h));
    /// assert_eq!(a, b);
    /// # Ok(())
    /// # }
    /// ```
    pub fn for_each_hash_of_normalized(&self, normalized: &str, buf: &mut ShingleBuffer, f: impl FnMut(u64)) {
        buf.normalized.clear();
        buf.normalized.push_str(normalized);
        self.shingle_buffer(buf, f);
    }

    /// Shingles `buf.normalized`, which holds normalized text.
    fn shingle_buffer(&self, buf: &mut ShingleBuffer, mut f: impl FnMut(u64)) {
        let ShingleBuffer { normalized, ring, .. } = buf;
        let len = normalized.len();
        normalized.push_str(PADDING);
        let padded = normalized.as_bytes();
        let normalized = &normalized[..len];
        let n = self.config.size as usize;
        match self.config.unit {
            ShingleUnit::Words => {
                let filter = self.config.filter;
                if n == 1 {
                    Tokenizer::Words.for_each_token(normalized, |t| {
                        if filter.keep(t) {
                            f(self.token_hash_in(t, padded))
                        }
                    });
                    return;
                }
                // A local window, which the compiler keeps in registers.
                let mut roll = Roll::default();
                start_ring(ring, n);
                Tokenizer::Words.for_each_token(normalized, |t| {
                    if filter.keep(t) {
                        self.roll(&mut roll, ring, self.token_hash_in(t, padded), &mut f);
                    }
                });
                self.finish_roll(roll, n, &mut f);
            }
            ShingleUnit::Chars => {
                let text = normalized;
                if text.is_empty() {
                    return;
                }
                // `n >= 1` (validated), as `windows` requires.
                if text.is_ascii() {
                    let bytes = text.as_bytes();
                    if bytes.len() <= n {
                        f(xxh3_64_with_seed(bytes, self.seed));
                    } else {
                        for w in bytes.windows(n) {
                            f(xxh3_64_with_seed(w, self.seed));
                        }
                    }
                    return;
                }
                // Byte offsets of the last n+1 character starts.
                ring.clear();
                let mut emitted = false;
                for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                    ring.push(i as u64);
                    if ring.len() > n + 1 {
                        ring.remove(0);
                    }
                    if ring.len() == n + 1 {
                        // Ascending character boundaries of `text`, so the slice is in bounds.
                        let (s, e) = (ring[0] as usize, ring[n] as usize);
                        f(xxh3_64_with_seed(&text.as_bytes()[s..e], self.seed));
                        emitted = true;
                    }
                }
                if !emitted {
                    f(xxh3_64_with_seed(text.as_bytes(), self.seed));
                }
            }
        }
    }

    /// Every shingle hash of `text`, in order, repeats included.
    pub fn hashes(&self, text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        self.for_each_hash(text, &mut ShingleBuffer::new(), |h| out.push(h));
        out
    }

    /// The set of shingle hashes of `text`, sorted, without repeats.
    pub fn set(&self, text: &str) -> Vec<u64> {
        let mut out = self.hashes(text);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Each distinct shingle hash of `text` with its number of occurrences, sorted by hash.
    pub fn counts(&self, text: &str) -> Vec<(u64, u32)> {
        let mut hashes = self.hashes(text);
        hashes.sort_unstable();
        let mut out: Vec<(u64, u32)> = Vec::new();
        for h in hashes {
            match out.last_mut() {
                Some((last, c)) if *last == h => *c = c.saturating_add(1),
                _ => out.push((h, 1)),
            }
        }
        out
    }
}

/// Exact Jaccard similarity of two sorted, deduplicated hash sets; 0 when both are empty.
///
/// # Example
///
/// ```
/// assert_eq!(reprint::shingle::jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
/// ```
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    // `inter <= a.len()`, and the lengths of two slices of `u64` add up to less than `usize::MAX`.
    let inter = intersection_len(a, b);
    let union = a.len() + b.len() - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

/// Size of the intersection of two sorted, deduplicated slices.
pub fn intersection_len<T: Ord>(a: &[T], b: &[T]) -> usize {
    // Indexes are checked by the loop condition; `n <= i`.
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Word shingles built the slow way: join the tokens of each n-gram, hash the joined tokens'
    /// hashes with a fresh polynomial.
    fn naive_words(config: ShingleConfig, seed: u64, text: &str) -> Vec<u64> {
        let s = Shingler::new(config, seed).unwrap();
        let norm = Normalizer::new().normalize(text);
        let toks: Vec<u64> = Tokenizer::Words
            .tokens(&norm)
            .into_iter()
            .filter(|t| config.filter().keep(t))
            .map(|t| s.token_hash(t))
            .collect();
        let n = config.size() as usize;
        let combine = |w: &[u64]| w.iter().fold(0u64, |acc, &h| acc.wrapping_mul(ROLL).wrapping_add(h));
        if toks.is_empty() {
            return vec![];
        }
        if n == 1 {
            return toks;
        }
        if toks.len() < n {
            return vec![s.finish(combine(&toks))];
        }
        toks.windows(n).map(|w| s.finish(combine(w))).collect()
    }

    #[test]
    fn short_texts_give_one_shingle() {
        let s = Shingler::new(ShingleConfig::words(5), 1).unwrap();
        assert_eq!(s.hashes("just two").len(), 1);
        assert_eq!(s.hashes("   ").len(), 0);
        assert_ne!(s.hashes("just two"), s.hashes("just three"));
        let c = Shingler::new(ShingleConfig::chars(5), 1).unwrap();
        assert_eq!(c.hashes("abc").len(), 1);
        assert_eq!(c.hashes("abcdef").len(), 2);
        assert_eq!(c.hashes("日本語のテ").len(), 1);
        assert_eq!(c.hashes("日本語のテキ").len(), 2);
    }

    #[test]
    fn typography_does_not_change_shingles() {
        let s = Shingler::new(ShingleConfig::words(3), 7).unwrap();
        assert_eq!(
            s.set("Azerbaijan called it “completely false”"),
            s.set("azerbaijan called it \"completely false\"")
        );
    }

    #[test]
    fn counts_sum_to_hash_count() {
        let s = Shingler::new(ShingleConfig::words(1), 0).unwrap();
        let c = s.counts("a b a c a");
        assert_eq!(c.iter().map(|x| x.1).sum::<u32>(), 5);
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn invalid_configs_are_refused() {
        assert!(Shingler::new(ShingleConfig::words(0), 0).is_err());
        assert!(Shingler::new(ShingleConfig::words(65), 0).is_err());
        assert!(Shingler::new(ShingleConfig::chars(3).with_filter(Filter::EnglishStopwords), 0).is_err());
    }

    proptest! {
        #[test]
        fn rolling_equals_naive(text in "[a-d ]{0,60}", n in 1u32..6, seed: u64, stop: bool) {
            let mut config = ShingleConfig::words(n);
            if stop {
                config = config.with_filter(Filter::EnglishStopwords);
            }
            let s = Shingler::new(config, seed).unwrap();
            prop_assert_eq!(s.hashes(&text), naive_words(config, seed, &text));
        }

        #[test]
        fn char_shingles_count(text in "\\PC{0,30}", n in 1u32..6) {
            let s = Shingler::new(ShingleConfig::chars(n), 3).unwrap();
            let chars = Normalizer::new().normalize(&text).chars().count();
            let expected = if chars == 0 { 0 } else if chars <= n as usize { 1 } else { chars - n as usize + 1 };
            prop_assert_eq!(s.hashes(&text).len(), expected);
        }
    }
}
