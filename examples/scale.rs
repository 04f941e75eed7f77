//! A run over 1,000,000 articles generated from a corpus, rewrites included: wall time and
//! memory per article of the whole `group` pipeline.
//!
//! ```text
//! cargo build --release --example scale
//! # 1. generate the articles once (about 1.4 GB of JSONL for a million)
//! target/release/examples/scale --corpus ../shared/data/news-corpus.jsonl.gz --write /tmp/articles.jsonl
//! # 2. run the pipeline in a fresh process, so peak memory is the texts plus the pipeline
//! /usr/bin/time -v target/release/examples/scale --articles-file /tmp/articles.jsonl
//! # or both in one process (the peak then also holds what generation left in the allocator)
//! target/release/examples/scale --articles 100000      # generated text, fresh machine
//! ```
//!
//! # The articles
//!
//! The corpus has 41,270 articles; a million need more distinct stories than that. Sources are
//! made in "worlds": world 0 is the corpus itself, and world `w > 0` is the corpus with every
//! word that is not an English stopword enciphered by a letter substitution of its own (case
//! kept, punctuation, numbers and stopwords untouched), so each world is a corpus of the same
//! size, length and sentence structure whose stories share no content word with the other
//! worlds. Every source is emitted with its `reprint::synth` rewrites (2 to 4 each: truncated,
//! reordered, split or merged sentences, reworded, re-headlined, OCR noise, boilerplate), in
//! source order, until `--articles` articles are reached.
//!
//! # What is measured
//!
//! One JSON object on stdout: generation time; the time of `Deduplicator::group` (default
//! configuration: analysis, candidates, verification keeping only the linked pairs, grouping),
//! the peak resident memory of that run alone (the kernel's peak counter is reset after
//! generation, so the figure is the texts plus everything the pipeline holds at its peak) and
//! that figure minus the memory held before it started (the texts), per article; an estimate of
//! what one article's analysis holds (signatures, verification features), from a sample. Then,
//! unless `--skip-score`, the threshold-sweep path in the same process (`score`, which keeps
//! every candidate pair with its evidence, then `Scored::group`): its times, the candidate
//! pairs by first stage, their bytes per article, its peak beyond what the process held before
//! it, and whether it groups exactly as `group` did.

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use reprint::Deduplicator;
use reprint::synth::SynthConfig;
use reprint::text::is_english_stopword;
use serde_json::json;
use support::Doc;

