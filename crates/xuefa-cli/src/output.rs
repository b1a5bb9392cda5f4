//! Output for programs and people: every listing as a table (comfy-table, lining up Chinese
//! text), JSON with stable English field names, or CSV; progress bars on stderr.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressStyle};
pub use xuefa_app::render::{Cell, Listing, csv_row, escape_markdown};

use crate::error::CommandError;

/// The first failure to write to stdout through `outln!` (a full disk), kept so the command
/// fails at its end instead of reporting success.
static STDOUT_FAILED: std::sync::OnceLock<std::io::Error> = std::sync::OnceLock::new();

/// Records a failed write to stdout; a closed pipe (`| head`) is not a failure.
pub fn stdout_failed(error: std::io::Error) {
    if error.kind() != std::io::ErrorKind::BrokenPipe {
        let _ = STDOUT_FAILED.set(error);
    }
}

/// Returns the command's failure to write its data to stdout, if there was one (flushing
/// what is still buffered first).
pub fn stdout_result() -> Result<(), CommandError> {
    if let Err(error) = std::io::stdout().flush() {
        stdout_failed(error);
    }
    match STDOUT_FAILED.get() {
        None => Ok(()),
        Some(error) => Err(CommandError::message_of(
            "output.stdout_failed",
            vec![("detail", crate::i18n::io_error(error))],
        )),
    }
}

/// How a listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
    Csv,
}

/// How a report is printed: the listing formats, Markdown for documents, XLSX for Excel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
    Csv,
    Md,
    Xlsx,
}

/// Where a command's data goes: stdout, or the file of `-o FILE`, written next to its final
/// place and renamed there when the command succeeds, so a failure never leaves half a file.
///
/// The first write error is kept and every later write is skipped, so a command can write
/// without checking each line; [`Out::finish`] reports it. A closed pipe on stdout
/// (`xuefa … | head`) ends the output quietly; any other failure (a full disk, `/dev/full`)
/// fails the command and leaves no file.
pub struct Out {
    sink: Sink,
    error: Option<std::io::Error>,
}

enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File {
        writer: BufWriter<std::fs::File>,
        temporary: Temporary,
        path: PathBuf,
    },
    /// An existing file that is not a regular one (`/dev/null`, a named pipe): written in
    /// place, never replaced by a rename.
    Device {
        writer: BufWriter<std::fs::File>,
        path: PathBuf,
    },
}

/// A file that is removed when dropped unless it was renamed into place first: an output
/// that was never finished (the command failed) leaves nothing behind.
struct Temporary(PathBuf);

impl Drop for Temporary {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Out {
    /// Returns the output of a command: the file `output` when given, else stdout.
    pub fn open(output: Option<&Path>) -> Result<Out, CommandError> {
        let sink = match output {
            None => Sink::Stdout(BufWriter::new(std::io::stdout())),
            Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
                let file =
                    std::fs::OpenOptions::new().write(true).open(path).map_err(|e| write_failed(path, &e))?;
                Sink::Device { writer: BufWriter::new(file), path: path.to_path_buf() }
            }
            Some(path) => {
                let directory = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
                let file = std::fs::File::create(&temporary).map_err(|e| write_failed(path, &e))?;
                Sink::File {
                    writer: BufWriter::new(file),
                    temporary: Temporary(temporary),
                    path: path.to_path_buf(),
                }
            }
        };
        Ok(Out { sink, error: None })
    }

