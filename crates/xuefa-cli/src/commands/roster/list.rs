//! `xuefa roster list [--department D]`: the people, by department.

use clap::Args;
use serde_json::json;
use xuefa_core::{Department, Status};
use xuefa_store::Store;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_name = "DEPARTMENT")]
    pub department: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn status_label(status: Status, ui: &Ui) -> String {
    ui.text(&format!("status.{}", status.as_str()), &[])
}

pub fn cmd_list(args: &ListArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let department = match &args.department {
        Some(text) => Some(Department::parse(text).ok_or_else(|| {
            CommandError::message_of("roster.bad_department", vec![("department", text.clone())])
        })?),
        None => None,
    };
    let people = store.people(department.as_ref())?;
    let columns = [
        ("id", "col.employee"),
        ("name", "col.name"),
        ("department", "col.department"),
        ("role", "col.role"),
        ("status", "col.status"),
        ("joined", "col.joined"),
        ("left", "col.left"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(field, key)| (*field, ui.text(key, &[]))).collect());
    for person in &people {
        let date = |d: Option<xuefa_core::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let raw = vec![
            person.id.clone(),
            person.name.clone(),
            person.department.path(),
            person.role.clone(),
            person.status.as_str().to_owned(),
            date(person.joined),
            date(person.left),
        ];
        let mut shown = raw.clone();
        shown[4] = status_label(person.status, ui);
        listing.row_shown(raw, shown);
    }
    listing.json(json!(people)).print(args.format)?;
    Ok(())
}
