//! Grading the answer sheets of a paper exam (CSV or XLSX) into attempts. Two layouts: a
//! row per answer (employee, question number on that paper, answer, optionally the
//! attempt), or a row per sheet as answer-card scanners write it (employee, optionally the
//! attempt, then a column per question number). Every problem of the file is found with its
//! row, and nothing is graded when there is one; the sheets are recorded in one transaction.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::Offset;
use xuefa_core::exam::{Drawer, Paper, Response, grade};
use xuefa_core::read::{Column, read_table_each};
use xuefa_core::{Kind, Letters, Location, Problem, ReadOptions};
use xuefa_store::{AttemptRecord, ExamRecord, ExamStore, Graded};

use crate::error::AppError;
use crate::exam::{Source, check_may_start, paper_for};
use crate::i18n::Tr;

/// Returns the name of a kind of question in the language (单选 / single choice …).
pub fn kind_name(kind: Kind, ui: &Tr) -> String {
    ui.text(&format!("kind.{}", kind.as_str()), &[])
}

/// The long layout (a row per answer) and the wide one scanners write (a row per sheet, a
/// column per question number: `1`, `2` … or `第1题` …). Question columns go up to 300.
const FIXED: &[Column] = &[
    Column { headers: &["employee", "工号", "编号", "员工编号", "id"], required: true },
    Column { headers: &["number", "题号", "题目序号", "序号", "question"], required: false },
    Column { headers: &["answer", "答案", "作答", "所选答案"], required: false },
    Column { headers: &["attempt", "次数", "第几次", "考试次数"], required: false },
];
const MAX_NUMBER: usize = 300;

fn columns() -> &'static [Column] {
    static COLUMNS: OnceLock<Vec<Column>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut columns = FIXED.to_vec();
        for n in 1..=MAX_NUMBER {
            let headers: Vec<&'static str> =
                [format!("{n}"), format!("第{n}题"), format!("Q{n}"), format!("题{n}")]
                    .into_iter()
                    .map(|h| &*Box::leak(h.into_boxed_str()))
                    .collect();
            columns.push(Column { headers: Box::leak(headers.into_boxed_slice()), required: false });
        }
        columns
    })
}

/// An answer as read, before the paper says what kind of question it answers, in two
/// bytes (a province's million sheets of 50 answers fit in 100 MB): bit 15 given, bit 11
/// reads as letters (bits 0–7 the letters), bit 9 reads as true, bit 8 as false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Code(u16);

impl Code {
    fn read(text: &str) -> Code {
        if text.is_empty() {
            return Code(0);
        }
        let mut code = 1 << 15;
        if let Some(Response::Choice(letters)) =
            Response::parse(text, Kind::Multiple, xuefa_core::MAX_OPTIONS)
        {
            code |= 1 << 11 | u16::from(letters.bits());
        }
        match Response::parse(text, Kind::Judge, 0) {
            Some(Response::Judge(true)) => code |= 1 << 9,
            Some(Response::Judge(false)) => code |= 1 << 8,
            _ => {}
        }
        Code(code)
    }

    fn given(self) -> bool {
        self.0 & 1 << 15 != 0
    }

    fn letters(self) -> Option<Letters> {
        (self.0 & 1 << 11 != 0).then(|| Letters::from_bits((self.0 & 0xff) as u8))
    }

    fn truth(self) -> Option<bool> {
        match self.0 & 0x300 {
            0x200 => Some(true),
            0x100 => Some(false),
            _ => None,
        }
    }

    /// Returns the response to a question of this kind with this many options.
    fn response(self, kind: Kind, options: usize) -> Option<Response> {
        match kind {
            Kind::Judge => self.truth().map(Response::Judge),
            _ => {
                let letters = self.letters()?;
                let fits =
                    letters.indexes().all(|i| i < options) && (kind != Kind::Single || letters.len() == 1);
                fits.then_some(Response::Choice(letters))
            }
        }
    }

