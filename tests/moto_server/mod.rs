//! moto's server (`python -m moto.server`) on a port of its own, for the tests
//! that talk to AWS services through a server defrost's authors did not write.
//! One process serves every service moto fakes: Glacier and S3 alike. It comes
//! from the Python environment `tests/run` prepares (DEFROST_TEST_VENV).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// moto starts in under a second; this leaves room for a slow, shared machine
/// starting several at once.
const READY_DEADLINE: Duration = Duration::from_secs(60);

/// The venv's Python, or a panic that says how to get it.
pub fn venv_python() -> PathBuf {
    let venv = std::env::var_os("DEFROST_TEST_VENV").unwrap_or_else(|| {
        panic!(
            "DEFROST_TEST_VENV is not set; run ./tests/run, which installs moto into \
             target/test-venv and points DEFROST_TEST_VENV at it"
        )
    });
    let python = Path::new(&venv).join("bin").join("python");
    assert!(
        python.is_file(),
        "{} does not exist; remove {} and run ./tests/run again",
        python.display(),
        Path::new(&venv).display()
    );
    python
}

/// A running moto server, killed when this is dropped (a failing assertion
/// included).
pub struct MotoServer {
    child: Child,
    pub endpoint: String,
    pub port: u16,
    log: PathBuf,
    _dir: TempDir,
}

impl MotoServer {
    pub fn start() -> Self {
        // The OS picks a free port; it is released just before moto binds it.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("moto.log");
        let log_file = std::fs::File::create(&log).unwrap();
        let child = Command::new(venv_python())
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start moto.server: {err}"));
        let mut moto = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            log,
            _dir: dir,
        };
        moto.wait_until_ready();
        moto
    }

    /// Waits for moto to answer, checking that the answer comes from our own
    /// process: a stale server on the same port would pass the probe alone.
    fn wait_until_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "moto.server exited ({status}) before answering:\n{}",
                    self.log_text()
                );
            }
            if answers_data_json(self.port) {
                return;
            }
            assert!(
                started.elapsed() < READY_DEADLINE,
                "moto.server did not answer on port {} within {READY_DEADLINE:?}:\n{}",
                self.port,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What moto logged: its requests and any traceback, for failure messages.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `GET /moto-api/data.json` gets a 200.
fn answers_data_json(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request =
        "GET /moto-api/data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let _ = stream.shutdown(Shutdown::Write);
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200")
}
