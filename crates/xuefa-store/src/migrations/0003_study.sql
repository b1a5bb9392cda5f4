-- Study sessions and the marks of their sign-in sheets.

CREATE TABLE study_sessions (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    hours REAL NOT NULL,
    organiser TEXT NOT NULL,
    place TEXT NOT NULL,
    -- Who was expected (JSON: departments, roles, people).
    expected TEXT NOT NULL,
    headcount INTEGER,
    materials INTEGER,
    created_at TEXT NOT NULL
);

CREATE INDEX study_sessions_date ON study_sessions (date);

CREATE TABLE attendance (
    session_id TEXT NOT NULL REFERENCES study_sessions (id) ON DELETE CASCADE,
    employee_id TEXT NOT NULL,
    status TEXT NOT NULL,
    hours REAL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, employee_id)
);

CREATE INDEX attendance_employee ON attendance (employee_id);
