//! The annual report as a Word document laid out as the national standard for official
//! documents lays them out (GB/T 9704-2012《党政机关公文格式》): A4, the 156 × 225 mm
//! text block (margins 37/35/28/26 mm), 22 lines of 28 characters, the title in 2号
//! 小标宋, the body in 3号 仿宋 with 黑体 and 楷体 headings, page numbers "— 1 —" in 4号
//! 宋体 on the outer side, the office and the date (成文日期) at the end, and the lists of
//! names as annexes (附件) when asked for. Every sentence is made of the figures the annual
//! report gathered; a section without data says so.
//!
//! The fonts are named as offices have them; where one is missing, Word and LibreOffice
//! substitute (the README lists the fallbacks, and a fontconfig file maps them on Linux).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText,
    LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Style, StyleType,
    Table, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};
use xuefa_core::study::SessionKind;

use super::Annual;
use crate::error::AppError;
use crate::format::{percent, points, rate};
use crate::i18n::Tr;
use crate::render::{Listing, display_width};

// The page, in twentieths of a point (twips; 1 mm = 56.69 twips).
const PAGE_WIDTH: u32 = 11906; // 210 mm
const PAGE_HEIGHT: u32 = 16838; // 297 mm
const MARGIN_TOP: i32 = 2098; // 37 mm (天头)
const MARGIN_BOTTOM: i32 = 1984; // 35 mm
const MARGIN_LEFT: i32 = 1587; // 28 mm (订口)
const MARGIN_RIGHT: i32 = 1474; // 26 mm
/// The text block's width, 156 mm.
const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT;
/// 22 lines in the 225 mm text block: 28.95 pt a line (22 × 579 twips fit in 12756).
const LINE_PITCH: i32 = 579;
/// One character of the 28 a line, in twips (315.9: a little under the 16 pt of 3号).
const CHAR_WIDTH: f64 = TEXT_WIDTH as f64 / 28.0;
/// The body's characters are drawn 0.25 pt closer (in twips), so that 28 of 3号 fill a line
/// of the 156 mm block and a 29th does not fit: 28 × 15.75 pt = 441 pt of 442.2.
///
/// Word would do the same with a character grid (docGrid `linesAndChars`, charSpace
/// −841), but LibreOffice never draws a character narrower than its glyph: with that
/// grid it gives each 16 pt character one and a half cells of 15.8 pt, 18 a line. Closer
/// spacing and a grid of lines only give 22 lines of 28 characters in both.
const BODY_CHARACTER_SPACING: i32 = -5;
/// The footer's distance from the page's bottom edge: the page number's line sits about
/// 7 mm below the text block, as the standard places it.
const FOOTER_DISTANCE: i32 = 1247; // 22 mm
const HEADER_DISTANCE: i32 = 851; // 15 mm

// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const SMALL_SIZE: usize = 28;
/// 小四, 12 pt: a table too wide for 四号.
const TABLE_SIZE: usize = 24;
/// A table cell's padding left and right, in twips (1 mm).
const CELL_PADDING: usize = 57;

// The fonts as offices have them (east-Asian names), with Times New Roman for Latin text
// and figures. The README lists what stands in for each where it is missing.
const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING1_FONT: &str = "黑体";
const HEADING2_FONT: &str = "楷体_GB2312";
const PAGE_NUMBER_FONT: &str = "宋体";
const LATIN_FONT: &str = "Times New Roman";

