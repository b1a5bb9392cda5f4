//! Option letters in explanations. A bank's explanation names the bank's letters ("故选B",
//! "故ACD正确", "A项是…"); a paper that shuffles the options shows them under other letters,
//! so before an explanation is shown beside a paper its letters are rewritten through that
//! paper's option order.

use crate::question::{Kind, Letters, MAX_OPTIONS};

use super::paper::PaperQuestion;

/// Characters that make the capitals before them a word rather than options: A级 (a grade),
/// A股 (shares), A型 (a type), A类 (a class), B超 (ultrasound).
const WORD_AFTER: [char; 5] = ['级', '股', '型', '类', '超'];

/// Returns `text` with the bank's option letters it names rewritten as the letters a paper
/// shows, `order` being the paper's option order (for each option shown, its index in the
/// bank, as [`PaperQuestion::order`] holds it).
///
/// A letter reference is a maximal run of ASCII capitals with no ASCII letter or digit on
/// either side, every letter of it an option of the question (A up to the option count) and
/// none repeated. Each letter is mapped to the paper's letter and a run of several is sorted
/// (故选ACD), as a key is written. Anything else is left as it is: `PDF`, `5G`, `AAA`, a run
/// with a letter beyond the options, and a run followed by 级, 股, 型, 类 or 超 (`A级`).
/// Letters apart (`A、B项`) are mapped one by one and keep their order, because such a list
/// can be matched item by item with another ("A、B、C分别对应…"). An empty `order` (a judge
/// question) leaves the text unchanged.
///
/// ```
/// use xuefa_core::exam::relabel_options;
///
/// // The paper shows the bank's C, A, D, B as A, B, C, D.
/// let order = [2, 0, 3, 1];
/// assert_eq!(relabel_options("A项正确，故选ACD。", &order), "B项正确，故选ABC。");
/// assert_eq!(relabel_options("下载PDF文件", &order), "下载PDF文件");
/// ```
pub fn relabel_options(text: &str, order: &[u8]) -> String {
    // shown[b] is the position at which the bank's option b is shown.
    let mut shown = [None; MAX_OPTIONS];
    for (position, &bank) in order.iter().enumerate() {
        if let Some(slot) = shown.get_mut(usize::from(bank)) {
            *slot = Some(position);
        }
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    // Byte offsets of ASCII capitals are always char boundaries in UTF-8, so slicing at the
    // ends of a run cannot split a character.
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_uppercase() {
            i += 1;
        }
        let before = text[..start].chars().next_back();
        let after = text[i..].chars().next();
        if before.is_some_and(|c| c.is_ascii_alphanumeric())
            || after.is_some_and(|c| c.is_ascii_alphanumeric() || WORD_AFTER.contains(&c))
        {
            continue;
        }
        let Some(letters) = shown_letters(&bytes[start..i], &shown) else { continue };
        out.push_str(&text[copied..start]);
        out.push_str(&letters.to_string());
        copied = i;
    }
    out.push_str(&text[copied..]);
    out
}

/// Returns a run of the bank's letters as the letters shown, or `None` when the run is not a
/// set of this question's options.
fn shown_letters(run: &[u8], shown: &[Option<usize>; MAX_OPTIONS]) -> Option<Letters> {
    let mut letters = Letters::empty();
    for &byte in run {
        let position = (*shown.get(usize::from(byte - b'A'))?)?;
        if letters.contains(position) {
            return None;
        }
        letters = letters.with(position);
    }
    Some(letters)
}

