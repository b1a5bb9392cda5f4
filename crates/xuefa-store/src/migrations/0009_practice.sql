-- Practice between exams: every answer a person gives in practice, and each person's
-- wrong-answer book (错题本): the Leitner box of each question in it and the day it is due
-- again (xuefa_core::practice). A question removed with its bank leaves both.
CREATE TABLE practice_answers (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    day TEXT NOT NULL,
    response TEXT NOT NULL,
    correct INTEGER NOT NULL
);

CREATE INDEX practice_answers_person ON practice_answers (person_id, question_id);
CREATE INDEX practice_answers_question ON practice_answers (question_id);

CREATE TABLE practice_book (
    person_id INTEGER NOT NULL REFERENCES people (id),
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    box INTEGER NOT NULL,
    due TEXT NOT NULL,
    wrong INTEGER NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (person_id, question_id)
);

CREATE INDEX practice_book_question ON practice_book (question_id);

-- The kind and law of each question's current version, beside its id: a person's daily
-- quiz looks at every question in use, and reads this narrow table, not the versions' text.
ALTER TABLE questions ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE questions ADD COLUMN law_key TEXT NOT NULL DEFAULT '';
UPDATE questions SET
    kind = (SELECT v.kind FROM question_versions v WHERE v.question_id = questions.id AND v.version = questions.current_version),
    law_key = (SELECT v.law_key FROM question_versions v WHERE v.question_id = questions.id AND v.version = questions.current_version);
