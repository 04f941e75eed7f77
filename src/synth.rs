//! Synthetic wire rewrites with a known truth, for calibrating and benchmarking a grouping.
//!
//! Real labelled sets of "the same story, republished" are scarce, so this module makes one from
//! any corpus of distinct articles: every source article is emitted with a few rewrites of it,
//! each made by 1 to 4 (by default) of the [`Transform`]s below at random strengths, so the set
//! spans easy copies to hard rewrites. The truth is the source id ([`SynthDoc::cluster`]).
//!
//! | [`Transform`] | kind name | what it does |
//! |---|---|---|
//! | [`Truncate`](Transform::Truncate) | `truncate` | keeps a 40-90% prefix (by words) of the body, cut at a sentence or paragraph end |
//! | [`DropReorder`](Transform::DropReorder) | `drop_reorder` | drops some paragraphs and/or moves one or two of them; the lede stays first |
//! | [`SplitMerge`](Transform::SplitMerge) | `split_merge` | splits long sentences at `, and` / `, but` / `;` ... before a new subject, or merges neighbours |
//! | [`Reword`](Transform::Reword) | `reword` | replaces or drops 5-30% of content words, as far as a built-in table of ~180 news words and ~50 adjectives covers them |
//! | [`Headline`](Transform::Headline) | `headline` | a new headline (from the text's own words or the old one), byline and dateline |
//! | [`Ocr`](Transform::Ocr) | `ocr` | character noise at 0.1-1.5% of characters: `rn`->`m`, `l`->`1`, `O`->`0`, drops, doubles, hyphen breaks |
//! | [`Boilerplate`](Transform::Boilerplate) | `boilerplate` | wraps the article in one of several sites' navigation, cookie banner, ads, share buttons, related links, author bio, footer |
//!
//! Texts are read as paragraphs (blocks separated by blank lines, or lines) of sentences. Corpus
//! texts that are one run of text ("Title. Body", whitespace collapsed) are read as a title (a
//! first sentence of at most 20 words; a title not followed by a full stop stays part of the
//! lede) and a body whose sentences are grouped into pseudo-paragraphs of one to three
//! sentences. Truncation and paragraph dropping together never leave fewer than 40% of the
//! body's sentences or words, so every rewrite is still recognisably the same story.
//!
//! # Truth and hard negatives
//!
//! [`generate`] first removes sources that may tell the same story as an earlier source
//! ([`dedupe_sources`]; real wire feeds re-send stories with small edits and write the same
//! event up again), so that two clusters do not hold the same story. The rule
//! ([`may_be_same_story`]): word 5-gram containment `|A ∩ B| / min(|A|, |B|)` above 0.2, an
//! identical sentence of 8 or more words, or content-word Jaccard of 0.35 or more (the last
//! applied, in a batch, to texts that share rare words; see [`dedupe_sources`]).
//!
//! With [`HardNegatives::Fraction`], some sources are then paired with the most similar other
//! source by rare content words (an inverted index, so the cost stays near-linear in the number
//! of sources) that passes the same rule and, in pools of 200 or more sources, shares no word
//! found in at most 3 sources (usually a name: the same company or event); that partner is
//! emitted once, unchanged, as its own cluster with kind `negative`, giving different-story,
//! same-topic pairs. Boilerplate templates
//! are shared by construction, so many different stories carry the same site text.
//!
//! # Determinism
//!
//! The output depends only on the sources and the [`SynthConfig`]: the same inputs give
//! byte-identical documents on every platform and thread count. Each source's rewrites depend
//! only on (seed, source id, stream), not on its position or the other sources, so a large set
//! can be made one source at a time with [`rewrites_of`] or streamed with [`generate_each`].
//!
//! # Example
//!
//! Generate a set, group it and score the grouping:
//!
//! ```
//! use reprint::synth::{generate, SynthConfig};
//! use reprint::{eval, Deduplicator};
//!
//! # fn main() -> reprint::Result<()> {
//! let sources = vec![
//!     ("storm".to_string(), "Storm batters the coast. A powerful storm struck the northern coast on \
//!         Monday, cutting power to thousands of homes and forcing the closure of two ports. \
//!         Officials said repair crews would work through the night. Schools in the region will \
//!         stay closed until Wednesday, the education department said.".to_string()),
//!     ("rates".to_string(), "Central bank raises rates. The central bank raised its main interest \
//!         rate by half a point on Wednesday, its fourth increase this year. The governor said \
//!         inflation had stayed above target for too long. Markets had expected a smaller move, \
//!         and the currency rose sharply after the announcement.".to_string()),
//! ];
//! let mut config = SynthConfig::new(42);
//! config.rewrites_per_source(2, 3);
//! let docs = generate(&sources, &config);
//! assert!(docs.iter().all(|d| d.cluster == "storm" || d.cluster == "rates"));
//!
//! let items: Vec<(&str, &str)> = docs.iter().map(|d| (d.id.as_str(), d.text.as_str())).collect();
//! let grouping = Deduplicator::new().group(&items)?;
//! let truth: Vec<&str> = docs.iter().map(|d| d.cluster.as_str()).collect();
//! let pred: Vec<Option<usize>> = (0..docs.len()).map(|i| grouping.representative_of(i)).collect();
//! let report = eval::evaluate(&truth, &pred)?;
//! println!("pairwise F1 {:.3}, ARI {:.3}", report.pairwise.f1, report.ari);
//! # Ok(())
//! # }
//! ```

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::par;
use crate::text::is_english_stopword;

/// Word 5-gram containment above which two texts may tell the same story (see
/// [`may_be_same_story`]).
pub const SAME_STORY_CONTAINMENT: f64 = 0.2;

/// Word count from which an identical sentence means two texts may tell the same story (see
/// [`may_be_same_story`]).
pub const LONG_SENTENCE_WORDS: usize = 8;

/// Content-word Jaccard from which two texts may tell the same story (see [`may_be_same_story`]).
pub const SAME_STORY_WORD_JACCARD: f64 = 0.35;

/// One way of rewriting an article. See the [module documentation](self) for what each does.
///
/// # Example
///
/// ```
/// use reprint::synth::Transform;
///
/// assert_eq!(Transform::Truncate.name(), "truncate");
/// assert_eq!(Transform::from_name("ocr"), Some(Transform::Ocr));
/// assert_eq!(Transform::ALL.len(), 7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Transform {
    /// Keep a prefix of the body, cut at a sentence or paragraph end.
    Truncate,
    /// Drop some paragraphs and/or move one or two of them.
    DropReorder,
    /// Split long sentences at conjunctions or merge neighbouring sentences.
    SplitMerge,
    /// Replace content words from a synonym table and drop adjectives.
    Reword,
    /// A new headline, byline and dateline.
    Headline,
    /// OCR-like character noise.
    Ocr,
    /// Site boilerplate around and inside the article.
    Boilerplate,
}

impl Transform {
    /// Every transform, in the order a rewrite applies them.
    pub const ALL: [Transform; 7] = [
        Transform::Truncate,
        Transform::DropReorder,
        Transform::SplitMerge,
        Transform::Reword,
        Transform::Headline,
        Transform::Ocr,
        Transform::Boilerplate,
    ];

    /// The name used in [`SynthDoc::kind`].
    pub fn name(self) -> &'static str {
        match self {
            Transform::Truncate => "truncate",
            Transform::DropReorder => "drop_reorder",
            Transform::SplitMerge => "split_merge",
            Transform::Reword => "reword",
            Transform::Headline => "headline",
            Transform::Ocr => "ocr",
            Transform::Boilerplate => "boilerplate",
        }
    }

    /// The transform called `name` (as returned by [`Transform::name`]), if any.
    pub fn from_name(name: &str) -> Option<Transform> {
        Transform::ALL.into_iter().find(|t| t.name() == name)
    }

    fn index(self) -> usize {
        Transform::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }
}

/// Whether [`generate`] adds same-topic, different-story articles as hard negatives.
///
/// # Example
///
/// ```
/// use reprint::synth::{HardNegatives, SynthConfig};
///
/// let mut config = SynthConfig::new(1);
/// config.hard_negatives(HardNegatives::Off);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HardNegatives {
    /// No hard negatives: every source gets rewrites.
    Off,
    /// Each source, with this probability, is paired with its most similar other source (see the
    /// [module documentation](self)), which is then emitted unchanged as a `negative` instead of
    /// getting rewrites of its own.
    Fraction(f64),
}

/// Whether [`generate`] first removes sources that may tell the same story as an earlier one.
///
/// # Example
///
/// ```
/// use reprint::synth::{SourceDedupe, SynthConfig};
///
/// let mut config = SynthConfig::new(1);
/// config.dedupe(SourceDedupe::Off); // the sources are known to be distinct stories
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SourceDedupe {
    /// Keep every source with at least one word and a new id.
    Off,
    /// Also drop sources that may tell the same story as an earlier one (see [`dedupe_sources`]).
    NearCopies,
}

/// Settings of the generator: seed, how many rewrites, which transforms and how strong.
///
/// Setters take `&mut self` and clamp out-of-range values instead of failing: ranges given as
/// `(min, max)` are swapped when `min > max`, strengths are clamped to `[0, 1]`, and NaN or
/// negative weights count as 0.
///
/// # Example
///
/// ```
/// use reprint::synth::{HardNegatives, SynthConfig, Transform};
///
/// let mut config = SynthConfig::new(2024);
/// config
///     .rewrites_per_source(1, 3)
///     .transforms_per_rewrite(1, 2)
///     .strength(0.0, 0.5)
///     .transform_weight(Transform::Ocr, 0.0)
///     .hard_negatives(HardNegatives::Fraction(0.1));
/// assert_eq!(config.seed(), 2024);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SynthConfig {
    seed: u64,
    rewrites: (u32, u32),
    transforms: (u32, u32),
    strength: (f64, f64),
    weights: [f64; 7],
    hard_negatives: HardNegatives,
    dedupe: SourceDedupe,
}

impl Default for SynthConfig {
    fn default() -> SynthConfig {
        SynthConfig::new(0)
    }
}

impl SynthConfig {
    /// The default configuration with the given seed: 2 to 4 rewrites per source, 1 to 4
    /// transforms per rewrite, strengths uniform in `[0, 1]`, every transform equally likely,
    /// hard negatives for 20% of sources, near-copy sources removed.
    pub fn new(seed: u64) -> SynthConfig {
        SynthConfig {
            seed,
            rewrites: (2, 4),
            transforms: (1, 4),
            strength: (0.0, 1.0),
            weights: [1.0; 7],
            hard_negatives: HardNegatives::Fraction(0.2),
            dedupe: SourceDedupe::NearCopies,
        }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Sets the seed.
    pub fn set_seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self
    }

    /// Each source gets between `min` and `max` rewrites (inclusive, uniform; at most 1000).
    pub fn rewrites_per_source(&mut self, min: u32, max: u32) -> &mut Self {
        self.rewrites = (min.min(max).min(1000), min.max(max).min(1000));
        self
    }

    /// Each rewrite applies between `min` and `max` distinct transforms (inclusive, uniform),
    /// capped at the number of transforms with a positive weight.
    pub fn transforms_per_rewrite(&mut self, min: u32, max: u32) -> &mut Self {
        // A constant 7: the cast is lossless.
        let n = Transform::ALL.len() as u32;
        self.transforms = (min.min(max).min(n), min.max(max).min(n));
        self
    }

    /// Each applied transform gets a strength drawn uniformly from `[min, max]` (within `[0, 1]`):
    /// 0 is the mildest version of the transform, 1 the strongest.
    pub fn strength(&mut self, min: f64, max: f64) -> &mut Self {
        let clamp = |x: f64, default: f64| if x.is_nan() { default } else { x.clamp(0.0, 1.0) };
        let (a, b) = (clamp(min, 0.0), clamp(max, 1.0));
        self.strength = (a.min(b), a.max(b));
        self
    }

    /// The relative probability of choosing `transform` for a rewrite (1 for each by default;
    /// 0 disables it).
    pub fn transform_weight(&mut self, transform: Transform, weight: f64) -> &mut Self {
        let w = if weight.is_finite() && weight > 0.0 { weight.min(1e9) } else { 0.0 };
        // `index` is a position in `Transform::ALL`, which has as many entries as `weights`.
        self.weights[transform.index()] = w;
        self
    }

