//! Item analysis of an exam, as Moodle's quiz statistics define it: for each question its
//! facility, spread, discrimination against the rest of the test and how often each option
//! was picked, with flags for keys that are probably wrong; for the whole exam the
//! distribution of scores and its reliability.
//!
//! Formulas (N attempts that contain the item; x = the item's mark as a fraction of its
//! points; X = the attempt's total minus the item's mark, "the rest of the test"):
//!
//! - facility index F = 100 · mean(x)
//! - standard deviation SD = 100 · √(Σ(x − x̄)² / (N − 1))
//! - discrimination index D = 100 · Cov(x, X) / √(V(x) · V(X)), with Cov and V divided by N − 1
//! - discriminative efficiency DE = 100 · Cov(x, X) / Cov_max(x, X), where Cov_max pairs the
//!   sorted x with the sorted X (the largest covariance those marks allow)
//! - test: mean, median, SD (N − 1), skewness G1 = √(N(N−1))/(N−2) · m3/m2^1.5 and excess
//!   kurtosis G2 = (N−1)/((N−2)(N−3)) · ((N+1) · m4/m2² − 3(N−1)), with m_k = Σ(T − T̄)^k / N
//! - Cronbach's alpha over the paper's positions (slots): α = k/(k−1) · (1 − Σ V(slot) / V(T));
//!   error ratio ER = 100 · √(1 − α); standard error SE = ER/100 · SD
//!
//! A value that needs a denominator which is zero (one attempt, every mark the same) is
//! `None`, never NaN.

use serde::Serialize;

use crate::exam::Response;
use crate::question::{Answer, Kind};

/// One question as the analysis needs it: its key in the bank's letters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Item {
    /// The name shown in reports, such as `民法典:MFD-001`.
    pub name: String,
    /// Single, multiple or judge.
    pub kind: Kind,
    /// How many options it has (0 for judge).
    pub options: usize,
    /// The key, in the bank's letters.
    pub key: Answer,
}

impl Item {
    /// Returns an item.
    pub fn new(name: impl Into<String>, kind: Kind, options: usize, key: Answer) -> Self {
        Item { name: name.into(), kind, options, key }
    }
}

/// One question of one attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Mark {
    /// The item (an index into the items given to [`analyse`]).
    pub item: usize,
    /// Points earned.
    pub points: f64,
    /// Points possible.
    pub max: f64,
    /// What was picked, in the bank's letters; `None` for no answer.
    pub picked: Option<Response>,
}

impl Mark {
    /// Returns a mark.
    pub fn new(item: usize, points: f64, max: f64, picked: Option<Response>) -> Self {
        Mark { item, points, max, picked }
    }
}

/// One submitted attempt: its marks in paper order (the position is the slot).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Attempt {
    /// The marks, in paper order.
    pub marks: Vec<Mark>,
}

impl Attempt {
    /// Returns an attempt.
    pub fn new(marks: Vec<Mark>) -> Self {
        Attempt { marks }
    }

    fn total(&self) -> f64 {
        self.marks.iter().map(|m| m.points).sum()
    }
}

/// Statistics of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ItemStats {
    /// The item's name.
    pub item: String,
    /// Attempts that contained it.
    pub attempts: u64,
    /// Facility index, 0–100.
    pub facility: Option<f64>,
    /// Standard deviation of the mark, as a percentage of the points.
    pub standard_deviation: Option<f64>,
    /// Discrimination index, −100–100.
    pub discrimination_index: Option<f64>,
    /// Discriminative efficiency, −100–100.
    pub discriminative_efficiency: Option<f64>,
    /// How often each option was picked (A first; for judge: true, false).
    pub picks: Vec<u64>,
    /// The same among the top third of attempts by total score.
    pub top_third_picks: Vec<u64>,
    /// Attempts that left it unanswered.
    pub unanswered: u64,
    /// Warnings: `likely_wrong_key`, `too_easy`, `too_hard`, `negative_discrimination`.
    pub flags: Vec<&'static str>,
}

