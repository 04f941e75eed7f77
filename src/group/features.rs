//! Per-document features for verification: content words in order, cut into sentences.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::text::{Normalizer, Tokenizer, sentences};

/// Seed of word hashes.
const WORD_SEED: u64 = 0x5245_5052_494E_5431;

/// The words of one document, sentence by sentence, for verification.
///
/// Words are normalized and lowercased, stemmed with the Snowball English stemmer (words with a
/// digit are kept as they are), then hashed to 32 bits. Stopwords are kept: word weights make
/// them cheap, and they still tell "the ban was lifted" from "a ban was lifted in" a little.
/// Kept compact: four bytes per distinct word, plus four per distinct word of each sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocFeatures {
    /// Distinct word hashes, sorted.
    bag: Vec<u32>,
    /// Each sentence's distinct words as positions in `bag`, ascending, sentences in text order.
    sentence_words: Vec<u32>,
    /// End offset (exclusive) in `sentence_words` of each sentence.
    sentence_ends: Vec<u32>,
    /// A hash of each sentence's word set, to find sentences that recur across documents.
    sentence_keys: Vec<u32>,
    /// Number of words (with repeats).
    total: u32,
    /// Hashes of the distinct words that hold a digit (numbers, dates, amounts), sorted.
    numbers: Vec<u32>,
}

/// Reusable buffers for [`DocFeatures::extract`], including a cache of word hashes (stemming is
/// the costly step, and a few thousand frequent words make up most of any text).
pub struct FeatureBuffer {
    normalized: String,
    stemmer: rust_stemmers::Stemmer,
    cache: FxHashMap<String, u32>,
}

/// Words cached per buffer before the cache is cleared.
const CACHE_LIMIT: usize = 1 << 16;

impl Default for FeatureBuffer {
    fn default() -> FeatureBuffer {
        FeatureBuffer {
            normalized: String::new(),
            stemmer: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
            cache: FxHashMap::default(),
        }
    }
}

impl std::fmt::Debug for FeatureBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatureBuffer").finish_non_exhaustive()
    }
}

/// The hash of a word as verification sees it: stemmed unless it holds a digit.
#[inline]
fn word_hash(word: &str, stemmer: &rust_stemmers::Stemmer) -> u32 {
    let h = if word.bytes().any(|b| b.is_ascii_digit()) {
        xxh3_64_with_seed(word.as_bytes(), WORD_SEED)
    } else {
        xxh3_64_with_seed(stemmer.stem(word).as_bytes(), WORD_SEED)
    };
    (h ^ (h >> 32)) as u32
}

/// Whether `h` is the [`word_hash`] of an English stopword: such words are kept in features
/// (they carry a little weight) but are never keywords of the candidate stage.
pub(crate) fn is_stopword_hash(h: u32) -> bool {
    /// The sorted hashes, and a bitmap of their low 12 bits that rules most words out at once.
    static HASHES: std::sync::OnceLock<(Vec<u32>, [u64; 64])> = std::sync::OnceLock::new();
    let (hashes, low) = HASHES.get_or_init(|| {
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let mut v: Vec<u32> = crate::text::ENGLISH_STOPWORDS.iter().map(|w| word_hash(w, &stemmer)).collect();
        v.sort_unstable();
        v.dedup();
        let mut low = [0u64; 64];
        for &h in &v {
            low[(h >> 6 & 63) as usize] |= 1 << (h & 63);
        }
        (v, low)
    });
    low[(h >> 6 & 63) as usize] >> (h & 63) & 1 == 1 && hashes.binary_search(&h).is_ok()
}

