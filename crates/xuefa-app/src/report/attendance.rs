//! A year of study: per session who was expected and who came; per person the hours by
//! kind and each requirement (the rules are `xuefa_core::study`'s); per department how many
//! people met every requirement. Marks are summed in one pass and people stream to a
//! callback, so a province's tens of millions of marks and million people are never held.

use std::collections::{BTreeMap, HashMap};

use xuefa_core::exam::Audience;
use xuefa_core::study::{
    Credit, ExpectedCounter, PersonYear, SessionKind, StudySession, Totals, evaluate_totals,
};
use xuefa_core::{Department, Person, Status};
use xuefa_store::{Config, PracticeStore, Store, StudyStore};

use serde_json::{Value, json};

use crate::error::AppError;
use crate::format::{percent, points, rate};
use crate::i18n::Tr;
use crate::render::{Cell, Listing};

/// Returns the depth `--by department:DEPTH` asks for (`None`: the full path).
pub fn depth(by: Option<&str>) -> Result<Option<usize>, AppError> {
    match by {
        None | Some("department") => Ok(None),
        Some(text) => match text.strip_prefix("department:").and_then(|d| d.parse::<usize>().ok()) {
            Some(depth) if depth > 0 => Ok(Some(depth)),
            _ => Err(AppError::message_of("report.bad_by", vec![("value", text.to_owned())])),
        },
    }
}

/// Names each person's department group: the path cut to a depth (`None`: the full path).
/// People come from the store by department, so a name is worked out once per department
/// rather than once per person.
#[derive(Debug)]
pub struct Groups {
    depth: Option<usize>,
    last: Option<(Department, String)>,
}

impl Groups {
    /// Groups cut to `depth` levels (`None`: full paths).
    pub fn new(depth: Option<usize>) -> Self {
        Groups { depth, last: None }
    }

    /// Returns the name of the group a department belongs to.
    pub fn name(&mut self, department: &Department) -> &str {
        if self.last.as_ref().is_none_or(|(last, _)| last != department) {
            let name = match self.depth {
                Some(d) => department.truncated(d).path(),
                None => department.path(),
            };
            self.last = Some((department.clone(), name));
        }
        self.last.as_ref().map_or("", |(_, name)| name.as_str())
    }
}

/// A session of the year with how many were expected and came.
#[derive(Debug, Clone)]
pub struct Session {
    pub session: StudySession,
    pub expected: usize,
    pub attended: usize,
}

/// A year of study: its sessions, per department (people evaluated, people who met all,
/// hours), and the totals over everyone. Each person's year goes to a callback instead of
/// being kept: a province has a million of them.
#[derive(Debug, Clone)]
pub struct StudyYear {
    pub sessions: Vec<Session>,
    pub departments: BTreeMap<String, (usize, usize, f64)>,
    /// People with requirements (active, on the roster during the year).
    pub evaluated: usize,
    /// Of them, people who met every requirement.
    pub met_all: usize,
    /// Their hours in all.
    pub hours: f64,
    /// Per requirement: people it applies to, people who met it.
    pub requirements: BTreeMap<String, (usize, usize)>,
    /// Hours studied per session kind, over everyone.
    pub hours_by_kind: BTreeMap<String, f64>,
    /// Practice in the year per department, over the people with requirements.
    pub practice: BTreeMap<String, PracticeFigures>,
}

/// Practice over a year in one department: of its people with requirements, how many
/// practised, their answers and the hours practice earned them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PracticeFigures {
    /// People with requirements.
    pub people: usize,
    /// Of them, people who answered at least one practice question in the year.
    pub practised: usize,
    /// Practice answers given.
    pub answered: usize,
    /// Of which right.
    pub right: usize,
    /// Online self-study hours practice earned (`[practice]` in `xuefa.toml`; 0 when off).
    pub hours: f64,
}

impl PracticeFigures {
    /// Adds another department's figures.
    pub fn add(&mut self, other: &PracticeFigures) {
        self.people += other.people;
        self.practised += other.practised;
        self.answered += other.answered;
        self.right += other.right;
        self.hours += other.hours;
    }
}

/// One person's practice over the year, summed from their practice days.
#[derive(Debug, Clone, Copy, Default)]
struct PracticeTally {
    answered: usize,
    right: usize,
    hours: f64,
}

