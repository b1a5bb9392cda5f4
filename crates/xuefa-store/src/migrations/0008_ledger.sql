-- The ledger: every submitted attempt and every attendance mark, chained. Each link holds
-- the SHA-256 of its record's content and a digest over the previous link and its own
-- fields, so an edited score, a deleted attempt or a mark inserted outside xuefa shows when
-- the chain is walked (`xuefa verify`). A record written again (a mark re-imported) gets a
-- new link; the latest link of a record is the one its content must match.
-- For an attempt: a = exam id, b = employee id, n = attempt number.
-- For a mark: a = session id, b = employee id, n = 0.
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    n INTEGER NOT NULL,
    content BLOB NOT NULL,
    link BLOB NOT NULL
);

-- No index but the sequence: links are appended in order, so a sign-in sheet of millions of
-- marks adds its links at the end of the table. `verify` gathers the latest link of each
-- record into a temporary table of its own.
