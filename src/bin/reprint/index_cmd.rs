//! `reprint index`: a persistent index that grows with a stream of articles.
//!
//! ```text
//! reprint index build INPUT... -o news.rpx        # a new index (replaces the file)
//! reprint index add news.rpx INPUT...             # {"id", "cluster"} per added article
//! reprint index query news.rpx INPUT...           # {"id", "matches": [{"id", "score"}], "cluster"}
//! reprint index remove news.rpx ID...             # {"id", "removed"} per id
//! reprint index expire news.rpx --before TIME     # {"id"} per expired article
//! reprint index groups news.rpx                   # {"id", "cluster"} per article, in id order
//! reprint index info news.rpx [--json] [--groups]
//! ```
//!
//! Every change is saved atomically (written beside the index, then renamed over it), so an
//! interrupted command leaves the previous index intact. Ids are stored so that the index orders
//! them as `reprint group` does (integers first, by value, then strings), which makes the groups
//! of an index equal to `reprint group` over the same articles.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};
use reprint::ErrorKind;
use reprint::index::{Article, Index};
use serde_json::Value;

use crate::fail::{CliResult, Fail};
use crate::id::Id;
use crate::input::{self, BadRecords, Fields, Line, LineReader, STDIN_NAME};
use crate::output::Output;
use crate::progress::{self, Progress, Unit};
use crate::settings;

#[derive(Args, Debug)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCommand,
}

#[derive(Subcommand, Debug)]
pub enum IndexCommand {
    /// Build a new index from articles (an existing file at the output path is replaced)
    Build(BuildArgs),
    /// Add articles to an index: one {"id", "cluster"} JSON line per added article
    Add(AddArgs),
    /// Match articles against an index without adding them: {"id", "matches", "cluster"} per article
    Query(QueryArgs),
    /// Remove articles by id: one {"id", "removed"} JSON line per id
    Remove(RemoveArgs),
    /// Remove every article older than a time: one {"id"} JSON line per removed article
    Expire(ExpireArgs),
    /// The group of every article of an index: {"id", "cluster"} per article, in id order
    Groups(GroupsArgs),
    /// What an index holds: articles, time range, settings, size (and groups with --groups)
    Info(InfoArgs),
}

/// Where articles come from.
#[derive(Args, Debug)]
pub struct Source {
    /// JSONL files (one {"id", "text"} object per line, optionally with a time), `-` for
    /// standard input, .txt files (one article each, id = file name without extension) or
    /// folders of .txt files
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Name of the id field in JSONL records (string or integer values)
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,
    /// Name of the text field in JSONL records
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// Name of the optional time field in JSONL records: seconds since the Unix epoch, or an
    /// RFC 3339 date or date-time string
    #[arg(long, value_name = "NAME", default_value = "timestamp")]
    pub time_field: String,
    /// Time given to articles that have none (seconds since the epoch, an RFC 3339 date or
    /// date-time, or `now`); without it they never expire
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub time: Option<i64>,
    /// Report bad records (malformed JSON, missing text, bad id or time, duplicate id, an id
    /// already in the index) on standard error and go on with the rest, instead of stopping
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub source: Source,
    /// The index file to write
    #[arg(short, long, value_name = "INDEX", required = true)]
    pub output: PathBuf,
    #[command(flatten)]
    pub settings: settings::Grouping,
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The index file (updated in place)
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    #[command(flatten)]
    pub source: Source,
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    /// The index file (not changed)
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    #[command(flatten)]
    pub source: Source,
    /// Most matches listed per article
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub limit: usize,
    /// Lowest score listed (default: the index's grouping threshold; 0 lists every candidate)
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f64>,
}

