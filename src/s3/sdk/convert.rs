//! Between SDK shapes and defrost's. Keys, ETags, checksums and upload ids are
//! kept exactly as S3 sent them, since they go back to it in later requests.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::types::{MultipartUpload, Part, StorageClass as SdkStorageClass};
use time::OffsetDateTime;

use crate::domain::migrate::StorageClass;
use crate::s3::S3Error;
use crate::s3::api::{ObjectFacts, PartFacts, UploadFacts};

pub fn storage_class(class: StorageClass) -> SdkStorageClass {
    match class {
        StorageClass::DeepArchive => SdkStorageClass::DeepArchive,
        StorageClass::Glacier => SdkStorageClass::Glacier,
        StorageClass::GlacierIr => SdkStorageClass::GlacierIr,
        StorageClass::StandardIa => SdkStorageClass::StandardIa,
        StorageClass::Standard => SdkStorageClass::Standard,
    }
}

pub fn object_facts(head: &HeadObjectOutput) -> ObjectFacts {
    ObjectFacts {
        size: head.content_length().and_then(non_negative).unwrap_or(0),
        metadata: sorted(head.metadata()),
        storage_class: head.storage_class().map(|class| class.as_str().to_owned()),
        etag: head.e_tag().map(str::to_owned),
        checksum_sha256: head.checksum_sha256().map(str::to_owned),
    }
}

pub fn part_facts(part: &Part) -> Result<PartFacts, S3Error> {
    let number = part
        .part_number()
        .and_then(|number| u32::try_from(number).ok())
        .ok_or_else(|| malformed("ListParts listed a part without a part number"))?;
    let etag = part
        .e_tag()
        .ok_or_else(|| malformed("ListParts listed a part without an ETag"))?;
    Ok(PartFacts {
        number,
        size: part.size().and_then(non_negative).unwrap_or(0),
        etag: etag.to_owned(),
        checksum_sha256: part.checksum_sha256().map(str::to_owned),
    })
}

pub fn upload_facts(upload: &MultipartUpload) -> Result<UploadFacts, S3Error> {
    let (Some(key), Some(upload_id)) = (upload.key(), upload.upload_id()) else {
        return Err(malformed(
            "ListMultipartUploads listed an upload without its key or id",
        ));
    };
    Ok(UploadFacts {
        key: key.to_owned(),
        upload_id: upload_id.to_owned(),
        initiated: upload
            .initiated()
            .and_then(|at| OffsetDateTime::from_unix_timestamp(at.secs()).ok()),
        storage_class: upload
            .storage_class()
            .map(|class| class.as_str().to_owned()),
    })
}

pub fn malformed(detail: &str) -> S3Error {
    S3Error::Malformed {
        detail: detail.to_owned(),
    }
}

fn non_negative(value: i64) -> Option<u64> {
    u64::try_from(value).ok()
}

fn sorted(metadata: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    metadata
        .map(|entries| {
            entries
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The next page's marker, when the page says there is one: a server that says
/// "truncated" without a marker would otherwise be asked for the same page
/// for ever.
pub fn next_marker(truncated: Option<bool>, marker: Option<&str>) -> Option<String> {
    match (truncated, marker) {
        (Some(true), Some(marker)) if !marker.is_empty() => Some(marker.to_owned()),
        _ => None,
    }
}
