//! Diffs every consecutive pair of the 308 real `sdn.csv` versions with
//! `embargo::delta::diff_entities` and compares the counts with the
//! archive's manifest; prints the disagreements and why.
//!
//! `cargo run --release --example diff_history [-- --explain N]`

#[path = "../tests/support/history.rs"]
mod history;

fn main() {
    let Some(dir) = history::history_dir() else {
        return;
    };
    let explain: usize = std::env::args()
        .skip_while(|a| a != "--explain")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let steps = history::manifest(&dir);
    let by_name: std::collections::HashMap<String, history::Step> =
        steps.iter().map(|s| (s.file.clone(), s.clone())).collect();
    let mut prev: Option<(Vec<embargo::Entity>, Vec<u8>)> = None;
    let (mut agree, mut total, mut explained) = (0, 0, 0);
    let mut field_counts: std::collections::BTreeMap<String, usize> = Default::default();
    let (mut sum_ours, mut sum_theirs) = ((0, 0, 0), (0, 0, 0));
    history::for_each_version(&dir, &|_| true, &mut |name, bytes| {
        let ents = history::parse(&bytes);
        let step = &by_name[name];
        assert_eq!(ents.len(), step.entries, "{name}: entry count");
        if let (Some((old, old_bytes)), Some((a, r, c))) = (&prev, step.delta) {
            total += 1;
            let d = embargo::delta::diff_entities(old, &ents);
            let ours = (d.added.len(), d.removed.len(), d.changed.len());
            sum_ours = (
                sum_ours.0 + ours.0,
                sum_ours.1 + ours.1,
                sum_ours.2 + ours.2,
            );
            sum_theirs = (sum_theirs.0 + a, sum_theirs.1 + r, sum_theirs.2 + c);
            for ch in &d.changed {
                let k: Vec<&str> = ch.fields.iter().map(|f| f.as_str()).collect();
                *field_counts.entry(k.join("+")).or_default() += 1;
            }
            if ours == (a, r, c) {
                agree += 1;
            } else {
                println!(
                    "{name}: ours +{} -{} ~{}, manifest +{a} -{r} ~{c}",
                    ours.0, ours.1, ours.2
                );
                if explained < explain {
                    explained += 1;
                    let (or, nr) = (history::rows(old_bytes), history::rows(&bytes));
                    let mut n = 0;
                    for (id, row) in &nr {
                        if let Some(o) = or.get(id) {
                            let key = format!("ofac-sdn:{id}");
                            let ours_changed = d.changed.iter().any(|c| c.entity_id == key);
                            if (o != row) != ours_changed && n < 3 {
                                n += 1;
                                println!(
                                    "  row differs={} ours changed={}\n   old {o}\n   new {row}",
                                    o != row,
                                    ours_changed
                                );
                            }
                        }
                    }
                }
            }
        }
        prev = Some((ents, bytes));
    });
    println!("{agree} of {total} steps agree with the manifest");
    println!(
        "sums: ours +{} -{} ~{}, manifest +{} -{} ~{}",
        sum_ours.0, sum_ours.1, sum_ours.2, sum_theirs.0, sum_theirs.1, sum_theirs.2
    );
    println!("changed fields: {field_counts:?}");
}
