//! Loading an index from bytes (`Index::from_bytes`, which reaches `DocFeatures::decode`): never
//! a panic, whatever the bytes, and a loaded index is usable (grouping, query, add, save again).
//!
//! Checksums would stop almost every mutation at the header, so the first byte picks a mode:
//! - 0: the bytes as they are;
//! - 1: the rest is a payload, sealed with a valid header and checksums;
//! - 2 and up: a valid index built here, with the rest applied as byte patches
//!   (`offset: u24, value: u8`) to its payload (mode 3 also cuts or pads it), then sealed again.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use reprint::Deduplicator;
use reprint::index::{Article, Index};
use xxhash_rust::xxh3::xxh3_64;

const HEADER_LEN: usize = 64;

/// A small valid index: copies, a rewrite, an empty text, timestamps and two channels.
fn seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(|| {
        let dedup = Deduplicator::builder()
            .num_hashes(16)
            .channels(vec![reprint::Channel::copies(), reprint::Channel::rewrites()])
            .build()
            .unwrap();
        let mut index = Index::new(dedup);
        let story = "Armenian forces accused Azerbaijan of breaking a ceasefire. Azerbaijan dismissed the \
                     reports as false. Talks on the region's future were held in Yevlakh on Thursday, 21 September.";
        let texts = [
            ("a", story.to_string()),
            ("b", format!("World | News\n{story}\nShare this")),
            ("c", "The central bank raised rates by half a point. Inflation stayed above target.".to_string()),
            ("d", String::new()),
            ("é", "停火协议 東京で会議が開かれた。".to_string()),
        ];
        for (i, (id, text)) in texts.iter().enumerate() {
            let article = Article::new(id, text);
            let article = if i % 2 == 0 { article.at(1_700_000_000 + i as i64) } else { article };
            index.add(article).unwrap();
        }
        index.to_bytes()
    })
}

/// `payload` behind a header with valid checksums.
fn seal(template: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = template[..24].to_vec();
    out[16..24].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxh3_64(payload).to_le_bytes());
    let header_sum = xxh3_64(&out);
    out.extend_from_slice(&header_sum.to_le_bytes());
    out.resize(HEADER_LEN, 0);
    out.extend_from_slice(payload);
    out
}

fn exercise(index: Index) {
    let n = index.len();
    let snapshot = index.grouping();
    reprint_fuzz::check_grouping(snapshot.grouping(), n);
    let _ = index.query("Azerbaijan dismissed the reports as false. Talks were held in Yevlakh.", 5);
    let bytes = index.to_bytes();
    let again = Index::from_bytes(&bytes).expect("an index written by this build must load");
    assert_eq!(again.ids(), index.ids());
    let mut index = index;
    let _ = index.add(Article::new("zz-new", "Azerbaijan dismissed the reports as false on Thursday."));
    let _ = Index::from_bytes_with(&bytes, &Deduplicator::new());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = match mode {
        0 => rest.to_vec(),
        1 => seal(seed(), rest),
        _ => {
            let seed = seed();
            let mut payload = seed[HEADER_LEN..].to_vec();
            let mut patches = rest.chunks_exact(4);
            if mode == 3 {
                if let Some(p) = patches.next() {
                    let len = (usize::from(p[0]) | usize::from(p[1]) << 8) % (payload.len() + 64);
                    payload.resize(len, p[2]);
                }
            }
            for p in patches {
                if payload.is_empty() {
                    break;
                }
                let at = (usize::from(p[0]) | usize::from(p[1]) << 8 | usize::from(p[2]) << 16) % payload.len();
                payload[at] = p[3];
            }
            seal(seed, &payload)
        }
    };
    if let Ok(index) = Index::from_bytes(&bytes) {
        exercise(index);
    }
});
