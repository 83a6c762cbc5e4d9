//! The real binary in a pseudo-terminal on a large cache: how long from starting
//! `defrost` to the first frame that shows archives, then what an idle screen
//! costs: bytes written to the terminal and CPU time used while nothing happens.
//!
//! ```sh
//! defrost --data-dir target/bench-cache inventory import target/inv-1m.json --vault photos
//! cargo bench --bench tui_first_frame -- target/bench-cache
//! ```
//!
//! Glacier is pointed at a closed local port, so the figures are those of the
//! cache and the screen. Without arguments (as `cargo test --all-targets` runs it)
//! it imports the small fixture into a temporary cache first.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const RUNS: usize = 5;

fn main() {
    let args = support::bench_args();
    let _fixture;
    let (data_dir, idle) = match args.first() {
        Some(dir) => (PathBuf::from(dir), Duration::from_secs(10)),
        None => {
            _fixture = tempfile::tempdir().expect("a temporary folder");
            support::import_fixture(_fixture.path());
            (_fixture.path().to_path_buf(), Duration::from_secs(2))
        }
    };
    let mut firsts = Vec::new();
    for run in 0..RUNS {
        let (first, idle_report) = measure(&data_dir, if run == 0 { Some(idle) } else { None });
        firsts.push(first);
        if let Some((bytes, cpu)) = idle_report {
            println!(
                "idle for {} s after the first frame: {bytes} bytes to the terminal, {cpu:.0} ms of CPU",
                idle.as_secs()
            );
        }
    }
    firsts.sort();
    println!(
        "first frame with archives, {RUNS} starts: median {:.0} ms, max {:.0} ms",
        ms(firsts[RUNS / 2]),
        ms(firsts[RUNS - 1])
    );
}

/// Starts defrost, waits for archives on the screen; optionally stays idle.
fn measure(data_dir: &Path, idle: Option<Duration>) -> (Duration, Option<(u64, f64)>) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 60,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let config = tempfile::tempdir().expect("a temporary folder");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_defrost"));
    command.args([
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]);
    // The child starts in the home directory unless told otherwise.
    command.cwd(std::env::current_dir().expect("a working directory"));
    command.env("DEFROST_DATA_DIR", data_dir);
    command.env("XDG_CONFIG_HOME", config.path());
    command.env("AWS_ACCESS_KEY_ID", "bench");
    command.env("AWS_SECRET_ACCESS_KEY", "bench");
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    command.env("TERM", "xterm-256color");
    let started = Instant::now();
    let mut child = pty.slave.spawn_command(command).expect("defrost starts");
    drop(pty.slave);
    let screen = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZero::new(60).unwrap(),
        std::num::NonZero::new(200).unwrap(),
        0,
    )));
    let written = Arc::new(AtomicU64::new(0));
    let mut output = pty
        .master
        .try_clone_reader()
        .expect("the terminal's output");
    let (feed, count) = (screen.clone(), written.clone());
    std::thread::spawn(move || {
        let mut buffer = [0u8; 65536];
        while let Ok(read) = output.read(&mut buffer) {
            if read == 0 {
                break;
            }
            count.fetch_add(read as u64, Ordering::Relaxed);
            feed.lock().unwrap().process(&buffer[..read]);
        }
    });
    let mut keys = pty.master.take_writer().expect("the terminal's input");
    let deadline = started + Duration::from_secs(60);
    let first = loop {
        if screen
            .lock()
            .unwrap()
            .screen()
            .contents()
            .contains("Archives 1/")
        {
            break started.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "no archives on the screen:\n{}",
            screen.lock().unwrap().screen().contents()
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    let idle_report = idle.map(|idle| {
        // Let the connection attempt (with the SDK's retries) and its message
        // settle first.
        std::thread::sleep(Duration::from_secs(8));
        let pid = child.process_id().expect("a process id");
        let (bytes_before, cpu_before) = (written.load(Ordering::Relaxed), cpu_ms(pid));
        std::thread::sleep(idle);
        (
            written.load(Ordering::Relaxed) - bytes_before,
            cpu_ms(pid) - cpu_before,
        )
    });
    keys.write_all(b"q").expect("a key");
    let _ = child.wait();
    (first, idle_report)
}

use std::io::Write as _;

/// User plus system CPU time of a process, from /proc.
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |both| {
        both.iter().filter_map(|f| f.parse::<f64>().ok()).sum()
    });
    ticks * 10.0
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
