//! Reports against figures worked out by hand, the demo, and the annual report's HTML in a
//! real browser.

mod common;

use std::path::Path;

use common::{json, run_in};
use serde_json::Value;

const NOW: &str = "2026-11-20T09:00:00+08:00";

const BANK: &str = "题号,题型,题干,答案,法律,条款\n\
J1,判断,宪法是国家的根本法。,对,宪法,序言\n\
J2,判断,行政复议期间行政行为一律停止执行。,错,行政复议法,第四十二条\n\
J3,判断,民法典自2021年1月1日起施行。,对,民法典,第一千二百六十条\n\
J4,判断,国家安全法规定每年4月15日为全民国家安全教育日。,对,国家安全法,第十四条\n";

const ROSTER: &str = "工号,姓名,部门,状态\n\
A1,甲一,局/甲科,在职\n\
A2,甲二,局/甲科,在职\n\
A3,甲三,局/甲科,在职\n\
B1,乙一,局/乙科,在职\n\
B2,乙二,局/乙科,在职\n\
C1,丙一,局/丙科,免考\n\
C2,丙二,局/丙科,在职\n\
C3,丙三,局/丙科,在职\n";

/// Four judge questions of 25 points, pass mark 50: two right is exactly a pass.
const SPEC: &str = "id = \"fig\"\ntitle = \"算分\"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\nattempts = 2\n\
[[sections]]\nkind = \"judge\"\ncount = 4\npoints = 25\n";

/// The same exam for a department with nobody in it.
const NOBODY: &str = "id = \"nobody\"\ntitle = \"无人应考\"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\n\
[audience]\ndepartments = [\"局/丁科\"]\n[[sections]]\nkind = \"judge\"\ncount = 4\npoints = 25\n";

fn at(dir: &Path, args: &[&str]) -> common::Run {
    run_in(dir, args, &[("XUEFA_NOW", NOW)])
}