/// Statistics of the whole exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TestStats {
    /// Submitted attempts analysed.
    pub attempts: u64,
    /// Mean total score.
    pub mean: Option<f64>,
    /// Median total score.
    pub median: Option<f64>,
    /// Standard deviation of the total.
    pub standard_deviation: Option<f64>,
    /// Skewness (G1).
    pub skewness: Option<f64>,
    /// Excess kurtosis (G2).
    pub kurtosis: Option<f64>,
    /// Cronbach's alpha, 0–1 (over paper positions).
    pub cronbach_alpha: Option<f64>,
    /// Error ratio, percent.
    pub error_ratio: Option<f64>,
    /// Standard error of a score, in points.
    pub standard_error: Option<f64>,
}

/// The analysis of an exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Analysis {
    /// The whole exam.
    pub test: TestStats,
    /// Each item, in the order given.
    pub items: Vec<ItemStats>,
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Returns the sample variance (N − 1), `None` below two values.
fn variance(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    Some(values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64)
}

fn covariance(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 || a.len() != b.len() {
        return None;
    }
    let (ma, mb) = (mean(a)?, mean(b)?);
    Some(a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / (a.len() - 1) as f64)
}

fn positive(value: f64) -> Option<f64> {
    (value > 1e-12).then_some(value)
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    Some(if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 })
}

fn pick_slots(item: &Item) -> usize {
    if item.kind == Kind::Judge { 2 } else { item.options }
}

fn count_pick(counts: &mut [u64], picked: &Response) {
    match picked {
        Response::Judge(truth) => {
            let slot = usize::from(!*truth);
            if let Some(count) = counts.get_mut(slot) {
                *count += 1;
            }
        }
        Response::Choice(letters) => {
            for index in letters.indexes() {
                if let Some(count) = counts.get_mut(index) {
                    *count += 1;
                }
            }
        }
    }
}

/// Returns the analysis of these attempts at these items.
pub fn analyse(items: &[Item], attempts: &[Attempt]) -> Analysis {
    let totals: Vec<f64> = attempts.iter().map(Attempt::total).collect();
    // The top third by total score (ties broken by order, as a ranking must be).
    let mut ranked: Vec<usize> = (0..attempts.len()).collect();
    ranked.sort_by(|&a, &b| totals[b].total_cmp(&totals[a]));
    let top_count = attempts.len().div_ceil(3);
    let mut top = vec![false; attempts.len()];
    for &index in ranked.iter().take(top_count) {
        top[index] = true;
    }

    let mut item_x: Vec<Vec<f64>> = vec![Vec::new(); items.len()];
    let mut item_rest: Vec<Vec<f64>> = vec![Vec::new(); items.len()];
    let mut picks: Vec<Vec<u64>> = items.iter().map(|item| vec![0; pick_slots(item)]).collect();
    let mut top_picks = picks.clone();
    let mut unanswered = vec![0u64; items.len()];
    for (a, attempt) in attempts.iter().enumerate() {
        for mark in &attempt.marks {
            if mark.item >= items.len() {
                continue;
            }
            let fraction = if mark.max > 0.0 { mark.points / mark.max } else { 0.0 };
            item_x[mark.item].push(fraction);
            item_rest[mark.item].push(totals[a] - mark.points);
            match &mark.picked {
                Some(picked) => {
                    count_pick(&mut picks[mark.item], picked);
                    if top[a] {
                        count_pick(&mut top_picks[mark.item], picked);
                    }
                }
                None => unanswered[mark.item] += 1,
            }
        }
    }

    let item_stats = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let x = &item_x[i];
            let rest = &item_rest[i];
            let facility = mean(x).map(|m| 100.0 * m);
            let sd = variance(x).map(|v| 100.0 * v.sqrt());
            let cov = covariance(x, rest);
            let discrimination =
                match (cov, variance(x).and_then(positive), variance(rest).and_then(positive)) {
                    (Some(cov), Some(vx), Some(vr)) => Some(100.0 * cov / (vx * vr).sqrt()),
                    _ => None,
                };
            let efficiency = cov.and_then(|cov| {
                let mut sx = x.clone();
                let mut sr = rest.clone();
                sx.sort_by(f64::total_cmp);
                sr.sort_by(f64::total_cmp);
                let max = covariance(&sx, &sr).and_then(positive)?;
                Some(100.0 * cov / max)
            });
            let mut flags = Vec::new();
            let key_slots: Vec<usize> = match item.key {
                Answer::Judge(truth) => vec![usize::from(!truth)],
                Answer::Choice(letters) => letters.indexes().collect(),
            };
            let top_key = key_slots.iter().filter_map(|&s| top_picks[i].get(s)).copied().max().unwrap_or(0);
            let top_distractor = (0..top_picks[i].len())
                .filter(|s| !key_slots.contains(s))
                .map(|s| top_picks[i][s])
                .max()
                .unwrap_or(0);
            if top_distractor > top_key {
                flags.push("likely_wrong_key");
            }
            if x.len() >= 2 {
                if facility.is_some_and(|f| f > 95.0) {
                    flags.push("too_easy");
                }
                if facility.is_some_and(|f| f < 20.0) {
                    flags.push("too_hard");
                }
            }
            if discrimination.is_some_and(|d| d < 0.0) {
                flags.push("negative_discrimination");
            }
            ItemStats {
                item: item.name.clone(),
                attempts: x.len() as u64,
                facility,
                standard_deviation: sd,
                discrimination_index: discrimination,
                discriminative_efficiency: efficiency,
                picks: picks[i].clone(),
                top_third_picks: top_picks[i].clone(),
                unanswered: unanswered[i],
                flags,
            }
        })
        .collect();

    Analysis { test: test_stats(attempts, &totals), items: item_stats }
}

