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
/// Kept compact, in one allocation: four bytes per distinct word, plus four per distinct word of
/// each sentence and eight per sentence.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DocFeatures {
    /// The parts, one after another: the distinct word hashes, sorted (the bag); the hashes of
    /// the distinct words that hold a digit (numbers, dates, amounts), sorted; the end offset
    /// (exclusive) in the sentence words of each sentence; each sentence's distinct words as
    /// positions in the bag, ascending, sentences in text order; then, unless forgotten, a
    /// hash of each sentence's word set, to find sentences that recur across documents (last,
    /// so that forgetting them only shortens the allocation).
    data: Box<[u32]>,
    /// Number of words (with repeats).
    total: u32,
    /// Length of the bag.
    bag_len: u32,
    /// Number of numbers.
    numbers_len: u32,
    /// Number of sentences.
    sentences_len: u32,
    /// Whether the sentence keys are held.
    keyed: bool,
}

impl std::fmt::Debug for DocFeatures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [bag, numbers, ends, words, keys] = self.parts();
        f.debug_struct("DocFeatures")
            .field("total", &self.total)
            .field("bag", &bag)
            .field("numbers", &numbers)
            .field("sentence_ends", &ends)
            .field("sentence_words", &words)
            .field("sentence_keys", &keys)
            .finish()
    }
}

/// Reusable buffers for [`DocFeatures::extract`], including a cache of word hashes (stemming is
/// the costly step, and a few thousand frequent words make up most of any text).
pub struct FeatureBuffer {
    normalized: String,
    /// An ASCII line, lowercased.
    lower: String,
    stemmer: rust_stemmers::Stemmer,
    cache: WordCache,
    /// Word hashes of the document, repeats included, sentence after sentence.
    words: Vec<u32>,
    /// End (exclusive) in `words` of each sentence that has a word.
    ends: Vec<u32>,
    /// Hashes of the words that hold a digit, repeats included.
    numbers: Vec<u32>,
    /// `(word hash << 32) | sentence` for every word, then `(sentence << 32) | rank`.
    pairs: Vec<u64>,
    /// `pairs` sorted.
    sorted: Vec<u64>,
    /// Distinct words of each sentence, then where its next word goes; also bucket counts.
    counts: Vec<u32>,
    /// Distinct word hashes, sorted.
    bag: Vec<u32>,
    /// The bytes of each sentence's word hashes, for its key.
    bytes: Vec<u8>,
}

impl Default for FeatureBuffer {
    fn default() -> FeatureBuffer {
        FeatureBuffer {
            normalized: String::new(),
            lower: String::new(),
            stemmer: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
            cache: WordCache::default(),
            words: Vec::new(),
            ends: Vec::new(),
            numbers: Vec::new(),
            pairs: Vec::new(),
            sorted: Vec::new(),
            counts: Vec::new(),
            bag: Vec::new(),
            bytes: Vec::new(),
        }
    }
}

impl std::fmt::Debug for FeatureBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatureBuffer").finish_non_exhaustive()
    }
}

/// Whether `word` holds an ASCII digit.
#[inline]
fn has_digit(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
}

/// The hash of a word as verification sees it: stemmed unless it holds a digit.
#[inline]
fn word_hash(word: &str, stemmer: &rust_stemmers::Stemmer) -> u32 {
    let h = if has_digit(word) {
        xxh3_64_with_seed(word.as_bytes(), WORD_SEED)
    } else {
        xxh3_64_with_seed(stemmer.stem(word).as_bytes(), WORD_SEED)
    };
    (h ^ (h >> 32)) as u32
}

/// Longest word, in bytes, that [`WordCache`] holds; longer words are hashed every time.
const CACHED_BYTES: usize = 24;

/// Zero bytes kept after the text in the buffers that words are read from, so that a cache key
/// loads as three whole `u64`s.
const PAD: &str = "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
const _: () = assert!(PAD.len() == CACHED_BYTES);
// Word shingles load 16 bytes at a word's start (`Shingler::push_token`).
const _: () = assert!(PAD.len() >= 16);

/// Sets of a cache table when it first holds a word.
const MIN_SETS: usize = 1 << 8;

/// [`Slot::meta`] bit of words that hold a digit; the low byte is the word's length.
const DIGIT_FLAG: u32 = 1 << 8;

/// A cache of [`word_hash`], keyed by the word's bytes compared whole, so a cached value is
/// always the word's own and results never depend on what the cache holds.
///
/// Two set-associative tables, sets of one cache line: words of up to eight bytes (nine
/// tokens in ten) four to a set, longer ones two to a set. In a set the most recently used word
/// comes first, and a new word evicts the least recently used. So a lookup reads one line, and
/// frequent words stay while rare ones come and go. The sets double from [`MIN_SETS`] (buffers
/// are cheap to make) up to a limit as words arrive.
#[derive(Default)]
struct WordCache {
    short: Table<1, 4>,
    long: Table<3, 2>,
}

/// One table of a [`WordCache`]: keys of `K` words, `W` slots to a set.
struct Table<const K: usize, const W: usize> {
    /// A power-of-two number of sets, or none.
    sets: Vec<Set<K, W>>,
    /// Words inserted since the sets last grew.
    inserts: usize,
}

impl<const K: usize, const W: usize> Default for Table<K, W> {
    fn default() -> Self {
        Table { sets: Vec::new(), inserts: 0 }
    }
}

#[derive(Clone, Copy)]
#[repr(align(64))]
struct Set<const K: usize, const W: usize> {
    /// The most recently used first.
    slots: [Slot<K>; W],
}

#[derive(Clone, Copy)]
struct Slot<const K: usize> {
    /// The word's bytes, zero-padded.
    key: [u64; K],
    /// The word's length in bytes (0 for an empty slot), plus [`DIGIT_FLAG`].
    meta: u32,
    /// [`word_hash`] of the word.
    hash: u32,
}