/// Returns the annual report as a DOCX file in the official-document format, in the
/// language of `ui`.
///
/// # Errors
/// Returns what the document writer could not do (it writes to memory, so in practice
/// nothing).
pub fn docx(a: &Annual, ui: &Tr) -> Result<Vec<u8>, AppError> {
    let mut doc = Document::new(ui);
    let title = if a.office.trim().is_empty() {
        ui.text("docx.title_plain", &[("year", a.year.to_string())])
    } else {
        ui.text("docx.title", &[("office", a.office.clone()), ("year", a.year.to_string())])
    };
    doc.title(&title);
    doc.blank();
    doc.body(&ui.text("docx.opening", &[("year", a.year.to_string())]));

    doc.heading1(&ui.text("docx.h_system", &[]));
    doc.heading2(&ui.text("docx.h_sessions", &[]));
    sessions(&mut doc, a, ui);
    doc.heading2(&ui.text("docx.h_requirements", &[]));
    requirements(&mut doc, a, ui);

    doc.heading1(&ui.text("docx.h_exams", &[]));
    exams(&mut doc, a, ui);
    if let Some(text) = super::practice_text(a, ui) {
        doc.body(&text);
    }

    doc.heading1(&ui.text("docx.h_outreach", &[]));
    outreach(&mut doc, a, ui);

    doc.heading1(&ui.text("docx.h_departments", &[]));
    departments(&mut doc, a, ui);

    // The annexes (附件) with names, only when asked for and only those with someone in them.
    let mut annexes: Vec<(String, &Listing)> = Vec::new();
    if let Some(owing) = a.owing.as_ref().filter(|l| !l.is_empty()) {
        annexes.push((ui.text("annual.h_owing", &[]), owing));
    }
    for exam in &a.exams {
        if let Some(missing) = exam.missing.as_ref().filter(|l| !l.is_empty()) {
            annexes.push((ui.text("annual.h_missing", &[("title", exam.title.clone())]), missing));
        }
    }
    if !annexes.is_empty() {
        doc.blank();
        let names: Vec<String> = annexes.iter().map(|(t, _)| t.clone()).collect();
        doc.annex_note(&names);
    }

    doc.blank();
    doc.signature(&a.office, &date(a.date, ui));

    let count = annexes.len();
    for (i, (heading, listing)) in annexes.into_iter().enumerate() {
        let label = if count == 1 {
            ui.text("docx.annex_label_one", &[])
        } else {
            ui.text("docx.annex_label", &[("n", (i + 1).to_string())])
        };
        doc.annex(&label, &heading, listing);
    }
    doc.finish()
}

/// 一、(一): how the study sessions ran, kind by kind, with the titles and dates of the
/// lectures, seminars, court hearings and the office's own kinds.
fn sessions(doc: &mut Document<'_>, a: &Annual, ui: &Tr) {
    let (count, hours, person_hours) = a.kind_totals;
    if count == 0 {
        doc.body(&ui.text("annual.no_sessions", &[]));
        return;
    }
    let expected: usize = a.kinds.iter().map(|k| k.expected).sum();
    let attended: usize = a.kinds.iter().map(|k| k.attended).sum();
    doc.body(&ui.text(
        "docx.sessions",
        &[
            ("count", count.to_string()),
            ("hours", points(hours)),
            ("expected", expected.to_string()),
            ("attended", attended.to_string()),
            ("rate", percent(rate(attended, expected))),
            ("person_hours", hours_text(person_hours)),
        ],
    ));
    for kind in &a.kinds {
        let mut text = ui.text(
            "docx.kind",
            &[
                ("kind", kind.name.clone()),
                ("count", kind.sessions.to_string()),
                ("expected", kind.expected.to_string()),
                ("attended", kind.attended.to_string()),
                ("rate", percent(rate(kind.attended, kind.expected))),
                ("person_hours", hours_text(kind.person_hours)),
            ],
        );
        // Group study and online self-study run all year round; the one-off sessions are
        // what a report names.
        let named =
            kind.kind != SessionKind::GroupStudy.as_str() && kind.kind != SessionKind::Online.as_str();
        if named {
            let titles: Vec<String> = a
                .study
                .sessions
                .iter()
                .filter(|s| s.session.kind.as_str() == kind.kind)
                .map(|s| {
                    ui.text(
                        "docx.session",
                        &[("date", short_date(s.session.date, ui)), ("title", s.session.title.clone())],
                    )
                })
                .collect();
            if !titles.is_empty() {
                text.push_str(gap(ui));
                text.push_str(
                    &ui.text("docx.kind_sessions", &[("sessions", titles.join(ui.clause_separator()))]),
                );
            }
        }
        doc.body(&text);
    }
    if a.online {
        doc.body(&ui.text("annual.online_hours", &[]));
    }
}

