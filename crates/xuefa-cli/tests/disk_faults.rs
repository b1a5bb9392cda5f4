//! Disk faults (issue 20, item 3): a write that fails for lack of space or permission
//! leaves the workspace as it was and says so. A full disk is a small tmpfs filled nearly to
//! the brim; a read-only database is an immutable file (`chattr +i`, which binds root too, as
//! `chmod a-w` binds everyone else) or a tmpfs remounted read-only. The tests mount, so they
//! run as root, as CI does; without the permission they say so and pass.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::db::sound_dump;
use common::{root, run_in};

const NOW: &str = "2026-11-20T09:00:00+08:00";
const PEOPLE: usize = 300;

const EXAM: &str = common::FIFTY_QUESTIONS;

/// A tmpfs mounted on a temporary folder, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `kib` KiB; returns None (saying why) only when this account may not
    /// mount, and fails the test on any other failure.
    fn mount(kib: u64) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("mount runs");
        if out.status.success() {
            return Some(Tmpfs { dir });
        }
        let said = String::from_utf8_lossy(&out.stderr).to_lowercase();
        if ["permission denied", "not permitted", "must be superuser", "only root"]
            .iter()
            .any(|s| said.contains(s))
        {
            eprintln!("skipped: this account may not mount a tmpfs ({})", said.trim());
            return None;
        }
        panic!("mount -t tmpfs failed: {said}");
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let out =
            Command::new("mount").args(["-o", "remount,ro"]).arg(self.path()).output().expect("mount runs");
        assert!(out.status.success(), "remount read-only: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Fills the file system until only `kib` KiB are free.
    fn fill_leaving(&self, kib: usize) {
        let slack = self.path().join("slack");
        std::fs::write(&slack, vec![0u8; kib * 1024]).expect("the space to leave");
        let mut filler = std::fs::File::create(self.path().join("filler")).expect("filler");
        let chunk = vec![0u8; 16 * 1024];
        while filler.write_all(&chunk).is_ok() {}
        // The last chunk may have gone in part: fill the rest byte by byte.
        while filler.write_all(&[0]).is_ok() {}
        drop(filler);
        std::fs::remove_file(slack).expect("space freed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount").arg(self.path()).status().is_ok_and(|s| s.success());
        if !unmounted {
            let _ = Command::new("umount").arg("-l").arg(self.path()).status();
        }
    }
}

/// A workspace of three shipped banks, 300 people, twelve sessions and an exam, made in a
/// temporary folder, with the files the writing commands read: returns that folder.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    let write = |name: &str, text: String| std::fs::write(d.join(name), text).expect("input file");
    write("exam.toml", EXAM.to_owned());
    let mut roster = String::from("工号,姓名,部门,状态\n");
    for i in 0..PEOPLE {
        roster.push_str(&format!("E{i:05},员工{i},区政府/科{}/组{},在职\n", i % 12, i % 5));
    }
    write("roster.csv", roster);
    let mut sessions = String::from("编号,日期,类型,主题,学时\n");
    for s in 1..=12 {
        sessions.push_str(&format!("S{s},2026-{:02}-10,会前学法,第{s}次学法,2\n", (s - 1) % 11 + 1));
    }
    write("sessions.csv", sessions);

    // What the writing commands import: each needs far more than the space left free.
    let mut newcomers = String::from("工号,姓名,部门,状态\n");
    for i in 0..PEOPLE * 10 {
        newcomers.push_str(&format!("E{i:05},员工{i},区政府/处{}/组{},在职\n", i % 30, i % 9));
    }
    write("roster-new.csv", newcomers);
    let mut signin = String::from("编号,工号,状态\n");
    for s in 1..=12 {
        for i in 0..PEOPLE {
            signin.push_str(&format!("S{s},E{i:05},出席\n"));
        }
    }
    write("signin.csv", signin);
    let mut bank = String::from("题号,题型,题干,选项A,选项B,选项C,选项D,答案,解析,法律,条款\n");
    for i in 0..3000 {
        bank.push_str(&format!(
            "G-{i:05},单选,生成的第{i}道题：根据法律规定，下列说法正确的是（　）。,甲{i},乙{i},丙{i},丁{i},B,解析{i},民法典,第{}条\n",
            i % 1000 + 1
        ));
    }
    write("generated.csv", bank);
    let mut sheet = String::from("工号,题号,答案\n");
    for i in 0..100 {
        for n in 1..=50 {
            let answer = match n {
                1..=25 => "A",
                26..=35 => "AB",
                _ => "√",
            };
            sheet.push_str(&format!("E{i:05},{n},{answer}\n"));
        }
    }
    write("sheet.csv", sheet);

    let run = |args: &[&str]| {
        let out = run_in(d, args, &[("XUEFA_NOW", NOW)]);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    };
    run(&["init", "."]);
    let banks: Vec<String> = ["宪法.csv", "民法典.csv", "行政处罚法.csv", "公务员法.csv"]
        .iter()
        .map(|b| root().join("question-banks").join(b).display().to_string())
        .collect();
    let mut args = vec!["bank", "import"];
    args.extend(banks.iter().map(String::as_str));
    run(&args);
    run(&["roster", "import", "roster.csv"]);
    run(&["session", "import", "sessions.csv"]);
    run(&["exam", "create", "exam.toml", "--seed", "7"]);
    dir
}