/// Returns a year of study from the store (the figures are summed in SQL).
///
/// `today` is the office's date: a session before it, or with marks, expects its whole
/// audience; one still to come counts only who is expected so far.
pub fn study_year<S: Store + StudyStore + PracticeStore + ?Sized>(
    store: &S,
    config: &Config,
    year: i16,
    depth: Option<usize>,
    today: xuefa_core::Date,
    each: &mut dyn FnMut(&Person, &PersonYear),
) -> Result<StudyYear, AppError> {
    let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let bad_year = || AppError::message_of("report.bad_year", vec![("value", year.to_string())]);
    let period = (
        xuefa_core::Date::new(year, 1, 1).map_err(|_| bad_year())?,
        xuefa_core::Date::new(year, 12, 31).map_err(|_| bad_year())?,
    );
    let study = &config.study;
    let sessions = store.sessions(&from, &to)?;
    let people = store.people(None)?;
    // One pass over the marks, session by session, summing into dense tables: a province
    // has tens of millions of marks, and none is held.
    let credit: &Credit = &study.credit;
    let person_of: HashMap<&str, usize> =
        people.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let session_of: HashMap<&str, usize> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut kinds: Vec<String> = Vec::new();
    let kind_of: Vec<usize> = sessions
        .iter()
        .map(|s| match kinds.iter().position(|k| k == s.kind.as_str()) {
            Some(k) => k,
            None => {
                kinds.push(s.kind.as_str().to_owned());
                kinds.len() - 1
            }
        })
        .collect();
    // Practice earns online self-study hours when the office says so.
    let practice_credit = config.practice.credit();
    let online = practice_credit.map(|_| {
        kinds.iter().position(|k| k == SessionKind::Online.as_str()).unwrap_or_else(|| {
            kinds.push(SessionKind::Online.as_str().to_owned());
            kinds.len() - 1
        })
    });
    let width = kinds.len().max(1);
    // Per person and kind: hours, sessions attended, and whether there is any mark.
    let mut hours = vec![0.0f64; people.len() * width];
    let mut attended_by_kind = vec![0u32; people.len() * width];
    let mut marked_kind = vec![false; people.len() * width];
    // Per session: marks, attended, marked outside its audience.
    let mut marked = vec![0u64; sessions.len()];
    let mut attended = vec![0u64; sessions.len()];
    let mut outside = vec![0usize; sessions.len()];
    let mut current: Option<(String, usize)> = None;
    let mut counter = ExpectedCounter::new(&people);
    store.scan_marks(&from, &to, &mut |session_id, employee, status, own| {
        let index = match &current {
            Some((id, index)) if id == session_id => *index,
            _ => {
                let Some(&index) = session_of.get(session_id) else { return };
                current = Some((session_id.to_owned(), index));
                index
            }
        };
        let session = &sessions[index];
        let came = matches!(status, "present" | "late" | "left_early");
        marked[index] += 1;
        attended[index] += u64::from(came);
        let person = person_of.get(employee).copied();
        // Marked but maybe not expected: not on the roster, not active, outside their dates,
        // or at a session for a named audience.
        let candidate = match person.map(|p| &people[p]) {
            None => true,
            Some(p) => {
                p.status != Status::Active
                    || p.joined.is_some_and(|j| j > session.date)
                    || p.left.is_some_and(|l| l < session.date)
                    || session.expected != Audience::default()
            }
        };
        if candidate && !person.is_some_and(|p| counter.expects(session, p)) {
            outside[index] += 1;
        }
        let Some(p) = person else { return };
        // The credit of a status, as the office set it; a mark's own hours replace the
        // session's when the status earns anything.
        let share = match status {
            "present" => credit.present,
            "late" => credit.late,
            "left_early" => credit.left_early,
            "excused" => credit.excused,
            _ => credit.absent,
        };
        let cell = p * width + kind_of[index];
        hours[cell] += match own {
            Some(own) if share > 0.0 => own,
            _ => session.hours * share,
        };
        attended_by_kind[cell] += u32::from(came);
        marked_kind[cell] = true;
    })?;
    // Practice in the year, per person; the hours it earns go to online self-study.
    let mut practice = vec![PracticeTally::default(); people.len()];
    store.practice_totals(period.0, period.1, practice_credit, &mut |employee, totals| {
        let Some(&p) = person_of.get(employee) else { return };
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        practice[p] = PracticeTally {
            answered: count(totals.answered),
            right: count(totals.right),
            hours: totals.hours,
        };
        if let Some(online) = online
            && totals.hours > 0.0
        {
            let cell = p * width + online;
            hours[cell] += totals.hours;
            marked_kind[cell] = true;
        }
    })?;
    // A person's totals, made when they are evaluated (a million of them are never held).
    let totals_of = |person: usize| -> Option<Totals> {
        let cells = person * width..(person + 1) * width;
        if !marked_kind[cells.clone()].iter().any(|m| *m) {
            return None;
        }
        let mut totals = Totals::default();
        for cell in cells.filter(|&c| marked_kind[c]) {
            totals.add(&kinds[cell % width], hours[cell], attended_by_kind[cell]);
        }
        Some(totals)
    };
    let counts: HashMap<String, (u64, u64)> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.clone(), (marked[i], attended[i]))).collect();
    let outside: HashMap<String, usize> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.clone(), outside[i])).collect();

    let session_rows: Vec<Session> = sessions
        .iter()
        .map(|session| {
            let (marked, attended) = counts.get(&session.id).copied().unwrap_or((0, 0));
            let audience = counter.count(session);
            let outside = outside.get(&session.id).copied().unwrap_or(0);
            let expected = if session.date < today || marked > 0 { audience + outside } else { audience };
            Session { session: session.clone(), expected, attended: attended as usize }
        })
        .collect();

    // People: everyone on the roster during the year (people who left, only if they studied).
    let mut groups = Groups::new(depth);
    let mut result = StudyYear {
        sessions: session_rows,
        departments: BTreeMap::new(),
        evaluated: 0,
        met_all: 0,
        hours: 0.0,
        requirements: BTreeMap::new(),
        hours_by_kind: BTreeMap::new(),
        practice: BTreeMap::new(),
    };
    for (i, person) in people.iter().enumerate() {
        if !(person.joined.is_none_or(|j| j <= period.1) && person.left.is_none_or(|l| l >= period.0)) {
            continue;
        }
        let own = totals_of(i);
        if person.status == Status::Left && own.is_none() {
            continue;
        }
        let year = evaluate_totals(person, own.unwrap_or_default(), &study.requirements, period);
        each(person, &year);
        for (kind, hours) in &year.hours_by_kind {
            *result.hours_by_kind.entry(kind.clone()).or_default() += hours;
        }
        if !year.evaluated {
            continue;
        }
        result.evaluated += 1;
        result.met_all += usize::from(year.met_all());
        result.hours += year.hours;
        for r in &year.requirements {
            let entry = result.requirements.entry(r.name.clone()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(r.met);
        }
        let name = groups.name(&person.department).to_owned();
        let tally = practice[i];
        let practised = result.practice.entry(name.clone()).or_default();
        practised.people += 1;
        if tally.answered > 0 {
            practised.practised += 1;
            practised.answered += tally.answered;
            practised.right += tally.right;
            practised.hours += tally.hours;
        }
        let entry = result.departments.entry(name).or_default();
        entry.0 += 1;
        entry.1 += usize::from(year.met_all());
        entry.2 += year.hours;
    }
    Ok(result)
}

