-- Version 17 (see the SQLite spelling).
CREATE TABLE calendar_days (
  day     TEXT    COLLATE "C" NOT NULL PRIMARY KEY,
  kind    TEXT    COLLATE "C" NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name    TEXT    COLLATE "C" NOT NULL,
  note    TEXT    COLLATE "C" NOT NULL DEFAULT '',
  set_by  BIGINT  REFERENCES users(id),
  set_at  TEXT    COLLATE "C" NOT NULL
);
