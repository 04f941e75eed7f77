//! Verification: a sharper score computed on each candidate pair.
//!
//! Two measurements, each a number in [0, 1]; the score is the larger:
//!
//! - **overlap**: the IDF-weighted share of the heavier text's words that the other text has,
//!   `s = w(A ∩ B) / max(w(A), w(B))`, discounted for how little text it rests on: the lower
//!   bound of a Wilson interval at one standard error, with the heavier text's effective number
//!   of words `n = (Σw)² / Σw²`. Two sentences sharing 6 of 10 words are weaker evidence than
//!   two articles sharing 60 of 100, so sentences and whole articles share one threshold.
//! - **alignment**: the weighted share of the text with fewer sentences whose sentences each
//!   match a sentence of the other text (their own overlap at least the threshold), each
//!   sentence counted by its weight times its match's overlap bound, along the heaviest chain
//!   that keeps both texts' order, and only when at least
//!   [`MIN_ALIGNED_SENTENCES`] sentences align. Rewrites keep the sentence sequence; different
//!   articles on the same event do not. It also finds a trimmed wire story inside a longer page.
//!
//! The score is the larger of the two, except that texts long enough to align (both with at
//! least [`MIN_ALIGNED_SENTENCES`] sentences) whose sentences do not align get their overlap
//! multiplied by [`UNALIGNED_FACTOR`]: different articles on the same event share vocabulary but
//! not a sequence of sentences.

use super::features::{DocFeatures, Idf, Weights};

/// The evidence behind one verified pair.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evidence {
    /// The score the grouping threshold is applied to: `max(overlap, alignment)`, or 1 for
    /// identical texts.
    pub score: f64,
    /// Lower confidence bound of the weighted word overlap.
    pub overlap: f64,
    /// The weighted word overlap itself: shared weight over the heavier text's weight.
    pub shared: f64,
    /// Shared weight over the lighter text's weight (how much of it the other contains).
    pub containment: f64,
    /// Weighted share of the text with fewer sentences aligned, in order, with the other, each
    /// sentence counted by how sure its match is (the lower bound of its own overlap).
    pub alignment: f64,
    /// Number of sentences in that aligned chain.
    pub aligned_sentences: u32,
    /// Share of the numbers (words with a digit) of the text with fewer numbers that the other
    /// text also has; 1 when either has none.
    pub numbers: f64,
    /// The texts are identical after normalization.
    pub exact: bool,
}

/// Factor on the overlap of texts that could align (both have at least
/// [`MIN_ALIGNED_SENTENCES`] sentences) but do not.
pub const UNALIGNED_FACTOR: f64 = 0.8;

/// Fewest sentences an alignment must chain before it counts.
pub const MIN_ALIGNED_SENTENCES: u32 = 3;

/// Sentences of each text that alignment looks at: the first this many. Alignment costs up to
/// the product of the two texts' sentence counts when sentences repeat, and no news article
/// comes near this length; the overlap still covers the whole text.
pub const MAX_ALIGNED_SPAN: usize = 1024;

/// Standard errors below the observed overlap at which the lower bound is taken.
const Z: f64 = 1.0;

/// Computes [`Evidence`] for pairs of documents under one batch's word weights.
#[derive(Debug)]
pub struct Verifier<'a> {
    weights: Weights<'a>,
    threshold: f64,
}

/// Weight statistics of one set of word hashes.
#[derive(Clone, Copy, Default, Debug)]
struct Mass {
    sum: f64,
    sum_sq: f64,
}

impl Mass {
    fn add(&mut self, x: f64) {
        self.sum += x;
        self.sum_sq += x * x;
    }
}

/// One document's word weights under a [`Verifier`]'s batch weights: looked up once and reused
/// for every pair the document is in (a batch verifies each document against about a dozen
/// others, and the lookups were most of the cost of a pair).
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// Weight of each distinct word, aligned with the document's bag.
    bag: Vec<f32>,
    mass: Mass,
}

impl Prepared {
    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.bag.capacity() * std::mem::size_of::<f32>()
    }
}

