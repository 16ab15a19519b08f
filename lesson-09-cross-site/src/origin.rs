//! Where a request comes from: refusing the requests that another site makes a
//! logged-in browser send.
//!
//! A browser sends our session cookie with every request to our server, whichever page
//! asked for it. So a page on another site can make Alice's browser post a form to us,
//! cookie and all: a *cross-site request forgery*. Three things stop it here, each alone
//! enough against today's browsers, together a defence in depth:
//!
//! | defence | what it stops | where |
//! |---|---|---|
//! | `SameSite=Lax` on the session cookie | the browser leaves the cookie out of other sites' form posts and `fetch`es (not out of a top-level link: a GET) | lesson 06's cookie |
//! | JSON bodies only | a form can only send `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`: each gets `415`. A cross-site `fetch` of JSON needs a CORS preflight that this server never grants | `common::Json` |
//! | this check | any request that changes something and says it comes from another site | [`refuse_cross_site`] |
//!
//! And nothing changes state on a GET: a link on another site is a GET the browser does
//! send with a `Lax` cookie, so GETs here only read.
//!
//! How a request says where it comes from. Browsers add `Sec-Fetch-Site` (`same-origin`,
//! `same-site`, `cross-site`, or `none` for what the user typed) to every request they make
//! over HTTPS and to `localhost`; every browser adds `Origin` to a POST, PUT, PATCH or
//! DELETE. A request with neither did not come from a browser (curl, a script), so no
//! other site could have made it: it goes through, with whatever cookie its sender has.

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
    // GET and HEAD only read here (and OPTIONS, a CORS preflight, is answered 405, which a
    // browser takes as "no"): let them be.
    if method.is_safe() {
        return Ok(());
    }
    // The browser's own word, when it gives it. `same-site` is refused too: another port
    // or a sibling subdomain is another application, maybe someone else's.
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.as_bytes() {
            b"same-origin" | b"none" => Ok(()),
            _ => Err(refused()),
        };
    }
    // Otherwise the page's origin, which must be this server: the host and port the
    // browser addressed. `Origin: null` (a sandboxed frame, a page from a file, some
    // redirects) names no origin at all, so it cannot be ours.
    if let Some(origin) = headers.get(ORIGIN) {
        let host = headers.get(HOST).and_then(|host| host.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|origin| origin.split_once("://"))
            .map(|(_scheme, host)| host);
        return match (origin_host, host) {
            (Some(origin), Some(host)) if origin.eq_ignore_ascii_case(host) => Ok(()),
            _ => Err(refused()),
        };
    }
    // Neither header: not a browser, so not a forgery.
    Ok(())
}

fn refused() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, CROSS_SITE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:3000"));
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn a_post_from_this_site_or_from_no_browser_goes_on() {
        for allowed in [
            headers(&[("sec-fetch-site", "same-origin")]),
            headers(&[("sec-fetch-site", "none")]),
            headers(&[("origin", "http://127.0.0.1:3000")]),
            headers(&[]),
        ] {
            assert_eq!(check(&Method::POST, &allowed), Ok(()), "{allowed:?}");
        }
    }

    #[test]
    fn a_post_from_another_site_or_from_nowhere_is_refused() {
        for refused in [
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
            // Fetch metadata wins: a matching Origin does not undo `cross-site`.
            headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://127.0.0.1:3000"),
            ]),
            headers(&[("origin", "http://127.0.0.2:8000")]),
            headers(&[("origin", "http://127.0.0.1:3001")]),
            headers(&[("origin", "null")]),
        ] {
            let error = check(&Method::DELETE, &refused).unwrap_err();
            assert_eq!(error.status, StatusCode::FORBIDDEN, "{refused:?}");
        }
        // A GET only reads: whoever asks.
        let cross = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(check(&Method::GET, &cross), Ok(()));
    }
}
