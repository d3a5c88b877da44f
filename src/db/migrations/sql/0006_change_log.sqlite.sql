-- Version 6: the change log. Every write a domain publishes to the roll-up
-- engine (analytics::ChangeSink) adds a row here in the same transaction, so
-- that other processes on the same database apply it too (FollowChangeLog);
-- writers are serialized, so ids grow in commit order.
CREATE TABLE change_log (
  id         INTEGER PRIMARY KEY,
  table_name TEXT    NOT NULL,
  row_id     INTEGER NOT NULL,
  created_at TEXT    NOT NULL
);
