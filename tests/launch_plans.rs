//! Launching a plan journals the plan before its first InitiateJob: a Glacier
//! that looks into the journal each time it is asked to start a job finds the
//! plan there, and the job in its place, also when it refuses the job. Reused
//! jobs are listed in their places; a launch of reused jobs only is a plan too.
//! And through the command line against the sandbox, whose fault refuses
//! InitiateJob: the plan and its intent are journaled anyway.

mod cli_live;
mod common;
mod jobs_support;

use std::path::PathBuf;
use std::sync::Mutex;

use defrost::domain::job::{PlanShape, TrackedJob};
use defrost::domain::job_params::JobParams;
use defrost::domain::range::{ByteRange, MIB, PlanKind};
use defrost::glacier::{
    GlacierApi, GlacierError, JobInfo, JobOutput, JobStarted, RetrievalPolicy, VaultInfo,
    VaultNotifications,
};
use defrost::store::{PlanEntry, Store, VaultKey};
use defrost::tracking::launch::{
    LaunchError, LaunchRequest, RetrievalRequest, launch_plan, plan_jobs,
};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
const SIZE: u64 = 3 * MIB + 12_345;

/// A Glacier that reads the journal each time it is asked to start a job.
struct PeekingGlacier {
    data_dir: PathBuf,
    /// Refuse every job instead of starting it.
    refuse: bool,
    /// The plans the journal held at each InitiateJob.
    seen: Mutex<Vec<Vec<PlanEntry>>>,
}

fn unused() -> GlacierError {
    GlacierError::Malformed {
        detail: "not used by a launch".into(),
    }
}

impl GlacierApi for PeekingGlacier {
    fn region(&self) -> &str {
        "us-east-1"
    }

    async fn list_vaults(&self) -> Result<Vec<VaultInfo>, GlacierError> {
        Err(unused())
    }

    async fn describe_vault(&self, _vault: &str) -> Result<VaultInfo, GlacierError> {
        Err(unused())
    }

    async fn initiate_job(
        &self,
        _vault: &str,
        _params: &JobParams,
    ) -> Result<JobStarted, GlacierError> {
        let plans = Store::open_for_reading(&self.data_dir)
            .unwrap()
            .plans(None)
            .unwrap();
        let mut seen = self.seen.lock().unwrap();
        seen.push(plans);
        if self.refuse {
            return Err(GlacierError::AccessDenied {
                message: "no glacier:InitiateJob".into(),
            });
        }
        Ok(JobStarted {
            job_id: format!("JOB-{}", seen.len()),
            location: None,
        })
    }

    async fn describe_job(&self, _vault: &str, _job_id: &str) -> Result<JobInfo, GlacierError> {
        Err(unused())
    }

    async fn list_jobs(&self, _vault: &str) -> Result<Vec<JobInfo>, GlacierError> {
        Err(unused())
    }

    async fn get_job_output(
        &self,
        _vault: &str,
        _job_id: &str,
        _range: Option<(u64, u64)>,
    ) -> Result<JobOutput, GlacierError> {
        Err(unused())
    }

    async fn get_data_retrieval_policy(&self) -> Result<RetrievalPolicy, GlacierError> {
        Err(unused())
    }

    async fn delete_archive(&self, _vault: &str, _archive_id: &str) -> Result<(), GlacierError> {
        Err(unused())
    }

    async fn delete_vault(&self, _vault: &str) -> Result<(), GlacierError> {
        Err(unused())
    }

    async fn vault_notifications(
        &self,
        _vault: &str,
    ) -> Result<Option<VaultNotifications>, GlacierError> {
        Err(unused())
    }
}

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

