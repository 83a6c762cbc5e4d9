//! What both inventory readers must do whatever the bytes: give the same archives
//! and the same error however the input is split into reads, refuse duplicate ids
//! only where allowing them changes nothing else, stop when told to, and count
//! what they hand over.

use std::io::{self, Read};

use defrost::domain::inventory::{
    DuplicateIds, InventoryArchive, InventoryFormat, InventorySummary, Problem, ReadError,
    ReadOptions, read_inventory,
};

use crate::engine::{Verdict, hash_of, wording};

/// Everything a reader gave for one input.
#[derive(Debug, PartialEq)]
pub struct Reading {
    /// The archives handed to the callback, those before an error included.
    pub archives: Vec<InventoryArchive>,
    pub outcome: Result<InventorySummary, Failure>,
}

#[derive(Debug, PartialEq)]
pub struct Failure {
    pub message: String,
    pub duplicate: bool,
}

/// Hands out the input in pieces of the given sizes in turn, with an interrupted
/// read now and then, which a reader must retry.
pub struct Pieces<'a> {
    rest: &'a [u8],
    sizes: Vec<usize>,
    calls: usize,
}

impl<'a> Pieces<'a> {
    /// Pieces whose sizes, from 1 to `largest`, follow from the input itself; with
    /// `largest` 1, a byte at a time, no value is ever whole in the buffer before
    /// it is read.
    pub fn new(input: &'a [u8], largest: usize) -> Self {
        let mut state = hash_of(&input);
        let sizes = (0..16)
            .map(|_| {
                state = state.rotate_left(7).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                (state % largest as u64) as usize + 1
            })
            .collect();
        Self {
            rest: input,
            sizes,
            calls: 0,
        }
    }
}

impl Read for Pieces<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls % 11 == 5 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let size = self.sizes[self.calls % self.sizes.len()];
        let len = size.min(buffer.len()).min(self.rest.len());
        buffer[..len].copy_from_slice(&self.rest[..len]);
        self.rest = &self.rest[len..];
        Ok(len)
    }
}

pub fn read(format: InventoryFormat, reader: impl Read, duplicates: DuplicateIds) -> Reading {
    let mut archives = Vec::new();
    let options = ReadOptions {
        duplicate_ids: duplicates,
    };
    let outcome = read_inventory(format, reader, options, |archive| {
        archives.push(archive);
        Ok::<(), ()>(())
    });
    let outcome = outcome.map_err(|error| match error {
        ReadError::Inventory(error) => Failure {
            duplicate: matches!(error.problem(), Some(Problem::DuplicateArchiveId { .. })),
            message: error.to_string(),
        },
        ReadError::Stopped(()) => panic!("the callback never stops this reading"),
    });
    Reading { archives, outcome }
}

/// The checks both formats share; `round_trip` writes accepted archives back in
/// the format and must read back the same.
pub fn check_reader(
    format: InventoryFormat,
    input: &[u8],
    round_trip: impl FnOnce(&InventorySummary, &[InventoryArchive]) -> Vec<u8>,
) -> Verdict {
    let whole = read(format, input, DuplicateIds::Refuse);
    // One reading in pieces per input, its sizes chosen by the input: a byte at a
    // time keeps the JSON reader off its fast path throughout, larger pieces cut
    // values at every place.
    let hash = hash_of(&input);
    let largest = [1, 7, 97, 4096][(hash % 4) as usize];
    let pieces = read(format, Pieces::new(input, largest), DuplicateIds::Refuse);
    assert_eq!(
        whole, pieces,
        "reading in pieces of 1 to {largest} bytes changed the result"
    );
    let duplicate = whole
        .outcome
        .as_ref()
        .is_err_and(|failure| failure.duplicate);
    if duplicate || hash % 8 == 4 {
        check_duplicates(format, input, &whole);
    }
    check_stop(format, input, &whole);
    match &whole.outcome {
        Ok(summary) => {
            check_counts(summary, &whole.archives);
            let written = round_trip(summary, &whole.archives);
            if !written.is_empty() {
                let again = read(format, written.as_slice(), DuplicateIds::Refuse);
                assert_eq!(
                    again,
                    Reading {
                        archives: whole.archives.clone(),
                        outcome: Ok(summary.clone()),
                    },
                    "the archives written back read differently: {}",
                    String::from_utf8_lossy(&written)
                );
            }
            Verdict::accepted(whole.archives.len().min(3))
        }
        Err(failure) => Verdict::rejected(wording(&failure.message)),
    }
}

/// Allowing duplicate ids changes the result only where a duplicate was refused.
fn check_duplicates(format: InventoryFormat, input: &[u8], refused: &Reading) {
    let allowed = read(format, input, DuplicateIds::Allow);
    match &refused.outcome {
        Err(failure) if failure.duplicate => {
            assert!(
                allowed.archives.starts_with(&refused.archives),
                "allowing duplicates lost archives read before the duplicate"
            );
        }
        _ => assert_eq!(
            &allowed, refused,
            "allowing duplicates changed an inventory without any"
        ),
    }
}

/// A callback that refuses the first archive stops the reading right there.
fn check_stop(format: InventoryFormat, input: &[u8], whole: &Reading) {
    let mut handed = Vec::new();
    let stopped = read_inventory(format, input, ReadOptions::default(), |archive| {
        handed.push(archive);
        Err("enough")
    });
    match whole.archives.first() {
        Some(first) => {
            assert!(
                matches!(stopped, Err(ReadError::Stopped("enough"))),
                "refusing the first archive did not stop the reading: {stopped:?}"
            );
            assert_eq!(handed.as_slice(), std::slice::from_ref(first));
        }
        None => {
            assert!(handed.is_empty());
            assert_eq!(stopped.is_ok(), whole.outcome.is_ok());
        }
    }
}

fn check_counts(summary: &InventorySummary, archives: &[InventoryArchive]) {
    assert_eq!(summary.archive_count, archives.len() as u64);
    let total: u128 = archives.iter().map(|a| u128::from(a.size)).sum();
    assert_eq!(summary.total_size, total);
    for archive in archives {
        assert!(!archive.archive_id.is_empty(), "an archive without an id");
    }
}
