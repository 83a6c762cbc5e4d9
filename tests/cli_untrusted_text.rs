//! Text from the endpoint and from inventories is shown the same way on every
//! output path: a bidirectional control or an invisible character is written as
//! its code point (`<U+202E>`) in tables, lines and error messages, and as a JSON
//! escape in JSON, so it can neither reorder nor hide what the terminal shows.
//! Glacier never allows such vault names or job ids, and the sandbox refuses
//! them too, so an endpoint made for these tests serves them.

mod cli_live;
mod common;
mod fake_endpoint;
mod one_line_error;
#[path = "cli_inventory/support.rs"]
#[allow(dead_code)]
mod support;

use axum::http::{Method, StatusCode};
use serde_json::json;

use cli_live::defrost;
use fake_endpoint::{Reply, serve};

const VAULT: &str = "cat\u{202e}gpj\u{200b}.exe";
const VAULT_SHOWN: &str = "cat<U+202E>gpj<U+200B>.exe";
const JOB: &str = "job\u{2066}42\u{feff}";
const JOB_SHOWN: &str = "job<U+2066>42<U+FEFF>";

/// Bidirectional controls and invisible characters.
fn hides_or_reorders(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'
            | '\u{feff}'
            | '\u{061c}'
    )
}

fn assert_shown_safely(bytes: &[u8], what: &str) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(
        !text
            .chars()
            .any(|c| hides_or_reorders(c) || (c.is_control() && c != '\n')),
        "{what}: {text:?}"
    );
    text
}

fn glacier_date(hours_ago: i64) -> String {
    let moment = time::OffsetDateTime::now_utc() - time::Duration::hours(hours_ago);
    moment
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// One vault named [`VAULT`] holding one finished job [`JOB`].
fn hostile(method: &Method, path: &str) -> Reply {
    match (method.as_str(), path) {
        ("GET", "/-/vaults") => Reply::ok(json!({
            "VaultList": [{
                "VaultName": VAULT,
                "VaultARN": format!("arn:aws:glacier:us-east-1:123456789012:vaults/{VAULT}"),
                "CreationDate": glacier_date(24 * 30),
                "LastInventoryDate": glacier_date(24),
                "NumberOfArchives": 1,
                "SizeInBytes": 1_048_576,
            }],
            "Marker": null,
        })),
        ("GET", path) if path == format!("/-/vaults/{VAULT}/jobs") => Reply::ok(json!({
            "JobList": [{
                "JobId": JOB,
                "Action": "ArchiveRetrieval",
                "ArchiveId": "archive\u{202e}id",
                "ArchiveSizeInBytes": 1_048_576,
                "Completed": true,
                "CompletionDate": glacier_date(1),
                "CreationDate": glacier_date(5),
                "StatusCode": "Succeeded",
                "StatusMessage": "Succeeded\u{202e}",
                "Tier": "Standard",
                "VaultARN": format!("arn:aws:glacier:us-east-1:123456789012:vaults/{VAULT}"),
            }],
            "Marker": null,
        })),
        _ => Reply::error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("nothing at {path}"),
        ),
    }
}

fn run(endpoint: &str, args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    defrost(&home, endpoint)
        .arg("--data-dir")
        .arg(data.path())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_vaults_table_shows_hidden_characters_by_code_point() {
    let endpoint = serve(hostile);
    let output = run(&endpoint.url, &["vaults"]);
    assert!(output.status.success(), "{output:?}");
    let table = assert_shown_safely(&output.stdout, "vaults");
    assert!(
        table.lines().nth(1).unwrap().starts_with(VAULT_SHOWN),
        "{table}"
    );
}

#[test]
fn vaults_as_json_escape_hidden_characters_and_read_back_exactly() {
    let endpoint = serve(hostile);
    let output = run(&endpoint.url, &["vaults", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let text = assert_shown_safely(&output.stdout, "vaults --json");
    assert!(text.contains("cat\\u202egpj\\u200b.exe"), "{text}");
    let vault: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(vault["name"], VAULT);
}

#[test]
fn the_jobs_table_shows_hidden_characters_by_code_point() {
    let endpoint = serve(hostile);
    let output = run(&endpoint.url, &["jobs"]);
    assert!(output.status.success(), "{output:?}");
    let table = assert_shown_safely(&output.stdout, "jobs");
    // The plan's row names the vault; the job's row beneath it, the job (its
    // id cut short) and where it came from.
    let plan = table.lines().nth(2).unwrap();
    assert!(plan.contains(VAULT_SHOWN), "{table}");
    let job = table.lines().nth(3).unwrap();
    let shown_start: String = JOB_SHOWN.chars().take(5).collect();
    assert!(job.contains(&shown_start), "{table}");
    assert!(job.contains("adopted"), "{table}");
    assert_shown_safely(&output.stderr, "jobs stderr");
}

#[test]
fn jobs_as_json_escape_hidden_characters_and_read_back_exactly() {
    let endpoint = serve(hostile);
    let output = run(&endpoint.url, &["jobs", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let text = assert_shown_safely(&output.stdout, "jobs --json");
    let job: serde_json::Value = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|line| line["record"] == "job")
        .unwrap();
    assert_eq!(job["vault"], VAULT);
    assert_eq!(job["job_id"], JOB);
    assert_eq!(job["archive_id"], "archive\u{202e}id");
}

fn refusing(_: &Method, _: &str) -> Reply {
    Reply::error(
        StatusCode::FORBIDDEN,
        "AccessDeniedException",
        "not allowed on vault\u{202e}gpj.exe\u{200b}",
    )
}

#[test]
fn an_error_carrying_the_servers_message_shows_hidden_characters_by_code_point() {
    let endpoint = serve(refusing);
    let output = run(&endpoint.url, &["vaults"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = assert_shown_safely(&output.stderr, "the error");
    one_line_error::assert_one_line_error(
        &["vaults"],
        &output.stdout,
        &stderr,
        &["vault<U+202E>gpj.exe<U+200B>"],
    );
}

#[test]
fn the_archives_table_shows_hidden_characters_in_names_by_code_point() {
    let cache = support::Cache::new();
    let archives = [support::Archive::new(
        1,
        "invoice\u{202e}gpj.exe\u{200b}",
        100,
    )];
    let file = cache.write(
        "inventory.json",
        support::inventory("evil", "2026-01-01T00:00:00Z", &archives),
    );
    let imported = cache.import(&file, "evil", &[]);
    assert_shown_safely(imported.as_bytes(), "the import line");
    let output = cache.run_ok(&["archives", "--vault", "evil"]);
    let table = assert_shown_safely(&output.stdout, "archives");
    assert!(
        table
            .trim_end()
            .ends_with("  invoice<U+202E>gpj.exe<U+200B>"),
        "{table}"
    );
    // JSON carries the description exactly, escaped, and the name as shown.
    let rows = cache.archives("evil", &[]);
    assert_eq!(rows[0]["description"], "invoice\u{202e}gpj.exe\u{200b}");
    assert_eq!(rows[0]["name"], "invoice<U+202E>gpj.exe<U+200B>");
}
