//! Regression tests: inputs found by fuzzing (fuzz/) and by the adversarial corpus, kept as
//! ordinary tests, and the reference implementations the optimised code must match exactly.

use reprint::group::cluster;

/// The first implementation of `group::cluster` (a fresh scan of the whole component per group,
/// quadratic on long chains), which the current one must match label for label.
mod reference {
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
                let strength =
                    |i: usize| -> f64 { adj[i].iter().filter(|(v, _)| alive.contains(v)).map(|(_, s)| s).sum() };
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
}

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn below(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m
    }
}

/// `cluster` gives exactly the reference's labels on random graphs: tied scores, duplicate and
/// self links, links out of range, NaN, infinite and signed-zero scores, missing priorities.
#[test]
fn cluster_matches_the_reference_implementation() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let scores = [0.5, 0.7, 0.35, 0.9, 1.0, 0.0, -0.0, f64::INFINITY, 0.1 + 0.2, 0.3];
    for case in 0..5_000u64 {
        let n = 1 + rng.below(40) as usize;
        let m = rng.below(4 * n as u64 + 1) as usize;
        let links: Vec<(usize, usize, f64)> = (0..m)
            .map(|_| {
                let s = if case % 50 == 0 && rng.below(5) == 0 {
                    f64::NAN
                } else if case % 3 == 0 {
                    scores[rng.below(scores.len() as u64) as usize]
                } else {
                    rng.below(1000) as f64 / 997.0
                };
                (rng.below(n as u64 + 2) as usize, rng.below(n as u64 + 2) as usize, s)
            })
            .collect();
        let priority: Vec<u64> = (0..rng.below(n as u64 + 1)).map(|_| rng.below(3)).collect();
        assert_eq!(
            cluster(n, &links, &priority),
            reference::cluster(n, &links, &priority),
            "case {case}: n = {n}, links = {links:?}, priority = {priority:?}"
        );
    }
}

/// Byte offset and length, inside the payload, of section `tag` of an index file.
fn section(payload: &[u8], tag: u32) -> (usize, usize) {
    let u32_at = |at: usize| u32::from_le_bytes(payload[at..at + 4].try_into().expect("4 bytes"));
    let u64_at = |at: usize| u64::from_le_bytes(payload[at..at + 8].try_into().expect("8 bytes")) as usize;
    let count = u32_at(0) as usize;
    (0..count)
        .map(|k| 8 + 24 * k)
        .find(|&at| u32_at(at) == tag)
        .map(|at| (u64_at(at + 8), u64_at(at + 16)))
        .expect("section present")
}

/// `bytes` (an index file) with `edit` applied to its payload and the checksums made valid again,
/// as a writer that meant harm (or a bug in one) would produce.
fn tamper(bytes: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    use xxhash_rust::xxh3::xxh3_64;
    let mut payload = bytes[64..].to_vec();
    edit(&mut payload);
    let mut out = bytes[..16].to_vec();
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
    let header_sum = xxh3_64(&out);
    out.extend_from_slice(&header_sum.to_le_bytes());
    out.resize(64, 0);
    out.extend_from_slice(&payload);
    out
}

/// Verification features in an index file are refused unless `DocFeatures::extract` could have
/// produced them, even behind valid checksums: a sentence key that is not its sentence's hash,
/// and a word count without words.
#[test]
fn tampered_features_in_a_sealed_index_are_refused() {
    use reprint::Deduplicator;
    use reprint::index::{Article, Index};
    let mut index = Index::new(Deduplicator::new());
    index.add(Article::new("a", "Fresh gunfire was reported in the town. The truce held until noon.")).expect("add");
    index.add(Article::new("b", "")).expect("add");
    let bytes = index.to_bytes();
    assert!(Index::from_bytes(&tamper(&bytes, |_| {})).is_ok(), "resealing alone changes nothing");
    let payload = &bytes[64..];
    let (features, _) = section(payload, 11);
    let (offsets, _) = section(payload, 10);
    let word = |p: &[u8], at: usize| u32::from_le_bytes(p[at..at + 4].try_into().expect("4 bytes"));
    // Article "a": [total, bag, sentences, numbers, numbers.., bag.., ends.., keys.., words..].
    let a = features + 4 * u64::from_le_bytes(payload[offsets..offsets + 8].try_into().expect("8")) as usize;
    let (bag, numbers) = (word(payload, a + 4) as usize, word(payload, a + 12) as usize);
    let sentences = word(payload, a + 8) as usize;
    assert_eq!(sentences, 2);
    let key = a + 4 * (4 + numbers + bag + sentences);
    let bad_key = tamper(&bytes, |p| p[key] ^= 1);
    let e = Index::from_bytes(&bad_key).expect_err("a wrong sentence key is refused");
    assert_eq!(e.kind(), reprint::ErrorKind::Format, "{e}");
    // Article "b" (no words): a word count of 3.
    let b = features + 4 * u64::from_le_bytes(payload[offsets + 8..offsets + 16].try_into().expect("8")) as usize;
    assert_eq!(word(payload, b + 4), 0, "b has no words");
    let ghost = tamper(&bytes, |p| p[b] = 3);
    assert!(Index::from_bytes(&ghost).is_err(), "a word count without words is refused");
}