impl DocFeatures {
    /// Extracts the features of `text`.
    pub fn extract(text: &str, buf: &mut FeatureBuffer) -> DocFeatures {
        // Word hashes sentence by sentence, each sentence sorted and without repeats.
        let mut words: Vec<u32> = Vec::new();
        let mut ends: Vec<u32> = Vec::new();
        let mut total = 0u32;
        let mut numbers: Vec<u32> = Vec::new();
        let normalizer = Normalizer::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            for sentence in sentences(line) {
                normalizer.normalize_into(sentence, &mut buf.normalized);
                let before = words.len();
                let (stemmer, cache) = (&buf.stemmer, &mut buf.cache);
                let numbers = &mut numbers;
                Tokenizer::Words.for_each_token(&buf.normalized, |t| {
                    if t.bytes().any(|b| b.is_ascii_digit()) {
                        numbers.push(word_hash(t, stemmer));
                    }
                    let h = match cache.get(t) {
                        Some(&h) => h,
                        None => {
                            let h = word_hash(t, stemmer);
                            if cache.len() >= CACHE_LIMIT {
                                cache.clear();
                            }
                            cache.insert(t.to_string(), h);
                            h
                        }
                    };
                    words.push(h);
                });
                if words.len() > before {
                    total = total.saturating_add((words.len() - before) as u32);
                    words[before..].sort_unstable();
                    let mut end = before + 1;
                    for k in before + 1..words.len() {
                        if words[k] != words[end - 1] {
                            words[end] = words[k];
                            end += 1;
                        }
                    }
                    words.truncate(end);
                    ends.push(words.len() as u32);
                }
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        let mut f = DocFeatures::from_sentences(&words, &ends, total);
        f.numbers = numbers;
        f
    }

    /// Builds features from each sentence's sorted distinct word hashes (concatenated, with
    /// exclusive end offsets).
    fn from_sentences(words: &[u32], ends: &[u32], total: u32) -> DocFeatures {
        let mut bag = words.to_vec();
        bag.sort_unstable();
        bag.dedup();
        bag.shrink_to_fit();
        // Sentences keep their sort order when mapped to positions in the sorted bag.
        let sentence_words: Vec<u32> = words.iter().map(|w| bag.binary_search(w).map_or(0, |i| i as u32)).collect();
        let mut start = 0usize;
        let mut bytes: Vec<u8> = Vec::new();
        let sentence_keys = ends
            .iter()
            .map(|&e| {
                let s = words.get(start..e as usize).unwrap_or_default();
                start = e as usize;
                bytes.clear();
                bytes.extend(s.iter().flat_map(|w| w.to_le_bytes()));
                let h = xxh3_64_with_seed(&bytes, WORD_SEED);
                (h ^ (h >> 32)) as u32
            })
            .collect();
        DocFeatures { bag, sentence_words, sentence_ends: ends.to_vec(), sentence_keys, total, numbers: Vec::new() }
    }

    /// Hashes of the distinct words that hold a digit, sorted.
    pub fn numbers(&self) -> &[u32] {
        &self.numbers
    }

    /// A hash of each sentence's set of words, in sentence order.
    pub fn sentence_keys(&self) -> &[u32] {
        &self.sentence_keys
    }

    /// The same document without the sentences for which `drop` is true.
    pub fn without_sentences(&self, drop: impl Fn(usize) -> bool) -> DocFeatures {
        // Kept sentences keep their words, their order and their keys (a key hashes the sorted
        // word hashes of its sentence, which do not change): only bag positions move, to those of
        // the words still in use, and the bag stays sorted. The same features as extracting the
        // kept sentences anew would give. Indexes are in bounds: sentences hold bag positions,
        // with one key per sentence (`extract` builds them so and `decode` refuses anything else).
        let keep: Vec<bool> = (0..self.num_sentences()).map(|k| !drop(k)).collect();
        let mut remap = vec![u32::MAX; self.bag.len()];
        let (mut words, mut kept, mut total) = (0usize, 0usize, 0u32);
        for (s, _) in self.sentences().zip(&keep).filter(|x| *x.1) {
            for &i in s {
                remap[i as usize] = 0;
            }
            words += s.len();
            kept += 1;
            total = total.saturating_add(s.len() as u32);
        }
        let mut bag = Vec::with_capacity(remap.iter().filter(|&&r| r == 0).count());
        for (r, &w) in remap.iter_mut().zip(&self.bag) {
            if *r == 0 {
                *r = bag.len() as u32;
                bag.push(w);
            }
        }
        let mut sentence_words = Vec::with_capacity(words);
        let mut sentence_ends = Vec::with_capacity(kept);
        let mut sentence_keys = Vec::with_capacity(kept);
        for ((s, &key), _) in self.sentences().zip(&self.sentence_keys).zip(&keep).filter(|x| *x.1) {
            sentence_words.extend(s.iter().map(|&i| remap[i as usize]));
            sentence_ends.push(sentence_words.len() as u32);
            sentence_keys.push(key);
        }
        let numbers = self.numbers.iter().copied().filter(|n| bag.binary_search(n).is_ok()).collect();
        DocFeatures { bag, sentence_words, sentence_ends, sentence_keys, total, numbers }
    }

    /// Number of words, repeats included.
    pub fn len(&self) -> usize {
        self.total as usize
    }

    /// Whether the document has no word.
    pub fn is_empty(&self) -> bool {
        self.bag.is_empty()
    }

    /// Distinct word hashes, sorted.
    pub fn bag(&self) -> &[u32] {
        &self.bag
    }

    /// The sentences, each as the ascending positions in [`bag`](Self::bag) of its words.
    pub fn sentences(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let mut start = 0usize;
        self.sentence_ends.iter().map(move |&e| {
            // Ends ascend and the last is `sentence_words.len()`: `extract` builds them so and
            // `decode` refuses features that break it; `get` keeps even a broken value harmless.
            let s = self.sentence_words.get(start..e as usize).unwrap_or_default();
            start = e as usize;
            s
        })
    }

    /// Sentence `k` as [`sentences`](Self::sentences) yields it (empty when there is no such
    /// sentence), without walking the ones before it.
    pub(crate) fn sentence(&self, k: usize) -> &[u32] {
        let start = match k.checked_sub(1) {
            Some(p) => self.sentence_ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = self.sentence_ends.get(k).map_or(0, |&e| e as usize);
        self.sentence_words.get(start..end).unwrap_or_default()
    }

    /// Number of sentences.
    pub fn num_sentences(&self) -> usize {
        self.sentence_ends.len()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        (self.bag.capacity()
            + self.sentence_words.capacity()
            + self.sentence_ends.capacity()
            + self.sentence_keys.capacity())
            * 4
    }

    /// Appends these features to `out` as `u32`s, for index files (`crate::index`);
    /// [`decode`](Self::decode) reads them back. Keep the two in step with the fields.
    pub(crate) fn encode(&self, out: &mut Vec<u32>) {
        out.extend_from_slice(&[
            self.total,
            self.bag.len() as u32,
            self.sentence_ends.len() as u32,
            self.numbers.len() as u32,
        ]);
        out.extend_from_slice(&self.numbers);
        out.extend_from_slice(&self.bag);
        out.extend_from_slice(&self.sentence_ends);
        out.extend_from_slice(&self.sentence_keys);
        out.extend_from_slice(&self.sentence_words);
    }

    /// Reads back [`encode`](Self::encode)'s output; `None` for anything `extract` cannot
    /// produce, so corrupted data never reaches verification.
    pub(crate) fn decode(data: &[u32]) -> Option<DocFeatures> {
        let (&[total, bag_len, num_sentences, num_numbers], rest) = data.split_first_chunk::<4>()?;
        let numbers = rest.get(..num_numbers as usize)?;
        let rest = &rest[numbers.len()..];
        let bag = rest.get(..bag_len as usize)?;
        let rest = &rest[bag.len()..];
        let ends = rest.get(..num_sentences as usize)?;
        let rest = &rest[ends.len()..];
        let keys = rest.get(..num_sentences as usize)?;
        let words = &rest[keys.len()..];
        if ends.last().map_or(0, |&e| e as usize) != words.len() || !bag.windows(2).all(|w| w[0] < w[1]) {
            return None;
        }
        let mut start = 0usize;
        // Every word of the bag is in some sentence, and each key is its sentence's hash, as
        // `from_sentences` makes them.
        let mut used = vec![false; bag.len()];
        let mut bytes = Vec::new();
        for (&end, &key) in ends.iter().zip(keys) {
            let sentence = words.get(start..end as usize).filter(|s| !s.is_empty())?;
            if !sentence.windows(2).all(|w| w[0] < w[1]) || sentence.iter().any(|&i| i as usize >= bag.len()) {
                return None;
            }
            bytes.clear();
            for &i in sentence {
                used[i as usize] = true;
                bytes.extend_from_slice(&bag[i as usize].to_le_bytes());
            }
            let h = xxh3_64_with_seed(&bytes, WORD_SEED);
            if (h ^ (h >> 32)) as u32 != key {
                return None;
            }
            start = end as usize;
        }
        if used.contains(&false) || bag.is_empty() && total != 0 {
            return None;
        }
        if (total as usize) < words.len() && !bag.is_empty() || bag.is_empty() != words.is_empty() {
            return None;
        }
        if !numbers.windows(2).all(|w| w[0] < w[1]) || numbers.iter().any(|n| bag.binary_search(n).is_err()) {
            return None;
        }
        Some(DocFeatures {
            bag: bag.to_vec(),
            sentence_words: words.to_vec(),
            sentence_ends: ends.to_vec(),
            sentence_keys: keys.to_vec(),
            total,
            numbers: numbers.to_vec(),
        })
    }
}

/// How many documents of a batch hold each sentence (by [`DocFeatures::sentence_keys`]), to
/// tell site boilerplate from story text.
///
/// A sentence is boilerplate in a document when it occurs in at least `max(5, 3 × m)` documents,
/// where `m` is the count below which the rarest fifth of the document's words lie (its own
/// story): navigation, cookie banners, "Advertisement" lines and author bios recur across
/// hundreds of different articles, far more than the sentences of the story around them. A wire
/// story republished a hundred times has all its sentences about equally common, so none of
/// them is taken for boilerplate.
#[derive(Clone, Debug, Default)]
pub struct SentenceCounts {
    df: FxHashMap<u32, u32>,
}

/// Fewest documents a boilerplate sentence occurs in.
pub const MIN_BOILERPLATE_DF: u32 = 5;

impl SentenceCounts {
    /// Counts over `docs`.
    pub fn new<'a>(docs: impl IntoIterator<Item = &'a DocFeatures>) -> SentenceCounts {
        let mut c = SentenceCounts::default();
        for d in docs {
            c.add(d);
        }
        c
    }

    /// Adds one document.
    pub fn add(&mut self, doc: &DocFeatures) {
        let mut keys = doc.sentence_keys.clone();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            *self.df.entry(k).or_insert(0) += 1;
        }
    }

