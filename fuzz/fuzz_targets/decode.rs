//! Text decoding: a byte-order mark, UTF-8, GB18030/GBK, UTF-16 without a mark, or the
//! encoding a user names.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use xuefa_core::read::decode;
use xuefa_core::{Lang, Location, Problem};

const LABELS: [Option<&str>; 8] =
    [None, None, None, None, Some("gbk"), Some("utf-16be"), Some(" UTF-8 "), Some("x")];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let Some((&first, bytes)) = data.split_first() else { return };
    let label = LABELS[usize::from(first % 8)];
    match decode(bytes, label) {
        Ok(text) => {
            assert!(!text.contains('\0'), "decoded text is never binary");
            if label.is_none()
                && !bytes.contains(&0)
                && let Ok(utf8) = std::str::from_utf8(bytes)
                && !bytes.starts_with(b"\xEF\xBB\xBF")
                && !bytes.starts_with(b"\xFF\xFE")
                && !bytes.starts_with(b"\xFE\xFF")
            {
                // Valid UTF-8 without a mark or a 0 byte (UTF-16 without a mark) is taken as it is.
                assert!(matches!(text, Cow::Borrowed(_)));
                assert_eq!(text, utf8);
            }
        }
        Err(kind) => {
            let problem = Problem::error(Location::file("file.csv"), kind);
            assert!(problem.is_error());
            let _ = problem.render(Lang::Zh);
        }
    }
});