impl<const K: usize> Slot<K> {
    const EMPTY: Slot<K> = Slot { key: [0; K], meta: 0, hash: 0 };
}

/// Which set a key goes to, before masking.
#[inline]
fn set_hash<const K: usize>(key: &[u64; K], len: u32) -> usize {
    const M: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = u64::from(len).wrapping_mul(M);
    for &k in key {
        h = (h.rotate_left(26) ^ k).wrapping_mul(M);
    }
    (h >> 32) as usize
}

/// The cache key of the `n` bytes that start `window`: its first `8 * K` bytes as
/// little-endian `u64`s, with the bytes from `n` on cleared. `window` holds at least `8 * K`
/// bytes.
#[inline]
fn key_of<const K: usize>(window: &[u8], n: usize) -> [u64; K] {
    let mut key = [0u64; K];
    for (k, (i, chunk)) in key.iter_mut().zip(window.chunks_exact(8).enumerate()) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        // Bytes of the word in this chunk: 0 to 8.
        let keep = n.saturating_sub(8 * i).min(8);
        let mask = if keep == 8 { u64::MAX } else { (1u64 << (8 * keep)) - 1 };
        *k = u64::from_le_bytes(b) & mask;
    }
    key
}

impl<const K: usize, const W: usize> Table<K, W> {
    /// The hash and digit flag of the word with `key` and `len` bytes, from the cache or from
    /// `compute` (then cached), growing up to `max_sets` sets.
    #[inline]
    fn get(&mut self, key: [u64; K], len: u32, max_sets: usize, compute: impl FnOnce() -> (u32, bool)) -> (u32, bool) {
        if self.sets.is_empty() {
            self.sets = vec![Set { slots: [Slot::EMPTY; W] }; MIN_SETS];
        }
        let mask = self.sets.len() - 1;
        // `h & mask < sets.len()`.
        let set = &mut self.sets[set_hash(&key, len) & mask];
        for i in 0..W {
            let slot = set.slots[i];
            if slot.meta & 0xff == len && slot.key == key {
                // Move to the front.
                set.slots[..=i].rotate_right(1);
                return (slot.hash, slot.meta & DIGIT_FLAG != 0);
            }
        }
        let (hash, digit) = compute();
        set.slots.rotate_right(1);
        set.slots[0] = Slot { key, meta: len | if digit { DIGIT_FLAG } else { 0 }, hash };
        self.inserts += 1;
        if self.inserts > W * self.sets.len() && self.sets.len() < max_sets {
            self.grow();
        }
        (hash, digit)
    }

    /// Doubles the sets, moving the words over (the least recently used first, so that each
    /// set keeps its order).
    fn grow(&mut self) {
        let size = 2 * self.sets.len();
        let old = std::mem::replace(&mut self.sets, vec![Set { slots: [Slot::EMPTY; W] }; size]);
        self.inserts = 0;
        let mask = self.sets.len() - 1;
        for set in &old {
            for &slot in set.slots.iter().rev() {
                if slot.meta & 0xff == 0 {
                    continue;
                }
                // `& mask` keeps the index below `sets.len()`.
                let to = &mut self.sets[set_hash(&slot.key, slot.meta & 0xff) & mask];
                to.slots.rotate_right(1);
                to.slots[0] = slot;
            }
        }
    }
}

/// Most sets of the two tables of a [`WordCache`].
const MAX_SHORT_SETS: usize = 1 << 15;
const MAX_LONG_SETS: usize = 1 << 15;

impl WordCache {
    /// [`word_hash`] of `text[start..end]`, and whether it holds a digit. `text` is followed by
    /// [`PAD`] (or the word is hashed uncached).
    #[inline]
    fn get(&mut self, text: &str, start: usize, end: usize, stemmer: &rust_stemmers::Stemmer) -> (u32, bool) {
        let n = end.saturating_sub(start);
        let compute = || {
            let word = text.get(start..end).unwrap_or_default();
            (word_hash(word, stemmer), has_digit(word))
        };
        let window = text.as_bytes().get(start..start + CACHED_BYTES);
        // `n <= CACHED_BYTES`, so it fits below `DIGIT_FLAG`.
        match (window, n) {
            (Some(window), 1..=8) => self.short.get(key_of(window, n), n as u32, MAX_SHORT_SETS, compute),
            (Some(window), 9..=CACHED_BYTES) => self.long.get(key_of(window, n), n as u32, MAX_LONG_SETS, compute),
            _ => compute(),
        }
    }
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

impl FeatureBuffer {
    /// Adds the word `text[start..end]`; `text` is followed by [`PAD`].
    #[inline]
    fn push_word(&mut self, text: &str, start: usize, end: usize) {
        let (h, digit) = self.cache.get(text, start, end, &self.stemmer);
        self.words.push(h);
        if digit {
            self.numbers.push(h);
        }
    }

    /// Ends the current sentence, if it has a word.
    #[inline]
    fn end_sentence(&mut self) {
        let start = self.ends.last().map_or(0, |&e| e as usize);
        if self.words.len() > start {
            self.ends.push(self.words.len() as u32);
        }
    }

