-- Version 15: the people register (src/people). A person is one identity that
-- members refer to (and later residents, cadres, trainees); ID numbers and
-- phones leave members and users. In people they are sealed (libsodium,
-- with a key kept outside the database) and the unique check of ID numbers is
-- on a keyed digest; users keep their phone sealed. SQL cannot encrypt, so
-- this migration moves the values into unsealed_* columns, and the first
-- start of a server or tool of this version seals them and empties those
-- columns (people::AttachVault). docs/privacy.md.
CREATE TABLE personal_data_keys (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  key_check  TEXT    NOT NULL,
  created_at TEXT    NOT NULL
);

CREATE TABLE people (
  id                 INTEGER PRIMARY KEY,
  unit_id            INTEGER NOT NULL REFERENCES units(id),
  province_code      TEXT    NOT NULL,
  name               TEXT    NOT NULL,
  gender             TEXT    NOT NULL CHECK (gender IN ('male', 'female')),
  birth_date         TEXT    NOT NULL,
  id_number_sealed   TEXT,
  id_number_digest   TEXT,
  phone_sealed       TEXT,
  unsealed_id_number TEXT,
  unsealed_phone     TEXT,
  version            INTEGER NOT NULL DEFAULT 1,
  created_at         TEXT    NOT NULL,
  updated_at         TEXT    NOT NULL,
  CHECK ((id_number_sealed IS NULL) = (id_number_digest IS NULL))
);
CREATE UNIQUE INDEX people_id_number ON people(id_number_digest) WHERE id_number_digest IS NOT NULL;
CREATE INDEX people_unit ON people(unit_id);
CREATE INDEX people_unsealed ON people(id) WHERE unsealed_id_number IS NOT NULL OR unsealed_phone IS NOT NULL;

INSERT INTO people (id, unit_id, province_code, name, gender, birth_date, unsealed_id_number, unsealed_phone,
                    version, created_at, updated_at)
  SELECT id, unit_id, province_code, name, gender, birth_date, id_number, phone, 1, created_at, updated_at
  FROM members;

DROP INDEX members_id_number;
ALTER TABLE members DROP COLUMN id_number;
ALTER TABLE members DROP COLUMN phone;
ALTER TABLE members ADD COLUMN person_id INTEGER REFERENCES people(id);
UPDATE members SET person_id = id;
CREATE UNIQUE INDEX members_person ON members(person_id);

ALTER TABLE users RENAME COLUMN phone TO unsealed_phone;
ALTER TABLE users ADD COLUMN phone_sealed TEXT;
CREATE INDEX users_unsealed ON users(id) WHERE unsealed_phone IS NOT NULL;
