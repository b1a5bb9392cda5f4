//! `xuefa session import FILE`: record study sessions from a CSV or XLSX, all or nothing.

use std::collections::HashSet;
use std::path::PathBuf;

use clap::Args;
use xuefa_core::exam::Audience;
use xuefa_core::read::Column;
use xuefa_core::study::{SessionKind, StudySession};
use xuefa_core::{Problem, roster::parse_date};
use xuefa_store::StudyStore;

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

pub fn cmd_import(args: &ImportArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let custom = workspace.config.study.custom_kinds();
    let table = read_named(&args.file, args.encoding.as_ref(), COLUMNS, ui)?;
    let mut problems: Vec<Problem> = table.problems;
    let mut taken: HashSet<String> = store.all_sessions()?.into_iter().map(|s| s.id).collect();
    let mut in_file: HashSet<String> = HashSet::new();
    let mut sessions = Vec::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells[i].clone().unwrap_or_default();
        let mut errors = Vec::new();
        let date = parse_date(&cell(1));
        if date.is_none() {
            errors.push(ui.text("session.bad_date", &[("value", cell(1))]));
        }
        let kind = SessionKind::parse(&cell(2), &custom);
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
        }
        if !errors.is_empty() {
            problems.extend(errors.into_iter().map(|e| Problem::error_message(row.location.clone(), e)));
            continue;
        }
        let (Some(date), Some(kind), Some(hours)) = (date, kind, hours) else { continue };
        let id = if id.is_empty() { super::next_id(date, &taken) } else { id };
        taken.insert(id.clone());
        let mut session = StudySession::new(id, date, kind, cell(3), hours);
        session.organiser = cell(5);
        session.place = cell(6);
        session.expected = Audience::new(list(&cell(7)), list(&cell(8)), Vec::new());
        session.headcount = headcount;
        session.materials = materials;
        sessions.push(session);
    }
    for problem in &problems {
        ui.problem(problem);
    }
    if problems.iter().any(Problem::is_error) {
        ui.note(&ui.text("import.refused", &[]));
        return Err(CommandError::Rejected);
    }
    store.record_study(&sessions, &[], now)?;
    ui.note(&ui.text("session.imported", &[("sessions", sessions.len().to_string())]));
    Ok(())
}
