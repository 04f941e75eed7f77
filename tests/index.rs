//! The incremental index: groups equal to one-shot grouping over the same live articles, through
//! adds, bulk adds, saves and loads, removals, expiry and merges.

#[path = "index_corpus.rs"]
mod corpus;

use corpus::Doc;
use reprint::group::Grouping;
use reprint::index::{Article, Assignment, Index, Match, QueryResult, Snapshot};
use reprint::minhash::Scheme;
use reprint::{Channel, Config, Deduplicator, ErrorKind};

fn article(d: &Doc) -> Article<'_> {
    Article::new(&d.id, &d.text).at(d.timestamp)
}

/// One-shot grouping of `docs`, by position in id order.
fn one_shot(dedup: &Deduplicator, docs: &[&Doc]) -> (Vec<String>, Grouping) {
    let mut items: Vec<(String, &str)> = docs.iter().map(|d| (d.id.clone(), d.text.as_str())).collect();
    items.sort();
    let grouping = dedup.group(&items).unwrap();
    (items.into_iter().map(|(id, _)| id).collect(), grouping)
}

/// The index's groups equal the one-shot groups of `live`, and every article's assignment
/// (found by following links from it alone) agrees with them.
fn assert_consistent(index: &Index, live: &[&Doc]) {
    let snapshot = index.grouping();
    let (ids, expected) = one_shot(index.deduplicator(), live);
    assert_eq!(snapshot.ids(), ids.as_slice());
    assert_eq!(snapshot.grouping(), &expected, "index groups differ from one-shot groups");
    for (i, id) in ids.iter().enumerate() {
        let a = index.assignment(id).unwrap();
        let group = expected.group_of(i).unwrap();
        assert_eq!(a.cluster(), ids[group.representative()], "cluster of {id}");
        let members: Vec<&str> = group.members().iter().map(|&m| ids[m].as_str()).collect();
        assert_eq!(a.members(), members.as_slice(), "members of the group of {id}");
    }
}

fn configs() -> Vec<(&'static str, Deduplicator)> {
    let mut channels = Config::default().channels;
    channels.push(Channel::rewrites());
    let rewrites = Config { channels, max_bucket: 4, ..Config::default() };
    let classic =
        Config { scheme: Scheme::Classic, num_hashes: 64, keywords: None, threshold: 0.3, ..Config::default() };
    vec![
        ("default", Deduplicator::new()),
        ("rewrites channel, max_bucket 4", Deduplicator::builder().config(rewrites).build().unwrap()),
        ("classic, no keywords", Deduplicator::builder().config(classic).build().unwrap()),
    ]
}

#[test]
fn half_built_saved_loaded_then_completed_equals_one_shot_of_the_whole() {
    let docs = corpus::corpus(80, 7);
    let (first, second) = docs.split_at(docs.len() / 2);
    for (name, dedup) in configs() {
        let mut index = Index::new(dedup.clone());
        let first_articles: Vec<Article> = first.iter().map(article).collect();
        index.add_batch(&first_articles).unwrap();
        let bytes = index.to_bytes();
        let mut loaded = Index::from_bytes(&bytes).unwrap();
        assert_eq!(loaded.to_bytes(), bytes, "{name}: save(load(save)) changed the bytes");
        let second_articles: Vec<Article> = second.iter().map(article).collect();
        let assignments = loaded.add_batch(&second_articles).unwrap();
        let all: Vec<&Doc> = docs.iter().collect();
        assert_consistent(&loaded, &all);
        // What add_batch reported is the final grouping.
        let snapshot = loaded.grouping();
        for a in &assignments {
            assert_eq!(Some(a.cluster()), snapshot.cluster_of(a.id()), "{name}: {}", a.id());
        }
        assert!(snapshot.grouping().num_duplicate_groups() > 20, "{name}: the corpus should have many groups");
    }
}

