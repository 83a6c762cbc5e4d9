//! The pure rules of copying a vault to S3: the storage classes, the key of each
//! archive, the user's names file, the metadata each object carries and what
//! keeping the copy costs. No I/O and no clock reads, like the rest of `domain`.

mod keys;
mod metadata;
mod names_file;
pub mod parts;
mod prices;
#[cfg(test)]
mod props;
mod storage_class;

pub use keys::{
    KeyOrigin, KeyPrefix, KeyProblem, KeySource, MAX_KEY_BYTES, MAX_PREFIX_BYTES, NO_NAME_FOLDER,
    PlannedKey, PrefixError, check_key, plan_keys,
};
pub use metadata::{
    ARCHIVE_ID, ArchiveMetadata, CREATED, DESCRIPTION, DESCRIPTION_BYTES, MAX_USER_METADATA_BYTES,
    MetadataError, PercentDecodeError, StoredMetadata, TREE_HASH, metadata_bytes, percent_decode,
    percent_encode, read_user_metadata, recorded_tree_hash, user_metadata,
};
pub use names_file::{NameOverrides, NamesFileError, NamesProblem};
pub use prices::{
    ClassPrice, MigrationCost, StoragePriceError, StoragePriceTable, migration_cost, monthly_cost,
};
pub use storage_class::{StorageClass, UnknownStorageClass};
