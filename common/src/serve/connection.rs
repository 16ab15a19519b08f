//! One HTTP/1.1 connection, as [`super::Server`] serves it: the client's address on
//! every request, a JSON 500 for a panic, the body deadline, the header timeout, and its
//! end when the server stops.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::{Body as _, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tower_http::timeout::DeadlineBody;
use tower_service::Service;

use super::panic_to_json;
use crate::limits::Limits;

/// One connection, HTTP/1.1: requests one after another until the client closes it, it
/// is idle or too slow for `limits.header_timeout`, or the server stops (`stopping` then
/// holds the moment by which a request in flight must be answered).
pub(super) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<Option<Instant>>,
) {
    let activity = Arc::new(Activity::new());
    let answers = activity.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        let answering = Answering::start(&answers);
        // Who is asking: axum's `ConnectInfo<SocketAddr>` extractor reads it here.
        request.extensions_mut().insert(ConnectInfo(peer));
        // The body's clock starts when its head is in: a client that promises 200 bytes
        // and sends 30 gets a 408 (from `crate::Json`) when it runs out, not a connection
        // held open for as long as it likes. A request without a body (a GET, most of
        // them) has nothing to wait for, so it gets no timer.
        let answer = catch_unwind(AssertUnwindSafe(|| {
            if request.body().is_end_stream() {
                app.clone().call(request)
            } else {
                app.clone()
                    .call(request.map(|body| DeadlineBody::new(limits.body_timeout, body)))
            }
        }));
        Answer {
            answer: answer.map_err(Some),
            _answering: answering,
        }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let answer_by = tokio::select! {
        served = connection.as_mut() => {
            log_connection_end(served);
            return;
        }
        // Dropping the connection closes it, without an answer: a client that sends
        // half a head would not read one anyway.
        () = idle_for(&activity, limits.header_timeout) => {
            tracing::debug!("connection closed: no request head within the header timeout");
            return;
        }
        answer_by = server_stops(&mut stopping) => answer_by,
    };

    // The server is stopping. hyper answers the request in flight, if any, with
    // `Connection: close`, and then closes. The watch stays, with no patience left: a
    // connection that is not being answered is only waiting for a head (none yet, half of
    // one, or the next one), so it is closed now. And whatever is still unanswered at
    // `answer_by` is cut.
    connection.as_mut().graceful_shutdown();
    tokio::select! {
        // In this order: an answer the connection has just made is written out before
        // the watch looks.
        biased;
        served = connection.as_mut() => log_connection_end(served),
        () = no_request_in_flight(&activity) => {
            tracing::debug!("connection closed: the server stopped while it waited for a request");
        }
        () = tokio::time::sleep_until(answer_by.into()) => {
            tracing::warn!("a request still unanswered when the server stopped was cut");
        }
    }
}

/// Waits until the server stops, and returns by when the request in flight must be
/// answered. A server that is gone (its accept loop ended) wants it now.
async fn server_stops(stopping: &mut watch::Receiver<Option<Instant>>) -> Instant {
    let answer_by = stopping.wait_for(Option::is_some).await.ok();
    answer_by
        .and_then(|answer_by| *answer_by)
        .unwrap_or_else(Instant::now)
}

/// The answer to one request. A panic in its handler becomes a JSON 500 (see
/// [`panic_to_json`]) instead of a dropped connection: in the exercises, a `todo!()` the
/// student has not filled in yet is such a panic. (tower-http's `CatchPanicLayer` does
/// the same, but boxes every response body again on the way out.)
struct Answer<F> {
    /// The router's future, or the panic of the call that should have made it.
    answer: Result<F, Option<Box<dyn std::any::Any + Send + 'static>>>,
    _answering: Answering,
}

impl<F> Future for Answer<F>
where
    F: Future<Output = Result<Response<axum::body::Body>, Infallible>> + Unpin,
{
    type Output = Result<Response<axum::body::Body>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let panicked = match &mut self.answer {
            Ok(future) => match catch_unwind(AssertUnwindSafe(|| Pin::new(future).poll(cx))) {
                Ok(polled) => return polled,
                Err(panic) => panic,
            },
            Err(panic) => panic
                .take()
                .expect("an answer is not polled after it is ready"),
        };
        Poll::Ready(Ok(panic_to_json(panicked)))
    }
}

// ── the header timeout ───────────────────────────────────────────────────────────
//
// A request's head (its line and headers) must be in within `header_timeout` of the
// moment the server starts waiting for it: after the connection opens, and after each
// answer. The same bound closes a keep-alive connection left idle. hyper can do this
// itself (`header_read_timeout`), but it makes a new timer for every request, in the
// runtime's shared timer wheel, and drops it when the head is in: in the `/api/me`
// benchmark of lesson 04 that was a fifth of what the HTTP layer could do. Here each
// connection has one watch, which looks again only when its deadline comes, and a
// request costs two counter updates and a clock read.

/// What a connection is doing, for [`idle_for`].
struct Activity {
    opened: Instant,
    /// Requests being answered. While there is one, the connection is not waiting for
    /// a head (a slow body has `body_timeout`; a slow handler is the server's own).
    in_flight: AtomicUsize,
    /// When the last answer was ready, or the connection opened: the wait for the next
    /// head starts here. Milliseconds after `opened`.
    waiting_since_ms: AtomicU64,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: Instant::now(),
            in_flight: AtomicUsize::new(0),
            waiting_since_ms: AtomicU64::new(0),
        }
    }

    fn waiting_since(&self) -> Instant {
        self.opened + Duration::from_millis(self.waiting_since_ms.load(Ordering::Acquire))
    }
}

/// One request being answered: counted from its head to its answer, even if the
/// answer is abandoned (the client left).
struct Answering(Arc<Activity>);

impl Answering {
    fn start(activity: &Arc<Activity>) -> Answering {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        Answering(activity.clone())
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        let activity = &self.0;
        let now = activity.opened.elapsed().as_millis();
        let now = u64::try_from(now).unwrap_or(u64::MAX);
        activity.waiting_since_ms.store(now, Ordering::Release);
        activity.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Returns once the connection has waited `timeout` for a head with no request in
/// flight. Wakes up about once per `timeout`, not once per request.
async fn idle_for(activity: &Activity, timeout: Duration) {
    loop {
        let busy = activity.in_flight.load(Ordering::Acquire) > 0;
        let look_again = if busy {
            Instant::now() + timeout
        } else {
            activity.waiting_since() + timeout
        };
        tokio::time::sleep_until(look_again.into()).await;
        let idle = activity.in_flight.load(Ordering::Acquire) == 0;
        if idle && activity.waiting_since() + timeout <= Instant::now() {
            return;
        }
    }
}

/// Ready when no request is being answered. It needs no waker of its own: the count
/// changes only while hyper polls the connection, in the same task, just before this.
fn no_request_in_flight(activity: &Activity) -> impl Future<Output = ()> + '_ {
    std::future::poll_fn(|_| {
        if activity.in_flight.load(Ordering::Acquire) == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
}

fn log_connection_end(served: hyper::Result<()>) {
    if let Err(error) = served {
        tracing::debug!(%error, "connection ended");
    }
}
