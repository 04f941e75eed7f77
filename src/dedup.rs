//! The top-level entry point: [`Deduplicator`] and its builder.

use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::group::dense::Vocabulary;
use crate::group::verify::{DenseScratch, Measured, Side};
use crate::group::{
    self, DocFeatures, Evidence, FeatureBuffer, Grouping, Idf, KeywordConfig, Link, SentenceCounts, Stage, Verifier,
    Weights,
};
use crate::lsh::{BandingParams, candidate_pairs_by_key};
use crate::minhash::MinHashSignature;
use crate::minhash::{MinHashConfig, MinHasher, Scheme, SignBuffer};
use crate::shingle::{ShingleConfig, ShingleUnit};
use crate::text::{Filter, Normalizer};

/// One candidate stage: MinHash signatures over one kind of shingle, banded for a Jaccard
/// threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Channel {
    /// What is shingled.
    pub shingle: ShingleConfig,
    /// The Jaccard similarity around which pairs become candidates.
    pub threshold: f64,
}

impl Channel {
    /// Word 5-grams at Jaccard 0.5: copies and light edits.
    pub fn copies() -> Channel {
        Channel { shingle: ShingleConfig::words(5), threshold: 0.5 }
    }

    /// Content words (English stopwords removed) at a low Jaccard: rewrites.
    pub fn rewrites() -> Channel {
        Channel { shingle: ShingleConfig::words(1).with_filter(Filter::EnglishStopwords), threshold: 0.25 }
    }
}

/// Every setting of a [`Deduplicator`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Config {
    /// Hashes per MinHash signature.
    pub num_hashes: u32,
    /// Seed of every hash.
    pub seed: u64,
    /// MinHash scheme.
    pub scheme: Scheme,
    /// Candidate stages; a pair proposed by any of them is verified.
    pub channels: Vec<Channel>,
    /// Verified score at or above which two documents are linked.
    pub threshold: f64,
    /// LSH buckets larger than this link each member to the bucket's first members only.
    pub max_bucket: usize,
    /// Texts longer than this many bytes are processed on their first `max_text_bytes` bytes
    /// (cut at a character boundary). At most [`MAX_TEXT_BYTES`].
    pub max_text_bytes: usize,
    /// Prior number of documents for word weights (see [`Idf`]).
    pub idf_prior: f64,
    /// The rare-word candidate stage for rewrites; `None` turns it off.
    pub keywords: Option<KeywordConfig>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            num_hashes: 128,
            seed: 0,
            scheme: Scheme::OnePermutation,
            channels: vec![Channel::copies()],
            threshold: 0.35,
            max_bucket: 64,
            max_text_bytes: 16 << 20,
            idf_prior: 0.0,
            keywords: Some(KeywordConfig::default()),
        }
    }
}

/// The largest accepted [`Config::max_text_bytes`]: 1 GiB. Per-text word and sentence
/// positions are 32-bit, which this bound keeps from overflowing.
pub const MAX_TEXT_BYTES: usize = 1 << 30;

/// Builds a [`Deduplicator`]; setters take `&mut self` and [`build`](Self::build) validates.
///
/// # Example
///
/// ```
/// use reprint::Deduplicator;
/// use reprint::shingle::ShingleConfig;
///
/// # fn main() -> reprint::Result<()> {
/// let dedup = Deduplicator::builder().num_hashes(256).threshold(0.5).build()?;
/// assert_eq!(dedup.config().num_hashes, 256);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct DeduplicatorBuilder {
    config: Config,
}

impl DeduplicatorBuilder {
    /// Hashes per signature (default 128).
    pub fn num_hashes(&mut self, k: u32) -> &mut Self {
        self.config.num_hashes = k;
        self
    }

