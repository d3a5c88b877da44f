#include "db/migrations/migrations.h"

#include <string>

namespace jiceng::db {
namespace {

// Version 1: the administrative hierarchy. Units from the national division
// list (source 'division') and villager groups added by users (source
// 'user'). Nothing is hard-deleted: retired units keep their row and
// `retired_at`; renames are kept in unit_name_history.
constexpr std::string_view kV1Units = R"sql(
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
)sql";

// Version 2: accounts, role assignments scoped to units, sessions, API
// tokens, login attempts (for lockout) and the hash-chained audit log.
// role_assignments.unit_id NULL means the whole country.
constexpr std::string_view kV2Accounts = R"sql(
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
)sql";

// Version 3: grassroots organizations (党组织) and their members (党员),
// the development pipeline's dated steps, and transfers between
// organizations. Members carry the unit of their organization (unit_id) so
// that counts roll up the hierarchy; no column exists for religion,
// ethnicity or political views.
constexpr std::string_view kV3OrgsMembers = R"sql(
CREATE TABLE two_new_orgs (
  id            INTEGER PRIMARY KEY,
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  province_code TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('enterprise', 'social')),
  registered_on TEXT    NOT NULL,
  created_at    TEXT    NOT NULL
);
CREATE INDEX two_new_orgs_unit ON two_new_orgs(unit_id);

CREATE TABLE organizations (
  id             INTEGER PRIMARY KEY,
  unit_id        INTEGER NOT NULL REFERENCES units(id),
  province_code  TEXT    NOT NULL,
  parent_id      INTEGER REFERENCES organizations(id),
  kind           TEXT    NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch', 'joint_branch',
                                                  'temporary_branch')),
  name           TEXT    NOT NULL,
  two_new_id     INTEGER REFERENCES two_new_orgs(id),
  temp_reason    TEXT,
  starts_on      TEXT,
  ends_on        TEXT,
  established_on TEXT    NOT NULL,
  status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dissolved', 'merged')),
  ended_on       TEXT,
  successor_id   INTEGER REFERENCES organizations(id),
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT    NOT NULL,
  updated_at     TEXT    NOT NULL
);
CREATE INDEX organizations_unit ON organizations(unit_id);
CREATE INDEX organizations_parent ON organizations(parent_id);

-- Units a joint branch (联合党支部) covers besides its own.
CREATE TABLE org_covered_units (
  org_id  INTEGER NOT NULL REFERENCES organizations(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY (org_id, unit_id)
);

CREATE TABLE members (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES organizations(id),
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  province_code TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  gender        TEXT    NOT NULL CHECK (gender IN ('male', 'female')),
  birth_date    TEXT    NOT NULL,
  phone         TEXT,
  id_number     TEXT,
  stage         TEXT    NOT NULL,
  stage_since   TEXT    NOT NULL,
  situation     TEXT    NOT NULL CHECK (situation IN ('in_service', 'rural_labour', 'elderly_infirm', 'migrant')),
  status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'in_transit', 'left')),
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL
);
CREATE INDEX members_org ON members(org_id);
CREATE INDEX members_unit ON members(unit_id);
CREATE UNIQUE INDEX members_id_number ON members(id_number) WHERE id_number IS NOT NULL;

CREATE TABLE member_stage_events (
  id          INTEGER PRIMARY KEY,
  member_id   INTEGER NOT NULL REFERENCES members(id),
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  from_stage  TEXT,
  to_stage    TEXT    NOT NULL,
  on_date     TEXT    NOT NULL,
  approved_by INTEGER REFERENCES users(id),
  note        TEXT,
  created_at  TEXT    NOT NULL
);
CREATE INDEX member_stage_events_member ON member_stage_events(member_id);
CREATE INDEX member_stage_events_unit ON member_stage_events(unit_id, on_date);

CREATE TABLE transfers (
  id           INTEGER PRIMARY KEY,
  member_id    INTEGER NOT NULL REFERENCES members(id),
  from_org_id  INTEGER NOT NULL REFERENCES organizations(id),
  to_org_id    INTEGER NOT NULL REFERENCES organizations(id),
  unit_id      INTEGER NOT NULL REFERENCES units(id),
  status       TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'cancelled')),
  requested_on TEXT    NOT NULL,
  requested_by INTEGER REFERENCES users(id),
  decided_on   TEXT,
  decided_by   INTEGER REFERENCES users(id),
  reason       TEXT,
  created_at   TEXT    NOT NULL
);
CREATE INDEX transfers_member ON transfers(member_id);
CREATE UNIQUE INDEX transfers_one_pending ON transfers(member_id) WHERE status = 'pending';
)sql";

// Version 4: dues (党费) in integer fen, membership cards (党员证) with
// yearly reviews, and organizational life (三会一课): meetings with
// attendance and the yearly review of the records.
constexpr std::string_view kV4DuesCardsMeetings = R"sql(
CREATE TABLE dues_standards (
  id          INTEGER PRIMARY KEY,
  member_id   INTEGER NOT NULL REFERENCES members(id),
  monthly_fen INTEGER NOT NULL CHECK (monthly_fen >= 0),
  from_month  TEXT    NOT NULL,
  created_at  TEXT    NOT NULL,
  UNIQUE (member_id, from_month)
);

