//! `reprint index` round trips on the seed articles and on a generated corpus: the groups of an
//! index built in parts, through files and standard input, equal `reprint group` over the same
//! articles; removal and expiry leave no trace; damaged or missing files give clear errors and
//! leave the index as it was.

#![cfg(feature = "cli")]

#[path = "index_corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::path::PathBuf;

use corpus::support;
use serde_json::{Value, json};
use support::cli::{Run, run, run_with};

fn seeds() -> String {
    format!("{}/examples/data/seeds", env!("CARGO_MANIFEST_DIR"))
}

fn scratch(test: &str) -> PathBuf {
    support::cli::scratch(&format!("cli-index-{test}"))
}

/// `{"id", "cluster"}` lines as id -> cluster, ids and clusters as JSON text.
fn clusters(r: &Run) -> BTreeMap<String, String> {
    r.lines().iter().map(|l| (l["id"].to_string(), l["cluster"].to_string())).collect()
}

/// The generated corpus as JSONL records: ids of sources as integers (so both id types occur),
/// times alternately as seconds and RFC 3339 strings.
fn records(docs: &[corpus::Doc]) -> Vec<Value> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            let id = match d.id.strip_prefix('s').and_then(|n| n.parse::<i64>().ok()) {
                Some(n) => json!(n),
                None => json!(d.id),
            };
            let time = if i % 2 == 0 { json!(d.timestamp) } else { json!(rfc3339(d.timestamp)) };
            json!({"id": id, "text": d.text, "timestamp": time, "src": "generated"})
        })
        .collect()
}

