//! The inventory fetch as a library, on a clock the test moves: a fake Glacier
//! whose jobs finish when that clock says, so following a paged inventory on
//! Glacier's own schedule (hours) takes no real time, and every wait can be
//! checked against the schedule.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use defrost::domain::job::ObservedStatus;
use defrost::domain::job::next_poll_at;
use defrost::domain::job_params::{JobKind, JobParams, JobRequest, validate};
use defrost::glacier::{
    GlacierApi, GlacierError, JobInfo, JobOutput, JobStarted, RetrievalPolicy, VaultInfo,
    VaultNotifications,
};
use defrost::store::{OutputUse, Store, VaultKey};
use defrost::tracking::inventory::{FetchError, FetchOutcome, Imported, advance, start_fetch};
use defrost::tracking::watch::Clock;
use time::OffsetDateTime;
use time::macros::datetime;

const START: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
/// How long the fake's inventory jobs take, as Glacier's typically do.
const JOB_TAKES: time::Duration = time::Duration::hours(4);

/// Time that passes only when someone sleeps.
struct TestClock {
    now: Mutex<OffsetDateTime>,
    sleeps: Mutex<Vec<OffsetDateTime>>,
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap()
    }

    async fn sleep_until(&self, at: OffsetDateTime) {
        self.sleeps.lock().unwrap().push(at);
        let mut now = self.now.lock().unwrap();
        *now = (*now).max(at);
    }
}

struct FakeJob {
    id: String,
    started: OffsetDateTime,
    /// Index of the first archive of the page, and how many.
    first: usize,
    count: usize,
}

/// A vault of `archives` inventory entries whose inventory jobs finish
/// [`JOB_TAKES`] after they start, by the test's clock.
struct FakeGlacier {
    clock: Arc<TestClock>,
    archives: usize,
    jobs: Mutex<Vec<FakeJob>>,
    describes: Mutex<usize>,
    /// Each GetJobOutput: the job and the moment.
    outputs: Mutex<Vec<(String, OffsetDateTime)>>,
    /// A job that ends `Failed` instead of succeeding.
    failing_job: Mutex<Option<String>>,
}

fn unsupported() -> GlacierError {
    GlacierError::Malformed {
        detail: "not used by the fetch".into(),
    }
}

fn archive_id(n: usize) -> String {
    format!("{n:0>138}")
}

impl FakeGlacier {
    fn info(&self, job: &FakeJob) -> JobInfo {
        let done = self.clock.now() >= job.started + JOB_TAKES;
        let fails = self.failing_job.lock().unwrap().as_deref() == Some(job.id.as_str());
        let next = job.first + job.count;
        JobInfo {
            job_id: job.id.clone(),
            kind: JobKind::InventoryRetrieval,
            archive_id: None,
            tier: None,
            status: match (done, fails) {
                (true, true) => ObservedStatus::Failed,
                (true, false) => ObservedStatus::Succeeded,
                (false, _) => ObservedStatus::InProgress,
            },
            status_message: (done && fails).then(|| "the tape was eaten".to_owned()),
            created: job.started,
            completed: done.then_some(job.started + JOB_TAKES),
            archive_size: None,
            inventory_size: Some(self.body(job).len() as u64),
            sha256_tree_hash: None,
            archive_sha256_tree_hash: None,
            retrieval_byte_range: None,
            description: None,
            sns_topic: None,
            inventory_marker: (done && !fails && next < self.archives).then(|| next.to_string()),
        }
    }

    fn body(&self, job: &FakeJob) -> String {
        let list: Vec<serde_json::Value> = (job.first..job.first + job.count)
            .map(|n| {
                serde_json::json!({
                    "ArchiveId": archive_id(n),
                    "ArchiveDescription": format!("file-{n}"),
                    "CreationDate": "2026-01-01T00:00:00Z",
                    "Size": n,
                    "SHA256TreeHash": "0".repeat(64),
                })
            })
            .collect();
        serde_json::json!({
            "VaultARN": "arn:aws:glacier:us-east-1:111122223333:vaults/v",
            "InventoryDate": "2026-02-28T00:00:00Z",
            "ArchiveList": list,
        })
        .to_string()
    }

