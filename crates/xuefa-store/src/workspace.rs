//! Workspaces: a folder with `xuefa.toml` (the office's settings) and `xuefa.db` (the
//! store), found like git finds `.git`: an explicit folder, else `XUEFA_WORKSPACE`, else the
//! nearest folder upwards from the current one that holds `xuefa.toml`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{SqliteStore, StoreError};

/// The settings file's name.
pub const CONFIG_FILE: &str = "xuefa.toml";
/// The database file's name.
pub const DATABASE_FILE: &str = "xuefa.db";

/// Why a workspace could not be made, found or opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkspaceError {
    /// No workspace here or above.
    #[error("no xuefa workspace in {0} or any folder above it")]
    NotFound(PathBuf),
    /// The folder named by `--workspace` or `XUEFA_WORKSPACE` is not a workspace.
    #[error("{0} is not a xuefa workspace (it has no xuefa.toml)")]
    NotAWorkspace(PathBuf),
    /// `init` found a workspace already there.
    #[error("{0} is already a xuefa workspace")]
    AlreadyExists(PathBuf),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `xuefa.toml` is not valid.
    #[error("{path}: {detail}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        detail: String,
    },
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The settings in `xuefa.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// The language of messages (`zh` or `en`) when neither `--lang` nor a locale that
    /// names a language (`C`, `POSIX` or no locale name none) decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The office.
    #[serde(default)]
    pub office: Office,
    /// Study sessions: credit, the office's own kinds, yearly requirements.
    #[serde(default)]
    pub study: StudyConfig,
    /// Practice: whether it earns study hours.
    #[serde(default)]
    pub practice: PracticeConfig,
    /// Where the store is: the workspace's `xuefa.db` unless a PostgreSQL URL is given.
    #[serde(default)]
    pub database: DatabaseConfig,
}

/// The `[database]` table: a PostgreSQL database instead of the workspace's `xuefa.db`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DatabaseConfig {
    /// `postgres://user@host:5432/dbname` (or `host=… dbname=…`); `XUEFA_DATABASE_URL`
    /// overrides it, and is the place for a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The CA certificate (PEM) the server's certificate must chain to: with it the
    /// connection is TLS. A relative path is from the workspace folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Connections each `xuefa serve` process keeps at most.
    #[serde(default = "pool_size")]
    pub pool_size: u32,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig { url: None, ca_file: None, pool_size: pool_size() }
    }
}

fn pool_size() -> u32 {
    16
}

/// The `[practice]` table: practice as online self-study. Off unless
/// `credit_minutes_per_question` is more than 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PracticeConfig {
    /// Minutes of online self-study each distinct question answered in practice earns on a
    /// day (0: practice earns no hours).
    #[serde(default)]
    pub credit_minutes_per_question: f64,
    /// At most this many minutes a day.
    #[serde(default = "daily_cap")]
    pub credit_minutes_per_day: f64,
}

impl Default for PracticeConfig {
    fn default() -> Self {
        PracticeConfig { credit_minutes_per_question: 0.0, credit_minutes_per_day: daily_cap() }
    }
}

impl PracticeConfig {
    /// The credit, when practice earns study hours: (minutes a distinct question answered
    /// on a day, minutes a day at most), as [`xuefa_core::practice::credit_hours`] takes them.
    pub fn credit(&self) -> Option<(f64, f64)> {
        (self.credit_minutes_per_question > 0.0)
            .then_some((self.credit_minutes_per_question, self.credit_minutes_per_day))
    }
}

fn daily_cap() -> f64 {
    30.0
}

/// The `[study]` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StudyConfig {
    /// The share of a session's hours each mark earns.
    #[serde(default)]
    pub credit: xuefa_core::study::Credit,
    /// The office's own session kinds.
    #[serde(default)]
    pub kinds: Vec<CustomKind>,
    /// Yearly requirements.
    #[serde(default)]
    pub requirements: Vec<xuefa_core::study::Requirement>,
}

