//! Inventories written the many ways a valid one can be: archives with hard
//! descriptions, dates of every precision and sizes at the edges, in JSON with any
//! key order, spacing, escaping and unknown keys, or in CSV with any column order,
//! quoting and line ends. Most are valid, so the checks behind parsing get inputs.

use std::fmt::Write as _;

use crate::corpus::{NAMES, fixture_descriptions};
use crate::engine::{Pool, Rng, text};
use crate::mutate::mutate;

/// An archive as text, the way an inventory writes its fields.
pub struct Written {
    pub id: String,
    pub description: String,
    pub date: String,
    pub size: String,
    pub hash: String,
}

const ID_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

pub fn archives(rng: &mut Rng, pool: &Pool) -> Vec<Written> {
    let count = rng.small(6);
    (0..count)
        .map(|at| Written {
            id: id(rng, at),
            description: description(rng, pool),
            date: date(rng),
            size: size(rng),
            hash: hash(rng),
        })
        .collect()
}

fn id(rng: &mut Rng, at: usize) -> String {
    let len = *rng.pick(&[1, 8, 138, 200]);
    let mut id: String = (0..len).map(|_| char::from(*rng.pick(ID_CHARS))).collect();
    // Mostly distinct, now and then the same as the one before.
    if !rng.one_in(16) {
        id.insert_str(0, &at.to_string());
    }
    if rng.one_in(8) {
        id.push_str(rng.pick_copy(&["é", ",", "\"", "\\", " ", "\u{0}"]));
    }
    id
}

fn description(rng: &mut Rng, pool: &Pool) -> String {
    match rng.below(5) {
        0 => String::new(),
        1 => rng.pick(NAMES).to_string(),
        2 => rng.pick(fixture_descriptions()).clone(),
        3 => {
            let mut bytes = rng.pick(NAMES).as_bytes().to_vec();
            mutate(rng, &mut bytes, pool, &[], 1024);
            text(&bytes).into_owned()
        }
        _ => rng
            .pick(&[
                "a,b",
                "say \"hi\", then",
                "C:\\a,b\\",
                "\\\"",
                "x\\",
                "\u{2028}",
                "😀",
                "\u{7f}",
            ])
            .to_string(),
    }
}

fn date(rng: &mut Rng) -> String {
    let year = *rng.pick(&[1970, 2000, 2012, 2024, 9999, 0, 1]);
    let (month, day) = *rng.pick(&[
        (1, 1),
        (2, 28),
        (2, 29),
        (12, 31),
        (4, 30),
        (2, 30),
        (13, 1),
    ]);
    let (hour, minute, second) = *rng.pick(&[(0, 0, 0), (23, 59, 59), (12, 30, 60), (24, 0, 0)]);
    let digits = rng.below(11);
    let fraction = match digits {
        0 => String::new(),
        10 => ".".to_owned(),
        n => format!(".{}", &"1234567891"[..n]),
    };
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z")
}

fn size(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng
            .pick(&[
                "0",
                "1",
                "1048576",
                "18446744073709551615",
                "18446744073709551616",
                "-0",
                "-1",
                "1.0",
                "1e3",
                "01",
            ])
            .to_string(),
        _ => (rng.next_u64() >> rng.below(64)).to_string(),
    }
}

fn hash(rng: &mut Rng) -> String {
    let mut hex = String::new();
    for _ in 0..4 {
        let _ = write!(hex, "{:016x}", rng.next_u64());
    }
    match rng.below(6) {
        0 => hex.to_uppercase(),
        1 => hex[..63].to_owned(),
        _ => hex,
    }
}

/// JSON text of `text`, each character written as itself where JSON allows or
/// escaped, by chance.
fn json_string(rng: &mut Rng, text: &str) -> String {
    let style = rng.below(3);
    let mut json = String::from("\"");
    for c in text.chars() {
        let escape = style == 1 || (style == 2 && rng.one_in(3));
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '/' if escape => json.push_str("\\/"),
            '\n' if escape => json.push_str("\\n"),
            '\t' if escape => json.push_str("\\t"),
            c if c < ' ' || escape => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(json, "\\u{unit:04x}");
                }
            }
            c => json.push(c),
        }
    }
    json.push('"');
    json
}

