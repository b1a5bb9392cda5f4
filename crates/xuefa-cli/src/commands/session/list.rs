//! `xuefa session list [--year Y] [--kind K]`: the sessions recorded.

use clap::Args;
use serde_json::json;
use xuefa_core::study::SessionKind;
use xuefa_store::StudyStore;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i16>,
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn cmd_list(args: &ListArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, store) = workspace::open(global.workspace.as_ref())?;
    let custom = workspace.config.study.custom_kinds();
    let kind = match &args.kind {
        Some(text) => Some(
            SessionKind::parse(text, &custom)
                .ok_or_else(|| CommandError::message_of("session.bad_kind", vec![("value", text.clone())]))?,
        ),
        None => None,
    };
    let sessions = match args.year {
        Some(year) => store.sessions(&format!("{year:04}-01-01"), &format!("{year:04}-12-31"))?,
        None => store.all_sessions()?,
    };
    let sessions: Vec<_> =
        sessions.into_iter().filter(|s| kind.as_ref().is_none_or(|k| *k == s.kind)).collect();
    let columns = [
        ("id", "col.session_id"),
        ("date", "col.date"),
        ("kind", "col.session_kind"),
        ("title", "col.topic"),
        ("hours", "col.hours"),
        ("headcount", "col.headcount"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    for session in &sessions {
        let (raw, shown) = super::session_cells(session, &custom, ui);
        listing.row_shown(raw, shown);
    }
    listing.json(json!(sessions)).print(args.format)?;
    Ok(())
}