/// A session kind of the office's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CustomKind {
    /// The identifier used in files and JSON, such as `central_group`.
    pub id: String,
    /// The Chinese name, such as `中心组学习`.
    pub name: String,
}

impl StudyConfig {
    /// Returns the custom kinds as (identifier, name) pairs.
    pub fn custom_kinds(&self) -> Vec<(String, String)> {
        self.kinds.iter().map(|k| (k.id.clone(), k.name.clone())).collect()
    }
}

/// The `[office]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Office {
    /// The office's name, shown on reports.
    #[serde(default)]
    pub name: String,
    /// The office's offset from UTC, such as `+08:00`: every time a person reads is shown
    /// in it, and "today" and "this year" are the office's.
    #[serde(default = "china_offset")]
    pub utc_offset: String,
}

impl Default for Office {
    fn default() -> Self {
        Office { name: String::new(), utc_offset: china_offset() }
    }
}

fn china_offset() -> String {
    "+08:00".to_owned()
}

/// Returns the offset in `+08:00` / `-05:30` / `Z` form, or `None` when the text is not one
/// or lies outside the offsets in use on Earth (−12:00 to +14:00).
pub fn parse_offset(text: &str) -> Option<jiff::tz::Offset> {
    let text = text.trim();
    if text == "Z" || text == "z" {
        return Some(jiff::tz::Offset::UTC);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    let seconds = sign * (hours * 3600 + minutes * 60);
    if minutes >= 60 || !(-12 * 3600..=14 * 3600).contains(&seconds) {
        return None;
    }
    jiff::tz::Offset::from_seconds(seconds).ok()
}

impl Config {
    /// Returns the settings in a `xuefa.toml` text.
    ///
    /// # Errors
    /// Returns what is wrong and where, as the TOML parser words it.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|error| error.to_string())?;
        if parse_offset(&config.office.utc_offset).is_none() {
            return Err(format!(
                "[office] utc_offset = \"{}\" is not an offset from UTC between -12:00 and +14:00, such as \"+08:00\"",
                config.office.utc_offset
            ));
        }
        let credit = &config.study.credit;
        for (status, share) in [
            ("present", credit.present),
            ("late", credit.late),
            ("left_early", credit.left_early),
            ("excused", credit.excused),
            ("absent", credit.absent),
        ] {
            if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                return Err(format!(
                    "[study] credit.{status} = {share} must be a share of the session's hours from 0 to 1 (1.0 = all of them)"
                ));
            }
        }
        for requirement in &config.study.requirements {
            if requirement.name.trim().is_empty() {
                return Err("[[study.requirements]] needs a name".to_owned());
            }
            if requirement.min_hours.is_some_and(|h| !(h.is_finite() && h >= 0.0)) {
                return Err(format!(
                    "[[study.requirements]] {}: min_hours must be a number of hours, 0 or more",
                    requirement.name
                ));
            }
            if requirement.min_hours.is_none() && requirement.min_sessions.is_none() {
                return Err(format!(
                    "[[study.requirements]] {}: give min_hours or min_sessions",
                    requirement.name
                ));
            }
        }
        let practice = &config.practice;
        if !(practice.credit_minutes_per_question.is_finite()
            && (0.0..=60.0).contains(&practice.credit_minutes_per_question))
        {
            return Err(format!(
                "[practice] credit_minutes_per_question = {} must be minutes from 0 to 60 (0 = practice earns no study hours)",
                practice.credit_minutes_per_question
            ));
        }
        if !(practice.credit_minutes_per_day.is_finite()
            && practice.credit_minutes_per_day > 0.0
            && practice.credit_minutes_per_day <= 1440.0)
        {
            return Err(format!(
                "[practice] credit_minutes_per_day = {} must be minutes, more than 0 and at most 1440 (a day)",
                practice.credit_minutes_per_day
            ));
        }
        if let Some(url) = &config.database.url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://") || url.contains('='))
        {
            return Err(format!(
                "[database] url = \"{}\" is not a PostgreSQL URL: write postgres://user@host:5432/dbname",
                crate::PgTarget::new(url.clone()).display()
            ));
        }
        if !(1..=1000).contains(&config.database.pool_size) {
            return Err(format!(
                "[database] pool_size = {} must be from 1 to 1000 connections",
                config.database.pool_size
            ));
        }
        if let Some(language) = &config.language
            && !matches!(language.as_str(), "zh" | "en")
        {
            return Err(format!(
                "language = \"{language}\" is not a language xuefa speaks: use \"zh\" or \"en\""
            ));
        }
        Ok(config)
    }

    /// Returns the office's offset from UTC (checked when the settings were read).
    pub fn offset(&self) -> jiff::tz::Offset {
        parse_offset(&self.office.utc_offset).unwrap_or_else(|| jiff::tz::offset(8))
    }
}

