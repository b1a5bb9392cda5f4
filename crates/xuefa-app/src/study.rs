//! Study records: sessions and sign-in sheets imported from an office's files, all or
//! nothing, with every problem found and worded for an administrator.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use xuefa_core::exam::Audience;
use xuefa_core::read::{Column, NamedRow, read_table, read_table_each};
use xuefa_core::study::{AttendanceMark, MarkStatus, SessionKind, StudySession};
use xuefa_core::{Problem, ReadOptions, roster::parse_date};
use xuefa_store::{MarkWriter, Named, StudyStore};

use crate::error::AppError;
use crate::i18n::Tr;

const SESSION_COLUMNS: &[Column] = &[
    Column { headers: &["id", "编号", "场次"], required: false },
    Column { headers: &["date", "日期", "时间", "学习日期"], required: true },
    Column { headers: &["kind", "类型", "形式", "学习形式"], required: true },
    Column { headers: &["title", "主题", "题目", "名称", "学习内容", "内容"], required: true },
    Column { headers: &["hours", "学时"], required: true },
    Column {
        headers: &["organiser", "organizer", "组织者", "主办", "主办部门", "组织部门"],
        required: false,
    },
    Column { headers: &["place", "地点"], required: false },
    Column { headers: &["departments", "参加部门", "范围", "参学范围"], required: false },
    Column { headers: &["roles", "参加对象", "对象"], required: false },
    Column { headers: &["headcount", "人数", "受众人数", "参加人数"], required: false },
    Column { headers: &["materials", "资料", "发放资料", "资料份数"], required: false },
];

fn list(text: &str) -> Vec<String> {
    text.split([';', '；', ',', '，', '、', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What importing sessions did.
#[derive(Debug)]
pub struct SessionsImported {
    /// Sessions recorded.
    pub sessions: usize,
    /// Warnings about the file (nothing refused for them).
    pub warnings: Vec<Problem>,
}

/// Records the study sessions of file `name` (its `bytes`, CSV or XLSX), all or nothing.
/// A session without an id gets `DATE-N`; an id the file gives twice, or that the workspace
/// already has, is an error (a session is changed on purpose, never by a second import).
/// `custom` are the office's own kinds (id, name).
///
/// # Errors
/// Returns every problem of the file ([`AppError::Problems`]) or store errors.
pub fn import_sessions<S: StudyStore + ?Sized>(
    store: &mut S,
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    custom: &[(String, String)],
    now: Timestamp,
    ui: &Tr,
) -> Result<SessionsImported, AppError> {
    let table = read_table(name, bytes, options, SESSION_COLUMNS);
    let mut problems: Vec<Problem> = table.problems;
    let existing: HashSet<String> = store.all_sessions()?.into_iter().map(|s| s.id).collect();
    let mut taken = existing.clone();
    let mut in_file: HashSet<String> = HashSet::new();
    let mut sessions = Vec::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells[i].clone().unwrap_or_default();
        let mut errors = Vec::new();
        let date = parse_date(&cell(1));
        if date.is_none() {
            errors.push(ui.text("session.bad_date", &[("value", cell(1))]));
        }
        let kind = SessionKind::parse(&cell(2), custom);
        if kind.is_none() {
            errors.push(ui.text("session.bad_kind", &[("value", cell(2))]));
        }
        if cell(3).is_empty() {
            errors.push(ui.text("session.no_title", &[]));
        }
        let hours = cell(4).parse::<f64>().ok().filter(|h| h.is_finite() && *h >= 0.0);
        if hours.is_none() {
            errors.push(ui.text("session.bad_hours", &[("value", cell(4))]));
        }
        let count = |i: usize, errors: &mut Vec<String>| match cell(i).as_str() {
            "" => None,
            text => match text.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(ui.text("session.bad_count", &[("value", text.to_owned())]));
                    None
                }
            },
        };
        let headcount = count(9, &mut errors);
        let materials = count(10, &mut errors);
        let id = cell(0);
        if !id.is_empty() && !in_file.insert(id.clone()) {
            errors.push(ui.text("session.duplicate_id", &[("id", id.clone())]));
        } else if existing.contains(&id) {
            errors.push(ui.text("session.exists", &[("id", id.clone())]));
        }
        if !errors.is_empty() {
            problems.extend(errors.into_iter().map(|e| Problem::error_message(row.location.clone(), e)));
            continue;
        }
        let (Some(date), Some(kind), Some(hours)) = (date, kind, hours) else { continue };
        let id = if id.is_empty() { next_id(date, &taken) } else { id };
        taken.insert(id.clone());
        let mut session = StudySession::new(id, date, kind, cell(3), hours);
        session.organiser = cell(5);
        session.place = cell(6);
        session.expected = Audience::new(list(&cell(7)), list(&cell(8)), Vec::new());
        session.headcount = headcount;
        session.materials = materials;
        sessions.push(session);
    }
    if problems.iter().any(Problem::is_error) {
        return Err(AppError::Problems(problems));
    }
    store.record_study(&sessions, &[], now)?;
    Ok(SessionsImported { sessions: sessions.len(), warnings: problems })
}

