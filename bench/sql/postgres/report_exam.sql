-- bench/sql/report_exam.sql in PostgreSQL's words (AVG of a double cast for ROUND).
WITH best AS (
    SELECT employee_id, MAX(score) AS score, MAX(passed) AS passed
    FROM attempts
    WHERE exam_id = '2026-annual' AND submitted_at IS NOT NULL
    GROUP BY employee_id
)
SELECT d.path,
       COUNT(*) AS expected,
       COUNT(b.score) AS took,
       COALESCE(SUM(b.passed), 0) AS passed,
       ROUND(AVG(b.score)::numeric, 3) AS mean,
       MIN(b.score) AS min,
       MAX(b.score) AS max
FROM people p
JOIN departments d ON d.id = p.department_id
LEFT JOIN best b ON b.employee_id = p.employee_id
WHERE p.status = 'active'
GROUP BY d.path
ORDER BY d.path;
