-- What `xuefa report attendance --year 2026` sums, straight from the database: per person and
-- session kind the study hours, with the default credit rule (present, late and left early
-- earn the session's hours, excused and absent none; a mark with hours of its own earns
-- those when its status earns anything), and the sessions attended.
SELECT a.employee_id,
       s.kind,
       SUM(CASE WHEN a.status IN ('present', 'late', 'left_early') THEN COALESCE(a.hours, s.hours) ELSE 0 END) AS hours,
       SUM(a.status IN ('present', 'late', 'left_early')) AS attended
FROM attendance a
JOIN study_sessions s ON s.id = a.session_id
WHERE s.date >= '2026-01-01' AND s.date <= '2026-12-31'
GROUP BY a.employee_id, s.kind
ORDER BY a.employee_id, s.kind;
