//! Plausible archives for a seeded vault: nested paths, a mix of description
//! formats, sizes from empty to tens of GiB. Deterministic for a given seed.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::describe::{DescriptionFormat, describe};
use super::{GeneratedSeed, PlannedArchive, PlannedContent};

const FOLDERS: &[&str] = &[
    "photos", "backup", "projects", "music", "scans", "invoices", "tax", "mail", "video", "family",
    "holiday", "db", "home", "www", "reports", "raw", "releases", "logs", "clients", "archive",
];
const STEMS: &[&str] = &[
    "img",
    "dsc",
    "clip",
    "dump",
    "export",
    "notes",
    "final",
    "draft",
    "build",
    "statement",
    "report",
    "scan",
    "album",
    "snapshot",
    "site",
    "mailbox",
];
const EXTENSIONS: &[&str] = &[
    "jpg", "png", "tar", "tar.gz", "zip", "mp4", "mov", "pdf", "sql.gz", "7z", "dng", "flac",
];
const UNICODE_NAMES: &[&str] = &["été", "Fotos_Großeltern", "写真", "résumé", "Ñandú"];

/// A small, fast, well-mixed generator; enough for plausible test data.
pub(super) struct SplitMix(pub(super) u64);

impl SplitMix {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub(super) fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A stable 64-bit value from text parts.
pub fn mix(parts: &[&str]) -> u64 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// `batch.count` archives created between `vault_created` and a day before `now`.
pub fn archives(
    vault: &str,
    batch: &GeneratedSeed,
    vault_created: OffsetDateTime,
    now: OffsetDateTime,
) -> Vec<PlannedArchive> {
    let mut rng = SplitMix(mix(&[vault, "generated", &batch.seed.to_string()]));
    let max_size = batch.max_size.map_or(20 << 30, |size| size.0);
    let span = ((now - time::Duration::days(1)) - vault_created)
        .whole_seconds()
        .max(1) as u64;
    let mut offsets: Vec<u64> = (0..batch.count).map(|_| rng.below(span)).collect();
    offsets.sort_unstable();
    offsets
        .into_iter()
        .map(|offset| {
            let created = vault_created + time::Duration::seconds(offset as i64);
            let path = path(&mut rng);
            let format =
                DescriptionFormat::MIX[rng.below(DescriptionFormat::MIX.len() as u64) as usize];
            let mtime = created - time::Duration::hours(rng.below(24 * 90) as i64);
            PlannedArchive {
                description: describe(format, &path, mtime),
                content: PlannedContent::Virtual {
                    size: size(&mut rng, max_size),
                },
                created,
                seed: rng.next(),
            }
        })
        .collect()
}

fn path(rng: &mut SplitMix) -> String {
    let depth = 1 + rng.below(4);
    let mut parts: Vec<String> = (0..depth).map(|_| rng.pick(FOLDERS).to_owned()).collect();
    if rng.chance(30) {
        parts.insert(1.min(parts.len()), (2012 + rng.below(14)).to_string());
    }
    let stem = if rng.chance(5) {
        rng.pick(UNICODE_NAMES)
    } else {
        rng.pick(STEMS)
    };
    parts.push(format!(
        "{stem}_{:04}.{}",
        rng.below(10_000),
        rng.pick(EXTENSIONS)
    ));
    parts.join("/")
}

/// Mostly small files, some large ones, a few huge and a few empty.
fn size(rng: &mut SplitMix, max_size: u64) -> u64 {
    let size = match rng.below(100) {
        0..=1 => 0,
        2..=59 => 1 + rng.below(8 << 20),
        60..=94 => (8 << 20) + rng.below(1 << 30),
        _ => (1 << 30) + rng.below(max_size.saturating_sub(1 << 30).max(1)),
    };
    size.min(max_size)
}
