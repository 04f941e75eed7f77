//! `reprint` finds near-duplicate texts and groups news articles that are rewrites of the same
//! story: wire copies trimmed, re-headlined, wrapped in site boilerplate or reworded.
//!
//! # Quick start
//!
//! ```
//! use reprint::Deduplicator;
//!
//! # fn main() -> reprint::Result<()> {
//! let articles = [
//!     ("wire", "Azerbaijan dismissed the reports of renewed gunfire in Karabakh as completely false, \
//!               a day after a ceasefire brokered by Russia came into effect. Talks on the region's \
//!               future were held in the town of Yevlakh."),
//!     ("site", "BREAKING | World\nAzerbaijan dismissed the reports of renewed gunfire in Karabakh as \
//!               completely false, a day after a ceasefire brokered by Russia came into effect. \
//!               Talks on the region's future were held in the town of Yevlakh.\nShare on Facebook"),
//!     ("rates", "The central bank raised its main interest rate by half a point on Wednesday, its \
//!                fourth increase this year, citing inflation that has stayed above target."),
//! ];
//! let grouping = Deduplicator::new().group(&articles)?;
//! for group in grouping.groups() {
//!     let ids: Vec<&str> = group.members().iter().map(|&i| articles[i].0).collect();
//!     println!("{} <- {:?}", articles[group.representative()].0, ids);
//! }
//! assert_eq!(grouping.representative_of(0), grouping.representative_of(1));
//! assert_ne!(grouping.representative_of(0), grouping.representative_of(2));
//! # Ok(())
//! # }
//! ```
//!
//! # Layers
//!
//! Each stage of the pipeline is a public module that can be used on its own:
//!
//! | module | what it does |
//! |---|---|
//! | [`text`] | NFKC normalization, case and typography folding, word/char tokenizers, stopwords |
//! | [`shingle`] | word and character n-grams hashed with seeded xxh3 |
//! | [`minhash`] | MinHash signatures (classic and one-permutation), Jaccard estimates |
//! | [`simhash`] | 64-bit weighted SimHash, Hamming distance |
//! | [`lsh`] | MinHash banding index, SimHash permuted-table index, batch candidate pairs |
//! | [`group`] | verification evidence, chain-resistant grouping |
//! | [`eval`] | pairwise P/R/F1, ARI, B-cubed, labelled-pair scores |
//! | [`index`] | a persistent, incremental index for streams: add, remove, expire, save, load |
//! | [`synth`] | synthetic wire rewrites and hard negatives with known truth, for calibration |
//!
//! [`Deduplicator`] runs them all: candidates from MinHash LSH over word 5-grams (copies) and
//! from shared rare words (the keyword stage, for rewrites), verification by IDF-weighted overlap and ordered sentence
//! alignment, then grouping. `DESIGN.md` explains each default and the measurement behind it.
//!
//! # Choosing parameters
//!
//! - [`DeduplicatorBuilder::threshold`] is the verified score at which two texts are linked.
//!   Lower finds heavier rewrites and risks merging different stories on the same event.
//! - [`Channel`]s decide which pairs are verified at all; lower channel thresholds find more
//!   candidates at more cost.
//! - `reprint calibrate` (feature `cli`) sweeps thresholds on your own labelled data.
//!
//! # Crate features
//!
//! - `parallel` (default): rayon parallelism; without it, the same results sequentially.
//! - `serde`: `Serialize`/`Deserialize` for configurations, signatures and results.
//! - `cli`: the `reprint` command-line program.
//!
//! # Errors
//!
//! Every fallible function returns [`Result`], whose [`Error`] has a [`kind`](Error::kind).
//! No input text makes the public API panic.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod dedup;
mod error;
mod par;

pub mod eval;
pub mod group;
pub mod index;
pub mod lsh;
pub mod minhash;
pub mod shingle;
pub mod simhash;
pub mod synth;
pub mod text;

pub use dedup::{Analysis, Channel, Config, Deduplicator, DeduplicatorBuilder, MAX_TEXT_BYTES, Scored};
pub use error::{Error, ErrorKind, Result};
