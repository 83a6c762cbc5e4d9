//! A seeded zip end to end with the real SDK client, as a peek and a member
//! restore will use it: the tail by a ranged job, the central directory read
//! from it, then one member's span by a second job, inflated and checked.

mod common;
mod jobs_support;

use common::{client_for, start_sandbox_with};
use defrost::domain::range::{ByteRange, snap_mib};
use defrost::domain::zip::{
    EndLookup, Method, find_directory, parse_central_directory, tail_range,
};
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup, seed};
use jobs_support::{archive_job, download, start_job, tree_hash, wait_for};
use time::OffsetDateTime;

const SEED: &str = r#"
[[vaults]]
name = "office"

[[vaults.archives]]
name = "video/camera.zip"
format = "mt2"
[vaults.archives.zip]
members = 20
seed = 3
max_member_size = "1MiB"
large_member = "5GiB"
[[vaults.archives.zip.files]]
path = "docs/report.txt"
size = "300KiB"
"#;

/// The archive's id and size, from the state.
fn the_zip(sandbox: &RunningSandbox) -> (String, u64) {
    let state = sandbox.shared.lock(OffsetDateTime::now_utc());
    let archive = state.vaults["office"].archives.values().next().unwrap();
    (archive.id.clone(), archive.size)
}

/// Retrieves `range` of the archive and checks the checksum that comes with it.
async fn retrieve(client: &aws_sdk_glacier::Client, id: &str, range: ByteRange) -> Vec<u8> {
    let spec = format!("{}-{}", range.start, range.end);
    let params = archive_job(id).tier("Expedited").retrieval_byte_range(spec);
    let job = start_job(client, "office", params.build()).await;
    let done = wait_for(client, "office", &job).await;
    let (output, bytes) = download(client, "office", &job, None).await;
    assert_eq!(bytes.len() as u64, range.len());
    let hash = tree_hash(&bytes);
    assert_eq!(output.checksum(), Some(hash.as_str()));
    assert_eq!(done.sha256_tree_hash(), Some(hash.as_str()));
    bytes
}

#[tokio::test]
async fn a_peek_and_a_member_restore_work_on_a_seeded_zip64() {
    let sandbox = start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(10_000.0).unwrap(),
        seed: Some(seed::parse(SEED).unwrap()),
        ..Default::default()
    })
    .await;
    let client = client_for(&sandbox);
    let (id, size) = the_zip(&sandbox);
    assert!(size > 5 << 30);

    let tail = tail_range(size).unwrap();
    let bytes = retrieve(&client, &id, tail).await;
    let EndLookup::Found(directory) = find_directory(&bytes, size).unwrap() else {
        panic!("the zip64 end record lies in the tail");
    };
    assert!(directory.zip64 && directory.offset >= tail.start);
    let start = (directory.offset - tail.start) as usize;
    let members = parse_central_directory(&bytes[start..], &directory).unwrap();
    assert_eq!(members.len(), 22);
    assert!(members.iter().any(|member| member.size == 5 << 30));

    let report = &members[0];
    assert_eq!(report.name, "docs/report.txt");
    assert_eq!(report.method, Method::Deflated);
    // The local header's length is only known once read: take 64 KiB more.
    let want = ByteRange::new(
        report.local_header,
        (report.local_header + 30 + 65_536 + report.compressed_size).min(size) - 1,
    )
    .unwrap();
    let span = snap_mib(size, want).unwrap();
    let bytes = retrieve(&client, &id, span).await;
    let local = &bytes[(report.local_header - span.start) as usize..];
    assert_eq!(&local[..4], b"PK\x03\x04");
    let name_len = u16::from_le_bytes([local[26], local[27]]) as usize;
    let extra_len = u16::from_le_bytes([local[28], local[29]]) as usize;
    let data = &local[30 + name_len + extra_len..][..report.compressed_size as usize];
    let inflated = miniz_oxide::inflate::decompress_to_vec(data).unwrap();
    assert_eq!(inflated.len() as u64, report.size);
    assert_eq!(crc32fast::hash(&inflated), report.crc32);
}
