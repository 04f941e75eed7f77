//! The group layer: verified links between documents become groups that resist chaining.
//!
//! - [`features`]: per-document content words and sentences, and batch word weights ([`Idf`]).
//! - [`verify`]: the [`Evidence`] computed on each candidate pair.
//! - [`cluster`]: turns verified links into groups. Within each connected component, the
//!   member with the highest total link score becomes a representative; the group is the
//!   representative, every member linked to it directly, and every member linked to a majority
//!   of the group; the rest of the component is grouped again the same way. A chain of weak
//!   links (A–B, B–C, C–D, ...) therefore never builds one long group.
//!
//! The result of grouping is a [`Grouping`]: for each input item, its group, and for each
//! group its representative, its members and the links that justify it.

pub(crate) mod dense;
pub mod features;
pub mod keywords;
pub mod verify;

pub use features::{DocFeatures, FeatureBuffer, Idf, SentenceCounts, Weights};
pub use keywords::KeywordConfig;
pub use verify::{Evidence, Prepared, Verifier};

/// Which stage of the pipeline found a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Stage {
    /// Identical texts after normalization.
    Exact,
    /// A MinHash LSH channel, by its position in the configuration.
    MinHash(u8),
    /// Shared rare words ([`KeywordConfig`]).
    Keywords,
}

/// A verified link between two documents, by position in the input.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Link {
    /// Input position of one document.
    pub a: usize,
    /// Input position of the other.
    pub b: usize,
    /// The stage that first proposed the pair.
    pub stage: Stage,
    /// The verification evidence.
    pub evidence: Evidence,
}

/// One group of a [`Grouping`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Group {
    representative: usize,
    members: Vec<usize>,
    links: Vec<Link>,
}

impl Group {
    /// Input position of the representative.
    pub fn representative(&self) -> usize {
        self.representative
    }

    /// Input positions of the members, ascending (the representative included).
    pub fn members(&self) -> &[usize] {
        &self.members
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Always false: a group has at least one member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The verified links inside the group, strongest first.
    pub fn links(&self) -> &[Link] {
        &self.links
    }
}

/// The outcome of grouping a batch: every input item belongs to exactly one group.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Grouping {
    group_of: Vec<usize>,
    groups: Vec<Group>,
}

impl Grouping {
    /// Builds a grouping from each item's representative (a position) and the accepted links.
    ///
    /// Every label and every link end must be a position below `labels.len()`: the callers build
    /// them from positions ([`cluster`]'s labels, or positions in the index's id order).
    pub(crate) fn new(labels: &[usize], links: impl IntoIterator<Item = Link>) -> Grouping {
        let n = labels.len();
        // Indexes: `i`, every label and every link end are below `n` (see above); `number[l]` and
        // `group_of[i]` are below `groups.len()` once set.
        let mut groups: Vec<Group> = Vec::new();
        let mut number = vec![usize::MAX; n];
        let mut group_of = vec![0; n];
        for i in 0..n {
            let l = labels[i];
            if number[l] == usize::MAX {
                number[l] = groups.len();
                groups.push(Group { representative: l, members: Vec::new(), links: Vec::new() });
            }
            group_of[i] = number[l];
            groups[number[l]].members.push(i);
        }
        for link in links {
            let g = group_of[link.a];
            if g == group_of[link.b] {
                groups[g].links.push(link);
            }
        }
        for g in &mut groups {
            g.links.sort_by(|x, y| y.evidence.score.total_cmp(&x.evidence.score).then((x.a, x.b).cmp(&(y.a, y.b))));
        }
        Grouping { group_of, groups }
    }

    /// The groups, in order of their first member's input position.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group of input item `i`, or `None` if `i` is out of range.
    pub fn group_of(&self, i: usize) -> Option<&Group> {
        // `get`, not indexing: a deserialized grouping need not be consistent.
        self.group_of.get(i).and_then(|&g| self.groups.get(g))
    }