fn rfc3339(t: i64) -> String {
    // Valid for the corpus's 2023 times: days since 2023-11-14 (1_699_920_000).
    let base = 1_699_920_000;
    assert!(t >= base);
    let (days, secs) = ((t - base) / 86_400, (t - base) % 86_400);
    let (month, day) = if days < 17 { (11, 14 + days) } else { (12, days - 16) };
    format!("2023-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

fn jsonl(lines: &[Value]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn seeds_round_trip() {
    let dir = scratch("seeds");
    let index = dir.join("seeds.rpx");
    let index = index.to_str().unwrap();
    run(&["index", "build", &seeds(), "-o", index]).ok();
    let grouped = run(&["group", &seeds()]).ok();
    assert_eq!(clusters(&run(&["index", "groups", index]).ok()), clusters(&grouped));

    // A site copy of 003 matches 003 and would join its group; the index is unchanged.
    let before = std::fs::read(index).unwrap();
    let text = std::fs::read_to_string(
        std::fs::read_dir(seeds())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("003"))
            .unwrap(),
    )
    .unwrap();
    let copy = json!({"id": "copy", "text": format!("Home | World\n\n{text}\n\nRead more")});
    let q = run_with(&["index", "query", index, "-"], jsonl(std::slice::from_ref(&copy)).as_bytes()).ok();
    let line = &q.lines()[0];
    assert_eq!(line["id"], "copy");
    assert_eq!(line["matches"][0]["id"], "003_e3b5968fb4034aac");
    assert!(line["matches"][0]["score"].as_f64().unwrap() > 0.5);
    assert_eq!(line["cluster"], "003_e3b5968fb4034aac");
    assert_eq!(std::fs::read(index).unwrap(), before);

    // Added, it joins; removed, it leaves no trace.
    let added = run_with(&["index", "add", index, "-", "--time", "2023-09-22"], jsonl(&[copy]).as_bytes()).ok();
    let cluster = &added.lines()[0]["cluster"];
    let groups = clusters(&run(&["index", "groups", index]).ok());
    assert_eq!(groups["\"copy\""], cluster.to_string());
    assert_eq!(groups["\"003_e3b5968fb4034aac\""], cluster.to_string(), "the copy joins the group of 003");
    let info: Value = serde_json::from_str(&run(&["index", "info", index, "--json", "--groups"]).ok().stdout).unwrap();
    assert_eq!(info["articles"], 6);
    assert_eq!(info["oldest"], 1_695_340_800);
    assert_eq!(info["groups_with_more_than_one_article"], 2);
    let removed = run(&["index", "remove", index, "copy", "missing"]).ok();
    assert_eq!(removed.lines(), [json!({"id": "copy", "removed": true}), json!({"id": "missing", "removed": false})]);
    assert_eq!(std::fs::read(index).unwrap(), before, "add then remove must give back the same index");
    let text_info = run(&["index", "info", index]).ok().stdout;
    assert!(text_info.contains("articles     5") && text_info.contains("index version 1"), "{text_info}");
    assert!(text_info.contains("not counted"), "{text_info}");
    let text_info = run(&["index", "info", index, "--groups"]).ok().stdout;
    assert!(text_info.contains("groups       4 (1 with more than one article, largest 2)"), "{text_info}");
}

#[test]
fn generated_corpus_built_in_halves_equals_one_shot_grouping() {
    let dir = scratch("generated");
    let docs = corpus::corpus(25, 21);
    let lines = records(&docs);
    let (first, second) = lines.split_at(lines.len() / 2);
    let all = dir.join("all.jsonl");
    let head = dir.join("first.jsonl");
    std::fs::write(&all, jsonl(&lines)).unwrap();
    std::fs::write(&head, jsonl(first)).unwrap();
    let index = dir.join("news.rpx");
    let (all, head, index) = (all.to_str().unwrap(), head.to_str().unwrap(), index.to_str().unwrap());

    run(&["index", "build", head, "-o", index]).ok();
    // The second half through standard input.
    let added = run_with(&["index", "add", index, "-"], jsonl(second).as_bytes()).ok();
    let grouped = clusters(&run(&["group", all]).ok());
    let indexed = clusters(&run(&["index", "groups", index]).ok());
    assert_eq!(indexed, grouped, "index groups differ from `reprint group`");
    assert_eq!(added.lines().len(), second.len());
    for l in added.lines() {
        assert_eq!(grouped[&l["id"].to_string()], l["cluster"].to_string(), "add reported {l}");
    }
    assert!(grouped.iter().filter(|(id, c)| id != c).count() > 20, "the corpus should have groups");

    // Expire the older half and remove a few: the rest groups as `reprint group` does.
    let mut times: Vec<i64> = docs.iter().map(|d| d.timestamp).collect();
    times.sort_unstable();
    let cutoff = times[times.len() / 2];
    let expired = run(&["index", "expire", index, "--before", &cutoff.to_string()]).ok();
    let gone: Vec<String> = expired.lines().iter().map(|l| l["id"].to_string()).collect();
    let expected_gone = lines.iter().filter(|l| docs_time(&docs, l) < cutoff).count();
    assert_eq!(gone.len(), expected_gone);
    let remove: Vec<String> =
        lines.iter().filter(|l| docs_time(&docs, l) >= cutoff).step_by(5).map(|l| l["id"].to_string()).collect();
    let mut args = vec!["index", "remove", index];
    args.extend(remove.iter().map(String::as_str));
    assert!(run(&args).ok().lines().iter().all(|l| l["removed"] == true));
    let live: Vec<Value> = lines
        .iter()
        .filter(|l| docs_time(&docs, l) >= cutoff && !remove.contains(&l["id"].to_string()))
        .cloned()
        .collect();
    let rest = dir.join("rest.jsonl");
    std::fs::write(&rest, jsonl(&live)).unwrap();
    assert_eq!(
        clusters(&run(&["index", "groups", index]).ok()),
        clusters(&run(&["group", rest.to_str().unwrap()]).ok())
    );

    // Querying with the texts of everything gone never returns a gone article.
    let gone_lines: Vec<Value> = lines.iter().filter(|l| !live.contains(l)).cloned().collect();
    let q =
        run_with(&["index", "query", index, "-", "--min-score", "0", "--limit", "100"], jsonl(&gone_lines).as_bytes())
            .ok();
    let live_ids: Vec<String> = live.iter().map(|l| l["id"].to_string()).collect();
    for l in q.lines() {
        for m in l["matches"].as_array().unwrap() {
            assert!(live_ids.contains(&m["id"].to_string()), "{} matched removed {}", l["id"], m["id"]);
        }
    }
}

fn docs_time(docs: &[corpus::Doc], line: &Value) -> i64 {
    let text = line["text"].as_str().unwrap();
    let id = line["id"].to_string();
    docs.iter()
        .find(|d| {
            d.text == text
                && (format!("\"{}\"", d.id) == id
                    || d.id.trim_start_matches('s').parse::<i64>().ok().map(|n| n.to_string()) == Some(id.clone()))
        })
        .unwrap()
        .timestamp
}

#[test]
fn damaged_missing_and_foreign_files_are_refused_clearly() {
    let dir = scratch("damaged");
    let index = dir.join("seeds.rpx");
    let index_s = index.to_str().unwrap();
    run(&["index", "build", &seeds(), "-o", index_s]).ok();
    let good = std::fs::read(&index).unwrap();

    let missing = dir.join("missing.rpx");
    let r = run(&["index", "info", missing.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no index at") && r.stderr.contains("index build"), "{}", r.stderr);

    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("truncated", good[..good.len() / 2].to_vec(), "truncated"),
        (
            "flipped",
            {
                let mut b = good.clone();
                let at = b.len() - 100;
                b[at] ^= 4;
                b
            },
            "checksum",
        ),
        ("text", b"{\"id\": 1, \"text\": \"not an index\"}\n".to_vec(), "not a reprint index"),
        ("empty", Vec::new(), "empty"),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.join(format!("{name}.rpx"));
        std::fs::write(&path, &bytes).unwrap();
        let p = path.to_str().unwrap();
        for args in
            [vec!["index", "info", p], vec!["index", "add", p, &seeds()], vec!["index", "expire", p, "--before", "now"]]
        {
            let r = run(&args);
            assert_eq!(r.code, 1, "{name} {args:?}");
            assert!(r.stderr.contains(expect), "{name}: {}", r.stderr);
            assert!(r.stdout.is_empty());
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name}: a refused file must stay as it was");
    }

    // Adding an id that is already there fails and leaves the index as it was; with
    // --skip-invalid the others are added.
    let r = run(&["index", "add", index_s, &seeds()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already in the index"), "{}", r.stderr);
    assert_eq!(std::fs::read(&index).unwrap(), good);
    let new = json!({"id": "new", "text": "Heavy rain closed roads across the north on Monday."});
    let old = json!({"id": "000_d4781d698b5b32c0", "text": "again"});
    let r = run_with(&["index", "add", index_s, "-", "--skip-invalid"], jsonl(&[old, new]).as_bytes()).ok();
    assert_eq!(r.lines(), [json!({"id": "new", "cluster": "new"})]);
    assert!(r.stderr.contains("1 invalid record(s) skipped"), "{}", r.stderr);

    // A bad time names the line; a missing --before is a usage error.
    let r =
        run_with(&["index", "add", index_s, "-"], b"{\"id\": \"t\", \"text\": \"x\", \"timestamp\": \"yesterday\"}\n");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("<stdin>:1") && r.stderr.contains("time field `timestamp`"), "{}", r.stderr);
    assert_eq!(run(&["index", "expire", index_s]).code, 2);
    assert_eq!(run(&["index", "expire", index_s, "--before", "soon"]).code, 2);
}

#[test]
fn integer_ids_round_trip_and_are_removed_by_value() {
    let dir = scratch("ids");
    let index = dir.join("ids.rpx");
    let index = index.to_str().unwrap();
    let story = "Dock workers in Rotterdam ended a week-long strike on Friday after a pay deal, the union said.";
    let lines = [
        json!({"id": 10, "text": story, "timestamp": 100}),
        json!({"id": 9, "text": format!("PORTS | {story}"), "timestamp": 200}),
        json!({"id": "9", "text": "Heavy rain closed roads across the north of the country on Monday."}),
    ];
    let built = dir.join("in.jsonl");
    std::fs::write(&built, jsonl(&lines)).unwrap();
    run(&["index", "build", built.to_str().unwrap(), "-o", index]).ok();
    let groups = run(&["index", "groups", index]).ok().lines();
    // Integers first, by value, as `reprint group` orders them.
    assert_eq!(
        groups,
        [json!({"id": 9, "cluster": 9}), json!({"id": 10, "cluster": 9}), json!({"id": "9", "cluster": "9"})]
    );
    assert_eq!(
        clusters(&run(&["group", built.to_str().unwrap()]).ok()),
        clusters(&run(&["index", "groups", index]).ok())
    );
    let r = run(&["index", "remove", index, "9"]).ok();
    assert_eq!(r.lines(), [json!({"id": 9, "removed": true})]);
    let r = run(&["index", "expire", index, "--before", "1970-01-01T00:03:00Z"]).ok();
    assert_eq!(r.lines(), [json!({"id": 10})]);
    assert_eq!(run(&["index", "groups", index]).ok().lines(), [json!({"id": "9", "cluster": "9"})]);
}
