//! Criterion benches of the hot paths: normalize, tokenize, verification features, sentences,
//! shingle, each sketch, LSH insert and query, batch candidate pairs, and verification.
//!
//! ```text
//! cargo bench --bench hot_paths                        # generated news-like text
//! REPRINT_DATA=../shared/data cargo bench --bench hot_paths   # the development corpus
//! cargo bench --bench hot_paths -- minhash             # one group
//! ```
//!
//! Text benches report bytes per second over a batch of articles (2,000 by default,
//! `REPRINT_BENCH_DOCS` to change), processed one at a time on one thread with buffers reused
//! as on the hot path; index and verification benches report elements (signatures, pairs) per
//! second. `examples/throughput.rs` measures whole stages, parallel runs and peers.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use reprint::Deduplicator;
use reprint::group::{DocFeatures, FeatureBuffer};
use reprint::lsh::{BandingParams, MinHashIndex, candidate_pairs};
use reprint::minhash::{MinHashConfig, MinHashSignature, MinHasher, Scheme, SignBuffer};
use reprint::shingle::{ShingleBuffer, ShingleConfig, Shingler};
use reprint::simhash::{SimHashConfig, SimHasher, Weighting};
use reprint::text::{Normalizer, Tokenizer, sentences};

struct Corpus {
    texts: Vec<String>,
    bytes: u64,
    unicode: Vec<String>,
    unicode_bytes: u64,
}

fn corpus() -> Corpus {
    let docs = std::env::var("REPRINT_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let (docs, source) = support::load_or_generate(None, Some(docs), docs).expect("corpus");
    eprintln!("bench corpus: {source}, {} docs", docs.len());
    let texts: Vec<String> = docs.into_iter().map(|d| d.1).collect();
    let bytes = texts.iter().map(|t| t.len() as u64).sum();
    let unicode: Vec<String> = texts.iter().filter(|t| !t.is_ascii()).cloned().collect();
    let unicode =
        if unicode.is_empty() { support::generated(200, 7).into_iter().map(|d| d.1).collect() } else { unicode };
    let unicode_bytes = unicode.iter().map(|t| t.len() as u64).sum();
    Corpus { texts, bytes, unicode, unicode_bytes }
}

fn text_benches(c: &mut Criterion) {
    let corpus = corpus();
    let mut g = c.benchmark_group("text");
    g.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    for (name, texts, bytes) in
        [("all", &corpus.texts, corpus.bytes), ("non_ascii_docs", &corpus.unicode, corpus.unicode_bytes)]
    {
        g.throughput(Throughput::Bytes(bytes));
        g.bench_with_input(BenchmarkId::new("normalize", name), texts, |b, texts| {
            let mut buf = String::new();
            b.iter(|| {
                let mut n = 0;
                for t in texts {
                    Normalizer::new().normalize_into(t, &mut buf);
                    n += buf.len();
                }
                black_box(n)
            })
        });
        g.bench_with_input(BenchmarkId::new("normalize_tokenize", name), texts, |b, texts| {
            let mut buf = String::new();
            b.iter(|| {
                let mut n = 0;
                for t in texts {
                    Normalizer::new().normalize_into(t, &mut buf);
                    Tokenizer::Words.for_each_token(&buf, |w| n += w.len());
                }
                black_box(n)
            })
        });
        g.bench_with_input(BenchmarkId::new("features", name), texts, |b, texts| {
            let mut buf = FeatureBuffer::default();
            b.iter(|| {
                let mut n = 0;
                for t in texts {
                    n += DocFeatures::extract(t, &mut buf).len();
                }
                black_box(n)
            })
        });
        g.bench_with_input(BenchmarkId::new("sentences", name), texts, |b, texts| {
            b.iter(|| {
                let mut n = 0;
                for t in texts {
                    for line in t.lines() {
                        n += sentences(line).count();
                    }
                }
                black_box(n)
            })
        });
    }
    g.finish();
}

fn sketch_benches(c: &mut Criterion) {
    let corpus = corpus();
    let texts = &corpus.texts;
    let shingle = ShingleConfig::words(5);
    let shingler = Shingler::new(shingle, 0).expect("valid");
    let oph = MinHasher::new(MinHashConfig::default()).expect("valid");
    let classic = MinHasher::new(MinHashConfig { scheme: Scheme::Classic, ..MinHashConfig::default() }).expect("valid");
    let simhasher = SimHasher::new(SimHashConfig { seed: 0, shingle, weighting: Weighting::TermCount }).expect("valid");
    let hashes: Vec<Vec<u64>> = texts.iter().map(|t| shingler.hashes(t)).collect();

    let mut g = c.benchmark_group("sketch");
    g.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Bytes(corpus.bytes));
    g.bench_function("shingle_words5", |b| {
        let mut buf = ShingleBuffer::new();
        b.iter(|| {
            let mut acc = 0u64;
            for t in texts {
                shingler.for_each_hash(t, &mut buf, |h| acc = acc.wrapping_add(h));
            }
            black_box(acc)
        })
    });
    g.bench_function("minhash_oph_text", |b| {
        let mut buf = SignBuffer::new();
        b.iter(|| texts.iter().map(|t| oph.sign_with(t, &mut buf)).filter(|s| s.is_empty()).count())
    });
    // The same bytes, from precomputed shingle hashes: the sketch alone.
    g.bench_function("minhash_oph_from_hashes", |b| {
        let mut buf = SignBuffer::new();
        b.iter(|| hashes.iter().map(|h| oph.sign_hashes_with(h, &mut buf)).filter(|s| s.is_empty()).count())
    });
    g.bench_function("simhash_text", |b| {
        let mut buf = ShingleBuffer::new();
        b.iter(|| texts.iter().map(|t| simhasher.sign_with(t, &mut buf).bits()).fold(0, |a, x| a ^ x))
    });
    let few = &texts[..texts.len().min(100)];
    g.throughput(Throughput::Bytes(few.iter().map(|t| t.len() as u64).sum()));
    g.bench_function("minhash_classic_text", |b| {
        let mut buf = SignBuffer::new();
        b.iter(|| few.iter().map(|t| classic.sign_with(t, &mut buf)).filter(|s| s.is_empty()).count())
    });
    g.finish();
}

