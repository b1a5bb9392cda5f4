//! `xuefa attendance import FILE`: sign-in sheets (CSV or XLSX), all or nothing. A session is
//! named by its id or by date and title; a person by employee id or by name. A name two
//! people share is an error listing both, so nobody gets someone else's hours; an unknown
//! name is an error with the closest names on the roster.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use xuefa_core::read::Column;
use xuefa_core::study::{AttendanceMark, MarkStatus, StudySession};
use xuefa_core::{Person, Problem, roster::parse_date};
use xuefa_store::{Store, StudyStore};

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::inputs::read_named;
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
fn closest<'a>(name: &str, people: &'a [Person]) -> Vec<&'a Person> {
    let mut scored: Vec<(usize, &Person)> = people.iter().map(|p| (distance(name, &p.name), p)).collect();
    scored.sort_by_key(|(d, p)| (*d, p.id.clone()));
    let limit = name.chars().count().div_ceil(2).max(1);
    scored.into_iter().filter(|(d, _)| *d <= limit).take(3).map(|(_, p)| p).collect()
}

pub fn cmd_import(args: &ImportArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let table = read_named(&args.file, args.encoding.as_ref(), COLUMNS, ui)?;
    let mut problems: Vec<Problem> = table.problems;
    let sessions: Vec<StudySession> = store.all_sessions()?;
    let people = store.people(None)?;
    let by_id: HashMap<&str, &Person> = people.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut by_name: HashMap<&str, Vec<&Person>> = HashMap::new();
    for person in &people {
        by_name.entry(person.name.as_str()).or_default().push(person);
    }
    let mut marks: Vec<AttendanceMark> = Vec::new();
    let mut seen: HashMap<(String, String), xuefa_core::Location> = HashMap::new();
    let session_of: HashMap<&str, &StudySession> = sessions.iter().map(|s| (s.id.as_str(), s)).collect();
    for row in &table.rows {
        let cells: Vec<&str> = row.cells.iter().map(|c| c.as_deref().unwrap_or("")).collect();
        let cell = |i: usize| cells[i].to_owned();
        let error = |message: String| Problem::error_message(row.location.clone(), message);
        // The session: by id, else by date and title.
        let session = if !cells[0].is_empty() {
            match session_of.get(cells[0]) {
                Some(session) => *session,
                None => {
                    problems.push(error(ui.text("attendance.no_session", &[("session", cell(0))])));
                    continue;
                }
            }
        } else {
            let Some(date) = parse_date(&cell(1)) else {
                problems.push(error(ui.text("attendance.no_session_named", &[])));
                continue;
            };
            let on_day: Vec<&StudySession> = sessions.iter().filter(|s| s.date == date).collect();
            let titled: Vec<&StudySession> = on_day
                .iter()
                .copied()
                .filter(|s| s.title == cell(2) || on_day.len() == 1 && cell(2).is_empty())
                .collect();
            match titled.as_slice() {
                [session] => *session,
                _ => {
                    let titles =
                        on_day.iter().map(|s| format!("“{}”", s.title)).collect::<Vec<_>>().join(", ");
                    problems.push(error(ui.text(
                        "attendance.no_session_on",
                        &[("date", date.to_string()), ("title", cell(2)), ("titles", titles)],
                    )));
                    continue;
                }
            }
        };
        // The person: by id, else by name.
        let person = if !cells[3].is_empty() {
            match by_id.get(cells[3]) {
                Some(person) => *person,
                None => {
                    problems.push(error(ui.text("attendance.unknown_people", &[("ids", cell(3))])));
                    continue;
                }
            }
        } else {
            let name = cell(4);
            match by_name.get(name.as_str()).map(Vec::as_slice) {
                Some([person]) => *person,
                Some(several) => {
                    let mut several = several.to_vec();
                    several.sort_by(|a, b| a.id.cmp(&b.id));
                    let who = several
                        .iter()
                        .map(|p| format!("{} {}", p.id, p.department))
                        .collect::<Vec<_>>()
                        .join("; ");
                    problems.push(error(
                        ui.text("attendance.shared_name", &[("name", name.clone()), ("people", who)]),
                    ));
                    continue;
                }
                None if name.is_empty() => {
                    problems.push(error(ui.text("attendance.no_person", &[])));
                    continue;
                }
                None => {
                    let near = closest(&name, &people)
                        .iter()
                        .map(|p| format!("{} ({})", p.name, p.id))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let key = if near.is_empty() {
                        "attendance.unknown_name"
                    } else {
                        "attendance.unknown_name_near"
                    };
                    problems.push(error(ui.text(key, &[("name", name.clone()), ("near", near)])));
                    continue;
                }
            }
        };
        let Some(status) = MarkStatus::parse(cells[5]) else {
            problems.push(error(ui.text("attendance.bad_status", &[("value", cell(5))])));
            continue;
        };
        let hours = match cells[6] {
            "" => None,
            text => match text.parse::<f64>() {
                Ok(h) if h.is_finite() && h >= 0.0 => Some(h),
                _ => {
                    problems.push(error(ui.text("session.bad_hours", &[("value", text.to_owned())])));
                    continue;
                }
            },
        };
        let key = (session.id.clone(), person.id.clone());
        if let Some(first) = seen.get(&key) {
            problems.push(error(ui.text(
                "attendance.twice",
                &[
                    ("name", person.name.clone()),
                    ("session", session.id.clone()),
                    ("other", first.to_string()),
                ],
            )));
            continue;
        }
        seen.insert(key, row.location.clone());
        marks.push(AttendanceMark::new(session.id.clone(), person.id.clone(), status, hours));
    }
    for problem in &problems {
        ui.problem(problem);
    }
    if problems.iter().any(Problem::is_error) {
        ui.note(&ui.text("import.refused", &[]));
        return Err(CommandError::Rejected);
    }
    store.record_study(&[], &marks, now)?;
    ui.note(&ui.text("attendance.imported", &[("marks", marks.len().to_string())]));
    Ok(())
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