    /// Seed of every hash (default 0).
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.config.seed = seed;
        self
    }

    /// MinHash scheme (default [`Scheme::OnePermutation`]).
    pub fn scheme(&mut self, scheme: Scheme) -> &mut Self {
        self.config.scheme = scheme;
        self
    }

    /// Replaces the candidate stages.
    pub fn channels(&mut self, channels: Vec<Channel>) -> &mut Self {
        self.config.channels = channels;
        self
    }

    /// The shingles of the first candidate stage (default word 5-grams).
    pub fn shingle(&mut self, shingle: ShingleConfig) -> &mut Self {
        if let Some(c) = self.config.channels.first_mut() {
            c.shingle = shingle;
        } else {
            self.config.channels.push(Channel { shingle, threshold: 0.5 });
        }
        self
    }

    /// The Jaccard threshold of the first candidate stage (default 0.5).
    pub fn lsh_threshold(&mut self, threshold: f64) -> &mut Self {
        if let Some(c) = self.config.channels.first_mut() {
            c.threshold = threshold;
        }
        self
    }

    /// The verified score at or above which documents are linked.
    pub fn threshold(&mut self, threshold: f64) -> &mut Self {
        self.config.threshold = threshold;
        self
    }

    /// Bucket size above which LSH buckets are thinned (default 64).
    pub fn max_bucket(&mut self, n: usize) -> &mut Self {
        self.config.max_bucket = n;
        self
    }

    /// Texts longer than this are processed on their first `n` bytes, cut at a character
    /// boundary (default 16 MiB, at most [`MAX_TEXT_BYTES`]). The rest of such a text is
    /// ignored: it changes neither its signatures, nor its verification, nor its group.
    pub fn max_text_bytes(&mut self, n: usize) -> &mut Self {
        self.config.max_text_bytes = n;
        self
    }

    /// Replaces the whole configuration.
    pub fn config(&mut self, config: Config) -> &mut Self {
        self.config = config;
        self
    }

    /// Validates the configuration and builds the deduplicator. Can be called again.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) with a message saying what to change
    /// when a setting makes no sense: zero hashes, no candidate stage, a threshold outside
    /// (0, 1], a shingle size of 0, a bucket cap below 2 or a text limit of 0 or above
    /// [`MAX_TEXT_BYTES`].
    pub fn build(&self) -> Result<Deduplicator> {
        let c = &self.config;
        if c.channels.is_empty() && c.keywords.is_none() {
            return Err(Error::config(
                "at least one candidate stage is needed: a MinHash channel or the keyword stage",
            ));
        }
        if let Some(kw) = &c.keywords {
            if kw.per_doc == 0 || kw.min_shared == 0 || kw.min_shared > kw.per_doc || kw.max_df < 2 {
                return Err(Error::config(format!(
                    "keyword stage {kw:?} makes no sense: need per_doc >= min_shared >= 1 and max_df >= 2"
                )));
            }
        }
        if c.channels.len() > 250 {
            return Err(Error::config("at most 250 candidate channels"));
        }
        if !(c.threshold > 0.0 && c.threshold <= 1.0) {
            return Err(Error::config(format!("threshold {} is outside (0, 1]; 0.35 is the default", c.threshold)));
        }
        if c.max_bucket < 2 {
            return Err(Error::config("max_bucket must be at least 2"));
        }
        if c.max_text_bytes == 0 {
            return Err(Error::config("max_text_bytes must be at least 1"));
        }
        if c.max_text_bytes > MAX_TEXT_BYTES {
            return Err(Error::config(format!(
                "max_text_bytes {} is above the maximum of {MAX_TEXT_BYTES} (1 GiB); 16 MiB is the default",
                c.max_text_bytes
            )));
        }
        if !(c.idf_prior.is_finite() && c.idf_prior >= 0.0) {
            return Err(Error::config("idf_prior must be finite and non-negative"));
        }
        let mut stages = Vec::new();
        for ch in &c.channels {
            if !(ch.threshold > 0.0 && ch.threshold <= 1.0) {
                return Err(Error::config(format!(
                    "channel threshold {} is outside (0, 1]; it is a Jaccard similarity (0.5 for copies)",
                    ch.threshold
                )));
            }
            let mh = MinHashConfig { num_hashes: c.num_hashes, seed: c.seed, scheme: c.scheme, shingle: ch.shingle };
            let hasher = MinHasher::new(mh)?;
            let banding = BandingParams::from_threshold(ch.threshold, c.num_hashes)?;
            stages.push((hasher, banding));
        }
        Ok(Deduplicator { config: c.clone(), stages })
    }
}

/// Groups texts that are the same story: copies, trimmed copies and rewrites.
///
/// The pipeline, run in parallel with the `parallel` feature:
/// 1. each text is normalized and shingled, and a MinHash signature is computed per
///    candidate channel;
/// 2. LSH banding proposes candidate pairs; identical texts are linked directly;
/// 3. every candidate pair is verified with a sharper score ([`Evidence`]) and linked when
///    the score reaches the threshold;
/// 4. links become groups that resist chaining ([`group::cluster`]).
///
/// Output is deterministic: the same groups and representatives whatever the thread count or
/// input order. A group's representative is the member with the highest total verified score
/// to the rest of its component; ties go to the member with more content words, then to the
/// smallest id.
///
/// # Example
///
/// ```
/// use reprint::Deduplicator;
///
/// # fn main() -> reprint::Result<()> {
/// let story = "Armenian forces accused Azerbaijan of breaking a ceasefire brokered by Russia. \
///              Azerbaijan dismissed the reports as completely false. Talks on the region's \
///              future were held in the town of Yevlakh on Thursday.";
/// let copy = format!("World News\n\n{story}\n\nShare this article");
/// let other = "The central bank raised interest rates by half a point on Wednesday, \
///              its fourth increase this year, citing persistent inflation.";
/// let dedup = Deduplicator::new();
/// let grouping = dedup.group(&[("a", story), ("b", copy.as_str()), ("c", other)])?;
/// assert_eq!(grouping.group_of(0), grouping.group_of(1));
/// assert_ne!(grouping.group_of(0), grouping.group_of(2));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Deduplicator {
    config: Config,
    stages: Vec<(MinHasher, BandingParams)>,
}

impl Default for Deduplicator {
    fn default() -> Deduplicator {
        Deduplicator::new()
    }
}

impl Deduplicator {
    /// A builder starting from the defaults.
    pub fn builder() -> DeduplicatorBuilder {
        DeduplicatorBuilder::default()
    }

    /// The deduplicator with the default configuration.
    pub fn new() -> Deduplicator {
        // The default configuration is valid (checked by a unit test).
        match DeduplicatorBuilder::default().build() {
            Ok(d) => d,
            Err(e) => unreachable!("the default configuration is invalid: {e}"),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The MinHasher and banding of each candidate channel.
    pub fn stages(&self) -> &[(MinHasher, BandingParams)] {
        &self.stages
    }

    pub(crate) fn clip<'t>(&self, text: &'t str) -> &'t str {
        if text.len() <= self.config.max_text_bytes {
            return text;
        }
        let mut end = self.config.max_text_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    }

    /// Everything the pipeline derives from one text: a signature per channel, the content
    /// features verification uses, and a fingerprint of the normalized text.
    pub fn analyze(&self, text: &str) -> Analysis {
        self.analyze_with(text, &mut AnalyzeBuffer::default())
    }

