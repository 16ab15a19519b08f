//! What a client gets back: a response already written into the transcript, and the
//! assertions the tests make about it.

use serde_json::{Value, json};

/// A response, already recorded in the transcript.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The body as JSON (`Value::Null` for an empty or non-JSON body).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every `Set-Cookie` header, in order.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(key, _)| key == "set-cookie")
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

impl Reply {
    /// Everything a client receives but the `date` header (which is the time of day):
    /// two answers equal by this are indistinguishable to whoever sent the requests.
    pub fn as_seen_by_client(&self) -> (u16, Vec<(String, String)>, String) {
        let headers = self
            .headers
            .iter()
            .filter(|(name, _)| name != "date")
            .cloned()
            .collect();
        (self.status, headers, self.body.clone())
    }

    /// Asserts the one error shape every lesson uses: `status`, a JSON content type and
    /// exactly `{"error": message}`. Also that a failure hands out no cookie.
    #[track_caller]
    pub fn assert_error(&self, status: u16, message: &str) {
        assert_eq!(self.status, status, "status of {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "an error is JSON: {}",
            self.body
        );
        assert_eq!(self.json(), json!({ "error": message }), "error body");
        assert!(
            self.set_cookies().is_empty(),
            "a failure sets no cookie: {:?}",
            self.set_cookies()
        );
    }

    /// The `error` message of a JSON error answer with `status` (for a test that checks
    /// only part of the message).
    #[track_caller]
    pub fn error_message(&self, status: u16) -> String {
        assert_eq!(self.status, status, "status of {}", self.body);
        assert_eq!(self.header("content-type"), Some("application/json"));
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("an {{\"error\": ...}} body, got {}", self.body))
            .to_owned()
    }
}
