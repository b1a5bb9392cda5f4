//! Inputs the fuzz targets in `fuzz/` found, each kept as the test of what it showed.

use xuefa_core::exam::Response;
use xuefa_core::read::decode;
use xuefa_core::{Answer, Kind, Letters, ReadOptions, read, read_roster};

/// Found by `fuzz/fuzz_targets/response.rs`: option F of a choice question has the canonical
/// text `F`, which serde reads back as 错. An answer saved as text and read without its
/// question's kind turned a right answer F into a judge answer, marked wrong.
#[test]
fn option_f_of_a_choice_question_reads_back_as_option_f_not_false() {
    for kind in [Kind::Single, Kind::Multiple] {
        let picked = Response::parse("F", kind, 6).expect("F is an answer to a question of six options");
        assert_eq!(picked, Response::Choice(Letters::from_bits(1 << 5)));
        assert_eq!(picked.canonical(), "F");
        assert_eq!(Response::from_canonical(&picked.canonical(), kind), Some(picked), "{kind:?}");
    }
    assert_eq!(Response::from_canonical("F", Kind::Judge), Some(Response::Judge(false)));
    assert_eq!(Response::from_canonical("T", Kind::Judge), Some(Response::Judge(true)));
    assert_eq!(Response::from_canonical("AC", Kind::Judge), None);
    assert_eq!(Response::from_canonical("", Kind::Multiple), None);
    assert_eq!(Response::from_canonical("AZ", Kind::Multiple), None);
}

/// Found by `fuzz/fuzz_targets/response.rs`: a key is stored as its canonical text too, and
/// `FromStr` reads the key F of a choice question back as false.
#[test]
fn key_f_of_a_choice_question_reads_back_as_option_f_not_false() {
    let key = Answer::Choice(Letters::from_bits(1 << 5));
    assert_eq!(key.canonical(), "F");
    assert_eq!("F".parse::<Answer>(), Ok(Answer::Judge(false)), "the text alone reads as false");
    assert_eq!(Answer::from_canonical("F", Kind::Single), Some(key));
    assert_eq!(Answer::from_canonical("F", Kind::Judge), Some(Answer::Judge(false)));
    assert_eq!(
        Answer::from_canonical("ACF", Kind::Multiple),
        Some(Answer::Choice(Letters::from_bits(0b10_0101)))
    );
}

/// Found by `fuzz/fuzz_targets/decode.rs` (its check was wrong, not the decoder): UTF-16BE
/// without a byte-order mark whose bytes are also valid UTF-8 (ASCII with a 0 before each
/// character) is read as UTF-16, not as UTF-8 text full of 0 characters.
#[test]
fn utf16be_without_a_mark_that_is_also_valid_utf8_reads_as_utf16() {
    let bytes = b"\0a\0,\0b\0\n\x001\0,\x002\0\n";
    assert!(std::str::from_utf8(bytes).is_ok());
    assert_eq!(decode(bytes, None).as_deref(), Ok("a,b\n1,2\n"));
}

/// Found by `fuzz/fuzz_targets/bank_xlsx.rs`: calamine 0.38 computes a cell's column from its
/// reference in `u32` without checking, so `AAAAAAAA2` overflowed and panicked (in a debug
/// build) inside `read`. The workbook is now refused with a problem, like any unreadable one.
#[test]
fn a_cell_reference_whose_column_overflows_is_a_problem_not_a_panic() {
    let bytes = include_bytes!("fixtures/cell_reference_overflow.xlsx");
    let options = ReadOptions::new();
    let report = read("bank.xlsx", bytes, &options);
    assert!(report.has_errors(), "{:?}", report.problems);
    let roster = read_roster("roster.xlsx", bytes, &options);
    assert!(roster.has_errors(), "{:?}", roster.problems);
}
