//! The jitter that spreads a batch's retries after throttling, so that many
//! clients pushed back at once do not come back at once.

use time::OffsetDateTime;

/// Spreads retries after throttling (splitmix64; no need for more).
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn seeded(now: OffsetDateTime) -> Jitter {
        Jitter(now.unix_timestamp_nanos() as u64)
    }

    /// In `[0, 1)`.
    pub(crate) fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
