//! Study sessions, attendance and study hours (学时): who was expected at each session, who
//! came, the hours each person earned by kind, and whether each yearly requirement is met.
//!
//! The rules, decided here once for every office:
//! - A person is expected at a session when the session's audience includes them and they
//!   were on the roster that day (joined on or before it, not left before it).
//! - An expected person with no mark counts as absent once the session's date has passed.
//! - A mark earns the session's hours times the credit of its status (by default present,
//!   late and left early earn the full hours, excused and absent none); a mark that carries
//!   its own hours (self-study exported from a platform) earns those instead.
//! - Requirements apply to people on the roster at the end of the period who are active:
//!   people who left are not evaluated, and exempt people (免考, such as long sick leave) are
//!   listed but owe nothing. For someone who joined during the year a requirement is
//!   pro-rated by the months on the roster (rounded up to whole sessions and half hours).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::exam::Audience;
use crate::normalize::fold_width;
use crate::roster::{Department, Person, Status};

/// The kind of a study session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SessionKind {
    /// 集中学习: regular group study, often the first topic of a meeting (会前学法).
    GroupStudy,
    /// 专题讲座: a lecture by a legal expert.
    Lecture,
    /// 专题研讨: a seminar.
    Seminar,
    /// 旁听庭审: sitting in on a court hearing.
    CourtHearing,
    /// 网络自学: online self-study on a platform.
    Online,
    /// 普法宣传: public outreach, counted by audience instead of marks.
    Outreach,
    /// A kind the office names in `xuefa.toml`.
    Custom(String),
}

impl SessionKind {
    /// The built-in kinds.
    pub const BUILT_IN: [SessionKind; 6] = [
        SessionKind::GroupStudy,
        SessionKind::Lecture,
        SessionKind::Seminar,
        SessionKind::CourtHearing,
        SessionKind::Online,
        SessionKind::Outreach,
    ];

    /// Returns the identifier used in files and JSON.
    pub fn as_str(&self) -> &str {
        match self {
            SessionKind::GroupStudy => "group_study",
            SessionKind::Lecture => "lecture",
            SessionKind::Seminar => "seminar",
            SessionKind::CourtHearing => "court_hearing",
            SessionKind::Online => "online",
            SessionKind::Outreach => "outreach",
            SessionKind::Custom(id) => id,
        }
    }

    /// Returns the Chinese name of a built-in kind.
    pub fn chinese(&self) -> &str {
        match self {
            SessionKind::GroupStudy => "集中学习",
            SessionKind::Lecture => "专题讲座",
            SessionKind::Seminar => "专题研讨",
            SessionKind::CourtHearing => "旁听庭审",
            SessionKind::Online => "网络自学",
            SessionKind::Outreach => "普法宣传",
            SessionKind::Custom(id) => id,
        }
    }

    /// Returns the kind a cell names, in English or Chinese; `custom` lists the office's own
    /// kinds as (identifier, Chinese name).
    pub fn parse(text: &str, custom: &[(String, String)]) -> Option<SessionKind> {
        let key: String =
            fold_width(text).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
        let kind = match key.as_str() {
            "group_study" | "groupstudy" | "集中学习" | "集体学习" | "会前学法" | "第一议题" | "学习会" => {
                SessionKind::GroupStudy
            }
            "lecture" | "专题讲座" | "讲座" | "法治讲座" | "报告会" => SessionKind::Lecture,
            "seminar" | "专题研讨" | "研讨" | "研讨会" | "座谈" => SessionKind::Seminar,
            "court_hearing" | "courthearing" | "旁听庭审" | "庭审旁听" => SessionKind::CourtHearing,
            "online" | "网络自学" | "在线学习" | "网络学习" | "自学" => SessionKind::Online,
            "outreach" | "普法宣传" | "宣传" | "普法" | "法治宣传" => SessionKind::Outreach,
            _ => {
                let (id, _) = custom.iter().find(|(id, name)| {
                    fold_width(id).to_lowercase() == key
                        || fold_width(name).chars().filter(|c| !c.is_whitespace()).collect::<String>() == key
                })?;
                SessionKind::Custom(id.clone())
            }
        };
        Some(kind)
    }
}

