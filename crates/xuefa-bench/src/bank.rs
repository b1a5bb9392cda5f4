//! `bank.csv`: questions on real law names with Chinese stems from templates, distinct per id.

use std::io::Write;

use crate::rng::{Rng, Stream};
use crate::text::{JUDGE_STEMS, LAWS, MULTIPLE_STEMS, OPTIONS, SINGLE_STEMS, TOPICS, article};

pub const HEADER: [&str; 13] = [
    "题号", "题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "法律", "条款", "难度",
    "标签",
];

/// Counts by kind: single, multiple, judge.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub single: u64,
    pub multiple: u64,
    pub judge: u64,
}

/// Writes `count` questions.
pub fn write(out: impl Write, seed: u64, count: u32) -> csv::Result<Counts> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let mut counts = Counts::default();
    for i in 0..count {
        let mut rng = Rng::derive(seed, Stream::Question, u64::from(i));
        let law = &LAWS[i as usize % LAWS.len()];
        // Each law's questions walk its articles, then the templates and topics: the stem
        // (law, article, template, topic, variant) is distinct for every id of a kind.
        let r = i / LAWS.len() as u32;
        let number = r % law.articles + 1;
        let k = r / law.articles;
        let kind = rng.weighted(&[50.0, 20.0, 30.0]);
        let templates = [SINGLE_STEMS, MULTIPLE_STEMS, JUDGE_STEMS][kind];
        let n = templates.len() as u32;
        let template = templates[((k + number) % n) as usize];
        let topic = TOPICS[(((k / n) + number * 7) % TOPICS.len() as u32) as usize];
        let variant = k / (n * TOPICS.len() as u32);
        let article_text = article(number);
        let mut stem =
            template.replace("{law}", law.name).replace("{article}", &article_text).replace("{topic}", topic);
        if variant > 0 {
            // Past every template and topic: name the situation, as 案例题 do.
            stem = stem.replacen("，", &format!("（情形{}），", variant + 1), 1);
        }
        let mut options: Vec<&str> = Vec::with_capacity(4);
        let mut answer = String::new();
        let kind_text = match kind {
            0 | 1 => {
                while options.len() < 4 {
                    let option = *rng.pick(OPTIONS);
                    if !options.contains(&option) {
                        options.push(option);
                    }
                }
                let correct = if kind == 0 { 1 } else { 2 + rng.index(2) };
                let mut key = [false; 4];
                let mut marked = 0;
                while marked < correct {
                    let at = rng.index(4);
                    if !key[at] {
                        key[at] = true;
                        marked += 1;
                    }
                }
                answer = (0..4).filter(|&i| key[i]).map(|i| char::from(b'A' + i as u8)).collect();
                if kind == 0 {
                    counts.single += 1;
                    "单选"
                } else {
                    counts.multiple += 1;
                    "多选"
                }
            }
            _ => {
                answer.push_str(if rng.chance(0.55) { "对" } else { "错" });
                counts.judge += 1;
                "判断"
            }
        };
        let difficulty = 1 + rng.weighted(&[15.0, 25.0, 30.0, 20.0, 10.0]);
        let id = format!("{}-{:06}", law.prefix, i + 1);
        let explanation = format!("依据《{}》{}的规定。", law.name, article_text);
        let option = |i: usize| options.get(i).copied().unwrap_or("");
        writer.write_record([
            id.as_str(),
            kind_text,
            stem.as_str(),
            option(0),
            option(1),
            option(2),
            option(3),
            answer.as_str(),
            explanation.as_str(),
            law.name,
            article_text.as_str(),
            &difficulty.to_string(),
            topic,
        ])?;
    }
    writer.flush()?;
    Ok(counts)
}
