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
    /// Whether only the pairs scoring `threshold` or more need exact measures (see
    /// [`linked_only`](Self::linked_only)).
    linked_only: bool,
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
    /// Every weight is finite and positive, as batch weights always are: alignment may then
    /// prune with bounds (see [`Verifier::alignment`]).
    positive: bool,
}

impl Prepared {
    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.bag.capacity() * std::mem::size_of::<f32>()
    }

    /// What the evidence of a pair needs of this document (prepared for `doc`) besides
    /// [`Measured`].
    pub(crate) fn side(&self, doc: &DocFeatures) -> Side {
        Side::new(self.mass, doc)
    }
}

/// What [`Evidence`] needs of one document besides [`Measured`]: its weight statistics and
/// whether it has sentences enough to align.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Side {
    mass: Mass,
    alignable: bool,
}

impl Side {
    /// The side of `doc` with weight statistics `mass`.
    fn new(mass: Mass, doc: &DocFeatures) -> Side {
        Side { mass, alignable: doc.num_sentences() >= MIN_ALIGNED_SENTENCES as usize }
    }

    /// The side of `doc` under batch-wide weights by word id ([`DenseWeights`]): the same as
    /// [`Prepared::side`] with the document's words weighted so.
    pub(crate) fn dense(doc: &DocFeatures, weights: &DenseWeights) -> Side {
        let mut mass = Mass::default();
        for &w in doc.bag() {
            mass.add(f64::from(weights.weight(w)));
        }
        Side::new(mass, doc)
    }
}

/// Word weights of a batch whose documents hold dense word ids (see
/// [`Vocabulary`](super::dense::Vocabulary)): the weight of id `w` is `weights[w]`, the value
/// [`Verifier::prepare`] gives the word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DenseWeights<'a> {
    /// Weight of each id.
    pub(crate) weights: &'a [f32],
}

impl DenseWeights<'_> {
    /// The weight of id `w` (0 for an id outside the vocabulary, which batch documents never hold).
    #[inline]
    pub(crate) fn weight(&self, w: u32) -> f32 {
        self.weights.get(w as usize).copied().unwrap_or(0.0)
    }

    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        self.weights.len()
    }
}

/// Per-worker buffers for [`Verifier::measure_dense`]: the [`Scratch`], and the weights of the
/// pair's two documents by bag position (the longer one's kept while pairs share it).
#[derive(Debug, Default)]
pub(crate) struct DenseScratch {
    scratch: Scratch,
    long: Option<usize>,
    long_weights: Vec<f32>,
    long_positive: bool,
    short_weights: Vec<f32>,
}

/// Whether every weight is finite and positive (alignment may then prune with bounds).
fn all_positive(weights: &[f32]) -> bool {
    weights.iter().all(|&x| x.is_finite() && x > 0.0)
}

/// `doc`'s weights by bag position into `out`, and whether all are finite and positive.
fn gather(doc: &DocFeatures, weights: &DenseWeights<'_>, out: &mut Vec<f32>) -> bool {
    out.clear();
    out.extend(doc.bag().iter().map(|&w| weights.weight(w)));
    all_positive(out)
}

/// What [`Evidence`] needs of two documents' words together; the rest follows from each
/// document's [`Side`] ([`evidence`](Self::evidence)), so a batch can keep this instead.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Measured {
    /// Shared weight (the shorter text's weights of the words both hold, in bag order).
    pub(crate) shared: f64,
    /// [`Evidence::alignment`].
    pub(crate) alignment: f64,
    /// [`Evidence::numbers`].
    pub(crate) numbers: f64,
    /// [`Evidence::aligned_sentences`].
    pub(crate) aligned: u32,
}

impl Measured {
    /// The evidence of documents `a` and `b` (in the order they were measured).
    pub(crate) fn evidence(&self, a: Side, b: Side) -> Evidence {
        let mut e = Evidence {
            alignment: self.alignment,
            aligned_sentences: self.aligned,
            numbers: self.numbers,
            ..Evidence::default()
        };
        (e.overlap, e.shared, e.containment) = Verifier::overlap(a.mass, b.mass, self.shared);
        // Both texts have `MIN_ALIGNED_SENTENCES` sentences or more.
        let alignable = a.alignable && b.alignable;
        e.score = if alignable && e.aligned_sentences < MIN_ALIGNED_SENTENCES {
            // Long enough to align, yet no sentence sequence in common: same-topic vocabulary.
            e.overlap * UNALIGNED_FACTOR
        } else {
            e.overlap.max(e.alignment)
        };
        e
    }
}

