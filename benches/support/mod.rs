//! Shared by `benches/hot_paths.rs`, `examples/throughput.rs` and `examples/scale.rs`: reading a
//! JSONL corpus, generating one deterministically when there is none, and making rewrites.
//!
//! The development corpus is never copied into the project; it is read from the path given with
//! `--corpus`, or from the `REPRINT_DATA` environment variable (a file, or a directory holding
//! `news-corpus.jsonl.gz`). Without either, [`generated`] builds news-like text so every
//! measurement also runs on a fresh machine.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One article: an id and its text.
pub type Doc = (String, String);

/// Where the corpus comes from, for the report.
#[derive(Clone, Debug)]
pub enum Source {
    /// A JSONL file.
    File(PathBuf),
    /// [`generated`] with this many documents.
    Generated(usize),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Generated(n) => write!(f, "generated:{n}"),
        }
    }
}

/// The corpus path: `explicit` if given, else `REPRINT_DATA`, else none.
pub fn corpus_path(explicit: Option<PathBuf>) -> Option<PathBuf> {
    if explicit.is_some() {
        return explicit;
    }
    let env = std::env::var_os("REPRINT_DATA")?;
    let p = PathBuf::from(env);
    if p.is_dir() {
        let f = p.join("news-corpus.jsonl.gz");
        return f.exists().then_some(f);
    }
    p.exists().then_some(p)
}

/// Loads the corpus at `path` (at most `limit` documents), or generates `generated_docs`
/// documents when there is no path.
pub fn load_or_generate(
    path: Option<PathBuf>,
    limit: Option<usize>,
    generated_docs: usize,
) -> Result<(Vec<Doc>, Source), Box<dyn std::error::Error>> {
    match corpus_path(path) {
        Some(p) => {
            let docs = read_jsonl(&p, limit)?;
            Ok((docs, Source::File(p)))
        }
        None => {
            let n = limit.unwrap_or(generated_docs);
            Ok((generated(n, 0x5EED), Source::Generated(n)))
        }
    }
}

/// Reads `{"id", "text"}` lines from a `.jsonl` or `.jsonl.gz` file.
pub fn read_jsonl(path: &Path, limit: Option<usize>) -> Result<Vec<Doc>, Box<dyn std::error::Error>> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|x| x == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for (n, line) in BufReader::with_capacity(1 << 20, reader).lines().enumerate() {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or_default().to_string();
        let id = match v.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => format!("line-{}", n + 1),
        };
        out.push((id, text));
    }
    Ok(out)
}

/// A small deterministic generator (xorshift64*).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

const SYLLABLES: &[&str] = &[
    "ba", "ker", "lo", "min", "sta", "ter", "ri", "con", "pol", "ad", "ve", "tion", "mar", "ket", "gov", "ern", "ment",
    "in", "for", "ma", "dis", "pu", "te", "ac", "cord", "re", "port", "ed", "fi", "nan", "cial", "se", "cur", "i",
    "ty", "troops", "bor", "der", "pro", "test", "el", "ec", "pri", "ces", "oil", "bank", "trade", "union", "court",
];

const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "that", "is", "was", "for", "on", "it", "with", "as", "said", "by", "at",
    "from", "his", "an", "were", "are", "which", "this", "be", "has", "had", "not", "but", "they", "its", "after",
];

/// A vocabulary of `n` distinct pseudo-words, most frequent first.
fn vocabulary(n: usize, rng: &mut Rng) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let parts = 1 + rng.below(3);
        let w: String = (0..parts).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
        if seen.insert(w.clone()) {
            out.push(w);
        }
    }
    out
}

/// Zipf-like pick: index `floor(n^u) - 1` for uniform `u`, so low indices are far more common.
fn zipf(rng: &mut Rng, n: usize) -> usize {
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
}

