//! HTTP connections: accepted under a cap, closed when a client is too slow to send its headers
//! or goes silent, and drained on shutdown with a word about what is still open.
//!
//! `axum::serve` offers none of these knobs (no header-read timeout, no idle timeout, no cap), so
//! the accept loop is here, on hyper's HTTP/1 connection builder as axum uses it:
//! - **Header-read timeout** ([`Limits::header_read`]): a client that has not sent a complete
//!   request head that long after the connection opened, or after its previous response, is
//!   disconnected. This is what stops a "slowloris" client trickling one header byte at a time,
//!   and it also closes keep-alive connections that sit unused.
//! - **Idle timeout** ([`Limits::idle`]): no byte read or written for that long ends the
//!   connection, whatever it was doing (a client that stopped reading its response, a stalled
//!   body). Live streams send a keep-alive comment every 15 s, so a healthy one is never idle.
//! - **A cap on open connections** ([`Limits::max_connections`]): past it, new connections wait
//!   in the kernel's backlog rather than use up file descriptors (see `LimitNOFILE` in
//!   `deploy/haven.service`).
//! - **Shutdown**: stop accepting, tell every live stream to end ([`LiveStreams::close_all`]),
//!   let requests in flight finish, and print how many connections are still open and which
//!   live streams were told to end. Connections that have not finished after [`Limits::drain`]
//!   are cut, so the final flush always runs before systemd's stop timeout.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;

use crate::config::DEFAULT_MAX_CONNECTIONS;
use crate::messaging::LiveStreams;
use crate::messaging::streams::StreamKind;

/// The limits on connections. `Default` is what `haven serve` uses, apart from
/// `max_connections` (`HAVEN_MAX_CONNECTIONS`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest a client may take to send a request's head (method, path, headers).
    pub header_read: Duration,
    /// Longest a connection may go without a byte read or written.
    pub idle: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Longest shutdown waits for open connections to finish.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            // systemd's TimeoutStopSec is 30 s in the shipped unit: this leaves time to flush.
            drain: Duration::from_secs(20),
        }
    }
}

/// How often shutdown says what it is still waiting for.
const WAIT_NOTE_EVERY: Duration = Duration::from_secs(5);

/// Serves `router` on `listener` until `shutdown` resolves, then drains (see the module doc).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    streams: LiveStreams,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (close_tx, close_rx) = watch::channel(false);
    let mut open: JoinSet<()> = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        // Finished connections are reaped here so the set does not grow.
        while open.try_join_next().is_some() {}
        let place = tokio::select! {
            p = places.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a moment instead of spinning.
                    tracing::error!(error = %e, "accepting a connection failed");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(100)) => continue,
                        _ = &mut shutdown => break,
                    }
                }
            },
            _ = &mut shutdown => break,
        };
        open.spawn(connection(
            stream,
            peer,
            router.clone(),
            limits,
            close_rx.clone(),
            place,
        ));
    }
    drop(listener);
    while open.try_join_next().is_some() {}
    let (web, console) = (
        streams.open(StreamKind::Web),
        streams.open(StreamKind::Console),
    );
    streams.close_all();
    close_tx.send_replace(true);
    println!(
        "haven serve: stopping: accepting no more connections; waiting for {} open connection(s) \
         to finish; {web} web chat and {console} console live stream(s) told to end",
        open.len()
    );
    let deadline = Instant::now() + limits.drain;
    loop {
        tokio::select! {
            done = open.join_next() => if done.is_none() { break },
            _ = tokio::time::sleep(WAIT_NOTE_EVERY) => println!(
                "haven serve: still waiting for {} connection(s) ({} web chat and {} console live stream(s) open)",
                open.len(),
                streams.open(StreamKind::Web),
                streams.open(StreamKind::Console),
            ),
            _ = tokio::time::sleep_until(deadline) => {
                println!(
                    "haven serve: {} connection(s) did not finish within {} s; closing them",
                    open.len(),
                    limits.drain.as_secs()
                );
                open.abort_all();
                while open.join_next().await.is_some() {}
                break;
            }
        }
    }
    println!("haven serve: all connections closed");
    Ok(())
}

/// One connection: HTTP/1 with the header-read timeout, over a stream with the idle timeout.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    mut close: watch::Receiver<bool>,
    place: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Idle::new(stream, limits.idle));
    // Handlers that limit per network read the peer address like axum's `ConnectInfo`.
    let service = router.map_request(move |mut req: axum::http::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        req
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let mut conn = pin!(builder.serve_connection(io, TowerToHyperService::new(service)));
    let mut closing = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            _ = close.wait_for(|c| *c), if !closing => {
                // Finish the request in flight (if any), then close instead of keeping alive.
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
    drop(place);
}

/// A stream that fails with `TimedOut` once nothing was read or written for `timeout`.
///
/// Every read or write that moves bytes pushes the deadline back; a read or write that has to
/// wait checks it. hyper polls a connection from one task, so the one timer's waker is always
/// that task's.
pub struct Idle<T> {
    inner: T,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<T> Idle<T> {
    pub fn new(inner: T, timeout: Duration) -> Idle<T> {
        Idle {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    fn progressed(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    /// `Pending`, unless the deadline has passed.
    fn waiting<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection idle for too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Idle<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.progressed();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.waiting(cx),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Idle<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    this.progressed();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    this.progressed();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.waiting(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Pending => this.waiting(cx),
            done => done,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // These assert that a silent stream ends, never how soon: the timeout is short so the test
    // is quick, and the result is the same on a slow machine.
    #[tokio::test]
    async fn a_silent_stream_times_out_after_its_traffic_stops() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let mut idle = Idle::new(ours, Duration::from_millis(50));
        theirs.write_all(b"x").await.unwrap();
        let mut b = [0u8; 1];
        idle.read_exact(&mut b).await.unwrap();
        let e = idle.read(&mut b).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn a_peer_that_stops_reading_times_the_writer_out() {
        let (ours, _theirs) = tokio::io::duplex(8);
        let mut idle = Idle::new(ours, Duration::from_millis(50));
        // The duplex buffer holds 8 bytes; nobody reads them, so the write waits, then fails.
        let e = idle.write_all(&[0u8; 64]).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
    }
}