    /// Returns the answer near enough to how the sheet gave it, for a message (the sheet
    /// keeps the text of cells that read as no answer at all).
    fn text(self) -> String {
        match (self.letters(), self.truth()) {
            (Some(letters), _) => letters.to_string(),
            (None, Some(true)) => "对".to_owned(),
            (None, Some(false)) => "错".to_owned(),
            (None, None) => String::new(),
        }
    }
}

/// One answer sheet (a person's attempt): the answer to each question number, and the line
/// each came from (one line for a wide row).
struct Sheet {
    codes: Vec<Code>,
    lines: Vec<u32>,
    texts: Vec<(usize, String)>,
}

impl Sheet {
    fn set(&mut self, index: usize, text: &str) {
        let code = Code::read(text);
        self.codes[index] = code;
        if code.letters().is_none() && code.truth().is_none() {
            self.texts.push((index, text.to_owned()));
        }
    }
}

impl Sheet {
    fn line(&self, index: usize) -> u32 {
        if self.lines.len() == 1 { self.lines[0] } else { self.lines.get(index).copied().unwrap_or(0) }
    }
}

/// One answer sheet as graded, for the front end to show as it goes.
#[derive(Debug)]
pub struct GradedSheet<'a> {
    /// The person.
    pub employee: &'a str,
    /// The attempt the sheet is.
    pub attempt: u32,
    /// Its result.
    pub outcome: &'a xuefa_core::exam::Outcome,
    /// How many sheets the file holds.
    pub sheets: usize,
}

/// What grading a file of answer sheets did.
#[derive(Debug)]
pub struct GradeSummary {
    /// Warnings about the file (nothing refused for them).
    pub warnings: Vec<Problem>,
    /// Sheets recorded as attempts.
    pub recorded: u64,
    /// Of them, how many passed.
    pub passed: usize,
}

