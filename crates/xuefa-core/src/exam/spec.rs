//! The exam blueprint, as administrators write it in TOML: sections that draw N questions of
//! a kind from laws, tags, difficulty and banks, the scoring of 多选, pass mark, bands,
//! attempts, the window and who must sit.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use serde::{Deserialize, Serialize};

use crate::normalize::law_key;
use crate::question::{Kind, Question};
use crate::roster::{Department, Person, Status, same_role};

/// How a multiple-choice answer earns points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scoring {
    /// Full points for exactly the key, else nothing.
    #[default]
    AllOrNothing,
    /// No wrong pick: points × correct picks ÷ key size; any wrong pick: nothing.
    Partial,
    /// No wrong pick and at least one right: half points; exactly the key: full points.
    Half,
}

/// Which attempt counts when a person sits more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Counts {
    /// The best score.
    #[default]
    Highest,
    /// The latest submitted attempt.
    Last,
    /// The first submitted attempt.
    First,
}

/// When a person may see a submitted attempt's questions with the keys and explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Review {
    /// As soon as the attempt is submitted.
    #[default]
    AfterSubmit,
    /// Once the exam has closed (so nobody passes the keys on while others still sit).
    AfterClose,
    /// Never: only the score is shown.
    Never,
}

/// A difficulty filter: one level, or an inclusive range `[min, max]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DifficultyFilter {
    /// Exactly this level.
    Level(u8),
    /// Levels from the first to the second, inclusive.
    Range([u8; 2]),
}

impl Scoring {
    /// Returns the name used in blueprints: `all_or_nothing`, `partial`, `half`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scoring::AllOrNothing => "all_or_nothing",
            Scoring::Partial => "partial",
            Scoring::Half => "half",
        }
    }
}

impl Counts {
    /// Returns the name used in blueprints: `highest`, `last`, `first`.
    pub fn as_str(self) -> &'static str {
        match self {
            Counts::Highest => "highest",
            Counts::Last => "last",
            Counts::First => "first",
        }
    }
}

impl DifficultyFilter {
    fn accepts(self, level: Option<u8>) -> bool {
        let Some(level) = level else { return false };
        match self {
            DifficultyFilter::Level(wanted) => level == wanted,
            DifficultyFilter::Range([low, high]) => (low..=high).contains(&level),
        }
    }
}

/// One section of the blueprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Section {
    /// The kind of every question in the section.
    pub kind: Kind,
    /// How many questions it draws.
    pub count: u32,
    /// Points per question.
    pub points: f64,
    /// Only questions on these laws (any of them); empty for all.
    #[serde(default)]
    pub laws: Vec<String>,
    /// Only questions with at least one of these tags; empty for all.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only questions of this difficulty.
    #[serde(default)]
    pub difficulty: Option<DifficultyFilter>,
    /// Only questions of these banks; empty for all.
    #[serde(default)]
    pub banks: Vec<String>,
    /// How a 多选 answer earns points (only for `kind = "multiple"`).
    #[serde(default)]
    pub scoring: Option<Scoring>,
}

impl Section {
    /// Returns whether a question of a bank may be drawn for this section.
    pub fn accepts(&self, bank: &str, question: &Question) -> bool {
        question.kind == self.kind
            && (self.banks.is_empty() || self.banks.iter().any(|b| b == bank))
            && (self.laws.is_empty() || self.laws.iter().any(|law| law_key(law) == law_key(&question.law)))
            && (self.tags.is_empty() || self.tags.iter().any(|tag| question.tags.contains(tag)))
            && self.difficulty.is_none_or(|filter| filter.accepts(question.difficulty))
    }

    /// Returns the scoring that applies (all-or-nothing when not set).
    pub fn scoring(&self) -> Scoring {
        self.scoring.unwrap_or_default()
    }
}

/// A grade band: a name and the share of the total it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Band {
    /// The name shown, such as 优秀.
    pub name: String,
    /// The least score that earns it, as a percentage of the total points.
    #[serde(default)]
    pub min_percent: Option<f64>,
    /// The least score that earns it, in points (instead of a percentage).
    #[serde(default)]
    pub min_points: Option<f64>,
}

/// Who must sit the exam.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Audience {
    /// These departments and those under them; empty with the other lists empty: everyone.
    #[serde(default)]
    pub departments: Vec<String>,
    /// People with these roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// These people, by employee id.
    #[serde(default)]
    pub people: Vec<String>,
}

impl Audience {
    /// Returns an audience of these departments, roles and people (all empty: everyone).
    pub fn new(departments: Vec<String>, roles: Vec<String>, people: Vec<String>) -> Self {
        Audience { departments, roles, people }
    }

    /// Returns whether a person must sit: active (not exempt, not left) and, when the
    /// audience names departments, roles or people, matching one of them.
    pub fn includes(&self, person: &Person) -> bool {
        person.status == Status::Active && self.matches(person)
    }