    /// Enables only the given transforms, each with weight 1.
    pub fn only(&mut self, transforms: &[Transform]) -> &mut Self {
        self.weights = [0.0; 7];
        for &t in transforms {
            // In bounds: see `transform_weight`.
            self.weights[t.index()] = 1.0;
        }
        self
    }

    /// Whether and how often [`generate`] adds hard negatives (fractions are clamped to `[0, 1]`).
    pub fn hard_negatives(&mut self, hard_negatives: HardNegatives) -> &mut Self {
        self.hard_negatives = match hard_negatives {
            HardNegatives::Fraction(f) if f.is_nan() || f <= 0.0 => HardNegatives::Off,
            HardNegatives::Fraction(f) => HardNegatives::Fraction(f.min(1.0)),
            HardNegatives::Off => HardNegatives::Off,
        };
        self
    }

    /// Whether [`generate`] removes near-copy sources first.
    pub fn dedupe(&mut self, dedupe: SourceDedupe) -> &mut Self {
        self.dedupe = dedupe;
        self
    }
}

/// One generated document.
///
/// # Example
///
/// ```
/// use reprint::synth::{rewrites_of, SynthConfig};
///
/// let docs = rewrites_of("a1", "Title here. First sentence of the body. Second one.", &SynthConfig::new(3), 0);
/// assert_eq!(docs[0].kind, "source");
/// assert!(docs[1..].iter().all(|d| d.cluster == "a1" && d.id.starts_with("a1#r")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SynthDoc {
    /// The document id: the source id for sources and negatives, `"{source}#r{k}"` (k from 1)
    /// for rewrites.
    pub id: String,
    /// The text.
    pub text: String,
    /// The true group: the id of the source this document was made from.
    pub cluster: String,
    /// `"source"`, `"negative"`, `"copy"` (a rewrite none of whose transforms changed the text),
    /// or the `+`-joined names of the transforms that changed it, in the order applied
    /// (for example `"truncate+reword+boilerplate"`).
    pub kind: String,
    /// For a `negative`, the id of the source it is a hard negative for.
    pub negative_of: Option<String>,
}

