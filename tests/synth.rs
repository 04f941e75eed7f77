//! Integration tests of `reprint::synth`: determinism, truth, each transform, hard negatives and
//! odd inputs. All texts are written inline.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use reprint::synth::{
    HardNegatives, SourceDedupe, SynthConfig, SynthDoc, Transform, dedupe_sources, generate, generate_each,
    may_be_same_story, rewrites_of,
};

const ARTICLES: &[(&str, &str)] = &[
    (
        "storm",
        "Storm cuts power to thousands on the coast. A powerful storm struck the northern coast on Monday night, \
         cutting power to more than 40,000 homes and forcing the closure of two ports. Winds of up to 120 \
         kilometres an hour brought down trees and power lines, and the coastguard rescued three fishermen. \
         The regional government said repair crews would work through the night. Some villages could be without \
         electricity until the weekend, officials warned. Schools in the area will stay closed on Tuesday. \
         Ferry services to the islands were cancelled for a second day. The weather service expects the wind to \
         ease by Wednesday afternoon.",
    ),
    (
        "floods",
        "Floods force evacuation of river towns. Hundreds of residents were evacuated from towns along the river \
         on Saturday after days of heavy rain pushed water levels to their highest in twenty years. Emergency \
         services used boats to reach families trapped in their homes, and the army was called in to build \
         temporary barriers. The mayor of the worst-hit town said the storm drains had been overwhelmed within \
         hours. Forecasters expect more rain early next week. Officials urged people not to drive through \
         flooded roads. Insurers said claims were likely to run into the millions.",
    ),
    (
        "rates",
        "Central bank raises rates for fourth time. The central bank raised its main interest rate by half a \
         point on Wednesday, its fourth increase this year. The governor said inflation had stayed above the \
         target for too long, and households should expect borrowing costs to remain high. Markets had \
         expected a smaller move, and the currency rose sharply after the announcement. Economists said the \
         decision showed the bank was more worried about prices than about slowing growth. The next policy \
         meeting is scheduled for June.",
    ),
    (
        "rates-hold",
        "Central bank holds rates as growth slows. The central bank left its main interest rate unchanged on \
         Thursday, saying a sharp slowdown in factory output and weaker consumer spending justified a pause. \
         The decision ended a run of three consecutive increases. The deputy governor said the bank would watch \
         wage data closely before deciding its next step. Bond yields fell after the statement, while the \
         currency slipped against the dollar. Some economists had forecast another small increase.",
    ),
    (
        "merger",
        "Steelmakers agree merger to cut costs. Two of the largest steel producers in the country agreed on \
         Tuesday to merge in a deal worth 4.2 billion dollars. The companies said the combination would save \
         about 300 million dollars a year by 2027, mainly by closing an older blast furnace. Unions said they \
         would seek guarantees that no plants would close without consultation. The deal needs approval from \
         competition authorities, which is expected to take up to a year. Shares in both companies rose more \
         than ten percent.",
    ),
    (
        "football",
        "Club sacks manager after seventh straight defeat. The football club dismissed its manager on Sunday, a \
         day after a heavy home loss extended its losing run to seven league games. The board thanked him for \
         leading the team to promotion two seasons ago but said results had fallen short. The assistant coach \
         will take charge of training until a replacement is found. Supporters had protested outside the \
         stadium before the match. Several senior players had publicly questioned the tactics of the team.",
    ),
];

fn sources() -> Vec<(String, String)> {
    ARTICLES.iter().map(|(id, t)| (id.to_string(), t.split_whitespace().collect::<Vec<_>>().join(" "))).collect()
}

fn only(t: Transform, strength: (f64, f64)) -> SynthConfig {
    let mut c = SynthConfig::new(11);
    c.only(&[t]).transforms_per_rewrite(1, 1).rewrites_per_source(4, 4).strength(strength.0, strength.1);
    c.hard_negatives(HardNegatives::Off);
    c
}

/// Sentences of the inline articles (they have no abbreviations): split after ". ".
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line.trim();
        while let Some(i) = rest.find(". ") {
            out.push(rest[..=i].to_string());
            rest = rest[i + 2..].trim_start();
        }
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
    }
    out
}

