//! The index file format: a fixed header, then a checksummed payload of 8-byte-aligned,
//! fixed-width little-endian sections.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use xxhash_rust::xxh3::xxh3_64;

use super::{Entry, Index};
use crate::dedup::{Analysis, Channel, Config, Deduplicator};
use crate::error::{Error, ErrorKind, Result};
use crate::group::{DocFeatures, KeywordConfig};
use crate::minhash::{self, MinHashSignature, Scheme, SignatureParams};
use crate::shingle::{ShingleConfig, ShingleUnit};
use crate::text::Filter;

/// Version of the index file format, bumped whenever the layout changes.
///
/// # Layout (version 1)
///
/// All integers are little-endian; every section starts at a multiple of 8 bytes from the start
/// of the file, and fixed-width arrays are stored as such, so a large index can be
/// memory-mapped and its arrays read in place.
///
/// | bytes | content |
/// |---|---|
/// | 0..8 | magic `\x89RPX\r\n\x1a\n` |
/// | 8..12 | index format version (`u32`) |
/// | 12..16 | signature format version ([`minhash::FORMAT_VERSION`]) |
/// | 16..24 | payload length in bytes (`u64`) |
/// | 24..32 | xxh3-64 of the payload |
/// | 32..40 | xxh3-64 of bytes 0..32 |
/// | 40..64 | zero |
/// | 64.. | payload |
///
/// The payload starts with a directory, `count: u32, 0: u32`, then per section `tag: u32,
/// 0: u32, offset: u64, length: u64` (offsets from the payload start), followed by the
/// sections. Articles are stored in id order (`n` articles, `c` channels, `k` hashes):
///
/// | tag | section | content |
/// |---|---|---|
/// | 1 | config | every field of [`Config`](crate::Config) and each channel's banding |
/// | 2 | counts | `n: u64, c: u32, k: u32` |
/// | 3, 4 | ids | `n + 1` `u64` byte offsets, then the UTF-8 ids |
/// | 5 | timestamps | `n` `i64` (0 when absent) |
/// | 6 | flags | `n` bytes: bit 0 has a timestamp, bit 1 has a fingerprint |
/// | 7 | fingerprints | `n` `u64`: xxh3 of the normalized text (0 when absent) |
/// | 8 | empty signatures | `n × c` bytes, 1 for a text without shingles |
/// | 9 | signatures | `n × c × k` `u32` |
/// | 10, 11 | features | `n + 1` `u64` offsets in `u32` units, then the verification features |
/// | 12 | canary | the analysis of a fixed text under the file's configuration |
/// | 13 | writer | the name and version of the program that wrote the file |
///
/// The band tables, word weights, families of near copies (for the keyword stage) and groups are
/// not stored: they are rebuilt on load from the signatures and features. Loading recomputes the canary: a build whose hash values or text
/// features differ from the writer's refuses the file instead of mixing incompatible values.
pub const FORMAT_VERSION: u32 = 1;

const MAGIC: [u8; 8] = *b"\x89RPX\r\n\x1a\n";
const HEADER_LEN: usize = 64;

const CONFIG: u32 = 1;
const COUNTS: u32 = 2;
const ID_OFFSETS: u32 = 3;
const IDS: u32 = 4;
const TIMESTAMPS: u32 = 5;
const FLAGS: u32 = 6;
const FINGERPRINTS: u32 = 7;
const SIG_EMPTY: u32 = 8;
const SIGNATURES: u32 = 9;
const FEATURE_OFFSETS: u32 = 10;
const FEATURES: u32 = 11;
const CANARY: u32 = 12;
const WRITER: u32 = 13;
const NUM_SECTIONS: u32 = 13;

const HAS_TIMESTAMP: u8 = 1;
const HAS_FINGERPRINT: u8 = 2;

/// The text whose analysis is stored as a canary: several sentences, stopwords, plurals,
/// possessives, accents, typography and non-Latin scripts.
const CANARY_TEXT: &str = "BREAKING | World\n\nArmenia's forces accused Azerbaijan of breaking the \
    ceasefire brokered by Russia — “completely false,” officials in Baku said on Thursday. \
    Talks on the region’s future were held in Yevlakh; 120,000 ethnic Armenians live there.\n\
    Ｆｕｌｌｗｉｄｔｈ text, café crème, naïve coöperation. 東京で会議が開かれた。 Москва ответила.\n\
    Share this article on Facebook";

