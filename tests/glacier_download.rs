//! Chunked, verified, resumable downloads end to end: `download` through the real
//! SDK client against the sandbox, with faults injected into the job output.

mod common;
mod jobs_support;

#[path = "glacier_download/faults.rs"]
mod faults;
#[path = "glacier_download/files.rs"]
mod files;

use std::path::Path;
use std::time::Duration;

use defrost::domain::job::ObservedStatus;
use defrost::domain::job_params::{JobRequest, validate};
use defrost::domain::treehash::TreeHash;
use defrost::glacier::download::DownloadError;
use defrost::glacier::download::{Destination, DownloadOutcome, DownloadRequest, download};
use defrost::glacier::{GlacierApi, JobInfo, SdkGlacier};
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup};

use common::{sample, tree_hash};
use jobs_support::{MIB, add_stored_archive, seed_vault};

/// Five MiB and a bit: 1 MiB chunks give six, the last one short.
pub const SIZE: usize = 5 * MIB as usize + 123;

/// A sandbox holding vault `v` with one stored archive of `SIZE` sample bytes.
pub struct Fixture {
    pub sandbox: RunningSandbox,
    pub api: SdkGlacier,
    pub data: Vec<u8>,
    pub archive_id: String,
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub async fn new() -> Self {
        // Slow enough that the output window (about 9 s) outlasts the downloads.
        let sandbox = common::start_sandbox_with(SandboxOptions {
            speedup: Speedup::new(10_000.0).unwrap(),
            ..Default::default()
        })
        .await;
        seed_vault(&sandbox, "v", &[]);
        let data = sample(SIZE);
        let archive_id = add_stored_archive(&sandbox, "v", &data).id;
        let api = SdkGlacier::for_endpoint(&sandbox.endpoint_url(), "us-east-1");
        Self {
            sandbox,
            api,
            data,
            archive_id,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Starts an Expedited retrieval of the archive (or of `range`) and waits for it.
    pub async fn retrieve(&self, range: Option<(u64, u64)>) -> JobInfo {
        let range = range
            .map(|(first, last)| format!(r#","RetrievalByteRange":"{first}-{last}""#))
            .unwrap_or_default();
        let json = format!(
            r#"{{"Type":"archive-retrieval","ArchiveId":"{}","Tier":"Expedited"{range}}}"#,
            self.archive_id
        );
        let size = Some(self.data.len() as u64);
        let params = validate(&JobRequest::from_json(&json).unwrap(), size).unwrap();
        let started = self.api.initiate_job("v", &params).await.unwrap();
        for _ in 0..3000 {
            let job = self.api.describe_job("v", &started.job_id).await.unwrap();
            if job.status != ObservedStatus::InProgress {
                assert_eq!(job.status, ObservedStatus::Succeeded, "{job:?}");
                return job;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("job {} did not finish", started.job_id);
    }

    pub fn dest(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// A request for `job`'s whole output into `dest`, in chunks of `chunk_mib` MiB.
    pub fn request(&self, job: &JobInfo, dest: &Path, chunk_mib: u64) -> DownloadRequest {
        let (first, last) = job.retrieval_byte_range.unwrap();
        DownloadRequest {
            vault: "v".into(),
            job_id: job.job_id.clone(),
            output_length: last - first + 1,
            expected_tree_hash: job.sha256_tree_hash,
            archive_offset: first,
            destination: Destination::at(dest).unwrap(),
            chunk_size: chunk_mib * MIB,
            parallel: 3,
            overwrite: false,
            keep_part: false,
        }
    }

    pub async fn run(&self, request: &DownloadRequest) -> Result<DownloadOutcome, DownloadError> {
        download(&self.api, request, |_| {}).await
    }

    pub fn whole_hash(&self) -> TreeHash {
        tree_hash(&self.data).parse().unwrap()
    }
}

/// `DEST.part` beside `dest`.
pub fn part_of(dest: &Path) -> std::path::PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".part");
    name.into()
}

#[tokio::test]
async fn a_whole_archive_downloads_in_chunks_and_matches_every_hash() {
    let fx = Fixture::new().await;
    let job = fx.retrieve(None).await;
    assert_eq!(job.sha256_tree_hash, Some(fx.whole_hash()));
    let dest = fx.dest("archive.bin");
    let mut reports = Vec::new();
    let outcome = download(&fx.api, &fx.request(&job, &dest, 2), |p| reports.push(p))
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
    assert_eq!(outcome.path, dest);
    assert_eq!(outcome.tree_hash, fx.whole_hash());
    assert_eq!(Some(outcome.tree_hash), job.sha256_tree_hash);
    assert_eq!((outcome.resumed_chunks, outcome.retried_chunks), (0, 0));
    assert!(!outcome.started_over);
    // One report at the start and one per chunk (three of 2 MiB).
    assert_eq!(reports.len(), 4, "{reports:?}");
    assert_eq!(reports[0].verified_bytes, 0);
    let last = reports.last().unwrap();
    assert_eq!(
        (last.verified_bytes, last.total_bytes),
        (SIZE as u64, SIZE as u64)
    );
    assert!(!part_of(&dest).exists());
    let leftovers: Vec<_> = std::fs::read_dir(fx.dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only the final file remains");

    // Again over the existing file, allowed this time, with another chunk size.
    let again = DownloadRequest {
        overwrite: true,
        chunk_size: 4 * MIB,
        ..fx.request(&job, &dest, 1)
    };
    let outcome = fx.run(&again).await.unwrap();
    assert_eq!(outcome.tree_hash, fx.whole_hash());
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
}
