//! `xuefa report exam EXAM [--by department[:DEPTH]] [--missing]`: 应考, 参考, 合格 and 优秀
//! with their rates, the scores and their distribution, per department and in total (the
//! rules are `xuefa_core::report`'s). `--missing` lists who has not sat or not passed yet,
//! for the 补考 notice.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use xuefa_app::report::exam::{
    distribution_listing, exam_report, figures_json, figures_listing, missing_listing,
};
use xuefa_store::ExamStore as _;

use super::attendance::depth;
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{Out, ReportFormat, escape_markdown, write_workbook};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ExamArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long, value_name = "department[:DEPTH]")]
    pub by: Option<String>,
    #[arg(long)]
    pub missing: bool,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn cmd_exam(args: &ExamArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let depth = depth(args.by.as_deref())?;
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let exam = store.exam(&args.exam)?;
    let (report, missing) = exam_report(&mut store, &exam, depth, workspace::now()?)?;
    let mut out = Out::open(args.output.as_deref())?;
    if args.missing {
        missing_listing(&missing, ui).write_report(args.format, &ui.text("sheet.missing", &[]), &mut out)?;
        return out.finish();
    }
    let json = json!({
        "exam": exam.spec.id,
        "title": exam.spec.title,
        "total_points": report.total_points,
        "pass_mark": exam.spec.pass_mark,
        "groups": report.groups.iter().map(|(d, f)| figures_json(Some(d), f)).collect::<Vec<_>>(),
        "total": figures_json(None, &report.total),
    });
    match args.format {
        ReportFormat::Json => {
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        }
        ReportFormat::Csv => figures_listing(&report, ui, true).write_report(args.format, "", &mut out)?,
        ReportFormat::Xlsx => {
            let figures = figures_listing(&report, ui, true);
            let missing = missing_listing(&missing, ui);
            write_workbook(
                &[(&ui.text("sheet.figures", &[]), &figures), (&ui.text("sheet.missing", &[]), &missing)],
                &mut out,
            )?;
        }
        format => {
            let heading = &exam.spec.title;
            if format == ReportFormat::Md {
                let _ = writeln!(out, "## {}\n", escape_markdown(heading));
            } else {
                let _ = writeln!(out, "{heading}");
            }
            figures_listing(&report, ui, false).write_report(format, "", &mut out)?;
            let _ = writeln!(out);
            if format == ReportFormat::Md {
                let _ = writeln!(out, "### {}\n", ui.text("report.distribution", &[]));
            } else {
                let _ = writeln!(out, "{}", ui.text("report.distribution", &[]));
            }
            distribution_listing(&report.total, ui).write_report(format, "", &mut out)?;
        }
    }
    out.finish()
}