fn format_err(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Format, message)
}

/// Serializes `index`.
pub(super) fn encode(index: &Index) -> Vec<u8> {
    let dedup = &index.dedup;
    let channels = dedup.stages().len();
    let k = dedup.config().num_hashes as usize;
    let mut entries: Vec<&Entry> = index.live().map(|(_, e)| e).collect();
    entries.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let n = entries.len();

    // Sizes: `channels <= 250` (validated) and `k` is the configured `u32`, so both fit a `u32`;
    // `n × channels × k × 4` is the size of the signature values held in memory, so the
    // capacities below do not overflow. The `as u64` casts widen or, for timestamps, reinterpret
    // the bits (undone on reading).
    let mut sections: Vec<(u32, Vec<u8>)> = Vec::with_capacity(NUM_SECTIONS as usize);
    sections.push((CONFIG, encode_config(dedup)));
    let mut counts = Vec::with_capacity(16);
    put_u64(&mut counts, n as u64);
    put_u32(&mut counts, channels as u32);
    put_u32(&mut counts, k as u32);
    sections.push((COUNTS, counts));

    let mut offsets = Vec::with_capacity((n + 1) * 8);
    let mut ids = Vec::new();
    put_u64(&mut offsets, 0);
    for e in &entries {
        ids.extend_from_slice(e.id.as_bytes());
        put_u64(&mut offsets, ids.len() as u64);
    }
    sections.push((ID_OFFSETS, offsets));
    sections.push((IDS, ids));

    let mut times = Vec::with_capacity(n * 8);
    let mut flags = Vec::with_capacity(n);
    let mut prints = Vec::with_capacity(n * 8);
    let mut empty = Vec::with_capacity(n * channels);
    let mut sigs = Vec::with_capacity(n * channels * k * 4);
    let mut feature_offsets = Vec::with_capacity((n + 1) * 8);
    let mut features: Vec<u32> = Vec::new();
    put_u64(&mut feature_offsets, 0);
    for e in &entries {
        put_u64(&mut times, e.timestamp.unwrap_or(0) as u64);
        let mut f = 0;
        if e.timestamp.is_some() {
            f |= HAS_TIMESTAMP;
        }
        if e.analysis.fingerprint.is_some() {
            f |= HAS_FINGERPRINT;
        }
        flags.push(f);
        put_u64(&mut prints, e.analysis.fingerprint.unwrap_or(0));
        for s in &e.analysis.signatures {
            empty.push(u8::from(s.is_empty()));
            s.values().iter().for_each(|&v| put_u32(&mut sigs, v));
        }
        e.raw().encode(&mut features);
        put_u64(&mut feature_offsets, features.len() as u64);
    }
    sections.push((TIMESTAMPS, times));
    sections.push((FLAGS, flags));
    sections.push((FINGERPRINTS, prints));
    sections.push((SIG_EMPTY, empty));
    sections.push((SIGNATURES, sigs));
    sections.push((FEATURE_OFFSETS, feature_offsets));
    let mut feature_bytes = Vec::with_capacity(features.len() * 4);
    features.iter().for_each(|&w| put_u32(&mut feature_bytes, w));
    sections.push((FEATURES, feature_bytes));
    sections.push((CANARY, encode_canary(dedup)));
    sections.push((WRITER, format!("reprint {}", env!("CARGO_PKG_VERSION")).into_bytes()));

    // Directory, then the sections, each 8-byte aligned.
    let dir_len = 8 + 24 * sections.len();
    let mut body = Vec::new();
    let mut dir = Vec::with_capacity(dir_len);
    put_u32(&mut dir, sections.len() as u32);
    put_u32(&mut dir, 0);
    for (tag, bytes) in &sections {
        put_u32(&mut dir, *tag);
        put_u32(&mut dir, 0);
        put_u64(&mut dir, (dir_len + body.len()) as u64);
        put_u64(&mut dir, bytes.len() as u64);
        body.extend_from_slice(bytes);
        body.resize(body.len().next_multiple_of(8), 0);
    }
    let mut payload = dir;
    payload.append(&mut body);

    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    put_u32(&mut out, FORMAT_VERSION);
    put_u32(&mut out, minhash::FORMAT_VERSION);
    put_u64(&mut out, payload.len() as u64);
    put_u64(&mut out, xxh3_64(&payload));
    let header_sum = xxh3_64(&out);
    put_u64(&mut out, header_sum);
    out.resize(HEADER_LEN, 0);
    out.append(&mut payload);
    out
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn encode_config(dedup: &Deduplicator) -> Vec<u8> {
    // Destructured so that a new configuration field fails to compile here until it is saved.
    let Config { num_hashes, seed, scheme, channels, threshold, max_bucket, max_text_bytes, idf_prior, keywords } =
        dedup.config();
    let mut out = Vec::new();
    put_u32(&mut out, *num_hashes);
    put_u32(&mut out, scheme_code(*scheme));
    put_u64(&mut out, *seed);
    put_u64(&mut out, threshold.to_bits());
    put_u64(&mut out, *max_bucket as u64);
    put_u64(&mut out, *max_text_bytes as u64);
    put_u64(&mut out, idf_prior.to_bits());
    let KeywordConfig { per_doc, min_shared, max_df } =
        keywords.unwrap_or(KeywordConfig { per_doc: 0, min_shared: 0, max_df: 0 });
    put_u32(&mut out, u32::from(keywords.is_some()));
    put_u32(&mut out, per_doc);
    put_u32(&mut out, min_shared);
    put_u32(&mut out, max_df);
    // At most 250 channels (validated).
    put_u32(&mut out, channels.len() as u32);
    put_u32(&mut out, 0);
    for (ch, (_, banding)) in channels.iter().zip(dedup.stages()) {
        let Channel { shingle, threshold } = ch;
        out.push(unit_code(shingle.unit()));
        out.push(filter_code(shingle.filter()));
        out.extend_from_slice(&[0, 0]);
        put_u32(&mut out, shingle.size());
        put_u64(&mut out, threshold.to_bits());
        put_u32(&mut out, banding.bands());
        put_u32(&mut out, banding.rows());
    }
    out
}

fn scheme_code(s: Scheme) -> u32 {
    match s {
        Scheme::Classic => 0,
        Scheme::OnePermutation => 1,
    }
}

fn unit_code(u: ShingleUnit) -> u8 {
    match u {
        ShingleUnit::Words => 0,
        ShingleUnit::Chars => 1,
    }
}

fn filter_code(f: Filter) -> u8 {
    match f {
        Filter::None => 0,
        Filter::EnglishStopwords => 1,
    }
}

/// The analysis of [`CANARY_TEXT`], serialized: it changes whenever a hash value or a text
/// feature would.
fn encode_canary(dedup: &Deduplicator) -> Vec<u8> {
    let a = dedup.analyze(CANARY_TEXT);
    let mut out = Vec::new();
    put_u64(&mut out, u64::from(a.fingerprint.is_some()));
    put_u64(&mut out, a.fingerprint.unwrap_or(0));
    for s in &a.signatures {
        put_u32(&mut out, u32::from(s.is_empty()));
        s.values().iter().for_each(|&v| put_u32(&mut out, v));
    }
    let mut features = Vec::new();
    a.features.encode(&mut features);
    features.iter().for_each(|&w| put_u32(&mut out, w));
    out
}

/// Bounds-checked little-endian reads.
struct Cursor<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8], what: &'static str) -> Cursor<'a> {
        Cursor { bytes, what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.bytes.len() {
            return Err(format_err(format!("the {} section is too short", self.what)));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }

    fn usize(&mut self) -> Result<usize> {
        let v = self.u64()?;
        usize::try_from(v)
            .map_err(|_| format_err(format!("{v} in the {} section does not fit this platform", self.what)))
    }

    fn finish(&self) -> Result<()> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(format_err(format!("the {} section has {} unexpected trailing bytes", self.what, self.bytes.len())))
        }
    }
}