/// Grades the answer sheets of a paper exam in file `name` (its `bytes`, CSV or XLSX) into
/// attempts, drawing each person's paper again, and records them in one transaction.
/// `each` sees every sheet as it is graded. Every problem of the file is found first, with
/// its row, and nothing is graded when there is one.
///
/// # Errors
/// Returns every problem of the file ([`AppError::Problems`], warnings included), a pool
/// too small for a paper, or store errors.
#[allow(clippy::too_many_arguments)] // the file, the time and the words are all values
pub fn grade_sheets<S: ExamStore + ?Sized>(
    store: &mut S,
    exam: &str,
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    now: Timestamp,
    offset: Offset,
    ui: &Tr,
    each: &mut dyn FnMut(&GradedSheet<'_>),
) -> Result<GradeSummary, AppError> {
    let exam_id = exam;
    let exam = store.exam(exam_id)?;
    let name = name.to_owned();
    let location = |line: u32| Location::line(name.clone(), u64::from(line));
    let length = exam.spec.question_count() as usize;

    // Read: every row into its sheet, answers as compact codes (a province's million sheets
    // fit in memory this way; the papers are drawn later, one at a time).
    let mut problems: Vec<Problem> = Vec::new();
    let mut sheets: HashMap<(String, u32), Sheet> = HashMap::new();
    let mut wide: Option<bool> = None;
    let columns = columns();
    let read_problems = read_table_each(&name, bytes, options, columns, &mut |row| {
        let line = row.location.line.unwrap_or(0) as u32;
        let error = |message: String| Problem::error_message(row.location.clone(), message);
        let cell = |i: usize| row.cells[i].as_deref().unwrap_or("");
        let is_wide =
            *wide.get_or_insert_with(|| row.cells[1].is_none() && row.cells[4..].iter().any(Option::is_some));
        let employee = cell(0).to_owned();
        if employee.is_empty() {
            problems.push(error(ui.text("grade.no_employee", &[])));
            return;
        }
        // Without an attempt column a sheet is the first attempt: grading the same sheet
        // twice must not turn into a 补考.
        let attempt = match cell(3) {
            "" => 1,
            other => match other.trim_end_matches(".0").parse::<u32>() {
                Ok(n) if n >= 1 && n <= exam.spec.attempts => n,
                _ => {
                    problems.push(error(ui.text(
                        "grade.bad_attempt",
                        &[("value", other.to_owned()), ("attempts", exam.spec.attempts.to_string())],
                    )));
                    return;
                }
            },
        };
        let key = (employee, attempt);
        if is_wide {
            if let Some(first) = sheets.get(&key) {
                problems.push(error(ui.text(
                    "grade.duplicate_sheet",
                    &[
                        ("employee", key.0.clone()),
                        ("attempt", attempt.to_string()),
                        ("other", first.lines[0].to_string()),
                    ],
                )));
                return;
            }
            let mut sheet =
                Sheet { codes: vec![Code::default(); length], lines: vec![line], texts: Vec::new() };
            for (n, value) in row.cells[4..].iter().enumerate() {
                let Some(text) = value.as_deref().filter(|t| !t.is_empty()) else { continue };
                if n >= length {
                    problems.push(error(ui.text(
                        "grade.bad_number",
                        &[("value", (n + 1).to_string()), ("count", length.to_string())],
                    )));
                    continue;
                }
                sheet.set(n, text);
            }
            sheets.insert(key, sheet);
            return;
        }
        let number_text = cell(1);
        let number = match number_text.trim_end_matches(".0").parse::<usize>() {
            Ok(n) if n >= 1 && n <= length => n,
            _ => {
                problems.push(error(ui.text(
                    "grade.bad_number",
                    &[("value", number_text.to_owned()), ("count", length.to_string())],
                )));
                return;
            }
        };
        let sheet = sheets.entry(key).or_insert_with(|| Sheet {
            codes: vec![Code::default(); length],
            lines: vec![0; length],
            texts: Vec::new(),
        });
        let answer = cell(2);
        if answer.is_empty() {
            return;
        }
        if sheet.codes[number - 1].given() {
            let other = location(sheet.lines[number - 1]);
            problems.push(error(
                ui.text("grade.duplicate", &[("number", number.to_string()), ("other", other.to_string())]),
            ));
            return;
        }
        sheet.set(number - 1, answer);
        sheet.lines[number - 1] = line;
    });
    problems.extend(read_problems);
    if wide.is_some_and(|w| !w) && sheets.is_empty() && problems.is_empty() {
        problems.push(Problem::error_message(Location::file(name.clone()), ui.text("grade.no_answers", &[])));
    }

    // Check: each person may sit that attempt, and each answer fits its question.
    let mut keys: Vec<(String, u32)> = sheets.keys().cloned().collect();
    keys.sort();
    let pool = store.exam_pool(exam_id)?;
    let drawer = Drawer::new(&exam.spec, &pool);
    let mut sat: HashMap<String, Vec<u32>> = HashMap::new();
    for summary in store.attempt_summaries(exam_id)? {
        sat.entry(summary.employee).or_default().push(summary.attempt);
    }
    let mut checked_people: HashSet<&str> = HashSet::new();
    // The recorded papers of people who sat before (a retake graded from paper).
    let mut records: HashMap<String, Vec<AttemptRecord>> = HashMap::new();
    for (employee, _) in &keys {
        if sat.contains_key(employee) && !records.contains_key(employee) {
            records.insert(employee.clone(), store.attempts(exam_id, employee)?);
        }
    }
    let mut papers = Papers::new(&exam, &drawer, &records);
    for (employee, attempt) in &keys {
        let earlier = sat.get(employee).map_or(&[][..], Vec::as_slice);
        let sheet = &sheets[&(employee.clone(), *attempt)];
        if earlier.contains(attempt) {
            problems.push(Problem::error_message(
                location(sheet.line(0)),
                ui.text(
                    "grade.already_sat",
                    &[("employee", employee.clone()), ("attempt", attempt.to_string())],
                ),
            ));
            continue;
        }
        let used = (earlier.len() as u32).max(attempt - 1);
        match check_may_start(&*store, &exam, employee, used, now, offset) {
            Ok(_) => {}
            Err(error) => {
                if checked_people.insert(employee) {
                    problems.push(Problem::error_message(location(sheet.line(0)), error.message(ui.lang)));
                }
                continue;
            }
        }
        let paper = papers.paper(employee, *attempt)?;
        for (index, code) in sheet.codes.iter().enumerate().filter(|(_, c)| c.given()) {
            let question = &paper.questions[index];
            if code.response(question.kind, question.options.len()).is_none() {
                let text =
                    sheet.texts.iter().find(|t| t.0 == index).map_or_else(|| code.text(), |t| t.1.clone());
                problems.push(Problem::error_message(
                    location(sheet.line(index)),
                    ui.text(
                        "grade.bad_answer",
                        &[
                            ("answer", text),
                            ("number", (index + 1).to_string()),
                            ("kind", kind_name(question.kind, ui)),
                        ],
                    ),
                ));
            }
        }
    }
    problems.sort_by_key(|p| p.location.line.unwrap_or(0));
    if problems.iter().any(Problem::is_error) {
        return Err(AppError::Problems(problems));
    }

    // Grade and record every sheet in one transaction, drawing each paper again.
    let grading = exam.spec.grading();
    let mut passed = 0;
    let mut failure: Option<AppError> = None;
    let mut papers = Papers::new(&exam, &drawer, &records);
    let mut graded = keys.iter().map_while(|key| {
        let sheet = &sheets[key];
        let paper = match papers.paper(&key.0, key.1) {
            Ok(paper) => paper,
            Err(error) => {
                failure = Some(error);
                return None;
            }
        };
        let responses: Vec<(usize, Response)> = sheet
            .codes
            .iter()
            .enumerate()
            .filter_map(|(i, code)| {
                let q = &paper.questions[i];
                code.response(q.kind, q.options.len()).map(|r| (i, r))
            })
            .collect();
        let mut given = vec![None; paper.questions.len()];
        for (i, r) in &responses {
            given[*i] = Some(*r);
        }
        let outcome = grade(&paper, &given, &grading);
        passed += usize::from(outcome.passed);
        each(&GradedSheet { employee: &key.0, attempt: key.1, outcome: &outcome, sheets: keys.len() });
        Some(Graded::new(paper, responses, outcome, now))
    });
    let recorded = store.record_graded(&mut graded)?;
    drop(graded);
    if let Some(error) = failure {
        return Err(error);
    }
    Ok(GradeSummary { warnings: problems, recorded, passed })
}

/// Draws the papers of sheets in (employee, attempt) order: a retake's paper excludes the
/// questions of the person's earlier papers, recorded or on this sheet.
struct Papers<'a> {
    exam: &'a ExamRecord,
    drawer: &'a Drawer<'a>,
    records: &'a HashMap<String, Vec<AttemptRecord>>,
    seen: Option<(String, u32, HashSet<String>)>,
}

