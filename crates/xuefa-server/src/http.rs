//! The HTTP side: routes, the headers every response carries, the cross-site check of
//! every request that changes something, the request's language and the client's address.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use xuefa_app::Backend;
use xuefa_core::Lang;

use crate::{Shared, api, pages, practice};

/// The Content-Security-Policy of every response: nothing but this site's own files.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Returns the application: the pages, their files and the API.
pub(crate) fn router<S: Backend + Send + 'static>(shared: Arc<Shared<S>>) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(api::openapi))
        .route("/login", post(api::login::<S>))
        .route("/logout", post(api::logout::<S>))
        .route("/me", get(api::me::<S>))
        .route("/exams", get(api::exams::<S>))
        .route("/exams/{exam}/attempts", post(api::start::<S>))
        .route("/exams/{exam}/attempts/{attempt}", get(api::attempt::<S>))
        .route("/exams/{exam}/attempts/{attempt}/answers/{number}", put(api::answer::<S>))
        .route("/exams/{exam}/attempts/{attempt}/submit", post(api::submit::<S>))
        .route("/exams/{exam}/attempts/{attempt}/leave", post(api::leave::<S>))
        .route("/exams/{exam}/attempts/{attempt}/review", get(api::review::<S>))
        .route("/practice/draw", post(practice::draw::<S>))
        .route("/practice/answers", post(practice::answer::<S>))
        .route("/practice/book", get(practice::book::<S>))
        .fallback(api::not_found)
        .layer(middleware::from_fn(same_site_only))
        .layer(DefaultBodyLimit::max(16 * 1024));
    Router::new()
        .route("/", get(pages::login))
        .route("/exams", get(pages::exams))
        .route("/sit/{exam}", get(pages::sit))
        .route("/result/{exam}/{attempt}", get(pages::result))
        .route("/practice", get(pages::practice))
        .route("/practice/book", get(pages::book))
        .route("/static/{file}", get(pages::asset))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), headers::<S>))
        .with_state(shared)
}

/// Adds the security headers to every response; nothing is cached but the pages' files.
async fn headers<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    request: Request,
    next: Next,
) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if is_static { "no-cache" } else { "no-store" }),
    );
    if shared.secure {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// Refuses a request that changes something unless it is JSON from this site: a form or an
/// image on another site cannot send `Content-Type: application/json` without the
/// browser asking first (and this server never says yes), and a browser's `Origin` and
/// `Sec-Fetch-Site` must name this site when present. With the SameSite=Strict cookie this
/// is the cross-site request forgery defence.
async fn same_site_only(request: Request, next: Next) -> Response {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD {
        return next.run(request).await;
    }
    let headers = request.headers();
    let json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    });
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site" || v == "same-site");
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let foreign_origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).is_some_and(|origin| {
        let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        Some(authority) != host
    });
    if !json || cross_site || foreign_origin {
        let lang = language(request.headers());
        return api::error(StatusCode::FORBIDDEN, xuefa_app::i18n::text(lang, "server.cross_site", &[]));
    }
    next.run(request).await
}

/// Returns the language a request asks for: English when its first choice in
/// `Accept-Language` is English, Chinese otherwise (and by default).
pub(crate) fn language(headers: &HeaderMap) -> Lang {
    let Some(value) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Lang::Zh;
    };
    let mut best: Option<(f32, &str)> = None;
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default().trim();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if !tag.is_empty() && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, tag));
        }
    }
    match best {
        Some((_, tag)) if tag.to_ascii_lowercase().starts_with("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// Returns the client's address: the peer's, or, when the peer is a trusted reverse proxy,
/// the last address in `X-Forwarded-For` that is not a trusted proxy.
pub(crate) fn client_address(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.ip();
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer)
}

/// Returns the session token of the request's cookie.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(&format!("{COOKIE}=")).map(str::to_owned))
}

/// The session cookie's name.
pub(crate) const COOKIE: &str = "xuefa_session";

/// Returns the `Set-Cookie` value of a session (or of its removal when `token` is empty).
pub(crate) fn session_cookie(token: &str, secure: bool) -> String {
    let age = if token.is_empty() { 0 } else { xuefa_app::access::SESSION_HOURS * 3600 };
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; Max-Age={age}; HttpOnly; SameSite=Strict{secure}")
}

/// The peer's address, as axum gives it.
pub(crate) type Peer = ConnectInfo<SocketAddr>;

/// A response with a body and a content type.
pub(crate) fn typed(content_type: &'static str, body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body.into()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_addresses() {
        let mut headers = HeaderMap::new();
        assert_eq!(language(&headers), Lang::Zh);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-US,en;q=0.9,zh;q=0.8"));
        assert_eq!(language(&headers), Lang::En);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.8"));
        assert_eq!(language(&headers), Lang::Zh);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("zh;q=0.5, en"));
        assert_eq!(language(&headers), Lang::En);

        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let peer = SocketAddr::new(proxy, 5000);
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 192.168.1.20"));
        assert_eq!(client_address(peer, &headers, &[]), proxy, "untrusted peers are taken as they are");
        assert_eq!(client_address(peer, &headers, &[proxy]).to_string(), "192.168.1.20");
    }
}
