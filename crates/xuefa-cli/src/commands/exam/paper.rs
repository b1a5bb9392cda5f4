//! `xuefa exam paper EXAM --employee ID [--attempt N] --format json|md|html [--with-key]`:
//! a paper as that person sees it (or saw it), printable for a paper exam with its answer
//! sheet (答题卡); `--with-key` adds the key and the explanations for administrators, the
//! explanations in the letters of this paper.

use clap::{Args, ValueEnum};
use serde_json::json;
use xuefa_core::Answer;
use xuefa_core::exam::{Paper, PaperQuestion};
use xuefa_store::ExamStore;

use super::{paper_for, points};
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperFormat {
    Json,
    Md,
    Html,
}

#[derive(Debug, Args)]
pub struct PaperArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long, value_name = "ID")]
    pub employee: String,
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub attempt: u32,
    #[arg(long, value_enum, default_value_t = PaperFormat::Json)]
    pub format: PaperFormat,
    #[arg(long)]
    pub with_key: bool,
}

pub fn cmd_paper(args: &PaperArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let exam = store.exam(&args.exam)?;
    if args.attempt == 0 || args.attempt > exam.spec.attempts {
        return Err(CommandError::message_of(
            "exam.bad_attempt",
            vec![("attempt", args.attempt.to_string()), ("attempts", exam.spec.attempts.to_string())],
        ));
    }
    if store.person(&args.employee)?.is_none() {
        return Err(CommandError::message_of(
            "exam.unknown_employee",
            vec![("employee", args.employee.clone()), ("exam", args.exam.clone())],
        ));
    }
    let pool = store.exam_pool(&args.exam)?;
    let attempts = store.attempts(&args.exam, &args.employee)?;
    let drawer = xuefa_core::exam::Drawer::new(&exam.spec, &pool);
    let paper = paper_for(
        &exam,
        &super::Source::<dyn xuefa_store::ExamStore>::Pool(&drawer),
        &args.employee,
        args.attempt,
        &attempts,
    )?;
    let text = match args.format {
        PaperFormat::Json => paper_json(&paper, args.with_key),
        PaperFormat::Md => markdown(&paper, &exam.spec.title, args.with_key, ui),
        PaperFormat::Html => html(&paper, &exam.spec.title, args.with_key, ui),
    };
    outln!("{text}");
    Ok(())
}

/// Returns the key in the letters shown, or 对/错 (T/F in English).
pub fn key_text(question: &PaperQuestion, ui: &Ui) -> String {
    answer_text(&question.key, ui)
}

/// A key as a person reads it: its letters, or 对/错 (true/false) for a judgement.
pub fn answer_text(key: &Answer, ui: &Ui) -> String {
    match key {
        Answer::Judge(true) => ui.text("answer.true", &[]),
        Answer::Judge(false) => ui.text("answer.false", &[]),
        key => key.canonical(),
    }
}

