//! mt-aws-glacier: `mt2 <base64url of {"filename", "mtime"}>`, the older `mt1`
//! whose JSON is UTF-8 encoded twice, and `mtijob1` on its inventory jobs.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::compact_time::parse_compact_utc;
use super::flat_json::{Flat, for_each_member};
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
    // Most descriptions are not mt-aws-glacier's: the marker tells at once.
    let start = description.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if !start.starts_with("mt") {
        return None;
    }
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
    let (name, modified) = match common_file_meta(json) {
        Some((filename, mtime)) => (filename.to_owned(), mtime.and_then(parse_compact_utc)),
        None => {
            let meta: FileMeta = serde_json::from_slice(json).ok()?;
            let modified = meta.mtime.as_deref().and_then(parse_compact_utc);
            (meta.filename, modified)
        }
    };
    Some(Found {
        format,
        name: Some(name),
        modified,
        folder: false,
    })
}

/// `filename` and `mtime` read as [`FileMeta`] reads them, without serde_json when
/// the JSON takes the common form (both strings, no other keys); `None` leaves
/// the JSON to serde_json.
fn common_file_meta(json: &[u8]) -> Option<(&str, Option<&str>)> {
    let (mut filename, mut mtime) = (None, None);
    for_each_member(json, |key, value| {
        let slot = match key {
            "filename" => &mut filename,
            "mtime" => &mut mtime,
            _ => return None,
        };
        let Flat::Text(text) = value else {
            return None;
        };
        // A repeated key is an error to serde_json.
        slot.replace(text).is_none().then_some(())
    })?;
    Some((filename?, mtime))
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
    use serde_json::json;

    use super::*;

    #[test]
    fn padding_is_optional() {
        assert_eq!(BASE64URL.decode("YQ").unwrap(), b"a");
        assert_eq!(BASE64URL.decode("YQ==").unwrap(), b"a");
    }

    /// The fast reading against serde_json's, on JSON in the common form and
    /// around it.
    fn agrees(json: &str) -> bool {
        let Some((filename, mtime)) = common_file_meta(json.as_bytes()) else {
            return false;
        };
        let meta: FileMeta = serde_json::from_str(json).unwrap();
        assert_eq!(
            (filename, mtime),
            (meta.filename.as_str(), meta.mtime.as_deref())
        );
        true
    }

    #[test]
    fn common_meta_reads_as_serde_reads_it() {
        for json in [
            r#"{"filename":"a/b c.txt","mtime":"20130101T000000Z"}"#,
            r#" { "mtime" : "x" , "filename" : "фото" } "#,
            r#"{"filename":""}"#,
        ] {
            assert!(agrees(json), "{json}");
        }
        for json in [
            r#"{"filename":"caf\u00e9"}"#,
            r#"{"filename":"a","mtime":null}"#,
            r#"{"filename":"a","extra":1}"#,
            r#"{"filename":"a","filename":"b"}"#,
            r#"{"mtime":"x"}"#,
            r#"{"filename":1}"#,
        ] {
            assert!(!agrees(json), "{json}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_meta_reads_alike(
            filename in proptest::prelude::any::<String>(),
            mtime in proptest::option::of("[0-9TZ]{0,16}"),
            gap in "[ \\t\\n]{0,2}",
        ) {
            let mtime = mtime.map_or(String::new(), |mtime| format!(",{gap}\"mtime\":{}", json!(mtime)));
            let json = format!("{{{gap}\"filename\"{gap}:{gap}{}{gap}{mtime}}}", json!(filename));
            // serde_json escapes exactly these, and escapes go the general way.
            let plain = !filename.chars().any(|c| c < ' ' || c == '"' || c == '\\');
            proptest::prop_assert_eq!(agrees(&json), plain);
        }
    }

    #[test]
    fn double_encoding_is_undone() {
        let once = "é".as_bytes();
        let twice: String = once.iter().map(|&b| char::from(b)).collect();
        assert_eq!(undo_double_encoding(twice.as_bytes()).unwrap(), once);
        assert_eq!(undo_double_encoding("€".as_bytes()), None);
    }
}