impl fmt::Display for SessionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SessionKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SessionKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(SessionKind::parse(&text, &[]).unwrap_or(SessionKind::Custom(text)))
    }
}

/// A study session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StudySession {
    /// A stable id, such as `2026-03-15-1`.
    pub id: String,
    /// The day it took place.
    pub date: Date,
    /// Its kind.
    pub kind: SessionKind,
    /// Its title or topic.
    pub title: String,
    /// The study hours (学时) it is worth.
    pub hours: f64,
    /// Who organised it.
    #[serde(default)]
    pub organiser: String,
    /// Where it took place.
    #[serde(default)]
    pub place: String,
    /// Who was expected; everyone active when empty.
    #[serde(default)]
    pub expected: Audience,
    /// The audience reached (outreach).
    #[serde(default)]
    pub headcount: Option<u64>,
    /// Materials handed out (outreach).
    #[serde(default)]
    pub materials: Option<u64>,
}

impl StudySession {
    /// Returns a session with nobody named as expected (so everyone is).
    pub fn new(
        id: impl Into<String>,
        date: Date,
        kind: SessionKind,
        title: impl Into<String>,
        hours: f64,
    ) -> Self {
        StudySession {
            id: id.into(),
            date,
            kind,
            title: title.into(),
            hours,
            organiser: String::new(),
            place: String::new(),
            expected: Audience::default(),
            headcount: None,
            materials: None,
        }
    }

    /// Returns whether a person was expected: in the audience, on the roster that day and
    /// not exempt. Outreach sessions expect nobody; they are counted by audience.
    pub fn expects(&self, person: &Person) -> bool {
        let gone_without_date = person.status == Status::Left && person.left.is_none();
        self.kind != SessionKind::Outreach
            && person.status != Status::Exempt
            && !gone_without_date
            && on_roster(person, self.date)
            && self.expected.matches(person)
    }
}

/// Counts the people each session expects without asking every person about every session
/// ([`StudySession::expects`] for each pair is sessions × people: 9 × 10⁹ for a province):
/// the members of an audience are found once per distinct audience — through the people
/// of each department for departments, by one pass for roles and named people — and for a
/// day the count is those who joined by then minus those who left before, by binary search.
#[derive(Debug)]
pub struct ExpectedCounter<'a> {
    people: &'a [Person],
    by_department: Vec<(Department, Vec<u32>)>,
    /// Per audience: its members (sorted indexes; `None`: everyone), and the joined dates
    /// (sorted), left dates (sorted) and undated count of those who may be expected.
    by_audience: HashMap<String, Audienced>,
}

#[derive(Debug)]
struct Audienced {
    members: Option<Vec<u32>>,
    joined: Vec<Date>,
    left: Vec<Date>,
    undated: usize,
}

impl<'a> ExpectedCounter<'a> {
    /// Returns a counter over these people.
    pub fn new(people: &'a [Person]) -> Self {
        let mut departments: HashMap<&Department, Vec<u32>> = HashMap::new();
        for (i, person) in people.iter().enumerate() {
            departments.entry(&person.department).or_default().push(i as u32);
        }
        let by_department = departments.into_iter().map(|(d, people)| (d.clone(), people)).collect();
        ExpectedCounter { people, by_department, by_audience: HashMap::new() }
    }