fn rewrites(docs: &[SynthDoc]) -> impl Iterator<Item = &SynthDoc> {
    docs.iter().filter(|d| d.kind != "source" && d.kind != "negative")
}

fn source_text<'a>(sources: &'a [(String, String)], id: &str) -> &'a str {
    &sources.iter().find(|(i, _)| i == id).expect("source").1
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[test]
fn output_is_deterministic_and_position_independent() {
    let src = sources();
    let config = SynthConfig::new(7);
    let a = generate(&src, &config);
    assert_eq!(a, generate(&src, &config));
    assert_ne!(a, generate(&src, &SynthConfig::new(8)));

    // A source's rewrites depend on (seed, id, stream), not on the other sources.
    let mut no_neg = SynthConfig::new(7);
    no_neg.hard_negatives(HardNegatives::Off);
    let forward = generate(&src, &no_neg);
    let reversed: Vec<(String, String)> = src.iter().rev().cloned().collect();
    let backward = generate(&reversed, &no_neg);
    let by_cluster = |docs: &[SynthDoc], c: &str| docs.iter().filter(|d| d.cluster == c).cloned().collect::<Vec<_>>();
    for (id, text) in &src {
        assert_eq!(by_cluster(&forward, id), by_cluster(&backward, id));
        assert_eq!(by_cluster(&forward, id), rewrites_of(id, text, &no_neg, 0));
    }
    assert_ne!(rewrites_of("storm", &src[0].1, &no_neg, 0), rewrites_of("storm", &src[0].1, &no_neg, 1));
}

#[test]
fn every_cluster_is_a_source_in_the_output() {
    let src = sources();
    let docs = generate(&src, &SynthConfig::new(3));
    let roots: HashSet<&str> =
        docs.iter().filter(|d| d.kind == "source" || d.kind == "negative").map(|d| d.id.as_str()).collect();
    let mut ids = HashSet::new();
    for d in &docs {
        assert!(ids.insert(d.id.as_str()), "duplicate id {}", d.id);
        assert!(roots.contains(d.cluster.as_str()), "{} has cluster {}", d.id, d.cluster);
        match d.kind.as_str() {
            "source" | "negative" => assert_eq!(d.id, d.cluster),
            kind => {
                assert!(d.id.starts_with(&format!("{}#r", d.cluster)));
                assert!(kind == "copy" || kind.split('+').all(|t| Transform::from_name(t).is_some()), "{kind}");
                let n = kind.split('+').count();
                assert!((1..=4).contains(&n), "{kind}");
            }
        }
    }
    assert!(rewrites(&docs).count() >= 2 * roots.len() - 2);
}

#[test]
fn truncation_is_a_prefix_ending_at_a_sentence_end() {
    let src = sources();
    let docs = generate(&src, &only(Transform::Truncate, (0.0, 1.0)));
    let mut seen = 0;
    for d in rewrites(&docs) {
        assert_eq!(d.kind, "truncate");
        let source = source_text(&src, &d.cluster);
        assert!(source.starts_with(&d.text), "{}", d.text);
        assert!(d.text.len() < source.len());
        assert!(d.text.ends_with('.'), "{}", d.text);
        assert!(source[d.text.len()..].starts_with(' '));
        let kept = d.text.split_whitespace().count() as f64 / source.split_whitespace().count() as f64;
        assert!((0.35..0.95).contains(&kept), "kept {kept}");
        seen += 1;
    }
    assert!(seen > 0);
}

#[test]
fn dropped_and_reordered_paragraphs_keep_the_lede_and_source_sentences() {
    let src = sources();
    let docs = generate(&src, &only(Transform::DropReorder, (0.0, 1.0)));
    for d in rewrites(&docs) {
        let source = sentences(source_text(&src, &d.cluster));
        assert_eq!(d.kind, "drop_reorder", "{} {:?}", d.id, source);
        let out = sentences(&d.text);
        assert_eq!(out[..2], source[..2], "title and lede stay first");
        assert!(out.iter().all(|s| source.contains(s)));
        assert!(out.len() * 5 >= (source.len() - 1) * 2, "{} of {}", out.len(), source.len());
        assert_ne!(out, source);
    }
}

