//! Shared set-up for the migration tests against the sandbox's own S3
//! endpoint, which can be told to fail (`s3:` faults): vault `v` with its
//! inventory imported, as for the restore tests, an empty bucket, and the
//! `defrost migrate` command line.
#![allow(dead_code)]

use std::process::Output;

use defrost::s3::SdkS3;
use defrost::store::{Store, UploadEntry};
use serde_json::Value;

use crate::cli_live::live_sandbox_with_s3;
use crate::common::admin::admin;
use crate::restore_support::Restore;

pub const BUCKET: &str = "vault-copy";

/// Job outputs stay downloadable for 24 hours / 1,000, over a minute and a
/// half: longer than a copy that waits out S3's retries, so no job is renewed
/// under a test's feet. An Expedited job is ready in under a second.
pub const SPEEDUP: u32 = 1_000;

pub struct Migration {
    pub setup: Restore,
    pub s3_url: String,
}

impl Migration {
    /// Vault `v` holding an archive per description of the given size, and an
    /// empty bucket beside it.
    pub fn sized(archives: &[(&str, u64)]) -> Self {
        let live = live_sandbox_with_s3(SPEEDUP);
        let s3_url = crate::common::s3_url(&live.sandbox);
        live._runtime
            .block_on(crate::s3_behaviour::create_bucket(&s3_url, BUCKET));
        let setup = Restore::sized_on(live, SPEEDUP, archives);
        Migration { setup, s3_url }
    }

    /// `defrost migrate` of the whole vault into the bucket, readable back
    /// (STANDARD), Expedited, fast, JSON Lines.
    pub fn args(&self) -> Vec<String> {
        [
            "migrate",
            "--vault",
            "v",
            "--all",
            "--bucket",
            BUCKET,
            "--prefix",
            "backup",
            "--storage-class",
            "STANDARD",
            "--tier",
            "Expedited",
            "--s3-endpoint-url",
            &self.s3_url,
            "--requests-per-second",
            "500",
            "--yes",
            "--json",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    }

    pub fn migrate(&self) -> Output {
        self.migrate_with(&[])
    }

    /// The same with more options.
    pub fn migrate_with(&self, more: &[&str]) -> Output {
        let mut args = self.args();
        args.extend(more.iter().map(|arg| (*arg).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.setup.run(&args)
    }

    /// A client of the bucket, as the tests read it back.
    pub fn bucket(&self) -> SdkS3 {
        SdkS3::for_endpoint(&self.s3_url, "us-east-1", BUCKET)
    }

    pub fn block_on<F: std::future::Future>(&self, work: F) -> F::Output {
        self.setup.live._runtime.block_on(work)
    }

    pub fn add_fault(&self, fault: Value) -> u64 {
        self.setup.add_fault(fault)
    }

    /// The faults in force, with how often each fired and let requests through.
    pub fn faults(&self) -> Vec<Value> {
        let (_, listed) = self.block_on(admin(
            &self.setup.live.sandbox,
            "GET",
            "/_sandbox/faults",
            "",
        ));
        listed["faults"].as_array().unwrap().clone()
    }

    pub fn clear_faults(&self) {
        self.block_on(admin(
            &self.setup.live.sandbox,
            "DELETE",
            "/_sandbox/faults",
            "",
        ));
    }

    /// The bucket's unfinished uploads as the sandbox holds them: key and the
    /// numbers of the parts it took.
    pub fn uploads_in_bucket(&self) -> Vec<(String, Vec<u32>)> {
        let now = time::OffsetDateTime::now_utc();
        let state = self.setup.live.sandbox.shared.lock(now);
        state.buckets[BUCKET]
            .uploads
            .values()
            .map(|upload| (upload.key.clone(), upload.parts.keys().copied().collect()))
            .collect()
    }

    /// The journal's copy of the archive `archive_id` in its newest batch.
    pub fn journaled_upload(&self, archive_id: &str) -> Option<UploadEntry> {
        let store = Store::open(self.setup.data.path()).unwrap();
        let batch = store.batches(None).unwrap().pop()?;
        let item = (store.batch_items(batch.id).unwrap().into_iter())
            .find(|item| item.archive_id == archive_id)?;
        store.upload_of_plan(item.plan).unwrap()
    }
}

/// Standard error of a command, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
