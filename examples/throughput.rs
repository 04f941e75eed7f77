//! Throughput of every hot stage of `reprint`, and of peer crates on the same shingles, measured
//! side by side in one process.
//!
//! ```text
//! cargo run --release --example throughput -- --corpus ../shared/data/news-corpus.jsonl.gz
//! cargo run --release --example throughput                  # generated text, fresh machine
//! cargo run --release --example throughput -- --threads 2 --reps 7 --limit 10000
//! ```
//!
//! Prints one JSON object per line on stdout: first one per measured `(system, stage, threads)`
//! with the median over `--reps` repetitions, then the ratios that matter (`"ratio": ...`).
//! A readable table goes to stderr. Repetitions are interleaved (each repetition runs every
//! stage once), so slow drifts of a shared machine hit all systems alike.
//!
//! # What each timed region contains
//!
//! Every region starts from the article texts in memory and ends with one result per article
//! collected in a `Vec` (signatures, checksums, candidate lists).
//!
//! - `reprint/normalize`: [`Normalizer::normalize_into`] (NFKC, case, typography, spaces).
//! - `reprint/tokenize`: normalize + word tokens (counted).
//! - `reprint/floor_span_xxh3`: normalize + tokenize + one xxh3 over the bytes of every word
//!   5-gram (the floor named in issue 5: tokenizing plus one hash per shingle).
//! - `reprint/shingle`: normalize + tokenize + reprint's word 5-gram hashes (one xxh3 per token,
//!   rolled into one 64-bit value per shingle). The shingles every MinHash row below consumes.
//! - `reprint/minhash_oph`, `reprint/minhash_classic`: text to [`MinHashSignature`] (128 hashes,
//!   word 5-grams) with [`MinHasher::sign_batch`]. Classic runs on the first `--classic-docs`
//!   articles (it costs 128 hashes per shingle).
//! - `*/minhash_from_hashes`: precomputed reprint shingle hashes (a `Vec<u64>` per article,
//!   built outside the timed region) to signature.
//! - `gaoya/minhash`, `probminhash/minhash`: text to signature where the shingle hashes are
//!   reprint's (`reprint/shingle` inside the region, streamed into a per-thread `Vec<u64>`), then
//!   the peer sketches them: `gaoya::minhash::MinHasher32` (128 hashes) `create_signature`,
//!   `probminhash::densminhash::OptDensMinHash<f64, u64, NoHashHasher>` (128 bins,
//!   `sketch_slice` + `get_hsketch_u64`).
//! - `txtfp/minhash_native`: `txtfp::MinHashFingerprinter<ShingleTokenizer{k: 5, WordTokenizer}, 128>`
//!   on the text with its own canonicalizer (NFKC, case folding) and its own word 5-grams.
//! - `reprint/simhash`: text to 64-bit SimHash over the same word 5-grams (term counts).
//! - `reprint/lsh_build`, `reprint/lsh_query`: [`MinHashIndex`] `insert_batch` of every
//!   signature (bands for Jaccard 0.5), then `query_batch` of every signature.
//!   `reprint/lsh_pairs`: [`candidate_pairs`] over all signatures (the batch path `group` uses).
//!   `gaoya/lsh_build`, `gaoya/lsh_query`: `gaoya::minhash::MinHashIndex<u32, u32>` with the same
//!   bands, `insert` one by one (1 thread) or `par_bulk_insert` (more), then `query_owned` /
//!   `par_bulk_query` of every signature (gaoya also checks each hit's signature similarity).
//! - `reprint/group`: [`Deduplicator::group`] with the default configuration (two candidate
//!   channels, verification, grouping) over the corpus plus synthetic rewrites.
//!   `gaoya/pipeline`: on the same texts, gaoya signatures (on reprint shingles) + index build +
//!   query of every article: candidates only, no verification, no grouping.