impl PaperQuestion {
    /// Returns the explanation as it reads beside this paper: the bank's option letters it
    /// names rewritten as the letters shown (see [`relabel_options`]); a judge question's
    /// explanation unchanged.
    pub fn explanation_as_shown(&self) -> String {
        match self.kind {
            Kind::Judge => self.explanation.clone(),
            _ => relabel_options(&self.explanation, &self.order),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::{PoolQuestion, Scoring};
    use crate::question::Answer;

    /// The paper shows the bank's C, A, D, B as A, B, C, D: bank A is shown as B, bank B as
    /// D, bank C as A and bank D as C.
    const ORDER: [u8; 4] = [2, 0, 3, 1];

    fn relabel(text: &str) -> String {
        relabel_options(text, &ORDER)
    }

    #[test]
    fn real_phrasings_of_the_shipped_banks_name_the_letters_shown() {
        // From the 解析 column of question-banks/*.csv, verbatim (the bank and id after each).
        let cases = [
            ("推进国家保密法治建设。”故选B。", "推进国家保密法治建设。”故选D。"), // 保守国家秘密法 BMF-002
            ("改作其他用途等。故BCD正确。A项是合规行为。", "改作其他用途等。故ACD正确。B项是合规行为。"), // BMF-036
            ("处理国家秘密的……故ABD正确。C项是第三十五条", "处理国家秘密的……故BCD正确。A项是第三十五条"), // BMF-058
            (
                "本条没有“一律实行事前行政许可”的规定，B错误。",
                "本条没有“一律实行事前行政许可”的规定，D错误。",
            ), // 网络安全法 WAF-009
            ("D项“对重要系统和数据库进行容灾备份”", "C项“对重要系统和数据库进行容灾备份”"), // WAF-010
            ("明令禁止的行为。故选AC。", "明令禁止的行为。故选AB。"), // 国家安全法 GAF-036
            ("”四项均正确。故选ABCD。", "”四项均正确。故选ABCD。"),   // GAF-032
            ("为主要生活来源，故BD正确；甲不满十六周岁", "为主要生活来源，故CD正确；甲不满十六周岁"), // 民法典 MFD-002
            ("A、B属于非法集资人，C是集资参与人", "B、D属于非法集资人，A是集资参与人"), // 防范和处置非法集资条例 FJZ-003
            ("B、D不属于法定执行措施。故选AC。", "D、C不属于法定执行措施。故选AB。"),   // 行政处罚法 CFF-063
            ("A、B、C分别属于第十二条第一款", "B、D、A分别属于第十二条第一款"),         // 行政诉讼法 SSF-007
            ("A、B项正确", "B、D项正确"),
        ];
        for (bank, shown) in cases {
            assert_eq!(relabel(bank), shown, "{bank}");
        }
    }

    #[test]
    fn words_and_letters_beyond_the_options_are_untouched() {
        for text in [
            "以PDF格式提交",
            "5G网络",
            "A级纳税人",
            "AAA级景区",
            "A股上市公司",
            "故选E。",
            "ABE均不正确",
            "AA",
            "Wi-Fi和B2B",
            "iPhone",
            "ABCDE",
            "CCTV报道",
        ] {
            assert_eq!(relabel(text), text, "{text}");
        }
        // Letters beyond a two-option question are not its options.
        assert_eq!(relabel_options("故选B，C项不存在", &[1, 0]), "故选A，C项不存在");
    }

    #[test]
    fn an_unshuffled_paper_and_a_judge_question_keep_the_text() {
        let text = "A项错误，故选BCD。";
        assert_eq!(relabel_options(text, &[0, 1, 2, 3]), text);
        assert_eq!(relabel_options("故A正确", &[]), "故A正确", "no options, no letters");
    }

    #[test]
    fn a_judge_questions_explanation_is_left_as_it_is() {
        let mut judge = crate::Question::new("J1", Kind::Judge, "题干", Vec::new(), Answer::Judge(false));
        judge.explanation = "题干说法错误，A项所述情形不适用。".into();
        // Even with an order, which a judge question never has on a drawn paper.
        assert_eq!(paper_question(&judge, vec![1, 0]).explanation_as_shown(), judge.explanation);
        let mut single = crate::Question::new(
            "S1",
            Kind::Single,
            "题干",
            vec!["甲".into(), "乙".into()],
            Answer::Choice(Letters::empty().with(0)),
        );
        single.explanation = judge.explanation.clone();
        assert_eq!(
            paper_question(&single, vec![1, 0]).explanation_as_shown(),
            "题干说法错误，B项所述情形不适用。"
        );
    }

    #[test]
    fn the_runs_at_the_ends_of_the_text_and_between_punctuation_are_rewritten() {
        assert_eq!(relabel("A"), "B");
        assert_eq!(relabel("(C)"), "(A)");
        assert_eq!(relabel("选项A。选项D"), "选项B。选项C");
    }

    /// The shipped banks end their explanations with the key in the bank's letters ("故选B",
    /// "故ACD正确"); on every paper order the rewritten explanation names the key shown.
    #[test]
    fn every_shipped_explanation_names_the_key_shown_on_a_shuffled_paper() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../question-banks");
        let mut checked = 0;
        for entry in std::fs::read_dir(&folder).expect("question-banks") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "csv") {
                continue;
            }
            let bytes = std::fs::read(&path).expect("bank");
            let name = path.display().to_string();
            let report = crate::read::read(&name, &bytes, &crate::read::ReadOptions::default());
            for (question, _) in &report.questions {
                let Answer::Choice(key) = question.answer else { continue };
                let Some(stated) = stated_key(&question.explanation) else { continue };
                assert_eq!(stated, key.to_string(), "{name} {}: the bank agrees with itself", question.id);
                let count = question.options.len() as u8;
                // Every rotation and the reversal of the options.
                let mut orders: Vec<Vec<u8>> =
                    (0..count).map(|r| (0..count).map(|i| (i + r) % count).collect()).collect();
                orders.push((0..count).rev().collect());
                for order in orders {
                    let on_paper = paper_question(question, order.clone());
                    let shown = on_paper.explanation_as_shown();
                    assert_eq!(
                        stated_key(&shown),
                        Some(on_paper.key.canonical()),
                        "{name} {} shown in the order {order:?}: {shown}",
                        question.id
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 300, "the banks' choice questions state their keys: {checked}");
    }

    fn paper_question(question: &crate::Question, order: Vec<u8>) -> PaperQuestion {
        PaperQuestion::new(1, &PoolQuestion::new("b", 1, question.clone()), order, 1.0, Scoring::default())
    }

    /// Returns the key an explanation states last: the letters of "故选X" or "故X正确".
    fn stated_key(text: &str) -> Option<String> {
        let mut found = None;
        for (at, _) in text.match_indices('故') {
            let rest =
                text[at + '故'.len_utf8()..].strip_prefix('选').unwrap_or(&text[at + '故'.len_utf8()..]);
            let letters: String = rest.chars().take_while(char::is_ascii_uppercase).collect();
            if !letters.is_empty() {
                found = Some(letters);
            }
        }
        found
    }
}