CREATE TABLE dues_payments (
  id          INTEGER PRIMARY KEY,
  member_id   INTEGER NOT NULL REFERENCES members(id),
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  month       TEXT    NOT NULL,
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  paid_on     TEXT    NOT NULL,
  recorded_by INTEGER REFERENCES users(id),
  created_at  TEXT    NOT NULL,
  UNIQUE (member_id, month)
);
CREATE INDEX dues_payments_unit ON dues_payments(unit_id, month);

CREATE TABLE member_cards (
  id         INTEGER PRIMARY KEY,
  member_id  INTEGER NOT NULL REFERENCES members(id),
  unit_id    INTEGER NOT NULL REFERENCES units(id),
  number     TEXT    NOT NULL UNIQUE,
  issued_on  TEXT    NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('valid', 'needs_correction', 'withdrawn')),
  created_at TEXT    NOT NULL
);
CREATE INDEX member_cards_member ON member_cards(member_id);
CREATE INDEX member_cards_unit ON member_cards(unit_id);

CREATE TABLE card_reviews (
  id          INTEGER PRIMARY KEY,
  card_id     INTEGER NOT NULL REFERENCES member_cards(id),
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  year        INTEGER NOT NULL,
  result      TEXT    NOT NULL CHECK (result IN ('valid', 'needs_correction', 'withdrawn')),
  reviewed_on TEXT    NOT NULL,
  note        TEXT    NOT NULL,
  created_at  TEXT    NOT NULL,
  UNIQUE (card_id, year)
);

CREATE TABLE meetings (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES organizations(id),
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  kind        TEXT    NOT NULL,
  held_on     TEXT    NOT NULL,
  topic       TEXT    NOT NULL,
  recorded_by INTEGER REFERENCES users(id),
  created_at  TEXT    NOT NULL
);
CREATE INDEX meetings_org ON meetings(org_id, held_on);
CREATE INDEX meetings_unit ON meetings(unit_id, held_on);

CREATE TABLE meeting_attendance (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id),
  member_id  INTEGER NOT NULL REFERENCES members(id),
  status     TEXT    NOT NULL CHECK (status IN ('present', 'absent', 'leave')),
  PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE meeting_reviews (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES organizations(id),
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  year        INTEGER NOT NULL,
  result      TEXT    NOT NULL CHECK (result IN ('compliant', 'needs_improvement')),
  note        TEXT    NOT NULL,
  reviewed_by INTEGER REFERENCES users(id),
  reviewed_on TEXT    NOT NULL,
  UNIQUE (org_id, year)
);
)sql";

constexpr Migration kShipped[] = {
    {1, "units", kV1Units},
    {2, "accounts", kV2Accounts},
    {3, "organizations_members", kV3OrgsMembers},
    {4, "dues_cards_meetings", kV4DuesCardsMeetings},
};

constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
))sql";

}  // namespace

std::span<const Migration> ShippedMigrations() { return kShipped; }

int LatestSchemaVersion() { return kShipped[std::size(kShipped) - 1].version; }

Result<int> CurrentSchemaVersion(Database& db) {
  int version = 0;
  Status st = db.Read([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(
        auto exists,
        s.QueryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"));
    if (!exists) return Status::Ok();
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT MAX(version) FROM schema_migrations"));
    if (row && !row->IsNull(0)) version = static_cast<int>(row->Int(0));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return version;
}

Result<MigrationReport> Migrate(Database& db, std::span<const Migration> migrations) {
  MigrationReport report;
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  Status st = db.Write([&](Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(s.ExecScript(kCreateMigrationsTable));
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT MAX(version) FROM schema_migrations"));
    report.from_version = (row && !row->IsNull(0)) ? static_cast<int>(row->Int(0)) : 0;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (report.from_version > latest) {
    const std::string have = std::to_string(report.from_version);
    const std::string know = std::to_string(latest);
    return Status::FailedPrecondition(
        "数据库 " + db.location() + " 的结构版本是 " + have + "，比本程序支持的版本 " + know +
            " 新。请升级 jiceng 后再打开它（不要用旧版本写入新数据库）。",
        "Database " + db.location() + " has schema version " + have +
            ", newer than this binary's " + know +
            ". Upgrade jiceng before opening it (an older binary must not write to it).",
        "db");
  }
  report.to_version = report.from_version;
  for (const Migration& m : migrations) {
    if (m.version <= report.from_version) continue;
    // Each migration and its record commit together or not at all.
    st = db.Write([&](Session& s) -> Status {
      JICENG_RETURN_IF_ERROR(s.ExecScript(m.sqlite_sql));
      JICENG_ASSIGN_OR_RETURN(
          auto n, s.Exec("INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                         {Value(std::int64_t{m.version}), Value(std::string(m.name))}));
      (void)n;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    report.applied.push_back(m.version);
    report.to_version = m.version;
  }
  return report;
}

}  // namespace jiceng::db