/// 一、(二): who had requirements, how many met them, requirement by requirement.
fn requirements(doc: &mut Document<'_>, a: &Annual, ui: &Tr) {
    let (people, met) = (a.study.evaluated, a.study.met_all);
    if people == 0 {
        doc.body(&ui.text("docx.no_study", &[]));
        return;
    }
    let mut text = ui.text(
        "docx.study",
        &[
            ("people", people.to_string()),
            ("mean", one_decimal(a.study.hours / people as f64)),
            ("met", met.to_string()),
            ("rate", percent(rate(met, people))),
        ],
    );
    for (name, people, met) in &a.requirements {
        text.push_str(gap(ui));
        text.push_str(&ui.text(
            "docx.requirement",
            &[
                ("name", name.clone()),
                ("people", people.to_string()),
                ("met", met.to_string()),
                ("rate", percent(rate(*met, *people))),
            ],
        ));
    }
    if a.owing_people > 0 {
        text.push_str(gap(ui));
        text.push_str(&ui.text("docx.owing", &[("people", a.owing_people.to_string())]));
    } else if met == people {
        text.push_str(gap(ui));
        text.push_str(&ui.text("docx.all_met", &[]));
    }
    doc.body(&text);
}

/// 二: each exam's 应考, 参考, 合格 and 优秀 with their rates.
fn exams(doc: &mut Document<'_>, a: &Annual, ui: &Tr) {
    if a.exams.is_empty() {
        doc.body(&ui.text("docx.no_exams", &[]));
        return;
    }
    for exam in &a.exams {
        if a.exams.len() > 1 {
            doc.heading2(&exam.title);
        }
        let t = &exam.report.total;
        let mut text = ui.text("docx.exam", &exam.figures());
        if let Some(mean) = t.mean_score {
            text.push_str(gap(ui));
            text.push_str(&ui.text(
                "docx.exam_mean",
                &[("mean", one_decimal(mean)), ("total", points(exam.report.total_points))],
            ));
        }
        if t.expected > 0 && t.passed == t.expected {
            text.push_str(gap(ui));
            text.push_str(&ui.text("annual.all_passed", &[("title", exam.title.clone())]));
        } else if exam.missing_count > 0 {
            text.push_str(gap(ui));
            text.push_str(&ui.text("docx.exam_missing", &[("people", exam.missing_count.to_string())]));
        }
        doc.body(&text);
    }
}

/// 三: public outreach, in all and event by event.
fn outreach(doc: &mut Document<'_>, a: &Annual, ui: &Tr) {
    let (events, audience, materials) = a.outreach_totals;
    if events == 0 {
        doc.body(&ui.text("docx.no_outreach", &[]));
        return;
    }
    let mut text = ui.text(
        "annual.outreach",
        &[
            ("events", events.to_string()),
            ("audience", audience.to_string()),
            ("materials", materials.to_string()),
        ],
    );
    let items: Vec<String> = a
        .study
        .sessions
        .iter()
        .filter(|s| s.session.kind == SessionKind::Outreach)
        .map(|s| {
            let s = &s.session;
            let date = short_date(s.date, ui);
            let mut item = if s.place.trim().is_empty() {
                ui.text("docx.event", &[("date", date), ("title", s.title.clone())])
            } else {
                ui.text(
                    "docx.event_place",
                    &[("date", date), ("place", s.place.clone()), ("title", s.title.clone())],
                )
            };
            let mut details = Vec::new();
            if let Some(count) = s.headcount {
                details.push(ui.text("docx.event_audience", &[("count", count.to_string())]));
            }
            if let Some(count) = s.materials {
                details.push(ui.text("docx.event_materials", &[("count", count.to_string())]));
            }
            if !details.is_empty() {
                item.push_str(
                    &ui.text("docx.event_details", &[("details", details.join(ui.list_separator()))]),
                );
            }
            item
        })
        .collect();
    text.push_str(gap(ui));
    text.push_str(&ui.text("docx.outreach_list", &[("events", items.join(ui.clause_separator()))]));
    doc.body(&text);
}

