//! A persistent, incremental index for news streams.
//!
//! An [`Index`] keeps, for every live article, what the pipeline derives from its text (a
//! MinHash signature per candidate channel, the verification features and a fingerprint of the
//! normalized text), the LSH band tables over those signatures, and what depends on the whole
//! live set: word weights ([`Idf`]), sentence counts ([`SentenceCounts`], which mark site
//! boilerplate) and each article's keywords. Articles are added one at a time or in parallel
//! bulk, matched against what came before without re-hashing anything, removed by id, expired by
//! age, and merged across indexes; the index is saved to a versioned, checksummed binary file and
//! loaded back (see [`FORMAT_VERSION`] for the layout).
//!
//! # Groups: the same as one-shot grouping
//!
//! Groups are not stored: they are derived whenever they are asked for, so they always equal
//! what [`Deduplicator::group`] gives over the same live articles with `String` ids
//! ([`Index::grouping`] returns that very [`Grouping`]). Everything a batch run computes over the
//! whole batch is kept exact as articles come and go:
//!
//! - word weights (counted over families of near copies, as a batch run counts them: the
//!   number of families and the number of families holding each word) and sentence counts are
//!   updated on every add and removal, and an article
//!   whose sentences become (or stop being) boilerplate gets its verification features
//!   recomputed, as a batch run strips them;
//! - the families of near copies that the keyword stage and the word weights count words by
//!   (articles joined,
//!   transitively, by an LSH candidate pair whose signatures on that channel agree on half their
//!   values) are kept with the number of families holding each word; a change recomputes only
//!   the families it can change (those of the new articles' near copies, of the articles
//!   removed, and of articles whose place among a large bucket's first `max_bucket` changed),
//!   and a load recomputes them all from the stored signatures;
//! - candidate pairs are the same: pairs sharing an LSH band in any channel (a bucket of more
//!   than `max_bucket` articles links each member to its first `max_bucket` members in id order,
//!   as a batch run does), pairs sharing keywords (each article's rarest words by the current
//!   family and document frequencies, recomputed for exactly the articles whose keywords can
//!   have changed), and identical normalized texts linked to the first of their kind;
//! - every pair is verified under the *current* weights, and [`group::cluster`] runs on the same
//!   links with the same priorities, in id order.
//!
//! Because weights move with every article, scores are never stored: to say which group an
//! article is in, the index follows links at or above the threshold from it, verifying each
//! candidate pair under the current weights, which finds its whole connected component (all
//! that decides its group). The cost of an [`add`](Index::add) is therefore that of the new
//! article's component, not of the index; adds of many articles at once use the batch candidate
//! search instead.
//!
//! The one place where the index does not reproduce a batch run is [`query`](Index::query),
//! which inserts nothing: its scores use the live set's weights and sentence counts (without the
//! query's own words and sentences) and its `cluster` is the group of the best match at or above
//! the threshold, which is the group [`add`](Index::add) would report except when the new
//! article links to several groups at once.
//!
//! # Example
//!
//! ```
//! use reprint::Deduplicator;
//! use reprint::index::{Article, Index};
//!
//! # fn main() -> reprint::Result<()> {
//! let story = "Armenian forces accused Azerbaijan of breaking a ceasefire brokered by Russia. \
//!              Azerbaijan dismissed the reports as completely false. Talks on the region's \
//!              future were held in the town of Yevlakh on Thursday.";
//! let copy = format!("World News\n\n{story}\n\nShare this article");
//! let other = "The central bank raised interest rates by half a point on Wednesday, \
//!              its fourth increase this year, citing persistent inflation.";
//!
//! let mut index = Index::new(Deduplicator::new());
//! assert!(index.add(Article::new("a", story).at(1_695_300_000))?.is_new());
//! assert!(index.add(Article::new("c", other).at(1_695_300_100))?.is_new());
//! let joined = index.add(Article::new("b", &copy).at(1_695_303_600))?;
//! assert_eq!(joined.members(), ["a", "b"]);
//!
//! // Save, load, and the groups are the same.
//! let bytes = index.to_bytes();
//! let loaded = Index::from_bytes(&bytes)?;
//! assert_eq!(loaded.grouping(), index.grouping());
//!
//! // Articles older than a time leave no trace.
//! let mut index = loaded;
//! assert_eq!(index.expire(1_695_300_050), ["a"]);
//! assert!(index.query(story, 10).matches.iter().all(|m| m.id != "a"));
//! # Ok(())
//! # }
//! ```

mod format;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::Path;

use rustc_hash::FxHashMap as Map;

pub use format::FORMAT_VERSION;

use crate::dedup::{Analysis, Config, Deduplicator, member_excess, near_copies};
use crate::error::{Error, Result};
use crate::group::{self, DocFeatures, Evidence, Grouping, Idf, KeywordConfig, Link, SentenceCounts, Stage, Weights};
use crate::lsh::candidate_pairs;
use crate::minhash::MinHashSignature;

/// Candidate-stage code of the keyword stage (as in a one-shot run: after every channel).
const KEYWORDS: u8 = u8::MAX - 1;
/// Candidate-stage code of identical normalized texts.
const IDENTICAL: u8 = u8::MAX;

/// The stage reported for a pair first proposed by `code`.
fn stage_of(code: u8, evidence: &Evidence) -> Stage {
    match code {
        _ if evidence.exact => Stage::Exact,
        KEYWORDS => Stage::Keywords,
        c => Stage::MinHash(c),
    }
}

/// An article to add: an id, its text and an optional timestamp (any unit, typically seconds
/// since the Unix epoch) used by [`Index::expire`].
///
/// # Example
///
/// ```
/// use reprint::index::Article;
///
/// let a = Article::new("reuters-1", "Oil prices rose on Monday.").at(1_700_000_000);
/// assert_eq!(a.timestamp, Some(1_700_000_000));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Article<'a> {
    /// The id, unique in an index.
    pub id: &'a str,
    /// The text.
    pub text: &'a str,
    /// When the article was published; articles without one never expire.
    pub timestamp: Option<i64>,
}

impl<'a> Article<'a> {
    /// An article without a timestamp.
    pub fn new(id: &'a str, text: &'a str) -> Article<'a> {
        Article { id, text, timestamp: None }
    }

    /// The same article with a timestamp.
    pub fn at(mut self, timestamp: i64) -> Article<'a> {
        self.timestamp = Some(timestamp);
        self
    }
}

/// Where an article stands after it was added (or when asked with [`Index::assignment`]): the
/// group it belongs to, named by its representative.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Assignment {
    id: String,
    cluster: String,
    members: Vec<String>,
}

impl Assignment {
    /// The article's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id of its group's representative (its own id when it is alone or is the
    /// representative).
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The ids of its group's members, ascending, itself included.
    pub fn members(&self) -> &[String] {
        &self.members
    }

    /// Whether the article is alone: it started a new group rather than joining one.
    pub fn is_new(&self) -> bool {
        self.members.len() <= 1
    }
}

/// One indexed article matched by [`Index::query`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Match {
    /// The indexed article's id.
    pub id: String,
    /// The verified score (what the grouping threshold applies to).
    pub score: f64,
    /// The verification evidence.
    pub evidence: Evidence,
}

/// What [`Index::query`] finds for a text.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QueryResult {
    /// The best candidates, highest score first (ties by id), whatever their score.
    pub matches: Vec<Match>,
    /// The representative of the group of the best match at or above the threshold: the group
    /// the text would join. `None` if no match reaches the threshold.
    pub cluster: Option<String>,
}

/// The grouping of every live article of an [`Index`] at one moment.
///
/// Positions in [`grouping`](Self::grouping) are positions in [`ids`](Self::ids), which are
/// sorted; so for the same live articles it equals `Deduplicator::group` over
/// `(id, text)` pairs sorted by id.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Snapshot {
    ids: Vec<String>,
    grouping: Grouping,
}

impl Snapshot {
    /// The ids of the live articles, ascending.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The grouping, by position in [`ids`](Self::ids).
    pub fn grouping(&self) -> &Grouping {
        &self.grouping
    }

    /// The representative of the group of `id`, or `None` if `id` is not in the snapshot.
    pub fn cluster_of(&self, id: &str) -> Option<&str> {
        let i = self.ids.binary_search_by(|x| x.as_str().cmp(id)).ok()?;
        let rep = self.grouping.representative_of(i)?;
        self.ids.get(rep).map(String::as_str)
    }

    /// The groups as `(representative, members)` ids, members ascending.
    pub fn groups(&self) -> impl Iterator<Item = (&str, Vec<&str>)> + '_ {
        let name = |i: usize| self.ids.get(i).map_or("", String::as_str);
        self.grouping
            .groups()
            .iter()
            .map(move |g| (name(g.representative()), g.members().iter().map(|&i| name(i)).collect()))
    }

    /// Number of articles.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no articles.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// One live article.
#[derive(Clone, Debug)]
struct Entry {
    id: String,
    timestamp: Option<i64>,
    /// What analysis gave, except that `features` are the verification features under the
    /// live set's sentence counts (boilerplate sentences stripped).
    analysis: Analysis,
    /// The features as analyzed, when stripping changed them.
    raw: Option<DocFeatures>,
    /// Which sentences are stripped as boilerplate (empty when none is).
    stripped: Vec<bool>,
    /// Its keywords under the current word and family frequencies (the keyword stage), and
    /// the `(family frequency, word)` of the last one when there are `per_doc` of them.
    keywords: Vec<u32>,
    tau: Option<(u32, u32)>,
    /// The key of its family of near copies in `Index::families`; a slot that is no key
    /// there (or whose family does not list it) is a family of its own.
    family: u32,
}

impl Entry {
    fn new(id: String, timestamp: Option<i64>, analysis: Analysis) -> Entry {
        Entry {
            id,
            timestamp,
            analysis,
            raw: None,
            stripped: Vec::new(),
            keywords: Vec::new(),
            tau: None,
            family: u32::MAX,
        }
    }

