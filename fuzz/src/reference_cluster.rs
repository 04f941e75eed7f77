//! The first implementation of `reprint::group::cluster` (a fresh scan of the whole component
//! per group: quadratic on long chains), kept as the reference the current one must match
//! exactly: same labels for any links and priorities.

/// `reprint::group::cluster` as first written.
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
