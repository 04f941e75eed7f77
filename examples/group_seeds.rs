//! The headline example: group the five seed articles with the default configuration.
//!
//! `000` is a heavy paraphrase of the BBC article `001`; `002`, `003` and `004` are different
//! articles about the same events. The default pipeline must put `000` and `001` together and
//! keep the other three apart.
//!
//! ```text
//! cargo run --release --example group_seeds            # groups with their evidence
//! cargo run --release --example group_seeds -- --json  # {"id": "000", "cluster": "001"} per article
//! ```

use std::path::{Path, PathBuf};

use reprint::Deduplicator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let json = std::env::args().any(|a| a == "--json");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut articles = Vec::new();
    for f in &files {
        let name = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let id: String = name.chars().take(3).collect();
        articles.push((id, std::fs::read_to_string(f)?));
    }

    let grouping = Deduplicator::new().group(&articles)?;

    if json {
        for (i, (id, _)) in articles.iter().enumerate() {
            let rep = grouping.representative_of(i).ok_or("missing article")?;
            println!("{}", serde_json::json!({ "id": id, "cluster": articles[rep].0 }));
        }
        return Ok(());
    }
    println!("{} articles, {} groups", articles.len(), grouping.groups().len());
    for group in grouping.groups() {
        let ids: Vec<&str> = group.members().iter().map(|&i| articles[i].0.as_str()).collect();
        println!("\ngroup {} (representative {}):", ids.join(", "), articles[group.representative()].0);
        for link in group.links() {
            let e = &link.evidence;
            println!(
                "  {} ~ {}  score {:.3}  found by {:?}  overlap {:.3}  aligned {:.3} ({} sentences)  containment {:.3}",
                articles[link.a].0,
                articles[link.b].0,
                e.score,
                link.stage,
                e.overlap,
                e.alignment,
                e.aligned_sentences,
                e.containment
            );
        }
    }
    Ok(())
}
