//! `xuefa session …`: study sessions (集中学习, 专题讲座, 旁听庭审, 网络自学, 普法宣传 …).

pub mod add;
pub mod import;
pub mod list;

use xuefa_core::study::StudySession;

use crate::cli::{GlobalArgs, SessionCommand};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: SessionCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        SessionCommand::Add(args) => add::cmd_add(&args, global, ui),
        SessionCommand::Import(args) => import::cmd_import(&args, global, ui),
        SessionCommand::List(args) => list::cmd_list(&args, global, ui),
    }
}

pub use xuefa_app::report::attendance::kind_label;

/// Returns the session's row for listings: raw values and the values shown.
pub fn session_cells(
    session: &StudySession,
    custom: &[(String, String)],
    ui: &Ui,
) -> (Vec<String>, Vec<String>) {
    let raw = vec![
        session.id.clone(),
        session.date.to_string(),
        session.kind.as_str().to_owned(),
        session.title.clone(),
        crate::commands::exam::points(session.hours),
        session.headcount.map(|n| n.to_string()).unwrap_or_default(),
    ];
    let mut shown = raw.clone();
    shown[2] = kind_label(&session.kind, custom, ui);
    (raw, shown)
}
