//! The seed articles: the BBC article `001` and its heavy paraphrase `000` group together;
//! `002`, `003` and `004` (different articles on the same events) stay apart.

mod support;

use reprint::Deduplicator;
use reprint::group::Stage;
use support::seeds;

fn clusters(items: &[(String, String)]) -> Vec<(String, String)> {
    let g = Deduplicator::new().group(items).unwrap();
    let mut out: Vec<(String, String)> =
        (0..items.len()).map(|i| (items[i].0.clone(), items[g.representative_of(i).unwrap()].0.clone())).collect();
    out.sort();
    out
}

#[test]
fn default_configuration_groups_the_seeds_exactly() {
    let items = seeds();
    assert_eq!(items.len(), 5);
    let c = clusters(&items);
    let rep = |id: &str| c.iter().find(|x| x.0 == id).unwrap().1.clone();
    assert_eq!(rep("000"), rep("001"), "the paraphrase must join the BBC article");
    for other in ["002", "003", "004"] {
        assert_eq!(rep(other), other, "{other} must stay alone");
    }
}

#[test]
fn the_paraphrase_link_carries_evidence() {
    let items = seeds();
    let g = Deduplicator::new().group(&items).unwrap();
    let group = g.group_of(0).unwrap();
    assert_eq!(group.len(), 2);
    let link = group.links()[0];
    // Word 5-grams share too little (Jaccard 0.04): the rare-word stage finds the pair.
    assert_eq!(link.stage, Stage::Keywords);
    assert!(link.evidence.score >= Deduplicator::new().config().threshold);
    assert!(link.evidence.aligned_sentences >= 3, "{:?}", link.evidence);
    assert!(!link.evidence.exact);
}

#[test]
fn seed_groups_do_not_depend_on_input_order() {
    let items = seeds();
    let base = clusters(&items);
    for rot in 1..items.len() {
        let mut shuffled = items.clone();
        shuffled.rotate_left(rot);
        shuffled.swap(0, 2);
        assert_eq!(clusters(&shuffled), base);
    }
}

/// The seeds with `copies(id)` more sites publishing each, under their own masthead, navigation
/// and footer, and each item's story.
fn republished(copies: impl Fn(&str) -> usize) -> (Vec<(String, String)>, Vec<&'static str>) {
    let mut items = Vec::new();
    let mut story = Vec::new();
    for (i, (id, text)) in seeds().into_iter().enumerate() {
        // 000 is a rewrite of 001: one story.
        let s = ["001", "001", "002", "003", "004"][i];
        for c in 0..copies(&id) {
            items.push((format!("{id}-{c}"), support::site_copy(i + c, &text)));
            story.push(s);
        }
        items.push((id, text));
        story.push(s);
    }
    (items, story)
}

/// Each seed as `k` more sites publish it.
fn syndicated(k: usize) -> (Vec<(String, String)>, Vec<&'static str>) {
    republished(|_| k)
}

#[test]
fn syndicated_seeds_group_by_story() {
    // A wire story and its rewrite are each republished: the rewrite must still find the story
    // (its rarest words are no longer shared with one document only), and the three other
    // articles on the same events must still stay apart.
    for k in [1, 2, 4] {
        let (items, story) = syndicated(k);
        let g = Deduplicator::new().group(&items).unwrap();
        for a in 0..items.len() {
            for b in 0..items.len() {
                let together = g.representative_of(a) == g.representative_of(b);
                assert_eq!(together, story[a] == story[b], "k = {k}: {} and {}", items[a].0, items[b].0);
            }
        }
    }
}

/// The seeds with only one of them republished: `k` copies of `which`, every other seed alone.
fn one_sided(which: &str, k: usize) -> (Vec<(String, String)>, Vec<&'static str>) {
    republished(|id| if id == which { k } else { 0 })
}

#[test]
fn seeds_with_one_side_syndicated_group_by_story() {
    // Only one side of the story is republished: the copies make the words the seed shares with
    // its rewrite common by document count, but not by family (the copies are one family), so
    // the rewrite must still join the story and the other articles stay apart.
    for which in ["000", "001"] {
        for k in [1, 3, 10] {
            let (items, story) = one_sided(which, k);
            let g = Deduplicator::new().group(&items).unwrap();
            for a in 0..items.len() {
                for b in 0..items.len() {
                    let together = g.representative_of(a) == g.representative_of(b);
                    assert_eq!(
                        together,
                        story[a] == story[b],
                        "{which} only, k = {k}: {} and {}",
                        items[a].0,
                        items[b].0
                    );
                }
            }
        }
    }
}