    /// Removes one document.
    pub fn remove(&mut self, doc: &DocFeatures) {
        let mut keys = doc.sentence_keys.clone();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            if let Some(c) = self.df.get_mut(&k) {
                *c = c.saturating_sub(1);
                if *c == 0 {
                    self.df.remove(&k);
                }
            }
        }
    }

    /// Which of `doc`'s sentences are boilerplate under these counts.
    pub fn boilerplate(&self, doc: &DocFeatures) -> Vec<bool> {
        let counts: Vec<u32> = doc.sentence_keys.iter().map(|k| self.df.get(k).copied().unwrap_or(0)).collect();
        // The count below which the rarest fifth of the document's words lie: its own story.
        let mut by_count: Vec<(u32, usize)> = counts.iter().copied().zip(doc.sentences().map(<[u32]>::len)).collect();
        by_count.sort_unstable();
        let total: usize = by_count.iter().map(|x| x.1).sum();
        let mut seen = 0usize;
        let mut typical = 0u32;
        for &(c, len) in &by_count {
            seen += len;
            typical = c;
            if 5 * seen >= total {
                break;
            }
        }
        let limit = MIN_BOILERPLATE_DF.max(typical.saturating_mul(3));
        counts.iter().map(|&c| c >= limit).collect()
    }

    /// `doc` without its boilerplate sentences (the same document when it has none).
    pub fn strip(&self, doc: &DocFeatures) -> Option<DocFeatures> {
        let mask = self.boilerplate(doc);
        mask.iter().any(|&b| b).then(|| doc.without_sentences(|k| mask[k]))
    }
}

