//! A year of study sessions (`sessions.csv`) and their sign-in sheets, one file a month
//! (`attendance-MM.csv`).

use std::io::Write;

use crate::day::{self, Day};
use crate::par;
use crate::people::{Person, Status, Units};
use crate::rng::{Rng, Stream};
use crate::text::{LAWS, LEADER, OUTREACH_THEMES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    GroupStudy,
    Lecture,
    CourtHearing,
    Online,
    Outreach,
}

impl Kind {
    pub const ALL: [Kind; 5] =
        [Kind::GroupStudy, Kind::Lecture, Kind::CourtHearing, Kind::Online, Kind::Outreach];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::GroupStudy => "group_study",
            Kind::Lecture => "lecture",
            Kind::CourtHearing => "court_hearing",
            Kind::Online => "online",
            Kind::Outreach => "outreach",
        }
    }

    fn chinese(self) -> &'static str {
        match self {
            Kind::GroupStudy => "集中学习",
            Kind::Lecture => "专题讲座",
            Kind::CourtHearing => "旁听庭审",
            Kind::Online => "网络自学",
            Kind::Outreach => "普法宣传",
        }
    }
}

/// Who is expected at a session.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    Bureau(u32),
    Top(u32),
    Everyone,
    Leaders,
    Nobody,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub day: Day,
    pub kind: Kind,
    title: String,
    hours: f64,
    organiser: String,
    place: String,
    audience: Audience,
    headcount: Option<u32>,
    materials: Option<u32>,
    /// Court hearings: which of the year's hearings this is (each leader goes to one).
    slot: u32,
}

/// Court hearings a year; each leader is sent to one of them.
pub const COURT_HEARINGS: u32 = 4;
const ONLINE_MONTHS: [u32; 9] = [1, 2, 3, 4, 5, 6, 8, 9, 10];
const LECTURE_MONTHS: [u32; 4] = [3, 6, 9, 11];
const COURT_MONTHS: [u32; COURT_HEARINGS as usize] = [4, 6, 9, 11];
/// Outreach days: (month, day, theme).
const OUTREACH_DAYS: [(u32, u32, usize); 6] =
    [(3, 15, 3), (4, 15, 2), (5, 20, 1), (6, 16, 4), (9, 10, 5), (12, 4, 0)];

/// Returns the year's sessions, sorted by date, with ids `YYYY-MM-DD-N`.
pub fn sessions(seed: u64, units: &Units, year: i32) -> Vec<Session> {
    let mut sessions: Vec<Session> = Vec::new();
    let mut rng = Rng::derive(seed, Stream::Session, 0);
    let law = |rng: &mut Rng| LAWS[rng.index(LAWS.len())].name;
    let mut push = |day: Day,
                    kind: Kind,
                    title: String,
                    hours: f64,
                    organiser: &str,
                    place: String,
                    audience: Audience| {
        sessions.push(Session {
            id: String::new(),
            day,
            kind,
            title,
            hours,
            organiser: organiser.to_owned(),
            place,
            audience,
            headcount: None,
            materials: None,
            slot: 0,
        });
    };
    for (b, (path, _)) in units.bureaus.iter().enumerate() {
        let name = path.rsplit('/').next().unwrap_or(path);
        for month in 1..=12 {
            let day = day::workday(day::day(year, month, rng.range(3, 28)));
            let title = format!("会前学法：《{}》（{}月）", law(&mut rng), month);
            push(
                day,
                Kind::GroupStudy,
                title,
                2.0,
                path,
                format!("{name}会议室"),
                Audience::Bureau(b as u32),
            );
        }
    }
    for (t, path) in units.tops.iter().enumerate() {
        for month in LECTURE_MONTHS {
            let day = day::workday(day::day(year, month, rng.range(3, 28)));
            let title = format!("《{}》专题讲座", law(&mut rng));
            push(day, Kind::Lecture, title, 3.0, path, "机关报告厅".to_owned(), Audience::Top(t as u32));
        }
    }
    for (k, month) in ONLINE_MONTHS.iter().enumerate() {
        let day = day::day(year, *month, 20);
        let title = format!("网络自学：《{}》解读（第{}期）", law(&mut rng), k + 1);
        push(day, Kind::Online, title, 2.0, "某省普法办", "学法平台".to_owned(), Audience::Everyone);
    }
    for month in COURT_MONTHS {
        let day = day::workday(day::day(year, month, rng.range(3, 28)));
        push(
            day,
            Kind::CourtHearing,
            "旁听行政诉讼案件庭审".to_owned(),
            4.0,
            "某省司法厅",
            "某市中级人民法院".to_owned(),
            Audience::Leaders,
        );
    }
    for (path, _) in &units.bureaus {
        // Two outreach days a year for every bureau.
        let first = rng.index(OUTREACH_DAYS.len());
        let second = (first + 1 + rng.index(OUTREACH_DAYS.len() - 1)) % OUTREACH_DAYS.len();
        for which in [first, second] {
            let (month, dom, theme) = OUTREACH_DAYS[which];
            let title = format!("{}普法宣传活动", OUTREACH_THEMES[theme]);
            push(
                day::day(year, month, dom),
                Kind::Outreach,
                title,
                2.0,
                path,
                "市民广场".to_owned(),
                Audience::Nobody,
            );
        }
    }
    let mut slot = 0;
    for session in &mut sessions {
        if session.kind == Kind::Outreach {
            session.headcount = Some(rng.range(200, 5000));
            session.materials = Some(rng.range(100, 3000));
        }
        if session.kind == Kind::CourtHearing {
            session.slot = slot;
            slot += 1;
        }
    }
    sessions.sort_by_key(|s| (s.day, s.kind));
    let mut previous = (Day::MIN, 0);
    for session in &mut sessions {
        previous = if previous.0 == session.day { (session.day, previous.1 + 1) } else { (session.day, 1) };
        session.id = format!("{}-{}", day::format(session.day), previous.1);
    }
    sessions
}

