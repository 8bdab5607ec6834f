//! Fuzzes the index reader: a small valid index with one file replaced by
//! (or XORed with) arbitrary bytes must open with an error or read back
//! without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    embargo::index::fuzz_index(data);
});
