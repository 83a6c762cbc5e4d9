//! A batch from the screen, through the screen's real runtime (commands in,
//! messages out) against a live sandbox with the real SDK client: the summary
//! of the marked archives, starting their jobs, and downloading everything
//! ready, each file whole and verified and one job per archive. A batch whose
//! starting is gone on with starts nothing twice.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use std::time::{Duration, Instant};

use defrost::domain::cost::PriceTable;
use defrost::domain::job::ServiceSpeed;
use defrost::domain::job_params::Tier;
use defrost::glacier::SdkGlacier;
use defrost::store::{BatchId, Store, VaultKey};
use defrost::tui::batch::{BatchAsk, Prepared};
use defrost::tui::effects::ScreenWords;
use defrost::tui::keymap::Keymap;
use defrost::tui::msg::{BatchNews, Cmd, Journal, Loaded, Msg, RequestId};
use defrost::tui::runtime::{Runtime, connection};
use restore_support::{Restore, files};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// Outputs stay downloadable for 24 hours / 2000, 43 seconds; a Standard job
/// is ready within 9.
const SPEEDUP: u32 = 2000;

const PATIENCE: Duration = Duration::from_secs(60);

async fn next(inbox: &mut UnboundedReceiver<Msg>) -> Msg {
    tokio::time::timeout(PATIENCE, inbox.recv())
        .await
        .expect("the runtime answers")
        .expect("the channel stays open")
}

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "v".into(),
    }
}

/// The screen's runtime on `setup`'s data folder and sandbox.
fn runtime(setup: &Restore) -> (Runtime<SdkGlacier>, UnboundedReceiver<Msg>) {
    let (sender, inbox) = unbounded_channel();
    let glacier = SdkGlacier::for_endpoint(&setup.live.sandbox.endpoint_url(), "us-east-1")
        .with_speed(ServiceSpeed::new(SPEEDUP).unwrap());
    let runtime = Runtime::new(
        sender,
        setup.data.path().to_path_buf(),
        connection(async move { Ok(glacier) }),
        ScreenWords::new(Keymap::defaults()),
    );
    (runtime, inbox)
}

/// Asks what a batch of every archive of the vault would do, into `setup.to`.
async fn prepare(
    setup: &Restore,
    runtime: &Runtime<SdkGlacier>,
    inbox: &mut UnboundedReceiver<Msg>,
) -> Prepared {
    let store = Store::open(setup.data.path()).unwrap();
    let cached = store.find_vault("v", None, None).unwrap();
    let snapshot = store.snapshot_of(&cached, None).unwrap();
    let request = RequestId(1);
    runtime.run(Cmd::PrepareBatch {
        request,
        ask: BatchAsk {
            vault: vault(),
            snapshot: snapshot.path.clone(),
            positions: (1..=setup.archives.len() as u32).collect(),
            tier: Tier::Standard,
            to: setup.to.path().to_path_buf(),
            prices: PriceTable::published().unwrap(),
        },
    });
    match next(inbox).await {
        Msg::Loaded(Loaded::BatchPrepared { request: r, result }) if r == request => {
            result.expect("the batch is prepared")
        }
        other => panic!("expected the summary, got {other:?}"),
    }
}

/// Follows the batch's news until it ends: its id, the starts, and the outcome.
async fn until_ended(inbox: &mut UnboundedReceiver<Msg>) -> (BatchId, u64, String) {
    let mut started = 0;
    loop {
        match next(inbox).await {
            Msg::Loaded(Loaded::Batch(BatchNews::Started { .. })) => started += 1,
            Msg::Loaded(Loaded::Batch(BatchNews::Ended { batch, result })) => {
                return (batch, started, result.expect("the batch's work succeeds"));
            }
            Msg::Loaded(Loaded::Batch(_)) => {}
            other => panic!("unexpected message {other:?}"),
        }
    }
}

