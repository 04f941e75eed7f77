//! Golden vectors: hash values never change silently.
//!
//! `tests/data/golden-signatures-v{N}.json` holds fixed texts and their MinHash signatures under
//! each scheme, several shingle kinds and seeds, and the LSH bandings chosen for a few
//! thresholds, for signature format version `N` ([`reprint::minhash::FORMAT_VERSION`]).
//! `tests/data/index-v{N}.rpx` is an index of the seed articles in index format version `N`
//! ([`reprint::index::FORMAT_VERSION`]); it pins signatures, text features, fingerprints and
//! the file layout.
//!
//! When a change alters any of these values on purpose, bump the version it belongs to, then
//! run `REPRINT_BLESS=1 cargo test --test golden` to write the files for the new version
//! (existing files are never overwritten, so values cannot be re-blessed without a bump). Keep
//! the old files: they document what earlier versions produced.

use std::path::{Path, PathBuf};

use reprint::group::KeywordConfig;
use reprint::index::{Article, Index};
use reprint::lsh::BandingParams;
use reprint::minhash::{MinHashConfig, MinHasher, Scheme};
use reprint::shingle::ShingleConfig;
use reprint::text::Filter;
use reprint::{Channel, Config, Deduplicator};
use serde_json::{Value, json};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn bless() -> bool {
    std::env::var_os("REPRINT_BLESS").is_some_and(|v| v == "1")
}

/// Writes `bytes` to a golden file that does not exist yet (with `REPRINT_BLESS=1`), or fails
/// with instructions.
fn missing(path: &Path, bytes: &[u8], what: &str) {
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    panic!(
        "{} is missing: {what} has no golden file yet. If you bumped the version on purpose, run \
         `REPRINT_BLESS=1 cargo test --test golden` to write it and commit it with the bump.",
        path.display()
    );
}

const TEXTS: &[(&str, &str)] = &[
    ("empty", ""),
    ("blank", " \n\t "),
    ("one-word", "Ceasefire"),
    ("short", "Fresh gunfire reported in Karabakh despite truce"),
    (
        "news",
        "BREAKING | World\n\nArmenian forces accused Azerbaijan of breaking a ceasefire brokered by Russia. \
         Azerbaijan dismissed the reports as completely false. Talks on the region's future were held in \
         the town of Yevlakh on Thursday.\n\nShare this article",
    ),
    (
        "unicode",
        "Ｆｕｌｌｗｉｄｔｈ “quotes” — café crème, naïve coöperation; 東京で会議が開かれた。 Москва ответила. \
         Ünïcödé ﬁnance Straße 120,000 ½",
    ),
];

fn shingles() -> Vec<(&'static str, ShingleConfig)> {
    vec![
        ("words5", ShingleConfig::words(5)),
        ("words1-stopwords", ShingleConfig::words(1).with_filter(Filter::EnglishStopwords)),
        ("chars4", ShingleConfig::chars(4)),
    ]
}

fn signatures() -> Value {
    let mut cases = Vec::new();
    for scheme in [Scheme::Classic, Scheme::OnePermutation] {
        for (shingle_name, shingle) in shingles() {
            for seed in [0u64, 42] {
                let hasher = MinHasher::new(MinHashConfig { num_hashes: 64, seed, scheme, shingle }).unwrap();
                for (name, text) in TEXTS {
                    let sig = hasher.sign(text);
                    cases.push(json!({
                        "text": name,
                        "scheme": format!("{scheme:?}"),
                        "shingle": shingle_name,
                        "seed": seed,
                        "num_hashes": 64,
                        "empty": sig.is_empty(),
                        "values": sig.values(),
                    }));
                }
            }
        }
    }
    let bandings: Vec<Value> = [(0.25, 128), (0.5, 128), (0.8, 128), (0.5, 64), (0.3, 256)]
        .iter()
        .map(|&(t, k)| {
            let b = BandingParams::from_threshold(t, k).unwrap();
            json!({"threshold": t, "num_hashes": k, "bands": b.bands(), "rows": b.rows()})
        })
        .collect();
    json!({
        "signature_format_version": reprint::minhash::FORMAT_VERSION,
        "texts": TEXTS.iter().map(|(n, t)| json!({"name": n, "text": t})).collect::<Vec<_>>(),
        "signatures": cases,
        "bandings": bandings,
    })
}

