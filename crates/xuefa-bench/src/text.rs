//! The word lists the data set is built from: laws, question templates, names, units.

/// A law the bank covers: its name, an id prefix and how many articles it has.
#[derive(Debug)]
pub struct Law {
    pub name: &'static str,
    pub prefix: &'static str,
    pub articles: u32,
}

pub const LAWS: &[Law] = &[
    Law { name: "宪法", prefix: "XF", articles: 143 },
    Law { name: "民法典", prefix: "MFD", articles: 1260 },
    Law { name: "行政处罚法", prefix: "XZCF", articles: 86 },
    Law { name: "行政许可法", prefix: "XZXK", articles: 83 },
    Law { name: "行政复议法", prefix: "XZFY", articles: 90 },
    Law { name: "行政诉讼法", prefix: "XZSS", articles: 103 },
    Law { name: "国家赔偿法", prefix: "GJPC", articles: 42 },
    Law { name: "公职人员政务处分法", prefix: "ZWCF", articles: 68 },
    Law { name: "安全生产法", prefix: "AQSC", articles: 119 },
    Law { name: "网络安全法", prefix: "WLAQ", articles: 79 },
    Law { name: "保守国家秘密法", prefix: "BMF", articles: 65 },
];

pub const TOPICS: &[&str] = &[
    "适用范围",
    "基本原则",
    "管辖",
    "法定期限",
    "证据规则",
    "听证程序",
    "告知义务",
    "回避制度",
    "送达方式",
    "监督检查",
    "法律责任",
    "权利救济",
    "信息公开",
    "执行程序",
    "职责分工",
    "简易程序",
];

pub const SINGLE_STEMS: &[&str] = &[
    "根据《{law}》{article}的规定，关于{topic}，下列说法正确的是（  ）。",
    "依照《{law}》{article}，行政机关在{topic}方面应当（  ）。",
    "关于《{law}》{article}规定的{topic}，下列表述错误的是（  ）。",
    "某单位办理涉及{topic}的事项时，依据《{law}》{article}，下列做法正确的是（  ）。",
    "《{law}》{article}中有关{topic}的规定，其立法目的主要是（  ）。",
];

pub const MULTIPLE_STEMS: &[&str] = &[
    "根据《{law}》{article}的规定，关于{topic}，下列说法正确的有（  ）。",
    "依照《{law}》{article}，下列属于{topic}要求的有（  ）。",
    "某单位办理涉及{topic}的事项时，依据《{law}》{article}，应当做到（  ）。",
    "关于《{law}》{article}规定的{topic}，下列表述正确的有（  ）。",
];

pub const JUDGE_STEMS: &[&str] = &[
    "根据《{law}》{article}的规定，{topic}应当遵循公开、公平、公正的原则。",
    "依照《{law}》{article}，涉及{topic}的事项可以不履行法定程序，由经办人员自行决定。",
    "《{law}》{article}对{topic}作出了规定，行政机关应当依法执行。",
    "依据《{law}》{article}，{topic}相关决定作出后，当事人不得申请行政复议或者提起行政诉讼。",
    "按照《{law}》{article}，国家机关工作人员在{topic}工作中应当依法履职、接受监督。",
];

pub const OPTIONS: &[&str] = &[
    "应当依法及时作出书面决定",
    "可以口头告知当事人",
    "须经上一级机关批准",
    "应当告知当事人依法享有的权利",
    "不得收取任何费用",
    "应当在法定期限内办结",
    "可以委托其他组织实施",
    "应当听取当事人的陈述和申辩",
    "由县级以上人民政府决定",
    "应当向社会公开",
    "可以不说明理由",
    "应当制作笔录并由当事人签字",
    "当事人可以申请听证",
    "应当由两名以上执法人员实施",
    "可以先行登记保存证据",
    "应当依法回避",
    "由本级人民代表大会常务委员会监督",
    "当事人可以依法申请行政复议",
    "当事人可以依法提起行政诉讼",
    "应当依法承担赔偿责任",
    "可以从轻或者减轻处罚",
    "应当责令改正",
    "不予处罚",
    "应当移送司法机关",
    "自收到申请之日起二十日内作出决定",
    "自知道之日起六十日内提出申请",
    "应当保守国家秘密",
    "应当保护个人信息",
    "可以采取行政强制措施",
    "应当报请本级人民政府批准",
    "适用简易程序当场作出决定",
    "应当依法送达当事人",
];