    /// The text is normalized once, for the fingerprint and the signatures. An ASCII text is
    /// also cut into words once: feature extraction gives each word it finds to the word
    /// shingles of every channel (the words of the normalized text, see
    /// [`DocFeatures::extract_ascii_with`]).
    fn analyze_with(&self, text: &str, buf: &mut AnalyzeBuffer) -> Analysis {
        let text = self.clip(text);
        let AnalyzeBuffer { sign, normalized, features } = buf;
        Normalizer::new().normalize_into(text, normalized);
        let fingerprint = (!normalized.is_empty()).then(|| xxh3_64(normalized.as_bytes()));
        if sign.len() < self.stages.len() {
            sign.resize_with(self.stages.len(), SignBuffer::new);
        }
        let words = |h: &MinHasher| h.config().shingle.unit() == ShingleUnit::Words;
        for ((h, _), b) in self.stages.iter().zip(sign.iter_mut()) {
            if words(h) {
                h.start_tokens(b);
            }
        }
        let fused = DocFeatures::extract_ascii_with(text, features, |word, padded| {
            for ((h, _), b) in self.stages.iter().zip(sign.iter_mut()) {
                if words(h) {
                    h.push_token(b, word, padded);
                }
            }
        });
        let ascii = fused.is_some();
        let features = fused.unwrap_or_else(|| DocFeatures::extract(text, features));
        let signatures = self
            .stages
            .iter()
            .zip(sign.iter_mut())
            .map(
                |((h, _), b)| {
                    if ascii && words(h) { h.finish_tokens(b) } else { h.sign_normalized_with(normalized, b) }
                },
            )
            .collect();
        Analysis { signatures, features, fingerprint }
    }

    /// [`analyze`](Self::analyze) for many texts, in parallel with the `parallel` feature.
    pub fn analyze_batch<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Vec<Analysis> {
        let pool = BufferPool::<AnalyzeBuffer>::default();
        crate::par::map_with(texts, || pool.take(), |buf, t| self.analyze_with(t.as_ref(), buf.get()))
    }

    /// The evidence that two analyzed texts are the same story, under word weights `idf`
    /// (counted per document; grouping counts them per family of near copies, see [`Idf`], so a
    /// pair scored here can differ from its score in a [`group`](Self::group) over a batch with
    /// near copies).
    pub fn verify(&self, a: &Analysis, b: &Analysis, idf: &Idf) -> Evidence {
        self.verify_with(a, b, idf.weights())
    }

    /// [`verify`](Self::verify) under any weights (family weights for grouping).
    pub(crate) fn verify_with(&self, a: &Analysis, b: &Analysis, weights: Weights<'_>) -> Evidence {
        exact_evidence(a, b).unwrap_or_else(|| {
            Verifier::with_weights(weights, self.config.threshold).evidence(&a.features, &b.features)
        })
    }

    /// Removes from each analysis the sentences that recur across the batch far more often than
    /// the rest of its text (site boilerplate; see [`SentenceCounts`]). Signatures and
    /// fingerprints are left as they are.
    pub fn strip_boilerplate(&self, analyses: &mut [Analysis]) {
        strip_in_place(analyses, |a| &a.features, |a| &mut a.features, false);
    }