    /// The features as analyzed (what is saved).
    fn raw(&self) -> &DocFeatures {
        self.raw.as_ref().unwrap_or(&self.analysis.features)
    }
}

/// A family of two or more near copies (see `Index::families`).
#[derive(Clone, Debug, Default)]
struct Family {
    /// Member slots, ascending.
    members: Vec<u32>,
    /// The words several members hold, with how many members beyond the first hold each
    /// ([`member_excess`] of the members' verification features when last counted).
    excess: Vec<(u32, u32)>,
}

/// Net change of each word's family excess during one change of the index.
type Delta = Map<u32, i64>;

/// A verified link between two slots, `a` having the smaller id.
#[derive(Clone, Copy, Debug)]
struct Edge {
    a: u32,
    b: u32,
    stage: Stage,
    evidence: Evidence,
}

/// Word or sentence -> slots holding it. Removal leaves stale slots behind (callers check the
/// slot's features when reading); the lists are rebuilt once stale entries outnumber live ones.
#[derive(Clone, Debug, Default)]
struct Postings {
    lists: Map<u32, Vec<u32>>,
    entries: usize,
    stale: usize,
}

impl Postings {
    fn add(&mut self, slot: u32, keys: impl IntoIterator<Item = u32>) {
        for k in keys {
            self.lists.entry(k).or_default().push(slot);
            // At most the number of stored slots, which are in memory.
            self.entries += 1;
        }
    }

    /// Records that `n` entries went stale; true when the lists should be rebuilt.
    fn retire(&mut self, n: usize) -> bool {
        // Saturating: callers retire whatever they held, even lists that were never filled.
        self.stale = self.stale.saturating_add(n);
        self.stale > 4096 && self.stale > self.entries / 2
    }

    fn get(&self, key: u32) -> &[u32] {
        self.lists.get(&key).map_or(&[], Vec::as_slice)
    }
}

/// A persistent, incremental index of articles: add, query, remove, expire, merge, save, load.
///
/// See the [module documentation](self) for how groups stay equal to one-shot grouping, and
/// [`FORMAT_VERSION`] for the file format.
///
/// # Example
///
/// ```
/// use reprint::Deduplicator;
/// use reprint::index::{Article, Index};
///
/// # fn main() -> reprint::Result<()> {
/// let mut index = Index::new(Deduplicator::new());
/// let text = "Shares in the bank rose sharply after quarterly results beat forecasts. \
///             Analysts had expected a loss after a year of rising costs.";
/// index.add_batch(&[Article::new("x", text), Article::new("y", "Heavy rain closed roads in the north.")])?;
/// let found = index.query(text, 5);
/// assert_eq!(found.matches[0].id, "x");
/// assert_eq!(found.cluster.as_deref(), Some("x"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Index {
    dedup: Deduplicator,
    /// Articles by slot; freed slots are `None` and listed in `free`.
    slots: Vec<Option<Entry>>,
    free: Vec<u32>,
    by_id: HashMap<String, u32>,
    /// `tables[channel][band]`: band key -> slots, sorted by id.
    tables: Vec<Vec<Map<u64, Vec<u32>>>>,
    /// Fingerprint of the normalized text -> slots, sorted by id.
    prints: Map<u64, Vec<u32>>,
    by_time: BTreeSet<(i64, u32)>,
    /// Sentence counts over the analyzed features of the live set (boilerplate detection).
    sentences: SentenceCounts,
    /// Sentence key -> slots whose analyzed features hold it.
    sentence_postings: Postings,
    /// Word weights over the verification features of the live set.
    idf: Idf,
    /// Word -> slots whose verification features hold it, for the keyword stage.
    word_postings: Postings,
    /// Word -> slots that have it among their keywords (exact).
    keyword_postings: Map<u32, Vec<u32>>,
    /// Families of near copies of two or more articles, by key (the lowest member slot when
    /// formed): live articles joined, transitively, by a MinHash candidate pair of a one-shot
    /// run whose signatures on that channel are near copies ([`near_copies`]). Kept only with
    /// the keyword stage, which ranks words by the number of families holding them.
    families: Map<u32, Family>,
    /// Word -> the sum over `families` of their `excess` for it: a word's family frequency is
    /// its document frequency less this.
    excess: Map<u32, u32>,
}

/// What a change touched: words whose document frequency changed, and articles whose
/// verification features changed (or are new).
#[derive(Debug, Default)]
struct Touched {
    words: Vec<u32>,
    docs: Vec<u32>,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Index")
            .field("len", &self.len())
            .field("time_range", &self.time_range())
            .field("config", self.dedup.config())
            .finish_non_exhaustive()
    }
}

impl Default for Index {
    fn default() -> Index {
        Index::new(Deduplicator::new())
    }
}

/// The id of a live slot ("" for a free one, which never happens in a table).
fn id_of(slots: &[Option<Entry>], slot: u32) -> &str {
    slots.get(slot as usize).and_then(Option::as_ref).map_or("", |e| e.id.as_str())
}

/// Removes `slot` from the keyword postings of `words`.
fn unpost(postings: &mut Map<u32, Vec<u32>>, slot: u32, words: &[u32]) {
    for w in words {
        if let Some(list) = postings.get_mut(w) {
            list.retain(|&s| s != slot);
            if list.is_empty() {
                postings.remove(w);
            }
        }
    }
}

/// The root of `x` in a union-find forest whose entries are all positions of `parent`.
fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Distinct sentence keys of `f`.
fn sentence_keys(f: &DocFeatures) -> Vec<u32> {
    let mut keys = f.sentence_keys().to_vec();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Live slots in id order, their analyses, and MinHash candidate pairs between positions of that
/// order with their channel ([`Index::live_in_id_order`]).
type LiveInIdOrder<'a> = (Vec<u32>, Vec<&'a Analysis>, Vec<(u32, u32, u8)>);

impl Index {
    /// An empty index that analyzes and groups with `dedup`.
    pub fn new(dedup: Deduplicator) -> Index {
        let tables = dedup.stages().iter().map(|(_, b)| vec![Map::default(); b.bands() as usize]).collect();
        let idf = Idf::new(std::iter::empty(), dedup.config().idf_prior);
        Index {
            dedup,
            slots: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::new(),
            tables,
            prints: Map::default(),
            by_time: BTreeSet::new(),
            sentences: SentenceCounts::default(),
            sentence_postings: Postings::default(),
            idf,
            word_postings: Postings::default(),
            keyword_postings: Map::default(),
            families: Map::default(),
            excess: Map::default(),
        }
    }

    /// The deduplicator that analyzes and groups.
    pub fn deduplicator(&self) -> &Deduplicator {
        &self.dedup
    }

    /// The configuration (saved with the index).
    pub fn config(&self) -> &Config {
        self.dedup.config()
    }

    /// Number of live articles.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the index holds no article.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Whether an article with this id is live.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// The ids of the live articles, ascending.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.by_id.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// The timestamp of `id`, or `None` if it has none or is not in the index.
    pub fn timestamp(&self, id: &str) -> Option<i64> {
        self.entry_by_id(id).and_then(|e| e.timestamp)
    }

    /// What the pipeline derived from the text of `id`, with the verification features it has
    /// in the live set (sentences that are boilerplate across the live set stripped, as a
    /// one-shot run over the same articles strips them).
    pub fn analysis(&self, id: &str) -> Option<&Analysis> {
        self.entry_by_id(id).map(|e| &e.analysis)
    }