#[test]
fn split_merge_changes_sentence_boundaries_not_content() {
    let src = sources();
    let docs = generate(&src, &only(Transform::SplitMerge, (0.0, 1.0)));
    let connectives: HashSet<&str> =
        ["and", "but", "so", "while", "meanwhile", "however", "although", "though", "yet"].into();
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| !connectives.contains(w.as_str()))
            .collect()
    };
    let mut seen = 0;
    for d in rewrites(&docs) {
        if d.kind == "copy" {
            continue;
        }
        assert_eq!(d.kind, "split_merge");
        let source = source_text(&src, &d.cluster);
        assert_eq!(words(source), words(&d.text));
        assert_ne!(sentences(source).len(), sentences(&d.text).len(), "{}", d.text);
        seen += 1;
    }
    assert!(seen > 0);
}

#[test]
fn reword_replaces_a_bounded_share_of_words() {
    let src = sources();
    let docs = generate(&src, &only(Transform::Reword, (1.0, 1.0)));
    for d in rewrites(&docs) {
        assert_eq!(d.kind, "reword");
        let source = source_text(&src, &d.cluster);
        let before: Vec<&str> = source.split_whitespace().collect();
        let after: HashSet<&str> = d.text.split_whitespace().collect();
        let kept = before.iter().filter(|w| after.contains(*w)).count() as f64 / before.len() as f64;
        assert!((0.6..1.0).contains(&kept), "kept {kept}: {}", d.text);
    }
}

#[test]
fn headline_replaces_the_title_and_keeps_the_body() {
    let src = sources();
    let docs = generate(&src, &only(Transform::Headline, (0.0, 1.0)));
    for d in rewrites(&docs) {
        assert_eq!(d.kind, "headline");
        let source = sentences(source_text(&src, &d.cluster));
        let first_line = d.text.lines().next().unwrap_or("");
        assert_ne!(first_line, source[0]);
        assert!(!first_line.is_empty() && first_line.split_whitespace().count() <= 20, "{first_line}");
        for s in &source[2..] {
            assert!(d.text.contains(s.as_str()), "missing {s}");
        }
    }
}

#[test]
fn boilerplate_wraps_every_sentence_and_is_shared_across_stories() {
    let src = sources();
    let mut config = only(Transform::Boilerplate, (0.0, 1.0));
    config.rewrites_per_source(6, 6);
    let docs = generate(&src, &config);
    let mut clusters_of_line: HashMap<&str, HashSet<&str>> = HashMap::new();
    for d in rewrites(&docs) {
        assert_eq!(d.kind, "boilerplate");
        let source = source_text(&src, &d.cluster);
        for s in sentences(source) {
            assert!(d.text.contains(&s), "missing {s}");
        }
        let extra: Vec<&str> = d.text.lines().filter(|l| !l.trim().is_empty() && !source.contains(l.trim())).collect();
        assert!(!extra.is_empty());
        for l in extra {
            clusters_of_line.entry(l).or_default().insert(&d.cluster);
        }
    }
    assert!(clusters_of_line.values().any(|c| c.len() >= 3), "boilerplate lines are shared by several stories");
}

#[test]
fn ocr_noise_rate_is_bounded() {
    let src = sources();
    for strength in [0.0, 1.0] {
        let docs = generate(&src, &only(Transform::Ocr, (strength, strength)));
        for d in rewrites(&docs) {
            assert_eq!(d.kind, "ocr");
            let source = source_text(&src, &d.cluster);
            let distance = levenshtein(source, &d.text);
            let rate = distance as f64 / source.chars().count() as f64;
            assert!(distance > 0 && rate < 0.06, "strength {strength}: rate {rate}");
        }
    }
}