/// A document with its prepared weights.
struct Weighted<'d> {
    doc: &'d DocFeatures,
    bag: &'d [f32],
    mass: Mass,
    positive: bool,
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
        Verifier::with_weights(idf.weights(), threshold)
    }

    /// A verifier with these weights (family weights for grouping; see [`Idf`]).
    pub(crate) fn with_weights(weights: Weights<'a>, threshold: f64) -> Verifier<'a> {
        Verifier { weights, threshold, linked_only: false }
    }

    /// This verifier for callers that keep only the pairs scoring at least the threshold: an
    /// alignment that can no longer reach it, for a pair whose overlap does not either, is
    /// given up and measured as no alignment. Pairs scoring the threshold or more are measured
    /// exactly as before, and every other pair still scores below it.
    pub(crate) fn linked_only(mut self) -> Verifier<'a> {
        self.linked_only = true;
        self
    }

    /// The weights of `doc`'s words, for [`evidence_prepared`](Self::evidence_prepared).
    pub fn prepare(&self, doc: &DocFeatures) -> Prepared {
        self.prepare_df(self.weights.dfs(doc))
    }

    /// [`prepare`](Self::prepare) from the document frequency of each word of the document's
    /// bag, in bag order ([`Idf::dfs`]); the vector becomes the weights.
    pub(crate) fn prepare_df(&self, df: Vec<u32>) -> Prepared {
        let mut mass = Mass::default();
        // Collected in place: `f32` has the size and alignment of `u32`.
        let bag: Vec<f32> = df
            .into_iter()
            .map(|d| {
                let x = self.weights.weight_of_df(d) as f32;
                mass.add(f64::from(x));
                x
            })
            .collect();
        let positive = all_positive(&bag);
        Prepared { bag, mass, positive }
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
        self.evidence_with(a, pa, b, pb, None, &mut Scratch::default())
    }

    /// [`evidence_prepared`](Self::evidence_prepared) with reusable buffers; see
    /// [`measure`](Self::measure).
    pub(crate) fn evidence_with(
        &self,
        a: &DocFeatures,
        pa: &Prepared,
        b: &DocFeatures,
        pb: &Prepared,
        ids: Option<(usize, usize)>,
        scratch: &mut Scratch,
    ) -> Evidence {
        match self.measure(a, pa, b, pb, ids, scratch) {
            Some(m) => m.evidence(pa.side(a), pb.side(b)),
            None => Evidence::default(),
        }
    }

    /// What the evidence for `a` and `b` needs from their words together, or `None` when either
    /// has no word or weights that are not its own. `ids` are the two documents' positions in
    /// the batch when `scratch` serves many pairs of one batch: what is built for the document
    /// with more sentences is then kept while the next pairs share it (callers verify pairs
    /// grouped by that document). The result does not depend on it.
    pub(crate) fn measure(
        &self,
        a: &DocFeatures,
        pa: &Prepared,
        b: &DocFeatures,
        pb: &Prepared,
        ids: Option<(usize, usize)>,
        scratch: &mut Scratch,
    ) -> Option<Measured> {
        if a.is_empty() || b.is_empty() || pa.bag.len() != a.bag().len() || pb.bag.len() != b.bag().len() {
            return None;
        }
        let wa = Weighted { doc: a, bag: &pa.bag, mass: pa.mass, positive: pa.positive };
        let wb = Weighted { doc: b, bag: &pb.bag, mass: pb.mass, positive: pb.positive };
        self.measure_weighted(&wa, &wb, ids, scratch)
    }

    /// [`measure`](Self::measure) for batch documents `a` and `b` (positions `ids`) holding dense
    /// word ids, with `dense` the batch's weights by id and `sides` each document's
    /// [`Side::dense`]: the same result as `measure` over the documents' word hashes with
    /// prepared weights. Pairs sharing their document with more sentences should come one after
    /// the other, as for `measure`.
    pub(crate) fn measure_dense(
        &self,
        (a, b): (&DocFeatures, &DocFeatures),
        ids: (usize, usize),
        dense: &DenseWeights<'_>,
        sides: (Side, Side),
        ds: &mut DenseScratch,
    ) -> Option<Measured> {
        if a.is_empty() || b.is_empty() {
            return None;
        }
        // The document with more sentences (the second on ties), as `measure_weighted` picks it.
        let b_long = a.num_sentences() <= b.num_sentences();
        let (short, long, long_id) = if b_long { (a, b, ids.1) } else { (b, a, ids.0) };
        if ds.long != Some(long_id) {
            ds.long_positive = gather(long, dense, &mut ds.long_weights);
            ds.long = Some(long_id);
        }
        let short_positive = gather(short, dense, &mut ds.short_weights);
        let (short_mass, long_mass) = if b_long { (sides.0.mass, sides.1.mass) } else { (sides.1.mass, sides.0.mass) };
        let ws = Weighted { doc: short, bag: &ds.short_weights, mass: short_mass, positive: short_positive };
        let wl = Weighted { doc: long, bag: &ds.long_weights, mass: long_mass, positive: ds.long_positive };
        ds.scratch.key_space = dense.len() as u64;
        if b_long {
            self.measure_weighted(&ws, &wl, Some(ids), &mut ds.scratch)
        } else {
            self.measure_weighted(&wl, &ws, Some(ids), &mut ds.scratch)
        }
    }

    /// [`measure`](Self::measure) of two documents with their weights by bag position.
    fn measure_weighted(
        &self,
        wa: &Weighted<'_>,
        wb: &Weighted<'_>,
        ids: Option<(usize, usize)>,
        scratch: &mut Scratch,
    ) -> Option<Measured> {
        let (a, b) = (wa.doc, wb.doc);
        let (short, long, long_id) = if a.num_sentences() <= b.num_sentences() {
            (wa, wb, ids.map(|i| i.1))
        } else {
            (wb, wa, ids.map(|i| i.0))
        };
        scratch.use_long(long, long_id);
        // Shared words, and where each word of `short` sits in `long`'s bag.
        let shared = scratch.intersect(short, long);
        let mut m = Measured { shared, numbers: number_agreement(a.numbers(), b.numbers()), ..Measured::default() };
        // Aligned sentences each share at least `threshold` of their weight, so a pair whose texts
        // share less than `threshold²` of the lighter one's weight cannot align enough to matter.
        let (overlap, _, containment) = Verifier::overlap(wa.mass, wb.mass, shared);
        if containment >= self.threshold * self.threshold {
            // The score is the overlap, or the overlap lowered, or the alignment: below the
            // threshold whenever the overlap and the alignment both are.
            let give_up = self.linked_only && overlap < self.threshold;
            (m.alignment, m.aligned) = if short.positive && long.positive {
                self.alignment(short, long, scratch, give_up)
            } else {
                self.alignment_exhaustive(short, long, &scratch.in_long)
            };
        }
        Some(m)
    }

    /// Ordered sentence alignment of `short` against `long`, both with positive weights, after
    /// [`Scratch::intersect`]: the same result as
    /// [`alignment_exhaustive`](Self::alignment_exhaustive), bit for bit, with less work.
    ///
    /// A sentence `s` of `short` matches a sentence `k` of `long` only if their shared weight
    /// reaches `threshold × max(w(s), w(k))`, so at least `threshold × w(s)`. Words of `s` found
    /// in `long` lighter than a cut are set aside while their total stays below that share: a
    /// sentence holding none of the other (heavier) words cannot match, and one that does can
    /// share at most its heavy words' weight plus all the light weight. Only sentences past that
    /// bound get their exact shared weight, summed in the same order as the exhaustive scan (so
    /// the same value); the bound is applied with a relative slack of [`PRUNE_SLACK`], far above
    /// any rounding of these sums, so a pruned sentence is one the exhaustive scan rejects too.
    ///
    /// With `give_up`, the alignment is reported as none (0, 0) as soon as it cannot reach the
    /// threshold: each open sentence adds at most the weight of its words found in `long` to the
    /// heaviest chain (its credit is its weight times a lower bound of its share matched), and
    /// the sentences that could add most are matched first.
    fn alignment(&self, short: &Weighted<'_>, long: &Weighted<'_>, sc: &mut Scratch, give_up: bool) -> (f64, u32) {
        if (short.doc.num_sentences() as u32) < MIN_ALIGNED_SENTENCES {
            return (0.0, 0);
        }
        let t = self.threshold;
        // Sentences of `short` that could match at all: the weight of their words found anywhere
        // in `long` must reach the threshold share of their own weight. Sums run in the same
        // order as in `alignment_exhaustive`.
        let mut total = 0.0;
        sc.open.clear();
        for (k, s) in short.doc.sentences().take(MAX_ALIGNED_SPAN).enumerate() {
            let (mut m, mut possible) = (Mass::default(), 0.0);
            for &i in s {
                let x = short.weight(i);
                m.add(x);
                // Adding +0 leaves any sum but -0 unchanged, and `possible` is only compared.
                possible += if sc.in_long[i as usize] != u32::MAX { x } else { 0.0 };
            }
            total += m.sum;
            if m.sum > 0.0 && possible >= t * m.sum {
                sc.open.push((k as u32, m, possible.min(m.sum)));
            }
        }
        if total <= 0.0 || (sc.open.len() as u32) < MIN_ALIGNED_SENTENCES {
            return (0.0, 0);
        }
        if sc.open.iter().map(|o| o.1.sum).sum::<f64>() / total < t {
            return (0.0, 0);
        }
        // What the sentences still open and the matches so far could add to the heaviest chain,
        // at most: a sentence's credit is its weight times a lower bound of its overlap with its
        // match, so at most the weight of its words found anywhere in `long`.
        let mut possible: f64 = sc.open.iter().map(|o| o.2).sum::<f64>();
        if give_up {
            if possible * PRUNE_SLACK < t * total {
                return (0.0, 0);
            }
            // The sentences with the most to lose first: a pair that cannot align gives up
            // sooner. Each sentence's match does not depend on the order; the chain is taken
            // over the matches in sentence order.
            sc.open.sort_unstable_by(|x, y| y.2.total_cmp(&x.2).then(x.0.cmp(&y.0)));
        }
        sc.index_long(long);
        sc.matches.clear();
        let Scratch { in_long, open, found, start, holders, long_mass, acc, touched, matches, .. } = sc;
        // Indexing stays in bounds: `in_long` values are positions in `long`'s bag, which `start`
        // has a slot for (plus one); `holders` and `touched` hold sentence numbers of `long`
        // below `long_mass.len() == acc.len()`, and `touched` has a slot per such sentence.
        for &(ks, ms, bound) in open.iter() {
            let s = short.doc.sentence(ks as usize);
            found.clear();
            found.extend(
                s.iter().filter(|&&i| in_long[i as usize] != u32::MAX).map(|&i| (in_long[i as usize], short.weight(i))),
            );
            // The cut: with `c = threshold × w(s) / |found|`, words lighter than `c` weigh less than
            // `threshold × w(s)` together. Very long sentences are not pruned (their sums' rounding
            // could approach the slack).
            let (mut cut, mut light) = (f64::NEG_INFINITY, 0.0);
            let budget = t * ms.sum;
            if found.len() <= MAX_PRUNED_WORDS {
                let c = budget / found.len() as f64;
                let wl = found.iter().fold(0.0, |acc, &(_, x)| acc + if x < c { x } else { 0.0 });
                if wl * PRUNE_SLACK < budget {
                    (cut, light) = (c, wl);
                }
            }
            // Weight of the heavy words each sentence of `long` holds; `touched` lists each
            // sentence once (weights are positive, so a sum is 0 only before its first word).
            let mut nt = 0;
            for &(j, x) in found.iter() {
                if x < cut {
                    continue;
                }
                for &k in &holders[start[j as usize] as usize..start[j as usize + 1] as usize] {
                    touched[nt] = k;
                    nt += usize::from(acc[k as usize] == 0.0);
                    acc[k as usize] += x;
                }
            }
            // The best match: highest lower bound, then the earliest sentence (the exhaustive scan
            // goes in position order and keeps the first of equal bounds).
            let mut best = (usize::MAX, 0.0);
            for &k in &touched[..nt] {
                let heavy = std::mem::take(&mut acc[k as usize]);
                let mk = long_mass[k as usize];
                let denom = ms.sum.max(mk.sum);
                if (heavy + light) * PRUNE_SLACK < t * denom {
                    continue;
                }
                let shared = sorted_shared(found, long.doc.sentence(k as usize));
                if shared / denom < t {
                    continue;
                }
                let (lower, _, _) = Verifier::overlap(ms, mk, shared);
                if lower > best.1 || (lower == best.1 && lower > 0.0 && (k as usize) < best.0) {
                    best = (k as usize, lower);
                }
            }
            // How sure the sentence's match is (0: no match).
            let sure = if best.0 != usize::MAX && best.1 >= t { best.1 } else { 0.0 };
            if sure > 0.0 {
                // Credit: the sentence's weight times how sure its match is.
                matches.push((ks, best.0, sure * ms.sum));
            }
            possible -= bound - sure * ms.sum;
            if give_up && possible * PRUNE_SLACK < t * total {
                return (0.0, 0);
            }
        }
        matches.sort_unstable_by_key(|m| m.0);
        let (len, aligned) = heaviest_chain(matches, |&(_, k, credit)| (k, credit), &mut sc.best_at);
        if aligned < MIN_ALIGNED_SENTENCES {
            return (0.0, aligned);
        }
        ((len / total).min(1.0), aligned)
    }

    /// Ordered sentence alignment of `short` against `long`; `in_long[i]` is the position in
    /// `long`'s bag of `short`'s `i`-th word, or `u32::MAX`. Scores every sentence pair that
    /// shares a word: the reference for [`alignment`](Self::alignment), and what runs when some
    /// weight is not positive (weights of an [`Idf`] from which documents were removed that
    /// were never added), where its bounds would not hold.
    fn alignment_exhaustive(&self, short: &Weighted<'_>, long: &Weighted<'_>, in_long: &[u32]) -> (f64, u32) {
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
        let (len, aligned) = heaviest_chain(&matches, |&m| m, &mut Vec::new());
        if aligned < MIN_ALIGNED_SENTENCES {
            return (0.0, aligned);
        }
        ((len / total).min(1.0), aligned)
    }
}

