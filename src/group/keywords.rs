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
    /// Whether a word in `families` families of near copies and `df` documents can be a
    /// keyword: shared between families, not event-wide (in at most `max_df` documents), and
    /// not a stopword (in small batches even "the" is rare enough otherwise).
    pub(crate) fn eligible_in_families(&self, df: u32, families: u32, w: u32) -> bool {
        families >= 2 && df <= self.max_df && !super::features::is_stopword_hash(w)
    }

    /// The keywords of `doc`: its `per_doc` rarest eligible words, ties broken by hash.
    ///
    /// Every document counts as its own family of near copies here; a [`Deduplicator`](crate::Deduplicator)
    /// run ranks words by the number of families that hold them.
    pub fn keywords(&self, doc: &DocFeatures, idf: &Idf) -> Vec<u32> {
        self.keywords_ranked(doc, |w| {
            let df = idf.df(w);
            (df, df)
        })
    }

    /// The keywords of `doc` when `rank(w)` gives the document frequency and the family
    /// frequency of each of its words: the `per_doc` eligible words of lowest `(family
    /// frequency, word)`, ascending in that order.
    pub(crate) fn keywords_ranked(&self, doc: &DocFeatures, rank: impl Fn(u32) -> (u32, u32)) -> Vec<u32> {
        let mut eligible: Vec<(u32, u32)> = doc
            .bag()
            .iter()
            .filter_map(|&w| {
                let (df, families) = rank(w);
                self.eligible_in_families(df, families, w).then_some((families, w))
            })
            .collect();
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
        self.candidate_pairs_df(docs, &dfs, None)
    }

    /// [`candidate_pairs`](Self::candidate_pairs) from the document frequencies of each
    /// document's words, `dfs[d]` in the order of `docs[d]`'s bag ([`Idf::dfs`]).
    ///
    /// With `excess`, keywords are chosen by the number of families of near copies that hold
    /// each word: its document frequency less `excess[w]`, the sum over families of the number
    /// of their members holding `w` beyond the first (absent: 0). A story copied into many
    /// documents then still has rare words that a rewrite shares, where document frequencies
    /// would make its rarest words the ones only its copies share.
    pub(crate) fn candidate_pairs_df(
        &self,
        docs: &[&DocFeatures],
        dfs: &[Vec<u32>],
        excess: Option<&FxHashMap<u32, u32>>,
    ) -> Vec<(u32, u32)> {
        let with_df: Vec<(&DocFeatures, &Vec<u32>)> = docs.iter().copied().zip(dfs).collect();
        // `(family frequency, word)` of a document's eligible words.
        let eligible = |doc: &'_ DocFeatures, df: &'_ [u32], out: &mut Vec<(u32, u32)>| {
            for (&df, &w) in df.iter().zip(doc.bag()) {
                let f = excess.map_or(df, |m| df.saturating_sub(m.get(&w).copied().unwrap_or(0)));
                if self.eligible_in_families(df, f, w) {
                    out.push((f, w));
                }
            }
        };
        // Each document's keywords, and how many eligible words it has.
        let keywords: Vec<(usize, Vec<u32>)> = crate::par::map_with(&with_df, Vec::new, |buf, &(doc, df)| {
            buf.clear();
            eligible(doc, df, buf);
            (buf.len(), self.rarest(buf))
        });
        // Postings of every eligible word: word -> documents containing it.
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(keywords.iter().map(|k| k.0).sum());
        let mut buf = Vec::new();
        for (d, &(doc, df)) in with_df.iter().enumerate() {
            buf.clear();
            eligible(doc, df, &mut buf);
            entries.extend(buf.iter().map(|&(_, w)| (w, d as u32)));
        }
        drop(with_df);
        crate::par::sort_unstable(&mut entries);
        let mut postings: FxHashMap<u32, (usize, usize)> = FxHashMap::default();
        for run in entries.chunk_by(|a, b| a.0 == b.0) {
            let start = run.as_ptr() as usize - entries.as_ptr() as usize;
            let start = start / std::mem::size_of::<(u32, u32)>();
            postings.insert(run[0].0, (start, start + run.len()));
        }
        let positions: Vec<usize> = (0..keywords.len()).collect();
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
    }
}
