//! Build script: only makes the absence of the shared test data visible.
//! Tests on `../shared/data` skip when it is absent, and cargo hides the
//! notes of passing tests, so say it here once, as a cargo warning.

fn main() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    println!("cargo:rerun-if-changed=build.rs");
    // Watched whether or not it exists: the note goes once it appears.
    println!("cargo:rerun-if-changed={}", shared.display());
    if !shared.is_dir() {
        println!(
            "cargo:warning=../shared/data is absent: tests on the full real-list collection and the external name data are skipped (the bundled data/ is still tested)"
        );
    }
}