/// The heaviest chain of `matches` (each `at` of them: position in the long text, weight)
/// strictly increasing in position, in O(m²) for m matched sentences: (its weight, its length).
/// `best_at` is scratch.
fn heaviest_chain<T>(matches: &[T], at: impl Fn(&T) -> (usize, f64), best_at: &mut Vec<(f64, u32)>) -> (f64, u32) {
    best_at.clear();
    let mut overall = (0.0f64, 0u32);
    for x in 0..matches.len() {
        let (px, wx) = at(&matches[x]);
        let mut b = (wx, 1);
        for y in 0..x {
            if at(&matches[y]).0 < px && best_at[y].0 + wx > b.0 {
                b = (best_at[y].0 + wx, best_at[y].1 + 1);
            }
        }
        best_at.push(b);
        if b.0 > overall.0 {
            overall = b;
        }
    }
    overall
}

/// The summed weight of the words of `found` ((position in the long text's bag, weight),
/// ascending) that `sentence` (ascending bag positions) holds, added in `found`'s order.
fn sorted_shared(found: &[(u32, f64)], sentence: &[u32]) -> f64 {
    let (mut p, mut q, mut shared) = (0, 0, 0.0);
    while p < found.len() && q < sentence.len() {
        match found[p].0.cmp(&sentence[q]) {
            std::cmp::Ordering::Less => p += 1,
            std::cmp::Ordering::Greater => q += 1,
            std::cmp::Ordering::Equal => {
                shared += found[p].1;
                p += 1;
                q += 1;
            }
        }
    }
    shared
}