#[path = "../benches/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use reprint::Deduplicator;
use reprint::lsh::{BandingParams, MinHashIndex, candidate_pairs};
use reprint::minhash::{MinHashConfig, MinHashSignature, MinHasher, Scheme};
use reprint::shingle::{ShingleBuffer, ShingleConfig, Shingler};
use reprint::simhash::{SimHashConfig, SimHasher, Weighting};
use reprint::text::{Normalizer, Tokenizer};
use serde_json::json;
use support::Doc;
use xxhash_rust::xxh3::xxh3_64;

const NUM_HASHES: u32 = 128;
const SHINGLE: u32 = 5;

struct Args {
    corpus: Option<PathBuf>,
    threads: usize,
    reps: usize,
    limit: Option<usize>,
    generated_docs: usize,
    classic_docs: usize,
    rewrite_every: usize,
    skip_group: bool,
    skip_peers: bool,
    only: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        corpus: None,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        reps: 5,
        limit: None,
        generated_docs: 20_000,
        classic_docs: 2_000,
        rewrite_every: 4,
        skip_group: false,
        skip_peers: false,
        only: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--corpus" => a.corpus = Some(PathBuf::from(value("--corpus")?)),
            "--threads" => a.threads = value("--threads")?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--reps" => a.reps = value("--reps")?.parse().map_err(|e| format!("--reps: {e}"))?,
            "--limit" => a.limit = Some(value("--limit")?.parse().map_err(|e| format!("--limit: {e}"))?),
            "--generated-docs" => {
                a.generated_docs = value("--generated-docs")?.parse().map_err(|e| format!("--generated-docs: {e}"))?
            }
            "--classic-docs" => {
                a.classic_docs = value("--classic-docs")?.parse().map_err(|e| format!("--classic-docs: {e}"))?
            }
            "--rewrite-every" => {
                a.rewrite_every = value("--rewrite-every")?.parse().map_err(|e| format!("--rewrite-every: {e}"))?
            }
            "--skip-group" => a.skip_group = true,
            "--skip-peers" => a.skip_peers = true,
            "--only" => a.only = value("--only")?.split(',').map(str::to_string).collect(),
            "-h" | "--help" => {
                eprintln!(
                    "usage: throughput [--corpus PATH] [--threads N] [--reps R] [--limit DOCS] \
                     [--generated-docs N] [--classic-docs N] [--rewrite-every K] [--skip-group] [--skip-peers] [--only SYSTEM/STAGE,...]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    a.threads = a.threads.max(1);
    a.reps = a.reps.max(1);
    Ok(a)
}

/// Bytes and documents a stage runs over.
#[derive(Clone, Copy)]
struct Work {
    bytes: usize,
    docs: usize,
}

fn work(texts: &[&str]) -> Work {
    Work { bytes: texts.iter().map(|t| t.len()).sum(), docs: texts.len() }
}

/// One measured stage: a name, the work, and a closure run once per repetition.
struct Stage<'a> {
    system: &'static str,
    stage: &'static str,
    work: Work,
    run: Box<dyn FnMut() -> u64 + Send + 'a>,
}

struct Result1 {
    system: &'static str,
    stage: &'static str,
    threads: usize,
    work: Work,
    secs: f64,
    all: Vec<f64>,
}

impl Result1 {
    fn mb_per_s(&self) -> f64 {
        self.work.bytes as f64 / 1e6 / self.secs
    }
}

fn par_map<T: Sync, R: Send, S>(
    items: &[T],
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> R + Sync + Send,
) -> Vec<R> {
    items.par_iter().with_min_len(8).map_init(init, f).collect()
}

/// Normalize + tokenize + xxh3 over the bytes of each word n-gram: the issue's floor.
fn span_floor(text: &str, norm: &mut String, starts: &mut Vec<(usize, usize)>) -> u64 {
    Normalizer::new().normalize_into(text, norm);
    starts.clear();
    let base = norm.as_ptr() as usize;
    let n = SHINGLE as usize;
    let mut acc = 0u64;
    let s: &str = norm;
    Tokenizer::Words.for_each_token(s, |t| {
        let start = t.as_ptr() as usize - base;
        starts.push((start, start + t.len()));
        if starts.len() >= n {
            let first = starts[starts.len() - n].0;
            acc ^= xxh3_64(&s.as_bytes()[first..start + t.len()]);
        }
    });
    if !starts.is_empty() && starts.len() < n {
        acc ^= xxh3_64(&s.as_bytes()[starts[0].0..starts[starts.len() - 1].1]);
    }
    acc
}

fn checksum<T>(v: &[T], f: impl Fn(&T) -> u64) -> u64 {
    v.iter().map(f).fold(0u64, |a, b| a.wrapping_add(b))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let (docs, source) = support::load_or_generate(args.corpus.clone(), args.limit, args.generated_docs)?;
    let texts: Vec<&str> = docs.iter().map(|d| d.1.as_str()).collect();
    let all = work(&texts);
    eprintln!("corpus {source}: {} docs, {:.1} MB; {} repetitions", all.docs, all.bytes as f64 / 1e6, args.reps);

    // Corpus plus rewrites for the whole pipeline.
    let with_rw: Vec<Doc> = support::with_rewrites(&docs, args.rewrite_every);
    eprintln!("corpus plus rewrites: {} docs", with_rw.len());
    let rw_texts: Vec<&str> = with_rw.iter().map(|d| d.1.as_str()).collect();
    let rw_items: Vec<(u32, &str)> = rw_texts.iter().enumerate().map(|(i, t)| (i as u32, *t)).collect();
    let rw_work = work(&rw_texts);

    let shingle = ShingleConfig::words(SHINGLE);
    let config = MinHashConfig { num_hashes: NUM_HASHES, seed: 0, scheme: Scheme::OnePermutation, shingle };
    let oph = MinHasher::new(config)?;
    let classic = MinHasher::new(MinHashConfig { scheme: Scheme::Classic, ..config })?;
    let shingler = Shingler::new(shingle, 0)?;
    let simhasher = SimHasher::new(SimHashConfig { seed: 0, shingle, weighting: Weighting::TermCount })?;
    let banding = BandingParams::from_threshold(0.5, NUM_HASHES)?;
    let dedup = Deduplicator::new();
    let classic_texts = &texts[..args.classic_docs.min(texts.len())];

    // Inputs prepared outside every timed region.
    let hashes: Vec<Vec<u64>> = texts.iter().map(|t| shingler.hashes(t)).collect();
    let sigs: Vec<MinHashSignature> = oph.sign_batch(&texts);
    let sig_refs: Vec<&MinHashSignature> = sigs.iter().collect();
    let keyed: Vec<(u32, &MinHashSignature)> = sigs.iter().enumerate().map(|(i, s)| (i as u32, s)).collect();
    let gaoya_hasher = gaoya::minhash::MinHasher32::new(NUM_HASHES as usize);
    let wants = |system: &str, stage: &str| {
        args.only.is_empty() || args.only.iter().any(|o| *o == format!("{system}/{stage}") || o == stage || o == system)
    };
    let gaoya_lsh = !args.skip_peers && (wants("gaoya", "lsh_build") || wants("gaoya", "lsh_query"));
    let gaoya_sigs: Vec<Vec<u32>> = if gaoya_lsh {
        use gaoya::minhash::MinHasher as _;
        hashes.iter().map(|h| gaoya_hasher.create_signature(h.iter())).collect()
    } else {
        Vec::new()
    };
    let txtfp_fp = txtfp::MinHashFingerprinter::<_, 128>::new(
        txtfp::Canonicalizer::default(),
        txtfp::ShingleTokenizer { k: SHINGLE as usize, inner: txtfp::WordTokenizer },
    );

    let mut built = MinHashIndex::new(banding);
    built.insert_batch(&keyed)?;
    let gbuilt = gaoya_index(gaoya_sigs.clone(), banding.bands() as usize, banding.rows() as usize, 1);
    let _ = gaoya_lsh;

    let mut thread_counts = vec![1];
    if args.threads > 1 {
        thread_counts.push(args.threads);
    }
    let mut results: Vec<Result1> = Vec::new();
    for &threads in &thread_counts {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
        let mut stages: Vec<Stage> = Vec::new();
        let texts = &texts;
        stages.push(Stage {
            system: "reprint",
            stage: "normalize",
            work: all,
            run: Box::new(|| {
                let r = par_map(texts, String::new, |buf, t| {
                    Normalizer::new().normalize_into(t, buf);
                    buf.len() as u64
                });
                r.iter().sum()
            }),
        });
        stages.push(Stage {
            system: "reprint",
            stage: "tokenize",
            work: all,
            run: Box::new(|| {
                let r = par_map(texts, String::new, |buf, t| {
                    Normalizer::new().normalize_into(t, buf);
                    let mut n = 0u64;
                    Tokenizer::Words.for_each_token(buf, |w| n += w.len() as u64);
                    n
                });
                r.iter().sum()
            }),
        });
        stages.push(Stage {
            system: "reprint",
            stage: "floor_span_xxh3",
            work: all,
            run: Box::new(|| {
                let r = par_map(texts, || (String::new(), Vec::new()), |(n, s), t| span_floor(t, n, s));
                checksum(&r, |&x| x)
            }),
        });
        let shingler = &shingler;
        stages.push(Stage {
            system: "reprint",
            stage: "shingle",
            work: all,
            run: Box::new(|| {
                let r = par_map(texts, ShingleBuffer::new, |buf, t| {
                    let mut acc = 0u64;
                    shingler.for_each_hash(t, buf, |h| acc = acc.wrapping_add(h));
                    acc
                });
                checksum(&r, |&x| x)
            }),
        });
        let oph = &oph;
        stages.push(Stage {
            system: "reprint",
            stage: "minhash_oph",
            work: all,
            run: Box::new(|| {
                let s = oph.sign_batch(texts);
                checksum(&s, |s| u64::from(s.values()[0]))
            }),
        });
        let classic = &classic;
        stages.push(Stage {
            system: "reprint",
            stage: "minhash_classic",
            work: work(classic_texts),
            run: Box::new(|| {
                let s = classic.sign_batch(classic_texts);
                checksum(&s, |s| u64::from(s.values()[0]))
            }),
        });
        let hashes = &hashes;
        stages.push(Stage {
            system: "reprint",
            stage: "minhash_from_hashes",
            work: all,
            run: Box::new(|| {
                let s = par_map(hashes, || (), |_, h| oph.sign_hashes(h));
                checksum(&s, |s| u64::from(s.values()[0]))
            }),
        });
        let simhasher = &simhasher;
        stages.push(Stage {
            system: "reprint",
            stage: "simhash",
            work: all,
            run: Box::new(|| {
                let s = simhasher.sign_batch(texts);
                checksum(&s, |s| s.bits())
            }),
        });
        let keyed = &keyed;
        let sig_refs = &sig_refs;
        let lsh_work = Work { bytes: all.bytes, docs: all.docs };
        stages.push(Stage {
            system: "reprint",
            stage: "lsh_build",
            work: lsh_work,
            run: Box::new(move || {
                let mut index = MinHashIndex::new(banding);
                index.insert_batch(keyed).expect("compatible signatures");
                black_box(&index);
                index.len() as u64
            }),
        });
        let built = &built;
        stages.push(Stage {
            system: "reprint",
            stage: "lsh_query",
            work: lsh_work,
            run: Box::new(move || {
                let r = built.query_batch(sig_refs).expect("compatible signatures");
                r.iter().map(|v| v.len() as u64).sum()
            }),
        });
        let sigs = &sigs;
        stages.push(Stage {
            system: "reprint",
            stage: "lsh_pairs",
            work: lsh_work,
            run: Box::new(move || candidate_pairs(sigs, banding, 64).expect("compatible").len() as u64),
        });
        if !args.skip_peers {
            let gh = &gaoya_hasher;
            stages.push(Stage {
                system: "gaoya",
                stage: "minhash",
                work: all,
                run: Box::new(move || {
                    use gaoya::minhash::MinHasher as _;
                    let s = par_map(
                        texts,
                        || (ShingleBuffer::new(), Vec::new()),
                        |(buf, hs), t| {
                            hs.clear();
                            shingler.for_each_hash(t, buf, |h| hs.push(h));
                            gh.create_signature(hs.iter())
                        },
                    );
                    checksum(&s, |s| u64::from(s[0]))
                }),
            });
            stages.push(Stage {
                system: "gaoya",
                stage: "minhash_from_hashes",
                work: all,
                run: Box::new(move || {
                    use gaoya::minhash::MinHasher as _;
                    let s = par_map(hashes, || (), |_, h| gh.create_signature(h.iter()));
                    checksum(&s, |s| u64::from(s[0]))
                }),
            });
            stages.push(Stage {
                system: "probminhash",
                stage: "minhash",
                work: all,
                run: Box::new(move || {
                    let s = par_map(
                        texts,
                        || (ShingleBuffer::new(), Vec::new(), new_optdens()),
                        |(buf, hs, sk), t| {
                            hs.clear();
                            shingler.for_each_hash(t, buf, |h| hs.push(h));
                            optdens_sign(sk, hs)
                        },
                    );
                    checksum(&s, |s| s.first().copied().unwrap_or(0))
                }),
            });
            stages.push(Stage {
                system: "probminhash",
                stage: "minhash_from_hashes",
                work: all,
                run: Box::new(move || {
                    let s = par_map(hashes, new_optdens, |sk, h| optdens_sign(sk, h));
                    checksum(&s, |s| s.first().copied().unwrap_or(0))
                }),
            });
            let tf = &txtfp_fp;
            stages.push(Stage {
                system: "txtfp",
                stage: "minhash_native",
                work: all,
                run: Box::new(move || {
                    use txtfp::Fingerprinter as _;
                    let s = par_map(texts, || (), |_, t| tf.fingerprint(t).ok());
                    s.iter().filter(|s| s.is_some()).count() as u64
                }),
            });
            let gsigs = &gaoya_sigs;
            let (bands, rows) = (banding.bands() as usize, banding.rows() as usize);
            stages.push(Stage {
                system: "gaoya",
                stage: "lsh_build",
                work: lsh_work,
                run: Box::new(move || {
                    // The clone is part of the region: gaoya's index takes owned signatures.
                    gaoya_index(gsigs.clone(), bands, rows, threads).size() as u64
                }),
            });
            let gbuilt = &gbuilt;
            stages.push(Stage {
                system: "gaoya",
                stage: "lsh_query",
                work: lsh_work,
                run: Box::new(move || gaoya_query(gbuilt, gsigs, threads)),
            });
        }
        if !args.skip_group {
            let rw_items = &rw_items;
            let dedup = &dedup;
            let rw_texts_ref = &rw_texts;
            stages.push(Stage {
                system: "reprint",
                stage: "analyze",
                work: rw_work,
                run: Box::new(move || dedup.analyze_batch(rw_texts_ref).len() as u64),
            });
            stages.push(Stage {
                system: "reprint",
                stage: "score",
                work: rw_work,
                run: Box::new(move || dedup.score(rw_items).expect("valid input").num_candidates() as u64),
            });
            stages.push(Stage {
                system: "reprint",
                stage: "group",
                work: rw_work,
                run: Box::new(move || {
                    let g = dedup.group(rw_items).expect("valid input");
                    g.num_duplicate_groups() as u64
                }),
            });
            if !args.skip_peers {
                let gh = &gaoya_hasher;
                let rw_texts = &rw_texts;
                let (bands, rows) = (banding.bands() as usize, banding.rows() as usize);
                stages.push(Stage {
                    system: "gaoya",
                    stage: "pipeline",
                    work: rw_work,
                    run: Box::new(move || {
                        use gaoya::minhash::MinHasher as _;
                        let s = par_map(
                            rw_texts,
                            || (ShingleBuffer::new(), Vec::new()),
                            |(buf, hs), t| {
                                hs.clear();
                                shingler.for_each_hash(t, buf, |h| hs.push(h));
                                gh.create_signature(hs.iter())
                            },
                        );
                        let index = gaoya_index(s.clone(), bands, rows, threads);
                        gaoya_query(&index, &s, threads)
                    }),
                });
            }
        }

        stages.retain(|s| wants(s.system, s.stage));
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); stages.len()];
        pool.install(|| {
            // One warm-up pass, then interleaved repetitions.
            for rep in 0..=args.reps {
                for (k, st) in stages.iter_mut().enumerate() {
                    let start = Instant::now();
                    black_box((st.run)());
                    let secs = start.elapsed().as_secs_f64();
                    if rep > 0 {
                        times[k].push(secs);
                    }
                }
                if rep > 0 {
                    eprintln!("threads {threads}: repetition {rep}/{} done", args.reps);
                }
            }
        });
        for (st, t) in stages.iter().zip(times) {
            let r = Result1 {
                system: st.system,
                stage: st.stage,
                threads,
                work: st.work,
                secs: support::median(&t),
                all: t,
            };
            println!(
                "{}",
                json!({
                    "system": r.system, "stage": r.stage, "threads": r.threads,
                    "mb_per_s": round(r.mb_per_s()), "docs_per_s": round(r.work.docs as f64 / r.secs),
                    "median_s": r.secs, "reps": r.all.len(), "docs": r.work.docs, "bytes": r.work.bytes,
                    "corpus": source.to_string(),
                })
            );
            results.push(r);
        }
    }

    print_table(&results);
    print_ratios(&results, &thread_counts);
    Ok(())
}

