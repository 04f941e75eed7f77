//! A candidate stage for rewrites: documents that share rare words.
//!
//! Rewrites change most phrasing but keep what the story is about: names, places, numbers,
//! unusual words. Each document's *keywords* are its `per_doc` rarest content words in the batch
//! (document frequency at least 2, so a word can be shared at all, and at most `max_df`, so
//! event-wide or boilerplate vocabulary is left out; never a stopword). A pair becomes a candidate when one
//! document's keywords occur in the other at least `min_shared` times. This is prefix filtering
//! from all-pairs similarity search: the rare words carry most of the weighted overlap, so
//! looking only at them loses few similar pairs and touches few others.

use rustc_hash::FxHashMap;

use super::dense::Vocabulary;
use super::features::{DocFeatures, Idf};

/// Settings of the keyword candidate stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KeywordConfig {
    /// Keywords per document.
    pub per_doc: u32,
    /// Keywords of one document that the other must contain.
    pub min_shared: u32,
    /// Words in more documents than this are never keywords.
    pub max_df: u32,
}

impl Default for KeywordConfig {
    fn default() -> KeywordConfig {
        KeywordConfig { per_doc: 10, min_shared: 3, max_df: 200 }
    }
}

impl KeywordConfig {
    /// Whether a word of document frequency `df` can be a keyword: shared, not event-wide, and
    /// not a stopword (in small batches even "the" is rare enough otherwise).
    pub(crate) fn eligible(&self, df: u32, w: u32) -> bool {
        df >= 2 && df <= self.max_df && !super::features::is_stopword_hash(w)
    }

    /// The keywords of `doc`: its `per_doc` rarest eligible words, ties broken by hash.
    pub fn keywords(&self, doc: &DocFeatures, idf: &Idf) -> Vec<u32> {
        let mut eligible: Vec<(u32, u32)> =
            doc.bag().iter().map(|&w| (idf.df(w), w)).filter(|&(df, w)| self.eligible(df, w)).collect();
        self.rarest(&mut eligible)
    }

    /// The words of the `per_doc` smallest `(df, word)` of `eligible` (reordered), ascending.
    fn rarest(&self, eligible: &mut Vec<(u32, u32)>) -> Vec<u32> {
        eligible.sort_unstable();
        eligible.truncate(self.per_doc as usize);
        eligible.iter().map(|&(_, w)| w).collect()
    }

    /// Candidate pairs `(i, j)`, `i < j`, sorted, among `docs` under the batch weights `idf`.
    pub fn candidate_pairs(&self, docs: &[&DocFeatures], idf: &Idf) -> Vec<(u32, u32)> {
        let dfs: Vec<Vec<u32>> = crate::par::map(docs, |d| idf.dfs(d));
        self.candidate_pairs_df(docs, &dfs)
    }

    /// [`candidate_pairs`](Self::candidate_pairs) from the document frequencies of each
    /// document's words, `dfs[d]` in the order of `docs[d]`'s bag ([`Idf::dfs`]).
    pub(crate) fn candidate_pairs_df(&self, docs: &[&DocFeatures], dfs: &[Vec<u32>]) -> Vec<(u32, u32)> {
        // `dfs[d]` has one frequency per word of `docs[d]`'s bag.
        self.candidate_pairs_by(docs, |d, i, _| dfs.get(d).and_then(|f| f.get(i)).copied().unwrap_or(0), |w| w)
    }

    /// [`candidate_pairs`](Self::candidate_pairs) over documents holding dense word ids
    /// ([`Vocabulary`]): the same pairs as over their word hashes.
    pub(crate) fn candidate_pairs_dense(&self, docs: &[&DocFeatures], vocab: &Vocabulary) -> Vec<(u32, u32)> {
        self.candidate_pairs_by(docs, |_, _, w| vocab.df(w), |w| vocab.hash(w))
    }