/// Relative slack of the pruning bounds of [`Verifier::alignment`]. Sums of at most
/// [`MAX_PRUNED_WORDS`] positive terms are off by less than 2^20 × 2^-53 ≈ 1.2e-10 of their
/// value; a bound must beat the threshold by this much more to prune.
const PRUNE_SLACK: f64 = 1.0 + 1e-9;

/// Sentences with more words found in the other text than this are never pruned.
const MAX_PRUNED_WORDS: usize = 1 << 20;

/// Reusable buffers of [`Verifier`] for many pairs, and lookup tables of the last document with
/// more sentences, kept while pairs share it.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Identity of the document the tables are for: (batch position, bag address, bag length,
    /// prepared weights' address); `None` when unknown or to be rebuilt.
    long: Option<(usize, usize, usize, usize)>,
    /// Bucket starts of the long document's bag by the top bits of each word hash (a radix
    /// table: hashes are sorted, so each bucket is a range of bag positions); `radix_bits` bits.
    radix: Vec<u32>,
    radix_bits: u32,
    /// Number of possible word keys: 0 for 32-bit hashes, the vocabulary's size for dense ids.
    /// Buckets spread keys over it (see [`bucket`]).
    key_space: u64,
    /// `key_space`'s bucket multiplier for `radix`.
    radix_scale: u64,
    /// Whether the sentence tables below are built for `long`.
    indexed: bool,
    /// Which of the long document's sentences hold each of its words: `holders[start[j]..start[j
    /// + 1]]` for bag position `j`, ascending.
    start: Vec<u32>,
    holders: Vec<u32>,
    /// Weight statistics of each of the long document's sentences.
    long_mass: Vec<Mass>,
    /// Per sentence of the long document: accumulated weight (0 between uses).
    acc: Vec<f64>,
    /// Sentences of the long document touched by one sentence of the short one.
    touched: Vec<u32>,
    /// Position in the long document's bag of each word of the short one's, or `u32::MAX`.
    in_long: Vec<u32>,
    /// Bag positions of the short document's shared words, ascending.
    matched: Vec<u32>,
    /// Sentences of the short document that could match: (number, mass, weight of its words
    /// found in the long document).
    open: Vec<(u32, Mass, f64)>,
    /// The words of one sentence found in the long document: (position there, weight).
    found: Vec<(u32, f64)>,
    /// Matched sentences: (number in the short document, position of its match in the long
    /// one, its credit), in the order found.
    matches: Vec<(u32, usize, f64)>,
    best_at: Vec<(f64, u32)>,
}