#[test]
fn articles_added_one_at_a_time_are_assigned_as_one_shot_groups_them() {
    let mut docs = corpus::corpus(30, 11);
    docs.sort_by_key(|d| d.timestamp);
    for (name, dedup) in configs() {
        let mut index = Index::new(dedup.clone());
        let mut live: Vec<&Doc> = Vec::new();
        let mut joined = 0;
        for (k, d) in docs.iter().enumerate() {
            let a = index.add(article(d)).unwrap();
            live.push(d);
            // What `add` reports (following links from the new article) is its group in the
            // grouping of everything live, which equals one-shot grouping (checked every 20
            // articles, as one-shot grouping re-analyzes every text).
            let snapshot = index.grouping();
            let i = snapshot.ids().binary_search(&d.id).unwrap();
            let group = snapshot.grouping().group_of(i).unwrap();
            assert_eq!(Some(a.cluster()), snapshot.cluster_of(&d.id), "{name}: {}", d.id);
            let members: Vec<&str> = group.members().iter().map(|&m| snapshot.ids()[m].as_str()).collect();
            assert_eq!(a.members(), members.as_slice(), "{name}: {}", d.id);
            assert_eq!(a.is_new(), group.len() == 1);
            joined += usize::from(!a.is_new());
            if k % 20 == 19 {
                let (_, expected) = one_shot(&dedup, &live);
                assert_eq!(snapshot.grouping(), &expected, "{name}: after {} articles", k + 1);
            }
        }
        assert!(joined > 10, "{name}: only {joined} articles joined a group");
        assert_consistent(&index, &live);
    }
}

#[test]
fn syndicated_copies_added_one_at_a_time_then_removed_group_as_one_shot() {
    // Each seed also published by three sites: the keyword stage counts the copies of a story as
    // one family, and the index must count them as a one-shot run does whatever is live.
    let mut docs = Vec::new();
    for (i, (id, text)) in corpus::seeds().into_iter().enumerate() {
        for c in 0..3 {
            // Four sites take turns.
            let page = corpus::support::site_copy((i + c) % 4, &text);
            docs.push(Doc { id: format!("{id}-{c}"), text: page, timestamp: (i * 10 + c) as i64 });
        }
        docs.push(Doc { id, text, timestamp: (i * 10 + 5) as i64 });
    }
    let order = interleaved(docs.len());
    let (mut index, mut live) = added_one_at_a_time(&docs, &order);
    // 000 (a paraphrase of 001) and its copies are 001's story; the other seeds stay apart.
    let snapshot = index.grouping();
    assert_eq!(snapshot.cluster_of("000-1"), snapshot.cluster_of("001"));
    assert_ne!(snapshot.cluster_of("002"), snapshot.cluster_of("003"));
    let bytes = index.to_bytes();
    assert_eq!(Index::from_bytes(&bytes).unwrap().grouping(), snapshot);
    let removal: Vec<usize> =
        order.iter().rev().step_by(2).chain(order.iter().rev().skip(1).step_by(2)).copied().collect();
    removed_one_at_a_time(&mut index, &mut live, &docs, &removal);
}

/// Positions `0..n` interleaved (step 7), so that neighbours (copies of one story) alternate
/// with others.
fn interleaved(n: usize) -> Vec<usize> {
    (0..n).map(|k| (k * 7) % n).collect()
}

/// An index of `docs` added one at a time in `order`, checked against one-shot grouping after
/// each, with the live documents.
fn added_one_at_a_time<'a>(docs: &'a [Doc], order: &[usize]) -> (Index, Vec<&'a Doc>) {
    let mut index = Index::default();
    let mut live: Vec<&Doc> = Vec::new();
    for &k in order {
        index.add(article(&docs[k])).unwrap();
        live.push(&docs[k]);
        assert_consistent(&index, &live);
    }
    (index, live)
}

