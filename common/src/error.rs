//! One error shape for every lesson: a status and `{"error": "<message>"}`.
//!
//! axum's own rejections answer in plain text ("Failed to parse the request body as
//! JSON..."). A frontend that always expects JSON would choke on that, so [`Json`] wraps
//! axum's extractor and turns each rejection into an [`ApiError`] with the same status.

use std::time::Duration;

use axum::extract::rejection::{BytesRejection, FailedToBufferBody, JsonRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Our JSON bodies are a username and a password. 16 KiB is far more than enough, and
/// a small cap means nobody can make the server buffer megabytes per request. The
/// server's layers ([`crate::serve::with_layers`]) enforce it; [`Json`] names it in its 413.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// An error a handler returns. The status is sent; the message is the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Sent as `Retry-After` (whole seconds): when a `429` or `503` may be tried again.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Adds a `Retry-After` header: come back in `after` (rounded up to a whole second).
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// `429 Too Many Requests`: this client (or this key) must slow down.
    pub fn too_many_requests(message: impl Into<String>, retry_after: Duration) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, message).with_retry_after(retry_after)
    }

    /// `503 Service Unavailable`: the server as a whole is too busy for this now.
    pub fn unavailable(message: impl Into<String>, retry_after: Duration) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message).with_retry_after(retry_after)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// A failure that is ours, not the client's. The details go to the log; the client
    /// gets a message that gives nothing away.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            axum::Json(ErrorBody {
                error: &self.message,
            }),
        )
            .into_response();
        if let Some(after) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(whole_seconds(after)));
        }
        response
    }
}

/// `Retry-After` counts whole seconds; rounding up never invites a client back too early.
pub fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::internal(error)
    }
}

/// Like `axum::Json`, but a bad body becomes an [`ApiError`]:
/// - not JSON content type: 415
/// - not valid JSON: 400
/// - valid JSON with missing or mistyped fields: 422
/// - larger than the body limit: 413
/// - not all there within the body timeout: 408
///
/// As a response it is `axum::Json` unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let message = match rejection {
        JsonRejection::BytesRejection(rejection) => return ApiError::from(rejection),
        JsonRejection::MissingJsonContentType(_) => {
            "Expected a JSON body with the header Content-Type: application/json".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => "The body is not valid JSON".to_owned(),
        // serde's own words are clear here, e.g. "missing field `password`".
        JsonRejection::JsonDataError(error) => {
            format!("The JSON does not fit: {}", error.body_text())
        }
        other => other.body_text(),
    };
    ApiError::new(status, message)
}

/// A body that could not be read: too large (413), too slow (408, see
/// [`crate::limits::Limits::body_timeout`]), or cut off (400).
impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::new(
                status,
                format!("The body is larger than the limit of {BODY_LIMIT_BYTES} bytes"),
            );
        }
        if let BytesRejection::FailedToBufferBody(FailedToBufferBody::UnknownBodyError(error)) =
            &rejection
            && caused_by_timeout(error)
        {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "The body did not arrive in time: send the whole request at once",
            );
        }
        ApiError::new(status, rejection.body_text())
    }
}

/// Whether the body read failed because the server's body deadline passed.
fn caused_by_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = error.source();
    }
    false
}
