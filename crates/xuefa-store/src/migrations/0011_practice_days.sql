-- Each person's practice day by day: answers given, distinct questions answered, right
-- answers. Reports read this narrow table (a province has tens of millions of answers):
-- who practised in a year or in the last 30 days, and the study-hour credit of practice
-- (`[practice]` in xuefa.toml), which counts a question once a day however often it is
-- answered. A day stays when its questions leave with their bank: the practice was done.
CREATE TABLE practice_days (
    person_id INTEGER NOT NULL REFERENCES people (id),
    day TEXT NOT NULL,
    answered INTEGER NOT NULL,
    questions INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    PRIMARY KEY (person_id, day)
) WITHOUT ROWID;

CREATE INDEX practice_days_day ON practice_days (day);

INSERT INTO practice_days (person_id, day, answered, questions, correct)
SELECT person_id, day, COUNT(*), COUNT(DISTINCT question_id), SUM(correct)
FROM practice_answers GROUP BY person_id, day;