/// 四: the tables by department, study first, then each exam.
fn departments(doc: &mut Document<'_>, a: &Annual, ui: &Tr) {
    if a.study.departments.is_empty() && a.exams.is_empty() && a.practice.is_none() {
        doc.body(&ui.text("docx.no_departments", &[]));
        return;
    }
    let mut tables: Vec<(String, &Listing, Option<&[&str]>)> = Vec::new();
    if !a.study.departments.is_empty() {
        tables.push((ui.text("annual.h_departments", &[]), &a.departments, None));
    }
    // The exam's counts and rates; the scores would not fit a portrait page.
    const EXAM_COLUMNS: &[&str] = &[
        "department",
        "expected",
        "took",
        "participation_rate",
        "passed",
        "pass_rate",
        "excellent",
        "excellent_rate",
    ];
    for exam in &a.exams {
        let title = ui.text("docx.exam_departments", &[("title", exam.title.clone())]);
        tables.push((title, &exam.figures, Some(EXAM_COLUMNS)));
    }
    if let Some(practice) = &a.practice {
        tables.push((ui.text("annual.h_practice", &[]), practice, None));
    }
    let references: Vec<String> = tables
        .iter()
        .enumerate()
        .map(|(i, (title, _, _))| {
            ui.text("docx.see_table", &[("what", title.clone()), ("table", (i + 1).to_string())])
        })
        .collect();
    doc.body(&references.join(gap(ui)));
    for (i, (title, listing, columns)) in tables.into_iter().enumerate() {
        doc.caption(&ui.text("docx.table", &[("table", (i + 1).to_string()), ("title", title)]));
        doc.table(listing, columns);
    }
}

/// Returns the widths of a table's columns filling `total`: every column gets what it
/// needs when all fit (the rest shared in proportion); otherwise the narrow columns get
/// what they need and the wide ones share what is left equally, so figures never wrap and
/// long names do.
fn column_widths(needed: &[f64], total: f64) -> Vec<usize> {
    let sum: f64 = needed.iter().sum();
    if needed.is_empty() || sum <= 0.0 {
        return vec![0; needed.len()];
    }
    if sum <= total {
        return needed.iter().map(|n| (n / sum * total).floor() as usize).collect();
    }
    let mut order: Vec<usize> = (0..needed.len()).collect();
    order.sort_by(|a, b| needed[*a].total_cmp(&needed[*b]));
    let mut widths = vec![0.0; needed.len()];
    let mut left = total;
    for (i, &column) in order.iter().enumerate() {
        let share = left / (order.len() - i) as f64;
        widths[column] = needed[column].min(share);
        left -= widths[column];
    }
    widths.into_iter().map(|w| w.floor() as usize).collect()
}

/// Returns what comes between two sentences: nothing in Chinese, a space in English.
pub(super) fn gap(ui: &Tr) -> &'static str {
    if ui.lang == xuefa_core::Lang::Zh { "" } else { " " }
}

/// Returns a mean (hours or points) to one decimal place, as reports write them.
fn one_decimal(value: f64) -> String {
    if value.is_finite() { format!("{:.1}", value + 0.0) } else { "—".to_owned() }
}

/// Returns a sum of hours to at most one decimal place: 6912, 52.5.
fn hours_text(value: f64) -> String {
    points((value * 10.0).round() / 10.0)
}

