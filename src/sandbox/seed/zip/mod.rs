//! Seeded zip archives: the `zip` table of a seeded archive, its checks, and the
//! member list it becomes. `write` turns that list into the zip's bytes.

mod members;
mod text;
pub mod write;

use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::Size;
use super::generate::SplitMix;
use crate::domain::zip::encode_cp437;
use write::{MemberPlan, ZipPlan};

/// Text and compressed members are made in memory at start: this is the most each may hold.
pub const MAX_REAL_MEMBER: u64 = 64 << 20;
/// Generated members at most: each costs memory and time at start.
pub const MAX_MEMBERS: u32 = 50_000;
/// The largest member of virtual bytes: far past any test's need, and far
/// from overflowing an offset with 50,000 of them.
pub const MAX_VIRTUAL_MEMBER: u64 = 1 << 40;
/// The largest generated member unless `max_member_size` says otherwise.
pub const DEFAULT_MAX_MEMBER: u64 = 32 << 20;

/// A seeded archive's `zip` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZipSeed {
    /// Members to generate: plausible nested paths, text and media, mixed methods.
    #[serde(default)]
    pub members: u32,
    /// Seed of the generated members; derived from the vault and position when absent.
    pub seed: Option<u64>,
    /// The largest generated member (default 32 MiB; text members stay under 256 KiB).
    pub max_member_size: Option<Size>,
    /// One more stored member of random bytes this large; past 4 GiB it makes a zip64.
    pub large_member: Option<Size>,
    /// The zip's comment, at most 65,535 bytes.
    pub comment: Option<String>,
    /// Add members with names that test a reader's guard (`../`, absolute, controls, CP437).
    #[serde(default)]
    pub hostile_names: bool,
    /// Members given one by one; they come first, in order.
    #[serde(default)]
    pub files: Vec<ZipFileSeed>,
}

/// One member of `[[vaults.archives.zip.files]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZipFileSeed {
    pub path: String,
    pub size: Size,
    #[serde(default)]
    pub method: Method,
    /// `text` by default for deflated members, `random` for stored ones.
    pub content: Option<Content>,
    /// Write the name in code page 437 without the UTF-8 flag, as DOS tools did.
    #[serde(default)]
    pub cp437: bool,
}

/// How a member's bytes are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Stored,
    #[default]
    Deflate,
}

impl Method {
    /// The zip's number for the method.
    pub fn number(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflate => 8,
        }
    }
}

/// What a member holds: dated lines of words, or random bytes (media, compressed data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Content {
    Text,
    Random,
}

impl ZipFileSeed {
    fn content(&self) -> Content {
        self.content.unwrap_or(match self.method {
            Method::Deflate => Content::Text,
            Method::Stored => Content::Random,
        })
    }

    /// The name's bytes and whether they are UTF-8.
    fn name(&self) -> Result<(Vec<u8>, bool), String> {
        if self.cp437 {
            let bytes = encode_cp437(&self.path).ok_or_else(|| {
                format!("the path {:?} has characters code page 437 lacks; drop cp437 = true or those characters", self.path)
            })?;
            Ok((bytes, false))
        } else {
            Ok((self.path.clone().into_bytes(), !self.path.is_ascii()))
        }
    }
}

