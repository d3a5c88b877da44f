-- Version 9: long operations (导入、导出) as server jobs. A job belongs to the
-- user who started it; `params` holds, as JSON, what it was started for (the
-- import scope or the export filter, fixed when it was started); the uploaded
-- file and an export's result are in job_files, base64 text (the database
-- layer binds text only), one row per role. A commit job reads the file of
-- the dry run it commits (`source_job_id`). Operational rows, not per-place
-- data: a local table in docs/scaling.md's terms.
CREATE TABLE jobs (
  id             INTEGER PRIMARY KEY,
  kind           TEXT    NOT NULL CHECK (kind IN ('import_members', 'import_orgs', 'export_members', 'export_orgs')),
  user_id        INTEGER NOT NULL REFERENCES users(id),
  unit_code      TEXT    NOT NULL DEFAULT '',
  params         TEXT    NOT NULL,
  file_name      TEXT    NOT NULL DEFAULT '',
  format         TEXT    NOT NULL DEFAULT '',
  dry_run        INTEGER NOT NULL DEFAULT 0,
  source_job_id  INTEGER REFERENCES jobs(id),
  status         TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress_done  INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  report         TEXT,
  error_field    TEXT,
  error_zh       TEXT,
  error_en       TEXT,
  result_name    TEXT,
  result_type    TEXT,
  created_at     TEXT    NOT NULL,
  started_at     TEXT,
  finished_at    TEXT
);
CREATE INDEX jobs_user ON jobs(user_id, id);
CREATE INDEX jobs_status ON jobs(status, id);
CREATE TABLE job_files (
  job_id  INTEGER NOT NULL REFERENCES jobs(id),
  role    TEXT    NOT NULL CHECK (role IN ('upload', 'result')),
  bytes   INTEGER NOT NULL,
  content TEXT    NOT NULL,
  PRIMARY KEY (job_id, role)
);
