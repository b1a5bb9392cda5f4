//! `xuefa demo [DIR] [--seed N]`: a newcomer's first command. It writes the files a real
//! office has — the shipped question banks, a roster of about 150 people in 8 departments,
//! a year of study sessions and sign-in sheets, the annual exam's blueprint and its scanned
//! answer sheets — into `DIR/inputs`, loads them with the same commands an administrator
//! runs, lets some people take the daily quiz on a few days, and prints the annual report and the questions the item analysis flags. One key
//! is planted wrong on purpose, and the analysis finds it.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use xuefa_core::exam::{Drawer, PaperRng};
use xuefa_core::{Answer, Kind, Lang, Letters};
use xuefa_store::{ExamStore, Workspace};

use crate::cli::{BankFiles, GlobalArgs};
use crate::commands::{attendance, bank, exam, report, roster, session};
use crate::error::CommandError;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(value_name = "DIR", default_value = "xuefa-demo")]
    pub dir: PathBuf,
    #[arg(long, value_name = "N", default_value_t = 2026)]
    pub seed: u64,
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i16>,
}

/// The shipped banks, built into the program so the demo runs from anywhere.
const BANKS: &[(&str, &str)] = &[
    ("宪法", include_str!("../../../../question-banks/宪法.csv")),
    ("民法典", include_str!("../../../../question-banks/民法典.csv")),
    ("国家安全法", include_str!("../../../../question-banks/国家安全法.csv")),
    ("网络安全法", include_str!("../../../../question-banks/网络安全法.csv")),
    ("保守国家秘密法", include_str!("../../../../question-banks/保守国家秘密法.csv")),
    ("行政复议法", include_str!("../../../../question-banks/行政复议法.csv")),
    ("行政诉讼法", include_str!("../../../../question-banks/行政诉讼法.csv")),
    ("行政处罚法", include_str!("../../../../question-banks/行政处罚法.csv")),
    ("行政许可法", include_str!("../../../../question-banks/行政许可法.csv")),
    ("防范和处置非法集资条例", include_str!("../../../../question-banks/防范和处置非法集资条例.csv")),
    ("立法法", include_str!("../../../../question-banks/立法法.csv")),
];

/// The question whose key the demo plants wrong, and the wrong key.
const PLANTED: (&str, &str, &str) = ("宪法", "XF-001", "A");
const MARKER: &str = ".xuefa-demo";
const OFFICE: &str = "示范区司法局";
const DEPARTMENTS: [&str; 8] = [
    "局领导",
    "办公室",
    "政策法规科",
    "行政复议与应诉科",
    "普法与依法治理科",
    "公共法律服务科",
    "社区矫正科",
    "基层工作科",
];
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美晨文斌宇浩凯鹏飞婷雪琳欣颖佳晓瑞晶宁";

struct Rng(PaperRng);

impl Rng {
    fn new(seed: u64, stream: &str) -> Self {
        Rng(PaperRng::for_paper(seed, stream, 0))
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }
}

struct Member {
    id: String,
    name: String,
    department: String,
    role: &'static str,
    status: &'static str,
    joined: String,
    left: String,
    ability: f64,
    diligence: f64,
}

fn people(seed: u64, year: i16) -> Vec<Member> {
    let mut rng = Rng::new(seed, "roster");
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let sizes = [5, 16, 20, 22, 22, 22, 24, 19];
    let mut names: HashSet<String> = HashSet::new();
    let mut members = Vec::new();
    for (d, (&department, &size)) in DEPARTMENTS.iter().zip(&sizes).enumerate() {
        for i in 0..size {
            let name = loop {
                let mut name = String::from(surnames[rng.below(surnames.len())]);
                for _ in 0..(1 + rng.below(2)) {
                    name.push(given[rng.below(given.len())]);
                }
                if names.insert(name.clone()) {
                    break name;
                }
            };
            let leader = d == 0 || i == 0;
            let ability = (rng.unit() + rng.unit() + rng.unit() - 1.5) * 1.6 + if leader { 0.3 } else { 0.0 };
            members.push(Member {
                id: format!("SFJ{:03}", members.len() + 1),
                name,
                department: format!("{OFFICE}/{department}"),
                role: if leader { "领导干部" } else { "科员" },
                status: "active",
                joined: format!("{}-0{}-01", year - 1 - rng.below(20) as i16, 1 + rng.below(9)),
                left: String::new(),
                ability,
                diligence: 0.72 + 0.27 * rng.unit(),
            });
        }
    }
    // One person exempt (long sick leave), one joined in July, one left in September.
    members[40].status = "exempt";
    members[77].joined = format!("{year}-07-01");
    members[101].status = "left";
    members[101].left = format!("{year}-09-30");
    members
}

