//! `reprint calibrate`: sweeps the threshold and the shingles on labelled data and reports the
//! precision/recall trade-off and the best operating point.
//!
//! Each shingle setting is scored once ([`reprint::Deduplicator::score`]); every threshold is
//! then a cheap re-grouping ([`reprint::Scored::group`]).

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use reprint::Config;
use reprint::shingle::ShingleConfig;

use crate::fail::{CliResult, Fail};
use crate::group::representative;
use crate::output::Output;
use crate::plot;
use crate::progress::{self, Progress, Unit};
use crate::settings::{self, parse_shingle, shingle_name};
use crate::truth::{Truth, TruthArgs};

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub truth: TruthArgs,
    /// Shingle settings to try, comma-separated [default: the library's, words:3, words:7,
    /// chars:5]
    #[arg(long, value_name = "KIND:N,...", value_delimiter = ',', value_parser = parse_shingle)]
    pub shingles: Vec<ShingleConfig>,
    /// Thresholds to try: a list (0.3,0.4,0.5) or a range START:END:STEP [default: 0.05:1:0.05
    /// and the library's default]
    #[arg(long, value_name = "LIST|START:END:STEP", value_parser = parse_thresholds)]
    pub thresholds: Option<Thresholds>,
    /// What the trade-off is measured on [default: pairs with --pairs, else pairwise]
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
    /// Draw the precision/recall curves and F1 by threshold into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Print every point and the best one as one JSON object
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub pipeline: settings::Pipeline,
}

/// The quantity whose precision, recall and F1 are traded off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// Within-group pairs of the documents with a true cluster
    Pairwise,
    /// B-cubed over the documents with a true cluster
    Bcubed,
    /// The labelled pairs of --pairs
    Pairs,
}

/// A parsed `--thresholds`.
#[derive(Clone, Debug)]
pub struct Thresholds(Vec<f64>);

/// Parses `0.3,0.4` or `0.05:1:0.05`.
pub fn parse_thresholds(s: &str) -> Result<Thresholds, String> {
    let num = |x: &str| x.trim().parse::<f64>().map_err(|_| format!("`{x}` is not a number"));
    let values = if s.contains(':') {
        let parts: Vec<&str> = s.split(':').collect();
        let [a, b, step] = parts[..] else { return Err(format!("`{s}` is not START:END:STEP")) };
        let (a, b, step) = (num(a)?, num(b)?, num(step)?);
        if !(step > 0.0 && step.is_finite() && a <= b) {
            return Err(format!("`{s}`: START must not exceed END and STEP must be positive"));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize;
        if n > 100_000 {
            return Err(format!("`{s}` gives more than 100000 thresholds"));
        }
        (0..=n).map(|i| round(a + i as f64 * step)).collect()
    } else {
        s.split(',').map(num).collect::<Result<Vec<f64>, String>>()?
    };
    if let Some(bad) = values.iter().find(|t| !(**t > 0.0 && **t <= 1.0)) {
        return Err(format!("threshold {bad} is outside (0, 1]"));
    }
    Ok(Thresholds(values))
}

/// Rounds away float noise from range steps (0.1 + 0.2 -> 0.3).
fn round(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// One operating point.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Point {
    pub shingle: String,
    pub threshold: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Predicted groups.
    pub groups: usize,
}

#[derive(serde::Serialize)]
struct CalibrateJson<'a> {
    metric: Metric,
    documents: usize,
    points: &'a [Point],
    best: &'a Point,
    /// The library's default shingles and threshold, under the same other settings.
    default: Option<&'a Point>,
    seconds: f64,
}