    /// The oldest and newest timestamps of live articles, if any has one.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        Some((self.by_time.first()?.0, self.by_time.last()?.0))
    }

    /// Approximate heap bytes held: stored analyses, ids, band tables, postings and families.
    pub fn heap_bytes(&self) -> usize {
        // Each term is a small multiple of bytes actually allocated, so on 64-bit targets the
        // sums stay far below `usize::MAX`.
        let entries: usize = self
            .live()
            .map(|(_, e)| {
                let sigs: usize = e.analysis.signatures.iter().map(|s| s.values().len() * 4 + 48).sum();
                let raw = e.raw.as_ref().map_or(0, DocFeatures::heap_bytes);
                e.id.capacity() * 2 + sigs + e.analysis.features.heap_bytes() + raw + 128
            })
            .sum();
        let lists = |m: &Map<u32, Vec<u32>>| m.capacity() * 40 + m.values().map(|v| v.capacity() * 4).sum::<usize>();
        let tables: usize = self
            .tables
            .iter()
            .flatten()
            .map(|t| t.capacity() * 40 + t.values().map(|v| v.capacity() * 4).sum::<usize>())
            .sum();
        let families: usize = self.families.capacity() * 56
            + self.families.values().map(|f| f.members.capacity() * 4 + f.excess.capacity() * 8).sum::<usize>()
            + self.excess.capacity() * 12;
        entries
            + tables
            + families
            + lists(&self.word_postings.lists)
            + lists(&self.sentence_postings.lists)
            + self.slots.capacity() * std::mem::size_of::<Option<Entry>>()
    }

    fn entry(&self, slot: u32) -> Option<&Entry> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    fn entry_by_id(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).and_then(|&s| self.entry(s))
    }

    fn id(&self, slot: u32) -> &str {
        id_of(&self.slots, slot)
    }

    /// Live `(slot, entry)` pairs, in slot order (`check_room` keeps slots below `u32::MAX`).
    fn live(&self) -> impl Iterator<Item = (u32, &Entry)> + '_ {
        self.slots.iter().enumerate().filter_map(|(s, e)| e.as_ref().map(|e| (s as u32, e)))
    }

    /// Adds one article and says which group it is in now.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) if the id is already in the index (remove
    /// it first to replace it) or the index already holds 2^32 - 2 articles; the index is then
    /// unchanged.
    pub fn add(&mut self, article: Article<'_>) -> Result<Assignment> {
        self.add_batch(std::slice::from_ref(&article))?
            .pop()
            .ok_or_else(|| Error::input("no assignment for the added article"))
    }

    /// Adds many articles, analyzing them in parallel (with the `parallel` feature), and says
    /// for each, in input order, which group it is in once all are added.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) if an id is given twice or is already in
    /// the index, or the index would hold more than 2^32 - 2 articles; nothing is added then.
    pub fn add_batch(&mut self, articles: &[Article<'_>]) -> Result<Vec<Assignment>> {
        let mut seen: HashSet<&str> = HashSet::with_capacity(articles.len());
        for a in articles {
            if self.by_id.contains_key(a.id) {
                return Err(Error::input(format!(
                    "id {:?} is already in the index; remove it first to replace it",
                    a.id
                )));
            }
            if !seen.insert(a.id) {
                return Err(Error::input(format!("id {:?} is given twice", a.id)));
            }
        }
        self.check_room(articles.len())?;
        let texts: Vec<&str> = articles.iter().map(|a| a.text).collect();
        let analyses = self.dedup.analyze_batch(&texts);
        let entries = articles
            .iter()
            .zip(analyses)
            .map(|(a, analysis)| Entry::new(a.id.to_string(), a.timestamp, analysis))
            .collect();
        let added = self.insert(entries);
        Ok(self.assign(&added))
    }

    fn check_room(&self, more: usize) -> Result<()> {
        let live = self.len().saturating_add(more);
        if live >= u32::MAX as usize
            || (self.free.len() < more && self.slots.len().saturating_add(more) >= u32::MAX as usize)
        {
            return Err(Error::input("an index holds at most 2^32 - 2 articles"));
        }
        Ok(())
    }

    /// Stores entries whose ids are not in the index (room checked by the caller), then brings
    /// the verification features of every article whose sentence counts changed up to date.
    fn insert(&mut self, entries: Vec<Entry>) -> Vec<u32> {
        let mut added = Vec::with_capacity(entries.len());
        // Articles pushed out of the first `max` of a bucket: their candidate pairs with the rest
        // of it are gone (see `update_families`).
        let mut pushed = Vec::new();
        let max = self.config().max_bucket.max(2);
        for band in self.tables.iter_mut().flatten() {
            band.reserve(entries.len());
        }
        for entry in entries {
            let slot = match self.free.pop() {
                Some(s) => s,
                None => {
                    self.slots.push(None);
                    // `check_room` keeps `slots.len()` below `u32::MAX`.
                    (self.slots.len() - 1) as u32
                }
            };
            let Index { dedup, slots, tables, prints, by_time, by_id, sentences, sentence_postings, .. } = self;
            let mut keys = Vec::new();
            for ((_, banding), (table, sig)) in
                dedup.stages().iter().zip(tables.iter_mut().zip(&entry.analysis.signatures))
            {
                if sig.is_empty() {
                    continue;
                }
                banding.band_keys(sig, &mut keys);
                for (band, &key) in table.iter_mut().zip(&keys) {
                    let bucket = band.entry(key).or_default();
                    let at = bucket.partition_point(|&s| id_of(slots, s) < entry.id.as_str());
                    bucket.insert(at, slot);
                    // `max < bucket.len()` is checked.
                    if at < max && bucket.len() > max {
                        pushed.push(bucket[max]);
                    }
                }
            }
            if let Some(fp) = entry.analysis.fingerprint {
                let class = prints.entry(fp).or_default();
                let at = class.partition_point(|&s| id_of(slots, s) < entry.id.as_str());
                class.insert(at, slot);
            }
            if let Some(t) = entry.timestamp {
                by_time.insert((t, slot));
            }
            sentences.add(entry.raw());
            sentence_postings.add(slot, sentence_keys(entry.raw()));
            by_id.insert(entry.id.clone(), slot);
            if let Some(s) = slots.get_mut(slot as usize) {
                *s = Some(entry);
            }
            added.push(slot);
        }
        // New articles enter the word weights with their verification features; articles
        // sharing a sentence with them may have gained or lost boilerplate.
        let mut fresh = vec![false; self.slots.len()];
        // Added slots are positions of `slots`.
        for &s in &added {
            fresh[s as usize] = true;
        }
        let affected = if added.len() < self.len() { self.sharing_sentences(&added, &fresh) } else { Vec::new() };
        let mut touched = Touched::default();
        self.restrip(&added, true, &mut touched);
        self.restrip(&affected, false, &mut touched);
        // When only new articles were pushed out of a bucket's head, no near-copy pair was lost:
        // families can only merge, through the new articles' near copies.
        let only_added = pushed.iter().all(|&s| fresh.get(s as usize).copied().unwrap_or(false));
        pushed.extend_from_slice(&added);
        self.update_families(pushed, only_added.then_some(&fresh), Delta::default(), &mut touched);
        self.refresh_keywords(touched);
        added
    }

    /// Live slots, other than those marked in `skip`, that share a sentence with one of `slots`.
    fn sharing_sentences(&self, slots: &[u32], skip: &[bool]) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for &s in slots {
            let Some(e) = self.entry(s) else { continue };
            for k in sentence_keys(e.raw()) {
                out.extend(self.sentence_postings.get(k).iter().filter(|&&o| {
                    !skip.get(o as usize).copied().unwrap_or(false)
                        && self.entry(o).is_some_and(|x| x.raw().sentence_keys().contains(&k))
                }));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Recomputes the verification features of `slots` under the current sentence counts and
    /// updates the word weights and keyword postings (`fresh`: the slots are not counted yet).
    /// Features are rebuilt only for articles whose boilerplate sentences changed.
    fn restrip(&mut self, slots: &[u32], fresh: bool, touched: &mut Touched) {
        let masks: Vec<Option<Vec<bool>>> = crate::par::map(slots, |&s| {
            let e = self.entry(s)?;
            let mask = self.sentences.boilerplate(e.raw());
            let mask = if mask.iter().any(|&b| b) { mask } else { Vec::new() };
            (fresh || mask != e.stripped).then_some(mask)
        });
        let keywords = self.config().keywords.is_some();
        let mut rebuild = false;
        for (&slot, mask) in slots.iter().zip(masks) {
            let Some(mask) = mask else { continue };
            let Index { slots: entries, idf, word_postings, .. } = self;
            let Some(Some(e)) = entries.get_mut(slot as usize) else { continue };
            if !fresh {
                idf.remove(&e.analysis.features);
                if keywords {
                    rebuild |= word_postings.retire(e.analysis.features.bag().len());
                    touched.words.extend_from_slice(e.analysis.features.bag());
                }
            }
            if mask.is_empty() {
                if let Some(raw) = e.raw.take() {
                    e.analysis.features = raw;
                }
            } else {
                // As `SentenceCounts::strip` does.
                let features = e.raw().without_sentences(|k| mask.get(k).copied().unwrap_or(false));
                let raw = std::mem::replace(&mut e.analysis.features, features);
                if e.raw.is_none() {
                    e.raw = Some(raw);
                }
            }
            e.stripped = mask;
            idf.add(&e.analysis.features);
            if keywords {
                word_postings.add(slot, e.analysis.features.bag().iter().copied());
                touched.words.extend_from_slice(e.analysis.features.bag());
                touched.docs.push(slot);
            }
        }
        if rebuild {
            self.rebuild_postings();
        }
    }

    /// Brings the keywords of every article up to date after the document frequencies of
    /// `touched.words` changed and the features of `touched.docs` changed.
    ///
    /// An article's keywords are its `per_doc` eligible words of lowest `(family frequency,
    /// word)`. They can change only if its features changed, if a frequency (document or
    /// family) of one of its keywords changed (it may drop out, or eligibility ends), or if one
    /// of its other words changed frequency and is now eligible with a key below its last
    /// keyword's (`tau`; any eligible word when it has fewer than `per_doc`). `touched.words`
    /// holds every word whose document or family frequency changed. Those articles are found
    /// through the keyword and word postings and recomputed; every other article's keywords are
    /// unchanged.
    fn refresh_keywords(&mut self, mut touched: Touched) {
        let Some(kw) = self.config().keywords else { return };
        touched.words.sort_unstable();
        touched.words.dedup();
        let mut recompute = touched.docs;
        recompute.sort_unstable();
        recompute.dedup();
        // When every article is recomputed anyway (a load, a first bulk add), nothing to find.
        let everything = recompute.len() >= self.len();
        for &w in touched.words.iter().filter(|_| !everything) {
            if let Some(list) = self.keyword_postings.get(&w) {
                recompute.extend_from_slice(list);
            }
            let (df, families) = self.rarity(w);
            if !kw.eligible_in_families(df, families, w) {
                continue;
            }
            recompute.extend(self.word_postings.get(w).iter().filter(|&&s| {
                self.entry(s).is_some_and(|e| {
                    e.analysis.features.bag().binary_search(&w).is_ok()
                        && e.tau.is_none_or(|tau| (families, w) < tau)
                        && !e.keywords.contains(&w)
                })
            }));
        }
        recompute.sort_unstable();
        recompute.dedup();
        // Keywords and `tau` per article.
        type Keywords = (Vec<u32>, Option<(u32, u32)>);
        let fresh: Vec<Option<Keywords>> = crate::par::map(&recompute, |&s| {
            let e = self.entry(s)?;
            let words = kw.keywords_ranked(&e.analysis.features, |w| self.rarity(w));
            let tau = match words.last() {
                Some(&last) if words.len() >= kw.per_doc as usize => Some((self.rarity(last).1, last)),
                _ => None,
            };
            Some((words, tau))
        });
        for (&slot, new) in recompute.iter().zip(fresh) {
            let Some((words, tau)) = new else { continue };
            let Index { slots, keyword_postings, .. } = self;
            let Some(Some(e)) = slots.get_mut(slot as usize) else { continue };
            e.tau = tau;
            if e.keywords == words {
                continue;
            }
            unpost(keyword_postings, slot, &e.keywords);
            for &w in &words {
                keyword_postings.entry(w).or_default().push(slot);
            }
            e.keywords = words;
        }
    }

    /// The word weights of the live set, as a one-shot run over it counts them: over families of
    /// near copies (their number, and the number holding each word).
    fn weights(&self) -> Weights<'_> {
        // Families hold two or more live members; the live set has `idf.docs()` articles.
        let extra: usize = self.families.values().map(|f| f.members.len().saturating_sub(1)).sum();
        self.idf.family_weights(self.idf.docs().saturating_sub(extra), Some(&self.excess))
    }

    /// `(document frequency, family frequency)` of a word in the live set.
    fn rarity(&self, w: u32) -> (u32, u32) {
        let df = self.idf.df(w);
        (df, df.saturating_sub(self.excess.get(&w).copied().unwrap_or(0)))
    }

    /// The live articles that are near copies of `slot` (sorted): its MinHash candidates on a
    /// channel, exactly as a one-shot run pairs them, whose signatures on that channel are
    /// [`near_copies`]. `seen` is scratch.
    fn near_copies_of(&self, slot: u32, keys: &mut Vec<u64>, seen: &mut Vec<u32>, out: &mut Vec<u32>) {
        out.clear();
        let Some(entry) = self.entry(slot) else { return };
        let max = self.config().max_bucket.max(2);
        let stages = self.dedup.stages().iter().zip(self.tables.iter().zip(&entry.analysis.signatures));
        for (c, ((_, banding), (table, sig))) in stages.enumerate() {
            if sig.is_empty() {
                continue;
            }
            seen.clear();
            banding.band_keys(sig, keys);
            for (band, key) in table.iter().zip(keys.iter()) {
                if let Some(bucket) = band.get(key) {
                    seen.extend(self.linked(bucket, &entry.id, max).iter().filter(|&&s| s != slot));
                }
            }
            seen.sort_unstable();
            seen.dedup();
            out.extend(
                seen.iter()
                    .filter(|&&s| self.entry(s).is_some_and(|other| near_copies(&entry.analysis, &other.analysis, c))),
            );
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Adds (`add`) or takes away a family's excess from the word counts, and the same to each
    /// word's net change in `delta`.
    fn count_excess(excess: &mut Map<u32, u32>, list: &[(u32, u32)], add: bool, delta: &mut Delta) {
        for &(w, e) in list {
            let d = delta.entry(w).or_insert(0);
            if add {
                // At most the document frequency of `w`, a count of live articles.
                *excess.entry(w).or_insert(0) += e;
                *d += i64::from(e);
            } else if let Some(x) = excess.get_mut(&w) {
                *x = x.saturating_sub(e);
                *d -= i64::from(e);
                if *x == 0 {
                    excess.remove(&w);
                }
            }
        }
    }

    /// Takes the family keyed `family` out of the family counts if `slot` is in it, and returns
    /// its members (just `slot` otherwise).
    fn dissolve(&mut self, slot: u32, family: u32, delta: &mut Delta) -> Vec<u32> {
        match self.families.get(&family) {
            Some(f) if f.members.binary_search(&slot).is_ok() => {}
            _ => return vec![slot],
        }
        let Some(f) = self.families.remove(&family) else { return vec![slot] };
        Self::count_excess(&mut self.excess, &f.excess, false, delta);
        f.members
    }

    /// Makes `members` (live, ascending) one family and counts it.
    fn settle(&mut self, members: Vec<u32>, scratch: &mut Vec<u32>, delta: &mut Delta) {
        let key = members.first().copied().unwrap_or(u32::MAX);
        for &m in &members {
            if let Some(Some(e)) = self.slots.get_mut(m as usize) {
                e.family = key;
            }
        }
        if members.len() < 2 {
            return;
        }
        let bags = members.iter().filter_map(|&m| self.entry(m)).map(|e| e.analysis.features.bag());
        let excess = member_excess(bags, scratch);
        Self::count_excess(&mut self.excess, &excess, true, delta);
        self.families.insert(key, Family { members, excess });
    }

    /// Brings the families of near copies and their word counts up to date after a change.
    ///
    /// `seeds` must hold an end of every near-copy pair that appeared or disappeared: the added
    /// articles, those pushed out of (or pulled into) the first `max_bucket` of a bucket, and
    /// the remaining members of the families of removed articles (already dissolved). The
    /// families of the seeds are dissolved and recomputed from the near-copy pairs of their
    /// members, following pairs out of them (to the families of new near copies) until no new
    /// article is met; every other family keeps its members, as none of its pairs changed.
    /// Families whose members' features changed (`touched.docs`) are counted again. With many
    /// seeds, every family is recomputed as a one-shot run does. `delta` holds the changes of
    /// families already dissolved; the words whose family frequency changed in all are added to
    /// `touched.words`.
    ///
    /// With `added` (marking the slots just added), the caller says that no near-copy pair
    /// disappeared: only the added articles' near copies are then looked up, and the families
    /// they meet are joined whole.
    fn update_families(&mut self, seeds: Vec<u32>, added: Option<&[bool]>, mut delta: Delta, touched: &mut Touched) {
        if self.config().keywords.is_none() {
            return;
        }
        if seeds.len().saturating_mul(8) >= self.len() {
            self.recompute_families(&mut delta);
        } else {
            self.update_families_from(seeds, added, &mut delta, &touched.docs);
        }
        touched.words.extend(delta.into_iter().filter(|&(_, d)| d != 0).map(|(w, _)| w));
    }

    /// [`update_families`](Self::update_families) from a few seeds; `changed`: articles whose
    /// features changed.
    fn update_families_from(&mut self, seeds: Vec<u32>, added: Option<&[bool]>, delta: &mut Delta, changed: &[u32]) {
        // Slots met so far and their positions in `met`.
        let mut local: Map<u32, usize> = Map::default();
        let mut met: Vec<u32> = Vec::new();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut pending = seeds;
        while !pending.is_empty() {
            let mut frontier = Vec::new();
            for s in std::mem::take(&mut pending) {
                let Some(family) = self.entry(s).filter(|_| !local.contains_key(&s)).map(|e| e.family) else {
                    continue;
                };
                for m in self.dissolve(s, family, delta) {
                    if self.entry(m).is_some() && !local.contains_key(&m) {
                        local.insert(m, met.len());
                        met.push(m);
                        match added {
                            // An old family that lost no pair stays connected: join it whole.
                            Some(fresh) if !fresh.get(m as usize).copied().unwrap_or(false) => pairs.push((s, m)),
                            _ => frontier.push(m),
                        }
                    }
                }
            }
            let near: Vec<Vec<u32>> = crate::par::map_with(
                &frontier,
                || (Vec::new(), Vec::new()),
                |(keys, seen), &s| {
                    let mut out = Vec::new();
                    self.near_copies_of(s, keys, seen, &mut out);
                    out
                },
            );
            for (&s, near) in frontier.iter().zip(near) {
                for n in near {
                    if !local.contains_key(&n) {
                        pending.push(n);
                    }
                    pairs.push((s, n));
                }
            }
        }
        // Components of what was met; every pair end is in `local`, whose values are positions
        // of `met`, so of `parent`.
        let mut parent: Vec<usize> = (0..met.len()).collect();
        for (a, b) in pairs {
            if let (Some(&a), Some(&b)) = (local.get(&a), local.get(&b)) {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
        let mut components: Map<usize, Vec<u32>> = Map::default();
        for (i, &s) in met.iter().enumerate() {
            components.entry(find(&mut parent, i)).or_default().push(s);
        }
        let mut scratch = Vec::new();
        for (_, mut members) in components {
            members.sort_unstable();
            self.settle(members, &mut scratch, delta);
        }
        // Families left as they were whose members' words changed.
        let mut changed: Vec<u32> = changed
            .iter()
            .filter(|s| !local.contains_key(s))
            .filter_map(|&s| self.entry(s).map(|e| e.family))
            .filter(|f| self.families.contains_key(f))
            .collect();
        changed.sort_unstable();
        changed.dedup();
        for key in changed {
            let Some(f) = self.families.remove(&key) else { continue };
            Self::count_excess(&mut self.excess, &f.excess, false, delta);
            self.settle(f.members, &mut scratch, delta);
        }
    }

    /// Every live article's slot and analysis in id order, and their MinHash candidate pairs
    /// (positions in that order, with the channel), as a one-shot run finds them.
    fn live_in_id_order(&self) -> LiveInIdOrder<'_> {
        let mut order: Vec<u32> = self.live().map(|(s, _)| s).collect();
        order.sort_unstable_by(|&a, &b| self.id(a).cmp(self.id(b)));
        let analyses: Vec<&Analysis> = order.iter().filter_map(|&s| self.entry(s).map(|e| &e.analysis)).collect();
        let mut candidates: Vec<(u32, u32, u8)> = Vec::new();
        // `c < 250` (at most 250 channels), below the codes `KEYWORDS` and `IDENTICAL`.
        for (c, (_, banding)) in self.dedup.stages().iter().enumerate() {
            let sigs: Vec<&MinHashSignature> = analyses.iter().filter_map(|a| a.signatures.get(c)).collect();
            // Signatures all come from this index's hashers, so they fit the banding.
            let pairs = candidate_pairs(&sigs, *banding, self.config().max_bucket).unwrap_or_default();
            candidates.extend(pairs.into_iter().map(|(a, b)| (a, b, c as u8)));
        }
        (order, analyses, candidates)
    }

    /// Recomputes every family as a one-shot run does: over the live articles in id order.
    fn recompute_families(&mut self, delta: &mut Delta) {
        for (_, f) in std::mem::take(&mut self.families) {
            Self::count_excess(&mut self.excess, &f.excess, false, delta);
        }
        let (order, analyses, candidates) = self.live_in_id_order();
        // Pair ends and family keys are positions of `analyses`, which has one per `order`.
        let family =
            crate::dedup::families(analyses.len(), &candidates, |a, b, c| near_copies(analyses[a], analyses[b], c));
        drop(analyses);
        let mut members: Vec<(u32, u32)> =
            family.iter().zip(&order).map(|(&f, &slot)| (order[f as usize], slot)).collect();
        members.sort_unstable();
        let mut scratch = Vec::new();
        for run in members.chunk_by(|x, y| x.0 == y.0) {
            let mut slots: Vec<u32> = run.iter().map(|&(_, s)| s).collect();
            slots.sort_unstable();
            self.settle(slots, &mut scratch, delta);
        }
    }

    /// Rebuilds both postings from the live articles, dropping stale slots.
    fn rebuild_postings(&mut self) {
        let mut words = Postings::default();
        let mut sentences = Postings::default();
        let keywords = self.config().keywords.is_some();
        for (slot, e) in self.live() {
            if keywords {
                words.add(slot, e.analysis.features.bag().iter().copied());
            }
            sentences.add(slot, sentence_keys(e.raw()));
        }
        self.word_postings = words;
        self.sentence_postings = sentences;
    }

    /// Removes the article with this id. Returns whether it was in the index.
    pub fn remove(&mut self, id: &str) -> bool {
        match self.by_id.get(id) {
            Some(&slot) => self.remove_slots(&[slot]).len() == 1,
            None => false,
        }
    }

    /// Removes every article whose timestamp is before `before` (articles without a timestamp
    /// stay). Returns the removed ids, ascending.
    pub fn expire(&mut self, before: i64) -> Vec<String> {
        let old: Vec<u32> = self.by_time.range(..(before, 0)).map(|&(_, s)| s).collect();
        let mut ids: Vec<String> = self.remove_slots(&old).into_iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids
    }

    /// Removes live slots, then brings the verification features of the articles that shared a
    /// sentence with them up to date.
    fn remove_slots(&mut self, remove: &[u32]) -> Vec<Entry> {
        let mut gone = vec![false; self.slots.len()];
        for &s in remove {
            if let Some(g) = gone.get_mut(s as usize) {
                *g = self.entry(s).is_some();
            }
        }
        let affected = self.sharing_sentences(remove, &gone);
        let mut touched = Touched::default();
        let mut removed = Vec::with_capacity(remove.len());
        let mut rebuild = false;
        // The other members of the removed articles' families, and articles pulled into the
        // first `max` of a bucket (they gain candidate pairs): where families can change.
        let mut seeds = Vec::new();
        let mut delta = Delta::default();
        let max = self.config().max_bucket.max(2);
        for &slot in remove {
            if let Some(family) = self.entry(slot).map(|e| e.family) {
                seeds.extend(self.dissolve(slot, family, &mut delta));
            }
        }
        for &slot in remove {
            let Some(entry) = self.slots.get_mut(slot as usize).and_then(Option::take) else { continue };
            let Index { dedup, slots, tables, prints, by_time, by_id, idf, free, sentences, .. } = self;
            // The removed slot compares as its id, so buckets stay searchable.
            let key_of = |s: u32| if s == slot { entry.id.as_str() } else { id_of(slots, s) };
            let mut keys = Vec::new();
            for ((_, banding), (table, sig)) in
                dedup.stages().iter().zip(tables.iter_mut().zip(&entry.analysis.signatures))
            {
                if sig.is_empty() {
                    continue;
                }
                banding.band_keys(sig, &mut keys);
                for (band, key) in table.iter_mut().zip(&keys) {
                    if let Some(bucket) = band.get_mut(key) {
                        if let Ok(at) = bucket.binary_search_by(|&s| key_of(s).cmp(entry.id.as_str())) {
                            // `max < bucket.len()` is checked.
                            if at < max && bucket.len() > max {
                                seeds.push(bucket[max]);
                            }
                            bucket.remove(at);
                        }
                        if bucket.is_empty() {
                            band.remove(key);
                        }
                    }
                }
            }
            if let Some(fp) = entry.analysis.fingerprint {
                if let Some(class) = prints.get_mut(&fp) {
                    if let Ok(at) = class.binary_search_by(|&s| key_of(s).cmp(entry.id.as_str())) {
                        class.remove(at);
                    }
                    if class.is_empty() {
                        prints.remove(&fp);
                    }
                }
            }
            if let Some(t) = entry.timestamp {
                by_time.remove(&(t, slot));
            }
            idf.remove(&entry.analysis.features);
            sentences.remove(entry.raw());
            unpost(&mut self.keyword_postings, slot, &entry.keywords);
            touched.words.extend_from_slice(entry.analysis.features.bag());
            by_id.remove(&entry.id);
            free.push(slot);
            rebuild |= self.sentence_postings.retire(entry.raw().sentence_keys().len());
            rebuild |= self.word_postings.retire(entry.analysis.features.bag().len());
            removed.push(entry);
        }
        if rebuild {
            self.rebuild_postings();
        }
        self.restrip(&affected, false, &mut touched);
        self.update_families(seeds, None, delta, &mut touched);
        self.refresh_keywords(touched);
        removed
    }

    /// Adds every article of `other`, without re-analyzing them. Returns how many were added.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if the two indexes were
    /// built with different configurations; [`ErrorKind::Input`](crate::ErrorKind::Input) if
    /// they share an id or the result would be too large. Nothing is added then.
    pub fn merge(&mut self, other: &Index) -> Result<usize> {
        if let Some(diff) = format::config_difference(self.config(), other.config()) {
            return Err(Error::incompatible(format!("cannot merge indexes built with {diff}")));
        }
        let mut ids: Vec<&str> = other.by_id.keys().map(String::as_str).collect();
        ids.sort_unstable();
        if let Some(dup) = ids.iter().find(|id| self.by_id.contains_key(**id)) {
            return Err(Error::input(format!("both indexes hold id {dup:?}; remove it from one of them first")));
        }
        self.check_room(ids.len())?;
        let entries: Vec<Entry> = ids
            .iter()
            .filter_map(|id| other.entry_by_id(id))
            .map(|e| {
                let mut analysis = e.analysis.clone();
                analysis.features = e.raw().clone();
                Entry::new(e.id.clone(), e.timestamp, analysis)
            })
            .collect();
        Ok(self.insert(entries).len())
    }

    /// Where the article `id` stands now: its group and representative.
    pub fn assignment(&self, id: &str) -> Option<Assignment> {
        let slot = *self.by_id.get(id)?;
        self.assign(&[slot]).pop()
    }

    /// The grouping of every live article, equal to `Deduplicator::group` over the same
    /// articles with their ids (see the [module documentation](self)).
    pub fn grouping(&self) -> Snapshot {
        let (order, edges) = self.discover_all();
        // Indexes: `order`, the keys and values of `reps` and the ends of `edges` are live slots
        // (positions of `slots`), and `position` maps them below `order.len() = labels.len()`.
        let mut position = vec![0usize; self.slots.len()];
        for (p, &s) in order.iter().enumerate() {
            position[s as usize] = p;
        }
        let reps = self.cluster(&order, &edges);
        let mut labels: Vec<usize> = (0..order.len()).collect();
        for (&slot, &rep) in &reps {
            labels[position[slot as usize]] = position[rep as usize];
        }
        let links: Vec<Link> = edges
            .iter()
            .map(|e| Link {
                a: position[e.a as usize],
                b: position[e.b as usize],
                stage: e.stage,
                evidence: e.evidence,
            })
            .collect();
        let ids = order.iter().map(|&s| self.id(s).to_string()).collect();
        Snapshot { ids, grouping: Grouping::new(&labels, links) }
    }

    /// The best `limit` indexed candidates for `text`, verified, without adding it.
    ///
    /// Candidates are found as for an added article: indexed articles sharing an LSH band with
    /// `text` in any channel (from a bucket of more than `max_bucket` articles, its first
    /// `max_bucket` by id), sharing rare words with it (the keyword stage; the text's keywords
    /// are ranked by the live set's document and family frequencies, as if it were a family of
    /// its own), or with an identical normalized text. Scores use the live set's word weights and sentence counts; see the
    /// [module documentation](self) for how this differs from adding.
    pub fn query(&self, text: &str, limit: usize) -> QueryResult {
        let mut analysis = self.dedup.analyze(text);
        if let Some(f) = self.sentences.strip(&analysis.features) {
            analysis.features = f;
        }
        let max = self.config().max_bucket.max(2);
        let mut found: Vec<(u32, u8)> = Vec::new();
        let mut keys = Vec::new();
        for ((_, banding), (table, sig)) in self.dedup.stages().iter().zip(self.tables.iter().zip(&analysis.signatures))
        {
            if sig.is_empty() {
                continue;
            }
            banding.band_keys(sig, &mut keys);
            for (band, key) in table.iter().zip(&keys) {
                if let Some(bucket) = band.get(key) {
                    found.extend(bucket[..bucket.len().min(max)].iter().map(|&s| (s, 0)));
                }
            }
        }
        if let Some(kw) = &self.config().keywords {
            let keywords = kw.keywords_ranked(&analysis.features, |w| self.rarity(w));
            self.keyword_candidates(kw, &analysis.features, &keywords, None, &mut found);
        }
        if let Some(class) = analysis.fingerprint.and_then(|fp| self.prints.get(&fp)) {
            found.extend(class.iter().map(|&s| (s, IDENTICAL)));
        }
        let mut candidates: Vec<u32> = found.into_iter().map(|(s, _)| s).collect();
        candidates.sort_unstable();
        candidates.dedup();
        let weights = self.weights();
        let mut matches: Vec<Match> = crate::par::map(&candidates, |&s| {
            let e = self.entry(s)?;
            let evidence = self.dedup.verify_with(&e.analysis, &analysis, weights);
            Some(Match { id: e.id.clone(), score: evidence.score, evidence })
        })
        .into_iter()
        .flatten()
        .collect();
        matches.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.id.cmp(&y.id)));
        let threshold = self.config().threshold;
        let cluster =
            matches.first().filter(|m| m.score >= threshold).and_then(|m| self.assignment(&m.id)).map(|a| a.cluster);
        matches.truncate(limit);
        QueryResult { matches, cluster }
    }

    /// The assignments of `seeds`, in order.
    fn assign(&self, seeds: &[u32]) -> Vec<Assignment> {
        // Following links from a few seeds is cheaper than a batch run; from many, the batch
        // candidate search (which finds the same pairs) is.
        let (reached, edges) =
            if seeds.len().saturating_mul(8) >= self.len() { self.discover_all() } else { self.discover(seeds) };
        let reps = self.cluster(&reached, &edges);
        let mut groups: Map<u32, Vec<&str>> = Map::default();
        for (&slot, &rep) in &reps {
            groups.entry(rep).or_default().push(self.id(slot));
        }
        seeds
            .iter()
            .map(|&s| {
                let rep = reps.get(&s).copied().unwrap_or(s);
                let mut members: Vec<String> = groups
                    .get(&rep)
                    .map_or_else(|| vec![self.id(s).to_string()], |m| m.iter().map(|x| x.to_string()).collect());
                members.sort_unstable();
                Assignment { id: self.id(s).to_string(), cluster: self.id(rep).to_string(), members }
            })
            .collect()
    }

    /// Groups `reached` (whole connected components through `edges`) as a one-shot run does:
    /// the representative of each.
    fn cluster(&self, reached: &[u32], edges: &[Edge]) -> Map<u32, u32> {
        let local: Map<u32, usize> = reached.iter().enumerate().map(|(i, &s)| (s, i)).collect();
        // `a`, `b` and every root are positions of `reached`, so of `parent`.
        let mut parent: Vec<usize> = (0..reached.len()).collect();
        for e in edges {
            if let (Some(&a), Some(&b)) = (local.get(&e.a), local.get(&e.b)) {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
        let mut components: Map<usize, (Vec<u32>, Vec<Edge>)> = Map::default();
        for (i, &s) in reached.iter().enumerate() {
            let root = find(&mut parent, i);
            components.entry(root).or_default().0.push(s);
        }
        for e in edges {
            if let Some(&a) = local.get(&e.a) {
                let root = find(&mut parent, a);
                components.entry(root).or_default().1.push(*e);
            }
        }
        let mut reps: Map<u32, u32> = Map::with_capacity_and_hasher(reached.len(), Default::default());
        for (mut members, links) in components.into_values() {
            if members.len() == 1 {
                reps.insert(members[0], members[0]);
                continue;
            }
            // Positions in id order, as in a one-shot run.
            members.sort_unstable_by(|&a, &b| self.id(a).cmp(self.id(b)));
            let position: Map<u32, usize> = members.iter().enumerate().map(|(p, &s)| (s, p)).collect();
            let weighted: Vec<(usize, usize, f64)> = links
                .iter()
                .filter_map(|e| Some((*position.get(&e.a)?, *position.get(&e.b)?, e.evidence.score)))
                .collect();
            let priority: Vec<u64> =
                members.iter().map(|&s| self.entry(s).map_or(0, |e| e.analysis.features.len() as u64)).collect();
            let labels = group::cluster(members.len(), &weighted, &priority);
            for (&s, &label) in members.iter().zip(&labels) {
                reps.insert(s, members.get(label).copied().unwrap_or(s));
            }
        }
        reps
    }

    /// Every live article in id order and the links at or above the threshold among them,
    /// found as a one-shot run (`Deduplicator::score`) finds them: batch candidate search over
    /// the articles in id order, then verification in parallel.
    fn discover_all(&self) -> (Vec<u32>, Vec<Edge>) {
        let (order, analyses, mut candidates) = self.live_in_id_order();
        if let Some(kw) = &self.config().keywords {
            let docs: Vec<&DocFeatures> = analyses.iter().map(|a| &a.features).collect();
            let dfs: Vec<Vec<u32>> = crate::par::map(&docs, |d| self.idf.dfs(d));
            let excess = (!self.excess.is_empty()).then_some(&self.excess);
            let found = kw.candidate_pairs_df(&docs, &dfs, excess);
            candidates.extend(found.into_iter().map(|(a, b)| (a, b, KEYWORDS)));
        }
        // `i < len() < u32::MAX`; runs of `chunk_by` are not empty.
        let mut by_print: Vec<(u64, u32)> =
            analyses.iter().enumerate().filter_map(|(i, a)| a.fingerprint.map(|f| (f, i as u32))).collect();
        by_print.sort_unstable();
        for run in by_print.chunk_by(|x, y| x.0 == y.0) {
            for &(_, j) in &run[1..] {
                candidates.push((run[0].1.min(j), run[0].1.max(j), IDENTICAL));
            }
        }
        candidates.sort_unstable();
        candidates.dedup_by_key(|x| (x.0, x.1));
        let threshold = self.config().threshold;
        let weights = self.weights();
        let edges: Vec<Option<Edge>> = crate::par::map(&candidates, |&(a, b, c)| {
            let (a, b) = (*order.get(a as usize)?, *order.get(b as usize)?);
            let evidence = self.dedup.verify_with(&self.entry(a)?.analysis, &self.entry(b)?.analysis, weights);
            (evidence.score >= threshold).then(|| Edge { a, b, stage: stage_of(c, &evidence), evidence })
        });
        (order, edges.into_iter().flatten().collect())
    }

    /// Every article reachable from `seeds` through links at or above the threshold, and those
    /// links. Each candidate pair is verified once, in parallel within each round.
    fn discover(&self, seeds: &[u32]) -> (Vec<u32>, Vec<Edge>) {
        const UNSEEN: u8 = 0;
        const FRONTIER: u8 = 1;
        const EXPANDED: u8 = 2;
        let threshold = self.config().threshold;
        let weights = self.weights();
        // Every slot met below (a seed with an entry, a slot from a band table, a posting or a
        // fingerprint class, an edge end) is a position of `slots`, which never shrinks.
        let mut mark = vec![UNSEEN; self.slots.len()];
        let mut frontier: Vec<u32> = Vec::with_capacity(seeds.len());
        for &s in seeds {
            if self.entry(s).is_some() && mark[s as usize] == UNSEEN {
                mark[s as usize] = FRONTIER;
                frontier.push(s);
            }
        }
        let mut reached = frontier.clone();
        let mut edges = Vec::new();
        while !frontier.is_empty() {
            let marks = &mark;
            let pairs: Vec<Vec<(u32, u32, u8)>> = crate::par::map_with(
                &frontier,
                || (Vec::new(), Vec::new()),
                |(keys, found), &u| {
                    self.candidates(u, keys, found);
                    found
                        .iter()
                        .filter(|&&(v, _)| match marks[v as usize] {
                            UNSEEN => true,
                            FRONTIER => u < v,
                            _ => false,
                        })
                        .map(|&(v, c)| (u, v, c))
                        .collect()
                },
            );
            let pairs: Vec<(u32, u32, u8)> = pairs.into_iter().flatten().collect();
            let verified: Vec<Option<Edge>> = crate::par::map(&pairs, |&(u, v, c)| {
                let (a, b) = if self.id(u) < self.id(v) { (u, v) } else { (v, u) };
                let evidence = self.dedup.verify_with(&self.entry(a)?.analysis, &self.entry(b)?.analysis, weights);
                (evidence.score >= threshold).then(|| Edge { a, b, stage: stage_of(c, &evidence), evidence })
            });
            for &u in &frontier {
                mark[u as usize] = EXPANDED;
            }
            frontier.clear();
            for edge in verified.into_iter().flatten() {
                for s in [edge.a, edge.b] {
                    if mark[s as usize] == UNSEEN {
                        mark[s as usize] = FRONTIER;
                        frontier.push(s);
                        reached.push(s);
                    }
                }
                edges.push(edge);
            }
        }
        (reached, edges)
    }

    /// The candidates of `slot` with the first stage proposing each, sorted by slot: exactly
    /// the pairs with `slot` that a one-shot run over the live articles proposes.
    fn candidates(&self, slot: u32, keys: &mut Vec<u64>, out: &mut Vec<(u32, u8)>) {
        out.clear();
        let Some(entry) = self.entry(slot) else { return };
        let id = entry.id.as_str();
        let max = self.config().max_bucket.max(2);
        let stages = self.dedup.stages().iter().zip(self.tables.iter().zip(&entry.analysis.signatures));
        for (c, ((_, banding), (table, sig))) in stages.enumerate() {
            if sig.is_empty() {
                continue;
            }
            banding.band_keys(sig, keys);
            for (band, key) in table.iter().zip(keys.iter()) {
                let Some(bucket) = band.get(key) else { continue };
                // `c < 250` fits a `u8`.
                let linked = self.linked(bucket, id, max);
                out.extend(linked.iter().filter(|&&s| s != slot).map(|&s| (s, c as u8)));
            }
        }
        if let Some(kw) = &self.config().keywords {
            self.keyword_candidates(kw, &entry.analysis.features, &entry.keywords, Some(slot), out);
        }
        if let Some(class) = entry.analysis.fingerprint.and_then(|fp| self.prints.get(&fp)) {
            // Identical texts are linked to the first of their kind.
            match class.first() {
                // `class` has a first element, so `class[1..]` exists.
                Some(&first) if first == slot => out.extend(class[1..].iter().map(|&s| (s, IDENTICAL))),
                Some(&first) => out.push((first, IDENTICAL)),
                None => {}
            }
        }
        out.sort_unstable();
        out.dedup_by_key(|x| x.0);
    }

    /// The members of a bucket (sorted by id) that a one-shot run pairs with a member of this
    /// id: the whole bucket if it is among the first `max`, else those first `max`.
    fn linked<'b>(&self, bucket: &'b [u32], id: &str, max: usize) -> &'b [u32] {
        // `max <= rank <= bucket.len()` in the second branch.
        let rank = bucket.partition_point(|&s| self.id(s) < id);
        if rank < max { bucket } else { &bucket[..max] }
    }

    /// The live articles (other than `own`) that the keyword stage pairs with a document of
    /// these features and `keywords`: the keywords of one (its rarest words under the current
    /// frequencies) occur in the other at least `min_shared` times, in either direction.
    fn keyword_candidates(
        &self,
        kw: &KeywordConfig,
        features: &DocFeatures,
        keywords: &[u32],
        own: Option<u32>,
        out: &mut Vec<(u32, u8)>,
    ) {
        let min = kw.min_shared;
        // Both counts are at most `per_doc` (a `u32`): one per keyword, ours or theirs.
        // Ours in theirs: the articles holding each of our keywords.
        let mut ours: Map<u32, u32> = Map::default();
        let mut posting: Vec<u32> = Vec::new();
        for &w in keywords {
            posting.clear();
            posting.extend(self.word_postings.get(w).iter().filter(|&&s| {
                Some(s) != own && self.entry(s).is_some_and(|e| e.analysis.features.bag().binary_search(&w).is_ok())
            }));
            posting.sort_unstable();
            posting.dedup();
            for &s in &posting {
                *ours.entry(s).or_default() += 1;
            }
        }
        // Theirs in ours: the articles having each of our words among their keywords.
        let mut theirs: Map<u32, u32> = Map::default();
        for w in features.bag() {
            for &s in self.keyword_postings.get(w).map_or(&[][..], Vec::as_slice) {
                if Some(s) != own {
                    *theirs.entry(s).or_default() += 1;
                }
            }
        }
        let linked = |m: &Map<u32, u32>| m.iter().filter(|&(_, &c)| c >= min).map(|(&s, _)| s).collect::<Vec<_>>();
        out.extend(linked(&ours).into_iter().chain(linked(&theirs)).map(|s| (s, KEYWORDS)));
    }

    /// Writes the index in the binary format of [`FORMAT_VERSION`] to `w`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) if writing fails.
    pub fn write_to<W: std::io::Write>(&self, mut w: W) -> Result<()> {
        w.write_all(&self.to_bytes())?;
        w.flush()?;
        Ok(())
    }

    /// The index in the binary format of [`FORMAT_VERSION`].
    pub fn to_bytes(&self) -> Vec<u8> {
        format::encode(self)
    }

    /// Reads an index written by [`write_to`](Self::write_to), with the configuration stored
    /// in it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Format`](crate::ErrorKind::Format) if the bytes are not an index (bad magic),
    /// come from a newer format version, are truncated, fail the checksum or hold inconsistent
    /// data; [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) if the file's
    /// signatures or text features were computed differently from this build's (a different
    /// signature format version, or changed hash values). Never panics, whatever the bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Index> {
        format::decode(bytes, None)
    }

    /// As [`from_bytes`](Self::from_bytes), and refuses a file whose configuration differs from
    /// `dedup`'s.
    ///
    /// # Errors
    ///
    /// As [`from_bytes`](Self::from_bytes), and
    /// [`ErrorKind::Incompatible`](crate::ErrorKind::Incompatible) naming the first difference
    /// when the configurations differ.
    pub fn from_bytes_with(bytes: &[u8], dedup: &Deduplicator) -> Result<Index> {
        format::decode(bytes, Some(dedup))
    }

    /// Reads an index from a file.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) if the file cannot be read; otherwise as
    /// [`from_bytes`](Self::from_bytes).
    pub fn load(path: impl AsRef<Path>) -> Result<Index> {
        Index::from_bytes(&format::read_file(path.as_ref())?)
    }

    /// Reads an index from a file and refuses one whose configuration differs from `dedup`'s.
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load) and [`from_bytes_with`](Self::from_bytes_with).
    pub fn load_with(path: impl AsRef<Path>, dedup: &Deduplicator) -> Result<Index> {
        Index::from_bytes_with(&format::read_file(path.as_ref())?, dedup)
    }

    /// Saves the index to a file atomically: it is written to a temporary file in the same
    /// folder, flushed to disk, then renamed over `path`, so a crash mid-save leaves the old
    /// file intact.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) if the file cannot be written or renamed (the
    /// temporary file is removed then); [`ErrorKind::Input`](crate::ErrorKind::Input) if
    /// `path` names no file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        format::save(path.as_ref(), &self.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::{DocFeatures, FeatureBuffer};
    use crate::minhash::SignatureParams;

    #[test]
    fn features_encode_decode_round_trip() {
        for text in ["", "one", "Fresh gunfire reported. The truce held!\n\nIt is what it is. Gunfire, gunfire again."]
        {
            let f = DocFeatures::extract(text, &mut FeatureBuffer::default());
            let mut v = Vec::new();
            f.encode(&mut v);
            assert_eq!(DocFeatures::decode(&v), Some(f.clone()));
            // Any truncation or extension is refused.
            for cut in 0..v.len() {
                assert_eq!(DocFeatures::decode(&v[..cut]), None);
            }
            v.push(0);
            assert_eq!(DocFeatures::decode(&v), None);
        }
    }

    /// The families of near copies of the live articles as a one-shot run finds them, as sets of
    /// ids of two or more, and the excess of each word (see `member_excess`).
    fn one_shot_families(index: &Index) -> (BTreeSet<Vec<String>>, Map<u32, u32>) {
        let mut live: Vec<&Entry> = index.live().map(|(_, e)| e).collect();
        live.sort_by(|a, b| a.id.cmp(&b.id));
        let mut candidates = Vec::new();
        for (c, (_, banding)) in index.deduplicator().stages().iter().enumerate() {
            let sigs: Vec<&MinHashSignature> = live.iter().map(|e| &e.analysis.signatures[c]).collect();
            let pairs = candidate_pairs(&sigs, *banding, index.config().max_bucket).unwrap();
            candidates.extend(pairs.into_iter().map(|(a, b)| (a, b, c as u8)));
        }
        let family = crate::dedup::families(live.len(), &candidates, |a, b, c| {
            near_copies(&live[a].analysis, &live[b].analysis, c)
        });
        let excess = crate::dedup::family_excess(&family, |i| live[i].analysis.features.bag()).unwrap_or_default();
        let mut sets: Map<u32, Vec<String>> = Map::default();
        for (e, &f) in live.iter().zip(&family) {
            sets.entry(f).or_default().push(e.id.clone());
        }
        (sets.into_values().filter(|s| s.len() > 1).collect(), excess)
    }

    /// The maintained keywords, postings, weights and families equal those computed from
    /// scratch.
    fn assert_derived_state_is_exact(index: &Index) {
        let live: Vec<&Entry> = index.live().map(|(_, e)| e).collect();
        let idf = Idf::new(live.iter().map(|e| &e.analysis.features), index.config().idf_prior);
        let counts = SentenceCounts::new(live.iter().map(|e| e.raw()));
        let kw = index.config().keywords.unwrap();
        let (families, excess) = one_shot_families(index);
        let rarity = |w: u32| {
            let df = idf.df(w);
            (df, df - excess.get(&w).copied().unwrap_or(0))
        };
        for (slot, e) in index.live() {
            let stripped = counts.strip(e.raw()).unwrap_or_else(|| e.raw().clone());
            assert_eq!(e.analysis.features, stripped, "features of {}", e.id);
            assert_eq!(e.keywords, kw.keywords_ranked(&e.analysis.features, rarity), "keywords of {}", e.id);
            for w in &e.keywords {
                assert!(index.keyword_postings[w].contains(&slot));
            }
            for &w in e.analysis.features.bag() {
                assert_eq!(index.idf.df(w), idf.df(w));
                assert_eq!(index.rarity(w), rarity(w), "family frequency of {w} in {}", e.id);
                // Word weights count families: their number and the families holding the word.
                let n = live.len() + families.len() - families.iter().map(Vec::len).sum::<usize>();
                let prior = index.config().idf_prior;
                let expected = (n as f64 + prior + 1.0).ln() + 1.0 - f64::from(rarity(w).1 + 1).ln();
                let got = index.weights().weight(w);
                assert!((got - expected).abs() < 1e-9, "weight of {w} in {}: {got} vs {expected}", e.id);
                let batch = idf.family_weights(n, Some(&excess)).weight(w);
                assert_eq!(got.to_bits(), batch.to_bits(), "weight of {w} in {}", e.id);
            }
            if let Some(f) = index.families.get(&e.family) {
                assert!(f.members.contains(&slot), "{} is not in the family it names", e.id);
            }
        }
        let posted: usize = index.keyword_postings.values().map(Vec::len).sum();
        assert_eq!(posted, live.iter().map(|e| e.keywords.len()).sum::<usize>());
        // The families, their members' pointers and their counts.
        let mut kept: BTreeSet<Vec<String>> = BTreeSet::new();
        for (&key, f) in &index.families {
            assert!(f.members.len() > 1 && f.members.windows(2).all(|w| w[0] < w[1]));
            let mut ids: Vec<String> = f.members.iter().map(|&m| index.id(m).to_string()).collect();
            ids.sort();
            for &m in &f.members {
                assert_eq!(index.entry(m).map(|e| e.family), Some(key), "family key of {}", index.id(m));
            }
            let bags = f.members.iter().map(|&m| index.entry(m).unwrap().analysis.features.bag());
            assert_eq!(f.excess, member_excess(bags, &mut Vec::new()), "excess of family {ids:?}");
            kept.insert(ids);
        }
        assert_eq!(kept, families, "families differ from one-shot families");
        assert_eq!(index.excess, excess, "excess counts");
    }

    #[test]
    fn derived_state_stays_exact_through_adds_and_removals() {
        let boilerplate =
            "Share this article on Facebook. Sign up for our newsletter today. Cookies help us deliver our services.";
        let stories = [
            "Dock workers in Rotterdam ended a week-long strike on Friday after a pay deal with Maersk and Cosco.",
            "The Rotterdam dock strike ended after Maersk agreed a pay deal, union leaders said on Friday.",
            "Heavy rain flooded roads across Yorkshire and Lancashire, and the Met Office issued amber warnings.",
            "Amber warnings from the Met Office as floods close roads in Yorkshire after heavy rain.",
            "The central bank of Norway raised its rate to 4.5 percent, its highest since 2008.",
        ];
        let mut index = Index::default();
        let texts: Vec<String> = (0..40)
            .map(|i| {
                let story = stories[i % stories.len()];
                let own = format!(
                    "Correspondent {i} filed this report from desk {i} with notes on {} and {}, covering {} for the {} bureau.",
                    i * 7,
                    i * 13,
                    ["Lisbon", "Dakar", "Quito"][i % 3],
                    ["Nairobi", "Jakarta", "Oslo", "Lima"][i % 4]
                );
                if i % 3 == 0 { format!("{own}\n{story}\n{boilerplate}") } else { format!("{own} {story}") }
            })
            .collect();
        for (i, t) in texts.iter().enumerate() {
            index.add(Article::new(&format!("d{i:02}"), t).at(i as i64)).unwrap();
            if i % 7 == 6 {
                assert!(index.remove(&format!("d{:02}", i - 3)));
            }
            assert_derived_state_is_exact(&index);
        }
        assert!(index.live().any(|(_, e)| e.raw.is_some()), "no boilerplate was stripped");
        let most = index.live().map(|(_, e)| e.keywords.len()).max();
        assert_eq!(most, Some(10));
        index.expire(20);
        assert_derived_state_is_exact(&index);
        let back = Index::from_bytes(&index.to_bytes()).unwrap();
        assert_derived_state_is_exact(&back);
    }

    /// The seed articles, each also published by `k` sites under their own masthead and footer
    /// (ids `000-0`, `000-1`, ...).
    fn syndicated_seeds(k: usize) -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/seeds");
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.retain(|p| p.extension().is_some_and(|x| x == "txt"));
        files.sort();
        let sites = ["The Daily Ledger", "Metro Wire Online", "Northern Courier", "Valley Times", "Coastal Herald"];
        let mut items = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let text = std::fs::read_to_string(f).unwrap();
            let id = format!("{i:03}");
            for c in 0..k {
                let site = sites[(i + c) % sites.len()];
                let page =
                    format!("{site}. Home | News | Sport | Weather\n{text}\nShare this article. Copyright {site}.");
                items.push((format!("{id}-{c}"), page));
            }
            items.push((id, text));
        }
        items
    }

    /// The index's grouping equals a one-shot run over its live articles.
    fn assert_groups_as_one_shot(index: &Index, live: &[(String, String)]) {
        let mut items = live.to_vec();
        items.sort();
        let expected = index.deduplicator().group(&items).unwrap();
        let snapshot = index.grouping();
        assert_eq!(snapshot.ids(), items.iter().map(|x| x.0.clone()).collect::<Vec<_>>().as_slice());
        assert_eq!(snapshot.grouping(), &expected);
    }

    /// A permutation of `0..n` from a seed.
    fn shuffled(n: usize, seed: u64) -> Vec<usize> {
        let mut x = seed | 1;
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        order
    }

    #[test]
    fn syndicated_copies_added_one_at_a_time_then_removed_keep_families_exact() {
        let mut channels = Config::default().channels;
        channels.push(crate::dedup::Channel::rewrites());
        let two = Config { channels, ..Config::default() };
        let dedups = [
            Deduplicator::new(),
            Deduplicator::builder().max_bucket(3).build().unwrap(),
            Deduplicator::builder().config(two).build().unwrap(),
        ];
        for (d, dedup) in dedups.into_iter().enumerate() {
            let items = syndicated_seeds(3);
            let mut index = Index::new(dedup);
            let mut live = Vec::new();
            for (k, &i) in shuffled(items.len(), 7 + d as u64).iter().enumerate() {
                let (id, text) = &items[i];
                index.add(Article::new(id, text).at(k as i64)).unwrap();
                live.push(items[i].clone());
                assert_derived_state_is_exact(&index);
                if k % 4 == 3 {
                    assert_groups_as_one_shot(&index, &live);
                }
            }
            assert_groups_as_one_shot(&index, &live);
            // Every story's copies are one family (the paraphrase 000 and its copies are another).
            assert_eq!(index.families.len(), 5, "config {d}");
            assert!(index.families.values().all(|f| f.members.len() == 4));
            let back = Index::from_bytes(&index.to_bytes()).unwrap();
            assert_derived_state_is_exact(&back);
            assert_eq!(back.grouping(), index.grouping());
            // Expiry removes many at once; merging adds many at once.
            let mut expired = index.clone();
            expired.expire(9);
            assert_derived_state_is_exact(&expired);
            let order = shuffled(items.len(), 7 + d as u64);
            assert_groups_as_one_shot(&expired, &order[9..].iter().map(|&i| items[i].clone()).collect::<Vec<_>>());
            let mut left = Index::new(index.deduplicator().clone());
            let mut right = Index::new(index.deduplicator().clone());
            for (k, &i) in order.iter().enumerate() {
                let half = if k % 3 == 0 { &mut left } else { &mut right };
                half.add(Article::new(&items[i].0, &items[i].1)).unwrap();
            }
            left.merge(&right).unwrap();
            assert_derived_state_is_exact(&left);
            assert_eq!(left.grouping(), index.grouping());
            // Remove them one at a time, in another order.
            for (k, &i) in shuffled(items.len(), 99 + d as u64).iter().enumerate() {
                assert!(index.remove(&items[i].0));
                live.retain(|x| x.0 != items[i].0);
                assert_derived_state_is_exact(&index);
                if k % 4 == 3 {
                    assert_groups_as_one_shot(&index, &live);
                }
            }
            assert!(index.is_empty() && index.families.is_empty() && index.excess.is_empty());
        }
    }

    #[test]
    fn removing_the_middle_of_a_chain_of_near_copies_splits_its_family() {
        // Versions of one story, each rewording the next 5 of its 20 sentences: neighbours share
        // 15 sentences, versions two apart 10.
        let sentence = |i: usize, v: usize| {
            format!(
                "Sentence {i} of version {v} tells how the harbour pilots of Varnholm counted {} ships near pier {}.",
                i * 7 + v * 131,
                i + 3 * v
            )
        };
        let version = |v: usize| {
            (0..20).map(|i| sentence(i, if i < 5 * v { i / 5 + 1 } else { 0 })).collect::<Vec<_>>().join(" ")
        };
        let items: Vec<(String, String)> = (0..4).map(|v| (format!("v{v}"), version(v))).collect();
        let mut index = Index::default();
        for (id, text) in &items {
            index.add(Article::new(id, text)).unwrap();
        }
        assert_derived_state_is_exact(&index);
        assert_eq!(index.families.len(), 1, "the chain is one family");
        assert!(index.remove("v1"));
        assert_derived_state_is_exact(&index);
        assert!(index.families.is_empty() || index.families.values().all(|f| f.members.len() < 3));
        assert_groups_as_one_shot(&index, &[items[0].clone(), items[2].clone(), items[3].clone()]);
        index.add(Article::new("v1", &items[1].1)).unwrap();
        assert_derived_state_is_exact(&index);
        assert_eq!(index.families.len(), 1);
    }

    #[test]
    fn families_follow_thinning_as_articles_come_and_go() {
        // 8 one-row bands and buckets of at most 3: `t1` and `t2` agree on values 0..4 (near
        // copies, Jaccard 0.5), each `h` agrees with them on three of those four (not near), so
        // with every `h` present each value the `t`s share is in a bucket whose first three
        // members are `h`s, and the `t`s are no candidates: adding the `h`s splits their family,
        // removing one joins it again.
        let dedup = Deduplicator::builder().num_hashes(8).lsh_threshold(0.1).max_bucket(3).build().unwrap();
        let (hasher, banding) = dedup.stages()[0].clone();
        assert_eq!(banding.rows(), 1);
        let params = SignatureParams { config: *hasher.config(), format_version: crate::minhash::FORMAT_VERSION };
        let shared = [vec![0, 1, 2], vec![0, 1, 3], vec![0, 2, 3], vec![1, 2, 3]];
        let text = "Harbour pilots in Varnholm counted ninety ships. The strike ended on Friday.";
        let entry = |id: &str, n: u32, agree: &[u32]| {
            let values = (0..8).map(|p| if agree.contains(&p) { 1_000_000 + p } else { 100 * n + p }).collect();
            let signature = MinHashSignature::from_parts(params, values, false).unwrap();
            let features = DocFeatures::extract(&format!("{text} Filed by desk {id}."), &mut FeatureBuffer::default());
            Entry::new(id.to_string(), None, Analysis { signatures: vec![signature], features, fingerprint: None })
        };
        let mut index = Index::new(dedup);
        index.insert(vec![entry("t1", 1, &[0, 1, 2, 3]), entry("t2", 2, &[0, 1, 2, 3])]);
        // Enough other articles that single changes take the incremental path.
        index.insert((0..40).map(|i| entry(&format!("z{i:02}"), 50 + i, &[])).collect());
        assert_derived_state_is_exact(&index);
        assert_eq!(index.families.len(), 1);
        for (h, agree) in shared.iter().enumerate() {
            index.insert(vec![entry(&format!("h{h}"), 10 + h as u32, agree)]);
            assert_derived_state_is_exact(&index);
        }
        assert!(index.families.is_empty(), "the t's are still a family");
        assert!(index.remove("h0"));
        assert_derived_state_is_exact(&index);
        assert_eq!(index.families.len(), 1);
        index.insert(vec![entry("h0", 10, &shared[0])]);
        assert_derived_state_is_exact(&index);
        assert!(index.families.is_empty());
    }

    #[test]
    fn thinning_matches_one_shot_on_large_buckets() {
        let dedup = Deduplicator::builder().max_bucket(3).build().unwrap();
        let text = "the same template text on every page of the site with a few more words";
        let items: Vec<(String, String)> = (0..12).map(|i| (format!("p{i:02}"), format!("{text} {}", i % 2))).collect();
        let mut index = Index::new(dedup.clone());
        for (id, t) in items.iter().rev() {
            index.add(Article::new(id, t)).unwrap();
        }
        assert_eq!(index.grouping().grouping(), &dedup.group(&items).unwrap());
    }
}
