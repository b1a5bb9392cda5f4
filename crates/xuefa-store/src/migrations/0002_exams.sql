-- Exams, the question versions each exam draws from (frozen when it is created, so every
-- paper can be drawn again for an audit), attempts with their papers, and each answer as it
-- is given.

CREATE TABLE exams (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    spec TEXT NOT NULL,
    seed TEXT NOT NULL,
    total_points REAL NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE exam_pool (
    exam_id TEXT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions (id),
    version INTEGER NOT NULL,
    PRIMARY KEY (exam_id, question_id)
);

CREATE INDEX exam_pool_question ON exam_pool (question_id);

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    exam_id TEXT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    employee_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    mode TEXT NOT NULL,
    -- The paper as drawn: question versions, option order, keys and points (JSON).
    paper TEXT NOT NULL,
    started_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    submitted_at TEXT,
    score REAL,
    max_score REAL,
    passed INTEGER,
    band TEXT,
    -- The points of each question, in paper order (JSON), once submitted.
    marks TEXT,
    UNIQUE (exam_id, employee_id, attempt)
);

CREATE INDEX attempts_open ON attempts (exam_id, submitted_at);

CREATE TABLE responses (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    question_index INTEGER NOT NULL,
    response TEXT,
    flagged INTEGER NOT NULL DEFAULT 0,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (attempt_id, question_index)
);