type OptDens = probminhash::densminhash::OptDensMinHash<f64, u64, probminhash::nohasher::NoHashHasher>;

fn new_optdens() -> OptDens {
    OptDens::new(NUM_HASHES as usize, std::hash::BuildHasherDefault::default())
}

fn optdens_sign(sk: &mut OptDens, hs: &[u64]) -> Vec<u64> {
    if hs.is_empty() {
        return Vec::new();
    }
    sk.reinit();
    sk.sketch_slice(hs).expect("sketch");
    sk.get_hsketch_u64()
}

fn gaoya_index(
    sigs: Vec<Vec<u32>>,
    bands: usize,
    rows: usize,
    threads: usize,
) -> gaoya::minhash::MinHashIndex<u32, u32> {
    let mut index = gaoya::minhash::MinHashIndex::<u32, u32>::new(bands, rows, 0.5);
    if threads > 1 {
        let ids: Vec<u32> = (0..sigs.len() as u32).collect();
        index.par_bulk_insert(ids, sigs);
    } else {
        for (i, s) in sigs.into_iter().enumerate() {
            index.insert(i as u32, s);
        }
    }
    index
}

fn gaoya_query(index: &gaoya::minhash::MinHashIndex<u32, u32>, sigs: &Vec<Vec<u32>>, threads: usize) -> u64 {
    if threads > 1 {
        index.par_bulk_query(sigs).iter().map(|h| h.len() as u64).sum()
    } else {
        sigs.iter().map(|s| index.query_owned(s).len() as u64).sum()
    }
}

