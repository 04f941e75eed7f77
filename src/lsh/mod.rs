//! The LSH layer: indexes that find candidate pairs without comparing every pair.
//!
//! - [`BandingParams`] and [`MinHashIndex`]: MinHash banding. A signature of `k = b × r`
//!   values is cut into `b` bands of `r` rows; two signatures become candidates when all rows of
//!   some band agree, which happens with probability `1 - (1 - J^r)^b` for Jaccard `J`.
//!   [`BandingParams::from_threshold`] picks `b` and `r` for a threshold by minimizing the
//!   weighted false-positive and false-negative areas under that S-curve.
//! - [`SimHashIndex`]: permuted tables for Hamming radius `k` (Manku, Jain and Das Sarma 2007):
//!   the 64 bits are cut into `k + 1` blocks and each table is keyed by one block, so by the
//!   pigeonhole principle every fingerprint within distance `k` shares a key in some table.
//! - [`candidate_pairs`]: all candidate pairs of a batch at once, from flat sorted tables.
//!
//! # Example
//!
//! ```
//! use reprint::lsh::{BandingParams, MinHashIndex};
//! use reprint::minhash::{MinHashConfig, MinHasher};
//!
//! # fn main() -> reprint::Result<()> {
//! let hasher = MinHasher::new(MinHashConfig::default())?;
//! let params = BandingParams::from_threshold(0.5, 128)?;
//! let mut index = MinHashIndex::new(params);
//! let docs = [
//!     "Azerbaijan dismissed the reports of gunfire in the region as completely false on Thursday",
//!     "Shares in the bank rose sharply after the quarterly results beat analysts' forecasts",
//! ];
//! for (i, d) in docs.iter().enumerate() {
//!     index.insert(i as u32, &hasher.sign(d))?;
//! }
//! let q = hasher.sign("Azerbaijan dismissed the reports of gunfire in the region as completely false on Friday");
//! assert_eq!(index.query(&q)?, vec![0]);
//! # Ok(())
//! # }
//! ```

mod banding;
mod simhash_index;

pub(crate) use banding::candidate_pairs_by_key;
pub use banding::{BandingParams, MinHashIndex, candidate_pairs};
pub use simhash_index::SimHashIndex;
