//! `xuefa session add`: record one study session.

use clap::Args;
use xuefa_app::study::{self, NewSession};

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
    let new = NewSession {
        id: args.id.clone(),
        date: args.date.clone(),
        kind: args.kind.clone(),
        title: args.title.clone(),
        hours: args.hours,
        organiser: args.organiser.clone(),
        place: args.place.clone(),
        departments: args.departments.clone(),
        roles: args.roles.clone(),
        people: args.people.clone(),
        headcount: args.headcount,
        materials: args.materials,
    };
    let id = study::add_session(&mut store, &new, &custom, now)?;
    ui.note(&ui.text("session.added", &[("id", id.clone())]));
    outln!("{id}");
    Ok(())
}
