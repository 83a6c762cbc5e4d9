//! What every range-math test checks, stated against a model of the tree hash's tree
//! rather than against the formulas the crate uses.

use defrost::domain::range::{
    ByteRange, MIB, PlanKind, is_mib_aligned, is_tree_aligned, plan, snap_mib, snap_tree,
    split_tree,
};

/// What a model knows about the tree of one archive. Nodes are chunk intervals
/// `[first, end)`, clipped to the archive's chunk count.
pub trait TreeModel {
    fn size(&self) -> u64;
    fn chunks(&self) -> u64;
    /// The smallest node holding both chunks `first` and `last`.
    fn smallest_cover(&self, first: u64, last: u64) -> (u64, u64);
    fn is_node(&self, first: u64, end: u64) -> bool;
}

/// The bytes of chunks `[first, end)`, the last clipped to the archive. Computed in
/// `u128` so that the model cannot share an overflow with the code under test.
pub fn chunk_bytes(size: u64, first: u64, end: u64) -> ByteRange {
    let end_byte = (u128::from(end) * u128::from(MIB)).min(u128::from(size)) - 1;
    ByteRange {
        start: first * MIB,
        end: u64::try_from(end_byte).expect("clipped to the size, a u64"),
    }
}

/// InitiateJob's rule, written out as GLACIER.md states it.
pub fn mib_aligned_by_definition(size: u64, range: ByteRange) -> bool {
    range.start <= range.end
        && range.end < size
        && range.start.is_multiple_of(MIB)
        && ((u128::from(range.end) + 1).is_multiple_of(u128::from(MIB)) || range.end == size - 1)
}

/// At most about 2·log2(chunks) jobs: up the tree, then down.
pub fn split_job_limit(chunks: u64) -> usize {
    2 * (u64::BITS - chunks.leading_zeros()) as usize
}

/// Checks every function of the range math on one wanted range (inside the archive)
/// and returns the number of split jobs, for callers that know the optimum. `plan`,
/// which only combines the others, is checked when `with_plans` is set.
pub fn check_want(model: &impl TreeModel, want: ByteRange, with_plans: bool) -> usize {
    let size = model.size();
    let (first, last) = (want.start / MIB, want.end / MIB);
    // MiB-aligned ranges are exactly runs of whole chunks (the last one clipped), so the
    // smallest MiB-aligned cover is the run of the chunks the range touches.
    let run = chunk_bytes(size, first, last + 1);
    assert_eq!(snap_mib(size, want), Ok(run), "snap_mib {want} of {size}");

    let (node_first, node_end) = model.smallest_cover(first, last);
    let node = chunk_bytes(size, node_first, node_end);
    let tree = snap_tree(size, want).expect("want lies inside the archive");
    assert_eq!(tree, node, "snap_tree {want} of {size}");
    assert!(tree.start <= want.start && want.end <= tree.end);

    let jobs = split_tree(size, want).expect("want lies inside the archive");
    check_tiling(model, &jobs, run);

    let run_is_node = model.is_node(first, last + 1);
    assert_eq!(
        is_mib_aligned(size, want),
        mib_aligned_by_definition(size, want),
        "is_mib_aligned {want} of {size}"
    );
    assert!(is_mib_aligned(size, run));
    assert_eq!(is_tree_aligned(size, run), run_is_node, "{run} of {size}");
    assert_eq!(is_tree_aligned(size, want), want == run && run_is_node);
    assert!(is_tree_aligned(size, node));

    if with_plans {
        check_plans(size, want, [run], [node], &jobs, run_is_node);
    }
    jobs.len()
}

/// The jobs are nodes that cover `run` in order, without gap or overlap.
fn check_tiling(model: &impl TreeModel, jobs: &[ByteRange], run: ByteRange) {
    let size = model.size();
    let context = || format!("split of {run} in {size}: {jobs:?}");
    assert!(
        !jobs.is_empty() && jobs.len() <= split_job_limit(model.chunks()),
        "{}",
        context()
    );
    let mut next_start = run.start;
    for job in jobs {
        assert_eq!(job.start, next_start, "{}", context());
        let (first, end) = (job.start / MIB, job.end / MIB + 1);
        assert_eq!(*job, chunk_bytes(size, first, end), "{}", context());
        assert!(model.is_node(first, end), "{job} {}", context());
        next_start = job.end + 1;
    }
    assert_eq!(next_start - 1, run.end, "{}", context());
}

/// `plan` reports the jobs of each kind, and bytes, extra bytes and checksum that
/// follow from them.
fn check_plans(
    size: u64,
    want: ByteRange,
    mib: [ByteRange; 1],
    tree: [ByteRange; 1],
    split: &[ByteRange],
    mib_is_node: bool,
) {
    let expected: [(PlanKind, &[ByteRange], bool); 3] = [
        (PlanKind::Mib, &mib, mib_is_node),
        (PlanKind::Tree, &tree, true),
        (PlanKind::Split, split, true),
    ];
    for (kind, jobs, checksum) in expected {
        let planned = plan(size, want, kind).expect("want lies inside the archive");
        let bytes: u64 = jobs.iter().map(ByteRange::len).sum();
        assert_eq!(planned.plan, kind);
        assert_eq!(planned.jobs, jobs, "{kind:?} plan of {want} in {size}");
        assert_eq!(planned.bytes, bytes);
        assert_eq!(planned.extra_bytes, bytes - want.len());
        assert_eq!(
            planned.checksum, checksum,
            "{kind:?} plan of {want} in {size}"
        );
    }
}
