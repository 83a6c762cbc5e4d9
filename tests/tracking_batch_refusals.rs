//! The batch loop carries on only what it may: a batch given up is refused
//! before anything is asked of Glacier, one given up from elsewhere while it
//! runs stops at its next round, and a migration's batch is never run as a
//! restore into a folder named like its bucket. Each refusal is the user's to
//! fix (bad input), and none of them writes a file.

mod common;
mod jobs_support;

use std::sync::atomic::{AtomicU32, Ordering};

use defrost::domain::job_params::Tier;
use defrost::glacier::SdkGlacier;
use defrost::store::{
    BatchId, BatchIntent, BatchLimits, BatchSelection, BucketTarget, PlanArchive, Store, VaultKey,
};
use defrost::tracking::batch::{BatchError, RunOptions, run_batch};
use jobs_support::{Spec, seed_vault};
use time::OffsetDateTime;

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "v".into(),
    }
}

fn options() -> RunOptions {
    RunOptions {
        no_wait: false,
        requests_per_second: 100.0,
        started_by: "tests".into(),
    }
}

/// A batch of the sandbox's archives of vault `v`, restored into `to`.
fn journal_batch(store: &mut Store, archives: &[PlanArchive], to: &str) -> BatchId {
    let selection = BatchSelection::All;
    let intent = BatchIntent {
        vault: &vault(),
        selection: &selection,
        tier: Tier::Expedited,
        to,
        limits: BatchLimits::default(),
        made_by: "tests",
        at: OffsetDateTime::now_utc(),
        archives,
    };
    store.record_batch(&intent).unwrap().0
}

fn refusal(err: &BatchError) -> String {
    assert!(err.is_bad_input(), "{err:?}");
    err.to_string()
}

#[test]
fn given_up_batches_and_migrations_are_not_run_as_restores() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sandbox = common::start_sandbox().await;
        let seeded = seed_vault(
            &sandbox,
            "v",
            &[
                Spec {
                    size: 1000,
                    description: "a.txt",
                },
                Spec {
                    size: 2000,
                    description: "b.txt",
                },
            ],
        );
        let archives: Vec<PlanArchive> = (seeded.iter())
            .map(|archive| PlanArchive {
                archive_id: archive.id.clone(),
                size: Some(archive.size),
                tree_hash: Some(archive.tree_hash.clone()),
                name: Some(archive.description.clone()),
            })
            .collect();
        let api = SdkGlacier::for_endpoint(&sandbox.endpoint_url(), "us-east-1");
        let data = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let to = folder.path().display().to_string();
        let mut store = Store::open(data.path()).unwrap();

        // Given up before it runs: refused before any job is started.
        let first = journal_batch(&mut store, &archives, &to);
        store
            .record_batch_given_up(first, OffsetDateTime::now_utc())
            .unwrap();
        let err = run_batch(&api, &mut store, first, &options(), |_, _| {}, |_| {})
            .await
            .unwrap_err();
        assert!(
            refusal(&err).contains(&format!("batch {first} was given up at")),
            "{err}"
        );
        assert!(
            store
                .batch_items(first)
                .unwrap()
                .iter()
                .all(|item| item.jobs == 0)
        );

        // Given up by another process while it runs: it stops at its next round.
        let second = journal_batch(&mut store, &archives, &to);
        let rounds = AtomicU32::new(0);
        let err = run_batch(
            &api,
            &mut store,
            second,
            &options(),
            |_, _| {},
            |_| {
                if rounds.fetch_add(1, Ordering::Relaxed) == 0 {
                    let mut other = Store::open(data.path()).unwrap();
                    other
                        .record_batch_given_up(second, OffsetDateTime::now_utc())
                        .unwrap();
                }
            },
        )
        .await
        .unwrap_err();
        assert!(refusal(&err).contains("was given up"), "{err}");
        assert_eq!(
            rounds.load(Ordering::Relaxed),
            1,
            "no round after the one that saw it"
        );

        // A migration's batch is not downloaded into a folder of its address.
        let third = journal_batch(&mut store, &archives, "s3://bucket/backup/");
        store
            .record_batch_bucket(
                third,
                &BucketTarget {
                    bucket: "bucket".into(),
                    prefix: "backup/".into(),
                    storage_class: "STANDARD".into(),
                    region: "us-east-1".into(),
                },
            )
            .unwrap();
        let err = run_batch(&api, &mut store, third, &options(), |_, _| {}, |_| {})
            .await
            .unwrap_err();
        assert!(
            refusal(&err).contains("copies its archives to s3://bucket/backup/"),
            "{err}"
        );
        assert!(std::fs::read_dir(folder.path()).unwrap().next().is_none());
    });
}
