//! Seed inputs shared by several targets: the fixtures in `tests/data`, the
//! archives they hold, and names that make decoders and path rules work.

use std::convert::Infallible;
use std::sync::OnceLock;

use defrost::domain::inventory::{
    InventoryArchive, InventoryFormat, InventoryHeader, ReadOptions, read_inventory,
};

/// A file under `tests/data`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("cannot read {path}: {err}"))
}

/// The header and archives of an inventory fixture, as the library reads them.
pub fn fixture_archives(
    name: &str,
    format: InventoryFormat,
) -> (Option<InventoryHeader>, Vec<InventoryArchive>) {
    let mut archives = Vec::new();
    let summary = read_inventory(
        format,
        fixture(name).as_slice(),
        ReadOptions::default(),
        |archive| {
            archives.push(archive);
            Ok::<(), Infallible>(())
        },
    )
    .unwrap_or_else(|err| panic!("the fixture {name} does not read: {err}"));
    (summary.header, archives)
}

/// The descriptions of every archive in the inventory fixtures: mt2, FastGlacier,
/// CloudBerry, raw text, empty, and the quoting cases. Read once.
pub fn fixture_descriptions() -> &'static [String] {
    static DESCRIPTIONS: OnceLock<Vec<String>> = OnceLock::new();
    DESCRIPTIONS.get_or_init(|| {
        let files = [
            ("inventory/aws-style.json", InventoryFormat::Json),
            ("inventory/generated-40.json", InventoryFormat::Json),
            ("inventory/aws-style.csv", InventoryFormat::Csv),
            ("inventory/generated-40.csv", InventoryFormat::Csv),
        ];
        files
            .into_iter()
            .flat_map(|(name, format)| fixture_archives(name, format).1)
            .map(|archive| archive.description)
            .collect()
    })
}

/// File names that exercise every rule of the display form and the safe path.
pub const NAMES: &[&str] = &[
    "photos/2014/IMG 0001.jpg",
    "a.txt",
    "日本語/ファイル.txt",
    "фото/día 1.jpg",
    "😀.png",
    "../../etc/passwd",
    "/etc/passwd",
    "a/./b/../c",
    r"C:\Users\me\My Documents\file.txt",
    "/C:/Users/x",
    r"\\server\share\f",
    r"\\?\C:\f",
    "a//b///c",
    ".. /x",
    "CON",
    "com1.txt",
    "dir/LPT¹.tar.gz",
    "nul .txt",
    "name. . ",
    "a<b>c:d\"e|f?g*h",
    "a\u{1b}[31mred\u{1b}[0m/b",
    "a\u{1b}]0;title\u{7}b",
    "invoice\u{202e}gpj.exe",
    "tab\there\nnewline\r",
    "a\u{0}b",
    "\u{85}\u{2028}\u{feff}",
    "folder/",
    r"folder\",
    "",
    " ",
    "..",
    "C:",
    ".bashrc",
    "backup.tar.gz",
    "a+b-c~d\\e",
    "+AH4-",
];

/// A name longer than any file system allows, with a long extension.
pub fn long_names() -> Vec<String> {
    vec![
        format!("{}.jpeg", "é".repeat(300)),
        vec!["folder".repeat(40); 10].join("/") + "/file.txt",
        format!("x.{}", "e".repeat(40)),
    ]
}
