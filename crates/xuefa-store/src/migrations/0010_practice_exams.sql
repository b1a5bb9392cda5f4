-- The exam attempts whose answers have entered the person's wrong-answer book: an attempt's
-- answers are taken in once, the first time the person practises or opens the book after
-- the exam's review is allowed (xuefa_app::practice::take_exam_answers).
CREATE TABLE practice_exam_attempts (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
    taken_at TEXT NOT NULL
);