// `chunks_exact` gives chunks of exactly 4 (8) bytes, so the indexes below are in bounds.
fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

fn u64s(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes.chunks_exact(8).map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
}

/// Checks the header and the checksum; returns the payload.
///
/// Every slice of `bytes` below comes after the length check it needs: the magic after
/// `len >= MAGIC.len()`, the header fields after `len >= HEADER_LEN`.
fn payload(bytes: &[u8]) -> Result<&[u8]> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        let hint = if bytes.is_empty() { " (the file is empty)" } else { "" };
        return Err(format_err(format!(
            "not a reprint index: the file does not start with the index magic bytes{hint}"
        )));
    }
    if bytes.len() < HEADER_LEN {
        return Err(format_err(format!(
            "the index is truncated: {} bytes, less than its {HEADER_LEN}-byte header",
            bytes.len()
        )));
    }
    let mut h = Cursor::new(&bytes[MAGIC.len()..HEADER_LEN], "header");
    let version = h.u32()?;
    if version != FORMAT_VERSION {
        let why = if version > FORMAT_VERSION {
            "it was written by a newer reprint (or is corrupted); upgrade reprint to read it"
        } else {
            "it is corrupted"
        };
        return Err(format_err(format!(
            "index format version {version} is not supported (this build reads version {FORMAT_VERSION}): {why}"
        )));
    }
    let signature_version = h.u32()?;
    let payload_len = h.u64()?;
    let payload_sum = h.u64()?;
    let header_sum = h.u64()?;
    if xxh3_64(&bytes[..32]) != header_sum || bytes[40..HEADER_LEN].iter().any(|&b| b != 0) {
        return Err(format_err("the index header is corrupted (header checksum mismatch)"));
    }
    if signature_version != minhash::FORMAT_VERSION {
        return Err(Error::incompatible(format!(
            "the index holds signatures of format version {signature_version} but this build computes version {}; \
             rebuild the index from the texts",
            minhash::FORMAT_VERSION
        )));
    }
    let actual = (bytes.len() - HEADER_LEN) as u64;
    if actual < payload_len {
        return Err(format_err(format!(
            "the index is truncated: {} bytes, its header says {}",
            bytes.len(),
            payload_len.saturating_add(HEADER_LEN as u64)
        )));
    }
    if actual > payload_len {
        return Err(format_err(format!(
            "the index has {} bytes after its end (a concatenated or partly overwritten file)",
            actual - payload_len
        )));
    }
    let payload = &bytes[HEADER_LEN..];
    if xxh3_64(payload) != payload_sum {
        return Err(format_err("the index is corrupted: the payload checksum does not match"));
    }
    Ok(payload)
}