/// Reads the journal through the runtime until every archive of the batch is
/// ready (or restored).
async fn until_ready(runtime: &Runtime<SdkGlacier>, inbox: &mut UnboundedReceiver<Msg>) -> Journal {
    let began = Instant::now();
    loop {
        runtime.run(Cmd::SyncJobs {
            vaults: vec![vault()],
            open_batches: Vec::new(),
        });
        let journal = loop {
            match next(inbox).await {
                Msg::Loaded(Loaded::Jobs(result)) => break result.expect("the journal reads"),
                Msg::Loaded(Loaded::JobNames(_)) => {}
                other => panic!("unexpected message {other:?}"),
            }
        };
        let counts = journal.batches[0].tally.counts;
        if counts.ready + counts.restored == counts.archives {
            return journal;
        }
        assert!(began.elapsed() < PATIENCE, "never ready: {counts:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[test]
fn a_batch_from_the_screen_starts_one_job_per_archive_and_downloads_them_verified() {
    let names = [
        "scans/box-1/page-1.tif",
        "scans/box-1/page-2.tif",
        "scans/box-2/page-3.tif",
        "notes.txt",
    ];
    let archives: Vec<(&str, u64)> = names
        .iter()
        .enumerate()
        .map(|(n, name)| (*name, 3000 + 1000 * n as u64))
        .collect();
    let setup = Restore::sized_at(SPEEDUP, &archives);
    let tokio = tokio::runtime::Runtime::new().unwrap();
    tokio.block_on(async {
        let (runtime, mut inbox) = runtime(&setup);
        let prepared = prepare(&setup, &runtime, &mut inbox).await;
        assert_eq!(prepared.0.summary.to_start.archives, 4);
        assert!(
            setup.jobs_started().is_empty(),
            "preparing pays for nothing"
        );

        runtime.run(Cmd::StartBatch {
            prepared,
            tier: Tier::Standard,
        });
        match next(&mut inbox).await {
            Msg::Loaded(Loaded::Batch(BatchNews::Recorded { to_start, .. })) => {
                assert_eq!(to_start, 4);
            }
            other => panic!("expected the batch journaled, got {other:?}"),
        }
        let (batch, started, said) = until_ended(&mut inbox).await;
        assert_eq!(started, 4, "{said}");
        assert!(said.contains("4 archives have their jobs"), "{said}");

        let journal = until_ready(&runtime, &mut inbox).await;
        assert!(journal.plans.is_empty(), "a batch's plans are its row's");
        assert!(journal.entries.is_empty(), "a batch's jobs are its row's");

        runtime.run(Cmd::DownloadBatch {
            batch,
            to: setup.to.path().to_path_buf(),
        });
        let mut progress = 0;
        let said = loop {
            match next(&mut inbox).await {
                Msg::Loaded(Loaded::Batch(BatchNews::Downloading { .. })) => progress += 1,
                Msg::Loaded(Loaded::Batch(BatchNews::Ended { result, .. })) => {
                    break result.expect("the downloads succeed");
                }
                other => panic!("unexpected message {other:?}"),
            }
        };
        assert!(progress >= 4, "progress is reported");
        assert!(said.contains("4 archives verified into"), "{said}");

        // Going on with the batch now starts nothing: every archive has its job.
        runtime.run(Cmd::ResumeBatch { batch });
        let (_, started, _) = until_ended(&mut inbox).await;
        assert_eq!(started, 0);
    });
    assert_eq!(files(setup.to.path()).len(), names.len());
    setup.assert_all_restored_once();
}

#[test]
fn a_folder_that_cannot_be_made_is_said_before_anything_is_started() {
    let setup = Restore::sized_at(SPEEDUP, &[("a.txt", 100)]);
    let blocker = setup.to.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let tokio = tokio::runtime::Runtime::new().unwrap();
    tokio.block_on(async {
        let (runtime, mut inbox) = runtime(&setup);
        runtime.run(Cmd::PrepareBatch {
            request: RequestId(9),
            ask: BatchAsk {
                vault: vault(),
                snapshot: setup.data.path().join("no-such-snapshot"),
                positions: vec![1],
                tier: Tier::Bulk,
                to: blocker.join("inside"),
                prices: PriceTable::published().unwrap(),
            },
        });
        match next(&mut inbox).await {
            Msg::Loaded(Loaded::BatchPrepared {
                result: Err(said), ..
            }) => {
                assert!(said.starts_with("cannot create the folder"), "{said}");
                assert!(said.ends_with("choose another"), "{said}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    });
    assert!(setup.jobs_started().is_empty());
}
