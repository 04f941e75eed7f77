//! Replays a stream of articles in time order through a persistent [`Index`] with a sliding
//! window, printing groups as they form.
//!
//! Each article is matched against what came before without re-hashing anything; articles older
//! than the window are expired first, so the index holds only the recent past. At the end the
//! index is saved, loaded back and checked against one-shot grouping of the articles still in
//! the window.
//!
//! ```text
//! cargo run --release --example news_stream                     # the seed articles and rewrites of them
//! cargo run --release --example news_stream -- --window-hours 6
//! cargo run --release --example news_stream -- --jsonl corpus.jsonl[.gz] --limit 20000 --quiet
//! ```
//!
//! With `--jsonl`, records are `{"id", "text"}` with an optional `"timestamp"` (seconds since
//! the epoch); records without one are spaced a minute apart in file order.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Instant;

use reprint::Deduplicator;
use reprint::index::{Article, Index};
use reprint::synth::{SynthConfig, rewrites_of};

struct Item {
    id: String,
    text: String,
    time: i64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let window = value("--window-hours").map(|h| h.parse::<f64>()).transpose()?.unwrap_or(24.0);
    let limit = value("--limit").map(|n| n.parse::<usize>()).transpose()?.unwrap_or(usize::MAX);
    let quiet = args.iter().any(|a| a == "--quiet");
    let window = (window * 3600.0) as i64;

    let mut items = match value("--jsonl") {
        Some(path) => read_jsonl(Path::new(&path), limit)?,
        None => seed_stream()?,
    };
    items.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));

    let mut index = Index::new(Deduplicator::new());
    let start = Instant::now();
    let (mut joined, mut formed, mut expired) = (0usize, 0usize, 0usize);
    for item in &items {
        let gone = index.expire(item.time - window);
        expired += gone.len();
        if !quiet && !gone.is_empty() {
            println!("{}  window: {} article(s) older than {} h expired", clock(item.time), gone.len(), window / 3600);
        }
        let a = index.add(Article::new(&item.id, &item.text).at(item.time))?;
        if a.is_new() {
            continue;
        }
        joined += 1;
        formed += usize::from(a.members().len() == 2);
        if !quiet {
            let what = if a.members().len() == 2 { "forms a group with" } else { "joins" };
            let others: Vec<&str> = a.members().iter().map(String::as_str).filter(|m| *m != a.id()).collect();
            println!(
                "{}  {:<14} {what} {} ({} articles, representative {})  {}",
                clock(item.time),
                a.id(),
                others.join(", "),
                a.members().len(),
                a.cluster(),
                headline(&item.text)
            );
        }
    }
    let elapsed = start.elapsed().as_secs_f64();

    // Save, load back, and compare with one-shot grouping of what is left in the window.
    let path = std::env::temp_dir().join(format!("news_stream-{}.rpx", std::process::id()));
    index.save(&path)?;
    let size = std::fs::metadata(&path)?.len();
    let t = Instant::now();
    let loaded = Index::load(&path)?;
    let load = t.elapsed().as_secs_f64();
    std::fs::remove_file(&path)?;
    let live: Vec<(&str, &str)> =
        items.iter().filter(|i| loaded.contains(&i.id)).map(|i| (i.id.as_str(), i.text.as_str())).collect();
    let mut sorted = live.clone();
    sorted.sort();
    let consistent = loaded.grouping().grouping() == &loaded.deduplicator().group(&sorted)?;

    println!(
        "\n{} articles in {elapsed:.2} s ({:.0} per second); {joined} joined a group, {formed} groups formed, \
         {expired} expired by the {} h window",
        items.len(),
        items.len() as f64 / elapsed.max(1e-9),
        window / 3600
    );
    println!(
        "index: {} live articles, {size} bytes saved ({:.0} per article), loaded in {:.1} ms; \
         groups equal one-shot grouping of the window: {consistent}",
        loaded.len(),
        size as f64 / loaded.len().max(1) as f64,
        load * 1e3
    );
    if !consistent {
        return Err("the index's groups differ from one-shot grouping".into());
    }
    Ok(())
}

/// The five seed articles and synthetic rewrites of each (re-headlined, trimmed, wrapped in
/// site boilerplate ...), published over three days.
fn seed_stream() -> Result<Vec<Item>, Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/seeds");
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut config = SynthConfig::new(2023);
    config.rewrites_per_source(2, 4);
    let start = 1_695_283_200; // 2023-09-21 08:00 UTC
    let mut items = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let id: String = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default().chars().take(3).collect();
        let text = std::fs::read_to_string(f)?;
        let published = start + 14 * 3600 * i as i64;
        for (k, doc) in rewrites_of(&id, &text, &config, 0).into_iter().enumerate() {
            // Sources first, then their rewrites over the next hours.
            let time = published + 2700 * k as i64;
            items.push(Item { id: doc.id, text: doc.text, time });
        }
    }
    Ok(items)
}

fn read_jsonl(path: &Path, limit: usize) -> Result<Vec<Item>, Box<dyn std::error::Error>> {
    let file = std::fs::File::open(path)?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|x| x == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut items = Vec::new();
    for (n, line) in BufReader::new(reader).lines().enumerate() {
        if items.len() >= limit {
            break;
        }
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let id = match &v["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let text = v["text"].as_str().unwrap_or_default().to_string();
        let time = v["timestamp"].as_i64().unwrap_or(1_700_000_000 + 60 * n as i64);
        items.push(Item { id, text, time });
    }
    Ok(items)
}

/// `2023-09-21 10:45` (UTC).
fn clock(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// The first line of a text, shortened.
fn headline(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| l.len() > 20).unwrap_or_default();
    let short: String = line.chars().take(70).collect();
    if short.len() < line.len() { format!("\"{short}...\"") } else { format!("\"{short}\"") }
}
