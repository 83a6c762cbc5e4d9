//! Output faults on real archive streams from `content::open_range`.

use axum::body::Body;
use axum::http::{StatusCode, header};
use futures_util::{StreamExt, TryStreamExt};

use super::*;
use crate::domain::range::{ByteRange, MIB};
use crate::sandbox::content::open_range;
use crate::sandbox::model::ArchiveContent;
use crate::sandbox::store::StateStore;

const SIZE: u64 = 3 * MIB + 12_345;
const VIRTUAL: ArchiveContent = ArchiveContent::Virtual { seed: 42 };

/// Everything a stream yields: the bytes before the first error, and that error.
async fn drain(
    stream: impl futures_util::Stream<Item = io::Result<Bytes>>,
) -> (Vec<u8>, Option<io::Error>) {
    let mut stream = std::pin::pin!(stream);
    let mut bytes = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(piece) => bytes.extend_from_slice(&piece),
            Err(err) => {
                assert!(stream.next().await.is_none(), "nothing follows an error");
                return (bytes, Some(err));
            }
        }
    }
    (bytes, None)
}

async fn archive_bytes(store: &StateStore, content: ArchiveContent, range: ByteRange) -> Vec<u8> {
    let (bytes, err) = drain(open_range(store, "A", content, SIZE, range)).await;
    assert!(err.is_none(), "{err:?}");
    bytes
}

fn whole() -> ByteRange {
    ByteRange::whole(SIZE).unwrap()
}

#[tokio::test]
async fn no_faults_leave_the_bytes_as_they_are() {
    let store = StateStore::open(None).unwrap();
    let clean = archive_bytes(&store, VIRTUAL, whole()).await;
    let stream = OutputFaults::none(0).apply(open_range(&store, "A", VIRTUAL, SIZE, whole()));
    let (served, err) = drain(stream).await;
    assert!(err.is_none());
    assert_eq!(served, clean);
}

#[tokio::test]
async fn a_drop_sends_exactly_the_bytes_before_it_then_an_error() {
    let store = StateStore::open(None).unwrap();
    let clean = archive_bytes(&store, VIRTUAL, whole()).await;
    // Inside a piece, on a piece boundary, and before the first byte.
    for after in [MIB + 777, 2 * MIB, 0] {
        let faults = OutputFaults {
            drop_after: Some(after),
            ..OutputFaults::none(0)
        };
        let (served, err) =
            drain(faults.apply(open_range(&store, "A", VIRTUAL, SIZE, whole()))).await;
        assert_eq!(served.len() as u64, after);
        assert_eq!(served[..], clean[..after as usize]);
        let err = err.expect("the body ends with an error");
        assert_eq!(err.kind(), io::ErrorKind::ConnectionAborted);
    }
}

#[tokio::test]
async fn a_flip_changes_one_byte_at_its_offset_in_the_output() {
    let store = StateStore::open(None).unwrap();
    let clean = archive_bytes(&store, VIRTUAL, whole()).await;
    let offset = 2 * MIB + 5;
    let faults = OutputFaults {
        flips: vec![(offset, 0x21)],
        ..OutputFaults::none(0)
    };
    let (served, err) = drain(faults.apply(open_range(&store, "A", VIRTUAL, SIZE, whole()))).await;
    assert!(err.is_none());
    let differing: Vec<usize> = (0..clean.len())
        .filter(|&i| clean[i] != served[i])
        .collect();
    assert_eq!(differing, [offset as usize]);
    assert_eq!(served[offset as usize], clean[offset as usize] ^ 0x21);
}

#[tokio::test]
async fn a_flip_lands_on_the_same_output_byte_in_a_ranged_download() {
    let store = StateStore::open(None).unwrap();
    let range = ByteRange::new(MIB, 3 * MIB - 1).unwrap();
    let clean = archive_bytes(&store, VIRTUAL, range).await;
    let offset = MIB + 10;
    let faults = OutputFaults {
        flips: vec![(offset, 0xFF)],
        ..OutputFaults::none(MIB)
    };
    let (served, _) = drain(faults.apply(open_range(&store, "A", VIRTUAL, SIZE, range))).await;
    assert_eq!(served[10], !clean[10]);
    assert_eq!(served[11..], clean[11..]);
    assert_eq!(served[..10], clean[..10]);
}

