use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use time::macros::datetime;

use super::*;
use crate::sandbox::s3::checksum::etag;
use crate::sandbox::s3::model::{ObjectHeaders, UploadedPart};

fn digest(seed: u8) -> Sha256Digest {
    Sha256::digest([seed]).into()
}

fn upload(sizes: &[u64], algorithm: Option<&str>) -> Upload {
    let parts = sizes
        .iter()
        .enumerate()
        .map(|(index, &size)| {
            let number = index as u32 + 1;
            let sha256 = digest(number as u8);
            let part = UploadedPart {
                size,
                etag: etag(&sha256),
                sha256,
                last_modified: datetime!(2024-01-01 0:00 UTC),
            };
            (number, part)
        })
        .collect();
    Upload {
        key: "k".into(),
        initiated: datetime!(2024-01-01 0:00 UTC),
        sequence: 1,
        checksum_algorithm: algorithm.map(str::to_owned),
        headers: ObjectHeaders {
            storage_class: "STANDARD".into(),
            metadata: BTreeMap::new(),
            content_type: None,
        },
        parts,
    }
}

fn asked(upload: &Upload, numbers: &[u32]) -> Vec<AskedPart> {
    numbers
        .iter()
        .map(|number| {
            let part = &upload.parts[number];
            AskedPart {
                number: *number,
                etag: part.etag.trim_matches('"').to_owned(),
                checksum_sha256: Some(base64_sha256(&part.sha256)),
            }
        })
        .collect()
}

#[test]
fn named_parts_make_the_object_with_its_composite_checksum() {
    let upload = upload(&[MIN_PART_BYTES, MIN_PART_BYTES + 1, 10], Some("SHA256"));
    let done = check(&upload, &asked(&upload, &[1, 2, 3])).unwrap();
    assert_eq!(done.numbers, [1, 2, 3]);
    assert_eq!(done.size, 2 * MIN_PART_BYTES + 11);
    let digests = [digest(1), digest(2), digest(3)];
    assert_eq!(done.checksum_sha256, composite_sha256(&digests));
    assert!(done.checksum_sha256.ends_with("-3"));
    assert_eq!(done.etag, multipart_etag(&digests));
    // A part left out is dropped; what is left must still be in order.
    let two = check(&upload, &asked(&upload, &[1, 3])).unwrap();
    assert_eq!(two.size, MIN_PART_BYTES + 10);
}

#[test]
fn wrong_missing_unordered_and_short_parts_are_refused() {
    let upload = upload(&[MIN_PART_BYTES, 100, 10], Some("SHA256"));
    let code = |parts: &[AskedPart]| check(&upload, parts).unwrap_err().code;
    assert_eq!(code(&[]), "MalformedXML");
    assert_eq!(code(&asked(&upload, &[2, 1])), "InvalidPartOrder");
    assert_eq!(code(&asked(&upload, &[1, 1])), "InvalidPartOrder");
    assert_eq!(code(&asked(&upload, &[2, 3])), "EntityTooSmall");
    let mut absent = asked(&upload, &[1]);
    absent[0].number = 4;
    assert_eq!(code(&absent), "InvalidPart");
    let mut wrong_etag = asked(&upload, &[1, 2]);
    wrong_etag[1].etag = "\"0000\"".into();
    assert_eq!(code(&wrong_etag), "InvalidPart");
    let mut wrong_sum = asked(&upload, &[1, 2]);
    wrong_sum[1].checksum_sha256 = Some(base64_sha256(&digest(9)));
    assert_eq!(code(&wrong_sum), "InvalidPart");
    let mut no_sum = asked(&upload, &[1, 2]);
    no_sum[0].checksum_sha256 = None;
    assert_eq!(code(&no_sum), "InvalidRequest");
}

#[test]
fn an_upload_without_checksums_needs_none() {
    let upload = upload(&[MIN_PART_BYTES, 1], None);
    let mut parts = asked(&upload, &[1, 2]);
    for part in &mut parts {
        part.checksum_sha256 = None;
    }
    assert!(check(&upload, &parts).is_ok());
}

#[test]
fn the_request_body_is_read_in_its_order() {
    let body = "<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part><Part><ETag>a</ETag><PartNumber>1</PartNumber><ChecksumSHA256>x</ChecksumSHA256></Part></CompleteMultipartUpload>";
    let parts = read_request(body).unwrap();
    assert_eq!(
        parts,
        [
            AskedPart {
                number: 2,
                etag: "\"b\"".into(),
                checksum_sha256: None
            },
            AskedPart {
                number: 1,
                etag: "a".into(),
                checksum_sha256: Some("x".into())
            }
        ]
    );
    for bad in [
        "<Other/>",
        "<CompleteMultipartUpload><Part><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>",
        "not xml",
    ] {
        assert_eq!(read_request(bad).unwrap_err().code, "MalformedXML", "{bad}");
    }
}
