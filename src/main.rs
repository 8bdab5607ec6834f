//! The `embargo` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Denied-party screening against official sanctions lists.
#[derive(Parser)]
#[command(name = "embargo", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read lists and report, per list: id, format, stated version, entity
    /// and name counts. PATH is a list file or a folder (walked).
    Lists {
        /// List files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// One JSON object per list on stdout.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Lists { paths, json } => cmd_lists(&paths, json),
    }
}

fn cmd_lists(paths: &[PathBuf], json: bool) -> ExitCode {
    let found = embargo::source::read_paths(paths);
    for (path, why) in &found.skipped {
        eprintln!("note: skipped {}: {}", path.display(), why);
    }
    for list in &found.lists {
        if json {
            let obj = serde_json::json!({
                "list_id": list.list_id,
                "path": list.path.display().to_string(),
                "format": list.format.as_str(),
                "version": list.version,
                "entities": list.entities.len(),
                "names": list.name_count(),
                "warnings": list.warnings.len(),
            });
            println!("{obj}");
        } else {
            println!(
                "{:<14} {:<18} {:<26} {:>7} entities {:>7} names  {}",
                list.list_id,
                list.format.as_str(),
                list.version.as_deref().unwrap_or("-"),
                list.entities.len(),
                list.name_count(),
                list.path.display()
            );
        }
        if !list.warnings.is_empty() {
            eprintln!(
                "warning: {}: {} recoverable oddities kept as raw text, e.g.:",
                list.path.display(),
                list.warnings.len()
            );
            for w in list.warnings.iter().take(3) {
                eprintln!("  {w}");
            }
        }
    }
    for e in &found.errors {
        eprintln!("error: {e}");
    }
    if found.lists.is_empty() && found.errors.is_empty() {
        eprintln!("error: no list found at the given path(s)");
        return ExitCode::from(1);
    }
    if found.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