impl Scratch {
    /// Makes `long` (batch position `id`, if known) the document the tables are for.
    fn use_long(&mut self, long: &Weighted<'_>, id: Option<usize>) {
        let key = id.map(|id| (id, long.doc.bag().as_ptr() as usize, long.doc.bag().len(), long.bag.as_ptr() as usize));
        if key.is_none() || key != self.long {
            self.long = key;
            self.indexed = false;
            self.build_radix(long.doc.bag());
        }
    }

    fn build_radix(&mut self, y: &[u32]) {
        // Twice as many buckets as words or more (up to 2^31): most hold none or one word.
        let bits = (usize::BITS - y.len().leading_zeros() + 1).min(31);
        self.radix_bits = bits;
        // Keys below `key_space` times this stay below 2^64, spread over the whole range.
        self.radix_scale = u64::MAX.checked_div(self.key_space).unwrap_or(1 << 32);
        let scale = self.radix_scale;
        self.radix.clear();
        self.radix.resize((1usize << bits) + 1, 0);
        for &h in y {
            self.radix[bucket(h, scale, bits)] += 1;
        }
        let mut run = 0u32;
        for c in &mut self.radix {
            let n = *c;
            *c = run;
            run += n;
        }
    }

    /// Fills `in_long` and `matched` for `short` against the long document of
    /// [`use_long`](Self::use_long), and returns the shared weight: `short`'s weights of the
    /// shared words, added in bag order (as a merge of the two sorted bags would).
    fn intersect(&mut self, short: &Weighted<'_>, long: &Weighted<'_>) -> f64 {
        let n = self.lookup(short.doc.bag(), long.doc.bag());
        self.matched[..n].iter().fold(0.0, |acc, &i| acc + short.weight(i))
    }

