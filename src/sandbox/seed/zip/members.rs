//! The members a seeded zip generates: nested folders under a root named after
//! the archive, a mix of text (mostly deflated) and media (stored, as zip tools
//! store what is compressed already), sizes from a few hundred bytes to tens of
//! MiB; one large stored member on request; and names that test a reader's guard.

use time::{Duration, PrimitiveDateTime};

use super::super::generate::SplitMix;
use super::write::MemberPlan;
use super::{Content, Method};

const FOLDERS: &[&str] = &[
    "Finance",
    "Letters",
    "Photos",
    "Scans",
    "Tax returns",
    "Projects",
    "Website Redesign",
    "Invoices",
    "Travel",
    "Kids",
    "Recipes",
    "Contracts",
    "Meeting notes",
    "Receipts",
    "Archive",
    "Clients",
    "Insurance",
    "Car",
    "House",
    "Misc",
];
const TEXT_STEMS: &[&str] = &[
    "notes", "report", "budget", "minutes", "readme", "letter", "todo", "summary", "export",
    "contacts", "log",
];
const TEXT_EXTENSIONS: &[&str] = &["txt", "csv", "md", "log", "xml", "html", "json"];
const MEDIA_STEMS: &[&str] = &[
    "IMG",
    "DSC",
    "scan",
    "invoice",
    "statement",
    "presentation",
    "clip",
    "backup",
];
const MEDIA_EXTENSIONS: &[&str] = &["jpg", "png", "pdf", "docx", "xlsx", "mp4", "zip", "heic"];
const UNICODE_STEMS: &[&str] = &["Résumé", "Fotos_Großeltern", "写真", "été", "Ñandú"];

/// Generated text stays under this: larger text would be costly to make at start.
const MAX_TEXT: u64 = 256 * 1024;
const MIN_TEXT: u64 = 100;
const MIN_MEDIA: u64 = 4 * 1024;

/// `count` members under `root`, modified in the three years before `newest`.
pub fn generated(
    rng: &mut SplitMix,
    root: &str,
    count: u32,
    max_size: u64,
    newest: PrimitiveDateTime,
) -> Vec<MemberPlan> {
    (0..count)
        .map(|index| {
            let text = rng.chance(45);
            let mut parts = vec![root.to_owned()];
            for _ in 0..rng.below(4) {
                parts.push(rng.pick(FOLDERS).to_owned());
            }
            if rng.chance(40) {
                parts.push((2012 + rng.below(12)).to_string());
            }
            let unicode = rng.chance(5);
            let stem = match (unicode, text) {
                (true, _) => rng.pick(UNICODE_STEMS),
                (false, true) => rng.pick(TEXT_STEMS),
                (false, false) => rng.pick(MEDIA_STEMS),
            };
            let extension = rng.pick(if text {
                TEXT_EXTENSIONS
            } else {
                MEDIA_EXTENSIONS
            });
            // The index keeps every path distinct.
            parts.push(format!("{stem}_{index:05}.{extension}"));
            let name = parts.join("/");
            let (method, content, size) = if text {
                let method = if rng.chance(85) {
                    Method::Deflate
                } else {
                    Method::Stored
                };
                (
                    method,
                    Content::Text,
                    spread(rng, MIN_TEXT, max_size.min(MAX_TEXT)),
                )
            } else {
                (
                    Method::Stored,
                    Content::Random,
                    spread(rng, MIN_MEDIA, max_size),
                )
            };
            MemberPlan {
                utf8: !name.is_ascii(),
                name: name.into_bytes(),
                method,
                content,
                size,
                seed: rng.next(),
                modified: earlier(rng, newest),
            }
        })
        .collect()
}

/// One large stored member of random content (a camera's raw footage).
pub fn large(rng: &mut SplitMix, root: &str, size: u64, newest: PrimitiveDateTime) -> MemberPlan {
    MemberPlan {
        name: format!("{root}/Video/raw-footage-full.mov").into_bytes(),
        utf8: false,
        method: Method::Stored,
        content: Content::Random,
        size,
        seed: rng.next(),
        modified: earlier(rng, newest),
    }
}

/// Names a careful reader must not take at face value: parent folders, absolute
/// and drive paths, backslashes, controls and a terminal escape, a bidi override,
/// and a CP437 name that is not UTF-8.
pub fn hostile(rng: &mut SplitMix, newest: PrimitiveDateTime) -> Vec<MemberPlan> {
    let names: [(&[u8], bool); 8] = [
        (b"../../etc/passwd", false),
        (b"/etc/cron.d/evil", false),
        (b"C:\\Windows\\System32\\evil.dll", false),
        (b"..\\..\\boot.ini", false),
        (b"docs/a/./b/../../../../escape.txt", false),
        ("invoices/invoice\u{202e}fdp.exe".as_bytes(), true),
        (b"notes/bell\x07and\x1b[31mred\r\n.txt", false),
        // "Résumé/Café.txt" as DOS wrote it: é is 0x82.
        (b"R\x82sum\x82/Caf\x82.txt", false),
    ];
    names
        .into_iter()
        .enumerate()
        .map(|(index, (name, utf8))| MemberPlan {
            name: name.to_vec(),
            utf8,
            method: if index % 2 == 0 {
                Method::Deflate
            } else {
                Method::Stored
            },
            content: Content::Text,
            size: 200 + rng.below(2000),
            seed: rng.next(),
            modified: earlier(rng, newest),
        })
        .collect()
}

/// A size from `min` to `max`, spread over the powers of two between them, so
/// small members are many and large ones few, as in real folders.
fn spread(rng: &mut SplitMix, min: u64, max: u64) -> u64 {
    let min = min.min(max).max(1);
    let (low, high) = (min.ilog2(), max.max(1).ilog2());
    let bits = low + rng.below(u64::from(high - low) + 1) as u32;
    let size = (1u64 << bits).saturating_add(rng.below(1u64 << bits));
    size.clamp(min, max.max(1))
}

/// A time in the three years before `newest`, never before the DOS epoch.
fn earlier(rng: &mut SplitMix, newest: PrimitiveDateTime) -> PrimitiveDateTime {
    let at = newest - Duration::minutes(rng.below(3 * 365 * 24 * 60) as i64);
    let dos_epoch = time::macros::datetime!(1980-01-01 0:00);
    at.max(dos_epoch)
}
