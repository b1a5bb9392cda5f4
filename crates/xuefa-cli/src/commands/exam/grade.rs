//! `xuefa exam grade EXAM SHEET`: grade answer sheets typed in from a paper exam (CSV or
//! XLSX: employee, question number on that paper, answer, and optionally the attempt) into
//! attempts. Every problem of the sheet is reported with its row, and nothing is graded
//! when there is one.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use clap::Args;
use xuefa_core::exam::{Paper, Response, Sitting};
use xuefa_core::read::Column;
use xuefa_core::{Location, Problem};
use xuefa_store::{ExamStore, Mode};

use super::{check_may_start, paper_for, points};
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::inputs::read_named;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct GradeArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(value_name = "SHEET")]
    pub sheet: PathBuf,
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
}

const COLUMNS: &[Column] = &[
    Column { headers: &["employee", "工号", "编号", "员工编号", "id"], required: true },
    Column { headers: &["number", "题号", "题目序号", "序号", "question"], required: true },
    Column { headers: &["answer", "答案", "作答", "所选答案"], required: true },
    Column { headers: &["attempt", "次数", "第几次", "考试次数"], required: false },
];

struct Sheet {
    paper: Paper,
    answers: BTreeMap<usize, (Response, Location)>,
}

pub fn cmd_grade(args: &GradeArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let exam = store.exam(&args.exam)?;
    let name = args.sheet.display().to_string();
    let table = read_named(&args.sheet, args.encoding.as_ref(), COLUMNS, ui)?;
    let mut problems: Vec<Problem> = table.problems;
    let pool = store.exam_pool(&args.exam)?;
    let mut sheets: HashMap<(String, u32), Sheet> = HashMap::new();
    let mut attempts_of = HashMap::new();
    let text = |row: &xuefa_core::read::NamedRow, i: usize| row.cells[i].clone().unwrap_or_default();
    for row in &table.rows {
        let error = |message: String| Problem::error_message(row.location.clone(), message);
        let employee = text(row, 0);
        if employee.is_empty() {
            problems.push(error(ui.text("grade.no_employee", &[])));
            continue;
        }
        if !attempts_of.contains_key(&employee) {
            let person_known = store.person(&employee)?.is_some();
            let attempts = if person_known { Some(store.attempts(&args.exam, &employee)?) } else { None };
            attempts_of.insert(employee.clone(), attempts);
        }
        let Some(Some(attempts)) = attempts_of.get(&employee) else {
            problems.push(error(ui.text("grade.unknown_employee", &[("employee", employee.clone())])));
            continue;
        };
        // Without an attempt column a sheet is the first attempt: grading the same sheet twice
        // must not turn into a 补考.
        let attempt = match text(row, 3).as_str() {
            "" => 1,
            other => match other.parse::<u32>() {
                Ok(n) if n >= 1 && n <= exam.spec.attempts => n,
                _ => {
                    problems.push(error(ui.text(
                        "grade.bad_attempt",
                        &[("value", other.to_owned()), ("attempts", exam.spec.attempts.to_string())],
                    )));
                    continue;
                }
            },
        };
        if attempts.iter().any(|a| a.attempt == attempt) {
            problems.push(error(ui.text(
                "grade.already_sat",
                &[("employee", employee.clone()), ("attempt", attempt.to_string())],
            )));
            continue;
        }
        let key = (employee.clone(), attempt);
        if !sheets.contains_key(&key) {
            let paper = paper_for(&exam, &pool, &employee, attempt, attempts)?;
            sheets.insert(key.clone(), Sheet { paper, answers: BTreeMap::new() });
        }
        let Some(sheet) = sheets.get_mut(&key) else { continue };
        let number_text = text(row, 1);
        let number = match number_text.trim().trim_end_matches(".0").parse::<usize>() {
            Ok(n) if n >= 1 && n <= sheet.paper.questions.len() => n,
            _ => {
                problems.push(error(ui.text(
                    "grade.bad_number",
                    &[("value", number_text.clone()), ("count", sheet.paper.questions.len().to_string())],
                )));
                continue;
            }
        };
        let question = &sheet.paper.questions[number - 1];
        let answer = text(row, 2);
        if answer.is_empty() {
            continue;
        }
        let Some(response) = Response::parse(&answer, question.kind, question.options.len()) else {
            problems.push(error(ui.text(
                "grade.bad_answer",
                &[
                    ("answer", answer.clone()),
                    ("number", number.to_string()),
                    ("kind", super::kind_name(question.kind, ui)),
                ],
            )));
            continue;
        };
        if let Some((_, first)) = sheet.answers.get(&(number - 1)) {
            problems.push(error(
                ui.text("grade.duplicate", &[("number", number.to_string()), ("other", first.to_string())]),
            ));
            continue;
        }
        sheet.answers.insert(number - 1, (response, row.location.clone()));
    }
    // Every person graded must be allowed to sit that attempt.
    let mut keys: Vec<(String, u32)> = sheets.keys().cloned().collect();
    keys.sort();
    for (employee, attempt) in &keys {
        let earlier = attempts_of.get(employee).and_then(|a| a.as_ref()).map_or(0, |a| a.len() as u32);
        let used = earlier.max(attempt - 1);
        if let Err(error) = check_may_start(&store, &exam, employee, used, now) {
            problems.push(Problem::error_message(Location::file(name.clone()), error.message(ui.lang)));
        }
    }
    problems.sort_by_key(|p| p.location.line.unwrap_or(0));
    for problem in &problems {
        ui.problem(problem);
    }
    if problems.iter().any(Problem::is_error) {
        ui.note(&ui.text("grade.refused", &[]));
        return Err(CommandError::Rejected);
    }
    let grading = exam.spec.grading();
    let mut passed = 0;
    for key in &keys {
        let Some(sheet) = sheets.remove(key) else { continue };
        // A paper exam has no deadline left to enforce: the sheet is what was handed in.
        let mut sitting = Sitting::new(sheet.paper.clone(), grading.clone(), jiff::Timestamp::MAX);
        let responses: Vec<(usize, Response)> = sheet.answers.iter().map(|(i, (r, _))| (*i, *r)).collect();
        for (index, response) in &responses {
            sitting
                .answer(*index, *response, now)
                .map_err(|e| CommandError::message_of("take.engine", vec![("detail", e.to_string())]))?;
        }
        let outcome = sitting.submit().clone();
        let id = store.start_attempt(&sheet.paper, Mode::Paper, now, now)?;
        store.save_and_submit(id, &sheet.paper, &responses, &outcome, now)?;
        passed += usize::from(outcome.passed);
        ui.note(&ui.text(
            "grade.graded",
            &[
                ("employee", key.0.clone()),
                ("attempt", key.1.to_string()),
                ("score", points(outcome.score.total)),
                ("band", outcome.band.clone()),
            ],
        ));
    }
    ui.note(&ui.text("grade.summary", &[("sheets", keys.len().to_string()), ("passed", passed.to_string())]));
    Ok(())
}
