//! Hostile input through the `reprint` program (issue 7): one JSONL stream mixing every kind of
//! odd record (invalid UTF-8, NUL and control characters, empty and whitespace texts, a
//! multi-megabyte line, nesting deep enough to overflow a naive parser, numbers no integer
//! holds, CRLF endings, a byte-order mark) and a folder of `.txt` files with invalid UTF-8.
//! Never a crash; bad records named by line; with --skip-invalid every valid record is grouped
//! and written exactly once.

#![cfg(feature = "cli")]

mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::cli::{Run, run_with};

/// [`run_with`], which also checks that the program exits with 0, 1 or 2, never otherwise.
fn run(args: &[&str], stdin: &[u8]) -> Run {
    let run = run_with(args, stdin);
    assert!(run.code == 0 || run.code == 1 || run.code == 2, "crashed with {}: {}", run.code, run.stderr);
    run
}

fn scratch(test: &str) -> PathBuf {
    support::cli::scratch(&format!("adversarial-cli-{test}"))
}

/// `(id, cluster)` of every output line.
fn assignments(stdout: &str) -> Vec<(Value, Value)> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("output lines are JSON"))
        .map(|v| (v["id"].clone(), v["cluster"].clone()))
        .collect()
}

const STORY: &str = "Dock workers in Rotterdam ended a week-long strike on Friday after a pay deal with the port \
    operators. The union said members had voted to accept a rise of seven percent over two years. Ships that \
    had waited offshore for days began to unload on Friday evening, the port authority said.";

/// A JSONL stream of valid and hostile records; returns it with the ids that must come out.
fn hostile_stream() -> (Vec<u8>, Vec<Value>, usize) {
    let mut s: Vec<u8> = Vec::new();
    let mut valid: Vec<Value> = Vec::new();
    let mut bad = 0;
    let line = |s: &mut Vec<u8>, bytes: &[u8]| {
        s.extend_from_slice(bytes);
        s.extend_from_slice(b"\r\n");
    };
    s.extend_from_slice(b"\xEF\xBB\xBF");
    let rec = |id: Value, text: &str| serde_json::json!({"id": id, "text": text}).to_string();
    line(&mut s, rec(Value::from("wire"), STORY).as_bytes());
    valid.push(Value::from("wire"));
    line(&mut s, rec(Value::from("copy"), &format!("Home | News\n{STORY}\nShare this")).as_bytes());
    valid.push(Value::from("copy"));
    // NUL and control characters inside the text (JSON escapes), around a copy of the story.
    let controls = STORY.replace(' ', " \u{0}\u{1}\u{1b}[0m ").replace('.', ".\u{7f}\u{85}");
    line(&mut s, rec(Value::from("controls"), &controls).as_bytes());
    valid.push(Value::from("controls"));
    for (id, text) in [
        ("empty", ""),
        ("spaces", "   \t  "),
        ("zero-width", "\u{200B}\u{FEFF}"),
        ("rtl", "مرحبا بالعالم"),
        ("emoji", "👩\u{200D}👩\u{200D}👧"),
    ] {
        line(&mut s, rec(Value::from(id), text).as_bytes());
        valid.push(Value::from(id));
    }
    // Integer ids at the ends of their ranges, a long id, and a string that looks like one.
    for id in [
        Value::from(u64::MAX),
        Value::from(i64::MIN),
        Value::from("x".repeat(10_000)),
        Value::from("18446744073709551615"),
    ] {
        line(&mut s, rec(id.clone(), "a short text").as_bytes());
        valid.push(id);
    }
    // A line of several megabytes.
    let big: String = (0..200_000).map(|i| format!("w{i} ")).collect();
    line(&mut s, rec(Value::from("big"), &big).as_bytes());
    valid.push(Value::from("big"));
    // Nesting 100,000 deep in a field that is skipped is read without recursion: a valid record.
    let deep = format!("{{\"id\": \"deep\", \"x\": {}{}, \"text\": \"t\"}}", "[".repeat(100_000), "]".repeat(100_000));
    line(&mut s, deep.as_bytes());
    valid.push(Value::from("deep"));
    // Bad records: invalid UTF-8 in a text, nesting 100,000 deep in the id, a float id, a number
    // no integer holds, a duplicate id, a line that is not an object, trailing junk, binary.
    let mut bad_line = |s: &mut Vec<u8>, bytes: &[u8]| {
        line(s, bytes);
        bad += 1;
    };
    bad_line(&mut s, b"{\"id\": \"latin1\", \"text\": \"caf\xe9 au lait\"}");
    let deep_id = format!("{{\"id\": {}{}, \"text\": \"t\"}}", "[".repeat(100_000), "]".repeat(100_000));
    bad_line(&mut s, deep_id.as_bytes());
    bad_line(&mut s, b"{\"id\": 1.5, \"text\": \"t\"}");
    bad_line(&mut s, b"{\"id\": 1e400, \"text\": \"t\"}");
    bad_line(&mut s, b"{\"id\": 123456789012345678901234567890, \"text\": \"t\"}");
    bad_line(&mut s, rec(Value::from("wire"), "a second record with the first id").as_bytes());
    bad_line(&mut s, b"\"just a string\"");
    bad_line(&mut s, b"{\"id\": \"junk\", \"text\": \"t\"} {}");
    bad_line(&mut s, b"\x00\x01\x02\xff\xfe");
    // Blank lines are not records.
    line(&mut s, b"   ");
    line(&mut s, b"");
    line(&mut s, rec(Value::from("last"), STORY).as_bytes());
    valid.push(Value::from("last"));
    (s, valid, bad)
}

