use super::{ARCHIVE_ID, TOPIC, archive_request, chunks, inventory_request};
use crate::domain::job_params::{
    AwsCliOptions, FIELD_ORDER, INVENTORY_FIELD_ORDER, JobParams, JobRequest, ParamsError, validate,
};
use crate::domain::range::MIB;

fn full_archive() -> JobParams {
    let request = JobRequest {
        range: Some(chunks(2, 3)),
        tier: Some("Bulk".into()),
        description: Some("restore 2019 photos".into()),
        sns_topic: Some(TOPIC.into()),
        ..archive_request()
    };
    validate(&request, Some(10 * MIB)).unwrap()
}

fn full_inventory() -> JobParams {
    let request = JobRequest {
        format: Some("csv".into()),
        start_date: Some("2024-01-01".into()),
        end_date: Some("2024-02-01T00:00:00Z".into()),
        limit: Some("1000".into()),
        marker: Some("next-page".into()),
        description: Some("audit".into()),
        sns_topic: Some(TOPIC.into()),
        ..inventory_request()
    };
    validate(&request, None).unwrap()
}

fn keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .map(|object| object.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// True when `keys` appear in the same relative order as in `order`.
fn follows(keys: &[&str], order: &[&str]) -> bool {
    let positions: Vec<usize> = keys
        .iter()
        .map(|key| order.iter().position(|o| o == key).unwrap_or(usize::MAX))
        .collect();
    positions.windows(2).all(|pair| pair[0] < pair[1]) && !positions.contains(&usize::MAX)
}

#[test]
fn archive_json_is_glacier_shaped_and_pretty() {
    let expected = format!(
        r#"{{
  "Type": "archive-retrieval",
  "ArchiveId": "{ARCHIVE_ID}",
  "Description": "restore 2019 photos",
  "SNSTopic": "{TOPIC}",
  "RetrievalByteRange": "2097152-4194303",
  "Tier": "Bulk"
}}"#
    );
    assert_eq!(full_archive().to_json_pretty(), expected);
}

#[test]
fn inventory_json_nests_filters_and_writes_limit_as_a_string() {
    let expected = format!(
        r#"{{
  "Type": "inventory-retrieval",
  "Description": "audit",
  "SNSTopic": "{TOPIC}",
  "Format": "CSV",
  "InventoryRetrievalParameters": {{
    "StartDate": "2024-01-01T00:00:00Z",
    "EndDate": "2024-02-01T00:00:00Z",
    "Limit": "1000",
    "Marker": "next-page"
  }}
}}"#
    );
    assert_eq!(full_inventory().to_json_pretty(), expected);
}

#[test]
fn absent_fields_are_left_out() {
    let archive = validate(&archive_request(), None).unwrap();
    assert_eq!(
        archive.to_json_compact(),
        format!(r#"{{"Type":"archive-retrieval","ArchiveId":"{ARCHIVE_ID}"}}"#)
    );
    let inventory = validate(&inventory_request(), None).unwrap();
    assert_eq!(
        inventory.to_json_compact(),
        r#"{"Type":"inventory-retrieval"}"#
    );
    let only_limit = JobRequest {
        limit: Some("7".into()),
        ..inventory_request()
    };
    assert_eq!(
        validate(&only_limit, None).unwrap().to_json_compact(),
        r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Limit":"7"}}"#
    );
}

#[test]
fn fields_follow_the_documented_order() {
    for params in [full_archive(), full_inventory()] {
        let value = params.to_json_value();
        assert!(follows(&keys(&value), &FIELD_ORDER), "{value}");
    }
    let value = full_inventory().to_json_value();
    let filters = &value["InventoryRetrievalParameters"];
    assert_eq!(keys(filters), INVENTORY_FIELD_ORDER);
}

#[test]
fn compact_form_is_one_line_with_the_same_content() {
    for params in [full_archive(), full_inventory()] {
        let compact = params.to_json_compact();
        assert!(!compact.contains('\n'));
        assert!(!compact.contains(": "));
        let reparsed: serde_json::Value = serde_json::from_str(&compact).unwrap();
        assert_eq!(reparsed, params.to_json_value());
        assert_eq!(serde_json::to_value(&params).unwrap(), reparsed);
    }
}

#[test]
fn aws_cli_line_without_global_options() {
    let params = validate(&archive_request(), None).unwrap();
    let line = params
        .aws_cli_command("photos", &AwsCliOptions::default())
        .unwrap();
    assert_eq!(
        line,
        format!(
            r#"aws glacier initiate-job --account-id - --vault-name photos --job-parameters '{{"Type":"archive-retrieval","ArchiveId":"{ARCHIVE_ID}"}}'"#
        )
    );
}

#[test]
fn aws_cli_line_quotes_every_argument_for_the_shell() {
    let request = JobRequest {
        description: Some(r#"Bob's "old" photos $HOME `id` \n"#.into()),
        ..archive_request()
    };
    let params = validate(&request, None).unwrap();
    let options = AwsCliOptions {
        profile: Some("o'brien $work".into()),
        region: Some("eu-west-1".into()),
        endpoint_url: Some("http://127.0.0.1:9000/a b".into()),
    };
    let line = params.aws_cli_command("photos.2019", &options).unwrap();
    let words = shlex::split(&line).unwrap();
    let json = params.to_json_compact();
    let expected = [
        "aws",
        "glacier",
        "initiate-job",
        "--account-id",
        "-",
        "--vault-name",
        "photos.2019",
        "--job-parameters",
        json.as_str(),
        "--profile",
        "o'brien $work",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        "http://127.0.0.1:9000/a b",
    ];
    assert_eq!(words, expected);
}

#[test]
fn aws_cli_line_refuses_bad_vault_names_and_nul() {
    let params = validate(&inventory_request(), None).unwrap();
    assert_eq!(
        params.aws_cli_command("my vault", &AwsCliOptions::default()),
        Err(ParamsError::VaultNameCharacter {
            found: ' ',
            position: 3
        })
    );
    let options = AwsCliOptions {
        profile: Some("a\0b".into()),
        ..AwsCliOptions::default()
    };
    let err = params.aws_cli_command("v", &options).unwrap_err();
    assert_eq!(
        err,
        ParamsError::Unquotable {
            what: "profile name"
        }
    );
    assert!(
        err.to_string()
            .starts_with("the profile name holds a NUL character")
    );
}