/// A JSON inventory of `archives`.
pub fn json_document(rng: &mut Rng, archives: &[Written]) -> Vec<u8> {
    let gap = *rng.pick(&["", " ", "\n  ", "\r\n\t"]);
    let mut list = Vec::new();
    for archive in archives {
        let description = if archive.description.is_empty() && rng.one_in(3) {
            "null".to_owned()
        } else {
            json_string(rng, &archive.description)
        };
        let mut members = vec![
            ("ArchiveId", json_string(rng, &archive.id)),
            ("ArchiveDescription", description),
            ("CreationDate", json_string(rng, &archive.date)),
            ("Size", archive.size.clone()),
            ("SHA256TreeHash", json_string(rng, &archive.hash)),
        ];
        shuffle(rng, &mut members);
        if rng.one_in(6) {
            let at = rng.below(members.len() + 1);
            members.insert(at, ("Extra", "{\"a\":[1,{\"b\":\"}\"}]}".to_owned()));
        }
        list.push(object(rng, gap, &members));
    }
    let mut top = vec![
        (
            "VaultARN",
            "\"arn:aws:glacier:us-east-1:012345678901:vaults/v\"".to_owned(),
        ),
        ("InventoryDate", json_string(rng, "2024-01-02T03:04:05Z")),
        (
            "ArchiveList",
            format!("[{}{gap}]", list.join(&format!(",{gap}"))),
        ),
    ];
    shuffle(rng, &mut top);
    let bom = if rng.one_in(8) { "\u{feff}" } else { "" };
    format!("{bom}{}{gap}", object(rng, gap, &top)).into_bytes()
}

/// `{"key": value, …}` with `gap` around every token; keys escaped by chance.
fn object(rng: &mut Rng, gap: &str, members: &[(&str, String)]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|(key, value)| format!("{gap}{}{gap}:{gap}{value}", json_string(rng, key)))
        .collect();
    format!("{{{}{gap}}}", members.join(","))
}

/// A CSV inventory of `archives`; descriptions lose their line breaks, which CSV
/// cannot hold.
pub fn csv_document(rng: &mut Rng, archives: &[Written]) -> Vec<u8> {
    let mut columns = vec![
        "ArchiveId",
        "ArchiveDescription",
        "CreationDate",
        "Size",
        "SHA256TreeHash",
    ];
    if rng.one_in(4) {
        columns.push("Extra");
    }
    if rng.one_in(2) {
        shuffle(rng, &mut columns);
    }
    let line_end = *rng.pick(&["\n", "\r\n"]);
    let quote_all = rng.one_in(4);
    let field = |rng: &mut Rng, text: &str| {
        if quote_all || text.contains([',', '"']) || rng.one_in(8) {
            format!("\"{}\"", text.replace('"', "\\\""))
        } else {
            text.to_owned()
        }
    };
    let mut csv = String::new();
    if rng.one_in(8) {
        csv.push('\u{feff}');
    }
    csv.push_str(&columns.join(","));
    for archive in archives {
        csv.push_str(line_end);
        if rng.one_in(8) {
            csv.push_str(line_end);
        }
        let description = archive.description.replace(['\n', '\r'], " ");
        let values: Vec<String> = columns
            .iter()
            .map(|column| match *column {
                "ArchiveId" => field(rng, &archive.id.replace(['\n', '\r'], "")),
                "ArchiveDescription" => field(rng, &description),
                "CreationDate" => archive.date.clone(),
                "Size" => archive.size.clone(),
                "SHA256TreeHash" => archive.hash.clone(),
                _ => field(rng, "x,y"),
            })
            .collect();
        csv.push_str(&values.join(","));
    }
    if rng.below(3) > 0 {
        csv.push_str(line_end);
    }
    csv.into_bytes()
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for at in (1..items.len()).rev() {
        items.swap(at, rng.below(at + 1));
    }
}