    /// Sets `in_long` to the position in `y` (sorted, distinct, with the radix table built) of
    /// each word of `x`, or `u32::MAX`, and the first slots of `matched` to the positions in `x`
    /// of the words found, ascending; returns their number.
    fn lookup(&mut self, x: &[u32], y: &[u32]) -> usize {
        self.in_long.clear();
        self.in_long.resize(x.len(), u32::MAX);
        self.matched.clear();
        self.matched.resize(x.len() + 1, 0);
        let Some(last) = y.len().checked_sub(1) else { return 0 };
        let (bits, scale) = (self.radix_bits, self.radix_scale);
        let mut n = 0;
        // In bounds: `radix` has a slot per bucket plus one, its values are positions up to
        // `y.len()`, probes are clamped to `last`, and `n` counts at most `x.len()` matches.
        let (radix, in_long, matched) = (&self.radix[..], &mut self.in_long[..], &mut self.matched[..]);
        for (i, &h) in x.iter().enumerate() {
            let b = bucket(h, scale, bits);
            let (lo, hi) = (radix[b] as usize, radix[b + 1] as usize);
            // The first two words of the bucket without branches; longer buckets are rare.
            let (p0, p1) = (lo.min(last), (lo + 1).min(last));
            let hit0 = (lo < hi) & (y[p0] == h);
            let hit1 = (lo + 1 < hi) & (y[p1] == h);
            let mut at = if hit1 { p1 as u32 } else { u32::MAX };
            at = if hit0 { p0 as u32 } else { at };
            if hi > lo + 2 {
                for (p, &w) in y.iter().enumerate().take(hi).skip(lo + 2) {
                    if w == h {
                        at = p as u32;
                    }
                }
            }
            in_long[i] = at;
            matched[n] = i as u32;
            n += usize::from(at != u32::MAX);
        }
        n
    }

    /// Builds the sentence tables of the long document, unless they are built.
    fn index_long(&mut self, long: &Weighted<'_>) {
        if self.indexed {
            return;
        }
        self.indexed = true;
        // Counting sort by bag position. In bounds: every sentence word is a bag position, and
        // `holders` has exactly as many slots as those words.
        let nb = long.doc.bag().len();
        self.start.clear();
        self.start.resize(nb + 1, 0);
        self.long_mass.clear();
        let mut words = 0;
        for ls in long.doc.sentences().take(MAX_ALIGNED_SPAN) {
            for &i in ls {
                self.start[i as usize] += 1;
            }
            words += ls.len();
            self.long_mass.push(long.sentence_mass(ls));
        }
        // Exclusive ends first; filling backwards turns them into starts.
        let mut run = 0u32;
        for c in &mut self.start {
            run += *c;
            *c = run;
        }
        self.holders.clear();
        self.holders.resize(words, 0);
        for k in (0..self.long_mass.len()).rev() {
            for &i in long.doc.sentence(k).iter().rev() {
                let c = &mut self.start[i as usize];
                *c -= 1;
                self.holders[*c as usize] = k as u32;
            }
        }
        self.acc.clear();
        self.acc.resize(self.long_mass.len(), 0.0);
        self.touched.clear();
        self.touched.resize(self.long_mass.len() + 1, 0);
    }
}