fn lsh_benches(c: &mut Criterion) {
    let corpus = corpus();
    let oph = MinHasher::new(MinHashConfig::default()).expect("valid");
    let sigs: Vec<MinHashSignature> = corpus.texts.iter().map(|t| oph.sign(t)).collect();
    let refs: Vec<&MinHashSignature> = sigs.iter().collect();
    let keyed: Vec<(u32, &MinHashSignature)> = sigs.iter().enumerate().map(|(i, s)| (i as u32, s)).collect();
    let params = BandingParams::from_threshold(0.5, 128).expect("valid");
    let mut built = MinHashIndex::new(params);
    built.insert_batch(&keyed).expect("compatible");

    let mut g = c.benchmark_group("lsh");
    g.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(sigs.len() as u64));
    g.bench_function("index_insert", |b| {
        b.iter(|| {
            let mut index = MinHashIndex::new(params);
            for (k, s) in &keyed {
                index.insert(*k, s).expect("compatible");
            }
            index.len()
        })
    });
    g.bench_function("index_query", |b| {
        b.iter(|| refs.iter().map(|s| built.query(s).expect("compatible").len()).sum::<usize>())
    });
    g.bench_function("candidate_pairs", |b| b.iter(|| candidate_pairs(&sigs, params, 64).expect("compatible").len()));
    g.finish();
}

fn verify_benches(c: &mut Criterion) {
    let corpus = corpus();
    let dedup = Deduplicator::new();
    let base: Vec<support::Doc> =
        corpus.texts.iter().take(300).enumerate().map(|(i, t)| (i.to_string(), t.clone())).collect();
    let docs = support::with_rewrites(&base, 1);
    let analyses = dedup.analyze_batch(&docs.iter().map(|d| d.1.as_str()).collect::<Vec<_>>());
    let idf = dedup.idf(&analyses);
    // Pairs of a source with each of its rewrites (ids `{source}#r{k}`, after the originals) and
    // pairs of unrelated articles, as verification sees them.
    let n = base.len();
    let source_of = |id: &str| id.split('#').next().and_then(|s| s.parse::<usize>().ok());
    let mut pairs: Vec<(usize, usize)> =
        (n..docs.len()).filter_map(|r| source_of(&docs[r].0).map(|s| (s, r))).collect();
    pairs.extend((0..n).map(|i| (i, (i * 7 + 1) % n)));

    let mut g = c.benchmark_group("verify");
    g.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(docs.len() as u64));
    let texts: Vec<&str> = docs.iter().map(|d| d.1.as_str()).collect();
    g.bench_function("analyze", |b| b.iter(|| dedup.analyze_batch(&texts).len()));
    g.bench_function("strip_boilerplate", |b| {
        b.iter_batched(
            || analyses.clone(),
            |mut a| {
                dedup.strip_boilerplate(&mut a);
                a.len()
            },
            BatchSize::LargeInput,
        )
    });
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("evidence", |b| {
        b.iter(|| pairs.iter().map(|&(x, y)| dedup.verify(&analyses[x], &analyses[y], &idf).score).sum::<f64>())
    });
    g.finish();
}

criterion_group!(benches, text_benches, sketch_benches, lsh_benches, verify_benches);
criterion_main!(benches);
