//! S3's checksum of a multipart object made with SHA-256 parts: the SHA-256 of
//! the parts' digests one after another, in base64, with `-N` for N parts. It
//! tells whether an object is the one a given list of parts makes, which is
//! how a completion whose answer was lost is recognised afterwards.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

use super::api::CompletedPart;

/// The composite checksum the parts make (`BASE64-N`); `None` when a part
/// has no SHA-256 or one that is not 32 bytes of base64.
pub fn composite_sha256(parts: &[CompletedPart]) -> Option<String> {
    let mut hasher = Sha256::new();
    for part in parts {
        let digest = BASE64.decode(part.checksum_sha256.as_deref()?).ok()?;
        if digest.len() != 32 {
            return None;
        }
        hasher.update(&digest);
    }
    Some(format!(
        "{}-{}",
        BASE64.encode(hasher.finalize()),
        parts.len()
    ))
}

/// Whether `held`, an object's checksum as S3 reports it, is the one `parts`
/// make. Some S3-compatible servers leave out the `-N`; when it is there it
/// must count the parts.
pub fn is_completion_of(held: &str, parts: &[CompletedPart]) -> bool {
    let Some(expected) = composite_sha256(parts) else {
        return false;
    };
    let (sum, _) = expected.rsplit_once('-').unwrap_or((&expected, ""));
    match held.rsplit_once('-') {
        Some((held_sum, count)) => held_sum == sum && count == parts.len().to_string(),
        None => held == sum,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(number: u32, bytes: &[u8]) -> CompletedPart {
        CompletedPart {
            number,
            etag: format!("\"{number}\""),
            checksum_sha256: Some(BASE64.encode(Sha256::digest(bytes))),
        }
    }

    #[test]
    fn the_composite_is_the_sha256_of_the_part_digests_with_their_count() {
        let parts = [part(1, b"first"), part(2, b"second")];
        let mut joined = Sha256::digest(b"first").to_vec();
        joined.extend_from_slice(&Sha256::digest(b"second"));
        let expected = format!("{}-2", BASE64.encode(Sha256::digest(&joined)));
        assert_eq!(composite_sha256(&parts).as_deref(), Some(expected.as_str()));
        assert!(is_completion_of(&expected, &parts));
        // Without the count, as some servers write it.
        assert!(is_completion_of(expected.trim_end_matches("-2"), &parts));
    }

    #[test]
    fn other_parts_another_count_or_a_missing_digest_are_not_this_completion() {
        let parts = [part(1, b"first"), part(2, b"second")];
        let held = composite_sha256(&parts).unwrap();
        assert!(!is_completion_of(
            &held,
            &[part(1, b"first"), part(2, b"other")]
        ));
        assert!(!is_completion_of(&held.replace("-2", "-3"), &parts));
        let mut unsummed = parts.clone();
        unsummed[1].checksum_sha256 = None;
        assert!(!is_completion_of(&held, &unsummed));
        let single = composite_sha256(&parts[..1]).unwrap();
        assert!(!is_completion_of(&single, &parts));
    }
}
