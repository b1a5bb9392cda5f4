//! End-to-end tests of `xuefa bank check` and `xuefa bank convert` on real files: GBK and
//! BOM CSV, workbooks written by another program, text pasted from Word, another exam
//! system's template, and broken files.

mod common;

use common::{bank, json, root, run, run_in, shared};
use serde_json::Value;

fn convert_to_json(path: &str) -> Vec<Value> {
    let out = run(&["bank", "convert", path, "--to", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    match json(&out) {
        Value::Array(items) => items,
        other => panic!("not an array: {other}"),
    }
}

fn by_id<'a>(questions: &'a [Value], id: &str) -> &'a Value {
    questions.iter().find(|q| q["id"] == id).unwrap_or_else(|| panic!("question {id} missing"))
}

#[test]
fn gbk_csv_without_bom_is_read_as_gbk() {
    let path = bank("gbk_no_bom.csv");
    let check = run(&["bank", "check", &path]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let questions = convert_to_json(&path);
    assert_eq!(questions.len(), 3);
    let g1 = by_id(&questions, "G1");
    assert_eq!(g1["stem"], "向人民法院请求保护民事权利的诉讼时效期间为（ ）。");
    assert_eq!(g1["answer"], "C");
    assert_eq!(g1["difficulty"], 1, "易 is difficulty 1");
    assert_eq!(g1["tags"], serde_json::json!(["诉讼时效", "总则编"]));
    assert_eq!(by_id(&questions, "G2")["answer"], "ABD", "`A,B,D` folds to ABD");
    assert_eq!(by_id(&questions, "G3")["kind"], "judge");
    assert_eq!(by_id(&questions, "G3")["answer"], "T", "√ is true");
}

#[test]
fn gbk_csv_can_be_forced_and_a_wrong_encoding_is_reported() {
    let path = bank("gbk_no_bom.csv");
    assert_eq!(run(&["bank", "check", "--encoding", "gbk", &path]).code, 0);
    let wrong = run(&["bank", "check", "--encoding", "utf-8", &path]);
    assert_eq!(wrong.code, 1);
    assert!(wrong.stderr.contains("not readable as UTF-8"), "{}", wrong.stderr);
    let unknown = run(&["bank", "check", "--encoding", "klingon", &path]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("unknown encoding `klingon`"), "{}", unknown.stderr);
}

#[test]
fn utf8_bom_crlf_csv_with_english_headers_in_any_order() {
    let questions = convert_to_json(&bank("utf8_bom_crlf.csv"));
    assert_eq!(questions.len(), 3);
    let e1 = by_id(&questions, "E1");
    assert_eq!(
        (e1["kind"].as_str(), e1["answer"].as_str(), e1["points"].as_f64()),
        (Some("single"), Some("B"), Some(2.0))
    );
    let e3 = by_id(&questions, "E3");
    assert_eq!(e3["answer"], "AC");
    assert_eq!(e3["points"], 2.5);
    assert!(e3["stem"].as_str().is_some_and(|s| s.contains("\"Choose all\"")));
    assert!(!e3["stem"].as_str().unwrap_or_default().contains('\r'));
}

#[test]
fn errors_after_a_multi_line_stem_name_the_line_where_their_record_starts() {
    let out = run(&["bank", "check", &bank("multiline_stem.csv")]);
    assert_eq!(out.code, 1);
    let path = bank("multiline_stem.csv");
    assert!(
        out.stderr.contains(&format!(
            "{path}:5: error: the answer names option C, but the question's options end at B"
        )),
        "{}",
        out.stderr
    );
    let report = json(&run(&["bank", "check", "--format", "json", &path]));
    assert_eq!(report["questions"], 2);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["errors"][0]["line"], 5);
}

