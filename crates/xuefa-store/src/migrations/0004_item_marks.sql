-- Each submitted attempt's marks by question, for item analysis without reading papers:
-- per paper position, 21 bytes: the question's row id (4 bytes), what was picked in the
-- bank's letters (1 byte: bit 0 is A; for true/false questions 1 is true and 2 is false;
-- 0 is no answer), the points earned and the points possible (8 bytes each, IEEE 754);
-- integers and floats little-endian. Attempts submitted before this column existed are
-- filled in the first time an item report asks for them.
ALTER TABLE attempts ADD COLUMN item_marks BLOB;
