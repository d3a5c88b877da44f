-- Version 10: an organization split off another one (党组织拆分) names it;
-- the original keeps its row and its remaining members, so the history of
-- both sides stays readable.
ALTER TABLE organizations ADD COLUMN split_from_id INTEGER REFERENCES organizations(id);
CREATE INDEX organizations_split_from ON organizations(split_from_id);
