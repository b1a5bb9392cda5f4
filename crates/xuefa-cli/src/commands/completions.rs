//! `xuefa completions bash|zsh|fish|elvish|powershell`: shell completions on stdout; and,
//! hidden, `xuefa manpages DIR`: the manual pages of every command, in English (man1) and
//! Chinese (zh_CN/man1), for packages.

use std::path::PathBuf;

use clap::Args;
use clap_complete::Shell;
use xuefa_core::Lang;

use crate::error::CommandError;
use crate::output::write_failed;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManpagesArgs {
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn cmd_completions(args: &CompletionsArgs, ui: &Ui) -> Result<(), CommandError> {
    let mut command = crate::i18n::localized_command(ui.lang);
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "xuefa", &mut out);
    let mut stdout = crate::output::Out::open(None)?;
    std::io::Write::write_all(&mut stdout, &out).ok();
    stdout.finish()
}

pub fn cmd_manpages(args: &ManpagesArgs, ui: &Ui) -> Result<(), CommandError> {
    let mut written = 0usize;
    for (lang, sub) in [(Lang::En, "man1"), (Lang::Zh, "zh_CN/man1")] {
        let dir = args.dir.join(sub);
        std::fs::create_dir_all(&dir).map_err(|e| write_failed(&dir, &e))?;
        // One page for xuefa and one for every command under it: xuefa-bank-import.1 …
        let command = crate::i18n::localized_command(lang).version(crate::cli::VERSION);
        clap_mangen::generate_to(command, &dir).map_err(|e| write_failed(&dir, &e))?;
        written += std::fs::read_dir(&dir).map_err(|e| write_failed(&dir, &e))?.count();
    }
    ui.note(&ui.text(
        "manpages.written",
        &[("count", written.to_string()), ("dir", args.dir.display().to_string())],
    ));
    Ok(())
}
