//! The screen's real runtime, driven as the app drives it (commands in,
//! messages out) against the in-process sandbox through the real SDK client:
//! a policy read and a verified download, with its progress, end to end.

mod common;
mod jobs_support;

use std::time::Duration;

use defrost::glacier::SdkGlacier;
use defrost::sandbox::{SandboxOptions, Speedup};
use defrost::store::VaultKey;
use defrost::tui::effects::ScreenWords;
use defrost::tui::keymap::Keymap;
use defrost::tui::msg::{Cmd, Loaded, Msg, RequestId};
use defrost::tui::runtime::{Runtime, connection};
use jobs_support::{archive_job, finish_now, start_job, vault_with_one_archive, wait_for};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// The next message the runtime sends, within a generous time.
async fn next(inbox: &mut UnboundedReceiver<Msg>) -> Msg {
    tokio::time::timeout(Duration::from_secs(30), inbox.recv())
        .await
        .expect("the runtime answers")
        .expect("the channel stays open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_reads_the_policy_and_downloads_a_ready_job_verified() {
    // Slow enough that the output window outlasts the test on a loaded machine.
    let sandbox = common::start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(100.0).unwrap(),
        ..Default::default()
    })
    .await;
    let size = (2 << 20) + 4321;
    let archive_id = vault_with_one_archive(&sandbox, size);
    let client = common::client_for(&sandbox);
    let job_id = start_job(&client, "v", archive_job(&archive_id).build()).await;
    finish_now(&sandbox, &job_id);
    let described = wait_for(&client, "v", &job_id).await;

    let data = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    let (sender, mut inbox) = unbounded_channel();
    let glacier = SdkGlacier::for_endpoint(&sandbox.endpoint_url(), "us-east-1");
    let runtime = Runtime::new(
        sender,
        data.path().to_path_buf(),
        connection(async move { Ok(glacier) }),
        ScreenWords::new(Keymap::defaults()),
    );

    let request = RequestId::default();
    runtime.run(Cmd::LoadPolicy { request });
    match next(&mut inbox).await {
        Msg::Loaded(Loaded::Policy { result, .. }) => {
            assert!(result.is_ok(), "{result:?}");
        }
        other => panic!("expected the policy, got {other:?}"),
    }

    let vault = VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "v".into(),
    };
    runtime.run(Cmd::Download {
        vault,
        job_id: job_id.clone(),
        to: to.path().to_path_buf(),
    });
    let mut last_progress = None;
    let summary = loop {
        match next(&mut inbox).await {
            Msg::Loaded(Loaded::DownloadProgress { done, total, .. }) => {
                assert_eq!(total, size);
                last_progress = Some(done);
            }
            Msg::Loaded(Loaded::DownloadFinished { job_id: id, result }) => {
                assert_eq!(id, job_id);
                break result.expect("the download succeeds");
            }
            other => panic!("unexpected message {other:?}"),
        }
    };
    assert_eq!(last_progress, Some(size));
    let expected = described.sha256_tree_hash().unwrap();
    assert!(summary.contains(expected), "{summary}");
    // No inventory is cached, so the archive lands under its id.
    let bytes = std::fs::read(to.path().join(&archive_id)).unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert_eq!(common::tree_hash(&bytes), expected);
}