    fn audience(&mut self, audience: &Audience) -> &Audienced {
        let key = serde_json::to_string(audience).unwrap_or_default();
        let people = self.people;
        let by_department = &self.by_department;
        self.by_audience.entry(key).or_insert_with(|| {
            let members = (*audience != Audience::default()).then(|| {
                let wanted: Vec<Department> =
                    audience.departments.iter().filter_map(|d| Department::parse(d)).collect();
                let mut members: Vec<u32> = by_department
                    .iter()
                    .filter(|(department, _)| wanted.iter().any(|w| department.is_within(w)))
                    .flat_map(|(_, people)| people.iter().copied())
                    .collect();
                if !audience.roles.is_empty() || !audience.people.is_empty() {
                    members
                        .extend((0..people.len() as u32).filter(|&i| audience.matches(&people[i as usize])));
                }
                members.sort_unstable();
                members.dedup();
                members
            });
            // Everyone who could be expected on some day: not exempt, not gone without a
            // date, in the audience. Joined dates (none: always) and left dates, sorted.
            let mut joined = Vec::new();
            let mut left = Vec::new();
            let mut undated = 0;
            let mut consider = |person: &Person| {
                let gone_without_date = person.status == Status::Left && person.left.is_none();
                // Someone who left before they joined is on the roster on no day.
                let never = matches!((person.joined, person.left), (Some(j), Some(l)) if l < j);
                if person.status == Status::Exempt || gone_without_date || never {
                    return;
                }
                match person.joined {
                    Some(day) => joined.push(day),
                    None => undated += 1,
                }
                if let Some(day) = person.left {
                    left.push(day);
                }
            };
            match &members {
                Some(members) => members.iter().for_each(|&i| consider(&people[i as usize])),
                None => people.iter().for_each(consider),
            }
            joined.sort_unstable();
            left.sort_unstable();
            Audienced { members, joined, left, undated }
        })
    }

    /// Returns how many people the session expects; the same as counting
    /// [`StudySession::expects`] over the people.
    pub fn count(&mut self, session: &StudySession) -> usize {
        if session.kind == SessionKind::Outreach {
            return 0;
        }
        let day = session.date;
        let audienced = self.audience(&session.expected);
        // On the roster: joined on or before the day, and not left before it. Everyone
        // counted left on or after they joined, so those who left before the day are among
        // those who joined by it.
        let joined_by = audienced.undated + audienced.joined.partition_point(|&d| d <= day);
        let left_before = audienced.left.partition_point(|&d| d < day);
        joined_by - left_before
    }

    /// Returns whether the session expects the person at this index of the people; the same
    /// as [`StudySession::expects`], without matching the audience again.
    pub fn expects(&mut self, session: &StudySession, person: usize) -> bool {
        let Some(p) = self.people.get(person) else { return false };
        let gone_without_date = p.status == Status::Left && p.left.is_none();
        if session.kind == SessionKind::Outreach
            || p.status == Status::Exempt
            || gone_without_date
            || !on_roster(p, session.date)
        {
            return false;
        }
        match &self.audience(&session.expected).members {
            None => true,
            Some(members) => members.binary_search(&(person as u32)).is_ok(),
        }
    }
}

/// Returns whether a person was on the roster on a day.
pub fn on_roster(person: &Person, day: Date) -> bool {
    person.joined.is_none_or(|joined| joined <= day) && person.left.is_none_or(|left| left >= day)
}

/// A mark on a sign-in sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MarkStatus {
    /// 出席.
    Present,
    /// 迟到.
    Late,
    /// 早退.
    LeftEarly,
    /// 请假.
    Excused,
    /// 缺席.
    Absent,
}

impl MarkStatus {
    /// Every status, in this order.
    pub const ALL: [MarkStatus; 5] = [
        MarkStatus::Present,
        MarkStatus::Late,
        MarkStatus::LeftEarly,
        MarkStatus::Excused,
        MarkStatus::Absent,
    ];

    /// Returns the identifier used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkStatus::Present => "present",
            MarkStatus::Late => "late",
            MarkStatus::LeftEarly => "left_early",
            MarkStatus::Excused => "excused",
            MarkStatus::Absent => "absent",
        }
    }

    /// Returns the status a sign-in sheet cell gives; an empty cell means present (the
    /// person is on the sheet).
    pub fn parse(text: &str) -> Option<MarkStatus> {
        let key: String =
            fold_width(text).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
        Some(match key.as_str() {
            "" | "present" | "出席" | "到" | "已到" | "签到" | "已签到" | "参加" | "√" | "✓" | "是" => {
                MarkStatus::Present
            }
            "late" | "迟到" => MarkStatus::Late,
            "left_early" | "leftearly" | "早退" => MarkStatus::LeftEarly,
            "excused" | "请假" | "公假" | "事假" | "病假" => MarkStatus::Excused,
            "absent" | "缺席" | "未到" | "缺勤" | "×" | "否" => MarkStatus::Absent,
            _ => return None,
        })
    }

    /// Returns whether the person attended (present, late or left early).
    pub fn attended(self) -> bool {
        matches!(self, MarkStatus::Present | MarkStatus::Late | MarkStatus::LeftEarly)
    }
}