    /// The input position of item `i`'s representative, or `None` if `i` is out of range.
    pub fn representative_of(&self, i: usize) -> Option<usize> {
        self.group_of(i).map(|g| g.representative)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.group_of.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.group_of.is_empty()
    }

    /// Number of groups with more than one member.
    pub fn num_duplicate_groups(&self) -> usize {
        self.groups.iter().filter(|g| g.len() > 1).count()
    }
}

/// Groups `n` items from weighted links (`(a, b, score)`, any order), resisting chains.
///
/// `priority[i]` breaks ties between equally central candidates for representative (higher
/// wins; then the lower position). Returns, per item, a group label (the representative's
/// position).
///
/// The result depends only on the set of links and priorities, not on their order.
///
/// # Example
///
/// ```
/// use reprint::group::cluster;
///
/// // A chain 0-1-2-3-4 of equal links: no group spans it.
/// let links = [(0, 1, 0.5), (1, 2, 0.5), (2, 3, 0.5), (3, 4, 0.5)];
/// let labels = cluster(5, &links, &[0; 5]);
/// let biggest = (0..5).map(|r| labels.iter().filter(|&&l| l == r).count()).max().unwrap();
/// assert!(biggest <= 3);
/// ```
pub fn cluster(n: usize, links: &[(usize, usize, f64)], priority: &[u64]) -> Vec<usize> {
    // Every index below is an item below `n`: links outside `0..n` are dropped here, and
    // components, groups and candidates are built from `adj`. The counts in `linked` are at most
    // `n`, which is below `usize::MAX / 2` (`adj` holds `n` vectors), so `2 * linked[v]` fits.
    let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(a, b, s) in links {
        if a < n && b < n && a != b {
            adj[a].push((b, s));
            adj[b].push((a, s));
        }
    }
    for l in &mut adj {
        l.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
        l.dedup_by_key(|x| x.0);
    }
    let prio = |i: usize| priority.get(i).copied().unwrap_or(0);
    // With a NaN score, "highest total score" is the first of a plain scan (below), not an order.
    let has_nan = links.iter().any(|l| l.2.is_nan());
    let mut label: Vec<usize> = (0..n).collect();
    let mut done = vec![false; n];
    let mut in_group = vec![false; n];
    // Per item: still to be grouped, total score to the live members of its component (summed
    // in adjacency order, so exactly as a fresh sum), and links to the group being built.
    let mut alive = vec![false; n];
    let mut strength = vec![0.0f64; n];
    let mut linked = vec![0usize; n];
    let total = |i: usize, alive: &[bool]| -> f64 { adj[i].iter().filter(|(v, _)| alive[*v]).map(|(_, s)| s).sum() };
    // Candidates for representative, best last: highest strength, then priority, then position.
    let key = |i: usize, s: f64| (order_key(s), prio(i), std::cmp::Reverse(i));
    for start in 0..n {
        if done[start] || adj[start].is_empty() {
            continue;
        }
        // The connected component of `start`, ascending.
        let mut comp = vec![start];
        let mut seen = std::collections::HashSet::from([start]);
        let mut k = 0;
        while k < comp.len() {
            for &(v, _) in &adj[comp[k]] {
                if seen.insert(v) {
                    comp.push(v);
                }
            }
            k += 1;
        }
        comp.sort_unstable();
        for &v in &comp {
            alive[v] = true;
        }
        for &v in &comp {
            strength[v] = total(v, &alive);
        }
        let mut ranked: std::collections::BTreeSet<_> = comp.iter().map(|&i| key(i, strength[i])).collect();
        while let Some(&(_, _, std::cmp::Reverse(best))) = ranked.last() {
            // Representative: highest total score to remaining members, then priority, then position.
            let rep = if has_nan {
                let mut live = comp.iter().copied().filter(|&i| alive[i]);
                let mut rep = live.next().unwrap_or(best);
                let mut top = (strength[rep], prio(rep));
                for i in live {
                    let c = (strength[i], prio(i));
                    if c.0 > top.0 || (c.0 == top.0 && c.1 > top.1) {
                        rep = i;
                        top = c;
                    }
                }
                rep
            } else {
                best
            };
            let mut group = vec![rep];
            in_group[rep] = true;
            for &(v, _) in &adj[rep] {
                if alive[v] && !in_group[v] {
                    in_group[v] = true;
                    group.push(v);
                }
            }
            // Members linked to a strict majority of the group join too, until nothing changes:
            // passes in position order over the live items with a link into the group.
            let mut candidates = std::collections::BTreeSet::new();
            for &u in &group {
                for &(v, _) in &adj[u] {
                    if alive[v] && !in_group[v] {
                        linked[v] += 1;
                        candidates.insert(v);
                    }
                }
            }
            loop {
                let mut added = false;
                let mut from = 0;
                while let Some(&v) = candidates.range(from..).next() {
                    from = v + 1;
                    if 2 * linked[v] > group.len() {
                        in_group[v] = true;
                        group.push(v);
                        candidates.remove(&v);
                        added = true;
                        for &(u, _) in &adj[v] {
                            if alive[u] && !in_group[u] {
                                linked[u] += 1;
                                candidates.insert(u);
                            }
                        }
                    }
                }
                if !added {
                    break;
                }
            }
            for &v in &candidates {
                linked[v] = 0;
            }
            for &v in &group {
                label[v] = rep;
                done[v] = true;
                in_group[v] = false;
                alive[v] = false;
                linked[v] = 0;
                ranked.remove(&key(v, strength[v]));
            }
            // The live neighbours of the group lost links: their totals are summed again.
            let mut touched: Vec<usize> =
                group.iter().flat_map(|&v| adj[v].iter().map(|e| e.0)).filter(|&u| alive[u]).collect();
            touched.sort_unstable();
            touched.dedup();
            for u in touched {
                ranked.remove(&key(u, strength[u]));
                strength[u] = total(u, &alive);
                ranked.insert(key(u, strength[u]));
            }
        }
    }
    label
}

