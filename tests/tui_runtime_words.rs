//! What the screen's status bar says when the engine refuses, driven through the
//! real runtime against the sandbox: the remedy in the screen's terms, or the
//! engine's neutral words, never a command-line option the screen has no place
//! to type.

mod common;
mod jobs_support;

use std::time::Duration;

use defrost::domain::range::PlanKind;
use defrost::glacier::SdkGlacier;
use defrost::sandbox::{SandboxOptions, Speedup};
use defrost::store::VaultKey;
use defrost::tracking::launch::{RetrievalRequest, plan_jobs};
use defrost::tui::effects::ScreenWords;
use defrost::tui::keymap::Keymap;
use defrost::tui::msg::{Cmd, Loaded, Msg};
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

/// A runtime on the sandbox at `url`, with its cache in `data`.
fn runtime_on(url: &str, data: &std::path::Path) -> (Runtime<SdkGlacier>, UnboundedReceiver<Msg>) {
    let (sender, inbox) = unbounded_channel();
    let glacier = SdkGlacier::for_endpoint(url, "us-east-1");
    let runtime = Runtime::new(
        sender,
        data.to_path_buf(),
        connection(async move { Ok(glacier) }),
        ScreenWords::new(Keymap::defaults()),
    );
    (runtime, inbox)
}

fn vault(name: &str) -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: name.into(),
    }
}

/// Downloads the job into `to` through the runtime; the outcome as the screen
/// receives it.
async fn download(
    runtime: &Runtime<SdkGlacier>,
    inbox: &mut UnboundedReceiver<Msg>,
    job_id: &str,
    to: &std::path::Path,
) -> Result<String, String> {
    runtime.run(Cmd::Download {
        vault: vault("v"),
        job_id: job_id.to_owned(),
        to: to.to_path_buf(),
    });
    loop {
        match next(inbox).await {
            Msg::Loaded(Loaded::DownloadProgress { .. }) => {}
            Msg::Loaded(Loaded::DownloadFinished { result, .. }) => return result,
            other => panic!("unexpected message {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_already_downloaded_asks_for_another_folder_not_an_option() {
    // Slow enough that the output window outlasts the test on a loaded machine.
    let sandbox = common::start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(100.0).unwrap(),
        ..Default::default()
    })
    .await;
    let archive_id = vault_with_one_archive(&sandbox, 4321);
    let client = common::client_for(&sandbox);
    let job_id = start_job(&client, "v", archive_job(&archive_id).build()).await;
    finish_now(&sandbox, &job_id);
    wait_for(&client, "v", &job_id).await;

    let data = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    let (runtime, mut inbox) = runtime_on(&sandbox.endpoint_url(), data.path());
    let first = download(&runtime, &mut inbox, &job_id, to.path()).await;
    assert!(first.is_ok(), "{first:?}");

    let again = download(&runtime, &mut inbox, &job_id, to.path())
        .await
        .expect_err("the file is there already");
    assert!(
        again.contains(&archive_id) && again.contains("choose another folder"),
        "{again}"
    );
    assert!(!again.contains("--"), "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_into_a_vault_glacier_does_not_know_names_no_option() {
    let sandbox = common::start_sandbox().await;
    let data = tempfile::tempdir().unwrap();
    let (runtime, mut inbox) = runtime_on(&sandbox.endpoint_url(), data.path());
    let planned = plan_jobs(&RetrievalRequest {
        archive_id: "some-archive".into(),
        archive_size: Some(1 << 20),
        want: None,
        plan: PlanKind::Split,
        tier: Some("Bulk".into()),
        sns_topic: None,
    })
    .unwrap();
    runtime.run(Cmd::Launch {
        vault: vault("nowhere"),
        planned,
    });
    let problem = match next(&mut inbox).await {
        Msg::Loaded(Loaded::Launched(result)) => result.expect_err("no such vault"),
        other => panic!("expected the launch's outcome, got {other:?}"),
    };
    assert!(
        problem.contains("no vault 'nowhere'") && problem.contains("and the region"),
        "{problem}"
    );
    assert!(!problem.contains("--"), "{problem}");
}
