//! Applying a parsed seed to the state at start: vaults not yet present, their
//! virtual archives and zips with stable ids, and the account's retrieval settings.

use std::collections::BTreeSet;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicUsize, Ordering};

use time::OffsetDateTime;

use super::content::patched::{self, Patches};
use super::content::{VirtualArchive, virtual_tree_hash};
use super::ids::{ARCHIVE_ID_LEN, opaque_id};
use super::model::{Archive, ArchiveContent, RetrievalPolicy, SandboxState, Vault};
use super::s3::{add_bucket, validate_bucket_name, validate_region};
use super::seed::zip::write::write as write_zip;
use super::seed::{PlannedArchive, PlannedContent, Seed, VaultSeed, plan_archives};
use super::store::StateStore;
use super::vaults::validate_vault_name;
use crate::domain::range::ByteRange;
use crate::domain::treehash::{TreeHash, sha256};

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

/// Applies `seed` at `now`, writing the real parts of seeded zips to `store`.
/// Vaults already in the state (from an earlier start with the same `--state`)
/// are left as they are; the account settings are applied every time.
pub fn apply_seed(
    state: &mut SandboxState,
    seed: &Seed,
    now: OffsetDateTime,
    store: &StateStore,
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
    let mut made = make_all(planned.iter().flatten().collect()).into_iter();
    for (index, ((vault_seed, created), archives)) in
        new_vaults.into_iter().zip(planned).enumerate()
    {
        let made = made.by_ref().take(archives.len());
        let vault = seeded_vault(vault_seed, created, archives.into_iter().zip(made), store)
            .map_err(|message| SeedProblem {
                place: SeedPlace::Vault(vault_index(seed, vault_seed).unwrap_or(index)),
                message,
            })?;
        state.vaults.insert(vault.name.clone(), vault);
    }
    Ok(())
}

/// Where a vault is among the seed's, for messages.
fn vault_index(seed: &Seed, vault: &VaultSeed) -> Option<usize> {
    seed.vaults.iter().position(|each| each.name == vault.name)
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

/// An archive's bytes as made at start: its size, tree hash, content and, for
/// a zip, its patch file.
struct Made {
    size: u64,
    tree_hash: TreeHash,
    content: ArchiveContent,
    file: Option<Vec<u8>>,
}

/// Makes the planned archives, in order. A virtual archive's tree hash costs one
/// SHA-256 per MiB and a zip's its writing (a demo seed holds terabytes and a few
/// zips), so they are spread over every core.
fn make_all(planned: Vec<&PlannedArchive>) -> Vec<Made> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let next = AtomicUsize::new(0);
    let mut made: Vec<(usize, Made)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(archive) = planned.get(index) else {
                            return mine;
                        };
                        mine.push((index, make(archive)));
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
    made.sort_unstable_by_key(|(index, _)| *index);
    made.into_iter().map(|(_, made)| made).collect()
}

fn make(planned: &PlannedArchive) -> Made {
    match &planned.content {
        PlannedContent::Virtual { size } => Made {
            size: *size,
            tree_hash: virtual_tree_hash(planned.seed, *size),
            content: ArchiveContent::Virtual { seed: planned.seed },
            file: None,
        },
        PlannedContent::Zip(plan) => {
            let written = write_zip(plan, planned.seed);
            let file = patched::encode(&written.patches);
            drop(written.patches);
            let archive = VirtualArchive {
                seed: planned.seed,
                size: written.size,
            };
            // A zip is never empty (its end record alone is 22 bytes), and
            // its patches are read from memory: neither can fail.
            let tree_hash = ByteRange::whole(written.size)
                .ok()
                .and_then(|whole| {
                    Patches::read(file.as_slice())
                        .and_then(|mut patches| patches.tree_hash(archive, whole))
                        .ok()
                })
                .unwrap_or_else(|| sha256(&[]));
            Made {
                size: written.size,
                tree_hash,
                content: ArchiveContent::Patched { seed: planned.seed },
                file: Some(file),
            }
        }
    }
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
    archives: impl Iterator<Item = (PlannedArchive, Made)>,
    store: &StateStore,
) -> Result<Vault, String> {
    let archives = archives
        .enumerate()
        .map(|(position, (planned, made))| {
            let id = opaque_id(
                ARCHIVE_ID_LEN,
                &[
                    b"seeded",
                    seed.name.as_bytes(),
                    &(position as u64).to_be_bytes(),
                ],
            );
            if let Some(file) = &made.file {
                std::fs::write(store.archive_path(&id), file).map_err(|err| {
                    format!(
                        "cannot write the zip archive {:?} of vault {} to the sandbox's state directory: {err}; check that it is writable and has room",
                        planned.description, seed.name
                    )
                })?;
            }
            let archive = Archive {
                id: id.clone(),
                description: planned.description,
                created: planned.created,
                deleted: None,
                size: made.size,
                tree_hash: made.tree_hash.to_string(),
                content: made.content,
            };
            Ok((id, archive))
        })
        .collect::<Result<_, String>>()?;
    Ok(Vault {
        archives,
        ..Vault::empty(&seed.name, created)
    })
}

#[cfg(test)]
#[path = "seeding_tests.rs"]
mod tests;
