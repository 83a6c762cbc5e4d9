//! A migration from the screen, end to end: the screen's own `update` driven
//! by keys, its commands run by its real runtime against a live sandbox that
//! serves S3 too, through the real SDK clients. Archives are marked, the
//! migration dialog refuses a bucket that does not exist on the bucket's
//! field, takes the right one, shows the summary, and the migration copies
//! exactly the marked archives into the bucket, whole and checked against
//! their tree hashes, one job each, with a manifest; the vaults pane then
//! counts them copied. The drain key on the vault then deletes exactly the
//! copied archives from the vault, and the vaults pane counts them deleted.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use defrost::domain::job::ServiceSpeed;
use defrost::glacier::SdkGlacier;
use defrost::s3::{ObjectStore, SdkS3};
use defrost::tui::config::Config;
use defrost::tui::drain::DrainStage;
use defrost::tui::effects::{S3Access, ScreenWords};
use defrost::tui::keymap::Keymap;
use defrost::tui::migration::{Field, MigrationStage};
use defrost::tui::model::{Dialog, Model, Session};
use defrost::tui::msg::{Cmd, Msg};
use defrost::tui::runtime::{Runtime, connection};
use defrost::tui::update::{start, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use restore_support::Restore;
use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// A Standard or Expedited job is ready within seconds; outputs stay for 43.
const SPEEDUP: u32 = 2000;

const PATIENCE: Duration = Duration::from_secs(90);

const BUCKET: &str = "screen-copy";

/// The screen as the app runs it, minus the terminal: messages go through
/// `update`, and the commands it returns to the runtime.
struct Screen {
    model: Model,
    runtime: Runtime<SdkGlacier>,
    inbox: UnboundedReceiver<Msg>,
}

impl Screen {
    fn new(setup: &Restore, s3_url: &str) -> Screen {
        let (sender, inbox) = unbounded_channel();
        let glacier = SdkGlacier::for_endpoint(&setup.live.sandbox.endpoint_url(), "us-east-1")
            .with_speed(ServiceSpeed::new(SPEEDUP).unwrap());
        let runtime = Runtime::new(
            sender,
            setup.data.path().to_path_buf(),
            connection(async move { Ok(glacier) }),
            ScreenWords::new(Keymap::defaults()),
        )
        .with_s3(S3Access::Local {
            endpoint_url: s3_url.to_owned(),
        });
        let session = Session {
            read_only: false,
            banner: None,
            speed: ServiceSpeed::new(SPEEDUP).unwrap(),
            endpoint_url: Some(setup.live.sandbox.endpoint_url()),
            region: Some("us-east-1".into()),
            download_dir: PathBuf::from(setup.to.path()),
            default_bucket: Some(BUCKET.into()),
            s3_endpoint_url: Some(s3_url.to_owned()),
        };
        let model = Model::new(
            Config::defaults(),
            session,
            OffsetDateTime::now_utc(),
            120,
            40,
        );
        Screen {
            model,
            runtime,
            inbox,
        }
    }

    fn run(&self, cmds: Vec<Cmd>) {
        for cmd in cmds {
            match cmd {
                Cmd::Bell | Cmd::Quit | Cmd::CopyToClipboard(_) => {}
                other => self.runtime.run(other),
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        let msg = Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        let cmds = update(&mut self.model, msg, OffsetDateTime::now_utc());
        self.run(cmds);
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Feeds the runtime's messages through `update` until `done` holds.
    async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let began = Instant::now();
        while !done(&self.model) {
            let left = PATIENCE.saturating_sub(began.elapsed());
            let msg = match tokio::time::timeout(left, self.inbox.recv()).await {
                Ok(Some(msg)) => msg,
                _ => panic!("never {what}; the status bar says {:?}", self.model.status),
            };
            let cmds = update(&mut self.model, msg, OffsetDateTime::now_utc());
            self.run(cmds);
        }
    }

    fn stage(&self) -> Option<&MigrationStage> {
        match &self.model.dialog {
            Some(Dialog::Migration(dialog)) => Some(&dialog.stage),
            _ => None,
        }
    }

    fn drawn(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|frame| defrost::tui::view::draw(frame, &self.model))
            .unwrap();
        let buffer = terminal.backend().buffer();
        let mut text = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }
}

async fn create_bucket(s3_url: &str) {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(s3_url)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
        .create_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .unwrap();
}

#[test]
fn marked_archives_are_copied_into_the_bucket_from_the_screen_and_counted_in_the_vaults_pane() {
    let mib = 1u64 << 20;
    let archives = [
        ("scans/page-1.tif", 3000),
        ("scans/page-2.tif", 9 * mib + 17),
        ("notes.txt", 1200),
    ];
    let live = cli_live::live_sandbox_with_s3(SPEEDUP);
    let setup = Restore::sized_on(live, SPEEDUP, &archives);
    let s3_url = common::s3_url(&setup.live.sandbox);
    let tokio = tokio::runtime::Runtime::new().unwrap();
    tokio.block_on(async {
        create_bucket(&s3_url).await;
        let mut screen = Screen::new(&setup, &s3_url);
        let first = start(&mut screen.model);
        screen.run(first);
        screen
            .until("listed the vault's archives", |model| {
                model.archives.loaded && model.archives.total == 3
            })
            .await;
        // Sorted by name: notes.txt first, then the two scans, marked.
        screen.key(KeyCode::Down);
        screen.key(KeyCode::Char(' '));
        screen.key(KeyCode::Char(' '));
        assert_eq!(screen.model.archives.marks.count(), 2);

        screen.key(KeyCode::Char('m'));
        // A bucket that is not there is refused on the bucket's field.
        for _ in 0..BUCKET.len() {
            screen.key(KeyCode::Backspace);
        }
        screen.typed("no-such-bucket");
        screen.key(KeyCode::Enter);
        screen
            .until("refused the missing bucket", |model| {
                matches!(&model.dialog, Some(Dialog::Migration(d)) if d.refusal.is_some())
            })
            .await;
        let Some(Dialog::Migration(dialog)) = &screen.model.dialog else {
            unreachable!()
        };
        assert_eq!(dialog.field, Field::Bucket);
        let refusal = dialog.refusal.clone().unwrap();
        assert!(refusal.contains("no-such-bucket"), "{refusal}");
        assert!(
            refusal.contains("type the name of a bucket that exists, then press Enter"),
            "{refusal}"
        );
        assert!(setup.jobs_started().is_empty(), "a refusal pays for nothing");

        for _ in 0.."no-such-bucket".len() {
            screen.key(KeyCode::Backspace);
        }
        screen.typed(BUCKET);
        // STANDARD, so the objects read back at once; Expedited, to be quick.
        screen.key(KeyCode::Tab);
        screen.key(KeyCode::Tab);
        screen.key(KeyCode::Up);
        screen.key(KeyCode::Tab);
        screen.key(KeyCode::Down);
        screen.key(KeyCode::Down);
        screen.key(KeyCode::Enter);
        screen
            .until("showed the summary", |model| {
                matches!(&model.dialog, Some(Dialog::Migration(d)) if matches!(d.stage, MigrationStage::Ready(_)))
            })
            .await;
        let Some(MigrationStage::Ready(migrating)) = screen.stage() else {
            unreachable!()
        };
        assert_eq!(migrating.prepared.batch.summary.to_start.archives, 2);
        assert_eq!(migrating.prepared.target.storage_class, "STANDARD");
        let summary = screen.drawn();
        assert!(summary.contains("into s3://screen-copy/v/ (STANDARD, bucket in us-east-1)"), "{summary}");
        assert!(setup.jobs_started().is_empty(), "the summary pays for nothing");

        screen.key(KeyCode::Enter);
        assert!(screen.model.dialog.is_none());
        screen
            .until("finished the migration", |model| {
                model.jobs.batch_work.is_empty()
                    && model.status.as_ref().is_some_and(|s| s.text.contains("copied into"))
            })
            .await;
        let said = screen.model.status.clone().unwrap().text;
        assert!(
            said.starts_with("batch B1: 2 of 2 archives copied into s3://screen-copy/v/; manifest at s3://screen-copy/v/defrost-manifest-B1.csv"),
            "{said}"
        );
        screen
            .until("counted the copies in the vaults pane", |model| {
                model.vaults.first().and_then(|v| v.migration.as_ref()).is_some_and(|m| m.copied == 2)
            })
            .await;
        let drawn = screen.drawn();
        assert!(drawn.contains("copied 2/2 to S3"), "{drawn}");
        assert!(drawn.contains("  done"), "{drawn}");

        let s3 = SdkS3::for_endpoint(&s3_url, "us-east-1", BUCKET);
        for (name, _, size, tree_hash) in &setup.archives {
            let key = format!("v/{name}");
            if name == "notes.txt" {
                assert_eq!(s3.head_object(&key).await.unwrap(), None, "not marked");
                continue;
            }
            let bytes = s3.get_object(&key).await.unwrap();
            assert_eq!(bytes.len() as u64, *size, "{key}");
            assert_eq!(&common::tree_hash(&bytes), tree_hash, "{key}");
        }
        let manifest = s3.get_object("v/defrost-manifest-B1.csv").await.unwrap();
        assert_eq!(String::from_utf8_lossy(&manifest).lines().count(), 3);

        // The jobs pane has the focus after starting; the vaults pane is next.
        screen.key(KeyCode::Tab);
        screen.key(KeyCode::Char('D'));
        screen
            .until("summed up the drain", |model| {
                matches!(&model.dialog, Some(Dialog::Drain(d)) if matches!(d.stage, DrainStage::Ready(_)))
            })
            .await;
        let summary = screen.drawn();
        assert!(summary.contains("to delete: 2 archives"), "{summary}");
        assert!(summary.contains("kept: 1 archive with no verified copy"), "{summary}");
        screen.key(KeyCode::Enter);
        screen
            .until("drained the copied archives", |model| {
                model.draining.is_empty()
                    && model.vaults.first().is_some_and(|v| v.deletions.done == 2)
            })
            .await;
        let said = screen.model.status.clone().unwrap().text;
        assert!(said.starts_with("v: 2 copied archives deleted"), "{said}");
        let drawn = screen.drawn();
        assert!(drawn.contains("deleted 2 ·"), "{drawn}");
    });
    let now = OffsetDateTime::now_utc();
    let state = setup.live.sandbox.shared.lock(now);
    for (name, id, ..) in &setup.archives {
        let deleted = state.vaults["v"].archives[id].deleted.is_some();
        assert_eq!(deleted, name != "notes.txt", "{name}");
    }
    drop(state);
    let started = setup.jobs_started();
    assert_eq!(started.len(), 2, "{started:?}");
    assert!(started.values().all(|jobs| *jobs == 1), "{started:?}");
}
