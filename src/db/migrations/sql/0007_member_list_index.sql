-- Version 7: the member list of a
-- subtree counts members and picks a page of ids from the index alone,
-- without reading 50,000 rows for a county (bench/README.md, "Imports and
-- member lists"); (unit_id, status, id) replaces the index on unit_id, its
-- prefix. `id` is spelled out for PostgreSQL (SQLite's rowid is in every
-- index anyway). Imports find organizations by name. The same text on both
-- engines.
DROP INDEX members_unit;
CREATE INDEX members_unit_status ON members(unit_id, status, id);
CREATE INDEX organizations_name ON organizations(name);
