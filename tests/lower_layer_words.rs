//! The lower layers word their remedies for any front end: no string in the
//! non-test code of `domain`, `store`, `glacier`, `tracking` or `sandbox` names a
//! command-line option (`--region`, `--size BYTES`) or command
//! (`'defrost jobs'`). The command line adds its
//! options in `commands::wording`; the screen has keys and fields instead. A
//! string literal that holds `--` and a letter (or a `{` that formats one in)
//! fails this test with its file and line, unless it is one of the exceptions
//! below, each of which is not a remedy at all.
//!
//! Test code is left out: `#[cfg(test)]` items, and the files of modules
//! declared under `#[cfg(test)]` (with or without `#[path]`).

mod source_scan;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use source_scan::{Scanned, scan};

/// The layers below the front ends.
const LOWER: &[&str] = &["domain", "store", "glacier", "tracking", "sandbox"];

/// Strings that hold an option but are no remedy, by file (under `src/`) and
/// the literal's exact text.
const EXCEPTIONS: &[(&str, &str)] = &[
    // The aws CLI command line `defrost params --aws-cli` prints and the screen's
    // preview shows: the aws CLI's own options are that output itself.
    (
        "domain/job_params/render.rs",
        "aws glacier initiate-job --account-id -",
    ),
    ("domain/job_params/render.rs", "--vault-name"),
    ("domain/job_params/render.rs", "--job-parameters"),
    ("domain/job_params/render.rs", "--profile"),
    ("domain/job_params/render.rs", "--region"),
    ("domain/job_params/render.rs", "--endpoint-url"),
];

/// Whether a string names an option (`--` then a letter, or a `{` that
/// formats one in: `--{what}`) or a command of defrost's (`'defrost jobs'`).
fn names_an_option(text: &str) -> bool {
    let option = text.match_indices("--").any(|(at, _)| {
        text[at + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '{')
    });
    option || text.contains("'defrost ") || text.contains("`defrost ")
}

/// The files under `dir`, recursively.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The files only tests compile: those declared under `#[cfg(test)]` or marked
/// `#![cfg(test)]`, and every module such a file declares.
fn test_files(scans: &[(PathBuf, Scanned)]) -> BTreeSet<PathBuf> {
    let mut tests: BTreeSet<PathBuf> = scans
        .iter()
        .flat_map(|(_, s)| s.modules.iter().filter(|(_, t)| *t).map(|(m, _)| m.clone()))
        .collect();
    tests.extend(
        scans
            .iter()
            .filter(|(_, s)| s.whole_file_is_test)
            .map(|(f, _)| f.clone()),
    );
    loop {
        let more: Vec<PathBuf> = scans
            .iter()
            .filter(|(file, _)| tests.contains(file))
            .flat_map(|(_, s)| s.modules.iter().map(|(m, _)| m.clone()))
            .filter(|module| !tests.contains(module))
            .collect();
        if more.is_empty() {
            return tests;
        }
        tests.extend(more);
    }
}

/// Every string in the lower layers' non-test code that names an option: its
/// file under `src/`, its line and its text.
fn option_mentions(src: &Path) -> Vec<(String, usize, String)> {
    let mut files = Vec::new();
    for layer in LOWER {
        let (folder, file) = (src.join(layer), src.join(format!("{layer}.rs")));
        if folder.is_dir() {
            rust_files(&folder, &mut files);
        }
        if file.is_file() {
            files.push(file);
        }
    }
    files.sort();
    let scans: Vec<(PathBuf, Scanned)> = files.iter().map(|f| (f.clone(), scan(f))).collect();
    let tests = test_files(&scans);
    let mut found = Vec::new();
    for (file, scanned) in scans.iter().filter(|(file, _)| !tests.contains(file)) {
        let relative = file.strip_prefix(src).unwrap_or(file).display().to_string();
        for (text, line) in &scanned.strings {
            if names_an_option(text) {
                found.push((relative.clone(), *line, text.clone()));
            }
        }
    }
    found
}

/// `src/FILE:LINE: "TEXT"`.
fn shown((file, line, text): &(String, usize, String)) -> String {
    format!("src/{file}:{line}: \"{text}\"")
}

#[test]
fn no_lower_layer_string_names_a_command_line_option() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (excepted, found): (Vec<_>, Vec<_>) = option_mentions(&src)
        .into_iter()
        .partition(|(file, _, text)| EXCEPTIONS.contains(&(file.as_str(), text.as_str())));
    let found: Vec<String> = found.iter().map(shown).collect();
    assert!(
        found.is_empty(),
        "a lower layer names a command-line option; say the remedy in neutral words and let `commands::wording` add the option:\n{}",
        found.join("\n")
    );
    // An exception that no longer matches anything goes, so the list stays exact.
    for (file, text) in EXCEPTIONS {
        assert!(
            excepted.iter().any(|(f, _, t)| f == file && t == text),
            "the exception {text:?} in src/{file} matches nothing; remove it"
        );
    }
}

#[test]
fn the_check_sees_options_in_code_and_leaves_test_code_and_comments_out() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("glacier")).unwrap();
    let write = |path: &str, text: &str| std::fs::write(src.join(path), text).unwrap();
    write(
        "glacier/mod.rs",
        concat!(
            "mod error;\n#[cfg(test)]\nmod tests;\n#[cfg(test)]\n#[path = \"x_tests.rs\"]\nmod more;\n",
            "// \"give --region\" in a comment\nconst C: char = '\"';\nfn f<'a>() {}\n",
            "const S: &str = \"it {} needs\n  --size BYTES\";\n",
            "#[cfg(test)]\nmod inline { const T: &str = \"--overwrite\"; }\n",
            "const R: &str = r#\"say \"--{what}\"\"#;\nconst N: &str = \"a -- b, --5\";\n",
            "const D: &str = \"see 'defrost jobs'\";\n",
        ),
    );
    write(
        "glacier/error.rs",
        "#[error(\"give --profile NAME\")]\nstruct E;\n",
    );
    write(
        "glacier/tests.rs",
        "mod deeper;\nconst T: &str = \"--region\";\n",
    );
    std::fs::create_dir_all(src.join("glacier/tests")).unwrap();
    write("glacier/tests/deeper.rs", "const T: &str = \"--vault\";\n");
    write("glacier/x_tests.rs", "const T: &str = \"--data-dir\";\n");
    write(
        "store.rs",
        "#![cfg(test)]\nconst T: &str = \"--account\";\n",
    );
    let found: Vec<String> = option_mentions(src).iter().map(shown).collect();
    assert_eq!(
        found,
        [
            "src/glacier/error.rs:1: \"give --profile NAME\"",
            "src/glacier/mod.rs:10: \"it {} needs\n  --size BYTES\"",
            "src/glacier/mod.rs:14: \"say \"--{what}\"\"",
            "src/glacier/mod.rs:16: \"see 'defrost jobs'\"",
        ],
        "{found:#?}"
    );
}
