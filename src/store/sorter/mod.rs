//! An external sorter: it orders more records than memory may hold by sorting
//! them in memory-sized batches, writing each sorted batch (a run) to an
//! anonymous temporary file, and merging the runs back into one ascending stream.
//!
//! Inventory import needs the archives in several orders (by name, size,
//! creation date, id hash) for inventories of up to ten million archives, under
//! a fixed memory budget. While the records fit in the budget nothing touches
//! the disk: they are sorted in place and handed back from memory.
//!
//! Open files and merge buffers stay bounded as well: whenever
//! `MAX_MERGE_WIDTH` runs of one generation pile up they are merged into one
//! longer run, so even a tiny budget cannot run out of file descriptors.

mod records;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek};
use std::iter::FusedIterator;
use std::path::{Path, PathBuf};

pub use records::{KeyRecord, NameRecord};

/// Buffer size for writing and reading runs: large enough that a run moves in
/// big sequential transfers rather than one system call per few records.
const RUN_BUFFER_BYTES: usize = 256 * 1024;

/// The most runs merged at once. During a merge each run holds a file and a
/// [`RUN_BUFFER_BYTES`] buffer, so this caps both (8 MiB of buffers), while a
/// wide merge keeps the number of passes over the data small.
const MAX_MERGE_WIDTH: usize = 32;

/// The most records room is made for up front (a huge budget must not reserve
/// memory it will never use).
const MAX_RESERVED_RECORDS: usize = 1 << 22;

/// A record the sorter can hold in memory and spill to a run file.
pub trait SortRecord: Ord + Sized {
    /// Bytes this record occupies in memory, its heap part included (an
    /// estimate is fine; it drives spilling).
    fn memory_bytes(&self) -> usize;

    /// Appends the record's encoding to a run.
    fn write_to<W: io::Write>(&self, out: &mut W) -> io::Result<()>;

    /// Reads back one record written by [`SortRecord::write_to`].
    ///
    /// `Ok(None)` at a clean end of the run; a truncated record is an error.
    fn read_from<R: BufRead>(input: &mut R) -> io::Result<Option<Self>>;
}

/// Sorts any number of records within a memory budget, spilling sorted runs to
/// temporary files when the budget is passed.
///
/// The budget counts [`memory_bytes`](SortRecord::memory_bytes) of the records
/// held, which includes each record's slot in the batch vector; the vector's
/// spare capacity is not counted, so the batch can briefly take up to one more
/// slot per record after it grows. Merging adds one record and a 256 KiB buffer
/// per run (at most 32 runs at once).
///
/// After an error from [`push`](Self::push) or [`finish`](Self::finish) records
/// may have been lost; the sort should be abandoned.
pub struct ExternalSorter<R: SortRecord> {
    memory_budget: usize,
    spill_dir: PathBuf,
    /// Records held in memory, in push order until a spill or `finish` sorts them.
    batch: Vec<R>,
    /// The sum of `memory_bytes` over `batch`.
    batch_bytes: usize,
    /// Sorted runs on disk. Generations never increase along the vector, so
    /// runs due to be merged together always sit at its end.
    runs: Vec<Run>,
    pushed: u64,
    spilled_runs: usize,
}

/// A sorted run in an anonymous temporary file, rewound to its start; the file
/// disappears when it is dropped.
struct Run {
    file: File,
    /// 0 for a batch written from memory; one more than its inputs for a run
    /// merged from [`MAX_MERGE_WIDTH`] others.
    generation: u32,
}

impl<R: SortRecord> ExternalSorter<R> {
    /// `memory_budget` bytes of records are held before a sorted run is written
    /// to an anonymous temporary file in `spill_dir`.
    pub fn new(memory_budget: usize, spill_dir: impl Into<PathBuf>) -> Self {
        Self {
            memory_budget,
            spill_dir: spill_dir.into(),
            batch: Vec::new(),
            batch_bytes: 0,
            runs: Vec::new(),
            pushed: 0,
            spilled_runs: 0,
        }
    }

