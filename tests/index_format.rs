//! The index file: round trips, and every damaged or foreign file refused with a clear error,
//! never a panic and never a wrong answer; atomic saves.

#[path = "index_corpus.rs"]
mod corpus;

use proptest::prelude::*;
use reprint::index::{Article, FORMAT_VERSION, Index};
use reprint::{Deduplicator, ErrorKind};
use xxhash_rust::xxh3::xxh3_64;

const HEADER: usize = 64;

/// The bytes of [`seed_index`], computed once.
fn seed_bytes() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| seed_index().to_bytes())
}

fn seed_index() -> Index {
    let mut index = Index::default();
    let seeds = corpus::seeds();
    let articles: Vec<Article> = seeds
        .iter()
        .enumerate()
        .map(|(i, (id, text))| Article::new(id, text).at(1_695_300_000 + 3600 * i as i64))
        .collect();
    index.add_batch(&articles).unwrap();
    index.add(Article::new("empty", "")).unwrap();
    index
}

/// Recomputes both checksums after a deliberate edit, so the edit reaches the parser.
fn reseal(bytes: &mut [u8]) {
    let payload = xxh3_64(&bytes[HEADER..]);
    bytes[24..32].copy_from_slice(&payload.to_le_bytes());
    let header = xxh3_64(&bytes[..32]);
    bytes[32..40].copy_from_slice(&header.to_le_bytes());
}

fn err(bytes: &[u8]) -> reprint::Error {
    match Index::from_bytes(bytes) {
        Ok(_) => panic!("damaged bytes were accepted"),
        Err(e) => e,
    }
}

/// Offset and length of section `tag` (offsets from the file start).
fn section(bytes: &[u8], tag: u32) -> (usize, usize) {
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap()) as usize;
    let count = u32_at(HEADER) as usize;
    (0..count)
        .map(|i| HEADER + 8 + 24 * i)
        .find(|&d| u32_at(d) == tag)
        .map(|d| (HEADER + u64_at(d + 8), u64_at(d + 16)))
        .unwrap()
}

#[test]
fn round_trip_is_exact() {
    let index = seed_index();
    let bytes = index.to_bytes();
    assert_eq!(&bytes[..8], b"\x89RPX\r\n\x1a\n");
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), FORMAT_VERSION);
    let loaded = Index::from_bytes(&bytes).unwrap();
    assert_eq!(loaded.to_bytes(), bytes);
    assert_eq!(loaded.grouping(), index.grouping());
    assert_eq!(loaded.config(), index.config());
    assert_eq!(loaded.timestamp("002"), Some(1_695_300_000 + 7200));
    assert_eq!(loaded.timestamp("empty"), None);
    assert_eq!(loaded.analysis("003"), index.analysis("003"));
    let mut written = Vec::new();
    index.write_to(&mut written).unwrap();
    assert_eq!(written, bytes);
    // Sections are 8-byte aligned, so the arrays can be used in place from a memory map.
    for tag in 1..=13 {
        assert_eq!(section(&bytes, tag).0 % 8, 0, "section {tag}");
    }
    // An empty index too.
    let empty = Index::default();
    assert_eq!(Index::from_bytes(&empty.to_bytes()).unwrap().len(), 0);
}

#[test]
fn not_an_index() {
    for bytes in [&b""[..], b"hello world, this is not an index at all", b"\x89RPX", &[0u8; 200]] {
        let e = err(bytes);
        assert_eq!(e.kind(), ErrorKind::Format);
        assert!(e.to_string().contains("not a reprint index"), "{e}");
    }
}

#[test]
fn every_truncation_is_refused() {
    let bytes = seed_bytes();
    for len in 0..bytes.len() {
        let e = err(&bytes[..len]);
        assert_eq!(e.kind(), ErrorKind::Format, "at {len}: {e}");
        if len >= HEADER {
            assert!(e.to_string().contains("truncated"), "at {len}: {e}");
        }
    }
    let mut longer = bytes.to_vec();
    longer.extend_from_slice(bytes);
    assert!(err(&longer).to_string().contains("after its end"));
}

