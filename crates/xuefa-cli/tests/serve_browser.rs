//! The pages of `xuefa serve` in a real headless Chromium, driven over WebDriver by
//! Debian's chromedriver: sign in, answer, reload and find the answers, resume in a second
//! browser, submit, see the result and the review; a 360×740 phone screenshot is checked;
//! practise on a phone and find a wrong answer in the wrong-answer book; no page breaks its
//! Content-Security-Policy or logs an error.

mod common;

use common::browser::{Browser, Driver, browser};
use common::db::stored_question;
use common::run_in;
use common::server::{Server, exam_workspace, issue, spec, wrong_answer};
use serde_json::json;

const NOW: &str = "2026-11-20T09:00:00+08:00";

#[test]
fn an_employee_sits_the_exam_in_a_browser_and_a_phone_shows_it_whole() {
    let Some((chromium, chromedriver)) =
        browser("an_employee_sits_the_exam_in_a_browser_and_a_phone_shows_it_whole")
    else {
        return;
    };
    let roster = "工号,姓名,部门\nA001,王一,区司法局/办公室\nB001,<b>张三</b>,区司法局/执法科\n\
                  C001,孙六,区司法局/法制科\nC002,周七,区司法局/法制科\n";
    let dir = exam_workspace(roster, &[("main", spec("main", ""))], NOW);
    let d = dir.path();
    let issued = run_in(d, &["access", "issue", "--format", "csv"], &[]);
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    let code_of = |employee: &str| {
        issued
            .stdout
            .lines()
            .find(|l| l.starts_with(employee))
            .and_then(|l| l.split(',').nth(3))
            .expect("a code")
            .to_owned()
    };

    let server = Server::start(d, NOW);
    let base = format!("http://127.0.0.1:{}", server.port);
    let driver = Driver::start(chromedriver);
    let profiles = tempfile::tempdir().expect("profiles");

    // A desk PC: sign in (Chinese by default), start, answer three questions.
    let desk = driver.session(chromium, &profiles.path().join("desk"), false);
    desk.sign_in(&base, "A001", &code_of("A001").to_lowercase());
    assert_eq!(desk.script("return document.documentElement.lang;"), "zh-CN");
    desk.click("li.exam[data-exam=\"main\"] a.start");
    desk.wait("the paper", "location.pathname === '/sit/main' && document.querySelector('#stem') && document.querySelector('#stem').textContent.length > 0");
    let mut answered = Vec::new();
    for _ in 0..3 {
        answered.push(desk.answer_shown());
        desk.click("#next");
    }
    desk.wait("progress", "document.querySelector('#progress').textContent.indexOf('3') >= 0");
    let remaining = desk.text("#remaining");
    assert!(remaining.starts_with("59:") || remaining.starts_with("1:00:"), "the server's time: {remaining}");

    // A reload finds every answer.
    desk.script("location.reload(); return true;");
    desk.wait("the paper again", "document.querySelector('#nav button.navq') && document.querySelectorAll('#nav button.navq.answered').length === 3");
    // A second browser (another device) resumes the same paper with the same answers.
    let other = driver.session(chromium, &profiles.path().join("other"), false);
    other.sign_in(&base, "A001", &code_of("A001"));
    other.click("li.exam[data-exam=\"main\"] a.start");
    other.wait("the same answers", "document.querySelectorAll('#nav button.navq.answered').length === 3");
    let first_desk =
        desk.script("return document.querySelector('#nav button.navq[data-number=\"1\"]').className;");
    let first_other =
        other.script("return document.querySelector('#nav button.navq[data-number=\"1\"]').className;");
    assert!(
        first_desk.as_str().is_some_and(|c| c.contains("answered"))
            && first_other.as_str().is_some_and(|c| c.contains("answered"))
    );

    // English by the switch.
    other.click("#lang");
    other.wait("English", "document.documentElement.lang === 'en'");
    assert!(other.text("#submit").to_lowercase().contains("submit"));

    // Submit from the second device: the dialog lists the unanswered questions.
    other.click("#submit");
    other.wait("the confirmation", "!document.querySelector('#confirm').hidden");
    let unanswered = other.text("#unanswered");
    assert!(unanswered.contains('4') && unanswered.contains("10"), "{unanswered}");
    other.click("#confirm-submit");
    other.wait("the result", "location.pathname.indexOf('/result/main/') === 0 && document.querySelector('#score') && /\\d/.test(document.querySelector('#score').textContent)");
    assert!(other.text("#score").contains("/ 20"), "{}", other.text("#score"));
    other.wait("the review", "document.querySelectorAll('#review li.review-item').length === 10");
    assert!(
        other.script("return document.querySelectorAll('#review li.review-option.key').length >= 10;")
            == json!(true)
    );

    // The first device learns the paper was submitted: its next answer goes to the result.
    desk.click("#next");
    desk.answer_shown_or_result();
    desk.wait("the result", "location.pathname.indexOf('/result/main/') === 0");

    // A phone: 360×740, the whole question and its options without sideways scrolling;
    // a name with markup is shown as text.
    let phone = driver.session(chromium, &profiles.path().join("phone"), true);
    phone.sign_in(&base, "B001", &code_of("B001"));
    let who = phone.text("#who");
    assert!(who.contains("<b>张三</b>"), "escaped, shown as typed: {who}");
    phone.click("li.exam[data-exam=\"main\"] a.start");
    phone.wait(
        "the paper",
        "document.querySelector('#stem') && document.querySelectorAll('#options label.option').length > 0",
    );
    assert_eq!(phone.script("return window.innerWidth;"), 360);
    assert_eq!(
        phone.script("return document.documentElement.scrollWidth <= window.innerWidth;"),
        json!(true),
        "no sideways scrolling"
    );
    let option_width =
        phone.script("return document.querySelector('#options label.option').getBoundingClientRect().right;");
    assert!(option_width.as_f64().is_some_and(|r| r <= 360.0), "options fit: {option_width}");
    let png = phone.screenshot();
    let shot = std::env::temp_dir().join("xuefa-phone.png");
    std::fs::write(&shot, &png).expect("screenshot saved");
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!((info.width, info.height), (360, 740), "the phone's viewport ({})", shot.display());
    let channels = info.line_size / info.width as usize;
    let mut dark = 0usize;
    let mut colours = std::collections::HashSet::new();
    for pixel in pixels[..info.buffer_size()].chunks(channels) {
        colours.insert((pixel[0] / 16, pixel[1] / 16, pixel[2] / 16));
        if pixel[0] < 100 && pixel[1] < 100 && pixel[2] < 100 {
            dark += 1;
        }
    }
    assert!(dark > 2000, "text is drawn ({dark} dark pixels, {})", shot.display());
    assert!(colours.len() > 8, "not a blank page ({} colours)", colours.len());

    for (name, browser) in [("desk", &desk), ("other", &other), ("phone", &phone)] {
        let errors = browser.console_errors();
        assert!(errors.is_empty(), "{name}'s console: {errors:?}");
    }

    // The slips to print, in the same browser: one per person, each code whole and inside
    // its slip.
    let slips = run_in(
        d,
        &[
            "access",
            "issue",
            "--department",
            "区司法局/法制科",
            "--format",
            "html",
            "--url",
            &format!("{base}/"),
            "-o",
            "slips.html",
        ],
        &[],
    );
    assert_eq!(slips.code, 0, "{}", slips.stderr);
    desk.open(&format!("file://{}", d.join("slips.html").display()));
    desk.wait("the slips", "document.querySelectorAll('.slip').length === 2");
    let codes = desk.script("return Array.prototype.map.call(document.querySelectorAll('.slip .code'), function (e) { return e.textContent; });");
    let codes = codes.as_array().expect("codes");
    assert!(
        codes.iter().all(|c| c.as_str().is_some_and(|c| c.len() == 11 && c.as_bytes()[5] == b'-')),
        "{codes:?}"
    );
    let inside = desk.script(
        "return Array.prototype.every.call(document.querySelectorAll('.slip'), function (slip) { \
           var box = slip.getBoundingClientRect(); \
           return Array.prototype.every.call(slip.querySelectorAll('dd'), function (d) { \
             var r = d.getBoundingClientRect(); return r.right <= box.right + 0.5 && r.width > 0; }); });",
    );
    assert_eq!(inside, json!(true), "every value fits in its slip");
    assert_eq!(desk.script("return document.documentElement.scrollWidth <= window.innerWidth;"), json!(true));
}

