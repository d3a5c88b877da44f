-- Version 11: pruning change_log. Entries older than the retention are
-- deleted by `jiceng serve` (by created_at, hence the index); each pruning
-- records the highest id it deleted, so a follower that had not read that far
-- knows it missed changes and rebuilds its figures instead of drifting.
CREATE INDEX change_log_created_at ON change_log (created_at);

CREATE TABLE change_log_prunes (
  id             INTEGER PRIMARY KEY,
  pruned_through INTEGER NOT NULL,
  deleted        INTEGER NOT NULL,
  pruned_at      TEXT    NOT NULL
);
