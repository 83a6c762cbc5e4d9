//! The range and size grammar, with archive sizes: a range that resolves lies in
//! its archive and reads back from Glacier's form, and every plan built on it is
//! aligned, covers it, and tiles it exactly where it says so.

use defrost::domain::range::{
    ByteRange, MIB, PlanKind, RangeSpec, is_mib_aligned, is_tree_aligned, parse_size, plan,
    snap_mib, snap_tree, split_tree,
};

use crate::engine::{Pool, Rng, Target, Verdict, fields, hash_of, join, text, wording};
use crate::mutate::field_mutant;

/// Input: the range text and the archive size (decimal; other text picks one of
/// the sizes below).
pub struct Ranges;

const SIZES: &[u64] = &[
    0,
    1,
    MIB - 1,
    MIB,
    MIB + 1,
    10 * MIB + 1,
    3 << 30,
    10 << 30,
    40 << 40,
    u64::MAX - 1,
    u64::MAX,
];

const RANGES: &[&str] = &[
    "0-1048575",
    "4MiB-8MiB",
    "1GiB-",
    "512KiB",
    "4MiB+100MiB",
    "3GiB+100MiB",
    "1.5GiB",
    "0.5KiB",
    "1_048_576",
    "  42  ",
    "7B-9B",
    "1 KiB + 2 kB",
    "2.50MB",
    "1.00000095367431640625MiB",
    "18446744073709551615",
    "0-18446744073709551615",
    "18446744073709551615-",
    "1-0",
    "5MiB-5MiB",
    "0B-0B",
    "1TB-2TiB",
    "1.3B",
    "1__0",
    "+5",
    "-",
    "",
    "1e3",
    "１２",
];

const TOKENS: &[&[u8]] = &[
    b"KiB", b"MiB", b"GiB", b"TiB", b"kB", b"KB", b"MB", b"GB", b"TB", b"B", b"mib", b"-", b"+",
    b".", b"_", b" ",
];

impl Target for Ranges {
    fn name(&self) -> &'static str {
        "ranges"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        RANGES
            .iter()
            .enumerate()
            .map(|(at, range)| {
                let size = SIZES[at % SIZES.len()].to_string();
                join(&[range.as_bytes(), size.as_bytes()])
            })
            .collect()
    }

    fn tokens(&self) -> &[&[u8]] {
        TOKENS
    }

    /// Half the time a range written from parts: numbers with separators, decimals
    /// and units, in each form, and a size near its ends.
    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        if rng.one_in(2) {
            return field_mutant(rng, pool, TOKENS, 512);
        }
        let (start, start_text) = quantity(rng);
        let (other, other_text) = quantity(rng);
        let space = |rng: &mut Rng| *rng.pick(&["", "", " ", "  "]);
        let range = match rng.below(4) {
            0 => start_text,
            1 => format!("{start_text}{}-", space(rng)),
            2 => format!("{start_text}{}-{}{other_text}", space(rng), space(rng)),
            _ => format!("{start_text}{}+{}{other_text}", space(rng), space(rng)),
        };
        let near = [start, other, start.saturating_add(other), u64::MAX];
        let size = match rng.below(4) {
            0 => rng.pick(SIZES).to_string(),
            _ => rng
                .pick(&near)
                .wrapping_add(rng.below(3) as u64)
                .wrapping_sub(1)
                .to_string(),
        };
        join(&[range.as_bytes(), size.as_bytes()])
    }

    fn check(&self, input: &[u8]) -> Verdict {
        let parts = fields(input);
        let range_text = text(parts[0]);
        let size_field = parts.get(1).copied().unwrap_or_default();
        let size = text(size_field)
            .parse::<u64>()
            .unwrap_or_else(|_| SIZES[(hash_of(&size_field) % SIZES.len() as u64) as usize]);
        check_size(&range_text);
        let spec = match RangeSpec::parse(&range_text) {
            Ok(spec) => spec,
            Err(error) => return Verdict::rejected(wording(&error.to_string())),
        };
        assert_eq!(spec.input(), range_text);
        let open = spec.resolve(None);
        let sized = spec.resolve(Some(size));
        if let Ok(range) = open {
            assert!(range.start <= range.end);
            let glacier_form = RangeSpec::parse(&range.to_string()).and_then(|s| s.resolve(None));
            assert_eq!(glacier_form, Ok(range), "{range} reads back differently");
            match &sized {
                Ok(within) => assert_eq!(*within, range, "the size moved a fixed range"),
                Err(error) => {
                    assert!(
                        range.end >= size,
                        "{range} refused in {size} bytes: {error}"
                    );
                }
            }
        }
        match sized {
            Ok(range) => {
                assert!(
                    range.start <= range.end && range.end < size,
                    "{range} past {size}"
                );
                check_plans(size, range);
                let shape: Vec<bool> = ['-', '+', '.', '_', ' ', 'B', 'i']
                    .iter()
                    .map(|c| range_text.contains(*c))
                    .collect();
                let jobs = split_tree(size, range).map_or(0, |jobs| jobs.len().min(8));
                Verdict::accepted((open.is_ok(), shape, jobs))
            }
            Err(error) => Verdict::rejected(wording(&error.to_string())),
        }
    }
}

