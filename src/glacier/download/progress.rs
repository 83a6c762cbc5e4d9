//! The progress file beside `DEST.part`: which chunks are already written and
//! verified, so that a later run with the same request fetches only the rest.
//!
//! Format: JSON lines. The first line names the download (job, output length,
//! chunk size, offset); each further line is `{"chunk": i, "tree_hash": "…"}`,
//! appended and synced after the chunk's bytes are synced, so a recorded chunk is
//! always on disk. A line that does not parse (torn by a crash mid-write) is
//! ignored, and the file is rewritten whole at the start of each run so later
//! lines never follow a torn one.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::confined::{Access, ConfinedDir, ConfinedError};
use crate::domain::treehash::TreeHash;

/// What a progress file belongs to; a file for anything else is not resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub job_id: String,
    pub output_length: u64,
    pub chunk_size: u64,
    pub archive_offset: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    chunk: u64,
    tree_hash: TreeHash,
}

/// The progress file for the download writing at `archive_offset` into `part`.
/// Range downloads into one file each get their own, so they can run and resume
/// independently; every name starts with `DEST.part.progress`.
pub fn progress_path(part: &Path, archive_offset: u64) -> PathBuf {
    let mut name = part.as_os_str().to_owned();
    name.push(".progress");
    if archive_offset != 0 {
        name.push(format!("-at-{archive_offset}"));
    }
    PathBuf::from(name)
}

/// [`progress_path`]'s file name, for `part_name` in the same folder.
pub fn progress_name(part_name: &str, archive_offset: u64) -> String {
    match archive_offset {
        0 => format!("{part_name}.progress"),
        offset => format!("{part_name}.progress-at-{offset}"),
    }
}

/// Whether `name` is one of the progress files of `part_name` (not a lock).
fn is_progress_of(name: &str, part_name: &str) -> bool {
    let whole = progress_name(part_name, 0);
    name == whole
        || name
            .strip_prefix(&format!("{whole}-at-"))
            .is_some_and(|offset| offset.parse::<u64>().is_ok())
}

/// The progress files of `part_name` in `dir`, and their locks.
pub fn progress_files(dir: &ConfinedDir, part_name: &str) -> Result<Vec<String>, ConfinedError> {
    let whole = progress_name(part_name, 0);
    Ok(dir
        .names()?
        .into_iter()
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.starts_with(&whole))
        .filter(|name| {
            is_progress_of(name, part_name)
                || name
                    .strip_suffix(".lock")
                    .is_some_and(|log| is_progress_of(log, part_name))
                || name
                    .strip_suffix(".new")
                    .is_some_and(|log| is_progress_of(log, part_name))
        })
        .collect())
}

/// The archive bytes that the range downloads into `part_name` have written and
/// verified, as sorted, merged `[start, end)` spans, read from all of its progress
/// files. The file's length says nothing of this: the last range downloaded first
/// makes the file full length with a hole before it.
pub fn verified_spans(
    dir: &ConfinedDir,
    part_name: &str,
) -> Result<Vec<(u64, u64)>, ConfinedError> {
    let mut spans = Vec::new();
    for name in progress_files(dir, part_name)? {
        if is_progress_of(&name, part_name)
            && let Some(bytes) = dir.read(&name)?
        {
            spans.extend(spans_of(&bytes));
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    Ok(merged)
}

/// The archive spans one progress file records as verified.
fn spans_of(bytes: &[u8]) -> Vec<(u64, u64)> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    let Some(header) = lines
        .next()
        .and_then(|line| serde_json::from_str::<Header>(line).ok())
        .filter(|header| header.chunk_size > 0)
    else {
        return Vec::new();
    };
    let count = header.output_length.div_ceil(header.chunk_size);
    lines
        .filter_map(|line| serde_json::from_str::<Record>(line).ok())
        .filter(|record| record.chunk < count)
        .map(|record| {
            let first = record.chunk * header.chunk_size;
            let end = first
                .saturating_add(header.chunk_size)
                .min(header.output_length);
            (
                header.archive_offset.saturating_add(first),
                header.archive_offset.saturating_add(end),
            )
        })
        .collect()
}

/// What an earlier run left.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Recorded chunk hashes by chunk index.
    pub chunks: BTreeMap<u64, TreeHash>,
    /// A progress file was there but belonged to another download.
    pub other_download: bool,
}

