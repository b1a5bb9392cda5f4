#!/usr/bin/env python3
"""Writes bench/RESULTS-<scale>.md and bench/results-<scale>.json from what bench/run measured.

Usage: summarize.py SCALE DATA_DIR BENCH_DIR

Reads DATA_DIR/measurements.tsv (row, runner, run, seconds, peak_rss_kb, status, command),
DATA_DIR/checks.tsv (what, expected, got) and DATA_DIR/dataset.json; gathers the machine
(lscpu, nproc, /proc/meminfo, rustc, sqlite3); compares with BENCH_DIR/results-small.json when
the scale is not small; keeps an index of the per-scale files in BENCH_DIR/RESULTS.md between
markers, never touching the prose around them. Prints the table. Exits 1 when a command
failed or a check did not hold.
"""

import datetime
import json
import os
import statistics
import subprocess
import sys

MB = 1024.0
MEMORY_LIMIT_MB = 300.0

# The rows, in order: id, label, target text, how the target is checked.
ROWS = [
    ("init", "init", None, None),
    ("bank_import", "bank import", "< 2 s for 50,000 questions", ("seconds_at_province", 2.0)),
    ("roster_import", "roster import", None, None),
    ("session_import", "session import", None, None),
    ("attendance_import", "attendance import (12 monthly files)", None, None),
    ("exam_create", "exam create --seed 42", None, None),
    ("exam_grade", "exam grade (answers.csv)", None, None),
    ("first_question", "exam take --plain: first question", "< 0.1 s", ("seconds", 0.1)),
    ("submit", "exam take --answers: submit", "< 0.05 s", ("seconds", 0.05)),
    ("report_exam", "report exam --format json", "≤ 1.5× sqlite3", ("ratio", 1.5)),
    ("report_items", "report items --format json", "< 10 s", ("seconds", 10.0)),
    ("report_attendance", "report attendance --year 2026 --format json", "≤ 1.5× sqlite3", ("ratio", 1.5)),
    ("report_annual", "report annual --year 2026 --format json", None, None),
]
DATA_GROWTH = {"small": 1, "medium": 10, "province": 100}


