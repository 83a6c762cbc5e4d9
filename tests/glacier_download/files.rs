//! Where the bytes go: a split plan assembled in one file, and an existing
//! destination left alone.

use defrost::glacier::download::{
    Destination, DownloadError, DownloadRequest, finish_part, progress_path,
};

use crate::jobs_support::MIB;
use crate::{Fixture, SIZE, part_of};

#[tokio::test]
async fn two_tree_aligned_range_jobs_assemble_into_the_whole_archive() {
    let fx = Fixture::new().await;
    let size = SIZE as u64;
    let first = fx.retrieve(Some((0, 4 * MIB - 1))).await;
    let second = fx.retrieve(Some((4 * MIB, size - 1))).await;
    // Both halves are tree-hash aligned, so Glacier reports their hashes.
    assert!(first.sha256_tree_hash.is_some() && second.sha256_tree_hash.is_some());
    let dest = fx.dest("assembled.bin");
    // The second half first: the order does not matter.
    for job in [&second, &first] {
        let request = DownloadRequest {
            keep_part: true,
            ..fx.request(job, &dest, 1)
        };
        let outcome = fx.run(&request).await.unwrap();
        assert_eq!(outcome.path, part_of(&dest));
        assert_eq!(outcome.tree_hash, job.sha256_tree_hash.unwrap());
        assert!(!dest.exists(), "nothing is final before the caller says so");
    }
    assert!(progress_path(&part_of(&dest), 4 * MIB).exists());

    let hash = finish_part(
        &Destination::at(&dest).unwrap(),
        size,
        Some(fx.whole_hash()),
        false,
    )
    .await
    .unwrap();
    assert_eq!(hash, fx.whole_hash());
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
    let left: Vec<_> = std::fs::read_dir(fx.dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "the part and both progress files are gone");
}

#[tokio::test]
async fn finishing_a_split_plan_with_a_range_missing_refuses() {
    let fx = Fixture::new().await;
    let first = fx.retrieve(Some((0, 4 * MIB - 1))).await;
    let dest = fx.dest("half.bin");
    let request = DownloadRequest {
        keep_part: true,
        ..fx.request(&first, &dest, 2)
    };
    fx.run(&request).await.unwrap();
    let err = finish_part(&Destination::at(&dest).unwrap(), SIZE as u64, None, false)
        .await
        .unwrap_err();
    assert!(matches!(err, DownloadError::Incomplete { .. }), "{err:?}");
    assert!(err.to_string().contains("missing ranges"), "{err}");
    assert!(!dest.exists());
}

#[tokio::test]
async fn the_last_range_alone_is_incomplete_though_the_file_is_full_length() {
    let fx = Fixture::new().await;
    let size = SIZE as u64;
    let last = fx.retrieve(Some((4 * MIB, size - 1))).await;
    let dest = fx.dest("hole.bin");
    let request = DownloadRequest {
        keep_part: true,
        ..fx.request(&last, &dest, 1)
    };
    fx.run(&request).await.unwrap();
    assert_eq!(std::fs::metadata(part_of(&dest)).unwrap().len(), size);
    let err = finish_part(
        &Destination::at(&dest).unwrap(),
        size,
        Some(fx.whole_hash()),
        false,
    )
    .await
    .unwrap_err();
    match err {
        DownloadError::Incomplete {
            expected, actual, ..
        } => assert_eq!((expected, actual), (size, size - 4 * MIB)),
        other => panic!("{other:?}"),
    }
    assert!(!dest.exists());
}

#[tokio::test]
async fn an_existing_destination_is_refused_before_any_request() {
    let fx = Fixture::new().await;
    let dest = fx.dest("taken.bin");
    std::fs::write(&dest, b"keep me").unwrap();
    // A job id the service does not know: any request would fail differently.
    let request = DownloadRequest {
        vault: "v".into(),
        job_id: "no-such-job".into(),
        output_length: SIZE as u64,
        expected_tree_hash: None,
        archive_offset: 0,
        destination: Destination::at(&dest).unwrap(),
        chunk_size: MIB,
        parallel: 2,
        overwrite: false,
        keep_part: false,
    };
    let err = fx.run(&request).await.unwrap_err();
    assert!(
        matches!(err, DownloadError::DestinationExists { .. }),
        "{err:?}"
    );
    // The remedy is in words any front end can use; each names its own option.
    let text = err.to_string();
    assert!(
        text.contains("exists; it is replaced only when asked to overwrite")
            && !text.contains("--"),
        "{text}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"keep me");
    assert!(!part_of(&dest).exists());

    let bad = DownloadRequest {
        chunk_size: 3 * MIB,
        overwrite: true,
        ..request
    };
    let err = fx.run(&bad).await.unwrap_err();
    assert!(matches!(err, DownloadError::BadChunkSize { .. }), "{err:?}");
}
