//! Determinism on a generated corpus of thousands of articles with synthetic rewrites (copies,
//! truncations, rewordings, boilerplate, OCR noise) and hard negatives: the same groups, the same
//! representatives and the same scored links with 1 and 2 threads and in shuffled orders.
//! (`tests/determinism.rs` checks the same on a corpus of made-up words.)

mod support;

use reprint::Deduplicator;
use reprint::group::{Grouping, Link};
use reprint::synth::{SynthConfig, generate};
use support::Rng;

/// `n` news-like articles on overlapping topics: a title and eight sentences in paragraphs of
/// two, each story with a named subject of its own and numbers.
fn sources(n: usize) -> Vec<(String, String)> {
    const SUBJECTS: [&str; 20] = [
        "The government",
        "Local officials",
        "The central bank",
        "Police",
        "Union leaders",
        "The company",
        "Scientists",
        "Residents",
        "The mayor",
        "Investors",
        "Health authorities",
        "The ministry",
        "Rescue teams",
        "Farmers",
        "Teachers",
        "The court",
        "Airline staff",
        "Protesters",
        "The committee",
        "Engineers",
    ];
    const VERBS: [&str; 15] = [
        "announced",
        "rejected",
        "approved",
        "delayed",
        "criticised",
        "welcomed",
        "investigated",
        "launched",
        "suspended",
        "expanded",
        "questioned",
        "confirmed",
        "denied",
        "postponed",
        "defended",
    ];
    const OBJECTS: [&str; 15] = [
        "a new plan",
        "the proposal",
        "the budget",
        "the agreement",
        "a pay deal",
        "the merger",
        "an inquiry",
        "the project",
        "new rules",
        "the ceasefire",
        "the election results",
        "the tax increase",
        "a rescue mission",
        "the vaccine programme",
        "the strike",
    ];
    const PLACES: [&str; 16] = [
        "in Lisbon",
        "in Nairobi",
        "in Osaka",
        "in Lima",
        "in Gdansk",
        "in Porto Alegre",
        "in Izmir",
        "in Calgary",
        "in Hanoi",
        "in Accra",
        "in Tbilisi",
        "in Bergen",
        "in Cebu",
        "in Dakar",
        "in Perth",
        "in Quito",
    ];
    const TIMES: [&str; 10] = [
        "on Monday",
        "on Tuesday",
        "on Wednesday",
        "on Thursday",
        "on Friday",
        "last week",
        "this morning",
        "late on Friday",
        "over the weekend",
        "earlier this month",
    ];
    const TAILS: [&str; 8] = [
        ", officials said.",
        ", according to a statement.",
        " after weeks of talks.",
        " despite strong opposition.",
        ", reports said.",
        " amid rising costs.",
        " for the second time this year.",
        ".",
    ];
    const SYLLABLES: [&str; 12] = ["ka", "lo", "mir", "van", "te", "su", "bre", "dio", "nak", "ro", "pel", "zu"];
    let mut rng = Rng(0x005E_ED0F_C0A7);
    (0..n)
        .map(|s| {
            let mut name = String::new();
            let mut x = s + 12 * 12;
            while x > 0 {
                name.push_str(SYLLABLES[x % 12]);
                x /= 12;
            }
            let name = format!("{}{}", name[..1].to_uppercase(), &name[1..]);
            let mut pick = |list: &[&'static str]| list[rng.below(list.len())];
            let title = format!("{} {} {} {}", pick(&SUBJECTS), pick(&VERBS), pick(&OBJECTS), pick(&PLACES));
            let mut sentences = Vec::new();
            for k in 0..8 {
                let sentence = if k % 3 == 1 {
                    format!("{name} said {} people were affected {}{}", 10 + s * 37 % 9000, pick(&TIMES), pick(&TAILS))
                } else {
                    format!(
                        "{} {} {} {} {}{}",
                        pick(&SUBJECTS),
                        pick(&VERBS),
                        pick(&OBJECTS),
                        pick(&PLACES),
                        pick(&TIMES),
                        pick(&TAILS)
                    )
                };
                sentences.push(sentence);
            }
            let body: Vec<String> = sentences.chunks(2).map(|p| p.join(" ")).collect();
            (format!("story-{s:04}"), format!("{title}\n\n{}", body.join("\n\n")))
        })
        .collect()
}

/// For every item, `(id, id of its representative)`, sorted by id; and every scored candidate
/// pair by ids with the exact bits of its score, sorted: one run with `threads` threads.
/// Each item's representative by id, and each scored link by ids with its score's bits.
type Outcome = (Vec<(String, String)>, Vec<(String, String, u64)>);

fn run(dedup: &Deduplicator, items: &[(String, String)], threads: usize) -> Outcome {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let scored = pool.install(|| dedup.score(items)).expect("scoring");
    outcome(&scored.group(dedup.config().threshold), scored.links(), items)
}

/// Each item's representative in `g` by id, and `links` by ids with their scores' bits, sorted.
fn outcome(g: &Grouping, links: impl Iterator<Item = Link>, items: &[(String, String)]) -> Outcome {
    let mut reps: Vec<(String, String)> = (0..items.len())
        .map(|i| (items[i].0.clone(), items[g.representative_of(i).expect("in range")].0.clone()))
        .collect();
    reps.sort();
    let mut links: Vec<(String, String, u64)> = links
        .map(|l| {
            let (a, b) = (&items[l.a].0, &items[l.b].0);
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            (a.clone(), b.clone(), l.evidence.score.to_bits())
        })
        .collect();
    links.sort();
    (reps, links)
}

#[test]
fn same_groups_representatives_and_scores_for_any_thread_count_and_order() {
    let docs = generate(&sources(700), &SynthConfig::new(2024));
    let items: Vec<(String, String)> = docs.iter().map(|d| (d.id.clone(), d.text.clone())).collect();
    assert!(items.len() >= 2000, "{} documents", items.len());
    let dedup = Deduplicator::new();
    let (one, links) = run(&dedup, &items, 1);
    let mut shuffled = items.clone();
    let mut rng = Rng(99);
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i + 1));
    }
    let (two, two_links) = run(&dedup, &shuffled, 2);
    assert_eq!(two, one, "2 threads and a shuffled order changed the groups or representatives");
    assert_eq!(two_links, links, "2 threads and a shuffled order changed the scores");
    let mut reversed = items.clone();
    reversed.reverse();
    assert_eq!(run(&dedup, &reversed, 2).0, one, "the reversed order changed the groups");
    // The corpus has rewrites, most of them are found, and stories do not run together.
    let truth: std::collections::HashMap<&str, &str> =
        docs.iter().map(|d| (d.id.as_str(), d.cluster.as_str())).collect();
    let rep_of: std::collections::HashMap<&str, &str> = one.iter().map(|(i, r)| (i.as_str(), r.as_str())).collect();
    let rewrites: Vec<&reprint::synth::SynthDoc> = docs.iter().filter(|d| d.id != d.cluster).collect();
    let found = rewrites.iter().filter(|d| rep_of.get(d.id.as_str()) == rep_of.get(d.cluster.as_str())).count();
    assert!(found * 2 > rewrites.len(), "only {found} of {} rewrites joined their source", rewrites.len());
    // (The generated stories share one small vocabulary, so a few same-topic ones may join.)
    let wrong = one.iter().filter(|(i, r)| truth.get(i.as_str()) != truth.get(r.as_str())).count();
    assert!(wrong * 10 < items.len(), "{wrong} documents joined another story's group");
}

/// Each item's representative by id, and every link of every group by ids with its score's bits.
fn grouping_outcome(g: &Grouping, items: &[(String, String)]) -> Outcome {
    outcome(g, g.groups().iter().flat_map(|group| group.links().iter().cloned()), items)
}

#[test]
fn group_links_and_groups_as_scoring_every_pair_does() {
    // `group` keeps only links, and gives up measuring the pairs that cannot link; `score`
    // measures every candidate exactly. Same groups, same links, same score bits.
    let docs = generate(&sources(500), &SynthConfig::new(7));
    let items: Vec<(String, String)> = docs.iter().map(|d| (d.id.clone(), d.text.clone())).collect();
    let dedup = Deduplicator::new();
    let grouped = dedup.group(&items).expect("grouping");
    let scored = dedup.score(&items).expect("scoring").group(dedup.config().threshold);
    let (fast, all) = (grouping_outcome(&grouped, &items), grouping_outcome(&scored, &items));
    assert!(fast.1.len() > items.len() / 4, "only {} links", fast.1.len());
    assert_eq!(fast, all);
}