    /// Candidate pairs where `df(d, i, w)` is the document frequency of word `w`, at position `i`
    /// of document `d`'s bag, and `hash(w)` its word hash. Words need only sort as their hashes
    /// do (ties of frequency are broken by the word).
    fn candidate_pairs_by<D, H>(&self, docs: &[&DocFeatures], df: D, hash: H) -> Vec<(u32, u32)>
    where
        D: Fn(usize, usize, u32) -> u32 + Sync,
        H: Fn(u32) -> u32 + Sync,
    {
        let (df, hash) = (&df, &hash);
        // `d` is a position of `docs`.
        let eligible_words = |d: usize| {
            docs[d]
                .bag()
                .iter()
                .enumerate()
                .map(move |(i, &w)| (df(d, i, w), w))
                .filter(|&(df, w)| self.eligible(df, hash(w)))
        };
        let positions: Vec<usize> = (0..docs.len()).collect();
        // Each document's keywords, and how many eligible words it has.
        let keywords: Vec<(usize, Vec<u32>)> = crate::par::map_with(&positions, Vec::new, |buf, &d| {
            buf.clear();
            buf.extend(eligible_words(d));
            (buf.len(), self.rarest(buf))
        });
        // Postings of every eligible word: word -> documents containing it.
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(keywords.iter().map(|k| k.0).sum());
        for d in 0..docs.len() {
            entries.extend(eligible_words(d).map(|(_, w)| (w, d as u32)));
        }
        crate::par::sort_unstable(&mut entries);
        let mut postings: FxHashMap<u32, (usize, usize)> = FxHashMap::default();
        for run in entries.chunk_by(|a, b| a.0 == b.0) {
            let start = run.as_ptr() as usize - entries.as_ptr() as usize;
            let start = start / std::mem::size_of::<(u32, u32)>();
            postings.insert(run[0].0, (start, start + run.len()));
        }
        // Per worker: how many of one document's keywords each other document holds (a dense
        // array, zero between documents), and which documents it touched.
        let scratch = || (vec![0u32; keywords.len()], Vec::<u32>::new());
        let per_doc: Vec<Vec<(u32, u32)>> = crate::par::map_with(&positions, scratch, |(counts, touched), &d| {
            // In bounds: `d` and the documents of the postings are positions of `docs`.
            for w in &keywords[d].1 {
                if let Some(&(s, e)) = postings.get(w) {
                    for &(_, other) in &entries[s..e] {
                        if other as usize != d {
                            let c = &mut counts[other as usize];
                            if *c == 0 {
                                touched.push(other);
                            }
                            *c += 1;
                        }
                    }
                }
            }
            let d = d as u32;
            let mut out: Vec<(u32, u32)> = Vec::new();
            for &o in touched.iter() {
                if std::mem::take(&mut counts[o as usize]) >= self.min_shared {
                    out.push((d.min(o), d.max(o)));
                }
            }
            touched.clear();
            out.sort_unstable();
            out
        });
        let mut all: Vec<(u32, u32)> = per_doc.into_iter().flatten().collect();
        crate::par::sort_unstable(&mut all);
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::FeatureBuffer;

    #[test]
    fn rare_shared_words_make_candidates() {
        let texts = [
            "Pashinyan met Aliyev in Yevlakh to discuss Stepanakert",
            "In Yevlakh, Aliyev and Pashinyan talked about the future",
            "Shares rose in Tokyo as the yen fell",
            "The yen fell and Tokyo shares rose",
            "Nothing shared here at all",
        ];
        let docs: Vec<DocFeatures> =
            texts.iter().map(|t| DocFeatures::extract(t, &mut FeatureBuffer::default())).collect();
        let refs: Vec<&DocFeatures> = docs.iter().collect();
        let idf = Idf::new(refs.iter().copied(), 0.0);
        let pairs = KeywordConfig::default().candidate_pairs(&refs, &idf);
        assert_eq!(pairs, vec![(0, 1), (2, 3)]);
        // Over dense word ids, the same pairs.
        let mut dense = docs.clone();
        let vocab = Vocabulary::densify(&mut dense, |d| d, |d| d, 0.0);
        let refs: Vec<&DocFeatures> = dense.iter().collect();
        assert_eq!(KeywordConfig::default().candidate_pairs_dense(&refs, &vocab), pairs);
    }
}
