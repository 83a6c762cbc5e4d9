//! A peek from the screen, through the screen's real runtime (commands in,
//! messages out) against a live sandbox with the real SDK client: a real zip
//! (written by the `zip` crate) stored in the vault and listed by a cached
//! inventory is planned (nothing paid), started, taken on once its job is
//! ready, and read: its members are stored, the archive is among the listed
//! ones, and its tail is kept in the peek folder. Then one of its members is
//! restored from the members view: asked, started, unpacked and checked, and
//! never written over.

mod cli_live;
mod common;
mod jobs_support;
mod peek_support;
mod plan_support;

use std::time::{Duration, Instant};

use cli_live::POLLED_SPEEDUP;
use defrost::domain::job::ServiceSpeed;
use defrost::domain::job_params::Tier;
use defrost::domain::range::{MIB, PlanKind};
use defrost::glacier::SdkGlacier;
use defrost::store::{ArchiveRow, SnapshotInfo, Store, VaultKey};
use defrost::tracking::peek::peek_folder;
use defrost::tui::effects::ScreenWords;
use defrost::tui::keymap::Keymap;
use defrost::tui::member_restore::{MemberAsk, MemberView};
use defrost::tui::members::{Listing, PeekAsk, PeekView, ZipAnswer, ZipCmd};
use defrost::tui::msg::{Cmd, Loaded, Msg, RequestId};
use defrost::tui::runtime::{Runtime, connection};
use peek_support::{Peeking, entry, noise, text, zip_of};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const PATIENCE: Duration = Duration::from_secs(60);

/// The next answer about zips, skipping anything else the runtime says.
async fn next_zip(inbox: &mut UnboundedReceiver<Msg>) -> ZipAnswer {
    loop {
        let msg = tokio::time::timeout(PATIENCE, inbox.recv())
            .await
            .expect("the runtime answers")
            .expect("the channel stays open");
        if let Msg::Loaded(Loaded::Zip(answer)) = msg {
            return answer;
        }
    }
}

/// Takes the peek further once and says where it stands.
async fn peek(
    runtime: &Runtime<SdkGlacier>,
    inbox: &mut UnboundedReceiver<Msg>,
    ask: &PeekAsk,
    launch: bool,
) -> PeekView {
    let request = RequestId(7);
    let ask = PeekAsk {
        launch,
        ..ask.clone()
    };
    runtime.run(Cmd::Zip(ZipCmd::Peek { request, ask }));
    match next_zip(inbox).await {
        ZipAnswer::Peeked {
            request: answered,
            result,
        } => {
            assert_eq!(answered, request);
            result.expect("the peek goes on")
        }
        other => panic!("expected the peek's answer, got {other:?}"),
    }
}

async fn listing(
    runtime: &Runtime<SdkGlacier>,
    inbox: &mut UnboundedReceiver<Msg>,
    vault: &VaultKey,
    snapshot: &SnapshotInfo,
) -> Listing {
    runtime.run(Cmd::Zip(ZipCmd::Listed {
        request: RequestId(1),
        vault: vault.clone(),
        snapshot: snapshot.path.clone(),
    }));
    match next_zip(inbox).await {
        ZipAnswer::Listed { result, .. } => result.expect("the listing is read"),
        other => panic!("expected the listed archives, got {other:?}"),
    }
}

