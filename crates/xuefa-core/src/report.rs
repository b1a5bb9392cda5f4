//! The figures of an exam as annual reports give them, per department and in total.
//!
//! Who counts:
//!
//! - `expected` (应考): people the exam's audience includes (active, not exempt, matching
//!   its departments, roles or people);
//! - `took` (参考): those of them with at least one submitted attempt;
//! - `passed` (合格): those of them whose counted attempt (by the exam's `counts` rule)
//!   passed, a score equal to the pass mark included;
//! - `excellent` (优秀): those of them whose counted attempt reached the exam's best band.
//!
//! People outside the audience who sat anyway are counted in `others_took` and nowhere
//! else, so that a rate never exceeds 100 %.
//!
//! Rates are fractions from 0 to 1: `participation_rate` = took ÷ expected, `pass_rate` =
//! passed ÷ took, `pass_rate_of_expected` = passed ÷ expected, `excellent_rate` =
//! excellent ÷ took. A rate whose denominator is zero is `None` (`null` in JSON), as are
//! the mean, median, minimum and maximum score when nobody took the exam. The median of an
//! even number of scores is the mean of the middle two.
//!
//! The distribution counts the counted scores in ten bands of a tenth of the total points
//! each, `[0, 10 %)`, `[10 %, 20 %)` … `[90 %, 100 %]` (the last one closed).

use serde::Serialize;

/// One band of the score distribution, in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Bin {
    /// The least score in the band.
    pub from: f64,
    /// The score the band stops below (the last band includes it).
    pub to: f64,
    /// People whose counted score falls in the band.
    pub count: u64,
}

/// The figures of one group of people, or of everyone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ExamFigures {
    /// People who must sit (应考).
    pub expected: u64,
    /// Of them, people who sat (参考).
    pub took: u64,
    /// Of them, people who passed (合格).
    pub passed: u64,
    /// Of them, people in the best band (优秀).
    pub excellent: u64,
    /// People outside the audience who sat anyway.
    pub others_took: u64,
    /// took ÷ expected.
    pub participation_rate: Option<f64>,
    /// passed ÷ took.
    pub pass_rate: Option<f64>,
    /// passed ÷ expected.
    pub pass_rate_of_expected: Option<f64>,
    /// excellent ÷ took.
    pub excellent_rate: Option<f64>,
    /// Mean counted score of those who took it.
    pub mean_score: Option<f64>,
    /// Median counted score.
    pub median_score: Option<f64>,
    /// Lowest counted score.
    pub min_score: Option<f64>,
    /// Highest counted score.
    pub max_score: Option<f64>,
    /// Counted scores in ten bands of the total points.
    pub distribution: Vec<Bin>,
}

/// A person's counted result, for [`Tally::add`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Counted {
    /// The counted score.
    pub score: f64,
    /// Whether it passed.
    pub passed: bool,
    /// Whether it reached the best band.
    pub excellent: bool,
}

impl Counted {
    /// Returns a counted result.
    pub fn new(score: f64, passed: bool, excellent: bool) -> Self {
        Counted { score, passed, excellent }
    }
}

/// Gathers the figures of a group one person at a time.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    expected: u64,
    passed: u64,
    excellent: u64,
    others_took: u64,
    scores: Vec<f64>,
}

/// Returns `a ÷ b`, `None` for an empty denominator.
pub fn rate(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

impl Tally {
    /// Adds a person: whether the exam expects them and their counted result, if any.
    pub fn add(&mut self, expected: bool, counted: Option<Counted>) {
        match (expected, counted) {
            (true, counted) => {
                self.expected += 1;
                if let Some(counted) = counted {
                    self.scores.push(counted.score);
                    self.passed += u64::from(counted.passed);
                    self.excellent += u64::from(counted.excellent);
                }
            }
            (false, Some(_)) => self.others_took += 1,
            (false, None) => {}
        }
    }

    /// Adds another group's people (a department into its parent).
    pub fn merge(&mut self, other: &Tally) {
        self.expected += other.expected;
        self.passed += other.passed;
        self.excellent += other.excellent;
        self.others_took += other.others_took;
        self.scores.extend_from_slice(&other.scores);
    }

    /// Returns the figures, with the distribution over `total_points`.
    pub fn figures(&self, total_points: f64) -> ExamFigures {
        let took = self.scores.len() as u64;
        let mut sorted = self.scores.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n {
            0 => None,
            n if n % 2 == 1 => Some(sorted[n / 2]),
            n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
        };
        let mut distribution: Vec<Bin> = (0..10)
            .map(|i| Bin {
                from: total_points * f64::from(i) / 10.0,
                to: total_points * f64::from(i + 1) / 10.0,
                count: 0,
            })
            .collect();
        for &score in &sorted {
            let band = if total_points > 0.0 { (score / total_points * 10.0).floor() } else { 0.0 };
            let band = (band.max(0.0) as usize).min(9);
            distribution[band].count += 1;
        }
        ExamFigures {
            expected: self.expected,
            took,
            passed: self.passed,
            excellent: self.excellent,
            others_took: self.others_took,
            participation_rate: rate(took, self.expected),
            pass_rate: rate(self.passed, took),
            pass_rate_of_expected: rate(self.passed, self.expected),
            excellent_rate: rate(self.excellent, took),
            mean_score: (n > 0).then(|| sorted.iter().sum::<f64>() / n as f64),
            median_score: median,
            min_score: sorted.first().copied(),
            max_score: sorted.last().copied(),
            distribution,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_expected_gives_no_rates() {
        let figures = Tally::default().figures(100.0);
        assert_eq!(figures.expected, 0);
        assert_eq!(figures.participation_rate, None);
        assert_eq!(figures.pass_rate, None);
        assert_eq!(figures.mean_score, None);
        assert_eq!(figures.distribution.iter().map(|b| b.count).sum::<u64>(), 0);
    }

    #[test]
    fn nobody_sat_and_everybody_failed() {
        let mut nobody = Tally::default();
        nobody.add(true, None);
        nobody.add(true, None);
        let figures = nobody.figures(100.0);
        assert_eq!(figures.participation_rate, Some(0.0));
        assert_eq!(figures.pass_rate, None);
        assert_eq!(figures.pass_rate_of_expected, Some(0.0));

        let mut failed = Tally::default();
        failed.add(true, Some(Counted::new(40.0, false, false)));
        failed.add(true, Some(Counted::new(59.0, false, false)));
        failed.add(false, Some(Counted::new(100.0, true, true)));
        let figures = failed.figures(100.0);
        assert_eq!((figures.took, figures.passed, figures.others_took), (2, 0, 1));
        assert_eq!(figures.pass_rate, Some(0.0));
        assert_eq!(figures.median_score, Some(49.5));
        assert_eq!(figures.distribution[4].count, 1);
        assert_eq!(figures.distribution[5].count, 1);
    }

    #[test]
    fn full_marks_fall_in_the_last_band() {
        let mut tally = Tally::default();
        for score in [100.0, 90.0, 89.5, 0.0, 60.0] {
            tally.add(true, Some(Counted::new(score, score >= 60.0, score >= 90.0)));
        }
        let figures = tally.figures(100.0);
        let counts: Vec<u64> = figures.distribution.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 0, 0, 0, 0, 0, 1, 0, 1, 2]);
        assert_eq!(figures.excellent_rate, Some(0.4));
        assert_eq!(figures.median_score, Some(89.5));
    }
}