/// A mark of one person at one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AttendanceMark {
    /// The session's id.
    pub session: String,
    /// The employee's id.
    pub employee: String,
    /// The status.
    pub status: MarkStatus,
    /// Hours the record carries itself (self-study exports), instead of the session's.
    pub hours: Option<f64>,
}

impl AttendanceMark {
    /// Returns a mark.
    pub fn new(
        session: impl Into<String>,
        employee: impl Into<String>,
        status: MarkStatus,
        hours: Option<f64>,
    ) -> Self {
        AttendanceMark { session: session.into(), employee: employee.into(), status, hours }
    }
}

/// The share of a session's hours each status earns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Credit {
    /// Present: 1.0 by default.
    pub present: f64,
    /// Late: 1.0 by default.
    pub late: f64,
    /// Left early: 1.0 by default.
    pub left_early: f64,
    /// Excused: 0 by default.
    pub excused: f64,
    /// Absent: 0 by default.
    pub absent: f64,
}

impl Default for Credit {
    fn default() -> Self {
        Credit { present: 1.0, late: 1.0, left_early: 1.0, excused: 0.0, absent: 0.0 }
    }
}

impl Credit {
    /// Returns the hours a mark earns at a session.
    pub fn hours(&self, session: &StudySession, mark: &AttendanceMark) -> f64 {
        let share = match mark.status {
            MarkStatus::Present => self.present,
            MarkStatus::Late => self.late,
            MarkStatus::LeftEarly => self.left_early,
            MarkStatus::Excused => self.excused,
            MarkStatus::Absent => self.absent,
        };
        match mark.hours {
            Some(own) if share > 0.0 => own,
            _ => session.hours * share,
        }
    }
}

/// A yearly requirement, as `xuefa.toml` states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Requirement {
    /// The name shown in reports, such as `年度学时` or `领导干部旁听庭审`.
    pub name: String,
    /// Only people in these departments (and those under them).
    #[serde(default)]
    pub departments: Vec<String>,
    /// Only people with these roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// At least this many study hours in the year (of `kind` when given).
    #[serde(default)]
    pub min_hours: Option<f64>,
    /// At least this many sessions attended in the year (of `kind` when given).
    #[serde(default)]
    pub min_sessions: Option<u32>,
    /// The kind of session that counts; all kinds when not given.
    #[serde(default)]
    pub kind: Option<String>,
}

impl Requirement {
    /// Returns whether the requirement applies to a person (by department and role).
    pub fn applies_to(&self, person: &Person) -> bool {
        Audience::new(self.departments.clone(), self.roles.clone(), Vec::new()).matches(person)
    }
}

/// How one requirement stands for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RequirementStatus {
    /// The requirement's name.
    pub name: String,
    /// Whether it is met.
    pub met: bool,
    /// What is still owed, in hours or sessions (0 when met).
    pub shortfall: f64,
    /// The minimum after pro-rating.
    pub required: f64,
    /// What the person has.
    pub done: f64,
    /// `hours` or `sessions`.
    pub unit: &'static str,
}

/// One person's year of study.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PersonYear {
    /// The employee's id.
    pub employee: String,
    /// Total hours earned.
    pub hours: f64,
    /// Hours by session kind.
    pub hours_by_kind: BTreeMap<String, f64>,
    /// Sessions attended by kind.
    pub sessions_by_kind: BTreeMap<String, u32>,
    /// Whether requirements apply (false for exempt people).
    pub evaluated: bool,
    /// Each requirement that applies.
    pub requirements: Vec<RequirementStatus>,
}

impl PersonYear {
    /// Returns whether every requirement is met.
    pub fn met_all(&self) -> bool {
        self.requirements.iter().all(|r| r.met)
    }
}