/// The sections of a payload, by tag.
fn sections(payload: &[u8]) -> Result<Vec<&[u8]>> {
    let mut dir = Cursor::new(payload, "directory");
    let count = dir.u32()?;
    dir.u32()?;
    if count != NUM_SECTIONS {
        return Err(format_err(format!(
            "the index has {count} sections, format version {FORMAT_VERSION} has {NUM_SECTIONS}"
        )));
    }
    let mut found: Vec<Option<&[u8]>> = vec![None; NUM_SECTIONS as usize + 1];
    for _ in 0..count {
        let tag = dir.u32()?;
        dir.u32()?;
        let offset = dir.usize()?;
        let len = dir.usize()?;
        let end = offset.checked_add(len).filter(|&e| e <= payload.len());
        let (Some(end), true) = (end, offset % 8 == 0) else {
            return Err(format_err(format!("section {tag} lies outside the index or is misaligned")));
        };
        match found.get_mut(tag as usize) {
            // `offset <= end <= payload.len()`, checked above.
            Some(slot @ None) if tag != 0 => *slot = Some(&payload[offset..end]),
            _ => return Err(format_err(format!("unknown or repeated section tag {tag}"))),
        }
    }
    found.into_iter().skip(1).map(|s| s.ok_or_else(|| format_err("a section is missing"))).collect()
}

