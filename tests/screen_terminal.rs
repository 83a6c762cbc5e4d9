//! The real binary in a pseudo-terminal, for what only a terminal shows: the
//! screen gives the terminal back completely when it panics, its log goes to a
//! file and never to the terminal, and NO_COLOR leaves the screen and the
//! commands without colours (emphasis by reverse video and bold instead).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, ExitStatus, PtySize, native_pty_system};

const ROWS: u16 = 36;
const COLS: u16 = 120;

/// defrost running in a pseudo-terminal: every byte it wrote, and the screen
/// as a terminal emulator shows it.
struct Terminal {
    raw: Arc<Mutex<Vec<u8>>>,
    screen: Arc<Mutex<vt100::Parser>>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Terminal {
    fn start(args: &[&str], env: &[(&str, &str)], no_color: bool) -> Terminal {
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
        command.env("TERM", "xterm-256color");
        command.env_remove("RUST_LOG");
        command.env_remove("DEFROST_TEST_PANIC");
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pty.slave.spawn_command(command).expect("defrost starts");
        drop(pty.slave);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(ROWS).unwrap(),
            std::num::NonZero::new(COLS).unwrap(),
            0,
        )));
        let mut output = pty.master.try_clone_reader().expect("the output");
        let (raw_feed, screen_feed) = (raw.clone(), screen.clone());
        std::thread::spawn(move || {
            let mut buffer = [0u8; 65536];
            while let Ok(read) = output.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                raw_feed.lock().unwrap().extend_from_slice(&buffer[..read]);
                screen_feed.lock().unwrap().process(&buffer[..read]);
            }
        });
        let keys = pty.master.take_writer().expect("the input");
        // The master must outlive the child's use of the terminal.
        std::mem::forget(pty.master);
        Terminal {
            raw,
            screen,
            keys,
            child,
        }
    }

    fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let shown = self.screen.lock().unwrap().screen().contents();
            if shown.contains(text) {
                return;
            }
            assert!(Instant::now() < deadline, "no {text:?} on:\n{shown}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for defrost to end, and for the last of its output.
    fn exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "defrost did not end");
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(300));
        status
    }
}

/// Where `needle` first occurs in `haystack` from `from` on.
fn position(haystack: &[u8], needle: &str, from: usize) -> Option<usize> {
    haystack[from.min(haystack.len())..]
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
        .map(|at| at + from)
}

/// Every SGR parameter that sets a colour (foreground or background, 8, 16,
/// 256 or true colours), in the order written.
fn colour_parameters(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut found = Vec::new();
    for piece in text.split("\u{1b}[").skip(1) {
        let end = piece
            .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
            .unwrap_or(piece.len());
        if !piece[end..].starts_with('m') {
            continue;
        }
        for parameter in piece[..end].split(';') {
            let colour = matches!(
                parameter.split(':').next().unwrap_or("").parse::<u16>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            );
            if colour {
                found.push(parameter.to_owned());
            }
        }
    }
    found
}

/// A home for the screen: an empty cache, a configuration with the mouse on,
/// and AWS settings that reach nothing (the screen comes up on the cache).
struct Home {
    root: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let root = tempfile::tempdir().unwrap();
        let config = root.path().join("config/defrost");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(config.join("theme.toml"), "[options]\nmouse = true\n").unwrap();
        std::fs::create_dir(root.path().join("data")).unwrap();
        Home { root }
    }

    fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    fn screen(&self, extra_env: &[(&str, &str)], no_color: bool) -> Terminal {
        let path = |path: PathBuf| path.to_str().unwrap().to_owned();
        let (data, config) = (path(self.data()), path(self.root.path().join("config")));
        let nowhere = path(self.root.path().join("no-such-file"));
        let mut env: Vec<(&str, &str)> = vec![
            ("DEFROST_DATA_DIR", &data),
            ("XDG_CONFIG_HOME", &config),
            ("AWS_CONFIG_FILE", &nowhere),
            ("AWS_SHARED_CREDENTIALS_FILE", &nowhere),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ];
        env.extend_from_slice(extra_env);
        let args = [
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ];
        Terminal::start(&args, &env, no_color)
    }
}

