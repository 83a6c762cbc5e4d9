//! The S3 client of migrations against moto's S3 server, an implementation
//! defrost's authors did not write: the behaviours of `s3_behaviour`, held to
//! moto's known departures from AWS (see MOTO.md): it echoes the checksum a
//! part is sent with without checking it and lists none, writes a multipart
//! checksum without its part count, and answers UploadPart and
//! CompleteMultipartUpload for an unknown upload with a 500. `tests/sandbox_s3.rs` runs the same behaviours against the sandbox.

mod moto_server;
mod s3_behaviour;

use defrost::s3::SdkS3;
use moto_server::MotoServer;
use s3_behaviour::{MOTO, REGION, create_bucket, runtime};

/// moto, with an empty bucket and a client for it.
async fn bucket(moto: &MotoServer) -> SdkS3 {
    create_bucket(&moto.endpoint, "vault-copy").await;
    SdkS3::for_endpoint(&moto.endpoint, REGION, "vault-copy")
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn a_two_part_upload_keeps_its_class_metadata_and_checksum_and_reads_back() {
    let moto = MotoServer::start();
    runtime().block_on(async {
        let store = bucket(&moto).await;
        s3_behaviour::a_two_part_upload_keeps_its_class_metadata_and_checksum_and_reads_back(
            MOTO, &store,
        )
        .await;
    });
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn an_interrupted_upload_is_found_resumed_and_completed_and_a_leftover_aborted() {
    let moto = MotoServer::start();
    runtime().block_on(async {
        let store = bucket(&moto).await;
        s3_behaviour::an_interrupted_upload_is_found_resumed_and_completed_and_a_leftover_aborted(
            MOTO, &store,
        )
        .await;
    });
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn missing_things_and_frozen_objects_are_clear_errors() {
    let moto = MotoServer::start();
    runtime().block_on(async {
        let store = bucket(&moto).await;
        let absent = store.with_bucket("no-such-bucket");
        s3_behaviour::missing_things_and_frozen_objects_are_clear_errors(MOTO, &store, &absent)
            .await;
    });
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn an_unknown_upload_and_a_short_part_are_refused() {
    let moto = MotoServer::start();
    runtime().block_on(async {
        let store = bucket(&moto).await;
        s3_behaviour::an_unknown_upload_and_a_short_part_are_refused(MOTO, &store).await;
    });
}
