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

pub mod features;
pub mod keywords;
pub mod verify;

pub use features::{DocFeatures, FeatureBuffer, Idf, SentenceCounts, Weights};
pub use keywords::KeywordConfig;
pub use verify::{Evidence, Verifier};

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
    pub(crate) fn new(labels: &[usize], links: Vec<Link>) -> Grouping {
        let n = labels.len();
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

    /// The same grouping with positions mapped through `order` (`order[p]` is the new
    /// position of old position `p`).
    pub(crate) fn remap(self, order: &[usize]) -> Grouping {
        let n = self.group_of.len();
        let mut labels = vec![0; n];
        for (p, &g) in self.group_of.iter().enumerate() {
            labels[order[p]] = order[self.groups[g].representative];
        }
        let links = self
            .groups
            .into_iter()
            .flat_map(|g| g.links)
            .map(|l| {
                let (a, b) = (order[l.a], order[l.b]);
                Link { a: a.min(b), b: a.max(b), ..l }
            })
            .collect();
        Grouping::new(&labels, links)
    }

    /// The groups, in order of their first member's input position.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group of input item `i`, or `None` if `i` is out of range.
    pub fn group_of(&self, i: usize) -> Option<&Group> {
        self.group_of.get(i).map(|&g| &self.groups[g])
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
    let mut label: Vec<usize> = (0..n).collect();
    let mut done = vec![false; n];
    let mut in_group = vec![false; n];
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
        let mut remaining = comp;
        while !remaining.is_empty() {
            // Representative: highest total score to remaining members, then priority, then position.
            let alive: std::collections::HashSet<usize> = remaining.iter().copied().collect();
            let strength = |i: usize| -> f64 { adj[i].iter().filter(|(v, _)| alive.contains(v)).map(|(_, s)| s).sum() };
            let mut rep = remaining[0];
            let mut best = (strength(rep), prio(rep));
            for &i in &remaining[1..] {
                let c = (strength(i), prio(i));
                if c.0 > best.0 || (c.0 == best.0 && c.1 > best.1) {
                    rep = i;
                    best = c;
                }
            }
            let mut group = vec![rep];
            in_group[rep] = true;
            for &(v, _) in &adj[rep] {
                if alive.contains(&v) && !in_group[v] {
                    in_group[v] = true;
                    group.push(v);
                }
            }
            // Members linked to a strict majority of the group join too, until nothing changes.
            loop {
                let mut added = false;
                for &v in &remaining {
                    if in_group[v] {
                        continue;
                    }
                    let linked = adj[v].iter().filter(|(u, _)| in_group[*u]).count();
                    if 2 * linked > group.len() {
                        in_group[v] = true;
                        group.push(v);
                        added = true;
                    }
                }
                if !added {
                    break;
                }
            }
            for &v in &group {
                label[v] = rep;
                done[v] = true;
                in_group[v] = false;
            }
            remaining.retain(|v| !done[*v]);
        }
    }
    label
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
