-- bench/sql/report_attendance.sql in PostgreSQL's words (a count with a filter for SQLite's
-- sum of a comparison).
SELECT a.employee_id,
       s.kind,
       SUM(CASE WHEN a.status IN ('present', 'late', 'left_early') THEN COALESCE(a.hours, s.hours) ELSE 0 END) AS hours,
       COUNT(*) FILTER (WHERE a.status IN ('present', 'late', 'left_early')) AS attended
FROM attendance a
JOIN study_sessions s ON s.id = a.session_id
WHERE s.date >= '2026-01-01' AND s.date <= '2026-12-31'
GROUP BY a.employee_id, s.kind
ORDER BY a.employee_id, s.kind;
