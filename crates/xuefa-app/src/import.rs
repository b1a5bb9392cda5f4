//! Question banks and rosters from the files offices have, all or nothing: the files are
//! read by the core's readers (from bytes, so a browser's upload is read like a file on
//! disk), every problem is found with its place, and nothing is stored when there is one.

use jiff::Timestamp;
use xuefa_core::read_roster_columns;
use xuefa_core::{Bank, Loaded, Problem, Question, ReadOptions, SourceReport, read};
use xuefa_store::{BankImport, RosterImport, Store};

use crate::error::AppError;

/// A bank's files: the bank's name and each file's (name, bytes).
pub type BankFiles = (String, Vec<(String, Vec<u8>)>);

/// Returns the bank of each group of files, checked together, with every problem.
pub fn load_banks(groups: &[BankFiles], options: &ReadOptions) -> Vec<(String, Loaded)> {
    groups
        .iter()
        .map(|(bank, files)| {
            let reports: Vec<SourceReport> =
                files.iter().map(|(name, bytes)| read(name, bytes, options)).collect();
            (bank.clone(), Bank::from_reports(reports))
        })
        .collect()
}

/// Stores loaded banks, each as the bank's new state (added, changed with the old version
/// kept, unchanged, retired), in one transaction. `progress` sees (questions done, all).
///
/// # Errors
/// Returns an empty bank name, every problem when any bank has an error
/// ([`AppError::Problems`]), or store errors.
pub fn import_banks<S: Store + ?Sized>(
    store: &mut S,
    loaded: &[(String, Loaded)],
    now: Timestamp,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<BankImport>, AppError> {
    if let Some((empty, _)) =
        loaded.iter().find(|(name, _)| name.trim().is_empty() || name.chars().any(char::is_control))
    {
        return Err(AppError::message_of("import.bad_bank_name", vec![("bank", empty.clone())]));
    }
    if loaded.iter().any(|(_, bank)| bank.has_errors()) {
        let problems: Vec<Problem> =
            loaded.iter().flat_map(|(_, bank)| bank.problems.iter().cloned()).collect();
        return Err(AppError::Problems(problems));
    }
    let banks: Vec<(&str, &[Question])> =
        loaded.iter().map(|(name, bank)| (name.as_str(), bank.bank.questions())).collect();
    Ok(store.import_banks(&banks, now, progress)?)
}

/// What importing a roster did.
#[derive(Debug)]
pub struct RosterImported {
    /// Added, updated, unchanged and missing people.
    pub import: RosterImport,
    /// Warnings about the file (nothing refused for them).
    pub warnings: Vec<Problem>,
}

/// Imports the roster in file `name` (its `bytes`, CSV or XLSX): people are written as
/// they are read, in one transaction kept only when the whole file is without error.
/// `progress` sees the number of people read so far, every thousand.
///
/// # Errors
/// Returns every problem of the file ([`AppError::Problems`]) or store errors.
pub fn import_roster<S: Store + ?Sized>(
    store: &mut S,
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    now: Timestamp,
    progress: &mut dyn FnMut(u64),
) -> Result<RosterImported, AppError> {
    let mut problems = Vec::new();
    let imported = store.import_roster_each(now, &mut |writer| {
        let mut count = 0u64;
        problems = read_roster_columns(name, bytes, options, &mut |person, _, columns| {
            count += 1;
            if count.is_multiple_of(1000) {
                progress(count);
            }
            writer.write_columns(&person, columns);
        });
        !problems.iter().any(Problem::is_error)
    })?;
    match imported {
        Some(import) => Ok(RosterImported { import, warnings: problems }),
        None => Err(AppError::Problems(problems)),
    }
}

/// Marks people at a session by hand, all with one status (and their own hours, if given).
///
/// # Errors
/// Returns an unknown status, session or people, or store errors.
pub fn mark_attendance<S: xuefa_store::StudyStore + xuefa_store::ExamStore + ?Sized>(
    store: &mut S,
    session: &str,
    employees: &[String],
    status: &str,
    hours: Option<f64>,
    now: Timestamp,
) -> Result<usize, AppError> {
    use xuefa_core::study::{AttendanceMark, MarkStatus};
    let status = MarkStatus::parse(status)
        .ok_or_else(|| AppError::message_of("attendance.bad_status", vec![("value", status.to_owned())]))?;
    if let Some(h) = hours
        && !(h.is_finite() && h >= 0.0)
    {
        return Err(AppError::message_of("session.bad_hours", vec![("value", h.to_string())]));
    }
    if !store.all_sessions()?.iter().any(|s| s.id == session) {
        return Err(AppError::message_of("attendance.no_session", vec![("session", session.to_owned())]));
    }
    let mut unknown = Vec::new();
    for employee in employees {
        if store.person(employee)?.is_none() {
            unknown.push(employee.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(AppError::message_of("attendance.unknown_people", vec![("ids", unknown.join(", "))]));
    }
    let marks: Vec<AttendanceMark> =
        employees.iter().map(|e| AttendanceMark::new(session.to_owned(), e.clone(), status, hours)).collect();
    store.record_study(&[], &marks, now)?;
    Ok(marks.len())
}

/// Returns the questions in use that cite law `law` and were written before `since`, the
/// date the law was amended (see [`Store::stale_questions`]): what an office reviews after
/// an amendment.
///
/// # Errors
/// Returns a date that does not read, or store errors.
pub fn stale_questions<S: Store + ?Sized>(
    store: &S,
    law: &str,
    since: &str,
) -> Result<Vec<xuefa_store::StoredQuestion>, AppError> {
    let date = xuefa_core::roster::parse_date(since)
        .ok_or_else(|| AppError::message_of("stale.bad_date", vec![("value", since.to_owned())]))?;
    Ok(store.stale_questions(law, &date.to_string())?)
}

/// Returns stale questions as a listing in a language.
pub fn stale_listing(
    questions: &[xuefa_store::StoredQuestion],
    ui: &crate::i18n::Tr,
) -> crate::render::Listing {
    let columns = [
        ("bank", "col.bank"),
        ("id", "col.question_id"),
        ("law", "col.law"),
        ("article", "col.article"),
        ("law_version", "col.law_version"),
        ("stem", "col.stem"),
    ];
    let mut listing =
        crate::render::Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    let mut json = Vec::new();
    for stored in questions {
        let q = &stored.question;
        listing.row(vec![
            stored.bank.clone(),
            q.id.clone(),
            q.law.clone(),
            q.article.clone(),
            q.law_version.clone().unwrap_or_default(),
            q.stem.clone(),
        ]);
        json.push(serde_json::json!({
            "bank": stored.bank, "id": q.id, "law": q.law, "article": q.article,
            "law_version": q.law_version, "stored_at": stored.stored_at, "stem": q.stem,
        }));
    }
    listing.json(serde_json::Value::Array(json))
}
