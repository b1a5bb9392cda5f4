//! The HTTP client: one pool of keep-alive HTTP/1.1 connections to the server, shared by
//! every simulated employee (as a proxy or an office NAT would), with a timeout per request.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, COOKIE, HeaderValue, SET_COOKIE};
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// What a request came to.
#[derive(Debug)]
pub enum Outcome {
    /// An HTTP answer: status, body and the session token it set, if any.
    Answered { status: u16, body: Bytes, session: Option<String> },
    /// No answer: the connection failed or broke.
    Failed(String),
    /// No answer within the timeout.
    TimedOut,
}

/// The shared client.
#[derive(Debug, Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    timeout: Duration,
}

/// Refuses any address but this machine's loopback: the benchmark never sends traffic
/// elsewhere.
pub fn check_loopback(base: &str) -> Result<(), String> {
    let rest = base.strip_prefix("http://").ok_or_else(|| format!("{base}: only http:// is supported"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.rsplit_once(':').map_or(authority, |(host, _)| host)
    };
    let loopback =
        host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback());
    if loopback { Ok(()) } else { Err(format!("{base}: the load goes to 127.0.0.1 (loopback) only")) }
}

impl Http {
    /// A client for the server at `base` (such as `http://127.0.0.1:18400`).
    pub fn new(base: &str, timeout: Duration) -> Http {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.enforce_http(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(usize::MAX)
            // A fixed 8 kB read buffer per connection (hyper's grows to fit the largest answer
            // read, 20 kB for a paper): thousands of connections stay open while the server queues.
            .http1_read_buf_exact_size(8192)
            .build(connector);
        Http { client, base: base.trim_end_matches('/').to_owned(), timeout }
    }

    /// Sends one request: `body` is JSON (POST and PUT always send one), `session` the
    /// `xuefa_session` cookie.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        session: Option<&str>,
        body: Option<Bytes>,
    ) -> Outcome {
        let mut request = Request::builder().method(method).uri(format!("{}{path}", self.base));
        if body.is_some() {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Some(token) = session {
            request = request.header(COOKIE, format!("xuefa_session={token}"));
        }
        let request = match request.body(Full::new(body.unwrap_or_default())) {
            Ok(request) => request,
            Err(e) => return Outcome::Failed(format!("request: {e}")),
        };
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| format!("{e:?}"))?;
            let status = response.status().as_u16();
            let session = response
                .headers()
                .get_all(SET_COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(|cookie| cookie.strip_prefix("xuefa_session="))
                .map(|rest| rest.split(';').next().unwrap_or_default().to_owned());
            let body = response.into_body().collect().await.map_err(|e| format!("body: {e}"))?.to_bytes();
            Ok::<_, String>(Outcome::Answered { status, body, session })
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(e)) => Outcome::Failed(e),
            Err(_) => Outcome::TimedOut,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_loopback;

    #[test]
    fn only_loopback() {
        assert!(check_loopback("http://127.0.0.1:18400").is_ok());
        assert!(check_loopback("http://127.3.2.1:80/").is_ok());
        assert!(check_loopback("http://localhost:8080").is_ok());
        assert!(check_loopback("http://[::1]:8080").is_ok());
        assert!(check_loopback("http://10.0.0.1:8080").is_err());
        assert!(check_loopback("http://example.com").is_err());
        assert!(check_loopback("https://127.0.0.1").is_err());
    }
}