    fn job<T>(&self, job_id: &str, then: impl FnOnce(&FakeJob) -> T) -> Result<T, GlacierError> {
        let jobs = self.jobs.lock().unwrap();
        let job = jobs
            .iter()
            .find(|job| job.id == job_id)
            .ok_or(GlacierError::UnknownJob {
                vault: "v".into(),
                job_id: job_id.into(),
            })?;
        Ok(then(job))
    }
}

impl GlacierApi for FakeGlacier {
    fn region(&self) -> &str {
        "us-east-1"
    }

    async fn list_vaults(&self) -> Result<Vec<VaultInfo>, GlacierError> {
        Err(unsupported())
    }

    async fn describe_vault(&self, _vault: &str) -> Result<VaultInfo, GlacierError> {
        Err(unsupported())
    }

    async fn initiate_job(
        &self,
        _vault: &str,
        params: &JobParams,
    ) -> Result<JobStarted, GlacierError> {
        let JobParams::Inventory(inventory) = params else {
            return Err(unsupported());
        };
        let first: usize = inventory.marker().map_or(0, |m| m.parse().unwrap());
        let limit = inventory.limit().map_or(usize::MAX, |l| l.get() as usize);
        let mut jobs = self.jobs.lock().unwrap();
        let id = format!("JOB{}", jobs.len() + 1);
        jobs.push(FakeJob {
            id: id.clone(),
            started: self.clock.now(),
            first,
            count: limit.min(self.archives - first),
        });
        Ok(JobStarted {
            job_id: id,
            location: None,
        })
    }

    async fn describe_job(&self, _vault: &str, job_id: &str) -> Result<JobInfo, GlacierError> {
        *self.describes.lock().unwrap() += 1;
        self.job(job_id, |job| self.info(job))
    }

    async fn list_jobs(&self, _vault: &str) -> Result<Vec<JobInfo>, GlacierError> {
        Err(unsupported())
    }

    async fn get_job_output(
        &self,
        _vault: &str,
        job_id: &str,
        _range: Option<(u64, u64)>,
    ) -> Result<JobOutput, GlacierError> {
        let body = self.job(job_id, |job| self.body(job))?;
        self.outputs
            .lock()
            .unwrap()
            .push((job_id.to_owned(), self.clock.now()));
        let chunk: Result<Bytes, GlacierError> = Ok(Bytes::from(body.clone()));
        Ok(JobOutput {
            content_length: body.len() as u64,
            checksum: None,
            body: Box::pin(futures_util::stream::iter([chunk])),
        })
    }

    async fn get_data_retrieval_policy(&self) -> Result<RetrievalPolicy, GlacierError> {
        Err(unsupported())
    }

    async fn delete_archive(&self, _vault: &str, _archive_id: &str) -> Result<(), GlacierError> {
        Err(unsupported())
    }

    async fn delete_vault(&self, _vault: &str) -> Result<(), GlacierError> {
        Err(unsupported())
    }

    async fn vault_notifications(
        &self,
        _vault: &str,
    ) -> Result<Option<VaultNotifications>, GlacierError> {
        Err(unsupported())
    }
}

fn fixture(archives: usize) -> (Arc<TestClock>, FakeGlacier, tempfile::TempDir, Store) {
    let clock = Arc::new(TestClock {
        now: Mutex::new(START),
        sleeps: Mutex::new(Vec::new()),
    });
    let glacier = FakeGlacier {
        clock: Arc::clone(&clock),
        archives,
        jobs: Mutex::new(Vec::new()),
        describes: Mutex::new(0),
        outputs: Mutex::new(Vec::new()),
        failing_job: Mutex::new(None),
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (clock, glacier, dir, store)
}

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "v".into(),
    }
}

