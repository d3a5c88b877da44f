ALTER TABLE organizations ADD COLUMN split_from_id BIGINT REFERENCES organizations(id);
CREATE INDEX organizations_split_from ON organizations(split_from_id);
