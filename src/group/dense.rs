//! Dense word ids for one batch: each word hash becomes its rank among the batch's distinct
//! hashes.
//!
//! A rank is monotone in the hash, so every sorted bag stays sorted, every intersection finds
//! the same words in the same order, and sums over them add the same terms in the same order:
//! verification and the keyword stage give the same results bit for bit. What depends on a word
//! is then a flat array indexed by its id (its document frequency, its weight) instead of a
//! hash-map lookup and a per-document copy of its weights.

use rustc_hash::FxHashMap;

use super::features::{DocFeatures, Idf};

/// The distinct word hashes of a batch, and what the batch knows of each, by id.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocabulary {
    /// The hash of each id, ascending.
    hashes: Vec<u32>,
    /// Document frequency of each id.
    df: Vec<u32>,
    /// Number of documents the vocabulary was made from.
    docs: usize,
    /// Weight of each id under the batch's [`Idf`], as [`Verifier::prepare`] gives it.
    ///
    /// [`Verifier::prepare`]: super::Verifier::prepare
    weights: Vec<f32>,
}

impl Vocabulary {
    /// Replaces every word hash of `docs` (bags and numbers) by its id, and returns the
    /// vocabulary, with weights as an [`Idf`] over `docs` with `prior` gives them.
    pub(crate) fn densify<T: Send>(
        items: &mut [T],
        docs: impl Fn(&T) -> &DocFeatures + Sync,
        docs_mut: impl Fn(&mut T) -> &mut DocFeatures + Sync + Send,
        prior: f64,
    ) -> Vocabulary {
        // Document frequencies, then ids in hash order.
        let mut df: FxHashMap<u32, u32> = FxHashMap::default();
        for item in items.iter() {
            for &w in docs(item).bag() {
                *df.entry(w).or_insert(0) += 1;
            }
        }
        let mut words: Vec<(u32, u32)> = df.iter().map(|(&w, &d)| (w, d)).collect();
        crate::par::sort_unstable(&mut words);
        let mut ids = df;
        for (id, &(w, _)) in words.iter().enumerate() {
            // Ids fit in `u32`: there are no more distinct words than `u32` hashes.
            ids.insert(w, id as u32);
        }
        // Every word of every document is in `ids`.
        crate::par::for_each_mut(items, |_, item| docs_mut(item).map_words(|w| ids.get(&w).copied().unwrap_or(0)));
        drop(ids);
        let idf = Idf::with_docs(items.len(), prior);
        let weights = idf.weights();
        Vocabulary {
            docs: items.len(),
            weights: words.iter().map(|&(_, d)| weights.weight_of_df(d) as f32).collect(),
            df: words.iter().map(|&(_, d)| d).collect(),
            hashes: words.into_iter().map(|(w, _)| w).collect(),
        }
    }

    /// The number of families holding each id (see [`crate::dedup::families`]: `family[i]` is
    /// the lowest member of document `i`'s family, and `bag(i)` its bag of ids): its document
    /// frequency less the members of a family holding it beyond the first. `None` when every
    /// family is one document (family frequencies are then the document frequencies).
    pub(crate) fn family_frequencies<'a>(
        &self,
        family: &[u32],
        bag: impl Fn(usize) -> &'a [u32] + Sync,
    ) -> Option<Vec<u32>> {
        let mut family_df = self.df.clone();
        let any = crate::dedup::for_each_excess(family, bag, |w, e| {
            // Ids are below `df.len()`.
            if let Some(f) = family_df.get_mut(w as usize) {
                *f = f.saturating_sub(e);
            }
        });
        any.then_some(family_df)
    }

    /// Counts weights over `families` families of near copies instead of documents, with
    /// `family_df` the number of families holding each id ([`family_frequencies`]; `None`: the
    /// document frequencies), as [`Idf::family_weights`] gives them. Nothing changes with one
    /// family per document.
    ///
    /// [`family_frequencies`]: Self::family_frequencies
    pub(crate) fn count_families(&mut self, families: usize, family_df: Option<&[u32]>, prior: f64) {
        if family_df.is_none() && families == self.docs {
            return;
        }
        let idf = Idf::with_docs(families, prior);
        let weights = idf.weights();
        let dfs = family_df.unwrap_or(&self.df);
        for (x, &df) in self.weights.iter_mut().zip(dfs) {
            *x = weights.weight_of_df(df) as f32;
        }
    }

    /// The keyword rank of each id under `config`: its family frequency (`family_df`, from
    /// [`family_frequencies`](Self::family_frequencies); `None`: the document frequency) when
    /// it is eligible (see [`KeywordConfig::eligible_in_families`]), `u32::MAX` when not. The
    /// array `family_df` is reused.
    pub(crate) fn keyword_ranks(&self, config: &super::KeywordConfig, family_df: Option<Vec<u32>>) -> Vec<u32> {
        let mut ranks = family_df.unwrap_or_else(|| self.df.clone());
        for (w, r) in ranks.iter_mut().enumerate() {
            // Ids are below `df.len() == hashes.len() == ranks.len()`.
            if !config.eligible_in_families(self.df[w], *r, self.hashes[w]) {
                *r = u32::MAX;
            }
        }
        ranks
    }

    /// Number of distinct words: every id is below it.
    pub(crate) fn len(&self) -> usize {
        self.hashes.len()
    }

    /// The weights by id.
    pub(crate) fn weights(&self) -> super::verify::DenseWeights<'_> {
        super::verify::DenseWeights { weights: &self.weights }
    }
}