struct DemoSession {
    id: String,
    date: String,
    kind: &'static str,
    title: String,
    hours: f64,
    place: &'static str,
    audience: &'static str,
    headcount: Option<u32>,
    materials: Option<u32>,
}

fn sessions(year: i16) -> Vec<DemoSession> {
    let topics = [
        "宪法",
        "民法典总则编",
        "行政处罚法",
        "行政复议法",
        "国家安全法",
        "网络安全法",
        "保守国家秘密法",
        "行政许可法",
        "行政诉讼法",
        "防范和处置非法集资条例",
        "法治政府建设实施纲要",
        "宪法宣传周学习",
    ];
    let mut list = Vec::new();
    let mut add = |date: String, kind, title: String, hours, place, audience, counts: Option<(u32, u32)>| {
        list.push(DemoSession {
            id: format!("S{:02}", list.len() + 1),
            date,
            kind,
            title,
            hours,
            place,
            audience,
            headcount: counts.map(|c| c.0),
            materials: counts.map(|c| c.1),
        });
    };
    for (m, topic) in topics.iter().enumerate() {
        add(
            format!("{year}-{:02}-1{}", m + 1, m % 9),
            "集中学习",
            format!("会前学法：{topic}"),
            2.0,
            "第一会议室",
            "",
            None,
        );
    }
    for (m, title) in [
        (3, "民法典专题讲座"),
        (6, "行政复议法专题讲座"),
        (9, "行政执法规范化专题讲座"),
        (11, "习近平法治思想专题讲座"),
    ] {
        add(format!("{year}-{m:02}-20"), "专题讲座", title.to_owned(), 3.0, "多功能厅", "", None);
    }
    for (m, title) in [(5, "旁听行政诉讼案件庭审"), (10, "旁听非法集资刑事案件庭审")] {
        add(format!("{year}-{m:02}-25"), "旁听庭审", title.to_owned(), 4.0, "区人民法院", "领导干部", None);
    }
    for m in [2, 5, 8, 11] {
        add(
            format!("{year}-{m:02}-08"),
            "中心组学习",
            "中心组集体学法".to_owned(),
            2.0,
            "第二会议室",
            "领导干部",
            None,
        );
    }
    add(format!("{year}-12-31"), "网络自学", "法宣在线网络学法".to_owned(), 0.0, "", "", None);
    for (date, title, place, counts) in [
        ("03-15", "消费者权益保护普法宣传", "中心广场", (420, 1500)),
        ("04-15", "全民国家安全教育日宣传", "区政务服务中心", (380, 1200)),
        ("05-20", "民法典宣传月进社区", "幸福社区", (260, 800)),
        ("06-15", "防范非法集资宣传", "农贸市场", (310, 2000)),
        ("09-10", "法律明白人培训", "区委党校", (120, 300)),
        ("12-04", "国家宪法日主题宣传", "区图书馆", (560, 2500)),
    ] {
        add(format!("{year}-{date}"), "普法宣传", title.to_owned(), 2.0, place, "", Some(counts));
    }
    list
}

fn write(path: &Path, text: &str) -> Result<(), CommandError> {
    std::fs::write(path, text).map_err(|e| {
        CommandError::message_of(
            "demo.write_failed",
            vec![("path", path.display().to_string()), ("detail", e.to_string())],
        )
    })
}