fn test_stats(attempts: &[Attempt], totals: &[f64]) -> TestStats {
    let n = totals.len();
    let sd = variance(totals).map(f64::sqrt);
    let moments = mean(totals).map(|m| {
        let moment = |k: i32| totals.iter().map(|t| (t - m).powi(k)).sum::<f64>() / n as f64;
        (moment(2), moment(3), moment(4))
    });
    let nf = n as f64;
    let skewness = match moments {
        Some((m2, m3, _)) if n > 2 && m2 > 1e-12 => {
            Some((nf * (nf - 1.0)).sqrt() / (nf - 2.0) * m3 / m2.powf(1.5))
        }
        _ => None,
    };
    let kurtosis = match moments {
        Some((m2, _, m4)) if n > 3 && m2 > 1e-12 => {
            Some((nf - 1.0) / ((nf - 2.0) * (nf - 3.0)) * ((nf + 1.0) * m4 / (m2 * m2) - 3.0 * (nf - 1.0)))
        }
        _ => None,
    };
    // Cronbach's alpha over positions, when every paper has the same length.
    let k = attempts.first().map_or(0, |a| a.marks.len());
    let alpha = if k > 1 && attempts.iter().all(|a| a.marks.len() == k) {
        let slot_variance: Option<f64> = (0..k)
            .map(|slot| variance(&attempts.iter().map(|a| a.marks[slot].points).collect::<Vec<_>>()))
            .sum();
        match (slot_variance, variance(totals).and_then(positive)) {
            (Some(sum), Some(total)) => Some(k as f64 / (k as f64 - 1.0) * (1.0 - sum / total)),
            _ => None,
        }
    } else {
        None
    };
    let error_ratio = alpha.map(|a| 100.0 * (1.0 - a).max(0.0).sqrt());
    let standard_error = match (error_ratio, sd) {
        (Some(er), Some(sd)) => Some(er / 100.0 * sd),
        _ => None,
    };
    TestStats {
        attempts: n as u64,
        mean: mean(totals),
        median: median(totals),
        standard_deviation: sd,
        skewness,
        kurtosis,
        cronbach_alpha: alpha,
        error_ratio,
        standard_error,
    }
}
