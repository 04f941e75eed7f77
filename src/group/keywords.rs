//! A candidate stage for rewrites: documents that share rare words.
//!
//! Rewrites change most phrasing but keep what the story is about: names, places, numbers,
//! unusual words. Each document's *keywords* are its `per_doc` rarest content words in the batch
//! (document frequency at least 2, so a word can be shared at all, and at most `max_df`, so
//! event-wide or boilerplate vocabulary is left out; never a stopword). A pair becomes a candidate when one
//! document's keywords occur in the other at least `min_shared` times. This is prefix filtering
//! from all-pairs similarity search: the rare words carry most of the weighted overlap, so
//! looking only at them loses few similar pairs and touches few others.

use rustc_hash::{FxHashMap, FxHashSet};

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
        let mut eligible: Vec<(u32, u32)> = self.eligible_of(doc, |_, w| rank(w), |w| w).collect();
        self.rarest(&mut eligible)
    }

    /// `(family frequency, word)` of the eligible words of `doc`, in bag order, where
    /// `rank(i, w)` gives the document and family frequency of word `w` at bag position `i`,
    /// and `hash(w)` its word hash.
    fn eligible_of<'a, R, H>(&'a self, doc: &'a DocFeatures, rank: R, hash: H) -> impl Iterator<Item = (u32, u32)> + 'a
    where
        R: Fn(usize, u32) -> (u32, u32) + 'a,
        H: Fn(u32) -> u32 + 'a,
    {
        doc.bag().iter().enumerate().filter_map(move |(i, &w)| {
            let (df, families) = rank(i, w);
            self.eligible_in_families(df, families, hash(w)).then_some((families, w))
        })
    }

    /// The words of the `per_doc` smallest `(df, word)` of `eligible` (reordered), ascending.
    fn rarest(&self, eligible: &mut Vec<(u32, u32)>) -> Vec<u32> {
        let k = self.per_doc as usize;
        if k < eligible.len() {
            // The pairs are distinct (one per word), so the `k` smallest are the same whatever
            // the selection's order.
            eligible.select_nth_unstable(k);
            eligible.truncate(k);
        }
        eligible.sort_unstable();
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
        // `dfs[d]` has one frequency per word of `docs[d]`'s bag.
        let rank = |d: usize, i: usize, w: u32| {
            let df = dfs.get(d).and_then(|f| f.get(i)).copied().unwrap_or(0);
            (df, df.saturating_sub(excess.and_then(|m| m.get(&w)).copied().unwrap_or(0)))
        };
        self.candidate_pairs_by(docs.len(), |d| self.eligible_of(docs[d], move |i, w| rank(d, i, w), |w| w), None)
    }

    /// [`candidate_pairs_df`](Self::candidate_pairs_df) over documents holding dense word ids
    /// ([`Vocabulary`]), with the family frequency of each id (`None`: its document frequency;
    /// see [`Vocabulary::family_frequencies`]): the same pairs as over their word hashes.
    pub(crate) fn candidate_pairs_dense(
        &self,
        docs: &[&DocFeatures],
        vocab: &Vocabulary,
        family_df: Option<Vec<u32>>,
    ) -> Vec<(u32, u32)> {
        // Eligibility and rank looked up once per id: an ineligible id ranks `u32::MAX`.
        let ranks = vocab.keyword_ranks(self, family_df);
        let eligible = |d: usize| {
            docs[d].bag().iter().filter_map(|&w| {
                let r = ranks.get(w as usize).copied().unwrap_or(u32::MAX);
                (r != u32::MAX).then_some((r, w))
            })
        };
        self.candidate_pairs_by(docs.len(), eligible, Some(vocab.len()))
    }

    /// Candidate pairs among `n` documents where `eligible(d)` gives `(family frequency, word)`
    /// of each eligible word of document `d`, in bag order. Words need only sort as their
    /// hashes do (ties of frequency are broken by the word); `space` is their number when they
    /// are dense ids (all below it).
    fn candidate_pairs_by<E, I>(&self, n: usize, eligible_words: E, space: Option<usize>) -> Vec<(u32, u32)>
    where
        E: Fn(usize) -> I + Sync,
        I: Iterator<Item = (u32, u32)>,
    {
        let eligible_words = &eligible_words;
        let positions: Vec<usize> = (0..n).collect();
        // Document `d`'s keywords (`buf` is scratch). They are found twice, here to know which
        // words are keywords at all and in the count below, rather than held for every document.
        let keywords_of = |buf: &mut Vec<(u32, u32)>, d: usize| {
            buf.clear();
            buf.extend(eligible_words(d));
            self.rarest(buf)
        };
        let mut keyword = Keywords::new(space);
        for chunk in positions.chunks(CHUNK) {
            for k in crate::par::map_with(chunk, Vec::new, |buf, &d| keywords_of(buf, d)) {
                keyword.extend(k);
            }
        }
        // Postings of the words that are some document's keyword (the only ones looked up): the
        // documents in which each is eligible.
        let postings = match space {
            Some(space) => {
                Postings::dense(n, space, |d| eligible_words(d).map(|x| x.1).filter(|&w| keyword.contains(w)))
            }
            None => Postings::hashed(n, |d| eligible_words(d).map(|x| x.1).filter(|&w| keyword.contains(w))),
        };
        drop(keyword);
        // Per worker: how many of one document's keywords each other document holds (a dense
        // array, zero between documents), which documents it touched, and scratch for keywords.
        let scratch = || (vec![0u32; n], Vec::<u32>::new(), Vec::new());
        // The pairs, sorted without repeats once they have grown by a quarter (a pair is often
        // found from both its documents).
        let (mut all, mut deduped): (Vec<(u32, u32)>, usize) = (Vec::new(), 0);
        for chunk in positions.chunks(CHUNK) {
            let per_doc = crate::par::map_with(chunk, scratch, |(counts, touched, buf), &d| {
                // In bounds: the documents of the postings are positions of `docs`.
                for w in keywords_of(buf, d) {
                    for &other in postings.of(w) {
                        if other as usize != d {
                            let c = &mut counts[other as usize];
                            if *c == 0 {
                                touched.push(other);
                            }
                            *c += 1;
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
                out
            });
            all.extend(per_doc.into_iter().flatten());
            if all.len() > deduped + deduped / 4 + CHUNK {
                crate::par::sort_unstable(&mut all);
                all.dedup();
                deduped = all.len();
            }
        }
        crate::par::sort_unstable(&mut all);
        all.dedup();
        all
    }
}

/// Documents per parallel run of the keyword stage (what a run returns is held until merged).
const CHUNK: usize = 1 << 16;

/// The words that are some document's keyword.
enum Keywords {
    /// By dense id.
    Dense(Vec<bool>),
    /// By hash.
    Hashed(FxHashSet<u32>),
}

impl Keywords {
    /// None yet, for dense ids below `space` or (`None`) hashes.
    fn new(space: Option<usize>) -> Keywords {
        match space {
            Some(space) => Keywords::Dense(vec![false; space]),
            None => Keywords::Hashed(FxHashSet::default()),
        }
    }

    /// Adds words (a dense id outside the space is left out).
    fn extend(&mut self, words: impl IntoIterator<Item = u32>) {
        match self {
            Keywords::Dense(is) => {
                for w in words {
                    if let Some(k) = is.get_mut(w as usize) {
                        *k = true;
                    }
                }
            }
            Keywords::Hashed(set) => set.extend(words),
        }
    }

    /// Whether `w` is a keyword of some document.
    fn contains(&self, w: u32) -> bool {
        match self {
            Keywords::Dense(is) => is.get(w as usize).copied().unwrap_or(false),
            Keywords::Hashed(set) => set.contains(&w),
        }
    }
}

/// The documents holding each eligible word, ascending, one list after the other.
struct Postings {
    /// Documents.
    docs: Vec<u32>,
    /// Where each word's documents start in `docs`, by word index, plus the end.
    starts: Vec<usize>,
    /// The index of each word when words are hashes; for dense ids, the id.
    index: Option<FxHashMap<u32, u32>>,
}

impl Postings {
    /// Postings of dense ids below `space`, where `words(d)` are document `d`'s eligible words
    /// (distinct): counted, then placed, document after document from the last, each id's
    /// documents filled from its end (so they ascend and the ends become the starts, with no
    /// second table).
    fn dense<I: Iterator<Item = u32>>(n: usize, space: usize, words: impl Fn(usize) -> I) -> Postings {
        let mut starts = vec![0usize; space + 1];
        // Ids are below `space` (an id that is not is left out).
        for d in 0..n {
            for w in words(d) {
                if let Some(c) = starts.get_mut(w as usize).filter(|_| (w as usize) < space) {
                    *c += 1;
                }
            }
        }
        // Exclusive ends; the slot after the last id holds the total.
        let mut run = 0;
        for c in &mut starts {
            run += *c;
            *c = run;
        }
        let mut docs = vec![0u32; run];
        for d in (0..n).rev() {
            for w in words(d) {
                // `starts[w]` stays above the start of id `w`, within `docs`.
                if let Some(slot) = starts.get_mut(w as usize).filter(|_| (w as usize) < space) {
                    *slot -= 1;
                    if let Some(x) = docs.get_mut(*slot) {
                        *x = d as u32;
                    }
                }
            }
        }
        Postings { docs, starts, index: None }
    }

    /// Postings of word hashes, where `words(d)` are document `d`'s eligible words (distinct).
    fn hashed<I: Iterator<Item = u32>>(n: usize, words: impl Fn(usize) -> I) -> Postings {
        let mut entries: Vec<(u32, u32)> = Vec::new();
        for d in 0..n {
            entries.extend(words(d).map(|w| (w, d as u32)));
        }
        crate::par::sort_unstable(&mut entries);
        let mut index: FxHashMap<u32, u32> = FxHashMap::default();
        let mut starts = Vec::new();
        for (k, run) in entries.chunk_by(|a, b| a.0 == b.0).enumerate() {
            // Fewer distinct words than `u32` hashes.
            index.insert(run[0].0, k as u32);
            starts.push(run.as_ptr() as usize - entries.as_ptr() as usize);
        }
        let size = std::mem::size_of::<(u32, u32)>();
        let mut starts: Vec<usize> = starts.into_iter().map(|s| s / size).collect();
        starts.push(entries.len());
        let docs = entries.into_iter().map(|e| e.1).collect();
        Postings { docs, starts, index: Some(index) }
    }

    /// The documents holding word `w` (none for a word that is not eligible anywhere).
    fn of(&self, w: u32) -> &[u32] {
        let k = match &self.index {
            Some(index) => match index.get(&w) {
                Some(&k) => k as usize,
                None => return &[],
            },
            None => w as usize,
        };
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&s), Some(&e)) => self.docs.get(s..e).unwrap_or_default(),
            _ => &[],
        }
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
        assert_eq!(KeywordConfig::default().candidate_pairs_dense(&refs, &vocab, None), pairs);
    }
}
