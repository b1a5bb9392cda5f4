//! Rosters: the people of an office, their departments (a path such as
//! `区政府办公室/秘书科` forms a hierarchy), roles and status, read from the CSV and XLSX files
//! that HR departments export.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::normalize::fold_width;
use crate::problem::{Location, Problem, ProblemKind};
use crate::read::tabular::{Header, HeaderSpec, TableSink, blank, read_csv};
use crate::read::{Format, ReadOptions, decode};

/// Whether a person is on the roster, exempt from the exam, or gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Status {
    /// 在职: works here and takes part in everything.
    #[default]
    Active,
    /// 免考: works here but is exempt from the exam (long sick leave, secondment …).
    Exempt,
    /// 离职: has left; kept for the history of past years.
    Left,
}

impl Status {
    /// Returns the English identifier (`active`, `exempt`, `left`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Exempt => "exempt",
            Status::Left => "left",
        }
    }

    /// Returns the Chinese name (`在职`, `免考`, `离职`).
    pub fn chinese(self) -> &'static str {
        match self {
            Status::Active => "在职",
            Status::Exempt => "免考",
            Status::Left => "离职",
        }
    }

    /// Returns the status a cell names; an empty cell is `active`.
    pub fn parse(text: &str) -> Option<Status> {
        let key = fold_width(text).trim().to_lowercase();
        Some(match key.as_str() {
            "" | "active" | "在职" | "在岗" | "正常" | "在编" => Status::Active,
            "exempt" | "免考" | "免试" | "免考试" => Status::Exempt,
            "left" | "离职" | "调离" | "退休" | "离岗" | "已离职" => Status::Left,
            _ => return None,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role later rules use for leaders (领导干部).
pub const LEADER_ROLE: &str = "leader";

/// Returns whether two role names mean the same role: case and width are ignored, and
/// `leader`, `领导干部` and `领导` are one role.
pub fn same_role(a: &str, b: &str) -> bool {
    role_key(a) == role_key(b)
}

fn role_key(role: &str) -> String {
    let key = fold_width(role).trim().to_lowercase();
    match key.as_str() {
        "领导干部" | "领导" | "leader" | "leaders" => LEADER_ROLE.to_owned(),
        _ => key,
    }
}

/// A department path, from the top unit down: `区政府办公室/秘书科` is `["区政府办公室", "秘书科"]`.
/// Clones share the parts, so a province's million people in 5,000 departments hold 5,000
/// paths.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Department(std::sync::Arc<[String]>);

impl Department {
    /// Returns the department a cell names; parts are split on `/`, `／`, `\`, `>` and `＞`.
    /// Returns `None` when the cell names no part.
    pub fn parse(text: &str) -> Option<Department> {
        let parts: Vec<String> = text
            .split(['/', '／', '\\', '>', '＞'])
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(str::to_owned)
            .collect();
        (!parts.is_empty()).then(|| Department(parts.into()))
    }

    /// Returns the parts, from the top unit down.
    pub fn parts(&self) -> &[String] {
        &self.0
    }

    /// Returns the path as stored and shown: parts joined with `/`.
    pub fn path(&self) -> String {
        self.0.join("/")
    }

    /// Returns the department cut to its first `depth` parts (for reports that roll up).
    pub fn truncated(&self, depth: usize) -> Department {
        Department(self.0.iter().take(depth.max(1)).cloned().collect::<Vec<_>>().into())
    }

    /// Returns whether this department is `other` or lies under it.
    pub fn is_within(&self, other: &Department) -> bool {
        self.0.starts_with(&other.0)
    }
}

impl fmt::Display for Department {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl Serialize for Department {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.path())
    }
}

impl<'de> Deserialize<'de> for Department {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Department::parse(&text).ok_or_else(|| serde::de::Error::custom("empty department"))
    }
}

/// One person of a roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Person {
    /// The employee id (工号), unique in the workspace.
    pub id: String,
    /// The name (姓名); two people may share one.
    pub name: String,
    /// The department.
    pub department: Department,
    /// The role (职务/岗位), free text; `leader`/领导干部 is the one later rules know.
    pub role: String,
    /// Active, exempt or left.
    pub status: Status,
    /// The day the person joined, when the roster says.
    pub joined: Option<Date>,
    /// The day the person left, when the roster says.
    pub left: Option<Date>,
}

