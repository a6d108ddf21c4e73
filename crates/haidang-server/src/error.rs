//! API errors: one type with a stable machine code per failure, mapped to an HTTP status
//! here, and rendered as `{"error": {"code", "message"}}` in the caller's language by
//! [`localize_errors`].

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::i18n::{Lang, message};

/// A failed request: status, stable code, and the message to render.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    message_id: &'static str,
    args: Vec<(&'static str, MessageArg)>,
    /// Cause of an internal error, logged once and never sent to the client.
    cause: Option<String>,
}

#[derive(Debug, Clone)]
enum MessageArg {
    Text(String),
    /// Another message, rendered in the same language (a noun such as "series").
    Message(&'static str),
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message_id: &'static str) -> Self {
        Self {
            status,
            code,
            message_id,
            args: Vec::new(),
            cause: None,
        }
    }

    fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, MessageArg::Text(value.into())));
        self
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut error = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "error-internal");
        error.cause = Some(cause.to_string());
        error
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "NOT_READY",
            "error-service-unavailable",
        )
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "error-unauthenticated")
    }

    pub fn forbidden(role: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", "error-forbidden").arg("role", role)
    }

    /// Builds the error for a caller whose grants do not include the action.
    pub fn forbidden_action() -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", "error-forbidden-action")
    }

    /// Builds the error for a browser route called without a session.
    pub fn not_logged_in() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "NOT_LOGGED_IN", "error-not-logged-in")
    }

    /// An administrator tried to disable their own account or drop their own administrator role.
    pub fn self_lockout() -> Self {
        Self::new(StatusCode::CONFLICT, "SELF_LOCKOUT", "error-self-lockout")
    }

    /// Builds the error for a wrong current password given to change it.
    pub fn wrong_current_password() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "WRONG_CURRENT_PASSWORD",
            "error-wrong-current-password",
        )
    }

    pub fn two_factor_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "TWO_FACTOR_REQUIRED",
            "error-two-factor-required",
        )
    }

    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "CSRF_CHECK_FAILED", "error-csrf")
    }

    pub fn rate_limited(wait_ms: i64) -> Self {
        let seconds = (wait_ms + 999) / 1000;
        Self::new(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", "error-rate-limited")
            .arg("seconds", seconds.to_string())
    }

    pub fn route_without_policy() -> Self {
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ROUTE_WITHOUT_POLICY",
            "error-internal",
        );
        error.cause = Some("route has no access policy".to_owned());
        error
    }

    /// Wrong username or password, with no hint of which.
    pub fn login_failed() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "LOGIN_FAILED", "error-login-failed")
    }

    /// The username is locked after repeated failures; `until` is a local time of day.
    pub fn login_locked(until: &str) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "LOGIN_LOCKED", "error-login-locked").arg("until", until)
    }

    pub fn login_throttled(until: &str) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "LOGIN_THROTTLED",
            "error-login-throttled",
        )
        .arg("until", until)
    }

    pub fn invalid_code() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_TWO_FACTOR_CODE",
            "error-invalid-code",
        )
    }

    /// A new password breaks a rule; `reason_id` is the message id of the rule.
    pub fn weak_password(reason_id: &'static str) -> Self {
        let mut error = Self::new(StatusCode::BAD_REQUEST, "WEAK_PASSWORD", "error-weak-password");
        error.args.push(("reason", MessageArg::Message(reason_id)));
        error
    }

    pub fn conflict(what: &'static str, key: &str) -> Self {
        let mut error = Self::new(StatusCode::CONFLICT, "ALREADY_EXISTS", "error-already-exists").arg("key", key);
        error.args.push(("what", MessageArg::Message(what)));
        error
    }

    /// `what` is the message id of the noun, such as `what-series`.
    pub fn not_found(code: &'static str, what: &'static str, key: &str) -> Self {
        let mut error = Self::new(StatusCode::NOT_FOUND, code, "error-not-found").arg("key", key);
        error.args.push(("what", MessageArg::Message(what)));
        error
    }

    pub fn unit_not_found(code: &str, date: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "UNIT_NOT_FOUND", "error-unit-not-found")
            .arg("code", code)
            .arg("date", date)
    }

    pub fn invalid_parameter(field: &str, value: &str, hint: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_PARAMETER", "error-invalid-parameter")
            .arg("field", field)
            .arg("value", value)
            .arg("hint", hint)
    }

    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_BODY", "error-invalid-body").arg("detail", detail)
    }

    pub fn invalid_input(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_INPUT", "error-invalid-input").arg("detail", detail)
    }

    pub fn unsupported_media_type(value: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "error-unsupported-media-type",
        )
        .arg("value", value)
    }

    pub fn reference_not_found(field: &str, value: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "REFERENCE_NOT_FOUND",
            "error-reference-not-found",
        )
        .arg("field", field)
        .arg("value", value)
    }

    /// An error rendered from the message `message_id` with `args`, for messages that
    /// belong to one feature (such as the settings of a connector).
    pub fn with_message(
        status: StatusCode,
        code: &'static str,
        message_id: &'static str,
        args: Vec<(&'static str, String)>,
    ) -> Self {
        let mut error = Self::new(status, code, message_id);
        error.args = args
            .into_iter()
            .map(|(name, value)| (name, MessageArg::Text(value)))
            .collect();
        error
    }

    /// Renders the message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, value)| {
                let text = match value {
                    MessageArg::Text(text) if *name == "hint" => crate::i18n::hint(lang, text),
                    MessageArg::Text(text) => text.clone(),
                    MessageArg::Message(id) => message(lang, id, &[]),
                };
                (*name, text)
            })
            .collect();
        message(lang, self.message_id, &args)
    }
}

impl From<haidang_store::StoreError> for ApiError {
    fn from(error: haidang_store::StoreError) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Renders every [`ApiError`] of a response in the request's language, and logs the cause
/// of internal errors once. Errors caused by bad input are not logged.
pub async fn localize_errors(request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<ApiError>().cloned() else {
        return response;
    };
    if let Some(cause) = &error.cause {
        tracing::error!(%method, %path, error = %cause, "request failed");
    }
    let body = json!({ "error": { "code": error.code, "message": error.message(lang) } });
    let mut rendered = (error.status, axum::Json(body)).into_response();
    for (name, value) in response.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rendered
}
