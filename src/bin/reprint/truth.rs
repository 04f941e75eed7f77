//! Truth files for `eval` and `calibrate`: documents with their true cluster, labelled pairs,
//! and predicted groupings written by `reprint group`.
//!
//! Rules:
//! - every document of the truth file has an id (and a text when it is to be grouped);
//! - without `--pairs`, every document needs a `cluster`; with `--pairs` (MRPC-style data,
//!   where documents carry only an id and a text) the cluster is optional, and grouping
//!   metrics are computed over the documents that have one;
//! - pair ids and prediction ids must be ids of the truth file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use clap::Args;
use reprint::eval::{self, PairLabel, PairScores, Report};
use serde_json::Value;

use crate::fail::{CliResult, Fail};
use crate::id::{Id, json_kind};
use crate::input::{self, Fields, Line, LineReader, STDIN_NAME};

#[derive(Args, Debug)]
pub struct TruthArgs {
    /// Documents as JSONL: an id, a text and the true `cluster` (string or integer); `-` for
    /// standard input
    #[arg(long, value_name = "DOCS.jsonl")]
    pub truth: PathBuf,
    /// Labelled pairs as JSONL: {"a": id, "b": id, "label": true/false or 1/0}. With pairs, a
    /// document's cluster is optional
    #[arg(long, value_name = "PAIRS.jsonl")]
    pub pairs: Option<PathBuf>,
    /// Name of the id field in the truth file
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,
    /// Name of the text field in the truth file
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// Name of the true cluster field in the truth file
    #[arg(long, value_name = "NAME", default_value = "cluster")]
    pub cluster_field: String,
}

/// The truth: documents, their clusters and labelled pairs.
pub struct Truth {
    /// `(id, text)` per document, in file order (texts empty when not needed).
    pub docs: Vec<(Id, String)>,
    /// True cluster per document, when given.
    pub clusters: Vec<Option<Id>>,
    /// Labelled pairs as document positions.
    pub pairs: Vec<(usize, usize, bool)>,
    /// Whether labelled pairs were given.
    pub has_pairs: bool,
    index: HashMap<Id, usize>,
    lines: Vec<u64>,
    name: String,
}

fn open(path: &Path) -> CliResult<(Box<dyn BufRead>, String)> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(io::stdin().lock()), STDIN_NAME.to_string()));
    }
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| Fail::io(format!("cannot read {name}"), &e))?;
    Ok((Box::new(BufReader::with_capacity(1 << 16, file)), name))
}

/// Calls `f(line number, picked fields)` for each record of a JSONL file; any bad record stops.
fn for_each_record(
    path: &Path,
    names: &[&str],
    mut f: impl FnMut(&str, u64, Vec<Option<Value>>) -> Result<(), String>,
) -> CliResult<String> {
    let (reader, name) = open(path)?;
    let mut lines = LineReader::new(reader);
    loop {
        let next = lines.next_line().map_err(|e| Fail::io(format!("cannot read {name}"), &e))?;
        let Some((n, line)) = next else { break };
        let result = match line {
            Line::Text(text) => input::pick_fields(text, names).and_then(|fields| f(&name, n, fields)),
            Line::BadUtf8(message) => Err(message),
        };
        result.map_err(|message| Fail::failed(format!("{name}:{n}: {message}")))?;
    }
    Ok(name)
}

impl Truth {
    /// Loads the truth file (and the pairs file, if any).
    pub fn load(args: &TruthArgs, need_text: bool) -> CliResult<Truth> {
        let fields = Fields { id: &args.id_field, text: &args.text_field };
        fields.validate()?;
        if args.cluster_field == args.id_field || args.cluster_field == args.text_field {
            return Err(Fail::usage(format!("--cluster-field `{}` names another field too", args.cluster_field)));
        }
        if args.pairs.as_ref().is_some_and(|p| p.as_os_str() == "-") && args.truth.as_os_str() == "-" {
            return Err(Fail::usage("the truth and the pairs cannot both come from standard input"));
        }
        let mut t = Truth {
            docs: Vec::new(),
            clusters: Vec::new(),
            pairs: Vec::new(),
            has_pairs: args.pairs.is_some(),
            index: HashMap::new(),
            lines: Vec::new(),
            name: String::new(),
        };
        let names = [fields.id, fields.text, args.cluster_field.as_str()];
        t.name = for_each_record(&args.truth, &names, |name, line, mut picked| {
            let cluster = picked.pop().flatten();
            let (id, text) = if need_text {
                input::id_and_text(picked, fields)?
            } else {
                (input::take_id(picked.into_iter().next().flatten(), fields.id)?, String::new())
            };
            let cluster = match cluster {
                None | Some(Value::Null) => None,
                Some(v) => Some(Id::from_json(v).map_err(|kind| {
                    format!("cluster field `{}` must be a string or an integer, found {kind}", args.cluster_field)
                })?),
            };
            if let Some(&first) = t.index.get(&id) {
                return Err(format!("duplicate id {id} (first at {name}:{})", t.lines[first]));
            }
            t.index.insert(id.clone(), t.docs.len());
            t.docs.push((id, text));
            t.clusters.push(cluster);
            t.lines.push(line);
            Ok(())
        })?;
        if !t.has_pairs {
            if let Some(i) = t.clusters.iter().position(Option::is_none) {
                return Err(Fail::failed(format!(
                    "{}:{}: no `{}` field; every document needs its true cluster unless --pairs gives labelled pairs",
                    t.name, t.lines[i], args.cluster_field
                )));
            }
        }
        if let Some(pairs) = &args.pairs {
            t.load_pairs(pairs)?;
        }
        Ok(t)
    }