impl Person {
    /// Returns a person with the given id, name and department, active, with no role.
    pub fn new(id: impl Into<String>, name: impl Into<String>, department: Department) -> Self {
        Person {
            id: id.into(),
            name: name.into(),
            department,
            role: String::new(),
            status: Status::Active,
            joined: None,
            left: None,
        }
    }

    /// Returns whether the person has this role (see [`same_role`]).
    pub fn has_role(&self, role: &str) -> bool {
        same_role(&self.role, role)
    }
}

/// What reading a roster file gave.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RosterReport {
    /// The people read, each with the row they came from.
    pub people: Vec<(Person, Location)>,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

impl RosterReport {
    /// Returns whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Name,
    Department,
    Role,
    Status,
    Joined,
    Left,
}

fn column(header: &str) -> Option<Column> {
    let key: String = fold_width(header)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*'))
        .flat_map(char::to_lowercase)
        .collect();
    Some(match key.as_str() {
        "id" | "employee" | "employeeid" | "工号" | "编号" | "员工编号" | "人员编号" | "职工编号"
        | "员工号" => Column::Id,
        "name" | "姓名" | "名字" => Column::Name,
        "department" | "dept" | "unit" | "部门" | "单位" | "所在部门" | "所在单位" | "科室" | "部门路径" => {
            Column::Department
        }
        "role" | "position" | "职务" | "岗位" | "身份" | "人员类别" => Column::Role,
        "status" | "状态" | "在职状态" | "人员状态" => Column::Status,
        "joined" | "joinedon" | "入职日期" | "入职时间" | "到岗日期" | "调入日期" => {
            Column::Joined
        }
        "left" | "lefton" | "离职日期" | "离职时间" | "调离日期" => Column::Left,
        _ => return None,
    })
}

static ROSTER_HEADER: HeaderSpec<Column> = HeaderSpec {
    field: column,
    marks_header: &[Column::Name],
    merges: &[],
    missing: |columns| {
        let missing: Vec<String> =
            [(Column::Id, "工号/id"), (Column::Name, "姓名/name"), (Column::Department, "部门/department")]
                .iter()
                .filter(|(column, _)| !columns.contains(&Some(*column)))
                .map(|(_, label)| (*label).to_owned())
                .collect();
        (!missing.is_empty()).then_some(ProblemKind::MissingColumns { columns: missing })
    },
};

/// Which of a roster's optional columns a file has. A column the file does not have says
/// nothing about anyone: a store keeps what it knew (an exempt person stays exempt when a
/// re-imported roster has no status column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RosterColumns {
    /// 职务 / role.
    pub role: bool,
    /// 状态 / status.
    pub status: bool,
    /// 入职日期 / joined.
    pub joined: bool,
    /// 离职日期 / left.
    pub left: bool,
}

impl RosterColumns {
    /// Returns columns as a file with every optional column has them.
    pub fn all() -> Self {
        RosterColumns { role: true, status: true, joined: true, left: true }
    }
}

struct RosterSink<'a> {
    report: &'a mut RosterReport,
    emit: &'a mut dyn FnMut(Person, Location, RosterColumns),
    people: usize,
    header: Header<Column>,
    /// Where each employee id was first seen (sheet, line): a million ids in 40 MB.
    seen: HashMap<Box<str>, (Option<Arc<str>>, u64)>,
    /// Departments by the cell that named them: a million people share 5,000 of them.
    departments: HashMap<String, Option<Department>>,
}

