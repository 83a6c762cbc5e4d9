//! The real binary in a pseudo-terminal: `defrost demo` is started, an archive is
//! found by filtering, a range is planned and previewed, a job is launched and
//! its plan followed until it is ready, the plan is downloaded and verified, and the
//! program quits with the terminal given back. A terminal emulator (vt100) reads
//! the screen as a person would see it. The demo's own first jobs run beside the
//! test's.

mod pty_session;

use std::time::{Duration, Instant};

use pty_session::Session;

impl Session {
    fn press(&mut self, keys: &str) {
        self.send(keys);
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
    let mut session = Session::start(&["demo", "--speedup", "3600"], data.path(), config.path());
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