pub fn run(args: &CalibrateArgs, quiet: bool) -> CliResult<()> {
    let start = Instant::now();
    if let Some(p) = &args.plot {
        if !p.extension().is_some_and(|x| x.eq_ignore_ascii_case("svg")) {
            return Err(Fail::usage(format!(
                "--plot {}: only SVG plots are written; name the file *.svg",
                p.display()
            )));
        }
    }
    let defaults = args.pipeline.build(None, None)?.config().clone();
    let shingles = shingle_grid(&args.shingles, &defaults);
    let thresholds = threshold_grid(args.thresholds.as_ref(), &defaults);
    // Every setting is checked before the long work starts.
    let dedups = shingles.iter().map(|s| args.pipeline.build(Some(*s), None)).collect::<CliResult<Vec<_>>>()?;
    let truth = Truth::load(&args.truth, true)?;
    if truth.docs.is_empty() {
        return Err(Fail::failed(format!("{} has no documents to calibrate on", args.truth.truth.display())));
    }
    let metric = args.metric.unwrap_or(if truth.has_pairs { Metric::Pairs } else { Metric::Pairwise });
    match metric {
        Metric::Pairs if !truth.has_pairs => {
            return Err(Fail::usage("--metric pairs needs labelled pairs (--pairs)"));
        }
        Metric::Pairwise | Metric::Bcubed if truth.num_clustered() == 0 => {
            return Err(Fail::usage("this metric needs documents with a true cluster; try --metric pairs"));
        }
        _ => {}
    }

    let show = progress::enabled(quiet);
    let bar = Progress::new(show, Some(dedups.len() as u64), Unit::Items, "scoring");
    let mut points = Vec::new();
    let mut notes = Vec::new();
    for (shingle, dedup) in shingles.iter().zip(&dedups) {
        let name = shingle_name(shingle);
        bar.set_message(format!("scoring {name}"));
        let t0 = Instant::now();
        let scored = dedup.score(&truth.docs).map_err(|e| Fail::library("scoring failed", &e))?;
        notes.push(format!("{name}: {} candidate pairs, {:.2} s", scored.num_candidates(), t0.elapsed().as_secs_f64()));
        for &threshold in &thresholds {
            let grouping = scored.group(threshold);
            let labels = (0..truth.docs.len()).map(|i| representative(&grouping, i)).collect::<CliResult<Vec<_>>>()?;
            let (report, pairs) = truth.score(&labels)?;
            let prf = match (metric, report, pairs) {
                (Metric::Pairwise, Some(r), _) => r.pairwise,
                (Metric::Bcubed, Some(r), _) => r.bcubed,
                (Metric::Pairs, _, Some(p)) => p.prf,
                _ => return Err(Fail::failed("internal error: metric unavailable")),
            };
            let (precision, recall, f1) = (prf.precision, prf.recall, prf.f1);
            points.push(Point {
                shingle: name.clone(),
                threshold,
                precision,
                recall,
                f1,
                groups: grouping.groups().len(),
            });
        }
        bar.inc(1);
    }
    drop(bar);

    let best = best_point(&points).ok_or_else(|| Fail::failed("internal error: no operating point"))?;
    let default_shingle = settings::first_shingle(&defaults).map(|s| shingle_name(&s));
    let default = points
        .iter()
        .find(|p| Some(&p.shingle) == default_shingle.as_ref() && (p.threshold - defaults.threshold).abs() < 1e-9);
    if let Some(path) = &args.plot {
        plot::draw(path, &points, best, metric)?;
    }
    let mut out = Output::create(None)?;
    if args.json {
        let seconds = start.elapsed().as_secs_f64();
        out.json_line(&CalibrateJson { metric, documents: truth.docs.len(), points: &points, best, default, seconds })?;
    } else {
        out.text(&render(metric, &truth, &points, &notes, best, default))?;
    }
    out.commit()?;
    if !quiet {
        if let Some(path) = &args.plot {
            eprintln!("reprint: plot written to {}", path.display());
        }
    }
    Ok(())
}

/// The requested shingles, or the library default and a few common alternatives.
fn shingle_grid(requested: &[ShingleConfig], defaults: &Config) -> Vec<ShingleConfig> {
    let mut grid: Vec<ShingleConfig> = if requested.is_empty() {
        let mut g: Vec<ShingleConfig> = settings::first_shingle(defaults).into_iter().collect();
        g.extend([ShingleConfig::words(3), ShingleConfig::words(7), ShingleConfig::chars(5)]);
        g
    } else {
        requested.to_vec()
    };
    let mut seen = Vec::new();
    grid.retain(|s| {
        let new = !seen.contains(s);
        seen.push(*s);
        new
    });
    grid
}

