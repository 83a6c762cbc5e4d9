//! Shared set-up for the peek tests: zip files written by the `zip` crate as
//! other tools make them, stored in a live sandbox whose jobs the binary
//! follows, and a cached inventory that names them.
#![allow(dead_code)]

use std::io::Write as _;
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;
use zip::write::SimpleFileOptions;

use crate::cli_live::{Live, polled_defrost, polled_sandbox};
use crate::jobs_support::{Listed, add_stored_archive, seed_vault, write_inventory};
use crate::plan_support::random_bytes;

/// One member to write: its name, bytes, and whether to deflate it.
pub struct Entry {
    pub name: String,
    pub bytes: Vec<u8>,
    pub deflate: bool,
}

pub fn entry(name: &str, bytes: Vec<u8>, deflate: bool) -> Entry {
    Entry {
        name: name.to_owned(),
        bytes,
        deflate,
    }
}

/// Text that deflates well, different for every seed.
pub fn text(len: usize, seed: u64) -> Vec<u8> {
    let words = ["glacier ", "archive ", "vault ", "tree ", "hash ", "range "];
    let mut out = Vec::with_capacity(len);
    let mut index = seed as usize;
    while out.len() < len {
        out.extend_from_slice(words[index % words.len()].as_bytes());
        index = index.wrapping_mul(31).wrapping_add(7);
    }
    out.truncate(len);
    out
}

/// The zip of `entries`, in order.
pub fn zip_of(entries: &[Entry]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in entries {
        let method = if entry.deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        writer
            .start_file(
                entry.name.as_str(),
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        writer.write_all(&entry.bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A member packed by the caller, with a method the `zip` crate here does not
/// write (Deflate64, bzip2, LZMA): its name, its bytes, the method's number
/// and the packed bytes.
pub struct Packed {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub method: u16,
    pub packed: Vec<u8>,
}

/// The zip of `members`, written field by field as the format lays it out:
/// each local header and packed bytes, then the central directory and its end
/// record. Times are 1980-01-01, the format's first day.
pub fn zip_of_packed(members: &[Packed]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for member in members {
        let offset = u32::try_from(out.len()).unwrap();
        // Version needed, flags, method, time, date, CRC-32, sizes, name length.
        let mut common = Vec::new();
        common.extend(20u16.to_le_bytes());
        common.extend(0u16.to_le_bytes());
        common.extend(member.method.to_le_bytes());
        common.extend(0u16.to_le_bytes());
        common.extend(0x21u16.to_le_bytes());
        common.extend(crc32fast::hash(&member.bytes).to_le_bytes());
        common.extend(u32::try_from(member.packed.len()).unwrap().to_le_bytes());
        common.extend(u32::try_from(member.bytes.len()).unwrap().to_le_bytes());
        common.extend(u16::try_from(member.name.len()).unwrap().to_le_bytes());
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(&common);
        out.extend(0u16.to_le_bytes());
        out.extend(member.name.as_bytes());
        out.extend(&member.packed);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(&common);
        // Extra and comment lengths, disk, internal and external attributes.
        central.extend([0u8; 12]);
        central.extend(offset.to_le_bytes());
        central.extend(member.name.as_bytes());
    }
    let directory = u32::try_from(out.len()).unwrap();
    let count = u16::try_from(members.len()).unwrap();
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(u32::try_from(central.len()).unwrap().to_le_bytes());
    out.extend(directory.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A live sandbox with vault `v` holding `archives` (name, bytes) as stored
/// archives, listed by a cached inventory in a fresh data folder.
pub struct Peeking {
    pub live: Live,
    pub home: TempDir,
    pub data: TempDir,
    /// Each archive's id, in the order given.
    pub ids: Vec<String>,
}

impl Peeking {
    pub fn new(archives: &[(&str, Vec<u8>)]) -> Self {
        let live = polled_sandbox();
        seed_vault(&live.sandbox, "v", &[]);
        let stored: Vec<_> = archives
            .iter()
            .map(|(_, bytes)| add_stored_archive(&live.sandbox, "v", bytes))
            .collect();
        let data = tempfile::tempdir().unwrap();
        let listed: Vec<Listed<'_>> = archives
            .iter()
            .zip(&stored)
            .map(|((name, bytes), archive)| Listed {
                id: &archive.id,
                description: name,
                size: bytes.len() as u64,
                tree_hash: &archive.tree_hash,
            })
            .collect();
        let file = write_inventory(data.path(), &listed);
        let peeking = Peeking {
            ids: stored.iter().map(|archive| archive.id.clone()).collect(),
            live,
            home: tempfile::tempdir().unwrap(),
            data,
        };
        let import = peeking.run(&[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vault",
            "v",
        ]);
        assert!(import.status.success(), "{import:?}");
        peeking
    }

    pub fn run(&self, args: &[&str]) -> Output {
        polled_defrost(&self.live, &self.home, &self.data)
            .args(args)
            .output()
            .unwrap()
    }

    /// `defrost peek` of the archive at `index`, with `more`.
    pub fn peek(&self, index: usize, more: &[&str]) -> Output {
        let mut args = vec!["peek", "--vault", "v", "--archive-id", &self.ids[index]];
        args.extend_from_slice(more);
        self.run(&args)
    }

    /// `defrost restore-member` of `member` of the archive at `index` into `to`.
    pub fn restore_member(
        &self,
        index: usize,
        member: &str,
        to: &std::path::Path,
        more: &[&str],
    ) -> Output {
        let mut args = vec![
            "restore-member",
            "--vault",
            "v",
            "--archive-id",
            &self.ids[index],
            "--member",
            member,
            "--to",
            to.to_str().unwrap(),
        ];
        args.extend_from_slice(more);
        self.run(&args)
    }

    /// Every job the sandbox was asked for, in vault `v`.
    pub fn jobs_started(&self) -> usize {
        let state = self
            .live
            .sandbox
            .shared
            .lock(time::OffsetDateTime::now_utc());
        state.vaults.get("v").map_or(0, |vault| vault.jobs.len())
    }
}

/// The JSON Lines of a command's standard output.
pub fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Random bytes that do not deflate.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    random_bytes(len, seed)
}