/// The radix bucket of key `h` among `2^bits`: the top bits of `h × scale`, where `scale` spreads
/// the keys over 64 bits (2^32 for hashes). Monotone in `h`, so each bucket of a sorted bag is a
/// range of positions; below `2^bits` for keys below the key space (others go to the last
/// bucket, and are then found or not by the scan, never out of bounds).
#[inline]
fn bucket(h: u32, scale: u64, bits: u32) -> usize {
    let top = (u64::from(h).wrapping_mul(scale) >> (64 - bits)) as usize;
    top.min((1 << bits) - 1)
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

    /// The next value of a xorshift64 generator.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Texts from a small vocabulary with a few very common words (held by most sentences), and
    /// variants of them (sentences dropped, moved, reworded), so that many pairs align.
    fn random_texts(seed: u64, n: usize) -> Vec<String> {
        let mut state = seed;
        let mut next = move |m: usize| (xorshift(&mut state) % m as u64) as usize;
        let word = |k: usize| {
            let letters = b"bcdfghjklmnpqrstvwxz";
            let mut w = String::from("q");
            let mut k = k + 1;
            while k > 0 {
                w.push(letters[k % letters.len()] as char);
                k /= letters.len();
            }
            w
        };
        let mut texts: Vec<String> = Vec::new();
        while texts.len() < n {
            let sentences: Vec<String> = (0..3 + next(30))
                .map(|_| {
                    let len = 1 + next(14);
                    // Skewed: half the words come from the 6 most common ones.
                    let words: Vec<String> =
                        (0..len).map(|_| word(if next(2) == 0 { next(6) } else { next(400) })).collect();
                    // Capitalized, or the sentence splitter does not split.
                    format!("Q{}", &words.join(" ")[1..])
                })
                .collect();
            texts.push(sentences.join(". "));
            for _ in 0..next(4) {
                let mut v: Vec<String> = sentences.iter().filter(|_| next(5) != 0).cloned().collect();
                if v.len() > 2 && next(2) == 0 {
                    let s = v.remove(next(v.len()));
                    v.insert(next(v.len()), s);
                }
                for s in &mut v {
                    if next(3) == 0 {
                        s.push_str(&format!(" {}", word(next(400))));
                    }
                }
                texts.push(v.join(". "));
            }
        }
        texts
    }

    #[test]
    fn radix_lookup_finds_what_a_merge_finds() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || xorshift(&mut state);
        let mut sc = Scratch::default();
        for round in 0..400 {
            // Some rounds draw from a narrow range of hashes: crowded buckets.
            let spread = if round % 3 == 0 { 1 << 12 } else { u64::from(u32::MAX) + 1 };
            let mut set = |len: usize| {
                let mut v: Vec<u32> = (0..len).map(|_| (next() % spread) as u32).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let (x, y) = (set(round % 97 * 7), set(1 + round % 89 * 11));
            sc.build_radix(&y);
            let n = sc.lookup(&x, &y);
            let expected: Vec<u32> = x.iter().map(|h| y.binary_search(h).map_or(u32::MAX, |p| p as u32)).collect();
            assert_eq!(sc.in_long, expected);
            let found: Vec<u32> = (0..x.len() as u32).filter(|&i| expected[i as usize] != u32::MAX).collect();
            assert_eq!(&sc.matched[..n], &found[..]);
        }
        // Dense ids: keys below a key space, spread over the buckets by it.
        for space in [1u64, 2, 50, 5000, 1 << 20] {
            sc.key_space = space;
            let mut set = |len: usize| {
                let mut v: Vec<u32> = (0..len).map(|_| (next() % space) as u32).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let (x, y) = (set(300), set(200));
            sc.build_radix(&y);
            let n = sc.lookup(&x, &y);
            let expected: Vec<u32> = x.iter().map(|h| y.binary_search(h).map_or(u32::MAX, |p| p as u32)).collect();
            assert_eq!(sc.in_long, expected);
            assert_eq!(n, expected.iter().filter(|&&p| p != u32::MAX).count());
        }
        sc.key_space = 0;
        // Every hash in one bucket.
        let y: Vec<u32> = (0..50).collect();
        sc.build_radix(&y);
        let n = sc.lookup(&[3, 49, 50, u32::MAX], &y);
        assert_eq!((n, &sc.in_long[..]), (2, &[3, 49, u32::MAX, u32::MAX][..]));
    }

    /// Verification over dense word ids gives the evidence of verification over word hashes
    /// with prepared weights, bit for bit.
    #[test]
    fn dense_ids_give_the_same_evidence() {
        let docs: Vec<DocFeatures> =
            random_texts(11, 200).iter().map(|t| DocFeatures::extract(t, &mut FeatureBuffer::default())).collect();
        for prior in [0.0, 5.0] {
            let idf = Idf::new(&docs, prior);
            let v = Verifier::new(&idf, 0.35);
            let prepared: Vec<Prepared> = docs.iter().map(|d| v.prepare(d)).collect();
            let mut dense_docs = docs.clone();
            let vocab = crate::group::dense::Vocabulary::densify(&mut dense_docs, |d| d, |d| d, prior);
            let dense = vocab.weights();
            let sides: Vec<Side> = dense_docs.iter().map(|d| Side::dense(d, &dense)).collect();
            let (mut scratch, mut ds) = (Scratch::default(), DenseScratch::default());
            let mut aligned = 0;
            for a in 0..docs.len() {
                for b in a.saturating_sub(9)..docs.len().min(a + 9) {
                    let ids = Some((a, b));
                    let slow = v.measure(&docs[a], &prepared[a], &docs[b], &prepared[b], ids, &mut scratch);
                    let fast = v.measure_dense(
                        (&dense_docs[a], &dense_docs[b]),
                        (a, b),
                        &dense,
                        (sides[a], sides[b]),
                        &mut ds,
                    );
                    let bits =
                        |m: &Measured| (m.shared.to_bits(), m.alignment.to_bits(), m.numbers.to_bits(), m.aligned);
                    assert_eq!(fast.as_ref().map(bits), slow.as_ref().map(bits), "{a} {b}");
                    let (ea, eb) = (prepared[a].side(&docs[a]), prepared[b].side(&docs[b]));
                    assert_eq!(
                        (ea.mass.sum.to_bits(), ea.mass.sum_sq.to_bits()),
                        (sides[a].mass.sum.to_bits(), sides[a].mass.sum_sq.to_bits())
                    );
                    assert_eq!(eb.alignable, sides[b].alignable);
                    aligned += usize::from(fast.is_some_and(|m| m.aligned >= MIN_ALIGNED_SENTENCES));
                }
            }
            assert!(aligned > 100, "{aligned}");
        }
    }

    #[test]
    fn pruned_alignment_is_the_exhaustive_one() {
        let docs: Vec<DocFeatures> =
            random_texts(7, 300).iter().map(|t| DocFeatures::extract(t, &mut FeatureBuffer::default())).collect();
        let idf = Idf::new(&docs, 0.0);
        let mut aligned = 0;
        for threshold in [0.2, 0.35, 0.5, 0.8, 1.0] {
            let v = Verifier::new(&idf, threshold);
            let prepared: Vec<Prepared> = docs.iter().map(|d| v.prepare(d)).collect();
            assert!(prepared.iter().all(|p| p.positive));
            let exhaustive: Vec<Prepared> =
                prepared.iter().map(|p| Prepared { positive: false, ..p.clone() }).collect();
            let mut scratch = Scratch::default();
            for a in 0..docs.len() {
                for b in a.saturating_sub(12)..docs.len().min(a + 12) {
                    let fast =
                        v.evidence_with(&docs[a], &prepared[a], &docs[b], &prepared[b], Some((a, b)), &mut scratch);
                    let slow = v.evidence_prepared(&docs[a], &exhaustive[a], &docs[b], &exhaustive[b]);
                    let bits = |e: &Evidence| {
                        [e.score, e.overlap, e.shared, e.containment, e.alignment, e.numbers].map(f64::to_bits)
                    };
                    assert_eq!(bits(&fast), bits(&slow), "{a} {b} at {threshold}: {fast:?} {slow:?}");
                    assert_eq!((fast.aligned_sentences, fast.exact), (slow.aligned_sentences, slow.exact));
                    aligned += usize::from(fast.aligned_sentences >= MIN_ALIGNED_SENTENCES);
                }
            }
        }
        assert!(aligned > 1000, "{aligned}");
    }
}
