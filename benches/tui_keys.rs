//! Times the interactive screen on a large cache, in-process on a 200×60 test
//! terminal: the first frame (cache opened, vaults listed, first page drawn), and
//! each keystroke from the key to the redrawn frame. A key whose rows must come
//! from the cache (scrolling past the loaded rows, a new filter letter) is also
//! timed until the frame that shows them. Then 100,000 archives or more are
//! marked the way the key does it (a filter, then `*`), and the keys are timed
//! again with them marked, the folder tree's too.
//!
//! ```sh
//! defrost --data-dir target/bench-cache inventory import target/inv-1m.json --vault photos
//! cargo bench --bench tui_keys -- target/bench-cache
//! ```
//!
//! Without arguments (as `cargo test --all-targets` runs it) it imports the small
//! fixture into a temporary cache first, so the program itself stays tested.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use defrost::domain::job::ServiceSpeed;
use defrost::glacier::SdkGlacier;
use defrost::tui::config::Config;
use defrost::tui::effects::ScreenWords;
use defrost::tui::keymap::Keymap;
use defrost::tui::model::{Model, Session};
use defrost::tui::msg::{Cmd, Msg};
use defrost::tui::runtime::{Runtime, connection};
use defrost::tui::update::{start, update};
use defrost::tui::view::draw;
use defrost::tui::view::format::size_u128;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

struct Screen {
    model: Model,
    runtime: Runtime<SdkGlacier>,
    inbox: UnboundedReceiver<Msg>,
    terminal: Terminal<TestBackend>,
}

impl Screen {
    /// Runs the commands; true when one of them reads the cache for the screen.
    fn perform(&mut self, cmds: Vec<Cmd>) -> bool {
        let mut reads = false;
        for cmd in cmds {
            reads |= matches!(
                cmd,
                Cmd::LoadPage { .. } | Cmd::LoadFolder { .. } | Cmd::LoadVaults | Cmd::Marks(_)
            );
            if !matches!(cmd, Cmd::Bell | Cmd::CopyToClipboard(_) | Cmd::Quit) {
                self.runtime.run(cmd);
            }
        }
        reads
    }

    fn draw(&mut self) {
        self.terminal
            .draw(|frame| draw(frame, &self.model))
            .expect("the test terminal draws");
    }

    /// Whether the screen still waits for an answer from the cache.
    fn waiting(&self) -> bool {
        let table = &self.model.archives;
        let tree_waits = (table.tree.as_ref())
            .is_some_and(|tree| tree.pending.is_some() || tree.counting.is_some());
        table.pending.is_some()
            || table.snapshot.is_none()
            || !table.marking.is_empty()
            || tree_waits
    }

    /// Takes answers until the screen has what it asked for. A minute without
    /// an answer ends the run with what the status bar says (a cache it cannot
    /// read, say): none would come.
    async fn settle(&mut self) {
        while self.waiting() {
            let next = tokio::time::timeout(Duration::from_secs(60), self.inbox.recv()).await;
            let Ok(Some(msg)) = next else {
                panic!("no answer from the cache: {:?}", self.model.status);
            };
            let cmds = update(&mut self.model, msg, OffsetDateTime::now_utc());
            self.perform(cmds);
        }
        self.draw();
    }
}