    /// Adds the sentences of an ASCII line.
    ///
    /// The words of the whole line (lowercased) are the words of its sentences, in order: no
    /// word straddles a sentence boundary (a boundary follows a terminator, a closing mark, a
    /// space or CR/LF, and none of them sits inside a word before a letter or digit: SB6, SB7
    /// and SB8 keep "3.5", "U.S" and "e.g" whole), and word rules look at one neighbour on each
    /// side, which at a boundary is never a letter or digit joined by a "mid" character. So each
    /// word goes to the sentence in which it starts. Normalizing ASCII (lowercasing, spaces for
    /// control characters, collapsing spaces) changes no word but by lowercasing it.
    ///
    /// `on_word` is given each word too, as a slice of the lowercased line followed by [`PAD`].
    #[inline]
    fn add_ascii_line(&mut self, line: &str, on_word: &mut impl FnMut(&str, &[u8])) {
        let mut lower = std::mem::take(&mut self.lower);
        lower.clear();
        lower.push_str(line);
        lower.make_ascii_lowercase();
        lower.push_str(PAD);
        let mut breaks = crate::text::ascii_breaks(line);
        let mut next = breaks.next().unwrap_or(usize::MAX);
        let bytes = lower.as_bytes().get(..line.len()).unwrap_or_default();
        crate::text::ascii_word_spans(bytes, &mut |start, end| {
            if start >= next {
                self.end_sentence();
                while start >= next {
                    next = breaks.next().unwrap_or(usize::MAX);
                }
            }
            self.push_word(&lower, start, end);
            // Spans of an ASCII line are character boundaries within it.
            on_word(lower.get(start..end).unwrap_or_default(), lower.as_bytes());
        });
        self.end_sentence();
        self.lower = lower;
    }

    /// Adds the sentences of a line that is not ASCII: each sentence normalized and cut into
    /// words on its own.
    fn add_line(&mut self, line: &str) {
        let mut normalized = std::mem::take(&mut self.normalized);
        for sentence in sentences(line) {
            Normalizer::new().normalize_into(sentence, &mut normalized);
            let len = normalized.len();
            normalized.push_str(PAD);
            let base = normalized.as_ptr() as usize;
            Tokenizer::Words.for_each_token(normalized.get(..len).unwrap_or_default(), |t| {
                // `t` is a slice of `normalized`: its offset there is the distance of the pointers.
                let start = (t.as_ptr() as usize).wrapping_sub(base);
                self.push_word(&normalized, start, start + t.len());
            });
            self.end_sentence();
        }
        self.normalized = normalized;
    }

    /// The features of the words and sentences added since the buffers were cleared.
    ///
    /// `(hash, sentence)` pairs of every word are sorted once: distinct hashes in order give the
    /// bag and each word's rank in it, and distinct pairs in that order, dealt out to their
    /// sentences, give each sentence's distinct ranks in ascending order.
    fn build(&mut self) -> DocFeatures {
        let total = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        let FeatureBuffer { words, ends, numbers, pairs, sorted, counts, bag, bytes, .. } = self;
        pairs.clear();
        let mut start = 0usize;
        for (k, &end) in ends.iter().enumerate() {
            let sentence = words.get(start..end as usize).unwrap_or_default();
            pairs.extend(sentence.iter().map(|&w| (u64::from(w) << 32) | k as u64));
            start = end as usize;
        }
        sort_pairs(pairs, sorted, counts);
        // Distinct pairs in order: the bag, each sentence's number of distinct words, and the
        // pairs turned into `(sentence << 32) | rank`, in `pairs`.
        counts.clear();
        counts.resize(ends.len(), 0);
        bag.clear();
        bag.resize(sorted.len(), 0);
        pairs.clear();
        pairs.resize(sorted.len(), 0);
        // Distinct words and distinct pairs so far: at most the pairs read, within `bag` and
        // `pairs`. Branch-free: whether a pair or word is new is not predictable.
        let (mut m, mut d) = (0usize, 0usize);
        let mut prev = sorted.first().map_or(0, |&p| !p);
        let mut prev_word = (prev >> 32) as u32;
        for &p in sorted.iter() {
            let (w, k) = ((p >> 32) as u32, p as u32);
            let new_pair = usize::from(p != prev);
            bag[m] = w;
            m += usize::from(w != prev_word);
            // `k` is a sentence index, below `counts.len()`.
            counts[k as usize] += new_pair as u32;
            pairs[d] = (u64::from(k) << 32) | (m - 1) as u64;
            d += new_pair;
            (prev, prev_word) = (p, w);
        }
        bag.truncate(m);
        pairs.truncate(d);
        numbers.sort_unstable();
        numbers.dedup();
        // The parts in place, in one allocation of their exact size (see `DocFeatures::data`).
        let sentences = counts.len();
        let mut data = Vec::with_capacity(bag.len() + numbers.len() + 2 * sentences + pairs.len());
        data.extend_from_slice(bag);
        data.extend_from_slice(numbers);
        let mut end = 0u32;
        for c in counts.iter_mut() {
            let start = end;
            end += *c;
            data.push(end);
            *c = start;
        }
        let at = data.len();
        data.resize(at + pairs.len(), 0);
        let sentence_words = data.get_mut(at..).unwrap_or_default();
        for &p in pairs.iter() {
            let (k, rank) = ((p >> 32) as usize, p as u32);
            // `counts[k]` stays below sentence `k`'s end, within `sentence_words`.
            if let Some(c) = counts.get_mut(k) {
                if let Some(slot) = sentence_words.get_mut(*c as usize) {
                    *slot = rank;
                }
                *c += 1;
            }
        }
        // The bytes of every sentence's word hashes in order, hashed sentence by sentence.
        bytes.clear();
        bytes.resize(4 * sentence_words.len(), 0);
        for (b, &r) in bytes.chunks_exact_mut(4).zip(sentence_words.iter()) {
            b.copy_from_slice(&bag.get(r as usize).copied().unwrap_or(0).to_le_bytes());
        }
        let ends = data.get(bag.len() + numbers.len()..at).unwrap_or_default();
        counts.clear();
        let mut start = 0usize;
        for &e in ends {
            let s = bytes.get(4 * start..4 * e as usize).unwrap_or_default();
            start = e as usize;
            let h = xxh3_64_with_seed(s, WORD_SEED);
            counts.push((h ^ (h >> 32)) as u32);
        }
        data.extend_from_slice(counts);
        DocFeatures::assemble(data, total, [bag.len(), numbers.len(), sentences, sentences])
    }
}

/// Sorts `pairs` into `out`: one pass of bucket sort on the top bits (two to four times as many
/// buckets as pairs, and the top bits are those of a hash, so most buckets hold one pair or
/// none, or pairs of one word that are already in order), then insertion sort, which only
/// moves pairs within their bucket. Should the buckets be crowded after all (crafted words), a
/// full sort takes over once insertion has moved pairs eight times their number.
fn sort_pairs(pairs: &[u64], out: &mut Vec<u64>, counts: &mut Vec<u32>) {
    let n = pairs.len();
    let bits = (usize::BITS - n.leading_zeros() + 1).clamp(1, 16);
    let shift = 64 - bits;
    counts.clear();
    counts.resize(1 << bits, 0);
    // `p >> shift < 2^bits = counts.len()`.
    for &p in pairs {
        if let Some(c) = counts.get_mut((p >> shift) as usize) {
            *c += 1;
        }
    }
    // Each bucket's start.
    let mut sum = 0;
    for c in counts.iter_mut() {
        let start = sum;
        sum += *c;
        *c = start;
    }
    out.clear();
    out.resize(n, 0);
    // `counts[b]` stays below the end of bucket `b`, within `out`.
    for &p in pairs {
        if let Some(c) = counts.get_mut((p >> shift) as usize) {
            if let Some(slot) = out.get_mut(*c as usize) {
                *slot = p;
            }
            *c += 1;
        }
    }
    let budget = 8 * n;
    let mut moves = 0usize;
    for i in 1..n {
        let x = out[i];
        let mut j = i;
        // `0 < j <= i < n`.
        while j > 0 && out[j - 1] > x {
            out[j] = out[j - 1];
            j -= 1;
        }
        out[j] = x;
        moves += i - j;
        if moves > budget {
            out.sort_unstable();
            return;
        }
    }
}

impl DocFeatures {
    /// Extracts the features of `text`.
    pub fn extract(text: &str, buf: &mut FeatureBuffer) -> DocFeatures {
        buf.words.clear();
        buf.ends.clear();
        buf.numbers.clear();
        let ascii = text.is_ascii();
        for line in text.lines() {
            if ascii || line.is_ascii() {
                buf.add_ascii_line(line, &mut |_, _| {});
            } else {
                buf.add_line(line);
            }
        }
        buf.build()
    }