fn inventory_params(limit: Option<&str>) -> JobParams {
    let request = JobRequest {
        kind: Some(JobKind::InventoryRetrieval),
        limit: limit.map(str::to_owned),
        ..JobRequest::default()
    };
    validate(&request, None).unwrap()
}

/// Starts a fetch in pages of `limit` archives and waits it through to its end.
/// Returns when the first page was first due to be polled, and how the fetch ended.
async fn fetch_to_the_end(
    glacier: &FakeGlacier,
    store: &mut Store,
    clock: &TestClock,
    limit: Option<&str>,
) -> (OffsetDateTime, Result<FetchOutcome, FetchError>) {
    let params = inventory_params(limit);
    let fetch = start_fetch(glacier, store, &vault(), &params, "test", START)
        .await
        .unwrap();
    let first_poll = next_poll_at(&fetch.last().job).unwrap();
    let outcome = advance(glacier, store, fetch, clock, true, "test", |_| {}).await;
    (first_poll, outcome)
}

#[tokio::test]
async fn a_paged_inventory_is_followed_on_its_schedule_into_one_snapshot() {
    let (clock, glacier, _dir, mut store) = fixture(5);
    let (first_poll, outcome) =
        fetch_to_the_end(&glacier, &mut store, clock.as_ref(), Some("2")).await;
    let outcome = outcome.unwrap();
    let FetchOutcome::Imported(Imported::New(snapshot)) = outcome else {
        panic!("expected a new snapshot, got {outcome:?}")
    };
    assert_eq!(snapshot.archive_count, 5);
    assert_eq!(
        snapshot.source,
        "Glacier inventory jobs JOB1, JOB2, JOB3 (3 pages)"
    );

    // The watcher slept until each poll was due, never in a loop of its own: the
    // first wait is the schedule's first poll, and every wait moves time on.
    let sleeps = clock.sleeps.lock().unwrap().clone();
    assert_eq!(sleeps[0], first_poll);
    assert!(
        sleeps.windows(2).all(|pair| pair[0] < pair[1]),
        "{sleeps:?}"
    );
    // Three 4-hour jobs, one after the other. Each poll came after a sleep until
    // it was due (one job at a time is watched), and each finished page was
    // described once more for its marker: no poll out of schedule.
    assert!(clock.now() >= START + JOB_TAKES * 3);
    let describes = *glacier.describes.lock().unwrap();
    assert_eq!(describes, sleeps.len() + 3, "{sleeps:?}");

    // Each page was downloaded as soon as it was ready, before the next page's job
    // (which takes hours) was even started: a long paged inventory never outlives
    // its first page's output. Once imported, the pages are gone from disk.
    let outputs = glacier.outputs.lock().unwrap().clone();
    let ids: Vec<&str> = outputs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["JOB1", "JOB2", "JOB3"]);
    let jobs = glacier.jobs.lock().unwrap();
    for (page, (_, downloaded_at)) in outputs.iter().enumerate().take(2) {
        assert!(
            *downloaded_at <= jobs[page + 1].started,
            "page {}",
            page + 1
        );
    }
    drop(jobs);
    assert!(leftovers(&store).is_empty(), "{:?}", leftovers(&store));

    // Every page's job is journaled, started by us, and noted as imported.
    let entries = store.journal(None).unwrap();
    assert_eq!(entries.len(), 3);
    let imported = store.jobs_whose_output_was(OutputUse::Imported).unwrap();
    assert!(entries.iter().all(|entry| imported.contains(&entry.id)));
    assert!(
        entries
            .iter()
            .all(|entry| entry.started_by == "test" && !entry.adopted)
    );
}