    /// Word weights over a set of analyzed texts, with this configuration's prior, counted per
    /// document (grouping counts them per family of near copies; see [`Idf`]).
    pub fn idf<'a>(&self, analyses: impl IntoIterator<Item = &'a Analysis>) -> Idf {
        Idf::new(analyses.into_iter().map(|a| &a.features), self.config.idf_prior)
    }

    /// Groups texts identified by their position in `texts`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) if there are more than 2^32 texts.
    pub fn group_texts<T: AsRef<str> + Sync>(&self, texts: &[T]) -> Result<Grouping> {
        let refs: Vec<&str> = texts.iter().map(|t| t.as_ref()).collect();
        Ok(self.score_canonical(&refs, Keep::Linked)?.group(self.config.threshold))
    }

    /// Groups `(id, text)` items. Positions in the returned [`Grouping`] are input positions.
    ///
    /// The result does not depend on the order of `items`: internally, documents are processed
    /// in id order.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) if two items share an id, or there are
    /// more than 2^32 items.
    pub fn group<Id: Ord, T: AsRef<str> + Sync>(&self, items: &[(Id, T)]) -> Result<Grouping> {
        Ok(self.score_items(items, Keep::Linked)?.group(self.config.threshold))
    }

    /// Runs the pipeline up to verification: every candidate pair with its evidence, whatever
    /// its score. [`Scored::group`] then groups at any threshold without recomputing, which is
    /// what threshold sweeps need.
    ///
    /// # Errors
    ///
    /// As [`group`](Self::group).
    pub fn score<Id: Ord, T: AsRef<str> + Sync>(&self, items: &[(Id, T)]) -> Result<Scored> {
        self.score_items(items, Keep::All)
    }

    /// [`score`](Self::score), keeping the pairs `keep` asks for.
    fn score_items<Id: Ord, T: AsRef<str> + Sync>(&self, items: &[(Id, T)], keep: Keep) -> Result<Scored> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&a, &b| items[a].0.cmp(&items[b].0));
        for w in order.windows(2) {
            if items[w[0]].0 == items[w[1]].0 {
                return Err(Error::input(format!("items {} and {} have the same id", w[0], w[1])));
            }
        }
        let texts: Vec<&str> = order.iter().map(|&i| items[i].1.as_ref()).collect();
        let mut scored = self.score_canonical(&texts, keep)?;
        scored.order = order;
        Ok(scored)
    }

    /// Scores texts in canonical order, keeping the pairs `keep` asks for.
    fn score_canonical(&self, texts: &[&str], keep: Keep) -> Result<Scored> {
        let n = texts.len();
        if n > u32::MAX as usize {
            return Err(Error::input("more than 2^32 texts in one batch"));
        }
        // First pass: each text's fingerprint and, for each channel, whether its signature is
        // empty and the signature's band keys (one flat table). Candidates are found and the keys
        // freed before the second pass extracts features, so the two are never held together.
        // With the keyword stage on, the rows also hold the signature values (two to a slot), to
        // tell near copies among the candidates (see `families`).
        let with_values = self.config.keywords.is_some();
        let slots = |h: &MinHasher, b: &BandingParams| {
            1 + b.bands() as usize + if with_values { (h.config().num_hashes as usize).div_ceil(2) } else { 0 }
        };
        let width: usize = self.stages.iter().map(|(h, b)| slots(h, b)).sum();
        let init = || (SignBuffer::new(), String::new());
        let (keys, prints) = crate::par::fill_rows_with(texts, width, init, |(sign, normalized), t, row| {
            Normalizer::new().normalize_into(self.clip(t), normalized);
            let mut at = 0;
            for (hasher, banding) in &self.stages {
                let bands = banding.bands() as usize;
                let sig = hasher.sign_normalized_with(normalized, sign);
                // The row has `slots(hasher, banding)` slots per channel: presence, band keys, values.
                let end = at + slots(hasher, banding);
                if let Some((present, rest)) = row.get_mut(at..end).and_then(|s| s.split_first_mut()) {
                    *present = u64::from(!sig.is_empty());
                    let (keys, values) = rest.split_at_mut(bands.min(rest.len()));
                    for (b, k) in keys.iter_mut().enumerate() {
                        *k = banding.band_key(&sig, b);
                    }
                    for (slot, two) in values.iter_mut().zip(sig.values().chunks(2)) {
                        *slot = two.iter().rev().fold(0u64, |acc, &v| (acc << 32) | u64::from(v));
                    }
                }
                at = end;
            }
            // Eight bytes a text: a hash of 0 stands as 1 (one more 64-bit collision).
            (!normalized.is_empty())
                .then(|| std::num::NonZeroU64::new(xxh3_64(normalized.as_bytes())).unwrap_or(std::num::NonZeroU64::MIN))
        });
        // Candidates from every channel, remembering the first channel that proposed each.
        let mut candidates: Vec<(u32, u32, u8)> = Vec::new();
        // Where each channel's slots start in a row.
        let mut starts = Vec::with_capacity(self.stages.len());
        let mut at = 0;
        for (c, (hasher, banding)) in self.stages.iter().enumerate() {
            let bands = banding.bands() as usize;
            starts.push(at);
            // Row `i` of `keys` is `keys[i * width..(i + 1) * width]`, and this channel's slots are
            // `at..at + slots(hasher, banding)` of it; `i < n <= u32::MAX`.
            let present: Vec<u32> = (0..n).filter(|&i| keys[i * width + at] != 0).map(|i| i as u32).collect();
            let key = |i: u32, b: usize| keys[i as usize * width + at + 1 + b];
            let pairs = candidate_pairs_by_key(&present, bands, self.config.max_bucket, key);
            candidates.extend(pairs.into_iter().map(|(a, b)| (a, b, c as u8)));
            at += slots(hasher, banding);
        }
        // Near copies among the candidates make families, over which the keyword stage ranks
        // words and word weights are counted: the same test as `near_copies` on the values.
        let family = match self.config.keywords {
            Some(_) => families(n, &candidates, |a, b, c| {
                // `c` is a channel and `a`, `b` positions below `n`: their slots are in `keys`.
                let (hasher, banding) = &self.stages[c];
                let k = hasher.config().num_hashes as usize;
                let from = starts[c] + 1 + banding.bands() as usize;
                let (x, y) = (&keys[a * width + from..], &keys[b * width + from..]);
                let equal = (0..k)
                    .filter(|&v| (x[v / 2] >> (32 * (v % 2))) as u32 == (y[v / 2] >> (32 * (v % 2))) as u32)
                    .count();
                keys[a * width + starts[c]] != 0 && keys[b * width + starts[c]] != 0 && near_enough(equal, k)
            }),
            None => Vec::new(),
        };
        drop(keys);
        drop(starts);
        // Second pass: verification features, without the sentences that are boilerplate across
        // the batch (each document's stripped features replace its own at once).
        let pool = BufferPool::<FeatureBuffer>::default();
        let mut features: Vec<DocFeatures> =
            crate::par::map_with(texts, || pool.take(), |buf, t| DocFeatures::extract(self.clip(t), buf.get()));
        drop(pool);
        strip_in_place(&mut features, |f| f, |f| f, true);
        // Words become dense ids: frequencies and weights are then arrays indexed by word.
        let mut vocab = Vocabulary::densify(&mut features, |f| f, |f| f, self.config.idf_prior);
        // Family frequency of each word id: its document frequency less the members of a family
        // holding it beyond the first. Word weights count families: N is the number of families,
        // a word's frequency the number of families holding it.
        let family_df = vocab.family_frequencies(&family, |i| features[i].bag());
        vocab.count_families(num_families(n, &family), family_df.as_deref(), self.config.idf_prior);
        drop(family);
        if let Some(kw) = &self.config.keywords {
            let docs: Vec<&DocFeatures> = features.iter().collect();
            let found = kw.candidate_pairs_dense(&docs, &vocab, family_df);
            candidates.extend(found.into_iter().map(|(a, b)| (a, b, KEYWORDS)));
        }
        // Identical normalized texts (non-empty) are linked to the first of their kind.
        let mut by_print: Vec<(u64, u32)> =
            prints.iter().enumerate().filter_map(|(i, p)| p.map(|f| (f.get(), i as u32))).collect();
        crate::par::sort_unstable(&mut by_print);
        for run in by_print.chunk_by(|x, y| x.0 == y.0) {
            for &(_, j) in &run[1..] {
                candidates.push((run[0].1.min(j), run[0].1.max(j), u8::MAX));
            }
        }
        crate::par::sort_unstable(&mut candidates);
        candidates.dedup_by_key(|x| (x.0, x.1));
        candidates.shrink_to_fit();
        drop(by_print);
        // Weights come from `vocab`; the verifier's own are not used.
        let idf = Idf::with_docs(n, self.config.idf_prior);
        let verifier = match keep {
            Keep::All => Verifier::new(&idf, self.config.threshold),
            // Pairs below the threshold are dropped: their alignments may be given up.
            Keep::Linked => Verifier::new(&idf, self.config.threshold).linked_only(),
        };
        let dense = vocab.weights();
        // Pairs are verified grouped by their document with more sentences, whose lookup tables
        // each worker's scratch then builds once per run of pairs. Results are written back in
        // candidate order, a slice of pairs at a time to bound the memory in flight.
        let mut by_long: Vec<u32> = if candidates.len() <= u32::MAX as usize {
            group_by_longer(&candidates, |i| features[i].num_sentences())
        } else {
            Vec::new() // More than 2^32 pairs are verified in candidate order.
        };
        if let Keep::Linked = keep {
            // Linked pairs are put back in candidate order at the end: the candidates themselves
            // can take the verification order, and the order need not be held beside them.
            permute(&mut candidates, &mut by_long);
            by_long = Vec::new();
        }
        // What the evidence needs of each document, also to decide which pairs a grouping keeps.
        let sides: Vec<Side> = crate::par::map(&features, |f| Side::dense(f, &dense));
        let pair_of = |(a, b, stage): (u32, u32, u8)| Pair { a, b, stage, exact: false, measured: Measured::default() };
        let mut pairs: Vec<Pair> = match keep {
            Keep::All => candidates.iter().copied().map(pair_of).collect(),
            Keep::Linked => Vec::new(),
        };
        // When only linked pairs are kept, slices are verified from the last, and the candidates
        // verified are freed as the linked pairs accumulate.
        let starts: Vec<usize> = (0..candidates.len()).step_by(VERIFY_SLICE).collect();
        for i in 0..starts.len() {
            let start = match keep {
                Keep::All => starts[i],
                Keep::Linked => starts[starts.len() - 1 - i],
            };
            let end = candidates.len().min(start + VERIFY_SLICE);
            let slice: Vec<usize> = match by_long.get(start..end) {
                Some(s) => s.iter().map(|&k| k as usize).collect(),
                None => (start..end).collect(),
            };
            let measured: Vec<Option<Measured>> = crate::par::map_with(&slice, DenseScratch::default, |ds, &k| {
                let (a, b) = (candidates[k].0 as usize, candidates[k].1 as usize);
                if identical(prints[a].map(|p| p.get()), prints[b].map(|p| p.get())) {
                    return None;
                }
                // `measure_dense` gives `None` only when a document has no word, and a zero `Measured`
                // then gives the same evidence.
                let docs = (&features[a], &features[b]);
                let m = verifier.measure_dense(docs, (a, b), &dense, (sides[a], sides[b]), ds);
                Some(m.unwrap_or_default())
            });
            // `slice` holds positions of `candidates` (`by_long` is a permutation of them), which
            // `pairs` has one slot each for when it keeps all.
            for (&k, m) in slice.iter().zip(measured) {
                let mut pair = pair_of(candidates[k]);
                match m {
                    Some(m) => pair.measured = m,
                    None => pair.exact = true,
                }
                match keep {
                    Keep::All => pairs[k] = pair,
                    Keep::Linked => {
                        if pair.link(&sides).evidence.score >= self.config.threshold {
                            pairs.push(pair);
                        }
                    }
                }
            }
            if let Keep::Linked = keep {
                candidates.truncate(start);
                candidates.shrink_to_fit();
            }
        }
        drop(candidates);
        if let Keep::Linked = keep {
            // In candidate order, as when all are kept.
            pairs.sort_unstable_by_key(|p| (p.a, p.b));
            pairs.shrink_to_fit();
        }
        let priority = features.iter().map(|f| f.len() as u64).collect();
        Ok(Scored { pairs, sides, priority, order: (0..n).collect() })
    }
}