/// Reads the progress file `name`, if any; records of another download are dropped.
pub fn load(dir: &ConfinedDir, name: &str, header: &Header) -> Result<Loaded, ConfinedError> {
    let Some(bytes) = dir.read(name)? else {
        return Ok(Loaded::default());
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.lines();
    let same = lines
        .next()
        .and_then(|line| serde_json::from_str::<Header>(line).ok())
        .is_some_and(|found| found == *header);
    if !same {
        return Ok(Loaded {
            chunks: BTreeMap::new(),
            other_download: true,
        });
    }
    let count = header.output_length.div_ceil(header.chunk_size);
    let chunks = lines
        .filter_map(|line| serde_json::from_str::<Record>(line).ok())
        .filter(|record| record.chunk < count)
        .map(|record| (record.chunk, record.tree_hash))
        .collect();
    Ok(Loaded {
        chunks,
        other_download: false,
    })
}

/// An open progress file, appended to as chunks are verified.
#[derive(Debug)]
pub struct ProgressLog {
    file: File,
}

impl ProgressLog {
    /// Writes the header and `kept` records to a new file that replaces `name`
    /// in one rename, then opens it for appending.
    pub fn rewrite(
        dir: &ConfinedDir,
        name: &str,
        header: &Header,
        kept: &BTreeMap<u64, TreeHash>,
    ) -> Result<Self, ConfinedError> {
        // Serialising these plain structs cannot fail; were it to, an empty header
        // would only make the next run start over.
        let mut text = serde_json::to_string(header).unwrap_or_default();
        text.push('\n');
        for (&chunk, &tree_hash) in kept {
            let line = serde_json::to_string(&Record { chunk, tree_hash }).unwrap_or_default();
            text.push_str(&line);
            text.push('\n');
        }
        let fresh = format!("{name}.new");
        let failed = |action, source| ConfinedError::Io {
            action,
            path: dir.shown_child(&fresh),
            source,
        };
        {
            let mut file = dir.open_file(&fresh, Access::Replace)?;
            file.write_all(text.as_bytes())
                .map_err(|err| failed("write", err))?;
            file.sync_all().map_err(|err| failed("write", err))?;
        }
        dir.rename(&fresh, name, true)?;
        let file = dir.open_file(name, Access::Append)?;
        Ok(Self { file })
    }

    /// Records a verified chunk whose bytes are already synced to disk.
    pub fn record(&self, chunk: u64, tree_hash: TreeHash) -> io::Result<()> {
        let mut line =
            serde_json::to_string(&Record { chunk, tree_hash }).map_err(io::Error::other)?;
        line.push('\n');
        // One write call per line, so a crash tears at most this line.
        (&self.file).write_all(line.as_bytes())?;
        self.file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::treehash::sha256;

    fn header() -> Header {
        Header {
            job_id: "J".into(),
            output_length: 5 << 20,
            chunk_size: 1 << 20,
            archive_offset: 0,
        }
    }

    #[test]
    fn records_survive_a_torn_last_line_and_other_downloads_are_not_resumed() {
        let temp = tempfile::tempdir().unwrap();
        let dir = ConfinedDir::open(temp.path()).unwrap();
        let name = progress_name("a.part", 0);
        let path = temp.path().join(&name);
        assert!(path.ends_with("a.part.progress"));
        assert!(load(&dir, &name, &header()).unwrap().chunks.is_empty());

        let log = ProgressLog::rewrite(&dir, &name, &header(), &BTreeMap::new()).unwrap();
        log.record(0, sha256(b"zero")).unwrap();
        log.record(3, sha256(b"three")).unwrap();
        drop(log);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(br#"{"chunk":4,"tree_ha"#).unwrap();

        let loaded = load(&dir, &name, &header()).unwrap();
        assert!(!loaded.other_download);
        assert_eq!(
            loaded.chunks.into_iter().collect::<Vec<_>>(),
            vec![(0, sha256(b"zero")), (3, sha256(b"three"))]
        );

        let other = Header {
            chunk_size: 2 << 20,
            ..header()
        };
        let loaded = load(&dir, &name, &other).unwrap();
        assert!(loaded.other_download && loaded.chunks.is_empty());
    }

    #[test]
    fn range_downloads_get_their_own_progress_files() {
        let part = Path::new("out/a.bin.part");
        assert_eq!(progress_path(part, 0), Path::new("out/a.bin.part.progress"));
        assert_eq!(
            progress_path(part, 4 << 20),
            Path::new("out/a.bin.part.progress-at-4194304")
        );
        assert_eq!(progress_name("a.bin.part", 0), "a.bin.part.progress");
        assert!(is_progress_of("a.bin.part.progress-at-7", "a.bin.part"));
        assert!(!is_progress_of(
            "a.bin.part.progress-at-7.lock",
            "a.bin.part"
        ));
    }
}