/// Pretty JSON with one line per text, signature and banding, so diffs stay readable.
fn layout(v: &Value) -> String {
    let mut out = format!("{{\n  \"signature_format_version\": {},\n", v["signature_format_version"]);
    for key in ["texts", "signatures", "bandings"] {
        let items: Vec<String> = v[key].as_array().unwrap().iter().map(|x| format!("    {x}")).collect();
        let end = if key == "bandings" { "" } else { "," };
        out.push_str(&format!("  \"{key}\": [\n{}\n  ]{end}\n", items.join(",\n")));
    }
    out.push_str("}\n");
    out
}

#[test]
fn signatures_match_the_golden_vectors_of_this_format_version() {
    let version = reprint::minhash::FORMAT_VERSION;
    let path = data(&format!("golden-signatures-v{version}.json"));
    let now = signatures();
    let Ok(stored) = std::fs::read_to_string(&path) else {
        return missing(&path, layout(&now).as_bytes(), &format!("signature format version {version}"));
    };
    let stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored["texts"], now["texts"], "the golden texts were edited");
    let (old, new) = (stored["signatures"].as_array().unwrap(), now["signatures"].as_array().unwrap());
    assert_eq!(old.len(), new.len());
    for (o, n) in old.iter().zip(new) {
        assert!(
            o == n,
            "MinHash values changed without a format version bump for text {} scheme {} shingle {} seed {}: \
             bump reprint::minhash::FORMAT_VERSION and bless new golden vectors (see tests/golden.rs)",
            o["text"],
            o["scheme"],
            o["shingle"],
            o["seed"]
        );
    }
    assert_eq!(stored["bandings"], now["bandings"], "LSH bandings changed: bump the signature format version");
}

/// The index configuration of the golden index: every setting explicit, so a change of the
/// defaults does not change the file.
fn golden_config() -> Deduplicator {
    // Fields added to `Config` later keep their defaults here.
    #[allow(clippy::needless_update)]
    let c = Config {
        num_hashes: 128,
        seed: 0,
        scheme: Scheme::OnePermutation,
        channels: vec![Channel::copies(), Channel::rewrites()],
        threshold: 0.4,
        max_bucket: 64,
        max_text_bytes: 16 << 20,
        idf_prior: 100.0,
        keywords: Some(KeywordConfig { per_doc: 10, min_shared: 2, max_df: 200 }),
        ..Config::default()
    };
    Deduplicator::builder().config(c).build().unwrap()
}

fn golden_index() -> Index {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/seeds");
    let mut index = Index::new(golden_config());
    for (i, (name, text)) in TEXTS.iter().enumerate() {
        index.add(Article::new(&format!("text-{name}"), text).at(i as i64 - 3)).unwrap();
    }
    for i in 0..5 {
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&format!("00{i}_"))))
            .unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        index.add(Article::new(&format!("00{i}"), &text).at(1_695_300_000 + 3600 * i)).unwrap();
    }
    index
}

#[test]
fn the_golden_index_loads_and_is_what_this_build_writes() {
    let version = reprint::index::FORMAT_VERSION;
    let path = data(&format!("index-v{version}.rpx"));
    let now = golden_index().to_bytes();
    let Ok(stored) = std::fs::read(&path) else {
        return missing(&path, &now, &format!("index format version {version}"));
    };
    let loaded = Index::from_bytes(&stored).unwrap_or_else(|e| panic!("the golden index no longer loads: {e}"));
    assert!(
        stored == now,
        "this build writes a different index for the same articles: signatures, text features or the layout \
         changed. Bump reprint::index::FORMAT_VERSION (and reprint::minhash::FORMAT_VERSION if MinHash values \
         changed) and bless new golden files (see tests/golden.rs)"
    );
    assert_eq!(loaded.len(), TEXTS.len() + 5);
    let snapshot = loaded.grouping();
    assert_eq!(snapshot.cluster_of("000"), snapshot.cluster_of("001"));
    assert_ne!(snapshot.cluster_of("002"), snapshot.cluster_of("001"));
}

#[cfg(feature = "serde")]
#[test]
fn signatures_and_configs_round_trip_through_serde() {
    let hasher = MinHasher::new(MinHashConfig::default()).unwrap();
    let sig = hasher.sign(TEXTS[4].1);
    let back: reprint::minhash::MinHashSignature = serde_json::from_str(&serde_json::to_string(&sig).unwrap()).unwrap();
    assert_eq!(back, sig);
    let config = golden_config().config().clone();
    let back: Config = serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
    assert_eq!(back, config);
    let analysis = golden_config().analyze(TEXTS[4].1);
    for s in &analysis.signatures {
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json["params"]["format_version"], reprint::minhash::FORMAT_VERSION);
    }
}