/// Returns the 成文日期: Arabic numerals with the year in full and no leading zeros
/// (2026年12月5日), as GB/T 9704-2012 7.3.5 writes it; in English, 5 December 2026.
fn date(date: xuefa_core::Date, ui: &Tr) -> String {
    ui.text(
        "docx.date",
        &[("year", date.year().to_string()), ("month", month(date, ui)), ("day", date.day().to_string())],
    )
}

/// Returns a day of the year as the body text names it: 3月15日, 15 March.
fn short_date(date: xuefa_core::Date, ui: &Tr) -> String {
    ui.text("docx.short_date", &[("month", month(date, ui)), ("day", date.day().to_string())])
}

/// Returns a month as the language writes it in a date: 3 in Chinese (3月), March in English.
fn month(date: xuefa_core::Date, ui: &Tr) -> String {
    if ui.lang == xuefa_core::Lang::Zh { date.month().to_string() } else { date.strftime("%B").to_string() }
}

/// Returns a heading's number: 一, 二 … in Chinese, 1, 2 … in English.
fn heading_number(n: usize, ui: &Tr) -> String {
    if ui.lang == xuefa_core::Lang::Zh { chinese_numeral(n) } else { n.to_string() }
}

/// Returns a number in Chinese numerals as headings count: 一, 十二, 二十.
fn chinese_numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let ones = if n.is_multiple_of(10) { "" } else { DIGITS[n % 10] };
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{ones}"),
        20..=99 => format!("{}十{ones}", DIGITS[n / 10]),
        _ => n.to_string(),
    }
}

/// Returns text without what XML 1.0 cannot hold: control characters other than tab, line
/// feed and carriage return (all three become spaces: a name is one line) and U+FFFE/U+FFFF.
/// The writer escapes `<`, `&` and quotes itself.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
}

/// Returns how many characters of the grid a text takes: a Chinese character or
/// full-width sign one, a Latin letter or figure half.
fn grid_width(text: &str) -> f64 {
    display_width(text) / 2.0
}

fn fonts(east_asian: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asian).ascii(LATIN_FONT).hi_ansi(LATIN_FONT).cs(LATIN_FONT)
}

fn exact_lines() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH).before(0).after(0)
}

fn twips(chars: f64) -> i32 {
    (chars * CHAR_WIDTH).round() as i32
}

/// A document being written, paragraph by paragraph, in the styles of the standard.
struct Document<'a> {
    docx: Docx,
    ui: &'a Tr,
    headings: (usize, usize),
}

