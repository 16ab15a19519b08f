//! Warm-up 09-1 · Where a request comes from.
//!
//! With `--features 09-1-origin` this file replaces `src/origin.rs`: the server then asks
//! *your* `check` about every request before any handler sees it, and answers `403` when
//! it says no. Check your work with `cargo course check 09-1-origin`, and try it in the
//! real server with `cargo run -p lesson-09-cross-site --features 09-1-origin`.
//!
//! A browser sends our session cookie with every request to our server, whichever page
//! made it send the request. A page on another site can post a form to us from Alice's
//! browser, cookie and all. Your check decides, from what the browser says about the
//! request's origin, whether it may go on.

// While the `todo!()` stands, the compiler would warn that the parameters and `refused`
// are unused. This keeps it quiet meanwhile; delete it when you are done.
#![allow(unused_variables, unused_imports, dead_code)]

use axum::extract::Request;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use common::ApiError;

/// The one answer to a request refused here.
pub const CROSS_SITE: &str = "Requests from another site may not change anything here";

/// The middleware: a request that would change something and comes from another site is
/// answered `403` before any handler (or the login throttle) sees it.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    match check(request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.into_response(),
    }
}

/// Whether a request may go on, from what the browser says about where it comes from.
pub fn check(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    // TODO: Let a request go on (`Ok(())`) or refuse it (`Err(refused())`).
    //
    //       - Requests that only read (GET, HEAD) may come from anywhere: a link on
    //         another site is a GET, and nothing here changes on one. `Method` knows which
    //         methods the HTTP standard calls "safe".
    //       - Browsers say where a request comes from in two headers. `Sec-Fetch-Site`
    //         (values: `same-origin`, `same-site`, `cross-site`, and `none` for what the
    //         user typed or bookmarked) is the browser's own verdict. `Origin` is the
    //         page's scheme, host and port, e.g. `http://127.0.0.1:3000`, to compare with
    //         the host the request was sent to (the `Host` header). Which of the two do
    //         you trust first when both are there?
    //       - Think about the odd cases: `same-site` (another port, a sibling subdomain:
    //         is that still us?), an `Origin` of `null` (a sandboxed frame, a page opened
    //         from a file), an `Origin` you cannot read.
    //       - A request with neither header did not come from a browser (curl, a script).
    //         No other site could have made it send it. Let it go on: the lesson's curl
    //         commands must keep working.
    todo!("09-1: let a request from this site, or from no browser, go on; refuse the others")
}

fn refused() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, CROSS_SITE)
}
