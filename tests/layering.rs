//! The layers of `src/` point one way. Each top-level module may use only the
//! modules this table allows; a `crate::` path to any other, in any file of the
//! module, fails this test with the file and line. The table is the one in
//! ARCHITECTURE's layer list and the README's module map:
//!
//! ```text
//! domain ← store, glacier, s3, sandbox ← tracking ← commands, tui
//! ```
//!
//! with `text` (untrusted text made printable), `confined` (writing inside a
//! folder) and `hashing` (files through the tree hasher) as leaves the layers
//! may use, `input` (what the user gave that cannot be used) for the front ends,
//! and `cli` and `commands` at the top together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each module and the modules it may use (besides itself).
const ALLOWED: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("domain", &["text"]),
    ("confined", &[]),
    ("input", &["text"]),
    ("hashing", &["domain"]),
    ("store", &["domain", "text", "confined"]),
    ("glacier", &["domain", "text", "confined", "hashing"]),
    ("s3", &["domain", "text"]),
    ("sandbox", &["domain", "text", "hashing"]),
    (
        "tracking",
        &[
            "domain", "text", "confined", "hashing", "store", "glacier", "s3",
        ],
    ),
    (
        "tui",
        &[
            "domain", "text", "confined", "input", "hashing", "store", "glacier", "s3", "tracking",
        ],
    ),
    (
        "commands",
        &[
            "domain", "text", "confined", "input", "hashing", "store", "glacier", "s3", "sandbox",
            "tracking", "tui", "cli",
        ],
    ),
    (
        "cli",
        &[
            "domain", "text", "confined", "input", "hashing", "store", "glacier", "s3", "sandbox",
            "tracking", "tui", "commands",
        ],
    ),
];

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

/// The top-level module a file of `src/` belongs to (`None` for `lib.rs` and
/// `main.rs`, which map the crate and may name every module).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_owned())
}

/// Every `crate::MODULE` a line of code names, comments left out.
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .filter(|(at, _)| {
            // `$crate::` in macros and `defrost_crate::` are not ours.
            let before = code[..*at].chars().last();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// Every use of a module the table does not allow, as `file:line: a uses b`.
fn violations(src: &Path) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let Some(module) = module_of(src, &file) else {
            continue;
        };
        let Some(may_use) = allowed.get(module.as_str()) else {
            found.push(format!(
                "{}: module {module} is missing from the table",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for used in crate_paths(line) {
                if used != module && !may_use.contains(&used.as_str()) {
                    found.push(format!(
                        "src/{}:{}: {module} uses {used}",
                        file.strip_prefix(src).unwrap_or(&file).display(),
                        number + 1
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(found.is_empty(), "upward imports:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_an_upward_import_and_ignores_comments_and_macros() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("glacier")).unwrap();
    std::fs::write(
        src.join("glacier/sdk.rs"),
        "use crate::domain::x;\n// crate::tui in a comment\nuse crate::commands::BadInput;\nmacro_rules! m { () => { $crate::tui } }\n",
    )
    .unwrap();
    std::fs::write(src.join("domain.rs"), "use crate::text::printable;\n").unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod tui; use crate::tui;\n").unwrap();
    let found = violations(src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].ends_with("sdk.rs:3: glacier uses commands"),
        "{found:?}"
    );
}
