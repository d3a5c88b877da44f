-- Version 17: an
-- administrator's corrections of the working-day calendar, one row per day,
-- laid over the shipped definitions/calendar/YYYY.yaml (src/calendar).
-- kind: 'holiday' (a day off) or 'workday' (a day worked); set_by: the
-- account that made it (NULL from the command line); set_at: UTC ISO 8601.
CREATE TABLE calendar_days (
  day     TEXT    NOT NULL PRIMARY KEY,
  kind    TEXT    NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name    TEXT    NOT NULL,
  note    TEXT    NOT NULL DEFAULT '',
  set_by  INTEGER REFERENCES users(id),
  set_at  TEXT    NOT NULL
);