    /// Returns whether a person matches the audience's departments, roles and people,
    /// whatever their status (everyone matches an audience that names nobody).
    pub fn matches(&self, person: &Person) -> bool {
        if self.departments.is_empty() && self.roles.is_empty() && self.people.is_empty() {
            return true;
        }
        self.people.contains(&person.id)
            || self.roles.iter().any(|role| same_role(role, &person.role))
            || self
                .departments
                .iter()
                .filter_map(|d| Department::parse(d))
                .any(|department| person.department.is_within(&department))
    }
}

/// A date or a time in the spec: `2026-11-30` or `2026-11-30T18:00:00+08:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct When(pub String);

/// The exam blueprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ExamSpec {
    /// A short id used on the command line, such as `2026-annual`.
    pub id: String,
    /// The title printed on papers.
    pub title: String,
    /// The year the exam belongs to.
    pub year: i32,
    /// Time allowed for one attempt.
    pub duration_minutes: u32,
    /// The least score, in points, that passes.
    pub pass_mark: f64,
    /// How many attempts a person may make (补考 included).
    #[serde(default = "one")]
    pub attempts: u32,
    /// Which attempt counts.
    #[serde(default)]
    pub counts: Counts,
    /// When the exam opens: a date (its first moment) or an RFC 3339 time.
    #[serde(default)]
    pub opens: Option<When>,
    /// When the exam closes: a date (the end of that day) or an RFC 3339 time.
    #[serde(default)]
    pub closes: Option<When>,
    /// The UTC offset that dates are read in; China Standard Time by default.
    #[serde(default = "china_offset")]
    pub utc_offset: String,
    /// Whether each paper shows the options of a choice question in its own order.
    #[serde(default = "yes")]
    pub shuffle_options: bool,
    /// Grade bands, best first; by default 优秀 ≥ 90 %, 良好 ≥ 80 %, 合格 ≥ the pass mark.
    #[serde(default)]
    pub bands: Vec<Band>,
    /// Who must sit; everyone active when not given.
    #[serde(default)]
    pub audience: Audience,
    /// When a submitted attempt may be reviewed with keys and explanations (in a browser).
    #[serde(default)]
    pub review: Review,
    /// How many times a person may leave the exam page (切屏) in a browser before the
    /// attempt is submitted with what was saved; no limit when not given (leaving is still
    /// recorded).
    #[serde(default)]
    pub max_leaves: Option<u32>,
    /// The sections, in the order the paper shows them.
    pub sections: Vec<Section>,
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

fn china_offset() -> String {
    "+08:00".to_owned()
}

/// A mistake in a blueprint.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SpecProblem {
    /// The TOML does not parse or does not fit the blueprint; the text names the line.
    Syntax(String),
    /// A value is out of range; the key names what, the argument what is wrong.
    Invalid {
        /// The setting, such as `sections[2].count`.
        field: String,
        /// What is wrong, in English.
        detail: String,
    },
}

impl std::fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpecProblem::Syntax(text) => f.write_str(text),
            SpecProblem::Invalid { field, detail } => write!(f, "{field}: {detail}"),
        }
    }
}

impl ExamSpec {
    /// Returns the blueprint in a TOML text, or every problem found in it.
    ///
    /// # Errors
    /// Returns the syntax error (with its line), or every value out of range.
    pub fn from_toml(text: &str) -> Result<ExamSpec, Vec<SpecProblem>> {
        let spec: ExamSpec =
            toml::from_str(text).map_err(|error| vec![SpecProblem::Syntax(error.to_string())])?;
        let problems = spec.problems();
        if problems.is_empty() { Ok(spec) } else { Err(problems) }
    }

