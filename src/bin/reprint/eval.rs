//! `reprint eval`: scores a grouping against the truth.

use std::path::PathBuf;

use clap::Args;
use reprint::eval::{PairScores, Prf, Report};
use reprint::{Config, Deduplicator};

use crate::fail::{CliResult, Fail};
use crate::group::representative;
use crate::output::Output;
use crate::progress::{self, Progress, Unit};
use crate::settings::{self, scheme_name, shingle_name};
use crate::truth::{Truth, TruthArgs};

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub truth: TruthArgs,
    /// A grouping to score, as written by `reprint group` ({"id", "cluster"} lines). Without
    /// it, the truth file's texts are grouped first with the grouping settings
    #[arg(long, value_name = "PRED.jsonl")]
    pub pred: Option<PathBuf>,
    /// Print the metrics as one JSON object
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub settings: settings::Grouping,
}

/// Everything `eval --json` prints.
#[derive(serde::Serialize)]
struct EvalJson<'a> {
    documents: usize,
    documents_with_cluster: usize,
    /// Grouping metrics over the documents with a true cluster.
    grouping: Option<Report>,
    /// Metrics over labelled pairs.
    labelled_pairs: Option<PairScores>,
    /// The prediction file, or `null` when `eval` grouped the texts itself.
    prediction: Option<String>,
    /// The settings `eval` grouped with, or `null` with a prediction file.
    settings: Option<&'a Config>,
    seconds: f64,
}

pub fn run(args: &EvalArgs, quiet: bool) -> CliResult<()> {
    let start = std::time::Instant::now();
    let s = &args.settings;
    let any_setting = s.shingle.is_some()
        || s.threshold.is_some()
        || s.pipeline.num_hashes.is_some()
        || s.pipeline.scheme.is_some()
        || s.pipeline.lsh_threshold.is_some()
        || s.pipeline.seed.is_some();
    if args.pred.is_some() && any_setting {
        return Err(Fail::usage("grouping settings have no effect with --pred; leave them out or drop --pred"));
    }
    let dedup = if args.pred.is_none() { Some(s.build()?) } else { None };
    let truth = Truth::load(&args.truth, args.pred.is_none())?;
    let pred = match (&args.pred, &dedup) {
        (Some(path), _) => truth.load_prediction(path)?,
        (None, Some(dedup)) => group_labels(dedup, &truth.docs, progress::enabled(quiet))?,
        (None, None) => return Err(Fail::failed("internal error: nothing to score")),
    };
    let (grouping, pairs) = truth.score(&pred)?;
    let report = EvalJson {
        documents: truth.docs.len(),
        documents_with_cluster: truth.num_clustered(),
        grouping,
        labelled_pairs: pairs,
        prediction: args.pred.as_ref().map(|p| p.display().to_string()),
        settings: dedup.as_ref().map(|d| d.config()),
        seconds: start.elapsed().as_secs_f64(),
    };
    let mut out = Output::create(None)?;
    if args.json {
        out.json_line(&report)?;
    } else {
        out.text(&render(&report))?;
    }
    out.commit()
}

/// Groups documents and returns each one's representative position.
pub fn group_labels(dedup: &Deduplicator, docs: &[(crate::id::Id, String)], show: bool) -> CliResult<Vec<usize>> {
    let _spinner = Progress::new(show, None, Unit::Items, format!("grouping {} documents", docs.len()));
    let grouped = dedup.group(docs).map_err(|e| Fail::library("grouping failed", &e))?;
    (0..docs.len()).map(|i| representative(&grouped, i)).collect()
}

fn prf(p: &Prf) -> String {
    format!("precision {:.4}  recall {:.4}  F1 {:.4}", p.precision, p.recall, p.f1)
}

fn render(r: &EvalJson<'_>) -> String {
    let mut s = String::new();
    match (&r.prediction, r.settings) {
        (Some(p), _) => s += &format!("prediction          {p}\n"),
        (None, Some(c)) => {
            let shingle = settings::first_shingle(c).map(|x| shingle_name(&x)).unwrap_or_default();
            s += &format!(
                "grouped with        threshold {}, shingle {shingle}, {} hashes ({}), seed {}\n",
                c.threshold,
                c.num_hashes,
                scheme_name(c.scheme),
                c.seed
            );
        }
        (None, None) => {}
    }
    s += &format!("documents           {} ({} with a true cluster)\n", r.documents, r.documents_with_cluster);
    if let Some(g) = &r.grouping {
        s += &format!("groups              {} true, {} predicted\n", g.truth_groups, g.predicted_groups);
        s += &format!(
            "within-group pairs  {}  (TP {}, FP {}, FN {})\n",
            prf(&g.pairwise),
            g.true_positive_pairs,
            g.false_positive_pairs,
            g.false_negative_pairs
        );
        s += &format!("adjusted Rand index {:.4}\n", g.ari);
        s += &format!("B-cubed             {}\n", prf(&g.bcubed));
    }
    if let Some(p) = &r.labelled_pairs {
        s += &format!("labelled pairs      {} ({} positive)\n", p.pairs, p.positives);
        s += &format!("  pair scores       {}  accuracy {:.4}\n", prf(&p.prf), p.accuracy);
    }
    s
}
