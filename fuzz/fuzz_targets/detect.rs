//! Fuzzes format detection + reading of an unknown file: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = embargo::source::Input::from_bytes("<fuzz>", data.to_vec());
    let _ = embargo::source::read_input(&input);
});