#[derive(Args, Debug)]
pub struct RemoveArgs {
    /// The index file (updated in place)
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    /// Ids to remove, as JSON values: `17` is the integer id 17, `'"17"'` the string "17";
    /// anything that is not a JSON string or integer is taken as a string id as written
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ExpireArgs {
    /// The index file (updated in place)
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    /// Remove articles whose time is before this (seconds since the epoch, an RFC 3339 date or
    /// date-time, or `now`); articles without a time stay
    #[arg(long, value_name = "TIME", value_parser = parse_time, required = true)]
    pub before: i64,
}

#[derive(Args, Debug)]
pub struct GroupsArgs {
    /// The index file
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    /// Write the groups here instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    /// The index file
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    /// One JSON object instead of text
    #[arg(long)]
    pub json: bool,
    /// Also count the groups (groups every article: seconds for a large index)
    #[arg(long)]
    pub groups: bool,
}

pub fn run(args: &IndexArgs, quiet: bool) -> CliResult<()> {
    match &args.command {
        IndexCommand::Build(a) => build(a, quiet),
        IndexCommand::Add(a) => add(a, quiet),
        IndexCommand::Query(a) => query(a, quiet),
        IndexCommand::Remove(a) => remove(a, quiet),
        IndexCommand::Expire(a) => expire(a, quiet),
        IndexCommand::Groups(a) => groups(a),
        IndexCommand::Info(a) => info(a),
    }
}

/// `{"id", "cluster"}`.
#[derive(serde::Serialize)]
struct Assigned<'a> {
    id: &'a Id,
    cluster: &'a Id,
}

/// `{"id", "score"}` in a query's matches.
#[derive(serde::Serialize)]
struct MatchLine {
    id: Id,
    score: f64,
}

/// `{"id", "matches", "cluster"}`.
#[derive(serde::Serialize)]
struct Queried<'a> {
    id: &'a Id,
    matches: Vec<MatchLine>,
    cluster: &'a Id,
}

#[derive(serde::Serialize)]
struct Removed<'a> {
    id: &'a Id,
    removed: bool,
}

#[derive(serde::Serialize)]
struct Expired<'a> {
    id: &'a Id,
}

