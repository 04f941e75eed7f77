//! The library settings exposed as flags. Every flag left out keeps the library's default,
//! which `--help` shows, read from `reprint::Config::default()`.

use clap::{Args, ValueEnum};
use reprint::minhash::Scheme;
use reprint::shingle::{ShingleConfig, ShingleUnit};
use reprint::text::Filter;
use reprint::{Config, Deduplicator, DeduplicatorBuilder};

use crate::fail::{CliResult, Fail};

/// Settings shared by every command that groups.
#[derive(Args, Clone, Debug)]
pub struct Pipeline {
    /// Hashes per MinHash signature
    #[arg(long, value_name = "K", help_heading = "Grouping settings")]
    pub num_hashes: Option<u32>,
    /// MinHash scheme
    #[arg(long, value_enum, help_heading = "Grouping settings")]
    pub scheme: Option<SchemeArg>,
    /// Jaccard similarity at which the first candidate channel proposes pairs
    #[arg(long, value_name = "J", help_heading = "Grouping settings")]
    pub lsh_threshold: Option<f64>,
    /// Seed of every hash
    #[arg(long, value_name = "N", help_heading = "Grouping settings")]
    pub seed: Option<u64>,
}

/// Settings of one grouping: the pipeline plus the shingles and the threshold.
#[derive(Args, Clone, Debug)]
pub struct Grouping {
    /// Shingles of the first candidate channel: words:N, chars:N or content-words:N (words
    /// without English stopwords)
    #[arg(long, value_name = "KIND:N", value_parser = parse_shingle, help_heading = "Grouping settings")]
    pub shingle: Option<ShingleConfig>,
    /// Verified score at or above which two articles are linked, in (0, 1]
    #[arg(long, value_name = "SCORE", help_heading = "Grouping settings")]
    pub threshold: Option<f64>,
    #[command(flatten)]
    pub pipeline: Pipeline,
}

/// `--scheme` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// One-permutation hashing with densification: one hash per shingle
    OnePermutation,
    /// k independent hash functions: the slow reference
    Classic,
}

impl SchemeArg {
    fn scheme(self) -> Scheme {
        match self {
            SchemeArg::OnePermutation => Scheme::OnePermutation,
            SchemeArg::Classic => Scheme::Classic,
        }
    }
}

impl Pipeline {
    /// A builder with these settings over the library defaults.
    pub fn builder(&self) -> DeduplicatorBuilder {
        let mut b = Deduplicator::builder();
        if let Some(k) = self.num_hashes {
            b.num_hashes(k);
        }
        if let Some(s) = self.scheme {
            b.scheme(s.scheme());
        }
        if let Some(j) = self.lsh_threshold {
            b.lsh_threshold(j);
        }
        if let Some(s) = self.seed {
            b.seed(s);
        }
        b
    }

    /// Builds with a shingle setting for the first channel (`None`: the default).
    pub fn build(&self, shingle: Option<ShingleConfig>, threshold: Option<f64>) -> CliResult<Deduplicator> {
        let mut b = self.builder();
        if let Some(s) = shingle {
            b.shingle(s);
        }
        if let Some(t) = threshold {
            b.threshold(t);
        }
        b.build().map_err(|e| Fail::library("invalid settings", &e))
    }
}

impl Grouping {
    pub fn build(&self) -> CliResult<Deduplicator> {
        self.pipeline.build(self.shingle, self.threshold)
    }
}

/// Parses `words:5`, `chars:7` or `content-words:1`.
pub fn parse_shingle(s: &str) -> Result<ShingleConfig, String> {
    let (kind, n) = s.split_once(':').ok_or_else(|| format!("`{s}` is not KIND:N (e.g. words:5 or chars:7)"))?;
    let n: u32 = n.trim().parse().map_err(|_| format!("`{n}` is not a shingle size (a whole number)"))?;
    let config = match kind.trim() {
        "words" | "word" | "w" => ShingleConfig::words(n),
        "chars" | "char" | "c" => ShingleConfig::chars(n),
        "content-words" | "content" => ShingleConfig::words(n).with_filter(Filter::EnglishStopwords),
        other => return Err(format!("unknown shingle kind `{other}`; use words, chars or content-words")),
    };
    config.validate().map_err(|e| e.message().to_string())?;
    Ok(config)
}

/// `words:5`, the inverse of [`parse_shingle`].
pub fn shingle_name(s: &ShingleConfig) -> String {
    let kind = match (s.unit(), s.filter()) {
        (ShingleUnit::Words, Filter::None) => "words",
        (ShingleUnit::Words, Filter::EnglishStopwords) => "content-words",
        (ShingleUnit::Chars, _) => "chars",
        _ => "other",
    };
    format!("{kind}:{}", s.size())
}

pub fn scheme_name(s: Scheme) -> &'static str {
    match s {
        Scheme::OnePermutation => "one-permutation",
        Scheme::Classic => "classic",
        _ => "other",
    }
}

/// The first channel's shingles in a configuration.
pub fn first_shingle(c: &Config) -> Option<ShingleConfig> {
    c.channels.first().map(|ch| ch.shingle)
}

/// Appends the library's default to the help of each settings flag, in every subcommand.
pub fn document_defaults(cmd: clap::Command) -> clap::Command {
    let c = Config::default();
    let first = c.channels.first();
    cmd.mut_subcommands(|sub| {
        sub.mut_args(|arg| {
            let default = match arg.get_id().as_str() {
                "num_hashes" => Some(c.num_hashes.to_string()),
                "scheme" => Some(scheme_name(c.scheme).to_string()),
                "seed" => Some(c.seed.to_string()),
                "lsh_threshold" => first.map(|ch| ch.threshold.to_string()),
                "shingle" => first.map(|ch| shingle_name(&ch.shingle)),
                "threshold" => Some(c.threshold.to_string()),
                _ => None,
            };
            match (default, arg.get_help().map(|h| h.to_string())) {
                (Some(d), Some(help)) => arg.help(format!("{help} [library default: {d}]")),
                _ => arg,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingle_names_round_trip() {
        for s in ["words:5", "chars:7", "content-words:1"] {
            assert_eq!(shingle_name(&parse_shingle(s).unwrap()), s);
        }
        assert!(parse_shingle("words").is_err());
        assert!(parse_shingle("words:0").is_err());
        assert!(parse_shingle("bytes:3").is_err());
        assert!(parse_shingle("words:x").is_err());
    }
}