impl TableSink for RosterSink<'_> {
    fn problems(&mut self) -> &mut Vec<Problem> {
        &mut self.report.problems
    }

    fn begin(&mut self, _sheet: Option<&str>) {
        self.header = Header::new(&ROSTER_HEADER);
    }

    fn row(&mut self, location: Location, cells: &[&str]) {
        let Some(columns) = self.header.step(&location, cells, &mut self.report.problems) else { return };
        if blank(cells) {
            return;
        }
        let cell = |wanted: Column| {
            columns.iter().zip(cells).find(|(c, _)| **c == Some(wanted)).map_or("", |(_, text)| text.trim())
        };
        let mut errors = Vec::new();
        let id = cell(Column::Id);
        if id.is_empty() {
            errors.push(ProblemKind::EmptyEmployeeId);
        }
        // An id with a zero-width space looks like another person's and matches nobody.
        let invisible = |c: char| {
            c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}')
        };
        if id.chars().any(invisible) {
            let shown: String = id
                .chars()
                .map(|c| if invisible(c) { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() })
                .collect();
            errors.push(ProblemKind::InvisibleCharacters { value: shown });
        }
        let extra = cells.iter().skip(columns.len()).filter(|c| !c.trim().is_empty()).count();
        if extra > 0 {
            self.report
                .problems
                .push(Problem::warning(location.clone(), ProblemKind::ExtraCells { count: extra }));
        }
        let name = cell(Column::Name);
        if name.is_empty() {
            errors.push(ProblemKind::EmptyName);
        }
        let text = cell(Column::Department);
        let department = match self.departments.get(text) {
            Some(department) => department.clone(),
            None => {
                let department = Department::parse(text);
                self.departments.insert(text.to_owned(), department.clone());
                department
            }
        };
        if department.is_none() {
            errors.push(ProblemKind::EmptyDepartment);
        }
        let status = Status::parse(cell(Column::Status));
        if status.is_none() {
            errors.push(ProblemKind::InvalidStatus { value: cell(Column::Status).to_owned() });
        }
        let mut date = |column: Column| {
            let text = cell(column);
            if text.is_empty() {
                return None;
            }
            let date = parse_date(text);
            if date.is_none() {
                errors.push(ProblemKind::InvalidDate { value: text.to_owned() });
            }
            date
        };
        let joined = date(Column::Joined);
        let left = date(Column::Left);
        if let (Some(joined), Some(left)) = (joined, left)
            && left < joined
        {
            errors.push(ProblemKind::InvalidDateOrder { joined: joined.to_string(), left: left.to_string() });
        }
        if !id.is_empty() {
            match self.seen.get(id) {
                Some((sheet, line)) => {
                    let other =
                        Location { source: location.source.clone(), sheet: sheet.clone(), line: Some(*line) };
                    errors.push(ProblemKind::DuplicateEmployee { id: id.to_owned(), other })
                }
                None => {
                    self.seen.insert(id.into(), (location.sheet.clone(), location.line.unwrap_or(0)));
                }
            }
        }
        if !errors.is_empty() {
            self.report
                .problems
                .extend(errors.into_iter().map(|kind| Problem::error(location.clone(), kind)));
            return;
        }
        let (Some(department), Some(status)) = (department, status) else { return };
        let has = |wanted: Column| columns.contains(&Some(wanted));
        let present = RosterColumns {
            role: has(Column::Role),
            status: has(Column::Status),
            joined: has(Column::Joined),
            left: has(Column::Left),
        };
        let person = Person {
            id: id.to_owned(),
            name: name.to_owned(),
            department,
            role: cell(Column::Role).to_owned(),
            status,
            joined,
            left,
        };
        self.people += 1;
        (self.emit)(person, location, present);
    }

    fn end(&mut self) -> bool {
        self.header.found()
    }
}

/// Returns the people and problems of one roster file (CSV or a workbook).
pub fn read_roster(source: &str, bytes: &[u8], options: &ReadOptions) -> RosterReport {
    let mut people = Vec::new();
    let problems =
        read_roster_each(source, bytes, options, &mut |person, location| people.push((person, location)));
    RosterReport { people, problems }
}

/// Reads a roster, giving each person to `each` as their row is read (a province's million
/// people are never all in memory); returns the problems. A person whose row has an error
/// is not given.
pub fn read_roster_each(
    source: &str,
    bytes: &[u8],
    options: &ReadOptions,
    each: &mut dyn FnMut(Person, Location),
) -> Vec<Problem> {
    read_roster_columns(source, bytes, options, &mut |person, location, _| each(person, location))
}