#[tokio::test]
async fn without_waiting_a_running_job_is_looked_at_once_and_left_pending() {
    let (clock, glacier, _dir, mut store) = fixture(3);
    let fetch = start_fetch(
        &glacier,
        &mut store,
        &vault(),
        &inventory_params(None),
        "test",
        START,
    )
    .await
    .unwrap();
    let outcome = advance(
        &glacier,
        &mut store,
        fetch,
        clock.as_ref(),
        false,
        "test",
        |_| {},
    )
    .await
    .unwrap();
    assert!(matches!(outcome, FetchOutcome::Pending(_)), "{outcome:?}");
    assert_eq!(*glacier.describes.lock().unwrap(), 1);
    assert!(clock.sleeps.lock().unwrap().is_empty());

    // Once the job is done, the journal's unfinished fetch is found and imported.
    *clock.now.lock().unwrap() = START + JOB_TAKES;
    let found = defrost::tracking::inventory::unfinished_fetch(&store, &vault(), clock.now())
        .unwrap()
        .expect("the fetch is still unfinished");
    assert_eq!(found.last().job.job_id, "JOB1");
    let outcome = advance(
        &glacier,
        &mut store,
        found,
        clock.as_ref(),
        false,
        "test",
        |_| {},
    )
    .await
    .unwrap();
    assert!(
        matches!(outcome, FetchOutcome::Imported(Imported::New(_))),
        "{outcome:?}"
    );
    let none =
        defrost::tracking::inventory::unfinished_fetch(&store, &vault(), clock.now()).unwrap();
    assert!(none.is_none(), "an imported fetch is finished");
}

/// The files in the snapshots folder besides snapshots: pages of a fetch.
fn leftovers(store: &Store) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(store.snapshots_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| !name.to_string_lossy().ends_with(".sqlite"))
        .collect()
}

#[tokio::test]
async fn a_page_whose_job_fails_ends_the_fetch_and_its_downloaded_pages_are_removed() {
    let (clock, glacier, _dir, mut store) = fixture(5);
    *glacier.failing_job.lock().unwrap() = Some("JOB2".into());
    let (_, outcome) = fetch_to_the_end(&glacier, &mut store, clock.as_ref(), Some("2")).await;
    let Err(FetchError::JobFailed { job_id, message }) = outcome else {
        panic!("expected the fetch to fail, got {outcome:?}")
    };
    assert_eq!(
        (job_id.as_str(), message.as_str()),
        ("JOB2", "the tape was eaten")
    );
    // The first page had been downloaded; nothing will ever import it now.
    let outputs = glacier.outputs.lock().unwrap().clone();
    assert_eq!(outputs.len(), 1, "{outputs:?}");
    assert!(leftovers(&store).is_empty(), "{:?}", leftovers(&store));
    let unfinished =
        defrost::tracking::inventory::unfinished_fetch(&store, &vault(), clock.now()).unwrap();
    assert!(unfinished.is_none(), "a failed fetch is over");
}

#[tokio::test]
async fn a_link_planted_where_the_pages_go_is_refused_and_nothing_is_written_through_it() {
    let (clock, glacier, _dir, mut store) = fixture(5);
    let params = inventory_params(Some("2"));
    let fetch = start_fetch(&glacier, &mut store, &vault(), &params, "test", START)
        .await
        .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let pages = defrost::tracking::inventory::pages_dir(&store, &fetch);
    std::os::unix::fs::symlink(elsewhere.path(), &pages).unwrap();

    let outcome = advance(
        &glacier,
        &mut store,
        fetch,
        clock.as_ref(),
        true,
        "test",
        |_| {},
    )
    .await;
    let Err(err @ FetchError::Refused(_)) = outcome else {
        panic!("expected a refusal, got {outcome:?}")
    };
    assert!(err.is_bad_input());
    let text = err.to_string();
    assert!(
        text.contains("is a symbolic link") && text.contains("inventory-fetch-"),
        "{text}"
    );
    let written: Vec<_> = std::fs::read_dir(elsewhere.path()).unwrap().collect();
    assert!(written.is_empty(), "{written:?}");
}