    /// [`extract`](Self::extract) for an ASCII `text`, also giving `on_word` every word of the
    /// text in order, lowercased, with a buffer it is a slice of that holds at least 16 bytes
    /// after it (for [`Shingler::push_token`](crate::shingle::Shingler::push_token)). `None` if
    /// `text` is not ASCII.
    ///
    /// These are the words [`Tokenizer::Words`] cuts the normalized text into. Normalizing ASCII
    /// lowercases letters, turns whitespace and control characters into spaces and collapses
    /// runs of them; no character of a word is either, and a word's neighbours decide whether
    /// a "mid" character (`.`, `'`, `:`, `,`, `;`) joins them only when they are letters or
    /// digits. So the words of each line (lines end at LF, with a CR before it) are the words
    /// the normalized text has there, and no word spans two lines.
    pub(crate) fn extract_ascii_with(
        text: &str,
        buf: &mut FeatureBuffer,
        mut on_word: impl FnMut(&str, &[u8]),
    ) -> Option<DocFeatures> {
        if !text.is_ascii() {
            return None;
        }
        buf.words.clear();
        buf.ends.clear();
        buf.numbers.clear();
        for line in text.lines() {
            buf.add_ascii_line(line, &mut on_word);
        }
        Some(buf.build())
    }

    /// Features from their parts (see `DocFeatures::data`), in one allocation; `keys` empty
    /// when they are not held. The caller keeps the invariants `extract` gives.
    fn from_parts(bag: &[u32], numbers: &[u32], ends: &[u32], words: &[u32], keys: &[u32], total: u32) -> DocFeatures {
        let mut data = Vec::with_capacity(bag.len() + numbers.len() + ends.len() + words.len() + keys.len());
        for part in [bag, numbers, ends, words, keys] {
            data.extend_from_slice(part);
        }
        DocFeatures::assemble(data, total, [bag.len(), numbers.len(), ends.len(), keys.len()])
    }

    /// Features over `data`, laid out as `DocFeatures::data` says, with `total` words and the
    /// lengths of the bag, the numbers, the sentences and the keys (as many as the sentences
    /// when held).
    fn assemble(data: Vec<u32>, total: u32, [bag, numbers, sentences, keys]: [usize; 4]) -> DocFeatures {
        DocFeatures {
            data: data.into_boxed_slice(),
            total,
            bag_len: bag as u32,
            numbers_len: numbers as u32,
            sentences_len: sentences as u32,
            keyed: keys == sentences,
        }
    }

    /// The parts: bag, numbers, sentence ends, sentence words, sentence keys (see
    /// `DocFeatures::data`). Lengths are those `from_parts` or `build` stored, so the cuts are in
    /// bounds; `get` keeps even a broken value harmless.
    #[inline]
    fn parts(&self) -> [&[u32]; 5] {
        let (b, m, s) = (self.bag_len as usize, self.numbers_len as usize, self.sentences_len as usize);
        let keys = if self.keyed { s } else { 0 };
        let words_end = self.data.len().saturating_sub(keys);
        let cut = |from: usize, to: usize| self.data.get(from..to).unwrap_or_default();
        [cut(0, b), cut(b, b + m), cut(b + m, b + m + s), cut(b + m + s, words_end), cut(words_end, self.data.len())]
    }