/// A session an administrator records by hand.
#[derive(Debug, Clone, Default)]
pub struct NewSession {
    /// Its id; `DATE-N` when none is given.
    pub id: Option<String>,
    /// The date, as an office writes it (`2026-03-15`, `2026/3/15`, `2026年3月15日` …).
    pub date: String,
    /// The kind (an id such as `lecture`, or a name such as 专题讲座).
    pub kind: String,
    /// The title.
    pub title: String,
    /// The hours it is worth.
    pub hours: f64,
    /// Who organised it.
    pub organiser: String,
    /// Where it was held.
    pub place: String,
    /// The departments expected (all when none of departments, roles or people is given).
    pub departments: Vec<String>,
    /// The roles expected.
    pub roles: Vec<String>,
    /// The people expected, by employee id.
    pub people: Vec<String>,
    /// The audience of public outreach.
    pub headcount: Option<u64>,
    /// Materials handed out at public outreach.
    pub materials: Option<u64>,
}

/// Records one session and returns its id. Refuses a date, kind or hours that do not read,
/// an empty title, an id the workspace already has, and people not on the roster.
///
/// # Errors
/// Returns what is wrong, or store errors.
pub fn add_session<S: StudyStore + xuefa_store::ExamStore + ?Sized>(
    store: &mut S,
    new: &NewSession,
    custom: &[(String, String)],
    now: Timestamp,
) -> Result<String, AppError> {
    let date = parse_date(&new.date)
        .ok_or_else(|| AppError::message_of("session.bad_date", vec![("value", new.date.clone())]))?;
    let kind = SessionKind::parse(&new.kind, custom)
        .ok_or_else(|| AppError::message_of("session.bad_kind", vec![("value", new.kind.clone())]))?;
    if !(new.hours.is_finite() && new.hours >= 0.0) {
        return Err(AppError::message_of("session.bad_hours", vec![("value", new.hours.to_string())]));
    }
    if new.title.trim().is_empty() {
        return Err(AppError::message_of("session.no_title", vec![]));
    }
    let unknown: Vec<String> = new
        .people
        .iter()
        .filter_map(|id| match store.person(id) {
            Ok(Some(_)) => None,
            _ => Some(id.clone()),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::message_of("attendance.unknown_people", vec![("ids", unknown.join(", "))]));
    }
    let taken: HashSet<String> = store.all_sessions()?.into_iter().map(|s| s.id).collect();
    let id = match &new.id {
        Some(id) if taken.contains(id) => {
            return Err(AppError::message_of("session.exists", vec![("id", id.clone())]));
        }
        Some(id) if id.trim().is_empty() => next_id(date, &taken),
        Some(id) => id.trim().to_owned(),
        None => next_id(date, &taken),
    };
    let mut session = StudySession::new(id.clone(), date, kind, new.title.trim().to_owned(), new.hours);
    session.organiser = new.organiser.clone();
    session.place = new.place.clone();
    session.expected = Audience::new(new.departments.clone(), new.roles.clone(), new.people.clone());
    session.headcount = new.headcount;
    session.materials = new.materials;
    store.record_study(&[session], &[], now)?;
    Ok(id)
}

/// Returns the first free id `DATE-N` for a session on `date`.
pub fn next_id(date: xuefa_core::Date, taken: &HashSet<String>) -> String {
    (1..).map(|n| format!("{date}-{n}")).find(|id| !taken.contains(id)).unwrap_or_default()
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

/// What importing sign-in sheets did.
#[derive(Debug)]
pub struct MarksImported {
    /// Marks recorded.
    pub marks: u64,
    /// Warnings about the file (nothing refused for them).
    pub warnings: Vec<Problem>,
}

/// Records the sign-in sheets of file `name` (its `bytes`, CSV or XLSX), all or nothing,
/// written while they are read (one transaction, rolled back on the first error but read to
/// the end so that every problem is found). A session is named by its id or by date and
/// title; a person by employee id or by name. A name two people share is an error listing
/// both, so nobody gets someone else's hours; an unknown name is an error with the closest
/// names on the roster.
///
/// # Errors
/// Returns every problem of the file ([`AppError::Problems`]) or store errors.
pub fn import_attendance<S: StudyStore + ?Sized>(
    store: &mut S,
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    now: Timestamp,
    ui: &Tr,
) -> Result<MarksImported, AppError> {
    let name = name.to_owned();
    let sessions: Vec<StudySession> = store.all_sessions()?;
    let session_of: HashMap<&str, usize> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    // Everyone on the roster, read only to suggest names when one is unknown.
    let roster: OnceCell<Vec<Named>> = OnceCell::new();
    let mut suggestions = |name: &str, writer: &MarkWriter<'_>| -> Result<String, AppError> {
        if roster.get().is_none() {
            let _ = roster.set(writer.everyone()?);
        }
        let people = roster.get().map(Vec::as_slice).unwrap_or_default();
        Ok(closest(name, people).iter().map(|p| format!("{} ({})", p.2, p.1)).collect::<Vec<_>>().join(", "))
    };
    let mut problems: Vec<Problem> = Vec::new();
    let mut failure: Option<AppError> = None;
    // The first line of each (session, person), to name both lines of a duplicate.
    let mut seen: HashMap<(u32, i64), u32> = HashMap::new();
    let written = store.write_marks(now, &mut |writer| {
        let read = read_table_each(&name, bytes, options, COLUMNS, &mut |row| {
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
    if problems.iter().any(Problem::is_error) {
        return Err(AppError::Problems(problems));
    }
    Ok(MarksImported { marks: written, warnings: problems })
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
    suggestions: &mut dyn FnMut(&str, &MarkWriter<'_>) -> Result<String, AppError>,
    ui: &Tr,
) -> Result<Result<Keyed, String>, AppError> {
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