fn main() {
    let args = support::bench_args();
    let _fixture;
    let data_dir = match args.first() {
        Some(dir) => PathBuf::from(dir),
        None => {
            _fixture = tempfile::tempdir().expect("a temporary folder");
            support::import_fixture(_fixture.path());
            _fixture.path().to_path_buf()
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(&data_dir));
}

async fn run(data_dir: &Path) {
    let started = Instant::now();
    let (sender, inbox) = unbounded_channel();
    let session = Session {
        read_only: true,
        banner: None,
        speed: ServiceSpeed::GLACIER,
        endpoint_url: None,
        region: Some("us-east-1".into()),
        download_dir: PathBuf::from("."),
        default_bucket: None,
        s3_endpoint_url: None,
    };
    // No Glacier: the cache alone is timed.
    let offline = connection::<SdkGlacier>(async { Err("offline".to_owned()) });
    let mut screen = Screen {
        model: Model::new(
            Config::defaults(),
            session,
            OffsetDateTime::now_utc(),
            WIDTH,
            HEIGHT,
        ),
        runtime: Runtime::new(
            sender,
            data_dir.to_path_buf(),
            offline,
            ScreenWords::new(Keymap::defaults()),
        ),
        inbox,
        terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal"),
    };
    let cmds = start(&mut screen.model);
    screen.perform(cmds);
    screen.settle().await;
    let first_frame = started.elapsed();
    let archives = screen.model.archives.total;
    assert!(
        archives > 0,
        "the cache in {} has no archives",
        data_dir.display()
    );

    let mut moves = Vec::new();
    let mut moves_settled = Vec::new();
    for key in movement_keys() {
        let (echo, settled) = press(&mut screen, key).await;
        moves.push(echo);
        moves_settled.extend(settled);
    }
    let mut typing = Vec::new();
    let mut typing_settled = Vec::new();
    for word in ["holiday", "img_1", "zzqp", "2019/"] {
        press(&mut screen, KeyCode::Char('/')).await;
        for c in word.chars() {
            let (echo, settled) = press(&mut screen, KeyCode::Char(c)).await;
            typing.push(echo);
            typing_settled.extend(settled);
        }
        press(&mut screen, KeyCode::Esc).await;
    }
    println!("archives in the cache: {archives}, screen {WIDTH}x{HEIGHT}");
    println!("first frame: {:.1} ms", ms(first_frame));
    report("movement keys, key to frame", &mut moves);
    report(
        "movement keys that load rows, key to the frame showing them",
        &mut moves_settled,
    );
    report("filter letters, key to frame", &mut typing);
    report(
        "filter letters, key to the frame with the filtered rows",
        &mut typing_settled,
    );
    with_marks(&mut screen).await;
}

/// What a filter keeps is marked with `*` until at least this many are marked.
const MARKED_AT_LEAST: u64 = 100_000;

/// Marks 100,000 archives or more as the keys do, then times the keys again.
async fn with_marks(screen: &mut Screen) {
    let mut marking = Vec::new();
    let mut marking_settled = Vec::new();
    // About 11% of the synthetic million match "2016"; the others follow if not.
    for term in ["2016", "www", "etc", "raw", ""] {
        if screen.model.archives.marks.count() >= MARKED_AT_LEAST {
            break;
        }
        press(screen, KeyCode::Char('/')).await;
        for c in term.chars() {
            press(screen, KeyCode::Char(c)).await;
        }
        press(screen, KeyCode::Enter).await;
        let (echo, settled) = press(screen, KeyCode::Char('*')).await;
        marking.push(echo);
        marking_settled.extend(settled);
        press(screen, KeyCode::Esc).await;
    }
    let marks = &screen.model.archives.marks;
    let label = format!("with {} marked", marks.count());
    println!(
        "marked: {} archives, {}, by {} presses of *",
        marks.count(),
        size_u128(marks.bytes()),
        marking.len()
    );
    report("marking what a filter keeps, key to frame", &mut marking);
    report(
        "marking what a filter keeps, key to the frame with them marked",
        &mut marking_settled,
    );
    let mut moves = Vec::new();
    for key in movement_keys() {
        moves.push(press(screen, key).await.0);
    }
    report(&format!("{label}: movement keys, key to frame"), &mut moves);
    let mut spaces = Vec::new();
    for _ in 0..300 {
        spaces.push(press(screen, KeyCode::Char(' ')).await.0);
    }
    report(
        &format!("{label}: space (mark, move on), key to frame"),
        &mut spaces,
    );
    let mut tree_keys = Vec::new();
    tree_keys.push(press(screen, KeyCode::Char('t')).await.0);
    for key in [KeyCode::Down, KeyCode::Up].into_iter().cycle().take(100) {
        tree_keys.push(press(screen, key).await.0);
    }
    tree_keys.push(press(screen, KeyCode::Char('t')).await.0);
    report(
        &format!("{label}: folder tree keys, key to frame"),
        &mut tree_keys,
    );
}

/// Presses a key: the time to the next frame, and when the key asked the cache
/// for rows, the time to the frame that shows them.
async fn press(screen: &mut Screen, code: KeyCode) -> (Duration, Option<Duration>) {
    let pressed = Instant::now();
    let cmds = update(
        &mut screen.model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        OffsetDateTime::now_utc(),
    );
    let reads = screen.perform(cmds);
    screen.draw();
    let echo = pressed.elapsed();
    if !reads {
        return (echo, None);
    }
    screen.settle().await;
    (echo, Some(pressed.elapsed()))
}

fn movement_keys() -> Vec<KeyCode> {
    let mut keys = Vec::new();
    keys.extend(std::iter::repeat_n(KeyCode::Down, 300));
    keys.extend(std::iter::repeat_n(KeyCode::PageDown, 100));
    keys.push(KeyCode::End);
    keys.extend(std::iter::repeat_n(KeyCode::PageUp, 50));
    keys.push(KeyCode::Home);
    for _ in 0..3 {
        keys.push(KeyCode::Char('s'));
        keys.extend(std::iter::repeat_n(KeyCode::PageDown, 20));
        keys.push(KeyCode::Char('S'));
    }
    keys
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn report(what: &str, times: &mut [Duration]) {
    if times.is_empty() {
        println!("{what}: none");
        return;
    }
    times.sort();
    let at = |share: f64| times[((times.len() - 1) as f64 * share).round() as usize];
    println!(
        "{what}: {} keys, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(at(1.0))
    );
}