/// `--range 1MiB- --plan split` of a 3 MiB + 12345 byte archive: two jobs.
fn split_request(glacier_refuses: bool) -> (tempfile::TempDir, PeekingGlacier, LaunchRequest) {
    let dir = tempfile::tempdir().unwrap();
    let mut planned = plan_jobs(&RetrievalRequest {
        archive_id: "ARCHIVE".into(),
        archive_size: Some(SIZE),
        want: Some(ByteRange::new(MIB, SIZE - 1).unwrap()),
        plan: PlanKind::Split,
        tier: Some("Expedited".into()),
        sns_topic: None,
    })
    .unwrap();
    planned.archive_tree_hash = Some("cd".repeat(32));
    planned.archive_name = Some("photos/2019/beach.jpg".into());
    assert_eq!(planned.jobs.len(), 2);
    let glacier = PeekingGlacier {
        data_dir: dir.path().to_path_buf(),
        refuse: glacier_refuses,
        seen: Mutex::new(Vec::new()),
    };
    let request = LaunchRequest {
        vault: vault(),
        planned,
        reuse: Vec::new(),
        started_by: "defrost (alice@host)".into(),
    };
    (dir, glacier, request)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Each job of the plan as (position, Glacier's job id).
fn places(plan: &PlanEntry) -> Vec<(u32, Option<String>)> {
    plan.jobs
        .iter()
        .map(|job| (job.position, job.entry.job_id.clone()))
        .collect()
}

#[test]
fn the_plan_and_each_job_in_its_place_are_journaled_before_initiate_job() {
    let (dir, glacier, request) = split_request(false);
    let mut store = Store::open(dir.path()).unwrap();
    let report = runtime()
        .block_on(launch_plan(&glacier, &mut store, &request, NOW))
        .unwrap();

    let seen = glacier.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    // At the first InitiateJob: the plan, with its first job waiting in place 0.
    assert_eq!(seen[0].len(), 1);
    assert_eq!(seen[0][0].id, report.plan);
    assert_eq!(places(&seen[0][0]), [(0, None)]);
    // At the second: the first started, the second waiting in place 1.
    assert_eq!(places(&seen[1][0]), [(0, Some("JOB-1".into())), (1, None)]);

    let plan = store.plan(report.plan).unwrap().unwrap();
    assert_eq!(
        places(&plan),
        [(0, Some("JOB-1".into())), (1, Some("JOB-2".into()))]
    );
    assert_eq!(plan.shape, PlanShape::Split);
    assert_eq!(plan.want, Some(ByteRange::new(MIB, SIZE - 1).unwrap()));
    assert_eq!(plan.made_by, "defrost (alice@host)");
    assert_eq!(plan.made_at, "2026-03-01T12:00:00Z");
    let archive = plan.archive.unwrap();
    assert_eq!(archive.archive_id, "ARCHIVE");
    assert_eq!(archive.size, Some(SIZE));
    assert_eq!(archive.tree_hash, Some("cd".repeat(32)));
    assert_eq!(archive.name.as_deref(), Some("photos/2019/beach.jpg"));
    let ranges: Vec<Option<ByteRange>> = plan.jobs.iter().map(|job| job.range).collect();
    let report_ranges: Vec<Option<ByteRange>> = report.jobs.iter().map(|job| job.range).collect();
    assert_eq!(ranges, report_ranges);
    // The journal still carries the launcher's JSON beside each job.
    assert!(plan.jobs.iter().all(|job| job.entry.plan_json.is_some()));
}

#[test]
fn a_refused_first_job_leaves_its_plan_and_intent_journaled() {
    let (dir, glacier, request) = split_request(true);
    let mut store = Store::open(dir.path()).unwrap();
    let err = runtime()
        .block_on(launch_plan(&glacier, &mut store, &request, NOW))
        .unwrap_err();
    assert!(matches!(err, LaunchError::Refused { .. }), "{err}");
    assert!(err.started().is_empty());

    let seen = glacier.seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "nothing more is asked after a refusal");
    assert_eq!(places(&seen[0][0]), [(0, None)]);
    let plans = store.plans(None).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(places(&plans[0]), [(0, None)]);
    let events: Vec<String> = store
        .job_events(plans[0].jobs[0].entry.id)
        .unwrap()
        .into_iter()
        .map(|event| event.what)
        .collect();
    assert_eq!(events, ["requested", "start failed"]);
}

#[test]
fn reused_jobs_are_listed_in_place_and_a_launch_of_reused_jobs_only_is_a_plan() {
    let (dir, glacier, mut request) = split_request(false);
    let mut store = Store::open(dir.path()).unwrap();
    let first = runtime()
        .block_on(launch_plan(&glacier, &mut store, &request, NOW))
        .unwrap();
    let running: Vec<TrackedJob> = store
        .journal(None)
        .unwrap()
        .into_iter()
        .map(|entry| entry.state.unwrap())
        .collect();

    // Every job reused: no InitiateJob, and a plan of its own listing them.
    request.reuse = running.iter().cloned().map(Some).collect();
    let again = runtime()
        .block_on(launch_plan(&glacier, &mut store, &request, NOW))
        .unwrap();
    assert_eq!(glacier.seen.lock().unwrap().len(), 2);
    assert_ne!(again.plan, first.plan);
    assert!(again.jobs.iter().all(|job| job.reused));
    let plan = store.plan(again.plan).unwrap().unwrap();
    assert_eq!(
        places(&plan),
        [(0, Some("JOB-1".into())), (1, Some("JOB-2".into()))]
    );
    assert!(
        plan.jobs
            .iter()
            .all(|job| job.entry.plan == Some(first.plan))
    );

    // One reused, one started: the new job is the new plan's own.
    request.reuse = vec![Some(running[0].clone())];
    let mixed = runtime()
        .block_on(launch_plan(&glacier, &mut store, &request, NOW))
        .unwrap();
    let plan = store.plan(mixed.plan).unwrap().unwrap();
    let owners: Vec<_> = plan.jobs.iter().map(|job| job.entry.plan).collect();
    assert_eq!(owners, [Some(first.plan), Some(mixed.plan)]);
    assert_eq!(plan.jobs[1].entry.job_id.as_deref(), Some("JOB-3"));

    // A job the journal does not know cannot be listed: the launch says so.
    let mut stranger = running[0].clone();
    stranger.job_id = "NOT-JOURNALED".into();
    request.reuse = vec![Some(stranger)];
    let err = runtime()
        .block_on(launch_plan(&glacier, &mut store, &request, NOW))
        .unwrap_err();
    assert!(matches!(err, LaunchError::Journal { .. }), "{err}");
    assert!(
        err.to_string().contains("does not know job NOT-JOURNALED"),
        "{err}"
    );
    assert_eq!(err.started().len(), 1);
}

#[test]
fn retrieve_journals_its_plan_even_when_the_sandbox_refuses_initiate_job() {
    let live = cli_live::live_sandbox();
    let archive_id = jobs_support::vault_with_one_archive(&live.sandbox, SIZE);
    live._runtime.block_on(common::admin::add_fault(
        &live.sandbox,
        serde_json::json!({
            "kind": "service_unavailable",
            "operation": "InitiateJob",
            "persistent": true,
        }),
    ));
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let size = SIZE.to_string();
    let retrieve = || {
        cli_live::defrost(&home, &live.sandbox.endpoint_url())
            .arg("--data-dir")
            .arg(data.path())
            .args(["retrieve", "--vault", "v", "--archive-id", &archive_id])
            .args([
                "--range", "1MiB-", "--size", &size, "--plan", "split", "--yes",
            ])
            .output()
            .unwrap()
    };
    let refused = retrieve();
    assert!(!refused.status.success(), "{refused:?}");

    let store = Store::open(data.path()).unwrap();
    let plans = store.plans(None).unwrap();
    assert_eq!(plans.len(), 1, "{plans:#?}");
    assert_eq!(plans[0].shape, PlanShape::Split);
    assert_eq!(plans[0].want, Some(ByteRange::new(MIB, SIZE - 1).unwrap()));
    assert_eq!(places(&plans[0]), [(0, None)]);
    let events: Vec<String> = store
        .job_events(plans[0].jobs[0].entry.id)
        .unwrap()
        .into_iter()
        .map(|event| event.what)
        .collect();
    assert_eq!(events, ["requested", "start failed"]);
    drop(store);

    // Once Glacier takes jobs again, a new launch is a plan of its own.
    live._runtime.block_on(common::admin::admin(
        &live.sandbox,
        "DELETE",
        "/_sandbox/faults",
        "",
    ));
    let started = retrieve();
    assert!(started.status.success(), "{started:?}");
    let plans = Store::open(data.path()).unwrap().plans(None).unwrap();
    assert_eq!(plans.len(), 2);
    let started: Vec<bool> = plans[1]
        .jobs
        .iter()
        .map(|job| job.entry.job_id.is_some())
        .collect();
    assert_eq!(started, [true, true]);
}