impl Browser<'_> {
    /// Picks an answer for the question shown and waits until it is saved.
    fn answer_shown(&self) -> String {
        let kind = self.script("return document.querySelector('#options').dataset.kind;");
        let value = if kind == "judge" { "T" } else { "A" };
        self.click(&format!("input[name=option][value={value}]"));
        self.wait("saved", "document.querySelector('#saved').dataset.state === 'saved'");
        self.script("return document.querySelector('#qnumber').textContent;")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Answers the question shown, or finds that the attempt was submitted elsewhere.
    fn answer_shown_or_result(&self) {
        let kind = self.script("return document.querySelector('#options') ? document.querySelector('#options').dataset.kind : '';");
        let value = if kind == "judge" { "T" } else { "A" };
        self.click(&format!("input[name=option][value={value}]"));
    }
}

/// Option F of a six-option question, chosen in the browser, comes back as F after a reload
/// and is graded as F: not read as 错 (false) anywhere between the page and the result.
#[test]
fn option_f_chosen_in_a_browser_is_saved_and_graded_as_f() {
    let Some((chromium, chromedriver)) = browser("option_f_chosen_in_a_browser_is_saved_and_graded_as_f")
    else {
        return;
    };
    let dir = exam_workspace("工号,姓名,部门\nA001,王一,区司法局/办公室\n", &[], NOW);
    let d = dir.path();
    // Article 9 of the Administrative Penalty Law (2021) lists the kinds of administrative
    // penalty; 记过, 记大过, 撤职 and 开除 are sanctions on public servants, not among them.
    std::fs::write(
        d.join("六选.csv"),
        "题号,题型,题干,选项A,选项B,选项C,选项D,选项E,选项F,答案,法律,条款\n\
         SIX-1,单选,根据行政处罚法，下列不属于行政处罚种类的是（　）。,警告,罚款,没收违法所得,暂扣许可证件,行政拘留,记过,F,行政处罚法,第九条\n\
         SIX-2,多选,根据行政处罚法，下列属于行政处罚种类的有（　）。,通报批评,记大过,降低资质等级,撤职,开除,限制从业,ACF,行政处罚法,第九条\n",
    )
    .expect("bank");
    let imported = run_in(d, &["bank", "import", "六选.csv"], &[]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    std::fs::write(
        d.join("main.toml"),
        "id = \"main\"\ntitle = \"六个选项\"\nyear = 2026\nduration_minutes = 30\npass_mark = 4\n\
         shuffle_options = false\n\n\
         [[sections]]\nkind = \"single\"\ncount = 1\npoints = 2\nbanks = [\"六选\"]\n\n\
         [[sections]]\nkind = \"multiple\"\ncount = 1\npoints = 2\nbanks = [\"六选\"]\n",
    )
    .expect("spec");
    let created = run_in(d, &["exam", "create", "main.toml", "--seed", "7"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let issued = run_in(d, &["access", "issue", "--format", "csv"], &[]);
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    let code = issued
        .stdout
        .lines()
        .find(|l| l.starts_with("A001"))
        .and_then(|l| l.split(',').nth(3))
        .expect("a code");

    let server = Server::start(d, NOW);
    let base = format!("http://127.0.0.1:{}", server.port);
    let driver = Driver::start(chromedriver);
    let profiles = tempfile::tempdir().expect("profiles");
    let desk = driver.session(chromium, &profiles.path().join("desk"), false);
    desk.sign_in(&base, "A001", code);
    desk.click("li.exam[data-exam=\"main\"] a.start");
    desk.wait("the paper", "document.querySelectorAll('#options input[name=option]').length === 6");
    for _ in 0..2 {
        let kind = desk.script("return document.querySelector('#options').dataset.kind;");
        let picks: &[&str] = if kind == "multiple" { &["A", "C", "F"] } else { &["F"] };
        for pick in picks {
            desk.click(&format!("input[name=option][value={pick}]"));
        }
        desk.wait("saved", "document.querySelector('#saved').dataset.state === 'saved'");
        desk.click("#next");
    }
    // After a reload each question shows the options chosen, F among them.
    desk.script("location.reload(); return true;");
    desk.wait("the paper again", "document.querySelectorAll('#nav button.navq.answered').length === 2");
    for number in ["1", "2"] {
        desk.click(&format!("#nav button.navq[data-number=\"{number}\"]"));
        desk.wait(
            "the question",
            &format!("document.querySelector('#qnumber').textContent.indexOf('{number}') >= 0"),
        );
        desk.wait("F still chosen", "document.querySelector('input[name=option][value=F]').checked");
    }
    desk.click("#submit");
    desk.wait("the confirmation", "!document.querySelector('#confirm').hidden");
    desk.click("#confirm-submit");
    desk.wait(
        "the result",
        "document.querySelector('#score') && /\\d/.test(document.querySelector('#score').textContent)",
    );
    let score = desk.text("#score");
    assert!(score.starts_with('4') && score.contains("/ 4"), "both answers right: {score}");
    // The review marks F as the key (and as chosen) on both questions: the stored key is
    // option F, not 错.
    desk.wait("the review", "document.querySelectorAll('#review li.review-item').length === 2");
    let marked = desk.script(
        "return Array.prototype.map.call(document.querySelectorAll('#review li.review-item'), function (item) { \
           var letters = function (css) { return Array.prototype.map.call(item.querySelectorAll(css), \
             function (o) { return o.querySelector('.letter').textContent.replace(/[^A-Z]/g, ''); }).join(''); }; \
           return letters('li.review-option.key') + '/' + letters('li.review-option.picked'); }).sort();",
    );
    assert_eq!(marked, json!(["ACF/ACF", "F/F"]), "keys and choices in the review");
    let errors = desk.console_errors();
    assert!(errors.is_empty(), "console: {errors:?}");

    // The command line reads the same: the stored answers are F and ACF.
    let results = run_in(d, &["exam", "results", "main", "--format", "json"], &[]);
    assert_eq!(results.code, 0, "{}", results.stderr);
    assert!(
        results.stdout.contains("\"passed\": true") || results.stdout.contains("\"passed\":true"),
        "{}",
        results.stdout
    );
}

/// Practice on a 360-pixel phone: from my exams to free practice, a wrong answer and its
/// feedback with the key, a right one, the summary, and the question in the wrong-answer
/// book; in Chinese, then in English; no sideways scrolling and nothing in the console.
#[test]
fn a_wrong_practice_answer_shows_its_key_and_lands_in_the_book() {
    let Some((chromium, chromedriver)) =
        browser("a_wrong_practice_answer_shows_its_key_and_lands_in_the_book")
    else {
        return;
    };
    let dir =
        exam_workspace("工号,姓名,部门\nA001,王一,区司法局/办公室\n", &[("main", spec("main", ""))], NOW);
    let d = dir.path();
    let codes = issue(d, &["--employee", "A001"], NOW);
    let server = Server::start(d, NOW);
    let base = format!("http://127.0.0.1:{}", server.port);
    let driver = Driver::start(chromedriver);
    let profiles = tempfile::tempdir().expect("profiles");
    let phone = driver.session(chromium, &profiles.path().join("phone"), true);
    phone.sign_in(&base, "A001", &codes["A001"]);
    phone.click("#to-practice");
    phone.wait("the practice page", "location.pathname === '/practice' && document.querySelector('#daily')");

    // Free practice: two true/false questions of the constitution.
    phone.type_into("#law", "宪法");
    phone.click("#kind option[value=judge]");
    phone.script("document.querySelector('#count').value = ''; return true;");
    phone.type_into("#count", "2");
    phone.click("#free");
    let shown =
        "!document.querySelector('#quiz').hidden && document.querySelector('#stem').textContent.length > 0";
    phone.wait("the first question", shown);
    assert!(phone.text("#qnumber").contains("第 1/2 题"), "{}", phone.text("#qnumber"));
    let no_key = phone.script(
        "return document.querySelector('#feedback').hidden && !document.querySelector('#options .key');",
    );
    assert_eq!(no_key, json!(true), "no key before the answer");
    let question = |browser: &Browser<'_>| {
        let shown =
            browser.script("var q = document.querySelector('#quiz'); return [q.dataset.bank, q.dataset.id];");
        json!({ "bank": shown[0], "id": shown[1], "version": 1 })
    };

    // A wrong answer: the verdict, the key marked and said, the explanation, the article and
    // the day it comes back.
    let first = question(&phone);
    let (key, explanation, _, article) = stored_question(d, &first);
    let wrong = wrong_answer("judge", &key);
    phone.click(&format!("input[name=option][value={wrong}]"));
    phone.click("#check");
    phone.wait("the feedback", "!document.querySelector('#feedback').hidden");
    assert_eq!(phone.text("#verdict"), "回答错误");
    let key_word = if key == "T" { "对" } else { "错" };
    assert!(phone.text("#key").contains(&format!("正确答案：{key_word}")), "{}", phone.text("#key"));
    let marked = phone.script("return document.querySelector('#options label.key input').value;");
    assert_eq!(marked, json!(key), "the key's option is marked");
    assert!(phone.text("#explanation").contains(&explanation), "{}", phone.text("#explanation"));
    assert!(phone.text("#law-cited").contains(&article), "{}", phone.text("#law-cited"));
    assert!(phone.text("#book-note").contains("2026-11-21"), "{}", phone.text("#book-note"));
    assert_eq!(
        phone.script("return document.documentElement.scrollWidth <= window.innerWidth;"),
        json!(true),
        "no sideways scrolling with the feedback shown"
    );

    // A right answer, then the summary.
    phone.click("#next");
    phone.wait(
        "the second question",
        "document.querySelector('#qnumber').textContent.indexOf('2/2') >= 0 && document.querySelector('#feedback').hidden",
    );
    let second = question(&phone);
    let (right, _, _, _) = stored_question(d, &second);
    phone.click(&format!("input[name=option][value={right}]"));
    phone.click("#check");
    phone.wait("the feedback", "!document.querySelector('#feedback').hidden");
    assert_eq!(phone.text("#verdict"), "回答正确");
    phone.click("#next");
    phone.wait("the summary", "!document.querySelector('#done').hidden");
    assert_eq!(phone.text("#summary"), "共答 2 题，答对 1 题。");

    // The book holds the wrong one, with its key; in English by the switch.
    phone.click("#done a[href='/practice/book']");
    phone.wait("the book", "document.querySelectorAll('#book li.book-item').length === 1");
    let entry = phone.script(
        "var item = document.querySelector('#book li.book-item'); \
         return [item.dataset.bank, item.dataset.id, item.querySelector('li.review-option.key').textContent];",
    );
    assert_eq!((&entry[0], &entry[1]), (&first["bank"], &first["id"]));
    assert!(entry[2].as_str().is_some_and(|text| text.contains(key_word)), "{entry}");
    let place = phone.text("#book li.book-item .book-place");
    assert!(place.contains("第 1 格") && place.contains("2026-11-21"), "{place}");
    phone.click("#lang");
    phone.wait("English", "document.documentElement.lang === 'en'");
    let place = phone.text("#book li.book-item .book-place");
    assert!(place.starts_with("Box 1") && place.contains("2026-11-21"), "{place}");
    assert_eq!(
        phone.script("return document.documentElement.scrollWidth <= window.innerWidth;"),
        json!(true)
    );

    let errors = phone.console_errors();
    assert!(errors.is_empty(), "console: {errors:?}");
}