#[test]
fn every_bit_flip_is_refused() {
    let bytes = seed_bytes().to_vec();
    let mut damaged = bytes.clone();
    // Every bit of the header and of the section directory, and one bit of every byte after.
    for i in 0..bytes.len() {
        let bits: &[u32] = if i < HEADER + 8 + 24 * 13 { &[0, 1, 2, 3, 4, 5, 6, 7] } else { &[(i % 8) as u32] };
        for &bit in bits {
            damaged[i] ^= 1 << bit;
            let e = err(&damaged);
            assert!(matches!(e.kind(), ErrorKind::Format), "byte {i} bit {bit}: {e}");
            damaged[i] ^= 1 << bit;
        }
    }
    let e = err(&{
        let mut b = bytes.clone();
        b[HEADER + 100] ^= 0x10;
        b
    });
    assert!(e.to_string().contains("checksum"), "{e}");
}

#[test]
fn a_newer_format_is_refused_with_advice() {
    let mut bytes = seed_index().to_bytes();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    reseal(&mut bytes);
    let e = err(&bytes);
    assert_eq!(e.kind(), ErrorKind::Format);
    assert!(e.to_string().contains("newer reprint"), "{e}");
}

#[test]
fn other_signature_versions_and_hash_values_are_refused() {
    let mut bytes = seed_index().to_bytes();
    let v = reprint::minhash::FORMAT_VERSION;
    bytes[12..16].copy_from_slice(&(v + 1).to_le_bytes());
    reseal(&mut bytes);
    let e = err(&bytes);
    assert_eq!(e.kind(), ErrorKind::Incompatible);
    assert!(e.to_string().contains("rebuild the index"), "{e}");

    // A canary whose values differ (as if written by a build that hashes differently).
    let mut bytes = seed_index().to_bytes();
    let (at, _) = section(&bytes, 12);
    bytes[at + 20] ^= 1;
    reseal(&mut bytes);
    let e = err(&bytes);
    assert_eq!(e.kind(), ErrorKind::Incompatible);
    assert!(e.to_string().contains("hash values or text features differ"), "{e}");
}

#[test]
fn other_parameters_are_read_from_the_file_and_refused_when_a_config_is_required() {
    let dedup = Deduplicator::builder().num_hashes(64).seed(99).threshold(0.6).build().unwrap();
    let mut index = Index::new(dedup.clone());
    index.add(Article::new("a", "Dock workers ended a week-long strike on Friday after a pay deal.")).unwrap();
    let bytes = index.to_bytes();
    let loaded = Index::from_bytes(&bytes).unwrap();
    assert_eq!(loaded.config(), dedup.config());
    assert!(Index::from_bytes_with(&bytes, &dedup).is_ok());
    let e = Index::from_bytes_with(&bytes, &Deduplicator::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Incompatible);
    assert!(e.to_string().contains("64 hashes, not 128"), "{e}");
    let e =
        Index::from_bytes_with(&bytes, &Deduplicator::builder().num_hashes(64).seed(99).build().unwrap()).unwrap_err();
    let default = reprint::Config::default().threshold;
    assert!(e.to_string().contains(&format!("threshold 0.6, not {default}")), "{e}");
}