/// An integer that orders like `s` (for any `s` but NaN), with -0 equal to +0.
fn order_key(s: f64) -> i64 {
    // The casts reinterpret bits, by design.
    let bits = if s == 0.0 { 0 } else { s.to_bits() as i64 };
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_chain() {
        // A star around 0 groups whole; a pendant linked only to a leaf does not join.
        let links = [(0, 1, 0.9), (0, 2, 0.8), (0, 3, 0.7), (3, 4, 0.6)];
        let l = cluster(5, &links, &[0; 5]);
        assert_eq!(&l[..4], &[0, 0, 0, 0]);
        assert_eq!(l[4], 4);
    }

    #[test]
    fn majority_joins() {
        // 4 links to 1 and 2 but not to the representative 0; 1 and 2 are the whole group
        // besides 0, so 2 of 3 members is a majority.
        let links = [(0, 1, 0.9), (0, 2, 0.9), (1, 2, 0.9), (3, 1, 0.5), (3, 2, 0.5)];
        let l = cluster(4, &links, &[0; 4]);
        assert!(l.iter().all(|&x| x == l[0]), "{l:?}");
    }

    #[test]
    fn order_of_links_does_not_matter() {
        let mut links = vec![(0, 1, 0.5), (1, 2, 0.7), (2, 3, 0.5), (3, 4, 0.9), (5, 6, 0.4), (4, 6, 0.3)];
        let a = cluster(7, &links, &[1, 2, 3, 4, 5, 6, 7]);
        links.reverse();
        links.iter_mut().for_each(|l| std::mem::swap(&mut l.0, &mut l.1));
        assert_eq!(a, cluster(7, &links, &[1, 2, 3, 4, 5, 6, 7]));
    }
}
