//! Generated corpora for the index tests, included by the other `tests/index*.rs` and
//! `tests/cli_index.rs` files with `#[path = "index_corpus.rs"] mod corpus;`.
//!
//! Sources are pseudo-English articles (Zipf-distributed made-up content words between real
//! function words, topics that share names so that different stories overlap); `reprint::synth`
//! then adds rewrites (truncated, re-headlined, boilerplate-wrapped, reworded ...) and hard
//! negatives. The seed articles of `examples/data/seeds` are included as they are. Every article
//! gets a timestamp: sources in order, rewrites up to a day after their source.

#![allow(dead_code)]

#[path = "support/mod.rs"]
pub mod support;

/// The five seed articles, ids "000" to "004".
pub use support::seeds;

use reprint::synth::{SynthConfig, generate};

/// A generated article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub id: String,
    pub text: String,
    pub timestamp: i64,
}

/// Deterministic xorshift generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Zipf-like in `0..n`: small values much more likely.
    pub fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as usize % n
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mer", "sta", "vin", "dor", "pel", "tri", "gan", "bu", "sel", "nor", "qua", "zen", "fa", "rid", "mon",
    "te", "cor", "lis", "ban", "hu", "ve", "gro", "pin", "dal", "ser", "tho", "wen", "ya",
];
const FUNCTION: &[&str] =
    &["the", "of", "and", "to", "in", "a", "on", "for", "with", "that", "was", "by", "at", "from"];

fn word(i: usize) -> String {
    let n = SYLLABLES.len();
    let mut w = String::new();
    let mut x = i + n;
    while x > 0 {
        w.push_str(SYLLABLES[x % n]);
        x /= n;
    }
    w
}

fn sentence(rng: &mut Rng, names: &[String], vocab: usize) -> String {
    let len = 8 + rng.below(14);
    let mut words: Vec<String> = Vec::with_capacity(len);
    for k in 0..len {
        let w = match rng.below(10) {
            0..=3 => FUNCTION[rng.below(FUNCTION.len())].to_string(),
            4 if !names.is_empty() => names[rng.below(names.len())].clone(),
            _ => word(rng.zipf(vocab)),
        };
        words.push(if k == 0 { capitalize(&w) } else { w });
    }
    let mut s = words.join(" ");
    s.push('.');
    s
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// `n` distinct source articles "Title. Body" in the style of the news corpus.
pub fn sources(n: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let vocab = 6000;
    let topics: Vec<Vec<String>> =
        (0..n / 4 + 1).map(|t| (0..3).map(|k| capitalize(&word(20_000 + t * 3 + k))).collect()).collect();
    (0..n)
        .map(|i| {
            let names = &topics[rng.below(topics.len())];
            let title = sentence(&mut rng, names, vocab);
            let body: Vec<String> = (0..4 + rng.below(10)).map(|_| sentence(&mut rng, names, vocab)).collect();
            (format!("s{i:05}"), format!("{} {}", title.trim_end_matches('.'), body.join(" ")))
        })
        .collect()
}

/// Seeds, `n` generated sources and their synthetic rewrites and hard negatives, with
/// timestamps, in a shuffled (but deterministic) order.
pub fn corpus(n: usize, seed: u64) -> Vec<Doc> {
    let mut docs: Vec<(String, String)> = seeds();
    let mut config = SynthConfig::new(seed);
    config.rewrites_per_source(0, 3);
    docs.extend(generate(&sources(n, seed), &config).into_iter().map(|d| (d.id, d.text)));
    // A few exact copies and empty texts, which take other paths (identical texts, empty
    // signatures).
    let copies: Vec<(String, String)> =
        docs.iter().step_by(17).map(|(id, text)| (format!("{id}~copy"), text.clone())).collect();
    docs.extend(copies);
    docs.push(("empty-1".into(), String::new()));
    docs.push(("empty-2".into(), "   \n ".into()));
    let mut rng = Rng::new(seed ^ 0xABCD);
    let mut out: Vec<Doc> = docs
        .into_iter()
        .enumerate()
        .map(|(i, (id, text))| {
            let base = 1_700_000_000 + 600 * (i as i64);
            let timestamp = if id.contains('#') || id.contains('~') { base + rng.below(86_400) as i64 } else { base };
            Doc { id, text, timestamp }
        })
        .collect();
    for i in (1..out.len()).rev() {
        let j = rng.below(i + 1);
        out.swap(i, j);
    }
    out
}

#[test]
fn corpus_is_deterministic_and_has_unique_ids() {
    let a = corpus(40, 1);
    assert_eq!(a, corpus(40, 1));
    let mut ids: Vec<&str> = a.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
    assert!(a.iter().any(|d| d.id.contains('#')));
}
