//! `xuefa access revoke [--department D]... [--employee ID]... [--all]`: the codes stop
//! working and the people's browsers are signed out.

use clap::{ArgGroup, Args};
use xuefa_app::access;

use crate::cli::GlobalArgs;
use crate::error::{CommandError, refused_messages};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("whom").required(true).multiple(true).args(["departments", "employees", "all"])))]
pub struct RevokeArgs {
    #[arg(long = "department", value_name = "DEPARTMENT")]
    pub departments: Vec<String>,
    #[arg(long = "employee", value_name = "ID")]
    pub employees: Vec<String>,
    #[arg(long)]
    pub all: bool,
}

pub fn cmd_revoke(args: &RevokeArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    // Revoking everyone's codes is asked for by --all, never by leaving the flags out
    // (clap refuses a command that names nobody).
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let people = refused_messages(access::select_people(&store, &args.departments, &args.employees), ui)?;
    let count = access::revoke_codes(&mut store, &people)?;
    ui.note(&ui.text("access.revoked", &[("count", count.to_string())]));
    Ok(())
}