#[test]
fn rewrites_stay_recognisable() {
    let src = sources();
    let mut config = SynthConfig::new(5);
    config.rewrites_per_source(10, 10).only(&[
        Transform::Truncate,
        Transform::DropReorder,
        Transform::Headline,
        Transform::Boilerplate,
    ]);
    let docs = generate(&src, &config);
    for d in rewrites(&docs) {
        let body = &sentences(source_text(&src, &d.cluster))[1..];
        let kept = body.iter().filter(|s| d.text.contains(s.as_str())).count();
        assert!(kept * 100 >= body.len() * 35, "{}: {kept} of {}", d.kind, body.len());
    }
}

#[test]
fn hard_negatives_are_other_stories_on_the_same_topic() {
    let src = sources();
    let mut config = SynthConfig::new(1);
    config.hard_negatives(HardNegatives::Fraction(1.0));
    let docs = generate(&src, &config);
    let negatives: Vec<&SynthDoc> = docs.iter().filter(|d| d.kind == "negative").collect();
    assert!(!negatives.is_empty());
    let pairs: HashSet<(&str, &str)> =
        negatives.iter().map(|d| (d.id.as_str(), d.negative_of.as_deref().unwrap_or(""))).collect();
    for n in &negatives {
        assert_eq!(n.cluster, n.id);
        assert_eq!(n.text, source_text(&src, &n.id));
        let anchor = n.negative_of.as_deref().expect("anchor");
        assert!(docs.iter().any(|d| d.id == anchor && d.kind == "source"));
        assert!(!docs.iter().any(|d| d.cluster == n.id && d.id != n.id), "negatives get no rewrites");
        assert!(!may_be_same_story(&n.text, source_text(&src, anchor)));
    }
    // The topic pairs find each other.
    let paired = |a: &str, b: &str| pairs.contains(&(a, b)) || pairs.contains(&(b, a));
    assert!(paired("rates", "rates-hold") || paired("storm", "floods"), "{pairs:?}");

    config.hard_negatives(HardNegatives::Off);
    assert!(generate(&src, &config).iter().all(|d| d.kind != "negative"));
}

#[test]
fn near_copy_sources_are_removed_first() {
    let mut src = sources();
    let copy = src[0].1.replace("Monday night", "Monday evening").replace("Tuesday", "Wednesday");
    src.push(("storm-resent".to_string(), copy.clone()));
    src.push(("storm".to_string(), "A repeated id.".to_string()));
    src.push(("empty".to_string(), " \n ".to_string()));
    assert!(may_be_same_story(&src[0].1, &copy));
    assert_eq!(dedupe_sources(&src), (0..ARTICLES.len()).collect::<Vec<_>>());
    let docs = generate(&src, &SynthConfig::new(2));
    assert!(docs.iter().all(|d| d.cluster != "storm-resent" && d.cluster != "empty"));
    assert!(!docs.iter().any(|d| d.text == "A repeated id."));

    let mut config = SynthConfig::new(2);
    config.dedupe(SourceDedupe::Off);
    let docs = generate(&src, &config);
    assert!(docs.iter().any(|d| d.cluster == "storm-resent"));
    assert!(docs.iter().all(|d| d.cluster != "empty"));
}