/// Inverse document frequencies of words over a batch.
///
/// `idf(w) = ln((N + P + 1) / (df(w) + 1)) + 1`, the smoothed IDF, where `P` is a prior number
/// of documents in which no word occurs (0 by default).
#[derive(Clone, Debug, Default)]
pub struct Idf {
    df: FxHashMap<u32, u32>,
    docs: usize,
    prior: f64,
}

impl Idf {
    /// Document frequencies of every content word of `docs`.
    pub fn new<'a>(docs: impl IntoIterator<Item = &'a DocFeatures>, prior: f64) -> Idf {
        let mut df: FxHashMap<u32, u32> = FxHashMap::default();
        let mut n = 0;
        for d in docs {
            n += 1;
            for &w in &d.bag {
                *df.entry(w).or_insert(0) += 1;
            }
        }
        Idf { df, docs: n, prior }
    }

    /// Adds one document's words (for indexes that grow).
    pub fn add(&mut self, doc: &DocFeatures) {
        self.docs += 1;
        for &w in &doc.bag {
            *self.df.entry(w).or_insert(0) += 1;
        }
    }

    /// Removes one document's words.
    pub fn remove(&mut self, doc: &DocFeatures) {
        self.docs = self.docs.saturating_sub(1);
        for &w in &doc.bag {
            if let Some(c) = self.df.get_mut(&w) {
                *c = c.saturating_sub(1);
                if *c == 0 {
                    self.df.remove(&w);
                }
            }
        }
    }

    /// Number of documents seen.
    pub fn docs(&self) -> usize {
        self.docs
    }

    /// Document frequency of a word hash.
    pub fn df(&self, w: u32) -> u32 {
        self.df.get(&w).copied().unwrap_or(0)
    }

    /// The document frequency of each word of `doc`'s bag, in bag order.
    pub(crate) fn dfs(&self, doc: &DocFeatures) -> Vec<u32> {
        doc.bag.iter().map(|&w| self.df(w)).collect()
    }

    /// The weight of a word hash.
    #[inline]
    pub fn weight(&self, w: u32) -> f64 {
        self.weights().weight(w)
    }

    /// A snapshot of the weights with the logarithms of the batch size precomputed, for fast
    /// repeated lookups.
    pub fn weights(&self) -> Weights<'_> {
        Weights { idf: self, top: (self.docs as f64 + self.prior + 1.0).ln() + 1.0 }
    }
}