/// Removes from the documents of `items` the sentences that are boilerplate across them (see
/// [`SentenceCounts`]), each document's stripped features replacing its own at once; with
/// `forget_keys`, their sentence keys are then dropped (the batch needs them no more).
fn strip_in_place<T: Send + Sync>(
    items: &mut [T],
    doc: impl Fn(&T) -> &DocFeatures,
    doc_mut: impl Fn(&mut T) -> &mut DocFeatures + Sync + Send,
    forget_keys: bool,
) {
    let docs: Vec<&DocFeatures> = items.iter().map(doc).collect();
    let counts = SentenceCounts::of_batch(&docs);
    drop(docs);
    crate::par::for_each_mut(items, |i, item| {
        let f = doc_mut(item);
        if let Some(s) = counts.strip(i, f) {
            *f = s;
        }
        if forget_keys {
            f.forget_sentence_keys();
        }
    });
}

/// Estimated Jaccard similarity of shingles (by a candidate channel's signatures) from which two
/// documents are near copies of each other, for [`families`].
const FAMILY_JACCARD: f64 = 0.5;

/// Whether two analyses are near copies by their signatures on `channel` (an empty signature
/// is near nothing).
pub(crate) fn near_copies(a: &Analysis, b: &Analysis, channel: usize) -> bool {
    match (a.signatures.get(channel), b.signatures.get(channel)) {
        (Some(x), Some(y)) if !x.is_empty() && !y.is_empty() => {
            let equal = x.values().iter().zip(y.values()).filter(|(p, q)| p == q).count();
            near_enough(equal, x.values().len())
        }
        _ => false,
    }
}

/// Whether `equal` of `k` signature values agreeing makes two documents near copies: an
/// estimated Jaccard similarity of at least [`FAMILY_JACCARD`], computed as
/// `MinHashSignature::jaccard` computes it.
fn near_enough(equal: usize, k: usize) -> bool {
    k > 0 && equal as f64 / k as f64 >= FAMILY_JACCARD
}

