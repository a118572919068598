//! The connection loop (issue 19, items 2 and 4): each connection served
//! by hyper's HTTP/1 with a time limit on reading a request's headers (a
//! client that trickles them in cannot hold a connection open for ever),
//! and a graceful stop: when told to stop, no new connection is accepted,
//! requests in flight are finished, idle connections are closed, and after
//! a grace period whatever remains is dropped.
//!
//! Why not `axum::serve`: it has no header-read limit (hyper needs a
//! timer for one, which `axum::serve` does not give it), and its graceful
//! shutdown waits without a bound.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tower::ServiceExt;

use crate::AppState;

/// How the connection loop runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Serving {
    /// How long a client may take to send a request's headers (and how
    /// long an idle kept-alive connection stays open).
    pub header_read: Duration,
    /// How long a stop waits for requests in flight.
    pub grace: Duration,
}

impl Default for Serving {
    fn default() -> Serving {
        Serving {
            header_read: Duration::from_secs(30),
            grace: Duration::from_secs(30),
        }
    }
}

/// Serves the application on `listener` until `stop` completes, then
/// stops gracefully (see the module's comment).
pub async fn serve_until<F>(
    state: AppState,
    listener: tokio::net::TcpListener,
    serving: Serving,
    stop: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send,
{
    let router = crate::app(state);
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, the
                        // connections in flight will free some.
                        tracing::warn!(cause = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                    req.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
                    router.clone().oneshot(req.map(Body::new))
                });
                let conn = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(serving.header_read)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(cause = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    tracing::info!("stopping: no new connections; finishing the requests in flight");
    match tokio::time::timeout(serving.grace, graceful.shutdown()).await {
        Ok(()) => tracing::info!("stopped: every request in flight was answered"),
        Err(_) => tracing::warn!(
            grace_s = serving.grace.as_secs(),
            "stopped: requests still in flight after the grace period were dropped"
        ),
    }
    Ok(())
}
