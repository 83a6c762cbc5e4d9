//! JSON descriptions: CloudBerry's `{"Path": UTF-7, "UTCDateModified", "Flags"}` and
//! older QNAP's `{"path", "type"}`.

use serde::Deserialize;
use serde_json::Value;

use super::compact_time::parse_compact_utc;
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