/// Surnames, the common ones first (they are drawn more often).
pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",
    "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白",
    "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺",
    "顾", "毛", "郝", "龚", "邵", "欧阳", "司马", "诸葛",
];

pub const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "文", "辉", "建", "国", "红", "梅", "鹏", "飞",
    "宇", "浩", "婷", "雪", "琳", "晨", "欣", "怡", "佳", "思", "子", "涵", "博", "轩", "睿", "然", "晓",
    "东", "海", "波", "斌", "亮", "志", "春", "燕", "凤", "荣", "新", "林", "清", "莉", "慧", "颖", "倩",
    "瑶", "鑫", "宁", "凯", "帆", "航", "哲", "瑞", "嘉", "欢", "诗", "雨",
];

pub const TOP_UNITS: &[&str] = &[
    "某省司法厅",
    "某省公安厅",
    "某省财政厅",
    "某省教育厅",
    "某省民政厅",
    "某省自然资源厅",
    "某省生态环境厅",
    "某省住房和城乡建设厅",
    "某省交通运输厅",
    "某省水利厅",
    "某省农业农村厅",
    "某省商务厅",
    "某省文化和旅游厅",
    "某省卫生健康委员会",
    "某省应急管理厅",
    "某省审计厅",
    "某省市场监督管理局",
    "某省统计局",
    "某省医疗保障局",
    "某省林业局",
    "某省人力资源和社会保障厅",
    "某省退役军人事务厅",
    "某省税务局",
    "某省药品监督管理局",
];

/// Offices under a city bureau; a bureau has this many offices plus its own staff.
pub const OFFICES: &[&str] =
    &["办公室", "政策法规科", "执法监督科", "综合业务科", "人事科", "财务审计科", "行政审批科"];

pub const ROLES: &[(&str, f64)] = &[
    ("科员", 40.0),
    ("一级科员", 12.0),
    ("四级主任科员", 12.0),
    ("副科长", 10.0),
    ("科长", 6.0),
    ("办事员", 10.0),
    ("执法人员", 5.0),
];

pub const LEADER: &str = "领导干部";

pub const OUTREACH_THEMES: &[&str] = &[
    "宪法宣传周",
    "民法典宣传月",
    "全民国家安全教育日",
    "“3·15”消费者权益日",
    "安全生产月",
    "法治宣传进社区",
];

/// Returns a number in Chinese numerals as articles are numbered: 一, 十二, 一百零五,
/// 一千二百六十.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    let digits: Vec<u32> = n.to_string().bytes().map(|b| u32::from(b - b'0')).collect();
    let len = digits.len();
    let mut out = String::new();
    let mut zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let unit = len - 1 - i;
        if d == 0 {
            zero = true;
            continue;
        }
        if zero && !out.is_empty() {
            out.push_str(DIGITS[0]);
        }
        zero = false;
        // 十二, not 一十二, at the start of a number.
        if !(d == 1 && unit == 1 && i == 0) {
            out.push_str(DIGITS[d as usize]);
        }
        out.push_str(UNITS[unit]);
    }
    out
}

/// Returns `第N条` in Chinese numerals.
pub fn article(n: u32) -> String {
    format!("第{}条", chinese_number(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_read_as_in_the_law() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (105, "一百零五"),
            (110, "一百一十"),
            (188, "一百八十八"),
            (1000, "一千"),
            (1005, "一千零五"),
            (1050, "一千零五十"),
            (1206, "一千二百零六"),
            (1260, "一千二百六十"),
        ];
        for (n, text) in cases {
            assert_eq!(chinese_number(n), text, "{n}");
        }
        assert_eq!(article(188), "第一百八十八条");
    }
}
