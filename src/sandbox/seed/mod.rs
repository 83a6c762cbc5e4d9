//! Seed files: a small TOML description of the vaults and archives a sandbox starts
//! with. Seeded archives are virtual (bytes generated on demand), so a seed can
//! describe tens of GiB without storing any. A seeded zip is real: its headers,
//! directory and text members are written at start (a few MiB at most for the
//! demo's), its large stored members are virtual bytes beneath them.
//!
//! ```toml
//! [account]
//! expedited_capacity = false        # Expedited jobs fail without provisioned capacity
//! bytes_per_hour = "10GiB"          # a BytesPerHour data retrieval policy
//!
//! [[vaults]]
//! name = "family-photos"
//! created = "2019-03-01T10:00:00Z"
//!
//! [[vaults.archives]]
//! name = "2019/wedding/album.tar"
//! format = "mt2"                    # or fastglacier, cloudberry, raw, …, or give `description`
//! size = "12GiB"
//! created = "2019-03-02T11:00:00Z"
//!
//! [[vaults.archives]]               # a real zip archive, generated at start
//! name = "backups/2020-documents.zip"
//! format = "mt2"
//! zip = { members = 300, seed = 4 } # no size: it follows from the members
//! # Optional keys of `zip`:
//! #   max_member_size = "32MiB"     # the largest generated member (text stays under 256 KiB)
//! #   large_member = "5GiB"         # one more stored member of random bytes; > 4 GiB makes a zip64
//! #   comment = "…"                 # the zip's comment, at most 65,535 bytes
//! #   hostile_names = true          # members named ../../etc/passwd, /etc/…, C:\…, with
//! #                                 # controls, a bidi override, a CP437 (not UTF-8) name
//! # `members` generated under a folder named after the zip ("2020-documents/…"):
//! # nested paths, text (mostly deflated) and media (stored), a few KiB to tens of MiB.
//!
//! [[vaults.archives]]               # a zip of members given one by one (for tests)
//! name = "test/explicit.zip"
//! [vaults.archives.zip]             # the table form, to add `files` below it
//! members = 0                       # generated members besides the files
//! [[vaults.archives.zip.files]]     # written first, in order
//! path = "docs/report.txt"
//! size = "10MiB"                    # deflated or text members: at most 64 MiB
//! method = "deflate"                # or "stored"
//! content = "text"                  # or "random"; default text when deflated, else random
//! cp437 = false                     # true: the name in code page 437, no UTF-8 flag
//!
//! [[vaults.generated]]              # many archives with plausible names and sizes
//! count = 2000
//! seed = 7
//!
//! [[vaults.faults]]                  # see `sandbox::faults`; scoped to this vault
//! kind = "flip_byte"
//! offset = 5000000
//!
//! [[faults]]                         # for every vault, unless it names one
//! kind = "throttling"
//! operation = "DescribeJob"
//! count = 3
//!
//! [[buckets]]                        # a bucket of the S3 endpoint, empty at first
//! name = "vault-copies"
//! region = "eu-west-1"               # default: the sandbox's region
//! ```

pub mod describe;
mod generate;
pub mod zip;

use std::path::Path;

use serde::Deserialize;
use time::OffsetDateTime;

use super::faults::FaultSpec;
use crate::domain::range::parse_size;
use describe::{DescriptionFormat, describe};
use zip::ZipSeed;
use zip::write::ZipPlan;

/// A parsed seed file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub account: AccountSeed,
    #[serde(default)]
    pub vaults: Vec<VaultSeed>,
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    #[serde(default)]
    pub buckets: Vec<BucketSeed>,
}

/// A bucket of the S3 endpoint, made empty when it does not exist yet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketSeed {
    pub name: String,
    /// The sandbox's own region when absent.
    pub region: Option<String>,
}

