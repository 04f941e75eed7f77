//! `reprint`: group near-duplicate articles from the shell.
//!
//! ```text
//! reprint group articles.jsonl -o groups.jsonl     # {"id", "cluster"} per article
//! reprint eval --truth docs.jsonl [--pairs pairs.jsonl] [--pred groups.jsonl] [--json]
//! reprint calibrate --truth docs.jsonl [--pairs pairs.jsonl] [--plot curve.svg]
//! ```
//!
//! Exit codes: 0 success; 1 bad input, an I/O error or a failed run; 2 bad arguments or
//! settings. Nothing here groups: every decision is the library's.

#![forbid(unsafe_code)]

mod calibrate;
mod eval;
mod fail;
mod group;
mod id;
mod index_cmd;
mod input;
mod output;
mod plot;
mod progress;
mod settings;
mod truth;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::fail::Fail;

/// Find near-duplicate texts and group news articles that are rewrites of the same story.
#[derive(Parser, Debug)]
#[command(name = "reprint", version, propagate_version = true)]
#[command(after_help = "Exit codes: 0 success, 1 bad input or failed run, 2 bad arguments or settings.")]
struct Cli {
    /// No progress bar and no summary on standard error (warnings and errors are still shown)
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Group articles: one {"id", "cluster"} JSON line per article, in input order
    Group(group::GroupArgs),
    /// Score a grouping against true clusters and/or labelled pairs
    Eval(eval::EvalArgs),
    /// Sweep thresholds and shingles on labelled data; report the precision/recall trade-off
    Calibrate(calibrate::CalibrateArgs),
    /// A persistent index for article streams: build, add, query, remove, expire, groups, info
    Index(index_cmd::IndexArgs),
}

fn main() -> ExitCode {
    let command = settings::document_defaults(Cli::command());
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match &cli.command {
        Command::Group(args) => group::run(args, cli.quiet),
        Command::Eval(args) => eval::run(args, cli.quiet),
        Command::Calibrate(args) => calibrate::run(args, cli.quiet),
        Command::Index(args) => index_cmd::run(args, cli.quiet),
    };
    match result {
        Ok(()) | Err(Fail::BrokenPipe) => ExitCode::SUCCESS,
        Err(Fail::Failed(message)) => {
            eprintln!("reprint: error: {message}");
            ExitCode::from(1)
        }
        Err(Fail::Usage(message)) => {
            eprintln!("reprint: error: {message}");
            ExitCode::from(2)
        }
    }
}
