//! Helpers shared by the integration tests: `mod support;` in a test file.

#![allow(dead_code)]

#[cfg(feature = "cli")]
pub mod cli;

use std::path::Path;

/// The seed articles as `(id, text)`, `id` the file name's three-digit prefix, in id order:
/// the BBC story `001`, its paraphrase `000`, and three other stories on the same events.
pub fn seeds() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/seeds");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("seed folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            (stem.chars().take(3).collect(), std::fs::read_to_string(f).expect("seed text"))
        })
        .collect()
}

/// News sites that republish stories.
pub const SITES: [&str; 5] =
    ["The Daily Ledger", "Metro Wire Online", "Northern Courier", "Valley Times", "Coastal Herald"];

/// `text` as site `SITES[k % 5]` republishes it: its navigation line before, its footer after.
pub fn site_copy(k: usize, text: &str) -> String {
    let site = SITES[k % SITES.len()];
    format!("{site}. Home | News | Sport | Weather\n{text}\nShare this article. Copyright {site}.")
}

/// A deterministic xorshift generator.
pub struct Rng(pub u64);

impl Rng {
    /// A number below `m`.
    pub fn below(&mut self, m: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % m as u64) as usize
    }
}