/// A document with its prepared weights.
struct Weighted<'d> {
    doc: &'d DocFeatures,
    bag: &'d [f32],
    mass: Mass,
}

impl Weighted<'_> {
    /// The weight of the word at bag position `i`. In bounds: sentences hold bag positions
    /// (`DocFeatures` builds them so, and `DocFeatures::decode` refuses anything else), and
    /// `evidence_prepared` checked that `bag` has the bag's length.
    #[inline]
    fn weight(&self, i: u32) -> f64 {
        f64::from(self.bag[i as usize])
    }

    fn sentence_mass(&self, sentence: &[u32]) -> Mass {
        let mut m = Mass::default();
        for &i in sentence {
            m.add(self.weight(i));
        }
        m
    }
}

impl<'a> Verifier<'a> {
    /// A verifier with these word weights; `threshold` is the score at which sentences match
    /// in the alignment (the grouping threshold). Alignments that cannot reach `threshold` are
    /// reported as 0 without being computed.
    pub fn new(idf: &'a Idf, threshold: f64) -> Verifier<'a> {
        Verifier { weights: idf.weights(), threshold }
    }

    /// The weights of `doc`'s words, for [`evidence_prepared`](Self::evidence_prepared).
    pub fn prepare(&self, doc: &DocFeatures) -> Prepared {
        let mut mass = Mass::default();
        let bag: Vec<f32> = doc
            .bag()
            .iter()
            .map(|&w| {
                let x = self.weights.weight(w) as f32;
                mass.add(f64::from(x));
                x
            })
            .collect();
        Prepared { bag, mass }
    }

    /// (lower bound, raw overlap, containment) from masses and shared weight.
    fn overlap(ma: Mass, mb: Mass, shared: f64) -> (f64, f64, f64) {
        let (heavy, light) = if ma.sum >= mb.sum { (ma, mb) } else { (mb, ma) };
        if light.sum <= 0.0 || heavy.sum_sq <= 0.0 {
            return (0.0, 0.0, 0.0);
        }
        let s = (shared / heavy.sum).clamp(0.0, 1.0);
        let n = heavy.sum * heavy.sum / heavy.sum_sq;
        (wilson_lower(s, n, Z), s, (shared / light.sum).clamp(0.0, 1.0))
    }

    /// The evidence for documents `a` and `b`.
    pub fn evidence(&self, a: &DocFeatures, b: &DocFeatures) -> Evidence {
        self.evidence_prepared(a, &self.prepare(a), b, &self.prepare(b))
    }

    /// [`evidence`](Self::evidence) with each document's weights prepared beforehand by
    /// [`prepare`](Self::prepare) on this verifier; the result is the same. Weights prepared
    /// for another document give a meaningless result (never a panic).
    pub fn evidence_prepared(&self, a: &DocFeatures, pa: &Prepared, b: &DocFeatures, pb: &Prepared) -> Evidence {
        let mut e = Evidence::default();
        if a.is_empty() || b.is_empty() || pa.bag.len() != a.bag().len() || pb.bag.len() != b.bag().len() {
            return e;
        }
        let wa = Weighted { doc: a, bag: &pa.bag, mass: pa.mass };
        let wb = Weighted { doc: b, bag: &pb.bag, mass: pb.mass };
        let (short, long) = if a.num_sentences() <= b.num_sentences() { (&wa, &wb) } else { (&wb, &wa) };
        // Shared words, and where each word of `short` sits in `long`'s bag.
        let (x, y) = (short.doc.bag(), long.doc.bag());
        let mut in_long = vec![u32::MAX; x.len()];
        let (mut i, mut j, mut shared) = (0, 0, 0.0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += short.weight(i as u32);
                    in_long[i] = j as u32;
                    i += 1;
                    j += 1;
                }
            }
        }
        (e.overlap, e.shared, e.containment) = Verifier::overlap(wa.mass, wb.mass, shared);
        // Aligned sentences each share at least `threshold` of their weight, so a pair whose texts
        // share less than `threshold²` of the lighter one's weight cannot align enough to matter.
        if e.containment >= self.threshold * self.threshold {
            (e.alignment, e.aligned_sentences) = self.alignment(short, long, &in_long);
        }
        e.numbers = number_agreement(a.numbers(), b.numbers());
        let alignable = a.num_sentences().min(b.num_sentences()) as u32 >= MIN_ALIGNED_SENTENCES;
        e.score = if alignable && e.aligned_sentences < MIN_ALIGNED_SENTENCES {
            // Long enough to align, yet no sentence sequence in common: same-topic vocabulary.
            e.overlap * UNALIGNED_FACTOR
        } else {
            e.overlap.max(e.alignment)
        };
        e
    }

    /// Ordered sentence alignment of `short` against `long`; `in_long[i]` is the position in
    /// `long`'s bag of `short`'s `i`-th word, or `u32::MAX`.
    fn alignment(&self, short: &Weighted<'_>, long: &Weighted<'_>, in_long: &[u32]) -> (f64, u32) {
        if (short.doc.num_sentences() as u32) < MIN_ALIGNED_SENTENCES {
            return (0.0, 0);
        }
        // Sentences of `short` that could match at all: the weight of their words found anywhere
        // in `long` must reach the threshold share of their own weight.
        let mut total = 0.0;
        let mut open: Vec<(&[u32], Mass)> = Vec::new();
        for s in short.doc.sentences().take(MAX_ALIGNED_SPAN) {
            let m = short.sentence_mass(s);
            total += m.sum;
            let possible: f64 = s.iter().filter(|&&i| in_long[i as usize] != u32::MAX).map(|&i| short.weight(i)).sum();
            if m.sum > 0.0 && possible >= self.threshold * m.sum {
                open.push((s, m));
            }
        }
        if total <= 0.0 || (open.len() as u32) < MIN_ALIGNED_SENTENCES {
            return (0.0, 0);
        }
        let bound: f64 = open.iter().map(|o| o.1.sum).sum::<f64>() / total;
        if bound < self.threshold {
            return (0.0, 0);
        }
        // Which sentences of `long` hold each of its words (counting sort by bag position).
        // Indexing below stays in bounds: `start` has a slot per bag position plus one, every
        // sentence word is a bag position, `holders` has exactly as many slots as those words,
        // `in_long` values are positions in `long`'s bag, and `k` counts `long`'s sentences,
        // which `long_mass` and `acc` have one slot each for.
        let nb = long.doc.bag().len();
        let mut start = vec![0u32; nb + 1];
        let mut long_mass = Vec::with_capacity(long.doc.num_sentences().min(MAX_ALIGNED_SPAN));
        for ls in long.doc.sentences().take(MAX_ALIGNED_SPAN) {
            for &i in ls {
                start[i as usize + 1] += 1;
            }
            long_mass.push(long.sentence_mass(ls));
        }
        for k in 0..nb {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut holders = vec![0u32; start[nb] as usize];
        for (k, ls) in long.doc.sentences().take(MAX_ALIGNED_SPAN).enumerate() {
            for &i in ls {
                holders[fill[i as usize] as usize] = k as u32;
                fill[i as usize] += 1;
            }
        }
        let mut acc = vec![0.0f64; long_mass.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut matches: Vec<(usize, f64)> = Vec::new(); // (position in long, credit of the short sentence)
        for &(s, ms) in &open {
            for &i in s {
                let j = in_long[i as usize];
                if j == u32::MAX {
                    continue;
                }
                let x = short.weight(i);
                for &k in &holders[start[j as usize] as usize..start[j as usize + 1] as usize] {
                    if acc[k as usize] == 0.0 {
                        touched.push(k);
                    }
                    acc[k as usize] += x;
                }
            }
            let mut best = (usize::MAX, 0.0);
            // In position order. Common words touch most sentences: then a scan beats a sort.
            if touched.len() * 4 >= acc.len() {
                touched.clear();
                touched.extend((0..acc.len() as u32).filter(|&k| acc[k as usize] != 0.0));
            } else {
                touched.sort_unstable();
            }
            for &k in &touched {
                let (mk, shared) = (long_mass[k as usize], acc[k as usize]);
                acc[k as usize] = 0.0;
                // The bound is below the raw share, which must reach the threshold to match:
                // most touched sentences share only common words, and skip the bound here.
                if shared / ms.sum.max(mk.sum) < self.threshold {
                    continue;
                }
                let (lower, _, _) = Verifier::overlap(ms, mk, shared);
                if lower > best.1 {
                    best = (k as usize, lower);
                }
            }
            touched.clear();
            if best.0 != usize::MAX && best.1 >= self.threshold {
                // A sentence counts as much as its match is sure: its weight times the lower
                // bound of its overlap with its match.
                matches.push((best.0, best.1 * ms.sum));
            }
        }
        // Heaviest chain strictly increasing in position (O(m²) for m matched sentences).
        let m = matches.len();
        let mut best_at = vec![(0.0f64, 0u32); m];
        let mut overall = (0.0f64, 0u32);
        for x in 0..m {
            let mut b = (matches[x].1, 1);
            for y in 0..x {
                if matches[y].0 < matches[x].0 && best_at[y].0 + matches[x].1 > b.0 {
                    b = (best_at[y].0 + matches[x].1, best_at[y].1 + 1);
                }
            }
            best_at[x] = b;
            if b.0 > overall.0 {
                overall = b;
            }
        }
        if overall.1 < MIN_ALIGNED_SENTENCES {
            return (0.0, overall.1);
        }
        ((overall.0 / total).min(1.0), overall.1)
    }
}

/// Share of the shorter list's numbers found in the other (both sorted); 1 if either is empty.
fn number_agreement(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 1.0;
    }
    crate::shingle::intersection_len(a, b) as f64 / a.len().min(b.len()) as f64
}

