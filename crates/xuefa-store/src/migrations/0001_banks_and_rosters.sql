-- Question banks with every version of every question, and rosters with the history of
-- every person. Plain SQL types only, so the same tables work on PostgreSQL.

CREATE TABLE banks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A question as the bank names it; its wording lives in question_versions.
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    bank_id INTEGER NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    -- 1 when the latest import of its bank no longer held it; kept for history, not drawn.
    retired INTEGER NOT NULL DEFAULT 0,
    UNIQUE (bank_id, code)
);

CREATE TABLE question_versions (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    record_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    options TEXT NOT NULL,
    answer TEXT NOT NULL,
    explanation TEXT NOT NULL,
    law TEXT NOT NULL,
    law_key TEXT NOT NULL,
    article TEXT NOT NULL,
    difficulty INTEGER,
    tags TEXT NOT NULL,
    points REAL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (question_id, version)
);

CREATE INDEX question_versions_law ON question_versions (law_key);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES departments (id),
    depth INTEGER NOT NULL
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    employee_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    joined TEXT,
    left_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX people_department ON people (department_id);
CREATE INDEX people_name ON people (name);

-- Every state a person has had, one row per import that changed them (the first included).
CREATE TABLE person_history (
    person_id INTEGER NOT NULL REFERENCES people (id),
    changed_at TEXT NOT NULL,
    name TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    joined TEXT,
    left_on TEXT
);

CREATE INDEX person_history_person ON person_history (person_id);

-- What each import did, for the administrator who asks later.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    sources TEXT NOT NULL,
    summary TEXT NOT NULL
);
