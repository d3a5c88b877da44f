-- Version 1: the administrative hierarchy. Units from the national division
-- list (source 'division') and villager groups added by users (source
-- 'user'). Nothing is hard-deleted: retired units keep their row and
-- `retired_at`; renames are kept in unit_name_history.
CREATE TABLE units (
  id            INTEGER PRIMARY KEY,
  code          TEXT    NOT NULL UNIQUE,
  name          TEXT    NOT NULL,
  level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 6),
  parent_id     INTEGER REFERENCES units(id),
  province_code TEXT    NOT NULL,
  source        TEXT    NOT NULL CHECK (source IN ('division', 'user')),
  version       INTEGER NOT NULL DEFAULT 1,
  retired_at    TEXT,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE UNIQUE INDEX units_active_group_name ON units(parent_id, name)
  WHERE level = 6 AND retired_at IS NULL;

CREATE TABLE unit_name_history (
  id         INTEGER PRIMARY KEY,
  unit_id    INTEGER NOT NULL REFERENCES units(id),
  old_name   TEXT    NOT NULL,
  new_name   TEXT    NOT NULL,
  changed_at TEXT    NOT NULL,
  source     TEXT    NOT NULL
);
CREATE INDEX unit_name_history_unit ON unit_name_history(unit_id);

CREATE TABLE division_imports (
  id           INTEGER PRIMARY KEY,
  imported_at  TEXT    NOT NULL,
  source_dir   TEXT    NOT NULL,
  list_version TEXT    NOT NULL,
  added        INTEGER NOT NULL,
  renamed      INTEGER NOT NULL,
  unchanged    INTEGER NOT NULL,
  missing      INTEGER NOT NULL
);
