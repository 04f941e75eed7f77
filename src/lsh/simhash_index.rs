use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::simhash::{SimHash, SimHashConfig};

/// An index of [`SimHash`]es answering "which fingerprints are within Hamming distance `k`",
/// with `k + 1` tables (Manku, Jain and Das Sarma 2007).
///
/// Table `t` is keyed by the `t`-th block of bits (equivalently: a permutation moving that
/// block to the front, matched on the prefix). Two fingerprints within distance `k` differ in
/// at most `k` blocks, so they agree on at least one and meet in that table; each meeting is
/// then checked exactly.
///
/// # Example
///
/// ```
/// use reprint::lsh::SimHashIndex;
/// use reprint::simhash::{SimHashConfig, SimHasher};
///
/// # fn main() -> reprint::Result<()> {
/// let hasher = SimHasher::new(SimHashConfig::default())?;
/// let story = "Officials said on Thursday that the talks between the two delegations in the border \
///     town of Yevlakh would continue on Friday morning, after a first round ended without agreement \
///     on the release of prisoners or the reopening of the road.";
/// let mut index = SimHashIndex::new(8)?;
/// index.insert(7, &hasher.sign(story))?;
/// index.insert(8, &hasher.sign("Shares rose in Tokyo on Friday as the yen weakened against the dollar."))?;
/// // The same story with one word dropped: a few bits apart, found; the other text is not.
/// let hits = index.query(&hasher.sign(&story.replace("Friday morning", "Friday")))?;
/// assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [7]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SimHashIndex {
    radius: u32,
    /// (shift, mask) of each block.
    blocks: Vec<(u32, u64)>,
    tables: Vec<HashMap<u64, Vec<u32>>>,
    fingerprints: HashMap<u32, SimHash>,
    config: Option<SimHashConfig>,
}

impl SimHashIndex {
    /// An empty index for Hamming radius `radius` (at most 31).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) if `radius > 31`: blocks would be
    /// under 2 bits and every table would hold nearly everything.
    pub fn new(radius: u32) -> Result<SimHashIndex> {
        if radius > 31 {
            return Err(Error::config(format!(
                "SimHash radius {radius} is above 31; use a MinHash index for loose matches"
            )));
        }
        // `n <= 32`: blocks are at least 2 bits wide and their widths add up to 64, so every
        // `shift` is below 64 and `1 << width` is only taken for `width < 64`.
        let n = radius + 1;
        let mut blocks = Vec::new();
        let mut shift = 0;
        for t in 0..n {
            let width = 64 / n + u32::from(t < 64 % n);
            let mask = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
            blocks.push((shift, mask));
            shift += width;
        }
        Ok(SimHashIndex {
            radius,
            tables: vec![HashMap::new(); blocks.len()],
            blocks,
            fingerprints: HashMap::new(),
            config: None,
        })
    }

    /// The Hamming radius.
    pub fn radius(&self) -> u32 {
        self.radius
    }

    /// Number of fingerprints.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    fn check(&self, s: &SimHash) -> Result<()> {
        match &self.config {
            Some(c) if c != s.config() => {
                Err(Error::incompatible("SimHash built with a configuration that differs from the index's"))
            }
            _ => Ok(()),
        }
    }

    /// Adds `s` under `key`, replacing any fingerprint already under `key`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if `s` was built with a
    /// configuration other than the earlier fingerprints'.
    pub fn insert(&mut self, key: u32, s: &SimHash) -> Result<()> {
        self.check(s)?;
        self.config = Some(*s.config());
        self.remove(key);
        self.fingerprints.insert(key, *s);
        if !s.is_empty() {
            for (table, &(shift, mask)) in self.tables.iter_mut().zip(&self.blocks) {
                table.entry((s.bits() >> shift) & mask).or_default().push(key);
            }
        }
        Ok(())
    }

    /// Adds many fingerprints.
    ///
    /// # Errors
    ///
    /// As [`insert`](Self::insert); nothing is inserted if any fingerprint is incompatible.
    pub fn insert_batch(&mut self, items: &[(u32, SimHash)]) -> Result<()> {
        for (_, s) in items {
            self.check(s)?;
            if let Some(c) = &self.config {
                if c != s.config() {
                    return Err(Error::incompatible("fingerprints in one batch differ in configuration"));
                }
            } else {
                self.config = Some(*s.config());
            }
        }
        for (k, s) in items {
            self.insert(*k, s)?;
        }
        Ok(())
    }

    /// Removes `key`; returns whether it was present.
    pub fn remove(&mut self, key: u32) -> bool {
        let Some(s) = self.fingerprints.remove(&key) else { return false };
        if !s.is_empty() {
            for (table, &(shift, mask)) in self.tables.iter_mut().zip(&self.blocks) {
                let bk = (s.bits() >> shift) & mask;
                if let Some(list) = table.get_mut(&bk) {
                    list.retain(|&k| k != key);
                    if list.is_empty() {
                        table.remove(&bk);
                    }
                }
            }
        }
        true
    }

    /// Keys within the radius of `s`, with their distances, nearest first (ties by key).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) for a fingerprint of
    /// another configuration.
    pub fn query(&self, s: &SimHash) -> Result<Vec<(u32, u32)>> {
        self.check(s)?;
        if s.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for (table, &(shift, mask)) in self.tables.iter().zip(&self.blocks) {
            if let Some(list) = table.get(&((s.bits() >> shift) & mask)) {
                for &k in list {
                    if let Some(f) = self.fingerprints.get(&k) {
                        let d = f.hamming_unchecked(s);
                        if d <= self.radius {
                            out.push((k, d));
                        }
                    }
                }
            }
        }
        out.sort_unstable_by_key(|&(k, d)| (d, k));
        out.dedup();
        Ok(out)
    }

    /// [`query`](Self::query) for many fingerprints, in parallel with the `parallel` feature.
    ///
    /// # Errors
    ///
    /// As [`query`](Self::query).
    pub fn query_batch(&self, items: &[SimHash]) -> Result<Vec<Vec<(u32, u32)>>> {
        crate::par::map(items, |s| self.query(s)).into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simhash::SimHasher;

    #[test]
    fn finds_everything_within_radius() {
        let h = SimHasher::new(SimHashConfig::default()).unwrap();
        let base = h.sign("some base text for the fingerprint test with several words in it");
        // Build fingerprints at known distances by flipping bits of a real one.
        let mut idx = SimHashIndex::new(4).unwrap();
        let mut flipped = Vec::new();
        for d in 0..10u32 {
            let mut f = base;
            let mask: u64 = (0..d).map(|i| 1u64 << (i * 6 % 64)).fold(0, |a, b| a | b);
            f = SimHash::from_bits_for_test(f, f.bits() ^ mask);
            idx.insert(d, &f).unwrap();
            flipped.push(f);
        }
        let hits = idx.query(&base).unwrap();
        assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert!(idx.remove(2));
        assert_eq!(idx.query(&base).unwrap().len(), 4);
        assert!(SimHashIndex::new(32).is_err());
    }
}