    /// Returns the problems of a blueprint built in code (empty when it is valid).
    pub fn problems(&self) -> Vec<SpecProblem> {
        let mut problems = Vec::new();
        let mut invalid = |field: String, detail: &str| {
            problems.push(SpecProblem::Invalid { field, detail: detail.to_owned() });
        };
        if self.id.trim().is_empty() || self.id.contains(char::is_whitespace) {
            invalid("id".into(), "must be a short name without spaces, such as 2026-annual");
        }
        if !(2000..=2100).contains(&self.year) {
            invalid("year".into(), "must be the exam's year, such as 2026");
        }
        if self.title.trim().is_empty() {
            invalid("title".into(), "must name the exam, such as 2026年度学法考试");
        }
        if self.duration_minutes == 0 {
            invalid("duration_minutes".into(), "must be at least 1");
        }
        if self.attempts == 0 {
            invalid("attempts".into(), "must be at least 1");
        }
        if self.sections.is_empty() {
            invalid("sections".into(), "an exam needs at least one [[sections]]");
        }
        for (index, section) in self.sections.iter().enumerate() {
            let name = |key: &str| format!("sections[{}].{key}", index + 1);
            if section.count == 0 {
                invalid(name("count"), "must be at least 1");
            }
            if !(section.points.is_finite() && section.points > 0.0) {
                invalid(name("points"), "must be a positive number");
            }
            if section.scoring.is_some() && section.kind != Kind::Multiple {
                invalid(name("scoring"), "only multiple-choice (多选) sections have a scoring rule");
            }
            if let Some(DifficultyFilter::Range([low, high])) = section.difficulty
                && !(1 <= low && low <= high && high <= 5)
            {
                invalid(name("difficulty"), "must be [low, high] with 1 ≤ low ≤ high ≤ 5");
            }
            if let Some(DifficultyFilter::Level(level)) = section.difficulty
                && !(1..=5).contains(&level)
            {
                invalid(name("difficulty"), "must be from 1 to 5");
            }
        }
        let total = self.total_points();
        if !(self.pass_mark.is_finite() && self.pass_mark > 0.0 && self.pass_mark <= total) {
            invalid("pass_mark".into(), &format!("must be above 0 and at most the total of {total} points"));
        }
        if self.offset().is_none() {
            invalid("utc_offset".into(), "must be an offset such as +08:00");
        }
        let opens = self.opens.as_ref().map(|w| self.instant(w, false));
        let closes = self.closes.as_ref().map(|w| self.instant(w, true));
        if let Some(None) = opens {
            invalid(
                "opens".into(),
                "must be a date such as 2026-11-01 or a time such as 2026-11-01T08:00:00+08:00",
            );
        }
        if let Some(None) = closes {
            invalid(
                "closes".into(),
                "must be a date such as 2026-11-30 or a time such as 2026-11-30T18:00:00+08:00",
            );
        }
        if let (Some(Some(opens)), Some(Some(closes))) = (opens, closes)
            && closes <= opens
        {
            invalid("closes".into(), "must be after opens");
        }
        for (index, band) in self.bands.iter().enumerate() {
            let field = || format!("bands[{}]", index + 1);
            if band.min_percent.is_some() == band.min_points.is_some() {
                invalid(field(), "needs exactly one of min_percent and min_points");
            }
            if band.min_percent.is_some_and(|p| !(p.is_finite() && (0.0..=100.0).contains(&p))) {
                invalid(field(), "min_percent must be from 0 to 100");
            }
            if band.min_points.is_some_and(|p| !(p.is_finite() && (0.0..=total).contains(&p))) {
                invalid(field(), &format!("min_points must be from 0 to the total of {total} points"));
            }
            if band.name.trim().is_empty() {
                invalid(field(), "needs a name, such as 优秀");
            }
        }
        problems
    }

    /// Returns the total points of a paper.
    pub fn total_points(&self) -> f64 {
        self.sections.iter().map(|s| f64::from(s.count) * s.points).sum()
    }

    /// Returns the number of questions of a paper.
    pub fn question_count(&self) -> u32 {
        self.sections.iter().map(|s| s.count).sum()
    }

    fn offset(&self) -> Option<Offset> {
        let text = self.utc_offset.trim();
        let (sign, rest) = match text.as_bytes().first()? {
            b'+' => (1, &text[1..]),
            b'-' => (-1, &text[1..]),
            _ => return None,
        };
        let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
        let seconds = sign * (hours.parse::<i32>().ok()? * 3600 + minutes.parse::<i32>().ok()? * 60);
        Offset::from_seconds(seconds).ok()
    }

    fn instant(&self, when: &When, end_of_day: bool) -> Option<Timestamp> {
        let text = when.0.trim();
        if let Ok(timestamp) = text.parse::<Timestamp>() {
            return Some(timestamp);
        }
        let date: Date = text.parse().ok()?;
        let offset = self.offset()?;
        let day = if end_of_day { date.tomorrow().ok()? } else { date };
        offset.to_timestamp(DateTime::from(day)).ok()
    }

    /// Returns when the exam opens, if it has a start.
    pub fn opens_at(&self) -> Option<Timestamp> {
        self.opens.as_ref().and_then(|w| self.instant(w, false))
    }

    /// Returns when the exam closes (a date closes at the end of that day), if it does.
    pub fn closes_at(&self) -> Option<Timestamp> {
        self.closes.as_ref().and_then(|w| self.instant(w, true))
    }

