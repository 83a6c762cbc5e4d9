//! Cutting the wanted bytes out of a plan's retrieved ranges. Alignment makes a
//! plan's jobs retrieve more than was wanted (up to the MiB or tree-hash node
//! around each end); the finished file holds exactly the wanted bytes, so each
//! job contributes only its overlap with the wanted range, in order.

use super::ByteRange;

/// Bytes to copy from one job's output into the finished file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    /// The job's position in its plan.
    pub job: usize,
    /// Where the bytes start in that job's output.
    pub from: u64,
    pub len: u64,
    /// Where they go in the finished file.
    pub to: u64,
}

/// Why a plan's jobs cannot give the wanted bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssembleError {
    #[error(
        "the plan's jobs leave bytes {first}-{last} of the wanted range out; retrieve those bytes too"
    )]
    Gap { first: u64, last: u64 },
}

/// The slices that make `want` from `jobs` (the archive bytes each job
/// retrieved, in the plan's order). Where jobs overlap, the earlier job gives the
/// bytes, so every wanted byte is copied exactly once, in ascending order.
pub fn slices(want: ByteRange, jobs: &[ByteRange]) -> Result<Vec<Slice>, AssembleError> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&index| (jobs[index].start, index));
    let mut next = want.start;
    let mut found = Vec::new();
    for index in order {
        let job = jobs[index];
        if next > want.end {
            break;
        }
        if job.end < next || job.start > want.end {
            continue;
        }
        if job.start > next {
            return Err(AssembleError::Gap {
                first: next,
                last: job.start - 1,
            });
        }
        let last = job.end.min(want.end);
        found.push(Slice {
            job: index,
            from: next - job.start,
            len: last - next + 1,
            to: next - want.start,
        });
        match last.checked_add(1) {
            Some(after) => next = after,
            None => return Ok(found),
        }
    }
    if next <= want.end {
        return Err(AssembleError::Gap {
            first: next,
            last: want.end,
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::range::{MIB, PlanKind, plan};

    fn range(start: u64, end: u64) -> ByteRange {
        ByteRange { start, end }
    }

    #[test]
    fn the_aligned_extra_is_cut_from_both_ends() {
        let want = range(7_340_042, 9_437_174);
        let jobs = [range(7 * MIB, 8 * MIB - 1), range(8 * MIB, 10 * MIB - 1)];
        let found = slices(want, &jobs).unwrap();
        assert_eq!(
            found,
            [
                Slice {
                    job: 0,
                    from: 7_340_042 - 7 * MIB,
                    len: 8 * MIB - 7_340_042,
                    to: 0
                },
                Slice {
                    job: 1,
                    from: 0,
                    len: 9_437_174 - 8 * MIB + 1,
                    to: 8 * MIB - 7_340_042
                },
            ]
        );
    }

    #[test]
    fn a_gap_between_jobs_or_at_the_end_is_named() {
        let want = range(0, 99);
        assert_eq!(
            slices(want, &[range(0, 9), range(20, 99)]),
            Err(AssembleError::Gap {
                first: 10,
                last: 19
            })
        );
        assert_eq!(
            slices(want, &[range(0, 49)]),
            Err(AssembleError::Gap {
                first: 50,
                last: 99
            })
        );
        assert_eq!(
            slices(want, &[]),
            Err(AssembleError::Gap { first: 0, last: 99 })
        );
    }

    #[test]
    fn a_range_ending_on_the_last_possible_byte_does_not_overflow() {
        let want = range(u64::MAX - 4, u64::MAX);
        let found = slices(want, &[range(u64::MAX - 9, u64::MAX)]).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].from, found[0].len), (5, 5));
    }

    proptest! {
        /// Every kind of plan for any wanted range gives each wanted byte once,
        /// from a job that retrieved it, in order.
        #[test]
        fn every_plan_gives_exactly_the_wanted_bytes(
            size in 1u64..(80 * MIB),
            a in 0u64..u64::MAX,
            b in 0u64..u64::MAX,
            kind in prop::sample::select(PlanKind::ALL.to_vec()),
        ) {
            let (a, b) = (a % size, b % size);
            let want = range(a.min(b), a.max(b));
            let planned = plan(size, want, kind).unwrap();
            let found = slices(want, &planned.jobs).unwrap();
            let mut next_to = 0;
            for slice in &found {
                let job = planned.jobs[slice.job];
                prop_assert_eq!(slice.to, next_to);
                let first = want.start + slice.to;
                prop_assert!(job.start + slice.from == first);
                prop_assert!(first + slice.len - 1 <= job.end);
                next_to += slice.len;
            }
            prop_assert_eq!(next_to, want.len());
        }
    }
}
