//! The same groups and representatives whatever the thread count or the input order, on a
//! generated corpus with copies and rewrites.

use reprint::Deduplicator;

/// A deterministic corpus: `n` base stories built from a small vocabulary, each with a few
/// edited copies (sentences dropped, words replaced, boilerplate added).
fn corpus(n: usize) -> Vec<(String, String)> {
    let vocab: Vec<String> = (0..3000).map(|i| format!("w{}", i * 7919 % 10007)).collect();
    let mut state = 0x1234_5678_9ABC_DEF0u64;
    let mut rnd = move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    let mut out = Vec::new();
    for s in 0..n {
        let sentences: Vec<String> = (0..8)
            .map(|_| {
                let words: Vec<&str> = (0..12).map(|_| vocab[rnd(vocab.len())].as_str()).collect();
                format!("{}.", words.join(" "))
            })
            .collect();
        out.push((format!("s{s}"), sentences.join(" ")));
        for c in 0..rnd(4) {
            let mut kept: Vec<String> = sentences.iter().filter(|_| rnd(5) != 0).cloned().collect();
            for sentence in &mut kept {
                if rnd(3) == 0 {
                    *sentence = sentence.replacen(' ', " edited ", 1);
                }
            }
            out.push((format!("s{s}c{c}"), format!("Home | News\n{}\nShare this story", kept.join(" "))));
        }
    }
    out
}

fn canonical(items: &[(String, String)], threads: usize) -> Vec<(String, String)> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let g = pool.install(|| Deduplicator::new().group(items).unwrap());
    let mut out: Vec<(String, String)> =
        (0..items.len()).map(|i| (items[i].0.clone(), items[g.representative_of(i).unwrap()].0.clone())).collect();
    out.sort();
    out
}

#[test]
fn same_groups_for_any_thread_count_and_order() {
    let items = corpus(700);
    assert!(items.len() > 1500, "{}", items.len());
    let one = canonical(&items, 1);
    let two = canonical(&items, 2);
    assert_eq!(one, two);
    let mut shuffled = items.clone();
    shuffled.reverse();
    let k = shuffled.len() / 3;
    shuffled.rotate_left(k);
    assert_eq!(canonical(&shuffled, 2), one);
    // The corpus has copies, and they are found.
    let grouped = one.iter().filter(|(id, rep)| id != rep).count();
    assert!(grouped > 500, "only {grouped} articles joined a group");
}