    /// Builds features from each sentence's sorted distinct word hashes (concatenated, with
    /// exclusive end offsets): the straightforward construction, kept as the reference the tests
    /// compare the fast paths to.
    #[cfg(test)]
    fn from_sentences(words: &[u32], ends: &[u32], total: u32, numbers: &[u32]) -> DocFeatures {
        let mut bag = words.to_vec();
        bag.sort_unstable();
        bag.dedup();
        // Sentences keep their sort order when mapped to positions in the sorted bag.
        let sentence_words: Vec<u32> = words.iter().map(|w| bag.binary_search(w).map_or(0, |i| i as u32)).collect();
        let mut start = 0usize;
        let mut bytes: Vec<u8> = Vec::new();
        let sentence_keys: Vec<u32> = ends
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
        DocFeatures::from_parts(&bag, numbers, ends, &sentence_words, &sentence_keys, total)
    }

    /// Hashes of the distinct words that hold a digit, sorted.
    pub fn numbers(&self) -> &[u32] {
        self.parts()[1]
    }

    /// A hash of each sentence's set of words, in sentence order.
    pub fn sentence_keys(&self) -> &[u32] {
        self.parts()[4]
    }

    /// The same document without the sentences for which `drop` is true.
    pub fn without_sentences(&self, drop: impl Fn(usize) -> bool) -> DocFeatures {
        // Kept sentences keep their words, their order and their keys (a key hashes the sorted
        // word hashes of its sentence, which do not change): only bag positions move, to those of
        // the words still in use, and the bag stays sorted. The same features as extracting the
        // kept sentences anew would give. Indexes are in bounds: sentences hold bag positions,
        // with one key per sentence when keys are held (`extract` builds them so and `decode`
        // refuses anything else).
        // The result is written into one allocation of its exact size, part after part.
        let [old_bag, old_numbers, _, _, old_keys] = self.parts();
        let kept_sentences = || self.sentences().enumerate().filter(|&(k, _)| !drop(k)).map(|x| x.1);
        // Bag positions in use by a kept sentence are marked 0, then given their new position.
        let mut remap = vec![u32::MAX; old_bag.len()];
        let (mut words, mut kept, mut total) = (0usize, 0usize, 0u32);
        for s in kept_sentences() {
            for &i in s {
                remap[i as usize] = 0;
            }
            words += s.len();
            kept += 1;
            total = total.saturating_add(s.len() as u32);
        }
        // Numbers are words of the bag: kept when their word is (marked, or given a position).
        let number_kept = |remap: &[u32], n: &u32| old_bag.binary_search(n).is_ok_and(|i| remap[i] != u32::MAX);
        let bag_len = remap.iter().filter(|&&r| r == 0).count();
        let numbers_len = old_numbers.iter().filter(|n| number_kept(&remap, n)).count();
        let keys = old_keys.iter().enumerate().filter(|&(k, _)| !drop(k)).map(|x| *x.1);
        let keys_len = keys.clone().count();
        let mut data = Vec::with_capacity(bag_len + numbers_len + kept + words + keys_len);
        for (r, &w) in remap.iter_mut().zip(old_bag) {
            if *r == 0 {
                *r = data.len() as u32;
                data.push(w);
            }
        }
        data.extend(old_numbers.iter().copied().filter(|n| number_kept(&remap, n)));
        let mut end = 0u32;
        for s in kept_sentences() {
            end += s.len() as u32;
            data.push(end);
        }
        for s in kept_sentences() {
            data.extend(s.iter().map(|&i| remap[i as usize]));
        }
        data.extend(keys);
        DocFeatures::assemble(data, total, [bag_len, numbers_len, kept, keys_len])
    }

    /// Number of words, repeats included.
    pub fn len(&self) -> usize {
        self.total as usize
    }

    /// Whether the document has no word.
    pub fn is_empty(&self) -> bool {
        self.bag_len == 0
    }

    /// Distinct word hashes, sorted.
    #[inline]
    pub fn bag(&self) -> &[u32] {
        self.data.get(..self.bag_len as usize).unwrap_or_default()
    }

    /// The sentences, each as the ascending positions in [`bag`](Self::bag) of its words.
    pub fn sentences(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let [_, _, ends, words, _] = self.parts();
        let mut start = 0usize;
        ends.iter().map(move |&e| {
            // Ends ascend and the last is the number of sentence words: `extract` builds them so
            // and `decode` refuses features that break it; `get` keeps even a broken value
            // harmless.
            let s = words.get(start..e as usize).unwrap_or_default();
            start = e as usize;
            s
        })
    }

    /// Sentence `k` as [`sentences`](Self::sentences) yields it (empty when there is no such
    /// sentence), without walking the ones before it.
    pub(crate) fn sentence(&self, k: usize) -> &[u32] {
        let [_, _, ends, words, _] = self.parts();
        let start = match k.checked_sub(1) {
            Some(p) => ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = ends.get(k).map_or(0, |&e| e as usize);
        words.get(start..end).unwrap_or_default()
    }

    /// Number of sentences.
    pub fn num_sentences(&self) -> usize {
        self.sentences_len as usize
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.data.len() * 4
    }

    /// Appends these features to `out` as `u32`s, for index files (`crate::index`);
    /// [`decode`](Self::decode) reads them back. Keep the two in step with the fields.
    pub(crate) fn encode(&self, out: &mut Vec<u32>) {
        let [bag, numbers, ends, words, keys] = self.parts();
        out.extend_from_slice(&[self.total, bag.len() as u32, ends.len() as u32, numbers.len() as u32]);
        out.extend_from_slice(numbers);
        out.extend_from_slice(bag);
        out.extend_from_slice(ends);
        out.extend_from_slice(keys);
        out.extend_from_slice(words);
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
        Some(DocFeatures::from_parts(bag, numbers, ends, words, keys, total))
    }
}

impl DocFeatures {
    /// Replaces every word (in the bag and the numbers) by `f` of it; `f` must be strictly
    /// increasing on the bag's words, so that the bag stays sorted and its positions hold.
    pub(crate) fn map_words(&mut self, f: impl Fn(u32) -> u32) {
        let n = (self.bag_len + self.numbers_len) as usize;
        for w in self.data.iter_mut().take(n) {
            *w = f(*w);
        }
    }