#[test]
fn a_panic_gives_the_terminal_back_completely_and_is_logged_to_the_file() {
    let home = Home::new();
    let mut terminal = home.screen(&[("DEFROST_TEST_PANIC", "1")], false);
    let status = terminal.exit();
    let raw = terminal.raw();
    let shown = String::from_utf8_lossy(&raw).into_owned();
    assert!(!status.success(), "{shown:?}");
    assert_eq!(status.exit_code(), 101, "{shown:?}");

    // The screen had taken the terminal over: alternate screen, mouse capture.
    let entered = position(&raw, "\u{1b}[?1049h", 0).expect("the alternate screen");
    let mouse_on = position(&raw, "\u{1b}[?1000h", entered).expect("mouse capture");
    // Then gave all of it back: mouse capture off (every mode crossterm turns
    // on), the cursor shown, the alternate screen left.
    for undo in [
        "\u{1b}[?1000l",
        "\u{1b}[?1002l",
        "\u{1b}[?1003l",
        "\u{1b}[?1006l",
        "\u{1b}[?1015l",
        "\u{1b}[?25h",
    ] {
        assert!(
            position(&raw, undo, mouse_on).is_some(),
            "no {undo:?} in {shown:?}"
        );
    }
    let left = position(&raw, "\u{1b}[?1049l", mouse_on).expect("the alternate screen left");
    // The message is printed after that, on the main screen, with raw mode off:
    // the terminal turned its line ends into CR LF.
    let message = "DEFROST_TEST_PANIC=1: the screen panics on purpose";
    let said = position(&raw, message, 0).expect("the panic message");
    assert!(said > left, "{shown:?}");
    assert!(
        position(&raw, &format!("{message}\r\n"), 0).is_some(),
        "{shown:?}"
    );
    assert!(shown.contains("panicked at"), "{shown:?}");

    // The log went to the file in the data directory, not to the terminal.
    assert!(!shown.contains(" INFO "), "{shown:?}");
    let log = std::fs::read_to_string(home.data().join("defrost.log")).unwrap();
    assert!(
        log.contains("INFO defrost::tui::app: the screen opened"),
        "{log}"
    );
    assert!(
        log.contains("ERROR defrost::tui::app: the screen stopped on a panic"),
        "{log}"
    );
    assert!(log.contains(message), "{log}");
}

/// The screen drawn and quit: its raw output and whether the focused pane's
/// title (the archives pane at first) is in reverse video and bold.
fn screen_drawn(no_color: bool) -> (Vec<u8>, bool, bool) {
    let home = Home::new();
    let mut terminal = home.screen(&[], no_color);
    terminal.wait_for(" Archives ");
    // Let the first answers (the cache, Glacier's refusal) be drawn too.
    std::thread::sleep(Duration::from_millis(1000));
    let (reversed, coloured_cells) = {
        let parser = terminal.screen.lock().unwrap();
        let screen = parser.screen();
        let contents = screen.contents();
        let (row, line) = contents
            .lines()
            .enumerate()
            .find(|(_, line)| line.contains(" Archives "))
            .expect("the archives pane");
        let column = line[..line.find(" Archives ").unwrap()].chars().count() + 1;
        let title = screen.cell(row as u16, column as u16).unwrap();
        assert_eq!(title.contents(), "A");
        let coloured = (0..ROWS).any(|row| {
            (0..COLS).any(|column| {
                screen.cell(row, column).is_some_and(|cell| {
                    cell.fgcolor() != vt100::Color::Default
                        || cell.bgcolor() != vt100::Color::Default
                })
            })
        });
        (title.inverse() && title.bold(), coloured)
    };
    terminal.keys.write_all(b"q").unwrap();
    terminal.keys.flush().unwrap();
    assert!(terminal.exit().success());
    (terminal.raw(), reversed, coloured_cells)
}

#[test]
fn no_color_draws_the_screen_without_colours_and_keeps_the_focus_visible() {
    let (raw, reversed, coloured) = screen_drawn(false);
    assert!(!colour_parameters(&raw).is_empty());
    assert!(coloured);
    assert!(!reversed, "with colours the focus is a colour");

    let (raw, reversed, coloured) = screen_drawn(true);
    let shown = String::from_utf8_lossy(&raw);
    assert_eq!(colour_parameters(&raw), Vec::<String>::new(), "{shown:?}");
    assert!(!coloured);
    assert!(
        reversed,
        "the focused pane's title in reverse video and bold"
    );
}

/// `defrost -vv inventory import` in a terminal: its log on standard error.
fn import_log(no_color: bool) -> Vec<u8> {
    let data = tempfile::tempdir().unwrap();
    let inventory =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/inventory/generated-40.json");
    let data_dir = data.path().to_str().unwrap();
    let args = [
        "-vv",
        "--data-dir",
        data_dir,
        "inventory",
        "import",
        inventory.to_str().unwrap(),
        "--vault",
        "photos",
    ];
    let mut terminal = Terminal::start(&args, &[], no_color);
    assert!(terminal.exit().success());
    let raw = terminal.raw();
    assert!(
        position(&raw, "import: file complete", 0).is_some(),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
    raw
}

#[test]
fn no_color_leaves_a_commands_log_on_a_terminal_without_colours() {
    assert!(!colour_parameters(&import_log(false)).is_empty());
    let raw = import_log(true);
    assert_eq!(
        colour_parameters(&raw),
        Vec::<String>::new(),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
}

#[test]
fn colour_parameters_are_told_from_other_attributes() {
    let raw = b"\x1b[1m\x1b[7;4m\x1b[39;49m\x1b[0m\x1b[2K\x1b[?25h";
    assert_eq!(colour_parameters(raw), Vec::<String>::new());
    let raw = b"\x1b[1;36m\x1b[48;5;236m\x1b[38;2;1;2;3m\x1b[91m\x1b[104m";
    assert_eq!(colour_parameters(raw), ["36", "48", "38", "91", "104"]);
}
