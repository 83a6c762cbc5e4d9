//! The CRC-32 of a span of a virtual archive, as a zip member made of virtual
//! bytes needs it. Every whole chunk and block is one of a few pool chunks and
//! patterns, whose CRCs are computed once; a span's CRC is theirs combined, so
//! a 5 GiB member costs about a hundred combines and the bytes of its two
//! partial chunks, not reading 5 GiB.
//!
//! Combining appends a CRC of a MiB or a block: one multiplication by the
//! precomputed x^(8·len) mod P (zlib's `crc32_combine_op`), where crc32fast's
//! `combine` derives that power anew each time, slow enough unoptimised to add
//! a second to a debug sandbox's start.

use std::sync::OnceLock;

use super::{BLOCK_CHUNKS, PATTERNS, VirtualArchive, pattern_chunk, pool};
use crate::domain::range::MIB;

const BLOCK_BYTES: u64 = BLOCK_CHUNKS * MIB;

/// CRC-32's polynomial, bit-reversed.
const POLY: u32 = 0xedb8_8320;

struct Crcs {
    chunks: Vec<u32>,
    patterns: Vec<u32>,
    /// x^(8·MiB) and x^(8·block) mod P: appending a MiB or a block.
    after_chunk: u32,
    after_block: u32,
}

fn crcs() -> &'static Crcs {
    static CRCS: OnceLock<Crcs> = OnceLock::new();
    CRCS.get_or_init(|| {
        let chunks: Vec<u32> = pool().chunks.iter().map(|c| crc32fast::hash(c)).collect();
        let after_chunk = x_to_8n(MIB);
        let patterns = (0..PATTERNS)
            .map(|pattern| {
                (0..BLOCK_CHUNKS).fold(0, |crc, offset| {
                    append(crc, after_chunk, chunks[pattern_chunk(pattern, offset)])
                })
            })
            .collect();
        Crcs {
            chunks,
            patterns,
            after_chunk,
            after_block: x_to_8n(BLOCK_BYTES),
        }
    })
}

/// The CRC of bytes whose CRC is `crc` followed by bytes whose CRC is `next`,
/// `shift` being x^(8·len) mod P for the length of the latter.
fn append(crc: u32, shift: u32, next: u32) -> u32 {
    multiply(shift, crc) ^ next
}

/// a·b mod P, in CRC-32's reflected bit order.
fn multiply(a: u32, mut b: u32) -> u32 {
    let mut product = 0;
    let mut bit = 1u32 << 31;
    while bit != 0 {
        if a & bit != 0 {
            product ^= b;
        }
        bit >>= 1;
        b = if b & 1 != 0 { (b >> 1) ^ POLY } else { b >> 1 };
    }
    product
}

/// x^(8·n) mod P, by squaring.
fn x_to_8n(n: u64) -> u32 {
    let mut power = 1u32 << 31; // x^0
    let mut square = 1u32 << 23; // x^8
    let mut n = n;
    while n != 0 {
        if n & 1 != 0 {
            power = multiply(square, power);
        }
        square = multiply(square, square);
        n >>= 1;
    }
    power
}

impl VirtualArchive {
    /// The CRC-32 of the `len` bytes at `start` (which need not lie inside
    /// `self.size`: virtual bytes depend on the seed and offset only).
    pub fn crc32(&self, start: u64, len: u64) -> u32 {
        let crcs = crcs();
        let end = start.saturating_add(len);
        let mut crc = 0;
        let mut at = start;
        while at < end {
            let chunk = at / MIB;
            let chunk_start = chunk * MIB;
            if at.is_multiple_of(BLOCK_BYTES) && end - at >= BLOCK_BYTES {
                let pattern = self.block_pattern(chunk / BLOCK_CHUNKS) as usize;
                crc = append(crc, crcs.after_block, crcs.patterns[pattern]);
                at += BLOCK_BYTES;
            } else if at == chunk_start && end - at >= MIB {
                crc = append(crc, crcs.after_chunk, crcs.chunks[self.pool_index(chunk)]);
                at += MIB;
            } else {
                let to = end.min(chunk_start + MIB);
                let bytes = &pool().chunks[self.pool_index(chunk)];
                let mut hasher = crc32fast::Hasher::new_with_initial(crc);
                hasher.update(&bytes[(at - chunk_start) as usize..(to - chunk_start) as usize]);
                crc = hasher.finalize();
                at = to;
            }
        }
        crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::range::ByteRange;

    #[test]
    fn combined_crcs_are_the_crcs_of_the_bytes() {
        let size = 200 * MIB + 123;
        let archive = VirtualArchive { seed: 9, size };
        for (start, len) in [
            (0, 0),
            (0, 10),
            (5, MIB),
            (MIB, MIB),
            (MIB - 7, 3 * MIB + 11),
            (63 * MIB + 1, 70 * MIB),
            (0, size),
        ] {
            let mut hasher = crc32fast::Hasher::new();
            if len > 0 {
                for piece in archive.bytes(ByteRange::new(start, start + len - 1).unwrap()) {
                    hasher.update(&piece);
                }
            }
            assert_eq!(
                archive.crc32(start, len),
                hasher.finalize(),
                "{start}+{len}"
            );
        }
    }

    #[test]
    fn appending_is_crc32fasts_combine() {
        let (first, second) = (b"the first part, ".as_slice(), b"and the second".as_slice());
        let whole = crc32fast::hash(&[first, second].concat());
        let shift = x_to_8n(second.len() as u64);
        assert_eq!(
            append(crc32fast::hash(first), shift, crc32fast::hash(second)),
            whole
        );
        assert_eq!(x_to_8n(0), 1 << 31);
    }

    #[test]
    fn a_span_of_gibibytes_is_quick() {
        let archive = VirtualArchive { seed: 4, size: 0 };
        let started = std::time::Instant::now();
        let crc = archive.crc32(12_345, 5 << 30);
        assert_eq!(crc, archive.crc32(12_345, 5 << 30));
        // Combining, not reading: far under a second even unoptimised.
        assert!(
            started.elapsed().as_secs_f64() < 2.0,
            "{:?}",
            started.elapsed()
        );
    }
}
