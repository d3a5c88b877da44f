-- Version 14: a job's kind is whatever a domain registers (jobs/job_kinds.h),
-- no longer a fixed list in a CHECK constraint. SQLite cannot drop a CHECK, so
-- jobs and job_files are rebuilt as they were, less that constraint: new
-- tables, every row copied with its id, the old ones dropped, the new ones
-- renamed (which rewrites the references to them), the indexes made again.
CREATE TABLE jobs_new (
  id             INTEGER PRIMARY KEY,
  kind           TEXT    NOT NULL,
  user_id        INTEGER NOT NULL REFERENCES users(id),
  unit_code      TEXT    NOT NULL DEFAULT '',
  params         TEXT    NOT NULL,
  file_name      TEXT    NOT NULL DEFAULT '',
  format         TEXT    NOT NULL DEFAULT '',
  dry_run        INTEGER NOT NULL DEFAULT 0,
  source_job_id  INTEGER REFERENCES jobs_new(id),
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
  finished_at    TEXT,
  lease_owner      TEXT,
  lease_expires_at TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE job_files_new (
  job_id  INTEGER NOT NULL REFERENCES jobs_new(id),
  role    TEXT    NOT NULL CHECK (role IN ('upload', 'result')),
  bytes   INTEGER NOT NULL,
  content TEXT    NOT NULL,
  PRIMARY KEY (job_id, role)
);
INSERT INTO jobs_new (id, kind, user_id, unit_code, params, file_name, format, dry_run, source_job_id, status,
                      progress_done, progress_total, report, error_field, error_zh, error_en, result_name,
                      result_type, created_at, started_at, finished_at, lease_owner, lease_expires_at, attempts)
  SELECT id, kind, user_id, unit_code, params, file_name, format, dry_run, source_job_id, status,
         progress_done, progress_total, report, error_field, error_zh, error_en, result_name,
         result_type, created_at, started_at, finished_at, lease_owner, lease_expires_at, attempts
  FROM jobs ORDER BY id;
INSERT INTO job_files_new (job_id, role, bytes, content) SELECT job_id, role, bytes, content FROM job_files;
DROP TABLE job_files;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
ALTER TABLE job_files_new RENAME TO job_files;
CREATE INDEX jobs_user ON jobs(user_id, id);
CREATE INDEX jobs_status ON jobs(status, id);
CREATE INDEX jobs_finished_at ON jobs(finished_at);