struct Args {
    corpus: Option<PathBuf>,
    articles: usize,
    generated_docs: usize,
    sample: usize,
    write: Option<PathBuf>,
    articles_file: Option<PathBuf>,
    skip_score: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        corpus: None,
        articles: 1_000_000,
        generated_docs: 40_000,
        sample: 20_000,
        write: None,
        articles_file: None,
        skip_score: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--corpus" => a.corpus = Some(PathBuf::from(value("--corpus")?)),
            "--articles" => a.articles = value("--articles")?.parse().map_err(|e| format!("--articles: {e}"))?,
            "--generated-docs" => {
                a.generated_docs = value("--generated-docs")?.parse().map_err(|e| format!("--generated-docs: {e}"))?
            }
            "--sample" => a.sample = value("--sample")?.parse().map_err(|e| format!("--sample: {e}"))?,
            "--write" => a.write = Some(PathBuf::from(value("--write")?)),
            "--articles-file" => a.articles_file = Some(PathBuf::from(value("--articles-file")?)),
            "--skip-score" => a.skip_score = true,
            "-h" | "--help" => {
                eprintln!(
                    "usage: scale [--corpus PATH] [--articles N] [--generated-docs N] [--sample N] \
                     [--write PATH | --articles-file PATH] [--skip-score]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

/// A letter substitution for world `w`: a permutation of the 26 letters (identity for 0).
fn cipher(w: u64) -> [u8; 26] {
    let mut perm: [u8; 26] = std::array::from_fn(|i| b'a' + i as u8);
    if w == 0 {
        return perm;
    }
    let mut rng = support::Rng::new(0xC1F3_u64 ^ w.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    for i in (1..26).rev() {
        perm.swap(i, rng.below(i + 1));
    }
    perm
}

/// `text` with every ASCII word that is not an English stopword enciphered with `perm`.
fn encipher(text: &str, perm: &[u8; 26]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        if is_english_stopword(&word.to_ascii_lowercase()) {
            out.push_str(word);
        } else {
            out.extend(word.bytes().map(|b| {
                let m = perm[usize::from(b.to_ascii_lowercase() - b'a')];
                char::from(if b.is_ascii_uppercase() { m.to_ascii_uppercase() } else { m })
            }));
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The articles: sources world by world, each followed by its rewrites, until `n`.
fn articles(corpus: &[Doc], n: usize) -> Vec<Doc> {
    let config = SynthConfig::new(2024);
    let mut out: Vec<Doc> = Vec::with_capacity(n);
    let mut world = 0u64;
    while out.len() < n && !corpus.is_empty() {
        let perm = cipher(world);
        let made: Vec<Vec<Doc>> = corpus
            .par_iter()
            .map(|(id, text)| {
                let id = format!("w{world}-{id}");
                let text = if world == 0 { text.clone() } else { encipher(text, &perm) };
                reprint::synth::rewrites_of(&id, &text, &config, world).into_iter().map(|d| (d.id, d.text)).collect()
            })
            .collect();
        for docs in made {
            for d in docs {
                if out.len() < n {
                    out.push(d);
                }
            }
        }
        eprintln!("world {world}: {} articles so far", out.len());
        world += 1;
    }
    out
}

/// Resets the kernel's peak-RSS counter of this process (Linux `clear_refs` 5), so the next
/// reading of `VmHWM` covers only what follows.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let start = Instant::now();
    let (docs, source) = match &args.articles_file {
        Some(path) => {
            let mut docs = support::read_jsonl(path, Some(args.articles))?;
            for d in &mut docs {
                d.0.shrink_to_fit();
                d.1.shrink_to_fit();
            }
            docs.shrink_to_fit();
            (docs, path.display().to_string())
        }
        None => {
            let (corpus, source) = support::load_or_generate(args.corpus.clone(), None, args.generated_docs)?;
            eprintln!("corpus {source}: {} docs", corpus.len());
            let docs = articles(&corpus, args.articles);
            (docs, format!("{source} (worlds + synth rewrites)"))
        }
    };
    if let Some(path) = &args.write {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (id, text) in &docs {
            writeln!(w, "{}", json!({ "id": id, "text": text }))?;
        }
        w.flush()?;
        eprintln!("wrote {} articles to {} in {:.1} s", docs.len(), path.display(), start.elapsed().as_secs_f64());
        return Ok(());
    }
    let generate_s = start.elapsed().as_secs_f64();
    let n = docs.len();
    let text_bytes: usize = docs.iter().map(|d| d.1.len()).sum();
    let id_bytes: usize = docs.iter().map(|d| d.0.len()).sum();
    eprintln!("{n} articles, {:.1} MB of text, ready in {generate_s:.1} s", text_bytes as f64 / 1e6);

    let dedup = Deduplicator::new();
    let k = dedup.config().num_hashes as usize;

    // Where memory goes, estimated on a sample: the analyses the pipeline holds per article.
    let sample: Vec<&str> = docs.iter().step_by((n / args.sample.max(1)).max(1)).map(|d| d.1.as_str()).collect();
    let analyses = dedup.analyze_batch(&sample);
    let per = |f: &dyn Fn(&reprint::Analysis) -> usize| {
        analyses.iter().map(f).sum::<usize>() as f64 / analyses.len().max(1) as f64
    };
    let sig_struct = std::mem::size_of::<reprint::minhash::MinHashSignature>();
    let signatures_b = per(&|a| a.signatures.len() * (sig_struct + k * 4 + 16) + 16);
    let features_b = per(&|a| a.features.heap_bytes() + 3 * 16);
    let analysis_struct = std::mem::size_of::<reprint::Analysis>() as f64;
    drop(analyses);

    let items: Vec<(&str, &str)> = docs.iter().map(|d| (d.0.as_str(), d.1.as_str())).collect();
    // The path a user runs to group: `Deduplicator::group`, which keeps only the linked pairs.
    let rss_before = support::rss_bytes().unwrap_or(0);
    let peak_reset = reset_peak();
    let t = Instant::now();
    let grouping = dedup.group(&items)?;
    let pipeline_s = t.elapsed().as_secs_f64();
    let peak = support::peak_rss_bytes().unwrap_or(0);
    let groups = grouping.num_duplicate_groups();
    let in_groups: usize = grouping.groups().iter().filter(|g| g.len() > 1).map(|g| g.len()).sum();
    let links_in_groups: usize = grouping.groups().iter().map(|g| g.links().len()).sum();
    let beyond = peak.saturating_sub(rss_before) as f64 / n as f64;

    // The path of threshold sweeps: `score` keeps every candidate pair with its evidence, then
    // `Scored::group`; its own peak (from the memory held after the run above), its candidate
    // pairs, and whether it groups exactly as `group` did.
    let score_path = if args.skip_score {
        serde_json::Value::Null
    } else {
        let rss_before = support::rss_bytes().unwrap_or(0);
        let peak_reset = reset_peak();
        let t = Instant::now();
        let scored = dedup.score(&items)?;
        let score_s = t.elapsed().as_secs_f64();
        let mut by_stage: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        for link in scored.links() {
            *by_stage.entry(format!("{:?}", link.stage)).or_default() += 1;
        }
        let t = Instant::now();
        let again = scored.group(dedup.config().threshold);
        let group_s = t.elapsed().as_secs_f64();
        let peak = support::peak_rss_bytes().unwrap_or(0);
        json!({
            "score_s": score_s,
            "group_s": group_s,
            "candidate_pairs": scored.num_candidates(),
            "candidate_pairs_by_first_stage": by_stage,
            "candidate_pairs_with_evidence_bytes_per_article": (scored.heap_bytes() as f64 / n as f64).round(),
            "peak_bytes_per_article_beyond_previous": if peak_reset {
                Some((peak.saturating_sub(rss_before) as f64 / n as f64).round())
            } else {
                None
            },
            "same_grouping_as_group": again == grouping,
        })
    };

    let report = json!({
        "articles": n,
        "source": source,
        "threads": rayon::current_num_threads(),
        "text_mb": text_bytes as f64 / 1e6,
        "id_mb": id_bytes as f64 / 1e6,
        "load_or_generate_s": generate_s,
        "pipeline_s": pipeline_s,
        "articles_per_s": n as f64 / pipeline_s,
        "duplicate_groups": groups,
        "articles_in_duplicate_groups": in_groups,
        "links_in_groups": links_in_groups,
        "rss_before_pipeline_mb": rss_before as f64 / 1e6,
        "peak_rss_pipeline_mb": if peak_reset { Some(peak as f64 / 1e6) } else { None },
        "peak_bytes_per_article_beyond_texts": if peak_reset { Some(beyond.round()) } else { None },
        "estimate_bytes_per_article": {
            "signatures": signatures_b.round(),
            "verification_features": features_b.round(),
            "analysis_struct": analysis_struct,
        },
        "score_path": score_path,
        "num_hashes": k,
        "channels": dedup.config().channels.len(),
    });
    println!("{report}");
    eprintln!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