fn build(args: &BuildArgs, quiet: bool) -> CliResult<()> {
    let start = Instant::now();
    let dedup = args.settings.build()?;
    let records = read_records(&args.source, quiet, None)?;
    let mut index = Index::new(dedup);
    let assigned = insert(&mut index, &records, quiet)?;
    save(&index, &args.output)?;
    if !quiet {
        eprintln!(
            "reprint: indexed {} articles ({} in a group with others) into {} in {:.2} s",
            records.len(),
            assigned.iter().filter(|a| !a.is_new()).count(),
            args.output.display(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn add(args: &AddArgs, quiet: bool) -> CliResult<()> {
    let start = Instant::now();
    let mut index = load(&args.index)?;
    let records = read_records(&args.source, quiet, Some(&index))?;
    let mut out = Output::create(None)?;
    let assigned = insert(&mut index, &records, quiet)?;
    // Saved before anything is printed: what is printed is in the index.
    save(&index, &args.index)?;
    for (r, a) in records.iter().zip(&assigned) {
        out.json_line(&Assigned { id: &r.id, cluster: &decode_id(a.cluster()) })?;
    }
    out.commit()?;
    if !quiet {
        eprintln!(
            "reprint: added {} articles ({} joined a group), index now {} articles; {:.2} s",
            records.len(),
            assigned.iter().filter(|a| !a.is_new()).count(),
            index.len(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn query(args: &QueryArgs, quiet: bool) -> CliResult<()> {
    let index = load(&args.index)?;
    let min_score = args.min_score.unwrap_or(index.config().threshold);
    if !min_score.is_finite() {
        return Err(Fail::usage("--min-score must be a number"));
    }
    let records = read_records(&args.source, quiet, None)?;
    let mut out = Output::create(None)?;
    for r in &records {
        let found = index.query(&r.text, args.limit);
        let matches = found
            .matches
            .into_iter()
            .filter(|m| m.score >= min_score)
            .map(|m| MatchLine { id: decode_id(&m.id), score: m.score })
            .collect();
        let cluster = found.cluster.as_deref().map_or_else(|| r.id.clone(), decode_id);
        out.json_line(&Queried { id: &r.id, matches, cluster: &cluster })?;
    }
    out.commit()
}

fn remove(args: &RemoveArgs, quiet: bool) -> CliResult<()> {
    let mut index = load(&args.index)?;
    let ids: Vec<Id> = args.ids.iter().map(|s| parse_id_arg(s)).collect();
    let removed: Vec<bool> = ids.iter().map(|id| index.remove(&encode_id(id))).collect();
    let n = removed.iter().filter(|&&r| r).count();
    if n > 0 {
        save(&index, &args.index)?;
    }
    let mut out = Output::create(None)?;
    for (id, &removed) in ids.iter().zip(&removed) {
        out.json_line(&Removed { id, removed })?;
    }
    out.commit()?;
    if !quiet {
        eprintln!("reprint: removed {n} of {} ids, index now {} articles", ids.len(), index.len());
    }
    Ok(())
}

fn expire(args: &ExpireArgs, quiet: bool) -> CliResult<()> {
    let mut index = load(&args.index)?;
    let gone = index.expire(args.before);
    if !gone.is_empty() {
        save(&index, &args.index)?;
    }
    let mut out = Output::create(None)?;
    for key in &gone {
        out.json_line(&Expired { id: &decode_id(key) })?;
    }
    out.commit()?;
    if !quiet {
        eprintln!(
            "reprint: expired {} articles before {}, index now {} articles",
            gone.len(),
            time_name(args.before),
            index.len()
        );
    }
    Ok(())
}

fn groups(args: &GroupsArgs) -> CliResult<()> {
    let index = load(&args.index)?;
    let mut out = Output::create(args.output.as_deref())?;
    let snapshot = index.grouping();
    for key in snapshot.ids() {
        let cluster = snapshot.cluster_of(key).unwrap_or(key);
        out.json_line(&Assigned { id: &decode_id(key), cluster: &decode_id(cluster) })?;
    }
    out.commit()
}

/// What `index info --json` prints.
#[derive(serde::Serialize)]
struct Info<'a> {
    path: String,
    bytes: u64,
    bytes_per_article: Option<f64>,
    format_version: u32,
    signature_format_version: u32,
    articles: usize,
    groups: Option<usize>,
    groups_with_more_than_one_article: Option<usize>,
    largest_group: Option<usize>,
    oldest: Option<i64>,
    newest: Option<i64>,
    load_seconds: f64,
    config: &'a reprint::Config,
}

fn info(args: &InfoArgs) -> CliResult<()> {
    let bytes = std::fs::metadata(&args.index).map(|m| m.len()).unwrap_or(0);
    let start = Instant::now();
    let index = load(&args.index)?;
    let load_seconds = start.elapsed().as_secs_f64();
    let snapshot = args.groups.then(|| index.grouping());
    let g = snapshot.as_ref().map(|s| s.grouping());
    let (oldest, newest) = index.time_range().unzip();
    let n = index.len();
    let info = Info {
        path: args.index.display().to_string(),
        bytes,
        bytes_per_article: (n > 0).then(|| bytes as f64 / n as f64),
        format_version: reprint::index::FORMAT_VERSION,
        signature_format_version: reprint::minhash::FORMAT_VERSION,
        articles: n,
        groups: g.map(|g| g.groups().len()),
        groups_with_more_than_one_article: g.map(|g| g.num_duplicate_groups()),
        largest_group: g.map(|g| g.groups().iter().map(|x| x.len()).max().unwrap_or(0)),
        oldest,
        newest,
        load_seconds,
        config: index.config(),
    };
    let mut out = Output::create(None)?;
    if args.json {
        out.json_line(&info)?;
        return out.commit();
    }
    let c = index.config();
    let channels: Vec<String> =
        c.channels.iter().map(|ch| format!("{}@{}", settings::shingle_name(&ch.shingle), ch.threshold)).collect();
    let keywords = c.keywords.map_or("off".to_string(), |k| {
        format!("{} per article, {} shared, df at most {}", k.per_doc, k.min_shared, k.max_df)
    });
    let per_article = info.bytes_per_article.map_or(String::new(), |b| format!(", {b:.0} bytes per article"));
    let groups = match (info.groups, info.groups_with_more_than_one_article, info.largest_group) {
        (Some(all), Some(multi), Some(largest)) => {
            format!("{all} ({multi} with more than one article, largest {largest})")
        }
        _ => "not counted (add --groups)".to_string(),
    };
    let times = match (oldest, newest) {
        (Some(a), Some(b)) => format!("{} to {}", time_name(a), time_name(b)),
        _ => "none".to_string(),
    };
    out.text(&format!(
        "index        {} ({} bytes{per_article})\n\
         format       index version {}, signature version {}\n\
         articles     {n}, times {times}\n\
         groups       {groups}\n\
         settings     {} hashes, {} scheme, seed {}, threshold {}\n\
         candidates   channels {}; keywords {keywords}; max bucket {}\n\
         loaded in    {:.3} s\n",
        info.path,
        info.bytes,
        info.format_version,
        info.signature_format_version,
        c.num_hashes,
        settings::scheme_name(c.scheme),
        c.seed,
        c.threshold,
        if channels.is_empty() { "none".to_string() } else { channels.join(", ") },
        c.max_bucket,
        load_seconds,
    ))?;
    out.commit()
}

/// Adds records (ids known to be new) and returns their assignments in order.
fn insert(index: &mut Index, records: &[Record], quiet: bool) -> CliResult<Vec<reprint::index::Assignment>> {
    let keys: Vec<String> = records.iter().map(|r| encode_id(&r.id)).collect();
    let articles: Vec<Article> =
        records.iter().zip(&keys).map(|(r, k)| Article { id: k, text: &r.text, timestamp: r.time }).collect();
    let spinner =
        Progress::new(progress::enabled(quiet), None, Unit::Items, format!("indexing {} articles", records.len()));
    let assigned = index.add_batch(&articles).map_err(|e| Fail::library("cannot add the articles", &e))?;
    drop(spinner);
    Ok(assigned)
}

fn load(path: &Path) -> CliResult<Index> {
    Index::load(path).map_err(|e| match (e.kind(), e.io_kind()) {
        (ErrorKind::Io, Some(io::ErrorKind::NotFound)) => {
            Fail::failed(format!("no index at {} (make one with `reprint index build`)", path.display()))
        }
        _ => Fail::failed(format!("cannot load index {}: {e}", path.display())),
    })
}

fn save(index: &Index, path: &Path) -> CliResult<()> {
    index.save(path).map_err(|e| Fail::failed(format!("cannot save index {}: {e}", path.display())))
}

/// One article read from the inputs.
struct Record {
    id: Id,
    text: String,
    time: Option<i64>,
}

/// Reads every input; with `index`, ids already in it are bad records.
fn read_records(src: &Source, quiet: bool, index: Option<&Index>) -> CliResult<Vec<Record>> {
    let fields = Fields { id: &src.id_field, text: &src.text_field };
    fields.validate()?;
    if src.time_field == src.id_field || src.time_field == src.text_field {
        return Err(Fail::usage(format!("--time-field `{}` is also the id or text field", src.time_field)));
    }
    let show = progress::enabled(quiet);
    let progress = Progress::new(show, None, Unit::Bytes, "reading");
    let mut bad = BadRecords::new(src.skip_invalid);
    let mut records = Vec::new();
    let mut stdin_seen = false;
    for path in &src.inputs {
        let name = path.display().to_string();
        if path.as_os_str() == "-" {
            if stdin_seen {
                return Err(Fail::usage("standard input (`-`) is given twice"));
            }
            stdin_seen = true;
            read_jsonl(io::stdin().lock(), STDIN_NAME, src, &mut bad, &progress, &mut records)?;
            continue;
        }
        let is_text = path.is_dir() || path.extension().is_some_and(|x| x.eq_ignore_ascii_case("txt"));
        let compressed =
            ["gz", "zst", "bz2"].iter().any(|c| path.extension().is_some_and(|x| x.eq_ignore_ascii_case(c)));
        if is_text || compressed {
            // Text files carry no time; the reader of `reprint group` handles them (and refuses
            // compressed files with advice).
            let corpus = input::read_inputs(std::slice::from_ref(path), fields, src.skip_invalid, show)?;
            records.extend(corpus.items.into_iter().map(|(id, text)| Record { id, text, time: src.time }));
            continue;
        }
        let file = File::open(path).map_err(|e| Fail::io(format!("cannot read {name}"), &e))?;
        read_jsonl(BufReader::with_capacity(1 << 16, file), &name, src, &mut bad, &progress, &mut records)?;
    }
    // Duplicate ids, and ids already indexed: the first occurrence is kept.
    let mut seen = std::collections::HashSet::new();
    let mut keep = Vec::with_capacity(records.len());
    for r in records {
        let key = encode_id(&r.id);
        if index.is_some_and(|i| i.contains(&key)) {
            bad.report(&progress, &format!("id {}", r.id), "is already in the index (remove it first to replace it)")?;
        } else if !seen.insert(key) {
            bad.report(&progress, &format!("id {}", r.id), "is given more than once")?;
        } else {
            keep.push(r);
        }
    }
    drop(progress);
    if bad.skipped() > 0 {
        eprintln!("reprint: {} invalid record(s) skipped", bad.skipped());
    }
    Ok(keep)
}

fn read_jsonl(
    reader: impl BufRead,
    name: &str,
    src: &Source,
    bad: &mut BadRecords,
    progress: &Progress,
    out: &mut Vec<Record>,
) -> CliResult<()> {
    let fields = Fields { id: &src.id_field, text: &src.text_field };
    let names = [src.id_field.as_str(), src.text_field.as_str(), src.time_field.as_str()];
    let mut lines = LineReader::new(reader);
    loop {
        let next = lines.next_line().map_err(|e| Fail::io(format!("cannot read {name}"), &e))?;
        let Some((line, content)) = next else { break };
        let record = match content {
            Line::Text(text) => input::pick_fields(text, &names).and_then(|mut picked| {
                let time = picked.pop().flatten();
                let (id, text) = input::id_and_text(picked, fields)?;
                let time = match time {
                    None | Some(Value::Null) => src.time,
                    Some(v) => Some(json_time(&v).map_err(|e| format!("time field `{}`: {e}", src.time_field))?),
                };
                Ok(Record { id, text, time })
            }),
            Line::BadUtf8(message) => Err(message),
        };
        match record {
            Ok(r) => out.push(r),
            Err(message) => bad.report(progress, &format!("{name}:{line}"), &message)?,
        }
        progress.inc(lines.take_consumed());
    }
    Ok(())
}

/// The index key of an id, ordered as ids are: integers first, by value (a NUL byte and the
/// value offset by 2^63 in 20 digits), then strings by bytes (as they are, or after a 0x01
/// byte when they are empty or start with 0x00 or 0x01).
fn encode_id(id: &Id) -> String {
    match id {
        Id::Int(i) => format!("\u{0}{:020}", i + (1i128 << 63)),
        Id::Str(s) if s.is_empty() || s.starts_with(['\u{0}', '\u{1}']) => format!("\u{1}{s}"),
        Id::Str(s) => s.clone(),
    }
}

/// The id of an index key ([`encode_id`]'s inverse; keys written by other programs are string
/// ids).
fn decode_id(key: &str) -> Id {
    if let Some(digits) = key.strip_prefix('\u{0}') {
        if let Ok(v) = digits.parse::<i128>() {
            if digits.len() == 20 {
                return Id::Int(v - (1i128 << 63));
            }
        }
    }
    match key.strip_prefix('\u{1}') {
        Some(rest) if rest.is_empty() || rest.starts_with(['\u{0}', '\u{1}']) => Id::Str(rest.to_string()),
        _ => Id::Str(key.to_string()),
    }
}

/// An id on the command line: a JSON string or integer, or else the text as a string id.
fn parse_id_arg(s: &str) -> Id {
    match serde_json::from_str::<Value>(s) {
        Ok(v @ (Value::String(_) | Value::Number(_))) => Id::from_json(v).unwrap_or_else(|_| Id::Str(s.to_string())),
        _ => Id::Str(s.to_string()),
    }
}

/// A time in a JSON record: integer (or whole) seconds, or a string as [`parse_time`] reads.
fn json_time(v: &Value) -> Result<i64, String> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 9.0e18).map(|f| f.floor() as i64))
            .ok_or_else(|| format!("{n} is not a time in seconds")),
        Value::String(s) => parse_time(s),
        other => {
            Err(format!("must be seconds since the epoch or an RFC 3339 string, found {}", crate::id::json_kind(other)))
        }
    }
}

/// Seconds since the Unix epoch from an integer, `now`, an RFC 3339 date (`2023-09-21`, midnight
/// UTC) or date-time (`2023-09-21T10:30:00Z`, `2023-09-21 10:30:00+02:00`, fractions ignored).
pub fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(v) = s.parse::<i64>() {
        return Ok(v);
    }
    if s == "now" {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
        return i64::try_from(now.as_secs()).map_err(|e| e.to_string());
    }
    rfc3339(s).ok_or_else(|| format!("`{s}` is not a time: use seconds since the epoch, `now`, or RFC 3339 such as 2023-09-21 or 2023-09-21T10:30:00Z"))
}

fn rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !(1..=12).contains(&month) {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    if !(1..=days_in_month).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some(days * 86_400);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
        return None;
    }
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut at = 16;
    let mut second = 0;
    if b.get(at) == Some(&b':') {
        second = num(17..19)?;
        at = 19;
        if b.get(at) == Some(&b'.') {
            at += 1;
            while b.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset = match b.get(at..)? {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == at + 6 && b[at + 3] == b':' => {
            let (h, m) = (num(at + 1..at + 3)?, num(at + 4..at + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let o = h * 3600 + m * 60;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2023-09-21T10:30:00Z` for seconds since the epoch.
fn time_name(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("1695300000"), Ok(1_695_300_000));
        assert_eq!(parse_time("-5"), Ok(-5));
        assert_eq!(parse_time("1970-01-01"), Ok(0));
        assert_eq!(parse_time("2023-09-21T12:40:00Z"), Ok(1_695_300_000));
        assert_eq!(parse_time("2023-09-21 14:40:00+02:00"), Ok(1_695_300_000));
        assert_eq!(parse_time("2023-09-21T12:40:00.123Z"), Ok(1_695_300_000));
        assert_eq!(parse_time("2023-09-21T12:40Z"), Ok(1_695_300_000));
        assert_eq!(parse_time("2000-02-29"), Ok(951_782_400));
        for bad in
            ["", "2023-02-29", "2023-13-01", "2023-09-21T25:00:00Z", "yesterday", "2023-09-21T12:40:00+2", "１２"]
        {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
        assert!(parse_time("now").unwrap() > 1_700_000_000);
        for t in [0, 1_695_300_000, -86_401, 951_782_400] {
            assert_eq!(parse_time(&time_name(t)), Ok(t));
        }
        assert_eq!(json_time(&serde_json::json!(12.7)), Ok(12));
        assert!(json_time(&serde_json::json!(true)).is_err());
    }

    #[test]
    fn keys_keep_the_order_of_ids() {
        let mut ids = vec![
            Id::Str("b".into()),
            Id::Int(10),
            Id::Str("\u{0}x".into()),
            Id::Int(-3),
            Id::Str("a b".into()),
            Id::Int(i128::from(u64::MAX)),
            Id::Str("\u{1}".into()),
            Id::Str("a".into()),
            Id::Int(i128::from(i64::MIN)),
            Id::Int(9),
            Id::Str(String::new()),
        ];
        ids.sort();
        let mut keys: Vec<String> = ids.iter().map(encode_id).collect();
        keys.sort();
        let back: Vec<Id> = keys.iter().map(|k| decode_id(k)).collect();
        assert_eq!(back, ids);
        assert_eq!(decode_id("plain"), Id::Str("plain".into()));
        assert_eq!(parse_id_arg("17"), Id::Int(17));
        assert_eq!(parse_id_arg("\"17\""), Id::Str("17".into()));
        assert_eq!(parse_id_arg("s00031#r2"), Id::Str("s00031#r2".into()));
        assert_eq!(parse_id_arg("1.5"), Id::Str("1.5".into()));
    }
}
