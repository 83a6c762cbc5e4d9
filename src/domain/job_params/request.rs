//! What a user asks for, before it is checked: from command-line flags or from a
//! hand-written job-parameters JSON file in Glacier's own shape.

use serde::{Deserialize, Deserializer};

use super::{JobKind, ParamsError};
use crate::domain::range::ByteRange;

/// Job parameters as given, every field optional and unchecked; [`super::validate`]
/// decides whether Glacier would take them. Text fields hold what was typed, so
/// that a refusal can quote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobRequest {
    pub kind: Option<JobKind>,
    pub archive_id: Option<String>,
    pub range: Option<ByteRange>,
    pub tier: Option<String>,
    pub description: Option<String>,
    pub sns_topic: Option<String>,
    pub format: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub limit: Option<String>,
    pub marker: Option<String>,
}

impl JobRequest {
    /// Reads the object that `aws glacier initiate-job --job-parameters` takes.
    /// Unknown fields are refused, so a misspelt name does not silently vanish.
    pub fn from_json(text: &str) -> Result<Self, ParamsError> {
        let wire: WireRequest = serde_json::from_str(text).map_err(|err| ParamsError::Json {
            message: err.to_string(),
        })?;
        let filters = wire.inventory_retrieval_parameters.unwrap_or_default();
        Ok(Self {
            kind: wire.kind,
            archive_id: wire.archive_id,
            range: wire.retrieval_byte_range,
            tier: wire.tier,
            description: wire.description,
            sns_topic: wire.sns_topic,
            format: wire.format,
            start_date: filters.start_date,
            end_date: filters.end_date,
            limit: filters.limit,
            marker: filters.marker,
        })
    }
}

/// Glacier's request body, field for field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct WireRequest {
    #[serde(rename = "Type")]
    kind: Option<JobKind>,
    archive_id: Option<String>,
    description: Option<String>,
    #[serde(rename = "SNSTopic")]
    sns_topic: Option<String>,
    #[serde(default, deserialize_with = "glacier_range")]
    retrieval_byte_range: Option<ByteRange>,
    tier: Option<String>,
    format: Option<String>,
    inventory_retrieval_parameters: Option<WireInventoryFilters>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct WireInventoryFilters {
    start_date: Option<String>,
    end_date: Option<String>,
    #[serde(default, deserialize_with = "limit_as_text")]
    limit: Option<String>,
    marker: Option<String>,
}

