//! The sandbox's fault admin endpoint, spoken to as curl would.

use std::io::{Read, Write};
use std::net::SocketAddr;

use defrost::sandbox::RunningSandbox;
use serde_json::Value;

/// An admin request as curl would send it: no Glacier headers, no content type.
pub async fn admin(sandbox: &RunningSandbox, method: &str, path: &str, body: &str) -> (u16, Value) {
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        sandbox.addr,
        body.len()
    );
    let addr = sandbox.addr;
    // Blocking I/O, off the runtime the sandbox itself serves on.
    tokio::task::spawn_blocking(move || exchange(addr, &request))
        .await
        .unwrap()
}

fn exchange(addr: SocketAddr, request: &str) -> (u16, Value) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1;
    let value = match body {
        "" => Value::Null,
        text => serde_json::from_str(text).unwrap_or_else(|err| panic!("{err}: {text}")),
    };
    (status, value)
}

pub async fn add_fault(sandbox: &RunningSandbox, fault: Value) -> u64 {
    let (status, body) = admin(sandbox, "POST", "/_sandbox/faults", &fault.to_string()).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_u64().unwrap()
}
