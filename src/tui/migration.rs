//! The screen's migrations, as plain data: the dialog that copies the marked
//! archives to S3 (the bucket, the prefix, the storage class, the tier, and
//! whether a bucket in another region will do), the summary `defrost migrate`
//! shows before anything is paid, and a refusal worded with the field and key
//! that fix it.

use std::path::PathBuf;
use std::sync::Arc;

use super::msg::RequestId;
use crate::domain::cost::PriceTable;
use crate::domain::job_params::Tier;
use crate::domain::migrate::{StorageClass, StoragePriceTable};
use crate::store::VaultKey;
use crate::tracking::migrate::{InBucket, PreparedMigration};

/// The fields of the dialog, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Bucket,
    Prefix,
    StorageClass,
    Tier,
    AcrossRegions,
}

impl Field {
    const ORDER: [Field; 5] = [
        Field::Bucket,
        Field::Prefix,
        Field::StorageClass,
        Field::Tier,
        Field::AcrossRegions,
    ];

    pub fn next(self) -> Field {
        let at = Field::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Field::ORDER[(at + 1) % Field::ORDER.len()]
    }

    pub fn previous(self) -> Field {
        let at = Field::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Field::ORDER[(at + Field::ORDER.len() - 1) % Field::ORDER.len()]
    }

    /// Whether letters typed go into it: the bucket and the prefix are typed,
    /// the others are chosen.
    pub fn takes_typing(self) -> bool {
        matches!(self, Field::Bucket | Field::Prefix)
    }
}

/// The marked archives on their way to S3.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationDialog {
    pub vault: VaultKey,
    /// The snapshot the marks' positions belong to.
    pub snapshot: PathBuf,
    /// The marked positions when the dialog opened.
    pub positions: Vec<u32>,
    pub marked_bytes: u128,
    pub bucket: String,
    /// As typed; checked when the summary is asked for.
    pub prefix: String,
    pub storage_class: StorageClass,
    pub tier: Tier,
    /// A bucket in another region than the vault is taken: copying between
    /// regions is paid by the byte, so it is refused unless this is set.
    pub across_regions: bool,
    /// The field the keys act on.
    pub field: Field,
    pub stage: MigrationStage,
    /// Why the last summary was refused, with what fixes it, in one line.
    pub refusal: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MigrationStage {
    /// Filling in the fields.
    Choosing,
    /// The cache, Glacier and the bucket are being asked.
    Preparing(RequestId),
    /// The summary is shown: Enter journals the migration and starts it.
    Ready(Migrating),
}

/// A migration ready to be journaled, shared between the dialog and the
/// command that starts it, with the prices its storage cost was read from.
/// Two are equal only when they are the same preparation.
#[derive(Debug, Clone)]
pub struct Migrating {
    pub prepared: Arc<PreparedMigration>,
    pub storage_prices: Arc<StoragePriceTable>,
}

impl PartialEq for Migrating {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.prepared, &other.prepared)
    }
}

impl Migrating {
    /// How many keys already hold another archive's object: they would be
    /// overwritten, which the screen never does.
    pub fn conflicts(&self) -> usize {
        (self.prepared.in_bucket.iter())
            .filter(|held| **held == InBucket::Other)
            .count()
    }

    /// The first such key, to name in the refusal.
    pub fn first_conflict(&self) -> Option<&str> {
        let prepared = &self.prepared;
        let index = (prepared.in_bucket.iter()).position(|held| *held == InBucket::Other)?;
        prepared.keys.get(index).map(String::as_str)
    }
}

/// What preparing a migration is asked with.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationAsk {
    pub vault: VaultKey,
    pub snapshot: PathBuf,
    pub positions: Vec<u32>,
    pub bucket: String,
    pub prefix: String,
    pub storage_class: StorageClass,
    pub tier: Tier,
    pub across_regions: bool,
    pub prices: PriceTable,
}

/// Why the summary could not be made, in the screen's words, and the field
/// whose change fixes it (the dialog moves there), when one does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub text: String,
    pub field: Option<Field>,
}