#[test]
fn generate_each_streams_the_same_documents() {
    let src = sources();
    let config = SynthConfig::new(4);
    let mut streamed = Vec::new();
    generate_each(&src, &config, |d| {
        streamed.push(d);
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(streamed, generate(&src, &config));
    let mut n = 0;
    let r = generate_each(&src, &config, |_| {
        n += 1;
        if n == 3 { Err("stop") } else { Ok(()) }
    });
    assert_eq!((r, n), (Err("stop"), 3));
}

#[test]
fn odd_inputs_do_not_panic() {
    let config = SynthConfig::new(0);
    assert!(generate(&[], &config).is_empty());
    let odd = [
        "",
        " ",
        "\n\n\n",
        "word",
        "Word.",
        "...!?",
        "Ünïcödé ßtraße 東京 とうきょう. ",
        "A.\n\nB.\n\nC.",
        "no punctuation at all in this rather long line of text that goes on and on without ending",
        "Mr. Smith. Dr. Who? U.S. ",
        "a, and b, and c, and d, and e, and f, and g, and h, and i; j; k; l; m.",
        "\"Quoted.\" (Bracketed.) [Square.] «Guillemets.» — dash.",
        "x\u{0}y\u{200b}z\r\n\r\nw",
    ];
    let mut all = SynthConfig::new(1);
    all.transforms_per_rewrite(7, 7).strength(1.0, 1.0).rewrites_per_source(3, 3);
    for text in odd {
        for c in [&config, &all] {
            let docs = rewrites_of("x", text, c, 0);
            assert_eq!(docs[0].text, text);
            assert!(docs.iter().all(|d| d.cluster == "x"));
        }
    }
    let many: Vec<(String, String)> = odd.iter().enumerate().map(|(i, t)| (i.to_string(), t.to_string())).collect();
    let mut negatives = SynthConfig::new(3);
    negatives.hard_negatives(HardNegatives::Fraction(1.0));
    let docs = generate(&many, &negatives);
    assert!(docs.iter().all(|d| !d.text.is_empty() || d.kind == "source"));
}

#[test]
fn huge_text_is_handled_in_linear_time() {
    let sentence = "The committee approved the new budget for roads, and the minister said work would begin soon. ";
    let text = format!("Budget approved. {}", sentence.repeat(5_000));
    let start = std::time::Instant::now();
    let mut config = SynthConfig::new(1);
    config.transforms_per_rewrite(4, 4).rewrites_per_source(3, 3);
    let docs = rewrites_of("big", &text, &config, 0);
    assert_eq!(docs.len(), 4);
    let dedupe = dedupe_sources(&[("a".into(), text.clone()), ("b".into(), text.clone())]);
    assert_eq!(dedupe, vec![0]);
    assert!(start.elapsed().as_secs() < 60);
}

#[test]
fn public_types_are_send_sync_and_unwind_safe() {
    fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe + std::fmt::Debug>() {}
    check::<SynthConfig>();
    check::<SynthDoc>();
    check::<Transform>();
    check::<HardNegatives>();
    check::<SourceDedupe>();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_text_and_config_is_safe_and_deterministic(
        text in "(\\PC|\\n| |\\.|,){0,400}",
        seed in any::<u64>(),
        rewrites in (0u32..4, 0u32..4),
        transforms in (0u32..9, 0u32..9),
        strength in (proptest::num::f64::ANY, proptest::num::f64::ANY),
        weights in proptest::collection::vec(proptest::num::f64::ANY, 7),
    ) {
        let mut config = SynthConfig::new(seed);
        config.rewrites_per_source(rewrites.0, rewrites.1)
            .transforms_per_rewrite(transforms.0, transforms.1)
            .strength(strength.0, strength.1);
        for (t, w) in Transform::ALL.into_iter().zip(weights) {
            config.transform_weight(t, w);
        }
        let docs = rewrites_of("id", &text, &config, seed);
        prop_assert_eq!(&docs[0].text, &text);
        prop_assert!(docs.iter().all(|d| d.cluster == "id"));
        prop_assert!(docs.len() <= 1 + rewrites.0.max(rewrites.1) as usize);
        prop_assert_eq!(docs, rewrites_of("id", &text, &config, seed));
    }

    #[test]
    fn any_batch_is_safe(
        texts in proptest::collection::vec(("[a-c]{1,2}", "([A-Z][a-z]{0,6}( [a-z]{1,6}){0,8}[.!?] ?){0,8}"), 0..12),
        fraction in 0.0f64..1.0,
    ) {
        let sources: Vec<(String, String)> = texts;
        let mut config = SynthConfig::new(9);
        config.hard_negatives(HardNegatives::Fraction(fraction));
        let docs = generate(&sources, &config);
        let ids: HashSet<&str> = sources.iter().map(|(i, _)| i.as_str()).collect();
        prop_assert!(docs.iter().all(|d| ids.contains(d.cluster.as_str())));
        let kept = dedupe_sources(&sources);
        for (x, &i) in kept.iter().enumerate() {
            for &j in &kept[x + 1..] {
                prop_assert!(!may_be_same_story(&sources[i].1, &sources[j].1) || sources[i].1.trim().is_empty());
            }
        }
    }
}
