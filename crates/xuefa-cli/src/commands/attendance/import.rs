//! `xuefa attendance import FILE`: sign-in sheets (CSV or XLSX), all or nothing, written
//! while they are read (one transaction, rolled back on the first error but read to the end
//! so that every problem is reported). A session is
//! named by its id or by date and title; a person by employee id or by name. A name two
//! people share is an error listing both, so nobody gets someone else's hours; an unknown
//! name is an error with the closest names on the roster.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use xuefa_core::read::{Column, NamedRow, read_table_each};
use xuefa_core::study::{AttendanceMark, MarkStatus, StudySession};
use xuefa_core::{Problem, roster::parse_date};
use xuefa_store::{MarkWriter, Named, StudyStore};

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::inputs::{read_bytes, read_options};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
}

const COLUMNS: &[Column] = &[
    Column { headers: &["session", "场次", "编号", "场次编号"], required: false },
    Column { headers: &["date", "日期", "学习日期"], required: false },
    Column { headers: &["title", "主题", "题目", "学习内容"], required: false },
    Column { headers: &["employee", "工号", "员工编号"], required: false },
    Column { headers: &["name", "姓名"], required: false },
    Column { headers: &["status", "状态", "签到", "签到情况", "出勤"], required: false },
    Column { headers: &["hours", "学时"], required: false },
];

/// Returns the edit distance between two names, in characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut previous = row[0];
        row[0] = i;
        for j in 1..=b.len() {
            let current = row[j];
            row[j] = (row[j] + 1).min(row[j - 1] + 1).min(previous + usize::from(a[i - 1] != b[j - 1]));
            previous = current;
        }
    }
    row[b.len()]
}

/// Returns up to three roster names closest to an unknown one.
fn closest<'a>(name: &str, people: &'a [Named]) -> Vec<&'a Named> {
    let mut scored: Vec<(usize, &Named)> = people.iter().map(|p| (distance(name, &p.2), p)).collect();
    scored.sort_by(|a, b| (a.0, &a.1.1).cmp(&(b.0, &b.1.1)));
    let limit = name.chars().count().div_ceil(2).max(1);
    scored.into_iter().filter(|(d, _)| *d <= limit).take(3).map(|(_, p)| p).collect()
}

pub fn cmd_import(args: &ImportArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let name = args.file.display().to_string();
    let bytes = read_bytes(&args.file).map_err(|problem| {
        ui.problem(&problem);
        CommandError::Rejected
    })?;
    let options = read_options(args.encoding.as_ref());
    let sessions: Vec<StudySession> = store.all_sessions()?;
    let session_of: HashMap<&str, usize> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    // Everyone on the roster, read only to suggest names when one is unknown.
    let roster: OnceCell<Vec<Named>> = OnceCell::new();
    let mut suggestions = |name: &str, writer: &MarkWriter<'_>| -> Result<String, CommandError> {
        if roster.get().is_none() {
            let _ = roster.set(writer.everyone()?);
        }
        let people = roster.get().map(Vec::as_slice).unwrap_or_default();
        Ok(closest(name, people).iter().map(|p| format!("{} ({})", p.2, p.1)).collect::<Vec<_>>().join(", "))
    };
    let mut problems: Vec<Problem> = Vec::new();
    let mut failure: Option<CommandError> = None;
    // The first line of each (session, person), to name both lines of a duplicate.
    let mut seen: HashMap<(u32, i64), u32> = HashMap::new();
    let written = store.write_marks(now, &mut |writer| {
        let read = read_table_each(&name, &bytes, &options, COLUMNS, &mut |row| {
            if failure.is_some() {
                return;
            }
            match mark_of(&row, &sessions, &session_of, writer, &mut suggestions, ui) {
                Ok(Ok((mark, key))) => {
                    let line = row.location.line.unwrap_or(0) as u32;
                    if let Some(first) = seen.get(&key) {
                        let other = xuefa_core::Location::line(name.clone(), u64::from(*first));
                        let person =
                            writer.person(&mark.employee).ok().flatten().map(|p| p.2).unwrap_or_default();
                        problems.push(Problem::error_message(
                            row.location.clone(),
                            ui.text(
                                "attendance.twice",
                                &[
                                    ("name", person),
                                    ("session", mark.session.clone()),
                                    ("other", other.to_string()),
                                ],
                            ),
                        ));
                        return;
                    }
                    seen.insert(key, line);
                    if !problems.iter().any(Problem::is_error) {
                        writer.write(&mark);
                    }
                }
                Ok(Err(message)) => problems.push(Problem::error_message(row.location.clone(), message)),
                Err(error) => failure = Some(error),
            }
        });
        problems.extend(read);
        failure.is_none() && !problems.iter().any(Problem::is_error)
    })?;
    if let Some(error) = failure {
        return Err(error);
    }
    problems.sort_by_key(|p| p.location.line.unwrap_or(0));
    for problem in &problems {
        ui.problem(problem);
    }
    if problems.iter().any(Problem::is_error) {
        ui.note(&ui.text("import.refused", &[]));
        return Err(CommandError::Rejected);
    }
    ui.note(&ui.text("attendance.imported", &[("marks", written.to_string())]));
    Ok(())
}

