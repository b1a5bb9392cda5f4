//! The workspace's settings: `xuefa_store::Config::parse` of a `xuefa.toml`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xuefa_store::{Config, parse_offset};

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = Config::parse(text) {
        assert!(parse_offset(&config.office.utc_offset).is_some(), "an accepted offset reads");
    }
    let _ = parse_offset(text);
});
