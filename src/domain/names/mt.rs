//! mt-aws-glacier: `mt2 <base64url of {"filename", "mtime"}>`, the older `mt1`
//! whose JSON is UTF-8 encoded twice, and `mtijob1` on its inventory jobs.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::compact_time::parse_compact_utc;
use super::{Format, Found};

/// URL-safe base64; mt-aws-glacier strips the padding, but a copy that kept it is
/// the same data.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

#[derive(Deserialize)]
struct FileMeta {
    filename: String,
    mtime: Option<String>,
}

/// Only the presence of `type` is checked, as mt-aws-glacier checks it.
#[derive(Deserialize)]
struct JobMeta {
    #[serde(rename = "type")]
    _kind: IgnoredAny,
}

/// A marker and one base64url word, split on whitespace as mt-aws-glacier splits.
pub(super) fn decode(description: &str) -> Option<Found> {
    let mut words = description.split_ascii_whitespace();
    let (marker, payload) = (words.next()?, words.next()?);
    if words.next().is_some() || !matches!(marker, "mt2" | "mt1" | "mtijob1") {
        return None;
    }
    let bytes = BASE64URL.decode(payload).ok()?;
    match marker {
        "mt2" => file(&bytes, Format::Mt2),
        "mt1" => file(&undo_double_encoding(&bytes)?, Format::Mt1),
        _ => {
            serde_json::from_slice::<JobMeta>(&bytes).ok()?;
            Some(Found::nameless(Format::MtInventoryJob))
        }
    }
}

fn file(json: &[u8], format: Format) -> Option<Found> {
    let meta: FileMeta = serde_json::from_slice(json).ok()?;
    Some(Found {
        format,
        name: Some(meta.filename),
        modified: meta.mtime.as_deref().and_then(parse_compact_utc),
        folder: false,
    })
}

/// mt1 took each byte of the UTF-8 JSON as a Latin-1 character and encoded that
/// to UTF-8 again; each character of the decoded text is one original byte.
fn undo_double_encoding(bytes: &[u8]) -> Option<Vec<u8>> {
    std::str::from_utf8(bytes)
        .ok()?
        .chars()
        .map(|c| u8::try_from(c).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_optional() {
        assert_eq!(BASE64URL.decode("YQ").unwrap(), b"a");
        assert_eq!(BASE64URL.decode("YQ==").unwrap(), b"a");
    }

    #[test]
    fn double_encoding_is_undone() {
        let once = "é".as_bytes();
        let twice: String = once.iter().map(|&b| char::from(b)).collect();
        assert_eq!(undo_double_encoding(twice.as_bytes()).unwrap(), once);
        assert_eq!(undo_double_encoding("€".as_bytes()), None);
    }
}
