//! Departments (2–3 levels: 省直单位/第N市局/科室) and people, written as `roster.csv`.

use std::io::Write;

use crate::day::{self, Day};
use crate::rng::{Rng, Stream};
use crate::text::{GIVEN, LEADER, OFFICES, ROLES, SURNAMES, TOP_UNITS};

/// Leaf departments per top unit, about.
const LEAVES_PER_TOP: u32 = 250;
/// A bureau has its offices and its own staff (a 2-level department).
const LEAVES_PER_BUREAU: u32 = OFFICES.len() as u32 + 1;

/// The units: top units, bureaus under them and leaf departments people belong to.
#[derive(Debug)]
pub struct Units {
    pub tops: Vec<String>,
    /// Each bureau: its path and its top unit.
    pub bureaus: Vec<(String, u32)>,
    /// Each leaf department: its path and its bureau.
    pub leaves: Vec<(String, u32)>,
}

impl Units {
    pub fn new(leaves: u32) -> Units {
        let top_count = leaves.div_ceil(LEAVES_PER_TOP).max(2);
        let tops: Vec<String> = (0..top_count as usize)
            .map(|t| match TOP_UNITS.get(t) {
                Some(name) => (*name).to_owned(),
                None => format!("{}（{}）", TOP_UNITS[t % TOP_UNITS.len()], t / TOP_UNITS.len() + 1),
            })
            .collect();
        let mut bureaus: Vec<(String, u32)> = Vec::new();
        let mut bureau_of: std::collections::HashMap<(u32, u32), u32> = std::collections::HashMap::new();
        let mut paths = Vec::with_capacity(leaves as usize);
        for j in 0..leaves {
            let top = j % top_count;
            let r = j / top_count;
            let local = r / LEAVES_PER_BUREAU;
            let office = r % LEAVES_PER_BUREAU;
            let bureau = *bureau_of.entry((top, local)).or_insert_with(|| {
                bureaus.push((format!("{}/第{}市局", tops[top as usize], local + 1), top));
                bureaus.len() as u32 - 1
            });
            let path = match OFFICES.get(office as usize) {
                Some(name) => format!("{}/{}", bureaus[bureau as usize].0, name),
                None => bureaus[bureau as usize].0.clone(),
            };
            paths.push((path, bureau));
        }
        Units { tops, bureaus, leaves: paths }
    }

    pub fn top_of_leaf(&self, leaf: u32) -> u32 {
        self.bureaus[self.leaves[leaf as usize].1 as usize].1
    }

    /// Every department path xuefa will store: leaves, bureaus and top units.
    pub fn path_count(&self) -> usize {
        let mut all: std::collections::HashSet<&str> = self.leaves.iter().map(|(p, _)| p.as_str()).collect();
        all.extend(self.bureaus.iter().map(|(p, _)| p.as_str()));
        all.extend(self.tops.iter().map(String::as_str));
        all.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Exempt,
    Left,
}

/// One person, compactly: a million of them fit in some 30 MB.
#[derive(Debug, Clone)]
pub struct Person {
    pub leaf: u32,
    surname: u16,
    given: [u8; 2],
    role: u8,
    pub status: Status,
    pub joined: Day,
    /// `Day::MAX` when still on the roster.
    pub left: Day,
    pub ability: f32,
}

const NO_GIVEN: u8 = u8::MAX;

impl Person {
    pub fn id(index: usize) -> String {
        format!("P{:07}", index + 1)
    }

    pub fn name(&self) -> String {
        let mut name = SURNAMES[usize::from(self.surname)].to_owned();
        for g in self.given {
            if g != NO_GIVEN {
                name.push_str(GIVEN[usize::from(g)]);
            }
        }
        name
    }

    pub fn is_leader(&self) -> bool {
        usize::from(self.role) == ROLES.len()
    }

    pub fn role(&self) -> &'static str {
        ROLES.get(usize::from(self.role)).map_or(LEADER, |(name, _)| name)
    }

    /// Whether the person was on the roster on that day.
    pub fn on_roster(&self, day: Day) -> bool {
        self.joined <= day && day <= self.left
    }

    pub fn joined_in(&self, year: i32) -> bool {
        self.joined >= day::day(year, 1, 1)
    }
}

/// Returns the people, from the seed.
pub fn people(seed: u64, count: u32, units: &Units, year: i32) -> Vec<Person> {
    let leaves = units.leaves.len() as f64;
    let role_weights: Vec<f64> = ROLES.iter().map(|(_, w)| *w).collect();
    let year_start = day::day(year, 1, 1);
    (0..count)
        .map(|i| {
            let mut rng = Rng::derive(seed, Stream::Person, u64::from(i));
            // Some departments are far larger than others (the bureau's own staff, big offices).
            let leaf = ((leaves * rng.unit().powf(1.5)) as u32).min(units.leaves.len() as u32 - 1);
            let surname = ((SURNAMES.len() as f64 * rng.unit().powf(2.0)) as usize).min(SURNAMES.len() - 1);
            let first = rng.index(GIVEN.len()) as u8;
            let second = if rng.chance(0.7) { rng.index(GIVEN.len()) as u8 } else { NO_GIVEN };
            let role = if rng.chance(0.05) { ROLES.len() as u8 } else { rng.weighted(&role_weights) as u8 };
            let x = rng.unit();
            let status = if x < 0.01 {
                Status::Exempt
            } else if x < 0.02 {
                Status::Left
            } else {
                Status::Active
            };
            let joined = if rng.chance(0.03) {
                year_start + rng.range(9, 303) as Day
            } else {
                day::day(rng.range(1985, year as u32 - 1) as i32, rng.range(1, 12), rng.range(1, 28))
            };
            let left = if status == Status::Left {
                (year_start + rng.range(31, 323) as Day).max(joined + 30)
            } else {
                Day::MAX
            };
            let ability = (1.4 + 0.9 * rng.normal()) as f32;
            Person {
                leaf,
                surname: surname as u16,
                given: [first, second],
                role,
                status,
                joined,
                left,
                ability,
            }
        })
        .collect()
}

pub const HEADER: [&str; 7] = ["工号", "姓名", "部门", "职务", "状态", "入职日期", "离职日期"];

/// Writes `roster.csv`.
pub fn write(out: impl Write, people: &[Person], units: &Units) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for (i, person) in people.iter().enumerate() {
        let status = match person.status {
            Status::Active => "在职",
            Status::Exempt => "免考",
            Status::Left => "离职",
        };
        let left = if person.left == Day::MAX { String::new() } else { day::format(person.left) };
        writer.write_record([
            Person::id(i).as_str(),
            &person.name(),
            &units.leaves[person.leaf as usize].0,
            person.role(),
            status,
            &day::format(person.joined),
            &left,
        ])?;
    }
    writer.flush()?;
    Ok(())
}