/// Returns the name of a kind in the language: the catalog's for built-in kinds, the
/// office's own name for custom ones.
pub fn kind_label(kind: &xuefa_core::study::SessionKind, custom: &[(String, String)], ui: &Tr) -> String {
    match kind {
        xuefa_core::study::SessionKind::Custom(id) => {
            custom.iter().find(|(k, _)| k == id).map_or_else(|| id.clone(), |(_, name)| name.clone())
        }
        built_in => ui.text(&format!("session_kind.{}", built_in.as_str()), &[]),
    }
}

/// The columns of the people of a year of study: everyone (`owing` false) or one row per
/// requirement someone still owes (`owing` true), as (field, label, cell).
pub fn people_columns(owing: bool, ui: &Tr) -> Vec<(&'static str, String, Cell)> {
    let label = |key: &str| ui.text(key, &[]);
    if owing {
        vec![
            ("employee", label("col.employee"), Cell::Text),
            ("name", label("col.name"), Cell::Text),
            ("department", label("col.department"), Cell::Text),
            ("requirement", label("col.requirement"), Cell::Text),
            ("shortfall", label("col.shortfall"), Cell::Decimal),
        ]
    } else {
        vec![
            ("employee", label("col.employee"), Cell::Text),
            ("name", label("col.name"), Cell::Text),
            ("department", label("col.department"), Cell::Text),
            ("hours", label("col.hours"), Cell::Decimal),
            ("met_all", label("col.met_all"), Cell::Text),
            ("owing", label("col.owing"), Cell::Text),
        ]
    }
}

/// A row of a listing as programs read it, as people read it, and as JSON.
pub type Row = (Vec<String>, Vec<String>, Value);

