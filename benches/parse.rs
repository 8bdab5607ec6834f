//! Parse time of every bundled list: `cargo bench --bench parse`.
//!
//! Reads each list under `data/lists` (and `data/formats`) several times and
//! prints the median wall time per list (single-threaded, so ≈ CPU time).
//! The target from the foundation issue: well under a second per list.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn list_paths(root: &Path) -> Vec<PathBuf> {
    // One path per list: the folder of an OFAC CSV set, else each file.
    embargo::source::read_paths(&[root])
        .lists
        .into_iter()
        .map(|l| l.path)
        .collect()
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runs = 7;
    println!("{:<64} {:>10} {:>12}", "list", "entities", "median ms");
    for root in ["data/lists", "data/formats"] {
        for path in list_paths(&repo.join(root)) {
            let mut times: Vec<Duration> = Vec::with_capacity(runs);
            let mut entities = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let found = embargo::source::read_paths(&[&path]);
                times.push(t.elapsed());
                entities = found.lists.iter().map(|l| l.entities.len()).sum();
            }
            times.sort();
            let rel = path.strip_prefix(&repo).unwrap_or(&path);
            println!(
                "{:<64} {:>10} {:>12.1}",
                rel.display(),
                entities,
                times[runs / 2].as_secs_f64() * 1e3
            );
        }
    }
}
