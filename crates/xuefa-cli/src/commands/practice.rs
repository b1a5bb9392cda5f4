//! `xuefa practice --employee ID …`: practise between exams, one question at a time with the
//! key, the explanation and the article after each answer; `xuefa practice book --employee
//! ID`: the person's wrong-answer book. Every answer is stored the moment it is given.
//! On a terminal the practice is full screen (`tui`); with `--plain`, line by line.

mod tui;

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use xuefa_app::format::rate;
use xuefa_app::practice::{self, DAILY_COUNT, Feedback, PracticeMode, PracticeRequest};
use xuefa_app::report::attendance::PracticeFigures;
use xuefa_core::Kind;
use xuefa_core::exam::Response;
use xuefa_store::StoredQuestion;

use crate::cli::GlobalArgs;
use crate::commands::exam::kind_name;
use crate::commands::exam::paper::answer_text;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PracticeArgs {
    #[command(subcommand)]
    pub command: Option<PracticeCommand>,
    #[arg(long, value_name = "ID", required = true)]
    pub employee: Option<String>,
    #[arg(long, value_name = "LAW")]
    pub law: Vec<String>,
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub count: Option<u32>,
    #[arg(long, conflicts_with = "review")]
    pub daily: bool,
    #[arg(long)]
    pub review: bool,
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Subcommand)]
pub enum PracticeCommand {
    Book(BookArgs),
    Progress(ProgressArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("whose").required(true).args(["employee", "by"]))]
pub struct ProgressArgs {
    #[arg(long, value_name = "ID")]
    pub employee: Option<String>,
    #[arg(long, value_name = "department[:DEPTH]", conflicts_with = "employee")]
    pub by: Option<String>,
    #[arg(long, value_name = "N", conflicts_with = "employee", value_parser = clap::value_parser!(u16).range(1..=366))]
    pub days: Option<u16>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct BookArgs {
    #[arg(long, value_name = "ID")]
    pub employee: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Single,
    Multiple,
    Judge,
}

impl From<KindArg> for Kind {
    fn from(kind: KindArg) -> Kind {
        match kind {
            KindArg::Single => Kind::Single,
            KindArg::Multiple => Kind::Multiple,
            KindArg::Judge => Kind::Judge,
        }
    }
}

/// Free practice draws this many questions unless told otherwise.
const FREE_COUNT: usize = 10;

pub fn run(args: PracticeArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match &args.command {
        Some(PracticeCommand::Book(book)) => return cmd_book(book, global, ui),
        Some(PracticeCommand::Progress(asked)) => return cmd_progress(asked, global, ui),
        None => {}
    }
    // clap requires it without a subcommand.
    let employee = args.employee.as_deref().unwrap_or_default();
    let mode = if args.daily {
        PracticeMode::Daily
    } else if args.review {
        PracticeMode::Review
    } else {
        PracticeMode::Free
    };
    let count =
        args.count.map_or(if mode == PracticeMode::Daily { DAILY_COUNT } else { FREE_COUNT }, |n| n as usize);
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let today = workspace::office_date(&workspace, now);
    practice::take_exam_answers(&mut store, employee, now, workspace.config.offset())?;
    let request = PracticeRequest {
        laws: args.law.clone(),
        tags: args.tag.clone(),
        kind: args.kind.map(Kind::from),
        count,
        mode,
    };
    let questions = practice::draw(&store, employee, &request, today, now)?;
    if questions.is_empty() {
        let key = if mode == PracticeMode::Review { "practice.nothing_due" } else { "practice.nothing" };
        ui.note(&ui.text(key, &[]));
        return Ok(());
    }
    if crate::screen::full_screen(args.plain) {
        return tui::run(&mut store, &workspace, employee, &questions, ui);
    }
    // One line at a time, for a script or a screen reader.
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let io = |error: std::io::Error| CommandError::message_of("take.io", vec![("detail", error.to_string())]);
    writeln!(out, "{}", ui.text("practice.header", &[("count", questions.len().to_string())])).map_err(io)?;
    let (mut asked, mut right) = (0usize, 0usize);
    'questions: for (index, question) in questions.iter().enumerate() {
        show(question, index, questions.len(), ui, &mut out).map_err(io)?;
        loop {
            write!(out, "{} ", ui.text("plain.prompt", &[])).map_err(io)?;
            out.flush().map_err(io)?;
            let mut line = String::new();
            if crate::screen::read_typed_line(&mut input, &mut line).map_err(io)? == 0 {
                writeln!(out).map_err(io)?;
                break 'questions;
            }
            let typed = line.trim();
            match typed {
                "" | "skip" | "跳过" => break,
                "quit" | "q" | "退出" => break 'questions,
                _ => {}
            }
            let q = &question.question;
            let Some(response) = Response::parse(typed, q.kind, q.options.len()) else {
                writeln!(out, "{}", ui.text("practice.not_an_answer", &[("input", typed.to_owned())]))
                    .map_err(io)?;
                continue;
            };
            // A clock read per answer: a practice left open past midnight counts on its day.
            let at = workspace::now()?;
            let feedback = practice::answer(
                &mut store,
                employee,
                question,
                &response,
                at,
                workspace::office_date(&workspace, at),
            )?;
            asked += 1;
            right += usize::from(feedback.correct);
            explain(&feedback, question, ui, &mut out).map_err(io)?;
            break;
        }
    }
    writeln!(
        out,
        "{}",
        ui.text("practice.summary", &[("right", right.to_string()), ("asked", asked.to_string())])
    )
    .map_err(io)?;
    Ok(())
}