impl<'a> Papers<'a> {
    fn new(
        exam: &'a ExamRecord,
        drawer: &'a Drawer<'a>,
        records: &'a HashMap<String, Vec<AttemptRecord>>,
    ) -> Self {
        Papers { exam, drawer, records, seen: None }
    }

    fn paper(&mut self, employee: &str, attempt: u32) -> Result<Paper, AppError> {
        if let Some(records) = self.records.get(employee) {
            return paper_for(
                self.exam,
                &Source::<dyn ExamStore>::Pool(self.drawer),
                employee,
                attempt,
                records,
            );
        }
        // Continue from the previous sheet of the same person, or start from attempt 1.
        let (mut next, mut seen) = match self.seen.take() {
            Some((who, done, seen)) if who == employee && done < attempt => (done + 1, seen),
            _ => (1, HashSet::new()),
        };
        loop {
            let paper = self.drawer.draw(self.exam.seed, employee, next, &seen).map_err(|error| {
                AppError::message_of(
                    "exam.pool_short",
                    vec![("exam", self.exam.spec.id.clone()), ("detail", error.to_string())],
                )
            })?;
            seen.extend(paper.question_keys());
            if next == attempt {
                self.seen = Some((employee.to_owned(), attempt, seen));
                return Ok(paper);
            }
            next += 1;
        }
    }
}
