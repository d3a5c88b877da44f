-- Version 5: an organization's officers with terms (书记, 副书记, 委员),
-- pairings between organizations (结对共建) with their shared activities,
-- and task teams (一事一团) that members join and leave. Every row carries
-- the unit_id and province_code of its organization (for pairings: of the
-- side with the smaller id, org_a_id); nothing is deleted — terms,
-- pairings, teams and memberships end with a date.
CREATE TABLE org_officers (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES organizations(id),
  member_id     INTEGER NOT NULL REFERENCES members(id),
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  province_code TEXT    NOT NULL,
  position      TEXT    NOT NULL CHECK (position IN ('secretary', 'deputy_secretary', 'committee_member')),
  term_start    TEXT    NOT NULL,
  term_end      TEXT    NOT NULL,
  ended_on      TEXT,
  end_reason    TEXT    CHECK (end_reason IN ('replaced', 'ended')),
  appointed_by  INTEGER REFERENCES users(id),
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL,
  CHECK (term_end >= term_start),
  CHECK (ended_on IS NULL OR ended_on >= term_start)
);
CREATE INDEX org_officers_org ON org_officers(org_id);
CREATE INDEX org_officers_member ON org_officers(member_id);
CREATE INDEX org_officers_unit ON org_officers(unit_id);
-- One current secretary per organization; one current position per person.
CREATE UNIQUE INDEX org_officers_one_secretary ON org_officers(org_id)
  WHERE position = 'secretary' AND ended_on IS NULL;
CREATE UNIQUE INDEX org_officers_one_position ON org_officers(org_id, member_id) WHERE ended_on IS NULL;

CREATE TABLE org_pairings (
  id            INTEGER PRIMARY KEY,
  org_a_id      INTEGER NOT NULL REFERENCES organizations(id),
  org_b_id      INTEGER NOT NULL REFERENCES organizations(id),
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  province_code TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('adjacent_area', 'office_enterprise', 'urban_rural')),
  starts_on     TEXT    NOT NULL,
  ends_on       TEXT,
  ended_on      TEXT,
  note          TEXT    NOT NULL,
  created_by    INTEGER REFERENCES users(id),
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL,
  CHECK (org_a_id < org_b_id),
  CHECK (ends_on IS NULL OR ends_on >= starts_on),
  CHECK (ended_on IS NULL OR ended_on >= starts_on)
);
CREATE INDEX org_pairings_a ON org_pairings(org_a_id);
CREATE INDEX org_pairings_b ON org_pairings(org_b_id);
CREATE INDEX org_pairings_unit ON org_pairings(unit_id);
CREATE UNIQUE INDEX org_pairings_one_active ON org_pairings(org_a_id, org_b_id) WHERE ended_on IS NULL;

CREATE TABLE pairing_activities (
  id            INTEGER PRIMARY KEY,
  pairing_id    INTEGER NOT NULL REFERENCES org_pairings(id),
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  province_code TEXT    NOT NULL,
  held_on       TEXT    NOT NULL,
  title         TEXT    NOT NULL,
  summary       TEXT    NOT NULL,
  participants  INTEGER NOT NULL CHECK (participants >= 0),
  recorded_by   INTEGER REFERENCES users(id),
  created_at    TEXT    NOT NULL
);
CREATE INDEX pairing_activities_pairing ON pairing_activities(pairing_id, held_on);
CREATE INDEX pairing_activities_unit ON pairing_activities(unit_id, held_on);

CREATE TABLE task_teams (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES organizations(id),
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  province_code TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  purpose       TEXT    NOT NULL,
  starts_on     TEXT    NOT NULL,
  ends_on       TEXT,
  created_by    INTEGER REFERENCES users(id),
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL,
  CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX task_teams_org ON task_teams(org_id);
CREATE INDEX task_teams_unit ON task_teams(unit_id);

CREATE TABLE task_team_members (
  id            INTEGER PRIMARY KEY,
  team_id       INTEGER NOT NULL REFERENCES task_teams(id),
  member_id     INTEGER NOT NULL REFERENCES members(id),
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  province_code TEXT    NOT NULL,
  joined_on     TEXT    NOT NULL,
  left_on       TEXT,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL,
  CHECK (left_on IS NULL OR left_on >= joined_on)
);
CREATE INDEX task_team_members_team ON task_team_members(team_id);
CREATE INDEX task_team_members_member ON task_team_members(member_id);
CREATE INDEX task_team_members_unit ON task_team_members(unit_id);
CREATE UNIQUE INDEX task_team_members_current ON task_team_members(team_id, member_id) WHERE left_on IS NULL;