pub const SESSION_HEADER: [&str; 11] = [
    "编号",
    "日期",
    "类型",
    "主题",
    "学时",
    "组织者",
    "地点",
    "参加部门",
    "参加对象",
    "受众人数",
    "发放资料",
];

/// Writes `sessions.csv`.
pub fn write_sessions(out: impl Write, sessions: &[Session], units: &Units) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(SESSION_HEADER)?;
    for s in sessions {
        let (departments, roles) = match s.audience {
            Audience::Bureau(b) => (units.bureaus[b as usize].0.as_str(), ""),
            Audience::Top(t) => (units.tops[t as usize].as_str(), ""),
            Audience::Leaders => ("", LEADER),
            Audience::Everyone | Audience::Nobody => ("", ""),
        };
        let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        writer.write_record([
            s.id.as_str(),
            &day::format(s.day),
            s.kind.chinese(),
            &s.title,
            &s.hours.to_string(),
            &s.organiser,
            &s.place,
            departments,
            roles,
            &count(s.headcount),
            &count(s.materials),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// The people of each audience, by index.
#[derive(Debug)]
pub struct Audiences {
    by_bureau: Vec<Vec<u32>>,
    by_top: Vec<Vec<u32>>,
    leaders: Vec<u32>,
    everyone: u32,
}

impl Audiences {
    pub fn new(people: &[Person], units: &Units) -> Audiences {
        let mut by_bureau = vec![Vec::new(); units.bureaus.len()];
        let mut by_top = vec![Vec::new(); units.tops.len()];
        let mut leaders = Vec::new();
        for (i, person) in people.iter().enumerate() {
            by_bureau[units.leaves[person.leaf as usize].1 as usize].push(i as u32);
            by_top[units.top_of_leaf(person.leaf) as usize].push(i as u32);
            if person.is_leader() {
                leaders.push(i as u32);
            }
        }
        Audiences { by_bureau, by_top, leaders, everyone: people.len() as u32 }
    }

    fn len(&self, audience: Audience) -> usize {
        match audience {
            Audience::Bureau(b) => self.by_bureau[b as usize].len(),
            Audience::Top(t) => self.by_top[t as usize].len(),
            Audience::Leaders => self.leaders.len(),
            Audience::Everyone => self.everyone as usize,
            Audience::Nobody => 0,
        }
    }

    fn get(&self, audience: Audience, at: usize) -> u32 {
        match audience {
            Audience::Bureau(b) => self.by_bureau[b as usize][at],
            Audience::Top(t) => self.by_top[t as usize][at],
            Audience::Leaders => self.leaders[at],
            _ => at as u32,
        }
    }
}

pub const ATTENDANCE_HEADER: [&str; 5] = ["编号", "工号", "姓名", "状态", "学时"];
const SLICE: usize = 50_000;

/// Marks written, by status: present, late, left early, excused, absent.
#[derive(Debug, Default, Clone, Copy)]
pub struct Marks {
    pub by_status: [u64; 5],
    pub with_hours: u64,
}

impl Marks {
    pub fn total(&self) -> u64 {
        self.by_status.iter().sum()
    }

    fn add(&mut self, other: &Marks) {
        for (a, b) in self.by_status.iter_mut().zip(other.by_status) {
            *a += b;
        }
        self.with_hours += other.with_hours;
    }
}

const STATUS_TEXT: [&str; 5] = ["出席", "迟到", "早退", "请假", "缺席"];

/// Writes the sign-in sheet of one month: every session of the month, its expected people
/// in roster order (some missing from the sheet, as happens).
pub fn write_month(
    out: &mut impl Write,
    seed: u64,
    sessions: &[Session],
    month_sessions: &[usize],
    people: &[Person],
    audiences: &Audiences,
    threads: usize,
) -> std::io::Result<Marks> {
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(ATTENDANCE_HEADER).map_err(std::io::Error::other)?;
    out.write_all(&header.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?)?;
    // Chunks: (session, first person at, last person at).
    let mut chunks: Vec<(usize, usize, usize)> = Vec::new();
    for &s in month_sessions {
        let len = audiences.len(sessions[s].audience);
        let mut from = 0;
        while from < len {
            chunks.push((s, from, (from + SLICE).min(len)));
            from += SLICE;
        }
    }
    let mut total = Marks::default();
    par::ordered(
        chunks.len(),
        threads,
        |chunk| {
            let (s, from, to) = chunks[chunk];
            let session = &sessions[s];
            let mut rng = Rng::derive(seed, Stream::Attendance, ((s as u64) << 24) | (from / SLICE) as u64);
            let mut marks = Marks::default();
            let mut writer = csv::Writer::from_writer(Vec::with_capacity((to - from) * 40));
            for at in from..to {
                let index = audiences.get(session.audience, at) as usize;
                let person = &people[index];
                if person.status == Status::Exempt || !person.on_roster(session.day) {
                    continue;
                }
                if session.kind == Kind::CourtHearing && court_slot(seed, index) != Some(session.slot) {
                    continue;
                }
                // 1 % of the expected are missing from the sheet (and count as absent).
                if rng.chance(0.01) {
                    continue;
                }
                let status = if session.kind == Kind::Online {
                    if rng.chance(0.93) { 0 } else { 4 }
                } else {
                    rng.weighted(&[90.0, 3.0, 1.5, 3.5, 2.0])
                };
                // Self-study platforms export the hours each person earned.
                let hours = if session.kind == Kind::Online && status == 0 && rng.chance(0.3) {
                    marks.with_hours += 1;
                    ["1", "1.5", "2.5", "3"][rng.index(4)]
                } else {
                    ""
                };
                marks.by_status[status] += 1;
                let id = Person::id(index);
                let name = person.name();
                let record = [session.id.as_str(), id.as_str(), name.as_str(), STATUS_TEXT[status], hours];
                if writer.write_record(record).is_err() {
                    break;
                }
            }
            (writer.into_inner().unwrap_or_default(), marks)
        },
        |_, (bytes, marks): (Vec<u8>, Marks)| {
            total.add(&marks);
            out.write_all(&bytes)
        },
    )?;
    Ok(total)
}

/// Returns the court hearing a leader goes to, if any (85 % go to one).
fn court_slot(seed: u64, person: usize) -> Option<u32> {
    let mut rng = Rng::derive(seed, Stream::Court, person as u64);
    rng.chance(0.85).then(|| rng.below(u64::from(COURT_HEARINGS)) as u32)
}
