//! The CLI's input reader (src/bin/reprint/input.rs, compiled here from its source files, so
//! nothing is copied): any bytes as a JSONL file and as a `.txt` file. Reading never panics;
//! with `--skip-invalid`, every non-blank line is either an article or a reported bad record;
//! without it, the run either keeps every line or stops with an error.

#![no_main]
#![allow(dead_code)]

#[path = "../../src/bin/reprint/fail.rs"]
mod fail;
#[path = "../../src/bin/reprint/id.rs"]
mod id;
#[path = "../../src/bin/reprint/input.rs"]
mod input;
#[path = "../../src/bin/reprint/progress.rs"]
mod progress;

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use crate::fail::Fail;
use crate::input::{Fields, Line, LineReader};

/// A scratch folder of this process.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        let dir = base.join(format!("reprint-fuzz-jsonl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

/// Non-blank lines, as the reader sees them.
fn count_lines(data: &[u8]) -> usize {
    let mut reader = LineReader::new(data);
    let mut n = 0;
    while let Some((_, line)) = reader.next_line().unwrap() {
        if let Line::Text(text) = line {
            // The fields of each record, as `reprint group` takes them.
            let _ = input::pick_fields(text, &["id", "text"]).and_then(|f| input::id_and_text(f, FIELDS));
        }
        n += 1;
    }
    n
}

const FIELDS: Fields<'static> = Fields { id: "id", text: "text" };

fuzz_target!(|data: &[u8]| {
    let lines = count_lines(data);
    let jsonl = scratch().join("in.jsonl");
    std::fs::write(&jsonl, data).unwrap();
    let corpus = input::read_inputs(std::slice::from_ref(&jsonl), FIELDS, true, false)
        .unwrap_or_else(|_| panic!("--skip-invalid must not stop on bad records"));
    assert_eq!(corpus.items.len() + corpus.skipped, lines, "a record was lost or counted twice");
    let mut ids: Vec<&id::Id> = corpus.items.iter().map(|(id, _)| id).collect();
    ids.sort();
    assert!(ids.windows(2).all(|w| w[0] != w[1]), "duplicate ids survived");
    for (id, _) in &corpus.items {
        let _ = id.to_string();
    }
    match input::read_inputs(std::slice::from_ref(&jsonl), FIELDS, false, false) {
        Ok(strict) => assert_eq!(strict.items.len(), lines),
        Err(Fail::Failed(message)) => assert!(message.contains("in.jsonl"), "{message}"),
        Err(other) => panic!("unexpected failure kind {other:?}"),
    }
    // The same bytes as a `.txt` article: one article, or invalid UTF-8 reported.
    let txt = scratch().join("in.txt");
    std::fs::write(&txt, data).unwrap();
    let corpus = input::read_inputs(std::slice::from_ref(&txt), FIELDS, true, false).unwrap();
    let valid = std::str::from_utf8(data).is_ok();
    assert_eq!(corpus.items.len(), usize::from(valid));
    assert_eq!(corpus.skipped, usize::from(!valid));
});
