//! Reading articles: JSONL files streamed line by line, standard input, `.txt` files and
//! folders of `.txt` files.
//!
//! Only the id and the text of each record are kept; every other field is skipped by the
//! parser without being built. A record that cannot be used is an error naming its file and
//! line, or, with `--skip-invalid`, a warning on standard error.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::fail::{CliResult, Fail};
use crate::id::{Id, json_kind};
use crate::progress::{Progress, Unit};

/// Skipped records listed one by one on standard error; the rest are only counted.
const MAX_LISTED: usize = 100;

/// The name of standard input in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// One line of a JSONL stream.
pub enum Line<'a> {
    Text(&'a str),
    BadUtf8(String),
}

/// Reads a JSONL stream one line at a time into a reused buffer, skipping blank lines and a
/// leading byte-order mark.
pub struct LineReader<R> {
    reader: R,
    buf: Vec<u8>,
    line: u64,
    consumed: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R) -> LineReader<R> {
        LineReader { reader, buf: Vec::new(), line: 0, consumed: 0 }
    }

    /// Bytes read so far, and resets the count.
    pub fn take_consumed(&mut self) -> u64 {
        std::mem::take(&mut self.consumed)
    }

    /// The next non-blank line with its 1-based number.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        let start = loop {
            self.buf.clear();
            let n = self.reader.read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                return Ok(None);
            }
            self.consumed += n as u64;
            self.line += 1;
            let start = if self.line == 1 && self.buf.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
            if !self.buf[start..].iter().all(u8::is_ascii_whitespace) {
                break start;
            }
        };
        let line = match std::str::from_utf8(&self.buf[start..]) {
            Ok(text) => Line::Text(text),
            Err(e) => Line::BadUtf8(format!(
                "invalid UTF-8 at byte {} of the line; input must be UTF-8",
                start + e.valid_up_to() + 1
            )),
        };
        Ok(Some((self.line, line)))
    }
}

/// Parses one JSON object and returns the values of the fields named `names` (in that order),
/// skipping every other field without building it. The message says what is wrong and where
/// in the line (column).
pub fn pick_fields(line: &str, names: &[&str]) -> Result<Vec<Option<Value>>, String> {
    let line = line.trim_end_matches(['\n', '\r']);
    let mut de = serde_json::Deserializer::from_str(line);
    let picked = Picker { names }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    picked.map_err(|e| {
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) => &text[..i],
            None => text.as_str(),
        };
        let what = match e.classify() {
            serde_json::error::Category::Data => "",
            _ => "malformed JSON: ",
        };
        match e.column() {
            0 => format!("{what}{message}"),
            column => format!("column {column}: {what}{message}"),
        }
    })
}

struct Picker<'n> {
    names: &'n [&'n str],
}

impl<'de> DeserializeSeed<'de> for Picker<'_> {
    type Value = Vec<Option<Value>>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Picker<'_> {
    type Value = Vec<Option<Value>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (one record per line)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = vec![None; self.names.len()];
        while let Some(key) = map.next_key_seed(KeySeed { names: self.names })? {
            match key {
                Some(i) => {
                    if out[i].is_some() {
                        return Err(de::Error::custom(format!("duplicate field `{}`", self.names[i])));
                    }
                    out[i] = Some(map.next_value::<Value>()?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// A key: the position of a wanted field, or `None`.
struct KeySeed<'n> {
    names: &'n [&'n str],
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.names.iter().position(|n| *n == key))
    }
}

/// Where a record came from.
#[derive(Clone, Copy, Debug)]
struct Loc {
    /// Index into the source names.
    source: u32,
    /// 1-based line in a JSONL source; 0 for a whole `.txt` file.
    line: u64,
}

/// Records that cannot be used: fatal, or with `--skip-invalid` listed and counted.
pub struct BadRecords {
    skip: bool,
    skipped: usize,
}

impl BadRecords {
    pub fn new(skip: bool) -> BadRecords {
        BadRecords { skip, skipped: 0 }
    }

