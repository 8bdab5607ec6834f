//! Writes a realistic customer file for benchmarking `embargo screen`
//! (the sources and shares are in `src/batch/gen.rs`):
//!
//! ```sh
//! cargo run --release --example gen_customers -- --records 1000000 --out customers.csv \
//!     [--seed 1] [--format csv|jsonl] [--shared ../shared] [--index DIR]
//! ```
//!
//! Listed names come from `--index` (default: the bundled default index).
//! Without `../shared` the innocent names come from the bundled token table
//! (a note on stderr says so).

use std::path::PathBuf;
use std::process::ExitCode;

use embargo::batch::gen::{generate, listed_names, GenFormat, Sources};

fn usage() -> ExitCode {
    eprintln!(
        "usage: gen_customers --records N --out FILE [--seed S] [--format csv|jsonl] [--shared DIR] [--index DIR]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut records: Option<u64> = None;
    let mut out: Option<PathBuf> = None;
    let mut seed = 1u64;
    let mut format = GenFormat::Csv;
    let mut shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut index: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next();
        match (a.as_str(), v) {
            ("--records", Some(v)) => match v.replace('_', "").parse() {
                Ok(n) => records = Some(n),
                Err(_) => return usage(),
            },
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--seed", Some(v)) => match v.parse() {
                Ok(s) => seed = s,
                Err(_) => return usage(),
            },
            ("--format", Some(v)) => {
                format = match v.as_str() {
                    "csv" => GenFormat::Csv,
                    "jsonl" => GenFormat::Jsonl,
                    _ => return usage(),
                }
            }
            ("--shared", Some(v)) => shared = PathBuf::from(v),
            ("--index", Some(v)) => index = Some(PathBuf::from(v)),
            _ => return usage(),
        }
    }
    let (Some(records), Some(out)) = (records, out) else {
        return usage();
    };
    let idx = match &index {
        Some(d) => embargo::index::Index::open(d),
        None => embargo::index::default_index(),
    };
    let listed = match idx.and_then(|i| listed_names(&i)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: listed names: {e}");
            return ExitCode::from(1);
        }
    };
    if !shared.is_dir() {
        eprintln!("note: {} not found", shared.display());
    }
    let shared = shared.is_dir().then_some(shared);
    let src = Sources::load(shared.as_deref(), listed);
    for n in &src.notes {
        eprintln!("{n}");
    }
    let file = match std::fs::File::create(&out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            return ExitCode::from(1);
        }
    };
    let mut w = std::io::BufWriter::new(file);
    match generate(&src, records, seed, format, &mut w) {
        Ok(r) => {
            eprintln!(
                "wrote {} customers ({} listed names, {:.1} MB) to {}",
                r.records,
                r.listed,
                r.bytes as f64 / 1e6,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            ExitCode::from(1)
        }
    }
}