/// `RetrievalByteRange` as Glacier writes it: `START-END` in plain decimal bytes.
/// Friendlier forms (`4MiB-8MiB`) belong to the command line, not to the wire.
fn glacier_range<'de, D: Deserializer<'de>>(input: D) -> Result<Option<ByteRange>, D::Error> {
    let Some(text) = Option::<String>::deserialize(input)? else {
        return Ok(None);
    };
    parse_glacier_range(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

pub(super) fn parse_glacier_range(text: &str) -> Result<ByteRange, String> {
    let plain_number = |part: &str| {
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u64>().ok())
            .flatten()
    };
    let bounds = text
        .split_once('-')
        .and_then(|(start, end)| Some((plain_number(start)?, plain_number(end)?)));
    let Some((start, end)) = bounds else {
        return Err(format!(
            "RetrievalByteRange `{text}` is not START-END in bytes, like 0-1048575"
        ));
    };
    ByteRange::new(start, end).map_err(|err| format!("RetrievalByteRange: {err}"))
}

/// Glacier wants `Limit` as a string holding a number; a bare JSON number is a
/// common slip, so it gets its own explanation.
fn limit_as_text<'de, D: Deserializer<'de>>(input: D) -> Result<Option<String>, D::Error> {
    match Option::<serde_json::Value>::deserialize(input)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(text)),
        Some(serde_json::Value::Number(number)) => Err(serde::de::Error::custom(format!(
            "Limit must be a JSON string, \"{number}\", not the bare number {number}"
        ))),
        Some(_) => Err(serde::de::Error::custom(
            "Limit must be a JSON string holding a whole number, like \"1000\"",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_archive_job_in_glacier_shape() {
        let request = JobRequest::from_json(
            r#"{"Type":"archive-retrieval","ArchiveId":"abc","Description":"d",
                "SNSTopic":"arn:aws:sns:us-east-1:123456789012:t",
                "RetrievalByteRange":"0-1048575","Tier":"Bulk"}"#,
        )
        .unwrap();
        assert_eq!(
            request,
            JobRequest {
                kind: Some(JobKind::ArchiveRetrieval),
                archive_id: Some("abc".into()),
                range: Some(ByteRange::new(0, 1048575).unwrap()),
                tier: Some("Bulk".into()),
                description: Some("d".into()),
                sns_topic: Some("arn:aws:sns:us-east-1:123456789012:t".into()),
                ..JobRequest::default()
            }
        );
    }

    #[test]
    fn reads_inventory_filters_from_their_nested_object() {
        let request = JobRequest::from_json(
            r#"{"Type":"inventory-retrieval","Format":"CSV",
                "InventoryRetrievalParameters":{"StartDate":"2024-01-01T00:00:00Z",
                "EndDate":"2024-02-01T00:00:00Z","Limit":"100","Marker":"m"}}"#,
        )
        .unwrap();
        assert_eq!(request.kind, Some(JobKind::InventoryRetrieval));
        assert_eq!(request.format.as_deref(), Some("CSV"));
        assert_eq!(request.start_date.as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(request.end_date.as_deref(), Some("2024-02-01T00:00:00Z"));
        assert_eq!(request.limit.as_deref(), Some("100"));
        assert_eq!(request.marker.as_deref(), Some("m"));
    }

    #[test]
    fn nulls_mean_absent() {
        let request = JobRequest::from_json(
            r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Limit":null},"RetrievalByteRange":null}"#,
        )
        .unwrap();
        assert_eq!(request.limit, None);
        assert_eq!(request.range, None);
    }

    fn json_error(text: &str) -> String {
        match JobRequest::from_json(text) {
            Err(ParamsError::Json { message }) => message,
            other => panic!("expected a JSON error for {text}, got {other:?}"),
        }
    }

    #[test]
    fn misspelt_and_unsupported_fields_are_refused() {
        assert!(json_error(r#"{"Descripton":"x"}"#).contains("unknown field `Descripton`"));
        assert!(json_error(r#"{"Type":"select"}"#).contains("unknown variant `select`"));
        assert!(
            json_error(r#"{"InventoryRetrievalParameters":{"Limt":"1"}}"#)
                .contains("unknown field `Limt`")
        );
        assert!(json_error("[]").contains("expected struct"));
        assert!(json_error("{").contains("EOF"));
    }

    #[test]
    fn limit_as_a_bare_number_is_explained() {
        let message = json_error(r#"{"InventoryRetrievalParameters":{"Limit":100}}"#);
        assert!(
            message.contains(r#"a JSON string, "100", not the bare number 100"#),
            "{message}"
        );
        let message = json_error(r#"{"InventoryRetrievalParameters":{"Limit":true}}"#);
        assert!(message.contains(r#"like "1000""#), "{message}");
    }

    #[test]
    fn byte_range_must_be_glacier_form() {
        assert_eq!(
            parse_glacier_range("1048576-2097151"),
            Ok(ByteRange::new(1048576, 2097151).unwrap())
        );
        for text in [
            "",
            "0",
            "0-",
            "-5",
            "1MiB-2MiB",
            "+0-5",
            "0 - 5",
            "a-b",
            "0-99999999999999999999",
        ] {
            assert!(parse_glacier_range(text).is_err(), "{text:?}");
        }
        let message = parse_glacier_range("9-3").unwrap_err();
        assert!(message.contains("before its start"), "{message}");
        let message = json_error(r#"{"RetrievalByteRange":"1MiB-2MiB"}"#);
        assert!(message.contains("like 0-1048575"), "{message}");
    }
}