    /// Adds a record, spilling the batch held in memory to a run once its
    /// [`memory_bytes`](SortRecord::memory_bytes) pass the budget.
    pub fn push(&mut self, record: R) -> io::Result<()> {
        if self.batch.capacity() == 0 {
            // Room for a full batch at once, rather than growing by copying it
            // again and again; pages the batch never reaches are never touched.
            let fits = self.memory_budget / record.memory_bytes().max(1) + 1;
            self.batch.reserve(fits.min(MAX_RESERVED_RECORDS));
        }
        self.batch_bytes = self.batch_bytes.saturating_add(record.memory_bytes());
        self.batch.push(record);
        self.pushed += 1;
        if self.batch_bytes > self.memory_budget {
            self.spill()?;
        }
        Ok(())
    }

    /// Records pushed so far.
    pub fn len(&self) -> u64 {
        self.pushed
    }

    /// Whether no record was pushed.
    pub fn is_empty(&self) -> bool {
        self.pushed == 0
    }

    /// How many sorted batches went to disk (tests and benchmarks report it);
    /// zero means the sort stayed in memory. Runs later merged together still
    /// count once each.
    pub fn spilled_runs(&self) -> usize {
        self.spilled_runs
    }

    /// Sorts what is left and returns every record in ascending order: straight
    /// from memory when nothing spilled, else a k-way merge of the runs and the
    /// in-memory remainder. Equal records may come in any order.
    pub fn finish(mut self) -> io::Result<SortedRecords<R>> {
        self.batch.sort_unstable();
        if self.runs.is_empty() {
            return Ok(SortedRecords {
                stream: Stream::Memory(self.batch.into_iter()),
            });
        }
        // The final merge takes the runs and the remainder in memory, so at most
        // MAX_MERGE_WIDTH - 1 runs may remain. The last runs are the shortest,
        // so merging them first rewrites the least data.
        while self.runs.len() >= MAX_MERGE_WIDTH {
            let width = (self.runs.len() + 2 - MAX_MERGE_WIDTH).min(MAX_MERGE_WIDTH);
            self.merge_last_runs(width)?;
        }
        let mut sources: Vec<Source<R>> = self.runs.into_iter().map(Source::from_run).collect();
        sources.push(Source::Memory(self.batch.into_iter()));
        Ok(SortedRecords {
            stream: Stream::Merge(Merge::new(sources)?),
        })
    }

    /// Sorts the batch and writes it out as a new run, then merges runs if a
    /// generation filled up.
    fn spill(&mut self) -> io::Result<()> {
        self.batch.sort_unstable();
        let mut writer = RunWriter::create(&self.spill_dir)?;
        for record in &self.batch {
            writer.write(record)?;
        }
        let file = writer.finish()?;
        self.batch.clear();
        self.batch_bytes = 0;
        self.runs.push(Run {
            file,
            generation: 0,
        });
        self.spilled_runs += 1;
        self.merge_full_generations()
    }

    /// Merges the last [`MAX_MERGE_WIDTH`] runs into one of the next generation
    /// while they all belong to the same generation, like carries in a counter.
    /// This bounds the runs on disk by `MAX_MERGE_WIDTH - 1` per generation and
    /// reads every record back once per generation, not once per merge.
    fn merge_full_generations(&mut self) -> io::Result<()> {
        while self.runs.len() >= MAX_MERGE_WIDTH {
            let first = self.runs.len() - MAX_MERGE_WIDTH;
            let generation = self.runs[first].generation;
            // Generations never increase along `runs`, so the first and the last
            // of the group agree only when the whole group does.
            if self.runs.last().map(|run| run.generation) != Some(generation) {
                break;
            }
            self.merge_last_runs(MAX_MERGE_WIDTH)?;
        }
        Ok(())
    }

    /// Replaces the last `width` runs by one run holding all their records.
    fn merge_last_runs(&mut self, width: usize) -> io::Result<()> {
        let group = self.runs.split_off(self.runs.len() - width);
        let generation = group.iter().map(|run| run.generation).max().unwrap_or(0) + 1;
        let mut merge = Merge::<R>::new(group.into_iter().map(Source::from_run).collect())?;
        let mut writer = RunWriter::create(&self.spill_dir)?;
        while let Some(record) = merge.next_record()? {
            writer.write(&record)?;
        }
        self.runs.push(Run {
            file: writer.finish()?,
            generation,
        });
        Ok(())
    }
}

/// Writes one run to a fresh anonymous temporary file.
struct RunWriter {
    out: BufWriter<File>,
}

