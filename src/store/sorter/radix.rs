//! A least-significant-digit radix sort for [`KeyRecord`]s: a byte of the
//! 12-byte (key, position) pair per pass, passes whose byte is the same in every
//! record skipped. Sizes and dates leave their high bytes constant and archives
//! arrive in position order, so a million records usually take four or five
//! linear passes instead of twenty rounds of comparisons.

use super::KeyRecord;

/// Below this many records a comparison sort is as fast and needs no scratch.
const RADIX_MIN_RECORDS: usize = 4096;

/// Sorts by key, then position. Uses a scratch buffer as large as `records`.
pub fn sort_key_records(records: &mut Vec<KeyRecord>) {
    if records.len() < RADIX_MIN_RECORDS {
        records.sort_unstable();
        return;
    }
    let counts = byte_counts(records);
    let mut scratch = vec![
        KeyRecord {
            key: 0,
            position: 0
        };
        records.len()
    ];
    let mut sorted_in_scratch = false;
    for (digit, count) in counts.iter().enumerate() {
        if count.contains(&records.len()) {
            continue;
        }
        let (from, to) = if sorted_in_scratch {
            (&scratch, &mut *records)
        } else {
            (&*records, &mut scratch)
        };
        scatter(from, to, digit, count);
        sorted_in_scratch = !sorted_in_scratch;
    }
    if sorted_in_scratch {
        *records = scratch;
    }
}

/// Byte `digit` of a record's sort order: 0 to 3 are the position's bytes from
/// the least significant, 4 to 11 the key's.
fn byte_of(record: &KeyRecord, digit: usize) -> usize {
    let (key, position) = (record.key, record.position);
    if digit < 4 {
        (position >> (8 * digit)) as usize & 0xff
    } else {
        (key >> (8 * (digit - 4))) as usize & 0xff
    }
}

/// How many records have each value of each byte, in one pass.
fn byte_counts(records: &[KeyRecord]) -> Vec<[usize; 256]> {
    let mut counts = vec![[0usize; 256]; 12];
    for record in records {
        for (digit, count) in counts.iter_mut().enumerate() {
            count[byte_of(record, digit)] += 1;
        }
    }
    counts
}

/// One stable pass: `from` into `to` in order of byte `digit`.
fn scatter(from: &[KeyRecord], to: &mut [KeyRecord], digit: usize, count: &[usize; 256]) {
    let mut next = [0usize; 256];
    let mut total = 0;
    for (slot, &n) in next.iter_mut().zip(count) {
        *slot = total;
        total += n;
    }
    for record in from {
        let bucket = &mut next[byte_of(record, digit)];
        to[*bucket] = *record;
        *bucket += 1;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn records(pairs: &[(u64, u32)]) -> Vec<KeyRecord> {
        pairs
            .iter()
            .map(|&(key, position)| KeyRecord { key, position })
            .collect()
    }

    proptest! {
        #[test]
        fn matches_a_comparison_sort(
            pairs in proptest::collection::vec((any::<u64>(), any::<u32>()), 0..6000),
            narrow in any::<bool>(),
        ) {
            // Narrow keys leave high bytes constant, as sizes do.
            let pairs: Vec<(u64, u32)> = pairs
                .into_iter()
                .map(|(key, position)| if narrow { (key % 5000, position % 70_000) } else { (key, position) })
                .collect();
            let mut radix = records(&pairs);
            sort_key_records(&mut radix);
            let mut expected = records(&pairs);
            expected.sort_unstable();
            prop_assert_eq!(radix, expected);
        }
    }

    #[test]
    fn ties_on_the_key_keep_position_order_whatever_the_input_order() {
        let pairs: Vec<(u64, u32)> = (0..10_000u32)
            .rev()
            .map(|p| (u64::from(p % 3), p))
            .collect();
        let mut sorted = records(&pairs);
        sort_key_records(&mut sorted);
        let mut expected = records(&pairs);
        expected.sort_unstable();
        assert_eq!(sorted, expected);
    }
}
