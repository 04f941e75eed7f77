//! Runs the `reprint` binary on fixtures in `tests/fixtures/cli/` (and the seed articles):
//! grouping, evaluation against hand-computed metrics, calibration, and every kind of bad
//! input, which must give a clear message naming the file and line, a non-zero exit code,
//! never a panic and never a lost article.

#![cfg(feature = "cli")]

mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::cli::{Run, run, run_with};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/cli/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn seeds() -> String {
    format!("{}/examples/data/seeds", env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    support::cli::scratch(&format!("cli-{test}"))
}

/// `(id, cluster)` per output line.
fn assignments(run: &Run) -> Vec<(Value, Value)> {
    run.lines().into_iter().map(|l| (l["id"].clone(), l["cluster"].clone())).collect()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

// ---------------------------------------------------------------- group

#[test]
fn seeds_folder_gives_the_seed_groups() {
    let dir = scratch("seeds");
    let out = dir.join("out.jsonl");
    let r = run(&["group", &seeds(), "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("documents 5"), "summary: {}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    let got: Vec<(String, String)> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["id"].as_str().unwrap()[..3].to_string(), v["cluster"].as_str().unwrap()[..3].to_string()))
        .collect();
    let ids: Vec<&str> = got.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(ids, ["000", "001", "002", "003", "004"], "one line per article, in input order");
    // truth.json: 000 and 001 together, every other article alone.
    assert_eq!(got[0].1, got[1].1);
    assert!(got[0].1 == "000" || got[0].1 == "001");
    for (id, cluster) in &got[2..] {
        assert_eq!(id, cluster);
    }
}

#[test]
fn jsonl_ids_keep_their_type_and_order() {
    let r = run(&["group", &fixture("articles.jsonl")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = assignments(&r);
    let ids: Vec<Value> = got.iter().map(|(i, _)| i.clone()).collect();
    let want: Vec<Value> = serde_json::from_str(r#"["storm-wire", 7, "1", 1, "storm-trim", "football", 42]"#).unwrap();
    assert_eq!(ids, want);
    // Every cluster is the id of an article in the same cluster, with its JSON type.
    for (_, cluster) in &got {
        let (_, own) = got.iter().find(|(i, _)| i == cluster).expect("cluster is an input id");
        assert_eq!(own, cluster, "a representative represents itself");
    }
    // "1" (string) and 1 (integer) are different ids.
    assert!(got.iter().filter(|(i, _)| i == &Value::from(1) || i == &Value::from("1")).count() == 2);
}

#[test]
fn standard_input_and_files_agree() {
    let file = run(&["group", &fixture("articles.jsonl")]);
    let data = std::fs::read(fixture("articles.jsonl")).unwrap();
    let stdin = run_with(&["group", "-"], &data);
    assert_eq!(stdin.code, 0, "{}", stdin.stderr);
    assert_eq!(file.stdout, stdin.stdout);
}

#[test]
fn folders_and_txt_files_mix_with_jsonl() {
    let dir = scratch("mix");
    let single = dir.join("lonely.txt");
    std::fs::write(&single, "A lone article about a village fete and its prize-winning marrows.").unwrap();
    let r = run(&["group", &fixture("folder"), single.to_str().unwrap(), &fixture("articles.jsonl"), "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "--quiet: {}", r.stderr);
    let ids: Vec<Value> = assignments(&r).into_iter().map(|(i, _)| i).collect();
    // Folder files sorted by name (README.md ignored), then the .txt file, then the JSONL.
    assert_eq!(ids[..3], [Value::from("rates"), Value::from("transfer"), Value::from("lonely")]);
    assert_eq!(ids.len(), 3 + 7);
}

#[test]
fn pairs_file_lists_accepted_links_with_evidence() {
    let dir = scratch("pairs");
    let pairs = dir.join("pairs.jsonl");
    let r = run(&["group", &fixture("articles.jsonl"), "--threshold", "0.5", "--pairs", pairs.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let groups = assignments(&r);
    let cluster_of = |id: &Value| groups.iter().find(|(i, _)| i == id).map(|(_, c)| c.clone()).unwrap();
    let text = std::fs::read_to_string(&pairs).unwrap();
    let links: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!links.is_empty());
    for l in &links {
        assert_eq!(cluster_of(&l["a"]), cluster_of(&l["b"]), "{l}");
        assert_eq!(cluster_of(&l["a"]), l["cluster"]);
        assert!(l["score"].as_f64().unwrap() >= 0.5, "{l}");
        assert_eq!(l["score"], l["evidence"]["score"]);
        // The evidence is the library's, field for field.
        assert!(l["evidence"].as_object().is_some_and(|e| e.len() > 1), "{l}");
    }
    // Every group of n members has at least n - 1 links.
    let grouped = groups.iter().filter(|(i, c)| i != c).count();
    assert!(links.len() >= grouped);
}

#[test]
fn empty_input_gives_empty_output() {
    let r = run(&["group", &fixture("empty.jsonl")]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let r = run_with(&["group", "-"], b"\n  \n");
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let dir = scratch("empty");
    let r = run(&["group", dir.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
}

#[test]
fn settings_are_flags_with_library_defaults_in_help() {
    let r = run(&["group", "--help"]);
    assert_eq!(r.code, 0);
    for flag in ["--shingle", "--num-hashes", "--threshold", "--scheme", "--lsh-threshold", "--seed"] {
        assert!(r.stdout.contains(flag), "{flag} missing from help");
    }
    assert!(r.stdout.contains("[library default: "));
    let r = run(&[
        "group",
        &fixture("articles.jsonl"),
        "--shingle",
        "chars:7",
        "--num-hashes",
        "64",
        "--scheme",
        "classic",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines().len(), 7);
}

#[test]
fn bad_settings_are_usage_errors() {
    for args in [
        &["--threshold", "1.5"][..],
        &["--threshold", "0"],
        &["--num-hashes", "0"],
        &["--shingle", "words:0"],
        &["--shingle", "bytes:3"],
        &["--lsh-threshold", "nan"],
        &["--scheme", "fast"],
    ] {
        let mut all = vec!["group", "-"];
        all.extend_from_slice(args);
        let r = run(&all);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
    }
}

// ---------------------------------------------------------------- bad input

/// Each bad file stops the run with its file and line named, writes nothing, and with
/// --skip-invalid is reported while every valid record is grouped.
#[test]
fn bad_records_name_file_and_line() {
    let cases = [
        ("bad-malformed.jsonl", 3, "malformed JSON", &["a", "b", "d"][..]),
        ("bad-missing-text.jsonl", 2, "no text field `text`", &["a", "c"]),
        ("bad-nonstring-text.jsonl", 2, "must be a string, found a number", &["a", "c"]),
        ("bad-duplicate-id.jsonl", 3, "duplicate id \"a\" (first at ", &["a", "2", "\"2\""]),
    ];
    for (file, line, message, kept) in cases {
        let path = fixture(file);
        let r = run(&["group", &path]);
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{file}: nothing is written on error");
        assert!(r.stderr.contains(&format!("{path}:{line}: ")), "{file}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{file}: {}", r.stderr);

        let r = run(&["group", &path, "--skip-invalid"]);
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        assert!(r.stderr.contains(&format!("skipped {path}:{line}: ")), "{file}: {}", r.stderr);
        assert!(r.stderr.contains("1 invalid record(s) skipped"), "{file}: {}", r.stderr);
        let ids: Vec<String> =
            assignments(&r).into_iter().map(|(i, _)| i.to_string().trim_matches('"').into()).collect();
        let kept: Vec<String> = kept.iter().map(|k| k.trim_matches('"').to_string()).collect();
        assert_eq!(ids, kept, "{file}: every valid record once, in order");
    }
}

#[test]
fn odd_records_are_reported_not_dropped() {
    let input = b"[1, 2]\n{\"id\": 1.5, \"text\": \"x\"}\n{\"id\": null, \"text\": \"x\"}\n{\"id\": \"t\", \"text\": \"a\"} junk\n\
{\"id\": \"u\", \"text\": \"a\", \"id\": \"v\"}\n{\"text\": \"no id\"}\n{\"id\": \"w\", \"text\": null}\n\
{\"id\": \"ok\", \"text\": \"a fine record\"}\n";
    let r = run_with(&["group", "-"], input);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("<stdin>:1: ") && r.stderr.contains("JSON object"), "{}", r.stderr);
    let r = run_with(&["group", "-", "--skip-invalid"], input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in 1..=7 {
        assert!(r.stderr.contains(&format!("skipped <stdin>:{line}: ")), "line {line}: {}", r.stderr);
    }
    assert_eq!(assignments(&r), [(Value::from("ok"), Value::from("ok"))]);
}

#[test]
fn invalid_utf8_names_file_and_line() {
    let dir = scratch("utf8");
    let folder = dir.join("articles");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("good.txt"), "A perfectly good article about bridges.").unwrap();
    std::fs::write(folder.join("latin1.txt"), b"First line\nCaf\xe9 society\n").unwrap();
    let r = run(&["group", folder.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("latin1.txt:2: invalid UTF-8"), "{}", r.stderr);
    let r = run(&["group", folder.to_str().unwrap(), "--skip-invalid"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("skipped ") && r.stderr.contains("latin1.txt:2"), "{}", r.stderr);
    assert_eq!(assignments(&r), [(Value::from("good"), Value::from("good"))]);

    let r = run_with(&["group", "-"], b"{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"text\": \"caf\xe9\"}\n");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("<stdin>:2: invalid UTF-8"), "{}", r.stderr);
}

#[test]
fn unreadable_paths_are_named() {
    let r = run(&["group", "/nonexistent/articles.jsonl"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("cannot read /nonexistent/articles.jsonl"), "{}", r.stderr);
    let r = run(&["group", &fixture("articles.jsonl"), "-o", "/nonexistent/dir/out.jsonl"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("cannot write /nonexistent/dir/out.jsonl"), "{}", r.stderr);
    let r = run(&["group", "-", "-"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn a_failed_run_leaves_the_previous_output_alone() {
    let dir = scratch("atomic");
    let out = dir.join("groups.jsonl");
    std::fs::write(&out, "previous result\n").unwrap();
    let r = run(&["group", &fixture("bad-malformed.jsonl"), "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous result\n");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left behind");
    let r = run(&["group", &fixture("articles.jsonl"), "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 7);
}

// ---------------------------------------------------------------- eval

/// Hand-computed (see the fixtures): 7 documents.
/// truth: S = {storm-wire, 7, storm-trim}, B = {"1", 1}, F = {football}, A = {42}
/// pred:  P1 = {storm-wire, 7}, P2 = {storm-trim, 42}, P3 = {"1", 1, football}
/// - pairs: truth 3 + 1 = 4, predicted 1 + 1 + 3 = 5, shared (S,P1) 1 + (B,P3) 1 = 2
///   -> precision 2/5, recall 2/4, F1 4/9;
/// - ARI: expected 4 * 5 / 21 = 20/21, max (4 + 5) / 2 = 9/2 -> (2 - 20/21) / (9/2 - 20/21) = 44/149;
/// - B-cubed precision (1 + 1 + 1/2 + 1/2 + 2/3 + 2/3 + 1/3) / 7 = 2/3,
///   recall (2/3 + 2/3 + 1/3 + 1 + 1 + 1 + 1) / 7 = 17/21, F1 = 68/93;
/// - labelled pairs: (wire,7,+) TP, (wire,trim,+) FN, ("1",1,+) TP, ("1",football,-) FP,
///   (42,wire,-) TN, (trim,42,-) FP -> precision 2/4, recall 2/3, F1 4/7, accuracy 3/6.
#[test]
fn eval_reproduces_hand_computed_metrics() {
    let truth = fixture("eval-truth.jsonl");
    let args =
        ["eval", "--truth", &truth, "--pairs", &fixture("eval-pairs.jsonl"), "--pred", &fixture("eval-pred.jsonl")];
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let r = run(&json_args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let g = &j["grouping"];
    assert_eq!((g["true_positive_pairs"].as_u64(), g["false_positive_pairs"].as_u64()), (Some(2), Some(3)));
    assert!(close(&g["pairwise"]["precision"], 2.0 / 5.0));
    assert!(close(&g["pairwise"]["recall"], 2.0 / 4.0));
    assert!(close(&g["pairwise"]["f1"], 4.0 / 9.0));
    assert!(close(&g["ari"], 44.0 / 149.0), "{}", g["ari"]);
    assert!(close(&g["bcubed"]["precision"], 2.0 / 3.0));
    assert!(close(&g["bcubed"]["recall"], 17.0 / 21.0));
    assert!(close(&g["bcubed"]["f1"], 68.0 / 93.0));
    let p = &j["labelled_pairs"];
    assert_eq!((p["pairs"].as_u64(), p["positives"].as_u64()), (Some(6), Some(3)));
    assert!(close(&p["prf"]["precision"], 0.5));
    assert!(close(&p["prf"]["recall"], 2.0 / 3.0));
    assert!(close(&p["prf"]["f1"], 4.0 / 7.0));
    assert!(close(&p["accuracy"], 0.5));

    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for expected in ["precision 0.4000  recall 0.5000  F1 0.4444", "adjusted Rand index 0.2953", "accuracy 0.5000"] {
        assert!(r.stdout.contains(expected), "{expected} missing from:\n{}", r.stdout);
    }
}

#[test]
fn eval_without_pred_groups_the_truth_texts() {
    let dir = scratch("eval-self");
    let pred = dir.join("pred.jsonl");
    let truth = fixture("eval-truth.jsonl");
    let g = run(&["group", &truth, "-o", pred.to_str().unwrap(), "--threshold", "0.6"]);
    assert_eq!(g.code, 0, "{}", g.stderr);
    let by_file = run(&["eval", "--truth", &truth, "--pred", pred.to_str().unwrap(), "--json"]).json();
    let by_self = run(&["eval", "--truth", &truth, "--threshold", "0.6", "--json"]).json();
    assert_eq!(by_file["grouping"], by_self["grouping"]);
    assert!(by_file["settings"].is_null());
    assert!(close(&by_self["settings"]["threshold"], 0.6));
    let r = run(&["eval", "--truth", &truth, "--pred", pred.to_str().unwrap(), "--threshold", "0.6"]);
    assert_eq!(r.code, 2, "settings with --pred are refused: {}", r.stderr);
}

#[test]
fn eval_needs_clusters_unless_pairs_are_given() {
    let docs = fixture("mrpc-docs.jsonl");
    let r = run(&["eval", "--truth", &docs]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(&format!("{docs}:1: no `cluster` field")), "{}", r.stderr);
    let r = run(&["eval", "--truth", &docs, "--pairs", &fixture("eval-pairs.jsonl"), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["documents"], 7);
    assert_eq!(j["documents_with_cluster"], 2);
    assert_eq!(j["grouping"]["items"], 2);
    assert_eq!(j["labelled_pairs"]["pairs"], 6);
}

#[test]
fn eval_bad_files_name_file_and_line() {
    let dir = scratch("eval-bad");
    let truth = fixture("eval-truth.jsonl");
    let pairs = dir.join("pairs.jsonl");
    std::fs::write(&pairs, "{\"a\": 7, \"b\": 42, \"label\": true}\n{\"a\": 7, \"b\": 99, \"label\": true}\n").unwrap();
    let r = run(&["eval", "--truth", &truth, "--pairs", pairs.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("pairs.jsonl:2: id 99 (field `b`) is not in"), "{}", r.stderr);
    std::fs::write(&pairs, "{\"a\": 7, \"b\": 42, \"label\": \"yes\"}\n").unwrap();
    let r = run(&["eval", "--truth", &truth, "--pairs", pairs.to_str().unwrap()]);
    assert!(r.code == 1 && r.stderr.contains("pairs.jsonl:1: `label` must be"), "{}", r.stderr);
    let pred = dir.join("pred.jsonl");
    std::fs::write(&pred, "{\"id\": 7, \"cluster\": 1}\n").unwrap();
    let r = run(&["eval", "--truth", &truth, "--pred", pred.to_str().unwrap()]);
    assert!(r.code == 1 && r.stderr.contains("has no line for id \"storm-wire\""), "{}", r.stderr);
    let r = run(&["eval", "--truth", &fixture("bad-duplicate-id.jsonl"), "--pred", pred.to_str().unwrap()]);
    assert!(r.code == 1 && r.stderr.contains("bad-duplicate-id.jsonl:3: duplicate id"), "{}", r.stderr);
}

// ---------------------------------------------------------------- calibrate

#[test]
fn calibrate_finds_the_best_point_and_plots_it() {
    let dir = scratch("calibrate");
    let plot = dir.join("curve.svg");
    let truth = fixture("eval-truth.jsonl");
    let r = run(&[
        "calibrate",
        "--truth",
        &truth,
        "--plot",
        plot.to_str().unwrap(),
        "--json",
        "--shingles",
        "words:5,chars:5",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let points = j["points"].as_array().unwrap();
    assert_eq!(j["metric"], "pairwise");
    assert!(points.iter().any(|p| p["shingle"] == "chars:5") && points.iter().any(|p| p["shingle"] == "words:5"));
    let best_f1 = points.iter().map(|p| p["f1"].as_f64().unwrap()).fold(0.0, f64::max);
    assert!(close(&j["best"]["f1"], best_f1));
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("F1 by threshold"));

    let r =
        run(&["calibrate", "--truth", &truth, "--pairs", &fixture("eval-pairs.jsonl"), "--thresholds", "0.2:0.8:0.2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("precision/recall over labelled pairs"), "{}", r.stdout);
    assert!(r.stdout.contains("best: --shingle "), "{}", r.stdout);

    let r = run(&["calibrate", "--truth", &truth, "--plot", dir.join("curve.png").to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(&["calibrate", "--truth", &fixture("mrpc-docs.jsonl"), "--metric", "pairwise"]);
    assert_eq!(r.code, 1, "no clusters without pairs: {}", r.stderr);
}
