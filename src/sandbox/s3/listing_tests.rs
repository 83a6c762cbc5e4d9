use std::collections::BTreeMap;

use axum::http::Method;
use time::macros::datetime;

use super::*;
use crate::sandbox::s3::model::{ObjectHeaders, UploadedPart};
use crate::sandbox::s3::request::parse;
use crate::sandbox::s3::xml::{Element, parse as parse_xml};

fn headers() -> ObjectHeaders {
    ObjectHeaders {
        storage_class: "DEEP_ARCHIVE".into(),
        metadata: BTreeMap::new(),
        content_type: None,
    }
}

fn upload(key: &str, sequence: u64, parts: u32) -> Upload {
    Upload {
        key: key.into(),
        initiated: datetime!(2024-01-01 0:00 UTC),
        sequence,
        checksum_algorithm: Some("SHA256".into()),
        headers: headers(),
        parts: (1..=parts)
            .map(|number| {
                let part = UploadedPart {
                    size: u64::from(number),
                    etag: format!("\"e{number}\""),
                    sha256: [number as u8; 32],
                    last_modified: datetime!(2024-01-01 0:00 UTC),
                };
                (number, part)
            })
            .collect(),
    }
}

fn request(target: &str) -> S3Request {
    let (path, query) = target.split_once('?').unwrap();
    parse(&Method::GET, path, Some(query)).unwrap()
}

fn texts<'a>(root: &'a Element, item: &'a str, field: &'a str) -> Vec<&'a str> {
    root.children(item)
        .filter_map(|element| element.child_text(field))
        .collect()
}

#[test]
fn parts_are_paged_by_marker_with_their_checksums() {
    let upload = upload("k", 1, 5);
    let first =
        parse_xml(&list_parts(&request("/b/k?uploadId=U&max-parts=2"), &upload).unwrap()).unwrap();
    assert_eq!(first.name, "ListPartsResult");
    assert_eq!(texts(&first, "Part", "PartNumber"), ["1", "2"]);
    assert_eq!(first.child_text("IsTruncated"), Some("true"));
    assert_eq!(first.child_text("NextPartNumberMarker"), Some("2"));
    assert_eq!(
        texts(&first, "Part", "ChecksumSHA256")[0],
        base64_sha256(&[1; 32])
    );
    let last = parse_xml(
        &list_parts(
            &request("/b/k?uploadId=U&max-parts=2&part-number-marker=4"),
            &upload,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(texts(&last, "Part", "PartNumber"), ["5"]);
    assert_eq!(last.child_text("IsTruncated"), Some("false"));
    let bad = list_parts(&request("/b/k?uploadId=U&max-parts=x"), &upload).unwrap_err();
    assert_eq!(bad.code, "InvalidArgument");
}

#[test]
fn uploads_are_listed_by_prefix_key_and_age_and_paged() {
    let mut bucket = Bucket::empty("b", "us-east-1", datetime!(2024-01-01 0:00 UTC));
    for (id, key, sequence) in [
        ("u3", "p/b", 3),
        ("u1", "p/a", 5),
        ("u2", "p/a", 4),
        ("u9", "q", 1),
    ] {
        bucket.uploads.insert(id.into(), upload(key, sequence, 0));
    }
    let page = |query: &str| {
        parse_xml(&list_uploads(&request(&format!("/b?uploads&{query}")), &bucket).unwrap())
            .unwrap()
    };
    let all = page("prefix=p%2F");
    assert_eq!(texts(&all, "Upload", "UploadId"), ["u2", "u1", "u3"]);
    assert_eq!(texts(&all, "Upload", "StorageClass"), ["DEEP_ARCHIVE"; 3]);
    let first = page("prefix=p/&max-uploads=1");
    assert_eq!(texts(&first, "Upload", "UploadId"), ["u2"]);
    assert_eq!(first.child_text("IsTruncated"), Some("true"));
    assert_eq!(first.child_text("NextKeyMarker"), Some("p/a"));
    let second = page("prefix=p/&max-uploads=1&key-marker=p/a&upload-id-marker=u2");
    assert_eq!(texts(&second, "Upload", "UploadId"), ["u1"]);
    let later_keys = page("key-marker=p/a");
    assert_eq!(texts(&later_keys, "Upload", "UploadId"), ["u3", "u9"]);
    assert_eq!(later_keys.child_text("IsTruncated"), Some("false"));
}

#[test]
fn keys_are_url_encoded_when_asked() {
    let mut bucket = Bucket::empty("b", "us-east-1", datetime!(2024-01-01 0:00 UTC));
    bucket.uploads.insert("u".into(), upload("a\u{1}b c", 1, 0));
    let listed =
        parse_xml(&list_uploads(&request("/b?uploads&encoding-type=url"), &bucket).unwrap())
            .unwrap();
    assert_eq!(texts(&listed, "Upload", "Key"), ["a%01b%20c"]);
    let plain = list_uploads(&request("/b?uploads"), &bucket).unwrap();
    assert!(plain.contains("<Key>a&#x1;b c</Key>"), "{plain}");
}
