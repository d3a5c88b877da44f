-- Version 4: dues (党费) in integer fen, membership cards (党员证) with
-- yearly reviews, and organizational life (三会一课): meetings with
-- attendance and the yearly review of the records.
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
