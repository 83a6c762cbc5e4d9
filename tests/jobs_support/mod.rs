//! Shared set-up for the job tests: a vault with archives and an inventory put
//! straight into the sandbox's state, and functions to start jobs and wait for them.
#![allow(dead_code)]

use std::time::Duration;

use aws_sdk_glacier::{
    Client, error::ProvideErrorMetadata, operation::describe_job::DescribeJobOutput,
    types::JobParameters,
};
use defrost::sandbox::RunningSandbox;
use defrost::sandbox::content::virtual_tree_hash;
use defrost::sandbox::ids::{ARCHIVE_ID_LEN, opaque_id};
use defrost::sandbox::model::{Archive, ArchiveContent, Inventory, InventoryEntry, Vault};
use time::OffsetDateTime;

pub const MIB: u64 = 1 << 20;

/// An archive to put in a vault: its size and description.
pub struct Spec<'a> {
    pub size: u64,
    pub description: &'a str,
}

/// Creates `vault` as if it had existed for a month, holding virtual archives made
/// ten days ago and an inventory of yesterday that lists them. Returns the archives
/// in the order given (which is also their order of creation).
pub fn seed_vault(sandbox: &RunningSandbox, vault: &str, specs: &[Spec<'_>]) -> Vec<Archive> {
    let now = OffsetDateTime::now_utc();
    let archives: Vec<Archive> = specs
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let seed = index as u64 + 1;
            Archive {
                id: opaque_id(ARCHIVE_ID_LEN, &[vault.as_bytes(), &seed.to_be_bytes()]),
                description: spec.description.to_owned(),
                created: now - time::Duration::days(10) + time::Duration::minutes(index as i64),
                deleted: None,
                size: spec.size,
                tree_hash: virtual_tree_hash(seed, spec.size).to_string(),
                content: ArchiveContent::Virtual { seed },
            }
        })
        .collect();
    let entries = archives.iter().map(InventoryEntry::from).collect();
    let record = Vault {
        archives: archives.iter().map(|a| (a.id.clone(), a.clone())).collect(),
        inventory: Some(Inventory {
            date: now - time::Duration::days(1),
            entries,
        }),
        ..Vault::empty(vault, now - time::Duration::days(30))
    };
    sandbox
        .shared
        .change(now, |state| {
            state.vaults.insert(vault.to_owned(), record);
            Ok(())
        })
        .expect("the vault is stored");
    archives
}

/// Changes the account's settings directly, as a seed file would.
/// A vault `v` holding one archive of `size` bytes; returns the archive's id.
pub fn vault_with_one_archive(sandbox: &RunningSandbox, size: u64) -> String {
    let spec = Spec {
        size,
        description: "x",
    };
    seed_vault(sandbox, "v", &[spec]).remove(0).id
}

pub fn set_expedited_capacity(sandbox: &RunningSandbox, available: bool) {
    sandbox
        .shared
        .change(OffsetDateTime::now_utc(), |state| {
            state.expedited_capacity_available = available;
            Ok(())
        })
        .expect("the setting is stored");
}

pub fn archive_job(archive_id: &str) -> aws_sdk_glacier::types::builders::JobParametersBuilder {
    JobParameters::builder()
        .r#type("archive-retrieval")
        .archive_id(archive_id)
}

pub fn inventory_job() -> aws_sdk_glacier::types::builders::JobParametersBuilder {
    JobParameters::builder().r#type("inventory-retrieval")
}

/// Starts a job and returns its id.
pub async fn start_job(client: &Client, vault: &str, params: JobParameters) -> String {
    let started = client
        .initiate_job()
        .account_id("-")
        .vault_name(vault)
        .job_parameters(params)
        .send()
        .await
        .expect("the job starts");
    started.job_id().expect("a job id").to_owned()
}

/// Makes a started job complete now, as if it had been started hours ago. With a
/// slow sandbox (see `cli_live::SLOW_SPEEDUP`) the test need not wait for the job,
/// and the output window that follows stays open for many minutes, so a loaded
/// machine cannot close it while the binary under test starts up.
pub fn finish_now(sandbox: &RunningSandbox, job_id: &str) {
    let now = OffsetDateTime::now_utc();
    let found = sandbox
        .shared
        .change(now, |state| {
            let job = state
                .vaults
                .values_mut()
                .find_map(|vault| vault.jobs.get_mut(job_id));
            Ok(job.map(|job| job.completes_at = now).is_some())
        })
        .expect("the job is stored");
    assert!(found, "no job {job_id} in the sandbox");
}

