//! TLS to PostgreSQL with `[database] ca_file`, against the test server's own certificate: with
//! the CA that signed it the connection is encrypted (the server says so in `pg_stat_ssl`); with
//! another CA, a file that holds no certificate, or a missing file, nothing connects and the
//! error says why.
//!
//! Debian's and most packaged servers have `ssl = on` with a self-signed certificate for
//! `localhost`; on a server without TLS, or one whose certificate cannot be read here, the test
//! says it was skipped.

use std::path::PathBuf;

use xuefa_store::{PgStore, PgTarget, Store as _, StoreError};

/// The test server's certificate file, when it serves TLS and the file can be read here.
#[allow(clippy::print_stderr)]
fn server_certificate(admin: &mut postgres::Client) -> Option<PathBuf> {
    let setting = |client: &mut postgres::Client, name: &str| -> Option<String> {
        client.query_one(&format!("SHOW {name}"), &[]).ok()?.try_get(0).ok()
    };
    if setting(admin, "ssl").as_deref() != Some("on") {
        eprintln!("TLS test skipped: the test server has ssl = off");
        return None;
    }
    let path = PathBuf::from(setting(admin, "ssl_cert_file")?);
    if std::fs::read(&path).is_err() {
        eprintln!("TLS test skipped: the server's certificate {} cannot be read here", path.display());
        return None;
    }
    Some(path)
}

#[test]
#[allow(clippy::print_stderr)]
fn a_ca_file_makes_the_connection_tls_and_any_other_is_refused() {
    let Some(scratch) = xuefa_store::testing::postgres("tls") else { return };
    let admin_url = std::env::var("XUEFA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).expect("admin connection");
    let Some(certificate) = server_certificate(&mut admin) else { return };
    // The certificate names `localhost`: the connection must ask for that name.
    if !scratch.target.url.contains("@127.0.0.1:") {
        eprintln!("TLS test skipped: the test server is not the local one at 127.0.0.1");
        return;
    }
    let url =
        scratch.target.url.replacen("@127.0.0.1:", "@localhost:", 1) + "&application_name=xuefa_tls_test";
    let with = |ca_file: PathBuf| PgTarget { url: url.clone(), ca_file: Some(ca_file) };

    // The CA that signed the server's certificate: connected, encrypted.
    let store = PgStore::open(&with(certificate)).expect("a TLS connection");
    store.banks().expect("a query over TLS");
    let row = admin
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_stat_activity a \
             JOIN pg_stat_ssl s ON s.pid = a.pid WHERE a.application_name = 'xuefa_tls_test'",
            &[],
        )
        .expect("the server's view");
    let (connections, encrypted): (i64, i64) = (row.get(0), row.get(1));
    assert!(connections >= 1, "the store's connection is on the server");
    assert_eq!(encrypted, connections, "every connection of the store is TLS");
    drop(store);

    // Another CA: the server's certificate does not chain to it.
    let other = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pg_tls/other-ca.pem");
    match PgStore::open(&with(other)) {
        Err(StoreError::Connect { detail, .. }) => {
            assert!(detail.to_lowercase().contains("certificate"), "{detail}");
        }
        other => panic!("connected with a CA that did not sign the server's certificate: {other:?}"),
    }

    // A file that is not a certificate, and one that is not there: said before connecting.
    let dir = tempfile::tempdir().expect("folder");
    let not_pem = dir.path().join("ca.pem");
    std::fs::write(&not_pem, "not a certificate\n").expect("write");
    match PgStore::open(&with(not_pem.clone())) {
        Err(StoreError::File { path, detail }) => {
            assert_eq!(path, not_pem);
            assert!(detail.contains("no certificate"), "{detail}");
        }
        other => panic!("a CA file without a certificate was taken: {other:?}"),
    }
    let missing = dir.path().join("missing.pem");
    assert!(
        matches!(PgStore::open(&with(missing.clone())), Err(StoreError::File { path, .. }) if path == missing),
        "a missing CA file is named"
    );
}