/// A quantity as people write it, and about how many bytes it means.
fn quantity(rng: &mut Rng) -> (u64, String) {
    const UNITS: &[(&str, u64)] = &[
        ("", 1),
        ("B", 1),
        ("KiB", 1 << 10),
        ("MiB", MIB),
        ("mib", MIB),
        ("GiB", 1 << 30),
        ("TiB", 1 << 40),
        ("kB", 1_000),
        ("MB", 1_000_000),
        ("GB", 1_000_000_000),
        ("TB", 1_000_000_000_000),
    ];
    let (unit, scale) = *rng.pick(UNITS);
    let whole = match rng.below(3) {
        0 => rng.below(1025) as u64,
        1 => rng.next_u64() >> rng.below(64),
        _ => *rng.pick(&[0, 1, 1_048_575, 1_048_576, u64::MAX / scale, u64::MAX]),
    };
    let mut written = whole.to_string();
    if rng.one_in(4) && written.len() > 3 {
        written.insert(written.len() - 3, '_');
    }
    if rng.one_in(4) {
        written.push_str(rng.pick_copy(&[
            ".5",
            ".25",
            ".0",
            ".125",
            ".3",
            ".00000095367431640625",
        ]));
    }
    let gap = if rng.one_in(4) { " " } else { "" };
    (whole.saturating_mul(scale), format!("{written}{gap}{unit}"))
}

/// A size that parses prints back to itself, in bytes or with `B`.
fn check_size(text: &str) {
    let Ok(bytes) = parse_size(text) else {
        return;
    };
    assert_eq!(parse_size(&bytes.to_string()), Ok(bytes));
    assert_eq!(parse_size(&format!("{bytes} B")), Ok(bytes));
}

fn check_plans(size: u64, want: ByteRange) {
    let mib = snap_mib(size, want).expect("a range inside the archive snaps");
    assert!(mib.start <= want.start && want.end <= mib.end && mib.end < size);
    assert!(
        is_mib_aligned(size, mib),
        "{mib} is not MiB-aligned in {size}"
    );
    assert_eq!(mib.start, want.start / MIB * MIB);
    let tree = snap_tree(size, want).expect("a range inside the archive snaps");
    assert!(tree.start <= mib.start && mib.end <= tree.end && tree.end < size);
    assert!(
        is_tree_aligned(size, tree),
        "{tree} is not tree-aligned in {size}"
    );
    let jobs = split_tree(size, want).expect("a range inside the archive splits");
    assert_eq!(jobs.first().map(|job| job.start), Some(mib.start));
    assert_eq!(jobs.last().map(|job| job.end), Some(mib.end));
    for pair in jobs.windows(2) {
        assert_eq!(
            pair[0].end + 1,
            pair[1].start,
            "the jobs leave a gap or overlap"
        );
    }
    assert!(jobs.len() <= 2 * 64, "{} jobs", jobs.len());
    for job in &jobs {
        assert!(
            is_tree_aligned(size, *job),
            "{job} is not tree-aligned in {size}"
        );
    }
    for kind in PlanKind::ALL {
        let plan = plan(size, want, kind).expect("a range inside the archive plans");
        let bytes: u128 = plan.jobs.iter().map(|job| u128::from(job.len())).sum();
        assert_eq!(u128::from(plan.bytes), bytes);
        assert_eq!(plan.extra_bytes, plan.bytes - want.len());
        let expected = match kind {
            PlanKind::Mib => vec![mib],
            PlanKind::Tree => vec![tree],
            PlanKind::Split => jobs.clone(),
        };
        assert_eq!(plan.jobs, expected);
        let all_tree = plan.jobs.iter().all(|job| is_tree_aligned(size, *job));
        assert_eq!(plan.checksum, all_tree);
    }
}
