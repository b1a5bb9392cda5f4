//! What every front end shows the same way: listings and their renderings (Markdown, HTML,
//! CSV, XLSX), and the charts and pages of the reports.

mod listing;

pub use listing::{
    Cell, Listing, csv, csv_row, display_width, escape_html, escape_markdown, spreadsheet_safe, workbook,
};
