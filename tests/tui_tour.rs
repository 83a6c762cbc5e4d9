//! The guided tour in the real binary, in a pseudo-terminal read by a terminal
//! emulator (vt100): `defrost demo --tour` is started and the test presses
//! whatever key the tour's panel highlights, typing only where a step asks for
//! words (a filter, a range), until the tour is finished: an archive found,
//! three plans compared, the JSON and the aws CLI line seen, a Bulk job
//! launched, Expedited refused for capacity and then launched, a download
//! verified and a flipped byte caught. Half-way it quits and starts again,
//! and the tour resumes at its step.
//!
//! `DEFROST_TOUR_SPEEDUP=360` runs it at the demo's own clock, to time the tour.

mod pty_session;

use std::time::{Duration, Instant};

use pty_session::Session;

/// Starts `defrost demo --tour` at `speedup`.
fn start_tour(data_dir: &std::path::Path, config_home: &std::path::Path, speedup: &str) -> Session {
    Session::start(
        &["demo", "--tour", "--speedup", speedup],
        data_dir,
        config_home,
    )
}

impl Session {
    /// Sends `keys`, then waits for the screen to answer (or a moment), so
    /// the next look sees what the key did.
    fn press(&mut self, keys: &str) {
        let before = self.contents();
        self.send(keys);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && self.contents() == before {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(150));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(&c.to_string());
        }
    }

    /// The tour's step as its panel's title says it: `3/12 · Compare the three plans`.
    fn step(&self) -> Option<String> {
        let screen = self.contents();
        let at = screen.find(" Tour ")?;
        let title = &screen[at + " Tour ".len()..];
        Some(title.lines().next()?.split("  ").next()?.trim().to_owned())
    }

    /// The keys the tour highlights now, as the panel names them.
    fn lit(&self) -> Vec<String> {
        let screen = self.contents();
        // Below the panel's title only: the launch dialog marks its tier with the same sign.
        let Some(at) = screen.find(" Tour ") else {
            return Vec::new();
        };
        let panel = &screen[at..];
        panel
            .match_indices("▶ ")
            .filter_map(|(at, mark)| panel[at + mark.len()..].split_whitespace().next())
            .map(str::to_owned)
            .collect()
    }

    fn quit(&mut self) {
        self.send("\x03");
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "defrost did not quit:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "{status:?}");
    }
}

/// The bytes a terminal sends for the key a label names.
fn key_bytes(label: &str) -> String {
    match label {
        "Enter" => "\r".into(),
        "↑" => "\x1b[A".into(),
        "↓" => "\x1b[B".into(),
        "→" => "\x1b[C".into(),
        "←" => "\x1b[D".into(),
        "Tab" => "\t".into(),
        "Shift-Tab" => "\x1b[Z".into(),
        "Esc" => "\x1b".into(),
        "Ctrl-r" => "\x12".into(),
        "F3" => "\x1bOR".into(),
        one if one.chars().count() == 1 => one.into(),
        other => panic!("the tour highlights a key this test cannot press: {other}"),
    }
}

/// Presses what the tour highlights until `until` shows in its title (or the
/// tour is finished), typing where a step asks for words. Fails after `limit`.
fn follow(session: &mut Session, until: &[&str], limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let screen = session.contents();
        if until.iter().any(|text| screen.contains(text)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the tour did not reach {until:?}; the screen shows:\n{screen}"
        );
        // A launch on its way: what the tour lights next depends on its answer.
        if screen.contains("job(s) at ") && screen.contains("starting ") {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        }
        let step = session.step().unwrap_or_default();
        let lit = session.lit();
        match (step.as_str(), lit.first().map(String::as_str)) {
            // Typing is the user's part: the tour names the keys around it.
            (s, None) if s.contains("Find an archive") && screen.contains("/▏") => {
                session.type_text("IMG_2041");
            }
            (s, None)
                if s.contains("Compare the three plans") && screen.contains("Plan a range") =>
            {
                for _ in 0..12 {
                    session.press("\x7f");
                }
                session.type_text("5MiB+4MiB");
            }
            (_, Some(key)) => session.press(&key_bytes(key)),
            // A step that waits on Glacier: look again in a moment.
            (_, None) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

#[test]
fn the_tour_goes_from_a_filter_to_a_caught_mismatch_and_resumes_after_quitting() {
    let speedup = std::env::var("DEFROST_TOUR_SPEEDUP").unwrap_or_else(|_| "1800".into());
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let began = Instant::now();
    let mut session = start_tour(data.path(), config.path(), &speedup);
    session.wait_for("3005 archives", Duration::from_secs(120));
    session.wait_for("Tour 1/12 · Find an archive", Duration::from_secs(10));
    let minutes = |n: u64| Duration::from_secs(60 * n);

    // The Bulk job may be ready before the download is: then step 11 is done at once.
    follow(&mut session, &["Tour 11/12", "Tour 12/12"], minutes(4));
    // Left while the Bulk job runs: the place is saved in the demo's folder.
    assert!(data.path().join("demo/tour.json").exists());
    session.quit();

    let mut session = start_tour(data.path(), config.path(), &speedup);
    session.wait_for("family-photos", Duration::from_secs(60));
    session.wait_until_one_of(&["Tour 11/12", "Tour 12/12"], Duration::from_secs(30));
    follow(&mut session, &["Tour finished"], minutes(4));
    let screen = session.contents();
    assert!(screen.contains("tree hash"), "{screen}");
    let elapsed = began.elapsed();
    eprintln!("the tour took {elapsed:?} at speedup {speedup}");
    session.quit();
    let saved = std::fs::read_to_string(data.path().join("demo/tour.json")).unwrap();
    assert!(saved.contains("\"finished\""), "{saved}");
}

impl Session {
    fn wait_until_one_of(&self, texts: &[&str], limit: Duration) {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let screen = self.contents();
            if texts.iter().any(|text| screen.contains(text)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "none of {texts:?} showed; the screen shows:\n{}",
            self.contents()
        );
    }
}