fn show(
    question: &StoredQuestion,
    index: usize,
    count: usize,
    ui: &Ui,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let q = &question.question;
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        ui.text(
            "practice.question",
            &[
                ("number", (index + 1).to_string()),
                ("count", count.to_string()),
                ("kind", kind_name(q.kind, ui)),
                ("law", q.law.clone()),
            ],
        )
    )?;
    writeln!(out, "{}", q.stem)?;
    for (i, option) in q.options.iter().enumerate() {
        writeln!(out, "  {}. {option}", xuefa_core::letter(i))?;
    }
    if q.kind == Kind::Judge {
        writeln!(out, "  {}", ui.text("plain.judge_hint", &[]))?;
    }
    Ok(())
}

fn explain(
    feedback: &Feedback,
    question: &StoredQuestion,
    ui: &Ui,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let key = answer_text(&question.question.answer, ui);
    if feedback.correct {
        writeln!(out, "{}", ui.text("practice.right", &[("key", key)]))?;
    } else {
        writeln!(out, "{}", ui.text("practice.wrong", &[("key", key)]))?;
    }
    if !feedback.explanation.is_empty() {
        writeln!(out, "{}", ui.text("practice.explanation", &[("text", feedback.explanation.clone())]))?;
    }
    if !feedback.law.is_empty() {
        writeln!(
            out,
            "{}",
            ui.text(
                "practice.basis",
                &[("law", feedback.law.clone()), ("article", feedback.article.clone())]
            )
        )?;
    }
    match feedback.book {
        Some(entry) => writeln!(
            out,
            "{}",
            ui.text(
                "practice.in_book",
                &[("box", entry.box_number.to_string()), ("due", entry.due.to_string())]
            )
        ),
        None if feedback.left_book => writeln!(out, "{}", ui.text("practice.left_book", &[])),
        None => Ok(()),
    }
}