impl Seed {
    /// Every fault of the seed, each vault's scoped to its vault.
    pub fn all_faults(&self) -> Vec<FaultSpec> {
        let scoped = self.vaults.iter().flat_map(|vault| {
            vault.faults.iter().map(|fault| FaultSpec {
                vault: Some(vault.name.clone()),
                ..fault.clone()
            })
        });
        self.faults.iter().cloned().chain(scoped).collect()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSeed {
    pub expedited_capacity: Option<bool>,
    pub bytes_per_hour: Option<Size>,
    pub free_tier_policy: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultSeed {
    pub name: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    #[serde(default)]
    pub archives: Vec<ArchiveSeed>,
    #[serde(default)]
    pub generated: Vec<GeneratedSeed>,
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveSeed {
    /// The file name, encoded with `format`; or give `description` verbatim.
    pub name: Option<String>,
    pub format: Option<DescriptionFormat>,
    pub description: Option<String>,
    /// Required unless `zip` is given (a zip's size follows from its members).
    pub size: Option<Size>,
    /// A real zip archive, generated at start.
    pub zip: Option<ZipSeed>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    /// Seed of the generated bytes; derived from the vault and position when absent.
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratedSeed {
    pub count: u32,
    #[serde(default)]
    pub seed: u64,
    /// The largest archive to generate (default 20 GiB).
    pub max_size: Option<Size>,
}

/// A byte count written as a number or as text with a unit (`"12GiB"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SizeText")]
pub struct Size(pub u64);

#[derive(Deserialize)]
#[serde(untagged)]
enum SizeText {
    Bytes(u64),
    Text(String),
}

impl TryFrom<SizeText> for Size {
    type Error = String;
    fn try_from(value: SizeText) -> Result<Self, String> {
        match value {
            SizeText::Bytes(bytes) => Ok(Size(bytes)),
            SizeText::Text(text) => parse_size(&text).map(Size).map_err(|err| err.to_string()),
        }
    }
}

/// Why a seed file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read the seed file {file}: {source}; check the path")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("the seed file {file} is not valid: {message}")]
    Invalid { file: String, message: String },
}

/// Reads and checks a seed file.
pub fn load(path: &Path) -> Result<Seed, SeedError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
        file: file.clone(),
        source,
    })?;
    parse(&text).map_err(|message| SeedError::Invalid { file, message })
}

/// Parses seed text; the error says where (line and column) and what.
pub fn parse(text: &str) -> Result<Seed, String> {
    let seed: Seed = toml::from_str(text).map_err(|err| one_line_toml_error(text, &err))?;
    for vault in &seed.vaults {
        for archive in &vault.archives {
            check_archive(&vault.name, archive)?;
        }
    }
    check_faults(&seed)?;
    Ok(seed)
}

fn one_line_toml_error(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().replace('\n', " ");
    match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

fn check_archive(vault: &str, archive: &ArchiveSeed) -> Result<(), String> {
    let printable = |text: &str| text.bytes().all(|b| (0x20..=0x7e).contains(&b));
    let which = match (&archive.name, &archive.description) {
        (Some(name), _) => format!("archive {name:?} in vault {vault}"),
        (None, Some(text)) => format!("archive {text:?} in vault {vault}"),
        (None, None) => format!("an archive without a name in vault {vault}"),
    };
    match (&archive.size, &archive.zip) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "{which} has both size and zip; a zip's size follows from its members, drop size"
            ));
        }
        (None, None) => {
            return Err(format!(
                "{which} has no size; give size = \"12GiB\" (say), or a zip table"
            ));
        }
        (None, Some(zip)) => zip::check(zip, &which)?,
        (Some(_), None) => {}
    }
    match (&archive.name, &archive.description) {
        (Some(_), Some(_)) => Err(format!(
            "an archive of vault {vault} has both name and description; give one"
        )),
        (None, Some(text)) if !printable(text) || text.len() > 1024 => Err(format!(
            "the description {text:?} in vault {vault} is not at most 1024 printable ASCII characters"
        )),
        _ => Ok(()),
    }
}

fn check_faults(seed: &Seed) -> Result<(), String> {
    for vault in &seed.vaults {
        let elsewhere = vault
            .faults
            .iter()
            .find_map(|fault| fault.vault.as_ref().filter(|named| **named != vault.name));
        if let Some(other) = elsewhere {
            return Err(format!(
                "a fault of vault {} names vault {other}; move it to [[faults]] or drop its vault key",
                vault.name
            ));
        }
    }
    match seed
        .all_faults()
        .iter()
        .find_map(FaultSpec::fails_an_existing_job)
    {
        Some(job) => Err(format!(
            "the fail_job fault for job {job} cannot be in a seed (no job exists yet); scope it by vault to fail the jobs initiated there"
        )),
        None => Ok(()),
    }
}

/// One archive to create, with everything decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedArchive {
    pub description: String,
    pub content: PlannedContent,
    pub created: OffsetDateTime,
    /// Seed of the virtual bytes (of a zip's too, beneath its real parts).
    pub seed: u64,
}

/// What a planned archive's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedContent {
    /// This many virtual bytes.
    Virtual { size: u64 },
    /// A zip of these members, its size known once it is written.
    Zip(ZipPlan),
}

/// The archives a vault seed asks for, as of `now` (default dates are relative to it).
pub fn plan_archives(
    vault: &VaultSeed,
    vault_created: OffsetDateTime,
    now: OffsetDateTime,
) -> Vec<PlannedArchive> {
    let mut planned = Vec::new();
    for (index, archive) in vault.archives.iter().enumerate() {
        // A vault created in the last hours of the calendar has no later hour.
        let created = archive.created.unwrap_or_else(|| {
            vault_created
                .checked_add(time::Duration::hours(index as i64 + 1))
                .unwrap_or(vault_created)
        });
        let description = match (&archive.description, &archive.name) {
            (Some(text), _) => text.clone(),
            (None, Some(name)) => describe(
                archive.format.unwrap_or(DescriptionFormat::Raw),
                name,
                created,
            ),
            (None, None) => String::new(),
        };
        let seed = archive
            .seed
            .unwrap_or_else(|| generate::mix(&[&vault.name, "listed", &index.to_string()]));
        let content = match (&archive.zip, archive.size) {
            (Some(zip), _) => {
                let members_seed = generate::mix(&[&vault.name, "zip", &index.to_string()]);
                let name = archive.name.as_deref().unwrap_or_default();
                PlannedContent::Zip(zip::plan(zip, name, members_seed, created))
            }
            (None, size) => PlannedContent::Virtual {
                size: size.map_or(0, |size| size.0),
            },
        };
        planned.push(PlannedArchive {
            description,
            content,
            created,
            seed,
        });
    }
    for batch in &vault.generated {
        planned.extend(generate::archives(&vault.name, batch, vault_created, now));
    }
    planned
}

#[cfg(test)]
#[path = "seed_tests.rs"]
mod tests;
