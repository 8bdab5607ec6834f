//! Prints entities of a list as JSON: `cargo run --example show_entity -- <PATH> <ENTITY_ID>...`
//! (a debugging aid for writing hand-checked tests).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((path, ids)) = args.split_first() else {
        eprintln!("usage: show_entity <PATH> <ENTITY_ID>...");
        std::process::exit(2);
    };
    let found = embargo::source::read_paths(&[path]);
    for e in &found.errors {
        eprintln!("error: {e}");
    }
    for l in &found.lists {
        for e in &l.entities {
            if ids.iter().any(|i| i == &e.id) {
                println!("{}", serde_json::to_string_pretty(e).unwrap_or_default());
            }
        }
    }
}