/// Returns the text `init` writes: every setting, documented.
pub fn config_template(office: &str, language: &str) -> String {
    let office = toml::Value::String(office.to_owned()).to_string();
    let language = toml::Value::String(language.to_owned()).to_string();
    format!(
        "# xuefa workspace settings. This folder holds the office's question banks, rosters,\n\
         # exams and study records in xuefa.db; xuefa finds it from any folder below.\n\
         # xuefa 工作区设置。本文件夹的 xuefa.db 保存题库、人员名单、考试和学习记录。\n\
         \n\
         # The language of messages (zh or en) when neither --lang nor the locale names one.\n\
         # 提示信息的语言（zh 或 en）；命令行 --lang 和系统语言环境优先。\n\
         language = {language}\n\
         \n\
         [office]\n\
         # The office's name, printed on reports. 单位名称，显示在报告中。\n\
         name = {office}\n\
         # The office's offset from UTC: times are shown in it. 本单位时区（与 UTC 的时差）。\n\
         utc_offset = \"+08:00\"\n\
         \n\
         [study]\n\
         # The share of a session's hours each sign-in status earns (1.0 = all of them).\n\
         # 各签到状态可计入的学时比例（1.0 为全部学时）。\n\
         credit = {{ present = 1.0, late = 1.0, left_early = 1.0, excused = 0.0, absent = 0.0 }}\n\
         \n\
         # The office's own kinds of session, beside group_study, lecture, seminar,\n\
         # court_hearing, online and outreach. 本单位自定义的学习形式。\n\
         [[study.kinds]]\n\
         id = \"central_group\"\n\
         name = \"中心组学习\"\n\
         \n\
         # Yearly requirements: for whom (departments, roles; everyone when neither is given),\n\
         # and a minimum of hours (min_hours) or of sessions attended (min_sessions), of one\n\
         # kind when `kind` is given. Change them to the office's own rules.\n\
         # 年度学法要求：适用对象（departments 部门、roles 职务；都不写则适用于全体），\n\
         # 最低学时 min_hours 或最少参加次数 min_sessions，写 kind 时只计该形式。\n\
         [[study.requirements]]\n\
         name = \"年度学时\"\n\
         min_hours = 40\n\
         \n\
         [[study.requirements]]\n\
         name = \"领导干部旁听庭审\"\n\
         roles = [\"领导干部\"]\n\
         kind = \"court_hearing\"\n\
         min_sessions = 1\n\
         \n\
         [[study.requirements]]\n\
         name = \"中心组集体学法\"\n\
         roles = [\"领导干部\"]\n\
         kind = \"central_group\"\n\
         min_sessions = 4\n"
    )
}

/// An open workspace.
#[derive(Debug)]
pub struct Workspace {
    /// The folder.
    pub root: PathBuf,
    /// Its settings.
    pub config: Config,
}

/// Where a workspace's store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The workspace's SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database.
    Postgres(crate::PgTarget),
}