#[test]
fn inconsistent_payloads_are_refused_even_with_valid_checksums() {
    let good = seed_index().to_bytes();
    let check = |what: &str, edit: &dyn Fn(&mut Vec<u8>), expect: &str| {
        let mut b = good.clone();
        edit(&mut b);
        reseal(&mut b);
        let Err(e) = Index::from_bytes(&b) else { panic!("{what}: accepted") };
        assert_eq!(e.kind(), ErrorKind::Format, "{what}: {e}");
        assert!(e.to_string().contains(expect), "{what}: {e}");
    };
    let put64 = |b: &mut Vec<u8>, at: usize, v: u64| b[at..at + 8].copy_from_slice(&v.to_le_bytes());
    let put32 = |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    // Directory entry 0 points past the end, or is misaligned; a tag repeats.
    check("section outside", &|b| put64(b, HEADER + 8 + 8, 1 << 40), "outside");
    check("misaligned", &|b| put64(b, HEADER + 8 + 8, 4), "misaligned");
    check("repeated tag", &|b| put32(b, HEADER + 8 + 24, 1), "repeated");
    check("section count", &|b| put32(b, HEADER, 12), "sections");
    // Ids out of order: swap the first two ids' first bytes ("000" and "001" -> "100", "001").
    let (ids, _) = section(&good, 4);
    check("unsorted ids", &|b| b[ids] = b'1', "ascending");
    check("ids not utf-8", &|b| b[ids] = 0xFF, "UTF-8");
    let (offs, _) = section(&good, 3);
    check("id offsets", &|b| put64(b, offs + 8, 1 << 30), "offsets");
    let (flags, _) = section(&good, 6);
    check("flags", &|b| b[flags] |= 0x80, "flags");
    check("flag without value", &|b| b[flags] &= !1, "absent");
    let (empty, _) = section(&good, 8);
    check("empty mark", &|b| b[empty] = 7, "empty-signature");
    let (features, _) = section(&good, 11);
    check("features", &|b| b[features + 4] ^= 0x01, "features");
    let (counts, _) = section(&good, 2);
    check("counts", &|b| put64(b, counts, 1 << 50), "wrong length");
    let (config, _) = section(&good, 1);
    check("config threshold", &|b| put64(b, config + 16, f64::NAN.to_bits()), "configuration is invalid");
    check("config scheme", &|b| put32(b, config + 4, 9), "scheme");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Arbitrary bytes never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Index::from_bytes(&bytes);
        let mut with_magic = b"\x89RPX\r\n\x1a\n".to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = Index::from_bytes(&with_magic);
    }

    /// Edits anywhere in a real index, resealed so they pass the checksums, never panic; what
    /// loads is a usable index.
    #[test]
    fn resealed_edits_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let mut bytes = seed_bytes().to_vec();
        let len = bytes.len();
        for (at, v) in edits {
            let i = HEADER + at.index(len - HEADER);
            bytes[i] = v;
        }
        reseal(&mut bytes);
        if let Ok(index) = Index::from_bytes(&bytes) {
            let _ = index.grouping();
            let _ = index.query("Azerbaijan dismissed the reports of renewed gunfire.", 5);
            let again = index.to_bytes();
            prop_assert!(Index::from_bytes(&again).is_ok());
        }
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("index-format-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn saving_is_atomic_and_loading_reports_io_errors() {
    let dir = temp_dir("save");
    let path = dir.join("news.rpx");
    let index = seed_index();
    index.save(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), index.to_bytes());
    assert_eq!(Index::load(&path).unwrap().to_bytes(), index.to_bytes());
    assert!(Index::load_with(&path, &Deduplicator::new()).is_ok());

    // Overwriting replaces the file; no temporary file is left behind.
    let mut bigger = index.clone();
    bigger.add(Article::new("new", "Heavy rain closed roads across the north on Monday.")).unwrap();
    bigger.save(&path).unwrap();
    assert_eq!(Index::load(&path).unwrap().len(), index.len() + 1);
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["news.rpx"]);

    // A save that cannot complete (the target is a folder) fails and leaves everything as it was.
    let folder = dir.join("folder.rpx");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("keep"), b"x").unwrap();
    let e = index.save(&folder).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("folder.rpx"), "{e}");
    assert!(folder.join("keep").exists());
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["folder.rpx", "news.rpx"]);
    assert_eq!(Index::load(&path).unwrap().len(), index.len() + 1);

    // A missing file or folder.
    let e = Index::load(dir.join("missing.rpx")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert_eq!(e.io_kind(), Some(std::io::ErrorKind::NotFound));
    assert!(e.to_string().contains("missing.rpx"), "{e}");
    assert_eq!(index.save(dir.join("no/such/folder.rpx")).unwrap_err().kind(), ErrorKind::Io);
    let _ = std::fs::remove_dir_all(&dir);
}
