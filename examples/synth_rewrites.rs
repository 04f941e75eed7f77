//! Writes a labelled synthetic wire-rewrite set (see `reprint::synth`) from a corpus.
//!
//! ```text
//! cargo run --release --example synth_rewrites -- --corpus PATH [--sources N] [--seed S] [--out docs.jsonl]
//!                                                 [--negatives F] [--stats]
//! ```
//!
//! The corpus is `.jsonl` or `.jsonl.gz` with one `{"id", "text"}` object per line (an optional
//! `src` of `20ng` is skipped: Usenet posts are not news). Without `--corpus` the file
//! `news-corpus.jsonl.gz` in the directory named by `REPRINT_DATA` is used, and without that a
//! small built-in demo set. The first N texts of 80 to 2000 words are the sources (default 2000).
//! Output: one `{"id", "text", "cluster", "kind"}` object per line (plus `negative_of` for hard
//! negatives) to `--out` or stdout; a summary goes to stderr. `--stats` adds word 5-gram Jaccard
//! and containment and content-word Jaccard of each rewrite against its source, per kind (and of
//! each hard negative against its anchor, and of neighbouring sources as a baseline).

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use reprint::synth::{HardNegatives, SynthConfig, SynthDoc, generate_each};
use reprint::text::is_english_stopword;

const USAGE: &str =
    "usage: synth_rewrites [--corpus PATH] [--sources N] [--seed S] [--out PATH] [--negatives F] [--stats]";

