//! The real binary in a pseudo-terminal, read by a terminal emulator (vt100)
//! as a person would see the screen: started with its own data and config
//! folders, looked at, and waited on. Each test adds how it presses keys.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub const ROWS: u16 = 45;
pub const COLS: u16 = 160;

pub struct Session {
    pub screen: Arc<Mutex<vt100::Parser>>,
    pub keys: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    /// `defrost ARGS` in a terminal of [`ROWS`] by [`COLS`].
    pub fn start(
        args: &[&str],
        data_dir: &std::path::Path,
        config_home: &std::path::Path,
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_defrost"));
        command.args(args);
        command.env("DEFROST_DATA_DIR", data_dir);
        command.env("XDG_CONFIG_HOME", config_home);
        command.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(command).expect("defrost starts");
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(ROWS).unwrap(),
            std::num::NonZero::new(COLS).unwrap(),
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

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Sends `keys` as they are, at once.
    pub fn send(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// Waits until the screen shows `text`, failing with the screen after `limit`.
    pub fn wait_for(&self, text: &str, limit: Duration) {
        self.wait_until(&format!("{text:?}"), limit, |screen| screen.contains(text));
    }

    /// Waits until `done` holds for the screen, failing with the screen after `limit`.
    pub fn wait_until(&self, what: &str, limit: Duration, done: impl Fn(&str) -> bool) {
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
}