/// Each document's near-copy family, as its lowest member's position: documents joined by a
/// candidate pair `(a, b, channel)` for which `near(a, b, channel)` holds, transitively. Pairs
/// of other stages (keywords, exact texts) are not looked at.
pub(crate) fn families(
    n: usize,
    candidates: &[(u32, u32, u8)],
    near: impl Fn(usize, usize, usize) -> bool + Sync,
) -> Vec<u32> {
    // Positions fit in `u32` (the caller refuses more than 2^32 texts), pair ends are below `n`.
    let joined: Vec<bool> = crate::par::map(candidates, |&(a, b, c)| near(a as usize, b as usize, c as usize));
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    for (&(a, b, _), _) in candidates.iter().zip(&joined).filter(|x| *x.1) {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        // The lower root stays a root, so every family's root is its lowest member.
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
    (0..n as u32).map(|i| root(&mut parent, i)).collect()
}

/// The words that several members of one family hold, with how many members beyond the first
/// hold each: `(word, members - 1)` ascending by word, from the members' bags. A word's family
/// frequency is its document frequency less the sum of these over every family.
pub(crate) fn member_excess<'a>(bags: impl IntoIterator<Item = &'a [u32]>, words: &mut Vec<u32>) -> Vec<(u32, u32)> {
    words.clear();
    for bag in bags {
        words.extend_from_slice(bag);
    }
    words.sort_unstable();
    // Runs of `chunk_by` are not empty; a run is at most the number of members (a `u32` count
    // of documents) long.
    words.chunk_by(|a, b| a == b).filter(|r| r.len() > 1).map(|r| (r[0], r.len() as u32 - 1)).collect()
}

/// What [`member_excess`] gives summed over every family of two or more members (see
/// [`families`]: `family[i]` is the lowest member of `i`'s family), or `None` when every
/// family is one document (family frequencies are then the document frequencies).
#[cfg(test)]
pub(crate) fn family_excess<'a>(
    family: &[u32],
    bag: impl Fn(usize) -> &'a [u32] + Sync,
) -> Option<rustc_hash::FxHashMap<u32, u32>> {
    let mut excess: rustc_hash::FxHashMap<u32, u32> = Default::default();
    let any = for_each_excess(family, bag, |w, e| *excess.entry(w).or_insert(0) += e);
    any.then_some(excess)
}

/// Calls `add(word, members - 1)` for each word that several members of one family hold, family
/// after family (see [`member_excess`]); whether some family has two or more members.
pub(crate) fn for_each_excess<'a>(
    family: &[u32],
    bag: impl Fn(usize) -> &'a [u32] + Sync,
    mut add: impl FnMut(u32, u32),
) -> bool {
    // Families by their first document: `(first, member)` sorted; `family` holds positions.
    let mut members: Vec<(u32, u32)> = family
        .iter()
        .enumerate()
        .filter(|&(i, &f)| f as usize != i)
        .flat_map(|(i, &f)| [(f, f), (f, i as u32)])
        .collect();
    if members.is_empty() {
        return false;
    }
    crate::par::sort_unstable(&mut members);
    members.dedup();
    let runs: Vec<&[(u32, u32)]> = members.chunk_by(|x, y| x.0 == y.0).collect();
    // Families a few thousand at a time on every worker, their words then added in order.
    for chunk in runs.chunks(1 << 12) {
        let found = crate::par::map_with(chunk, Vec::new, |words, run| {
            member_excess(run.iter().map(|&(_, m)| bag(m as usize)), words)
        });
        for (w, e) in found.into_iter().flatten() {
            add(w, e);
        }
    }
    true
}

/// The number of families of `n` documents (see [`families`]: `family[i]` is the lowest member
/// of `i`'s family; an empty `family` means every document is a family of its own).
pub(crate) fn num_families(n: usize, family: &[u32]) -> usize {
    if family.is_empty() {
        return n;
    }
    family.iter().enumerate().filter(|&(i, &f)| f as usize == i).count()
}