fn round(x: f64) -> f64 {
    if x >= 100.0 { x.round() } else { (x * 100.0).round() / 100.0 }
}

fn find<'a>(results: &'a [Result1], system: &str, stage: &str, threads: usize) -> Option<&'a Result1> {
    results.iter().find(|r| r.system == system && r.stage == stage && r.threads == threads)
}

fn print_table(results: &[Result1]) {
    eprintln!("\n{:<12} {:<20} {:>7} {:>10} {:>12} {:>10}", "system", "stage", "threads", "MB/s", "docs/s", "median s");
    for r in results {
        eprintln!(
            "{:<12} {:<20} {:>7} {:>10.1} {:>12.0} {:>10.4}",
            r.system,
            r.stage,
            r.threads,
            r.mb_per_s(),
            r.work.docs as f64 / r.secs,
            r.secs
        );
    }
}

/// Speed ratio `a / b` (MB/s over MB/s) of two measured stages.
fn ratio(results: &[Result1], a: (&str, &str, usize), b: (&str, &str, usize)) -> Option<f64> {
    let x = find(results, a.0, a.1, a.2)?;
    let y = find(results, b.0, b.1, b.2)?;
    Some(x.mb_per_s() / y.mb_per_s())
}

fn print_ratios(results: &[Result1], thread_counts: &[usize]) {
    let emit = |name: &str, value: Option<f64>, target: &str, meaning: &str| {
        if let Some(v) = value {
            println!(
                "{}",
                json!({ "ratio": name, "value": (v * 1000.0).round() / 1000.0, "target": target, "meaning": meaning })
            );
            eprintln!("{name:<44} {v:>8.3}  (target {target}) {meaning}");
        }
    };
    eprintln!();
    for &t in thread_counts {
        let tag = |s: &str| format!("{s}@{t}t");
        emit(
            &tag("minhash_vs_gaoya"),
            ratio(results, ("reprint", "minhash_oph", t), ("gaoya", "minhash", t)),
            ">= 4",
            "text to signature, reprint speed / gaoya MinHasher32 speed, same shingles",
        );
        emit(
            &tag("minhash_vs_gaoya_from_hashes"),
            ratio(results, ("reprint", "minhash_from_hashes", t), ("gaoya", "minhash_from_hashes", t)),
            "-",
            "shingle hashes to signature",
        );
        emit(
            &tag("minhash_vs_probminhash"),
            ratio(results, ("reprint", "minhash_oph", t), ("probminhash", "minhash", t)),
            ">= 2",
            "text to signature, reprint / probminhash OptDensMinHash, same shingles",
        );
        emit(
            &tag("minhash_vs_probminhash_from_hashes"),
            ratio(results, ("reprint", "minhash_from_hashes", t), ("probminhash", "minhash_from_hashes", t)),
            "-",
            "shingle hashes to signature",
        );
        emit(
            &tag("minhash_vs_txtfp_native"),
            ratio(results, ("reprint", "minhash_oph", t), ("txtfp", "minhash_native", t)),
            "-",
            "text to signature, each with its own normalization and word 5-grams",
        );
        emit(
            &tag("minhash_time_over_floor_time"),
            ratio(results, ("reprint", "shingle", t), ("reprint", "minhash_oph", t)),
            "<= 1.3",
            "MinHash time / reprint's own floor time (normalize+tokenize+shingle hashes)",
        );
        emit(
            &tag("minhash_time_over_span_floor_time"),
            ratio(results, ("reprint", "floor_span_xxh3", t), ("reprint", "minhash_oph", t)),
            "<= 1.3",
            "MinHash time / (normalize+tokenize+one xxh3 over each 5-gram's bytes) time",
        );
        emit(
            &tag("group_vs_gaoya_pipeline"),
            ratio(results, ("reprint", "group", t), ("gaoya", "pipeline", t)),
            "> 1",
            "whole group pipeline speed / gaoya signatures+index+query speed, corpus plus rewrites",
        );
    }
    if let Some(&n) = thread_counts.get(1) {
        for stage in ["minhash_oph", "shingle", "group"] {
            emit(
                &format!("{stage}_{n}t_vs_1t"),
                ratio(results, ("reprint", stage, n), ("reprint", stage, 1)),
                if stage == "minhash_oph" { ">= 1.7" } else { "-" },
                "parallel speed-up",
            );
        }
    }
}