fn cmd_book(args: &BookArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    practice::take_exam_answers(&mut store, &args.employee, workspace::now()?, workspace.config.offset())?;
    let book = practice::book(&store, &args.employee)?;
    let columns = [
        ("bank", "col.bank"),
        ("id", "col.question_id"),
        ("box", "col.box"),
        ("due", "col.due"),
        ("wrong", "col.wrong_times"),
        ("stem", "col.stem"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    let mut rows = Vec::with_capacity(book.len());
    for (question, entry) in &book {
        listing.row(vec![
            question.bank.clone(),
            question.question.id.clone(),
            entry.box_number.to_string(),
            entry.due.to_string(),
            entry.wrong.to_string(),
            question.question.stem.clone(),
        ]);
        rows.push(json!({
            "bank": question.bank,
            "id": question.question.id,
            "version": question.version,
            "box": entry.box_number,
            "due": entry.due.to_string(),
            "wrong": entry.wrong,
            "stem": question.question.stem,
            "law": question.question.law,
            "article": question.question.article,
        }));
    }
    listing.json(json!(rows)).print(args.format)?;
    Ok(())
}

fn cmd_progress(args: &ProgressArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let Some(employee) = &args.employee else { return cmd_departments(args, global, ui) };
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    practice::take_exam_answers(&mut store, employee, now, workspace.config.offset())?;
    let laws = practice::progress(&store, employee, workspace::office_date(&workspace, now))?;
    let columns = [
        ("law", "col.law"),
        ("seen", "col.practice_seen"),
        ("answered", "col.practice_answered"),
        ("right", "col.practice_right"),
        ("accuracy", "col.practice_accuracy"),
        ("in_book", "col.practice_in_book"),
        ("due", "col.practice_due"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    let mut rows = Vec::with_capacity(laws.len());
    for law in &laws {
        let accuracy = rate(law.right as usize, law.answered as usize);
        listing.row(vec![
            law.law.clone(),
            law.seen.to_string(),
            law.answered.to_string(),
            law.right.to_string(),
            shown_rate(accuracy),
            law.in_book.to_string(),
            law.due.to_string(),
        ]);
        rows.push(json!({
            "law": law.law,
            "seen": law.seen,
            "answered": law.answered,
            "right": law.right,
            "accuracy": accuracy,
            "in_book": law.in_book,
            "due": law.due,
        }));
    }
    listing.json(json!(rows)).print(args.format)?;
    Ok(())
}

/// A share as the progress tables show it: `50.0 %`, or `—` when there is none.
fn shown_rate(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1} %", r * 100.0))
}

/// `practice progress --by department[:DEPTH]`: per department, the share of the people on
/// the roster who practised in the last `--days` days, then the total.
fn cmd_departments(args: &ProgressArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let depth = xuefa_app::report::attendance::depth(args.by.as_deref())?;
    let (workspace, store) = workspace::open(global.workspace.as_ref())?;
    let today = workspace::office_date(&workspace, workspace::now()?);
    let days = args.days.unwrap_or(30);
    let from = practice::period_start(today, days)?;
    let departments = practice::departments(&store, from, today, depth)?;
    let columns = [
        ("department", "col.department"),
        ("people", "col.people"),
        ("practised", "col.practised"),
        ("share", "col.practice_participation"),
        ("answered", "col.practice_answered"),
        ("accuracy", "col.practice_accuracy"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    let mut total = PracticeFigures::default();
    for (_, figures) in &departments {
        total.add(figures);
    }
    let total_row = (ui.text("report.total", &[]), total);
    for (department, d) in departments.iter().chain((!departments.is_empty()).then_some(&total_row)) {
        listing.row(vec![
            department.clone(),
            d.people.to_string(),
            d.practised.to_string(),
            shown_rate(rate(d.practised, d.people)),
            d.answered.to_string(),
            shown_rate(rate(d.right, d.answered)),
        ]);
    }
    let figures = |department: Option<&str>, d: &PracticeFigures| {
        let mut value = json!({
            "people": d.people,
            "practised": d.practised,
            "share": rate(d.practised, d.people),
            "answered": d.answered,
            "right": d.right,
            "accuracy": rate(d.right, d.answered),
        });
        if let Some(department) = department {
            value["department"] = json!(department);
        }
        value
    };
    let rows: Vec<_> = departments.iter().map(|(department, d)| figures(Some(department), d)).collect();
    let value = json!({
        "from": from.to_string(),
        "to": today.to_string(),
        "days": days,
        "departments": rows,
        "total": figures(None, &total),
    });
    listing.json(value).print(args.format)?;
    Ok(())
}