/// Positions of `pairs` ordered by the end with more sentences (`sentences(end)`; the second
/// end on ties, as verification picks it), then by position: a stable counting sort.
fn group_by_longer(pairs: &[(u32, u32, u8)], sentences: impl Fn(usize) -> usize) -> Vec<u32> {
    let longer = |&(a, b, _): &(u32, u32, u8)| {
        if sentences(a as usize) <= sentences(b as usize) { b as usize } else { a as usize }
    };
    let n = pairs.iter().map(|p| p.0.max(p.1) as usize + 1).max().unwrap_or(0);
    let mut start = vec![0usize; n + 1];
    for p in pairs {
        start[longer(p) + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    // Positions fit in `u32`: callers have no more pairs than that.
    let mut order = vec![0; pairs.len()];
    for (k, p) in pairs.iter().enumerate() {
        let e = longer(p);
        order[start[e]] = k as u32;
        start[e] += 1;
    }
    order
}

/// Reorders `items` so that `items[i]` becomes the old `items[order[i]]`, in place; `order` (a
/// permutation of the positions, or empty for none) is used up.
fn permute<T: Copy>(items: &mut [T], order: &mut [u32]) {
    if order.len() != items.len() {
        return;
    }
    // Positions are below `items.len() == order.len()`; a position done is marked `u32::MAX`.
    for i in 0..items.len() {
        if order[i] == u32::MAX {
            continue;
        }
        let first = items[i];
        let mut j = i;
        loop {
            let k = order[j] as usize;
            order[j] = u32::MAX;
            if k == i || k >= items.len() {
                items[j] = first;
                break;
            }
            items[j] = items[k];
            j = k;
        }
    }
}

/// The evidence of two texts identical after normalization.
const EXACT: Evidence = Evidence {
    score: 1.0,
    overlap: 0.0,
    shared: 0.0,
    containment: 0.0,
    alignment: 0.0,
    aligned_sentences: 0,
    numbers: 0.0,
    exact: true,
};

/// The evidence of two texts identical after normalization (non-empty), or `None`.
fn exact_evidence(a: &Analysis, b: &Analysis) -> Option<Evidence> {
    identical(a.fingerprint, b.fingerprint).then_some(EXACT)
}

/// Whether two texts are identical after normalization (and not empty), by their fingerprints.
fn identical(a: Option<u64>, b: Option<u64>) -> bool {
    a.is_some() && a == b
}

/// Which verified pairs a batch keeps.
#[derive(Clone, Copy, Debug)]
enum Keep {
    /// Every candidate pair, for [`Scored`] at any threshold.
    All,
    /// The pairs linked at the configured threshold: all that grouping at it needs.
    Linked,
}

/// Stage number of the keyword stage in candidate lists.
const KEYWORDS: u8 = u8::MAX - 1;

/// Candidate pairs verified per parallel run (their evidence is held until written back).
const VERIFY_SLICE: usize = 1 << 16;

/// One verified candidate pair, by canonical positions: its [`Link`] without what follows from
/// each document ([`Side`]), 40 bytes instead of 80.
#[derive(Clone, Copy, Debug)]
struct Pair {
    measured: Measured,
    a: u32,
    b: u32,
    /// Stage number of the candidate stage that first proposed it.
    stage: u8,
    /// The texts are identical after normalization.
    exact: bool,
}

impl Pair {
    /// The link between canonical positions.
    fn link(&self, sides: &[Side]) -> Link {
        let (a, b) = (self.a as usize, self.b as usize);
        if self.exact {
            return Link { a, b, stage: Stage::Exact, evidence: EXACT };
        }
        // Positions are below `sides.len()` (see `Scored`).
        let evidence = self.measured.evidence(sides[a], sides[b]);
        let stage = match self.stage {
            KEYWORDS => Stage::Keywords,
            c => Stage::MinHash(c),
        };
        Link { a, b, stage, evidence }
    }
}

/// What [`Deduplicator::analyze`] derives from one text.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// One MinHash signature per candidate channel.
    pub signatures: Vec<MinHashSignature>,
    /// Content words and sentences for verification.
    pub features: DocFeatures,
    /// xxh3 of the normalized text, `None` when it is empty.
    pub fingerprint: Option<u64>,
}

#[derive(Debug, Default)]
struct AnalyzeBuffer {
    /// One per channel.
    sign: Vec<SignBuffer>,
    normalized: String,
    features: FeatureBuffer,
}

/// Analysis buffers handed from one parallel job to the next: a worker runs many jobs of a
/// batch, and each buffer's word cache then warms up once per worker rather than once per job.
#[derive(Debug)]
struct BufferPool<T>(std::sync::Mutex<Vec<T>>);

impl<T> Default for BufferPool<T> {
    fn default() -> Self {
        BufferPool(std::sync::Mutex::new(Vec::new()))
    }
}

impl<T: Default> BufferPool<T> {
    /// A buffer from the pool, or a new one; it goes back when dropped.
    fn take(&self) -> Pooled<'_, T> {
        let buf = self.0.lock().ok().and_then(|mut v| v.pop());
        Pooled { buf, pool: self }
    }
}

/// A buffer of a [`BufferPool`], returned to it on drop.
#[derive(Debug)]
struct Pooled<'p, T> {
    buf: Option<T>,
    pool: &'p BufferPool<T>,
}

impl<T: Default> Pooled<'_, T> {
    fn get(&mut self) -> &mut T {
        self.buf.get_or_insert_with(T::default)
    }
}

impl<T> Drop for Pooled<'_, T> {
    fn drop(&mut self) {
        if let (Some(buf), Ok(mut pool)) = (self.buf.take(), self.pool.0.lock()) {
            pool.push(buf);
        }
    }
}

/// Every candidate pair of a batch with its verification evidence, before thresholding.
///
/// Only [`Deduplicator::score`] makes one, so its invariants hold: pair ends are canonical
/// positions below `sides.len() == priority.len()`, and `order` is a permutation of those
/// positions.
#[derive(Clone, Debug)]
pub struct Scored {
    /// Pairs between canonical positions.
    pairs: Vec<Pair>,
    /// What evidence needs of each document, by canonical position.
    sides: Vec<Side>,
    /// Representative tie-break per canonical position.
    priority: Vec<u64>,
    /// `order[canonical position] = input position`.
    order: Vec<usize>,
}

