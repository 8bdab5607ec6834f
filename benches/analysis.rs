//! Analysis cost per name (criterion): `cargo bench --bench analysis`.
//!
//! Target (analysis issue): under 2 µs per typical Latin name.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

const LATIN: &[&str] = &[
    "John Smith",
    "PUTIN, Vladimir Vladimirovich",
    "Mohammed bin Salman Al Saud",
    "Maria Garcia Lopez",
    "Acme Trading Company LLC",
    "Banco Nacional de Cuba",
    "Jean-Pierre O'Brien",
    "Kim Jong Un",
];
const NON_LATIN: &[&str] = &[
    "Владимир Владимирович Путин",
    "محمد بن سلمان",
    "习近平",
    "김정은",
    "ООО Ромашка",
    "Αλέξης Τσίπρας",
];

fn bench(c: &mut Criterion) {
    // Warm the lazily loaded dictionaries and weight table.
    embargo::analysis::analyze("warm up");
    c.bench_function("analyze latin name", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % LATIN.len();
            black_box(embargo::analysis::analyze(black_box(LATIN[i])))
        })
    });
    c.bench_function("analyze non-latin name", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % NON_LATIN.len();
            black_box(embargo::analysis::analyze(black_box(NON_LATIN[i])))
        })
    });
    let pairs: Vec<_> = LATIN
        .iter()
        .zip(LATIN.iter().rev())
        .map(|(a, b)| (embargo::analysis::analyze(a), embargo::analysis::analyze(b)))
        .collect();
    c.bench_function("compare analysed pair", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % pairs.len();
            black_box(embargo::score::compare(&pairs[i].0, &pairs[i].1))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
