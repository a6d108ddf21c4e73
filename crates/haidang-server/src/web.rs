//! The web app, embedded in the binary, and the security headers of every response.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::ApiError;

/// The built web app. The folder may be missing, so that `cargo test` needs no web build;
/// the server then answers with a page that says how to build it.
#[derive(rust_embed::RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
#[allow_missing = true]
struct WebAssets;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Serves a file of the web app, the app's page for other browser paths, or a JSON 404
/// under `/api/`.
pub async fn static_or_not_found(method: Method, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || method != Method::GET {
        return ApiError::not_found("ROUTE_NOT_FOUND", "what-route", uri.path()).into_response();
    }
    if let Some(file) = WebAssets::get(path).filter(|_| !path.is_empty()) {
        let mime = file.metadata.mimetype().to_owned();
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache.to_owned())],
            file.data.into_owned(),
        )
            .into_response();
    }
    match WebAssets::get("index.html") {
        Some(index) => ([(header::CACHE_CONTROL, "no-cache")], Html(index.data.into_owned())).into_response(),
        None => Html(MISSING_BUILD_PAGE).into_response(),
    }
}

const MISSING_BUILD_PAGE: &str = "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Hải Đăng</title>\
<h1>Hải Đăng</h1><p>Giao diện web chưa được đóng gói vào bản chạy này. Chạy <code>make run</code> để dựng giao diện.</p>\
<p lang=\"en\">The web app is not built into this binary. Run <code>make run</code> to build it.</p></html>";

/// Adds the headers that every response carries: a strict content security policy without
/// inline scripts, no framing, no content sniffing and no referrer.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
