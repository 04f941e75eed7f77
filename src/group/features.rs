//! Per-document features for verification: content words in order, cut into sentences.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::text::{Normalizer, Tokenizer, is_english_stopword};

/// Seed of content-word hashes.
const WORD_SEED: u64 = 0x5245_5052_494E_5431;

/// The content words of one document, in order, with sentence boundaries.
///
/// Words are normalized, lowercased, stripped of English stopwords and lightly stemmed
/// (possessive `'s` and plural `s` removed), then hashed to 32 bits. Kept compact: about four
/// bytes per content word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocFeatures {
    /// Content-word hashes in text order.
    words: Vec<u32>,
    /// End offset (exclusive) in `words` of each sentence; the last equals `words.len()`.
    sentence_ends: Vec<u32>,
    /// Distinct content-word hashes with their counts, sorted by hash.
    bag: Vec<(u32, u32)>,
}

/// Reusable buffers for [`DocFeatures::extract`].
#[derive(Debug, Default)]
pub struct FeatureBuffer {
    normalized: String,
}

/// Light English stemming that only removes a suffix, so it returns a prefix of `word`.
#[inline]
pub(crate) fn stem(word: &str) -> &str {
    let w = word.strip_suffix("'s").unwrap_or(word);
    let b = w.as_bytes();
    if b.len() > 3 && b[b.len() - 1] == b's' && !matches!(b[b.len() - 2], b's' | b'u' | b'i') {
        if w.ends_with("ies") && b.len() > 4 {
            return &w[..w.len() - 3];
        }
        return &w[..w.len() - 1];
    }
    w
}

#[inline]
fn word_hash(word: &str) -> u32 {
    let h = xxh3_64_with_seed(word.as_bytes(), WORD_SEED);
    (h ^ (h >> 32)) as u32
}

impl DocFeatures {
    /// Extracts the features of `text`.
    pub fn extract(text: &str, buf: &mut FeatureBuffer) -> DocFeatures {
        let mut words = Vec::new();
        let mut sentence_ends = Vec::new();
        let normalizer = Normalizer::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            for sentence in line.unicode_sentences() {
                normalizer.normalize_into(sentence, &mut buf.normalized);
                let before = words.len();
                Tokenizer::Words.for_each_token(&buf.normalized, |t| {
                    if !is_english_stopword(t) {
                        words.push(word_hash(stem(t)));
                    }
                });
                if words.len() > before {
                    sentence_ends.push(words.len() as u32);
                }
            }
        }
        let mut sorted = words.clone();
        sorted.sort_unstable();
        let mut bag: Vec<(u32, u32)> = Vec::new();
        for w in sorted {
            match bag.last_mut() {
                Some((last, c)) if *last == w => *c += 1,
                _ => bag.push((w, 1)),
            }
        }
        DocFeatures { words, sentence_ends, bag }
    }

    /// Number of content words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the document has no content word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Distinct content words with counts, sorted by hash.
    pub fn bag(&self) -> &[(u32, u32)] {
        &self.bag
    }

    /// The sentences, as slices of content-word hashes.
    pub fn sentences(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let mut start = 0usize;
        self.sentence_ends.iter().map(move |&e| {
            let s = &self.words[start..e as usize];
            start = e as usize;
            s
        })
    }

    /// Number of sentences.
    pub fn num_sentences(&self) -> usize {
        self.sentence_ends.len()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 4 + self.sentence_ends.capacity() * 4 + self.bag.capacity() * 8
    }
}

/// Inverse document frequencies of content words over a batch.
///
/// `idf(w) = ln(1 + (N + P) / df(w))`, where `P` is a prior number of documents in which no
/// word occurs: in a batch of five articles nothing can be learned about which words are common,
/// and the prior keeps weights nearly uniform there; in a batch of thousands it vanishes.
#[derive(Clone, Debug, Default)]
pub struct Idf {
    df: HashMap<u32, u32>,
    docs: usize,
    prior: f64,
}

impl Idf {
    /// Document frequencies of every content word of `docs`.
    pub fn new<'a>(docs: impl IntoIterator<Item = &'a DocFeatures>, prior: f64) -> Idf {
        let mut df: HashMap<u32, u32> = HashMap::new();
        let mut n = 0;
        for d in docs {
            n += 1;
            for &(w, _) in &d.bag {
                *df.entry(w).or_insert(0) += 1;
            }
        }
        Idf { df, docs: n, prior }
    }

    /// Adds one document's words (for indexes that grow).
    pub fn add(&mut self, doc: &DocFeatures) {
        self.docs += 1;
        for &(w, _) in &doc.bag {
            *self.df.entry(w).or_insert(0) += 1;
        }
    }

    /// Removes one document's words.
    pub fn remove(&mut self, doc: &DocFeatures) {
        self.docs = self.docs.saturating_sub(1);
        for &(w, _) in &doc.bag {
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

    /// The weight of a word hash.
    #[inline]
    pub fn weight(&self, w: u32) -> f64 {
        let df = f64::from(self.df(w).max(1));
        (1.0 + (self.docs as f64 + self.prior) / df).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(stem("forces"), "force");
        assert_eq!(stem("azerbaijan's"), "azerbaijan");
        assert_eq!(stem("countries"), "countr");
        assert_eq!(stem("country"), "country");
        assert_eq!(stem("press"), "press");
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("crisis"), "crisis");
    }

    #[test]
    fn sentences_and_words() {
        let f = DocFeatures::extract(
            "World\n\nFresh gunfire reported. The truce held! It is what it is.",
            &mut FeatureBuffer::default(),
        );
        // "It is what it is." has no content word and is dropped.
        assert_eq!(f.num_sentences(), 3);
        assert_eq!(f.len(), 6);
        let e = DocFeatures::extract(" \n ", &mut FeatureBuffer::default());
        assert!(e.is_empty());
        assert_eq!(e.num_sentences(), 0);
    }

    #[test]
    fn idf_prior_flattens_small_batches() {
        let a = DocFeatures::extract("alpha beta", &mut FeatureBuffer::default());
        let b = DocFeatures::extract("alpha gamma", &mut FeatureBuffer::default());
        let idf = Idf::new([&a, &b], 0.0);
        assert!(idf.weight(word_hash("alpha")) < idf.weight(word_hash("beta")));
        let flat = Idf::new([&a, &b], 1000.0);
        let ratio = flat.weight(word_hash("alpha")) / flat.weight(word_hash("beta"));
        assert!(ratio > 0.85);
    }
}