/// Checks a `zip` table; `archive` says which archive, for the message.
pub fn check(zip: &ZipSeed, archive: &str) -> Result<(), String> {
    let count = u64::from(zip.members)
        + zip.files.len() as u64
        + u64::from(zip.large_member.is_some())
        + u64::from(zip.hostile_names);
    if count == 0 {
        return Err(format!(
            "the zip of {archive} has no members; set members = N (1 to {MAX_MEMBERS}) or add [[vaults.archives.zip.files]]"
        ));
    }
    if zip.members > MAX_MEMBERS {
        return Err(format!(
            "the zip of {archive} asks for {} generated members; at most {MAX_MEMBERS} are made at start",
            zip.members
        ));
    }
    if zip.max_member_size.is_some_and(|size| size.0 == 0) {
        return Err(format!(
            "the zip of {archive} has max_member_size = 0; give at least 1 byte"
        ));
    }
    let sizes = [zip.max_member_size, zip.large_member]
        .into_iter()
        .flatten()
        .chain(zip.files.iter().map(|file| file.size));
    if sizes.into_iter().any(|size| size.0 > MAX_VIRTUAL_MEMBER) {
        return Err(format!(
            "a member size in the zip of {archive} is past 1 TiB; give at most \"1TiB\""
        ));
    }
    if let Some(comment) = &zip.comment
        && comment.len() > usize::from(u16::MAX)
    {
        return Err(format!(
            "the zip comment of {archive} is {} bytes; a zip comment holds at most 65535",
            comment.len()
        ));
    }
    for file in &zip.files {
        let (name, _) = file
            .name()
            .map_err(|why| format!("in the zip of {archive}, {why}"))?;
        if name.is_empty() || name.len() > usize::from(u16::MAX) {
            return Err(format!(
                "a member path in the zip of {archive} is empty or longer than 65535 bytes; give 1 to 65535"
            ));
        }
        let real = file.method == Method::Deflate || file.content() == Content::Text;
        if real && file.size.0 > MAX_REAL_MEMBER {
            return Err(format!(
                "the member {:?} in the zip of {archive} is made in memory at start ({} or text) and may hold at most 64 MiB; make it method = \"stored\" with content = \"random\", or smaller",
                file.path,
                if file.method == Method::Deflate {
                    "deflated"
                } else {
                    "stored"
                }
            ));
        }
    }
    Ok(())
}

/// The members of the zip a checked `zip` table describes, for an archive
/// named `name` (its file stem names the generated members' folder) created at
/// `created`; `seed` is used when the table gives none.
pub fn plan(zip: &ZipSeed, name: &str, seed: u64, created: OffsetDateTime) -> ZipPlan {
    let mut rng = SplitMix(zip.seed.unwrap_or(seed));
    let newest = dos_range(PrimitiveDateTime::new(created.date(), created.time()));
    let root = root_folder(name);
    let mut members: Vec<MemberPlan> = zip
        .files
        .iter()
        .enumerate()
        .filter_map(|(index, file)| {
            // Checked before: every name encodes.
            let (name, utf8) = file.name().ok()?;
            Some(MemberPlan {
                name,
                utf8,
                method: file.method,
                content: file.content(),
                size: file.size.0,
                seed: rng.next(),
                modified: newest - time::Duration::hours(index as i64 + 1),
            })
        })
        .collect();
    let max_size = zip
        .max_member_size
        .map_or(DEFAULT_MAX_MEMBER, |size| size.0);
    let mut generated = members::generated(&mut rng, &root, zip.members, max_size, newest);
    if let Some(size) = zip.large_member {
        let large = members::large(&mut rng, &root, size.0, newest);
        generated.insert(generated.len() / 2, large);
    }
    members.extend(generated);
    if zip.hostile_names {
        members.extend(members::hostile(&mut rng, newest));
    }
    ZipPlan {
        members,
        comment: zip.comment.clone().unwrap_or_default().into_bytes(),
    }
}

/// The generated members' top folder: the archive's file name without its
/// folders and extension ("backups/2020-documents.zip" gives "2020-documents").
fn root_folder(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = file.split('.').next().unwrap_or(file);
    if stem.is_empty() {
        "archive".to_owned()
    } else {
        stem.to_owned()
    }
}

/// Keeps a time inside what the DOS date field holds (1980 to 2107), a day
/// clear of each end so members a little earlier stay inside too.
fn dos_range(at: PrimitiveDateTime) -> PrimitiveDateTime {
    at.clamp(
        time::macros::datetime!(1983-01-01 0:00),
        time::macros::datetime!(2107-12-30 0:00),
    )
}

#[cfg(test)]
mod tests;
