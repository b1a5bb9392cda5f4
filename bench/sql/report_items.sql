-- What `xuefa report items 2026-annual` starts from, straight from the database: per question,
-- the submitted attempts that showed it and the mean mark it earned. The mark of each paper
-- position is in the `marks` JSON array and the question at that position in the `paper` JSON:
-- `questions[i].question` (the row in `questions`) for papers stored by reference, or
-- `questions[i].bank` and `.id` for papers written out in full. So every attempt's paper
-- JSON is parsed; that is most of the time. (xuefa reads the compact `item_marks` BLOB
-- instead, which SQL cannot decode.)
-- MATERIALIZED: extracting first and grouping after is faster than letting SQLite group the
-- json_each rows directly.
WITH marks AS MATERIALIZED (
    SELECT q.value ->> '$.question' AS question_row,
           q.value ->> '$.bank' AS bank,
           q.value ->> '$.id' AS code,
           a.marks ->> ('$[' || q.key || ']') AS mark
    FROM attempts a, json_each(a.paper, '$.questions') q
    WHERE a.exam_id = '2026-annual' AND a.submitted_at IS NOT NULL
),
by_row AS (
    SELECT question_row, bank, code, COUNT(*) AS attempts, SUM(mark) AS points
    FROM marks
    GROUP BY question_row, bank, code
)
SELECT COALESCE(b.name, r.bank) AS bank,
       COALESCE(q.code, r.code) AS question,
       SUM(r.attempts) AS attempts,
       ROUND(SUM(r.points) / SUM(r.attempts), 4) AS mean_mark
FROM by_row r
LEFT JOIN questions q ON q.id = r.question_row
LEFT JOIN banks b ON b.id = q.bank_id
GROUP BY 1, 2
ORDER BY 1, 2;