/// Copies the workspace's settings and database into `to`.
fn copy_workspace(from: &Path, to: &Path) {
    for name in ["xuefa.toml", "xuefa.db"] {
        std::fs::copy(from.join(name), to.join(name)).expect("copy of the workspace");
    }
}

/// Returns the names of the files in a folder.
fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|n| (*n).to_owned()).collect()
}

/// The writing commands, each with the file it reads from the workspace's source folder.
fn writing_commands(source: &Path) -> Vec<Vec<String>> {
    let input = |name: &str| source.join(name).display().to_string();
    vec![
        vec!["bank".into(), "import".into(), input("generated.csv")],
        vec!["roster".into(), "import".into(), input("roster-new.csv")],
        vec!["attendance".into(), "import".into(), input("signin.csv")],
        vec!["exam".into(), "grade".into(), "main".into(), input("sheet.csv")],
    ]
}

fn run(dir: &Path, args: &[String]) -> common::Run {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend(["--lang", "en"]);
    run_in(dir, &all, &[("XUEFA_NOW", NOW)])
}

#[test]
fn imports_onto_a_full_disk_say_so_and_change_nothing() {
    let source = workspace();
    let Some(disk) = Tmpfs::mount(8 * 1024) else { return };
    let d = disk.path();
    copy_workspace(source.path(), d);
    let before = sound_dump(&d.join("xuefa.db"));
    // Room to open the database (its 32 KiB shared-memory file) and begin to write, not to
    // finish.
    disk.fill_leaving(160);
    let database = d.join("xuefa.db").display().to_string();
    for args in writing_commands(source.path()) {
        let out = run(d, &args);
        assert_eq!(out.code, 1, "{args:?} fails: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("the disk of the workspace's database {database} is full"))
                && out.stderr.contains("nothing was changed; free some space and run the command again"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert_eq!(sound_dump(&d.join("xuefa.db")), before, "{args:?} changed the database");
        assert_eq!(files(d), names(&["filler", "xuefa.db", "xuefa.toml"]), "{args:?} left files behind");
    }
    // With room again, the same command works: the failure left nothing in its way.
    std::fs::remove_file(d.join("filler")).expect("space freed");
    let again = run(d, &writing_commands(source.path())[2]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_ne!(sound_dump(&d.join("xuefa.db")), before);
}

#[test]
fn a_report_onto_a_full_disk_leaves_no_part_of_a_file_and_the_old_one_whole() {
    let source = workspace();
    let d = source.path();
    let Some(disk) = Tmpfs::mount(256) else { return };
    let old = disk.path().join("report.xlsx");
    std::fs::write(&old, b"last year's report").expect("old report");
    disk.fill_leaving(0);
    let before = sound_dump(&d.join("xuefa.db"));
    for (format, file) in [("xlsx", old.clone()), ("md", disk.path().join("new.md"))] {
        let target = file.display().to_string();
        let args: Vec<String> =
            ["report", "annual", "--year", "2026", "--with-names", "--format", format, "-o", &target]
                .iter()
                .map(|a| (*a).to_owned())
                .collect();
        let out = run(d, &args);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("could not write {target}: the disk is full")),
            "{}",
            out.stderr
        );
        assert_eq!(
            files(disk.path()),
            names(&["filler", "report.xlsx"]),
            "no temporary file and no part of {target} is left"
        );
    }
    assert_eq!(std::fs::read(&old).expect("old report"), b"last year's report", "the old report is whole");
    assert_eq!(sound_dump(&d.join("xuefa.db")), before);
}

/// Marks a file immutable (`chattr +i`): no one may write it, root included. Cleared when
/// dropped, so the temporary folder can be removed.
struct Immutable(PathBuf);

impl Immutable {
    fn set(path: &Path) -> Option<Immutable> {
        let out = Command::new("chattr").arg("+i").arg(path).output();
        match out {
            Ok(out) if out.status.success() => Some(Immutable(path.to_path_buf())),
            Ok(out) => {
                eprintln!(
                    "skipped: chattr +i is refused here ({})",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(error) => {
                eprintln!("skipped: chattr cannot run ({error})");
                None
            }
        }
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_database_refuses_writes_by_name_and_still_reads() {
    let source = workspace();
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    copy_workspace(source.path(), d);
    let before = sound_dump(&d.join("xuefa.db"));
    let Some(_read_only) = Immutable::set(&d.join("xuefa.db")) else { return };
    let database = d.join("xuefa.db").display().to_string();
    for args in writing_commands(source.path()) {
        let out = run(d, &args);
        assert_eq!(out.code, 1, "{args:?} fails: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("the workspace's database {database} is read-only"))
                && out.stderr.contains("give the account that runs xuefa write permission"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(sound_dump(&d.join("xuefa.db")), before, "{args:?} changed the database");
    }
    let exam = run(d, &["report".into(), "exam".into(), "main".into(), "--format".into(), "json".into()]);
    assert_eq!(exam.code, 0, "{}", exam.stderr);
    assert_eq!(common::json(&exam)["exam"], "main", "{}", exam.stdout);
    let people = run(d, &["roster".into(), "list".into(), "--format".into(), "json".into()]);
    assert_eq!(people.code, 0, "{}", people.stderr);
    assert_eq!(common::json(&people).as_array().map(Vec::len), Some(PEOPLE));
    let report = d.join("report.md").display().to_string();
    let annual =
        run(d, &["report".into(), "annual".into(), "--year".into(), "2026".into(), "-o".into(), report]);
    assert_eq!(annual.code, 0, "a report is written beside a read-only database: {}", annual.stderr);
    assert_eq!(sound_dump(&d.join("xuefa.db")), before);
}

/// With less free space than SQLite's 32 KiB shared-memory file, opening the database
/// fails; the message must still say the disk is full, not that the file is damaged.
#[test]
fn a_disk_too_full_to_open_the_database_is_named_full_not_damaged() {
    let source = workspace();
    let Some(disk) = Tmpfs::mount(8 * 1024) else { return };
    let d = disk.path();
    copy_workspace(source.path(), d);
    let before = sound_dump(&d.join("xuefa.db"));
    disk.fill_leaving(8);
    let database = d.join("xuefa.db").display().to_string();
    for args in writing_commands(source.path()) {
        let out = run(d, &args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("the disk of the workspace's database {database} is full")),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("Restore"), "a full disk is no reason to restore: {}", out.stderr);
    }
    std::fs::remove_file(d.join("filler")).expect("space freed");
    assert_eq!(sound_dump(&d.join("xuefa.db")), before);
}

/// A workspace on a read-only disk (a mount, a write-protected stick): writes are refused as
/// read-only, nothing changes, and a reading command either works or says the same (SQLite
/// cannot open a WAL database where it cannot make its `-shm` file, short of opening it as
/// immutable).
#[test]
fn a_workspace_on_a_read_only_disk_is_named_read_only() {
    let source = workspace();
    let Some(disk) = Tmpfs::mount(8 * 1024) else { return };
    let d = disk.path();
    copy_workspace(source.path(), d);
    let before = sound_dump(&d.join("xuefa.db"));
    disk.remount_read_only();
    let read_only = format!("the workspace's database {} is read-only", d.join("xuefa.db").display());
    for args in writing_commands(source.path()) {
        let out = run(d, &args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(&read_only), "{args:?}: {}", out.stderr);
    }
    let people = run(d, &["roster".into(), "list".into(), "--format".into(), "json".into()]);
    assert!(
        people.code == 0 || people.stderr.contains(&read_only),
        "a reading command works or names the disk read-only: {}",
        people.stderr
    );
    assert_eq!(files(d), names(&["xuefa.db", "xuefa.toml"]));
    let copy = tempfile::tempdir().expect("folder");
    std::fs::copy(d.join("xuefa.db"), copy.path().join("xuefa.db")).expect("copy");
    assert_eq!(sound_dump(&copy.path().join("xuefa.db")), before);
}
