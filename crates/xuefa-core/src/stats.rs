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
//!
//! Flags: `likely_wrong_key` when a distractor is picked more often than the key by the top
//! third of attempts (by total score, ties by order) and the top third picked the item's
//! options at least [`MIN_TOP_PICKS_TO_FLAG`] times; `too_easy` (F > 95), `too_hard`
//! (F < 20) and `negative_discrimination` (D < 0) for items in at least
//! [`MIN_ATTEMPTS_TO_FLAG`] attempts.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;

use crate::exam::Response;
use crate::question::{Answer, Kind};

/// Items in fewer attempts than this get no `too_easy`, `too_hard` or
/// `negative_discrimination` flag: their figures are mostly chance.
pub const MIN_ATTEMPTS_TO_FLAG: u64 = 20;

/// An item gets `likely_wrong_key` only when the top third picked its options at least this
/// often in all.
pub const MIN_TOP_PICKS_TO_FLAG: u64 = 5;

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

/// Hashes the bits of an `f64` with one multiplication: the keys of the value counts below
/// are marks, of which an item has a handful and a test a few hundred.
#[derive(Debug, Default)]
struct BitsHasher(u64);

impl Hasher for BitsHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (value ^ (value >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// How often each value occurred, keyed by its bits (`-0.0` counted as `0.0`).
type Counts = HashMap<u64, u64, BuildHasherDefault<BitsHasher>>;

fn count_value(counts: &mut Counts, value: f64) {
    *counts.entry((value + 0.0).to_bits()).or_default() += 1;
}

fn sorted_counts(counts: &Counts) -> Vec<(f64, u64)> {
    let mut values: Vec<(f64, u64)> = counts.iter().map(|(&bits, &n)| (f64::from_bits(bits), n)).collect();
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    values
}

/// Running moments of a pair of variables (Welford's method, which keeps its precision
/// over millions of values where sums of squares would not).
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: u64,
    mean_x: f64,
    mean_y: f64,
    m2_x: f64,
    m2_y: f64,
    c_xy: f64,
}

impl Moments {
    fn add(&mut self, x: f64, y: f64) {
        self.n += 1;
        let n = self.n as f64;
        let dx = x - self.mean_x;
        self.mean_x += dx / n;
        let dy = y - self.mean_y;
        self.mean_y += dy / n;
        self.m2_x += dx * (x - self.mean_x);
        self.m2_y += dy * (y - self.mean_y);
        self.c_xy += dx * (y - self.mean_y);
    }

    fn sample(&self, sum: f64) -> Option<f64> {
        (self.n >= 2).then(|| sum / (self.n - 1) as f64)
    }
}

/// The attempts that earned one mark on an item, counted by their total: densely by the
/// index of the total among the test's distinct totals when there are few of those (the
/// usual case: whole or half points), else by the rest-of-test value itself.
#[derive(Debug)]
struct Outcome {
    points: f64,
    x: f64,
    n: u64,
    by_total: Vec<u32>,
    by_rest: Counts,
}

/// What is gathered of one item while the attempts stream past.
#[derive(Debug, Default)]
struct ItemAccumulator {
    outcomes: Vec<Outcome>,
    picks: Vec<u64>,
    top_picks: Vec<u64>,
    unanswered: u64,
}

/// Item analysis over attempts streamed one at a time, in one pass and in memory that does
/// not grow with the attempts (beyond one total each, for the median and the top third):
/// a province's million attempts are read straight from the database.
///
/// The totals of every attempt are needed first, in the order the attempts will be added,
/// to know the top third before counting its picks.
#[derive(Debug)]
pub struct Analyser {
    items: Vec<Item>,
    accumulators: Vec<ItemAccumulator>,
    totals: Vec<f64>,
    distinct_totals: Vec<f64>,
    /// Each attempt's total as an index into `distinct_totals`, when those are few enough
    /// to count densely.
    total_index: Option<Vec<u32>>,
    top: Vec<bool>,
    slots: Vec<Moments>,
    same_length: Option<usize>,
    added: usize,
    /// The hot counters in flat tables (a mark touches three cache lines, not a chain of
    /// boxes): per item the keys of its first two outcomes and their counts by total, and
    /// the picks of options A–H by everyone and by the top third. Further outcomes (partial
    /// credit) go to the item's accumulator.
    first_keys: Vec<[(u64, u64); 2]>,
    first_counts: Vec<u32>,
    first_n: Vec<u64>,
    picks: Vec<u64>,
    top_picks: Vec<u64>,
    unanswered: Vec<u64>,
}

/// An outcome slot not taken yet.
const FREE: (u64, u64) = (u64::MAX, u64::MAX);
/// Pick counters per item: A–H.
const PICKS: usize = 8;

impl Analyser {
    /// Returns an analyser of these items for attempts with these totals, in the order
    /// [`Analyser::add`] will be given them.
    pub fn new(items: Vec<Item>, totals: Vec<f64>) -> Self {
        // The top third by total score (ties broken by order, as a ranking must be).
        let mut ranked: Vec<usize> = (0..totals.len()).collect();
        ranked.sort_by(|&a, &b| totals[b].total_cmp(&totals[a]).then(a.cmp(&b)));
        let mut top = vec![false; totals.len()];
        for &index in ranked.iter().take(totals.len().div_ceil(3)) {
            top[index] = true;
        }
        Self::with_dense_limit(items, totals, top, 1 << 24)
    }

    /// Counts densely while items × distinct totals stays within `limit` cells.
    fn with_dense_limit(items: Vec<Item>, totals: Vec<f64>, top: Vec<bool>, limit: usize) -> Self {
        let accumulators = items.iter().map(|item| ItemAccumulator {
            picks: vec![0; pick_slots(item)],
            top_picks: vec![0; pick_slots(item)],
            ..ItemAccumulator::default()
        });
        let accumulators = accumulators.collect();
        let mut distinct_totals = totals.clone();
        distinct_totals.sort_by(f64::total_cmp);
        distinct_totals.dedup_by(|a, b| a.to_bits() == b.to_bits());
        let total_index = (items.len().saturating_mul(distinct_totals.len()) <= limit).then(|| {
            totals
                .iter()
                .map(|t| distinct_totals.binary_search_by(|d| d.total_cmp(t)).unwrap_or(0) as u32)
                .collect()
        });
        let n = items.len();
        let dense_width = if total_index.is_some() { distinct_totals.len() } else { 0 };
        Analyser {
            items,
            accumulators,
            totals,
            distinct_totals,
            total_index,
            top,
            slots: Vec::new(),
            same_length: None,
            added: 0,
            first_keys: vec![[FREE; 2]; if dense_width > 0 { n } else { 0 }],
            first_counts: vec![0; n * 2 * dense_width],
            first_n: vec![0; if dense_width > 0 { n * 2 } else { 0 }],
            picks: vec![0; n * PICKS],
            top_picks: vec![0; n * PICKS],
            unanswered: vec![0; n],
        }
    }

    /// Adds the next attempt's marks, in paper order; its total must be the one given for
    /// it to [`Analyser::new`] (the sum of its marks). Marks of items out of range are
    /// ignored, and so are attempts beyond the totals given.
    pub fn add(&mut self, marks: &[Mark]) {
        let a = self.added;
        let Some(&total) = self.totals.get(a) else { return };
        let top = self.top[a];
        let dense = self.total_index.as_ref().map(|index| index[a] as usize);
        let width = self.distinct_totals.len();
        self.added += 1;
        for mark in marks {
            let item = mark.item;
            if item >= self.accumulators.len() {
                continue;
            }
            let picks = item * PICKS..(item + 1) * PICKS;
            match &mark.picked {
                Some(picked) => {
                    count_pick(&mut self.picks[picks.clone()], picked);
                    if top {
                        count_pick(&mut self.top_picks[picks], picked);
                    }
                }
                None => self.unanswered[item] += 1,
            }
            let fraction = if mark.max > 0.0 { mark.points / mark.max } else { 0.0 };
            if let Some(index) = dense {
                let key = ((mark.points + 0.0).to_bits(), (fraction + 0.0).to_bits());
                let keys = &mut self.first_keys[item];
                let slot = if keys[0] == key {
                    Some(0)
                } else if keys[1] == key {
                    Some(1)
                } else if keys[0] == FREE {
                    keys[0] = key;
                    Some(0)
                } else if keys[1] == FREE {
                    keys[1] = key;
                    Some(1)
                } else {
                    None
                };
                if let Some(slot) = slot {
                    self.first_counts[(item * 2 + slot) * width + index] += 1;
                    self.first_n[item * 2 + slot] += 1;
                    continue;
                }
            }
            let acc = &mut self.accumulators[item];
            let rest = total - mark.points;
            let position = acc.outcomes.iter().position(|o| {
                o.points.to_bits() == mark.points.to_bits() && o.x.to_bits() == fraction.to_bits()
            });
            let outcome = match position {
                Some(position) => &mut acc.outcomes[position],
                None => {
                    acc.outcomes.push(Outcome {
                        points: mark.points,
                        x: fraction,
                        n: 0,
                        by_total: if dense.is_some() { vec![0; width] } else { Vec::new() },
                        by_rest: Counts::default(),
                    });
                    let last = acc.outcomes.len() - 1;
                    &mut acc.outcomes[last]
                }
            };
            outcome.n += 1;
            match dense {
                Some(index) => outcome.by_total[index] += 1,
                None => count_value(&mut outcome.by_rest, rest),
            }
        }
        // Cronbach's alpha is over positions, when every paper has the same length.
        match self.same_length {
            None if self.added == 1 => {
                self.same_length = Some(marks.len());
                self.slots = vec![Moments::default(); marks.len()];
            }
            Some(k) if k != marks.len() => self.same_length = Some(usize::MAX),
            _ => {}
        }
        if self.same_length == Some(marks.len()) {
            for (slot, mark) in self.slots.iter_mut().zip(marks) {
                slot.add(mark.points, 0.0);
            }
        }
    }

    /// Returns the analysis.
    pub fn finish(mut self) -> Analysis {
        // The flat tables back into each item's accumulator.
        let width = self.distinct_totals.len();
        for (item, acc) in self.accumulators.iter_mut().enumerate() {
            let slots = acc.picks.len();
            acc.picks = self.picks[item * PICKS..item * PICKS + slots].to_vec();
            acc.top_picks = self.top_picks[item * PICKS..item * PICKS + slots].to_vec();
            acc.unanswered = self.unanswered[item];
            let Some(keys) = self.first_keys.get(item) else { continue };
            let mut first = Vec::new();
            for (slot, &(points, x)) in keys.iter().enumerate().filter(|(_, k)| **k != FREE) {
                let at = (item * 2 + slot) * width;
                first.push(Outcome {
                    points: f64::from_bits(points),
                    x: f64::from_bits(x),
                    n: self.first_n[item * 2 + slot],
                    by_total: self.first_counts[at..at + width].to_vec(),
                    by_rest: Counts::default(),
                });
            }
            first.append(&mut acc.outcomes);
            acc.outcomes = first;
        }
        let items = self
            .items
            .iter()
            .zip(&self.accumulators)
            .map(|(item, acc)| item_stats(item, acc, &self.distinct_totals))
            .collect();
        let k = self.same_length.filter(|&k| k != usize::MAX).unwrap_or(0);
        let slot_variance: Option<f64> = self.slots.iter().map(|s| s.sample(s.m2_x)).sum();
        Analysis { test: test_stats(&self.totals, k, slot_variance), items }
    }
}

/// Returns the (value, count) pairs of the marks (x) and of the rest of the test, sorted.
/// Sorted (value, count) pairs.
type ValueCounts = Vec<(f64, u64)>;

fn value_counts(acc: &ItemAccumulator, distinct_totals: &[f64]) -> (ValueCounts, ValueCounts) {
    let mut xs: Vec<(f64, u64)> = acc.outcomes.iter().map(|o| (o.x, o.n)).collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rests: Counts = Counts::default();
    for outcome in &acc.outcomes {
        for (bits, &n) in &outcome.by_rest {
            *rests.entry(*bits).or_default() += n;
        }
        for (index, &n) in outcome.by_total.iter().enumerate().filter(|(_, n)| **n > 0) {
            *rests.entry((distinct_totals[index] - outcome.points + 0.0).to_bits()).or_default() +=
                u64::from(n);
        }
    }
    (xs, sorted_counts(&rests))
}

/// Returns the moments of (x, rest) from their joint counts, in two passes.
fn joint_moments(acc: &ItemAccumulator, distinct_totals: &[f64]) -> Moments {
    let joint = || {
        acc.outcomes.iter().flat_map(move |o| {
            let dense = o
                .by_total
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(move |(i, &n)| (o.x, distinct_totals[i] - o.points, u64::from(n)));
            let sparse = o.by_rest.iter().map(move |(&bits, &n)| (o.x, f64::from_bits(bits), n));
            dense.chain(sparse)
        })
    };
    let mut m = Moments::default();
    let (mut sum_x, mut sum_y) = (0.0, 0.0);
    for (x, y, n) in joint() {
        m.n += n;
        sum_x += x * n as f64;
        sum_y += y * n as f64;
    }
    if m.n == 0 {
        return m;
    }
    m.mean_x = sum_x / m.n as f64;
    m.mean_y = sum_y / m.n as f64;
    for (x, y, n) in joint() {
        let (dx, dy, n) = (x - m.mean_x, y - m.mean_y, n as f64);
        m.m2_x += n * dx * dx;
        m.m2_y += n * dy * dy;
        m.c_xy += n * dx * dy;
    }
    m
}

fn item_stats(item: &Item, acc: &ItemAccumulator, distinct_totals: &[f64]) -> ItemStats {
    let moments = joint_moments(acc, distinct_totals);
    let m = &moments;
    let facility = (m.n > 0).then_some(100.0 * m.mean_x);
    let vx = m.sample(m.m2_x);
    let sd = vx.map(|v| 100.0 * v.max(0.0).sqrt());
    let cov = m.sample(m.c_xy);
    let discrimination = match (cov, vx.and_then(positive), m.sample(m.m2_y).and_then(positive)) {
        (Some(cov), Some(vx), Some(vr)) => Some(100.0 * cov / (vx * vr).sqrt()),
        _ => None,
    };
    // The largest covariance these marks allow pairs the sorted x with the sorted rest.
    let efficiency = cov.and_then(|cov| {
        let (xs, rs) = value_counts(acc, distinct_totals);
        let (mut i, mut j, mut left_x, mut left_r) = (0, 0, 0u64, 0u64);
        let mut sum = 0.0;
        while i < xs.len() && j < rs.len() {
            if left_x == 0 {
                left_x = xs[i].1;
            }
            if left_r == 0 {
                left_r = rs[j].1;
            }
            let pairs = left_x.min(left_r);
            sum += pairs as f64 * (xs[i].0 - m.mean_x) * (rs[j].0 - m.mean_y);
            left_x -= pairs;
            left_r -= pairs;
            if left_x == 0 {
                i += 1;
            }
            if left_r == 0 {
                j += 1;
            }
        }
        let max = m.sample(sum).and_then(positive)?;
        Some(100.0 * cov / max)
    });
    let mut flags = Vec::new();
    let key_slots: Vec<usize> = match item.key {
        Answer::Judge(truth) => vec![usize::from(!truth)],
        Answer::Choice(letters) => letters.indexes().collect(),
    };
    let top_key = key_slots.iter().filter_map(|&s| acc.top_picks.get(s)).copied().max().unwrap_or(0);
    let top_distractor = (0..acc.top_picks.len())
        .filter(|s| !key_slots.contains(s))
        .map(|s| acc.top_picks[s])
        .max()
        .unwrap_or(0);
    // Flags need enough answers to mean something: a handful of attempts flags noise.
    let top_answered: u64 = acc.top_picks.iter().sum();
    if top_distractor > top_key && top_answered >= MIN_TOP_PICKS_TO_FLAG {
        flags.push("likely_wrong_key");
    }
    if m.n >= MIN_ATTEMPTS_TO_FLAG {
        if facility.is_some_and(|f| f > 95.0) {
            flags.push("too_easy");
        }
        if facility.is_some_and(|f| f < 20.0) {
            flags.push("too_hard");
        }
    }
    if m.n >= MIN_ATTEMPTS_TO_FLAG && discrimination.is_some_and(|d| d < 0.0) {
        flags.push("negative_discrimination");
    }
    ItemStats {
        item: item.name.clone(),
        attempts: m.n,
        facility,
        standard_deviation: sd,
        discrimination_index: discrimination,
        discriminative_efficiency: efficiency,
        picks: acc.picks.clone(),
        top_third_picks: acc.top_picks.clone(),
        unanswered: acc.unanswered,
        flags,
    }
}

/// Returns the analysis of these attempts at these items (all in memory; see [`Analyser`]
/// to stream them).
pub fn analyse(items: &[Item], attempts: &[Attempt]) -> Analysis {
    let mut analyser = Analyser::new(items.to_vec(), attempts.iter().map(Attempt::total).collect());
    for attempt in attempts {
        analyser.add(&attempt.marks);
    }
    analyser.finish()
}

fn test_stats(totals: &[f64], k: usize, slot_variance: Option<f64>) -> TestStats {
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
    let alpha = match (k > 1, slot_variance, variance(totals).and_then(positive)) {
        (true, Some(sum), Some(total)) => Some(k as f64 / (k as f64 - 1.0) * (1.0 - sum / total)),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::Letters;

    /// Counting by the rest-of-test value (many distinct totals) and by the index of the
    /// total (few) must give the same figures.
    #[test]
    fn sparse_and_dense_counting_agree() {
        let items: Vec<Item> = (0..7)
            .map(|i| {
                Item::new(format!("q{i}"), Kind::Single, 4, Answer::Choice(Letters::empty().with(i % 4)))
            })
            .collect();
        let mut state = 7u64;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state >> 33
        };
        let attempts: Vec<Attempt> = (0..300)
            .map(|_| {
                let marks = (0..5)
                    .map(|slot| {
                        let item = (next() % 7) as usize;
                        let pick = (next() % 4) as usize;
                        let right = pick == item % 4;
                        let points = if right { [1.0, 2.0, 0.5][slot % 3] } else { 0.0 };
                        let picked = Some(Response::Choice(Letters::empty().with(pick)));
                        Mark::new(item, points, [1.0, 2.0, 0.5][slot % 3], picked)
                    })
                    .collect();
                Attempt::new(marks)
            })
            .collect();
        let totals: Vec<f64> = attempts.iter().map(Attempt::total).collect();
        let run = |limit| {
            let analyser = Analyser::new(items.clone(), totals.clone());
            let mut analyser = Analyser::with_dense_limit(items.clone(), totals.clone(), analyser.top, limit);
            for attempt in &attempts {
                analyser.add(&attempt.marks);
            }
            analyser.finish()
        };
        let (dense, sparse) = (run(usize::MAX), run(0));
        for (d, s) in dense.items.iter().zip(&sparse.items) {
            assert_eq!(d.attempts, s.attempts);
            assert_eq!(d.picks, s.picks);
            assert_eq!(d.flags, s.flags);
            for (a, b) in [
                (d.facility, s.facility),
                (d.discrimination_index, s.discrimination_index),
                (d.discriminative_efficiency, s.discriminative_efficiency),
            ] {
                assert!((a.unwrap_or(f64::NAN) - b.unwrap_or(f64::NAN)).abs() < 1e-9, "{a:?} ≠ {b:?}");
            }
        }
        assert_eq!(dense.test, sparse.test);
    }
}
