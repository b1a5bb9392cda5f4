//! `xuefa exam grade EXAM SHEET`: grade answer sheets of a paper exam (CSV or XLSX) into
//! attempts. Two layouts: a row per answer (employee, question number on that paper, answer,
//! optionally the attempt), or a row per sheet as answer-card scanners write it (employee,
//! optionally the attempt, then a column per question number). Every problem of the sheet is
//! reported with its row, and nothing is graded when there is one; the sheets are recorded
//! in one transaction.

use std::path::PathBuf;

use clap::Args;
use xuefa_app::grade::{self, GradedSheet};

use super::points;
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::inputs::read_file;
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

pub fn cmd_grade(args: &GradeArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let (name, bytes, options) = read_file(&args.sheet, args.encoding.as_ref(), ui)?;
    let offset = workspace::office_offset();
    let mut each = |sheet: &GradedSheet<'_>| {
        // A file of a hundred sheets or fewer is listed sheet by sheet; a larger one only
        // summed up.
        if sheet.sheets <= 100 {
            ui.note(&ui.text(
                "grade.graded",
                &[
                    ("employee", sheet.employee.to_owned()),
                    ("attempt", sheet.attempt.to_string()),
                    ("score", points(sheet.outcome.score.total)),
                    ("band", sheet.outcome.band.clone()),
                ],
            ));
        }
    };
    match grade::grade_sheets(&mut store, &args.exam, &name, &bytes, &options, now, offset, ui, &mut each) {
        Ok(summary) => {
            for problem in &summary.warnings {
                ui.problem(problem);
            }
            ui.note(&ui.text(
                "grade.summary",
                &[("sheets", summary.recorded.to_string()), ("passed", summary.passed.to_string())],
            ));
            Ok(())
        }
        Err(xuefa_app::AppError::Problems(problems)) => {
            for problem in &problems {
                ui.problem(problem);
            }
            ui.note(&ui.text("grade.refused", &[]));
            Err(CommandError::Rejected)
        }
        Err(error) => Err(error.into()),
    }
}