/// Lower bound of the Wilson score interval for a proportion `s` observed over `n` trials.
fn wilson_lower(s: f64, n: f64, z: f64) -> f64 {
    if n <= 0.0 {
        return 0.0;
    }
    let z2 = z * z;
    let centre = s + z2 / (2.0 * n);
    let spread = z * (s * (1.0 - s) / n + z2 / (4.0 * n * n)).max(0.0).sqrt();
    ((centre - spread) / (1.0 + z2 / n)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::FeatureBuffer;

    #[test]
    fn wilson_bound_grows_with_evidence() {
        assert!(wilson_lower(0.6, 10.0, 1.0) < wilson_lower(0.6, 100.0, 1.0));
        assert!(wilson_lower(0.6, 1e9, 1.0) > 0.599);
        assert_eq!(wilson_lower(0.0, 10.0, 1.0), 0.0);
        assert_eq!(wilson_lower(0.5, 0.0, 1.0), 0.0);
    }

    #[test]
    fn identical_and_disjoint() {
        let f = |t: &str| DocFeatures::extract(t, &mut FeatureBuffer::default());
        let a = f("The ceasefire was broken. Shots were heard in the city. Talks continued on Thursday.");
        let b = f("Shares rose sharply. The bank reported a profit. Analysts were surprised by it.");
        let idf = Idf::new([&a, &b], 0.0);
        let v = Verifier::new(&idf, 0.35);
        let same = v.evidence(&a, &a);
        // Each sentence counts by its match's lower bound: below 1 for sentences of 3 to 5 words,
        // and growing with the evidence.
        assert!(same.score > 0.5 && same.alignment > 0.7 && same.aligned_sentences == 3, "{same:?}");
        let long = f(&[
            "The ceasefire brokered by Russia was broken on the first night of the talks in the north.",
            "Shots were heard across the city as residents sheltered in basements and crowded stairwells.",
            "Talks between the two delegations continued on Thursday in the town of Yevlakh near the border.",
        ]
        .join(" "));
        let idf = Idf::new([&long, &b], 0.0);
        let v = Verifier::new(&idf, 0.35);
        let same_long = v.evidence(&long, &long);
        assert!(same_long.alignment > 0.9 && same_long.alignment > same.alignment, "{same_long:?}");
        let diff = v.evidence(&a, &b);
        assert!(diff.score < 0.2, "{diff:?}");
    }
}
