//! `xuefa doctor [--format text|json]`: the database's own integrity and references, rows
//! that refer to nobody, the schema version, open attempts past their deadline and the
//! ledger; exit 1 when anything is wrong.

use clap::Args;
use xuefa_app::integrity;

use crate::cli::{CheckFormat, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

pub fn cmd_doctor(args: &DoctorArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let tr: &xuefa_app::i18n::Tr = ui;
    let doctor = integrity::doctor(&mut store, workspace::now()?, tr)?;
    match args.format {
        CheckFormat::Json => {
            outln!("{}", serde_json::to_string_pretty(&doctor.to_json(tr)).unwrap_or_default())
        }
        CheckFormat::Text => {
            outln!("{}{}", ui.label("doctor.database"), workspace.database_path().display());
            for finding in &doctor.findings {
                let mark = ui.text(if finding.ok { "doctor.pass" } else { "doctor.fail" }, &[]);
                let name = ui.text(&format!("doctor.check.{}", finding.check), &[]);
                let mut lines = finding.lines.iter();
                let colon = if ui.lang == xuefa_core::Lang::Zh { "：" } else { ": " };
                outln!("{mark} {name}{colon}{}", lines.next().map(String::as_str).unwrap_or_default());
                for line in lines {
                    outln!("    {line}");
                }
            }
        }
    }
    crate::output::stdout_result()?;
    if doctor.ok() {
        ui.note(&ui.text("doctor.all_ok", &[]));
        Ok(())
    } else {
        let failed = doctor.findings.iter().filter(|f| !f.ok).count();
        Err(CommandError::message_of("doctor.problems", vec![("count", failed.to_string())]))
    }
}