struct Args {
    corpus: Option<PathBuf>,
    sources: usize,
    seed: u64,
    out: Option<PathBuf>,
    negatives: f64,
    stats: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { corpus: None, sources: 2000, seed: 1, out: None, negatives: 0.2, stats: false };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match a.as_str() {
            "--corpus" => args.corpus = Some(PathBuf::from(value("--corpus")?)),
            "--sources" => args.sources = value("--sources")?.parse().map_err(|e| format!("--sources: {e}"))?,
            "--seed" => args.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => args.out = Some(PathBuf::from(value("--out")?)),
            "--negatives" => args.negatives = value("--negatives")?.parse().map_err(|e| format!("--negatives: {e}"))?,
            "--stats" => args.stats = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if args.corpus.is_none() {
        if let Some(dir) = std::env::var_os("REPRINT_DATA") {
            let path = PathBuf::from(dir).join("news-corpus.jsonl.gz");
            if path.exists() {
                args.corpus = Some(path);
            }
        }
    }
    Ok(args)
}

/// The first `n` usable texts of a `.jsonl` or `.jsonl.gz` corpus.
fn read_corpus(path: &PathBuf, n: usize) -> io::Result<(Vec<(String, String)>, usize)> {
    let file = File::open(path)?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut sources = Vec::new();
    let mut read = 0;
    for line in BufReader::new(reader).lines() {
        if sources.len() >= n {
            break;
        }
        let line = line?;
        read += 1;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        if v.get("src").and_then(|s| s.as_str()) == Some("20ng") {
            continue;
        }
        let id = match v.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else { continue };
        if (80..=2000).contains(&text.split_whitespace().count()) {
            sources.push((id, text.to_string()));
        }
    }
    Ok((sources, read))
}

/// Original demo articles, so the example runs without any data. Two pairs share a topic.
const DEMO: &[(&str, &str)] = &[
    (
        "demo-rates",
        "Central bank raises rates for fourth time. The central bank raised its main interest rate by half a \
         point on Wednesday, its fourth increase this year, and signalled that more rises could follow. Governor \
         Ana Ruiz said inflation had stayed above the two percent target for too long, and that households \
         should expect borrowing costs to remain high well into next year. Markets had expected a smaller move, \
         and the currency rose sharply after the announcement. Economists said the decision showed the bank was \
         more worried about prices than about slowing growth. The next policy meeting is scheduled for June.",
    ),
    (
        "demo-rates-hold",
        "Central bank holds rates steady as growth slows. The central bank left its main interest rate \
         unchanged on Thursday, saying a sharp slowdown in factory output and weaker consumer spending justified \
         a pause. The decision ended a run of three consecutive increases. Deputy governor Mark Lind said the \
         bank would watch wage data closely before deciding its next step, but did not rule out a cut later in \
         the year. Bond yields fell after the statement, while the currency slipped against the dollar. Some \
         economists had forecast another small increase.",
    ),
    (
        "demo-storm",
        "Storm cuts power to thousands on the coast. A powerful storm struck the northern coast on Monday night, \
         cutting power to more than 40,000 homes and forcing the closure of two ports. Winds of up to 120 \
         kilometres an hour brought down trees and power lines, and the coastguard rescued three fishermen \
         whose boat had lost its engine. The regional government said repair crews would work through the \
         night, but warned that some villages could be without electricity until the weekend. Schools in the \
         area will stay closed on Tuesday.",
    ),
    (
        "demo-floods",
        "Floods force evacuation of river towns. Hundreds of residents were evacuated from towns along the \
         river on Saturday after days of heavy rain pushed water levels to their highest in twenty years. \
         Emergency services used boats to reach families trapped in their homes, and the army was called in to \
         build temporary barriers. The mayor of the worst-hit town said the storm drains had been overwhelmed \
         within hours. Forecasters expect more rain early next week, and officials urged people not to drive \
         through flooded roads.",
    ),
    (
        "demo-merger",
        "Steelmakers agree merger to cut costs. Two of the country's largest steel producers agreed on Tuesday \
         to merge in a deal worth 4.2 billion dollars, creating the region's biggest supplier of flat steel. \
         The companies said the combination would save about 300 million dollars a year by 2027, mainly by \
         closing an older blast furnace and sharing distribution. Unions said they would seek guarantees that \
         no plants would close without consultation. The deal needs approval from competition authorities, \
         which is expected to take up to a year.",
    ),
    (
        "demo-football",
        "Club sacks manager after seventh straight defeat. The football club dismissed its manager on Sunday, a \
         day after a 3-0 home loss extended its losing run to seven league games. The board thanked him for \
         leading the team to promotion two seasons ago but said results had fallen well short of expectations. \
         The assistant coach will take charge of training until a replacement is found. Supporters had \
         protested outside the stadium before the match, and several senior players had publicly questioned \
         the team's tactics.",
    ),
    (
        "demo-vaccine",
        "Health ministry expands flu vaccine programme. The health ministry said on Friday it would offer free \
         flu vaccines to all children aged two to twelve this winter, expanding a programme that previously \
         covered only the over-65s and people with chronic illnesses. Officials said the change could prevent \
         thousands of hospital admissions, because children are major spreaders of the virus. Pharmacies will \
         begin giving the vaccine next month. Doctors' groups welcomed the decision but warned that clinics \
         were already short of nurses.",
    ),
    (
        "demo-space",
        "Private rocket reaches orbit on second attempt. A privately built rocket reached orbit for the first \
         time on Wednesday, four months after its maiden flight ended in an explosion shortly after launch. \
         The 30-metre rocket placed two small weather satellites into orbit about 500 kilometres above the \
         Earth, the company said. Its chief executive told reporters the team had redesigned the fuel valves \
         that caused the first failure. The company plans to launch monthly from next year and has signed \
         contracts with three satellite operators.",
    ),
];

/// What `--stats` compares: sorted, distinct word 5-gram hashes and content-word hashes.
struct Profile {
    shingles: Vec<u64>,
    words: Vec<u64>,
}

fn fnv(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn profile(text: &str) -> Profile {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let gram = |ws: &[String]| fnv(ws.iter().flat_map(|w| w.bytes().chain([b' '])));
    let mut shingles: Vec<u64> =
        if words.len() < 5 { vec![gram(&words)] } else { words.windows(5).map(gram).collect() };
    shingles.sort_unstable();
    shingles.dedup();
    let mut content: Vec<u64> = words
        .iter()
        .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic) && !is_english_stopword(w))
        .map(|w| fnv(w.bytes()))
        .collect();
    content.sort_unstable();
    content.dedup();
    Profile { shingles, words: content }
}

fn common(a: &[u64], b: &[u64]) -> usize {
    let sa: HashSet<&u64> = a.iter().collect();
    b.iter().filter(|h| sa.contains(h)).count()
}

/// (5-gram Jaccard, 5-gram containment |A ∩ B| / min(|A|, |B|), content-word Jaccard).
fn similarity(a: &Profile, b: &Profile) -> [f64; 3] {
    let jaccard = |x: &[u64], y: &[u64]| {
        let c = common(x, y);
        let union = x.len() + y.len() - c;
        if union == 0 { 1.0 } else { c as f64 / union as f64 }
    };
    let (x, y) = (&a.shingles, &b.shingles);
    let containment =
        if x.is_empty() || y.is_empty() { 0.0 } else { common(x, y) as f64 / x.len().min(y.len()) as f64 };
    [jaccard(x, y), containment, jaccard(&a.words, &b.words)]
}

#[derive(Default)]
struct Stats {
    by_kind: BTreeMap<String, Vec<[f64; 3]>>,
}

impl Stats {
    fn add(&mut self, key: String, value: [f64; 3]) {
        self.by_kind.entry(key).or_default().push(value);
    }