/// Removes `docs` in `order` from `index` (which holds `live`, and then nothing), checked
/// against one-shot grouping after each.
fn removed_one_at_a_time(index: &mut Index, live: &mut Vec<&Doc>, docs: &[Doc], order: &[usize]) {
    for &k in order {
        assert!(index.remove(&docs[k].id));
        live.retain(|d| d.id != docs[k].id);
        assert_consistent(index, live);
    }
    assert!(index.is_empty());
}

/// The seeds with `k` site copies of `which` only (timestamps: the copies first, in order, from
/// 100; the seeds from 200).
fn one_side_syndicated(which: &str, k: usize) -> Vec<Doc> {
    let mut docs = Vec::new();
    for (i, (id, text)) in corpus::seeds().into_iter().enumerate() {
        if id == which {
            for c in 0..k {
                let page = corpus::support::site_copy(c, &text);
                docs.push(Doc { id: format!("{id}-{c}"), text: page, timestamp: (100 + c) as i64 });
            }
        }
        docs.push(Doc { id, text, timestamp: (200 + i) as i64 });
    }
    docs
}

#[test]
fn one_side_syndicated_added_one_at_a_time_then_removed_groups_as_one_shot() {
    // Copies of one side of a story change the number of families and which words are common
    // by family: word weights count families, and the index must count them as a one-shot run
    // does whatever is live, so that the rewrite keeps finding its story.
    for (which, k) in [("000", 3), ("001", 3), ("000", 10), ("001", 10)] {
        let docs = one_side_syndicated(which, k);
        let order = interleaved(docs.len());
        let (mut index, mut live) = added_one_at_a_time(&docs, &order);
        let snapshot = index.grouping();
        assert_eq!(snapshot.cluster_of("000"), snapshot.cluster_of("001"), "{which} k = {k}");
        assert_eq!(snapshot.cluster_of(&format!("{which}-0")), snapshot.cluster_of("001"), "{which} k = {k}");
        for other in ["002", "003", "004"] {
            assert_eq!(snapshot.cluster_of(other), Some(other), "{which} k = {k}");
        }
        // A query for the rewrite finds its story.
        let (query_id, query_text) = if which == "000" { ("001", &docs[docs.len() - 4]) } else { ("000", &docs[0]) };
        assert_eq!(query_text.id, query_id);
        let found = index.query(&query_text.text, 3);
        assert_eq!(found.cluster.as_deref(), snapshot.cluster_of(query_id), "{which} k = {k}: query");
        // Save and load, expiry of the copies, merge of two halves: still one-shot groups.
        let loaded = Index::from_bytes(&index.to_bytes()).unwrap();
        assert_eq!(loaded.grouping(), snapshot);
        let mut expired = loaded;
        expired.expire(100 + (k / 2) as i64);
        let kept: Vec<&Doc> = docs.iter().filter(|d| d.timestamp >= 100 + (k / 2) as i64).collect();
        assert_eq!(expired.len(), kept.len());
        assert_consistent(&expired, &kept);
        let (mut left, mut right) = (Index::default(), Index::default());
        for (j, d) in docs.iter().enumerate() {
            let half = if j % 2 == 0 { &mut left } else { &mut right };
            half.add(article(d)).unwrap();
        }
        left.merge(&right).unwrap();
        let all: Vec<&Doc> = docs.iter().collect();
        assert_consistent(&left, &all);
        assert_eq!(left.grouping(), snapshot);
        let removal: Vec<usize> = order.iter().rev().copied().collect();
        removed_one_at_a_time(&mut index, &mut live, &docs, &removal);
    }
}

#[test]
fn bulk_and_one_by_one_adds_build_the_same_index() {
    let docs = corpus::corpus(30, 3);
    let articles: Vec<Article> = docs.iter().map(article).collect();
    let mut bulk = Index::default();
    bulk.add_batch(&articles).unwrap();
    let mut single = Index::default();
    for a in articles.iter().rev() {
        single.add(*a).unwrap();
    }
    assert_eq!(bulk.to_bytes(), single.to_bytes());
    assert_eq!(bulk.grouping(), single.grouping());
    assert_eq!(bulk.len(), docs.len());
}

