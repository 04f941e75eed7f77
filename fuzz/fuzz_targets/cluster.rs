//! `group::cluster` on arbitrary links (out-of-range ends, self-links, duplicates, NaN and
//! infinite scores) and priorities: labels are representatives of themselves, unlinked items
//! stay alone, every member is linked into its group, link order does not matter, and the
//! labels are exactly those of the first (quadratic) implementation.

#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::group::cluster;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 80);
    let mut links = Vec::new();
    let mut priority = Vec::new();
    for c in rest.chunks_exact(4) {
        let score = match c[2] {
            250 => f64::NAN,
            251 => f64::INFINITY,
            252 => -1.0,
            s => f64::from(s) / 249.0,
        };
        links.push((usize::from(c[0]), usize::from(c[1]), score));
        priority.push(u64::from(c[3]));
    }
    priority.truncate(n);
    let labels = cluster(n, &links, &priority);
    assert_eq!(labels.len(), n);
    assert_eq!(labels, reprint_fuzz::reference_cluster::cluster(n, &links, &priority), "differs from the reference");
    let linked = |a: usize, b: usize| links.iter().any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a));
    for i in 0..n {
        let rep = labels[i];
        assert!(rep < n && labels[rep] == rep, "label {rep} of {i} is not a representative");
        if i != rep {
            let group: Vec<usize> = (0..n).filter(|&j| labels[j] == rep && j != i).collect();
            assert!(group.iter().any(|&j| linked(i, j)), "{i} joined a group it has no link to");
        }
    }
    for i in 0..n {
        if !links.iter().any(|&(a, b, _)| a != b && a < n && b < n && (a == i || b == i)) {
            assert_eq!(labels[i], i, "unlinked item {i} was grouped");
        }
    }
    let mut shuffled: Vec<(usize, usize, f64)> = links.iter().rev().map(|&(a, b, s)| (b, a, s)).collect();
    shuffled.rotate_left(links.len() / 3);
    assert_eq!(cluster(n, &shuffled, &priority), labels, "link order changed the grouping");
});
