//! Applying a parsed seed to the state at start: vaults not yet present, their
//! virtual archives with stable ids, and the account's retrieval settings.

use std::collections::BTreeSet;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicUsize, Ordering};

use time::OffsetDateTime;

use super::content::virtual_tree_hash;
use super::ids::{ARCHIVE_ID_LEN, opaque_id};
use super::model::{Archive, ArchiveContent, RetrievalPolicy, SandboxState, Vault};
use super::s3::{add_bucket, validate_bucket_name, validate_region};
use super::seed::{PlannedArchive, Seed, VaultSeed, plan_archives};
use super::vaults::validate_vault_name;
use crate::domain::treehash::TreeHash;

/// A seeded vault without a `created` date is this much older than the start.
pub const DEFAULT_VAULT_AGE: time::Duration = time::Duration::days(365);

/// Where in a seed file a problem is: the `[account]` table, the n-th vault or
/// the n-th bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedPlace {
    Account,
    Vault(usize),
    Bucket(usize),
}

/// A seed that parses but cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SeedProblem {
    pub place: SeedPlace,
    pub message: String,
}

/// Checks what parsing cannot: vault names, duplicates, conflicting settings.
pub fn check_seed(seed: &Seed) -> Result<(), SeedProblem> {
    let account = &seed.account;
    if account.bytes_per_hour.is_some() && account.free_tier_policy == Some(true) {
        return Err(SeedProblem {
            place: SeedPlace::Account,
            message: "[account] sets both bytes_per_hour and free_tier_policy = true; a retrieval policy is one or the other, keep one".into(),
        });
    }
    let mut names = BTreeSet::new();
    for (index, vault) in seed.vaults.iter().enumerate() {
        let place = SeedPlace::Vault(index);
        validate_vault_name(&vault.name).map_err(|err| SeedProblem {
            place,
            message: err.message,
        })?;
        if !names.insert(vault.name.as_str()) {
            return Err(SeedProblem {
                place,
                message: format!("vault {:?} is seeded twice; merge the two", vault.name),
            });
        }
    }
    check_buckets(seed)
}

fn check_buckets(seed: &Seed) -> Result<(), SeedProblem> {
    let mut names = BTreeSet::new();
    for (index, bucket) in seed.buckets.iter().enumerate() {
        let problem = |message: String| SeedProblem {
            place: SeedPlace::Bucket(index),
            message,
        };
        validate_bucket_name(&bucket.name).map_err(problem)?;
        if let Some(region) = &bucket.region {
            validate_region(region).map_err(problem)?;
        }
        if !names.insert(bucket.name.as_str()) {
            return Err(problem(format!(
                "bucket {:?} is seeded twice; keep one",
                bucket.name
            )));
        }
    }
    Ok(())
}

/// The 1-based line in `text` where `place` begins (its `[account]`,
/// `[[vaults]]` or `[[buckets]]` header), for error messages.
pub fn line_of(text: &str, place: SeedPlace) -> Option<usize> {
    let (header, wanted) = match place {
        SeedPlace::Account => ("[account]", 0),
        SeedPlace::Vault(index) => ("[[vaults]]", index),
        SeedPlace::Bucket(index) => ("[[buckets]]", index),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with(header))
        .nth(wanted)
        .map(|(number, _)| number + 1)
}

/// Applies `seed` at `now`. Vaults already in the state (from an earlier start
/// with the same `--state`) are left as they are; the account settings are
/// applied every time.
pub fn apply_seed(
    state: &mut SandboxState,
    seed: &Seed,
    now: OffsetDateTime,
) -> Result<(), SeedProblem> {
    check_seed(seed)?;
    apply_account(state, seed);
    let new_vaults: Vec<(&VaultSeed, OffsetDateTime)> = seed
        .vaults
        .iter()
        .filter(|vault| !state.vaults.contains_key(&vault.name))
        .map(|vault| (vault, vault.created.unwrap_or(now - DEFAULT_VAULT_AGE)))
        .collect();
    let planned: Vec<Vec<PlannedArchive>> = new_vaults
        .iter()
        .map(|(vault, created)| plan_archives(vault, *created, now))
        .collect();
    let mut hashes = tree_hashes(planned.iter().flatten().collect()).into_iter();
    for ((vault_seed, created), archives) in new_vaults.into_iter().zip(planned) {
        let hashes = hashes.by_ref().take(archives.len());
        let vault = seeded_vault(vault_seed, created, archives.into_iter().zip(hashes));
        state.vaults.insert(vault.name.clone(), vault);
    }
    Ok(())
}

/// Makes the seed's buckets that do not exist yet, empty; those that do are
/// left as they are. A bucket without a region is in `default_region`.
pub fn apply_bucket_seeds(
    state: &mut SandboxState,
    seed: &Seed,
    default_region: &str,
    now: OffsetDateTime,
) {
    for bucket in &seed.buckets {
        let region = bucket.region.as_deref().unwrap_or(default_region);
        add_bucket(&mut state.buckets, &bucket.name, region, now);
    }
}

/// Tree hashes of virtual archives, in order. Each costs one SHA-256 per MiB
/// (a demo seed holds terabytes), so they are spread over every core.
fn tree_hashes(planned: Vec<&PlannedArchive>) -> Vec<TreeHash> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let next = AtomicUsize::new(0);
    let mut hashed: Vec<(usize, TreeHash)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(archive) = planned.get(index) else {
                            return mine;
                        };
                        mine.push((index, virtual_tree_hash(archive.seed, archive.size)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            // A worker panics only on a bug in hashing; pass that on, never lose hashes.
            .flat_map(|worker| worker.join().unwrap_or_else(|panic| resume_unwind(panic)))
            .collect()
    });
    hashed.sort_unstable_by_key(|(index, _)| *index);
    hashed.into_iter().map(|(_, hash)| hash).collect()
}

fn apply_account(state: &mut SandboxState, seed: &Seed) {
    let account = &seed.account;
    if let Some(available) = account.expedited_capacity {
        state.expedited_capacity_available = available;
    }
    match (account.bytes_per_hour, account.free_tier_policy) {
        (Some(limit), _) => state.retrieval_policy = RetrievalPolicy::BytesPerHour(limit.0),
        (None, Some(true)) => state.retrieval_policy = RetrievalPolicy::FreeTier,
        (None, Some(false)) => state.retrieval_policy = RetrievalPolicy::None,
        (None, None) => {}
    }
}

/// A vault and its virtual archives. Ids come from the vault name and the
/// archive's position, so the same seed gives the same ids on every start.
fn seeded_vault(
    seed: &VaultSeed,
    created: OffsetDateTime,
    archives: impl Iterator<Item = (PlannedArchive, TreeHash)>,
) -> Vault {
    let archives = archives
        .enumerate()
        .map(|(position, (planned, tree_hash))| {
            let id = opaque_id(
                ARCHIVE_ID_LEN,
                &[
                    b"seeded",
                    seed.name.as_bytes(),
                    &(position as u64).to_be_bytes(),
                ],
            );
            let archive = Archive {
                id: id.clone(),
                description: planned.description,
                created: planned.created,
                deleted: None,
                size: planned.size,
                tree_hash: tree_hash.to_string(),
                content: ArchiveContent::Virtual { seed: planned.seed },
            };
            (id, archive)
        })
        .collect();
    Vault {
        archives,
        ..Vault::empty(&seed.name, created)
    }
}

#[cfg(test)]
#[path = "seeding_tests.rs"]
mod tests;