/// Returns a person's rows: one (everyone), or one per requirement they still owe.
pub fn person_rows(person: &Person, year: &PersonYear, owing: bool, ui: &Tr) -> Vec<Row> {
    let department = person.department.path();
    if owing {
        return year
            .requirements
            .iter()
            .filter(|r| !r.met)
            .map(|requirement| {
                let unit = ui.text(&format!("unit.{}", requirement.unit), &[("count", points(requirement.shortfall))]);
                (
                    vec![
                        person.id.clone(),
                        person.name.clone(),
                        department.clone(),
                        requirement.name.clone(),
                        requirement.shortfall.to_string(),
                    ],
                    vec![
                        person.id.clone(),
                        person.name.clone(),
                        department.clone(),
                        requirement.name.clone(),
                        format!("{} {unit}", points(requirement.shortfall)),
                    ],
                    json!({"employee": person.id, "name": person.name, "department": department, "requirement": requirement.name, "shortfall": requirement.shortfall, "unit": requirement.unit}),
                )
            })
            .collect();
    }
    let owed: Vec<String> = year
        .requirements
        .iter()
        .filter(|r| !r.met)
        .map(|r| format!("{} −{}", r.name, points(r.shortfall)))
        .collect();
    let met = if year.evaluated {
        ui.text(if year.met_all() { "yes" } else { "no" }, &[])
    } else {
        ui.text("report.exempt", &[])
    };
    vec![(
        vec![
            person.id.clone(),
            person.name.clone(),
            department.clone(),
            year.hours.to_string(),
            year.met_all().to_string(),
            owed.join("; "),
        ],
        vec![
            person.id.clone(),
            person.name.clone(),
            department.clone(),
            points(year.hours),
            met,
            owed.join(ui.clause_separator()),
        ],
        json!({
            "employee": person.id,
            "name": person.name,
            "department": department,
            "status": person.status.as_str(),
            "hours": year.hours,
            "hours_by_kind": year.hours_by_kind,
            "sessions_by_kind": year.sessions_by_kind,
            "evaluated": year.evaluated,
            "requirements": year.requirements.iter().map(|r| json!({
                "name": r.name, "met": r.met, "shortfall": r.shortfall, "required": r.required, "done": r.done, "unit": r.unit,
            })).collect::<Vec<_>>(),
        }),
    )]
}

/// Returns the year's sessions as JSON: expected, attended and the attendance rate of each.
pub fn sessions_json(study: &StudyYear) -> Vec<Value> {
    study
        .sessions
        .iter()
        .map(|row| {
            json!({
                "id": row.session.id,
                "date": row.session.date.to_string(),
                "kind": row.session.kind.as_str(),
                "title": row.session.title,
                "hours": row.session.hours,
                "expected": row.expected,
                "attended": row.attended,
                "attendance_rate": rate(row.attended, row.expected),
                "headcount": row.session.headcount,
                "materials": row.session.materials,
            })
        })
        .collect()
}

/// Returns the departments of a year as JSON: people, who met everything, the rate, mean hours.
pub fn departments_json(study: &StudyYear) -> Vec<Value> {
    study
        .departments
        .iter()
        .map(|(department, (evaluated, met, hours))| {
            json!({
                "department": department,
                "people": evaluated,
                "met_all": met,
                "met_rate": rate(*met, *evaluated),
                "mean_hours": (*evaluated > 0).then(|| hours / *evaluated as f64),
            })
        })
        .collect()
}

/// Returns the year's sessions as a listing in a language (`custom`: the office's kinds).
pub fn sessions_listing(study: &StudyYear, custom: &[(String, String)], ui: &Tr) -> Listing {
    let label = |key: &str| ui.text(key, &[]);
    let mut sessions = Listing::typed(vec![
        ("id", label("col.session_id"), Cell::Text),
        ("date", label("col.date"), Cell::Date),
        ("kind", label("col.session_kind"), Cell::Text),
        ("title", label("col.topic"), Cell::Text),
        ("hours", label("col.hours"), Cell::Decimal),
        ("expected", label("col.expected"), Cell::Count),
        ("attended", label("col.attended"), Cell::Count),
        ("attendance_rate", label("col.attendance_rate"), Cell::Percent),
    ]);
    for row in &study.sessions {
        let s = &row.session;
        let r = rate(row.attended, row.expected);
        let raw = vec![
            s.id.clone(),
            s.date.to_string(),
            s.kind.as_str().to_owned(),
            s.title.clone(),
            s.hours.to_string(),
            row.expected.to_string(),
            row.attended.to_string(),
            r.map(|v| v.to_string()).unwrap_or_default(),
        ];
        let mut shown = raw.clone();
        shown[2] = kind_label(&s.kind, custom, ui);
        shown[4] = points(s.hours);
        shown[7] = percent(r);
        sessions.row_shown(raw, shown);
    }
    sessions
}

/// Returns the departments of a year as a listing in a language.
pub fn departments_listing(study: &StudyYear, ui: &Tr) -> Listing {
    let label = |key: &str| ui.text(key, &[]);
    let mut departments = Listing::typed(vec![
        ("department", label("col.department"), Cell::Text),
        ("people", label("col.people"), Cell::Count),
        ("met_all", label("col.met_all"), Cell::Count),
        ("met_rate", label("col.met_rate"), Cell::Percent),
    ]);
    for (department, (evaluated, met, _)) in &study.departments {
        let r = rate(*met, *evaluated);
        departments.row_shown(
            vec![
                department.clone(),
                evaluated.to_string(),
                met.to_string(),
                r.map(|v| v.to_string()).unwrap_or_default(),
            ],
            vec![department.clone(), evaluated.to_string(), met.to_string(), percent(r)],
        );
    }
    departments
}
