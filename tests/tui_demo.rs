//! The real binary in a pseudo-terminal: `defrost demo` is started, an archive is
//! found by filtering, a range is planned and previewed, a job is launched and
//! its plan followed until it is ready, the plan is downloaded and verified, and the
//! program quits with the terminal given back. A terminal emulator (vt100) reads
//! the screen as a person would see it. The demo's own first jobs run beside the
//! test's.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(data_dir: &std::path::Path, config_home: &std::path::Path) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 45,
                cols: 160,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_defrost"));
        // A fast clock, so a Standard job is ready in seconds.
        command.args(["demo", "--speedup", "3600"]);
        command.env("DEFROST_DATA_DIR", data_dir);
        command.env("XDG_CONFIG_HOME", config_home);
        command.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(command).expect("defrost starts");
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(45).unwrap(),
            std::num::NonZero::new(160).unwrap(),
            0,
        )));
        let mut output = pty
            .master
            .try_clone_reader()
            .expect("the terminal's output");
        let feed = screen.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(read) = output.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buffer[..read]);
            }
        });
        let keys = pty.master.take_writer().expect("the terminal's input");
        // The master must outlive the child's use of the terminal.
        std::mem::forget(pty.master);
        Session {
            screen,
            keys,
            child,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`, failing with the screen after `limit`.
    fn wait_for(&self, text: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the screen never showed {text:?}; it shows:\n{}",
            self.contents()
        );
    }

    /// Waits until `done` holds for the screen, failing with the screen after `limit`.
    fn wait_until(&self, what: &str, limit: Duration, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if done(&self.contents()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "waited in vain for {what}; the screen shows:\n{}",
            self.contents()
        );
    }

    fn press(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).unwrap();
        self.keys.flush().unwrap();
        // Keys typed too fast arrive as one read; a person types slower.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(&c.to_string());
        }
    }
}

const ENTER: &str = "\r";
const BACKSPACE: &str = "\x7f";
const RIGHT: &str = "\x1b[C";
const SECONDS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn a_range_is_planned_launched_followed_downloaded_and_verified_in_the_demo() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut session = Session::start(data.path(), config.path());
    session.wait_for("family-photos", SECONDS(120));
    session.wait_for("3005 archives", SECONDS(30));

    session.press("/");
    session.type_text("IMG_2041");
    session.wait_for("Archives 1/1", SECONDS(10));
    session.press(ENTER);
    session.press("r");
    session.wait_for("Plan a range of 2019/holiday/IMG_2041.dng", SECONDS(10));
    for _ in 0..12 {
        session.press(BACKSPACE);
    }
    session.type_text("4MiB+4MiB");
    session.wait_for("= bytes 4194304-8388607 (4 MiB)", SECONDS(10));
    session.press(RIGHT);
    session.press(ENTER);
    session.wait_for("\"RetrievalByteRange\": \"4194304-8388607\"", SECONDS(10));
    session.wait_for(
        "aws glacier initiate-job --account-id - --vault-name family-photos",
        SECONDS(5),
    );

    session.press("l");
    session.wait_for("data retrieval policy: no limit", SECONDS(20));
    session.press(ENTER);
    session.wait_for("Start 1 Standard job(s) for 4 MiB now?", SECONDS(5));
    session.press(ENTER);
    session.wait_for("started 1 job(s): ", SECONDS(20));
    let screen = session.contents();
    let after = &screen[screen.find("started 1 job(s): ").unwrap() + "started 1 job(s): ".len()..];
    let job_id: String = after
        .chars()
        .take_while(|c| !matches!(c, ';' | ' ' | '\n'))
        .collect();
    // The jobs pane shows ids shortened to their first ten characters.
    let shown: String = job_id.chars().take(10).collect();
    // The demo's own first jobs finish meanwhile too: this plan's row is watched.
    // It is one row, and the cursor follows it once the journal lists it.
    session.wait_until("the plan's row to say ready", SECONDS(90), |screen| {
        screen.lines().any(|line| {
            line.contains("2019/holiday/IMG_2041.dng bytes 4 MiB-8 MiB")
                && line.contains(" ready ")
                && line.contains("1/1 ready")
        })
    });
    // Enter shows the plan's job beneath it.
    session.press(ENTER);
    session.wait_until("the plan's job beneath it", SECONDS(5), |screen| {
        screen
            .lines()
            .any(|line| line.contains(&format!("└ {shown}")) && line.contains(" ready "))
    });
    session.press("d");
    session.wait_for("into folder", SECONDS(5));
    session.press(ENTER);
    // The status bar names the finished file; the journal, read again, says so.
    session.wait_for("IMG_2041.dng.bytes-4194304-8388607", SECONDS(60));
    session.wait_until("the plan's row to say finished", SECONDS(10), |screen| {
        screen
            .lines()
            .any(|line| line.contains("IMG_2041.dng bytes") && line.contains(" finished "))
    });
    // The plan's file holds exactly the wanted 4 MiB; no staging is left.
    let downloads = data.path().join("demo/downloads");
    let finished = downloads.join("2019/holiday/IMG_2041.dng.bytes-4194304-8388607");
    let length = std::fs::metadata(&finished).map(|m| m.len()).ok();
    assert_eq!(
        length,
        Some(4 << 20),
        "{}:\n{}",
        finished.display(),
        session.contents()
    );
    assert!(!downloads.join(".defrost-staging").exists());
    assert!(!downloads.join("2019/holiday/IMG_2041.dng.part").exists());

    session.press("q");
    let deadline = Instant::now() + SECONDS(10);
    let status = loop {
        if let Some(status) = session.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "defrost did not quit:\n{}",
            session.contents()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let parser = session.screen.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "the terminal was not given back"
    );
}
