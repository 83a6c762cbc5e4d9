//! Untrusted text in the plans and jobs `defrost jobs` lists comes out printable.
//! A bidirectional control or an invisible character in a vault name, a job id or
//! an archive id (served by an endpoint made for this, since Glacier and the
//! sandbox refuse them) is written by code point in the table and as a JSON
//! escape in `--json`, where it reads back exactly; an archive's name from an
//! inventory stays as the catalog shows it.

mod cli_live;
mod common;
mod fake_endpoint;
mod jobs_support;
mod plan_support;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use cli_live::defrost;
use fake_endpoint::{Reply, serve};
use jobs_support::{Listed, add_stored_archive, seed_vault, write_inventory};
use plan_support::{Setup, json_lines, random_bytes};

const VAULT: &str = "cat\u{202e}gpj\u{200b}.exe";
const VAULT_SHOWN: &str = "cat<U+202E>gpj<U+200B>.exe";
const JOB: &str = "job\u{2066}42\u{feff}";
const JOB_SHOWN: &str = "job<U+2066>42<U+FEFF>";
const ARCHIVE: &str = "archive\u{202e}id";
const ARCHIVE_SHOWN: &str = "archive<U+202E>id";

/// An archive name that would reorder the line and hide a character.
const NAME: &str = "cat\u{202e}gpj\u{200b}.exe";
const NAME_SHOWN: &str = "cat<U+202E>gpj<U+200B>.exe";

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

/// One vault named [`VAULT`] holding one finished job [`JOB`] of archive [`ARCHIVE`].
fn hostile(method: &Method, path: &str) -> Reply {
    let arn = format!("arn:aws:glacier:us-east-1:123456789012:vaults/{VAULT}");
    match (method.as_str(), path) {
        ("GET", "/-/vaults") => Reply::ok(json!({
            "VaultList": [{
                "VaultName": VAULT,
                "VaultARN": arn,
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
                "ArchiveId": ARCHIVE,
                "ArchiveSizeInBytes": 1_048_576,
                "Completed": true,
                "CompletionDate": glacier_date(1),
                "CreationDate": glacier_date(5),
                "StatusCode": "Succeeded",
                "StatusMessage": "Succeeded\u{202e}",
                "Tier": "Standard",
                "VaultARN": arn,
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
fn the_plans_table_shows_hidden_characters_by_code_point() {
    let endpoint = serve(hostile);
    let output = run(&endpoint.url, &["jobs"]);
    assert!(output.status.success(), "{output:?}");
    let table = assert_shown_safely(&output.stdout, "jobs");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    let plan: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(
        plan[..5],
        ["P1", VAULT_SHOWN, "id", ARCHIVE_SHOWN, "whole"],
        "{table}"
    );
    let job: Vec<&str> = lines[3].split_whitespace().collect();
    assert_eq!(job[..2], ["└", JOB_SHOWN], "{table}");
    assert!(lines[3].ends_with("adopted"), "{table}");
    assert_shown_safely(&output.stderr, "jobs stderr");
}

#[test]
fn plans_and_jobs_as_json_escape_hidden_characters_and_read_back_exactly() {
    let endpoint = serve(hostile);
    let output = run(&endpoint.url, &["jobs", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let text = assert_shown_safely(&output.stdout, "jobs --json");
    assert!(text.contains("cat\\u202egpj\\u200b.exe"), "{text}");
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    let (plan, job) = (&lines[0], &lines[1]);
    assert_eq!(plan["record"], "plan");
    assert_eq!(plan["vault"], VAULT);
    assert_eq!(plan["archive_id"], ARCHIVE);
    assert_eq!(plan["job_ids"], json!([JOB]));
    assert_eq!(job["record"], "job");
    assert_eq!(job["vault"], VAULT);
    assert_eq!(job["job_id"], JOB);
    assert_eq!(job["archive_id"], ARCHIVE);
}

/// The archive's name, from an inventory, in the plan's row and line: the
/// catalog keeps the name as it is shown (hidden characters by code point), and
/// nothing on the way out undoes that.
#[test]
fn an_archive_name_from_an_inventory_is_shown_printable() {
    let live = cli_live::slow_sandbox();
    seed_vault(&live.sandbox, "v", &[]);
    let bytes = random_bytes(3 << 20, 7);
    let archive = add_stored_archive(&live.sandbox, "v", &bytes);
    let setup = Setup {
        live,
        bytes,
        archive_id: archive.id,
        tree_hash: archive.tree_hash,
        home: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
    };
    let listed = Listed {
        id: &setup.archive_id,
        description: NAME,
        size: setup.bytes.len() as u64,
        tree_hash: &setup.tree_hash,
    };
    let file = write_inventory(setup.data.path(), &[listed]);
    let import = setup.run(&[
        "inventory",
        "import",
        file.to_str().unwrap(),
        "--vault",
        "v",
    ]);
    assert!(import.status.success(), "{import:?}");
    setup.retrieve(&["--range", "0-99", "--plan", "mib"]);

    let output = setup.run(&["jobs", "--vault", "v"]);
    assert!(output.status.success(), "{output:?}");
    let table = assert_shown_safely(&output.stdout, "jobs");
    let plan = table.lines().nth(2).unwrap_or_default();
    assert!(plan.starts_with("P1 "), "{table}");
    assert!(
        plan.contains(&format!("  {NAME_SHOWN}  bytes 0-99  ")),
        "{table}"
    );

    let output = setup.run(&["jobs", "--vault", "v", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let text = assert_shown_safely(&output.stdout, "jobs --json");
    let lines = json_lines(&output);
    assert_eq!(lines[0]["record"], "plan", "{text}");
    assert_eq!(lines[0]["name"], NAME_SHOWN, "{text}");
}
