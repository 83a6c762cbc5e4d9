//! Serves a virtual archive over HTTP exactly as GetJobOutput streams archive bytes
//! (`content::open_range` → `faults::apply_to_output` → an axum body), for
//! benches/sandbox_output.sh to measure where the jobs routes are not yet served.
//!
//! `--serve SIZE` prints `url=…` and serves `GET /output` until stopped. Run any
//! other way (as `cargo test --all-targets` runs benches), it checks itself: it
//! serves 64 MiB and fetches them over loopback, comparing the tree hash.

use std::io::{Read, Write};
use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    extract::State,
    http::{HeaderValue, header},
    response::Response,
    routing::get,
};
use defrost::domain::range::ByteRange;
use defrost::domain::treehash::TreeHasher;
use defrost::sandbox::{
    self, RunningSandbox, content, faults, model::ArchiveContent, server::Shared,
};

const SEED: u64 = 7;
const SELF_CHECK_SIZE: u64 = 64 << 20;

struct Served {
    shared: Arc<Shared>,
    size: u64,
}

/// A server of `size` bytes at `url`; the sandbox behind it lives as long as it.
struct Server {
    url: String,
    _sandbox: RunningSandbox,
}

async fn output(State(served): State<Arc<Served>>) -> Response {
    let size = served.size;
    let content = ArchiveContent::Virtual { seed: SEED };
    let body = match ByteRange::whole(size) {
        Ok(whole) => {
            let bytes = content::open_range(&served.shared.store, "bench", content, size, whole);
            Body::from_stream(faults::apply_to_output(
                &served.shared,
                "bench",
                "bench",
                0..size,
                bytes,
            ))
        }
        Err(_) => Body::empty(),
    };
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    response
}

/// Serves `size` bytes at `/output` on a free loopback port.
async fn serve(size: u64) -> std::io::Result<Server> {
    let sandbox = sandbox::start(Default::default())
        .await
        .map_err(std::io::Error::other)?;
    let served = Arc::new(Served {
        shared: sandbox.shared.clone(),
        size,
    });
    let app = Router::new()
        .route("/output", get(output))
        .with_state(served);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Server {
        url: format!("http://{addr}/output"),
        _sandbox: sandbox,
    })
}

/// Fetches `url` with a bare HTTP/1.1 client; returns (status line, tree hash, bytes).
fn fetch(url: &str) -> std::io::Result<(String, String, u64)> {
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/output")
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&addr)?;
    write!(
        stream,
        "GET /output HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte)?;
        head.push(byte[0]);
    }
    let status = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut hasher = TreeHasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    let bytes = hasher.bytes_hashed();
    Ok((status, hasher.finish().to_string(), bytes))
}

async fn self_check() -> Result<(), String> {
    let server = serve(SELF_CHECK_SIZE)
        .await
        .map_err(|err| err.to_string())?;
    let url = server.url.clone();
    let (status, hash, bytes) = tokio::task::spawn_blocking(move || fetch(&url))
        .await
        .map_err(|err| err.to_string())?
        .map_err(|err| err.to_string())?;
    let expected = content::virtual_tree_hash(SEED, SELF_CHECK_SIZE).to_string();
    if !status.contains(" 200 ") || bytes != SELF_CHECK_SIZE || hash != expected {
        return Err(format!(
            "{status}: {bytes} bytes with tree hash {hash}; expected {SELF_CHECK_SIZE} bytes with {expected}"
        ));
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM where there is one, so the sandbox's temporary directory is
/// removed on the way out.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, size] = args.as_slice()
        && flag == "--serve"
    {
        let Ok(size) = size.parse::<u64>() else {
            eprintln!("--serve takes a size in bytes, not {size:?}");
            return std::process::ExitCode::from(2);
        };
        return match serve(size).await {
            Ok(server) => {
                println!("url={}", server.url);
                stopped().await;
                std::process::ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("cannot serve: {err}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match self_check().await {
        Ok(()) => {
            println!("self-check: 1 passed, 0 failed");
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            println!("the output path serves the wrong bytes: {err}");
            println!("self-check: 0 passed, 1 failed");
            std::process::ExitCode::FAILURE
        }
    }
}
