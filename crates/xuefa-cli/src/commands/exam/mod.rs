//! `xuefa exam …`: the annual law exam — blueprint, papers, sittings, results and paper
//! exams. This file holds what the verbs share: loading an exam, the rules for starting an
//! attempt, drawing the paper of an attempt, and submitting attempts whose time ran out.

pub mod create;
pub mod grade;
pub mod list;
pub mod paper;
pub mod results;
pub mod show;
pub mod status;
pub mod take;

use crate::cli::{ExamCommand, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: ExamCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        ExamCommand::Create(args) => create::cmd_create(&args, global, ui),
        ExamCommand::List(args) => list::cmd_list(&args, global, ui),
        ExamCommand::Show(args) => show::cmd_show(&args, global, ui),
        ExamCommand::Paper(args) => paper::cmd_paper(&args, global, ui),
        ExamCommand::Take(args) => take::cmd_take(&args, global, ui),
        ExamCommand::Status(args) => status::cmd_status(&args, global, ui),
        ExamCommand::Results(args) => results::cmd_results(&args, global, ui),
        ExamCommand::Grade(args) => grade::cmd_grade(&args, global, ui),
    }
}

pub use xuefa_app::exam::{Source, paper_for};
pub use xuefa_app::format::points;

pub use crate::commands::bank::show::kind_label as kind_name;
