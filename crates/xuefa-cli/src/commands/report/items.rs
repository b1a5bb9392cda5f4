//! `xuefa report items EXAM`: item analysis of every submitted attempt — per question the
//! facility, spread, discrimination and discriminative efficiency, the picks of each option
//! and flags such as `likely_wrong_key`; for the whole exam the score distribution and its
//! reliability. The formulas are `xuefa_core::stats`'s. Attempts stream from the database,
//! so a province's million attempts are never all in memory.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use xuefa_app::report::items::{analyse_exam, item_json, items_listing, shown_items, test_listing};

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{Out, ReportFormat, write_workbook};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ItemsArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long)]
    pub flagged: bool,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn cmd_items(args: &ItemsArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let (analysis, infos) = analyse_exam(&mut store, &args.exam, workspace::now()?)?;
    let mut out = Out::open(args.output.as_deref())?;
    if args.format == ReportFormat::Json {
        // Written item by item: a province's 50,000 items are not built up as one value.
        let exam = serde_json::to_string(&args.exam).unwrap_or_default();
        let test = serde_json::to_string_pretty(&analysis.test).unwrap_or_default().replace('\n', "\n  ");
        let _ = write!(out, "{{\n  \"exam\": {exam},\n  \"test\": {test},\n  \"items\": [");
        for (n, i) in shown_items(&analysis, args.flagged).into_iter().enumerate() {
            let separator = if n == 0 { "\n    " } else { ",\n    " };
            let _ = write!(
                out,
                "{separator}{}",
                serde_json::to_string(&item_json(&analysis.items[i], &infos[i])).unwrap_or_default()
            );
        }
        let _ = writeln!(out, "\n  ]\n}}");
        return out.finish();
    }
    let items = items_listing(&analysis, &infos, args.flagged, ui);
    match args.format {
        ReportFormat::Json => {}
        ReportFormat::Csv => items.write_report(args.format, "", &mut out)?,
        ReportFormat::Xlsx => write_workbook(
            &[
                (&ui.text("sheet.items", &[]), &items),
                (&ui.text("sheet.test", &[]), &test_listing(&analysis, ui)),
            ],
            &mut out,
        )?,
        format => {
            test_listing(&analysis, ui).write_report(format, "", &mut out)?;
            let _ = writeln!(out);
            items.write_report(format, "", &mut out)?;
        }
    }
    out.finish()
}
