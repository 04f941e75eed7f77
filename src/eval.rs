//! The evaluation layer: scores a grouping against a known truth.
//!
//! - pairwise precision, recall and F1 over within-group pairs (a pair is positive when both
//!   items share a group), computed from the contingency table without enumerating pairs;
//! - the Adjusted Rand Index (Hubert and Arabie 1985);
//! - B-cubed precision, recall and F1 (Bagga and Baldwin 1998);
//! - precision, recall, F1 and accuracy over explicitly labelled pairs.
//!
//! Conventions for degenerate cases: with no predicted pair, pairwise precision is 1 (nothing
//! was claimed wrongly); with no true pair, recall is 1; F1 is 0 when precision + recall is 0;
//! the ARI of two identical partitions is 1 even when it is otherwise undefined.
//!
//! # Example
//!
//! ```
//! use reprint::eval::{evaluate, PairLabel, score_pairs};
//!
//! # fn main() -> reprint::Result<()> {
//! let truth = ["a", "a", "b", "c"];
//! let pred = [1, 1, 1, 2];
//! let report = evaluate(&truth, &pred)?;
//! assert_eq!(report.pairwise.precision, 1.0 / 3.0);
//! assert_eq!(report.pairwise.recall, 1.0);
//!
//! let labelled = [PairLabel { predicted: true, label: true }, PairLabel { predicted: true, label: false }];
//! assert_eq!(score_pairs(labelled).accuracy, 0.5);
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::hash::Hash;

use crate::error::{Error, Result};

/// Precision, recall and F1.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        Prf { precision, recall, f1 }
    }
}

/// Every grouping metric of one prediction against one truth.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
    /// Number of items.
    pub items: usize,
    /// Number of true groups.
    pub truth_groups: usize,
    /// Number of predicted groups.
    pub predicted_groups: usize,
    /// Within-group pairs: true positives.
    pub true_positive_pairs: u64,
    /// Within-group pairs: false positives.
    pub false_positive_pairs: u64,
    /// Within-group pairs: false negatives.
    pub false_negative_pairs: u64,
    /// Pairwise precision, recall, F1.
    pub pairwise: Prf,
    /// Adjusted Rand Index.
    pub ari: f64,
    /// B-cubed precision, recall, F1.
    pub bcubed: Prf,
}

/// Pairs among `n <= 2^32` items: `n × (n - 1) < 2^64`.
fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// The most items [`evaluate`] accepts, so that every pair count fits a `u64`.
const MAX_ITEMS: u64 = 1 << 32;

/// Compares a predicted grouping with the truth: `truth[i]` and `pred[i]` are the group labels
/// of item `i`.
///
/// # Errors
///
/// [`ErrorKind::Input`](crate::ErrorKind::Input) if the slices differ in length or hold more
/// than 2^32 items.
pub fn evaluate<T: Hash + Eq, P: Hash + Eq>(truth: &[T], pred: &[P]) -> Result<Report> {
    if truth.len() != pred.len() {
        return Err(Error::input(format!("truth has {} items but the prediction has {}", truth.len(), pred.len())));
    }
    let n = truth.len();
    let Some(n64) = u64::try_from(n).ok().filter(|&n| n <= MAX_ITEMS) else {
        return Err(Error::input(format!("{n} items are more than the 2^32 that can be evaluated")));
    };
    // Group sizes and cell counts are at most `n`, and the pair counts of a partition add up to
    // at most `pairs(n)`, so none of the sums below overflows.
    let mut t_ids: HashMap<&T, usize> = HashMap::new();
    let mut p_ids: HashMap<&P, usize> = HashMap::new();
    let mut cells: HashMap<(usize, usize), u64> = HashMap::new();
    let mut t_size: Vec<u64> = Vec::new();
    let mut p_size: Vec<u64> = Vec::new();
    let mut item_cells = Vec::with_capacity(n);
    for (t, p) in truth.iter().zip(pred) {
        let next_t = t_ids.len();
        let ti = *t_ids.entry(t).or_insert(next_t);
        let next_p = p_ids.len();
        let pi = *p_ids.entry(p).or_insert(next_p);
        if ti == t_size.len() {
            t_size.push(0);
        }
        if pi == p_size.len() {
            p_size.push(0);
        }
        // A new label gets the next id, which is pushed above: `ti < t_size.len()`, `pi < p_size.len()`.
        t_size[ti] += 1;
        p_size[pi] += 1;
        *cells.entry((ti, pi)).or_insert(0) += 1;
        item_cells.push((ti, pi));
    }
    let tp: u64 = cells.values().map(|&c| pairs(c)).sum();
    let true_pairs: u64 = t_size.iter().map(|&c| pairs(c)).sum();
    let pred_pairs: u64 = p_size.iter().map(|&c| pairs(c)).sum();
    let precision = if pred_pairs == 0 { 1.0 } else { tp as f64 / pred_pairs as f64 };
    let recall = if true_pairs == 0 { 1.0 } else { tp as f64 / true_pairs as f64 };

    let total = pairs(n64) as f64;
    let expected = if total > 0.0 { true_pairs as f64 * pred_pairs as f64 / total } else { 0.0 };
    let max_index = 0.5 * (true_pairs as f64 + pred_pairs as f64);
    let ari = if (max_index - expected).abs() < 1e-12 {
        if tp == true_pairs && tp == pred_pairs { 1.0 } else { 0.0 }
    } else {
        (tp as f64 - expected) / (max_index - expected)
    };

    let (mut bp, mut br) = (0.0, 0.0);
    // Every item's cell was counted in `cells`, and its ids index the size vectors.
    for &(ti, pi) in &item_cells {
        let c = cells[&(ti, pi)] as f64;
        bp += c / p_size[pi] as f64;
        br += c / t_size[ti] as f64;
    }
    let bcubed = if n == 0 { Prf::new(1.0, 1.0) } else { Prf::new(bp / n as f64, br / n as f64) };

    Ok(Report {
        items: n,
        truth_groups: t_size.len(),
        predicted_groups: p_size.len(),
        true_positive_pairs: tp,
        // A cell lies within one true and one predicted group: `tp <= pred_pairs, true_pairs`.
        false_positive_pairs: pred_pairs - tp,
        false_negative_pairs: true_pairs - tp,
        pairwise: Prf::new(precision, recall),
        ari,
        bcubed,
    })
}

