//! The annual report as a DOCX in the official-document format (GB/T 9704-2012): its XML
//! (page, margins, grid, fonts and sizes, odd and even page numbers, repeated table
//! headers), its text made of the year's figures, and the pages LibreOffice draws from it.
//!
//! Rendering needs LibreOffice and poppler-utils. Without them a test says it was skipped,
//! except in CI (`CI` set), which installs them (`.ci/run`): there it fails instead.

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{json, run_in};

const NOW: &str = "2025-12-05T09:00:00+08:00";

fn at(dir: &Path, args: &[&str]) -> common::Run {
    run_in(dir, args, &[("XUEFA_NOW", NOW)])
}

/// Returns a folder holding the demo's workspace `office` for 2025.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let demo = at(dir.path(), &["demo", "office", "--year", "2025"]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    dir
}

/// Writes the annual report in a language as DOCX to `name` and returns its bytes.
fn docx(dir: &Path, workspace: &str, lang: &str, with_names: bool, name: &str) -> Vec<u8> {
    let mut args = vec!["--workspace", workspace, "--lang", lang];
    args.extend_from_slice(&["report", "annual", "--year", "2025", "--format", "docx", "-o", name]);
    if with_names {
        args.push("--with-names");
    }
    let run = at(dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    std::fs::read(dir.join(name)).expect("the DOCX is written")
}

/// Returns a part of the DOCX package as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the DOCX is a ZIP");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("the DOCX has {name}"))
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

/// Returns every part's name, checking each XML part is well-formed and holds no
/// character XML 1.0 forbids.
fn well_formed_parts(bytes: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the DOCX is a ZIP");
    let names: Vec<String> =
        archive.file_names().map(|name| name.expect("a part name").into_owned()).collect();
    for name in names.iter().filter(|n| n.ends_with(".xml") || n.ends_with(".rels")) {
        let mut text = String::new();
        archive.by_name(name).expect("part").read_to_string(&mut text).expect("UTF-8");
        let forbidden = text
            .chars()
            .find(|&c| (u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFF}');
        assert_eq!(forbidden, None, "{name} holds a character XML cannot");
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed at {}: {e}", reader.buffer_position()),
            }
        }
    }
    names
}

