//! Scratch PostgreSQL workspaces for tests: each in a schema of its own, dropped when the
//! test ends. Not part of the store's interface.
//!
//! The server is `XUEFA_TEST_POSTGRES` (a URL; `off` skips PostgreSQL), else the local one
//! at `postgres://postgres@127.0.0.1:5432/test`. When none answers, the PostgreSQL half of
//! a test says it was skipped, unless `XUEFA_TEST_POSTGRES_REQUIRED=1` (as in CI), which
//! makes that a failure.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::PgTarget;

const DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A schema of its own on the test server, dropped with everything in it on drop.
#[derive(Debug)]
pub struct Scratch {
    /// Where the scratch workspace is (the server's URL, with the schema first on the
    /// search path).
    pub target: PgTarget,
    admin: String,
    schema: String,
}

/// Returns a new scratch schema, or `None` (having said so on stderr) when there is no
/// PostgreSQL server to test against.
///
/// # Panics
/// When `XUEFA_TEST_POSTGRES_REQUIRED=1` and the server cannot be reached: CI must not pass
/// with the PostgreSQL half skipped.
#[allow(clippy::print_stderr)]
pub fn postgres(test: &str) -> Option<Scratch> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = std::env::var("XUEFA_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT.to_owned());
    let required = std::env::var("XUEFA_TEST_POSTGRES_REQUIRED").is_ok_and(|v| v == "1");
    if admin == "off" {
        assert!(!required, "XUEFA_TEST_POSTGRES=off, but XUEFA_TEST_POSTGRES_REQUIRED=1");
        eprintln!("{test}: PostgreSQL half skipped (XUEFA_TEST_POSTGRES=off)");
        return None;
    }
    let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
        Ok(client) => client,
        Err(error) => {
            assert!(!required, "{test}: no PostgreSQL server at {admin}: {error}");
            eprintln!("{test}: PostgreSQL half skipped (no server at {admin}: {error})");
            return None;
        }
    };
    let schema = format!(
        "xuefa_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        jiff::Timestamp::now().as_millisecond() % 1_000_000
    );
    #[allow(clippy::unwrap_used, reason = "a test's set-up")]
    client.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
    let separator = if admin.contains('?') { '&' } else { '?' };
    let url = if admin.contains("://") {
        format!("{admin}{separator}options=-csearch_path%3D{schema}")
    } else {
        format!("{admin} options='-c search_path={schema}'")
    };
    Some(Scratch { target: PgTarget::new(url), admin, schema })
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}
