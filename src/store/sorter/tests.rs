//! The sorter against `std` sorting, under budgets from one that spills every
//! record to one that never spills, and the run encodings' edge cases.

use std::fmt::Debug;
use std::io::{self, Cursor};

use proptest::prelude::*;

use super::*;

/// Pushes `records` through a sorter with `budget` and returns what comes out,
/// with the number of runs that went to disk.
fn sort_through<R: SortRecord + Clone>(records: &[R], budget: usize) -> (Vec<R>, usize) {
    let mut sorter = ExternalSorter::new(budget, std::env::temp_dir());
    for record in records {
        sorter.push(record.clone()).expect("push");
    }
    assert_eq!(sorter.len(), records.len() as u64);
    assert_eq!(sorter.is_empty(), records.is_empty());
    let spilled = sorter.spilled_runs();
    let sorted = sorter
        .finish()
        .expect("finish")
        .collect::<io::Result<Vec<_>>>()
        .expect("every sorted record reads back");
    (sorted, spilled)
}

fn held_bytes<R: SortRecord>(records: &[R]) -> usize {
    records
        .iter()
        .map(SortRecord::memory_bytes)
        .fold(0, usize::saturating_add)
}

/// The sorter's output is exactly `std`'s sort of the same records, and it
/// spilled exactly when the records' bytes passed the budget.
///
/// Both record types derive `Ord` over all their fields, so equal records are
/// identical and comparing the sequences compares them as multisets too.
fn check_against_std<R: SortRecord + Clone + Debug>(
    records: Vec<R>,
    budget: Budget,
) -> Result<(), TestCaseError> {
    let held = held_bytes(&records);
    let budget = budget.bytes(held);
    let (sorted, spilled) = sort_through(&records, budget);
    let mut expected = records;
    expected.sort();
    prop_assert_eq!(sorted, expected);
    prop_assert_eq!(spilled > 0, held > budget, "spilled {} runs", spilled);
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Budget {
    /// A few records at most, often none: nearly every push spills a run and
    /// runs merge across generations.
    Tiny(usize),
    /// A share of the records' bytes, in thousandths: from a handful of runs
    /// to none, around the point where the budget is just passed.
    Share(usize),
    Unlimited,
}

impl Budget {
    fn bytes(self, held: usize) -> usize {
        match self {
            Self::Tiny(bytes) => bytes,
            Self::Share(thousandths) => {
                held / 1000 * thousandths + held % 1000 * thousandths / 1000
            }
            Self::Unlimited => usize::MAX,
        }
    }
}

fn budgets() -> impl Strategy<Value = Budget> {
    prop_oneof![
        (0usize..300).prop_map(Budget::Tiny),
        (0usize..1500).prop_map(Budget::Share),
        Just(Budget::Unlimited),
    ]
}

fn key_records() -> impl Strategy<Value = Vec<KeyRecord>> {
    // Small keys and positions make duplicates, large keys spread the order.
    let key = prop_oneof![0u64..4, any::<u64>()];
    let record = (key, 0u32..3).prop_map(|(key, position)| KeyRecord { key, position });
    prop::collection::vec(record, 0..1500)
}

fn name_records() -> impl Strategy<Value = Vec<NameRecord>> {
    // Short names from a tiny alphabet make empty and duplicate names common.
    // Names of 14 to 20 bytes from two bytes, one of them zero, are often equal
    // in their sixteen-byte prefix (zero padding included) and differ after it.
    let name = prop_oneof![
        prop::collection::vec(0u8..3, 0..3),
        prop::collection::vec(any::<u8>(), 0..80),
        prop::collection::vec(0u8..2, 14..20),
    ];
    let record = (name, 0u32..3, 0u64..3).prop_map(|(name, position, size)| {
        NameRecord::new(name.into_boxed_slice(), position, size)
    });
    prop::collection::vec(record, 0..1000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The prefix shortcut must not change the order: names sort bytewise, then
    /// by position and size, exactly as the plain fields would.
    #[test]
    fn name_records_order_as_their_fields(records in name_records()) {
        let mut by_record = records.clone();
        by_record.sort();
        let mut by_fields = records;
        by_fields.sort_by(|a, b| (&a.name, a.position, a.size).cmp(&(&b.name, b.position, b.size)));
        prop_assert_eq!(by_record, by_fields);
    }

    #[test]
    fn key_records_sort_like_std(records in key_records(), budget in budgets()) {
        check_against_std(records, budget)?;
    }

    #[test]
    fn name_records_sort_like_std(records in name_records(), budget in budgets()) {
        check_against_std(records, budget)?;
    }

    #[test]
    fn runs_read_back_what_was_written(keys in key_records(), names in name_records()) {
        prop_assert_eq!(round_trip(&keys), keys);
        prop_assert_eq!(round_trip(&names), names);
    }
}

/// Encodes `records` one after another and decodes them up to the clean end.
fn round_trip<R: SortRecord>(records: &[R]) -> Vec<R> {
    let mut encoded = Vec::new();
    for record in records {
        record.write_to(&mut encoded).expect("writing to a Vec");
    }
    let mut input = Cursor::new(encoded);
    let mut decoded = Vec::new();
    while let Some(record) = R::read_from(&mut input).expect("a whole record") {
        decoded.push(record);
    }
    decoded
}

#[test]
fn an_empty_sorter_yields_nothing() {
    let (sorted, spilled) = sort_through::<NameRecord>(&[], 0);
    assert!(sorted.is_empty());
    assert_eq!(spilled, 0);
}

#[test]
fn a_single_record_comes_back() {
    let record = NameRecord::new(b"photos/2019/beach.jpg".as_slice().into(), 7, 1 << 40);
    let (sorted, spilled) = sort_through(std::slice::from_ref(&record), usize::MAX);
    assert_eq!(sorted, std::slice::from_ref(&record));
    assert_eq!(spilled, 0);
    // A budget of zero spills it, and it still comes back alone.
    let (sorted, spilled) = sort_through(std::slice::from_ref(&record), 0);
    assert_eq!(sorted, [record]);
    assert_eq!(spilled, 1);
}

fn descending_keys(count: u32) -> Vec<KeyRecord> {
    (0..count)
        .map(|position| KeyRecord {
            key: u64::from(count - position),
            position,
        })
        .collect()
}

#[test]
fn a_budget_held_exactly_stays_in_memory() {
    let records = descending_keys(100);
    let held = held_bytes(&records);
    assert_eq!(held, 100 * 12, "a KeyRecord takes 12 bytes");
    assert_eq!(sort_through(&records, held).1, 0);
    // One byte less and the last push passes the budget.
    assert_eq!(sort_through(&records, held - 1).1, 1);
}

#[test]
fn full_generations_of_runs_merge_like_carries() {
    let records = descending_keys(3000);
    let mut sorter = ExternalSorter::new(0, std::env::temp_dir());
    for record in &records {
        sorter.push(*record).expect("push");
    }
    assert_eq!(sorter.spilled_runs(), 3000);
    // 3000 is 2·32² + 29·32 + 24: two runs of the third generation, 29 of the
    // second and 24 single-record runs remain, one per unit of each digit.
    let generations: Vec<u32> = sorter.runs.iter().map(|run| run.generation).collect();
    let expected: Vec<u32> = [(2, 2), (29, 1), (24, 0)]
        .into_iter()
        .flat_map(|(count, generation)| std::iter::repeat_n(generation, count))
        .collect();
    assert_eq!(generations, expected);
    let sorted = sorter
        .finish()
        .expect("finish")
        .collect::<io::Result<Vec<_>>>()
        .expect("read back");
    let mut expected = records;
    expected.sort();
    assert_eq!(sorted, expected);
}

#[test]
fn a_truncated_run_ends_the_iteration_with_unexpected_eof() {
    let records = descending_keys(10);
    let mut sorter = ExternalSorter::new(held_bytes(&records) - 1, std::env::temp_dir());
    for record in &records {
        sorter.push(*record).expect("push");
    }
    assert_eq!(sorter.runs.len(), 1);
    // Cut the last record short: 10 records of 12 bytes, less 5.
    sorter.runs[0].file.set_len(115).expect("truncate the run");
    let mut sorted = sorter.finish().expect("the first record is whole");
    let mut expected = records;
    expected.sort();
    let mut whole = Vec::new();
    let error = loop {
        match sorted.next().expect("an error before the end") {
            Ok(record) => whole.push(record),
            Err(error) => break error,
        }
    };
    assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    assert!(whole.len() < 10);
    assert_eq!(whole, expected[..whole.len()]);
    assert!(sorted.next().is_none(), "the iteration ends after an error");
}

#[test]
fn a_spill_into_a_missing_directory_fails() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let missing = dir.path().join("missing");
    let mut sorter = ExternalSorter::new(0, missing);
    let error = sorter
        .push(KeyRecord {
            key: 1,
            position: 0,
        })
        .expect_err("nowhere to spill");
    assert_eq!(error.kind(), io::ErrorKind::NotFound);
}

/// Every proper prefix of an encoded record is an error, except the empty one,
/// which is a clean end.
fn assert_truncations_fail<R: SortRecord + Debug>(record: &R) {
    let mut encoded = Vec::new();
    record.write_to(&mut encoded).expect("writing to a Vec");
    assert!(R::read_from(&mut &encoded[..0]).expect("empty").is_none());
    for cut in 1..encoded.len() {
        let error = R::read_from(&mut &encoded[..cut]).expect_err("a truncated record");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof, "cut at {cut}");
    }
    let whole = R::read_from(&mut encoded.as_slice()).expect("the whole record");
    assert!(whole.is_some_and(|decoded| decoded == *record));
}

