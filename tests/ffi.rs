//! The C ABI: the header declares exactly what the library exports, and a
//! small C program (`tests/c/screen.c`) compiled with `cc` against the
//! shared library screens names from several threads at once.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Function names declared in a C header (comments stripped).
fn header_functions(h: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = h;
    while let Some(i) = rest.find("/*") {
        text.push_str(&rest[..i]);
        rest = match rest[i..].find("*/") {
            Some(j) => &rest[i + j + 2..],
            None => "",
        };
    }
    text.push_str(rest);
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '('))
        .filter_map(|w| {
            w.strip_suffix('(')
                .or_else(|| w.split('(').next().filter(|_| w.contains('(')))
        })
        .filter(|w| w.starts_with("embargo_"))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `extern "C"` functions defined in src/ffi.rs.
fn exported_functions(src: &str) -> Vec<String> {
    let mut out: Vec<String> = src
        .lines()
        .filter_map(|l| l.trim().split("extern \"C\" fn ").nth(1))
        .filter_map(|r| r.split('(').next())
        .map(|s| s.trim().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn the_header_declares_exactly_the_exported_functions() {
    let h = std::fs::read_to_string(repo().join("include/embargo.h")).unwrap();
    let src = std::fs::read_to_string(repo().join("src/ffi.rs")).unwrap();
    let declared = header_functions(&h);
    let exported = exported_functions(&src);
    assert!(exported.len() >= 6, "{exported:?}");
    assert_eq!(declared, exported);
}

/// The shared library cargo built beside this test binary.
fn cdylib() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?;
    let name = format!(
        "{}embargo{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    [deps.join(&name), deps.parent()?.join(&name)]
        .into_iter()
        .find(|p| p.exists())
}

fn build_index(lists: &str, name: &str) -> PathBuf {
    let found = embargo::source::read_paths(&[repo().join(lists)]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let dir = std::env::temp_dir().join(format!("embargo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    embargo::index::build(&found.lists, &dir).expect("build");
    dir
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn the_library_exports_exactly_the_header_functions() {
    let Some(lib) = cdylib() else {
        eprintln!("note: skipped: no cdylib beside the test binary");
        return;
    };
    if !have("nm") {
        eprintln!("note: skipped: no `nm` to list the exports");
        return;
    }
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut syms: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|s| s.starts_with("embargo_"))
        .map(str::to_string)
        .collect();
    syms.sort();
    let h = std::fs::read_to_string(repo().join("include/embargo.h")).unwrap();
    assert_eq!(syms, header_functions(&h));
}

#[test]
fn a_c_program_screens_from_several_threads() {
    let Some(lib) = cdylib() else {
        eprintln!("note: skipped: no cdylib beside the test binary");
        return;
    };
    if !have("cc") {
        eprintln!("note: skipped: no C compiler (`cc`)");
        return;
    }
    let index = build_index("data/lists/un-sc", "ffi-test");
    let libdir = lib.parent().unwrap();
    let exe = std::env::temp_dir().join(format!("embargo-screen-c-{}", std::process::id()));
    let status = Command::new("cc")
        .args([
            "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-pthread", "-I",
        ])
        .arg(repo().join("include"))
        .arg(repo().join("tests/c/screen.c"))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", libdir.display()))
        .arg(format!("-Wl,-rpath,{}", libdir.display()))
        .arg("-lembargo")
        .status()
        .expect("run cc");
    assert!(status.success(), "cc failed");
    let out = Command::new(&exe)
        .arg(&index)
        .args(["4", "4", "Eric Badege", "un-sc:CDi.001"])
        .output()
        .expect("run the C program");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    // 4 threads × 4 rounds × (the name + one other name), less the empty
    // name each thread sees once (refused with a reason, as it should be).
    assert!(stdout.contains("ok 28"), "{stdout}");
    assert!(stdout.contains(&format!("version {}", env!("CARGO_PKG_VERSION"))));
    let _ = std::fs::remove_file(&exe);
    let _ = std::fs::remove_dir_all(Path::new(&index));
}
