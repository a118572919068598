//! The connection loop (issue 19, items 2 and 4), over real TCP: a stop
//! lets a request in flight finish and refuses new connections; a client
//! that never finishes its headers is cut off after the header limit.

mod common;

use std::time::Duration;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use touyan_storage::testing::TestDb;
use touyan_web::{Serving, serve_until};

async fn started(
    serving: Serving,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
    TestDb,
) {
    let db = TestDb::sqlite();
    let h = harness(&db, true).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_until(h.state.clone(), listener, serving, async {
        let _ = rx.await;
    }));
    (addr, tx, server, db)
}

async fn read_all(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_stop_finishes_the_request_in_flight_and_takes_no_new_one() {
    let (addr, stop, server, _db) = started(Serving::default()).await;
    let body = format!(r#"{{"username":"viewer","password":"{PASSWORD}"}}"#);
    let (first, rest) = body.split_at(10);
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    // The handler is now reading the body; stop the server.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "a new connection after the stop"
    );
    // The request in flight is finished and answered in full.
    s.write_all(rest.as_bytes()).await.unwrap();
    let answer = read_all(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("x-request-id: "), "{answer}");
    let done = tokio::time::timeout(Duration::from_secs(20), server).await;
    assert!(matches!(done, Ok(Ok(Ok(())))), "{done:?}");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let serving = Serving {
        header_read: Duration::from_millis(300),
        ..Serving::default()
    };
    let (addr, _stop, _server, _db) = started(serving).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let answer = read_all(&mut s).await;
    let took = started.elapsed();
    // hyper answers 408 or just closes; either way the connection ends
    // long before the 20 s the read would wait.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    // A client that sends its headers in time is answered.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_all(&mut s).await;
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
        "{answer}"
    );
}