    fn load_pairs(&mut self, path: &Path) -> CliResult<()> {
        let truth = self.name.clone();
        let index = &self.index;
        let pairs = &mut self.pairs;
        for_each_record(path, &["a", "b", "label"], |_, _, picked| {
            let [a, b, label]: [Option<Value>; 3] =
                picked.try_into().map_err(|_| "internal error: wrong number of fields".to_string())?;
            let position = |v: Option<Value>, name: &str| -> Result<usize, String> {
                let id = input::take_id(v, name).map_err(|_| format!("field `{name}` must be a document id"))?;
                index.get(&id).copied().ok_or_else(|| format!("id {id} (field `{name}`) is not in {truth}"))
            };
            let (a, b) = (position(a, "a")?, position(b, "b")?);
            if a == b {
                return Err("a pair of a document with itself".into());
            }
            let label = match label {
                Some(Value::Bool(l)) => l,
                Some(Value::Number(n)) if n.as_u64() == Some(1) => true,
                Some(Value::Number(n)) if n.as_u64() == Some(0) => false,
                Some(other) => return Err(format!("`label` must be true, false, 1 or 0, found {}", json_kind(&other))),
                None => return Err("no `label` field".into()),
            };
            pairs.push((a, b, label));
            Ok(())
        })?;
        Ok(())
    }

    /// Predicted labels per document from a prediction file of `{"id", "cluster"}` lines.
    pub fn load_prediction(&self, path: &Path) -> CliResult<Vec<usize>> {
        let mut labels: Vec<Option<usize>> = vec![None; self.docs.len()];
        let mut cluster_ids: HashMap<Id, usize> = HashMap::new();
        let name = for_each_record(path, &["id", "cluster"], |_, _, picked| {
            let mut it = picked.into_iter();
            let id = input::take_id(it.next().flatten(), "id")?;
            let cluster = input::take_id(it.next().flatten(), "cluster")
                .map_err(|_| "field `cluster` must be a string or an integer".to_string())?;
            let &i = self.index.get(&id).ok_or_else(|| format!("id {id} is not in {}", self.name))?;
            if labels[i].is_some() {
                return Err(format!("id {id} is predicted twice"));
            }
            let next = cluster_ids.len();
            labels[i] = Some(*cluster_ids.entry(cluster).or_insert(next));
            Ok(())
        })?;
        labels
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                l.ok_or_else(|| {
                    Fail::failed(format!(
                        "{name} has no line for id {} ({}:{}); every document needs a prediction",
                        self.docs[i].0, self.name, self.lines[i]
                    ))
                })
            })
            .collect()
    }

    /// Number of documents with a true cluster.
    pub fn num_clustered(&self) -> usize {
        self.clusters.iter().filter(|c| c.is_some()).count()
    }

    /// Grouping metrics over the documents with a true cluster (`None` if there are none), and
    /// labelled-pair metrics (`None` without pairs). A pair is predicted positive when both
    /// documents have the same predicted label.
    pub fn score(&self, pred: &[usize]) -> CliResult<(Option<Report>, Option<PairScores>)> {
        if pred.len() != self.docs.len() {
            return Err(Fail::failed(format!(
                "internal error: {} predictions for {} documents",
                pred.len(),
                self.docs.len()
            )));
        }
        let grouping = if self.num_clustered() == 0 {
            None
        } else {
            let (t, p): (Vec<&Id>, Vec<usize>) =
                self.clusters.iter().zip(pred).filter_map(|(c, &p)| c.as_ref().map(|c| (c, p))).unzip();
            Some(eval::evaluate(&t, &p).map_err(|e| Fail::library("cannot score", &e))?)
        };
        let pairs = self.has_pairs.then(|| {
            eval::score_pairs(
                self.pairs.iter().map(|&(a, b, label)| PairLabel { predicted: pred[a] == pred[b], label }),
            )
        });
        Ok((grouping, pairs))
    }
}