def command_output(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine():
    model = ""
    for line in command_output("lscpu").splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    memory_gb = None
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": model,
        "nproc": int(command_output("nproc") or 0),
        "memory_gb": memory_gb,
        "rustc": command_output("rustc", "--version"),
        "sqlite3": command_output("sqlite3", "--version").split(" ")[0],
        "postgres": command_output("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", "SELECT 'PostgreSQL ' || current_setting('server_version') || ' (shared_buffers ' || current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem') || ', max_wal_size ' || current_setting('max_wal_size') || ', max_parallel_workers_per_gather ' || current_setting('max_parallel_workers_per_gather') || ')'")
        if BACKEND == "postgres"
        else None,
        # As bench/run saw them when it built xuefa (the tree may change during a long run).
        "xuefa_commit": os.environ.get("BENCH_COMMIT") or command_output("git", "rev-parse", "--short", "HEAD"),
        "xuefa_tree_dirty": os.environ.get("BENCH_DIRTY", "") == "1"
        if "BENCH_DIRTY" in os.environ
        else bool(command_output("git", "status", "--porcelain", "--untracked-files=no")),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def fmt_seconds(value):
    if value is None:
        return "—"
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s"


BACKEND = os.environ.get("BENCH_BACKEND", "sqlite")
# The files of a PostgreSQL run are named `<scale>-postgres`; its reference runner is psql.
SUFFIX = "-postgres" if BACKEND == "postgres" else ""
REFERENCE = "psql" if BACKEND == "postgres" else "sqlite3"


def main():
    scale, data_dir, bench_dir = sys.argv[1:4]
    name = scale + SUFFIX
    dataset = json.load(open(os.path.join(data_dir, "dataset.json"), encoding="utf-8"))
    measurements = read_tsv(os.path.join(data_dir, f"measurements{SUFFIX}.tsv"))
    checks = [
        {"what": what, "expected": expected, "got": got, "ok": expected == got}
        for what, expected, got in read_tsv(os.path.join(data_dir, f"checks{SUFFIX}.tsv"))
    ]
    small = None
    small_path = os.path.join(bench_dir, f"results-small{SUFFIX}.json")
    if scale != "small" and os.path.exists(small_path):
        small_results = json.load(open(small_path, encoding="utf-8"))
        small = {c["id"]: c for c in small_results["commands"]}
        small_machine = small_results["machine"]

    commands = []
    for row_id, label, target, rule in ROWS:
        mine = [m for m in measurements if m[0] == row_id]
        if not mine:
            continue
        runs = {"xuefa": [], "sqlite3": []}
        failed = {"xuefa": False, "sqlite3": False}
        rss = []
        command = ""
        for _, runner, _, seconds, rss_kb, status, text in mine:
            if runner == "xuefa":
                command = text
            if status != "ok":
                failed[runner] = True
                continue
            runs[runner].append(float(seconds))
            if runner == "xuefa" and rss_kb not in ("", "0"):
                rss.append(int(rss_kb) / MB)
        median = None if failed["xuefa"] or not runs["xuefa"] else statistics.median(runs["xuefa"])
        sqlite = None if failed["sqlite3"] or not runs["sqlite3"] else statistics.median(runs["sqlite3"])
        ratio = median / sqlite if median is not None and sqlite else None
        peak = max(rss) if rss and not failed["xuefa"] else None
        meets = None
        if rule and median is not None:
            kind, limit = rule
            if kind == "seconds":
                meets = median < limit
            elif kind == "seconds_at_province":
                meets = median < limit if scale == "province" else None
            elif kind == "ratio" and ratio is not None:
                meets = ratio <= limit
        entry = {
            "id": row_id,
            "command": command,
            "label": label,
            "status": "failed" if failed["xuefa"] else "ok",
            "runs": len(runs["xuefa"]),
            "times_seconds": [round(t, 4) for t in runs["xuefa"]],
            "median_seconds": None if median is None else round(median, 4),
            "peak_rss_mb": None if peak is None else round(peak, 1),
            "memory_ok": None if peak is None else peak < MEMORY_LIMIT_MB,
            "sqlite3_seconds": None if sqlite is None else round(sqlite, 4),
            "sqlite3_status": None if not mine or not any(m[1] == "sqlite3" for m in mine)
            else ("failed" if failed["sqlite3"] else "ok"),
            "ratio": None if ratio is None else round(ratio, 2),
            "target": target,
            "meets_target": meets,
        }
        if small is not None:
            base = small.get(row_id, {}).get("median_seconds")
            entry["growth_vs_small"] = round(median / base, 1) if median is not None and base else None
            entry["data_growth"] = DATA_GROWTH.get(scale)
        commands.append(entry)

    exam = dataset["exam"]
    data = {
        "people": dataset["people"]["total"],
        "active": dataset["people"]["active"],
        "departments": dataset["departments"]["leaves"],
        "department_paths": dataset["departments"]["paths"],
        "questions": dataset["questions"]["total"],
        "sessions": dataset["sessions"]["total"],
        "marks": dataset["marks"]["total"],
        "attempts": exam["attempts"],
        "seed": dataset["seed"],
    }
    failures = [c["id"] for c in commands if c["status"] != "ok"]
    failures += [f"{c['id']} (sqlite3)" for c in commands if c.get("sqlite3_status") == "failed"]
    failures += [f"check: {c['what']}" for c in checks if not c["ok"]]
    results = {
        "scale": scale,
        "backend": BACKEND,
        "machine": machine(),
        "dataset": data,
        "repeat": int(os.environ.get("REPEAT", "3")),
        "import_repeat": int(os.environ.get("IMPORT_REPEAT", os.environ.get("REPEAT", "3"))),
        "sqlite3_repeat": int(os.environ.get("SQLITE_REPEAT", os.environ.get("REPEAT", "3"))),
        "memory_limit_mb": MEMORY_LIMIT_MB,
        "commands": commands,
        "checks": checks,
        "failed": failures,
    }
    with open(os.path.join(bench_dir, f"results-{name}.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=2)
        f.write("\n")

    m = results["machine"]
    lines = [
        f"# xuefa benchmarks: {scale}" + (" on PostgreSQL" if SUFFIX else ""),
        "",
        f"Generated by `bench/run {scale}{' --database postgres' if SUFFIX else ''}` on {m['date']}; the "
        f"machine-readable figures are in [results-{name}.json](results-{name}.json). What each row measures: "
        "[README.md](README.md).",
        "",
        f"- Machine: {m['cpu']}, {m['nproc']} cores, {m['memory_gb']} GB RAM; {m['rustc']}; "
        f"sqlite3 {m['sqlite3']}; {m.get('postgres') or ''}{'; ' if SUFFIX else ''}xuefa {m['xuefa_commit']}{' (uncommitted changes)' if m['xuefa_tree_dirty'] else ''}",
        f"- Data (seed {data['seed']}): {data['people']:,} people ({data['active']:,} active) in "
        f"{data['departments']:,} departments, {data['questions']:,} questions, {data['sessions']:,} sessions, "
        f"{data['marks']:,} attendance marks, {data['attempts']:,} exam attempts",
        f"- Median of {results['repeat']} runs ({results['import_repeat']} for imports and grading, "
        f"{results['sqlite3_repeat']} for {REFERENCE}), each import into a fresh copy of the workspace; peak "
        "memory is the largest maximum resident set size of any run (`/usr/bin/time -v`).",
    ]
    if small is not None:
        lines.append(
            f"- Growth: this run's median ÷ the median in [results-small{SUFFIX}.json](results-small{SUFFIX}.json) "
            f"(xuefa {small_machine['xuefa_commit']}, {small_machine['date']}), next to the growth of the data."
        )
    lines.append("")
    header = f"| command | runs | median | peak RSS | {REFERENCE} | xuefa ÷ {REFERENCE} | target | met |"
    rule = "|---|---:|---:|---:|---:|---:|---|---|"
    if small is not None:
        header += " time ÷ small | data ÷ small |"
        rule += "---:|---:|"
    lines += [header, rule]
    for c in commands:
        met = {True: "yes", False: "**no**", None: "—"}[c["meets_target"]]
        memory = "—" if c["peak_rss_mb"] is None else f"{c['peak_rss_mb']:.0f} MB"
        if c["memory_ok"] is False:
            memory = f"**{memory}**"
        median = "failed" if c["status"] != "ok" else fmt_seconds(c["median_seconds"])
        sqlite = "failed" if c.get("sqlite3_status") == "failed" else fmt_seconds(c["sqlite3_seconds"])
        ratio = "—" if c["ratio"] is None else f"{c['ratio']:.2f}"
        line = (
            f"| `{c['label']}` | {c['runs']} | {median} | {memory} | {sqlite} | {ratio} | "
            f"{c['target'] or '—'} | {met} |"
        )
        if small is not None:
            growth = "—" if c.get("growth_vs_small") is None else f"{c['growth_vs_small']}×"
            line += f" {growth} | {c.get('data_growth')}× |"
        lines.append(line)
    lines += ["", f"Every command must stay under {MEMORY_LIMIT_MB:.0f} MB of peak memory (bold: over).", ""]
    if checks:
        lines += [f"Checks of what the imports and the grading stored ({REFERENCE} on the workspace):", ""]
        lines += [
            f"- {c['what']}: expected {c['expected']}, got {c['got']} {'✓' if c['ok'] else '**✗**'}"
            for c in checks
        ]
        lines.append("")
    if failures:
        lines += ["Failed: " + ", ".join(failures), ""]
    with open(os.path.join(bench_dir, f"RESULTS-{name}.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))

    update_index(bench_dir)
    print("\n".join(lines))
    return 1 if failures else 0


START = "<!-- results index: kept by bench/summarize.py -->"
END = "<!-- end of results index -->"


def update_index(bench_dir):
    path = os.path.join(bench_dir, "RESULTS.md")
    if os.path.exists(path):
        text = open(path, encoding="utf-8").read()
    else:
        text = "# xuefa benchmark results\n\n## Analysis\n\n(to be written)\n\n## Results by scale\n\n"
    entries = []
    for scale in ("small", "medium", "province"):
        for suffix, backend in (("", ""), ("-postgres", " on PostgreSQL")):
            json_path = os.path.join(bench_dir, f"results-{scale}{suffix}.json")
            if os.path.exists(json_path):
                r = json.load(open(json_path, encoding="utf-8"))
                d = r["dataset"]
                entries.append(
                    f"- [{scale}{backend}](RESULTS-{scale}{suffix}.md) — {d['people']:,} people, "
                    f"{d['questions']:,} questions, {d['marks']:,} marks, {d['attempts']:,} attempts; "
                    f"{r['machine']['date']}, xuefa {r['machine']['xuefa_commit']}"
                    + (f"; failed: {', '.join(r['failed'])}" if r["failed"] else "")
                )
    entries += backends_side_by_side(bench_dir)
    block = START + "\n" + "\n".join(entries) + "\n" + END
    if START in text and END in text:
        before = text.split(START, 1)[0]
        after = text.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def backends_side_by_side(bench_dir):
    """For each scale measured on both backends: one table, SQLite and PostgreSQL side by side."""
    lines = []
    for scale in ("small", "medium", "province"):
        paths = [os.path.join(bench_dir, f"results-{scale}{suffix}.json") for suffix in ("", "-postgres")]
        if not all(os.path.exists(path) for path in paths):
            continue
        lite, pg = (json.load(open(path, encoding="utf-8")) for path in paths)
        by_id = {c["id"]: c for c in pg["commands"]}
        lines += [
            "",
            f"{scale}, both backends (median; peak memory; the reference query by sqlite3 or psql):",
            "",
            "| command | SQLite | sqlite3 | PostgreSQL | psql | target |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for c in lite["commands"]:
            other = by_id.get(c["id"], {})

            def cell(entry):
                if not entry:
                    return "—"
                if entry.get("status") != "ok":
                    return "failed"
                memory = "" if entry.get("peak_rss_mb") is None else f", {entry['peak_rss_mb']:.0f} MB"
                return fmt_seconds(entry.get("median_seconds")) + memory

            lines.append(
                f"| `{c['label']}` | {cell(c)} | {fmt_seconds(c.get('sqlite3_seconds'))} | {cell(other)} | "
                f"{fmt_seconds(other.get('sqlite3_seconds'))} | {c.get('target') or '—'} |"
            )
    return lines


if __name__ == "__main__":
    sys.exit(main())