/// Reads a serialized index; with `expected`, refuses a different configuration.
pub(super) fn decode(bytes: &[u8], expected: Option<&Deduplicator>) -> Result<Index> {
    let payload = payload(bytes)?;
    let s = sections(payload)?;
    // `sections` returns one slice per tag `1..=NUM_SECTIONS`, and only those constants are passed.
    let section = |tag: u32| s[tag as usize - 1];
    let dedup = decode_config(section(CONFIG))?;
    if let Some(expected) = expected {
        if let Some(diff) = config_difference(expected.config(), dedup.config()) {
            return Err(Error::incompatible(format!("the index was built with {diff}")));
        }
    }
    // The canary holds a signature per channel: a file too small for them is refused before
    // any hashing, so small crafted files cannot ask for much work.
    // In `u64`, where it cannot overflow: at most 250 channels, and `num_hashes` is a `u32` (not
    // bounded by `MAX_HASHES` when there is no channel).
    let per_channel = 4 + 4 * u64::from(dedup.config().num_hashes);
    if (section(CANARY).len() as u64) < 16 + dedup.stages().len() as u64 * per_channel {
        return Err(format_err("the canary section is too short for the configuration"));
    }
    if section(CANARY) != encode_canary(&dedup).as_slice() {
        return Err(Error::incompatible(
            "the index was written by a reprint whose hash values or text features differ from this build's; \
             rebuild the index from the texts",
        ));
    }

    let mut counts = Cursor::new(section(COUNTS), "counts");
    let n = counts.usize()?;
    let channels = counts.u32()? as usize;
    let k = counts.u32()? as usize;
    counts.finish()?;
    if channels != dedup.stages().len() || k != dedup.config().num_hashes as usize {
        return Err(format_err("the counts section does not match the configuration"));
    }
    let expect = |tag: u32, what: &str, per: usize| -> Result<&[u8]> {
        let len = n.checked_mul(per).ok_or_else(|| format_err("the article count is too large"))?;
        if section(tag).len() == len {
            Ok(section(tag))
        } else {
            Err(format_err(format!("the {what} section has {} bytes, expected {len}", section(tag).len())))
        }
    };
    let n1 = n.checked_add(1).ok_or_else(|| format_err("the article count is too large"))?;
    let id_offsets = offsets(section(ID_OFFSETS), n1, section(IDS).len(), "id")?;
    let times = expect(TIMESTAMPS, "timestamps", 8)?;
    let flags = expect(FLAGS, "flags", 1)?;
    let prints = expect(FINGERPRINTS, "fingerprints", 8)?;
    let empty = expect(SIG_EMPTY, "empty signatures", channels)?;
    let sigs = expect(SIGNATURES, "signatures", channels.saturating_mul(k).saturating_mul(4))?;
    if section(FEATURES).len() % 4 != 0 {
        return Err(format_err("the features section is not a whole number of u32"));
    }
    let feature_offsets = offsets(section(FEATURE_OFFSETS), n1, section(FEATURES).len() / 4, "feature")?;
    if std::str::from_utf8(section(WRITER)).is_err() {
        return Err(format_err("the writer section is not UTF-8"));
    }

    let params: Vec<SignatureParams> = dedup
        .stages()
        .iter()
        .map(|(h, _)| SignatureParams { config: *h.config(), format_version: minhash::FORMAT_VERSION })
        .collect();
    let ids = section(IDS);
    let features = section(FEATURES);
    let positions: Vec<usize> = (0..n).collect();
    // For `i < n`, every index and range below is in bounds and its arithmetic does not overflow:
    // each section was checked to hold exactly `n` records of its width (so `(i + 1) × width`
    // is at most its length), and the offsets were checked to be ascending, of length `n + 1`,
    // and to end at their data's length (in `u32` units for the features). `as i64` undoes the
    // writer's reinterpretation of the timestamp's bits.
    let decoded: Vec<Result<Entry>> = crate::par::map(&positions, |&i| {
        let id = std::str::from_utf8(&ids[id_offsets[i]..id_offsets[i + 1]])
            .map_err(|_| format_err(format!("id of article {i} is not UTF-8")))?;
        let flag = flags[i];
        if flag & !(HAS_TIMESTAMP | HAS_FINGERPRINT) != 0 {
            return Err(format_err(format!("article {id:?} has unknown flags {flag:#x}")));
        }
        let time = u64s(&times[i * 8..i * 8 + 8]).next().unwrap_or(0) as i64;
        let print = u64s(&prints[i * 8..i * 8 + 8]).next().unwrap_or(0);
        if (flag & HAS_TIMESTAMP == 0 && time != 0) || (flag & HAS_FINGERPRINT == 0 && print != 0) {
            return Err(format_err(format!("article {id:?} has a value its flags say is absent")));
        }
        let mut signatures = Vec::with_capacity(channels);
        for (c, p) in params.iter().enumerate() {
            let at = (i * channels + c) * k * 4;
            let values: Vec<u32> = u32s(&sigs[at..at + k * 4]).collect();
            let is_empty = match empty[i * channels + c] {
                0 => false,
                1 if values.iter().all(|&v| v == u32::MAX) => true,
                _ => return Err(format_err(format!("article {id:?} has an invalid empty-signature mark"))),
            };
            signatures.push(MinHashSignature::from_parts(*p, values, is_empty)?);
        }
        let words: Vec<u32> = u32s(&features[feature_offsets[i] * 4..feature_offsets[i + 1] * 4]).collect();
        let features = DocFeatures::decode(&words)
            .ok_or_else(|| format_err(format!("the features of article {id:?} are inconsistent")))?;
        let fingerprint = (flag & HAS_FINGERPRINT != 0).then_some(print);
        let timestamp = (flag & HAS_TIMESTAMP != 0).then_some(time);
        Ok(Entry::new(id.to_string(), timestamp, Analysis { signatures, features, fingerprint }))
    });
    let entries: Vec<Entry> = decoded.into_iter().collect::<Result<_>>()?;
    if let Some(w) = entries.windows(2).find(|w| w[0].id >= w[1].id) {
        return Err(format_err(format!("the ids are not strictly ascending at {:?}", w[1].id)));
    }
    let mut index = Index::new(dedup);
    index.check_room(entries.len()).map_err(|_| format_err("the index holds too many articles"))?;
    index.insert(entries);
    Ok(index)
}

