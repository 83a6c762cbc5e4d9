//! Damaged and broken-off chunks: refetched when the fault passes, reported with
//! the chunk's range when it does not, and resumed once it is cleared.

use serde_json::json;

use crate::common::admin::{add_fault, admin};
use crate::jobs_support::MIB;
use crate::{Fixture, part_of};
use defrost::glacier::download::{DownloadError, progress_path};

#[tokio::test]
async fn a_flipped_byte_is_caught_by_the_chunk_checksum_and_refetched() {
    let fx = Fixture::new().await;
    let job = fx.retrieve(None).await;
    add_fault(
        &fx.sandbox,
        json!({"kind": "flip_byte", "vault": "v", "offset": 3 * MIB + 7}),
    )
    .await;
    let dest = fx.dest("flipped.bin");
    let outcome = fx.run(&fx.request(&job, &dest, 1)).await.unwrap();
    assert!(outcome.retried_chunks >= 1, "{outcome:?}");
    assert_eq!(outcome.tree_hash, fx.whole_hash());
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
    let (_, listed) = admin(&fx.sandbox, "GET", "/_sandbox/faults", "").await;
    assert_eq!(listed, json!({"faults": []}), "the fault fired");
}

#[tokio::test]
async fn a_body_cut_short_is_refetched() {
    let fx = Fixture::new().await;
    let job = fx.retrieve(None).await;
    add_fault(
        &fx.sandbox,
        json!({"kind": "drop_output", "vault": "v", "after_bytes": 1000}),
    )
    .await;
    let dest = fx.dest("dropped.bin");
    let outcome = fx.run(&fx.request(&job, &dest, 2)).await.unwrap();
    assert!(outcome.retried_chunks >= 1, "{outcome:?}");
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
}

#[tokio::test]
async fn a_persistent_flip_stops_with_the_chunk_range_and_keeps_the_evidence() {
    let fx = Fixture::new().await;
    let job = fx.retrieve(None).await;
    let fault =
        json!({"kind": "flip_byte", "vault": "v", "offset": 2 * MIB + 5, "persistent": true});
    add_fault(&fx.sandbox, fault).await;
    let dest = fx.dest("evidence.bin");
    let err = fx.run(&fx.request(&job, &dest, 1)).await.unwrap_err();
    assert!(
        matches!(err, DownloadError::ChunkUnverified { attempts: 3, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("bytes {}-{}", 2 * MIB, 3 * MIB - 1)),
        "{message}"
    );
    assert!(message.contains("evidence.bin.part"), "{message}");
    assert!(!dest.exists());
    assert!(part_of(&dest).exists());
    assert!(progress_path(&part_of(&dest), 0).exists());
}

#[tokio::test]
async fn a_rerun_resumes_after_a_failed_chunk_without_refetching_verified_ones() {
    let fx = Fixture::new().await;
    let job = fx.retrieve(None).await;
    let fault =
        json!({"kind": "flip_byte", "vault": "v", "offset": 4 * MIB + 1, "persistent": true});
    add_fault(&fx.sandbox, fault).await;
    let dest = fx.dest("resumed.bin");
    // One chunk at a time, so chunks 0-3 are verified before chunk 4 fails.
    let request = defrost::glacier::download::DownloadRequest {
        parallel: 1,
        ..fx.request(&job, &dest, 1)
    };
    let err = fx.run(&request).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("{}-{}", 4 * MIB, 5 * MIB - 1)),
        "{err}"
    );

    admin(&fx.sandbox, "DELETE", "/_sandbox/faults", "").await;
    // Any request for an already verified chunk would now break off and be retried.
    add_fault(
        &fx.sandbox,
        json!({"kind": "drop_output", "vault": "v", "after_bytes": 0, "persistent": true}),
    )
    .await;
    let mut first_report = None;
    let failed = defrost::glacier::download::download(&fx.api, &request, |p| {
        first_report.get_or_insert(p);
    })
    .await
    .unwrap_err();
    // Chunk 4 was asked for (the rest had been verified) and broke off every time.
    assert!(
        failed
            .to_string()
            .contains(&format!("{}-{}", 4 * MIB, 5 * MIB - 1)),
        "{failed}"
    );
    assert_eq!(first_report.unwrap().verified_bytes, 4 * MIB);

    admin(&fx.sandbox, "DELETE", "/_sandbox/faults", "").await;
    let outcome = fx.run(&request).await.unwrap();
    assert_eq!(outcome.resumed_chunks, 4, "{outcome:?}");
    assert!(!outcome.started_over);
    assert_eq!(outcome.tree_hash, fx.whole_hash());
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
}

#[tokio::test]
async fn a_progress_file_of_another_chunk_size_is_discarded() {
    let fx = Fixture::new().await;
    let job = fx.retrieve(None).await;
    let fault =
        json!({"kind": "flip_byte", "vault": "v", "offset": 4 * MIB + 1, "persistent": true});
    add_fault(&fx.sandbox, fault).await;
    let dest = fx.dest("restart.bin");
    let request = defrost::glacier::download::DownloadRequest {
        parallel: 1,
        ..fx.request(&job, &dest, 1)
    };
    fx.run(&request).await.unwrap_err();
    admin(&fx.sandbox, "DELETE", "/_sandbox/faults", "").await;
    let outcome = fx.run(&fx.request(&job, &dest, 2)).await.unwrap();
    assert!(outcome.started_over);
    assert_eq!(outcome.resumed_chunks, 0);
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_aborted_after_its_first_chunk_resumes_from_there() {
    let fx = std::sync::Arc::new(Fixture::new().await);
    let job = fx.retrieve(None).await;
    let dest = fx.dest("aborted.bin");
    let request = defrost::glacier::download::DownloadRequest {
        parallel: 1,
        ..fx.request(&job, &dest, 1)
    };
    let (verified, first_chunk) = tokio::sync::oneshot::channel();
    let mut verified = Some(verified);
    let task = {
        let (fx, request) = (std::sync::Arc::clone(&fx), request.clone());
        tokio::spawn(async move {
            defrost::glacier::download::download(&fx.api, &request, move |p| {
                if p.verified_bytes > 0
                    && let Some(verified) = verified.take()
                {
                    let _ = verified.send(());
                    // Hold the download here (no further chunk can be written)
                    // until the abort below has been requested.
                    std::thread::sleep(std::time::Duration::from_millis(300));
                }
            })
            .await
        })
    };
    first_chunk.await.unwrap();
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(!dest.exists());

    let outcome = fx.run(&request).await.unwrap();
    assert_eq!(outcome.resumed_chunks, 1, "{outcome:?}");
    assert_eq!(outcome.tree_hash, fx.whole_hash());
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
}
