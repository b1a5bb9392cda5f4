//! `xuefa exam create SPEC.toml [--seed N]`: check a blueprint against the banks, freeze the
//! questions it may draw, and store the exam with its seed.

use std::hash::BuildHasher;
use std::path::PathBuf;

use clap::Args;
use xuefa_app::create;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;
pub use xuefa_app::create::describe_filters;

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

pub fn cmd_create(args: &CreateArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let path = args.spec.display().to_string();
    let text = std::fs::read_to_string(&args.spec).map_err(|error| {
        CommandError::message_of(
            "exam.spec_unreadable",
            vec![("path", path.clone()), ("detail", crate::i18n::io_error(&error))],
        )
    })?;
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let seed = args
        .seed
        .unwrap_or_else(|| std::collections::hash_map::RandomState::new().hash_one(now.as_nanosecond()));
    let created = match create::create_exam(&mut store, &text, seed, now, ui) {
        Ok(created) => created,
        Err(xuefa_app::AppError::Refused(messages)) => {
            for message in messages {
                ui.error(&format!("{path}: {}", message.text(ui.lang)));
            }
            return Err(CommandError::Rejected);
        }
        Err(error) => return Err(error.into()),
    };
    for warning in &created.warnings {
        ui.warning(&format!("{path}: {}", warning.text(ui.lang)));
    }
    ui.note(&ui.text(
        "exam.created",
        &[
            ("exam", created.exam),
            ("questions", created.questions.to_string()),
            ("points", super::points(created.points)),
            ("pool", created.pool.to_string()),
        ],
    ));
    Ok(())
}
