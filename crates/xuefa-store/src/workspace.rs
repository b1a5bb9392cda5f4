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
    /// The office.
    #[serde(default)]
    pub office: Office,
}

/// The `[office]` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Office {
    /// The office's name, shown on reports.
    #[serde(default)]
    pub name: String,
}

impl Config {
    /// Returns the settings in a `xuefa.toml` text.
    ///
    /// # Errors
    /// Returns what is wrong and where, as the TOML parser words it.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|error| error.to_string())
    }
}

/// Returns the text `init` writes: every setting, documented.
pub fn config_template(office: &str) -> String {
    let office = toml::Value::String(office.to_owned()).to_string();
    format!(
        "# xuefa workspace settings. This folder holds the office's question banks, rosters,\n\
         # exams and study records in xuefa.db; xuefa finds it from any folder below.\n\
         # xuefa 工作区设置。本文件夹的 xuefa.db 保存题库、人员名单、考试和学习记录。\n\
         \n\
         [office]\n\
         # The office's name, printed on reports. 单位名称，显示在报告中。\n\
         name = {office}\n"
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

impl Workspace {
    /// Makes a workspace in `dir` (created if missing): writes `xuefa.toml` and creates
    /// `xuefa.db` with the current schema.
    ///
    /// # Errors
    /// Refuses a folder that is already a workspace; returns file and database errors.
    pub fn init(dir: &Path, office: &str) -> Result<Workspace, WorkspaceError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| WorkspaceError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let config_path = dir.join(CONFIG_FILE);
        if config_path.exists() {
            return Err(WorkspaceError::AlreadyExists(dir.to_path_buf()));
        }
        SqliteStore::open(&dir.join(DATABASE_FILE))?;
        let text = config_template(office);
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

    /// Returns the path of the database.
    pub fn database_path(&self) -> PathBuf {
        self.root.join(DATABASE_FILE)
    }

    /// Opens the store, applying any pending migrations.
    ///
    /// # Errors
    /// Returns database errors.
    pub fn open_store(&self) -> Result<SqliteStore, WorkspaceError> {
        Ok(SqliteStore::open(&self.database_path())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_then_find_from_below() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("office");
        let workspace = Workspace::init(&root, "某区司法局 \"法治\"").expect("init");
        assert_eq!(workspace.config.office.name, "某区司法局 \"法治\"");
        assert!(root.join(DATABASE_FILE).is_file());
        let below = root.join("a/b");
        std::fs::create_dir_all(&below).expect("mkdir");
        let found = Workspace::find(None, None, &below).expect("found upwards");
        assert_eq!(found.root, root);
        assert!(matches!(Workspace::init(&root, "x"), Err(WorkspaceError::AlreadyExists(_))));
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
}
