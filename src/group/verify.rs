//! Verification: a sharper score computed on each candidate pair.

use super::features::{DocFeatures, Idf};

/// The evidence behind one verified pair.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evidence {
    /// The score the grouping threshold is applied to.
    pub score: f64,
    /// IDF-weighted cosine similarity of content-word bags (sublinear term counts).
    pub cosine: f64,
    /// IDF-weighted share of the shorter text's content covered by the longer one.
    pub containment: f64,
    /// Share of the shorter text's sentences (by weight) matched, in order, in the other text.
    pub alignment: f64,
    /// Content words of the shorter text.
    pub shorter_words: u32,
    /// MinHash Jaccard estimate on the stage that found the pair (0 if not estimated).
    pub minhash_jaccard: f64,
    /// The texts are identical after normalization.
    pub exact: bool,
}

/// Computes [`Evidence`] for pairs of documents under one batch's word weights.
#[derive(Debug)]
pub struct Verifier<'a> {
    idf: &'a Idf,
}

impl<'a> Verifier<'a> {
    /// A verifier with these word weights.
    pub fn new(idf: &'a Idf) -> Verifier<'a> {
        Verifier { idf }
    }

    /// The evidence for documents `a` and `b`.
    pub fn evidence(&self, a: &DocFeatures, b: &DocFeatures) -> Evidence {
        let (short, long) = if (a.len(), a.bag()) <= (b.len(), b.bag()) { (a, b) } else { (b, a) };
        let mut e = Evidence { shorter_words: short.len() as u32, ..Evidence::default() };
        if short.is_empty() {
            return e;
        }
        let (cos, cont) = self.bag_scores(short, long);
        e.cosine = cos;
        e.containment = cont;
        e.alignment = self.alignment(short, long);
        e.score = combine(&e);
        e
    }

    /// Cosine of sublinear tf × idf vectors, and weighted containment of `short` in `long`.
    fn bag_scores(&self, short: &DocFeatures, long: &DocFeatures) -> (f64, f64) {
        let w = |&(h, c): &(u32, u32)| (1.0 + f64::from(c).ln()) * self.idf.weight(h);
        let (sa, sb) = (short.bag(), long.bag());
        let (mut i, mut j) = (0, 0);
        let (mut dot, mut na, mut nb, mut inter, mut ta) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for x in sa {
            let v = w(x);
            na += v * v;
            ta += self.idf.weight(x.0);
        }
        for x in sb {
            let v = w(x);
            nb += v * v;
        }
        while i < sa.len() && j < sb.len() {
            match sa[i].0.cmp(&sb[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += w(&sa[i]) * w(&sb[j]);
                    inter += self.idf.weight(sa[i].0);
                    i += 1;
                    j += 1;
                }
            }
        }
        let cos = if na > 0.0 && nb > 0.0 { dot / (na.sqrt() * nb.sqrt()) } else { 0.0 };
        let cont = if ta > 0.0 { inter / ta } else { 0.0 };
        (cos.min(1.0), cont.min(1.0))
    }

    /// Ordered sentence alignment: each sentence of `short` is matched to its most similar
    /// sentence of `long` (weighted Dice of content words); the longest chain of matches that
    /// keeps the order of both texts is kept, and its similarity-weighted share of `short`'s
    /// content weight is returned.
    fn alignment(&self, short: &DocFeatures, long: &DocFeatures) -> f64 {
        let long_sents: Vec<Vec<u32>> = long.sentences().map(sorted_set).collect();
        let long_w: Vec<f64> = long_sents.iter().map(|s| self.set_weight(s)).collect();
        let mut matches: Vec<(usize, f64, f64)> = Vec::new(); // (position in long, similarity, weight)
        let mut total = 0.0;
        for s in short.sentences() {
            let set = sorted_set(s);
            let ws = self.set_weight(&set);
            total += ws;
            let mut best = (usize::MAX, 0.0);
            for (k, (ls, &lw)) in long_sents.iter().zip(&long_w).enumerate() {
                if ws + lw <= 0.0 {
                    continue;
                }
                let inter = self.inter_weight(&set, ls);
                if inter <= 0.0 {
                    continue;
                }
                let dice = 2.0 * inter / (ws + lw);
                if dice > best.1 {
                    best = (k, dice);
                }
            }
            if best.0 != usize::MAX && best.1 >= MIN_SENTENCE_MATCH {
                matches.push((best.0, best.1, ws));
            }
        }
        if total <= 0.0 {
            return 0.0;
        }
        // Heaviest chain strictly increasing in position (O(m²), m = matched sentences).
        let m = matches.len();
        let mut best_at = vec![0.0f64; m];
        let mut overall: f64 = 0.0;
        for x in 0..m {
            let gain = matches[x].1 * matches[x].2;
            let mut b = gain;
            for y in 0..x {
                if matches[y].0 < matches[x].0 {
                    b = b.max(best_at[y] + gain);
                }
            }
            best_at[x] = b;
            overall = overall.max(b);
        }
        (overall / total).min(1.0)
    }

    fn set_weight(&self, set: &[u32]) -> f64 {
        set.iter().map(|&w| self.idf.weight(w)).sum()
    }

    fn inter_weight(&self, a: &[u32], b: &[u32]) -> f64 {
        let (mut i, mut j, mut s) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s += self.idf.weight(a[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }
}

/// Sentences whose best match is below this weighted Dice do not count as matched.
const MIN_SENTENCE_MATCH: f64 = 0.3;

fn sorted_set(s: &[u32]) -> Vec<u32> {
    let mut v = s.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// The score the threshold applies to (see DESIGN.md for the measurements behind it).
fn combine(e: &Evidence) -> f64 {
    e.cosine.max(e.alignment)
}