impl Workspace {
    /// Makes a workspace in `dir` (created if missing): writes `xuefa.toml` and creates
    /// `xuefa.db` with the current schema.
    ///
    /// # Errors
    /// Refuses a folder that is already a workspace; returns file and database errors.
    pub fn init(dir: &Path, office: &str, language: &str) -> Result<Workspace, WorkspaceError> {
        Workspace::init_with(dir, office, language, None)
    }

    /// Makes a workspace in `dir` whose store is the PostgreSQL database at `database` (its
    /// schema is created now), or `xuefa.db` when `None`. The URL is written to
    /// `xuefa.toml` without its password: give the password in `XUEFA_DATABASE_URL`.
    ///
    /// # Errors
    /// As [`Workspace::init`], and [`StoreError::Connect`] when the database cannot be
    /// reached.
    pub fn init_with(
        dir: &Path,
        office: &str,
        language: &str,
        database: Option<&crate::PgTarget>,
    ) -> Result<Workspace, WorkspaceError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| WorkspaceError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let config_path = dir.join(CONFIG_FILE);
        if config_path.exists() {
            return Err(WorkspaceError::AlreadyExists(dir.to_path_buf()));
        }
        let mut text = config_template(office, language);
        match database {
            Some(target) => {
                crate::PgStore::open(target)?;
                let url = toml::Value::String(target.display()).to_string();
                text.push_str(&format!(
                    "\n[database]\n\
                     # The PostgreSQL database that holds this workspace (the password, if any, goes in\n\
                     # the environment: XUEFA_DATABASE_URL=postgres://user:password@host/db).\n\
                     # 本工作区使用的 PostgreSQL 数据库（密码请放在环境变量 XUEFA_DATABASE_URL 中）。\n\
                     url = {url}\n"
                ));
                if let Some(ca) = &target.ca_file {
                    let ca = toml::Value::String(ca.display().to_string()).to_string();
                    text.push_str(&format!("ca_file = {ca}\n"));
                }
            }
            None => {
                SqliteStore::open(&dir.join(DATABASE_FILE))?;
            }
        }
        std::fs::write(&config_path, &text).map_err(io(&config_path))?;
        let config =
            Config::parse(&text).map_err(|detail| WorkspaceError::Config { path: config_path, detail })?;
        Ok(Workspace { root: dir.to_path_buf(), config })
    }

    /// Finds the workspace: `explicit` (from `--workspace`), else `from_env` (from
    /// `XUEFA_WORKSPACE`), else the nearest folder from `cwd` upwards with `xuefa.toml`.
    ///
    /// # Errors
    /// Returns where it looked when there is none, or an invalid `xuefa.toml`.
    pub fn find(
        explicit: Option<&Path>,
        from_env: Option<&Path>,
        cwd: &Path,
    ) -> Result<Workspace, WorkspaceError> {
        let root = match explicit.or(from_env) {
            Some(dir) => {
                let dir = if dir.is_absolute() { dir.to_path_buf() } else { cwd.join(dir) };
                if !dir.join(CONFIG_FILE).is_file() {
                    return Err(WorkspaceError::NotAWorkspace(dir));
                }
                dir
            }
            None => cwd
                .ancestors()
                .find(|dir| dir.join(CONFIG_FILE).is_file())
                .map(Path::to_path_buf)
                .ok_or_else(|| WorkspaceError::NotFound(cwd.to_path_buf()))?,
        };
        let config_path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&config_path)
            .map_err(|source| WorkspaceError::Io { path: config_path.clone(), source })?;
        let config =
            Config::parse(&text).map_err(|detail| WorkspaceError::Config { path: config_path, detail })?;
        Ok(Workspace { root, config })
    }

    /// Returns the path of the SQLite database (used when the workspace names no
    /// PostgreSQL database).
    pub fn database_path(&self) -> PathBuf {
        self.root.join(DATABASE_FILE)
    }

    /// Where the store is: the PostgreSQL database of `url_override` (from
    /// `XUEFA_DATABASE_URL`) or of `[database] url`, else `xuefa.db`.
    pub fn location(&self, url_override: Option<&str>) -> Location {
        match url_override.filter(|u| !u.trim().is_empty()).or(self.config.database.url.as_deref()) {
            Some(url) => Location::Postgres(crate::PgTarget {
                url: url.to_owned(),
                ca_file: self.config.database.ca_file.as_ref().map(|ca| self.root.join(ca)),
            }),
            None => Location::Sqlite(self.database_path()),
        }
    }

    /// Opens the store where [`Workspace::location`] says, applying any pending migrations.
    ///
    /// # Errors
    /// Returns database errors.
    pub fn open_store(&self, url_override: Option<&str>) -> Result<crate::AnyStore, WorkspaceError> {
        Ok(match self.location(url_override) {
            Location::Sqlite(path) => crate::AnyStore::Sqlite(SqliteStore::open(&path)?),
            Location::Postgres(target) => crate::AnyStore::Postgres(crate::PgStore::open(&target)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_then_find_from_below() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("office");
        let workspace = Workspace::init(&root, "某区司法局 \"法治\"", "zh").expect("init");
        assert_eq!(workspace.config.office.name, "某区司法局 \"法治\"");
        assert!(root.join(DATABASE_FILE).is_file());
        let below = root.join("a/b");
        std::fs::create_dir_all(&below).expect("mkdir");
        let found = Workspace::find(None, None, &below).expect("found upwards");
        assert_eq!(found.root, root);
        assert!(matches!(Workspace::init(&root, "x", "zh"), Err(WorkspaceError::AlreadyExists(_))));
        assert!(matches!(Workspace::find(None, None, dir.path()), Err(WorkspaceError::NotFound(_))));
        assert!(matches!(
            Workspace::find(Some(dir.path()), None, &below),
            Err(WorkspaceError::NotAWorkspace(_))
        ));
        let explicit =
            Workspace::find(None, Some(Path::new("office")), dir.path()).expect("from env, relative");
        assert_eq!(explicit.root, root);
    }

    #[test]
    fn a_bad_setting_names_its_line() {
        let error = Config::parse("[office]\nname = 1\n").expect_err("a number is not a name");
        assert!(error.contains("line 2"), "{error}");
        assert!(Config::parse("[office]\nnmae = \"x\"\n").is_err(), "typos are caught");
    }

    #[test]
    fn credits_and_requirements_that_cannot_be_meant_are_refused() {
        let credit = Config::parse(
            "[study]\ncredit = { present = 7.5, late = 1.0, left_early = 1.0, excused = 0.0, absent = 0.0 }\n",
        );
        assert!(credit.expect_err("7.5").contains("credit.present"));
        let hours = Config::parse("[[study.requirements]]\nname = \"学时\"\nmin_hours = -40\n");
        assert!(hours.expect_err("-40").contains("min_hours"));
        let neither = Config::parse("[[study.requirements]]\nname = \"学时\"\n");
        assert!(neither.expect_err("no minimum").contains("min_hours or min_sessions"));
    }

    #[test]
    fn offsets_outside_those_in_use_and_unknown_languages_are_refused() {
        for bad in ["+25:00", "+8", "08:00", "+08:60", "-13:00", "+14:30"] {
            let error = Config::parse(&format!("[office]\nutc_offset = \"{bad}\"\n")).expect_err(bad);
            assert!(error.contains("utc_offset"), "{error}");
        }
        for good in ["+08:00", "-05:30", "+14:00", "Z"] {
            assert!(Config::parse(&format!("[office]\nutc_offset = \"{good}\"\n")).is_ok(), "{good}");
        }
        assert_eq!(Config::default().offset(), jiff::tz::offset(8), "China Standard Time by default");
        assert!(Config::parse("language = \"fr\"\n").is_err());
        assert_eq!(Config::parse("language = \"zh\"\n").expect("zh").language.as_deref(), Some("zh"));
        let template = Config::parse(&config_template("某局", "zh")).expect("the template parses");
        assert_eq!((template.language.as_deref(), template.offset()), (Some("zh"), jiff::tz::offset(8)));
    }
}