/// `n` ascending `u64` offsets from 0 to `end`.
fn offsets(bytes: &[u8], n: usize, end: usize, what: &str) -> Result<Vec<usize>> {
    if Some(bytes.len()) != n.checked_mul(8) {
        return Err(format_err(format!("the {what} offsets section has the wrong length")));
    }
    let v: Vec<usize> = u64s(bytes).map(|x| usize::try_from(x).unwrap_or(usize::MAX)).collect();
    let ok = v.first() == Some(&0) && v.last() == Some(&end) && v.windows(2).all(|w| w[0] <= w[1]);
    if !ok {
        return Err(format_err(format!("the {what} offsets are inconsistent")));
    }
    Ok(v)
}

fn decode_config(bytes: &[u8]) -> Result<Deduplicator> {
    let mut c = Cursor::new(bytes, "config");
    let num_hashes = c.u32()?;
    let scheme = match c.u32()? {
        0 => Scheme::Classic,
        1 => Scheme::OnePermutation,
        x => return Err(format_err(format!("unknown MinHash scheme code {x}"))),
    };
    let seed = c.u64()?;
    let threshold = c.f64()?;
    let max_bucket = c.usize()?;
    let max_text_bytes = c.usize()?;
    let idf_prior = c.f64()?;
    let has_keywords = c.u32()?;
    let kw = KeywordConfig { per_doc: c.u32()?, min_shared: c.u32()?, max_df: c.u32()? };
    let keywords = match has_keywords {
        0 if kw == (KeywordConfig { per_doc: 0, min_shared: 0, max_df: 0 }) => None,
        1 => Some(kw),
        _ => return Err(format_err("invalid keyword stage settings")),
    };
    let num_channels = c.u32()?;
    c.u32()?;
    let mut channels = Vec::new();
    let mut bandings = Vec::new();
    for _ in 0..num_channels.min(256) {
        let unit = c.u8()?;
        let filter = match c.u8()? {
            0 => Filter::None,
            1 => Filter::EnglishStopwords,
            x => return Err(format_err(format!("unknown token filter code {x}"))),
        };
        c.take(2)?;
        let size = c.u32()?;
        let shingle = match unit {
            0 => ShingleConfig::words(size),
            1 => ShingleConfig::chars(size),
            x => return Err(format_err(format!("unknown shingle unit code {x}"))),
        }
        .with_filter(filter);
        let threshold = c.f64()?;
        bandings.push((c.u32()?, c.u32()?));
        channels.push(Channel { shingle, threshold });
    }
    c.finish()?;
    let config =
        Config { num_hashes, seed, scheme, channels, threshold, max_bucket, max_text_bytes, idf_prior, keywords };
    let dedup = Deduplicator::builder()
        .config(config)
        .build()
        .map_err(|e| format_err(format!("the index's configuration is invalid: {}", e.message())))?;
    for (c, ((_, banding), &(bands, rows))) in dedup.stages().iter().zip(&bandings).enumerate() {
        if (banding.bands(), banding.rows()) != (bands, rows) {
            return Err(Error::incompatible(format!(
                "channel {c} of the index is banded {bands} × {rows}, but this build bands it {} × {}; \
                 rebuild the index",
                banding.bands(),
                banding.rows()
            )));
        }
    }
    Ok(dedup)
}