/// Returns the visible text of document.xml: the contents of its `w:t` elements.
fn words(document: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(document);
    let (mut text, mut inside) = (String::new(), false);
    loop {
        match reader.read_event().expect("well-formed") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"w:t" => inside = true,
            quick_xml::events::Event::End(e) if e.name().as_ref() == b"w:t" => inside = false,
            quick_xml::events::Event::Text(t) if inside => {
                text.push_str(&t.decode().expect("text"));
            }
            quick_xml::events::Event::GeneralRef(r) if inside => {
                let entity = r.decode().expect("entity");
                text.push_str(match entity.as_ref() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    text
}

/// The programs that turn a DOCX into pages, when installed.
struct Tools {
    office: PathBuf,
}

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// Returns LibreOffice with poppler-utils, or `None` (saying so) when they are missing on
/// this machine; in CI, which installs them, a missing one fails the test.
fn tools(test: &str) -> Option<Tools> {
    let office = find("soffice").or_else(|| find("libreoffice"));
    let missing: Vec<&str> = [("soffice", office.is_some())]
        .into_iter()
        .chain(["pdfinfo", "pdftotext", "pdftoppm"].map(|p| (p, find(p).is_some())))
        .filter(|(_, found)| !found)
        .map(|(p, _)| p)
        .collect();
    if missing.is_empty() {
        return office.map(|office| Tools { office });
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {missing:?} not installed, and CI must render the DOCX (.ci/run installs libreoffice-writer poppler-utils)"
    );
    eprintln!(
        "skipped: {test} needs {missing:?} (apt-get install libreoffice-writer poppler-utils fonts-noto-cjk)"
    );
    None
}

/// Converts `file` to PDF with a private LibreOffice profile (parallel runs do not clash)
/// and the README's font mapping, and returns the PDF.
fn render(tools: &Tools, dir: &Path, file: &str) -> PathBuf {
    let fonts = dir.join("fonts.conf");
    std::fs::write(
        &fonts,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n<fontconfig>\n\
             <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n<include>{}</include>\n</fontconfig>\n",
            common::root().join("docs/fontconfig-gongwen.conf").display()
        ),
    )
    .expect("fonts.conf");
    let out = dir.join("pdf");
    let converted = Command::new(&tools.office)
        .arg(format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .arg(dir.join(file))
        .env("FONTCONFIG_FILE", &fonts)
        .env("HOME", dir)
        .output()
        .expect("LibreOffice runs");
    let pdf = out.join(Path::new(file).with_extension("pdf"));
    assert!(
        converted.status.success() && pdf.exists(),
        "LibreOffice converts the DOCX: {}{}",
        String::from_utf8_lossy(&converted.stdout),
        String::from_utf8_lossy(&converted.stderr)
    );
    pdf
}

fn output(program: &str, args: &[&str], file: &Path) -> String {
    let run = Command::new(program).args(args).arg(file).output().expect("poppler runs");
    assert!(run.status.success(), "{program}: {}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// Returns a PDF's text with every space taken out (pdftotext spaces Latin from Chinese).
fn pdf_text(pdf: &Path) -> String {
    let run = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext runs");
    assert!(run.status.success(), "pdftotext: {}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stdout).chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_docx_is_laid_out_as_the_national_standard_for_official_documents() {
    let dir = demo();
    let d = dir.path();
    let bytes = docx(d, "office", "zh", false, "report.docx");
    let parts = well_formed_parts(&bytes);
    assert!(parts.iter().any(|p| p == "[Content_Types].xml"), "{parts:?}");

    let document = part(&bytes, "word/document.xml");
    // A4, margins 37/35/28/26 mm, 22 lines of 28.95 pt.
    assert!(document.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#), "A4");
    assert!(
        document.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#),
        "margins: {}",
        &document[document.find("<w:sectPr").unwrap_or(0)..]
    );
    assert!(document.contains(r#"w:linePitch="579""#), "the line grid");
    // Each table's header row repeats on every page.
    assert_eq!(document.matches("<w:tblHeader />").count(), document.matches("<w:tbl>").count());
    assert!(document.matches("<w:tbl>").count() >= 2, "the department tables");

    let styles = part(&bytes, "word/styles.xml");
    let style = |id: &str| -> String {
        let start = styles.find(&format!(r#"w:styleId="{id}""#)).unwrap_or_else(|| panic!("style {id}"));
        let end = styles[start..].find("</w:style>").map_or(styles.len(), |e| start + e);
        styles[start..end].to_owned()
    };
    for (id, font, size) in [
        ("Title", "方正小标宋简体", "44"),
        ("Body", "仿宋_GB2312", "32"),
        ("Heading1", "黑体", "32"),
        ("Heading2", "楷体_GB2312", "32"),
        ("PageNumber", "宋体", "28"),
        ("TableText", "仿宋_GB2312", "28"),
    ] {
        let s = style(id);
        assert!(s.contains(&format!(r#"w:eastAsia="{font}""#)), "{id} in {font}: {s}");
        assert!(s.contains(r#"w:ascii="Times New Roman""#), "{id}: Latin in Times New Roman");
        assert!(s.contains(&format!(r#"<w:sz w:val="{size}" />"#)), "{id} at {size} half-points: {s}");
    }
    assert!(style("Body").contains(r#"w:line="579" w:lineRule="exact""#), "exact 28.95 pt lines");
    assert!(style("Body").contains(r#"<w:spacing w:val="-5" />"#), "28 characters a line");

    // Odd and even page numbers, on the outer side.
    assert!(part(&bytes, "word/settings.xml").contains("<w:evenAndOddHeaders"));
    assert!(document.contains(r#"<w:footerReference w:type="even""#));
    for footer in ["word/footer1.xml", "word/footer2.xml"] {
        let f = part(&bytes, footer);
        assert!(f.contains("PAGE") && f.contains("\u{2014} "), "{footer}: — PAGE —");
    }
    let fonts = part(&bytes, "word/fontTable.xml");
    assert!(fonts.contains(r#"<w:altName w:val="SimHei"/>"#), "{fonts}");

    // The text is the year's figures, and names nobody without --with-names.
    let annual =
        json(&at(d, &["--workspace", "office", "report", "annual", "--year", "2025", "--format", "json"]));
    let total = &annual["exams"][0]["total"];
    let text = words(&document);
    assert!(text.contains("示范区司法局2025年度学法工作情况报告"), "{text}");
    assert!(
        text.contains(&format!("应考{}人，参考{}人", total["expected"], total["took"])),
        "the exam's figures: {text}"
    );
    assert!(text.contains(&format!("开展普法宣传活动{}场", annual["outreach_total"]["events"])), "{text}");
    assert!(text.contains("专题讲座") && text.contains("月20日“"), "the lectures with their dates: {text}");
    assert!(text.ends_with("示范区司法局2025年12月5日"), "signed and dated in Arabic numerals: {text}");
    assert!(!text.contains("附件"), "no annex without --with-names");

    let named = docx(d, "office", "zh", true, "named.docx");
    let named_text = words(&part(&named, "word/document.xml"));
    let owing = annual["owing_by_department"].as_array().expect("owing");
    assert!(!owing.is_empty(), "the demo has people still short");
    assert!(named_text.contains("附件：1.未完成学法要求人员名单"), "{named_text}");
    assert!(named_text.contains("附件1") && named_text.contains("SFJ"), "the annex lists people");

    let english = docx(d, "office", "en", false, "report-en.docx");
    let english_text = words(&part(&english, "word/document.xml"));
    assert!(english_text.contains("1. How the study system ran"), "{english_text}");
    assert!(english_text.ends_with("5 December 2025"), "{english_text}");
}

#[test]
fn libreoffice_draws_the_docx_as_a_page_of_an_official_document() {
    let Some(tools) = tools("libreoffice_draws_the_docx_as_a_page_of_an_official_document") else {
        return;
    };
    let dir = demo();
    let d = dir.path();
    docx(d, "office", "zh", false, "report.docx");
    let pdf = render(&tools, d, "report.docx");

    let info = output("pdfinfo", &[], &pdf);
    assert!(info.contains("Page size:       595.") && info.contains(" x 841.89 pts (A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    assert!((3..=6).contains(&pages), "the demo's report runs to 3–6 pages, not {pages}");

    let text = pdf_text(&pdf);
    assert!(text.contains("示范区司法局2025年度学法工作情况报告"), "the title: {text}");
    let annual =
        json(&at(d, &["--workspace", "office", "report", "annual", "--year", "2025", "--format", "json"]));
    assert!(text.contains(&format!("应考{}人", annual["exams"][0]["total"]["expected"])), "a figure: {text}");
    assert!(text.contains("2025年12月5日"), "the date: {text}");
    for page in 1..=pages {
        assert!(text.contains(&format!("\u{2014}{page}\u{2014}")), "page number {page}: {text}");
    }

    // Page 1 holds 22 lines of 28.95 pt: the title, a blank line, then 20 of the body.
    let boxes = Command::new("pdftotext")
        .args(["-f", "1", "-l", "1", "-bbox"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let mut tops: Vec<f64> = String::from_utf8_lossy(&boxes.stdout)
        .lines()
        .filter_map(|l| l.split("yMin=\"").nth(1)?.split('"').next()?.parse::<f64>().ok())
        .filter(|y| *y < 262.0 / 25.4 * 72.0)
        .collect();
    tops.sort_by(f64::total_cmp);
    tops.dedup_by(|a, b| (*a - *b).abs() < 3.0);
    assert_eq!(tops.len(), 21, "the title and 20 lines of text on page 1: {tops:?}");
    for pair in tops[1..].windows(2) {
        assert!((pair[1] - pair[0] - 28.95).abs() < 0.7, "lines 28.95 pt apart: {tops:?}");
    }

    // Page 1 at 60 dpi: the ink stays in the 156 × 225 mm block (28 mm from the left, 26
    // from the right, 37 from the top), the page number sits below it on the right.
    let stem = d.join("page");
    let drawn = Command::new("pdftoppm")
        .args(["-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&stem)
        .output()
        .expect("pdftoppm runs");
    assert!(drawn.status.success(), "{}", String::from_utf8_lossy(&drawn.stderr));
    let (width, height, ink) = dark_pixels(&std::fs::read(stem.with_extension("png")).expect("png"));
    assert!((496..=497).contains(&width) && height == 702, "A4 at 60 dpi: {width} × {height}");
    let px = |mm: f64| mm * 60.0 / 25.4;
    let body: Vec<&(u32, u32)> = ink.iter().filter(|(_, y)| f64::from(*y) < px(262.0)).collect();
    assert!(body.len() > 5_000, "text is drawn ({} dark pixels)", body.len());
    let left = body.iter().map(|p| p.0).min().unwrap_or(0);
    let right = body.iter().map(|p| p.0).max().unwrap_or(0);
    let top = body.iter().map(|p| p.1).min().unwrap_or(0);
    assert!(f64::from(left) >= px(28.0) - 2.0, "left margin 28 mm (ink from {left} px)");
    // A closing 。 or ” may hang past the edge by half a character, as Chinese typesetting
    // lets it (LibreOffice and Word both do by default); nothing else may.
    assert!(f64::from(right) <= px(210.0 - 26.0) + 7.0, "right margin 26 mm (ink to {right} px)");
    assert!(
        f64::from(right) >= px(210.0 - 26.0) - 7.0,
        "justified lines reach the right margin ({right} px)"
    );
    assert!(f64::from(top) >= px(37.0) - 2.0, "top margin 37 mm (ink from {top} px)");
    // The title is centred: as much room on its left as on its right.
    let title: Vec<&(u32, u32)> = body.iter().copied().filter(|p| f64::from(p.1) < px(37.0 + 10.0)).collect();
    let (title_left, title_right) =
        (title.iter().map(|p| p.0).min().unwrap_or(0), title.iter().map(|p| p.0).max().unwrap_or(0));
    let centre = (f64::from(title_left) + f64::from(title_right)) / 2.0;
    assert!((centre - px(28.0 + 78.0)).abs() < 4.0, "the title is centred in the block ({centre} px)");
    let number: Vec<&(u32, u32)> = ink.iter().filter(|(_, y)| f64::from(*y) >= px(262.0)).collect();
    assert!(!number.is_empty(), "the page number is below the text block");
    assert!(number.iter().all(|p| f64::from(p.0) > px(105.0)), "page 1's number is on the right");
}

/// Returns a PNG's size and the positions of its dark pixels.
fn dark_pixels(bytes: &[u8]) -> (u32, u32, Vec<(u32, u32)>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let frame = reader.next_frame(&mut buffer).expect("png frame");
    let channels = frame.color_type.samples();
    let mut dark = Vec::new();
    for y in 0..frame.height {
        for x in 0..frame.width {
            let at = (y as usize * frame.line_size) + x as usize * channels;
            if buffer[at..at + channels.min(3)].iter().all(|v| *v < 128) {
                dark.push((x, y));
            }
        }
    }
    (frame.width, frame.height, dark)
}

/// Names, titles and places with XML's own characters and control characters, and an
/// office name with a bell in it, make a document that is still well-formed and reads
/// them as written.
#[test]
fn xml_characters_and_control_characters_in_the_data_make_a_valid_document() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(at(d, &["init", "."]).code, 0);
    let config = std::fs::read_to_string(d.join("xuefa.toml")).expect("xuefa.toml");
    let config = config.replacen("name = \"\"", "name = \"<司法局> & \\u0007\\u0000局\"", 1);
    std::fs::write(d.join("xuefa.toml"), config).expect("xuefa.toml");
    std::fs::write(
        d.join("roster.csv"),
        "工号,姓名,部门,状态\nH1,甲<&>一,局/<b>&amp;科\u{1},在职\nH2,乙二,局/乙科,在职\n",
    )
    .expect("roster");
    std::fs::write(
        d.join("sessions.csv"),
        "日期,类型,主题,学时,地点,受众人数,发放资料\n\
         2025-03-01,专题讲座,\"<w:t>&讲座]]>\u{2}\u{1f}\",2,,,\n\
         2025-04-01,普法宣传,\"宣传<&>\",0,\"广场\"\"<>\"\"\",10,20\n",
    )
    .expect("sessions");
    for args in [&["roster", "import", "roster.csv"][..], &["session", "import", "sessions.csv"]] {
        let run = at(d, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    let bytes = docx(d, ".", "zh", true, "report.docx");
    well_formed_parts(&bytes);
    let text = words(&part(&bytes, "word/document.xml"));
    assert!(text.contains("<司法局> & 局2025年度学法工作情况报告"), "{text}");
    assert!(text.contains("3月1日“<w:t>&讲座]]>”"), "{text}");
    assert!(text.contains("在广场\"<>\"开展“宣传<&>”"), "{text}");
    // The roster reads `>` as a level of the path, as it does for every department.
    assert!(text.contains("局/<b/&amp;科"), "the department as the roster read it: {text}");
    assert!(text.contains("甲<&>一"), "the annex names them as written: {text}");
    if let Some(tools) = tools("xml_characters_and_control_characters_in_the_data_make_a_valid_document") {
        let pdf = render(&tools, d, "report.docx");
        assert!(pdf_text(&pdf).contains("<w:t>&讲座]]>"), "LibreOffice reads it as written");
    }
}

/// An office with no name set gets a report signed with none, and is told how to set it.
#[test]
fn an_office_without_a_name_is_told_how_to_set_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(at(d, &["init", "."]).code, 0);
    let run =
        at(d, &["--lang", "zh", "report", "annual", "--year", "2025", "--format", "docx", "-o", "r.docx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("[office]") && run.stderr.contains("name ="), "{}", run.stderr);
    let text = words(&part(&std::fs::read(d.join("r.docx")).expect("docx"), "word/document.xml"));
    assert!(text.starts_with("2025年度学法工作情况报告"), "{text}");
    for plain in ["本年度没有记录学法活动", "本年度没有组织学法考试", "本年度没有记录普法宣传活动"]
    {
        assert!(text.contains(plain), "an empty section says so: {plain} in {text}");
    }
    assert!(text.ends_with("2025年12月5日"), "{text}");
}
