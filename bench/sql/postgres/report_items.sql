-- bench/sql/report_items.sql in PostgreSQL's words: each submitted attempt's paper parsed as
-- jsonb, each position's mark taken from the `marks` array by its ordinal.
WITH marks AS MATERIALIZED (
    SELECT q.value ->> 'question' AS question_row,
           q.value ->> 'bank' AS bank,
           q.value ->> 'id' AS code,
           (a.marks::jsonb ->> (q.ordinality::int - 1))::float8 AS mark
    FROM attempts a, jsonb_array_elements(a.paper::jsonb -> 'questions') WITH ORDINALITY q
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
       ROUND((SUM(r.points) / SUM(r.attempts))::numeric, 4) AS mean_mark
FROM by_row r
LEFT JOIN questions q ON q.id = r.question_row::bigint
LEFT JOIN banks b ON b.id = q.bank_id
GROUP BY 1, 2
ORDER BY 1, 2;
