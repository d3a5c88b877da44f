-- Version 3: grassroots organizations (党组织) and their members (党员),
-- the development pipeline's dated steps, and transfers between
-- organizations. Members carry the unit of their organization (unit_id) so
-- that counts roll up the hierarchy; no column exists for religion,
-- ethnicity or political views.
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