impl RunWriter {
    fn create(dir: &Path) -> io::Result<Self> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Self {
            out: BufWriter::with_capacity(RUN_BUFFER_BYTES, file),
        })
    }

    fn write<R: SortRecord>(&mut self, record: &R) -> io::Result<()> {
        record.write_to(&mut self.out)
    }

    /// Flushes the run and rewinds it, ready to be read back.
    fn finish(self) -> io::Result<File> {
        let mut file = self
            .out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        Ok(file)
    }
}

/// Iterator over the sorted records.
///
/// An I/O error while reading a run (a truncated run gives
/// [`io::ErrorKind::UnexpectedEof`]) is yielded once, and the iteration ends.
pub struct SortedRecords<R> {
    stream: Stream<R>,
}

enum Stream<R> {
    /// Nothing spilled: the sorted batch itself.
    Memory(std::vec::IntoIter<R>),
    Merge(Merge<R>),
    /// After an error; the runs are already closed and deleted.
    Failed,
}

impl<R> SortedRecords<R> {
    /// The records not yet iterated when they are all in memory (nothing was
    /// spilled), as one vector and without copying them, so that a caller can
    /// split the work over threads; otherwise the stream back, untouched.
    pub fn into_memory(self) -> Result<Vec<R>, Self> {
        match self.stream {
            Stream::Memory(records) => Ok(records.collect()),
            stream => Err(Self { stream }),
        }
    }
}

/// Records already in order, as a stream.
impl<R> From<Vec<R>> for SortedRecords<R> {
    fn from(sorted: Vec<R>) -> Self {
        Self {
            stream: Stream::Memory(sorted.into_iter()),
        }
    }
}

impl<R: SortRecord> Iterator for SortedRecords<R> {
    type Item = io::Result<R>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.stream {
            Stream::Memory(records) => records.next().map(Ok),
            Stream::Merge(merge) => match merge.next_record() {
                Ok(record) => record.map(Ok),
                Err(error) => {
                    self.stream = Stream::Failed;
                    Some(Err(error))
                }
            },
            Stream::Failed => None,
        }
    }
}

impl<R: SortRecord> FusedIterator for SortedRecords<R> {}

/// Somewhere sorted records come from during a merge.
enum Source<R> {
    Run(BufReader<File>),
    Memory(std::vec::IntoIter<R>),
}

impl<R: SortRecord> Source<R> {
    fn from_run(run: Run) -> Self {
        Self::Run(BufReader::with_capacity(RUN_BUFFER_BYTES, run.file))
    }

    fn next_record(&mut self) -> io::Result<Option<R>> {
        match self {
            Self::Run(input) => R::read_from(input),
            Self::Memory(records) => Ok(records.next()),
        }
    }
}

/// A k-way merge: a heap holds the next record of every source that has one,
/// so memory is one record and one buffer per source.
struct Merge<R> {
    sources: Vec<Source<R>>,
    heads: BinaryHeap<Head<R>>,
}

impl<R: SortRecord> Merge<R> {
    fn new(mut sources: Vec<Source<R>>) -> io::Result<Self> {
        let mut heads = BinaryHeap::with_capacity(sources.len());
        for (source, input) in sources.iter_mut().enumerate() {
            if let Some(record) = input.next_record()? {
                heads.push(Head { record, source });
            }
        }
        Ok(Self { sources, heads })
    }

    fn next_record(&mut self) -> io::Result<Option<R>> {
        let Some(mut head) = self.heads.peek_mut() else {
            return Ok(None);
        };
        // The least record leaves; its source's next record takes its place in
        // the heap (one sift rather than a pop and a push), or, at the end of
        // that source, the head is popped.
        match self.sources[head.source].next_record()? {
            Some(next) => Ok(Some(std::mem::replace(&mut head.record, next))),
            None => Ok(Some(PeekMut::pop(head).record)),
        }
    }
}

/// The next record of one merge source.
struct Head<R> {
    record: R,
    source: usize,
}

/// Reversed on the record alone: [`BinaryHeap`] keeps its greatest element on
/// top, and the merge needs the least.
impl<R: Ord> Ord for Head<R> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.record.cmp(&self.record)
    }
}

impl<R: Ord> PartialOrd for Head<R> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<R: Ord> PartialEq for Head<R> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<R: Ord> Eq for Head<R> {}
