//! Item statistics against figures worked out independently with NumPy and SciPy
//! (`tests/fixtures/stats/expected.py` wrote `expected.json`).

use serde_json::Value;
use xuefa_core::exam::Response;
use xuefa_core::stats::{Attempt, Item, Mark, analyse};
use xuefa_core::{Answer, Kind};

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/stats/expected.json"
    ))
    .expect("expected.json");
    serde_json::from_str(&text).expect("json")
}

fn close(actual: Option<f64>, expected: &Value, what: &str) {
    let expected = expected.as_f64().unwrap_or_else(|| panic!("{what}: no expected value"));
    let actual = actual.unwrap_or_else(|| panic!("{what}: no value"));
    assert!((actual - expected).abs() < 1e-9, "{what}: {actual} ≠ {expected}");
}

#[test]
fn item_and_test_statistics_match_numpy() {
    let data = fixture();
    let items: Vec<Item> = data["items"]
        .as_array()
        .expect("items")
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let kind = match item["kind"].as_str() {
                Some("single") => Kind::Single,
                Some("multiple") => Kind::Multiple,
                _ => Kind::Judge,
            };
            let key: Answer = item["key"].as_str().expect("key").parse().expect("answer");
            Item::new(format!("item {i}"), kind, item["options"].as_u64().unwrap_or(0) as usize, key)
        })
        .collect();
    let attempts: Vec<Attempt> = data["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|marks| {
            Attempt::new(
                marks
                    .as_array()
                    .expect("marks")
                    .iter()
                    .map(|m| {
                        let item = m["item"].as_u64().unwrap_or(0) as usize;
                        let picked = m["picked"].as_str().map(|text| {
                            Response::parse(text, items[item].kind, items[item].options).expect("a response")
                        });
                        Mark::new(
                            item,
                            m["points"].as_f64().unwrap_or(0.0),
                            m["max"].as_f64().unwrap_or(0.0),
                            picked,
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let analysis = analyse(&items, &attempts);
    let expected = &data["expected"];
    let test = &analysis.test;
    assert_eq!(test.attempts, 30);
    close(test.mean, &expected["test"]["mean"], "mean");
    close(test.median, &expected["test"]["median"], "median");
    close(test.standard_deviation, &expected["test"]["standard_deviation"], "sd");
    close(test.skewness, &expected["test"]["skewness"], "skewness");
    close(test.kurtosis, &expected["test"]["kurtosis"], "kurtosis");
    close(test.cronbach_alpha, &expected["test"]["cronbach_alpha"], "alpha");
    close(test.error_ratio, &expected["test"]["error_ratio"], "error ratio");
    close(test.standard_error, &expected["test"]["standard_error"], "standard error");
    for (i, (stats, want)) in
        analysis.items.iter().zip(expected["items"].as_array().expect("items")).enumerate()
    {
        close(stats.facility, &want["facility"], &format!("item {i} facility"));
        close(stats.standard_deviation, &want["standard_deviation"], &format!("item {i} sd"));
        close(stats.discrimination_index, &want["discrimination_index"], &format!("item {i} discrimination"));
        close(
            stats.discriminative_efficiency,
            &want["discriminative_efficiency"],
            &format!("item {i} efficiency"),
        );
    }
    // The planted wrong key: the top third pick C, not the key A.
    assert!(analysis.items[4].flags.contains(&"likely_wrong_key"), "{:?}", analysis.items[4]);
    assert!(analysis.items[4].flags.contains(&"negative_discrimination"));
    assert!(analysis.items.iter().enumerate().all(|(i, s)| i == 4 || !s.flags.contains(&"likely_wrong_key")));
}

#[test]
fn empty_and_constant_data_give_none_not_nan() {
    let items = vec![Item::new("x", Kind::Judge, 0, Answer::Judge(true))];
    let empty = analyse(&items, &[]);
    assert_eq!((empty.test.mean, empty.test.cronbach_alpha, empty.items[0].facility), (None, None, None));
    let same: Vec<Attempt> =
        (0..5).map(|_| Attempt::new(vec![Mark::new(0, 1.0, 1.0, Some(Response::Judge(true)))])).collect();
    let analysis = analyse(&items, &same);
    assert_eq!(analysis.items[0].facility, Some(100.0));
    assert_eq!(analysis.items[0].discrimination_index, None, "no spread, no correlation");
    assert_eq!(analysis.test.skewness, None);
    assert!(serde_json::to_string(&analysis).is_ok_and(|json| !json.contains("NaN")));
}