#[test]
fn a_hostile_jsonl_stream_never_crashes_or_loses_a_record() {
    let (stream, valid, bad) = hostile_stream();
    let strict = run(&["group", "-"], &stream);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(strict.stdout.is_empty(), "nothing is written on error");
    assert!(strict.stderr.contains("<stdin>:"), "{}", strict.stderr);

    let r = run(&["group", "-", "--skip-invalid"], &stream);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = assignments(&r.stdout);
    let ids: Vec<Value> = got.iter().map(|(i, _)| i.clone()).collect();
    assert_eq!(ids, valid, "every valid record exactly once, in input order");
    assert!(r.stderr.contains(&format!("{bad} invalid record(s) skipped")), "{}", r.stderr);
    assert!(r.stderr.contains("invalid UTF-8"), "{}", r.stderr);
    let cluster = |id: &str| got.iter().find(|(i, _)| i == id).map(|(_, c)| c.clone());
    assert_eq!(cluster("wire"), cluster("copy"));
    assert_eq!(cluster("wire"), cluster("controls"), "control characters do not hide a copy");
    assert_eq!(cluster("wire"), cluster("last"));
    for alone in ["empty", "spaces", "zero-width", "rtl", "emoji", "big", "deep"] {
        assert_eq!(cluster(alone), Some(Value::from(alone)), "{alone} is alone");
    }
}

#[test]
fn txt_files_with_invalid_utf8_are_named_and_skipped() {
    let dir = scratch("txt");
    let folder = dir.join("articles");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("a-wire.txt"), STORY).expect("write");
    std::fs::write(folder.join("b-copy.txt"), format!("\u{feff}Home | News\r\n{STORY}\r\nShare this")).expect("write");
    let mut broken = STORY.as_bytes().to_vec();
    broken.extend_from_slice(b"\nsecond line\nthird \xC0\x80 line with an overlong NUL\n");
    std::fs::write(folder.join("c-broken.txt"), &broken).expect("write");
    std::fs::write(folder.join("d-binary.txt"), (0..=255u8).cycle().take(10_000).collect::<Vec<u8>>()).expect("write");
    std::fs::write(folder.join("e-empty.txt"), b"").expect("write");
    let path = folder.to_str().expect("UTF-8 path");
    let r = run(&["group", path], b"");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("c-broken.txt:3: invalid UTF-8"), "{}", r.stderr);
    let r = run(&["group", path, "--skip-invalid"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("d-binary.txt"), "{}", r.stderr);
    let got = assignments(&r.stdout);
    let ids: Vec<&str> = got.iter().filter_map(|(i, _)| i.as_str()).collect();
    assert_eq!(ids, ["a-wire", "b-copy", "e-empty"]);
    assert_eq!(got[0].1, got[1].1, "the copy (with a byte-order mark and CRLF) is found");
    assert_eq!(got[2].1, Value::from("e-empty"));
}
