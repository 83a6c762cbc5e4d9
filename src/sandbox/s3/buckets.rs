//! Buckets: S3's naming rule, creating one (from a seed or CreateBucket), and
//! the region rule: a request signed for another region than its bucket's is
//! refused with the bucket's region named, as S3 does.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode};
use time::OffsetDateTime;

use super::error::{S3Failure, S3Result};
use super::model::Bucket;
use super::request::Operation;

/// Where a bucket made without a location constraint lives, as on AWS.
pub const DEFAULT_REGION: &str = "us-east-1";

/// S3's rule for general purpose buckets: 3 to 63 of `a-z 0-9 . -`, starting
/// and ending with a letter or digit, no `..`, not shaped like an IP address.
pub fn validate_bucket_name(name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ip_like =
        name.split('.').count() == 4 && name.split('.').all(|octet| octet.parse::<u8>().is_ok());
    if !(3..=63).contains(&name.len())
        || !name.chars().all(allowed)
        || !edge(name.chars().next())
        || !edge(name.chars().last())
        || name.contains("..")
        || ip_like
    {
        return Err(format!(
            "{name:?} is not a valid bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// Whether a region name has AWS's shape (`us-east-1`), so it can go in a header.
pub fn validate_region(region: &str) -> Result<(), String> {
    let shaped = !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if shaped {
        Ok(())
    } else {
        Err(format!("{region:?} is not a region name such as us-east-1"))
    }
}

/// Adds a bucket unless one of that name exists; says whether it was added.
pub fn add_bucket(
    buckets: &mut BTreeMap<String, Bucket>,
    name: &str,
    region: &str,
    now: OffsetDateTime,
) -> bool {
    if buckets.contains_key(name) {
        return false;
    }
    buckets.insert(name.to_owned(), Bucket::empty(name, region, now));
    true
}

/// The region a request is signed for (SigV4's credential scope), if signed.
pub fn signed_region(headers: &HeaderMap) -> Option<String> {
    let authorization = headers.get("authorization")?.to_str().ok()?;
    let credential = authorization
        .split(|c: char| c == ',' || c.is_whitespace())
        .find_map(|part| part.strip_prefix("Credential="))?;
    // ACCESS-KEY/DATE/REGION/SERVICE/aws4_request
    credential.split('/').nth(2).map(str::to_owned)
}

/// S3's answer to a request for a bucket in another region than the one the
/// request is signed for: HeadBucket a bare 301, others a 400 naming the
/// region; both with `x-amz-bucket-region`.
pub fn check_region(headers: &HeaderMap, bucket: &Bucket, operation: Operation) -> S3Result<()> {
    let Some(signed) = signed_region(headers) else {
        return Ok(());
    };
    if signed == bucket.region {
        return Ok(());
    }
    let mut failure = if operation == Operation::HeadBucket {
        S3Failure::new(
            StatusCode::MOVED_PERMANENTLY,
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified endpoint.",
        )
    } else {
        S3Failure::new(
            StatusCode::BAD_REQUEST,
            "AuthorizationHeaderMalformed",
            format!(
                "The authorization header is malformed; the region '{signed}' is wrong; expecting '{}'",
                bucket.region
            ),
        )
        .with("Region", bucket.region.clone())
    };
    failure.bucket_region = Some(bucket.region.clone());
    Err(failure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use time::macros::datetime;

    #[test]
    fn bucket_names_follow_s3s_rule() {
        for good in ["abc", "vault-copy", "my.bucket.2", &"a".repeat(63)] {
            assert!(validate_bucket_name(good).is_ok(), "{good}");
        }
        for bad in [
            "b",
            "ab",
            "Upper",
            "-edge",
            "edge-",
            "a..b",
            "192.168.1.1",
            "under_score",
            &"a".repeat(64),
        ] {
            assert!(validate_bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_request_signed_for_another_region_names_the_buckets() {
        let bucket = Bucket::empty("b-eu", "eu-west-1", datetime!(2024-01-01 0:00 UTC));
        let mut headers = HeaderMap::new();
        assert!(check_region(&headers, &bucket, Operation::GetObject).is_ok());
        headers.insert(
            "authorization",
            HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
            ),
        );
        assert_eq!(signed_region(&headers).as_deref(), Some("us-east-1"));
        let head = check_region(&headers, &bucket, Operation::HeadBucket).unwrap_err();
        assert_eq!(head.status, StatusCode::MOVED_PERMANENTLY);
        assert_eq!(head.bucket_region.as_deref(), Some("eu-west-1"));
        let get = check_region(&headers, &bucket, Operation::GetObject).unwrap_err();
        assert_eq!(get.code, "AuthorizationHeaderMalformed");
        let home = Bucket::empty("b", "us-east-1", datetime!(2024-01-01 0:00 UTC));
        assert!(check_region(&headers, &home, Operation::GetObject).is_ok());
    }
}
