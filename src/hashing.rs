//! Feeding files and streams to the tree hasher on every core, in memory that
//! depends on the number of threads and never on the size of the input.
//!
//! Each worker takes the reader in turn, reads the next batch of 2^k MiB, lets go
//! and hashes the batch into its subtree root while another worker reads. Batches
//! are whole subtrees of the tree, so the calling thread only has to put their
//! roots back in order and combine them.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use crate::domain::treehash::{LEAF_SIZE, NodeCombiner, TreeHash, hash_piece};

/// The tree hash of a stream and how many bytes it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHash {
    pub tree_hash: TreeHash,
    pub size: u64,
}

/// How the work is spread: how many threads read and hash, and how large a batch
/// each reads at a time. Memory in use is about `threads × batch_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashSettings {
    threads: usize,
    batch_mib_log2: u32,
}

impl HashSettings {
    /// More threads than this only wait for the reader.
    pub const MAX_THREADS: usize = 8;
    /// Batches of at most 2^6 = 64 MiB.
    pub const MAX_BATCH_MIB_LOG2: u32 = 6;
    /// Batches of 8 MiB: long enough that taking turns at the reader costs
    /// little, short enough that memory stays small.
    pub const DEFAULT_BATCH_MIB_LOG2: u32 = 3;

    /// `threads` workers (1 to [`Self::MAX_THREADS`]) reading batches of
    /// 2^`batch_mib_log2` MiB (at most 2^[`Self::MAX_BATCH_MIB_LOG2`]); values out of
    /// range are brought to the nearest allowed one.
    pub fn new(threads: usize, batch_mib_log2: u32) -> Self {
        Self {
            threads: threads.clamp(1, Self::MAX_THREADS),
            batch_mib_log2: batch_mib_log2.min(Self::MAX_BATCH_MIB_LOG2),
        }
    }

    /// One worker per core, up to [`Self::MAX_THREADS`], with 8 MiB batches.
    pub fn for_this_machine() -> Self {
        let cores = thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, Self::DEFAULT_BATCH_MIB_LOG2)
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The bytes of one batch, a power-of-two number of MiB.
    pub fn batch_size(&self) -> usize {
        LEAF_SIZE << self.batch_mib_log2
    }
}

impl Default for HashSettings {
    fn default() -> Self {
        Self::for_this_machine()
    }
}

/// The tree hash of everything `reader` yields, on every core of this machine.
pub fn hash_reader<R: Read + Send>(reader: R) -> io::Result<StreamHash> {
    hash_reader_with(reader, HashSettings::for_this_machine())
}

/// The tree hash of everything `reader` yields, spread as `settings` say.
/// A read error ends the work and is returned as it is.
pub fn hash_reader_with<R: Read + Send>(
    reader: R,
    settings: HashSettings,
) -> io::Result<StreamHash> {
    let shared = Mutex::new(SharedReader {
        reader,
        next_batch: 0,
        exhausted: false,
    });
    let (sender, receiver) = mpsc::channel();
    thread::scope(|scope| {
        let mut started = 0;
        for _ in 0..settings.threads() {
            let worker_sender = sender.clone();
            let shared = &shared;
            let spawned =
                thread::Builder::new()
                    .name("treehash".into())
                    .spawn_scoped(scope, move || {
                        hash_batches(shared, settings.batch_size(), worker_sender);
                    });
            match spawned {
                Ok(_) => started += 1,
                // Fewer workers only make it slower; none makes it impossible.
                Err(err) if started == 0 => return Err(err),
                Err(_) => break,
            }
        }
        // Only the workers may hold senders, so that the results end when they do.
        drop(sender);
        combine_in_order(receiver)
    })
}

/// The reader and the bookkeeping that must change together with each read.
struct SharedReader<R> {
    reader: R,
    next_batch: u64,
    /// Set at the end of the input or at a read error: no batch comes after it.
    exhausted: bool,
}

struct HashedBatch {
    index: u64,
    root: TreeHash,
    length: usize,
}

fn hash_batches<R: Read>(
    shared: &Mutex<SharedReader<R>>,
    batch_size: usize,
    results: Sender<io::Result<HashedBatch>>,
) {
    let mut buffer = vec![0; batch_size];
    loop {
        let (index, length) = match read_next_batch(shared, &mut buffer) {
            Ok(Some(batch)) => batch,
            Ok(None) => return,
            Err(err) => {
                // The receiver may be gone already, after another error; then
                // there is nobody left to tell.
                let _ = results.send(Err(err));
                return;
            }
        };
        let root = hash_piece(&buffer[..length]);
        if results
            .send(Ok(HashedBatch {
                index,
                root,
                length,
            }))
            .is_err()
        {
            return;
        }
    }
}

/// Fills `buffer` with the next batch and returns its index and length, or
/// `None` once the input is used up.
fn read_next_batch<R: Read>(
    shared: &Mutex<SharedReader<R>>,
    buffer: &mut [u8],
) -> io::Result<Option<(u64, usize)>> {
    let mut state = shared
        .lock()
        .map_err(|_| io::Error::other("a tree-hash worker thread failed"))?;
    if state.exhausted {
        return Ok(None);
    }
    let length = match read_full(&mut state.reader, buffer) {
        Ok(length) => length,
        Err(err) => {
            state.exhausted = true;
            return Err(err);
        }
    };
    if length < buffer.len() {
        state.exhausted = true;
    }
    if length == 0 {
        return Ok(None);
    }
    let index = state.next_batch;
    state.next_batch += 1;
    Ok(Some((index, length)))
}

/// Reads until `buffer` is full or the input ends, as pipes and terminals hand
/// out data in short reads. Returns how many bytes were read.
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

/// Puts the batch roots back in stream order and combines them. Workers run at
/// most one batch ahead each, so only a few roots ever wait here.
fn combine_in_order(results: Receiver<io::Result<HashedBatch>>) -> io::Result<StreamHash> {
    let mut waiting = BTreeMap::new();
    let mut next_index = 0;
    let mut combiner = NodeCombiner::new();
    let mut size = 0;
    for result in results {
        let batch = result?;
        waiting.insert(batch.index, batch);
        while let Some(batch) = waiting.remove(&next_index) {
            combiner.push(batch.root);
            size += batch.length as u64;
            next_index += 1;
        }
    }
    if !waiting.is_empty() {
        return Err(io::Error::other(
            "a tree-hash worker thread stopped before its batch was hashed",
        ));
    }
    Ok(StreamHash {
        tree_hash: combiner.finish(),
        size,
    })
}
