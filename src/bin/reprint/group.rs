//! `reprint group`: one `{"id", "cluster"}` line per input article, in input order.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use reprint::group::{Grouping, Link, Stage};

use crate::fail::{CliResult, Fail};
use crate::id::Id;
use crate::input::{self, Fields};
use crate::output::Output;
use crate::progress::{self, Progress, Unit};
use crate::settings;

#[derive(Args, Debug)]
pub struct GroupArgs {
    /// JSONL files (one {"id", "text"} object per line), `-` for standard input, .txt files
    /// (one article each, id = file name without extension) or folders of .txt files
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write the groups here instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write every accepted link with its score and evidence (JSONL)
    #[arg(long, value_name = "FILE")]
    pub pairs: Option<PathBuf>,
    /// Name of the id field in JSONL records (string or integer values)
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,
    /// Name of the text field in JSONL records
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// Report bad records (malformed JSON, missing or non-string text, bad id, duplicate id,
    /// invalid UTF-8) on standard error and group the rest, instead of stopping
    #[arg(long)]
    pub skip_invalid: bool,
    #[command(flatten)]
    pub settings: settings::Grouping,
}

/// One output line.
#[derive(serde::Serialize)]
struct Assignment<'a> {
    id: &'a Id,
    cluster: &'a Id,
}

/// One line of `--pairs`.
#[derive(serde::Serialize)]
struct PairLine<'a> {
    a: &'a Id,
    b: &'a Id,
    cluster: &'a Id,
    score: f64,
    stage: String,
    evidence: &'a reprint::group::Evidence,
}

pub fn run(args: &GroupArgs, quiet: bool) -> CliResult<()> {
    let start = Instant::now();
    let dedup = args.settings.build()?;
    let same = match (&args.pairs, &args.output) {
        (Some(p), Some(o)) => p == o,
        (Some(p), None) => p.as_os_str() == "-",
        _ => false,
    };
    if same {
        return Err(Fail::usage("--pairs and the output are the same destination"));
    }
    // Destinations first: an unwritable one fails before any work.
    let mut out = Output::create(args.output.as_deref())?;
    let pairs_out = args.pairs.as_deref().map(|p| Output::create(Some(p))).transpose()?;
    let show = progress::enabled(quiet);
    let fields = Fields { id: &args.id_field, text: &args.text_field };
    let corpus = input::read_inputs(&args.inputs, fields, args.skip_invalid, show)?;
    if corpus.skipped > 0 {
        eprintln!("reprint: {} invalid record(s) skipped", corpus.skipped);
    }
    let read_time = start.elapsed();

    let items = &corpus.items;
    let spinner = Progress::new(show, None, Unit::Items, format!("grouping {} articles", items.len()));
    let grouped = dedup.group(items).map_err(|e| Fail::library("grouping failed", &e))?;
    drop(spinner);
    let group_time = start.elapsed() - read_time;

    if grouped.len() != items.len() {
        return Err(Fail::failed(format!(
            "internal error: {} articles in, {} grouped; nothing was written",
            items.len(),
            grouped.len()
        )));
    }
    for (i, (id, _)) in items.iter().enumerate() {
        let cluster = id_at(items, representative(&grouped, i)?)?;
        out.json_line(&Assignment { id, cluster })?;
    }
    // The groups are complete before the links are written: a reader of the links that stops
    // early (`--pairs - | head`) must not cost the groups.
    out.commit()?;
    if let Some(mut pairs_out) = pairs_out {
        write_pairs(&mut pairs_out, &grouped, items)?;
        pairs_out.commit()?;
    }
    if !quiet {
        summary(&grouped, read_time.as_secs_f64(), group_time.as_secs_f64(), start.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The representative of article `i`, which every article has.
pub fn representative(grouping: &Grouping, i: usize) -> CliResult<usize> {
    grouping
        .representative_of(i)
        .ok_or_else(|| Fail::failed(format!("internal error: article {i} has no group; nothing was written")))
}

/// The id at an input position the library returned.
fn id_at(items: &[(Id, String)], i: usize) -> CliResult<&Id> {
    items.get(i).map(|(id, _)| id).ok_or_else(|| Fail::failed(format!("internal error: no article at position {i}")))
}

fn write_pairs(out: &mut Output, grouped: &Grouping, items: &[(Id, String)]) -> CliResult<()> {
    for group in grouped.groups() {
        let cluster = id_at(items, group.representative())?;
        for link in group.links() {
            let Link { a, b, stage, evidence } = link;
            out.json_line(&PairLine {
                a: id_at(items, *a)?,
                b: id_at(items, *b)?,
                cluster,
                score: evidence.score,
                stage: stage_name(*stage),
                evidence,
            })?;
        }
    }
    Ok(())
}

/// `exact` or `minhash:<channel>`.
fn stage_name(stage: Stage) -> String {
    match stage {
        Stage::Exact => "exact".into(),
        Stage::MinHash(c) => format!("minhash:{c}"),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn summary(g: &Grouping, read: f64, group: f64, total: f64) {
    let largest = g.groups().iter().map(|x| x.len()).max().unwrap_or(0);
    eprintln!(
        "reprint: documents {}, groups {} (with more than one article {}, largest {}); read {read:.2} s, grouped {group:.2} s, total {total:.2} s",
        g.len(),
        g.groups().len(),
        g.num_duplicate_groups(),
        largest,
    );
}
