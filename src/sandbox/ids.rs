//! Archive, job and upload ids shaped like Glacier's: long, opaque, URL-safe.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Glacier's archive ids are 138 characters of `[A-Za-z0-9_-]`.
pub const ARCHIVE_ID_LEN: usize = 138;
/// Glacier's job ids are 92 characters of the same alphabet.
pub const JOB_ID_LEN: usize = 92;

/// A deterministic id of `len` characters drawn from `[A-Za-z0-9_-]`, derived from
/// `parts`. Distinct parts give distinct ids (SHA-256 output, expanded as needed).
pub fn opaque_id(len: usize, parts: &[&[u8]]) -> String {
    let mut text = String::with_capacity(len + 43);
    let mut block: u32 = 0;
    while text.len() < len {
        let mut hasher = Sha256::new();
        hasher.update(block.to_be_bytes());
        for part in parts {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        text.push_str(&URL_SAFE_NO_PAD.encode(hasher.finalize()));
        block += 1;
    }
    text.truncate(len);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_glacier_shape_and_differ() {
        let a = opaque_id(ARCHIVE_ID_LEN, &[b"vault", b"1"]);
        let b = opaque_id(ARCHIVE_ID_LEN, &[b"vault", b"2"]);
        assert_eq!(a.len(), 138);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(opaque_id(JOB_ID_LEN, &[b"x"]).len(), 92);
        // Part boundaries matter: ("ab","c") is not ("a","bc").
        assert_ne!(opaque_id(20, &[b"ab", b"c"]), opaque_id(20, &[b"a", b"bc"]));
    }
}