#[test]
fn the_screen_peeks_into_a_zip_in_the_vault_and_reads_its_listing() {
    let entries = vec![
        entry("docs/readme.txt", text(20_000, 1), true),
        entry("docs/notes/todo.txt", text(3_000, 2), true),
        entry("big/data.bin", noise(1_500_000, 3), false),
    ];
    let zip = zip_of(&entries);
    let peeking = Peeking::new(&[("backups/2019.zip", zip.clone())]);
    let data = peeking.data.path().to_path_buf();
    let (vault, snapshot, archive) = {
        let store = Store::open(&data).unwrap();
        let cached = store.find_vault("v", None, None).unwrap();
        let snapshot = store.snapshot_of(&cached, None).unwrap();
        let row: ArchiveRow = (store.open_snapshot(&snapshot).unwrap())
            .find_archive(&peeking.ids[0])
            .unwrap()
            .expect("the inventory lists the zip");
        (cached.key, snapshot, row)
    };

    let restores = tempfile::tempdir().unwrap();
    let to = restores.path().join("from the zip");

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    tokio.block_on(async {
        let (sender, mut inbox) = unbounded_channel();
        let glacier = SdkGlacier::for_endpoint(&peeking.live.sandbox.endpoint_url(), "us-east-1")
            .with_speed(ServiceSpeed::new(POLLED_SPEEDUP).unwrap());
        let runtime = Runtime::new(
            sender,
            data.clone(),
            connection(async move { Ok(glacier) }),
            ScreenWords::new(Keymap::defaults()),
        );
        let before = listing(&runtime, &mut inbox, &vault, &snapshot).await;
        assert!(before.ids.is_empty(), "{before:?}");

        // Asked first: the tail, planned and priced, nothing started.
        let ask = PeekAsk {
            vault: vault.clone(),
            archive: archive.clone(),
            tier: Tier::Standard,
            launch: false,
        };
        let size = zip.len() as u64;
        match peek(&runtime, &mut inbox, &ask, false).await {
            PeekView::Retrieval {
                range,
                bytes,
                jobs,
                first: true,
                started: None,
                ..
            } => {
                assert_eq!(range.end, size - 1);
                assert_eq!(range.start % MIB, 0);
                assert_eq!((bytes, jobs), (range.len(), 1));
            }
            other => panic!("expected the tail planned, got {other:?}"),
        }
        assert_eq!(peeking.jobs_started(), 0, "nothing is paid before Enter");

        // Enter: the tail's job starts, as an ordinary plan.
        let started = peek(&runtime, &mut inbox, &ask, true).await;
        assert!(
            matches!(
                started,
                PeekView::Retrieval {
                    started: Some(_),
                    ..
                }
            ),
            "{started:?}"
        );
        assert_eq!(peeking.jobs_started(), 1);

        // The key again, until the job is ready: then the tail is read.
        let deadline = Instant::now() + PATIENCE;
        let members = loop {
            match peek(&runtime, &mut inbox, &ask, false).await {
                PeekView::Listed { members } => break members,
                PeekView::Waiting { stuck: None, .. } if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                other => panic!("expected the peek to wait, then list, got {other:?}"),
            }
        };
        assert_eq!(members, entries.len());
        assert_eq!(peeking.jobs_started(), 1, "one job for the whole peek");

        // The marker's set now holds it, by id and by its place.
        let after = listing(&runtime, &mut inbox, &vault, &snapshot).await;
        assert!(after.ids.contains(&archive.archive_id));
        assert!(after.positions.contains(&archive.position));

        // Its members, as the members view reads them.
        runtime.run(Cmd::Zip(ZipCmd::Members {
            request: RequestId(3),
            vault: vault.clone(),
            archive_id: archive.archive_id.clone(),
        }));
        let listed = match next_zip(&mut inbox).await {
            ZipAnswer::Members { result, .. } => result.expect("the members are read"),
            other => panic!("expected the members, got {other:?}"),
        };
        let names: Vec<&str> = listed.iter().map(|m| m.member.name.as_str()).collect();
        let wanted: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, wanted);
        for (listed, entry) in listed.iter().zip(&entries) {
            assert_eq!(listed.member.size, entry.bytes.len() as u64);
        }

        // Once listed, the peek answers from the listing, for nothing.
        let again = peek(&runtime, &mut inbox, &ask, true).await;
        assert_eq!(
            again,
            PeekView::Listed {
                members: entries.len()
            }
        );
        assert_eq!(peeking.jobs_started(), 1);

        // A member restored from the members view: asked, started, then
        // unpacked and checked into a folder that did not exist yet.
        let todo = listed
            .iter()
            .find(|m| m.member.name == "docs/notes/todo.txt")
            .expect("the member is listed");
        let ask = MemberAsk {
            vault: vault.clone(),
            archive: archive.clone(),
            member: todo.clone(),
            plan: PlanKind::Split,
            tier: Tier::Standard,
            to: to.clone(),
            launch: false,
        };
        assert_eq!(
            restore(&runtime, &mut inbox, &ask, false).await,
            Ok(MemberView::ToPay)
        );
        assert_eq!(peeking.jobs_started(), 1, "nothing is paid before Enter");
        let started = restore(&runtime, &mut inbox, &ask, true).await;
        assert!(
            matches!(started, Ok(MemberView::Started { .. })),
            "{started:?}"
        );
        assert_eq!(peeking.jobs_started(), 2, "one job for the member's span");
        let deadline = Instant::now() + PATIENCE;
        let restored = loop {
            match restore(&runtime, &mut inbox, &ask, false).await {
                Ok(MemberView::Restored { shown, bytes, .. }) => break (shown, bytes),
                Ok(MemberView::Waiting { stuck: None, .. }) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                other => panic!("expected the restore to wait, then land, got {other:?}"),
            }
        };
        let path = to.join("docs/notes/todo.txt");
        assert_eq!(restored, (path.display().to_string(), 3_000));
        assert_eq!(std::fs::read(&path).unwrap(), entries[1].bytes);

        // Pressed again, the file there is never replaced: the screen says
        // how to go on in its own keys.
        let refused = restore(&runtime, &mut inbox, &ask, false).await;
        let problem = refused.expect_err("a file there is not replaced");
        assert!(
            problem.ends_with("is there already; move it away and press d on the member again"),
            "{problem}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), entries[1].bytes);
        assert_eq!(peeking.jobs_started(), 2, "nothing is paid again");
    });

    // What was paid for is kept where `defrost peek` keeps it, under the
    // archive's name: the tail and the member's span.
    let kept = std::fs::read_dir(peek_folder(&data, &vault).join("backups"))
        .expect("the peek folder is made")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("2019.zip.bytes-"))
        .count();
    assert_eq!(kept, 2, "the tail and the member's span");
}

/// Takes a member's restore further once and says where it stands.
async fn restore(
    runtime: &Runtime<SdkGlacier>,
    inbox: &mut UnboundedReceiver<Msg>,
    ask: &MemberAsk,
    launch: bool,
) -> Result<MemberView, String> {
    let request = RequestId(9);
    let ask = MemberAsk {
        launch,
        ..ask.clone()
    };
    runtime.run(Cmd::Zip(ZipCmd::RestoreMember { request, ask }));
    match next_zip(inbox).await {
        ZipAnswer::Member {
            request: answered,
            result,
        } => {
            assert_eq!(answered, request);
            result
        }
        other => panic!("expected the restore's answer, got {other:?}"),
    }
}
