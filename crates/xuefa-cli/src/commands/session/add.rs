//! `xuefa session add`: record one study session.

use std::collections::HashSet;

use clap::Args;
use xuefa_core::exam::Audience;
use xuefa_core::study::{SessionKind, StudySession};
use xuefa_store::StudyStore;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long, value_name = "DATE")]
    pub date: String,
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    #[arg(long, value_name = "TITLE")]
    pub title: String,
    #[arg(long, value_name = "HOURS")]
    pub hours: f64,
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    #[arg(long, value_name = "NAME", default_value = "")]
    pub organiser: String,
    #[arg(long, value_name = "PLACE", default_value = "")]
    pub place: String,
    #[arg(long = "department", value_name = "DEPARTMENT")]
    pub departments: Vec<String>,
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    #[arg(long = "person", value_name = "ID")]
    pub people: Vec<String>,
    #[arg(long, value_name = "N")]
    pub headcount: Option<u64>,
    #[arg(long, value_name = "N")]
    pub materials: Option<u64>,
}

pub fn cmd_add(args: &AddArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let custom = workspace.config.study.custom_kinds();
    let date = xuefa_core::roster::parse_date(&args.date)
        .ok_or_else(|| CommandError::message_of("session.bad_date", vec![("value", args.date.clone())]))?;
    let kind = SessionKind::parse(&args.kind, &custom)
        .ok_or_else(|| CommandError::message_of("session.bad_kind", vec![("value", args.kind.clone())]))?;
    if !(args.hours.is_finite() && args.hours >= 0.0) {
        return Err(CommandError::message_of("session.bad_hours", vec![("value", args.hours.to_string())]));
    }
    let taken: HashSet<String> = store.all_sessions()?.into_iter().map(|s| s.id).collect();
    let id = args.id.clone().unwrap_or_else(|| super::next_id(date, &taken));
    let mut session = StudySession::new(id.clone(), date, kind, args.title.clone(), args.hours);
    session.organiser = args.organiser.clone();
    session.place = args.place.clone();
    session.expected = Audience::new(args.departments.clone(), args.roles.clone(), args.people.clone());
    session.headcount = args.headcount;
    session.materials = args.materials;
    store.record_study(&[session], &[], now)?;
    ui.note(&ui.text("session.added", &[("id", id.clone())]));
    outln!("{id}");
    Ok(())
}
