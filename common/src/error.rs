//! One error shape for every lesson: a status and `{"error": "<message>"}`.
//!
//! axum's own rejections answer in plain text ("Failed to parse the request body as
//! JSON..."). A frontend that always expects JSON would choke on that, so [`Json`] wraps
//! axum's extractor and turns each rejection into an [`ApiError`] with the same status.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
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
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
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
        (
            self.status,
            axum::Json(ErrorBody {
                error: &self.message,
            }),
        )
            .into_response()
    }
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
        JsonRejection::MissingJsonContentType(_) => {
            "Expected a JSON body with the header Content-Type: application/json".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => "The body is not valid JSON".to_owned(),
        // serde's own words are clear here, e.g. "missing field `password`".
        JsonRejection::JsonDataError(error) => {
            format!("The JSON does not fit: {}", error.body_text())
        }
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => {
            format!(
                "The body is larger than the limit of {} bytes",
                BODY_LIMIT_BYTES
            )
        }
        other => other.body_text(),
    };
    ApiError::new(status, message)
}