#[test]
fn removed_and_expired_articles_leave_no_trace() {
    let docs = corpus::corpus(60, 5);
    let articles: Vec<Article> = docs.iter().map(article).collect();
    let mut index = Index::default();
    index.add_batch(&articles).unwrap();

    // Remove every third article, then expire the oldest quarter.
    let removed: Vec<&str> = docs.iter().step_by(3).map(|d| d.id.as_str()).collect();
    for id in &removed {
        assert!(index.remove(id));
        assert!(!index.remove(id), "removing twice");
    }
    let mut times: Vec<i64> = docs.iter().map(|d| d.timestamp).collect();
    times.sort_unstable();
    let cutoff = times[times.len() / 4];
    let expired = index.expire(cutoff);
    let mut expected_expired: Vec<&str> = docs
        .iter()
        .filter(|d| d.timestamp < cutoff && !removed.contains(&d.id.as_str()))
        .map(|d| d.id.as_str())
        .collect();
    expected_expired.sort_unstable();
    assert_eq!(expired, expected_expired);
    assert!(index.expire(cutoff).is_empty());

    let live: Vec<&Doc> = docs.iter().filter(|d| d.timestamp >= cutoff && !removed.contains(&d.id.as_str())).collect();
    assert_eq!(index.len(), live.len());
    assert!(index.time_range().unwrap().0 >= cutoff);
    assert_consistent(&index, &live);

    // No gone article is ever returned, even when querying with its own text.
    for d in docs.iter().filter(|d| !index.contains(&d.id)) {
        let found = index.query(&d.text, usize::MAX);
        assert!(found.matches.iter().all(|m| index.contains(&m.id)), "{} matched a removed article", d.id);
        assert!(found.cluster.as_deref().is_none_or(|c| index.contains(c)));
    }
    // The index is exactly the one built from the live articles alone, file bytes included.
    let mut fresh = Index::default();
    fresh.add_batch(&live.iter().map(|d| article(d)).collect::<Vec<_>>()).unwrap();
    assert_eq!(index.to_bytes(), fresh.to_bytes());

    // Removed ids can be added again.
    let back = docs.iter().find(|d| d.id == removed[0]).unwrap();
    index.add(article(back)).unwrap();
    assert!(index.contains(&back.id));
}

#[test]
fn articles_without_timestamps_never_expire() {
    let mut index = Index::default();
    index.add(Article::new("kept", "An article without a time of its own stays in the index.")).unwrap();
    index.add(Article::new("old", "An old article with a time goes when it expires.").at(10)).unwrap();
    assert_eq!(index.expire(i64::MAX), ["old"]);
    assert_eq!(index.ids(), ["kept"]);
    assert_eq!(index.timestamp("kept"), None);
    assert_eq!(index.time_range(), None);
}

#[test]
fn merged_halves_equal_the_whole() {
    let docs = corpus::corpus(50, 9);
    let (a, b) = docs.split_at(docs.len() / 3);
    let build = |part: &[Doc]| {
        let mut index = Index::default();
        index.add_batch(&part.iter().map(article).collect::<Vec<_>>()).unwrap();
        index
    };
    let (mut left, right, whole) = (build(a), build(b), build(&docs));
    assert_eq!(left.merge(&right).unwrap(), b.len());
    assert_eq!(left.to_bytes(), whole.to_bytes());
    assert_eq!(left.grouping(), whole.grouping());

    // Shared ids and different configurations are refused, leaving the index unchanged.
    let before = left.to_bytes();
    assert_eq!(left.merge(&right).unwrap_err().kind(), ErrorKind::Input);
    let other = Index::new(Deduplicator::builder().threshold(0.5).build().unwrap());
    let err = left.merge(&other).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Incompatible);
    assert!(err.to_string().contains("threshold 0.5"), "{err}");
    assert_eq!(left.to_bytes(), before);
}