impl<'a> Document<'a> {
    fn new(ui: &'a Tr) -> Self {
        let page_number = |align: AlignmentType, left: i32, right: i32| {
            let dash = "\u{2014} ";
            Footer::new().add_paragraph(
                Paragraph::new()
                    .style("PageNumber")
                    .align(align)
                    .indent(Some(left), None, Some(right), None)
                    .add_run(Run::new().add_text(dash))
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::Begin, false)
                            .add_instr_text(InstrText::PAGE(InstrPAGE {}))
                            .add_field_char(FieldCharType::Separate, false)
                            .add_text("1")
                            .add_field_char(FieldCharType::End, false),
                    )
                    .add_run(Run::new().add_text(" \u{2014}")),
            )
        };
        // One character of 4号 from the edge: odd pages on the right, even on the left.
        let one = SMALL_SIZE as i32 * 10;
        let paragraph = |id: &str, name: &str, font: &str, size: usize| {
            let mut style = Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .next("Body")
                .q_format(true)
                .fonts(fonts(font))
                .size(size)
                .line_spacing(exact_lines());
            if size == BODY_SIZE {
                style.run_property = style.run_property.spacing(BODY_CHARACTER_SPACING);
            }
            style
        };
        let docx = Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT)
                    .header(HEADER_DISTANCE)
                    .footer(FOOTER_DISTANCE)
                    .gutter(0),
            )
            .default_fonts(fonts(BODY_FONT))
            .default_size(BODY_SIZE)
            .default_line_spacing(exact_lines())
            // Off the grid: LibreOffice gives a line of 二号 two lines of the grid, Word one.
            .add_style(
                paragraph("Title", "Title", TITLE_FONT, TITLE_SIZE)
                    .align(AlignmentType::Center)
                    .snap_to_grid(false),
            )
            .add_style(paragraph("Heading1", "heading 1", HEADING1_FONT, BODY_SIZE).outline_lvl(0).indent(
                Some(0),
                Some(SpecialIndentType::FirstLine(twips(2.0))),
                None,
                None,
            ))
            .add_style(paragraph("Heading2", "heading 2", HEADING2_FONT, BODY_SIZE).outline_lvl(1).indent(
                Some(0),
                Some(SpecialIndentType::FirstLine(twips(2.0))),
                None,
                None,
            ))
            .add_style(
                paragraph("Body", "Body Text", BODY_FONT, BODY_SIZE).align(AlignmentType::Both).indent(
                    Some(0),
                    Some(SpecialIndentType::FirstLine(twips(2.0))),
                    None,
                    None,
                ),
            )
            .add_style(paragraph("AnnexLabel", "Annex Label", HEADING1_FONT, BODY_SIZE))
            .add_style(
                paragraph("Caption", "caption", HEADING1_FONT, SMALL_SIZE)
                    .align(AlignmentType::Center)
                    .snap_to_grid(false),
            )
            .add_style(
                paragraph("TableText", "Table Text", BODY_FONT, SMALL_SIZE)
                    .snap_to_grid(false)
                    .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(400)),
            )
            .add_style(
                Style::new("PageNumber", StyleType::Paragraph)
                    .name("Page Number Line")
                    .based_on("Normal")
                    .fonts(fonts(PAGE_NUMBER_FONT))
                    .size(SMALL_SIZE)
                    .snap_to_grid(false)
                    .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240)),
            )
            .footer(page_number(AlignmentType::Right, 0, one))
            .even_footer(page_number(AlignmentType::Left, one, 0));
        let mut docx = docx;
        docx.document = docx
            .document
            .doc_grid(DocGrid::new().grid_type(DocGridType::Lines).line_pitch(LINE_PITCH as usize));
        Document { docx, ui, headings: (0, 0) }
    }

    fn add(&mut self, paragraph: Paragraph) {
        // Every page has its 22 lines: a paragraph's first or last line may stand alone
        // (LibreOffice keeps two together unless each paragraph says so).
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(paragraph.widow_control(false));
    }

    fn styled(&mut self, style: &str, text: &str) {
        self.add(Paragraph::new().style(style).add_run(Run::new().add_text(clean(text))));
    }

    fn title(&mut self, text: &str) {
        self.styled("Title", text);
    }

    fn blank(&mut self) {
        self.add(Paragraph::new().style("Body"));
    }

    fn body(&mut self, text: &str) {
        self.styled("Body", text);
    }

    /// A first-level heading: 一、 in 黑体.
    fn heading1(&mut self, text: &str) {
        self.headings = (self.headings.0 + 1, 0);
        let n = self.headings.0;
        let heading =
            self.ui.text("docx.h1", &[("n", heading_number(n, self.ui)), ("title", text.to_owned())]);
        self.add(
            Paragraph::new().style("Heading1").keep_next(true).add_run(Run::new().add_text(clean(&heading))),
        );
    }

    /// A second-level heading: (一) in 楷体.
    fn heading2(&mut self, text: &str) {
        self.headings.1 += 1;
        let n = self.headings.1;
        let heading =
            self.ui.text("docx.h2", &[("n", heading_number(n, self.ui)), ("title", text.to_owned())]);
        self.add(
            Paragraph::new().style("Heading2").keep_next(true).add_run(Run::new().add_text(clean(&heading))),
        );
    }

    fn caption(&mut self, text: &str) {
        self.add(Paragraph::new().style("Caption").keep_next(true).add_run(Run::new().add_text(clean(text))));
    }

    /// A table in 仿宋 whose header row repeats on every page it runs over; `columns`
    /// picks fields of the listing (all when `None`).
    fn table(&mut self, listing: &Listing, columns: Option<&[&str]>) {
        let picked: Vec<usize> = match columns {
            None => (0..listing.fields().len()).collect(),
            Some(wanted) => {
                wanted.iter().filter_map(|w| listing.fields().iter().position(|f| f == w)).collect()
            }
        };
        if picked.is_empty() {
            return;
        }
        let labels: Vec<&str> =
            picked.iter().map(|&c| listing.labels().get(c).map_or("", String::as_str)).collect();
        let rows: Vec<Vec<&str>> = listing
            .shown_rows()
            .iter()
            .map(|row| picked.iter().map(|&c| row.get(c).map_or("", String::as_str)).collect())
            .collect();
        // 四号 when every column fits its widest cell, else 小四.
        let widest: Vec<f64> = (0..picked.len())
            .map(|c| {
                rows.iter().map(|r| display_width(r[c])).chain([display_width(labels[c])]).fold(0.0, f64::max)
            })
            .collect();
        let natural = |size: usize| -> Vec<f64> {
            // Half a point of width per display column and half-point of size, and the padding.
            widest.iter().map(|w| w * size as f64 * 5.0 + 2.0 * CELL_PADDING as f64 + 20.0).collect()
        };
        let size = if natural(SMALL_SIZE).iter().sum::<f64>() <= TEXT_WIDTH as f64 {
            SMALL_SIZE
        } else {
            TABLE_SIZE
        };
        let widths = column_widths(&natural(size), TEXT_WIDTH as f64);
        let cell = |text: &str, width: usize, align: AlignmentType| {
            TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Center).add_paragraph(
                Paragraph::new()
                    .style("TableText")
                    .align(align)
                    .add_run(Run::new().size(size).add_text(clean(text))),
            )
        };
        // The header row is marked cantSplit here, and only it: `finish` adds tblHeader
        // next to that mark, which docx-rs cannot write itself.
        let header = TableRow::new(
            labels.iter().zip(&widths).map(|(l, w)| cell(l, *w, AlignmentType::Center)).collect(),
        )
        .cant_split();
        let mut table_rows = vec![header];
        for row in &rows {
            table_rows.push(TableRow::new(
                row.iter()
                    .enumerate()
                    .map(|(c, text)| {
                        let align = if c == 0 { AlignmentType::Left } else { AlignmentType::Center };
                        cell(text, widths[c], align)
                    })
                    .collect(),
            ));
        }
        let table = Table::new(table_rows)
            .set_grid(widths.clone())
            .width(widths.iter().sum(), WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(TableCellMargins::new().margin(0, CELL_PADDING, 0, CELL_PADDING));
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
    }

    /// The 附件说明 after the body: "附件：1.…", later names under the first.
    fn annex_note(&mut self, names: &[String]) {
        let lead = self.ui.text("docx.annex_note", &[("annex", String::new())]);
        let hang = grid_width(&lead);
        for (i, name) in names.iter().enumerate() {
            let item = if names.len() == 1 {
                name.clone()
            } else {
                self.ui.text("docx.annex_item", &[("n", (i + 1).to_string()), ("name", name.clone())])
            };
            if i == 0 {
                self.body(&self.ui.text("docx.annex_note", &[("annex", item)]));
            } else {
                self.add(
                    Paragraph::new()
                        .style("Body")
                        .indent(Some(twips(2.0 + hang)), Some(SpecialIndentType::FirstLine(0)), None, None)
                        .add_run(Run::new().add_text(clean(&item))),
                );
            }
        }
    }

    /// The office's name and the date at the end, as 7.3.5.1 sets them: the date four
    /// characters from the right, the office centred over it.
    fn signature(&mut self, office: &str, date: &str) {
        let office = clean(office.trim());
        let date_width = grid_width(date);
        if !office.is_empty() {
            let indent = (4.0 + (date_width - grid_width(&office)) / 2.0).max(0.0);
            self.add(
                Paragraph::new()
                    .style("Body")
                    .align(AlignmentType::Right)
                    .indent(Some(0), None, Some(twips(indent)), None)
                    .add_run(Run::new().add_text(office)),
            );
        }
        self.add(
            Paragraph::new()
                .style("Body")
                .align(AlignmentType::Right)
                .indent(Some(0), None, Some(twips(4.0)), None)
                .add_run(Run::new().add_text(clean(date))),
        );
    }

    /// An annex on a page of its own: "附件1" at the top left in 黑体, its title on the
    /// third line, then its table.
    fn annex(&mut self, label: &str, title: &str, listing: &Listing) {
        self.add(
            Paragraph::new()
                .style("AnnexLabel")
                .add_run(Run::new().add_break(BreakType::Page).add_text(clean(label))),
        );
        self.blank();
        self.title(title);
        self.blank();
        self.table(listing, None);
    }

    /// Returns the DOCX file.
    fn finish(self) -> Result<Vec<u8>, AppError> {
        let mut xml = self.docx.build();
        // docx-rs writes no tblHeader; the header rows are the only rows marked cantSplit.
        // The mark is the writer's own markup (text is escaped), so it cannot come from data.
        let document = String::from_utf8_lossy(&xml.document)
            .replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />");
        xml.document = document.into_bytes();
        xml.font_table = FONT_TABLE.as_bytes().to_vec();
        let mut bytes = Cursor::new(Vec::new());
        xml.pack(&mut bytes)
            .map_err(|e| AppError::message_of("report.docx_failed", vec![("detail", e.to_string())]))?;
        Ok(bytes.into_inner())
    }
}