    /// Reports a bad record at `at` (`file:line`).
    pub fn report(&mut self, progress: &Progress, at: &str, message: &str) -> CliResult<()> {
        if !self.skip {
            return Err(Fail::failed(format!(
                "{at}: {message}\n(use --skip-invalid to report bad records and group the rest)"
            )));
        }
        self.skipped += 1;
        if self.skipped <= MAX_LISTED {
            progress.warn(&format!("reprint: skipped {at}: {message}"));
        } else if self.skipped == MAX_LISTED + 1 {
            progress.warn(&format!("reprint: more than {MAX_LISTED} records skipped; the rest are only counted"));
        }
        Ok(())
    }

    pub fn skipped(&self) -> usize {
        self.skipped
    }
}

/// Field names of article records.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    pub id: &'a str,
    pub text: &'a str,
}

impl Fields<'_> {
    /// Checks that the names are usable.
    pub fn validate(&self) -> CliResult<()> {
        if self.id == self.text {
            return Err(Fail::usage(format!("--id-field and --text-field are both `{}`", self.id)));
        }
        Ok(())
    }
}

/// Takes the id and the text out of a record's picked fields `[id, text]`.
pub fn id_and_text(fields: Vec<Option<Value>>, names: Fields<'_>) -> Result<(Id, String), String> {
    let mut it = fields.into_iter();
    let (id, text) = (it.next().flatten(), it.next().flatten());
    let id = take_id(id, names.id)?;
    match text {
        Some(Value::String(text)) => Ok((id, text)),
        Some(other) => Err(format!("text field `{}` must be a string, found {}", names.text, json_kind(&other))),
        None => Err(format!("no text field `{}` (set its name with --text-field)", names.text)),
    }
}

/// The id in a picked field.
pub fn take_id(value: Option<Value>, name: &str) -> Result<Id, String> {
    match value {
        Some(v) => {
            Id::from_json(v).map_err(|kind| format!("id field `{name}` must be a string or an integer, found {kind}"))
        }
        None => Err(format!("no id field `{name}` (set its name with --id-field)")),
    }
}

/// One input argument, resolved.
enum Source {
    Stdin,
    Jsonl(PathBuf),
    Txt(PathBuf),
    /// A folder and its `.txt` files, sorted by name.
    Folder(Vec<PathBuf>),
}

/// The articles of every input, in input order.
pub struct Corpus {
    /// `(id, text)` per article, in input order.
    pub items: Vec<(Id, String)>,
    locs: Vec<Loc>,
    sources: Vec<String>,
    /// Bad records skipped (with `--skip-invalid`).
    pub skipped: usize,
}

impl Corpus {
    fn at(&self, i: usize) -> String {
        let loc = self.locs[i];
        let name = &self.sources[loc.source as usize];
        if loc.line == 0 { name.clone() } else { format!("{name}:{}", loc.line) }
    }
}

/// Reads every input into a [`Corpus`]; duplicate ids are bad records.
pub fn read_inputs(inputs: &[PathBuf], fields: Fields<'_>, skip_invalid: bool, show: bool) -> CliResult<Corpus> {
    fields.validate()?;
    let (sources, total) = plan(inputs)?;
    let progress = Progress::new(show, total, Unit::Bytes, "reading");
    let mut bad = BadRecords::new(skip_invalid);
    let mut corpus = Corpus { items: Vec::new(), locs: Vec::new(), sources: Vec::new(), skipped: 0 };
    for source in sources {
        match source {
            Source::Stdin => {
                let stdin = io::stdin().lock();
                read_jsonl(stdin, STDIN_NAME, fields, &mut corpus, &mut bad, &progress)?;
            }
            Source::Jsonl(path) => {
                let name = path.display().to_string();
                let file = File::open(&path).map_err(|e| Fail::io(format!("cannot read {name}"), &e))?;
                let reader = BufReader::with_capacity(1 << 16, file);
                read_jsonl(reader, &name, fields, &mut corpus, &mut bad, &progress)?;
            }
            Source::Txt(path) => read_txt(&path, &mut corpus, &mut bad, &progress, true)?,
            Source::Folder(files) => {
                for path in files {
                    read_txt(&path, &mut corpus, &mut bad, &progress, false)?;
                }
            }
        }
    }
    drop_duplicates(&mut corpus, &mut bad, &progress)?;
    corpus.skipped = bad.skipped();
    Ok(corpus)
}

