-- Version 2: accounts, role assignments scoped to units, sessions, API
-- tokens, login attempts (for lockout) and the hash-chained audit log.
-- role_assignments.unit_id NULL means the whole country.
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  username            TEXT    NOT NULL UNIQUE,
  display_name        TEXT    NOT NULL,
  phone               TEXT,
  unit_id             INTEGER REFERENCES units(id),
  password_hash       TEXT    NOT NULL,
  enabled             INTEGER NOT NULL DEFAULT 1,
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          TEXT    NOT NULL,
  updated_at          TEXT    NOT NULL,
  password_changed_at TEXT    NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE role_assignments (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  role       TEXT    NOT NULL,
  unit_id    INTEGER REFERENCES units(id),
  granted_by INTEGER REFERENCES users(id),
  granted_at TEXT    NOT NULL,
  revoked_by INTEGER REFERENCES users(id),
  revoked_at TEXT
);
CREATE INDEX role_assignments_user ON role_assignments(user_id);
CREATE UNIQUE INDEX role_assignments_active ON role_assignments(user_id, role, COALESCE(unit_id, 0))
  WHERE revoked_at IS NULL;

CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  token_digest TEXT    NOT NULL UNIQUE,
  csrf_token   TEXT    NOT NULL,
  created_at   TEXT    NOT NULL,
  last_seen_at TEXT    NOT NULL,
  expires_at   TEXT    NOT NULL,
  ip           TEXT    NOT NULL,
  user_agent   TEXT    NOT NULL,
  revoked_at   TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  name         TEXT    NOT NULL,
  token_digest TEXT    NOT NULL UNIQUE,
  prefix       TEXT    NOT NULL,
  unit_id      INTEGER REFERENCES units(id),
  created_at   TEXT    NOT NULL,
  last_used_at TEXT,
  expires_at   TEXT,
  revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_attempts (
  id       INTEGER PRIMARY KEY,
  username TEXT    NOT NULL,
  ip       TEXT    NOT NULL,
  at       TEXT    NOT NULL,
  success  INTEGER NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts(username, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        TEXT    NOT NULL,
  user_id   INTEGER,
  username  TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  method    TEXT    NOT NULL,
  path      TEXT    NOT NULL,
  target    TEXT    NOT NULL,
  unit_id   INTEGER,
  ip        TEXT    NOT NULL,
  status    INTEGER NOT NULL,
  result    TEXT    NOT NULL,
  prev_hash TEXT    NOT NULL,
  hash      TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_user ON audit_log(user_id);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