    /// Returns the grading rules: pass mark and bands, with the default bands when the spec
    /// gives none.
    pub fn grading(&self) -> Grading {
        let total = self.total_points();
        let mut bands: Vec<(String, f64)> = if self.bands.is_empty() {
            vec![
                ("优秀".to_owned(), total * 0.9),
                ("良好".to_owned(), total * 0.8),
                ("合格".to_owned(), self.pass_mark),
            ]
        } else {
            self.bands
                .iter()
                .map(|band| {
                    let min =
                        band.min_points.unwrap_or_else(|| total * band.min_percent.unwrap_or(0.0) / 100.0);
                    (band.name.clone(), min)
                })
                .collect()
        };
        bands.sort_by(|a, b| b.1.total_cmp(&a.1));
        Grading { pass_mark: self.pass_mark, total, bands, failed: "不合格".to_owned() }
    }
}

/// How a score becomes pass or fail and a band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Grading {
    /// The least score that passes.
    pub pass_mark: f64,
    /// The total points.
    pub total: f64,
    /// Bands as (name, least score), best first.
    pub bands: Vec<(String, f64)>,
    /// The band of a score below every band.
    pub failed: String,
}

impl Grading {
    /// Returns whether a score passes. Scores are compared after rounding to 1/1000 of a
    /// point, so 59.9999999 from summing thirds is not a fail at a pass mark of 60.
    pub fn passed(&self, score: f64) -> bool {
        round3(score) >= round3(self.pass_mark)
    }

    /// Returns the band of a score.
    pub fn band(&self, score: f64) -> &str {
        self.bands
            .iter()
            .find(|(_, min)| round3(score) >= round3(*min))
            .map_or(self.failed.as_str(), |(name, _)| name.as_str())
    }
}

/// Returns a number rounded to three decimals.
pub fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
id = "2026-annual"
title = "2026年度学法考试"
year = 2026
duration_minutes = 90
pass_mark = 60
attempts = 2
closes = "2026-11-30"

[audience]
departments = ["区司法局"]
roles = ["领导干部"]

[[sections]]
kind = "single"
count = 25
points = 2
laws = ["中华人民共和国民法典", "宪法"]

[[sections]]
kind = "multiple"
count = 10
points = 2
scoring = "partial"
difficulty = [2, 4]

[[sections]]
kind = "judge"
count = 15
points = 2
"#;

    #[test]
    fn a_full_blueprint_parses_with_defaults() {
        let spec = ExamSpec::from_toml(SPEC).expect("valid");
        assert_eq!(spec.total_points(), 100.0);
        assert_eq!(spec.question_count(), 50);
        assert_eq!((spec.counts, spec.shuffle_options, spec.attempts), (Counts::Highest, true, 2));
        assert_eq!(spec.sections[1].scoring(), Scoring::Partial);
        assert_eq!(spec.sections[0].scoring(), Scoring::AllOrNothing);
        assert_eq!(spec.closes_at(), "2026-11-30T16:00:00Z".parse().ok(), "the end of the day in China");
        let grading = spec.grading();
        assert_eq!(grading.band(95.0), "优秀");
        assert_eq!(grading.band(85.0), "良好");
        assert_eq!(grading.band(60.0), "合格");
        assert_eq!(grading.band(59.5), "不合格");
        assert!(grading.passed(59.99999999) && !grading.passed(59.5));
    }

    #[test]
    fn every_mistake_of_a_blueprint_is_reported() {
        let broken = SPEC
            .replace("duration_minutes = 90", "duration_minutes = 0")
            .replace("pass_mark = 60", "pass_mark = 120")
            .replace("scoring = \"partial\"", "scoring = \"partial\"\ntags = []")
            .replace("kind = \"judge\"\ncount = 15", "kind = \"judge\"\nscoring = \"half\"\ncount = 0");
        let problems = ExamSpec::from_toml(&broken).expect_err("invalid");
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 4, "{text:#?}");
        assert!(text.iter().any(|t| t.starts_with("sections[3].scoring")));
        let syntax = ExamSpec::from_toml("id = \"x\"\ntitle = 3\n").expect_err("syntax");
        assert!(matches!(&syntax[0], SpecProblem::Syntax(text) if text.contains("line 2")), "{syntax:?}");
        let unknown = ExamSpec::from_toml(&SPEC.replace("attempts = 2", "attempt = 2")).expect_err("typo");
        assert!(matches!(&unknown[0], SpecProblem::Syntax(text) if text.contains("attempt")));
    }

    #[test]
    fn audience_takes_departments_roles_and_people_but_never_the_exempt() {
        let spec = ExamSpec::from_toml(SPEC).expect("valid");
        let mut person = Person::new("1", "甲", Department::parse("区司法局/普法科").unwrap_or_default());
        assert!(spec.audience.includes(&person));
        person.status = Status::Exempt;
        assert!(!spec.audience.includes(&person));
        let mut leader = Person::new("2", "乙", Department::parse("区财政局").unwrap_or_default());
        assert!(!spec.audience.includes(&leader));
        leader.role = "leader".into();
        assert!(spec.audience.includes(&leader));
        assert!(Audience::default().includes(&Person::new("3", "丙", Department::default())));
    }
}