/// The first difference between two configurations, in words, or `None` if they are equal.
pub(super) fn config_difference(a: &Config, b: &Config) -> Option<String> {
    if a == b {
        return None;
    }
    let diff = if a.num_hashes != b.num_hashes {
        format!("{} hashes, not {}", b.num_hashes, a.num_hashes)
    } else if a.seed != b.seed {
        format!("seed {}, not {}", b.seed, a.seed)
    } else if a.scheme != b.scheme {
        format!("scheme {:?}, not {:?}", b.scheme, a.scheme)
    } else if a.channels != b.channels {
        format!("channels {:?}, not {:?}", b.channels, a.channels)
    } else if a.threshold != b.threshold {
        format!("threshold {}, not {}", b.threshold, a.threshold)
    } else if a.max_bucket != b.max_bucket {
        format!("max_bucket {}, not {}", b.max_bucket, a.max_bucket)
    } else if a.keywords != b.keywords {
        format!("keyword stage {:?}, not {:?}", b.keywords, a.keywords)
    } else if a.max_text_bytes != b.max_text_bytes {
        format!("max_text_bytes {}, not {}", b.max_text_bytes, a.max_text_bytes)
    } else if a.idf_prior != b.idf_prior {
        format!("idf_prior {}, not {}", b.idf_prior, a.idf_prior)
    } else {
        format!("settings {b:?}, not {a:?}")
    };
    Some(diff)
}

pub(super) fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| io_error(e, format!("cannot read index {}", path.display())))
}

fn io_error(e: std::io::Error, context: String) -> Error {
    Error::from(std::io::Error::new(e.kind(), format!("{context}: {e}")))
}

/// Writes `bytes` beside `path`, syncs, then renames over `path`.
pub(super) fn save(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let Some(name) = path.file_name() else {
        return Err(Error::input(format!("{} does not name a file", path.display())));
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{}.{}-{unique}.tmp", name.to_string_lossy(), std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error(e, format!("cannot save index to {}", path.display())));
    }
    // Make the rename itself durable where the platform allows syncing a folder.
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_covers_every_channel_and_features() {
        let dedup = Deduplicator::new();
        let a = dedup.analyze(CANARY_TEXT);
        assert!(a.signatures.iter().all(|s| !s.is_empty()));
        assert!(a.features.num_sentences() >= 4);
        assert!(a.fingerprint.is_some());
    }

    #[test]
    fn config_round_trip() {
        let dedup = Deduplicator::builder()
            .num_hashes(64)
            .seed(7)
            .scheme(Scheme::Classic)
            .channels(vec![
                Channel { shingle: ShingleConfig::chars(4), threshold: 0.6 },
                Channel::rewrites(),
                Channel::copies(),
            ])
            .threshold(0.55)
            .max_bucket(9)
            .max_text_bytes(1000)
            .build()
            .unwrap();
        let back = decode_config(&encode_config(&dedup)).unwrap();
        assert_eq!(back.config(), dedup.config());
    }
}