/// Fast weight lookups under one [`Idf`]: `weight(w) = ln(N + P + 1) + 1 - ln(df(w) + 1)`.
#[derive(Clone, Copy, Debug)]
pub struct Weights<'a> {
    idf: &'a Idf,
    top: f64,
}

/// `ln(df + 1)` for small document frequencies.
static LN_1P: std::sync::LazyLock<Vec<f64>> =
    std::sync::LazyLock::new(|| (0..4096).map(|d: u32| f64::from(d + 1).ln()).collect());

impl Weights<'_> {
    /// The weight of a word hash.
    #[inline]
    pub fn weight(&self, w: u32) -> f64 {
        self.weight_of_df(self.idf.df(w))
    }

    /// The weight of a word of document frequency `df`.
    #[inline]
    pub(crate) fn weight_of_df(&self, df: u32) -> f64 {
        let ln = match LN_1P.get(df as usize) {
            Some(&x) => x,
            None => f64::from(df).ln_1p(),
        };
        self.top - ln
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_weights_match_the_formula() {
        let docs: Vec<DocFeatures> =
            ["a b c", "a b", "a"].iter().map(|t| DocFeatures::extract(t, &mut FeatureBuffer::default())).collect();
        let idf = Idf::new(&docs, 2.0);
        for d in &docs {
            for &w in d.bag() {
                let expected = ((3.0 + 2.0 + 1.0) / (f64::from(idf.df(w)) + 1.0)).ln() + 1.0;
                assert!((idf.weight(w) - expected).abs() < 1e-12);
            }
        }
    }

    /// `without_sentences` as it was: the kept sentences' word hashes through `from_sentences`.
    fn without_sentences_reference(f: &DocFeatures, drop: impl Fn(usize) -> bool) -> DocFeatures {
        let mut words = Vec::new();
        let mut ends = Vec::new();
        let mut total = 0u32;
        for (k, s) in f.sentences().enumerate() {
            if drop(k) {
                continue;
            }
            words.extend(s.iter().map(|&i| f.bag[i as usize]));
            ends.push(words.len() as u32);
            total = total.saturating_add(s.len() as u32);
        }
        let mut out = DocFeatures::from_sentences(&words, &ends, total);
        out.numbers = f.numbers.iter().copied().filter(|n| out.bag.binary_search(n).is_ok()).collect();
        out
    }

    #[test]
    fn dropping_sentences_is_extracting_the_rest() {
        let text = "Breaking: 3 dead in Paris. The mayor said 3 were hurt on 12 May. Shares fell 4%.\n\
                    Paris police said the mayor was right. Nothing else. The end of 12 May in Paris.";
        let f = DocFeatures::extract(text, &mut FeatureBuffer::default());
        let n = f.num_sentences();
        assert!(n >= 6);
        for mask in 0u32..1 << n {
            let drop = |k: usize| mask >> k & 1 == 1;
            let fast = f.without_sentences(drop);
            assert_eq!(fast, without_sentences_reference(&f, drop), "mask {mask:b}");
            assert_eq!(fast.heap_bytes(), without_sentences_reference(&f, drop).heap_bytes());
            assert_eq!(
                DocFeatures::decode(&{
                    let mut v = Vec::new();
                    fast.encode(&mut v);
                    v
                }),
                Some(fast.clone())
            );
        }
    }

    #[test]
    fn boilerplate_sentences_are_stripped() {
        let banner = "Your privacy matters. Accept all cookies. Advertisement.";
        let docs: Vec<DocFeatures> = (0..8)
            .map(|i| {
                let story = format!("Story number w{i} about topic q{i}. It continues with detail z{i} here.");
                DocFeatures::extract(&format!("{banner}\n{story}"), &mut FeatureBuffer::default())
            })
            .collect();
        let counts = SentenceCounts::new(&docs);
        let mask = counts.boilerplate(&docs[0]);
        assert_eq!(mask, [true, true, true, false, false]);
        let clean = counts.strip(&docs[0]).unwrap();
        assert_eq!(clean.num_sentences(), 2);
        // A story repeated everywhere is not boilerplate of itself.
        let same: Vec<DocFeatures> = (0..8).map(|_| docs[0].clone()).collect();
        assert!(SentenceCounts::new(&same).strip(&same[0]).is_none());
    }

    #[test]
    fn stopword_hashes_are_recognized() {
        let st = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let stop: Vec<u32> = crate::text::ENGLISH_STOPWORDS.iter().map(|w| word_hash(w, &st)).collect();
        assert!(stop.iter().all(|&h| is_stopword_hash(h)));
        let mut h = 0x9E37_79B9u32;
        for _ in 0..100_000 {
            h = h.wrapping_mul(0x0019_660D).wrapping_add(0x3C6E_F35F);
            assert_eq!(is_stopword_hash(h), stop.contains(&h));
        }
        assert!(!is_stopword_hash(word_hash("ceasefire", &st)));
    }

    #[test]
    fn stems_words_but_not_numbers() {
        let st = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        assert_eq!(word_hash("negotiations", &st), word_hash("negotiating", &st));
        assert_eq!(word_hash("forces", &st), word_hash("force", &st));
        assert_ne!(word_hash("1990s", &st), word_hash("1990", &st));
    }

    #[test]
    fn sentences_and_words() {
        let f = DocFeatures::extract(
            "World\n\nFresh gunfire reported. The truce held! It is what it is.",
            &mut FeatureBuffer::default(),
        );
        assert_eq!(f.num_sentences(), 4);
        assert_eq!(f.len(), 12);
        let e = DocFeatures::extract(" \n ", &mut FeatureBuffer::default());
        assert!(e.is_empty());
        assert_eq!(e.num_sentences(), 0);
    }

    #[test]
    fn idf_prior_flattens_small_batches() {
        let st = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let a = DocFeatures::extract("alpha beta", &mut FeatureBuffer::default());
        let b = DocFeatures::extract("alpha gamma", &mut FeatureBuffer::default());
        let idf = Idf::new([&a, &b], 0.0);
        assert!(idf.weight(word_hash("alpha", &st)) < idf.weight(word_hash("beta", &st)));
        let flat = Idf::new([&a, &b], 1000.0);
        let ratio = flat.weight(word_hash("alpha", &st)) / flat.weight(word_hash("beta", &st));
        assert!(ratio > 0.85);
    }
}
