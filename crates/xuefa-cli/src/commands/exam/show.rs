//! `xuefa exam show ID`: an exam's blueprint, its pool per section and its attempts.

use clap::Args;
use serde_json::json;

use super::create::describe_filters;
use super::{kind_name, points};
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn cmd_show(args: &ShowArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let xuefa_app::exam::Overview { exam, availability, attempts, submitted } =
        xuefa_app::exam::overview(&store, &args.exam)?;
    let spec = &exam.spec;
    if args.format == ListFormat::Table {
        let line = |key: &str, value: String| outln!("{}{value}", ui.label(key));
        line("exam.field.title", format!("{} ({})", spec.title, spec.id));
        line("exam.field.year", spec.year.to_string());
        line("exam.field.questions", format!("{} / {}", spec.question_count(), points(spec.total_points())));
        line("exam.field.pass_mark", points(spec.pass_mark));
        line(
            "exam.field.duration",
            ui.text("exam.minutes", &[("minutes", spec.duration_minutes.to_string())]),
        );
        line(
            "exam.field.attempts",
            format!("{} ({})", spec.attempts, ui.text(&format!("counts.{}", spec.counts.as_str()), &[])),
        );
        if let Some(opens) = spec.opens_at() {
            line("exam.field.opens", crate::workspace::shown_time(opens));
        }
        if let Some(closes) = spec.closes_at() {
            line("exam.field.closes", crate::workspace::shown_time(closes));
        }
        line("exam.field.seed", exam.seed.to_string());
        line("exam.field.taken", format!("{attempts} / {submitted}"));
    }
    let columns = [
        ("section", "col.section"),
        ("kind", "col.kind"),
        ("count", "col.count"),
        ("points", "col.points"),
        ("filters", "col.filters"),
        ("scoring", "col.scoring"),
        ("pool", "col.pool"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    let mut sections = Vec::new();
    for (index, (section, available)) in spec.sections.iter().zip(&availability).enumerate() {
        let multiple = section.kind == xuefa_core::Kind::Multiple;
        let scoring = if multiple { section.scoring().as_str().to_owned() } else { String::new() };
        listing.row_shown(
            vec![
                (index + 1).to_string(),
                section.kind.as_str().to_owned(),
                section.count.to_string(),
                points(section.points),
                describe_filters(section, ui).trim().to_owned(),
                scoring.clone(),
                available.matching.to_string(),
            ],
            vec![
                (index + 1).to_string(),
                kind_name(section.kind, ui),
                section.count.to_string(),
                points(section.points),
                describe_filters(section, ui).trim().to_owned(),
                if multiple { ui.text(&format!("scoring.{scoring}"), &[]) } else { "—".to_owned() },
                available.matching.to_string(),
            ],
        );
        sections.push(json!({
            "kind": section.kind,
            "count": section.count,
            "points": section.points,
            "laws": section.laws,
            "tags": section.tags,
            "scoring": section.scoring(),
            "pool": available.matching,
        }));
    }
    listing
        .json(json!({
            "id": spec.id,
            "title": spec.title,
            "year": spec.year,
            "questions": spec.question_count(),
            "total_points": spec.total_points(),
            "pass_mark": spec.pass_mark,
            "duration_minutes": spec.duration_minutes,
            "attempts": spec.attempts,
            "counts": spec.counts,
            "opens": spec.opens_at().map(crate::workspace::rfc3339),
            "closes": spec.closes_at().map(crate::workspace::rfc3339),
            "seed": exam.seed.to_string(),
            "sections": sections,
            "attempts_started": attempts,
            "attempts_submitted": submitted,
        }))
        .print(args.format)?;
    Ok(())
}