    /// Frees the sentence keys (then none): for a batch that has stripped its boilerplate and
    /// needs the features for verification only. The keys are the last part, so the allocation
    /// only shortens.
    pub(crate) fn forget_sentence_keys(&mut self) {
        if !self.keyed || self.sentences_len == 0 {
            return;
        }
        let keys = self.sentences_len as usize;
        let mut data = std::mem::take(&mut self.data).into_vec();
        data.truncate(data.len().saturating_sub(keys));
        self.data = data.into_boxed_slice();
        self.keyed = false;
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
        let mut keys = doc.sentence_keys().to_vec();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            *self.df.entry(k).or_insert(0) += 1;
        }
    }

    /// Removes one document.
    pub fn remove(&mut self, doc: &DocFeatures) {
        let mut keys = doc.sentence_keys().to_vec();
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
        let counts: Vec<u32> = doc.sentence_keys().iter().map(|k| self.df.get(k).copied().unwrap_or(0)).collect();
        boilerplate_mask(&counts, doc)
    }

    /// `doc` without its boilerplate sentences (the same document when it has none).
    pub fn strip(&self, doc: &DocFeatures) -> Option<DocFeatures> {
        let mask = self.boilerplate(doc);
        mask.iter().any(|&b| b).then(|| doc.without_sentences(|k| mask[k]))
    }

    /// The count of each sentence of each of `docs` under `SentenceCounts::new(docs)`, for a
    /// whole batch at once (in parallel with the `parallel` feature) and without a hash map.
    pub(crate) fn of_batch(docs: &[&DocFeatures]) -> BatchCounts {
        let mut starts = Vec::with_capacity(docs.len() + 1);
        let mut total = 0usize;
        starts.push(0);
        for d in docs {
            total += d.sentence_keys().len();
            starts.push(total);
        }
        if total >= 1 << 31 {
            return BatchCounts::Map(SentenceCounts::new(docs.iter().copied()));
        }
        // Each sentence as `(key << 32) | (repeat << 31) | position`, `position` its place among
        // the batch's sentences (below 2^31) and `repeat` set on all but one sentence of each key
        // in a document, so that a document counts once per key, as in `add`.
        // Written in place, one document's slice at a time (no second copy of the batch's
        // sentences): `starts` splits `sentences` into the documents' slices, in order.
        let mut sentences: Vec<u64> = vec![0; total];
        let mut slices: Vec<(&DocFeatures, usize, &mut [u64])> = Vec::with_capacity(docs.len());
        let mut rest: &mut [u64] = &mut sentences;
        for (d, w) in docs.iter().zip(starts.windows(2)) {
            let (mine, tail) = std::mem::take(&mut rest).split_at_mut(w[1] - w[0]);
            slices.push((d, w[0], mine));
            rest = tail;
        }
        crate::par::for_each_mut(&mut slices, |_, (d, start, v)| {
            for ((e, position), &key) in v.iter_mut().zip(*start..).zip(d.sentence_keys()) {
                *e = (u64::from(key) << 32) | position as u64;
            }
            v.sort_unstable();
            let mut prev = None;
            for e in v.iter_mut() {
                let key = Some(*e >> 32);
                *e |= u64::from(key == prev) << 31;
                prev = key;
            }
        });
        drop(slices);
        // Positions are distinct, so the order is total and the sort deterministic.
        crate::par::sort_unstable(&mut sentences);
        let mut counts = vec![0u32; total];
        for run in sentences.chunk_by(|a, b| a >> 32 == b >> 32) {
            let df = run.iter().filter(|&&e| e & (1 << 31) == 0).count() as u32;
            for &e in run {
                // Positions are below `total = counts.len()`.
                if let Some(c) = counts.get_mut((e & 0x7FFF_FFFF) as usize) {
                    *c = df;
                }
            }
        }
        BatchCounts::Counts { counts, starts }
    }
}

/// The sentence counts of a batch ([`SentenceCounts::of_batch`]): each sentence's count, or,
/// for batches of 2^31 sentences or more, the counts as a [`SentenceCounts`].
#[derive(Debug)]
pub(crate) enum BatchCounts {
    /// `counts[starts[i]..starts[i + 1]]` are the counts of document `i`'s sentences.
    Counts { counts: Vec<u32>, starts: Vec<usize> },
    /// The counts to look sentences up in.
    Map(SentenceCounts),
}

impl BatchCounts {
    /// Document `i` of the batch, `doc`, without its boilerplate sentences (`None` when it has
    /// none), as [`SentenceCounts::strip`] gives it.
    pub(crate) fn strip(&self, i: usize, doc: &DocFeatures) -> Option<DocFeatures> {
        match self {
            BatchCounts::Counts { counts, starts } => {
                let range = starts.get(i).copied().unwrap_or(0)..starts.get(i + 1).copied().unwrap_or(0);
                let counts = counts.get(range).unwrap_or_default();
                // No sentence below the least count of boilerplate is boilerplate.
                if counts.iter().all(|&c| c < MIN_BOILERPLATE_DF) {
                    return None;
                }
                let mask = boilerplate_mask(counts, doc);
                mask.iter().any(|&b| b).then(|| doc.without_sentences(|k| mask[k]))
            }
            BatchCounts::Map(c) => c.strip(doc),
        }
    }
}

/// Which of `doc`'s sentences are boilerplate, given the count of each (`counts`, in sentence
/// order): those whose count is at least `max(5, 3 × m)` (see [`SentenceCounts`]).
fn boilerplate_mask(counts: &[u32], doc: &DocFeatures) -> Vec<bool> {
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

/// Inverse document frequencies of words over a batch.
///
/// `idf(w) = ln((N + P + 1) / (df(w) + 1)) + 1`, the smoothed IDF, where `P` is a prior number
/// of documents in which no word occurs (0 by default).
///
/// An `Idf` counts documents: `N` is the number of documents and `df(w)` the number holding
/// `w`. That is what [`Deduplicator::idf`](crate::Deduplicator::idf) and
/// [`Deduplicator::verify`](crate::Deduplicator::verify) use. Grouping a batch
/// ([`Deduplicator::group`](crate::Deduplicator::group)) and an
/// [`Index`](crate::index::Index) weigh words over *families* of near copies instead (with the
/// keyword stage on, which finds them): `N` is the number of families and `df(w)` the number of
/// families holding `w`, so a story republished by several sites does not make its words
/// common. When every family is one document, the two are the same.
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
            for &w in d.bag() {
                *df.entry(w).or_insert(0) += 1;
            }
        }
        Idf { df, docs: n, prior }
    }

    /// Weights of a batch of `docs` documents with `prior`, without document frequencies: for
    /// [`Weights::weight_of_df`] over frequencies counted elsewhere.
    pub(crate) fn with_docs(docs: usize, prior: f64) -> Idf {
        Idf { df: FxHashMap::default(), docs, prior }
    }

    /// Adds one document's words (for indexes that grow).
    pub fn add(&mut self, doc: &DocFeatures) {
        self.docs += 1;
        for &w in doc.bag() {
            *self.df.entry(w).or_insert(0) += 1;
        }
    }

    /// Removes one document's words.
    pub fn remove(&mut self, doc: &DocFeatures) {
        self.docs = self.docs.saturating_sub(1);
        for &w in doc.bag() {
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
        doc.bag().iter().map(|&w| self.df(w)).collect()
    }

    /// The weight of a word hash.
    #[inline]
    pub fn weight(&self, w: u32) -> f64 {
        self.weights().weight(w)
    }

    /// A snapshot of the weights with the logarithms of the batch size precomputed, for fast
    /// repeated lookups.
    pub fn weights(&self) -> Weights<'_> {
        self.family_weights(self.docs, None)
    }

    /// Weights over families of near copies: `N` is `families` (the number of families) and a
    /// word's frequency is its document frequency less `excess[w]` (how many documents holding
    /// it are not the first of their family to; see `dedup::member_excess`). `None`, or an
    /// empty map with `families` equal to [`docs`](Self::docs), gives [`weights`](Self::weights).
    pub(crate) fn family_weights<'a>(
        &'a self,
        families: usize,
        excess: Option<&'a FxHashMap<u32, u32>>,
    ) -> Weights<'a> {
        let excess = excess.filter(|e| !e.is_empty());
        Weights { idf: self, excess, top: (families as f64 + self.prior + 1.0).ln() + 1.0 }
    }
}

