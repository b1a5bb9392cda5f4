//! `xuefa verify [--format text|json]`: walk the ledger and name every submitted attempt and
//! attendance mark that no longer matches it (exit 1). `--export FILE` writes the year's
//! figures signed with the workspace's key for the office above; `--check FILE
//! [--public-key HEX]` checks such a file, in any folder.

use std::path::PathBuf;

use clap::Args;
use xuefa_app::integrity::{self, SummaryRefusal};
use xuefa_store::Maintenance as _;

use crate::cli::{CheckFormat, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

/// The workspace's signing key, beside `xuefa.toml`.
const KEY_FILE: &str = "signing.key";

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    pub export: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    #[arg(long = "public-key", value_name = "HEX", requires = "check")]
    pub public_key: Option<String>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

pub fn cmd_verify(args: &VerifyArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    if let Some(file) = &args.check {
        return check(file, args, ui);
    }
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let tr: &xuefa_app::i18n::Tr = ui;
    let walk = store.verify_ledger()?;
    match args.format {
        CheckFormat::Json => {
            outln!("{}", serde_json::to_string_pretty(&integrity::ledger_json(&walk, tr)).unwrap_or_default())
        }
        CheckFormat::Text => {
            for line in integrity::ledger_lines(&walk, tr, usize::MAX) {
                outln!("{line}");
            }
            outln!("{}{}", ui.label("verify.head"), walk.head);
        }
    }
    crate::output::stdout_result()?;
    if !walk.problems.is_empty() {
        return Err(CommandError::message_of(
            "verify.failed",
            vec![("count", walk.problems.len().to_string())],
        ));
    }
    if let Some(file) = &args.export {
        let key_path = workspace.root.join(KEY_FILE);
        let (key, made) = integrity::signing_key(&key_path).map_err(|error| {
            CommandError::message_of(
                "verify.key_unreadable",
                vec![("path", key_path.display().to_string()), ("detail", crate::i18n::io_error(&error))],
            )
        })?;
        if made {
            ui.note(&ui.text("verify.key_made", &[("path", key_path.display().to_string())]));
        }
        let summary = integrity::summary(&mut store, &workspace.config.office.name, workspace::now()?)?;
        let signed = integrity::sign(summary, &key);
        let mut text = serde_json::to_string_pretty(&signed).unwrap_or_default();
        text.push('\n');
        let mut out = crate::output::Out::open(Some(file))?;
        std::io::Write::write_all(&mut out, text.as_bytes()).ok();
        out.finish()?;
        ui.note(&ui.text(
            "verify.exported",
            &[
                ("path", file.display().to_string()),
                ("key", xuefa_store::hex(key.verifying_key().as_bytes())),
            ],
        ));
    }
    Ok(())
}

fn check(file: &PathBuf, args: &VerifyArgs, ui: &Ui) -> Result<(), CommandError> {
    let bytes = std::fs::read(file).map_err(|error| {
        CommandError::message_of(
            "verify.summary_unreadable",
            vec![("path", file.display().to_string()), ("detail", crate::i18n::io_error(&error))],
        )
    })?;
    let path = file.display().to_string();
    match integrity::check_signed(&bytes, args.public_key.as_deref()) {
        Ok((summary, signer)) => {
            match args.format {
                CheckFormat::Json => {
                    let value = serde_json::json!({"ok": true, "signed_by": signer, "summary": summary});
                    outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
                }
                CheckFormat::Text => {
                    let text =
                        |key: &str| summary.get(key).and_then(serde_json::Value::as_str).unwrap_or_default();
                    outln!("{}{}", ui.label("verify.office"), text("office"));
                    outln!(
                        "{}{}",
                        ui.label("verify.generated"),
                        workspace::rfc3339_text(text("generated_at"))
                    );
                    let ledger = &summary["ledger"];
                    outln!(
                        "{}{} / {}",
                        ui.label("verify.ledger"),
                        ledger["length"],
                        ledger["head"].as_str().unwrap_or_default()
                    );
                    for exam in summary["exams"].as_array().into_iter().flatten() {
                        outln!(
                            "{}",
                            ui.text(
                                "verify.exam_line",
                                &[
                                    ("id", exam["id"].as_str().unwrap_or_default().to_owned()),
                                    ("title", exam["title"].as_str().unwrap_or_default().to_owned()),
                                    ("sat", exam["sat"].to_string()),
                                    ("passed", exam["passed"].to_string()),
                                ],
                            )
                        );
                    }
                    outln!("{}{}", ui.label("verify.signed_by"), signer);
                }
            }
            crate::output::stdout_result()?;
            let key = if args.public_key.is_some() { "verify.summary_ok_key" } else { "verify.summary_ok" };
            ui.note(&ui.text(key, &[("path", path)]));
            Ok(())
        }
        Err(SummaryRefusal::NotASummary(what)) => {
            Err(CommandError::message_of("verify.not_summary", vec![("path", path), ("what", what)]))
        }
        Err(SummaryRefusal::BadSignature) => {
            Err(CommandError::message_of("verify.bad_signature", vec![("path", path)]))
        }
        Err(SummaryRefusal::OtherKey { signed_by }) => {
            Err(CommandError::message_of("verify.other_key", vec![("path", path), ("key", signed_by)]))
        }
    }
}