/// The requested thresholds, or 0.05 to 1 by 0.05 plus the library default; ascending.
fn threshold_grid(requested: Option<&Thresholds>, defaults: &Config) -> Vec<f64> {
    let mut grid = match requested {
        Some(Thresholds(t)) => t.clone(),
        None => {
            let mut g: Vec<f64> = (1..=20).map(|i| round(i as f64 * 0.05)).collect();
            g.push(defaults.threshold);
            g
        }
    };
    grid.sort_by(f64::total_cmp);
    grid.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    grid
}

/// Highest F1; ties go to higher precision, then to the first shingle setting swept, then to
/// the middle of the tied thresholds (the point farthest from where quality starts to drop).
pub fn best_point(points: &[Point]) -> Option<&Point> {
    let top = points.iter().reduce(|best, p| if (p.f1, p.precision) > (best.f1, best.precision) { p } else { best })?;
    let tied: Vec<&Point> =
        points.iter().filter(|p| p.shingle == top.shingle && p.f1 == top.f1 && p.precision == top.precision).collect();
    tied.get(tied.len().saturating_sub(1) / 2).copied()
}

fn render(
    metric: Metric,
    truth: &Truth,
    points: &[Point],
    notes: &[String],
    best: &Point,
    default: Option<&Point>,
) -> String {
    let what = match metric {
        Metric::Pairwise => "within-group pairs",
        Metric::Bcubed => "B-cubed",
        Metric::Pairs => "labelled pairs",
    };
    let mut s = format!(
        "{} documents ({} with a true cluster), {} labelled pairs; precision/recall over {what}\n",
        truth.docs.len(),
        truth.num_clustered(),
        truth.pairs.len()
    );
    for note in notes {
        s += &format!("scored {note}\n");
    }
    s += "\nshingle          threshold  precision  recall  F1      groups\n";
    for p in points {
        s += &format!(
            "{:<16} {:<10} {:<10.4} {:<7.4} {:<7.4} {}\n",
            p.shingle, p.threshold, p.precision, p.recall, p.f1, p.groups
        );
    }
    s += &format!(
        "\nbest: --shingle {} --threshold {}: precision {:.4}, recall {:.4}, F1 {:.4}\n",
        best.shingle, best.threshold, best.precision, best.recall, best.f1
    );
    if let Some(d) = default {
        s += &format!(
            "library default (--shingle {} --threshold {}): precision {:.4}, recall {:.4}, F1 {:.4}\n",
            d.shingle, d.threshold, d.precision, d.recall, d.f1
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse() {
        assert_eq!(parse_thresholds("0.1:0.3:0.1").unwrap().0, [0.1, 0.2, 0.3]);
        assert_eq!(parse_thresholds("0.5,0.25").unwrap().0, [0.5, 0.25]);
        assert!(parse_thresholds("0:1:0.5").is_err());
        assert!(parse_thresholds("0.1:0.3:0").is_err());
        assert!(parse_thresholds("0.1:0.3").is_err());
        assert!(parse_thresholds("x").is_err());
        assert!(parse_thresholds("1.5").is_err());
    }

    #[test]
    fn best_is_highest_f1_then_precision() {
        let p = |t: f64, precision: f64, f1: f64| Point {
            shingle: "words:5".into(),
            threshold: t,
            precision,
            recall: 0.0,
            f1,
            groups: 0,
        };
        let points = [p(0.1, 0.5, 0.6), p(0.2, 0.9, 0.6), p(0.3, 0.9, 0.6), p(0.4, 1.0, 0.5)];
        assert_eq!(best_point(&points).unwrap().threshold, 0.2);
        let plateau = [p(0.1, 0.5, 0.6), p(0.2, 1.0, 1.0), p(0.3, 1.0, 1.0), p(0.4, 1.0, 1.0), p(0.5, 1.0, 0.9)];
        assert_eq!(best_point(&plateau).unwrap().threshold, 0.3);
        assert!(best_point(&[]).is_none());
    }
}
