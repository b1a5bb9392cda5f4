//! Property tests: any bank written and read back in each format is unchanged, and no
//! input bytes make a reader panic.

use proptest::prelude::*;
use xuefa_core::{
    Answer, Bank, Format, Kind, Lang, Letters, Question, ReadOptions, read, write_csv, write_json, write_xlsx,
};

/// Text as banks hold it: Chinese and ASCII, punctuation, quotes, commas and inner line
/// breaks, without surrounding whitespace.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[民法典条款甲乙丙丁a-zA-Z0-9，。、；：“”（）\"',;:?!() \\n]{0,40}")
        .expect("regex")
        .prop_map(|s| s.trim().to_owned())
}

fn nonempty_text() -> impl Strategy<Value = String> {
    // A leading Chinese character keeps option texts from looking like `A.` markers.
    text().prop_map(|s| format!("题{s}"))
}

fn tag() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[标签时效总则a-z0-9]{1,6}").expect("regex")
}

fn question() -> impl Strategy<Value = Question> {
    let kind = prop_oneof![Just(Kind::Single), Just(Kind::Multiple), Just(Kind::Judge)];
    (
        kind,
        nonempty_text(),
        proptest::collection::vec(nonempty_text(), 2..=8),
        any::<u8>(),
        any::<bool>(),
        (text(), text(), text()),
        proptest::option::of(1u8..=5),
        proptest::collection::vec(tag(), 0..4),
        proptest::option::of(1u32..200),
    )
        .prop_map(
            |(kind, stem, options, bits, truth, (explanation, law, article), difficulty, tags, points)| {
                let (options, answer) = match kind {
                    Kind::Judge => (Vec::new(), Answer::Judge(truth)),
                    _ => {
                        let count = options.len();
                        let mask = (bits as usize) & ((1usize << count) - 1);
                        let mut letters = Letters::from_bits(mask as u8);
                        if kind == Kind::Single || letters.len() < 2 {
                            letters = if kind == Kind::Single {
                                Letters::empty().with(bits as usize % count)
                            } else {
                                Letters::empty().with(0).with(count - 1)
                            };
                        }
                        (options, Answer::Choice(letters))
                    }
                };
                let mut tags_unique: Vec<String> = Vec::new();
                for tag in tags {
                    if !tags_unique.contains(&tag) {
                        tags_unique.push(tag);
                    }
                }
                let mut question = Question::new("id", kind, stem, options, answer);
                question.explanation = explanation;
                question.law = law.trim_start_matches('《').to_owned();
                question.article = article;
                question.difficulty = difficulty;
                question.tags = tags_unique;
                question.points = points.map(|p| f64::from(p) / 4.0);
                question
            },
        )
}

fn bank() -> impl Strategy<Value = Vec<Question>> {
    proptest::collection::vec(question(), 1..12).prop_map(|mut questions| {
        for (index, question) in questions.iter_mut().enumerate() {
            question.id = format!("Q{index:03}");
        }
        questions
    })
}

fn read_back(name: &str, bytes: &[u8]) -> Vec<Question> {
    let loaded = Bank::read(name, bytes, &ReadOptions::new());
    let errors: Vec<String> = loaded.errors().map(|p| p.render(Lang::En)).collect();
    assert!(errors.is_empty(), "{errors:?}");
    loaded.bank.into_questions()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_format_gives_the_bank_back(questions in bank()) {
        for question in &questions {
            prop_assert!(question.check().is_empty(), "generator made an invalid question: {question:?}");
        }
        prop_assert_eq!(&read_back("b.json", write_json(&questions).as_bytes()), &questions);
        for lang in [Lang::En, Lang::Zh] {
            let csv = write_csv(&questions, lang).expect("csv");
            prop_assert_eq!(&read_back("b.csv", &csv), &questions);
            let xlsx = write_xlsx(&questions, lang).expect("xlsx");
            prop_assert_eq!(&read_back("b.xlsx", &xlsx), &questions);
        }
        // Question's serde is the canonical form.
        let json = serde_json::to_string(&questions).expect("serialise");
        let back: Vec<Question> = serde_json::from_str(&json).expect("deserialise");
        prop_assert_eq!(back, questions);
    }

    #[test]
    fn no_bytes_make_a_reader_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for format in [Format::Csv, Format::Text, Format::Json, Format::Xlsx] {
            let _ = read("x", &bytes, &ReadOptions::new().format(format));
        }
        let _ = read("x", &bytes, &ReadOptions::new().encoding("gbk"));
        let _ = read("x.bin", &bytes, &ReadOptions::new());
    }

    #[test]
    fn no_text_made_of_bank_notation_makes_a_reader_panic(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("一、单项选择题".to_owned()),
                Just("三、判断题（每题1分）".to_owned()),
                Just("四、填空题".to_owned()),
                Just("".to_owned()),
                Just("答案：".to_owned()),
                Just("【答案】".to_owned()),
                Just("解析：".to_owned()),
                Just("ANSWER: ".to_owned()),
                Just("（）".to_owned()),
                Just("(".to_owned()),
                Just("A.".to_owned()),
                Just("Ａ．".to_owned()),
                Just("(B)".to_owned()),
                Just("1.".to_owned()),
                Just("（12）".to_owned()),
                Just("第3题".to_owned()),
                Just("\"".to_owned()),
                Just(",".to_owned()),
                Just("[{".to_owned()),
                "[甲乙A-H1-9 .、，()（）√×:：\"]{0,12}",
            ],
            0..40,
        )
    ) {
        let text = lines.join("\n");
        for format in [Format::Csv, Format::Text, Format::Json] {
            let _ = read("x", text.as_bytes(), &ReadOptions::new().format(format));
        }
    }
}

#[test]
fn a_header_and_rows_in_csv_become_questions() {
    let csv = "题干,选项A,选项B,答案\n甲,对,错,A\n乙,一,二,B\n";
    let questions = read_back("x.csv", csv.as_bytes());
    assert_eq!(questions.len(), 2);
    assert_eq!(questions[0].kind, Kind::Judge, "a 对/错 pair is a judge question");
    assert_eq!(questions[1].answer, Answer::Choice(Letters::empty().with(1)));
    assert!(questions[1].id.starts_with("q-"), "no id column: ids from content");
    assert_eq!(read_back("x.csv", csv.as_bytes())[1].id, questions[1].id, "stable");
}

/// Regression: the csv crate does not count blank lines, so a bank with a blank line in it
/// reported every later problem one line too early.
#[test]
fn a_blank_line_in_a_csv_does_not_shift_line_numbers() {
    let csv = "题干,选项A,选项B,答案\n甲,一,二,A\n\n\r\n乙,一,二,C\n";
    let loaded = Bank::read("x.csv", csv.as_bytes(), &ReadOptions::new());
    let lines: Vec<Option<u64>> = loaded.errors().map(|p| p.location.line).collect();
    assert_eq!(lines, [Some(5)]);
}