/// Returns the share of the period `[start, end]` a person was on the roster, from 0 to 1,
/// counted in months begun.
pub fn share_of_period(person: &Person, start: Date, end: Date) -> f64 {
    let from = person.joined.map_or(start, |d| d.max(start));
    let to = person.left.map_or(end, |d| d.min(end));
    if to < from {
        return 0.0;
    }
    let months = |d: Date| i32::from(d.year()) * 12 + i32::from(d.month()) - 1;
    let total = months(end) - months(start) + 1;
    let present = months(to) - months(from) + 1;
    (f64::from(present) / f64::from(total)).clamp(0.0, 1.0)
}

/// A person's hours and sessions attended by session kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Totals {
    /// Hours earned by kind.
    pub hours_by_kind: BTreeMap<String, f64>,
    /// Sessions attended by kind.
    pub sessions_by_kind: BTreeMap<String, u32>,
}

impl Totals {
    /// Adds hours and attended sessions of a kind (how a store that sums in its own query
    /// hands its figures over).
    pub fn add(&mut self, kind: &str, hours: f64, sessions: u32) {
        *self.hours_by_kind.entry(kind.to_owned()).or_default() += hours;
        if sessions > 0 {
            *self.sessions_by_kind.entry(kind.to_owned()).or_default() += sessions;
        }
    }
}

/// Returns one person's totals from their marks at these sessions within the period.
pub fn totals(
    sessions: &BTreeMap<String, StudySession>,
    marks: &[&AttendanceMark],
    credit: &Credit,
    period: (Date, Date),
) -> Totals {
    let mut totals = Totals::default();
    for mark in marks {
        let Some(session) = sessions.get(&mark.session) else { continue };
        if session.date < period.0 || session.date > period.1 {
            continue;
        }
        totals.add(session.kind.as_str(), credit.hours(session, mark), u32::from(mark.status.attended()));
    }
    totals
}

/// Returns one person's year: hours and sessions by kind from their marks at these sessions,
/// and each requirement (pro-rated for a person who joined in the period).
pub fn evaluate(
    person: &Person,
    sessions: &BTreeMap<String, StudySession>,
    marks: &[&AttendanceMark],
    credit: &Credit,
    requirements: &[Requirement],
    period: (Date, Date),
) -> PersonYear {
    evaluate_totals(person, totals(sessions, marks, credit, period), requirements, period)
}

/// Returns one person's year from totals already summed (see [`evaluate`]).
pub fn evaluate_totals(
    person: &Person,
    totals: Totals,
    requirements: &[Requirement],
    period: (Date, Date),
) -> PersonYear {
    let Totals { hours_by_kind, sessions_by_kind } = totals;
    let hours: f64 = hours_by_kind.values().sum();
    let evaluated = person.status == Status::Active;
    let share = share_of_period(person, period.0, period.1);
    let statuses = if evaluated {
        requirements
            .iter()
            .filter(|r| r.applies_to(person))
            .flat_map(|requirement| {
                let mut out = Vec::new();
                if let Some(min) = requirement.min_hours {
                    let done = match &requirement.kind {
                        Some(kind) => hours_by_kind.get(kind).copied().unwrap_or(0.0),
                        None => hours,
                    };
                    let required = (min * share * 2.0).ceil() / 2.0;
                    out.push(status(&requirement.name, required, done, "hours"));
                }
                if let Some(min) = requirement.min_sessions {
                    let done = match &requirement.kind {
                        Some(kind) => sessions_by_kind.get(kind).copied().unwrap_or(0),
                        None => sessions_by_kind.values().sum(),
                    };
                    let required = (f64::from(min) * share).ceil();
                    out.push(status(&requirement.name, required, f64::from(done), "sessions"));
                }
                out
            })
            .collect()
    } else {
        Vec::new()
    };
    PersonYear {
        employee: person.id.clone(),
        hours,
        hours_by_kind,
        sessions_by_kind,
        evaluated,
        requirements: statuses,
    }
}