/// Polls DescribeJob until the job has completed (a few tenths of a second at the
/// test speedup).
pub async fn wait_for(client: &Client, vault: &str, job_id: &str) -> DescribeJobOutput {
    for _ in 0..500 {
        let described = client
            .describe_job()
            .account_id("-")
            .vault_name(vault)
            .job_id(job_id)
            .send()
            .await
            .expect("the job is known");
        if described.completed() {
            return described;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("job {job_id} did not complete in time");
}

/// Downloads a job's output, or part of it, and returns the response with its bytes.
pub async fn download(
    client: &Client,
    vault: &str,
    job_id: &str,
    range: Option<&str>,
) -> (
    aws_sdk_glacier::operation::get_job_output::GetJobOutputOutput,
    Vec<u8>,
) {
    let mut request = client
        .get_job_output()
        .account_id("-")
        .vault_name(vault)
        .job_id(job_id);
    if let Some(range) = range {
        request = request.range(range);
    }
    let mut output = request.send().await.expect("the output downloads");
    let body = std::mem::take(&mut output.body);
    let bytes = body.collect().await.expect("the body arrives").to_vec();
    (output, bytes)
}

/// DescribeJob for a job that exists.
pub async fn describe(client: &Client, vault: &str, job_id: &str) -> DescribeJobOutput {
    client
        .describe_job()
        .account_id("-")
        .vault_name(vault)
        .job_id(job_id)
        .send()
        .await
        .expect("the job is known")
}

/// The error code and message InitiateJob refuses `params` with.
pub async fn refusal(client: &Client, vault: &str, params: JobParameters) -> (String, String) {
    let err = client
        .initiate_job()
        .account_id("-")
        .vault_name(vault)
        .job_parameters(params)
        .send()
        .await
        .expect_err("the job is refused");
    let service = err.as_service_error().expect("a service error");
    (
        service.code().unwrap_or_default().to_owned(),
        service.message().unwrap_or_default().to_owned(),
    )
}

/// A ListJobs request for `vault`, to add filters to.
pub fn list_jobs(
    client: &Client,
    vault: &str,
) -> aws_sdk_glacier::operation::list_jobs::builders::ListJobsFluentBuilder {
    client.list_jobs().account_id("-").vault_name(vault)
}

/// The ids of listed jobs.
pub fn job_ids(listed: &aws_sdk_glacier::operation::list_jobs::ListJobsOutput) -> Vec<String> {
    listed
        .job_list()
        .iter()
        .filter_map(|job| job.job_id().map(str::to_owned))
        .collect()
}

/// The SHA-256 tree hash of `bytes`, computed from scratch: 1 MiB leaves, paired
/// level by level, an odd node moving up unchanged.
pub fn tree_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut level: Vec<Vec<u8>> = bytes
        .chunks(MIB as usize)
        .map(|chunk| Sha256::digest(chunk).to_vec())
        .collect();
    if level.is_empty() {
        level.push(Sha256::digest(b"").to_vec());
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => Sha256::digest([left.as_slice(), right].concat()).to_vec(),
                [single] => single.clone(),
                _ => unreachable!("chunks(2) gives one or two"),
            })
            .collect();
    }
    hex::encode(&level[0])
}

/// Adds an archive whose bytes are kept in a file, as an upload leaves them.
pub fn add_stored_archive(sandbox: &RunningSandbox, vault: &str, bytes: &[u8]) -> Archive {
    let now = OffsetDateTime::now_utc();
    let id = opaque_id(ARCHIVE_ID_LEN, &[vault.as_bytes(), b"stored", bytes]);
    std::fs::write(sandbox.shared.store.archive_path(&id), bytes).expect("the file is written");
    let archive = Archive {
        id: id.clone(),
        description: "stored".into(),
        created: now - time::Duration::days(2),
        deleted: None,
        size: bytes.len() as u64,
        tree_hash: tree_hash(bytes),
        content: ArchiveContent::Stored,
    };
    let record = archive.clone();
    sandbox
        .shared
        .change(now, |state| {
            let vault = state.vaults.get_mut(vault).expect("the vault exists");
            vault.archives.insert(id, record);
            Ok(())
        })
        .expect("the archive is stored");
    archive
}

/// One archive as an inventory file lists it.
pub struct Listed<'a> {
    pub id: &'a str,
    pub description: &'a str,
    pub size: u64,
    pub tree_hash: &'a str,
}

/// An inventory of vault `v` (account 123456789012, us-east-1) listing
/// `archives`, as a JSON file `inventory.json` in `dir`, for
/// `defrost inventory import FILE --vault v`.
pub fn write_inventory(dir: &std::path::Path, archives: &[Listed<'_>]) -> std::path::PathBuf {
    let list: Vec<serde_json::Value> = archives
        .iter()
        .map(|archive| {
            serde_json::json!({
                "ArchiveId": archive.id,
                "ArchiveDescription": archive.description,
                "CreationDate": "2026-10-01T00:00:00.000Z",
                "Size": archive.size,
                "SHA256TreeHash": archive.tree_hash,
            })
        })
        .collect();
    let json = serde_json::json!({
        "VaultARN": "arn:aws:glacier:us-east-1:123456789012:vaults/v",
        "InventoryDate": "2026-11-01T00:00:00Z",
        "ArchiveList": list,
    });
    let file = dir.join("inventory.json");
    std::fs::write(&file, json.to_string()).expect("the inventory is written");
    file
}
