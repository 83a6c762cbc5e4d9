//! The S3 storage classes a migration may write to, by the names S3's API and the
//! aws CLI use for them.

use std::fmt;
use std::str::FromStr;

/// Where a migrated object is kept, from the cheapest and slowest to read to the
/// dearest and quickest. Only the classes that suit a vault's contents are
/// offered: the one-zone, reduced-redundancy and tiering classes are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StorageClass {
    /// S3 Glacier Deep Archive: a restore of up to 48 hours before a read.
    DeepArchive,
    /// S3 Glacier Flexible Retrieval: a restore of minutes to hours before a read.
    Glacier,
    /// S3 Glacier Instant Retrieval: read at once, billed for 90 days at least.
    GlacierIr,
    /// S3 Standard-Infrequent Access: read at once, billed for 30 days at least.
    StandardIa,
    Standard,
}

impl StorageClass {
    pub const ALL: [StorageClass; 5] = [
        StorageClass::DeepArchive,
        StorageClass::Glacier,
        StorageClass::GlacierIr,
        StorageClass::StandardIa,
        StorageClass::Standard,
    ];

    /// The name S3 sends and expects (`x-amz-storage-class`).
    pub fn as_str(self) -> &'static str {
        match self {
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
            StorageClass::Glacier => "GLACIER",
            StorageClass::GlacierIr => "GLACIER_IR",
            StorageClass::StandardIa => "STANDARD_IA",
            StorageClass::Standard => "STANDARD",
        }
    }

    /// Whether an object of this class must be restored before it can be read:
    /// a check that reads it back has to wait for a restore.
    pub fn needs_restore_to_read(self) -> bool {
        matches!(self, StorageClass::DeepArchive | StorageClass::Glacier)
    }
}

impl fmt::Display for StorageClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A storage class defrost does not offer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{given}' is not a storage class a migration can write; choose one of DEEP_ARCHIVE, GLACIER, GLACIER_IR, STANDARD_IA or STANDARD"
)]
pub struct UnknownStorageClass {
    /// What was given, made printable.
    pub given: String,
}

impl FromStr for StorageClass {
    type Err = UnknownStorageClass;

    /// Takes S3's names in any case, with `-` for `_` as people often type them.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_uppercase().replace('-', "_");
        StorageClass::ALL
            .into_iter()
            .find(|class| class.as_str() == wanted)
            .ok_or_else(|| UnknownStorageClass {
                given: crate::text::printable(text),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_reads_back_from_its_name() {
        for class in StorageClass::ALL {
            assert_eq!(class.as_str().parse::<StorageClass>(), Ok(class));
            assert_eq!(class.to_string(), class.as_str());
        }
        assert_eq!("deep-archive".parse(), Ok(StorageClass::DeepArchive));
        assert_eq!(" glacier_ir ".parse(), Ok(StorageClass::GlacierIr));
    }

    #[test]
    fn an_unknown_class_names_the_allowed_ones() {
        let err = "ONEZONE_IA".parse::<StorageClass>().unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("'ONEZONE_IA' is not a storage class"));
        for class in StorageClass::ALL {
            assert!(message.contains(class.as_str()), "{message}");
        }
        let hostile = "x\u{1b}[2J".parse::<StorageClass>().unwrap_err();
        assert!(!hostile.to_string().contains('\u{1b}'));
    }

    #[test]
    fn only_the_archival_classes_need_a_restore() {
        let archival: Vec<_> = StorageClass::ALL
            .into_iter()
            .filter(|class| class.needs_restore_to_read())
            .collect();
        assert_eq!(archival, [StorageClass::DeepArchive, StorageClass::Glacier]);
    }
}