#[test]
fn workbook_with_three_sheets_named_by_kind() {
    let path = bank("three_sheets.xlsx");
    let out = run(&["bank", "check", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{path}:说明: warning: sheet `说明` has no question header")),
        "{}",
        out.stderr
    );
    let questions = convert_to_json(&path);
    let ids: Vec<&str> = questions.iter().filter_map(|q| q["id"].as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"], "ids typed as numbers come back as typed");
    let kinds: Vec<&str> = questions.iter().filter_map(|q| q["kind"].as_str()).collect();
    assert_eq!(kinds, ["single", "single", "multiple", "judge", "judge"]);
    assert_eq!(by_id(&questions, "1")["difficulty"], 3);
    assert_eq!(by_id(&questions, "5")["answer"], "F");
}

#[test]
fn workbook_rows_are_numbered_as_excel_numbers_them() {
    let path = bank("title_row.xlsx");
    let out = run(&["bank", "check", &path]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(&format!("{path}:题库:5: error: the answer names option C")),
        "a title row above the header does not shift the row: {}",
        out.stderr
    );
    let report = json(&run(&["bank", "check", "--format", "json", &path]));
    assert_eq!(report["errors"][0]["sheet"], "题库");
    assert_eq!(report["errors"][0]["line"], 5);
}

#[test]
fn text_pasted_from_word() {
    let path = bank("pasted.txt");
    let report = json(&run(&["bank", "check", "--format", "json", &path]));
    assert_eq!(report["questions"], 6);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["errors"][0]["line"], 32, "the 填空题 under its heading");
    assert!(report["errors"][0]["message"].as_str().is_some_and(|m| m.contains("填空题")));
    assert_eq!(report["warnings"][0]["line"], 1, "the title line is not a question");
    assert!(report["warnings"][0].get("sheet").is_none(), "sheet only for workbooks");

    // Without the unsupported section the file converts; check what was understood.
    let dir = tempfile::tempdir().expect("temporary folder");
    let text = std::fs::read_to_string(&path).expect("read fixture");
    let cut = text.find("四、填空题").expect("heading present");
    std::fs::write(dir.path().join("p.txt"), &text[..cut]).expect("write");
    let out = run_in(dir.path(), &["bank", "convert", "p.txt", "--to", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let questions = json(&out);
    let summary: Vec<(String, usize, String)> = questions
        .as_array()
        .expect("array")
        .iter()
        .map(|q| {
            (
                q["kind"].as_str().unwrap_or_default().to_owned(),
                q["options"].as_array().map_or(0, Vec::len),
                q["answer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("single", 4, "B"),     // inline options, 答案：
        ("single", 4, "B"),     // 1、 numbering, tab-separated options on two lines, 【答案】
        ("single", 4, "C"),     // （3） numbering, full-width options, key in the stem's brackets
        ("multiple", 4, "ABD"), // (A) options one per line, ANSWER:
        ("judge", 0, "T"),      // （√） in the stem
        ("judge", 0, "F"),      // 答案：错
    ];
    let expected: Vec<(String, usize, String)> =
        expected.iter().map(|(k, n, a)| ((*k).to_owned(), *n, (*a).to_owned())).collect();
    assert_eq!(summary, expected);
    assert_eq!(
        questions[2]["stem"],
        "行政机关作出较大数额罚款决定前，当事人要求听证的，应当在行政机关告知后（  ）日内提出。"
    );
    assert_eq!(questions[5]["law"], "行政许可法");
    assert_eq!(questions[5]["article"], "第五十八条");
}

#[test]
fn a_file_with_many_different_mistakes_reports_each_with_its_line() {
    let path = bank("ten_mistakes.csv");
    let out = run(&["bank", "check", &path]);
    assert_eq!(out.code, 1);
    let expected = [
        (1, "warning: these columns are not used and were ignored: 备注"),
        (2, "the question has no answer"),
        (3, "the answer names option F, but the question's options end at D"),
        (4, "a multiple-choice (多选) question needs at least two correct options, but the answer is A"),
        (5, "a single-choice (单选) question has exactly one answer, but the answer is AB"),
        (6, "the answer `A` of a true/false (判断) question must be true or false"),
        (7, "option C is empty but option D is filled"),
        (8, "question type `填空` is not supported yet"),
        (9, "unknown question type `选择`"),
        (10, "difficulty `特难` must be 1 to 5"),
        (11, "points `-2` must be a positive number"),
        (12, "the question has no stem"),
        (13, "id `T1` is also used at"),
        (14, "the answer lists option A more than once"),
        (15, "a choice question needs at least two options"),
        (16, "the answer `对` is true/false, but the question has options"),
        (17, "the answer `A?C` is not option letters"),
    ];
    for (line, message) in expected {
        let prefix = format!("{path}:{line}: ");
        assert!(
            out.stderr.lines().any(|l| l.starts_with(&prefix) && l.contains(message)),
            "line {line} should say `{message}`:\n{}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("1 question, 16 errors, 1 warning"), "{}", out.stderr);
}

#[test]
fn another_systems_template_is_read_without_confusion() {
    // ExamStack's own import template: two explanation columns, two tag-like columns and a
    // 填空题 sample row, which must be refused with a clear message and nothing else. The
    // repository's copy has its layout with words of our own, so a bare clone tests it;
    // the original, from the fixtures shared beside the repository, is read when present.
    check_examstack_template(&bank("examstack_template.xlsx"));
    let shared = shared("realworld/examstack_question_template.xlsx");
    if shared.exists() {
        check_examstack_template(&shared.display().to_string());
    } else {
        eprintln!("skipped: ../shared not found (the original ExamStack template is read when it is there)");
    }
}

fn check_examstack_template(path: &str) {
    let report = json(&run(&["bank", "check", "--format", "json", path]));
    assert_eq!(report["questions"], 0);
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["sheet"], "Sheet1");
    assert_eq!(errors[0]["line"], 2);
    assert!(errors[0]["message"].as_str().is_some_and(|m| m.contains("`填空题` is not supported")));
    let warnings = report["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]["message"].as_str().is_some_and(|m| m.contains("知识类") && m.contains("知识关键点"))
    );
}

#[test]
fn that_template_with_rows_of_our_own_imports_cleanly() {
    let path = bank("examstack_style.xlsx");
    let check = run(&["bank", "check", &path]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let questions = convert_to_json(&path);
    assert_eq!(questions.len(), 3);
    let first = &questions[0];
    assert_eq!(first["kind"], "single");
    assert_eq!(first["answer"], "D");
    assert_eq!(first["law"], "行政处罚法", "出处 is the law");
    assert_eq!(
        first["explanation"], "第九条列举了行政处罚的种类。\n记大过属于政务处分。",
        "both explanation columns"
    );
    assert_eq!(first["tags"], serde_json::json!(["行政处罚", "处罚种类"]), "所属知识点 and 知识点");
    assert_eq!(first["points"], 2.0);
    assert_eq!(questions[1]["answer"], "ABC");
    assert_eq!(questions[1]["explanation"], "第九百九十条列举了人格权。");
    assert_eq!((questions[2]["kind"].as_str(), questions[2]["answer"].as_str()), (Some("judge"), Some("T")));
}

#[test]
fn broken_files_are_rejected_with_a_message_and_never_panic() {
    for (name, message) in [
        ("empty.csv", "the file is empty"),
        ("header_only.csv", "the file holds no questions"),
        ("binary.csv", "binary data"),
        ("truncated.xlsx", "the workbook cannot be opened"),
        ("syntax_error.json", "the JSON is malformed"),
    ] {
        let path = bank(name);
        let out = run(&["bank", "check", &path]);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(&path) && out.stderr.contains(message), "{name}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
    }
    let missing = run(&["bank", "check", "no-such-file.csv", &bank("gbk_no_bom.csv")]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no-such-file.csv: error: cannot read the file"), "{}", missing.stderr);
    assert!(missing.stderr.contains("checked 2 files: 3 questions, 1 error,"), "{}", missing.stderr);
    assert!(missing.stderr.contains("cannot read the file: no such file or folder"), "{}", missing.stderr);
    let zh = run(&["bank", "check", "--lang", "zh", "no-such-file.csv"]);
    assert!(
        zh.stderr.contains("没有那个文件或文件夹"),
        "operating-system errors speak Chinese too: {}",
        zh.stderr
    );
    assert!(!zh.stderr.contains("No such file"), "{}", zh.stderr);
}

#[test]
fn every_prefix_of_every_fixture_is_handled_without_a_panic() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let fixtures = root().join("tests/fixtures/banks");
    for entry in std::fs::read_dir(&fixtures).expect("fixtures") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("f").to_owned();
        let mut args = vec!["bank".to_owned(), "check".to_owned()];
        for cut in [1, 2, 3, 7, 16, 33, 64, 100, 257, 1000] {
            if cut >= bytes.len() {
                continue;
            }
            let target = dir.path().join(format!("{cut}-{name}"));
            std::fs::write(&target, &bytes[..bytes.len() - cut]).expect("write");
            args.push(target.display().to_string());
        }
        if args.len() == 2 {
            continue;
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_in(dir.path(), &args, &[]);
        assert!(out.code == 0 || out.code == 1, "{name}: exit {} {}", out.code, out.stderr);
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
    }
}

#[test]
fn round_trip_through_every_writer_gives_identical_json() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let at = |name: &str| dir.path().join(name).display().to_string();
    let banks: Vec<String> = std::fs::read_dir(root().join("question-banks"))
        .expect("question-banks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| p.display().to_string())
        .chain([bank("utf8_bom_crlf.csv"), bank("three_sheets.xlsx"), bank("canonical.json")])
        .collect();
    let mut first = vec!["bank", "convert"];
    first.extend(banks.iter().map(String::as_str));
    let a = at("a.json");
    first.extend(["-o", &a]);
    let steps: Vec<Vec<String>> = vec![
        vec![at("a.json"), at("b.xlsx")],
        vec![at("b.xlsx"), at("c.csv")],
        vec![at("c.csv"), at("d.json")],
    ];
    let out = run(&first);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for step in &steps {
        let out = run(&["bank", "convert", &step[0], "-o", &step[1]]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let first_json = std::fs::read_to_string(at("a.json")).expect("a.json");
    let last_json = std::fs::read_to_string(at("d.json")).expect("d.json");
    assert!(first_json.len() > 1000);
    assert_eq!(first_json, last_json);
    // The Chinese CSV too.
    let out = run(&["bank", "convert", &at("a.json"), "-o", &at("e.csv"), "--lang", "zh"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let csv = std::fs::read(at("e.csv")).expect("e.csv");
    assert!(csv.starts_with(b"\xEF\xBB\xBF\xE9\xA2\x98\xE5\x8F\xB7"), "BOM then 题号");
    let out = run(&["bank", "convert", &at("e.csv"), "-o", &at("f.json")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(first_json, std::fs::read_to_string(at("f.json")).expect("f.json"));
}

#[test]
fn convert_writes_nothing_when_an_input_has_errors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = run_in(
        dir.path(),
        &["bank", "convert", &bank("gbk_no_bom.csv"), &bank("ten_mistakes.csv"), "-o", "out.json"],
        &[],
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no file, not even a temporary one");
    let unknown = run_in(dir.path(), &["bank", "convert", &bank("gbk_no_bom.csv"), "-o", "out.pdf"], &[]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("cannot tell the format of `out.pdf`"), "{}", unknown.stderr);
}

#[test]
fn messages_follow_lang_then_the_locale() {
    let path = bank("multiline_stem.csv");
    let zh = run(&["bank", "check", "--lang", "zh", &path]);
    assert!(zh.stderr.contains("错误：") || zh.stderr.contains("错误:"), "{}", zh.stderr);
    assert!(zh.stderr.contains("答案含选项 C，但本题选项只到 B"), "{}", zh.stderr);
    assert!(zh.stderr.contains("已检查 1 个文件"), "{}", zh.stderr);
    let locale = run_in(&root(), &["bank", "check", &path], &[("LANG", "zh_CN.UTF-8")]);
    assert!(locale.stderr.contains("已检查 1 个文件"), "{}", locale.stderr);
    let overridden =
        run_in(&root(), &["bank", "check", &path], &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")]);
    assert!(overridden.stderr.contains("checked 1 file:"), "{}", overridden.stderr);
    let json_zh = json(&run(&["bank", "check", "--format", "json", "--lang", "zh", &path]));
    assert!(json_zh.get("questions").is_some(), "JSON field names stay English");
    let help = run(&["bank", "check", "--help", "--lang", "zh"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("检查题库文件") && help.stdout.contains("用法："), "{}", help.stdout);
}

#[test]
fn exit_codes_and_streams() {
    let usage = run(&["bank", "check", "--no-such-flag", "x.csv"]);
    assert_eq!(usage.code, 2, "usage errors exit 2");
    let no_files = run(&["bank", "check"]);
    assert_eq!(no_files.code, 2);
    let bad_lang = run(&["--lang", "fr", "bank", "check", "x.csv"]);
    assert_eq!(bad_lang.code, 2);
    let ok = run(&["bank", "check", &bank("canonical.json")]);
    assert_eq!((ok.code, ok.stdout.as_str()), (0, ""), "a text check prints nothing on stdout");
    let no_colour = run_in(&root(), &["bank", "check", &bank("empty.csv")], &[("NO_COLOR", "1")]);
    assert!(!no_colour.stderr.contains('\x1b'));
}

/// Files nobody wrote for the tests: a quote left open in Excel-edited text, and "Unicode
/// text" saved without its byte-order mark.
#[test]
fn an_unclosed_quote_is_named_and_utf16_without_a_bom_is_read() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("open.csv"), "题号,题目,答案\n1,\"未闭合的引号,A\n2,第二题,B\n")
        .expect("write");
    let out = run_in(dir.path(), &["bank", "check", "open.csv"], &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("open.csv:2: error: a quoted cell that starts on this line is never closed"),
        "{}",
        out.stderr
    );
    let utf16: Vec<u8> = "id\tstem\tA\tB\tanswer\n1\t宪法是根本法吗\t是\t否\tA\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(dir.path().join("unicode.txt.csv"), utf16).expect("write");
    let out = run_in(dir.path(), &["bank", "convert", "unicode.txt.csv", "--to", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)[0]["answer"], "T", "a 是/否 pair is a judge question");
}

#[test]
fn a_workbook_with_one_cell_at_the_last_column_and_row_is_read_by_its_cells() {
    // Reported by a hostile run: a 5 KB XLSX with one cell at XFD1048576 made every reader
    // allocate the whole 17-billion-cell range and abort. Its cells are read one by one now;
    // the far cell is named and ignored, and the bank above it reads as it is.
    let dir = tempfile::tempdir().expect("folder");
    let path = dir.path().join("far.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in ["题号", "题型", "题干", "答案"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header).expect("cell");
    }
    for (c, cell) in ["J1", "判断", "宪法是国家的根本法。", "对"].iter().enumerate() {
        sheet.write_string(1, c as u16, *cell).expect("cell");
    }
    sheet.write_string(1_048_575, 16_383, "far").expect("the last cell");
    workbook.save(&path).expect("saved");
    assert!(std::fs::metadata(&path).expect("file").len() < 10_000, "a small file");
    let path = path.display().to_string();
    let out = run(&["bank", "check", "--format", "json", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = json(&out);
    assert_eq!(report["questions"], 1, "{report}");
    let warnings = report["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w["message"].as_str().is_some_and(|m| m.contains("XFD1048576"))),
        "{warnings:?}"
    );
}
