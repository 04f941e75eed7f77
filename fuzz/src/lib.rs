//! Helpers shared by the fuzz targets: turning raw fuzz bytes into texts, and the invariants
//! every grouping must satisfy.

use reprint::group::Grouping;

pub mod reference_cluster;

/// Splits `data` into texts at `0xFF` bytes (a byte that never occurs in UTF-8), decoding each
/// piece lossily, so any byte string is a batch of texts and invalid UTF-8 becomes U+FFFD.
pub fn texts(data: &[u8], max: usize) -> Vec<String> {
    data.split(|&b| b == 0xFF).take(max).map(|t| String::from_utf8_lossy(t).into_owned()).collect()
}

/// Checks that a grouping of `n` items accounts for every item exactly once and is internally
/// consistent; panics (a fuzz finding) otherwise.
pub fn check_grouping(g: &Grouping, n: usize) {
    assert_eq!(g.len(), n, "the grouping must cover every item");
    let mut seen = vec![false; n];
    for group in g.groups() {
        assert!(!group.is_empty(), "empty group");
        let m = group.members();
        assert!(m.windows(2).all(|w| w[0] < w[1]), "members not ascending: {m:?}");
        assert!(m.binary_search(&group.representative()).is_ok(), "representative outside its group");
        for &i in m {
            assert!(i < n, "member {i} out of range");
            assert!(!seen[i], "item {i} is in two groups");
            seen[i] = true;
            assert_eq!(g.group_of(i).map(|x| x.representative()), Some(group.representative()));
        }
        for link in group.links() {
            assert!(link.a < link.b, "link not ordered: {link:?}");
            assert!(m.binary_search(&link.a).is_ok() && m.binary_search(&link.b).is_ok(), "link leaves its group");
            let s = link.evidence.score;
            assert!((0.0..=1.0).contains(&s), "score {s} outside [0, 1]");
        }
    }
    assert!(seen.iter().all(|&s| s), "an item is in no group");
    assert!(g.group_of(n).is_none());
}
