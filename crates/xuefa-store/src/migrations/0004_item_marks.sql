-- Each submitted attempt's marks by question, for item analysis without reading papers, in
-- a narrow table of its own so that scanning a million of them reads only them: per paper
-- position, 21 bytes: the question's row id (4 bytes), what was picked in the bank's
-- letters (1 byte: bit 0 is A; for true/false questions 1 is true and 2 is false; 0 is no
-- answer), the points earned and the points possible (8 bytes each, IEEE 754); integers
-- and floats little-endian. `score` repeats the attempt's total. Attempts submitted before
-- this table existed get their row the first time an item report asks for them.
CREATE TABLE item_marks (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
    exam_id TEXT NOT NULL,
    score REAL NOT NULL,
    marks BLOB NOT NULL
);

CREATE INDEX item_marks_exam ON item_marks (exam_id, attempt_id, score);

-- Results read per person without touching the papers.
CREATE INDEX attempts_results ON attempts (exam_id, employee_id, attempt, submitted_at, score, passed, band);