/// Resolves the inputs and sums their sizes (unknown with standard input).
fn plan(inputs: &[PathBuf]) -> CliResult<(Vec<Source>, Option<u64>)> {
    let mut sources = Vec::new();
    let mut total = Some(0u64);
    let mut stdin_seen = false;
    let add = |total: &mut Option<u64>, n: u64| *total = total.map(|t| t + n);
    for input in inputs {
        if input.as_os_str() == "-" {
            if stdin_seen {
                return Err(Fail::usage("standard input (`-`) is given twice"));
            }
            stdin_seen = true;
            total = None;
            sources.push(Source::Stdin);
            continue;
        }
        let name = input.display().to_string();
        let meta = std::fs::metadata(input).map_err(|e| Fail::io(format!("cannot read {name}"), &e))?;
        if meta.is_dir() {
            let files = list_folder(input)?;
            for f in &files {
                add(&mut total, std::fs::metadata(f).map(|m| m.len()).unwrap_or(0));
            }
            sources.push(Source::Folder(files));
        } else if has_extension(input, "txt") {
            add(&mut total, meta.len());
            sources.push(Source::Txt(input.clone()));
        } else if has_extension(input, "gz") || has_extension(input, "zst") || has_extension(input, "bz2") {
            return Err(Fail::usage(format!(
                "{name} looks compressed; decompress it and pipe it in, e.g. `zcat {name} | reprint group -`"
            )));
        } else {
            add(&mut total, meta.len());
            sources.push(Source::Jsonl(input.clone()));
        }
    }
    Ok((sources, total))
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext))
}

/// The `.txt` files directly inside a folder (not in subfolders), sorted by name.
fn list_folder(dir: &Path) -> CliResult<Vec<PathBuf>> {
    let name = dir.display();
    let entries = std::fs::read_dir(dir).map_err(|e| Fail::io(format!("cannot read folder {name}"), &e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Fail::io(format!("cannot read folder {name}"), &e))?;
        let path = entry.path();
        // Unreadable entries stay in the list so reading them reports the error.
        let is_dir = std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
        if !is_dir && has_extension(&path, "txt") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn read_jsonl(
    reader: impl BufRead,
    name: &str,
    fields: Fields<'_>,
    corpus: &mut Corpus,
    bad: &mut BadRecords,
    progress: &Progress,
) -> CliResult<()> {
    let source = source_index(corpus, name)?;
    let names = [fields.id, fields.text];
    let mut lines = LineReader::new(reader);
    loop {
        let next = lines.next_line().map_err(|e| Fail::io(format!("cannot read {name}"), &e))?;
        let Some((line, content)) = next else { break };
        let record = match content {
            Line::Text(text) => pick_fields(text, &names).and_then(|f| id_and_text(f, fields)),
            Line::BadUtf8(message) => Err(message),
        };
        match record {
            Ok(item) => {
                corpus.items.push(item);
                corpus.locs.push(Loc { source, line });
            }
            Err(message) => bad.report(progress, &format!("{name}:{line}"), &message)?,
        }
        progress.inc(lines.take_consumed());
    }
    progress.inc(lines.take_consumed());
    Ok(())
}

fn source_index(corpus: &mut Corpus, name: &str) -> CliResult<u32> {
    let index = u32::try_from(corpus.sources.len()).map_err(|_| Fail::usage("more than 2^32 input files"))?;
    corpus.sources.push(name.to_string());
    Ok(index)
}

/// One `.txt` file as one article whose id is the file name without its extension. I/O errors
/// on a file named on the command line stop the run; on a file in a folder they are bad records.
fn read_txt(path: &Path, corpus: &mut Corpus, bad: &mut BadRecords, progress: &Progress, named: bool) -> CliResult<()> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|mut f| f.read_to_end(&mut bytes));
    progress.inc(bytes.len() as u64);
    if let Err(e) = read {
        if named {
            return Err(Fail::io(format!("cannot read {name}"), &e));
        }
        return bad.report(progress, &name, &format!("cannot read: {e}"));
    }
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
        return bad.report(progress, &name, "the file name is not valid UTF-8, so it cannot be an id");
    };
    let id = Id::Str(stem.to_string());
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
            let column = valid - bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
            let message = format!("invalid UTF-8 at byte {column} of the line (byte {} of the file)", valid + 1);
            return bad.report(progress, &format!("{name}:{line}"), &format!("{message}; text must be UTF-8"));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let source = source_index(corpus, &name)?;
    corpus.items.push((id, text));
    corpus.locs.push(Loc { source, line: 0 });
    Ok(())
}