/// `n` deterministic news-like articles of about 1.5 KB each (a headline, then 6 to 16
/// sentences), drawn from a Zipf vocabulary with English function words; about one article in
/// ten carries non-ASCII text (typographic quotes, accented names, a dash), so both the ASCII
/// and the Unicode paths are exercised.
pub fn generated(n: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng::new(seed);
    let vocab = vocabulary(30_000, &mut rng);
    let names = ["Zoë Müller", "José Álvarez", "François Dupré", "Łukasz Wróbel", "Søren Ørsted"];
    let mut out = Vec::with_capacity(n);
    for d in 0..n {
        let unicode = rng.chance(0.1);
        let mut text = String::with_capacity(1600);
        let headline_words = 4 + rng.below(6);
        for i in 0..headline_words {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(&vocab[zipf(&mut rng, vocab.len())].to_uppercase());
        }
        text.push_str(". ");
        let sentences = 6 + rng.below(11);
        for s in 0..sentences {
            let words = 8 + rng.below(22);
            for i in 0..words {
                if i > 0 {
                    text.push(if rng.chance(0.06) { ',' } else { ' ' });
                    if text.ends_with(',') {
                        text.push(' ');
                    }
                }
                let w: &str = if rng.chance(0.45) {
                    FUNCTION_WORDS[zipf(&mut rng, FUNCTION_WORDS.len())]
                } else {
                    &vocab[zipf(&mut rng, vocab.len())]
                };
                if i == 0 {
                    let mut c = w.chars();
                    if let Some(f) = c.next() {
                        text.extend(f.to_uppercase());
                        text.push_str(c.as_str());
                    }
                } else if rng.chance(0.01) {
                    text.push_str(&(rng.below(2000) + 1).to_string());
                } else {
                    text.push_str(w);
                }
            }
            if unicode && s % 3 == 1 {
                text.push_str(&format!(
                    ", “{}” said {} — officials",
                    vocab[rng.below(500)],
                    names[rng.below(names.len())]
                ));
            }
            text.push_str(". ");
        }
        text.pop();
        out.push((format!("gen-{d}"), text));
    }
    out
}

/// Deterministic rewrites of a base article: trimmed, re-headlined, wrapped in boilerplate, or
/// lightly reworded. A light stand-in for [`rewrites_of`] where `reprint::synth` is too slow.
pub fn simple_rewrites_of(base: &Doc, count: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng::new(seed ^ 0x005E_ED0F_5EED);
    let sentences: Vec<&str> = base.1.split_inclusive(". ").collect();
    let mut out = Vec::with_capacity(count);
    for c in 0..count {
        let text = match (c + rng.below(4)) % 4 {
            0 => {
                // Trimmed: the first 60 to 90 % of the sentences.
                let keep = (sentences.len() * (6 + rng.below(4)) / 10).max(1);
                sentences[..keep.min(sentences.len())].concat()
            }
            1 => {
                // Re-headlined: the first sentence replaced.
                let rest = sentences.get(1..).map(|s| s.concat()).unwrap_or_default();
                format!("UPDATE {} - wire report. {rest}", rng.below(100))
            }
            2 => format!("Home | World | Business\n\n{}\n\nShare this article. Related stories.", base.1),
            _ => {
                // Reworded: about one word in eight dropped or doubled.
                let mut t = String::with_capacity(base.1.len());
                for w in base.1.split(' ') {
                    match rng.below(16) {
                        0 => {}
                        1 => {
                            t.push_str(w);
                            t.push(' ');
                            t.push_str(w);
                            t.push(' ');
                        }
                        _ => {
                            t.push_str(w);
                            t.push(' ');
                        }
                    }
                }
                t
            }
        };
        out.push((format!("{}~rw{c}", base.0), text));
    }
    out
}

/// The corpus plus synthetic rewrites: every `every`-th article gets the rewrites of
/// [`rewrites_of`] (2 to 4 with the default synth configuration), after all the originals.
pub fn with_rewrites(base: &[Doc], every: usize) -> Vec<Doc> {
    let mut out: Vec<Doc> = base.to_vec();
    let config = reprint::synth::SynthConfig::new(0x5EED);
    let picked: Vec<&Doc> = base.iter().step_by(every.max(1)).collect();
    let rewrites: Vec<Vec<Doc>> = {
        use rayon::prelude::*;
        picked.par_iter().map(|d| rewrites_of(d, &config, 0)).collect()
    };
    out.extend(rewrites.into_iter().flatten());
    out
}

/// The rewrite source: `reprint::synth` (truncation, paragraph drops and moves, sentence splits
/// and merges, rewording, new headlines, OCR noise, boilerplate), without the source itself.
pub fn rewrites_of(base: &Doc, config: &reprint::synth::SynthConfig, stream: u64) -> Vec<Doc> {
    reprint::synth::rewrites_of(&base.0, &base.1, config, stream)
        .into_iter()
        .filter(|d| d.kind != "source")
        .map(|d| (d.id, d.text))
        .collect()
}

/// Peak resident set size of this process so far, in bytes (Linux `VmHWM`), if known.
pub fn peak_rss_bytes() -> Option<u64> {
    proc_status_kb("VmHWM:").map(|kb| kb * 1024)
}

/// Current resident set size of this process, in bytes (Linux `VmRSS`), if known.
pub fn rss_bytes() -> Option<u64> {
    proc_status_kb("VmRSS:").map(|kb| kb * 1024)
}

fn proc_status_kb(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The median of `v` (upper median for even lengths); 0 for an empty slice.
pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}
