//! Hostile input: truncated, corrupted and random bytes in every format give
//! errors, never panics; and the fuzz seed corpus replays in `cargo test`.

use std::io::Read;
use std::path::{Path, PathBuf};

use embargo::source::{detect, parse_bytes, Detected, Format, Input};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every bundled real file with its detected format and decompressed bytes.
fn bundled_samples() -> Vec<(PathBuf, Format, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![repo().join("data/lists"), repo().join("data/formats")];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let input = Input::file(&p);
            if let Ok(Some(Detected::List(f))) = detect(&input) {
                out.push((p.clone(), f, input.bytes().unwrap().into_owned()));
            }
        }
    }
    out
}

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn is_xml(f: Format) -> bool {
    matches!(
        f,
        Format::OfacXml | Format::UnXml | Format::EuFsfXml | Format::CaSemaXml
    )
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

#[test]
fn truncated_files_are_errors_never_panics() {
    let mut rng = Rng(0x5eed_1234);
    for (path, format, bytes) in bundled_samples() {
        let points = if is_zip(&bytes) { 4 } else { 12 };
        for i in 0..points {
            // Spread cuts over the file, off record boundaries by a random amount.
            let cut = (bytes.len() * (i + 1) / (points + 1) + rng.below(97)).min(bytes.len() - 1);
            let result = parse_bytes(format, &bytes[..cut]);
            if is_xml(format) || is_zip(&bytes) {
                assert!(
                    result.is_err(),
                    "{} cut at {cut} of {} bytes was accepted",
                    path.display(),
                    bytes.len()
                );
            }
        }
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let mut rng = Rng(0xbad_c0de);
    for (_path, format, bytes) in bundled_samples() {
        let window = bytes
            .len()
            .min(if is_zip(&bytes) { bytes.len() } else { 1 << 16 });
        for _ in 0..6 {
            let mut b = bytes[..window].to_vec();
            for _ in 0..1 + rng.below(20) {
                let i = rng.below(b.len());
                b[i] = rng.next() as u8;
            }
            let _ = parse_bytes(format, &b);
        }
    }
}

#[test]
fn random_bytes_are_refused_in_every_format() {
    let mut rng = Rng(42);
    for format in Format::ALL {
        for len in [0usize, 1, 7, 100, 5000] {
            let b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            assert!(
                parse_bytes(format, &b).is_err(),
                "{format:?} accepted {len} random bytes"
            );
        }
    }
}

#[test]
fn wrong_format_is_an_error() {
    let samples = bundled_samples();
    for (path, real, bytes) in samples.iter().take(8) {
        for f in Format::ALL {
            if f == *real || bytes.len() > 3_000_000 {
                continue;
            }
            // Reading a file as another format must not panic; it may only
            // succeed where the formats share a shape (none do today).
            if let Ok(l) = parse_bytes(f, bytes) {
                panic!(
                    "{} ({real:?}) read as {f:?} gave {} entities",
                    path.display(),
                    l.entities.len()
                );
            }
        }
    }
}

/// Replays `fuzz/seeds/<target>/*` (the seed corpus and any crash
/// reproducers saved there) through the readers.
#[test]
fn fuzz_seed_corpus_replays_without_panic() {
    let seeds = repo().join("fuzz/seeds");
    let Ok(dirs) = std::fs::read_dir(&seeds) else {
        panic!("{} is missing", seeds.display());
    };
    let mut n = 0;
    for d in dirs.flatten() {
        let target = d.file_name().to_string_lossy().to_string();
        for f in std::fs::read_dir(d.path()).unwrap().flatten() {
            let mut bytes = Vec::new();
            std::fs::File::open(f.path())
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            replay(&target, &bytes, &f.path());
            n += 1;
        }
    }
    assert!(n > 0, "no seeds replayed");
}

fn replay(target: &str, bytes: &[u8], _path: &Path) {
    let format = match target {
        "analysis" => {
            let s = String::from_utf8_lossy(bytes);
            let once = embargo::normalize::text::fold(&s).into_owned();
            assert_eq!(embargo::normalize::text::fold(&once), once);
            let x = embargo::score::compare_names(&s, &once);
            assert!((0.0..=1.0).contains(&x.score));
            return;
        }
        "index" => {
            embargo::index::fuzz_index(bytes);
            return;
        }
        "batch_input" => {
            embargo::batch::input::fuzz_records(bytes);
            return;
        }
        "server_request" => {
            let limits = embargo::server::request::Limits::default();
            if let Err(e) = embargo::server::request::parse_screen(bytes, &limits) {
                assert!((400..500).contains(&e.status), "{}", e.status);
            }
            return;
        }
        "detect" => {
            let _ = embargo::source::read_input(&Input::from_bytes("<seed>", bytes.to_vec()));
            return;
        }
        "ofac_csv" => Format::OfacCsv,
        "ofac_xml" => Format::OfacXml,
        "ofac_enhanced" => Format::OfacEnhancedXml,
        "un_xml" => Format::UnXml,
        "uk_ofsi_csv" => Format::UkOfsiCsv,
        "uk_ofsi_xlsx" => Format::UkOfsiXlsx,
        "us_csl" => Format::UsCslCsv,
        "us_bis_dpl" => Format::UsBisDplTsv,
        "eu_fsf_xml" => Format::EuFsfXml,
        "eu_fsf_csv" => Format::EuFsfCsv,
        "ca_sema" => Format::CaSemaXml,
        "au_dfat" => Format::AuDfatXlsx,
        "opensanctions" => Format::OpenSanctionsJson,
        other => panic!("unknown fuzz target folder {other}"),
    };
    let _ = parse_bytes(format, bytes);
}