    fn print(&self) {
        eprintln!(
            "\n{:<30} {:>6}  {:<26}  {:<26}  {:<26}",
            "vs source (mean p10/p50/p90)",
            "n",
            "word 5-gram Jaccard",
            "word 5-gram containment",
            "content-word Jaccard"
        );
        for (kind, values) in &self.by_kind {
            let mut line = format!("{kind:<30} {:>6}", values.len());
            for m in 0..3 {
                let mut v: Vec<f64> = values.iter().map(|x| x[m]).collect();
                v.sort_by(f64::total_cmp);
                let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
                let mean = v.iter().sum::<f64>() / v.len() as f64;
                line.push_str(&format!("  {mean:.3} {:.3}/{:.3}/{:.3}     ", q(0.1), q(0.5), q(0.9)));
            }
            eprintln!("{}", line.trim_end());
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = match parse_args() {
        Ok(a) => a,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let (sources, read) = match &args.corpus {
        Some(path) => {
            let (s, read) = read_corpus(path, args.sources)?;
            eprintln!("corpus {}: read {read} lines, {} sources of 80-2000 words", path.display(), s.len());
            (s, read)
        }
        None => {
            let s: Vec<(String, String)> =
                DEMO.iter().take(args.sources).map(|(id, t)| (id.to_string(), t.to_string())).collect();
            eprintln!("no --corpus and no REPRINT_DATA: using {} built-in demo articles", s.len());
            (s, 0)
        }
    };
    let _ = read;
    let read_time = start.elapsed();

    let mut config = SynthConfig::new(args.seed);
    config.hard_negatives(HardNegatives::Fraction(args.negatives));

    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let texts: std::collections::HashMap<&str, &str> =
        sources.iter().map(|(id, t)| (id.as_str(), t.as_str())).collect();
    let mut stats = Stats::default();
    let mut current: Option<(String, Profile)> = None;
    let (mut docs, mut clusters, mut negatives) = (0usize, 0usize, 0usize);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut transforms: BTreeMap<String, usize> = BTreeMap::new();
    let gen_start = Instant::now();
    generate_each(&sources, &config, |doc: SynthDoc| -> io::Result<()> {
        docs += 1;
        *kinds.entry(doc.kind.clone()).or_default() += 1;
        match doc.kind.as_str() {
            "source" => clusters += 1,
            "negative" => {
                clusters += 1;
                negatives += 1;
            }
            "copy" => {}
            kind => {
                for t in kind.split('+') {
                    *transforms.entry(t.to_string()).or_default() += 1;
                }
            }
        }
        if args.stats {
            match doc.kind.as_str() {
                "source" => current = Some((doc.id.clone(), profile(&doc.text))),
                "negative" => {
                    let anchor = doc.negative_of.as_deref().and_then(|a| texts.get(a)).copied().unwrap_or("");
                    stats
                        .add("negative (vs its anchor)".to_string(), similarity(&profile(anchor), &profile(&doc.text)));
                }
                kind => {
                    if let Some((_, src)) = current.as_ref().filter(|(id, _)| *id == doc.cluster) {
                        let value = similarity(src, &profile(&doc.text));
                        stats.add("all rewrites".to_string(), value);
                        if kind == "copy" {
                            stats.add("copy (no transform changed it)".to_string(), value);
                        } else {
                            let n = kind.split('+').count();
                            if n == 1 {
                                stats.add(format!("only {kind}"), value);
                            }
                            for t in kind.split('+') {
                                stats.add(format!("with {t}"), value);
                            }
                            stats.add(format!("{n} transform(s)"), value);
                        }
                    }
                }
            }
        }
        let mut record =
            serde_json::json!({ "id": doc.id, "text": doc.text, "cluster": doc.cluster, "kind": doc.kind });
        if let Some(anchor) = doc.negative_of {
            record["negative_of"] = serde_json::Value::String(anchor);
        }
        writeln!(out, "{record}")
    })?;
    out.flush()?;
    let gen_time = gen_start.elapsed();
    if args.stats {
        // Baseline: neighbouring sources in input order, a random pair of different stories.
        for pair in sources.windows(2) {
            stats.add(
                "random source pair (baseline)".to_string(),
                similarity(&profile(&pair[0].1), &profile(&pair[1].1)),
            );
        }
    }

    eprintln!(
        "sources {} -> clusters {clusters} ({} dropped as possibly the same story as another, {negatives} hard negatives), docs {docs}",
        sources.len(),
        sources.len() - clusters
    );
    eprintln!("time: read {:.2}s, generate+write {:.2}s", read_time.as_secs_f64(), gen_time.as_secs_f64());
    eprintln!("transforms applied: {transforms:?}");
    let mut top: Vec<(&String, &usize)> = kinds.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    eprintln!("kinds ({} distinct), most frequent:", top.len());
    for (kind, n) in top.iter().take(15) {
        eprintln!("  {n:>7}  {kind}");
    }
    if args.stats {
        stats.print();
    }
    Ok(())
}