/// Finds ids given more than once: the first occurrence is kept, later ones are bad records.
fn drop_duplicates(corpus: &mut Corpus, bad: &mut BadRecords, progress: &Progress) -> CliResult<()> {
    let mut order: Vec<usize> = (0..corpus.items.len()).collect();
    order.sort_unstable_by(|&a, &b| corpus.items[a].0.cmp(&corpus.items[b].0).then(a.cmp(&b)));
    // (later position, first position)
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    for run in order.chunk_by(|&a, &b| corpus.items[a].0 == corpus.items[b].0) {
        duplicates.extend(run[1..].iter().map(|&later| (later, run[0])));
    }
    if duplicates.is_empty() {
        return Ok(());
    }
    duplicates.sort_unstable();
    let mut keep = vec![true; corpus.items.len()];
    for &(later, first) in &duplicates {
        let message = format!("duplicate id {} (first at {})", corpus.items[later].0, corpus.at(first));
        bad.report(progress, &corpus.at(later), &message)?;
        keep[later] = false;
    }
    let mut k = keep.iter();
    corpus.items.retain(|_| k.next().copied().unwrap_or(true));
    let mut k = keep.iter();
    corpus.locs.retain(|_| k.next().copied().unwrap_or(true));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<(u64, String)> {
        let mut r = LineReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some((n, line)) = r.next_line().unwrap() {
            match line {
                Line::Text(t) => out.push((n, t.to_string())),
                Line::BadUtf8(m) => out.push((n, m)),
            }
        }
        out
    }

    #[test]
    fn blank_lines_and_bom_are_skipped() {
        let got = lines("\u{feff}{\"a\":1}\n\n  \r\n{\"b\":2}");
        assert_eq!(got, [(1, "{\"a\":1}\n".to_string()), (4, "{\"b\":2}".to_string())]);
    }

    #[test]
    fn picking_fields() {
        let f = pick_fields(r#"{"x": [1, {"y": 2}], "text": "t", "id": 7}"#, &["id", "text"]).unwrap();
        assert_eq!(f, [Some(Value::from(7)), Some(Value::from("t"))]);
        let e = pick_fields(r#"{"id": 1, "text": "a""#, &["id", "text"]).unwrap_err();
        assert!(e.contains("malformed JSON"), "{e}");
        let e = pick_fields(r#"[1, 2]"#, &["id"]).unwrap_err();
        assert!(e.contains("JSON object"), "{e}");
        let e = pick_fields(r#"{"id": 1, "id": 2}"#, &["id"]).unwrap_err();
        assert!(e.contains("duplicate field `id`"), "{e}");
        let e = pick_fields(r#"{"id": 1} x"#, &["id"]).unwrap_err();
        assert!(e.contains("trailing"), "{e}");
    }

    #[test]
    fn ids_and_texts() {
        let names = Fields { id: "id", text: "text" };
        let get = |line: &str| pick_fields(line, &["id", "text"]).and_then(|f| id_and_text(f, names));
        assert_eq!(get(r#"{"id": "a", "text": "b"}"#).unwrap(), (Id::Str("a".into()), "b".to_string()));
        assert!(get(r#"{"id": "a"}"#).unwrap_err().contains("no text field"));
        assert!(get(r#"{"id": "a", "text": 3}"#).unwrap_err().contains("must be a string, found a number"));
        assert!(get(r#"{"text": "b"}"#).unwrap_err().contains("no id field"));
        assert!(get(r#"{"id": true, "text": "b"}"#).unwrap_err().contains("found a boolean"));
    }
}
