//! The checksums and ETags S3 gives objects and parts. A multipart object's
//! SHA-256 is AWS's composite: the SHA-256 of its parts' digests, with `-N`
//! for N parts. ETags have S3's shapes (`"32 hex"`, `"32 hex-N"`) but are made
//! from SHA-256 rather than MD5: clients treat them as opaque, as they must for
//! encrypted objects on AWS.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

pub type Sha256Digest = [u8; 32];

/// The part of a digest an ETag shows: as long as an MD5.
const ETAG_BYTES: usize = 16;

pub fn base64_sha256(digest: &Sha256Digest) -> String {
    BASE64.encode(digest)
}

/// A base64 SHA-256 as a client sends it; `None` when it is not one.
pub fn parse_base64_sha256(text: &str) -> Option<Sha256Digest> {
    BASE64.decode(text.trim()).ok()?.try_into().ok()
}

/// The ETag of a part, or of an object written whole.
pub fn etag(digest: &Sha256Digest) -> String {
    format!("\"{}\"", hex::encode(&digest[..ETAG_BYTES]))
}

/// The ETag of a multipart object: a digest of its parts' ETag digests, then
/// `-N`, as S3 shapes it.
pub fn multipart_etag(parts: &[Sha256Digest]) -> String {
    let mut joined = Sha256::new();
    for part in parts {
        joined.update(&part[..ETAG_BYTES]);
    }
    let digest: Sha256Digest = joined.finalize().into();
    format!("\"{}-{}\"", hex::encode(&digest[..ETAG_BYTES]), parts.len())
}

/// AWS's composite SHA-256 of a multipart object: base64 of the SHA-256 of the
/// parts' digests joined, then `-N`.
pub fn composite_sha256(parts: &[Sha256Digest]) -> String {
    let mut joined = Sha256::new();
    for part in parts {
        joined.update(part);
    }
    let digest: Sha256Digest = joined.finalize().into();
    format!("{}-{}", BASE64.encode(digest), parts.len())
}

/// Whether two ETags are the same, quoted or not (clients send both).
pub fn same_etag(a: &str, b: &str) -> bool {
    let bare = |etag: &str| etag.trim().trim_matches('"').to_owned();
    bare(a) == bare(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256(bytes: &[u8]) -> Sha256Digest {
        Sha256::digest(bytes).into()
    }

    #[test]
    fn the_composite_is_the_digest_of_the_part_digests_with_the_count() {
        // Worked by hand: SHA-256("a") and SHA-256("b") joined, hashed again.
        let parts = [sha256(b"a"), sha256(b"b")];
        let mut joined = Vec::new();
        joined.extend_from_slice(&parts[0]);
        joined.extend_from_slice(&parts[1]);
        let expected = format!("{}-2", BASE64.encode(sha256(&joined)));
        assert_eq!(composite_sha256(&parts), expected);
        // One part is still a composite: the digest of the digest, with -1.
        assert_eq!(
            composite_sha256(&parts[..1]),
            format!("{}-1", BASE64.encode(sha256(&parts[0])))
        );
        assert_ne!(composite_sha256(&parts[..1]), base64_sha256(&parts[0]));
    }

    #[test]
    fn etags_have_s3s_shapes() {
        let part = etag(&sha256(b"x"));
        assert_eq!(part.len(), 34);
        assert!(part.starts_with('"') && part.ends_with('"'));
        let whole = multipart_etag(&[sha256(b"x"), sha256(b"y"), sha256(b"z")]);
        assert!(whole.ends_with("-3\""), "{whole}");
        assert_eq!(whole.len(), 34 + 2);
        assert!(same_etag(&part, part.trim_matches('"')));
        assert!(!same_etag(&part, &etag(&sha256(b"y"))));
    }

    #[test]
    fn base64_digests_read_back_and_others_are_refused() {
        let digest = sha256(b"m");
        assert_eq!(parse_base64_sha256(&base64_sha256(&digest)), Some(digest));
        assert_eq!(parse_base64_sha256("not base64!"), None);
        assert_eq!(parse_base64_sha256(&BASE64.encode([1u8; 31])), None);
    }
}