/// Reads a roster as [`read_roster_each`] does, giving each person with the optional columns
/// the file has, so a store can keep what a file without a column does not say.
pub fn read_roster_columns(
    source: &str,
    bytes: &[u8],
    options: &ReadOptions,
    each: &mut dyn FnMut(Person, Location, RosterColumns),
) -> Vec<Problem> {
    let mut report = RosterReport::default();
    let file = Location::file(source);
    if bytes.iter().all(u8::is_ascii_whitespace) || bytes == b"\xEF\xBB\xBF" {
        report.problems.push(Problem::error(file, ProblemKind::EmptyFile));
        return report.problems;
    }
    let mut sink = RosterSink {
        report: &mut report,
        emit: each,
        people: 0,
        header: Header::new(&ROSTER_HEADER),
        seen: HashMap::new(),
        departments: HashMap::new(),
    };
    match options.format.or_else(|| Format::detect(source, bytes)) {
        #[cfg(feature = "xlsx")]
        Some(Format::Xlsx) => crate::read::xlsx::read(bytes, &file, &mut sink),
        Some(Format::Csv) => match decode(bytes, options.encoding.as_deref()) {
            Ok(text) => read_csv(&text, &file, &mut sink),
            Err(kind) => sink.report.problems.push(Problem::error(file.clone(), kind)),
        },
        _ => sink.report.problems.push(Problem::error(file.clone(), ProblemKind::TableFormatOnly)),
    }
    let none = sink.people == 0;
    if none && !report.has_errors() {
        report.problems.push(Problem::error(file, ProblemKind::NoPeople));
    }
    report.problems
}

/// Returns the date a cell gives: `2024-03-01`, `2024/3/1`, `2024.3.1`, `2024年3月1日`,
/// `20240301`, or an Excel serial day number (`45352`) from a cell not formatted as a date.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = fold_width(text);
    let text = text.trim();
    if text.len() == 5
        && let Ok(serial) = text.parse::<i64>()
        && (20_000..=80_000).contains(&serial)
    {
        // Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
        let epoch = Date::new(1899, 12, 30).ok()?;
        return epoch.checked_add(jiff::Span::new().days(serial)).ok();
    }
    if text.len() == 8 && text.chars().all(|c| c.is_ascii_digit()) {
        let (y, rest) = text.split_at(4);
        let (m, d) = rest.split_at(2);
        return Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok();
    }
    let numbers: Vec<&str> =
        text.split(|c: char| !c.is_ascii_digit()).filter(|part| !part.is_empty()).collect();
    match numbers.as_slice() {
        [y, m, d] if y.len() == 4 => Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(csv: &str) -> RosterReport {
        read_roster("r.csv", csv.as_bytes(), &ReadOptions::new())
    }

    #[test]
    fn reads_people_with_departments_roles_and_status() {
        let report = read(
            "工号,姓名,部门,职务,状态,入职日期\n\
             001,张三,区政府办公室/秘书科,领导干部,在职,2020年3月1日\n\
             002,李四,区政府办公室／综合科,科员,免考,\n\
             003,王五,区司法局,,离职,2019/7/15\n",
        );
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let people: Vec<&Person> = report.people.iter().map(|(p, _)| p).collect();
        assert_eq!(people[0].department.parts(), ["区政府办公室", "秘书科"]);
        assert!(people[0].has_role("leader"));
        assert_eq!(people[0].joined, Date::new(2020, 3, 1).ok());
        assert_eq!(people[1].department.path(), "区政府办公室/综合科");
        assert_eq!(people[1].status, Status::Exempt);
        assert_eq!(people[2].status, Status::Left);
        assert!(people[1].department.is_within(&people[0].department.truncated(1)));
    }

    #[test]
    fn every_problem_of_a_roster_is_reported() {
        let report =
            read("id,name,department,status,joined\n1,,A,active,\n2,B,,unknown,2024-13-01\n1,C,A,,\n");
        let messages: Vec<String> = report.problems.iter().map(|p| p.render(crate::Lang::En)).collect();
        assert_eq!(report.problems.len(), 5, "{messages:#?}");
        assert!(
            messages[4].starts_with("r.csv:4: error: employee id `1` is also used at r.csv:2"),
            "{messages:#?}"
        );
    }

    #[test]
    fn a_roster_without_required_columns_says_which() {
        let report = read("姓名,职务\n张三,科员\n");
        assert_eq!(
            report.problems[0].kind,
            ProblemKind::MissingColumns { columns: vec!["工号/id".into(), "部门/department".into()] }
        );
    }

    #[test]
    fn dates_in_office_notations() {
        let day = Date::new(2024, 3, 1).ok();
        for text in [
            "2024-03-01",
            "2024/3/1",
            "2024.3.1",
            "2024年3月1日",
            "20240301",
            "45352",
            "２０２４－０３－０１",
        ] {
            assert_eq!(parse_date(text), day, "{text}");
        }
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("昨天"), None);
    }
}
