-- Version 8: every per-place table carries the province code (省级行政区划代码,
-- the first two digits of a unit code), so that a deployment can distribute
-- the tables by it with Citus (docs/scaling.md). A row lives in its owner's
-- province: a member's rows (stage events, transfers, dues, cards and card
-- reviews) in the member's, an organization's rows (covered units, meetings
-- and their attendance, meeting reviews) in the organization's. First,
-- members.province_code is derived again from the member's unit: confirming a
-- transfer or merging an organization across a provincial border used to leave
-- the old code behind. (5 and 7 belong to
-- other branches.)
--
-- SQLite cannot add a NOT NULL column without a default, so it keeps
-- DEFAULT ''; PostgreSQL drops the default after the backfill, so a write
-- that forgets the column fails there (the suite runs on both engines).
UPDATE members SET province_code = (SELECT un.province_code FROM units un WHERE un.id = members.unit_id)
  WHERE province_code <> (SELECT un.province_code FROM units un WHERE un.id = members.unit_id);

ALTER TABLE org_covered_units ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE org_covered_units SET province_code =
  (SELECT o.province_code FROM organizations o WHERE o.id = org_covered_units.org_id);

ALTER TABLE member_stage_events ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE member_stage_events SET province_code =
  (SELECT m.province_code FROM members m WHERE m.id = member_stage_events.member_id);

ALTER TABLE transfers ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE transfers SET province_code = (SELECT m.province_code FROM members m WHERE m.id = transfers.member_id);

ALTER TABLE dues_standards ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE dues_standards SET province_code =
  (SELECT m.province_code FROM members m WHERE m.id = dues_standards.member_id);

ALTER TABLE dues_payments ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE dues_payments SET province_code =
  (SELECT m.province_code FROM members m WHERE m.id = dues_payments.member_id);

ALTER TABLE member_cards ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE member_cards SET province_code =
  (SELECT m.province_code FROM members m WHERE m.id = member_cards.member_id);

ALTER TABLE card_reviews ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE card_reviews SET province_code =
  (SELECT c.province_code FROM member_cards c WHERE c.id = card_reviews.card_id);

ALTER TABLE meetings ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE meetings SET province_code = (SELECT o.province_code FROM organizations o WHERE o.id = meetings.org_id);

ALTER TABLE meeting_attendance ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE meeting_attendance SET province_code =
  (SELECT mt.province_code FROM meetings mt WHERE mt.id = meeting_attendance.meeting_id);

ALTER TABLE meeting_reviews ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
UPDATE meeting_reviews SET province_code =
  (SELECT o.province_code FROM organizations o WHERE o.id = meeting_reviews.org_id);
