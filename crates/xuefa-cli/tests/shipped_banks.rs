//! The shipped question banks pass `bank check` with no error and no warning, and keep the
//! mix the bank README promises.

mod common;

use common::{json, root, run};

/// Returns every shipped bank file, sorted.
fn shipped() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("question-banks"))
        .expect("question-banks")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .map(|path| path.display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn shipped_banks_check_clean() {
    let files = shipped();
    assert!(files.len() >= 21, "{files:?}");
    let mut args = vec!["bank", "check", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let report = json(&out);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(report["warnings"], serde_json::json!([]));
    assert!(report["questions"].as_u64().is_some_and(|n| n >= 1500), "{report}");
}

#[test]
fn every_shipped_question_names_its_law_and_article() {
    let files = shipped();
    let mut args = vec!["bank", "convert", "--to", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let questions = json(&out);
    let questions = questions.as_array().expect("array");
    let mut per_law = std::collections::BTreeMap::<String, [usize; 3]>::new();
    for question in questions {
        let law = question["law"].as_str().unwrap_or_default().to_owned();
        assert!(!law.is_empty(), "{question}");
        assert!(!question["article"].as_str().unwrap_or_default().is_empty(), "{question}");
        assert!(!question["explanation"].as_str().unwrap_or_default().is_empty(), "{question}");
        assert!(question["difficulty"].as_u64().is_some(), "{question}");
        assert!(
            question["law_version"].as_str().is_some_and(|v| v.len() == 10),
            "every shipped question names the version of its law: {question}"
        );
        let kind = match question["kind"].as_str() {
            Some("single") => 0,
            Some("multiple") => 1,
            _ => 2,
        };
        per_law.entry(law).or_default()[kind] += 1;
    }
    assert!(per_law.len() >= 21, "{per_law:?}");
    for (law, counts) in &per_law {
        assert!(counts.iter().sum::<usize>() >= 50, "{law}: {counts:?}");
        assert!(counts.iter().all(|&n| n > 0), "{law} mixes kinds: {counts:?}");
    }
}
