-- The version of the law a question follows: the date (YYYY-MM-DD) of the law's text it was
-- written against. `bank stale` lists the questions of a law amended after it.
ALTER TABLE question_versions ADD COLUMN law_version TEXT;