    /// Returns whether the data would land on a terminal (binary formats refuse that).
    pub fn is_terminal(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_)) && std::io::stdout().is_terminal()
    }

    /// Writes everything out: flushes stdout, or syncs the file and renames it into place.
    /// Returns the first write error, worded for the file or for standard output.
    pub fn finish(self) -> Result<(), CommandError> {
        let Out { sink, error } = self;
        match sink {
            Sink::Stdout(mut writer) => {
                let result = match error {
                    Some(error) => Err(error),
                    None => writer.flush(),
                };
                match result {
                    Ok(()) => Ok(()),
                    Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    Err(error) => Err(CommandError::message_of(
                        "output.stdout_failed",
                        vec![("detail", crate::i18n::io_error(&error))],
                    )),
                }
            }
            Sink::File { writer, temporary, path } => {
                let result = match error {
                    Some(error) => Err(error),
                    None => writer
                        .into_inner()
                        .map_err(|e| e.into_error())
                        .and_then(|file| file.sync_all())
                        .and_then(|()| std::fs::rename(&temporary.0, &path)),
                };
                result.map_err(|error| write_failed(&path, &error))
            }
            Sink::Device { mut writer, path } => {
                let result = match error {
                    Some(error) => Err(error),
                    None => writer.flush(),
                };
                result.map_err(|error| write_failed(&path, &error))
            }
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Ok(buf.len());
        }
        let result = match &mut self.sink {
            Sink::Stdout(writer) => writer.write_all(buf),
            Sink::File { writer, .. } | Sink::Device { writer, .. } => writer.write_all(buf),
        };
        if let Err(error) = result {
            self.error = Some(error);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn write_failed(path: &Path, error: &std::io::Error) -> CommandError {
    CommandError::message_of(
        "report.write_failed",
        vec![("path", path.display().to_string()), ("detail", crate::i18n::io_error(error))],
    )
}

/// How the command line writes a listing: as a terminal table, JSON or CSV, or in a report
/// format to an [`Out`].
pub trait ListingOut {
    /// Writes the listing in a listing format; errors are the writer's to keep (see [`Out`]).
    fn write(&self, format: ListFormat, out: &mut dyn Write);

    /// Prints the listing on stdout in the format. A closed pipe ends it quietly; any other
    /// failure to write (a full disk) fails the command.
    fn print(&self, format: ListFormat) -> Result<(), CommandError> {
        let mut out = Out::open(None)?;
        self.write(format, &mut out);
        out.finish()
    }

    /// Writes the listing in a report format; XLSX as a workbook of one sheet.
    fn write_report(&self, format: ReportFormat, sheet: &str, out: &mut Out) -> Result<(), CommandError>;
}

impl ListingOut for Listing {
    fn write(&self, format: ListFormat, out: &mut dyn Write) {
        // A closed pipe (`| head`) ends the output; that is not a failure of the command.
        let _ = match format {
            ListFormat::Table => writeln!(out, "{}", table(self.labels(), self.shown_rows())),
            ListFormat::Json => {
                writeln!(out, "{}", serde_json::to_string_pretty(self.json_value()).unwrap_or_default())
            }
            ListFormat::Csv => out.write_all(&self.csv()),
        };
    }

    fn write_report(&self, format: ReportFormat, sheet: &str, out: &mut Out) -> Result<(), CommandError> {
        match format {
            ReportFormat::Table => self.write(ListFormat::Table, out),
            ReportFormat::Json => self.write(ListFormat::Json, out),
            ReportFormat::Csv => self.write(ListFormat::Csv, out),
            ReportFormat::Md => {
                let _ = out.write_all(self.markdown().as_bytes());
            }
            ReportFormat::Xlsx => write_workbook(&[(sheet, self)], out)?,
        }
        Ok(())
    }
}

/// Writes listings as the sheets of one workbook; refuses to write it on a terminal.
pub fn write_workbook(sheets: &[(&str, &Listing)], out: &mut Out) -> Result<(), CommandError> {
    if out.is_terminal() {
        return Err(CommandError::message_of("report.xlsx_terminal", vec![]));
    }
    let bytes = xuefa_app::render::workbook(sheets)
        .map_err(|e| CommandError::message_of("report.xlsx_failed", vec![("detail", e.to_string())]))?;
    let _ = out.write_all(&bytes);
    Ok(())
}

/// Returns a table for a terminal or a pipe.
pub fn table(headers: &[String], rows: &[Vec<String>]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    if std::io::stdout().is_terminal() {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    table.set_header(headers);
    for row in rows {
        table.add_row(row);
    }
    table
}

/// Returns a progress bar on stderr, drawn only when stderr is a terminal.
pub fn progress(total: u64, message: String) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} {eta}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar
}