impl Scored {
    /// Every verified candidate pair, by input position (`a < b`), in no particular order.
    pub fn links(&self) -> impl Iterator<Item = Link> + '_ {
        self.pairs.iter().map(|p| {
            let l = p.link(&self.sides);
            let (a, b) = (self.order[l.a], self.order[l.b]);
            Link { a: a.min(b), b: a.max(b), ..l }
        })
    }

    /// Number of candidate pairs.
    pub fn num_candidates(&self) -> usize {
        self.pairs.len()
    }

    /// Heap bytes held: the pairs with their evidence, and the per-document statistics that
    /// evidence is rebuilt from.
    pub fn heap_bytes(&self) -> usize {
        self.pairs.capacity() * std::mem::size_of::<Pair>()
            + self.sides.capacity() * std::mem::size_of::<Side>()
            + self.priority.capacity() * std::mem::size_of::<u64>()
            + self.order.capacity() * std::mem::size_of::<usize>()
    }

    /// Groups with links whose score is at least `threshold`.
    pub fn group(&self, threshold: f64) -> Grouping {
        // The links kept, as positions of `pairs`: each is rebuilt when needed rather than held
        // (80 bytes) beside the grouping built from them.
        let mut kept: Vec<usize> = Vec::new();
        let mut weighted: Vec<(usize, usize, f64)> = Vec::new();
        for (k, p) in self.pairs.iter().enumerate() {
            let l = p.link(&self.sides);
            if l.evidence.score >= threshold {
                kept.push(k);
                weighted.push((l.a, l.b, l.evidence.score));
            }
        }
        let labels = group::cluster(self.priority.len(), &weighted, &self.priority);
        drop(weighted);
        // Labels and links in input positions, grouped once: what grouping in canonical
        // positions and then remapping gives, without the canonical grouping held beside it.
        // Labels and link ends are canonical positions, below `order.len()`.
        let mut input_labels = vec![0; labels.len()];
        for (p, &l) in labels.iter().enumerate() {
            input_labels[self.order[p]] = self.order[l];
        }
        let links = kept.into_iter().map(|k| {
            // `k` is a position of `pairs`.
            let l = self.pairs[k].link(&self.sides);
            let (a, b) = (self.order[l.a], self.order[l.b]);
            Link { a: a.min(b), b: a.max(b), ..l }
        });
        Grouping::new(&input_labels, links)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_reorders_in_place() {
        let mut items: Vec<u32> = (100..110).collect();
        let mut order = vec![3, 0, 1, 2, 9, 5, 6, 8, 7, 4];
        let expected: Vec<u32> = order.iter().map(|&k| items[k as usize]).collect();
        permute(&mut items, &mut order);
        assert_eq!(items, expected);
        // No order: nothing moves.
        permute(&mut items, &mut []);
        assert_eq!(items, expected);
    }

    #[test]
    fn default_config_is_valid() {
        assert!(DeduplicatorBuilder::default().build().is_ok());
    }

    #[test]
    fn bad_configs_are_refused_with_advice() {
        let e = Deduplicator::builder().threshold(0.0).build().unwrap_err();
        assert!(e.to_string().contains("threshold"));
        assert!(Deduplicator::builder().threshold(1.5).build().is_err());
        assert!(Deduplicator::builder().num_hashes(0).build().unwrap_err().to_string().contains("num_hashes"));
        assert!(Deduplicator::builder().shingle(ShingleConfig::words(0)).build().is_err());
        let mut c = Config::default();
        c.channels.clear();
        c.keywords = None;
        assert!(Deduplicator::builder().config(c).build().is_err());
        assert!(Deduplicator::builder().lsh_threshold(f64::NAN).build().is_err());
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let d = Deduplicator::new();
        assert_eq!(d.group(&[(1, "a"), (1, "b")]).unwrap_err().kind(), crate::ErrorKind::Input);
    }

    #[test]
    fn empty_and_tiny_inputs() {
        let d = Deduplicator::new();
        let g = d.group_texts::<&str>(&[]).unwrap();
        assert!(g.is_empty());
        let g = d.group_texts(&["", "  ", "", "a", "b"]).unwrap();
        assert_eq!(g.groups().len(), 5);
    }

    /// Channels of every kind: word shingles of several sizes, with and without a filter, and
    /// character shingles (which are never fed by feature extraction).
    fn every_kind_of_channel() -> Deduplicator {
        let channels = vec![
            Channel::copies(),
            Channel::rewrites(),
            Channel { shingle: ShingleConfig::words(2), threshold: 0.5 },
            Channel { shingle: ShingleConfig::chars(4), threshold: 0.5 },
        ];
        Deduplicator::builder().channels(channels).build().unwrap()
    }

    /// What `analyze` must give: each channel's signature of the raw text, the features of the
    /// raw text and the hash of its normalized form, each computed on its own.
    fn analyze_separately(d: &Deduplicator, text: &str) -> Analysis {
        let signatures = d.stages().iter().map(|(h, _)| h.sign(text)).collect();
        let normalized = Normalizer::new().normalize(text);
        let fingerprint = (!normalized.is_empty()).then(|| xxh3_64(normalized.as_bytes()));
        let features = DocFeatures::extract(text, &mut FeatureBuffer::default());
        Analysis { signatures, features, fingerprint }
    }

    #[test]
    fn analysis_equals_each_part_computed_alone() {
        let d = every_kind_of_channel();
        for text in [
            "",
            " \n\r\n ",
            "one",
            "The U.S. said: \"no\".\r\nIt was 3.5% of $1,000.50 at 10:30; a:b x__y __ _.\n\nThe end",
            "don't\tstop\x0b\x0cme\x7fnow\r\rplease.\nline.\n.line\n'quoted'\n",
            "Azerbaijan’s “truce” – ended. Ça va? ＮＡＴＯ said so.\nNext line is ASCII only.",
        ] {
            assert_eq!(d.analyze(text), analyze_separately(&d, text), "{text:?}");
        }
    }

    #[test]
    fn batch_analysis_equals_one_text_at_a_time() {
        let d = every_kind_of_channel();
        let texts: Vec<String> =
            (0..300).map(|i| format!("Text {i} says “hello” to w{} and z{}.\nLine two.", i % 17, i % 5)).collect();
        let one: Vec<Analysis> = texts.iter().map(|t| d.analyze(t)).collect();
        assert_eq!(d.analyze_batch(&texts), one);
    }

    proptest::proptest! {
        /// One buffer for a run of texts, ASCII or not, each analyzed in one pass.
        #[test]
        fn analysis_equals_each_part_computed_alone_for_any_text(
            texts in proptest::collection::vec(
                "([a-dA-D0-9_.,:;'!?\"$%-]{1,7}( |  |\t|\n|\r\n|\r|\x0b|\x7f|\x00)){0,30}|\\PC{0,40}",
                1..6,
            )
        ) {
            let d = every_kind_of_channel();
            let mut buf = AnalyzeBuffer::default();
            for text in &texts {
                proptest::prop_assert_eq!(d.analyze_with(text, &mut buf), analyze_separately(&d, text));
            }
        }
    }

    #[test]
    fn long_texts_are_clipped_at_a_char_boundary() {
        let d = Deduplicator::builder().max_text_bytes(5).build().unwrap();
        assert_eq!(d.clip("ééé"), "éé");
        let g = d.group_texts(&["ééé", "ééx"]).unwrap();
        assert_eq!(g.len(), 2);
    }
}