/// Fast weight lookups under one [`Idf`]: `weight(w) = ln(N + P + 1) + 1 - ln(df(w) + 1)`,
/// where `N` and `df` count documents ([`Idf::weights`]) or, for grouping, families of near
/// copies (see [`Idf`]).
#[derive(Clone, Copy, Debug)]
pub struct Weights<'a> {
    idf: &'a Idf,
    /// Per word, documents holding it beyond the first of their family (family weights).
    excess: Option<&'a FxHashMap<u32, u32>>,
    top: f64,
}

/// `ln(df + 1)` for small document frequencies.
static LN_1P: std::sync::LazyLock<Vec<f64>> =
    std::sync::LazyLock::new(|| (0..4096).map(|d: u32| f64::from(d + 1).ln()).collect());

impl Weights<'_> {
    /// The weight of a word hash.
    #[inline]
    pub fn weight(&self, w: u32) -> f64 {
        self.weight_of_df(self.df(w))
    }

    /// The frequency these weights count for a word: its document frequency, or its family
    /// frequency with family weights.
    #[inline]
    fn df(&self, w: u32) -> u32 {
        let df = self.idf.df(w);
        match self.excess {
            Some(e) => df.saturating_sub(e.get(&w).copied().unwrap_or(0)),
            None => df,
        }
    }

    /// The frequency of each word of `doc`'s bag as these weights count it, in bag order
    /// ([`Idf::dfs`], less each word's family excess with family weights).
    pub(crate) fn dfs(&self, doc: &DocFeatures) -> Vec<u32> {
        let mut dfs = self.idf.dfs(doc);
        self.adjust_dfs(doc, &mut dfs);
        dfs
    }

    /// Turns the document frequencies of `doc`'s bag ([`Idf::dfs`], in bag order) into the
    /// frequencies these weights count (family frequencies with family weights).
    pub(crate) fn adjust_dfs(&self, doc: &DocFeatures, dfs: &mut [u32]) {
        if let Some(e) = self.excess {
            for (d, w) in dfs.iter_mut().zip(doc.bag()) {
                *d = d.saturating_sub(e.get(w).copied().unwrap_or(0));
            }
        }
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
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    /// The straightforward extraction the fast one must equal: each line cut into UAX #29
    /// sentences by `unicode-segmentation`, each sentence normalized and cut into words on its
    /// own, every word stemmed and hashed, each sentence's hashes sorted without repeats, then
    /// the bag and each sentence's positions in it by binary search.
    fn reference(text: &str) -> DocFeatures {
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let (mut words, mut ends, mut numbers, mut total) = (Vec::new(), Vec::new(), Vec::new(), 0u32);
        let mut normalized = String::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            for sentence in line.unicode_sentences() {
                Normalizer::new().normalize_into(sentence, &mut normalized);
                let mut s: Vec<u32> = Vec::new();
                Tokenizer::Words.for_each_token(&normalized, |t| {
                    if t.bytes().any(|b| b.is_ascii_digit()) {
                        numbers.push(word_hash(t, &stemmer));
                    }
                    s.push(word_hash(t, &stemmer));
                });
                if !s.is_empty() {
                    total += s.len() as u32;
                    s.sort_unstable();
                    s.dedup();
                    words.extend(s);
                    ends.push(words.len() as u32);
                }
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        DocFeatures::from_sentences(&words, &ends, total, &numbers)
    }

    /// Texts with what sentence and word rules care about: abbreviations, decimals, quotes,
    /// brackets, terminators, CR and LF, spaces, known and unknown non-ASCII characters
    /// (curly quotes, dashes, accents, NBSP, emoji, combining marks, CJK), long words.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[A-Za-z]{1,9}",
            1 => "[a-z]{20,30}",
            1 => "[0-9]{1,4}([.,][0-9]{1,3})?",
            1 => Just("U.S.".to_string()),
            1 => Just("e.g.".to_string()),
            1 => Just("don't".to_string()),
            3 => "[ .!?,;:\"'()\\-_]{1,3}",
            2 => Just(" ".to_string()),
            1 => prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n"), Just("\r"), Just("\t")].prop_map(String::from),
            2 => "[\u{2019}\u{201c}\u{201d}\u{2014}\u{2013}\u{a0}\u{a9}\u{a3}\u{b7}\u{e9}\u{c9}\u{df}\u{bd}\u{2026}\u{2024}\u{203c}]",
            1 => "[\u{301}\u{200d}\u{ad}\u{85}\u{2029}\u{1F600}\u{65E5}\u{672C}\u{3002}\u{FF21}\u{FB01}\u{338F}]",
        ];
        prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn extraction_equals_the_reference(t in text()) {
            prop_assert_eq!(DocFeatures::extract(&t, &mut FeatureBuffer::default()), reference(&t));
        }

        /// One buffer for many texts: whatever the cache holds, every text gets its own
        /// features.
        #[test]
        fn a_reused_buffer_changes_nothing(texts in prop::collection::vec(text(), 1..8)) {
            let mut buf = FeatureBuffer::default();
            for t in texts.iter().chain(&texts) {
                prop_assert_eq!(DocFeatures::extract(t, &mut buf), reference(t));
            }
        }

        #[test]
        fn any_text_equals_the_reference(t in "\\PC{0,80}") {
            prop_assert_eq!(DocFeatures::extract(&t, &mut FeatureBuffer::default()), reference(&t));
        }

        #[test]
        fn any_ascii_equals_the_reference(t in "[\\x00-\\x7f]{0,120}") {
            prop_assert_eq!(DocFeatures::extract(&t, &mut FeatureBuffer::default()), reference(&t));
        }
    }

    #[test]
    fn pairs_sort_even_in_crowded_buckets() {
        let (mut out, mut counts) = (Vec::new(), Vec::new());
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let random: Vec<u64> = (0..3000)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                ((rng % 5000) << 32) | (rng % 7)
            })
            .collect();
        // Descending pairs that all share their top bits: the full sort takes over.
        let crowded: Vec<u64> = (0..3000u64).rev().collect();
        for pairs in [random, crowded, vec![], vec![7], vec![u64::MAX, 0, u64::MAX]] {
            sort_pairs(&pairs, &mut out, &mut counts);
            let mut expected = pairs.clone();
            expected.sort_unstable();
            assert_eq!(out, expected);
        }
    }

    /// Enough distinct words that the cache grows to its largest and evicts, in one buffer.
    #[test]
    fn a_full_cache_changes_nothing() {
        let mut rng = 0x1234_5678_9abc_def1u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut buf = FeatureBuffer::default();
        for _ in 0..60 {
            let mut text = String::new();
            for k in 0..8000 {
                let len = 1 + (next() % if k % 2 == 0 { 8 } else { 28 }) as usize;
                text.extend((0..len).map(|_| char::from(b'a' + (next() % 26) as u8)));
                text.push_str(if k % 17 == 16 { ". " } else { " " });
                if next() % 50 == 0 {
                    text.push_str("the and of to in a. Prices rose 3.5 pct, U.S. officials said.\n");
                }
            }
            assert_eq!(DocFeatures::extract(&text, &mut buf), reference(&text));
        }
        assert_eq!(buf.cache.short.sets.len(), MAX_SHORT_SETS);
        assert_eq!(buf.cache.long.sets.len(), MAX_LONG_SETS);
    }

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
            words.extend(s.iter().map(|&i| f.bag()[i as usize]));
            ends.push(words.len() as u32);
            total = total.saturating_add(s.len() as u32);
        }
        let out = DocFeatures::from_sentences(&words, &ends, total, &[]);
        let numbers: Vec<u32> = f.numbers().iter().copied().filter(|n| out.bag().binary_search(n).is_ok()).collect();
        DocFeatures::from_sentences(&words, &ends, total, &numbers)
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

    proptest! {
        /// Batch counts strip each document as counts in a map do, with sentences shared by up
        /// to all documents and repeated within one.
        #[test]
        fn batch_counts_strip_as_the_map_does(
            docs in proptest::collection::vec(proptest::collection::vec(0usize..12, 0..10), 0..40)
        ) {
            let sentence = |i: usize| if i < 8 { format!("Shared line number w{i} here.") } else { format!("Own words q{i}.") };
            let docs: Vec<DocFeatures> = docs
                .iter()
                .enumerate()
                .map(|(d, ids)| {
                    let mut text: Vec<String> = ids.iter().map(|&i| sentence(i)).collect();
                    text.push(format!("Story z{d} of its own."));
                    DocFeatures::extract(&text.join(" "), &mut FeatureBuffer::default())
                })
                .collect();
            let refs: Vec<&DocFeatures> = docs.iter().collect();
            let map = SentenceCounts::new(&docs);
            let batch = SentenceCounts::of_batch(&refs);
            let counted = matches!(batch, BatchCounts::Counts { .. });
            prop_assert!(counted);
            for (i, d) in docs.iter().enumerate() {
                prop_assert_eq!(batch.strip(i, d), map.strip(d));
            }
        }
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
