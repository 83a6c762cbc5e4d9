//! JSON descriptions: CloudBerry's `{"Path": UTF-7, "UTCDateModified", "Flags"}` and
//! older QNAP's `{"path", "type"}`.

use serde::Deserialize;
use serde_json::Value;

use super::compact_time::parse_compact_utc;
use super::flat_json::{Flat, for_each_member};
use super::utf7::decode_utf7;
use super::{Format, Found};

#[derive(Deserialize)]
struct JsonDescription {
    #[serde(rename = "Path")]
    cloudberry_path: Option<String>,
    #[serde(rename = "UTCDateModified")]
    modified: Option<Value>,
    path: Option<String>,
    #[serde(rename = "type")]
    kind: Option<Value>,
}

pub(super) fn decode(description: &str) -> Option<Found> {
    if !description.trim_start().starts_with('{') {
        return None;
    }
    if let Some((path, modified)) = common_cloudberry(description) {
        return Some(Found {
            format: Format::CloudBerry,
            name: Some(decode_utf7(path)?),
            modified: modified.and_then(parse_compact_utc),
            folder: false,
        });
    }
    let json: JsonDescription = serde_json::from_str(description).ok()?;
    if let Some(path) = json.cloudberry_path {
        let modified = match &json.modified {
            Some(Value::String(text)) => parse_compact_utc(text),
            _ => None,
        };
        return Some(Found {
            format: Format::CloudBerry,
            name: Some(decode_utf7(&path)?),
            modified,
            folder: false,
        });
    }
    let path = json.path?;
    let folder = matches!(
        &json.kind,
        Some(Value::String(kind)) if ["folder", "dir", "directory"].iter().any(|k| kind.eq_ignore_ascii_case(k))
    );
    Some(Found {
        format: Format::Qnap,
        name: Some(path),
        modified: None,
        folder,
    })
}

/// CloudBerry's `Path` and `UTCDateModified` read as [`JsonDescription`] reads
/// them, without serde_json when the JSON takes the common form: both strings, and
/// neither QNAP key. `None` leaves the description to serde_json.
fn common_cloudberry(description: &str) -> Option<(&str, Option<&str>)> {
    let (mut path, mut modified) = (None, None);
    for_each_member(description.as_bytes(), |key, value| {
        let slot = match (key, value) {
            ("Path", Flat::Text(text)) => (&mut path, text),
            ("UTCDateModified", Flat::Text(text)) => (&mut modified, text),
            // Other keys are skipped, whatever their value, repeated or not.
            (key, _) if !matches!(key, "Path" | "UTCDateModified" | "path" | "type") => {
                return Some(());
            }
            _ => return None,
        };
        // A repeated key is an error to serde_json.
        slot.0.replace(slot.1).is_none().then_some(())
    })?;
    Some((path?, modified))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// The fast reading against serde_json's; true if the fast one answered.
    fn agrees(description: &str) -> bool {
        let Some((path, modified)) = common_cloudberry(description) else {
            return false;
        };
        let json: JsonDescription = serde_json::from_str(description).unwrap();
        let serde_modified = match &json.modified {
            Some(Value::String(text)) => Some(text.as_str()),
            _ => None,
        };
        assert_eq!(json.cloudberry_path.as_deref(), Some(path));
        assert_eq!(serde_modified, modified);
        true
    }

    #[test]
    fn common_descriptions_read_as_serde_reads_them() {
        for json in [
            r#"{"Path":"a/b c.txt","UTCDateModified":"20140814T014204Z","Flags":0}"#,
            r#" {"Flags":-3, "Flags":1, "Path":"+BEQ-.jpg"}"#,
            r#"{"Other":"x","Path":""}"#,
        ] {
            assert!(agrees(json), "{json}");
        }
        for json in [
            r#"{"Path":"a","Path":"b"}"#,
            r#"{"Path":"a","path":"b"}"#,
            r#"{"Path":"a","type":"folder"}"#,
            r#"{"Path":"a","UTCDateModified":5}"#,
            r#"{"Path":"a\\b"}"#,
            r#"{"Path":"a","Flags":0.5}"#,
            r#"{"UTCDateModified":"x"}"#,
        ] {
            assert!(!agrees(json), "{json}");
        }
    }

    proptest! {
        #[test]
        fn any_cloudberry_reads_alike(
            path in any::<String>(),
            modified in proptest::option::of("[0-9TZ]{0,16}"),
            flags in proptest::option::of(any::<i64>()),
            gap in "[ \\t\\n]{0,2}",
        ) {
            let modified = modified.map_or(String::new(), |m| format!(",{gap}\"UTCDateModified\":{}", json!(m)));
            let flags = flags.map_or(String::new(), |f| format!(",\"Flags\"{gap}:{gap}{f}"));
            let json = format!("{gap}{{\"Path\"{gap}:{}{modified}{flags}{gap}}}{gap}", json!(path));
            // serde_json escapes exactly these, and escapes go the general way.
            let plain = !path.chars().any(|c| c < ' ' || c == '"' || c == '\\');
            prop_assert_eq!(agrees(&json), plain);
        }
    }
}