#[tokio::test]
async fn stored_archives_get_the_same_faults() {
    let store = StateStore::open(None).unwrap();
    let original: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    std::fs::write(store.archive_path("A"), &original).unwrap();
    let faults = OutputFaults {
        drop_after: Some(300_000),
        flips: vec![(299_999, 0x0F), (300_000, 0x0F)],
        ..OutputFaults::none(0)
    };
    let stream = faults.apply(open_range(
        &store,
        "A",
        ArchiveContent::Stored,
        SIZE,
        whole(),
    ));
    let (served, err) = drain(stream).await;
    assert!(err.is_some());
    assert_eq!(served.len(), 300_000);
    assert_eq!(served[..299_999], original[..299_999]);
    assert_eq!(served[299_999], original[299_999] ^ 0x0F);
}

#[tokio::test]
async fn the_output_hook_spends_a_one_shot_fault_on_one_download() {
    let running = crate::sandbox::start(Default::default()).await.unwrap();
    let shared = running.shared.clone();
    shared
        .faults
        .install([fault(
            r#"{"kind": "drop_output", "after_bytes": 1000, "vault": "v"}"#,
        )])
        .unwrap();
    let download = |vault: &str| {
        let body = open_range(&shared.store, "A", VIRTUAL, SIZE, whole());
        drain(apply_to_output(&shared, vault, "J", 0..SIZE, body))
    };
    assert_eq!(download("other").await.0.len() as u64, SIZE);
    let (first, err) = download("v").await;
    assert_eq!((first.len(), err.is_some()), (1000, true));
    assert_eq!(
        download("v").await.0.len() as u64,
        SIZE,
        "the retry is whole"
    );
    running.shutdown().await.unwrap();
}

/// A GetJobOutput-shaped response: 206 with `Content-Range` when `range` is part of
/// the output, else 200.
fn output_response(store: &StateStore, range: ByteRange) -> Response {
    let body = Body::from_stream(open_range(store, "A", VIRTUAL, SIZE, range));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, range.len().into());
    if range != whole() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        let content_range = format!("bytes {}-{}/{SIZE}", range.start, range.end);
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_RANGE, content_range.parse().unwrap());
    }
    response
}

async fn response_bytes(response: Response) -> (Vec<u8>, Option<io::Error>) {
    drain(
        response
            .into_body()
            .into_data_stream()
            .map_err(io::Error::other),
    )
    .await
}

#[tokio::test]
async fn the_response_hook_finds_the_body_in_the_output_from_its_headers() {
    let running = crate::sandbox::start(Default::default()).await.unwrap();
    let shared = running.shared.clone();
    let offset = 2 * MIB + 3;
    let flip = format!(r#"{{"kind": "flip_byte", "offset": {offset}, "xor": 1, "count": 2}}"#);
    shared.faults.install([fault(&flip)]).unwrap();
    let range = ByteRange::new(2 * MIB, 3 * MIB - 1).unwrap();
    let clean = archive_bytes(&shared.store, VIRTUAL, range).await;

    let partial = output_response(&shared.store, range);
    let (served, err) = response_bytes(apply_to_output_response(&shared, "v", "J", partial)).await;
    assert!(err.is_none());
    assert_eq!(
        served[3],
        clean[3] ^ 1,
        "the flip lands at 3 of the 206 body"
    );
    assert_eq!(served[4..], clean[4..]);

    let whole_body = output_response(&shared.store, whole());
    let (served, _) = response_bytes(apply_to_output_response(&shared, "v", "J", whole_body)).await;
    let clean = archive_bytes(&shared.store, VIRTUAL, whole()).await;
    assert_eq!(served[offset as usize], clean[offset as usize] ^ 1);
    assert!(
        shared.faults.lock().list().is_empty(),
        "both firings are spent"
    );

    let refused = GlacierError::not_found("no such job").into_response();
    let passed = apply_to_output_response(&shared, "v", "J", refused);
    assert_eq!(passed.status(), StatusCode::NOT_FOUND);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_stall_sends_exactly_the_bytes_before_it_then_nothing_more() {
    let store = StateStore::open(None).unwrap();
    let clean = archive_bytes(&store, VIRTUAL, whole()).await;
    for after in [MIB + 777, 0] {
        let faults = OutputFaults {
            stall_after: Some(after),
            ..OutputFaults::none(0)
        };
        let stream = faults.apply(open_range(&store, "A", VIRTUAL, SIZE, whole()));
        let mut stream = std::pin::pin!(stream);
        let mut served = Vec::new();
        while (served.len() as u64) < after {
            served.extend_from_slice(&stream.next().await.unwrap().unwrap());
        }
        assert_eq!(served[..], clean[..after as usize]);
        // Neither a byte nor an end nor an error: the connection just goes quiet.
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(300), stream.next());
        assert!(quiet.await.is_err(), "the body stalls after {after} bytes");
    }
}