#[test]
fn duplicate_ids_are_refused_and_change_nothing() {
    let mut index = Index::default();
    index.add(Article::new("a", "First article about the harbour strike.")).unwrap();
    let before = index.to_bytes();
    let err = index.add(Article::new("a", "Another text")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(err.to_string().contains("already in the index"));
    let err = index.add_batch(&[Article::new("b", "x"), Article::new("b", "y")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Input);
    assert_eq!(
        index.add_batch(&[Article::new("c", "x"), Article::new("a", "y")]).unwrap_err().kind(),
        ErrorKind::Input
    );
    assert_eq!(index.to_bytes(), before);
    assert_eq!(index.len(), 1);
}

#[test]
fn query_finds_the_original_without_inserting() {
    let seeds = corpus::seeds();
    let mut index = Index::default();
    let articles: Vec<Article> = seeds.iter().map(|(id, text)| Article::new(id, text)).collect();
    index.add_batch(&articles).unwrap();
    let before = index.to_bytes();
    // 000 is a heavy paraphrase of 001: the seed truth.
    let found = index.query(&seeds[0].1, 3);
    assert_eq!(found.matches[0].id, "000");
    assert_eq!(found.matches[0].score, 1.0);
    assert!(found.matches[0].evidence.exact);
    assert!(found.matches.len() <= 3);
    let cluster = index.assignment("000").unwrap().cluster().to_string();
    assert_eq!(found.cluster.as_deref(), Some(cluster.as_str()));
    assert_eq!(index.assignment("001").unwrap().cluster(), cluster);
    // A site copy of 003 finds 003 first and would join its group.
    let copy = format!("Home | World | Europe\n\n{}\n\nRead more: related stories", seeds[3].1);
    let found = index.query(&copy, 10);
    assert_eq!(found.matches[0].id, "003");
    assert!(found.matches[0].score >= index.config().threshold);
    assert_eq!(found.cluster.as_deref(), Some("003"));
    assert!(found.matches.windows(2).all(|w| w[0].score >= w[1].score));
    // Nothing like it.
    let found = index.query("Quarterly results at the paper mill beat forecasts.", 10);
    assert_eq!(found.cluster, None);
    assert_eq!(index.to_bytes(), before, "query must not change the index");
    assert_eq!(index.query("", 10), QueryResult { matches: vec![], cluster: None });
}

#[test]
fn seeds_group_as_the_truth_says() {
    let seeds = corpus::seeds();
    let mut index = Index::default();
    let mut last = None;
    for (id, text) in &seeds {
        last = Some(index.add(Article::new(id, text)).unwrap());
    }
    let snapshot = index.grouping();
    let groups: Vec<Vec<&str>> = snapshot.groups().map(|(_, m)| m).collect();
    assert_eq!(groups, vec![vec!["000", "001"], vec!["002"], vec!["003"], vec!["004"]]);
    assert!(last.unwrap().is_new());
    assert_eq!(index.assignment("001").unwrap().members(), ["000", "001"]);
    assert_eq!(index.assignment("missing"), None);
}

#[test]
fn public_types_are_send_sync_unwind_safe_and_debug() {
    fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe + std::fmt::Debug>() {}
    check::<Index>();
    check::<Article<'static>>();
    check::<Assignment>();
    check::<Match>();
    check::<QueryResult>();
    check::<Snapshot>();
    let debug = format!("{:?}", Index::default());
    assert!(debug.starts_with("Index { len: 0"), "{debug}");
}

#[cfg(feature = "serde")]
#[test]
fn results_serialize() {
    let mut index = Index::default();
    let a = index.add(Article::new("x", "Dock workers ended a week-long strike on Friday.")).unwrap();
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(json, r#"{"id":"x","cluster":"x","members":["x"]}"#);
    let back: Assignment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    let snapshot = index.grouping();
    let back: Snapshot = serde_json::from_str(&serde_json::to_string(&snapshot).unwrap()).unwrap();
    assert_eq!(back, snapshot);
}