/// One labelled pair: whether the grouping put both items together, and the truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairLabel {
    /// The grouping put both items in one group.
    pub predicted: bool,
    /// The pair is truly the same content.
    pub label: bool,
}

/// Scores over labelled pairs.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PairScores {
    /// Number of pairs.
    pub pairs: usize,
    /// Positive pairs in the truth.
    pub positives: usize,
    /// Precision, recall and F1 of the positive class.
    pub prf: Prf,
    /// Fraction of pairs predicted correctly.
    pub accuracy: f64,
}

/// Precision, recall, F1 and accuracy over labelled pairs.
pub fn score_pairs(pairs: impl IntoIterator<Item = PairLabel>) -> PairScores {
    // Counted in `u64` whatever the width of `usize`: the counts and their sums are at most the
    // number of pairs iterated, which cannot reach 2^64 in practice.
    let (mut tp, mut fp, mut fneg, mut tn) = (0u64, 0u64, 0u64, 0u64);
    for p in pairs {
        match (p.predicted, p.label) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            (false, false) => tn += 1,
        }
    }
    let n = tp + fp + fneg + tn;
    let precision = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
    let recall = if tp + fneg == 0 { 1.0 } else { tp as f64 / (tp + fneg) as f64 };
    let count = |c: u64| usize::try_from(c).unwrap_or(usize::MAX);
    PairScores {
        pairs: count(n),
        positives: count(tp + fneg),
        prf: Prf::new(precision, recall),
        accuracy: if n == 0 { 0.0 } else { (tp + tn) as f64 / n as f64 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Hand-computed: truth {0,1,2},{3,4}; prediction {0,1},{2,3,4}.
    /// Pairs: truth 3+1 = 4, predicted 1+3 = 4, shared {0,1},{3,4} = 2.
    /// ARI: expected = 4*4/10 = 1.6, max = 4, (2-1.6)/(4-1.6) = 1/6.
    /// B-cubed precision: items 0,1: 2/2; item 2: 1/3; items 3,4: 2/3 -> (1+1+1/3+2/3+2/3)/5 = 11/15.
    /// B-cubed recall: items 0,1: 2/3; item 2: 1/3; items 3,4: 2/2 -> (2/3+2/3+1/3+1+1)/5 = 11/15.
    #[test]
    fn hand_computed() {
        let r = evaluate(&[0, 0, 0, 1, 1], &["x", "x", "y", "y", "y"]).unwrap();
        assert_eq!((r.true_positive_pairs, r.false_positive_pairs, r.false_negative_pairs), (2, 2, 2));
        assert!(close(r.pairwise.precision, 0.5) && close(r.pairwise.recall, 0.5) && close(r.pairwise.f1, 0.5));
        assert!(close(r.ari, 1.0 / 6.0), "{}", r.ari);
        assert!(close(r.bcubed.precision, 11.0 / 15.0) && close(r.bcubed.recall, 11.0 / 15.0));
        assert_eq!((r.truth_groups, r.predicted_groups), (2, 2));
    }

    #[test]
    fn identical_partitions() {
        let r = evaluate(&[1, 2, 3], &[7, 8, 9]).unwrap();
        assert_eq!(r.ari, 1.0);
        assert_eq!(r.pairwise.f1, 1.0);
        let r = evaluate(&[1, 1, 2, 2], &[5, 5, 6, 6]).unwrap();
        assert!(close(r.ari, 1.0));
        assert!(evaluate(&[1], &[1, 2]).is_err());
    }

    #[test]
    fn labelled_pairs() {
        let s = score_pairs([
            PairLabel { predicted: true, label: true },
            PairLabel { predicted: true, label: false },
            PairLabel { predicted: false, label: true },
            PairLabel { predicted: false, label: false },
            PairLabel { predicted: true, label: true },
        ]);
        assert!(close(s.accuracy, 0.6));
        assert!(close(s.prf.precision, 2.0 / 3.0) && close(s.prf.recall, 2.0 / 3.0));
        assert_eq!(s.positives, 3);
    }
}
