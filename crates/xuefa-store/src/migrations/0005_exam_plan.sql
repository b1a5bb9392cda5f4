-- Each pool question's position in the pool's fixed order (by bank, then id), and for each
-- section of an exam the positions it may draw (4-byte little-endian integers), stored when
-- the exam is created: starting an attempt then reads the 50 questions of one paper instead
-- of the whole pool. Exams made before this have no plan and draw from the whole pool.
ALTER TABLE exam_pool ADD COLUMN position INTEGER;

UPDATE exam_pool SET position = (
    SELECT n FROM (
        SELECT p.question_id AS qid, ROW_NUMBER() OVER (ORDER BY b.name, q.code) - 1 AS n
        FROM exam_pool p JOIN questions q ON q.id = p.question_id JOIN banks b ON b.id = q.bank_id
        WHERE p.exam_id = exam_pool.exam_id
    ) WHERE qid = exam_pool.question_id
);

CREATE INDEX exam_pool_position ON exam_pool (exam_id, position);

CREATE TABLE exam_sections (
    exam_id TEXT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    section INTEGER NOT NULL,
    eligible BLOB NOT NULL,
    PRIMARY KEY (exam_id, section)
);