/// A row of the wide answer sheet: `right` of the four answered correctly.
fn sheet_row(dir: &Path, employee: &str, attempt: u32, right: usize) -> String {
    let paper = at(
        dir,
        &[
            "exam",
            "paper",
            "fig",
            "--employee",
            employee,
            "--attempt",
            &attempt.to_string(),
            "--format",
            "json",
            "--with-key",
        ],
    );
    assert_eq!(paper.code, 0, "{}", paper.stderr);
    let paper = json(&paper);
    let mut row = format!("{employee},{attempt}");
    for (i, question) in paper["questions"].as_array().expect("questions").iter().enumerate() {
        let truth = question["key"] == "T";
        let given = if i < right { truth } else { !truth };
        row.push_str(if given { ",对" } else { ",错" });
    }
    row.push('\n');
    row
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(at(d, &["init", "."]).code, 0);
    std::fs::write(d.join("判断.csv"), BANK).expect("bank");
    std::fs::write(d.join("roster.csv"), ROSTER).expect("roster");
    std::fs::write(d.join("fig.toml"), SPEC).expect("spec");
    std::fs::write(d.join("nobody.toml"), NOBODY).expect("spec");
    for args in [
        &["bank", "import", "判断.csv"][..],
        &["roster", "import", "roster.csv"],
        &["exam", "create", "fig.toml", "--seed", "7"],
        &["exam", "create", "nobody.toml", "--seed", "7"],
    ] {
        let run = at(d, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    // 甲科: 100, 50 (the pass mark exactly), 25 then a worse retake (0); 乙科: nobody sits;
    // 丙科: both fail.
    let mut sheet = String::from("工号,次数,1,2,3,4\n");
    for (employee, attempt, right) in [("A1", 1, 4), ("A2", 1, 2), ("A3", 1, 1), ("C2", 1, 1), ("C3", 1, 0)] {
        sheet.push_str(&sheet_row(d, employee, attempt, right));
    }
    std::fs::write(d.join("sheet.csv"), sheet).expect("sheet");
    let graded = at(d, &["exam", "grade", "fig", "sheet.csv"]);
    assert_eq!(graded.code, 0, "{}", graded.stderr);
    let retake = format!("工号,次数,1,2,3,4\n{}", sheet_row(d, "A3", 2, 0));
    std::fs::write(d.join("retake.csv"), retake).expect("sheet");
    assert_eq!(at(d, &["exam", "grade", "fig", "retake.csv"]).code, 0);
    dir
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

#[test]
fn exam_figures_match_hand_worked_numbers() {
    let dir = workspace();
    let d = dir.path();
    let report = at(d, &["report", "exam", "fig", "--format", "json"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let report = json(&report);
    assert_eq!(report["exam"], "fig");
    let groups = report["groups"].as_array().expect("groups");
    let group =
        |name: &str| groups.iter().find(|g| g["department"] == name).unwrap_or_else(|| panic!("{name}"));

    let a = group("局/甲科");
    assert_eq!(
        (a["expected"].as_u64(), a["took"].as_u64(), a["passed"].as_u64(), a["excellent"].as_u64()),
        (Some(3), Some(3), Some(2), Some(1))
    );
    assert!(close(&a["participation_rate"], 1.0));
    assert!(close(&a["pass_rate"], 2.0 / 3.0), "50 is the pass mark: a tie passes");
    assert!(close(&a["excellent_rate"], 1.0 / 3.0));
    assert!(close(&a["mean_score"], 175.0 / 3.0), "the retake's 0 does not count: the best does");
    assert!(close(&a["median_score"], 50.0) && close(&a["min_score"], 25.0) && close(&a["max_score"], 100.0));
    let bins: Vec<u64> = a["distribution"]
        .as_array()
        .expect("bins")
        .iter()
        .map(|b| b["count"].as_u64().unwrap_or(99))
        .collect();
    assert_eq!(bins, [0, 0, 1, 0, 0, 1, 0, 0, 0, 1]);

    // Nobody sat: rates over those who took it are null, not NaN and not 0.
    let b = group("局/乙科");
    assert_eq!((b["expected"].as_u64(), b["took"].as_u64()), (Some(2), Some(0)));
    assert!(close(&b["participation_rate"], 0.0) && close(&b["pass_rate_of_expected"], 0.0));
    assert!(
        b["pass_rate"].is_null()
            && b["excellent_rate"].is_null()
            && b["mean_score"].is_null()
            && b["median_score"].is_null()
    );

    // Everybody failed; the exempt person is not expected.
    let c = group("局/丙科");
    assert_eq!(
        (c["expected"].as_u64(), c["took"].as_u64(), c["passed"].as_u64()),
        (Some(2), Some(2), Some(0))
    );
    assert!(close(&c["pass_rate"], 0.0) && close(&c["median_score"], 12.5));

    let t = &report["total"];
    assert_eq!(
        (t["expected"].as_u64(), t["took"].as_u64(), t["passed"].as_u64(), t["excellent"].as_u64()),
        (Some(7), Some(5), Some(2), Some(1))
    );
    assert!(close(&t["participation_rate"], 5.0 / 7.0));
    assert!(
        close(&t["pass_rate"], 0.4)
            && close(&t["pass_rate_of_expected"], 2.0 / 7.0)
            && close(&t["excellent_rate"], 0.2)
    );
    assert!(close(&t["mean_score"], 40.0) && close(&t["median_score"], 25.0) && close(&t["min_score"], 0.0));

    // Rolled up to the first level, the three departments are one.
    let rolled = json(&at(d, &["report", "exam", "fig", "--by", "department:1", "--format", "json"]));
    assert_eq!(rolled["groups"].as_array().map(Vec::len), Some(1));
    assert_eq!(rolled["groups"][0]["department"], "局");
    assert_eq!(rolled["groups"][0]["expected"], 7);

    // Nobody expected at all.
    let nobody = json(&at(d, &["report", "exam", "nobody", "--format", "json"]));
    assert_eq!(nobody["total"]["expected"], 0);
    assert!(
        nobody["total"]["participation_rate"].is_null() && nobody["total"]["pass_rate_of_expected"].is_null()
    );
    assert_eq!(nobody["groups"].as_array().map(Vec::len), Some(0));

    // Who must still sit or pass, for the 补考 notice.
    let missing = json(&at(d, &["report", "exam", "fig", "--missing", "--format", "json"]));
    let rows: Vec<(String, String)> = missing
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (r["employee"].as_str().unwrap_or("").to_owned(), r["standing"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    // By department path (丙 sorts before 乙 and 甲 by code point), then employee.
    let expected: Vec<(String, String)> =
        [("C2", "failed"), ("C3", "failed"), ("B1", "not_sat"), ("B2", "not_sat"), ("A3", "failed")]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
    assert_eq!(rows, expected);

    // CSV for programs: raw fractions and an empty cell for null.
    let csv = at(d, &["report", "exam", "fig", "--format", "csv"]);
    let line = csv.stdout.lines().find(|l| l.starts_with("局/乙科,")).expect("乙科 row");
    assert!(line.starts_with("局/乙科,2,0,0,0,0,,0,,,,,"), "{line}");
}

#[test]
fn xlsx_reports_have_typed_cells_and_chinese_headers() {
    use calamine::{Data, Reader, Xlsx, open_workbook};

    let dir = workspace();
    let d = dir.path();
    let run = at(d, &["report", "exam", "fig", "--format", "xlsx", "--output", "fig.xlsx", "--lang", "zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut book: Xlsx<_> = open_workbook(d.join("fig.xlsx")).expect("an xlsx file");
    assert_eq!(book.sheet_names(), ["统计", "尚未合格"]);
    let range = book.worksheet_range("统计").expect("sheet");
    let header: Vec<String> = range.rows().next().expect("header").iter().map(ToString::to_string).collect();
    assert_eq!(&header[..5], ["部门", "应考", "参考", "合格", "优秀"]);
    assert!(header.contains(&"合格率".to_owned()));
    let total = range.rows().find(|r| r[0] == Data::String("合计".into())).expect("total row");
    assert_eq!(total[1], Data::Float(7.0), "counts are numbers");
    assert_eq!(total[6], Data::Float(0.4), "rates are fractions (shown as percentages)");
    let empty = range.rows().find(|r| r[0] == Data::String("局/乙科".into())).expect("乙科");
    assert_eq!(empty[6], Data::Empty, "a rate over nobody is an empty cell, not 0 or NaN");

    // A workbook is never written to a terminal, and a bad path is a clear error.
    let bad = at(d, &["report", "exam", "fig", "--format", "xlsx", "--output", "no/such/dir/x.xlsx"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("could not write no/such/dir/x.xlsx"), "{}", bad.stderr);
}

#[test]
fn the_demo_builds_a_year_and_its_report_flags_the_planted_key() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    let demo = run_in(d, &["demo", "office", "--year", "2025"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    assert!(demo.stdout.contains("# 示范区司法局 rule-of-law study report 2025"), "{}", demo.stdout);
    let flagged =
        demo.stdout.lines().find(|l| l.starts_with("| 宪法:XF-001 ")).expect("the planted key is listed");
    assert!(flagged.contains("likely wrong key"), "{flagged}");
    // What to try next is for the person, on stderr; stdout is the report alone, so
    // `xuefa demo office > report.md` keeps just the report.
    assert!(
        demo.stderr.contains("exam take 2025-annual --employee"),
        "ends with what to try: {}",
        demo.stderr
    );
    assert!(demo.stderr.contains("Try next:"), "{}", demo.stderr);
    assert!(
        !demo.stdout.contains("Try next") && !demo.stdout.contains("--workspace"),
        "no hints in the report: {}",
        demo.stdout
    );
    // The files are what an office has, and the workspace answers every report.
    for file in ["roster.csv", "sessions.csv", "signins.csv", "exam.toml", "answers.csv", "banks/宪法.csv"]
    {
        assert!(d.join("office/inputs").join(file).exists(), "{file}");
    }
    let annual = json(&run_in(
        d,
        &["--workspace", "office", "report", "annual", "--year", "2025", "--format", "json"],
        &[("XUEFA_NOW", NOW)],
    ));
    assert_eq!(annual["exams"][0]["total"]["expected"], 148);
    assert_eq!(annual["outreach"].as_array().map(Vec::len), Some(6));
    // The attendance report as a workbook: a sheet per table, rates as fractions.
    let xlsx = run_in(
        d,
        &[
            "--workspace",
            "office",
            "report",
            "attendance",
            "--year",
            "2025",
            "--format",
            "xlsx",
            "-o",
            "att.xlsx",
        ],
        &[("XUEFA_NOW", NOW)],
    );
    assert_eq!(xlsx.code, 0, "{}", xlsx.stderr);
    {
        use calamine::{Data, Reader, Xlsx, open_workbook};
        let mut book: Xlsx<_> = open_workbook(d.join("att.xlsx")).expect("xlsx");
        assert_eq!(book.sheet_names(), ["Sessions", "People", "Study by department"]);
        let sessions = book.worksheet_range("Sessions").expect("sheet");
        let first = sessions.rows().nth(1).expect("a session");
        assert!(matches!(first[7], Data::Float(rate) if rate > 0.0 && rate <= 1.0), "{:?}", first[7]);
    }
    // A closed pipe ends the output quietly.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xuefa"))
        .args(["--workspace", "office", "report", "attendance", "--year", "2025", "--format", "md"])
        .current_dir(d)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xuefa runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("waits");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Running it again replaces its own folder; a folder it did not make is refused.
    assert_eq!(run_in(d, &["demo", "office", "--year", "2025"], &[("XUEFA_NOW", NOW)]).code, 0);
    std::fs::create_dir(d.join("mine")).expect("dir");
    std::fs::write(d.join("mine/notes.txt"), "mine").expect("file");
    let refused = run_in(d, &["demo", "mine"], &[]);
    assert_eq!(refused.code, 1);
    assert!(d.join("mine/notes.txt").exists());
}

/// Renders the annual report's HTML in headless Chromium and checks the screenshot: the
/// page is drawn, the charts' bars are there in their colour, and the text is not tofu.
#[test]
fn the_annual_report_renders_in_a_real_browser() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(run_in(d, &["demo", "office", "--year", "2025"], &[("XUEFA_NOW", NOW)]).code, 0);
    let html = run_in(
        d,
        &[
            "--workspace",
            "office",
            "--lang",
            "zh",
            "report",
            "annual",
            "--year",
            "2025",
            "--format",
            "html",
            "-o",
            "report.html",
        ],
        &[("XUEFA_NOW", NOW)],
    );
    assert_eq!(html.code, 0, "{}", html.stderr);
    let text = std::fs::read_to_string(d.join("report.html")).expect("html");
    assert!(text.matches("<svg").count() >= 3, "charts of hours, scores and pass rates");
    assert!(
        !text.contains("<script") && !text.contains("src=") && !text.contains("<link"),
        "one self-contained file"
    );
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("Chromium is installed (.ci/run installs it)");
    let shot = d.join("report.png");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1200,3000",
        ])
        .arg(format!("--user-data-dir={}", d.join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", d.join("report.html").display()))
        .output()
        .expect("chromium runs");
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&status.stderr));
    let (width, height, pixels) = decode_png(&std::fs::read(&shot).expect("png"));
    assert_eq!((width, height), (1200, 3000));
    // The bars are #c0392b; the headings #b22; the text dark grey on white.
    let count = |f: &dyn Fn(&[u8]) -> bool| pixels.chunks_exact(4).filter(|p| f(p)).count();
    let bars = count(&|p| p[0] == 0xc0 && p[1] == 0x39 && p[2] == 0x2b);
    let dark = count(&|p| p[0] < 90 && p[1] < 90 && p[2] < 90);
    assert!(bars > 20_000, "the charts' bars are drawn ({bars} pixels)");
    assert!(dark > 20_000, "text is drawn ({dark} pixels)");
}

/// Decodes a PNG into RGBA pixels.
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let frame = reader.next_frame(&mut buffer).expect("a frame");
    let channels = frame.color_type.samples();
    let pixels = buffer[..frame.buffer_size()]
        .chunks_exact(channels)
        .flat_map(|p| [p[0], p[1], p[2], if channels == 4 { p[3] } else { 255 }])
        .collect();
    (frame.width, frame.height, pixels)
}