/// Empties the demo folder: one the demo made before is replaced; anything else is refused.
fn prepare(dir: &Path) -> Result<(), CommandError> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            if !dir.join(MARKER).exists() {
                return Err(CommandError::message_of(
                    "demo.not_empty",
                    vec![("dir", dir.display().to_string())],
                ));
            }
            std::fs::remove_dir_all(dir).map_err(|e| {
                CommandError::message_of(
                    "demo.write_failed",
                    vec![("path", dir.display().to_string()), ("detail", e.to_string())],
                )
            })?;
        }
    }
    std::fs::create_dir_all(dir.join("inputs/banks")).map_err(|e| {
        CommandError::message_of(
            "demo.write_failed",
            vec![("path", dir.display().to_string()), ("detail", e.to_string())],
        )
    })?;
    write(&dir.join(MARKER), "This folder was made by `xuefa demo`; running it again replaces it.\n")
}

/// Returns the bank's CSV with the planted key.
fn plant(text: &str) -> String {
    let (_, id, wrong) = PLANTED;
    text.lines()
        .map(|line| {
            if line.starts_with(&format!("{id},")) {
                // The key is the 9th column (题号,题型,题干,选项A–E,答案).
                let mut cells: Vec<&str> = line.split(',').collect();
                if cells.len() > 8 {
                    cells[8] = wrong;
                }
                cells.join(",")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn exam_spec(year: i16) -> String {
    format!(
        r#"# The annual exam of the demo. No opens/closes window, so that you can sit it yourself.
id = "{year}-annual"
title = "{year}年度学法考试"
year = {year}
duration_minutes = 90
pass_mark = 60
attempts = 2

[[sections]]
kind = "single"
count = 10
points = 2
banks = ["宪法"]

[[sections]]
kind = "single"
count = 20
points = 2

[[sections]]
kind = "multiple"
count = 10
points = 2

[[sections]]
kind = "judge"
count = 20
points = 1
"#
    )
}

pub fn cmd_demo(args: &DemoArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    // On a machine whose locale names no language, the demo speaks the language of the
    // workspace it makes (Chinese), as every command in that workspace will.
    let chinese;
    let ui = if crate::i18n::lang_named() {
        ui
    } else {
        chinese = Ui::new(xuefa_core::Lang::Zh);
        &chinese
    };
    let now = crate::workspace::now()?;
    let year = args.year.unwrap_or_else(|| jiff::tz::offset(8).to_datetime(now).date().year() - 1);
    let dir = &args.dir;
    prepare(dir)?;
    let inputs = dir.join("inputs");
    Workspace::init(dir, OFFICE, "zh").map_err(CommandError::from)?;
    let here = GlobalArgs { lang: global.lang, workspace: Some(dir.clone()) };
    ui.note(&ui.text("demo.step_banks", &[]));

    // Banks, one key planted wrong; the true keys stay here for the simulated people.
    let mut files = Vec::new();
    let mut true_keys: BTreeMap<(String, String), Answer> = BTreeMap::new();
    for (name, text) in BANKS {
        let path = inputs.join(format!("banks/{name}.csv"));
        let planted = if *name == PLANTED.0 { plant(text) } else { (*text).to_owned() };
        write(&path, &planted)?;
        let report = xuefa_core::read(&path.display().to_string(), text.as_bytes(), &Default::default());
        for (question, _) in report.questions {
            true_keys.insert(((*name).to_owned(), question.id.clone()), question.answer);
        }
        files.push(path);
    }
    bank::import::cmd_import(
        &bank::import::ImportArgs { input: BankFiles { files, encoding: None }, bank: None },
        &here,
        ui,
    )?;

    // The roster.
    ui.note(&ui.text("demo.step_roster", &[]));
    let members = people(args.seed, year);
    let mut roster = String::from("工号,姓名,部门,职务,状态,入职日期,离职日期\n");
    for m in &members {
        let status = match m.status {
            "exempt" => "免考",
            "left" => "离职",
            _ => "在职",
        };
        let _ = writeln!(
            roster,
            "{},{},{},{},{status},{},{}",
            m.id, m.name, m.department, m.role, m.joined, m.left
        );
    }
    write(&inputs.join("roster.csv"), &roster)?;
    roster::import::cmd_import(
        &roster::import::ImportArgs { file: inputs.join("roster.csv"), encoding: None },
        &here,
        ui,
    )?;

    // A year of sessions and their sign-in sheets.
    ui.note(&ui.text("demo.step_sessions", &[]));
    let list = sessions(year);
    let mut text = String::from("编号,日期,类型,主题,学时,组织者,地点,参加对象,受众人数,发放资料\n");
    for s in &list {
        let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        let _ = writeln!(
            text,
            "{},{},{},{},{},办公室,{},{},{},{}",
            s.id,
            s.date,
            s.kind,
            s.title,
            s.hours,
            s.place,
            s.audience,
            count(s.headcount),
            count(s.materials)
        );
    }
    write(&inputs.join("sessions.csv"), &text)?;
    session::import::cmd_import(
        &session::import::ImportArgs { file: inputs.join("sessions.csv"), encoding: None },
        &here,
        ui,
    )?;
    let mut rng = Rng::new(args.seed, "attendance");
    let mut signins = String::from("编号,工号,状态,学时\n");
    for s in list.iter().filter(|s| s.kind != "普法宣传") {
        for m in &members {
            let on_roster = m.joined.as_str() <= s.date.as_str()
                && (m.left.is_empty() || m.left.as_str() >= s.date.as_str());
            if m.status == "exempt" || !on_roster || (s.audience == "领导干部" && m.role != "领导干部")
            {
                continue;
            }
            if s.kind == "网络自学" {
                let _ = writeln!(
                    signins,
                    "{},{},出席,{}",
                    s.id,
                    m.id,
                    (6.0 + 20.0 * m.diligence * rng.unit()).round()
                );
                continue;
            }
            // Court hearings are missed more often: leaders' diaries are full.
            let chance = if s.kind == "旁听庭审" { m.diligence - 0.2 } else { m.diligence };
            let roll = rng.unit();
            let status = if roll < chance {
                if rng.unit() < 0.06 { "迟到" } else { "出席" }
            } else if roll < chance + 0.08 {
                "请假"
            } else {
                "缺席"
            };
            let _ = writeln!(signins, "{},{},{status},", s.id, m.id);
        }
    }
    write(&inputs.join("signins.csv"), &signins)?;
    attendance::import::cmd_import(
        &attendance::import::ImportArgs { file: inputs.join("signins.csv"), encoding: None },
        &here,
        ui,
    )?;

    // The annual exam: the blueprint, then answer sheets of people of varying ability.
    ui.note(&ui.text("demo.step_exam", &[]));
    let spec_path = inputs.join("exam.toml");
    write(&spec_path, &exam_spec(year))?;
    exam::create::cmd_create(
        &exam::create::CreateArgs { spec: spec_path, seed: Some(args.seed) },
        &here,
        ui,
    )?;
    let exam_id = format!("{year}-annual");
    let workspace = Workspace::find(Some(dir), None, Path::new(".")).map_err(CommandError::from)?;
    let store = workspace.open_store(None).map_err(CommandError::from)?;
    let record = store.exam(&exam_id)?;
    let pool = store.exam_pool(&exam_id)?;
    let drawer = Drawer::new(&record.spec, &pool);
    let grading = record.spec.grading();
    let mut rng = Rng::new(args.seed, "answers");
    let header = |text: &mut String| {
        text.push_str("工号,次数");
        for n in 1..=record.spec.question_count() {
            let _ = write!(text, ",{n}");
        }
        text.push('\n');
    };
    let (mut first, mut retake) = (String::new(), String::new());
    header(&mut first);
    header(&mut retake);
    let sitters: Vec<&Member> = members.iter().filter(|m| m.status == "active").collect();
    let mut not_sat = Vec::new();
    for (i, m) in sitters.iter().enumerate() {
        // A few people have not sat yet: they are the 补考 notice.
        if i % 37 == 5 {
            not_sat.push(m.id.clone());
            continue;
        }
        let mut seen = HashSet::new();
        for attempt in 1..=2 {
            let paper = drawer.draw(record.seed, &m.id, attempt, &seen).map_err(|e| {
                CommandError::message_of(
                    "exam.pool_short",
                    vec![("exam", exam_id.clone()), ("detail", e.to_string())],
                )
            })?;
            seen.extend(paper.question_keys());
            let ability = m.ability + if attempt == 2 { 0.5 } else { 0.0 };
            let mut row = format!("{},{attempt}", m.id);
            let mut responses = Vec::new();
            for q in &paper.questions {
                let truth = true_keys.get(&(q.bank.clone(), q.id.clone())).copied().unwrap_or(q.key);
                let difficulty = pool
                    .questions()
                    .iter()
                    .find(|e| e.bank == q.bank && e.question.id == q.id)
                    .and_then(|e| e.question.difficulty)
                    .unwrap_or(3);
                let b = (f64::from(difficulty) - 3.0) * 0.7 - 0.6;
                let p = 0.2 + 0.8 / (1.0 + (-1.7 * (ability - b)).exp());
                let right = rng.unit() < p;
                // The true key in the letters this paper shows.
                let shown_truth = match truth {
                    Answer::Choice(bank) => Answer::Choice(
                        (0..q.order.len())
                            .filter(|&p| bank.contains(usize::from(q.order[p])))
                            .fold(Letters::empty(), |l, p| l.with(p)),
                    ),
                    judge => judge,
                };
                let answer = match (shown_truth, right) {
                    (Answer::Judge(t), right) => Answer::Judge(t == right),
                    (Answer::Choice(key), true) => Answer::Choice(key),
                    (Answer::Choice(key), false) if q.kind == Kind::Single => {
                        let others: Vec<usize> = (0..q.options.len()).filter(|&p| !key.contains(p)).collect();
                        Answer::Choice(Letters::empty().with(others[rng.below(others.len())]))
                    }
                    (Answer::Choice(key), false) => {
                        // A 多选 answer with one letter too many or too few.
                        let flip = rng.below(q.options.len());
                        let changed = if key.contains(flip) {
                            key.indexes().filter(|&p| p != flip).fold(Letters::empty(), |l, p| l.with(p))
                        } else {
                            key.with(flip)
                        };
                        Answer::Choice(if changed.is_empty() {
                            key.with((flip + 1) % q.options.len())
                        } else {
                            changed
                        })
                    }
                    #[allow(unreachable_patterns)]
                    (other, _) => other,
                };
                let cell = match answer {
                    Answer::Judge(true) => "对".to_owned(),
                    Answer::Judge(false) => "错".to_owned(),
                    other => other.to_string(),
                };
                let _ = write!(row, ",{cell}");
                responses.push(Some(match answer {
                    Answer::Judge(t) => xuefa_core::exam::Response::Judge(t),
                    Answer::Choice(l) => xuefa_core::exam::Response::Choice(l),
                    #[allow(unreachable_patterns)]
                    _ => xuefa_core::exam::Response::Judge(false),
                }));
            }
            row.push('\n');
            let passed = xuefa_core::exam::grade(&paper, &responses, &grading).passed;
            if attempt == 1 {
                first.push_str(&row);
            } else {
                retake.push_str(&row);
            }
            if passed || attempt == 2 {
                break;
            }
        }
    }
    drop(store);
    write(&inputs.join("answers.csv"), &first)?;
    write(&inputs.join("answers-retake.csv"), &retake)?;
    for sheet in ["answers.csv", "answers-retake.csv"] {
        exam::grade::cmd_grade(
            &exam::grade::GradeArgs { exam: exam_id.clone(), sheet: inputs.join(sheet), encoding: None },
            &here,
            ui,
        )?;
    }

    // Practice between exams: the diligent take the daily quiz on some days of the year.
    ui.note(&ui.text("demo.step_practice", &[]));
    practise(&workspace, &members, &true_keys, args.seed, year)?;

    // The annual report, the flagged questions, and what to try next.
    ui.note(&ui.text("demo.step_report", &[]));
    report::annual::cmd_annual(
        &report::annual::AnnualArgs {
            year: Some(year),
            by: None,
            with_names: false,
            format: report::annual::AnnualFormat::Md,
            output: None,
        },
        &here,
        ui,
    )?;
    outln!("## {}\n", ui.text("demo.flagged", &[]));
    report::items::cmd_items(
        &report::items::ItemsArgs {
            exam: exam_id.clone(),
            flagged: true,
            format: crate::output::ReportFormat::Md,
            output: None,
        },
        &here,
        ui,
    )?;
    // What to try next is for the person at the terminal, not part of the report: stderr,
    // so `xuefa demo DIR > report.md` keeps only the report.
    let lang = if ui.lang == Lang::Zh { "zh" } else { "en" };
    let dir_text = dir.display().to_string();
    let next = ui.text(
        "demo.next",
        &[
            ("dir", dir_text),
            ("exam", exam_id),
            ("year", year.to_string()),
            ("employee", not_sat.first().cloned().unwrap_or_default()),
            ("planted", format!("{}:{}", PLANTED.0, PLANTED.1)),
            ("lang", lang.to_owned()),
        ],
    );
    ui.note(&format!("\n{next}"));
    Ok(())
}

/// Some people take the daily quiz (每日一练) on a few days of the year, answering as their
/// ability lets them: the book fills with what they got wrong, and the annual report has its
/// practice section. The answers go through the same engine as `xuefa practice`.
fn practise(
    workspace: &Workspace,
    members: &[Member],
    true_keys: &BTreeMap<(String, String), Answer>,
    seed: u64,
    year: i16,
) -> Result<(), CommandError> {
    use xuefa_app::practice::{self, PracticeMode, PracticeRequest};
    use xuefa_core::exam::Response;
    let mut store = workspace.open_store(None).map_err(CommandError::from)?;
    let mut rng = Rng::new(seed, "practice");
    let request =
        PracticeRequest { count: practice::DAILY_COUNT, mode: PracticeMode::Daily, ..Default::default() };
    let offset = workspace.config.offset();
    for m in members.iter().filter(|m| m.status != "left") {
        if rng.unit() > m.diligence - 0.35 {
            continue;
        }
        // A few days between March and November, each once, in order.
        let mut days: Vec<i16> = (0..2 + rng.below(5)).map(|_| 60 + rng.below(270) as i16).collect();
        days.sort_unstable();
        days.dedup();
        for day_of_year in days {
            let day = xuefa_core::Date::new(year, 1, 1)
                .ok()
                .and_then(|d| d.checked_add(jiff::Span::new().days(i64::from(day_of_year))).ok())
                .ok_or_else(|| {
                    CommandError::message_of("report.bad_year", vec![("value", year.to_string())])
                })?;
            let at = offset
                .to_timestamp(day.at(12, 30, 0, 0))
                .map_err(|e| CommandError::message_of("take.io", vec![("detail", e.to_string())]))?;
            for question in practice::draw(&store, &m.id, &request, day, at)? {
                let q = &question.question;
                let key = true_keys.get(&(question.bank.clone(), q.id.clone())).unwrap_or(&q.answer);
                let right = rng.unit() < (0.72 + 0.08 * m.ability).clamp(0.3, 0.95);
                let response = match (key, right) {
                    (Answer::Judge(t), _) => Response::Judge(*t == right),
                    (Answer::Choice(letters), true) => Response::Choice(*letters),
                    (Answer::Choice(letters), false) => {
                        // Another option instead of the first of the key.
                        let first = letters.indexes().next().unwrap_or(0);
                        let other =
                            (first + 1 + rng.below(q.options.len().max(2) - 1)) % q.options.len().max(1);
                        Response::Choice(Letters::from_index(other).unwrap_or(*letters))
                    }
                    _ => continue,
                };
                practice::answer(&mut store, &m.id, &question, &response, at, day)?;
            }
        }
    }
    Ok(())
}
