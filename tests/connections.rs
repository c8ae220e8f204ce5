//! Connection limits over real TCP on loopback (issue 12): a client that sends its request head
//! one byte at a time ("slowloris"), or keeps a connection open and silent, is disconnected
//! instead of holding a file descriptor forever. The timeouts here are short so the tests are
//! quick; they assert that the connection ends, never how soon.

mod support;

use std::time::Duration;

use haven::server::Limits;
use support::server::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Far longer than any timeout here: reaching it means the connection was never closed.
const NEVER: Duration = Duration::from_secs(60);

fn short() -> Limits {
    Limits {
        header_read: Duration::from_secs(1),
        idle: Duration::from_secs(30),
        ..Limits::default()
    }
}

fn addr(server: &TestServer) -> String {
    server.url.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (end of stream or reset); panics at `NEVER`.
async fn until_closed(read: &mut (impl AsyncReadExt + Unpin)) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(NEVER, read.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return got,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server never closed the connection"),
        }
    }
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_with_limits(dir.path(), &[], short()).await;
    let stream = TcpStream::connect(addr(&server)).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    // One header byte every 100 ms: always "active", never done.
    let trickle = tokio::spawn(async move {
        if write
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .is_err()
        {
            return;
        }
        while write.write_all(b"X").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let answered = until_closed(&mut read).await;
    assert!(
        !answered.starts_with(b"HTTP/1.1 200"),
        "an unfinished request is not answered"
    );
    trickle.abort();
    // Others are served as usual.
    let r = reqwest::get(format!("{}/healthz", server.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn a_connection_left_open_and_silent_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_with_limits(dir.path(), &[], short()).await;
    // Never a byte.
    let mut silent = TcpStream::connect(addr(&server)).await.unwrap();
    assert!(until_closed(&mut silent).await.is_empty());
    // One request, answered, then nothing more on the kept-alive connection.
    let mut kept = TcpStream::connect(addr(&server)).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answered = until_closed(&mut kept).await;
    assert!(
        answered.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answered)
    );
    server.stop().await;
}
