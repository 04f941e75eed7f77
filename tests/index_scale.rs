//! Index size, load time and add throughput on a real corpus (ignored by default; needs data):
//!
//! ```text
//! REPRINT_NEWS_CORPUS=/path/to/news-corpus.jsonl.gz REPRINT_SCALE_DOCS=20000 \
//!     cargo test --release --test index_scale -- --ignored --nocapture
//! ```
//!
//! Builds an index from the first 90% of `REPRINT_SCALE_DOCS` records (bulk add), saves and
//! loads it, adds the last 10% one at a time (the streaming case), and checks the result
//! against one-shot grouping of all of them.

use std::io::{BufRead, BufReader};
use std::time::Instant;

use reprint::Deduplicator;
use reprint::index::{Article, Index};

fn corpus(limit: usize) -> Option<Vec<(String, String)>> {
    let path = std::env::var_os("REPRINT_NEWS_CORPUS")?;
    let file = std::fs::File::open(&path).ok()?;
    let reader: Box<dyn std::io::Read> = if path.to_string_lossy().ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for line in BufReader::new(reader).lines().take(limit) {
        let v: serde_json::Value = serde_json::from_str(&line.ok()?).ok()?;
        out.push((v["id"].as_str()?.to_string(), v["text"].as_str()?.to_string()));
    }
    Some(out)
}

#[test]
#[ignore = "needs REPRINT_NEWS_CORPUS; run in release"]
fn size_load_time_and_throughput() {
    let n: usize = std::env::var("REPRINT_SCALE_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let Some(docs) = corpus(n) else {
        eprintln!("skipped: set REPRINT_NEWS_CORPUS to a JSONL(.gz) file of {{\"id\", \"text\"}} records");
        return;
    };
    let text_bytes: usize = docs.iter().map(|d| d.1.len()).sum();
    let split = docs.len() * 9 / 10;
    let dedup = Deduplicator::new();
    let mut index = Index::new(dedup.clone());

    let t = Instant::now();
    let bulk: Vec<Article> =
        docs[..split].iter().enumerate().map(|(i, (id, text))| Article::new(id, text).at(i as i64)).collect();
    index.add_batch(&bulk).unwrap();
    let bulk_time = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let bytes = index.to_bytes();
    let save_time = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut index = Index::from_bytes(&bytes).unwrap();
    let load_time = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut joined = 0;
    for (i, (id, text)) in docs[split..].iter().enumerate() {
        joined += usize::from(!index.add(Article::new(id, text).at((split + i) as i64)).unwrap().is_new());
    }
    let stream_time = t.elapsed().as_secs_f64();
    let streamed = docs.len() - split;

    let t = Instant::now();
    let snapshot = index.grouping();
    let snapshot_time = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut sorted: Vec<(&str, &str)> = docs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    sorted.sort();
    let one_shot = dedup.group(&sorted).unwrap();
    let one_shot_time = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let q = index.query(&docs[0].1, 10);
    let query_time = t.elapsed().as_secs_f64();
    assert_eq!(q.matches[0].id, docs[0].0);

    println!(
        "articles                 {} ({:.1} MB of text, {:.0} bytes per article)",
        docs.len(),
        text_bytes as f64 / 1e6,
        text_bytes as f64 / docs.len() as f64
    );
    println!("bulk add                 {split} in {bulk_time:.2} s ({:.0} per second)", split as f64 / bulk_time);
    println!(
        "index file               {} bytes, {:.0} bytes per article",
        bytes.len(),
        bytes.len() as f64 / split as f64
    );
    println!("save (to bytes)          {:.1} ms", save_time * 1e3);
    println!(
        "load (from bytes)        {:.1} ms ({:.1} µs per article)",
        load_time * 1e3,
        load_time * 1e6 / split as f64
    );
    println!(
        "memory                   {:.0} bytes per article (heap estimate)",
        index.heap_bytes() as f64 / index.len() as f64
    );
    println!(
        "single adds              {streamed} in {stream_time:.2} s ({:.2} ms each), {joined} joined a group",
        stream_time * 1e3 / streamed as f64
    );
    println!("query                    {:.2} ms", query_time * 1e3);
    println!("grouping snapshot        {snapshot_time:.2} s; one-shot grouping {one_shot_time:.2} s");
    assert_eq!(snapshot.grouping(), &one_shot, "index groups differ from one-shot grouping");
    println!("groups equal one-shot    yes ({} groups with more than one article)", one_shot.num_duplicate_groups());
}
