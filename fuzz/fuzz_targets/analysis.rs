//! Fuzzes name analysis and comparison over arbitrary bytes (as lossy
//! UTF-8): never a panic, and folding is idempotent.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let once = embargo::normalize::text::fold(&s).into_owned();
    let twice = embargo::normalize::text::fold(&once).into_owned();
    assert_eq!(once, twice, "fold is not idempotent");
    let (a, b) = s.split_at(s.char_indices().nth(s.chars().count() / 2).map(|(i, _)| i).unwrap_or(0));
    let x = embargo::score::compare_names(a, b);
    assert!((0.0..=1.0).contains(&x.score));
});