fn status(name: &str, required: f64, done: f64, unit: &'static str) -> RequirementStatus {
    let shortfall = ((required - done) * 1000.0).round() / 1000.0;
    RequirementStatus {
        name: name.to_owned(),
        met: shortfall <= 0.0,
        shortfall: shortfall.max(0.0),
        required,
        done,
        unit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{Department, LEADER_ROLE};

    fn day(text: &str) -> Date {
        text.parse().expect("date")
    }

    fn person(id: &str, role: &str) -> Person {
        let mut person = Person::new(id, id, Department::parse("区司法局/普法科").unwrap_or_default());
        person.role = role.to_owned();
        person
    }

    fn period() -> (Date, Date) {
        (day("2026-01-01"), day("2026-12-31"))
    }

    fn sessions() -> BTreeMap<String, StudySession> {
        [
            StudySession::new("s1", day("2026-02-10"), SessionKind::GroupStudy, "宪法学习", 2.0),
            StudySession::new("s2", day("2026-05-10"), SessionKind::Lecture, "民法典讲座", 3.0),
            StudySession::new("s3", day("2026-09-10"), SessionKind::CourtHearing, "旁听庭审", 4.0),
            StudySession::new("s4", day("2026-10-01"), SessionKind::Online, "网络自学", 1.0),
        ]
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect()
    }

    fn requirements() -> Vec<Requirement> {
        vec![
            Requirement {
                name: "年度学时".into(),
                departments: vec![],
                roles: vec![],
                min_hours: Some(8.0),
                min_sessions: None,
                kind: None,
            },
            Requirement {
                name: "领导干部旁听庭审".into(),
                departments: vec![],
                roles: vec!["领导干部".into()],
                min_hours: None,
                min_sessions: Some(1),
                kind: Some("court_hearing".into()),
            },
        ]
    }

    #[test]
    fn credited_hours_follow_the_status_and_own_hours() {
        let sessions = sessions();
        let credit = Credit::default();
        let marks = [
            AttendanceMark::new("s1", "A", MarkStatus::Late, None),
            AttendanceMark::new("s2", "A", MarkStatus::Excused, None),
            AttendanceMark::new("s3", "A", MarkStatus::LeftEarly, None),
            AttendanceMark::new("s4", "A", MarkStatus::Present, Some(6.5)),
        ];
        let refs: Vec<&AttendanceMark> = marks.iter().collect();
        let year = evaluate(&person("A", "科员"), &sessions, &refs, &credit, &requirements(), period());
        assert_eq!(year.hours, 2.0 + 0.0 + 4.0 + 6.5);
        assert_eq!(year.hours_by_kind.get("online"), Some(&6.5));
        assert_eq!(year.sessions_by_kind.get("lecture"), None, "excused is not attended");
        assert_eq!(year.requirements.len(), 1, "the leaders' rule does not apply");
        assert!(year.met_all());

        let strict = Credit { late: 0.5, ..Credit::default() };
        let year = evaluate(&person("A", "科员"), &sessions, &refs, &strict, &requirements(), period());
        assert_eq!(year.hours, 1.0 + 4.0 + 6.5, "the office's rule: late earns half");
    }

    #[test]
    fn requirements_show_the_shortfall() {
        let sessions = sessions();
        let marks = [AttendanceMark::new("s1", "L", MarkStatus::Present, None)];
        let refs: Vec<&AttendanceMark> = marks.iter().collect();
        let year = evaluate(
            &person("L", "领导干部"),
            &sessions,
            &refs,
            &Credit::default(),
            &requirements(),
            period(),
        );
        let shortfalls: Vec<(String, bool, f64)> =
            year.requirements.iter().map(|r| (r.name.clone(), r.met, r.shortfall)).collect();
        assert_eq!(
            shortfalls,
            [("年度学时".to_owned(), false, 6.0), ("领导干部旁听庭审".to_owned(), false, 1.0)]
        );
    }

    #[test]
    fn joined_mid_year_left_and_exempt() {
        let sessions = sessions();
        let none: Vec<&AttendanceMark> = Vec::new();
        let mut newcomer = person("N", "科员");
        newcomer.joined = Some(day("2026-07-15"));
        let year = evaluate(&newcomer, &sessions, &none, &Credit::default(), &requirements(), period());
        assert_eq!(year.requirements[0].required, 4.0, "8 hours × 6 of 12 months (July to December)");
        newcomer.joined = Some(day("2026-10-20"));
        let year = evaluate(&newcomer, &sessions, &none, &Credit::default(), &requirements(), period());
        assert_eq!(year.requirements[0].required, 2.0, "8 × 3/12, rounded up to the half hour");
        newcomer.joined = Some(day("2026-07-15"));
        assert!(!sessions["s1"].expects(&newcomer), "not expected before joining");
        assert!(sessions["s3"].expects(&newcomer));

        let mut gone = person("G", "科员");
        gone.status = Status::Left;
        gone.left = Some(day("2026-04-30"));
        assert!(sessions["s1"].expects(&gone), "expected while still on the roster");
        assert!(!sessions["s2"].expects(&gone));
        assert!(!evaluate(&gone, &sessions, &none, &Credit::default(), &requirements(), period()).evaluated);

        let mut exempt = person("E", "科员");
        exempt.status = Status::Exempt;
        let year = evaluate(&exempt, &sessions, &none, &Credit::default(), &requirements(), period());
        assert!(
            !year.evaluated && year.requirements.is_empty() && year.met_all(),
            "exempt people owe nothing"
        );
    }

    #[test]
    fn kinds_and_statuses_in_office_words() {
        assert_eq!(SessionKind::parse("会前学法", &[]), Some(SessionKind::GroupStudy));
        assert_eq!(SessionKind::parse("旁听庭审", &[]), Some(SessionKind::CourtHearing));
        let custom = [("central_group".to_owned(), "中心组学习".to_owned())];
        assert_eq!(
            SessionKind::parse("中心组学习", &custom),
            Some(SessionKind::Custom("central_group".into()))
        );
        assert_eq!(SessionKind::parse("中心组学习", &[]), None);
        assert_eq!(MarkStatus::parse("迟到"), Some(MarkStatus::Late));
        assert_eq!(MarkStatus::parse(""), Some(MarkStatus::Present));
        assert_eq!(MarkStatus::parse("请假"), Some(MarkStatus::Excused));
        assert_eq!(MarkStatus::parse("睡觉"), None);
    }

    /// The counter gives the same numbers as asking every person, whatever the dates,
    /// statuses, roles and audiences (people who left before they joined included).
    #[test]
    fn expected_counts_equal_asking_everyone() {
        let days = ["2026-01-01", "2026-03-15", "2026-06-30", "2026-07-01", "2026-12-31"];
        let mut people = Vec::new();
        for i in 0..400usize {
            let mut p = person(&format!("P{i:03}"), if i % 7 == 0 { LEADER_ROLE } else { "科员" });
            if i % 3 == 0 {
                p.department = Department::parse("区司法局/办公室").unwrap_or_default();
            }
            p.status = match i % 11 {
                0 => Status::Exempt,
                1 => Status::Left,
                _ => Status::Active,
            };
            p.joined = (i % 4 != 0).then(|| day(days[i % 5]));
            p.left = (i % 5 == 1 || i % 11 == 1 && i % 2 == 0).then(|| day(days[(i / 5) % 5]));
            people.push(p);
        }
        let audiences = [
            Audience::default(),
            Audience::new(vec!["区司法局/办公室".into()], vec![], vec![]),
            Audience::new(vec![], vec![LEADER_ROLE.into()], vec!["P005".into()]),
        ];
        let mut counter = ExpectedCounter::new(&people);
        for (a, audience) in audiences.iter().enumerate() {
            for (d, date) in days.iter().enumerate() {
                for kind in [SessionKind::GroupStudy, SessionKind::Outreach] {
                    let mut session = StudySession::new(format!("s{a}{d}"), day(date), kind, "t", 1.0);
                    session.expected = audience.clone();
                    let naive = people.iter().filter(|p| session.expects(p)).count();
                    assert_eq!(counter.count(&session), naive, "audience {a}, {date}, {:?}", session.kind);
                    for (i, p) in people.iter().enumerate() {
                        assert_eq!(counter.expects(&session, i), session.expects(p), "{} at {date}", p.id);
                    }
                }
            }
        }
    }
}