/// Generates the whole set: for each source (after [`SourceDedupe`] and hard-negative selection,
/// in input order), the source itself and its rewrites as in [`rewrites_of`] with stream 0, or
/// the source alone with kind `negative`.
///
/// Sources with no word, and sources whose id repeats an earlier one, are skipped, as are usable
/// sources after the first 2^32 - 1 (sources are numbered with `u32`). See the
/// [module documentation](self) for an example with evaluation; [`generate_each`] streams the
/// same documents without collecting them.
///
/// # Example
///
/// ```
/// use reprint::synth::{generate, SynthConfig};
///
/// let sources = vec![
///     ("a".to_string(), "Port strike ends. Dock workers ended a week-long strike on Friday after \
///         a pay deal. Ships had queued outside the harbour for days.".to_string()),
///     ("b".to_string(), "New bridge opens. The city's new bridge opened to traffic on Sunday, two \
///         years late. The mayor said it would cut commuting times.".to_string()),
/// ];
/// let config = SynthConfig::new(9);
/// let docs = generate(&sources, &config);
/// assert_eq!(docs, generate(&sources, &config)); // deterministic
/// assert!(docs.iter().any(|d| d.kind != "source"));
/// ```
pub fn generate(sources: &[(String, String)], config: &SynthConfig) -> Vec<SynthDoc> {
    let mut out = Vec::new();
    let _ = generate_each(sources, config, |d| {
        out.push(d);
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

/// Like [`generate`], but hands each document to `sink` in order instead of collecting them, so
/// only a batch of sources' output is in memory at a time. Stops at the first error of `sink`.
///
/// # Errors
///
/// The first error returned by `sink`.
///
/// # Example
///
/// ```
/// use std::io::Write;
/// use reprint::synth::{generate_each, SynthConfig};
///
/// # fn main() -> std::io::Result<()> {
/// let sources = vec![("a".to_string(), "Port strike ends. Dock workers ended a week-long strike.".to_string())];
/// let mut out = Vec::new();
/// generate_each(&sources, &SynthConfig::new(1), |doc| writeln!(out, "{}\t{}", doc.id, doc.cluster))?;
/// assert!(String::from_utf8_lossy(&out).starts_with("a\ta\n"));
/// # Ok(())
/// # }
/// ```
pub fn generate_each<E>(
    sources: &[(String, String)],
    config: &SynthConfig,
    mut sink: impl FnMut(SynthDoc) -> Result<(), E>,
) -> Result<(), E> {
    let plan = plan(sources, config);
    for chunk in plan.chunks(1024) {
        let docs: Vec<Vec<SynthDoc>> = par::map(chunk, |&(i, role)| {
            // `plan` returns indices into `sources` only (as source and as anchor).
            let (id, text) = &sources[i];
            match role {
                Role::Anchor => rewrites_of(id, text, config, 0),
                Role::Negative(anchor) => vec![SynthDoc {
                    id: id.clone(),
                    text: text.clone(),
                    cluster: id.clone(),
                    kind: "negative".to_string(),
                    negative_of: Some(sources[anchor].0.clone()),
                }],
            }
        });
        for doc in docs.into_iter().flatten() {
            sink(doc)?;
        }
    }
    Ok(())
}

/// The per-source primitive: the source itself (kind `source`) followed by its rewrites, all
/// with `cluster == source_id`.
///
/// The output depends only on `config`, `source_id`, `text` and `rng_stream`; different streams
/// give independent rewrite sets of the same source. A text with no word yields only the source
/// document.
///
/// # Example
///
/// ```
/// use reprint::synth::{rewrites_of, SynthConfig, Transform};
///
/// let text = "Storm batters the coast. A powerful storm struck the coast on Monday. Power was cut \
///             to thousands of homes. Two ports were closed. Repair crews worked through the night.";
/// let mut config = SynthConfig::new(5);
/// config.only(&[Transform::Truncate]).transforms_per_rewrite(1, 1);
/// let docs = rewrites_of("storm", text, &config, 0);
/// for rewrite in &docs[1..] {
///     assert_eq!(rewrite.kind, "truncate");
///     assert!(text.starts_with(&rewrite.text));
/// }
/// ```
pub fn rewrites_of(source_id: &str, text: &str, config: &SynthConfig, rng_stream: u64) -> Vec<SynthDoc> {
    let mut out = vec![SynthDoc {
        id: source_id.to_string(),
        text: text.to_string(),
        cluster: source_id.to_string(),
        kind: "source".to_string(),
        negative_of: None,
    }];
    if !text.chars().any(char::is_alphanumeric) {
        return out;
    }
    let base = source_seed(config.seed, source_id, rng_stream);
    let mut rng = Rng::new(base);
    let n = rng.between(config.rewrites.0, config.rewrites.1);
    let source = Article::parse(text, &mut Rng::new(base ^ 0x5EED_0FA5_7C1E));
    let floor = Floor::of(&source);
    for k in 1..=n {
        let mut rng = Rng::new(base.wrapping_add(u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        let (text, kind) = make_rewrite(&source, &floor, config, &mut rng);
        out.push(SynthDoc {
            id: format!("{source_id}#r{k}"),
            text,
            cluster: source_id.to_string(),
            kind,
            negative_of: None,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The same-story rule and source deduplication

/// Whether `a` and `b` may tell the same story, so that they must not be two clusters of a truth:
///
/// - word 5-gram containment `|A ∩ B| / min(|A|, |B|)` above [`SAME_STORY_CONTAINMENT`] (0.2;
///   a text of fewer than five words counts as one 5-gram), or
/// - an identical sentence of at least [`LONG_SENTENCE_WORDS`] (8) words, or
/// - content-word Jaccard `|A ∩ B| / |A ∪ B|` of at least [`SAME_STORY_WORD_JACCARD`] (0.35),
///   content words being distinct alphabetic words of 3+ letters that are not English stopwords.
///
/// Words are lowercase alphanumeric runs. The first two rules catch copies and re-sent wire items;
/// the third catches the same event written up again (measured on the Reuters part of the news
/// corpus, which holds such pairs from about 0.42 up). It also flags some templated different
/// stories (monthly statistics, bond offerings); the rule errs on the side of a clean truth.
///
/// # Example
///
/// ```
/// use reprint::synth::may_be_same_story;
///
/// let a = "The central bank raised its main interest rate by half a point on Wednesday.";
/// let b = "In other news, the central bank raised its main interest rate by half a point on Wednesday!";
/// let c = "The football club sacked its manager after a run of seven defeats.";
/// assert!(may_be_same_story(a, b));
/// assert!(!may_be_same_story(a, c));
/// ```
pub fn may_be_same_story(a: &str, b: &str) -> bool {
    containment(&shingle_set(a), &shingle_set(b)) > SAME_STORY_CONTAINMENT
        || crate::shingle::jaccard(&content_words(a), &content_words(b)) >= SAME_STORY_WORD_JACCARD
        || {
            let ka = sentence_keys(a);
            let kb: HashSet<u64> = sentence_keys(b).into_iter().collect();
            ka.iter().any(|k| kb.contains(k))
        }
}

/// The indices of the sources to keep so that no two kept sources tell the same story: in input
/// order, a source is dropped when it has no word, repeats an earlier id, or may tell the same
/// story ([`may_be_same_story`]) as an earlier kept source.
///
/// Near-linear: candidate pairs come from a 1-in-4 hash sample of each text's 5-grams (5-grams
/// in more than 64 texts are ignored; texts under 32 5-grams use all of theirs), from an index of
/// long sentences, and from each text's 32 rarest content words that other texts share; they are
/// then checked exactly. The content-word rule is only applied to texts sharing at least two
/// words found in at most 64 of the sources (names, places: what a second write-up of the same
/// event shares). So texts that share only common words are kept even above the content-word
/// limit: on the news corpus these are templated reports of different events (monthly trade
/// figures, airline load factors, quarterly results), which are valid, hard different-story
/// pairs. A 5-gram pair just over the limit can occasionally be missed when both texts are long
/// and share few 5-grams. Memory is about 2 KB per source. Sources are numbered with `u32`, so
/// only the first 2^32 - 1 usable sources are considered (as in [`generate`]).
///
/// # Example
///
/// ```
/// use reprint::synth::dedupe_sources;
///
/// let s = |id: &str, t: &str| (id.to_string(), t.to_string());
/// let sources = vec![
///     s("a", "Oil prices rose two dollars a barrel on Monday as supply fears grew in the region."),
///     s("b", "Oil prices rose two dollars a barrel on Monday as supply fears grew in the region, traders said."),
///     s("c", "The city council approved a new budget for schools and libraries on Tuesday."),
///     s("a", "A repeated id is dropped."),
///     s("d", "   "),
/// ];
/// assert_eq!(dedupe_sources(&sources), vec![0, 2]);
/// ```
pub fn dedupe_sources(sources: &[(String, String)]) -> Vec<usize> {
    const DF_CAP: usize = 64;
    let usable = usable_sources(sources);
    // Index arithmetic below: `usable_sources` returns at most `MAX_SOURCES` (u32::MAX) indices into
    // `sources`, so every document number `d < n` fits in a `u32` (the `d as u32` casts are
    // lossless), and every `u32` document number stored below (in `entries`, `candidates`,
    // `postings`, `sentence_entries`) is such a `d`, so indexing the `n`-long vectors `feats`,
    // `earlier`, `signatures`, `groups_of` and `kept` with it is in bounds.
    let n = usable.len();
    struct Feat {
        sampled: Vec<u64>,
        sentences: Vec<u64>,
        content: Vec<u64>,
    }
    let feats: Vec<Feat> = par::map(&usable, |&i| {
        let text = &sources[i].1;
        let all = shingle_set(text);
        let sampled = if all.len() < 32 { all } else { all.into_iter().filter(|h| h >> 62 == 0).collect() };
        Feat { sampled, sentences: sentence_keys(text), content: content_words(text) }
    });
    // For each source, the earlier sources it may share a story with.
    let mut earlier: Vec<Vec<u32>> = vec![Vec::new(); n];

    // 5-gram containment.
    let mut entries: Vec<(u64, u32)> = Vec::new();
    for (d, f) in feats.iter().enumerate() {
        entries.extend(f.sampled.iter().map(|&h| (h, d as u32)));
    }
    par::sort_unstable(&mut entries);
    let mut shared: HashMap<(u32, u32), u32> = HashMap::new();
    for run in entries.chunk_by(|x, y| x.0 == y.0) {
        if (2..=DF_CAP).contains(&run.len()) {
            count_pairs(run.iter().map(|x| x.1), &mut shared);
        }
    }
    drop(entries);
    let mut candidates: Vec<(u32, u32)> = shared
        .into_iter()
        .filter(|&((a, b), c)| {
            let min = feats[a as usize].sampled.len().min(feats[b as usize].sampled.len()).max(1);
            c as f64 / min as f64 >= 0.05
        })
        .map(|(pair, _)| pair)
        .collect();
    candidates.sort_unstable();
    let mut involved: Vec<u32> = candidates.iter().flat_map(|&(a, b)| [a, b]).collect();
    involved.sort_unstable();
    involved.dedup();
    let full: Vec<Vec<u64>> = par::map(&involved, |&d| shingle_set(&sources[usable[d as usize]].1));
    // `full` is `involved` mapped, so a position found in `involved` indexes `full`.
    let full_of = |d: u32| involved.binary_search(&d).ok().map(|k| &full[k]);
    let near: Vec<bool> = par::map(&candidates, |&(a, b)| match (full_of(a), full_of(b)) {
        (Some(x), Some(y)) => containment(x, y) > SAME_STORY_CONTAINMENT,
        _ => false,
    });
    for (&(a, b), &is_near) in candidates.iter().zip(&near) {
        if is_near {
            earlier[b as usize].push(a);
        }
    }
    drop(full);

    // Content-word Jaccard, among texts that share rare words (in at most 64 texts). `DF_CAP` is 64:
    // the cast is lossless.
    let df = document_frequencies(feats.iter().map(|f| f.content.as_slice()));
    let signatures: Vec<Vec<u64>> =
        par::map(&feats, |f| rare_words(&f.content, &df, DF_CAP as u32).into_iter().map(|(_, w)| w).collect());
    drop(df);
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (d, sig) in signatures.iter().enumerate() {
        for &w in sig {
            postings.entry(w).or_default().push(d as u32);
        }
    }
    let ids: Vec<u32> = (0..n as u32).collect();
    let similar_earlier: Vec<Vec<u32>> = par::map(&ids, |&d| {
        let mut shared: HashMap<u32, u32> = HashMap::new();
        for w in &signatures[d as usize] {
            for &e in postings.get(w).map(Vec::as_slice).unwrap_or_default().iter().take_while(|&&e| e < d) {
                // At most 32 (the signature's distinct words, each posting a document once).
                *shared.entry(e).or_insert(0) += 1;
            }
        }
        let mine = &feats[d as usize].content;
        let mut out: Vec<u32> = shared
            .into_iter()
            .filter(|&(e, c)| {
                let theirs = &feats[e as usize].content;
                // Two shared rare words, unless a set is so small that one word can reach the limit.
                (c >= 2 || mine.len().min(theirs.len()) <= 2)
                    && crate::shingle::jaccard(mine, theirs) >= SAME_STORY_WORD_JACCARD
            })
            .map(|(e, _)| e)
            .collect();
        out.sort_unstable();
        out
    });
    for (d, similar) in similar_earlier.into_iter().enumerate() {
        earlier[d].extend(similar);
    }

    // Long identical sentences: groups of texts sharing one.
    let mut sentence_entries: Vec<(u64, u32)> = Vec::new();
    for (d, f) in feats.iter().enumerate() {
        sentence_entries.extend(f.sentences.iter().map(|&h| (h, d as u32)));
    }
    par::sort_unstable(&mut sentence_entries);
    let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    // Counted in `usize`: a group holds at least two entries of `sentence_entries`, so there are
    // fewer groups than entries in memory.
    let mut num_groups = 0usize;
    for run in sentence_entries.chunk_by(|x, y| x.0 == y.0) {
        if run.len() < 2 {
            continue;
        }
        for x in run {
            groups_of[x.1 as usize].push(num_groups);
        }
        num_groups += 1;
    }

    let mut kept = vec![false; n];
    let mut group_kept = vec![false; num_groups];
    // Every group number stored in `groups_of` is below `num_groups`.
    for d in 0..n {
        let dup = earlier[d].iter().any(|&a| kept[a as usize]) || groups_of[d].iter().any(|&g| group_kept[g]);
        if !dup {
            kept[d] = true;
            for &g in &groups_of[d] {
                group_kept[g] = true;
            }
        }
    }
    usable.into_iter().zip(kept).filter(|&(_, k)| k).map(|(i, _)| i).collect()
}

/// Adds 1 to `counts` for each pair of the (ascending, distinct) documents `docs`.
fn count_pairs(docs: impl Iterator<Item = u32>, counts: &mut HashMap<(u32, u32), u32>) {
    let docs: Vec<u32> = docs.collect();
    for (k, &a) in docs.iter().enumerate() {
        // `k < docs.len()`, so `k + 1 <= docs.len()` is a valid start.
        for &b in &docs[k + 1..] {
            let count = counts.entry((a.min(b), a.max(b))).or_insert(0);
            *count = count.saturating_add(1);
        }
    }
}

fn document_frequencies<'a>(sets: impl Iterator<Item = &'a [u64]>) -> HashMap<u64, u32> {
    let mut df: HashMap<u64, u32> = HashMap::new();
    for w in sets.flatten() {
        let count = df.entry(*w).or_insert(0);
        *count = count.saturating_add(1);
    }
    df
}

/// A text's 32 rarest words that at least one other text has (document frequency 2 to
/// `max_df`), as (document frequency, word), rarest first.
fn rare_words(words: &[u64], df: &HashMap<u64, u32>, max_df: u32) -> Vec<(u32, u64)> {
    let mut sig: Vec<(u32, u64)> =
        words.iter().filter_map(|w| df.get(w).map(|&d| (d, *w))).filter(|&(d, _)| (2..=max_df).contains(&d)).collect();
    sig.sort_unstable();
    sig.truncate(32);
    sig
}

/// The most sources [`dedupe_sources`] and [`generate`] consider: they number documents with `u32`.
const MAX_SOURCES: usize = u32::MAX as usize;

/// The indices of the sources with a word and a new id, at most [`MAX_SOURCES`] of them.
fn usable_sources(sources: &[(String, String)]) -> Vec<usize> {
    let mut seen: HashSet<&str> = HashSet::new();
    sources
        .iter()
        .enumerate()
        .filter(|(_, (id, text))| text.chars().any(char::is_alphanumeric) && seen.insert(id.as_str()))
        .map(|(i, _)| i)
        .take(MAX_SOURCES)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Planning: which sources get rewrites and which are hard negatives

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Anchor,
    Negative(usize),
}

fn plan(sources: &[(String, String)], config: &SynthConfig) -> Vec<(usize, Role)> {
    let kept = match config.dedupe {
        SourceDedupe::NearCopies => dedupe_sources(sources),
        SourceDedupe::Off => usable_sources(sources),
    };
    let fraction = match config.hard_negatives {
        HardNegatives::Fraction(f) if f > 0.0 => f,
        _ => 0.0,
    };
    if fraction <= 0.0 || kept.len() < 2 {
        return kept.into_iter().map(|i| (i, Role::Anchor)).collect();
    }
    // As in `dedupe_sources`: `kept` holds at most `MAX_SOURCES` indices into `sources`, so the
    // `d as u32` casts are lossless and the `u32` document numbers in `postings` and `ranked` index
    // the `n`-long vectors `signatures`, `wants`, `role` and `kept` (as does every `d in 0..n`).
    let n = kept.len();
    let words: Vec<Vec<u64>> = par::map(&kept, |&i| content_words(&sources[i].1));
    let df = document_frequencies(words.iter().map(Vec::as_slice));
    let rare_max = u32::try_from(n / 20).unwrap_or(u32::MAX).clamp(3, 256);
    // In a large pool, a word found in at most 3 texts is usually a name: two texts sharing one
    // are likely about the same company or event, so they do not make a hard negative.
    let name_df = if n >= 200 { 3 } else { 1 };
    let n16 = u64::try_from(n).unwrap_or(u64::MAX).saturating_mul(16);
    // Each text's topic signature: its 32 rarest shared words, weighted by rarity (0 for names).
    let signatures: Vec<Vec<(u64, u64)>> = par::map(&words, |ws| {
        rare_words(ws, &df, rare_max)
            .into_iter()
            // `rare_words` keeps document frequencies of 2 or more, so `d > 0`; `max(1)` keeps `ilog2`
            // from 0, and `ilog2 + 1 <= 64`.
            .map(|(d, w)| (w, if d <= name_df { 0 } else { u64::from((n16 / u64::from(d)).max(1).ilog2()) + 1 }))
            .collect()
    });
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (d, sig) in signatures.iter().enumerate() {
        for &(w, _) in sig {
            postings.entry(w).or_default().push(d as u32);
        }
    }
    let wants: Vec<bool> = kept
        .iter()
        .map(|&i| {
            let mut x = xxh3_64_with_seed(sources[i].0.as_bytes(), config.seed ^ 0x4E45_4741_5449_5645);
            unit_f64(splitmix(&mut x)) < fraction
        })
        .collect();
    let mut role: Vec<Option<Role>> = vec![None; n];
    for d in 0..n {
        if !wants[d] || role[d].is_some() {
            continue;
        }
        role[d] = Some(Role::Anchor);
        // (score, shared topic words, shares a name)
        let mut scores: HashMap<u32, (u64, u32, bool)> = HashMap::new();
        for &(w, weight) in &signatures[d] {
            for &e in postings.get(&w).map(Vec::as_slice).unwrap_or_default() {
                if e as usize != d {
                    // At most 32 signature words of weight at most 64 each: no overflow.
                    let s = scores.entry(e).or_insert((0, 0, false));
                    s.0 += weight;
                    s.1 += u32::from(weight > 0);
                    s.2 |= weight == 0;
                }
            }
        }
        let mut ranked: Vec<(u64, u32, u32)> = scores
            .into_iter()
            .filter(|&(e, (_, shared, name))| shared >= 3 && !name && role[e as usize].is_none())
            .map(|(e, (score, shared, _))| (score, shared, e))
            .collect();
        ranked.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(x.2.cmp(&y.2)));
        for &(_, _, e) in ranked.iter().take(16) {
            if !may_be_same_story(&sources[kept[d]].1, &sources[kept[e as usize]].1) {
                role[e as usize] = Some(Role::Negative(kept[d]));
                break;
            }
        }
    }
    kept.into_iter().zip(role).map(|(i, r)| (i, r.unwrap_or(Role::Anchor))).collect()
}

// ---------------------------------------------------------------------------------------------
// Word hashing, shingles, sentence keys

fn hash_str(s: &str) -> u64 {
    xxh3_64_with_seed(s.as_bytes(), 0x0072_6570_7269_6E74)
}

/// Calls `f` on each lowercase alphanumeric word of `text`.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase());
            }
        } else if !buf.is_empty() {
            f(&buf);
            buf.clear();
        }
    }
    if !buf.is_empty() {
        f(&buf);
    }
}

fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(hash_str(w)));
    out
}

fn combine(hashes: &[u64]) -> u64 {
    hashes.iter().fold(0x243F_6A88_85A3_08D3u64, |h, &t| (h.rotate_left(23) ^ t).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The sorted, distinct word 5-gram hashes of `text` (one hash for the whole text under 5 words).
fn shingle_set(text: &str) -> Vec<u64> {
    let words = word_hashes(text);
    let mut out: Vec<u64> = if words.len() < 5 {
        if words.is_empty() { Vec::new() } else { vec![combine(&words)] }
    } else {
        words.windows(5).map(combine).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// `|A ∩ B| / min(|A|, |B|)` of two sorted, distinct sets (0 when either is empty).
fn containment(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    crate::shingle::intersection_len(a, b) as f64 / a.len().min(b.len()) as f64
}

/// Hashes of the sentences of `text` with at least [`LONG_SENTENCE_WORDS`] words, sorted, distinct.
fn sentence_keys(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for line in text.lines() {
        for s in split_sentences(line) {
            let words = word_hashes(s);
            if words.len() >= LONG_SENTENCE_WORDS {
                out.push(combine(&words));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Distinct hashes of the content words of `text`: alphabetic, 3+ letters, not stopwords.
fn content_words(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for_each_word(text, |w| {
        if w.chars().count() >= 3 && w.chars().all(char::is_alphabetic) && !is_english_stopword(w) {
            out.push(hash_str(w));
        }
    });
    out.sort_unstable();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------------------------
// Random numbers: xoshiro256** seeded through SplitMix64, fixed here so output never depends on a
// dependency's version.

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit_f64(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn source_seed(seed: u64, id: &str, stream: u64) -> u64 {
    let mut x = xxh3_64_with_seed(id.as_bytes(), seed) ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
    splitmix(&mut x)
}

#[derive(Clone, Debug)]
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut x = seed;
        Rng([splitmix(&mut x), splitmix(&mut x), splitmix(&mut x), splitmix(&mut x)])
    }

    fn next_u64(&mut self) -> u64 {
        // Constant indices into a `[u64; 4]`.
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (0 when `n <= 1`).
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        // `x * n < 2^64 * n` cannot overflow `u128`, and `(x * n) >> 64 < n` fits in `usize`.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn unit(&mut self) -> f64 {
        unit_f64(self.next_u64())
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `lo..=hi` (`lo` when `hi <= lo`).
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        // `below(hi - lo + 1)`, computed in `u64`/`u128` so that `hi - lo + 1` cannot overflow
        // (a 32-bit `usize` with `hi - lo == u32::MAX`); the draw is at most `hi - lo`, so it fits
        // in `u32` and `lo + draw <= hi`.
        let span = u64::from(hi - lo) + 1;
        let draw = (u128::from(self.next_u64()) * u128::from(span)) >> 64;
        lo + u32::try_from(draw).unwrap_or(hi - lo)
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            // `i < len`, so `i + 1` does not overflow and `j <= i` is in bounds.
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sentences and articles

const ABBREVIATIONS: &[&str] = &[
    "apr", "aug", "capt", "co", "col", "corp", "dec", "dr", "e.g", "etc", "feb", "gen", "gov", "i.e", "inc", "jan",
    "jr", "jul", "jun", "lt", "ltd", "mar", "messrs", "mr", "mrs", "ms", "mt", "no", "nov", "oct", "prof", "rep",
    "rev", "sen", "sep", "sept", "sgt", "sr", "st", "vs",
];

fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    let single = chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none();
    single || word.contains('.') || ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

fn is_opener(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '-' | '—')
}

/// Splits one paragraph into trimmed sentences: after `.`, `!` or `?` (and closing quotes or
/// brackets), before whitespace and a capital, digit or opening quote; not after abbreviations,
/// initials or dotted words such as `U.S.`.
fn split_sentences(par: &str) -> Vec<&str> {
    // Slicing: `i` and `j` come from `char_indices` and `end` is one of them plus that char's
    // length, so all three are char boundaries. `start` is 0 or where `after` (a suffix of `par`)
    // begins, so it is a boundary and `par.len() - after.len()` does not underflow; and `start <= i`
    // for every later `i`, because the characters skipped between `end` and `start` are whitespace,
    // never `.`, `!` or `?`.
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = par.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            if matches!(d, '.' | '!' | '?') || is_closer(d) {
                end = j + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let rest = &par[end..];
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let after = rest.trim_start();
        if !after.chars().next().is_some_and(is_opener) {
            continue;
        }
        if c == '.' && end == i + 1 && is_abbreviation(&par[start..i]) {
            continue;
        }
        let sentence = par[start..end].trim();
        if !sentence.is_empty() {
            out.push(sentence);
        }
        start = par.len() - after.len();
    }
    let tail = par[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn mostly_upper(s: &str) -> bool {
    // Counted in `u128`: `letters * 7` can overflow a 32-bit `usize` for a text of about 600 MB.
    let (mut upper, mut letters) = (0u128, 0u128);
    for c in s.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        upper += u128::from(c.is_uppercase());
    }
    letters >= 3 && upper * 10 >= letters * 7
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An article as the transforms see it: optional headline and byline, paragraphs of sentences,
/// and boilerplate blocks around and inside it.
#[derive(Clone, Debug, PartialEq, Default)]
struct Article {
    title: Option<String>,
    byline: Option<String>,
    paras: Vec<Vec<String>>,
    /// One block per paragraph (true) or one run of text (false).
    lines: bool,
    header: Vec<String>,
    /// (paragraph index, block): the block goes after that paragraph.
    inserts: Vec<(usize, String)>,
    footer: Vec<String>,
}

/// The least a rewrite keeps of its source's body.
#[derive(Clone, Copy, Debug)]
struct Floor {
    sentences: usize,
    words: usize,
}

impl Floor {
    fn of(a: &Article) -> Floor {
        // The sums count distinct strings and words held in memory, so they fit in `usize`; the
        // doubling may not (in principle), so it saturates.
        let sentences = a.paras.iter().map(Vec::len).sum::<usize>();
        let words = a.paras.iter().flatten().map(|s| word_count(s)).sum::<usize>();
        Floor { sentences: sentences.saturating_mul(2).div_ceil(5).max(1), words: words.saturating_mul(2).div_ceil(5) }
    }
}

impl Article {
    fn parse(text: &str, rng: &mut Rng) -> Article {
        let text = text.trim();
        let blocks: Vec<String> = if !text.contains('\n') {
            vec![text.to_string()]
        } else if text.lines().any(|l| l.trim().is_empty()) {
            let mut blocks = Vec::new();
            let mut current: Vec<&str> = Vec::new();
            for line in text.lines().map(str::trim) {
                if line.is_empty() {
                    if !current.is_empty() {
                        blocks.push(current.join(" "));
                        current.clear();
                    }
                } else {
                    current.push(line);
                }
            }
            if !current.is_empty() {
                blocks.push(current.join(" "));
            }
            blocks
        } else {
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
        };
        let lines = blocks.len() > 1;
        let mut paras: Vec<Vec<String>> = blocks
            .iter()
            .map(|b| split_sentences(b).into_iter().map(str::to_string).collect::<Vec<_>>())
            .filter(|p| !p.is_empty())
            .collect();
        let mut title = None;
        // Each index and `remove(0)` below is guarded by the length test before it.
        if lines {
            if paras.len() >= 2 && paras[0].len() == 1 && word_count(&paras[0][0]) <= 20 {
                title = paras.remove(0).pop();
            }
        } else if let Some(p) = paras.first_mut() {
            if p.len() >= 2 && word_count(&p[0]) <= 20 {
                title = Some(p.remove(0));
            }
        }
        if paras.len() == 1 && paras[0].len() > 2 {
            let sentences = paras.pop().unwrap_or_default();
            let mut it = sentences.into_iter();
            paras.extend(it.next().map(|s| vec![s]));
            let mut rest: Vec<String> = it.collect();
            while !rest.is_empty() {
                let size = [1, 2, 2, 3].get(rng.below(4)).copied().unwrap_or(2).min(rest.len());
                // `size <= rest.len()`: `split_off` is in bounds.
                let tail = rest.split_off(size);
                paras.push(std::mem::replace(&mut rest, tail));
            }
        }
        Article { title, paras, lines, ..Article::default() }
    }

    fn render(&self) -> String {
        let flat = !self.lines && self.byline.is_none() && self.header.is_empty() && self.footer.is_empty();
        if flat {
            let mut out = String::new();
            for s in self.title.iter().chain(self.paras.iter().flatten()) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(s);
            }
            return out;
        }
        let mut blocks: Vec<String> = self.header.clone();
        match (&self.title, &self.byline) {
            (Some(t), Some(b)) => blocks.push(format!("{t}\n{b}")),
            (Some(t), None) => blocks.push(t.clone()),
            (None, Some(b)) => blocks.push(b.clone()),
            (None, None) => {}
        }
        for (i, p) in self.paras.iter().enumerate() {
            blocks.push(p.join(" "));
            for (_, block) in self.inserts.iter().filter(|(at, _)| *at == i) {
                blocks.push(block.clone());
            }
        }
        if self.paras.is_empty() {
            blocks.extend(self.inserts.iter().map(|(_, b)| b.clone()));
        }
        blocks.extend(self.footer.iter().cloned());
        blocks.join("\n\n")
    }

    fn sentence_count(&self) -> usize {
        self.paras.iter().map(Vec::len).sum()
    }

    fn word_total(&self) -> usize {
        self.paras.iter().flatten().map(|s| word_count(s)).sum()
    }

    /// Keeps the first `k` body sentences.
    fn keep_sentences(&mut self, k: usize) {
        let mut left = k;
        self.paras.retain_mut(|p| {
            let keep = p.len().min(left);
            p.truncate(keep);
            // `keep <= left`.
            left -= keep;
            keep > 0
        });
    }
}

fn make_rewrite(source: &Article, floor: &Floor, config: &SynthConfig, rng: &mut Rng) -> (String, String) {
    let mut pool: Vec<(Transform, f64)> =
        Transform::ALL.iter().map(|&t| (t, config.weights[t.index()])).filter(|&(_, w)| w > 0.0).collect();
    let m =
        usize::try_from(rng.between(config.transforms.0, config.transforms.1)).unwrap_or(usize::MAX).min(pool.len());
    let mut chosen = Vec::with_capacity(m);
    for _ in 0..m {
        let total: f64 = pool.iter().map(|&(_, w)| w).sum();
        let mut x = rng.unit() * total;
        // `m <= pool.len()` and each round removes one entry, so the pool is not empty here:
        // `pool.len() - 1` does not underflow and `k` is in bounds for `remove`.
        let mut k = pool.len() - 1;
        for (i, &(_, w)) in pool.iter().enumerate() {
            if x < w {
                k = i;
                break;
            }
            x -= w;
        }
        chosen.push(pool.remove(k).0);
    }
    chosen.sort_unstable();
    let mut a = source.clone();
    let mut applied: Vec<&str> = Vec::new();
    for t in chosen {
        let s = rng.range(config.strength.0, config.strength.1);
        // Each transform says whether it changed the article.
        let changed = match t {
            Transform::Truncate => truncate(&mut a, s, floor, rng),
            Transform::DropReorder => drop_reorder(&mut a, s, floor, rng),
            Transform::SplitMerge => split_merge(&mut a, s, rng),
            Transform::Reword => reword(&mut a, s, rng),
            Transform::Headline => headline(&mut a, s, rng),
            Transform::Ocr => ocr(&mut a, s, rng),
            Transform::Boilerplate => boilerplate(&mut a, s, rng),
        };
        if changed {
            applied.push(t.name());
        }
    }
    let kind = if applied.is_empty() { "copy".to_string() } else { applied.join("+") };
    (a.render(), kind)
}

// ---------------------------------------------------------------------------------------------
// Structural transforms

fn truncate(a: &mut Article, s: f64, floor: &Floor, rng: &mut Rng) -> bool {
    let n = a.sentence_count();
    if n < 2 {
        return false;
    }
    // `n` counts the sentences, which are in memory: `n + 1` does not overflow, and neither do the
    // running word counts (at most the bytes of the sentences). `cum` has `n + 1` entries, so
    // `cum[n]` and, below, `cum[k]` for `k < n` (which `ok` checks first) are in bounds.
    let mut cum = Vec::with_capacity(n + 1);
    cum.push(0usize);
    for sentence in a.paras.iter().flatten() {
        cum.push(cum.last().copied().unwrap_or(0) + word_count(sentence));
    }
    let total = cum[n];
    let fraction = (0.9 - 0.5 * s + rng.range(-0.05, 0.05)).clamp(0.4, 0.9);
    let target = (fraction * total as f64).ceil() as usize;
    let ok = |k: usize| (1..n).contains(&k) && k >= floor.sentences && cum[k] >= floor.words;
    let mut cut = None;
    if a.paras.len() >= 2 && rng.chance(0.5) {
        // At a paragraph end: the one nearest the target that keeps enough.
        let mut k = 0;
        // `a.paras.len() >= 2`; `k` stays below `n`, and a previous `cut` passed `ok`.
        for p in &a.paras[..a.paras.len() - 1] {
            k += p.len();
            if ok(k) && cut.is_none_or(|c: usize| cum[k].abs_diff(target) < cum[c].abs_diff(target)) {
                cut = Some(k);
            }
        }
    }
    if cut.is_none() {
        // The first sentence end past the target, or else (short texts) the last one before the end.
        cut = (1..n).find(|&k| cum[k] >= target && ok(k)).or_else(|| (1..n).rev().find(|&k| ok(k)));
    }
    if let Some(k) = cut {
        a.keep_sentences(k);
    }
    cut.is_some()
}

fn drop_reorder(a: &mut Article, s: f64, floor: &Floor, rng: &mut Rng) -> bool {
    let n = a.paras.len();
    if n < 2 {
        return false;
    }
    let mut changed = false;
    let mut mode = if n < 3 { 0 } else { rng.below(3) };
    if mode != 1 {
        // `n >= 2`; a float-to-integer `as` saturates (NaN gives 0).
        let want = ((s * 0.35 * (n - 1) as f64).round() as usize).max(1);
        let mut order: Vec<usize> = (1..n).collect();
        rng.shuffle(&mut order);
        let mut sentences = a.sentence_count();
        let mut words = a.word_total();
        let mut dropped = vec![false; n];
        let mut count = 0;
        // `order` holds `1..n` and `a.paras` and `dropped` have `n` entries. `sentences` and `words`
        // still include paragraph `i` (not dropped yet; `word_total` sums the same counts), so the
        // subtractions do not underflow.
        for i in order {
            if count == want {
                break;
            }
            let (ps, pw) = (a.paras[i].len(), a.paras[i].iter().map(|x| word_count(x)).sum::<usize>());
            if sentences - ps >= floor.sentences && words - pw >= floor.words {
                dropped[i] = true;
                sentences -= ps;
                words -= pw;
                count += 1;
            }
        }
        let mut i = 0;
        // `retain` visits the `n` paragraphs once each, in order: `1 <= i <= n`.
        a.paras.retain(|_| {
            i += 1;
            !dropped[i - 1]
        });
        if count == 0 {
            mode = 1;
        }
        changed = count > 0;
    }
    let m = a.paras.len();
    if mode != 0 && m >= 3 {
        let before = a.paras.clone();
        let moves = 1 + usize::from(s > 0.6);
        // `m >= 3` and each move keeps `m` paragraphs: `i` is in `1..m`, so `i - 1` (taken when
        // `i == m - 1`) and `j` are in bounds; after `remove`, `j` is in `1..m - 1` and the insert
        // position at most `m - 1`, the shortened length.
        for _ in 0..moves {
            let i = 1 + rng.below(m - 1);
            if rng.chance(0.6) {
                let j = if i + 1 < m { i + 1 } else { i - 1 };
                a.paras.swap(i, j.max(1));
            } else {
                let p = a.paras.remove(i);
                let j = 1 + rng.below(m - 2);
                a.paras.insert(if j >= i { j + 1 } else { j }, p);
            }
        }
        if a.paras == before {
            // The moves undid each other.
            a.paras.swap(1, 2);
        }
        changed = true;
    }
    changed
}

const SPLIT_CONJUNCTIONS: &[&str] = &["although", "and", "but", "so", "though", "while", "yet"];

/// Words that can start a clause with its own subject (so the clause can stand as a sentence).
const SUBJECT_STARTS: &[&str] = &[
    "a", "an", "he", "her", "his", "i", "it", "its", "many", "most", "my", "our", "she", "some", "that", "the",
    "their", "there", "these", "they", "this", "those", "we", "you",
];

/// Whether the clause starting at `word` likely has its own subject.
fn starts_clause(word: &str) -> bool {
    let (_, core, _) = split_token(word);
    core.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        || SUBJECT_STARTS.contains(&core.to_lowercase().as_str())
}

/// Splits a long sentence at a comma or semicolon before a conjunction, near its middle.
fn split_sentence(sentence: &str) -> Option<(String, String)> {
    let tokens: Vec<&str> = sentence.split_whitespace().collect();
    if tokens.len() < 10 {
        return None;
    }
    let mid = tokens.len() / 2;
    let mut best: Option<usize> = None;
    // `i < tokens.len() - 4`, so `tokens[i + 2]` is in bounds, and so are the slices at `best`
    // below; `rest` then has at least 4 tokens, so `rest[0]` exists.
    for i in 3..tokens.len().saturating_sub(4) {
        let t = tokens[i];
        let next = tokens[i + 1].to_lowercase();
        let good = (t.ends_with(';') && starts_clause(tokens[i + 1]))
            || (t.ends_with(',') && SPLIT_CONJUNCTIONS.contains(&next.as_str()) && starts_clause(tokens[i + 2]));
        if good && best.is_none_or(|b| i.abs_diff(mid) < b.abs_diff(mid)) {
            best = Some(i);
        }
    }
    let i = best?;
    let mut first = tokens[..=i].join(" ");
    first.pop();
    if first.ends_with(|c: char| c.is_alphanumeric() || is_closer(c)) {
        first.push('.');
    } else {
        return None;
    }
    let mut rest: Vec<String> = tokens[i + 1..].iter().map(|t| t.to_string()).collect();
    if tokens[i].ends_with(',') {
        match rest[0].to_lowercase().as_str() {
            "and" | "so" => {
                rest.remove(0);
            }
            "but" | "yet" => rest[0] = "But".to_string(),
            "while" => rest[0] = "Meanwhile,".to_string(),
            _ => rest[0] = "However,".to_string(),
        }
    }
    if rest.len() < 3 {
        return None;
    }
    let second = capitalize(&rest.join(" "));
    Some((first, second))
}

/// Merges two sentences into one with a connector.
fn merge_sentences(a: &str, b: &str, rng: &mut Rng) -> Option<String> {
    let stem = a.strip_suffix('.')?;
    // A word takes at least a byte of its string, and each string has at most `isize::MAX`: the
    // sum of the two counts fits in `usize`.
    if stem.ends_with('.') || word_count(a) < 3 || word_count(a) + word_count(b) > 45 || stem.is_empty() {
        return None;
    }
    let first = b.split_whitespace().next()?;
    let core: String = first.chars().filter(|c| c.is_alphabetic()).collect();
    let lower_it = core != "I"
        && !(core.chars().count() >= 2 && core.chars().all(char::is_uppercase))
        && is_english_stopword(&core.to_lowercase())
        && first.starts_with(char::is_uppercase);
    let tail = if lower_it {
        let mut chars = b.chars();
        chars.next().map(|c| c.to_lowercase().chain(chars).collect::<String>()).unwrap_or_default()
    } else {
        b.to_string()
    };
    let connector =
        if lower_it { rng.pick(&[", and ", "; ", ", and ", " and "]) } else { rng.pick(&[", and ", " and "]) };
    Some(format!("{stem}{connector}{tail}"))
}

fn split_merge(a: &mut Article, s: f64, rng: &mut Rng) -> bool {
    let q = 0.15 + 0.45 * s;
    let mut ops = 0usize;
    for p in &mut a.paras {
        let old = std::mem::take(p);
        let mut i = 0;
        // `old[i]` is read only while `i < old.len()`; `ops` counts sentences.
        while i < old.len() {
            if rng.chance(q) {
                if let Some((x, y)) = split_sentence(&old[i]) {
                    p.push(x);
                    p.push(y);
                    ops += 1;
                    i += 1;
                    continue;
                }
                if let Some(m) = old.get(i + 1).and_then(|next| merge_sentences(&old[i], next, rng)) {
                    p.push(m);
                    ops += 1;
                    i += 2;
                    continue;
                }
            }
            p.push(old[i].clone());
            i += 1;
        }
    }
    if ops > 0 {
        return true;
    }
    // Nothing happened by chance: apply the first possible operation from a random start.
    let positions: Vec<(usize, usize)> =
        a.paras.iter().enumerate().flat_map(|(pi, p)| (0..p.len()).map(move |si| (pi, si))).collect();
    // `start < positions.len()` (or 0), so both slices are in bounds. The positions index
    // `a.paras`, which is only changed right before returning; `si + 1` exists when `get` found it.
    let start = rng.below(positions.len());
    for &(pi, si) in positions[start..].iter().chain(&positions[..start]) {
        if let Some((x, y)) = split_sentence(&a.paras[pi][si]) {
            a.paras[pi].splice(si..=si, [x, y]);
            return true;
        }
        let merged = a.paras[pi].get(si + 1).and_then(|next| merge_sentences(&a.paras[pi][si], next, rng));
        if let Some(m) = merged {
            a.paras[pi].splice(si..=si + 1, [m]);
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Rewording

/// Synonym-ish substitutions, sorted by key.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("acquire", &["buy", "purchase"]),
    ("acquired", &["bought", "purchased"]),
    ("agreed", &["consented"]),
    ("agreement", &["deal", "accord"]),
    ("almost", &["nearly"]),
    ("announce", &["unveil"]),
    ("announced", &["unveiled", "revealed"]),
    ("announcement", &["statement"]),
    ("approximately", &["about", "roughly"]),
    ("area", &["region"]),
    ("around", &["about", "approximately"]),
    ("attack", &["assault"]),
    ("attacks", &["assaults"]),
    ("backed", &["supported"]),
    ("battle", &["fight"]),
    ("began", &["started"]),
    ("begin", &["start"]),
    ("big", &["large", "sizeable"]),
    ("billion", &["bn"]),
    ("bought", &["purchased", "acquired"]),
    ("building", &["structure"]),
    ("buy", &["purchase", "acquire"]),
    ("car", &["vehicle"]),
    ("cars", &["vehicles"]),
    ("chief", &["head"]),
    ("children", &["youngsters"]),
    ("city", &["town"]),
    ("claimed", &["alleged"]),
    ("companies", &["firms", "groups"]),
    ("company", &["firm", "group"]),
    ("concern", &["worry"]),
    ("concerns", &["worries"]),
    ("confirmed", &["verified"]),
    ("continue", &["carry on"]),
    ("continued", &["carried on"]),
    ("continues", &["carries on"]),
    ("cost", &["price"]),
    ("costs", &["expenses"]),
    ("country", &["nation"]),
    ("county", &["district"]),
    ("criticised", &["condemned"]),
    ("criticized", &["condemned"]),
    ("cts", &["cents"]),
    ("currently", &["presently"]),
    ("deal", &["agreement", "accord"]),
    ("decided", &["opted"]),
    ("decision", &["ruling"]),
    ("decline", &["fall", "drop"]),
    ("declined", &["fell", "dropped"]),
    ("denied", &["rejected"]),
    ("despite", &["notwithstanding"]),
    ("died", &["perished"]),
    ("difficult", &["hard"]),
    ("dismissed", &["rejected"]),
    ("dlrs", &["dollars"]),
    ("dropped", &["fell", "declined"]),
    ("earnings", &["profits"]),
    ("election", &["vote", "poll"]),
    ("employees", &["staff"]),
    ("ended", &["finished", "concluded"]),
    ("expect", &["anticipate"]),
    ("expected", &["anticipated", "forecast"]),
    ("expects", &["anticipates"]),
    ("fall", &["decline", "drop"]),
    ("falls", &["declines", "drops"]),
    ("fell", &["dropped", "declined", "slipped"]),
    ("fight", &["battle"]),
    ("fighting", &["clashes"]),
    ("firm", &["company"]),
    ("firms", &["companies"]),
    ("following", &["after"]),
    ("funds", &["money"]),
    ("government", &["administration", "authorities"]),
    ("growth", &["expansion"]),
    ("help", &["assist", "aid"]),
    ("helped", &["assisted"]),
    ("hopes", &["expectations"]),
    ("however", &["nevertheless"]),
    ("important", &["significant", "key"]),
    ("increase", &["rise", "gain"]),
    ("increased", &["rose", "climbed"]),
    ("increases", &["rises", "gains"]),
    ("injured", &["wounded"]),
    ("investors", &["shareholders"]),
    ("issue", &["matter"]),
    ("issues", &["matters"]),
    ("jobs", &["positions"]),
    ("killed", &["slain"]),
    ("large", &["big", "sizeable"]),
    ("lawyer", &["attorney"]),
    ("lawyers", &["attorneys"]),
    ("leader", &["head"]),
    ("leaders", &["chiefs"]),
    ("likely", &["probable"]),
    ("major", &["key", "leading"]),
    ("market", &["marketplace"]),
    ("markets", &["exchanges"]),
    ("meeting", &["session", "gathering"]),
    ("million", &["mln"]),
    ("mln", &["million"]),
    ("money", &["funds"]),
    ("nation", &["country"]),
    ("nearly", &["almost"]),
    ("negotiations", &["talks"]),
    ("officials", &["authorities"]),
    ("output", &["production"]),
    ("pct", &["percent", "per cent"]),
    ("people", &["individuals", "residents"]),
    ("percent", &["pct", "per cent"]),
    ("plan", &["proposal", "scheme"]),
    ("police", &["officers"]),
    ("possible", &["potential"]),
    ("price", &["cost"]),
    ("prices", &["costs"]),
    ("problem", &["issue"]),
    ("problems", &["issues"]),
    ("production", &["output"]),
    ("profit", &["earnings"]),
    ("profits", &["earnings"]),
    ("proposal", &["plan"]),
    ("proposals", &["plans"]),
    ("provide", &["supply"]),
    ("provided", &["supplied"]),
    ("purchase", &["buy"]),
    ("quickly", &["rapidly", "swiftly"]),
    ("raise", &["lift"]),
    ("raised", &["lifted"]),
    ("receive", &["get"]),
    ("received", &["got"]),
    ("recently", &["lately"]),
    ("reduce", &["cut", "lower"]),
    ("reduced", &["cut", "lowered"]),
    ("region", &["area"]),
    ("rejected", &["dismissed"]),
    ("remain", &["stay"]),
    ("remained", &["stayed"]),
    ("remains", &["stays"]),
    ("reported", &["disclosed"]),
    ("revenue", &["sales", "turnover"]),
    ("revenues", &["sales"]),
    ("rise", &["increase", "gain"]),
    ("rises", &["increases", "climbs"]),
    ("rose", &["climbed", "increased", "gained"]),
    ("said", &["stated", "added", "noted"]),
    ("sales", &["revenue"]),
    ("says", &["states", "adds", "notes"]),
    ("seek", &["pursue"]),
    ("seeking", &["pursuing"]),
    ("sell", &["offload"]),
    ("shareholders", &["investors"]),
    ("shares", &["stock"]),
    ("show", &["indicate"]),
    ("showed", &["indicated"]),
    ("shows", &["indicates"]),
    ("significant", &["substantial", "notable"]),
    ("small", &["modest", "minor"]),
    ("sold", &["offloaded"]),
    ("sought", &["pursued"]),
    ("spokesman", &["spokesperson", "representative"]),
    ("spokeswoman", &["spokesperson", "representative"]),
    ("staff", &["employees"]),
    ("start", &["begin"]),
    ("started", &["began"]),
    ("statement", &["announcement"]),
    ("stock", &["shares"]),
    ("strong", &["robust"]),
    ("supported", &["backed"]),
    ("talks", &["negotiations", "discussions"]),
    ("therefore", &["thus"]),
    ("told", &["informed"]),
    ("victims", &["casualties"]),
    ("voters", &["electorate"]),
    ("war", &["conflict"]),
    ("warned", &["cautioned"]),
    ("weak", &["soft"]),
    ("workers", &["employees"]),
    ("worries", &["concerns"]),
    ("wounded", &["injured"]),
];

/// Adjectives a rewrite may drop, sorted.
const ADJECTIVES: &[&str] = &[
    "annual",
    "bad",
    "big",
    "critical",
    "current",
    "early",
    "final",
    "former",
    "full",
    "further",
    "good",
    "heavy",
    "high",
    "huge",
    "important",
    "initial",
    "international",
    "key",
    "large",
    "late",
    "latest",
    "local",
    "low",
    "main",
    "major",
    "massive",
    "modest",
    "national",
    "new",
    "overall",
    "possible",
    "potential",
    "previous",
    "rapid",
    "recent",
    "senior",
    "serious",
    "sharp",
    "significant",
    "slight",
    "small",
    "strategic",
    "strong",
    "substantial",
    "top",
    "total",
    "various",
    "weak",
];

/// A small multiply-rotate hasher for the word table (lookups only, so its quality barely matters).
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            // `chunks(8)` gives at most 8 bytes.
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x517C_C1B7_2722_0A95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Word -> (synonyms, whether it is a droppable adjective).
type Lexicon = HashMap<&'static str, (Option<&'static [&'static str]>, bool), BuildHasherDefault<WordHasher>>;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut map = Lexicon::default();
        for &(word, alternatives) in SYNONYMS {
            map.entry(word).or_insert((None, false)).0 = Some(alternatives);
        }
        for &word in ADJECTIVES {
            map.entry(word).or_insert((None, false)).1 = true;
        }
        map
    })
}

fn synonyms(word: &str) -> Option<&'static [&'static str]> {
    lexicon().get(word).and_then(|e| e.0)
}

/// Splits a token into leading punctuation, an alphabetic core and trailing punctuation.
fn split_token(token: &str) -> (&str, &str, &str) {
    // `find` and `rfind` return the byte offset where a char starts, and `end` is one past that
    // char, so `start` and `end` are char boundaries; when `rfind` finds a char, so did `find`, at
    // or before it, so `start <= end`.
    let start = token.find(|c: char| c.is_alphanumeric()).unwrap_or(token.len());
    let end = token
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(start, |i| i + token[i..].chars().next().map_or(1, char::len_utf8));
    (&token[..start], &token[start..end.max(start)], &token[end.max(start)..])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Replace,
    Drop,
}

/// The edit a token allows, if any: a synonym replacement (lowercase words, or a capitalized
/// first word) or dropping an adjective (lowercase, inside a sentence, no punctuation).
fn token_edit(tokens: &[&str], i: usize) -> Option<Edit> {
    let (lead, core, trail) = split_token(tokens.get(i)?);
    if core.len() < 2 || !core.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let lowercase = core.chars().all(|c| c.is_ascii_lowercase());
    let capitalized = i == 0 && core.chars().skip(1).all(|c| c.is_ascii_lowercase());
    if !lowercase && !capitalized {
        return None;
    }
    let mut buf = [0u8; 16];
    let &(alternatives, adjective) = lexicon().get(ascii_lower(core, &mut buf)?)?;
    let can_drop = adjective && lowercase && lead.is_empty() && trail.is_empty() && i > 0 && i + 1 < tokens.len();
    let can_replace = alternatives.is_some();
    match (can_replace, can_drop) {
        (true, true) => Some(if (i + core.len()) % 2 == 0 { Edit::Drop } else { Edit::Replace }),
        (true, false) => Some(Edit::Replace),
        (false, true) => Some(Edit::Drop),
        (false, false) => None,
    }
}

/// `word` in ASCII lowercase, in `buf`; `None` when longer than the buffer (no table word is).
fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 16]) -> Option<&'b str> {
    let out = buf.get_mut(..word.len())?;
    out.copy_from_slice(word.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

fn is_content_word(token: &str) -> bool {
    let (_, core, _) = split_token(token);
    if core.len() < 3 || !core.chars().all(char::is_alphabetic) {
        return false;
    }
    let mut buf = [0u8; 16];
    // Long words are never stopwords.
    ascii_lower(core, &mut buf).is_none_or(|w| !is_english_stopword(w))
}

/// Rewrites one sentence, applying the edit to each candidate token for which `decide` says so.
fn reword_sentence(
    sentence: &str,
    rng: &mut Rng,
    decide: &mut dyn FnMut(&mut Rng) -> bool,
    edits: &mut usize,
) -> String {
    let tokens: Vec<&str> = sentence.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut changed = false;
    // `i < tokens.len()`; `edits` counts tokens, which are in memory.
    for i in 0..tokens.len() {
        let Some(edit) = token_edit(&tokens, i) else {
            out.push(tokens[i].to_string());
            continue;
        };
        if !decide(rng) {
            out.push(tokens[i].to_string());
            continue;
        }
        *edits += 1;
        changed = true;
        let (lead, core, trail) = split_token(tokens[i]);
        match edit {
            Edit::Replace => {
                let alternatives = synonyms(&core.to_ascii_lowercase()).unwrap_or(&[]);
                let mut word = rng.pick(alternatives).to_string();
                if core.starts_with(|c: char| c.is_ascii_uppercase()) {
                    word = capitalize(&word);
                }
                out.push(format!("{lead}{word}{trail}"));
            }
            Edit::Drop => {
                // `Edit::Drop` is only allowed before another token, so the `get` always finds one.
                let next_vowel = tokens.get(i + 1).is_some_and(|t| t.starts_with(|c: char| "aeiouAEIOU".contains(c)));
                if let Some(prev) = out.last_mut() {
                    let fixed = match (prev.as_str(), next_vowel) {
                        ("a", true) => Some("an"),
                        ("an", false) => Some("a"),
                        ("A", true) => Some("An"),
                        ("An", false) => Some("A"),
                        _ => None,
                    };
                    if let Some(f) = fixed {
                        *prev = f.to_string();
                    }
                }
            }
        }
    }
    if changed { out.join(" ") } else { sentence.to_string() }
}

fn reword(a: &mut Article, s: f64, rng: &mut Rng) -> bool {
    let p = 0.05 + 0.25 * s;
    let title_ok = a.title.as_deref().is_some_and(|t| !mostly_upper(t));
    // The counts below count tokens in memory, so they do not overflow; nor does `seen`, which
    // counts candidates.
    let (mut content, mut candidates) = (0usize, 0usize);
    {
        let mut count = |sentence: &str| {
            let tokens: Vec<&str> = sentence.split_whitespace().collect();
            content += tokens.iter().filter(|t| is_content_word(t)).count();
            candidates += (0..tokens.len()).filter(|&i| token_edit(&tokens, i).is_some()).count();
        };
        if title_ok {
            a.title.iter().for_each(|t| count(t));
        }
        a.paras.iter().flatten().for_each(|t| count(t));
    }
    if candidates == 0 {
        return false;
    }
    let q = (p * content.max(1) as f64 / candidates as f64).min(1.0);
    let mut edits = 0usize;
    let mut by_chance = |r: &mut Rng| r.chance(q);
    apply_reword(a, title_ok, rng, &mut by_chance, &mut edits);
    if edits == 0 {
        let target = rng.below(candidates);
        let mut seen = 0usize;
        let mut nth = |_: &mut Rng| {
            seen += 1;
            seen - 1 == target
        };
        apply_reword(a, title_ok, rng, &mut nth, &mut edits);
    }
    edits > 0
}

fn apply_reword(
    a: &mut Article,
    title_ok: bool,
    rng: &mut Rng,
    decide: &mut dyn FnMut(&mut Rng) -> bool,
    edits: &mut usize,
) {
    if title_ok {
        a.title = a.title.as_deref().map(|t| reword_sentence(t, rng, decide, edits));
    }
    for sentence in a.paras.iter_mut().flatten() {
        *sentence = reword_sentence(sentence, rng, decide, edits);
    }
}

// ---------------------------------------------------------------------------------------------
// Headline, byline, dateline

const FIRST_NAMES: &[&str] = &[
    "James", "Maria", "David", "Sarah", "Michael", "Aisha", "Chen", "Laura", "Peter", "Emma", "Rahul", "Sofia", "Tom",
    "Nadia", "Daniel", "Yuki",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Garcia", "Okafor", "Muller", "Rossi", "Tanaka", "Kowalski", "Brown", "Nguyen", "Haddad", "Jensen",
    "Silva", "O'Brien", "Patel", "Dubois", "Cohen",
];
const AGENCIES: &[&str] = &["Reuters", "AP", "AFP", "Bloomberg", "PA"];
const CITIES: &[&str] = &[
    "London",
    "New York",
    "Washington",
    "Tokyo",
    "Paris",
    "Brussels",
    "Frankfurt",
    "Hong Kong",
    "Sydney",
    "Beijing",
    "Moscow",
    "Johannesburg",
    "Chicago",
    "Singapore",
    "Toronto",
    "Berlin",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A headline made from the first words of the lede, up to a clause boundary or a "said".
fn headline_from_lede(lede: &str, rng: &mut Rng) -> Option<String> {
    let lede = if mostly_upper(lede) { capitalize(&lede.to_lowercase()) } else { lede.to_string() };
    let mut words: Vec<&str> = Vec::new();
    for token in lede.split_whitespace().take(12) {
        let (_, core, _) = split_token(token);
        if words.len() >= 4
            && matches!(core.to_lowercase().as_str(), "said" | "says" | "told" | "according" | "reported")
        {
            break;
        }
        words.push(token);
        if words.len() >= 5 && token.ends_with([',', ';', ':']) {
            break;
        }
    }
    while words.last().is_some_and(|w| {
        let (_, core, _) = split_token(w);
        core.is_empty() || is_english_stopword(&core.to_lowercase())
    }) {
        words.pop();
    }
    if words.len() < 3 {
        return None;
    }
    // `words[0]` exists: `words.len() > 4` is tested first.
    if words.len() > 4 && matches!(words[0], "The" | "A" | "An") && rng.chance(0.6) {
        words.remove(0);
    }
    let text = words.join(" ");
    let text = text.trim_end_matches(|c: char| !c.is_alphanumeric() && !is_closer(c));
    Some(capitalize(text))
}

fn headline(a: &mut Article, s: f64, rng: &mut Rng) -> bool {
    let old = a.title.clone();
    let lede = a.paras.first().and_then(|p| p.first()).cloned();
    let from_lede = lede.as_deref().and_then(|l| headline_from_lede(l, rng));
    let from_title = old.as_deref().map(|t| {
        let t = if mostly_upper(t) { capitalize(&t.to_lowercase()) } else { t.to_string() };
        t.trim_end_matches(['.', ' ']).to_string()
    });
    let base = match (from_lede, from_title) {
        (Some(l), Some(t)) => {
            if rng.chance(0.65) {
                l
            } else {
                t
            }
        }
        (Some(l), None) => l,
        (None, Some(t)) => t,
        (None, None) => "Latest news".to_string(),
    };
    let mut new = match rng.below(10) {
        0 => format!("UPDATE {}-{base}", 1 + rng.below(3)),
        1 => format!("{base} - sources"),
        2 => format!("{base}, officials say"),
        3 => format!("Explainer: {base}"),
        4 => format!("{base}: what we know"),
        5 => format!("BREAKING: {base}"),
        _ => base,
    };
    if old.as_deref() == Some(new.as_str()) {
        new = format!("UPDATE 1-{new}");
    }
    a.title = Some(new);
    a.lines = true;
    if rng.chance(0.3 + 0.6 * s) {
        let name = |rng: &mut Rng| format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
        let byline = match rng.below(6) {
            0 => "By Staff Reporter".to_string(),
            1 => format!("By {}", name(rng)),
            2 => format!("By {} and {}", name(rng), name(rng)),
            3 => format!("By {}, {}", name(rng), rng.pick(AGENCIES)),
            4 => format!("{} staff", rng.pick(AGENCIES)),
            _ => format!(
                "By {} | {} {} {}, {:02}:{:02} GMT",
                name(rng),
                1 + rng.below(28),
                rng.pick(MONTHS),
                2015 + rng.below(10),
                rng.below(24),
                rng.below(60)
            ),
        };
        a.byline = Some(byline);
    }
    let dateline = rng.chance(0.2 + 0.6 * s);
    if let Some(first) = a.paras.first_mut().and_then(|p| p.first_mut()).filter(|_| dateline) {
        let body = first.to_lowercase();
        let city = CITIES
            .iter()
            .find(|c| body.contains(&c.to_lowercase()))
            .copied()
            .unwrap_or_else(|| rng.pick(CITIES))
            .to_uppercase();
        let agency = rng.pick(AGENCIES);
        let dateline = if rng.chance(0.5) {
            format!("{city} ({agency}) -")
        } else {
            format!("{city}, {} {} ({agency}) —", rng.pick(MONTHS), 1 + rng.below(28))
        };
        *first = format!("{dateline} {first}");
    }
    true
}

// ---------------------------------------------------------------------------------------------
// OCR noise

fn lookalike(c: char) -> Option<&'static str> {
    Some(match c {
        'm' => "rn",
        'l' => "1",
        'I' => "l",
        'O' => "0",
        '0' => "O",
        '1' => "l",
        'S' => "5",
        'B' => "8",
        'e' => "c",
        'c' => "e",
        'i' => "l",
        'h' => "b",
        'd' => "cl",
        'g' => "q",
        'u' => "ii",
        'n' => "ri",
        't' => "f",
        'a' => "o",
        _ => return None,
    })
}

/// One OCR error at `chars[i]` (alphanumeric); returns how many characters it consumed.
///
/// `i < chars.len()`, as both callers ensure; it consumes 2 characters only when `chars[i + 1]`
/// exists.
fn ocr_error(chars: &[char], i: usize, out: &mut String, rng: &mut Rng) -> usize {
    let Some(&c) = chars.get(i) else {
        return 1;
    };
    match (c, chars.get(i + 1)) {
        ('r', Some('n')) => {
            out.push('m');
            return 2;
        }
        ('c', Some('l')) => {
            out.push('d');
            return 2;
        }
        _ => {}
    }
    match lookalike(c) {
        Some(l) if rng.chance(0.7) => out.push_str(l),
        _ if rng.chance(0.5) => {}
        _ => {
            out.push(c);
            out.push(c);
        }
    }
    1
}

fn ocr_text(text: &str, rate: f64, rng: &mut Rng, ops: &mut usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    // `text.len() <= isize::MAX`, so `+ 8` does not overflow; the cap keeps the capacity valid.
    let mut out = String::with_capacity((text.len() + 8).min(isize::MAX.unsigned_abs()));
    let mut i = 0;
    let mut in_word = false;
    let mut hyphen_at = usize::MAX;
    // `chars[i]` and `chars[i..]` are read only while `i < chars.len()`; `i + len / 2 <= chars.len()`
    // and `ocr_error` advances `i` by at most the characters left.
    while i < chars.len() {
        let c = chars[i];
        if !c.is_alphanumeric() {
            in_word = false;
            out.push(c);
            i += 1;
            continue;
        }
        if !in_word {
            in_word = true;
            let len = chars[i..].iter().take_while(|c| c.is_alphabetic()).count();
            hyphen_at = if len >= 8 && rng.chance(rate * 4.0) { i + len / 2 } else { usize::MAX };
        }
        if i == hyphen_at {
            out.push_str("- ");
            *ops += 1;
        }
        if rng.chance(rate) {
            *ops += 1;
            i += ocr_error(&chars, i, &mut out, rng);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ocr(a: &mut Article, s: f64, rng: &mut Rng) -> bool {
    let rate = 0.001 + 0.014 * s;
    let mut ops = 0usize;
    if let Some(t) = &a.title {
        a.title = Some(ocr_text(t, rate, rng, &mut ops));
    }
    if let Some(b) = &a.byline {
        a.byline = Some(ocr_text(b, rate, rng, &mut ops));
    }
    for sentence in a.paras.iter_mut().flatten() {
        *sentence = ocr_text(sentence, rate, rng, &mut ops);
    }
    if ops > 0 {
        return true;
    }
    // Short texts may get no error by chance: force one.
    let slots: Vec<&mut String> = a.title.iter_mut().chain(a.paras.iter_mut().flatten()).collect();
    let weights: Vec<usize> = slots.iter().map(|s| s.chars().filter(|c| c.is_alphanumeric()).count()).collect();
    // A sum of character counts of strings in memory: no overflow.
    let total: usize = weights.iter().sum();
    if total == 0 {
        return false;
    }
    let mut target = rng.below(total);
    for (slot, w) in slots.into_iter().zip(weights) {
        if target >= w {
            target -= w;
            continue;
        }
        let chars: Vec<char> = slot.chars().collect();
        let Some(pos) = chars.iter().enumerate().filter(|(_, c)| c.is_alphanumeric()).map(|(k, _)| k).nth(target)
        else {
            return false;
        };
        // `pos < chars.len()`, so `pos + 1` is a valid start and `pos + used <= chars.len() + 1`
        // does not overflow.
        let mut out: String = chars[..pos].iter().collect();
        let used = ocr_error(&chars, pos, &mut out, rng);
        out.extend(&chars[(pos + used).min(chars.len())..]);
        if out == *slot {
            out = chars[..pos].iter().chain(&chars[pos + 1..]).collect();
        }
        *slot = out;
        return true;
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Boilerplate

/// The boilerplate of one (fictional) news site. Every article wrapped by the same site gets the
/// same text, so the set holds many different stories sharing boilerplate.
#[derive(Debug)]
struct Site {
    header: &'static str,
    cookie: &'static str,
    ad: &'static str,
    share: &'static str,
    related: &'static str,
    bio: &'static str,
    newsletter: &'static str,
    footer: &'static str,
}

const SITES: &[Site] = &[
    Site {
        header: "The Daily Ledger\nHome | World | Business | Markets | Politics | Tech | Sport | Opinion",
        cookie: "We use cookies to personalise content and ads and to analyse our traffic. By continuing to browse this site you agree to our use of cookies. Accept all | Manage preferences",
        ad: "Advertisement",
        share: "Share this article: Facebook | Twitter | LinkedIn | Email | Copy link",
        related: "Related stories\nMarkets brace for a volatile week as earnings season begins\nFive things to watch in the economy this month\nOpinion: Why the old rules no longer apply",
        bio: "Our correspondent covers business and economics for The Daily Ledger. Send tips to newsdesk@dailyledger.example.",
        newsletter: "Sign up for our Morning Briefing newsletter and get the day's top stories in your inbox.",
        footer: "© 2024 The Daily Ledger Media Group. All rights reserved.\nAbout us | Contact | Terms of use | Privacy policy | Cookie settings",
    },
    Site {
        header: "METRO HERALD ONLINE\nNews | Local | National | World | Money | Sport | Entertainment | Weather",
        cookie: "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish. ACCEPT | READ MORE",
        ad: "ADVERTISEMENT",
        share: "SHARE | TWEET | PIN | EMAIL | PRINT",
        related: "YOU MAY ALSO LIKE\nCouncil unveils plans for new city centre park\nHeatwave warning issued for the weekend\nLocal hero honoured at annual awards night",
        bio: "Metro Herald reporters cover news from across the region around the clock. Got a story? Email us at news@metroherald.example.",
        newsletter: "Get the Metro Herald daily newsletter: all the news you need, every morning. Subscribe now.",
        footer: "Metro Herald Online is part of Regional Newspapers Ltd. © 2023\nContact us | Advertise with us | Complaints | Privacy | Terms",
    },
    Site {
        header: "GlobalWire News\nTop Stories | Americas | Europe | Asia | Africa | Middle East | Business | Science",
        cookie: "GlobalWire News and our partners use cookies and similar technologies to deliver and measure ads and to improve our services. Click Accept to consent or Reject to refuse.",
        ad: "Story continues below advertisement",
        share: "Share on Facebook  Share on X  Share on WhatsApp  Share by email",
        related: "More from GlobalWire\nWorld leaders gather for climate summit\nAnalysis: the long road to recovery\nIn pictures: the week around the world",
        bio: "GlobalWire News correspondents report from more than 40 bureaus worldwide.",
        newsletter: "Want the world's news in five minutes? Sign up for the GlobalWire Briefing.",
        footer: "Copyright 2024 GlobalWire News Service. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.\nTerms of Service | Privacy Notice | Accessibility",
    },
    Site {
        header: "The Evening Courier\nMenu | Search | Subscribe | Sign in",
        cookie: "Your privacy matters. We and our 142 partners store and access information on your device to show personalised ads and content. You can change your choices at any time in Privacy settings. I agree | Show purposes",
        ad: "- Advertisement -",
        share: "Share: Facebook · Twitter · Reddit · Email",
        related: "READ MORE\nHow rising costs are changing the way we shop\nThe small town that became a global success story\nWhat the new rules mean for you",
        bio: "The Evening Courier newsroom. Follow us on Twitter @EveningCourier and on Facebook.",
        newsletter: "Don't miss out: sign up to our free evening newsletter for the day's biggest stories.",
        footer: "© The Evening Courier 2024. Registered in England and Wales.\nHelp | Contact | Jobs | Terms and conditions | Privacy notice",
    },
    Site {
        header: "NewsNow 24\nBreaking | Politics | Economy | Tech | Health | Lifestyle | Video",
        cookie: "By clicking “Accept All Cookies”, you agree to the storing of cookies on your device to enhance site navigation, analyze site usage, and assist in our marketing efforts.",
        ad: "Sponsored",
        share: "Like | Share | Tweet | Comment (0)",
        related: "Trending now\nExperts warn of a busy hurricane season\nTech giant unveils latest smartphone\nWhy everyone is talking about this new diet",
        bio: "NewsNow 24 staff writers contributed to this report.",
        newsletter: "Enjoy this story? Get breaking news alerts delivered straight to your phone. Download the NewsNow 24 app.",
        footer: "NewsNow 24 © 2022-2024. All rights reserved.\nAbout | Careers | Ethics policy | Do not sell my personal information",
    },
    Site {
        header: "Business Chronicle\nMarkets | Companies | Economy | Personal Finance | Commodities | Currencies",
        cookie: "We use cookies for a number of reasons, such as keeping our sites reliable and secure, personalising content and ads, and analysing how our sites are used. Accept cookies | Cookie settings",
        ad: "ADVERTISEMENT - SCROLL TO CONTINUE READING",
        share: "Print this page | Email this article | Share on LinkedIn | Save to reading list",
        related: "Related coverage\nStocks close mixed as investors weigh rate outlook\nOil steadies after volatile session\nCompany results at a glance",
        bio: "The writer is a markets reporter for Business Chronicle, covering equities, bonds and commodities.",
        newsletter: "Premium subscribers get unlimited access to Business Chronicle journalism. Subscribe for less than a coffee a week.",
        footer: "Business Chronicle is a trademark of Chronicle Media Inc. © 2024. Market data delayed by at least 15 minutes.\nTerms | Privacy | Corrections | Site map",
    },
];

fn boilerplate(a: &mut Article, s: f64, rng: &mut Rng) -> bool {
    let Some(site) = SITES.get(rng.below(SITES.len())) else {
        return false;
    };
    let p = 0.25 + 0.6 * s;
    let mut parts = [false; 6];
    for part in &mut parts {
        *part = rng.chance(p);
    }
    if !parts.iter().any(|&x| x) {
        // `below(len) < len`.
        parts[rng.below(parts.len())] = true;
    }
    let [cookie, ads, share, related, bio, footer] = parts;
    a.lines = true;
    a.header.push(site.header.to_string());
    if cookie {
        a.header.push(site.cookie.to_string());
    }
    if ads {
        let n = a.paras.len();
        if n <= 1 {
            a.inserts.push((0, site.ad.to_string()));
        } else {
            // `n >= 2` and `every >= 2`.
            let every = 2 + rng.below(2);
            for i in (0..n - 1).filter(|i| i % every == every - 1) {
                a.inserts.push((i, site.ad.to_string()));
            }
            if a.inserts.is_empty() {
                a.inserts.push((0, site.ad.to_string()));
            }
        }
    }
    if share {
        a.footer.push(site.share.to_string());
    }
    if bio {
        a.footer.push(site.bio.to_string());
    }
    if related {
        a.footer.push(site.related.to_string());
    }
    if rng.chance(p * 0.5) {
        a.footer.push(site.newsletter.to_string());
    }
    if footer {
        a.footer.push(site.footer.to_string());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_distinct() {
        assert!(SYNONYMS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ADJECTIVES.windows(2).all(|w| w[0] < w[1]));
        for (k, alts) in SYNONYMS {
            assert!(!alts.is_empty() && !alts.contains(k), "{k}");
        }
    }

    #[test]
    fn rng_is_pinned() {
        // Golden values: a change here changes every generated set.
        let mut rng = Rng::new(42);
        let got: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        let mut again = Rng::new(42);
        assert_eq!(got, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_eq!(source_seed(1, "a", 0), source_seed(1, "a", 0));
        assert_ne!(source_seed(1, "a", 0), source_seed(1, "a", 1));
        assert_ne!(source_seed(1, "a", 0), source_seed(2, "a", 0));
        let mut r = Rng::new(7);
        for _ in 0..1000 {
            assert!(r.below(5) < 5);
            assert_eq!(r.below(0), 0);
            let x = r.between(3, 6);
            assert!((3..=6).contains(&x));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn sentences() {
        let t = "THAI AIRWAYS BUYS TWO DC 10-30S. The Cabinet approved it, Mr. Smith said. He said the U.S. was not told. \
                 Prices rose 5.5 pct! Will it last? \"Yes,\" he said. J. Doe agreed.";
        assert_eq!(
            split_sentences(t),
            vec![
                "THAI AIRWAYS BUYS TWO DC 10-30S.",
                "The Cabinet approved it, Mr. Smith said.",
                "He said the U.S. was not told.",
                "Prices rose 5.5 pct!",
                "Will it last?",
                "\"Yes,\" he said.",
                "J. Doe agreed."
            ]
        );
        assert!(split_sentences("").is_empty());
        assert_eq!(split_sentences("no end"), vec!["no end"]);
        assert_eq!(split_sentences(". . ."), vec![". . ."]);
    }

    #[test]
    fn parse_and_render_round_trip_flat_text() {
        let t = "Title of it. One sentence here. Two sentence here. Three here. Four here.";
        let a = Article::parse(t, &mut Rng::new(1));
        assert_eq!(a.title.as_deref(), Some("Title of it."));
        assert!(a.paras.len() >= 2);
        assert_eq!(a.render(), t);
        let lines = "Headline\n\nFirst para. Still first.\n\nSecond para.";
        let b = Article::parse(lines, &mut Rng::new(1));
        assert_eq!(b.title.as_deref(), Some("Headline"));
        assert_eq!(b.paras.len(), 2);
        assert_eq!(b.render(), lines);
    }

    #[test]
    fn split_and_merge() {
        let s = "The company said profits rose sharply in the quarter, but it warned that costs would climb next year.";
        let (x, y) = split_sentence(s).unwrap();
        assert_eq!(x, "The company said profits rose sharply in the quarter.");
        assert_eq!(y, "But it warned that costs would climb next year.");
        assert!(split_sentence("Too short, but fine.").is_none());
        let m = merge_sentences("Prices rose again.", "The bank said so.", &mut Rng::new(3)).unwrap();
        assert!(m.starts_with("Prices rose again") && m.ends_with("the bank said so."), "{m}");
        let m = merge_sentences("Prices rose again.", "Acme Corp said so.", &mut Rng::new(3)).unwrap();
        assert!(m.ends_with("Acme Corp said so."), "{m}");
        assert!(merge_sentences("Is it?", "Yes it is.", &mut Rng::new(3)).is_none());
    }

    #[test]
    fn reword_changes_words_but_keeps_most() {
        let s = "The company said sales rose 12 pct to 50 mln dlrs, and a new plan was announced.";
        let mut edits = 0;
        let out = reword_sentence(s, &mut Rng::new(1), &mut |_| true, &mut edits);
        assert!(edits >= 5, "{out}");
        assert!(out.contains("dollars") && out.contains("percent") || out.contains("per cent"), "{out}");
        assert!(!out.contains(" new "), "{out}");
        assert!(out.contains(" a plan") || out.contains(" a proposal") || out.contains(" a scheme"), "{out}");
        let mut none = 0;
        assert_eq!(reword_sentence(s, &mut Rng::new(1), &mut |_| false, &mut none), s);
    }

    #[test]
    fn headline_from_lede_is_short_and_clean() {
        let h = headline_from_lede(
            "Azerbaijan dismissed the reports of renewed gunfire as completely false, the ministry said.",
            &mut Rng::new(1),
        )
        .unwrap();
        assert!(h.starts_with("Azerbaijan dismissed"), "{h}");
        assert!(!h.ends_with(',') && word_count(&h) <= 12, "{h}");
        assert!(headline_from_lede("Yes.", &mut Rng::new(1)).is_none());
    }

    #[test]
    fn ocr_rate_is_bounded() {
        let text = "Modern learning models in the Olympic village will deliver 1000 results. ".repeat(200);
        let mut ops = 0;
        let out = ocr_text(&text, 0.02, &mut Rng::new(9), &mut ops);
        let alnum = text.chars().filter(|c| c.is_alphanumeric()).count();
        assert!(ops > 0 && (ops as f64) < 0.04 * alnum as f64, "{ops} of {alnum}");
        assert_ne!(out, text);
        let mut none = 0;
        assert_eq!(ocr_text(&text, 0.0, &mut Rng::new(9), &mut none), text);
    }

    #[test]
    fn near_copies() {
        let a = "Oil prices rose two dollars a barrel on Monday as supply fears grew in the region.";
        assert!(may_be_same_story(a, a));
        assert!(!may_be_same_story(a, "Completely different words appear in this other text about football."));
        assert!(!may_be_same_story("", ""));
        assert!(may_be_same_story("one two", "One, two!"));
        // Reworded, no shared 5-gram, but the same words: flagged by content-word Jaccard.
        let x = "Banner Industries completed its purchase of Rexnord shares for 26.25 dlrs each.";
        let y = "Rexnord shares: Banner Industries has completed the purchase, paying 26.25 dlrs each.";
        assert!(containment(&shingle_set(x), &shingle_set(y)) <= SAME_STORY_CONTAINMENT);
        assert!(may_be_same_story(x, y));
    }

    mod no_panic {
        use super::*;
        use proptest::prelude::*;

        /// Words that reach the sentence splitter, the synonym and adjective tables, the
        /// split/merge rules and the headline rules.
        const WORDS: &[&str] = &[
            "The",
            "the",
            "A",
            "a",
            "an",
            "An",
            "I",
            "company",
            "said",
            "profits",
            "rose",
            "new",
            "big",
            "and",
            "but",
            "while",
            "so",
            ",",
            ";",
            "Mr.",
            "U.S.",
            "pct",
            "mln",
            "dlrs",
            "however",
            "Prices",
            "it",
            "they",
            "said,",
            "announced;",
            "12",
            "5.5",
            "Acme",
            "officials",
            "large",
            "OLYMPIC",
            "modern",
            "learning",
            "rn",
            "cl",
        ];

        /// A fragment of text: arbitrary Unicode, letters with combining marks, emoji (with joiners
        /// and variation selectors), CJK and kana, lone punctuation, whitespace or a news word.
        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                "\\PC{0,12}",
                "[\\p{L}\\p{M}]{1,6}",
                "[e\u{301}\u{308}\u{327}\u{20DD}\u{1F300}-\u{1F64F}\u{1F9D1}\u{200D}\u{FE0F}\u{1F3FD}]{1,5}",
                "[\u{4E00}-\u{9FFF}\u{3040}-\u{30FF}。、！？]{1,8}",
                "[.!?,;:'\"()\\[\\]«»“”‘’—-]{1,3}",
                "[ \n\t\r\u{A0}\u{2028}]{1,3}",
                prop::sample::select(WORDS).prop_map(str::to_string),
            ]
        }

        fn sentence() -> impl Strategy<Value = String> {
            (prop::collection::vec(prop::sample::select(WORDS), 1..14), "[.!?]", "[ \n]{1,2}")
                .prop_map(|(words, end, gap)| format!("{}{end}{gap}", words.join(" ")))
        }

        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(String::new()),
                "\\PC{0,3}",
                prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat()),
                (sentence(), 1..6usize).prop_map(|(s, k)| s.repeat(k)),
                prop::collection::vec(prop_oneof![piece(), sentence()], 0..12).prop_map(|p| p.concat()),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            /// `generate` on arbitrary sources never panics, and every document belongs to a given
            /// source: the first source with its id and a word, emitted unchanged as `source` or
            /// `negative` before any rewrite of it.
            #[test]
            fn generate_never_panics_and_clusters_are_sources(
                sources in prop::collection::vec(("[a-c]{1,2}|\\PC{0,2}", text()), 0..6),
                seed: u64,
                fraction in prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0],
                near_copies: bool,
                transforms in (0u32..8, 0u32..8),
                strength in (0.0f64..=1.0, 0.0f64..=1.0),
            ) {
                let mut config = SynthConfig::new(seed);
                config
                    .rewrites_per_source(1, 2)
                    .transforms_per_rewrite(transforms.0, transforms.1)
                    .strength(strength.0, strength.1)
                    .hard_negatives(HardNegatives::Fraction(fraction))
                    .dedupe(if near_copies { SourceDedupe::NearCopies } else { SourceDedupe::Off });
                let docs = generate(&sources, &config);
                // The first source with the id and a word; a source without a word is skipped.
                let mut first: HashMap<&str, &str> = HashMap::new();
                for (id, text) in sources.iter().filter(|(_, t)| t.chars().any(char::is_alphanumeric)) {
                    first.entry(id.as_str()).or_insert(text.as_str());
                }
                let mut emitted: HashSet<&str> = HashSet::new();
                for d in &docs {
                    let source = first.get(d.cluster.as_str());
                    prop_assert!(source.is_some(), "cluster {:?} is not a source id", d.cluster);
                    if d.kind == "source" || d.kind == "negative" {
                        prop_assert_eq!(&d.id, &d.cluster);
                        prop_assert_eq!(Some(&d.text.as_str()), source);
                        prop_assert!(emitted.insert(d.cluster.as_str()), "{:?} emitted twice", d.cluster);
                    } else {
                        prop_assert!(emitted.contains(d.cluster.as_str()), "rewrite before its source");
                    }
                    if let Some(anchor) = &d.negative_of {
                        prop_assert!(d.kind == "negative" && first.contains_key(anchor.as_str()));
                    }
                }
            }
        }
    }
}