/// The fonts the document names, with their English names and the GB2312 character set,
/// so Word substitutes a Chinese font of the same family where one is missing.
const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    r#"<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="方正小标宋简体"><w:altName w:val="FZXiaoBiaoSong-B05S"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="FangSong_GB2312"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="楷体_GB2312"><w:altName w:val="KaiTi_GB2312"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    r#"</w:fonts>"#,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_count_in_chinese_numerals() {
        let numerals: Vec<String> = [1, 4, 10, 11, 20, 23, 100].into_iter().map(chinese_numeral).collect();
        assert_eq!(numerals, ["一", "四", "十", "十一", "二十", "二十三", "100"]);
    }

    #[test]
    fn figures_get_their_width_and_names_share_the_rest() {
        assert_eq!(column_widths(&[100.0, 50.0], 300.0), [200, 100]);
        assert_eq!(column_widths(&[1000.0, 40.0, 40.0], 300.0), [220, 40, 40]);
        assert_eq!(column_widths(&[500.0, 500.0, 40.0], 300.0), [130, 130, 40]);
        assert!(column_widths(&[], 300.0).is_empty());
    }

    #[test]
    fn what_xml_cannot_hold_is_taken_out() {
        assert_eq!(clean("a\u{0}b\u{1f}c\td\ne\u{FFFF}"), "abc d e");
        assert_eq!(clean("<甲&乙>"), "<甲&乙>", "the writer escapes these");
    }

    #[test]
    fn the_page_holds_22_lines_of_28_characters_of_three_hao() {
        assert_eq!(TEXT_WIDTH, 8845);
        let character = BODY_SIZE as i32 * 10 + BODY_CHARACTER_SPACING;
        assert!(28 * character <= TEXT_WIDTH && 29 * character > TEXT_WIDTH);
        assert!(22 * LINE_PITCH <= PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM);
        assert!(23 * LINE_PITCH > PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM);
    }

    #[test]
    fn the_date_is_written_in_arabic_numerals_as_the_standard_has_it() {
        let day = xuefa_core::Date::new(2026, 12, 5).expect("a date");
        assert_eq!(date(day, &Tr::new(xuefa_core::Lang::Zh)), "2026年12月5日");
        assert_eq!(date(day, &Tr::new(xuefa_core::Lang::En)), "5 December 2026");
    }
}