#[test]
fn truncated_records_are_unexpected_eof() {
    assert_truncations_fail(&KeyRecord {
        key: u64::MAX - 1,
        position: 3,
    });
    assert_truncations_fail(&NameRecord::new(b"a/b".as_slice().into(), 9, 12));
    assert_truncations_fail(&NameRecord::new(Box::default(), 0, 0));
}

#[test]
fn memory_bytes_count_the_record_and_its_name() {
    let key = KeyRecord {
        key: 0,
        position: 0,
    };
    assert_eq!(key.memory_bytes(), 12);
    let name = |length| NameRecord::new(vec![b'x'; length].into_boxed_slice(), 0, 0);
    let record_bytes = size_of::<NameRecord>();
    assert_eq!(name(0).memory_bytes(), record_bytes);
    assert_eq!(name(1).memory_bytes(), record_bytes + 32);
    assert_eq!(name(45).memory_bytes(), record_bytes + 64);
}

#[test]
fn sorted_records_in_memory_come_back_as_one_vector_and_spilled_ones_as_a_stream() {
    let records = descending_keys(100);
    let mut expected = records.clone();
    expected.sort();
    for (budget, in_memory) in [(usize::MAX, true), (120, false)] {
        let mut sorter = ExternalSorter::new(budget, std::env::temp_dir());
        for record in &records {
            sorter.push(*record).expect("push");
        }
        let mut sorted = sorter.finish().expect("finish");
        assert_eq!(
            sorted.next().expect("a record").expect("readable"),
            expected[0]
        );
        let rest: Vec<KeyRecord> = match sorted.into_memory() {
            Ok(held) => {
                assert!(in_memory, "a spilled sort has no vector to give");
                held
            }
            Err(stream) => {
                assert!(!in_memory, "a sort in memory gives its vector");
                stream.collect::<io::Result<Vec<_>>>().expect("readable")
            }
        };
        assert_eq!(rest, expected[1..], "what was not iterated, in order");
        let again: Vec<KeyRecord> = SortedRecords::from(rest).map(Result::unwrap).collect();
        assert_eq!(again, expected[1..], "a vector in order streams as it is");
    }
}