/// A mark with its (session index, person row id) key.
type Keyed = (AttendanceMark, (u32, i64));

/// Returns the mark a row gives with its (session, person) key, or the message of what is
/// wrong with it.
fn mark_of(
    row: &NamedRow,
    sessions: &[StudySession],
    session_of: &HashMap<&str, usize>,
    writer: &mut MarkWriter<'_>,
    suggestions: &mut dyn FnMut(&str, &MarkWriter<'_>) -> Result<String, CommandError>,
    ui: &Ui,
) -> Result<Result<Keyed, String>, CommandError> {
    let cells: Vec<&str> = row.cells.iter().map(|c| c.as_deref().unwrap_or("")).collect();
    let cell = |i: usize| cells[i].to_owned();
    // The session: by id, else by date and title.
    let session = if !cells[0].is_empty() {
        match session_of.get(cells[0]) {
            Some(&index) => index,
            None => return Ok(Err(ui.text("attendance.no_session", &[("session", cell(0))]))),
        }
    } else {
        let Some(date) = parse_date(&cell(1)) else {
            return Ok(Err(ui.text("attendance.no_session_named", &[])));
        };
        let on_day: Vec<usize> = (0..sessions.len()).filter(|&i| sessions[i].date == date).collect();
        let titled: Vec<usize> = on_day
            .iter()
            .copied()
            .filter(|&i| sessions[i].title == cells[2] || on_day.len() == 1 && cells[2].is_empty())
            .collect();
        match titled.as_slice() {
            [index] => *index,
            _ => {
                let titles =
                    on_day.iter().map(|&i| format!("“{}”", sessions[i].title)).collect::<Vec<_>>().join(", ");
                return Ok(Err(ui.text(
                    "attendance.no_session_on",
                    &[("date", date.to_string()), ("title", cell(2)), ("titles", titles)],
                )));
            }
        }
    };
    // The person: by id, else by name.
    let (row_id, employee) = if !cells[3].is_empty() {
        match writer.person(cells[3])? {
            Some(person) => (person.0, person.1),
            None => return Ok(Err(ui.text("attendance.unknown_people", &[("ids", cell(3))]))),
        }
    } else {
        let name = cell(4);
        let named = writer.people_named(&name)?;
        match named.as_slice() {
            [person] => (person.0, person.1.clone()),
            [] if name.is_empty() => return Ok(Err(ui.text("attendance.no_person", &[]))),
            [] => {
                let near = suggestions(&name, writer)?;
                let key =
                    if near.is_empty() { "attendance.unknown_name" } else { "attendance.unknown_name_near" };
                return Ok(Err(ui.text(key, &[("name", name.clone()), ("near", near)])));
            }
            several => {
                let who = several.iter().map(|p| format!("{} {}", p.1, p.3)).collect::<Vec<_>>().join("; ");
                return Ok(
                    Err(ui.text("attendance.shared_name", &[("name", name.clone()), ("people", who)])),
                );
            }
        }
    };
    let Some(status) = MarkStatus::parse(cells[5]) else {
        return Ok(Err(ui.text("attendance.bad_status", &[("value", cell(5))])));
    };
    let hours = match cells[6] {
        "" => None,
        text => match text.parse::<f64>() {
            Ok(h) if h.is_finite() && h >= 0.0 => Some(h),
            _ => return Ok(Err(ui.text("session.bad_hours", &[("value", text.to_owned())]))),
        },
    };
    let session_id = sessions[session].id.clone();
    Ok(Ok((AttendanceMark::new(session_id, employee, status, hours), (session as u32, row_id))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_of_chinese_names() {
        assert_eq!(distance("张伟", "张伟"), 0);
        assert_eq!(distance("张玮", "张伟"), 1);
        assert_eq!(distance("王芳", "张伟"), 2);
        assert_eq!(distance("", "张伟"), 2);
    }
}