fn paper_json(paper: &Paper, with_key: bool) -> String {
    let questions: Vec<serde_json::Value> = paper
        .questions
        .iter()
        .map(|q| {
            let mut value = json!({
                "number": q.number,
                "id": q.id,
                "kind": q.kind,
                "stem": q.stem,
                "options": q.options,
                "points": q.points,
            });
            if with_key && let serde_json::Value::Object(map) = &mut value {
                map.insert("key".into(), json!(q.key.canonical()));
                map.insert("explanation".into(), json!(q.explanation_as_shown()));
            }
            value
        })
        .collect();
    let value = json!({
        "exam": paper.exam,
        "employee": paper.employee,
        "attempt": paper.attempt,
        "total_points": paper.total_points,
        "questions": questions,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// Returns the paper's sections: runs of questions of one kind, in paper order.
fn sections(paper: &Paper) -> Vec<&[PaperQuestion]> {
    let mut sections = Vec::new();
    let mut start = 0;
    for i in 1..=paper.questions.len() {
        if i == paper.questions.len() || paper.questions[i].kind != paper.questions[start].kind {
            sections.push(&paper.questions[start..i]);
            start = i;
        }
    }
    sections
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn section_heading(index: usize, questions: &[PaperQuestion], ui: &Ui) -> String {
    let each = questions.first().map_or(0.0, |q| q.points);
    ui.text(
        "paper.section",
        &[
            (
                "numeral",
                match ui.lang {
                    xuefa_core::Lang::Zh => {
                        NUMERALS.get(index).map_or_else(|| (index + 1).to_string(), |n| (*n).to_owned())
                    }
                    _ => (index + 1).to_string(),
                },
            ),
            ("kind", super::kind_name(questions[0].kind, ui)),
            ("count", questions.len().to_string()),
            ("each", points(each)),
            ("total", points(each * questions.len() as f64)),
        ],
    )
}

fn judge_options(ui: &Ui) -> [String; 2] {
    [ui.text("answer.true", &[]), ui.text("answer.false", &[])]
}

fn markdown(paper: &Paper, title: &str, with_key: bool, ui: &Ui) -> String {
    let mut out = format!("# {title}\n\n");
    out.push_str(&ui.text(
        "paper.header",
        &[
            ("employee", paper.employee.clone()),
            ("attempt", paper.attempt.to_string()),
            ("questions", paper.questions.len().to_string()),
            ("points", points(paper.total_points)),
        ],
    ));
    out.push_str("\n\n");
    for (index, section) in sections(paper).into_iter().enumerate() {
        out.push_str(&format!("## {}\n\n", section_heading(index, section, ui)));
        for question in section {
            out.push_str(&format!("{}. {}\n", question.number, question.stem.replace('\n', "  \n")));
            if question.options.is_empty() {
                let [yes, no] = judge_options(ui);
                out.push_str(&format!("\n   - A. {yes}　　B. {no}\n"));
            } else {
                out.push('\n');
                for (i, option) in question.options.iter().enumerate() {
                    out.push_str(&format!("   - {}. {option}\n", xuefa_core::letter(i)));
                }
            }
            if with_key {
                out.push_str(&format!("\n   **{}{}**\n", ui.label("show.key"), key_text(question, ui)));
                if !question.explanation.is_empty() {
                    let explanation = question.explanation_as_shown().replace('\n', "  \n   ");
                    out.push_str(&format!("\n   {}{explanation}\n", ui.label("show.explanation")));
                }
            }
            out.push('\n');
        }
    }
    out.push_str(&format!("## {}\n\n", ui.text("paper.sheet", &[])));
    out.push_str(&ui.text("paper.sheet_note", &[("employee", paper.employee.clone())]));
    out.push_str("\n\n");
    let per_row = 10;
    for chunk in paper.questions.chunks(per_row) {
        let numbers: Vec<String> = chunk.iter().map(|q| q.number.to_string()).collect();
        let cells: Vec<String> =
            chunk.iter().map(|q| if with_key { key_text(q, ui) } else { " ".to_owned() }).collect();
        out.push_str(&format!("| {} |\n", numbers.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(chunk.len())));
        out.push_str(&format!("| {} |\n\n", cells.join(" | ")));
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(paper: &Paper, title: &str, with_key: bool, ui: &Ui) -> String {
    let lang = if ui.lang == xuefa_core::Lang::Zh { "zh-CN" } else { "en" };
    let mut body = String::new();
    body.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    body.push_str(&format!(
        "<p class=\"meta\">{}</p>\n",
        escape(&ui.text(
            "paper.header",
            &[
                ("employee", paper.employee.clone()),
                ("attempt", paper.attempt.to_string()),
                ("questions", paper.questions.len().to_string()),
                ("points", points(paper.total_points)),
            ],
        ))
    ));
    for (index, section) in sections(paper).into_iter().enumerate() {
        body.push_str(&format!(
            "<h2>{}</h2>\n<ol class=\"questions\">\n",
            escape(&section_heading(index, section, ui))
        ));
        for question in section {
            body.push_str(&format!(
                "<li value=\"{}\"><p class=\"stem\">{}</p>\n<ol class=\"options\" type=\"A\">",
                question.number,
                escape(&question.stem).replace('\n', "<br>")
            ));
            let options: Vec<String> = if question.options.is_empty() {
                judge_options(ui).to_vec()
            } else {
                question.options.clone()
            };
            for option in options {
                body.push_str(&format!("<li>{}</li>", escape(&option)));
            }
            body.push_str("</ol>");
            if with_key {
                body.push_str(&format!(
                    "<p class=\"key\">{}{}</p>",
                    escape(&ui.label("show.key")),
                    escape(&key_text(question, ui))
                ));
                if !question.explanation.is_empty() {
                    body.push_str(&format!(
                        "<p class=\"explanation\">{}{}</p>",
                        escape(&ui.label("show.explanation")),
                        escape(&question.explanation_as_shown()).replace('\n', "<br>")
                    ));
                }
            }
            body.push_str("</li>\n");
        }
        body.push_str("</ol>\n");
    }
    body.push_str(&format!(
        "<section class=\"sheet\"><h2>{}</h2><p>{}</p><table>",
        escape(&ui.text("paper.sheet", &[])),
        escape(&ui.text("paper.sheet_note", &[("employee", paper.employee.clone())]))
    ));
    for chunk in paper.questions.chunks(10) {
        body.push_str("<tr>");
        for question in chunk {
            body.push_str(&format!("<th>{}</th>", question.number));
        }
        body.push_str("</tr><tr>");
        for question in chunk {
            let cell = if with_key { escape(&key_text(question, ui)) } else { String::new() };
            body.push_str(&format!("<td>{cell}</td>"));
        }
        body.push_str("</tr>");
    }
    body.push_str("</table></section>\n");
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: \"Noto Serif CJK SC\", \"Songti SC\", SimSun, serif; max-width: 48em; margin: 2em auto; line-height: 1.6; }}\n\
         h1 {{ text-align: center; }} .meta {{ text-align: center; }}\n\
         .questions > li {{ margin-bottom: 1em; }} .stem {{ margin: 0; }}\n\
         .options {{ margin: .2em 0 0 1em; }} .key {{ color: #a00; font-weight: bold; margin: .2em 0; }}\n\
         .explanation {{ margin: .2em 0; }}\n\
         .sheet {{ page-break-before: always; }} table {{ border-collapse: collapse; }}\n\
         th, td {{ border: 1px solid #000; width: 3em; height: 2em; text-align: center; }}\n\
         @media print {{ body {{ margin: 0; }} }}\n</style>\n</head>\n<body>\n{body}</body>\n</html>",
        escape(title)
    )
}
